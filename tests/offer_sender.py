"""A complete, real-looking offer sender for production environments in the tests."""

OFFER_SENDER = {
    "OFFER_SENDER_NAME": "Saxess AG",
    "OFFER_SENDER_STREET": "Querstraße 3",
    "OFFER_SENDER_POSTCODE": "04103",
    "OFFER_SENDER_CITY": "Leipzig",
    "OFFER_REGISTER_COURT": "Amtsgericht Leipzig",
    "OFFER_REGISTER_NUMBER": "HRB 12345",
    "OFFER_VAT_ID": "DE123456789",
    "OFFER_MANAGING_DIRECTORS": "Anna Vorstand",
}

"""The offer as a German B2B letter: sender data, the customer's postal address, the send guard."""

import pytest
from sqlalchemy import func, select

from portal.models import CustomerContact, OutboxMessage, ServiceOffer
from portal.postal import Address
from portal.services import offers
from portal.services.errors import Forbidden, Invalid, NotFound
from tests.conftest import login
from tests.pdfs import text
from tests.test_offer import english, events, held_order, saved, sent

SENDER = {
    "OFFER_SENDER_NAME": "Saxess AG",
    "OFFER_SENDER_STREET": "Querstraße 3",
    "OFFER_SENDER_POSTCODE": "04103",
    "OFFER_SENDER_CITY": "Leipzig",
    "OFFER_REGISTER_COURT": "Amtsgericht Leipzig",
    "OFFER_REGISTER_NUMBER": "HRB 12345",
    "OFFER_VAT_ID": "DE123456789",
    "OFFER_MANAGING_DIRECTORS": "Anna Vorstand, Bert Vorstand",
    "OFFER_BANK": "Sparkasse Leipzig · IBAN DE02 8605 5592 1090 0000 00",
    "OFFER_CONTACT": "Tel. +49 341 000000",
}


def contacts(session, order) -> list[int]:
    return list(
        session.scalars(
            select(CustomerContact.id).where(CustomerContact.customer_id == order.customer_id)
        )
    )


@pytest.fixture
def order(session, world):
    return held_order(session, world)


@pytest.fixture
def sender(app):
    app.config.update(SENDER)
    return SENDER


def test_the_german_pdf_carries_sender_register_vat_and_the_customers_address(
    session, world, order, sender
):
    content = text(sent(session, world, order).pdf)
    for expected in (
        "Saxess AG · Querstraße 3 · 04103 Leipzig",  # the sender line above the address
        "Tel. +49 341 000000",
        "ACME GmbH",
        "Hafenstraße 12",
        "20457 Hamburg",
        "Registergericht: Amtsgericht Leipzig",
        "HRB 12345",
        "USt-IdNr.: DE123456789",
        "Geschäftsführung: Anna Vorstand, Bert Vorstand",
        "IBAN DE02 8605 5592 1090 0000 00",
    ):
        assert expected in content, expected
    assert "DEUTSCHLAND" not in content  # a letter within Germany names no country


def test_the_english_pdf_names_the_country_abroad_and_the_footer_in_english(session, world, sender):
    order = held_order(session, world, code="ENGL", language="en")
    offers.save_address(session, world.partner, order.id, Address("Ring 1", "1010", "Wien", "AT"))
    content = text(sent(session, world, order).pdf)
    for expected in (
        "Ring 1",
        "1010 Wien",
        "AUSTRIA",
        english("Registergericht: %(court)s", court="Amtsgericht Leipzig"),
        english("USt-IdNr.: %(id)s", id="DE123456789"),
        english("Geschäftsführung: %(names)s", names="Anna Vorstand, Bert Vorstand"),
    ):
        assert expected in content, expected
    assert "Registergericht" not in content


def test_the_footer_is_on_every_page(session, world, order, sender):
    from tests.pdfs import page_texts
    from tests.test_offer import catalogue, fields, line

    items = catalogue(session)
    many = fields(*[line(items["REPORTS"], str(n)) for n in range(1, 40)])
    pages = page_texts(sent(session, world, order, many).pdf)
    assert len(pages) >= 2
    assert all("USt-IdNr.: DE123456789" in page and "HRB 12345" in page for page in pages)


def test_an_offer_without_a_complete_address_is_not_sent_and_says_what_is_missing(
    session, world, order
):
    order.customer.street, order.customer.city = "", ""
    session.commit()
    offer = saved(session, world, order)
    queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    with pytest.raises(Invalid) as refused:
        offers.send(session, world.partner, order.id, offer.version, contacts(session, order))
    message = refused.value.fields["address"]
    assert "Straße und Hausnummer" in message and "Stadt" in message and "PLZ" not in message
    session.expire_all()
    assert session.get(ServiceOffer, offer.id).status == "draft"
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == queued


def test_the_address_is_recorded_on_the_customer_and_audited(session, world, order):
    customer = offers.save_address(
        session, world.partner, order.id, Address.typed(" Neuer Wall 1 ", "20354", "Hamburg", "de")
    )
    assert (customer.street, customer.postcode, customer.city, customer.country) == (
        "Neuer Wall 1",
        "20354",
        "Hamburg",
        "DE",
    )
    (event,) = events(session, "customer.address")
    assert event.object_id == str(customer.id) or event.object_id == customer.id
    assert event.payload["before"]["street"] == "Hafenstraße 12"
    assert event.payload["after"]["street"] == "Neuer Wall 1"
    # Saving the same address again changes nothing and records nothing.
    offers.save_address(
        session, world.partner, order.id, Address("Neuer Wall 1", "20354", "Hamburg")
    )
    assert len(events(session, "customer.address")) == 1


def test_a_bad_address_is_refused_per_field_and_changes_nothing(session, world, order):
    with pytest.raises(Invalid) as refused:
        offers.save_address(session, world.partner, order.id, Address("", "2045", "Hamburg", "DE"))
    assert refused.value.fields.keys() == {"address_street", "address_postcode"}
    with pytest.raises(Invalid) as refused:
        offers.save_address(session, world.partner, order.id, Address("A 1", "12345", "B", "XX"))
    assert refused.value.fields.keys() == {"address_country"}
    session.expire_all()
    assert order.customer.street == "Hafenstraße 12"
    assert events(session, "customer.address") == []


def test_only_who_may_edit_the_offer_records_the_address(client, session, world, order):
    address = Address("Neuer Wall 1", "20354", "Hamburg")
    with pytest.raises(NotFound):
        offers.save_address(session, world.other_partner, order.id, address)
    for user in (world.backoffice, world.lead, world.admin):
        with pytest.raises(Forbidden):
            offers.save_address(session, user, order.id, address)
    url = f"/orders/{order.id}/offer/address"
    form = {"street": "Neuer Wall 1", "postcode": "20354", "city": "Hamburg", "country": "DE"}
    for user, status in ((world.other_partner, 404), (world.backoffice, 403)):
        login(client, user)
        assert client.post(url, data=form).status_code == status
        client.post("/logout")
    assert client.get(url).status_code == 405  # no change by GET
    session.expire_all()
    assert order.customer.street == "Hafenstraße 12"


def test_the_editor_shows_and_saves_the_address(client, session, world, order):
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/offer").get_data(as_text=True)
    assert 'value="Hafenstraße 12"' in page and 'id="address_country"' in page
    url = f"/orders/{order.id}/offer/address"
    refused = client.post(
        url, data={"street": "Neuer Wall 1", "postcode": "2035", "city": "Hamburg"}
    )
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "Eine deutsche Postleitzahl hat fünf Ziffern" in body
    assert 'value="Neuer Wall 1"' in body  # what was typed stays
    saved_ = client.post(
        url,
        data={"street": "Neuer Wall 1", "postcode": "20354", "city": "Hamburg", "country": "AT"},
    )
    assert saved_.status_code == 302 and saved_.headers["Location"].endswith("#address")
    session.expire_all()
    assert (order.customer.street, order.customer.country) == ("Neuer Wall 1", "AT")

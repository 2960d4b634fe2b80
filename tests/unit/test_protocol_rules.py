"""The pure rules of steps 6 and 7 without an app: contacts, the protocol's fields, its hash."""

import hashlib
import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from portal.services.errors import Invalid
from portal.services.protocol.rules import (
    check_fields,
    clean_contacts,
    content_hash,
    fields_of,
    read_quantity,
    return_comment,
)

ITEM = SimpleNamespace(id=7, code="TRAIN", name_de="Schulung", name_en="Training", unit="Tag")
CHOICES = {
    "user-1": {"key": "user-1", "name": "Leo", "organisation": "Saxess", "role": "project_lead"},
    "contact-2": {"key": "contact-2", "name": "Carla", "organisation": "Acme", "role": ""},
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2", Decimal("2")),
        ("1,5", Decimal("1.5")),
        ("1.25", Decimal("1.25")),
        (" 1 000 ", Decimal("1000")),
        ("9999", Decimal("9999")),
        ("0", None),
        ("-1", None),
        ("10000", None),
        ("1,255", None),
        ("zwei", None),
        ("NaN", None),
        ("", None),
    ],
)
def test_a_quantity_is_above_zero_at_most_9999_with_two_decimals(raw, expected):
    assert read_quantity(raw) == expected


def test_contacts_are_tidied_and_a_shared_address_is_refused_at_the_second():
    cleaned = clean_contacts(
        {
            1: {"role": "  IT   Leitung ", "email": " Carla@ACME.example ", "phone": "+49 30  1"},
            2: {"role": "CFO", "email": "chris@acme.example", "phone": "", "attended": True},
        }
    )
    assert cleaned[1] == {
        "role": "IT Leitung",
        "email": "carla@acme.example",
        "phone": "+49 30 1",
        "attended": False,
    }
    assert cleaned[2]["phone"] is None and cleaned[2]["attended"] is True
    with pytest.raises(Invalid) as refused:
        clean_contacts(
            {
                1: {"role": "IT", "email": "x@acme.example"},
                2: {"role": "CFO", "email": "X@acme.example"},
            }
        )
    assert set(refused.value.fields) == {"contact-2-email"}


def test_every_bad_contact_field_is_named():
    with pytest.raises(Invalid) as refused:
        clean_contacts({4: {"role": "", "email": "Carla <carla@acme.example>", "phone": "+1"}})
    assert set(refused.value.fields) == {"contact-4-role", "contact-4-email", "contact-4-phone"}


def test_a_draft_may_be_incomplete_but_a_submitted_protocol_may_not():
    draft = check_fields({"topics": " Schnittstellen \r\n"}, CHOICES, {}, complete=False)
    assert draft["held_on"] is None and draft["attendees"] == []
    assert draft["topics"] == "Schnittstellen"
    with pytest.raises(Invalid) as refused:
        check_fields({}, CHOICES, {}, complete=True)
    assert list(refused.value.fields) == ["held_on", "attendees", "topics"]


def test_fields_become_the_values_stored_in_the_choices_order():
    values = check_fields(
        {
            "held_on": "2027-03-08",
            "attendees": ["contact-2", "user-1"],
            "topics": "T",
            "open_points": [
                {"text": "", "owner": "", "due": ""},
                {"text": "Firewall", "owner": " Carla  Kunde ", "due": "2027-04-01"},
            ],
            "services": [{"service_item_id": "7", "quantity": "1,50"}],
        },
        CHOICES,
        {ITEM.id: ITEM},
        complete=True,
    )
    assert values["held_on"] == date(2027, 3, 8)
    assert [a["key"] for a in values["attendees"]] == ["user-1", "contact-2"]
    assert values["open_points"] == [
        {"text": "Firewall", "owner": "Carla Kunde", "due": "2027-04-01"}
    ]
    assert values["services"] == [
        {
            "service_item_id": 7,
            "code": "TRAIN",
            "name": "Schulung",
            "name_en": "Training",
            "unit": "Tag",
            "quantity": "1.5",
        }
    ]


def test_bad_rows_are_named_by_their_position():
    with pytest.raises(Invalid) as refused:
        check_fields(
            {
                "held_on": "8.3.2027",
                "attendees": ["user-9"],
                "open_points": [{"text": "x", "owner": "", "due": "morgen"}],
                "services": [
                    {"service_item_id": "7", "quantity": "1"},
                    {"service_item_id": "7", "quantity": "0"},
                    {"service_item_id": "99", "quantity": "1"},
                ],
            },
            CHOICES,
            {ITEM.id: ITEM},
            complete=False,
        )
    assert set(refused.value.fields) == {
        "held_on",
        "attendees",
        "point-0-owner",
        "point-0-due",
        "service-1-item",
        "service-1-quantity",
        "service-2-item",
    }


def test_a_stored_protocol_reads_back_as_the_fields_that_made_it():
    fields = {
        "held_on": "2027-03-08",
        "attendees": ["user-1"],
        "topics": "T",
        "decisions": "D",
        "open_points": [{"text": "Firewall", "owner": "Carla", "due": "2027-04-01"}],
        "services": [{"service_item_id": "7", "quantity": "1.5"}],
    }
    stored = SimpleNamespace(**check_fields(fields, CHOICES, {ITEM.id: ITEM}, complete=True))
    assert fields_of(stored) == fields


def test_a_return_comment_is_required_and_at_most_2000_characters():
    assert return_comment("  Bitte Datum prüfen\r\n ") == "Bitte Datum prüfen"
    for raw in ("   ", "x" * 2001):
        with pytest.raises(Invalid) as refused:
            return_comment(raw)
        assert set(refused.value.fields) == {"comment"}


def test_the_hash_is_sha256_of_the_canonical_json_of_the_content():
    order = SimpleNamespace(short_code="ACME")
    protocol = SimpleNamespace(
        held_on=date(2027, 3, 8),
        attendees=[{"key": "user-1", "name": "Leo"}],
        topics="Schnittstellen",
        decisions="",
        open_points=[],
        services=[],
    )
    canonical = json.dumps(
        {
            "attendees": [{"key": "user-1", "name": "Leo"}],
            "decisions": "",
            "held_on": "2027-03-08",
            "open_points": [],
            "order": "ACME",
            "services": [],
            "topics": "Schnittstellen",
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )
    assert content_hash(order, protocol) == hashlib.sha256(canonical.encode()).hexdigest()
    protocol.topics = "Schnittstellen."
    assert content_hash(order, protocol) != hashlib.sha256(canonical.encode()).hexdigest()

"""Step 7, the draft: who writes it, what it starts from, what it refuses."""

import pytest
from sqlalchemy import func, select

from portal.models import Protocol
from portal.services import protocol
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.helpers import catalogue, place
from tests.protocol.support import FIELDS, START, confirm, draft, events


def test_partner_and_lead_draft_the_protocol_prefilled_from_the_call(session, world, order, carla):
    page = protocol.page(session, world.partner, order.id)
    assert page.may_edit and page.protocol is None
    start = page.fields(session)
    assert start["held_on"] == START.astimezone(protocol.BERLIN).date().isoformat()
    assert set(start["attendees"]) == {
        f"user-{world.lead.id}",
        f"user-{world.partner.id}",
        f"user-{world.architect.id}",
        f"contact-{carla.id}",
    }
    # A contact the lead confirmed as absent is not prefilled.
    confirm(session, world, order, carla, attended=False)
    assert (
        f"contact-{carla.id}"
        not in protocol.page(session, world.partner, order.id).fields(session)["attendees"]
    )

    items = catalogue(session)
    saved = draft(
        session,
        world,
        order,
        carla,
        services=[{"service_item_id": str(items["TRAINING"].id), "quantity": "2,5"}],
    )
    assert saved.status == "draft" and saved.drafted_by_id == world.partner.id
    first_version = saved.version
    assert [a["name"] for a in saved.attendees] == ["Leo", "Carla Kunde"]
    assert saved.attendees[0]["role"] == "project_lead"
    assert saved.services == [
        {
            "service_item_id": items["TRAINING"].id,
            "code": "TRAINING",
            "name": "Anwenderschulung",
            "name_en": "User training",
            "unit": "Tag",
            "quantity": "2.5",
        }
    ]
    again = draft(session, world, order, carla, user=world.lead, topics="Neu")
    assert again.topics == "Neu" and again.updated_by_id == world.lead.id
    assert again.version == first_version + 1
    assert len(events(session, "protocol.save")) == 2


def test_who_may_not_draft(session, world, order, carla, lara):
    for user in (world.architect, world.technician, world.backoffice, world.admin, lara):
        with pytest.raises(Forbidden):
            draft(session, world, order, carla, user=user)
    with pytest.raises(NotFound):
        draft(session, world, order, carla, user=world.other_partner)
    assert session.scalar(select(func.count()).select_from(Protocol)) == 0


def test_an_order_not_yet_accepted_has_no_protocol(session, world):
    placed = place(session, world, code="NEW")
    with pytest.raises(Conflict, match="nicht angenommen"):
        protocol.save_draft(session, world.partner, placed.id, FIELDS, None)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"held_on": "1.3.2027"}, "held_on"),
        ({"held_on": "2027-02-30"}, "held_on"),
        ({"attendees": ["user-999999"]}, "attendees"),
        ({"open_points": [{"text": "", "owner": "Carla", "due": "2027-03-15"}]}, "point-0-text"),
        ({"open_points": [{"text": "VPN", "owner": "", "due": "2027-03-15"}]}, "point-0-owner"),
        (
            {"open_points": [{"text": "VPN", "owner": "x" * 121, "due": "2027-03-15"}]},
            "point-0-owner",
        ),
        ({"open_points": [{"text": "VPN", "owner": "Carla", "due": "15.03.2027"}]}, "point-0-due"),
        ({"open_points": [{"text": "VPN", "owner": "Carla", "due": ""}]}, "point-0-due"),
        ({"services": [{"service_item_id": "999999", "quantity": "1"}]}, "service-0-item"),
        ({"services": [{"service_item_id": "INSTALL", "quantity": "1"}]}, "service-0-item"),
        ({"services": [{"service_item_id": "REPORTS", "quantity": "1"}]}, "service-0-item"),
        ({"services": [{"service_item_id": "TRAINING", "quantity": "0"}]}, "service-0-quantity"),
        ({"services": [{"service_item_id": "TRAINING", "quantity": "-1"}]}, "service-0-quantity"),
        ({"services": [{"service_item_id": "TRAINING", "quantity": "zwei"}]}, "service-0-quantity"),
        (
            {"services": [{"service_item_id": "TRAINING", "quantity": "1.234"}]},
            "service-0-quantity",
        ),
        ({"services": [{"service_item_id": "TRAINING", "quantity": "NaN"}]}, "service-0-quantity"),
        (
            {
                "services": [
                    {"service_item_id": "TRAINING", "quantity": "1"},
                    {"service_item_id": "TRAINING", "quantity": "2"},
                ]
            },
            "service-1-item",
        ),
    ],
)
def test_bad_protocol_input_is_refused_per_field_and_writes_nothing(
    session, world, order, carla, changes, key
):
    items = catalogue(session)
    items["REPORTS"].active = False  # withdrawn from the catalogue
    session.commit()
    for service in changes.get("services", []):
        code = service["service_item_id"]
        service["service_item_id"] = str(items[code].id) if code in items else code
    with pytest.raises(Invalid) as refused:
        draft(session, world, order, carla, **changes)
    assert set(refused.value.fields) == {key}
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Protocol)) == 0
    assert events(session, "protocol.save") == []


def test_empty_rows_of_the_form_are_ignored(session, world, order, carla):
    saved = draft(
        session,
        world,
        order,
        carla,
        open_points=[{"text": " ", "owner": "", "due": ""}, FIELDS["open_points"][0]],
        services=[{"service_item_id": "", "quantity": ""}],
    )
    assert saved.open_points == FIELDS["open_points"] and saved.services == []

"""Step 6, the contacts: the order's project lead completes and confirms them."""

import pytest
from sqlalchemy import func, select

from portal.models import CallAttendance, ContactConfirmation
from portal.services import calls, protocol
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.protocol.support import confirm, events


def test_the_orders_lead_completes_and_confirms_the_contacts(session, world, order, carla):
    confirmation = confirm(session, world, order, carla, email=" Carla@ACME.example ")
    session.expire_all()
    assert (carla.role, carla.email, carla.phone) == (
        "IT-Leitung",
        "carla@acme.example",
        "+49 30 1234-5",
    )
    assert session.scalar(
        select(CallAttendance.attended).where(CallAttendance.contact_id == carla.id)
    )
    assert confirmation.confirmed_by_id == world.lead.id
    assert confirmation.contacts == [
        {
            "id": carla.id,
            "name": "Carla Kunde",
            "role": "IT-Leitung",
            "email": "carla@acme.example",
            "phone": "+49 30 1234-5",
            "attended": True,
        }
    ]
    assert protocol.contacts_confirmed(session, order)
    (event_,) = events(session, "contacts.confirm")
    assert event_.actor_id == world.lead.id
    assert event_.payload["contacts"] == [
        {"id": carla.id, "changed": ["role", "phone"], "attended": True}
    ]
    # Confirming again replaces the confirmation and the attendance, not adds to them.
    confirm(session, world, order, carla, attended=False, phone="")
    assert session.scalar(select(func.count()).select_from(ContactConfirmation)) == 1
    assert session.scalar(select(CallAttendance.attended)) is False
    assert carla.phone is None


def test_only_the_orders_lead_confirms_contacts(session, world, order, carla, lara):
    for user in (world.partner, world.architect, world.backoffice, world.admin, lara):
        with pytest.raises(Forbidden):
            confirm(session, world, order, carla, user=user)
    with pytest.raises(NotFound):
        confirm(session, world, order, carla, user=world.other_partner)
    assert session.scalar(select(func.count()).select_from(ContactConfirmation)) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "  "}, "role"),
        ({"role": "x" * 121}, "role"),
        ({"email": "carla@"}, "email"),
        ({"email": "Carla <carla@acme.example>"}, "email"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "+1"}, "phone"),
    ],
)
def test_bad_contact_details_are_refused_and_change_nothing(
    session, world, order, carla, changes, field
):
    with pytest.raises(Invalid) as refused:
        confirm(session, world, order, carla, **changes)
    assert set(refused.value.fields) == {f"contact-{carla.id}-{field}"}
    session.rollback()
    session.expire_all()
    assert carla.role is None and carla.email == "carla@acme.example"
    assert session.scalar(select(func.count()).select_from(ContactConfirmation)) == 0


def test_contacts_must_be_confirmed_together_and_again_after_one_is_added(
    session, world, order, carla
):
    chris = calls.add_contact(
        session, world.partner, order.id, name="Chris", email="chris@acme.example"
    )
    with pytest.raises(Conflict, match="hinzugekommen"):
        confirm(session, world, order, carla)
    both = [
        {"id": carla.id, "role": "IT", "email": "x@acme.example", "phone": "", "attended": True},
        {"id": chris.id, "role": "CFO", "email": "x@acme.example", "phone": "", "attended": False},
    ]
    with pytest.raises(Invalid) as refused:
        protocol.confirm_contacts(session, world.lead, order.id, both)
    assert f"contact-{chris.id}-email" in refused.value.fields
    both[1]["email"] = "chris@acme.example"
    protocol.confirm_contacts(session, world.lead, order.id, both)
    assert protocol.contacts_confirmed(session, order)
    calls.add_contact(session, world.partner, order.id, name="Dora", email="dora@acme.example")
    assert not protocol.contacts_confirmed(session, order)
    assert "contacts" in protocol.missing_for_call(session, order)
    with pytest.raises(Invalid, match="unbekannt"):
        protocol.confirm_contacts(session, world.lead, order.id, [*both, {"id": 999_999}])

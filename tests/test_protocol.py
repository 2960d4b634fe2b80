"""Steps 6 and 7: contacts confirmation, completing the setup call, the protocol and its approval.

The call is written straight to the database (booking is tested in test_calls.py). Two tests
let another session change the protocol between a service's read and its write (a
before_flush hook), to show that an approval and an edit racing each other never both win.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import (
    AuditEvent,
    CallAttendance,
    CallParticipant,
    ContactConfirmation,
    CustomerContact,
    DataFlowDiagram,
    Protocol,
    QuestionnaireSnapshot,
    Role,
    SetupCall,
    StepCompletion,
    User,
)
from portal.models.call import CANCELLED
from portal.services import calls, protocol
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.protocol import CallNotReady
from tests.conftest import add_user, login
from tests.helpers import accept, catalogue, place

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
FIELDS = {
    "held_on": "2027-03-01",
    "topics": "Schnittstellen, Datenfluss\nBerechtigungen",
    "decisions": "Import täglich um 6 Uhr.",
    "open_points": [
        {"text": "VPN-Zugang einrichten", "owner": "Carla Kunde", "due": "2027-03-15"},
    ],
    "services": [],
}


# ---------------------------------------------------------------- building blocks


def new_order(session, world, code="ACME", deployment="on_premises"):
    """An accepted order with Leo (world.lead) as project lead, contact Carla and a booked call."""
    order = place(session, world, code=code, deployment=deployment)
    accept(session, world, order)
    carla = calls.add_contact(
        session, world.partner, order.id, name="Carla Kunde", email="carla@acme.example"
    )
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@test",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        booked_by_id=world.partner.id,
    )
    call.participants = [
        CallParticipant(user_id=world.lead.id),
        CallParticipant(user_id=world.partner.id),
        CallParticipant(user_id=world.architect.id),
        CallParticipant(contact_id=carla.id),
    ]
    session.add(call)
    session.add(
        StepCompletion(
            order_id=order.id,
            step="schedule_call",
            completed_by_id=world.partner.id,
            details={"starts_at": START.isoformat()},
        )
    )
    session.commit()
    return order


@pytest.fixture
def order(session, world):
    return new_order(session, world)


@pytest.fixture
def carla(session, order) -> CustomerContact:
    return session.scalar(select(CustomerContact).where(CustomerContact.email.like("carla@%")))


@pytest.fixture
def lara(session, world) -> User:
    """A project lead who does not lead the order."""
    user = add_user(session, world.vendor_org, Role.PROJECT_LEAD, "lara@saxess.example")
    session.commit()
    return user


def attendees(world, carla) -> list[str]:
    return [f"user-{world.lead.id}", f"contact-{carla.id}"]


def fields(world, carla, **changes) -> dict:
    return FIELDS | {"attendees": attendees(world, carla)} | changes


def draft(session, world, order, carla, user=None, **changes) -> Protocol:
    """Save a draft as the partner (or `user`) on top of whatever version is stored."""
    current = protocol.protocol_of(session, order)
    return protocol.save_draft(
        session,
        user or world.partner,
        order.id,
        FIELDS | {"attendees": attendees(world, carla)} | changes,
        current.version if current else None,
    )


def submitted(session, world, order, carla) -> Protocol:
    saved = draft(session, world, order, carla)
    return protocol.submit(session, world.partner, order.id, saved.version)


def hold(session, world, order) -> None:
    """Record the call as held directly: the gate itself is tested on its own."""
    session.add(StepCompletion(order_id=order.id, step="hold_call", completed_by_id=world.lead.id))
    session.commit()


def approved(session, world, order, carla) -> Protocol:
    sent = submitted(session, world, order, carla)
    hold(session, world, order)
    return protocol.approve(session, world.lead, order.id, sent.version)


def events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def confirm(session, world, order, carla, user=None, **changes):
    entry = {
        "id": carla.id,
        "role": "IT-Leitung",
        "email": "carla@acme.example",
        "phone": "+49 30 1234-5",
        "attended": True,
    } | changes
    return protocol.confirm_contacts(session, user or world.lead, order.id, [entry])


def finalise(session, world, order, kind: str) -> None:
    """A frozen questionnaire snapshot, written directly (the review is tested on its own)."""
    session.add(
        QuestionnaireSnapshot(
            order_id=order.id,
            questionnaire=kind,
            version=1,
            schema_version=1,
            original={},
            final={},
            reviews={},
            content_hash="0" * 64,
            finalised_by_id=world.partner.id,
        )
    )
    session.commit()


def save_diagram(session, world, order) -> None:
    """A saved data flow diagram, written directly (the diagram is tested on its own)."""
    session.add(
        DataFlowDiagram(
            order_id=order.id, version=1, systems=[], flows=[], created_by_id=world.architect.id
        )
    )
    session.commit()


# ---------------------------------------------------------------- contacts


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


# ---------------------------------------------------------------- drafting


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


# ---------------------------------------------------------------- submit, return, approve


def test_submission_needs_date_attendees_and_topics(session, world, order, carla):
    saved = draft(session, world, order, carla, held_on="", attendees=[], topics="")
    with pytest.raises(Invalid) as refused:
        protocol.submit(session, world.partner, order.id, saved.version)
    assert set(refused.value.fields) == {"held_on", "attendees", "topics"}
    with pytest.raises(Forbidden):
        protocol.submit(session, world.architect, order.id, saved.version)
    sent = protocol.submit(
        session,
        world.lead,
        order.id,
        saved.version,
        FIELDS | {"attendees": attendees(world, carla)},
    )
    assert sent.status == "submitted" and sent.submitted_by_id == world.lead.id
    with pytest.raises(Conflict, match="zur Freigabe eingereicht"):
        draft(session, world, order, carla)


def test_only_the_orders_lead_approves_and_only_a_submitted_protocol(
    session, world, order, carla, lara
):
    saved = draft(session, world, order, carla)
    hold(session, world, order)
    with pytest.raises(Conflict, match="noch nicht zur Freigabe eingereicht"):
        protocol.approve(session, world.lead, order.id, saved.version)
    sent = protocol.submit(session, world.partner, order.id, saved.version)
    for user in (world.partner, lara, world.architect, world.backoffice, world.admin):
        with pytest.raises(Forbidden):
            protocol.approve(session, user, order.id, sent.version)
    with pytest.raises(NotFound):
        protocol.approve(session, world.other_partner, order.id, sent.version)
    session.expire_all()
    assert sent.status == "submitted"
    assert not session.scalar(
        select(StepCompletion).where(StepCompletion.step == "approve_protocol")
    )


def test_approval_waits_for_the_call_to_be_recorded_as_held(session, world, order, carla):
    sent = submitted(session, world, order, carla)
    with pytest.raises(Conflict, match="noch nicht als durchgeführt"):
        protocol.approve(session, world.lead, order.id, sent.version)
    hold(session, world, order)
    assert protocol.approve(session, world.lead, order.id, sent.version).status == "approved"


def test_approval_hashes_the_content_completes_the_step_and_is_audited(
    session, world, order, carla
):
    done = approved(session, world, order, carla)
    assert done.approved_by_id == world.lead.id and done.approved_at is not None
    assert done.content_hash == protocol.content_hash(order, done)
    assert len(done.content_hash) == 64
    step = session.scalar(select(StepCompletion).where(StepCompletion.step == "approve_protocol"))
    assert step.completed_by_id == world.lead.id
    assert step.details["hash"] == done.content_hash
    (event_,) = events(session, "protocol.approve")
    assert event_.payload["hash"] == done.content_hash and event_.actor_id == world.lead.id


def test_the_content_hash_is_stable(session, world, order, carla):
    done = approved(session, world, order, carla)
    digest = done.content_hash
    session.expire_all()
    reloaded = session.get(Protocol, done.id)
    assert protocol.content_hash(order, reloaded) == digest
    # Canonical JSON: the order of keys in the stored rows does not matter, the content does.
    shuffled = Protocol(
        held_on=reloaded.held_on,
        attendees=[dict(reversed(list(a.items()))) for a in reloaded.attendees],
        topics=reloaded.topics,
        decisions=reloaded.decisions,
        open_points=[dict(reversed(list(p.items()))) for p in reloaded.open_points],
        services=reloaded.services,
    )
    assert protocol.content_hash(order, shuffled) == digest
    shuffled.topics += "."
    assert protocol.content_hash(order, shuffled) != digest


def test_approving_twice_is_refused_and_audited(session, world, order, carla):
    done = approved(session, world, order, carla)
    with pytest.raises(Conflict, match="schon freigegeben"):
        protocol.approve(session, world.lead, order.id, done.version)
    (event_,) = events(session, "protocol.refused")
    assert event_.payload == {
        "order_id": order.id,
        "attempted": "approve",
        "reason": "Das Protokoll ist schon freigegeben.",
    }
    assert len(events(session, "protocol.approve")) == 1


def test_after_approval_every_write_is_refused_for_everyone_and_audited(
    session, world, order, carla
):
    done = approved(session, world, order, carla)
    version, digest = done.version, done.content_hash
    attempts = [
        (world.partner, lambda u: draft(session, world, order, carla, user=u, topics="später")),
        (world.lead, lambda u: draft(session, world, order, carla, user=u, topics="später")),
        (world.admin, lambda u: draft(session, world, order, carla, user=u, topics="später")),
        (world.architect, lambda u: draft(session, world, order, carla, user=u)),
        (world.partner, lambda u: protocol.submit(session, u, order.id, version)),
        (world.lead, lambda u: protocol.return_to_draft(session, u, order.id, "nein", version)),
        (world.admin, lambda u: protocol.approve(session, u, order.id, version)),
    ]
    for user, attempt in attempts:
        with pytest.raises(Conflict, match="freigegeben"):
            attempt(user)
    refused = events(session, "protocol.refused")
    assert [(e.actor_id, e.payload["attempted"]) for e in refused] == [
        (world.partner.id, "save"),
        (world.lead.id, "save"),
        (world.admin.id, "save"),
        (world.architect.id, "save"),
        (world.partner.id, "submit"),
        (world.lead.id, "return"),
        (world.admin.id, "approve"),
    ]
    session.expire_all()
    stored = session.get(Protocol, done.id)
    assert (stored.version, stored.content_hash, stored.topics) == (
        version,
        digest,
        FIELDS["topics"],
    )
    # Even code that bypasses the services cannot change an approved protocol.
    stored.topics = "heimlich"
    with pytest.raises(ValueError, match="immutable"):
        session.flush()
    session.rollback()
    session.expire(stored)  # nothing loaded: the guard reads the stored status itself
    stored.decisions = "heimlich"
    with pytest.raises(ValueError, match="immutable"):
        session.flush()
    session.rollback()
    session.delete(session.get(Protocol, done.id))
    with pytest.raises(ValueError, match="immutable"):
        session.flush()
    session.rollback()


def test_returning_needs_a_comment_and_makes_it_editable_again(session, world, order, carla, lara):
    sent = submitted(session, world, order, carla)
    with pytest.raises(Invalid) as refused:
        protocol.return_to_draft(session, world.lead, order.id, "  ", sent.version)
    assert "comment" in refused.value.fields
    for user in (world.partner, lara):
        with pytest.raises(Forbidden):
            protocol.return_to_draft(session, user, order.id, "Bitte ergänzen", sent.version)
    back = protocol.return_to_draft(
        session, world.lead, order.id, "Bitte VPN ergänzen", sent.version
    )
    assert (back.status, back.return_comment, back.returned_by_id) == (
        "returned",
        "Bitte VPN ergänzen",
        world.lead.id,
    )
    assert events(session, "protocol.return")[0].payload["comment"] == "Bitte VPN ergänzen"
    with pytest.raises(Conflict, match="noch nicht zur Freigabe eingereicht"):
        protocol.return_to_draft(session, world.lead, order.id, "nochmal", back.version)
    edited = draft(session, world, order, carla, decisions="VPN bis März")
    resent = protocol.submit(session, world.partner, order.id, edited.version)
    hold(session, world, order)
    assert (
        protocol.approve(session, world.lead, order.id, resent.version).decisions == "VPN bis März"
    )


def test_a_stale_editor_cannot_overwrite_a_newer_version(session, world, order, carla):
    first = draft(session, world, order, carla)
    old = first.version
    draft(session, world, order, carla, user=world.lead, topics="vom Projektleiter")
    with pytest.raises(Conflict, match="inzwischen"):
        protocol.save_draft(session, world.partner, order.id, fields(world, carla), old)
    with pytest.raises(Conflict, match="inzwischen"):
        protocol.save_draft(session, world.partner, order.id, fields(world, carla), None)
    session.expire_all()
    assert protocol.protocol_of(session, order).topics == "vom Projektleiter"


def _meanwhile(session, action) -> None:
    """Run `action(other_session)` once, just before `session` writes its next change."""

    def hook(*_args):
        with Session(db.engine) as other:
            action(other)

    event.listen(session(), "before_flush", hook, once=True)


def test_an_edit_racing_an_approval_fails_and_the_approval_stands(session, world, order, carla):
    """The partner's save has read the draft; before it writes, the lead's approval commits."""
    saved = draft(session, world, order, carla)
    hold(session, world, order)
    ids = {"partner": world.partner.id, "lead": world.lead.id}

    def submit_and_approve(other):
        partner, lead = other.get(User, ids["partner"]), other.get(User, ids["lead"])
        sent = protocol.submit(other, partner, order.id, saved.version)
        protocol.approve(other, lead, order.id, sent.version)

    _meanwhile(session, submit_and_approve)
    with pytest.raises(Conflict, match="gerade von jemand anderem geändert"):
        protocol.save_draft(
            session, world.partner, order.id, fields(world, carla, topics="zu spät"), saved.version
        )
    session.expire_all()
    stored = protocol.protocol_of(session, order)
    assert stored.status == "approved" and stored.topics == FIELDS["topics"]
    assert stored.content_hash == protocol.content_hash(order, stored)
    assert len(events(session, "protocol.save")) == 1


def test_an_approval_racing_an_edit_fails_and_the_edit_stands(session, world, order, carla):
    """The lead's approval has read the submitted protocol; before it writes, it is returned and edited."""
    sent = submitted(session, world, order, carla)
    hold(session, world, order)
    ids = {"partner": world.partner.id, "lead": world.lead.id}

    def return_and_edit(other):
        partner, lead = other.get(User, ids["partner"]), other.get(User, ids["lead"])
        back = protocol.return_to_draft(other, lead, order.id, "Nachtrag", sent.version)
        protocol.save_draft(
            other, partner, order.id, fields(world, carla, topics="Nachtrag"), back.version
        )

    _meanwhile(session, return_and_edit)
    with pytest.raises(Conflict, match="gerade von jemand anderem geändert"):
        protocol.approve(session, world.lead, order.id, sent.version)
    session.expire_all()
    stored = protocol.protocol_of(session, order)
    assert (stored.status, stored.topics, stored.content_hash) == ("returned", "Nachtrag", None)
    assert not session.scalar(
        select(StepCompletion).where(StepCompletion.step == "approve_protocol")
    )
    assert events(session, "protocol.approve") == []


# ---------------------------------------------------------------- completing the call (step 6)


def test_the_call_cannot_be_completed_while_something_is_missing(session, world, order, carla):
    assert protocol.missing_for_call(session, order) == [
        "diagram",
        "technical",
        "business",
        "contacts",
    ]
    with pytest.raises(CallNotReady) as refused:
        protocol.complete_call(session, world.partner, order.id)
    assert refused.value.missing == ["diagram", "technical", "business", "contacts"]
    assert "Datenflussdiagramm gespeichert" in refused.value.message
    assert "Ansprechpartner vom Projektleiter bestätigt" in refused.value.message
    finalise(session, world, order, "technical")
    confirm(session, world, order, carla)
    assert protocol.missing_for_call(session, order) == ["diagram", "business"]
    assert not session.scalar(select(StepCompletion).where(StepCompletion.step == "hold_call"))


def test_a_cloud_order_needs_provisioning_and_a_cancelled_call_counts_as_missing(session, world):
    cloud_order = new_order(session, world, code="CLD", deployment="cp_cloud")
    assert "cloud" in protocol.missing_for_call(session, cloud_order)
    session.add(
        StepCompletion(
            order_id=cloud_order.id, step="provision_cloud", completed_by_id=world.partner.id
        )
    )
    calls.call_of(session, cloud_order).status = CANCELLED
    session.commit()
    missing = protocol.missing_for_call(session, cloud_order)
    assert "cloud" not in missing and missing[0] == "call"


def test_the_call_is_completed_when_everything_is_there(session, world, order, carla, lara):
    finalise(session, world, order, "technical")
    finalise(session, world, order, "business")
    confirm(session, world, order, carla)
    save_diagram(session, world, order)
    assert protocol.missing_for_call(session, order) == []
    for user in (world.backoffice, world.admin, lara):
        with pytest.raises(Forbidden):
            protocol.complete_call(session, user, order.id)
    with pytest.raises(NotFound):
        protocol.complete_call(session, world.other_partner, order.id)
    done = protocol.complete_call(session, world.partner, order.id)
    assert (done.step, done.completed_by_id) == ("hold_call", world.partner.id)
    assert events(session, "call.held")[0].actor_id == world.partner.id
    with pytest.raises(Conflict, match="schon"):
        protocol.complete_call(session, world.lead, order.id)


# ---------------------------------------------------------------- pages


def test_order_page_lists_what_the_call_still_needs(client, session, world, order, carla):
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="call-missing"' in body
    assert (
        "Datenflussdiagramm gespeichert" in body
        and "Ansprechpartner vom Projektleiter bestätigt" in body
    )
    assert "complete-call" not in body
    assert f"/orders/{order.id}/protocol" in body and "/contacts/confirm" not in body
    response = client.post(f"/orders/{order.id}/call/complete", follow_redirects=True)
    assert "kann noch nicht abgeschlossen werden" in response.get_data(as_text=True)
    client.post("/logout")
    login(client, world.lead)
    assert f"/orders/{order.id}/contacts/confirm" in client.get(f"/orders/{order.id}").get_data(
        as_text=True
    )


def test_contacts_page_for_the_orders_lead_only(client, session, world, order, carla, lara):
    login(client, world.partner)
    assert client.get(f"/orders/{order.id}/contacts/confirm").status_code == 403
    client.post("/logout")
    login(client, lara)
    assert client.get(f"/orders/{order.id}/contacts/confirm").status_code == 403
    client.post("/logout")
    login(client, world.lead)
    page = client.get(f"/orders/{order.id}/contacts/confirm").get_data(as_text=True)
    assert f'name="contact-{carla.id}-role"' in page
    form = {
        "contact": str(carla.id),
        f"contact-{carla.id}-role": "IT-Leitung",
        f"contact-{carla.id}-email": "kaputt",
        f"contact-{carla.id}-phone": "",
    }
    refused = client.post(f"/orders/{order.id}/contacts/confirm", data=form)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert 'value="kaputt"' in body and f'href="#contact-{carla.id}-email"' in body
    form[f"contact-{carla.id}-email"] = "carla@acme.example"
    form[f"contact-{carla.id}-attended"] = "1"
    done = client.post(f"/orders/{order.id}/contacts/confirm", data=form)
    assert done.status_code == 302
    assert session.scalar(
        select(CallAttendance.attended).where(CallAttendance.contact_id == carla.id)
    )


def _editor_form(world, carla, **extra):
    return {
        "held_on": "2027-03-01",
        "attendee": [f"user-{world.lead.id}", f"contact-{carla.id}"],
        "topics": "Schnittstellen",
        "decisions": "",
        "point_text": ["VPN", ""],
        "point_owner": ["Carla", ""],
        "point_due": ["2027-03-15", ""],
        "service_item": [],
        "service_quantity": [],
    } | extra


def test_editor_rows_are_added_and_removed_without_javascript(client, session, world, order, carla):
    catalogue(session)
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="protocol-form"' in page and "js/protocol.js" in page
    added = client.post(
        f"/orders/{order.id}/protocol", data=_editor_form(world, carla, action="add_service")
    )
    body = added.get_data(as_text=True)
    assert added.status_code == 200 and 'id="service-0-item"' in body and "autofocus" in body
    removed = client.post(
        f"/orders/{order.id}/protocol", data=_editor_form(world, carla, action="remove_point:0")
    )
    body = removed.get_data(as_text=True)
    assert 'id="point-0-text"' in body and 'value="VPN"' not in body
    assert session.scalar(select(func.count()).select_from(Protocol)) == 0  # nothing saved yet


def test_editor_saves_submits_and_shows_errors_in_place(client, session, world, order, carla):
    items = catalogue(session)
    login(client, world.partner)
    bad = _editor_form(world, carla, point_due=["morgen", ""], action="save")
    refused = client.post(f"/orders/{order.id}/protocol", data=bad)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert 'href="#point-0-due"' in body and 'value="morgen"' in body
    form = _editor_form(
        world,
        carla,
        service_item=[str(items["TRAINING"].id)],
        service_quantity=["2"],
        action="save",
    )
    assert client.post(f"/orders/{order.id}/protocol", data=form).status_code == 302
    version = protocol.protocol_of(session, order).version
    form["version"] = str(version)
    assert client.post(f"/orders/{order.id}/protocol/submit", data=form).status_code == 302
    session.expire_all()
    assert protocol.protocol_of(session, order).status == "submitted"
    view = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="protocol-form"' not in view and "Anwenderschulung" in view


def test_lead_approves_over_http_and_the_page_shows_approval_and_hash(
    client, session, world, order, carla
):
    sent = submitted(session, world, order, carla)
    hold(session, world, order)
    login(client, world.lead)
    page = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="approve"' in page
    refused = client.post(
        f"/orders/{order.id}/protocol/return", data={"version": sent.version, "comment": ""}
    )
    assert refused.status_code == 400 and "comment-error" in refused.get_data(as_text=True)
    response = client.post(
        f"/orders/{order.id}/protocol/approve",
        data={"version": sent.version},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    session.expire_all()
    digest = protocol.protocol_of(session, order).content_hash
    assert "Freigegeben von Leo am" in body and f'<code id="content-hash">{digest}</code>' in body
    again = client.post(
        f"/orders/{order.id}/protocol/approve",
        data={"version": sent.version},
        follow_redirects=True,
    )
    assert "schon freigegeben" in again.get_data(as_text=True)


def test_protocol_pages_answer_404_to_another_partner(client, session, world, order, carla):
    draft(session, world, order, carla)
    login(client, world.other_partner)
    assert client.get(f"/orders/{order.id}/protocol").status_code == 404
    assert (
        client.post(f"/orders/{order.id}/protocol", data=_editor_form(world, carla)).status_code
        == 404
    )
    assert client.post(f"/orders/{order.id}/protocol/approve", data={}).status_code == 404
    assert client.post(f"/orders/{order.id}/call/complete").status_code == 404


def test_architect_reads_but_cannot_write(client, session, world, order, carla):
    draft(session, world, order, carla)
    login(client, world.architect)
    page = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="protocol-form"' not in page and "VPN-Zugang einrichten" in page
    assert (
        client.post(f"/orders/{order.id}/protocol", data=_editor_form(world, carla)).status_code
        == 403
    )

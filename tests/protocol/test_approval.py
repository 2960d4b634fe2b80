"""Step 7, the decision: submit, return, approve; immutable once approved; races."""

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Protocol, StepCompletion, User
from portal.services import protocol
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.protocol.support import (
    FIELDS,
    approved,
    attendees,
    draft,
    events,
    fields,
    hold,
    submitted,
)


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

"""The audit log: every state change is an event; `flask audit verify` finds any tampering."""

import base64
import os
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update

from portal import audit, license, worker
from portal.models import AuditCheckpoint, AuditEvent
from tests.conftest import login
from tests.helpers import accept, place


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_state_changes_write_a_chained_event_each(session, world):
    accept(session, world, place(session, world))
    assert actions(session) == ["order.place", "order.accept"]
    first, second = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    assert second.prev_hash == first.hash
    assert first.actor_id == world.partner.id and second.actor_id == world.backoffice.id


def test_verify_passes_on_an_untouched_log(runner, session, world):
    accept(session, world, place(session, world))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "intact: 2 events" in result.output


def test_verify_detects_a_changed_event(runner, session, world):
    accept(session, world, place(session, world))
    first = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id))
    session.execute(
        update(AuditEvent).where(AuditEvent.id == first).values(actor_label="someone@else")
    )
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {first}: content changed" in result.output


def test_verify_detects_a_deleted_event(runner, session, world):
    order = place(session, world, code="ONE")
    accept(session, world, order)
    place(session, world, code="TWO")
    middle = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()[1]
    session.execute(delete(AuditEvent).where(AuditEvent.id == middle))
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "previous event missing or changed" in result.output


def test_logins_and_logouts_are_audited(client, session, world):
    login(client, world.partner)
    client.post("/logout")
    assert "user.logout" in actions(session)


def test_admin_audit_page_lists_events_and_checks_the_chain(client, session, world):
    accept(session, world, place(session, world))
    login(client, world.admin)
    body = client.get("/admin/audit").get_data(as_text=True)
    assert "order.accept" in body and "order.place" in body
    assert "Kette intakt" in client.get("/admin/audit?verify=1").get_data(as_text=True)
    first = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id))
    session.execute(update(AuditEvent).where(AuditEvent.id == first).values(action="x.y"))
    session.commit()
    assert "Kette gebrochen" in client.get("/admin/audit?verify=1").get_data(as_text=True)


def test_audit_page_is_for_admins_only(client, session, world):
    for user in (world.partner, world.backoffice, world.lead):
        login(client, user)
        assert client.get("/admin/audit").status_code == 403


# -- signed checkpoints: the attacker has the database, not the key -------------------------


def five_events(session, world):
    for code in ("ONE", "TWO"):
        accept(session, world, place(session, world, code=code))
    place(session, world, code="THREE")
    assert len(actions(session)) == 5


def recompute_chain(session) -> None:
    """What someone with write access to the database can do: rehash every event in order."""
    previous = audit.GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        event.prev_hash = previous
        event.hash = audit._digest(event)
        previous = event.hash
    session.commit()


def cut_newest(session, n: int) -> None:
    newest = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(n)).all()
    session.execute(delete(AuditEvent).where(AuditEvent.id.in_(newest)))
    session.commit()


def test_without_a_checkpoint_a_cut_and_rehashed_chain_looks_intact(runner, session, world):
    """Why checkpoints exist: the hash chain alone cannot tell."""
    five_events(session, world)
    cut_newest(session, 2)
    recompute_chain(session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 events; no checkpoint yet" in result.output


def test_cutting_the_newest_events_and_rehashing_fails_against_the_checkpoint(
    runner, session, world
):
    five_events(session, world)
    signed = runner.invoke(args=["audit", "checkpoint"])
    assert signed.exit_code == 0 and "event 5 signed" in signed.output
    cut_newest(session, 2)
    recompute_chain(session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "event 5): checkpointed event missing: events were removed" in result.output
    assert "audit log BROKEN: 1 problem(s) in 3 events" in result.output


def test_a_rewritten_chain_of_the_same_length_fails_against_the_checkpoint(runner, session, world):
    five_events(session, world)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    session.execute(update(AuditEvent).where(AuditEvent.id == 2).values(actor_label="nobody"))
    recompute_chain(session)
    assert audit.verify(session) == (5, [])  # the chain alone holds together again
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "(event 5): differs from its checkpoint: the chain was rewritten" in result.output


def test_the_untouched_chain_passes_with_its_checkpoints(runner, session, world):
    accept(session, world, place(session, world, code="ONE"))
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    place(session, world, code="TWO")
    again = runner.invoke(args=["audit", "checkpoint"])
    assert "event 3 signed" in again.output
    unchanged = runner.invoke(args=["audit", "checkpoint"])
    assert unchanged.exit_code == 0 and "nothing to sign" in unchanged.output
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 3 events; newest checkpoint: event 3, signed" in result.output
    assert session.scalar(select(AuditCheckpoint.key_id)) == license.key_id(
        audit.checkpoint_key().public_key()
    )


def test_forged_or_changed_checkpoints_fail(app, runner, session, world):
    five_events(session, world)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    cut_newest(session, 2)
    recompute_chain(session)
    head = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    # The attacker points the real checkpoint at the new head ...
    session.execute(update(AuditCheckpoint).values(event_id=head.id, event_hash=head.hash))
    # ... and signs one of their own with a key they made.
    forger = Ed25519PrivateKey.generate()
    forged = AuditCheckpoint(
        event_id=head.id,
        event_hash=head.hash,
        signed_at=head.occurred_at,
        key_id=license.key_id(audit.checkpoint_key().public_key()),
        signature=base64.b64encode(
            forger.sign(audit._signed_text(head.id, head.hash, head.occurred_at))
        ).decode(),
    )
    session.add(forged)
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.count("checkpoint signature invalid") == 2
    # Nothing new is signed on top of a forged checkpoint either.
    refused = runner.invoke(args=["audit", "checkpoint"])
    assert refused.exit_code == 1 and "not signed, the chain is broken" in refused.output


def test_nothing_is_signed_over_a_chain_broken_after_the_checkpoint(runner, session, world):
    accept(session, world, place(session, world, code="ONE"))
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    place(session, world, code="TWO")
    session.execute(update(AuditEvent).where(AuditEvent.id == 3).values(action="order.nothing"))
    session.commit()
    refused = runner.invoke(args=["audit", "checkpoint"])
    assert refused.exit_code == 1 and "event 3: previous event missing or changed" in refused.output
    assert session.scalar(select(AuditCheckpoint.event_id).order_by(AuditCheckpoint.id.desc())) == 2


def test_the_worker_signs_the_head_on_each_pass_when_it_moved(session, world):
    assert worker.run_once(session, {"audit": worker.JOBS["audit"]}) == {"audit": ""}
    accept(session, world, place(session, world))
    assert worker.run_once(session)["audit"] == "checkpoint of event 2"
    assert worker.run_once(session)["audit"] == ""
    place(session, world, code="TWO")
    assert worker.run_once(session)["audit"] == "checkpoint of event 3"
    assert audit.verify(session, audit.checkpoint_key().public_key()) == (3, [])


def test_verify_with_the_exported_public_key_only(runner, session, world, tmp_path):
    accept(session, world, place(session, world))
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    exported = runner.invoke(args=["audit", "public-key"])
    assert exported.output.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "audit.pub").write_text(exported.output)
    ours = runner.invoke(args=["audit", "verify", "--public-key", str(tmp_path / "audit.pub")])
    assert ours.exit_code == 0, ours.output
    other = Ed25519PrivateKey.generate().public_key()
    (tmp_path / "other.pub").write_bytes(
        other.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    theirs = runner.invoke(args=["audit", "verify", "--public-key", str(tmp_path / "other.pub")])
    assert theirs.exit_code == 1 and "checkpoint signature invalid" in theirs.output


def test_the_key_lives_outside_the_database(app, session, world):
    accept(session, world, place(session, world))
    row = audit.checkpoint(session, audit.checkpoint_key())
    path = app.config["AUDIT_KEY_FILE"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert row.signature and row.key_id and len(row.event_hash) == 64
    app.config.update(ENV_NAME="production", AUDIT_KEY_FILE=path + ".missing")
    with pytest.raises(RuntimeError, match="missing"):
        audit.checkpoint_key()


def test_admin_page_shows_the_checkpoint_and_a_cut_chain(client, runner, session, world):
    five_events(session, world)
    login(client, world.admin)
    assert "Noch kein signierter Prüfpunkt" in client.get("/admin/audit").get_data(as_text=True)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    body = client.get("/admin/audit").get_data(as_text=True)
    assert "Letzter signierter Prüfpunkt: Eintrag 5" in body
    intact = client.get("/admin/audit?verify=1").get_data(as_text=True)
    assert "Kette intakt: 5 Einträge und alle Prüfpunkte geprüft" in intact
    cut_newest(session, 2)
    recompute_chain(session)
    body = client.get("/admin/audit?verify=1").get_data(as_text=True)
    assert "Kette gebrochen" in body
    assert "Eintrag 5 (Prüfpunkt 1): Eintrag des Prüfpunkts fehlt" in body


# -- refusals: audited on their own, whatever happens to the refused transaction -----------


def test_a_refusal_is_committed_alone_and_the_refused_change_is_not(session, world):
    from portal.models import Order
    from portal.services.errors import Conflict

    order = place(session, world)
    order.customer_name = "half-written"  # the refused use case had begun to change things
    refusal = Conflict("Schon erledigt.")
    with pytest.raises(Conflict) as raised:
        audit.refuse(session, world.partner, refusal, "order", "order", order.id, attempted="x")
    assert raised.value is refusal
    session.rollback()  # what the failed request does next
    session.expire_all()
    assert session.get(Order, order.id).customer_name == "ACME GmbH"
    event = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.actor_id, event.object_id) == (
        "order.refused",
        world.partner.id,
        str(order.id),
    )
    assert event.payload == {"reason": "Schon erledigt.", "attempted": "x"}
    assert audit.verify(session) == (2, [])

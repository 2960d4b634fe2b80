"""The audit log: every state change is an event; `flask audit verify` finds any tampering."""

from sqlalchemy import delete, select, update

from portal.models import AuditEvent
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

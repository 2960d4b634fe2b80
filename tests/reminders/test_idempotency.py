"""Each reminder and digest goes out once: two workers at the same time, a worker that lost the
race after its check, a worker killed mid-run and restarted. Runs on SQLite and, with a
PostgreSQL DATABASE_URL, on PostgreSQL."""

import threading

import pytest
from sqlalchemy import func, insert, select

from portal.extensions import db
from portal.models import CustomerLink, NotificationSent
from portal.services.reminders import customers, digest, ledger
from tests.reminders.support import CARLA, CHRIS, MONDAY, at, late_cloud_order, outbox_to, remind
from tests.reminders.support import ledger as ledger_rows

SUBJECTS = {
    "CPCE: Erinnerung an Ihre Fragebögen vor dem Setup Call",
    "CPCE: a reminder of your questionnaires before the setup call",
}


def reminders_to(session, email: str) -> int:
    return sum(m.subject in SUBJECTS for m in outbox_to(session, email))


def links_count(session) -> int:
    return session.scalar(select(func.count()).select_from(CustomerLink))


def two_workers(app, job, now) -> list[int]:
    """Run a job in two threads with their own sessions, started at the same moment."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                results.append(job(db.session, now))
                db.session.remove()
        except BaseException as error:  # handed back to the test thread
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_two_workers_at_once_send_each_reminder_once(app, session, order, contacts):
    session.commit()
    assert sum(two_workers(app, customers.send_reminders, at(10))) == 2
    session.expire_all()
    assert sorted(email for email, _key in ledger_rows(session)) == [CARLA, CHRIS]
    assert reminders_to(session, CARLA) == 1 and reminders_to(session, CHRIS) == 1


def test_a_worker_that_loses_the_race_after_its_check_rolls_back_that_item(
    session, order, contacts, monkeypatch
):
    """The other worker commits Carla's row between this worker's check and its insert."""
    monkeypatch.setattr(ledger, "already_sent", lambda *args: False)
    with db.engine.begin() as other:
        other.execute(
            insert(NotificationSent).values(
                kind="reminder",
                key=f"order:{order.id}:questionnaires:2026-11-20:t7",
                recipient=CARLA,
                order_id=order.id,
                created_at=at(10),
                details={},
            )
        )
    before = links_count(session)
    assert remind(session, at(10)) == 1
    assert reminders_to(session, CARLA) == 0 and reminders_to(session, CHRIS) == 1
    assert links_count(session) == before + 2  # Chris's fresh links only; nothing half-written


def test_a_worker_killed_mid_run_and_restarted_sends_each_once(
    session, order, contacts, monkeypatch
):
    real = customers._queue

    def dies_at_chris(session_, order_id, person, *args):
        if person.email == CHRIS:
            raise RuntimeError("worker killed")
        return real(session_, order_id, person, *args)

    monkeypatch.setattr(customers, "_queue", dies_at_chris)
    before = links_count(session)
    with pytest.raises(RuntimeError):
        remind(session, at(10))
    assert [email for email, _key in ledger_rows(session)] == [CARLA]
    assert reminders_to(session, CARLA) == 1 and reminders_to(session, CHRIS) == 0
    assert links_count(session) == before + 2  # Carla's; Chris's were rolled back
    monkeypatch.setattr(customers, "_queue", real)
    assert remind(session, at(10, 9)) == 1  # the restarted worker
    assert remind(session, at(10, 10)) == 0
    assert reminders_to(session, CARLA) == 1 and reminders_to(session, CHRIS) == 1


def test_two_workers_at_once_send_each_digest_once(app, session, world):
    late_cloud_order(session, world)
    assert sum(two_workers(app, digest.send_digests, MONDAY)) == 1
    session.expire_all()
    assert ledger_rows(session, "digest") == [(world.partner.email, "digest:2026-12-07")]
    digests = [m for m in outbox_to(session, world.partner.email) if "überfällig" in m.subject]
    assert len(digests) == 1

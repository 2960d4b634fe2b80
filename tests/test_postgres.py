"""PostgreSQL only: the engine, time zones and the audit chain under concurrent writers."""

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.orm import Session

from portal import audit
from portal.extensions import db
from portal.models import AuditEvent
from portal.models.base import UTCDateTime
from tests.pg_util import require_postgres

pytestmark = pytest.mark.pg


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def test_engine_is_postgresql(app):
    assert db.engine.dialect.name == "postgresql"
    assert db.engine.dialect.driver == "psycopg"
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version()")).scalar_one().startswith("PostgreSQL")
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar_one() == 0


def test_utc_datetime_round_trip_stays_aware_utc(app):
    probe = Table(
        "pg_tz_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime()),
    )
    # Just after the spring DST switch in Berlin, with microseconds.
    berlin = datetime(2026, 3, 29, 3, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Berlin"))
    with db.engine.begin() as conn:
        probe.create(conn)
        # The connection's own time zone must not leak into the values read back.
        conn.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
        conn.execute(probe.insert(), {"id": 1, "at": berlin})
        got = conn.execute(select(probe.c.at)).scalar_one()
        stored_utc = conn.execute(
            text("SELECT at AT TIME ZONE 'UTC' FROM pg_tz_probe")
        ).scalar_one()
        column_type = conn.execute(
            text(
                "SELECT data_type FROM information_schema.columns"
                " WHERE table_name = 'pg_tz_probe' AND column_name = 'at'"
            )
        ).scalar_one()

    assert column_type == "timestamp with time zone"
    assert got == berlin
    assert got.tzinfo is UTC
    assert got.utcoffset() == timedelta(0)
    assert stored_utc == datetime(2026, 3, 29, 1, 30, 15, 123456)


def _run(target, *args):
    """Start a thread that records any exception, so the test can re-raise it."""
    errors: list[BaseException] = []

    def body():
        try:
            target(*args)
        except BaseException as error:  # handed back to the test thread
            errors.append(error)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, errors


def test_audit_lock_serialises_two_sessions(app):
    engine = db.engine
    seen: dict[str, str] = {}

    def second_writer():
        with Session(engine) as second:
            event = audit.record(second, None, "pg.second", "probe", 2)
            seen["prev"], seen["hash"] = event.prev_hash, event.hash
            second.commit()

    with Session(engine) as first:
        first_event = audit.record(first, None, "pg.first", "probe", 1)
        first_hash = first_event.hash
        thread, errors = _run(second_writer)
        # The first transaction holds pg_advisory_xact_lock: the second writer must wait.
        thread.join(timeout=1.0)
        assert thread.is_alive(), "second writer did not wait for the first transaction"
        first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    if errors:
        raise errors[0]

    assert seen["prev"] == first_hash
    count, problems = audit.verify(db.session)
    assert (count, problems) == (2, [])


def test_audit_chain_verifies_after_concurrent_appends(app):
    engine = db.engine
    writers, per_writer = 4, 10
    start = threading.Barrier(writers)

    def writer(number: int):
        start.wait(timeout=30)
        for i in range(per_writer):
            with Session(engine) as session:
                audit.record(session, None, "pg.concurrent", "probe", f"{number}-{i}")
                session.commit()

    runs = [_run(writer, n) for n in range(writers)]
    for thread, errors in runs:
        thread.join(timeout=60)
        assert not thread.is_alive()
        if errors:
            raise errors[0]

    count, problems = audit.verify(db.session)
    assert (count, problems) == (writers * per_writer, [])
    prev_hashes = db.session.scalars(select(AuditEvent.prev_hash)).all()
    assert len(set(prev_hashes)) == len(prev_hashes), "the chain forked"

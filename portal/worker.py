"""`flask work`: the one process that talks to the outside world or runs on a clock.

Requests only commit rows (outbox messages, pending package builds, ...); each job here picks up
what is due and reports what it did. Every job runs in its own transaction, so one failing
dependency (SMTP down) never stops the others, and a worker outlives a database restart.
"""

import time
from collections.abc import Callable

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from portal.extensions import db

# A job takes the session and returns a one-line summary of what it did, or "" for nothing.
Job = Callable[[Session], str]


def _outbox(session: Session) -> str:
    from portal.mail import delivery

    outcomes = delivery.deliver_due(session)
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))


def _calendars(session: Session) -> str:
    from portal.services import calendar_sync

    outcomes = calendar_sync.write_due(session)
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))


def _packages(session: Session) -> str:
    from portal.services import packages

    waiting = packages.waiting(session)
    for package_id in waiting:
        packages.build(session, package_id)
    return f"{len(waiting)} package(s) built" if waiting else ""


def _audit(session: Session) -> str:
    from portal import audit

    row = audit.checkpoint(session, audit.checkpoint_key())
    return f"checkpoint of event {row.event_id}" if row else ""


def _replies(session: Session) -> str:
    from portal.services.calls import replies

    outcomes = replies.read_mailbox(session)
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))


def _reminders(session: Session) -> str:
    from portal.services.reminders import customers

    count = customers.send_reminders(session)
    return f"{count} reminder(s) queued" if count else ""


def _digest(session: Session) -> str:
    from portal.services.reminders import digest

    count = digest.send_digests(session)
    return f"{count} digest(s) queued" if count else ""


# Replies, reminders and digests come before the outbox: a pass delivers what it has just queued.
JOBS: dict[str, Job] = {
    "replies": _replies,
    "reminders": _reminders,
    "digest": _digest,
    "outbox": _outbox,
    "calendars": _calendars,
    "packages": _packages,
    "audit": _audit,
}


# Jobs whose work changes slowly or costs a connection elsewhere: in a --loop they run at most
# this often (seconds) instead of every pass; a single pass runs them always.
EVERY = {"replies": 60, "reminders": 300, "digest": 300}


def due_jobs(last_run: dict[str, float], clock: float) -> dict[str, Job]:
    """The jobs a loop pass at monotonic time `clock` runs, given when each last ran."""
    return {
        name: job
        for name, job in JOBS.items()
        if name not in last_run or clock - last_run[name] >= EVERY.get(name, 0)
    }


def run_once(session: Session, jobs: dict[str, Job] | None = None) -> dict[str, str]:
    """Run every job once; a failing job is rolled back and reported, the others still run."""
    report = {}
    for name, job in (jobs or JOBS).items():
        try:
            report[name] = job(session)
        except Exception as error:
            session.rollback()
            report[name] = f"failed: {type(error).__name__}: {error}"
    return report


@click.command("work")
@click.option("--loop/--once", default=False, help="Keep polling instead of a single pass.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def work_command(loop: bool, interval: float):
    """Read attendee replies, send reminders and digests, deliver mail, write calendars and
    build packages that are due; --loop keeps polling."""
    from portal.services import due_index

    # The due rules may have changed since the last start (DUE_* settings, HOLIDAY_STATE).
    if changed := due_index.refresh_all(db.session):
        click.echo(f"deadlines: {changed} order(s) have a new next due date")
    last_run: dict[str, float] = {}
    while True:
        clock = time.monotonic()
        jobs = due_jobs(last_run, clock)
        last_run.update(dict.fromkeys(jobs, clock))
        for name, summary in run_once(db.session, jobs).items():
            if summary or not loop:
                click.echo(f"{name}: {summary or 'nothing due'}", err=summary.startswith("failed"))
        if not loop:
            return
        time.sleep(interval)

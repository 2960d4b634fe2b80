"""`flask outbox ...`: deliver and inspect queued email.

`flask work` (portal.worker) delivers the outbox beside its other jobs; `flask outbox work`
stays for installations that run a worker for the outbox alone.
"""

import time

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.mail import delivery
from portal.models import OutboxMessage
from portal.models.outbox import FAILED, KEPT, PENDING, SENT
from portal.services import outbox
from portal.services.errors import DomainError


@click.group("outbox")
def outbox_group():
    """Outbox commands."""


@outbox_group.command("work")
@click.option("--loop/--once", default=False, help="Keep polling instead of a single pass.")
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def work(loop: bool, interval: float):
    """Deliver every due pending message; with --loop keep polling every INTERVAL seconds."""
    while True:
        try:
            outcomes = delivery.deliver_due(db.session)
        except Exception as error:
            if not loop:
                raise
            # A worker outlives a database restart; the next pass picks up where this stopped.
            db.session.rollback()
            click.echo(f"outbox pass failed: {error}", err=True)
        else:
            if outcomes or not loop:
                counts = (f"{outcomes[key]} {key}" for key in (SENT, KEPT, delivery.RETRY, FAILED))
                click.echo("outbox: " + ", ".join(counts))
        if not loop:
            return
        time.sleep(interval)


@outbox_group.command("list")
@click.option("--status", type=click.Choice([PENDING, SENT, FAILED, KEPT]))
@click.option("--limit", default=50, show_default=True)
@with_appcontext
def list_command(status: str | None, limit: int):
    """Print the newest messages of the outbox."""
    for message in db.session.scalars(outbox.listing(status).limit(limit)):
        created = message.created_at.strftime("%Y-%m-%d %H:%M UTC")
        click.echo(
            f"{message.id:>6}  {message.status:<7}  {message.attempts:>2}  {created}  "
            f"{message.recipients}  {message.subject}"
        )
        if message.last_error:
            click.echo(f"        last error: {message.last_error}")


@outbox_group.command("retry")
@click.argument("message_id", type=int)
@with_appcontext
def retry_command(message_id: int):
    """Put a failed or pending message back in the queue and try it at once."""
    try:
        message = outbox.retry(db.session, None, message_id)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    # This command is a worker of its own: it may wait on the mail server, a request never does.
    delivery.deliver_due(db.session, [message.id])
    click.echo(f"message {message_id}: {db.session.get(OutboxMessage, message_id).status}")

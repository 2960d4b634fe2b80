"""`flask outbox ...`: deliver and inspect queued email."""

import click


@click.group("outbox")
def outbox_group():
    """Outbox commands."""

"""`flask users ...`: manage staff users from the command line."""

import click


@click.group("users")
def users_group():
    """Staff user commands."""

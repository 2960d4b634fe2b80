"""`flask demo load`: demo organisations, users, catalogue and orders."""

import click


@click.group("demo")
def demo_group():
    """Demo data commands."""

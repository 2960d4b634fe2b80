"""License files signed with Ed25519."""

import click


@click.group("license")
def license_group():
    """License commands."""

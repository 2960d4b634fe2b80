"""`flask package work`: build the packages nobody builds (their worker died or never started)."""

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.services import packages


@click.group("package")
def package_group():
    """Documentation package commands."""


@package_group.command("work")
@with_appcontext
def work():
    """Build every pending package without a live lease, one after the other."""
    waiting = packages.waiting(db.session)
    for package_id in waiting:
        package = packages.build(db.session, package_id)
        if package is None:
            continue
        outcome = package.status if package.status != "failed" else f"failed: {package.error}"
        click.echo(
            f"package {package.id} (order {package.order_id}, v{package.version}): {outcome}"
        )
    click.echo(f"package work: {len(waiting)} pending package(s) handled")

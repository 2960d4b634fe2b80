"""Command-line groups of `flask`: users, demo, license, outbox, audit, work."""

import click
from flask.cli import with_appcontext

from portal.extensions import db
from portal.services import audit as audit_service


@click.group("audit")
def audit_group():
    """Audit log commands."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Check the hash chain of the audit log; exit 1 on any changed or deleted event."""
    count, problems = audit_service.verify(db.session)
    for problem in problems:
        click.echo(f"event {problem.event_id}: {problem.problem}", err=True)
    if problems:
        click.echo(f"audit log BROKEN: {len(problems)} problem(s) in {count} events", err=True)
        raise SystemExit(1)
    click.echo(f"audit log intact: {count} events")


def register(app) -> None:
    """Attach every command group to the app's CLI."""
    from portal.admin.cli import users_group
    from portal.demo import demo_group
    from portal.license import license_group
    from portal.mail.cli import outbox_group
    from portal.package.cli import package_group
    from portal.vault import vault_group
    from portal.worker import work_command

    for group in (audit_group, users_group, demo_group, license_group, outbox_group, vault_group):
        app.cli.add_command(group)
    app.cli.add_command(package_group)
    app.cli.add_command(work_command)

"""Command-line groups of `flask`: users, demo, license, outbox, audit, questionnaires, work."""

import click
from cryptography.hazmat.primitives import serialization
from flask.cli import with_appcontext

from portal import audit as audit_service
from portal.extensions import db


@click.group("audit")
def audit_group():
    """Audit log commands."""


@audit_group.command("verify")
@click.option("--public-key", type=click.File("rb"), help="PEM public key (default: the portal's)")
@with_appcontext
def audit_verify(public_key):
    """Check the hash chain and the signed checkpoints; exit 1 on any changed or deleted event."""
    if public_key is not None:
        key = serialization.load_pem_public_key(public_key.read())
    else:
        key = audit_service.checkpoint_key().public_key()
    count, problems = audit_service.verify(db.session, key)
    for problem in problems:
        where = f"event {problem.event_id}"
        if problem.checkpoint_id is not None:
            where = f"checkpoint {problem.checkpoint_id} ({where})"
        click.echo(f"{where}: {problem.problem}", err=True)
    if problems:
        click.echo(f"audit log BROKEN: {len(problems)} problem(s) in {count} events", err=True)
        raise SystemExit(1)
    newest = audit_service.newest_checkpoint(db.session)
    if newest is None:
        signed = "no checkpoint yet"
    else:
        signed = f"newest checkpoint: event {newest.event_id}, signed {newest.signed_at:%Y-%m-%d %H:%M:%S} UTC"
    click.echo(f"audit log intact: {count} events; {signed}")


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint():
    """Sign the chain's head now (the worker does it on every pass); exit 1 if the chain is broken."""
    try:
        row = audit_service.checkpoint(db.session, audit_service.checkpoint_key())
    except audit_service.ChainBroken as error:
        click.echo(f"not signed, the chain is broken: {error}", err=True)
        raise SystemExit(1) from None
    if row is None:
        click.echo("nothing to sign: no events, or the newest event is signed already")
    else:
        click.echo(f"checkpoint {row.id}: event {row.event_id} signed")


@audit_group.command("public-key")
@with_appcontext
def audit_public_key():
    """Print the public key that verifies the checkpoints (PEM), for `audit verify --public-key`."""
    pem = (
        audit_service.checkpoint_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    click.echo(pem.decode(), nl=False)


@click.group("deadlines")
def deadlines_group():
    """Due dates of the process steps (DUE_* settings, HOLIDAY_STATE)."""


@deadlines_group.command("refresh")
@with_appcontext
def deadlines_refresh():
    """Recompute every order's next due date after the DUE_* or holiday settings changed."""
    from portal.extensions import db
    from portal.services import due_index

    changed = due_index.refresh_all(db.session)
    click.echo(f"{changed} order(s) have a new next due date")


def register(app) -> None:
    """Attach every command group to the app's CLI."""
    from portal.admin.cli import users_group
    from portal.admin.outbox_cli import outbox_group
    from portal.demo import demo_group
    from portal.license import license_group
    from portal.package.cli import package_group
    from portal.studio.cli import questionnaires_group
    from portal.vault.cli import vault_group
    from portal.worker import work_command

    for group in (audit_group, deadlines_group, users_group, demo_group, license_group):
        app.cli.add_command(group)
    for group in (outbox_group, vault_group):
        app.cli.add_command(group)
    app.cli.add_command(package_group)
    app.cli.add_command(questionnaires_group)
    app.cli.add_command(work_command)

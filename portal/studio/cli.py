"""`flask questionnaires`: list the versions, import a file as a draft, export a version."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal import questionnaires
from portal.extensions import db
from portal.models import User
from portal.services.errors import DomainError
from portal.services.studio import records, transfer


@click.group("questionnaires")
def questionnaires_group():
    """Questionnaire versions: list, import, export."""


@questionnaires_group.command("list")
@with_appcontext
def list_versions():
    """Every version of each questionnaire: number, status, source, SHA-256."""
    for kind in questionnaires.KINDS:
        for version in reversed(records.versions_of(db.session, kind)):
            click.echo(
                f"{kind}\tv{version.number}\t{version.status}\t{version.source}\t"
                f"{version.sha256[:12]}"
            )


@questionnaires_group.command("import")
@click.argument("kind", type=click.Choice(questionnaires.KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", help="the account the audit event names (default: system)")
@with_appcontext
def import_version(kind, file, email):
    """Store FILE as the new draft of KIND (refused while a draft or review is open)."""
    actor = None
    if email:
        actor = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if actor is None:
            raise click.ClickException(f"no account {email}")
    try:
        document = transfer.read(file.read_text(encoding="utf-8"))
        version = transfer.import_draft(db.session, actor, kind, document, file.name)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{kind} v{version.number}: draft imported from {file.name}")


@questionnaires_group.command("export")
@click.argument("kind", type=click.Choice(questionnaires.KINDS))
@click.argument("number", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_version(kind, number, output):
    """Write version NUMBER of KIND as JSON to standard output or -o FILE."""
    try:
        text = transfer.export(db.session, kind, number)
    except DomainError:
        raise click.ClickException(f"there is no {kind} v{number}") from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{kind} v{number} written to {output}", err=True)

"""`flask users ...`: manage staff users from the command line."""

from typing import NoReturn

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from portal.extensions import db
from portal.models import Role
from portal.services import accounts
from portal.services.errors import DomainError


@click.group("users")
def users_group():
    """Staff user commands."""


def _fail(message: str, details: dict[str, str] | None = None) -> NoReturn:
    """Print a clear error and stop with exit code 1."""
    click.echo(_("Fehler: %(message)s", message=message), err=True)
    for name, detail in (details or {}).items():
        if detail != message:
            click.echo(f"  --{name}: {detail}", err=True)
    if details and "role" in details:
        click.echo(_("  Rollen: %(roles)s", roles=", ".join(Role)), err=True)
    raise SystemExit(1)


@users_group.command("create")
@click.option("--email", required=True, help="Login email address.")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", required=True, help="One of: " + ", ".join(Role) + ".")
@click.option(
    "--organisation",
    "organisation_name",
    required=True,
    metavar="NAME",
    help="An existing organisation.",
)
@click.option("--language", default="de", show_default=True, help="de or en.")
@click.password_option(help="Asked for (hidden, twice) when not given.")
@with_appcontext
def create(email, name, role, organisation_name, language, password):
    """Create a staff user."""
    organisation = accounts.find_organisation(db.session, organisation_name)
    if organisation is None:
        _fail(_("Organisation %(name)s gibt es nicht.", name=organisation_name))
    try:
        user = accounts.create_user(
            db.session,
            None,
            email=email,
            name=name,
            role=role,
            organisation_id=organisation.id,
            password=password,
            language=language,
        )
    except DomainError as error:
        _fail(error.message, error.fields)
    click.echo(_("Benutzer %(email)s angelegt.", email=user.email))


@users_group.command("list")
@with_appcontext
def list_users():
    """List every staff user: email, role, organisation, language, status, name."""
    for user in accounts.list_users(db.session):
        status = _("aktiv") if user.active else _("deaktiviert")
        click.echo(
            f"{user.email:<32} {user.role:<18} {user.organisation.name:<20} "
            f"{user.language:<3} {status:<12} {user.name}"
        )


@users_group.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate(email):
    """Deactivate a user; their sessions end at once."""
    user = accounts.find_user(db.session, email)
    if user is None:
        _fail(_("Benutzer %(email)s gibt es nicht.", email=email))
    try:
        accounts.set_active(db.session, None, user.id, False)
    except DomainError as error:
        _fail(error.message, error.fields)
    click.echo(_("Benutzer %(email)s deaktiviert.", email=user.email))

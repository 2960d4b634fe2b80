"""The use cases that let a password out of the vault: reveal one, download the T-SQL script.

Both are limited to the people who need them (permissions.may_reveal; README, "Who may reveal
cloud credentials") and both write an audit event that names the login, never the value.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import audit
from portal.models import CloudProvisioning, Order, User, utcnow
from portal.services.cloud.credentials import open_password
from portal.services.cloud.history import version_of
from portal.services.cloud.names import WHICH, Names
from portal.services.cloud.permissions import revealable_order
from portal.services.cloud.tsql import build_script
from portal.services.errors import NotFound


@dataclass(frozen=True)
class Revealed:
    """One revealed password with what the reveal page says about it."""

    order: Order
    provisioning: CloudProvisioning
    which: str
    login: str
    value: str = field(repr=False)


def _revealable(session: Session, actor: User, order_id: int, version: int | None):
    order = revealable_order(session, actor, order_id)
    row = version_of(session, order, version)
    if row is None:
        raise NotFound(_("Für diese Bestellung ist die CP Cloud noch nicht eingerichtet."))
    return order, row


def reveal(
    session: Session, actor: User, order_id: int, which: str, version: int | None = None
) -> Revealed:
    """Decrypt one password (of the current or the given version) for someone who needs it; audited."""
    if which not in WHICH:
        raise NotFound(_("Diesen Benutzer gibt es nicht."))
    order, row = _revealable(session, actor, order_id, version)
    value = open_password(session, row.password(which))
    audit.record(
        session,
        actor,
        "cloud.reveal",
        "cloud_provisioning",
        row.id,
        which=which,
        version=row.version,
        order_id=order.id,
    )
    session.commit()
    return Revealed(order, row, which, row.login(which), value)


@dataclass(frozen=True)
class Script:
    """The T-SQL file for the database administrator."""

    filename: str
    text: str = field(repr=False)


def script(session: Session, actor: User, order_id: int) -> Script:
    """The current version's T-SQL with both passwords, for those who may reveal them; audited."""
    order, row = _revealable(session, actor, order_id, None)
    names = Names(row.database_name, row.saxess_login, row.cpce_login)
    passwords = {which: open_password(session, row.password(which)) for which in WHICH}
    text = build_script(names, row.server_name, passwords, row.version, utcnow())
    audit.record(
        session,
        actor,
        "cloud.script",
        "cloud_provisioning",
        row.id,
        version=row.version,
        order_id=order.id,
    )
    session.commit()
    return Script(f"{names.database}.sql", text)

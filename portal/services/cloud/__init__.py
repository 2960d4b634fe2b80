"""Step 4, provision_cloud: the customer's CPCE database on CP Cloud and its two passwords.

What lives where:
- names.py        what things are called: the step, the database and logins, the SQL Server name
- passwords.py    SQL Server's password policy, generated passwords, how a password comes about
- tsql.py         the T-SQL script for the database administrator, its quoting
- permissions.py  who may see, provision and reveal (on top of access.get_order)
- history.py      queries: the provisioning versions, who looked at the passwords
- credentials.py  sealing and opening the passwords in the vault (VaultUnavailable)
- provisioning.py use case: provision() records a new version, the first completes the step
- pages.py        read models: the order page's section, the provisioning page, dashboard flags
- here, for now   reveal() one password, script() the T-SQL with both; both audited

names, passwords and tsql are pure rules (tests/unit/test_cloud_*.py). Other features use the
names below; anything else is private to the package.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import CloudProvisioning, Order, User, utcnow
from portal.services.cloud.credentials import VaultUnavailable, open_password
from portal.services.cloud.history import Access, accesses, current_of, versions_of
from portal.services.cloud.names import CLOUD, STEP, WHICH, Names, names_for, validate_server_name
from portal.services.cloud.pages import Overview, Section, dashboard_flags, order_section, overview
from portal.services.cloud.passwords import (
    ENTER,
    GENERATE,
    KEEP,
    PasswordChoice,
    generate_password,
    password_problem,
    validate_password,
)
from portal.services.cloud.permissions import may_reveal, revealable_order
from portal.services.cloud.provisioning import provision
from portal.services.cloud.tsql import build_script
from portal.services.errors import NotFound

__all__ = [
    "CLOUD",
    "ENTER",
    "GENERATE",
    "KEEP",
    "STEP",
    "WHICH",
    "Access",
    "Names",
    "Overview",
    "PasswordChoice",
    "Revealed",
    "Script",
    "Section",
    "VaultUnavailable",
    "accesses",
    "build_script",
    "current_of",
    "dashboard_flags",
    "generate_password",
    "may_reveal",
    "names_for",
    "order_section",
    "overview",
    "password_problem",
    "provision",
    "reveal",
    "script",
    "validate_password",
    "validate_server_name",
    "versions_of",
]


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
    query = select(CloudProvisioning).where(CloudProvisioning.order_id == order.id)
    if version is not None:
        query = query.where(CloudProvisioning.version == version)
    row = session.scalar(query.order_by(CloudProvisioning.version.desc()).limit(1))
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

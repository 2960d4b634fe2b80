"""The use case that changes step 4: record a new version of the CP Cloud setup.

Every change is a new CloudProvisioning version; older versions and their sealed passwords stay.
The first version completes the step; the audit event says how each password came about,
never the password.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import (
    CloudProvisioning,
    CustomerContact,
    Order,
    StepCompletion,
    User,
    utcnow,
)
from portal.process import completion
from portal.services.cloud.credentials import seal_password
from portal.services.cloud.history import current_of
from portal.services.cloud.names import STEP, WHICH, names_for, validate_server_name
from portal.services.cloud.passwords import GENERATE, KEEP, ORIGIN, PasswordChoice, choice_problem
from portal.services.cloud.permissions import editable_order
from portal.services.errors import Conflict, Invalid


def _check_contacts(session: Session, order: Order, contact_ids: list[int]) -> str | None:
    wanted = sorted(set(contact_ids))
    if not wanted:
        return _("Bitte mindestens einen Ansprechpartner des Kunden bestätigen.")
    found = session.scalars(
        select(CustomerContact).where(
            CustomerContact.id.in_(wanted), CustomerContact.customer_id == order.customer_id
        )
    ).all()
    if len(found) != len(wanted):
        return _("Ein gewählter Ansprechpartner ist unbekannt.")
    if any(not c.name.strip() or not c.email.strip() for c in found):
        return _("Jeder bestätigte Ansprechpartner braucht Name und E-Mail-Adresse.")
    return None


def provision(
    session: Session,
    actor: User,
    order_id: int,
    *,
    server_name: str,
    passwords: dict[str, PasswordChoice],
    contact_ids: list[int],
) -> CloudProvisioning:
    """Record a new version of the CP Cloud setup; the first one completes step provision_cloud."""
    order = editable_order(session, actor, order_id)
    names = names_for(order.short_code)
    current = current_of(session, order)
    errors: dict[str, str] = {}
    try:
        server_name = validate_server_name(server_name)
    except Invalid as error:
        errors["server_name"] = error.message
    modes = {w: passwords.get(w) or PasswordChoice(KEEP if current else GENERATE) for w in WHICH}
    for which, choice in modes.items():
        if problem := choice_problem(choice, names.login(which), may_keep=current is not None):
            errors[f"{which}_password"] = problem
    if problem := _check_contacts(session, order, contact_ids):
        errors["contacts"] = problem
    if errors:
        raise Invalid(_("Bitte die markierten Angaben prüfen."), **errors)
    contacts = sorted(set(contact_ids))
    if (
        current is not None
        and all(c.mode == KEEP for c in modes.values())
        and current.server_name == server_name
        and sorted(current.contact_ids or []) == contacts
    ):
        raise Invalid(_("Nichts geändert: das ist schon Version %(n)d.", n=current.version))
    sealed = {
        which: seal_password(session, current, which, modes[which], names.login(which))
        for which in WHICH
    }
    row = CloudProvisioning(
        order_id=order.id,
        version=(current.version + 1) if current else 1,
        server_name=server_name,
        database_name=names.database,
        saxess_login=names.saxess,
        cpce_login=names.cpce,
        saxess_password=sealed["saxess"],
        cpce_password=sealed["cpce"],
        contact_ids=contacts,
        created_by_id=actor.id,
        created_at=utcnow(),
    )
    session.add(row)
    first = completion(order, STEP) is None
    if first:
        session.add(
            StepCompletion(
                order_id=order.id,
                step=STEP,
                completed_by_id=actor.id,
                completed_at=row.created_at,
                details={"version": row.version, "server_name": server_name},
            )
        )
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            _("Die Einrichtung wurde gerade von jemand anderem geändert; bitte neu laden.")
        ) from None
    audit.record(
        session,
        actor,
        "cloud.provision",
        "cloud_provisioning",
        row.id,
        order_id=order.id,
        version=row.version,
        server_name=server_name,
        database=names.database,
        logins=[names.saxess, names.cpce],
        # How each password came about, never the password: "generated", "entered" or "kept".
        passwords={w: ORIGIN[modes[w].mode] for w in WHICH},
        contact_ids=contacts,
        step_completed=first,
    )
    session.commit()
    return row

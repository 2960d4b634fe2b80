"""Use cases of staff accounts: sign in, sign out, create, change and deactivate users."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.models import ROLE_ORG_KIND, Organisation, OrgKind, Role, User
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound

MIN_PASSWORD_LENGTH = 12
# Longer input is refused before it reaches the password hasher.
MAX_PASSWORD_LENGTH = 256
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Checked when the email is unknown, so that the answer takes as long as for a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None; never say which part was wrong."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return None  # no account has such a password; hashing it would only cost time
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def load_session_user(session: Session, session_id: str) -> User | None:
    """Resolve the id stored in the login cookie; an outdated session version resolves to None."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out everywhere: every cookie issued so far stops working."""
    user.session_version += 1
    audit.record(session, user, "user.logout", "user", user.id)
    session.commit()


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden(_("Nur Administratoren dürfen das."))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            _("Das Passwort ist zu kurz."),
            password=_("Mindestens %(n)d Zeichen.", n=MIN_PASSWORD_LENGTH),
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            _("Das Passwort ist zu lang."),
            password=_("Höchstens %(n)d Zeichen.", n=MAX_PASSWORD_LENGTH),
        )


def _check_role_fits(role: str, organisation: Organisation) -> None:
    if ROLE_ORG_KIND[Role(role)] != organisation.kind:
        raise Invalid(
            _("Rolle passt nicht zur Organisation."),
            role=_("Diese Rolle gibt es nur beim Hersteller.")
            if organisation.kind == OrgKind.PARTNER
            else _("Diese Rolle gibt es nur bei Partnern."),
        )


def list_users(session: Session) -> list[User]:
    """Every staff user with their organisation, sorted by organisation and name."""
    query = (
        select(User)
        .join(User.organisation)
        .options(contains_eager(User.organisation))
        .order_by(Organisation.name, User.name)
    )
    return list(session.scalars(query))


def find_user(session: Session, email: str) -> User | None:
    """The user with this email address (any case), or None."""
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def list_organisations(session: Session) -> list[Organisation]:
    """Every organisation, the vendor first, then the partners by name."""
    # "vendor" sorts after "partner", hence descending kind.
    query = select(Organisation).order_by(Organisation.kind.desc(), Organisation.name)
    return list(session.scalars(query))


def find_organisation(session: Session, name: str) -> Organisation | None:
    """The organisation with exactly this name, or None."""
    return session.scalar(select(Organisation).where(Organisation.name == name.strip()))


def create_user(
    session: Session,
    actor: User | None,
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int,
    password: str,
    language: str = "de",
) -> User:
    """Create a staff user; actor None means the command line."""
    if actor is not None:
        _require_admin(actor)
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise Invalid(_("Ungültige E-Mail-Adresse."), email=_("Ungültige E-Mail-Adresse."))
    if not name.strip():
        raise Invalid(_("Name fehlt."), name=_("Bitte einen Namen angeben."))
    if role not in set(Role):
        raise Invalid(_("Unbekannte Rolle."), role=_("Unbekannte Rolle."))
    if language not in ("de", "en"):
        raise Invalid(_("Unbekannte Sprache."), language=_("Unbekannte Sprache."))
    _check_password(password)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound(_("Organisation nicht gefunden."))
    _check_role_fits(role, organisation)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise Conflict(
            _("E-Mail-Adresse schon vergeben."), email=_("Diese E-Mail-Adresse ist vergeben.")
        )
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        organisation_id=organisation_id,
        password_hash=generate_password_hash(password),
        language=language,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "user", user.id, email=email, role=role)
    session.commit()
    return user


def update_user(
    session: Session, actor: User, user_id: int, *, name: str, role: str, language: str
) -> User:
    """Change a user's name, role and language."""
    _require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("Benutzer nicht gefunden."))
    if not name.strip():
        raise Invalid(_("Name fehlt."), name=_("Bitte einen Namen angeben."))
    if role not in set(Role):
        raise Invalid(_("Unbekannte Rolle."), role=_("Unbekannte Rolle."))
    if language not in ("de", "en"):
        raise Invalid(_("Unbekannte Sprache."), language=_("Unbekannte Sprache."))
    _check_role_fits(role, user.organisation)
    # Otherwise the last admin could lock everybody out of the admin pages.
    if user.id == actor.id and role != Role.ADMIN:
        raise Conflict(
            _("Sie können sich die Administratorrolle nicht selbst nehmen."),
            role=_("Die eigene Administratorrolle bleibt."),
        )
    changes = {
        key: value
        for key, value in (("name", name.strip()), ("role", role), ("language", language))
        if getattr(user, key) != value
    }
    if changes:
        for key, value in changes.items():
            setattr(user, key, value)
        audit.record(session, actor, "user.update", "user", user.id, **changes)
        session.commit()
    return user


def set_active(session: Session, actor: User | None, user_id: int, active: bool) -> User:
    """Activate or deactivate a user (actor None: command line); deactivation ends their sessions."""
    if actor is not None:
        _require_admin(actor)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("Benutzer nicht gefunden."))
    if actor is not None and user.id == actor.id and not active:
        raise Conflict(_("Sie können sich nicht selbst deaktivieren."))
    user.active = active
    if not active:
        user.session_version += 1
    audit.record(session, actor, "user.activate" if active else "user.deactivate", "user", user.id)
    session.commit()
    return user


def set_password(session: Session, actor: User, user_id: int, password: str) -> None:
    """Set a new password (an admin for anyone, a user for themself); ends existing sessions."""
    if actor.role != Role.ADMIN and actor.id != user_id:
        raise Forbidden(_("Nur Administratoren dürfen das."))
    _check_password(password)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("Benutzer nicht gefunden."))
    user.password_hash = generate_password_hash(password)
    user.session_version += 1
    audit.record(session, actor, "user.password", "user", user.id)
    session.commit()


def create_organisation(
    session: Session, actor: User | None, *, name: str, kind: str
) -> Organisation:
    """Create a partner or the vendor organisation."""
    if actor is not None:
        _require_admin(actor)
    name = name.strip()
    if not name:
        raise Invalid(_("Name fehlt."), name=_("Bitte einen Namen angeben."))
    if kind not in set(OrgKind):
        raise Invalid(_("Unbekannte Art."), kind=_("Unbekannte Art."))
    if kind == OrgKind.VENDOR and session.scalar(
        select(Organisation.id).where(Organisation.kind == OrgKind.VENDOR)
    ):
        raise Conflict(
            _("Es gibt schon einen Hersteller."), kind=_("Es gibt nur einen Hersteller.")
        )
    if session.scalar(select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(_("Name schon vergeben."), name=_("Diesen Namen gibt es schon."))
    organisation = Organisation(name=name, kind=kind)
    session.add(organisation)
    session.flush()
    audit.record(session, actor, "organisation.create", "organisation", organisation.id, name=name)
    session.commit()
    return organisation

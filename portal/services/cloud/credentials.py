"""The two database passwords in the vault: sealing the password of a new version, opening one.

A vault that cannot seal or open (key missing or wrong) rolls the session back and becomes
VaultUnavailable (503), so no version is ever built on a password the vault cannot open.
"""

import logging

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import vault
from portal.models import CloudProvisioning, Secret
from portal.services.cloud.passwords import GENERATE, KEEP, PasswordChoice, generate_password
from portal.services.errors import DomainError

log = logging.getLogger(__name__)

PURPOSE = "cloud_db_password"


class VaultUnavailable(DomainError):
    """The vault cannot seal or open a password (key missing or wrong); nothing was changed."""

    status = 503


def _failed(session: Session, error: vault.VaultError) -> VaultUnavailable:
    session.rollback()
    # The operators need the key ids to fix it; VaultError never holds a secret.
    log.error("CP Cloud credentials: vault failure: %s", error)
    return VaultUnavailable(
        _(
            "Die Zugangsdaten können gerade nicht ver- oder entschlüsselt werden (Schlüssel des Tresors fehlt oder passt nicht). Es wurde nichts geändert; bitte den Betrieb des Portals informieren."
        )
    )


def seal_password(
    session: Session,
    current: CloudProvisioning | None,
    which: str,
    choice: PasswordChoice,
    login: str,
) -> Secret:
    """The sealed password of user `which` in a new version: kept, generated or entered."""
    try:
        if choice.mode == KEEP:
            kept = current.password(which)
            vault.reveal(kept)  # a version is never built on a password the vault cannot open
            return kept
        value = generate_password(login) if choice.mode == GENERATE else choice.value
        return vault.seal(session, value, PURPOSE)
    except vault.VaultError as error:
        raise _failed(session, error) from None


def open_password(session: Session, sealed: Secret) -> str:
    """A sealed password in clear, for a reveal or the script; VaultUnavailable if it cannot be."""
    try:
        return vault.reveal(sealed)
    except vault.VaultError as error:
        raise _failed(session, error) from None

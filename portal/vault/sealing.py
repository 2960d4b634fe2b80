"""Seal a secret under the current key and reveal it again (AES-GCM, bound to its row and purpose)."""

import os
import re
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import Secret
from portal.vault.keys import ENV_VARIABLE, Keyring, VaultError, load_keyring

NONCE_BYTES = 12
PURPOSE = re.compile(r"[a-z][a-z0-9_.-]{0,49}")
# Versioned prefix of the associated data: a later format can never be confused with this one.
_AAD_PREFIX = b"cpce-vault/1\x00"


def _session_keyring(session: Session, keyring: Keyring | None) -> Keyring:
    if keyring is not None:
        return keyring
    config = current_app.config
    path = Path(config["VAULT_KEY_FILE"])
    # A fresh key would hide the loss and seal new secrets under a key nobody backed up.
    if (
        not config.get("VAULT_KEY")
        and not path.exists()
        and session.scalar(select(Secret.id).limit(1)) is not None
    ):
        raise VaultError(
            f"vault key file {path} is missing but secrets exist: restore it from the "
            f"backup or set {ENV_VARIABLE}; no new key was made"
        )
    return load_keyring(config)


def _associated_data(ref: str, purpose: str) -> bytes:
    return _AAD_PREFIX + ref.encode("ascii") + b"\x00" + purpose.encode("utf-8")


def _encrypt(key: bytes, ref: str, purpose: str, data: bytes) -> tuple[bytes, bytes]:
    nonce = os.urandom(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, data, _associated_data(ref, purpose))


def _decrypt(keyring: Keyring, secret: Secret) -> bytes:
    key = keyring.get(secret.key_id)
    if key is None:
        raise VaultError(
            f"secret {secret.id}: its key {secret.key_id} is not in {keyring.source} "
            f"(which holds {', '.join(keyring.ids)}); was the key replaced? Put the old key "
            "back after the current one"
        )
    try:
        return AESGCM(key).decrypt(
            secret.nonce, secret.ciphertext, _associated_data(secret.ref, secret.purpose)
        )
    except (InvalidTag, ValueError, TypeError, AttributeError):
        raise VaultError(
            f"secret {secret.id}: integrity check failed: its ciphertext, nonce, ref or "
            "purpose was changed"
        ) from None


def seal(
    session: Session, plaintext: str, purpose: str, *, keyring: Keyring | None = None
) -> Secret:
    """Encrypt plaintext under the current key into a new Secret, added to session (caller commits)."""
    if not isinstance(plaintext, str):
        raise TypeError("the secret must be a str")
    if not isinstance(purpose, str) or not PURPOSE.fullmatch(purpose):
        raise ValueError("purpose must be a short lowercase name such as 'caldav_password'")
    try:
        data = plaintext.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the secret is not valid Unicode text (lone surrogate)") from None
    ring = _session_keyring(session, keyring)
    ref = str(uuid.uuid4())
    nonce, ciphertext = _encrypt(ring.current, ref, purpose, data)
    secret = Secret(
        ref=ref, purpose=purpose, key_id=ring.current_id, nonce=nonce, ciphertext=ciphertext
    )
    session.add(secret)
    return secret


def reveal(secret: Secret, *, keyring: Keyring | None = None) -> str:
    """The plaintext of a secret; VaultError if its key is missing or anything was changed."""
    ring = keyring if keyring is not None else load_keyring(create=False)
    try:
        return _decrypt(ring, secret).decode("utf-8")
    except UnicodeDecodeError:
        raise VaultError(f"secret {secret.id} does not hold text") from None

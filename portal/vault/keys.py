"""The vault's keys: their ids, the keyring from PORTAL_VAULT_KEY or the key file, and that file."""

import base64
import binascii
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

KEY_BYTES = 32
ENV_VARIABLE = "PORTAL_VAULT_KEY"
_SEPARATORS = re.compile(r"[,\s]+")
_NEW_KEY_HOWTO = (
    "generate a key with `python3 -c 'import base64, os; "
    "print(base64.b64encode(os.urandom(32)).decode())'`, put it FIRST in PORTAL_VAULT_KEY "
    "keeping the old keys after it, restart the app, then run `flask vault rotate --reencrypt-only`"
)


class VaultError(Exception):
    """A secret cannot be sealed, revealed or rotated; the message never holds secret data."""


def key_id(key: bytes) -> str:
    """The public name of a key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(key).hexdigest()[:16]


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def encode_key(key: bytes) -> str:
    """The key as written to PORTAL_VAULT_KEY or the key file (standard base64)."""
    return base64.b64encode(key).decode("ascii")


def parse_keys(text: str, source: str) -> tuple[bytes, ...]:
    """Decode base64 keys separated by commas or line breaks; VaultError names a bad entry."""
    keys: list[bytes] = []
    for number, entry in enumerate((e for e in _SEPARATORS.split(text) if e), start=1):
        try:
            key = base64.b64decode(entry, validate=True)
        except (binascii.Error, ValueError):
            raise VaultError(f"{source}: key {number} is not base64") from None
        if len(key) != KEY_BYTES:
            raise VaultError(
                f"{source}: key {number} has {len(key)} bytes, a vault key has {KEY_BYTES}"
            )
        if key not in keys:
            keys.append(key)
    if not keys:
        raise VaultError(f"{source} holds no key")
    return tuple(keys)


@dataclass(frozen=True)
class Keyring:
    """Vault keys, the current one first; the others only decrypt what was sealed with them."""

    keys: tuple[bytes, ...] = field(repr=False)
    source: str = "the given keyring"
    # The key file the keys were read from; None for PORTAL_VAULT_KEY or keys given in code.
    path: Path | None = None

    def __post_init__(self) -> None:
        if not self.keys:
            raise VaultError(f"{self.source} holds no key")
        if any(not isinstance(key, bytes) or len(key) != KEY_BYTES for key in self.keys):
            raise VaultError(f"{self.source}: every vault key has {KEY_BYTES} bytes")

    @property
    def current(self) -> bytes:
        return self.keys[0]

    @property
    def current_id(self) -> str:
        return key_id(self.keys[0])

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key_id(key) for key in self.keys)

    def get(self, wanted: str) -> bytes | None:
        """The key with this key id, or None."""
        return next((key for key in self.keys if key_id(key) == wanted), None)


def load_keyring(config: Mapping | None = None, *, create: bool = True) -> Keyring:
    """Keys from PORTAL_VAULT_KEY, else from the key file, created on first use outside production."""
    config = current_app.config if config is None else config
    if config.get("VAULT_KEY"):
        return Keyring(parse_keys(config["VAULT_KEY"], ENV_VARIABLE), source=ENV_VARIABLE)
    if config.get("ENV_NAME") == "production":
        raise VaultError(f"{ENV_VARIABLE} is not set; production takes the vault keys from it")
    path = Path(config["VAULT_KEY_FILE"])
    if not path.exists():
        if not create:
            raise VaultError(f"vault key file {path} is missing")
        _create_key_file(path, (new_key(),))
    return _file_keyring(path)


def _file_keyring(path: Path) -> Keyring:
    source = f"key file {path}"
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError:
        raise VaultError(f"{source} is not a vault key file") from None
    return Keyring(parse_keys(text, source), source=source, path=path)


def _write_temp(path: Path, keys: tuple[bytes, ...]) -> str:
    # mkstemp opens with O_EXCL and mode 0600; the file is complete before anyone can see it.
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write("".join(encode_key(key) + "\n" for key in keys))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def _sync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create_key_file(path: Path, keys: tuple[bytes, ...]) -> None:
    """Publish a new key file unless one exists: two processes starting at once agree on one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _write_temp(path, keys)
    try:
        # link() fails if the name exists, like O_EXCL, and never shows a half-written file.
        os.link(temp, path)
    except FileExistsError:
        pass
    except OSError:
        # A file system without hard links: fall back to creating the name with O_EXCL.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(Path(temp).read_bytes())
                handle.flush()
                os.fsync(handle.fileno())
    finally:
        os.unlink(temp)
    _sync_directory(path.parent)


def _replace_key_file(path: Path, keys: tuple[bytes, ...]) -> None:
    """Rewrite the key file atomically: readers see the old or the new file, never a mix."""
    temp = _write_temp(path, keys)
    try:
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise
    _sync_directory(path.parent)

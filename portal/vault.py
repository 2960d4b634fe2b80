"""The credential vault: secrets sealed with AES-GCM under a keyring of 256-bit keys.

Keys come from PORTAL_VAULT_KEY (config VAULT_KEY: base64 keys separated by commas, the first
one current) or else from the key file VAULT_KEY_FILE (one base64 key per line, the first line
current), which is created with a fresh key on first use outside production. Older keys only
decrypt; `flask vault rotate` moves every secret to the current key, one batch per transaction.
Nothing here prints, logs or raises with a plaintext or a key in it.
"""

import base64
import binascii
import fcntl
import hashlib
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import click
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.extensions import db
from portal.models import Secret, utcnow

KEY_BYTES = 32
NONCE_BYTES = 12
ENV_VARIABLE = "PORTAL_VAULT_KEY"
PURPOSE = re.compile(r"[a-z][a-z0-9_.-]{0,49}")
# Versioned prefix of the associated data: a later format can never be confused with this one.
_AAD_PREFIX = b"cpce-vault/1\x00"
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


def _usage(session: Session) -> dict[str, int]:
    rows = session.execute(select(Secret.key_id, func.count()).group_by(Secret.key_id))
    return {key: count for key, count in rows}


@dataclass(frozen=True)
class KeyUsage:
    """One key id and how many secrets it encrypts."""

    key_id: str
    # 1 is the current key; None: secrets use a key the keyring does not hold.
    position: int | None
    secrets: int


@dataclass(frozen=True)
class VaultStatus:
    """Where the keys come from, and every key id in use or in the keyring."""

    source: str
    keys: tuple[KeyUsage, ...]

    @property
    def missing(self) -> tuple[KeyUsage, ...]:
        return tuple(usage for usage in self.keys if usage.position is None)

    @property
    def total(self) -> int:
        return sum(usage.secrets for usage in self.keys)


def status(session: Session, *, keyring: Keyring | None = None) -> VaultStatus:
    """Key ids in keyring order with their secret counts, then ids the keyring lacks."""
    ring = _session_keyring(session, keyring)
    usage = _usage(session)
    keys = [KeyUsage(kid, n, usage.pop(kid, 0)) for n, kid in enumerate(ring.ids, start=1)]
    keys += [KeyUsage(kid, None, count) for kid, count in sorted(usage.items())]
    return VaultStatus(ring.source, tuple(keys))


@dataclass(frozen=True)
class RotationReport:
    """What a rotation did; when it returns, every secret uses `current_key_id`."""

    source: str
    current_key_id: str
    new_key_id: str | None  # the key this run generated, if any
    reencrypted: int
    unused_key_ids: tuple[str, ...]  # old keys no secret uses any more and still in the keyring
    dropped_key_ids: tuple[str, ...]  # removed from the key file by this run


@contextmanager
def _rotation_lock(ring: Keyring) -> Iterator[None]:
    """One rotation at a time per key file; a second one is refused instead of waiting."""
    assert ring.path is not None
    lock_path = ring.path.with_name(ring.path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise VaultError(f"another rotation holds {lock_path}; wait for it to end") from None
        yield
    finally:
        os.close(fd)


def rotate(
    session: Session,
    batch_size: int = 100,
    *,
    reencrypt_only: bool = False,
    drop_unused: bool = False,
    keyring: Keyring | None = None,
    progress: Callable[[int, int], None] | None = None,
    actor=None,
) -> RotationReport:
    """Make a new key current (file mode) and re-encrypt every older secret, committing per batch."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if session.new or session.dirty or session.deleted:
        raise VaultError("rotate commits batch by batch: commit or roll back pending changes first")
    ring = _session_keyring(session, keyring)
    if ring.path is None and not reencrypt_only:
        raise VaultError(
            f"the vault keys come from {ring.source}, so no key is generated here; to rotate, "
            + _NEW_KEY_HOWTO
        )
    with _rotation_lock(ring) if ring.path is not None else nullcontext():
        if ring.path is not None:
            ring = _file_keyring(ring.path)  # as it is now, under the lock
        _check_keys_present(session, ring)
        new_key_id = None
        if not reencrypt_only:
            ring = _add_key(session, ring, actor)
            new_key_id = ring.current_id
        done = _reencrypt(session, ring, batch_size, progress)
        usage = _usage(session)
        unused = tuple(kid for kid in ring.ids[1:] if kid not in usage)
        dropped: tuple[str, ...] = ()
        if drop_unused and unused and ring.path is not None:
            kept = tuple(key for key in ring.keys if key_id(key) not in unused)
            _replace_key_file(ring.path, kept)
            ring = Keyring(kept, ring.source, ring.path)
            dropped, unused = unused, ()
        if done or dropped:
            audit.record(
                session,
                actor,
                "vault.rotated",
                "vault",
                current_key_id=ring.current_id,
                reencrypted=done,
                dropped_key_ids=list(dropped),
            )
        session.commit()
    return RotationReport(ring.source, ring.current_id, new_key_id, done, unused, dropped)


def _check_keys_present(session: Session, ring: Keyring) -> None:
    """Refuse before changing anything when some secret's key is not in the keyring."""
    usage = _usage(session)
    missing = sorted(kid for kid in usage if ring.get(kid) is None)
    if missing:
        count = sum(usage[kid] for kid in missing)
        raise VaultError(
            f"{count} secret(s) use key(s) {', '.join(missing)}, which {ring.source} does not "
            "hold; nothing was changed. Was the key replaced? Put the old key(s) back after "
            "the current one and run again"
        )


def _add_key(session: Session, ring: Keyring, actor) -> Keyring:
    """Write a fresh key first into the key file, the old ones kept below it."""
    assert ring.path is not None
    previous = ring.current_id
    ring = Keyring((new_key(), *ring.keys), ring.source, ring.path)
    # The file first: a key no secret uses yet is harmless; a secret under a lost key is not.
    _replace_key_file(ring.path, ring.keys)
    audit.record(
        session, actor, "vault.key_added", "vault", key_id=ring.current_id, previous=previous
    )
    session.commit()
    return ring


def _reencrypt(
    session: Session,
    ring: Keyring,
    batch_size: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Re-encrypt every secret not under the current key; each batch is one transaction."""
    current = ring.current_id
    total = session.scalar(select(func.count()).select_from(Secret).where(Secret.key_id != current))
    query = (
        select(Secret)
        .where(Secret.key_id != current)
        .order_by(Secret.id)
        .limit(batch_size)
        # Locked until the batch commits: a second rotation waits, then skips these rows.
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    done = 0
    while True:
        try:
            batch = session.scalars(query).all()
            if not batch:
                return done
            now = utcnow()
            for secret in batch:
                data = _decrypt(ring, secret)
                secret.nonce, secret.ciphertext = _encrypt(
                    ring.current, secret.ref, secret.purpose, data
                )
                secret.key_id = current
                secret.rotated_at = now
            session.commit()
        except VaultError as error:
            session.rollback()
            raise VaultError(
                f"{error}. Rotation stopped and this batch was rolled back; the {done} "
                "secret(s) re-encrypted before it keep the new key"
            ) from None
        except BaseException:
            session.rollback()
            raise
        done += len(batch)
        if progress is not None:
            progress(done, total or 0)


@click.group("vault")
def vault_group():
    """Secret vault commands: key status and rotation."""


def _fail(action: str, error: VaultError) -> NoReturn:
    click.echo(f"vault {action} failed: {error}", err=True)
    raise SystemExit(1)


@vault_group.command("status")
@with_appcontext
def status_command():
    """Show the key ids, which one is current, and how many secrets each one encrypts."""
    try:
        report = status(db.session)
    except VaultError as error:
        _fail("status", error)
    click.echo(f"vault keys from {report.source}:")
    for usage in report.keys:
        if usage.position is None:
            label = "MISSING"
        else:
            label = "current" if usage.position == 1 else f"old #{usage.position}"
        click.echo(f"  {usage.key_id}  {label:<8}  {usage.secrets} secret(s)")
    click.echo(f"{report.total} secret(s) in total")
    if report.missing:
        ids = ", ".join(usage.key_id for usage in report.missing)
        click.echo(f"secrets under key(s) {ids} cannot be revealed: the key is missing", err=True)
        raise SystemExit(1)


@vault_group.command("rotate")
@click.option(
    "--reencrypt-only",
    is_flag=True,
    help="Generate no key: re-encrypt every secret under the current (first) key.",
)
@click.option(
    "--drop-unused", is_flag=True, help="Then remove old keys no secret uses from the key file."
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Secrets re-encrypted per transaction.",
)
@with_appcontext
def rotate_command(reencrypt_only: bool, drop_unused: bool, batch_size: int):
    """Make a new key current and re-encrypt every secret under it; run again to resume."""

    def report_progress(done: int, total: int) -> None:
        click.echo(f"re-encrypted {done} of {total}")

    try:
        report = rotate(
            db.session,
            batch_size,
            reencrypt_only=reencrypt_only,
            drop_unused=drop_unused,
            progress=report_progress,
        )
    except VaultError as error:
        _fail("rotate", error)
    if report.new_key_id:
        click.echo(f"new key {report.new_key_id} is now current in {report.source}")
    click.echo(
        f"{report.reencrypted} secret(s) re-encrypted; every secret uses key "
        f"{report.current_key_id}"
    )
    if report.dropped_key_ids:
        click.echo(f"removed unused key(s) {', '.join(report.dropped_key_ids)}")
    if report.unused_key_ids:
        ids = ", ".join(report.unused_key_ids)
        if report.source == ENV_VARIABLE:
            hint = f"remove them from {ENV_VARIABLE} (`flask vault status` shows their positions)"
        else:
            hint = "`flask vault rotate --reencrypt-only --drop-unused` removes them"
        click.echo(f"no secret uses key(s) {ids} any more: {hint}")

"""Which keys the secrets use, and rotation: a new current key, every secret re-encrypted under it."""

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Secret, utcnow
from portal.vault.keys import (
    _NEW_KEY_HOWTO,
    Keyring,
    VaultError,
    _file_keyring,
    _replace_key_file,
    key_id,
    new_key,
)
from portal.vault.sealing import _decrypt, _encrypt, _session_keyring


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

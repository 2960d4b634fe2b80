"""The credential vault: sealing, tamper detection, key files, rotation, env keys, CLI."""

import base64
import os
import secrets
import stat
import threading
import uuid

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal import audit, create_app, vault
from portal.extensions import db
from portal.models import AuditEvent, Secret
from portal.vault import Keyring, VaultError, key_id, reveal, rotate, rotation, seal
from tests.offer_sender import OFFER_SENDER
from tests.pg_util import require_postgres


@pytest.fixture(autouse=True)
def key_file(app, tmp_path):
    """Every test gets its own key file (not yet created) and no PORTAL_VAULT_KEY."""
    path = tmp_path / "vault.keys"
    app.config["VAULT_KEY_FILE"] = str(path)
    app.config["VAULT_KEY"] = None
    return path


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def file_keys(path) -> list[str]:
    """The key ids in the key file, current first."""
    return [key_id(base64.b64decode(line)) for line in path.read_text().split()]


def seal_many(session, count: int, purpose: str = "cloud_db_password") -> dict[int, str]:
    values = {}
    for number in range(count):
        value = f"pw-{number}-{secrets.token_urlsafe(12)}"
        values[seal(session, value, purpose)] = value
    session.commit()
    return {secret.id: value for secret, value in values.items()}


def snapshot(session):
    session.expire_all()
    columns = (Secret.id, Secret.key_id, Secret.nonce, Secret.ciphertext, Secret.rotated_at)
    return session.execute(select(*columns).order_by(Secret.id)).all()


def assert_all_reveal(session, values: dict[int, str]) -> None:
    session.expire_all()
    for secret in session.scalars(select(Secret)):
        assert reveal(secret) == values[secret.id]


def key_ids_in_use(session) -> dict[str, int]:
    rows = session.execute(select(Secret.key_id, func.count()).group_by(Secret.key_id))
    return dict(rows.all())


@pytest.mark.parametrize(
    "plaintext",
    ["s3cr3t!", "Pässwörd-€-ß-Ωμέγα-密码-🔑", secrets.token_urlsafe(768)[:1024], ""],
    ids=["ascii", "non-ascii", "1kB", "empty"],
)
def test_round_trip(session, plaintext):
    secret = seal(session, plaintext, "caldav_password")
    session.commit()
    secret_id = secret.id
    session.expunge_all()
    stored = session.get(Secret, secret_id)
    assert reveal(stored) == plaintext
    assert stored.purpose == "caldav_password"
    assert uuid.UUID(stored.ref)
    assert len(stored.nonce) == 12
    assert stored.created_at.tzinfo is not None and stored.rotated_at is None
    if plaintext:
        assert plaintext.encode() not in stored.ciphertext
        assert plaintext.encode() not in stored.nonce


def test_same_value_twice_gives_different_ciphertexts(session):
    first, second = seal(session, "same", "caldav_password"), seal(session, "same", "x")
    session.commit()
    assert first.ref != second.ref and first.nonce != second.nonce
    assert first.ciphertext != second.ciphertext


def _flip_last_byte(value: bytes) -> bytes:
    return value[:-1] + bytes([value[-1] ^ 0x01])


@pytest.mark.parametrize(
    "change",
    [
        {"ciphertext": lambda s: _flip_last_byte(s.ciphertext)},
        {"ciphertext": lambda s: s.ciphertext[:-1]},
        {"nonce": lambda s: _flip_last_byte(s.nonce)},
        {"purpose": lambda s: "caldav_password"},
        {"ref": lambda s: str(uuid.uuid4())},
    ],
    ids=["ciphertext", "truncated", "nonce", "purpose", "ref"],
)
def test_tampering_is_detected(session, change):
    secret = seal(session, "tamper-me-please", "cloud_db_password")
    session.commit()
    values = {column: compute(secret) for column, compute in change.items()}
    session.execute(update(Secret).where(Secret.id == secret.id).values(**values))
    session.commit()
    session.expire_all()
    with pytest.raises(VaultError, match="integrity check failed") as failed:
        reveal(session.get(Secret, secret.id))
    assert "tamper-me-please" not in str(failed.value)
    assert f"secret {secret.id}" in str(failed.value)


def test_ciphertext_copied_into_another_row_does_not_decrypt(session):
    source = seal(session, "copied-value", "cloud_db_password")
    target = seal(session, "other-value", "cloud_db_password")
    session.commit()
    target.nonce, target.ciphertext = source.nonce, source.ciphertext
    session.commit()
    with pytest.raises(VaultError, match="integrity check failed"):
        reveal(target)
    assert reveal(source) == "copied-value"


def test_seal_checks_its_arguments(session):
    with pytest.raises(ValueError, match="purpose"):
        seal(session, "x", "")
    with pytest.raises(ValueError, match="purpose"):
        seal(session, "x", "Not A Purpose")
    with pytest.raises(TypeError):
        seal(session, b"bytes", "caldav_password")
    with pytest.raises(ValueError, match="lone surrogate") as refused:
        seal(session, "ab\ud800cd", "caldav_password")
    assert "ab" not in str(refused.value)
    assert session.scalar(select(func.count()).select_from(Secret)) == 0


def test_key_file_is_created_once_with_mode_0600_and_reused(session, key_file):
    assert not key_file.exists()
    first = seal(session, "one", "caldav_password")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    content = key_file.read_text()
    assert len(content.split()) == 1 and len(base64.b64decode(content.strip())) == 32
    second = seal(session, "two", "caldav_password")
    session.commit()
    assert first.key_id == second.key_id == file_keys(key_file)[0]
    assert key_file.read_text() == content
    assert [p.name for p in key_file.parent.iterdir() if p.name.startswith(".vault")] == []


def test_a_missing_key_file_is_not_replaced_while_secrets_exist(session, key_file):
    secret = seal(session, "kept", "caldav_password")
    session.commit()
    key_file.unlink()
    with pytest.raises(VaultError, match="missing"):
        reveal(secret)
    with pytest.raises(VaultError, match="missing but secrets exist"):
        seal(session, "new", "caldav_password")
    with pytest.raises(VaultError, match="missing but secrets exist"):
        rotate(session)
    assert not key_file.exists()


def test_keyring_repr_and_errors_never_show_key_material():
    key = os.urandom(32)
    ring = Keyring((key,), source="test")
    assert b64(key) not in repr(ring) and repr(key) not in repr(ring)
    for text in ("not-base64!", b64(os.urandom(16))):
        with pytest.raises(VaultError, match="PORTAL_VAULT_KEY: key 2") as refused:
            vault.parse_keys(b64(key) + "," + text, "PORTAL_VAULT_KEY")
        assert text not in str(refused.value) and b64(key) not in str(refused.value)
    with pytest.raises(VaultError, match="holds no key"):
        vault.parse_keys(" , ", "PORTAL_VAULT_KEY")


def test_rotation_reencrypts_every_secret_in_batches(session, key_file):
    values = seal_many(session, 250)
    old_id = file_keys(key_file)[0]
    seen = []
    report = rotate(session, batch_size=40, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(40 * n, 250) for n in range(1, 7)] + [(250, 250)]
    assert report.new_key_id == report.current_key_id != old_id
    assert report.reencrypted == 250
    assert report.unused_key_ids == (old_id,) and report.dropped_key_ids == ()
    assert file_keys(key_file) == [report.new_key_id, old_id]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_ids_in_use(session) == {report.new_key_id: 250}
    assert session.scalar(select(func.count()).where(Secret.rotated_at.is_(None))) == 0
    assert_all_reveal(session, values)

    dropped = rotate(session, reencrypt_only=True, drop_unused=True)
    assert dropped.reencrypted == 0 and dropped.dropped_key_ids == (old_id,)
    assert dropped.unused_key_ids == ()
    assert file_keys(key_file) == [report.new_key_id]
    assert_all_reveal(session, values)

    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["vault.key_added", "vault.rotated", "vault.rotated"]
    assert audit.verify(session)[1] == []


def test_an_interrupted_rotation_loses_nothing_and_a_second_run_finishes(session, key_file):
    values = seal_many(session, 250)
    old_id = file_keys(key_file)[0]

    def crash_after_second_batch(done, total):
        if done == 80:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        rotate(session, batch_size=40, progress=crash_after_second_batch)
    new_id = file_keys(key_file)[0]
    assert file_keys(key_file) == [new_id, old_id]
    assert key_ids_in_use(session) == {new_id: 80, old_id: 170}
    assert_all_reveal(session, values)

    report = rotate(session, batch_size=40, reencrypt_only=True)
    assert report.new_key_id is None and report.current_key_id == new_id
    assert report.reencrypted == 170 and report.unused_key_ids == (old_id,)
    assert key_ids_in_use(session) == {new_id: 250}
    assert_all_reveal(session, values)


@pytest.mark.parametrize("reencrypt_only", [False, True])
def test_a_wrong_key_file_fails_loudly_and_changes_nothing(session, key_file, reencrypt_only):
    values = seal_many(session, 5)
    old_id = file_keys(key_file)[0]
    key_file.write_text(b64(os.urandom(32)) + "\n")
    before_rows, before_file = snapshot(session), key_file.read_bytes()

    with pytest.raises(VaultError, match=old_id) as refused:
        rotate(session, batch_size=2, reencrypt_only=reencrypt_only)
    assert "nothing was changed" in str(refused.value)
    with pytest.raises(VaultError, match=f"key {old_id} is not in key file"):
        reveal(session.get(Secret, next(iter(values))))

    assert snapshot(session) == before_rows
    assert key_file.read_bytes() == before_file
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    for value in values.values():
        assert value not in str(refused.value)


def test_a_wrong_environment_key_fails_loudly_and_changes_nothing(app, session, key_file):
    values = seal_many(session, 5)
    old_id = file_keys(key_file)[0]
    before_rows, before_file = snapshot(session), key_file.read_bytes()
    app.config["VAULT_KEY"] = b64(os.urandom(32))

    with pytest.raises(VaultError, match=f"key {old_id} is not in PORTAL_VAULT_KEY"):
        reveal(session.get(Secret, next(iter(values))))
    with pytest.raises(VaultError, match=old_id):
        rotate(session, reencrypt_only=True)
    assert snapshot(session) == before_rows
    assert key_file.read_bytes() == before_file


def test_a_changed_row_stops_rotation_and_rolls_back_only_its_batch(session, key_file):
    values = seal_many(session, 100)
    old_id = file_keys(key_file)[0]
    ids = sorted(values)
    broken = ids[59]  # in the second batch of 40
    session.execute(update(Secret).where(Secret.id == broken).values(purpose="caldav_password"))
    session.commit()
    before = {row.id: row for row in snapshot(session)}

    with pytest.raises(VaultError, match=f"secret {broken}: integrity") as stopped:
        rotate(session, batch_size=40)
    assert "40 secret(s) re-encrypted before" in str(stopped.value)
    new_id = file_keys(key_file)[0]
    after = {row.id: row for row in snapshot(session)}
    assert {after[i].key_id for i in ids[:40]} == {new_id}
    assert all(after[i] == before[i] for i in ids[40:])  # the second batch rolled back
    assert key_ids_in_use(session) == {new_id: 40, old_id: 60}
    del values[broken]
    for secret in session.scalars(select(Secret).where(Secret.id != broken)):
        assert reveal(secret) == values[secret.id]


def test_environment_keys_decrypt_old_secrets_and_refuse_key_generation(app, session, key_file):
    current, old = os.urandom(32), os.urandom(32)
    under_old = seal(session, "sealed-with-old", "cloud_db_password", keyring=Keyring((old,)))
    session.commit()
    app.config["VAULT_KEY"] = f"{b64(current)}, {b64(old)}"

    under_current = seal(session, "sealed-with-current", "cloud_db_password")
    session.commit()
    assert under_current.key_id == key_id(current) and under_old.key_id == key_id(old)
    assert reveal(under_old) == "sealed-with-old"
    assert reveal(under_current) == "sealed-with-current"

    before = snapshot(session)
    with pytest.raises(VaultError, match="--reencrypt-only") as refused:
        rotate(session)
    assert "PORTAL_VAULT_KEY" in str(refused.value) and "FIRST" in str(refused.value)
    assert snapshot(session) == before

    report = rotate(session, reencrypt_only=True, drop_unused=True)
    assert report.reencrypted == 1 and report.current_key_id == key_id(current)
    assert report.unused_key_ids == (key_id(old),) and report.dropped_key_ids == ()
    assert key_ids_in_use(session) == {key_id(current): 2}
    assert reveal(session.get(Secret, under_old.id)) == "sealed-with-old"
    assert not key_file.exists()


def test_an_explicit_keyring_is_used_instead_of_the_configuration(session, key_file):
    ring = Keyring((os.urandom(32),))
    secret = seal(session, "explicit", "caldav_password", keyring=ring)
    session.commit()
    assert reveal(secret, keyring=ring) == "explicit"
    assert not key_file.exists()
    with pytest.raises(VaultError, match="no key is generated"):
        rotate(session, keyring=ring)


def test_a_second_rotation_on_the_same_key_file_is_refused(session, key_file):
    seal_many(session, 3)
    ring = vault.load_keyring()
    with rotation._rotation_lock(ring), pytest.raises(VaultError, match="another rotation"):
        rotate(session)
    assert len(file_keys(key_file)) == 1


def test_rotate_refuses_pending_changes(session):
    seal(session, "pending", "caldav_password")
    with pytest.raises(VaultError, match="pending changes"):
        rotate(session)


def test_cli_status_and_rotate_show_counts_but_no_secrets(app, runner, session, key_file):
    values = seal_many(session, 3) | seal_many(session, 2, purpose="caldav_password")
    old_id = file_keys(key_file)[0]
    key_text = key_file.read_text()

    status = runner.invoke(args=["vault", "status"])
    assert status.exit_code == 0, status.output
    assert f"{old_id}  current   5 secret(s)" in status.output
    assert "5 secret(s) in total" in status.output

    rotated = runner.invoke(args=["vault", "rotate", "--batch-size", "2"])
    assert rotated.exit_code == 0, rotated.output
    new_id = file_keys(key_file)[0]
    assert f"new key {new_id} is now current" in rotated.output
    assert "re-encrypted 2 of 5" in rotated.output and "5 secret(s) re-encrypted" in rotated.output
    assert f"no secret uses key(s) {old_id} any more" in rotated.output

    status = runner.invoke(args=["vault", "status"])
    assert f"{new_id}  current   5 secret(s)" in status.output
    assert f"{old_id}  old #2    0 secret(s)" in status.output

    dropped = runner.invoke(args=["vault", "rotate", "--reencrypt-only", "--drop-unused"])
    assert dropped.exit_code == 0, dropped.output
    assert f"removed unused key(s) {old_id}" in dropped.output
    assert file_keys(key_file) == [new_id]

    every_output = status.output + rotated.output + dropped.output
    for value in values.values():
        assert value not in every_output
    for line in key_text.split() + key_file.read_text().split():
        assert line not in every_output


def test_cli_fails_with_exit_1_on_a_missing_key(app, runner, session, key_file):
    seal_many(session, 2)
    old_id = file_keys(key_file)[0]
    app.config["VAULT_KEY"] = b64(os.urandom(32))

    status = runner.invoke(args=["vault", "status"])
    assert status.exit_code == 1
    assert f"{old_id}  MISSING   2 secret(s)" in status.output

    rotated = runner.invoke(args=["vault", "rotate"])
    assert rotated.exit_code == 1
    assert "vault rotate failed" in rotated.output and "--reencrypt-only" in rotated.output
    rotated = runner.invoke(args=["vault", "rotate", "--reencrypt-only"])
    assert rotated.exit_code == 1 and old_id in rotated.output


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """A complete production environment, as in tests/test_config.py, with a vault key."""
    values = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal",
        "LICENSE_KEY_FILE": str(tmp_path / "license_ed25519.pem"),
        "AUDIT_KEY_FILE": str(tmp_path / "audit_ed25519.pem"),
        "PORTAL_VAULT_KEY": f"{b64(os.urandom(32))},{b64(os.urandom(32))}",
        **OFFER_SENDER,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_production_takes_the_keys_from_the_environment(production_env):
    app = create_app()
    ring = vault.load_keyring(app.config)
    assert ring.source == "PORTAL_VAULT_KEY" and len(ring.keys) == 2
    assert ring.current == base64.b64decode(production_env["PORTAL_VAULT_KEY"].split(",")[0])


@pytest.mark.parametrize("value", [None, "", "not base64!", b64(os.urandom(31))])
def test_production_refuses_to_start_without_a_valid_vault_key(production_env, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("PORTAL_VAULT_KEY")
    else:
        monkeypatch.setenv("PORTAL_VAULT_KEY", value)
    with pytest.raises(RuntimeError, match="Refusing to start in production") as refused:
        create_app()
    message = str(refused.value)
    assert "PORTAL_VAULT_KEY" in message
    assert not value or value not in message
    for other in ("SECRET_KEY", "DATABASE_URL", "LICENSE_KEY_FILE"):
        assert other not in message


def test_production_never_falls_back_to_a_key_file(tmp_path):
    config = {"ENV_NAME": "production", "VAULT_KEY": None, "VAULT_KEY_FILE": str(tmp_path / "k")}
    with pytest.raises(VaultError, match="PORTAL_VAULT_KEY is not set"):
        vault.load_keyring(config)
    assert not (tmp_path / "k").exists()


@pytest.mark.pg
def test_two_rotations_on_postgresql_never_reencrypt_a_row_twice(app, session):
    require_postgres()
    old, new = os.urandom(32), os.urandom(32)
    values = {}
    for number in range(50):
        secret = seal(session, f"value-{number}", "cloud_db_password", keyring=Keyring((old,)))
        values[secret] = f"value-{number}"
    session.commit()
    ring = Keyring((new, old))
    engine = db.engine  # the thread has no app context
    reports = []

    def second_rotation():
        with Session(engine) as other:
            reports.append(rotate(other, batch_size=10, reencrypt_only=True, keyring=ring))

    with Session(engine) as first:
        first.scalars(select(Secret).with_for_update()).all()  # holds every row
        thread = threading.Thread(target=second_rotation, daemon=True)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second rotation must wait for the locked rows"
        reports.append(rotate(first, batch_size=10, reencrypt_only=True, keyring=ring))
    thread.join(30)
    assert not thread.is_alive() and len(reports) == 2
    assert sum(report.reencrypted for report in reports) == 50
    assert key_ids_in_use(session) == {key_id(new): 50}
    session.expire_all()
    for secret, value in values.items():
        assert reveal(session.get(Secret, secret.id), keyring=ring) == value

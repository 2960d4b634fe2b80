"""Production mode refuses to start with development defaults, and starts when configured."""

import base64
import os
import secrets

import pytest

from portal import create_app
from portal.config import DEFAULT_SECRET_KEY
from portal.services import clock
from tests.offer_sender import OFFER_SENDER

PROBLEMS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "LICENSE_KEY_FILE",
    "AUDIT_KEY_FILE",
    "PORTAL_VAULT_KEY",
)


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    """A complete production environment; tests remove or spoil one variable at a time."""
    values = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # Never connected to: create_app() builds the engine lazily.
        "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal",
        "LICENSE_KEY_FILE": str(tmp_path / "license_ed25519.pem"),
        "AUDIT_KEY_FILE": str(tmp_path / "audit_ed25519.pem"),
        "PORTAL_VAULT_KEY": base64.b64encode(os.urandom(32)).decode(),
        **OFFER_SENDER,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def test_production_starts_when_everything_is_set(production_env):
    app = create_app()
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == production_env["SECRET_KEY"]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == production_env["DATABASE_URL"]
    assert app.config["LICENSE_KEY_FILE"] == production_env["LICENSE_KEY_FILE"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECRET_KEY", None),
        ("SECRET_KEY", DEFAULT_SECRET_KEY),
        ("SECRET_KEY", "too-short-to-be-random"),
        ("DATABASE_URL", None),
        ("PORTAL_VAULT_KEY", None),
        ("PORTAL_VAULT_KEY", "not-base64!"),
        ("DATABASE_URL", "sqlite:////srv/portal/portal.sqlite3"),
        ("LICENSE_KEY_FILE", None),
        ("LICENSE_KEY_FILE", ""),
        ("AUDIT_KEY_FILE", None),
        ("AUDIT_KEY_FILE", ""),
    ],
)
def test_production_refuses_one_problem(production_env, monkeypatch, name, value):
    if value is None:
        monkeypatch.delenv(name)
    else:
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match="Refusing to start in production") as refused:
        create_app()
    message = str(refused.value)
    assert name in message
    for other in set(PROBLEMS) - {name}:
        assert other not in message


def test_production_names_every_problem(production_env, monkeypatch):
    for name in PROBLEMS:
        monkeypatch.delenv(name)
    with pytest.raises(RuntimeError) as refused:
        create_app()
    for name in PROBLEMS:
        assert name in str(refused.value)


def test_development_starts_with_the_defaults(monkeypatch, tmp_path):
    for name in ("PORTAL_ENV", "SECRET_KEY", "LICENSE_KEY_FILE", "AUDIT_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    app = create_app()
    assert app.config["ENV_NAME"] == "development"
    assert app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DUE_ACCEPT", "two", "DUE_ACCEPT must be a number of working days"),
        ("DUE_ACCEPT", "-1", "DUE_ACCEPT must be a number of working days"),
        ("DUE_SOON_WORKING_DAYS", "-2", "must not be negative"),
        ("HOLIDAY_STATE", "XX", "HOLIDAY_STATE must be one of"),
        ("REMINDER_WORKING_DAYS", "7,zwei", "REMINDER_WORKING_DAYS must list whole numbers"),
        ("DIGEST_HOUR", "25", "DIGEST_HOUR must lie between 0 and 23"),
    ],
)
def test_a_mistyped_deadline_setting_stops_the_start(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        create_app()


def test_deadline_settings_reach_the_rules(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    monkeypatch.setenv("DUE_ACCEPT", "36h")
    monkeypatch.setenv("DUE_SEND_PACKAGE", "4")
    monkeypatch.setenv("HOLIDAY_STATE", "by")
    app = create_app()
    with app.app_context():
        rules = clock.deadlines()
    assert (rules.rules["accept"].amount, rules.rules["accept"].unit) == (36, "hours")
    assert rules.rules["send_package"].amount == 4
    assert rules.rules["schedule_call"].amount == 5  # unset: the default
    assert rules.calendar.state == "BY"


def test_production_refuses_a_mailbox_password_in_clear(production_env, monkeypatch):
    for name, value in (("IMAP_HOST", "mail.saxess.example"), ("IMAP_USER", "onboarding")):
        monkeypatch.setenv(name, value)
    create_app()  # ssl, the default
    monkeypatch.setenv("IMAP_TLS", "none")
    with pytest.raises(RuntimeError, match="IMAP_TLS=none"):
        create_app()


def test_production_refuses_the_offer_sender_missing(production_env, monkeypatch):
    monkeypatch.delenv("OFFER_VAT_ID")
    monkeypatch.delenv("OFFER_REGISTER_NUMBER")
    with pytest.raises(RuntimeError, match="Refusing to start in production") as refused:
        create_app()
    message = str(refused.value)
    assert "OFFER_VAT_ID must be set" in message and "OFFER_REGISTER_NUMBER must be set" in message
    assert "OFFER_SENDER_NAME" not in message


def test_production_refuses_a_malformed_vat_id(production_env, monkeypatch):
    monkeypatch.setenv("OFFER_VAT_ID", "123 456")
    with pytest.raises(RuntimeError, match="OFFER_VAT_ID must be a VAT identification number"):
        create_app()


def test_production_reads_the_offer_sender_and_development_has_demo_data(
    production_env, monkeypatch, tmp_path
):
    app = create_app()
    assert app.config["OFFER_SENDER_NAME"] == production_env["OFFER_SENDER_NAME"]
    assert app.config["OFFER_BANK"] == ""  # optional
    monkeypatch.delenv("PORTAL_ENV")
    for name in OFFER_SENDER:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    app = create_app()
    assert app.config["OFFER_SENDER_NAME"] == "Saxess GmbH"
    assert app.config["OFFER_VAT_ID"] == "DE000000000"

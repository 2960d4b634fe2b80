"""Settings from environment variables, with embedded defaults for `make run` and the tests."""

import os
import re
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 (refused in production)


# Offer sender data and their development defaults; "" means optional (printed only when set).
OFFER_SENDER_DEFAULTS = {
    "OFFER_SENDER_NAME": "Saxess GmbH",
    "OFFER_SENDER_STREET": "Musterstraße 1",
    "OFFER_SENDER_POSTCODE": "04109",
    "OFFER_SENDER_CITY": "Leipzig",
    "OFFER_REGISTER_COURT": "Amtsgericht Leipzig",
    "OFFER_REGISTER_NUMBER": "HRB 00000",
    "OFFER_VAT_ID": "DE000000000",
    "OFFER_MANAGING_DIRECTORS": "Erika Mustermann",
    "OFFER_BANK": "",
    "OFFER_CONTACT": "",
}
OFFER_SENDER_OPTIONAL = ("OFFER_BANK", "OFFER_CONTACT")
_VAT_ID = re.compile(r"^[A-Z]{2}[0-9A-Z+*.]{2,12}$")


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from the process environment."""
    env = os.environ
    instance = Path(instance_path)
    return {
        "ENV_NAME": env.get("PORTAL_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{instance / 'portal.sqlite3'}",
        "BASE_URL": env.get("PORTAL_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_FROM": env.get("MAIL_FROM", "CPCE Onboarding <onboarding@saxess.example>"),
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": int(env.get("SMTP_PORT", "587")),
        "SMTP_TLS": env.get("SMTP_TLS", "starttls"),
        "SMTP_USER": env.get("SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "10")),
        # The organizer's mailbox (MAIL_FROM) where calendar clients send attendees' answers;
        # unset IMAP_HOST: the worker does not read it (the answer links still work).
        "IMAP_HOST": env.get("IMAP_HOST") or None,
        "IMAP_PORT": int(env.get("IMAP_PORT", "993")),
        "IMAP_TLS": env.get("IMAP_TLS", "ssl"),
        "IMAP_USER": env.get("IMAP_USER") or None,
        "IMAP_PASSWORD": env.get("IMAP_PASSWORD") or None,
        "IMAP_FOLDER": env.get("IMAP_FOLDER", "INBOX"),
        "IMAP_TIMEOUT": float(env.get("IMAP_TIMEOUT", "30")),
        "OUTBOX_MAX_ATTEMPTS": int(env.get("OUTBOX_MAX_ATTEMPTS", "8")),
        "MAIL_DIR": env.get("MAIL_DIR") or str(instance / "mail"),
        "LICENSE_KEY_FILE": env.get("LICENSE_KEY_FILE") or str(instance / "license_ed25519.pem"),
        # Ed25519 key that signs the audit log's checkpoints; kept outside the database.
        "AUDIT_KEY_FILE": env.get("AUDIT_KEY_FILE") or str(instance / "audit_ed25519.pem"),
        "LICENSE_RENT_TERM_MONTHS": int(env.get("LICENSE_RENT_TERM_MONTHS", "12")),
        # Comma-separated base64 keys, the first one current; unset: the key file below.
        "VAULT_KEY": env.get("PORTAL_VAULT_KEY") or None,
        "VAULT_KEY_FILE": env.get("VAULT_KEY_FILE") or str(instance / "vault.keys"),
        "LINK_TTL_DAYS": int(env.get("LINK_TTL_DAYS", "90")),
        # German VAT in percent for offers; the rate is stored with each offer as sent.
        "VAT_RATE": env.get("VAT_RATE", "19.00"),
        "OFFER_VALID_DAYS": int(env.get("OFFER_VALID_DAYS", "30")),
        # The sender of offers as a German B2B offer names it: letterhead, sender line, footer.
        # The defaults are Saxess demo data; production refuses to start without real ones.
        **{name: env.get(name) or default for name, default in OFFER_SENDER_DEFAULTS.items()},
        # Package generation runs in a background thread; a lease older than this is taken over.
        "PACKAGE_LEASE_SECONDS": int(env.get("PACKAGE_LEASE_SECONDS", "300")),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_LIMIT": env.get("LOGIN_LIMIT", "10 per minute"),
        "LINK_LIMIT": env.get("LINK_LIMIT", "20 per minute"),
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE")),
        "DASHBOARD_PAGE_SIZE": int(env.get("DASHBOARD_PAGE_SIZE", "50")),
        # Deadlines (portal/process.py): each step's DUE_<STEP> in working days ("2") or hours
        # ("36h"); unset keeps the rule's default. Working days skip HOLIDAY_STATE's holidays.
        **_due_settings(env),
        "DUE_SOON_WORKING_DAYS": _count(
            "DUE_SOON_WORKING_DAYS", env.get("DUE_SOON_WORKING_DAYS", "2")
        ),
        # Whole requests beyond this are refused (413) before anything is read into memory.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024))),
        # Any one form field beyond this (bytes) refuses the request with 413 before a view,
        # the CSRF check or the password hasher sees it; so do forms with more fields.
        "MAX_FORM_MEMORY_SIZE": int(env.get("MAX_FORM_MEMORY_SIZE", "100000")),
        "MAX_FORM_PARTS": int(env.get("MAX_FORM_PARTS", "1000")),
        # Internal calendar servers the portal may connect to (names, CIDR networks); public
        # addresses need no entry.
        "CALENDAR_ALLOWED_HOSTS": _calendar_hosts(env.get("CALENDAR_ALLOWED_HOSTS", "")),
        # Working days before the call at which customers hear about unfinished questionnaires.
        "REMINDER_WORKING_DAYS": _working_days(env.get("REMINDER_WORKING_DAYS", "7,2")),
        "REMINDER_MAX": int(env.get("REMINDER_MAX", "2")),
        # Local hour (Europe/Berlin) of a working day from which the overdue digest goes out.
        "DIGEST_HOUR": _hour(env.get("DIGEST_HOUR", "7")),
        # German state whose public holidays are no working days (ISO 3166-2 without "DE-").
        "HOLIDAY_STATE": _holiday_state(env.get("HOLIDAY_STATE", "SN")),
    }


def _working_days(value: str) -> tuple[int, ...]:
    """ "7,2" -> (7, 2): distinct positive whole numbers, largest first; a typo fails at start."""
    try:
        days = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise ValueError(f"REMINDER_WORKING_DAYS must list whole numbers, got {value!r}") from None
    if any(day < 1 for day in days):
        raise ValueError(f"REMINDER_WORKING_DAYS must be positive, got {value!r}")
    return tuple(sorted(days, reverse=True))


def _holiday_state(value: str) -> str:
    """A German state the holidays library knows, e.g. "SN"; a typo fails at start."""
    import holidays  # late: keeps importing the settings light

    state = value.strip().upper()
    known = [code for code in holidays.list_supported_countries()["DE"] if len(code) == 2]
    if state not in known:
        raise ValueError(f"HOLIDAY_STATE must be one of {', '.join(known)}, got {value!r}")
    return state


def _count(name: str, value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return number


def _hour(value: str) -> int:
    hour = int(value)
    if not 0 <= hour <= 23:
        raise ValueError(f"DIGEST_HOUR must lie between 0 and 23, got {value!r}")
    return hour


def _calendar_hosts(value: str) -> str:
    """The allow-list as given, after checking every entry: a typo fails at start, not later."""
    from portal.calendar.guard import Policy  # late: keeps importing the settings light

    Policy.parse(value)
    return value


def _due_settings(env) -> dict:
    """The DUE_<STEP> variables that are set, each checked: a typo fails at start, not later."""
    from portal.deadlines import parse_amount  # late: keeps importing the settings light
    from portal.process import STEPS

    settings = {}
    for step in STEPS:
        name = f"DUE_{step.key.upper()}"
        if step.due is not None and env.get(name):
            parse_amount(env[name], name=name)
            settings[name] = env[name]
    return settings


def check_production(config: dict) -> None:
    """Refuse to run in production with the embedded development secrets."""
    if config.get("ENV_NAME") != "production":
        return
    problems = []
    if config["SECRET_KEY"] == DEFAULT_SECRET_KEY or len(config["SECRET_KEY"]) < 32:
        problems.append("SECRET_KEY must be set to a random value of at least 32 characters")
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        problems.append("DATABASE_URL must point at PostgreSQL")
    if not os.environ.get("LICENSE_KEY_FILE"):
        problems.append("LICENSE_KEY_FILE must name the license signing key")
    if not os.environ.get("AUDIT_KEY_FILE"):
        problems.append("AUDIT_KEY_FILE must name the key that signs audit checkpoints")
    if not config.get("VAULT_KEY"):
        problems.append("PORTAL_VAULT_KEY must hold the vault key(s), base64, comma separated")
    else:
        from portal.vault import VaultError, parse_keys  # late: the vault imports the models

        try:
            parse_keys(config["VAULT_KEY"], "PORTAL_VAULT_KEY")
        except VaultError as error:
            problems.append(str(error))
    if config.get("IMAP_HOST") and config.get("IMAP_TLS") == "none" and config.get("IMAP_USER"):
        problems.append("IMAP_TLS=none would send the mailbox password unencrypted")
    problems += _offer_sender_problems(config)
    if problems:
        raise RuntimeError("Refusing to start in production: " + "; ".join(problems))


def _offer_sender_problems(config: dict) -> list[str]:
    """Production needs the real sender of offers: every required OFFER_* set, a VAT ID's shape."""
    problems = [
        f"{name} must be set (printed on every offer)"
        for name in OFFER_SENDER_DEFAULTS
        if name not in OFFER_SENDER_OPTIONAL and not os.environ.get(name, "").strip()
    ]
    vat_id = os.environ.get("OFFER_VAT_ID", "").strip()
    if vat_id and not _VAT_ID.match(vat_id):
        problems.append(
            f"OFFER_VAT_ID must be a VAT identification number like DE123456789, got {vat_id!r}"
        )
    return problems

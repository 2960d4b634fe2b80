"""Fixtures: an app on a fresh database (SQLite, or PostgreSQL when DATABASE_URL is set)."""

import os
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from flask import g
from sqlalchemy import inspect, select, text
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.extensions import db as _db
from portal.models import Order, Organisation, OrgKind, Role, User
from portal.services import due_index
from portal.services.studio.seeding import seed_from_files

# Fixtures of a real SMTP server (aiosmtpd), for every test module that asks for them.
pytest_plugins = ["tests.smtp_server"]

PASSWORD = "correct horse battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


def database_url(tmp_path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@contextmanager
def running_app(tmp_path, **overrides):
    """An app with the test settings (overrides change single ones) on a fresh database."""
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_DIR": str(tmp_path / "mail"),
        "LICENSE_KEY_FILE": str(tmp_path / "license.pem"),
        "AUDIT_KEY_FILE": str(tmp_path / "audit.pem"),
        "VAULT_KEY_FILE": str(tmp_path / "vault.keys"),
        "VAULT_KEY": None,
        "SMTP_HOST": None,
        "SERVER_NAME": None,
    }
    app = create_app(settings | overrides)
    # Requests reuse the app context held open below, and with it g: without this, the
    # signed-in user, the locale and the CSRF state of one request leak into the next.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.__dict__.clear())
    with app.app_context():
        _reset(_db)
        yield app
        _db.session.remove()
        _assert_due_index_current()
        _reset(_db, create=False)
        _db.engine.dispose()


def _assert_due_index_current() -> None:
    # Every test doubles as a check that no change reached the orders or their steps behind
    # the ORM's back, where the flush hook that keeps Order.next_due_at cannot see it.
    with _db.engine.connect() as connection:
        if not inspect(connection).has_table(Order.__tablename__):
            return
        ids = set(connection.scalars(select(Order.id)))
        stale = due_index.differences(connection, ids)
    assert not stale, f"Order.next_due_at is out of date for orders {sorted(stale)}"


@pytest.fixture
def app(tmp_path):
    with running_app(tmp_path) as app:
        yield app


def _reset(db, create: bool = True) -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
    if create:
        db.create_all()
        seed_from_files(db.session)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    return _db.session


@dataclass
class World:
    vendor_org: Organisation
    partner_org: Organisation
    other_org: Organisation
    users: dict[str, User]

    def __getattr__(self, name):
        try:
            return self.users[name]
        except KeyError:
            raise AttributeError(name) from None


def add_user(session, org, role, email, name=None, language="de") -> User:
    user = User(
        organisation=org,
        role=role,
        email=email,
        name=name or email.split("@")[0].title(),
        password_hash=_PASSWORD_HASH,
        language=language,
    )
    session.add(user)
    return user


@pytest.fixture
def world(session) -> World:
    """The vendor, two partners and one user per role (partner_staff at the first partner)."""
    return make_world(session)


def make_world(session) -> World:
    """The organisations and users of the `world` fixture, for scripts outside pytest too."""
    vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
    partner = Organisation(name="CP", kind=OrgKind.PARTNER)
    other = Organisation(name="Other Partner", kind=OrgKind.PARTNER)
    session.add_all([vendor, partner, other])
    users = {
        "partner": add_user(session, partner, Role.PARTNER_STAFF, "anna@cp.example"),
        "other_partner": add_user(session, other, Role.PARTNER_STAFF, "otto@other.example"),
        "backoffice": add_user(session, vendor, Role.VENDOR_BACKOFFICE, "bea@saxess.example"),
        "lead": add_user(session, vendor, Role.PROJECT_LEAD, "leo@saxess.example"),
        "architect": add_user(session, vendor, Role.IT_ARCHITECT, "ida@saxess.example"),
        "technician": add_user(session, vendor, Role.TECHNICIAN, "tim@saxess.example"),
        "admin": add_user(session, vendor, Role.ADMIN, "ada@saxess.example"),
    }
    session.commit()
    return World(vendor, partner, other, users)


def login(client, user: User, password: str = PASSWORD):
    """Sign a user in through the real login form."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response

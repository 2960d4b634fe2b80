"""Sign-in and sign-out: no user enumeration, throttling, sessions that really end."""

import re

import pytest
from werkzeug.security import check_password_hash

from portal.extensions import db
from portal.models import Organisation, OrgKind, Role, User
from portal.services import accounts
from tests.conftest import PASSWORD, add_user, login, running_app


def _page(response, email: str) -> str:
    """The response body without what legitimately differs: the typed email, CSRF tokens."""
    body = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', body)


def test_login_opens_the_dashboard(client, world):
    response = login(client, world.partner)
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert world.partner.name in page.get_data(as_text=True)


def test_login_ignores_case_and_spaces_in_the_email(client, world):
    response = client.post("/login", data={"email": "  ANNA@cp.example ", "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(client, world):
    wrong_password = client.post(
        "/login", data={"email": world.partner.email, "password": "not the password"}
    )
    unknown_email = client.post(
        "/login", data={"email": "nobody@cp.example", "password": "not the password"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert "E-Mail oder Passwort ist falsch." in wrong_password.get_data(as_text=True)
    assert _page(wrong_password, world.partner.email) == _page(unknown_email, "nobody@cp.example")
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in(client, session, world):
    accounts.set_active(session, world.admin, world.partner.id, False)
    response = client.post("/login", data={"email": world.partner.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "E-Mail oder Passwort ist falsch." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivation_ends_an_open_session_at_once(app, client, world):
    login(client, world.partner)
    assert client.get("/").status_code == 200
    admin = app.test_client()
    login(admin, world.admin)
    admin.post(f"/admin/users/{world.partner.id}/active", data={"active": "0"})

    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_ends_this_and_every_copied_session(app, client, world):
    login(client, world.partner)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/").status_code == 200

    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    stale = copy.get("/")
    assert stale.status_code == 302
    assert stale.headers["Location"].startswith("/login")


def test_logout_ends_a_separate_sign_in_elsewhere(app, client, world):
    login(client, world.partner)
    laptop = app.test_client()
    login(laptop, world.partner)
    client.post("/logout")
    assert laptop.get("/").status_code == 302


def test_password_is_stored_hashed(session, world):
    password = "a fresh secret 42"
    user = accounts.create_user(
        session,
        world.admin,
        email="new@saxess.example",
        name="New",
        role=Role.TECHNICIAN,
        organisation_id=world.vendor_org.id,
        password=password,
    )
    stored = session.get(User, user.id).password_hash
    assert stored != password
    assert password not in stored
    assert check_password_hash(stored, password)
    assert not check_password_hash(stored, password + "x")


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/admin",
        "https://evil.example/",
        "/\\evil.example",
        "/%09/evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_refuses_to_redirect_off_site(client, world, target):
    response = client.post(
        "/login?next=" + target, data={"email": world.partner.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_same_site_next(client, world):
    response = client.post(
        "/login?next=/admin/users", data={"email": world.admin.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/admin/users"


@pytest.fixture
def limited_app(tmp_path):
    """An app like the conftest one, but with login throttling on: 3 attempts per minute."""
    with running_app(tmp_path, RATELIMIT_ENABLED=True, LOGIN_LIMIT="3 per minute") as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        add_user(db.session, vendor, Role.ADMIN, "ada@saxess.example")
        db.session.commit()
        yield app


def test_login_is_throttled_after_three_failures(limited_app):
    client = limited_app.test_client()
    wrong = {"email": "ada@saxess.example", "password": "guess"}
    for _ in range(3):
        assert client.post("/login", data=wrong).status_code == 200
    assert client.post("/login", data=wrong).status_code == 429
    # Even the right password waits: guessing must not go on behind the 429.
    right = {"email": "ada@saxess.example", "password": PASSWORD}
    assert client.post("/login", data=right).status_code == 429
    assert client.get("/login").status_code == 200


def test_throttling_counts_per_email_across_addresses(limited_app):
    wrong = {"email": "ada@saxess.example", "password": "guess"}
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        client = limited_app.test_client()
        response = client.post("/login", data=wrong, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200
    client = limited_app.test_client()
    response = client.post("/login", data=wrong, environ_base={"REMOTE_ADDR": "10.0.0.4"})
    assert response.status_code == 429

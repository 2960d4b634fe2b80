"""Security baseline: headers, CSRF, no state change on GET, escaped output."""

import re
from email import message_from_string, policy

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Organisation, OrgKind, OutboxMessage, Role, User
from tests.conftest import PASSWORD, add_user, login, running_app
from tests.helpers import accept, catalogue, place


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("who", [None, "admin", "partner"])
def test_pages_carry_the_security_headers(client, world, who):
    if who:
        login(client, world.users[who])
    for url in ("/login", "/", "/admin/users", "/customers", "/customers/1", "/no-such-page"):
        response = client.get(url)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], url
        assert "default-src 'self'" in headers["Content-Security-Policy"], url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "no-referrer", url
        if response.status_code != 404:  # pages with user data must not be kept by caches
            assert headers["Cache-Control"] == "no-store", url


@pytest.fixture
def csrf_app(tmp_path):
    """An app like the conftest one, but with CSRF protection on, as in production."""
    with running_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        add_user(db.session, vendor, Role.ADMIN, "ada@saxess.example")
        add_user(db.session, vendor, Role.TECHNICIAN, "tim@saxess.example")
        db.session.commit()
        yield app


def token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_post_without_csrf_token_is_refused_and_changes_nothing(csrf_app):
    client = csrf_app.test_client()
    credentials = {"email": "ada@saxess.example", "password": PASSWORD}
    assert client.post("/login", data=credentials).status_code == 400
    assert client.get("/").status_code == 302

    credentials["csrf_token"] = token(client, "/login")
    assert client.post("/login", data=credentials).status_code == 302

    tim = db.session.scalar(select(User).where(User.email == "tim@saxess.example"))
    before = count(db.session, User), count(db.session, AuditEvent)
    new_user = {
        "name": "Nora",
        "email": "nora@saxess.example",
        "organisation": tim.organisation_id,
        "role": "technician",
        "language": "de",
        "password": "long enough password",
    }
    assert client.post("/admin/users/new", data=new_user).status_code == 400
    assert client.post(f"/admin/users/{tim.id}/active", data={"active": "0"}).status_code == 400
    assert client.post("/logout").status_code == 400
    assert (
        client.post("/admin/users/new", data=new_user | {"csrf_token": "forged"}).status_code == 400
    )
    assert (count(db.session, User), count(db.session, AuditEvent)) == before
    assert db.session.get(User, tim.id).active
    assert client.get("/").status_code == 200  # still signed in: the logout was refused too

    new_user["csrf_token"] = token(client, "/admin/users/new")
    assert client.post("/admin/users/new", data=new_user).status_code == 302
    assert count(db.session, User) == before[0] + 1


@pytest.mark.parametrize(
    "url",
    [
        "/logout",
        "/language?lang=en",
        "/admin/users/{user}/active?active=0",
        "/admin/catalogue/{item}/active?active=0",
    ],
)
def test_state_changing_urls_refuse_get(client, session, world, url):
    items = catalogue(session)
    login(client, world.admin)
    before = count(session, AuditEvent)
    url = url.format(user=world.partner.id, item=items["TRAINING"].id)
    assert client.get(url).status_code == 405
    assert count(session, AuditEvent) == before
    assert session.get(User, world.partner.id).active
    assert client.get("/").status_code == 200  # GET /logout did not sign out


def test_get_on_every_admin_page_changes_nothing(app, client, session, world):
    items = catalogue(session)
    login(client, world.admin)
    before = count(session, AuditEvent), count(session, User)
    ids = {"user_id": world.partner.id, "item_id": items["TRAINING"].id}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and "GET" in rule.methods:
            url = rule.build({name: ids.get(name, 1) for name in rule.arguments})[1]
            assert client.get(url + "?active=0&name=X").status_code < 500, url
    assert (count(session, AuditEvent), count(session, User)) == before


def test_html_in_names_is_shown_escaped(client, session, world):
    evil = Organisation(name='<img src=x onerror="alert(2)">', kind=OrgKind.PARTNER)
    add_user(
        session, evil, Role.PARTNER_STAFF, "evil@evil.example", name="<script>alert(1)</script>"
    )
    session.commit()
    login(client, world.admin)
    for url in ("/admin/users", "/admin/organisations"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in users_page
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in users_page


def test_html_in_a_customer_name_stays_text_in_html_mails(session, world):
    """The subject repeated in the HTML part's <title> is escaped like the body."""
    order = place(session, world, code="EVIL")
    order.customer_name = "<b>Evil</b> & Co"
    session.commit()
    accept(session, world, order)
    raw = session.scalars(select(OutboxMessage.raw)).all()
    assert raw, "the acceptance mails the partner"
    for text in raw:
        html = message_from_string(text, policy=policy.default).get_body(("html",)).get_content()
        assert "<b>Evil</b>" not in html
        assert (
            "<title>Auftragsbestätigung CPCE: &lt;b&gt;Evil&lt;/b&gt; &amp; Co (EVIL)</title>"
            in html
        )

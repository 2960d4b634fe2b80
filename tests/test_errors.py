"""Failing dependencies and absurd input: a clear answer, the security headers, nothing else."""

import socket

import pytest
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import NotFound
from werkzeug.routing import AnyConverter

from portal import create_app
from portal.http import MAX_ID, IdConverter
from portal.services import accounts
from portal.services.errors import Invalid, all_or_nothing
from tests.conftest import PASSWORD, login

HUGE = "99999999999999999999"


def closed_port() -> int:
    """A local TCP port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_on(tmp_path, url: str):
    """The app pointed at a database that cannot be reached; nothing touches it at start."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "MAIL_DIR": str(tmp_path / "mail"),
            "LICENSE_KEY_FILE": str(tmp_path / "license.pem"),
            "AUDIT_KEY_FILE": str(tmp_path / "audit.pem"),
            "VAULT_KEY_FILE": str(tmp_path / "vault.keys"),
        }
    )


@pytest.fixture(
    params=["postgresql-closed-port", "sqlite-missing-folder", "sqlite-path-is-a-folder"]
)
def unreachable(request, tmp_path):
    urls = {
        "postgresql-closed-port": "postgresql+psycopg://portal:s3cret-pw@127.0.0.1:"
        f"{closed_port()}/portal?connect_timeout=5",
        "sqlite-missing-folder": f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite3'}",
        "sqlite-path-is-a-folder": f"sqlite:///{tmp_path}",
    }
    return app_on(tmp_path, urls[request.param])


def assert_unavailable_page(response) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.mimetype == "text/html"
    assert "Vorübergehend nicht erreichbar" in body and "Temporarily unavailable" in body
    for leak in ("Traceback", "OperationalError", "sqlite", "psycopg", "s3cret-pw", "127.0.0.1"):
        assert leak not in body
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"


def test_without_database_a_sign_in_gets_the_static_503_page(unreachable):
    client = unreachable.test_client()
    assert client.get("/login").status_code == 200  # a page that needs no database still works
    response = client.post("/login", data={"email": "ada@saxess.example", "password": PASSWORD})
    assert_unavailable_page(response)


def test_without_database_a_signed_in_user_gets_the_static_503_page(unreachable):
    client = unreachable.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = "1:0"  # resolving the user asks the database first
    for url in ("/", "/orders/1", "/admin/audit"):
        assert_unavailable_page(client.get(url))


def test_the_503_page_is_strict_transport_in_production_too(unreachable):
    unreachable.config["ENV_NAME"] = "production"
    client = unreachable.test_client()
    response = client.post("/login", data={"email": "ada@saxess.example", "password": PASSWORD})
    assert_unavailable_page(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_command_line_still_reports_the_database_error_itself(unreachable):
    result = unreachable.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert isinstance(result.exception, OperationalError)


# -- HSTS ----------------------------------------------------------------------------------


def test_strict_transport_security_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["ENV_NAME"] = "production"
    for url in ("/login", "/no-such-page", "/static/css/portal.css"):
        header = client.get(url).headers["Strict-Transport-Security"]
        assert header == "max-age=31536000; includeSubDomains", url


# -- ids beyond any database column ----------------------------------------------------------


def test_a_twenty_digit_order_id_is_not_found(client, session, world):
    login(client, world.partner)
    response = client.get(f"/orders/{HUGE}")
    assert response.status_code == 404 and "Nicht gefunden" in response.get_data(as_text=True)
    assert client.get(f"/orders/{MAX_ID}").status_code == 404  # the largest id is asked for
    assert client.get(f"/orders/{MAX_ID + 1}").status_code == 404
    assert client.post(f"/orders/{HUGE}/accept").status_code == 404


def test_every_int_route_refuses_an_id_no_column_holds(app):
    adapter = app.url_map.bind("localhost")
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IdConverter)]
        if not ints:
            continue
        values = {name: _fitting(rule, name) for name in rule.arguments} | dict.fromkeys(ints, "1")
        path = rule.build(values, append_unknown=False)[1]
        method = next(iter(rule.methods - {"HEAD", "OPTIONS"}))
        assert adapter.match(path, method=method)[0] == rule.endpoint
        for name in ints:
            huge = rule.build(values | {name: HUGE}, append_unknown=False)[1]
            assert HUGE in huge
            with pytest.raises(NotFound):
                adapter.match(huge, method=method)
        checked += 1
    assert checked > 30


def _fitting(rule, name: str) -> str:
    """A value the argument's converter accepts: one of an `any(...)`'s words, else a kind."""
    converter = rule._converters.get(name)
    return min(converter.items) if isinstance(converter, AnyConverter) else "technical"


# -- absurd sizes ----------------------------------------------------------------------------


@pytest.fixture
def hasher(monkeypatch):
    """Records every password the login would hash."""
    calls: list[int] = []
    real = accounts.check_password_hash

    def spy(stored: str, password: str) -> bool:
        calls.append(len(password))
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    return calls


def test_a_one_megabyte_password_is_refused_before_hashing(client, world, hasher):
    huge = {"email": world.partner.email, "password": "x" * 1_000_000}
    urlencoded = client.post("/login", data=huge)
    multipart = client.post("/login", data=huge, content_type="multipart/form-data")
    for sent in (urlencoded, multipart):
        body = sent.get_data(as_text=True)
        assert sent.status_code == 413
        assert "Eingabe zu groß" in body and "Ein Eingabefeld ist zu lang" in body
    assert hasher == []
    wrong = client.post("/login", data={"email": world.partner.email, "password": "wrong"})
    assert wrong.status_code == 200 and hasher == [5]  # the spy does see a real attempt


def test_a_password_beyond_the_longest_allowed_is_refused_by_the_form(client, world, hasher):
    long = "x" * (accounts.MAX_PASSWORD_LENGTH + 1)
    response = client.post("/login", data={"email": world.partner.email, "password": long})
    assert response.status_code == 400
    assert "Höchstens 256 Zeichen." in response.get_data(as_text=True)
    assert hasher == []
    assert accounts.authenticate(session=None, email="x", password=long) is None  # type: ignore[arg-type]
    assert hasher == []


def test_a_new_password_beyond_the_longest_allowed_is_refused(session, world):
    with pytest.raises(Invalid) as refused:
        accounts.set_password(session, world.admin, world.partner.id, "x" * 257)
    assert refused.value.fields == {"password": "Höchstens 256 Zeichen."}


def test_any_oversized_field_or_too_many_fields_is_refused(app, client, session, world):
    login(client, world.partner)
    too_long = client.post("/orders/new", data={"customer_name": "x" * 100_001})
    assert too_long.status_code == 413
    many = client.post("/orders/new", data={f"f{n}": "1" for n in range(1001)})
    assert many.status_code == 413
    app.config["MAX_FORM_MEMORY_SIZE"] = 10
    assert client.post("/orders/new", data={"customer_name": "x" * 11}).status_code == 413


def test_a_refusal_undoes_what_the_use_case_changed_a_bug_is_left_to_the_handler(session, world):
    user, stored = world.partner, world.partner.name
    with pytest.raises(Invalid), all_or_nothing(session):
        user.name = "half-done"
        raise Invalid("no")
    assert user.name == stored

    with pytest.raises(KeyError), all_or_nothing(session):
        user.name = "left for the errors handler"
        raise KeyError("a bug, not a refusal")
    assert user.name == "left for the errors handler"
    session.rollback()

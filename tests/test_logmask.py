"""Request logs mask secret links: the rule, the development server and gunicorn."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal import ROOT, create_app
from portal.extensions import db
from portal.logmask import mask
from tests.smtp_server import free_port


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("/r/Zx9-abc_DEF", "/r/***"),
        ("/o/Zx9-abc_DEF?lang=en", "/o/***?lang=en"),
        ("/a/Zx9-abc_DEF?answer=declined", "/a/***?answer=declined"),
        ('"GET /r/Zx9 HTTP/1.1" 303 -', '"GET /r/*** HTTP/1.1" 303 -'),
        ("Referer: http://127.0.0.1:5000/o/Zx9", "Referer: http://127.0.0.1:5000/o/***"),
        ("Exception on /r/Zx9 [GET]", "Exception on /r/*** [GET]"),
        ("/r/Zx9/more", "/r/***/more"),
        # Paths that only look alike stay as they are.
        ("/orders/12/offer/3.pdf", "/orders/12/offer/3.pdf"),
        ("/customer/offer/3", "/customer/offer/3"),
        ("/admin/r", "/admin/r"),
        ("/r/", "/r/"),
        ("/static/css/portal.css", "/static/css/portal.css"),
    ],
)
def test_the_rule_masks_the_token_of_secret_link_paths(line, masked):
    assert mask(line) == masked


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (127.0.0.1)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_development_server_log_masks_tokens(app, caplog):
    token = secrets.token_urlsafe(32)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level("INFO", logger="werkzeug"):
            assert get(f"{base}/r/{token}") == 404
            assert get(f"{base}/o/{token}") == 404
            assert get(f"{base}/login") == 200
    finally:
        server.shutdown()
        thread.join()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /r/*** HTTP/1.1" in line for line in lines), lines
    assert any("GET /o/*** HTTP/1.1" in line for line in lines), lines
    assert any("GET /login HTTP/1.1" in line for line in lines), lines
    assert token not in caplog.text


def test_the_apps_own_log_masks_tokens(app, caplog):
    token = secrets.token_urlsafe(32)
    # What Flask logs for an exception in a view: "Exception on <path> [<method>]".
    app.logger.error("Exception on %s [%s]", f"/r/{token}", "GET")
    assert "Exception on /r/*** [GET]" in caplog.text and token not in caplog.text


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn ended early"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start listening")


def test_gunicorn_with_the_repositorys_config_masks_tokens_in_its_access_log(tmp_path):
    """The README's command (`gunicorn ... wsgi:app`, gunicorn.conf.py read from the working
    directory) writes an access log to standard output, tokens masked."""
    url = f"sqlite:///{tmp_path / 'gunicorn.sqlite3'}"
    schema_app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_DIR": str(tmp_path / "m")})
    with schema_app.app_context():
        db.create_all()
        db.engine.dispose()
    token = secrets.token_urlsafe(32)
    port = free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "VAULT_KEY_FILE": str(tmp_path / "vault.keys"),
        "LICENSE_KEY_FILE": str(tmp_path / "license.pem"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
        + ["wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_port(port, process)
        assert get(f"http://127.0.0.1:{port}/r/{token}") == 404
        assert get(f"http://127.0.0.1:{port}/o/{token}") == 404
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert '"GET /r/*** HTTP/1.1" 404' in out, out + err
    assert '"GET /o/*** HTTP/1.1" 404' in out, out + err
    assert token not in out + err

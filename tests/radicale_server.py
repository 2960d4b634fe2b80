"""A real Radicale CalDAV server on 127.0.0.1 for tests; skips without it unless REQUIRE_CALDAV=1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import caldav
import pytest

USERS = {"alice": "alice-secret", "bob": "bob-secret"}
START_TIMEOUT = 20.0


class RadicaleNotStarted(RuntimeError):
    """Radicale could not be started or did not answer in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RadicaleServer:
    """A running Radicale: its base URL, users and helpers to fill calendars."""

    url: str
    users: dict[str, str]
    folder: Path
    port: int = 0
    process: subprocess.Popen | None = None

    def client(self, user: str, timeout: float = 10) -> caldav.DAVClient:
        """A caldav client logged in as one of the users."""
        return caldav.DAVClient(
            url=self.url,
            username=user,
            password=self.users[user],
            timeout=timeout,
            enable_rfc6764=False,
        )

    def make_calendar(self, user: str, name: str | None = None) -> str:
        """Create a calendar collection (MKCALENDAR) for the user; return its URL."""
        cal_id = name or f"cal-{uuid.uuid4().hex[:8]}"
        with self.client(user) as client:
            calendar = client.principal().make_calendar(name=cal_id, cal_id=cal_id)
            return str(calendar.url)

    def add_event(self, calendar_url: str, user: str, ics: str | bytes) -> None:
        """Store one iCalendar object (VCALENDAR text) in the user's calendar."""
        data = ics.decode() if isinstance(ics, bytes) else ics
        with self.client(user) as client:
            client.calendar(url=calendar_url).save_event(data)

    def start(self) -> None:
        """Start (or start again) on the same port with the same storage; wait until it answers."""
        config = self.folder / "config"
        with (self.folder / "radicale.log").open("ab") as log:
            # --config limits Radicale to our file: no /etc/radicale or ~/.config settings leak in.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_answering(self.url, self.process, time.monotonic() + START_TIMEOUT)
        except RadicaleNotStarted as exc:
            self.stop()
            output = (self.folder / "radicale.log").read_text(errors="replace")[-2000:]
            raise RadicaleNotStarted(f"{exc}\n{output}") from None

    def stop(self) -> None:
        """Stop the server; its calendars stay on disk for start()."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def _write_config(folder: Path, port: int, users: dict[str, str]) -> Path:
    users_file = folder / "users"
    users_file.write_text("".join(f"{name}:{pw}\n" for name, pw in users.items()))
    config = folder / "config"
    # auth delay 0: the wrong-password test should not wait Radicale's anti-brute-force second.
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users_file}\n"
        "htpasswd_encryption = plain\ndelay = 0\n"
        f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
        "[rights]\ntype = owner_only\n"
        "[logging]\nlevel = warning\n"
    )
    return config


def _wait_until_answering(url: str, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RadicaleNotStarted(f"radicale exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - our own http://127.0.0.1 URL
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer (401, 404, ...) means it is serving
        except OSError:
            time.sleep(0.1)
    raise RadicaleNotStarted(f"radicale did not answer on {url} within {START_TIMEOUT} s")


@contextmanager
def running_radicale(users: dict[str, str] | None = None) -> Iterator[RadicaleServer]:
    """Start `python -m radicale` on a free 127.0.0.1 port with temporary storage; stop it after."""
    users = dict(users or USERS)
    with tempfile.TemporaryDirectory(prefix="radicale-") as tmp:
        folder = Path(tmp)
        port = free_port()
        _write_config(folder, port, users)
        server = RadicaleServer(
            url=f"http://127.0.0.1:{port}/", users=users, folder=folder, port=port
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def radicale() -> Iterator[RadicaleServer]:
    """A Radicale server for the module; skips if it cannot start, fails under REQUIRE_CALDAV=1."""
    try:
        with running_radicale() as server:
            yield server
            return
    except RadicaleNotStarted as exc:
        reason = f"Radicale is not available: {exc}"
    if os.environ.get("REQUIRE_CALDAV") == "1":
        pytest.fail(f"REQUIRE_CALDAV=1 but {reason}", pytrace=False)
    pytest.skip(reason)

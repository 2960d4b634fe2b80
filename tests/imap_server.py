"""A throwaway Dovecot IMAP server on 127.0.0.1 for tests; skips without it unless REQUIRE_IMAP=1.

Its own config file in a temporary folder (`dovecot -F -c <conf>`): plain-text login on
loopback, one user from a passwd-file, a maildir in the folder, no TLS, no syslog. Dovecot
runs its login processes as an unprivileged user and refuses mail access as root, so under root
(the tests here and in CI) the login processes and the mailbox use `nobody`; otherwise the
current user.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "organizer", "organizer-secret"
START_TIMEOUT = 20.0


class DovecotNotStarted(RuntimeError):
    """Dovecot is missing, could not be started or did not answer in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ImapServer:
    """A running Dovecot: where it listens, its one user, helpers to fill and read the inbox."""

    host: str
    port: int
    user: str
    password: str
    folder: Path

    def settings(self) -> dict:
        """The portal's IMAP_* settings for this server."""
        return {
            "IMAP_HOST": self.host,
            "IMAP_PORT": self.port,
            "IMAP_TLS": "none",
            "IMAP_USER": self.user,
            "IMAP_PASSWORD": self.password,
            "IMAP_FOLDER": "INBOX",
            "IMAP_TIMEOUT": 10.0,
        }

    @contextmanager
    def client(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in IMAP session with INBOX selected."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(self.user, self.password)
            imap.select("INBOX")
            yield imap
        finally:
            imap.logout()

    def append(self, message: bytes, flags: str | None = None) -> int:
        """Put a message into INBOX with IMAP APPEND (unseen, unless flags say "(\\Seen)");
        its UID."""
        with self.client() as imap:
            status, data = imap.append("INBOX", flags, None, message)
            assert status == "OK", data
            # [APPENDUID <validity> <uid>] (RFC 4315, which Dovecot supports)
            return int(data[0].split(b"]")[0].split()[-1])

    def flags(self, uid: int) -> set[str]:
        """The flags of one message."""
        with self.client() as imap:
            status, data = imap.uid("FETCH", str(uid), "(FLAGS)")
            assert status == "OK", data
            text = data[0].decode()
            return set(text[text.index("FLAGS (") + 7 : text.rindex("))")].split())

    def clear(self) -> None:
        """Delete every message in INBOX."""
        with self.client() as imap:
            status, data = imap.search(None, "ALL")
            if data[0]:
                imap.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                imap.expunge()


def _accounts() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid) for the user running the tests."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    nobody = pwd.getpwnam("nobody")
    return "root", "nobody", nobody.pw_uid, nobody.pw_gid


def _write_config(folder: Path, port: int) -> Path:
    internal, login, uid, gid = _accounts()
    mail = folder / "mail"
    mail.mkdir()
    for path in (folder / "run", folder / "state"):
        path.mkdir()
    if os.geteuid() == 0:
        # The mailbox belongs to the unprivileged mail user, who must reach it.
        folder.chmod(0o755)
        os.chown(mail, uid, gid)
    passwd = folder / "passwd"
    passwd.write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{mail}/{USER}\n")
    config = folder / "dovecot.conf"
    config.write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {folder / "run"}
state_dir = {folder / "state"}
log_path = {folder / "dovecot.log"}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    return config


def _wait_until_answering(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DovecotNotStarted(f"dovecot exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise DovecotNotStarted(f"dovecot did not answer on port {port} within {START_TIMEOUT} s")


@contextmanager
def running_dovecot() -> Iterator[ImapServer]:
    """Start Dovecot on a free 127.0.0.1 port with a temporary maildir; stop it after."""
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        raise DovecotNotStarted("no dovecot binary (Debian: apt-get install dovecot-imapd)")
    with tempfile.TemporaryDirectory(prefix="dovecot-") as tmp:
        folder = Path(tmp)
        port = free_port()
        config = _write_config(folder, port)
        with (folder / "dovecot.out").open("ab") as out:
            process = subprocess.Popen(
                [binary, "-F", "-c", str(config)], stdout=out, stderr=subprocess.STDOUT
            )
        try:
            try:
                _wait_until_answering(port, process, time.monotonic() + START_TIMEOUT)
            except DovecotNotStarted as exc:
                log = folder / "dovecot.log"
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise DovecotNotStarted(f"{exc}\n{tail}") from None
            yield ImapServer("127.0.0.1", port, USER, PASSWORD, folder)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def dovecot() -> Iterator[ImapServer]:
    """A Dovecot server for the module; skips if it cannot start, fails under REQUIRE_IMAP=1."""
    try:
        with running_dovecot() as server:
            yield server
            return
    except DovecotNotStarted as exc:
        reason = f"Dovecot is not available: {exc}"
    if os.environ.get("REQUIRE_IMAP") == "1":
        pytest.fail(f"REQUIRE_IMAP=1 but {reason}", pytrace=False)
    pytest.skip(reason)

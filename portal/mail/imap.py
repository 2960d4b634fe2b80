"""The organizer's mailbox over IMAP (standard library imaplib): read new mail, flag it.

An adapter only: it knows IMAP, not calls or replies (portal.services.calls.replies decides what
a message means). Messages are fetched with BODY.PEEK, so reading marks nothing; the caller
flags each message after it has dealt with it, by UID, which stays valid across sessions.
"""

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

TLS_MODES = ("ssl", "starttls", "none")
SEEN = "\\Seen"
RECORDED = "$PortalRecorded"  # an answer the portal recorded (or had already)
IGNORED = "$PortalIgnored"  # not an answer the portal can use; left for a human, logged once
# Messages looked at per pass: a flooded mailbox is worked off over several passes.
BATCH = 200
# No answer to an invitation comes near this; larger messages are not fetched at all.
MAX_BYTES = 2 * 1024 * 1024


class MailboxError(RuntimeError):
    """The server refused a command (login, select, search, fetch, store)."""


@dataclass(frozen=True)
class Settings:
    """Where the mailbox is; host None means no mailbox is configured."""

    host: str | None
    port: int = 993
    tls: str = "ssl"
    user: str | None = None
    password: str | None = None
    folder: str = "INBOX"
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config) -> "Settings":
        """The IMAP_* settings of the app."""
        return cls(
            host=config.get("IMAP_HOST"),
            port=config.get("IMAP_PORT", 993),
            tls=config.get("IMAP_TLS", "ssl"),
            user=config.get("IMAP_USER"),
            password=config.get("IMAP_PASSWORD"),
            folder=config.get("IMAP_FOLDER", "INBOX"),
            timeout=config.get("IMAP_TIMEOUT", 30.0),
        )


class Mailbox:
    """One selected folder of a logged-in IMAP session."""

    def __init__(self, imap: imaplib.IMAP4):
        self._imap = imap

    def waiting(self, limit: int = BATCH) -> list[bytes]:
        """UIDs of the messages the portal has not dealt with, up to MAX_BYTES, oldest first.

        The portal's own keywords mark what it has dealt with, not \\Seen: a person (or a
        server's own meeting handling) reading the mailbox first loses no answer."""
        data = _ok(self._search("SMALLER", str(MAX_BYTES + 1)), "search")
        return (data[0] or b"").split()[:limit]

    def oversized(self, limit: int = BATCH) -> list[bytes]:
        """UIDs of messages not dealt with that are too large to be an answer."""
        data = _ok(self._search("LARGER", str(MAX_BYTES)), "search")
        return (data[0] or b"").split()[:limit]

    def _search(self, *criteria: str):
        return self._imap.uid("SEARCH", "UNKEYWORD", RECORDED, "UNKEYWORD", IGNORED, *criteria)

    def fetch(self, uid: bytes) -> bytes | None:
        """The whole message, without marking it seen; None if it is gone meanwhile."""
        data = _ok(self._imap.uid("FETCH", uid, "(BODY.PEEK[])"), "fetch")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        return None

    def flag(self, uid: bytes, *flags: str) -> None:
        """Add flags (\\Seen, keywords) to a message."""
        _ok(self._imap.uid("STORE", uid, "+FLAGS.SILENT", f"({' '.join(flags)})"), "store")


@contextmanager
def opened(settings: Settings) -> Iterator[Mailbox]:
    """Log in and select the folder; log out afterwards. OSError, imaplib.IMAP4.error or
    MailboxError when the server cannot be reached or refuses."""
    if settings.tls not in TLS_MODES:
        raise ValueError(f"IMAP_TLS must be one of {', '.join(TLS_MODES)}, not {settings.tls!r}")
    context = ssl.create_default_context()
    if settings.tls == "ssl":
        imap = imaplib.IMAP4_SSL(
            settings.host, settings.port, ssl_context=context, timeout=settings.timeout
        )
    else:
        imap = imaplib.IMAP4(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.tls == "starttls":
            imap.starttls(ssl_context=context)
        if settings.user:
            imap.login(settings.user, settings.password or "")
        _ok(imap.select(_quoted(settings.folder)), "select")
        _refuse_without_keywords(imap)
        yield Mailbox(imap)
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            imap.logout()  # the connection is going anyway


def _refuse_without_keywords(imap: imaplib.IMAP4) -> None:
    # The portal marks what it dealt with by its own keywords; a folder that cannot keep them
    # would have every message read again on every pass.
    _status, data = imap.response("PERMANENTFLAGS")
    flags = b" ".join(d for d in data or () if isinstance(d, bytes))
    if flags and b"\\*" not in flags:
        raise MailboxError("IMAP folder keeps no keywords (PERMANENTFLAGS without \\*)")


def _quoted(folder: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9._/-]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(result: tuple[str, list], what: str) -> list:
    status, data = result
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise MailboxError(f"IMAP {what} refused: {detail[:200]}")
    return data

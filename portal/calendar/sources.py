"""Calendar adapters: busy times from CalDAV or an ICS feed, and writing the call event via CalDAV.

Every function takes plain values and turns any failure of the other side (refused
connection, timeout, HTTP error, wrong credentials, unparseable data) into
CalendarUnavailable, so callers handle one exception with a message they can show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import caldav
import niquests  # caldav's own HTTP client: no extra dependency for the ICS feed
import recurring_ical_events
from caldav.elements import cdav, dav
from caldav.lib import error as dav_error
from icalendar import Calendar, Component

from portal.calendar.slots import Busy

DEFAULT_TIMEOUT = 10.0
MAX_FEED_BYTES = 10 * 1024 * 1024  # a calendar feed this big is a mistake or an attack
USER_AGENT = "cpce-portal calendar reader"


class CalendarUnavailable(Exception):
    """A calendar could not be read or written; `source` names it without secrets."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"Calendar at {source} is unavailable: {reason}")
        self.source = source
        self.reason = reason


def source_label(url: str) -> str:
    """The host (and port) of a calendar URL, safe to show and log."""
    # Only the host: feed paths often embed a secret token, and URLs may carry user:password.
    parts = urlsplit(url)
    host = parts.hostname or "(invalid URL)"
    return f"{host}:{parts.port}" if parts.port else host


def _check_url(url: str) -> str:
    label = source_label(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise CalendarUnavailable(label, "only http:// and https:// calendar URLs are supported")
    return label


def _short(exc: BaseException, limit: int = 120) -> str:
    """The exception text cut to one short line: it may quote whatever the server sent."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _http_reason(exc: BaseException) -> str:
    """A short, human reason for a network or server failure."""
    if isinstance(exc, niquests.exceptions.Timeout):
        return "no answer within the time limit"
    if isinstance(exc, niquests.exceptions.ConnectionError):
        return "cannot connect (server down or address wrong)"
    if isinstance(exc, dav_error.AuthorizationError):
        return "access refused (wrong username or password, or no rights to this calendar)"
    if isinstance(exc, dav_error.NotFoundError):
        return "no calendar at this address"
    if isinstance(exc, dav_error.DAVError):
        # caldav puts the HTTP status line first in `url` when it has no reason of its own.
        detail = exc.reason if exc.reason != "no reason" else str(exc.url or "").split("\n")[0]
        return f"the server answered with an error ({detail or type(exc).__name__})"
    if isinstance(exc, ValueError):
        return f"unreadable calendar data ({_short(exc)})"
    return f"the server's answer could not be understood ({type(exc).__name__})"


# What niquests raises when the other side fails; anything else is our bug.
_HTTP_FAILURES = (niquests.exceptions.RequestException, OSError, ValueError)


@contextmanager
def _calendar(url: str, username: str, password: str, timeout: float) -> Iterator[caldav.Calendar]:
    """A caldav Calendar for the collection URL; failures become CalendarUnavailable."""
    label = _check_url(url)
    try:
        # No RFC 6764 discovery: the URL is the calendar itself, and DNS lookups would only
        # add ways to be slow or be redirected.
        with caldav.DAVClient(
            url=url,
            username=username,
            password=password,
            timeout=timeout,
            enable_rfc6764=False,
        ) as client:
            calendar = client.calendar(url=url)
            # Check first: a REPORT on a wrong URL can come back empty instead of failing,
            # which would make delete_event "succeed" on a calendar that does not exist.
            kind = calendar.get_properties([dav.ResourceType()]).get(dav.ResourceType.tag)
            if cdav.Calendar.tag not in str(kind):
                raise CalendarUnavailable(label, "this address is not a calendar")
            yield calendar
    except CalendarUnavailable:
        raise
    except Exception as exc:
        # Besides DAVError and niquests' errors, caldav meets malformed server answers with
        # AssertionError, AttributeError or lxml errors; the cause stays chained for the log.
        raise CalendarUnavailable(label, _http_reason(exc)) from exc


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    """An aware UTC datetime; dates and floating times are read in the calendar's zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _is_blocking(event: Component) -> bool:
    # Transparent events ("free" in most clients) and cancelled ones do not take time.
    transp = str(event.get("TRANSP", "OPAQUE")).upper()
    status = str(event.get("STATUS", "CONFIRMED")).upper()
    return transp != "TRANSPARENT" and status != "CANCELLED"


def _busy_from_events(events: Iterable[Component], zone: ZoneInfo) -> list[Busy]:
    """Busy times of expanded VEVENT occurrences; all-day events block whole local days."""
    busy = []
    for event in events:
        if event.name != "VEVENT" or not _is_blocking(event):
            continue
        # icalendar's start/end apply RFC 5545's rules: DTEND, else DURATION, else one day
        # for a date and zero for a date-time.
        start, end = _aware(event.start, zone), _aware(event.end, zone)
        if start < end:  # zero-length events block nothing
            busy.append(Busy(start, end))
    return sorted(busy, key=lambda b: (b.start, b.end))


def _busy_from_freebusy(ical: str) -> list[Busy]:
    """Busy periods of a VFREEBUSY answer; FBTYPE=FREE periods are skipped."""
    busy = []
    for component in Calendar.from_ical(ical).walk("VFREEBUSY"):
        props = component.get("FREEBUSY", [])
        for prop in props if isinstance(props, list) else [props]:
            if str(prop.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                continue
            periods = prop.dt if isinstance(prop.dt, list) else [prop.dt]
            for start, end_or_duration in periods:
                end = end_or_duration
                if isinstance(end, timedelta):
                    end = start + end
                if start < end:
                    busy.append(Busy(_aware(start, UTC), _aware(end, UTC)))
    return sorted(busy, key=lambda b: (b.start, b.end))


def caldav_busy(
    url: str,
    username: str,
    password: str,
    start: datetime,
    end: datetime,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    zone: str = "Europe/Berlin",
    use_freebusy: bool = True,
) -> list[Busy]:
    """Busy times in [start, end) from the CalDAV calendar at url (free-busy, else search)."""
    tz = ZoneInfo(zone)
    with _calendar(url, username, password, timeout) as calendar:
        if use_freebusy:
            try:
                return _busy_from_freebusy(calendar.freebusy_request(start, end).data)
            except dav_error.AuthorizationError:
                raise
            except (dav_error.DAVError, ValueError):
                # Not every server implements the free-busy REPORT; the search below works
                # everywhere and reports the real problem if the calendar itself is broken.
                pass
        events = calendar.search(start=start, end=end, event=True, expand=True)
        return _busy_from_events((e.icalendar_component for e in events), tz)


def _fetch(url: str, timeout: float) -> bytes:
    """The body of an http(s) GET, at most MAX_FEED_BYTES; failures become CalendarUnavailable."""
    label = _check_url(url)
    try:
        with niquests.Session() as session:
            # Redirects stay on http(s): niquests has no adapter for file:// or other schemes.
            response = session.get(
                url, timeout=timeout, stream=True, headers={"User-Agent": USER_AGENT}
            )
            if response.status_code >= 400:
                raise CalendarUnavailable(label, f"the server answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise CalendarUnavailable(label, "the feed is larger than 10 MiB")
            return bytes(body)
    except CalendarUnavailable:
        raise
    except _HTTP_FAILURES as exc:
        raise CalendarUnavailable(label, _http_reason(exc)) from exc


def ics_feed_busy(
    url: str,
    start: datetime,
    end: datetime,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    zone: str = "Europe/Berlin",
) -> list[Busy]:
    """Busy times in [start, end) from an iCalendar feed at an http(s) URL, recurrences expanded."""
    label = source_label(url)
    body = _fetch(url, timeout)
    try:
        calendar = Calendar.from_ical(body)
        if calendar.name != "VCALENDAR":
            raise ValueError(f"expected VCALENDAR, got {calendar.name}")
        # of() also applies X-WR-TIMEZONE, which Google and Outlook feeds rely on.
        events = recurring_ical_events.of(calendar).between(start, end)
        return _busy_from_events(events, ZoneInfo(zone))
    except Exception as exc:  # icalendar and the expander raise many types on bad data
        raise CalendarUnavailable(
            label, f"the feed is not valid iCalendar data ({_short(exc)})"
        ) from exc


def _event_for_storage(uid: str, ics: bytes) -> str:
    """The VCALENDAR text to store: checked to hold the event `uid`, without METHOD."""
    calendar = Calendar.from_ical(ics)
    uids = {str(e.get("UID")) for e in calendar.walk("VEVENT")}
    if uids != {uid}:
        raise ValueError(f"ics must hold events with UID {uid!r} only, found {sorted(uids)}")
    # RFC 4791 5.3.2: a stored calendar object must not carry the iTIP METHOD property that
    # an emailed invitation has; some servers reject it.
    calendar.pop("METHOD", None)
    return calendar.to_ical().decode()


def _find(calendar: caldav.Calendar, uid: str) -> caldav.CalendarObjectResource | None:
    try:
        return calendar.event_by_uid(uid)
    except dav_error.NotFoundError:
        return None


def put_event(
    url: str,
    username: str,
    password: str,
    uid: str,
    ics: bytes,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Create the event with this UID in the CalDAV calendar, or replace the stored one."""
    data = _event_for_storage(uid, ics)
    with _calendar(url, username, password, timeout) as calendar:
        existing = _find(calendar, uid)
        # Overwrite in place when it exists: a new resource would duplicate the event.
        target = (
            existing.url
            if existing is not None
            else calendar.url.join(f"{quote(uid, safe='')}.ics")
        )
        # A plain PUT, not caldav's save(): that always bumps SEQUENCE (caldav 2.2 ignores
        # increase_seqno=False), and ours must equal the one in the emailed invitation.
        response = calendar.client.put(
            str(target), data, {"Content-Type": 'text/calendar; charset="utf-8"'}
        )
        if response.status not in (200, 201, 204):
            raise dav_error.PutError(f"{response.status} {response.reason}")


def delete_event(
    url: str, username: str, password: str, uid: str, timeout: float = DEFAULT_TIMEOUT
) -> None:
    """Remove the event with this UID from the CalDAV calendar; a missing one is fine."""
    with _calendar(url, username, password, timeout) as calendar:
        existing = _find(calendar, uid)
        if existing is not None:
            existing.delete()

"""Calendar adapters: busy times from CalDAV or an ICS feed, and writing the call event via CalDAV.

Every function takes plain values and turns any failure of the other side (refused address,
refused connection, timeout, HTTP error, wrong credentials, unparseable data) into
CalendarUnavailable, whose `kind` says what the user can do about it; no message quotes what
the server sent. Every request goes through portal.calendar.guard: the policy says which
addresses may be reached, and `timeout` bounds the whole conversation.
"""

from __future__ import annotations

import re
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

from portal.calendar import guard
from portal.calendar.guard import Policy
from portal.calendar.slots import Busy

DEFAULT_TIMEOUT = 10.0  # seconds for one whole conversation with a calendar server
MAX_FEED_BYTES = guard.MAX_BYTES
USER_AGENT = "cpce-portal calendar reader"
STRICT = Policy()  # public addresses only

# What went wrong, for the message a user sees (portal.services.calendars.explain).
REFUSED = "refused"  # an internal address the policy does not allow
SCHEME = "scheme"
REDIRECTS = "redirects"
UNREACHABLE = "unreachable"
TIMEOUT = "timeout"
TOO_LARGE = "too_large"
AUTH = "auth"
NOT_FOUND = "not_found"
NOT_CALENDAR = "not_calendar"
SERVER_ERROR = "server_error"
BAD_DATA = "bad_data"


class CalendarUnavailable(Exception):
    """A calendar could not be read or written; `source` names it without secrets."""

    def __init__(
        self, source: str, reason: str, kind: str = BAD_DATA, status: int | None = None
    ) -> None:
        super().__init__(f"Calendar at {source} is unavailable: {reason}")
        self.source = source
        self.reason = reason
        self.kind = kind
        self.status = status  # the HTTP status of a SERVER_ERROR, when there is one


def source_label(url: str) -> str:
    """The host (and port) of a calendar URL, safe to show and log."""
    # Only the host: feed paths often embed a secret token, and URLs may carry user:password.
    parts = urlsplit(url)
    host = parts.hostname or "(invalid URL)"
    return f"{host}:{parts.port}" if parts.port else host


def _check_url(url: str) -> str:
    label = source_label(url)
    if urlsplit(url).scheme not in ("http", "https"):
        raise CalendarUnavailable(
            label, "only http:// and https:// calendar URLs are supported", SCHEME
        )
    return label


def _status_of(exc: dav_error.DAVError) -> int | None:
    # caldav puts "STATUS REASON\n\nBODY" in reason or url; only the number is kept, the rest
    # is the server's text.
    for text in (exc.reason, exc.url):
        if found := re.match(r"\s*([1-5]\d\d)\b", str(text or "")):
            return int(found.group(1))
    return None


def _unavailable(label: str, exc: BaseException, watch: guard.Guard) -> CalendarUnavailable:
    """The CalendarUnavailable for a failure, judged first by what the guard saw."""
    if watch.refused == "scheme":
        return CalendarUnavailable(label, "a redirect leads to a non-http(s) address", SCHEME)
    if watch.refused == "redirects":
        return CalendarUnavailable(label, "too many redirects", REDIRECTS)
    if watch.refused:
        return CalendarUnavailable(
            label,
            f"the address is internal ({watch.refused}) and not allowed by CALENDAR_ALLOWED_HOSTS",
            REFUSED,
        )
    if watch.too_large:
        return CalendarUnavailable(label, "the answer is larger than 10 MiB", TOO_LARGE)
    if watch.expired or isinstance(exc, niquests.exceptions.Timeout | TimeoutError):
        return CalendarUnavailable(label, "no answer within the time limit", TIMEOUT)
    if isinstance(exc, niquests.exceptions.ConnectionError | OSError):
        return CalendarUnavailable(
            label, "cannot connect (server down or address wrong)", UNREACHABLE
        )
    if isinstance(exc, dav_error.AuthorizationError):
        return CalendarUnavailable(
            label,
            "access refused (wrong username or password, or no rights to this calendar)",
            AUTH,
        )
    if isinstance(exc, dav_error.NotFoundError):
        return CalendarUnavailable(label, "no calendar at this address", NOT_FOUND)
    if isinstance(exc, dav_error.DAVError):
        status = _status_of(exc)
        detail = f" (HTTP {status})" if status else ""
        return CalendarUnavailable(
            label, f"the server answered with an error{detail}", SERVER_ERROR, status
        )
    return CalendarUnavailable(
        label, f"the server's answer could not be understood ({type(exc).__name__})", BAD_DATA
    )


class _Client(caldav.DAVClient):
    """caldav's client, but every request goes through one guarded session."""

    def __init__(self, http: guard.GuardedSession, **kwargs) -> None:
        self._guarded = http
        super().__init__(**kwargs)

    @property
    def session(self) -> guard.GuardedSession:
        return self._guarded

    @session.setter
    def session(self, replacement) -> None:
        # caldav builds a plain niquests.Session in __init__ and again when it retries a 401;
        # either would connect without the address check, so it is closed and ours kept.
        if replacement is not self._guarded:
            replacement.close()


@contextmanager
def _calendar(
    url: str, username: str, password: str, timeout: float, policy: Policy
) -> Iterator[caldav.Calendar]:
    """A caldav Calendar for the collection URL; failures become CalendarUnavailable."""
    label = _check_url(url)
    with guard.session(policy, timeout) as http:
        try:
            # No RFC 6764 discovery: the URL is the calendar itself, and DNS lookups would only
            # add ways to be slow or be redirected.
            with _Client(
                http,
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
                    raise CalendarUnavailable(label, "this address is not a calendar", NOT_CALENDAR)
                yield calendar
        except CalendarUnavailable:
            raise
        except Exception as exc:
            # Besides DAVError and niquests' errors, caldav meets malformed server answers with
            # AssertionError, AttributeError or lxml errors; the cause stays chained for the log.
            raise _unavailable(label, exc, http.guard) from exc


def _aware(value: date | datetime, zone: ZoneInfo) -> datetime:
    """An aware UTC datetime; dates and floating times are read in the calendar's zone."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _is_blocking(event: Component, exclude_uid: str | None) -> bool:
    # Transparent events ("free" in most clients) and cancelled ones do not take time; nor does
    # the portal's own event of the call being moved (it would block its own new time).
    transp = str(event.get("TRANSP", "OPAQUE")).upper()
    status = str(event.get("STATUS", "CONFIRMED")).upper()
    own = exclude_uid is not None and str(event.get("UID", "")) == exclude_uid
    return transp != "TRANSPARENT" and status != "CANCELLED" and not own


def _busy_from_events(
    events: Iterable[Component], zone: ZoneInfo, exclude_uid: str | None = None
) -> list[Busy]:
    """Busy times of expanded VEVENT occurrences; all-day events block whole local days."""
    busy = []
    for event in events:
        if event.name != "VEVENT" or not _is_blocking(event, exclude_uid):
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
    exclude_uid: str | None = None,
    policy: Policy = STRICT,
) -> list[Busy]:
    """Busy times in [start, end) from the CalDAV calendar at url (free-busy, else search)."""
    tz = ZoneInfo(zone)
    with _calendar(url, username, password, timeout, policy) as calendar:
        # A free-busy answer has no UIDs: to leave out one event, the events are searched.
        if use_freebusy and exclude_uid is None:
            try:
                return _busy_from_freebusy(calendar.freebusy_request(start, end).data)
            except dav_error.AuthorizationError:
                raise
            except (dav_error.DAVError, ValueError):
                # Not every server implements the free-busy REPORT; the search below works
                # everywhere and reports the real problem if the calendar itself is broken.
                pass
        events = calendar.search(start=start, end=end, event=True, expand=True)
        return _busy_from_events((e.icalendar_component for e in events), tz, exclude_uid)


# What niquests and the guard raise when the other side fails; anything else is our bug.
_HTTP_FAILURES = (niquests.exceptions.RequestException, OSError, ValueError)


def _fetch(url: str, timeout: float, policy: Policy) -> bytes:
    """The body of an http(s) GET, at most MAX_FEED_BYTES; failures become CalendarUnavailable."""
    label = _check_url(url)
    with guard.session(policy, timeout) as http:
        try:
            response = http.get(url, timeout=timeout, headers={"User-Agent": USER_AGENT})
        except _HTTP_FAILURES as exc:
            raise _unavailable(label, exc, http.guard) from exc
    status = response.status_code
    if status in (401, 403):
        raise CalendarUnavailable(
            label, f"access refused (HTTP {status}: wrong or missing credentials)", AUTH, status
        )
    if status == 404:
        raise CalendarUnavailable(label, "no calendar at this address (HTTP 404)", NOT_FOUND, 404)
    if status >= 300:
        raise CalendarUnavailable(
            label, f"the server answered with an error (HTTP {status})", SERVER_ERROR, status
        )
    return response.content or b""


def ics_feed_busy(
    url: str,
    start: datetime,
    end: datetime,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    zone: str = "Europe/Berlin",
    exclude_uid: str | None = None,
    policy: Policy = STRICT,
) -> list[Busy]:
    """Busy times in [start, end) from an iCalendar feed at an http(s) URL, recurrences expanded."""
    label = source_label(url)
    body = _fetch(url, timeout, policy)
    try:
        calendar = Calendar.from_ical(body)
        if calendar.name != "VCALENDAR":
            raise ValueError(f"expected VCALENDAR, got {calendar.name}")
        # of() also applies X-WR-TIMEZONE, which Google and Outlook feeds rely on.
        events = recurring_ical_events.of(calendar).between(start, end)
        return _busy_from_events(events, ZoneInfo(zone), exclude_uid)
    except Exception as exc:  # icalendar and the expander raise many types on bad data
        # Not the parser's message: it quotes the data, which may be anything the server sent.
        raise CalendarUnavailable(label, "the feed is not valid iCalendar data", BAD_DATA) from exc


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
    *,
    policy: Policy = STRICT,
) -> None:
    """Create the event with this UID in the CalDAV calendar, or replace the stored one."""
    data = _event_for_storage(uid, ics)
    with _calendar(url, username, password, timeout, policy) as calendar:
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
            raise dav_error.PutError(f"{response.status}")


def delete_event(
    url: str,
    username: str,
    password: str,
    uid: str,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    policy: Policy = STRICT,
) -> None:
    """Remove the event with this UID from the CalDAV calendar; a missing one is fine."""
    with _calendar(url, username, password, timeout, policy) as calendar:
        existing = _find(calendar, uid)
        if existing is not None:
            existing.delete()

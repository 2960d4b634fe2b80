"""Calendar adapters against a real Radicale and a local HTTP feed, including every failure mode."""

import socket
import threading
import time as clock
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import caldav
import pytest
from caldav.lib.error import NotFoundError, ReportError

from portal.calendar import sources
from portal.calendar.guard import Policy
from portal.calendar.slots import Busy, Person, free_slots
from portal.calendar.sources import CalendarUnavailable
from tests.radicale_server import RadicaleServer, free_port, radicale  # noqa: F401

# Radicale and the test servers listen on 127.0.0.1, which only an allow-list admits.
LOCAL = Policy.parse("127.0.0.1")
caldav_busy = partial(sources.caldav_busy, policy=LOCAL)
ics_feed_busy = partial(sources.ics_feed_busy, policy=LOCAL)
put_event = partial(sources.put_event, policy=LOCAL)
delete_event = partial(sources.delete_event, policy=LOCAL)

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = [date(2025, 3, 10) + timedelta(days=i) for i in range(5)]  # Monday 10 to Friday 14 March
RANGE_START = datetime(2025, 3, 10, tzinfo=BERLIN)
RANGE_END = datetime(2025, 4, 2, tzinfo=BERLIN)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

VTIMEZONE_BERLIN = """BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""


def vcalendar(uid: str, *lines: str, extra: str = "") -> str:
    """A VCALENDAR holding one VEVENT with these property lines (and the Berlin zone)."""
    body = "\n".join(["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20250101T000000Z", *lines])
    text = "\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CPCE tests//EN", extra, VTIMEZONE_BERLIN]
    )
    return f"{text}\n{body}\nEND:VEVENT\nEND:VCALENDAR\n".replace("\n\n", "\n")


EVENTS = {
    "single": vcalendar(
        "single",
        "DTSTART;TZID=Europe/Berlin:20250310T100000",
        "DTEND;TZID=Europe/Berlin:20250310T110000",
        "SUMMARY:One meeting",
    ),
    # Tuesdays 14:00 Berlin, four times: the last one is after the switch to summer time.
    "weekly": vcalendar(
        "weekly",
        "DTSTART;TZID=Europe/Berlin:20250311T140000",
        "DTEND;TZID=Europe/Berlin:20250311T150000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "SUMMARY:Jour fixe",
    ),
    "allday": vcalendar(
        "allday", "DTSTART;VALUE=DATE:20250312", "DTEND;VALUE=DATE:20250313", "SUMMARY:Off"
    ),
    "transparent": vcalendar(
        "transparent",
        "DTSTART;TZID=Europe/Berlin:20250313T100000",
        "DTEND;TZID=Europe/Berlin:20250313T110000",
        "TRANSP:TRANSPARENT",
        "SUMMARY:Reminder, not a meeting",
    ),
    "cancelled": vcalendar(
        "cancelled",
        "DTSTART;TZID=Europe/Berlin:20250313T140000",
        "DTEND;TZID=Europe/Berlin:20250313T150000",
        "STATUS:CANCELLED",
        "SUMMARY:Called off",
    ),
}


def berlin(day: str, hhmm: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=BERLIN)


def span(day: str, start: str, end: str) -> Busy:
    return Busy(berlin(day, start), berlin(day, end))


EXPECTED_TIMED = [
    span("2025-03-10", "10:00", "11:00"),
    span("2025-03-11", "14:00", "15:00"),
    span("2025-03-18", "14:00", "15:00"),
    span("2025-03-25", "14:00", "15:00"),
    span("2025-04-01", "14:00", "15:00"),  # 12:00 UTC now, not 13:00
]


@pytest.fixture(scope="module")
def filled(radicale: RadicaleServer) -> str:  # noqa: F811
    """Alice's calendar with the five EVENTS; returns its URL."""
    url = radicale.make_calendar("alice", "work")
    for ics in EVENTS.values():
        radicale.add_event(url, "alice", ics)
    return url


def test_caldav_search_gives_expected_busy_times(radicale, filled):  # noqa: F811
    got = caldav_busy(filled, "alice", "alice-secret", RANGE_START, RANGE_END, use_freebusy=False)
    # The all-day event blocks the whole day in the calendar's zone (Berlin).
    all_day = Busy(berlin("2025-03-12", "00:00"), berlin("2025-03-13", "00:00"))
    assert got == sorted([*EXPECTED_TIMED, all_day], key=lambda b: b.start)
    assert all(b.start.tzinfo is UTC for b in got)


def test_caldav_free_busy_report_gives_expected_busy_times(radicale, filled):  # noqa: F811
    got = caldav_busy(filled, "alice", "alice-secret", RANGE_START, RANGE_END)
    # Radicale's free-busy report reads the all-day date in UTC: 01:00 to 01:00 in Berlin.
    all_day = Busy(datetime(2025, 3, 12, tzinfo=UTC), datetime(2025, 3, 13, tzinfo=UTC))
    assert got == sorted([*EXPECTED_TIMED, all_day], key=lambda b: b.start)


def test_caldav_falls_back_to_search_without_free_busy(radicale, filled, monkeypatch):  # noqa: F811
    def refuse(*args: object) -> None:
        raise ReportError("501 Not Implemented")

    monkeypatch.setattr(caldav.Calendar, "freebusy_request", refuse)
    got = caldav_busy(filled, "alice", "alice-secret", RANGE_START, RANGE_END)
    searched = caldav_busy(
        filled, "alice", "alice-secret", RANGE_START, RANGE_END, use_freebusy=False
    )
    assert got == searched


@pytest.mark.parametrize("use_freebusy", [True, False])
def test_caldav_busy_times_give_expected_free_slots(radicale, filled, use_freebusy):  # noqa: F811
    busy = caldav_busy(
        filled, "alice", "alice-secret", RANGE_START, RANGE_END, use_freebusy=use_freebusy
    )
    alice = Person("Alice", required=True, busy=tuple(busy))
    slots = free_slots([alice], days=WEEK, duration=timedelta(hours=1), now=LONG_AGO)
    per_day: dict[date, list[str]] = {day: [] for day in WEEK}
    for slot in slots:
        per_day[slot.start.date()].append(slot.start.strftime("%H:%M"))
    half_hours = [f"{h:02}:{m}" for h in range(9, 17) for m in ("00", "30")][:-1]  # 9:00-16:00
    mon, tue, wed, thu, fri = WEEK
    assert per_day[mon] == ["09:00", *half_hours[4:]]  # busy 10-11
    assert per_day[tue] == [*half_hours[:9], "15:00", "15:30", "16:00"]  # busy 14-15
    assert per_day[wed] == []  # all day off
    assert per_day[thu] == half_hours  # transparent and cancelled events do not block
    assert per_day[fri] == half_hours


@pytest.mark.parametrize("use_freebusy", [True, False])
def test_caldav_leaves_out_the_event_it_is_told_to(radicale, filled, use_freebusy):  # noqa: F811
    got = caldav_busy(
        filled,
        "alice",
        "alice-secret",
        RANGE_START,
        RANGE_END,
        use_freebusy=use_freebusy,
        exclude_uid="weekly",
    )
    # Every occurrence of the recurring event is gone, the other events stay.
    all_day = Busy(berlin("2025-03-12", "00:00"), berlin("2025-03-13", "00:00"))
    assert got == [EXPECTED_TIMED[0], all_day]


def invitation(uid: str, start: datetime, sequence: int) -> bytes:
    """An emailed-style invitation (with METHOD:REQUEST) for a one-hour call."""
    fmt = "%Y%m%dT%H%M%S"
    return vcalendar(
        uid,
        f"DTSTART;TZID=Europe/Berlin:{start.strftime(fmt)}",
        f"DTEND;TZID=Europe/Berlin:{(start + timedelta(hours=1)).strftime(fmt)}",
        f"SEQUENCE:{sequence}",
        "SUMMARY:CPCE setup call",
        extra="METHOD:REQUEST",
    ).encode()


def test_put_event_creates_updates_and_delete_removes(radicale):  # noqa: F811
    url = radicale.make_calendar("bob")
    creds = (url, "bob", "bob-secret")
    uid = "setup-call-42@cpce.example"
    first, moved = berlin("2025-03-12", "10:00"), berlin("2025-03-13", "15:00")

    put_event(*creds, uid, invitation(uid, first, 0))
    with radicale.client("bob") as client:
        stored = client.calendar(url=url).event_by_uid(uid).icalendar_component
        assert (stored.start, stored["SEQUENCE"]) == (first, 0)
        assert "METHOD" not in client.calendar(url=url).event_by_uid(uid).icalendar_instance

    put_event(*creds, uid, invitation(uid, moved, 1))
    with radicale.client("bob") as client:
        calendar = client.calendar(url=url)
        stored = calendar.event_by_uid(uid).icalendar_component
        assert (stored.start, stored["SEQUENCE"]) == (moved, 1)
        assert len(calendar.events()) == 1  # updated in place, no duplicate
    assert caldav_busy(*creds, RANGE_START, RANGE_END) == [Busy(moved, moved + timedelta(hours=1))]

    delete_event(*creds, uid)
    with radicale.client("bob") as client, pytest.raises(NotFoundError):
        client.calendar(url=url).event_by_uid(uid)
    delete_event(*creds, uid)  # already gone: not an error


def test_put_event_refuses_ics_with_another_uid(radicale):  # noqa: F811
    url = radicale.make_calendar("bob")
    with pytest.raises(ValueError, match="UID"):
        put_event(url, "bob", "bob-secret", "a", invitation("b", berlin("2025-03-12", "10:00"), 0))


# --- a tiny HTTP server for ICS feeds and broken servers -------------------------------------

FEED = vcalendar(
    "feed-weekly",
    # Mondays 9:00 Berlin for five weeks, but not on 17 March.
    "DTSTART;TZID=Europe/Berlin:20250310T090000",
    "DURATION:PT90M",
    "RRULE:FREQ=WEEKLY;COUNT=5",
    "EXDATE;TZID=Europe/Berlin:20250317T090000",
    "SUMMARY:Weekly planning",
).replace(
    "END:VCALENDAR",
    "\n".join(
        [
            "BEGIN:VEVENT",
            "UID:feed-floating",
            "DTSTAMP:20250101T000000Z",
            "DTSTART:20250312T160000",  # floating: read in the calendar's zone
            "DTEND:20250312T170000",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:feed-allday",
            "DTSTAMP:20250101T000000Z",
            "DTSTART;VALUE=DATE:20250314",  # no DTEND: one day
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:feed-free",
            "DTSTAMP:20250101T000000Z",
            "DTSTART:20250311T090000Z",
            "DTEND:20250311T100000Z",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    ),
)

ROUTES: dict[str, tuple[int, bytes]] = {
    "/feed.ics": (200, FEED.replace("\n", "\r\n").encode()),
    "/broken": (500, b"Internal Server Error"),
    "/garbage": (200, b"\x00\x01<html>this is not a calendar</html>"),
}


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        status, body = ROUTES.get(self.path.split("?")[0], (404, b"not found"))
        if self.path.startswith("/garbage"):
            status, body = ROUTES["/garbage"]  # every garbage/... URL, also for CalDAV
        elif self.path.startswith("/broken"):
            status, body = ROUTES["/broken"]
        self.send_response(status)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PROPFIND = do_REPORT = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        pass  # keep the test output clean


@pytest.fixture(scope="module")
def web() -> Iterator[str]:
    """Base URL of a local HTTP server answering from ROUTES."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_ics_feed_recurring_events_are_expanded(web):
    got = ics_feed_busy(f"{web}/feed.ics", RANGE_START, RANGE_END)
    mondays = ["2025-03-10", "2025-03-24", "2025-03-31"]  # 17th excluded, 7 April past the end
    expected = [span(day, "09:00", "10:30") for day in mondays]
    expected.append(span("2025-03-12", "16:00", "17:00"))  # floating time in Berlin
    expected.append(Busy(berlin("2025-03-14", "00:00"), berlin("2025-03-15", "00:00")))  # all day
    assert got == sorted(expected, key=lambda b: b.start)
    # 31 March is summer time: the same wall clock, one hour earlier in UTC.
    assert got[-1].start == datetime(2025, 3, 31, 7, tzinfo=UTC)


def test_ics_feed_leaves_out_the_event_it_is_told_to(web):
    got = ics_feed_busy(f"{web}/feed.ics", RANGE_START, RANGE_END, exclude_uid="feed-weekly")
    assert got == [
        span("2025-03-12", "16:00", "17:00"),
        Busy(berlin("2025-03-14", "00:00"), berlin("2025-03-15", "00:00")),
    ]


def test_ics_feed_floating_times_follow_the_given_zone(web):
    got = ics_feed_busy(f"{web}/feed.ics", RANGE_START, RANGE_END, zone="Europe/London")
    floating = [b for b in got if b.start.date() == date(2025, 3, 12)]
    assert floating == [
        Busy(datetime(2025, 3, 12, 16, tzinfo=UTC), datetime(2025, 3, 12, 17, tzinfo=UTC))
    ]


# --- failures: each one a CalendarUnavailable naming the source, within the timeout ----------


def assert_unavailable(call, source: str, words: str, within: float) -> CalendarUnavailable:
    """Run call, expect CalendarUnavailable with source and words in the message, in time."""
    started = clock.monotonic()
    with pytest.raises(CalendarUnavailable) as caught:
        call()
    elapsed = clock.monotonic() - started
    assert elapsed < within, f"took {elapsed:.1f} s"
    assert caught.value.source == source
    assert source in str(caught.value) and words in str(caught.value)
    return caught.value


def test_closed_port():
    port = free_port()
    url, source = f"http://127.0.0.1:{port}/alice/work/", f"127.0.0.1:{port}"
    start, end = RANGE_START, RANGE_END
    assert_unavailable(lambda: caldav_busy(url, "a", "b", start, end, 2), source, "connect", 2)
    assert_unavailable(lambda: ics_feed_busy(url, start, end, 2), source, "connect", 2)
    assert_unavailable(
        lambda: put_event(url, "a", "b", "u", invitation("u", start, 0), 2), source, "connect", 2
    )
    assert_unavailable(lambda: delete_event(url, "a", "b", "u", 2), source, "connect", 2)


def test_missing_calendar_or_not_a_calendar(radicale):  # noqa: F811
    source = radicale.url.removeprefix("http://").rstrip("/")
    creds = ("bob", "bob-secret")
    missing, principal = f"{radicale.url}bob/no-such-calendar/", f"{radicale.url}bob/"
    ics = invitation("u", RANGE_START, 0)
    for url, words in ((missing, "no calendar at this address"), (principal, "not a calendar")):
        assert_unavailable(lambda u=url: delete_event(u, *creds, "u", 2), source, words, 2)
        assert_unavailable(lambda u=url: put_event(u, *creds, "u", ics, 2), source, words, 2)
        assert_unavailable(
            lambda u=url: caldav_busy(u, *creds, RANGE_START, RANGE_END, 2), source, words, 2
        )


def test_server_error_500(web):
    url, source = f"{web}/broken/", web.removeprefix("http://")
    start, end = RANGE_START, RANGE_END
    assert_unavailable(lambda: caldav_busy(url, "a", "b", start, end, 2), source, "500", 2)
    assert_unavailable(lambda: ics_feed_busy(url, start, end, 2), source, "HTTP 500", 2)


def test_wrong_credentials(radicale, filled):  # noqa: F811
    source = radicale.url.removeprefix("http://").rstrip("/")
    start, end = RANGE_START, RANGE_END
    error = assert_unavailable(
        lambda: caldav_busy(filled, "alice", "Pa55-nope", start, end, 2), source, "password", 2
    )
    assert "Pa55-nope" not in str(error)
    # Bob's own password does not open Alice's calendar either.
    assert_unavailable(
        lambda: caldav_busy(filled, "bob", "bob-secret", start, end, 2), source, "rights", 2
    )
    assert_unavailable(
        lambda: put_event(filled, "alice", "wrong", "u", invitation("u", start, 0), 2),
        source,
        "password",
        2,
    )


def test_garbage_data(web):
    url, source = f"{web}/garbage/", web.removeprefix("http://")
    start, end = RANGE_START, RANGE_END
    assert_unavailable(lambda: caldav_busy(url, "a", "b", start, end, 2), source, "understood", 2)
    assert_unavailable(lambda: ics_feed_busy(url, start, end, 2), source, "not valid iCalendar", 2)


def test_no_answer_hits_the_timeout():
    # Listening but never accepting: the connection opens, no answer ever comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        url, source = f"http://127.0.0.1:{port}/cal/", f"127.0.0.1:{port}"
        start, end = RANGE_START, RANGE_END
        assert_unavailable(lambda: ics_feed_busy(url, start, end, 1), source, "time limit", 2)
        # caldav retries a failed first request once without auth: at most twice the limit.
        assert_unavailable(
            lambda: caldav_busy(url, "a", "b", start, end, 1), source, "time limit", 3
        )


def test_only_http_urls():
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/feed.ics"):
        with pytest.raises(CalendarUnavailable, match="only http"):
            ics_feed_busy(url, RANGE_START, RANGE_END)
    with pytest.raises(CalendarUnavailable, match="only http"):
        caldav_busy("file:///tmp/cal", "a", "b", RANGE_START, RANGE_END)


def test_source_label_hides_secrets():
    error = CalendarUnavailable("calendar.example.org", "gone")
    assert str(error) == "Calendar at calendar.example.org is unavailable: gone"
    port = free_port()
    url = f"http://user:secret@127.0.0.1:{port}/feeds/private-token.ics"
    with pytest.raises(CalendarUnavailable) as caught:
        ics_feed_busy(url, RANGE_START, RANGE_END)
    assert caught.value.source == f"127.0.0.1:{port}"
    assert "secret" not in str(caught.value) and "token" not in str(caught.value)

"""Availability logic: free slots from working hours and busy times, across zones and DST."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.calendar.slots import (
    BUSY,
    OUTSIDE_HOURS,
    Busy,
    Person,
    Unavailable,
    WorkingHours,
    free_slots,
    who_is_busy,
    working_days,
)

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = timedelta(hours=1)
MIN90 = timedelta(minutes=90)
# A plain week before any DST switch: Monday 10 to Friday 14 March 2025.
WEEK = [date(2025, 3, 10) + timedelta(days=i) for i in range(5)]
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
HALF_HOURS = [f"{h:02}:{m}" for h in range(9, 17) for m in ("00", "30")]  # 09:00 to 16:30


def at(day: date, hhmm: str, zone: str = "Europe/Berlin") -> datetime:
    """An aware local time on a day."""
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZoneInfo(zone))


def busy(day: date, start: str, end: str, zone: str = "Europe/Berlin") -> Busy:
    return Busy(at(day, start, zone), at(day, end, zone))


def starts(slots, zone: str = "Europe/Berlin") -> list[tuple[date, str]]:
    """The slots' starts as (local day, "HH:MM") in the given zone."""
    local = [s.start.astimezone(ZoneInfo(zone)) for s in slots]
    return [(t.date(), t.strftime("%H:%M")) for t in local]


MON, TUE, WED, THU, FRI = WEEK
ALICE = Person(
    "Alice",
    required=True,
    hours=WorkingHours(),
    busy=(
        busy(MON, "10:00", "11:00"),
        busy(MON, "13:30", "15:00"),
        Busy(at(TUE, "00:00"), at(WED, "00:00")),  # a day off
    ),
)
BOB = Person(
    "Bob",
    required=True,
    hours=WorkingHours(weekdays=frozenset({0, 1, 2})),  # Monday to Wednesday only
    busy=(busy(MON, "12:00", "12:30"), busy(WED, "09:00", "16:00")),
)


def test_known_week_60_minutes():
    slots = free_slots([ALICE, BOB], days=WEEK, duration=HOUR, now=LONG_AGO)
    assert starts(slots) == [
        (MON, "09:00"),
        (MON, "11:00"),
        (MON, "12:30"),
        (MON, "15:00"),
        (MON, "15:30"),
        (MON, "16:00"),
        (WED, "16:00"),
    ]
    assert all(s.end - s.start == HOUR and s.optional_busy == () for s in slots)
    assert all(s.start.tzinfo == BERLIN for s in slots)


def test_known_week_90_minutes():
    slots = free_slots([ALICE, BOB], days=WEEK, duration=MIN90, now=LONG_AGO)
    assert starts(slots) == [(MON, "15:00"), (MON, "15:30")]
    assert slots[0].end == at(MON, "16:30")


def test_one_person_60_and_90_minutes():
    one = free_slots([ALICE], days=[MON], duration=HOUR, now=LONG_AGO)
    assert [t for _, t in starts(one)] == [
        "09:00",
        "11:00",
        "11:30",
        "12:00",
        "12:30",
        "15:00",
        "15:30",
        "16:00",
    ]
    longer = free_slots([ALICE], days=[MON], duration=MIN90, now=LONG_AGO)
    assert [t for _, t in starts(longer)] == ["11:00", "11:30", "12:00", "15:00", "15:30"]


def test_step_changes_the_grid():
    slots = free_slots([ALICE], days=[THU], duration=HOUR, step=HOUR, now=LONG_AGO)
    assert [t for _, t in starts(slots)] == [f"{h:02}:00" for h in range(9, 17)]


def test_optional_people_do_not_block_but_are_named():
    carol = Person("Carol", required=False, busy=(busy(MON, "15:00", "16:00"),))
    without = free_slots([ALICE, BOB], days=WEEK, duration=HOUR, now=LONG_AGO)
    with_carol = free_slots([ALICE, BOB, carol], days=WEEK, duration=HOUR, now=LONG_AGO)
    assert starts(with_carol) == starts(without)
    named = dict(zip(starts(with_carol), [s.optional_busy for s in with_carol], strict=True))
    assert named[(MON, "15:00")] == ("Carol",)
    assert named[(MON, "15:30")] == ("Carol",)
    assert named[(MON, "16:00")] == ()
    # Carol does not work on Wednesdays: still no block, but named.
    carol_mon_tue = Person("Carol", required=False, hours=WorkingHours(weekdays=frozenset({0, 1})))
    wed = free_slots([BOB, carol_mon_tue], days=[WED], duration=HOUR, now=LONG_AGO)
    assert starts(wed) == [(WED, "16:00")]
    assert wed[0].optional_busy == ("Carol",)


def test_only_optional_people_busy_everywhere_still_gives_slots():
    always = Person("Dora", required=False, busy=(Busy(at(MON, "00:00"), at(FRI, "23:00")),))
    slots = free_slots([ALICE, always], days=[THU], duration=HOUR, now=LONG_AGO)
    assert len(slots) == 15
    assert all(s.optional_busy == ("Dora",) for s in slots)


def test_person_in_london_narrows_the_window():
    # London is one hour behind Berlin in March: 9-17 there is 10-18 here.
    london = Person("Liam", required=True, hours=WorkingHours(timezone="Europe/London"))
    slots = free_slots([ALICE, london], days=[THU], duration=HOUR, now=LONG_AGO)
    assert [t for _, t in starts(slots)] == HALF_HOURS[2:-1]  # 10:00 to 16:00
    # Shown in London time the same slots start at 9:00 there.
    shown = free_slots(
        [ALICE, london], days=[THU], duration=HOUR, now=LONG_AGO, zone="Europe/London"
    )
    assert starts(shown, "Europe/London")[0] == (THU, "09:00")
    assert starts(shown, "Europe/London")[-1] == (THU, "15:00")
    assert shown[0].start.tzinfo == ZoneInfo("Europe/London")


def test_new_york_offset_follows_both_dst_rules():
    # The US switches on 9 March 2025, Europe on 30 March: the gap is 6 h before, 5 h between.
    ny = Person("Nora", required=True, hours=WorkingHours(timezone="America/New_York"))
    ann = Person("Ann", required=True)  # Berlin, 9-17, no appointments
    before = free_slots([ann, ny], days=[date(2025, 3, 3)], duration=HOUR, now=LONG_AGO)
    between = free_slots([ann, ny], days=[MON], duration=HOUR, now=LONG_AGO)
    assert [t for _, t in starts(before)] == ["15:00", "15:30", "16:00"]
    assert [t for _, t in starts(between)] == ["14:00", "14:30", "15:00", "15:30", "16:00"]


@pytest.mark.parametrize(
    ("friday", "monday", "offsets"),
    [
        (date(2025, 3, 28), date(2025, 3, 31), (1, 2)),  # spring forward on Sunday 30 March
        (date(2025, 10, 24), date(2025, 10, 27), (2, 1)),  # fall back on Sunday 26 October
    ],
)
def test_slots_stay_on_the_wall_clock_across_dst(friday, monday, offsets):
    slots = free_slots([Person("Ann", True)], days=[friday, monday], duration=HOUR, now=LONG_AGO)
    by_day = {d: [t for dd, t in starts(slots) if dd == d] for d in (friday, monday)}
    assert by_day[friday] == HALF_HOURS[:-1]
    assert by_day[monday] == HALF_HOURS[:-1]
    first = {d: next(s for s in slots if s.start.date() == d) for d in (friday, monday)}
    assert first[friday].start.utcoffset() == timedelta(hours=offsets[0])
    assert first[monday].start.utcoffset() == timedelta(hours=offsets[1])
    assert first[monday].start.astimezone(UTC).hour == 9 - offsets[1]


def test_dst_day_itself_skips_missing_times_and_keeps_real_durations():
    around_the_clock = WorkingHours(weekdays=frozenset(range(7)), start=time(0), end=time(23, 59))
    night_owl = Person("Owl", True, around_the_clock)
    spring = free_slots([night_owl], days=[date(2025, 3, 30)], duration=HOUR, now=LONG_AGO)
    spring_starts = [t for _, t in starts(spring)]
    assert "02:00" not in spring_starts and "02:30" not in spring_starts  # never on the clock
    assert len(spring) == 48 - 2 - 2  # minus the gap, minus 23:00 and 23:30 (past 23:59)
    at_0130 = spring[spring_starts.index("01:30")]
    assert at_0130.end.strftime("%H:%M") == "03:30"  # the clock jumped, the call lasts 1 h
    autumn = free_slots([night_owl], days=[date(2025, 10, 26)], duration=HOUR, now=LONG_AGO)
    for slot in spring + autumn:
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == HOUR


def test_nothing_in_the_past():
    now = at(MON, "12:30")  # a slot starting exactly now is already too late
    slots = free_slots([ALICE], days=[MON, THU], duration=HOUR, now=now)
    assert starts(slots)[:4] == [(MON, "15:00"), (MON, "15:30"), (MON, "16:00"), (THU, "09:00")]
    assert all(s.start > now for s in slots)
    assert free_slots([ALICE], days=[MON], duration=HOUR, now=at(FRI, "08:00")) == []


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        free_slots([ALICE], days=[MON], duration=HOUR, now=datetime(2025, 3, 10, 12))


def test_who_is_busy_names_people_and_reasons():
    carol = Person("Carol", required=False, busy=(busy(MON, "09:00", "09:45"),))
    liam = Person("Liam", required=True, hours=WorkingHours(timezone="Europe/London"))
    people = [ALICE, BOB, carol, liam]
    assert who_is_busy(people, at(MON, "09:30"), at(MON, "10:30")) == [
        Unavailable("Alice", BUSY, True),
        Unavailable("Carol", BUSY, False),
        Unavailable("Liam", OUTSIDE_HOURS, True),  # 8:30 in London
    ]
    assert who_is_busy(people, at(MON, "11:00"), at(MON, "12:00")) == []
    # On a Saturday everyone is off, whatever their calendar says.
    saturday = date(2025, 3, 15)
    assert [
        u.reason for u in who_is_busy(people, at(saturday, "10:00"), at(saturday, "11:00"))
    ] == [OUTSIDE_HOURS] * 4
    # A call running past 17:00 is outside working hours, even if free.
    late = who_is_busy([ALICE], at(THU, "16:30"), at(THU, "17:30"))
    assert late == [Unavailable("Alice", OUTSIDE_HOURS, True)]
    # Times given in another zone mean the same instants.
    assert who_is_busy([ALICE], at(MON, "09:30", "UTC"), at(MON, "10:00", "UTC")) == [
        ("Alice", BUSY, True)
    ]


def test_working_days_skip_weekends_and_holidays():
    assert working_days(date(2025, 3, 7), 3) == [
        date(2025, 3, 7),
        date(2025, 3, 10),
        date(2025, 3, 11),
    ]
    easter = {date(2025, 4, 18), date(2025, 4, 21)}  # Good Friday, Easter Monday
    assert working_days(date(2025, 4, 17), 3, holidays=easter) == [
        date(2025, 4, 17),
        date(2025, 4, 22),
        date(2025, 4, 23),
    ]
    assert len(working_days(date(2025, 3, 15))) == 10
    assert working_days(date(2025, 3, 15))[0] == date(2025, 3, 17)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="aware"):
        Busy(datetime(2025, 3, 10, 9), datetime(2025, 3, 10, 10))
    with pytest.raises(ValueError, match="end after"):
        busy(MON, "10:00", "10:00")
    with pytest.raises(ValueError, match="start before"):
        WorkingHours(start=time(17), end=time(9))
    with pytest.raises(ValueError):
        WorkingHours(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="positive"):
        free_slots([ALICE], days=[MON], duration=timedelta(0), now=LONG_AGO)

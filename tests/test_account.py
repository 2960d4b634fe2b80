"""Staff calendar settings: working hours, the calendar source, the password sealed in the vault."""

from datetime import time

from sqlalchemy import select

from portal.models import AuditEvent, Secret, StaffCalendar
from portal.vault import reveal
from tests.conftest import login

FORM = {
    "weekdays": ["0", "1", "2", "3"],
    "day_start": "08:30",
    "day_end": "16:00",
    "timezone": "Europe/Vienna",
    "source": "caldav",
    "url": "https://cal.example.com/dav/ida/work/",
    "username": "ida",
    "password": "s3cret-caldav-pw",
}


def test_architect_saves_hours_and_a_caldav_calendar(client, session, world):
    login(client, world.architect)
    response = client.post("/account/calendar", data=FORM)
    assert response.status_code == 302
    settings = session.scalar(select(StaffCalendar))
    assert settings.weekdays == "0,1,2,3"
    assert (settings.day_start, settings.day_end) == (time(8, 30), time(16, 0))
    assert settings.timezone == "Europe/Vienna" and settings.username == "ida"
    assert reveal(settings.password) == "s3cret-caldav-pw"
    page = client.get("/account/calendar").get_data(as_text=True)
    assert "s3cret-caldav-pw" not in page
    events = session.scalars(select(AuditEvent.payload)).all()
    assert all("s3cret-caldav-pw" not in str(p) for p in events)


def test_an_empty_password_keeps_the_stored_one(client, session, world):
    login(client, world.architect)
    client.post("/account/calendar", data=FORM)
    client.post("/account/calendar", data={**FORM, "password": "", "day_end": "17:00"})
    settings = session.scalar(select(StaffCalendar))
    assert settings.day_end == time(17, 0)
    assert reveal(settings.password) == "s3cret-caldav-pw"
    assert len(session.scalars(select(Secret)).all()) == 1


def test_bad_input_is_refused_and_nothing_written(client, session, world):
    login(client, world.architect)
    for bad in (
        {"weekdays": []},
        {"day_end": "08:00"},
        {"timezone": "Mars/Olympus"},
        {"url": "file:///etc/passwd"},
        {"username": ""},
        {"password": ""},
    ):
        response = client.post("/account/calendar", data={**FORM, **bad})
        assert response.status_code == 400, bad
        assert 'class="error-summary"' in response.get_data(as_text=True)
    assert session.scalar(select(StaffCalendar)) is None


def test_back_office_and_admin_have_no_calendar_page(client, world):
    for user in (world.backoffice, world.admin):
        login(client, user)
        assert client.get("/account/calendar").status_code == 403


def test_checking_an_unreachable_calendar_says_so(client, session, world):
    login(client, world.technician)
    client.post(
        "/account/calendar",
        data={**FORM, "source": "ics", "url": "http://127.0.0.1:9/feed.ics", "username": ""},
    )
    response = client.post("/account/calendar/check", follow_redirects=True)
    assert "Der Kalender antwortet nicht" in response.get_data(as_text=True)

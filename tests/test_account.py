"""Staff calendar settings: working hours, the calendar source, the password sealed in the vault."""

import re
from datetime import time

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Secret, StaffCalendar
from portal.vault import reveal
from tests.conftest import login
from tests.listener import Listener
from tests.radicale_server import free_port


def flash_of(page: str) -> str:
    """The text of the first flash message on a page."""
    found = re.search(r'<div class="flash[^"]*"[^>]*>(.*?)</div>', page, re.S)
    assert found, "no flash message"
    return " ".join(found.group(1).split())


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


def test_checking_an_unreachable_calendar_says_so(app, client, session, world):
    app.config["CALENDAR_ALLOWED_HOSTS"] = "127.0.0.1"  # an internal calendar server, allowed
    login(client, world.technician)
    client.post(
        "/account/calendar",
        data={**FORM, "source": "ics", "url": f"http://127.0.0.1:{free_port()}/feed.ics"},
    )
    response = client.post("/account/calendar/check", follow_redirects=True)
    assert (
        "Der Kalender konnte nicht gelesen werden: Der Kalender-Server ist nicht erreichbar"
        in response.get_data(as_text=True)
    )


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::1]", "10.0.0.7", "169.254.169.254", "[::ffff:127.0.0.1]"],
)
def test_a_calendar_address_in_an_internal_network_is_refused_when_saved(
    client, session, world, host
):
    login(client, world.architect)
    response = client.post(
        "/account/calendar", data={**FORM, "url": f"http://{host}:8080/dav/ida/"}
    )
    assert response.status_code == 400
    assert "Die Adresse führt in ein internes Netz" in response.get_data(as_text=True)
    assert session.scalar(select(StaffCalendar)) is None


def test_the_allow_list_admits_an_internal_calendar_server(app, client, session, world):
    app.config["CALENDAR_ALLOWED_HOSTS"] = "caldav.intern, 10.20.0.0/16"
    login(client, world.architect)
    for url in ("http://10.20.3.4:5232/ida/work/", "https://caldav.intern/dav/ida/"):
        assert client.post("/account/calendar", data={**FORM, "url": url}).status_code == 302
        assert session.scalar(select(StaffCalendar.url)) == url
    response = client.post("/account/calendar", data={**FORM, "url": "http://10.21.0.1/ida/"})
    assert response.status_code == 400


def test_open_and_closed_ports_on_a_refused_address_look_the_same(client, session, world):
    """A stored address that resolves internally (here: set before the check existed)."""
    login(client, world.technician)
    answers = []
    settings = StaffCalendar(user_id=world.technician.id, source="ics")
    session.add(settings)
    with Listener() as listener:
        for port in (listener.port, free_port()):
            settings.url = f"http://127.0.0.1:{port}/feed.ics"
            session.commit()
            response = client.post("/account/calendar/check", follow_redirects=True)
            answers.append(flash_of(response.get_data(as_text=True)))
        assert listener.contacts == 0
    assert answers[0] == answers[1]
    assert answers[0].startswith(
        "Der Kalender konnte nicht gelesen werden: Die Adresse führt in ein internes Netz"
    )

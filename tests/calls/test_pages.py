"""The staff pages over HTTP: who may use them, the booking page, the .ics, the order page."""

import re
from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar

from portal.models import SetupCall, StepCompletion
from portal.models.call import BOOKED, CANCELLED
from portal.services import calls
from portal.services.calls import Invitee
from portal.services.calls.rules import BERLIN
from tests.calls.support import (
    AGENDA,
    ANNA,
    CARLA,
    IDA,
    LEO,
    LOCATION,
    VIDEO,
    assert_event,
    at,
    book,
    event_of,
    future_days,
    give_hours,
    history_on,
    last_mail_id,
    mails,
    new_order,
    required,
    team,
    the_call,
)
from tests.conftest import login

# ---------------------------------------------------------------- who may


STAFF_ROUTES = [
    ("get", "/orders/{id}/call"),
    ("post", "/orders/{id}/call/book"),
    ("post", "/orders/{id}/call/offer"),
    ("post", "/orders/{id}/call/cancel"),
    ("post", "/orders/{id}/contacts"),
    ("post", "/orders/{id}/links/send"),
    ("post", "/orders/{id}/links/1/revoke"),
]


@pytest.mark.parametrize("role", ["backoffice", "lead", "architect", "technician", "admin"])
def test_every_staff_route_is_forbidden_for_other_roles(client, session, world, order, role):
    login(client, getattr(world, role))
    before = last_mail_id(session)
    for method, url in STAFF_ROUTES:
        response = getattr(client, method)(url.format(id=order.id), data={"duration": "60"})
        assert response.status_code == 403, (method, url)
    assert mails(session, before) == [] and the_call(session, order) is None


def test_another_partners_order_is_not_found_on_every_route(client, session, world, order):
    book(session, world, order, at(1, 10), team(world))
    login(client, world.other_partner)
    for method, url in [*STAFF_ROUTES, ("get", "/orders/{id}/call.ics")]:
        response = getattr(client, method)(url.format(id=order.id), data={"duration": "60"})
        assert response.status_code == 404, (method, url)
    assert the_call(session, order).status == BOOKED


def test_signed_out_visitors_are_sent_to_the_login(client, session, world, order):
    for method, url in [*STAFF_ROUTES, ("get", "/orders/{id}/call.ics")]:
        response = getattr(client, method)(url.format(id=order.id))
        assert response.status_code == 302 and "/login" in response.location, url


# ---------------------------------------------------------------- the booking page and the .ics


def test_booking_page_finds_books_moves_and_cancels(client, session, world, order, carla):
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/call")
    assert page.status_code == 200
    assert "Carla Kunde" in page.get_data(as_text=True)
    query = {"duration": "60", "architect": str(world.architect.id), "contact": str(carla.id)}
    found = client.get(f"/orders/{order.id}/call", query_string=query).get_data(as_text=True)
    starts = re.findall(r'name="start" value="([^"]+)"', found)
    assert len(starts) >= 9 * 15  # ten working days (today may be over), everyone free 9-17
    assert datetime.fromisoformat(starts[0]) > datetime.now(UTC)

    form = query | {"start": starts[20], "location": LOCATION, "video_url": VIDEO, "agenda": AGENDA}
    response = client.post(f"/orders/{order.id}/call/book", data=form)
    assert response.status_code == 302
    body = client.get(response.location).get_data(as_text=True)
    assert "Der Setup Call ist gebucht" in body
    assert "Gebuchter Termin" in body and "SEQUENCE 0" in body
    call = the_call(session, order)
    assert call.starts_at == datetime.fromisoformat(starts[20])
    assert {(p.user_id, p.contact_id) for p in call.participants} == {
        (world.lead.id, None),
        (world.partner.id, None),
        (world.architect.id, None),
        (None, carla.id),
    }

    moved = client.post(f"/orders/{order.id}/call/book", data=form | {"start": starts[40]})
    body = client.get(moved.location).get_data(as_text=True)
    assert "verschoben" in body and "SEQUENCE 1" in body
    assert the_call(session, order).starts_at == datetime.fromisoformat(starts[40])

    cancelled = client.post(f"/orders/{order.id}/call/cancel", data={"reason": "krank"})
    body = client.get(cancelled.location).get_data(as_text=True)
    assert "Der Setup Call ist abgesagt" in body and "Abgesagter Termin" in body
    assert the_call(session, order).status == CANCELLED
    again = client.post(f"/orders/{order.id}/call/cancel")
    assert "Es ist kein Setup Call gebucht" in client.get(again.location).get_data(as_text=True)


def test_a_refused_booking_is_flashed_and_keeps_the_choice(client, session, world, order, lara):
    beta = new_order(session, world, code="BETA", lead=lara)
    start = at(1, 10)
    book(
        session, world, beta, start, [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id)]
    )
    login(client, world.partner)
    form = {"duration": "60", "architect": str(world.architect.id), "start": start.isoformat()}
    response = client.post(f"/orders/{order.id}/call/book", data=form)
    assert response.status_code == 302
    assert (
        f"architect={world.architect.id}" in response.location
        and "duration=60" in response.location
    )
    body = client.get(response.location).get_data(as_text=True)
    assert "nicht jeder frei: Ida (hat einen Termin)" in body
    for bad in ({"start": start.isoformat(), "video_url": "javascript:x"}, {"start": "x"}):
        response = client.post(f"/orders/{order.id}/call/book", data=form | bad)
        assert "flash-error" in client.get(response.location).get_data(as_text=True)
    assert the_call(session, order) is None


def test_ics_download_is_the_calls_current_state(client, session, world, order, carla):
    login(client, world.partner)
    assert client.get(f"/orders/{order.id}/call.ics").status_code == 404
    book(session, world, order, at(1, 10), team(world, carla))
    book(session, world, order, at(2, 15), team(world, carla))

    response = client.get(f"/orders/{order.id}/call.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="setup-call-{order.id}.ics"'
    )
    call = the_call(session, order)
    people = required(LEO, ANNA, IDA, CARLA)
    cal = Calendar.from_ical(response.data)
    assert_event(cal, method=None, call=call, people=people, status="CONFIRMED")
    assert event_of(cal)["SEQUENCE"] == 1

    calls.cancel(session, world.partner, order.id)
    lead = client.application.test_client()
    login(lead, world.lead)  # vendor staff may download it, too
    cal = Calendar.from_ical(lead.get(f"/orders/{order.id}/call.ics").data)
    assert_event(cal, method=None, call=the_call(session, order), people=people, status="CANCELLED")


# ---------------------------------------------------------------- the order page: the call and the provisioning warning


def test_order_page_shows_the_call_its_history_and_the_provisioning_warning(
    client, session, world, order, carla
):
    login(client, world.partner)
    soon = at(1, 10)
    book(session, world, order, soon, team(world, carla))
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    summary = body.split('id="call-summary-heading"', 1)[1].split("</section>", 1)[0]
    assert f"/orders/{order.id}/call.ics" in summary and "10:00" in summary and "– 11:00" in summary
    assert str(soon.year) in summary and str(soon.day) in summary
    assert "Teilnehmer: Leo, Anna, Ida, Carla Kunde" in summary
    assert "Dringend: Der Setup Call ist in höchstens 3 Arbeitstagen" in body
    assert 'class="flash flash-error" role="alert"' in body

    far = datetime.combine(future_days(15)[14], time(10), BERLIN)
    book(session, world, order, far, team(world, carla))
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Die CP Cloud muss vor dem Setup Call eingerichtet werden." in body
    assert "Dringend" not in body
    history = history_on(body)
    assert "gebucht" in history and "verschoben" in history and ANNA in history

    session.add(StepCompletion(order_id=order.id, step="provision_cloud"))
    session.commit()
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "CP Cloud muss" not in body and "Dringend" not in body

    calls.cancel(session, world.partner, order.id)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "abgesagt" in history_on(body)


def test_order_page_of_an_on_premises_order_has_no_provisioning_warning(client, session, world):
    order = new_order(session, world, deployment="on_premises")
    give_hours(session, world.lead, world.partner)
    book(session, world, order, at(0, 10), team(world, architect=False))
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="call-summary-heading"' in body
    assert "CP Cloud muss" not in body and "Dringend" not in body and "flash-error" not in body


def test_provisioning_warning_grows_as_the_call_nears(session, world, order):
    monday = date(2027, 3, 1)

    def level(day: date, today: date = monday, **fields) -> str | None:
        call = SetupCall(
            starts_at=datetime.combine(day, time(10), BERLIN), status=fields.get("status", BOOKED)
        )
        return calls.provisioning_warning(fields.get("order", order), call, today)

    assert level(date(2027, 3, 25)) == "pending"
    assert level(date(2027, 3, 11)) == "pending"  # 8 working days ahead
    assert level(date(2027, 3, 10)) == "soon"  # 7
    assert level(date(2027, 3, 5)) == "soon"  # 4
    assert level(date(2027, 3, 4)) == "urgent"  # 3
    assert level(date(2027, 3, 2)) == "urgent"  # tomorrow
    assert level(monday) == "overdue"  # today
    assert level(date(2027, 2, 26)) == "overdue"  # already past
    assert level(date(2027, 3, 8), today=date(2027, 3, 6)) == "urgent"  # Saturday to Monday
    assert level(monday, status=CANCELLED) is None
    assert calls.provisioning_warning(order, None, monday) is None
    on_premises = new_order(session, world, code="ONPR", deployment="on_premises")
    assert level(monday, order=on_premises) is None
    session.add(StepCompletion(order_id=order.id, step="provision_cloud"))
    session.commit()
    session.refresh(order)
    assert level(monday) is None

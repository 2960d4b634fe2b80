"""The dashboard: visible orders only, step strips, filters and paging."""

import re
from datetime import datetime, timedelta

from flask_babel import format_date

from portal.filters import when
from portal.models import StepCompletion, utcnow
from portal.process import STEPS, completion
from portal.services import clock
from tests.conftest import login
from tests.helpers import accept, mark_done, place


def test_partner_sees_own_orders_but_not_another_partners(client, session, world):
    place(session, world, code="MINE")
    place(session, world, code="THEIRS", partner=world.other_partner)
    login(client, world.partner)
    body = client.get("/").get_data(as_text=True)
    assert "MINE GmbH" in body and "THEIRS GmbH" not in body


def test_vendor_staff_see_every_order(client, session, world):
    place(session, world, code="MINE")
    place(session, world, code="THEIRS", partner=world.other_partner)
    login(client, world.architect)
    body = client.get("/").get_data(as_text=True)
    assert "MINE GmbH" in body and "THEIRS GmbH" in body


def test_filter_by_open_step(client, session, world):
    accept(session, world, place(session, world, code="DONE"))
    place(session, world, code="WAITING")
    login(client, world.backoffice)
    body = client.get("/?step=accept").get_data(as_text=True)
    assert "WAITING GmbH" in body and "DONE GmbH" not in body
    body = client.get("/?step=schedule_call").get_data(as_text=True)
    assert "DONE GmbH" in body and "WAITING GmbH" not in body


def test_cloud_provisioning_filter_skips_on_premises_orders(client, session, world):
    accept(session, world, place(session, world, code="CLOUD", deployment="cp_cloud"))
    accept(session, world, place(session, world, code="ONPREM", deployment="on_premises"))
    login(client, world.partner)
    body = client.get("/?step=provision_cloud").get_data(as_text=True)
    assert "CLOUD GmbH" in body and "ONPREM GmbH" not in body


def test_waiting_for_me(client, session, world):
    accept(session, world, place(session, world, code="ACCEPTED"))
    place(session, world, code="NEW")
    login(client, world.backoffice)
    body = client.get("/?mine=1").get_data(as_text=True)
    assert "NEW GmbH" in body and "ACCEPTED GmbH" not in body
    login(client, world.partner)
    body = client.get("/?mine=1").get_data(as_text=True)
    assert "ACCEPTED GmbH" in body and "NEW GmbH" not in body


def test_strip_shows_each_steps_state(client, session, world):
    place(session, world, code="NEW")
    login(client, world.partner)
    body = client.get("/").get_data(as_text=True)
    assert "Bestellung: erledigt" in body
    assert "Auftragsannahme: offen" in body
    assert "CP Cloud einrichten: entfällt" in body
    assert "Setup Call planen: wartet auf Vorgänger" in body


def test_paging(app, client, session, world):
    app.config["DASHBOARD_PAGE_SIZE"] = 2
    for index in range(5):
        place(session, world, code=f"C{index}")
    login(client, world.partner)
    first = client.get("/").get_data(as_text=True)
    assert "Seite 1 von 3 · 5 Bestellungen" in first
    assert "C4 GmbH" in first and "C0 GmbH" not in first
    last = client.get("/?page=3").get_data(as_text=True)
    assert "C0 GmbH" in last and "C4 GmbH" not in last


def test_search_by_name_or_code(client, session, world):
    place(session, world, code="ALPHA")
    place(session, world, code="BETA")
    login(client, world.partner)
    body = client.get("/?q=alp").get_data(as_text=True)
    assert "ALPHA GmbH" in body and "BETA GmbH" not in body


def test_counting_stops_at_the_cap_but_paging_goes_on(app, client, session, world, monkeypatch):
    from portal.services import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    app.config["DASHBOARD_PAGE_SIZE"] = 2
    for index in range(6):
        place(session, world, code=f"C{index}")
    login(client, world.partner)
    first = client.get("/").get_data(as_text=True)
    assert "Seite 1 · mehr als" in first and "page=2" in first
    last = client.get("/?page=3").get_data(as_text=True)
    assert "C0 GmbH" in last and "page=4" not in last


def _placed_due_at(session, world, code: str, due: datetime, **kwargs):
    """An order placed so that its acceptance (DUE_ACCEPT=24h) falls due at `due`."""
    order = place(session, world, code=code, **kwargs)
    placed = completion(order, "order")
    placed.completed_at = due - timedelta(hours=24)
    session.commit()
    return order


def _codes(client, path: str) -> list[str]:
    body = client.get(path).get_data(as_text=True)
    return re.findall(r'<td class="mono">(\w+)</td>', body)


def test_orders_come_by_urgency_and_filter_by_overdue_and_this_week(app, client, session, world):
    app.config["DUE_ACCEPT"] = "24h"  # hours: the due moments below are exact
    now = utcnow()
    end_of_week = clock.deadlines().end_of_week(now)
    _placed_due_at(session, world, "NEXTWEEK", end_of_week + timedelta(hours=1))
    _placed_due_at(session, world, "LATE", now - timedelta(hours=2))
    _placed_due_at(session, world, "LATER", now - timedelta(hours=1))
    _placed_due_at(session, world, "THISWEEK", end_of_week - timedelta(seconds=30))
    done = place(session, world, code="DONE")
    for step in STEPS:  # every step done: no deadline left, listed last
        if completion(done, step.key) is None:
            session.add(StepCompletion(order_id=done.id, step=step.key))
    session.commit()
    login(client, world.backoffice)

    assert _codes(client, "/") == ["LATE", "LATER", "THISWEEK", "NEXTWEEK", "DONE"]
    assert _codes(client, "/?due=overdue") == ["LATE", "LATER"]
    assert _codes(client, "/?due=week") == ["THISWEEK"]
    assert _codes(client, "/?due=overdue&mine=1&q=later") == ["LATER"]
    assert _codes(client, "/?due=nonsense") == _codes(client, "/")  # an unknown filter: all
    body = client.get("/?due=overdue").get_data(as_text=True)
    assert '<option value="overdue" selected>' in body
    row = body.split(">LATE<", 1)[1].split("</tr>", 1)[0]
    assert 'badge badge-overdue">überfällig' in row and "Auftragsannahme" in row


def test_each_row_shows_the_call_date_and_the_next_deadline(client, session, world):
    order = place(session, world, code="CALLED")
    accept(session, world, order)
    starts = utcnow() + timedelta(days=20)
    mark_done(session, order, "schedule_call", world.partner, starts_at=starts)
    login(client, world.partner)
    body = client.get("/").get_data(as_text=True)
    row = body.split(">CALLED<", 1)[1].split("</tr>", 1)[0]
    assert f'<td class="nowrap">{when(starts)}</td>' in row
    questionnaires = clock.deadlines().calendar.shift(
        clock.deadlines().calendar.local_date(starts), -3
    )
    assert format_date(questionnaires, "medium") in row and "Fragebögen beantworten" in row
    assert "badge-soon" not in row and "badge-overdue" not in row
    # A new order's acceptance is due within two working days: soon.
    place(session, world, code="FRESH")
    login(client, world.backoffice)
    row = client.get("/").get_data(as_text=True).split(">FRESH<", 1)[1].split("</tr>", 1)[0]
    assert 'badge badge-soon">bald fällig' in row


def test_changed_deadline_settings_reach_stored_orders_by_command_and_at_worker_start(
    app, runner, session, world
):
    order = place(session, world, code="ACME")
    before = order.next_due_at
    assert before is not None
    app.config["DUE_ACCEPT"] = "1h"
    result = runner.invoke(args=["deadlines", "refresh"])
    assert result.exit_code == 0 and "1 order(s) have a new next due date" in result.output
    session.expire_all()
    placed = completion(order, "order").completed_at
    assert order.next_due_at == placed + timedelta(hours=1)
    assert "0 order(s)" in runner.invoke(args=["deadlines", "refresh"]).output  # nothing new
    app.config["DUE_ACCEPT"] = "2"
    result = runner.invoke(args=["work"])
    assert "deadlines: 1 order(s) have a new next due date" in result.output
    session.expire_all()
    assert order.next_due_at == before

"""Step 4 on the pages: the provisioning page, the order page section, the call gate, the dashboard."""

import re
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import event

from portal.calendar import slots
from portal.extensions import db
from portal.models import CloudProvisioning
from portal.services.calls.rules import BERLIN
from tests.cloud.builders import SERVER, book_directly, count, provision, revealed
from tests.conftest import login
from tests.helpers import accept, mark_done, place


def test_provisioning_page_form_and_errors(client, session, world, order, carla):
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/cloud")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ACME_CPCE" in body and "ACME_saxess" in body and "ACME_cpce" in body
    assert body.count('autocomplete="new-password"') == 2
    assert len(re.findall(r'checked [^>]*value="generate"', body)) == 2
    assert 'value="keep"' not in body
    assert f'name="contact" value="{carla.id}" >' in body  # not confirmed until ticked
    assert f"/orders/{order.id}/call" in body

    typed = "Typed-But-Refused-Pass-2027!"
    data = {
        "server_name": "not a server",
        "saxess_mode": "enter",
        "saxess_password": typed,
        "cpce_mode": "enter",
        "cpce_password": "short",
        "contact": str(carla.id),
    }
    refused = client.post(f"/orders/{order.id}/cloud", data=data)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert typed not in body and 'value="short"' not in body  # never filled back in
    assert 'value="not a server"' in body and f'value="{carla.id}" checked' in body
    assert "mindestens 20 Zeichen" in body and "host" in body
    assert len(re.findall(r'checked [^>]*value="enter"', body)) == 2
    assert count(session, CloudProvisioning) == 0

    data |= {"server_name": SERVER, "cpce_mode": "generate", "cpce_password": ""}
    saved = client.post(f"/orders/{order.id}/cloud", data=data)
    assert saved.status_code == 302
    body = client.get(saved.location).get_data(as_text=True)
    assert "CP Cloud eingerichtet (Version 1)" in body and typed not in body
    assert "Aktuelle Einrichtung (Version 1)" in body and "Carla Kunde" in body
    assert len(re.findall(r'checked [^>]*value="keep"', body)) == 2
    assert "Ändern (ergibt Version 2)" in body
    assert revealed(session, world, order, "saxess") == typed


def test_other_roles_see_the_page_without_form(client, session, world, order, carla):
    login(client, world.backoffice)
    body = client.get(f"/orders/{order.id}/cloud").get_data(as_text=True)
    assert "noch nicht eingerichtet" in body and 'name="server_name"' not in body
    assert client.post(f"/orders/{order.id}/cloud", data={"server_name": SERVER}).status_code == 403
    on_premises = place(session, world, code="ONPREM")
    assert client.get(f"/orders/{on_premises.id}/cloud").status_code == 404


def test_order_page_section(client, session, world, order, carla):
    on_premises = place(session, world, code="ONPREM")
    login(client, world.partner)
    assert 'id="cloud-heading"' not in client.get(f"/orders/{on_premises.id}").get_data(
        as_text=True
    )
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    section = body.split('id="cloud-heading"', 1)[1].split("</section>", 1)[0]
    assert "Noch nicht eingerichtet: Datenbank ACME_CPCE" in section
    assert f'href="/orders/{order.id}/cloud"' in section
    provision(session, world, order, [carla])
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    section = body.split('id="cloud-heading"', 1)[1].split("</section>", 1)[0]
    assert f"Datenbank ACME_CPCE auf {SERVER}" in section and "Version 1, Anna" in section
    assert "Noch niemand hat die Zugangsdaten abgerufen." in section


def count_queries(app):
    """A list that collects every SQL statement run while the listener is attached."""
    statements: list[str] = []

    def collect(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", collect)
    return statements, lambda: event.remove(db.engine, "before_cursor_execute", collect)


def test_order_page_queries_do_not_grow_with_versions_or_reveals(
    app, client, session, world, order, carla
):
    provision(session, world, order, [carla])
    book_directly(session, world, order, world.lead, world.architect)
    login(client, world.architect)

    def queries() -> int:
        session.expire_all()  # the same start each time: nothing cached from the test
        statements, stop = count_queries(app)
        assert client.get(f"/orders/{order.id}").status_code == 200
        stop()
        return len(statements)

    few = queries()
    for number in range(4):
        provision(session, world, order, [carla], server_name=f"10.0.0.{number + 1},1433")
        revealed(session, world, order, "saxess")
        revealed(session, world, order, "cpce", user=world.architect)
    assert queries() == few


def test_hold_call_waits_for_provisioning_on_the_order_page(client, session, world, order, carla):
    call = book_directly(session, world, order, world.lead, world.partner)
    mark_done(session, order, "schedule_call", world.partner, starts_at=call.starts_at)
    login(client, world.lead)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Setup Call durchführen: wartet auf Vorgänger" in body
    assert "CP Cloud einrichten: offen" in body
    provision(session, world, order, [carla])
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "CP Cloud einrichten: erledigt" in body
    # Ready, but the call is ten days ahead: it is held once it began.
    assert "Setup Call durchführen: wartet auf den Termin" in body


def in_working_days(count_: int):
    """A time (10:00 Berlin) `count_` working days after today."""
    today = datetime.now(BERLIN).date()
    day = slots.working_days(today + timedelta(days=1), count_)[-1]
    return datetime.combine(day, time(10), BERLIN).astimezone(UTC)


def test_the_dashboard_marks_a_cloud_database_due_soon_and_one_page_costs_the_same_queries(
    app, client, session, world, order, carla
):
    def call_at(target, moment):
        """The call booked at `moment` and the questionnaires in: what is left is the database."""
        mark_done(session, target, "schedule_call", world.partner, starts_at=moment)
        mark_done(session, target, "answer_questionnaires", world.partner)

    call_at(order, in_working_days(2))  # the database is due 1 working day before: soon
    far = place(session, world, code="FAR", deployment="cp_cloud")
    accept(session, world, far)
    call_at(far, in_working_days(8))
    login(client, world.partner)

    def marked() -> dict[str, str]:
        body = client.get("/").get_data(as_text=True)
        rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
        found = {}
        for row in rows:
            code = re.search(r'class="mono">(\w+)<', row).group(1)
            due = row.split('class="due">', 1)[1].split("</td>", 1)[0]
            badge = re.search(r'class="badge badge-(\w+)"', due)
            found[code] = (re.search(r'class="meta">([^<]+)<', due).group(1), badge and badge[1])
        return found

    assert marked()["ACME"] == ("CP Cloud einrichten", "soon")
    assert marked()["FAR"] == ("CP Cloud einrichten", None)
    provision(session, world, order, [carla])
    assert marked()["ACME"][0] != "CP Cloud einrichten"

    # The same number of queries for a page, however many orders it shows.
    session.expire_all()
    statements, stop = count_queries(app)
    client.get("/")
    stop()
    few = len(statements)
    for number in range(5):
        extra = place(session, world, code=f"MORE{number}", deployment="cp_cloud")
        accept(session, world, extra)
        call_at(extra, datetime.now(UTC) - timedelta(hours=1))  # began without a database
    session.expire_all()
    statements, stop = count_queries(app)
    client.get("/")
    stop()
    assert len(statements) == few
    assert {code for code, (_step, badge) in marked().items() if badge == "overdue"} == {
        f"MORE{n}" for n in range(5)
    }

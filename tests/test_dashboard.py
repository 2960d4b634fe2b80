"""The dashboard: visible orders only, step strips, filters and paging."""

from tests.conftest import login
from tests.helpers import accept, place


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
    from portal.services import dashboard

    monkeypatch.setattr(dashboard, "COUNT_CAP", 3)
    app.config["DASHBOARD_PAGE_SIZE"] = 2
    for index in range(6):
        place(session, world, code=f"C{index}")
    login(client, world.partner)
    first = client.get("/").get_data(as_text=True)
    assert "Seite 1 · mehr als" in first and "page=2" in first
    last = client.get("/?page=3").get_data(as_text=True)
    assert "C0 GmbH" in last and "page=4" not in last

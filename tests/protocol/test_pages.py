"""Steps 6 and 7 over HTTP: the order page's part, the contacts page, the editor."""

from sqlalchemy import func, select

from portal.models import CallAttendance, Protocol
from portal.services import protocol
from tests.conftest import login
from tests.helpers import catalogue
from tests.protocol.support import CALL_DAY, draft, hold, submitted


def test_order_page_lists_what_the_call_still_needs(client, session, world, order, carla):
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="call-missing"' in body
    assert (
        "Datenflussdiagramm gespeichert" in body
        and "Ansprechpartner vom Projektleiter bestätigt" in body
    )
    assert "complete-call" not in body
    assert f"/orders/{order.id}/protocol" in body and "/contacts/confirm" not in body
    response = client.post(f"/orders/{order.id}/call/complete", follow_redirects=True)
    assert "kann noch nicht abgeschlossen werden" in response.get_data(as_text=True)
    client.post("/logout")
    login(client, world.lead)
    assert f"/orders/{order.id}/contacts/confirm" in client.get(f"/orders/{order.id}").get_data(
        as_text=True
    )


def test_contacts_page_for_the_orders_lead_only(client, session, world, order, carla, lara):
    login(client, world.partner)
    assert client.get(f"/orders/{order.id}/contacts/confirm").status_code == 403
    client.post("/logout")
    login(client, lara)
    assert client.get(f"/orders/{order.id}/contacts/confirm").status_code == 403
    client.post("/logout")
    login(client, world.lead)
    page = client.get(f"/orders/{order.id}/contacts/confirm").get_data(as_text=True)
    assert f'name="contact-{carla.id}-role"' in page
    form = {
        "contact": str(carla.id),
        f"contact-{carla.id}-role": "IT-Leitung",
        f"contact-{carla.id}-email": "kaputt",
        f"contact-{carla.id}-phone": "",
    }
    refused = client.post(f"/orders/{order.id}/contacts/confirm", data=form)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert 'value="kaputt"' in body and f'href="#contact-{carla.id}-email"' in body
    form[f"contact-{carla.id}-email"] = "carla@acme.example"
    form[f"contact-{carla.id}-attended"] = "1"
    done = client.post(f"/orders/{order.id}/contacts/confirm", data=form)
    assert done.status_code == 302
    assert session.scalar(
        select(CallAttendance.attended).where(CallAttendance.contact_id == carla.id)
    )


def _editor_form(world, carla, **extra):
    return {
        "held_on": CALL_DAY,
        "attendee": [f"user-{world.lead.id}", f"contact-{carla.id}"],
        "topics": "Schnittstellen",
        "decisions": "",
        "point_text": ["VPN", ""],
        "point_owner": ["Carla", ""],
        "point_due": ["2027-03-15", ""],
        "service_item": [],
        "service_quantity": [],
    } | extra


def test_editor_rows_are_added_and_removed_without_javascript(client, session, world, order, carla):
    catalogue(session)
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="protocol-form"' in page and "js/protocol.js" in page
    added = client.post(
        f"/orders/{order.id}/protocol", data=_editor_form(world, carla, action="add_service")
    )
    body = added.get_data(as_text=True)
    assert added.status_code == 200 and 'id="service-0-item"' in body and "autofocus" in body
    removed = client.post(
        f"/orders/{order.id}/protocol", data=_editor_form(world, carla, action="remove_point:0")
    )
    body = removed.get_data(as_text=True)
    assert 'id="point-0-text"' in body and 'value="VPN"' not in body
    assert session.scalar(select(func.count()).select_from(Protocol)) == 0  # nothing saved yet


def test_editor_saves_submits_and_shows_errors_in_place(client, session, world, order, carla):
    items = catalogue(session)
    login(client, world.partner)
    bad = _editor_form(world, carla, point_due=["morgen", ""], action="save")
    refused = client.post(f"/orders/{order.id}/protocol", data=bad)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert 'href="#point-0-due"' in body and 'value="morgen"' in body
    form = _editor_form(
        world,
        carla,
        service_item=[str(items["TRAINING"].id)],
        service_quantity=["2"],
        action="save",
    )
    assert client.post(f"/orders/{order.id}/protocol", data=form).status_code == 302
    version = protocol.protocol_of(session, order).version
    form["version"] = str(version)
    assert client.post(f"/orders/{order.id}/protocol/submit", data=form).status_code == 302
    session.expire_all()
    assert protocol.protocol_of(session, order).status == "submitted"
    view = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="protocol-form"' not in view and "Anwenderschulung" in view


def test_lead_approves_over_http_and_the_page_shows_approval_and_hash(
    client, session, world, order, carla
):
    sent = submitted(session, world, order, carla)
    hold(session, world, order)
    login(client, world.lead)
    page = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="approve"' in page
    refused = client.post(
        f"/orders/{order.id}/protocol/return", data={"version": sent.version, "comment": ""}
    )
    assert refused.status_code == 400 and "comment-error" in refused.get_data(as_text=True)
    response = client.post(
        f"/orders/{order.id}/protocol/approve",
        data={"version": sent.version},
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    session.expire_all()
    digest = protocol.protocol_of(session, order).content_hash
    assert "Freigegeben von Leo am" in body and f'<code id="content-hash">{digest}</code>' in body
    again = client.post(
        f"/orders/{order.id}/protocol/approve",
        data={"version": sent.version},
        follow_redirects=True,
    )
    assert "schon freigegeben" in again.get_data(as_text=True)


def test_protocol_pages_answer_404_to_another_partner(client, session, world, order, carla):
    draft(session, world, order, carla)
    login(client, world.other_partner)
    assert client.get(f"/orders/{order.id}/protocol").status_code == 404
    assert (
        client.post(f"/orders/{order.id}/protocol", data=_editor_form(world, carla)).status_code
        == 404
    )
    assert client.post(f"/orders/{order.id}/protocol/approve", data={}).status_code == 404
    assert client.post(f"/orders/{order.id}/call/complete").status_code == 404


def test_architect_reads_but_cannot_write(client, session, world, order, carla):
    draft(session, world, order, carla)
    login(client, world.architect)
    page = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="protocol-form"' not in page and "VPN-Zugang einrichten" in page
    assert (
        client.post(f"/orders/{order.id}/protocol", data=_editor_form(world, carla)).status_code
        == 403
    )

"""The customer's contacts added while planning, and their questionnaire links sent or revoked."""

import pytest
from sqlalchemy import func, select

from portal.models import CustomerContact, CustomerLink
from portal.services import calls
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.calls.support import (
    CARLA,
    last_mail_id,
    link_of,
    links_table,
    mails,
    new_order,
    tokens_in,
)
from tests.conftest import login


def test_add_contact_normalises_and_refuses_bad_input(session, world, order, carla):
    assert (carla.name, carla.email, carla.phone, carla.role) == (
        "Carla Kunde",
        CARLA,
        "+49 30 123",
        "IT-Leitung",
    )
    assert carla.customer_id == order.customer_id
    with pytest.raises(Conflict):
        calls.add_contact(session, world.partner, order.id, name="Carla K", email=CARLA.upper())
    with pytest.raises(Invalid) as refused:
        calls.add_contact(session, world.partner, order.id, name="X", email="a@b", language="fr")
    assert set(refused.value.fields) == {"name", "email", "language"}
    with pytest.raises(Invalid):
        calls.add_contact(
            session, world.partner, order.id, name="Eve", email="eve@x.example\r\nBcc: x@y.example"
        )
    with pytest.raises(Forbidden):
        calls.add_contact(session, world.lead, order.id, name="Eve", email="eve@x.example")
    with pytest.raises(NotFound):
        calls.add_contact(session, world.other_partner, order.id, name="Eve", email="eve@x.example")


def test_contacts_are_added_from_the_booking_page(client, session, world, order):
    login(client, world.partner)
    response = client.post(
        f"/orders/{order.id}/contacts",
        data={"name": "Dora Daten", "email": "dora@acme.example", "language": "en"},
    )
    assert "Ansprechpartner hinzugefügt" in client.get(response.location).get_data(as_text=True)
    response = client.post(f"/orders/{order.id}/contacts", data={"name": "Dora", "email": "nope"})
    body = client.get(response.location).get_data(as_text=True)
    assert "Bitte eine gültige E-Mail-Adresse angeben." in body
    contacts = session.scalars(select(CustomerContact)).all()
    assert [(c.name, c.language) for c in contacts] == [("Dora Daten", "en")]


def test_links_are_resent_and_revoked_from_the_order_page(client, session, world, order, carla):
    other = new_order(session, world, code="OTHR", partner=world.other_partner)
    stranger = calls.add_contact(
        session, world.other_partner, other.id, name="Olga Other", email="olga@other.example"
    )
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'action="/orders/{order.id}/links/send"' in body and "Carla Kunde" in body
    links_before = session.scalar(select(func.count()).select_from(CustomerLink))

    before = last_mail_id(session)
    response = client.post(f"/orders/{order.id}/links/send", data={"contact": [str(carla.id)]})
    assert response.location.endswith(f"/orders/{order.id}#links-heading")
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Links für 1 Ansprechpartner zum Versand eingereiht" in body
    # The links table says to whom each new link went, and that the mail still waits.
    fresh_rows = links_table(body).split("<tr>")[-2:]
    assert all("Carla Kunde" in row and "wartet auf Versand" in row for row in fresh_rows)
    (message,) = mails(session, before)
    assert message["To"] == CARLA and message["Subject"] == "CPCE: Ihre Fragebögen zur Einrichtung"
    tokens = tokens_in(message)
    assert {link_of(session, t).questionnaire for t in tokens} == {"technical", "business"}
    assert session.scalar(select(func.count()).select_from(CustomerLink)) == links_before + 2
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    fresh_rows = links_table(body).split("<tr>")[-2:]
    assert all("als Datei abgelegt (kein Mailserver)" in row for row in fresh_rows)
    assert not any(token in body for token in tokens)

    # A contact of another customer gets nothing.
    before = last_mail_id(session)
    client.post(f"/orders/{order.id}/links/send", data={"contact": [str(stranger.id)]})
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "mindestens einen Ansprechpartner" in body
    assert mails(session, before) == []

    # Revoking: the link stops working at once; the order page no longer offers to revoke it.
    token = next(t for t in tokens if link_of(session, t).questionnaire == "technical")
    technical = link_of(session, token)
    assert client.application.test_client().get(f"/r/{token}").status_code == 303
    client.post(f"/orders/{order.id}/links/{technical.id}/revoke")
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Der Link ist widerrufen" in body
    assert client.application.test_client().get(f"/r/{token}").status_code == 410
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f"/links/{technical.id}/revoke" not in body
    assert f'id="link-{technical.id}-state" data-state="revoked"' in body
    client.post(f"/orders/{order.id}/links/{technical.id}/revoke")
    assert "schon zurückgezogen" in client.get(f"/orders/{order.id}").get_data(as_text=True)
    other_link = session.scalar(select(CustomerLink).where(CustomerLink.order_id == other.id))
    assert client.post(f"/orders/{order.id}/links/{other_link.id}/revoke").status_code == 404
    session.expire_all()
    assert other_link.revoked_at is None

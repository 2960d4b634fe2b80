"""The customer's side over HTTP, through the secret link: pick an offered time, see the call."""

import re
from datetime import datetime

from portal.services import calls
from portal.services.calls import Invitee
from tests.calls.support import (
    ANNA,
    CARLA,
    IDA,
    LEO,
    LOCATION,
    VIDEO,
    at,
    book,
    calendar_part,
    completion,
    customer,
    invitations,
    last_mail_id,
    link_of,
    mails,
    new_order,
    offer_over_http,
    plain_mails,
    team,
    text_of,
    the_call,
    tokens_in,
)
from tests.conftest import login


def test_the_customer_picks_an_offered_time_through_the_link(client, session, world, order, carla):
    login(client, world.partner)
    offered = [at(2, 9), at(2, 11), at(3, 14)]
    before = last_mail_id(session)
    response = offer_over_http(client, world, order, carla, offered)
    body = client.get(response.location).get_data(as_text=True)
    assert "Die Terminauswahl ist zum Versand an den Kunden eingereiht" in body
    assert "Offene Terminauswahl beim Kunden" in body
    (mail_,) = mails(session, before)
    assert mail_["To"] == CARLA and "wählen Sie einen Termin" in mail_["Subject"]
    assert "11:00" in text_of(mail_)
    token = next(t for t in tokens_in(mail_) if link_of(session, t).questionnaire == "technical")

    nameless = customer(client, token, name=None)
    page = nameless.get("/customer/call").get_data(as_text=True)
    assert page.count('name="start"') == 3 and "zuerst Ihren Namen" in page
    refused = nameless.post("/customer/call", data={"offer": "1", "start": offered[0].isoformat()})
    assert refused.status_code == 302 and refused.location.endswith("/customer")

    visitor = customer(client, token)
    page = visitor.get("/customer/call").get_data(as_text=True)
    offer = calls.open_offer(session, order)
    assert all(f'value="{iso}"' in page for iso in offer.starts)
    before = last_mail_id(session)
    response = visitor.post(
        "/customer/call", data={"offer": str(offer.id), "start": offer.starts[1]}
    )
    assert response.status_code == 303 and response.location.endswith("/customer/call")
    page = visitor.get("/customer/call").get_data(as_text=True)
    assert "Der Termin ist gebucht" in page
    assert LOCATION in page and VIDEO.replace("&", "&amp;") in page and "Datenfluss" in page
    assert 'name="start"' not in page

    call = the_call(session, order)
    assert call.starts_at == offered[1] and call.history[0].by == "Carla Kunde (customer)"
    assert set(invitations(mails(session, before))) == {LEO, ANNA, IDA, CARLA}
    assert completion(session, order) is not None
    body = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    assert "Offene Terminauswahl" not in body and "Carla Kunde (customer)" in body


def test_a_pick_of_a_time_taken_meanwhile_shows_fresh_options(
    client, session, world, order, carla, lara
):
    login(client, world.partner)
    offered = [at(2, 9), at(2, 11), at(3, 14)]
    offer_over_http(client, world, order, carla, offered)
    beta = new_order(session, world, code="BETA", lead=lara)
    book(
        session,
        world,
        beta,
        offered[0],
        [Invitee(user_id=lara.id), Invitee(user_id=world.architect.id, required=False)],
    )
    token = tokens_in(plain_mails(mails(session))[CARLA][-1])[0]
    visitor = customer(client, token)
    offer = calls.open_offer(session, order)
    response = visitor.post(
        "/customer/call", data={"offer": str(offer.id), "start": offer.starts[0]}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "inzwischen vergeben" in page
    values = re.findall(r'name="start" value="([^"]+)"', page)
    assert [datetime.fromisoformat(v) for v in values] == offered[1:]
    assert the_call(session, order) is None

    stale = visitor.post("/customer/call", data={"offer": str(offer.id + 5), "start": values[0]})
    assert stale.status_code == 409
    response = visitor.post("/customer/call", data={"offer": str(offer.id), "start": values[0]})
    assert response.status_code == 303 and the_call(session, order).starts_at == offered[1]


def test_the_customer_call_page_shows_the_booked_call(client, session, world, order, carla):
    book(session, world, order, at(1, 10), team(world, carla))
    links_mail = plain_mails(mails(session))[CARLA][0]
    visitor = customer(client, tokens_in(links_mail)[0])
    page = visitor.get("/customer/call").get_data(as_text=True)
    assert "Ihr Setup Call" in page and LOCATION in page and "1. Vorstellung" in page
    assert "&lt;b&gt;Datenfluss" in page
    assert client.application.test_client().get("/customer/call").status_code == 403


def test_the_agenda_keeps_its_line_breaks_as_escaped_text(client, session, world, order, carla):
    book(session, world, order, at(1, 10), team(world, carla))
    sent = mails(session)
    visitor = customer(client, tokens_in(plain_mails(sent)[CARLA][0])[0])
    page = visitor.get("/customer/call").get_data(as_text=True)
    lines = (
        "1. Vorstellung<br>\n2. Technischer Fragebogen; Antworten prüfen<br>\n"
        "3. &lt;b&gt;Datenfluss&lt;/b&gt; &amp; Ablauf"
    )
    assert lines in page and "<b>Datenfluss" not in page
    (invitation,) = [m for m in sent if m["To"] == CARLA and calendar_part(m) is not None]
    html = text_of(invitation, "html")
    assert lines in html and "<b>Datenfluss" not in html


def test_the_customer_landing_page_shows_the_call(client, session, world, order, carla):
    start = at(1, 10)
    book(session, world, order, start, team(world, carla))
    visitor = customer(client, tokens_in(plain_mails(mails(session))[CARLA][0])[0])
    page = visitor.get("/customer").get_data(as_text=True)
    assert "Setup Call" in page and "/customer/call" in page
    assert start.strftime("%H:%M") in page

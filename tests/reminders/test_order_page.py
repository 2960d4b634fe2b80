"""The order page's reminders: every reminder with its delivery state, the partner's switches,
tenancy, roles and CSRF."""

import re

from sqlalchemy import select

from portal.models import Order, ReminderMute
from tests.conftest import login
from tests.helpers import deliver
from tests.reminders.support import CARLA, CHRIS, at, remind


def switches(session, order_id):
    session.expire_all()
    order = session.get(Order, order_id)
    mutes = session.scalars(select(ReminderMute.email).where(ReminderMute.order_id == order_id))
    return order.reminders_off, sorted(mutes)


def test_the_page_lists_each_reminder_with_its_delivery(client, session, world, order, contacts):
    remind(session, at(10))
    deliver(session)
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    section = page[
        page.index('id="reminders-heading"') : page.index(
            "</section>", page.index('id="reminders-heading"')
        )
    ]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", section)
    assert sorted(email for _when, email in rows) == [CARLA, CHRIS]
    assert section.count("Technischer Fragebogen, Fachlicher Fragebogen") == 2
    assert section.count("als Datei abgelegt (kein Mailserver)") == 2  # delivered, no SMTP
    assert "7, 2 Arbeitstage vor dem Setup Call" in section and "höchstens 2 je Person" in section
    assert f'name="mute" value="{CHRIS}"' in section
    # Vendor staff see the reminders but not the switches.
    login(client, world.backoffice)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="reminders-heading"' in page and 'name="mute"' not in page


def test_only_the_partner_of_the_order_switches(client, session, world, order, contacts):
    login(client, world.other_partner)
    assert (
        client.post(f"/orders/{order.id}/reminders", data={"reminders_off": "1"}).status_code == 404
    )
    login(client, world.backoffice)
    assert (
        client.post(f"/orders/{order.id}/reminders", data={"reminders_off": "1"}).status_code == 403
    )
    assert switches(session, order.id) == (False, [])


def test_an_unknown_person_is_refused_and_nothing_changes(client, session, world, order, contacts):
    login(client, world.partner)
    response = client.post(
        f"/orders/{order.id}/reminders",
        data={"reminders_off": "1", "mute": [CARLA, "mallory@evil.example"]},
        follow_redirects=True,
    )
    assert (
        "An mallory@evil.example wurde kein Link zu dieser Bestellung geschickt."
        in response.get_data(as_text=True)
    )
    assert switches(session, order.id) == (False, [])
    client.post(f"/orders/{order.id}/reminders", data={"mute": [CARLA.upper()]})
    assert switches(session, order.id) == (False, [CARLA])


def test_the_switches_need_the_csrf_token(app, client, session, world, order, contacts):
    login(client, world.partner)
    app.config["WTF_CSRF_ENABLED"] = True
    assert (
        client.post(f"/orders/{order.id}/reminders", data={"reminders_off": "1"}).status_code == 400
    )
    assert client.post("/account/notifications", data={}).status_code == 400
    assert switches(session, order.id) == (False, [])
    session.expire_all()
    assert world.partner.digest_off is False

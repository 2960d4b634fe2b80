"""One current link per person and questionnaire; the order's links table, re-send and revoke."""

from datetime import timedelta

from sqlalchemy import select

from portal.models import AuditEvent, CustomerLink, utcnow
from portal.services import links
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


def send(session, world, order, *contacts) -> dict[str, dict[str, str]]:
    """Mail links to the contacts; email -> questionnaire -> token of the mail they got."""
    since = last_mail_id(session)
    links.send_to_contacts(session, world.partner, order.id, [c.id for c in contacts])
    return {
        m["To"]: {link_of(session, t).questionnaire: t for t in tokens_in(m)}
        for m in mails(session, since)
    }


def current(session, order, email) -> list[CustomerLink]:
    rows = session.scalars(
        select(CustomerLink).where(
            CustomerLink.order_id == order.id,
            CustomerLink.recipient_email == email,
            CustomerLink.revoked_at.is_(None),
        )
    )
    return sorted(rows, key=lambda k: k.questionnaire)


def test_each_link_names_one_recipient(session, world, order, carla, chris):
    sent = send(session, world, order, carla, chris)
    for email, contact in ((CARLA, carla), ("chris@acme.example", chris)):
        for token in sent[email].values():
            link = link_of(session, token)
            assert (link.contact_id, link.recipient_email) == (contact.id, email)
            assert link.recipient_name == contact.name
            assert [r["email"] for r in link.sent_to] == [email]
    # Two people, two links each: nobody shares a token.
    assert len({t for per in sent.values() for t in per.values()}) == 4


def test_a_second_mail_supersedes_the_persons_old_links_only(
    client, session, world, order, carla, chris
):
    first = send(session, world, order, carla, chris)
    accepted = session.scalars(
        select(CustomerLink).where(CustomerLink.recipient_email == world.partner.email)
    ).all()
    second = send(session, world, order, carla)
    assert [k.questionnaire for k in current(session, order, CARLA)] == ["business", "technical"]
    assert {k.id for k in current(session, order, CARLA)} == {
        link_of(session, t).id for t in second[CARLA].values()
    }
    for token in first[CARLA].values():
        old = link_of(session, token)
        assert old.superseded_at is not None and old.revoked_at == old.superseded_at
        page = client.application.test_client().get(f"/r/{token}")
        assert page.status_code == 410
        text = page.get_data(as_text=True)
        assert "ein neuerer Link zu diesem Fragebogen geschickt" in text
        assert "Bitte verwenden Sie den Link aus der neuesten E-Mail." in text
        # As generic as the expired page: nothing about the order or its customer.
        assert "ACME" not in text and order.short_code not in text
    for token in second[CARLA].values():
        assert client.application.test_client().get(f"/r/{token}").status_code == 303
    # Chris's links and the partner's from the acceptance mail are other people's.
    for token in first["chris@acme.example"].values():
        assert client.application.test_client().get(f"/r/{token}").status_code == 303
    assert all(k.revoked_at is None for k in accepted) and len(accepted) == 2


def test_a_session_opened_before_the_newer_mail_goes_on(client, session, world, order, carla):
    first = send(session, world, order, carla)
    visitor = client.application.test_client()
    assert visitor.get(f"/r/{first[CARLA]['technical']}").status_code == 303
    send(session, world, order, carla)
    # The old link no longer opens, but the page Carla has open keeps working.
    assert visitor.get("/customer").status_code == 200
    assert (
        client.application.test_client().get(f"/r/{first[CARLA]['technical']}").status_code == 410
    )


def test_the_links_table_names_recipient_use_expiry_and_state(client, session, world, order, carla):
    first = send(session, world, order, carla)
    client.application.test_client().get(f"/r/{first[CARLA]['technical']}")
    second = send(session, world, order, carla)
    revoked = link_of(session, second[CARLA]["business"])
    links.revoke(session, world.partner, order.id, revoked.id)
    expired = link_of(session, second[CARLA]["technical"])
    expired.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    login(client, world.partner)
    table = links_table(client.get(f"/orders/{order.id}").get_data(as_text=True))
    assert "<caption" in table
    rows = table.split("<tr>")[2:]  # after the header row
    assert len(rows) == 6  # two from the acceptance mail, two each to Carla
    used = link_of(session, first[CARLA]["technical"])
    row = next(r for r in rows if f'id="link-{used.id}-state"' in r)
    assert "Carla Kunde" in row and CARLA in row and "Technischer Fragebogen" in row
    assert "nie" not in row and 'data-state="superseded"' in row and "ersetzt" in row
    unused = next(r for r in rows if f'id="link-{revoked.id}-state"' in r)
    assert ">nie<" in unused and 'data-state="revoked"' in unused and "widerrufen" in unused
    gone = next(r for r in rows if f'id="link-{expired.id}-state"' in r)
    assert 'data-state="expired"' in gone and "abgelaufen" in gone
    active = [r for r in rows if 'data-state="active"' in r]
    assert len(active) == 2 and all("anna@cp.example" in r for r in active)
    # Actions only on active links: re-send and revoke (behind a confirmation).
    assert table.count("Erneut senden") == 2 and table.count("Link widerrufen") == 2
    # Vendor staff with access see the table without the actions; in English too.
    login(client, world.lead)
    with client.session_transaction() as browser:
        browser["lang"] = "en"
    table = links_table(client.get(f"/orders/{order.id}").get_data(as_text=True))
    assert "Carla Kunde" in table and ">never<" in table
    assert "replaced" in table and "revoked" in table and "expired" in table
    assert "Resend" not in table and "Revoke" not in table


def test_resend_mails_a_new_link_in_the_recipients_language(client, session, world, order, chris):
    first = send(session, world, order, chris)["chris@acme.example"]
    old = link_of(session, first["business"])
    login(client, world.partner)
    since = last_mail_id(session)
    response = client.post(f"/orders/{order.id}/links/{old.id}/resend")
    assert response.location.endswith(f"/orders/{order.id}#links-heading")
    body = client.get(response.location).get_data(as_text=True)
    assert "Ein neuer Link für Chris Customer ist in den Postausgang gelegt" in body
    (message,) = mails(session, since)
    assert message["To"] == "chris@acme.example"
    assert message["Subject"] == "CPCE: your new link to the questionnaire"
    (token,) = tokens_in(message)
    fresh = link_of(session, token)
    assert (fresh.questionnaire, fresh.contact_id) == ("business", chris.id)
    session.expire_all()
    assert old.superseded_at is not None
    assert client.application.test_client().get(f"/r/{token}").status_code == 303
    assert client.application.test_client().get(f"/r/{first['business']}").status_code == 410
    # The technical link was not part of it and still opens.
    assert client.application.test_client().get(f"/r/{first['technical']}").status_code == 303
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "link.resend"))
    assert event.actor_id == world.partner.id and event.payload["superseded"] == [old.id]
    # A replaced link is not re-sent again.
    again = client.post(f"/orders/{order.id}/links/{old.id}/resend")
    assert "Nur ein aktiver Link" in client.get(again.location).get_data(as_text=True)


def test_resend_and_revoke_are_partner_actions_within_the_tenancy(
    client, session, world, order, carla
):
    link = link_of(session, send(session, world, order, carla)[CARLA]["technical"])
    other = new_order(session, world, code="OTHR", partner=world.other_partner)
    login(client, world.other_partner)
    assert client.post(f"/orders/{order.id}/links/{link.id}/resend").status_code == 404
    assert client.post(f"/orders/{order.id}/links/{link.id}/revoke").status_code == 404
    login(client, world.lead)
    assert client.post(f"/orders/{order.id}/links/{link.id}/resend").status_code == 403
    login(client, world.partner)
    other_link = session.scalar(select(CustomerLink).where(CustomerLink.order_id == other.id))
    # The other order's link (its partner's acceptance mail), asked for through this order.
    assert client.post(f"/orders/{order.id}/links/{other_link.id}/resend").status_code == 404
    # A re-send changes state, so it is a POST only.
    assert client.get(f"/orders/{order.id}/links/{link.id}/resend").status_code == 405
    session.expire_all()
    assert link.revoked_at is None


def test_a_revoked_link_stops_opening_and_ends_its_session(client, session, world, order, carla):
    token = send(session, world, order, carla)[CARLA]["technical"]
    visitor = client.application.test_client()
    assert visitor.get(f"/r/{token}").status_code == 303
    assert visitor.get("/customer").status_code == 200
    login(client, world.partner)
    done = client.post(f"/orders/{order.id}/links/{link_of(session, token).id}/revoke")
    assert "Der Link ist widerrufen" in client.get(done.location).get_data(as_text=True)
    assert client.application.test_client().get(f"/r/{token}").status_code == 410
    assert visitor.get("/customer").status_code == 403

"""Personal answer links, the answers on the call and order pages, and the partner's decline mail."""

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from portal.models import AuditEvent, CallParticipant, Order, OutboxMessage, Role, utcnow
from portal.services import calls
from portal.services.calls import attention, replies
from tests.calls.replies_support import answer_links, reply_mail
from tests.calls.support import (
    CARLA,
    CHRIS,
    LEO,
    at,
    book,
    calendar_part,
    last_mail_id,
    mails,
    team,
    text_of,
)
from tests.conftest import add_user, login
from tests.helpers import mark_done


def _invitation_to(messages, address):
    return next(m for m in messages if m["To"] == address and calendar_part(m) is not None)


def _participant(session, order, email):
    call = calls.call_of(session, order)
    return next(
        p for p in call.participants if (p.user or p.contact).email.lower() == email.lower()
    )


def _answers(session, order):
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == "call.answer").order_by(AuditEvent.id)
        )
    )


def _booked(session, world, order, *contacts, **kwargs):
    before = last_mail_id(session)
    book(session, world, order, at(2, 10), team(world, *contacts, **kwargs))
    return mails(session, before)


def test_each_invitation_carries_three_personal_links_whose_token_is_stored_only_hashed(
    client, session, world, order, carla, chris
):
    messages = _booked(session, world, order, carla, chris)
    links = answer_links(_invitation_to(messages, CARLA))
    assert set(links) == {"accepted", "tentative", "declined"}
    token = re.search(r"/a/([^?]+)", links["accepted"]).group(1)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert all(token in link for link in links.values())
    assert _participant(session, order, CARLA).answer_token_hash == (
        hashlib.sha256(token.encode()).hexdigest()
    )
    # Each person has their own token; the stored messages hold placeholders only.
    chris_links = answer_links(_invitation_to(messages, CHRIS))
    assert chris_links["accepted"] != links["accepted"]
    assert "Accept tentatively" in text_of(_invitation_to(messages, CHRIS))
    # Chris's link opens the page in his language.
    english = client.application.test_client()
    body = english.get(english.get(chris_links["tentative"]).headers["Location"]).get_data(
        as_text=True
    )
    assert "Will you attend?" in body and "Tentatively accepted" in body
    raws = " ".join(session.scalars(select(OutboxMessage.raw)))
    assert token not in raws


def test_the_link_shows_the_call_and_only_the_post_records_the_answer(
    client, session, world, order, carla
):
    messages = _booked(session, world, order, carla)
    link = answer_links(_invitation_to(messages, CARLA))["declined"]
    response = client.get(link)
    assert response.status_code == 303
    page_url = response.headers["Location"]
    assert "/a/" not in page_url and "declined" in page_url
    page = client.get(page_url)
    body = page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert "ACME GmbH" in body and "Zeitzone Europe/Berlin" in body
    call = calls.call_of(session, order)
    assert call.starts_at.astimezone(at(2, 10).tzinfo).strftime("%H:%M") in body
    assert re.search(r'value="declined" required checked', body)
    assert "noch keine" in body
    carla_row = _participant(session, order, CARLA)
    assert carla_row.partstat is None and _answers(session, order) == []  # GET changed nothing

    response = client.post(page_url.split("?")[0], data={"answer": "declined"})
    assert response.status_code == 303
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Danke! Ihre Absage ist gespeichert." in body
    session.expire_all()
    carla_row = _participant(session, order, CARLA)
    assert (carla_row.partstat, carla_row.partstat_via) == ("declined", "link")
    assert carla_row.partstat_sequence == call.sequence
    (event,) = _answers(session, order)
    assert event.actor_label == CARLA and event.payload["partstat"] == "declined"

    # The same answer again records nothing new.
    client.post(page_url.split("?")[0], data={"answer": "declined"})
    assert len(_answers(session, order)) == 1
    # An answer that is none of the three is refused and changes nothing.
    body = client.post(page_url.split("?")[0], data={"answer": "maybe"}).get_data(as_text=True)
    assert "Bitte wählen Sie Zusage, Vorbehalt oder Absage." in body
    assert len(_answers(session, order)) == 1


def test_unknown_tokens_and_other_peoples_pages_answer_404(client, session, world, order, carla):
    messages = _booked(session, world, order, carla)
    response = client.get("/a/not-a-token?answer=accepted")
    assert response.status_code == 404
    assert "Antwort-Link gilt nicht (mehr)" in response.get_data(as_text=True)
    leo = _participant(session, order, LEO)
    # Without the link in this browser session Leo's page stays closed, to GET and POST.
    assert client.get(f"/answer/{leo.id}").status_code == 404
    assert client.post(f"/answer/{leo.id}", data={"answer": "declined"}).status_code == 404
    client.get(answer_links(_invitation_to(messages, CARLA))["accepted"])
    assert client.post(f"/answer/{leo.id}", data={"answer": "declined"}).status_code == 404
    session.expire_all()
    assert _participant(session, order, LEO).partstat is None


def test_the_post_needs_the_csrf_token(app, client, session, world, order, carla):
    messages = _booked(session, world, order, carla)
    page_url = client.get(answer_links(_invitation_to(messages, CARLA))["accepted"]).headers[
        "Location"
    ]
    app.config["WTF_CSRF_ENABLED"] = True
    body = client.get(page_url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
    target = page_url.split("?")[0]
    assert client.post(target, data={"answer": "accepted"}).status_code == 400
    assert _answers(session, order) == []
    assert client.post(target, data={"answer": "accepted", "csrf_token": csrf}).status_code == 303
    assert len(_answers(session, order)) == 1


def test_a_move_replaces_the_links_and_asks_again(client, session, world, order, carla):
    messages = _booked(session, world, order, carla)
    old = answer_links(_invitation_to(messages, CARLA))
    page_url = client.get(old["declined"]).headers["Location"]
    client.post(page_url.split("?")[0], data={"answer": "declined"})
    assert attention.declined_required(session, [order.id]) == {order.id: ["Carla Kunde"]}

    before = last_mail_id(session)
    book(session, world, order, at(3, 10), team(world, carla))
    new = answer_links(_invitation_to(mails(session, before), CARLA))
    assert new["accepted"] != old["accepted"]
    response = client.get(old["accepted"])
    assert response.status_code == 404
    assert "neueste Einladung" in response.get_data(as_text=True)
    # The decline answered the old time: the moved call waits for new answers.
    assert attention.declined_required(session, [order.id]) == {}
    page_url = client.get(new["tentative"]).headers["Location"]
    body = client.get(page_url).get_data(as_text=True)
    assert "noch keine" in body and re.search(r'value="tentative" required checked', body)


def test_a_cancelled_call_says_so_and_takes_no_answer(client, session, world, order, carla):
    messages = _booked(session, world, order, carla)
    page_url = client.get(answer_links(_invitation_to(messages, CARLA))["accepted"]).headers[
        "Location"
    ]
    calls.cancel(session, world.partner, order.id, "")
    body = client.get(page_url).get_data(as_text=True)
    assert "Dieser Termin wurde abgesagt; eine Antwort ist nicht mehr nötig." in body
    assert 'name="answer"' not in body
    client.post(page_url.split("?")[0], data={"answer": "accepted"})
    assert _answers(session, order) == []


def test_partner_staff_hear_of_a_decline_once_in_their_language(session, world, order, carla):
    english = add_user(
        session, world.partner_org, Role.PARTNER_STAFF, "paul@cp.example", "Paul", "en"
    )
    add_user(session, world.other_org, Role.PARTNER_STAFF, "olga@other.example")
    session.commit()
    _booked(session, world, order, carla)
    call = calls.call_of(session, order)

    def decline(sequence=call.sequence, partstat="DECLINED"):
        before = last_mail_id(session)
        replies.record_message(session, reply_mail(call.uid, sequence, CARLA, partstat))
        return {m["To"]: m for m in mails(session, before)}

    sent = decline()
    assert set(sent) == {"anna@cp.example", "paul@cp.example"}
    german, english_mail = sent["anna@cp.example"], sent["paul@cp.example"]
    assert german["Subject"] == "Absage zum Setup Call: Carla Kunde – ACME GmbH"
    assert "Die Teilnahme ist erforderlich." in text_of(german)
    assert f"/orders/{order.id}/call" in text_of(german)
    assert english_mail["Subject"] == "Declined setup call: Carla Kunde – ACME GmbH"
    assert "has declined the invitation" in text_of(english_mail)
    assert decline() == {}  # the same reply again: nothing new
    assert decline(partstat="ACCEPTED") == {}  # a change of mind to yes is no decline
    # Declined again: the same version of the call, so no one is mailed twice.
    assert decline() == {}
    assert partstat_of(session, order, CARLA) == "declined"
    # A moved call asks again, and a decline of the new time is news.
    book(session, world, order, at(3, 10), team(world, carla))
    mails(session)
    call = calls.call_of(session, order)
    assert set(decline(sequence=call.sequence)) == {"anna@cp.example", "paul@cp.example"}
    assert english.email == "paul@cp.example"


def partstat_of(session, order, email):
    session.expire_all()
    return _participant(session, order, email).partstat


def test_a_forged_or_unknown_version_changes_no_answer(client, session, world, order, carla):
    messages = _booked(session, world, order, carla)
    call = calls.call_of(session, order)
    # Another invitee writes a decline in Leo's name: the ATTENDEE is not the sender.
    forged = reply_mail(call.uid, call.sequence, LEO, "DECLINED").replace(
        f"From: {LEO}".encode(), f"From: {CARLA}".encode()
    )
    assert replies.record_message(session, forged) == "ignored"
    # A SEQUENCE the portal never sent locks no one out.
    assert replies.record_message(session, reply_mail(call.uid, 999, LEO, "DECLINED")) == "stale"
    accepted = reply_mail(call.uid, call.sequence, LEO, "ACCEPTED")
    assert replies.record_message(session, accepted) == "recorded"
    assert partstat_of(session, order, LEO) == "accepted"
    # An answer given by link stands against a later mail about the same version.
    links = answer_links(_invitation_to(messages, CARLA))
    page_url = client.get(links["accepted"]).headers["Location"]
    client.post(page_url.split("?")[0], data={"answer": "accepted"})
    declined = reply_mail(call.uid, call.sequence, CARLA, "DECLINED")
    assert replies.record_message(session, declined) == "stale"
    assert partstat_of(session, order, CARLA) == "accepted"


def test_the_call_page_shows_each_answer_and_the_decline_to_fix(
    client, session, world, order, carla
):
    _booked(session, world, order, carla)
    call = calls.call_of(session, order)
    replies.record_message(session, reply_mail(call.uid, call.sequence, LEO, "DECLINED"))
    replies.record_message(session, reply_mail(call.uid, call.sequence, CARLA, "ACCEPTED"))
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}/call").get_data(as_text=True)
    rows = re.findall(r'<tr data-answer="(\w+)">\s*<td>([^<]+)</td>', body)
    assert sorted(rows) == [
        ("accepted", "Carla Kunde"),
        ("declined", "Leo"),
        ("none", "Anna"),
        ("none", "Ida"),
    ]
    assert "<strong>Absage</strong>" in body and "noch keine Antwort" in body
    assert "per Kalender-Antwort (E-Mail)" in body
    assert "Erforderliche Teilnahme abgesagt: Leo." in body
    order_page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Erforderliche Teilnahme abgesagt: Leo." in order_page
    # Another partner's staff do not see the call at all.
    other = client.application.test_client()
    login(other, world.other_partner)
    assert other.get(f"/orders/{order.id}/call").status_code == 404


def test_only_required_participants_declining_the_booked_call_need_attention(
    session, world, order, carla, chris
):
    _booked(session, world, order, carla, chris, optional=(CHRIS,))
    call = calls.call_of(session, order)
    flagged = select(Order.id).where(attention.has_declined_required())

    replies.record_message(session, reply_mail(call.uid, call.sequence, CHRIS, "DECLINED"))
    replies.record_message(session, reply_mail(call.uid, call.sequence, LEO, "TENTATIVE"))
    assert attention.declined_required(session, [order.id]) == {}
    assert list(session.scalars(flagged)) == []

    replies.record_message(
        session, reply_mail(call.uid, call.sequence, "ida@saxess.example", "DECLINED")
    )
    assert attention.declined_required(session, [order.id]) == {order.id: ["Ida"]}
    assert list(session.scalars(flagged)) == [order.id]
    # The architect is required by role even when the booking marked her optional.
    ida = _participant(session, order, "ida@saxess.example")
    ida.required = False
    session.commit()
    assert list(session.scalars(flagged)) == [order.id]

    calls.cancel(session, world.partner, order.id, "")
    assert attention.declined_required(session, [order.id]) == {}
    assert list(session.scalars(flagged)) == []


def test_a_concurrent_recording_of_the_same_answer_writes_it_once(session, world, order, carla):
    """Two workers read the same mail: the one that loaded the row before the other's commit
    loses the compare-and-set and records nothing (its message stays for the next pass)."""
    _booked(session, world, order, carla)
    call = calls.call_of(session, order)
    carla_row = _participant(session, order, CARLA)
    assert carla_row.partstat is None  # loaded by "worker 2" before "worker 1" commits
    with session.get_bind().begin() as other:  # "worker 1", on its own connection
        other.execute(
            CallParticipant.__table__.update()
            .where(CallParticipant.id == carla_row.id)
            .values(partstat="declined", partstat_sequence=call.sequence, partstat_via="imap")
        )
    outcome = replies.record(session, carla_row, "declined", call.sequence, "imap")
    assert outcome == replies.RACED
    session.rollback()
    assert _answers(session, order) == []
    assert (
        replies.record(
            session, _participant(session, order, CARLA), "declined", call.sequence, "imap"
        )
        == replies.UNCHANGED
    )


def test_a_required_decline_puts_the_order_on_the_partners_waiting_list(
    client, session, world, order, carla
):
    _booked(session, world, order, carla, optional=(CARLA,))
    # Booked, the database ready, the answers in: nothing waits for the partner on this order.
    for step in ("provision_cloud", "answer_questionnaires"):
        mark_done(session, order, step, world.partner)
    login(client, world.partner)
    assert "ACME GmbH" not in client.get("/?mine=1").get_data(as_text=True)
    call = calls.call_of(session, order)
    replies.record_message(session, reply_mail(call.uid, call.sequence, CARLA, "DECLINED"))
    assert "ACME GmbH" not in client.get("/?mine=1").get_data(as_text=True)  # Carla is optional
    replies.record_message(session, reply_mail(call.uid, call.sequence, LEO, "DECLINED"))
    body = client.get("/?mine=1").get_data(as_text=True)
    row = body.split("ACME GmbH", 1)[1].split("</tr>", 1)[0]
    assert "Absage: Leo" in row and "für mich" in row
    # The project lead sees the decline on the row but is not the one to move the call.
    login(client, world.lead)
    assert "Absage: Leo" in client.get("/").get_data(as_text=True)


def test_a_decline_needs_no_fixing_once_the_call_is_recorded_as_held(session, world, order, carla):
    _booked(session, world, order, carla)
    call = calls.call_of(session, order)
    replies.record_message(session, reply_mail(call.uid, call.sequence, LEO, "DECLINED"))
    assert attention.declined_required(session, [order.id]) == {order.id: ["Leo"]}
    mark_done(session, order, "hold_call", world.partner)
    assert attention.declined_required(session, [order.id]) == {}
    assert session.scalar(select(Order.id).where(attention.has_declined_required())) is None


def test_an_answer_link_stops_a_week_after_its_call(client, session, world, order, carla):
    links = answer_links(_invitation_to(_booked(session, world, order, carla), CARLA))
    call = calls.call_of(session, order)
    ended = utcnow() - timedelta(days=7, minutes=1)
    call.starts_at, call.ends_at = ended - timedelta(hours=1), ended
    session.commit()
    response = client.get(links["accepted"])
    assert response.status_code == 404 and "gilt nicht (mehr)" in response.get_data(as_text=True)

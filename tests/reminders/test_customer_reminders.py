"""Reminders to customers: at 7 and 2 Saxon working days before the call, once per threshold,
at most REMINDER_MAX, in each person's language, with fresh links; stopped by submit, by the
partner's switches and by the call's start."""

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.models import AuditEvent, CustomerLink, SetupCall
from portal.process import completion
from portal.samples import BUSINESS, ON_PREMISES
from portal.services import drafts, links, responses
from portal.workdays import BERLIN
from tests.calls.support import last_mail_id, mails
from tests.conftest import login
from tests.reminders.support import CARLA, CHRIS, at, ledger, outbox_to, remind

URL = re.compile(r"http://127\.0\.0\.1:5000/r/([A-Za-z0-9_-]{43})")


def test_each_threshold_sends_one_reminder_per_person(session, world, order, contacts):
    assert remind(session, at(9, 23)) == 0  # Monday: 8 working days before
    assert remind(session, at(10, 0)) == 2  # Tuesday 10 Nov: the 7th working day before
    assert remind(session, at(10, 18)) == 0
    assert remind(session, at(16, 23)) == 0  # still the same threshold
    assert remind(session, at(17, 0)) == 2  # Tuesday 17 Nov: the 2nd (18 Nov is a holiday)
    assert remind(session, at(19)) == 0
    assert ledger(session) == [
        (CARLA, f"order:{order.id}:questionnaires:2026-11-20:t7"),
        (CHRIS, f"order:{order.id}:questionnaires:2026-11-20:t7"),
        (CARLA, f"order:{order.id}:questionnaires:2026-11-20:t2"),
        (CHRIS, f"order:{order.id}:questionnaires:2026-11-20:t2"),
    ]
    # Anna (partner staff) received the links with the acceptance mail: she is no customer.
    assert all("Erinnerung" not in m.subject for m in outbox_to(session, world.partner.email))
    assert len(outbox_to(session, CARLA)) == 3  # the links, then two reminders


def test_another_state_without_the_holiday_counts_differently(app, session, order, contacts):
    app.config["HOLIDAY_STATE"] = "BE"
    assert remind(session, at(10)) == 0
    assert remind(session, at(11)) == 2
    assert remind(session, at(17)) == 0
    assert remind(session, at(18)) == 2


def test_a_worker_down_for_a_week_sends_one_reminder_not_a_burst(session, order, contacts):
    assert remind(session, at(19)) == 2
    assert remind(session, at(19, 12)) == 0
    assert [key.rsplit(":", 1)[1] for _email, key in ledger(session)] == ["t2", "t2"]


def test_at_most_the_configured_number_per_person(app, session, order, contacts):
    app.config["REMINDER_WORKING_DAYS"] = (7, 5, 2)
    app.config["REMINDER_MAX"] = 2
    assert remind(session, at(10)) == 2
    assert remind(session, at(12)) == 2  # the 5th working day before
    assert remind(session, at(17)) == 0  # the 2nd: both have had two
    assert len(ledger(session)) == 4


def test_each_person_in_their_language_with_fresh_links_that_work(session, order, contacts):
    old = {link.id for link in session.scalars(select(CustomerLink))}
    since = last_mail_id(session)
    remind(session, at(10))
    by_person = {m["To"]: m for m in mails(session, since)}
    german, english = by_person[CARLA], by_person[CHRIS]
    assert german["Subject"] == "CPCE: Erinnerung an Ihre Fragebögen vor dem Setup Call"
    assert english["Subject"] == "CPCE: a reminder of your questionnaires before the setup call"
    text = german.get_body(("plain",)).get_content()
    assert "Guten Tag Carla Kunde," in text
    assert "Freitag, 20. November 2026" in text
    assert "Die Links in dieser E-Mail sind neu und ersetzen Ihre bisherigen" in text
    english_text = english.get_body(("plain",)).get_content()
    assert "Chris Customer," in english_text
    assert "Friday, November 20, 2026" in english_text
    assert "The links in this email are new and replace your previous ones" in english_text
    for message, email in ((german, CARLA), (english, CHRIS)):
        tokens = URL.findall(message.get_body(("plain",)).get_content())
        assert len(tokens) == 2
        for token in tokens:
            link = links.redeem(session, token)
            assert link.id not in old and link.order_id == order.id
            assert [r["email"] for r in link.sent_to] == [email]
    # Each reminder minted the person's own links; theirs from before no longer open.
    before = session.scalars(select(CustomerLink).where(CustomerLink.id.in_(old))).all()
    theirs = [k for k in before if k.recipient_email in (CARLA.lower(), CHRIS.lower())]
    assert len(theirs) == 4 and all(k.superseded_at and k.revoked_at for k in theirs)
    # The partner's links from the acceptance mail are someone else's: they stay as they were.
    assert all(k.revoked_at is None for k in before if k not in theirs)


def test_a_reminder_after_the_old_link_expired_still_sends_new_links(session, order, contacts):
    for link in session.scalars(select(CustomerLink)):
        link.expires_at = at(9)
    session.commit()
    since = last_mail_id(session)
    remind(session, at(10))
    text = (
        next(m for m in mails(session, since) if m["To"] == CARLA)
        .get_body(("plain",))
        .get_content()
    )
    assert "Die Links in dieser E-Mail sind neu und ersetzen Ihre bisherigen" in text
    assert len(URL.findall(text)) == 2


def test_a_submitted_questionnaire_is_not_reminded_and_both_stop_it(session, order, contacts):
    drafts.save(session, order, "business", base_version=0, changes=BUSINESS, author="Carla")
    responses.submit(session, order, "business", author="Carla")
    since = last_mail_id(session)
    remind(session, at(10))
    text = (
        next(m for m in mails(session, since) if m["To"] == CARLA)
        .get_body(("plain",))
        .get_content()
    )
    assert "Technischer Fragebogen" in text and "Fachlicher Fragebogen" not in text
    assert "Dieser Fragebogen ist noch nicht abgeschickt:" in text
    assert "Der Link in dieser E-Mail ist neu und ersetzt Ihren bisherigen" in text
    assert len(URL.findall(text)) == 1
    drafts.save(session, order, "technical", base_version=0, changes=ON_PREMISES, author="Carla")
    responses.submit(session, order, "technical", author="Carla")
    assert remind(session, at(17)) == 0


def test_revoked_links_do_not_count_as_received(session, world, order, contacts):
    for link in session.scalars(select(CustomerLink)):
        links.revoke(session, world.partner, order.id, link.id)
    assert remind(session, at(10)) == 0


def test_no_reminder_once_the_call_has_started_or_was_cancelled(session, order, contacts):
    assert remind(session, at(20, 10)) == 0
    call = session.scalar(select(SetupCall))
    call.status = "cancelled"
    session.commit()
    assert remind(session, at(17)) == 0


def test_the_partner_switches_reminders_off_per_order_and_per_person(
    client, session, world, order, contacts
):
    login(client, world.partner)
    response = client.post(f"/orders/{order.id}/reminders", data={"mute": [CHRIS]})
    assert response.status_code == 302
    assert remind(session, at(10)) == 1
    assert ledger(session) == [(CARLA, f"order:{order.id}:questionnaires:2026-11-20:t7")]
    client.post(f"/orders/{order.id}/reminders", data={"reminders_off": "1"})
    assert remind(session, at(17)) == 0
    client.post(f"/orders/{order.id}/reminders", data={})  # both on again
    assert remind(session, at(17, 9)) == 2
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="reminders-heading"' in page
    assert page.count("chris@acme.example</td>") == 1 and page.count("carla@acme.example</td>") == 2
    events = list(session.scalars(select(AuditEvent.action)))
    assert events.count("reminders.update") == 3 and "reminder.send" in events


def test_worker_summary_counts_the_reminders(app, session, order, contacts, monkeypatch):
    from portal import worker
    from portal.services.reminders import customers

    real = customers.send_reminders
    monkeypatch.setattr(customers, "send_reminders", lambda s, now=None: real(s, at(10)))
    assert worker.run_once(session, {"reminders": worker.JOBS["reminders"]}) == {
        "reminders": "2 reminder(s) queued"
    }
    assert worker.run_once(session, {"reminders": worker.JOBS["reminders"]}) == {"reminders": ""}


def test_a_call_moved_to_another_day_is_reminded_of_afresh(session, order, contacts):
    assert remind(session, at(10)) == 2
    assert remind(session, at(17)) == 2  # REMINDER_MAX (2) reached for the call on 20 Nov
    call = session.scalar(select(SetupCall).where(SetupCall.order_id == order.id))
    moved = datetime(2026, 12, 18, 10, 0, tzinfo=BERLIN)
    call.starts_at, call.ends_at = moved, moved + timedelta(hours=1)
    scheduled = completion(order, "schedule_call")
    scheduled.details = {"starts_at": moved.isoformat()}
    session.commit()
    assert remind(session, at(8, month=12)) == 0  # 8 working days before
    assert remind(session, at(9, month=12)) == 2  # Wednesday 9 Dec: the 7th before 18 Dec
    assert [key for _email, key in ledger(session)][-2:] == [
        f"order:{order.id}:questionnaires:2026-12-18:t7"
    ] * 2

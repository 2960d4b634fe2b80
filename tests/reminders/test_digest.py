"""The daily digest of overdue steps: once a working day per person, from DIGEST_HOUR, in their
language, only orders they may see, nobody who switched it off, nothing when nothing is late."""

from sqlalchemy import select

from portal.models import AuditEvent, Role
from portal.process import StepState, StepStatus
from portal.services.reminders import digest
from tests.calls.support import last_mail_id, mails
from tests.conftest import add_user, login
from tests.helpers import accept, mark_done, place
from tests.reminders.support import MONDAY, at, book_directly, digests, late_cloud_order, ledger


def test_once_a_working_day_per_person_from_the_hour_in_their_language(session, world):
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob", "en")
    session.commit()
    order = late_cloud_order(session, world)
    since = last_mail_id(session)
    assert digests(session, at(7, 6, month=12)) == 0  # before 7:00
    assert digests(session, MONDAY) == 2
    assert digests(session, at(7, 18, month=12)) == 0
    assert digests(session, at(12, 9, month=12)) == 0  # Saturday
    assert digests(session, at(8, 7, month=12)) == 2  # Tuesday
    assert ledger(session, "digest") == [
        (world.partner.email, "digest:2026-12-07"),
        (bob.email, "digest:2026-12-07"),
        (world.partner.email, "digest:2026-12-08"),
        (bob.email, "digest:2026-12-08"),
    ]
    monday = {m["To"]: m for m in mails(session, since)[:2]}
    german, english = monday[world.partner.email], monday[bob.email]
    assert german["Subject"] == "CPCE: 1 überfälliger Schritt"
    assert english["Subject"] == "CPCE: 1 overdue step"
    text = german.get_body(("plain",)).get_content()
    assert "ACME GmbH (ACME): CP Cloud einrichten, fällig bis 04.12.2026" in text
    assert f"http://127.0.0.1:5000/orders/{order.id}" in text
    english_text = english.get_body(("plain",)).get_content()
    assert "ACME GmbH (ACME): Provision CP Cloud" in english_text
    assert "http://127.0.0.1:5000/account/notifications" in english_text


def test_nothing_when_nothing_is_overdue(session, world):
    order = place(session, world, code="ACME", deployment="on_premises")
    accept(session, world, order)
    # The questionnaires are due by the end of Mon 7 Dec, 3 working days before the call.
    book_directly(session, world, order, at(10, 10, month=12))
    assert digests(session, MONDAY) == 0
    assert ledger(session, "digest") == []


def test_each_person_hears_of_the_orders_they_may_see_only(session, world):
    late_cloud_order(session, world, "ACME")
    late_cloud_order(session, world, "OTHER", partner=world.other_partner)
    found = digest.overdue_by_person(session, MONDAY)
    by_user = {user_id: [i.short_code for i in items] for user_id, items in found.items()}
    assert by_user == {world.partner.id: ["ACME"], world.other_partner.id: ["OTHER"]}


def test_back_office_and_project_lead_answer_for_their_steps(session, world, monkeypatch):
    """accept -> every active back-office user; approve_protocol -> the order's project lead;
    the customer's questionnaires -> the partner staff."""
    order = late_cloud_order(session, world)
    add_user(session, world.vendor_org, Role.PROJECT_LEAD, "lara@saxess.example")
    gone = add_user(session, world.vendor_org, Role.VENDOR_BACKOFFICE, "gone@saxess.example")
    gone.active = False
    session.commit()
    real = digest.derive
    late = {"accept", "approve_protocol", "answer_questionnaires"}

    def every_step_late(order_, completions, now, deadlines):
        return [
            StepState(s.step, StepStatus.OVERDUE, None, at(1, month=12))
            if s.step.key in late
            else StepState(s.step, StepStatus.DONE, s.completion, s.due)
            for s in real(order_, completions, now, deadlines)
        ]

    monkeypatch.setattr(digest, "derive", every_step_late)
    found = digest.overdue_by_person(session, MONDAY)
    steps = {user_id: [i.step.key for i in items] for user_id, items in found.items()}
    assert steps == {
        world.backoffice.id: ["accept"],
        world.lead.id: ["approve_protocol"],
        world.partner.id: ["answer_questionnaires"],
    }
    assert order.project_lead_id == world.lead.id


def test_a_person_switches_the_digest_off_and_on_in_their_settings(client, session, world):
    late_cloud_order(session, world)
    login(client, world.partner)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'name="digest" value="1" id="digest"' in page and " checked" in page
    assert client.post("/account/notifications", data={}).status_code == 302
    session.expire_all()
    assert world.partner.digest_off is True
    assert digests(session, MONDAY) == 0
    client.post("/account/notifications", data={"digest": "1"})
    session.expire_all()
    assert digests(session, MONDAY) == 1
    events = list(
        session.scalars(select(AuditEvent.payload).where(AuditEvent.action == "digest.update"))
    )
    assert events == [{"off": True}, {"off": False}]
    # Every staff member has the page, linked from the navigation.
    login(client, world.backoffice)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/account/notifications"' in page


def test_acceptance_goes_to_the_back_office_and_approval_to_the_orders_lead(session, world):
    """The real rules, no faked progress: an order not accepted for a week, and a call held on
    Thu 26 Nov whose protocol was due for approval by the end of Tue 1 Dec."""
    waiting = place(session, world, code="WAIT")
    ordered = next(c for c in waiting.completions if c.step == "order")
    ordered.completed_at = at(30, 9)  # Mon 30 Nov: acceptance due by the end of Wed 2 Dec
    held = place(session, world, code="HELD")
    accept(session, world, held)
    mark_done(session, held, "schedule_call", world.partner, starts_at=at(26, 10))
    mark_done(session, held, "answer_questionnaires", world.partner)
    mark_done(session, held, "hold_call", world.partner, starts_at=at(26, 10))
    found = digest.overdue_by_person(session, MONDAY)
    steps = {
        user_id: [(i.short_code, i.step.key, i.due) for i in items]
        for user_id, items in found.items()
    }
    assert steps == {
        world.backoffice.id: [("WAIT", "accept", at(3, 0, month=12))],
        world.lead.id: [("HELD", "approve_protocol", at(2, 0, month=12))],
    }

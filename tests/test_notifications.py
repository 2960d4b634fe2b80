"""Staff notifications: partner staff hear of a submitted questionnaire, the project lead of a
protocol waiting for approval. Each mail is queued with its event (once), in the recipient's
language, with a link to the page; a refused or rolled-back event mails nobody."""

import copy
from email import message_from_string, policy

import pytest
from sqlalchemy import select

from portal.models import CustomerContact, OutboxMessage, Role
from portal.services import drafts, protocol, responses
from portal.services.errors import Conflict, Invalid
from tests import samples
from tests.conftest import add_user
from tests.protocol.support import FIELDS, attendees, new_order

BASE = "http://127.0.0.1:5000"


def queued(session, word: str) -> list:
    """The queued mails whose subject contains `word`, parsed, oldest first."""
    session.expire_all()
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    found = [message_from_string(r.raw, policy=policy.default) for r in rows]
    return [m for m in found if word in str(m["Subject"])]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def order(session, world):
    """An accepted order of the partner CP; CP has a second, English-speaking employee Pat."""
    add_user(session, world.partner_org, Role.PARTNER_STAFF, "pat@cp.example", "Pat", "en")
    gone = add_user(session, world.partner_org, Role.PARTNER_STAFF, "gus@cp.example", "Gus")
    gone.active = False
    session.commit()
    return new_order(session, world)


def answer(session, order, kind: str, author: str = "Carla Kunde") -> None:
    answers = copy.deepcopy(samples.ON_PREMISES if kind == "technical" else samples.BUSINESS)
    saved = drafts.save(session, order, kind, base_version=0, changes=answers, author=author)
    assert saved.saved, saved.errors


# ---------------------------------------------------------------- questionnaire submitted


def test_partner_staff_hear_once_in_their_language_when_a_questionnaire_is_submitted(
    session, world, order
):
    answer(session, order, "technical")
    assert responses.submit(session, order, "technical", author="Carla Kunde") == []
    german = queued(session, "technischer Fragebogen abgeschickt")
    english = queued(session, "technical questionnaire submitted")
    assert [m["To"] for m in german] == ["anna@cp.example"]  # not Otto (other partner), not Gus
    assert [m["To"] for m in english] == ["pat@cp.example"]
    assert german[0]["Subject"] == "ACME GmbH: technischer Fragebogen abgeschickt"
    assert "Der technische Fragebogen wurde am " in body(german[0])
    assert "von Carla Kunde abgeschickt." in body(german[0])
    assert "the technical questionnaire was submitted by Carla Kunde on " in body(english[0])
    link = f"{BASE}/orders/{order.id}#answers-heading"
    assert link in body(german[0]) and link in body(english[0])
    assert f'href="{link}"' in english[0].get_body(("html",)).get_content()
    assert "beide" not in body(german[0])
    # A second submit is refused: nobody hears of it twice.
    with pytest.raises(Conflict):
        responses.submit(session, order, "technical", author="Carla Kunde")
    assert len(queued(session, "technischer Fragebogen abgeschickt")) == 1
    # The second questionnaire completes the step, and the mail says so.
    answer(session, order, "business")
    assert responses.submit(session, order, "business", author="?") == []
    (business,) = queued(session, "fachlicher Fragebogen abgeschickt")
    assert "Der fachliche Fragebogen wurde am " in body(business)
    assert " von " not in body(business).split("abgeschickt.")[0].split("wurde am")[1]
    assert "Damit sind beide Fragebögen abgeschickt." in body(business)


def test_a_refused_or_rolled_back_submit_mails_nobody(session, world, order, monkeypatch):
    assert responses.submit(session, order, "technical", author="Carla") != []  # nothing answered
    answer(session, order, "technical")

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(responses.audit, "record", broken)
    with pytest.raises(RuntimeError):
        responses.submit(session, order, "technical", author="Carla")
    session.rollback()
    assert queued(session, "Fragebogen abgeschickt") == []
    assert queued(session, "questionnaire submitted") == []
    assert responses.find(session, order, "technical").status == "draft"


# ---------------------------------------------------------------- protocol submitted


def fields(world, carla, **changes) -> dict:
    return FIELDS | {"attendees": attendees(world, carla)} | changes


@pytest.fixture
def carla(session, order):
    return session.scalar(select(CustomerContact).where(CustomerContact.email.like("carla@%")))


def test_the_project_lead_hears_once_when_the_protocol_waits_for_approval(
    session, world, order, carla
):
    world.lead.language = "en"
    session.commit()
    sent = protocol.submit(session, world.partner, order.id, None, fields(world, carla))
    (mail,) = queued(session, "awaits your approval")
    assert mail["To"] == "leo@saxess.example"
    assert mail["Subject"] == "ACME GmbH: the setup call protocol awaits your approval"
    assert "Anna submitted the protocol of the setup call with ACME GmbH" in body(mail)
    assert f"{BASE}/orders/{order.id}/protocol" in body(mail)
    with pytest.raises(Conflict):  # submitted already: no second mail
        protocol.submit(session, world.partner, order.id, sent.version)
    assert len(queued(session, "awaits your approval")) == 1
    # Returned and submitted again is a new request for approval, and a new mail.
    returned = protocol.return_to_draft(session, world.lead, order.id, "Datum?", sent.version)
    protocol.submit(session, world.partner, order.id, returned.version)
    assert len(queued(session, "awaits your approval")) == 2


def test_a_refused_protocol_submit_mails_nobody_and_the_lead_is_not_told_of_their_own(
    session, world, order, carla
):
    with pytest.raises(Invalid):
        protocol.submit(session, world.partner, order.id, None, fields(world, carla, topics=""))
    assert queued(session, "Freigabe") == []
    protocol.submit(session, world.lead, order.id, None, fields(world, carla))
    assert queued(session, "Freigabe") == []  # the lead submitted it and approves it now

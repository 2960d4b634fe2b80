"""Step 6: the contacts the customer entered in the questionnaires, adopted by the project lead."""

import pytest
from sqlalchemy import select

from portal import questionnaires
from portal.calls.forms import contacts_of as booking_contacts
from portal.models import CustomerContact, Response
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.protocol import adoption, contacts_confirmed, contacts_of
from tests.conftest import login
from tests.protocol.support import events

IT = [
    {"name": "Ivo IT", "role": "Datenbank", "email": "Ivo@Acme.example", "phone": "+49 30 1"},
    {"name": "Carla Kunde", "role": "IT-Leitung", "email": "CARLA@acme.example", "phone": "+49 1"},
    {"name": "Tippfehler", "role": "Netzwerk", "email": "netz(at)acme.example"},
]
BUSINESS = [
    {"name": "Bea Business", "role": "Controlling", "email": "bea@acme.example"},
    {"name": "Ivo I.", "role": "", "email": "ivo@acme.example", "phone": "+49 30 2"},
]


def answer(session, order, kind, rows):
    """The customer's draft answers with a contact group (written straight, as the form would)."""
    group = {"technical": "it_contacts", "business": "business_contacts"}[kind]
    session.add(
        Response(
            order_id=order.id,
            questionnaire=kind,
            schema_version=questionnaires.pinned(session, order, kind),
            data={group: rows},
        )
    )
    session.commit()


@pytest.fixture
def answered(session, order):
    answer(session, order, "technical", IT)
    answer(session, order, "business", BUSINESS)
    return order


def by_email(offers):
    return {o.candidate.email.lower(): o for o in offers}


def pick(offer, **changes):
    c = offer.candidate
    entry = {"name": c.name, "email": c.email, "role": c.role, "phone": c.phone, "language": "de"}
    return {"key": offer.key, **entry, **changes}


def test_questionnaire_contacts_are_offered_once_per_address(session, answered, carla):
    offers = by_email(adoption.offers(session, answered))
    assert set(offers) == {"ivo@acme.example", "carla@acme.example", "netz(at)acme.example",
                           "bea@acme.example"}  # fmt: skip
    ivo = offers["ivo@acme.example"].candidate
    # Named in both questionnaires: one person, the first non-empty value of each field.
    assert (ivo.name, ivo.role, ivo.phone, ivo.kinds) == (
        "Ivo IT", "Datenbank", "+49 30 1", ("technical", "business")
    )  # fmt: skip
    # Carla is on the record already (without role and phone): adopting her only completes her.
    assert offers["carla@acme.example"].existing.id == carla.id
    assert offers["carla@acme.example"].completes == ("role", "phone")
    assert not offers["netz(at)acme.example"].candidate.email_ok


def test_adopting_creates_contacts_completes_known_ones_and_is_audited(
    session, world, answered, carla
):
    offers = by_email(adoption.offers(session, answered))
    created, completed = adoption.adopt(
        session,
        world.lead,
        answered.id,
        [
            pick(offers["ivo@acme.example"], language="en"),
            pick(offers["carla@acme.example"], name="Someone Else"),
        ],
    )
    assert [(c.name, c.email, c.role, c.phone, c.language) for c in created] == [
        ("Ivo IT", "ivo@acme.example", "Datenbank", "+49 30 1", "en")
    ]
    session.expire_all()
    # Not duplicated: the known contact keeps her name and only gains the phone she lacked.
    assert (carla.name, carla.phone, carla.role) == ("Carla Kunde", "+49 1", "IT-Leitung")
    assert completed == {carla.id: ["role", "phone"]}
    emails = session.scalars(select(CustomerContact.email).order_by(CustomerContact.email)).all()
    assert emails == ["carla@acme.example", "ivo@acme.example"]
    (event,) = events(session, "contacts.adopt")
    assert event.actor_id == world.lead.id
    assert event.payload["created"] == [created[0].id]
    # A contact added after the confirmation voids it: the lead confirms the new list again.
    assert not contacts_confirmed(session, answered)
    # Adopting the same person again adds nobody.
    offers = by_email(adoption.offers(session, answered))
    assert not offers["ivo@acme.example"].adoptable
    again, _completed = adoption.adopt(
        session, world.lead, answered.id, [pick(offers["ivo@acme.example"])]
    )
    assert again == [] and len(session.scalars(select(CustomerContact)).all()) == 2


def test_an_invalid_email_is_shown_but_not_adopted_until_corrected(session, world, answered):
    typo = by_email(adoption.offers(session, answered))["netz(at)acme.example"]
    with pytest.raises(Invalid) as refused:
        adoption.adopt(session, world.lead, answered.id, [pick(typo)])
    assert set(refused.value.fields) == {f"{typo.key}-email"}
    assert (
        session.scalar(select(CustomerContact).where(CustomerContact.name == "Tippfehler")) is None
    )
    (created,), _ = adoption.adopt(
        session, world.lead, answered.id, [pick(typo, email="netz@acme.example")]
    )
    assert created.email == "netz@acme.example"
    with pytest.raises(Invalid):
        adoption.adopt(session, world.lead, answered.id, [])


def test_only_the_orders_lead_adopts_and_other_partners_get_404(session, world, answered, lara):
    offer = adoption.offers(session, answered)[0]
    with pytest.raises(Forbidden):
        adoption.adopt(session, world.partner, answered.id, [pick(offer)])
    with pytest.raises(Forbidden):
        adoption.adopt(session, lara, answered.id, [pick(offer)])
    with pytest.raises(NotFound):
        adoption.adopt(session, world.other_partner, answered.id, [pick(offer)])
    with pytest.raises(NotFound):
        adoption.add(session, world.other_partner, answered.id, {"name": "X", "email": "x@y.de"})
    assert events(session, "contacts.adopt") == []


def test_the_lead_adds_a_contact_by_hand(session, world, order, carla):
    contact = adoption.add(
        session,
        world.lead,
        order.id,
        {"name": " Nina  Neu ", "email": "Nina@Acme.example", "role": "Einkauf",
         "phone": "+49 30 9", "language": "en"},
    )  # fmt: skip
    assert (contact.name, contact.email, contact.role, contact.language) == (
        "Nina Neu", "nina@acme.example", "Einkauf", "en"
    )  # fmt: skip
    assert events(session, "contact.add")[-1].actor_id == world.lead.id
    with pytest.raises(Conflict) as twice:
        adoption.add(session, world.lead, order.id, {"name": "Carla", "email": "CARLA@acme.example",
                                                     "language": "de"})  # fmt: skip
    assert "new-email" in twice.value.fields
    with pytest.raises(Invalid) as bad:
        adoption.add(session, world.lead, order.id, {"name": "", "email": "x", "language": "fr"})
    assert set(bad.value.fields) == {"new-name", "new-email", "new-language"}
    with pytest.raises(Forbidden):
        adoption.add(session, world.partner, order.id, {"name": "Eve", "email": "e@acme.example"})


def test_the_confirmation_page_offers_adopts_and_adds(client, session, world, answered, carla):
    login(client, world.lead)
    url = f"/orders/{answered.id}/contacts/confirm"
    body = client.get(url).get_data(as_text=True)
    assert "Aus den Fragebögen" in body and "Ivo IT" in body and "Bea Business" in body
    assert "keine gültige E-Mail-Adresse" in body  # the typo, before anyone submits
    offers = by_email(adoption.offers(session, answered))
    bea, typo = offers["bea@acme.example"], offers["netz(at)acme.example"]
    form = {"adopt": [bea.key, typo.key]}
    for offer in (bea, typo):
        form |= {f"{offer.key}-{f}": v for f, v in pick(offer).items() if f != "key"}
    refused = client.post(f"/orders/{answered.id}/contacts/adopt", data=form)
    assert refused.status_code == 400
    assert "Bitte eine gültige E-Mail-Adresse angeben." in refused.get_data(as_text=True)
    assert (
        session.scalar(select(CustomerContact).where(CustomerContact.name == "Bea Business"))
        is None
    )
    form[f"{typo.key}-email"] = "netz@acme.example"
    done = client.post(f"/orders/{answered.id}/contacts/adopt", data=form)
    body = client.get(done.location).get_data(as_text=True)
    assert "Aus den Fragebögen übernommen: 2 neu, 0 ergänzt." in body
    assert 'name="contact-' in body and "bea@acme.example" in body
    added = client.post(
        f"/orders/{answered.id}/contacts/new",
        data={"new-name": "Nina Neu", "new-email": "nina@acme.example", "new-language": "de"},
    )
    assert "Nina Neu ist als Ansprechpartner hinzugefügt." in client.get(added.location).get_data(
        as_text=True
    )
    # The partner can neither see nor use the page.
    login(client, world.partner)
    assert client.get(url).status_code == 403
    assert client.post(f"/orders/{answered.id}/contacts/adopt", data=form).status_code == 403


def test_adopted_contacts_become_recipients_of_links_and_the_offer(
    client, session, world, answered
):
    ivo = by_email(adoption.offers(session, answered))["ivo@acme.example"]
    (contact,), _ = adoption.adopt(session, world.lead, answered.id, [pick(ivo)])
    login(client, world.partner)
    body = client.get(f"/orders/{answered.id}").get_data(as_text=True)
    assert f'name="contact" value="{contact.id}"' in body  # "Neue Links senden an"
    # The offer's recipient choice and the call's invitees are read from the same record.
    assert contact in contacts_of(session, answered)
    assert contact.id in {c.id for c in booking_contacts(session, answered)}

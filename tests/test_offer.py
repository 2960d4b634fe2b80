"""Step 9: the offer of additional services, its PDF, the mails, and the customer's decision.

The setup call is recorded as held directly (its gate is tested in tests/protocol/). Mails go
through a real SMTP server (aiosmtpd) where a test reads them; PDFs are read back with pypdf.
"""

import hashlib
import re
from datetime import timedelta
from decimal import Decimal
from email import message_from_bytes, message_from_string, policy

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal import pdf
from portal.extensions import db
from portal.mail import delivery
from portal.models import (
    AuditEvent,
    CustomerContact,
    OutboxMessage,
    ServiceItem,
    ServiceOffer,
    StepCompletion,
    utcnow,
)
from portal.offer import forms
from portal.services import calls, offers
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.links import LinkGone
from tests.conftest import login
from tests.helpers import catalogue, deliver
from tests.pdfs import canary_server, fonts_drawing_text, page_texts, reader, text
from tests.protocol.support import confirm, draft, hold, new_order

CENT = Decimal("0.01")


# ---------------------------------------------------------------- building blocks


ADDRESS = ("Hafenstraße 12", "20457", "Hamburg")


def carla_of(session, order) -> CustomerContact:
    return session.scalar(
        select(CustomerContact).where(
            CustomerContact.customer_id == order.customer_id, CustomerContact.email.like("carla@%")
        )
    )


def held_order(session, world, code="ACME", language="de", services=(("TRAINING", "2.5"),)):
    """An order whose call is held; the protocol agreed `services` (catalogue code, quantity).

    Carla (German) is the contact the lead confirmed; John (English) was added afterwards.
    """
    items = catalogue(session)
    order = new_order(session, world, code=code)
    order.language = language
    order.customer.street, order.customer.postcode, order.customer.city = ADDRESS
    session.commit()
    carla = carla_of(session, order)
    agreed = [{"service_item_id": str(items[c].id), "quantity": q} for c, q in services]
    draft(session, world, order, carla, services=agreed)
    confirm(session, world, order, carla)
    calls.add_contact(
        session,
        world.partner,
        order.id,
        name="John Client",
        email="john@acme.example",
        language="en",
    )
    hold(session, world, order)
    return order


@pytest.fixture
def order(session, world):
    return held_order(session, world)


def line(item, quantity, price="", discount=""):
    return {
        "service_item_id": str(item.id),
        "quantity": quantity,
        "unit_price": price,
        "discount_percent": discount,
    }


def fields(*lines, note="", valid_until=None):
    if valid_until is None:
        valid_until = (offers.today() + timedelta(days=14)).isoformat()
    return {"lines": list(lines), "note": note, "valid_until": valid_until}


def awkward(session) -> dict:
    """3 × 333.33 € with 12.5 % discount, plus 1.5 × 165.50 €."""
    items = catalogue(session)
    return fields(
        line(items["TRAINING"], "3", "333,33", "12,5"),
        line(items["REPORTS"], "1,5"),
        note="Termine nach Absprache.",
    )


def save_draft(session, actor, order_id, form, version, locale="de") -> ServiceOffer:
    """Save as the editor does: its fields read in `locale`, then the use case."""
    draft = forms.read_draft(session, form, locale)
    return offers.save_draft(session, actor, order_id, draft.input(), version)


def started(session, world, order) -> ServiceOffer:
    return offers.start(session, world.partner, order.id)


def saved(session, world, order, form=None) -> ServiceOffer:
    offer = offers.open_offer(session, order) or started(session, world, order)
    return save_draft(session, world.partner, order.id, form or awkward(session), offer.version)


def sent(session, world, order, form=None, to=None) -> ServiceOffer:
    offer = saved(session, world, order, form)
    contact_ids = to or [
        c.id
        for c in session.scalars(
            select(CustomerContact).where(CustomerContact.customer_id == order.customer_id)
        )
    ]
    return offers.send(session, world.partner, order.id, offer.version, contact_ids).offer


def events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def mails(session, smtp) -> dict[str, object]:
    """Deliver the outbox; recipient -> the parsed message, for every envelope received (one
    recipient each)."""
    deliver(session)
    got = {}
    for envelope in smtp.envelopes:
        (to,) = envelope.rcpt_tos
        assert to not in got, f"two mails to {to}"
        got[to] = message_from_bytes(envelope.content, policy=policy.default)
    return got


def link_in(message, app) -> str:
    body = message.get_body(("plain",)).get_content()
    (url,) = re.findall(re.escape(app.config["BASE_URL"]) + r"/o/[A-Za-z0-9_-]+", body)
    return url.removeprefix(app.config["BASE_URL"])


def english(msgid: str, **values) -> str:
    """A message as the English catalogue has it (the German text until it is translated)."""
    with force_locale("en"):
        return gettext(msgid, **values)


def customer_opens(app, path):
    """A fresh browser (test client) opening the customer's link."""
    customer = app.test_client()
    response = customer.get(path)
    return customer, response


# ---------------------------------------------------------------- drafting


def test_a_draft_starts_from_the_protocols_services_at_todays_catalogue_price(
    session, world, order, app
):
    items = catalogue(session)
    items["TRAINING"].unit_price = Decimal("1250.00")  # changed after the call
    session.commit()
    offer = started(session, world, order)
    assert (offer.number, offer.status, offer.language) == (1, "draft", "de")
    assert offer.vat_rate == Decimal("19.00")
    assert offer.valid_until == offers.today() + timedelta(days=app.config["OFFER_VALID_DAYS"])
    assert [
        (x.position, x.code, x.name_de, x.unit, x.quantity, x.unit_price, x.discount_percent)
        for x in offer.lines
    ] == [(1, "TRAINING", "Anwenderschulung", "Tag", Decimal("2.5"), Decimal("1250.00"), 0)]
    (event_,) = events(session, "offer.start")
    assert event_.actor_id == world.partner.id and event_.payload["number"] == 1


def test_without_agreed_services_the_draft_starts_empty_and_the_page_says_so(
    client, session, world
):
    order = held_order(session, world, services=())
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/offer").get_data(as_text=True)
    assert "Im Protokoll sind keine Zusatzleistungen vereinbart" in page
    response = client.post(f"/orders/{order.id}/offer/start")
    assert response.status_code == 302
    offer = offers.open_offer(session, order)
    assert offer.lines == []
    page = client.get(f"/orders/{order.id}/offer").get_data(as_text=True)
    assert 'id="no-agreed"' in page and "Noch keine Positionen." in page


def test_no_offer_before_the_setup_call_is_held(client, session, world):
    order = new_order(session, world)
    with pytest.raises(Conflict, match="Setup Call"):
        offers.start(session, world.partner, order.id)
    login(client, world.partner)
    assert "sobald der Setup Call" in client.get(f"/orders/{order.id}/offer").get_data(True)
    client.post(f"/orders/{order.id}/offer/start")
    assert session.scalar(select(func.count()).select_from(ServiceOffer)) == 0


def test_one_open_offer_at_a_time_a_new_one_after_withdrawal(session, world, order):
    first = sent(session, world, order)
    with pytest.raises(Conflict, match="offenes Angebot"):
        started(session, world, order)
    offers.withdraw(session, world.partner, order.id, first.number)
    second = started(session, world, order)
    assert second.number == 2 and second.status == "draft"
    # A discarded draft makes room as well.
    offers.withdraw(session, world.partner, order.id, second.number)
    assert started(session, world, order).number == 3


def test_withdrawing_a_sent_offer_tells_its_recipients_and_a_draft_tells_no_one(
    session, world, order, smtp
):
    carla = carla_of(session, order)
    john = session.scalar(select(CustomerContact).where(CustomerContact.name == "John Client"))
    offer = sent(session, world, order, to=[carla.id, john.id])
    deliver(session)
    smtp.envelopes.clear()
    offers.withdraw(session, world.partner, order.id, offer.number)
    got = mails(session, smtp)
    assert set(got) == {carla.email, john.email}
    assert got[carla.email]["Subject"] == "CPCE: Angebot ACME-A1 zurückgezogen"
    assert got[john.email]["Subject"] == english(
        "CPCE: Angebot %(code)s zurückgezogen", code="ACME-A1"
    )
    assert "funktioniert nicht mehr" in got[carla.email].get_body(("plain",)).get_content()

    smtp.envelopes.clear()
    draft_offer = started(session, world, order)
    offers.withdraw(session, world.partner, order.id, draft_offer.number)
    assert mails(session, smtp) == {}


def test_saving_copies_the_catalogue_and_reads_numbers_in_the_language(session, world, order):
    items = catalogue(session)
    offer = started(session, world, order)
    offer = save_draft(
        session,
        world.partner,
        order.id,
        fields(
            line(items["REPORTS"], "2", "", ""),  # price left empty: the catalogue price
            line(items["TRAINING"], "1.234,5", "1.100", "10"),
            {"service_item_id": "", "quantity": "", "unit_price": "", "discount_percent": ""},
            note="  Zeile 1\r\nZeile 2  ",
        ),
        offer.version,
    )
    assert [
        (x.position, x.code, x.name_en, x.quantity, x.unit_price, x.discount_percent)
        for x in offer.lines
    ] == [
        (1, "REPORTS", "Report templates", Decimal(2), Decimal("165.50"), 0),
        (2, "TRAINING", "User training", Decimal("1234.5"), Decimal("1100"), 10),
    ]
    assert offer.note == "Zeile 1\nZeile 2"
    english = save_draft(
        session,
        world.partner,
        order.id,
        fields(line(items["REPORTS"], "1,234.5", "1,100.25")),
        offer.version,
        locale="en",
    )
    assert (english.lines[0].quantity, english.lines[0].unit_price) == (
        Decimal("1234.5"),
        Decimal("1100.25"),
    )


def test_bad_input_is_refused_per_field_and_writes_nothing(session, world, order):
    items = catalogue(session)
    offer = started(session, world, order)
    version = offer.version
    inactive = ServiceItem(
        code="OLD", name_de="Alt", name_en="Old", unit="h", unit_price=1, active=False
    )
    session.add(inactive)
    session.commit()
    bad = fields(
        line(items["TRAINING"], "0"),
        line(items["TRAINING"], "10000"),
        line(items["TRAINING"], "1,234"),
        line(items["REPORTS"], "1", "-5"),
        line(items["REPORTS"], "1", "10.000.000,01"),
        line(items["REPORTS"], "1", "abc"),
        line(items["REPORTS"], "1", "", "100,01"),
        line(items["REPORTS"], "1", "", "5,555"),
        line(items["INSTALL"], "1"),
        line(inactive, "1"),
        note="x" * 2001,
        valid_until=(offers.today() - timedelta(days=1)).isoformat(),
    )
    with pytest.raises(Invalid) as refused:
        save_draft(session, world.partner, order.id, bad, version)
    assert refused.value.fields.keys() == {
        "line-0-quantity",
        "line-1-quantity",
        "line-2-quantity",
        "line-3-unit_price",
        "line-4-unit_price",
        "line-5-unit_price",
        "line-6-discount_percent",
        "line-7-discount_percent",
        "line-8-item",
        "line-9-item",
        "note",
        "valid_until",
    }
    for valid_until in ("2027-02-30", "morgen", ""):
        with pytest.raises(Invalid) as refused:
            save_draft(session, world.partner, order.id, fields(valid_until=valid_until), version)
        assert refused.value.fields.keys() == {"valid_until"}
    session.rollback()
    session.expire_all()
    assert offer.version == version and [x.code for x in offer.lines] == ["TRAINING"]
    assert events(session, "offer.save") == []


def test_a_stale_editor_cannot_overwrite_a_newer_version(session, world, order):
    offer = started(session, world, order)
    loaded = offer.version
    saved(session, world, order)
    with pytest.raises(Conflict, match="inzwischen"):
        save_draft(session, world.partner, order.id, awkward(session), loaded)


def test_only_partner_staff_of_a_granted_partner(client, session, world, order):
    offer = sent(session, world, order)
    with pytest.raises(NotFound):
        offers.start(session, world.other_partner, order.id)
    for user in (world.backoffice, world.lead, world.architect, world.technician, world.admin):
        with pytest.raises(Forbidden):
            offers.editor(session, user, order.id)
        with pytest.raises(Forbidden):
            offers.withdraw(session, user, order.id, offer.number)
    urls = [
        ("get", f"/orders/{order.id}/offer"),
        ("post", f"/orders/{order.id}/offer"),
        ("post", f"/orders/{order.id}/offer/start"),
        ("post", f"/orders/{order.id}/offer/send"),
        ("post", f"/orders/{order.id}/offer/1/withdraw"),
        ("get", f"/orders/{order.id}/offer/1.pdf"),
    ]
    assert client.get(urls[0][1]).status_code == 302  # to the login
    for user, status in ((world.other_partner, 404), (world.backoffice, 403), (world.lead, 403)):
        login(client, user)
        for method, url in urls:
            assert getattr(client, method)(url).status_code == status, (user.email, url)
        # Only partner staff see the offers on the order page.
        if status == 403:
            page = client.get(f"/orders/{order.id}").get_data(as_text=True)
            assert 'id="offer-heading"' not in page
        client.post("/logout")
    session.expire_all()
    assert offer.status == "sent"


# ---------------------------------------------------------------- sending


def test_sending_mails_each_contact_the_pdf_and_a_link_that_opens_the_offer(
    app, session, world, order, smtp
):
    carla = carla_of(session, order)
    john = session.scalar(select(CustomerContact).where(CustomerContact.name == "John Client"))
    deliver(session)
    smtp.envelopes.clear()
    offer = sent(session, world, order, to=[carla.id, john.id])
    session.expire_all()
    assert offer.status == "sent" and offer.sent_by_id == world.partner.id
    assert [r["email"] for r in offer.recipients] == [carla.email, john.email]
    assert offer.sha256 == hashlib.sha256(offer.pdf).hexdigest()
    assert offer.expires_at == offers.expiry(offer.valid_until)

    got = mails(session, smtp)
    assert set(got) == {carla.email, john.email}
    assert got[carla.email]["Subject"] == "CPCE: Angebot ACME-A1 über Zusatzleistungen"
    assert got[john.email]["Subject"] == english(
        "CPCE: Angebot %(code)s über Zusatzleistungen", code="ACME-A1"
    )
    for message in got.values():
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == "ACME-A1.pdf"
        assert attachment.get_content_type() == "application/pdf"
        assert hashlib.sha256(attachment.get_content()).hexdigest() == offer.sha256
    # 874.99 + 248.25 = 1123.24 net; VAT 213.4156 -> 213.42; gross 1336.66
    assert "1.336,66 €" in got[carla.email].get_body(("plain",)).get_content()
    assert "€1,336.66" in got[john.email].get_body(("plain",)).get_content()
    paths = {address: link_in(message, app) for address, message in got.items()}
    assert paths[carla.email] == paths[john.email]  # one link per offer
    token = paths[carla.email].removeprefix("/o/")
    assert offer.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.encode() not in offer.pdf and token not in text(offer.pdf)

    customer, response = customer_opens(app, paths[carla.email])
    assert response.status_code == 303
    target = response.headers["Location"]
    assert target == f"/customer/offer/{offer.id}" and token not in target
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = customer.get(target).get_data(as_text=True)
    assert "Angebot ACME-A1 über Zusatzleistungen" in page
    assert "874,99 €" in page and "1.336,66 €" in page and "Termine nach Absprache." in page
    pdf = customer.get(f"{target}/pdf")
    assert pdf.data == offer.pdf and pdf.headers["Cache-Control"] == "private, no-store"

    (completion,) = session.scalars(
        select(StepCompletion).where(StepCompletion.step == "offer_services")
    )
    assert completion.details == {"offer_id": offer.id, "number": 1}
    assert completion.completed_by_id == world.partner.id
    (event_,) = events(session, "offer.send")
    assert event_.payload["to"] == [carla.email, john.email]
    assert event_.payload["sha256"] == offer.sha256 and token not in str(event_.payload)


def test_sending_needs_a_line_and_a_contact_of_this_customer(session, world, order):
    other = held_order(session, world, code="OTHER")
    stranger = session.scalar(
        select(CustomerContact).where(CustomerContact.customer_id == other.customer_id)
    )
    offer = saved(session, world, order, fields())
    with pytest.raises(Invalid) as refused:
        offers.send(session, world.partner, order.id, offer.version, [stranger.id])
    assert refused.value.fields.keys() == {"lines", "contacts"}
    session.expire_all()
    assert offer.status == "draft" and offer.pdf is None and offer.token_hash is None
    assert (
        session.scalar(
            select(func.count())
            .select_from(StepCompletion)
            .where(StepCompletion.step == "offer_services")
        )
        == 0
    )


def test_a_pdf_that_cannot_be_rendered_sends_nothing(session, world, order, monkeypatch):
    def broken(*_args, **_kwargs):
        raise pdf.PdfError("xhtml2pdf reported 1 error(s)")

    offer = saved(session, world, order)
    queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    monkeypatch.setattr(pdf, "document", broken)
    with pytest.raises(offers.PdfFailed, match="nichts wurde verschickt"):
        offers.send(session, world.partner, order.id, offer.version, [carla_of(session, order).id])
    session.expire_all()
    assert (offer.status, offer.token_hash, offer.sent_at) == ("draft", None, None)
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == queued
    assert events(session, "offer.send") == []


def test_the_default_recipients_are_the_contacts_the_lead_confirmed(session, world, order):
    carla = carla_of(session, order)
    assert offers.default_recipients(session, order) == {carla.id}
    page = offers.editor(session, world.partner, order.id)
    assert [c.name for c in page.contacts] == ["Carla Kunde", "John Client"]


def test_offer_services_is_completed_once_by_the_first_offer_sent(session, world, order):
    first = sent(session, world, order)
    offers.withdraw(session, world.partner, order.id, first.number)
    second = sent(session, world, order)
    assert second.number == 2
    (completion,) = session.scalars(
        select(StepCompletion).where(StepCompletion.step == "offer_services")
    )
    assert completion.details == {"offer_id": first.id, "number": 1}


def test_editing_a_sent_offer_is_refused(session, world, order):
    offer = sent(session, world, order)
    with pytest.raises(Conflict, match="keinen Entwurf"):
        save_draft(session, world.partner, order.id, awkward(session), offer.version)
    with pytest.raises(Conflict, match="keinen Entwurf"):
        offers.send(session, world.partner, order.id, offer.version, [carla_of(session, order).id])
    offers.withdraw(session, world.partner, order.id, offer.number)
    with pytest.raises(Conflict, match="zurückgezogen"):
        offers.withdraw(session, world.partner, order.id, offer.number)
    refused = events(session, "offer.refused")
    assert [(e.actor_id, e.object_id, e.payload["attempted"]) for e in refused] == [
        (world.partner.id, str(offer.id), "save"),
        (world.partner.id, str(offer.id), "send"),
        (world.partner.id, str(offer.id), "withdraw"),
    ]
    assert refused[2].payload["status"] == "withdrawn"
    assert "keinen Entwurf" in refused[0].payload["reason"]


# ---------------------------------------------------------------- the PDF


def test_the_pdf_lists_lines_and_totals_in_german(session, world, order):
    offer = sent(session, world, order)
    content = text(offer.pdf)
    for expected in (
        "Angebot ACME-A1",
        "ACME GmbH",
        "Carla Kunde",
        "John Client",
        "Anwenderschulung",
        "Berichtsvorlagen",
        "3 Tag",
        "1,5 Stunde",
        "333,33 €",
        "12,5 %",
        "874,99 €",
        "248,25 €",
        "Summe netto 1.123,24 €",
        "zzgl. Umsatzsteuer 19 % 213,42 €",
        "Gesamtbetrag brutto 1.336,66 €",
        "Termine nach Absprache.",
        "Dieses Angebot gilt bis einschließlich",
        "über den persönlichen Link in der E-Mail",
    ):
        assert expected in content, expected
    pages = page_texts(offer.pdf)
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page
    fonts = fonts_drawing_text(offer.pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("DejaVu" in name for name in fonts), fonts


def test_an_english_order_gets_an_english_pdf(session, world):
    order = held_order(session, world, code="ENGL", language="en")
    offer = sent(session, world, order)
    assert offer.language == "en"
    content = text(offer.pdf)
    for expected in (
        english("Angebot %(code)s", code="ENGL-A1"),
        "User training",
        "Report templates",
        "1.5 Stunde",
        "€333.33",
        "12.5%",
        "€874.99",
        f"{english('Summe netto')} €1,123.24",
        f"{english('zzgl. Umsatzsteuer %(rate)s', rate='19%')} €213.42",
        f"{english('Gesamtbetrag brutto')} €1,336.66",
        "Page 1 of 1",
    ):
        assert expected in content, expected
    assert "Anwenderschulung" not in content and "Seite" not in content


def test_many_lines_run_over_pages_with_numbers_on_every_page(session, world, order):
    items = catalogue(session)
    many = fields(*[line(items["REPORTS"], str(n)) for n in range(1, 61)])
    offer = sent(session, world, order, many)
    pages = page_texts(offer.pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page
    # The table header repeats on every page of the table.
    assert all("Preis je Einheit" in page for page in pages[:-1])
    assert "60 Stunde" in text(offer.pdf) and "9.930,00 €" in text(offer.pdf)


HOSTILE = (
    '<img src="file:///etc/passwd"> <img src="{canary}/img.png"> '
    '<a href="{canary}/link">klick</a> <link rel="stylesheet" href="{canary}/style.css"> '
    "<style>@import url({canary}/import.css); body {{ color: red }}</style> "
    "<pdf:nextpage></pdf:nextpage> &amp; <b>fett</b> ${{7*7}} {{{{ config }}}}"
)


def test_hostile_text_is_printed_literally_and_nothing_is_fetched(session, world, order):
    items = catalogue(session)
    with canary_server() as (base, hits):
        hostile = HOSTILE.format(canary=base)
        evil = ServiceItem(
            code="EVIL",
            name_de=f'<img src="{base}/item.png">Böse<pdf:nextpage></pdf:nextpage>',
            name_en="evil",
            unit="<b>h</b>",
            unit_price=Decimal("10.00"),
        )
        session.add(evil)
        order.customer_name = f'<img src="{base}/customer.png"> Böse & Co'
        carla = carla_of(session, order)
        carla.name = f'<a href="{base}/contact">Carla</a>'
        session.commit()
        offer = sent(
            session,
            world,
            order,
            fields(line(items["TRAINING"], "1"), line(evil, "1"), note=hostile),
            to=[carla.id],
        )
        content = text(offer.pdf)
        assert hits == []
    assert hostile in content  # the note runs the full width: even its spaces are kept
    for literal in (
        f'<img src="{base}/item.png">Böse<pdf:nextpage></pdf:nextpage>',
        f'<img src="{base}/customer.png"> Böse & Co',
        f'<a href="{base}/contact">Carla</a>',
        "<b>h</b>",
    ):
        # A long word may wrap inside a narrow column: compare without white space.
        assert "".join(literal.split()) in "".join(content.split()), literal
    assert len(reader(offer.pdf).pages) == 1  # no page break from the markup in the text
    assert all(fonts_drawing_text(offer.pdf).values())


# ---------------------------------------------------------------- the customer's decision


def opened(app, session, world, order):
    """A sent offer and a customer client that opened its link; the outbox delivered.

    Returns the offer, the client, the customer's page and the link's path."""
    offer = sent(session, world, order)
    row = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    path = link_in(message_from_string(delivery.outgoing(row), policy=policy.default), app)
    deliver(session)
    customer, response = customer_opens(app, path)
    assert response.status_code == 303
    return offer, customer, response.headers["Location"], path


def test_the_customer_accepts_and_the_sender_is_told(app, client, session, world, order, smtp):
    offer, customer, page, path = opened(app, session, world, order)
    deliver(session)
    smtp.envelopes.clear()
    response = customer.post(
        page, data={"decision": "accept", "name": " Carla  Kunde ", "version": offer.version}
    )
    assert response.status_code == 303 and response.headers["Location"] == page
    session.expire_all()
    assert offer.status == "accepted" and offer.decided_by_name == "Carla Kunde"
    assert offer.decided_at is not None and offer.decision_comment is None
    shown = customer.get(page).get_data(as_text=True)
    assert "Vielen Dank! Sie haben das Angebot angenommen." in shown
    assert "Carla Kunde hat dieses Angebot am" in shown and 'id="decision-form"' not in shown

    (event_,) = events(session, "offer.accepted")
    assert event_.actor_id is None and event_.payload["name"] == "Carla Kunde"
    (notice,) = mails(session, smtp).values()
    assert notice["To"] == world.partner.email
    assert notice["Subject"] == "Angebot ACME-A1 angenommen: ACME GmbH"
    assert "Carla Kunde hat das Angebot ACME-A1" in notice.get_body(("plain",)).get_content()

    login(client, world.partner)
    order_page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="offer-heading"' in order_page
    assert "Angenommen von Carla Kunde" in order_page and "angenommen" in order_page


def test_the_customer_declines_with_a_comment_in_english(app, session, world, smtp):
    order = held_order(session, world, code="ENGL", language="en")
    world.partner.language = "en"
    session.commit()
    offer, customer, page, path = opened(app, session, world, order)
    shown = customer.get(page).get_data(as_text=True)
    assert 'lang="en"' in shown and "User training" in shown and "€1,336.66" in shown
    deliver(session)
    smtp.envelopes.clear()
    customer.post(
        page,
        data={
            "decision": "decline",
            "name": "John Client",
            "comment": "Too early <b>for us</b>.\r\nMaybe next year.",
            "version": offer.version,
        },
    )
    session.expire_all()
    assert offer.status == "declined"
    assert offer.decision_comment == "Too early <b>for us</b>.\nMaybe next year."
    shown = customer.get(page).get_data(as_text=True)
    assert "Too early &lt;b&gt;for us&lt;/b&gt;." in shown
    (notice,) = mails(session, smtp).values()
    assert notice["Subject"] == english(
        "Angebot %(code)s abgelehnt: %(customer)s", code="ENGL-A1", customer="ENGL GmbH"
    )
    assert "€1,336.66" in notice.get_body(("plain",)).get_content()
    assert "Too early <b>for us</b>." in notice.get_body(("plain",)).get_content()
    assert "Too early &lt;b&gt;for us&lt;/b&gt;." in notice.get_body(("html",)).get_content()


def test_a_decision_needs_a_name_and_a_second_decision_is_refused(app, session, world, order):
    offer, customer, page, path = opened(app, session, world, order)
    for name in ("", "A", "x" * 101):
        refused = customer.post(
            page, data={"decision": "accept", "name": name, "version": offer.version}
        )
        assert refused.status_code == 400
        assert "Bitte geben Sie Ihren Namen an" in refused.get_data(as_text=True)
    long_comment = customer.post(
        page,
        data={
            "decision": "accept",
            "name": "Carla",
            "comment": "x" * 2001,
            "version": offer.version,
        },
    )
    assert long_comment.status_code == 400
    session.expire_all()
    assert offer.status == "sent"
    assert customer.post(page, data={"decision": "maybe", "name": "Carla"}).status_code == 400

    customer.post(page, data={"decision": "accept", "name": "Carla", "version": offer.version})
    again = customer.post(
        page, data={"decision": "decline", "name": "Carla", "version": offer.version + 1}
    )
    assert again.status_code == 409
    assert "schon entschieden" in again.get_data(as_text=True)
    session.expire_all()
    assert offer.status == "accepted" and len(events(session, "offer.accepted")) == 1
    assert events(session, "offer.declined") == []
    with pytest.raises(Conflict, match="schon entschieden"):
        offers.decide(
            session,
            [offer.id],
            offer.id,
            accept=False,
            name="Carla",
            comment="",
            version=offer.version,
        )
    refused = events(session, "offer.refused")
    assert [(e.actor_label, e.payload["attempted"], e.payload["status"]) for e in refused] == [
        ("customer", "decide", "accepted"),
        ("customer", "decide", "accepted"),
    ]


def _meanwhile(session, action) -> None:
    """Run `action(other_session)` once, just before `session` writes its next change."""

    def hook(*_args):
        with Session(db.engine) as other:
            action(other)

    event.listen(session(), "before_flush", hook, once=True)


def test_two_racing_decisions_cannot_both_win(session, world, order):
    offer = sent(session, world, order)
    version = offer.version
    _meanwhile(
        session,
        lambda other: offers.decide(
            other, [offer.id], offer.id, accept=True, name="Carla", comment="", version=version
        ),
    )
    with pytest.raises(Conflict, match="schon entschieden"):
        offers.decide(
            session, [offer.id], offer.id, accept=False, name="John", comment="", version=version
        )
    session.expire_all()
    assert (offer.status, offer.decided_by_name) == ("accepted", "Carla")
    assert len(events(session, "offer.accepted")) == 1 and events(session, "offer.declined") == []


def test_expired_withdrawn_and_unknown_links(app, session, world, order):
    offer, customer, page, token_path = opened(app, session, world, order)

    offer.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    for path in (token_path, page):
        gone = app.test_client().get(path) if path == token_path else customer.get(path)
        assert gone.status_code == 410
        assert "Dieses Angebot ist abgelaufen" in gone.get_data(as_text=True)
    refused = customer.post(
        page, data={"decision": "accept", "name": "Carla", "version": offer.version}
    )
    assert refused.status_code == 410

    offer.expires_at = utcnow() + timedelta(days=1)
    session.commit()
    offers.withdraw(session, world.partner, order.id, offer.number)
    for response in (
        app.test_client().get(token_path),
        customer.get(page),
        customer.get(f"{page}/pdf"),
    ):
        assert response.status_code == 410
        assert "Dieses Angebot wurde zurückgezogen" in response.get_data(as_text=True)
    with pytest.raises(LinkGone):
        offers.decide(
            session,
            [offer.id],
            offer.id,
            accept=True,
            name="Carla",
            comment="",
            version=offer.version,
        )

    assert app.test_client().get("/o/" + "A" * 43).status_code == 404
    # A session that never opened the link sees nothing.
    assert app.test_client().get(page).status_code == 404


def test_a_decided_link_shows_the_decision_read_only(app, session, world, order):
    offer, customer, page, path = opened(app, session, world, order)
    customer.post(
        page,
        data={
            "decision": "decline",
            "name": "Carla",
            "comment": "Später.",
            "version": offer.version,
        },
    )
    # Even past its validity, the decided offer stays readable.
    session.expire_all()
    offer.expires_at = utcnow() - timedelta(days=1)
    session.commit()
    other, response = customer_opens(app, path)
    assert response.status_code == 303
    shown = other.get(response.headers["Location"]).get_data(as_text=True)
    assert "Angebot abgelehnt" in shown and "Später." in shown
    assert 'id="decision-form"' not in shown


# ---------------------------------------------------------------- the partner's pages


def test_the_editor_adds_removes_and_saves_lines_without_javascript(client, session, world, order):
    items = catalogue(session)
    offer = started(session, world, order)
    login(client, world.partner)
    url = f"/orders/{order.id}/offer"
    page = client.get(url).get_data(as_text=True)
    assert "Anwenderschulung" in page and "3.000,00 €" in page  # 2.5 × 1200
    assert 'id="total-gross"' in page and "3.570,00 €" in page
    form = {
        "version": offer.version,
        "line_item": [str(items["TRAINING"].id)],
        "line_quantity": ["3"],
        "line_price": ["333,33"],
        "line_discount": ["12,5"],
        "valid_until": offer.valid_until.isoformat(),
        "note": "Hallo",
        "contact": [str(carla_of(session, order).id)],
    }
    added = client.post(url, data=form | {"action": "add", "add_item": str(items["REPORTS"].id)})
    page = added.get_data(as_text=True)
    assert added.status_code == 200 and "Berichtsvorlagen" in page
    assert 'id="line-1-quantity"' in page and "autofocus" in page
    assert "874,99 €" in page and "165,50 €" in page  # computed on the server, not saved
    session.expire_all()
    assert [x.code for x in offer.lines] == ["TRAINING"]

    nothing = client.post(url, data=form | {"action": "add", "add_item": ""})
    assert "Bitte eine Leistung aus dem Katalog wählen." in nothing.get_data(as_text=True)

    two = form | {
        "line_item": [str(items["TRAINING"].id), str(items["REPORTS"].id)],
        "line_quantity": ["3", "1,5"],
        "line_price": ["333,33", "165,50"],
        "line_discount": ["12,5", ""],
    }
    removed = client.post(url, data=two | {"action": "remove:0"}).get_data(as_text=True)
    assert 'id="line-1-quantity"' not in removed and "248,25 €" in removed

    response = client.post(url, data=two | {"action": "save"})
    assert response.status_code == 302
    session.expire_all()
    assert [(x.code, x.quantity) for x in offer.lines] == [
        ("TRAINING", Decimal(3)),
        ("REPORTS", Decimal("1.5")),
    ]
    page = client.get(url).get_data(as_text=True)
    assert "Der Entwurf ist gespeichert." in page and "1.336,66 €" in page


def test_the_editor_shows_errors_in_place_and_keeps_the_input(client, session, world, order):
    items = catalogue(session)
    offer = started(session, world, order)
    login(client, world.partner)
    response = client.post(
        f"/orders/{order.id}/offer",
        data={
            "action": "save",
            "version": offer.version,
            "line_item": [str(items["TRAINING"].id)],
            "line_quantity": ["zwei"],
            "line_price": ["1200"],
            "line_discount": ["120"],
            "valid_until": "2001-01-01",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page
    assert 'href="#line-0-quantity"' in page and 'href="#line-0-discount_percent"' in page
    assert 'href="#valid_until"' in page
    assert 'value="zwei"' in page and 'aria-invalid="true"' in page
    session.expire_all()
    assert offer.lines[0].quantity == Decimal("2.5")


def test_sending_from_the_editor_and_the_pdf_download(client, session, world, order):
    items = catalogue(session)
    offer = started(session, world, order)
    login(client, world.partner)
    data = {
        "version": offer.version,
        "line_item": [str(items["TRAINING"].id)],
        "line_quantity": ["2"],
        "line_price": ["1200,00"],
        "line_discount": ["0"],
        "valid_until": offer.valid_until.isoformat(),
        "note": "",
    }
    refused = client.post(f"/orders/{order.id}/offer/send", data=data)
    assert refused.status_code == 400
    assert "Bitte mindestens einen Ansprechpartner" in refused.get_data(as_text=True)
    response = client.post(
        f"/orders/{order.id}/offer/send",
        data=data | {"contact": [str(carla_of(session, order).id)]},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orders/{order.id}#offer-heading")
    session.expire_all()
    assert offer.status == "sent" and offer.lines[0].quantity == 2
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Das Angebot ist für 1 Ansprechpartner zum Versand eingereiht." in page
    # The order page shows the mail's state next to its recipient; it changes on delivery.
    assert "Carla Kunde <span" in page and "wartet auf Versand" in page
    deliver(session)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "als Datei abgelegt (kein Mailserver)" in page and "wartet auf Versand" not in page
    assert "ACME-A1" in page and "2.856,00 €" in page
    download = client.get(f"/orders/{order.id}/offer/1.pdf")
    assert download.data == offer.pdf
    assert download.headers["Cache-Control"] == "private, no-store"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/orders/{order.id}/offer/2.pdf").status_code == 404
    editor = client.get(f"/orders/{order.id}/offer").get_data(as_text=True)
    assert 'id="withdraw-offer"' in editor
    client.post(f"/orders/{order.id}/offer/1/withdraw")
    session.expire_all()
    assert offer.status == "withdrawn"
    assert 'id="start-offer"' in client.get(f"/orders/{order.id}/offer").get_data(as_text=True)

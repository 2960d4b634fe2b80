"""The offer in headless Chromium: the partner edits and sends, the customer accepts; axe-core."""

import os
import re
from email import message_from_string, policy
from pathlib import Path

import pytest
from flask import current_app
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import OutboxMessage, ServiceOffer
from tests.browser.conftest import ARTIFACTS, axe_violations, format_violations, login
from tests.browser.test_staff_pages import switch_language
from tests.helpers import catalogue, deliver
from tests.test_offer import held_order, sent

pytestmark = pytest.mark.browser
LANGUAGES = ("de", "en")
# SCREENSHOTS=1 keeps a full-page screenshot of every checked page in test-artifacts/.
SHOTS = os.environ.get("SCREENSHOTS") == "1"


def shot(page, name: str) -> None:
    """Keep a screenshot of the page for a human to look at (only under SCREENSHOTS=1)."""
    if SHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"offer-{name}.png"), full_page=True)


def assert_accessible(page, name: str, back: str = "de") -> None:
    """axe-core finds nothing on the page, in German and in English (the header switch)."""
    for lang in LANGUAGES:
        switch_language(page, lang)
        violations = axe_violations(page)
        assert not violations, f"{name} ({lang}) at {page.url}\n{format_violations(violations)}"
        shot(page, f"{name}-{lang}")
    switch_language(page, back)


def link_from_mail(session, live_server, email: str) -> str:
    """The decision link in the newest mail to `email`, as the worker delivers it (no SMTP
    server: an .eml file; the outbox itself holds no link)."""
    deliver(session)
    session.expire_all()
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipients == email).order_by(OutboxMessage.id)
    )
    (path,) = Path(current_app.config["MAIL_DIR"]).glob(f"{list(rows)[-1].id}-*.eml")
    message = message_from_string(path.read_text(encoding="utf-8"), policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    (path,) = re.findall(r"/o/[A-Za-z0-9_-]+", body)
    return live_server + path


def test_partner_edits_and_sends_the_customer_accepts(
    page, browser, live_server, session, world, console_errors
):
    items = catalogue(session)
    order = held_order(session, world, services=(("TRAINING", "2.5"),))
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Angebot für Zusatzleistungen erstellen").click()
    assert_accessible(page, "start")
    with page.expect_navigation():
        page.locator("#start-offer").click()
    expect(page.locator(".flash-success")).to_have_text("Der Entwurf des Angebots ist angelegt.")
    # 2.5 days × 1,200 € from the protocol
    expect(page.locator("#total-net")).to_have_text("3.000,00 €")
    assert_accessible(page, "editor")

    # offer.js recomputes while typing, with the server's rounding.
    page.locator("#line-0-quantity").fill("3")
    page.locator("#line-0-unit_price").fill("333,33")
    page.locator("#line-0-discount_percent").fill("12,5")
    expect(page.locator("tr[data-row] [data-net]")).to_have_text("874,99 €")
    expect(page.locator("#total-vat")).to_have_text("166,25 €")
    expect(page.locator("#total-gross")).to_have_text("1.041,24 €")
    page.locator("#line-0-quantity").fill("drei")
    expect(page.locator("#total-gross")).to_have_text("—")
    page.locator("#line-0-quantity").fill("3")
    expect(page.locator("#total-gross")).to_have_text("1.041,24 €")

    # Adding a line goes through the server, keeping what was typed.
    page.locator("#add_item").select_option(str(items["REPORTS"].id))
    with page.expect_navigation():
        page.locator("#add-line").click()
    expect(page.locator("#line-1-quantity")).to_be_focused()
    expect(page.locator("#line-0-discount_percent")).to_have_value("12,5")
    page.locator("#line-1-quantity").fill("1,5")
    page.locator("#note").fill("Termine nach Absprache.\n<b>kein HTML</b>")
    expect(page.locator("#total-gross")).to_have_text("1.336,66 €")
    expect(page.locator("input[name=contact]:checked")).to_have_count(1)  # Carla, confirmed
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    shot(page, "editor-filled")
    with page.expect_navigation():
        page.locator("#send-offer").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Das Angebot ist für 1 Ansprechpartner zum Versand eingereiht."
    )
    expect(page.locator("#offer-1")).to_contain_text("1.336,66 €")
    expect(page.locator("#offer-1")).to_contain_text("Entscheidung offen")
    expect(page.locator("#offer-1")).to_contain_text("Carla Kunde wartet auf Versand")
    shot(page, "order-sent")
    with page.expect_navigation():
        page.get_by_role("link", name="Angebot ansehen oder zurückziehen").click()
    expect(page.locator("#offer-lines tfoot")).to_contain_text("1.336,66 €")
    expect(page.locator("#withdraw-offer")).to_be_visible()
    assert_accessible(page, "sent")

    customer = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    try:
        visitor = customer.new_page()
        visitor.on("pageerror", lambda error: console_errors.append(f"pageerror: {error}"))
        visitor.goto(link_from_mail(session, live_server, "carla@acme.example"))
        expect(visitor).to_have_url(re.compile(rf"^{live_server}/customer/offer/\d+$"))
        expect(visitor.locator("h1")).to_have_text("Angebot ACME-A1 über Zusatzleistungen")
        expect(visitor.locator("#offer-note")).to_have_text(
            "Termine nach Absprache.\n<b>kein HTML</b>"
        )
        assert_accessible(visitor, "customer")
        visitor.locator("#name").fill("Carla Kunde")
        visitor.locator("#comment").fill("Bitte im Januar.")
        with visitor.expect_navigation():
            visitor.locator("#accept").click()
        expect(visitor.locator(".flash-success")).to_have_text(
            "Vielen Dank! Sie haben das Angebot angenommen."
        )
        expect(visitor.locator("#decided")).to_contain_text("Carla Kunde hat dieses Angebot am")
        expect(visitor.locator("#decision-form")).to_have_count(0)
        assert_accessible(visitor, "customer-decided")
    finally:
        customer.close()

    session.expire_all()
    offer = session.scalar(select(ServiceOffer))
    assert (offer.status, offer.decision_comment) == ("accepted", "Bitte im Januar.")
    page.goto(f"{live_server}/orders/{order.id}")
    expect(page.locator("#offer-1")).to_contain_text("Angenommen von Carla Kunde")
    shot(page, "order-accepted")
    assert_accessible(page, "order-accepted")
    assert console_errors == []


def test_a_missing_name_is_shown_in_the_error_summary(
    browser, live_server, session, world, console_errors
):
    order = held_order(session, world)
    sent(session, world, order)
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        page.goto(link_from_mail(session, live_server, "carla@acme.example"))
        with page.expect_navigation():
            page.locator("#decline").click()  # the form is novalidate: the server checks
        expect(page.locator(".error-summary")).to_contain_text("Bitte geben Sie Ihren Namen an")
        expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#decision-form")).to_be_visible()  # still undecided
        violations = axe_violations(page)
        assert not violations, format_violations(violations)
        shot(page, "customer-error")
    finally:
        context.close()
    assert console_errors == []

"""Contacts confirmation and the protocol in headless Chromium: keyboard, axe-core, CSP."""

import os
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import CallAttendance, CustomerContact
from portal.services import protocol
from tests.browser.conftest import ARTIFACTS, axe_violations, format_violations, login
from tests.browser.test_staff_pages import focused, switch_language
from tests.helpers import catalogue
from tests.protocol.support import confirm, finalise, new_order, save_diagram

pytestmark = pytest.mark.browser
LANGUAGES = ("de", "en")
# SCREENSHOTS=1 keeps a full-page screenshot of every checked page in test-artifacts/.
SHOTS = os.environ.get("SCREENSHOTS") == "1"


def shot(page, name: str) -> None:
    """Keep a screenshot of the page for a human to look at (only under SCREENSHOTS=1)."""
    if SHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"protocol-{name}.png"), full_page=True)


def assert_accessible(page, name: str) -> None:
    """axe-core finds nothing on the page, in German and in English (the header switch)."""
    for lang in LANGUAGES:
        switch_language(page, lang)
        violations = axe_violations(page)
        assert not violations, f"{name} ({lang}) at {page.url}\n{format_violations(violations)}"
        shot(page, f"{name}-{lang}")
    switch_language(page, "de")


def carla_of(session) -> CustomerContact:
    return session.scalar(select(CustomerContact).where(CustomerContact.email.like("carla@%")))


def test_lead_confirms_the_contacts_with_the_keyboard(
    page, live_server, session, world, console_errors
):
    order = new_order(session, world)
    carla = carla_of(session)
    key = f"contact-{carla.id}"
    login(page, live_server, world.lead)
    page.goto(f"{live_server}/orders/{order.id}")
    expect(page.locator("#call-missing")).to_contain_text(
        "Ansprechpartner vom Projektleiter bestätigt"
    )
    shot(page, "order-missing")
    with page.expect_navigation():
        page.get_by_role("link", name="prüfen und bestätigen").click()
    assert_accessible(page, "contacts")
    keys = page.keyboard
    keys.press("Tab")
    expect(page.locator("a.skip-link")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    for _ in range(10):  # breadcrumb links, then the first field
        keys.press("Tab")
        if focused(page) == f"input#{key}-role":
            break
    expect(page.locator(f"input#{key}-role")).to_be_focused()
    keys.type("IT-Leitung")
    keys.press("Tab")
    expect(page.locator(f"input#{key}-email")).to_be_focused()
    keys.press("Tab")
    expect(page.locator(f"input#{key}-phone")).to_be_focused()
    keys.type("+49 30 1234")
    keys.press("Tab")
    expect(page.locator(f"input#{key}-attended")).to_be_focused()
    keys.press("Space")
    expect(page.locator(f"input#{key}-attended")).to_be_checked()
    keys.press("Tab")
    expect(page.locator("button#confirm-contacts.button.primary")).to_be_focused()
    with page.expect_navigation():
        keys.press("Enter")
    expect(page).to_have_url(f"{live_server}/orders/{order.id}#outcome-heading")
    expect(page.locator(".flash-success")).to_have_text("Die Ansprechpartner sind bestätigt.")
    expect(page.locator("#call-missing")).not_to_contain_text("Ansprechpartner")
    # The page confirmed it: the server had committed before redirecting.
    session.expire_all()
    assert (carla.role, carla.phone) == ("IT-Leitung", "+49 30 1234")
    assert session.scalar(
        select(CallAttendance.attended).where(CallAttendance.contact_id == carla.id)
    )
    assert console_errors == []


def test_partner_drafts_and_submits_and_the_lead_approves(
    page, live_server, session, world, console_errors
):
    items = catalogue(session)
    order = new_order(session, world)
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order.id}/protocol")
    assert_accessible(page, "editor-empty")

    page.locator("#topics").fill("Schnittstellen und Datenfluss")
    page.locator("#decisions").fill("Täglicher Import um 6 Uhr")
    page.get_by_role("button", name="+ Offenen Punkt hinzufügen").click()  # protocol.js, no reload
    new_text = page.locator("#open-points [data-row] input[name=point_text]").last
    expect(new_text).to_be_focused()
    expect(page.locator("#open-points [data-row] > legend")).to_have_text(["Offener Punkt 1"])
    page.keyboard.type("VPN-Zugang einrichten")
    page.locator("#open-points input[name=point_owner]").fill("Carla Kunde")
    page.locator("#open-points input[name=point_due]").fill("2027-03-15")
    page.get_by_role("button", name="+ Zusatzleistung hinzufügen").click()
    page.get_by_role("button", name="+ Zusatzleistung hinzufügen").click()
    expect(page.locator("#services [data-row] > legend")).to_have_text(
        ["Zusatzleistung 1", "Zusatzleistung 2"]
    )
    page.get_by_role("button", name=re.compile(r"^Entfernen\W+Zusatzleistung 1$")).click()
    expect(page.locator("#services [data-row] > legend")).to_have_text(["Zusatzleistung 1"])
    page.locator("#services select[name=service_item]").select_option(str(items["TRAINING"].id))
    page.locator("#services input[name=service_quantity]").fill("2")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    shot(page, "editor-filled")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern und zur Freigabe einreichen").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Das Protokoll ist zur Freigabe eingereicht."
    )
    expect(page.locator("#protocol-status")).to_contain_text("zur Freigabe eingereicht")
    session.expire_all()
    stored = protocol.protocol_of(session, order)
    assert stored.open_points == [
        {"text": "VPN-Zugang einrichten", "owner": "Carla Kunde", "due": "2027-03-15"}
    ]
    assert [(s["code"], s["quantity"]) for s in stored.services] == [("TRAINING", "2")]

    # Everything the call needs, then the partner records it as held on the order page.
    save_diagram(session, world, order)
    finalise(session, world, order, "technical")
    finalise(session, world, order, "business")
    confirm(session, world, order, carla_of(session))
    page.goto(f"{live_server}/orders/{order.id}")
    expect(page.locator("#call-missing")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Setup Call als durchgeführt erfassen").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Der Setup Call ist als durchgeführt erfasst."
    )
    page.context.clear_cookies()
    login(page, live_server, world.lead)
    page.goto(f"{live_server}/orders/{order.id}/protocol")
    assert_accessible(page, "submitted")
    with page.expect_navigation():
        page.get_by_role("button", name="Protokoll freigeben").click()
    expect(page.locator(".flash-success[role=status]")).to_have_text(
        "Das Protokoll ist freigegeben."
    )
    session.expire_all()
    digest = protocol.protocol_of(session, order).content_hash
    expect(page.locator("#approval")).to_contain_text("Freigegeben von Leo am")
    expect(page.locator("#content-hash")).to_have_text(digest)
    expect(page.locator("#protocol-form")).to_have_count(0)
    assert_accessible(page, "approved")
    page.goto(f"{live_server}/orders/{order.id}")
    shot(page, "order-approved")
    assert console_errors == []


def test_without_javascript_the_server_adds_and_removes_rows(
    browser, live_server, session, world, console_errors
):
    catalogue(session)
    order = new_order(session, world)
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, world.partner)
        page.goto(f"{live_server}/orders/{order.id}/protocol")
        page.locator("#topics").fill("Schnittstellen")
        for _ in range(2):
            with page.expect_navigation():
                page.get_by_role("button", name="+ Offenen Punkt hinzufügen").click()
        expect(page.locator("#open-points [data-row] > legend")).to_have_text(
            ["Offener Punkt 1", "Offener Punkt 2"]
        )
        expect(page.locator("#topics")).to_have_value("Schnittstellen")
        page.locator("#point-0-text").fill("Erster")
        page.locator("#point-1-text").fill("Zweiter")
        page.locator("#point-1-owner").fill("Carla")
        page.locator("#point-1-due").fill("2027-04-01")
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile(r"^Entfernen\W+Offener Punkt 1$")).click()
        expect(page.locator("#point-0-text")).to_have_value("Zweiter")
        with page.expect_navigation():  # Enter in a field saves; it never removes a row
            page.locator("#point-0-owner").press("Enter")
        expect(page.locator(".flash-success")).to_have_text("Der Entwurf ist gespeichert.")
        session.expire_all()
        stored = protocol.protocol_of(session, order)
        assert stored.open_points == [{"text": "Zweiter", "owner": "Carla", "due": "2027-04-01"}]
    finally:
        context.close()
    assert console_errors == []

"""The staff pages and the customer landing page in headless Chromium: axe-core, keyboard, CSP."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import Order
from portal.services import calls
from tests.browser.conftest import axe_violations, format_violations, login
from tests.helpers import accept, catalogue, place

pytestmark = pytest.mark.browser

PAGES = (
    "login",
    "dashboard",
    "order_form",
    "accepted_order",
    "admin_users",
    "admin_audit",
    "customer_landing",
    "partner_order",
    "call_planning",
    "account_calendar",
    "account_notifications",
)
LANGUAGES = ("de", "en")


def build(session, world) -> dict:
    """A catalogue, one placed and one accepted order; the accepted one's customer tokens."""
    catalogue(session)
    place(session, world, code="OPEN", TRAINING="1")
    accepted = accept(session, world, place(session, world, code="ACME", TRAINING="2"))
    calls.add_contact(
        session, world.partner, accepted.order.id, name="Max Mustermann", email="max@acme.example"
    )
    return {"order_id": accepted.order.id, "tokens": accepted.tokens}


def visit(page, base_url, world, data, name):
    """Open one page as the user who would see it; returns the main document's response."""
    page.context.clear_cookies()
    if name == "login":
        return page.goto(f"{base_url}/login")
    if name == "customer_landing":
        response = page.goto(f"{base_url}/r/{data['tokens']['technical']}")
        expect(page).to_have_url(f"{base_url}/customer")
        return response
    user, path = {
        "dashboard": (world.backoffice, "/"),
        "order_form": (world.partner, "/orders/new"),
        "accepted_order": (world.lead, f"/orders/{data.get('order_id')}"),
        "admin_users": (world.admin, "/admin/users"),
        "admin_audit": (world.admin, "/admin/audit"),
        "partner_order": (world.partner, f"/orders/{data.get('order_id')}"),
        "call_planning": (
            world.partner,
            f"/orders/{data.get('order_id')}/call?architect={world.architect.id}"
            f"&technician={world.technician.id}&contact=1&duration=60",
        ),
        "account_calendar": (world.architect, "/account/calendar"),
        "account_notifications": (world.lead, "/account/notifications"),
    }[name]
    login(page, base_url, user)
    return page.goto(f"{base_url}{path}")


def switch_language(page, lang: str) -> None:
    """Choose the interface language with the header button, as a user would."""
    if page.locator("html").get_attribute("lang") != lang:
        with page.expect_navigation():
            page.locator(f"header button[name=lang][value={lang}]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def focused(page) -> str:
    """The focused element as tag#id.class, for readable messages (to check focus, use
    expect(locator).to_be_focused(): it waits for the page)."""
    return page.evaluate(
        """() => { const e = document.activeElement;
        return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
          + [...e.classList].map(c => "." + c).join(""); }"""
    )


def text(locator) -> str:
    """A locator's text with the non-breaking spaces of Intl/Babel as plain spaces."""
    return locator.inner_text().replace("\xa0", " ").strip()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violations(page, live_server, session, world, name, lang):
    data = build(session, world)
    response = visit(page, live_server, world, data, name)
    assert response.ok, f"{name}: HTTP {response.status}"
    switch_language(page, lang)
    violations = axe_violations(page)
    assert not violations, f"{name} ({lang}) at {page.url}\n{format_violations(violations)}"


def test_csp_blocks_nothing_the_pages_need(page, live_server, session, world, console_errors):
    data = build(session, world)
    for lang in LANGUAGES:
        for name in PAGES:
            response = visit(page, live_server, world, data, name)
            assert "script-src 'self'" in response.headers["content-security-policy"]
            switch_language(page, lang)
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background == "rgb(245, 247, 250)", f"{name}: portal.css not applied"
            if name == "order_form":  # order-form.js ran
                expect(page.locator("#order-total")).not_to_be_empty()
    assert console_errors == []


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server, session, world):
    for name in ("login", "dashboard"):
        visit(page, live_server, world, {}, name)
        page.keyboard.press("Tab")
        expect(page.locator("a.skip-link")).to_be_focused()
        # The focused skip link is on screen, all of it.
        expect(page.locator("a.skip-link")).to_be_in_viewport(ratio=1)
        page.keyboard.press("Enter")
        expect(page.locator("main#main.wrap")).to_be_focused()
        expect(page).to_have_url(re.compile(r"#main$"))
        page.keyboard.press("Tab")
        first_in_main = "input#email" if name == "login" else "input#q.short"
        expect(page.locator(first_in_main)).to_be_focused()


def test_partner_places_an_order_with_the_keyboard_only(
    page, live_server, session, world, console_errors
):
    items = catalogue(session)
    training, reports = (f"qty_{items[code].id}" for code in ("TRAINING", "REPORTS"))
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/new")
    keys = page.keyboard

    def tab(expected: str, shift: bool = False) -> None:
        """Press (Shift+)Tab; `expected`, a CSS selector, gets the focus."""
        keys.press("Shift+Tab" if shift else "Tab")
        expect(page.locator(expected)).to_be_focused()

    tab("a.skip-link")
    keys.press("Enter")
    expect(page.locator("main#main.wrap")).to_be_focused()
    tab("input#customer_name")
    keys.type("Tastatur GmbH")
    tab("input#short_code.short")
    keys.type("TASTE")
    tab("input#license_model-0")
    keys.press("Space")
    tab("input#deployment-0")
    keys.press("ArrowDown")  # moves to "In der CP Cloud" and selects it
    expect(page.locator("input#deployment-1")).to_be_focused()
    expect(page.locator("input#deployment-1")).to_be_checked()
    keys.press("Space")
    tab("select#language.short")
    tab(f"input#{training}.short.qty")
    keys.type("2")
    tab(f"input#{reports}.short.qty")
    keys.type("1,5")
    tab(f"input#{training}.short.qty", shift=True)  # correct the first quantity
    keys.press("ControlOrMeta+A")
    keys.type("3")
    tab(f"input#{reports}.short.qty")
    tab("#order-form button.button.primary")
    # 4800 + 3 × 1200 + 1.5 × 165.50 (expect() reads the no-break space as a space)
    expect(page.locator("#order-total")).to_have_text("8.648,25 €")
    with page.expect_navigation():
        keys.press("Enter")

    expect(page).to_have_url(re.compile(rf"^{live_server}/orders/\d+(#main)?$"))
    expect(page.locator(".flash-success")).to_contain_text(
        "Bestellung für Tastatur GmbH aufgegeben."
    )
    expect(page.locator("h1")).to_have_text("Tastatur GmbH (TASTE)")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Miete")
    expect(facts).to_contain_text("CP Cloud")
    expect(page.locator("#lines-heading ~ .table-wrap tfoot td.num")).to_have_text("8.648,25 €")
    assert console_errors == []
    # The page confirmed the order: the server committed it before redirecting.
    session.expire_all()
    order = session.scalar(select(Order).where(Order.short_code == "TASTE"))
    assert order.total == Decimal("8648.25") and order.deployment == "cp_cloud"


@pytest.mark.parametrize(
    "lang, totals",
    [
        ("de", ["4.800,00 €", "7.200,00 €", "7.365,50 €", "7.448,25 €", "5.048,25 €"]),
        ("en", ["€4,800.00", "€7,200.00", "€7,365.50", "€7,448.25", "€5,048.25"]),
    ],
)
def test_live_total_follows_the_typed_quantities(page, live_server, session, world, lang, totals):
    items = catalogue(session)
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/new")
    switch_language(page, lang)
    total = page.locator("#order-total")
    training = page.locator(f"#qty_{items['TRAINING'].id}")
    reports = page.locator(f"#qty_{items['REPORTS'].id}")
    # expect() reads the no-break spaces of Intl as spaces.
    expect(total).to_have_text(totals[0])
    training.press_sequentially("2")
    expect(total).to_have_text(totals[1])
    reports.press_sequentially("1")
    expect(total).to_have_text(totals[2])
    reports.press_sequentially("," if lang == "de" else ".")
    expect(reports).to_have_value("1," if lang == "de" else "1.")
    expect(total).to_have_text(totals[2])
    reports.press_sequentially("5")
    expect(total).to_have_text(totals[3])
    training.press("End")
    training.press("Backspace")
    expect(training).to_have_value("")
    expect(total).to_have_text(totals[4])
    line = page.locator(f"tr:has(#qty_{items['TRAINING'].id}) .line-total")
    expect(line).to_be_empty()


def test_the_checks_see_what_they_look_for(page, live_server, console_errors):
    """axe reports an unlabelled field, and a script the CSP refuses shows as a console error."""
    page.goto(f"{live_server}/login")
    page.evaluate("document.querySelector('label[for=email]').remove()")
    assert "label" in {violation["id"] for violation in axe_violations(page)}
    # Chromium reports the refusal as a console message of its own, after the script ran.
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => { const s = document.createElement("script");
            s.textContent = "window.inlineRan = true"; document.body.append(s); }"""
        )
    assert page.evaluate("window.inlineRan") is None
    assert any("Content Security Policy" in error for error in console_errors), console_errors

"""The customer questionnaires in headless Chromium, as a customer experiences them.

Keyboard only, conditional questions while typing, save and resume, submit, no JavaScript,
axe-core on every page in both languages, the error summary and the save conflict, and no
console errors (the CSP refuses inline scripts) anywhere.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import questionnaires
from portal.models import Response
from portal.services import drafts
from tests import samples
from tests.browser.conftest import (
    axe_violations,
    eventually,
    format_violations,
)
from tests.browser.test_staff_pages import focused, switch_language
from tests.helpers import accept, place

pytestmark = pytest.mark.browser

SAVED = "Ihre Antworten sind gespeichert."
ALL_SAVED = "Alle Antworten sind gespeichert."


def order_with_links(session, world, deployment="on_premises", code="ACME"):
    """An accepted order: (order, {"technical": token, "business": token})."""
    accepted = accept(session, world, place(session, world, code=code, deployment=deployment))
    return accepted.order, accepted.tokens


def enter(page, base_url, token, name="Max Muster") -> None:
    """Open the secret link and say who is answering (with the mouse: not under test here)."""
    page.goto(f"{base_url}/r/{token}")
    page.locator("#name").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="Übernehmen").click()


def page_url(base_url, kind, key="") -> str:
    """A questionnaire page's address, or the summary's without a page key."""
    return (
        f"{base_url}/customer/{kind}/pages/{key}" if key else f"{base_url}/customer/{kind}/summary"
    )


def stored(session, order, kind="technical") -> Response | None:
    """The response as the server committed it."""
    session.expire_all()
    return session.scalar(
        select(Response).where(Response.order_id == order.id, Response.questionnaire == kind)
    )


def seed(session, order, kind, data) -> None:
    """Store answers through the service, on top of whatever the browser saved."""
    current = stored(session, order, kind)
    result = drafts.save(
        session,
        order,
        kind,
        base_version=current.version if current else 0,
        changes=data,
        author="Setup",
    )
    assert result.saved and not result.conflicts, result.errors


def tab_to(page, selector: str, shift: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches, at most `limit` times."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
        if is_focused(page, selector):
            return
        path.append(focused(page))
    raise AssertionError(f"Tab never reached {selector}; went through {path}")


def unexpected(console_errors: list[str], *expected: tuple[int, str]) -> list[str]:
    """The console errors, less Chromium's note on a page answered with an expected status
    (a refused save or submit answers 400, a conflict 409: the page itself is fine)."""

    def announced(error: str) -> bool:
        return any(
            f"the server responded with a status of {status} " in error and f"{path})" in error
            for status, path in expected
        )

    return [error for error in console_errors if not announced(error)]


def is_focused(page, selector: str) -> bool:
    """Whether the focused element matches a CSS selector."""
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def assert_accessible(page, where: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    violations = axe_violations(page)
    assert not violations, f"{where} at {page.url}\n{format_violations(violations)}"


def wait_until(page, condition, what: str) -> None:
    """Poll a condition outside the page (the database) while the page works on."""
    eventually(condition, what, page=page)


def test_a_customer_fills_the_technical_questionnaire_with_the_keyboard_only(
    page, live_server, session, world, console_errors
):
    order, tokens = order_with_links(session, world)
    keys = page.keyboard
    page.goto(f"{live_server}/r/{tokens['technical']}")
    assert page.url == f"{live_server}/customer"

    # Landing page: the name first, Enter submits it; then the start button appears.
    tab_to(page, "input#name", limit=6)
    keys.type("Max Muster")
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.locator("#name")).to_have_value("Max Muster")
    tab_to(page, "a.button.primary[href$='/technical/pages/environment']", limit=6)
    with page.expect_navigation():
        keys.press("Enter")
    expect(page).to_have_url(page_url(live_server, "technical", "environment"))

    # Page 1 (on premises): radios with Space and the arrow keys, a select, numbers.
    tab_to(page, "input#server-server_layout-0")
    keys.press("Space")
    keys.press("ArrowRight")  # moves on and selects "separate servers"
    expect(page.locator("#server-server_layout-1")).to_be_focused()
    expect(page.locator("#server-server_layout-1")).to_be_checked()
    keys.press("Tab")
    expect(page.locator("select#server-operating_system")).to_be_focused()
    for _ in range(3):
        keys.press("ArrowDown")  # (please choose) -> 2016 -> 2019 -> 2022
    expect(page.locator("select#server-operating_system")).to_have_value("windows_server_2022")
    keys.press("Tab")
    expect(page.locator("#server-virtualisation-0")).to_be_focused()
    keys.press("Space")
    keys.press("Tab")
    expect(page.locator("input#server-cpu_cores")).to_be_focused()
    keys.type("8")
    keys.press("Tab")
    expect(page.locator("input#server-ram_gb")).to_be_focused()
    keys.type("16")
    keys.press("Tab")
    expect(page.locator("input#server-disk_gb")).to_be_focused()
    keys.type("200")
    keys.press("Shift+Tab")  # correct the memory
    expect(page.locator("input#server-ram_gb")).to_be_focused()
    keys.press("ControlOrMeta+A")
    keys.type("32")
    expect(page.locator("input#server-ram_gb")).to_have_value("32")
    tab_to(page, "input#test_system-0")
    keys.press("ArrowRight")  # "Nein"
    expect(page.locator("#test_system-1")).to_be_focused()
    expect(page.locator("#test_system-1")).to_be_checked()
    tab_to(page, "button[value=next]", limit=5)
    with page.expect_navigation():
        keys.press("Enter")  # saves what changed, then goes on
    expect(page).to_have_url(page_url(live_server, "technical", "workstations"))
    expect(page.locator("#save-status")).to_contain_text("Zuletzt gespeichert")

    # Page 2: checkboxes with Space, numbers, Enter in a field saves and stays.
    tab_to(page, "input#client_os-0")
    keys.press("Space")
    keys.press("Tab")
    keys.press("Tab")
    keys.press("Tab")
    expect(page.locator("input#client_os-3")).to_be_focused()
    keys.press("Space")
    tab_to(page, "input#named_users")
    keys.type("25")
    keys.press("Tab")
    expect(page.locator("input#concurrent_users")).to_be_focused()
    keys.type("10")
    keys.press("Tab")
    expect(page.locator("input#directory_service-0")).to_be_focused()
    keys.press("ArrowDown")
    keys.press("ArrowDown")  # hybrid
    keys.press("Shift+Tab")
    expect(page.locator("input#concurrent_users")).to_be_focused()
    keys.press("Enter")  # saves in the page and stays
    expect(page.locator("#save-status")).to_have_text(ALL_SAVED)
    expect(page).to_have_url(page_url(live_server, "technical", "workstations"))
    expect(page.locator("#named_users")).to_have_value("25")

    # To the contacts with the section navigation.
    tab_to(page, "nav.page-nav a[href$='/pages/contacts']")
    with page.expect_navigation():
        keys.press("Enter")

    # Contacts: remove the blank row, add two, fill them, remove the first.
    tab_to(page, "button.remove-row")
    keys.press("Enter")
    expect(page.locator("[data-row]")).to_have_count(0)
    expect(page.locator("button.add-row")).to_be_focused()
    for index, (name, role, email) in enumerate(
        (
            ("Ada Admin", "IT-Leitung", "ada@example.com"),
            ("Bob Beispiel", "Netzwerk", "bob@example.com"),
        )
    ):
        if not is_focused(page, "button.add-row"):
            tab_to(page, "button.add-row", limit=2)  # past the row's remove button
        keys.press("Enter")
        expect(page.locator("[data-row]")).to_have_count(index + 1)
        expect(page.locator(f"input#it_contacts-{index}-name")).to_be_focused()
        keys.type(name)
        keys.press("Tab")
        expect(page.locator(f"input#it_contacts-{index}-role")).to_be_focused()
        keys.type(role)
        keys.press("Tab")
        expect(page.locator(f"input#it_contacts-{index}-email")).to_be_focused()
        keys.type(email)
        keys.press("Tab")
        expect(page.locator(f"input#it_contacts-{index}-phone")).to_be_focused()
        keys.type("+49 351 1234")
        keys.press("Tab")
        expect(page.locator(f"input#it_contacts-{index}-joins_setup_call-0")).to_be_focused()
        keys.press("Space")
        expect(page.locator(f"input#it_contacts-{index}-joins_setup_call-0")).to_be_checked()
    expect(page.locator("[data-row] > legend")).to_have_text(
        ["Ansprechpartner 1", "Ansprechpartner 2"]
    )
    tab_to(page, "[data-row][data-index='0'] button.remove-row", shift=True)
    expect(page.locator(":focus")).to_contain_text("Ansprechpartner 1")
    keys.press("Enter")
    expect(page.locator("[data-row]")).to_have_count(1)
    # Bob's row took the first place: focus is in it, it is numbered 1, nothing lost.
    expect(page.locator("input#it_contacts-0-name")).to_be_focused()
    expect(page.locator("[data-row] > legend")).to_have_text("Ansprechpartner 1")
    expect(page.locator("#it_contacts-0-name")).to_have_value("Bob Beispiel")
    expect(page.locator("#it_contacts-0-email")).to_have_value("bob@example.com")
    expect(page.locator("#it_contacts-0-joins_setup_call-0")).to_be_checked()
    # Removing a row saves in the background (and may show or hide questions): scan the
    # page once that save is in, not while it changes the page.
    wait_until(
        page,
        lambda: (
            [c["name"] for c in stored(session, order).data.get("it_contacts", [])]
            == ["Bob Beispiel"]
        ),
        "the background save after removing a row",
    )
    assert_accessible(page, "contacts after adding and removing rows")
    tab_to(page, "button.button[value=save]:not(.visually-hidden)")
    keys.press("Enter")
    expect(page.locator("#save-status")).to_have_text(ALL_SAVED)
    page.reload()
    expect(page.locator("#it_contacts-0-name")).to_have_value("Bob Beispiel")
    expect(page.locator("[data-row]")).to_have_count(1)

    # The page confirmed the save: the server had committed it before redirecting.
    data = stored(session, order).data
    assert data["it_contacts"] == [
        {
            "name": "Bob Beispiel",
            "role": "Netzwerk",
            "email": "bob@example.com",
            "phone": "+49 351 1234",
            "joins_setup_call": True,
        }
    ]
    assert data["server"] == {
        "server_layout": "separate_servers",
        "operating_system": "windows_server_2022",
        "virtualisation": "vmware",
        "cpu_cores": 8,
        "ram_gb": 32,
        "disk_gb": 200,
    }
    assert data["test_system"] is False
    assert data["client_os"] == ["windows_11", "citrix"]
    assert (data["named_users"], data["concurrent_users"]) == (25, 10)
    assert data["directory_service"] == "hybrid"
    assert console_errors == []


def test_conditional_questions_appear_and_disappear_while_answering(
    page, live_server, session, world, console_errors
):
    order, tokens = order_with_links(session, world, deployment="cp_cloud")
    enter(page, live_server, tokens["technical"])
    page.goto(page_url(live_server, "technical", "environment"))
    expect(page.locator("#cloud_vpn_type[data-rule]")).to_have_count(1)
    vpn_type = page.locator("#cloud_vpn_type")
    gateway = page.locator("#cloud_vpn_gateway")
    expect(vpn_type).to_be_hidden()
    page.evaluate("window.notReloaded = true")

    page.get_by_role("group", name="VPN erforderlich?").get_by_label("Ja").check()
    expect(vpn_type).to_be_visible()
    expect(gateway).to_be_visible()
    page.get_by_label("Client-VPN für einzelne Benutzer").check()
    page.get_by_role("group", name="VPN erforderlich?").get_by_label("Nein").check()
    expect(vpn_type).to_be_hidden()
    expect(gateway).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#progress-label")).not_to_have_text("0 % beantwortet")
    wait_until(
        page,
        lambda: stored(session, order).data == {"cloud_vpn_required": False},
        "the background save of the last answer",
    )

    # Inside rows: a file export asks for its format, also in a row added in the page, and
    # the question follows its row when an earlier row is removed.
    page.goto(page_url(live_server, "technical", "interfaces"))
    page.evaluate("window.notReloaded = true")
    page.locator("#data_sources-0-system").fill("DATEV")
    page.get_by_label("Datenbankzugriff (ODBC)").check()
    page.get_by_role("button", name="Datenquelle hinzufügen").click()
    expect(page.locator("#data_sources-1-system")).to_be_visible()
    expect(page.locator("#data_sources-1-file_format")).to_be_hidden()
    page.locator("#data_sources-1-system").fill("SAP")
    page.locator("#data_sources-1-delivery-1").check()  # file export
    format_1 = page.locator("[data-row][data-index='1'] [data-pointer$='/file_format']")
    expect(format_1).to_be_visible()
    expect(page.locator("#data_sources-0-file_format")).to_be_hidden()
    page.locator("[data-row][data-index='0'] button.remove-row").click()
    expect(page.locator("[data-row]")).to_have_count(1)
    expect(page.locator("#data_sources-0-system")).to_have_value("SAP")
    page.locator("#data_sources-0-file_format-0").check()
    wait_until(
        page,
        lambda: (
            stored(session, order).data.get("data_sources")
            == [{"system": "SAP", "delivery": "file", "file_format": "csv"}]
        ),
        "the remaining row saved in the background",
    )
    expect(page.locator("#data_sources-0-file_format")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    assert console_errors == []


def test_save_resume_and_submit(page, live_server, session, world, open_context, console_errors):
    order, tokens = order_with_links(session, world, deployment="cp_cloud")
    enter(page, live_server, tokens["technical"])
    page.goto(page_url(live_server, "technical", "environment"))
    page.get_by_label("Remote Desktop in der CP Cloud").check()
    page.get_by_label("Internetbandbreite (Mbit/s)").fill("100")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator("#save-status")).to_have_text(ALL_SAVED)
    page.context.close()

    # Later, in a new browser with the same link: the answers are there.
    later = open_context()
    enter(later, live_server, tokens["technical"], name="Eva Later")
    technical = later.locator("section[aria-labelledby='card-technical']")
    expect(technical).to_contain_text("von Max Muster")
    with later.expect_navigation():
        technical.get_by_role("link", name="Weiter ausfüllen").click()
    expect(later.get_by_label("Remote Desktop in der CP Cloud")).to_be_checked()
    expect(later.get_by_label("Internetbandbreite (Mbit/s)")).to_have_value("100")

    # Everything else answered meanwhile; the summary shows it and offers to submit.
    seed(session, order, "technical", samples.CP_CLOUD)
    with later.expect_navigation():
        later.get_by_role("link", name="Übersicht und Abschicken").click()
    expect(later).to_have_url(page_url(live_server, "technical"))
    expect(later.locator(".error-summary")).to_have_count(0)
    expect(later.locator("#sum-environment + dl")).to_contain_text("Remote Desktop in der CP Cloud")
    with later.expect_navigation():
        later.get_by_role("button", name="Fragebogen abschicken").click()

    # Read-only confirmation; no second submit anywhere.
    expect(later).to_have_url(page_url(live_server, "technical"))
    expect(later.locator("main .flash-success").first).to_contain_text(
        "Vielen Dank! Ihr Fragebogen ist abgeschickt."
    )
    expect(later.locator("main p.flash-success")).to_contain_text("von Eva Later")
    expect(later.get_by_role("button", name="Fragebogen abschicken")).to_have_count(0)
    expect(later.locator("main input, main select, main textarea")).to_have_count(0)
    expect(later.locator("main a[href*='/pages/']")).to_have_count(0)
    assert_accessible(later, "submitted summary")
    later.goto(page_url(live_server, "technical", "environment"))
    expect(later, "a submitted page stays closed").to_have_url(page_url(live_server, "technical"))
    later.goto(f"{live_server}/customer")
    expect(technical).to_contain_text("abgeschickt")
    expect(technical.get_by_role("link", name="Antworten ansehen")).to_be_visible()
    again = later.request.post(f"{live_server}/customer/technical/submit", max_redirects=0)
    assert again.status == 409
    response = stored(session, order)
    assert response.status == "submitted" and response.submitted_by == "Eva Later"
    assert console_errors == []


def test_without_javascript_rows_are_added_and_removed_by_the_server(
    live_server, session, world, open_context, console_errors
):
    order, tokens = order_with_links(session, world)
    page = open_context(java_script_enabled=False)
    enter(page, live_server, tokens["technical"])
    page.goto(page_url(live_server, "technical", "contacts"))
    add = page.get_by_role("button", name="+ Ansprechpartner hinzufügen")
    for index, name in enumerate(("Ada Admin", "Bob Beispiel", "Cy Cloud")):
        if index:
            with page.expect_navigation():
                add.click()
            assert "add=/it_contacts" in page.url
        page.locator(f"#it_contacts-{index}-name").fill(name)
        page.locator(f"#it_contacts-{index}-role").fill("IT")
        page.locator(f"#it_contacts-{index}-email").fill(f"{name.split()[0].lower()}@example.com")
    expect(page.locator("[data-row]")).to_have_count(3)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Entfernen\W+Ansprechpartner 2$")).click()
    expect(page.locator("[data-row] > legend")).to_have_text(
        ["Ansprechpartner 1", "Ansprechpartner 2"]
    )
    expect(page.locator("#it_contacts-1-name")).to_have_value("Cy Cloud")
    page.locator("#it_contacts-1-phone").fill("+49 30 555")
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".flash-success")).to_have_text(SAVED)
    assert stored(session, order).data["it_contacts"] == [
        {"name": "Ada Admin", "role": "IT", "email": "ada@example.com"},
        {"name": "Cy Cloud", "role": "IT", "email": "cy@example.com", "phone": "+49 30 555"},
    ]
    assert console_errors == []


def test_a_row_removed_while_its_first_save_is_on_the_way_stays_removed(
    page, live_server, session, world, console_errors
):
    """The save that adds a new row is held on the way; the customer removes the row meanwhile.
    When the save comes back, the row must not reappear, and the server must drop it too."""
    order, tokens = order_with_links(session, world)
    enter(page, live_server, tokens["technical"])
    page.goto(page_url(live_server, "technical", "contacts"))
    held = []

    def hold_the_first_save(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/changes", hold_the_first_save)
    page.locator("#it_contacts-0-name").fill("Ada Admin")
    wait_until(page, lambda: held, "the save that adds Ada's row left")
    page.get_by_role("button", name=re.compile(r"^Entfernen\W+Ansprechpartner 1$")).click()
    expect(page.locator("[data-row]")).to_have_count(0)
    held[0].continue_()
    wait_until(
        page,
        lambda: (r := stored(session, order)) is not None and not r.data.get("it_contacts"),
        "the server dropped Ada's row",
    )
    expect(page.locator("#it_contacts-0-name")).to_have_value("")
    expect(page.get_by_text("Ada Admin")).to_have_count(0)
    expect(page.locator("[data-row]")).to_have_count(1)  # the blank row a group always offers
    assert console_errors == []


VARIANTS = {
    "technical-on_premises-empty": ("technical", "on_premises", None),
    "technical-cp_cloud-answered": ("technical", "cp_cloud", samples.CP_CLOUD),
    "business-answered": ("business", "on_premises", samples.BUSINESS),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_axe_finds_no_violations_on_any_questionnaire_page(
    page, live_server, session, world, console_errors, variant
):
    """Every page and the summary in both languages (and the landing page once); the empty
    variant also after a refused submit, the answered ones with their conditional parts."""
    kind, deployment, answers = VARIANTS[variant]
    order, tokens = order_with_links(session, world, deployment=deployment)
    if answers:
        seed(session, order, kind, answers)
    enter(page, live_server, tokens[kind])
    keys = [p.key for p in questionnaires.get(session, kind, 1).pages]
    problems = []

    def scan(where: str) -> None:
        violations = axe_violations(page)
        if violations:
            problems.append(f"{where} at {page.url}\n{format_violations(violations)}")

    for lang in ("de", "en"):
        page.goto(f"{live_server}/customer")
        switch_language(page, lang)
        if variant == next(iter(VARIANTS)):
            scan(f"landing ({lang})")
        for key in keys:
            page.goto(page_url(live_server, kind, key))
            expect(page.locator("html")).to_have_attribute("lang", lang)
            scan(f"page {key} ({lang})")
        page.goto(page_url(live_server, kind))
        scan(f"summary ({lang})")
        if not answers:
            with page.expect_navigation():
                page.locator("form[action$='/submit'] button").click()
            expect(page.locator("#error-summary")).to_be_focused()
            scan(f"summary after a refused submit ({lang})")
            page.goto(page_url(live_server, kind, keys[0]))
            expect(page.locator("#error-summary")).to_be_visible()
            scan(f"page {keys[0]} after a refused submit ({lang})")
    assert not problems, "\n\n".join(problems)
    assert unexpected(console_errors, (400, "/customer/technical/submit")) == []


def test_the_error_summary_after_a_refused_submit_leads_to_the_fields(
    page, live_server, session, world, console_errors
):
    order, tokens = order_with_links(session, world, deployment="cp_cloud")
    answers = {k: v for k, v in samples.CP_CLOUD.items() if k not in ("named_users", "rto_hours")}
    seed(session, order, "technical", answers)
    enter(page, live_server, tokens["technical"])
    page.goto(page_url(live_server, "technical"))
    with page.expect_navigation():
        page.get_by_role("button", name="Fragebogen abschicken").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            "Namentliche Benutzer: Bitte beantworten Sie diese Frage.",
            "Maximale Ausfallzeit (RTO, Stunden): Bitte beantworten Sie diese Frage.",
        ]
    )
    expect(links.nth(0)).to_have_attribute("href", re.compile("/pages/workstations#named_users$"))
    expect(links.nth(1)).to_have_attribute("href", re.compile("/pages/operations#rto_hours$"))

    # The keyboard goes from the summary to the first link, Enter opens the field's page.
    page.keyboard.press("Tab")
    expect(page.locator("#error-summary a[href$='#named_users']")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#named_users")).to_be_focused()
    field = page.locator("[data-pointer='/named_users']")
    expect(field).to_contain_text("Bitte beantworten Sie diese Frage.")
    expect(page.locator("#named_users")).to_have_attribute(
        "aria-describedby", "named_users-help named_users-error"
    )
    expect(page.locator("#named_users")).to_have_attribute("aria-invalid", "true")

    # A refused save: the message is at the field, the answer stays typed, nothing is written.
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("6000")  # more than the questionnaire allows
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_contain_text("Nicht gespeichert: Namentliche Benutzer")
    expect(field.locator(".error-message")).to_contain_text("höchstens")
    expect(page.locator("#named_users")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#named_users")).to_have_value("6000")
    assert "named_users" not in stored(session, order).data
    expect(page.locator("#progress-label")).not_to_have_text("0 % beantwortet")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    expect(page.locator("#save-status")).to_have_text(ALL_SAVED)
    expect(field.locator(".error-message")).to_have_count(0)
    expect(page.locator("#named_users")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error-summary, section.conflicts")).to_have_count(1)  # the submit's
    assert stored(session, order).data["named_users"] == 25

    # The language switch on a refused submit's page lands on the summary, not on an error.
    page.goto(page_url(live_server, "technical"))
    with page.expect_navigation():
        page.get_by_role("button", name="Fragebogen abschicken").click()
    switch_language(page, "en")
    expect(page).to_have_url(page_url(live_server, "technical"))
    expect(page.locator("#error-summary a")).to_have_text(
        ["Maximum downtime (RTO, hours): Please answer this question."]
    )
    assert (
        unexpected(
            console_errors,
            (400, "/customer/technical/submit"),
            (400, "/customer/technical/pages/workstations/changes"),
        )
        == []
    )


def test_a_save_conflict_is_shown_to_decide(
    page, live_server, session, world, open_context, console_errors
):
    """Two contacts answer the same question, each page open; the later one decides in place."""
    order, tokens = order_with_links(session, world)
    enter(page, live_server, tokens["technical"], name="Anna")
    bert = open_context()
    enter(bert, live_server, tokens["technical"], name="Bert")
    for lang, (first, second) in {"de": ("25", "40"), "en": ("50", "60")}.items():
        for who in (page, bert):
            who.goto(f"{live_server}/customer")
            switch_language(who, lang)
            who.goto(page_url(live_server, "technical", "workstations"))
        page.locator("#named_users").fill(first)
        page.locator("button.button[value=save]").click()
        expect(page.locator("#save-status")).to_have_text(
            re.compile("Alle Antworten sind gespeichert|All answers are saved")
        )
        # Bert's page still shows the answer from before Anna's save.
        bert.locator("#concurrent_users").fill("5")
        bert.locator("#named_users").fill(second)
        bert.keyboard.press("Tab")  # leaving the field saves sooner than the typing pause
        panel = bert.locator("section.conflicts")
        expect(panel).to_be_focused()
        expect(bert.locator("#save-status")).to_contain_text(
            re.compile("Jemand anderes|Someone else")
        )
        expect(panel.get_by_role("radio", name=re.compile(f"Anna.*{first}"))).to_be_checked()
        assert_accessible(bert, f"save conflict ({lang})")
        # Bert's other answer is saved; Anna's conflicting one stands until Bert decides.
        assert stored(session, order).data["named_users"] == int(first)
        assert stored(session, order).data["concurrent_users"] == 5
        panel.get_by_role("radio", name=re.compile(second)).check()
        panel.get_by_role("button").click()
        expect(panel).to_have_count(0)
        expect(bert.locator("#save-status")).to_contain_text(re.compile("Zuletzt|Last saved"))
        wait_until(
            bert,
            lambda second=second: stored(session, order).data["named_users"] == int(second),
            "Bert's answer",
        )
        expect(bert.locator("#named_users")).to_have_value(second)
        bert.locator("#concurrent_users").fill("")
        bert.locator("button.button[value=save]").click()
        expect(bert.locator("#save-status")).to_have_text(
            re.compile("Alle Antworten sind gespeichert|All answers are saved")
        )
    assert console_errors == []

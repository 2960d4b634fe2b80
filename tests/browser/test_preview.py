"""The studio's preview in headless Chromium: an editor test-fills a draft as customers would.

With JavaScript (rules live, answers saved in the background, in German and English), without
JavaScript (the server does all of it), and axe-core on the preview in both languages.
"""

import copy
import os

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.models import Response
from portal.models.questionnaire import TestFill
from tests.browser.conftest import ARTIFACTS, axe_violations, eventually, format_violations, login
from tests.browser.test_questionnaire import unexpected
from tests.studio.test_preview import preview_draft, preview_editor

pytestmark = pytest.mark.browser

BANNER_DE = "Vorschau – Testantworten werden nicht als Kundendaten gespeichert"
BANNER_EN = "Preview – test answers are not stored as customer data"


def shot(page, name: str) -> None:
    """Keep a screenshot for a human to look at (only under SCREENSHOTS=1)."""
    if os.environ.get("SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"preview-{name}.png"), full_page=True)


def stored_fill(session) -> dict | None:
    """The editor's test answers as committed (one deployment in these tests)."""
    session.expire_all()
    fill = session.scalar(select(TestFill))
    return fill.data if fill else None


def no_responses(session) -> bool:
    return session.scalar(select(func.count()).select_from(Response)) == 0


def test_an_editor_test_fills_a_draft_in_german_and_english_with_rules_live(
    page, live_server, session, world, console_errors
):
    editor = preview_editor(session, world)
    preview_draft(session)
    login(page, live_server, editor)
    base = f"{live_server}/studio/technical/v3/preview"

    page.goto(f"{base}/environment?context=cp_cloud&lang=de")
    expect(page.get_by_role("heading", name=BANNER_DE)).to_be_visible()
    expect(page.locator("#sql_server")).to_have_count(0)  # an on-premises question
    vpn_type = page.locator("#cloud_vpn_type")
    expect(vpn_type).to_be_hidden()
    page.evaluate("window.notReloaded = true")
    page.get_by_role("group", name="VPN erforderlich?").get_by_label("Ja").check()
    expect(vpn_type).to_be_visible()
    eventually(lambda: stored_fill(session) == {"cloud_vpn_required": True}, "the test save", page)
    shot(page, "environment-cloud-de")
    page.get_by_role("group", name="VPN erforderlich?").get_by_label("Nein").check()
    expect(vpn_type).to_be_hidden()
    assert page.evaluate("window.notReloaded") is True

    # The language switch in the banner: the same page and test answers, in English.
    page.get_by_role("navigation", name="Vorschau umschalten").get_by_role(
        "link", name="English"
    ).click()
    expect(page.get_by_role("heading", name=BANNER_EN)).to_be_visible()
    expect(page.get_by_role("group", name="VPN required?").get_by_label("No")).to_be_checked()
    page.get_by_role("link", name="Workstations, users and sign-in").click()
    users = page.get_by_label("Named users")
    users.fill("9999")
    users.press("Tab")
    expect(page.locator("#named_users-error")).to_contain_text("5000")
    expect(page.locator("#save-status")).to_contain_text("Not saved")
    shot(page, "workstations-refused-en")
    users.fill("25")
    users.press("Tab")
    expect(page.locator("#named_users-error")).to_have_count(0)
    eventually(
        lambda: stored_fill(session) == {"cloud_vpn_required": False, "named_users": 25},
        "the corrected answer saved",
        page,
    )
    expect(page.locator("#save-status")).to_have_text("Test answers saved.")
    assert no_responses(session)
    assert unexpected(console_errors, (400, "/changes?context=cp_cloud&lang=en")) == []


def test_without_javascript_the_server_saves_checks_and_resets_the_test(
    live_server, session, world, open_context, console_errors
):
    editor = preview_editor(session, world)
    preview_draft(session)
    page = open_context(java_script_enabled=False)
    login(page, live_server, editor)
    base = f"{live_server}/studio/technical/v3/preview"

    page.goto(f"{base}/network")
    expect(page.locator("#remote_access_tool")).to_be_hidden()
    page.get_by_role("group", name="Fernzugriff für den Saxess-Techniker?").get_by_label(
        "Ja"
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".flash-success")).to_have_text("Testantworten gespeichert.")
    expect(page.locator("#remote_access_tool")).to_be_visible()

    page.goto(f"{base}/workstations")
    page.get_by_label("Namentliche Benutzer").fill("9999")
    with page.expect_navigation():
        page.get_by_role("button", name="Weiter").click()
    expect(page.locator("#error-summary")).to_contain_text("Namentliche Benutzer")
    shot(page, "workstations-refused-nojs")
    assert stored_fill(session) == {"remote_access_allowed": True}

    page.get_by_role("link", name="Übersicht und Abschicken").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Test abschicken").click()
    expect(page.locator("#error-summary")).to_contain_text("Gleichzeitige Benutzer")
    shot(page, "summary-submit-test-nojs")

    with page.expect_navigation():
        page.get_by_role("button", name="Test zurücksetzen").click()
    expect(page.locator(".flash-success")).to_have_text("Die Testantworten sind gelöscht.")
    assert stored_fill(session) is None
    assert no_responses(session)
    assert (
        unexpected(
            console_errors,
            (400, "/workstations?context=on_premises&lang=de"),
            (400, "/test?context=on_premises&lang=de"),
        )
        == []
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violations_on_the_preview(page, live_server, session, world, lang):
    editor = preview_editor(session, world)
    draft = preview_draft(session)
    login(page, live_server, editor)
    for where in ("preview/environment?context=cp_cloud", "preview/contacts", "test"):
        separator = "&" if "?" in where else "?"
        page.goto(f"{live_server}/studio/technical/v3/{where}{separator}lang={lang}")
        expect(page.locator(".preview-banner")).to_be_visible()
        shot(page, f"axe-{where.split('?')[0].replace('/', '-')}-{lang}")
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)
    broken = copy.deepcopy(draft.document)  # a second draft, v4, that does not load
    broken["properties"]["named_users"]["type"] = "no-such-type"
    preview_draft(session, number=4, document=broken)
    page.goto(f"{live_server}/studio/technical/v4/preview?lang={lang}")
    expect(page.locator(".error-summary code").first).to_have_text("/properties/named_users/type")
    shot(page, f"broken-{lang}")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

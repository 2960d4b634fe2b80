"""The documentation package in headless Chromium: generate with visible progress, send; axe."""

import os
import threading

import pytest
from playwright.sync_api import expect

from portal import pdf
from portal.models import DocumentPackage
from tests.browser.conftest import (
    ARTIFACTS,
    TIMEOUT_MS,
    axe_violations,
    format_violations,
    login,
)
from tests.browser.test_staff_pages import switch_language
from tests.helpers import deliver
from tests.test_package import documented_order

pytestmark = pytest.mark.browser
# SCREENSHOTS=1 keeps a full-page screenshot of every checked page in test-artifacts/.
SHOTS = os.environ.get("SCREENSHOTS") == "1"
# A whole build (PDF typesetting included) on a busy machine.
BUILD_MS = 3 * TIMEOUT_MS


def shot(page, name: str) -> None:
    """Keep a screenshot of the page for a human to look at (only under SCREENSHOTS=1)."""
    if SHOTS:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"package-{name}.png"), full_page=True)


def assert_accessible(page, name: str, languages=("de", "en")) -> None:
    for lang in languages:
        switch_language(page, lang)
        violations = axe_violations(page)
        assert not violations, f"{name} ({lang}) at {page.url}\n{format_violations(violations)}"
        shot(page, f"{name}-{lang}")
    switch_language(page, "de")


@pytest.fixture
def typesetting(monkeypatch):
    """Typesetting starts only when the test calls `.set()`, so that the page can be seen
    (and scanned) while the build runs, however slow the machine: no race with a sleep."""
    go = threading.Event()
    real = pdf.document

    def held(*args, **kwargs):
        go.wait(timeout=BUILD_MS / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "document", held)
    yield go
    go.set()  # a failed test must not leave the builder thread waiting


def test_partner_generates_watches_the_progress_and_sends(
    page, live_server, session, world, console_errors, typesetting, smtp
):
    order = documented_order(session, world)
    smtp.envelopes.clear()  # the acceptance mail and the like
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order.id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Dokumentationspaket erstellen und versenden").click()
    expect(page.locator("h1")).to_have_text("Dokumentationspaket für ACME Holding GmbH")
    assert_accessible(page, "empty")

    page.get_by_role("button", name="Dokumentationspaket erstellen").click()
    # package.js polls the status: the stage changes in the live region without a reload.
    expect(page.locator("#package-stage")).to_have_text("PDF wird gesetzt", timeout=BUILD_MS)
    # The German PDF is typeset first: half of the way to "typeset" for two languages.
    expect(page.locator("#package-progress")).to_have_js_property("value", 32)
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    shot(page, "building")
    typesetting.set()

    # Once ready the page reloads and lists the version with its checksum.
    expect(page.locator("#version-1 .badge")).to_have_text("fertig", timeout=BUILD_MS)
    expect(page.locator("#package-build")).to_have_count(0)
    session.expire_all()
    package = session.get(DocumentPackage, 1)
    # One PDF per language of the participants (Ben reads English), the order's first.
    files = [(f.language, f.sha256) for f in package.files]
    assert files[0] == ("de", package.sha256) and [f[0] for f in files] == ["de", "en"]
    expect(page.locator("#version-1 code.sha256")).to_have_text([f[1] for f in files])
    assert_accessible(page, "ready")

    page.locator("#note").fill("Vielen Dank für den konstruktiven Call!")
    with page.expect_navigation():
        page.get_by_role("button", name="An alle Empfänger senden").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Das Dokumentationspaket ist für alle Empfänger zum Versand eingereiht; den Stand "
        "jeder E-Mail zeigt der Versandverlauf."
    )
    expect(page.locator("#sends tbody tr")).to_have_count(1)
    expect(page.locator("#sends")).to_contain_text("Vielen Dank für den konstruktiven Call!")
    expect(page.locator("#sends .badge")).to_have_text(["wartet auf Versand"] * 6)
    assert smtp.envelopes == []  # the request only queued them
    deliver(session)
    assert len(smtp.envelopes) == 6
    page.reload()
    expect(page.locator("#sends .badge")).to_have_text(["versendet"] * 6)
    assert_accessible(page, "sent")
    page.goto(f"{live_server}/orders/{order.id}")
    expect(page.locator("#package-heading")).to_have_text("Dokumentationspaket")
    shot(page, "order")
    assert console_errors == []


def test_without_javascript_the_page_refreshes_until_the_version_is_ready(
    browser, live_server, session, world, typesetting
):
    order = documented_order(session, world)
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, world.partner)
        page.goto(f"{live_server}/orders/{order.id}/package")
        with page.expect_navigation():
            page.get_by_role("button", name="Dokumentationspaket erstellen").click()
        expect(page.locator("#package-build")).to_be_visible()
        typesetting.set()
        # The <noscript> refresh reloads the page every 3 seconds until the build is done.
        expect(page.locator("#version-1 .badge")).to_have_text("fertig", timeout=BUILD_MS)
        expect(page.locator("#package-build")).to_have_count(0)
    finally:
        context.close()

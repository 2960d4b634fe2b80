"""The studio core in headless Chromium: the raw JSON editor without JavaScript, axe on its pages."""

import copy
import json
import os

import pytest
from playwright.sync_api import expect

from portal import questionnaires
from portal.services.studio import drafting
from tests.browser.conftest import axe_violations, format_violations, login
from tests.studio.core_support import core_editors

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("STUDIO_SHOTS")  # a directory: keep screenshots of the pages to look at


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _no_axe_violations(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def test_the_json_editor_works_without_javascript(
    live_server, session, world, open_context, console_errors
):
    edda, _ = core_editors(session, world)
    page = open_context(java_script_enabled=False)
    login(page, live_server, edda)
    page.get_by_role("link", name="Fragebögen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fragebögen")
    _shot(page, "index")
    page.get_by_role("button", name="Neuen Entwurf beginnen").first.click()
    number = questionnaires.latest(session, "technical") + 1
    expect(page.locator("div.flash-success")).to_contain_text(f"Entwurf Version {number} angelegt")
    expect(page.locator("main")).to_contain_text("bereit zur Veröffentlichung")
    _shot(page, "version")

    page.get_by_role("link", name="JSON bearbeiten").click()
    editor = page.locator("#document")
    document = json.loads(editor.input_value())
    broken = '{\n  "type": "object",\n  "title": oops\n}'
    editor.fill(broken)
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("#problem")).to_contain_text("Zeile 3, Spalte 12")
    expect(editor).to_have_value(broken)
    _shot(page, "json-broken")

    del document["properties"]["sql_port"]["x-ui"]["label"]["en"]
    editor.fill(json.dumps(document, indent=2, ensure_ascii=False))
    page.locator("#note").fill("Englischen Text entfernt")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("div.flash-success")).to_have_text("Gespeichert.")
    expect(page.locator(".studio-problems")).to_contain_text("/properties/sql_port/x-ui/label/en")
    _shot(page, "json-problems")

    page.goto(f"{live_server}/studio/technical/v{number}/history")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Wiederherstellen (Stand 1)").click()
    expect(page.locator("div.flash-success")).to_contain_text("Stand 1 wiederhergestellt")
    expect(page.locator("tbody tr").first).to_contain_text("Stand 1 wiederhergestellt")
    _shot(page, "history")
    # The refused save answers 400 on purpose; nothing else may complain (CSP, scripts).
    assert [e for e in console_errors if "status of 400" not in e] == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_studio_pages_pass_axe(live_server, session, world, page, console_errors, language):
    edda, _ = core_editors(session, world)
    edda.language = language
    session.commit()
    version = drafting.start_draft(session, edda, "technical")
    document = copy.deepcopy(version.document)
    # A German text changed, the English one not: a stale translation, and a diff to show.
    document["properties"]["sql_port"]["x-ui"]["label"]["de"] = "Port des SQL Servers (TCP)"
    document["properties"]["db_port"] = document["properties"].pop("sql_port")
    drafting.save_document(session, edda, version.id, document, revision=version.revision)
    login(page, live_server, edda)
    base = f"{live_server}/studio/technical/v{version.number}"
    for name, url in (
        ("index", f"{live_server}/studio/"),
        ("version", base),
        ("json", f"{base}/json"),
        ("history", f"{base}/history/1"),
        ("diff", f"{live_server}/studio/technical/diff"),
    ):
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        _shot(page, f"{name}-{language}")
        _no_axe_violations(page)
    assert console_errors == []

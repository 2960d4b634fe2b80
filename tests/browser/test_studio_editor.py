"""The studio's structured editor in Chromium: without JavaScript (plain forms) and with it."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.models import Role
from portal.models.questionnaire import QuestionnaireVersion
from portal.services.studio import drafting
from tests.browser.conftest import axe_violations, format_violations, login
from tests.conftest import add_user

pytestmark = pytest.mark.browser
SHOTS = (
    Path(os.environ.get("STUDIO_EDITOR_SHOTS", ""))
    if os.environ.get("STUDIO_EDITOR_SHOTS")
    else None
)


@pytest.fixture
def draft(session, world):
    editor = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
    session.commit()
    version = drafting.start_draft(session, editor, "technical")
    return editor, version


def fresh(session, version) -> dict:
    session.expire_all()
    return session.get(QuestionnaireVersion, version.id).document


def shot(page, name: str) -> None:
    """Keep a full-page screenshot when STUDIO_EDITOR_SHOTS names a folder (for looking at)."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.screenshot(path=str(SHOTS / f"{name}-top.png"))


def test_without_javascript_an_editor_adds_a_question_with_a_rule_and_renames_a_key(
    browser, live_server, session, draft
):
    editor, version = draft
    context = browser.new_context(
        java_script_enabled=False, locale="de-DE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        login(page, live_server, editor)
        base = f"{live_server}/studio/technical/v{version.number}/edit"
        page.goto(base)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Version 3")

        # A new question on the first page.
        page.locator("a[href$='/new?page=environment']").click()
        page.get_by_label("Schlüssel").fill("cpce_module")
        page.get_by_label("Fragetyp").select_option("yes_no")
        page.get_by_label("Beschriftung (Deutsch)").fill("Nutzen Sie das Modul Konsolidierung?")
        page.get_by_label("Beschriftung (Englisch)").fill("Do you use the consolidation module?")
        page.get_by_role("button", name="Hinzufügen").click()
        expect(page.locator(".flash-success")).to_contain_text("Frage hinzugefügt: cpce_module")
        expect(page.get_by_role("heading", level=1)).to_contain_text("cpce_module")

        # Its rule: only for CP Cloud.
        page.get_by_role("link", name="Regel bearbeiten").click()
        page.get_by_label("Frage oder Auftragsangabe").select_option("context:deployment")
        page.get_by_label("Bedingung").select_option("equals")
        page.get_by_label("Wert(e), durch Komma getrennt").fill("cp_cloud")
        page.get_by_role("button", name="Regel speichern").click()
        expect(page.locator(".flash-success")).to_contain_text("Regel gesetzt: cpce_module")
        row = page.locator("tr", has=page.locator("code", has_text="cpce_module"))
        expect(row).to_contain_text("Anzeigen, wenn Bereitstellung = In der CP Cloud")
        shot(page, "outline-de")

        # Rename an existing key; its id stays, and its rules follow.
        page.locator("a[href$='/q/sql_port']").click()
        expect(page.get_by_label("Schlüssel")).to_have_value("sql_port")
        shot(page, "question-de")
        page.get_by_label("Schlüssel").fill("sql_server_port")
        page.get_by_role("button", name="Speichern").click()
        expect(page.locator(".flash-success")).to_contain_text(
            "Frage umbenannt: sql_port -> sql_server_port"
        )

        document = fresh(session, version)
        assert document["properties"]["sql_server_port"]["x-ui"]["id"] == "sql_port"
        assert document["properties"]["cpce_module"]["x-ui"]["rule"] == {
            "effect": "SHOW",
            "condition": {"scope": "#/context/deployment", "schema": {"const": "cp_cloud"}},
        }
        assert document["properties"]["cpce_module"]["type"] == "boolean"
    except Exception:
        shot(page, "failed-nojs")
        raise
    finally:
        context.close()


def test_with_javascript_the_form_shows_only_what_fits_and_adds_choice_rows(
    page, live_server, session, draft, console_errors
):
    editor, version = draft
    login(page, live_server, editor)
    page.goto(f"{live_server}/studio/technical/v{version.number}/edit/q/directory_service")
    choices = page.locator("#choices")
    numbers = page.locator("fieldset", has=page.get_by_text("Zahlengrenzen"))
    expect(choices).to_be_visible()
    expect(numbers).to_be_hidden()
    rows = page.locator("[data-choice-rows] tr")
    before = rows.count()
    page.get_by_role("button", name="Weitere Zeile").click()
    expect(rows).to_have_count(before + 1)
    expect(page.get_by_label(f"Code, Zeile {before + 1}")).to_be_focused()
    page.get_by_label(f"Code, Zeile {before + 1}").fill("ldap")
    page.get_by_label(f"Deutsch, Zeile {before + 1}").fill("LDAP-Verzeichnis")
    page.get_by_label(f"Englisch, Zeile {before + 1}").fill("LDAP directory")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Auswahl geändert: directory_service")
    prop = fresh(session, version)["properties"]["directory_service"]
    assert prop["enum"][-1] == "ldap"
    assert prop["x-ui"]["enum_labels"]["ldap"] == {"de": "LDAP-Verzeichnis", "en": "LDAP directory"}

    page.goto(f"{live_server}/studio/technical/v{version.number}/edit/q/named_users")
    expect(numbers).to_be_visible()
    expect(choices).to_be_hidden()
    page.get_by_label("Fragetyp").select_option("radio")
    expect(choices).to_be_visible()
    expect(numbers).to_be_hidden()
    assert console_errors == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_outline_and_the_question_form_pass_axe(page, live_server, draft, language):
    editor, version = draft
    login(page, live_server, editor)
    base = f"{live_server}/studio/technical/v{version.number}/edit"
    if language == "en":
        page.goto(base)
        page.get_by_role("button", name="English").click()
    for name, path in (
        ("outline", ""),
        ("question", "/q/directory_service"),
        ("rule", "/rule/ad_domain"),
        ("new", "/new?parent=it_contacts"),
        ("page", "/pages/environment"),
    ):
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        shot(page, f"{name}-{language}")
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)

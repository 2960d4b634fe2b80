"""The studio's whole path in Chromium, as issue 13 states it is done.

The questionnaire editor opens the technical questionnaire, adds a question with a rule,
renames a key, fixes an English text and removes a question a customer had answered; previews
and test-fills the draft in German and English; sees the lint and the diff; an admin publishes
it; the editor dry-runs and applies the move of a customer's in-flight answers. The customer
then submits, the call reviews, and the review page and the package show the dropped and the
renamed answers. Everything the editor does goes through the pages; only the customer and the
call (tested elsewhere in the browser) run as services.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import QuestionnaireVersion, Role
from portal.models.questionnaire import PUBLISHED
from portal.services import responses
from tests import test_package
from tests.browser.conftest import axe_violations, format_violations, login
from tests.conftest import add_user
from tests.pdfs import text

pytestmark = pytest.mark.browser
KIND = "technical"
DROPPED = "Sonntag ganztägig"


def _clean(page) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def _edit_the_draft(page, base: str) -> str:
    """Start a draft and make the four edits; returns the draft's address."""
    page.goto(f"{base}/studio")
    page.get_by_role("button", name="Neuen Entwurf beginnen").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Version 3")
    draft = page.url
    page.get_by_role("link", name="Bearbeiten", exact=True).click()

    page.locator("a[href$='/new?page=environment']").click()
    page.get_by_label("Schlüssel").fill("cpce_consolidation")
    page.get_by_label("Fragetyp").select_option("yes_no")
    page.get_by_label("Beschriftung (Deutsch)").fill("Nutzen Sie das Modul Konsolidierung?")
    page.get_by_label("Beschriftung (Englisch)").fill("Do you use the consolidation module?")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator(".flash-success")).to_contain_text("cpce_consolidation")
    page.get_by_role("link", name="Regel bearbeiten").click()
    page.get_by_label("Frage oder Auftragsangabe").select_option("context:deployment")
    page.get_by_label("Bedingung").select_option("equals")
    page.get_by_label("Wert(e), durch Komma getrennt").fill("cp_cloud")
    page.get_by_role("button", name="Regel speichern").click()
    expect(page.locator(".flash-success")).to_contain_text("Regel gesetzt: cpce_consolidation")

    outline = f"{draft}/edit"
    page.goto(outline)
    page.locator("a[href$='/q/mfa_required']").click()
    page.get_by_label("Schlüssel").fill("mfa_mandatory")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("mfa_required -> mfa_mandatory")

    page.goto(outline)
    page.locator("a[href$='/q/named_users']").click()
    page.locator("#label_en").fill("Named users (with a licence)")
    page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto(outline)
    page.locator("form[action$='/edit/remove/maintenance_windows'] button").click()
    expect(page.locator(".flash-success")).to_contain_text("maintenance_windows")
    return draft


def _preview_and_test_fill(page, draft: str) -> None:
    """The new question shows for CP Cloud only, in both languages; a test answer is kept."""
    page.goto(f"{draft}/preview/environment?context=on_premises&lang=de")
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_text("Nutzen Sie das Modul Konsolidierung?")).to_have_count(0)
    page.goto(f"{draft}/preview/environment?context=cp_cloud&lang=de")
    question = page.get_by_role("group", name="Nutzen Sie das Modul Konsolidierung?")
    question.get_by_label("Ja").check()
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(question.get_by_label("Ja")).to_be_checked()
    _clean(page)
    page.goto(f"{draft}/preview/workstations?context=cp_cloud&lang=en")
    expect(page.get_by_label("Named users (with a licence)")).to_be_visible()
    _clean(page)


def _lint_diff_and_submit(page, draft: str) -> None:
    page.goto(draft)
    expect(page.get_by_text("Die Prüfung ist sauber: bereit zur Veröffentlichung.")).to_be_visible()
    page.get_by_role("link", name="Änderungen gegenüber Version 2").click()
    changes = page.locator("main")
    expect(changes).to_contain_text("mfa_mandatory")
    expect(changes).to_contain_text("cpce_consolidation")
    expect(changes).to_contain_text("Named users (with a licence)")
    expect(changes).to_contain_text("Wartungsfenster")
    _clean(page)
    page.goto(draft)
    page.get_by_role("button", name="Zur Freigabe einreichen").click()
    expect(page.get_by_role("status")).to_contain_text("Zur Freigabe eingereicht.")
    expect(page.get_by_role("button", name="Freigeben und veröffentlichen")).to_have_count(0)


def _migrate(page, draft: str, short_code: str) -> None:
    page.goto(draft)
    page.get_by_role("link", name="Antworten migrieren").click()
    page.get_by_role("link", name=f"Probelauf ansehen ({short_code})").click()
    expect(page.locator("table.migration-dropped")).to_contain_text(DROPPED)
    _clean(page)
    page.get_by_label("Ich habe den Probelauf geprüft.").check()
    page.get_by_role("button", name="Umzug ausführen").click()
    expect(page.locator(".flash-success")).to_contain_text("auf Version 3 umgezogen")


def test_an_editor_revises_the_technical_questionnaire_and_moves_a_customer_along(
    browser, live_server, session, world, monkeypatch
):
    editor = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "edda@saxess.example")
    session.commit()
    contexts = []

    def signed_in(user):
        context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        login(page, live_server, user)
        return page

    original_submit = test_package.submit

    def submit_after_the_studio(session_, order, kind, answers, files=None):
        if kind != KIND:
            return original_submit(session_, order, kind, answers, files)
        answers = {**answers, "maintenance_windows": DROPPED}
        saved = test_package.drafts.save(
            session_, order, kind, base_version=0, changes=answers, files=files, author="Kunde"
        )
        assert saved.saved
        editing = signed_in(editor)
        draft = _edit_the_draft(editing, live_server)
        _preview_and_test_fill(editing, draft)
        _lint_diff_and_submit(editing, draft)
        approving = signed_in(world.admin)
        approving.goto(draft)
        approving.get_by_role("button", name="Freigeben und veröffentlichen").click()
        expect(approving.get_by_role("status")).to_contain_text("veröffentlicht")
        _migrate(editing, draft, order.short_code)
        session_.expire_all()
        assert responses.submit(session_, order, kind, author="Kunde") == []

    monkeypatch.setattr(test_package, "submit", submit_after_the_studio)
    try:
        order = test_package.documented_order(session, world)
        published = session.scalar(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.kind == KIND, QuestionnaireVersion.number == 3
            )
        )
        assert published.status == PUBLISHED and published.published_by_id == world.admin.id
        response = responses.find(session, order, KIND)
        assert response.schema_version == 3 and response.data["mfa_mandatory"] is not None
        assert "maintenance_windows" not in response.data

        reviewing = signed_in(world.partner)
        reviewing.goto(f"{live_server}/orders/{order.id}/review/{KIND}")
        expect(reviewing.locator("table.migration-dropped")).to_contain_text(DROPPED)
        expect(reviewing.locator("table.migration-converted")).to_contain_text("mfa_mandatory")
        _clean(reviewing)
    finally:
        for context in contexts:
            context.close()

    document = text(test_package.generated(session, world, order).pdf)
    assert "Umzug auf Version 3 (von Version 2)" in document
    assert "Wartungsfenster" in document and DROPPED in document

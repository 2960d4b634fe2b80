"""The editor moves a customer's answers in the browser; the customer and the reviewer see it."""

import os
from pathlib import Path

from playwright.sync_api import expect

from portal.models.response import Response
from portal.services import responses
from portal.services.studio import migrating
from tests.browser.conftest import axe_violations, format_violations, login
from tests.studio.migration_support import (
    KIND,
    complete_answers,
    customer_in_flight,
    migration_editor,
    publish_v3,
)

# MIGRATION_SHOTS=<dir> keeps a screenshot of every page for a person to look at.
SHOTS = os.environ.get("MIGRATION_SHOTS")


def _look(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_the_editor_dry_runs_and_applies(page, live_server, session, world):
    editor = migration_editor(session, world)
    _tokens, order, response = customer_in_flight(session, world)
    publish_v3(session)
    login(page, live_server, editor)

    page.goto(f"{live_server}/studio/{KIND}/v3/migrations")
    _look(page, "1-list")
    page.get_by_role("link", name="Probelauf ansehen").click()
    expect(page.locator("table.migration-dropped")).to_contain_text("Samstag 22–6 Uhr")
    _look(page, "2-dry-run")

    page.get_by_label("Ich habe den Probelauf geprüft.").check()
    page.get_by_role("button", name="Umzug ausführen").click()
    expect(page.locator(".flash-success")).to_contain_text("auf Version 3 umgezogen")
    expect(page.locator("main")).to_contain_text("Keine offenen Antworten")
    _look(page, "3-done")
    session.expire_all()
    assert session.get(Response, response.id).schema_version == 3


def test_the_customer_notice_and_the_review_page(page, live_server, session, world):
    tokens, order, response = customer_in_flight(session, world, answers=complete_answers())
    publish_v3(session)
    migrating.apply(session, migration_editor(session, world), response.id, 3, expected_from=2)

    page.goto(f"{live_server}/r/{tokens[KIND]}")
    page.locator("#name").fill("Max Muster")
    with page.expect_navigation():
        page.locator("form[action$='/customer/name'] button").click()
    definition = responses.questionnaire_of(session, order, KIND, response)
    page.goto(f"{live_server}/customer/{KIND}/pages/{definition.pages[0].key}")
    expect(page.locator(".migration-notice")).to_contain_text("Samstag 22–6 Uhr")
    _look(page, "4-customer")

    assert responses.submit(session, order, KIND, author="Kunde") == []
    page.context.clear_cookies()
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order.id}/review/{KIND}")
    expect(page.locator("table.migration-dropped")).to_contain_text("Samstag 22–6 Uhr")
    _look(page, "5-review")


def test_the_editor_confirms_the_map_of_a_draft(page, live_server, session, world):
    editor = migration_editor(session, world)
    draft = publish_v3(session, mapping={}, status="draft")
    login(page, live_server, editor)
    page.goto(f"{live_server}/studio/{KIND}/v3/mapping")
    expect(page.locator("input[name=suggestion]")).to_be_checked()
    page.locator("#recodes").fill("/backup_responsibility: service_provider -> external_provider")
    page.get_by_role("button", name="Abbildung bestätigen").click()
    expect(page.locator(".flash-success")).to_contain_text("gespeichert")
    _look(page, "6-mapping")
    session.expire_all()
    assert session.get(type(draft), draft.id).mapping["recodes"] == {
        "/backup_responsibility": {"service_provider": "external_provider"}
    }

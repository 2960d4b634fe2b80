"""What the others see after a migration: the customer's notice, the review page, the package."""

import os
from pathlib import Path

import pytest

from portal.models.response import SUBMITTED
from portal.services import responses
from portal.services.studio import migrating
from tests import test_package
from tests.conftest import login
from tests.pdfs import text
from tests.studio.migration_support import (
    KIND,
    complete_answers,
    customer_in_flight,
    migration_editor,
    publish_v3,
)

FIRST_PAGE = "/customer/technical/pages/system"


def _enter(client, token):
    assert client.get(f"/r/{token}").status_code == 303
    client.post("/customer/name", data={"name": "Max Muster"})


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "de",
            [
                "Dieser Fragebogen wurde überarbeitet",
                "„Mehr-Faktor-Anmeldung vorgeschrieben?“ heißt jetzt „MFA vorgeschrieben?“",
                "„Wartungsfenster“ wird nicht mehr gefragt. Ihre Antwort „Samstag 22–6 Uhr“",
                "„Wer sichert die CPCE-Datenbank?“: Auswahlmöglichkeiten geändert",
            ],
        ),
        (
            "en",
            [
                "This questionnaire has been revised",
                "“Multi-factor sign-in mandatory?” is now called “MFA mandatory?”",
                "“Maintenance windows” is no longer asked. Your answer “Samstag 22–6 Uhr”",
                "“Who backs up the CPCE database?”: choices changed",
            ],
        ),
    ],
)
def test_the_customer_sees_what_changed_until_they_save_again(
    client, session, world, lang, expected
):
    tokens, order, response = customer_in_flight(session, world)
    publish_v3(session)
    migrating.apply(session, migration_editor(session, world), response.id, 3, expected_from=2)
    _enter(client, tokens[KIND])
    with client.session_transaction() as flask_session:
        flask_session["lang"] = lang
    first = _first_page(session, order)
    page = client.get(first).get_data(as_text=True)
    for line in expected:
        assert line in page
    assert "mfa_required" not in page  # internal names stay internal
    removed = "„Wartungsfenster“" if lang == "de" else "“Maintenance windows”"
    assert page.count(removed) == 1  # once, with the answer; not again as a removed question

    version = int(page.split('name="base_version" value="')[1].split('"')[0])
    saved = client.post(first, data={"base_version": version, "action": "save"})
    assert saved.status_code == 303
    assert expected[0] not in client.get(first).get_data(as_text=True)


def _first_page(session, order) -> str:
    questionnaire = responses.questionnaire_of(
        session, order, KIND, responses.find(session, order, KIND)
    )
    return f"/customer/{KIND}/pages/{questionnaire.pages[0].key}"


def test_a_customer_without_a_migration_sees_no_notice(client, session, world):
    tokens, order, _response = customer_in_flight(session, world)
    _enter(client, tokens[KIND])
    assert "überarbeitet" not in client.get(_first_page(session, order)).get_data(as_text=True)


def test_the_review_page_lists_the_migration_and_the_dropped_values(client, session, world):
    tokens, order, response = customer_in_flight(session, world, answers=complete_answers())
    publish_v3(session)
    migrating.apply(session, migration_editor(session, world), response.id, 3, expected_from=2)
    assert responses.submit(session, order, KIND, author="Kunde") == []
    assert response.status == SUBMITTED
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/review/{KIND}").get_data(as_text=True)
    assert "Auf Version 3 umgezogen (von Version 2)" in page
    dropped = page.split('class="migration-dropped"')[1].split("</table>")[0]
    assert "Wartungsfenster" in dropped and "Samstag 22–6 Uhr" in dropped
    converted = page.split('class="migration-converted"')[1].split("</table>")[0]
    assert "/mfa_required" in converted and "/mfa_mandatory" in converted


def test_the_package_lists_the_dropped_answers_with_the_version_change(session, world, monkeypatch):
    editor = migration_editor(session, world)
    original_submit = test_package.submit

    def submit_after_a_migration(session, order, kind, answers, files=None):
        if kind != KIND:
            return original_submit(session, order, kind, answers, files)
        answers = {**answers, **complete_answers()} | {"maintenance_windows": "Sonntag ganztägig"}
        test_package.drafts.save(
            session, order, kind, base_version=0, changes=answers, files=files, author="Kunde"
        )
        publish_v3(session)
        response = responses.find(session, order, kind)
        migrating.apply(session, editor, response.id, 3, expected_from=2)
        assert responses.submit(session, order, kind, author="Kunde") == []

    monkeypatch.setattr(test_package, "submit", submit_after_a_migration)
    order = test_package.documented_order(session, world)
    pdf = test_package.generated(session, world, order).pdf
    if os.environ.get("MIGRATION_SHOTS"):  # for a person to look at (pdftoppm -r 60)
        (Path(os.environ["MIGRATION_SHOTS"]) / "package.pdf").write_bytes(pdf)
    document = text(pdf)
    assert "Umzug auf Version 3 (von Version 2)" in document
    assert "Wartungsfenster" in document and "Sonntag ganztägig" in document

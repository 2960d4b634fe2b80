"""The studio's preview: a version as customers see it, test-filled without touching customer data."""

import copy
import json
import re

import pytest
from sqlalchemy import func, select

from forms_schema.changes import ABSENT, SetAnswer
from portal import questionnaires
from portal.extensions import db
from portal.models import AuditEvent, Organisation, OrgKind, Response, Role
from portal.models.questionnaire import DRAFT, QuestionnaireVersion, TestFill
from portal.services.errors import Forbidden
from portal.services.studio import testing
from tests.conftest import add_user, login, running_app
from tests.helpers import accept, place

BASE = "/studio/technical/v3"


def preview_editor(session, world):
    """The demo's questionnaire editor, added to the world."""
    editor = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
    session.commit()
    return editor


def preview_draft(session, kind="technical", number=3, document=None):
    """A draft of the newest shipped version, as the studio would start one."""
    if document is None:
        latest = questionnaires.files(kind)[-1][1]
        document = json.loads(latest.read_text(encoding="utf-8"))
    draft = QuestionnaireVersion(
        kind=kind,
        number=number,
        status=DRAFT,
        document=document,
        sha256=questionnaires.digest(document),
    )
    session.add(draft)
    session.commit()
    return draft


@pytest.fixture
def editor(client, session, world):
    user = preview_editor(session, world)
    login(client, user)
    return user


@pytest.fixture
def draft(session):
    return preview_draft(session)


def text(response) -> str:
    return response.get_data(as_text=True)


def fills(session) -> list[TestFill]:
    session.expire_all()
    return session.scalars(select(TestFill)).all()


def responses(session) -> int:
    return session.scalar(select(func.count()).select_from(Response))


def test_the_first_page_shows_the_draft_as_customers_see_it_under_the_banner(client, editor, draft):
    page = client.get(f"{BASE}/preview")
    assert page.status_code == 200
    html = text(page)
    assert "Vorschau – Testantworten werden nicht als Kundendaten gespeichert" in html
    assert "Version 3 (Entwurf)" in html
    # The customer's form, page navigation and page script, with the preview's own addresses.
    assert "data-questionnaire" in html and "js/questionnaire.js" in html
    assert f'action="{BASE}/preview/environment?context=on_premises&amp;lang=de"' in html
    assert f'data-changes-url="{BASE}/preview/environment/changes?' in html
    assert "/customer/" not in html
    assert "Systemumgebung" in html


def test_the_language_switch_shows_questions_and_page_in_english(client, editor, draft):
    english = text(client.get(f"{BASE}/preview/workstations?lang=en"))
    assert "Preview – test answers are not stored as customer data" in english
    assert "Named users" in english and "Namentliche Benutzer" not in english
    assert '<html lang="en">' in english
    german = text(client.get(f"{BASE}/preview/workstations?lang=de"))
    assert "Namentliche Benutzer" in german and "Named users" not in german
    # Every link of the page keeps the language.
    assert f'href="{BASE}/preview/network?context=on_premises&amp;lang=en"' in english


def test_the_deployment_decides_which_questions_a_rule_on_the_context_shows(client, editor, draft):
    on_premises = text(client.get(f"{BASE}/preview/environment?context=on_premises"))
    cloud = text(client.get(f"{BASE}/preview/environment?context=cp_cloud"))
    assert (
        'data-key="sql_server"' in on_premises and 'data-key="cloud_access_path"' not in on_premises
    )
    assert 'data-key="cloud_access_path"' in cloud and 'data-key="sql_server"' not in cloud
    assert "für On-Premises" in on_premises and "für CP Cloud" in cloud


def test_a_rule_on_an_answer_follows_the_test_answers(client, editor, draft, session):
    def tool_hidden() -> bool:
        html = text(client.get(f"{BASE}/preview/network"))
        return bool(re.search(r'data-key="remote_access_tool" data-rule hidden', html))

    assert tool_hidden()
    saved = client.post(
        f"{BASE}/preview/network/changes?context=on_premises",
        json={
            "changes": [
                {"op": "set", "pointer": "/remote_access_allowed", "from": [], "to": ["true"]}
            ]
        },
    )
    assert saved.status_code == 200
    assert "/remote_access_tool" in saved.get_json()["visible"]
    assert not tool_hidden()


def test_test_answers_are_stored_per_editor_and_deployment_never_as_a_response(
    client, editor, draft, session, world
):
    accept(session, world, place(session, world))  # a real order, whose response stays untouched
    posted = client.post(
        f"{BASE}/preview/workstations?context=cp_cloud",
        data={"named_users": "25", "action": "next"},
    )
    assert posted.status_code == 303
    assert posted.headers["Location"].endswith("/preview/network?context=cp_cloud&lang=de")
    [fill] = fills(session)
    assert (fill.version_id, fill.user_id, fill.context) == (draft.id, editor.id, "cp_cloud")
    assert fill.data == {"named_users": 25}
    assert responses(session) == 0
    shown = text(client.get(f"{BASE}/preview/workstations?context=cp_cloud"))
    assert 'value="25"' in shown
    assert 'value="25"' not in text(client.get(f"{BASE}/preview/workstations?context=on_premises"))


def test_an_invalid_test_answer_shows_the_message_and_stores_nothing(
    client, editor, draft, session
):
    refused = client.post(f"{BASE}/preview/workstations", data={"named_users": "9999"})
    assert refused.status_code == 400
    html = text(refused)
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert re.search(r'class="error-message" id="named_users-error">.*5000', html)
    assert 'value="9999"' in html  # what was typed stays on the page
    assert fills(session) == [] and responses(session) == 0

    script = client.post(
        f"{BASE}/preview/workstations/changes?lang=en",
        json={"changes": [{"op": "set", "pointer": "/named_users", "from": [], "to": ["9999"]}]},
    )
    assert script.status_code == 400
    assert script.get_json()["saved"] is False
    assert "Named users" in script.get_json()["message"]
    assert "/named_users" in script.get_json()["errors"]
    assert fills(session) == [] and responses(session) == 0


def test_submit_test_lists_the_missing_required_answers_and_submits_nothing(
    client, editor, draft, session
):
    client.post(f"{BASE}/preview/workstations", data={"named_users": "25"})
    summary = client.get(f"{BASE}/test")
    assert summary.status_code == 200
    assert "Test abschicken" in text(summary) and "Fragebogen abschicken" not in text(summary)
    refused = client.post(f"{BASE}/test")
    assert refused.status_code == 400
    html = text(refused)
    summary_box = html[
        html.index('id="error-summary"') : html.index("</div>", html.index('id="error-summary"'))
    ]
    assert "Gleichzeitige Benutzer" in summary_box  # concurrent_users: required, not answered
    assert "Namentliche Benutzer" not in summary_box  # answered
    assert (
        f'href="{BASE}/preview/workstations?context=on_premises&amp;lang=de#concurrent_users"'
        in html
    )
    # The pages now show the full check's messages at their questions, as a customer's do.
    page = text(client.get(f"{BASE}/preview/workstations"))
    assert 'id="concurrent_users-error"' in page
    assert responses(session) == 0
    assert [f.data for f in fills(session)] == [{"named_users": 25}]


def test_reset_forgets_the_test_answers_of_that_deployment_only(client, editor, draft, session):
    client.post(f"{BASE}/preview/workstations?context=on_premises", data={"named_users": "25"})
    client.post(f"{BASE}/preview/workstations?context=cp_cloud", data={"named_users": "30"})
    assert client.get(f"{BASE}/test/reset").status_code == 405
    assert len(fills(session)) == 2
    reset = client.post(
        f"{BASE}/test/reset?context=cp_cloud&lang=en", data={"page": "workstations"}
    )
    assert reset.status_code == 303
    assert reset.headers["Location"].endswith("/preview/workstations?context=cp_cloud&lang=en")
    assert [f.context for f in fills(session)] == ["on_premises"]
    assert "The test answers are deleted." in text(client.get(reset.headers["Location"]))
    events = session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("test_fill.%"))
    ).all()
    assert events.count("test_fill.save") == 2 and events.count("test_fill.reset") == 1


def test_looking_changes_nothing(client, editor, draft, session):
    before = session.scalar(select(func.count()).select_from(AuditEvent))
    for url in (
        f"{BASE}/preview",
        f"{BASE}/preview/network?context=cp_cloud&lang=en",
        f"{BASE}/test",
    ):
        assert client.get(url).status_code == 200, url
    assert fills(session) == []
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_a_published_version_is_previewed_but_takes_no_test_answers(client, editor, session):
    page = text(client.get("/studio/technical/v2/preview"))
    assert "Version 2 (veröffentlicht)" in page and "Test zurücksetzen" not in page
    refused = client.post(
        "/studio/technical/v2/preview/workstations/changes",
        json={"changes": [{"op": "set", "pointer": "/named_users", "from": [], "to": ["25"]}]},
    )
    assert refused.status_code == 409 and refused.get_json()["saved"] is False
    assert (
        client.post(
            "/studio/technical/v2/preview/workstations", data={"named_users": "25"}
        ).status_code
        == 409
    )
    assert fills(session) == []


def test_a_draft_that_does_not_load_shows_its_problem(client, editor, session):
    latest = questionnaires.files("technical")[-1][1]
    document = json.loads(latest.read_text(encoding="utf-8"))
    broken = copy.deepcopy(document)
    broken["properties"]["named_users"]["type"] = "no-such-type"
    preview_draft(session, document=broken)
    page = client.get(f"{BASE}/preview")
    assert page.status_code == 200
    html = text(page)
    assert "Diese Version lässt sich nicht anzeigen" in html
    assert "/properties/named_users" in html
    assert "Vorschau – Testantworten werden nicht als Kundendaten gespeichert" in html
    assert client.get(f"{BASE}/test").status_code == 200


def test_unknown_versions_and_pages_are_not_found(client, editor, draft):
    assert client.get("/studio/technical/v99/preview").status_code == 404
    assert client.get("/studio/nonsense/v3/preview").status_code == 404
    assert client.get(f"{BASE}/preview/no-such-page").status_code == 404


@pytest.mark.parametrize("who", ["partner", "backoffice", "lead", "technician"])
def test_only_editors_and_admins_reach_the_preview(client, session, world, draft, who):
    login(client, world.users[who])
    assert client.get(f"{BASE}/preview").status_code == 403
    assert (
        client.post(f"{BASE}/preview/workstations", data={"named_users": "25"}).status_code == 403
    )
    assert client.post(f"{BASE}/test/reset").status_code == 403
    assert fills(session) == []


def test_customers_and_visitors_are_sent_to_the_login(client, session, world, draft):
    accepted = accept(session, world, place(session, world))
    assert client.get(f"/r/{accepted.tokens['technical']}").status_code == 303  # a customer
    for url in (f"{BASE}/preview", f"{BASE}/test"):
        assert client.get(url).status_code == 302
        assert "/login" in client.get(url).headers["Location"]
    assert (
        client.post(f"{BASE}/preview/workstations", data={"named_users": "25"}).status_code == 302
    )
    assert fills(session) == []


def test_an_admin_may_preview_and_test(client, session, world, draft):
    login(client, world.admin)
    assert (
        client.post(f"{BASE}/preview/workstations", data={"named_users": "25"}).status_code == 303
    )
    assert [f.user_id for f in fills(session)] == [world.admin.id]


def test_test_answers_need_the_csrf_token(tmp_path):
    with running_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        add_user(db.session, vendor, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
        db.session.commit()
        preview_draft(db.session)
        client = app.test_client()
        page = text(client.get("/login"))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        credentials = {"email": "editor@saxess.example", "password": "correct horse battery"}
        assert client.post("/login", data=credentials | {"csrf_token": token}).status_code == 302
        assert (
            client.post(f"{BASE}/preview/workstations", data={"named_users": "25"}).status_code
            == 400
        )
        changes = {"changes": [{"op": "set", "pointer": "/named_users", "from": [], "to": ["25"]}]}
        assert client.post(f"{BASE}/preview/workstations/changes", json=changes).status_code == 400
        assert client.post(f"{BASE}/test/reset").status_code == 400
        assert db.session.scalars(select(TestFill)).all() == []
        token = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get(f"{BASE}/preview"))
        ).group(1)
        saved = client.post(
            f"{BASE}/preview/workstations/changes", json=changes, headers={"X-CSRFToken": token}
        )
        assert saved.status_code == 200


def test_the_header_language_switch_returns_to_the_preview_in_the_chosen_language(
    client, editor, draft
):
    english = text(client.get(f"{BASE}/preview/network?context=cp_cloud&lang=en"))
    assert "Technical questionnaire, version 3 (draft), for CP Cloud" in english
    back = re.search(r'name="next" value="([^"]+)"', english).group(1)
    assert back == f"{BASE}/preview/network?context=cp_cloud"
    switched = client.post("/language", data={"lang": "de", "next": back})
    assert switched.headers["Location"].endswith(back)
    assert "Netzwerk und Fernzugriff" in text(client.get(back))


def test_publishing_deletes_the_test_answers(client, editor, session, world):
    """Runs once the studio core (branch r-studio: lifecycle.approve) is merged."""
    pytest.importorskip("portal.services.studio.lifecycle")
    support = pytest.importorskip("tests.studio.core_support")
    approver = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "emma@saxess.example")
    session.commit()
    version = support.core_draft(session, editor)
    url = f"/studio/technical/v{version.number}/preview/workstations"
    assert client.post(url, data={"named_users": "25"}).status_code == 303
    assert [f.version_id for f in fills(session)] == [version.id]
    support.core_publish(session, editor, approver, version)
    assert fills(session) == []
    assert client.post(url, data={"named_users": "25"}).status_code == 409
    assert fills(session) == []


def _set(pointer, before, after):
    return SetAnswer(pointer, ABSENT if before is None else before, after)


def test_the_use_cases_refuse_anyone_but_editors_and_admins(session, world, draft):
    for who in ("partner", "backoffice", "lead"):
        user = world.users[who]
        with pytest.raises(Forbidden):
            testing.version(session, user, "technical", 3)
        with pytest.raises(Forbidden):
            testing.save_changes(
                session, user, draft, "on_premises", [_set("/named_users", None, 5)]
            )
        with pytest.raises(Forbidden):
            testing.reset(session, user, draft, "on_premises")
    assert fills(session) == []


def test_an_editors_latest_change_wins_over_their_other_tab(session, world, draft):
    editor = preview_editor(session, world)
    first = testing.save_changes(
        session, editor, draft, "cp_cloud", [_set("/named_users", None, 5)]
    )
    assert first.saved
    # A second tab still showed no answer when it sent its own.
    second = testing.save_changes(
        session, editor, draft, "cp_cloud", [_set("/named_users", None, 7)]
    )
    assert second.saved and second.document.data == {"named_users": 7}
    assert [f.data for f in fills(session)] == [{"named_users": 7}]


def test_a_refused_test_save_keeps_the_stored_answers(session, world, draft):
    editor = preview_editor(session, world)
    testing.save_changes(session, editor, draft, "on_premises", [_set("/named_users", None, 5)])
    refused = testing.save_changes(
        session, editor, draft, "on_premises", [_set("/named_users", 5, 9999)], locale="en"
    )
    assert not refused.saved
    assert [e.pointer for e in refused.errors] == ["/named_users"]
    assert refused.document.data == {"named_users": 5}
    assert [f.data for f in fills(session)] == [{"named_users": 5}]

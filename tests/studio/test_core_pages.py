"""The studio's core pages over HTTP: who gets in, the lifecycle, the JSON editor, history, diff."""

import copy
import json
import re

import pytest
from sqlalchemy import func, select

from portal import questionnaires
from portal.extensions import db
from portal.models import AuditEvent, Organisation, OrgKind, Role
from portal.models.questionnaire import DRAFT, IN_REVIEW, PUBLISHED, DraftSave
from portal.services.studio import drafting, records
from tests.conftest import add_user, login, running_app
from tests.studio.core_support import core_draft, core_editors


@pytest.fixture
def editors(session, world):
    return core_editors(session, world)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _revision(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


def _json_of(page: str) -> str:
    raw = re.search(r'<textarea id="document"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    return (
        raw.replace("&#34;", '"')
        .replace("&quot;", '"')
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
    )


@pytest.mark.parametrize("who", ["partner", "backoffice", "lead", "architect", "technician"])
def test_only_editors_and_admins_reach_the_studio(client, session, world, editors, who):
    draft = core_draft(session, editors[0])
    login(client, getattr(world, who))
    for url in (
        "/studio/",
        f"/studio/technical/v{draft.number}",
        f"/studio/technical/v{draft.number}/json",
        f"/studio/technical/v{draft.number}/history",
        "/studio/technical/diff",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post("/studio/business/drafts").status_code == 403
    assert client.post(f"/studio/technical/v{draft.number}/submit").status_code == 403
    assert "/studio/" not in _text(client.get("/"))
    assert records.open_version(session, "business") is None


def test_customers_and_strangers_are_sent_to_the_login(client):
    response = client.get("/studio/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_editor_drafts_edits_and_a_second_person_publishes(client, session, world, editors):
    edda, emil = editors
    login(client, edda)
    assert 'href="/studio/"' in _text(client.get("/"))  # the navigation leads there
    index = _text(client.get("/studio/"))
    assert "Fragebögen" in index and "Neuen Entwurf beginnen" in index
    response = client.post("/studio/technical/drafts")
    assert response.status_code == 303
    number = questionnaires.latest(session, "technical") + 1
    assert response.headers["Location"].endswith(f"/studio/technical/v{number}")

    page = _text(client.get(f"/studio/technical/v{number}"))
    assert "bereit zur Veröffentlichung" in page
    assert "Zur Freigabe einreichen" in page

    editor = _text(client.get(f"/studio/technical/v{number}/json"))
    document = json.loads(_json_of(editor))
    assert document["properties"]["sql_port"]["x-ui"]["id"] == "sql_port"
    del document["properties"]["sql_port"]["x-ui"]["label"]["en"]
    saved = client.post(
        f"/studio/technical/v{number}/json",
        data={
            "document": json.dumps(document, indent=2),
            "revision": _revision(editor),
            "note": "Englisch vergessen",
        },
    )
    assert saved.status_code == 303
    editor = _text(client.get(saved.headers["Location"]))
    assert "/properties/sql_port/x-ui/label/en" in editor
    assert "Text fehlt" in editor and "Englisch" in editor
    refused = client.post(
        f"/studio/technical/v{number}/submit", data={"revision": _revision(editor)}
    )
    assert refused.status_code == 303
    assert "erst wenn sie sauber ist" in _text(client.get(refused.headers["Location"]))

    document["properties"]["sql_port"]["x-ui"]["label"]["en"] = "SQL Server port"
    client.post(
        f"/studio/technical/v{number}/json",
        data={"document": json.dumps(document), "revision": _revision(editor)},
    )
    page = _text(client.get(f"/studio/technical/v{number}"))
    client.post(f"/studio/technical/v{number}/submit", data={"revision": _revision(page)})
    version = records.numbered(session, "technical", number)
    assert version.status == IN_REVIEW
    page = _text(client.get(f"/studio/technical/v{number}"))
    assert "freigeben muss eine zweite Person" in page
    assert "Freigeben und veröffentlichen" not in page
    own = client.post(f"/studio/technical/v{number}/approve", data={"revision": _revision(page)})
    assert "zweite Person" in _text(client.get(own.headers["Location"]))
    assert version.status == IN_REVIEW

    client.post("/logout")
    login(client, emil)
    page = _text(client.get(f"/studio/technical/v{number}"))
    client.post(f"/studio/technical/v{number}/approve", data={"revision": _revision(page)})
    db.session.expire_all()
    assert records.numbered(session, "technical", number).status == PUBLISHED
    assert questionnaires.latest(session, "technical") == number
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"questionnaire.draft", "questionnaire.submit", "questionnaire.publish"} <= actions


def test_broken_json_is_answered_with_line_and_column_and_the_text_is_kept(
    client, session, editors
):
    draft = core_draft(session, editors[0])
    login(client, editors[0])
    url = f"/studio/technical/v{draft.number}/json"
    text = '{\n  "type": "object",\n  "properties": {,}\n}'
    response = client.post(url, data={"document": text, "revision": draft.revision})
    page = _text(response)
    assert response.status_code == 400
    assert "Zeile 3, Spalte 18" in page
    assert _json_of(page) == text
    assert session.scalar(select(func.count(DraftSave.id))) == 1
    not_object = client.post(url, data={"document": "[1, 2]", "revision": draft.revision})
    assert not_object.status_code == 400 and "JSON-Objekt" in _text(not_object)


def test_a_save_from_an_older_page_is_refused_and_the_text_stays(client, session, editors):
    edda, emil = editors
    draft = core_draft(session, edda)
    seen = draft.revision
    login(client, emil)
    url = f"/studio/technical/v{draft.number}/json"
    first = dict(draft.document, title="Emil")
    assert (
        client.post(url, data={"document": json.dumps(first), "revision": seen}).status_code == 303
    )
    mine = json.dumps(dict(draft.document, title="Edda"), indent=2)
    response = client.post(url, data={"document": mine, "revision": seen})
    assert response.status_code == 409
    page = _text(response)
    assert "inzwischen von jemand anderem geändert" in page and _json_of(page) == mine
    db.session.expire_all()
    assert records.by_id(session, draft.id).document["title"] == "Emil"


def test_history_shows_every_save_and_restores_an_earlier_one(client, session, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    login(client, edda)
    url = f"/studio/technical/v{draft.number}"
    changed = dict(draft.document, title="Geändert")
    client.post(
        f"{url}/json",
        data={"document": json.dumps(changed), "revision": draft.revision, "note": "Titel"},
    )
    history = _text(client.get(f"{url}/history"))
    assert "Entwurf angelegt" in history and "Titel" in history
    shown = _text(client.get(f"{url}/history/1"))
    assert "Stand 1" in shown and "CPCE technical questionnaire" in shown
    assert client.get(f"{url}/history/9").status_code == 404
    response = client.post(f"{url}/history/1/restore", data={"revision": _revision(history)})
    assert response.status_code == 303
    db.session.expire_all()
    version = records.by_id(session, draft.id)
    assert version.document["title"] == "CPCE technical questionnaire"
    assert "Stand 1 wiederhergestellt" in _text(client.get(f"{url}/history"))
    assert client.get(f"{url}/history/1/restore").status_code == 405


def test_the_diff_page_compares_any_two_versions(client, session, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    login(client, edda)
    page = _text(client.get(f"/studio/technical/diff?from={draft.number - 1}&to={draft.number}"))
    assert "Vergleich" in page
    assert client.get("/studio/technical/diff?from=99&to=1").status_code == 404
    assert client.get("/studio/nonsense/diff").status_code == 404
    assert client.post(f"/studio/technical/v{draft.number}/nonsense").status_code == 404
    assert client.post(f"/studio/technical/v{draft.number}/json", data={}).status_code == 400


def test_the_version_page_links_the_parts_that_are_installed(client, session, editors):
    draft = core_draft(session, editors[0])
    login(client, editors[0])
    page = _text(client.get(f"/studio/technical/v{draft.number}"))
    assert "JSON bearbeiten" in page and "Verlauf" in page
    from flask import current_app

    installed = current_app.view_functions
    for endpoint, path in (
        ("studio_editor.outline", None),
        ("studio_preview.page", f"/studio/technical/v{draft.number}/preview"),
        ("studio_migration.mapping", f"/studio/technical/v{draft.number}/mapping"),
        ("studio_migration.index", f"/studio/technical/v{draft.number}/migrations"),
    ):
        if path is not None:
            assert (endpoint in installed) == (f'href="{path}"' in page), endpoint
    published = _text(client.get(f"/studio/technical/v{draft.number - 1}"))
    assert "/mapping" not in published  # a map belongs to a draft


def test_english_pages(client, session, world, editors):
    edda, _ = editors
    edda.language = "en"
    session.commit()
    draft = core_draft(session, edda)
    login(client, edda)
    assert f"Open version {draft.number} in progress" in _text(client.get("/studio/"))
    page = _text(client.get(f"/studio/technical/v{draft.number}"))
    assert "ready to publish" in page and "Submit for approval" in page
    assert draft.status == DRAFT


def test_forms_carry_csrf_tokens(tmp_path):
    with running_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        edda = add_user(db.session, vendor, Role.QUESTIONNAIRE_EDITOR, "edda@saxess.example")
        db.session.commit()
        client = app.test_client()
        page = _text(client.get("/login"))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post(
            "/login",
            data={"email": edda.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert client.post("/studio/technical/drafts").status_code == 400
        assert records.open_version(db.session, "technical") is None
        index = _text(client.get("/studio/"))
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', index).group(1)
        assert (
            client.post("/studio/technical/drafts", data={"csrf_token": token}).status_code == 303
        )


def test_the_diff_lists_changes_in_questionnaire_terms(client, session, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    document = copy.deepcopy(draft.document)
    props = document["properties"]
    props["sql_port"]["x-ui"]["label"]["en"] = "SQL Server port number"
    props["db_port"] = props.pop("sql_port")  # a renamed key keeps its id: a rename
    drafting.save_document(session, edda, draft.id, document, revision=draft.revision)
    login(client, edda)
    page = _text(client.get(f"/studio/technical/diff?from={draft.number - 1}&to={draft.number}"))
    assert "/db_port" in page
    assert "Schlüssel umbenannt" in page and "sql_port" in page
    assert "Text geändert" in page and "Englisch" in page
    assert "SQL Server port number" in page


def test_a_large_document_passes_the_form_limit_csrf_reads_first(tmp_path):
    with running_app(tmp_path, WTF_CSRF_ENABLED=True, MAX_FORM_MEMORY_SIZE=50_000) as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        edda = add_user(db.session, vendor, Role.QUESTIONNAIRE_EDITOR, "edda@saxess.example")
        db.session.commit()
        draft = core_draft(db.session, edda)
        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', _text(client.get("/login")))
        credentials = {"email": edda.email, "password": "correct horse battery"}
        client.post("/login", data=credentials | {"csrf_token": token.group(1)})
        url = f"/studio/technical/v{draft.number}/json"
        page = _text(client.get(url))
        text = _json_of(page)
        assert len(text.encode()) > 50_000
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"document": text, "revision": _revision(page), "csrf_token": token}
        assert client.post(url, data=form).status_code == 303
        assert client.post("/login", data={"email": "x" * 60_000}).status_code == 413

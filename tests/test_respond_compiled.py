"""A questionnaire page's answer-independent parts are built once per version and locale."""

import copy
import json
from types import SimpleNamespace

import pytest

from portal import questionnaires, samples
from portal.respond import compiled
from portal.services import drafts
from tests.helpers import accept, place

V1 = json.loads((questionnaires.ROOT / "technical" / "v1.json").read_text(encoding="utf-8"))


@pytest.fixture
def builds(monkeypatch):
    """Every (questionnaire, locale) compiled.build() is asked for."""
    compiled.clear()
    calls = []
    real = compiled.build

    def counting(questionnaire, locale):
        calls.append((questionnaire, locale))
        return real(questionnaire, locale)

    monkeypatch.setattr(compiled, "build", counting)
    return calls


def enter(client, token):
    assert client.get(f"/r/{token}").status_code == 303
    client.post("/customer/name", data={"name": "Max Muster"})


def test_two_requests_of_a_version_build_its_page_texts_once(client, session, world, builds):
    enter(client, accept(session, world, place(session, world)).tokens["technical"])
    for page in ("environment", "network", "environment"):
        response = client.get(f"/customer/technical/pages/{page}")
        assert response.status_code == 200
    assert [locale for _q, locale in builds] == ["de"]
    with client.session_transaction() as cookie:
        cookie["lang"] = "en"
    body = client.get("/customer/technical/pages/environment").get_data(as_text=True)
    assert [locale for _q, locale in builds] == ["de", "en"]
    assert '<span class="visually-hidden"> (Required)</span>' in body


def test_a_new_version_gets_its_own_entry_and_the_same_version_shares_one(app, builds):
    changed = copy.deepcopy(V1)
    changed["properties"]["server"]["x-ui"]["label"] = {"de": "Server <neu>", "en": "Server"}
    first = questionnaires.load(SimpleNamespace(sha256="a" * 64, document=V1))
    again = questionnaires.load(SimpleNamespace(sha256="a" * 64, document=V1))
    second = questionnaires.load(SimpleNamespace(sha256="b" * 64, document=changed))
    assert first is again
    with app.test_request_context():
        old = compiled.texts(first, "de")
        assert compiled.texts(again, "de") is old
        new = compiled.texts(second, "de")
    assert new is not old
    assert len(builds) == 2
    # Labels are escaped as the template escaped them, required marks translated.
    assert str(new.nodes["/server"].label).startswith("Server &lt;neu&gt;")
    assert str(old.nodes["/server"].label).startswith("Server")


def test_page_shows_labels_help_rows_and_errors_as_before(client, session, world):
    # The pieces the template used to build per request, byte for byte as before.
    acceptance = accept(session, world, place(session, world, code="PIN"))
    saved = drafts.save(
        session,
        acceptance.order,
        "technical",
        base_version=0,
        changes={"data_sources": samples.ON_PREMISES["data_sources"]},
        author="Max",
    )
    assert saved.saved
    enter(client, acceptance.tokens["technical"])
    with client.session_transaction() as cookie:
        cookie["customer_checked_technical"] = True  # a refused submit: errors at the fields
    body = client.get("/customer/technical/pages/interfaces").get_data(as_text=True)
    assert (
        '<legend>Datenquellen <span class="required" aria-hidden="true">*</span>'
        '<span class="visually-hidden"> (Pflichtangabe)</span></legend>'
    ) in body
    assert '<p class="hint" id="data_sources-0-system-help">Produktname des Quellsystems.' in body
    assert "<legend>Datenquelle <span data-number>1</span></legend>" in body
    assert "+ Datenquelle hinzufügen</button>" in body
    environment = client.get("/customer/technical/pages/environment").get_data(as_text=True)
    assert (
        '<p class="error-message" id="server-error"><span class="visually-hidden">Fehler:</span>'
        " Bitte beantworten Sie diese Frage.</p>"
    ) in environment


def test_questions_shown_by_an_answer_are_hidden_until_it_is_given(client, session, world):
    acceptance = accept(session, world, place(session, world, code="RUL"))
    enter(client, acceptance.tokens["technical"])
    hidden = (
        '<div class="field" data-pointer="/remote_access_tool" data-key="remote_access_tool"'
        ' data-rule hidden data-field="select">'
    )
    assert hidden in client.get("/customer/technical/pages/network").get_data(as_text=True)
    saved = drafts.save(
        session,
        acceptance.order,
        "technical",
        base_version=0,
        changes={"remote_access_allowed": True},
        author="Max",
    )
    assert saved.saved
    body = client.get("/customer/technical/pages/network").get_data(as_text=True)
    assert hidden.replace(" hidden", "") in body
    assert hidden not in body

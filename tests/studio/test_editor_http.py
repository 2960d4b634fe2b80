"""The structured editor over HTTP: every form's happy path, bad input, a stale page, and who may."""

import copy
import re

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, Role
from portal.models.questionnaire import DraftSave
from portal.services.studio import drafting
from tests.conftest import add_user, login
from tests.studio.core_support import core_publish
from tests.studio.editor_support import editor_form_fields

BASE = "/studio/technical/v{n}/edit"


@pytest.fixture
def editor_user(session, world):
    user = add_user(session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
    session.commit()
    return user


@pytest.fixture
def draft(session, editor_user):
    return drafting.start_draft(session, editor_user, "technical")


@pytest.fixture
def signed_in(client, editor_user):
    login(client, editor_user)
    return client


def url(draft, tail=""):
    return BASE.format(n=draft.number) + tail


def refreshed(session, draft):
    session.expire_all()
    return session.get(type(draft), draft.id)


def saves(session, draft) -> list[str]:
    return list(
        session.scalars(
            select(DraftSave.note)
            .where(DraftSave.version_id == draft.id)
            .order_by(DraftSave.number)
        )
    )


def question_form(signed_in, draft, path) -> dict:
    """The question form's fields as the page fills them (what a browser would post back)."""
    page = signed_in.get(url(draft, f"/q/{path}")).get_data(as_text=True)
    return editor_form_fields(page, "data-studio-question")


# -- outline ------------------------------------------------------------------------------------


def test_the_outline_lists_pages_and_questions_in_form_order(signed_in, draft):
    page = signed_in.get(url(draft))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Systemumgebung" in html and "IT-Ansprechpartner" in html
    assert (
        html.index("named_users") < html.index("concurrent_users") < html.index("directory_service")
    )
    assert html.index("server/cpu_cores") < html.index("server/ram_gb")
    assert "Anzeigen, wenn" in html and "Bereitstellung" in html
    assert "Die Prüfung meldet keine Probleme." in html


def test_a_published_version_shows_its_outline_read_only(signed_in, draft, session):
    html = signed_in.get(BASE.format(n=2)).get_data(as_text=True)
    assert "lässt sich nur ansehen" in html and "named_users" in html
    assert 'method="post" class="inline" action="/studio/technical/v2' not in html
    assert "/studio/technical/v2/edit/q/" not in html  # no edit links
    response = signed_in.post(
        BASE.format(n=2) + "/q/named_users", data={"revision": 0, "key": "x", "kind": "text"}
    )
    assert response.status_code == 302  # back to the read-only outline, nothing written
    assert "named_users" in refreshed(session, draft).based_on.document["properties"]


@pytest.mark.parametrize("who", ["partner", "backoffice", "lead", "architect", "technician"])
def test_only_editors_and_admins_reach_the_editor(client, world, draft, who):
    login(client, world.users[who])
    assert client.get(url(draft)).status_code == 403
    assert (
        client.post(
            url(draft, "/remove/named_users"), data={"revision": draft.revision}
        ).status_code
        == 403
    )


def test_signed_out_visitors_are_sent_to_the_login(client, draft):
    assert client.get(url(draft)).status_code in (302, 401)


def test_an_admin_may_edit(client, world, draft, session):
    login(client, world.admin)
    assert client.get(url(draft)).status_code == 200
    response = client.post(
        url(draft, "/move/named_users"), data={"revision": draft.revision, "step": 1}
    )
    assert response.status_code == 302
    assert saves(session, draft)[-1] == "Frage verschoben: named_users"


def test_an_unknown_version_or_question_is_404(signed_in, draft):
    assert signed_in.get(BASE.format(n=99)).status_code == 404
    assert signed_in.get("/studio/nothing/v1/edit").status_code == 404
    assert signed_in.get(url(draft, "/q/no_such_question")).status_code == 404


# -- question form ------------------------------------------------------------------------------


def test_the_question_form_renames_a_key_and_keeps_its_id(signed_in, draft, session):
    data = question_form(signed_in, draft, "sql_port")
    assert data["key"] == "sql_port" and data["revision"] == str(draft.revision)
    data["key"] = "sql_server_port"
    response = signed_in.post(url(draft, "/q/sql_port"), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    document = refreshed(session, draft).document
    assert "sql_port" not in document["properties"]
    assert document["properties"]["sql_server_port"]["x-ui"]["id"] == "sql_port"
    assert saves(session, draft)[-1] == "Frage umbenannt: sql_port -> sql_server_port"
    page = signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gespeichert: Frage umbenannt: sql_port -&gt; sql_server_port" in page
    assert "Die Prüfung meldet" in page


def test_saving_the_question_form_unchanged_writes_no_save(signed_in, draft, session):
    before = saves(session, draft)
    response = signed_in.post(
        url(draft, "/q/server/ram_gb"), data=question_form(signed_in, draft, "server/ram_gb")
    )
    assert response.status_code == 302
    assert saves(session, draft) == before


def test_the_question_form_fixes_an_english_text(signed_in, draft, session):
    data = question_form(signed_in, draft, "named_users")
    data["label_en"] = "Named users (people)"
    assert signed_in.post(url(draft, "/q/named_users"), data=data).status_code == 302
    label = refreshed(session, draft).document["properties"]["named_users"]["x-ui"]["label"]
    assert label["en"] == "Named users (people)" and label["de"] == data["label_de"]


def test_the_question_form_edits_choices_limits_and_required(signed_in, draft, session):
    data = question_form(signed_in, draft, "directory_service")
    count = len(draft.document["properties"]["directory_service"]["enum"])
    assert data["choices-0-code"] and f"choices-{count + 1}-code" in data  # two blank rows
    data["choices-0-remove"] = "y"
    data[f"choices-{count}-position"], data[f"choices-{count}-code"] = "0", "ldap"
    data[f"choices-{count}-de"], data[f"choices-{count}-en"] = "LDAP", "LDAP"
    data.pop("required", None)
    response = signed_in.post(url(draft, "/q/directory_service"), data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    document = refreshed(session, draft).document
    prop = document["properties"]["directory_service"]
    assert prop["enum"][0] == "ldap" and len(prop["enum"]) == count
    assert "directory_service" not in document["required"]
    data = question_form(signed_in, draft, "named_users")
    data["maximum"] = "9000"
    assert signed_in.post(url(draft, "/q/named_users"), data=data).status_code == 302
    assert refreshed(session, draft).document["properties"]["named_users"]["maximum"] == 9000


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"key": "Named Users"}, "key", "Kleinbuchstaben"),
        ({"key": "concurrent_users"}, "key", "gibt es hier schon"),
        ({"minimum": "viele"}, "minimum", "Bitte eine Zahl eingeben."),
        ({"minimum": "1,5"}, "minimum", "ganze Zahl"),
        ({"minimum": "100", "maximum": "10"}, "maximum", "nicht kleiner als das Minimum"),
        ({"label_de": ""}, "label_de", "Bitte eine Beschriftung eingeben."),
    ],
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(
    signed_in, draft, session, change, field, message
):
    before = saves(session, draft)
    data = question_form(signed_in, draft, "named_users") | change
    response = signed_in.post(url(draft, "/q/named_users"), data=data)
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    at_field = re.search(f'<p class="error-message" id="{field}-error">([^<]*)</p>', html)
    assert at_field and message in at_field.group(1)
    assert saves(session, draft) == before
    fields = editor_form_fields(html, "data-studio-question")
    assert all(fields[name] == value for name, value in change.items())  # the input is kept


def test_a_stale_page_is_refused_with_the_input_kept_and_the_next_save_lands(
    signed_in, draft, session, editor_user
):
    data = question_form(signed_in, draft, "named_users")
    elsewhere = copy.deepcopy(draft.document)
    elsewhere["properties"]["named_users"]["x-ui"]["help"]["en"] = "Changed elsewhere."
    drafting.save_document(
        session, editor_user, draft.id, elsewhere, revision=draft.revision, note="anderswo"
    )
    data["label_en"] = "People with a login"
    response = signed_in.post(url(draft, "/q/named_users"), data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Der Entwurf wurde inzwischen geändert" in html
    assert 'value="People with a login"' in html
    fresh = refreshed(session, draft)
    assert editor_form_fields(html, "data-studio-question")["revision"] == str(fresh.revision)
    data["revision"] = str(fresh.revision)
    assert signed_in.post(url(draft, "/q/named_users"), data=data).status_code == 302
    assert (
        refreshed(session, draft).document["properties"]["named_users"]["x-ui"]["label"]["en"]
        == "People with a login"
    )


# -- new question, pages, moving, removing ------------------------------------------------------


def test_a_question_is_added_to_a_page_and_opens_its_form(signed_in, draft, session):
    response = signed_in.post(
        url(draft, "/new?page=environment"),
        data={
            "revision": draft.revision,
            "key": "cpce_module",
            "kind": "text",
            "label_de": "Modul",
            "label_en": "Module",
            "page": "environment",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(draft, "/q/cpce_module"))
    prop = refreshed(session, draft).document["properties"]["cpce_module"]
    assert prop["x-ui"]["page"] == "environment" and prop["x-ui"]["id"] == "cpce_module"


def test_a_question_is_added_to_a_repeating_group(signed_in, draft, session):
    response = signed_in.post(
        url(draft, "/new?parent=it_contacts"),
        data={
            "revision": draft.revision,
            "key": "mobile",
            "kind": "text",
            "label_de": "Mobil",
            "label_en": "Mobile",
        },
    )
    assert response.status_code == 302
    assert "mobile" in refreshed(session, draft).document["$defs"]["contact"]["properties"]


def test_a_new_question_with_a_taken_key_is_refused_at_the_key(signed_in, draft, session):
    before = saves(session, draft)
    response = signed_in.post(
        url(draft, "/new"),
        data={
            "revision": draft.revision,
            "key": "named_users",
            "kind": "text",
            "label_de": "X",
            "label_en": "X",
            "page": "environment",
        },
    )
    assert response.status_code == 400
    assert "gibt es hier schon" in response.get_data(as_text=True)
    assert saves(session, draft) == before


def test_pages_are_added_retitled_moved_and_removed(signed_in, draft, session):
    r = signed_in.post(
        url(draft, "/pages/new"),
        data={
            "revision": draft.revision,
            "key": "modules",
            "title_de": "Module",
            "title_en": "Modules",
        },
    )
    assert r.status_code == 302
    rev = refreshed(session, draft).revision
    r = signed_in.post(
        url(draft, "/pages/modules"),
        data={"revision": rev, "title_de": "CPCE-Module", "title_en": "CPCE modules"},
    )
    assert r.status_code == 302
    rev = refreshed(session, draft).revision
    assert (
        signed_in.post(
            url(draft, "/pages/modules/move"), data={"revision": rev, "step": -1}
        ).status_code
        == 302
    )
    pages = refreshed(session, draft).document["x-ui"]["pages"]
    assert pages[-2] == {"key": "modules", "title": {"de": "CPCE-Module", "en": "CPCE modules"}}
    rev = refreshed(session, draft).revision
    assert (
        signed_in.post(url(draft, "/pages/modules/remove"), data={"revision": rev}).status_code
        == 302
    )
    assert "modules" not in [p["key"] for p in refreshed(session, draft).document["x-ui"]["pages"]]
    assert saves(session, draft)[1:] == [
        "Seite hinzugefügt: modules",
        "Seitentitel geändert: modules",
        "Seite verschoben: modules",
        "Seite entfernt: modules",
    ]


def test_a_page_with_questions_is_not_removed(signed_in, draft, session):
    before = saves(session, draft)
    r = signed_in.post(
        url(draft, "/pages/contacts/remove"),
        data={"revision": draft.revision},
        follow_redirects=True,
    )
    assert "Auf der Seite stehen noch Fragen" in r.get_data(as_text=True)
    assert saves(session, draft) == before


def test_a_page_form_without_a_german_title_is_refused(signed_in, draft):
    r = signed_in.post(
        url(draft, "/pages/new"),
        data={"revision": draft.revision, "key": "modules", "title_de": "", "title_en": "x"},
    )
    assert r.status_code == 400 and "deutschen Titel" in r.get_data(as_text=True)


def test_questions_move_to_another_page_and_are_removed(signed_in, draft, session):
    r = signed_in.post(
        url(draft, "/move/named_users"), data={"revision": draft.revision, "page": "contacts"}
    )
    assert r.status_code == 302
    assert (
        refreshed(session, draft).document["properties"]["named_users"]["x-ui"]["page"]
        == "contacts"
    )
    rev = refreshed(session, draft).revision
    r = signed_in.post(url(draft, "/remove/proxy_port"), data={"revision": rev})
    assert r.status_code == 302
    document = refreshed(session, draft).document
    assert "proxy_port" not in document["properties"] and "dependentRequired" not in document


def test_a_stale_button_changes_nothing_and_says_so(signed_in, draft, session):
    before = saves(session, draft)
    r = signed_in.post(
        url(draft, "/remove/named_users"),
        data={"revision": draft.revision - 1},
        follow_redirects=True,
    )
    assert "inzwischen von jemand anderem geändert" in r.get_data(as_text=True)
    assert saves(session, draft) == before


# -- rules --------------------------------------------------------------------------------------


def test_a_rule_is_set_and_removed(signed_in, draft, session):
    page = signed_in.get(url(draft, "/rule/mfa_required")).get_data(as_text=True)
    assert 'value="q:directory_service"' in page and "context:deployment" in page
    r = signed_in.post(
        url(draft, "/rule/mfa_required"),
        data={
            "revision": draft.revision,
            "effect": "SHOW",
            "target": "q:directory_service",
            "condition": "one_of",
            "values": "entra_id, hybrid",
        },
    )
    assert r.status_code == 302
    rule = refreshed(session, draft).document["properties"]["mfa_required"]["x-ui"]["rule"]
    assert rule["condition"] == {
        "scope": "#/properties/directory_service",
        "schema": {"enum": ["entra_id", "hybrid"]},
    }
    outline = signed_in.get(url(draft)).get_data(as_text=True)
    assert "ist einer von entra_id, hybrid" in " ".join(outline.split())
    rev = refreshed(session, draft).revision
    assert (
        signed_in.post(url(draft, "/unrule/mfa_required"), data={"revision": rev}).status_code
        == 302
    )
    assert "rule" not in refreshed(session, draft).document["properties"]["mfa_required"]["x-ui"]


def test_the_rule_form_prefills_an_existing_rule(signed_in, draft):
    page = signed_in.get(url(draft, "/rule/ad_domain")).get_data(as_text=True)
    assert (
        'selected value="q:directory_service"' in page
        or 'value="q:directory_service" selected' in page
    )
    assert 'value="active_directory, entra_id, hybrid"' in page


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"target": "q:named_users", "condition": "is_true", "values": ""},
            "passt nicht zur gewählten Frage",
        ),
        (
            {"target": "q:directory_service", "condition": "equals", "values": "novell"},
            "keine Auswahl",
        ),
        ({"target": "q:mfa_required", "condition": "answered", "values": ""}, "aus der Liste"),
    ],
)
def test_a_rule_that_cannot_hold_is_refused_with_the_input_kept(
    signed_in, draft, session, data, message
):
    before = saves(session, draft)
    r = signed_in.post(
        url(draft, "/rule/mfa_required"),
        data={"revision": draft.revision, "effect": "HIDE", **data},
    )
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert message in html
    assert saves(session, draft) == before


def test_each_save_is_an_audited_draft_save(signed_in, draft, session):
    signed_in.post(url(draft, "/move/named_users"), data={"revision": draft.revision, "step": 1})
    actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-1] == "questionnaire.save"


def test_after_publishing_the_forms_refuse(signed_in, draft, session, world, editor_user):
    core_publish(session, editor_user, world.admin, draft)
    r = signed_in.get(url(draft, "/q/named_users"))
    assert r.status_code == 302
    r = signed_in.post(
        url(draft, "/remove/named_users"),
        data={"revision": refreshed(session, draft).revision},
        follow_redirects=True,
    )
    assert "Nur ein Entwurf" in r.get_data(as_text=True)
    assert "named_users" in refreshed(session, draft).document["properties"]


def test_a_question_may_be_called_like_an_action(signed_in, draft, session):
    """Keys such as "rule" or "move" are plain keys: the actions stand before the path."""
    for key in ("rule", "move"):
        r = signed_in.post(
            url(draft, "/new?parent=server"),
            data={
                "revision": refreshed(session, draft).revision,
                "key": key,
                "kind": "text",
                "label_de": key,
                "label_en": key,
            },
        )
        assert r.status_code == 302
        assert signed_in.get(url(draft, f"/q/server/{key}")).status_code == 200
    assert signed_in.get(url(draft, "/rule/server/rule")).status_code == 200


def test_bad_choices_are_shown_at_the_choices(signed_in, draft, session):
    before = saves(session, draft)
    data = question_form(signed_in, draft, "directory_service")
    data["choices-1-code"] = data["choices-0-code"]
    r = signed_in.post(url(draft, "/q/directory_service"), data=data)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert "Jeder Code darf nur einmal vorkommen." in html.split('id="choices"', 1)[1]
    assert saves(session, draft) == before


def test_every_editor_form_needs_the_csrf_token(tmp_path):
    from portal.extensions import db
    from portal.models import Organisation, OrgKind
    from tests.conftest import running_app

    with running_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        user = add_user(db.session, vendor, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
        db.session.commit()
        version = drafting.start_draft(db.session, user, "technical")
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post(
            "/login",
            data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        )
        before = saves(db.session, version)
        for tail, data in (
            ("/q/named_users", {"key": "users", "kind": "integer", "label_de": "X"}),
            ("/remove/named_users", {}),
            (
                "/rule/named_users",
                {"effect": "SHOW", "target": "q:mfa_required", "condition": "answered"},
            ),
            ("/pages/new", {"key": "modules", "title_de": "Module"}),
            ("/pages/contacts/move", {"step": "-1"}),
            ("/new", {"key": "x", "kind": "text", "label_de": "X", "page": "contacts"}),
        ):
            response = client.post(url(version, tail), data={"revision": version.revision, **data})
            assert response.status_code == 400, tail
        assert saves(db.session, version) == before
        fields = editor_form_fields(
            client.get(url(version, "/q/named_users")).get_data(as_text=True),
            "data-studio-question",
        )
        fields["label_en"] = "Named users (people)"
        assert client.post(url(version, "/q/named_users"), data=fields).status_code == 302


def test_after_a_save_the_check_counts_its_problems_and_links_its_details(signed_in, draft):
    r = signed_in.post(
        url(draft, "/remove/cloud_vpn_required"),
        data={"revision": draft.revision},
        follow_redirects=True,
    )
    html = " ".join(r.get_data(as_text=True).split())
    found = re.search(
        r"Gespeichert: Frage entfernt: cloud_vpn_required\. Die Prüfung meldet (\d+)", html
    )
    assert found and int(found.group(1)) > 0  # rules and allOf still name the removed question
    assert f"Die Prüfung meldet {found.group(1)} Probleme." in html
    assert f'href="/studio/technical/v{draft.number}">Einzelheiten der Prüfung' in html


def test_the_studio_version_page_links_the_editor(signed_in, draft):
    html = signed_in.get(f"/studio/technical/v{draft.number}").get_data(as_text=True)
    assert f'href="/studio/technical/v{draft.number}/edit"' in html

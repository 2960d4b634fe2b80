"""The studio's migration pages over HTTP: the list, the dry run, apply, the map; who gets in."""

import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import DraftSave, Organisation, OrgKind, Response, ResponseMigration, Role
from portal.models.questionnaire import DRAFT
from tests.conftest import add_user, login, running_app
from tests.studio.migration_support import (
    RECODES,
    migration_editor,
    order_in_flight,
    publish_v3,
)

INDEX = "/studio/technical/v3/migrations"


def _migrations(session) -> int:
    return session.scalar(select(func.count()).select_from(ResponseMigration))


def test_the_editor_sees_the_list_runs_the_dry_run_and_applies(client, session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    login(client, editor)

    listing = client.get(INDEX).get_data(as_text=True)
    assert "ACME GmbH" in listing and f"{INDEX}/{response.id}" in listing

    page = client.get(f"{INDEX}/{response.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Wartungsfenster" in text and "Samstag 22–6 Uhr" in text
    assert "MFA vorgeschrieben?" in text and "umbenannt" in text and "umkodiert" in text
    assert _migrations(session) == 0

    form = {"expected_from": "2", "expected_revision": str(response.version)}
    refused = client.post(f"{INDEX}/{response.id}", data=form)
    assert refused.status_code == 400 and "Bitte bestätigen Sie" in refused.get_data(as_text=True)
    assert _migrations(session) == 0

    done = client.post(f"{INDEX}/{response.id}", data=form | {"confirm": "y"})
    assert done.status_code == 303
    assert "umgezogen" in client.get(done.location).get_data(as_text=True)
    session.expire_all()
    assert session.get(Response, response.id).schema_version == 3 and _migrations(session) == 1

    again = client.post(
        f"{INDEX}/{response.id}", data=form | {"confirm": "y"}, follow_redirects=True
    )
    assert "schon auf Version 3" in again.get_data(as_text=True) and _migrations(session) == 1


def test_the_pages_speak_english(client, session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    login(client, editor)
    with client.session_transaction() as flask_session:
        flask_session["lang"] = "en"
    text = client.get(f"{INDEX}/{response.id}").get_data(as_text=True)
    assert "Maintenance windows" in text and "MFA mandatory?" in text
    assert "Dry run" in text and "Move the answers" in text


@pytest.mark.parametrize("who", ["partner", "other_partner", "backoffice", "lead", "technician"])
def test_nobody_else_reaches_the_migration_pages(client, session, world, who):
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    login(client, getattr(world, who))
    assert client.get(INDEX).status_code == 403
    assert client.get(f"{INDEX}/{response.id}").status_code == 403
    form = {"expected_from": "2", "expected_revision": str(response.version), "confirm": "y"}
    assert client.post(f"{INDEX}/{response.id}", data=form).status_code == 403
    assert client.get("/studio/technical/v3/mapping").status_code == 403
    assert _migrations(session) == 0


def test_signed_out_and_customers_are_sent_to_the_login(client, session, world):
    publish_v3(session)
    assert client.get(INDEX).status_code == 302


def test_the_admin_may_and_unknown_versions_are_404(client, session, world):
    publish_v3(session)
    login(client, world.admin)
    assert client.get(INDEX).status_code == 200
    assert client.get("/studio/technical/v9/migrations").status_code == 404
    assert client.get("/studio/nonsense/v3/migrations").status_code == 404


def test_the_map_of_a_draft_is_confirmed_and_kept_as_a_save(client, session, world):
    editor = migration_editor(session, world)
    draft = publish_v3(session, mapping={}, status=DRAFT)
    login(client, editor)
    page = client.get("/studio/technical/v3/mapping").get_data(as_text=True)
    assert "/mfa_required=&gt;/mfa_mandatory" in page  # suggested by the identity
    form = {
        "revision": str(draft.revision),
        "suggestion": "/mfa_required=>/mfa_mandatory",
        "renames": "",
        "recodes": "/backup_responsibility: service_provider -> external_provider",
    }
    bad = client.post("/studio/technical/v3/mapping", data=form | {"recodes": "/nope: a -> b"})
    assert bad.status_code == 400 and "/nope" in bad.get_data(as_text=True)
    garbled = client.post("/studio/technical/v3/mapping", data=form | {"renames": "a b c"})
    assert garbled.status_code == 400 and "Zeile 1" in garbled.get_data(as_text=True)
    stale = client.post("/studio/technical/v3/mapping", data=form | {"revision": "99"})
    assert stale.status_code == 409
    session.expire_all()
    assert session.get(type(draft), draft.id).mapping == {}

    assert client.post("/studio/technical/v3/mapping", data=form).status_code == 303
    session.expire_all()
    stored = session.get(type(draft), draft.id)
    assert stored.mapping == {"renames": {"/mfa_required": "/mfa_mandatory"}, "recodes": RECODES}
    save = session.scalars(select(DraftSave).where(DraftSave.version_id == draft.id)).one()
    assert save.mapping == stored.mapping and save.document == stored.document


def test_a_published_versions_map_is_not_changed(client, session, world):
    editor = migration_editor(session, world)
    version = publish_v3(session)
    login(client, editor)
    form = {"revision": str(version.revision), "renames": "", "recodes": ""}
    assert client.post("/studio/technical/v3/mapping", data=form).status_code == 409
    session.expire_all()
    assert session.get(type(version), version.id).mapping["recodes"] == RECODES


@pytest.fixture
def csrf_client(tmp_path):
    with running_app(tmp_path, WTF_CSRF_ENABLED=True) as app:
        vendor = Organisation(name="Saxess", kind=OrgKind.VENDOR)
        add_user(db.session, vendor, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example")
        db.session.commit()
        yield app.test_client()


def test_apply_without_a_csrf_token_is_refused(csrf_client, tmp_path):
    from tests.conftest import PASSWORD

    page = csrf_client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    credentials = {"email": "editor@saxess.example", "password": PASSWORD, "csrf_token": token}
    assert csrf_client.post("/login", data=credentials).status_code == 302
    form = {"expected_from": "1", "expected_revision": "1", "confirm": "y"}
    assert csrf_client.post("/studio/technical/v2/migrations/1", data=form).status_code == 400
    assert csrf_client.post("/studio/technical/v2/mapping", data={}).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ResponseMigration)) == 0

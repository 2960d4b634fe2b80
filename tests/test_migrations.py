"""The migrations build exactly the models' schema, and downgrade to an empty database."""

import json
import os
from datetime import UTC, datetime
from email import message_from_string, policy
from email.message import EmailMessage
from pprint import pformat

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from portal import ROOT, create_app
from portal.extensions import db
from portal.models.search import compared

MIGRATIONS = ROOT / "migrations"


def _empty_database() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


@pytest.fixture
def bare_app(tmp_path):
    """The app on an empty database: no create_all, only what the migrations build."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_DIR": str(tmp_path / "mail"),
            "LICENSE_KEY_FILE": str(tmp_path / "license.pem"),
        }
    )
    with app.app_context():
        _empty_database()
        yield app
        db.session.remove()
        _empty_database()
        db.engine.dispose()


def _tables() -> set[str]:
    with db.engine.connect() as conn:
        include = compared(conn.dialect.name)  # not the search's FTS5 tables (a table's index)
        names = set(inspect(conn).get_table_names()) - {"alembic_version"}
        return {name for name in names if include(None, name, "table", True, None)}


def _current_revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_builds_the_models_schema_and_downgrades(bare_app):
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    assert heads, "no migration yet: run `flask --app wsgi db migrate -m '...'` and review it"
    assert len(heads) == 1, f"several migration heads {heads}: merge them (`flask db merge`)"

    flask_migrate.upgrade(directory=str(MIGRATIONS))
    assert _current_revision() == heads[0]
    with db.engine.connect() as conn:
        include = compared(conn.dialect.name)  # leaves out the search's FTS5 tables
        opts = {"compare_type": True, "include_object": include}
        context = MigrationContext.configure(conn, opts=opts)
        differences = compare_metadata(context, db.metadata)
    assert not differences, (
        "the models differ from the migrated schema; write a migration "
        "(`flask --app wsgi db migrate -m '...'`) and review it:\n" + pformat(differences)
    )

    flask_migrate.downgrade(directory=str(MIGRATIONS), revision="base")
    assert _current_revision() is None
    assert _tables() == set(), "downgrade to base left tables behind"

    # A second upgrade catches leftovers that downgrade forgot (PostgreSQL enum types, ...).
    flask_migrate.upgrade(directory=str(MIGRATIONS))
    assert _tables() == set(db.metadata.tables)


def test_the_upgrade_that_seals_links_masks_them_in_mails_already_out(bare_app):
    """Mails stored before the outbox sealed links carry them in clear: masked once delivered,
    kept in a waiting mail (it must still reach the customer with a working link)."""
    sealing = "84c7d76fd10a"
    before = ScriptDirectory(str(MIGRATIONS)).get_revision(sealing).down_revision
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=before)
    token = "Zx9-stored_in_clear_0123456789abcdefghijkl"
    mail = EmailMessage()
    mail["To"], mail["Subject"] = "carla@acme.example", "Ihre Fragebögen"
    mail.set_content(f"Bitte hier: http://127.0.0.1:5000/r/{token}\nÜbrigens: /o/{token}\n")
    mail.add_alternative(f'<a href="http://127.0.0.1:5000/r/{token}">Öffnen</a>', subtype="html")
    with db.engine.begin() as conn:
        for status in ("sent", "kept", "failed", "pending"):
            conn.execute(
                text(
                    "INSERT INTO outbox_message (created_at, recipients, subject, raw, status,"
                    " attempts, next_attempt_at) VALUES (:now, 'carla@acme.example', :status,"
                    " :raw, :status, 1, :now)"
                ),
                {"now": datetime.now(UTC), "status": status, "raw": mail.as_string()},
            )

    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=sealing)
    with db.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT status, raw FROM outbox_message")).all())
    for status in ("sent", "kept", "failed"):
        assert token not in stored[status]
        masked = message_from_string(stored[status], policy=policy.default)
        assert "http://127.0.0.1:5000/r/•••••\nÜbrigens: /o/•••••" in (
            masked.get_body(("plain",)).get_content()
        )
        assert 'href="http://127.0.0.1:5000/r/•••••"' in masked.get_body(("html",)).get_content()
    assert stored["pending"] == mail.as_string()


def test_the_upgrade_stores_the_shipped_questionnaires_as_the_first_versions(bare_app):
    from portal import questionnaires

    flask_migrate.upgrade(directory=str(MIGRATIONS))
    for kind in questionnaires.KINDS:
        shipped = [number for number, _ in questionnaires.files(kind)]
        assert questionnaires.latest(db.session, kind) == shipped[-1]
        for number, path in questionnaires.files(kind):
            document = json.loads(path.read_text(encoding="utf-8"))
            assert questionnaires.get(db.session, kind, number).schema == document


def test_the_upgrade_pins_accepted_orders_to_the_versions_their_answers_use(bare_app):
    """An order accepted before versions lived in the database keeps answering v1 where it
    started v1, gets the newest where it has not started, and an order not yet accepted
    stays unpinned (acceptance pins it)."""
    pinning = "dcc9a7e4a04a"
    before = ScriptDirectory(str(MIGRATIONS)).get_revision(pinning).down_revision
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=before)
    now = {"now": datetime.now(UTC)}
    statements = (
        "INSERT INTO organisation (id, name, kind, created_at) VALUES (1, 'CP', 'partner', :now)",
        "INSERT INTO user_account (id, organisation_id, email, name, password_hash, role,"
        " language, active, session_version, created_at) VALUES (1, 1, 'p@cp.example', 'P',"
        " 'x', 'partner_staff', 'de', true, 0, :now)",
        "INSERT INTO customer_order (id, partner_id, placed_by_id, customer_name, short_code,"
        " license_model, deployment, language, created_at) VALUES"
        " (1, 1, 1, 'Alt GmbH', 'ALT', 'rent', 'on_premises', 'de', :now),"
        " (2, 1, 1, 'Neu GmbH', 'NEU', 'rent', 'on_premises', 'de', :now)",
        "INSERT INTO step_completion (order_id, step, completed_at, details)"
        " VALUES (1, 'accept', :now, '{}')",
        "INSERT INTO response (order_id, questionnaire, schema_version, data, version, status,"
        " row_ids) VALUES (1, 'technical', 1, '{}', 1, 'draft', '{}')",
    )
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), now)

    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=pinning)
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, questionnaire_versions FROM customer_order"))
        pins = {order_id: value for order_id, value in rows}
    from portal import questionnaires

    stored = pins[1] if isinstance(pins[1], dict) else json.loads(pins[1])
    newest_business = questionnaires.files("business")[-1][0]
    assert stored == {"technical": 1, "business": newest_business}
    assert pins[2] is None


def test_the_upgrade_marks_the_ports_of_stored_versions_as_codes(bare_app):
    """Versions stored before x-code existed (seeded from the older files) get the annotation,
    and their sha256 follows; everything else in them stays as it was."""
    from portal import questionnaires

    marking = "5a1e0ffe2c0d"
    before = ScriptDirectory(str(MIGRATIONS)).get_revision(marking).down_revision
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=before)
    with db.engine.begin() as conn:
        rows = conn.execute(
            text("SELECT id, document FROM questionnaire_version WHERE kind = 'technical'")
        ).all()
        for version_id, document in rows:
            old = document if isinstance(document, dict) else json.loads(document)
            del old["$defs"]["tcp_port"]["x-code"]  # as the files were before
            conn.execute(
                text(
                    "UPDATE questionnaire_version SET document = :doc, sha256 = :sha WHERE id = :id"
                ),
                {"doc": json.dumps(old), "sha": questionnaires.digest(old), "id": version_id},
            )
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=marking)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT number, document, sha256 FROM questionnaire_version WHERE kind = 'technical'"
            )
        ).all()
    assert rows
    for number, document, sha256 in rows:
        stored = document if isinstance(document, dict) else json.loads(document)
        shipped = json.loads(dict(questionnaires.files("technical"))[number].read_text("utf-8"))
        assert stored == shipped and stored["$defs"]["tcp_port"]["x-code"] is True
        assert sha256 == questionnaires.digest(stored)
    columns = {c["name"] for c in inspect(db.engine).get_columns("customer")}
    assert {"street", "postcode", "city", "country"} <= columns


def test_the_upgrade_marks_the_contact_groups_of_stored_versions(bare_app):
    """Versions stored before x-contact existed get it on their contact group, so the lead can
    adopt contacts from answers given against them; their sha256 follows."""
    from portal import questionnaires

    marking = "c0a7ac7e1d15"
    groups = {"technical": "it_contacts", "business": "business_contacts"}
    before = ScriptDirectory(str(MIGRATIONS)).get_revision(marking).down_revision
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=before)
    with db.engine.begin() as conn:
        rows = conn.execute(text("SELECT id, kind, document FROM questionnaire_version")).all()
        for version_id, kind, document in rows:
            old = document if isinstance(document, dict) else json.loads(document)
            del old["properties"][groups[kind]]["x-contact"]  # as the files were before
            conn.execute(
                text(
                    "UPDATE questionnaire_version SET document = :doc, sha256 = :sha WHERE id = :id"
                ),
                {"doc": json.dumps(old), "sha": questionnaires.digest(old), "id": version_id},
            )
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision=marking)
    with db.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, number, document, sha256 FROM questionnaire_version")
        ).all()
    assert {kind for kind, *_ in rows} == set(groups)
    for kind, number, document, sha256 in rows:
        stored = document if isinstance(document, dict) else json.loads(document)
        shipped = json.loads(dict(questionnaires.files(kind))[number].read_text("utf-8"))
        assert stored == shipped
        assert stored["properties"][groups[kind]]["x-contact"]["email"] == "email"
        assert sha256 == questionnaires.digest(stored)

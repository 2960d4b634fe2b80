"""Moving in-flight answers to a newer version: dry run, apply, records, reviews, refusals."""

import pytest
from sqlalchemy import func, select

from forms_schema.changes import Document
from portal import questionnaires
from portal.models import (
    AnswerReview,
    AuditEvent,
    Response,
    ResponseMigration,
    ResponseRevision,
    utcnow,
)
from portal.models.questionnaire import DRAFT
from portal.models.review import ACCEPTED
from portal.services import drafts
from portal.services.errors import Conflict, Forbidden, Invalid
from portal.services.studio import migrating
from tests.studio.migration_support import (
    IN_FLIGHT,
    KIND,
    migration_editor,
    order_in_flight,
    publish_v3,
)


def _leaves(session, response) -> set[str]:
    """Every answer by position (the library names rows by their index)."""
    repeats = questionnaires.get(session, KIND, response.schema_version).repeats()
    document = Document(response.data, response.row_ids, repeats)
    return {document.locate(p) for p in document.leaves()}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_in_flight_lists_unsubmitted_responses_on_older_versions(session, world):
    _order, response = order_in_flight(session, world)
    _done, submitted = order_in_flight(session, world, code="DONE")
    submitted.status = "submitted"
    session.commit()
    publish_v3(session)
    found = migrating.in_flight(session, KIND, 3)
    assert [f.response.id for f in found] == [response.id]
    assert found[0].order.short_code == "ACME" and found[0].updated_by == "Kunde"
    assert migrating.in_flight(session, KIND, 2) == []


def test_the_dry_run_shows_kept_converted_and_dropped_and_changes_nothing(session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    before = (dict(response.data), response.version, response.schema_version)
    events = _count(session, AuditEvent)

    plan = migrating.dry_run(session, editor, response.id, 3, locale="de")

    assert [(d.pointer, d.value, d.label) for d in plan.dropped] == [
        ("/maintenance_windows", "Samstag 22–6 Uhr", "Wartungsfenster")
    ]
    converted = {c.old.pointer: c for c in plan.converted}
    assert converted["/mfa_required"].new.pointer == "/mfa_mandatory"
    assert converted["/mfa_required"].how == ("renamed",)
    assert converted["/mfa_required"].new.label == "MFA vorgeschrieben?"
    recoded = converted["/backup_responsibility"]
    assert (recoded.old.value, recoded.new.value, recoded.how) == (
        "service_provider",
        "external_provider",
        ("recoded",),
    )
    assert "/named_users" in {k.pointer for k in plan.kept}
    assert "/it_contacts/1/name" in {k.pointer for k in plan.kept}
    session.expire_all()
    again = session.get(Response, response.id)
    assert (again.data, again.version, again.schema_version) == before
    assert _count(session, ResponseMigration) == 0 and _count(session, AuditEvent) == events


def test_apply_moves_the_answers_and_keeps_every_value_in_the_record(session, world):
    editor = migration_editor(session, world)
    order, response = order_in_flight(session, world)
    old_leaves = _leaves(session, response)
    old_ids = response.row_ids["/it_contacts"]
    old_version = response.version
    publish_v3(session)

    (record,) = migrating.apply(session, editor, response.id, 3, expected_from=2)

    session.expire_all()
    moved = session.get(Response, response.id)
    assert moved.schema_version == 3 and moved.version == old_version + 1
    assert moved.data["mfa_mandatory"] is True and "mfa_required" not in moved.data
    assert moved.data["backup_responsibility"] == "external_provider"
    assert "maintenance_windows" not in moved.data
    assert moved.row_ids["/it_contacts"] == old_ids  # rows keep their ids
    # Nothing lost: every old answer is kept, converted or dropped, with its value.
    covered = (
        set(record.kept)
        | {c["old_pointer"] for c in record.converted}
        | {d["pointer"] for d in record.dropped}
    )
    assert covered == old_leaves
    assert record.dropped == [{"pointer": "/maintenance_windows", "value": "Samstag 22–6 Uhr"}]
    assert {c["kind"] for c in record.changes} >= {"renamed", "removed", "choices"}
    assert all(c["kind"] != "added" for c in record.changes)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "response.migrate")).one()
    assert event.actor_id == editor.id and event.payload["dropped"] == ["/maintenance_windows"]
    revision = session.scalars(
        select(ResponseRevision).where(ResponseRevision.version == moved.version)
    ).one()
    assert revision.data == moved.data
    # The customer continues on v3 and can save again.
    result = drafts.save(
        session, order, KIND, base_version=moved.version, changes={"named_users": 41}, author="K"
    )
    assert result.saved and not result.conflicts


def test_the_record_of_a_migration_is_never_changed_or_deleted(session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    (record,) = migrating.apply(session, editor, response.id, 3, expected_from=2)
    record.dropped = []
    with pytest.raises(ValueError, match="never changed"):
        session.commit()
    session.rollback()
    session.delete(session.get(ResponseMigration, record.id))
    with pytest.raises(ValueError, match="never changed"):
        session.commit()
    session.rollback()
    assert session.get(ResponseMigration, record.id).dropped[0]["value"] == "Samstag 22–6 Uhr"


def test_a_submitted_response_keeps_its_version(session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    response.status = "submitted"
    session.commit()
    with pytest.raises(Conflict, match="für immer"):
        migrating.apply(session, editor, response.id, 3, expected_from=2)
    session.expire_all()
    assert session.get(Response, response.id).schema_version == 2
    refused = session.scalars(select(AuditEvent).where(AuditEvent.action == "response.refused"))
    assert [e.payload["attempted"] for e in refused] == ["migrate"]
    with pytest.raises(Conflict):
        migrating.dry_run(session, editor, response.id, 3)


def test_only_a_published_target_and_an_unmoved_response(session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    draft = publish_v3(session, status=DRAFT)
    with pytest.raises(Conflict, match="veröffentlichte"):
        migrating.apply(session, editor, response.id, 3, expected_from=2)
    draft.status = "published"
    session.commit()
    with pytest.raises(Conflict, match="Probelauf"):
        migrating.apply(session, editor, response.id, 3, expected_from=1)
    with pytest.raises(Conflict, match="Probelauf"):
        migrating.apply(
            session, editor, response.id, 3, expected_from=2, expected_revision=response.version - 1
        )
    assert _count(session, ResponseMigration) == 0


@pytest.mark.parametrize("who", ["partner", "backoffice", "lead", "technician"])
def test_only_editors_and_admins_migrate(session, world, who):
    _order, response = order_in_flight(session, world)
    publish_v3(session)
    with pytest.raises(Forbidden):
        migrating.dry_run(session, getattr(world, who), response.id, 3)
    with pytest.raises(Forbidden):
        migrating.apply(session, getattr(world, who), response.id, 3, expected_from=2)
    assert migrating.apply(session, world.admin, response.id, 3, expected_from=2)


def test_the_review_of_a_renamed_answer_follows_it(session, world):
    editor = migration_editor(session, world)
    order, response = order_in_flight(session, world)
    for pointer in ("/mfa_required", "/named_users"):
        session.add(
            AnswerReview(
                order_id=order.id, questionnaire=KIND, pointer=pointer, final=None,
                status=ACCEPTED, comment=f"zu {pointer}", updated_by_id=world.partner.id,
                updated_at=utcnow(),
            )
        )  # fmt: skip
    session.commit()
    publish_v3(session)
    migrating.apply(session, editor, response.id, 3, expected_from=2)
    session.expire_all()
    reviews = {
        r.pointer: r.comment
        for r in session.scalars(select(AnswerReview).where(AnswerReview.order_id == order.id))
    }
    assert reviews == {"/mfa_mandatory": "zu /mfa_required", "/named_users": "zu /named_users"}


def test_an_open_page_from_before_the_migration_cannot_save_over_it(session, world):
    editor = migration_editor(session, world)
    order, response = order_in_flight(session, world)
    shown_at = response.version
    publish_v3(session)
    migrating.apply(session, editor, response.id, 3, expected_from=2)
    with pytest.raises(Conflict, match="neue Version"):
        drafts.save(
            session, order, KIND, base_version=shown_at, changes={"named_users": 5}, author="K"
        )
    session.rollback()
    assert session.get(Response, response.id).data["named_users"] == IN_FLIGHT["named_users"]


def test_a_response_two_versions_behind_moves_version_by_version(session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    response.schema_version = 1  # v1 asks the same questions as v2
    session.commit()
    publish_v3(session)
    plan = migrating.dry_run(session, editor, response.id, 3)
    assert [(s.from_version, s.to_version) for s in plan.steps] == [(1, 2), (2, 3)]
    records = migrating.apply(session, editor, response.id, 3, expected_from=1)
    assert [(r.from_version, r.to_version) for r in records] == [(1, 2), (2, 3)]
    assert records[0].dropped == [] and records[1].dropped[0]["pointer"] == "/maintenance_windows"
    assert session.get(Response, response.id).data["backup_responsibility"] == "external_provider"


def test_a_map_that_does_not_fit_writes_nothing(session, world):
    editor = migration_editor(session, world)
    _order, response = order_in_flight(session, world)
    publish_v3(session, mapping={"renames": {"/no_such_question": "/mfa_mandatory"}})
    with pytest.raises(Invalid, match="no_such_question"):
        migrating.apply(session, editor, response.id, 3, expected_from=2)
    session.rollback()
    assert session.get(Response, response.id).schema_version == 2
    assert _count(session, ResponseMigration) == 0

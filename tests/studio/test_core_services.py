"""The studio's use cases: drafts and their saves, restore, lint, the lifecycle, import/export."""

import copy

import pytest
from sqlalchemy import select

from portal import questionnaires
from portal.models import AuditEvent, Response
from portal.models.questionnaire import (
    DRAFT,
    IN_REVIEW,
    PUBLISHED,
    RETIRED,
    DraftSave,
    QuestionnaireVersion,
)
from portal.models.questionnaire import (
    TestFill as Fill,
)
from portal.services.errors import Conflict, Forbidden, Invalid
from portal.services.studio import drafting, lifecycle, transfer
from tests.helpers import accept, place
from tests.studio.core_support import (
    core_changed,
    core_draft,
    core_editors,
    core_latest,
    core_publish,
)


@pytest.fixture
def editors(session, world):
    return core_editors(session, world)


def _actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _saves(session, version) -> list[DraftSave]:
    return list(
        session.scalars(
            select(DraftSave).where(DraftSave.version_id == version.id).order_by(DraftSave.number)
        )
    )


def test_a_draft_starts_from_the_newest_published_version_with_ids_written_down(session, editors):
    edda, _ = editors
    published = core_latest(session)
    draft = core_draft(session, edda)
    assert (draft.status, draft.number, draft.based_on_id) == (
        DRAFT,
        published.number + 1,
        published.id,
    )
    assert draft.document["properties"]["named_users"]["x-ui"]["id"] == "named_users"
    assert draft.sha256 == questionnaires.digest(draft.document)
    [first] = _saves(session, draft)
    assert (first.number, first.note, first.saved_by_id) == (1, "Entwurf angelegt", edda.id)
    assert "questionnaire.draft" in _actions(session)
    assert drafting.problems(session, draft) == []


def test_one_open_draft_per_kind(session, editors):
    edda, emil = editors
    core_draft(session, edda)
    with pytest.raises(Conflict):
        core_draft(session, emil)
    assert (
        core_draft(session, emil, "business").number == core_latest(session, "business").number + 1
    )


def test_only_editors_and_admins_draft(session, world, editors):
    for user in (world.partner, world.backoffice, world.lead):
        with pytest.raises(Forbidden):
            drafting.start_draft(session, user, "technical")
    assert drafting.start_draft(session, world.admin, "technical").status == DRAFT


def test_every_save_is_kept_and_an_older_page_is_refused(session, editors):
    edda, emil = editors
    draft = core_draft(session, edda)
    seen = draft.revision
    changed = core_changed(draft, named_users="Named users (accounts)")
    drafting.save_document(session, edda, draft.id, changed, revision=seen, note="Text")
    assert draft.document == changed and draft.revision != seen
    with pytest.raises(Conflict, match="inzwischen"):
        drafting.save_document(session, emil, draft.id, {"type": "object"}, revision=seen)
    assert draft.document == changed
    assert [(s.number, s.note) for s in _saves(session, draft)] == [
        (1, "Entwurf angelegt"),
        (2, "Text"),
    ]


def test_a_document_that_does_not_load_is_saved_and_lint_shows_where(session, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    broken = copy.deepcopy(draft.document)
    del broken["properties"]["sql_port"]["x-ui"]["label"]["en"]
    broken["properties"]["named_users"]["type"] = "no-such-type"
    drafting.save_document(session, edda, draft.id, broken, revision=draft.revision)
    found = {(p.pointer, p.code) for p in drafting.problems(session, draft)}
    assert ("/properties/sql_port/x-ui/label/en", "missing_translation") in found
    assert any(p.startswith("/properties/named_users") and c == "schema" for p, c in found)


def test_restore_is_a_new_save_and_the_history_stays_whole(session, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    original = copy.deepcopy(draft.document)
    drafting.save_document(
        session, edda, draft.id, core_changed(draft, named_users="X"), revision=draft.revision
    )
    drafting.restore(session, edda, draft.id, 1, revision=draft.revision)
    assert draft.document == original
    assert [s.note for s in _saves(session, draft)] == [
        "Entwurf angelegt",
        "",
        "Stand 1 wiederhergestellt",
    ]
    drafting.restore(session, edda, draft.id, 2, revision=draft.revision)  # undo the undo
    assert draft.document["properties"]["named_users"]["x-ui"]["label"]["en"] == "X"
    assert _actions(session).count("questionnaire.restore") == 2


def test_a_removed_choice_that_in_flight_answers_hold_blocks(session, world, editors):
    edda, _ = editors
    order = accept(session, world, place(session, world)).order
    base = core_latest(session)
    session.add(
        Response(
            order_id=order.id,
            questionnaire="technical",
            schema_version=base.number,
            data={"directory_service": "hybrid", "it_contacts": [{"name": "A"}]},
        )
    )
    session.commit()
    assert drafting.in_use(session, base)["directory_service"] == {"hybrid"}
    draft = core_draft(session, edda)
    document = copy.deepcopy(draft.document)
    document["properties"]["directory_service"]["enum"].remove("hybrid")
    del document["properties"]["directory_service"]["x-ui"]["enum_labels"]["hybrid"]
    drafting.save_document(session, edda, draft.id, document, revision=draft.revision)
    assert [p.code for p in drafting.problems(session, draft)] == ["removed_choice_in_use"]


def test_publishing_needs_a_second_person(session, world, editors):
    edda, emil = editors
    draft = core_draft(session, edda)
    lifecycle.submit(session, edda, draft.id, revision=draft.revision)
    assert draft.status == IN_REVIEW
    with pytest.raises(Conflict):
        drafting.save_document(session, edda, draft.id, draft.document, revision=draft.revision)
    with pytest.raises(Forbidden, match="zweite Person"):
        lifecycle.approve(session, edda, draft.id)
    assert draft.status == IN_REVIEW
    lifecycle.approve(session, emil, draft.id)
    assert (draft.status, draft.published_by_id) == (PUBLISHED, emil.id)
    assert questionnaires.latest(session, "technical") == draft.number
    publish = session.scalar(select(AuditEvent).where(AuditEvent.action == "questionnaire.publish"))
    assert publish.payload["approver"] == emil.email
    assert publish.payload["submitter"] == edda.email
    assert "questionnaire.approve" in _actions(session)


def test_an_admin_approves_and_test_answers_vanish_on_publish(session, world, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    session.add(Fill(version_id=draft.id, user_id=edda.id, context="cp_cloud", data={"a": 1}))
    session.commit()
    core_publish(session, edda, world.admin, draft)
    assert session.scalars(select(Fill)).all() == []


def test_submit_is_refused_while_lint_finds_problems(session, editors):
    edda, _ = editors
    draft = core_draft(session, edda)
    broken = copy.deepcopy(draft.document)
    del broken["properties"]["sql_port"]["x-ui"]["label"]["en"]
    drafting.save_document(session, edda, draft.id, broken, revision=draft.revision)
    with pytest.raises(Invalid, match="/properties/sql_port/x-ui/label/en"):
        lifecycle.submit(session, edda, draft.id, revision=draft.revision)
    assert draft.status == DRAFT


def test_withdraw_by_the_submitter_or_an_admin(session, world, editors):
    edda, emil = editors
    draft = core_draft(session, edda)
    lifecycle.submit(session, edda, draft.id, revision=draft.revision)
    with pytest.raises(Forbidden):
        lifecycle.withdraw(session, emil, draft.id)
    lifecycle.withdraw(session, world.admin, draft.id)
    assert (draft.status, draft.submitted_by_id) == (DRAFT, None)
    lifecycle.submit(session, emil, draft.id, revision=draft.revision)
    lifecycle.withdraw(session, emil, draft.id)
    assert draft.status == DRAFT


def test_retire_keeps_one_published_version(session, editors):
    edda, emil = editors
    old = core_latest(session)
    with pytest.raises(Conflict, match="einzige"):
        lifecycle.retire(session, edda, old.id)
    new = core_publish(session, edda, emil, core_draft(session, edda))
    assert old.status == PUBLISHED  # orders pinned to it keep it; new orders get the newest
    lifecycle.retire(session, edda, old.id)
    assert (old.status, new.status) == (RETIRED, PUBLISHED)
    with pytest.raises(Conflict, match="einzige"):
        lifecycle.retire(session, edda, new.id)
    assert "questionnaire.retire" in _actions(session)


def test_import_stores_a_draft_and_export_gives_the_same_json(session, editors, tmp_path):
    edda, _ = editors
    text = (questionnaires.ROOT / "business" / "v2.json").read_text(encoding="utf-8")
    version = transfer.import_draft(session, edda, "business", transfer.read(text), "v2.json")
    assert (version.status, version.source) == (DRAFT, "import")
    assert transfer.read(transfer.export(session, "business", version.number)) == transfer.read(
        text
    )
    with pytest.raises(Conflict):
        transfer.import_draft(session, None, "business", transfer.read(text))
    with pytest.raises(Invalid, match="line 1, column 2"):
        transfer.read("{,}")
    assert "questionnaire.import" in _actions(session)
    assert (
        session.scalar(
            select(QuestionnaireVersion.source).where(QuestionnaireVersion.id == version.id)
        )
        == "import"
    )

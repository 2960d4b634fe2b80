"""Questionnaire versions in the database: seeded from the files, pinned per order, frozen."""

import json

import pytest
from sqlalchemy import select

from portal import questionnaires
from portal.models import QuestionnaireVersion, Response
from portal.models.questionnaire import DRAFT, PUBLISHED, RETIRED
from portal.services import drafts
from tests.helpers import accept, place


def _publish(session, kind: str, number: int, document: dict) -> QuestionnaireVersion:
    version = QuestionnaireVersion(
        kind=kind,
        number=number,
        status=PUBLISHED,
        document=document,
        sha256=questionnaires.digest(document),
    )
    session.add(version)
    session.commit()
    return version


def _with_title(kind: str, number: int, title: str) -> dict:
    document = json.loads((questionnaires.ROOT / kind / f"v{number}.json").read_text())
    document["x-ui"]["title"] = {"de": title, "en": title}
    return document


def test_the_shipped_files_are_the_first_versions_and_the_newest_is_published(session):
    rows = session.scalars(select(QuestionnaireVersion).order_by("kind", "number")).all()
    shipped = {
        (kind, number) for kind in questionnaires.KINDS for number, _ in questionnaires.files(kind)
    }
    assert {(r.kind, r.number) for r in rows} == shipped
    for kind in questionnaires.KINDS:
        newest = max(n for k, n in shipped if k == kind)
        assert questionnaires.latest(session, kind) == newest
        statuses = {r.number: r.status for r in rows if r.kind == kind}
        assert statuses.pop(newest) == PUBLISHED and set(statuses.values()) <= {RETIRED}
    file_document = json.loads((questionnaires.ROOT / "technical" / "v1.json").read_text())
    assert questionnaires.get(session, "technical", 1).schema == file_document


def test_an_unknown_version_is_a_key_error(session):
    with pytest.raises(KeyError):
        questionnaires.get(session, "technical", 99)


def test_a_draft_is_never_what_new_orders_get(session):
    newest = questionnaires.latest(session, "technical")
    draft = _with_title("technical", newest, "Entwurf")
    session.add(
        QuestionnaireVersion(
            kind="technical",
            number=newest + 1,
            status=DRAFT,
            document=draft,
            sha256=questionnaires.digest(draft),
        )
    )
    session.commit()
    assert questionnaires.latest(session, "technical") == newest


def test_an_order_keeps_the_versions_current_when_it_was_accepted(session, world):
    first = accept(session, world, place(session, world, code="FIRST")).order
    newest = questionnaires.latest(session, "technical")
    assert first.questionnaire_versions == {
        "technical": newest,
        "business": questionnaires.latest(session, "business"),
    }
    _publish(session, "technical", newest + 1, _with_title("technical", newest, "Neu"))
    second = accept(session, world, place(session, world, code="SECOND")).order

    for order, expected in ((first, newest), (second, newest + 1)):
        drafts.save(
            session, order, "technical", base_version=0, changes={"named_users": 12}, author="K"
        )
        response = session.scalar(select(Response).where(Response.order_id == order.id))
        assert response.schema_version == expected
    loaded = questionnaires.get(session, "technical", newest + 1)
    assert loaded.title("de") == "Neu"


def test_a_published_document_is_frozen(session):
    version = session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.status == PUBLISHED)
    )
    version.document = {**version.document, "x-ui": {"title": "anders"}}
    with pytest.raises(ValueError, match="frozen"):
        session.commit()
    session.rollback()
    version.status = RETIRED
    session.commit()
    assert version.status == RETIRED

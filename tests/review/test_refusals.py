"""Refusals: only partner staff write, and after the freeze nobody does (each attempt logged)."""

import pytest
from sqlalchemy import func, select

from portal.models import AnswerReview, QuestionnaireSnapshot
from portal.services import review
from portal.services.errors import Conflict, Forbidden, NotFound
from tests.review.support import TECH, accept_all, events, review_count, row_at, save


def test_only_partner_staff_review_and_finalise(session, world, order):
    for user in (world.lead, world.architect, world.technician, world.backoffice, world.admin):
        with pytest.raises(Forbidden):
            save(session, world, order, "/server/ram_gb", user=user)
        with pytest.raises(Forbidden):
            review.finalise(session, user, order.id, TECH)
    with pytest.raises(NotFound):
        review.save_review(
            session, world.other_partner, order.id, TECH, "/server/ram_gb",
            status="accepted", final="", comment="", version=0,
        )  # fmt: skip
    assert review_count(session) == 0


def test_after_the_freeze_every_write_is_refused_for_everyone_and_logged(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    accept_all(session, world, order)
    snap = review.finalise(session, world.partner, order.id, TECH)
    frozen_hash, frozen_reviews = snap.content_hash, review_count(session)
    row = row_at(session, world, order, "/server/ram_gb")
    assert row.final == 64 and row.status == "changed"
    page = review.workspace(session, world.partner, order.id, TECH)
    assert page.snapshot is not None and not page.may_edit
    attempts = 0
    for user in (world.partner, world.admin, world.lead, world.backoffice):
        with pytest.raises(Conflict, match="abgeschlossen"):
            review.save_review(
                session, user, order.id, TECH, "/server/ram_gb",
                status="changed", final="128", comment="zu spät", version=row.version,
            )  # fmt: skip
        attempts += 1
        with pytest.raises(Conflict, match="abgeschlossen"):
            review.finalise(session, user, order.id, TECH)
        attempts += 1
    session.rollback()  # what a failed request does: the logged refusals must survive it
    refused = events(session, "review.refused")
    assert len(refused) == attempts
    assert {e.actor_id for e in refused} == {
        world.partner.id,
        world.admin.id,
        world.lead.id,
        world.backoffice.id,
    }
    assert {e.payload["attempted"] for e in refused} == {"save", "finalise"}
    assert refused[0].payload["pointer"] == "/server/ram_gb"
    assert review_count(session) == frozen_reviews
    assert (
        session.scalar(select(AnswerReview.final).where(AnswerReview.pointer == "/server/ram_gb"))
        == 64
    )
    assert session.scalar(select(QuestionnaireSnapshot.content_hash)) == frozen_hash
    assert session.scalar(select(func.count()).select_from(QuestionnaireSnapshot)) == 1
    # Not even through the ORM: a stored snapshot does not change.
    stored = session.scalar(select(QuestionnaireSnapshot))
    stored.final = {}
    with pytest.raises(ValueError, match="frozen"):
        session.commit()
    session.rollback()

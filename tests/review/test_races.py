"""Two reviewers saving the same answer, and a save racing another commit or the finalise:
the version counter decides, nothing is silently overwritten."""

import pytest
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import AnswerReview, QuestionnaireSnapshot, Role, User, utcnow
from portal.services import review
from portal.services.errors import Conflict
from tests.conftest import add_user
from tests.review.support import TECH, accept_all, events, row_at, save


def test_two_reviewers_saving_the_same_answer_lose_nothing(session, world, order):
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    seen = row_at(session, world, order, "/server/ram_gb")  # both open the page at version 0
    review.save_review(
        session, world.partner, order.id, TECH, "/server/ram_gb",
        status="changed", final="64", comment="Anna", version=seen.version,
    )  # fmt: skip
    with pytest.raises(Conflict) as conflict:
        review.save_review(
            session, bob, order.id, TECH, "/server/ram_gb",
            status="changed", final="16", comment="Bob", version=seen.version,
        )  # fmt: skip
    assert world.partner.name in conflict.value.message
    row = row_at(session, world, order, "/server/ram_gb")
    assert (row.final, row.comment, row.version) == (64, "Anna", 1)
    # The same from version 1 (an update rather than the first insert).
    review.save_review(
        session, bob, order.id, TECH, "/server/ram_gb",
        status="changed", final="48", comment="Bob", version=1,
    )  # fmt: skip
    with pytest.raises(Conflict, match="Bob Berger"):
        review.save_review(
            session, world.partner, order.id, TECH, "/server/ram_gb",
            status="accepted", final="", comment="Anna", version=1,
        )  # fmt: skip
    row = row_at(session, world, order, "/server/ram_gb")
    assert (row.final, row.comment, row.version) == (48, "Bob", 2)


@pytest.mark.parametrize("existing", [False, True])
def test_a_save_racing_another_commit_is_refused_by_the_version_counter(
    session, world, order, existing
):
    """Both saves pass the version check; the database decides, the second is refused."""
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    pointer = "/server/ram_gb"
    if existing:
        save(session, world, order, pointer, "accepted")
    version = row_at(session, world, order, pointer).version
    bob_id, order_id, now = bob.id, order.id, utcnow()

    done = []

    def bob_commits_first(_session, _context, _instances):
        if done:
            return
        done.append(True)
        with db.engine.begin() as other:
            if existing:
                other.execute(
                    update(AnswerReview)
                    .where(AnswerReview.pointer == pointer)
                    .values(
                        final=16,
                        status="changed",
                        comment="Bob",
                        updated_by_id=bob_id,
                        version=version + 1,
                    )
                )
            else:
                other.execute(
                    insert(AnswerReview).values(
                        order_id=order_id, questionnaire=TECH, pointer=pointer, final=16,
                        status="changed", comment="Bob", updated_by_id=bob_id,
                        updated_at=now, version=1,
                    )
                )  # fmt: skip

    event.listen(db.session(), "before_flush", bob_commits_first)
    try:
        with pytest.raises(Conflict, match="Bob Berger"):
            review.save_review(
                session, world.partner, order.id, TECH, pointer,
                status="changed", final="64", comment="Anna", version=version,
            )  # fmt: skip
    finally:
        event.remove(db.session(), "before_flush", bob_commits_first)
    assert done
    row = row_at(session, world, order, pointer)
    assert (row.final, row.comment) == (16, "Bob")


def test_a_save_racing_the_finalise_is_refused_and_logged(session, world, order):
    """A reviewer read the answer before another one finalised; the save must not land."""
    accept_all(session, world, order)
    pointer = "/server/ram_gb"
    version = row_at(session, world, order, pointer).version
    partner_id, order_id = world.partner.id, order.id
    done = []

    def finalised_meanwhile(_session, _context, _instances):
        if done:
            return
        done.append(True)
        with Session(db.engine) as other:
            review.finalise(other, other.get(User, partner_id), order_id, TECH)

    event.listen(db.session(), "before_flush", finalised_meanwhile)
    try:
        with pytest.raises(Conflict, match="abgeschlossen"):
            review.save_review(
                session, world.partner, order.id, TECH, pointer,
                status="changed", final="64", comment="zu spät", version=version,
            )  # fmt: skip
    finally:
        event.remove(db.session(), "before_flush", finalised_meanwhile)
    assert done
    snap = session.scalar(select(QuestionnaireSnapshot))
    assert snap.final["server"]["ram_gb"] == 32 and snap.reviews[pointer]["status"] == "accepted"
    session.expire_all()
    stored = session.scalar(select(AnswerReview).where(AnswerReview.pointer == pointer))
    assert (stored.final, stored.status) == (32, "accepted")
    [refused] = events(session, "review.refused")
    assert refused.payload["pointer"] == pointer
    late = [e for e in events(session, "review.save") if e.payload["status"] == "changed"]
    assert late == []

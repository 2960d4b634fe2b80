"""Building blocks of the review tests: the customer submits, the partner reviews and saves.

The questionnaire is filled and submitted through the customer's use cases; every save starts
from the version the reviewer currently sees, as the page would.
"""

from sqlalchemy import func, select

from portal.models import AnswerReview, AuditEvent
from portal.services import drafts, responses, review
from tests import samples

TECH = "technical"


def fill_and_submit(session, order, kind=TECH, data=samples.ON_PREMISES):
    """The customer fills the questionnaire completely and submits it."""
    result = drafts.save(
        session, order, kind, base_version=0, changes=data, author="Kunde", locale="de"
    )
    assert result.saved and not result.conflicts, result.errors
    assert responses.submit(session, order, kind, author="Kunde", locale="de") == []


def rows_of(session, world, order, **options):
    return review.workspace(session, world.partner, order.id, TECH, **options).rows


def row_at(session, world, order, pointer):
    return next(r for r in rows_of(session, world, order) if r.pointer == pointer)


def save(session, world, order, pointer, status="accepted", final="", comment="", user=None):
    """Save a review from the version the reviewer currently sees."""
    current = row_at(session, world, order, pointer)
    return review.save_review(
        session,
        user or world.partner,
        order.id,
        TECH,
        pointer,
        status=status,
        final=final,
        comment=comment,
        version=current.version,
    )


def accept_all(session, world, order):
    for row in rows_of(session, world, order):
        if row.status is None:
            save(session, world, order, row.pointer)


def events(session, action):
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def review_count(session):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AnswerReview))


def url(order, tail=""):
    return f"/orders/{order.id}/review/{TECH}{tail}"


def post_answer(client, order, number, pointer, status, final="", version=0, **extra):
    data = {"pointer": pointer, "status": status, "final": final, "version": version}
    return client.post(
        url(order, "/answer"), data={**data, "number": number, "comment": "", **extra}
    )

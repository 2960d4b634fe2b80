"""Open questions of the review become open points of the protocol (steps 6 and 7).

When a questionnaire is finalised with answers marked "offene Frage", each one becomes an open
point of the order's protocol: its question's label and the reviewer's comment. A protocol
still being drafted (or returned) gets them at once; an order without a protocol yet gets them
in the new draft's starting values (initial_fields reads the snapshots). A point whose text the
protocol already holds is not added again, so finalising again never duplicates it. Owner and
due date stay empty for the project lead to fill in, as for every other open point.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, questionnaires
from portal.models import Order, Protocol, QuestionnaireSnapshot, User
from portal.models.protocol import DRAFT, RETURNED
from portal.models.review import OPEN
from portal.questionnaires import label_of, labels
from portal.services.protocol.rules import POINT_MAX
from portal.services.review.rules import in_form_order, open_point_text


def point(text: str) -> dict[str, str]:
    """An open point as the protocol stores it, owner and due date still to be filled in."""
    return {"text": text, "owner": "", "due": ""}


def carry_open_questions(
    session: Session,
    actor: User,
    order: Order,
    kind: str,
    schema_version: int,
    questions: list[tuple[str, str]],
) -> int:
    """Add the open questions (pointer, comment) of a questionnaire finalised now to the
    protocol's open points, in the caller's transaction; how many were added."""
    if not questions:
        return 0
    protocol = session.scalar(select(Protocol).where(Protocol.order_id == order.id))
    if protocol is None or protocol.status not in (DRAFT, RETURNED):
        return 0  # a new draft starts with them (pending_points); a submitted one is frozen
    texts = point_texts(session, order, kind, schema_version, questions)
    known = {p.get("text") for p in protocol.open_points}
    added = [point(t) for t in texts if t not in known]
    if not added:
        return 0
    protocol.open_points = [*protocol.open_points, *added]
    session.flush()
    audit.record(
        session,
        actor,
        "protocol.open_points_from_review",
        "protocol",
        protocol.id,
        order_id=order.id,
        questionnaire=kind,
        count=len(added),
        version=protocol.version,
    )
    return len(added)


def point_texts(
    session: Session,
    order: Order,
    kind: str,
    schema_version: int,
    questions: list[tuple[str, str]],
) -> list[str]:
    """The open points' texts in form order, labels in the order's language, each once."""
    questionnaire = questionnaires.get(session, kind, schema_version)
    names = labels(questionnaire, order.language)
    ordered = sorted(questions, key=in_form_order(questionnaire))
    texts = [open_point_text(label_of(p, names), c, POINT_MAX) for p, c in ordered]
    return list(dict.fromkeys(texts))


def pending_points(session: Session, order: Order) -> list[dict[str, str]]:
    """The open points a new protocol starts with: the open questions of every finalised
    questionnaire of the order."""
    texts: list[str] = []
    for kind in questionnaires.KINDS:
        snap = session.scalar(
            select(QuestionnaireSnapshot)
            .where(
                QuestionnaireSnapshot.order_id == order.id,
                QuestionnaireSnapshot.questionnaire == kind,
            )
            .order_by(QuestionnaireSnapshot.version.desc())
            .limit(1)
        )
        if snap is None:
            continue
        questions = [
            (pointer, review.get("comment") or "")
            for pointer, review in snap.reviews.items()
            if review.get("status") == OPEN
        ]
        texts += point_texts(session, order, kind, snap.schema_version, questions)
    return [point(t) for t in dict.fromkeys(texts)]

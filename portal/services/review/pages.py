"""What the review pages show: the workspace, the difference, the order page's part.

Reading only: each loads what its page needs after the permission check of access.get_order,
and nothing here writes (the difference before finalising is a snapshot built, not stored).
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal import questionnaires
from portal.models import (
    AnswerReview,
    Order,
    QuestionnaireSnapshot,
    Response,
    Role,
    Upload,
    User,
)
from portal.models.response import SUBMITTED
from portal.questionnaires import label_of, labels
from portal.services import access
from portal.services.review.finalising import build_snapshot
from portal.services.review.rules import chosen_filter, differences, filtered, leaves
from portal.services.review.state import Row, all_rows, known_kind, questionnaire_state
from portal.services.studio.migration_records import Described, described


@dataclass
class Workspace:
    """The review workspace: every answer (or those the filter shows) with its review."""

    order: Order
    kind: str
    title: str
    pages: dict[str, str]  # page key -> title
    rows: list[Row]  # after the filter
    total: int
    done: int  # rows with a status
    filter: str | None
    may_edit: bool
    snapshot: QuestionnaireSnapshot | None
    files: dict[str, str]  # pointer -> file name of an uploaded file answer
    # The moves of the response to newer questionnaire versions, dropped answers included.
    migrations: list[Described] = field(default_factory=list)

    @property
    def progress(self) -> float:
        """Share of the answers that have a status, in [0, 1]."""
        return self.done / self.total if self.total else 1.0


@dataclass
class DiffPage:
    """The difference page: what the call changed, of the snapshot or of its preview."""

    order: Order
    kind: str
    title: str
    snapshot: QuestionnaireSnapshot  # not stored yet (a preview) until finalised
    frozen: bool
    rows: list["DiffRow"]
    files: dict[str, str]


class DiffRow:
    """A difference between submission and final state (iterates as label, original, final,
    status, comment)."""

    __slots__ = ("comment", "final", "label", "node", "original", "pointer", "status")

    def __init__(self, label, original, final, status, comment, pointer="", node=None):
        self.label, self.original, self.final = label, original, final
        self.status, self.comment, self.pointer, self.node = status, comment, pointer, node

    def __iter__(self):
        return iter((self.label, self.original, self.final, self.status, self.comment))


def workspace(
    session: Session,
    actor: User,
    order_id: int,
    kind: str,
    filter: str | None = None,  # noqa: A002 - the name the page's query parameter has
    locale: str = "de",
) -> Workspace:
    """Every visible answer of a submitted questionnaire with its review; `filter` "open"
    (no status yet or an open question) or "changed" narrows the list, progress counts all."""
    order = access.get_order(session, actor, order_id)
    state = questionnaire_state(session, order, known_kind(kind))
    rows = all_rows(session, state, kind, locale)
    chosen = chosen_filter(filter)
    shown = filtered(rows, chosen)
    return Workspace(
        order=order,
        kind=kind,
        title=state.questionnaire.title(locale),
        pages={p.key: p.title(locale) for p in state.questionnaire.pages},
        rows=shown,
        total=len(rows),
        done=sum(r.status is not None for r in rows),
        filter=chosen,
        may_edit=actor.role == Role.PARTNER_STAFF and state.snapshot is None,
        snapshot=state.snapshot,
        files=file_names(session, order, [(r.original, r.final) for r in rows]),
        migrations=described(session, _response(order, kind), locale),
    )


def _response(order: Order, kind: str) -> Response | None:
    return next((r for r in order.responses if r.questionnaire == kind), None)


def file_names(session: Session, order: Order, values) -> dict[str, str]:
    """Uploaded file answers ("upload:<id>") of this order -> their file names."""
    ids = {
        int(v.removeprefix("upload:"))
        for pair in values
        for v in pair
        if isinstance(v, str) and v.startswith("upload:") and v.removeprefix("upload:").isdigit()
    }
    if not ids:
        return {}
    found = session.execute(
        select(Upload.id, Upload.filename)
        .join(Response, Upload.response_id == Response.id)
        .where(Upload.id.in_(ids), Response.order_id == order.id)
    )
    return {f"upload:{upload_id}": name for upload_id, name in found}


def diff_page(
    session: Session, actor: User, order_id: int, kind: str, locale: str = "de"
) -> DiffPage:
    """The differences between submission and final state: of the frozen snapshot once
    finalised, before that of the snapshot finalising now would create (not stored)."""
    order = access.get_order(session, actor, order_id)
    state = questionnaire_state(session, order, known_kind(kind))
    snap = state.snapshot
    if snap is None:
        snap = build_snapshot(session, state, kind, all_rows(session, state, kind, locale), actor)
    rows = diff(session, snap, locale)
    return DiffPage(
        order=order,
        kind=kind,
        title=state.questionnaire.title(locale),
        snapshot=snap,
        frozen=state.snapshot is not None,
        rows=rows,
        files=file_names(session, order, [(r.original, r.final) for r in rows]),
    )


def diff(session: Session, snap: QuestionnaireSnapshot, locale: str = "de") -> list[DiffRow]:
    """What changed between the customer's submission and the final state, in form order."""
    questionnaire = questionnaires.get(session, snap.questionnaire, snap.schema_version)
    names = labels(questionnaire, locale)
    return [
        DiffRow(
            label_of(pointer, names),
            review.get("original"),
            review.get("final"),
            review.get("status"),
            review.get("comment") or "",
            pointer,
            questionnaire.node(pointer),
        )
        for pointer, review in differences(questionnaire, snap.reviews)
    ]


@dataclass(frozen=True)
class SectionRow:
    """The order page's line of one questionnaire: submitted, review progress, frozen."""

    kind: str
    submitted: bool
    total: int
    done: int
    snapshot: QuestionnaireSnapshot | None

    @property
    def progress(self) -> float:
        """Share of the answers that have a status, in [0, 1]."""
        return self.done / self.total if self.total else 1.0


def order_section(session: Session, order: Order) -> list[SectionRow]:
    """Per questionnaire of an order (the caller may see): review progress and frozen state.

    Two queries: the review statuses and the snapshots of the order.
    """
    statuses: dict[str, set[str]] = {}
    for kind, pointer in session.execute(
        select(AnswerReview.questionnaire, AnswerReview.pointer).where(
            AnswerReview.order_id == order.id
        )
    ):
        statuses.setdefault(kind, set()).add(pointer)
    snaps: dict[str, QuestionnaireSnapshot] = {}
    for snap in session.scalars(
        select(QuestionnaireSnapshot)
        .where(QuestionnaireSnapshot.order_id == order.id)
        .options(joinedload(QuestionnaireSnapshot.finalised_by))
        .order_by(QuestionnaireSnapshot.version)
    ):
        snaps[snap.questionnaire] = snap
    stored = {r.questionnaire: r for r in order.responses}
    context = questionnaires.context_of(order)
    out = []
    for kind in questionnaires.KINDS:
        snap, response = snaps.get(kind), stored.get(kind)
        if snap is not None:
            total = len(snap.reviews)
            out.append(SectionRow(kind, True, total, total, snap))
            continue
        if response is None or response.status != SUBMITTED:
            out.append(SectionRow(kind, False, 0, 0, None))
            continue
        questionnaire = questionnaires.get(session, kind, response.schema_version)
        pointers = [p for p, _n, _v in leaves(questionnaire, response.data, context)]
        done = len(statuses.get(kind, set()).intersection(pointers))
        out.append(SectionRow(kind, True, len(pointers), done, None))
    return out

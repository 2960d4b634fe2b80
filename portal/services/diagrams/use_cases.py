"""Use cases of the data flow diagram (step 6): see it, edit it, download it, save a version.

Anyone who may see the order sees the diagram; the IT architect and the technician edit it
until the protocol is approved. Every save is a new DataFlowDiagram version.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal import audit
from portal.models import DataFlowDiagram, Order, Role, User
from portal.process import completion
from portal.services import access, responses
from portal.services.diagrams.drawing import render
from portal.services.diagrams.prefill import prefill
from portal.services.diagrams.rows import Draft, validate
from portal.services.errors import Conflict, Forbidden, NotFound

EDITORS = (Role.IT_ARCHITECT, Role.TECHNICIAN)
APPROVE = "approve_protocol"


@dataclass(frozen=True)
class Page:
    """The diagram page: the versions (newest first), the SVG shown, what the editor starts from."""

    order: Order
    versions: list[DataFlowDiagram]
    may_edit: bool
    draft: Draft | None  # the current version's rows, else (for editors) the prefill
    svg: str | None

    @property
    def current(self) -> DataFlowDiagram | None:
        """The newest version, or None before the first save."""
        return self.versions[0] if self.versions else None


@dataclass(frozen=True)
class Section:
    """The order page's card: the current version's number and time, if any."""

    version: int | None
    saved_at: datetime | None
    may_edit: bool


@dataclass(frozen=True)
class Download:
    """An SVG file to send: its text and its file name."""

    text: str
    filename: str


def may_edit(actor: User) -> bool:
    """Whether the actor's role draws diagrams (the IT architect and the technician)."""
    return actor.role in EDITORS


def _approved(order: Order) -> bool:
    return completion(order, APPROVE) is not None


def _editable_order(session: Session, actor: User, order_id: int, attempted: str) -> Order:
    order = access.get_order(session, actor, order_id)
    if not may_edit(actor):
        raise Forbidden(
            _("Nur der IT-Architekt und der Techniker bearbeiten das Datenflussdiagramm.")
        )
    if _approved(order):
        refusal = Conflict(
            _("Das Protokoll ist freigegeben; das Datenflussdiagramm ist damit festgeschrieben.")
        )
        audit.refuse(session, actor, refusal, "diagram", "order", order.id, attempted=attempted)
    return order


def _versions(session: Session, order: Order) -> list[DataFlowDiagram]:
    return list(
        session.scalars(
            select(DataFlowDiagram)
            .where(DataFlowDiagram.order_id == order.id)
            .options(joinedload(DataFlowDiagram.created_by))
            .order_by(DataFlowDiagram.version.desc())
        )
    )


def latest(session: Session, order: Order) -> DataFlowDiagram | None:
    """The order's current (highest) version, or None; no permission check."""
    return session.scalar(
        select(DataFlowDiagram)
        .where(DataFlowDiagram.order_id == order.id)
        .order_by(DataFlowDiagram.version.desc())
        .limit(1)
    )


def current(session: Session, actor: User, order_id: int) -> DataFlowDiagram | None:
    """The current version of an order's diagram for anyone who may see the order, or None."""
    return latest(session, access.get_order(session, actor, order_id))


# ---------------------------------------------------------------- see


def page(session: Session, actor: User, order_id: int) -> Page:
    """The diagram page: the current SVG and the versions; for editors also the editor's rows."""
    order = access.get_order(session, actor, order_id)
    versions = _versions(session, order)
    editable = may_edit(actor) and not _approved(order)
    draft, svg = None, None
    if versions:
        draft = Draft(versions[0].systems, versions[0].flows)
        svg = render(order, draft.systems, draft.flows, versions[0].version)
    elif editable:
        response = responses.find(session, order, "technical")
        draft = prefill(order, response.data if response else None)
        svg = render(order, draft.systems, draft.flows, None)
    return Page(order, versions, editable, draft, svg)


def editor(session: Session, actor: User, order_id: int) -> Page:
    """The diagram page for someone about to edit it; refuses everyone else."""
    _editable_order(session, actor, order_id, "edit")
    return page(session, actor, order_id)


def download(session: Session, actor: User, order_id: int, version: int | None = None) -> Download:
    """The SVG of the current (or the given) version, for anyone who may see the order."""
    order = access.get_order(session, actor, order_id)
    if version is None:
        row = latest(session, order)
    else:
        row = session.scalar(
            select(DataFlowDiagram).where(
                DataFlowDiagram.order_id == order.id, DataFlowDiagram.version == version
            )
        )
    if row is None:
        raise NotFound(_("Zu dieser Bestellung gibt es diese Version des Diagramms nicht."))
    return Download(
        render(order, row.systems, row.flows, row.version),
        f"{order.short_code}-datenflussdiagramm-v{row.version}.svg",
    )


def order_section(session: Session, actor: User, order: Order) -> Section:
    """The order page's card for the signed-in user; one query."""
    row = session.execute(
        select(DataFlowDiagram.version, DataFlowDiagram.created_at)
        .where(DataFlowDiagram.order_id == order.id)
        .order_by(DataFlowDiagram.version.desc())
        .limit(1)
    ).first()
    return Section(row.version if row else None, row.created_at if row else None, may_edit(actor))


# ---------------------------------------------------------------- save


def save(
    session: Session,
    actor: User,
    order_id: int,
    systems: list[dict],
    flows: list[dict],
    base_version: int | None = None,
) -> DataFlowDiagram:
    """Save the diagram as a new version; `base_version` is the version the editor started from."""
    order = _editable_order(session, actor, order_id, "save")
    draft = validate(systems, flows)
    newest = latest(session, order)
    number = newest.version if newest else 0
    if base_version is not None and base_version != number:
        raise Conflict(
            _(
                "Inzwischen hat %(who)s Version %(n)d gespeichert (oben zu sehen). Ihre Eingaben sind unten erhalten; Speichern legt sie als neue Version an.",
                who=newest.created_by.name if newest else "?",
                n=number,
            )
        )
    row = DataFlowDiagram(
        order_id=order.id,
        version=number + 1,
        systems=draft.systems,
        flows=draft.flows,
        created_by_id=actor.id,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            _("Das Diagramm wurde gerade von jemand anderem gespeichert; bitte neu laden.")
        ) from None
    audit.record(
        session,
        actor,
        "diagram.save",
        "data_flow_diagram",
        row.id,
        order_id=order.id,
        version=row.version,
        systems=len(draft.systems),
        flows=len(draft.flows),
    )
    session.commit()
    return row

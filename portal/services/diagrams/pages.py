"""What the diagram pages show: the page with its versions, the SVG download, the order's card.

The read side of step 6: anyone who may see the order sees the diagram; the editor starts
from the current version's rows or, before the first save, from the prefill.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import DataFlowDiagram, Order, User
from portal.services import access, responses
from portal.services.diagrams.drawing import render
from portal.services.diagrams.editing import editable_order, frozen, latest, may_edit
from portal.services.diagrams.prefill import prefill
from portal.services.diagrams.rows import Draft
from portal.services.errors import NotFound


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


def _versions(session: Session, order: Order) -> list[DataFlowDiagram]:
    return list(
        session.scalars(
            select(DataFlowDiagram)
            .where(DataFlowDiagram.order_id == order.id)
            .options(joinedload(DataFlowDiagram.created_by))
            .order_by(DataFlowDiagram.version.desc())
        )
    )


def current(session: Session, actor: User, order_id: int) -> DataFlowDiagram | None:
    """The current version of an order's diagram for anyone who may see the order, or None."""
    return latest(session, access.get_order(session, actor, order_id))


def page(session: Session, actor: User, order_id: int) -> Page:
    """The diagram page: the current SVG and the versions; for editors also the editor's rows."""
    order = access.get_order(session, actor, order_id)
    versions = _versions(session, order)
    editable = may_edit(actor) and not frozen(order)
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
    editable_order(session, actor, order_id, "edit")
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

"""Who edits the data flow diagram, its newest version, and save(): a new version per save.

The IT architect and the technician edit the diagram until the protocol is approved; from then
on it is frozen. Every save is a new DataFlowDiagram version, audited.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import DataFlowDiagram, Order, Role, User
from portal.process import completion
from portal.services import access
from portal.services.diagrams.rows import validate
from portal.services.errors import Conflict, Forbidden

EDITORS = (Role.IT_ARCHITECT, Role.TECHNICIAN)
APPROVE = "approve_protocol"


def may_edit(actor: User) -> bool:
    """Whether the actor's role draws diagrams (the IT architect and the technician)."""
    return actor.role in EDITORS


def frozen(order: Order) -> bool:
    """Whether the approved protocol has fixed the diagram: nobody edits it any more."""
    return completion(order, APPROVE) is not None


def editable_order(session: Session, actor: User, order_id: int, attempted: str) -> Order:
    """The order whose diagram the actor may edit now; refuses (and audits) everyone else."""
    order = access.get_order(session, actor, order_id)
    if not may_edit(actor):
        raise Forbidden(
            _("Nur der IT-Architekt und der Techniker bearbeiten das Datenflussdiagramm.")
        )
    if frozen(order):
        refusal = Conflict(
            _("Das Protokoll ist freigegeben; das Datenflussdiagramm ist damit festgeschrieben.")
        )
        audit.refuse(session, actor, refusal, "diagram", "order", order.id, attempted=attempted)
    return order


def latest(session: Session, order: Order) -> DataFlowDiagram | None:
    """The order's current (highest) version, or None; no permission check."""
    return session.scalar(
        select(DataFlowDiagram)
        .where(DataFlowDiagram.order_id == order.id)
        .order_by(DataFlowDiagram.version.desc())
        .limit(1)
    )


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
    order = editable_order(session, actor, order_id, "save")
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

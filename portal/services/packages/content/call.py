"""The setup call in the package: its participants, the approved protocol, and the cover page."""

from flask_babel import format_date, format_time
from flask_babel import lazy_gettext as _l

from portal.models import Order, Protocol, SetupCall
from portal.services import protocol as protocols
from portal.services.packages.content.document import (
    Cover,
    OpenPoint,
    Person,
    ProtocolPart,
    Service,
)
from portal.services.packages.content.formats import iso_date, moment, quantity

LICENSE_MODELS = {"rent": _l("Miete"), "purchase": _l("Kauf")}
DEPLOYMENTS = {"on_premises": _l("On-premises"), "cp_cloud": _l("CP Cloud")}


def person(order: Order, participant) -> Person | None:
    """A call participant: a staff user (organisation, role) or a customer contact."""
    if participant.user is not None:
        user = participant.user
        return Person(user.name, user.organisation.name, protocols.role_label(user.role))
    if participant.contact is not None:
        contact = participant.contact
        return Person(contact.name, order.customer_name, contact.role or "")
    return None


def protocol_part(order: Order, protocol: Protocol, language: str) -> ProtocolPart:
    """The approved protocol as printed: dates in the document's language, hash in full."""
    return ProtocolPart(
        held_on=format_date(protocol.held_on, "long") if protocol.held_on else "",
        attendees=tuple(
            Person(
                a.get("name", ""),
                a.get("organisation", ""),
                protocols.role_label(a.get("role") or ""),
            )
            for a in protocol.attendees
        ),
        topics=protocol.topics,
        decisions=protocol.decisions,
        open_points=tuple(
            OpenPoint(
                p.get("text", ""),
                p.get("owner", ""),
                iso_date(p.get("due") or ""),
            )
            for p in protocol.open_points
        ),
        services=tuple(
            Service(
                s.get("name_en") if language == "en" and s.get("name_en") else s.get("name", ""),
                quantity(str(s.get("quantity", ""))),
                s.get("unit", ""),
            )
            for s in protocol.services
        ),
        approved_by=protocol.approved_by.name if protocol.approved_by else "",
        approved_on=moment(protocol.approved_at) if protocol.approved_at else "",
        content_hash=protocol.content_hash or "",
    )


def cover(order: Order, call: SetupCall | None, part: ProtocolPart) -> Cover:
    """The cover: customer, order, the call's date and participants, the approval."""
    participants = [person(order, p) for p in call.participants] if call else []
    return Cover(
        customer=order.customer_name,
        code=order.short_code,
        license_model=str(LICENSE_MODELS.get(order.license_model, order.license_model)),
        deployment=str(DEPLOYMENTS.get(order.deployment, order.deployment)),
        call_on=f"{format_date(call.starts_at, 'full')}, {format_time(call.starts_at, 'short')}"
        if call
        else part.held_on,
        participants=tuple(p for p in participants if p is not None),
        approved_by=part.approved_by,
        approved_on=part.approved_on,
    )

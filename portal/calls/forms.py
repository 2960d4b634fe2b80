"""Reading the booking page's requests: the participant choice, the call's details, a contact.

Only the participant choice is coerced here (ids, a duration on offer); every other value comes
as typed, and what it must be is checked once, by the use cases (portal.services.calls). Their
refusals are flashed rather than shown at a field, so no WTForms class is needed here.
"""

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.models import CustomerContact, Role, User
from portal.services.calls import Invitee
from portal.services.calls.rules import DURATIONS


@dataclass
class Choice:
    """What the booking page shows as chosen; also rebuilds the query string."""

    architect: int | None
    technician: int | None
    contacts: list[int]
    optional: set[str]  # "architect", "technician", "me", "contact-<id>"
    duration: int

    def invitees(self, order, me: User) -> list[Invitee]:
        """The participants: the order's project lead, the booking partner, the chosen others."""
        people = [
            Invitee(user_id=order.project_lead_id),
            Invitee(user_id=me.id, required="me" not in self.optional),
        ]
        for key in ("architect", "technician"):
            if (user_id := getattr(self, key)) is not None:
                people.append(Invitee(user_id=user_id, required=key not in self.optional))
        people += [
            Invitee(contact_id=c, required=f"contact-{c}" not in self.optional)
            for c in self.contacts
        ]
        return people

    def query(self) -> dict:
        """The choice as URL parameters."""
        return {
            "architect": self.architect or "",
            "technician": self.technician or "",
            "contact": self.contacts,
            "optional": sorted(self.optional),
            "duration": self.duration,
        }


@dataclass(frozen=True)
class CallFields:
    """The booking or offer form's time(s) and the call's details, as typed."""

    start: str
    offered: list[str]
    location: str
    video_url: str
    agenda: str

    def details(self) -> dict[str, str]:
        """Location, video link and agenda as the use cases take them."""
        return {"location": self.location, "video_url": self.video_url, "agenda": self.agenda}


def call_fields(form: MultiDict) -> CallFields:
    """The time to book (`start`), the times to offer (`offer`, one per ticked box), the details."""
    return CallFields(
        start=form.get("start", ""),
        offered=form.getlist("offer"),
        location=form.get("location", ""),
        video_url=form.get("video_url", ""),
        agenda=form.get("agenda", ""),
    )


def took_place_start(form: MultiDict) -> str:
    """The day and time (Europe/Berlin) the call really took place, as one ISO text ("" if not
    both given: the use case refuses it as an invalid time)."""
    day, clock = form.get("day", "").strip(), form.get("time", "").strip()
    return f"{day}T{clock}" if day and clock else ""


def contact_fields(form: MultiDict) -> dict[str, str]:
    """A new customer contact as typed; add_contact tidies and checks it."""
    return {
        "name": form.get("name", ""),
        "email": form.get("email", ""),
        "phone": form.get("phone", ""),
        "role": form.get("role", ""),
        "language": form.get("language", "de"),
    }


def contact_ids(form: MultiDict) -> list[int]:
    """The contacts ticked to receive fresh links."""
    return [int(v) for v in form.getlist("contact") if v.isdigit()]


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def read_choice(values, session, order) -> Choice:
    """The choice in request args or form; defaults: first architect and technician, all contacts."""
    if "duration" not in values:
        return Choice(
            architect=_first(session, Role.IT_ARCHITECT),
            technician=_first(session, Role.TECHNICIAN),
            contacts=[c.id for c in contacts_of(session, order)],
            optional=set(),
            duration=60,
        )
    duration = _int(values.get("duration")) or 60
    return Choice(
        architect=_int(values.get("architect")),
        technician=_int(values.get("technician")),
        contacts=[i for i in (_int(v) for v in values.getlist("contact")) if i],
        optional=set(values.getlist("optional")),
        duration=duration if duration in DURATIONS else 60,
    )


def _first(session, role) -> int | None:
    return session.scalar(
        select(User.id).where(User.role == role, User.active.is_(True)).order_by(User.name).limit(1)
    )


def staff(session, role) -> list[User]:
    """Active users of a role, by name, for the selects."""
    return list(
        session.scalars(
            select(User).where(User.role == role, User.active.is_(True)).order_by(User.name)
        )
    )


def contacts_of(session, order) -> list[CustomerContact]:
    """The customer's contacts, by name."""
    if order.customer_id is None:
        return []
    return list(
        session.scalars(
            select(CustomerContact)
            .where(CustomerContact.customer_id == order.customer_id)
            .order_by(CustomerContact.name)
        )
    )

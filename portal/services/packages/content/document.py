"""The package's content as plain data: what templates/package/pdf.html prints, part by part.

Frozen dataclasses only; the builders beside this module fill them from the frozen sources.
"""

from dataclasses import dataclass, field
from typing import ClassVar

from flask_babel import lazy_gettext as _l

from portal.models.review import ACCEPTED, CHANGED, OPEN
from portal.services.packages.content.chunks import chunks
from portal.services.packages.content.table_widths import NUMBER_COLUMN

STATUS_LABELS = {
    ACCEPTED: _l("übernommen"),
    CHANGED: _l("im Call geändert"),
    OPEN: _l("offene Frage"),
}


def status_text(status: str | None) -> str:
    """A review status in the document's language; "" for none (a question not asked)."""
    label = STATUS_LABELS.get(status or "")
    return str(label) if label is not None else ""


@dataclass(frozen=True)
class Person:
    """A participant as the package names them: name, organisation, role."""

    name: str
    organisation: str
    role: str


@dataclass(frozen=True)
class Answer:
    """One question: the final answer as text ("" for none), its review, and the customer's
    answer when the call changed it."""

    kind: ClassVar[str] = "answer"
    label: str
    text: str
    status: str
    comment: str = ""
    original: str | None = None
    path: str = ""  # the label with its fieldsets and entry number, for the summaries

    @property
    def status_text(self) -> str:
        """The review status in the document's language."""
        return status_text(self.status)


@dataclass(frozen=True)
class Cell:
    """One answer in a row of a repeating group; status None: not asked in this row."""

    text: str
    status: str | None

    @property
    def status_text(self) -> str:
        """The review status in the document's language."""
        return status_text(self.status)


@dataclass(frozen=True)
class Table:
    """A repeating group: one row per entry; answers changed, open or commented come as notes."""

    kind: ClassVar[str] = "table"
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[Answer, ...]
    widths: tuple[float, ...] = ()  # per column, in percent of the table, after the number

    @property
    def number_width(self) -> float:
        """The entry number column's width, in percent."""
        return NUMBER_COLUMN

    @property
    def chunks(self) -> tuple[tuple[tuple[int, tuple[Cell, ...]], ...], ...]:
        """The numbered rows in pieces of at most CHUNK_ROWS: one short table each."""
        return chunks(self.rows)


@dataclass(frozen=True)
class Group:
    """A fieldset: a heading over its questions."""

    kind: ClassVar[str] = "group"
    label: str
    items: tuple["Answer | Group | Table", ...]


@dataclass(frozen=True)
class Page:
    """A questionnaire page: its title and what it asks, in order."""

    title: str
    items: tuple[Answer | Group | Table, ...]


@dataclass(frozen=True)
class Questionnaire:
    """A finalised questionnaire as documented: per page its questions, and what the call
    changed or left open."""

    kind: str
    title: str
    snapshot_version: int
    schema_version: int
    finalised_on: str
    finalised_by: str
    content_hash: str
    pages: tuple[Page, ...]
    changed: tuple[Answer, ...]
    open: tuple[Answer, ...]
    total: int
    # Moves to newer questionnaire versions before submission, with the answers they dropped.
    migrations: tuple["Migration", ...] = ()


@dataclass(frozen=True)
class Migration:
    """The customer's answers moved from one questionnaire version to the next; the answers the
    newer one no longer asks, with the customer's values."""

    from_version: int
    to_version: int
    applied_on: str
    dropped: tuple[Answer, ...]


@dataclass(frozen=True)
class Diagram:
    """A diagram version as an inline vector image, sized for an upright or a landscape page."""

    version: int
    source: str
    width_px: int
    height_px: int
    landscape: bool


@dataclass(frozen=True)
class OpenPoint:
    """An open point of the protocol: what, who, by when."""

    text: str
    owner: str
    due: str


@dataclass(frozen=True)
class Service:
    """A service the protocol agreed on: name, quantity, unit."""

    name: str
    quantity: str
    unit: str


@dataclass(frozen=True)
class ProtocolPart:
    """The approved protocol as printed."""

    held_on: str
    attendees: tuple[Person, ...]
    topics: str
    decisions: str
    open_points: tuple[OpenPoint, ...]
    services: tuple[Service, ...]
    approved_by: str
    approved_on: str
    content_hash: str


@dataclass(frozen=True)
class Cover:
    """The cover page: customer, order, the call and its participants, the approval."""

    customer: str
    code: str
    license_model: str
    deployment: str
    call_on: str
    participants: tuple[Person, ...]
    approved_by: str
    approved_on: str


@dataclass(frozen=True)
class Content:
    """Everything templates/package/pdf.html prints."""

    title: str
    header: str
    cover: Cover
    diagram: Diagram | None
    questionnaires: tuple[Questionnaire, ...] = field(default=())
    protocol: ProtocolPart | None = None

"""What the documentation package shows, as plain data for templates/package/pdf.html.

Everything comes from frozen sources: the questionnaire snapshots, one diagram version, the
approved protocol and the call's participants. Nothing here reads a clock or a counter, so the
same sources give the same text, and the PDF (reportlab's invariant mode) the same bytes.
Call the builders under force_locale(language): labels, numbers and dates follow it.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, ClassVar

from flask_babel import format_date, format_decimal, format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.pdfbase.ttfonts import TTFont

import forms_schema
from forms_schema.data import same
from portal import pdf, questionnaires
from portal.filters import answer
from portal.models import Order, Protocol, QuestionnaireSnapshot, SetupCall
from portal.models.review import ACCEPTED, CHANGED, OPEN
from portal.services import protocol as protocols

STATUS_LABELS = {
    ACCEPTED: _l("übernommen"),
    CHANGED: _l("im Call geändert"),
    OPEN: _l("offene Frage"),
}
LICENSE_MODELS = {"rent": _l("Miete"), "purchase": _l("Kauf")}
DEPLOYMENTS = {"on_premises": _l("On-premises"), "cp_cloud": _l("CP Cloud")}
# What an A4 page of pdf/layout.html leaves for the diagram below its heading, in points,
# upright and across (the orientation that draws it larger wins); a unit is at most 1 pt.
PORTRAIT, LANDSCAPE, DIAGRAM_MAX_SCALE = (493.0, 640.0), (739.0, 400.0), 1.0
PX = 0.75  # xhtml2pdf reads an <img>'s width and height attributes as CSS pixels
# A table of a repeating group (templates/package/pdf.html): the entry number's share of the
# width in percent, the points the columns share, their type sizes (header bold), the cell
# padding, and the widest a word or a line may ask for before it breaks or wraps.
NUMBER_COLUMN, TABLE_WIDTH = 4.0, 473.0
HEAD_PT, CELL_PT, PADDING_PT, WORD_MAX_PT, LINE_MAX_PT = 7.0, 8.0, 8.5, 120.0, 150.0
_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


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
        label = STATUS_LABELS.get(self.status)
        return str(label) if label is not None else ""


@dataclass(frozen=True)
class Cell:
    """One answer in a row of a repeating group; status None: not asked in this row."""

    text: str
    status: str | None

    @property
    def status_text(self) -> str:
        """The review status in the document's language."""
        label = STATUS_LABELS.get(self.status or "")
        return str(label) if label is not None else ""


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


@dataclass(frozen=True)
class Group:
    """A fieldset: a heading over its questions."""

    kind: ClassVar[str] = "group"
    label: str
    items: tuple["Answer | Group | Table", ...]


@dataclass(frozen=True)
class Page:
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
    text: str
    owner: str
    due: str


@dataclass(frozen=True)
class Service:
    name: str
    quantity: str
    unit: str


@dataclass(frozen=True)
class ProtocolPart:
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


# ---------------------------------------------------------------- answers as text


def answer_text(value: Any, node: forms_schema.Node | None, files: dict[str, str]) -> str:
    """An answer as the package prints it; "" for no answer, file uploads by their name."""
    if value is None or value == "" or value == []:
        return ""
    if node is not None and node.widget == "file":
        return files.get(str(value), _("hochgeladene Datei"))
    if node is not None and node.widget == "date" and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), "medium")
        except ValueError:
            return value
    return answer(value, node)


def moment(value) -> str:
    """A point in time in Europe/Berlin: date and hours:minutes, in the current language."""
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


def person(order: Order, participant) -> Person | None:
    """A call participant: a staff user (organisation, role) or a customer contact."""
    if participant.user is not None:
        user = participant.user
        return Person(user.name, user.organisation.name, protocols.role_label(user.role))
    if participant.contact is not None:
        contact = participant.contact
        return Person(contact.name, order.customer_name, contact.role or "")
    return None


# ---------------------------------------------------------------- questionnaires


@dataclass
class _Reader:
    """Reads a snapshot's answers: visibility and rows as submitted, values as reviewed."""

    definition: forms_schema.Questionnaire
    shown: set[str]
    reviews: dict[str, Any]
    names: dict[str, str]
    files: dict[str, str]
    locale: str

    def answer(self, node, pointer: str, value: Any, label: str) -> Answer:
        review = self.reviews.get(pointer) or {}
        final, original = review.get("final", value), review.get("original", value)
        status = review.get("status") or ""
        changed = status == CHANGED or not same(original, final)
        return Answer(
            label=label,
            text=answer_text(final, node, self.files),
            status=status,
            comment=review.get("comment") or "",
            original=answer_text(original, node, self.files) if changed else None,
            path=questionnaires.label_of(pointer, self.names),
        )

    def items(self, nodes, base: str, value: Any) -> list[Answer | Group | Table]:
        found: list[Answer | Group | Table] = []
        for node in nodes:
            pointer = f"{base}/{node.key}"
            if pointer not in self.shown:
                continue
            here = value.get(node.key) if isinstance(value, dict) else None
            label = node.label(self.locale)
            if node.kind == "group":
                found.append(Group(label, tuple(self.items(node.children, pointer, here))))
            elif node.kind == "repeat":
                found.append(self.table(node, pointer, here))
            else:
                found.append(self.answer(node, pointer, here, label))
        return found

    def table(self, node, pointer: str, value: Any) -> Table:
        entries = value if isinstance(value, list) else []
        columns = _columns(node.children, "", self.locale)
        rows, notes = [], []
        for index, entry in enumerate(entries):
            cells = []
            for suffix, child, _label in columns:
                concrete = f"{pointer}/{index}{suffix}"
                if concrete not in self.shown:
                    cells.append(Cell("", None))
                    continue
                item = self.answer(
                    child,
                    concrete,
                    forms_schema.get(entry, suffix),
                    questionnaires.label_of(concrete, self.names),
                )
                cells.append(Cell(item.text, item.status))
                if item.status != ACCEPTED or item.comment:
                    notes.append(item)
            rows.append(cells)
        # Columns no entry asks (a file format where every source is ODBC) are left out.
        used = [i for i in range(len(columns)) if any(row[i].status for row in rows)]
        labels = tuple(columns[i][2] for i in used)
        kept = tuple(tuple(row[i] for i in used) for row in rows)
        return Table(node.label(self.locale), labels, kept, tuple(notes), _widths(labels, kept))


@cache
def _font(bold: bool) -> TTFont:
    regular, bold_file, _italic = pdf.FAMILIES["Body"]
    return TTFont("PackageMeasure", str(pdf.FONTS_DIR / (bold_file if bold else regular)))


def _width(text: str, bold: bool) -> float:
    return _font(bold).stringWidth(text, HEAD_PT if bold else CELL_PT)


def _widths(labels: tuple[str, ...], rows) -> tuple[float, ...]:
    """Column widths in percent, much as a browser's automatic table layout chooses them: each
    column gets its widest word (longer ones break), and the space left goes to the columns
    whose answers would otherwise wrap, in proportion to how much wider they would be."""
    least, wanted = [], []
    for index, label in enumerate(labels):
        pieces = [(label, True), *((row[index].text, False) for row in rows)]
        word = max(_width(w, bold) for text, bold in pieces for w in text.split() or [""])
        # A heading may wrap at its spaces: it asks for half its length, answers for all of it.
        line = max(
            (_width(x, False) for text, _bold in pieces[1:] for x in text.splitlines()),
            default=0.0,
        )
        line = max(line, _width(label, True) / 2)
        least.append(min(word, WORD_MAX_PT) + PADDING_PT)
        wanted.append(max(least[-1], min(line, LINE_MAX_PT) + PADDING_PT))
    spare = TABLE_WIDTH - sum(least)
    extra = sum(wanted) - sum(least)
    if spare <= 0:
        points = [m * TABLE_WIDTH / sum(least) for m in least]
    elif extra <= 0:
        points = [m + spare / len(least) for m in least]
    else:
        points = [m + spare * (w - m) / extra for w, m in zip(wanted, least, strict=True)]
    share = (100 - NUMBER_COLUMN) / TABLE_WIDTH
    return tuple(round(p * share, 1) for p in points)


def _columns(nodes, prefix: str, locale: str, heading: str = "") -> list[tuple[str, Any, str]]:
    """(pointer suffix, node, label) of a repeating group's answers; fieldsets are opened up."""
    out = []
    for node in nodes:
        label = f"{heading} › {node.label(locale)}" if heading else node.label(locale)
        if node.kind == "group":
            out += _columns(node.children, f"{prefix}/{node.key}", locale, label)
        else:
            out.append((f"{prefix}/{node.key}", node, label))
    return out


def _flatten(items) -> list[Answer]:
    out: list[Answer] = []
    for item in items:
        if isinstance(item, Group):
            out += _flatten(item.items)
        elif isinstance(item, Table):
            out += item.notes
        else:
            out.append(item)
    return out


def questionnaire(
    snapshot: QuestionnaireSnapshot,
    context: dict[str, Any],
    files: dict[str, str],
    finalised_by: str,
    locale: str,
) -> Questionnaire:
    """A finalised questionnaire's pages with every question the customer was asked."""
    definition = questionnaires.get(snapshot.questionnaire, snapshot.schema_version)
    reader = _Reader(
        definition,
        definition.visible(snapshot.original, context),
        snapshot.reviews,
        questionnaires.labels(definition, locale),
        files,
        locale,
    )
    by_page: dict[str, list[Answer | Group | Table]] = {}
    for node in definition.nodes():
        by_page.setdefault(node.page, []).extend(reader.items([node], "", snapshot.original))
    pages = tuple(
        Page(page.title(locale), tuple(by_page[page.key]))
        for page in definition.pages
        if by_page.get(page.key)
    )
    everything = [a for page in pages for a in _flatten(page.items)]
    return Questionnaire(
        kind=snapshot.questionnaire,
        title=definition.title(locale),
        snapshot_version=snapshot.version,
        schema_version=snapshot.schema_version,
        finalised_on=moment(snapshot.finalised_at),
        finalised_by=finalised_by,
        content_hash=snapshot.content_hash,
        pages=pages,
        changed=tuple(a for a in everything if a.status == CHANGED),
        open=tuple(a for a in everything if a.status == OPEN),
        total=len(snapshot.reviews),
    )


# ---------------------------------------------------------------- diagram, protocol, cover


def diagram(version: int, svg: str) -> Diagram:
    """Our own SVG of a diagram version, as large as the page allows, upright or across."""
    found = _VIEWBOX.search(svg)
    width, height = (float(found.group(1)), float(found.group(2))) if found else (1.0, 1.0)
    upright, across = (
        min(w / width, h / height, DIAGRAM_MAX_SCALE) for w, h in (PORTRAIT, LANDSCAPE)
    )
    scale = max(upright, across)
    return Diagram(
        version,
        pdf.svg_data_uri(svg),
        round(width * scale / PX),
        round(height * scale / PX),
        landscape=across > upright,
    )


def _quantity(raw: str) -> str:
    try:
        value = float(raw)
    except ValueError:
        return raw
    return format_decimal(value)


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
                _iso_date(p.get("due") or ""),
            )
            for p in protocol.open_points
        ),
        services=tuple(
            Service(
                s.get("name_en") if language == "en" and s.get("name_en") else s.get("name", ""),
                _quantity(str(s.get("quantity", ""))),
                s.get("unit", ""),
            )
            for s in protocol.services
        ),
        approved_by=protocol.approved_by.name if protocol.approved_by else "",
        approved_on=moment(protocol.approved_at) if protocol.approved_at else "",
        content_hash=protocol.content_hash or "",
    )


def _iso_date(raw: str) -> str:
    try:
        return format_date(date.fromisoformat(raw), "medium")
    except ValueError:
        return raw


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

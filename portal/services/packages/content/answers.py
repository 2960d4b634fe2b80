"""A finalised questionnaire as the package documents it: pages, tables, and what the call changed.

Visibility and the rows of repeating groups come from the snapshot as submitted; the values
from the review, so the package shows the final answer and, where the call changed it, the
customer's own.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

import forms_schema
from forms_schema.data import same
from portal import questionnaires
from portal.models import QuestionnaireSnapshot, Response
from portal.models.review import ACCEPTED, CHANGED, OPEN
from portal.services.packages.content.document import (
    Answer,
    Cell,
    Group,
    Migration,
    Page,
    Questionnaire,
    Table,
)
from portal.services.packages.content.formats import answer_text, moment
from portal.services.packages.content.table_widths import widths
from portal.services.studio.migration_records import described


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
        return Table(node.label(self.locale), labels, kept, tuple(notes), widths(labels, kept))


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
    session,
    snapshot: QuestionnaireSnapshot,
    context: dict[str, Any],
    files: dict[str, str],
    finalised_by: str,
    locale: str,
) -> Questionnaire:
    """A finalised questionnaire's pages with every question the customer was asked."""
    definition = questionnaires.get(session, snapshot.questionnaire, snapshot.schema_version)
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
        migrations=_migrations(session, snapshot, locale),
    )


def _migrations(session, snapshot: QuestionnaireSnapshot, locale: str) -> tuple[Migration, ...]:
    """The response's moves to newer versions (records written before it was submitted)."""
    response = session.scalar(
        select(Response).where(
            Response.order_id == snapshot.order_id,
            Response.questionnaire == snapshot.questionnaire,
        )
    )
    return tuple(
        Migration(
            m.from_version,
            m.to_version,
            moment(m.applied_at),
            tuple(Answer(label=d.label, text=d.text, status="", path=d.label) for d in m.dropped),
        )
        for m in described(session, response, locale)
    )

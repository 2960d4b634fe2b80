"""The answers to one questionnaire kind across the orders the actor may see, as a table.

One row per response: order short code, customer, status, version, submitted at, then one
column per leaf question identity (columns.answer_columns). The values are the customer's own
answers as saved, without answers to questions the rules hide: choices and yes/no by their label
in the actor's language, dates as ISO text, uploads by their file name, numbers as numbers. A
field in a repeating group is one column with one line per row ("" for a row without answer).
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

import forms_schema
from forms_schema.nodes import choice_value
from portal import questionnaires
from portal.models import Order, Response, Upload, User
from portal.models.response import SUBMITTED
from portal.services.access import visible_orders
from portal.services.errors import Forbidden, NotFound
from portal.services.exports.cells import Cell, number_text
from portal.services.exports.columns import Column, answer_columns, values_at
from portal.services.exports.files import Table

BERLIN = ZoneInfo("Europe/Berlin")


def answers_table(session: Session, actor: User, kind: str, locale: str = "de") -> Table:
    """The answers table of a kind for the orders the actor may see; customers never get one.

    Every staff role may export: the vendor's roles see every customer (as on the dashboard),
    partner staff the customers granted to their organisation (access.visible_orders).
    """
    if not actor.is_authenticated or not actor.active:
        raise Forbidden(_("Nur angemeldete Mitarbeiter dürfen Antworten exportieren."))
    if kind not in questionnaires.KINDS:
        raise NotFound(_("Diesen Fragebogen gibt es nicht."))
    responses = session.scalars(
        select(Response)
        .join(Response.order)
        .options(contains_eager(Response.order))
        .where(Response.questionnaire == kind, visible_orders(actor))
        .order_by(Order.short_code, Response.id)
    ).all()
    numbers = {questionnaires.latest(session, kind), *(r.schema_version for r in responses)}
    versions = {n: questionnaires.get(session, kind, n) for n in numbers}
    columns = answer_columns(versions, locale)
    files = _file_names(session, actor, kind)
    rows = [_row(r, versions[r.schema_version], columns, files, locale) for r in responses]
    fixed = [_("Kürzel"), _("Kunde"), _("Status"), _("Version"), _("Eingereicht am")]
    title = _("Technischer Fragebogen") if kind == "technical" else _("Fachlicher Fragebogen")
    return Table([*fixed, *(c.header for c in columns)], rows, locale, title)


def _row(
    response: Response,
    questionnaire: forms_schema.Questionnaire,
    columns: list[Column],
    files: dict[str, str],
    locale: str,
) -> list[Cell]:
    order = response.order
    status = _("eingereicht") if response.status == SUBMITTED else _("in Bearbeitung")
    submitted = _local(response.submitted_at) if response.status == SUBMITTED else None
    data = questionnaire.clean(response.data or {}, questionnaires.context_of(order))
    cells: list[Cell] = [order.short_code, order.customer_name, status, response.schema_version]
    cells.append(submitted)
    for column in columns:
        template = column.templates.get(response.schema_version)
        node = questionnaire.node(template) if template else None
        cells.append(_cell(data, template, node, files, locale) if node else None)
    return cells


def _cell(data, template: str, node: forms_schema.Node, files, locale: str) -> Cell:
    repeated, values = values_at(data, template)
    if not repeated:
        return _value(values[0], node, files, locale) if values else None
    lines = [_value(v, node, files, locale) for v in values]
    if all(line is None for line in lines):
        return None
    return "\n".join(_as_text(line, locale) for line in lines)


def _value(value: Any, node: forms_schema.Node, files: dict[str, str], locale: str) -> Cell:
    """One answer as a cell: labels for choices and yes/no, file names, numbers kept."""
    if value is None or value == "" or value == []:
        return None
    if node.widget == "file":
        return files.get(str(value)) or _("hochgeladene Datei")
    if isinstance(value, list):
        return ", ".join(_as_text(_value(v, node, files, locale), locale) for v in value)
    labels = dict(node.choices(locale)) if node.enum or node.widget == "yes_no" else {}
    if isinstance(value, bool):
        return labels.get(choice_value(value)) or (_("Ja") if value else _("Nein"))
    if choice_value(value) in labels:
        return labels[choice_value(value)]
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _as_text(value: Cell, locale: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return number_text(value, locale)
    return str(value)


def _local(moment: datetime | None) -> datetime | None:
    # Shown as German time, without the zone: spreadsheets keep no time zones.
    return moment.astimezone(BERLIN).replace(tzinfo=None) if moment else None


def _file_names(session: Session, actor: User, kind: str) -> dict[str, str]:
    """The name of every file uploaded to the exported responses, by answer ("upload:<id>")."""
    found = session.execute(
        select(Upload.id, Upload.filename)
        .join(Response, Upload.response_id == Response.id)
        .join(Order, Response.order_id == Order.id)
        .where(Response.questionnaire == kind, visible_orders(actor))
    )
    return {f"upload:{upload_id}": name for upload_id, name in found}

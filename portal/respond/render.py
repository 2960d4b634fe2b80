"""A questionnaire page and its summary as templates need them, whoever's answers they show.

The customer's pages (portal/respond/views.py) and the studio's preview (portal/studio) render
the same templates (respond/page_form.html, respond/summary_body.html) from these models; only
where links and forms go differs (Links), and what they show next to the form.
"""

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

import forms_schema
from forms_schema.changes import Document
from portal import questionnaires
from portal.filters import locale
from portal.respond import compiled, pages


@dataclass(frozen=True)
class Links:
    """Where a questionnaire's pages link and post to: the customer's own pages."""

    kind: str

    def page(self, page_key: str, **args: Any) -> str:
        """A page of the questionnaire (args: query parameters such as add=)."""
        return url_for("respond.page", kind=self.kind, page_key=page_key, **args)

    def changes(self, page_key: str) -> str:
        """Where the page script sends its changes."""
        return url_for("respond.changes", kind=self.kind, page_key=page_key)

    def summary(self) -> str:
        """The summary with all answers and the submit button."""
        return url_for("respond.summary", kind=self.kind)

    def submit(self) -> str:
        """Where the summary's submit button posts."""
        return url_for("respond.submit", kind=self.kind)


def next_url(links: Links, questionnaire, page_key: str, action: str) -> str:
    """Where a saved page goes next: the page a button asked for, or the same page."""
    keys = [p.key for p in questionnaire.pages]
    index = keys.index(page_key)
    if action == "next" and index + 1 < len(keys):
        return links.page(keys[index + 1])
    if action == "prev" and index > 0:
        return links.page(keys[index - 1])
    if action == "summary":
        return links.summary()
    if action.startswith(pages.ADD):
        pointer = action.removeprefix(pages.ADD)
        anchor = pointer.strip("/").replace("/", "-")
        return links.page(page_key, add=pointer) + f"#{anchor}"
    return links.page(page_key)


def page_model(
    questionnaire,
    context: dict,
    page_key: str,
    document: Document,
    *,
    links: Links,
    errors: list[forms_schema.AnswerError],
    form=None,
    row_names: dict[str, str] | None = None,
    uploads: dict[str, Any] | None = None,
    add: str = "",
) -> dict[str, Any]:
    """The variables of respond/page_form.html for one page of stored (or refused) answers.

    form: the posted form of a refused save (its answers are shown, not the stored ones);
    add: the pointer of a repeating group that gets one more blank row (a page without script).
    """
    posted = form is not None
    if form is None:
        form = questionnaire.form_class(locale(), context, page_key)(data=document.data)
        _add_requested_row(form, add)
    names = questionnaires.labels(questionnaire, locale())
    keys = [p.key for p in questionnaire.pages]
    index = keys.index(page_key)
    ctx = pages.RenderContext(
        locale=locale(),
        visible=set(),
        errors={e.pointer: e.message for e in errors},
        uploads=uploads or {},
        kind=links.kind,
        row_ids=row_names or pages.row_ids_of(form, document),
        stored_rows={row for ids in document.ids.values() for row in ids},
        texts=compiled.texts(questionnaire, locale()),
    )
    shown = _posted(document, questionnaire, page_key, context, form, ctx) if posted else document
    nodes = questionnaire.nodes(page_key, context)
    ctx.visible = _visible(questionnaire, shown, context, {n.key for n in nodes}) | _unsaved_rows(
        form, questionnaire, shown, context, ctx
    )
    return {
        "kind": links.kind,
        "links": links,
        "questionnaire": questionnaire,
        "page": questionnaire.pages[index],
        "prev_page": keys[index - 1] if index else None,
        "next_page": keys[index + 1] if index + 1 < len(keys) else None,
        "nodes": nodes,
        "form": form,
        "ctx": ctx,
        "progress": questionnaire.progress(document.data, context),
        "error_list": pages.labelled(
            errors, names, lambda pointer: forms_schema.name_to_pointer(ctx.field_id(pointer))
        ),
        "pointer_ids": ctx.field_id,
        "state": pages.page_state(questionnaire, nodes, document, context),
    }


def summary_model(
    questionnaire,
    context: dict,
    data: dict,
    errors: list[forms_schema.AnswerError],
    *,
    links: Links,
    uploads: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The variables of respond/summary_body.html: all answers read-only and what is missing."""
    names = questionnaires.labels(questionnaire, locale())
    hrefs = {
        e.pointer: links.page(questionnaires.page_of(e.pointer, questionnaire))
        + "#"
        + e.pointer.strip("/").replace("/", "-")
        for e in errors
    }
    return {
        "kind": links.kind,
        "links": links,
        "questionnaire": questionnaire,
        "data": data,
        "visible": questionnaire.visible(data, context),
        "nodes_by_page": [(p, questionnaire.nodes(p.key, context)) for p in questionnaire.pages],
        "progress": questionnaire.progress(data, context),
        "error_list": pages.labelled(errors, names),
        "hrefs": hrefs,
        "uploads": uploads or {},
    }


def _visible(questionnaire, document, context, keys: set[str]) -> set[str]:
    # Only the page's questions are rendered; a row keeps its question's top key.
    return {
        pointer
        for p in questionnaire.visible(document.data, context)
        if p.split("/", 2)[1] in keys and (pointer := document.id_pointer(p))
    }


def _posted(document, questionnaire, page_key, context, form, ctx):
    # A refused page shows what was typed, so its conditional parts follow those answers.
    answers, rows = questionnaire.to_document(form, ctx.row_ids.get)
    keys = {node.key for node in questionnaire.nodes(page_key, context)}
    shown = document.copy()
    for key in keys:
        shown.data.pop(key, None)
        if answers.get(key) is not None:
            shown.data[key] = answers[key]
    shown.ids = {p: ids for p, ids in shown.ids.items() if p.split("/")[1] not in keys} | rows
    shown.realign()
    return shown


def _add_requested_row(form, pointer: str) -> None:
    name = pointer.strip("/").replace("/", "-")
    field = form._fields.get(name) if name else None
    if field is not None and hasattr(field, "append_entry"):
        field.append_entry()


def _unsaved_rows(form, questionnaire, document, context, ctx) -> set[str]:
    # Rows typed but not yet stored (or just added) show their fields as stored rows would,
    # and the <template> row that scripts copy ("/<name>/__INDEX__/...") as a new blank row.
    counts = {field.name: field for field in form if hasattr(field, "entries")}
    if not counts:
        return set()
    preview = dict(document.data)
    for name, field in counts.items():
        stored = list(document.data.get(name) or [])
        preview[name] = [*stored, *[{}] * (len(field.entries) - len(stored)), {}]
    shown = set()
    for pointer in questionnaire.visible(preview, context):
        name, _slash, rest = pointer.lstrip("/").partition("/")
        index, _slash, inner = rest.partition("/")
        if name not in counts or not index.isdigit():
            continue
        if int(index) == len(preview[name]) - 1:
            shown.add(f"/{name}/__INDEX__" + (f"/{inner}" if inner else ""))
        elif int(index) < len(counts[name].entries):
            shown.add(ctx.key(pointer))
    return shown


def refused_save(questionnaire, state: dict[str, Any], document: Document, errors) -> dict:
    """What the page script gets back from a save that partial validation refused."""
    names = questionnaires.labels(questionnaire, locale())
    problems = "; ".join(f"{pages.label(e.pointer, names, document)}: {e.message}" for e in errors)
    return {
        **state,
        "saved": False,
        "errors": {e.pointer: e.message for e in errors},
        "message": _("Nicht gespeichert: %(problems)s", problems=problems),
    }


def progress_of(questionnaire, document: Document, context: dict) -> dict[str, Any]:
    """The share answered, as the page script shows it after a save."""
    progress = questionnaire.progress(document.data, context)
    return {
        "progress": progress,
        "progress_label": _("%(percent)d %% beantwortet", percent=round(progress * 100)),
    }

"""Plumbing between a questionnaire page and the request: parse posts and saves, build page models.

Rows of repeating groups carry their id in a hidden input "<row name>-_row"; the page script
sends its changes as JSON (see parse_changes) and follows the stored answers (page_state).
"""

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import format_datetime

import forms_schema
from forms_schema.changes import (
    ABSENT,
    ANSWER,
    ROW_CHANGED,
    ROW_ID,
    ROW_REMOVED,
    AddRow,
    Change,
    Document,
    RemoveRow,
    SetAnswer,
    new_row_id,
    template_of,
)
from portal.questionnaires import label_of
from portal.respond import compiled
from portal.services.drafts import Choice, FileInput

ADD, REMOVE = "add:", "remove:"
ROW_FIELD = "_row"
MAX_CHANGES = 500  # more than any page has questions and rows
MAX_VALUES = 100  # values of one answer (checkboxes)


@dataclass
class PagePost:
    action: str
    base_version: int
    changes: dict[str, Any]
    rows: dict[str, list[str]]
    removed: tuple[str, ...]
    files: dict[str, FileInput]
    row_names: dict[str, str]  # row name ("contacts-0") -> the id this post gave it


def parse(questionnaire, nodes, form, formdata, files, known: set[str]) -> PagePost:
    """Read a posted page: its answers with their rows' ids, a removed row, uploaded files.

    known: ids of stored rows; a new row left blank is dropped, a blank stored row is kept.
    """
    action = formdata.get("action", "save")
    ids: dict[str, str] = {}

    def row_of(name: str) -> str:
        # One id per posted row, also for rows a page without script added (no id yet).
        if name not in ids:
            posted = formdata.get(f"{name}-{ROW_FIELD}", "")
            ids[name] = posted if ROW_ID.fullmatch(posted) else new_row_id()
        return ids[name]

    for name in formdata:  # the ids first, so that a removed row is found by its position
        if name.endswith(f"-{ROW_FIELD}"):
            row_of(name.removesuffix(f"-{ROW_FIELD}"))
    answers, rows = questionnaire.to_document(form, row_of, known)
    changes: dict[str, Any] = {}
    uploads: dict[str, FileInput] = {}
    for node in nodes:
        if node.widget != "file":
            changes[node.key] = answers.get(node.key)
            continue
        upload = files.get(node.key)
        if upload is not None and upload.filename:
            uploads["/" + node.key] = FileInput(
                upload.filename, upload.mimetype or "application/octet-stream", upload.read()
            )
        elif formdata.get(f"{node.key}__remove"):
            changes[node.key] = None
    removed = ()
    if action.startswith(REMOVE):
        removed = (_row_pointer(action.removeprefix(REMOVE), ids),)
    try:
        base_version = int(formdata.get("base_version", "0"))
    except ValueError:
        base_version = 0
    return PagePost(action, base_version, changes, rows, removed, uploads, ids)


def _row_pointer(pointer: str, ids: dict[str, str]) -> str:
    # "/contacts/r1a2..." names a row by id; "/contacts/2" (older pages) by its position.
    head, _slash, last = pointer.rpartition("/")
    if last.isdigit():
        name = forms_schema.pointer_to_name(pointer)
        return f"{head}/{ids[name]}" if name in ids else pointer
    return pointer


class BadChanges(ValueError):
    """A change set that no page of ours sends."""


def parse_changes(questionnaire, page_keys: set[str], payload: Any) -> list[Change]:
    """The changes a page script sent as JSON, with answers read as the form would read them.

    {"changes": [{"op": "set", "pointer": "/contacts/r1/name", "from": ["Anna"], "to": ["Anne"]},
                 {"op": "add", "pointer": "/contacts", "row": "r2"},
                 {"op": "remove", "pointer": "/contacts", "row": "r1", "from": {"/name": ["Anna"]}}]}
    """
    items = payload.get("changes") if isinstance(payload, dict) else None
    if not isinstance(items, list) or len(items) > MAX_CHANGES:
        raise BadChanges("changes must be a list")
    repeats = questionnaire.repeats()
    changes: list[Change] = []
    for item in items:
        if not isinstance(item, dict):
            raise BadChanges("a change must be an object")
        op, pointer = item.get("op"), item.get("pointer")
        if not isinstance(pointer, str) or _top(pointer) not in page_keys:
            raise BadChanges("pointer outside this page")
        try:
            if op == "set":
                before = questionnaire.read(pointer, _values(item.get("from")))
                after = questionnaire.read(pointer, _values(item.get("to")))
                changes.append(SetAnswer(pointer, before, after))
            elif op in ("add", "remove"):
                row = item.get("row")
                if template_of(pointer, repeats) not in repeats or not ROW_ID.fullmatch(str(row)):
                    raise BadChanges("not a row of a repeating group")
                if op == "add":
                    changes.append(AddRow(pointer, row))
                else:
                    changes.append(RemoveRow(pointer, row, _row_before(questionnaire, item, row)))
            else:
                raise BadChanges("unknown operation")
        except (KeyError, ValueError) as error:
            raise BadChanges(str(error)) from None
    return changes


def _row_before(questionnaire, item: dict, row: str) -> dict[str, Any]:
    seen = item.get("from")
    if not isinstance(seen, dict):
        raise BadChanges("a removed row names its answers")
    before = {}
    for relative, values in seen.items():
        answer = questionnaire.read(f"{item['pointer']}/{row}{relative}", _values(values))
        if answer is not ABSENT:
            before[relative] = answer
    return before


def _values(values: Any) -> list[str]:
    if not isinstance(values, list) or len(values) > MAX_VALUES:
        raise BadChanges("values must be a list")
    if not all(isinstance(v, str) for v in values):
        raise BadChanges("values must be texts")
    return values


def _top(pointer: str) -> str:
    return pointer.split("/")[1] if pointer.startswith("/") and len(pointer) > 1 else ""


def parse_resolution(formdata) -> list[Choice]:
    """The answers a person decided in the conflict panel, in the order shown."""
    chosen = []
    index = 0
    while f"pointer-{index}" in formdata:
        kind = formdata.get(f"kind-{index}", ANSWER)
        with contextlib.suppress(ValueError):
            chosen.append(
                Choice(
                    pointer=formdata[f"pointer-{index}"],
                    kind=kind if kind in (ANSWER, ROW_REMOVED, ROW_CHANGED) else ANSWER,
                    mine=json.loads(formdata.get(f"mine-{index}", "null")),
                    theirs=json.loads(formdata.get(f"theirs-{index}", "null")),
                    keep_mine=formdata.get(f"choice-{index}") == "mine",
                )
            )
        index += 1
    return chosen


@dataclass
class LabelledError:
    pointer: str
    label: str
    message: str


def labelled(errors, names, locate=None) -> list[LabelledError]:
    """Answer errors with the question's readable name, for the error summary.

    locate turns an error's pointer into the form's ("/contacts/0/name"), for row numbers.
    """
    return [
        LabelledError(
            e.pointer, label_of((locate and locate(e.pointer)) or e.pointer, names), e.message
        )
        for e in errors
    ]


def label(pointer: str, names, document: Document | None) -> str:
    """The readable name of a question at a pointer that may name rows by id."""
    located = document.locate(pointer) if document else pointer
    if located is None:  # a row that is gone: no row number to give
        return names.get(template_of(pointer, document.repeats), pointer)
    return label_of(located, names)


def conflict_values(questionnaire, conflicts) -> dict[str, list[str]]:
    """The form values of the stored answer of each conflicting answer, for the page script."""
    values = {}
    for conflict in conflicts:
        if conflict.kind == ANSWER:
            with contextlib.suppress(KeyError):
                values[conflict.pointer] = questionnaire.form_values(
                    conflict.pointer, ABSENT if conflict.theirs is None else conflict.theirs
                )
    return values


def conflict_nodes(questionnaire, conflicts) -> dict[str, Any]:
    """The question of each conflicting answer, so its values print as the question says (codes)."""
    nodes = {}
    for conflict in conflicts:
        with contextlib.suppress(KeyError, ValueError, IndexError):
            node = questionnaire.node(conflict.pointer)
            if node is not None:
                nodes[conflict.pointer] = node
    return nodes


@dataclass
class RenderContext:
    """What the form macros need besides the bound fields (templates/forms/macros.html).

    visible and errors are keyed by id pointers; the macros pass the pointers of the form
    ("/contacts/0/name"), which key() turns into id pointers with the rows' ids.
    """

    locale: str
    visible: set[str]
    errors: dict[str, str]
    uploads: dict[str, Any] = field(default_factory=dict)
    readonly: bool = False
    kind: str = ""
    row_ids: dict[str, str] = field(default_factory=dict)  # row name ("contacts-0") -> id
    stored_rows: set[str] = field(default_factory=set)
    texts: Any = None  # compiled.PageTexts of the version and locale

    def view(self, node):
        """What the node shows besides answers (label, help, ...), built once per version."""
        return self.texts.nodes[node.pointer_template]

    def described(self, field_id: str, view, error: str | None) -> str:
        """A question's aria-describedby (see compiled.described)."""
        return compiled.described(field_id, view, error)

    def attrs(self, node, pointer: str, shown: bool):
        """A node's shared attributes (see compiled.attrs)."""
        return compiled.attrs(node, pointer, shown)

    def messages(self, field_id: str, view, error: str | None):
        """A question's help and error message (see compiled.messages)."""
        return compiled.messages(field_id, view, error, self.texts)

    def key(self, pointer: str) -> str:
        """The id pointer of a form pointer: row positions become the rows' ids."""
        tokens, name, out = pointer.strip("/").split("/"), "", []
        for token in tokens:
            name = f"{name}-{token}" if name else token
            out.append(self.row_ids.get(name, token) if token.isdigit() else token)
        return "/" + "/".join(out)

    def shown(self, pointer: str) -> bool:
        """Whether the question at a form pointer is visible."""
        return self.key(pointer) in self.visible

    def error(self, pointer: str) -> str | None:
        """The message for the question at a form pointer, if any."""
        return self.errors.get(self.key(pointer))

    def field_id(self, pointer: str) -> str:
        """The HTML id of the field at an id pointer ("/contacts/r1/name" -> "contacts-0-name")."""
        names = {row: name for name, row in self.row_ids.items()}
        name = ""
        for token in pointer.strip("/").split("/"):
            name = names.get(token) or (f"{name}-{token}" if name else token)
        return name

    def row_id(self, entry) -> str:
        """The id of a row of the form (a fresh one for a row the page adds)."""
        return self.row_ids.setdefault(entry.name, new_row_id())

    def blank_row(self, repeat_field):
        """A throwaway empty row of a repeating group and its name prefix, for the <template>."""
        entry = repeat_field.append_entry()
        repeat_field.entries.pop()
        repeat_field.last_index -= 1
        return entry, entry.name + "-"

    def upload_for(self, pointer: str):
        """The stored upload an answer refers to ('upload:<id>'), if any."""
        return self.uploads.get(pointer)

    def upload_url(self, upload) -> str:
        """Where the customer downloads their upload again."""
        return url_for("respond.upload", kind=self.kind, upload_id=upload.id)


def row_ids_of(form, document: Document) -> dict[str, str]:
    """The id of every row of a form bound to the stored answers: the id stored at its place."""
    found: dict[str, str] = {}

    def walk(fields) -> None:
        for bound in fields:
            if hasattr(bound, "entries"):
                for entry in bound.entries:
                    stored = document.id_pointer(forms_schema.name_to_pointer(entry.name))
                    if stored:
                        found[entry.name] = stored.rsplit("/", 1)[1]
                    walk(entry.form)
            elif hasattr(bound, "form"):
                walk(bound.form)

    walk(form)
    return found


def page_state(questionnaire, nodes, document: Document, context) -> dict[str, Any]:
    """The stored answers of a page as its script follows them: form values, rows, visibility."""
    keys = {node.key for node in nodes}
    answers = {}
    for pointer, value in document.leaves().items():
        if _top(pointer) not in keys:
            continue
        with contextlib.suppress(KeyError):  # answers an older questionnaire asked
            if questionnaire.node(template_of(pointer, document.repeats)).widget != "file":
                answers[pointer] = questionnaire.form_values(pointer, value)
    # Rows keep their question's top key, so only this page's pointers need their row ids.
    shown = questionnaire.visible(document.data, context)
    visible = (document.id_pointer(p) for p in shown if _top(p) in keys)
    return {
        "answers": answers,
        "rows": {p: ids for p, ids in document.ids.items() if _top(p) in keys},
        "visible": sorted(p for p in visible if p),
    }


def uploads_by_pointer(data: dict, uploads) -> dict[str, Any]:
    """Map every 'upload:<id>' answer to its Upload row."""
    by_id = {u.id: u for u in uploads}
    found = {}
    for pointer, value in forms_schema.flatten(data).items():
        if isinstance(value, str) and value.startswith("upload:"):
            upload_id = value.removeprefix("upload:")
            if upload_id.isdigit() and int(upload_id) in by_id:
                found[pointer] = by_id[int(upload_id)]
    return found


def saved_label(response, gettext) -> str:
    """'Zuletzt gespeichert am … von …' for the page footer."""
    if response is None or response.updated_at is None:
        return ""
    return gettext(
        "Zuletzt gespeichert %(when)s von %(who)s",
        when=format_datetime(response.updated_at, "short"),
        who=response.updated_by,
    )

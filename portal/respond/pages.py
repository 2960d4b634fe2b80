"""Plumbing between a questionnaire page and the request: parse the POST, build the template context."""

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import format_datetime

import forms_schema
from portal.questionnaires import label_of
from portal.services.responses import FileInput

ADD, REMOVE = "add:", "remove:"


@dataclass
class PagePost:
    action: str
    base_version: int
    changes: dict[str, Any]
    removed: tuple[str, ...]
    files: dict[str, FileInput]


def parse(questionnaire, nodes, form, formdata, files) -> PagePost:
    """Read a posted page: the new answers of its questions, a removed row, uploaded files."""
    action = formdata.get("action", "save")
    answers = questionnaire.to_data(form)
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
    removed = (action.removeprefix(REMOVE),) if action.startswith(REMOVE) else ()
    try:
        base_version = int(formdata.get("base_version", "0"))
    except ValueError:
        base_version = 0
    return PagePost(action, base_version, changes, removed, uploads)


def parse_resolution(formdata) -> dict[str, Any]:
    """The answers a person chose as 'mine' in the conflict panel: pointer -> value."""
    chosen = {}
    index = 0
    while f"pointer-{index}" in formdata:
        if formdata.get(f"choice-{index}") == "mine":
            with contextlib.suppress(ValueError):
                chosen[formdata[f"pointer-{index}"]] = json.loads(
                    formdata.get(f"mine-{index}", "null")
                )
        index += 1
    return chosen


@dataclass
class LabelledError:
    pointer: str
    label: str
    message: str


def labelled(errors, names) -> list[LabelledError]:
    """Answer errors with the question's readable name, for the error summary."""
    return [LabelledError(e.pointer, label_of(e.pointer, names), e.message) for e in errors]


@dataclass
class RenderContext:
    """What the form macros need besides the bound fields (templates/forms/macros.html)."""

    locale: str
    visible: set[str]
    errors: dict[str, str]
    uploads: dict[str, Any] = field(default_factory=dict)
    readonly: bool = False
    kind: str = ""

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

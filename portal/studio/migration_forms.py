"""Request parsing of the migration pages: the apply form and the migration map's fields."""

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired

_ARROW = re.compile(r"\s*(?:->|→|=>)\s*")
_TEMPLATE = re.compile(r"(/([a-z][a-z0-9_]*|\*))+")


class ApplyForm(FlaskForm):
    """Apply a dry run: the state it was made at, and the editor's confirmation."""

    expected_from = IntegerField(validators=[InputRequired()])
    expected_revision = IntegerField(validators=[InputRequired()])
    confirm = BooleanField(
        _l("Ich habe den Probelauf geprüft."),
        validators=[
            DataRequired(_l("Bitte bestätigen Sie, dass Sie den Probelauf geprüft haben."))
        ],
    )


class MappingForm(FlaskForm):
    """The map's hidden state; the renames and recodes are read by read_mapping()."""

    revision = HiddenField()


@dataclass
class PostedMapping:
    """A posted map and the lines that could not be read."""

    mapping: dict[str, Any]
    errors: list[str] = field(default_factory=list)


def read_mapping(formdata) -> PostedMapping:
    """Ticked suggestions ("old=>new"), rename lines "/old -> /new" and recode lines
    "/question: old -> new" (a number, true/false or text as the new code)."""
    renames: dict[str, str] = {}
    recodes: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for value in formdata.getlist("suggestion"):
        old, _sep, new = value.partition("=>")
        renames[old] = new
    for number, line in _lines(formdata.get("renames", "")):
        parts = _ARROW.split(line)
        if len(parts) != 2 or not all(_TEMPLATE.fullmatch(p) for p in parts):
            errors.append(str(_l("Umbenennung, Zeile %(n)d: „%(line)s“", n=number, line=line)))
            continue
        renames[parts[0]] = parts[1]
    for number, line in _lines(formdata.get("recodes", "")):
        template, colon, codes = line.partition(":")
        parts = _ARROW.split(codes.strip())
        if (
            not colon
            or len(parts) != 2
            or not _TEMPLATE.fullmatch(template.strip())
            or not all(parts)
        ):
            errors.append(str(_l("Umkodierung, Zeile %(n)d: „%(line)s“", n=number, line=line)))
            continue
        recodes.setdefault(template.strip(), {})[parts[0]] = _code(parts[1])
    return PostedMapping({"renames": renames, "recodes": recodes}, errors)


def _lines(text: str):
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, line.strip()


def _code(raw: str) -> Any:
    # Choice codes are JSON values: 2, "2", true and "cloud" are different codes; a bare word
    # that is no JSON is text.
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    return value if isinstance(value, str | int | float | bool) else raw

"""WTForms form classes from nodes, and answers back from a bound form."""

import datetime
import math
import re
from decimal import Decimal
from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    FileField,
    Form,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from forms_schema.changes import ABSENT, ROW_ID, new_row_id
from forms_schema.fields import (
    RepeatField,
    SchemaDateField,
    SchemaDecimalField,
    SchemaIntegerField,
    json_number,
)
from forms_schema.nodes import Node, choice_value
from forms_schema.text import localize

_MISSING: Any = object()
_TEXT_FIELDS = {
    "text": StringField,
    "textarea": TextAreaField,
    "email": EmailField,
    "url": URLField,
}
_PLACEHOLDER_WIDGETS = ("text", "textarea", "email", "url", "number", "date")
_CHOOSE = {"de": "Bitte wählen …", "en": "Please choose …"}
_CHECKBOX_LIST = ListWidget(prefix_label=False)
_CHECKBOX = CheckboxInput()


def build_form_class(
    nodes: tuple[Node, ...], locale: str, name: str = "QuestionnaireForm"
) -> type[Form]:
    """A plain wtforms.Form subclass with one field per node (no validators: the schema judges)."""
    # Dict order is creation order, and WTForms orders fields by creation.
    attrs = {node.key: _unbound(node, locale) for node in nodes}
    return type(name, (Form,), attrs)


def _unbound(node: Node, locale: str) -> Any:
    options: dict[str, Any] = {"label": node.label(locale), "description": node.help(locale)}
    render_kw = html_constraints(node)
    if node.widget in _PLACEHOLDER_WIDGETS and node.placeholder(locale):
        render_kw["placeholder"] = node.placeholder(locale)
    if node.accept:
        render_kw["accept"] = ",".join(node.accept)
    if render_kw:
        options["render_kw"] = render_kw
    widget = node.widget
    if widget == "group":
        return FormField(build_form_class(node.children, locale, f"{node.key}_form"), **options)
    if widget == "repeat":
        row = build_form_class(node.children, locale, f"{node.key}_row")
        return RepeatField(
            FormField(row, label=node.row_label(locale)), min_entries=node.min_items or 0, **options
        )
    choices = [SelectChoice(value, label) for value, label in node.choices(locale)]
    # validate_choice=False: form.validate() (e.g. for CSRF) must not judge answers twice.
    choice_options = {"coerce": choice_value, "validate_choice": False, **options}
    if widget == "select":
        empty = SelectChoice("", node.placeholder(locale) or localize(_CHOOSE, locale))
        return SelectField(choices=[empty, *choices], default="", **choice_options)
    if widget in ("radio", "yes_no"):
        return RadioField(choices=choices, **choice_options)
    if widget == "checkboxes":
        return SelectMultipleField(
            choices=choices, widget=_CHECKBOX_LIST, option_widget=_CHECKBOX, **choice_options
        )
    if widget == "checkbox":
        return BooleanField(**options)
    if widget == "file":
        return FileField(**options)
    if widget == "date":
        return SchemaDateField(**options)
    if widget == "number":
        return (SchemaIntegerField if node.type == "integer" else SchemaDecimalField)(**options)
    return _TEXT_FIELDS[widget](**options)


def html_constraints(node: Node) -> dict[str, Any]:
    """HTML attributes repeating the schema's limits, so browsers can help before the server."""
    schema, out = node.schema, {}
    if node.widget in ("text", "textarea", "email", "url"):
        if "maxLength" in schema:
            out["maxlength"] = schema["maxLength"]
        if "minLength" in schema:
            out["minlength"] = schema["minLength"]
        pattern = html_pattern(schema.get("pattern"))
        if pattern is not None:
            out["pattern"] = pattern
    elif node.widget == "number":
        integer = node.type == "integer"
        lows = [schema[k] for k in ("minimum",) if k in schema]
        highs = [schema[k] for k in ("maximum",) if k in schema]
        if integer:
            lows = [math.ceil(v) for v in lows]
            highs = [math.floor(v) for v in highs]
            # For integers an exclusive bound is the next integer inward; for decimals HTML has none.
            if "exclusiveMinimum" in schema:
                lows.append(math.floor(schema["exclusiveMinimum"]) + 1)
            if "exclusiveMaximum" in schema:
                highs.append(math.ceil(schema["exclusiveMaximum"]) - 1)
            out["step"] = 1
        if lows:
            out["min"] = max(lows)
        if highs:
            out["max"] = min(highs)
    return out


# Tokens whose meaning is the same in Python's re (jsonschema) and in the browser's pattern
# attribute (JavaScript, "v" flag). \w is left out on purpose: Python's matches "ä", JavaScript's not.
_SAFE_TOKEN = re.compile(
    r"""
      \\[dDsS.*+?()\[\]{}|^$\\/]                             # escapes valid in every JS mode
    | \[\^?(?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9_ ]|\\[ds.+\-])+\]   # simple classes
    | \{[0-9]+(?:,[0-9]*)?\}\??                              # counted repetition
    | [*+?]\??                                               # quantifiers
    | [A-Za-z0-9_ @:,;!#%&='"<>~./-]                         # literals and .
    | \(\?:|[()|]                                            # groups, alternation
    """,
    re.VERBOSE,
)


def html_pattern(pattern: str | None) -> str | None:
    """The HTML pattern for an anchored JSON Schema pattern, or None when not surely the same."""
    # HTML anchors the whole value; JSON Schema searches. Only ^...$ patterns agree.
    if not pattern or len(pattern) < 2 or pattern[0] != "^" or pattern[-1] != "$":
        return None
    inner = pattern[1:-1]
    if inner.endswith("\\") and not inner.endswith("\\\\"):
        return None  # the $ was escaped
    depth, pos, after_atom = 0, 0, False
    while pos < len(inner):
        match = _SAFE_TOKEN.match(inner, pos)
        if match is None:
            return None
        piece = match.group()
        quantifier = piece[0] in "*+?{"
        if quantifier and not after_atom:
            return None  # e.g. "(?i)": a flag group, not a quantified atom
        if piece in ("(", "(?:"):
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth < 0:
                return None
        elif piece == "|" and depth == 0:
            return None  # "^a|b$" means "(^a)|(b$)"; the browser would read "^(?:a|b)$"
        after_atom = not quantifier and piece not in ("(", "(?:", "|")
        pos = match.end()
    return inner if depth == 0 else None


def form_to_data(nodes: tuple[Node, ...], form: Any) -> dict[str, Any]:
    """The answers of the fields form has (unanswered ones left out)."""
    out: dict[str, Any] = {}
    for node in nodes:
        if node.key in form:
            value = _read(node, form[node.key])
            if value is not _MISSING:
                out[node.key] = value
    return out


def _read(node: Node, field: Any) -> Any:
    widget = node.widget
    if widget == "group":
        return form_to_data(node.children, field.form) or _MISSING
    if widget == "repeat":
        rows = [form_to_data(node.children, entry.form) for entry in field.entries]
        return [row for row in rows if row] or _MISSING
    if widget == "file":
        return _MISSING  # the portal stores uploads itself and writes a reference
    if widget == "checkbox":
        # Unchecked is no answer: a consent box ("const": true) stays merely missing in drafts.
        return True if field.data else _MISSING
    if widget in ("select", "radio", "yes_no", "checkboxes"):
        return _choices(node, field.data)
    if field.data is None:
        # Unparsable numbers and dates go on as text for the schema to report.
        raw = field.raw_data[0].strip() if field.raw_data else ""
        return raw or _MISSING
    if isinstance(field.data, Decimal):
        return json_number(field.data)
    if isinstance(field.data, datetime.date):
        return field.data.isoformat()
    if isinstance(field.data, str):
        return field.data.strip() or _MISSING
    return field.data


def _choices(node: Node, data: Any) -> Any:
    if node.widget == "yes_no":
        values: dict[str, Any] = {"true": True, "false": False}
    else:
        values = {choice_value(v): v for v in node.enum}
    if isinstance(data, list):
        order = list(values)
        picked = [v for v in data if v not in (None, "")]
        picked.sort(key=lambda v: order.index(v) if v in values else len(order))
        return [values.get(v, v) for v in picked] or _MISSING
    if data in (None, ""):
        return _MISSING
    return values.get(data, data)


def form_to_document(
    nodes: tuple[Node, ...], form: Any, row_of: Any, known: frozenset[str]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The answers of the fields form has, with the id of every row (see Questionnaire.to_document)."""
    ids: dict[str, list[str]] = {}

    def read(nodes: tuple[Node, ...], form: Any, at: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for node in nodes:
            if node.key not in form:
                continue
            field, here = form[node.key], f"{at}/{node.key}"
            if node.widget == "group":
                value: Any = read(node.children, field.form, here) or _MISSING
            elif node.widget == "repeat":
                value = rows(node, field, here)
            else:
                value = _read(node, field)
            if value is not _MISSING:
                out[node.key] = value
        return out

    def rows(node: Node, field: Any, here: str) -> Any:
        found, row_ids = [], []
        for entry in field.entries:
            posted = row_of(entry.name)
            row_id = posted if posted and ROW_ID.fullmatch(posted) else new_row_id()
            if row_id in row_ids:
                row_id = new_row_id()  # a tampered page: two rows must not share an id
            row = read(node.children, entry.form, f"{here}/{row_id}")
            if row or row_id in known:
                found.append(row)
                row_ids.append(row_id)
        if not found:
            return _MISSING
        ids[here] = row_ids
        return found

    return read(nodes, form, ""), ids


class _Values(dict):
    """Form data of one field, in the shape WTForms reads (getlist)."""

    def getlist(self, key: str) -> list[str]:
        return list(self.get(key, []))


def read_leaf(node: Node, form_class: type[Form], values: list[str]) -> Any:
    """The answer a question's form values give (ABSENT for none); form_class has one field "value"."""
    form = form_class(formdata=_Values(value=[str(v) for v in values]))
    found = _read(node, form["value"])
    return ABSENT if found is _MISSING else found


def leaf_values(node: Node, form_class: type[Form], value: Any) -> list[str]:
    """The form values showing an answer: what a page's inputs hold for it (read_leaf's inverse)."""
    if value is ABSENT or value is None:
        return []
    field = form_class(data={"value": value})["value"]
    if node.widget in ("select", "radio", "yes_no"):
        shown = [field.data]
    elif node.widget == "checkboxes":
        shown = list(field.data or [])
    elif node.widget == "checkbox":
        shown = ["y"] if field.data else []
    elif node.widget == "file":
        shown = [value] if isinstance(value, str) else []
    else:
        shown = [field._value()]
    return [str(v).replace("\r\n", "\n") for v in shown if v not in (None, "")]

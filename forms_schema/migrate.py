"""migrate(): a response's answers carried from one version of its questionnaire to another.

Nothing is lost silently: every answer given is kept (same pointer, same value), converted
(another pointer or value) or dropped, and dropped ones are returned with their value so the
portal can show or archive them. Migration judges neither `required` nor visibility: a draft
may be incomplete, and hidden answers are Questionnaire.clean()'s business at submit. Limits
(maxLength, pattern, minimum, ...) are not judged either: a value that no longer fits stays for
validate() to report, so that its person corrects it instead of losing it.
"""

import contextlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_schema.data import same
from forms_schema.identity import check_mapping, codes, document_of, match, read_mapping
from forms_schema.nodes import choice_value
from forms_schema.outline import Outline, Question, outline
from forms_schema.pointers import escape
from forms_schema.questionnaire import Questionnaire

_FAIL: Any = object()
_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


@dataclass(frozen=True)
class Converted:
    """An answer that moved (old_pointer -> new_pointer) or changed its value, or both."""

    old_pointer: str
    new_pointer: str
    old_value: Any
    new_value: Any


@dataclass(frozen=True)
class Dropped:
    """An answer the new version has no place for; pointer is concrete in the old answers."""

    pointer: str
    value: Any


@dataclass(frozen=True)
class Migration:
    """The answers under the new version, and what happened to each answer given."""

    data: dict[str, Any]
    kept: list[str] = field(default_factory=list)
    converted: list[Converted] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def migrate(
    data: Any,
    old: Mapping[str, Any] | Questionnaire,
    new: Mapping[str, Any] | Questionnaire,
    mapping: Mapping[str, Any] | None = None,
) -> Migration:
    """Carry answers given under old over to new (documents or Questionnaires)."""
    before, after = outline(document_of(old)), outline(document_of(new))
    plan = read_mapping(mapping)
    check_mapping(plan, before, after)
    run = _Run(before, match(before, after, plan), plan)
    if not isinstance(data, dict):
        return Migration({}, dropped=[Dropped("", data)])
    run.object(data, "", "", ())
    return Migration(run.out, run.kept, run.converted, run.dropped)


class _Run:
    def __init__(self, before: Outline, pairs: dict[str, Question], plan) -> None:
        self.before = before
        self.pairs = pairs
        self.plan = plan
        self.out: dict[str, Any] = {}
        self.kept: list[str] = []
        self.converted: list[Converted] = []
        self.dropped: list[Dropped] = []

    def object(self, value: dict, holder: str, prefix: str, rows: tuple[int, ...]) -> None:
        for key, answer in value.items():
            pointer = f"{prefix}/{escape(str(key))}"
            q = self.before.by_template.get(f"{holder}/{key}")
            if q is None:
                self.dropped.append(Dropped(pointer, answer))
            elif q.kind == "group" and isinstance(answer, dict):
                self.object(answer, q.template, pointer, rows)
            elif q.kind == "repeat" and isinstance(answer, list):
                self.repeat(q, answer, pointer, rows)
            elif q.kind == "field":
                self.field(q, answer, pointer, rows)
            else:
                self.dropped.append(Dropped(pointer, answer))

    def repeat(self, q: Question, answer: list, pointer: str, rows: tuple[int, ...]) -> None:
        target = self.pairs.get(q.template)
        if target is not None and target.kind == "repeat" and _stars(target) == len(rows):
            # Row by row: the new list has as many rows as the old one, also empty ones.
            # TypeError: another answer sits there already; the rows' answers are dropped below.
            with contextlib.suppress(TypeError):
                _place(self.out, target.template.split("/")[1:], list(rows), None, len(answer))
        for index, row in enumerate(answer):
            at = f"{pointer}/{index}"
            if isinstance(row, dict):
                self.object(row, q.template + "/*", at, (*rows, index))
            else:
                self.dropped.append(Dropped(at, row))

    def field(self, q: Question, answer: Any, pointer: str, rows: tuple[int, ...]) -> None:
        target = self.pairs.get(q.template)
        if target is None or target.kind != "field" or _stars(target) != len(rows):
            self.dropped.append(Dropped(pointer, answer))
            return
        value, lost = _convert(answer, q, target, self.plan.recode(q, target))
        if value is _FAIL:
            self.dropped.append(Dropped(pointer, answer))
            return
        try:
            _place(self.out, target.template.split("/")[1:], list(rows), value)
        except TypeError:
            self.dropped.append(Dropped(pointer, answer))
            return
        new_pointer = _concrete(target.template, rows)
        if new_pointer == pointer and same(answer, value):
            self.kept.append(pointer)
        else:
            self.converted.append(Converted(pointer, new_pointer, answer, value))
        self.dropped += [Dropped(f"{pointer}/{index}", item) for index, item in lost]


def _convert(answer: Any, old: Question, new: Question, recode: dict[str, Any]):
    """(new value or _FAIL, [(index, item)] of a checkbox list's items that are gone)."""
    old_type = (old.items or old.schema).get("type")
    new_type = (new.items or new.schema).get("type")
    to_list = new.items is not None
    choices = codes(new.enum) if new.enum is not None else None
    if old_type == new_type and (old.items is None) == (not to_list) and not choices:
        return answer, []  # the same kind of question: kept as given, mistyped drafts too

    def one(item: Any) -> Any:
        key = choice_value(item) if isinstance(item, str | int | float | bool) else None
        if key is not None and key in recode:
            item = recode[key]
        if old_type != new_type or key in recode:
            item = _cast(item, new_type)
        if item is _FAIL or choices is None:
            return item
        found = choices.get(choice_value(item)) if isinstance(item, str | int | float) else None
        return found if found is not None and same(found, item) else _FAIL

    if not to_list:
        if isinstance(answer, list):
            # A checkbox list become a single choice fits only when one box was ticked.
            return (one(answer[0]), []) if len(answer) == 1 else (_FAIL, [])
        return one(answer), []
    if answer == []:
        return [], []
    items = answer if isinstance(answer, list) else [answer]
    out: list[Any] = []
    lost: list[tuple[int, Any]] = []
    for index, item in enumerate(items):
        value = one(item)
        if value is _FAIL:
            lost.append((index, item))
        elif not any(same(value, o) for o in out):  # two codes recoded into one tick once
            out.append(value)
    if not out:
        return _FAIL, []
    return out, (lost if isinstance(answer, list) else [])


def _cast(value: Any, typ: Any) -> Any:
    """The value as typ when that loses nothing; booleans never become text or numbers."""
    if isinstance(value, bool):
        return value if typ == "boolean" else _FAIL
    number = isinstance(value, int | float)
    if typ == "string":
        return value if isinstance(value, str) else str(value) if number else _FAIL
    if typ == "integer":
        if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
            return int(value)
        return int(value) if isinstance(value, str) and _INTEGER.fullmatch(value) else _FAIL
    if typ == "number":
        if number:
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return float(value) if isinstance(value, str) and _DECIMAL.fullmatch(value) else _FAIL
    return _FAIL


def _stars(q: Question) -> int:
    return q.template.split("/").count("*")


def _concrete(template: str, rows: tuple[int, ...]) -> str:
    numbers = iter(rows)
    return "/".join(str(next(numbers)) if t == "*" else t for t in template.split("/"))


def _place(out: Any, parts: list[str], rows: list[int], value: Any, count: int = -1) -> None:
    """Write value at a template's place for these rows, making objects and rows on the way;
    count >= 0 makes the list itself with that many rows. TypeError when something is there."""
    node = out
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        if part == "*":
            index = rows.pop(0)
            while len(node) <= index:
                node.append({})
            if last:
                raise TypeError("a row is not a question")
            node = node[index]
            continue
        if not isinstance(node, dict):
            raise TypeError(f"no object to hold {part!r}")
        if not last:
            wanted: type = list if parts[position + 1] == "*" else dict
            child = node.setdefault(part, wanted())
            if not isinstance(child, wanted):
                raise TypeError(f"{part!r} holds another kind of answer")
            node = child
        elif count >= 0:
            rows_here = node.setdefault(part, [])
            if not isinstance(rows_here, list):
                raise TypeError(f"{part!r} holds another kind of answer")
            rows_here.extend({} for _ in range(count - len(rows_here)))
        elif part in node:
            raise TypeError(f"{part!r} is answered already")
        else:
            node[part] = value

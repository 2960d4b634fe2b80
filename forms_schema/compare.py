"""The x-compare keyword: an answer bounded by another answer of the same object, or by today.

    "concurrent_users": {"type": "integer", "x-compare": {"lte": "1/named_users"}}
    "go_live_date": {"type": "string", "format": "date", "x-compare": {"gt": "today"}}
    "leading_standard": {"type": "string", "enum": [...], "x-compare": {"in": "1/standards"}}

The operand is a relative JSON pointer that goes up one level, to the object holding the
question (the root, its group or its row), and from there down to the other question
("1/named_users", "1/server/ram_gb"); or "today" for a date. A comparison is only judged when
both values are there and of a fitting type: a missing, hidden or mistyped value is the concern
of "required" and "type". jsonschema evaluates it where the holding object is at hand: the
"properties" keyword, which this module extends.
"""

import datetime
import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from forms_schema.data import same
from forms_schema.errors import SchemaError
from forms_schema.nodes import Node

KEYWORD = "x-compare"
ORDERED = ("lt", "lte", "gt", "gte")
OPERATORS = (*ORDERED, "in")
TODAY = "today"
_POINTER = re.compile(r"1(/[a-z][a-z0-9_]*)+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_STANDARD_PROPERTIES = Draft202012Validator.VALIDATORS["properties"]
_HOLDS = {
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}


def check_value(value: Any, pointer: str) -> None:
    """The shape of an x-compare value: {"<operator>": "1/<name>..." or "today"}."""
    if not isinstance(value, Mapping) or not value:
        raise SchemaError(pointer, 'expected an object such as {"lte": "1/other_question"}')
    for op, operand in value.items():
        at = f"{pointer}/{op}"
        if op not in OPERATORS:
            raise SchemaError(at, f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
        if operand == TODAY and op in ORDERED:
            continue
        if not isinstance(operand, str) or not _POINTER.fullmatch(operand):
            allowed = '"1/<name>[/<name>...]"' + (' or "today"' if op in ORDERED else "")
            raise SchemaError(at, f"expected {allowed}")


def check_nodes(nodes: tuple[Node, ...], source: Mapping[str, str]) -> None:
    """Every operand names another question of the same object, and the types can be compared.

    source maps a node's key to the pointer of its x-compare in the document.
    """
    for node in nodes:
        ops = node.schema.get(KEYWORD)
        if ops is None:
            continue
        at = source[node.key]
        if node.kind != "field":
            raise SchemaError(at, "only a question (not a group or list of rows) compares")
        for op, operand in ops.items():
            _check_pair(node, op, operand, nodes, f"{at}/{op}")


def _check_pair(node: Node, op: str, operand: str, nodes: tuple[Node, ...], at: str) -> None:
    if operand == TODAY:
        if not _is_date(node):
            raise SchemaError(at, '"today" compares a date question ("format": "date")')
        return
    other = _find(nodes, operand.split("/")[1:])
    if other is None or other.kind != "field":
        raise SchemaError(at, f"{operand!r} names no question in the object holding {node.key!r}")
    if other is node:
        raise SchemaError(at, "a question cannot be compared with itself")
    if op == "in":
        if other.widget != "checkboxes" or not all(_fits(node, v) for v in other.enum):
            raise SchemaError(at, f"{operand!r} is no list of choices of {node.key!r}'s type")
        return
    numbers = {node.type, other.type} <= {"integer", "number"}
    if not (numbers or (_is_date(node) and _is_date(other))):
        raise SchemaError(at, f"{node.key!r} and {operand!r} are not both numbers or both dates")


def _is_date(node: Node) -> bool:
    return node.type == "string" and node.schema.get("format") == "date"


def _fits(node: Node, value: Any) -> bool:
    if node.type == "string":
        return isinstance(value, str)
    if node.type in ("integer", "number"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return node.type == "boolean" and isinstance(value, bool)


def _find(nodes: tuple[Node, ...], path: list[str]) -> Node | None:
    current: Node | None = None
    for key in path:
        current = next((n for n in nodes if n.key == key), None)
        if current is None:
            return None
        nodes = current.children if current.kind == "group" else ()
    return current


# -- evaluation ----------------------------------------------------------------------------


def _properties(validator, properties, instance, schema) -> Iterator[ValidationError]:
    yield from _STANDARD_PROPERTIES(validator, properties, instance, schema)
    if not validator.is_type(instance, "object"):
        return
    for name, subschema in properties.items():
        ops = subschema.get(KEYWORD) if isinstance(subschema, Mapping) else None
        if ops and name in instance:
            yield from _compare(instance, name, ops)


def _compare(holder: Mapping[str, Any], name: str, ops: Mapping[str, str]):
    value = holder[name]
    for op, operand in ops.items():
        if operand == TODAY:
            other: Any = datetime.date.today()
            kind = "today"
        else:
            other = _get(holder, operand.split("/")[1:])
            if other is _MISSING:
                continue
            kind = "in" if op == "in" else ""
        judged = _judge(op, value, other, kind)
        if judged is None or judged[0]:
            continue
        yield ValidationError(
            f"{value!r} is not {op} {operand}",
            validator=KEYWORD,
            validator_value={"op": op, "operand": operand, "kind": judged[1], "value": other},
            instance=value,
            path=[name],
        )


def _judge(op: str, value: Any, other: Any, kind: str) -> tuple[bool, str] | None:
    """(holds, kind of comparison), or None when the values cannot be compared."""
    if kind == "in":
        return (any(same(value, o) for o in other), "in") if isinstance(other, list) else None
    mine = _date(value)
    if kind == "today":
        return None if mine is None else (_HOLDS[op](mine, other), "today")
    theirs = _date(other)
    if mine is not None and theirs is not None:
        return _HOLDS[op](mine, theirs), "date"
    if _number(value) and _number(other):
        return _HOLDS[op](value, other), "number"
    return None


def _date(value: Any) -> datetime.date | None:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_MISSING: Any = object()


def _get(holder: Mapping[str, Any], path: list[str]) -> Any:
    node: Any = holder
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return _MISSING
        node = node[key]
    return node


Validator = validators.extend(Draft202012Validator, {"properties": _properties})

"""The x-code keyword: an integer that is a code (a port, a postcode, an account number).

    "sql_port": {"type": "integer", "minimum": 1, "maximum": 65535, "x-code": true}

A code is validated like any integer; only its printing differs: as its digits ("1433"), never
with the thousands separators a quantity gets ("1.433"). Where it may stand is checked with
the document (check.py), so the studio's lint reports a misplaced one.
"""

from collections.abc import Mapping
from typing import Any

from forms_schema.errors import SchemaError

KEYWORD = "x-code"


def check_value(schema: Mapping[str, Any], value: Any, pointer: str) -> None:
    """x-code is true or false, on an integer (or a schema that $refs one)."""
    if not isinstance(value, bool):
        raise SchemaError(pointer, "x-code must be true or false")
    kind = schema.get("type")
    if kind is not None and kind != "integer":
        raise SchemaError(pointer, "x-code is only read on integers (strings print as written)")


def is_code(schema: Mapping[str, Any]) -> bool:
    """Whether a question's schema (its $ref resolved) says its integer answers are codes."""
    return schema.get("type") == "integer" and schema.get(KEYWORD) is True

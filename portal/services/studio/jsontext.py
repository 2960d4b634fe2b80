"""The raw JSON view of a document: pretty-printed text, and the line each JSON pointer is on.

pretty() writes exactly what json.dumps(document, indent=2, ensure_ascii=False) writes, and
remembers the line where each value starts, so the editor can say "line 812" beside a lint
problem's pointer. A pointer to something missing (a text not yet written) gets the line of
its nearest ancestor: where it has to be added. Pure: no Flask, no database.
"""

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Pretty:
    """The text and the 1-based line of every pointer in it."""

    text: str
    lines: dict[str, int]

    def line_of(self, pointer: str) -> int:
        """The line of a pointer, or of its nearest ancestor that is there (the root: 1)."""
        while pointer:
            if pointer in self.lines:
                return self.lines[pointer]
            pointer = pointer.rpartition("/")[0]
        return 1


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pretty(document: Any) -> Pretty:
    """The document as indented JSON text, with the line of every pointer."""
    out: list[str] = []
    lines: dict[str, int] = {}

    def emit(value: Any, pointer: str, prefix: str, level: int, comma: str) -> None:
        pad = "  " * level
        lines[pointer] = len(out) + 1
        if isinstance(value, dict) and value:
            out.append(f"{pad}{prefix}{{")
            items = list(value.items())
            for i, (key, child) in enumerate(items):
                head = json.dumps(key, ensure_ascii=False) + ": "
                emit(child, f"{pointer}/{_escape(key)}", head, level + 1, _comma(i, items))
            out.append(f"{pad}}}{comma}")
        elif isinstance(value, list) and value:
            out.append(f"{pad}{prefix}[")
            for i, child in enumerate(value):
                emit(child, f"{pointer}/{i}", "", level + 1, _comma(i, value))
            out.append(f"{pad}]{comma}")
        else:
            out.append(f"{pad}{prefix}{json.dumps(value, ensure_ascii=False)}{comma}")

    emit(document, "", "", 0, "")
    return Pretty("\n".join(out), lines)


def _comma(i: int, items: list) -> str:
    return "," if i < len(items) - 1 else ""

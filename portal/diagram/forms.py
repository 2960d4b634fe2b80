"""The diagram editor's form: its rows as posted, and what its add and remove buttons do.

The fields are numbered rows (system-0-name, flow-2-to, ...); the page posts them all at once,
with or without JavaScript.
"""

import re

from portal.services.diagrams.rows import FLOW_TEXTS

FIELDS = {"system": ("id", "name", "kind"), "flow": ("from", "to", *FLOW_TEXTS)}
_FIELD = re.compile(r"(system|flow)-(\d{1,4})-(id|name|kind|from|to|content|method|frequency)")
MAX_ROWS = 200


def _rows(form, table: str) -> list[tuple[int, dict]]:
    found: dict[int, dict] = {}
    for key in form:
        match = _FIELD.fullmatch(key)
        if match and match[1] == table and match[3] in FIELDS[table]:
            found.setdefault(int(match[2]), {})[match[3]] = form.get(key, "")
    rows = sorted(found.items())[:MAX_ROWS]
    return [(i, {name: row.get(name, "") for name in FIELDS[table]}) for i, row in rows]


def _new_id(systems: list[tuple[int, dict]]) -> str:
    numbers = [int(m[1]) for _, s in systems if (m := re.fullmatch(r"s(\d{1,6})", s["id"]))]
    return f"s{max(numbers, default=0) + 1}"


def read_editor(form) -> tuple[list[dict], list[dict], str | None]:
    """The editor's rows after the pressed add or remove button, and the field to focus then."""
    systems, flows = _rows(form, "system"), _rows(form, "flow")
    action, _sep, index = form.get("action", "save").partition(":")
    focus = None
    if action == "add-system":
        systems.append((-1, {"id": _new_id(systems), "name": "", "kind": "source"}))
        focus = f"system-{len(systems) - 1}-name"
    elif action == "add-flow":
        flows.append((-1, dict.fromkeys(FIELDS["flow"], "")))
        focus = f"flow-{len(flows) - 1}-from"
    elif action in ("remove-system", "remove-flow"):
        table = action.removeprefix("remove-")
        rows = [(i, row) for i, row in (systems if table == "system" else flows) if str(i) != index]
        systems, flows = (rows, flows) if table == "system" else (systems, rows)
        focus = f"add-{table}"
    return [row for _i, row in systems], [row for _i, row in flows], focus

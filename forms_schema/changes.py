"""Several people, one answer document: rows with a stable identity, and saves as change sets.

Rows of a repeating group are known by an id, not by their position, so that adding, removing
and editing rows side by side never mixes rows up. The stored document keeps positions
("/contacts/0/name"); beside it, a RowIds map names every row ({"/contacts": ["r1a2b3c4d5e6f"]}).
Pointers that name rows by id are *id pointers*: "/contacts/r1a2b3c4d5e6f/name".

A save is a list of changes, each carrying the value its author started from. apply() writes a
change only where the stored value still is that starting value, so nobody overwrites an
answer they have not seen and nothing is written that the author did not touch; where the
stored value moved on, the change is a Clash for its author to decide.

    doc = Document(data, row_ids, questionnaire.repeats())
    clashes = doc.apply([SetAnswer("/contacts/r1a2b3c4d5e6f/name", "Anna", "Anne")])
    doc.data, doc.ids                     # the merged answers and their row ids
"""

import copy
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from forms_schema.data import delete, same
from forms_schema.data import get as get_value
from forms_schema.data import set as set_value
from forms_schema.pointers import join, split

RowIds = dict[str, list[str]]


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""No answer: the value before an answer was given, or after it was cleared."""

ROW_ID = re.compile(r"[a-z][a-z0-9]{1,31}")


def new_row_id() -> str:
    """A fresh random row id ("r" and 12 hex digits); pages make theirs the same way."""
    return "r" + secrets.token_hex(6)


@dataclass(frozen=True)
class SetAnswer:
    """Answer at an id pointer goes from `before` (as its author last saw it) to `after`."""

    pointer: str
    before: Any = ABSENT
    after: Any = ABSENT


@dataclass(frozen=True)
class AddRow:
    """A new row with this id at the end of the repeating group at `pointer`."""

    pointer: str
    row: str


@dataclass(frozen=True)
class RemoveRow:
    """Remove a row; `before` holds its answers (row-relative id pointers) as last seen."""

    pointer: str
    row: str
    before: dict[str, Any]


Change = SetAnswer | AddRow | RemoveRow

ANSWER, ROW_REMOVED, ROW_CHANGED = "answer", "row_removed", "row_changed"


@dataclass(frozen=True)
class Clash:
    """A change that met another person's change; kind says which sort.

    answer: both changed the answer to different values. row_removed: the author changed an
    answer in a row somebody else removed. row_changed: the author removed a row somebody else
    changed meanwhile (theirs is that row's answers).
    """

    pointer: str
    kind: str
    mine: Any
    theirs: Any


def same_or_absent(a: Any, b: Any) -> bool:
    """JSON equality where ABSENT only equals ABSENT."""
    if a is ABSENT or b is ABSENT:
        return a is b
    return same(a, b)


class Document:
    """An answer document with the ids of its rows; apply() changes it in place.

    repeats: the pointer templates of the repeating groups ("/contacts", "/sites/*/rooms").
    Rows without a known id get "i<position>" (documents saved before rows had ids), so pages
    rendered from the same stored answers agree on the ids.
    """

    def __init__(self, data: dict, ids: RowIds | None, repeats: Iterable[str]) -> None:
        self.data = data
        self.repeats = frozenset(repeats)
        self.ids: RowIds = {}
        self._align(data, "", "", ids or {})

    def copy(self) -> "Document":
        """An independent copy."""
        return Document(copy.deepcopy(self.data), copy.deepcopy(self.ids), self.repeats)

    def _align(self, node: Any, at: str, template: str, given: RowIds) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                self._align(value, at + join([key]), template + join([key]), given)
        elif isinstance(node, list) and template in self.repeats:
            ids: list[str] = []
            for position, row_id in enumerate(given.get(at, [])[: len(node)]):
                valid = isinstance(row_id, str) and ROW_ID.fullmatch(row_id)
                ids.append(row_id if valid and row_id not in ids else _fresh(position, ids))
            ids.extend(_fresh(position, ids) for position in range(len(ids), len(node)))
            self.ids[at] = ids
            for row_id, row in zip(ids, node, strict=True):
                self._align(row, f"{at}/{row_id}", template + "/*", given)

    # -- pointers ----------------------------------------------------------------------------

    def locate(self, pointer: str) -> str | None:
        """The positional pointer of an id pointer; None when a row on the way is gone."""
        return self._rewrite(
            pointer, lambda ids, row: (str(ids.index(row)), row) if row in ids else None
        )

    def id_pointer(self, pointer: str) -> str | None:
        """The id pointer of a positional pointer; None when a row position does not exist."""

        def step(ids: list[str], position: str) -> tuple[str, str] | None:
            if not position.isdigit() or int(position) >= len(ids):
                return None
            return ids[int(position)], ids[int(position)]

        return self._rewrite(pointer, step)

    def _rewrite(self, pointer: str, step) -> str | None:
        # Token by token; at a row token, step(ids of that list, token) gives (token to write,
        # the row's id), or None when the row is not there.
        out: list[str] = []
        template = at = ""
        tokens = iter(split(pointer))
        for token in tokens:
            out.append(token)
            at, template = at + join([token]), template + join([token])
            if template in self.repeats:
                row = next(tokens, None)
                if row is None:
                    break
                found = step(self.ids.get(at, []), row)
                if found is None:
                    return None
                out.append(found[0])
                at, template = f"{at}/{found[1]}", template + "/*"
        return join(out)

    def get(self, pointer: str) -> Any:
        """The answer at an id pointer, or ABSENT."""
        located = self.locate(pointer)
        return ABSENT if located is None else get_value(self.data, located, ABSENT)

    def leaves(self, under: str = "") -> dict[str, Any]:
        """Every answer by id pointer (relative to `under`, an id pointer of a row or group)."""
        located = self.locate(under) if under else ""
        out: dict[str, Any] = {}
        if located is None:
            return out
        template = template_of(under, self.repeats)

        def walk(node: Any, at: str, template: str, relative: str) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    walk(value, at + join([key]), template + join([key]), relative + join([key]))
            elif isinstance(node, list) and template in self.repeats:
                for row_id, row in zip(self.ids.get(at, []), node, strict=False):
                    walk(row, f"{at}/{row_id}", template + "/*", f"{relative}/{row_id}")
            else:
                out[relative] = node

        walk(get_value(self.data, located, ABSENT), under, template, "")
        return out

    # -- changes -----------------------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> list[Clash]:
        """Write every change whose starting value still holds; return the others as clashes.

        Rows are added first, answers set next, rows removed last; answers inside a row the
        same save removes are left out (the removal judges that row as its author saw it).
        """
        changes = list(changes)
        removing = [f"{c.pointer}/{c.row}/" for c in changes if isinstance(c, RemoveRow)]
        clashes: list[Clash] = []
        for change in changes:
            if isinstance(change, AddRow):
                clashes.extend(self._add(change))
        for change in changes:
            if isinstance(change, SetAnswer) and not change.pointer.startswith(tuple(removing)):
                clashes.extend(self._set(change))
        for change in changes:
            if isinstance(change, RemoveRow):
                clashes.extend(self._remove(change))
        return clashes

    def _add(self, change: AddRow) -> list[Clash]:
        ids = self.ids.get(change.pointer, [])
        if change.row in ids:
            return []  # already there: the same save sent twice
        located = self.locate(change.pointer)
        if located is None or not ROW_ID.fullmatch(change.row):
            return [Clash(f"{change.pointer}/{change.row}", ROW_REMOVED, {}, ABSENT)]
        rows = get_value(self.data, located, ABSENT)
        if not isinstance(rows, list):
            rows = []
            set_value(self.data, located, rows)
        rows.append({})
        self.ids[change.pointer] = [*ids, change.row]
        return []

    def _set(self, change: SetAnswer) -> list[Clash]:
        located = self.locate(change.pointer)
        if located is None:
            if change.after is ABSENT:
                return []  # cleared an answer of a row that is gone anyway
            return [Clash(change.pointer, ROW_REMOVED, change.after, ABSENT)]
        current = get_value(self.data, located, ABSENT)
        if same_or_absent(current, change.after):
            return []
        if not same_or_absent(current, change.before):
            return [Clash(change.pointer, ANSWER, change.after, current)]
        if change.after is ABSENT:
            delete(self.data, located)
            self._prune(located)
            return []
        try:
            set_value(self.data, located, copy.deepcopy(change.after))
        except (TypeError, IndexError):
            # The stored document has another shape above this answer (an old questionnaire).
            return [Clash(change.pointer, ANSWER, change.after, current)]
        return []

    def _remove(self, change: RemoveRow) -> list[Clash]:
        ids = self.ids.get(change.pointer, [])
        if change.row not in ids:
            return []  # somebody removed it already
        row_pointer = f"{change.pointer}/{change.row}"
        current = self.leaves(row_pointer)
        if current.keys() != change.before.keys() or not all(
            same(current[key], change.before[key]) for key in current
        ):
            return [Clash(row_pointer, ROW_CHANGED, ABSENT, self.get(row_pointer))]
        located = self.locate(change.pointer)
        rows = get_value(self.data, located)
        position = ids.index(change.row)
        del rows[position]
        self.ids[change.pointer] = [*ids[:position], *ids[position + 1 :]]
        for key in [key for key in self.ids if key.startswith(row_pointer + "/")]:
            del self.ids[key]
        if not rows:
            # No rows is no answer, as a form without rows reads.
            delete(self.data, located)
            del self.ids[change.pointer]
            self._prune(located)
        return []

    def _prune(self, located: str) -> None:
        # A group left empty goes, like a form leaves out empty groups; a row stays (its id).
        tokens = split(located)[:-1]
        while tokens:
            node = get_value(self.data, join(tokens), ABSENT)
            parent = get_value(self.data, join(tokens[:-1]), ABSENT) if len(tokens) > 1 else {}
            if node != {} or isinstance(parent, list):
                return
            delete(self.data, join(tokens))
            tokens = tokens[:-1]

    def realign(self) -> None:
        """Drop the ids of rows the data no longer has (e.g. after hidden answers were cleared)."""
        given, self.ids = self.ids, {}
        self._align(self.data, "", "", given)


def diff(base: Document, mine: Document) -> list[Change]:
    """The changes that turn base into mine: new rows, changed answers, removed rows."""
    changes: list[Change] = []
    for pointer, rows in mine.ids.items():
        known = base.ids.get(pointer, [])
        changes.extend(AddRow(pointer, row) for row in rows if row not in known)
    removed: list[str] = []
    for pointer, rows in base.ids.items():
        if pointer.startswith(tuple(removed)):
            continue  # inside a row that goes anyway
        kept = mine.ids.get(pointer, [])
        for row in rows:
            if row not in kept:
                changes.append(RemoveRow(pointer, row, base.leaves(f"{pointer}/{row}")))
                removed.append(f"{pointer}/{row}/")
    old, new = base.leaves(), mine.leaves()
    for pointer in [*old, *(p for p in new if p not in old)]:
        if pointer.startswith(tuple(removed)):
            continue
        before, after = old.get(pointer, ABSENT), new.get(pointer, ABSENT)
        if not same_or_absent(before, after):
            changes.append(SetAnswer(pointer, before, after))
    return changes


def rows_on_path(pointer: str, repeats: frozenset[str]) -> list[tuple[str, str]]:
    """The (list pointer, row id) of every row an id pointer passes through, outermost first."""
    found: list[tuple[str, str]] = []
    template = at = ""
    tokens = iter(split(pointer))
    for token in tokens:
        at, template = at + join([token]), template + join([token])
        if template in repeats:
            row = next(tokens, None)
            if row is None:
                break
            found.append((at, row))
            at, template = f"{at}/{row}", template + "/*"
    return found


def _fresh(position: int, taken: list[str]) -> str:
    candidate = f"i{position}"
    return candidate if candidate not in taken else new_row_id()


def template_of(pointer: str, repeats: frozenset[str]) -> str:
    """The pointer template of a positional or id pointer ("/contacts/r1/name" -> "/contacts/*/name")."""
    template = ""
    tokens = iter(split(pointer))
    for token in tokens:
        template += join([token])
        if template in repeats and next(tokens, None) is not None:
            template += "/*"
    return template

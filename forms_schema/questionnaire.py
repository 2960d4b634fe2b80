"""The Questionnaire: one loaded document with its pages, forms, rules, validation and progress."""

import copy
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from typing import Any

from wtforms import Form

from forms_schema import compare, files, validation
from forms_schema import data as answers
from forms_schema.builder import build
from forms_schema.changes import template_of
from forms_schema.check import check_document
from forms_schema.errors import AnswerError
from forms_schema.formats import FORMAT_CHECKER
from forms_schema.forms import (
    build_form_class,
    form_to_data,
    form_to_document,
    leaf_values,
    read_leaf,
)
from forms_schema.memo import Memo, json_key
from forms_schema.messages import message
from forms_schema.nodes import Node, Page
from forms_schema.pointers import join, split
from forms_schema.rules import MISSING, Visibility, context_value
from forms_schema.text import language, localize
from forms_schema.tree import Tree

_CACHE_LIMIT = 256
_SCAN_LIMIT = 64  # answers whose visibility a questionnaire remembers (pages of a few customers)
_LOCATE_LIMIT = 4096  # pointers (rows multiply them) and answers' form values it remembers


def load(schema: Mapping[str, Any]) -> "Questionnaire":
    """Check a questionnaire document (metaschema and x-ui) and load it; raises SchemaError."""
    check_document(schema)
    return Questionnaire(copy.deepcopy(dict(schema)))


class Questionnaire:
    """A loaded questionnaire. Build it with load(); it is immutable and safe to share."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._tree: Tree = build(schema)
        # Answers are always an object, also when the document leaves the root's type out.
        # Draft 2020-12 plus x-compare (forms_schema.compare).
        self._validator = compare.Validator(
            {"type": "object", **schema}, format_checker=FORMAT_CHECKER
        )
        self._facts = sorted(
            {n.rule.path[0] for n in self._tree.by_template.values() if n.rule and n.rule.context}
        )
        self._forms: dict[tuple[Any, ...], type[Form]] = {}
        self._leaf_forms: dict[str, type[Form]] = {}
        self._repeats = frozenset(
            template for template, node in self._tree.by_template.items() if node.kind == "repeat"
        )
        self._nodes: dict[tuple[Any, ...], list[Node]] = {}
        # Pure functions of a version, asked again and again (one page GET scans the same
        # answers for the page, its progress and the script's state): remembered, bounded.
        self._scans: Memo[tuple[frozenset[str], tuple[str, ...]]] = Memo(_SCAN_LIMIT)
        self._located: Memo[tuple[Node, str | None, str]] = Memo(_LOCATE_LIMIT)
        self._values: Memo[tuple[str, ...]] = Memo(_LOCATE_LIMIT)

    # -- structure --------------------------------------------------------------------------

    @property
    def pages(self) -> list[Page]:
        """The pages in declared order (one page "main" when x-ui.pages is absent)."""
        return list(self._tree.pages)

    def title(self, locale: str = "de") -> str:
        """x-ui.title, else title, in the locale's language."""
        return localize(
            self.schema.get("x-ui", {}).get("title") or self.schema.get("title"), locale
        )

    def node(self, pointer: str) -> Node | None:
        """The node of a pointer ("/contacts/1/email") or template ("/contacts/*/email")."""
        return self._tree.node(pointer)

    def nodes(
        self, page: str | None = None, context: Mapping[str, Any] | None = None
    ) -> list[Node]:
        """The top-level nodes of a page (all pages if None), in form order.

        With a context, questions its facts hide (rules on "#/context/...") are left out, as in
        form_class(); without one, every question is there.
        """
        key = (page, self._context_key(context))
        found = self._nodes.get(key)
        if found is None:
            if page is not None and page not in {p.key for p in self._tree.pages}:
                raise KeyError(page)
            roots = tuple(n for n in self._tree.roots if page is None or n.page == page)
            found = list(roots if context is None else _without_hidden_by(roots, context))
            self._remember(self._nodes, key, found)
        return list(found)

    def form_class(
        self, locale: str = "de", context: Mapping[str, Any] | None = None, page: str | None = None
    ) -> type[Form]:
        """A plain wtforms.Form subclass for a page (all pages if None); cached, so cheap to call.

        The portal adds CSRF by subclassing. Field names nest like "contacts-0-name".
        """
        lang = language(locale)
        key = (lang, page, self._context_key(context))
        found = self._forms.get(key)
        if found is None:
            found = build_form_class(tuple(self.nodes(page, context)), lang)
            self._remember(self._forms, key, found)
        return found

    def to_data(self, form: Form) -> dict[str, Any]:
        """The answers in a bound form (only its fields; unanswered ones and files left out)."""
        return form_to_data(self._tree.roots, form)

    def to_document(
        self, form: Form, row_of: Callable[[str], str | None], known: Collection[str] = ()
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The answers in a bound form with the ids of its rows (see forms_schema.changes).

        row_of(entry name) is the id a posted row carries (None: a new row, given a fresh id).
        A row without answers is kept only when its id is in `known` (a stored row).
        """
        return form_to_document(self._tree.roots, form, row_of, frozenset(known))

    def repeats(self) -> frozenset[str]:
        """The pointer templates of the repeating groups ("/contacts", "/sites/*/rooms")."""
        return self._repeats

    def read(self, pointer: str, values: list[str]) -> Any:
        """The answer that form values give the question at pointer (any pointer style);
        changes.ABSENT when they give none."""
        node = self._leaf(pointer)
        return read_leaf(node, self._leaf_form(node), values)

    def form_values(self, pointer: str, value: Any) -> list[str]:
        """The form values that show an answer, as a page sends them back (read()'s inverse).

        Empty values are left out and line breaks are "\\n", so that equal answers give equal lists.
        """
        node = self._leaf(pointer)
        key = json_key(value)
        if key is None:
            return leaf_values(node, self._leaf_form(node), value)
        found = self._values.get(
            (node.pointer_template, key),
            lambda: tuple(leaf_values(node, self._leaf_form(node), value)),
        )
        return list(found)

    def _leaf(self, pointer: str) -> Node:
        node = self._tree.by_template.get(template_of(pointer, self._repeats))
        if node is None or node.kind != "field":
            raise KeyError(f"no question at {pointer!r}")
        return node

    def _leaf_form(self, node: Node) -> type[Form]:
        found = self._leaf_forms.get(node.pointer_template)
        if found is None:
            found = build_form_class((replace(node, key="value"),), "de", "LeafForm")
            self._leaf_forms[node.pointer_template] = found
        return found

    def _context_key(self, context: Mapping[str, Any] | None) -> tuple[str, ...] | None:
        # Only the facts some rule reads make a difference to the form.
        if context is None:
            return None
        values = (context_value(context, (fact,)) for fact in self._facts)
        return tuple(
            "?" if v is MISSING else json.dumps(v, sort_keys=True, default=str) for v in values
        )

    @staticmethod
    def _remember(cache: dict, key: tuple, value: Any) -> None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()  # only reachable with many distinct context facts; rebuilding is fine
        cache[key] = value

    # -- rules ------------------------------------------------------------------------------

    def visible(self, data: Any, context: Mapping[str, Any] | None = None) -> set[str]:
        """Pointers of the visible questions, groups and repeating groups (rows as in data)."""
        return self._scan(data, context)[0]

    def clean(self, data: Any, context: Mapping[str, Any] | None = None) -> Any:
        """A deep copy of data without the answers of hidden questions."""
        cleaned = copy.deepcopy(data)
        for pointer in self._scan(data, context)[1]:
            answers.delete(cleaned, pointer)
        return cleaned

    def progress(
        self, data: Any, context: Mapping[str, Any] | None = None, page: str | None = None
    ) -> float:
        """Answered visible questions / visible questions, in [0, 1] (1.0 when there are none).

        A repeating group counts as one question, answered with at least max(1, minItems) rows.
        """
        shown = self._scan(data, context)[0]
        counts = [0, 0]  # answered, total

        def walk(nodes: tuple[Node, ...], base: str, value: Any) -> None:
            for node in nodes:
                pointer = f"{base}/{node.key}"
                if pointer not in shown:
                    continue
                here = value.get(node.key) if isinstance(value, dict) else None
                if node.kind == "group":
                    walk(node.children, pointer, here)
                    continue
                counts[1] += 1
                if node.kind == "repeat":
                    rows = len(here) if isinstance(here, list) else 0
                    counts[0] += rows >= max(1, node.min_items or 0)
                else:
                    counts[0] += here not in (None, "", [])

        roots = tuple(n for n in self._tree.roots if page is None or n.page == page)
        walk(roots, "", data)
        return counts[0] / counts[1] if counts[1] else 1.0

    def _scan(self, data: Any, context: Mapping[str, Any] | None) -> tuple[set[str], list[str]]:
        """(visible pointers, pointers of hidden answers present in data); remembered."""
        key = json_key(data)
        if key is None:  # not JSON (stored answers always are): scan without remembering
            return self._scan_now(data, context)

        def scan() -> tuple[frozenset[str], tuple[str, ...]]:
            shown, hidden = self._scan_now(data, context)
            return frozenset(shown), tuple(hidden)

        found = self._scans.get((key, self._context_key(context)), scan)
        return set(found[0]), list(found[1])

    def _scan_now(self, data: Any, context: Mapping[str, Any] | None) -> tuple[set[str], list[str]]:
        rules = Visibility(self._locate, lambda p: answers.get(data, p, MISSING), context)
        shown: set[str] = set()
        hidden: list[str] = []

        def walk(nodes: tuple[Node, ...], base: str, value: Any) -> None:
            for node in nodes:
                pointer = f"{base}/{node.key}"
                here = value.get(node.key, MISSING) if isinstance(value, dict) else MISSING
                if not rules.shown(pointer):
                    if here is not MISSING:
                        hidden.append(pointer)
                    continue
                shown.add(pointer)
                if node.kind == "group":
                    walk(node.children, pointer, here)
                elif node.kind == "repeat" and isinstance(here, list):
                    for index, row in enumerate(here):
                        walk(node.children, f"{pointer}/{index}", row)

        walk(self._tree.roots, "", data)
        return shown, hidden

    def _locate(self, pointer: str) -> tuple[Node, str | None, str]:
        # (node, pointer of the parent node or None at the top, pointer of the holding object)
        return self._located.get(pointer, lambda: self._locate_now(pointer))

    def _locate_now(self, pointer: str) -> tuple[Node, str | None, str]:
        tokens = split(pointer)
        steps = self._tree.walk(pointer)
        node = steps[-1][2] if len(steps) == len(tokens) else None
        if node is None:
            raise KeyError(f"no question at {pointer!r}")  # scopes are checked at load()
        if len(tokens) == 1:
            return node, None, ""
        in_row = steps[-2][2] is None
        parent = join(tokens[:-2]) if in_row else join(tokens[:-1])
        return node, parent, join(tokens[:-1])

    # -- answers ----------------------------------------------------------------------------

    def validate(
        self,
        data: Any,
        partial: bool = False,
        context: Mapping[str, Any] | None = None,
        locale: str = "de",
    ) -> list[AnswerError]:
        """One error per question, in form order; hidden questions are cleared first, never judged.

        partial=True (drafts) ignores what is merely missing: required, dependentRequired,
        minItems, minContains.
        """
        shown, hidden = self._scan(data, context)
        # jsonschema only reads: a copy is needed only when hidden answers are taken out.
        cleaned = copy.deepcopy(data) if hidden else data
        for pointer in hidden:
            answers.delete(cleaned, pointer)
        best: dict[str, tuple[int, validation.Problem, Node | None]] = {}
        for problem in validation.problems(self._validator, cleaned, partial):
            pointer, node = self._anchor(problem.pointer)
            if not self._shown(pointer, shown):
                continue
            rank = validation.rank(problem.keyword)
            if pointer not in best or rank < best[pointer][0]:
                best[pointer] = (rank, problem, node)
        return [
            AnswerError(
                pointer, message(p.keyword, self._named(p, locale), locale, node), p.keyword
            )
            for pointer, (_rank, p, node) in sorted(
                best.items(), key=lambda item: self._tree.order_key(item[0])
            )
        ]

    def _named(self, problem: validation.Problem, locale: str) -> dict[str, Any]:
        """The problem's params, with the label of the other question an x-compare names."""
        operand = problem.params.get("operand")
        if problem.keyword != compare.KEYWORD or operand == compare.TODAY:
            return problem.params
        holder = split(problem.pointer)[:-1]
        other = self._tree.node(join([*holder, *operand.split("/")[1:]]))
        return {**problem.params, "other": other.label(locale) if other else operand}

    def _anchor(self, pointer: str) -> tuple[str, Node | None]:
        """The question an error belongs to: errors inside a field (an item of a checkbox list)
        move up to the field."""
        tokens = split(pointer)
        steps = self._tree.walk(pointer)
        for index, (_template, _pos, node) in enumerate(steps):
            if node is not None and node.kind == "field":
                return join(tokens[: index + 1]), node
        full = len(steps) == len(tokens) and steps
        return pointer, (steps[-1][2] if full else None)

    def _shown(self, pointer: str, shown: set[str]) -> bool:
        tokens = split(pointer)
        for index, (_template, _pos, node) in enumerate(self._tree.walk(pointer)):
            if node is not None and join(tokens[: index + 1]) not in shown:
                return False
        return True

    def check_file(
        self,
        pointer: str,
        filename: str,
        mimetype: str,
        size: int,
        locale: str = "de",
        content: bytes | None = None,
    ) -> str | None:
        """A message if the upload does not fit the file question (type, size, content), else None."""
        node = self._tree.node(pointer)
        if node is None or node.widget != "file":
            raise KeyError(f"no file question at {pointer!r}")
        return files.check_file(node, filename, mimetype, size, locale, content)


def _without_hidden_by(nodes: tuple[Node, ...], context: Mapping[str, Any]) -> tuple[Node, ...]:
    """The nodes minus those a context rule hides (decidable before any answer).

    A question whose rule reads a sibling removed that way goes too when a missing value
    hides it: that sibling can never be answered, so the rule can never show it.
    """
    removed: set[str] = set()
    changed = True
    while changed:
        changed = False
        for node in nodes:
            rule = node.rule
            if node.key in removed or rule is None:
                continue
            if rule.context:
                hidden = not rule.shows(context_value(context, rule.path))
            else:
                hidden = bool(rule.path) and rule.path[0] in removed and not rule.shows(MISSING)
            if hidden:
                removed.add(node.key)
                changed = True
    out = []
    for node in nodes:
        if node.key in removed:
            continue
        if node.children:
            node = replace(node, children=_without_hidden_by(node.children, context))
        out.append(node)
    return tuple(out)

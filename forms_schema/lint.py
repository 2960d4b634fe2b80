"""lint(): what a questionnaire editor should see before a draft version is released.

Every problem points INTO the document (e.g. "/properties/sql_port/x-ui/label/en"), so an
editor can show it at the JSON. load() stops at the first problem; lint() goes on: the checks
below read the raw document, so they also run on a document that does not load.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_schema import translations
from forms_schema.errors import SchemaError
from forms_schema.identity import codes, id_pointer, match, read_mapping
from forms_schema.nodes import choice_value
from forms_schema.outline import Outline, Question, outline
from forms_schema.pointers import escape, join, split
from forms_schema.questionnaire import Questionnaire, load
from forms_schema.vocabulary import _META

CODES = (
    "schema",
    "unknown_reference",
    "rule_cycle",
    "duplicate_id",
    "missing_translation",
    "stale_translation",
    "removed_choice_in_use",
)


@dataclass(frozen=True)
class Problem:
    """A problem at a pointer into the document; params let the portal word it in any language."""

    pointer: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


def lint(
    document: Mapping[str, Any] | Questionnaire,
    previous: Mapping[str, Any] | Questionnaire | None = None,
    *,
    mapping: Mapping[str, Any] | None = None,
    in_use: Mapping[str, Collection[Any]] | None = None,
) -> list[Problem]:
    """The problems of a document, in document order; [] when it is ready to be released."""
    doc = document.schema if isinstance(document, Questionnaire) else document
    if not isinstance(doc, Mapping):
        return [Problem("", "schema", "a questionnaire is a JSON Schema object", {})]
    found = outline(doc)
    specific = [
        *_references(found),
        *_cycles(found),
        *_duplicates(found),
        *translations.missing(doc, found, Problem),
    ]
    if previous is not None:
        before = previous.schema if isinstance(previous, Questionnaire) else previous
        old = outline(before)
        plan = read_mapping(mapping)
        matched = match(old, found, plan, strict=False)
        pairs = [(q, matched[q.template]) for q in old.questions if q.template in matched]
        specific += translations.stale(before, doc, pairs, Problem)
        if in_use:
            specific += _removed_choices(pairs, plan, in_use)
    # A specific problem says more than load()'s message at the same place.
    taken = {p.pointer for p in specific}
    general = [p for p in _schema(doc) if p.pointer not in taken]
    return sorted([*general, *specific], key=lambda p: (_position(doc, p.pointer), p.code))


def _schema(doc: Mapping[str, Any]) -> list[Problem]:
    """load()'s first problem, and every metaschema violation (those need no tree)."""
    out: dict[str, Problem] = {}
    for error in _META.iter_errors(doc):
        at = join(error.absolute_path)
        out.setdefault(at, Problem(at, "schema", error.message, {"message": error.message}))
    try:
        load(doc)
    except SchemaError as exc:
        out.setdefault(
            exc.pointer, Problem(exc.pointer, "schema", exc.message, {"message": exc.message})
        )
    return list(out.values())


def _unknown(at: str, name: str, what: str) -> Problem:
    return Problem(
        at,
        "unknown_reference",
        f"{what}: {name!r} names no question here",
        {"name": name, "what": what},
    )


def _target(found: Outline, holder: str, path: list[str]) -> Question | None:
    """The question a path ("server", "ram_gb") names from a holding object, through groups."""
    current = None
    template = holder
    for key in path:
        if current is not None and current.kind != "group":
            return None
        template = f"{template}/{key}"
        current = found.by_template.get(template)
        if current is None:
            return None
    return current


def _scope_path(scope: Any) -> list[str] | None:
    """["a", "b"] for "#/properties/a/properties/b"; None for context scopes and junk."""
    if not isinstance(scope, str) or not scope.startswith("#/properties/"):
        return None
    tokens = scope[2:].split("/")
    if len(tokens) % 2 or any(t != "properties" for t in tokens[0::2]):
        return None
    return tokens[1::2]


def _rule_of(q: Question) -> tuple[list[str], str] | None:
    """(scope path, pointer of the scope) of a question's answer-driven rule."""
    rule = q.ui.get("rule")
    condition = rule.get("condition") if isinstance(rule, Mapping) else None
    path = _scope_path(condition.get("scope")) if isinstance(condition, Mapping) else None
    if path is None:
        return None
    return path, f"{q.ui_where['rule']}/rule/condition/scope"


def _references(found: Outline) -> list[Problem]:
    """unknown_reference: names in required, if/then/else, dependentRequired, rules, x-compare,
    and pages, that do not exist."""
    out: dict[str, Problem] = {}

    def names(values: Any, at: str, known: Collection[str], what: str) -> None:
        for index, name in enumerate(values if isinstance(values, list) else ()):
            if name not in known:
                out.setdefault(f"{at}/{index}", _unknown(f"{at}/{index}", name, what))

    for holder in found.holders:
        schema, known = holder.schema, holder.names
        names(
            schema.get("required"),
            holder.where.get("required", "") + "/required",
            known,
            "required",
        )
        dependent = schema.get("dependentRequired")
        at = holder.where.get("dependentRequired", "") + "/dependentRequired"
        for key, values in dependent.items() if isinstance(dependent, Mapping) else ():
            here = f"{at}/{escape(key)}"
            if key not in known:
                out.setdefault(here, _unknown(here, key, "dependentRequired"))
            names(values, here, known, "dependentRequired")
        all_of = schema.get("allOf")
        at = holder.where.get("allOf", "") + "/allOf"
        for index, sub in enumerate(all_of if isinstance(all_of, list) else ()):
            for branch in ("if", "then", "else"):
                part = sub.get(branch) if isinstance(sub, Mapping) else None
                if not isinstance(part, Mapping):
                    continue
                here = f"{at}/{index}/{branch}"
                names(part.get("required"), f"{here}/required", known, branch)
                props = part.get("properties")
                for name in props if isinstance(props, Mapping) else ():
                    if name not in known:
                        at_prop = f"{here}/properties/{escape(name)}"
                        out.setdefault(at_prop, _unknown(at_prop, name, branch))
    for q in found.questions:
        ruled = _rule_of(q)
        if ruled and _target(found, q.holder, ruled[0]) is None:
            out.setdefault(ruled[1], _unknown(ruled[1], "/".join(ruled[0]), "rule"))
        ops = q.schema.get("x-compare")
        for op, operand in ops.items() if isinstance(ops, Mapping) else ():
            if isinstance(operand, str) and operand.startswith("1/"):
                path = operand.split("/")[1:]
                if _target(found, q.holder, path) is None:
                    at = f"{q.where['x-compare']}/x-compare/{op}"
                    out.setdefault(at, _unknown(at, operand, "x-compare"))
        page = q.ui.get("page")
        if q.parent is None and isinstance(page, str) and page not in found.pages:
            at = f"{q.ui_where['page']}/page"
            out.setdefault(at, _unknown(at, page, "page"))
    return list(out.values())


def _cycles(found: Outline) -> list[Problem]:
    """rule_cycle: rules (and the groups holding them) that depend on each other in a circle."""
    edges: dict[str, list[str]] = {}
    for q in found.questions:
        deps = [q.parent] if q.parent else []
        ruled = _rule_of(q)
        target = _target(found, q.holder, ruled[0]) if ruled else None
        if target is not None:
            deps.append(target.template)
        edges[q.template] = deps
    out: dict[str, Problem] = {}
    for component in _strong(edges):
        cycle = [t for t in edges if t in component]  # document order
        for template in cycle:
            q = found.by_template[template]
            ruled = _rule_of(q)
            target = _target(found, q.holder, ruled[0]) if ruled else None
            if target is not None and target.template in component:
                message = "this rule depends on its own question: " + " -> ".join(cycle)
                out.setdefault(ruled[1], Problem(ruled[1], "rule_cycle", message, {"cycle": cycle}))
    return list(out.values())


def _strong(edges: dict[str, list[str]]) -> list[set[str]]:
    """The strongly connected parts that hold a cycle (Tarjan; forms are small)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            part: set[str] = set()
            while True:
                top = stack.pop()
                part.add(top)
                if top == node:
                    break
            if len(part) > 1 or node in edges.get(node, ()):
                out.append(part)

    for node in edges:
        if node not in index:
            visit(node)
    return out


def _duplicates(found: Outline) -> list[Problem]:
    """duplicate_id: a second question with an identity an earlier one has."""
    first: dict[str, Question] = {}
    out: dict[str, Problem] = {}
    for q in found.questions:
        other = first.setdefault(q.identity, q)
        if other is not q:
            at = id_pointer(q)
            message = f"identity {q.identity!r} is also that of {other.template}"
            params = {"identity": q.identity, "other": other.template}
            out.setdefault(at, Problem(at, "duplicate_id", message, params))
    return list(out.values())


def _removed_choices(pairs, plan, in_use: Mapping[str, Collection[Any]]) -> list[Problem]:
    """removed_choice_in_use: a choice answers hold is gone and has no recode."""
    out: dict[str, Problem] = {}
    for old, new in pairs:
        if old.enum is None or new.enum is None:
            continue
        held = in_use.get(old.identity, in_use.get(old.template, ()))
        held_keys = set()
        for value in held or ():
            for item in value if isinstance(value, list) else [value]:
                held_keys.add(choice_value(item))
        gone = set(codes(old.enum)) - set(codes(new.enum)) - set(plan.recode(old, new))
        for key in codes(old.enum):
            if key in gone and key in held_keys:
                at = new.enum_at
                message = f"choice {key!r} of {new.template} is removed, but answers hold it"
                params = {"choice": key, "question": new.template, "identity": old.identity}
                out.setdefault(f"{at}#{key}", Problem(at, "removed_choice_in_use", message, params))
    return list(out.values())


def _position(document: Any, pointer: str) -> tuple[tuple[int, str], ...]:
    """Sort key: where a pointer is in the document (missing places after their siblings)."""
    out = []
    node = document
    for token in split(pointer):
        if isinstance(node, Mapping) and token in node:
            out.append((list(node).index(token), ""))
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            out.append((int(token), ""))
            node = node[int(token)]
        else:
            out.append((len(node) if isinstance(node, Mapping | list) else 0, token))
            node = None
    return tuple(out)

"""What a key rename must follow: every place of the document that names the question by its key.

Rule scopes (`#/properties/a/properties/b`) and `x-compare` operands (`1/a/b`) are relative to
the object holding the question that carries them, and may reach down through groups; `required`,
`dependentRequired`, `allOf` `if`/`then`/`else` and a repeating group's `contains` name keys of
their own object. What is not followed here (a name in a free-form condition schema) is left
as written, and lint() reports it as an unknown reference.
"""

from typing import Any

from portal.services.studio.editing.tree import children_holder, resolved, rows_of


def routes(document: dict, target: dict) -> list[tuple[dict, list[str]]]:
    """(object, keys through groups from it to target) for every object that reaches target."""
    found: list[tuple[dict, list[str]]] = []
    for node in _holders(document):
        _reach(document, node, node, [], target, found, 0)
    return found


def _holders(document: dict) -> list[dict]:
    """Every object holding questions: the root, groups, rows and $defs objects (each once)."""
    seen: dict[int, dict] = {}
    todo = [document]
    defs = document.get("$defs")
    if isinstance(defs, dict):
        todo += [d for d in defs.values() if isinstance(d, dict)]
    while todo:
        node = todo.pop()
        if id(node) in seen or not isinstance(node.get("properties"), dict):
            continue
        seen[id(node)] = node
        for prop in node["properties"].values():
            below = children_holder(document, prop) if isinstance(prop, dict) else None
            if below is not None:
                todo.append(below)
    return list(seen.values())


def _reach(document, start, node, keys, target, found, depth) -> None:
    if depth > 16:
        return
    if node is target:
        found.append((start, keys))
    for key, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        below = resolved(document, prop)
        if below.get("type") == "object" and isinstance(below.get("properties"), dict):
            _reach(document, start, below, [*keys, key], target, found, depth + 1)


def rename(document: dict, parent: dict, old: str, new: str) -> None:
    """Make every reference to parent's question `old` name `new` (in place)."""
    for start, keys in routes(document, parent):
        _scopes(document, start, [*keys, old], [*keys, new])
        for section in _conditionals(start):
            _in_subschema(section, keys, old, new)
    for node in _holders(document):
        for prop in node["properties"].values():
            if isinstance(prop, dict) and rows_of(document, prop) is parent:
                _in_subschema(prop.get("contains"), [], old, new)
    _own_lists(parent, old, new)


def _own_lists(node: dict, old: str, new: str) -> None:
    if isinstance(node.get("required"), list):
        node["required"] = [new if k == old else k for k in node["required"]]
    depends = node.get("dependentRequired")
    if isinstance(depends, dict):
        node["dependentRequired"] = {
            (new if k == old else k): [new if v == old else v for v in vs]
            if isinstance(vs, list)
            else vs
            for k, vs in depends.items()
        }


def _conditionals(node: dict) -> list[Any]:
    sections = []
    for entry in node.get("allOf") or []:
        if isinstance(entry, dict):
            sections += [entry.get(word) for word in ("if", "then", "else")]
    return sections


def _in_subschema(schema: Any, keys: list[str], old: str, new: str) -> None:
    """Rename old to new in `properties` and `required` of schema, reached through keys."""
    for key in keys:
        if not isinstance(schema, dict):
            return
        schema = (schema.get("properties") or {}).get(key)
    if not isinstance(schema, dict):
        return
    props = schema.get("properties")
    if isinstance(props, dict) and old in props:
        schema["properties"] = {(new if k == old else k): v for k, v in props.items()}
    _own_lists(schema, old, new)


def _scopes(document: dict, start: dict, old: list[str], new: list[str]) -> None:
    """Rule scopes and x-compare operands of start's questions that lead to old."""
    old_scope = "#" + "".join(f"/properties/{k}" for k in old)
    new_scope = "#" + "".join(f"/properties/{k}" for k in new)
    old_operand, new_operand = "1/" + "/".join(old), "1/" + "/".join(new)
    for prop in (start.get("properties") or {}).values():
        if not isinstance(prop, dict):
            continue
        for schema in {id(s): s for s in (prop, resolved(document, prop))}.values():
            ui = schema.get("x-ui")
            rule = ui.get("rule") if isinstance(ui, dict) else None
            condition = rule.get("condition") if isinstance(rule, dict) else None
            if isinstance(condition, dict):
                scope = condition.get("scope")
                if scope == old_scope or str(scope).startswith(old_scope + "/"):
                    condition["scope"] = new_scope + scope[len(old_scope) :]
            compare = schema.get("x-compare")
            if isinstance(compare, dict):
                for op, operand in compare.items():
                    if operand == old_operand or str(operand).startswith(old_operand + "/"):
                        compare[op] = new_operand + operand[len(old_operand) :]

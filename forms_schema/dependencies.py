"""Checks of rule scopes across the tree: every scope names a question, and nothing depends on itself."""

from forms_schema.errors import SchemaError
from forms_schema.nodes import Node


def check_scopes(nodes: tuple[Node, ...]) -> None:
    """Every scope names a property next to its node (or below such a group)."""
    for node in nodes:
        rule = node.rule
        if rule is not None and not rule.context and _find(nodes, rule.path) is None:
            raise SchemaError(
                f"{rule.source}/condition/scope",
                f"{rule.scope!r} names no question in the object holding {node.key!r}",
            )
        if node.kind in ("group", "repeat"):
            check_scopes(node.children)


def check_cycles(roots: tuple[Node, ...]) -> None:
    """A node may not depend (through rules and parents) on itself."""
    # template -> [(template it depends on, the node whose rule makes the edge or None)]
    edges: dict[str, list[tuple[str, Node | None]]] = {}

    def collect(nodes: tuple[Node, ...], holder: str, parent: str | None) -> None:
        for node in nodes:
            deps: list[tuple[str, Node | None]] = []
            if parent is not None:
                deps.append((parent, None))
            if node.rule is not None and not node.rule.context:
                deps.append((holder + "".join("/" + k for k in node.rule.path), node))
            edges[node.pointer_template] = deps
            if node.kind == "group":
                collect(node.children, node.pointer_template, node.pointer_template)
            elif node.kind == "repeat":
                collect(node.children, node.pointer_template + "/*", node.pointer_template)

    collect(roots, "", None)
    done: set[str] = set()
    path: list[tuple[str, Node | None]] = []  # (template, rule node of the edge leaving it)

    def visit(template: str) -> None:
        on_path = [t for t, _n in path]
        if template in on_path:
            cycle = path[on_path.index(template) :]
            ruled = next(n for _t, n in cycle if n is not None and n.rule is not None)
            raise SchemaError(
                f"{ruled.rule.source}/condition/scope", "this rule depends on its own question"
            )
        if template in done:
            return
        for target, ruled in edges[template]:
            path.append((template, ruled))
            visit(target)
            path.pop()
        done.add(template)

    for template in edges:
        visit(template)


def _find(nodes: tuple[Node, ...], path: tuple[str, ...]) -> Node | None:
    current: Node | None = None
    for key in path:
        current = next((n for n in nodes if n.key == key), None)
        if current is None:
            return None
        nodes = current.children if current.kind == "group" else ()
    return current

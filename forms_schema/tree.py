"""The questionnaire's node tree with lookups by concrete pointer ("/contacts/1/email")."""

from typing import Any

from forms_schema.nodes import Node, Page
from forms_schema.pointers import split


class Tree:
    """The questionnaire's nodes in form order, with lookups by pointer."""

    def __init__(self, roots: tuple[Node, ...], pages: tuple[Page, ...]) -> None:
        self.roots = roots
        self.pages = pages
        self.by_template: dict[str, Node] = {}
        # template of the holder ("" root, group, "/contacts/*" row) -> {key: (position, node)}
        self._kids: dict[str, dict[str, tuple[int, Node]]] = {}
        self._index("", roots)

    def _index(self, holder: str, nodes: tuple[Node, ...]) -> None:
        self._kids[holder] = {node.key: (pos, node) for pos, node in enumerate(nodes)}
        for node in nodes:
            self.by_template[node.pointer_template] = node
            if node.kind == "group":
                self._index(node.pointer_template, node.children)
            elif node.kind == "repeat":
                self._index(node.pointer_template + "/*", node.children)

    def walk(self, pointer: str) -> list[tuple[str, int, Node | None]]:
        """Per token: the template so far, the sort position, and the node (None for a row).

        Stops early when the pointer leaves the tree.
        """
        out: list[tuple[str, int, Node | None]] = []
        template, node = "", None
        for token in split(pointer):
            if node is not None and node.kind == "repeat":
                if not token.isdigit():
                    break
                template += "/*"
                out.append((template, int(token), None))
                node = None
                continue
            found = self._kids.get(template, {}).get(token)
            if found is None:
                break
            template = found[1].pointer_template
            node = found[1]
            out.append((template, found[0], node))
        return out

    def node(self, pointer: str) -> Node | None:
        """The node a concrete pointer (or template) names, None for rows and unknown pointers."""
        if pointer in self.by_template:
            return self.by_template[pointer]
        steps = self.walk(pointer)
        if len(steps) != len(split(pointer)):
            return None
        return steps[-1][2] if steps else None

    def order_key(self, pointer: str) -> tuple[tuple[int, Any], ...]:
        """Sort key putting pointers in form order (unknown tokens last, by name)."""
        tokens = split(pointer)
        steps = self.walk(pointer)
        known = tuple((0, position) for _t, position, _n in steps)
        return known + tuple((1, token) for token in tokens[len(steps) :])

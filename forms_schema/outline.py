"""The questions of a raw document, found without load(): where each is written, its template
and its identity.

The walk is tolerant on purpose: lint() reads documents that do not load, so broken parts
(a property that is no object, a $ref that does not resolve or loops) are skipped, never raised.
For a document that loads, templates and order agree with the Questionnaire's nodes (declared
order, not x-ui.order).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_schema.check import ref_target, resolve
from forms_schema.pointers import escape

_MAX_DEPTH = 32  # a form never nests this deep; stops $ref chains a broken document may loop


@dataclass(frozen=True)
class Question:
    """One question (field, group or repeating group) as written in the document."""

    key: str
    id: str
    identity: str
    template: str  # "/contacts/*/name", as Node.pointer_template
    pointer: str  # the property in the document, e.g. "/$defs/contact/properties/name"
    kind: str  # "field", "group" or "repeat"
    holder: str  # template of the object holding it: "" (root), "/server", "/contacts/*"
    parent: str | None  # template of the parent question, None at the top
    page: str
    required: bool
    schema: Mapping[str, Any] = field(repr=False)  # merged through $ref, x-ui merged too
    where: Mapping[str, str] = field(repr=False)  # keyword -> schema object holding it
    ui_where: Mapping[str, str] = field(repr=False)  # x-ui key -> x-ui object holding it
    items: Mapping[str, Any] | None = field(default=None, repr=False)  # a list's items, merged
    items_where: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def ui(self) -> Mapping[str, Any]:
        """The merged x-ui block ({} when there is none)."""
        ui = self.schema.get("x-ui")
        return ui if isinstance(ui, Mapping) else {}

    @property
    def enum(self) -> list[Any] | None:
        """The choices of a choice question or checkbox list, None for other questions."""
        enum = (self.items if self.items is not None else self.schema).get("enum")
        return list(enum) if isinstance(enum, list) else None

    @property
    def enum_at(self) -> str:
        """Where the choices are written in the document."""
        if self.items is not None:
            return self.items_where.get("enum", self.pointer + "/items") + "/enum"
        return self.where.get("enum", self.pointer) + "/enum"


@dataclass(frozen=True)
class Holder:
    """An object holding questions: the root, a group, or the rows of a repeating group."""

    template: str
    schema: Mapping[str, Any] = field(repr=False)
    where: Mapping[str, str] = field(repr=False)
    names: tuple[str, ...] = ()


@dataclass
class Outline:
    """All questions in document order (depth first) and the objects holding them."""

    questions: list[Question]
    holders: list[Holder]
    pages: list[str]

    def __post_init__(self) -> None:
        self.by_template = {q.template: q for q in self.questions}


def outline(document: Any) -> Outline:
    """The questions of a document (loaded or not), in document order."""
    if not isinstance(document, Mapping):
        return Outline([], [], [])
    ui = document.get("x-ui")
    pages_raw = ui.get("pages") if isinstance(ui, Mapping) else None
    pages = [
        p["key"]
        for p in (pages_raw if isinstance(pages_raw, list) else ())
        if isinstance(p, Mapping) and isinstance(p.get("key"), str)
    ] or ["main"]
    walk = _Walk(document, pages)
    walk.object(document, {key: "" for key in document}, "", None, "", None, (), 0)
    return Outline(walk.questions, walk.holders, pages)


def merged(document: Any, schema: Mapping[str, Any], pointer: str, stack: tuple[str, ...] = ()):
    """(schema merged with its $ref target, keyword -> where, x-ui key -> where, $ref stack)."""
    where = {key: pointer for key in schema}
    own_ui = schema.get("x-ui")
    ui_where = {k: f"{pointer}/x-ui" for k in own_ui} if isinstance(own_ui, Mapping) else {}
    ref = schema.get("$ref")
    if not isinstance(ref, str):
        return schema, where, ui_where, stack
    try:
        target = ref_target(ref)
        base = resolve(document, target)
    except (ValueError, KeyError):
        return schema, where, ui_where, stack
    if target in stack or not isinstance(base, Mapping) or len(stack) > _MAX_DEPTH:
        return schema, where, ui_where, stack
    base, base_where, base_ui_where, stack = merged(document, base, target, (*stack, target))
    out = {**base, **{k: v for k, v in schema.items() if k != "$ref"}}
    base_ui = base.get("x-ui")
    if isinstance(base_ui, Mapping) or isinstance(own_ui, Mapping):
        out["x-ui"] = {
            **(base_ui if isinstance(base_ui, Mapping) else {}),
            **(own_ui if isinstance(own_ui, Mapping) else {}),
        }
    if isinstance(base.get("required"), list) and isinstance(schema.get("required"), list):
        out["required"] = [*base["required"], *schema["required"]]
    where = {**base_where, **{k: pointer for k in schema if k != "$ref"}}
    return out, where, {**base_ui_where, **ui_where}, stack


class _Walk:
    def __init__(self, document: Mapping[str, Any], pages: list[str]) -> None:
        self.document = document
        self.pages = pages
        self.questions: list[Question] = []
        self.holders: list[Holder] = []

    def object(self, schema, where, template, parent, identity, page, stack, depth) -> None:
        props = schema.get("properties")
        if not isinstance(props, Mapping) or depth > _MAX_DEPTH:
            return
        self.holders.append(Holder(template, schema, where, tuple(props)))
        at = where.get("properties", "") + "/properties"
        required = schema.get("required")
        required = set(required) if isinstance(required, list) else set()
        for name, sub in props.items():
            if isinstance(sub, Mapping) and isinstance(name, str):
                pointer = f"{at}/{escape(name)}"
                self.question(
                    name,
                    sub,
                    pointer,
                    (template, parent, identity, page),
                    name in required,
                    stack,
                    depth,
                )

    def question(self, name, sub, pointer, context, required, stack, depth) -> None:
        holder, parent, parent_identity, page = context
        schema, where, ui_where, stack = merged(self.document, sub, pointer, stack)
        ui = schema.get("x-ui") if isinstance(schema.get("x-ui"), Mapping) else {}
        own = ui.get("id")
        qid = own if isinstance(own, str) and own else name
        if parent is None:
            given = ui.get("page")
            page = given if isinstance(given, str) else self.pages[0]
        items, items_where, items_stack = None, {}, stack
        kind = "field"
        if schema.get("type") == "object":
            kind = "group"
        elif schema.get("type") == "array" and isinstance(schema.get("items"), Mapping):
            items_at = where.get("items", pointer) + "/items"
            items, items_where, _ui, items_stack = merged(
                self.document, schema["items"], items_at, stack
            )
            kind = "repeat" if items.get("type") == "object" else "field"
        q = Question(
            key=name,
            id=qid,
            identity=f"{parent_identity}/{qid}" if parent_identity else qid,
            template=f"{holder}/{name}",
            pointer=pointer,
            kind=kind,
            holder=holder,
            parent=parent,
            page=page,
            required=required,
            schema=schema,
            where=where,
            ui_where=ui_where,
            items=items,
            items_where=items_where,
        )
        self.questions.append(q)
        inner = (q.template, q.template, q.identity, q.page)
        if kind == "group":
            self.object(q.schema, q.where, *inner, stack, depth + 1)
        elif kind == "repeat" and items is not None:
            self.object(items, items_where, q.template + "/*", *inner[1:], items_stack, depth + 1)

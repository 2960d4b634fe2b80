"""Build the Node tree of a checked document: resolve $ref, pick widgets, check what needs context."""

import math
from collections.abc import Mapping
from typing import Any, NamedTuple

from jsonschema import Draft202012Validator

from forms_schema import compare
from forms_schema.check import ref_target, resolve
from forms_schema.dependencies import check_cycles, check_scopes
from forms_schema.errors import SchemaError
from forms_schema.formats import FORMAT_CHECKER
from forms_schema.nodes import Node, Page, choice_value
from forms_schema.pointers import escape
from forms_schema.rules import Rule
from forms_schema.tree import Tree
from forms_schema.vocabulary import DEFAULT_MAX_SIZE, NAME

# Attributes of wtforms.Form (and Flask-WTF's FlaskForm) that a field of the same name would shadow.
RESERVED = frozenset(
    {"data", "errors", "meta", "populate_obj", "post_process", "process", "validate"}
    | {"form_errors", "csrf_token", "hidden_tag", "is_submitted", "validate_on_submit"}
)
_STRING_WIDGETS = ("text", "textarea", "email", "url", "date", "file")
_BY_FORMAT = {"email": "email", "uri": "url", "date": "date"}
_PLACEHOLDER_WIDGETS = ("text", "textarea", "email", "url", "number", "select", "date")


class _Shape(NamedTuple):
    kind: str
    widget: str
    items: Mapping[str, Any] | None = None
    items_where: dict[str, str] | None = None
    items_at: str = ""
    items_stack: tuple[str, ...] = ()


def build(document: Mapping[str, Any]) -> Tree:
    """The tree of a document that passed check_document()."""
    return _Builder(document).tree()


class _Builder:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        ui = document.get("x-ui", {})
        declared = ui.get("pages")
        if declared:
            self.pages = tuple(Page(p["key"], p["title"]) for p in declared)
        else:
            self.pages = (Page("main", ui.get("title") or document.get("title", "")),)
        self.page_keys = [page.key for page in self.pages]

    def tree(self) -> Tree:
        where = {key: "" for key in self.document}
        roots = self.properties(self.document, where, "", "", (), None)
        roots = tuple(
            sorted(roots, key=lambda n: self.page_keys.index(n.page))  # stable: keeps x-ui.order
        )
        check_scopes(roots)
        check_cycles(roots)
        return Tree(roots, self.pages)

    # -- $ref -------------------------------------------------------------------------------

    def resolve(self, schema: Mapping[str, Any], pointer: str, stack: tuple[str, ...]):
        """(merged schema, where each key came from, where each x-ui key came from, ref stack)."""
        where = {key: pointer for key in schema}
        ui_where = {key: f"{pointer}/x-ui" for key in schema.get("x-ui", {})}
        if "$ref" not in schema:
            return schema, where, ui_where, stack
        target = ref_target(schema["$ref"])
        if target in stack:
            raise SchemaError(
                f"{pointer}/$ref", "this $ref contains itself; a form cannot nest forever"
            )
        base = resolve(self.document, target)
        if not isinstance(base, Mapping):
            raise SchemaError(f"{pointer}/$ref", "a question's $ref must name a schema object")
        base, base_where, base_ui_where, stack = self.resolve(base, target, (*stack, target))
        merged = {**base, **{k: v for k, v in schema.items() if k != "$ref"}}
        if "x-ui" in base or "x-ui" in schema:
            merged["x-ui"] = {**base.get("x-ui", {}), **schema.get("x-ui", {})}
        if "required" in base and "required" in schema:
            merged["required"] = [*base["required"], *schema["required"]]
        where = {**base_where, **{k: pointer for k in schema if k != "$ref"}}
        return merged, where, {**base_ui_where, **ui_where}, stack

    # -- nodes ------------------------------------------------------------------------------

    def properties(self, schema, where, pointer, template, stack, page) -> tuple[Node, ...]:
        """The nodes of an object schema's properties, in x-ui.order then declared order."""
        props = schema.get("properties", {})
        at = where.get("properties", pointer) + "/properties"
        self.check_required(schema, where, pointer, props)
        required = set(schema.get("required", ()))
        nodes = [
            self.node(
                name,
                sub,
                f"{at}/{escape(name)}",
                f"{template}/{name}",
                name in required,
                stack,
                page,
            )
            for name, sub in props.items()
        ]
        # x-compare names questions of this object, so it is checked once they are all built.
        compare.check_nodes(
            tuple(nodes), {name: f"{at}/{escape(name)}/{compare.KEYWORD}" for name in props}
        )
        # Questions with x-ui.order come first, ascending; the others keep their declared order.
        return tuple(sorted(nodes, key=lambda n: n.schema.get("x-ui", {}).get("order", math.inf)))

    def node(self, name, schema, pointer, template, required, stack, page) -> Node:
        if not NAME.fullmatch(name):
            raise SchemaError(pointer, f"property name {name!r} must match ^[a-z][a-z0-9_]*$")
        if name in RESERVED:
            raise SchemaError(pointer, f"property name {name!r} is reserved by WTForms")
        if not isinstance(schema, Mapping):
            raise SchemaError(pointer, "a question is a schema object")
        merged, where, ui_where, stack = self.resolve(schema, pointer, stack)
        ui = merged.get("x-ui", {})
        page = self.page_of(ui, ui_where, page)
        shape = self.shape(merged, where, ui, ui_where, pointer, stack)
        kind, widget, items = shape.kind, shape.widget, shape.items
        typ = merged["type"]
        self.check_placement(ui, ui_where, widget, merged, items)
        children: tuple[Node, ...] = ()
        if kind == "group":
            if not merged.get("properties"):
                raise SchemaError(pointer, "an object needs properties (its questions)")
            children = self.properties(merged, where, pointer, template, stack, page)
        elif kind == "repeat":
            if not items.get("properties"):
                raise SchemaError(shape.items_at, "the rows of a repeating group need properties")
            children = self.properties(
                items, shape.items_where, shape.items_at, f"{template}/*", shape.items_stack, page
            )
        if items is not None:
            enum_at = shape.items_where.get("enum", shape.items_at) + "/enum"
        else:
            enum_at = where.get("enum", pointer) + "/enum"
        enum = tuple((items or merged).get("enum", ()))
        self.check_enum(enum, ui, ui_where, enum_at)
        texts = {
            "label": ui.get("label") or merged.get("title") or name,
            "help": ui.get("help") or merged.get("description") or "",
        }
        texts.update({k: ui[k] for k in ("placeholder", "add_label", "row_label") if k in ui})
        is_array = typ == "array"
        return Node(
            key=name,
            kind=kind,
            widget=widget,
            type=typ,
            pointer_template=template,
            page=page,
            required=required,
            children=children,
            min_items=merged.get("minItems") if is_array else None,
            max_items=merged.get("maxItems") if is_array else None,
            accept=tuple(ui.get("accept", ())),
            max_size=ui.get("max_size", DEFAULT_MAX_SIZE) if widget == "file" else None,
            enum=enum,
            texts=texts,
            enum_labels=dict(ui.get("enum_labels", {})),
            schema=merged,
            rule=self.rule(ui.get("rule"), ui_where.get("rule", pointer) + "/rule"),
        )

    def page_of(self, ui, ui_where, page: str | None) -> str:
        if "page" not in ui:
            return page or self.page_keys[0]
        at = ui_where["page"] + "/page"
        if page is not None:
            raise SchemaError(at, "only top-level questions are placed on pages")
        if ui["page"] not in self.page_keys:
            raise SchemaError(at, f"page {ui['page']!r} is not declared in x-ui.pages")
        return ui["page"]

    def shape(self, merged, where, ui, ui_where, pointer, stack) -> "_Shape":
        """Kind and widget of a question, plus the items schema of a list question."""
        typ = merged.get("type")
        type_at = where.get("type", pointer) + "/type"
        if typ is None:
            raise SchemaError(pointer, 'a question needs a "type"')
        if not isinstance(typ, str):
            raise SchemaError(type_at, "a question has exactly one type")
        given = ui.get("widget")
        widget_at = ui_where.get("widget", pointer) + "/widget"
        if typ == "object":
            if given:
                raise SchemaError(
                    widget_at, "an object is a group of questions and takes no widget"
                )
            return _Shape("group", "group")
        if typ == "array":
            return self.list_shape(merged, where, given, widget_at, pointer, stack)
        if typ == "null":
            raise SchemaError(type_at, "null is not a question type")
        if "enum" in merged:
            default = "radio" if len(merged["enum"]) <= 4 else "select"
            allowed: tuple[str, ...] = ("select", "radio")
            what = f"a {typ} with enum"
        elif typ == "string":
            default = _BY_FORMAT.get(merged.get("format", ""), "text")
            allowed, what = _STRING_WIDGETS, "a string"
        elif typ == "boolean":
            default, allowed, what = "yes_no", ("yes_no", "checkbox"), "a boolean"
        else:
            default, allowed, what = (
                "number",
                ("number",),
                "an integer" if typ == "integer" else "a number",
            )
        return _Shape("field", self.fit(given, allowed, what, widget_at, default))

    def list_shape(self, merged, where, given, widget_at, pointer, stack) -> "_Shape":
        items_at = where.get("items", pointer) + "/items"
        raw = merged.get("items")
        if not isinstance(raw, Mapping):
            raise SchemaError(items_at, "a list question needs an items schema")
        items, items_where, _, items_stack = self.resolve(raw, items_at, stack)
        if items.get("type") == "object":
            if given:
                raise SchemaError(widget_at, "a repeating group takes no widget")
            return _Shape("repeat", "repeat", items, items_where, items_at, items_stack)
        if "enum" in items and items.get("type") in ("string", "integer", "number"):
            widget = self.fit(given, ("checkboxes",), "a list of choices", widget_at, "checkboxes")
            return _Shape("field", widget, items, items_where, items_at, items_stack)
        raise SchemaError(
            items_at, "a list holds objects (repeating group) or enum choices (checkboxes)"
        )

    @staticmethod
    def fit(given, allowed, what: str, at: str, default: str) -> str:
        if given is None:
            return default
        if given not in allowed:
            raise SchemaError(
                at, f"widget {given!r} does not fit {what}; use one of {', '.join(allowed)}"
            )
        return given

    def check_placement(self, ui, ui_where, widget, merged, items) -> None:
        """Keys that only make sense for some widgets must not sit silently elsewhere."""
        misplaced = {
            "accept": widget != "file",
            "max_size": widget != "file",
            "add_label": widget != "repeat",
            "row_label": widget != "repeat",
            "enum_labels": "enum" not in (items or merged),
            "placeholder": widget not in _PLACEHOLDER_WIDGETS,
        }
        for key, wrong in misplaced.items():
            if wrong and key in ui:
                raise SchemaError(
                    f"{ui_where[key]}/{key}", f"{key} does not apply to a {widget} question"
                )

    @staticmethod
    def check_enum(enum, ui, ui_where, enum_at: str) -> None:
        seen: set[str] = set()
        for index, value in enumerate(enum):
            if not isinstance(value, str | int | float | bool):
                raise SchemaError(f"{enum_at}/{index}", "choices are strings, numbers or booleans")
            key = choice_value(value)
            if key in seen:
                raise SchemaError(f"{enum_at}/{index}", f"choice {key!r} appears twice")
            seen.add(key)
        for key in ui.get("enum_labels", {}):
            if key not in seen:
                raise SchemaError(
                    f"{ui_where['enum_labels']}/enum_labels/{key}",
                    f"{key!r} is not one of the enum values",
                )

    def check_required(self, schema, where, pointer, props) -> None:
        """Names in required, if/then/else and dependentRequired must be questions of this object."""

        def names(values, at: str) -> None:
            for index, name in enumerate(values or ()):
                if name not in props:
                    raise SchemaError(f"{at}/{index}", f"{name!r} is not a property here")

        names(schema.get("required"), where.get("required", pointer) + "/required")
        for index, sub in enumerate(schema.get("allOf", ())):
            at = where.get("allOf", pointer) + f"/allOf/{index}"
            for branch in ("if", "then", "else"):
                part = sub.get(branch) if isinstance(sub, Mapping) else None
                if isinstance(part, Mapping):
                    names(part.get("required"), f"{at}/{branch}/required")
        dependent = schema.get("dependentRequired", {})
        at = where.get("dependentRequired", pointer) + "/dependentRequired"
        for key, values in dependent.items():
            if key not in props:
                raise SchemaError(f"{at}/{escape(key)}", f"{key!r} is not a property here")
            names(values, f"{at}/{escape(key)}")

    @staticmethod
    def rule(rule: Mapping[str, Any] | None, source: str) -> Rule | None:
        if rule is None:
            return None
        scope = rule["condition"]["scope"]
        context = scope.startswith("#/context/")
        tokens = scope[2:].split("/")
        return Rule(
            show=rule["effect"] == "SHOW",
            context=context,
            path=tuple(tokens[1:]) if context else tuple(tokens[1::2]),
            scope=scope,
            source=source,
            condition=Draft202012Validator(
                rule["condition"]["schema"], format_checker=FORMAT_CHECKER
            ),
        )

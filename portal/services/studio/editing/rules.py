"""Visibility rules built from a few conditions, and read back for the form.

A rule (forms_schema/README.md, "Rules") shows or hides a question when the value at `scope`
validates against a schema. The editor writes these conditions:

| condition  | schema                          | fits                          |
|------------|---------------------------------|-------------------------------|
| `equals`   | `{"const": value}`              | text, number, choice          |
| `one_of`   | `{"enum": [values]}`            | text, number, choice          |
| `is_true`  | `{"const": true}`               | yes/no, checkbox              |
| `is_false` | `{"const": false}`              | yes/no, checkbox              |
| `includes` | `{"contains": {"const": v}}`    | checkboxes                    |
| `answered` | `{}` (a missing value never holds) | any question               |

A scope names a question of the same object (the root, the group, or the row), also inside a
group of it (`server/cpu_cores`), or an order fact: `context:deployment`. Other schemas written
by hand are read back as `custom` and kept as they are unless the rule is replaced.
"""

import copy
from dataclasses import dataclass, field
from typing import Any

from portal.services.studio.editing.tree import (
    EditError,
    children_holder,
    choices_of,
    find,
    holder,
    kind_of,
    merged,
    split,
    ui_of,
)

CONDITIONS = ("equals", "one_of", "is_true", "is_false", "includes", "answered")
EFFECTS = ("SHOW", "HIDE")
_FITS = {
    "equals": {"text", "textarea", "email", "url", "date", "integer", "decimal", "select", "radio"},
    "one_of": {"text", "textarea", "email", "url", "date", "integer", "decimal", "select", "radio"},
    "is_true": {"yes_no", "checkbox", "context"},
    "is_false": {"yes_no", "checkbox", "context"},
    "includes": {"checkboxes"},
}


@dataclass(frozen=True)
class Target:
    """A question or order fact a rule may look at."""

    ref: str  # "q:server/cpu_cores" (relative to the rule's object) or "context:deployment"
    kind: str  # the question's kind, "context" for an order fact
    choices: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule as the form shows it."""

    effect: str
    ref: str
    condition: str  # one of CONDITIONS, or "custom"
    values: tuple[Any, ...] = field(default=())
    schema: dict = field(default_factory=dict, compare=False)


def targets(document: dict, path: str, contexts: dict[str, list[str]]) -> list[Target]:
    """What the question's rule may look at: the other questions of its object, then the order facts."""
    keys = split(path)
    found: list[Target] = []

    def walk(node: dict, prefix: list[str]) -> None:
        for key, prop in (node.get("properties") or {}).items():
            if not isinstance(prop, dict) or [*prefix, key] == keys[-1:]:
                continue
            kind = kind_of(document, prop)
            choices = choices_of(document, merged(document, prop))
            if kind != "repeat":
                found.append(Target("q:" + "/".join([*prefix, key]), kind, tuple(choices)))
            if kind == "group":
                walk(children_holder(document, prop) or {}, [*prefix, key])

    walk(holder(document, keys), [])
    found += [
        Target(f"context:{name}", "context", tuple(values)) for name, values in contexts.items()
    ]
    return found


def _scope(ref: str) -> str:
    source, _, name = ref.partition(":")
    if source == "context":
        return f"#/context/{name}"
    return "#" + "".join(f"/properties/{k}" for k in name.split("/"))


def _ref(scope: str) -> str:
    if scope.startswith("#/context/"):
        return "context:" + scope[len("#/context/") :]
    return "q:" + "/".join(scope.split("/")[2::2])


def read_rule(document: dict, path: str) -> Rule | None:
    """The question's own rule as the form shows it, None when it has none."""
    _, _, prop = find(document, path)
    rule = (merged(document, prop).get("x-ui") or {}).get("rule")
    if not isinstance(rule, dict) or not isinstance(rule.get("condition"), dict):
        return None
    scope, schema = rule["condition"].get("scope", ""), rule["condition"].get("schema") or {}
    effect, ref = rule.get("effect", "SHOW"), _ref(str(scope))
    if schema == {}:
        return Rule(effect, ref, "answered", (), schema)
    if set(schema) == {"const"}:
        value = schema["const"]
        if value is True or value is False:
            return Rule(effect, ref, "is_true" if value else "is_false", (), schema)
        return Rule(effect, ref, "equals", (value,), schema)
    if set(schema) == {"enum"} and isinstance(schema["enum"], list):
        return Rule(effect, ref, "one_of", tuple(schema["enum"]), schema)
    inner = schema.get("contains")
    if set(schema) == {"contains"} and isinstance(inner, dict) and set(inner) == {"const"}:
        return Rule(effect, ref, "includes", (inner["const"],), schema)
    return Rule(effect, ref, "custom", (), schema)


def set_rule(
    document: dict,
    path: str,
    effect: str,
    ref: str,
    condition: str,
    values: list[str],
    contexts: dict[str, list[str]],
) -> dict:
    """Give the question this rule (replacing its own one); values are read by the target's kind."""
    out = copy.deepcopy(document)
    if effect not in EFFECTS:
        raise EditError("bad_effect", "effect")
    if condition not in CONDITIONS:
        raise EditError("bad_condition", "condition")
    target = next((t for t in targets(out, path, contexts) if t.ref == ref), None)
    if target is None:
        raise EditError("bad_target", "target")
    if (
        condition != "answered"
        and target.kind not in _FITS[condition]
        and not (target.kind == "context" and condition in ("equals", "one_of"))
    ):
        raise EditError("condition_misfit", "condition")
    typed = [_value(target, v) for v in values if str(v).strip()]
    if condition in ("equals", "includes") and len(typed) != 1:
        raise EditError("one_value", "values")
    if condition == "one_of" and not typed:
        raise EditError("values_needed", "values")
    schema: dict[str, Any] = {
        "equals": lambda: {"const": typed[0]},
        "one_of": lambda: {"enum": typed},
        "is_true": lambda: {"const": True},
        "is_false": lambda: {"const": False},
        "includes": lambda: {"contains": {"const": typed[0]}},
        "answered": lambda: {},
    }[condition]()
    _, _, prop = find(out, path)
    ui_of(prop)["rule"] = {"effect": effect, "condition": {"scope": _scope(ref), "schema": schema}}
    return out


def _value(target: Target, raw: str) -> Any:
    text = str(raw).strip()
    if target.choices:
        for choice in target.choices:
            if str(choice) == text:
                return choice
        raise EditError("not_a_choice", "values", value=text)
    try:
        if target.kind == "integer":
            return int(text)
        if target.kind == "decimal":
            number = float(text.replace(",", "."))
            return int(number) if number.is_integer() else number
    except ValueError:
        raise EditError("bad_number", "values", value=text) from None
    return text


def remove_rule(document: dict, path: str) -> dict:
    """Take the question's own rule away (it is then always shown)."""
    out = copy.deepcopy(document)
    _, _, prop = find(out, path)
    ui = prop.get("x-ui")
    if isinstance(ui, dict):
        ui.pop("rule", None)
    return out

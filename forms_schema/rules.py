"""Visibility rules (JSON Forms style) and their evaluation for one set of answers.

A rule {"effect": "SHOW"|"HIDE", "condition": {"scope": ..., "schema": {...}}} holds when the value
at scope validates against the condition schema. A missing value (or one that is itself hidden)
never satisfies the condition: SHOW then hides, HIDE then shows. Scopes are relative to the object
holding the property (the root, the group, or the row); "#/context/<fact>" reads the order context.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

MISSING: Any = object()


@dataclass(frozen=True)
class Rule:
    """A compiled x-ui.rule."""

    show: bool
    context: bool
    path: tuple[str, ...]
    scope: str
    source: str = field(compare=False)
    condition: Draft202012Validator = field(compare=False, repr=False)

    def shows(self, value: Any) -> bool:
        """Whether the node is visible when the scope holds value (MISSING for no value)."""
        holds = value is not MISSING and self.condition.is_valid(value)
        return holds == self.show


def context_value(context: Mapping[str, Any] | None, path: tuple[str, ...]) -> Any:
    """The order fact at path, or MISSING."""
    value: Any = context or {}
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return MISSING
        value = value[key]
    return value


class Visibility:
    """Decides, pointer by pointer and memoised, which questions are visible for some answers."""

    def __init__(
        self,
        locate: Callable[[str], Any],
        get: Callable[[str], Any],
        context: Mapping[str, Any] | None,
    ) -> None:
        # locate(pointer) -> (node, parent pointer or None, holder pointer); get(pointer) -> value.
        self._locate = locate
        self._get = get
        self._context = context
        self._memo: dict[str, bool] = {}

    def shown(self, pointer: str) -> bool:
        """Whether the node at this concrete pointer is visible."""
        known = self._memo.get(pointer)
        if known is not None:
            return known
        node, parent, holder = self._locate(pointer)
        visible = parent is None or self.shown(parent)
        rule = node.rule
        if visible and rule is not None:
            if rule.context:
                value = context_value(self._context, rule.path)
            else:
                # A hidden controller counts as unanswered: its value is about to be cleared.
                controller = holder + "".join("/" + key for key in rule.path)
                value = self._get(controller) if self.shown(controller) else MISSING
            visible = rule.shows(value)
        self._memo[pointer] = visible
        return visible

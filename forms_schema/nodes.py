"""The UI tree: one Node per question, group and repeating group, and the pages."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_schema import codes
from forms_schema.rules import Rule
from forms_schema.text import Text, localize

_YES_NO: tuple[tuple[str, Text], ...] = (
    ("true", {"de": "Ja", "en": "Yes"}),
    ("false", {"de": "Nein", "en": "No"}),
)
_ADD_LABEL = {"de": "Eintrag hinzufügen", "en": "Add entry"}
_ROW_LABEL = {"de": "Eintrag", "en": "Entry"}


def choice_value(value: Any) -> str:
    """The form value of an enum or boolean answer (true -> "true", 2 -> "2")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class Page:
    """A page of the questionnaire: its key and its title."""

    key: str
    titles: Text = ""

    def title(self, locale: str = "de") -> str:
        """The page title in the locale's language."""
        return localize(self.titles, locale)


@dataclass(frozen=True, eq=False)  # identity: nodes are unique in their tree, and hashable
class Node:
    """A question ("field"), a fieldset ("group") or a repeating group ("repeat")."""

    key: str
    kind: str
    widget: str
    type: str
    pointer_template: str
    page: str
    required: bool = False
    children: tuple["Node", ...] = ()
    min_items: int | None = None
    max_items: int | None = None
    accept: tuple[str, ...] = ()
    max_size: int | None = None
    enum: tuple[Any, ...] = ()
    texts: Mapping[str, Text] = field(default_factory=dict, repr=False)
    enum_labels: Mapping[str, Text] = field(default_factory=dict, repr=False)
    # The property's schema with its $ref resolved (children stay as written).
    schema: Mapping[str, Any] = field(default_factory=dict, repr=False)
    rule: Rule | None = field(default=None, repr=False)

    @property
    def has_rule(self) -> bool:
        """Whether an x-ui.rule makes this node's visibility depend on answers or context."""
        return self.rule is not None

    @property
    def code(self) -> bool:
        """Whether this integer question's answers are codes (x-code): printed as their digits."""
        return codes.is_code(self.schema)

    def label(self, locale: str = "de") -> str:
        """x-ui.label, else title, else the property name."""
        return localize(self.texts.get("label"), locale)

    def help(self, locale: str = "de") -> str:
        """x-ui.help, else description, else ""."""
        return localize(self.texts.get("help"), locale)

    def placeholder(self, locale: str = "de") -> str:
        """x-ui.placeholder or ""."""
        return localize(self.texts.get("placeholder"), locale)

    def add_label(self, locale: str = "de") -> str:
        """The text of a repeating group's "add a row" button."""
        return localize(self.texts.get("add_label", _ADD_LABEL), locale)

    def row_label(self, locale: str = "de") -> str:
        """The caption of one row of a repeating group (the portal adds the row number)."""
        return localize(self.texts.get("row_label", _ROW_LABEL), locale)

    def choices(self, locale: str = "de") -> list[tuple[str, str]]:
        """(form value, label) of every option: enum values, or yes/no for booleans."""
        if self.widget == "yes_no":
            return [(value, localize(text, locale)) for value, text in _YES_NO]
        out = []
        for value in self.enum:
            key = choice_value(value)
            out.append((key, localize(self.enum_labels.get(key), locale) or key))
        return out

    def pointer(self, *rows: int) -> str:
        """The concrete pointer for these row indices: "/contacts/*/name" with 1 -> "/contacts/1/name"."""
        parts = self.pointer_template.split("/")
        if parts.count("*") != len(rows):
            raise ValueError(f"{self.pointer_template} needs {parts.count('*')} row indices")
        numbers = iter(rows)
        return "/".join(str(next(numbers)) if part == "*" else part for part in parts)

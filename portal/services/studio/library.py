"""The studio's one door to forms_schema's diff() and migrate(): their results as plain values.

Everything the studio asks the library about moving answers between versions goes through
here, so that the pages, the records and the tests see dicts and lists, never the library's
dataclasses, and a change of the library's shape is fixed in one place.
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import forms_schema


class MappingError(ValueError):
    """A migration map names a question neither version has, or is not shaped like one."""


@dataclass(frozen=True)
class Moved:
    """Answers under the new version and what happened to each old answer."""

    data: dict[str, Any]
    kept: list[str] = field(default_factory=list)
    # {"old_pointer", "new_pointer", "old_value", "new_value"}
    converted: list[dict[str, Any]] = field(default_factory=list)
    # {"pointer", "value"}
    dropped: list[dict[str, Any]] = field(default_factory=list)


def _mapping(mapping: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not mapping:
        return None
    found = {k: v for k, v in mapping.items() if v}
    return found or None


def changes(old, new, mapping: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """forms_schema.diff() as dicts (kind, pointer, old_pointer, locale, detail)."""
    try:
        found = forms_schema.diff(old, new, mapping=_mapping(mapping))
    except ValueError as error:
        raise MappingError(str(error)) from error
    return [dataclasses.asdict(change) for change in found]


def migrate(data: dict[str, Any], old, new, mapping: Mapping[str, Any] | None = None) -> Moved:
    """forms_schema.migrate(): every old answer kept, converted or dropped (and returned)."""
    try:
        done = forms_schema.migrate(data, old, new, mapping=_mapping(mapping))
    except ValueError as error:
        raise MappingError(str(error)) from error
    return Moved(
        data=done.data,
        kept=list(done.kept),
        converted=[
            {
                "old_pointer": c.old_pointer,
                "new_pointer": c.new_pointer,
                "old_value": c.old_value,
                "new_value": c.new_value,
            }
            for c in done.converted
        ],
        dropped=[{"pointer": d.pointer, "value": d.value} for d in done.dropped],
    )


def suggested_renames(old, new) -> dict[str, str]:
    """Old template -> new template of every question whose identity stayed and whose place
    changed: the renames the stable identities give without a map."""
    before, after = forms_schema.identities(old), forms_schema.identities(new)
    return {
        template: after[identity]
        for identity, template in before.items()
        if identity in after and after[identity] != template
    }


def templates(questionnaire) -> set[str]:
    """Every question's pointer template of a version (to check what an editor types)."""
    return set(forms_schema.identities(questionnaire).values())

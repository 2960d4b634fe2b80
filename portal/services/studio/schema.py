"""The studio's door to forms_schema for drafts: stable ids and the lint, in one place.

diff() and migrate() go through studio/library.py (results as plain values); a library change
touches one of the two modules.
"""

from collections.abc import Collection, Mapping
from typing import Any

import forms_schema
from forms_schema import Problem, SchemaError

__all__ = ["Problem", "SchemaError", "identities", "lint", "with_ids"]


def with_ids(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of a published document with every question's key written down as its id."""
    return forms_schema.with_ids(document)


def identities(source) -> dict[str, str]:
    """identity -> pointer template of a loadable document or a loaded questionnaire."""
    return forms_schema.identities(source)


def lint(
    document: Any,
    previous: Mapping[str, Any] | None,
    *,
    mapping: Mapping[str, Any] | None,
    in_use: Mapping[str, Collection[Any]] | None,
) -> list[Problem]:
    """The problems of a draft ([] when it may be published); a malformed mapping is one too."""
    try:
        return forms_schema.lint(document, previous, mapping=mapping, in_use=in_use)
    except ValueError as error:
        # The mapping (renames, recodes) is checked as it is read: its problem blocks too.
        return [Problem("", "mapping", str(error), {"message": str(error)})]

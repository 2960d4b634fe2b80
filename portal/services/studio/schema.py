"""Every call the studio makes into forms_schema for identities, lint and diff, in one place.

forms_schema grows these functions on branch r-lib (identity, lint, diff, migrate); the studio
reaches them only through here, so a library change touches one module.
"""

from collections.abc import Collection, Mapping
from typing import Any

import forms_schema
from forms_schema import Problem, SchemaError

__all__ = ["Problem", "SchemaError", "diff", "diff_available", "identities", "lint", "with_ids"]


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


def diff_available() -> bool:
    """Whether this forms_schema has diff() (it lands on r-lib after lint)."""
    return hasattr(forms_schema, "diff")


def diff(old: Any, new: Any, *, mapping: Mapping[str, Any] | None = None) -> list:
    """The changes from old to new; SchemaError if either does not load, ValueError for a bad
    mapping."""
    return forms_schema.diff(old, new, mapping=mapping)

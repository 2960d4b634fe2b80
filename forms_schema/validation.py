"""Run jsonschema on the answers and turn its errors into one AnswerError per question."""

from collections.abc import Iterator
from typing import Any, NamedTuple

from jsonschema import Draft202012Validator

from forms_schema.pointers import join

# Drafts may be incomplete: these keywords only say that something is still missing
# ("contains" fails alone when no row matches yet; too many matches is "maxContains").
INCOMPLETE = frozenset({"required", "dependentRequired", "minItems", "contains", "minContains"})
# When one answer breaks several keywords, the first of these is the one worth telling.
PRIORITY = (
    "required",
    "dependentRequired",
    "type",
    "const",
    "enum",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "x-compare",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
)
_LIMITS = frozenset(
    {
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "minContains",
        "maxContains",
    }
)


class Problem(NamedTuple):
    """One failed keyword at one pointer, with what a message needs."""

    pointer: str
    keyword: str
    params: dict[str, Any]


def rank(keyword: str) -> int:
    """Lower is more relevant."""
    return PRIORITY.index(keyword) if keyword in PRIORITY else len(PRIORITY)


def problems(validator: Draft202012Validator, data: Any, partial: bool) -> Iterator[Problem]:
    """Every failed keyword; missing properties get the pointer of the property itself."""
    for error in validator.iter_errors(data):
        keyword = str(error.validator)
        if partial and keyword in INCOMPLETE:
            continue
        at = join(error.absolute_path)
        instance = error.instance
        if keyword == "required" and isinstance(instance, dict):
            for name in error.validator_value:
                if name not in instance:
                    yield Problem(at + join([name]), keyword, {})
        elif keyword == "dependentRequired" and isinstance(instance, dict):
            for name, needed in error.validator_value.items():
                if name in instance:
                    for other in needed:
                        if other not in instance:
                            yield Problem(at + join([other]), keyword, {"because": name})
        elif keyword == "type":
            yield Problem(at, keyword, {"expected": error.validator_value})
        elif keyword == "format":
            # A check that knows why (formats.FormatProblem) picks a more precise message.
            cause = error.cause
            reason = {"reason": cause.reason, **cause.params} if hasattr(cause, "reason") else {}
            yield Problem(at, keyword, {"format": error.validator_value, **reason})
        elif keyword == "x-compare":
            yield Problem(at, keyword, dict(error.validator_value))
        elif keyword in _LIMITS:
            yield Problem(at, keyword, {"limit": error.validator_value})
        else:
            yield Problem(at, keyword, {})

"""The contacts a customer entered in the questionnaires, found through the schema.

A repeating group of contacts carries the `x-contact` annotation, which names the row's fields:

    "it_contacts": {"type": "array", "items": {...},
                    "x-contact": {"name": "name", "email": "email", "role": "role", "phone": "phone"}}

so no code knows where a questionnaire keeps its contacts. Plain values in, plain values out:
the schema documents and answers are handed in (tests/unit/test_questionnaire_contacts.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.calendar import invite

KEYWORD = "x-contact"
FIELDS = ("name", "email", "role", "phone")
NAME_MAX, ROLE_MAX, PHONE_MAX = 200, 120, 60


@dataclass(frozen=True)
class Candidate:
    """One person from the questionnaires; `kinds` are the questionnaires that name them."""

    name: str
    email: str
    role: str
    phone: str
    kinds: tuple[str, ...]

    @property
    def email_ok(self) -> bool:
        """Whether the address can be used as it stands (one plain address)."""
        try:
            invite.check_email(self.email)
        except ValueError:
            return False
        return True


def contact_groups(schema: Mapping[str, Any]) -> dict[tuple[str, ...], dict[str, str]]:
    """Path of property names -> {field: row property} for every annotated repeating group."""
    found: dict[tuple[str, ...], dict[str, str]] = {}

    def walk(node: Mapping[str, Any], path: tuple[str, ...]) -> None:
        for name, prop in (node.get("properties") or {}).items():
            if not isinstance(prop, Mapping):
                continue
            mapping = prop.get(KEYWORD)
            if isinstance(mapping, Mapping) and "email" in mapping:
                found[(*path, name)] = {
                    f: str(mapping[f]) for f in FIELDS if isinstance(mapping.get(f), str)
                }
            elif prop.get("type") == "object":
                walk(prop, (*path, name))

    walk(schema, ())
    return found


def _rows(data: Any, path: tuple[str, ...]) -> list[Any]:
    for name in path:
        data = data.get(name) if isinstance(data, Mapping) else None
    return data if isinstance(data, list) else []


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if isinstance(value, str | int) else ""


def candidates(sources: Iterable[tuple[str, Mapping[str, Any], Any]]) -> list[Candidate]:
    """The people of (kind, schema, answers) sources, one per address (case does not matter);
    a person named in both questionnaires keeps the first non-empty value of each field."""
    people: dict[str, dict[str, Any]] = {}
    for kind, schema, data in sources:
        for path, fields in contact_groups(schema).items():
            for row in _rows(data, path):
                if not isinstance(row, Mapping):
                    continue
                values = {
                    "name": _text(row.get(fields.get("name", "")), NAME_MAX),
                    "email": str(row.get(fields["email"]) or "").strip(),
                    "role": _text(row.get(fields.get("role", "")), ROLE_MAX),
                    "phone": _text(row.get(fields.get("phone", "")), PHONE_MAX),
                }
                if not values["name"] and not values["email"]:
                    continue
                key = values["email"].lower() or f"name:{values['name'].lower()}"
                person = people.setdefault(key, {**values, "kinds": []})
                for field, value in values.items():
                    person[field] = person[field] or value
                if kind not in person["kinds"]:
                    person["kinds"].append(kind)
    return [
        Candidate(p["name"], p["email"], p["role"], p["phone"], tuple(p["kinds"]))
        for p in people.values()
    ]


def completes(candidate: Candidate, role: str | None, phone: str | None) -> tuple[str, ...]:
    """The fields an existing contact lacks that the candidate would fill in."""
    missing = []
    if candidate.role and not role:
        missing.append("role")
    if candidate.phone and not phone:
        missing.append("phone")
    return tuple(missing)

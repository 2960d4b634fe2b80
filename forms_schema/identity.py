"""Stable identities of questions across versions, and the mapping that names explicit renames.

A question's id is x-ui.id, else its key. Its identity is its id, below its parent's identity
for nested questions ("it_contacts/email"), so one $defs row used by two repeating groups gives
two identities. with_ids() writes every key down as an id when a draft starts, so that a later
key rename keeps the identity and diff()/migrate() see a rename, not a removal and an addition.
"""

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms_schema.check import resolve
from forms_schema.errors import SchemaError
from forms_schema.nodes import choice_value
from forms_schema.outline import Outline, Question, outline
from forms_schema.questionnaire import Questionnaire, load

_TEMPLATE = re.compile(r"(/([a-z][a-z0-9_]*|\*))+")


def document_of(source: Mapping[str, Any] | Questionnaire) -> Mapping[str, Any]:
    """The document of a Questionnaire, or a dict checked by load(); raises SchemaError."""
    if isinstance(source, Questionnaire):
        return source.schema
    load(source)
    return source


def with_ids(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy where every question without x-ui.id gets its key as x-ui.id."""
    out = copy.deepcopy(dict(document))
    for q in outline(out).questions:
        if "id" in q.ui:
            continue  # own or inherited through $ref: either way it already has an identity
        prop = resolve(out, q.pointer)
        ui = prop.get("x-ui")
        # The id goes first so that editors show it at the top of the block.
        prop["x-ui"] = {"id": q.key, **(ui if isinstance(ui, Mapping) else {})}
    return out


def identities(source: Mapping[str, Any] | Questionnaire) -> dict[str, str]:
    """identity -> pointer template ("/it_contacts/*/email"), in document order."""
    return {identity: q.template for identity, q in unique(outline(document_of(source))).items()}


def unique(found: Outline, strict: bool = True) -> dict[str, Question]:
    """The questions by identity; SchemaError at the second of two with the same identity
    (strict=False: the first one wins, for lint(), which reports the others)."""
    out: dict[str, Question] = {}
    for q in found.questions:
        if q.identity in out:
            if not strict:
                continue
            raise SchemaError(
                id_pointer(q), f"identity {q.identity!r} is also {out[q.identity].template!r}"
            )
        out[q.identity] = q
    return out


def id_pointer(q: Question) -> str:
    """Where a question's id is written (its x-ui.id, else the property that gives the key)."""
    where = q.ui_where.get("id")
    return f"{where}/id" if where else q.pointer


# -- mapping -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionMap:
    """An explicit mapping between two versions: renames of templates and recodes of choices."""

    renames: dict[str, str] = field(default_factory=dict)
    recodes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def renamed(self, template: str) -> str | None:
        """The new template of an old one by the longest renamed prefix (children follow)."""
        tokens = template.split("/")
        for cut in range(len(tokens), 1, -1):
            prefix = "/".join(tokens[:cut])
            if prefix in self.renames:
                return "/".join([self.renames[prefix], *tokens[cut:]])
        return None

    def recode(self, old: Question, new: Question | None) -> dict[str, Any]:
        """The recodes of a question (by its old template, else its new one): code -> new value."""
        found = self.recodes.get(old.template)
        if found is None and new is not None:
            found = self.recodes.get(new.template)
        return found or {}


def read_mapping(mapping: Mapping[str, Any] | None) -> VersionMap:
    """Check the shape of a mapping; ValueError for concrete pointers or unknown keys."""
    if not mapping:
        return VersionMap()
    unknown = set(mapping) - {"renames", "recodes"}
    if unknown:
        raise ValueError(f"unknown mapping keys: {sorted(unknown)}")
    renames = dict(mapping.get("renames") or {})
    recodes = {
        t: {str(k): v for k, v in codes.items()}
        for t, codes in (mapping.get("recodes") or {}).items()
    }
    for template in [*renames, *renames.values(), *recodes]:
        # Templates only: a mapping is about questions, and the same for every row.
        if not isinstance(template, str) or not _TEMPLATE.fullmatch(template):
            raise ValueError(f"{template!r} is not a pointer template like /contacts/*/name")
    return VersionMap(renames, recodes)


def check_mapping(mapping: VersionMap, old: Outline, new: Outline) -> None:
    """ValueError when a mapping names a question neither version has (typos never pass)."""
    for before, after in mapping.renames.items():
        if before not in old.by_template:
            raise ValueError(f"renames: {before!r} is no question of the old version")
        if after not in new.by_template:
            raise ValueError(f"renames: {after!r} is no question of the new version")
    for template in mapping.recodes:
        if template not in old.by_template and template not in new.by_template:
            raise ValueError(f"recodes: {template!r} is no question of either version")


def match(
    old: Outline, new: Outline, mapping: VersionMap, strict: bool = True
) -> dict[str, Question]:
    """Old template -> the new question it became: explicit renames first, then identities."""
    unique(old, strict)  # an ambiguous old version is refused like a new one
    pairs: dict[str, Question] = {}
    taken: set[str] = set()
    for q in old.questions:
        target = mapping.renamed(q.template)
        found = new.by_template.get(target) if target else None
        if found is not None and found.template not in taken:
            pairs[q.template] = found
            taken.add(found.template)
    by_identity = unique(new, strict)
    for q in old.questions:
        found = by_identity.get(q.identity)
        if q.template not in pairs and found is not None and found.template not in taken:
            pairs[q.template] = found
            taken.add(found.template)
    return pairs


def codes(values: list[Any] | None) -> dict[str, Any]:
    """Choice key ("2", "true", "cloud") -> choice, in order."""
    return {choice_value(v): v for v in values or ()}

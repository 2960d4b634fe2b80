"""The answer columns of an export: one per leaf question identity, matched across versions.

The only place that asks forms_schema for identities: a question keeps its identity (x-ui.id,
default its key, nested below its parent's) when its key is renamed or it moves, so answers
given under different versions land in the same column. Pure: loaded questionnaires in, columns
out.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import forms_schema
from portal import questionnaires


@dataclass(frozen=True)
class Column:
    """One leaf question: its identity, its header, and its template in each version it is in."""

    identity: str
    header: str
    templates: Mapping[int, str]


def answer_columns(versions: Mapping[int, forms_schema.Questionnaire], locale: str) -> list[Column]:
    """Columns in the newest version's order, then those only older versions have (newest first).

    The header is the newest label of the question (its path through groups) and its identity.
    """
    found: dict[str, tuple[str, dict[int, str]]] = {}
    for number in sorted(versions, reverse=True):
        questionnaire = versions[number]
        names = questionnaires.labels(questionnaire, locale)
        for identity, template in forms_schema.identities(questionnaire).items():
            node = questionnaire.node(template)
            if node is None or node.kind != "field":
                continue  # groups and repeating groups have no value of their own
            if identity not in found:
                found[identity] = (f"{names.get(template, identity)} [{identity}]", {})
            found[identity][1][number] = template
    return [Column(identity, header, templates) for identity, (header, templates) in found.items()]


def values_at(data: Any, template: str) -> tuple[bool, list[Any]]:
    """(repeated, values) at a template: one value, or one per row of its repeating groups.

    "/server/cpu_cores" -> (False, [8]); "/it_contacts/*/email" -> (True, [a, None, c]), with
    None where a row has no answer, so that line n of every column of a group is row n.
    """
    tokens = template.strip("/").split("/")
    values: list[Any] = []

    def walk(node: Any, at: int) -> None:
        if at == len(tokens):
            values.append(node)
            return
        part = tokens[at]
        if part == "*":
            for row in node if isinstance(node, list) else []:
                walk(row, at + 1)
        else:
            walk(node.get(part) if isinstance(node, dict) else None, at + 1)

    walk(data, 0)
    return "*" in tokens, values

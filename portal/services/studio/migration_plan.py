"""What moving one response to a newer version does, worked out before anything is written.

A response moves version by version: from its own through every version published since (a
retired one included) up to the target, each step with the map of the version it arrives at
(renames and recodes the editor confirmed, relative to the version it was based on). Each step
lists every old answer as kept, converted or dropped, with readable labels of the version it
belongs to, and the changes (forms_schema.diff) of the questions the response had answered.
Reading only: the dry run shows a plan, apply() writes the same plan.
"""

import copy
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from forms_schema.changes import Document, RowIds, template_of
from forms_schema.data import get as get_value
from forms_schema.data import same
from portal import questionnaires
from portal.filters import answer
from portal.models import QuestionnaireVersion, Response
from portal.models.questionnaire import PUBLISHED, RETIRED
from portal.questionnaires import label_of, labels
from portal.services.studio import library

RENAMED, RECODED, CONVERTED = "renamed", "recoded", "converted"


@dataclass(frozen=True)
class Answer:
    """One answer as a page shows it: where, under which name, its value and as text."""

    pointer: str
    label: str
    value: Any
    text: str


@dataclass(frozen=True)
class Conversion:
    """An answer that moved or changed on the way: old and new, and how (renamed, recoded,
    converted)."""

    old: Answer
    new: Answer
    how: tuple[str, ...]


@dataclass
class Step:
    """One version to the next: the library's result, shown and ready to be recorded."""

    from_version: int
    to_version: int
    moved: library.Moved
    row_ids: RowIds
    changes: list[dict[str, Any]]  # of the questions the response had answered
    kept: list[Answer] = field(default_factory=list)
    converted: list[Conversion] = field(default_factory=list)
    dropped: list[Answer] = field(default_factory=list)


@dataclass
class Plan:
    """Moving a response from its version to `to_version`, step by step."""

    response: Response
    from_version: int
    to_version: int
    revision: int  # the response's version counter the plan was made at
    steps: list[Step]

    @property
    def kept(self) -> list[Answer]:
        """Answers the last step keeps as they are."""
        return self.steps[-1].kept if self.steps else []

    @property
    def converted(self) -> list[Conversion]:
        """Every conversion of every step."""
        return [c for step in self.steps for c in step.converted]

    @property
    def dropped(self) -> list[Answer]:
        """Every dropped answer of every step (they stay in the records)."""
        return [d for step in self.steps for d in step.dropped]


def path(session, kind: str, start: int, target: int) -> list[QuestionnaireVersion]:
    """The versions a response on `start` passes to reach `target`: all ever published."""
    return list(
        session.scalars(
            select(QuestionnaireVersion)
            .where(
                QuestionnaireVersion.kind == kind,
                QuestionnaireVersion.number > start,
                QuestionnaireVersion.number <= target,
                QuestionnaireVersion.status.in_((PUBLISHED, RETIRED)),
            )
            .order_by(QuestionnaireVersion.number)
        )
    )


def build(session, response: Response, target: int, locale: str) -> Plan:
    """The plan of moving a response to version `target` (MappingError if a map does not fit)."""
    kind = response.questionnaire
    data = copy.deepcopy(response.data or {})
    ids = copy.deepcopy(response.row_ids or {})
    files = {f"upload:{u.id}": u.filename for u in response.uploads}
    source = response.schema_version
    steps = []
    for version in path(session, kind, source, target):
        old = questionnaires.get(session, kind, source)
        new = questionnaires.load(version)
        based_on = version.based_on
        mapping = version.mapping if based_on is None or based_on.number == source else None
        moved = library.migrate(copy.deepcopy(data), old, new, mapping)
        found = library.changes(old, new, mapping)
        answered = {
            template_of(p, old.repeats()) for p in Document(data, ids, old.repeats()).leaves()
        }
        step = Step(
            source,
            version.number,
            moved,
            realigned(ids, old, new, found, moved.data),
            [c for c in found if _touches(c, answered)],
        )
        _describe(step, data, (old, labels(old, locale)), (new, labels(new, locale)), files)
        steps.append(step)
        data, ids, source = moved.data, step.row_ids, version.number
    return Plan(response, response.schema_version, target, response.version, steps)


def _touches(change: dict[str, Any], answered: set[str]) -> bool:
    """Whether a change is about a question (or a group holding one) the response answered."""
    template = change.get("old_pointer")
    if not template or template.startswith("/x-ui/"):
        return False
    return any(a == template or a.startswith(template + "/") for a in answered)


def _describe(step: Step, data, old_side, new_side, files) -> None:
    (old, old_names), (new, new_names) = old_side, new_side
    moved = step.moved

    def shown(questionnaire, names, pointer, value) -> Answer:
        return Answer(
            pointer, label_of(pointer, names), value, text(questionnaire, pointer, value, files)
        )

    step.kept = [shown(new, new_names, p, get_value(moved.data, p)) for p in moved.kept]
    for c in moved.converted:
        how = []
        if c["old_pointer"] != c["new_pointer"]:
            how.append(RENAMED)
        if not same(c["old_value"], c["new_value"]):
            node = new.node(c["new_pointer"])
            how.append(RECODED if node is not None and node.enum else CONVERTED)
        step.converted.append(
            Conversion(
                shown(old, old_names, c["old_pointer"], c["old_value"]),
                shown(new, new_names, c["new_pointer"], c["new_value"]),
                tuple(how),
            )
        )
    step.dropped = [shown(old, old_names, d["pointer"], d["value"]) for d in moved.dropped]


def text(questionnaire, pointer: str, value: Any, files: dict[str, str]) -> str:
    """An answer as readable text in the current language; uploads by their file name."""
    if value is None or value == "" or value == []:
        return ""
    node = questionnaire.node(pointer)
    if node is not None and node.widget == "file":
        return files.get(str(value), str(value))
    return answer(value, node)


def realigned(ids: RowIds, old, new, found: list[dict[str, Any]], data: dict) -> RowIds:
    """The row ids under the new version: a row keeps its id, also when its group was renamed
    or moved (and a row of a group inside a row keeps its parent row's id in its path)."""
    renames = {
        c["old_pointer"]: c["pointer"]
        for c in found
        if c["kind"] in ("renamed", "moved")
        and c.get("old_pointer")
        and not c["pointer"].startswith("/x-ui/")
    }
    given: RowIds = {}
    for key, rows in ids.items():
        template = template_of(key, old.repeats())
        rekeyed = _rekey(key, template, _renamed(template, renames))
        if rekeyed is not None:
            given[rekeyed] = list(rows)
    return Document(copy.deepcopy(data), given, new.repeats()).ids


def _renamed(template: str, renames: dict[str, str]) -> str:
    # The longest renamed prefix: children follow their group.
    tokens = template.split("/")
    for cut in range(len(tokens), 1, -1):
        prefix = "/".join(tokens[:cut])
        if prefix in renames:
            return "/".join([renames[prefix], *tokens[cut:]])
    return template


def _rekey(key: str, template: str, target: str) -> str | None:
    """An id pointer of `template` written along `target`, its row ids kept in order."""
    rows = [k for k, t in zip(key.split("/"), template.split("/"), strict=False) if t == "*"]
    if target.count("*") != len(rows):
        return None  # moved into another depth of rows: the rows get fresh ids
    found = iter(rows)
    return "/".join(next(found) if t == "*" else t for t in target.split("/"))

"""What the studio's core pages show: the versions, one version, its JSON, its history, a diff.

Reading only: each loads what its page needs after the same permission check as the use cases
(editors and admins), and nothing here writes.
"""

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import questionnaires
from portal.filters import locale
from portal.models import Role, User
from portal.models.questionnaire import DRAFT, IN_REVIEW, PUBLISHED, DraftSave, QuestionnaireVersion
from portal.services.errors import NotFound
from portal.services.studio import drafting, library, records, schema, wording
from portal.services.studio.jsontext import Pretty, pretty


@dataclass(frozen=True)
class Kind:
    """One questionnaire on the index page: its versions, newest first."""

    kind: str
    title: str
    versions: list[QuestionnaireVersion]
    latest: int | None
    open: QuestionnaireVersion | None


def index(session: Session, actor: User, locale: str) -> list[Kind]:
    """Both questionnaires with their versions."""
    records.require_editor(actor)
    out = []
    for kind in questionnaires.KINDS:
        versions = records.versions_of(session, kind)
        latest = max((v.number for v in versions if v.status == PUBLISHED), default=None)
        out.append(
            Kind(
                kind=kind,
                title=_title(session, kind, latest, locale),
                versions=versions,
                latest=latest,
                open=next((v for v in versions if v.status in records.OPEN), None),
            )
        )
    return out


def _title(session: Session, kind: str, number: int | None, locale: str) -> str:
    if number is None:
        return kind
    return questionnaires.get(session, kind, number).title(locale)


@dataclass(frozen=True)
class Problem:
    """A lint problem as the page shows it: code, its name, a sentence, where, which line."""

    pointer: str
    code: str
    label: str
    text: str
    line: int
    question: str = ""  # the question the pointer is in: "SQL-Server-Port (sql_port)"


@dataclass(frozen=True)
class VersionPage:
    """A version: where it stands, what the current user may do, what blocks publishing."""

    version: QuestionnaireVersion
    latest: int | None
    problems: list[Problem] | None  # None: not checked (published and retired ones are final)
    may_submit: bool
    may_withdraw: bool
    may_approve: bool
    may_retire: bool
    approve_blocked: str = ""  # why the current user may not approve, said beside the button
    saves: int = 0


def version_page(session: Session, actor: User, kind: str, number: int) -> VersionPage:
    """One version with its lint (while it is still being made) and the allowed actions."""
    version = records.find(session, actor, kind, number)
    checking = version.status in records.OPEN
    found = problems_of(session, version) if checking else None
    published = [v for v in records.versions_of(session, kind) if v.status == PUBLISHED]
    own = version.submitted_by_id == actor.id
    in_review = version.status == IN_REVIEW
    return VersionPage(
        version=version,
        latest=max((v.number for v in published), default=None),
        problems=found,
        may_submit=version.status == DRAFT,
        may_withdraw=in_review and (own or actor.role == Role.ADMIN),
        may_approve=in_review and not own,
        may_retire=version.status == PUBLISHED and len(published) > 1,
        approve_blocked="own" if in_review and own else "",
        saves=len(_saves(session, version)),
    )


def problems_of(
    session: Session, version: QuestionnaireVersion, text: Pretty | None = None
) -> list[Problem]:
    """The version's lint problems, worded, each with its line in the pretty-printed JSON."""
    text = text or pretty(version.document)
    found = drafting.problems(session, version)
    return [
        Problem(
            pointer=p.pointer or "/",
            code=p.code,
            label=wording.problem_label(p.code),
            text=wording.problem_text(p.code, p.params, p.message),
            line=text.line_of(p.pointer),
            question=question_at(version.document, p.pointer, locale()),
        )
        for p in found
        if not _said_better(p, found)
    ]


def _said_better(problem, found) -> bool:
    """A schema error is left out where a specific problem points inside the same place."""
    inside = problem.pointer.rstrip("/") + "/"
    return problem.code == "schema" and any(
        other.code != "schema" and other.pointer.startswith(inside) for other in found
    )


def question_at(document: Any, pointer: str, locale: str) -> str:
    """The name of the question a pointer is in ("Label (key)"), or "" outside questions."""
    node, name = document, ""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    for holder, token in zip([None, *tokens], tokens, strict=False):
        node = node.get(token) if isinstance(node, dict) else None
        if node is None:
            break
        if holder == "properties" and isinstance(node, dict):
            label = (node.get("x-ui") or {}).get("label")
            text = label.get(locale) or label.get("de") if isinstance(label, dict) else label
            name = f"{text} ({token})" if text else token
    return name


@dataclass(frozen=True)
class JsonPage:
    """The raw JSON editor: the text (the user's own after a refusal), and the problems."""

    version: QuestionnaireVersion
    text: str
    problems: list[Problem]
    editable: bool


def json_page(
    session: Session, actor: User, kind: str, number: int, posted: str | None = None
) -> JsonPage:
    """The version's document as indented JSON; a refused post keeps the posted text."""
    version = records.find(session, actor, kind, number)
    shown = pretty(version.document)
    return JsonPage(
        version=version,
        text=posted if posted is not None else shown.text,
        problems=problems_of(session, version, shown) if version.status in records.OPEN else [],
        editable=version.status == DRAFT,
    )


@dataclass(frozen=True)
class HistoryPage:
    """Every save of a version, newest first; `shown` is one save's JSON when one is open."""

    version: QuestionnaireVersion
    saves: list[DraftSave]
    shown: DraftSave | None = None
    text: str = ""
    may_restore: bool = False


def history(
    session: Session, actor: User, kind: str, number: int, save: int | None = None
) -> HistoryPage:
    """The kept saves of a version; with `save`, that save's document as JSON."""
    version = records.find(session, actor, kind, number)
    saves = _saves(session, version)
    shown = None
    if save is not None:
        shown = next((s for s in saves if s.number == save), None)
        if shown is None:
            raise NotFound(_("Diese Speicherung gibt es nicht."))
    return HistoryPage(
        version=version,
        saves=list(reversed(saves)),
        shown=shown,
        text=pretty(shown.document).text if shown else "",
        may_restore=version.status == DRAFT,
    )


def _saves(session: Session, version: QuestionnaireVersion) -> list[DraftSave]:
    return list(
        session.scalars(
            select(DraftSave).where(DraftSave.version_id == version.id).order_by(DraftSave.number)
        )
    )


@dataclass(frozen=True)
class Group:
    """The changes of one question (or the title, a page): its name, pointer and lines."""

    name: str
    pointer: str
    lines: list[wording.ChangeLine]


@dataclass(frozen=True)
class DiffPage:
    """Two versions of a kind compared; `problem` says why there is no list."""

    kind: str
    numbers: list[int]
    old: QuestionnaireVersion | None
    new: QuestionnaireVersion | None
    groups: list[Group] = field(default_factory=list)
    problem: str = ""
    count: int = 0
    broken: int | None = None  # the version that does not load
    detail: str = ""


def diff_page(
    session: Session, actor: User, kind: str, old: int | None, new: int | None, locale: str
) -> DiffPage:
    """The change list between two versions (default: the newest and the one it is based on)."""
    records.require_editor(actor)
    versions = records.versions_of(session, records.check_kind(kind))
    by_number = {v.number: v for v in versions}
    newer = by_number.get(new) if new is not None else (versions[0] if versions else None)
    if old is not None:
        older = by_number.get(old)
    elif newer is not None:
        older = newer.based_on or by_number.get(newer.number - 1)
    else:
        older = None
    page = DiffPage(kind, [v.number for v in versions], older, newer)
    if older is None or newer is None:
        return _with(page, problem="choose")
    for version in (older, newer):
        try:
            _loaded(version)
        except schema.SchemaError:
            return _with(page, problem="broken", broken=version.number)
    mapping = newer.mapping if newer.based_on_id == older.id else None
    try:
        changes = library.changes(_loaded(older), _loaded(newer), mapping)
    except library.MappingError as error:  # the mapping names questions that are not there
        return _with(page, problem="mapping", detail=str(error))
    return _with(page, groups=_groups(changes, older, newer, locale), count=len(changes))


def _with(page: DiffPage, **changes: Any) -> DiffPage:
    return DiffPage(**{**page.__dict__, **changes})


def _loaded(version: QuestionnaireVersion):
    return questionnaires.load(version)


def _groups(changes, older, newer, locale: str) -> list[Group]:
    new_names = questionnaires.labels(_loaded(newer), locale)
    old_names = questionnaires.labels(_loaded(older), locale)
    groups: dict[str, Group] = {}
    for change in changes:
        pointer = change["pointer"]
        names = old_names if change["kind"] == "removed" else new_names
        name = names.get(pointer) or _root_name(pointer)
        group = groups.setdefault(pointer, Group(name, pointer, []))
        group.lines.append(wording.change_line(change))
    return list(groups.values())


def _root_name(pointer: str) -> str:
    if pointer == "/x-ui/title":
        return _("Titel des Fragebogens")
    if pointer.startswith("/x-ui/pages/"):
        return _("Seite „%(key)s“", key=pointer.rpartition("/")[2])
    return pointer

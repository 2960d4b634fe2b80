"""Loading questionnaire versions for the studio's use cases and pages, and who may touch them.

Also the helpers every writing use case shares: a flush that turns a lost race into a Conflict,
and the refusal for an editor whose page shows an older state of the version.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import questionnaires
from portal.models import Role, User
from portal.models.questionnaire import DRAFT, IN_REVIEW, QuestionnaireVersion
from portal.services.errors import Conflict, Forbidden, NotFound

EDITORS = (Role.QUESTIONNAIRE_EDITOR, Role.ADMIN)
OPEN = (DRAFT, IN_REVIEW)


def may_edit(user: User | None) -> bool:
    """Whether a user reaches the studio: questionnaire editors and admins."""
    return bool(user is not None and user.is_authenticated and user.active and user.role in EDITORS)


def require_editor(actor: User | None) -> None:
    """Forbidden unless the actor is a questionnaire editor or an admin."""
    if not may_edit(actor):
        raise Forbidden(_("Fragebögen bearbeiten nur Fragebogen-Redakteure und Administratoren."))


def check_kind(kind: str) -> str:
    """The kind, if the portal has such a questionnaire (else NotFound)."""
    if kind not in questionnaires.KINDS:
        raise NotFound(_("Diesen Fragebogen gibt es nicht."))
    return kind


def by_id(session: Session, version_id: int) -> QuestionnaireVersion:
    """A version by its id (NotFound if there is none)."""
    version = session.get(QuestionnaireVersion, version_id)
    if version is None:
        raise NotFound(_("Diese Fragebogen-Version gibt es nicht."))
    return version


def numbered(session: Session, kind: str, number: int) -> QuestionnaireVersion:
    """A kind's version by its number (NotFound if there is none)."""
    version = session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.kind == check_kind(kind), QuestionnaireVersion.number == number
        )
    )
    if version is None:
        raise NotFound(_("Diese Fragebogen-Version gibt es nicht."))
    return version


def find(session: Session, actor: User, kind: str, number: int) -> QuestionnaireVersion:
    """A version the actor may work on in the studio (editors and admins only)."""
    require_editor(actor)
    return numbered(session, kind, number)


def versions_of(session: Session, kind: str) -> list[QuestionnaireVersion]:
    """Every version of a kind, newest first."""
    return list(
        session.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.kind == kind)
            .order_by(QuestionnaireVersion.number.desc())
        )
    )


def open_version(session: Session, kind: str) -> QuestionnaireVersion | None:
    """The kind's draft or version in review, if there is one (at most one is open)."""
    return session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.kind == kind, QuestionnaireVersion.status.in_(OPEN)
        )
    )


def next_number(session: Session, kind: str) -> int:
    """The number a new version of the kind gets: one above every version there is."""
    newest = session.scalar(
        select(func.max(QuestionnaireVersion.number)).where(QuestionnaireVersion.kind == kind)
    )
    return (newest or 0) + 1


def refuse_open(session: Session, kind: str) -> None:
    """Conflict while the kind has a draft or a version in review: one change at a time."""
    found = open_version(session, kind)
    if found is not None:
        raise Conflict(
            _(
                "Version %(number)d ist noch in Arbeit (Entwurf oder Freigabe); "
                "erst wenn sie veröffentlicht oder verworfen ist, beginnt eine neue.",
                number=found.number,
            )
        )


def check_revision(version: QuestionnaireVersion, revision: int | None) -> None:
    """Conflict when the page the actor worked on showed an older state of the version."""
    if revision is not None and revision != version.revision:
        raise stale()


def stale() -> Conflict:
    """The refusal for an editor whose page is older than the version."""
    return Conflict(
        _(
            "Die Version wurde inzwischen von jemand anderem geändert; nichts wurde "
            "gespeichert. Bitte die Seite neu laden."
        )
    )

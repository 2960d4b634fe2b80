"""Use cases of a version's lifecycle: submit, withdraw, approve (publish), retire.

draft -> in_review (submit; refused while lint finds problems) -> published (approve, by a
second person: another editor or an admin) -> retired. withdraw takes a version in review back
to draft. Only the newest published version is given to new orders (questionnaires.latest);
older published ones keep serving the orders pinned to them until retired explicitly, and the
only published version of a kind is never retired (new orders need one). Publishing deletes the
draft's test answers: they were never customer data.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.models import Role, User, utcnow
from portal.models.questionnaire import (
    DRAFT,
    IN_REVIEW,
    PUBLISHED,
    RETIRED,
    QuestionnaireVersion,
    TestFill,
)
from portal.services.errors import Conflict, Forbidden, Invalid, all_or_nothing, flush_or_refuse
from portal.services.studio import drafting, records, wording


def submit(
    session: Session, actor: User, version_id: int, *, revision: int | None
) -> QuestionnaireVersion:
    """Hand a clean draft to a second person for approval."""
    records.require_editor(actor)
    with all_or_nothing(session):
        version = _in(session, version_id, DRAFT, _("Nur ein Entwurf lässt sich einreichen."))
        records.check_revision(version, revision)
        _refuse_problems(session, version)
        version.status = IN_REVIEW
        version.submitted_by_id = actor.id
        version.submitted_at = utcnow()
        flush_or_refuse(session, records.stale())
        _record(session, actor, "questionnaire.submit", version)
        session.commit()
    return version


def withdraw(
    session: Session, actor: User, version_id: int, *, revision: int | None = None
) -> QuestionnaireVersion:
    """Take a version in review back to draft: its submitter, or an admin."""
    records.require_editor(actor)
    with all_or_nothing(session):
        version = _in(
            session,
            version_id,
            IN_REVIEW,
            _("Nur eine eingereichte Version lässt sich zurückziehen."),
        )
        records.check_revision(version, revision)
        if actor.id != version.submitted_by_id and actor.role != Role.ADMIN:
            raise Forbidden(
                _("Zurückziehen kann nur, wer eingereicht hat, oder ein Administrator.")
            )
        version.status = DRAFT
        version.submitted_by_id = None
        version.submitted_at = None
        flush_or_refuse(session, records.stale())
        _record(session, actor, "questionnaire.withdraw", version)
        session.commit()
    return version


def approve(
    session: Session, actor: User, version_id: int, *, revision: int | None = None
) -> QuestionnaireVersion:
    """Publish a version in review: a second person approves; new orders get it from now on."""
    records.require_editor(actor)
    with all_or_nothing(session):
        version = _in(
            session, version_id, IN_REVIEW, _("Nur eine eingereichte Version lässt sich freigeben.")
        )
        records.check_revision(version, revision)
        if actor.id == version.submitted_by_id:
            raise Forbidden(
                _(
                    "Freigeben muss eine zweite Person: ein anderer Fragebogen-Redakteur oder "
                    "ein Administrator. Sie haben diese Version selbst eingereicht."
                )
            )
        _refuse_problems(session, version)
        version.status = PUBLISHED
        version.published_by_id = actor.id
        version.published_at = utcnow()
        session.execute(delete(TestFill).where(TestFill.version_id == version.id))
        flush_or_refuse(session, records.stale())
        people = {"approver": actor.email, "submitter": _email(version.submitted_by)}
        _record(session, actor, "questionnaire.approve", version, **people)
        _record(session, actor, "questionnaire.publish", version, sha256=version.sha256, **people)
        session.commit()
    return version


def retire(
    session: Session, actor: User, version_id: int, *, revision: int | None = None
) -> QuestionnaireVersion:
    """Give a published version to no new order; refused for the only published one."""
    records.require_editor(actor)
    with all_or_nothing(session):
        version = _in(
            session,
            version_id,
            PUBLISHED,
            _("Nur eine veröffentlichte Version lässt sich außer Dienst stellen."),
        )
        records.check_revision(version, revision)
        published = session.scalar(
            select(func.count()).where(
                QuestionnaireVersion.kind == version.kind,
                QuestionnaireVersion.status == PUBLISHED,
            )
        )
        if published <= 1:
            raise Conflict(
                _(
                    "Das ist die einzige veröffentlichte Version; neue Bestellungen brauchen "
                    "eine. Erst eine neuere veröffentlichen, dann diese außer Dienst stellen."
                )
            )
        version.status = RETIRED
        version.retired_at = utcnow()
        flush_or_refuse(session, records.stale())
        _record(session, actor, "questionnaire.retire", version)
        session.commit()
    return version


def _in(session: Session, version_id: int, status: str, message: str) -> QuestionnaireVersion:
    version = records.by_id(session, version_id)
    if version.status != status:
        raise Conflict(message)
    return version


def _refuse_problems(session: Session, version: QuestionnaireVersion) -> None:
    found = drafting.problems(session, version)
    if found:
        listed = "; ".join(
            f"{wording.problem_label(p.code)} ({p.pointer or '/'})" for p in found[:5]
        )
        more = len(found) - 5
        raise Invalid(
            _(
                "Die Prüfung findet %(count)d Problem(e); erst wenn sie sauber ist, geht es "
                "weiter: %(listed)s",
                count=len(found),
                listed=listed + (f" … (+{more})" if more > 0 else ""),
            )
        )


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def _record(session: Session, actor: User, action: str, version: QuestionnaireVersion, **extra):
    audit.record(
        session,
        actor,
        action,
        "questionnaire_version",
        version.id,
        kind=version.kind,
        number=version.number,
        **extra,
    )

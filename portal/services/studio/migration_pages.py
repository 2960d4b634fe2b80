"""View models of the studio's migration pages: the responses in flight for a version."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from portal import questionnaires
from portal.models import QuestionnaireVersion, User
from portal.models.questionnaire import PUBLISHED
from portal.services.errors import NotFound
from portal.services.studio.migrating import InFlight, in_flight, require_editor, target_version


@dataclass(frozen=True)
class IndexPage:
    """A version and the unsubmitted responses on older versions that could move to it."""

    kind: str
    title: str
    version: QuestionnaireVersion
    responses: list[InFlight]

    @property
    def open_for_migration(self) -> bool:
        """Answers move only to a published version."""
        return self.version.status == PUBLISHED


def version_of(session: Session, actor: User, kind: str, number: int) -> QuestionnaireVersion:
    """A version of a known kind, for editors and admins; NotFound otherwise."""
    require_editor(actor)
    if kind not in questionnaires.KINDS:
        raise NotFound(_("Diesen Fragebogen gibt es nicht."))
    return target_version(session, kind, number)


def index_page(session: Session, actor: User, kind: str, number: int, locale: str) -> IndexPage:
    """The migrations page of a version: who is still answering an older one."""
    version = version_of(session, actor, kind, number)
    title = questionnaires.load(version).title(locale)
    return IndexPage(kind, title, version, in_flight(session, kind, number))

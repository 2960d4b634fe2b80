"""Use cases of step 8: generate the documentation package as a PDF, keep its versions, send it.

Partner staff request a version once the protocol is approved; it is built outside the request
(a daemon thread, or `flask package work` for packages whose worker died). A builder claims the
package with a lease: an UPDATE that only succeeds while the package is pending and unclaimed
(or its lease is stale), so exactly one builder wins. Every stage is committed with the lease
renewed, so a poll sees the progress and a builder that lost its lease stops without writing.
The PDF, its SHA-256, size and page count land in one final UPDATE; a failure marks the
package failed with a readable error, and older versions stay as they are.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import DocumentPackage, User, utcnow
from portal.models.package import PENDING
from portal.services import access
from portal.services.errors import Conflict
from portal.services.packages.building import build, start_in_background
from portal.services.packages.lease import waiting
from portal.services.packages.pages import (
    Download,
    PackagePage,
    Progress,
    Section,
    Status,
    download,
    order_section,
    page,
    status,
)
from portal.services.packages.sending import NOTE_MAX, send
from portal.services.packages.versions import (
    STATUS_LABELS,
    approved,
    require_partner,
    versions_of,
)

__all__ = [
    "NOTE_MAX",
    "STATUS_LABELS",
    "Download",
    "PackagePage",
    "Progress",
    "Section",
    "Status",
    "build",
    "download",
    "order_section",
    "page",
    "request",
    "send",
    "start_in_background",
    "status",
    "waiting",
]


# ---------------------------------------------------------------- request


def request(session: Session, actor: User, order_id: int) -> DocumentPackage:
    """Partner staff ask for a new version (n + 1, pending) once the protocol is approved."""
    for _attempt in range(3):
        order = access.get_order(session, actor, order_id)
        require_partner(actor, _("Nur Mitarbeiter des Partners erstellen das Dokumentationspaket."))
        if not approved(order):
            raise Conflict(
                _(
                    "Das Dokumentationspaket lässt sich erst erstellen, wenn der Projektleiter "
                    "das Protokoll freigegeben hat."
                )
            )
        versions = versions_of(session, order)
        running = next((p for p in versions if p.status == PENDING), None)
        if running is not None:
            raise Conflict(
                _(
                    "Version %(n)d wird gerade erstellt; bitte warten, bis sie fertig ist.",
                    n=running.version,
                )
            )
        package = DocumentPackage(
            order_id=order.id,
            version=(versions[0].version if versions else 0) + 1,
            language=order.language,
            status=PENDING,
            stage="queued",
            progress=0,
            requested_by_id=actor.id,
            requested_at=utcnow(),
        )
        session.add(package)
        try:
            session.flush()
        except IntegrityError:
            # Someone asked at the same moment and got this number; look again.
            session.rollback()
            continue
        audit.record(
            session,
            actor,
            "package.request",
            "document_package",
            package.id,
            order_id=order.id,
            version=package.version,
            language=package.language,
        )
        session.commit()
        return package
    raise Conflict(_("Gerade wurde eine andere Version angelegt; bitte die Seite neu laden."))

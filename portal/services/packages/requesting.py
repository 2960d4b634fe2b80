"""Requesting a package: partner staff ask for a new version once the protocol is approved.

The request only stores the version as pending (n + 1); it is built outside the request
(building.py), and the page follows its progress.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.models import DocumentPackage, User, utcnow
from portal.models.package import PENDING
from portal.services import access
from portal.services.access import require_partner
from portal.services.errors import Conflict
from portal.services.packages.versions import approved, versions_of


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

"""What every part of step 8 shares: the stored versions, their states, who may act, the name.

A package is stored as numbered versions of an order (1, 2, ...); each is pending while it is
built, then ready or failed. Step 8 is open once the project lead approved the protocol
(step 7), and done with the first send.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models import DocumentPackage, Order, PackageFile, StepCompletion
from portal.models.package import FAILED, PENDING, READY
from portal.process import completion
from portal.services.errors import NotFound

STEP, APPROVE = "send_package", "approve_protocol"
# Stage key -> share done in percent and the text the page shows while it runs.
STAGES = {
    "queued": (0, _l("wartet auf den Start")),
    "collect": (5, _l("Daten werden zusammengestellt")),
    "diagram": (15, _l("Datenflussdiagramm wird gezeichnet")),
    "technical": (25, _l("Technischer Fragebogen wird aufbereitet")),
    "business": (40, _l("Fachlicher Fragebogen wird aufbereitet")),
    "protocol": (50, _l("Protokoll wird aufbereitet")),
    "typeset": (60, _l("PDF wird gesetzt")),
    "store": (95, _l("PDF wird gespeichert")),
    "done": (100, _l("fertig")),
    "failed": (100, _l("fehlgeschlagen")),
}
STATUS_LABELS = {PENDING: _l("wird erstellt"), READY: _l("fertig"), FAILED: _l("fehlgeschlagen")}
# The languages a package is typeset in, named as a sentence names them ("auf Englisch").
LANGUAGES = ("de", "en")
LANGUAGE_NAMES = {"de": _l("Deutsch"), "en": _l("Englisch")}


def approved(order: Order) -> bool:
    """Whether the project lead approved the protocol, which opens step 8."""
    return completion(order, APPROVE) is not None


def sent(order: Order) -> StepCompletion | None:
    """The completion of step 8 (the first send), or None before it."""
    return completion(order, STEP)


def versions_of(session: Session, order: Order) -> list[DocumentPackage]:
    """Every version of the order's package, newest first, as the database has it now."""
    return list(
        session.scalars(
            select(DocumentPackage)
            .where(DocumentPackage.order_id == order.id)
            .options(joinedload(DocumentPackage.requested_by))
            .order_by(DocumentPackage.version.desc())
            .execution_options(populate_existing=True)
        )
    )


def version_of(session: Session, order: Order, version: int) -> DocumentPackage:
    """One version of the order's package, else NotFound."""
    found = session.scalar(
        select(DocumentPackage).where(
            DocumentPackage.order_id == order.id, DocumentPackage.version == version
        )
    )
    if found is None:
        raise NotFound(_("Diese Version des Dokumentationspakets gibt es nicht."))
    return found


def filename(order: Order, version: int, language: str = "de") -> str:
    """The file name a version's PDF in a language is downloaded and attached as."""
    name = "CPCE-Documentation" if language == "en" else "CPCE-Dokumentation"
    return f"{name}-{order.short_code}-v{version}.pdf"


def files_of(
    session: Session, package: DocumentPackage
) -> dict[str, DocumentPackage | PackageFile]:
    """A ready version's PDF by language; a version built before per-language files has its
    own PDF in its language only."""
    found = session.scalars(select(PackageFile).where(PackageFile.package_id == package.id))
    files: dict[str, DocumentPackage | PackageFile] = {f.language: f for f in found}
    if not files and package.pdf is not None:
        files[package.language] = package
    return files

"""The read side of step 8: the package page, the poll of a build, the download, the order card.

Everyone who may see the order may read these; what a user may do is worked out here, so the
templates only show it.
"""

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from portal.models import (
    DocumentPackage,
    Order,
    PackageFile,
    PackageSend,
    Role,
    StepCompletion,
    User,
    utcnow,
)
from portal.models.package import PENDING, READY
from portal.services import access
from portal.services.errors import NotFound
from portal.services.packages.lease import lease_seconds, stalled
from portal.services.packages.mails import Recipient, recipients
from portal.services.packages.versions import (
    LANGUAGES,
    STAGES,
    approved,
    filename,
    files_of,
    sent,
    version_of,
    versions_of,
)


@dataclass(frozen=True)
class Download:
    """A ready version's bytes, with the name and checksum the response carries."""

    filename: str
    data: bytes
    sha256: str


def download(
    session: Session, actor: User, order_id: int, version: int, language: str | None = None
) -> Download:
    """A ready version's stored bytes in a language (the order's when None), for everyone who
    may see the order."""
    order = access.get_order(session, actor, order_id)
    package = version_of(session, order, version)
    if package.status != READY or package.pdf is None:
        raise NotFound(_("Diese Version des Dokumentationspakets ist nicht fertig."))
    language = language or package.language
    found = files_of(session, package).get(language) if language in LANGUAGES else None
    if found is None:
        raise NotFound(_("Diese Version gibt es nicht in dieser Sprache."))
    return Download(filename(order, package.version, language), found.pdf, found.sha256 or "")


@dataclass(frozen=True)
class FileInfo:
    """One language's PDF of a version, as the page lists it (without its bytes)."""

    language: str
    sha256: str
    size: int
    pages: int
    unprintable: list[dict[str, str]]


def _files(session: Session, versions: list[DocumentPackage]) -> dict[int, list[FileInfo]]:
    """Per version id its PDFs, the order's language first; one query for all versions."""
    found: dict[int, list[FileInfo]] = {}
    rows = session.execute(
        select(
            PackageFile.package_id,
            PackageFile.language,
            PackageFile.sha256,
            PackageFile.size,
            PackageFile.pages,
            PackageFile.unprintable,
        )
        .where(PackageFile.package_id.in_([p.id for p in versions]))
        .order_by(PackageFile.id)
    )
    for package_id, language, sha256, size, pages, unprintable in rows:
        found.setdefault(package_id, []).append(
            FileInfo(language, sha256, size, pages, list(unprintable or []))
        )
    for p in versions:
        if p.id not in found and p.sha256:
            # Built before per-language files: its one PDF in the order's language.
            found[p.id] = [FileInfo(p.language, p.sha256, p.size or 0, p.pages or 0, [])]
    return found


@dataclass(frozen=True)
class Progress:
    """A version's state for the page's poll."""

    version: int
    status: str
    stage: str
    progress: int
    error: str | None

    @property
    def stage_text(self) -> str:
        """What the build is doing, in the current language."""
        label = STAGES.get(self.stage)
        return str(label[1]) if label else ""

    def as_dict(self) -> dict[str, Any]:
        """The progress as the poll answers it in JSON."""
        return {
            "version": self.version,
            "status": self.status,
            "stage": self.stage,
            "stage_text": self.stage_text,
            "progress": self.progress,
            "done": self.status != PENDING,
            "error": self.error,
        }


def _progress(package: DocumentPackage) -> Progress:
    return Progress(package.version, package.status, package.stage, package.progress, package.error)


@dataclass(frozen=True)
class Status:
    """The newest version's progress, and the pending packages that need a builder again."""

    latest: Progress | None
    stalled: list[int]

    def as_dict(self) -> dict[str, Any]:
        """The status as the poll answers it in JSON."""
        return {"latest": self.latest.as_dict() if self.latest else None}


def status(session: Session, actor: User, order_id: int) -> Status:
    """The state of the newest version, for everyone who may see the order."""
    order = access.get_order(session, actor, order_id)
    # populate_existing: a poll must see what the builder committed, never a cached row.
    newest = session.scalar(
        select(DocumentPackage)
        .where(DocumentPackage.order_id == order.id)
        .order_by(DocumentPackage.version.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )
    now = utcnow()
    late = [newest.id] if newest is not None and stalled(newest, now, lease_seconds()) else []
    return Status(_progress(newest) if newest else None, late)


@dataclass(frozen=True)
class PackagePage:
    """The package page: versions (newest first), sends, who gets it, what the user may do."""

    order: Order
    versions: list[DocumentPackage]
    sends: list[PackageSend]
    recipients: list[Recipient]
    approved: bool
    may_generate: bool
    may_send: bool
    sent: StepCompletion | None
    stalled: list[int]
    files: dict[int, list[FileInfo]]

    @property
    def pending(self) -> Progress | None:
        """The version being built, if any."""
        running = next((p for p in self.versions if p.status == PENDING), None)
        return _progress(running) if running else None

    @property
    def ready(self) -> list[DocumentPackage]:
        """The versions that can be downloaded and sent, newest first."""
        return [p for p in self.versions if p.status == READY]

    @property
    def unprintable(self) -> list[dict[str, str]]:
        """The newest ready version's answers with characters no font prints (the same answers
        in every language), labelled in the page's language where that file exists."""
        if not self.ready:
            return []
        shown = str(get_locale() or "de")[:2]
        files = sorted(self.files.get(self.ready[0].id, []), key=lambda f: f.language != shown)
        return next((f.unprintable for f in files if f.unprintable), [])


def page(session: Session, actor: User, order_id: int) -> PackagePage:
    """Everything the package page shows, for everyone who may see the order."""
    order = access.get_order(session, actor, order_id)
    versions = versions_of(session, order)
    sends = list(
        session.scalars(
            select(PackageSend)
            .join(DocumentPackage, PackageSend.package_id == DocumentPackage.id)
            .where(DocumentPackage.order_id == order.id)
            .options(joinedload(PackageSend.sent_by), joinedload(PackageSend.package))
            .order_by(PackageSend.id.desc())
        )
    )
    partner = actor.role == Role.PARTNER_STAFF
    opened = approved(order)
    now = utcnow()
    return PackagePage(
        order=order,
        versions=versions,
        sends=sends,
        recipients=recipients(session, order) if opened else [],
        approved=opened,
        may_generate=partner and opened and not any(p.status == PENDING for p in versions),
        may_send=partner and any(p.status == READY for p in versions),
        sent=sent(order),
        stalled=[p.id for p in versions if stalled(p, now, lease_seconds())],
        files=_files(session, versions),
    )


@dataclass(frozen=True)
class Section:
    """The order page's card on the package."""

    latest_ready: DocumentPackage | None
    pending: bool
    versions: int
    sends: int
    sent: StepCompletion | None


def order_section(session: Session, actor: User, order: Order) -> Section | None:
    """The order page's card (None until the protocol is approved); two small queries."""
    if not approved(order):
        return None
    versions = list(
        session.scalars(
            select(DocumentPackage)
            .where(DocumentPackage.order_id == order.id)
            .order_by(DocumentPackage.version.desc())
        )
    )
    sends = session.scalar(
        select(func.count(PackageSend.id))
        .join(DocumentPackage, PackageSend.package_id == DocumentPackage.id)
        .where(DocumentPackage.order_id == order.id)
    )
    return Section(
        latest_ready=next((p for p in versions if p.status == READY), None),
        pending=any(p.status == PENDING for p in versions),
        versions=len(versions),
        sends=sends or 0,
        sent=sent(order),
    )

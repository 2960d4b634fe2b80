"""Building a package: the worker's stages from the frozen sources to the stored PDFs.

A version is built outside the request: in a daemon thread the page starts, or by the worker
(`flask work`, `flask package work`) for packages whose thread died. The builder holds a lease
(lease.py) and records each stage for the page. It typesets one PDF per language among the
recipients (the order's first), once each; all of them, with their SHA-256, size, page count
and the answers with unprintable characters, land in one final transaction. A failure in any
language marks the package failed with a readable error naming that language, stores no PDF,
and older versions stay as they are.
"""

import hashlib
import io
import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit, pdf, questionnaires
from portal.models import (
    QUESTIONNAIRES,
    DocumentPackage,
    Order,
    QuestionnaireSnapshot,
    Response,
    Upload,
    User,
)
from portal.models.package import FAILED, READY, PackageFile
from portal.models.protocol import APPROVED
from portal.services import calls, diagrams
from portal.services import protocol as protocols
from portal.services.packages import content
from portal.services.packages.glyph_check import unprintable_answers
from portal.services.packages.lease import Lease, LeaseLost, claim
from portal.services.packages.mails import languages_of, recipients
from portal.services.packages.versions import LANGUAGE_NAMES, STAGES

log = logging.getLogger(__name__)

# How each language writes dates and numbers: English as in Britain ("6 December 2026"), as a
# European customer reads it; the texts are the same "en" catalogue.
LOCALES = {"de": "de_DE", "en": "en_GB"}

ERROR_MAX = 500


class SourceMissing(Exception):
    """Something the package is made of is missing; the message says what, for the page."""


class LanguageFailed(Exception):
    """The PDF in one language could not be built; names the language and the cause."""

    def __init__(self, language: str, cause: Exception):
        super().__init__(language, cause)
        self.language, self.cause = language, cause


@dataclass(frozen=True)
class _Built:
    """One language's PDF as it is stored."""

    language: str
    data: bytes
    unprintable: list[dict[str, str]]


@dataclass
class _Sources:
    """What a package is made of, read once at the start of a build."""

    order: Order
    languages: list[str]
    call: Any
    protocol: Any
    snapshots: dict[str, QuestionnaireSnapshot]
    finalisers: dict[str, str]
    diagram: Any
    files: dict[str, str]


def _latest_snapshot(session: Session, order: Order, kind: str) -> QuestionnaireSnapshot | None:
    return session.scalar(
        select(QuestionnaireSnapshot)
        .where(
            QuestionnaireSnapshot.order_id == order.id, QuestionnaireSnapshot.questionnaire == kind
        )
        .order_by(QuestionnaireSnapshot.version.desc())
        .limit(1)
    )


def _file_names(session: Session, order: Order) -> dict[str, str]:
    """The name of every file the customer uploaded for this order, by answer ("upload:<id>")."""
    found = session.execute(
        select(Upload.id, Upload.filename)
        .join(Response, Upload.response_id == Response.id)
        .where(Response.order_id == order.id)
    )
    return {f"upload:{upload_id}": name for upload_id, name in found}


def _collect(session: Session, package: DocumentPackage) -> _Sources:
    order = session.get(Order, package.order_id)
    protocol = protocols.protocol_of(session, order)
    if protocol is None or protocol.status != APPROVED:
        raise SourceMissing(_("Das Protokoll ist nicht freigegeben."))
    snapshots = {}
    for kind in QUESTIONNAIRES:
        snapshot = _latest_snapshot(session, order, kind)
        if snapshot is None:
            raise SourceMissing(_("Ein Fragebogen ist nicht abgeschlossen."))
        snapshots[kind] = snapshot
    finalisers = {kind: session.get(User, s.finalised_by_id).name for kind, s in snapshots.items()}
    return _Sources(
        order=order,
        # The order's language first (the version's own PDF), then the recipients' others.
        languages=languages_of(package.language, recipients(session, order)),
        call=calls.call_of(session, order),
        protocol=protocol,
        snapshots=snapshots,
        finalisers=finalisers,
        diagram=diagrams.latest(session, order),
        files=_file_names(session, order),
    )


def _title() -> str:
    return _("Dokumentation des Setup Calls")


def _render(session: Session, lease: Lease, sources: _Sources, language: str) -> _Built:
    """The stages from the diagram to the typeset PDF in one language, each recorded."""
    order = sources.order
    index, count = sources.languages.index(language), len(sources.languages)

    def advance(stage: str) -> None:
        lease.advance(session, stage, share(stage, index, count))

    locale = LOCALES.get(language, language)
    with force_locale(locale):
        advance("diagram")
        figure = None
        if sources.diagram is not None:
            row = sources.diagram
            svg = diagrams.render(order, row.systems, row.flows, row.version)
            figure = content.diagram(row.version, svg)
        context = questionnaires.context_of(order)
        parts = []
        for kind in QUESTIONNAIRES:
            advance(kind)
            parts.append(
                content.questionnaire(
                    session,
                    sources.snapshots[kind],
                    context,
                    sources.files,
                    sources.finalisers[kind],
                    language,
                )
            )
        advance("protocol")
        part = content.protocol_part(order, sources.protocol, language)
        title = _title()
        document = content.Content(
            title=title,
            header=f"{order.customer_name} ({order.short_code}) · {title}",
            cover=content.cover(order, sources.call, part),
            diagram=figure,
            questionnaires=tuple(parts),
            protocol=part,
        )
        subject = _("Datenflussdiagramm, Fragebögen und Protokoll des Setup Calls")
        missing = unprintable_answers(document)
    advance("typeset")
    data = pdf.document(
        "package/pdf.html",
        language=language,
        title=f"{title}: {order.customer_name} ({order.short_code})",
        header=document.header,
        subject=subject,
        created=lease.started,
        locale=locale,
        doc=document,
    )
    return _Built(language, data, missing)


def share(stage: str, index: int, count: int) -> int:
    """The progress of a stage of the index-th of count languages: each language takes its
    part of the way from "collect" to "typeset", so the bar never moves back."""
    start, end = STAGES["collect"][0], STAGES["typeset"][0]
    within = (STAGES[stage][0] - start) / (end - start)
    return round(start + (index + within) / count * (end - start))


def build(session: Session, package_id: int) -> DocumentPackage | None:
    """Build a pending package if no one else is: claim, render stage by stage, store.

    Returns the package as stored afterwards (also when another builder had it), or None
    for an unknown id. Failures are logged and recorded on the package, never raised.
    """
    lease = claim(session, package_id)
    if lease is None:
        return session.get(DocumentPackage, package_id)
    try:
        package = session.get(DocumentPackage, package_id)
        sources = _collect(session, package)
        built = []
        for language in sources.languages:
            try:
                built.append(_render(session, lease, sources, language))
            except (LeaseLost, SourceMissing):
                raise
            except Exception as error:
                raise LanguageFailed(language, error) from error
        lease.advance(session, "store")
        _store(session, lease, built)
    except LeaseLost:
        session.rollback()
        log.warning("package %s: lease lost to another builder; stopped", package_id)
    except Exception as error:
        session.rollback()
        log.exception("package %s could not be built", package_id)
        _fail(session, lease, error)
    session.expire_all()
    return session.get(DocumentPackage, package_id)


def _store(session: Session, lease: Lease, built: list[_Built]) -> None:
    """Every language's PDF and the version's own (the first) in one transaction."""
    files = [
        PackageFile(
            package_id=lease.package_id,
            language=one.language,
            pdf=one.data,
            sha256=hashlib.sha256(one.data).hexdigest(),
            size=len(one.data),
            pages=len(PdfReader(io.BytesIO(one.data)).pages),
            unprintable=one.unprintable,
        )
        for one in built
    ]
    data, digest, pages = built[0].data, files[0].sha256, files[0].pages
    lease.finish(
        session,
        status=READY,
        stage="done",
        pdf=data,
        sha256=digest,
        size=len(data),
        pages=pages,
        error=None,
    )
    session.add_all(files)
    package = session.get(DocumentPackage, lease.package_id)
    audit.record(
        session,
        None,
        "package.ready",
        "document_package",
        package.id,
        order_id=package.order_id,
        version=package.version,
        sha256=digest,
        pages=pages,
        size=len(data),
        files={f.language: f.sha256 for f in files},
    )
    session.commit()


def _readable(error: Exception) -> str:
    if isinstance(error, LanguageFailed):
        language = str(LANGUAGE_NAMES.get(error.language, error.language))
        return _(
            "Das PDF auf %(language)s konnte nicht erstellt werden: %(error)s",
            language=language,
            error=_readable(error.cause),
        )[:ERROR_MAX]
    if isinstance(error, SourceMissing):
        text = str(error)
    elif isinstance(error, pdf.PdfError):
        text = _("Das PDF konnte nicht gesetzt werden (%(error)s).", error=str(error))
    else:
        text = _(
            "Das Dokumentationspaket konnte nicht erstellt werden: %(kind)s: %(error)s",
            kind=type(error).__name__,
            error=str(error),
        )
    return text[:ERROR_MAX]


def _fail(session: Session, lease: Lease, error: Exception) -> None:
    """Mark the package failed with a readable error, audited; only while the lease is ours."""
    try:
        message = _readable(error)
        lease.finish(session, status=FAILED, stage="failed", error=message)
        package = session.get(DocumentPackage, lease.package_id)
        audit.record(
            session,
            None,
            "package.failed",
            "document_package",
            package.id,
            order_id=package.order_id,
            version=package.version,
            error=message,
        )
        session.commit()
    except LeaseLost:
        log.warning("package %s: lease lost before the failure was recorded", lease.package_id)
    except Exception:
        session.rollback()
        log.exception("package %s: the failure could not be recorded", lease.package_id)


def start_in_background(app, package_id: int) -> threading.Thread:
    """Build the package in a daemon thread with its own app context (and database session)."""
    from portal.extensions import db

    def run() -> None:
        with app.app_context():
            try:
                build(db.session, package_id)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"package-{package_id}", daemon=True)
    thread.start()
    return thread

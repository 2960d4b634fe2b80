"""Sending a package: partner staff mail a ready version to every participant of the call and
every contact the project lead confirmed.

Each recipient gets the PDF in their language; a version lacking a language a recipient reads
sends nothing. The first send completes step 8; every send is recorded with its recipients and
note, and each recipient's mail goes to the outbox, so a slow mail server never holds up the page.
"""

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit, mail
from portal.models import PackageSend, StepCompletion, User, utcnow
from portal.models.package import READY
from portal.services import access
from portal.services.access import require_partner
from portal.services.errors import Conflict, Invalid
from portal.services.packages.mails import compose, recipients
from portal.services.packages.versions import (
    LANGUAGE_NAMES,
    STEP,
    approved,
    filename,
    files_of,
    sent,
    version_of,
)

NOTE_MAX = 2000


def clean_note(note: str) -> str:
    """The sender's note with plain line breaks, trimmed; Invalid (field note) if too long."""
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        message = _("Die Nachricht ist zu lang (höchstens %(n)d Zeichen).", n=NOTE_MAX)
        raise Invalid(message, note=message)
    return note


def send(session: Session, actor: User, order_id: int, version: int, note: str) -> PackageSend:
    """Partner staff send a ready version to every recipient (mails.recipients), one mail each.

    The first send completes step 8; every send is recorded with its recipients and note.
    """
    for attempt in range(2):
        try:
            return _send(session, actor, order_id, version, note)
        except IntegrityError:
            # Someone completed the step at the same moment; send again as a re-send.
            session.rollback()
            if attempt:
                raise
    raise AssertionError("unreachable")


def _send(session: Session, actor: User, order_id: int, version: int, note: str) -> PackageSend:
    order = access.get_order(session, actor, order_id)
    require_partner(actor, _("Nur Mitarbeiter des Partners versenden das Dokumentationspaket."))
    if not approved(order):
        # A version exists only after approval; this holds even if one was left from before.
        raise Conflict(
            _("Das Dokumentationspaket wird erst nach der Freigabe des Protokolls versendet.")
        )
    package = version_of(session, order, version)
    if package.status != READY:
        raise Conflict(_("Diese Version ist nicht fertig und kann nicht versendet werden."))
    note = clean_note(note)
    people = recipients(session, order)
    if not people:
        raise Conflict(
            _(
                "Weder der Setup Call noch die bestätigten Ansprechpartner haben eine "
                "E-Mail-Adresse; das Paket kann niemandem geschickt werden."
            )
        )
    files = files_of(session, package)
    lacking = sorted({p.document_language for p in people} - set(files))
    if lacking:
        raise Conflict(
            _(
                "Version %(n)d gibt es nicht auf %(language)s, das ein Empfänger liest; bitte "
                "eine neue Version erstellen.",
                n=package.version,
                language=", ".join(str(LANGUAGE_NAMES.get(code, code)) for code in lacking),
            )
        )
    first = sent(order) is None
    if first:
        session.add(
            StepCompletion(
                order_id=order.id,
                step=STEP,
                completed_by_id=actor.id,
                completed_at=utcnow(),
                details={
                    "package_id": package.id,
                    "version": package.version,
                    "sha256": package.sha256,
                },
            )
        )
        session.flush()  # a concurrent first send fails here, before any mail is queued
    queued = []
    for person in people:
        language = person.document_language
        attachment = (filename(order, package.version, language), "application/pdf",
                      files[language].pdf)  # fmt: skip
        subject, text, html = compose(order, files[language], person, actor, note)
        row = mail.queue(
            session, to=[person.email], subject=subject, text=text, html=html,
            attachments=(attachment,),
        )  # fmt: skip
        # The outbox row: the page shows whether this recipient's mail went out.
        queued.append(person.as_dict() | {"message_id": row.id})
    record = PackageSend(
        package_id=package.id,
        sent_by_id=actor.id,
        sent_at=utcnow(),
        recipients=queued,
        note=note,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "package.send",
        "document_package",
        package.id,
        order_id=order.id,
        version=package.version,
        sha256=package.sha256,
        files={language: f.sha256 for language, f in files.items()},
        recipients=[p.email for p in people],
        first=first,
    )
    session.commit()
    return record

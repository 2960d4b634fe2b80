"""Admin outbox: every queued email with its delivery state, one message in detail, retry."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.admin import bp
from portal.authz import roles_required
from portal.extensions import db
from portal.mail import REDACTED, delivery
from portal.models import OutboxMessage
from portal.models.outbox import FAILED, KEPT, PENDING, SENT
from portal.services import outbox as outbox_service
from portal.services.errors import Conflict

PAGE_SIZE = 50
STATUS_LABELS = {
    PENDING: _l("wartend"),
    SENT: _l("gesendet"),
    FAILED: _l("fehlgeschlagen"),
    KEPT: _l("abgelegt"),
}
BADGES = {PENDING: "badge-open", SENT: "badge-sent", FAILED: "badge-failed", KEPT: "badge-blocked"}
# A message's state where a page lists who got a mail: (label, badge kind).
DELIVERY = {
    outbox_service.QUEUED: (_l("wartet auf Versand"), "open"),
    outbox_service.RETRYING: (_l("Versand wird wiederholt"), "open"),
    SENT: (_l("versendet"), "done"),
    KEPT: (_l("als Datei abgelegt (kein Mailserver)"), "blocked"),
    FAILED: (_l("Versand fehlgeschlagen"), "failed"),
}


def _labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "badges": BADGES,
        "retryable": outbox_service.RETRYABLE,
        "redacted": REDACTED,
    }


@bp.get("/outbox")
@roles_required("admin")
def outbox():
    """List the outbox newest first, optionally only one status."""
    status = request.args.get("status")
    status = status if status in STATUS_LABELS else None
    page = db.paginate(outbox_service.listing(status), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/outbox.html", page=page, status=status, **_labels())


@bp.get("/outbox/<int:message_id>")
@roles_required("admin")
def outbox_message(message_id: int):
    """Show one message: delivery state, text, HTML as escaped source, attachment names."""
    message = db.get_or_404(OutboxMessage, message_id)
    parts = delivery.read_parts(message.raw)
    return render_template("admin/outbox_message.html", message=message, parts=parts, **_labels())


@bp.post("/outbox/<int:message_id>/retry")
@roles_required("admin")
def outbox_retry(message_id: int):
    """Put a failed or pending message back in the queue, due now; the worker delivers it."""
    try:
        outbox_service.retry(db.session, current_user, message_id)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Die Nachricht ist wieder eingereiht; der Hintergrunddienst (flask work) "
                "versucht sie beim nächsten Durchlauf."
            ),
            "success",
        )
    return redirect(url_for("admin.outbox_message", message_id=message_id))


@bp.app_template_global("mail_states")
def mail_states(message_ids) -> dict[int, tuple[str, str]]:
    """Outbox message id -> (state label, badge kind), for pages that list who got a mail."""
    found = outbox_service.states(db.session, [i for i in message_ids if isinstance(i, int)])
    return {i: (str(DELIVERY[state][0]), DELIVERY[state][1]) for i, state in found.items()}

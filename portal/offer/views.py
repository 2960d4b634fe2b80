"""Views of the offer: the partner's editor and the customer's decision.

Each parses the request, calls one service, then renders, flashes or redirects. The customer's
secret link is exchanged for a session cookie ("customer_offers": the offer ids it opened) and
a redirect to a URL without the token.
"""

import io

from flask import abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import postal
from portal.authz import roles_required
from portal.errors import flash_refusal
from portal.extensions import db, link_limit
from portal.filters import locale
from portal.models import Role
from portal.models.offer import ACCEPTED, DECLINED, DRAFT, SENT, WITHDRAWN
from portal.offer import bp, forms
from portal.services import offers
from portal.services.errors import DomainError
from portal.services.links import LinkGone
from portal.services.offers.pricing import Totals, totals

SESSION_KEY = "customer_offers"
DOWNLOAD = {"Cache-Control": "private, no-store"}
STATUS = {
    DRAFT: (_l("Entwurf"), "blocked"),
    SENT: (_l("Entscheidung offen"), "open"),
    ACCEPTED: (_l("angenommen"), "done"),
    DECLINED: (_l("abgelehnt"), "overdue"),
    WITHDRAWN: (_l("zurückgezogen"), "not_applicable"),
}


def _version() -> int | None:
    return request.form.get("version", type=int)


def _render(
    order_id,
    posted=None,
    errors=None,
    focus=None,
    version=None,
    chosen=None,
    status=200,
    address=None,
):
    """The offer page; an unsaved or refused editor keeps what the user typed (`posted`)."""
    page = offers.editor(db.session, current_user, order_id)
    draft = forms.draft_of(page.offer, posted, locale())
    if version is None and page.offer is not None:
        version = page.offer.version
    return render_template(
        "offer/editor.html",
        page=page,
        draft=draft,
        totals=draft.totals(page.offer.vat_rate) if draft else None,
        errors=errors or {},
        focus=focus,
        version=version,
        chosen=set(chosen) if chosen is not None else page.chosen,
        address=address or page.address,
        countries=postal.countries(locale()),
    ), status


@bp.route("/orders/<int:order_id>/offer", methods=["GET", "POST"])
@roles_required(Role.PARTNER_STAFF)
def edit(order_id: int):
    """The offer editor: lines, validity, note and recipients; save, add or remove a line."""
    if request.method == "GET":
        return _render(order_id)
    fields, action = forms.editor_fields(request.form), request.form.get("action", "save")
    chosen = forms.contact_ids(request.form)
    if action != "save":
        focus, errors = forms.change_rows(fields, action, request.form.get("add_item", ""))
        posted = forms.read_draft(db.session, fields, locale())
        return _render(order_id, posted, errors, focus, _version(), chosen)
    posted = forms.read_draft(db.session, fields, locale())
    try:
        offers.save_draft(db.session, current_user, order_id, posted.input(), _version())
    except DomainError as error:
        if error.status in (403, 404):
            raise
        errors = error.fields or {"form": error.message}
        return _render(order_id, posted, errors, None, _version(), chosen, error.status)
    flash(_("Der Entwurf ist gespeichert."), "success")
    return redirect(url_for("offer.edit", order_id=order_id))


@bp.post("/orders/<int:order_id>/offer/address")
@roles_required(Role.PARTNER_STAFF)
def address(order_id: int):
    """Record the customer's postal address, the recipient block of the offer."""
    posted = forms.address(request.form)
    try:
        offers.save_address(db.session, current_user, order_id, posted)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        errors = error.fields or {"form": error.message}
        return _render(order_id, errors=errors, status=error.status, address=posted)
    flash(_("Die Postanschrift des Kunden ist gespeichert."), "success")
    return redirect(url_for("offer.edit", order_id=order_id) + "#address")


@bp.post("/orders/<int:order_id>/offer/start")
@roles_required(Role.PARTNER_STAFF)
def start(order_id: int):
    """Start a draft from the services the protocol agreed."""
    try:
        offers.start(db.session, current_user, order_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Der Entwurf des Angebots ist angelegt."), "success")
    return redirect(url_for("offer.edit", order_id=order_id))


@bp.post("/orders/<int:order_id>/offer/send")
@roles_required(Role.PARTNER_STAFF)
def send(order_id: int):
    """Save the editor's fields and send the offer to the chosen customer contacts."""
    fields, chosen = forms.editor_fields(request.form), forms.contact_ids(request.form)
    posted = forms.read_draft(db.session, fields, locale())
    try:
        result = offers.send(db.session, current_user, order_id, _version(), chosen, posted.input())
    except DomainError as error:
        if error.status in (403, 404):
            raise
        errors = error.fields or {"form": error.message}
        return _render(order_id, posted, errors, None, _version(), chosen, error.status)
    recipients = len(result.offer.recipients)
    flash(
        _("Das Angebot ist für %(n)d Ansprechpartner zum Versand eingereiht.", n=recipients),
        "success",
    )
    return redirect(url_for("orders.show", order_id=order_id) + "#offer-heading")


@bp.post("/orders/<int:order_id>/offer/<int:number>/withdraw")
@roles_required(Role.PARTNER_STAFF)
def withdraw(order_id: int, number: int):
    """Withdraw a sent offer (its link stops working) or discard a draft."""
    try:
        offer = offers.withdraw(db.session, current_user, order_id, number)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            _("Das Angebot ist zurückgezogen.")
            if offer.sent_at
            else _("Der Entwurf ist verworfen."),
            "success",
        )
    return redirect(url_for("offer.edit", order_id=order_id))


@bp.get("/orders/<int:order_id>/offer/<int:number>.pdf")
@roles_required(Role.PARTNER_STAFF)
def pdf(order_id: int, number: int):
    """Download the PDF of a sent offer exactly as the customer received it."""
    filename, data = offers.pdf_of(db.session, current_user, order_id, number)
    return _pdf_response(filename, data)


def _pdf_response(filename: str, data: bytes):
    response = send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=filename
    )
    response.headers.update(DOWNLOAD)
    return response


# ---------------------------------------------------------------- the customer


def _gone(error: LinkGone):
    return render_template("offer/gone.html", message=error.message), 410


@bp.get("/o/<token>")
@link_limit
def enter(token: str):
    """Exchange the decision link's token for a session cookie; redirect to a URL without it."""
    try:
        offer = offers.redeem(db.session, token)
    except LinkGone as error:
        return _gone(error)
    known = [i for i in session.get(SESSION_KEY, []) if i != offer.id]
    session[SESSION_KEY] = [offer.id, *known][:20]
    session["lang"] = offer.language
    return redirect(url_for("offer.customer", offer_id=offer.id), code=303)


def _customer_page(offer_id: int, errors=None, status=200):
    try:
        view = offers.customer_page(db.session, session.get(SESSION_KEY, []), offer_id)
    except LinkGone as error:
        return _gone(error)
    return render_template("offer/customer.html", view=view, errors=errors or {}), status


@bp.route("/customer/offer/<int:offer_id>", methods=["GET", "POST"])
def customer(offer_id: int):
    """The offer for the customer; a sent one is accepted or declined here, once."""
    if request.method == "GET":
        return _customer_page(offer_id)
    decision = request.form.get("decision")
    if decision not in ("accept", "decline"):
        abort(400)
    try:
        offers.decide(
            db.session,
            session.get(SESSION_KEY, []),
            offer_id,
            accept=decision == "accept",
            name=request.form.get("name", ""),
            comment=request.form.get("comment", ""),
            version=_version(),
        )
    except LinkGone as error:
        return _gone(error)
    except DomainError as error:
        if error.status == 404:
            raise
        return _customer_page(offer_id, error.fields or {"form": error.message}, error.status)
    if decision == "accept":
        flash(_("Vielen Dank! Sie haben das Angebot angenommen."), "success")
    else:
        flash(_("Sie haben das Angebot abgelehnt. Vielen Dank für Ihre Rückmeldung."), "success")
    return redirect(url_for("offer.customer", offer_id=offer_id), code=303)


@bp.get("/customer/offer/<int:offer_id>/pdf")
def customer_pdf(offer_id: int):
    """Download the offer's PDF in the customer's session."""
    try:
        filename, data = offers.customer_pdf(db.session, session.get(SESSION_KEY, []), offer_id)
    except LinkGone as error:
        return _gone(error)
    return _pdf_response(filename, data)


# ---------------------------------------------------------------- the order page


@bp.app_template_global("offer_state")
def offer_state(order):
    """The order page's part on offers (partner staff only)."""
    return offers.order_section(db.session, current_user, order)


@bp.app_template_global("offer_status")
def offer_status(status: str) -> tuple[str, str]:
    """An offer status as (translated label, badge kind)."""
    label, badge = STATUS[status]
    return str(label), badge


@bp.app_template_global("offer_totals")
def offer_totals(offer) -> Totals:
    """An offer's line nets, net total, VAT and gross."""
    return totals(offer.lines, offer.vat_rate)

"""Setup call views. Each parses the request, calls one service, then renders or redirects."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.authz import roles_required
from portal.calls import bp
from portal.calls.forms import (
    call_fields,
    contact_fields,
    contact_ids,
    contacts_of,
    read_choice,
    staff,
    took_place_start,
)
from portal.errors import flash_refusal
from portal.extensions import db
from portal.models import Role
from portal.process import completion
from portal.services import access, calendar_sync, calls, link_table, links
from portal.services.calls.rules import DURATIONS
from portal.services.errors import DomainError


@bp.get("/<int:order_id>/call")
@roles_required(Role.PARTNER_STAFF)
def plan(order_id: int):
    """The booking page: participants, duration, free slots, the booked call and its history."""
    order = access.get_order(db.session, current_user, order_id)
    choice = read_choice(request.args, db.session, order)
    found, error = None, None
    if order.customer is not None and "duration" in request.args:
        try:
            found = calls.search(
                db.session,
                current_user,
                order.id,
                choice.invitees(order, current_user),
                choice.duration,
            )
        except DomainError as problem:
            error = problem.message
    call = calls.call_of(db.session, order)
    return render_template(
        "calls/plan.html",
        order=order,
        choice=choice,
        found=found,
        error=error,
        architects=staff(db.session, Role.IT_ARCHITECT),
        technicians=staff(db.session, Role.TECHNICIAN),
        contacts=contacts_of(db.session, order),
        call=call,
        held=completion(order, "hold_call") is not None,
        calendar_states=calendar_sync.states(db.session, call) if call else [],
        answers=calls.answer_rows(call),
        declined=calls.declined_required_names(call),
        offer=calls.open_offer(db.session, order),
        durations=DURATIONS,
    )


def _back(order_id: int, choice=None):
    return redirect(url_for("calls.plan", order_id=order_id, **(choice.query() if choice else {})))


@bp.post("/<int:order_id>/call/book")
@roles_required(Role.PARTNER_STAFF)
def book(order_id: int):
    """Book or move the call to the chosen time (checked again against every calendar)."""
    order = access.get_order(db.session, current_user, order_id)
    choice, fields = read_choice(request.form, db.session, order), call_fields(request.form)
    try:
        calls.book(
            db.session,
            current_user,
            order_id,
            invitees=choice.invitees(order, current_user),
            start=fields.start,
            duration=choice.duration,
            **fields.details(),
        )
    except DomainError as error:
        flash_refusal(error)
        return _back(order_id, choice)
    flash(_("Der Setup Call ist gebucht; die Einladungen sind zum Versand eingereiht."), "success")
    return redirect(url_for("calls.plan", order_id=order_id))


@bp.post("/<int:order_id>/call/offer")
@roles_required(Role.PARTNER_STAFF)
def offer(order_id: int):
    """Send the customer contacts a choice of free times to pick from."""
    order = access.get_order(db.session, current_user, order_id)
    choice, fields = read_choice(request.form, db.session, order), call_fields(request.form)
    try:
        calls.offer(
            db.session,
            current_user,
            order_id,
            invitees=choice.invitees(order, current_user),
            starts=fields.offered,
            duration=choice.duration,
            **fields.details(),
        )
    except DomainError as error:
        flash_refusal(error)
        return _back(order_id, choice)
    flash(_("Die Terminauswahl ist zum Versand an den Kunden eingereiht."), "success")
    return redirect(url_for("calls.plan", order_id=order_id))


@bp.post("/<int:order_id>/call/cancel")
@roles_required(Role.PARTNER_STAFF)
def cancel(order_id: int):
    """Cancel the booked call; every attendee receives a cancellation."""
    try:
        calls.cancel(db.session, current_user, order_id, request.form.get("reason", ""))
    except DomainError as error:
        flash_refusal(error)
        return _back(order_id)
    flash(_("Der Setup Call ist abgesagt."), "success")
    return _back(order_id)


@bp.post("/<int:order_id>/call/took-place")
@roles_required(Role.PARTNER_STAFF)
def took_place(order_id: int):
    """Move the booked call to the (past) time it really took place; everyone gets the change."""
    try:
        calls.took_place_at(db.session, current_user, order_id, took_place_start(request.form))
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("calls.plan", order_id=order_id) + "#took-place-heading")
    flash(
        _(
            "Der Setup Call ist auf den tatsächlichen Zeitpunkt verschoben; die Teilnehmer "
            "erhalten die Änderung."
        ),
        "success",
    )
    return redirect(url_for("orders.show", order_id=order_id) + "#outcome-heading")


@bp.get("/<int:order_id>/call.ics")
@login_required
def ics(order_id: int):
    """Download the call's current state as an iCalendar file."""
    body = calls.ics(db.session, current_user, order_id)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="setup-call-{order_id}.ics"'},
    )


@bp.post("/<int:order_id>/contacts")
@roles_required(Role.PARTNER_STAFF)
def add_contact(order_id: int):
    """Add a customer contact to the customer record."""
    try:
        calls.add_contact(db.session, current_user, order_id, **contact_fields(request.form))
    except DomainError as error:
        if error.status == 404:
            raise
        flash(" ".join([error.message, *error.fields.values()]), "error")
    else:
        flash(_("Ansprechpartner hinzugefügt."), "success")
    return _back(order_id)


@bp.post("/<int:order_id>/links/send")
@roles_required(Role.PARTNER_STAFF)
def send_links(order_id: int):
    """Send the chosen customer contacts fresh links to both questionnaires."""
    chosen = contact_ids(request.form)
    try:
        count = links.send_to_contacts(db.session, current_user, order_id, chosen)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Links für %(n)d Ansprechpartner zum Versand eingereiht.", n=count), "success")
    return redirect(url_for("orders.show", order_id=order_id) + "#links-heading")


@bp.post("/<int:order_id>/links/<int:link_id>/revoke")
@roles_required(Role.PARTNER_STAFF)
def revoke_link(order_id: int, link_id: int):
    """Revoke one customer link: it stops working at once."""
    try:
        links.revoke(db.session, current_user, order_id, link_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Der Link ist widerrufen; er öffnet den Fragebogen nicht mehr."), "success")
    return redirect(url_for("orders.show", order_id=order_id) + "#links-heading")


@bp.post("/<int:order_id>/links/<int:link_id>/resend")
@roles_required(Role.PARTNER_STAFF)
def resend_link(order_id: int, link_id: int):
    """Mail the link's recipient a new link to the same questionnaire; the old one is replaced."""
    try:
        link = link_table.resend(db.session, current_user, order_id, link_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(
            _(
                "Ein neuer Link für %(name)s ist in den Postausgang gelegt; der bisherige ist ersetzt.",
                name=link.recipient_name,
            ),
            "success",
        )
    return redirect(url_for("orders.show", order_id=order_id) + "#links-heading")

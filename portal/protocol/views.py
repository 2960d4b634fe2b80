"""Protocol views. Each parses the request, calls one service, then renders or redirects."""

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.authz import roles_required
from portal.errors import flash_refusal
from portal.extensions import db
from portal.models import Role
from portal.protocol import bp, forms
from portal.services.errors import DomainError
from portal.services.protocol import adoption, approval, drafting, hold_call, pages
from portal.services.protocol.contacts import confirm_contacts


def _render(order_id: int, fields=None, errors=None, focus=None, version=None, status=200):
    """The protocol page; a refused or unsaved editor keeps what the user typed."""
    page = pages.page(db.session, current_user, order_id)
    if version is None and page.protocol is not None:
        version = page.protocol.version
    return render_template(
        "protocol/page.html",
        page=page,
        fields=fields if fields is not None and page.may_edit else page.fields(db.session),
        errors=errors or {},
        focus=focus,
        version=version,
    ), status


@bp.route("/<int:order_id>/protocol", methods=["GET", "POST"])
@login_required
def show(order_id: int):
    """The protocol: an editor for those who draft it, else read-only; the lead decides on it."""
    if request.method == "GET":
        return _render(order_id)
    fields, version = forms.protocol_fields(request.form), forms.version(request.form)
    action = request.form.get("action", "save")
    if action != "save":
        return _render(order_id, fields, focus=forms.change_rows(fields, action), version=version)
    try:
        drafting.save_draft(db.session, current_user, order_id, fields, version)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        errors = error.fields or {"form": error.message}
        return _render(order_id, fields, errors, version=version, status=error.status)
    flash(_("Der Entwurf ist gespeichert."), "success")
    return redirect(url_for("protocol.show", order_id=order_id))


@bp.post("/<int:order_id>/protocol/submit")
@login_required
def submit(order_id: int):
    """Submit the protocol for approval; from the editor, its fields are saved with it."""
    fields = forms.protocol_fields(request.form) if "topics" in request.form else None
    version = forms.version(request.form)
    try:
        drafting.submit(db.session, current_user, order_id, version, fields)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        errors = error.fields or {"form": error.message}
        return _render(order_id, fields, errors, version=version, status=error.status)
    flash(_("Das Protokoll ist zur Freigabe eingereicht."), "success")
    return redirect(url_for("protocol.show", order_id=order_id))


@bp.post("/<int:order_id>/protocol/approve")
@login_required
def approve(order_id: int):
    """The order's project lead approves the submitted protocol."""
    try:
        approval.approve(db.session, current_user, order_id, forms.version(request.form))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Das Protokoll ist freigegeben."), "success")
    return redirect(url_for("protocol.show", order_id=order_id))


@bp.post("/<int:order_id>/protocol/return")
@login_required
def return_to_draft(order_id: int):
    """The order's project lead returns the submitted protocol with a comment."""
    try:
        comment, version = request.form.get("comment", ""), forms.version(request.form)
        approval.return_to_draft(db.session, current_user, order_id, comment, version)
    except DomainError as error:
        if error.status == 400 and error.fields:
            return _render(order_id, errors=error.fields, status=400)
        flash_refusal(error)
    else:
        flash(_("Das Protokoll ist zur Überarbeitung zurückgegeben."), "success")
    return redirect(url_for("protocol.show", order_id=order_id))


def _contacts(order_id: int, errors=None, status=200, **posted):
    """The contacts page; a refused form keeps what the lead typed (posted: confirm, adopt, new)."""
    page = pages.contacts_page(db.session, current_user, order_id)
    confirm = {entry["id"]: entry for entry in posted.get("confirm", [])}
    adopt = {entry["key"]: entry for entry in posted.get("adopt", [])}
    return render_template(
        "protocol/contacts.html",
        page=page,
        errors=errors or {},
        posted=confirm,
        adopt=adopt,
        new=posted.get("new") or {},
    ), status


def _refused(error: DomainError, order_id: int, **posted):
    if error.status in (403, 404):
        raise error
    return _contacts(order_id, error.fields or {"form": error.message}, error.status, **posted)


@bp.route("/<int:order_id>/contacts/confirm", methods=["GET", "POST"])
@roles_required(Role.PROJECT_LEAD)
def contacts(order_id: int):
    """The order's project lead completes and confirms the customer's contacts."""
    if request.method == "GET":
        return _contacts(order_id)
    posted = forms.contact_entries(request.form)
    try:
        confirm_contacts(db.session, current_user, order_id, posted)
    except DomainError as error:
        return _refused(error, order_id, confirm=posted)
    flash(_("Die Ansprechpartner sind bestätigt."), "success")
    return redirect(url_for("orders.show", order_id=order_id) + "#outcome-heading")


@bp.post("/<int:order_id>/contacts/adopt")
@roles_required(Role.PROJECT_LEAD)
def adopt_contacts(order_id: int):
    """The lead adopts people from the questionnaires as the customer's contacts."""
    picks = forms.adopted_entries(request.form)
    try:
        created, completed = adoption.adopt(db.session, current_user, order_id, picks)
    except DomainError as error:
        return _refused(error, order_id, adopt=picks)
    flash(
        _(
            "Aus den Fragebögen übernommen: %(new)d neu, %(completed)d ergänzt.",
            new=len(created),
            completed=len(completed),
        ),
        "success",
    )
    return redirect(url_for("protocol.contacts", order_id=order_id))


@bp.post("/<int:order_id>/contacts/new")
@roles_required(Role.PROJECT_LEAD)
def add_contact(order_id: int):
    """The lead adds a contact by hand."""
    values = forms.new_contact(request.form)
    try:
        contact = adoption.add(db.session, current_user, order_id, values)
    except DomainError as error:
        return _refused(error, order_id, new=values)
    flash(_("%(name)s ist als Ansprechpartner hinzugefügt.", name=contact.name), "success")
    return redirect(url_for("protocol.contacts", order_id=order_id) + f"#contact-{contact.id}")


@bp.post("/<int:order_id>/call/complete")
@login_required
def complete_call(order_id: int):
    """Record the setup call as held once nothing it needs is missing."""
    try:
        hold_call.complete_call(db.session, current_user, order_id)
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(_("Der Setup Call ist als durchgeführt erfasst."), "success")
    return redirect(url_for("orders.show", order_id=order_id) + "#outcome-heading")


@bp.app_template_global("protocol_state")
def protocol_state(order):
    """The order page's part on contacts, completing the call and the protocol."""
    return pages.order_section(db.session, current_user, order)


@bp.app_template_global("protocol_date")
def protocol_date(value: date | str | None) -> str:
    """A calendar date (or ISO date text) in the current language."""
    if isinstance(value, str):
        value = date.fromisoformat(value) if value else None
    return format_date(value, "medium") if value else ""


@bp.app_template_global("protocol_labels")
def protocol_labels() -> dict:
    """Names of the protocol statuses and of staff roles, for the templates."""
    return {"status": pages.STATUS_LABELS, "role": pages.role_label}

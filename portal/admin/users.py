"""Admin pages for staff users: list, create, edit, deactivate and reactivate, set password."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from portal.admin import bp
from portal.admin.forms import (
    LANGUAGE_LABELS,
    ROLE_LABELS,
    ActiveForm,
    PasswordForm,
    UserCreateForm,
    UserEditForm,
    form_page,
)
from portal.authz import roles_required
from portal.extensions import db
from portal.models import Role, User
from portal.services import accounts
from portal.services.errors import Conflict, Invalid

_NAV = (
    ("admin.users", _l("Benutzer")),
    ("admin.organisations", _l("Organisationen")),
    ("admin.catalogue", _l("Leistungskatalog")),
    ("admin.outbox", _l("Postausgang")),
    ("admin.audit", _l("Audit-Protokoll")),
)


@bp.context_processor
def admin_navigation():
    """Offer the admin sub-navigation to every admin template."""
    links = []
    for endpoint, label in _NAV:
        url = url_for(endpoint)
        # admin.user_edit belongs to admin.users, admin.organisation_new to admin.organisations.
        current = (request.endpoint or "").startswith(endpoint.removesuffix("s"))
        links.append({"url": url, "label": label, "current": current})
    return {"admin_nav": links}


@bp.get("/users")
@roles_required(Role.ADMIN)
def users():
    """List every staff user."""
    return render_template(
        "admin/users.html",
        users=accounts.list_users(db.session),
        role_labels=ROLE_LABELS,
        language_labels=LANGUAGE_LABELS,
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_new():
    """Create a staff user with an initial password."""
    form = UserCreateForm()
    organisations = accounts.list_organisations(db.session)
    form.organisation.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                db.session,
                current_user,
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data,
                organisation_id=form.organisation.data,
                password=form.password.data or "",
                language=form.language.data,
            )
        except (Invalid, Conflict) as error:
            return form_page("admin/user_form.html", form, error)
        flash(_("Benutzer %(email)s angelegt.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return form_page("admin/user_form.html", form)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_edit(user_id: int):
    """Change a user's name, role and language."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            accounts.update_user(
                db.session,
                current_user,
                user.id,
                name=form.name.data or "",
                role=form.role.data,
                language=form.language.data,
            )
        except (Invalid, Conflict) as error:
            return form_page("admin/user_form.html", form, error, user=user)
        flash(_("Benutzer %(email)s gespeichert.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return form_page("admin/user_form.html", form, user=user)


@bp.post("/users/<int:user_id>/active")
@roles_required(Role.ADMIN)
def user_active(user_id: int):
    """Deactivate a user (their sessions end at once) or reactivate them."""
    form = ActiveForm()
    if form.validate_on_submit():
        try:
            user = accounts.set_active(db.session, current_user, user_id, form.active.data)
        except Conflict as error:
            flash(error.message, "error")
        else:
            if user.active:
                flash(_("%(email)s ist wieder aktiv.", email=user.email), "success")
            else:
                flash(_("%(email)s ist deaktiviert.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def user_password(user_id: int):
    """Set a new password for a user; their existing sessions end."""
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(db.session, current_user, user.id, form.password.data or "")
        except Invalid as error:
            return form_page("admin/user_password.html", form, error, user=user)
        flash(_("Neues Passwort für %(email)s gesetzt.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    return form_page("admin/user_password.html", form, user=user)

"""The studio's migration pages: move in-flight answers to a newer version, confirm a draft's map.

Each view parses the request (migration_forms.py), calls one service, then renders or redirects;
editors and admins only (the services check, and refuse everyone else).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.extensions import db
from portal.filters import locale
from portal.services.errors import DomainError
from portal.services.studio import migrating, migration_map, migration_pages
from portal.studio.migration_forms import ApplyForm, MappingForm, read_mapping

bp = Blueprint("studio_migration", __name__, url_prefix="/studio")


@bp.get("/<kind>/v<int:number>/migrations")
@login_required
def index(kind: str, number: int):
    """The unsubmitted responses on older versions, each with a link to its dry run."""
    page = migration_pages.index_page(db.session, current_user, kind, number, locale())
    return render_template("studio/migrations.html", page=page)


@bp.get("/<kind>/v<int:number>/migrations/<int:response_id>")
@login_required
def plan(kind: str, number: int, response_id: int):
    """The dry run of one response: kept, converted and dropped answers; the apply button."""
    return _render_plan(kind, number, response_id, ApplyForm(formdata=None))


def _render_plan(kind, number, response_id, form, problem=None, status=200):
    migration_pages.version_of(db.session, current_user, kind, number)
    dry = migrating.dry_run(db.session, current_user, response_id, number, locale=locale())
    if form.expected_from.data is None:
        form.expected_from.data, form.expected_revision.data = dry.from_version, dry.revision
    return render_template(
        "studio/migration_plan.html", kind=kind, number=number, plan=dry, form=form, problem=problem
    ), status


@bp.post("/<kind>/v<int:number>/migrations/<int:response_id>")
@login_required
def apply(kind: str, number: int, response_id: int):
    """Move the response to this version as its dry run showed (after the confirmation)."""
    migration_pages.version_of(db.session, current_user, kind, number)
    form = ApplyForm()
    if not form.validate():
        return _render_plan(kind, number, response_id, form, status=400)
    try:
        migrating.apply(
            db.session,
            current_user,
            response_id,
            number,
            expected_from=form.expected_from.data,
            expected_revision=form.expected_revision.data,
            locale=locale(),
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "error")
        return redirect(url_for(".index", kind=kind, number=number), 303)
    flash(_("Die Antworten sind auf Version %(n)d umgezogen.", n=number), "success")
    return redirect(url_for(".index", kind=kind, number=number), 303)


@bp.get("/<kind>/v<int:number>/mapping")
@login_required
def mapping(kind: str, number: int):
    """A draft's migration map: renames the identities suggest, explicit renames, recodes."""
    return _render_mapping(kind, number, MappingForm(formdata=None))


def _render_mapping(kind, number, form, problem=None, posted=None, status=200):
    version = migration_pages.version_of(db.session, current_user, kind, number)
    page = migration_map.mapping_page(db.session, current_user, version.id, locale())
    form.revision.data = version.revision
    return render_template(
        "studio/migration_map.html", page=page, form=form, problem=problem, posted=posted
    ), status


@bp.post("/<kind>/v<int:number>/mapping")
@login_required
def confirm_mapping(kind: str, number: int):
    """Store the confirmed map in the draft (a kept save)."""
    version = migration_pages.version_of(db.session, current_user, kind, number)
    form, posted = MappingForm(), read_mapping(request.form)
    if not form.validate() or posted.errors or not (form.revision.data or "").isdigit():
        problem = "; ".join(posted.errors) or _("Das Formular ist unvollständig.")
        return _render_mapping(kind, number, form, problem, request.form, 400)
    try:
        migration_map.confirm_mapping(
            db.session, current_user, version.id, posted.mapping, revision=int(form.revision.data)
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        return _render_mapping(kind, number, form, error.message, request.form, error.status)
    flash(_("Die Migrationsabbildung ist gespeichert."), "success")
    return redirect(url_for(".mapping", kind=kind, number=number), 303)

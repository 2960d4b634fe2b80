"""Studio views. Each parses the request, calls one service, then renders or redirects."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.authz import roles_required
from portal.errors import flash_refusal
from portal.extensions import db
from portal.filters import locale
from portal.models import Role
from portal.services.errors import DomainError
from portal.services.studio import drafting, lifecycle, pages, records, wording
from portal.studio import bp, forms

VERSION = "/<kind>/v<int:number>"
editors_only = roles_required(Role.QUESTIONNAIRE_EDITOR, Role.ADMIN)
ACTIONS = {
    "submit": (lifecycle.submit, _l("Zur Freigabe eingereicht.")),
    "withdraw": (lifecycle.withdraw, _l("Zurückgezogen; die Version ist wieder ein Entwurf.")),
    "approve": (
        lifecycle.approve,
        _l("Freigegeben und veröffentlicht: neue Bestellungen bekommen diese Version."),
    ),
    "retire": (
        lifecycle.retire,
        _l("Außer Dienst gestellt: neue Bestellungen bekommen sie nicht mehr."),
    ),
}
# Pages of the other studio parts, linked from a version when they are installed: endpoint,
# label, and the statuses of versions they work on (None: all).
SLOTS = (
    ("studio_editor.outline", _l("Bearbeiten"), None),
    ("studio_preview.page", _l("Vorschau"), None),
    ("studio_migration.mapping", _l("Zuordnung für die Migration"), ("draft",)),
    ("studio_migration.index", _l("Antworten migrieren"), None),
)


@bp.app_template_global("studio_status")
def studio_status(status: str) -> str:
    """The name of a version's status in the reader's language."""
    return str(wording.STATUSES.get(status, status))


@bp.app_template_global("studio_note")
def studio_note(text: str) -> str:
    """A save's note in the reader's language (the studio's own notes are translated)."""
    return wording.note(text)


@bp.get("/")
@editors_only
def index():
    """Both questionnaires, their versions and the open draft."""
    return render_template(
        "studio/index.html", kinds=pages.index(db.session, current_user, locale())
    )


@bp.post("/<kind>/drafts")
@editors_only
def start(kind: str):
    """Start a new draft from the newest published version."""
    try:
        version = drafting.start_draft(db.session, current_user, kind)
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("studio.index"), 303)
    flash(_("Entwurf Version %(number)d angelegt.", number=version.number), "success")
    return redirect(url_for("studio.version", kind=kind, number=version.number), 303)


@bp.get(VERSION)
@editors_only
def version(kind: str, number: int):
    """A version: status, lifecycle actions, lint, links to its JSON, history and diff."""
    page = pages.version_page(db.session, current_user, kind, number)
    return render_template("studio/version.html", page=page, slots=_slots(page.version))


def _slots(version) -> list[tuple[str, str]]:
    installed = current_app.view_functions
    return [
        (str(label), url_for(endpoint, kind=version.kind, number=version.number))
        for endpoint, label, statuses in SLOTS
        if endpoint in installed and (statuses is None or version.status in statuses)
    ]


@bp.post(f"{VERSION}/<action>")
@editors_only
def act(kind: str, number: int, action: str):
    """Move a version along its lifecycle; a refusal is said on the version page."""
    if action not in ACTIONS:
        abort(404)
    use_case, done = ACTIONS[action]
    found = records.find(db.session, current_user, kind, number)
    try:
        use_case(db.session, current_user, found.id, revision=forms.revision(request.form))
    except DomainError as error:
        flash_refusal(error)
    else:
        flash(str(done), "success")
    return redirect(url_for("studio.version", kind=kind, number=number), 303)


@bp.get(f"{VERSION}/json")
@editors_only
def json_editor(kind: str, number: int):
    """The raw JSON of a version, editable while it is a draft."""
    return _json_page(kind, number)


@bp.post(f"{VERSION}/json")
@editors_only
def save_json(kind: str, number: int):
    """Save the edited JSON as a new save; a broken text or a stale page keeps the user's text."""
    post = forms.read_document(request.form)
    if post.document is None:
        return _json_page(kind, number, post, post.error, 400)
    found = records.find(db.session, current_user, kind, number)
    try:
        drafting.save_document(
            db.session,
            current_user,
            found.id,
            post.document,
            revision=post.revision,
            note=post.note,
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        kept = _("Ihr Text steht unten unverändert; sichern Sie ihn, bevor Sie neu laden.")
        return _json_page(kind, number, post, f"{error.message} {kept}", error.status)
    flash(_("Gespeichert."), "success")
    return redirect(url_for("studio.json_editor", kind=kind, number=number), 303)


def _json_page(kind, number, post=None, problem: str = "", status: int = 200):
    page = pages.json_page(db.session, current_user, kind, number, post.text if post else None)
    revision = post.revision if post else page.version.revision
    return render_template(
        "studio/json.html",
        page=page,
        problem=problem,
        note=post.note if post else "",
        revision=revision,
    ), status


@bp.get(f"{VERSION}/history", defaults={"save": None})
@bp.get(f"{VERSION}/history/<int:save>")
@editors_only
def history(kind: str, number: int, save: int | None):
    """Every save of a version (who, when, note); with a number, that save's JSON."""
    page = pages.history(db.session, current_user, kind, number, save)
    return render_template("studio/history.html", page=page)


@bp.post(f"{VERSION}/history/<int:save>/restore")
@editors_only
def restore(kind: str, number: int, save: int):
    """Restore an earlier save as a new one (the history stays whole)."""
    found = records.find(db.session, current_user, kind, number)
    try:
        drafting.restore(
            db.session, current_user, found.id, save, revision=forms.revision(request.form)
        )
    except DomainError as error:
        flash_refusal(error)
        return redirect(url_for("studio.history", kind=kind, number=number), 303)
    flash(_("Stand %(save)d wiederhergestellt (als neue Speicherung).", save=save), "success")
    return redirect(url_for("studio.history", kind=kind, number=number), 303)


@bp.get("/<kind>/diff")
@editors_only
def diff(kind: str):
    """The changes between two versions of a kind, in the questionnaire's own terms."""
    old, new = forms.number(request.args, "from"), forms.number(request.args, "to")
    page = pages.diff_page(db.session, current_user, kind, old, new, locale())
    if (old is not None and page.old is None) or (new is not None and page.new is None):
        abort(404)
    return render_template("studio/diff.html", page=page)

"""The studio's structured editor of a draft: outline, page, question and rule forms.

Plain forms and redirects, so it works without JavaScript; static/js/studio-editor.js only shows
the fields that fit the chosen kind and adds choice rows in place. Every POST carries the
revision the page showed, applies one pure edit (services/studio/editing) and keeps it as a
save of the draft (services/studio/editor.apply). A published version shows its outline only.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError
from wtforms import SelectChoice

from portal.authz import roles_required
from portal.extensions import db
from portal.models import Role
from portal.services.errors import Conflict, DomainError
from portal.services.studio import editing, editor, editor_pages
from portal.studio import editor_forms as forms

bp = Blueprint("studio_editor", __name__, url_prefix="/studio")
EDITORS = (Role.QUESTIONNAIRE_EDITOR, Role.ADMIN)
BASE = "/<kind>/v<int:number>/edit"


@bp.context_processor
def _studio_links():
    """The link to a version's page in the studio core, where its check is shown in detail."""

    def version_url(found):
        if "studio.version" not in current_app.view_functions:
            return None  # the editor also works beside a studio without that page
        try:
            return url_for("studio.version", kind=found.kind, number=found.number)
        except BuildError:
            return None

    return {"studio_version_url": version_url}


def _outline_url(kind, number, anchor=""):
    return url_for(".outline", kind=kind, number=number, _anchor=anchor or None)


def _saved(found, note, target):
    """After a save: what was done and what the check reports now; then on to target."""
    if note:
        count = editor.problems(db.session, found)
        flash(
            _(
                "Gespeichert: %(note)s. Die Prüfung meldet %(count)d Problem(e).",
                note=note,
                count=count,
            ),
            "success",
        )
    return redirect(target)


def _refused(form, error: DomainError) -> int:
    """Put a refusal at its field (or above the form); the status to answer with."""
    if error.status in (403, 404):
        abort(error.status)
    current = editor.version(db.session, current_user, *_kn())
    if isinstance(error, Conflict) and current.status == "draft":
        # The page is older than the draft: the input stays in the form, and saving it again
        # applies it to the draft as it is now (edits name questions, not whole documents).
        form.revision.raw_data, form.revision.data = None, current.revision
        form.form_errors.append(
            _(
                "Der Entwurf wurde inzwischen geändert (von jemand anderem oder in einem anderen "
                "Fenster); nichts wurde gespeichert. Ihre Eingaben stehen noch unten; "
                "„Speichern“ wendet sie auf den neuen Stand an."
            )
        )
        return error.status
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if name != "form" and field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)
    return error.status


def _kn():
    return request.view_args["kind"], request.view_args["number"]


def _run(form, edit):
    """Apply an edit from a validated form; (version, note) or None with errors on the form."""
    try:
        return editor.apply(db.session, current_user, *_kn(), edit, revision=form.revision.data)
    except DomainError as error:
        form.status = _refused(form, error)
        return None


@bp.route(BASE)
@roles_required(*EDITORS)
def outline(kind: str, number: int):
    """The version's pages and questions in form order, with buttons to change them (drafts)."""
    found = _version(kind, number)
    page = editor_pages.outline(found.document, found, editor.problems(db.session, found))
    return render_template("studio/editor/outline.html", page=page, kinds=forms.KIND_LABELS)


def _version(kind, number):
    try:
        return editor.version(db.session, current_user, kind, number)
    except DomainError as error:
        abort(error.status)


def _draft(kind, number):
    found = _version(kind, number)
    if found.status != "draft":
        flash(_("Nur ein Entwurf lässt sich ändern; diese Version ist es nicht."), "error")
        return found, redirect(_outline_url(kind, number))
    return found, None


@bp.route(BASE + "/pages/new", methods=["GET", "POST"], defaults={"key": ""})
@bp.route(BASE + "/pages/<key>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def page_form(kind: str, number: int, key: str):
    """Add a page, or change a page's title in both languages."""
    found, gone = _draft(kind, number)
    if gone:
        return gone
    form = forms.PageForm()
    if request.method == "GET":
        form.revision.data = found.revision
        form.title_de.data, form.title_en.data = _page_title(found.document, key)
    elif form.validate_on_submit():
        done = _run(form, forms.page_edit(key, form))
        if done:
            return _saved(*done, _outline_url(kind, number, f"page-{key or form.key.data}"))
    return render_template("studio/editor/page.html", version=found, form=form, key=key), getattr(
        form, "status", 200
    )


def _page_title(document, key):
    for page in editing.pages(document):
        if page.get("key") == key:
            title = page.get("title")
            return (
                (title.get("de", ""), title.get("en", ""))
                if isinstance(title, dict)
                else (title, "")
            )
    if key:
        abort(404)
    return "", ""


def _button(form, edit, anchor):
    """A button's POST: apply the edit, or say in a message why nothing changed."""
    kind, number = _kn()
    back = _outline_url(kind, number, anchor)
    try:
        done = editor.apply(
            db.session, current_user, kind, number, edit, revision=form.revision.data
        )
    except DomainError as error:
        if error.status in (403, 404):
            abort(error.status)
        flash(error.message, "error")
        return redirect(back)
    return _saved(*done, back)


@bp.post(BASE + "/pages/<key>/<any(move, remove):action>")
@roles_required(*EDITORS)
def page_action(kind: str, number: int, key: str, action: str):
    """Move a page up or down, or remove an empty one."""
    form = forms.MoveForm()
    if not form.validate_on_submit():
        abort(400)
    return _button(form, forms.page_action_edit(key, action, form.step.data), f"page-{key}")


@bp.route(BASE + "/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new_question(kind: str, number: int):
    """Add a question to a page, a group or a repeating group's rows (?parent=path)."""
    found, gone = _draft(kind, number)
    if gone:
        return gone
    parent = request.args.get("parent", "")
    form = forms.NewQuestionForm(page=request.args.get("page", ""))
    forms.new_question_choices(form, found.document, parent)
    if request.method == "GET":
        form.revision.data = found.revision
    elif form.validate_on_submit():
        done = _run(form, forms.new_question_edit(parent, form))
        if done:
            path = f"{parent}/{form.key.data.strip()}" if parent else form.key.data.strip()
            return _saved(*done, url_for(".question", kind=kind, number=number, path=path))
    return render_template(
        "studio/editor/new.html", version=found, form=form, parent=parent
    ), getattr(form, "status", 200)


@bp.route(BASE + "/q/<path:path>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def question(kind: str, number: int, path: str):
    """A question's form: key, kind, texts, required, choices, limits, uploads, row labels."""
    found, gone = _draft(kind, number)
    if gone:
        return gone
    view = _question(found.document, path)
    form = forms.QuestionForm()
    if request.method == "GET":
        form.revision.data = found.revision
        forms.fill_question(form, view)
    elif form.validate_on_submit():
        done = _run(form, forms.question_edit(path, form))
        if done:
            return _saved(*done, _outline_url(kind, number, "q-" + path))
    forms.pad_choices(form)
    return render_template(
        "studio/editor/question.html", version=found, form=form, view=view
    ), getattr(form, "status", 200)


def _question(document, path):
    try:
        return editor_pages.question(document, path)
    except editing.EditError:
        abort(404)


@bp.post(BASE + "/<any(move, remove, unrule):action>/<path:path>")
@roles_required(*EDITORS)
def question_action(kind: str, number: int, path: str, action: str):
    """Move a question up/down or to another page, remove it, or remove its rule."""
    form = forms.MoveForm()
    if not form.validate_on_submit():
        abort(400)
    anchor = "" if action == "remove" else "q-" + path
    return _button(form, forms.question_action_edit(path, action, form), anchor)


@bp.route(BASE + "/rule/<path:path>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def rule(kind: str, number: int, path: str):
    """A question's visibility rule: show or hide it depending on another answer or the order."""
    found, gone = _draft(kind, number)
    if gone:
        return gone
    view = _question(found.document, path)
    targets = [
        (t, _("Bereitstellung des Auftrags") if t.kind == "context" else label)
        for t, label in editor_pages.targets(found.document, path)
    ]
    form = forms.RuleForm()
    form.target.choices = [SelectChoice(t.ref, label) for t, label in targets]
    if request.method == "GET":
        form.revision.data = found.revision
        forms.fill_rule(form, editing.read_rule(found.document, path))
    elif form.validate_on_submit():
        done = _run(form, forms.rule_edit(path, form))
        if done:
            return _saved(*done, _outline_url(kind, number, "q-" + path))
    return render_template(
        "studio/editor/rule.html", version=found, form=form, view=view, targets=targets
    ), getattr(form, "status", 200)

"""The preview: a version exactly as customers will see it, test-filled by an editor.

The customer's templates, page models (portal/respond/render.py) and page script render it;
test answers go to TestFill only (portal/services/studio/testing.py), never to a response.
"""

from functools import wraps

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.authz import roles_required
from portal.extensions import db
from portal.filters import locale
from portal.models import Role
from portal.respond import pages, render
from portal.services.errors import Conflict
from portal.services.studio import testing
from portal.studio import preview_forms, preview_pages

bp = Blueprint("studio_preview", __name__, url_prefix="/studio")

CHECKED_KEY = "studio_checked_"  # + version id and deployment: a test submit failed
VERSION = "/<kind>/v<int:number>"


def previewing(view):
    """Editors and admins only; the view runs in the language the address asks for (?lang=)."""

    @wraps(view)
    @roles_required(Role.QUESTIONNAIRE_EDITOR, Role.ADMIN)
    def wrapped(kind: str, number: int, **kwargs):
        shown = preview_forms.shown()
        with force_locale(shown.lang):
            row = testing.version(db.session, current_user, kind, number)
            return view(row, shown, preview_pages.links_of(row, shown), **kwargs)

    return wrapped


@bp.get(f"{VERSION}/preview", defaults={"page_key": None})
@bp.route(f"{VERSION}/preview/<page_key>", methods=["GET", "POST"])
@previewing
def page(row, shown, links, page_key):
    """One page of the version as customers see it; a post saves the editor's test answers."""
    found = preview_pages.loaded(row)
    if found.questionnaire is None:
        return _broken(row, links, found)
    questionnaire = found.questionnaire
    page_key = page_key or questionnaire.pages[0].key
    if page_key not in {p.key for p in questionnaire.pages}:
        abort(404)
    if request.method == "GET":
        return _page(row, shown, links, questionnaire, page_key)
    return _save(row, shown, links, questionnaire, page_key)


def _save(row, shown, links, questionnaire, page_key):
    context = testing.context_of(shown.deployment)
    nodes = questionnaire.nodes(page_key, context)
    form = questionnaire.form_class(locale(), context, page_key)(request.form)
    stored = testing.load(db.session, current_user, row, shown.deployment)
    known = {r for ids in stored.ids.values() for r in ids}
    post = pages.parse(questionnaire, nodes, form, request.form, request.files, known)
    result = testing.save_page(
        db.session,
        current_user,
        row,
        shown.deployment,
        answers=post.changes,
        rows=post.rows,
        removed=post.removed,
        locale=locale(),
    )
    if not result.saved:
        return _page(row, shown, links, questionnaire, page_key, form, result, post.row_names), 400
    flash(_("Testantworten gespeichert."), "success")
    if post.files:
        flash(_("Hochgeladene Dateien werden in der Vorschau nicht gespeichert."), "info")
    return redirect(render.next_url(links, questionnaire, page_key, post.action), code=303)


def _page(row, shown, links, questionnaire, page_key, form=None, result=None, row_names=None):
    context = testing.context_of(shown.deployment)
    document = (
        result.document if result else testing.load(db.session, current_user, row, shown.deployment)
    )
    errors = result.errors if result else _checked_errors(row, shown)
    model = render.page_model(
        questionnaire,
        context,
        page_key,
        document,
        links=links,
        errors=errors,
        form=form,
        row_names=row_names,
        add=request.args.get("add", ""),
    )
    return render_template(
        "studio/preview_page.html",
        **model,
        banner=preview_pages.banner(db.session, row, links, page_key),
        version=0,
        focus_errors=bool(result and result.errors),
    )


def _checked_errors(row, shown):
    if not session.get(f"{CHECKED_KEY}{row.id}_{shown.deployment}"):
        return []
    return testing.check(db.session, current_user, row, shown.deployment, locale=locale())


@bp.post(f"{VERSION}/preview/<page_key>/changes")
@previewing
def changes(row, shown, links, page_key):
    """Save the test answers the page script sends; answer in JSON as the customer's page."""
    questionnaire = preview_pages.loaded(row).questionnaire
    if questionnaire is None or page_key not in {p.key for p in questionnaire.pages}:
        abort(404)
    context = testing.context_of(shown.deployment)
    nodes = questionnaire.nodes(page_key, context)
    try:
        changed = pages.parse_changes(
            questionnaire, {node.key for node in nodes}, request.get_json(silent=True)
        )
        result = testing.save_changes(
            db.session, current_user, row, shown.deployment, changed, locale=locale()
        )
    except pages.BadChanges:
        message = _("Diese Änderung kann nicht gespeichert werden. Bitte laden Sie die Seite neu.")
        return jsonify(saved=False, message=message), 400
    except Conflict as error:
        return jsonify(saved=False, message=error.message), error.status
    answer = preview_pages.answer(questionnaire, nodes, context, result)
    return jsonify(answer), 200 if result.saved else 400


@bp.route(f"{VERSION}/test", methods=["GET", "POST"])
@previewing
def summary(row, shown, links):
    """All test answers read-only with what is missing; a post is 'submit test' (full check)."""
    found = preview_pages.loaded(row)
    if found.questionnaire is None:
        return _broken(row, links, found)
    errors = testing.check(db.session, current_user, row, shown.deployment, locale=locale())
    checked = f"{CHECKED_KEY}{row.id}_{shown.deployment}"
    if request.method == "POST":
        session[checked] = bool(errors)  # from now on the pages show the full check's messages
        if not errors:
            flash(
                _("Test bestanden: So könnte ein Kunde abschicken. Abgeschickt wurde nichts."),
                "success",
            )
            return redirect(links.summary(), code=303)
    document = testing.load(db.session, current_user, row, shown.deployment)
    model = render.summary_model(
        found.questionnaire,
        testing.context_of(shown.deployment),
        document.data,
        errors,
        links=links,
    )
    return render_template(
        "studio/preview_summary.html",
        **model,
        banner=preview_pages.banner(db.session, row, links, None),
        response=None,
        focus_errors=request.method == "POST",
        submit_note=_(
            "„Test abschicken“ prüft alle Antworten wie beim Abschicken eines Kunden. Abgeschickt wird nichts."
        ),
        submit_label=_("Test abschicken"),
    ), 400 if request.method == "POST" else 200


@bp.post(f"{VERSION}/test/reset")
@previewing
def reset(row, shown, links):
    """'Test zurücksetzen': the editor's test answers for this deployment are deleted."""
    testing.reset(db.session, current_user, row, shown.deployment)
    session.pop(f"{CHECKED_KEY}{row.id}_{shown.deployment}", None)
    flash(_("Die Testantworten sind gelöscht."), "success")
    return redirect(links.here(request.form.get("page") or None), code=303)


def _broken(row, links, found):
    return render_template(
        "studio/preview_broken.html",
        banner=preview_pages.banner(db.session, row, links, None),
        error=found.error,
        problems=found.problems,
    )

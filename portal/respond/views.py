"""Customer views: a secret link becomes a session cookie; questionnaires are filled page by page."""

import io

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField

import forms_schema
from portal import questionnaires, uploads
from portal.extensions import db, link_limit
from portal.filters import locale
from portal.respond import bp, pages, render
from portal.services import calls, drafts, links, responses
from portal.services.studio import migration_records

SESSION_KEY = "customer_links"
AUTHOR_KEY = "customer_author"
CHECKED_KEY = "customer_checked_"  # + kind: a submit failed, so pages show what is missing


class NameForm(FlaskForm):
    name = StringField()


@bp.get("/r/<token>")
@link_limit
def enter(token: str):
    """Exchange the link's token for a session cookie and redirect to a URL without it."""
    link = links.redeem(db.session, token)
    known = [i for i in session.get(SESSION_KEY, []) if i != link.id]
    session[SESSION_KEY] = [link.id, *known][:20]
    session.setdefault("lang", link.order.language)
    return redirect(url_for("respond.landing"), code=303)


@bp.get("/customer")
def landing():
    """The customer's landing page: their questionnaires and their state."""
    valid = links.valid_links(db.session, session.get(SESSION_KEY, []))
    session[SESSION_KEY] = [link.id for link in valid]
    if not valid:
        return render_template("respond/no_access.html"), 403
    order = valid[0].order
    held = {link.questionnaire for link in valid if link.order_id == order.id}
    cards = [_card(order, kind, kind in held) for kind in questionnaires.KINDS]
    return render_template(
        "respond/landing.html",
        order=order,
        cards=cards,
        author=session.get(AUTHOR_KEY),
        call=calls.call_of(db.session, order),
        offer=calls.open_offer(db.session, order),
    )


def _card(order, kind, allowed):
    response = responses.find(db.session, order, kind)
    questionnaire = responses.questionnaire_of(db.session, order, kind, response)
    data = response.data if response else {}
    progress = questionnaire.progress(data, questionnaires.context_of(order))
    return {
        "kind": kind,
        "title": questionnaire.title(locale()),
        "response": response,
        "progress": progress,
        "first_page": questionnaire.pages[0].key,
        "allowed": allowed,
    }


@bp.post("/customer/name")
def set_name():
    """Remember who is answering, so that saves show 'last saved by'."""
    name = " ".join((request.form.get("name") or "").split())[:100]
    if len(name) < 2:
        flash(_("Bitte geben Sie Ihren Namen an."), "error")
    else:
        session[AUTHOR_KEY] = name
    return redirect(url_for("respond.landing"))


def _author() -> str | None:
    return session.get(AUTHOR_KEY)


@bp.route("/customer/<kind>/pages/<page_key>", methods=["GET", "POST"])
def page(kind: str, page_key: str):
    """One page of a questionnaire: show it, save a draft, move on, add or remove rows."""
    order = responses.customer_order(db.session, session.get(SESSION_KEY, []), kind)
    if not _author():
        flash(_("Bitte geben Sie zuerst Ihren Namen an."), "info")
        return redirect(url_for("respond.landing"))
    response = responses.find(db.session, order, kind)
    if response and response.status == "submitted":
        return redirect(url_for("respond.summary", kind=kind))
    questionnaire = responses.questionnaire_of(db.session, order, kind, response)
    if page_key not in {p.key for p in questionnaire.pages}:
        abort(404)
    if request.method == "GET":
        return _render_page(order, kind, page_key, response, questionnaire=questionnaire)
    return _save_page(order, kind, page_key, questionnaire)


def _save_page(order, kind, page_key, questionnaire):
    context = questionnaires.context_of(order)
    nodes = questionnaire.nodes(page_key, context)
    form = questionnaire.form_class(locale(), context, page_key)(request.form)
    stored = responses.find(db.session, order, kind)
    known = {row for ids in (stored.row_ids if stored else {}).values() for row in ids}
    post = pages.parse(questionnaire, nodes, form, request.form, request.files, known)
    result = drafts.save(
        db.session,
        order,
        kind,
        base_version=post.base_version,
        changes=post.changes,
        rows=post.rows,
        removed=post.removed,
        files=post.files,
        author=_author(),
        locale=locale(),
    )
    if not result.saved or result.conflicts:
        status = 400 if not result.saved else 409
        # A refused save leaves no response in the result: show the stored one, so that the
        # page keeps its version (a later save must not look like someone else's change).
        response = result.response or responses.find(db.session, order, kind)
        page = _render_page(order, kind, page_key, response, form, result, post.row_names)
        return page, status
    target = render.next_url(render.Links(kind), questionnaire, page_key, post.action)
    flash(_("Ihre Antworten sind gespeichert."), "success")
    return redirect(target, code=303)


def _render_page(
    order, kind, page_key, response, form=None, result=None, row_names=None, questionnaire=None
):
    # questionnaire: the response's version when the caller has it at hand (a saved or refused
    # response may have moved to another one, so those callers let it be looked up again).
    if questionnaire is None:
        questionnaire = responses.questionnaire_of(db.session, order, kind, response)
    context = questionnaires.context_of(order)
    document = responses.document_of(response, questionnaire)
    errors = result.errors if result else _full_check_errors(questionnaire, document, context, kind)
    conflicts = result.conflicts if result else []
    names = questionnaires.labels(questionnaire, locale())
    model = render.page_model(
        questionnaire,
        context,
        page_key,
        document,
        links=render.Links(kind),
        errors=errors,
        form=form,
        row_names=row_names,
        uploads=pages.uploads_by_pointer(document.data, response.uploads if response else []),
        add=request.args.get("add", ""),
    )
    return render_template(
        "respond/page.html",
        **model,
        version=response.version if response else 0,
        conflicts=conflicts,
        labels={c.pointer: pages.label(c.pointer, names, document) for c in conflicts},
        conflict_values=pages.conflict_values(questionnaire, conflicts),
        conflict_nodes=pages.conflict_nodes(questionnaire, conflicts),
        saved_label=pages.saved_label(response, _),
        focus_errors=bool(result and result.errors),
        migrated=migration_records.since_last_save(db.session, response, locale()),
    )


def _full_check_errors(questionnaire, document, context, kind):
    if not session.get(f"{CHECKED_KEY}{kind}"):
        return []
    errors = questionnaire.validate(document.data, partial=False, context=context, locale=locale())
    return [
        forms_schema.AnswerError(document.id_pointer(e.pointer) or e.pointer, e.message, e.keyword)
        for e in errors
    ]


@bp.post("/customer/<kind>/pages/<page_key>/resolve")
def resolve(kind: str, page_key: str):
    """Apply the answers a person chose in the conflict panel."""
    order = responses.customer_order(db.session, session.get(SESSION_KEY, []), kind)
    chosen = pages.parse_resolution(request.form)
    result = drafts.choose(
        db.session, order, kind, chosen=chosen, author=_author() or "?", locale=locale()
    )
    if not result.saved or result.conflicts:
        response = result.response or responses.find(db.session, order, kind)
        status = 400 if not result.saved else 409
        return _render_page(order, kind, page_key, response, result=result), status
    flash(_("Ihre Auswahl ist gespeichert."), "success")
    return redirect(url_for("respond.page", kind=kind, page_key=page_key), code=303)


@bp.get("/customer/<kind>/summary")
def summary(kind: str):
    """All answers read-only, the problems that stop submitting, and the submit button."""
    order = responses.customer_order(db.session, session.get(SESSION_KEY, []), kind)
    response = responses.find(db.session, order, kind)
    return render_template("respond/summary.html", **_summary(order, kind, response))


def _summary(order, kind, response, errors=None):
    questionnaire = responses.questionnaire_of(db.session, order, kind, response)
    context = questionnaires.context_of(order)
    data = response.data if response else {}
    if errors is None and (response is None or response.status != "submitted"):
        errors = questionnaire.validate(data, partial=False, context=context, locale=locale())
    uploads = pages.uploads_by_pointer(data, response.uploads if response else [])
    model = render.summary_model(
        questionnaire, context, data, errors or [], links=render.Links(kind), uploads=uploads
    )
    return {**model, "order": order, "response": response}


@bp.get("/customer/<kind>/submit")
def submit_again(kind: str):
    """The URL of a refused submit's page, reloaded or after a language switch: the summary."""
    return redirect(url_for("respond.summary", kind=kind), code=303)


@bp.post("/customer/<kind>/submit")
def submit(kind: str):
    """Submit the questionnaire after full validation."""
    order = responses.customer_order(db.session, session.get(SESSION_KEY, []), kind)
    errors = responses.submit(db.session, order, kind, author=_author() or "?", locale=locale())
    if errors:
        # From now on the pages show the full check's messages at their fields, too.
        session[f"{CHECKED_KEY}{kind}"] = True
        response = responses.find(db.session, order, kind)
        return render_template(
            "respond/summary.html", **_summary(order, kind, response, errors), focus_errors=True
        ), 400
    flash(_("Vielen Dank! Ihr Fragebogen ist abgeschickt."), "success")
    return redirect(url_for("respond.summary", kind=kind), code=303)


@bp.get("/customer/<kind>/files/<int:upload_id>")
def upload(kind: str, upload_id: int):
    """Download a file this customer uploaded (always as an attachment, never rendered)."""
    order = responses.customer_order(db.session, session.get(SESSION_KEY, []), kind)
    stored = responses.upload_of(db.session, order, upload_id)
    # Werkzeug writes the RFC 6266 header: an ASCII filename, and filename* for any other name.
    return send_file(
        io.BytesIO(stored.content),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=uploads.display_name(stored.filename),
    )

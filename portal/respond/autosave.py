"""The page script's saves: what one person changed goes in as JSON, the page's answers come back."""

from flask import abort, get_template_attribute, jsonify, request, session
from flask_babel import gettext as _

from portal import questionnaires
from portal.extensions import db
from portal.filters import locale
from portal.respond import bp, pages, render
from portal.respond.views import AUTHOR_KEY, SESSION_KEY
from portal.services import drafts, responses


@bp.post("/customer/<kind>/pages/<page_key>/changes")
def changes(kind: str, page_key: str):
    """Save the changes a page sends (each with the answer it started from); answer in JSON."""
    order = responses.customer_order(db.session, session.get(SESSION_KEY, []), kind)
    author = session.get(AUTHOR_KEY)
    if not author:
        return jsonify(saved=False, message=_("Bitte geben Sie zuerst Ihren Namen an.")), 403
    questionnaire = responses.questionnaire_of(
        db.session, order, kind, responses.find(db.session, order, kind)
    )
    if page_key not in {p.key for p in questionnaire.pages}:
        abort(404)
    context = questionnaires.context_of(order)
    nodes = questionnaire.nodes(page_key, context)
    try:
        changed = pages.parse_changes(
            questionnaire, {node.key for node in nodes}, request.get_json(silent=True)
        )
    except pages.BadChanges:
        message = _("Diese Änderung kann nicht gespeichert werden. Bitte laden Sie die Seite neu.")
        return jsonify(saved=False, message=message), 400
    result = drafts.save_changes(
        db.session, order, kind, changed=changed, author=author, locale=locale()
    )
    answer = _answer(kind, page_key, questionnaire, nodes, context, result)
    return jsonify(answer), 200 if result.saved else 400


def _answer(kind, page_key, questionnaire, nodes, context, result) -> dict:
    document = result.document
    state = pages.page_state(questionnaire, nodes, document, context)
    if not result.saved:
        return render.refused_save(questionnaire, state, document, result.errors)
    answer = {
        **state,
        "saved": True,
        "version": result.response.version,
        **render.progress_of(questionnaire, document, context),
        "message": pages.saved_label(result.response, _),
        "conflicts": [{"pointer": c.pointer, "kind": c.kind} for c in result.conflicts],
        "conflict_panel": "",
    }
    if result.conflicts:
        names = questionnaires.labels(questionnaire, locale())
        panel = get_template_attribute("respond/conflicts.html", "conflict_panel")
        labels = {c.pointer: pages.label(c.pointer, names, document) for c in result.conflicts}
        values = pages.conflict_values(questionnaire, result.conflicts)
        nodes = pages.conflict_nodes(questionnaire, result.conflicts)
        answer["conflict_panel"] = str(
            panel(result.conflicts, labels, values, kind, page_key, nodes)
        )
        answer["message"] = _(
            "Jemand anderes hat inzwischen dieselben Fragen beantwortet. Bitte entscheiden Sie oben."
        )
    return answer

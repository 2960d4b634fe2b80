"""Personal answer links of an invitation: /a/<token> becomes a session entry, then the page.

As with the questionnaire links, the token is exchanged for a cookie on first use and the
browser sent on to a URL without it. The page shows the call and the three answers; only the
POST (with CSRF) records one. No account is needed.
"""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.extensions import db, link_limit
from portal.models.call import ANSWERS
from portal.respond import bp
from portal.services.calls import answers
from portal.services.errors import DomainError

ANSWER_KEY = "call_answers"  # participant id (str) -> SHA-256 of the token, at most 20
THANKS = {
    "accepted": lambda: _("Danke! Ihre Zusage ist gespeichert."),
    "tentative": lambda: _("Danke! Ihre Zusage unter Vorbehalt ist gespeichert."),
    "declined": lambda: _("Danke! Ihre Absage ist gespeichert."),
}


def _choice(values) -> str | None:
    chosen = values.get("answer")
    return chosen if chosen in ANSWERS else None


@bp.get(f"{answers.PATH}<token>")
@link_limit
def answer_link(token: str):
    """Exchange the answer link's token for a session entry; redirect to a URL without it."""
    participant_id, digest, language = answers.redeem(db.session, token)
    session.setdefault("lang", language)
    known = {k: v for k, v in session.get(ANSWER_KEY, {}).items() if k != str(participant_id)}
    session[ANSWER_KEY] = dict([(str(participant_id), digest), *list(known.items())[:19]])
    target = url_for("respond.answer", participant_id=participant_id, answer=_choice(request.args))
    return redirect(target, code=303)


def _digest(participant_id: int) -> str | None:
    return session.get(ANSWER_KEY, {}).get(str(participant_id))


@bp.route("/answer/<int:participant_id>", methods=["GET", "POST"])
def answer(participant_id: int):
    """The call and the three answers; POST records the chosen one."""
    if request.method == "POST":
        try:
            answers.answer(
                db.session, participant_id, _digest(participant_id), request.form.get("answer", "")
            )
        except DomainError as error:
            if error.status == 404:
                raise
            flash(error.message, "error")
        else:
            flash(THANKS[request.form["answer"]](), "success")
            return redirect(url_for("respond.answer", participant_id=participant_id), code=303)
    view = answers.page(db.session, participant_id, _digest(participant_id))
    chosen = _choice(request.args) or view.answer
    return render_template("respond/answer.html", view=view, chosen=chosen)

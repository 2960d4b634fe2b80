"""Sign in and out of the staff side, and switch the interface language."""

import re

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from portal.extensions import db, limiter, login_manager
from portal.services import accounts
from portal.services.accounts import MAX_PASSWORD_LENGTH

bp = Blueprint("auth", __name__)

_UNSAFE_IN_NEXT = re.compile(r"[\\\x00-\x20\x7f]")


class LoginForm(FlaskForm):
    email = EmailField(
        "E-Mail",
        validators=[DataRequired(), Length(max=254, message=_l("Höchstens %(n)d Zeichen.", n=254))],
    )
    password = PasswordField(
        "Passwort",
        validators=[
            DataRequired(),
            Length(
                max=MAX_PASSWORD_LENGTH,
                message=_l("Höchstens %(n)d Zeichen.", n=MAX_PASSWORD_LENGTH),
            ),
        ],
    )


@login_manager.user_loader
def load_user(session_id: str):
    """Resolve the login cookie to an active user with a current session version."""
    return accounts.load_session_user(db.session, session_id)


def _login_email_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


def _login_limit() -> str:
    return current_app.config["LOGIN_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login():
    """Show the sign-in form and sign a staff user in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("E-Mail oder Passwort ist falsch."), "error")
    # A form refused by its own checks (empty, far too long) never reached the hasher.
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an absolute URL here would be an open redirect. Browsers read a
    # backslash as "/" and drop tabs and newlines, so "/\evil" and "/<tab>/evil" mean "//evil".
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and not _UNSAFE_IN_NEXT.search(target)
    ):
        return target
    return url_for("main.dashboard")


@bp.post("/logout")
@login_required
def logout():
    """Sign out: this and every other session of the user ends."""
    accounts.end_sessions(db.session, current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("Sie sind abgemeldet."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    """Switch the interface language for this browser session."""
    chosen = request.form.get("lang")
    if chosen in ("de", "en"):
        session["lang"] = chosen
    return redirect(_safe_next(request.form.get("next")))

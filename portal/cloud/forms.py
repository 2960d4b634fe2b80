"""The fields the CP Cloud pages read from a request; password fields are never filled back.

Nothing here reads the vault: a password reaches the page only through a reveal.
"""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from portal.services.cloud.names import WHICH
from portal.services.cloud.passwords import ENTER, GENERATE, KEEP, PasswordChoice

MODE_LABELS = {
    KEEP: _l("beibehalten"),
    GENERATE: _l("neu erzeugen (zufällig, 24 Zeichen)"),
    ENTER: _l("selbst eingeben"),
}


class ProvisionForm(FlaskForm):
    """The provisioning form: server name, how each password comes about, the contacts."""

    server_name = StringField(_l("SQL Server"))
    saxess_mode = RadioField(_l("Passwort"), validate_choice=False)
    saxess_password = PasswordField(_l("Passwort eingeben"))
    cpce_mode = RadioField(_l("Passwort"), validate_choice=False)
    cpce_password = PasswordField(_l("Passwort eingeben"))

    def prepare(self, current) -> "ProvisionForm":
        """Offer `keep` once a version exists; on first display show the current values."""
        modes = ([KEEP] if current else []) + [GENERATE, ENTER]
        for which in WHICH:
            mode = self[f"{which}_mode"]
            mode.choices = [SelectChoice(m, MODE_LABELS[m]) for m in modes]
            if not self.is_submitted():
                mode.data = modes[0]
        if not self.is_submitted() and current is not None:
            self.server_name.data = current.server_name
        return self

    def passwords(self) -> dict[str, PasswordChoice]:
        """The password choices as the service takes them."""
        return {
            which: PasswordChoice(
                self[f"{which}_mode"].data or "", self[f"{which}_password"].data or ""
            )
            for which in WHICH
        }

    def contact_ids(self) -> list[int]:
        """The ids of the contacts ticked in the submitted form; anything else is ignored."""
        return [int(v) for v in request.form.getlist("contact") if v.isdigit()]


def requested_version() -> int | None:
    """The version a reveal asks for; None for the current one."""
    return request.form.get("version", type=int)

"""Admin forms: they parse the request into plain values; the services decide what is valid."""

from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask import render_template
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import EqualTo

from portal.models import OrgKind, Role
from portal.services.errors import DomainError

ROLE_LABELS = {
    Role.PARTNER_STAFF: _l("Partner-Mitarbeiter"),
    Role.VENDOR_BACKOFFICE: _l("Backoffice (Hersteller)"),
    Role.PROJECT_LEAD: _l("Projektleitung"),
    Role.IT_ARCHITECT: _l("IT-Architektur"),
    Role.TECHNICIAN: _l("Technik"),
    Role.QUESTIONNAIRE_EDITOR: _l("Fragebogen-Redaktion"),
    Role.ADMIN: _l("Administration"),
}
KIND_LABELS = {OrgKind.PARTNER: _l("Partner"), OrgKind.VENDOR: _l("Hersteller")}
LANGUAGE_LABELS = {"de": "Deutsch", "en": "English"}


def choices(labels: dict) -> list[SelectChoice]:
    """Options of a select field from a value -> label mapping."""
    return [SelectChoice(value, label) for value, label in labels.items()]


class MoneyField(StringField):
    """An amount in euros, written the way the interface language writes numbers."""

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if not text:
            return
        try:
            # strict: in German "12.50" is refused instead of being read as 1250.
            self.data = parse_decimal(text, locale=get_locale(), strict=True)
        except NumberFormatError:
            raise ValueError(
                _("Bitte einen Betrag wie %(example)s angeben.", example=_money(Decimal("1234.5")))
            ) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return _money(self.data) if self.data is not None else ""


def _money(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.00")


class UserCreateForm(FlaskForm):
    name = StringField(_l("Name"))
    email = EmailField(_l("E-Mail"))
    organisation = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Rolle"), choices=choices(ROLE_LABELS))
    language = SelectField(_l("Sprache"), choices=choices(LANGUAGE_LABELS))
    password = PasswordField(_l("Erstes Passwort"))


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"))
    role = SelectField(_l("Rolle"), choices=choices(ROLE_LABELS))
    language = SelectField(_l("Sprache"), choices=choices(LANGUAGE_LABELS))


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Neues Passwort"))
    confirm = PasswordField(
        _l("Passwort wiederholen"),
        validators=[EqualTo("password", message=_l("Die Passwörter stimmen nicht überein."))],
    )


class ActiveForm(FlaskForm):
    """The deactivate and reactivate buttons: a hidden active=1 or active=0."""

    active = BooleanField(false_values=("0", "false", ""))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"))
    kind = SelectField(_l("Art"), choices=choices(KIND_LABELS))


class ServiceItemForm(FlaskForm):
    code = StringField(_l("Code"))
    name_de = StringField(_l("Bezeichnung (Deutsch)"))
    name_en = StringField(_l("Bezeichnung (Englisch)"))
    unit = StringField(_l("Einheit"))
    unit_price = MoneyField(_l("Preis je Einheit (EUR, netto)"))
    is_installation_fee = BooleanField(_l("Installationspauschale"))


def form_page(template: str, form: FlaskForm, error: DomainError | None = None, **context):
    """Render a form page: a service error's messages at their fields and in the summary on top."""
    errors = {name: [message] for name, message in (error.fields if error else {}).items()}
    summary = {name: messages[0] for name, messages in form.errors.items() if name}
    if error is not None:
        summary.update(error.fields or {"form": error.message})
    anchors = {name: form[name].id for name in summary if name in form and name != "csrf_token"}
    status = error.status if error else (400 if form.errors else 200)
    return render_template(
        template, form=form, errors=errors, summary=summary, anchors=anchors, **context
    ), status

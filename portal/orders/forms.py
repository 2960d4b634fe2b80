"""Forms of the order pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.models import ServiceItem


class OrderForm(FlaskForm):
    customer_name = StringField(_l("Kundenname"))
    short_code = StringField(_l("Kundenkürzel"))
    license_model = RadioField(
        _l("Lizenz"),
        choices=[SelectChoice("rent", _l("Miete")), SelectChoice("purchase", _l("Kauf"))],
    )
    deployment = RadioField(
        _l("Installation"),
        choices=[
            SelectChoice("on_premises", _l("On-premises beim Kunden")),
            SelectChoice("cp_cloud", _l("In der CP Cloud")),
        ],
    )
    language = SelectField(
        _l("Sprache des Kunden"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
        default="de",
    )

    def quantities(self, items: list[ServiceItem], formdata) -> dict[int, str]:
        """The typed quantity of every offered catalogue item (qty_<id> inputs)."""
        return {item.id: formdata.get(f"qty_{item.id}", "").strip() for item in items}


class AcceptForm(FlaskForm):
    project_lead = SelectField(_l("Projektleiter"), coerce=int, validators=[InputRequired()])


def reminder_switches(form) -> tuple[bool, list[str]]:
    """The reminder switches of the order page: (all off, the emails that get none)."""
    return form.get("reminders_off") == "1", form.getlist("mute")

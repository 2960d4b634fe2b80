"""The structured editor's forms: WTForms for the request, turned into pure edits of the draft.

Each `*_edit` function reads a validated form into an Edit (document -> (document, note)) for
portal/services/studio/editor.apply; notes are data and so written in German, like the
editors' own. Messages at fields are the user's language.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.services.studio import editing
from portal.services.studio.editor_pages import CONTEXTS, page_keys

KIND_LABELS = {
    "text": _l("Text (einzeilig)"),
    "textarea": _l("Text (mehrzeilig)"),
    "email": _l("E-Mail-Adresse"),
    "url": _l("Internetadresse (URL)"),
    "date": _l("Datum"),
    "integer": _l("Zahl (ganz)"),
    "decimal": _l("Zahl (mit Nachkommastellen)"),
    "select": _l("Auswahl (Liste)"),
    "radio": _l("Auswahl (Optionsfelder)"),
    "yes_no": _l("Ja/Nein"),
    "checkbox": _l("Ankreuzfeld"),
    "checkboxes": _l("Mehrfachauswahl"),
    "file": _l("Datei-Upload"),
    "group": _l("Gruppe"),
    "repeat": _l("Wiederholgruppe (Zeilen)"),
}
CONDITION_LABELS = {
    "equals": _l("ist gleich"),
    "one_of": _l("ist einer von"),
    "is_true": _l("ist Ja"),
    "is_false": _l("ist Nein"),
    "includes": _l("enthält"),
    "answered": _l("ist beantwortet"),
}
EFFECT_LABELS = {"SHOW": _l("Anzeigen, wenn"), "HIDE": _l("Ausblenden, wenn")}
FORMAT_LABELS = {
    "": _l("keins"),
    "host": _l("Hostname oder IP-Adresse"),
    "public-ip-network": _l("Öffentliche IP-Adresse oder Netz"),
}


def _options(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


BLANK_CHOICES = 2  # empty rows under the choices, so that one can be added without JavaScript
_KEY = [InputRequired(_l("Bitte einen Schlüssel eingeben.")), Length(max=60)]


class RevisionForm(FlaskForm):
    """A button that changes the draft: only the revision the page showed."""

    revision = IntegerField(widget=HiddenField.widget, validators=[Optional()])


class MoveForm(RevisionForm):
    """Move a question or page one place (step -1 / 1) or a question to another page."""

    step = IntegerField(validators=[Optional()])
    page = StringField(validators=[Optional()])


class PageForm(RevisionForm):
    """A page: its key (only when new) and its title in both languages."""

    key = StringField(_l("Schlüssel"), validators=[Optional(), Length(max=60)])
    title_de = StringField(_l("Titel (Deutsch)"), validators=[Length(max=200)])
    title_en = StringField(_l("Titel (Englisch)"), validators=[Length(max=200)])


class NewQuestionForm(RevisionForm):
    """A new question: key, kind, label and (at the top level) its page."""

    key = StringField(_l("Schlüssel"), validators=_KEY)
    kind = SelectField(
        _l("Fragetyp"),
        choices=[
            SelectChoice(k, v) for k, v in KIND_LABELS.items() if k not in editing.CHOICE_KINDS
        ],
    )
    label_de = StringField(_l("Beschriftung (Deutsch)"), validators=[Length(max=500)])
    label_en = StringField(_l("Beschriftung (Englisch)"), validators=[Length(max=500)])
    page = SelectField(_l("Seite"), choices=[], validate_choice=False)


class ChoiceForm(Form):
    """One choice row: position, code, labels, and a box to remove it."""

    position = IntegerField(_l("Position"), validators=[Optional()])
    code = StringField(_l("Code"), validators=[Length(max=100)])
    de = StringField(_l("Deutsch"), validators=[Length(max=500)])
    en = StringField(_l("Englisch"), validators=[Length(max=500)])
    remove = BooleanField(_l("entfernen"))


def _pair(label, area: bool = False):
    field = TextAreaField if area else StringField
    return (
        field(_l("%(what)s (Deutsch)", what=label), validators=[Length(max=2000)]),
        field(_l("%(what)s (Englisch)", what=label), validators=[Length(max=2000)]),
    )


def number_of(raw: str | None) -> Decimal | None:
    """A number typed with a comma or a point ("1,5", "1.5", "-3"); None when empty or unreadable."""
    text = "".join((raw or "").split()).replace(",", ".")
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return value if value is None or value.is_finite() else None


class NumberText(StringField):
    """A number as typed; refused at the field when it is no number (or no whole one)."""

    def __init__(self, label=None, whole=False, **kwargs):
        super().__init__(label, **kwargs)
        self.whole = whole

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text:
            return
        value = number_of(text)
        if value is None:
            raise ValidationError(_l("Bitte eine Zahl eingeben."))
        whole = self.whole or (self.name in ("minimum", "maximum") and form.kind.data == "integer")
        if whole and (value != value.to_integral_value() or value < 0 and self.whole):
            raise ValidationError(
                _l("Bitte eine ganze Zahl ab 0 eingeben.")
                if self.whole
                else _l("Bitte eine ganze Zahl eingeben.")
            )

    def value(self) -> int | float | None:
        """The typed number (int when whole), None when empty."""
        number = number_of(self.data)
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else float(number)


class QuestionForm(RevisionForm):
    """Every part of a question; the parts that do not fit its kind are ignored."""

    key = StringField(_l("Schlüssel"), validators=_KEY)
    kind = SelectField(_l("Fragetyp"), choices=_options(KIND_LABELS))
    label_de, label_en = _pair(_l("Beschriftung"))
    help_de, help_en = _pair(_l("Hilfetext"), area=True)
    placeholder_de, placeholder_en = _pair(_l("Platzhalter"))
    required = BooleanField(_l("Pflichtangabe"))
    choices = FieldList(FormField(ChoiceForm), min_entries=0, max_entries=500)
    minimum = NumberText(_l("Minimum"))
    maximum = NumberText(_l("Maximum"))
    minLength = NumberText(_l("Mindestlänge (Zeichen)"), whole=True)
    maxLength = NumberText(_l("Höchstlänge (Zeichen)"), whole=True)
    pattern = StringField(_l("Muster (regulärer Ausdruck)"), validators=[Length(max=500)])
    format = SelectField(_l("Format"), choices=_options(FORMAT_LABELS))
    minItems = NumberText(_l("Mindestanzahl (Zeilen oder Häkchen)"), whole=True)
    maxItems = NumberText(_l("Höchstanzahl (Zeilen oder Häkchen)"), whole=True)
    add_label_de, add_label_en = _pair(_l("Knopf „Zeile hinzufügen“"))
    row_label_de, row_label_en = _pair(_l("Zeilenbeschriftung"))
    accept = StringField(
        _l("Erlaubte Dateitypen, durch Komma getrennt"), validators=[Length(max=500)]
    )
    max_size = NumberText(_l("Höchstgröße in Bytes"), whole=True)


class RuleForm(RevisionForm):
    """A visibility rule: effect, what it looks at, the condition and its values."""

    effect = RadioField(_l("Wirkung"), choices=_options(EFFECT_LABELS), default="SHOW")
    target = SelectField(_l("Frage oder Auftragsangabe"), choices=[], validate_choice=False)
    condition = SelectField(_l("Bedingung"), choices=_options(CONDITION_LABELS))
    values = StringField(_l("Wert(e), durch Komma getrennt"), validators=[Length(max=2000)])


# -- filling forms from the document -------------------------------------------------------------


def fill_question(form: QuestionForm, view) -> None:
    """Put the question's current state into an unposted form."""
    ui, schema = view.ui, view.schema
    form.key.data, form.kind.data, form.required.data = view.key, view.kind, view.required
    for name in editing.TEXTS:
        value = ui.get(name)
        for locale in ("de", "en"):
            text = value.get(locale, "") if isinstance(value, dict) else str(value or "")
            getattr(form, f"{name}_{locale}").data = text
    for name in editing.LIMITS:
        value = schema.get(name)
        getattr(form, name).data = "" if value is None else str(value)
    if form.format.data not in FORMAT_LABELS:
        form.format.data = ""  # email, url and date keep their format through their kind
    form.accept.data = ", ".join(ui.get("accept") or [])
    form.max_size.data = str(ui.get("max_size") or "")
    for index, (code, de, en) in enumerate(view.choices, start=1):
        form.choices.append_entry({"position": index, "code": code, "de": de, "en": en})


def pad_choices(form: QuestionForm) -> None:
    """Blank rows after the choices, numbered on, so one can be added without JavaScript."""
    start = max((row.position.data or 0 for row in form.choices), default=0)
    for step in range(1, BLANK_CHOICES + 1):
        form.choices.append_entry({"position": start + step})


def new_question_choices(form: NewQuestionForm, document: dict, parent: str) -> None:
    """The page select of a new top-level question (a nested one has no page of its own)."""
    form.page.choices = (
        [SelectChoice(key, title or key) for key, title in page_keys(document)]
        if not parent
        else []
    )


def fill_rule(form: RuleForm, rule: editing.Rule | None) -> None:
    """Put the question's rule into an unposted form (a hand-written one shows its target only)."""
    if rule is None:
        return
    form.effect.data, form.target.data = rule.effect, rule.ref
    if rule.condition in editing.CONDITIONS:
        form.condition.data = rule.condition
    form.values.data = ", ".join(str(v) for v in rule.values)


# -- reading posted forms into edits -------------------------------------------------------------


def _texts(form, names) -> dict[str, dict[str, str]]:
    return {n: {loc: getattr(form, f"{n}_{loc}").data or "" for loc in ("de", "en")} for n in names}


def question_spec(form: QuestionForm) -> editing.QuestionSpec:
    """The posted (validated) question form as a QuestionSpec."""
    rows = [
        r for r in form.choices if not r.remove.data and (r.code.data or r.de.data or r.en.data)
    ]
    rows.sort(key=lambda r: r.position.data if r.position.data is not None else 10**6)
    limits: dict[str, Any] = {}
    for name in editing.LIMITS:
        field = getattr(form, name)
        limits[name] = (
            field.value() if isinstance(field, NumberText) else (field.data or "").strip() or None
        )
    return editing.QuestionSpec(
        key=(form.key.data or "").strip(),
        kind=form.kind.data,
        texts=_texts(form, editing.TEXTS),
        required=bool(form.required.data),
        choices=[((r.code.data or "").strip(), r.de.data or "", r.en.data or "") for r in rows],
        limits=limits,
        accept=[a.strip() for a in (form.accept.data or "").split(",") if a.strip()],
        max_size=form.max_size.value(),
    )


def question_edit(path: str, form: QuestionForm):
    """The edit of a question form's save."""
    spec = question_spec(form)

    def edit(document: dict) -> tuple[dict, str]:
        out, notes = editing.update_question(document, path, spec)
        return out, "; ".join(notes)

    return edit


def new_question_edit(parent: str, form: NewQuestionForm):
    """The edit that adds a question."""
    key = (form.key.data or "").strip()
    label = {"de": form.label_de.data or "", "en": form.label_en.data or ""}

    def edit(document: dict) -> tuple[dict, str]:
        if not label["de"].strip():
            raise editing.EditError("label_needed", "label_de")
        out = editing.add_question(
            document, parent, key, form.kind.data, label, form.page.data or ""
        )
        return out, f"Frage hinzugefügt: {parent + '/' if parent else ''}{key}"

    return edit


def page_edit(key: str, form: PageForm):
    """The edit of the page form: a new page (no key yet) or a page's new title."""
    title = {"de": form.title_de.data or "", "en": form.title_en.data or ""}
    new_key = (form.key.data or "").strip()

    def edit(document: dict) -> tuple[dict, str]:
        if not key:
            return editing.add_page(document, new_key, title), f"Seite hinzugefügt: {new_key}"
        return editing.set_page_title(document, key, title), f"Seitentitel geändert: {key}"

    return edit


def page_action_edit(key: str, action: str, step: int | None):
    """Move a page one place (step -1 / 1) or remove it."""

    def edit(document: dict) -> tuple[dict, str]:
        if action == "remove":
            return editing.remove_page(document, key), f"Seite entfernt: {key}"
        return editing.move_page(document, key, step or 0), f"Seite verschoben: {key}"

    return edit


def question_action_edit(path: str, action: str, form: MoveForm):
    """Move a question (a step, or to another page), remove it, or remove its rule."""
    step, page = form.step.data, (form.page.data or "").strip()

    def edit(document: dict) -> tuple[dict, str]:
        if action == "remove":
            return editing.remove_question(document, path), f"Frage entfernt: {path}"
        if action == "unrule":
            return editing.remove_rule(document, path), f"Regel entfernt: {path}"
        if page:
            return editing.move_to_page(
                document, path, page
            ), f"Frage auf Seite {page} verschoben: {path}"
        return editing.move_question(document, path, step or 0), f"Frage verschoben: {path}"

    return edit


def rule_edit(path: str, form: RuleForm):
    """The edit that gives a question the posted rule."""
    values = [v.strip() for v in (form.values.data or "").split(",") if v.strip()]
    effect, target, condition = form.effect.data, form.target.data, form.condition.data

    def edit(document: dict) -> tuple[dict, str]:
        out = editing.set_rule(document, path, effect, target, condition, values, CONTEXTS)
        return out, f"Regel gesetzt: {path}"

    return edit

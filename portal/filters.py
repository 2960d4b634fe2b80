"""Template filters and globals: dates in Europe/Berlin, money, step titles."""

from datetime import time, timedelta
from decimal import Decimal

from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.numbers import number_text
from portal.process import STEPS, StepStatus
from portal.workdays import BERLIN

STATUS_LABELS = {
    StepStatus.DONE: _l("erledigt"),
    StepStatus.OPEN: _l("offen"),
    StepStatus.BLOCKED: _l("wartet auf Vorgänger"),
    StepStatus.WAITING: _l("wartet auf den Termin"),
    StepStatus.OVERDUE: _l("überfällig"),
    StepStatus.NOT_APPLICABLE: _l("entfällt"),
}


def locale() -> str:
    """The current interface language as 'de' or 'en'."""
    return str(get_locale() or "de")[:2]


def money(value: Decimal | None) -> str:
    """Format an amount in euros for the current language: "1.234,56 €", "€1,234.56"."""
    if value is None:
        return ""
    # A plain space instead of Babel's no-break space, as the amounts were always written.
    return format_currency(value, "EUR").replace("\xa0", " ")


def percent(value: Decimal | None) -> str:
    """Format a percentage for the current language: "12,5 %", "12.5%"."""
    if value is None:
        return ""
    return f"{number(value)} %" if locale() == "de" else f"{number(value)}%"


def number(value: Decimal | None) -> str:
    """Format a quantity without needless decimals."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and value == value.to_integral():
        value = value.normalize()
    return format_decimal(value)


def when(value, fmt: str = "short") -> str:
    """Format an aware UTC datetime in Europe/Berlin."""
    return format_datetime(value, fmt) if value else ""


def day(value) -> str:
    """The local (Europe/Berlin) day of an aware datetime, in the short form of the language."""
    return format_date(value.astimezone(BERLIN).date(), "short") if value else ""


def due(value) -> str:
    """A due moment: only the day when it is the end of a local day (a rule in working days),
    the day and the hour otherwise (a rule in hours)."""
    if not value:
        return ""
    local = value.astimezone(BERLIN)
    if local.time() == time(0):
        return format_date((local - timedelta(days=1)).date(), "medium")
    return format_datetime(value, "short")


def status_label(status: StepStatus) -> str:
    """The translated name of a step status."""
    return str(STATUS_LABELS[status])


def filesize(size: int | None) -> str:
    """A byte count as kB or MB."""
    if not size:
        return "0 kB"
    if size >= 1024 * 1024:
        return format_decimal(round(size / (1024 * 1024), 1)) + " MB"
    return format_decimal(max(1, round(size / 1024))) + " kB"


def answer(value, node=None) -> str:
    """An answer as readable text: choice labels, Ja/Nein, numbers in the current language."""
    labels = (
        dict(node.choices(locale()))
        if node is not None and (node.enum or node.widget == "yes_no")
        else {}
    )
    if isinstance(value, bool):
        key = "true" if value else "false"
        return labels.get(key) or (str(_l("Ja")) if value else str(_l("Nein")))
    if isinstance(value, list):
        return ", ".join(answer(v, node) for v in value)
    if isinstance(value, int | float):
        code = node is not None and node.code
        return labels.get(str(value)) or number_text(value, locale(), code=code)
    if isinstance(value, dict):
        children = {child.key: child for child in node.children} if node is not None else {}
        return ", ".join(f"{k}: {answer(v, children.get(k))}" for k, v in value.items())
    return labels.get(str(value), str(value))


def line_breaks(value: str | None) -> Markup:
    """Text with its line breaks kept as <br>, every line escaped (no HTML from the text)."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


def isodate(value: str):
    """Parse an ISO datetime string (as stored in JSON) for the `when` filter."""
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None


def register(app) -> None:
    """Make the filters and globals known to Jinja."""
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["due"] = due
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.filters["answer"] = answer
    app.jinja_env.filters["isodate"] = isodate
    app.jinja_env.filters["line_breaks"] = line_breaks
    app.jinja_env.globals.update(locale=locale, STEPS=STEPS, status_label=status_label)

"""How the package writes values: answers, dates, moments and quantities, in the current language.

Call these under force_locale(language); nothing here reads a clock, so the same value always
gives the same text.
"""

from datetime import date
from typing import Any

from flask_babel import format_date, format_decimal, format_time
from flask_babel import gettext as _

import forms_schema
from portal.filters import answer


def answer_text(value: Any, node: forms_schema.Node | None, files: dict[str, str]) -> str:
    """An answer as the package prints it; "" for no answer, file uploads by their name."""
    if value is None or value == "" or value == []:
        return ""
    if node is not None and node.widget == "file":
        return files.get(str(value), _("hochgeladene Datei"))
    if node is not None and node.widget == "date" and isinstance(value, str):
        return iso_date(value)
    return answer(value, node)


def moment(value) -> str:
    """A point in time in Europe/Berlin: date and hours:minutes, in the current language."""
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


def quantity(raw: str) -> str:
    """A quantity as the protocol stored it, written the way the language writes numbers."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    return format_decimal(value)


def iso_date(raw: str) -> str:
    """An ISO date as a medium date in the current language; anything else as it came."""
    try:
        return format_date(date.fromisoformat(raw), "medium")
    except ValueError:
        return raw

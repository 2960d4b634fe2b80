"""Pure rules for export cells: made inert against formula injection, numbers as text.

No Flask, no database: the CSV and XLSX writers and the answers table share these.
"""

from datetime import datetime
from typing import Any

# A spreadsheet reads a cell starting with one of these as a formula (or the start of one);
# OWASP's advice is to prefix such a cell with a single quote, which shows it as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | datetime | None


def neutralise(text: str) -> str:
    """The text made inert for a spreadsheet: a leading ' when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number_text(value: int | float, locale: str) -> str:
    """A number as text without grouping: 1433, 3.5 in English, 3,5 in German."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text.replace(".", ",") if locale == "de" else text


def moment_text(value: datetime) -> str:
    """A (local, naive) moment as ISO 8601 to the minute, with a space: 2026-12-05 12:47."""
    return value.strftime("%Y-%m-%d %H:%M")


def cell_text(value: Any, locale: str) -> str:
    """Any cell as the text a CSV file holds, already made inert."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return moment_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return neutralise(number_text(value, locale))
    return neutralise(str(value))

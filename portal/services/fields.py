"""Reading the fields of a submitted editor, shared by the use cases that parse them."""

import re
from datetime import date

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def text(fields: dict, key: str) -> str:
    """A text field with Windows line ends made plain and outer white space removed."""
    return str(fields.get(key) or "").replace("\r\n", "\n").strip()


def iso_date(raw: str) -> date | None:
    """A date written YYYY-MM-DD, or None for anything else."""
    if not _ISO_DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None

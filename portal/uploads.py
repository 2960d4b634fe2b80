"""A client's file name is shown, never used: cleaned of paths, control and direction characters.

Uploads are stored in the database under their row id; the name the browser sent only labels
the file on pages, in the documentation package and in the download's Content-Disposition.
"""

import re
import unicodedata

MAX_NAME = 120
FALLBACK = "upload"
# Control, format (bidi overrides, zero-width), separator, surrogate, private and unassigned.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_SEPARATORS = re.compile(r"[\\/]")


def display_name(raw: str) -> str:
    """The client's file name as safe to show: last path part, visible characters, at most 120."""
    name = unicodedata.normalize("NFC", raw or "")
    name = _SEPARATORS.split(name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE)
    name = " ".join(name.split()).strip(". ")
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = stem[: MAX_NAME - len(extension) - 1].rstrip(". ") + "." + extension
        else:
            name = name[:MAX_NAME]
    return name or FALLBACK

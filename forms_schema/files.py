"""Checks of an uploaded file against a file question's x-ui.accept and x-ui.max_size."""

from forms_schema.messages import number
from forms_schema.nodes import Node
from forms_schema.text import localize

_TYPE = {
    "de": "Dieser Dateityp ist hier nicht möglich. Erlaubt: {accept}.",
    "en": "This type of file is not possible here. Allowed: {accept}.",
}
_SIZE = {
    "de": "Die Datei ist zu groß (höchstens {limit}).",
    "en": "The file is too large (at most {limit}).",
}


def accepted(accept: tuple[str, ...], filename: str, mimetype: str) -> bool:
    """Whether the file matches one entry: ".pdf" (extension), "image/png" or "image/*" (MIME type)."""
    if not accept:
        return True
    name = filename.lower()
    mime = (mimetype or "").split(";")[0].strip().lower()
    for entry in accept:
        entry = entry.lower()
        if entry.startswith("."):
            if name.endswith(entry):
                return True
        elif entry.endswith("/*"):
            if mime.startswith(entry[:-1]):
                return True
        elif mime == entry:
            return True
    return False


def size_text(size: int, locale: str) -> str:
    """Bytes as people read them: "10 MB", "500 KB"."""
    if size >= 1024 * 1024:
        return f"{number(round(size / (1024 * 1024), 1), locale)} MB"
    return f"{number(round(size / 1024, 1), locale)} KB"


def check_file(node: Node, filename: str, mimetype: str, size: int, locale: str) -> str | None:
    """A message when the file does not fit the question, else None."""
    if not accepted(node.accept, filename, mimetype):
        return localize(_TYPE, locale).replace("{accept}", ", ".join(node.accept))
    limit = node.max_size or 0
    if limit and size > limit:
        return localize(_SIZE, locale).replace("{limit}", size_text(limit, locale))
    return None

"""Checks of an uploaded file against a file question's x-ui.accept and x-ui.max_size.

The name and the MIME type are what the client claims; the content decides. Its type is read
from the bytes: magic numbers (`puremagic`), the parts inside ZIP-based Office files, and plain
text for .csv and .txt, which have no magic number.
"""

import io
import unicodedata
import zipfile

import puremagic

from forms_schema.messages import number
from forms_schema.nodes import Node
from forms_schema.text import localize

_TYPE = {
    "de": "Dieser Dateityp ist hier nicht möglich. Erlaubt: {accept}.",
    "en": "This type of file is not possible here. Allowed: {accept}.",
}
_CONTENT = {
    "de": "Der Inhalt der Datei passt nicht zu ihrem Typ. Erlaubt: {accept}.",
    "en": "The content of the file does not match its type. Allowed: {accept}.",
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


# Extensions that name the same kind of content.
_SAME = {".jpeg": ".jpg", ".jpe": ".jpg", ".jfif": ".jpg", ".tif": ".tiff"}
# ZIP-based Office formats: the part every such file has (ECMA-376 / MS-VSDX).
_OFFICE = {
    ".xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ".xlsm": ("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroenabled.12"),
    ".docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ".vsdx": ("visio/document.xml", "application/vnd.ms-visio.drawing"),
}
_TEXT = {".txt": "text/plain", ".csv": "text/csv", ".tsv": "text/tab-separated-values"}
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f"}


def _extension(name: str) -> str:
    name = name.lower()
    return _SAME.get(name, name)


def _is_text(content: bytes) -> bool:
    """Plain text in UTF-8 or Windows-1252, as spreadsheets export CSV: no binary control bytes."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            decoded = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(unicodedata.category(c) == "Cc" and c not in _TEXT_CONTROLS for c in decoded)
    return False


def content_types(content: bytes) -> dict[str, str]:
    """What the bytes are, read from them alone: extension -> MIME type, e.g. {".pdf": ...}."""
    found: dict[str, str] = {}
    try:
        matches = puremagic.magic_string(content)
    except (puremagic.PureError, ValueError):
        matches = []
    for match in matches:
        # A ZIP signature fits every ZIP-based format; the archive is opened below instead.
        if not match.byte_match.startswith(b"PK"):
            found.setdefault(_extension(match.extension), (match.mime_type or "").lower())
    if zipfile.is_zipfile(io.BytesIO(content)):
        found[".zip"] = "application/zip"
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            parts = set()
        found |= {ext: mime for ext, (part, mime) in _OFFICE.items() if part in parts}
    if _is_text(content):
        found |= _TEXT
    return found


def content_fits(accept: tuple[str, ...], filename: str, mimetype: str, content: bytes) -> bool:
    """Whether one accept entry fits both what the file claims to be and what its bytes are."""
    if not accept:
        return True
    found = content_types(content)
    for entry in (e.lower() for e in accept):
        if not accepted((entry,), filename, mimetype):
            continue
        if entry.startswith("."):
            if _extension(entry) in found:
                return True
        elif entry.endswith("/*"):
            if any(mime.startswith(entry[:-1]) for mime in found.values()):
                return True
        elif entry in found.values():
            return True
    return False


def size_text(size: int, locale: str) -> str:
    """Bytes as people read them: "10 MB", "500 KB"."""
    if size >= 1024 * 1024:
        return f"{number(round(size / (1024 * 1024), 1), locale)} MB"
    return f"{number(round(size / 1024, 1), locale)} KB"


def check_file(
    node: Node,
    filename: str,
    mimetype: str,
    size: int,
    locale: str,
    content: bytes | None = None,
) -> str | None:
    """A message when the file does not fit the question, else None; `content` is checked too."""
    if not accepted(node.accept, filename, mimetype):
        return localize(_TYPE, locale).replace("{accept}", ", ".join(node.accept))
    limit = node.max_size or 0
    if limit and size > limit:
        return localize(_SIZE, locale).replace("{limit}", size_text(limit, locale))
    if content is not None and not content_fits(node.accept, filename, mimetype, content):
        return localize(_CONTENT, locale).replace("{accept}", ", ".join(node.accept))
    return None

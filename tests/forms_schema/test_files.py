"""check_file(): type by extension or MIME type (with wildcards), and size."""

import io
import zipfile

import pytest

import forms_schema

from .helpers import full_schema


@pytest.fixture(scope="module")
def q():
    schema = full_schema()
    schema["$defs"]["contact"]["properties"]["cv"] = {
        "type": "string",
        "x-ui": {"widget": "file", "accept": ["application/pdf"]},
    }
    return forms_schema.load(schema)


def test_accepted_files(q):
    assert q.check_file("/diagram", "Plan.PDF", "application/octet-stream", 10) is None
    assert q.check_file("/diagram", "plan.png", "image/png", 999_999) is None
    assert q.check_file("/diagram", "scan", "image/jpeg; q=1", 1_000_000) is None


def test_wrong_type(q):
    assert q.check_file("/diagram", "plan.docx", "application/msword", 10) == (
        "Dieser Dateityp ist hier nicht möglich. Erlaubt: .pdf, image/*."
    )
    assert q.check_file("/diagram", "plan.pdf.exe", "text/plain", 10, locale="en") == (
        "This type of file is not possible here. Allowed: .pdf, image/*."
    )


def test_too_large(q):
    assert q.check_file("/diagram", "plan.pdf", "application/pdf", 1_000_001) == (
        "Die Datei ist zu groß (höchstens 976,6 KB)."
    )


def test_defaults_and_pointers_into_rows(q):
    cv = q.node("/contacts/*/cv")
    assert cv.max_size == 10 * 1024 * 1024
    assert q.check_file("/contacts/2/cv", "cv.pdf", "application/pdf", 10 * 1024 * 1024) is None
    assert q.check_file(
        "/contacts/*/cv", "cv.pdf", "application/pdf", 10 * 1024 * 1024 + 1, "en"
    ) == ("The file is too large (at most 10 MB).")
    assert q.check_file("/contacts/0/cv", "cv.pdf", "image/png", 1) is not None


def test_only_file_questions(q):
    with pytest.raises(KeyError):
        q.check_file("/company", "a.pdf", "application/pdf", 1)
    with pytest.raises(KeyError):
        q.check_file("/nope", "a.pdf", "application/pdf", 1)


# -- the content decides, not the name ---------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def zipped(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


XLSX, VSDX, DOCX = (
    zipped("xl/workbook.xml"),
    zipped("visio/document.xml"),
    zipped("word/document.xml"),
)


@pytest.fixture(scope="module")
def upload_q():
    schema = full_schema()
    schema["properties"]["chart"] = {
        "type": "string",
        "x-ui": {"widget": "file", "accept": [".pdf", ".png", ".jpg", ".jpeg", ".vsdx", ".xlsx"]},
    }
    schema["properties"]["accounts"] = {
        "type": "string",
        "x-ui": {"widget": "file", "accept": [".xlsx", ".csv"]},
    }
    return forms_schema.load(schema)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Struktur.pdf", PDF),
        ("Struktur.PNG", PNG),
        ("Struktur.jpeg", JPEG),
        ("Struktur.jpg", JPEG),
        ("Struktur.vsdx", VSDX),
        ("Struktur.xlsx", XLSX),
    ],
)
def test_content_of_the_claimed_type_is_accepted(upload_q, name, content):
    assert (
        upload_q.check_file(
            "/chart", name, "application/octet-stream", len(content), content=content
        )
        is None
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Struktur.pdf", EXE),  # a program renamed
        ("Struktur.png", PDF),  # another allowed type, but not the one claimed
        ("Struktur.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("Struktur.xlsx", zipped("a.txt")),  # any ZIP is no workbook
        ("Struktur.vsdx", XLSX),
        ("Struktur.xlsx", DOCX),
        ("Struktur.pdf", b""),
    ],
)
def test_content_of_another_type_is_refused_in_both_languages(upload_q, name, content):
    assert upload_q.check_file(
        "/chart", name, "application/pdf", len(content), content=content
    ) == (
        "Der Inhalt der Datei passt nicht zu ihrem Typ. "
        "Erlaubt: .pdf, .png, .jpg, .jpeg, .vsdx, .xlsx."
    )
    assert upload_q.check_file(
        "/chart", name, "application/pdf", len(content), locale="en", content=content
    ) == (
        "The content of the file does not match its type. "
        "Allowed: .pdf, .png, .jpg, .jpeg, .vsdx, .xlsx."
    )


def test_csv_is_plain_text_in_utf8_or_windows_1252(upload_q):
    for text in (
        "Konto;Name\r\n1000;Kassé\r\n".encode(),
        "Konto;Bezeichnung\n1200;Bank Übersee\n".encode("cp1252"),
    ):
        assert (
            upload_q.check_file("/accounts", "konten.csv", "text/csv", len(text), content=text)
            is None
        )
    for binary in (EXE, PNG, b"Konto;Name\n\x00\x01\x02"):
        assert (
            upload_q.check_file("/accounts", "konten.csv", "text/csv", 10, content=binary)
            is not None
        )


def test_mime_type_entries_check_the_content_too(q):
    assert q.check_file("/diagram", "scan", "image/png", len(PNG), content=PNG) is None
    assert q.check_file("/diagram", "scan", "image/png", len(PDF), content=PDF) is not None
    assert q.check_file("/contacts/0/cv", "cv", "application/pdf", len(PDF), content=PDF) is None
    assert q.check_file("/contacts/0/cv", "cv", "application/pdf", 5, content=b"hello") is not None


def test_without_content_only_name_and_size_are_checked(upload_q):
    assert upload_q.check_file("/chart", "Struktur.pdf", "application/pdf", 10) is None

"""check_file(): type by extension or MIME type (with wildcards), and size."""

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

"""Customer uploads: the content must be what the name says; the name is only shown, cleaned."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from portal.models import Response, Upload
from portal.uploads import MAX_NAME, display_name
from tests.forms_schema.test_files import EXE, PDF, PNG
from tests.test_respond import enter, stored, tokens, upload  # noqa: F401 (fixture)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Netzplan.pdf", "Netzplan.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\max\\Desktop\\Netzplan.pdf", "Netzplan.pdf"),
        ("Rechnung\u202efdp.exe", "Rechnungfdp.exe"),  # right-to-left override: "Rechnungexe.pdf"
        ("Netz\u2066plan\u2069\u200b.pdf", "Netzplan.pdf"),
        ("Netz\r\nplan\x00\x1b[31m.pdf", "Netzplan[31m.pdf"),
        ("  Netz   plan .pdf  ", "Netz plan .pdf"),
        ("..", "upload"),
        (".htaccess", "htaccess"),
        ("", "upload"),
        ("Übersicht.pdf".replace("Ü", "U\u0308"), "Übersicht.pdf"),  # decomposed -> NFC
    ],
)
def test_display_names_lose_paths_controls_and_direction_marks(raw, shown):
    assert display_name(raw) == shown


def test_long_display_names_keep_their_extension():
    shown = display_name("Netzplan " * 40 + ".vsdx")
    assert len(shown) <= MAX_NAME and shown.endswith(".vsdx")
    assert len(display_name("x" * 500)) == MAX_NAME


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Upload))


def test_a_program_named_pdf_is_refused_at_its_field(client, session, tokens):  # noqa: F811
    enter(client, tokens["technical"])
    response = upload(client, "Netzplan.pdf", EXE, "application/pdf")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Der Inhalt der Datei passt nicht zu ihrem Typ." in body
    assert count(session) == 0
    refused_png = upload(client, "Netzplan.png", PDF, "image/png")
    assert refused_png.status_code == 400 and count(session) == 0


def test_the_name_is_cleaned_and_never_the_key(client, session, tokens):  # noqa: F811
    enter(client, tokens["technical"])
    hostile = "../../instance/\u202eNetz\tplan.png"
    assert upload(client, hostile, PNG, "image/png").status_code == 303
    row = session.scalar(select(Upload))
    assert row.filename == "Netzplan.png" and row.content == PNG
    assert stored(session)["network_diagram"] == f"upload:{row.id}"
    page = client.get("/customer/technical/pages/network").get_data(as_text=True)
    assert "Netzplan.png" in page and "\u202e" not in page


def test_downloads_are_attachments_with_an_rfc_6266_name(client, session, tokens):  # noqa: F811
    enter(client, tokens["technical"])
    assert upload(client, "Netzplan Übersicht.pdf", PDF, "application/pdf").status_code == 303
    row = session.scalar(select(Upload))
    download = client.get(f"/customer/technical/files/{row.id}")
    assert download.data == PDF and download.mimetype == "application/octet-stream"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Netzplan Ubersicht.pdf\"; filename*=UTF-8''"
        + quote("Netzplan Übersicht.pdf")
    )
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_name_stored_before_cleaning_is_cleaned_for_the_download(client, session, tokens):  # noqa: F811
    enter(client, tokens["technical"])
    assert upload(client, "Netzplan.pdf", PDF, "application/pdf").status_code == 303
    row = session.scalar(select(Upload))
    row.filename = 'old\r\n"name"\u202e.pdf'
    session.commit()
    download = client.get(f"/customer/technical/files/{row.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="old\\"name\\".pdf"'
    assert session.scalar(select(func.count()).select_from(Response)) == 1

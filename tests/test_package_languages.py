"""The package in each recipient's language, with every font embedded, true metadata and no
character silently lost (issue 15). PDFs are read back with pypdf and poppler's pdffonts.

The documented order of tests/test_package.py is German; Ben, one of its customer contacts,
reads English, so each version is typeset in German and in English.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import pdf
from portal.models import CustomerContact, OutboxMessage, PackageFile
from portal.services import packages
from portal.services.errors import Conflict
from tests.conftest import login
from tests.pdfs import fonts_drawing_text, page_texts, pdffonts, reader, text
from tests.test_offer import held_order
from tests.test_offer import sent as sent_offer
from tests.test_package import assert_page_numbers, documented_order, generated

# Free text with emoji, Chinese, Japanese and a private-use character no font has.
GLYPHS = [
    "Dateiablage 📁 Konzern",
    "Zugriff nur über den Jump-Server ✅ 🚀",
    "SAP SE 中文",
    "Keine Vorgaben. 日本語 ひらがな カタカナ \ue000 Ende",
]


@pytest.fixture
def order(session, world):
    return documented_order(session, world)


def files_of(session, package) -> dict[str, PackageFile]:
    session.expire_all()
    found = session.scalars(select(PackageFile).where(PackageFile.package_id == package.id))
    return {f.language: f for f in found}


def assert_all_embedded(data: bytes) -> dict[str, bool]:
    fonts = pdffonts(data)
    assert fonts, "pdffonts lists no font"
    assert all(fonts.values()), f"not embedded: {[n for n, e in fonts.items() if not e]}"
    assert not any("Helvetica" in name for name in fonts), fonts
    return fonts


def set_language(session, email: str, language: str) -> None:
    contact = session.scalar(select(CustomerContact).where(CustomerContact.email == email))
    contact.language = language
    session.commit()


def test_each_language_among_the_recipients_gets_its_own_pdf(client, session, world, order):
    package = generated(session, world, order)
    files = files_of(session, package)
    assert sorted(files) == ["de", "en"]
    german, english = files["de"].pdf, files["en"].pdf
    # The version's own PDF is the order's language.
    assert package.pdf == german and package.sha256 == files["de"].sha256
    assert files["en"].pages == len(reader(english).pages) and files["en"].size == len(english)
    # Cover, contents, headers, footers and dates follow the language.
    assert_page_numbers(german, "Seite {i} von {n}")
    assert_page_numbers(english, "Page {i} of {n}")
    cover_de, cover_en = page_texts(german)[0], page_texts(english)[0]
    assert "Montag, 2. März 2026, 10:00" in cover_de and "Kundenkürzel ACME" in cover_de
    assert "Monday, 2 March 2026, 10:00" in cover_en and "Customer short code ACME" in cover_en
    assert "Contents" in page_texts(english)[1] and "Inhaltsverzeichnis" in page_texts(german)[1]
    assert "ACME Holding GmbH (ACME) · Setup call documentation" in page_texts(english)[2]
    assert "User training 2.5" in text(english) and "Anwenderschulung 2,5" in text(german)
    assert "Seite " not in text(english)
    for data, language in ((german, "de"), (english, "en")):
        assert_all_embedded(data)
        # Body text upright and headings bold, in the portal's own faces.
        drawn = fonts_drawing_text(data)
        assert any(n.endswith("+DejaVuSansCondensed") for n in drawn), drawn
        assert any(n.endswith("+DejaVuSansCondensed-Bold") for n in drawn), drawn
        # True metadata: title, author (the vendor), subject, language, creation date.
        document = reader(data)
        info = document.metadata
        assert document.trailer["/Root"]["/Lang"] == language
        assert info.author == "Saxess"
        assert (
            info.title
            == {
                "de": "Dokumentation des Setup Calls: ACME Holding GmbH (ACME)",
                "en": "Setup call documentation: ACME Holding GmbH (ACME)",
            }[language]
        )
        assert (
            info.subject
            == {
                "de": "Datenflussdiagramm, Fragebögen und Protokoll des Setup Calls",
                "en": "Data flow diagram, questionnaires and protocol of the setup call",
            }[language]
        )
        start = package.requested_at.replace(microsecond=0)
        assert start <= info.creation_date <= package.finished_at
    # The page offers each language's PDF; each link gives that language's bytes.
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    for language, data in (("de", german), ("en", english)):
        url = f"/orders/{order.id}/package/1/{language}.pdf"
        assert url in page
        response = client.get(url)
        assert response.status_code == 200 and response.data == data
        assert response.headers["X-Content-SHA256"] == files[language].sha256
    assert (
        'filename="CPCE-Documentation-ACME-v1.pdf"'
        in client.get(f"/orders/{order.id}/package/1/en.pdf").headers["Content-Disposition"]
    )
    assert client.get(f"/orders/{order.id}/package/1/fr.pdf").status_code == 404
    assert client.get(f"/orders/{order.id}/package/1.pdf").data == german


def test_a_version_lacking_a_recipients_language_sends_nothing(session, world, order):
    set_language(session, "ben@acme.example", "de")
    package = generated(session, world, order)
    assert sorted(files_of(session, package)) == ["de"]
    set_language(session, "ben@acme.example", "en")
    queued = session.scalar(select(func.count()).select_from(OutboxMessage))
    with pytest.raises(Conflict, match="nicht auf Englisch"):
        packages.send(session, world.partner, order.id, 1, "")
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == queued
    # A new version is built in English too and can be sent.
    assert sorted(files_of(session, generated(session, world, order))) == ["de", "en"]
    packages.send(session, world.partner, order.id, 2, "")


def test_a_failure_in_one_language_names_it_and_stores_no_pdf(session, world, order, monkeypatch):
    real = pdf.document

    def english_breaks(template, **kwargs):
        if kwargs["language"] == "en":
            raise pdf.PdfError("xhtml2pdf reported 1 error(s)")
        return real(template, **kwargs)

    monkeypatch.setattr(pdf, "document", english_breaks)
    package = packages.request(session, world.partner, order.id)
    failed = packages.build(session, package.id)
    assert failed.status == "failed" and failed.pdf is None
    assert failed.error.startswith("Das PDF auf Englisch konnte nicht erstellt werden")
    assert files_of(session, failed) == {}


def test_emoji_and_cjk_are_set_and_a_character_no_font_has_is_marked_and_listed(
    client, session, world
):
    order = documented_order(session, world, texts=GLYPHS)
    package = generated(session, world, order)
    files = files_of(session, package)
    for language, file in files.items():
        document = "\n".join(page_texts(file.pdf))
        for kept in ("📁", "✅", "🚀", "中文", "日本語", "ひらがな", "カタカナ"):
            assert kept in document, (language, kept)
        # The private-use character prints as the visible placeholder, never silently.
        assert "\ue000" not in document
        assert "カタカナ \ufffd Ende" in document
        fonts = assert_all_embedded(file.pdf)
        assert {n.split("+")[-1] for n in fonts} >= {"Symbola", "DroidSansFallback"}
    labels = {(a["questionnaire"], a["label"]) for a in files["de"].unprintable}
    assert labels == {
        ("CPCE – Technischer Fragebogen", "Sicherheitsanforderungen › Weitere Sicherheitsvorgaben"),
        ("CPCE – Technischer Fragebogen", "Server › Arbeitsspeicher (GB)"),  # the comment
        ("CPCE – Fachlicher Fragebogen", "Anmerkungen"),
    }
    assert {a["characters"] for a in files["en"].unprintable} == {"U+E000"}
    # The page lists them before sending, in the page's language.
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    assert 'id="unprintable"' in page
    assert "CPCE – Fachlicher Fragebogen › Anmerkungen" in page and "U+E000" in page
    # Answers every font prints leave no list.
    plain = documented_order(session, world, code="PLAIN")
    generated(session, world, plain)
    page = client.get(f"/orders/{plain.id}/package").get_data(as_text=True)
    assert 'id="unprintable"' not in page


def test_the_offer_embeds_every_font_and_says_what_it_is(session, world):
    offer = sent_offer(session, world, held_order(session, world))
    assert_all_embedded(offer.pdf)
    document = reader(offer.pdf)
    assert document.trailer["/Root"]["/Lang"] == "de"
    assert document.metadata.title == "Angebot ACME-A1" and document.metadata.author == "Saxess"
    assert document.metadata.subject == "Angebot ACME-A1"
    assert abs(document.metadata.creation_date - offer.sent_at) < timedelta(minutes=1)

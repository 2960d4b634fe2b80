"""Step 8: the documentation package PDF, its versions, the background build and the send.

Orders are documented through the real services (customer answers from tests/samples.py,
review with a changed answer, an open question and comments, the diagram, confirmed
contacts, the held call, the approved protocol), and every PDF is read back with pypdf.
"""

import copy
import hashlib
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from babel.numbers import format_decimal
from sqlalchemy import func, select, update

from portal import pdf, questionnaires
from portal.models import (
    AuditEvent,
    CallParticipant,
    CustomerContact,
    DataFlowDiagram,
    DocumentPackage,
    OutboxMessage,
    PackageSend,
    QuestionnaireSnapshot,
    SetupCall,
    StepCompletion,
    utcnow,
)
from portal.services import calls, diagrams, drafts, orders, packages, protocol, responses, review
from portal.services.drafts import FileInput
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from portal.services.packages import requesting
from portal.services.packages.building import LOCALES
from portal.services.packages.lease import LeaseLost, claim
from tests import samples
from tests.conftest import login
from tests.helpers import accept, catalogue, deliver
from tests.pdfs import canary_server, fonts_drawing_text, page_texts, reader, text

# A Monday in the past (10:00 in Berlin): the call is held, then approved, then sent.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UMLAUTS = "Größe: ä ö ü ß ẞ € „Zitat“ Łódź ł"
OUR_FONTS = ("DejaVuSansCondensed", "DejaVuSansMono")
UPLOAD_NAME = "netzplan-übersicht.pdf"
# Free text of a plain order: a diagram box, notes, a vendor, remarks, the protocol.
TEXTS = ["Dateiablage Konzern", "Zugriff nur über den Jump-Server.", "SAP SE", "Keine Vorgaben."]


def hostile(canary: str) -> list[str]:
    """Answers that would fetch, embed or change the layout if they were not kept as text."""
    return [
        "<b>fett</b> & <i>kursiv</i>",
        '<img src="file:///etc/passwd">',
        f'<img src="{canary}/x.png">',
        f'<link rel="stylesheet" href="{canary}/s.css">',
        f"<style>@import url({canary}/i.css)</style>",
        "<pdf:nextpage></pdf:nextpage>",
        '<pdf:barcode value="1"></pdf:barcode>',
        '<a href="javascript:alert(1)">klick</a>',
    ]


def benign(strings: list[str]) -> list[str]:
    """Harmless text of the same lengths, for layouts that must not differ."""
    return ["x" * len(s) for s in strings]


# ---------------------------------------------------------------- building a documented order


def technical_answers(texts: list[str]) -> dict:
    answers = copy.deepcopy(samples.ON_PREMISES)
    answers["security"]["security_notes"] = "\n".join(texts[:6])
    answers["maintenance_windows"] = "Samstag 22–6 Uhr\nSonntag ganztägig"
    answers["service_account_policy"] = UMLAUTS
    answers["data_sources"][0]["vendor"] = texts[2][:120]
    return answers


def business_answers(texts: list[str]) -> dict:
    answers = copy.deepcopy(samples.BUSINESS)
    answers["remarks"] = "\n".join(texts)
    answers["objectives"] = "Schneller Abschluss\nweniger Excel"
    return answers


def place(session, world, code: str, language: str, deployment: str = "on_premises"):
    catalogue(session)
    return orders.place_order(
        session,
        world.partner,
        customer_name=f"{code} Holding GmbH",
        short_code=code,
        license_model="rent",
        deployment=deployment,
        language=language,
        quantities={},
    )


def book_call(session, world, order) -> list[CustomerContact]:
    """Two customer contacts (German, English) and a booked call with staff and both."""
    carla = calls.add_contact(
        session, world.partner, order.id, name="Carla Kunde",
        email=f"carla@{order.short_code.lower()}.example", role="IT-Leitung",
    )  # fmt: skip
    ben = calls.add_contact(
        session, world.partner, order.id, name="Ben Baker",
        email=f"ben@{order.short_code.lower()}.example", role="CFO", language="en",
    )  # fmt: skip
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@test",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
        booked_by_id=world.partner.id,
    )
    call.participants = [
        CallParticipant(user_id=world.lead.id),
        CallParticipant(user_id=world.partner.id),
        CallParticipant(user_id=world.architect.id),
        CallParticipant(user_id=world.technician.id),
        CallParticipant(contact_id=carla.id),
        CallParticipant(contact_id=ben.id),
    ]
    session.add(call)
    session.add(
        StepCompletion(order_id=order.id, step="schedule_call", completed_by_id=world.partner.id)
    )
    session.commit()
    return [carla, ben]


def submit(session, order, kind: str, answers: dict, files=None) -> None:
    result = drafts.save(
        session, order, kind, base_version=0, changes=answers, files=files, author="Kunde"
    )
    assert result.saved and not result.conflicts, result.errors
    assert responses.submit(session, order, kind, author="Kunde") == []


# pointer -> (status, final, comment) of the answers the call did not simply accept
REVIEWS = {
    "technical": {
        "/server/ram_gb": ("changed", "64", "Im Call auf 64 GB erhöht."),
        "/ad_domain": ("open", "", "Domäne klärt die IT bis KW 12."),
        "/data_sources/1/frequency": ("changed", "weekly", "DATEV liefert nur wöchentlich."),
        "/mfa_required": ("accepted", "", "Per Authenticator-App."),
    },
    "business": {
        "/legal_entities/1/ownership_share": ("changed", "60", "Anteil seit 2026 erhöht."),
    },
}


def review_and_finalise(session, world, order, kind: str, comment_extra: str = "") -> None:
    for row in review.workspace(session, world.partner, order.id, kind).rows:
        status, final, comment = REVIEWS[kind].get(row.pointer, ("accepted", "", ""))
        if row.pointer == "/server/ram_gb":
            comment += comment_extra
        review.save_review(
            session, world.partner, order.id, kind, row.pointer,
            status=status, final=final, comment=comment, version=row.version,
        )  # fmt: skip
    open_questions = [p for p, (status, *_rest) in REVIEWS[kind].items() if status == "open"]
    review.finalise(session, world.partner, order.id, kind, confirmed=open_questions)


def documented_order(
    session,
    world,
    code: str = "ACME",
    language: str = "de",
    texts: list[str] | None = None,
    technical: dict | None = None,
    business: dict | None = None,
):
    """An order through step 7: answered, reviewed, diagram drawn, call held, protocol approved;
    the mails of all that delivered.

    `texts` are free-text answers (e.g. hostile()) put into notes, remarks, a review comment,
    a diagram box and the protocol.
    """
    texts = texts or TEXTS
    order = place(session, world, code, language)
    accept(session, world, order)
    contacts = book_call(session, world, order)
    upload = FileInput(UPLOAD_NAME, "application/pdf", b"%PDF-1.4\n%%EOF\n")
    submit(session, order, "technical", technical or technical_answers(texts),
           files={"/network_diagram": upload})  # fmt: skip
    submit(session, order, "business", business or business_answers(texts))
    review_and_finalise(session, world, order, "technical", " " + texts[-1])
    review_and_finalise(session, world, order, "business")
    draft = diagrams.prefill(order, responses.find(session, order, "technical").data)
    systems = [*draft.systems, {"id": "sx", "name": texts[0][:80], "kind": "external"}]
    flows = [*draft.flows, {"from": "sx", "to": draft.systems[0]["id"], "content": "Dateien"}]
    diagrams.save(session, world.architect, order.id, systems, flows)
    protocol.confirm_contacts(
        session,
        world.lead,
        order.id,
        [
            {"id": c.id, "role": c.role, "email": c.email, "phone": "", "attended": True}
            for c in contacts
        ],
    )
    protocol.complete_call(session, world.partner, order.id)
    items = catalogue(session)
    choices = protocol.attendee_choices(session, order, None)
    fields = {
        "held_on": "2026-03-02",
        "attendees": [c["key"] for c in choices],
        "topics": "Schnittstellen und Datenfluss\nBerechtigungen\n" + "\n".join(texts),
        "decisions": "Import täglich um 6 Uhr.\nTestsystem wird zuerst eingerichtet.",
        "open_points": [
            {"text": "VPN-Zugang einrichten", "owner": "Carla Kunde", "due": "2027-03-15"},
            {"text": texts[-1][:500], "owner": "Ben Baker", "due": "2027-03-22"},
        ],
        "services": [{"service_item_id": str(items["TRAINING"].id), "quantity": "2,5"}],
    }
    saved = protocol.save_draft(session, world.partner, order.id, fields, None)
    saved = protocol.submit(session, world.partner, order.id, saved.version)
    protocol.approve(session, world.lead, order.id, saved.version)
    deliver(session)
    return order


def generated(session, world, order) -> DocumentPackage:
    """Request a version and build it in the test's thread; it must come out ready."""
    package = packages.request(session, world.partner, order.id)
    built = packages.build(session, package.id)
    assert built.status == "ready", built.error
    return built


# ---------------------------------------------------------------- what the PDF must say


def snapshot_of(session, order, kind: str) -> QuestionnaireSnapshot:
    return session.scalar(
        select(QuestionnaireSnapshot)
        .where(
            QuestionnaireSnapshot.order_id == order.id, QuestionnaireSnapshot.questionnaire == kind
        )
        .order_by(QuestionnaireSnapshot.version.desc())
    )


def leaves(definition, data, context) -> list[tuple[str, object]]:
    """(pointer, node) of every question the customer was asked, in form order."""
    shown = definition.visible(data, context)
    found = []

    def walk(nodes, base, value):
        for node in nodes:
            pointer = f"{base}/{node.key}"
            if pointer not in shown:
                continue
            here = value.get(node.key) if isinstance(value, dict) else None
            if node.kind == "group":
                walk(node.children, pointer, here)
            elif node.kind == "repeat":
                for index, row in enumerate(here or []):
                    walk(node.children, f"{pointer}/{index}", row)
            else:
                found.append((pointer, node))

    walk(definition.nodes(), "", data)
    return found


NO_ANSWER = {"de": "keine Angabe", "en": "no answer"}


def shown_as(value, node, language: str) -> list[str]:
    """The pieces of text an answer must appear as, worked out from the definition alone."""
    if value is None or value == "" or value == []:
        return [NO_ANSWER[language]]
    if node.widget == "file":
        return [UPLOAD_NAME]
    choices = dict(node.choices(language))
    if isinstance(value, list):
        return [choices.get(str(v), str(v)) for v in value]
    if isinstance(value, bool):
        return [choices["true" if value else "false"]]
    if str(value) in choices:
        return [choices[str(value)]]
    if isinstance(value, int | float):
        # A code (x-code: the ports) is its digits; a quantity has the language's grouping.
        return [str(value) if node.code else format_decimal(value, locale=language)]
    if node.widget == "date":
        from babel.dates import format_date

        # English dates as written in Britain (the package's en_GB), German as in Germany.
        day = datetime.fromisoformat(value).date()
        return [format_date(day, "medium", locale=LOCALES[language])]
    return str(value).splitlines()


def squash(value: str) -> str:
    """Text without any white space: line breaks in narrow table cells do not matter."""
    return "".join(value.split())


def expected(session, order, kind: str, language: str):
    """(pointer, label, final answer pieces) of every question asked, from the snapshot."""
    snap = snapshot_of(session, order, kind)
    definition = questionnaires.get(session, kind, snap.schema_version)
    for pointer, node in leaves(definition, snap.original, questionnaires.context_of(order)):
        yield (
            pointer,
            node.label(language),
            shown_as(snap.reviews[pointer]["final"], node, language),
        )


def assert_every_answer_in_order(session, order, document: str, language: str) -> int:
    """Every label and final answer is there; outside tables each answer follows its label."""
    flat = squash(document)
    count = 0
    for kind in ("technical", "business"):
        snap = snapshot_of(session, order, kind)
        definition = questionnaires.get(session, kind, snap.schema_version)
        first_page = squash(definition.pages[0].title(language))
        cursor = flat.index(first_page, flat.index(squash(definition.title(language))))
        for pointer, label, pieces in expected(session, order, kind, language):
            count += 1
            in_table = any(part.isdigit() for part in pointer.split("/"))
            if in_table:
                assert squash(label) in flat, (pointer, label)
                for piece in pieces:
                    assert squash(piece) in flat, (pointer, piece)
                continue
            at = flat.find(squash(label), cursor)
            assert at >= 0, f"{pointer}: label {label!r} missing after position {cursor}"
            for piece in pieces:
                found = flat.find(squash(piece), at)
                assert found >= 0, f"{pointer}: answer {piece!r} missing after its label"
            cursor = at + len(squash(label))
    return count


def assert_page_numbers(data: bytes, pattern: str) -> int:
    pages = page_texts(data)
    for number, page in enumerate(pages, 1):
        assert pattern.format(i=number, n=len(pages)) in page, (number, page[:200])
    return len(pages)


def assert_our_fonts_embedded(data: bytes) -> None:
    fonts = fonts_drawing_text(data)
    assert fonts, "no font draws text"
    for name, embedded in fonts.items():
        base = name.lstrip("/").split("+")[-1]
        assert embedded, f"{name} is not embedded"
        assert base.startswith(OUR_FONTS), f"{name} is not one of the portal's fonts"


def raster_images(data: bytes) -> int:
    """Image XObjects anywhere in the PDF: an answer's <img> that was embedded would be one."""
    found = 0

    def visit(resources) -> None:
        nonlocal found
        for xobject in (resources or {}).get("/XObject", {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                found += 1
            elif xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader(data).pages:
        visit(page.get("/Resources"))
    return found


def contents_page_numbers(data: bytes) -> dict[str, int]:
    """Entry -> the page the table of contents names for it (first of equal entries).

    The leader dots and the number are drawn before the entry's text, and come out first.
    """
    toc = page_texts(data)[1]
    found: dict[str, int] = {}
    for number, entry in re.findall(r"\.\s*(\d+)\n([^\n]+)", toc):
        found.setdefault(entry.strip(), int(number))
    return found


def first_page_starting_with(data: bytes, heading: str) -> int:
    for number, page in enumerate(page_texts(data), 1):
        lines = [line.strip() for line in page.splitlines()]
        if number > 2 and heading in lines[1:4]:
            return number
    raise AssertionError(f"no page starts with {heading!r}")


# ---------------------------------------------------------------- the document


@pytest.fixture
def order(session, world):
    return documented_order(session, world)


def test_the_package_documents_every_question_and_final_answer(session, world, order):
    package = generated(session, world, order)
    document = text(package.pdf)
    assert assert_every_answer_in_order(session, order, document, "de") > 100
    # The changed answers with status, the customer's original and the comment.
    assert "Arbeitsspeicher (GB) · im Call geändert 64 Antwort des Kunden: 32" in document
    assert "Kommentar: Im Call auf 64 GB erhöht." in document
    assert "Beteiligungsquote (%) (2) · im Call geändert 60 Antwort des Kunden: 51,5" in document
    assert "Kommentar: Anteil seit 2026 erhöht." in document
    assert "Domäne · offene Frage keine Angabe Antwort des Kunden: corp.example.com" in document
    assert "Kommentar: Domäne klärt die IT bis KW 12." in document
    assert (
        "Mehr-Faktor-Anmeldung vorgeschrieben? · übernommen Ja Kommentar: Per Authenticator-App."
        in document
    )
    # Repeating groups are tables: one row per entry, in order, with the change marked.
    flat = squash(document)
    rows = [squash(s) for s in ("1 SAP S/4HANA", "2 DATEV", "Wöchentlich im Call geändert")]
    assert all(row in flat for row in rows)
    assert flat.index(rows[0]) < flat.index(rows[1]) < flat.index(rows[2])
    assert squash("1 Muster Holding AG DE EUR Ja") in flat
    assert squash("2 Muster CH AG CH CHF Nein 60 im Call geändert Vollkonsolidierung") in flat
    assert (
        "Datenquellen › Häufigkeit (2) · im Call geändert Wöchentlich Antwort des Kunden: Täglich"
        in document
    )
    # A port is a code: its digits, never "1.433"; a quantity keeps the grouping.
    assert "TCP-Port des SQL Servers · übernommen 1433" in document
    assert "1.433" not in document and "8080" in document
    # Text keeps its line breaks, umlauts and quotes; uploads appear by their file name.
    assert "Samstag 22–6 Uhr\nSonntag ganztägig" in "\n".join(page_texts(package.pdf))
    assert UMLAUTS in document and UPLOAD_NAME in document
    # Cover, diagram and protocol.
    cover = page_texts(package.pdf)[0]
    for fact in ("ACME Holding GmbH", "Kundenkürzel ACME", "Miete", "On-premises",
                 "Montag, 2. März 2026, 10:00", "Freigegeben von Leo", "Carla Kunde", "Ben Baker"):  # fmt: skip
        assert fact in cover, fact
    approved = protocol.protocol_of(session, order)
    assert approved.content_hash in document
    assert "Datenflussdiagramm ACME Holding GmbH (ACME), Version 1" in document
    assert "VPN-Zugang einrichten Carla Kunde 15.03.2027" in document
    assert "Anwenderschulung 2,5 Tag" in document
    for kind in ("technical", "business"):
        assert snapshot_of(session, order, kind).content_hash in document
    # Every page numbered "Seite i von N"; the contents name the right pages.
    pages = assert_page_numbers(package.pdf, "Seite {i} von {n}")
    assert pages == package.pages
    contents = contents_page_numbers(package.pdf)
    for heading in ("Datenflussdiagramm", "CPCE – Technischer Fragebogen",
                    "CPCE – Fachlicher Fragebogen", "Protokoll"):  # fmt: skip
        assert contents[heading] == first_page_starting_with(package.pdf, heading), heading
    assert_our_fonts_embedded(package.pdf)
    assert package.sha256 == hashlib.sha256(package.pdf).hexdigest()
    assert package.size == len(package.pdf) and package.language == "de"


def test_an_english_order_gets_an_english_package(session, world):
    order = documented_order(session, world, code="BETA", language="en")
    package = generated(session, world, order)
    document = text(package.pdf)
    assert package.language == "en"
    assert_page_numbers(package.pdf, "Page {i} of {n}")
    assert assert_every_answer_in_order(session, order, document, "en") > 100
    assert "Memory (GB) · changed in the call 64 Customer's answer: 32" in document
    assert "Domain · open question no answer" in document
    assert "CPCE – Technical questionnaire" in document and "Seite " not in document
    assert "Monday, 2 March 2026" in page_texts(package.pdf)[0]
    assert "User training 2.5" in document
    assert_our_fonts_embedded(package.pdf)


def test_hostile_answers_stay_text_and_fetch_nothing(session, world):
    with canary_server() as (canary, hits):
        texts = hostile(canary)
        order = documented_order(session, world, code="EVIL", texts=[*texts, UMLAUTS])
        package = generated(session, world, order)
        twin = documented_order(
            session, world, code="TWIN", texts=[*benign(texts), "y" * len(UMLAUTS)]
        )
        plain = generated(session, world, twin)
    assert hits == []
    document = text(package.pdf)
    for value in texts:
        assert value in document, value
    assert UMLAUTS in document
    # Nothing was interpreted: the layout is that of harmless text of the same lengths, and
    # nothing was embedded (the diagram is vector graphics, no image at all).
    assert package.pages == plain.pages
    assert raster_images(package.pdf) == 0
    assert_page_numbers(package.pdf, "Seite {i} von {n}")
    assert_our_fonts_embedded(package.pdf)


# ---------------------------------------------------------------- versions


def content_of(data: bytes) -> list[bytes]:
    """Every page's drawing, without the document information (its creation date)."""
    return [page.get_contents().get_data() for page in reader(data).pages]


def created_at(data: bytes) -> datetime:
    return reader(data).metadata.creation_date


def test_each_generation_is_a_new_version_and_the_same_data_gives_the_same_pages(
    session, world, order
):
    first = generated(session, world, order)
    second = generated(session, world, order)
    assert (first.version, second.version) == (1, 2)
    # The same pages; only the creation date, each build's own start, tells them apart.
    assert content_of(second.pdf) == content_of(first.pdf)
    for built in (first, second):
        start = built.requested_at.replace(microsecond=0)
        assert start <= created_at(built.pdf) <= built.finished_at
    # A new diagram version (written directly: after approval the editor refuses) changes it.
    latest = diagrams.latest(session, order)
    session.add(
        DataFlowDiagram(
            order_id=order.id, version=latest.version + 1, systems=latest.systems[:-1],
            flows=latest.flows[:-1], created_by_id=world.architect.id,
        )
    )  # fmt: skip
    session.commit()
    third = generated(session, world, order)
    assert third.version == 3 and content_of(third.pdf) != content_of(first.pdf)
    session.expire_all()
    kept = session.scalars(select(DocumentPackage).order_by(DocumentPackage.version)).all()
    assert [(p.version, p.status, p.sha256) for p in kept] == [
        (1, "ready", first.sha256), (2, "ready", second.sha256), (3, "ready", third.sha256),
    ]  # fmt: skip
    assert all(hashlib.sha256(p.pdf).hexdigest() == p.sha256 for p in kept)
    requested = [e.payload["version"] for e in events(session, "package.request")]
    assert requested == [1, 2, 3] and len(events(session, "package.ready")) == 3


def events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_download_returns_the_stored_bytes(client, session, world, order):
    package = generated(session, world, order)
    login(client, world.lead)
    response = client.get(f"/orders/{order.id}/package/1.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="CPCE-Dokumentation-ACME-v1.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(response.data).hexdigest() == package.sha256
    assert response.data == package.pdf
    assert client.get(f"/orders/{order.id}/package/2.pdf").status_code == 404


def test_two_requests_at_once_never_share_a_version(session, world, order, monkeypatch):
    generated(session, world, order)
    real = requesting.versions_of
    stale = iter([[]])  # the first look misses version 1, as a request racing it would

    def racing(session_, order_):
        return next(stale, None) or real(session_, order_)

    monkeypatch.setattr(requesting, "versions_of", racing)
    package = packages.request(session, world.partner, order.id)
    assert package.version == 2
    numbers = session.scalars(select(DocumentPackage.version).order_by(DocumentPackage.version))
    assert list(numbers) == [1, 2]
    with pytest.raises(Conflict, match="wird gerade erstellt"):
        packages.request(session, world.partner, order.id)


# ---------------------------------------------------------------- who may


def test_only_partner_staff_of_the_customer_generate_and_send(session, world, order):
    for user in (world.lead, world.architect, world.technician, world.backoffice, world.admin):
        with pytest.raises(Forbidden):
            packages.request(session, user, order.id)
    with pytest.raises(NotFound):
        packages.request(session, world.other_partner, order.id)
    package = generated(session, world, order)
    for user in (world.lead, world.architect, world.backoffice):
        with pytest.raises(Forbidden):
            packages.send(session, user, order.id, package.version, "")
        assert packages.download(session, user, order.id, 1).sha256 == package.sha256
    with pytest.raises(NotFound):
        packages.send(session, world.other_partner, order.id, package.version, "")
    with pytest.raises(NotFound):
        packages.download(session, world.other_partner, order.id, 1)
    assert session.scalar(select(func.count()).select_from(PackageSend)) == 0


def test_nothing_before_the_protocol_is_approved(session, world):
    order = place(session, world, "EARLY", "de")
    accept(session, world, order)
    with pytest.raises(Conflict, match="Protokoll freigegeben"):
        packages.request(session, world.partner, order.id)
    assert session.scalar(select(func.count()).select_from(DocumentPackage)) == 0


def test_other_partners_get_404_on_every_page(client, session, world, order):
    generated(session, world, order)
    login(client, world.other_partner)
    base = f"/orders/{order.id}/package"
    for path in (base, f"{base}/status", f"{base}/1.pdf"):
        assert client.get(path).status_code == 404, path
    for path in (f"{base}/generate", f"{base}/send"):
        assert client.post(path, data={"version": 1, "note": "x"}).status_code == 404, path
    assert session.scalar(select(func.count()).select_from(DocumentPackage)) == 1


# ---------------------------------------------------------------- building


def test_a_failing_render_marks_the_version_failed_and_keeps_the_older(
    session, world, order, monkeypatch, caplog
):
    first = generated(session, world, order)

    def broken(*_args, **_kwargs):
        raise pdf.PdfError("xhtml2pdf reported 1 error(s)")

    monkeypatch.setattr(pdf, "document", broken)
    package = packages.request(session, world.partner, order.id)
    failed = packages.build(session, package.id)
    assert failed.status == "failed" and failed.stage == "failed"
    # The failure names the language whose PDF failed (the order's, built first).
    assert failed.error == (
        "Das PDF auf Deutsch konnte nicht erstellt werden: Das PDF konnte nicht gesetzt "
        "werden (xhtml2pdf reported 1 error(s))."
    )
    assert failed.pdf is None and failed.sha256 is None and failed.pages is None
    assert f"package {package.id} could not be built" in caplog.text
    session.expire_all()
    kept = session.get(DocumentPackage, first.id)
    assert kept.status == "ready" and hashlib.sha256(kept.pdf).hexdigest() == first.sha256
    [logged] = events(session, "package.failed")
    assert logged.payload["version"] == 2
    with pytest.raises(Conflict, match="nicht fertig"):
        packages.send(session, world.partner, order.id, 2, "")
    # A failed version does not block the next one.
    monkeypatch.undo()
    assert generated(session, world, order).version == 3


def test_progress_is_committed_stage_by_stage_for_the_poll(session, world, order, monkeypatch):
    from portal.extensions import db

    seen = []
    real = pdf.document

    def watching(*args, **kwargs):
        with db.engine.connect() as other:  # another connection: what a poll would see
            seen.append(
                other.execute(select(DocumentPackage.stage, DocumentPackage.progress)).one()
            )
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "document", watching)
    package = packages.request(session, world.partner, order.id)
    queued = packages.status(session, world.partner, order.id).as_dict()["latest"]
    assert queued == {
        "version": 1, "status": "pending", "stage": "queued", "stage_text": "wartet auf den Start",
        "progress": 0, "done": False, "error": None,
    }  # fmt: skip
    packages.build(session, package.id)
    # One typesetting per language among the recipients (Ben reads English); each language
    # takes its share of the bar, which never moves back.
    assert seen == [("typeset", 32), ("typeset", 60)]
    done = packages.status(session, world.partner, order.id).as_dict()["latest"]
    assert (done["status"], done["progress"], done["done"]) == ("ready", 100, True)


def test_only_one_builder_wins_and_a_stale_lease_is_taken_over(session, world, order):
    package = packages.request(session, world.partner, order.id)
    lease = claim(session, package.id)
    assert lease is not None and claim(session, package.id) is None
    # Someone holds a live lease: another builder leaves the package alone.
    assert packages.build(session, package.id).status == "pending"
    assert packages.waiting(session) == []
    # The holder died: after the lease time anyone may take it over, and the old holder's
    # next step finds its lease gone and writes nothing.
    old = datetime.now(UTC) - timedelta(seconds=301)
    session.execute(DocumentPackage.__table__.update().values(claimed_at=old, stage="technical"))
    session.commit()
    assert packages.waiting(session) == [package.id]
    built = packages.build(session, package.id)
    assert built.status == "ready"
    lease.at = old
    with pytest.raises(LeaseLost):
        lease.advance(session, "business")


def test_flask_package_work_builds_what_nobody_builds(runner, session, world, order):
    package = packages.request(session, world.partner, order.id)  # no thread started
    result = runner.invoke(args=["package", "work"])
    assert result.exit_code == 0, result.output
    assert f"package {package.id} (order {order.id}, v1): ready" in result.output
    session.expire_all()
    assert session.get(DocumentPackage, package.id).status == "ready"


def wait_until_done(client, order, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        latest = client.get(f"/orders/{order.id}/package/status").get_json()["latest"]
        if latest and latest["done"]:
            return latest
        time.sleep(0.2)
    raise AssertionError("the package was not built in time")


def test_the_page_generates_in_the_background_and_polls_the_status(client, session, world, order):
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    assert 'id="generate"' in page and "Noch keine Version erstellt." in page
    response = client.post(f"/orders/{order.id}/package/generate")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/orders/{order.id}/package#versions-heading")
    latest = wait_until_done(client, order)
    assert (latest["version"], latest["status"], latest["progress"]) == (1, "ready", 100)
    session.expire_all()
    package = session.scalar(select(DocumentPackage))
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    assert f'<code class="sha256">{package.sha256}</code>' in page
    assert f"/orders/{order.id}/package/1/de.pdf" in page and 'id="send"' in page
    assert f"/orders/{order.id}/package/1/en.pdf" in page
    assert 'http-equiv="refresh"' not in page
    order_page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="package-heading"' in order_page and package.sha256 in order_page


def test_a_pending_build_shows_progress_and_refreshes_without_script(client, session, world, order):
    package = packages.request(session, world.partner, order.id)
    login(client, world.lead)
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    refresh = f'<noscript><meta http-equiv="refresh" content="3; url=/orders/{order.id}/package">'
    assert refresh in page
    assert '<progress id="package-progress" max="100" value="0">' in page
    assert 'aria-live="polite">wartet auf den Start</p>' in page
    assert 'id="generate"' not in page and 'id="send"' not in page  # the lead reads only
    # Its thread never started: once the grace time is over, a page view starts a builder.
    session.execute(
        DocumentPackage.__table__.update().values(
            requested_at=datetime.now(UTC) - timedelta(minutes=1)
        )
    )
    session.commit()
    client.get(f"/orders/{order.id}/package")
    assert wait_until_done(client, order)["status"] == "ready"
    session.expire_all()
    assert session.get(DocumentPackage, package.id).sha256


# ---------------------------------------------------------------- sending


def mails(session, recorder) -> dict[str, object]:
    """Deliver the outbox; recipient -> the parsed message; each recipient exactly once."""
    deliver(session)
    found = {}
    for envelope in recorder.envelopes:
        message = message_from_bytes(envelope.content, policy=policy.default)
        for recipient in envelope.rcpt_tos:
            assert recipient not in found, f"two mails to {recipient}"
            found[recipient] = message
    recorder.envelopes.clear()
    return found


def attachment(message) -> tuple[str, bytes]:
    [part] = [p for p in message.iter_attachments()]
    return part.get_filename(), part.get_payload(decode=True)


def test_send_mails_every_participant_the_pdf_and_records_each_send(session, world, order, smtp):
    package = generated(session, world, order)
    note = "Vielen Dank für den Call!\n<b>Bitte</b> die offenen Punkte prüfen."
    sent = packages.send(session, world.partner, order.id, 1, note)
    got = mails(session, smtp)
    participants = {
        world.lead.email, world.partner.email, world.architect.email, world.technician.email,
        "carla@acme.example", "ben@acme.example",
    }  # fmt: skip
    assert set(got) == participants
    files = {f.language: f for f in package.files}
    assert sorted(files) == ["de", "en"] and files["de"].sha256 == package.sha256
    for address, message in got.items():
        # Ben reads English: the English PDF; everyone else the German one.
        language = "en" if address == "ben@acme.example" else "de"
        name, data = attachment(message)
        assert name == {"de": "CPCE-Dokumentation-ACME-v1.pdf",
                        "en": "CPCE-Documentation-ACME-v1.pdf"}[language]  # fmt: skip
        assert hashlib.sha256(data).hexdigest() == files[language].sha256, address
        assert files[language].sha256 in message.get_body(("plain",)).get_content()
        body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "Vielen Dank für den Call!\n<b>Bitte</b> die offenen Punkte prüfen." in body
        html = message.get_body(("html",)).get_content()
        assert "&lt;b&gt;Bitte&lt;/b&gt;" in html and "<b>Bitte" not in html
        assert "ACME Holding GmbH" in str(message["Subject"])
    # Each in the recipient's language: Ben reads English, Carla German.
    assert "Checksum (SHA-256)" in got["ben@acme.example"].get_body(("plain",)).get_content()
    assert "Prüfsumme (SHA-256)" in got["carla@acme.example"].get_body(("plain",)).get_content()
    assert sorted(r["email"] for r in sent.recipients) == sorted(participants)
    assert {r["kind"] for r in sent.recipients} == {"user", "contact"} and sent.note == note
    [done] = session.scalars(select(StepCompletion).where(StepCompletion.step == "send_package"))
    assert done.details == {"package_id": package.id, "version": 1, "sha256": package.sha256}
    # A re-send is recorded too, and the step stays completed once.
    packages.send(session, world.partner, order.id, 1, "")
    assert set(mails(session, smtp)) == participants
    assert session.scalar(select(func.count()).select_from(PackageSend)) == 2
    assert (
        session.scalar(
            select(func.count())
            .select_from(StepCompletion)
            .where(StepCompletion.step == "send_package")
        )
        == 1
    )
    assert [e.payload["first"] for e in events(session, "package.send")] == [True, False]


def test_a_confirmed_contact_who_was_not_in_the_call_gets_the_package_in_their_language(
    session, world, order, smtp
):
    """A contact the lead confirmed (e.g. adopted from the questionnaires at the call) is a
    recipient too, though never invited; the version is typeset in their language."""
    dana = CustomerContact(
        customer_id=order.customer_id, name="Dana Doe", email="dana@acme.example", language="en"
    )
    session.add(dana)
    session.flush()
    confirmation = protocol.confirmation_of(session, order)
    confirmation.contacts = [*confirmation.contacts, {"id": dana.id, "name": dana.name}]
    session.commit()
    page = packages.page(session, world.partner, order.id)
    assert "dana@acme.example" in [r.email for r in page.recipients]
    package = generated(session, world, order)
    packages.send(session, world.partner, order.id, package.version, "")
    got = mails(session, smtp)
    name, _ = attachment(got["dana@acme.example"])
    assert name == "CPCE-Documentation-ACME-v1.pdf"
    assert "carla@acme.example" in got and world.lead.email in got


def test_bad_sends_are_refused_and_send_nothing(session, world, order, smtp):
    generated(session, world, order)
    with pytest.raises(Invalid) as refused:
        packages.send(session, world.partner, order.id, 1, "x" * 2001)
    assert "note" in refused.value.fields
    with pytest.raises(NotFound):
        packages.send(session, world.partner, order.id, 7, "")
    call = calls.call_of(session, order)
    call.participants = []
    session.delete(protocol.confirmation_of(session, order))
    session.commit()
    with pytest.raises(Conflict, match="Weder der Setup Call noch die bestätigten Ansprechpartner"):
        packages.send(session, world.partner, order.id, 1, "")
    assert mails(session, smtp) == {}
    assert session.scalar(select(func.count()).select_from(PackageSend)) == 0
    assert not session.scalar(select(StepCompletion).where(StepCompletion.step == "send_package"))


def test_the_send_form_keeps_a_too_long_note(client, session, world, order):
    generated(session, world, order)
    login(client, world.partner)
    response = client.post(
        f"/orders/{order.id}/package/send", data={"version": "1", "note": "<i>" + "x" * 2000}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "&lt;i&gt;xxx" in page
    response = client.post(
        f"/orders/{order.id}/package/send", data={"version": "1", "note": "Hallo"}
    )
    assert response.status_code == 303
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    assert "Das Dokumentationspaket ist für alle Empfänger zum Versand eingereiht" in page
    assert "Hallo" in page and "Erneut an alle Empfänger senden" in page


def sends_table(client, order) -> str:
    page = client.get(f"/orders/{order.id}/package").get_data(as_text=True)
    return page[page.index('<table id="sends">') : page.index("</table>", page.index('id="sends"'))]


def test_a_hanging_mail_server_never_holds_up_sending_the_package(
    app, client, session, world, order, silent_smtp, start_smtp
):
    """A server that accepts connections and never answers: sending to the six participants
    returns at once, the page says queued and shows each mail's state, the worker delivers
    once the server behaves."""
    generated(session, world, order)
    app.config["SMTP_TIMEOUT"] = 10  # inside the request, 6 mails could wait 6 × 10 s
    login(client, world.partner)
    started = time.monotonic()
    response = client.post(f"/orders/{order.id}/package/send", data={"version": "1", "note": ""})
    elapsed = time.monotonic() - started
    # Generous for a busy machine, and still less than a single SMTP timeout.
    assert elapsed < app.config["SMTP_TIMEOUT"], f"sending took {elapsed:.1f} s"
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Das Dokumentationspaket ist für alle Empfänger zum Versand eingereiht" in page
    assert "verschickt" not in page
    assert sends_table(client, order).count("wartet auf Versand") == 6

    app.config["SMTP_TIMEOUT"] = 0.5  # the worker waits on the server instead
    assert deliver(session) == "6 retry"
    assert sends_table(client, order).count("Versand wird wiederholt") == 6

    silent_smtp()
    smtp = start_smtp()
    session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
    session.commit()
    assert deliver(session) == "6 sent"
    assert len(smtp.envelopes) == 6
    table = sends_table(client, order)
    assert table.count(">versendet</span>") == 6 and "wartet" not in table

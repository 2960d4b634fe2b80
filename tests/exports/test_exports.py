"""Answers exported across orders: who sees which rows, inert formulas, columns across versions."""

import pytest

from portal.models import Role, Upload
from portal.services import drafts
from tests import samples
from tests.conftest import add_user, login
from tests.exports.support import TECH, answered, publish_renamed, read_csv, read_xlsx

FIXED = ["Kürzel", "Kunde", "Status", "Version", "Eingereicht am"]


@pytest.fixture
def two_partners(session, world):
    """ACME of the world's partner (on premises) and OTHR of the other partner (CP Cloud)."""
    answered(session, world, "ACME")
    answered(
        session,
        world,
        "OTHR",
        partner=world.other_partner,
        data=samples.CP_CLOUD,
        deployment="cp_cloud",
        submit=False,
    )


def export(client, ext="csv", kind=TECH):
    return client.get(f"/exports/{kind}.{ext}")


def codes(rows) -> list[str]:
    return [row[0] for row in rows[1:]]


def test_partner_staff_export_only_the_customers_granted_to_them(client, world, two_partners):
    login(client, world.partner)
    assert codes(read_csv(export(client).data)) == ["ACME"]
    assert [r[0][1] for r in read_xlsx(export(client, "xlsx").data)[1:]] == ["ACME"]

    client.post("/logout")
    login(client, world.other_partner)
    assert codes(read_csv(export(client).data)) == ["OTHR"]


@pytest.mark.parametrize(
    "role", ["backoffice", "lead", "architect", "technician", "admin", "editor"]
)
def test_vendor_staff_export_every_customer(client, session, world, two_partners, role):
    if role == "editor":
        editor = add_user(
            session, world.vendor_org, Role.QUESTIONNAIRE_EDITOR, "editor@saxess.example"
        )
        session.commit()
        world.users["editor"] = editor
    login(client, world.users[role])
    rows = read_csv(export(client).data)
    assert rows[0][:5] == FIXED
    assert codes(rows) == ["ACME", "OTHR"]
    acme, othr = rows[1], rows[2]
    assert acme[1:4] == ["ACME GmbH", "eingereicht", "2"]
    assert othr[1:4] == ["OTHR GmbH", "in Bearbeitung", "2"]
    assert acme[4].count("-") == 2 and othr[4] == ""  # submitted at, ISO; a draft has none


def test_the_download_is_an_uncached_attachment_named_by_kind_and_date(client, world, two_partners):
    login(client, world.backoffice)
    for ext, mimetype in (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")):
        response = export(client, ext)
        assert response.status_code == 200
        assert response.mimetype.startswith(mimetype)
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="antworten-technical-20')
        assert disposition.endswith(f'.{ext}"')
        assert response.headers["Cache-Control"] == "no-store"


def test_customers_and_strangers_get_no_export(client, session, world):
    tokens = answered(session, world, "ACME").tokens
    assert export(client).status_code == 302  # not signed in: the staff sign-in page
    assert "/login" in export(client).headers["Location"]
    assert client.get(f"/r/{tokens[TECH]}").status_code == 303
    assert export(client).status_code == 403
    assert export(client, "xlsx").status_code == 403


def test_unknown_kinds_and_formats_are_not_found(client, world):
    login(client, world.backoffice)
    assert export(client, kind="nonsense").status_code == 404
    assert client.get("/exports/technical.xls").status_code == 404


def test_answers_are_written_readably(client, session, world):
    answered(session, world, "ACME")
    login(client, world.backoffice)
    rows = read_csv(export(client).data)
    row = dict(zip(rows[0], rows[1], strict=True))
    column = {header.rsplit(" [", 1)[-1].rstrip("]"): value for header, value in row.items()}
    assert column["test_system"] == "Ja"  # booleans in the user's language
    assert column["server/cpu_cores"] == "8"
    assert column["it_contacts/email"] == samples.CONTACT["email"]
    # A field of a repeating group: one line per row, an empty line for a row without it.
    assert column["data_sources/system"] == "SAP S/4HANA\nDATEV"
    assert column["data_sources/vendor"] == "SAP\n"
    assert "," in column["client_os"]  # a checkbox list: its labels
    assert "windows_11" not in column["client_os"]
    # What the rules hide for on premises is not exported.
    assert column["cloud_bandwidth_mbit"] == ""

    client.post("/logout")
    world.backoffice.language = "en"
    session.commit()
    login(client, world.backoffice)
    rows = read_csv(export(client).data)
    assert rows[0][:5] == ["Short code", "Customer", "Status", "Version", "Submitted at"]
    assert rows[1][2] == "submitted"
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row[next(h for h in row if h.endswith("[test_system]"))] == "Yes"


def test_cells_that_start_like_a_formula_are_inert_in_both_formats(client, session, world):
    order = answered(session, world, "ACME").order
    order.customer_name = '=HYPERLINK("http://evil.example","x")'
    session.commit()
    evil = dict(samples.ON_PREMISES, remote_access_tool_other="@SUM(1+1)")
    evil["it_contacts"] = [dict(samples.CONTACT, role="+49 Leitung"), dict(samples.CONTACT)]
    answered(session, world, "BETA", data=evil)
    login(client, world.backoffice)

    rows = read_csv(export(client).data)
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert "'@SUM(1+1)" in cells
    assert any(cell.startswith("'+49 Leitung\n") for cell in cells)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]

    sheet = read_xlsx(export(client, "xlsx").data)
    assert not [c for row in sheet for c in row if c[0] == "f"]  # no formula anywhere
    texts = [text for row in sheet for kind, text in row if kind == "s"]
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    assert "'@SUM(1+1)" in texts
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    # Numbers stay numbers: the version column and the CPU cores.
    header = [text for _kind, text in sheet[0]]
    cores = header.index(next(h for h in header if h.endswith("[server/cpu_cores]")))
    assert sheet[1][3] == ("n", "2") and sheet[1][cores] == ("n", "8")


def test_a_renamed_key_keeps_its_column_and_the_version_says_which(client, session, world):
    answered(session, world, "ACME", data=dict(samples.ON_PREMISES, rpo_hours=24))
    publish_renamed(session, "rpo_hours", "max_data_loss_hours", "Datenverlust höchstens (h)")
    newer = dict(samples.ON_PREMISES, max_data_loss_hours=4)
    answered(session, world, "BETA", data=newer)
    login(client, world.backoffice)

    rows = read_csv(export(client).data)
    header = rows[0]
    assert [h for h in header if "rpo_hours" in h] == ["Datenverlust höchstens (h) [rpo_hours]"]
    assert not [h for h in header if "max_data_loss_hours" in h]
    at = header.index("Datenverlust höchstens (h) [rpo_hours]")
    assert [(row[0], row[3], row[at]) for row in rows[1:]] == [
        ("ACME", "2", "24"),
        ("BETA", "3", "4"),
    ]
    assert len(header) == len(set(header))


@pytest.mark.parametrize("who", ["partner", "backoffice"])
def test_the_dashboard_links_the_exports(client, world, who):
    login(client, world.users[who])
    page = client.get("/").get_data(as_text=True)
    assert "Antworten exportieren" in page
    for kind in ("technical", "business"):
        for ext in ("csv", "xlsx"):
            assert f'href="/exports/{kind}.{ext}"' in page
    mine = "die Ihre Organisation sehen darf" in page
    assert mine == (who == "partner")


def test_uploads_are_named_by_their_file_and_dates_stay_iso(client, session, world):
    order = answered(session, world, "ACME").order
    response = order.responses[0]
    upload = Upload(
        response_id=response.id,
        pointer="/network_diagram",
        filename="=netz plan.pdf",
        mimetype="application/pdf",
        size=4,
        sha256="0" * 64,
        content=b"%PDF",
        uploaded_by="Kunde",
    )
    session.add(upload)
    session.flush()
    response.data = {**response.data, "network_diagram": f"upload:{upload.id}"}
    session.commit()
    saved = drafts.save(
        session, order, "business", base_version=0, changes=samples.BUSINESS, author="K"
    )
    assert saved.saved, saved.errors
    login(client, world.backoffice)

    rows = read_csv(export(client).data)
    assert rows[1][_column(rows[0], "network_diagram")] == "'=netz plan.pdf"
    rows = read_csv(export(client, kind="business").data)
    assert rows[1][_column(rows[0], "go_live_date")] == samples.BUSINESS["go_live_date"]


def _column(header: list[str], identity: str) -> int:
    return next(i for i, name in enumerate(header) if name.endswith(f"[{identity}]"))

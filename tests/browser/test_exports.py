"""The export area of the dashboard in Chromium: a partner downloads both formats."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, format_violations, login
from tests.exports.support import answered, read_csv, read_xlsx

pytestmark = pytest.mark.browser


def test_a_partner_downloads_the_answers_of_their_customers(page, live_server, session, world):
    answered(session, world, "ACME")
    answered(session, world, "OTHR", partner=world.other_partner, submit=False)
    login(page, live_server, world.partner)
    area = page.get_by_role("region", name="Antworten exportieren")
    expect(area).to_be_visible()
    assert axe_violations(page) == [], format_violations(axe_violations(page))

    with page.expect_download() as xlsx:
        area.get_by_role("link", name="Excel (XLSX) – Technischer Fragebogen").click()
    assert xlsx.value.suggested_filename.startswith("antworten-technical-")
    sheet = read_xlsx(Path(xlsx.value.path()).read_bytes())
    assert [row[0][1] for row in sheet[1:]] == ["ACME"]

    with page.expect_download() as csv:
        area.get_by_role("link", name="CSV – Technischer Fragebogen").click()
    assert [row[0] for row in read_csv(Path(csv.value.path()).read_bytes())[1:]] == ["ACME"]

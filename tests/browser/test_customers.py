"""The customer pages in headless Chromium: no WCAG violations, and usable at 320 px."""

import pytest
from playwright.sync_api import expect

from portal.models import CustomerContact
from tests.browser.conftest import axe_violations, format_violations, login
from tests.helpers import accept, place

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["de", "en"])
def test_list_and_record_at_320_px_without_violations(page, live_server, session, world, lang):
    order = place(session, world, code="ACME")
    accept(session, world, order)
    session.add(
        CustomerContact(
            customer_id=order.customer_id,
            name="Max Mustermann",
            email="max.mustermann@acme-versicherungen.example",
            phone="+49 30 1234567",
        )
    )
    session.commit()
    world.backoffice.language = lang
    session.commit()
    login(page, live_server, world.backoffice)
    page.set_viewport_size({"width": 320, "height": 700})
    for path in ("/customers?q=muster", f"/customers/{order.customer_id}"):
        page.goto(f"{live_server}{path}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("main")).to_contain_text("ACME")
        # Wide tables scroll in their own box; the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        violations = axe_violations(page)
        assert not violations, f"{path} ({lang})\n{format_violations(violations)}"

"""The data flow diagram page in headless Chromium: the editor by keyboard, axe-core, real fonts."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.models import DataFlowDiagram, Response
from portal.services import diagrams
from tests.browser.conftest import axe_violations, format_violations, login
from tests.dfd.samples import sample
from tests.helpers import accept, place
from tests.samples import ON_PREMISES

pytestmark = pytest.mark.browser


def build(session, world, saved: bool = False) -> int:
    """An accepted order with the technical answers; with `saved`, the 12/15 diagram as version 1."""
    order = accept(session, world, place(session, world)).order
    session.add(
        Response(order_id=order.id, questionnaire="technical", schema_version=1, data=ON_PREMISES)
    )
    session.commit()
    if saved:
        diagrams.save(session, world.architect, order.id, *sample())
    return order.id


def switch_language(page, lang: str) -> None:
    """Choose the interface language with the header button, as a user would."""
    if page.locator("html").get_attribute("lang") != lang:
        with page.expect_navigation():
            page.locator(f"header button[name=lang][value={lang}]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def focused(page) -> str:
    """The focused element's id."""
    return page.evaluate("document.activeElement.id")


def at(page, element_id: str):
    """The element with this id (for expect(...).to_be_focused() and the like)."""
    return page.locator(f"#{element_id}")


def test_architect_edits_the_diagram_with_the_keyboard(
    page, live_server, session, world, console_errors
):
    order_id = build(session, world)
    login(page, live_server, world.architect)
    page.goto(f"{live_server}/orders/{order_id}/diagram")
    systems = page.locator('tbody[data-rows="system"] > tr')
    flows = page.locator('tbody[data-rows="flow"] > tr')
    expect(systems).to_have_count(5)  # prefilled from the answers
    expect(flows).to_have_count(4)
    keys = page.keyboard

    page.locator("#add-system").focus()
    keys.press("Enter")
    expect(systems).to_have_count(6)
    expect(at(page, "system-5-name")).to_be_focused()
    expect(systems.nth(5).locator("th")).to_have_text("6")
    keys.type("Power BI Service")
    keys.press("Tab")
    expect(at(page, "system-5-kind")).to_be_focused()
    keys.type("Externer")  # type-ahead in the closed select
    expect(at(page, "system-5-kind")).to_have_value("external")

    page.locator("#add-flow").focus()
    keys.press("Enter")
    expect(flows).to_have_count(5)
    expect(at(page, "flow-4-from")).to_be_focused()
    keys.type("CPCE")
    keys.press("Tab")
    expect(at(page, "flow-4-to")).to_be_focused()
    keys.type("Power")  # the new system is a choice already, without a round trip
    expect(page.locator("#flow-4-to option:checked")).to_have_text("Power BI Service")
    for field, text in (("content", "Berichtsdaten"), ("method", "REST"), ("frequency", "täglich")):
        keys.press("Tab")
        expect(at(page, f"flow-4-{field}")).to_be_focused()
        keys.type(text)
    expect(at(page, "flow-4-frequency")).to_have_value("täglich")

    # Remove the DATEV flow (row 2); the focus moves to the row that takes its place.
    remove = flows.nth(1).locator("button[data-remove]")
    expect(remove).to_contain_text("Datenfluss 2")
    remove.focus()
    keys.press("Enter")
    expect(flows).to_have_count(4)
    expect(at(page, "flow-2-from")).to_be_focused()
    expect(flows.nth(3).locator("th")).to_have_text("4")
    # Announced a moment later (a fresh text node): expect() waits for it.
    expect(page.locator("[data-status]")).to_have_text("Zeile entfernt.")

    page.locator("button.primary[value=save]").focus()
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("Version 1")
    svg = page.locator(".diagram-canvas svg")
    expect(svg.locator("g.systems")).to_contain_text("Power BI Service")
    expect(svg.locator("g.flow-labels")).to_contain_text("Berichtsdaten")
    # The page confirmed the save: the server had committed it before redirecting.
    session.expire_all()
    saved = session.scalar(select(DataFlowDiagram).where(DataFlowDiagram.order_id == order_id))
    assert [s["name"] for s in saved.systems][-1] == "Power BI Service"
    assert len(saved.flows) == 4 and saved.flows[-1]["content"] == "Berichtsdaten"
    assert not any(f["from"] == "s2" for f in saved.flows)  # DATEV's flow is gone
    assert console_errors == []


def test_the_editor_works_without_javascript(browser, live_server, session, world):
    order_id = build(session, world)
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        login(page, live_server, world.architect)
        page.goto(f"{live_server}/orders/{order_id}/diagram")
        page.locator("#system-0-name").fill("SAP S/4HANA Cloud")
        with page.expect_navigation():
            page.locator("#add-system").click()
        expect(at(page, "system-0-name")).to_have_value("SAP S/4HANA Cloud")
        # autofocus on the new row: Chromium applies it with a rendering update, after load
        expect(at(page, "system-5-name")).to_be_focused()
        page.keyboard.type("Data Warehouse")
        with page.expect_navigation():
            page.locator('button[value="remove-flow:1"]').click()
        expect(page.locator('tbody[data-rows="flow"] > tr')).to_have_count(3)
        expect(at(page, "add-flow")).to_be_focused()
        with page.expect_navigation():
            page.locator("#system-5-name").press("Enter")  # Enter saves
        expect(page.locator(".flash-success")).to_contain_text("Version 1")
        expect(page.locator(".diagram-canvas svg")).to_contain_text("Data Warehouse")
    finally:
        context.close()


def test_text_stays_inside_its_box_in_the_real_font(page, live_server, session, world):
    order_id = build(session, world, saved=True)
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order_id}/diagram")
    # Measured once the page's fonts are in: before that Chromium lays out with a fallback.
    outside = page.evaluate(
        """async () => {
          await document.fonts.ready;
          const problems = [];
          const within = (inner, outer) => inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5
            && inner.x + inner.width <= outer.x + outer.width + 0.5
            && inner.y + inner.height <= outer.y + outer.height + 0.5;
          for (const group of document.querySelectorAll("svg g.systems > g, svg g.flow-labels > g")) {
            const shape = group.querySelector("rect, path").getBBox();
            for (const text of group.querySelectorAll("text")) {
              if (!within(text.getBBox(), shape)) problems.push(text.textContent);
            }
          }
          const svg = document.querySelector(".diagram-canvas svg").viewBox.baseVal;
          for (const text of document.querySelectorAll(".diagram-canvas svg text")) {
            const box = text.getBBox();
            if (box.x < 0 || box.x + box.width > svg.width) problems.push(text.textContent);
          }
          return problems;
        }"""
    )
    assert outside == []
    width = page.locator(".diagram-canvas svg").bounding_box()["width"]
    assert width <= page.locator(".diagram-canvas").bounding_box()["width"]


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("who", ["architect", "partner"])
def test_axe_finds_no_violations_on_the_diagram_page(
    page, live_server, session, world, who, lang, console_errors
):
    order_id = build(session, world, saved=True)
    login(page, live_server, world.users[who])
    page.goto(f"{live_server}/orders/{order_id}/diagram")
    switch_language(page, lang)
    expect(page.locator(".diagram-canvas svg")).to_have_count(1)
    expect(page.locator("#diagram-editor")).to_have_count(1 if who == "architect" else 0)
    page.locator("details summary").click()  # the flows as a table, opened
    expect(page.locator("details")).to_have_attribute("open", "")
    violations = axe_violations(page)
    assert not violations, f"{who} ({lang})\n{format_violations(violations)}"
    assert console_errors == []
    if who == "architect":  # and the editor with a refused save
        page.locator("#system-0-name").fill("")
        with page.expect_navigation():
            page.locator("button.primary[value=save]").click()
        expect(page.locator(".error-summary")).to_have_count(1)
        violations = axe_violations(page)
        assert not violations, f"{who} ({lang}), errors\n{format_violations(violations)}"
    page.goto(f"{live_server}/orders/{order_id}")
    violations = axe_violations(page)
    assert not violations, f"order page, {who} ({lang})\n{format_violations(violations)}"
    # The refused save answers 400, which Chromium logs; nothing else may show.
    assert all("status of 400" in error for error in console_errors), console_errors

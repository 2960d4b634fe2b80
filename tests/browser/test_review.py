"""The review workspace in headless Chromium, as partner staff use it in the setup call.

Keyboard only (j/k between answers, radios, the final value, save), the filter, large type
for the projector, axe-core on the workspace (normal and large, German and English) and on
the diff page, and no console errors (the CSP refuses inline scripts).
"""

import re

import pytest
from playwright.sync_api import expect

from portal.services import drafts, responses, review
from tests import samples
from tests.browser.conftest import axe_violations, format_violations, login
from tests.browser.test_questionnaire import unexpected
from tests.browser.test_staff_pages import switch_language
from tests.helpers import accept, place

pytestmark = pytest.mark.browser

TECH = "technical"


def submitted_order(session, world):
    """An accepted on-premises order with the technical questionnaire submitted."""
    order = accept(session, world, place(session, world, deployment="on_premises")).order
    result = drafts.save(
        session, order, TECH, base_version=0, changes=samples.ON_PREMISES, author="Kunde"
    )
    assert result.saved, result.errors
    assert responses.submit(session, order, TECH, author="Kunde") == []
    return order


def number_of(session, world, order, pointer: str) -> int:
    rows = review.workspace(session, world.partner, order.id, TECH).rows
    return next(r.number for r in rows if r.pointer == pointer)


def assert_accessible(page, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where} at {page.url}\n{format_violations(violations)}"


def test_a_partner_reviews_with_the_keyboard(page, live_server, session, world, console_errors):
    order = submitted_order(session, world)
    ram = number_of(session, world, order, "/server/ram_gb")
    login(page, live_server, world.partner)
    workspace = f"{live_server}/orders/{order.id}/review/{TECH}"
    page.goto(workspace)
    keys = page.keyboard

    # j and k move focus from answer to answer.
    keys.press("j")
    expect(page.locator("article#a-1")).to_be_focused()
    keys.press("j")
    expect(page.locator("article#a-2")).to_be_focused()
    keys.press("k")
    expect(page.locator("article#a-1")).to_be_focused()
    for _ in range(ram - 1):
        keys.press("j")
    expect(page.locator(f"article#a-{ram}")).to_be_focused()
    expect(page.locator(f"#a-{ram}")).to_be_in_viewport()

    # Into the answer: status "changed", a new value, a comment, save: all by keyboard.
    keys.press("Tab")
    expect(page.locator(f"input#s-{ram}-accepted")).to_be_focused()
    keys.press("ArrowDown")
    expect(page.locator(f"input#s-{ram}-changed")).to_be_focused()
    expect(page.locator(f"#s-{ram}-changed")).to_be_checked()
    keys.press("Tab")
    field = page.locator(f"input#f-{ram}")
    expect(field).to_be_focused()
    keys.press("j")  # typing: the letter goes into the field, focus stays
    expect(field).to_have_value(re.compile("j$"))
    expect(field).to_be_focused()
    keys.press("Control+A")
    keys.type("64")
    expect(field).to_have_value("64")
    keys.press("Tab")
    expect(page.locator(f"textarea#c-{ram}")).to_be_focused()
    keys.type("Mehr RAM für den Test")
    keys.press("Tab")
    expect(page.locator(f"#a-{ram} button.button.primary")).to_be_focused()
    keys.press("Enter")  # saved without a reload: focus stays on the button
    article = page.locator(f"#a-{ram}")
    expect(page.locator(f"#live-{ram}")).to_have_text(f"Antwort {ram} gespeichert.")
    expect(page.locator(f"#a-{ram} button.button.primary")).to_be_focused()
    expect(article.locator(".review-badge")).to_have_text("im Call geändert")
    expect(page).to_have_url(re.compile(rf"/review/{TECH}#a-{ram}$"))
    expect(article.locator(f"#f-{ram}")).to_have_value("64")
    keys.press("j")
    expect(page.locator(f"article#a-{ram + 1}")).to_be_focused()

    # The buttons do the same as the keys.
    page.locator(f"#a-{ram + 1}").get_by_role("link", name="Vorherige Antwort").click()
    expect(article).to_be_focused()
    expect(page).to_have_url(re.compile(rf"#a-{ram}$"))

    # "Changed only" shows just this answer, with both values.
    with page.expect_navigation():
        page.get_by_role("link", name="Nur geänderte").click()
    expect(page.locator("article.answer")).to_have_count(1)
    values = article.locator("dl.answer-values")
    expect(values).to_contain_text("32")
    expect(values).to_contain_text("64")
    expect(page.locator("label[for=review-progress]")).to_contain_text("1 von")

    # Large type for the projector: everything grows, and it is remembered.
    normal = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    with page.expect_navigation():
        page.get_by_role("link", name="Große Schrift").click()
    expect(page.locator("div.review.large-type")).to_have_count(1)
    large = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large > normal * 1.3
    page.goto(workspace)
    expect(page.locator("div.review.large-type")).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("link", name="Normale Schrift").click()
    expect(page.locator("div.review.large-type")).to_have_count(0)
    assert console_errors == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_violations_on_the_review_pages(
    page, live_server, session, world, console_errors, lang
):
    order = submitted_order(session, world)
    review.save_review(
        session, world.partner, order.id, TECH, "/server/ram_gb",
        status="changed", final="64", comment="Mehr RAM", version=0,
    )  # fmt: skip
    review.save_review(
        session, world.partner, order.id, TECH, "/named_users",
        status="open", final="25", comment="Lizenzen klären", version=0,
    )  # fmt: skip
    login(page, live_server, world.partner)
    workspace = f"{live_server}/orders/{order.id}/review/{TECH}"
    page.goto(workspace)
    switch_language(page, lang)
    assert_accessible(page, f"workspace ({lang})")
    page.goto(f"{workspace}?large=1")
    expect(page.locator("div.review.large-type")).to_have_count(1)
    assert_accessible(page, f"workspace, large type ({lang})")
    page.goto(f"{workspace}?large=0&filter=changed")
    assert_accessible(page, f"workspace, changed only ({lang})")

    # A refused save: the message in the answer's live region, the field marked.
    ram = number_of(session, world, order, "/server/ram_gb")
    page.goto(f"{workspace}#a-{ram}")
    page.locator(f"#f-{ram}").fill("viele")
    page.locator(f"#a-{ram} button.primary").click()
    expect(page.locator(f"#live-{ram}")).to_have_class(re.compile("is-error"))
    expect(page.locator(f"#f-{ram}")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"workspace with a refused save ({lang})")

    page.goto(f"{workspace}/diff")
    expect(page.locator("table.diff tbody tr")).to_have_count(1)
    assert_accessible(page, f"diff preview ({lang})")
    page.goto(f"{live_server}/orders/{order.id}")
    assert_accessible(page, f"order page with the review section ({lang})")

    # Finalised: the workspace is read-only, the diff shows the frozen snapshot.
    for row in review.workspace(session, world.partner, order.id, TECH).rows:
        if row.status is None:
            review.save_review(
                session, world.partner, order.id, TECH, row.pointer,
                status="accepted", final="", comment="", version=row.version,
            )  # fmt: skip
    snap = review.finalise(session, world.partner, order.id, TECH, confirmed=["/named_users"])
    page.goto(workspace)
    expect(page.locator("main form.answer-form")).to_have_count(0)
    assert_accessible(page, f"finalised workspace ({lang})")
    page.goto(f"{workspace}/diff")
    expect(page.locator("main code")).to_have_text(snap.content_hash)
    assert_accessible(page, f"finalised diff ({lang})")
    assert unexpected(console_errors, (400, f"/review/{TECH}/answer")) == []

"""The review in a 60-minute call, in headless Chromium: keys only, inline saves without a
reload, bulk accept, the finalise confirmation, and two reviewers at once in two browsers."""

import re

import pytest
from playwright.sync_api import expect

from portal.models import Role
from portal.services import review
from tests.browser.conftest import TIMEOUT_MS, eventually, login
from tests.browser.test_review import TECH, number_of, submitted_order
from tests.conftest import add_user

pytestmark = pytest.mark.browser


def reviewed(session, world, order, pointer):
    session.expire_all()
    rows = review.workspace(session, world.partner, order.id, TECH).rows
    return next(r for r in rows if r.pointer == pointer)


def mark_page(page) -> None:
    """A marker a reload would lose."""
    page.evaluate("window.__noReload = true")


def not_reloaded(page) -> bool:
    return page.evaluate("window.__noReload === true")


def test_keys_alone_review_answers_without_a_reload(
    page, live_server, session, world, console_errors
):
    order = submitted_order(session, world)
    port = number_of(session, world, order, "/sql_port")
    ram = number_of(session, world, order, "/server/ram_gb")
    users = number_of(session, world, order, "/named_users")
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order.id}/review/{TECH}")
    expect(page.get_by_text("Tastenkürzel")).to_be_visible()
    mark_page(page)
    keys = page.keyboard

    def to_answer(number):
        keys.press("j")
        for _ in range(200):
            focused = page.evaluate("document.activeElement.id")
            if focused == f"a-{number}":
                return
            keys.press("j" if int(focused.removeprefix("a-")) < number else "k")
        raise AssertionError(f"answer {number} not reached")

    # "a" accepts and saves; a value typed before stays the customer's.
    page.locator(f"#f-{port}").fill("1434")
    keys.press("Shift+Tab")  # out of the field, onto the status
    to_answer(port)
    scrolled = page.evaluate("window.scrollY")
    keys.press("a")
    expect(page.locator(f"#live-{port}")).to_have_text(f"Antwort {port} gespeichert.")
    expect(page.locator(f"#a-{port} .review-badge")).to_have_text("übernommen")
    expect(page.locator(f"article#a-{port}")).to_be_focused()
    expect(page.locator(f"#f-{port}")).to_have_value("1433")
    assert abs(page.evaluate("window.scrollY") - scrolled) < 5  # the page did not jump

    # "c" marks "changed" and moves into the final value; letters are typed there.
    to_answer(ram)
    keys.press("c")
    field = page.locator(f"#f-{ram}")
    expect(field).to_be_focused()
    expect(page.locator(f"#s-{ram}-changed")).to_be_checked()
    keys.type("64")  # the old value was selected: it is replaced
    expect(field).to_have_value("64")
    keys.press("Control+Enter")
    expect(page.locator(f"#live-{ram}")).to_have_text(f"Antwort {ram} gespeichert.")
    expect(field).to_be_focused()  # focus stays in the field
    expect(page.locator(f"#a-{ram} .review-badge")).to_have_text("im Call geändert")

    # Out of the field (Shift+Tab to the status), on to "o": an open question with a comment.
    keys.press("Shift+Tab")
    expect(page.locator(f"#s-{ram}-changed")).to_be_focused()
    to_answer(users)
    keys.press("o")
    comment = page.locator(f"#c-{users}")
    expect(comment).to_be_focused()
    keys.type("Lizenzen ojak klären")  # o, j, a, k typed, not shortcuts
    expect(comment).to_have_value("Lizenzen ojak klären")
    keys.press("Control+Enter")
    expect(page.locator(f"#live-{users}")).to_have_text(f"Antwort {users} gespeichert.")
    expect(page.locator(f"#a-{users} .review-badge")).to_have_text("offene Frage")
    expect(page.locator("label[for=review-progress]")).to_contain_text("3 von")

    assert not_reloaded(page)
    assert reviewed(session, world, order, "/sql_port").status == "accepted"
    assert reviewed(session, world, order, "/server/ram_gb").final == 64
    open_row = reviewed(session, world, order, "/named_users")
    assert (open_row.status, open_row.comment) == ("open", "Lizenzen ojak klären")
    assert console_errors == []


def test_bulk_accept_of_a_section_and_the_finalise_confirmation(
    page, live_server, session, world, console_errors
):
    order = submitted_order(session, world)
    review.save_review(
        session, world.partner, order.id, TECH, "/named_users",
        status="open", final="25", comment="Lizenzen klären", version=0,
    )  # fmt: skip
    login(page, live_server, world.partner)
    page.goto(f"{live_server}/orders/{order.id}/review/{TECH}")
    mark_page(page)
    rows = review.workspace(session, world.partner, order.id, TECH).rows
    sections = page.locator(".review-page-head form.bulk-accept")
    first = sections.first
    in_first = [r for r in rows if r.page == rows[0].page and r.status is None]
    first.get_by_role("button").click()
    expect(first.locator(".save-state")).to_have_text(f"{len(in_first)} übernommen.")
    for row in in_first:
        expect(page.locator(f"#a-{row.number} .review-badge")).to_have_text("übernommen")
    expect(first.get_by_role("button")).to_be_hidden()
    # The view's action now takes only the rest.
    rest = len([r for r in rows if r.status is None]) - len(in_first)
    everything = page.locator(".review-tools form.bulk-accept")
    expect(everything.get_by_role("button")).to_contain_text(f"{rest} Antworten ohne Status")
    everything.get_by_role("button").click()
    expect(everything.locator(".save-state")).to_have_text(f"{rest} übernommen.")
    expect(page.locator("label[for=review-progress]")).to_contain_text(
        f"{len(rows)} von {len(rows)}"
    )
    assert not_reloaded(page)

    # Finalising with the open question asks first, listing it with a link to the answer.
    with page.expect_navigation():
        page.get_by_role("button", name="Fragebogen abschließen").click()
    expect(page.get_by_role("heading", name="1 offene Frage")).to_be_visible()
    users = number_of(session, world, order, "/named_users")
    link = page.locator(f"a[href$='#a-{users}']")
    expect(link).to_be_visible()
    expect(page.locator(".confirm-list")).to_contain_text("Lizenzen klären")
    assert not review.finalised(session, order, TECH)
    with page.expect_navigation():
        page.get_by_role("button", name="Trotz offener Fragen abschließen").click()
    expect(page).to_have_url(re.compile(r"/diff$"))
    expect(page.locator(".flash-success")).to_contain_text("abgeschlossen und eingefroren")
    assert review.finalised(session, order, TECH)
    assert console_errors == []


def test_two_reviewers_at_once_in_two_browsers(
    browser, page, live_server, session, world, console_errors
):
    order = submitted_order(session, world)
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    port = number_of(session, world, order, "/sql_port")
    ram = number_of(session, world, order, "/server/ram_gb")
    users = number_of(session, world, order, "/named_users")
    workspace = f"{live_server}/orders/{order.id}/review/{TECH}"
    other = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    other.set_default_timeout(TIMEOUT_MS)
    try:
        anna, bobs = page, other.new_page()
        login(anna, live_server, world.partner)
        login(bobs, live_server, bob)
        anna.goto(workspace)
        bobs.goto(workspace)
        mark_page(anna)
        mark_page(bobs)

        # Different answers: both saves persist.
        anna.locator(f"#s-{port}-accepted").check()
        anna.locator(f"#a-{port} button.primary").click()
        bobs.locator(f"#s-{users}-open").check()
        bobs.locator(f"#c-{users}").fill("Lizenzen klären")
        bobs.locator(f"#a-{users} button.primary").click()
        expect(anna.locator(f"#live-{port}")).to_have_text(f"Antwort {port} gespeichert.")
        expect(bobs.locator(f"#live-{users}")).to_have_text(f"Antwort {users} gespeichert.")
        eventually(
            lambda: (
                reviewed(session, world, order, "/sql_port").status == "accepted"
                and reviewed(session, world, order, "/named_users").status == "open"
            ),
            "both saves stored",
        )

        # The same answer: Anna first, then Bob sees the conflict with her value.
        anna.locator(f"#s-{ram}-changed").check()
        anna.locator(f"#f-{ram}").fill("64")
        anna.locator(f"#a-{ram} button.primary").click()
        expect(anna.locator(f"#live-{ram}")).to_have_text(f"Antwort {ram} gespeichert.")
        bobs.locator(f"#s-{ram}-changed").check()
        bobs.locator(f"#f-{ram}").fill("16")
        bobs.locator(f"#a-{ram} button.primary").click()
        conflict = bobs.locator(f"#live-{ram}")
        expect(conflict).to_have_class(re.compile("is-conflict"))
        expect(conflict).to_contain_text(world.partner.name)
        expect(conflict).to_contain_text("„64“")
        expect(bobs.locator(f"#f-{ram}")).to_have_value("16")  # his input is not lost
        expect(bobs.locator(f"#a-{ram} dl.answer-values")).to_contain_text("64")
        assert reviewed(session, world, order, "/server/ram_gb").final == 64

        # Saving again, knowingly, overwrites; Anna's next save of it is a conflict in turn.
        bobs.locator(f"#a-{ram} button.primary").click()
        expect(conflict).to_have_text(f"Antwort {ram} gespeichert.")
        assert reviewed(session, world, order, "/server/ram_gb").final == 16
        anna.locator(f"#c-{ram}").fill("Anna")
        anna.locator(f"#a-{ram} button.primary").click()
        expect(anna.locator(f"#live-{ram}")).to_contain_text("Bob Berger")
        assert reviewed(session, world, order, "/server/ram_gb").comment == ""
        assert not_reloaded(anna) and not_reloaded(bobs)
    finally:
        other.close()
    assert [e for e in console_errors if "409" not in e] == []

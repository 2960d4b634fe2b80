"""Several customers on one questionnaire at once, each in their own browser, pages left open.

No page is reloaded between saves: each page sends only what its person changed and follows
what the others saved. Asserted: no answer lost, no conflict where nobody shared a question,
and every true conflict shown to decide.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_questionnaire import (
    enter,
    order_with_links,
    page_url,
    seed,
    stored,
    wait_until,
)

pytestmark = pytest.mark.browser

SAVED = re.compile("Zuletzt gespeichert")
ALL_SAVED = "Alle Antworten sind gespeichert."


def people(open_context, live_server, token, names, page_key, kind="technical"):
    """One browser context per person, all on the same questionnaire page."""
    pages = []
    for name in names:
        page = open_context()
        enter(page, live_server, token, name=name)
        page.goto(page_url(live_server, kind, page_key))
        page.evaluate("window.notReloaded = true")
        pages.append(page)
    return pages


def save(page):
    """Press the page's save button and wait until it says everything is saved."""
    page.locator("button.button[value=save]").click()
    expect(page.locator("#save-status")).to_have_text(ALL_SAVED)


def test_three_people_on_their_own_questions_lose_nothing_and_see_each_other(
    live_server, session, world, open_context, console_errors
):
    order, tokens = order_with_links(session, world)
    anna, bert, cleo = people(
        open_context, live_server, tokens["technical"], ["Anna", "Bert", "Cleo"], "workstations"
    )
    fields = {anna: "#named_users", bert: "#concurrent_users", cleo: "#service_account_policy"}
    for round_ in range(1, 4):
        for page, selector in fields.items():
            page.locator(selector).fill(f"{round_}{round_}")
            page.locator(selector).press("Tab")  # leaving the field saves it
        for page in fields:
            expect(page.locator("#save-status")).to_contain_text(SAVED)
            expect(page.locator("section.conflicts")).to_have_count(0)
        wait_until(
            anna,
            lambda round_=round_: (
                stored(session, order).data.get("service_account_policy") == f"{round_}{round_}"
            ),
            f"round {round_}",
        )
        data = stored(session, order).data
        expected = f"{round_}{round_}"
        assert (data["named_users"], data["concurrent_users"]) == (int(expected), int(expected))
    # Each page shows the others' answers once it has saved after them.
    anna.locator("#client_os-0").check()
    save(anna)
    expect(anna.locator("#concurrent_users")).to_have_value("33")
    expect(anna.locator("#service_account_policy")).to_have_value("33")
    for page in fields:
        assert page.evaluate("window.notReloaded") is True
        expect(page.locator("section.conflicts")).to_have_count(0)
    assert console_errors == []


def test_rows_are_added_edited_and_removed_side_by_side(
    live_server, session, world, open_context, console_errors
):
    order, tokens = order_with_links(session, world)
    contact = {"role": "IT", "phone": "+49 351 1", "joins_setup_call": False}
    seed(
        session,
        order,
        "technical",
        {
            "it_contacts": [
                {"name": "Ada", "email": "ada@example.com", **contact},
                {"name": "Bob", "email": "bob@example.com", **contact},
            ]
        },
    )
    anna, bert = people(
        open_context, live_server, tokens["technical"], ["Anna", "Bert"], "contacts"
    )
    # Anna edits Ada; Bert adds a row for Cy and edits Bob: nobody shares a question.
    anna.locator("#it_contacts-0-name").fill("Ada Lovelace")
    save(anna)
    bert.get_by_role("button", name="+ Ansprechpartner hinzufügen").click()
    bert.locator("#it_contacts-2-name").fill("Cy")
    bert.locator("#it_contacts-2-email").fill("cy@example.com")
    bert.locator("#it_contacts-1-email").fill("bob@corp.example")
    save(bert)
    rows = stored(session, order).data["it_contacts"]
    assert [(r["name"], r["email"]) for r in rows] == [
        ("Ada Lovelace", "ada@example.com"),
        ("Bob", "bob@corp.example"),
        ("Cy", "cy@example.com"),
    ]
    # Bert's page took Anna's answer; Anna's page gets Cy's row with her next save.
    expect(bert.locator("#it_contacts-0-name")).to_have_value("Ada Lovelace")
    anna.locator("#it_contacts-0-role").fill("IT-Leitung")
    save(anna)
    expect(anna.locator("[data-row]")).to_have_count(3)
    expect(anna.locator("#it_contacts-2-name")).to_have_value("Cy")
    expect(anna.locator("#it_contacts-1-email")).to_have_value("bob@corp.example")

    # Anna removes Cy's row; Bert, whose page still shows it, edits it: a true conflict.
    anna.locator("[data-row]").nth(2).get_by_role("button", name=re.compile("Entfernen")).click()
    save(anna)
    assert [r["name"] for r in stored(session, order).data["it_contacts"]] == [
        "Ada Lovelace",
        "Bob",
    ]
    bert.locator("#it_contacts-2-role").fill("Netzwerk")
    bert.locator("#it_contacts-2-role").press("Tab")
    panel = bert.locator("section.conflicts")
    expect(panel).to_be_focused()
    expect(panel.get_by_role("radio", name=re.compile("Anna hat ihn entfernt"))).to_be_checked()
    # Bert keeps his row: it is saved again with everything he sees in it.
    panel.get_by_role("radio", name=re.compile("Eintrag behalten")).check()
    panel.get_by_role("button").click()
    expect(panel).to_have_count(0)
    wait_until(
        bert,
        lambda: len(stored(session, order).data["it_contacts"]) == 3,
        "Cy's row kept by Bert",
    )
    cy = stored(session, order).data["it_contacts"][2]
    assert (cy["name"], cy["email"], cy["role"]) == ("Cy", "cy@example.com", "Netzwerk")

    # Bert changes Bob's row; Anna, not yet aware, removes it: shown to Anna to decide.
    bert.locator("#it_contacts-1-phone").fill("+49 351 2")
    save(bert)
    anna.locator("[data-row]").nth(1).get_by_role("button", name=re.compile("Entfernen")).click()
    anna.locator("button.button[value=save]").click()
    panel = anna.locator("section.conflicts")
    expect(panel).to_be_focused()
    expect(panel).to_contain_text("Bert")
    expect(panel.get_by_role("radio", name=re.compile("Eintrag behalten"))).to_be_checked()
    panel.get_by_role("button").click()  # keep Bob as Bert changed him
    expect(anna.locator("#it_contacts-1-phone")).to_have_value("+49 351 2")
    expect(anna.locator("[data-row]")).to_have_count(3)
    names = [r["name"] for r in stored(session, order).data["it_contacts"]]
    assert names == ["Ada Lovelace", "Bob", "Cy"]
    for page in (anna, bert):
        assert page.evaluate("window.notReloaded") is True
    assert console_errors == []


def test_a_repeating_group_shown_again_shows_its_row_inputs_at_once(
    live_server, session, world, open_context, console_errors
):
    order, tokens = order_with_links(session, world, deployment="cp_cloud")
    (page,) = people(open_context, live_server, tokens["technical"], ["Anna"], "environment")
    fixed = page.locator("[data-pointer='/cloud_fixed_ips']")
    allow_list = page.locator("[data-pointer='/cloud_ip_allow_list']")
    fixed.get_by_label("Ja").check()
    expect(allow_list).to_be_visible()
    allow_list.get_by_label("IP-Adresse oder Bereich").fill("193.99.144.80")
    save(page)
    fixed.get_by_label("Nein").check()
    expect(allow_list).to_be_hidden()
    expect(page.locator("#save-status")).to_contain_text(SAVED)
    assert "cloud_ip_allow_list" not in stored(session, order).data
    fixed.get_by_label("Ja").check()
    expect(allow_list).to_be_visible()
    # The row is there with its question, ready to type into (not only its remove button).
    address = allow_list.get_by_label("IP-Adresse oder Bereich")
    expect(address).to_have_count(1)
    expect(address).to_be_visible()
    address.fill("193.99.144.64/28")
    save(page)
    assert stored(session, order).data["cloud_ip_allow_list"] == [{"address": "193.99.144.64/28"}]
    assert page.evaluate("window.notReloaded") is True
    assert console_errors == []


def test_a_second_conflict_joins_the_first_still_to_decide(
    live_server, session, world, open_context, console_errors
):
    order, tokens = order_with_links(session, world)
    anna, bert = people(
        open_context, live_server, tokens["technical"], ["Anna", "Bert"], "workstations"
    )
    anna.locator("#named_users").fill("25")
    anna.locator("#concurrent_users").fill("5")
    save(anna)
    bert.locator("#named_users").fill("40")
    bert.locator("#named_users").press("Tab")
    panel = bert.locator("section.conflicts")
    expect(panel.locator("fieldset")).to_have_count(1)
    panel.get_by_role("radio", name=re.compile("Ihre Antwort")).check()  # chosen, not yet applied
    bert.locator("#concurrent_users").fill("8")
    bert.locator("#concurrent_users").press("Tab")
    expect(panel.locator("fieldset")).to_have_count(2)
    expect(
        panel.locator("fieldset").first.get_by_role("radio", name=re.compile("40"))
    ).to_be_checked()
    panel.locator("fieldset").nth(1).get_by_role("radio", name=re.compile("Anna")).check()
    panel.get_by_role("button").click()
    expect(panel).to_have_count(0)
    wait_until(bert, lambda: stored(session, order).data["named_users"] == 40, "Bert's 40")
    data = stored(session, order).data
    assert (data["named_users"], data["concurrent_users"]) == (40, 5)
    expect(bert.locator("#concurrent_users")).to_have_value("5")
    assert console_errors == []

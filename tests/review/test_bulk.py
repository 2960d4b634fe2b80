"""Bulk accept in the call: every untouched answer in view becomes "übernommen" in one action;
what another reviewer saved meanwhile is skipped and reported, never overwritten."""

import pytest

from portal.models import Role
from portal.services import review
from portal.services.errors import Conflict, Forbidden, NotFound
from tests.conftest import add_user, login
from tests.review.support import TECH, accept_all, events, row_at, rows_of, save, url


def seen_of(rows):
    return {r.pointer: r.version for r in rows}


def test_bulk_accept_marks_every_untouched_answer_and_leaves_the_others(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64", comment="Mehr RAM")
    save(session, world, order, "/named_users", "open", final="25", comment="klären")
    shown = rows_of(session, world, order)  # the page as drawn, statuses included
    result = review.accept_unchanged(session, world.partner, order.id, TECH, seen_of(shown))
    assert len(result.accepted) == len(shown) - 2 and result.skipped == []
    after = {r.pointer: r for r in rows_of(session, world, order)}
    assert all(r.status is not None for r in after.values())
    assert after["/server/ram_gb"].status == "changed" and after["/server/ram_gb"].final == 64
    assert after["/named_users"].status == "open" and after["/named_users"].comment == "klären"
    assert after["/sql_port"].status == "accepted" and after["/sql_port"].final == 1433
    [logged] = events(session, "review.bulk_accept")
    assert logged.payload["count"] == len(shown) - 2 and logged.payload["skipped"] == 0
    assert logged.actor_id == world.partner.id


def test_a_section_takes_only_its_own_answers(session, world, order):
    rows = rows_of(session, world, order)
    page = rows[0].page
    section = [r for r in rows if r.page == page]
    result = review.accept_unchanged(session, world.partner, order.id, TECH, seen_of(section))
    assert set(result.accepted) == {r.pointer for r in section}
    others = [r for r in rows_of(session, world, order) if r.page != page]
    assert others and all(r.status is None for r in others)


def test_an_answer_another_reviewer_saved_meanwhile_is_skipped_and_reported(session, world, order):
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    shown = rows_of(session, world, order)  # Anna's page
    save(session, world, order, "/server/ram_gb", "changed", final="64", comment="Bob", user=bob)
    result = review.accept_unchanged(session, world.partner, order.id, TECH, seen_of(shown))
    assert result.skipped == ["/server/ram_gb"]
    assert len(result.accepted) == len(shown) - 1
    ram = row_at(session, world, order, "/server/ram_gb")
    assert (ram.status, ram.final, ram.comment, ram.updated_by) == (
        "changed",
        64,
        "Bob",
        "Bob Berger",
    )
    [logged] = events(session, "review.bulk_accept")
    assert logged.payload["skipped"] == 1


def test_my_own_save_since_the_page_was_drawn_is_not_reported_as_someone_elses(
    session, world, order
):
    shown = rows_of(session, world, order)
    save(session, world, order, "/server/ram_gb", "open", comment="klären")
    result = review.accept_unchanged(session, world.partner, order.id, TECH, seen_of(shown))
    assert result.skipped == [] and "/server/ram_gb" not in result.accepted
    assert row_at(session, world, order, "/server/ram_gb").status == "open"


def test_bulk_accept_is_partner_staff_work_and_stops_at_the_freeze(session, world, order):
    seen = seen_of(rows_of(session, world, order))
    with pytest.raises(Forbidden):
        review.accept_unchanged(session, world.lead, order.id, TECH, seen)
    with pytest.raises(NotFound):
        review.accept_unchanged(session, world.other_partner, order.id, TECH, seen)
    accept_all(session, world, order)
    review.finalise(session, world.partner, order.id, TECH)
    with pytest.raises(Conflict, match="abgeschlossen"):
        review.accept_unchanged(session, world.partner, order.id, TECH, seen)
    assert events(session, "review.bulk_accept") == []


def bulk_form(rows, **extra):
    return {"pointer": [r.pointer for r in rows], "version": [r.version for r in rows], **extra}


def test_bulk_accept_over_http_without_javascript(client, session, world, order):
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    login(client, world.partner)
    shown = rows_of(session, world, order)
    save(session, world, order, "/server/ram_gb", "changed", final="64", user=bob)
    answer = client.post(url(order, "/accept-unchanged"), data=bulk_form(shown, anchor="a-3"))
    assert answer.status_code == 303 and answer.location.endswith(f"/review/{TECH}#a-3")
    page = client.get(answer.location).get_data(as_text=True)
    assert f"{len(shown) - 1} übernommen, 1 inzwischen von jemand anderem bearbeitet." in page
    # Without the CSRF token nothing happens.
    client.application.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(url(order, "/accept-unchanged"), data=bulk_form(shown))
        assert refused.status_code == 400
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = False


def test_bulk_accept_answers_json_with_the_rows_it_changed(client, session, world, order):
    login(client, world.partner)
    shown = rows_of(session, world, order)[:3]
    answer = client.post(
        url(order, "/accept-unchanged"),
        data=bulk_form(shown),
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["ok"] and body["message"] == "3 übernommen."
    assert [r["number"] for r in body["rows"]] == [r.number for r in shown]
    assert all(r["status"] == "accepted" and r["version"] == 1 for r in body["rows"])
    assert "übernommen" in body["rows"][0]["badge_html"]
    assert body["progress"]["label"].startswith("3 von ")

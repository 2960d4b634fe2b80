"""The review workspace: every visible answer row by row, who may read it, filters and progress."""

import pytest

from portal.services import drafts, review
from portal.services.errors import Conflict, NotFound
from tests import samples
from tests.helpers import accept, place
from tests.review.support import TECH, fill_and_submit, rows_of, save


def test_workspace_lists_every_visible_answer_with_repeating_groups_row_by_row(
    session, world, order
):
    rows = rows_of(session, world, order)
    by_pointer = {r.pointer: r for r in rows}
    # Groups are opened up, repeating groups reviewed row by row with concrete indices.
    assert by_pointer["/server/ram_gb"].original == 32
    assert by_pointer["/data_sources/0/system"].original == "SAP S/4HANA"
    assert by_pointer["/data_sources/1/system"].original == "DATEV"
    assert by_pointer["/it_contacts/0/email"].original == "anna.muster@example.de"
    assert by_pointer["/data_sources/1/system"].label == "Datenquellen › System (2)"
    # Visible but unanswered questions are there too, with no answer.
    assert by_pointer["/service_account_policy"].original is None
    # Hidden by the order's facts (cloud questions on premises) or by an answer (a file
    # format for an ODBC source), and containers themselves: not listed.
    assert not [p for p in by_pointer if p.startswith("/cloud_")]
    assert "/data_sources/1/file_format" not in by_pointer
    assert "/data_sources/0/file_format" in by_pointer
    assert "/server" not in by_pointer and "/data_sources" not in by_pointer
    # Before any review: final = original, no status, version 0, numbered from 1.
    first = rows[0]
    assert first.number == 1 and first.final == first.original
    assert first.status is None and first.version == 0 and first.comment == ""
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    page = review.workspace(session, world.partner, order.id, TECH)
    assert page.total == len(rows) and page.done == 0 and page.progress == 0
    assert page.may_edit


def test_cloud_orders_review_the_cloud_questions_and_their_rows(session, world):
    cloud = accept(session, world, place(session, world, code="CLD", deployment="cp_cloud")).order
    fill_and_submit(session, cloud, data=samples.CP_CLOUD)
    pointers = [r.pointer for r in rows_of(session, world, cloud)]
    assert "/cloud_ip_allow_list/1/address" in pointers
    assert "/cloud_ip_allow_list/1/description" in pointers
    assert not [p for p in pointers if p.startswith("/server/")]


def test_the_business_questionnaire_is_reviewed_too(session, world, order):
    fill_and_submit(session, order, "business", samples.BUSINESS)
    rows = review.workspace(session, world.partner, order.id, "business").rows
    assert any(r.pointer == "/legal_entities/1/ownership_share" for r in rows)


def test_nothing_to_review_before_the_customer_submits(session, world):
    placed = accept(session, world, place(session, world, code="NEW")).order
    with pytest.raises(Conflict, match="noch nicht abgeschickt"):
        review.workspace(session, world.partner, placed.id, TECH)
    drafts.save(session, placed, TECH, base_version=0, changes={"named_users": 3}, author="Kunde")
    with pytest.raises(Conflict, match="noch nicht abgeschickt"):
        review.save_review(
            session, world.partner, placed.id, TECH, "/named_users",
            status="accepted", final="", comment="", version=0,
        )  # fmt: skip
    with pytest.raises(Conflict):
        review.finalise(session, world.partner, placed.id, TECH)
    with pytest.raises(NotFound):
        review.workspace(session, world.partner, placed.id, "unknown")


def test_everyone_who_sees_the_order_may_read_the_workspace(session, world, order):
    for user in (world.lead, world.architect, world.technician, world.backoffice, world.admin):
        page = review.workspace(session, user, order.id, TECH)
        assert page.total and not page.may_edit
    with pytest.raises(NotFound):
        review.workspace(session, world.other_partner, order.id, TECH)


def test_filters_show_open_or_changed_answers_and_progress_counts_all(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    save(session, world, order, "/named_users", "open")
    save(session, world, order, "/sql_port", "accepted")
    changed = review.workspace(session, world.partner, order.id, TECH, filter="changed")
    assert [r.pointer for r in changed.rows] == ["/server/ram_gb"]
    opened = review.workspace(session, world.partner, order.id, TECH, filter="open")
    pointers = {r.pointer for r in opened.rows}
    assert "/named_users" in pointers  # an open question
    assert "/rpo_hours" in pointers  # no status yet
    assert "/server/ram_gb" not in pointers and "/sql_port" not in pointers
    for page in (changed, opened):
        assert page.done == 3 and page.progress == pytest.approx(3 / page.total)
    everything = review.workspace(session, world.partner, order.id, TECH, filter="bogus")
    assert everything.filter is None and len(everything.rows) == everything.total

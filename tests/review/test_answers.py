"""Saving one answer's review: statuses, final values typed by the question, bad input."""

import datetime

import pytest

from portal.services import review
from portal.services.errors import Invalid, NotFound
from tests import samples
from tests.review.support import (
    TECH,
    events,
    fill_and_submit,
    review_count,
    row_at,
    save,
)


def test_accepting_keeps_the_customers_answer_and_counts_as_progress(session, world, order):
    saved = save(session, world, order, "/server/ram_gb", "accepted", final="999", comment="ok")
    assert saved.final == 32 and saved.status == "accepted" and saved.version == 1
    row = row_at(session, world, order, "/server/ram_gb")
    assert (row.final, row.status, row.comment, row.version) == (32, "accepted", "ok", 1)
    assert row.updated_by == world.partner.name
    page = review.workspace(session, world.partner, order.id, TECH)
    assert page.done == 1 and page.progress == pytest.approx(1 / page.total)
    [logged] = events(session, "review.save")
    assert logged.actor_id == world.partner.id
    assert logged.payload["pointer"] == "/server/ram_gb" and logged.payload["status"] == "accepted"


@pytest.mark.parametrize(
    ("pointer", "raw", "expected"),
    [
        ("/server/ram_gb", "48", 48),
        ("/server/ram_gb", " 64 ", 64),
        ("/sql_server/sysadmin_for_setup", "false", False),
        ("/server/virtualisation", "hyper_v", "hyper_v"),
        ("/security/certifications", ["bsi_c5", "iso_27001"], ["iso_27001", "bsi_c5"]),
        ("/it_contacts/0/email", "it@example.de", "it@example.de"),
        ("/ad_domain", "", None),
        ("/sql_server/version", "2019", "2019"),
    ],
)
def test_changed_values_are_parsed_by_the_questions_type(
    session, world, order, pointer, raw, expected
):
    saved = save(session, world, order, pointer, "changed", final=raw, comment="im Call")
    assert saved.final == expected and type(saved.final) is type(expected)
    assert row_at(session, world, order, pointer).final == expected


def test_numbers_and_dates_of_the_business_questionnaire(session, world, order):
    fill_and_submit(session, order, "business", samples.BUSINESS)

    def change(pointer, raw):
        row = next(
            r
            for r in review.workspace(session, world.partner, order.id, "business").rows
            if r.pointer == pointer
        )
        return review.save_review(
            session, world.partner, order.id, "business", pointer,
            status="changed", final=raw, comment="", version=row.version,
        ).final  # fmt: skip

    assert change("/legal_entities/1/ownership_share", "60,5") == 60.5
    # The next year-end deadline is not in the past (v2 checks it).
    deadline = f"{datetime.date.today().year + 1}-04-30"
    assert change("/year_end_deadline", deadline) == deadline
    with pytest.raises(Invalid) as bad_date:
        change("/go_live_date", "1.9.2026")
    assert bad_date.value.fields["final"]
    with pytest.raises(Invalid):
        change("/legal_entities/0/country", "Deutschland")  # two capital letters required


@pytest.mark.parametrize(
    ("pointer", "status", "raw", "message"),
    [
        ("/server/ram_gb", "changed", "viele", "ganze Zahl"),
        ("/server/ram_gb", "changed", "2,5", "ganze Zahl"),
        ("/server/virtualisation", "changed", "xen", "angebotenen"),
        ("/sql_server/sysadmin_for_setup", "changed", "vielleicht", "Ja oder Nein"),
        ("/security/certifications", "changed", ["iso_27001", "nope"], "Unbekannte Auswahl"),
        ("/it_contacts/0/phone", "changed", "call me", ""),
        ("/it_contacts/0/email", "open", "not an address", ""),
        ("/server/ram_gb", "changed", "32", "gleich der Antwort"),
        ("/server/ram_gb", "", "48", "Status"),
        ("/server/ram_gb", "done", "48", "Status"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    session, world, order, pointer, status, raw, message
):
    with pytest.raises(Invalid) as refused:
        save(session, world, order, pointer, status, final=raw)
    assert message in refused.value.message and refused.value.message
    session.rollback()
    assert review_count(session) == 0 and not events(session, "review.save")


def test_an_overlong_comment_is_refused(session, world, order):
    with pytest.raises(Invalid, match="Kommentar"):
        save(session, world, order, "/server/ram_gb", comment="x" * 5000)
    assert review_count(session) == 0


def test_an_unknown_or_hidden_answer_cannot_be_reviewed(session, world, order):
    for pointer in ("/nope", "/cloud_vpn_type", "/data_sources/1/file_format", "/server"):
        with pytest.raises(NotFound):
            review.save_review(
                session, world.partner, order.id, TECH, pointer,
                status="accepted", final="", comment="", version=0,
            )  # fmt: skip
    assert review_count(session) == 0


def test_an_open_question_keeps_a_value_and_a_status_can_change_again(session, world, order):
    save(session, world, order, "/named_users", "open", final="25", comment="Lizenz klären")
    row = row_at(session, world, order, "/named_users")
    assert (row.status, row.final, row.version) == ("open", 25, 1)
    save(session, world, order, "/named_users", "changed", final="30")
    save(session, world, order, "/named_users", "accepted")
    row = row_at(session, world, order, "/named_users")
    assert (row.status, row.final, row.version) == ("accepted", 25, 3)

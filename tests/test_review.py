"""The review of the setup call: workspace, typed final values, statuses, filters, progress,
finalising into a frozen snapshot, the diff, and every refusal (roles, tenancy, after the
freeze, two reviewers saving the same answer)."""

import datetime
import hashlib
import json
import re

import pytest
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from portal import questionnaires
from portal.extensions import db
from portal.models import AnswerReview, AuditEvent, QuestionnaireSnapshot, Role, User, utcnow
from portal.services import drafts, responses, review
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests import samples
from tests.conftest import add_user, login
from tests.helpers import accept, place

TECH = "technical"


def fill_and_submit(session, order, kind=TECH, data=samples.ON_PREMISES):
    """The customer fills the questionnaire completely and submits it."""
    result = drafts.save(
        session, order, kind, base_version=0, changes=data, author="Kunde", locale="de"
    )
    assert result.saved and not result.conflicts, result.errors
    assert responses.submit(session, order, kind, author="Kunde", locale="de") == []


@pytest.fixture
def order(session, world):
    """An accepted on-premises order whose technical questionnaire the customer submitted."""
    placed = accept(session, world, place(session, world, deployment="on_premises")).order
    fill_and_submit(session, placed)
    return placed


def rows_of(session, world, order, **options):
    return review.workspace(session, world.partner, order.id, TECH, **options).rows


def row_at(session, world, order, pointer):
    return next(r for r in rows_of(session, world, order) if r.pointer == pointer)


def save(session, world, order, pointer, status="accepted", final="", comment="", user=None):
    """Save a review from the version the reviewer currently sees."""
    current = row_at(session, world, order, pointer)
    return review.save_review(
        session,
        user or world.partner,
        order.id,
        TECH,
        pointer,
        status=status,
        final=final,
        comment=comment,
        version=current.version,
    )


def accept_all(session, world, order):
    for row in rows_of(session, world, order):
        if row.status is None:
            save(session, world, order, row.pointer)


def events(session, action):
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def review_count(session):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AnswerReview))


# -- the workspace ---------------------------------------------------------------------------


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


# -- saving one answer ---------------------------------------------------------------------


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


# -- filters and progress --------------------------------------------------------------------


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


# -- finalising --------------------------------------------------------------------------------


def test_finalising_needs_a_status_on_every_answer(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    total = review.workspace(session, world.partner, order.id, TECH).total
    with pytest.raises(Conflict, match=f"Noch {total - 1} von {total} Antworten ohne Status"):
        review.finalise(session, world.partner, order.id, TECH)
    assert not review.finalised(session, order, TECH)
    assert session.scalar(select(func.count()).select_from(QuestionnaireSnapshot)) == 0


def test_the_snapshot_freezes_answers_statuses_comments_who_and_when(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64", comment="Mehr RAM")
    save(session, world, order, "/it_contacts/0/phone", "changed", final="+49 351 999")
    save(session, world, order, "/proxy_host", "changed", final="", comment="kein Proxy")
    save(session, world, order, "/named_users", "open", final="25", comment="Lizenz klären")
    accept_all(session, world, order)
    before = utcnow()
    snap = review.finalise(session, world.partner, order.id, TECH)
    assert review.finalised(session, order, TECH)
    session.expire_all()
    snap = review.snapshot(session, world.lead, order.id, TECH)
    assert snap.version == 1 and snap.questionnaire == TECH
    assert snap.schema_version == questionnaires.latest(TECH)
    assert snap.finalised_by_id == world.partner.id and snap.finalised_at >= before
    assert snap.original == responses.find(session, order, TECH).data
    assert snap.final["server"]["ram_gb"] == 64
    assert snap.final["it_contacts"][0]["phone"] == "+49 351 999"
    assert "proxy_host" not in snap.final  # changed to "no answer"
    assert snap.final["named_users"] == 25  # an open question keeps its value
    assert snap.reviews["/server/ram_gb"] == {
        "status": "changed",
        "comment": "Mehr RAM",
        "original": 32,
        "final": 64,
    }
    assert snap.reviews["/named_users"]["status"] == "open"
    assert snap.reviews["/sql_port"] == {
        "status": "accepted",
        "comment": "",
        "original": 1433,
        "final": 1433,
    }
    assert len(snap.reviews) == review.workspace(session, world.partner, order.id, TECH).total
    # The hash covers the canonical JSON of the content, who and when; it can be recomputed.
    body = {
        "order_id": order.id,
        "questionnaire": TECH,
        "version": 1,
        "schema_version": snap.schema_version,
        "original": snap.original,
        "final": snap.final,
        "reviews": snap.reviews,
        "finalised_by_id": world.partner.id,
        "finalised_at": snap.finalised_at.isoformat(timespec="microseconds"),
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert snap.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert review.content_hash(snap) == snap.content_hash
    [logged] = events(session, "review.finalise")
    assert logged.payload["content_hash"] == snap.content_hash
    assert logged.payload["changed"] == 3 and logged.payload["open"] == 1


def test_the_diff_lists_what_changed_between_submission_and_final_state(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64", comment="Mehr RAM")
    save(session, world, order, "/data_sources/1/system", "changed", final="DATEV Pro")
    save(session, world, order, "/named_users", "open", final="25", comment="klären")
    accept_all(session, world, order)
    preview = review.diff_page(session, world.partner, order.id, TECH)
    assert not preview.frozen and preview.snapshot.id is None
    snap = review.finalise(session, world.partner, order.id, TECH)
    rows = review.diff(snap)
    # In form order; the open question kept the customer's value, so it is no difference.
    assert [tuple(r)[1:] for r in rows] == [
        (32, 64, "changed", "Mehr RAM"),
        ("DATEV", "DATEV Pro", "changed", ""),
    ]
    assert [r.pointer for r in rows] == ["/server/ram_gb", "/data_sources/1/system"]
    label, _original, _final, _status, _comment = rows[1]
    assert label == "Datenquellen › System (2)"
    assert [r.pointer for r in preview.rows] == [r.pointer for r in rows]
    frozen = review.diff_page(session, world.lead, order.id, TECH)
    assert frozen.frozen and frozen.snapshot.content_hash == snap.content_hash


# -- refusals ----------------------------------------------------------------------------------


def test_only_partner_staff_review_and_finalise(session, world, order):
    for user in (world.lead, world.architect, world.technician, world.backoffice, world.admin):
        with pytest.raises(Forbidden):
            save(session, world, order, "/server/ram_gb", user=user)
        with pytest.raises(Forbidden):
            review.finalise(session, user, order.id, TECH)
    with pytest.raises(NotFound):
        review.save_review(
            session, world.other_partner, order.id, TECH, "/server/ram_gb",
            status="accepted", final="", comment="", version=0,
        )  # fmt: skip
    assert review_count(session) == 0


def test_after_the_freeze_every_write_is_refused_for_everyone_and_logged(session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    accept_all(session, world, order)
    snap = review.finalise(session, world.partner, order.id, TECH)
    frozen_hash, frozen_reviews = snap.content_hash, review_count(session)
    row = row_at(session, world, order, "/server/ram_gb")
    assert row.final == 64 and row.status == "changed"
    page = review.workspace(session, world.partner, order.id, TECH)
    assert page.snapshot is not None and not page.may_edit
    attempts = 0
    for user in (world.partner, world.admin, world.lead, world.backoffice):
        with pytest.raises(Conflict, match="abgeschlossen"):
            review.save_review(
                session, user, order.id, TECH, "/server/ram_gb",
                status="changed", final="128", comment="zu spät", version=row.version,
            )  # fmt: skip
        attempts += 1
        with pytest.raises(Conflict, match="abgeschlossen"):
            review.finalise(session, user, order.id, TECH)
        attempts += 1
    session.rollback()  # what a failed request does: the logged refusals must survive it
    refused = events(session, "review.refused")
    assert len(refused) == attempts
    assert {e.actor_id for e in refused} == {
        world.partner.id,
        world.admin.id,
        world.lead.id,
        world.backoffice.id,
    }
    assert {e.payload["attempted"] for e in refused} == {"save", "finalise"}
    assert refused[0].payload["pointer"] == "/server/ram_gb"
    assert review_count(session) == frozen_reviews
    assert (
        session.scalar(select(AnswerReview.final).where(AnswerReview.pointer == "/server/ram_gb"))
        == 64
    )
    assert session.scalar(select(QuestionnaireSnapshot.content_hash)) == frozen_hash
    assert session.scalar(select(func.count()).select_from(QuestionnaireSnapshot)) == 1
    # Not even through the ORM: a stored snapshot does not change.
    stored = session.scalar(select(QuestionnaireSnapshot))
    stored.final = {}
    with pytest.raises(ValueError, match="frozen"):
        session.commit()
    session.rollback()


def test_two_reviewers_saving_the_same_answer_lose_nothing(session, world, order):
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    seen = row_at(session, world, order, "/server/ram_gb")  # both open the page at version 0
    review.save_review(
        session, world.partner, order.id, TECH, "/server/ram_gb",
        status="changed", final="64", comment="Anna", version=seen.version,
    )  # fmt: skip
    with pytest.raises(Conflict) as conflict:
        review.save_review(
            session, bob, order.id, TECH, "/server/ram_gb",
            status="changed", final="16", comment="Bob", version=seen.version,
        )  # fmt: skip
    assert world.partner.name in conflict.value.message
    row = row_at(session, world, order, "/server/ram_gb")
    assert (row.final, row.comment, row.version) == (64, "Anna", 1)
    # The same from version 1 (an update rather than the first insert).
    review.save_review(
        session, bob, order.id, TECH, "/server/ram_gb",
        status="changed", final="48", comment="Bob", version=1,
    )  # fmt: skip
    with pytest.raises(Conflict, match="Bob Berger"):
        review.save_review(
            session, world.partner, order.id, TECH, "/server/ram_gb",
            status="accepted", final="", comment="Anna", version=1,
        )  # fmt: skip
    row = row_at(session, world, order, "/server/ram_gb")
    assert (row.final, row.comment, row.version) == (48, "Bob", 2)


@pytest.mark.parametrize("existing", [False, True])
def test_a_save_racing_another_commit_is_refused_by_the_version_counter(
    session, world, order, existing
):
    """Both saves pass the version check; the database decides, the second is refused."""
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    pointer = "/server/ram_gb"
    if existing:
        save(session, world, order, pointer, "accepted")
    version = row_at(session, world, order, pointer).version
    bob_id, order_id, now = bob.id, order.id, utcnow()

    done = []

    def bob_commits_first(_session, _context, _instances):
        if done:
            return
        done.append(True)
        with db.engine.begin() as other:
            if existing:
                other.execute(
                    update(AnswerReview)
                    .where(AnswerReview.pointer == pointer)
                    .values(
                        final=16,
                        status="changed",
                        comment="Bob",
                        updated_by_id=bob_id,
                        version=version + 1,
                    )
                )
            else:
                other.execute(
                    insert(AnswerReview).values(
                        order_id=order_id, questionnaire=TECH, pointer=pointer, final=16,
                        status="changed", comment="Bob", updated_by_id=bob_id,
                        updated_at=now, version=1,
                    )
                )  # fmt: skip

    event.listen(db.session(), "before_flush", bob_commits_first)
    try:
        with pytest.raises(Conflict, match="Bob Berger"):
            review.save_review(
                session, world.partner, order.id, TECH, pointer,
                status="changed", final="64", comment="Anna", version=version,
            )  # fmt: skip
    finally:
        event.remove(db.session(), "before_flush", bob_commits_first)
    assert done
    row = row_at(session, world, order, pointer)
    assert (row.final, row.comment) == (16, "Bob")


def test_a_save_racing_the_finalise_is_refused_and_logged(session, world, order):
    """A reviewer read the answer before another one finalised; the save must not land."""
    accept_all(session, world, order)
    pointer = "/server/ram_gb"
    version = row_at(session, world, order, pointer).version
    partner_id, order_id = world.partner.id, order.id
    done = []

    def finalised_meanwhile(_session, _context, _instances):
        if done:
            return
        done.append(True)
        with Session(db.engine) as other:
            review.finalise(other, other.get(User, partner_id), order_id, TECH)

    event.listen(db.session(), "before_flush", finalised_meanwhile)
    try:
        with pytest.raises(Conflict, match="abgeschlossen"):
            review.save_review(
                session, world.partner, order.id, TECH, pointer,
                status="changed", final="64", comment="zu spät", version=version,
            )  # fmt: skip
    finally:
        event.remove(db.session(), "before_flush", finalised_meanwhile)
    assert done
    snap = session.scalar(select(QuestionnaireSnapshot))
    assert snap.final["server"]["ram_gb"] == 32 and snap.reviews[pointer]["status"] == "accepted"
    session.expire_all()
    stored = session.scalar(select(AnswerReview).where(AnswerReview.pointer == pointer))
    assert (stored.final, stored.status) == (32, "accepted")
    [refused] = events(session, "review.refused")
    assert refused.payload["pointer"] == pointer
    late = [e for e in events(session, "review.save") if e.payload["status"] == "changed"]
    assert late == []


# -- over HTTP ---------------------------------------------------------------------------------


def url(order, tail=""):
    return f"/orders/{order.id}/review/{TECH}{tail}"


def post_answer(client, order, number, pointer, status, final="", version=0, **extra):
    data = {"pointer": pointer, "status": status, "final": final, "version": version}
    return client.post(
        url(order, "/answer"), data={**data, "number": number, "comment": "", **extra}
    )


def test_the_workspace_page_saves_one_answer_and_returns_to_it(client, session, world, order):
    login(client, world.partner)
    body = client.get(url(order)).get_data(as_text=True)
    number = row_at(session, world, order, "/server/ram_gb").number
    assert f'id="a-{number}"' in body and 'tabindex="-1"' in body
    assert 'name="status" value="changed"' in body and "review.js" in body
    response = post_answer(client, order, number, "/server/ram_gb", "changed", "64", filter="open")
    assert response.status_code == 303
    assert response.location.endswith(f"?filter=open#a-{number}")
    assert row_at(session, world, order, "/server/ram_gb").final == 64
    page = client.get(url(order, "?filter=changed")).get_data(as_text=True)
    assert f'id="a-{number}"' in page and page.count("<article") == 1


def test_bad_input_over_http_answers_400_keeps_the_input_and_writes_nothing(
    client, session, world, order
):
    login(client, world.partner)
    number = row_at(session, world, order, "/server/ram_gb").number
    response = post_answer(client, order, number, "/server/ram_gb", "changed", "viele")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Bitte eine ganze Zahl angeben." in body and 'value="viele"' in body
    assert f'id="f-{number}-error"' in body
    assert review_count(session) == 0


def test_a_conflict_over_http_names_who_saved_and_shows_their_value(client, session, world, order):
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    bob = add_user(session, world.partner_org, Role.PARTNER_STAFF, "bob@cp.example", "Bob Berger")
    session.commit()
    login(client, bob)
    number = row_at(session, world, order, "/server/ram_gb").number
    response = post_answer(client, order, number, "/server/ram_gb", "changed", "16", version=0)
    assert response.status_code == 409
    assert world.partner.name in response.get_data(as_text=True)
    assert row_at(session, world, order, "/server/ram_gb").final == 64


@pytest.mark.parametrize("role", ["lead", "architect", "technician", "backoffice", "admin"])
def test_other_roles_may_look_but_not_write(client, session, world, order, role):
    login(client, getattr(world, role))
    page = client.get(url(order))
    assert page.status_code == 200
    assert 'name="status"' not in page.get_data(as_text=True)
    assert post_answer(client, order, 1, "/server/ram_gb", "accepted").status_code == 403
    assert client.post(url(order, "/finalise")).status_code == 403
    assert client.get(url(order, "/diff")).status_code == 200
    assert review_count(session) == 0


def test_another_partner_gets_404_everywhere(client, session, world, order):
    login(client, world.other_partner)
    assert client.get(url(order)).status_code == 404
    assert client.get(url(order, "/diff")).status_code == 404
    assert post_answer(client, order, 1, "/server/ram_gb", "accepted").status_code == 404
    assert client.post(url(order, "/finalise")).status_code == 404


def test_not_submitted_over_http_is_a_conflict(client, session, world):
    placed = accept(session, world, place(session, world, code="NEW")).order
    login(client, world.partner)
    assert client.get(f"/orders/{placed.id}/review/{TECH}").status_code == 409
    assert client.get(f"/orders/{placed.id}/review/nope").status_code == 404


def test_finalise_over_http_then_every_attempt_is_refused_and_logged(client, session, world, order):
    login(client, world.partner)
    incomplete = client.post(url(order, "/finalise"))
    assert incomplete.status_code == 303
    assert "ohne Status" in client.get(incomplete.location).get_data(as_text=True)
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    accept_all(session, world, order)
    done = client.post(url(order, "/finalise"))
    assert done.status_code == 303 and done.location.endswith("/diff")
    snap = session.scalar(select(QuestionnaireSnapshot))
    diff_page = client.get(done.location).get_data(as_text=True)
    assert snap.content_hash in diff_page and "64" in diff_page
    workspace = client.get(url(order)).get_data(as_text=True)
    assert snap.content_hash in workspace and 'name="status"' not in workspace

    again = post_answer(client, order, 1, "/server/ram_gb", "changed", "128", version=1)
    assert again.status_code == 409 and "abgeschlossen" in again.get_data(as_text=True)
    assert client.post(url(order, "/finalise")).status_code == 303
    admin = client.application.test_client()
    login(admin, world.admin)
    assert post_answer(admin, order, 1, "/server/ram_gb", "changed", "128", 1).status_code == 409
    assert admin.post(url(order, "/finalise")).status_code == 303
    refused = events(session, "review.refused")
    assert [(e.actor_id, e.payload["attempted"]) for e in refused] == [
        (world.partner.id, "save"),
        (world.partner.id, "finalise"),
        (world.admin.id, "save"),
        (world.admin.id, "finalise"),
    ]
    assert row_at(session, world, order, "/server/ram_gb").final == 64


def test_large_type_is_switched_by_query_and_remembered(client, session, world, order):
    login(client, world.partner)
    assert "large-type" not in client.get(url(order)).get_data(as_text=True)
    assert "review large-type" in client.get(url(order, "?large=1")).get_data(as_text=True)
    assert "review large-type" in client.get(url(order)).get_data(as_text=True)
    assert "large-type" not in client.get(url(order, "?large=0")).get_data(as_text=True)


def test_the_order_page_shows_review_progress_and_the_frozen_state(client, session, world, order):
    login(client, world.partner)
    total = review.workspace(session, world.partner, order.id, TECH).total
    save(session, world, order, "/server/ram_gb", "changed", final="64")
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Review im Setup Call" in page and f"1 / {total}" in page
    assert f'href="/orders/{order.id}/review/technical"' in page
    assert "wartet auf den Kunden" in page  # the business questionnaire
    accept_all(session, world, order)
    snap = review.finalise(session, world.partner, order.id, TECH)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "abgeschlossen" in page and snap.content_hash[:16] in page
    assert re.search(rf"{total} / {total}", page)


def test_a_finalised_questionnaire_cannot_be_reopened_for_the_customer(session, world, order):
    from portal.services.errors import Conflict

    accept_all(session, world, order)
    review.finalise(session, world.partner, order.id, TECH)
    with pytest.raises(Conflict, match="abschließend dokumentiert"):
        responses.reopen(session, world.partner, order.id, TECH)
    assert responses.find(session, order, TECH).status == "submitted"
    [refused] = events(session, "response.refused")
    assert refused.actor_id == world.partner.id
    assert refused.payload == {
        "order_id": order.id,
        "questionnaire": TECH,
        "attempted": "reopen",
        "reason": "Der Fragebogen ist im Setup Call abschließend dokumentiert und bleibt unverändert.",
    }

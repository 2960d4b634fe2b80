"""Finalising with open questions asks first and lists them; the open questions then become
open points of the protocol, once, editable by the project lead like every other point."""

import pytest

from portal.models import Protocol
from portal.services import protocol, review
from portal.services.protocol.review_points import carry_open_questions
from portal.services.review import NeedsConfirmation
from tests.conftest import login
from tests.review.support import TECH, accept_all, events, save, url

FIRST = {"text": "VPN-Zugang einrichten", "owner": "Carla Kunde", "due": "2027-03-15"}


def with_open_questions(session, world, order):
    save(session, world, order, "/named_users", "open", final="25", comment="Lizenzen klären")
    save(session, world, order, "/server/ram_gb", "open", comment="")
    accept_all(session, world, order)


def test_open_questions_wait_for_an_explicit_confirmation(session, world, order):
    with_open_questions(session, world, order)
    with pytest.raises(NeedsConfirmation) as waiting:
        review.finalise(session, world.partner, order.id, TECH)
    assert waiting.value.missing == []
    assert {r.pointer for r in waiting.value.questions} == {"/named_users", "/server/ram_gb"}
    assert not review.finalised(session, order, TECH)
    # A confirmation that does not cover every open question is asked again.
    with pytest.raises(NeedsConfirmation):
        review.finalise(session, world.partner, order.id, TECH, confirmed=["/named_users"])
    snap = review.finalise(
        session, world.partner, order.id, TECH, confirmed=["/named_users", "/server/ram_gb"]
    )
    assert snap.reviews["/named_users"]["status"] == "open"
    [logged] = events(session, "review.finalise")
    assert logged.payload["open"] == 2


def test_answers_without_status_are_listed_and_cannot_be_confirmed_away(session, world, order):
    save(session, world, order, "/named_users", "open", comment="klären")
    with pytest.raises(NeedsConfirmation, match="ohne Status") as waiting:
        review.finalise(session, world.partner, order.id, TECH, confirmed=["/named_users"])
    assert waiting.value.missing and all(r.status is None for r in waiting.value.missing)
    assert not review.finalised(session, order, TECH)


def test_the_confirmation_page_lists_the_open_questions_with_links(client, session, world, order):
    with_open_questions(session, world, order)
    login(client, world.partner)
    first = client.post(url(order, "/finalise"))
    assert first.status_code == 200 and not review.finalised(session, order, TECH)
    page = first.get_data(as_text=True)
    assert "2 offene Fragen" in page and "Lizenzen klären" in page
    assert f'href="{url(order)}#a-' in page
    assert 'name="confirm" value="1"' in page and 'value="/named_users"' in page
    confirmed = client.post(
        url(order, "/finalise"),
        data={"confirm": "1", "open": ["/named_users", "/server/ram_gb"]},
    )
    assert confirmed.status_code == 303 and confirmed.location.endswith("/diff")
    assert review.finalised(session, order, TECH)


def test_without_open_questions_finalising_needs_no_confirmation(client, session, world, order):
    accept_all(session, world, order)
    login(client, world.partner)
    done = client.post(url(order, "/finalise"))
    assert done.status_code == 303 and review.finalised(session, order, TECH)


def test_open_questions_start_a_new_protocol_as_open_points(session, world, order):
    with_open_questions(session, world, order)
    review.finalise(
        session, world.partner, order.id, TECH, confirmed=["/named_users", "/server/ram_gb"]
    )
    fields = protocol.initial_fields(session, order, None)
    texts = [p["text"] for p in fields["open_points"]]
    assert len(texts) == 2
    assert any(t.endswith(": Lizenzen klären") for t in texts)
    assert all(p["owner"] == "" and p["due"] == "" for p in fields["open_points"])


def test_open_questions_join_a_draft_protocol_once(session, world, order):
    fields = {"open_points": [FIRST], "attendees": []}
    stored = protocol.save_draft(session, world.partner, order.id, fields, None)
    before = list(stored.open_points)
    with_open_questions(session, world, order)
    pointers = ["/named_users", "/server/ram_gb"]
    review.finalise(session, world.partner, order.id, TECH, confirmed=pointers)
    session.expire_all()
    saved = session.get(Protocol, stored.id)
    added = saved.open_points[len(before) :]
    assert saved.open_points[: len(before)] == before and len(added) == 2
    assert any(p["text"].endswith(": Lizenzen klären") for p in added)
    [logged] = events(session, "protocol.open_points_from_review")
    assert logged.payload["count"] == 2
    # Finalising again carries nothing twice.
    snap = review.snapshot(session, world.partner, order.id, TECH)
    again = carry_open_questions(
        session, world.partner, order, TECH, snap.schema_version,
        [("/named_users", "Lizenzen klären"), ("/server/ram_gb", "")],
    )  # fmt: skip
    assert again == 0
    # The lead edits them like every other open point: fill in owner and due date.
    points = [p | {"owner": "Carla Kunde", "due": "2027-03-15"} for p in saved.open_points]
    edited = protocol.save_draft(
        session, world.partner, order.id, {"open_points": points, "attendees": []}, saved.version
    )
    assert [p["owner"] for p in edited.open_points] == ["Carla Kunde"] * len(points)

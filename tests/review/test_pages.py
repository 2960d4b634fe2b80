"""The review pages over HTTP: saving an answer, errors, roles, finalising, large type, the
order page's part."""

import re

import pytest
from sqlalchemy import select

from portal.models import QuestionnaireSnapshot, Role
from portal.services import review
from tests.conftest import add_user, login
from tests.helpers import accept, place
from tests.review.support import (
    TECH,
    accept_all,
    events,
    post_answer,
    review_count,
    row_at,
    save,
    url,
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
    assert incomplete.status_code == 200  # the page listing what still lacks a status
    listed = incomplete.get_data(as_text=True)
    assert "noch keinen Status" in listed and 'name="confirm"' not in listed
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

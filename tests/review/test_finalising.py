"""Finalising: every answer needs a status, the snapshot freezes everything with a hash,
and a finalised questionnaire is not reopened for the customer."""

import hashlib
import json

import pytest
from sqlalchemy import func, select

from portal import questionnaires
from portal.models import QuestionnaireSnapshot, utcnow
from portal.services import responses, review
from portal.services.errors import Conflict
from tests.review.support import (
    TECH,
    accept_all,
    events,
    save,
)


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
    snap = review.finalise(session, world.partner, order.id, TECH, confirmed=["/named_users"])
    assert review.finalised(session, order, TECH)
    session.expire_all()
    snap = review.snapshot(session, world.lead, order.id, TECH)
    assert snap.version == 1 and snap.questionnaire == TECH
    assert snap.schema_version == questionnaires.latest(session, TECH)
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

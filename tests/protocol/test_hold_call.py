"""Step 6, the call: recorded as held only once nothing it needs is missing."""

import pytest
from sqlalchemy import select

from portal.models import StepCompletion
from portal.models.call import CANCELLED
from portal.services import calls, protocol
from portal.services.errors import Conflict, Forbidden, NotFound
from portal.services.protocol import CallNotReady
from tests.protocol.support import confirm, events, finalise, new_order, save_diagram


def test_the_call_cannot_be_completed_while_something_is_missing(session, world, order, carla):
    assert protocol.missing_for_call(session, order) == [
        "diagram",
        "technical",
        "business",
        "contacts",
    ]
    with pytest.raises(CallNotReady) as refused:
        protocol.complete_call(session, world.partner, order.id)
    assert refused.value.missing == ["diagram", "technical", "business", "contacts"]
    assert "Datenflussdiagramm gespeichert" in refused.value.message
    assert "Ansprechpartner vom Projektleiter bestätigt" in refused.value.message
    finalise(session, world, order, "technical")
    confirm(session, world, order, carla)
    assert protocol.missing_for_call(session, order) == ["diagram", "business"]
    assert not session.scalar(select(StepCompletion).where(StepCompletion.step == "hold_call"))


def test_a_cloud_order_needs_provisioning_and_a_cancelled_call_counts_as_missing(session, world):
    cloud_order = new_order(session, world, code="CLD", deployment="cp_cloud")
    assert "cloud" in protocol.missing_for_call(session, cloud_order)
    session.add(
        StepCompletion(
            order_id=cloud_order.id, step="provision_cloud", completed_by_id=world.partner.id
        )
    )
    calls.call_of(session, cloud_order).status = CANCELLED
    session.commit()
    missing = protocol.missing_for_call(session, cloud_order)
    assert "cloud" not in missing and missing[0] == "call"


def test_the_call_is_completed_when_everything_is_there(session, world, order, carla, lara):
    finalise(session, world, order, "technical")
    finalise(session, world, order, "business")
    confirm(session, world, order, carla)
    save_diagram(session, world, order)
    assert protocol.missing_for_call(session, order) == []
    for user in (world.backoffice, world.admin, lara):
        with pytest.raises(Forbidden):
            protocol.complete_call(session, user, order.id)
    with pytest.raises(NotFound):
        protocol.complete_call(session, world.other_partner, order.id)
    done = protocol.complete_call(session, world.partner, order.id)
    assert (done.step, done.completed_by_id) == ("hold_call", world.partner.id)
    assert events(session, "call.held")[0].actor_id == world.partner.id
    with pytest.raises(Conflict, match="schon"):
        protocol.complete_call(session, world.lead, order.id)

"""`flask demo load`: the demo data `make run` starts with, loaded twice without duplicates."""

from sqlalchemy import func, select

from portal.models import Order, Protocol, QuestionnaireSnapshot, User
from portal.models.base import utcnow
from portal.models.protocol import APPROVED
from portal.models.response import DRAFT
from portal.process import StepStatus, derive, next_for
from portal.services import responses
from portal.services.studio.migrating import in_flight


def test_demo_data_loads_twice_and_one_order_waits_for_its_package(app, runner, session):
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        assert "partner@cp.example" in result.output

    assert session.scalar(select(func.count()).select_from(Order)) == 3
    assert session.scalar(select(func.count()).select_from(User)) == 7
    order = session.scalar(select(Order).where(Order.short_code == "SONNE"))
    states = {s.step.key: s.status for s in derive(order, order.completions, utcnow())}
    assert states["approve_protocol"] == StepStatus.DONE
    assert states["send_package"] == StepStatus.OPEN
    assert states["offer_services"] == StepStatus.OPEN

    partner = session.scalar(select(User).where(User.email == "partner@cp.example"))
    waiting = [
        s.step.key for s in next_for(partner, order, derive(order, order.completions, utcnow()))
    ]
    assert waiting == ["send_package", "offer_services"]

    protocol = session.scalar(select(Protocol).where(Protocol.order_id == order.id))
    assert protocol.status == APPROVED and len(protocol.content_hash) == 64
    assert [s["code"] for s in protocol.services] == ["TRAINING-DAY", "REPORTS"]
    frozen = session.scalars(
        select(QuestionnaireSnapshot.questionnaire).where(
            QuestionnaireSnapshot.order_id == order.id
        )
    )
    assert sorted(frozen) == ["business", "technical"]


def test_the_demo_has_answers_in_flight_for_the_studio_to_move(app, runner, session):
    """Müller is halfway through the technical questionnaire: a draft the studio's editor
    (in the demo logins) can move to a new version."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "editor@saxess.example" in result.output
    order = session.scalar(select(Order).where(Order.short_code == "MUELLER"))
    response = responses.find(session, order, "technical")
    assert response.status == DRAFT and response.schema_version == 2
    assert response.data["maintenance_windows"] == "Samstag 20–24 Uhr"
    assert [item.order.short_code for item in in_flight(session, "technical", 3)] == ["MUELLER"]

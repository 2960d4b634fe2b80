"""Step 4: provision() records versions, keeps old passwords sealed, refuses bad input and outsiders."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, CloudProvisioning, Secret, StepCompletion
from portal.process import StepStatus, derive
from portal.services import calls
from portal.services.cloud.passwords import ENTER, GENERATE, KEEP, PasswordChoice, password_problem
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.cloud.builders import SERVER, count, events, provision, revealed
from tests.helpers import accept, deliver, place


def test_full_flow_versions_keep_old_values_encrypted_and_all_reveal(session, world, order, carla):
    first = provision(session, world, order, [carla])
    assert first.version == 1
    assert (first.database_name, first.saxess_login, first.cpce_login) == (
        "ACME_CPCE",
        "ACME_saxess",
        "ACME_cpce",
    )
    assert first.server_name == SERVER and first.contact_ids == [carla.id]
    assert first.created_by_id == world.partner.id
    done = session.scalar(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "provision_cloud"
        )
    )
    assert done.completed_by_id == world.partner.id
    assert abs(done.completed_at - datetime.now(UTC)) < timedelta(minutes=1)
    states = {s.step.key: s.status for s in derive(order, order.completions, datetime.now(UTC))}
    assert states["provision_cloud"] == StepStatus.DONE

    v1 = {w: revealed(session, world, order, w) for w in ("saxess", "cpce")}
    assert v1["saxess"] != v1["cpce"]
    for which, value in v1.items():
        assert password_problem(value, f"ACME_{which}") is None
        stored = session.get(Secret, getattr(first, f"{which}_password_id"))
        assert stored.purpose == "cloud_db_password"
        assert value.encode() not in stored.ciphertext

    entered = "Neu-Passwort-fuer-CPCE-2027!"
    second = provision(
        session,
        world,
        order,
        [carla],
        server_name="10.0.0.5,1433",
        passwords={"saxess": PasswordChoice(KEEP), "cpce": PasswordChoice(ENTER, entered)},
    )
    assert second.version == 2 and second.server_name == "10.0.0.5,1433"
    assert second.saxess_password_id == first.saxess_password_id
    assert second.cpce_password_id != first.cpce_password_id
    assert revealed(session, world, order, "cpce") == entered
    assert revealed(session, world, order, "saxess") == v1["saxess"]
    assert revealed(session, world, order, "cpce", version=1) == v1["cpce"]
    assert revealed(session, world, order, "saxess", version=1) == v1["saxess"]
    # The step keeps its first completion; the versions carry their own who and when.
    completions = select(func.count()).where(StepCompletion.step == "provision_cloud")
    assert session.scalar(completions) == 1

    third = provision(
        session,
        world,
        order,
        [carla],
        server_name="10.0.0.5,1433",
        passwords={"saxess": PasswordChoice(GENERATE), "cpce": PasswordChoice(KEEP)},
    )
    assert third.version == 3 and third.cpce_password_id == second.cpce_password_id
    assert revealed(session, world, order, "saxess") not in (v1["saxess"],)

    payloads = [e.payload for e in events(session, "cloud.provision")]
    assert [p["passwords"] for p in payloads] == [
        {"saxess": "generated", "cpce": "generated"},
        {"saxess": "kept", "cpce": "entered"},
        {"saxess": "generated", "cpce": "kept"},
    ]
    assert [p["version"] for p in payloads] == [1, 2, 3]
    assert payloads[0]["step_completed"] is True and payloads[1]["step_completed"] is False


def test_contacts_must_be_confirmed(session, world, order, carla):
    with pytest.raises(Invalid) as refused:
        provision(session, world, order, [])
    assert "Ansprechpartner" in refused.value.fields["contacts"]
    other = place(session, world, code="OTHER", deployment="cp_cloud")
    accept(session, world, other)
    deliver(session)
    stranger = calls.add_contact(
        session, world.partner, other.id, name="Sam Fremd", email="sam@other.example"
    )
    with pytest.raises(Invalid) as refused:
        provision(session, world, order, [carla, stranger])
    assert "unbekannt" in refused.value.fields["contacts"]
    assert count(session, CloudProvisioning) == 0 and count(session, Secret) == 0


def test_bad_input_is_refused_without_echo_and_writes_nothing(session, world, order, carla):
    weak = "weakpassword-but-long"
    before = count(session, AuditEvent)
    with pytest.raises(Invalid) as refused:
        provision(
            session,
            world,
            order,
            [carla],
            server_name="nonsense",
            passwords={"saxess": PasswordChoice(ENTER, weak), "cpce": PasswordChoice(KEEP)},
        )
    fields = refused.value.fields
    assert set(fields) == {"server_name", "saxess_password", "cpce_password"}
    assert weak not in json.dumps(fields) + refused.value.message + repr(refused.value)
    assert weak not in repr(PasswordChoice(ENTER, weak))
    assert count(session, CloudProvisioning) == 0 and count(session, Secret) == 0
    assert count(session, AuditEvent) == before

    provision(session, world, order, [carla])
    with pytest.raises(Invalid, match="Nichts geändert"):
        provision(session, world, order, [carla], passwords={})
    with pytest.raises(Invalid) as refused:
        provision(session, world, order, [carla], passwords={"cpce": PasswordChoice("magic")})
    assert "cpce_password" in refused.value.fields


def test_who_may_provision(session, world, order, carla):
    for role in ("backoffice", "lead", "architect", "technician", "admin"):
        with pytest.raises(Forbidden):
            provision(session, world, order, [carla], user=world.users[role])
    with pytest.raises(NotFound):
        provision(session, world, order, [carla], user=world.other_partner)
    on_premises = place(session, world, code="ONPREM")
    accept(session, world, on_premises)
    with pytest.raises(NotFound, match="nicht in der CP Cloud"):
        provision(session, world, on_premises, [carla])
    waiting = place(session, world, code="WAIT", deployment="cp_cloud")
    with pytest.raises(Conflict, match="noch nicht angenommen"):
        provision(session, world, waiting, [])
    assert count(session, CloudProvisioning) == 0

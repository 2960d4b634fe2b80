"""Step 4, CP Cloud: provisioning versions, who may reveal, reveal and script, the vault.

The pure rules (names, password policy, server names, the T-SQL script) are tested without an
app in tests/unit/test_cloud_*.py.

The planted-secret test at the end runs a whole provisioning over HTTP and looks for one known
password everywhere the portal writes: pages, flashes, emails (outbox and .eml), log records,
the audit log and every database row.
"""

import base64
import json
import logging
import os
import re
import secrets
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import event, func, inspect, select, text

from portal import vault
from portal.calendar import slots
from portal.extensions import db
from portal.models import (
    AuditEvent,
    CallParticipant,
    CloudProvisioning,
    OutboxMessage,
    Role,
    Secret,
    SetupCall,
    StaffCalendar,
    StepCompletion,
)
from portal.models.call import BOOKED, CANCELLED
from portal.process import StepStatus, derive
from portal.services import calls, cloud
from portal.services.calls import BERLIN
from portal.services.cloud import VaultUnavailable
from portal.services.cloud.passwords import ENTER, GENERATE, KEEP, PasswordChoice, password_problem
from portal.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.conftest import add_user, login
from tests.helpers import accept, catalogue, deliver, place
from tests.unit.tsql_reader import literals

SERVER = r"sql01.cp.example\CPCE"


# ---------------------------------------------------------------- building blocks


@pytest.fixture
def order(session, world):
    """An accepted CP Cloud order ACME, its confirmation delivered; Leo (world.lead) leads it."""
    placed = place(session, world, code="ACME", deployment="cp_cloud")
    accept(session, world, placed)
    deliver(session)  # the mail's sealed links leave the vault with it
    return placed


@pytest.fixture
def carla(session, world, order):
    return calls.add_contact(
        session, world.partner, order.id, name="Carla Kunde", email="carla@acme.example"
    )


def provision(session, world, order, contacts, user=None, **fields):
    """Provision as the partner: generated passwords unless told otherwise."""
    fields = {"server_name": SERVER, "passwords": {}} | fields
    return cloud.provision(
        session,
        user or world.partner,
        order.id,
        contact_ids=[c.id for c in contacts],
        **fields,
    )


def book_directly(session, world, order, *users, days=10, status=BOOKED) -> SetupCall:
    """A setup call with these staff users, written straight to the database."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=days)
    call = SetupCall(
        order_id=order.id,
        uid=f"{uuid.uuid4()}@test",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        booked_by_id=world.partner.id,
        status=status,
    )
    call.participants = [CallParticipant(user_id=u.id) for u in users]
    session.add(call)
    session.commit()
    return call


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def revealed(session, world, order, which, version=None, user=None) -> str:
    return cloud.reveal(session, user or world.partner, order.id, which, version).value


# ---------------------------------------------------------------- provisioning


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


# ---------------------------------------------------------------- reveal: who, how, recorded


@pytest.fixture
def cast(session, world, order, carla):
    """Provisioned ACME with a booked call (lead, partner, architect, technician) and extra staff."""
    provision(session, world, order, [carla])
    extra = {
        "partner_colleague": add_user(
            session, world.partner_org, Role.PARTNER_STAFF, "paul@cp.example"
        ),
        "other_lead": add_user(session, world.vendor_org, Role.PROJECT_LEAD, "lara@saxess.example"),
        "other_architect": add_user(
            session, world.vendor_org, Role.IT_ARCHITECT, "ivo@saxess.example"
        ),
        "other_technician": add_user(
            session, world.vendor_org, Role.TECHNICIAN, "tom@saxess.example"
        ),
    }
    session.commit()
    book_directly(
        session, world, order, world.lead, world.partner, world.architect, world.technician
    )
    return world.users | extra


REVEAL_MATRIX = {
    "partner": 200,
    "partner_colleague": 200,  # same granted partner, not in the call
    "lead": 200,  # the order's project lead
    "architect": 200,  # in the call
    "technician": 200,  # in the call
    "other_lead": 403,
    "other_architect": 403,
    "other_technician": 403,  # a technician not in the call
    "backoffice": 403,
    "admin": 403,  # need to know, not rank
    "other_partner": 404,
}


@pytest.mark.parametrize(("who", "status"), REVEAL_MATRIX.items())
def test_reveal_matrix(client, session, order, cast, who, status):
    login(client, cast[who])
    expected = vault.reveal(cloud.current_of(session, order).saxess_password)
    before = count(session, AuditEvent)
    response = client.post(f"/orders/{order.id}/cloud/reveal/saxess")
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert (expected in body) == (status == 200)
    script = client.post(f"/orders/{order.id}/cloud/script.sql")
    assert script.status_code == status
    assert (expected in script.get_data(as_text=True)) == (status == 200)
    assert count(session, AuditEvent) == before + (2 if status == 200 else 0)
    page = client.get(f"/orders/{order.id}/cloud")
    assert page.status_code == (404 if status == 404 else 200)
    assert ("anzeigen</button>" in page.get_data(as_text=True)) == (status == 200)


def test_a_cancelled_call_gives_its_architect_no_part(client, session, world, order, carla):
    provision(session, world, order, [carla])
    call = book_directly(session, world, order, world.lead, world.architect, status=CANCELLED)
    login(client, world.architect)
    assert client.post(f"/orders/{order.id}/cloud/reveal/cpce").status_code == 403
    call.status = BOOKED
    session.commit()
    assert client.post(f"/orders/{order.id}/cloud/reveal/cpce").status_code == 200


def test_reveal_is_no_store_and_audited_without_the_value(client, session, world, order, carla):
    provision(session, world, order, [carla])
    value = revealed(session, world, order, "cpce")
    login(client, world.lead)
    response = client.post(f"/orders/{order.id}/cloud/reveal/cpce")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert f'<code class="mono" id="revealed-password">{value}</code>' in body
    assert "ACME_cpce" in body and SERVER in body
    (_first, event_) = events(session, "cloud.reveal")
    assert event_.actor_id == world.lead.id and event_.object_type == "cloud_provisioning"
    assert event_.payload == {"which": "cpce", "version": 1, "order_id": order.id}
    assert value not in json.dumps(event_.payload) + event_.actor_label + str(event_.object_id)

    for url in (
        f"/orders/{order.id}/cloud/reveal/cpce",
        f"/orders/{order.id}/cloud/script.sql",
    ):
        assert client.get(url).status_code == 405  # a reveal is a recorded action: POST only
    assert client.post(f"/orders/{order.id}/cloud/reveal/root").status_code == 404
    assert (
        client.post(f"/orders/{order.id}/cloud/reveal/cpce", data={"version": "9"}).status_code
        == 404
    )

    order_page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    section = order_page.split('id="cloud-heading"', 1)[1].split("</section>", 1)[0]
    assert "Leo · Passwort von ACME_cpce (Version 1)" in section
    assert "Anna · Passwort von ACME_cpce" in section  # the service call above, as Anna
    assert value not in order_page


def test_script_download(client, session, world, order, carla):
    provision(
        session,
        world,
        order,
        [carla],
        passwords={"saxess": PasswordChoice(ENTER, "It's-a-Sax]ess-Pass-2027")},
    )
    login(client, world.partner)
    response = client.post(f"/orders/{order.id}/cloud/script.sql")
    assert response.status_code == 200
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == 'attachment; filename="ACME_CPCE.sql"'
    script = response.get_data(as_text=True)
    strings, _names = literals(script)
    assert "It's-a-Sax]ess-Pass-2027" in strings
    assert revealed(session, world, order, "cpce") in strings
    (event_,) = events(session, "cloud.script")
    assert event_.payload == {"version": 1, "order_id": order.id}
    page = client.get(f"/orders/{order.id}/cloud").get_data(as_text=True)
    assert "T-SQL-Skript (beide Passwörter)" in page


# ---------------------------------------------------------------- the pages


def test_provisioning_page_form_and_errors(client, session, world, order, carla):
    login(client, world.partner)
    page = client.get(f"/orders/{order.id}/cloud")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "ACME_CPCE" in body and "ACME_saxess" in body and "ACME_cpce" in body
    assert body.count('autocomplete="new-password"') == 2
    assert len(re.findall(r'checked [^>]*value="generate"', body)) == 2
    assert 'value="keep"' not in body
    assert f'name="contact" value="{carla.id}" >' in body  # not confirmed until ticked
    assert f"/orders/{order.id}/call" in body

    typed = "Typed-But-Refused-Pass-2027!"
    data = {
        "server_name": "not a server",
        "saxess_mode": "enter",
        "saxess_password": typed,
        "cpce_mode": "enter",
        "cpce_password": "short",
        "contact": str(carla.id),
    }
    refused = client.post(f"/orders/{order.id}/cloud", data=data)
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert typed not in body and 'value="short"' not in body  # never filled back in
    assert 'value="not a server"' in body and f'value="{carla.id}" checked' in body
    assert "mindestens 20 Zeichen" in body and "host" in body
    assert len(re.findall(r'checked [^>]*value="enter"', body)) == 2
    assert count(session, CloudProvisioning) == 0

    data |= {"server_name": SERVER, "cpce_mode": "generate", "cpce_password": ""}
    saved = client.post(f"/orders/{order.id}/cloud", data=data)
    assert saved.status_code == 302
    body = client.get(saved.location).get_data(as_text=True)
    assert "CP Cloud eingerichtet (Version 1)" in body and typed not in body
    assert "Aktuelle Einrichtung (Version 1)" in body and "Carla Kunde" in body
    assert len(re.findall(r'checked [^>]*value="keep"', body)) == 2
    assert "Ändern (ergibt Version 2)" in body
    assert revealed(session, world, order, "saxess") == typed


def test_other_roles_see_the_page_without_form(client, session, world, order, carla):
    login(client, world.backoffice)
    body = client.get(f"/orders/{order.id}/cloud").get_data(as_text=True)
    assert "noch nicht eingerichtet" in body and 'name="server_name"' not in body
    assert client.post(f"/orders/{order.id}/cloud", data={"server_name": SERVER}).status_code == 403
    on_premises = place(session, world, code="ONPREM")
    assert client.get(f"/orders/{on_premises.id}/cloud").status_code == 404


def test_order_page_section(client, session, world, order, carla):
    on_premises = place(session, world, code="ONPREM")
    login(client, world.partner)
    assert 'id="cloud-heading"' not in client.get(f"/orders/{on_premises.id}").get_data(
        as_text=True
    )
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    section = body.split('id="cloud-heading"', 1)[1].split("</section>", 1)[0]
    assert "Noch nicht eingerichtet: Datenbank ACME_CPCE" in section
    assert f'href="/orders/{order.id}/cloud"' in section
    provision(session, world, order, [carla])
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    section = body.split('id="cloud-heading"', 1)[1].split("</section>", 1)[0]
    assert f"Datenbank ACME_CPCE auf {SERVER}" in section and "Version 1, Anna" in section
    assert "Noch niemand hat die Zugangsdaten abgerufen." in section


def count_queries(app):
    """A list that collects every SQL statement run while the listener is attached."""
    statements: list[str] = []

    def collect(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", collect)
    return statements, lambda: event.remove(db.engine, "before_cursor_execute", collect)


def test_order_page_queries_do_not_grow_with_versions_or_reveals(
    app, client, session, world, order, carla
):
    provision(session, world, order, [carla])
    book_directly(session, world, order, world.lead, world.architect)
    login(client, world.architect)

    def queries() -> int:
        session.expire_all()  # the same start each time: nothing cached from the test
        statements, stop = count_queries(app)
        assert client.get(f"/orders/{order.id}").status_code == 200
        stop()
        return len(statements)

    few = queries()
    for number in range(4):
        provision(session, world, order, [carla], server_name=f"10.0.0.{number + 1},1433")
        revealed(session, world, order, "saxess")
        revealed(session, world, order, "cpce", user=world.architect)
    assert queries() == few


# ---------------------------------------------------------------- the vault


def test_a_wrong_vault_key_is_a_clear_error_and_changes_nothing(
    app, client, session, world, order, carla, caplog
):
    provision(session, world, order, [carla])
    key_file = app.config["VAULT_KEY_FILE"]
    with open(key_file, "w") as handle:
        handle.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    login(client, world.partner)
    before = count(session, AuditEvent), count(session, Secret), count(session, CloudProvisioning)

    response = client.post(f"/orders/{order.id}/cloud/reveal/saxess")
    assert response.status_code == 503
    assert "Schlüssel des Tresors fehlt oder passt nicht" in response.get_data(as_text=True)
    assert client.post(f"/orders/{order.id}/cloud/script.sql").status_code == 503
    kept = {
        "server_name": "10.0.0.9,1433",
        "saxess_mode": "keep",
        "cpce_mode": "keep",
        "contact": str(carla.id),
    }
    response = client.post(f"/orders/{order.id}/cloud", data=kept)
    assert response.status_code == 503
    assert (
        count(session, AuditEvent),
        count(session, Secret),
        count(session, CloudProvisioning),
    ) == before
    assert any("vault failure" in r.getMessage() for r in caplog.records)

    os.remove(key_file)  # lost key file while secrets exist: nothing new is sealed
    with pytest.raises(VaultUnavailable):
        provision(session, world, order, [carla], passwords={"saxess": PasswordChoice()})
    assert count(session, Secret) == before[1]


def test_rotation_keeps_cloud_credentials_revealable(runner, session, world, order, carla):
    provision(session, world, order, [carla])
    provision(session, world, order, [carla], passwords={"cpce": PasswordChoice(GENERATE)})
    other = place(session, world, code="BETA", deployment="cp_cloud")
    accept(session, world, other)
    bea = calls.add_contact(
        session, world.partner, other.id, name="Bea Beta", email="bea@beta.example"
    )
    provision(session, world, other, [bea])
    before = {
        (o.id, which, version): revealed(session, world, o, which, version)
        for o in (order, other)
        for which in ("saxess", "cpce")
        for version in ((1, 2) if o is order else (1,))
    }
    old_keys = set(session.scalars(select(Secret.key_id)))

    def crash(done, total):
        if done == 2:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        vault.rotate(session, batch_size=2, progress=crash)
    session.rollback()
    session.expire_all()
    new_key = (set(session.scalars(select(Secret.key_id))) - old_keys).pop()
    # Resumed the way the README says: `flask vault rotate --reencrypt-only`.
    result = runner.invoke(args=["vault", "rotate", "--reencrypt-only", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert f"{count(session, Secret) - 2} secret(s) re-encrypted" in result.output
    session.expire_all()
    assert set(session.scalars(select(Secret.key_id))) == {new_key}
    for value in before.values():
        assert value not in result.output
    for (order_id, which, version), value in before.items():
        target = order if order_id == order.id else other
        assert revealed(session, world, target, which, version) == value


# ---------------------------------------------------------------- gate and dashboard


def test_hold_call_waits_for_provisioning_on_the_order_page(client, session, world, order, carla):
    book_directly(session, world, order, world.lead, world.partner)
    session.add(
        StepCompletion(order_id=order.id, step="schedule_call", completed_by_id=world.partner.id)
    )
    session.commit()
    login(client, world.lead)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Setup Call durchführen: wartet auf Vorgänger" in body
    assert "CP Cloud einrichten: offen" in body
    provision(session, world, order, [carla])
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "CP Cloud einrichten: erledigt" in body
    assert "Setup Call durchführen: offen" in body


def in_working_days(count_: int):
    """A time (10:00 Berlin) `count_` working days after today."""
    today = datetime.now(BERLIN).date()
    day = slots.working_days(today + timedelta(days=1), count_)[-1]
    return datetime.combine(day, time(10), BERLIN).astimezone(UTC)


def test_dashboard_flags_cloud_orders_with_a_near_call_and_no_provisioning(
    app, client, session, world, order, carla
):
    def call_at(target, moment):
        call = SetupCall(
            order_id=target.id,
            uid=f"{uuid.uuid4()}@test",
            starts_at=moment,
            ends_at=moment + timedelta(hours=1),
            booked_by_id=world.partner.id,
        )
        session.add(call)
        session.commit()

    call_at(order, in_working_days(2))
    far = place(session, world, code="FAR", deployment="cp_cloud")
    accept(session, world, far)
    call_at(far, in_working_days(8))
    onprem = place(session, world, code="ONPREM")
    accept(session, world, onprem)
    call_at(onprem, in_working_days(1))
    login(client, world.partner)

    def flagged() -> set[str]:
        body = client.get("/").get_data(as_text=True)
        rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
        return {
            re.search(r'class="mono">(\w+)<', row).group(1)
            for row in rows
            if "CP Cloud fehlt" in row
        }

    assert flagged() == {"ACME"}
    assert "CP Cloud fehlt, Setup Call in ≤ 3 Arbeitstagen" in client.get("/").get_data(
        as_text=True
    )
    provision(session, world, order, [carla])
    assert flagged() == set()

    # One query for the flags of a whole page, however many orders it shows.
    session.expire_all()
    statements, stop = count_queries(app)
    client.get("/")
    stop()
    few = len(statements)
    for number in range(5):
        extra = place(session, world, code=f"MORE{number}", deployment="cp_cloud")
        accept(session, world, extra)
        call_at(extra, in_working_days(1))
    session.expire_all()
    statements, stop = count_queries(app)
    body = client.get("/").get_data(as_text=True)
    stop()
    assert len(statements) == few
    assert flagged() == {f"MORE{n}" for n in range(5)}
    assert "CP Cloud fehlt" in body


# ---------------------------------------------------------------- the planted secret


def give_hours(session, *users):
    for user in users:
        session.add(StaffCalendar(user_id=user.id))
    session.commit()


def test_a_planted_secret_appears_only_in_the_reveal_and_the_script(
    app, client, session, world, caplog, tmp_path
):
    caplog.set_level(logging.DEBUG)
    planted = f"Zz9!planted-{secrets.token_hex(8)}"
    items = catalogue(session)
    give_hours(session, world.lead, world.partner, world.architect, world.technician)
    clean: list[tuple[str, str]] = []  # (what, text) that must not hold the secret
    holding: list[str] = []  # bodies that must

    def visit(what, response):
        text_ = response.get_data(as_text=True) + str(response.headers)
        clean.append((what, text_))
        return response

    login(client, world.partner)
    visit("order form", client.get("/orders/new"))
    placed = visit(
        "place",
        client.post(
            "/orders/new",
            data={
                "customer_name": "Planted GmbH",
                "short_code": "PLANT",
                "license_model": "rent",
                "deployment": "cp_cloud",
                "language": "de",
                f"qty_{items['TRAINING'].id}": "1",
            },
        ),
    )
    order_url = placed.location
    order_id = int(order_url.rsplit("/", 1)[1])
    login(client, world.backoffice)
    visit("accept", client.post(f"{order_url}/accept", data={"project_lead": world.lead.id}))
    login(client, world.partner)
    visit(
        "contact",
        client.post(
            f"{order_url}/contacts",
            data={"name": "Petra Planted", "email": "petra@plant.example", "language": "de"},
        ),
    )
    contact_id = session.scalar(text("SELECT id FROM customer_contact"))
    query = {
        "duration": "60",
        "architect": str(world.architect.id),
        "technician": str(world.technician.id),
        "contact": str(contact_id),
    }
    found = visit("search", client.get(f"{order_url}/call", query_string=query))
    start = re.findall(r'name="start" value="([^"]+)"', found.get_data(as_text=True))[3]
    visit("book", client.post(f"{order_url}/call/book", data=query | {"start": start}))
    visit("dashboard before", client.get("/"))
    visit("cloud page", client.get(f"{order_url}/cloud"))

    form = {
        "server_name": "sql01.plant.example",  # refused: no instance, no port
        "saxess_mode": "enter",
        "saxess_password": planted,
        "cpce_mode": "generate",
        "contact": str(contact_id),
    }
    visit("refused provisioning", client.post(f"{order_url}/cloud", data=form))
    visit("refused, no contact", client.post(f"{order_url}/cloud", data=form | {"contact": ""}))
    saved = visit(
        "provision", client.post(f"{order_url}/cloud", data=form | {"server_name": SERVER})
    )
    assert saved.status_code == 302
    visit("cloud page after", client.get(saved.location))
    visit("order page", client.get(order_url))
    visit("dashboard", client.get("/"))
    visit("ics", client.get(f"{order_url}/call.ics"))

    reveal = client.post(f"{order_url}/cloud/reveal/saxess")
    assert reveal.status_code == 200
    holding.append(reveal.get_data(as_text=True))
    script = client.post(f"{order_url}/cloud/script.sql")
    holding.append(script.get_data(as_text=True))
    visit("cpce reveal", client.post(f"{order_url}/cloud/reveal/cpce"))

    second = form | {"server_name": "10.1.2.3,1433", "saxess_mode": "keep", "cpce_mode": "keep"}
    visit("version 2", client.post(f"{order_url}/cloud", data=second))
    visit("cloud page v2", client.get(f"{order_url}/cloud"))
    login(client, world.architect)
    reveal = client.post(f"{order_url}/cloud/reveal/saxess", data={"version": "1"})
    assert reveal.status_code == 200
    holding.append(reveal.get_data(as_text=True))
    visit("architect order page", client.get(order_url))
    client.post("/language", data={"lang": "en", "next": order_url})
    visit("order page in English", client.get(order_url))
    visit("cloud page in English", client.get(f"{order_url}/cloud"))
    login(client, world.backoffice)
    visit("forbidden reveal", client.post(f"{order_url}/cloud/reveal/saxess"))
    visit("forbidden script", client.post(f"{order_url}/cloud/script.sql"))
    login(client, world.admin)
    visit("audit", client.get("/admin/audit"))
    visit("outbox", client.get("/admin/outbox"))
    for message_id in session.scalars(select(OutboxMessage.id)):
        visit(f"mail {message_id}", client.get(f"/admin/outbox/{message_id}"))
    login(client, world.other_partner)
    visit("other partner", client.post(f"{order_url}/cloud/reveal/saxess"))

    assert all(planted in body for body in holding)
    assert len(holding) == 3 and "Anna" not in holding[2]  # the architect saw it, too
    for what, text_ in clean:
        assert planted not in text_, what
    # Flashes travel in the (signed, not encrypted) session cookie.
    cookie = client.get_cookie("session")
    if cookie is not None:
        data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        assert planted not in str(data)

    deliver(session)
    session.expire_all()
    mails = session.scalars(select(OutboxMessage)).all()
    assert len(mails) >= 5
    for message in mails:
        assert planted not in message.raw + message.subject + message.recipients
    eml_files = list((tmp_path / "mail").rglob("*.eml"))
    assert eml_files
    for path in eml_files:
        assert planted not in path.read_text(errors="replace")
    for record in caplog.records:
        assert planted not in record.getMessage()
        assert planted not in str(record.args) + str(record.exc_text or "")
    assert planted not in caplog.text
    audit_rows = session.scalars(select(AuditEvent)).all()
    actions = {row.action for row in audit_rows}
    assert {"cloud.provision", "cloud.reveal", "cloud.script"} <= actions
    for row in audit_rows:
        columns = [getattr(row, c.key) for c in inspect(AuditEvent).column_attrs]
        assert planted not in json.dumps(columns, default=str, ensure_ascii=False)
    # No table holds it in plain text; it is in the vault, and only there, encrypted.
    for table in db.metadata.sorted_tables:
        for row in session.execute(table.select()):
            assert planted not in repr(tuple(row)), table.name
            assert planted.encode() not in b"".join(v for v in row if isinstance(v, bytes))
    reveals = events(session, "cloud.reveal")
    assert [(e.actor_id, e.payload["which"], e.payload["version"]) for e in reveals] == [
        (world.partner.id, "saxess", 1),
        (world.partner.id, "cpce", 1),
        (world.architect.id, "saxess", 1),
    ]
    assert order_id

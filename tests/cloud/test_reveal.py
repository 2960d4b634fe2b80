"""Step 4: who may reveal a password or download the T-SQL script, and how both are recorded."""

import json

import pytest

from portal import vault
from portal.models import AuditEvent, Role
from portal.models.call import BOOKED, CANCELLED
from portal.services import cloud
from portal.services.cloud.passwords import ENTER, PasswordChoice
from tests.cloud.builders import SERVER, book_directly, count, events, provision, revealed
from tests.conftest import add_user, login
from tests.unit.tsql_reader import literals


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

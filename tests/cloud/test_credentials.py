"""Step 4 and the vault: a wrong key is a clear error, rotation keeps the passwords revealable."""

import base64
import os

import pytest
from sqlalchemy import select

from portal import vault
from portal.models import AuditEvent, CloudProvisioning, Secret
from portal.services import calls
from portal.services.cloud import VaultUnavailable
from portal.services.cloud.passwords import GENERATE, PasswordChoice
from tests.cloud.builders import count, provision, revealed
from tests.conftest import login
from tests.helpers import accept, place


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

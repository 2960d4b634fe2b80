"""Step 4's planted secret: one known password, looked for everywhere the portal writes.

The test runs a whole provisioning over HTTP and looks for the password in pages, flashes,
emails (outbox and .eml), log records, the audit log and every database row.
"""

import json
import logging
import re
import secrets

from sqlalchemy import inspect, select, text

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage, StaffCalendar
from tests.cloud.builders import SERVER, events
from tests.conftest import login
from tests.helpers import catalogue, deliver


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

"""Steps 1 and 2 over HTTP: placing and accepting orders, with every refusal."""

import json
from datetime import timedelta
from email import message_from_string
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.filters import due as due_filter
from portal.models import (
    AuditEvent,
    Customer,
    CustomerGrant,
    CustomerLink,
    License,
    Order,
    OutboxMessage,
    StepCompletion,
    utcnow,
)
from portal.services import clock
from tests.conftest import login
from tests.helpers import accept, catalogue, deliver, place


def order_form(items, **overrides):
    data = {
        "customer_name": "Müller Maschinenbau GmbH",
        "short_code": " mueller ",
        "license_model": "rent",
        "deployment": "cp_cloud",
        "language": "de",
        f"qty_{items['TRAINING'].id}": "2",
        f"qty_{items['REPORTS'].id}": "1,5",
    }
    data.update(overrides)
    return data


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_partner_places_an_order_with_fee_lines_and_totals(client, session, world):
    items = catalogue(session)
    login(client, world.partner)
    response = client.post("/orders/new", data=order_form(items))
    assert response.status_code == 302
    order = session.scalar(select(Order))
    assert order.short_code == "MUELLER"
    assert order.partner_id == world.partner_org.id
    assert [(line.name_de, str(line.quantity)) for line in order.lines] == [
        ("Installationspauschale", "1.00"),
        ("Anwenderschulung", "2.00"),
        ("Berichtsvorlagen", "1.50"),
    ]
    assert str(order.total) == "7448.25"  # 4800 + 2 * 1200 + 1.5 * 165.50
    page = client.get(response.location).get_data(as_text=True)
    assert "7.448,25 €" in page
    assert "Auftragsannahme" in page
    completion = session.scalar(select(StepCompletion).where(StepCompletion.step == "order"))
    assert completion.completed_by_id == world.partner.id
    assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "order.place"


@pytest.mark.parametrize(
    "code", ["", "A", "ABCDEFGHIJK", "MÜLLER", "AB CD", "AB-CD", "AB_CD", "X;DROP", "AB\nCD", "A'B"]
)
def test_malformed_short_code_is_refused_and_nothing_written(client, session, world, code):
    items = catalogue(session)
    login(client, world.partner)
    response = client.post("/orders/new", data=order_form(items, short_code=code))
    assert response.status_code == 400
    assert "2 bis 10 Buchstaben" in response.get_data(as_text=True)
    assert count(session, Order) == 0


def test_duplicate_short_code_is_refused_also_against_other_partners(client, session, world):
    items = catalogue(session)
    place(session, world, code="MUELLER", partner=world.other_partner)
    login(client, world.partner)
    response = client.post("/orders/new", data=order_form(items, short_code="Mueller"))
    assert response.status_code == 400
    assert "MUELLER ist schon vergeben" in response.get_data(as_text=True)
    assert count(session, Order) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("customer_name", " ", "Bitte den Kundennamen angeben"),
        ("license_model", "lease", "Bitte Miete oder Kauf"),
        ("deployment", "mars", "Bitte on-premises oder CP Cloud"),
        ("qty_TRAINING", "-1", "Menge als Zahl"),
        ("qty_TRAINING", "zwei", "Menge als Zahl"),
        ("qty_TRAINING", "1.234", "Menge als Zahl"),
        ("qty_TRAINING", "NaN", "Menge als Zahl"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(
    client, session, world, field, value, message
):
    items = catalogue(session)
    if field == "qty_TRAINING":
        field = f"qty_{items['TRAINING'].id}"
    login(client, world.partner)
    response = client.post("/orders/new", data=order_form(items, **{field: value}))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert 'class="error-summary"' in body
    assert count(session, Order) == 0
    assert count(session, AuditEvent) == 0


def test_only_partner_staff_place_orders(client, session, world):
    items = catalogue(session)
    for user in (world.backoffice, world.lead, world.admin):
        login(client, user)
        assert client.get("/orders/new").status_code == 403
        assert client.post("/orders/new", data=order_form(items)).status_code == 403
    assert count(session, Order) == 0


def test_back_office_accepts_an_order(client, session, world, app):
    order = place(session, world, code="MUELLER")
    login(client, world.backoffice)
    response = client.post(f"/orders/{order.id}/accept", data={"project_lead": world.lead.id})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Bestellung angenommen; die E-Mail an den Partner ist zum Versand eingereiht." in page
    session.expire_all()
    customer = session.scalar(select(Customer))
    assert (customer.name, customer.short_code) == ("MUELLER GmbH", "MUELLER")
    grant = session.scalar(select(CustomerGrant))
    assert (grant.customer_id, grant.organisation_id) == (customer.id, world.partner_org.id)
    assert order.project_lead_id == world.lead.id
    assert session.scalar(select(License)).customer_id == customer.id
    links = session.scalars(select(CustomerLink).order_by(CustomerLink.questionnaire)).all()
    assert [link.questionnaire for link in links] == ["business", "technical"]
    assert all(len(link.token_hash) == 64 for link in links)
    assert "accept" in {c.step for c in order.completions}

    mail = session.scalar(select(OutboxMessage))
    assert mail.recipients == world.partner.email
    # Each link records the mail it went out with.
    assert [link.sent_to for link in links] == [
        [{"name": world.partner.name, "email": world.partner.email, "message_id": mail.id}]
    ] * 2
    assert deliver(session) == "1 kept"  # without SMTP_HOST the .eml file is the delivery
    (delivered,) = Path(app.config["MAIL_DIR"]).glob(f"{mail.id}-*.eml")
    message = message_from_string(delivered.read_text(encoding="utf-8"), policy=default_policy)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert world.lead.name in text and world.lead.name in html
    urls = [line.strip() for line in text.splitlines() if "/r/" in line]
    assert len(urls) == 2 and all(u.startswith(app.config["BASE_URL"] + "/r/") for u in urls)
    assert all(url in html for url in urls)
    # The outbox keeps no token: the stored message has placeholders where the links go.
    session.expire_all()
    stored = session.scalar(select(OutboxMessage)).raw
    assert not any(url.rsplit("/", 1)[1] in stored for url in urls)
    # The mailed links are the ones whose hashes are stored, and they open the customer page.
    customer_client = app.test_client()
    for url in urls:
        assert customer_client.get(url.removeprefix(app.config["BASE_URL"])).status_code == 303


def test_confirmation_mail_follows_each_partner_users_language(session, world):
    from tests.conftest import add_user

    add_user(session, world.partner_org, "partner_staff", "eve@cp.example", language="en")
    session.commit()
    accept(session, world, place(session, world))
    subjects = dict(session.execute(select(OutboxMessage.recipients, OutboxMessage.subject)).all())
    assert subjects["anna@cp.example"].startswith("Auftragsbestätigung")
    assert subjects["eve@cp.example"].startswith("Order confirmation")


def test_accepting_needs_the_back_office_role(client, session, world):
    order = place(session, world)
    for user in (world.partner, world.lead, world.admin):
        login(client, user)
        response = client.post(f"/orders/{order.id}/accept", data={"project_lead": world.lead.id})
        assert response.status_code == 403
    assert count(session, Customer) == 0


def test_accepting_twice_or_without_a_project_lead_is_refused(client, session, world):
    order = place(session, world)
    login(client, world.backoffice)
    client.post(f"/orders/{order.id}/accept", data={"project_lead": world.architect.id})
    assert count(session, Customer) == 0
    client.post(f"/orders/{order.id}/accept", data={"project_lead": world.lead.id})
    response = client.post(
        f"/orders/{order.id}/accept", data={"project_lead": world.lead.id}, follow_redirects=True
    )
    assert "schon angenommen" in response.get_data(as_text=True)
    assert count(session, Customer) == 1
    assert count(session, License) == 1
    assert count(session, OutboxMessage) == 1


def test_another_partner_gets_404_for_everything_of_an_order(client, session, world):
    order = place(session, world)
    accept(session, world, order)
    login(client, world.other_partner)
    for url in (f"/orders/{order.id}", f"/orders/{order.id}/license", "/orders/99999"):
        assert client.get(url).status_code == 404
    assert order.customer_name not in client.get("/").get_data(as_text=True)


def test_ordering_partner_keeps_access_through_the_grant(client, session, world):
    order = place(session, world)
    accept(session, world, order)
    login(client, world.partner)
    assert client.get(f"/orders/{order.id}").status_code == 200
    response = client.get(f"/orders/{order.id}/license")
    assert response.status_code == 200
    assert json.loads(response.data)["license"]["short_code"] == "ACME"


def test_html_in_a_customer_name_is_shown_as_text(client, session, world):
    items = catalogue(session)
    login(client, world.partner)
    data = order_form(items, customer_name="<script>alert(1)</script> AG", short_code="XSS")
    response = client.post("/orders/new", data=data, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; AG" in body


def test_the_order_page_shows_when_each_open_step_is_due_and_what_is_late(client, session, world):
    order = place(session, world, code="LATE")
    placed = next(c for c in order.completions if c.step == "order")
    placed.completed_at = utcnow() - timedelta(days=14)  # acceptance was due long ago
    session.commit()
    fresh = place(session, world, code="FRESH")
    login(client, world.backoffice)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    due = clock.progress(order)[1].due
    mine = body.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert f"fällig bis {due_filter(due)}" in mine and 'badge-overdue">überfällig' in mine
    timeline = body.split('id="timeline-heading"', 1)[1].split("</section>", 1)[0]
    assert f"fällig bis {due_filter(due)}" in timeline
    body = client.get(f"/orders/{fresh.id}").get_data(as_text=True)
    assert 'badge-soon">bald fällig' in body and 'badge-overdue">überfällig' not in body

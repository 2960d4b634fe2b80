"""Customer records: the list and the record, tenancy, and the search on both pages."""

import re

import pytest

from portal.models import CustomerContact, CustomerGrant
from tests.conftest import login
from tests.helpers import accept, mark_done, place


def customer_of(session, world, code, partner=None, contacts=()):
    """An accepted order's customer record, with contacts given as (name, email) pairs."""
    order = place(session, world, code=code, partner=partner)
    accept(session, world, order)
    for name, email in contacts:
        session.add(CustomerContact(customer_id=order.customer_id, name=name, email=email))
    session.commit()
    return order


def codes(body: str) -> list[str]:
    return re.findall(r'<td class="mono">(\w+)</td>', body)


def text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.fixture
def two_partners(session, world):
    """MINE, with a contact, at the first partner; THEIRS at the other partner."""
    mine = customer_of(session, world, "MINE", contacts=[("Maria Muster", "maria@mine.example")])
    theirs = customer_of(session, world, "THEIRS", partner=world.other_partner)
    return mine, theirs


def test_vendor_staff_see_every_customer_with_orders_licences_and_partners(
    client, session, world, two_partners
):
    login(client, world.lead)
    body = text(client, "/customers")
    assert codes(body) == ["MINE", "THEIRS"]
    assert "Partner mit Zugriff" in body
    assert "<td>CP</td>" in body and "<td>Other Partner</td>" in body
    assert "1 offen · 0 abgeschlossen" in body
    assert "Miete," in body  # the licence issued at acceptance


def test_partner_staff_see_only_granted_customers_without_the_vendor_column(
    client, session, world, two_partners
):
    login(client, world.partner)
    body = text(client, "/customers")
    assert codes(body) == ["MINE"]
    assert "Partner mit Zugriff" not in body and "Other Partner" not in body


def test_a_granted_customer_shows_to_the_partner_granted_later(
    client, session, world, two_partners
):
    _, theirs = two_partners
    session.add(CustomerGrant(customer_id=theirs.customer_id, organisation_id=world.partner_org.id))
    session.commit()
    login(client, world.partner)
    assert codes(text(client, "/customers")) == ["MINE", "THEIRS"]
    assert "THEIRS GmbH" in text(client, f"/customers/{theirs.customer_id}")


def test_another_partners_customer_answers_404(client, session, world, two_partners):
    _, theirs = two_partners
    login(client, world.partner)
    response = client.get(f"/customers/{theirs.customer_id}")
    assert response.status_code == 404
    assert "THEIRS" not in response.get_data(as_text=True)
    assert client.get("/customers/999999").status_code == 404


def test_the_record_for_vendor_staff(client, session, world, two_partners):
    mine, _ = two_partners
    session.add(
        CustomerContact(
            customer_id=mine.customer_id,
            name="John Doe",
            email="john@mine.example",
            phone="+49 30 1234",
            role="IT-Leiter",
            language="en",
        )
    )
    session.commit()
    login(client, world.backoffice)
    body = text(client, f"/customers/{mine.customer_id}")
    assert "<h1>MINE GmbH" in body
    assert "Maria Muster" in body and "maria@mine.example" in body
    assert "John Doe" in body and "IT-Leiter" in body and "+49 30 1234" in body
    assert '<span lang="en">English</span>' in body
    assert f'href="/orders/{mine.id}"' in body
    assert "in Arbeit" in body and "Setup Call planen" in body
    assert f'href="/orders/{mine.id}/license"' in body
    assert client.get(f"/orders/{mine.id}/license").status_code == 200  # the link works
    assert "Partner mit Zugriff" in body and "Bea" in body  # who granted it: the back office


def test_the_record_for_partner_staff_hides_who_else_has_access(
    client, session, world, two_partners
):
    mine, _ = two_partners
    login(client, world.partner)
    body = text(client, f"/customers/{mine.customer_id}")
    assert "Maria Muster" in body and f'href="/orders/{mine.id}/license"' in body
    assert "Partner mit Zugriff" not in body and "Berechtigt von" not in body


def test_a_finished_order_counts_as_completed(client, session, world):
    order = customer_of(session, world, "DONE")
    for step in ("schedule_call", "answer_questionnaires", "hold_call", "approve_protocol"):
        mark_done(session, order, step)
    mark_done(session, order, "send_package")
    login(client, world.admin)
    assert "0 offen · 1 abgeschlossen" in text(client, "/customers")
    assert "Onboarding abgeschlossen" in text(client, f"/customers/{order.customer_id}")


@pytest.mark.parametrize(
    "term", ["mine gmbh", "MIN", "Muster", "MARIA@MINE", "mine.example"], ids=str
)
@pytest.mark.parametrize("url", ["/customers", "/"])
def test_search_finds_by_name_code_contact_name_and_email(
    client, session, world, two_partners, url, term
):
    customer_of(session, world, "OTHER", contacts=[("Olaf Anders", "olaf@other.example")])
    login(client, world.backoffice)
    assert codes(text(client, f"{url}?q={term}")) == ["MINE"]


@pytest.mark.parametrize("url", ["/customers", "/"])
def test_search_keeps_tenancy(client, session, world, url):
    customer_of(session, world, "MINE", contacts=[("Shared Name", "a@mine.example")])
    customer_of(
        session,
        world,
        "THEIRS",
        partner=world.other_partner,
        contacts=[("Shared Name", "b@theirs.example")],
    )
    login(client, world.partner)
    assert codes(text(client, f"{url}?q=shared")) == ["MINE"]


@pytest.mark.parametrize("url", ["/customers", "/"])
def test_percent_and_underscore_match_only_themselves(client, session, world, url):
    customer_of(session, world, "PCT", contacts=[("Rabatt 100% Team", "x_y@pct.example")])
    customer_of(session, world, "PLAIN", contacts=[("Rabatt 1000 Team", "xay@plain.example")])
    login(client, world.backoffice)
    assert codes(text(client, f"{url}?q=100%25")) == ["PCT"]
    assert codes(text(client, f"{url}?q=x_y")) == ["PCT"]
    assert codes(text(client, f"{url}?q=%25")) == ["PCT"]


def test_search_without_result_says_so(client, session, world, two_partners):
    login(client, world.backoffice)
    body = text(client, "/customers?q=<nobody>")
    assert "Kein Kunde passt zu „&lt;nobody&gt;“." in body


def test_paging(app, client, session, world):
    app.config["DASHBOARD_PAGE_SIZE"] = 2
    for code in ("C1", "C2", "C3"):
        customer_of(session, world, code)
    login(client, world.backoffice)
    first = text(client, "/customers")
    assert codes(first) == ["C1", "C2"] and "Seite 1 von 2 · 3 Kunden" in first
    assert codes(text(client, "/customers?page=2")) == ["C3"]
    assert codes(text(client, "/customers?page=99")) == ["C3"]


@pytest.mark.parametrize("role", ["partner", "backoffice", "lead", "admin", "technician"])
def test_navigation_leads_to_the_customers(client, world, role):
    login(client, world.users[role])
    assert '<a href="/customers">Kunden</a>' in text(client, "/")


def test_signed_out_visitors_are_sent_to_the_login(client, session, world, two_partners):
    mine, _ = two_partners
    for url in ("/customers", f"/customers/{mine.customer_id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_pages_in_english(client, session, world, two_partners):
    mine, _ = two_partners
    world.backoffice.language = "en"
    session.commit()
    login(client, world.backoffice)
    listing = text(client, "/customers")
    assert "Partners with access" in listing and "1 open · 0 completed" in listing
    assert '<a href="/customers">Customers</a>' in listing
    record = text(client, f"/customers/{mine.customer_id}")
    assert "Contacts" in record and "Licences" in record and "in progress" in record
    assert "Schedule the setup call" in record and "Granted by" in record
    assert "Customer not found." in client.get("/customers/999999").get_data(as_text=True)


def test_one_customer_is_counted_in_the_singular(client, session, world, two_partners):
    login(client, world.partner)
    assert "Seite 1 von 1 · 1 Kunde</span>" in text(client, "/customers")


@pytest.mark.parametrize("url", ["/customers", "/"])
def test_capitals_typed_find_umlauts_written_in_lower_case(client, session, world, url):
    customer_of(session, world, "UML", contacts=[("Jürgen Weiß", "jw@uml.example")])
    customer_of(session, world, "PLAIN", contacts=[("Juergen Weiss", "jw@plain.example")])
    login(client, world.backoffice)
    assert codes(text(client, f"{url}?q=JÜRGEN")) == ["UML"]
    assert codes(text(client, f"{url}?q=weiß")) == ["UML"]


def test_an_absurd_page_number_shows_the_last_page(client, session, world, two_partners):
    login(client, world.backoffice)
    assert codes(text(client, "/customers?page=99999999999999999999999")) == ["MINE", "THEIRS"]
    assert codes(text(client, "/customers?page=-3")) == ["MINE", "THEIRS"]


def test_the_record_shows_the_postal_address_the_offer_uses(client, session, world, two_partners):
    mine, _ = two_partners
    login(client, world.partner)
    assert "Noch keine Postanschrift erfasst" in text(client, f"/customers/{mine.customer_id}")
    customer = mine.customer
    customer.street, customer.postcode, customer.city = "Ringstraße 1", "1010", "Wien"
    customer.country = "AT"
    session.commit()
    body = text(client, f"/customers/{mine.customer_id}")
    assert "<address>Ringstraße 1<br>1010 Wien<br>ÖSTERREICH</address>" in body


def test_the_order_page_leads_to_its_customer_record(client, session, world, two_partners):
    mine, _ = two_partners
    login(client, world.partner)
    body = text(client, f"/orders/{mine.id}")
    assert f'href="/customers/{mine.customer_id}">Kundendatensatz</a>' in body

"""PostgreSQL only: the search over customers and contacts, as PostgreSQL runs it."""

import re

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models import CustomerContact
from tests.conftest import login
from tests.helpers import accept, place
from tests.pg_util import require_postgres

pytestmark = pytest.mark.pg


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


def _customer(session, world, code, name, email, partner=None):
    order = place(session, world, code=code, partner=partner)
    accept(session, world, order)
    session.add(CustomerContact(customer_id=order.customer_id, name=name, email=email))
    session.commit()


def _codes(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'<td class="mono">(\w+)</td>', response.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/", "/customers"])
def test_each_field_found_case_insensitively_with_wildcards_taken_literally(
    client, session, world, url
):
    _customer(session, world, "ALPHA", "Erika Mustermann", "e_m@alpha.example")
    _customer(session, world, "BETA", "Rabatt 100% Team", "info@beta.example")
    _customer(session, world, "GAMMA", "Rabatt 1000 Team", "eam@gamma.example")
    _customer(session, world, "HIDDEN", "Erika Hidden", "x@h.example", world.other_partner)
    login(client, world.partner)
    assert _codes(client, f"{url}?q=alpha gmbh") == ["ALPHA"]  # customer name
    assert _codes(client, f"{url}?q=Alp") == ["ALPHA"]  # short code
    assert _codes(client, f"{url}?q=MUSTERMANN") == ["ALPHA"]  # contact name
    assert _codes(client, f"{url}?q=Info@Beta") == ["BETA"]  # contact email
    assert _codes(client, f"{url}?q=e_m") == ["ALPHA"]
    assert _codes(client, f"{url}?q=100%25") == ["BETA"]
    assert _codes(client, f"{url}?q=erika") == ["ALPHA"]  # not the other partner's


def test_the_dashboard_search_stays_one_query(client, session, world):
    _customer(session, world, "ALPHA", "Erika Mustermann", "e@alpha.example")
    login(client, world.backoffice)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert _codes(client, "/?q=erika") == ["ALPHA"]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    searching = [s for s in statements if "search_text LIKE" in s]
    # The count and the page: each looks in the indexed search text, none in the contacts.
    assert len(searching) == 2
    assert not any("customer_contact" in s for s in searching)

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


def _plans(statements, marker):
    """PostgreSQL's plans of the statements holding the marker, with sequential scans priced
    out, so that a small test table still shows which index the query can use."""
    plans = []
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            if marker in statement:
                rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                plans.append("\n".join(row[0] for row in rows))
    return plans


class _Statements:
    def __enter__(self):
        self.seen = []
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def _seen(self, _conn, _cursor, statement, parameters, *_args):
        self.seen.append((statement, parameters))

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)


@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/?q=mustermann", "ix_customer_order_search_text"),
        ("/customers?q=ALP", "ix_customer_search_text"),
    ],
)
def test_the_search_uses_the_trigram_index(client, session, world, url, index):
    _customer(session, world, "ALPHA", "Erika Mustermann", "e@alpha.example")
    _customer(session, world, "BETA", "Max Muster", "m@beta.example")
    login(client, world.partner)
    with _Statements() as run:
        assert _codes(client, url) == ["ALPHA"]
    plans = _plans(run.seen, "search_text LIKE")
    assert len(plans) == 2  # the count and the page
    assert all(f"Bitmap Index Scan on {index}" in plan for plan in plans), plans
    # Nor does visibility read all of the partner's grants into a hash (linear in customers).
    assert not any("hashed SubPlan" in plan for plan in plans), plans


def test_the_step_filter_looks_up_steps_by_index(client, session, world):
    _customer(session, world, "ALPHA", "Erika Mustermann", "e@alpha.example")
    login(client, world.partner)
    with _Statements() as run:
        assert client.get("/?step=provision_cloud&mine=1").status_code == 200
    plans = _plans(run.seen, "step_completion.step")
    assert len(plans) == 2
    for plan in plans:
        # One index lookup per order visited, never a (hashed) read of every completion of a
        # step, which grows with the number of orders.
        assert "Seq Scan on step_completion" not in plan, plan
        for step in ("provision_cloud", "accept"):
            probe = (
                f"Index Cond: (((step)::text = '{step}'::text) AND (order_id = customer_order.id))"
            )
            assert probe in plan, plan

"""The search's indexed copy (search_text): kept with every write, used per the query plan,
and a dashboard page costs the same number of statements at any number of orders."""

import re
from datetime import UTC, datetime

import flask_migrate
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Customer, CustomerContact, Order
from portal.services import search, search_index
from tests.conftest import login
from tests.helpers import accept, place
from tests.test_migrations import MIGRATIONS, bare_app  # noqa: F401  (a fixture)


def _codes(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return re.findall(r'<td class="mono">(\w+)</td>', response.get_data(as_text=True))


def _accepted(session, world, code, contact=None):
    order = place(session, world, code=code)
    accept(session, world, order)
    if contact:
        session.add(
            CustomerContact(customer_id=order.customer_id, name=contact[0], email=contact[1])
        )
        session.commit()
    return order


class Statements:
    """The SQL statements (and their parameters) the engine runs while inside the block."""

    def __enter__(self):
        self.seen = []
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def _seen(self, _conn, _cursor, statement, parameters, *_args):
        self.seen.append((statement, parameters))

    def __exit__(self, *_exc):
        event.remove(db.engine, "before_cursor_execute", self._seen)


def _sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plans (PostgreSQL's: tests/test_customers_pg.py)")


def test_contact_changes_reach_the_search_and_a_rollback_takes_them_back(client, session, world):
    order = _accepted(session, world, "ALPHA", ("Erika Muster", "em@alpha.example"))
    login(client, world.partner)
    assert _codes(client, "/?q=muster") == ["ALPHA"]
    contact = session.scalars(select(CustomerContact)).one()
    contact.name, contact.email = "Jürgen Weiß", "jw@alpha.example"
    session.commit()
    assert _codes(client, "/?q=muster") == []
    assert _codes(client, "/?q=JÜRGEN") == ["ALPHA"]
    assert _codes(client, "/customers?q=weiß") == ["ALPHA"]

    session.add(CustomerContact(customer_id=order.customer_id, name="Neu", email="neu@x.example"))
    session.flush()
    session.rollback()
    assert _codes(client, "/?q=neu@x") == []
    session.delete(session.scalars(select(CustomerContact)).one())
    session.commit()
    assert _codes(client, "/?q=jürgen") == []
    assert _codes(client, "/?q=alpha") == ["ALPHA"]  # name and code stay
    stored = session.scalar(select(Order.search_text).where(Order.id == order.id))
    assert stored == "alpha gmbh\nalpha"


def test_refresh_all_rewrites_a_stale_copy(session, world):
    _accepted(session, world, "ALPHA", ("Erika Muster", "em@alpha.example"))
    db.session.execute(Order.__table__.update().values(search_text=""))
    db.session.execute(Customer.__table__.update().values(search_text=""))
    db.session.commit()
    assert search_index.refresh_all(session) == 2
    assert session.scalar(select(Customer.search_text)) == (
        "alpha gmbh\nalpha\nerika muster\nem@alpha.example"
    )
    assert search_index.refresh_all(session) == 0


def test_terms_shorter_than_a_trigram_still_find(client, session, world):
    _accepted(session, world, "ALPHA", ("Erika Muster", "em@alpha.example"))
    _accepted(session, world, "BETA")
    login(client, world.partner)
    assert _codes(client, "/?q=em") == ["ALPHA"]
    assert _codes(client, "/customers?q=ET") == ["BETA"]


def _plans(statements, marker):
    found = []
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            if marker in statement:
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                found.append([row[-1] for row in plan])
    return found


@pytest.mark.parametrize(
    ("url", "table"), [("/?q=erika", "customer_order"), ("/customers?q=erika", "customer")]
)
def test_sqlite_search_walks_the_fts5_index(client, session, world, url, table):
    _sqlite_only()
    _accepted(session, world, "ALPHA", ("Erika Muster", "em@alpha.example"))
    _accepted(session, world, "BETA")
    login(client, world.partner)
    with Statements() as run:
        assert _codes(client, url) == ["ALPHA"]
    plans = _plans(run.seen, f"{table}_fts")
    assert len(plans) == 2  # the count and the page
    for plan in plans:
        assert any(f"SCAN {table}_fts VIRTUAL TABLE INDEX" in step for step in plan), plan
        assert any(f"SEARCH {table} USING INTEGER PRIMARY KEY" in step for step in plan), plan
        assert not any(step.startswith(f"SCAN {table}") and "_fts" not in step for step in plan)


def test_sqlite_step_filter_and_mine_look_up_steps_and_calls_by_index(client, session, world):
    _sqlite_only()
    _accepted(session, world, "ALPHA")
    login(client, world.partner)
    with Statements() as run:
        client.get("/?step=provision_cloud&mine=1")
    plans = _plans(run.seen, "step_completion.step")
    assert len(plans) == 2
    for plan in plans:
        lookups = [s for s in plan if "step_completion" in s or "setup_call" in s]
        assert lookups
        assert [s for s in lookups if not re.match(r"SEARCH \w+ USING (COVERING )?INDEX", s)] == []


@pytest.mark.parametrize("url", ["/", "/?q=gmbh", "/?q=erika", "/?step=provision_cloud&mine=1"])
def test_a_dashboard_page_costs_the_same_statements_at_any_number_of_orders(
    client, session, world, url
):
    def statements():
        with Statements() as run:
            assert client.get(url).status_code == 200
        return len(run.seen)

    login(client, world.partner)
    _accepted(session, world, "A1", ("Erika One", "e1@a.example"))
    place(session, world, code="P1")
    few = statements()
    for n in range(2, 8):
        _accepted(session, world, f"A{n}", ("Erika Other", f"e{n}@a.example"))
        place(session, world, code=f"P{n}")
    assert statements() == few


@pytest.mark.usefixtures("bare_app")
def test_the_migration_fills_the_copy_of_existing_rows_and_indexes_it():
    flask_migrate.upgrade(directory=str(MIGRATIONS), revision="c0a7ac7e1d15")
    statements = (
        "INSERT INTO organisation (id, name, kind, created_at) VALUES (1, 'CP', 'partner', :now)",
        "INSERT INTO user_account (id, organisation_id, email, name, password_hash, role,"
        " language, active, session_version, created_at) VALUES (1, 1, 'p@cp.example', 'P',"
        " 'x', 'partner_staff', 'de', true, 0, :now)",
        "INSERT INTO customer (id, name, short_code, created_at) VALUES"
        " (1, 'Alt GmbH', 'ALT', :now)",
        "INSERT INTO customer_contact (customer_id, name, email, language, created_at) VALUES"
        " (1, 'Jürgen Weiß', 'JW@alt.example', 'de', :now)",
        "INSERT INTO customer_order (id, partner_id, placed_by_id, customer_name, short_code,"
        " license_model, deployment, language, created_at, customer_id) VALUES"
        " (1, 1, 1, 'Alt GmbH', 'ALT', 'rent', 'on_premises', 'de', :now, 1),"
        " (2, 1, 1, 'Neu GmbH', 'NEU', 'rent', 'on_premises', 'de', :now, NULL)",
    )
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), {"now": datetime.now(UTC)})

    flask_migrate.upgrade(directory=str(MIGRATIONS))
    with Session(db.engine) as session:
        texts = {
            row.id: row.search_text for row in session.execute(select(Order.id, Order.search_text))
        }
        assert texts == {1: "alt gmbh\nalt\njürgen weiß\njw@alt.example", 2: "neu gmbh\nneu"}
        assert session.scalar(select(Customer.search_text)) == texts[1]
        found = select(Order.id).where(search.orders_matching(session, "JÜRGEN"))
        assert session.scalars(found).all() == [1]
        found = select(Customer.id).where(search.customers_matching(session, "w@alt"))
        assert session.scalars(found).all() == [1]

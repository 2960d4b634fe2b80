"""Dashboard time with 10,000 orders as a ratio to its time with 100 (goal: at most 1.5x).

Run: .venv/bin/python bench/dashboard.py [--quick]
Always on two throwaway SQLite databases; also on PostgreSQL when DATABASE_URL points at one
(two throwaway databases created next to it, dropped at the end). Each case is the whole
request through the test client, as a user waits for it: the plain dashboard, a search for a
customer name matching one order, a search for a contact's name (found through the customer
record), and the step filter with "mine". Rounds interleave the two sizes, so that load from
other processes hits both alike; a row prints the median of the per-round ratios, their
p10-p90 spread, the median times and the SQL statements per request. Both sizes show pages of
at most 25 rows, so the ratio measures the cost of the extra orders only.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.extensions import db
from portal.models import (
    Customer,
    CustomerContact,
    CustomerGrant,
    Order,
    OrderLine,
    Organisation,
    ServiceItem,
    StepCompletion,
    User,
    utcnow,
)
from portal.services import due_index, search_index
from portal.services.studio.seeding import seed_from_files

SIZES = (100, 10_000)
PASSWORD = "bench-password-123"  # noqa: S105
# Order 50 exists at both sizes; its name and its contact are the only ones with these words.
NEEDLE = 50
CASES = (
    ("plain", "/"),
    ("search name", "/?q=zwickl"),
    ("search contact", "/?q=kowalczyk"),
    ("step filter + mine", "/?step=provision_cloud&mine=1"),
)


def build(size: int, url: str, workdir: Path):
    workdir.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DASHBOARD_PAGE_SIZE": 25,
            "MAIL_DIR": str(workdir / "mail"),
            "LICENSE_KEY_FILE": str(workdir / "license.pem"),
            "AUDIT_KEY_FILE": str(workdir / "audit.pem"),
        }
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()
        seed_from_files(db.session)
        _fill(size)
        # The rows went in behind the ORM, so the indexes are written as `flask work` would.
        due_index.refresh_all(db.session)
        search_index.refresh_all(db.session)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    return app


def _fill(size: int) -> None:
    vendor = Organisation(name="Saxess", kind="vendor")
    partner = Organisation(name="CP", kind="partner")
    item = ServiceItem(
        code="INSTALL",
        name_de="Installationspauschale",
        name_en="Installation flat fee",
        unit="pauschal",
        unit_price=Decimal("4800"),
        is_installation_fee=True,
    )
    db.session.add_all([vendor, partner, item])
    db.session.flush()
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    staff = User(
        organisation_id=partner.id,
        email="p@cp.example",
        name="P",
        password_hash=hashed,
        role="partner_staff",
    )
    db.session.add(staff)
    db.session.flush()
    now = utcnow()
    ids = range(1, size + 1)
    accepted = [i for i in ids if i % 3]  # steps[: 1 + i % 3] holds "accept"
    db.session.execute(
        insert(Customer),
        [{"id": i, "name": _name(i), "short_code": f"K{i}", "created_at": now} for i in accepted],
    )
    db.session.execute(
        insert(CustomerGrant),
        [{"customer_id": i, "organisation_id": partner.id, "granted_at": now} for i in accepted],
    )
    db.session.execute(insert(CustomerContact), [_contact(i, n) for i in accepted for n in (1, 2)])
    orders = [
        {
            "id": i,
            "partner_id": partner.id,
            "placed_by_id": staff.id,
            "customer_name": _name(i),
            "short_code": f"C{i}",
            "license_model": "rent",
            "deployment": "cp_cloud" if i % 2 else "on_premises",
            "language": "de",
            "created_at": now - timedelta(minutes=size - i),
            "customer_id": i if i % 3 else None,
        }
        for i in ids
    ]
    db.session.execute(insert(Order), orders)
    db.session.execute(
        insert(OrderLine),
        [
            {
                "order_id": i,
                "position": 1,
                "service_item_id": item.id,
                "name_de": item.name_de,
                "name_en": item.name_en,
                "unit": item.unit,
                "unit_price": item.unit_price,
                "quantity": Decimal(1),
            }
            for i in ids
        ],
    )
    steps = ("order", "accept", "schedule_call")
    db.session.execute(
        insert(StepCompletion),
        [
            {
                "order_id": i,
                "step": s,
                "completed_by_id": staff.id,
                "completed_at": now,
                "details": call_details(now, i) if s == "schedule_call" else {},
            }
            for i in ids
            for s in steps[: 1 + i % 3]
        ],
    )
    db.session.commit()


def _name(i: int) -> str:
    return "Brauerei Zwickl GmbH" if i == NEEDLE else f"Kunde {i} GmbH"


def _contact(i: int, n: int) -> dict:
    if i == NEEDLE and n == 2:
        return {"customer_id": i, "name": "Jürgen Kowalczyk", "email": "jk@zwickl.example"}
    return {"customer_id": i, "name": f"Person {n} von {i}", "email": f"p{n}@kunde{i}.example"}


def call_details(now, order_id: int) -> dict:
    starts = now + timedelta(days=order_id % 30 - 10)
    return {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=1)).isoformat()}


def client_for(app):
    client = app.test_client()
    client.post("/login", data={"email": "p@cp.example", "password": PASSWORD})
    return client


def timed(client, path: str) -> float:
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def statements(app, client, path: str) -> int:
    count = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    client.get(path)
    event.remove(engine, "before_cursor_execute", listener)
    return len(count)


def rows(client, path: str) -> int:
    return client.get(path).get_data(as_text=True).count('<td class="mono">')


def measure(label: str, apps: dict, rounds: int) -> None:
    clients = {size: client_for(app) for size, app in apps.items()}
    for case, path in CASES:
        for client in clients.values():
            client.get(path)  # warm up caches and templates
        times = {size: [] for size in apps}
        ratios = []
        for _ in range(rounds):
            for size, client in clients.items():
                times[size].append(timed(client, path))
            ratios.append(times[SIZES[1]][-1] / times[SIZES[0]][-1])
        deciles = statistics.quantiles(ratios, n=10)
        queries = {size: statements(apps[size], clients[size], path) for size in apps}
        shown = {size: rows(clients[size], path) for size in apps}
        small, large = (statistics.median(times[size]) * 1000 for size in SIZES)
        print(
            f"{label:10} {case:19} ratio {statistics.median(ratios):.2f}x "
            f"(p10-p90 {deciles[0]:.2f}-{deciles[-1]:.2f}x; goal <= 1.5x)  "
            f"100: {small:.1f} ms, {queries[100]} queries, {shown[100]} rows  "
            f"10,000: {large:.1f} ms, {queries[10_000]} queries, {shown[10_000]} rows",
            flush=True,
        )


def _postgres_urls(url: str):
    base = make_url(url)
    names = {size: f"{base.database}_bench{size}" for size in SIZES}
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = {size: base.set(database=name).render_as_string(False) for size, name in names.items()}
    return admin, names, urls


def _drop_postgres(admin, names) -> None:
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _dispose(apps) -> None:
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 rounds instead of 30")
    rounds = 10 if parser.parse_args().quick else 30
    print(f"dashboard, 10,000 vs 100 orders: median of {rounds} interleaved per-round ratios")
    with tempfile.TemporaryDirectory() as tmp:
        urls = {size: f"sqlite:///{Path(tmp) / f'{size}.sqlite3'}" for size in SIZES}
        apps = {size: build(size, urls[size], Path(tmp) / str(size)) for size in SIZES}
        measure("SQLite", apps, rounds)
        _dispose(apps)
        url = os.environ.get("DATABASE_URL", "")
        if url.split(":", 1)[0].split("+", 1)[0] in {"postgresql", "postgres"}:
            admin, names, urls = _postgres_urls(url)
            try:
                apps = {size: build(size, urls[size], Path(tmp) / f"pg{size}") for size in SIZES}
                measure("PostgreSQL", apps, rounds)
                _dispose(apps)
            finally:
                _drop_postgres(admin, names)
        else:
            print("PostgreSQL: skipped (DATABASE_URL is not a PostgreSQL URL)")


if __name__ == "__main__":
    main()

"""Dashboard time with 10,000 orders as a ratio to its time with 100 (goal: at most 1.5x).

Run: .venv/bin/python bench/dashboard.py  (two throwaway SQLite databases)
Prints the median request time for each size, the ratio, and the SQL statements per request.
Both sizes show full pages of 25 rows, so the ratio measures the cost of the extra orders only.
"""

import statistics
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, insert, text
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.extensions import db
from portal.models import Order, OrderLine, Organisation, ServiceItem, StepCompletion, User, utcnow
from portal.services import due_index
from portal.services.studio.seeding import seed_from_files

REPEATS = 30
PASSWORD = "bench-password-123"  # noqa: S105


def build(size: int, workdir: Path):
    workdir.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DASHBOARD_PAGE_SIZE": 25,
            "MAIL_DIR": str(workdir / "mail"),
            "LICENSE_KEY_FILE": str(workdir / "license.pem"),
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
        orders = [
            {
                "id": i + 1,
                "partner_id": partner.id,
                "placed_by_id": staff.id,
                "customer_name": f"Customer {i}",
                "short_code": f"C{i}",
                "license_model": "rent",
                "deployment": "cp_cloud" if i % 2 else "on_premises",
                "language": "de",
                "created_at": now - timedelta(minutes=size - i),
            }
            for i in range(size)
        ]
        db.session.execute(insert(Order), orders)
        db.session.execute(
            insert(OrderLine),
            [
                {
                    "order_id": o["id"],
                    "position": 1,
                    "service_item_id": item.id,
                    "name_de": item.name_de,
                    "name_en": item.name_en,
                    "unit": item.unit,
                    "unit_price": item.unit_price,
                    "quantity": Decimal(1),
                }
                for o in orders
            ],
        )
        steps = ("order", "accept", "schedule_call")
        db.session.execute(
            insert(StepCompletion),
            [
                {
                    "order_id": o["id"],
                    "step": s,
                    "completed_by_id": staff.id,
                    "completed_at": now,
                    "details": call_details(now, o["id"]) if s == "schedule_call" else {},
                }
                for o in orders
                for s in steps[: 1 + o["id"] % 3]
            ],
        )
        db.session.commit()
        # The rows went in behind the ORM, so the due index is written as `flask work` would.
        due_index.refresh_all(db.session)
    return app


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
    assert response.status_code == 200
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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        apps = {size: build(size, Path(tmp) / str(size)) for size in (100, 10_000)}
        clients = {size: client_for(app) for size, app in apps.items()}
        for label, path in (("all", "/"), ("step filter", "/?step=provision_cloud&mine=1")):
            timings = {size: [] for size in apps}
            for client in clients.values():
                client.get(path)  # warm up caches and templates
            # Interleaved, so that load from other processes hits both sizes alike.
            for _ in range(REPEATS):
                for size, client in clients.items():
                    timings[size].append(timed(client, path))
            small, large = (statistics.median(timings[size]) for size in (100, 10_000))
            queries = {size: statements(apps[size], clients[size], path) for size in apps}
            print(
                f"dashboard [{label}]: 100 orders {small * 1000:.1f} ms ({queries[100]} queries), "
                f"10,000 orders {large * 1000:.1f} ms ({queries[10_000]} queries), "
                f"ratio {large / small:.2f}x (goal <= 1.5x; medians of {REPEATS} interleaved runs)"
            )
        for app in apps.values():
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()

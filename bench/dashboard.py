"""Dashboard time with 10,000 orders as a ratio to its time with 100 (goal: at most 1.5x).

Run: .venv/bin/python bench/dashboard.py  (uses a throwaway SQLite database, or DATABASE_URL)
Prints the median request time for each size, the ratio, and the SQL statements per request.
"""

import os
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, insert, text
from werkzeug.security import generate_password_hash

from portal import create_app
from portal.extensions import db
from portal.models import Order, OrderLine, Organisation, ServiceItem, StepCompletion, User, utcnow

REPEATS = 30
PASSWORD = "bench-password-123"  # noqa: S105


def build(size: int, workdir: Path):
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
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
                "created_at": now,
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
                    "details": {},
                }
                for o in orders
                for s in steps[: 1 + o["id"] % 3]
            ],
        )
        db.session.commit()
    return app


def measure(app, path: str) -> tuple[float, int]:
    client = app.test_client()
    client.post("/login", data={"email": "p@cp.example", "password": PASSWORD})
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(1)  # noqa: E731
    client.get(path)  # warm up caches and templates
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200
    event.listen(engine, "before_cursor_execute", listener)
    client.get(path)
    event.remove(engine, "before_cursor_execute", listener)
    return statistics.median(timings), len(statements)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for size in (100, 10_000):
            app = build(size, Path(tmp))
            for label, path in (("all", "/"), ("step filter", "/?step=provision_cloud&mine=1")):
                results[(size, label)] = measure(app, path)
            with app.app_context():
                db.engine.dispose()
        for label in ("all", "step filter"):
            small, small_q = results[(100, label)]
            large, large_q = results[(10_000, label)]
            print(
                f"dashboard [{label}]: 100 orders {small * 1000:.1f} ms ({small_q} queries), "
                f"10,000 orders {large * 1000:.1f} ms ({large_q} queries), "
                f"ratio {large / small:.2f}x (goal <= 1.5x)"
            )


if __name__ == "__main__":
    main()

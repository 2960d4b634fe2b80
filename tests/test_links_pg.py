"""Two mails to the same person at the same moment leave one working link (PostgreSQL).

Each mail supersedes the person's earlier link; without a lock both transactions would read
"no earlier link" and both new links would stay active.
"""

import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import CustomerLink, Order, utcnow
from portal.services import links
from tests.helpers import accept, place
from tests.pg_util import require_postgres


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgres()


@dataclass(frozen=True)
class Person:
    name: str = "Carla Kunde"
    email: str = "carla@acme.example"
    language: str = "de"


def mail_link(session: Session, order_id: int) -> None:
    order = session.get(Order, order_id)
    issued = links.issue(session, order, ("technical",), utcnow())
    issued.mail_to(
        session, Person(), "questionnaire_link", order=order, person=Person(), kind="technical"
    )


def test_two_mails_at_once_to_one_person_leave_one_active_link(app, session, world):
    order = place(session, world)
    accept(session, world, order)
    errors: list[BaseException] = []

    def second_mail():
        try:
            with app.app_context(), Session(db.engine) as second:
                mail_link(second, order.id)
                second.commit()
        except BaseException as error:  # handed back to the test thread
            errors.append(error)

    with Session(db.engine) as first:
        mail_link(first, order.id)
        thread = threading.Thread(target=second_mail, daemon=True)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second mail did not wait for the first"
        first.commit()
    thread.join(timeout=30)
    assert not thread.is_alive() and not errors, errors
    session.expire_all()
    active = session.scalar(
        select(func.count())
        .select_from(CustomerLink)
        .where(
            CustomerLink.order_id == order.id,
            CustomerLink.questionnaire == "technical",
            CustomerLink.recipient_email == "carla@acme.example",
            CustomerLink.revoked_at.is_(None),
        )
    )
    assert active == 1

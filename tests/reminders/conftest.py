"""Fixtures of the reminder and digest tests: an accepted order with a call on 20 Nov 2026 and
two contacts who were mailed links, Carla (German) and Chris (English)."""

import pytest

from portal.services import calls, links
from tests.helpers import accept, deliver, place
from tests.reminders.support import CALL, book_directly


@pytest.fixture
def order(session, world):
    """ACME, accepted (Anna, the partner, got its links with the acceptance mail)."""
    created = place(session, world, code="ACME", deployment="on_premises")
    accept(session, world, created)
    deliver(session)
    return created


@pytest.fixture
def contacts(session, world, order):
    """Carla (de) and Chris (en), both mailed links to both questionnaires; the call is booked."""
    carla = calls.add_contact(
        session, world.partner, order.id, name="Carla Kunde", email="carla@acme.example"
    )
    chris = calls.add_contact(
        session,
        world.partner,
        order.id,
        name="Chris Customer",
        email="Chris@ACME.example",
        language="en",
    )
    links.send_to_contacts(session, world.partner, order.id, [carla.id, chris.id])
    book_directly(session, world, order, CALL)
    return carla, chris

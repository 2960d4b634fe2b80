"""Fixtures of the step 4 tests: a placed and accepted CP Cloud order, a confirmed contact."""

import pytest

from portal.services import calls
from tests.helpers import accept, deliver, place


@pytest.fixture
def order(session, world):
    """An accepted CP Cloud order ACME, its confirmation delivered; Leo (world.lead) leads it."""
    placed = place(session, world, code="ACME", deployment="cp_cloud")
    accept(session, world, placed)
    deliver(session)  # the mail's sealed links leave the vault with it
    return placed


@pytest.fixture
def carla(session, world, order):
    return calls.add_contact(
        session, world.partner, order.id, name="Carla Kunde", email="carla@acme.example"
    )

"""Fixtures of the review tests: an order whose technical questionnaire the customer submitted."""

import pytest

from tests.helpers import accept, place
from tests.review.support import fill_and_submit


@pytest.fixture
def order(session, world):
    """An accepted on-premises order whose technical questionnaire the customer submitted."""
    placed = accept(session, world, place(session, world, deployment="on_premises")).order
    fill_and_submit(session, placed)
    return placed

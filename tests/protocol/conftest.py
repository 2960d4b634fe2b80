"""Fixtures of the step 6 and 7 tests: an accepted order, its contact Carla, a second lead."""

import pytest
from sqlalchemy import select

from portal.models import CustomerContact, Role, User
from tests.conftest import add_user
from tests.protocol.support import new_order


@pytest.fixture
def order(session, world):
    return new_order(session, world)


@pytest.fixture
def carla(session, order) -> CustomerContact:
    return session.scalar(select(CustomerContact).where(CustomerContact.email.like("carla@%")))


@pytest.fixture
def lara(session, world) -> User:
    """A project lead who does not lead the order."""
    user = add_user(session, world.vendor_org, Role.PROJECT_LEAD, "lara@saxess.example")
    session.commit()
    return user

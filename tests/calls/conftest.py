"""Fixtures of the step 3 tests: an accepted order, its contacts, a second lead, calendars.

127.0.0.1 is an internal address: local_calendars admits it through CALENDAR_ALLOWED_HOSTS, as
an operator would for an internal calendar server. `radicale` is one server per test module.
"""

import pytest

from portal.models import Role
from portal.services import calls
from tests.calls.calendars import connect
from tests.calls.support import give_hours, new_order
from tests.conftest import add_user
from tests.radicale_server import radicale  # noqa: F401 - the fixture


@pytest.fixture
def order(session, world):
    """An accepted CP Cloud order; lead, partner, architect and technician work Mon-Fri 9-17."""
    created = new_order(session, world)
    give_hours(session, world.lead, world.partner, world.architect, world.technician)
    return created


@pytest.fixture
def carla(session, world, order):
    """A German-speaking customer contact."""
    return calls.add_contact(
        session,
        world.partner,
        order.id,
        name="Carla  Kunde",
        email=" Carla@ACME.example ",
        phone="+49 30 123",
        role="IT-Leitung",
        language="de",
    )


@pytest.fixture
def chris(session, world, order):
    """An English-speaking customer contact."""
    return calls.add_contact(
        session,
        world.partner,
        order.id,
        name="Chris Customer",
        email="chris@acme.example",
        language="en",
    )


@pytest.fixture
def lara(session, world):
    """A second project lead with working hours, for a second order that does not involve Leo."""
    user = add_user(session, world.vendor_org, Role.PROJECT_LEAD, "lara@saxess.example")
    session.commit()
    give_hours(session, user)
    return user


@pytest.fixture
def local_calendars(app):
    """The operator's allow-list admits the calendar servers on 127.0.0.1."""
    app.config["CALENDAR_ALLOWED_HOSTS"] = "127.0.0.1"


@pytest.fixture
def alice(radicale, session, world, order, local_calendars):  # noqa: F811
    """Leo's calendar: a new collection of Alice's, read and written over CalDAV."""
    url = radicale.make_calendar("alice")
    connect(session, world.lead, "caldav", url, "alice", "alice-secret")
    return url


@pytest.fixture
def bob(radicale, session, world, order, local_calendars):  # noqa: F811
    """Ida's calendar: a new collection of Bob's, read and written over CalDAV."""
    url = radicale.make_calendar("bob")
    connect(session, world.architect, "caldav", url, "bob", "bob-secret")
    return url

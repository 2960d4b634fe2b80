"""An honest order of events: the call, then its record, the protocol's date, the approval, the
package. Nothing is recorded before the call began; a call that really happened earlier is
moved first (tests/calls/test_took_place.py), never back-dated here."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.models import DocumentPackage, StepCompletion, utcnow
from portal.models.call import CANCELLED
from portal.models.package import READY
from portal.services import calls, packages, protocol
from portal.services.errors import Conflict, Invalid
from portal.services.packages import content
from portal.services.protocol import BERLIN
from tests.conftest import login
from tests.protocol.support import (
    CALL_DAY,
    START,
    approved,
    confirm,
    draft,
    finalise,
    hold,
    save_diagram,
    submitted,
)


def move_call(session, order, starts_at: datetime) -> None:
    """Time travel: the booked call starts at `starts_at` (the booking itself is tested apart)."""
    call = calls.call_of(session, order)
    call.starts_at, call.ends_at = starts_at, starts_at + timedelta(hours=1)
    session.commit()


def in_two_days_at_ten() -> datetime:
    day = datetime.now(BERLIN).date() + timedelta(days=2)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN)


def everything_there(session, world, order, carla) -> None:
    finalise(session, world, order, "technical")
    finalise(session, world, order, "business")
    confirm(session, world, order, carla)
    save_diagram(session, world, order)


def held(session, order) -> StepCompletion | None:
    session.expire_all()
    return session.scalar(
        select(StepCompletion).where(
            StepCompletion.order_id == order.id, StepCompletion.step == "hold_call"
        )
    )


def test_the_call_is_recorded_as_held_only_from_its_start(session, world, order, carla):
    everything_there(session, world, order, carla)
    ahead = in_two_days_at_ten()
    move_call(session, order, ahead.astimezone(UTC))
    with pytest.raises(Conflict) as refused:
        protocol.complete_call(session, world.partner, order.id)
    # The message names the call's start in Berlin time.
    assert f"{ahead.day}. " in refused.value.message and ", 10:00 (Europe/Berlin)" in (
        refused.value.message
    )
    assert held(session, order) is None
    move_call(session, order, START)  # the call was moved to when it happened: now it may
    assert protocol.complete_call(session, world.partner, order.id).details["starts_at"] == (
        START.isoformat()
    )


def test_the_order_page_offers_no_usable_button_before_the_start_and_says_why(
    client, session, world, order, carla
):
    everything_there(session, world, order, carla)
    move_call(session, order, in_two_days_at_ten().astimezone(UTC))
    login(client, world.partner)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'id="complete-call" disabled aria-describedby="call-not-begun"' in body
    assert "als durchgeführt erfassen lässt er sich erst ab diesem Zeitpunkt" in body
    assert f'href="/orders/{order.id}/call#took-place-heading"' in body
    assert f'action="/orders/{order.id}/call/complete"' not in body
    move_call(session, order, START)
    body = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert f'action="/orders/{order.id}/call/complete"' in body and "disabled" not in body


def test_the_protocol_page_links_to_recording_the_call_while_it_is_not_held(
    client, session, world, order, carla
):
    login(client, world.lead)
    body = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="call-hold-heading"' in body
    assert f'href="/orders/{order.id}#outcome-heading" id="hold-call-link"' in body
    assert "Datenflussdiagramm gespeichert" in body  # what is missing is listed
    hold(session, world, order)
    body = client.get(f"/orders/{order.id}/protocol").get_data(as_text=True)
    assert 'id="call-hold-heading"' not in body


def test_the_protocols_date_is_the_calls_day_and_never_in_the_future(session, world, order, carla):
    tomorrow = (datetime.now(BERLIN).date() + timedelta(days=1)).isoformat()
    day_before = (START.astimezone(BERLIN).date() - timedelta(days=1)).isoformat()
    for held_on, words in ((tomorrow, "Zukunft"), (day_before, "fand am")):
        with pytest.raises(Invalid) as refused:
            draft(session, world, order, carla, held_on=held_on)
        assert words in refused.value.fields["held_on"]
    assert draft(session, world, order, carla, held_on=CALL_DAY).held_on.isoformat() == CALL_DAY
    ahead = in_two_days_at_ten()
    move_call(session, order, ahead.astimezone(UTC))
    with pytest.raises(Invalid) as refused:
        draft(session, world, order, carla, held_on=ahead.date().isoformat())
    assert "Zukunft" in refused.value.fields["held_on"]
    calls.call_of(session, order).status = CANCELLED
    session.commit()
    with pytest.raises(Invalid) as refused:
        draft(session, world, order, carla, held_on=CALL_DAY)
    assert "kein Setup Call gebucht" in refused.value.fields["held_on"]


def test_a_call_today_that_has_not_begun_gives_no_date_yet(session, world, order, carla):
    later = datetime.now(UTC) + timedelta(minutes=30)
    move_call(session, order, later)
    today = later.astimezone(BERLIN).date().isoformat()
    assert protocol.initial_fields(session, order, calls.call_of(session, order))["held_on"] == ""
    if later.astimezone(BERLIN).date() == datetime.now(BERLIN).date():
        with pytest.raises(Invalid) as refused:
            draft(session, world, order, carla, held_on=today)
        assert "beginnt erst am" in refused.value.fields["held_on"]


def test_approval_never_precedes_the_call(session, world, order, carla):
    sent = submitted(session, world, order, carla)
    hold(session, world, order)  # recorded directly: the gate of the record is tested above
    move_call(session, order, in_two_days_at_ten().astimezone(UTC))
    with pytest.raises(Conflict, match="erst nach dem Beginn des Setup Calls"):
        protocol.approve(session, world.lead, order.id, sent.version)
    move_call(session, order, START - timedelta(days=1))  # the protocol names another day
    with pytest.raises(Conflict, match="nicht der Tag des Setup Calls"):
        protocol.approve(session, world.lead, order.id, sent.version)
    move_call(session, order, START)
    assert protocol.approve(session, world.lead, order.id, sent.version).approved_at >= START


def _ready_version(session, world, order) -> DocumentPackage:
    package = DocumentPackage(
        order_id=order.id, version=1, language="de", status=READY, stage="done", progress=100,
        requested_by_id=world.partner.id, pdf=b"%PDF-1.4", sha256="0" * 64, size=8, pages=1,
    )  # fmt: skip
    session.add(package)
    session.commit()
    return package


def test_the_package_is_not_sent_before_the_approval(session, world, order, carla):
    submitted(session, world, order, carla)
    hold(session, world, order)
    _ready_version(session, world, order)  # left from somewhere: still no send before approval
    with pytest.raises(Conflict, match="erst nach der Freigabe"):
        packages.send(session, world.partner, order.id, 1, "")
    assert held(session, order) is not None
    assert not session.scalar(select(StepCompletion).where(StepCompletion.step == "send_package"))


def test_the_cover_dates_come_from_the_records_in_order(session, world, order, carla):
    done = approved(session, world, order, carla)
    call = calls.call_of(session, order)
    with force_locale("de"):
        cover = content.cover(order, call, content.protocol_part(order, done, "de"))
        assert cover.call_on.endswith(content.moment(call.starts_at).split(", ")[-1])
        assert cover.approved_on == content.moment(done.approved_at)
    _ready_version(session, world, order)
    record = packages.send(session, world.partner, order.id, 1, "")
    assert call.starts_at <= done.approved_at <= record.sent_at <= utcnow()

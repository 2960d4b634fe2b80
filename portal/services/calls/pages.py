"""What the pages show of the call besides the call itself: the provisioning warning, the
participants' answers and who of the required ones declined."""

from dataclasses import dataclass
from datetime import date, datetime

from portal.models import Order, SetupCall, utcnow
from portal.models.call import BOOKED, DECLINED
from portal.process import completion
from portal.services.calls.attention import is_required
from portal.services.calls.rules import BERLIN, warning_level


def provisioning_warning(
    order: Order, call: SetupCall | None, today: date | None = None
) -> str | None:
    """For a CP Cloud order whose database is not ready: a warning level that grows as the call nears."""
    if order.deployment != "cp_cloud" or call is None or call.status != BOOKED:
        return None
    if completion(order, "provision_cloud") is not None:
        return None
    today = today or utcnow().astimezone(BERLIN).date()
    return warning_level(call.starts_at.astimezone(BERLIN).date(), today)


@dataclass(frozen=True)
class AnswerRow:
    """One participant's answer to the current invitation, as the call page shows it."""

    name: str
    required: bool
    answer: str | None  # accepted, tentative, declined; None: no answer yet
    at: datetime | None
    via: str | None  # imap, link


def answer_rows(call: SetupCall | None) -> list[AnswerRow]:
    """Every participant of the call with their answer to its current SEQUENCE."""
    if call is None:
        return []
    rows = []
    for participant in call.participants:
        current = participant.partstat_sequence == call.sequence and participant.partstat
        rows.append(
            AnswerRow(
                name=(participant.user or participant.contact).name,
                required=is_required(participant),
                answer=participant.partstat if current else None,
                at=participant.partstat_at if current else None,
                via=participant.partstat_via if current else None,
            )
        )
    return rows


def declined_required_names(call: SetupCall | None) -> list[str]:
    """The required participants who declined the booked call (empty once it has ended)."""
    if call is None or call.status != BOOKED or call.ends_at <= utcnow():
        return []
    return [r.name for r in answer_rows(call) if r.required and r.answer == DECLINED]

"""What the pages show of the call besides the call itself: the provisioning warning."""

from datetime import date

from portal.models import Order, SetupCall, utcnow
from portal.models.call import BOOKED
from portal.process import completion
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

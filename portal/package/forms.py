"""Reading the package page's send form from the request."""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict


@dataclass(frozen=True)
class SendFields:
    """What the send form submits: the version to send (0 when missing) and the sender's note."""

    version: int
    note: str


def send_fields(form: MultiDict) -> SendFields:
    """The send form's fields as typed values; the service checks them."""
    return SendFields(version=form.get("version", type=int) or 0, note=form.get("note", ""))

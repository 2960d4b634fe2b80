"""Reading the review workspace's requests: one answer's review form, the large-type switch.

Each answer has its own small form (status, final value, comment) with hidden fields naming the
answer and the version the reviewer saw; the final value comes as a list, since a multiple
choice posts one value per ticked box. What the values must be is checked once, by the use
case (portal.services.review.answers), which names the field of every error.
"""

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict


@dataclass(frozen=True)
class AnswerFields:
    """What one answer's form submits, as the use case and the redirect take it."""

    pointer: str
    status: str
    final: list[str]
    comment: str
    version: int  # -1 when missing: no stored review has it, so the save is refused
    number: int  # the answer's place on the page (anchor "#a-<number>"), 0 when missing
    filter: str | None  # the workspace's filter to return to


def answer_fields(form: MultiDict) -> AnswerFields:
    """One answer's review form as typed values; the service checks them."""
    return AnswerFields(
        pointer=form.get("pointer", ""),
        status=form.get("status", ""),
        final=form.getlist("final"),
        comment=form.get("comment", ""),
        version=form.get("version", -1, type=int),
        number=form.get("number", 0, type=int),
        filter=form.get("filter"),
    )


def large_type(args: MultiDict) -> bool | None:
    """The projector switch `?large=1` / `?large=0`; None when the request does not say."""
    chosen = args.get("large")
    return chosen == "1" if chosen in ("0", "1") else None

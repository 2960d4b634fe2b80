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


def wants_json(request) -> bool:
    """Whether the page's script asked for a JSON answer (Accept: application/json)."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["application/json"] > 0


@dataclass(frozen=True)
class BulkFields:
    """What a bulk accept form submits: the answers in view with the version each one showed."""

    seen: dict[str, int]
    anchor: str  # where to return: "a-<n>" of the section's first answer, or ""
    filter: str | None


def bulk_fields(form: MultiDict) -> BulkFields:
    """The answers a bulk accept form lists (pointer and version, pairwise) as typed values."""
    pointers, versions = form.getlist("pointer"), form.getlist("version")
    seen = {}
    for pointer, version in zip(pointers, versions, strict=False):
        seen[pointer] = int(version) if version.lstrip("-").isdigit() else -1
    anchor = form.get("anchor", "")
    return BulkFields(
        seen=seen,
        anchor=anchor if anchor.startswith("a-") and anchor[2:].isdigit() else "",
        filter=form.get("filter"),
    )


def confirmed_open(form: MultiDict) -> list[str] | None:
    """The open questions the finalise confirmation listed, or None before confirming."""
    return form.getlist("open") if form.get("confirm") == "1" else None

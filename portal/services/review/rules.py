"""Pure rules of the review (step 6): typed final values, the answers' order, the final document.

Plain values in, plain values out: no Flask, no session, no queries. A questionnaire is the
loaded forms_schema.Questionnaire; rows are anything with `pointer`, `original`, `final` and
`status`. tests/unit/test_review_rules.py tests them without an app.
"""

import copy
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask_babel import gettext as _

import forms_schema
from forms_schema.data import same
from forms_schema.nodes import choice_value
from portal.models.review import CHANGED, OPEN
from portal.services.errors import Invalid

if TYPE_CHECKING:  # only a name for the hint: content_hash reads attributes, it runs no query
    from portal.models import QuestionnaireSnapshot

FILTERS = ("open", "changed")
COMMENT_LIMIT = 4000
_TRUE = ("true", "ja", "yes")
_FALSE = ("false", "nein", "no")


class Answer(Protocol):
    """What the rules read of a row: where it is, the customer's value, the final one, the
    review's status and comment."""

    pointer: str
    original: Any
    final: Any
    status: str | None
    comment: str


A = TypeVar("A", bound=Answer)


# ---------------------------------------------------------------- the answers under review


def leaves(
    questionnaire: forms_schema.Questionnaire, data: dict, context: dict
) -> list[tuple[str, forms_schema.Node, Any]]:
    """(pointer, node, answer) of every visible question, rows of repeating groups one by one."""
    shown = questionnaire.visible(data, context)
    found: list[tuple[str, forms_schema.Node, Any]] = []

    def walk(nodes, base: str, value: Any) -> None:
        for node in nodes:
            pointer = f"{base}/{node.key}"
            if pointer not in shown:
                continue
            here = value.get(node.key) if isinstance(value, dict) else None
            if node.kind == "group":
                walk(node.children, pointer, here)
            elif node.kind == "repeat":
                for index, row in enumerate(here if isinstance(here, list) else []):
                    walk(node.children, f"{pointer}/{index}", row)
            else:
                found.append((pointer, node, copy.deepcopy(here)))

    walk(questionnaire.nodes(), "", data)
    return found


def chosen_filter(filter: str | None) -> str | None:  # noqa: A002 - the query parameter's name
    """The workspace filter asked for, or None (everything) for anything unknown."""
    return filter if filter in FILTERS else None


def filtered(rows: Iterable[A], chosen: str | None) -> list[A]:
    """The rows a filter shows: "open" (no status yet or an open question), "changed", or all."""
    return [
        r
        for r in rows
        if chosen is None
        or (chosen == "open" and r.status in (None, OPEN))
        or (chosen == "changed" and r.status == CHANGED)
    ]


# ---------------------------------------------------------------- the review form's values


def form_values(value: Any, locale: str = "de") -> list[str]:
    """A stored answer as the review form's input values ([] for no answer)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [choice_value(v) for v in value]
    if isinstance(value, bool):
        return [choice_value(value)]
    if isinstance(value, float) and locale == "de":
        return [format(value, "g").replace(".", ",")]
    return [str(value)]


def parse_final(node: forms_schema.Node, raw: str | list[str] | None) -> Any:
    """The typed value of a final answer typed into the review form; Invalid for bad input.

    An empty input means "no answer" (None).
    """
    if node.type == "array":
        values = [raw] if isinstance(raw, str) else list(raw or [])
        values = [v.strip() for v in values if v and v.strip()]
        if not values:
            return None
        by_key = {choice_value(v): v for v in node.enum}
        unknown = [v for v in values if v not in by_key]
        if unknown:
            raise Invalid(_("Unbekannte Auswahl: %(values)s", values=", ".join(unknown)))
        return [by_key[k] for k in dict.fromkeys(by_key) if k in values]  # in the choices' order
    text = (raw[0] if raw else "") if isinstance(raw, list) else (raw or "")
    text = text.strip()
    if not text:
        return None
    if node.enum:
        by_key = {choice_value(v): v for v in node.enum}
        if text not in by_key:
            raise Invalid(_("Bitte eine der angebotenen Antworten wählen."))
        return by_key[text]
    if node.type == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise Invalid(_("Bitte Ja oder Nein wählen."))
    if node.type in ("integer", "number"):
        return read_number(text, integer=node.type == "integer")
    return text


def read_number(text: str, integer: bool) -> int | float:
    """A number typed with a German decimal comma or a dot; whole values become int."""
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # German decimal comma
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise Invalid(
            _("Bitte eine Zahl angeben.") if not integer else _("Bitte eine ganze Zahl angeben.")
        )
    if value == value.to_integral_value():
        return int(value)
    if integer:
        raise Invalid(_("Bitte eine ganze Zahl angeben."))
    return float(value)


def clean_comment(comment: str | None) -> str:
    """A reviewer's comment, trimmed; Invalid above COMMENT_LIMIT characters."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise Invalid(_("Der Kommentar ist zu lang (höchstens %(n)d Zeichen).", n=COMMENT_LIMIT))
    return comment


# ---------------------------------------------------------------- the final state and its hash


def final_document(data: dict, rows: Iterable[Answer]) -> dict:
    """The submitted answers with every final value put in place (None removes the answer)."""
    document = copy.deepcopy(data)
    for row in rows:
        if same(row.final, row.original):
            continue
        if row.final is None:
            forms_schema.delete(document, row.pointer)
        else:
            forms_schema.set(document, row.pointer, copy.deepcopy(row.final))
    return document


def reviews_of(rows: Iterable[Answer]) -> dict[str, dict]:
    """The snapshot's record of every review: pointer -> status, comment, original, final."""
    return {
        r.pointer: {
            "status": r.status,
            "comment": r.comment,
            "original": r.original,
            "final": r.final,
        }
        for r in rows
    }


def canonical(value: Any) -> str:
    """The canonical JSON of a value: sorted keys, no spaces, text as it is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(snap: "QuestionnaireSnapshot") -> str:
    """SHA-256 over the canonical JSON of a snapshot's content, who and when."""
    body = {
        "order_id": snap.order_id,
        "questionnaire": snap.questionnaire,
        "version": snap.version,
        "schema_version": snap.schema_version,
        "original": snap.original,
        "final": snap.final,
        "reviews": snap.reviews,
        "finalised_by_id": snap.finalised_by_id,
        "finalised_at": snap.finalised_at.isoformat(timespec="microseconds"),
    }
    return hashlib.sha256(canonical(body).encode()).hexdigest()


# ---------------------------------------------------------------- the difference


def in_form_order(questionnaire: forms_schema.Questionnaire):
    """A sort key for (pointer, ...) items: form order, rows of a repeating group one by one."""
    position: dict[str, int] = {}

    def walk(nodes) -> None:
        for node in nodes:
            position[node.pointer_template] = len(position)
            walk(node.children)

    walk(questionnaire.nodes())

    def key(item) -> tuple[int, ...]:
        template, parts = "", []
        for token in item[0].strip("/").split("/"):
            if token.isdigit():
                template += "/*"
                parts.append(int(token))
            else:
                template += f"/{token}"
                parts.append(position.get(template, len(position)))
        return tuple(parts)

    return key


def differences(
    questionnaire: forms_schema.Questionnaire, reviews: dict[str, dict]
) -> list[tuple[str, dict]]:
    """(pointer, review) of a snapshot's reviews whose final value differs, in form order."""
    return [
        (pointer, review)
        for pointer, review in sorted(reviews.items(), key=in_form_order(questionnaire))
        if not same(review.get("original"), review.get("final"))
    ]


# ---------------------------------------------------------------- bulk accept, open questions


def bulk_acceptable(rows: Iterable[A]) -> list[A]:
    """The rows bulk accept takes: no status yet and the final value still the customer's."""
    return [r for r in rows if r.status is None and same(r.final, r.original)]


def unreviewed(rows: Iterable[A]) -> list[A]:
    """The rows without a status: they keep a questionnaire from being finalised."""
    return [r for r in rows if r.status is None]


def open_questions(rows: Iterable[A]) -> list[A]:
    """The rows marked "offene Frage": finalising asks for confirmation while there are any."""
    return [r for r in rows if r.status == OPEN]


def open_point_text(label: str, comment: str, limit: int = 500) -> str:
    """The protocol's open point for an open question: its label and the reviewer's comment,
    shortened with "…" to `limit` characters (what an open point may hold)."""
    comment = " ".join((comment or "").split())
    text = f"{label}: {comment}" if comment else label
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

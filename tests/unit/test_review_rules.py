"""The pure rules of the review (step 6) without an app: typed final values, the form's
values, the answers under review, filters, the final document, the diff and the hash."""

import hashlib
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

import forms_schema
from portal.services.errors import Invalid
from portal.services.review.rules import (
    COMMENT_LIMIT,
    chosen_filter,
    clean_comment,
    content_hash,
    differences,
    filtered,
    final_document,
    form_values,
    leaves,
    parse_final,
    read_number,
    reviews_of,
)

SCHEMA = {
    "type": "object",
    "properties": {
        "users": {"type": "integer"},
        "share": {"type": "number"},
        "vpn": {"type": "boolean"},
        "gateway": {
            "type": "string",
            "x-ui": {
                "rule": {
                    "effect": "SHOW",
                    "condition": {"scope": "#/properties/vpn", "schema": {"const": True}},
                }
            },
        },
        "region": {"type": "string", "enum": ["eu", "de"]},
        "certs": {"type": "array", "items": {"type": "string", "enum": ["iso", "c5", "soc2"]}},
        "server": {"type": "object", "properties": {"ram": {"type": "integer"}}},
        "sources": {
            "type": "array",
            "items": {"type": "object", "properties": {"system": {"type": "string"}}},
        },
        "note": {"type": "string"},
    },
}
Q = forms_schema.load(SCHEMA)


def node(pointer):
    return Q.node(pointer)


def row(pointer, original, final, status=None, comment=""):
    return SimpleNamespace(
        pointer=pointer, original=original, final=final, status=status, comment=comment
    )


@pytest.mark.parametrize(
    ("pointer", "raw", "expected"),
    [
        ("/users", "48", 48),
        ("/users", [" 64 "], 64),
        ("/users", "", None),
        ("/share", "60,5", 60.5),
        ("/share", "1 000", 1000),
        ("/vpn", "ja", True),
        ("/vpn", "False", False),
        ("/region", "de", "de"),
        ("/certs", ["soc2", "iso", "soc2"], ["iso", "soc2"]),
        ("/certs", "c5", ["c5"]),
        ("/certs", ["", " "], None),
        ("/note", "  frei  ", "frei"),
    ],
)
def test_a_final_value_is_read_by_the_questions_type(pointer, raw, expected):
    value = parse_final(node(pointer), raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("pointer", "raw", "message"),
    [
        ("/users", "viele", "ganze Zahl"),
        ("/users", "2,5", "ganze Zahl"),
        ("/share", "NaN", "eine Zahl"),
        ("/vpn", "vielleicht", "Ja oder Nein"),
        ("/region", "us", "angebotenen"),
        ("/certs", ["iso", "nope"], "Unbekannte Auswahl: nope"),
    ],
)
def test_bad_final_values_are_refused_with_a_clear_message(pointer, raw, message):
    with pytest.raises(Invalid) as refused:
        parse_final(node(pointer), raw)
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("text", "integer", "expected"),
    [("12", True, 12), ("12,50", False, 12.5), ("12.5", False, 12.5), ("2.0", True, 2)],
)
def test_numbers_take_a_comma_or_a_dot_and_whole_values_are_int(text, integer, expected):
    value = read_number(text, integer)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (None, "de", []),
        (["iso", "c5"], "de", ["iso", "c5"]),
        (True, "de", ["true"]),
        (60.5, "de", ["60,5"]),
        (60.5, "en", ["60.5"]),
        (32, "de", ["32"]),
        ("text", "en", ["text"]),
    ],
)
def test_a_stored_answer_fills_the_review_form(value, locale, expected):
    assert form_values(value, locale) == expected


def test_a_comment_is_trimmed_and_limited():
    assert clean_comment("  ok \n") == "ok" and clean_comment(None) == ""
    assert clean_comment("x" * COMMENT_LIMIT) == "x" * COMMENT_LIMIT
    with pytest.raises(Invalid, match="Kommentar"):
        clean_comment("x" * (COMMENT_LIMIT + 1))


def test_every_visible_question_is_a_leaf_rows_of_repeating_groups_one_by_one():
    data = {"vpn": False, "server": {"ram": 32}, "sources": [{"system": "SAP"}, {}]}
    found = {pointer: value for pointer, _node, value in leaves(Q, data, {})}
    assert found["/server/ram"] == 32
    assert found["/sources/0/system"] == "SAP" and found["/sources/1/system"] is None
    assert found["/users"] is None  # visible, not answered
    assert "/gateway" not in found  # hidden by the answer to /vpn
    assert "/server" not in found and "/sources" not in found  # containers are no answers
    shown = {p for p, _n, _v in leaves(Q, {**data, "vpn": True}, {})}
    assert "/gateway" in shown


def test_filters_show_open_or_changed_rows_and_anything_else_shows_all():
    rows = [row("/a", 1, 1), row("/b", 1, 2, "changed"), row("/c", 1, 1, "open")]
    rows.append(row("/d", 1, 1, "accepted"))
    assert [r.pointer for r in filtered(rows, "open")] == ["/a", "/c"]
    assert [r.pointer for r in filtered(rows, "changed")] == ["/b"]
    assert filtered(rows, None) == rows
    assert chosen_filter("open") == "open" and chosen_filter("bogus") is None


def test_the_final_document_puts_every_final_value_in_place():
    data = {"users": 3, "note": "x", "sources": [{"system": "SAP"}]}
    rows = [
        row("/users", 3, 5),
        row("/note", "x", None),
        row("/sources/0/system", "SAP", "SAP"),
        row("/share", None, 1.5),
    ]
    assert final_document(data, rows) == {
        "users": 5,
        "sources": [{"system": "SAP"}],
        "share": 1.5,
    }
    assert data == {"users": 3, "note": "x", "sources": [{"system": "SAP"}]}  # untouched


def test_the_difference_is_in_form_order_and_leaves_out_what_stayed():
    reviews = reviews_of(
        [
            row("/note", "a", "b", "changed", "neu"),
            row("/sources/10/system", "X", "Y", "changed"),
            row("/sources/2/system", "P", "Q", "changed"),
            row("/users", 1, 1, "open"),
            row("/vpn", True, 1, "changed"),  # JSON equality: true is not 1
        ]
    )
    assert reviews["/note"] == {
        "status": "changed",
        "comment": "neu",
        "original": "a",
        "final": "b",
    }
    assert [p for p, _r in differences(Q, reviews)] == [
        "/vpn",
        "/sources/2/system",
        "/sources/10/system",
        "/note",
    ]


def test_the_hash_covers_the_canonical_json_of_content_who_and_when():
    snap = SimpleNamespace(
        order_id=7,
        questionnaire="technical",
        version=1,
        schema_version=2,
        original={"ü": 1},
        final={"ü": 2},
        reviews={"/ü": {"status": "changed"}},
        finalised_by_id=3,
        finalised_at=datetime(2027, 3, 1, 9, 30, tzinfo=UTC),
    )
    body = {**vars(snap), "finalised_at": "2027-03-01T09:30:00.000000+00:00"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_hash(snap) == hashlib.sha256(canonical.encode()).hexdigest()
    assert '"ü"' in canonical

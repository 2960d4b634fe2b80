"""x-compare: an answer bounded by another answer of the same object (root, group, row) or today."""

import datetime

import pytest

import forms_schema
from forms_schema import AnswerError, SchemaError

from .helpers import rule


def day(offset: int) -> str:
    # Today when asked, not when the module was imported: a run across midnight stays right.
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def label(de, en):
    return {"x-ui": {"label": {"de": de, "en": en}}}


SCHEMA = {
    "required": ["named_users", "concurrent_users"],
    "properties": {
        "named_users": {"type": "integer", **label("Namentliche Benutzer", "Named users")},
        "concurrent_users": {"type": "integer", "x-compare": {"lte": "1/named_users"}},
        "server": {
            "type": "object",
            "properties": {
                "ram_gb": {"type": "number", **label("Arbeitsspeicher", "Memory")},
                "sql_ram_gb": {"type": "number", "x-compare": {"lt": "1/ram_gb"}},
            },
        },
        "buffer_gb": {"type": "number", "x-compare": {"gte": "1/server/ram_gb"}},
        "start": {"type": "string", "format": "date", **label("Projektstart", "Project start")},
        "go_live": {
            "type": "string",
            "format": "date",
            "x-compare": {"gt": "today", "gte": "1/start"},
        },
        "deadline": {"type": "string", "format": "date", "x-compare": {"gte": "today"}},
        "standards": {
            "type": "array",
            "items": {"type": "string", "enum": ["hgb", "ifrs", "us_gaap"]},
            **label("Standards", "Standards"),
        },
        "leading": {
            "type": "string",
            "enum": ["hgb", "ifrs", "us_gaap"],
            "x-compare": {"in": "1/standards"},
        },
        "has_sites": {"type": "boolean"},
        "sites": {
            "type": "array",
            "x-ui": {"rule": rule("SHOW", "#/properties/has_sites", {"const": True})},
            "items": {"$ref": "#/$defs/site"},
        },
    },
    "$defs": {
        "site": {
            "type": "object",
            "properties": {
                "staff": {"type": "integer", **label("Mitarbeiter", "Staff")},
                "users": {"type": "integer", "x-compare": {"lte": "1/staff"}},
            },
        }
    },
}


@pytest.fixture(scope="module")
def q():
    return forms_schema.load(SCHEMA)


def found(q, data, partial=True, locale="de"):
    return [(e.pointer, e.message) for e in q.validate(data, partial=partial, locale=locale)]


def test_the_bound_is_the_other_answer_named_in_both_languages(q):
    data = {"named_users": 40, "concurrent_users": 55}
    message = "Bitte höchstens so viel angeben wie bei „Namentliche Benutzer“ (40)."
    assert found(q, data) == [("/concurrent_users", message)]
    assert found(q, data, partial=False) == [("/concurrent_users", message)]
    assert found(q, data, locale="en") == [
        ("/concurrent_users", "Please enter at most as much as for “Named users” (40).")
    ]
    assert q.validate(data)[0].keyword == "x-compare"
    assert found(q, {"named_users": 40, "concurrent_users": 40}) == []


def test_only_judged_when_both_answers_are_there(q):
    assert found(q, {"concurrent_users": 55}) == []
    assert found(q, {"named_users": 40}) == []
    # The full check reports what is missing, not a comparison with nothing.
    assert [e.keyword for e in q.validate({"concurrent_users": 55})] == ["required"]
    # A wrong type is the type's message, not a comparison.
    assert [e.keyword for e in q.validate({"named_users": "viele", "concurrent_users": 55})] == [
        "type"
    ]


def test_groups_and_decimals(q):
    data = {"server": {"ram_gb": 16, "sql_ram_gb": 16}, "buffer_gb": 7.5}
    assert found(q, data) == [
        ("/server/sql_ram_gb", "Bitte weniger angeben als bei „Arbeitsspeicher“ (16)."),
        ("/buffer_gb", "Bitte mindestens so viel angeben wie bei „Arbeitsspeicher“ (16)."),
    ]
    assert found(q, {"server": {"ram_gb": 2.5}, "buffer_gb": 1}, locale="de") == [
        ("/buffer_gb", "Bitte mindestens so viel angeben wie bei „Arbeitsspeicher“ (2,5).")
    ]


def test_inside_repeating_rows_each_row_compares_with_itself(q):
    data = {
        "has_sites": True,
        "sites": [{"staff": 10, "users": 5}, {"staff": 3, "users": 4}, {"users": 99}],
    }
    assert found(q, data, locale="en") == [
        ("/sites/1/users", "Please enter at most as much as for “Staff” (3).")
    ]
    # Rows of a hidden group are cleared, never judged.
    assert found(q, {**data, "has_sites": False}) == []


def test_dates_against_today_and_another_date(q):
    assert found(q, {"go_live": day(1), "deadline": day(0)}) == []
    assert found(q, {"go_live": day(0), "deadline": day(-1)}) == [
        ("/go_live", "Bitte ein Datum in der Zukunft angeben."),
        ("/deadline", "Bitte ein Datum ab heute angeben."),
    ]
    assert found(q, {"go_live": day(-30)}, locale="en") == [
        ("/go_live", "Please enter a date in the future.")
    ]
    start = day(90)
    shown = f"{start[8:10]}.{start[5:7]}.{start[:4]}"
    assert found(q, {"start": start, "go_live": day(60)}) == [
        ("/go_live", f"Bitte ein Datum angeben, das nicht vor „Projektstart“ liegt ({shown}).")
    ]
    assert found(q, {"start": start, "go_live": day(60)}, locale="en") == [
        ("/go_live", f"Please enter a date no earlier than “Project start” ({start}).")
    ]
    # Not a date: the format's message, no comparison.
    assert [e.keyword for e in q.validate({"go_live": "1.9.2027"}, partial=True)] == ["format"]


def test_a_choice_among_the_chosen_options(q):
    data = {"standards": ["hgb"], "leading": "ifrs"}
    assert found(q, data) == [
        ("/leading", "Bitte eine der bei „Standards“ gewählten Möglichkeiten wählen.")
    ]
    assert found(q, {**data, "standards": ["hgb", "ifrs"]}) == []


def test_the_message_can_be_replaced_and_still_names_the_values():
    schema = {
        "properties": {
            "named": {"type": "integer"},
            "concurrent": {
                "type": "integer",
                "x-compare": {"lte": "1/named"},
                "x-ui": {
                    "errors": {"x-compare": {"de": "Höchstens {value}.", "en": "Max {value}."}}
                },
            },
        }
    }
    q = forms_schema.load(schema)
    assert q.validate({"named": 2, "concurrent": 3}, locale="en") == [
        AnswerError("/concurrent", "Max 2.", "x-compare")
    ]


def test_a_hidden_bound_does_not_bound():
    q = forms_schema.load(
        {
            "properties": {
                "limited": {"type": "boolean"},
                "limit": {
                    "type": "integer",
                    "x-ui": {"rule": rule("SHOW", "#/properties/limited", {"const": True})},
                },
                "value": {"type": "integer", "x-compare": {"lte": "1/limit"}},
            }
        }
    )
    assert [e.pointer for e in q.validate({"limited": True, "limit": 1, "value": 2})] == ["/value"]
    assert q.validate({"limited": False, "limit": 1, "value": 2}) == []


def problem(properties, defs=None) -> SchemaError:
    schema = {"properties": properties, **({"$defs": defs} if defs else {})}
    with pytest.raises(SchemaError) as caught:
        forms_schema.load(schema)
    return caught.value


N = {"type": "integer"}
D = {"type": "string", "format": "date"}


@pytest.mark.parametrize(
    ("properties", "pointer", "words"),
    [
        ({"a": N, "b": {**N, "x-compare": {"le": "1/a"}}}, "/properties/b/x-compare/le", "unknown operator"),
        ({"a": N, "b": {**N, "x-compare": {"lte": "a"}}}, "/properties/b/x-compare/lte", '"1/<name>'),
        ({"a": N, "b": {**N, "x-compare": {"lte": "2/a"}}}, "/properties/b/x-compare/lte", '"1/<name>'),
        ({"a": N, "b": {**N, "x-compare": {"in": "today"}}}, "/properties/b/x-compare/in", '"1/<name>'),
        ({"a": N, "b": {**N, "x-compare": []}}, "/properties/b/x-compare", "expected an object"),
        ({"a": N, "b": {**N, "x-compare": {"lte": "1/nope"}}}, "/properties/b/x-compare/lte", "names no question"),
        ({"b": {**N, "x-compare": {"lte": "1/b"}}}, "/properties/b/x-compare/lte", "itself"),
        ({"a": D, "b": {**N, "x-compare": {"lte": "1/a"}}}, "/properties/b/x-compare/lte", "not both numbers or both dates"),
        ({"a": {"type": "string"}, "b": {"type": "string", "x-compare": {"lt": "1/a"}}}, "/properties/b/x-compare/lt", "not both"),
        ({"b": {**N, "x-compare": {"gt": "today"}}}, "/properties/b/x-compare/gt", '"today" compares a date'),
        ({"a": N, "b": {"type": "string", "x-compare": {"in": "1/a"}}}, "/properties/b/x-compare/in", "no list of choices"),
        (
            {"a": {"type": "array", "items": {"type": "string", "enum": ["x"]}}, "b": {**N, "x-compare": {"in": "1/a"}}},
            "/properties/b/x-compare/in",
            "no list of choices",
        ),
        (
            {"g": {"type": "object", "properties": {"a": N}}, "b": {**N, "x-compare": {"lte": "1/g"}}},
            "/properties/b/x-compare/lte",
            "names no question",
        ),
        (
            {"a": N, "g": {"type": "object", "x-compare": {"lte": "1/a"}, "properties": {"b": N}}},
            "/properties/g/x-compare",
            "only a question",
        ),
        (
            # The other question must be in the same object: a sibling of the group, not the root.
            {"a": N, "g": {"type": "object", "properties": {"b": {**N, "x-compare": {"lte": "1/a"}}}}},
            "/properties/g/properties/b/x-compare/lte",
            "names no question",
        ),
    ],
)  # fmt: skip
def test_load_checks_operator_operand_existence_and_types(properties, pointer, words):
    error = problem(properties)
    assert error.pointer == pointer
    assert words in error.message


def test_x_compare_is_only_read_on_questions():
    # In a $defs entry used by $ref the comparison would be judged nowhere: refused.
    error = problem({"a": N, "b": {"$ref": "#/$defs/n"}}, {"n": {**N, "x-compare": {"lte": "1/a"}}})
    assert error.pointer == "/$defs/n/x-compare"
    # Nor in a branch of allOf/if/then: a rule there would hold only sometimes, unseen.
    then = {"properties": {"b": {**N, "x-compare": {"lte": "1/a"}}}}
    error = problem({"a": N, "g": {"type": "object", "properties": {"b": N}, "allOf": [then]}})
    assert error.pointer == "/properties/g/allOf/0/properties/b/x-compare"
    # Beside a $ref and in the rows of a $defs object it is where it belongs.
    q = forms_schema.load(
        {
            "$defs": {"n": N},
            "properties": {"a": N, "b": {"$ref": "#/$defs/n", "x-compare": {"lte": "1/a"}}},
        }
    )
    assert [e.pointer for e in q.validate({"a": 1, "b": 2})] == ["/b"]

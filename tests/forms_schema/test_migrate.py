"""migrate(): answers carried over; every answer kept, converted or dropped and returned."""

import copy

import pytest

from forms_schema import Converted, Dropped, migrate, with_ids
from forms_schema.data import same
from tests.forms_schema.versions import REAL, real, rename, small

ANSWERS = {
    "users": 40,
    "edition": "express",
    "modules": ["crm", "bi"],
    "vpn": True,
    "gateway": "gw.example.com",  # hidden answers are kept: clean() is for submitting
    "server": {"cores": 4, "os": "Debian"},
    "owners": [{"name": "Anna", "age": 40}, {}, {"name": "Ben"}],
}


def test_the_same_version_keeps_everything():
    m = migrate(copy.deepcopy(ANSWERS), small(), small())
    assert m.data == ANSWERS
    assert m.converted == [] and m.dropped == []
    assert m.kept == [
        "/users",
        "/edition",
        "/modules",
        "/vpn",
        "/gateway",
        "/server/cores",
        "/server/os",
        "/owners/0/name",
        "/owners/0/age",
        "/owners/2/name",
    ]


def test_answers_of_unknown_questions_and_misshapen_answers_are_dropped():
    data = {"colour": "red", "server": "big", "owners": [{"name": "A", "nick": "a"}, 7]}
    m = migrate(data, small(), small())
    assert m.data == {"owners": [{"name": "A"}, {}]}
    assert m.dropped == [
        Dropped("/colour", "red"),
        Dropped("/server", "big"),
        Dropped("/owners/0/nick", "a"),
        Dropped("/owners/1", 7),
    ]
    assert migrate(["x"], small(), small()).dropped == [Dropped("", ["x"])]


def test_a_rename_by_id_moves_the_answer_row_by_row():
    old = with_ids(small())
    new = copy.deepcopy(old)
    person = new["$defs"]["person"]
    person["properties"] = {
        ("full_name" if k == "name" else k): v for k, v in person["properties"].items()
    }
    person["required"] = ["full_name"]
    new = rename(new, "users", "user_count")
    m = migrate(copy.deepcopy(ANSWERS), old, new)
    assert m.data["user_count"] == 40 and "users" not in m.data
    assert m.data["owners"] == [{"full_name": "Anna", "age": 40}, {}, {"full_name": "Ben"}]
    assert Converted("/users", "/user_count", 40, 40) in m.converted
    assert Converted("/owners/2/name", "/owners/2/full_name", "Ben", "Ben") in m.converted
    assert m.dropped == []


def test_a_mapping_renames_and_recodes():
    old = small()
    new = rename(copy.deepcopy(old), "edition", "sql_edition")
    new["properties"]["sql_edition"]["enum"] = ["standard", "enterprise"]
    labels = new["properties"]["sql_edition"]["x-ui"]["enum_labels"]
    labels["enterprise"] = labels.pop("express")
    mapping = {
        "renames": {"/edition": "/sql_edition"},
        "recodes": {"/edition": {"express": "enterprise"}},
    }
    m = migrate({"edition": "express"}, old, new, mapping)
    assert m.data == {"sql_edition": "enterprise"}
    assert m.converted == [Converted("/edition", "/sql_edition", "express", "enterprise")]
    unmapped = migrate({"edition": "express"}, old, new, {"renames": {"/edition": "/sql_edition"}})
    assert unmapped.data == {} and unmapped.dropped == [Dropped("/edition", "express")]


def test_a_checkbox_list_keeps_the_codes_that_remain():
    old = small()
    new = copy.deepcopy(old)
    new["properties"]["modules"]["items"]["enum"] = ["crm", "erp", "analytics"]
    labels = new["properties"]["modules"]["x-ui"]["enum_labels"]
    labels["analytics"] = labels.pop("bi")
    m = migrate({"modules": ["crm", "bi", "erp"]}, old, new)
    assert m.data == {"modules": ["crm", "erp"]}
    assert m.converted == [Converted("/modules", "/modules", ["crm", "bi", "erp"], ["crm", "erp"])]
    assert m.dropped == [Dropped("/modules/1", "bi")]
    recoded = migrate({"modules": ["bi"]}, old, new, {"recodes": {"/modules": {"bi": "analytics"}}})
    assert recoded.data == {"modules": ["analytics"]} and recoded.dropped == []
    gone = migrate({"modules": ["bi"]}, old, new)
    assert gone.data == {} and gone.dropped == [Dropped("/modules", ["bi"])]


@pytest.mark.parametrize(
    ("old_type", "new_type", "value", "result"),
    [
        ("integer", "number", 40, 40),
        ("integer", "string", 40, "40"),
        ("number", "string", 1.5, "1.5"),
        ("string", "integer", "40", 40),
        ("string", "integer", "-3", -3),
        ("string", "number", "1.5", 1.5),
        ("number", "integer", 3.0, 3),
        ("number", "integer", 3.5, None),
        ("string", "integer", "forty", None),
        ("string", "integer", "1.5", None),
        ("boolean", "string", True, None),  # "true" is no answer anybody gave as text
        ("string", "boolean", "true", None),
        ("integer", "boolean", 1, None),
    ],
)
def test_type_changes_convert_only_without_loss(old_type, new_type, value, result):
    old = small()
    old["properties"]["server"]["properties"]["os"]["type"] = old_type
    new = copy.deepcopy(old)
    new["properties"]["server"]["properties"]["os"]["type"] = new_type
    m = migrate({"server": {"os": value}}, old, new)
    if result is None:
        assert m.data == {} and m.dropped == [Dropped("/server/os", value)]
    else:
        assert m.data == {"server": {"os": result}}
        assert (m.kept == ["/server/os"]) == same(result, value)  # JSON: 3.0 is 3


def test_a_mistyped_draft_answer_of_an_unchanged_question_stays():
    m = migrate({"users": "forty"}, small(), small())
    assert m.data == {"users": "forty"} and m.kept == ["/users"]


def test_a_single_choice_becomes_a_list_and_a_single_tick_a_choice():
    old = small()
    new = copy.deepcopy(old)
    new["properties"]["edition"] = {
        "type": "array",
        "items": {"type": "string", "enum": ["standard", "express"]},
        "x-ui": old["properties"]["edition"]["x-ui"],
    }
    assert migrate({"edition": "express"}, old, new).data == {"edition": ["express"]}
    assert migrate({"edition": ["express"]}, new, old).data == {"edition": "express"}
    two = migrate({"edition": ["express", "standard"]}, new, old)
    assert two.dropped == [Dropped("/edition", ["express", "standard"])]


def test_a_question_moved_out_of_its_rows_cannot_take_the_answers():
    old = small()
    new = copy.deepcopy(old)
    new["properties"]["age"] = new["$defs"]["person"]["properties"].pop("age")
    m = migrate(
        {"owners": [{"name": "A", "age": 3}]}, old, new, {"renames": {"/owners/*/age": "/age"}}
    )
    assert m.dropped == [Dropped("/owners/0/age", 3)]


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_questionnaires_keep_their_answers(name):
    doc = real(name)
    data = {"remarks": "x"} if name == "business" else {"named_users": 40}
    assert migrate(data, doc, with_ids(doc)).kept == list("/" + k for k in data)

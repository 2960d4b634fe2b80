"""diff(): one example per kind of change, and the order of the list."""

import copy

import pytest

from forms_schema import Change, diff, load, with_ids
from tests.forms_schema.versions import REAL, real, rename, small, text


def _kinds(changes):
    return [(c.kind, c.pointer, c.old_pointer, c.locale) for c in changes]


@pytest.mark.parametrize("name", [*sorted(REAL), "small"])
def test_a_version_has_no_changes_against_itself(name):
    doc = small() if name == "small" else real(name)
    assert diff(doc, doc) == []
    assert diff(load(doc), with_ids(doc)) == []  # ids written down change no identity


def test_added_and_removed_come_in_document_order_removed_last():
    old = small()
    new = copy.deepcopy(old)
    del new["properties"]["edition"]
    del new["properties"]["server"]["properties"]["os"]
    new["properties"]["server"]["properties"]["ram"] = {"type": "integer"}
    new["properties"] = {"notes": {"type": "string"}, **new["properties"]}
    assert _kinds(diff(old, new)) == [
        ("added", "/notes", None, None),
        ("added", "/server/ram", None, None),
        ("removed", "/edition", "/edition", None),
        ("removed", "/server/os", "/server/os", None),
    ]


def test_a_rename_needs_an_id_or_a_mapping():
    old = small()
    plain = rename(copy.deepcopy(old), "users", "user_count")
    assert _kinds(diff(old, plain)) == [
        ("added", "/user_count", None, None),
        ("removed", "/users", "/users", None),
    ]
    mapped = diff(old, plain, mapping={"renames": {"/users": "/user_count"}})
    assert mapped == [
        Change("renamed", "/user_count", "/users", None, {"old": "users", "new": "user_count"})
    ]
    with_id = with_ids(old)
    assert _kinds(diff(with_id, rename(copy.deepcopy(with_id), "users", "user_count"))) == [
        ("renamed", "/user_count", "/users", None)
    ]


def test_a_renamed_group_takes_its_questions_along():
    old = with_ids(small())
    new = rename(copy.deepcopy(old), "server", "host")
    assert _kinds(diff(old, new)) == [("renamed", "/host", "/server", None)]
    plain = rename(small(), "server", "host")
    assert _kinds(diff(small(), plain, mapping={"renames": {"/server": "/host"}})) == [
        ("renamed", "/host", "/server", None)
    ]


def test_moves_to_another_page_and_into_a_group():
    old = with_ids(small())
    new = copy.deepcopy(old)
    new["properties"]["users"]["x-ui"]["page"] = "two"
    new["properties"]["server"]["properties"]["edition"] = new["properties"].pop("edition")
    changes = diff(old, new, mapping={"renames": {"/edition": "/server/edition"}})
    assert changes == [
        Change("moved", "/users", "/users", None, {"old_page": "one", "new_page": "two"}),
        Change(
            "moved",
            "/server/edition",
            "/edition",
            None,
            {"old": "/edition", "new": "/server/edition"},
        ),
    ]


def test_type_choices_required_rule_and_limits():
    old = small()
    new = copy.deepcopy(old)
    props = new["properties"]
    props["users"]["type"] = "number"
    props["users"]["minimum"] = 1
    props["users"]["maximum"] = 500
    props["edition"]["enum"] = ["standard", "enterprise"]
    props["edition"]["x-ui"]["enum_labels"] = {
        "standard": text("Standard", "Standard"),
        "enterprise": text("Enterprise", "Enterprise"),
    }
    props["modules"]["items"]["type"] = "string"
    new["required"] = []
    props["gateway"]["x-ui"]["rule"]["effect"] = "HIDE"
    changes = diff(old, new)
    assert _kinds(changes) == [
        ("type", "/users", "/users", None),
        ("required", "/users", "/users", None),
        ("limits", "/users", "/users", None),
        ("choices", "/edition", "/edition", None),
        ("rule", "/gateway", "/gateway", None),
    ]
    assert changes[0].detail == {"old": "integer", "new": "number"}
    assert changes[1].detail == {"old": True, "new": False}
    assert changes[2].detail == {
        "minimum": {"old": 0, "new": 1},
        "maximum": {"old": None, "new": 500},
    }
    assert changes[3].detail == {"added": ["enterprise"], "removed": ["express"]}
    assert changes[4].detail["new"]["effect"] == "HIDE"
    recoded = diff(old, new, mapping={"recodes": {"/edition": {"express": "enterprise"}}})
    assert recoded[3].detail == {
        "added": ["enterprise"],
        "removed": [],
        "recoded": {"express": "enterprise"},
    }


def test_a_checkbox_list_changing_its_item_type_is_a_type_change():
    old = small()
    new = copy.deepcopy(old)
    new["properties"]["modules"]["items"] = {"type": "integer", "enum": [1, 2, 3]}
    new["properties"]["modules"]["x-ui"]["enum_labels"] = {
        str(n): text(str(n), str(n)) for n in (1, 2, 3)
    }
    changes = diff(old, new)
    assert changes[0] == Change(
        "type", "/modules", "/modules", None, {"old": "array of string", "new": "array of integer"}
    )
    assert changes[1].detail == {"added": [1, 2, 3], "removed": ["crm", "erp", "bi"]}


def test_renaming_the_controlling_question_is_no_rule_change():
    old = with_ids(small())
    new = rename(copy.deepcopy(old), "vpn", "has_vpn")
    new["properties"]["gateway"]["x-ui"]["rule"]["condition"]["scope"] = "#/properties/has_vpn"
    assert _kinds(diff(old, new)) == [("renamed", "/has_vpn", "/vpn", None)]


def test_texts_per_language_label_and_help_kinds():
    old = small()
    new = copy.deepcopy(old)
    ui = new["properties"]["users"]["x-ui"]
    ui["label"] = text("Benannte Benutzer", "Users")
    ui["help"] = text("Anzahl", "How many")
    ui["placeholder"] = text("40", "40")
    ui["errors"] = {"minimum": text("Nicht negativ", "Not negative")}
    new["properties"]["edition"]["x-ui"]["enum_labels"]["express"] = text("Express", "Express!")
    changes = diff(old, new)
    assert [(c.kind, c.pointer, c.locale, c.detail["text"]) for c in changes] == [
        ("label", "/users", "de", "label"),
        ("label", "/users", "de", "placeholder"),
        ("label", "/users", "en", "placeholder"),
        ("help", "/users", "en", "help"),
        ("help", "/users", "de", "errors/minimum"),
        ("help", "/users", "en", "errors/minimum"),
        ("label", "/edition", "en", "enum_labels/express"),
    ]
    assert changes[0].detail == {"text": "label", "old": "Benutzer", "new": "Benannte Benutzer"}


def test_pages_and_the_root_title():
    old = small()
    new = copy.deepcopy(old)
    new["x-ui"]["title"]["en"] = "Tiny"
    pages = new["x-ui"]["pages"]
    pages[0]["title"]["de"] = "Erste"
    pages.append({"key": "three", "title": text("Drei", "Three")})
    assert _kinds(diff(old, new)) == [
        ("label", "/x-ui/title", "/x-ui/title", "en"),
        ("label", "/x-ui/pages/one", "/x-ui/pages/one", "de"),
        ("added", "/x-ui/pages/three", None, None),
    ]
    # A new first page takes the questions that name no page: they move.
    pages.insert(0, {"key": "zero", "title": text("Null", "Zero")})
    moved = [c.pointer for c in diff(old, new) if c.kind == "moved"]
    assert moved == ["/users", "/edition", "/modules", "/owners", "/staff"]
    swapped = copy.deepcopy(old)
    swapped["x-ui"]["pages"].reverse()
    for q in swapped["properties"].values():
        q["x-ui"]["page"] = q["x-ui"].get("page", "one")
    assert [(c.kind, c.pointer, c.detail) for c in diff(old, swapped)] == [
        ("moved", "/x-ui/pages/two", {"old": 1, "new": 0}),
        ("moved", "/x-ui/pages/one", {"old": 0, "new": 1}),
    ]


def test_a_mapping_naming_unknown_questions_or_rows_is_refused():
    with pytest.raises(ValueError, match="no question of the old version"):
        diff(small(), small(), mapping={"renames": {"/user": "/users"}})
    with pytest.raises(ValueError, match="pointer template"):
        diff(small(), small(), mapping={"renames": {"/owners/0/name": "/owners/*/name"}})
    with pytest.raises(ValueError, match="either version"):
        diff(small(), small(), mapping={"recodes": {"/editon": {"a": "b"}}})

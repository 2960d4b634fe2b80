"""get/set/delete/flatten/merge: pure helpers on answer dicts."""

import pytest

from forms_schema import delete, flatten, get, merge, set


def test_get():
    data = {"a": {"b": 1}, "rows": [{"x": "r0"}, {"x": "r1"}], "a/b": 2}
    assert get(data, "/a/b") == 1
    assert get(data, "/rows/1/x") == "r1"
    assert get(data, "/a~1b") == 2
    assert get(data, "") is data
    assert get(data, "/rows/2/x") is None
    assert get(data, "/rows/01/x", "none") == "none"
    assert get(data, "/a/b/c", "none") == "none"


def test_set_creates_objects_and_rows():
    data = {}
    set(data, "/server/os", "debian")
    set(data, "/contacts/0/name", "Ada")
    set(data, "/contacts/-", {"name": "Bob"})
    set(data, "/contacts/2", {"name": "Cy"})
    set(data, "/contacts/0/name", "Ada L.")
    assert data == {
        "server": {"os": "debian"},
        "contacts": [{"name": "Ada L."}, {"name": "Bob"}, {"name": "Cy"}],
    }
    with pytest.raises(IndexError):
        set(data, "/contacts/9", {})
    with pytest.raises(ValueError):
        set(data, "", {})


def test_delete_shifts_later_rows():
    data = {"contacts": [{"n": 0}, {"n": 1}, {"n": 2}], "a": {"b": 1}}
    delete(data, "/contacts/1")
    assert data["contacts"] == [{"n": 0}, {"n": 2}]
    delete(data, "/a/b")
    delete(data, "/missing/x")
    delete(data, "/contacts/7")
    assert data == {"contacts": [{"n": 0}, {"n": 2}], "a": {}}


def test_flatten_treats_lists_as_one_value():
    data = {
        "a": "x",
        "server": {"os": "debian", "disk": {"gb": 10}},
        "modules": ["crm"],
        "contacts": [{"name": "A"}],
        "empty": {},
    }
    assert flatten(data) == {
        "/a": "x",
        "/server/os": "debian",
        "/server/disk/gb": 10,
        "/modules": ["crm"],
        "/contacts": [{"name": "A"}],
    }


def test_merge_keeps_non_conflicting_changes_of_both():
    base = {"a": 1, "b": 1, "g": {"x": 1, "y": 1}}
    mine = {"a": 2, "b": 1, "g": {"x": 1, "y": 2}, "new": "m"}
    theirs = {"a": 1, "b": 3, "g": {"x": 3, "y": 1}, "other": "t"}
    merged, conflicts = merge(base, mine, theirs)
    assert merged == {"a": 2, "b": 3, "g": {"x": 3, "y": 2}, "new": "m", "other": "t"}
    assert conflicts == []
    assert theirs == {"a": 1, "b": 3, "g": {"x": 3, "y": 1}, "other": "t"}  # untouched


def test_merge_reports_conflicts_and_keeps_theirs():
    base = {"a": 1, "b": 1, "c": 1}
    mine = {"a": 2, "b": 5}  # c removed
    theirs = {"a": 3, "b": 5, "c": 4}
    merged, conflicts = merge(base, mine, theirs)
    assert merged == {"a": 3, "b": 5, "c": 4}
    assert conflicts == ["/a", "/c"]  # b: the same change on both sides is no conflict


def test_merge_removals():
    base = {"a": 1, "g": {"x": 1}, "b": 1}
    mine = {"b": 1}
    theirs = {"a": 1, "g": {"x": 1}, "b": 2}
    merged, conflicts = merge(base, mine, theirs)
    assert (merged, conflicts) == ({"b": 2}, [])


def test_merge_lists_are_one_value():
    base = {"contacts": [{"n": "A"}, {"n": "B"}]}
    mine = {"contacts": [{"n": "A"}, {"n": "B2"}]}
    theirs_same = {"contacts": [{"n": "A"}, {"n": "B"}], "x": 1}
    assert merge(base, mine, theirs_same) == ({"contacts": mine["contacts"], "x": 1}, [])
    theirs_other_row = {"contacts": [{"n": "A2"}, {"n": "B"}]}
    assert merge(base, mine, theirs_other_row) == (theirs_other_row, ["/contacts"])


def test_merge_compares_json_values():
    # In Python True == 1; in answers they are different values.
    merged, conflicts = merge({"a": 0}, {"a": True}, {"a": 1})
    assert (merged, conflicts) == ({"a": 1}, ["/a"])
    merged, conflicts = merge({"a": 0}, {"a": 1.0}, {"a": 1})
    assert conflicts == []

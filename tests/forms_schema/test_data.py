"""get/set/delete/flatten/merge: pure helpers on answer dicts."""

import pytest

from forms_schema import delete, flatten, get, set
from forms_schema.data import same


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


def test_answers_compare_as_json_values():
    # Python's == says True == 1 == 1.0; answers do not: a yes is no count, 1 is no "1".
    assert not same(True, 1) and not same(1, "1") and not same([1], [True])
    assert same(1, 1.0) and same({"a": [1, "x"]}, {"a": [1.0, "x"]})
    assert not same({"a": 1}, {"a": 1, "b": None})

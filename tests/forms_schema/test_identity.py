"""Stable identities: x-ui.id, identities(), with_ids()."""

import copy

import pytest

import forms_schema
from forms_schema import SchemaError, identities, with_ids
from forms_schema.outline import outline
from tests.forms_schema.versions import REAL, real, rename, small


def _strip_ids(node):
    """The document without x-ui.id (and without x-ui blocks that held only an id)."""
    if isinstance(node, list):
        return [_strip_ids(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "x-ui" and isinstance(value, dict) and "pages" not in value:
            value = {k: v for k, v in value.items() if k != "id"}
            if not value:
                continue
        out[key] = _strip_ids(value)
    return out


def test_an_id_is_accepted_on_questions_rows_and_defs():
    doc = small()
    doc["properties"]["users"]["x-ui"]["id"] = "user_count"
    doc["$defs"]["person"]["properties"]["name"]["x-ui"]["id"] = "full_name"
    doc["properties"]["server"]["properties"]["os"]["x-ui"]["id"] = "system"
    forms_schema.load(doc)
    found = identities(doc)
    assert found["user_count"] == "/users"
    assert found["server/system"] == "/server/os"
    assert found["owners/full_name"] == "/owners/*/name"
    assert found["staff/full_name"] == "/staff/*/name"


@pytest.mark.parametrize("bad", ["Users", "1st", "a-b", "", 7, None])
def test_a_bad_id_is_refused_at_its_pointer(bad):
    doc = small()
    doc["properties"]["server"]["properties"]["cores"]["x-ui"]["id"] = bad
    with pytest.raises(SchemaError) as caught:
        forms_schema.load(doc)
    assert caught.value.pointer == "/properties/server/properties/cores/x-ui/id"


def test_identities_nest_and_a_shared_row_gets_one_per_use():
    found = identities(small())
    assert list(found) == [
        "users",
        "edition",
        "modules",
        "vpn",
        "gateway",
        "server",
        "server/cores",
        "server/os",
        "owners",
        "owners/name",
        "owners/age",
        "staff",
        "staff/name",
        "staff/age",
    ]
    assert found["staff/age"] == "/staff/*/age"


def test_identities_read_a_questionnaire_and_agree_with_its_nodes():
    for name in REAL:
        q = forms_schema.load(real(name))
        templates = set(identities(q).values())
        assert {t for t in templates if q.node(t) is not None} == templates
        assert len(templates) == len(identities(q))


def test_two_questions_with_one_identity_are_refused():
    doc = small()
    doc["properties"]["vpn"]["x-ui"]["id"] = "users"
    with pytest.raises(SchemaError) as caught:
        identities(doc)
    assert caught.value.pointer == "/properties/vpn/x-ui/id"


@pytest.mark.parametrize("name", ["technical", "business", "small"])
def test_with_ids_adds_only_ids_and_is_idempotent(name):
    doc = small() if name == "small" else real(name)
    before = copy.deepcopy(doc)
    once = with_ids(doc)
    assert doc == before  # a copy: the argument is untouched
    assert with_ids(once) == once
    assert _strip_ids(once) == _strip_ids(before)
    forms_schema.load(once)
    assert identities(once) == identities(before)
    assert all(q.ui["id"] == q.key for q in outline(once).questions)


def test_with_ids_keeps_an_id_given_or_inherited():
    doc = small()
    doc["properties"]["users"]["x-ui"]["id"] = "people"
    doc["$defs"]["mail"] = {"type": "string", "x-ui": {"id": "email"}}
    doc["properties"]["contact"] = {
        "$ref": "#/$defs/mail",
        "x-ui": {"label": {"de": "M", "en": "M"}},
    }
    out = with_ids(doc)
    assert out["properties"]["users"]["x-ui"]["id"] == "people"
    assert "id" not in out["properties"]["contact"]["x-ui"]
    assert identities(out)["email"] == "/contact"


def test_a_rename_after_with_ids_keeps_the_identity():
    doc = with_ids(small())
    renamed = rename(copy.deepcopy(doc), "users", "user_count")
    assert identities(renamed)["users"] == "/user_count"

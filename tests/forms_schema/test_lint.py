"""lint(): problems with pointers into the document, one example per code, and robustness."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms_schema import Problem, lint, load
from forms_schema.lint import CODES
from tests.forms_schema.versions import REAL, real, small, text


def _codes(problems):
    return [(p.code, p.pointer) for p in problems]


def _show(scope, value=True):
    return {"effect": "SHOW", "condition": {"scope": scope, "schema": {"const": value}}}


@pytest.mark.parametrize("name", sorted(REAL))
def test_the_real_questionnaires_lint_clean(name):
    assert lint(real(name)) == []
    assert lint(load(real(name)), real(name)) == []


def test_a_small_document_lints_clean():
    assert lint(small()) == []


def test_a_document_that_does_not_load_is_a_schema_problem():
    doc = small()
    doc["properties"]["users"]["x-ui"]["colour"] = "red"
    found = lint(doc)
    assert _codes(found) == [("schema", "/properties/users/x-ui/colour")]
    assert found[0].params["message"] == found[0].message == "unknown key 'colour'"
    # Every metaschema violation is reported; load() (and so lint) stops there.
    doc["properties"]["vpn"]["type"] = "bool"
    doc["properties"]["users"]["minimum"] = "0"
    assert _codes(lint(doc)) == [
        ("schema", "/properties/users/minimum"),
        ("schema", "/properties/vpn/type"),
    ]


def test_missing_translations_one_per_language_where_the_text_should_be():
    doc = small()
    ui = doc["properties"]["users"]["x-ui"]
    ui["label"] = "Benutzer"  # a plain string: neither language is given as such
    ui["help"] = {"de": "Anzahl", "en": " "}
    del doc["properties"]["edition"]["x-ui"]["enum_labels"]["express"]
    del doc["$defs"]["person"]["properties"]["age"]["x-ui"]
    doc["x-ui"]["pages"][1]["title"] = {"de": "Zwei", "en": ""}
    found = lint(doc)
    assert _codes(found) == [
        ("missing_translation", "/x-ui/pages/1/title/en"),
        ("missing_translation", "/$defs/person/properties/age/x-ui/label/de"),
        ("missing_translation", "/$defs/person/properties/age/x-ui/label/en"),
        ("missing_translation", "/properties/users/x-ui/label/de"),
        ("missing_translation", "/properties/users/x-ui/label/en"),
        ("missing_translation", "/properties/users/x-ui/help/en"),
        ("missing_translation", "/properties/edition/x-ui/enum_labels/express/de"),
        ("missing_translation", "/properties/edition/x-ui/enum_labels/express/en"),
    ]
    assert found[-1].params == {"text": "enum_labels/express", "locale": "en"}


def test_a_missing_root_title_is_missing_in_both_languages():
    doc = small()
    del doc["x-ui"]["title"]
    assert _codes(lint(doc)) == [
        ("missing_translation", "/x-ui/title/de"),
        ("missing_translation", "/x-ui/title/en"),
    ]


def test_stale_translation_when_only_the_german_text_changed():
    before = small()
    doc = copy.deepcopy(before)
    doc["properties"]["users"]["x-ui"]["label"]["de"] = "Benannte Benutzer"
    doc["properties"]["users"]["x-ui"]["help"] = text("Zahl", "Count")  # both changed: fine
    doc["$defs"]["person"]["properties"]["name"]["x-ui"]["label"]["de"] = "Vollständiger Name"
    doc["x-ui"]["pages"][0]["title"]["de"] = "Erste Seite"
    doc["x-ui"]["title"]["de"] = "Kleiner Fragebogen"
    doc["properties"]["edition"]["x-ui"]["enum_labels"]["express"]["de"] = "Express (klein)"
    found = lint(doc, before)
    assert _codes(found) == [
        ("stale_translation", "/x-ui/title/en"),
        ("stale_translation", "/x-ui/pages/0/title/en"),
        ("stale_translation", "/$defs/person/properties/name/x-ui/label/en"),
        ("stale_translation", "/properties/users/x-ui/label/en"),
        ("stale_translation", "/properties/edition/x-ui/enum_labels/express/en"),
    ]
    assert found[3].params["de_now"] == "Benannte Benutzer"
    assert lint(doc) == []  # without a previous version nothing is stale


def test_stale_translation_follows_a_rename_by_identity():
    from forms_schema import with_ids

    before = with_ids(small())
    doc = copy.deepcopy(before)
    doc["properties"] = {("people" if k == "users" else k): v for k, v in doc["properties"].items()}
    doc["required"] = ["people"]
    doc["properties"]["people"]["x-ui"]["label"]["de"] = "Leute"
    assert _codes(lint(doc, before)) == [("stale_translation", "/properties/people/x-ui/label/en")]


def test_unknown_references_are_all_reported():
    doc = small()
    doc["required"] = ["users", "user"]
    doc["dependentRequired"] = {"vpn": ["gatewy"], "vpm": ["gateway"]}
    doc["allOf"] = [
        {"if": {"properties": {"vpnn": {"const": True}}}, "then": {"required": ["gatway"]}}
    ]
    doc["properties"]["gateway"]["x-ui"]["rule"] = _show("#/properties/vpx")
    doc["properties"]["users"]["x-compare"] = {"lte": "1/server/cpus"}
    doc["properties"]["edition"]["x-ui"]["page"] = "three"
    found = lint(doc)
    assert _codes(found) == [
        ("unknown_reference", "/required/1"),
        ("unknown_reference", "/properties/users/x-compare/lte"),
        ("unknown_reference", "/properties/edition/x-ui/page"),
        ("unknown_reference", "/properties/gateway/x-ui/rule/condition/scope"),
        ("unknown_reference", "/dependentRequired/vpn/0"),
        ("unknown_reference", "/dependentRequired/vpm"),
        ("unknown_reference", "/allOf/0/if/properties/vpnn"),
        ("unknown_reference", "/allOf/0/then/required/0"),
    ]
    assert found[0].params == {"name": "user", "what": "required"}


def test_an_unknown_condition_property_is_found_although_the_document_loads():
    doc = small()
    doc["allOf"] = [{"if": {"properties": {"vpnn": {"const": True}}}, "then": {}}]
    load(doc)
    assert _codes(lint(doc)) == [("unknown_reference", "/allOf/0/if/properties/vpnn")]


def test_rule_cycles_two_three_self_and_in_rows():
    doc = small()
    props = doc["properties"]
    props["vpn"]["x-ui"]["rule"] = _show("#/properties/gateway", "x")
    props["users"]["x-ui"]["rule"] = _show("#/properties/users", 1)
    props["edition"]["x-ui"]["rule"] = _show("#/properties/modules", 1)
    props["modules"]["x-ui"]["rule"] = _show("#/properties/server/properties/os", 1)
    props["server"]["properties"]["os"]["x-ui"]["rule"] = _show("#/properties/cores", 1)
    props["server"]["x-ui"]["rule"] = _show("#/properties/edition", "x")
    person = doc["$defs"]["person"]["properties"]
    person["name"]["x-ui"]["rule"] = _show("#/properties/age", 1)
    person["age"]["x-ui"]["rule"] = _show("#/properties/name", "x")
    found = lint(doc)
    assert {p.code for p in found} == {"rule_cycle"}
    assert [p.pointer for p in found] == [
        "/$defs/person/properties/name/x-ui/rule/condition/scope",
        "/$defs/person/properties/age/x-ui/rule/condition/scope",
        "/properties/users/x-ui/rule/condition/scope",
        "/properties/edition/x-ui/rule/condition/scope",
        "/properties/modules/x-ui/rule/condition/scope",
        "/properties/vpn/x-ui/rule/condition/scope",
        "/properties/gateway/x-ui/rule/condition/scope",
        "/properties/server/x-ui/rule/condition/scope",
        "/properties/server/properties/os/x-ui/rule/condition/scope",  # via its group
    ]


def test_a_duplicate_id_points_at_the_second_question():
    doc = small()
    doc["properties"]["server"]["properties"]["os"]["x-ui"]["id"] = "cores"
    doc["properties"]["vpn"]["x-ui"]["id"] = "users"
    found = lint(doc)
    assert _codes(found) == [
        ("duplicate_id", "/properties/vpn/x-ui/id"),
        ("duplicate_id", "/properties/server/properties/os/x-ui/id"),
    ]
    assert found[1].params == {"identity": "server/cores", "other": "/server/cores"}


def test_a_removed_choice_in_use_needs_a_recode():
    before = small()
    doc = copy.deepcopy(before)
    doc["properties"]["edition"]["enum"] = ["standard"]
    del doc["properties"]["edition"]["x-ui"]["enum_labels"]["express"]
    doc["properties"]["modules"]["items"]["enum"] = ["crm", "erp"]
    del doc["properties"]["modules"]["x-ui"]["enum_labels"]["bi"]
    in_use = {"edition": {"express"}, "/modules": {"bi", "crm"}}
    found = lint(doc, before, in_use=in_use)
    assert _codes(found) == [
        ("removed_choice_in_use", "/properties/edition/enum"),
        ("removed_choice_in_use", "/properties/modules/items/enum"),
    ]
    assert found[0].params == {"choice": "express", "question": "/edition", "identity": "edition"}
    recoded = {"recodes": {"/edition": {"express": "standard"}, "/modules": {"bi": "erp"}}}
    assert lint(doc, before, mapping=recoded, in_use=in_use) == []
    assert lint(doc, before, in_use={"edition": {"standard"}}) == []
    assert lint(doc, before) == []  # nothing known in use


def test_every_problem_is_a_problem_with_a_known_code():
    doc = small()
    doc["properties"]["users"]["x-ui"]["label"] = "x"
    for p in lint(doc):
        assert isinstance(p, Problem) and p.code in CODES and p.pointer.startswith("/")


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(
        st.sampled_from(["type", "x-ui", "$ref", "properties", "id"]),
        st.text(max_size=3),
        max_size=2,
    ),
)


def _places(node, pointer=()):
    yield pointer
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*pointer, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*pointer, index))


@settings(deadline=None, max_examples=50)
@given(st.data())
def test_lint_never_fails_on_a_broken_document(data):
    doc = small()
    for _ in range(data.draw(st.integers(1, 3))):
        places = [p for p in _places(doc) if p]
        where = data.draw(st.sampled_from(places))
        node = doc
        for token in where[:-1]:
            node = node[token]
        node[where[-1]] = data.draw(_JUNK)
    problems = lint(doc, small())
    assert all(p.code in CODES for p in problems)

"""The studio editor's pure edits: each changes one thing, keeps the rest, and the result loads."""

import copy
import json
from pathlib import Path

import pytest

import forms_schema
from portal.services.studio import editing as e
from portal.services.studio.editing import EditError

ROOT = Path(__file__).resolve().parents[2] / "questionnaires"
CONTEXTS = {"deployment": ["on_premises", "cp_cloud"]}


def technical() -> dict:
    return forms_schema.with_ids(json.loads((ROOT / "technical/v2.json").read_text()))


def business() -> dict:
    return forms_schema.with_ids(json.loads((ROOT / "business/v2.json").read_text()))


@pytest.fixture(scope="module")
def tech():
    return technical()


def without(document: dict, *pointers: str) -> dict:
    """A copy of document with the parts at these JSON pointers taken out."""
    out = copy.deepcopy(document)
    for pointer in pointers:
        *parents, last = pointer.strip("/").split("/")
        node = out
        for token in parents:
            node = node[int(token)] if isinstance(node, list) else node.get(token, {})
        if isinstance(node, list):
            if int(last) < len(node):
                del node[int(last)]
        else:
            node.pop(last, None)
    return out


def same_except(before: dict, after: dict, *pointers: str) -> None:
    assert without(before, *pointers) == without(after, *pointers)


def loads(document: dict) -> forms_schema.Questionnaire:
    return forms_schema.load(document)


def problems(document: dict) -> list[str]:
    return [f"{p.code} {p.pointer}" for p in forms_schema.lint(document)]


# -- pages ---------------------------------------------------------------------------------------


def test_a_page_is_added_last_with_both_titles(tech):
    out = e.add_page(tech, "modules", {"de": "Module", "en": "Modules"})
    assert e.pages(out)[-1] == {"key": "modules", "title": {"de": "Module", "en": "Modules"}}
    same_except(tech, out, "/x-ui/pages/6")
    assert tech == technical()  # the argument is never changed


@pytest.mark.parametrize("key", ["Modules", "1st", "mod-ules", "", "contacts", "data"])
def test_a_page_key_must_be_a_new_name(tech, key):
    with pytest.raises(EditError) as refused:
        e.add_page(tech, key, {"de": "X", "en": "X"})
    assert refused.value.field == "key"


def test_a_page_needs_a_german_title(tech):
    with pytest.raises(EditError, match="title_needed"):
        e.add_page(tech, "modules", {"de": " ", "en": "Modules"})


def test_a_page_title_is_renamed_in_both_languages(tech):
    out = e.set_page_title(tech, "contacts", {"de": "Ansprechpartner (IT)", "en": "IT contacts"})
    assert e.pages(out)[5]["title"] == {"de": "Ansprechpartner (IT)", "en": "IT contacts"}
    same_except(tech, out, "/x-ui/pages/5/title")


def test_pages_are_reordered_and_their_questions_stay(tech):
    out = e.move_page(tech, "network", -1)
    assert [p["key"] for p in e.pages(out)][:3] == ["environment", "network", "workstations"]
    assert out["properties"] == tech["properties"]
    assert e.move_page(tech, "environment", -1) == tech  # nothing above the first
    assert e.move_page(tech, "contacts", 1) == tech


def test_moving_the_first_page_pins_the_questions_that_named_no_page():
    doc = {
        "type": "object",
        "x-ui": {"pages": [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]},
        "properties": {"x": {"type": "string"}, "y": {"type": "string", "x-ui": {"page": "b"}}},
    }
    out = e.move_page(doc, "b", -1)
    assert out["properties"]["x"]["x-ui"] == {"page": "a"}
    assert e.page_of(out, out["properties"]["x"]) == "a"


def test_only_an_empty_page_is_removed(tech):
    with pytest.raises(EditError, match="page_not_empty"):
        e.remove_page(tech, "contacts")
    added = e.add_page(tech, "modules", {"de": "Module", "en": "Modules"})
    assert e.remove_page(added, "modules") == tech


# -- adding questions ----------------------------------------------------------------------------


def test_a_question_is_added_last_on_its_page_with_an_id(tech):
    out = e.add_question(
        tech, "", "cpce_module", "text", {"de": "Modul", "en": "Module"}, "environment"
    )
    prop = out["properties"]["cpce_module"]
    assert prop == {
        "type": "string",
        "x-ui": {
            "id": "cpce_module",
            "label": {"de": "Modul", "en": "Module"},
            "page": "environment",
            "order": 1130,
        },
    }
    assert e.siblings(out, "cpce_module")[-1] == "cpce_module"
    same_except(tech, out, "/properties/cpce_module")
    loads(out)


def test_a_question_is_added_to_a_group_and_to_a_shared_row(tech):
    out = e.add_question(tech, "server", "notes", "textarea", {"de": "Notizen", "en": "Notes"})
    assert out["properties"]["server"]["properties"]["notes"]["x-ui"]["widget"] == "textarea"
    same_except(tech, out, "/properties/server/properties/notes")
    out = e.add_question(tech, "it_contacts", "mobile", "text", {"de": "Mobil", "en": "Mobile"})
    assert list(out["$defs"]["contact"]["properties"])[-1] == "mobile"  # the $ref'd row object
    same_except(tech, out, "/$defs/contact/properties/mobile")
    loads(out)


@pytest.mark.parametrize(
    "key, code",
    [
        ("named_users", "key_taken"),
        ("Named", "bad_key"),
        ("2fa", "bad_key"),
        ("validate", "reserved_key"),
    ],
)
def test_a_new_key_is_refused_when_taken_or_malformed(tech, key, code):
    with pytest.raises(EditError, match=code) as refused:
        e.add_question(tech, "", key, "text", {"de": "X", "en": "X"}, "environment")
    assert refused.value.field == "key"


def test_a_question_needs_a_declared_page_and_a_known_parent(tech):
    with pytest.raises(EditError, match="unknown_page"):
        e.add_question(tech, "", "x", "text", {"de": "X", "en": "X"}, "nowhere")
    with pytest.raises(EditError, match="unknown_question"):
        e.add_question(tech, "named_users", "x", "text", {"de": "X", "en": "X"})


# -- renaming ------------------------------------------------------------------------------------


def test_a_rename_keeps_the_id_and_the_place_and_follows_required_and_rules(tech):
    out = e.rename_key(tech, "cloud_vpn_required", "cloud_vpn_needed")
    keys = list(out["properties"])
    assert keys.index("cloud_vpn_needed") == list(tech["properties"]).index("cloud_vpn_required")
    assert out["properties"]["cloud_vpn_needed"]["x-ui"]["id"] == "cloud_vpn_required"
    assert "cloud_vpn_needed" in out["required"]
    scopes = {
        k: out["properties"][k]["x-ui"]["rule"]["condition"]["scope"]
        for k in ("cloud_vpn_type", "cloud_vpn_gateway")
    }
    assert set(scopes.values()) == {"#/properties/cloud_vpn_needed"}
    assert out["allOf"][1]["if"] == {
        "properties": {"cloud_vpn_needed": {"const": True}},
        "required": ["cloud_vpn_needed"],
    }
    assert forms_schema.identities(out) == {
        k: v.replace("cloud_vpn_required", "cloud_vpn_needed")
        for k, v in forms_schema.identities(tech).items()
    }
    assert not [p for p in problems(out) if not p.startswith("stale_translation")]


def test_a_rename_without_an_id_writes_the_old_key_as_id():
    doc = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    out = e.rename_key(doc, "a", "c")
    assert out["properties"] == {
        "c": {"type": "string", "x-ui": {"id": "a"}},
        "b": {"type": "string"},
    }


def test_a_rename_in_a_group_follows_rules_and_compares_that_reach_into_it():
    doc = {
        "type": "object",
        "properties": {
            "server": {
                "type": "object",
                "required": ["ram"],
                "properties": {"ram": {"type": "integer"}},
            },
            "swap": {
                "type": "integer",
                "x-compare": {"lte": "1/server/ram"},
                "x-ui": {
                    "rule": {
                        "effect": "SHOW",
                        "condition": {"scope": "#/properties/server/properties/ram", "schema": {}},
                    }
                },
            },
        },
    }
    out = e.rename_key(doc, "server/ram", "memory")
    assert out["properties"]["server"]["required"] == ["memory"]
    assert out["properties"]["swap"]["x-compare"] == {"lte": "1/server/memory"}
    assert (
        out["properties"]["swap"]["x-ui"]["rule"]["condition"]["scope"]
        == "#/properties/server/properties/memory"
    )
    loads(out)


def test_a_rename_in_a_shared_row_follows_its_rules_and_the_lists_contains():
    doc = business()
    out = e.rename_key(doc, "legal_entities/is_parent", "is_ultimate_parent")
    assert not [p for p in problems(out) if not p.startswith("stale_translation")]
    loads(out)
    out = e.rename_key(technical(), "data_sources/delivery", "delivery_kind")
    rows = out["$defs"]["data_source"]
    assert (
        rows["properties"]["file_format"]["x-ui"]["rule"]["condition"]["scope"]
        == "#/properties/delivery_kind"
    )
    assert "delivery_kind" in rows["required"]
    loads(out)


def test_a_compare_operand_follows_a_rename(tech):
    out = e.rename_key(tech, "named_users", "named_user_count")
    assert out["properties"]["concurrent_users"]["x-compare"] == {"lte": "1/named_user_count"}
    loads(out)


@pytest.mark.parametrize(
    "key, code", [("concurrent_users", "key_taken"), ("Users", "bad_key"), ("a-b", "bad_key")]
)
def test_a_rename_to_a_taken_or_malformed_key_is_refused(tech, key, code):
    with pytest.raises(EditError, match=code):
        e.rename_key(tech, "named_users", key)


def test_renaming_to_the_same_key_changes_nothing(tech):
    assert e.rename_key(tech, "named_users", "named_users") == tech


# -- kind, texts, required -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("text", {"type": "string"}),
        ("textarea", {"type": "string", "widget": "textarea"}),
        ("email", {"type": "string", "format": "email"}),
        ("url", {"type": "string", "format": "uri"}),
        ("date", {"type": "string", "format": "date"}),
        ("integer", {"type": "integer"}),
        ("decimal", {"type": "number"}),
        ("yes_no", {"type": "boolean"}),
        ("checkbox", {"type": "boolean", "widget": "checkbox"}),
        ("file", {"type": "string", "widget": "file"}),
    ],
)
def test_a_kind_writes_type_widget_and_format(tech, kind, expected):
    out = e.set_kind(tech, "cloud_vpn_gateway", kind)
    prop = out["properties"]["cloud_vpn_gateway"]
    assert e.kind_of(out, prop) == kind
    assert {k: v for k, v in prop.items() if k in ("type", "format")} == {
        k: v for k, v in expected.items() if k != "widget"
    }
    assert prop["x-ui"].get("widget") == expected.get("widget")
    assert prop["x-ui"]["rule"] == tech["properties"]["cloud_vpn_gateway"]["x-ui"]["rule"]
    same_except(tech, out, "/properties/cloud_vpn_gateway")
    loads(out)


def test_a_kind_of_another_family_drops_the_old_limits_and_placeholder(tech):
    out = e.set_kind(tech, "named_users", "yes_no")
    prop = out["properties"]["named_users"]
    assert "minimum" not in prop and "maximum" not in prop and "placeholder" not in prop["x-ui"]
    # The comparison that named it no longer fits: lint says so at the place.
    assert "schema /properties/concurrent_users/x-compare/lte" in problems(out)


def test_choice_kinds_need_choices_and_keep_them_across_select_radio_checkboxes(tech):
    with pytest.raises(EditError, match="choices_needed"):
        e.set_kind(tech, "cloud_vpn_gateway", "select")
    out = e.set_kind(tech, "directory_service", "select")
    assert (
        out["properties"]["directory_service"]["enum"]
        == tech["properties"]["directory_service"]["enum"]
    )
    out = e.set_kind(out, "directory_service", "checkboxes")
    assert (
        out["properties"]["directory_service"]["items"]["enum"]
        == tech["properties"]["directory_service"]["enum"]
    )
    assert out["properties"]["directory_service"]["x-ui"]["enum_labels"]


def test_a_group_with_questions_keeps_its_kind(tech):
    with pytest.raises(EditError, match="has_questions"):
        e.set_kind(tech, "server", "text")


def test_texts_are_set_in_both_languages_and_an_empty_one_is_removed(tech):
    out = e.set_texts(
        tech,
        "named_users",
        {"label": {"de": "Benutzer", "en": "Users"}, "help": {"de": "", "en": ""}},
    )
    ui = out["properties"]["named_users"]["x-ui"]
    assert ui["label"] == {"de": "Benutzer", "en": "Users"} and "help" not in ui
    same_except(
        tech, out, "/properties/named_users/x-ui/label", "/properties/named_users/x-ui/help"
    )


def test_a_label_cannot_be_emptied_and_a_placeholder_needs_a_fitting_kind(tech):
    with pytest.raises(EditError, match="label_needed"):
        e.set_texts(tech, "named_users", {"label": {"de": "", "en": ""}})
    with pytest.raises(EditError, match="not_applicable"):
        e.set_texts(tech, "mfa_required", {"placeholder": {"de": "x", "en": "x"}})


def test_an_english_text_is_fixed_alone(tech):
    label = dict(tech["properties"]["named_users"]["x-ui"]["label"], en="Named users (people)")
    out = e.set_texts(tech, "named_users", {"label": label})
    same_except(tech, out, "/properties/named_users/x-ui/label/en")


def test_required_is_added_to_and_taken_from_the_parents_list(tech):
    out = e.set_required(tech, "server/virtualisation", True)
    assert out["properties"]["server"]["required"][-1] == "virtualisation"
    assert e.set_required(out, "server/virtualisation", False) == tech
    out = e.set_required(tech, "named_users", False)
    assert "named_users" not in out["required"]
    same_except(tech, out, "/required")
    doc = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}}
    assert "required" not in e.set_required(doc, "a", False)


# -- choices, limits, uploads --------------------------------------------------------------------


def test_choices_are_added_removed_and_reordered_with_their_labels(tech):
    out = e.set_choices(
        tech,
        "directory_service",
        [
            ("none", "Keiner", "None"),
            ("entra_id", "Entra ID", "Entra ID"),
            ("ldap", "LDAP", "LDAP"),
        ],
    )
    prop = out["properties"]["directory_service"]
    assert prop["enum"] == ["none", "entra_id", "ldap"]
    assert prop["x-ui"]["enum_labels"]["ldap"] == {"de": "LDAP", "en": "LDAP"}
    same_except(
        tech,
        out,
        "/properties/directory_service/enum",
        "/properties/directory_service/x-ui/enum_labels",
    )


@pytest.mark.parametrize(
    "choices, code",
    [
        ([], "choices_needed"),
        ([("a", "A", "A"), ("a", "B", "B")], "duplicate_code"),
        ([(" a", "A", "A")], "bad_code"),
    ],
)
def test_bad_choices_are_refused(tech, choices, code):
    with pytest.raises(EditError, match=code):
        e.set_choices(tech, "directory_service", choices)


def test_choices_of_a_checkbox_list_go_into_its_items(tech):
    out = e.set_choices(tech, "client_os", [("windows_11", "Windows 11", "Windows 11")])
    assert out["properties"]["client_os"]["items"]["enum"] == ["windows_11"]
    loads(out)


def test_limits_are_set_and_removed(tech):
    out = e.set_limits(tech, "named_users", {"minimum": 1, "maximum": None})
    prop = out["properties"]["named_users"]
    assert prop["minimum"] == 1 and "maximum" not in prop
    same_except(tech, out, "/properties/named_users/minimum", "/properties/named_users/maximum")
    out = e.set_limits(tech, "it_contacts", {"minItems": 2, "maxItems": 10})
    assert (
        out["properties"]["it_contacts"]["minItems"],
        out["properties"]["it_contacts"]["maxItems"],
    ) == (2, 10)
    out = e.set_limits(
        tech, "proxy_host", {"format": None, "pattern": "^[a-z.]+$", "maxLength": 100}
    )
    assert "format" not in out["properties"]["proxy_host"]
    loads(out)


@pytest.mark.parametrize(
    "path, limits, code",
    [
        ("named_users", {"minimum": 10, "maximum": 5}, "min_above_max"),
        ("named_users", {"pattern": "^a$"}, "not_applicable"),
        ("proxy_host", {"pattern": "(["}, "bad_pattern"),
        ("proxy_host", {"format": "ipv4"}, "bad_format"),
        ("it_contacts", {"minItems": -1}, "bad_count"),
    ],
)
def test_bad_limits_are_refused(tech, path, limits, code):
    with pytest.raises(EditError, match=code):
        e.set_limits(tech, path, limits)


def test_a_limit_on_a_shared_definition_is_copied_into_the_question(tech):
    out = e.set_limits(tech, "sql_port", {"maximum": 1024})
    prop = out["properties"]["sql_port"]
    assert "$ref" not in prop and prop["type"] == "integer" and prop["maximum"] == 1024
    assert out["properties"]["proxy_port"] == tech["properties"]["proxy_port"]  # still shared
    assert out["$defs"] == tech["$defs"]
    assert e.set_limits(tech, "sql_port", {"maximum": 65535}) == tech  # unchanged: stays a $ref
    loads(out)


def test_uploads_take_types_and_a_size(tech):
    out = e.set_upload(tech, "network_diagram", [".pdf", "image/*"], 2_000_000)
    ui = out["properties"]["network_diagram"]["x-ui"]
    assert ui["accept"] == [".pdf", "image/*"] and ui["max_size"] == 2_000_000
    with pytest.raises(EditError, match="bad_accept"):
        e.set_upload(tech, "network_diagram", ["pdf"], None)
    with pytest.raises(EditError, match="not_applicable"):
        e.set_upload(tech, "named_users", [".pdf"], None)
    loads(out)


def test_repeating_group_labels_are_texts(tech):
    out = e.set_texts(tech, "it_contacts", {"row_label": {"de": "Person", "en": "Person"}})
    assert out["properties"]["it_contacts"]["x-ui"]["row_label"] == {"de": "Person", "en": "Person"}
    with pytest.raises(EditError, match="not_applicable"):
        e.set_texts(tech, "named_users", {"add_label": {"de": "x", "en": "x"}})


# -- moving and removing -------------------------------------------------------------------------


def test_moving_up_and_down_swaps_orders_with_the_neighbour(tech):
    out = e.move_question(tech, "concurrent_users", -1)
    assert e.siblings(out, "named_users")[2:4] == ["concurrent_users", "named_users"]
    same_except(
        tech, out, "/properties/concurrent_users/x-ui/order", "/properties/named_users/x-ui/order"
    )
    assert e.move_question(out, "concurrent_users", 1) == tech
    assert e.move_question(tech, "client_os", -1) == tech  # first on its page


def test_moving_without_orders_swaps_the_declared_order():
    doc = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    assert list(e.move_question(doc, "b", -1)["properties"]) == ["b", "a"]


def test_a_question_moves_to_the_end_of_another_page(tech):
    out = e.move_to_page(tech, "named_users", "contacts")
    assert e.siblings(out, "named_users") == ["it_contacts", "named_users"]
    assert out["properties"]["named_users"]["x-ui"]["order"] == 6020
    same_except(
        tech, out, "/properties/named_users/x-ui/page", "/properties/named_users/x-ui/order"
    )
    with pytest.raises(EditError, match="not_top_level"):
        e.move_to_page(tech, "server/ram_gb", "contacts")


def test_removing_a_question_removes_its_required_and_dependent_entries(tech):
    out = e.remove_question(tech, "proxy_port")
    assert "proxy_port" not in out["properties"] and "dependentRequired" not in out
    out = e.remove_question(tech, "named_users")
    assert "named_users" not in out["required"]
    same_except(tech, out, "/properties/named_users", "/required")


# -- rules ---------------------------------------------------------------------------------------


def test_a_rule_is_built_on_a_question_and_read_back(tech):
    out = e.set_rule(
        tech,
        "mfa_required",
        "SHOW",
        "q:directory_service",
        "one_of",
        ["entra_id", "hybrid"],
        CONTEXTS,
    )
    assert out["properties"]["mfa_required"]["x-ui"]["rule"] == {
        "effect": "SHOW",
        "condition": {
            "scope": "#/properties/directory_service",
            "schema": {"enum": ["entra_id", "hybrid"]},
        },
    }
    assert e.read_rule(out, "mfa_required") == e.Rule(
        "SHOW", "q:directory_service", "one_of", ("entra_id", "hybrid")
    )
    same_except(tech, out, "/properties/mfa_required/x-ui/rule")
    loads(out)


@pytest.mark.parametrize(
    "ref, condition, values, schema",
    [
        ("context:deployment", "equals", ["cp_cloud"], {"const": "cp_cloud"}),
        ("q:remote_access_allowed", "is_true", [], {"const": True}),
        ("q:remote_access_allowed", "is_false", [], {"const": False}),
        ("q:named_users", "equals", ["40"], {"const": 40}),
        ("q:client_os", "includes", ["citrix"], {"contains": {"const": "citrix"}}),
        ("q:proxy_host", "answered", [], {}),
        ("q:server/cpu_cores", "one_of", ["4", "8"], {"enum": [4, 8]}),
    ],
)
def test_each_condition_writes_its_schema(tech, ref, condition, values, schema):
    out = e.set_rule(tech, "maintenance_windows", "HIDE", ref, condition, values, CONTEXTS)
    rule = out["properties"]["maintenance_windows"]["x-ui"]["rule"]
    assert rule["effect"] == "HIDE" and rule["condition"]["schema"] == schema
    assert e.read_rule(out, "maintenance_windows").condition == condition
    loads(out)


@pytest.mark.parametrize(
    "ref, condition, values, code",
    [
        ("q:maintenance_windows", "answered", [], "bad_target"),  # itself
        ("q:it_contacts", "answered", [], "bad_target"),  # a repeating group
        ("q:nothing", "answered", [], "bad_target"),
        ("q:named_users", "is_true", [], "condition_misfit"),
        ("q:directory_service", "equals", ["novell"], "not_a_choice"),
        ("q:named_users", "equals", ["viele"], "bad_number"),
        ("q:named_users", "equals", [], "one_value"),
        ("context:deployment", "one_of", [], "values_needed"),
    ],
)
def test_a_rule_that_cannot_hold_is_refused(tech, ref, condition, values, code):
    with pytest.raises(EditError, match=code):
        e.set_rule(tech, "maintenance_windows", "SHOW", ref, condition, values, CONTEXTS)


def test_a_rule_in_a_row_looks_at_its_row(tech):
    refs = [t.ref for t in e.targets(tech, "data_sources/file_format", CONTEXTS)]
    assert "q:delivery" in refs and "q:named_users" not in refs and "context:deployment" in refs


def test_a_rule_is_removed_and_a_hand_written_one_reads_as_custom(tech):
    out = e.remove_rule(tech, "ad_domain")
    assert "rule" not in out["properties"]["ad_domain"]["x-ui"]
    same_except(tech, out, "/properties/ad_domain/x-ui/rule")
    doc = {
        "type": "object",
        "properties": {
            "a": {"type": "integer"},
            "b": {
                "type": "string",
                "x-ui": {
                    "rule": {
                        "effect": "SHOW",
                        "condition": {"scope": "#/properties/a", "schema": {"minimum": 3}},
                    }
                },
            },
        },
    }
    assert e.read_rule(doc, "b").condition == "custom"


# -- the question form at once -------------------------------------------------------------------


def spec_of(document: dict, path: str, **changes) -> e.QuestionSpec:
    _, key, prop = e.find(document, path)
    schema = e.merged(document, prop)
    ui = schema.get("x-ui", {})
    kind = e.kind_of(document, prop)
    texts = {n: dict(ui[n]) for n in e.TEXTS if isinstance(ui.get(n), dict)}
    labels = ui.get("enum_labels", {})
    choices = [
        (str(c), labels.get(str(c), {}).get("de", ""), labels.get(str(c), {}).get("en", ""))
        for c in (
            schema.get("items", {}).get("enum") if kind == "checkboxes" else schema.get("enum")
        )
        or []
    ]
    limits = {n: schema.get(n) for n in e.LIMITS}
    parent, _, _ = e.find(document, path)
    spec = e.QuestionSpec(
        key=key,
        kind=kind,
        texts=texts,
        required=key in parent.get("required", []),
        choices=choices,
        limits=limits,
        accept=list(ui.get("accept", [])),
        max_size=ui.get("max_size"),
    )
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


@pytest.mark.parametrize(
    "path",
    [
        "sql_port",
        "server/ram_gb",
        "it_contacts/email",
        "client_os",
        "network_diagram",
        "data_sources",
    ],
)
def test_saving_the_question_form_unchanged_changes_nothing(tech, path):
    out, notes = e.update_question(tech, path, spec_of(tech, path))
    assert (out, notes) == (tech, [])


def test_the_question_form_renames_and_changes_texts_in_one_save(tech):
    spec = spec_of(tech, "sql_port", key="sql_server_port")
    spec.texts["label"] = {"de": "Port des SQL Servers", "en": "SQL Server port"}
    out, notes = e.update_question(tech, "sql_port", spec)
    assert notes == ["Texte geändert: sql_port", "Frage umbenannt: sql_port -> sql_server_port"]
    prop = out["properties"]["sql_server_port"]
    assert prop["$ref"] == "#/$defs/tcp_port" and prop["x-ui"]["id"] == "sql_port"
    loads(out)


def test_the_question_form_changes_a_kind_with_its_choices(tech):
    spec = spec_of(
        tech,
        "cloud_vpn_gateway",
        kind="radio",
        choices=[("fortinet", "Fortinet", "Fortinet"), ("other", "Andere", "Other")],
    )
    out, notes = e.update_question(tech, "cloud_vpn_gateway", spec)
    prop = out["properties"]["cloud_vpn_gateway"]
    assert prop["enum"] == ["fortinet", "other"] and prop["x-ui"]["widget"] == "radio"
    assert "placeholder" not in prop["x-ui"]
    assert notes[0] == "Typ geändert: cloud_vpn_gateway text -> radio"
    loads(out)

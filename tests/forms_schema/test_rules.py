"""visible(), clean() and progress(): rules on answers, on nested scopes, on the order context."""

import pytest

import forms_schema

from .helpers import rule, rules_schema


@pytest.fixture(scope="module")
def q():
    return forms_schema.load(rules_schema())


ALWAYS = {"/deployment", "/network", "/network/vpn", "/proxy", "/contacts"}


def test_show_rule(q):
    assert "/server_name" in q.visible({"deployment": "on_premises"})
    assert "/server_name" not in q.visible({"deployment": "cp_cloud"})
    # A missing value fails the condition, so SHOW hides.
    assert "/server_name" not in q.visible({})


def test_hide_rule_with_nested_scope(q):
    assert "/proxy" in q.visible({})  # missing value: HIDE does not apply
    assert "/proxy" in q.visible({"network": {"vpn": False}})
    assert "/proxy" not in q.visible({"network": {"vpn": True}})


def test_scope_relative_to_the_holding_group(q):
    assert "/network/gateway" in q.visible({"network": {"vpn": True}})
    assert "/network/gateway" not in q.visible({"network": {"vpn": False}})


def test_context_scope(q):
    assert "/cloud_region" in q.visible({}, context={"deployment": "cp_cloud"})
    assert "/cloud_region" not in q.visible({}, context={"deployment": "on_premises"})
    assert "/cloud_region" not in q.visible({})  # no context: the fact is missing


def test_rule_on_a_group_hides_its_children(q):
    shown = q.visible({"deployment": "on_premises"})
    assert {"/backup", "/backup/tool", "/backup/daily"} <= shown
    hidden = q.visible({"deployment": "cp_cloud"})
    assert not {"/backup", "/backup/tool", "/backup/daily"} & hidden


def test_visible_set_with_row_indices(q):
    data = {
        "deployment": "cp_cloud",
        "contacts": [{"name": "A", "external": True}, {"name": "B"}],
    }
    assert q.visible(data) == ALWAYS | {
        "/contacts/0/name",
        "/contacts/0/external",
        "/contacts/0/company",  # scope relative to the row
        "/contacts/1/name",
        "/contacts/1/external",
    }


def test_hidden_controller_counts_as_unanswered():
    q = forms_schema.load(
        {
            "properties": {
                "a": {"type": "boolean"},
                "b": {
                    "type": "string",
                    "x-ui": {"rule": rule("SHOW", "#/properties/a", {"const": True})},
                },
                "c": {
                    "type": "string",
                    "x-ui": {"rule": rule("SHOW", "#/properties/b", {"const": "x"})},
                },
                "d": {
                    "type": "string",
                    "x-ui": {"rule": rule("HIDE", "#/properties/b", {"const": "x"})},
                },
            }
        }
    )
    assert q.visible({"a": True, "b": "x"}) == {"/a", "/b", "/c"}
    # b is hidden, so its stale "x" neither shows c nor hides d.
    assert q.visible({"a": False, "b": "x"}) == {"/a", "/d"}


def test_clean_removes_hidden_answers_only(q):
    data = {
        "deployment": "cp_cloud",
        "server_name": "srv1",
        "cloud_region": "eu",
        "network": {"vpn": False, "gateway": "10.0.0.1"},
        "backup": {"tool": "bacula"},
        "contacts": [{"name": "A", "external": False, "company": "X"}, {"name": "B"}],
        "unknown": 1,
    }
    cleaned = q.clean(data, context={"deployment": "cp_cloud"})
    assert cleaned == {
        "deployment": "cp_cloud",
        "cloud_region": "eu",
        "network": {"vpn": False},
        "contacts": [{"name": "A", "external": False}, {"name": "B"}],
        "unknown": 1,
    }
    assert data["server_name"] == "srv1"  # a copy: the input is untouched


def test_progress(q):
    # Visible without answers: deployment, network/vpn, proxy, contacts (one question).
    assert q.progress({}) == 0
    assert q.progress({"deployment": "cp_cloud"}) == 1 / 4
    # server_name becomes visible (5 questions); the backup group adds its 2 fields (7).
    assert q.progress({"deployment": "on_premises"}) == 1 / 7
    assert q.progress({"deployment": "on_premises", "server_name": "s"}) == 2 / 7
    # A repeating group is answered with max(1, minItems) = 2 rows; row fields do not count.
    one_row = {"deployment": "cp_cloud", "contacts": [{"name": "A"}]}
    assert q.progress(one_row) == 1 / 4
    two_rows = {"deployment": "cp_cloud", "contacts": [{"name": "A"}, {}]}
    assert q.progress(two_rows) == 2 / 4
    # The context adds cloud_region; an empty string is no answer.
    assert (
        q.progress({"deployment": "cp_cloud", "cloud_region": ""}, {"deployment": "cp_cloud"})
        == 1 / 5
    )
    full = {
        "deployment": "cp_cloud",
        "cloud_region": "eu",
        "network": {"vpn": False},
        "proxy": "none",
        "contacts": [{"name": "A"}, {"name": "B"}],
    }
    assert q.progress(full, {"deployment": "cp_cloud"}) == 1.0


def test_progress_of_one_page_and_of_nothing():
    q = forms_schema.load(
        {
            "x-ui": {"pages": [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]},
            "properties": {
                "x": {"type": "string"},
                "y": {"type": "string", "x-ui": {"page": "b"}},
                "z": {
                    "type": "string",
                    "x-ui": {"page": "b", "rule": rule("SHOW", "#/context/never", {})},
                },
            },
        }
    )
    assert q.progress({"x": "1"}) == 0.5
    assert q.progress({"x": "1"}, page="a") == 1.0
    assert q.progress({"x": "1"}, page="b") == 0.0
    assert forms_schema.load({"properties": {}}).progress({}) == 1.0


def test_a_question_depending_on_one_the_context_removes_is_left_out_too():
    import forms_schema

    q = forms_schema.load(
        {
            "type": "object",
            "properties": {
                "vpn": {
                    "type": "boolean",
                    "x-ui": {
                        "rule": {
                            "effect": "SHOW",
                            "condition": {
                                "scope": "#/context/deployment",
                                "schema": {"const": "cloud"},
                            },
                        }
                    },
                },
                "vpn_type": {
                    "type": "string",
                    "x-ui": {
                        "rule": {
                            "effect": "SHOW",
                            "condition": {"scope": "#/properties/vpn", "schema": {"const": True}},
                        }
                    },
                },
                "note": {"type": "string"},
            },
        }
    )
    assert [n.key for n in q.nodes(context={"deployment": "on_premises"})] == ["note"]
    assert [n.key for n in q.nodes(context={"deployment": "cloud"})] == ["vpn", "vpn_type", "note"]
    assert "vpn_type" not in q.form_class(context={"deployment": "on_premises"})()._fields

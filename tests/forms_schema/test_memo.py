"""A loaded questionnaire remembers its pure answers' work, and never hands out shared state."""

import json
from pathlib import Path

import forms_schema
from forms_schema.memo import Memo, json_key

V1 = Path(__file__).resolve().parents[2] / "questionnaires" / "technical" / "v1.json"
TECHNICAL = forms_schema.load(json.loads(V1.read_text(encoding="utf-8")))
ON_PREMISES = {"deployment": "on_premises", "license_model": "rent"}


def test_memo_builds_once_per_key_and_forgets_the_least_recently_used():
    memo: Memo[int] = Memo(2)
    built = []

    def build(value):
        built.append(value)
        return value

    assert memo.get("a", lambda: build(1)) == 1
    assert memo.get("a", lambda: build(2)) == 1  # remembered
    memo.get("b", lambda: build(3))
    memo.get("a", lambda: build(4))  # a is now the most recent
    memo.get("c", lambda: build(5))  # b goes
    assert memo.get("b", lambda: build(6)) == 6
    assert built == [1, 3, 5, 6]
    assert len(memo) == 2


def test_json_key_is_canonical_and_refuses_what_json_cannot_hold():
    assert json_key({"b": 1, "a": [True]}) == json_key({"a": [True], "b": 1})
    assert json_key({"a": object()}) is None


def test_visibility_is_scanned_once_for_equal_answers_and_follows_changed_ones(monkeypatch):
    questionnaire = forms_schema.load(TECHNICAL.schema)
    scans = []
    real = questionnaire._scan_now
    monkeypatch.setattr(
        questionnaire, "_scan_now", lambda data, context: scans.append(1) or real(data, context)
    )
    data = {"remote_access_allowed": True, "remote_access_tool": "other", "sql_port": 1433}
    first = questionnaire.visible(data, ON_PREMISES)
    first.clear()  # a caller's copy: changing it changes nothing remembered
    again = questionnaire.visible(json.loads(json.dumps(data)), ON_PREMISES)
    assert again and len(scans) == 1
    assert questionnaire.progress(data, ON_PREMISES) > 0 and len(scans) == 1

    data["remote_access_allowed"] = False  # hides the remote access tool question
    assert "/remote_access_tool" in again
    assert "/remote_access_tool" not in questionnaire.visible(data, ON_PREMISES)
    assert len(scans) == 2
    # Other context facts are other answers' visibility.
    questionnaire.visible(data, {"deployment": "cp_cloud", "license_model": "rent"})
    assert len(scans) == 3


def test_form_values_are_remembered_per_question_and_answer():
    assert TECHNICAL.form_values("/server/cpu_cores", 8) == ["8"]
    values = TECHNICAL.form_values("/client_os", ["windows_11", "citrix"])
    values.append("changed")  # a caller's copy
    assert TECHNICAL.form_values("/client_os", ["windows_11", "citrix"]) == [
        "windows_11",
        "citrix",
    ]

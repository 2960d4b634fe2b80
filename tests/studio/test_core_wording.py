"""The studio's pure helpers: the JSON text with lines per pointer, and the wording of changes."""

import json

import pytest

from portal import questionnaires
from portal.services.studio import wording
from portal.services.studio.jsontext import pretty
from portal.services.studio.pages import question_at


def _change(kind, pointer, old_pointer, locale=None, detail=None):
    return {
        "kind": kind,
        "pointer": pointer,
        "old_pointer": old_pointer,
        "locale": locale,
        "detail": detail or {},
    }


@pytest.mark.parametrize(
    "document", [{}, [], {"a": []}, {"a": {}}, [1, [2, {}]], "x", None, {"a/b": {"~": "ü"}}]
)
def test_pretty_writes_what_json_dumps_writes(document):
    assert pretty(document).text == json.dumps(document, indent=2, ensure_ascii=False)


def test_every_pointer_has_its_line_and_a_missing_one_its_parents():
    document = json.loads((questionnaires.ROOT / "technical" / "v2.json").read_text())
    shown = pretty(document)
    lines = shown.text.splitlines()
    line = shown.line_of("/properties/sql_port/x-ui/label/en")
    assert lines[line - 1].strip().startswith('"en": ')
    parent = shown.line_of("/properties/sql_port/x-ui/label")
    assert shown.line_of("/properties/sql_port/x-ui/label/fr") == parent
    assert lines[parent - 1].strip() == '"label": {'
    assert shown.line_of("") == 1 and shown.line_of("/nothing/here") == 1


def test_a_problem_names_its_question():
    document = json.loads((questionnaires.ROOT / "technical" / "v2.json").read_text())
    assert question_at(document, "/properties/sql_port/x-ui/label/en", "de").endswith("(sql_port)")
    assert question_at(document, "/x-ui/title/en", "de") == ""


def test_changes_are_worded_with_before_and_after(app):
    with app.test_request_context():
        line = wording.change_line(
            _change("label", "/a", "/a", "en", {"text": "label", "old": "Port", "new": "TCP port"})
        )
        assert (line.what, line.language, line.old, line.new) == (
            "Text geändert",
            "Englisch",
            "Port",
            "TCP port",
        )
        choices = wording.change_line(
            _change("choices", "/a", "/a", None, {"added": ["x"], "removed": ["y"]})
        )
        assert choices.new == "neu: x; entfernt: y"
        required = wording.change_line(
            _change("required", "/a", "/a", None, {"old": False, "new": True})
        )
        assert (required.old, required.new) == ("nein", "ja")
        assert wording.note("Stand 3 wiederhergestellt") == "Stand 3 wiederhergestellt"
        assert wording.note("Eigene Notiz") == "Eigene Notiz"

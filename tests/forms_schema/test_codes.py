"""x-code: integers that are codes are known to the tree; misplaced ones are refused and linted."""

import pytest

from forms_schema import SchemaError, lint, load
from tests.forms_schema.versions import real, small


def test_the_ports_of_the_technical_questionnaire_are_codes_and_quantities_are_not():
    questionnaire = load(real("technical"))
    assert questionnaire.node("/sql_port").code
    assert questionnaire.node("/proxy_port").code
    assert not questionnaire.node("/named_users").code
    assert not questionnaire.node("/server/disk_gb").code


def test_a_code_on_a_question_of_its_own_and_its_validation_is_unchanged():
    doc = small()
    doc["properties"]["users"]["x-code"] = True
    questionnaire = load(doc)
    assert questionnaire.node("/users").code
    assert questionnaire.validate({"users": -1}, partial=True)  # the minimum is still judged
    assert not questionnaire.validate({"users": 1433}, partial=True)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"type": "string", "x-code": True}, "only read on integers"),
        ({"type": "integer", "x-code": "yes"}, "true or false"),
    ],
)
def test_a_misplaced_code_is_refused_and_the_lint_points_at_it(schema, message):
    doc = small()
    doc["properties"]["users"].update(schema)
    with pytest.raises(SchemaError, match=message):
        load(doc)
    found = lint(doc)
    assert [(p.code, p.pointer) for p in found] == [("schema", "/properties/users/x-code")]

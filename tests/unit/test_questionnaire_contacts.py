"""Finding the contacts in questionnaire answers through the schema's x-contact annotation."""

import json

import pytest

from portal import ROOT
from portal.services.protocol.questionnaire_contacts import (
    Candidate,
    candidates,
    completes,
    contact_groups,
)

FIELDS = {"name": "name", "email": "email", "role": "role", "phone": "phone"}


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("technical/v1.json", "it_contacts"),
        ("technical/v2.json", "it_contacts"),
        ("business/v1.json", "business_contacts"),
        ("business/v2.json", "business_contacts"),
    ],
)
def test_every_shipped_questionnaire_marks_its_contact_group(path, group):
    schema = json.loads((ROOT / "questionnaires" / path).read_text())
    assert contact_groups(schema) == {(group,): FIELDS}


def test_groups_are_found_inside_objects_and_need_an_email_field():
    schema = {
        "properties": {
            "team": {
                "type": "object",
                "properties": {
                    "people": {"type": "array", "x-contact": {"name": "n", "email": "mail"}}
                },
            },
            "nameless": {"type": "array", "x-contact": {"name": "n"}},
            "plain": {"type": "array"},
        }
    }
    assert contact_groups(schema) == {("team", "people"): {"name": "n", "email": "mail"}}
    data = {"team": {"people": [{"n": " Uta  Ulm ", "mail": "uta@x.example"}, "junk", {}]}}
    assert candidates([("technical", schema, data)]) == [
        Candidate("Uta Ulm", "uta@x.example", "", "", ("technical",))
    ]


def test_the_same_address_in_both_questionnaires_is_one_person():
    schema = {"properties": {"c": {"type": "array", "x-contact": FIELDS}}}
    first = {"c": [{"name": "Ivo", "email": "IVO@x.example", "role": ""}]}
    second = {"c": [{"name": "Ivo I.", "email": "ivo@x.example", "role": "DBA", "phone": "+49 1"}]}
    (ivo,) = candidates([("technical", schema, first), ("business", schema, second)])
    assert (ivo.name, ivo.email, ivo.role, ivo.phone) == ("Ivo", "IVO@x.example", "DBA", "+49 1")
    assert ivo.kinds == ("technical", "business")


def test_an_invalid_address_is_kept_and_flagged():
    schema = {"properties": {"c": {"type": "array", "x-contact": FIELDS}}}
    data = {"c": [{"name": "Tom", "email": "tom(at)x"}, {"name": "Ann", "email": "ann@x.example"}]}
    tom, ann = candidates([("technical", schema, data)])
    assert not tom.email_ok and tom.email == "tom(at)x"
    assert ann.email_ok


def test_completes_names_only_what_the_known_contact_lacks():
    ivo = Candidate("Ivo", "ivo@x.example", "DBA", "+49 1", ("technical",))
    assert completes(ivo, None, None) == ("role", "phone")
    assert completes(ivo, "CIO", None) == ("phone",)
    assert completes(ivo, "CIO", "+49 2") == ()

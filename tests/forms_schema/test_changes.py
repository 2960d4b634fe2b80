"""Rows with identity and saves as change sets: what several people editing at once rely on."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import forms_schema
from forms_schema.changes import (
    ABSENT,
    ANSWER,
    ROW_CHANGED,
    ROW_REMOVED,
    AddRow,
    Document,
    RemoveRow,
    SetAnswer,
    diff,
)
from tests.forms_schema.helpers import FormData, full_schema

REPEATS = {"/contacts", "/contacts/*/phones"}


def doc(data, ids=None):
    return Document(copy.deepcopy(data), copy.deepcopy(ids or {}), REPEATS)


def stored():
    return doc(
        {
            "company": "ACME",
            "contacts": [{"name": "Anna"}, {"name": "Ben", "phones": [{"no": "1"}]}],
        },
        {"/contacts": ["ra", "rb"], "/contacts/rb/phones": ["p1"]},
    )


def test_rows_are_found_by_their_id_not_their_position():
    document = stored()
    assert document.locate("/contacts/rb/name") == "/contacts/1/name"
    assert document.locate("/contacts/rb/phones/p1/no") == "/contacts/1/phones/0/no"
    assert document.id_pointer("/contacts/1/phones/0/no") == "/contacts/rb/phones/p1/no"
    assert document.locate("/contacts/gone/name") is None
    assert document.get("/contacts/ra/name") == "Anna"
    assert document.get("/contacts/ra/email") is ABSENT


def test_documents_saved_before_rows_had_ids_get_the_same_ids_on_every_read():
    data = {"contacts": [{"name": "Anna"}, {"name": "Ben"}]}
    assert doc(data).ids == doc(data).ids == {"/contacts": ["i0", "i1"]}
    # A broken or duplicated id list is repaired, never trusted blindly.
    repaired = doc(data, {"/contacts": ["ra", "ra", "x"]}).ids["/contacts"]
    assert repaired[0] == "ra" and len(set(repaired)) == 2


def test_answers_of_different_people_on_different_questions_both_land():
    document = stored()
    clashes = document.apply(
        [
            SetAnswer("/company", "ACME", "ACME GmbH"),
            SetAnswer("/contacts/rb/name", "Ben", "Benedikt"),
        ]
    )
    assert clashes == []
    assert document.data["company"] == "ACME GmbH"
    assert document.data["contacts"][1]["name"] == "Benedikt"


def test_a_stale_value_of_an_untouched_question_is_never_written():
    # The person did not touch "company", so it is not in their change set at all; a change
    # that names its old value only lands where that value is still stored.
    document = stored()
    document.data["company"] = "Someone else's answer"
    clashes = document.apply([SetAnswer("/contacts/ra/name", "Anna", "Anne")])
    assert clashes == []
    assert document.data["company"] == "Someone else's answer"


def test_the_same_question_changed_from_the_same_value_is_a_true_conflict():
    document = stored()
    document.apply([SetAnswer("/company", "ACME", "ACME AG")])
    clashes = document.apply([SetAnswer("/company", "ACME", "ACME SE")])
    assert [(c.pointer, c.kind, c.mine, c.theirs) for c in clashes] == [
        ("/company", ANSWER, "ACME SE", "ACME AG")
    ]
    assert document.data["company"] == "ACME AG"


def test_the_same_new_value_twice_is_no_conflict():
    document = stored()
    assert document.apply([SetAnswer("/company", "ACME", "X")]) == []
    assert document.apply([SetAnswer("/company", "ACME", "X")]) == []


def test_two_people_adding_rows_keep_both_rows_and_edits_to_other_rows():
    document = stored()
    assert (
        document.apply([AddRow("/contacts", "rc"), SetAnswer("/contacts/rc/name", after="C")]) == []
    )
    assert (
        document.apply([AddRow("/contacts", "rd"), SetAnswer("/contacts/rd/name", after="D")]) == []
    )
    assert document.apply([SetAnswer("/contacts/ra/name", "Anna", "Anne")]) == []
    assert [row["name"] for row in document.data["contacts"]] == ["Anne", "Ben", "C", "D"]
    assert document.ids["/contacts"] == ["ra", "rb", "rc", "rd"]


def test_removing_a_row_leaves_the_other_rows_edits_where_they_belong():
    document = stored()
    assert document.apply([RemoveRow("/contacts", "ra", {"/name": "Anna"})]) == []
    # Somebody whose page still shows Ben as the second row edits him by id.
    assert document.apply([SetAnswer("/contacts/rb/name", "Ben", "Benno")]) == []
    assert document.data["contacts"] == [{"name": "Benno", "phones": [{"no": "1"}]}]
    assert document.ids == {"/contacts": ["rb"], "/contacts/rb/phones": ["p1"]}


def test_editing_a_row_somebody_removed_is_a_conflict():
    document = stored()
    document.apply([RemoveRow("/contacts", "ra", {"/name": "Anna"})])
    clashes = document.apply([SetAnswer("/contacts/ra/name", "Anna", "Anne")])
    assert [(c.pointer, c.kind) for c in clashes] == [("/contacts/ra/name", ROW_REMOVED)]
    # Clearing an answer of a row that is gone anyway is no conflict.
    assert document.apply([SetAnswer("/contacts/ra/name", "Anna", ABSENT)]) == []


def test_removing_a_row_somebody_changed_meanwhile_is_a_conflict():
    document = stored()
    document.apply([SetAnswer("/contacts/ra/name", "Anna", "Anne")])
    clashes = document.apply([RemoveRow("/contacts", "ra", {"/name": "Anna"})])
    assert [(c.pointer, c.kind, c.theirs) for c in clashes] == [
        ("/contacts/ra", ROW_CHANGED, {"name": "Anne"})
    ]
    assert len(document.data["contacts"]) == 2


def test_removing_the_last_row_leaves_no_answer_and_no_ids():
    document = doc({"contacts": [{"name": "A"}]}, {"/contacts": ["ra"]})
    document.apply([RemoveRow("/contacts", "ra", {"/name": "A"})])
    assert document.data == {} and document.ids == {}


def test_clearing_the_last_answer_of_a_group_drops_the_group_but_keeps_the_row():
    document = doc({"server": {"os": "debian"}, "contacts": [{"name": "A"}]}, {"/contacts": ["ra"]})
    document.apply([SetAnswer("/server/os", "debian"), SetAnswer("/contacts/ra/name", "A")])
    assert document.data == {"contacts": [{}]}
    assert document.ids == {"/contacts": ["ra"]}


def test_a_save_that_removes_a_row_does_not_judge_its_own_edits_of_that_row():
    document = stored()
    clashes = document.apply(
        [
            SetAnswer("/contacts/ra/name", "Anna", "Anne"),
            RemoveRow("/contacts", "ra", {"/name": "Anna"}),
        ]
    )
    assert clashes == []
    assert [row["name"] for row in document.data["contacts"]] == ["Ben"]


def test_a_row_added_twice_with_the_same_id_is_one_row():
    document = stored()
    document.apply([AddRow("/contacts", "rc")])
    document.apply([AddRow("/contacts", "rc")])
    assert document.ids["/contacts"] == ["ra", "rb", "rc"]


def test_diff_names_exactly_what_changed():
    base = stored()
    mine = base.copy()
    mine.apply(
        [
            SetAnswer("/company", "ACME", "ACME GmbH"),
            AddRow("/contacts", "rc"),
            SetAnswer("/contacts/rc/name", after="Cleo"),
            RemoveRow("/contacts", "rb", base.leaves("/contacts/rb")),
        ]
    )
    changes = diff(base, mine)
    assert AddRow("/contacts", "rc") in changes
    assert SetAnswer("/company", "ACME", "ACME GmbH") in changes
    assert SetAnswer("/contacts/rc/name", ABSENT, "Cleo") in changes
    assert RemoveRow("/contacts", "rb", {"/name": "Ben", "/phones/p1/no": "1"}) in changes
    # Nothing about the row that goes, answer by answer: its removal covers it.
    assert not [c for c in changes if c.pointer.startswith("/contacts/rb/")]
    assert len(changes) == 4


# -- properties: any two people's edits of different answers both land ---------------------

names = st.text(alphabet="abcxyz", min_size=1, max_size=3)
rows = st.lists(st.fixed_dictionaries({}, optional={"name": names, "note": names}), max_size=4)
documents = st.fixed_dictionaries({}, optional={"company": names, "city": names, "contacts": rows})


def _doc(data):
    ids = (
        {"/contacts": [f"r{i}x" for i in range(len(data["contacts"]))]}
        if "contacts" in data
        else {}
    )
    return Document(copy.deepcopy(data), ids, REPEATS)


@settings(max_examples=300, deadline=None)
@given(documents, documents)
def test_applying_the_diff_of_two_documents_turns_one_into_the_other(before, after):
    base, mine = _doc(before), _doc(after)
    applied = base.copy()
    assert applied.apply(diff(base, mine)) == []
    assert applied.leaves() == mine.leaves()


@settings(max_examples=300, deadline=None)
@given(documents, st.data())
def test_two_people_editing_different_answers_never_conflict_and_lose_nothing(before, data):
    base = _doc(before)
    pointers = list(base.leaves()) + ["/company", "/city"]
    mine_pointer = data.draw(st.sampled_from(pointers))
    theirs_pointer = data.draw(
        st.sampled_from([p for p in pointers if p != mine_pointer] or [None])
    )
    stored_doc = base.copy()
    if theirs_pointer:
        assert stored_doc.apply([SetAnswer(theirs_pointer, base.get(theirs_pointer), "T")]) == []
    assert stored_doc.apply([SetAnswer(mine_pointer, base.get(mine_pointer), "M")]) == []
    assert stored_doc.get(mine_pointer) == "M"
    if theirs_pointer:
        assert stored_doc.get(theirs_pointer) == "T"


# -- form values: what a page sends reads back as the stored answer -------------------------


@pytest.fixture(scope="module")
def questionnaire():
    return forms_schema.load(full_schema())


@pytest.mark.parametrize(
    ("pointer", "answer"),
    [
        ("/company", "ACME GmbH"),
        ("/notes", "zwei\nZeilen"),
        ("/start", "2026-12-24"),
        ("/deployment", "cp_cloud"),
        ("/users", 40),
        ("/storage_tb", 1.5),
        ("/has_vpn", False),
        ("/has_vpn", True),
        ("/agree", True),
        ("/modules", ["crm", "bi"]),
        ("/contacts/r1/name", "Anna"),
        ("/contacts/0/role", "admin"),
        ("/server/cpu_cores", 8),
    ],
)
def test_form_values_of_an_answer_read_back_as_that_answer(questionnaire, pointer, answer):
    values = questionnaire.form_values(pointer, answer)
    assert values and all(isinstance(v, str) for v in values)
    assert questionnaire.read(pointer, values) == answer


def test_no_answer_has_no_form_values_and_empty_values_are_no_answer(questionnaire):
    assert questionnaire.form_values("/company", ABSENT) == []
    assert questionnaire.read("/company", []) is ABSENT
    assert questionnaire.read("/company", ["   "]) is ABSENT
    assert questionnaire.read("/agree", []) is ABSENT
    assert questionnaire.read("/users", ["12"]) == 12
    assert questionnaire.read("/storage_tb", ["1,5"]) == 1.5  # the German decimal comma
    assert questionnaire.read("/users", ["zwölf"]) == "zwölf"  # for the schema to report
    with pytest.raises(KeyError):
        questionnaire.read("/contacts", ["x"])  # a repeating group is no question


def test_a_posted_page_keeps_its_rows_ids_and_drops_blank_new_rows(questionnaire):
    form = questionnaire.form_class("de")(
        FormData(
            **{
                "contacts-0-name": "Anna",
                "contacts-0-_row": "ra",
                "contacts-1-name": "",
                "contacts-1-_row": "rb",
                "contacts-2-name": "",
                "contacts-2-_row": "rnew",
                "contacts-3-name": "Dora",
            }
        )
    )
    posted = FormData(
        **{"contacts-0-_row": "ra", "contacts-1-_row": "rb", "contacts-2-_row": "rnew"}
    )
    data, ids = questionnaire.to_document(
        form, lambda name: posted.get(f"{name}-_row", [None])[0], known={"ra", "rb"}
    )
    assert data["contacts"] == [{"name": "Anna"}, {}, {"name": "Dora"}]
    assert ids["/contacts"][:2] == ["ra", "rb"]
    assert ids["/contacts"][2].startswith("r") and ids["/contacts"][2] not in ("ra", "rb", "rnew")

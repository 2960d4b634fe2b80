"""Export cells without an app: formula-like texts made inert, numbers, both file formats."""

from datetime import datetime

import pytest

import forms_schema
from portal.services.exports import Table, neutralise, to_csv, to_xlsx
from portal.services.exports.cells import cell_text, number_text
from portal.services.exports.columns import answer_columns, values_at
from tests.exports.support import read_csv, read_xlsx


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("=1+1", "'=1+1"),
        ("+49 351 1234", "'+49 351 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Anna", "Anna"),
        ("a=1", "a=1"),
        ("", ""),
        (" =1", " =1"),
        ("'=1", "'=1"),
    ],
)
def test_texts_that_start_like_a_formula_get_a_leading_quote(text, inert):
    assert neutralise(text) == inert


def test_numbers_are_written_without_grouping_in_the_tables_language():
    assert number_text(1433, "de") == "1433"
    assert number_text(3.5, "de") == "3,5"
    assert number_text(3.5, "en") == "3.5"
    assert number_text(4.0, "de") == "4"
    assert cell_text(-5, "de") == "'-5"  # in CSV every cell is text: inert like any other
    assert cell_text(datetime(2026, 12, 5, 9, 7), "de") == "2026-12-05 09:07"
    assert cell_text(None, "de") == ""


TABLE = Table(
    ["=Kopf", "Zahl", "Zeit", "Text"],
    [
        ["@evil", 8, datetime(2026, 12, 5, 9, 7), "Zeile 1\n=Zeile 2"],
        ['Müller & Söhne; "Q"', -2.5, None, None],
    ],
    "de",
    "Technischer Fragebogen",
)


def test_csv_is_utf8_with_bom_semicolons_and_inert_cells():
    body = to_csv(TABLE)
    assert body.startswith(b"\xef\xbb\xbf")
    assert read_csv(body) == [
        ["'=Kopf", "Zahl", "Zeit", "Text"],
        ["'@evil", "8", "2026-12-05 09:07", "Zeile 1\n=Zeile 2"],
        ['Müller & Söhne; "Q"', "'-2,5", "", ""],
    ]


def test_xlsx_writes_texts_as_strings_and_numbers_as_numbers():
    sheet = read_xlsx(to_xlsx(TABLE))
    assert sheet[0] == [("s", "'=Kopf"), ("s", "Zahl"), ("s", "Zeit"), ("s", "Text")]
    assert sheet[1][0] == ("s", "'@evil")
    assert sheet[1][1] == ("n", "8")
    assert sheet[1][2][0] == "n"  # a date: a serial number with a date format
    assert sheet[1][3] == ("s", "Zeile 1\n=Zeile 2")
    assert sheet[2][:2] == [("s", 'Müller & Söhne; "Q"'), ("n", "-2.5")]
    assert not [c for row in sheet for c in row if c[0] == "f"]


def _document(key: str, label: str) -> dict:
    return {
        "type": "object",
        "properties": {
            key: {"type": "integer", "x-ui": {"id": "cores", "label": {"de": label, "en": label}}},
            "contacts": {
                "type": "array",
                "items": {"type": "object", "properties": {"email": {"type": "string"}}},
            },
        },
    }


def test_columns_follow_identities_across_versions_with_the_newest_label():
    versions = {
        1: forms_schema.load(_document("cpu", "Kerne")),
        2: forms_schema.load(_document("cpu_cores", "CPU-Kerne")),
    }
    columns = answer_columns(versions, "de")
    assert [(c.identity, c.header) for c in columns] == [
        ("cores", "CPU-Kerne [cores]"),
        ("contacts/email", "contacts › email [contacts/email]"),  # no label: the key
    ]
    assert dict(columns[0].templates) == {2: "/cpu_cores", 1: "/cpu"}


def test_values_of_a_repeating_group_come_one_per_row():
    data = {"contacts": [{"email": "a@x"}, {}, {"email": "c@x"}], "cpu": 4}
    assert values_at(data, "/contacts/*/email") == (True, ["a@x", None, "c@x"])
    assert values_at(data, "/cpu") == (False, [4])
    assert values_at({}, "/contacts/*/email") == (True, [])

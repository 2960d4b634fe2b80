"""The note a sender adds to the package mail: a plain rule, tested without an app."""

import pytest

from portal.services.errors import Invalid
from portal.services.packages.sending import NOTE_MAX, clean_note


def test_the_note_keeps_its_lines_without_carriage_returns_and_outer_space():
    assert clean_note("  Hallo,\r\nbis morgen.\r\n\n") == "Hallo,\nbis morgen."
    assert clean_note("") == "" and clean_note(None) == ""


def test_a_note_may_be_as_long_as_the_limit_and_no_longer():
    assert clean_note("x" * NOTE_MAX) == "x" * NOTE_MAX
    with pytest.raises(Invalid) as refused:
        clean_note("x" * (NOTE_MAX + 1))
    assert refused.value.fields == {
        "note": f"Die Nachricht ist zu lang (höchstens {NOTE_MAX} Zeichen)."
    }

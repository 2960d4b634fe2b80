"""The English catalogue: one entry per German text, each with its translation.

Several branches append to the same catalogue; a merge that drops a line or runs two entries
together still compiles (the compiler keeps one of two duplicates silently), so it is checked
here rather than noticed on a page.
"""

import re
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[1] / "portal/translations/en/LC_MESSAGES/messages.po"
_ENTRY = re.compile(r'^(?:msgctxt "(.*)"\n)?msgid "(.*)"((?:\n".*")*)', re.M)


def _live(text: str) -> str:
    """The catalogue without obsolete entries (#~), which the compiler ignores."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("#~"))


def test_every_german_text_has_one_entry():
    keys = Counter(
        (ctx, first + rest) for ctx, first, rest in _ENTRY.findall(_live(CATALOGUE.read_text()))
    )
    twice = [key for key, count in keys.items() if count > 1 and key != ("", "")]
    assert twice == []


def test_every_entry_has_an_english_text():
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file)
    untranslated = [
        message.id
        for message in catalogue
        if message.id and not (all(message.string) if message.pluralizable else message.string)
    ]
    assert untranslated == []

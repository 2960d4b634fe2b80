"""Which font sets which character (portal.pdf.glyphs): runs, the placeholder, one font."""

from portal.pdf.glyphs import PLACEHOLDER, Run, missing, one_font, only_body, runs

BODY = frozenset(map(ord, "abc äöü€ -"))
EMOJI = frozenset(map(ord, "😀✅abc"))
CJK = frozenset(map(ord, "中文日本語ひabc"))
COVERAGE = [(None, BODY), ("Symbols", EMOJI), ("Cjk", CJK)]


def test_text_the_body_font_has_is_one_run():
    assert runs("abc äöü", COVERAGE) == [Run(None, "abc äöü")]
    assert only_body("abc\nä", COVERAGE)
    assert not only_body("a中", COVERAGE)


def test_each_character_goes_to_the_first_font_that_has_it():
    assert runs("a 😀 中文 b", COVERAGE) == [
        Run(None, "a "),
        Run("Symbols", "😀"),
        Run(None, " "),
        Run("Cjk", "中文"),
        Run(None, " b"),
    ]
    # "a" is in every font: the body font wins.
    assert runs("a", COVERAGE) == [Run(None, "a")]


def test_a_character_no_font_has_prints_as_a_visible_placeholder():
    assert runs("a\ue000\ue001b", COVERAGE) == [
        Run(None, "a"),
        Run(None, PLACEHOLDER * 2, missing=True),
        Run(None, "b"),
    ]
    assert missing("a\ue000 中 \ue000 \U000f0000", COVERAGE) == ["\ue000", "\U000f0000"]
    assert missing("abc 中文 😀", COVERAGE) == []


def test_invisible_format_characters_are_dropped_not_flagged():
    # A heart with its emoji variation selector, a zero-width joiner.
    assert runs("✅\ufe0f\u200da", COVERAGE) == [Run("Symbols", "✅"), Run(None, "a")]
    assert missing("✅\ufe0f\u200d", COVERAGE) == []


def test_one_font_for_a_whole_label():
    assert one_font("abc", COVERAGE) == (None, "abc")
    assert one_font("abc 😀", [(None, BODY), ("Symbols", EMOJI | {32})]) == ("Symbols", "abc 😀")
    assert one_font("ab 中", COVERAGE) == ("Cjk", "ab 中")
    # No font has everything: the body font, with what it lacks as the placeholder.
    assert one_font("a 😀 中", COVERAGE) == (None, f"a {PLACEHOLDER} {PLACEHOLDER}")


def test_plain_ascii_is_checked_against_the_body_font_not_assumed():
    full = frozenset(range(0x20, 0x80)) | BODY
    assert only_body("Plain ASCII text, 42 ~ {}", [(None, full), *COVERAGE[1:]])
    # A body font without all of ASCII is asked character by character.
    assert only_body("abc", COVERAGE)
    assert not only_body("abcx", COVERAGE)
    assert only_body("a\tb\nc", COVERAGE)

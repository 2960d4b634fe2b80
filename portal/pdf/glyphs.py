"""Which font sets which character: text split into runs by the first font that has the glyph.

Pure rules without Flask or reportlab: a font is given as the set of code points its cmap maps.
The body font comes first; the fallbacks follow in order. A character no font has becomes a
visible placeholder run, so nothing is lost without a sign. Invisible format characters
(zero-width joiners, variation selectors) draw nothing in any font and are dropped.
"""

from collections.abc import Container, Sequence
from dataclasses import dataclass

PLACEHOLDER = "\ufffd"
# Zero-width space/joiners, word joiner, BOM, variation selectors (also the supplement).
IGNORABLE = frozenset(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]
)


@dataclass(frozen=True)
class Run:
    """Consecutive characters set in one font: font None is the body font."""

    font: str | None
    text: str
    missing: bool = False


Coverage = Sequence[tuple[str | None, Container[int]]]


def _font_of(char: str, coverage: Coverage) -> tuple[str | None, bool] | None:
    """(font, missing) for a character; None for one that is dropped."""
    point = ord(char)
    if point in IGNORABLE:
        return None
    if point < 0x20 or char.isspace():
        return coverage[0][0], False
    for font, points in coverage:
        if point in points:
            return font, False
    return coverage[0][0], True


def runs(text: str, coverage: Coverage) -> list[Run]:
    """The text as runs of one font each; characters no font has become PLACEHOLDER runs."""
    found: list[Run] = []
    for char in text:
        where = _font_of(char, coverage)
        if where is None:
            continue
        font, missing = where
        piece = PLACEHOLDER if missing else char
        if found and found[-1].font == font and found[-1].missing == missing:
            found[-1] = Run(font, found[-1].text + piece, missing)
        else:
            found.append(Run(font, piece, missing))
    return found


def missing(text: str, coverage: Coverage) -> list[str]:
    """The distinct characters of the text that no font has, in order of appearance."""
    seen: list[str] = []
    for char in text:
        where = _font_of(char, coverage)
        if where is not None and where[1] and char not in seen:
            seen.append(char)
    return seen


_ASCII = frozenset(range(0x20, 0x80))
_covers_ascii: dict[frozenset[int], bool] = {}


def only_body(text: str, coverage: Coverage) -> bool:
    """Whether the body font sets the whole text (the common case, checked first).

    Printed for every value of a document, so plain text costs one scan in C: ASCII text
    against a body font that has all of ASCII (asked once per font); otherwise the distinct
    characters, each looked up once.
    """
    body = coverage[0][1]
    if text.isascii() and isinstance(body, frozenset):
        if body not in _covers_ascii:
            _covers_ascii[body] = body >= _ASCII
        if _covers_ascii[body]:
            return True
    return all(ord(c) < 0x20 or ord(c) in body for c in set(text))


def one_font(text: str, coverage: Coverage) -> tuple[str | None, str]:
    """The first font that sets the whole text, with the text; failing that the body font
    and the text with what it lacks as PLACEHOLDER (dropped characters left out)."""
    kept = "".join(c for c in text if ord(c) not in IGNORABLE)
    for font, points in coverage:
        if all(ord(c) < 0x20 or c.isspace() or ord(c) in points for c in kept):
            return font, kept
    body = coverage[0][1]
    return coverage[0][0], "".join(
        c if ord(c) < 0x20 or c.isspace() or ord(c) in body else PLACEHOLDER for c in kept
    )

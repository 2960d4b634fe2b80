"""How wide a text is drawn, and how it is wrapped or shortened to fit a width.

Text widths come from a fixed table of a wide sans-serif (DejaVu Sans), so the estimate also
holds for the narrower common sans-serif fonts that a viewer may use instead.
"""

import re
import unicodedata

LEADING = 1.35  # line height, in em
ASCENT, DESCENT = 0.928, 0.236  # of DejaVu Sans, in em: the glyphs are centred in the line
BOLD = 1.1  # bold text is this much wider

# Advance widths of DejaVu Sans in 1/1000 em; wider than Arial, Helvetica or Liberation Sans.
_GROUPS = {
    278: "ijl'",
    295: "IJ",
    318: " ,.·",
    337: "/\\:;|",
    352: "f",
    361: "-",
    390: "()[]",
    392: "t",
    401: "!",
    411: "r",
    460: '"',
    500: "*_`–",
    521: "s",
    525: "z",
    531: "?",
    550: "c",
    557: "L",
    575: "F",
    579: "k",
    592: "vxy",
    603: "P",
    611: "TY",
    612: "o",
    613: "a",
    615: "e",
    632: "E",
    634: "hnu",
    635: "bdgpqS",
    636: "0123456789${}ß€",
    656: "K",
    684: "AV",
    685: "XZ",
    686: "B",
    695: "R",
    698: "C",
    732: "U",
    748: "N",
    752: "H",
    770: "D",
    775: "G",
    780: "&",
    787: "OQ",
    818: "w",
    838: "#+<=>^~→",
    863: "M",
    950: "%",
    974: "m",
    989: "W",
    1000: "@…—",
}
_WIDTH = {char: width for width, chars in _GROUPS.items() for char in chars}
_OTHER, _WIDE, _SAFETY = 720, 1000, 1.08
_BREAK_AFTER = "\\/,-_.:;)|"
# Characters XML 1.0 does not allow, even escaped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean(text: object) -> str:
    """The text with its whitespace folded and what XML cannot hold left out."""
    return " ".join(NOT_XML.sub("", str(text or "")).split())


def char_width(char: str) -> float:
    """Estimated advance width of one character, in em."""
    if char in _WIDTH:
        return _WIDTH[char] / 1000
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE / 1000
    base = unicodedata.normalize("NFD", char)[0]
    return _WIDTH.get(base, _OTHER) / 1000


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width of a text line at a font size, with a safety margin."""
    width = sum(char_width(c) for c in text) * size * _SAFETY
    return width * BOLD if bold else width


def _prefix_that_fits(text: str, size: float, width: float, suffix: str = "") -> int:
    for end in range(len(text), 0, -1):
        if text_width(text[:end].rstrip() + suffix, size) <= width:
            return end
    return 0


def shorten(text: str, size: float, width: float, bold: bool = False) -> str:
    """The text, cut and ended with "…" where it is wider than `width`."""
    text = " ".join(text.split())
    if text_width(text, size, bold) <= width:
        return text
    scale = BOLD if bold else 1.0
    end = _prefix_that_fits(text, size, width / scale, "…")
    return text[:end].rstrip() + "…" if end else ""


def _split_point(word: str, size: float, width: float) -> int:
    """Where to split a word too long for a line: after a separator if one is near the end."""
    end = max(1, _prefix_that_fits(word, size, width))
    breaks = [i + 1 for i, c in enumerate(word[:end]) if c in _BREAK_AFTER and i + 1 < len(word)]
    if breaks and breaks[-1] >= 2:
        return breaks[-1]
    return end


def wrap(text: str, size: float, width: float, max_lines: int = 0) -> list[str]:
    """Break a text into lines no wider than `width`; over-long words are split.

    With `max_lines`, the last line allowed ends with "…" when text is left over.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while text_width(word, size) > width:
            end = _split_point(word, size, width)
            lines.append(word[:end])
            word = word[end:]
        current = word
    if current:
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [shorten(rest, size, width)]
    return lines or [""]

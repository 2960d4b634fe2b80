"""The columns of a repeating group's table: their widths from the body font's metrics.

A plain rule, no Flask and no database: given the column labels and the rows' texts, how
much of the table each column gets, much as a browser's automatic table layout would.
"""

from functools import cache

from reportlab.pdfbase.ttfonts import TTFont

from portal import pdf

# A table of a repeating group (templates/package/pdf.html): the entry number's share of the
# width in percent, the points the columns share, their type sizes (header bold), the cell
# padding, and the widest a word or a line may ask for before it breaks or wraps.
NUMBER_COLUMN, TABLE_WIDTH = 4.0, 473.0
HEAD_PT, CELL_PT, PADDING_PT, WORD_MAX_PT, LINE_MAX_PT = 7.0, 8.0, 8.5, 120.0, 150.0


@cache
def _font(bold: bool) -> TTFont:
    # Measured with the same font files the PDF embeds, so the widths fit what is printed.
    regular, bold_file, _italic = pdf.FAMILIES["Body"]
    return TTFont("PackageMeasure", str(pdf.FONTS_DIR / (bold_file if bold else regular)))


def text_width(text: str, bold: bool) -> float:
    """How wide a text sets in points: bold at the header's size, regular at the cells'."""
    return _font(bold).stringWidth(text, HEAD_PT if bold else CELL_PT)


def widths(labels: tuple[str, ...], rows) -> tuple[float, ...]:
    """Column widths in percent, much as a browser's automatic table layout chooses them: each
    column gets its widest word (longer ones break), and the space left goes to the columns
    whose answers would otherwise wrap, in proportion to how much wider they would be."""
    least, wanted = [], []
    for index, label in enumerate(labels):
        pieces = [(label, True), *((row[index].text, False) for row in rows)]
        word = max(text_width(w, bold) for text, bold in pieces for w in text.split() or [""])
        # A heading may wrap at its spaces: it asks for half its length, answers for all of it.
        line = max(
            (text_width(x, False) for text, _bold in pieces[1:] for x in text.splitlines()),
            default=0.0,
        )
        line = max(line, text_width(label, True) / 2)
        least.append(min(word, WORD_MAX_PT) + PADDING_PT)
        wanted.append(max(least[-1], min(line, LINE_MAX_PT) + PADDING_PT))
    spare = TABLE_WIDTH - sum(least)
    extra = sum(wanted) - sum(least)
    if spare <= 0:
        points = [m * TABLE_WIDTH / sum(least) for m in least]
    elif extra <= 0:
        points = [m + spare / len(least) for m in least]
    else:
        points = [m + spare * (w - m) / extra for w, m in zip(wanted, least, strict=True)]
    share = (100 - NUMBER_COLUMN) / TABLE_WIDTH
    return tuple(round(p * share, 1) for p in points)

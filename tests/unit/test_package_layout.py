"""How the package lays out a table's columns and the diagram: plain rules, tested without an app."""

import pytest

from portal.services.packages.content.document import Cell
from portal.services.packages.content.figure import DIAGRAM_MAX_SCALE, PX, diagram
from portal.services.packages.content.table_widths import NUMBER_COLUMN, text_width, widths


def rows(*texts: tuple[str, ...]) -> tuple[tuple[Cell, ...], ...]:
    """Rows of answered cells with these texts."""
    return tuple(tuple(Cell(text, "accepted") for text in row) for row in texts)


def test_the_columns_share_what_the_entry_number_leaves():
    got = widths(("Name", "Format", "Beschreibung"), rows(("CRM", "CSV", "Kundendaten")))
    assert sum(got) == pytest.approx(100 - NUMBER_COLUMN, abs=0.2)


def test_a_column_whose_answers_would_wrap_gets_the_room_left():
    long = "Export der Kundendaten jede Nacht über die gesicherte Schnittstelle des Anbieters"
    short, wide = widths(("Nr", "Beschreibung"), rows(("1", long), ("2", long)))
    assert wide > short * 3


def test_too_many_columns_share_the_table_by_their_widest_word():
    labels = ("Spalte",) * 30
    got = widths(labels, rows(("Wort",) * 30))
    assert len(set(got)) == 1  # each rounded to a tenth, so their sum may miss by a little
    assert sum(got) == pytest.approx(100 - NUMBER_COLUMN, abs=0.05 * len(got))


def test_a_text_is_measured_in_the_font_the_pdf_embeds():
    assert text_width("", False) == 0
    assert text_width("Beschreibungen", False) > text_width("Beschreibung", False) > 0


def svg(width: float, height: float) -> str:
    """A bare SVG with this viewBox."""
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"></svg>'


def test_a_wide_diagram_is_printed_across_the_page():
    figure = diagram(3, svg(2000, 600))
    assert figure.landscape and figure.version == 3
    assert figure.source.startswith("data:image/svg+xml;base64,")


def test_a_tall_diagram_is_printed_upright():
    assert not diagram(1, svg(600, 2000)).landscape


def test_a_small_diagram_is_not_enlarged():
    figure = diagram(1, svg(200, 100))
    assert (figure.width_px, figure.height_px) == (
        round(200 * DIAGRAM_MAX_SCALE / PX),
        round(100 * DIAGRAM_MAX_SCALE / PX),
    )

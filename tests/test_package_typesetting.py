"""What the package costs the typesetter (issue 16): passes per language, long tables in pieces.

Counted, not timed: reportlab's document builds (one per typesetting pass) through a wrapper,
and the HTML each build hands to xhtml2pdf, captured.
"""

import re

import pytest
from reportlab.platypus.doctemplate import BaseDocTemplate

from portal import pdf
from portal.services.packages.content.chunks import CHUNK_ROWS
from tests.pdfs import text
from tests.test_package import TEXTS, documented_order, generated, technical_answers

SOURCES = 30  # the diagram draws a box for each; it takes at most 40


@pytest.fixture
def typeset(monkeypatch) -> dict[str, list]:
    """Each HTML the package typesets, and one entry per reportlab pass."""
    seen: dict[str, list] = {"html": [], "passes": []}
    build, render = BaseDocTemplate.build, pdf.render

    def counted(self, *args, **kwargs):
        seen["passes"].append(1)
        return build(self, *args, **kwargs)

    def captured(html: str) -> bytes:
        seen["html"].append(html)
        return render(html)

    monkeypatch.setattr(BaseDocTemplate, "build", counted)
    monkeypatch.setattr(pdf, "render", captured)
    return seen


def test_each_language_is_typeset_once_in_two_passes(session, world, typeset):
    order = documented_order(session, world)
    typeset["passes"].clear()
    generated(session, world, order)
    # German and English (Ben reads English): one typesetting each, and in each the one
    # extra pass that fills in the contents and "Seite X von Y", never a third.
    assert len(typeset["html"]) == 2
    assert len(typeset["passes"]) == 2 * 2


def test_a_long_table_is_printed_in_short_tables_numbered_on(session, world, typeset):
    technical = technical_answers(TEXTS)
    row = {"delivery": "odbc", "frequency": "daily"}
    technical["data_sources"] = [dict(row, system=f"Quelle {n:02d}") for n in range(1, SOURCES + 1)]
    order = documented_order(session, world, code="LONG", technical=technical)
    package = generated(session, world, order)

    html = typeset["html"][0]
    tables = re.findall(r'<table class="rows[^"]*".*?</table>', html, flags=re.S)
    sizes = [len(re.findall(r"<tr>", table)) - 1 for table in tables]  # without the header
    assert max(sizes) <= CHUNK_ROWS
    pieces = [table for table in tables if "Quelle" in table]
    assert len(pieces) == -(-SOURCES // CHUNK_ROWS)
    # Every piece has the header; the numbers go on across the pieces.
    assert all("<thead>" in piece for piece in pieces)
    numbers = [int(n) for piece in pieces for n in re.findall(r'<td class="idx">(\d+)</td>', piece)]
    assert numbers == list(range(1, SOURCES + 1))
    # And the PDF prints every row, in order.
    printed = text(package.pdf)
    places = [printed.index(f"Quelle {n:02d}") for n in range(1, SOURCES + 1)]
    assert places == sorted(places)

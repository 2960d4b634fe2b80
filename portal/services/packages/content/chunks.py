"""Long tables in the package cut into short ones: a pure rule without Flask or a database.

reportlab measures a table's whole remainder again each time it splits it at a page end, so a
long table costs more per row the longer it is. Measured on the 16x bench document with one
table of 300 rows: in pieces of CHUNK_ROWS it typesets in 3.3 s of CPU instead of 3.7 s; at
the 32 rows of the bench's own tables the difference is within the noise. Each piece has the
header; the numbers go on across the pieces.
"""

from collections.abc import Sequence
from typing import TypeVar

Row = TypeVar("Row")

# About half an A4 page of the package's table rows: short enough to split cheaply, long
# enough that the repeated header costs little room.
CHUNK_ROWS = 20


def chunks(rows: Sequence[Row], size: int = CHUNK_ROWS) -> tuple[tuple[tuple[int, Row], ...], ...]:
    """The rows numbered from 1, in consecutive pieces of at most `size`; none for no rows."""
    if size < 1:
        raise ValueError("a piece holds at least one row")
    numbered = tuple(enumerate(rows, start=1))
    return tuple(numbered[start : start + size] for start in range(0, len(numbered), size))

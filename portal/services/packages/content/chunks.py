"""Long tables in the package cut into short ones: a pure rule without Flask or a database.

xhtml2pdf lays a table out as one piece: every time a table does not fit the rest of a page,
the whole remainder is measured again before it is split, so a table of n rows costs about
n^2 / (rows per page). Tables of at most CHUNK_ROWS rows, each with the header, keep the
typesetting linear in the rows; the numbers go on across the pieces.
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

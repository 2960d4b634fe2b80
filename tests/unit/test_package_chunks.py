"""Long tables of the package in short pieces (portal.services.packages.content.chunks)."""

import pytest

from portal.services.packages.content.chunks import CHUNK_ROWS, chunks


def test_rows_are_cut_into_pieces_and_numbered_on_across_them():
    rows = [f"row {n}" for n in range(1, 46)]
    pieces = chunks(rows, 20)
    assert [len(piece) for piece in pieces] == [20, 20, 5]
    assert [number for piece in pieces for number, _row in piece] == list(range(1, 46))
    assert pieces[1][0] == (21, "row 21")
    assert [row for piece in pieces for _number, row in piece] == rows


def test_a_short_table_stays_one_piece_and_no_rows_give_none():
    assert chunks(["a", "b"]) == (((1, "a"), (2, "b")),)
    assert chunks([]) == ()
    assert len(chunks(range(CHUNK_ROWS))) == 1
    assert len(chunks(range(CHUNK_ROWS + 1))) == 2


def test_a_piece_holds_at_least_one_row():
    with pytest.raises(ValueError):
        chunks(["a"], 0)

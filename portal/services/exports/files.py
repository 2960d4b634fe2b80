"""A table written as CSV (for German Excel) or as XLSX (XlsxWriter); pure, no Flask.

CSV: UTF-8 with a byte order mark, so that Excel reads umlauts right, and ";" between cells,
the list separator of German Excel (with "," it would put a whole row into one cell); decimals
are written the way the table's language writes them. XLSX: every text is written with
write_string, so nothing becomes a formula, numbers stay numbers and moments are dates.
Both make every text that starts like a formula inert (cells.neutralise).
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

import xlsxwriter

from portal.services.exports.cells import Cell, cell_text, neutralise

SEPARATOR = ";"
_BOM = "\ufeff"
_SHEET_NAME_MAX = 31  # Excel's limit
_COLUMN_WIDTH_MAX = 60


@dataclass(frozen=True)
class Table:
    """Column headers and rows of cells; locale is the language the texts are written in."""

    columns: list[str]
    rows: list[list[Cell]]
    locale: str = "de"
    title: str = ""


def to_csv(table: Table) -> bytes:
    """The table as CSV: BOM, ';', every cell quoted where needed, CRLF line ends."""
    out = io.StringIO()
    out.write(_BOM)
    writer = csv.writer(out, delimiter=SEPARATOR, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in table.columns])
    for row in table.rows:
        writer.writerow([cell_text(value, table.locale) for value in row])
    return out.getvalue().encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """The table as one worksheet: a bold, frozen header row, texts as strings only."""
    out = io.BytesIO()
    # No option turns strings into formulas, numbers or links: write_string is called directly.
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(_sheet_name(table.title))
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"})
    widths = [len(name) for name in table.columns]
    for col, name in enumerate(table.columns):
        sheet.write_string(0, col, neutralise(name), bold)
    for number, row in enumerate(table.rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                sheet.write_datetime(number, col, value, moment)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(number, col, value)
            else:
                text = neutralise(str(value))
                sheet.write_string(number, col, text, wrap)
                widths[col] = max(widths[col], *(len(line) for line in text.splitlines() or [""]))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width, 8), _COLUMN_WIDTH_MAX) + 2)
    sheet.freeze_panes(1, 2)
    sheet.autofilter(0, 0, len(table.rows), max(len(table.columns) - 1, 0))
    workbook.close()
    return out.getvalue()


def _sheet_name(title: str) -> str:
    # Excel refuses these characters in a sheet name, and names longer than 31.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return (cleaned or "Export")[:_SHEET_NAME_MAX]

"""The kinds of systems and the measures of a drawing: colours, font sizes, insets and gaps.

Lengths are in SVG user units (px). The layout and the SVG read the same numbers, so a text
placed by the one fits the shape drawn by the other.
"""

from dfd.text import LEADING

KINDS = ("source", "cpce", "database", "user_group", "interface", "external")
# Which kinds stand further left when a cycle of flows has to be broken somewhere.
LEFT_TO_RIGHT = ("user_group", "source", "interface", "cpce", "database", "external")
KIND_LABELS = {
    "source": "Quellsystem",
    "cpce": "CPCE-Anwendung",
    "database": "SQL-Server-Datenbank",
    "user_group": "Benutzergruppe",
    "interface": "Dateifreigabe oder Schnittstelle",
    "external": "Externer Dienst",
}

# Fill, stroke and dash per kind: each kind differs in colour AND in shape or line.
STYLES = {
    "source": ("#e3eefb", "#1d4f91", ""),
    "cpce": ("#fdebd0", "#8a4b00", ""),
    "database": ("#dff2e6", "#1e6b40", ""),
    "user_group": ("#eee5f8", "#5f3596", ""),
    "interface": ("#fff4c2", "#6f5800", ""),
    "external": ("#eceff3", "#4a5462", "6 4"),
}
INK, LINE_COLOUR, LABEL_BORDER = "#1c2430", "#4a5668", "#b9c1cc"

NAME_SIZE, LABEL_SIZE, TITLE_SIZE, LEGEND_SIZE = 13.0, 11.0, 15.0, 11.0
NAME_MAX, LABEL_MAX = 168.0, 150.0  # widest text line in a box, in a flow label
BOX_MIN_W, BOX_MIN_H = 120.0, 44.0
CAP = 7.0  # half height of a database cylinder's ellipses
FOLD = 12.0  # the folded corner of a file share or interface
PORT_GAP = 10.0  # vertical distance between two lines at one side of a box
STUB = 10.0  # lines leave and enter boxes horizontally for at least this long
MARGIN = 16.0
TOP = MARGIN + TITLE_SIZE * LEADING + 14.0  # the diagram starts below the title
LEGEND_GAP, LEGEND_SWATCH_W, LEGEND_SWATCH_H, LEGEND_ROW = 24.0, 30.0, 18.0, 26.0
MIN_WIDTH, MIN_CHANNEL = 360.0, 24.0
SWEEPS, ROUNDS = 8, 24

# Text area insets (left, top, right, bottom) and the inset of the lines' attachment band.
INSETS = {
    "source": ((12.0, 9.0, 12.0, 9.0), 6.0),
    "cpce": ((15.0, 10.0, 15.0, 10.0), 10.0),
    "database": ((12.0, 2 * CAP + 6.0, 12.0, CAP + 6.0), 2 * CAP),
    "user_group": ((18.0, 9.0, 18.0, 9.0), 14.0),
    "interface": ((12.0, 9.0, 12.0 + FOLD, 9.0), FOLD + 4.0),
    "external": ((12.0, 9.0, 12.0, 9.0), 6.0),
}
# Half the vertical space kept free around a node of each role within its column.
SPACING = {"box": 12.0, "label": 4.0, "dummy": 4.0}

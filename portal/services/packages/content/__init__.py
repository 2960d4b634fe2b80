"""What the documentation package shows, as plain data for templates/package/pdf.html.

Everything comes from frozen sources: the questionnaire snapshots, one diagram version, the
approved protocol and the call's participants. Nothing here reads a clock or a counter, so the
same sources give the same text, and the PDF the same pages (its creation date is the build's).
Call the builders under force_locale(language): labels, numbers and dates follow it.
Where what lives:

    document.py      the dataclasses the template prints, from Content down to a table's Cell
    answers.py       questionnaire(): a finalised questionnaire's pages, changes, open points
    table_widths.py  widths(): a repeating group's column widths from the font's metrics
    figure.py        diagram(): the diagram sized for an upright or a landscape page
    call.py          person(), protocol_part(), cover(): the call, its protocol, the cover
    formats.py       how answers, dates, moments and quantities are written

The builder (building.py) calls the names below; anything else is this package's own.
"""

from portal.services.packages.content.answers import questionnaire
from portal.services.packages.content.call import cover, person, protocol_part
from portal.services.packages.content.document import (
    Answer,
    Cell,
    Content,
    Cover,
    Diagram,
    Group,
    Migration,
    OpenPoint,
    Page,
    Person,
    ProtocolPart,
    Questionnaire,
    Service,
    Table,
)
from portal.services.packages.content.figure import diagram
from portal.services.packages.content.formats import answer_text, moment

__all__ = [
    "Answer",
    "Cell",
    "Content",
    "Cover",
    "Diagram",
    "Group",
    "Migration",
    "OpenPoint",
    "Page",
    "Person",
    "ProtocolPart",
    "Questionnaire",
    "Service",
    "Table",
    "answer_text",
    "cover",
    "diagram",
    "moment",
    "person",
    "protocol_part",
    "questionnaire",
]

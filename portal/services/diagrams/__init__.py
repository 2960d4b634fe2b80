"""Part of step 6 `hold_call` of portal/process.py: the data flow diagram; see, prefill, save it.

The IT architect and the technician draw the diagram in the setup call; everyone who may see
the order sees it. Every save is a new DataFlowDiagram version, and the SVG is drawn from a
version's rows by the dfd library: for the page, the download and the PDF package.

    rows.py        Draft (what a version stores), the kinds and their names, validate() (pure)
    prefill.py     prefill(): a first draft from the technical questionnaire's answers (pure)
    drawing.py     render(): the SVG with title, description and legend in the current language
    editing.py     who may edit and until when, the newest version, save(): a new version
    pages.py       what the pages show: the page and the editor, the SVG download, the order card
"""

from portal.services.diagrams.drawing import render
from portal.services.diagrams.editing import EDITORS, latest, may_edit, save
from portal.services.diagrams.pages import (
    Download,
    Page,
    Section,
    current,
    download,
    editor,
    order_section,
    page,
)
from portal.services.diagrams.prefill import prefill
from portal.services.diagrams.rows import KIND_LABELS, KINDS, Draft, validate

__all__ = [
    "EDITORS",
    "KINDS",
    "KIND_LABELS",
    "Download",
    "Draft",
    "Page",
    "Section",
    "current",
    "download",
    "editor",
    "latest",
    "may_edit",
    "order_section",
    "page",
    "prefill",
    "render",
    "save",
    "validate",
]

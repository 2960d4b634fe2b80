"""The data flow diagram (step 6 "diagram" in portal.process): see it, prefill it, save it.

The IT architect and the technician draw the diagram in the setup call; everyone who may see
the order sees it. Every save is a new DataFlowDiagram version, and the SVG is drawn from a
version's rows by the dfd library: for the page, the download and the PDF package.

    rows.py        Draft (what a version stores), the kinds and their names, validate() (pure)
    prefill.py     prefill(): a first draft from the technical questionnaire's answers (pure)
    drawing.py     render(): the SVG with title, description and legend in the current language
    use_cases.py   who may edit; the page, the editor, the download, the order card; save()
"""

from portal.services.diagrams.drawing import render
from portal.services.diagrams.prefill import prefill
from portal.services.diagrams.rows import KIND_LABELS, KINDS, Draft, validate
from portal.services.diagrams.use_cases import (
    EDITORS,
    Download,
    Page,
    Section,
    current,
    download,
    editor,
    latest,
    may_edit,
    order_section,
    page,
    save,
)

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

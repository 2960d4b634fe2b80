"""The data-flow diagram in the package: our own SVG, sized for an upright or a landscape page.

A plain rule on the SVG's viewBox and the page's room; no Flask and no database.
"""

import re

from portal import pdf
from portal.services.packages.content.document import Diagram

# What an A4 page of pdf/layout.html leaves for the diagram below its heading, in points,
# upright and across (the orientation that draws it larger wins); a unit is at most 1 pt.
PORTRAIT, LANDSCAPE, DIAGRAM_MAX_SCALE = (493.0, 640.0), (739.0, 400.0), 1.0
PX = 0.75  # xhtml2pdf reads an <img>'s width and height attributes as CSS pixels
_VIEWBOX = re.compile(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def diagram(version: int, svg: str) -> Diagram:
    """Our own SVG of a diagram version, as large as the page allows, upright or across."""
    found = _VIEWBOX.search(svg)
    width, height = (float(found.group(1)), float(found.group(2))) if found else (1.0, 1.0)
    upright, across = (
        min(w / width, h / height, DIAGRAM_MAX_SCALE) for w, h in (PORTRAIT, LANDSCAPE)
    )
    scale = max(upright, across)
    return Diagram(
        version,
        pdf.svg_data_uri(svg),
        round(width * scale / PX),
        round(height * scale / PX),
        landscape=across > upright,
    )

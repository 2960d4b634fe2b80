"""dfd: data flow diagrams in pure Python, a layered left-to-right layout and its SVG.

Systems are boxes, each kind (source, CPCE, database, user group, interface, external
service) with its own shape and colour; flows are arrows from box to box, each with its
label (what, how, how often) in a gap between two columns. The package imports only the
standard library: the portal draws its page, its download and its PDF with it. How the
layout works, stage by stage, is in dfd/README.md.

    import dfd

    systems = [
        {"id": "sap", "name": "SAP S/4HANA", "kind": "source"},
        {"id": "cpce", "name": "CPCE", "kind": "cpce"},
    ]
    flows = [{"from": "sap", "to": "cpce", "content": "Salden", "method": "ODBC",
              "frequency": "täglich"}]
    result = dfd.layout(systems, flows, labels={"source": "Source system"})
    result.width, result.height, result.boxes, result.edges, result.legend
    svg = dfd.render_svg(result, "Data flows", description=dfd.default_description(result))

Public API:
    layout(systems, flows, labels=None) -> Layout      systems: {id, name, kind};
        flows: {from, to, content, method, frequency}; labels: kind -> legend name
    render_svg(layout, title, *, description=None, labels=None, id_prefix="dfd") -> str
    default_description(layout) -> str                 "A → B: what, how, how often; ..."
    Layout(width, height, boxes, edges, legend, names), Box, EdgePath, Label, LegendItem,
        TextLine: the geometry, frozen dataclasses in px
    KINDS, KIND_LABELS (the legend's default names, German)
    text_width(text, size, bold=False), wrap(text, size, width, max_lines=0),
        shorten(text, size, width, bold=False): the text measures the layout uses

Anything else (dfd.graph, dfd.geometry, dfd.style) is private to the package.
"""

from dfd.geometry import layout
from dfd.model import Box, EdgePath, Label, Layout, LegendItem, TextLine
from dfd.style import KIND_LABELS, KINDS
from dfd.svg import default_description, render_svg
from dfd.text import shorten, text_width, wrap

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "Box",
    "EdgePath",
    "Label",
    "Layout",
    "LegendItem",
    "TextLine",
    "default_description",
    "layout",
    "render_svg",
    "shorten",
    "text_width",
    "wrap",
]

"""render_svg(): every text escaped, accessible, generic fonts, a shape per kind."""

import xml.etree.ElementTree as ET

import dfd
from dfd import style
from dfd.svg import _shape  # private, but the one place that draws a kind alone
from tests.dfd.samples import HOSTILE, sample

SVG = "{http://www.w3.org/2000/svg}"


def test_the_svg_escapes_every_name_and_text():
    systems = [{"id": f"h{i}", "name": name, "kind": "source"} for i, name in enumerate(HOSTILE)]
    systems.append({"id": "c", "name": "CPCE\x00\x08", "kind": "cpce"})
    flows = [
        {"from": "h0", "to": "c", "content": "<b>fett</b>", "method": "a&b", "frequency": '"'},
        {"from": "h1", "to": "c", "content": "x", "method": "", "frequency": ""},
    ]
    svg = dfd.render_svg(dfd.layout(systems, flows), 'Titel <script>&"', id_prefix="x\"'<")
    root = ET.fromstring(svg)  # noqa: S314 (our own output): well-formed, also as a file
    allowed = {"svg", "title", "desc", "defs", "marker", "path", "rect", "text", "g", "polyline"}
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in allowed
        assert not any(name.lower().startswith("on") for name in element.attrib)
    assert "<script" not in svg and "<b>" not in svg and 'onload="' not in svg
    assert root.find(f"{SVG}title").text == 'Titel <script>&"'
    assert root.get("aria-labelledby") == "x-title x-desc" and root.get("role") == "img"
    texts = " ".join(t.text for t in root.iter(f"{SVG}text"))
    assert "Müller & Söhne 'AG'" in texts and "<b>fett</b>" in texts
    assert "a&b" in root.find(f"{SVG}desc").text


def test_the_svg_is_accessible_and_uses_generic_fonts():
    systems, flows = sample()
    svg = dfd.render_svg(dfd.layout(systems, flows), "Diagramm", description="Beschreibung")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.get("font-family") == "sans-serif"
    assert root.get("viewBox").startswith("0 0 ") and float(root.get("width")) > 0
    assert root.find(f"{SVG}desc").text == "Beschreibung"
    assert "style" not in svg  # the page's CSP allows no inline styles
    legend = root.find(f"{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == [dfd.KIND_LABELS[k] for k in dfd.KINDS]
    # Each kind looks different apart from its colour: shape, border or line.
    shapes = {}
    for kind in dfd.KINDS:
        drawn = _shape(kind, 0, 0, 100, 40)
        shapes[kind] = drawn.replace(style.STYLES[kind][0], "").replace(style.STYLES[kind][1], "")
    assert len(set(shapes.values())) == len(dfd.KINDS)

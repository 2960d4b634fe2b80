"""render_svg(): a layout as a standalone, accessible SVG document.

The SVG uses presentation attributes only (a page's CSP may allow no inline styles), names the
generic font "sans-serif", escapes every text and leaves out what XML cannot hold. Its <title>
and <desc> (by default a plain list of the flows) are what a screen reader announces.
"""

import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

from dfd.model import Layout, TextLine, flow_texts
from dfd.style import (
    CAP,
    FOLD,
    INK,
    KIND_LABELS,
    LABEL_BORDER,
    LINE_COLOUR,
    MARGIN,
    STYLES,
    TITLE_SIZE,
)
from dfd.text import LEADING, NOT_XML, shorten, text_width


def _e(text: str) -> str:
    """Escape for XML text and attribute values alike; drop what XML cannot hold."""
    return escape(NOT_XML.sub("", str(text)), {'"': "&quot;", "'": "&#39;"})


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _shape(kind: str, x: float, y: float, w: float, h: float, small: bool = False) -> str:
    fill, stroke, dash = STYLES[kind]
    paint = f'fill="{fill}" stroke="{stroke}" stroke-width="{1.2 if small else 1.6}"'
    if dash:
        paint += f' stroke-dasharray="{"4 3" if small else dash}"'
    cap = 4.0 if small else CAP
    fold = 7.0 if small else FOLD
    if kind == "database":
        return (
            f'<path d="M{_n(x)},{_n(y + cap)} a{_n(w / 2)},{_n(cap)} 0 0 1 {_n(w)},0 '
            f'v{_n(h - 2 * cap)} a{_n(w / 2)},{_n(cap)} 0 0 1 {_n(-w)},0 z" {paint}/>'
            f'<path d="M{_n(x)},{_n(y + cap)} a{_n(w / 2)},{_n(cap)} 0 0 0 {_n(w)},0" '
            f'fill="none" stroke="{stroke}" stroke-width="{1.2 if small else 1.6}"/>'
        )
    if kind == "interface":
        return (
            f'<path d="M{_n(x)},{_n(y)} H{_n(x + w - fold)} L{_n(x + w)},{_n(y + fold)} '
            f'V{_n(y + h)} H{_n(x)} Z" {paint}/>'
            f'<path d="M{_n(x + w - fold)},{_n(y)} V{_n(y + fold)} H{_n(x + w)}" fill="none" '
            f'stroke="{stroke}" stroke-width="1.2"/>'
        )
    radius = {"source": 2.0, "cpce": 10.0, "user_group": 14.0, "external": 4.0}[kind]
    if small:
        radius = min(radius, h / 2)
    rect = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(radius)}" {paint}/>'
    if kind == "cpce":  # a double border
        inset = 2.5 if small else 4.0
        rect += (
            f'<rect x="{_n(x + inset)}" y="{_n(y + inset)}" width="{_n(w - 2 * inset)}" '
            f'height="{_n(h - 2 * inset)}" rx="{_n(max(radius - inset, 1))}" fill="none" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )
    return rect


def _text(line: TextLine, bold: bool = False, anchor: str = "middle") -> str:
    x = line.center if anchor == "middle" else line.x
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_n(x)}" y="{_n(line.baseline)}" font-size="{_n(line.size)}" '
        f'text-anchor="{anchor}" fill="{INK}"{weight}>{_e(line.text)}</text>'
    )


def default_description(result: Layout) -> str:
    """A plain-text list of the flows (the SVG's <desc>), without words of any language."""
    parts = []
    for edge in result.edges:
        details = ", ".join(flow_texts(edge.flow))
        arrow = f"{result.names[edge.source]} → {result.names[edge.target]}"
        parts.append(f"{arrow}: {details}" if details else arrow)
    return "; ".join(parts)


def render_svg(
    result: Layout,
    title: str,
    *,
    description: str | None = None,
    labels: Mapping[str, str] | None = None,
    id_prefix: str = "dfd",
) -> str:
    """The layout as a standalone SVG document: accessible, every text escaped."""
    labels = {**KIND_LABELS, **(labels or {})}
    prefix = re.sub(r"[^A-Za-z0-9_-]", "", id_prefix) or "dfd"
    arrow = f"{prefix}-arrow"
    desc = default_description(result) if description is None else description
    title_line = shorten(title, TITLE_SIZE, result.width - 2 * MARGIN, bold=True)
    title_w = text_width(title_line, TITLE_SIZE, bold=True)
    title_text = TextLine(title_line, MARGIN, MARGIN, title_w, TITLE_SIZE * LEADING, TITLE_SIZE)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(result.width)} '
        f'{_n(result.height)}" width="{_n(result.width)}" height="{_n(result.height)}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" font-family="sans-serif">',
        f'<title id="{prefix}-title">{_e(title)}</title>',
        f'<desc id="{prefix}-desc">{_e(desc)}</desc>',
        f'<defs><marker id="{arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" '
        f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{LINE_COLOUR}"/></marker></defs>',
        f'<rect x="0" y="0" width="{_n(result.width)}" height="{_n(result.height)}" fill="#fff"/>',
        _text(title_text, bold=True, anchor="start"),
        '<g class="flows">',
    ]
    for edge in result.edges:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in edge.points)
        out.append(
            f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" '
            f'stroke-width="1.4" stroke-linejoin="round" marker-end="url(#{arrow})"/>'
        )
    out.append("</g>")
    out.append('<g class="flow-labels">')
    for edge in result.edges:
        if edge.label is None:
            continue
        label = edge.label
        out.append(
            f"<g><title>{_e(label.text)}</title>"
            f'<rect x="{_n(label.x)}" y="{_n(label.y)}" width="{_n(label.w)}" '
            f'height="{_n(label.h)}" rx="3" fill="#fff" stroke="{LABEL_BORDER}" '
            f'stroke-width="0.8"/>'
        )
        out += [_text(line) for line in label.lines]
        out.append("</g>")
    out.append("</g>")
    out.append('<g class="systems">')
    for box in result.boxes:
        out.append(f"<g><title>{_e(box.name)} ({_e(labels[box.kind])})</title>")
        out.append(_shape(box.kind, box.x, box.y, box.w, box.h))
        out += [_text(line) for line in box.lines]
        out.append("</g>")
    out.append("</g>")
    out.append('<g class="legend">')
    for item in result.legend:
        out.append(_shape(item.kind, *item.swatch, small=True))
        out.append(_text(item.line, anchor="start"))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)

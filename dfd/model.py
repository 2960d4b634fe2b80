"""What layout() returns and render_svg() draws: boxes, lines, labels and the legend.

Every position is in SVG user units (px), measured from the drawing's top left corner.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from dfd.text import ASCENT, DESCENT, LEADING, clean


@dataclass(frozen=True)
class TextLine:
    """One line of text and its estimated extent: left x, top y, width and height."""

    text: str
    x: float
    y: float
    w: float
    h: float
    size: float

    @property
    def baseline(self) -> float:
        """Where the line's baseline is drawn."""
        return self.y + ((LEADING - ASCENT - DESCENT) / 2 + ASCENT) * self.size

    @property
    def center(self) -> float:
        """The line's horizontal middle (its text is centered there)."""
        return self.x + self.w / 2


@dataclass(frozen=True)
class Box:
    """A system: its shape's bounding box and its name's lines."""

    id: str
    name: str
    kind: str
    x: float
    y: float
    w: float
    h: float
    lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class Label:
    """A flow's label: its white background and its (possibly shortened) lines."""

    x: float
    y: float
    w: float
    h: float
    lines: tuple[TextLine, ...]
    text: str  # the full text, for a tooltip


@dataclass(frozen=True)
class EdgePath:
    """A flow drawn as a polyline from its source box to its target box (the arrowhead)."""

    source: str
    target: str
    points: tuple[tuple[float, float], ...]
    label: Label | None
    flow: Mapping[str, str]


def flow_texts(flow: Mapping[str, str]) -> list[str]:
    """A flow's content, method and frequency, cleaned; the empty ones left out."""
    return [t for t in (clean(flow.get(k)) for k in ("content", "method", "frequency")) if t]


@dataclass(frozen=True)
class LegendItem:
    """One kind in the legend: a small sample of its shape and its name."""

    kind: str
    swatch: tuple[float, float, float, float]
    line: TextLine


@dataclass(frozen=True)
class Layout:
    """Everything render_svg() draws, in SVG user units (px)."""

    width: float
    height: float
    boxes: tuple[Box, ...]
    edges: tuple[EdgePath, ...]
    legend: tuple[LegendItem, ...]
    names: Mapping[str, str] = field(default_factory=dict)  # system id -> name

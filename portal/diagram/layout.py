"""Data flow diagrams in pure Python: a layered left-to-right layout and its SVG.

layout() puts every system into a column by the longest path from the sources of the flow
graph (cycles are broken deterministically), orders each column with a few barycenter sweeps
to reduce crossings and sizes each box from its wrapped name. Every flow's label is a node of
its own in the column between two system columns: labels never cover boxes or each other,
and the flow's line runs straight through its label. Lines leave and enter boxes
horizontally and only slant in the gaps between columns, so no line crosses a box.

render_svg() draws the result as a standalone, accessible SVG with presentation attributes
only (the page's CSP allows no inline styles). Text widths come from a fixed table of a wide
sans-serif (DejaVu Sans), so the estimate also holds for the narrower common sans-serif fonts.
This module imports neither Flask nor the portal: the PDF package reuses it.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

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
LEADING = 1.35  # line height, in em
ASCENT, DESCENT = 0.928, 0.236  # of DejaVu Sans, in em: the glyphs are centred in the line
BOLD = 1.1  # bold text is this much wider
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

# Advance widths of DejaVu Sans in 1/1000 em; wider than Arial, Helvetica or Liberation Sans.
_GROUPS = {
    278: "ijl'",
    295: "IJ",
    318: " ,.·",
    337: "/\\:;|",
    352: "f",
    361: "-",
    390: "()[]",
    392: "t",
    401: "!",
    411: "r",
    460: '"',
    500: "*_`–",
    521: "s",
    525: "z",
    531: "?",
    550: "c",
    557: "L",
    575: "F",
    579: "k",
    592: "vxy",
    603: "P",
    611: "TY",
    612: "o",
    613: "a",
    615: "e",
    632: "E",
    634: "hnu",
    635: "bdgpqS",
    636: "0123456789${}ß€",
    656: "K",
    684: "AV",
    685: "XZ",
    686: "B",
    695: "R",
    698: "C",
    732: "U",
    748: "N",
    752: "H",
    770: "D",
    775: "G",
    780: "&",
    787: "OQ",
    818: "w",
    838: "#+<=>^~→",
    863: "M",
    950: "%",
    974: "m",
    989: "W",
    1000: "@…—",
}
_WIDTH = {char: width for width, chars in _GROUPS.items() for char in chars}
_OTHER, _WIDE, _SAFETY = 720, 1000, 1.08
_BREAK_AFTER = "\\/,-_.:;)|"
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def char_width(char: str) -> float:
    """Estimated advance width of one character, in em."""
    if char in _WIDTH:
        return _WIDTH[char] / 1000
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _WIDE / 1000
    base = unicodedata.normalize("NFD", char)[0]
    return _WIDTH.get(base, _OTHER) / 1000


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Estimated width of a text line at a font size, with a safety margin."""
    width = sum(char_width(c) for c in text) * size * _SAFETY
    return width * BOLD if bold else width


def _prefix_that_fits(text: str, size: float, width: float, suffix: str = "") -> int:
    for end in range(len(text), 0, -1):
        if text_width(text[:end].rstrip() + suffix, size) <= width:
            return end
    return 0


def shorten(text: str, size: float, width: float, bold: bool = False) -> str:
    """The text, cut and ended with "…" where it is wider than `width`."""
    text = " ".join(text.split())
    if text_width(text, size, bold) <= width:
        return text
    scale = BOLD if bold else 1.0
    end = _prefix_that_fits(text, size, width / scale, "…")
    return text[:end].rstrip() + "…" if end else ""


def _split_point(word: str, size: float, width: float) -> int:
    """Where to split a word too long for a line: after a separator if one is near the end."""
    end = max(1, _prefix_that_fits(word, size, width))
    breaks = [i + 1 for i, c in enumerate(word[:end]) if c in _BREAK_AFTER and i + 1 < len(word)]
    if breaks and breaks[-1] >= 2:
        return breaks[-1]
    return end


def wrap(text: str, size: float, width: float, max_lines: int = 0) -> list[str]:
    """Break a text into lines no wider than `width`; over-long words are split.

    With `max_lines`, the last line allowed ends with "…" when text is left over.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while text_width(word, size) > width:
            end = _split_point(word, size, width)
            lines.append(word[:end])
            word = word[end:]
        current = word
    if current:
        lines.append(current)
    if max_lines and len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [shorten(rest, size, width)]
    return lines or [""]


# ---------------------------------------------------------------- the geometry


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


@dataclass(eq=False)
class _Node:
    role: str  # "box", "label" or "dummy"
    rank: int
    w: float
    h: float
    system: Mapping[str, str] | None = None
    lines: list[str] = field(default_factory=list)
    y: float = 0.0
    x: float = 0.0

    @property
    def middle(self) -> float:
        return self.y + self.h / 2


# ---------------------------------------------------------------- layers


def _clean(text: object) -> str:
    return " ".join(_NOT_XML.sub("", str(text or "")).split())


def _sequence(ids: list[str], edges: list[tuple[str, str]], kinds: Mapping[str, str]) -> list[str]:
    """A linear order of the systems that the fewest flows go against, as far as greedy goes.

    Take a system that no remaining flow points to; when every remaining system is on a
    cycle, take the one whose kind usually stands left (users, sources, interfaces first).
    Ties go by input order, so the same input always breaks its cycles at the same flows.
    """
    rank = {kind: i for i, kind in enumerate(LEFT_TO_RIGHT)}
    priority = {node: (rank.get(kinds[node], len(rank)), i) for i, node in enumerate(ids)}
    incoming = dict.fromkeys(ids, 0)
    successors: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in edges:
        incoming[b] += 1
        successors[a].append(b)
    remaining, sequence = set(ids), []
    while remaining:
        free = [n for n in remaining if incoming[n] == 0]
        if free:
            node = min(free, key=lambda n: priority[n][1])
        else:
            node = min(remaining, key=lambda n: priority[n])
        remaining.discard(node)
        sequence.append(node)
        for succ in successors[node]:
            incoming[succ] -= 1
    return sequence


def _layers(
    ids: list[str], edges: list[tuple[str, str]], kinds: Mapping[str, str]
) -> tuple[dict[str, int], set[int]]:
    """Layer of each system (longest path from the sources) and the flows reversed for it."""
    place = {node: i for i, node in enumerate(_sequence(ids, edges, kinds))}
    reversed_edges = {n for n, (a, b) in enumerate(edges) if place[a] > place[b]}
    dag = [(b, a) if n in reversed_edges else (a, b) for n, (a, b) in enumerate(edges)]
    successors: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in dag:
        successors[a].append(b)
    layer = dict.fromkeys(ids, 0)
    for node in sorted(ids, key=place.get):  # a topological order of the acyclic graph
        for succ in successors[node]:
            layer[succ] = max(layer[succ], layer[node] + 1)
    # A source sits right before its nearest target, not far left of it.
    has_incoming = {b for _, b in dag}
    for node in ids:
        if node not in has_incoming and successors[node]:
            layer[node] = min(layer[s] for s in successors[node]) - 1
    return layer, reversed_edges


# ---------------------------------------------------------------- ordering and placing


def _crossings(ranks: list[list[_Node]], down: dict, pos: dict) -> int:
    total = 0
    for rank in ranks[:-1]:
        pairs = [(pos[a], pos[b]) for a in rank for b in down[a]]
        for i, (a1, b1) in enumerate(pairs):
            total += sum(1 for a2, b2 in pairs[i + 1 :] if (a1 - a2) * (b1 - b2) < 0)
    return total


def _positions(ranks: list[list[_Node]]) -> dict[_Node, int]:
    return {node: i for rank in ranks for i, node in enumerate(rank)}


def _order(ranks: list[list[_Node]], up: dict, down: dict) -> list[list[_Node]]:
    """Reorder each column by the barycenters of its neighbours; keep the fewest crossings."""
    pos = _positions(ranks)
    best, fewest = [list(r) for r in ranks], _crossings(ranks, down, pos)
    for sweep in range(SWEEPS):
        downward = sweep % 2 == 0
        indices = range(1, len(ranks)) if downward else range(len(ranks) - 2, -1, -1)
        for r in indices:
            neighbours = up if downward else down

            def key(node, neighbours=neighbours):
                near = neighbours[node]
                centre = sum(pos[n] for n in near) / len(near) if near else pos[node]
                return (centre, pos[node])

            ranks[r].sort(key=key)
            pos.update({node: i for i, node in enumerate(ranks[r])})
        count = _crossings(ranks, down, pos)
        if count < fewest:
            best, fewest = [list(r) for r in ranks], count
    return best


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Pool adjacent violators: the non-decreasing sequence nearest to the targets."""
    blocks: list[list[float]] = []  # weight, weighted sum, count
    for target, weight in zip(targets, weights, strict=True):
        blocks.append([weight, weight * target, 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][0] > blocks[-1][1] / blocks[-1][0]:
            weight2, total2, count2 = blocks.pop()
            blocks[-1][0] += weight2
            blocks[-1][1] += total2
            blocks[-1][2] += count2
    values: list[float] = []
    for weight, total, count in blocks:
        values += [total / weight] * int(count)
    return values


def _place(ranks: list[list[_Node]], up: dict, down: dict) -> None:
    """Vertical positions: each node near the mean of its neighbours, never overlapping."""
    offsets: dict[_Node, float] = {}
    for rank in ranks:
        offset, previous = 0.0, None
        for node in rank:
            if previous is not None:
                offset += previous.h + SPACING[previous.role] + SPACING[node.role]
            offsets[node] = offset
            node.y = offset
            previous = node
    for rnd in range(ROUNDS):
        for rank in ranks if rnd % 2 == 0 else reversed(ranks):
            targets, weights = [], []
            for node in rank:
                near = up[node] + down[node]
                if near:
                    wanted = sum(n.middle for n in near) / len(near)
                    weight = 1.0 if node.role == "box" else 2.0
                else:
                    wanted, weight = node.middle, 0.05
                targets.append(wanted - node.h / 2 - offsets[node])
                weights.append(weight)
            for node, value in zip(rank, _isotonic(targets, weights), strict=True):
                node.y = value + offsets[node]
    nodes = [n for rank in ranks for n in rank]
    if nodes:
        shift = TOP - min(n.y for n in nodes)
        for node in nodes:
            node.y = round(node.y + shift, 2)


# ---------------------------------------------------------------- boxes and labels


def _box_size(kind: str, lines: list[str], ports: int) -> tuple[float, float]:
    (left, top, right, bottom), band = INSETS[kind]
    widest = max(text_width(line, NAME_SIZE) for line in lines)
    width = max(BOX_MIN_W, widest + left + right)
    height = max(
        BOX_MIN_H,
        len(lines) * NAME_SIZE * LEADING + top + bottom,
        2 * band + (ports + 1) * PORT_GAP,
    )
    return float(int(width + 0.999)), float(int(height + 0.999))


def _text_lines(
    lines: list[str], area: tuple[float, float, float, float], size: float
) -> tuple[TextLine, ...]:
    x, y, w, h = area
    height = size * LEADING
    top = y + (h - len(lines) * height) / 2
    result = []
    for i, line in enumerate(lines):
        width = text_width(line, size)
        result.append(TextLine(line, x + (w - width) / 2, top + i * height, width, height, size))
    return tuple(result)


def _text_area(kind: str, x: float, y: float, w: float, h: float):
    (left, top, right, bottom), _ = INSETS[kind]
    return (x + left, y + top, w - left - right, h - top - bottom)


def _label_lines(flow: Mapping[str, str]) -> list[str]:
    content = _clean(flow.get("content"))
    lines = wrap(content, LABEL_SIZE, LABEL_MAX, 2) if content else []
    method, frequency = _clean(flow.get("method")), _clean(flow.get("frequency"))
    how = " · ".join(t for t in (method, frequency) if t)
    if text_width(how, LABEL_SIZE) <= LABEL_MAX:
        return lines + ([how] if how else [])
    return lines + [shorten(t, LABEL_SIZE, LABEL_MAX) for t in (method, frequency) if t]


# ---------------------------------------------------------------- layout()


def layout(
    systems: Sequence[Mapping[str, str]],
    flows: Sequence[Mapping[str, str]],
    labels: Mapping[str, str] | None = None,
) -> Layout:
    """Lay out systems ({id, name, kind}) and flows ({from, to, content, method, frequency}).

    Flows from or to an unknown system, and flows from a system to itself, are left out.
    `labels` names the kinds in the legend (default: German).
    """
    labels = {**KIND_LABELS, **(labels or {})}
    systems = [
        {"id": str(s.get("id")), "name": _clean(s.get("name")), "kind": s.get("kind")}
        for s in systems
    ]
    for system in systems:
        if system["kind"] not in KINDS:
            system["kind"] = "external"
    ids = list(dict.fromkeys(s["id"] for s in systems))
    by_id = {s["id"]: s for s in systems}
    flows = [
        f for f in flows if f.get("from") in by_id and f.get("to") in by_id and f["from"] != f["to"]
    ]
    kinds = {s["id"]: s["kind"] for s in systems}
    layer, reversed_edges = _layers(ids, [(f["from"], f["to"]) for f in flows], kinds)
    dag = [
        (f["to"], f["from"]) if n in reversed_edges else (f["from"], f["to"])
        for n, f in enumerate(flows)
    ]
    ports = {i: [0, 0] for i in ids}  # left, right
    for a, b in dag:
        ports[a][1] += 1
        ports[b][0] += 1

    boxes: dict[str, _Node] = {}
    for system_id in ids:
        system = by_id[system_id]
        lines = wrap(system["name"], NAME_SIZE, NAME_MAX)
        w, h = _box_size(system["kind"], lines, max(ports[system_id]))
        boxes[system_id] = _Node("box", 2 * layer[system_id], w, h, system, lines)
    chains: list[list[_Node]] = []
    label_of: dict[int, _Node] = {}
    for number, (a, b) in enumerate(dag):
        first, last = boxes[a].rank, boxes[b].rank
        middle = (first + last) // 2
        at = middle if middle % 2 else middle - 1
        chain = [boxes[a]]
        for rank in range(first + 1, last):
            lines = _label_lines(flows[number]) if rank == at else []
            if lines:
                width = max(text_width(t, LABEL_SIZE) for t in lines) + 8
                node = _Node(
                    "label", rank, width, len(lines) * LABEL_SIZE * LEADING + 4, None, lines
                )
                label_of[number] = node
            else:
                node = _Node("dummy", rank, 0.0, 2.0)
            chain.append(node)
        chain.append(boxes[b])
        chains.append(chain)

    count = max((n.rank for n in boxes.values()), default=0) + 1
    ranks: list[list[_Node]] = [[] for _ in range(count)]
    for node in boxes.values():
        ranks[node.rank].append(node)
    for chain in chains:
        for node in chain[1:-1]:
            ranks[node.rank].append(node)
    up: dict[_Node, list[_Node]] = {n: [] for rank in ranks for n in rank}
    down: dict[_Node, list[_Node]] = {n: [] for rank in ranks for n in rank}
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
    ranks = _order(ranks, up, down)
    _place(ranks, up, down)

    widths = [max((n.w for n in rank), default=0.0) or MIN_CHANNEL for rank in ranks]
    gaps = []
    for r in range(count - 1):
        steepest = max((abs(a.middle - b.middle) for a in ranks[r] for b in down[a]), default=0.0)
        gaps.append(min(110.0, max(40.0, 2 * STUB + 16 + steepest * 0.12)))
    columns, x = [], MARGIN
    for r in range(count):
        columns.append(x)
        for node in ranks[r]:
            node.x = round(x + (widths[r] - node.w) / 2, 2)
        x += widths[r] + (gaps[r] if r < count - 1 else 0)
    diagram_right = x + MARGIN
    bottom = max((n.y + n.h for n in up), default=TOP)

    out_ports, in_ports = _ports(boxes.values(), chains)
    edges = []
    for number, chain in enumerate(chains):
        start, end = chain[0], chain[-1]
        y_out, y_in = out_ports[number], in_ports[number]
        right = columns[start.rank] + widths[start.rank]
        points = [(start.x + start.w, y_out), (right + STUB, y_out)]
        for node in chain[1:-1]:
            left = columns[node.rank]
            points += [(left, node.middle), (left + widths[node.rank], node.middle)]
        points += [(columns[end.rank] - STUB, y_in), (end.x, y_in)]
        if number in reversed_edges:
            points.reverse()
        label = None
        if number in label_of:
            node = label_of[number]
            area = (node.x + 4, node.y + 2, node.w - 8, node.h - 4)
            flow = flows[number]
            full = " · ".join(
                t for t in (_clean(flow.get(k)) for k in ("content", "method", "frequency")) if t
            )
            label = Label(
                node.x,
                node.y,
                node.w,
                node.h,
                _text_lines(node.lines, area, LABEL_SIZE),
                full,
            )
        flow = flows[number]
        edges.append(
            EdgePath(flow["from"], flow["to"], _simplify(points), label, dict(flow.items()))
        )

    result = []
    for system_id, node in boxes.items():
        kind = node.system["kind"]
        lines = _text_lines(node.lines, _text_area(kind, node.x, node.y, node.w, node.h), NAME_SIZE)
        result.append(
            Box(system_id, node.system["name"], kind, node.x, node.y, node.w, node.h, lines)
        )
    used = [k for k in KINDS if any(b.kind == k for b in result)]
    legend, width, height = _legend(used, labels, max(diagram_right, MIN_WIDTH), bottom)
    return Layout(
        width,
        height,
        tuple(result),
        tuple(edges),
        legend,
        {s["id"]: s["name"] for s in systems},
    )


def _ports(boxes: Iterable[_Node], chains: list[list[_Node]]):
    """Spread the lines at each side of a box over its height, ordered by where they go."""
    out_ports: dict[int, float] = {}
    in_ports: dict[int, float] = {}
    by_side: dict[tuple[int, str], list[tuple[float, int]]] = {}
    for number, chain in enumerate(chains):
        by_side.setdefault((id(chain[0]), "out"), []).append((chain[1].middle, number))
        by_side.setdefault((id(chain[-1]), "in"), []).append((chain[-2].middle, number))
    for box in boxes:
        band = INSETS[box.system["kind"]][1]
        for side, target in (("out", out_ports), ("in", in_ports)):
            lines = sorted(by_side.get((id(box), side), []))
            step = (box.h - 2 * band) / (len(lines) + 1)
            for i, (_, number) in enumerate(lines):
                target[number] = round(box.y + band + step * (i + 1), 2)
    return out_ports, in_ports


def _simplify(points: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    result: list[tuple[float, float]] = []
    for point in points:
        point = (round(point[0], 2), round(point[1], 2))
        if result and result[-1] == point:
            continue
        if len(result) >= 2:
            (x1, y1), (x2, y2) = result[-2], result[-1]
            if abs((x2 - x1) * (point[1] - y1) - (y2 - y1) * (point[0] - x1)) < 1e-6:
                result[-1] = point
                continue
        result.append(point)
    return tuple(result)


def _legend(kinds: list[str], labels: Mapping[str, str], width: float, top: float):
    """The legend's items in rows below the diagram; returns them, the width and the height."""
    items = []
    top += LEGEND_GAP
    widest = max(
        (LEGEND_SWATCH_W + 8 + text_width(labels[k], LEGEND_SIZE) for k in kinds), default=0.0
    )
    width = max(width, widest + 2 * MARGIN)
    x, y = MARGIN, top
    for kind in kinds:
        text = labels[kind]
        text_w = text_width(text, LEGEND_SIZE)
        item_w = LEGEND_SWATCH_W + 8 + text_w
        if x > MARGIN and x + item_w > width - MARGIN:
            x, y = MARGIN, y + LEGEND_ROW
        swatch = (x, y, LEGEND_SWATCH_W, LEGEND_SWATCH_H)
        line_h = LEGEND_SIZE * LEADING
        line = TextLine(
            text,
            x + LEGEND_SWATCH_W + 8,
            swatch[1] + (LEGEND_SWATCH_H - line_h) / 2,
            text_w,
            line_h,
            LEGEND_SIZE,
        )
        items.append(LegendItem(kind, swatch, line))
        x += item_w + 20
    height = (y + LEGEND_ROW if items else top) + MARGIN
    return tuple(items), float(int(width + 0.999)), float(int(height + 0.999))


# ---------------------------------------------------------------- render_svg()


def _e(text: str) -> str:
    """Escape for XML text and attribute values alike; drop what XML cannot hold."""
    return escape(_NOT_XML.sub("", str(text)), {'"': "&quot;", "'": "&#39;"})


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
        details = ", ".join(
            t for t in (_clean(edge.flow.get(k)) for k in ("content", "method", "frequency")) if t
        )
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

"""layout(): from systems and flows to the geometry of a drawing, the legend included.

Every flow's label is a node of its own in the column between two system columns: labels
never cover boxes or each other, and the flow's line runs straight through its label. Lines
leave and enter boxes horizontally and only slant in the gaps between columns, so no line
crosses a box. The graph stages (layers, order, heights) are in dfd.graph.

Systems stand in the even ranks (columns) 0, 2, 4, ...; the odd ranks between them are the
gaps, where a flow has a label node or a bend point (dummy) per rank it passes.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dfd import graph
from dfd.graph import Node
from dfd.model import Box, EdgePath, Label, Layout, LegendItem, TextLine, flow_texts
from dfd.style import (
    BOX_MIN_H,
    BOX_MIN_W,
    INSETS,
    KIND_LABELS,
    KINDS,
    LABEL_MAX,
    LABEL_SIZE,
    LEGEND_GAP,
    LEGEND_ROW,
    LEGEND_SIZE,
    LEGEND_SWATCH_H,
    LEGEND_SWATCH_W,
    MARGIN,
    MIN_CHANNEL,
    MIN_WIDTH,
    NAME_MAX,
    NAME_SIZE,
    PORT_GAP,
    STUB,
    TOP,
)
from dfd.text import LEADING, clean, shorten, text_width, wrap


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
    by_id = _systems(systems)
    flows = _flows(flows, by_id)
    kinds = {system_id: system["kind"] for system_id, system in by_id.items()}
    layer, reversed_edges = graph.layers(list(by_id), [(f["from"], f["to"]) for f in flows], kinds)
    # The flows as the layers see them: all run left to right, reversed ones target to source.
    dag = [
        (f["to"], f["from"]) if n in reversed_edges else (f["from"], f["to"])
        for n, f in enumerate(flows)
    ]
    boxes = _boxes(by_id, layer, dag)
    chains, label_of = _chains(boxes, dag, flows)
    ranks, up, down = _ranks(boxes, chains)
    ranks = graph.order(ranks, up, down)
    graph.place(ranks, up, down)
    columns = _columns(ranks, down)
    edges = _edges(boxes.values(), chains, flows, reversed_edges, label_of, columns)
    drawn = tuple(_box(node) for node in boxes.values())
    used = [k for k in KINDS if any(b.kind == k for b in drawn)]
    bottom = max((n.y + n.h for rank in ranks for n in rank), default=TOP)
    legend, width, height = _legend(used, labels, max(columns.right, MIN_WIDTH), bottom)
    names = {system_id: system["name"] for system_id, system in by_id.items()}
    return Layout(width, height, drawn, edges, legend, names)


@dataclass(frozen=True)
class _Columns:
    """Where each rank's column starts and how wide it is; the drawing's right edge."""

    left: list[float]
    width: list[float]
    right: float


def _systems(systems: Sequence[Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The systems by id, names cleaned, unknown kinds as "external"; a repeated id: the last."""
    by_id: dict[str, dict[str, str]] = {}
    for s in systems:
        kind = s.get("kind")
        by_id[str(s.get("id"))] = {
            "id": str(s.get("id")),
            "name": clean(s.get("name")),
            "kind": kind if kind in KINDS else "external",
        }
    return by_id


def _flows(flows: Sequence[Mapping[str, str]], by_id: Mapping[str, object]) -> list:
    """The flows between two different known systems."""
    return [
        f for f in flows if f.get("from") in by_id and f.get("to") in by_id and f["from"] != f["to"]
    ]


def _boxes(
    by_id: Mapping[str, Mapping[str, str]], layer: Mapping[str, int], dag: list[tuple[str, str]]
) -> dict[str, Node]:
    """A node per system in its layer's column, big enough for its name and its lines."""
    ports = {system_id: [0, 0] for system_id in by_id}  # left, right
    for a, b in dag:
        ports[a][1] += 1
        ports[b][0] += 1
    boxes: dict[str, Node] = {}
    for system_id, system in by_id.items():
        lines = wrap(system["name"], NAME_SIZE, NAME_MAX)
        w, h = _box_size(system["kind"], lines, max(ports[system_id]))
        boxes[system_id] = Node("box", 2 * layer[system_id], w, h, system, lines)
    return boxes


def _chains(
    boxes: Mapping[str, Node], dag: list[tuple[str, str]], flows: Sequence[Mapping[str, str]]
) -> tuple[list[list[Node]], dict[int, Node]]:
    """Each flow as a chain of nodes, one per rank; its label in the gap nearest the middle."""
    chains: list[list[Node]] = []
    label_of: dict[int, Node] = {}
    for number, (a, b) in enumerate(dag):
        first, last = boxes[a].rank, boxes[b].rank
        middle = (first + last) // 2
        at = middle if middle % 2 else middle - 1
        chain = [boxes[a]]
        for rank in range(first + 1, last):
            lines = _label_lines(flows[number]) if rank == at else []
            if lines:
                width = max(text_width(t, LABEL_SIZE) for t in lines) + 8
                height = len(lines) * LABEL_SIZE * LEADING + 4
                node = Node("label", rank, width, height, None, lines)
                label_of[number] = node
            else:
                node = Node("dummy", rank, 0.0, 2.0)
            chain.append(node)
        chain.append(boxes[b])
        chains.append(chain)
    return chains, label_of


def _ranks(boxes: Mapping[str, Node], chains: list[list[Node]]):
    """The nodes of each rank (the systems first) and each node's neighbours up and down."""
    count = max((n.rank for n in boxes.values()), default=0) + 1
    ranks: list[list[Node]] = [[] for _ in range(count)]
    for node in boxes.values():
        ranks[node.rank].append(node)
    for chain in chains:
        for node in chain[1:-1]:
            ranks[node.rank].append(node)
    up: dict[Node, list[Node]] = {n: [] for rank in ranks for n in rank}
    down: dict[Node, list[Node]] = {n: [] for rank in ranks for n in rank}
    for chain in chains:
        for a, b in zip(chain, chain[1:], strict=False):
            down[a].append(b)
            up[b].append(a)
    return ranks, up, down


def _columns(ranks: list[list[Node]], down: Mapping[Node, list[Node]]) -> _Columns:
    """Columns as wide as their widest node, gaps wider for steeper lines; nodes centred."""
    widths = [max((n.w for n in rank), default=0.0) or MIN_CHANNEL for rank in ranks]
    gaps = []
    for rank in ranks[:-1]:
        steepest = max((abs(a.middle - b.middle) for a in rank for b in down[a]), default=0.0)
        gaps.append(min(110.0, max(40.0, 2 * STUB + 16 + steepest * 0.12)))
    left, x = [], MARGIN
    for r, rank in enumerate(ranks):
        left.append(x)
        for node in rank:
            node.x = round(x + (widths[r] - node.w) / 2, 2)
        x += widths[r] + (gaps[r] if r < len(ranks) - 1 else 0)
    return _Columns(left, widths, x + MARGIN)


def _edges(
    boxes: Iterable[Node],
    chains: list[list[Node]],
    flows: Sequence[Mapping[str, str]],
    reversed_edges: set[int],
    label_of: Mapping[int, Node],
    columns: _Columns,
) -> tuple[EdgePath, ...]:
    """Each flow's line from port to port through its nodes, pointing the flow's way."""
    out_ports, in_ports = _ports(boxes, chains)
    edges = []
    for number, (chain, flow) in enumerate(zip(chains, flows, strict=True)):
        points = _polyline(chain, out_ports[number], in_ports[number], columns)
        if number in reversed_edges:
            points.reverse()
        label = _label(label_of[number], flow) if number in label_of else None
        edges.append(
            EdgePath(flow["from"], flow["to"], _simplify(points), label, dict(flow.items()))
        )
    return tuple(edges)


def _polyline(
    chain: list[Node], y_out: float, y_in: float, columns: _Columns
) -> list[tuple[float, float]]:
    """Out of the first box's right side, level across each node's column, into the last box."""
    start, end = chain[0], chain[-1]
    right = columns.left[start.rank] + columns.width[start.rank]
    points = [(start.x + start.w, y_out), (right + STUB, y_out)]
    for node in chain[1:-1]:
        left = columns.left[node.rank]
        points += [(left, node.middle), (left + columns.width[node.rank], node.middle)]
    points += [(columns.left[end.rank] - STUB, y_in), (end.x, y_in)]
    return points


def _label(node: Node, flow: Mapping[str, str]) -> Label:
    """A flow's label where its node was placed; the full text for the tooltip."""
    area = (node.x + 4, node.y + 2, node.w - 8, node.h - 4)
    lines = _text_lines(node.lines, area, LABEL_SIZE)
    return Label(node.x, node.y, node.w, node.h, lines, " · ".join(flow_texts(flow)))


def _box(node: Node) -> Box:
    """A system's box where its node was placed, its name's lines in its text area."""
    system = node.system
    area = _text_area(system["kind"], node.x, node.y, node.w, node.h)
    lines = _text_lines(node.lines, area, NAME_SIZE)
    return Box(system["id"], system["name"], system["kind"], node.x, node.y, node.w, node.h, lines)


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
    content = clean(flow.get("content"))
    lines = wrap(content, LABEL_SIZE, LABEL_MAX, 2) if content else []
    method, frequency = clean(flow.get("method")), clean(flow.get("frequency"))
    how = " · ".join(t for t in (method, frequency) if t)
    if text_width(how, LABEL_SIZE) <= LABEL_MAX:
        return lines + ([how] if how else [])
    return lines + [shorten(t, LABEL_SIZE, LABEL_MAX) for t in (method, frequency) if t]


def _ports(boxes: Iterable[Node], chains: list[list[Node]]):
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

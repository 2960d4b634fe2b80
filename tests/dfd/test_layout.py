"""layout(): no overlaps, text inside its shapes, lines from box to box, deterministic."""

from itertools import combinations

import pytest

import dfd
from dfd import style
from tests.dfd.samples import random_diagram, sample


def rect(item) -> tuple[float, float, float, float]:
    return (item.x, item.y, item.w, item.h)


def overlap(a, b, margin: float = 0.0) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return (
        ax < bx + bw + margin
        and bx < ax + aw + margin
        and ay < by + bh + margin
        and by < ay + ah + margin
    )


def inside(inner, outer, tolerance: float = 0.01) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return (
        x >= ox - tolerance
        and y >= oy - tolerance
        and x + w <= ox + ow + tolerance
        and y + h <= oy + oh + tolerance
    )


def shrink(area, by: float):
    x, y, w, h = area
    return (x + by, y + by, w - 2 * by, h - 2 * by)


def on_border(point, box, tolerance: float = 0.01) -> bool:
    x, y = point
    vertical = abs(x - box.x) < tolerance or abs(x - box.x - box.w) < tolerance
    return vertical and box.y < y < box.y + box.h


def crosses(p, q, area) -> bool:
    """Whether the segment p-q meets the rectangle (Liang-Barsky clipping)."""
    x, y, w, h = area
    dx, dy = q[0] - p[0], q[1] - p[1]
    low, high = 0.0, 1.0
    for step, distance in (
        (-dx, p[0] - x),
        (dx, x + w - p[0]),
        (-dy, p[1] - y),
        (dy, y + h - p[1]),
    ):
        if step == 0:
            if distance < 0:
                return False
            continue
        t = distance / step
        if step < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def check_geometry(result: dfd.Layout) -> None:
    """No overlaps, text inside its box, lines from box to box, everything on the canvas."""
    canvas = (0, 0, result.width, result.height)
    boxes = {box.id: box for box in result.boxes}
    labels = [edge.label for edge in result.edges if edge.label]
    for a, b in combinations(result.boxes, 2):
        assert not overlap(rect(a), rect(b), margin=8), (a.name, b.name)
    for box in result.boxes:
        assert inside(rect(box), canvas), box.name
        (left, top, right, bottom), _ = style.INSETS[box.kind]
        text_area = (box.x + left, box.y + top, box.w - left - right, box.h - top - bottom)
        assert " ".join(line.text for line in box.lines).replace(" ", "") == box.name.replace(
            " ", ""
        ), "a name is wrapped, never cut"
        for line in box.lines:
            assert line.w == pytest.approx(dfd.text_width(line.text, line.size))
            assert inside(rect(line), text_area), (box.name, line.text)
    for label in labels:
        assert inside(rect(label), canvas)
        for line in label.lines:
            assert line.w == pytest.approx(dfd.text_width(line.text, line.size))
            assert inside(rect(line), rect(label)), line.text
        for box in result.boxes:
            assert not overlap(rect(label), rect(box), margin=4), (label.text, box.name)
    for a, b in combinations(labels, 2):
        assert not overlap(rect(a), rect(b), margin=2), (a.text, b.text)
    for edge in result.edges:
        assert on_border(edge.points[0], boxes[edge.source]), edge.flow
        assert on_border(edge.points[-1], boxes[edge.target]), edge.flow
        for x, y in edge.points:
            assert 0 <= x <= result.width and 0 <= y <= result.height
        for p, q in zip(edge.points, edge.points[1:], strict=False):
            for box in result.boxes:
                assert not crosses(p, q, shrink(rect(box), 0.5)), (edge.flow, box.name)
            for label in labels:
                if label is not edge.label:
                    assert not crosses(p, q, shrink(rect(label), 0.5)), (edge.flow, label.text)
    for item in result.legend:
        assert inside(item.swatch, canvas) and inside(rect(item.line), canvas)
        assert not any(overlap(item.swatch, rect(box)) for box in result.boxes)


def test_twelve_systems_and_fifteen_flows_are_laid_out_without_overlaps():
    systems, flows = sample()
    result = dfd.layout(systems, flows)
    assert len(result.boxes) == 12 and len(result.edges) == 15
    check_geometry(result)
    by_name = {box.name: box for box in result.boxes}
    assert len(by_name["Excel-Meldungen der Tochtergesellschaften"].lines) > 1
    # Left to right: the sources before CPCE, CPCE before its database.
    assert (
        by_name["SAP S/4HANA"].x < by_name["CPCE"].x < by_name["ACME_CPCE (SQLPROD01\\CPCE,1433)"].x
    )
    # The user group stays left of CPCE although a flow comes back to it (a cycle).
    assert by_name["Benutzer (25)"].x < by_name["CPCE"].x
    assert {item.kind for item in result.legend} == set(dfd.KINDS)


@pytest.mark.parametrize("seed", range(8))
def test_random_diagrams_keep_the_geometry_rules(seed):
    check_geometry(dfd.layout(*random_diagram(seed)))


def test_the_layout_is_deterministic_and_skips_broken_flows():
    systems, flows = sample()
    assert dfd.layout(systems, flows) == dfd.layout(systems, flows)
    broken = [*flows, {"from": "sap", "to": "sap"}, {"from": "sap", "to": "nowhere"}]
    assert len(dfd.layout(systems, broken).edges) == 15
    assert dfd.layout([], []).boxes == ()


def test_long_labels_are_shortened_inside_the_drawing():
    systems = [{"id": "a", "name": "A", "kind": "source"}, {"id": "b", "name": "B", "kind": "cpce"}]
    flow = {
        "from": "a",
        "to": "b",
        "content": "Inhalt " * 17,
        "method": "M" * 120,
        "frequency": "monatlich",
    }
    result = dfd.layout(systems, [flow])
    label = result.edges[0].label
    lines = [line.text for line in label.lines]
    assert len(lines) == 4 and lines[1].endswith("…") and lines[2].endswith("…")
    assert lines[3] == "monatlich"  # method and frequency get a line each when both are long
    assert label.text.startswith("Inhalt Inhalt") and label.text.endswith(
        "M" * 120 + " · monatlich"
    )
    check_geometry(result)
    flow.update(method="ODBC")
    short = dfd.layout(systems, [flow]).edges[0].label
    assert [line.text for line in short.lines][2] == "ODBC · monatlich"

"""The graph stages of a layout: layers for the systems, an order within each column, heights.

A layout is a layered drawing (after Sugiyama): every system gets a layer by the longest path
from the sources (cycles are broken deterministically), every column is ordered with a few
barycenter sweeps to reduce crossings, and every node is placed near the mean height of its
neighbours without overlapping the others in its column.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from dfd.style import LEFT_TO_RIGHT, ROUNDS, SPACING, SWEEPS, TOP


@dataclass(eq=False)
class Node:
    """A box, a flow's label or a bend point (dummy) in a column, while it is placed."""

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
        """The node's vertical middle, where its lines run through."""
        return self.y + self.h / 2


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


def layers(
    ids: list[str], edges: list[tuple[str, str]], kinds: Mapping[str, str]
) -> tuple[dict[str, int], set[int]]:
    """Layer of each system (longest path from the sources) and the flows reversed for it."""
    index = {node: i for i, node in enumerate(_sequence(ids, edges, kinds))}
    reversed_edges = {n for n, (a, b) in enumerate(edges) if index[a] > index[b]}
    dag = [(b, a) if n in reversed_edges else (a, b) for n, (a, b) in enumerate(edges)]
    successors: dict[str, list[str]] = {i: [] for i in ids}
    for a, b in dag:
        successors[a].append(b)
    layer = dict.fromkeys(ids, 0)
    for node in sorted(ids, key=index.get):  # a topological order of the acyclic graph
        for succ in successors[node]:
            layer[succ] = max(layer[succ], layer[node] + 1)
    # A source sits right before its nearest target, not far left of it.
    has_incoming = {b for _, b in dag}
    for node in ids:
        if node not in has_incoming and successors[node]:
            layer[node] = min(layer[s] for s in successors[node]) - 1
    return layer, reversed_edges


def _crossings(ranks: list[list[Node]], down: dict, pos: dict) -> int:
    total = 0
    for rank in ranks[:-1]:
        pairs = [(pos[a], pos[b]) for a in rank for b in down[a]]
        for i, (a1, b1) in enumerate(pairs):
            total += sum(1 for a2, b2 in pairs[i + 1 :] if (a1 - a2) * (b1 - b2) < 0)
    return total


def _positions(ranks: list[list[Node]]) -> dict[Node, int]:
    return {node: i for rank in ranks for i, node in enumerate(rank)}


def order(ranks: list[list[Node]], up: dict, down: dict) -> list[list[Node]]:
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


def place(ranks: list[list[Node]], up: dict, down: dict) -> None:
    """Vertical positions: each node near the mean of its neighbours, never overlapping."""
    offsets: dict[Node, float] = {}
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

"""A layered (Sugiyama-style) layout of a directed graph, top to bottom, in pure Python (no Qt: testable alone).

The steps are the classic ones:

1. break cycles: a depth-first search from the start node reverses every edge that goes back to an ancestor;
2. assign layers: longest path from the sources, then sources move down next to their successors;
3. split edges that span several layers into chains of dummy vertices, so that long edges get a lane of their own
   and are routed around nodes instead of through them;
4. reduce crossings: barycenter sweeps down and up (on normalised positions), keeping the order with the fewest
   crossings (counted per layer pair with a Fenwick tree);
5. assign x coordinates: sweeps that put each vertex at the weighted mean of its neighbours, solved per layer
   exactly under the minimum-separation constraints as an isotonic regression (pool adjacent violators); edges
   between dummies weigh most, which keeps long edges straight;
6. route: every edge leaves its source at the bottom and enters its target at the top through its dummy points
   (a vertical segment through each layer it crosses); edges that close a cycle are drawn reversed. Between two
   points the curve stays inside the gap between their layers, and a dummy keeps the bundle of edges through it
   (parallel edges) clear of the nodes beside it, so no edge crosses a node box that is not one of its ends.

Why our own: on the 1,000-state benchmark flow (tests/benchmarks/bench_graph.py: 1,001 nodes, 1,760 edges) this
takes 0.14 s on this machine (0.3-0.6 s while other work loads it), grandalf's Sugiyama layout 4.5 s on the same
graph, and Graphviz's `dot` is not installed (it would need apt; 0.67 s with `nslimit=1` in an earlier measurement
on a similar graph). Crossings stop improving after about four sweeps there. Edges spanning more than
`Spacing.max_span` layers get no dummies (they would cost thousands of vertices): each runs in a lane of its own
beside the drawing (left or right, whichever is nearer), from the gap below its source to the gap above its target.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Spacing:
    """Distances and effort of the layout."""

    layer_gap: float = 64.0
    """Vertical room between two layers, for the curves and their labels."""
    node_gap: float = 36.0
    dummy_gap: float = 14.0
    parallel_gap: float = 6.0
    """Lateral distance between edges that join the same two nodes."""
    max_span: int = 40
    """Edges spanning more layers than this get no dummy vertices: they run in lanes beside the drawing."""
    sweeps: int = 4


@dataclass(frozen=True, slots=True)
class Layout:
    """Where everything goes: node centres, the layer of each node, and one route per input edge."""

    positions: dict[str, Point]
    layers: dict[str, int]
    routes: list[tuple[Point, ...]]
    """Per input edge, the points from its source's border to its target's border; empty for a self-loop. The
    lanes of over-long edges lie outside 0..width."""
    reversed: frozenset[int]
    """Indexes of the edges that close a cycle (drawn against the layer direction)."""
    width: float
    height: float
    crossings: int


# Weights of an edge in the coordinate sweeps, by whether its ends are dummies: long edges stay straight.
_WEIGHT = {(False, False): 1.0, (False, True): 2.0, (True, False): 2.0, (True, True): 8.0}
_FREE_WEIGHT = 0.05


def layered_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    sizes: Mapping[str, tuple[float, float]],
    *,
    start: str | None = None,
    spacing: Spacing | None = None,
) -> Layout:
    """Lay out `nodes` (width, height from `sizes`) and `edges` (source, target) in layers from top to bottom."""
    spacing = spacing or Spacing()
    index = {name: i for i, name in enumerate(nodes)}
    pairs = [(index[s], index[t]) for s, t in edges]
    n = len(nodes)
    flipped, preorder = _break_cycles(n, pairs, index.get(start) if start is not None else None)
    oriented = [(t, s) if i in flipped else (s, t) for i, (s, t) in enumerate(pairs)]
    layer = _assign_layers(n, [(s, t) for s, t in oriented if s != t])
    graph = _ProperGraph(n, layer, [sizes[name] for name in nodes], oriented, spacing.max_span, spacing.parallel_gap)
    crossings = graph.order(preorder, spacing.sweeps)
    graph.place_x(spacing)
    ys, heights = graph.place_y(spacing.layer_gap)
    routes = graph.routes(oriented, flipped, ys, heights, spacing.dummy_gap)
    return graph.result(nodes, routes, flipped, ys, crossings)


def _break_cycles(n: int, pairs: list[tuple[int, int]], start: int | None) -> tuple[frozenset[int], list[int]]:
    """The edges to reverse (back edges of a DFS from `start`, then from every node in order) and the preorder."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for i, (s, t) in enumerate(pairs):
        if s != t:
            out[s].append((i, t))
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    flipped: set[int] = set()
    preorder: list[int] = []
    roots = ([start] if start is not None else []) + list(range(n))
    if start is not None:
        # Nothing comes before the start: it goes on top.
        flipped.update(i for i, (s, t) in enumerate(pairs) if t == start and s != start)
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        preorder.append(root)
        stack = [(root, iter(out[root]))]
        while stack:
            v, children = stack[-1]
            for i, t in children:
                if i in flipped:
                    continue
                if state[t] == 1:
                    flipped.add(i)
                elif state[t] == 0:
                    state[t] = 1
                    preorder.append(t)
                    stack.append((t, iter(out[t])))
                    break
            else:
                state[v] = 2
                stack.pop()
    return frozenset(flipped), preorder


def _assign_layers(n: int, dag: list[tuple[int, int]]) -> list[int]:
    """Longest-path layers from the sources; then each source sits just above its nearest successor."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for s, t in dag:
        succ[s].append(t)
        indegree[t] += 1
    layer = [0] * n
    ready = [v for v in range(n) if indegree[v] == 0]
    topo: list[int] = []
    remaining = indegree[:]
    while ready:
        v = ready.pop()
        topo.append(v)
        for t in succ[v]:
            layer[t] = max(layer[t], layer[v] + 1)
            remaining[t] -= 1
            if remaining[t] == 0:
                ready.append(t)
    for v in reversed(topo):
        if indegree[v] == 0 and succ[v]:
            layer[v] = min(layer[t] for t in succ[v]) - 1
    low = min(layer, default=0)
    return [value - low for value in layer]


class _ProperGraph:
    """The layered graph with dummy vertices: every edge joins two neighbouring layers."""

    def __init__(
        self,
        n: int,
        layer: list[int],
        sizes: list[tuple[float, float]],
        oriented: list[tuple[int, int]],
        max_span: int,
        parallel_gap: float,
    ) -> None:
        self.real = n
        self.layer = layer[:]
        self.width = [w for w, _ in sizes]
        self.height = [h for _, h in sizes]
        self.up: list[list[int]] = [[] for _ in range(n)]
        self.down: list[list[int]] = [[] for _ in range(n)]
        self.chains: dict[tuple[int, int], list[int]] = {}
        self.bundle = Counter(oriented)
        """How many input edges join each (source, target) pair: they share one chain, side by side."""
        self.parallel_gap = parallel_gap
        for s, t in oriented:
            if s == t or (s, t) in self.chains:
                continue
            if layer[t] - layer[s] > max(max_span, 1):
                self.chains[(s, t)] = []
                continue
            chain = [s]
            for level in range(layer[s] + 1, layer[t]):
                chain.append(self._dummy(level, self.bundle_width((s, t))))
            chain.append(t)
            for a, b in itertools.pairwise(chain):
                self.down[a].append(b)
                self.up[b].append(a)
            self.chains[(s, t)] = chain
        self.layers: list[list[int]] = [[] for _ in range(max(self.layer, default=-1) + 1)]
        self.x = [0.0] * len(self.layer)

    def bundle_width(self, pair: tuple[int, int]) -> float:
        """The width of the bundle of parallel edges that join `pair`."""
        return (self.bundle[pair] - 1) * self.parallel_gap

    def _dummy(self, level: int, width: float) -> int:
        self.layer.append(level)
        self.width.append(width)
        self.height.append(0.0)
        self.up.append([])
        self.down.append([])
        return len(self.layer) - 1

    def is_dummy(self, v: int) -> bool:
        """Whether `v` is a bend point of a long edge rather than a node."""
        return v >= self.real

    # --- crossing reduction ---

    def order(self, preorder: list[int], sweeps: int) -> int:
        """Order every layer to reduce crossings; returns the number of crossings left."""
        self._initial_order(preorder)
        best = [layer[:] for layer in self.layers]
        best_count = self.crossings()
        last = len(self.layers) - 1
        for _ in range(sweeps):
            self._sweep(range(1, last + 1), self.up)
            self._sweep(range(last - 1, -1, -1), self.down)
            count = self.crossings()
            if count < best_count:
                best, best_count = [layer[:] for layer in self.layers], count
            if best_count == 0:
                break
        self.layers = best
        return best_count

    def _initial_order(self, preorder: list[int]) -> None:
        # Depth first along the layered edges, in the cycle-breaking preorder: children start near their parents.
        seen = [False] * len(self.layer)
        for root in preorder:
            if seen[root]:
                continue
            seen[root] = True
            stack = [root]
            while stack:
                v = stack.pop()
                self.layers[self.layer[v]].append(v)
                for t in reversed(self.down[v]):
                    if not seen[t]:
                        seen[t] = True
                        stack.append(t)

    def _positions(self) -> list[float]:
        pos = [0.0] * len(self.layer)
        for layer in self.layers:
            size = len(layer)
            for i, v in enumerate(layer):
                pos[v] = (i + 0.5) / size
        return pos

    def _sweep(self, levels: range, neighbours: list[list[int]]) -> None:
        pos = self._positions()
        for level in levels:
            layer = self.layers[level]
            keys: dict[int, float] = {}
            for v in layer:
                near = neighbours[v]
                keys[v] = sum(pos[u] for u in near) / len(near) if near else pos[v]
            layer.sort(key=keys.__getitem__)
            size = len(layer)
            for i, v in enumerate(layer):
                pos[v] = (i + 0.5) / size

    def crossings(self) -> int:
        """Edge crossings between all neighbouring layers of the current order."""
        total = 0
        rank = [0] * len(self.layer)
        for layer in self.layers:
            for i, v in enumerate(layer):
                rank[v] = i
        for level in range(len(self.layers) - 1):
            ends = sorted((rank[s], rank[t]) for s in self.layers[level] for t in self.down[s])
            total += _inversions([t for _, t in ends], len(self.layers[level + 1]))
        return total

    # --- coordinates ---

    def place_x(self, spacing: Spacing) -> None:
        """Give every vertex an x: packed first, then pulled towards its neighbours within the separations."""
        for layer in self.layers:
            self._pack(layer, spacing)
        last = len(self.layers) - 1
        for _ in range(spacing.sweeps):
            for level in range(1, last + 1):
                self._align(self.layers[level], (self.up,), spacing)
            for level in range(last - 1, -1, -1):
                self._align(self.layers[level], (self.down,), spacing)
        for level in range(last + 1):
            self._align(self.layers[level], (self.up, self.down), spacing)
        low = min((self.x[v] - self.width[v] / 2 for v in range(len(self.x))), default=0.0)
        self.x = [value - low for value in self.x]

    def _gap(self, a: int, b: int, spacing: Spacing) -> float:
        between = spacing.dummy_gap if self.is_dummy(a) or self.is_dummy(b) else spacing.node_gap
        return (self.width[a] + self.width[b]) / 2 + between

    def _pack(self, layer: list[int], spacing: Spacing) -> None:
        x = 0.0
        for i, v in enumerate(layer):
            if i:
                x += self._gap(layer[i - 1], v, spacing)
            self.x[v] = x
        for v in layer:
            self.x[v] -= x / 2

    def _align(self, layer: list[int], sides: tuple[list[list[int]], ...], spacing: Spacing) -> None:
        targets: list[float] = []
        weights: list[float] = []
        offsets: list[float] = []
        offset = 0.0
        for i, v in enumerate(layer):
            if i:
                offset += self._gap(layer[i - 1], v, spacing)
            total = weight = 0.0
            for side in sides:
                for u in side[v]:
                    w = _WEIGHT[(self.is_dummy(v), self.is_dummy(u))]
                    total += w * self.x[u]
                    weight += w
            desired = total / weight if weight else self.x[v]
            offsets.append(offset)
            targets.append(desired - offset)
            weights.append(weight or _FREE_WEIGHT)
        for v, value, off in zip(layer, _isotonic(targets, weights), offsets, strict=True):
            self.x[v] = value + off

    def place_y(self, layer_gap: float) -> tuple[list[float], list[float]]:
        """The centre y and the height of every layer."""
        heights = [max((self.height[v] for v in layer), default=0.0) for layer in self.layers]
        ys: list[float] = []
        y = 0.0
        for level, height in enumerate(heights):
            if level:
                y += heights[level - 1] / 2 + layer_gap + height / 2
            else:
                y = height / 2
            ys.append(y)
        return ys, heights

    # --- routes ---

    def routes(
        self,
        oriented: list[tuple[int, int]],
        flipped: frozenset[int],
        ys: list[float],
        heights: list[float],
        lane_gap: float,
    ) -> list[tuple[Point, ...]]:
        """One route per input edge, from its real source to its real target."""
        lanes = self._lanes(lane_gap)
        out_port, in_port = self._ports(lanes)
        members: dict[tuple[int, int], list[int]] = {}
        for i, pair in enumerate(oriented):
            members.setdefault(pair, []).append(i)
        routes: list[tuple[Point, ...]] = [()] * len(oriented)
        for (s, t), indexes in members.items():
            if s == t:
                continue
            points: list[Point] = [(out_port[(s, t)], ys[self.layer[s]] + self.height[s] / 2)]
            if (s, t) in lanes:
                below, above = self.layer[s] + 1, self.layer[t] - 1
                points.append((lanes[(s, t)], ys[below] - heights[below] / 2))
                points.append((lanes[(s, t)], ys[above] + heights[above] / 2))
            for d in self.chains[(s, t)][1:-1]:
                level = self.layer[d]
                points.append((self.x[d], ys[level] - heights[level] / 2))
                points.append((self.x[d], ys[level] + heights[level] / 2))
            points.append((in_port[(s, t)], ys[self.layer[t]] - self.height[t] / 2))
            for k, i in enumerate(indexes):
                shift = (k - (len(indexes) - 1) / 2) * self.parallel_gap
                route = tuple((x + shift, y) for x, y in points)
                routes[i] = route[::-1] if i in flipped else route
        return routes

    def _lanes(self, lane_gap: float) -> dict[tuple[int, int], float]:
        # The x of the lane of every edge without dummies, beside the drawing on its nearer side; shorter edges
        # run nearer the drawing so that lanes cross less.
        low = min((self.x[v] - self.width[v] / 2 for v in range(self.real)), default=0.0)
        high = max((self.x[v] + self.width[v] / 2 for v in range(self.real)), default=0.0)
        middle = (low + high) / 2
        long = [pair for pair, chain in self.chains.items() if not chain]
        long.sort(key=lambda pair: (self.layer[pair[1]] - self.layer[pair[0]], pair))
        lanes: dict[tuple[int, int], float] = {}
        edge = {True: low, False: high}
        for s, t in long:
            left = self.x[s] + self.x[t] < 2 * middle
            half = self.bundle_width((s, t)) / 2
            step = lane_gap + half
            edge[left] += -step if left else step
            lanes[(s, t)] = edge[left]
            edge[left] += -half if left else half
        return lanes

    def _ports(
        self, lanes: dict[tuple[int, int], float]
    ) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
        # Spread the edges of a node along its bottom (leaving) and top (entering) side, in the order of where
        # they go, so that they do not all meet in one point.
        leaving: dict[int, list[tuple[float, tuple[int, int]]]] = {}
        entering: dict[int, list[tuple[float, tuple[int, int]]]] = {}
        for (s, t), chain in self.chains.items():
            first, last = (lanes[(s, t)],) * 2 if not chain else (self.x[chain[1]], self.x[chain[-2]])
            leaving.setdefault(s, []).append((first, (s, t)))
            entering.setdefault(t, []).append((last, (s, t)))
        return self._spread(leaving), self._spread(entering)

    def _spread(self, sides: dict[int, list[tuple[float, tuple[int, int]]]]) -> dict[tuple[int, int], float]:
        ports: dict[tuple[int, int], float] = {}
        for v, ends in sides.items():
            ends.sort()
            count = len(ends)
            step = min(16.0, 0.7 * self.width[v] / (count - 1)) if count > 1 else 0.0
            for k, (_, pair) in enumerate(ends):
                ports[pair] = self.x[v] + (k - (count - 1) / 2) * step
        return ports

    def result(
        self,
        nodes: Sequence[str],
        routes: list[tuple[Point, ...]],
        flipped: frozenset[int],
        ys: list[float],
        crossings: int,
    ) -> Layout:
        """The layout of the real nodes."""
        positions = {name: (self.x[v], ys[self.layer[v]]) for v, name in enumerate(nodes)}
        width = max((self.x[v] + self.width[v] / 2 for v in range(len(self.x))), default=0.0)
        height = max((ys[self.layer[v]] + self.height[v] / 2 for v in range(self.real)), default=0.0)
        return Layout(
            positions=positions,
            layers={name: self.layer[v] for v, name in enumerate(nodes)},
            routes=routes,
            reversed=flipped,
            width=width,
            height=height,
            crossings=crossings,
        )


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence closest to `targets` in weighted least squares (pool adjacent violators)."""
    values: list[float] = []
    mass: list[float] = []
    counts: list[int] = []
    for target, weight in zip(targets, weights, strict=True):
        values.append(target)
        mass.append(weight)
        counts.append(1)
        while len(values) > 1 and values[-2] > values[-1]:
            w = mass[-2] + mass[-1]
            value = (values[-2] * mass[-2] + values[-1] * mass[-1]) / w
            count = counts[-2] + counts[-1]
            del values[-1], mass[-1], counts[-1]
            values[-1], mass[-1], counts[-1] = value, w, count
    fitted: list[float] = []
    for value, count in zip(values, counts, strict=True):
        fitted.extend([value] * count)
    return fitted


def _inversions(sequence: list[int], size: int) -> int:
    """Pairs i < j with sequence[i] > sequence[j], with a Fenwick tree over the values 0..size-1."""
    tree = [0] * (size + 1)
    count = 0
    for seen, value in enumerate(sequence):
        # Elements seen so far that are greater than value.
        i = value + 1
        not_greater = 0
        while i > 0:
            not_greater += tree[i]
            i -= i & -i
        count += seen - not_greater
        i = value + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return count

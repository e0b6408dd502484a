"""The layered layout on its own (no Qt): layers, order, separation, routes, determinism."""

import itertools
import random

import pytest

from workbench.gui.graph.layout import Layout, Spacing, layered_layout

SIZE = (100.0, 30.0)


def flow_like(count: int = 300, seed: int = 7) -> tuple[list[str], list[tuple[str, str]]]:
    """Mostly local forward edges, some skips, back edges, a hub everything returns to, and a self-loop."""
    rnd = random.Random(seed)
    nodes = [f"s{i}" for i in range(count)]
    edges = [(f"s{i}", f"s{i + 1}") for i in range(count - 1)]
    edges += [(f"s{i}", f"s{min(count - 1, i + rnd.randint(2, 5))}") for i in range(0, count, 3)]
    edges += [(f"s{i}", f"s{max(0, i - rnd.randint(1, 6))}") for i in range(5, count, 7)]
    edges += [(f"s{i}", "s1") for i in range(20, count, 40)]
    edges += [("s4", "s4"), ("s2", "s3")]
    return nodes, edges


def lay_out(nodes, edges, **kwargs) -> Layout:
    return layered_layout(nodes, edges, dict.fromkeys(nodes, SIZE), start=nodes[0], **kwargs)


def by_layer(layout: Layout) -> dict[int, list[str]]:
    layers: dict[int, list[str]] = {}
    for name, level in layout.layers.items():
        layers.setdefault(level, []).append(name)
    return layers


def test_nodes_of_a_layer_share_a_row_and_never_overlap():
    nodes, edges = flow_like()
    layout = lay_out(nodes, edges)
    gap = Spacing().node_gap
    for names in by_layer(layout).values():
        assert len({layout.positions[n][1] for n in names}) == 1
        xs = sorted(layout.positions[n][0] for n in names)
        assert all(b - a >= SIZE[0] + gap - 1e-6 for a, b in itertools.pairwise(xs))


def test_after_cycle_breaking_every_edge_goes_down_and_the_start_is_on_top():
    nodes, edges = flow_like()
    layout = lay_out(nodes, edges)
    assert layout.layers["s0"] == 0
    assert layout.reversed
    for i, (s, t) in enumerate(edges):
        if s == t:
            continue
        top, bottom = (t, s) if i in layout.reversed else (s, t)
        assert layout.layers[bottom] > layout.layers[top], (s, t)


def test_routes_join_the_borders_of_their_nodes_in_the_edge_direction():
    nodes, edges = flow_like()
    layout = lay_out(nodes, edges)
    half = SIZE[1] / 2
    for i, ((s, t), route) in enumerate(zip(edges, layout.routes, strict=True)):
        if s == t:
            assert route == ()
            continue
        (x0, y0), (x1, y1) = route[0], route[-1]
        sign = -1 if i in layout.reversed else 1
        assert y0 == pytest.approx(layout.positions[s][1] + sign * half)
        assert y1 == pytest.approx(layout.positions[t][1] - sign * half)
        assert abs(x0 - layout.positions[s][0]) <= SIZE[0] / 2
        assert abs(x1 - layout.positions[t][0]) <= SIZE[0] / 2


def test_long_edges_pass_beside_the_nodes_of_the_layers_they_cross():
    nodes, edges = flow_like()
    layout = lay_out(nodes, edges)
    rows = by_layer(layout)
    row_of_y = {layout.positions[names[0]][1]: names for names in rows.values()}
    checked = 0
    for route in layout.routes:
        bends = route[1:-1]
        for (xa, ya), (xb, yb) in zip(bends[0::2], bends[1::2], strict=True):
            assert xa == xb
            names = row_of_y.get((ya + yb) / 2, [])
            assert all(abs(xa - layout.positions[n][0]) > SIZE[0] / 2 for n in names)
            checked += 1
    assert checked > 50


def test_the_layout_is_deterministic():
    nodes, edges = flow_like()
    assert lay_out(nodes, edges) == lay_out(nodes, edges)


def test_edges_longer_than_the_limit_run_in_a_lane_beside_the_drawing():
    nodes = [f"s{i}" for i in range(30)]
    edges = [(f"s{i}", f"s{i + 1}") for i in range(29)] + [("s0", "s29"), ("s3", "s28")]
    layout = lay_out(nodes, edges, spacing=Spacing(max_span=10))
    outer, inner = layout.routes[-2], layout.routes[-1]
    assert len(outer) == len(inner) == 4
    assert outer[1][0] == outer[2][0] and inner[1][0] == inner[2][0]
    drawing = [x for x, _ in layout.positions.values()]
    beside = [min(drawing) - SIZE[0] / 2, max(drawing) + SIZE[0] / 2]
    assert not beside[0] <= inner[1][0] <= beside[1]
    assert abs(outer[1][0] - inner[1][0]) >= Spacing().dummy_gap
    assert len(lay_out(nodes, edges).routes[-2]) == 2 + 2 * 28


def crossed_boxes(layout: Layout, edges, size=SIZE) -> list[tuple[str, str, str]]:
    """(source, target, node) for every route piece that enters the box of a node that is not one of its ends.

    Between two route points the curve is a vertical line or an S-curve with vertical tangents: either way it
    stays within the box spanned by the two points, so that box must keep out of every other node."""
    w, h = size[0] / 2 - 0.5, size[1] / 2 - 0.5
    crossed = []
    for (s, t), route in zip(edges, layout.routes, strict=True):
        for (xa, ya), (xb, yb) in itertools.pairwise(route):
            for name, (x, y) in layout.positions.items():
                if name in (s, t):
                    continue
                if min(xa, xb) < x + w and max(xa, xb) > x - w and min(ya, yb) < y + h and max(ya, yb) > y - h:
                    crossed.append((s, t, name))
    return crossed


def test_no_route_crosses_a_node_that_is_not_one_of_its_ends():
    nodes, edges = flow_like(200)
    edges += [("s10", "s60")] * 7 + [("s30", "s190"), ("s199", "s5")]
    for spacing in (Spacing(), Spacing(max_span=6)):
        layout = lay_out(nodes, edges, spacing=spacing)
        assert crossed_boxes(layout, edges) == []


def test_a_tree_is_drawn_without_crossings_and_parents_above_children():
    nodes = ["root", "a", "b", "a1", "a2", "b1", "b2"]
    edges = [("root", "b"), ("root", "a"), ("a", "a2"), ("b", "b1"), ("a", "a1"), ("b", "b2")]
    layout = lay_out(nodes, edges)
    assert layout.crossings == 0
    assert [layout.layers[n] for n in nodes] == [0, 1, 1, 2, 2, 2, 2]
    xs = layout.positions
    assert min(xs["a1"][0], xs["a2"][0]) < xs["a"][0] < max(xs["a1"][0], xs["a2"][0])


def test_parallel_edges_get_routes_of_their_own():
    layout = lay_out(["a", "b"], [("a", "b"), ("a", "b"), ("b", "a")])
    starts = {route[0] for route in layout.routes}
    assert len(starts) == 3

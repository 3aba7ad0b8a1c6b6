"""Layouts of maps without a browser: folded chains, hierarchical in time, group-in-a-box."""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import networkx as nx
import numpy as np
import pytest
from layout_graphs import CHAINS, CITIES, path_of_communities, places, shapes, transfer_chains

from netintel.viz import layout, map_html
from netintel.viz.layout import ASPECT, SNAKE_MIN, boxes_arrays, geo_arrays, hierarchical_arrays


def payload(page: str) -> dict[str, Any]:
    m = re.search(r'<script id="netintel-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "no data block in the page"
    return dict(json.loads(m.group(1)))


def positions(page: str) -> dict[str, tuple[float, float]]:
    nodes = payload(page)["nodes"]
    return {i: (x, y) for i, x, y in zip(nodes["id"], nodes["x"], nodes["y"], strict=True)}


def overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether the bounding boxes of two point sets overlap."""
    return bool((a.min(axis=0) <= b.max(axis=0)).all() and (b.min(axis=0) <= a.max(axis=0)).all())


# ------------------------------------------------------------------ folded chains


def test_a_long_chain_is_folded_in_rows_at_the_spacing() -> None:
    n = 80
    pos = layout(nx.path_graph(n))
    xy = np.array([pos[i] for i in range(n)])
    hops = np.linalg.norm(xy[1:] - xy[:-1], axis=1)
    assert np.allclose(hops, 100.0)  # every link one spacing long, the turns too
    rows = np.unique(xy[:, 1])
    assert len(rows) == round(np.sqrt(n / ASPECT)) == 7
    width, height = np.ptp(xy, axis=0)
    assert (width, height) == (1100.0, 600.0)  # 12 steps wide, 6 rows down
    assert len({(round(x), round(y)) for x, y in xy}) == n  # no two nodes at one place


def test_a_short_chain_stays_a_line() -> None:
    xy = np.array(list(layout(nx.path_graph(SNAKE_MIN)).values()))
    width, height = np.ptp(xy, axis=0)
    assert height < 1.0 and 100 * (SNAKE_MIN - 1) <= width <= 110 * (SNAKE_MIN - 1)


def test_the_overview_of_a_path_of_communities_is_folded() -> None:
    G, member = path_of_communities(k=80)
    data = payload(map_html(G, communities=member, max_nodes=50))
    over = data["overview"]["nodes"]
    xy = np.column_stack([over["x"], over["y"]])
    width, height = np.ptp(xy, axis=0)
    assert len(xy) == 80 and 1.0 < width / height < 2.5, (width, height)


def test_shapes_other_than_paths_keep_their_force_layout() -> None:
    ring = layout(nx.cycle_graph(40))
    xy = np.array(list(ring.values()))
    centre = xy.mean(axis=0)
    radius = np.linalg.norm(xy - centre, axis=1)
    assert radius.std() / radius.mean() < 0.01  # a circle, not folded rows
    assert sorted(shapes()) == ["clique", "mixed", "path", "ring", "star", "tree"]


# ------------------------------------------------------------------ hierarchical


def test_hierarchical_small_example_exact() -> None:
    # links 1 -> 2 at t=5 and 0 -> 1 at t=2, and a parallel chain 3 -> 4 at t=1
    pos = hierarchical_arrays(
        5, np.array([1, 0, 3]), np.array([2, 1, 4]), np.array([5.0, 2.0, 1.0]), spacing=10
    )
    assert pos.tolist() == [[-10.0, -5.0], [0.0, -5.0], [10.0, -5.0], [-10.0, 5.0], [0.0, 5.0]]


def test_hierarchical_x_strictly_increases_along_each_chain_in_time_order() -> None:
    G = transfer_chains()
    page = map_html(G, max_nodes=None)
    data = payload(page)
    assert data["notes"][-1].startswith("Layout: left to right in time")
    pos = positions(page)
    for victim, people in CHAINS.items():
        xs = [pos[p][0] for p in people]
        assert all(a < b for a, b in itertools.pairwise(xs)), (victim, xs)
        # a chain continues its row unless the person already went on in another
    rows = {v: {pos[p][1] for p in people} for v, people in CHAINS.items()}
    assert len(rows["V1"]) == 1 and len(rows["V3"]) == 1 and len(rows["V4"]) == 1
    # parallel chains (separate components) are rows apart; no two people at one place
    assert len(set(pos.values())) == G.number_of_nodes()
    # V2 was bought by B after V1 was: its first holder G starts a row of its own
    assert pos["G"][1] != pos["B"][1] and pos["G"][0] < pos["B"][0]
    assert pos["H"][0] > pos["B"][0] and pos["H"][1] != pos["C"][1]
    # H takes the row G ended (nobody continues it): V1 and V2 fill two rows, not three
    assert pos["H"][1] == pos["G"][1]
    assert len({pos[p][1] for p in CHAINS["V1"] + CHAINS["V2"]}) == 2


def test_hierarchical_without_times_follows_the_links_and_survives_a_cycle() -> None:
    # a -> b -> c -> a (a cycle) and c -> d, no times at all
    pos = hierarchical_arrays(4, np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]))
    x = pos[:, 0]
    assert x[0] < x[1] < x[2] < x[3]
    assert np.isfinite(pos).all() and len({tuple(p) for p in pos.tolist()}) == 4


def test_hierarchical_is_chosen_for_transfers_and_selectable() -> None:
    G = transfer_chains()
    auto = positions(map_html(G, max_nodes=None))
    chosen = positions(map_html(G, max_nodes=None, layout="hierarchical"))
    force = payload(map_html(G, max_nodes=None, layout="force"))
    assert auto == chosen
    assert not any(n.startswith("Layout:") for n in force["notes"])
    assert positions(map_html(G, max_nodes=None, layout="force")) != auto
    # the transfers projection's graph (seller -> buyer, first_transfer in epoch ms)
    P = nx.DiGraph(projection="transfers", label="Person")
    P.add_edge("b", "c", first_transfer=2_000, transfers=1)
    P.add_edge("a", "b", first_transfer=1_000, transfers=1)
    p = positions(map_html(P, max_nodes=None))
    assert p["a"][0] < p["b"][0] < p["c"][0] and p["a"][1] == p["b"][1] == p["c"][1]
    with pytest.raises(ValueError, match="layout must be one of"):
        map_html(G, layout="radial")


def test_hierarchical_drill_down_maps_of_an_overview() -> None:
    G = transfer_chains()
    member = {p: k for k, people in enumerate(CHAINS.values()) for p in people}
    member["B"] = 0  # B holds V1 and V2: community of V1
    page = map_html(G, communities=member, max_nodes=5)
    assert payload(page)["overview"] is not None
    pos = positions(page)
    for victim in ("V1", "V3", "V4", "V5"):
        xs = [pos[p][0] for p in CHAINS[victim]]
        assert all(a < b for a, b in itertools.pairwise(xs)), (victim, xs)
    assert pos["H"][0] < pos["I"][0]  # V2's community without B: H then I


def test_the_chains_map_of_investigate_chains_is_hierarchical() -> None:
    import pandas as pd

    from netintel.investigate import infer_handovers

    tr = pd.DataFrame(
        {
            "transfer_id": ["T1", "T2"],
            "victim_id": ["V", "V"],
            "from_id": ["A", "B"],
            "to_id": ["B", "C"],
            "at": ["2024-01-01T00:00Z", "2024-01-03T00:00Z"],
        }
    )
    calls = pd.DataFrame({"person_a": ["C"], "person_b": ["D"], "at": ["2024-01-04T00:00Z"]})
    G = infer_handovers(tr, calls=calls, min_score=0).to_networkx(tr)  # as `--map` draws it
    assert {d["type"] for _, _, d in G.edges(data=True)} == {"TRANSFER"}
    page = map_html(G, title="Recorded and inferred transfers")
    assert payload(page)["notes"][-1].startswith("Layout: left to right in time")
    pos = positions(page)
    assert pos["A"][0] < pos["B"][0] < pos["C"][0] < pos["D"][0]


# ------------------------------------------------------------------ group in a box


def test_boxes_keep_every_community_in_its_own_box() -> None:
    G = nx.relaxed_caveman_graph(6, 8, 0.15, seed=4)
    groups = np.array([v // 8 for v in range(48)])
    src, dst = np.array(list(G.edges())).T
    pos = boxes_arrays(48, src, dst, groups, seed=1)
    parts = [pos[groups == c] for c in range(6)]
    for i in range(6):
        for j in range(i + 1, 6):
            a, b = parts[i], parts[j]
            gap = np.maximum(a.min(axis=0) - b.max(axis=0), b.min(axis=0) - a.max(axis=0))
            assert gap.max() >= 100.0 - 1e-9, (i, j, gap)  # apart by the spacing at least
    assert np.array_equal(pos, boxes_arrays(48, src, dst, groups, seed=1))
    # nodes without a community (-1) form one more box
    groups[40:] = -1
    pos = boxes_arrays(48, src, dst, groups, seed=1)
    assert not overlap(pos[groups == -1], pos[groups == 4])
    assert not overlap(pos[groups == -1], pos[groups == 0])


def test_boxes_are_chosen_for_call_projections_with_communities() -> None:
    G = nx.relaxed_caveman_graph(4, 6, 0.2, seed=2)
    G = nx.relabel_nodes(G, {v: f"p{v}" for v in G})
    G.graph.update(projection="person_calls", label="Person")
    member = {f"p{v}": v // 6 for v in range(24)}
    page = map_html(G, communities=member, max_nodes=None)
    assert payload(page)["notes"][-1] == "Layout: each community in a box of its own."
    pos = positions(page)
    parts = [np.array([pos[f"p{v}"] for v in range(24) if v // 6 == c]) for c in range(4)]
    assert not any(overlap(parts[i], parts[j]) for i in range(4) for j in range(i + 1, 4))
    plain = payload(map_html(G, max_nodes=None))  # no communities: force
    assert not any(n.startswith("Layout:") for n in plain["notes"])


# ------------------------------------------------------------------ geographic


def test_geo_keeps_the_compass_and_puts_people_beside_their_places() -> None:
    G = places()
    page = map_html(G, max_nodes=None)  # auto: half the nodes have coordinates
    assert any(n.startswith("Layout: places by latitude") for n in payload(page)["notes"])
    at = {k: np.array(v) for k, v in positions(page).items()}
    north_to_south = ["Milan", "Florence", "Rome", "Naples", "Reggio Calabria"]
    assert all(at[a][1] < at[b][1] for a, b in itertools.pairwise(north_to_south))
    west_to_east = ["Turin", "Milan", "Bologna", "Venice"]
    assert all(at[a][0] < at[b][0] for a, b in itertools.pairwise(west_to_east))
    # each person is nearer the place they were seen than any other city
    for city in CITIES:
        if city in ("Turin", "Rome"):
            continue  # seen in two places: between them
        d = {c: np.linalg.norm(at[f"P-{city}"] - at[c]) for c in CITIES}
        assert min(d, key=d.__getitem__) == city, (city, d)
    # no two nodes closer than the grid (Rome and its towers share coordinates)
    pts = np.array(list(at.values()))
    gaps = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))[np.triu_indices(len(pts), 1)]
    assert gaps.min() >= 60 - 1e-6
    # the people seen nowhere are below every place
    placed_y = max(at[c][1] for c in CITIES)
    assert min(at[x][1] for x in ("X1", "X2", "X3")) > placed_y
    assert positions(map_html(G, max_nodes=None)) == positions(page)  # deterministic


def test_geo_is_chosen_only_with_enough_places_and_refused_without() -> None:
    G = places()
    G.remove_nodes_from([c for c in CITIES if c not in ("Rome", "Milan")])  # 5 of 21
    notes = payload(map_html(G, max_nodes=None))["notes"]
    assert not any(n.startswith("Layout: places") for n in notes)
    assert any(n.startswith("Layout: places") for n in payload(map_html(G, layout="geo"))["notes"])
    # fewer places than people, but everyone was seen at one of them: who was seen where
    seen = nx.Graph()
    for city in ("Rome", "Milan"):
        seen.add_node(city, lat=CITIES[city][0], lon=CITIES[city][1])
    seen.add_edges_from((f"P{i}", "Rome" if i % 2 else "Milan") for i in range(5))
    assert any(n.startswith("Layout: places") for n in payload(map_html(seen))["notes"])
    seen.add_edge("P0", "X")  # X was seen nowhere: no longer
    assert not any(n.startswith("Layout: places") for n in payload(map_html(seen))["notes"])
    with pytest.raises(ValueError, match="layout 'geo' needs nodes with lat and lon; none of"):
        map_html(nx.path_graph(3), layout="geo")
    with pytest.raises(ValueError, match="no node has a latitude"):
        geo_arrays(np.array([np.nan]), np.array([1.0]), np.zeros(0), np.zeros(0))

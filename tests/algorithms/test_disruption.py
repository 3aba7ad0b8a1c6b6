"""Simulated arrests: removal orders, damage measures, random baseline, plots."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from netintel.algorithms.disruption import (
    DISRUPTION_METRICS,
    collective_influence,
    random_disruption,
    simulate_disruption,
)


def test_removing_the_broker_splits_the_barbell() -> None:
    G = nx.barbell_graph(4, 1)
    d = simulate_disruption(G, "betweenness", seed=0)
    t = d.to_frame()
    assert t.loc[0, ["step", "lcc_size", "n_components"]].tolist() == [0, 9, 1]
    assert t.loc[0, "efficiency"] == pytest.approx(nx.global_efficiency(G))
    assert d.removed[0] == 4
    assert t.loc[1, ["lcc_size", "n_components"]].tolist() == [4, 2]
    assert t.loc[1, "lcc_fraction"] == pytest.approx(4 / 9)
    assert t.loc[1, "fraction_removed"] == pytest.approx(1 / 9)
    # efficiency counts the removed node as reaching nobody: two K4s, 12 ordered pairs each
    assert t.loc[1, "efficiency"] == pytest.approx(24 / (9 * 8))
    assert len(t) == 10
    assert t["lcc_size"].iloc[-1] == 0
    assert sorted(d.removed) == list(range(9))


def test_star_collapses_after_the_hub() -> None:
    d = simulate_disruption(nx.star_graph(5), "degree", steps=2, seed=0)
    assert d.removed[0] == 0
    assert d.table["lcc_fraction"].tolist() == pytest.approx([1.0, 1 / 6, 1 / 6])
    assert d.table["n_components"].tolist() == [1, 5, 4]
    assert d.table["score"].iloc[1] == 5.0


def test_collective_influence_known_values() -> None:
    G = nx.path_graph(6)  # degrees 1 2 2 2 2 1
    assert collective_influence(G, radius=2) == {
        0: 0.0,
        1: 1.0,  # (2-1) * (k_3 - 1)
        2: 1.0,  # (2-1) * ((k_0-1) + (k_4-1)) = 0 + 1
        3: 1.0,
        4: 1.0,
        5: 0.0,
    }
    with pytest.raises(ValueError, match="radius"):
        collective_influence(G, radius=0)


def test_same_seed_same_sequence_and_seed_breaks_ties() -> None:
    G = nx.cycle_graph(12)  # every node ties on every metric
    a = simulate_disruption(G, "degree", seed=5)
    b = simulate_disruption(G, "degree", seed=5)
    assert a.removed == b.removed
    assert a.table.equals(b.table)
    firsts = {simulate_disruption(G, "degree", steps=1, seed=s).removed[0] for s in range(6)}
    assert len(firsts) > 1
    assert a.provenance.seed == 5


def test_sequential_and_static_differ_where_recomputing_matters() -> None:
    # a hub with leaves, plus a chain of two triangles joined through node "m"
    G = nx.Graph([("h", f"l{i}") for i in range(5)])
    G.add_edges_from([("h", "a"), ("a", "b"), ("b", "h"), ("b", "m"), ("m", "c"), ("c", "d")])
    G.add_edges_from([("d", "e"), ("e", "c")])
    seq = simulate_disruption(G, "betweenness", strategy="sequential", seed=0)
    static = simulate_disruption(G, "betweenness", strategy="static", seed=0)
    assert seq.removed[0] == static.removed[0] == "h"
    assert seq.removed != static.removed
    assert seq.strategy == "sequential" and static.strategy == "static"


@pytest.mark.parametrize("metric", ["degree", "betweenness", "katz"])
def test_caviar_arresting_n1_first(metric: str, shared_data: object) -> None:
    from netintel.datasets import caviar

    d = simulate_disruption(caviar(), metric, steps=6, seed=0)
    assert d.removed[0] == "N1"
    # one arrest takes a fifth of the network out of the main component
    assert d.table.loc[1, "lcc_fraction"] < 0.8
    assert d.table.loc[6, "lcc_fraction"] < 0.45


def test_caviar_targeted_beats_random(shared_data: object) -> None:
    from netintel.datasets import caviar

    G = caviar()
    r = random_disruption(G, runs=20, seed=1, steps=20)
    d = simulate_disruption(G, "betweenness", seed=0, steps=20)
    lo = r.table["lcc_fraction_lo"].to_numpy()
    assert bool(np.all(d.table["lcc_fraction"].to_numpy()[3:] < lo[3:]))
    assert d.robustness < r.robustness
    assert bool(
        np.all(
            (r.table["lcc_fraction_lo"] <= r.table["lcc_fraction_mean"])
            & (r.table["lcc_fraction_mean"] <= r.table["lcc_fraction_hi"])
        )
    )


def test_random_disruption_exact_on_a_complete_graph() -> None:
    r = random_disruption(nx.complete_graph(5), runs=7, seed=0)
    t = r.to_frame()
    assert t["lcc_fraction_mean"].tolist() == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2, 0.0])
    assert t["lcc_fraction_lo"].tolist() == pytest.approx(t["lcc_fraction_hi"].tolist())
    # k people left in K5 keep k(k-1) ordered pairs at distance 1, out of 20
    assert t["efficiency_mean"].tolist() == pytest.approx([1.0, 0.6, 0.3, 0.1, 0.0, 0.0])
    assert r.runs == 7


def test_random_disruption_is_deterministic_for_a_seed() -> None:
    G = nx.les_miserables_graph()
    a = random_disruption(G, runs=5, seed=3, steps=10, efficiency=False)
    b = random_disruption(G, runs=5, seed=3, steps=10, efficiency=False)
    c = random_disruption(G, runs=5, seed=4, steps=10, efficiency=False)
    assert a.table.equals(b.table)
    assert not a.table.equals(c.table)
    assert a.table["efficiency_mean"].isna().all()


def test_fixed_ranking_is_removed_in_order() -> None:
    G = nx.path_graph(5)
    ranking = {3: 10.0, 1: 5.0, 0: 5.0}
    d = simulate_disruption(G, ranking, seed=0)
    assert d.metric == "ranking" and d.strategy == "sequential"
    assert d.removed[0] == 3
    assert set(d.removed[1:]) == {0, 1}
    assert len(d.removed) == 3
    assert d.table["tied"].tolist() == [0, 1, 2, 1]
    with pytest.raises(ValueError, match="not in the graph"):
        simulate_disruption(G, {"nobody": 1.0})
    with pytest.raises(ValueError, match="not a number"):
        simulate_disruption(G, {1: "high"})


def test_directed_graphs_are_analysed_as_undirected() -> None:
    G = nx.DiGraph([(0, 1), (2, 1), (1, 3)])
    d = simulate_disruption(G, "degree", seed=0)
    assert d.removed[0] == 1
    assert d.table.loc[1, "n_components"] == 3
    assert "undirected" in d.provenance.notes[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metric": "charisma"}, "metric must be"),
        ({"strategy": "random"}, "strategy must be"),
        ({"ties": "alphabetical"}, "ties must be"),
        ({"strategy": "block", "block_size": 0}, "block_size must be"),
        ({"metric": "betweenness", "k": 0}, "k must be"),
        ({"metric": "collective_influence", "ci_radius": 0}, "ci_radius must be"),
        ({"metric": 3}, "metric must be"),
        ({"steps": 99}, "steps must be"),
        ({"steps": -1}, "steps must be"),
        ({"seed": "x"}, "seed"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_disruption(nx.path_graph(4), **kwargs)
    with pytest.raises(ValueError, match="no nodes"):
        simulate_disruption(nx.Graph())
    with pytest.raises(ValueError, match="runs"):
        random_disruption(nx.path_graph(3), runs=0)


def test_every_named_metric_runs() -> None:
    G = nx.karate_club_graph()
    for metric in DISRUPTION_METRICS:
        d = simulate_disruption(G, metric, steps=3, seed=0, efficiency=False)
        assert d.removed[0] in (0, 33), metric


def test_plot_writes_a_png_and_json_round_trips(tmp_path: Path) -> None:
    G = nx.karate_club_graph()
    d = simulate_disruption(G, "degree", seed=0)
    r = random_disruption(G, runs=3, seed=0)
    out = d.plot(tmp_path / "disruption.png", baseline=r, others=[simulate_disruption(G, "katz")])
    assert out == tmp_path / "disruption.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.plot(tmp_path / "random.png").stat().st_size > 1000
    with pytest.raises(ValueError, match="PNG"):
        d.plot(tmp_path / "disruption.svg")
    doc = json.loads(d.to_json())
    assert doc["steps"][1]["removed"] == 33
    assert doc["steps"][0]["removed"] is None
    assert doc["provenance"]["params"]["metric"] == "degree"
    assert json.loads(r.to_json())["runs"] == 3


# --------------------------------------------- strategies and tie rules, worked by hand


def _two_hubs() -> nx.Graph:
    """Hub 0 with leaves 1, 2, 3; the path 0-4-5; hub 5 in the triangle 5-6-7.

    Degrees: 0:4, 5:3, 4:2, 6:2, 7:2, 1:1, 2:1, 3:1 (eight people).
    """
    G = nx.Graph()
    G.add_nodes_from(range(8))
    G.add_edges_from([(0, 1), (0, 2), (0, 3), (0, 4), (4, 5), (5, 6), (5, 7), (6, 7)])
    return G


def _curve(d: object, column: str) -> list[float]:
    return d.table[column].tolist()  # type: ignore[attr-defined]


def test_static_degree_ranks_once() -> None:
    # initial degrees, ties in node order: 0, 5, then 4 6 7 (degree 2), then 1 2 3
    d = simulate_disruption(_two_hubs(), "degree", strategy="static", ties="first")
    assert d.removed == [0, 5, 4, 6, 7, 1, 2, 3]
    # without 0: {1},{2},{3},{4,5,6,7}; without 5 too: {4},{6,7}; then {6,7} until 6 goes
    assert _curve(d, "lcc_size") == [8, 4, 2, 2, 1, 1, 1, 1, 0]
    assert _curve(d, "n_components") == [1, 4, 5, 4, 4, 3, 2, 1, 0]
    assert _curve(d, "score") == pytest.approx([np.nan, 4, 3, 2, 2, 2, 1, 1, 1], nan_ok=True)
    assert _curve(d, "tied") == [0, 1, 1, 3, 2, 1, 3, 2, 1]
    assert d.provenance.params["recomputations"] == 1


def test_sequential_degree_first_and_last() -> None:
    # after 0 and 5 go, 6 and 7 tie at degree 1 (4 is isolated); then everyone is at 0
    first = simulate_disruption(_two_hubs(), "degree", ties="first")
    assert first.removed == [0, 5, 6, 1, 2, 3, 4, 7]
    assert _curve(first, "lcc_size") == [8, 4, 2, 1, 1, 1, 1, 1, 0]
    assert _curve(first, "n_components") == [1, 4, 5, 5, 4, 3, 2, 1, 0]
    assert _curve(first, "score") == pytest.approx([np.nan, 4, 3, 1, 0, 0, 0, 0, 0], nan_ok=True)
    assert _curve(first, "tied") == [0, 1, 1, 2, 5, 4, 3, 2, 1]
    last = simulate_disruption(_two_hubs(), "degree", ties="last")
    assert last.removed == [0, 5, 7, 6, 4, 3, 2, 1]
    assert _curve(last, "tied") == _curve(first, "tied")
    assert _curve(last, "lcc_size") == _curve(first, "lcc_size")
    assert first.provenance.params["recomputations"] == 8
    assert first.provenance.seed is None  # nothing random was used


def test_block_removes_the_top_block_then_recomputes() -> None:
    # block of 2: {0, 5} on the intact degrees; recomputed: 6 and 7 (degree 1, in node
    # order); recomputed: 1 and 2 of the isolates 1 2 3 4; recomputed: 3 and 4
    d = simulate_disruption(_two_hubs(), "degree", strategy="block", block_size=2, ties="first")
    assert d.removed == [0, 5, 6, 7, 1, 2, 3, 4]
    assert _curve(d, "lcc_size") == [8, 4, 2, 1, 1, 1, 1, 1, 0]
    assert _curve(d, "n_components") == [1, 4, 5, 5, 4, 3, 2, 1, 0]
    assert _curve(d, "tied") == [0, 1, 1, 2, 1, 4, 3, 2, 1]
    assert d.provenance.params["block_size"] == 2
    assert d.provenance.params["recomputations"] == 4
    # block_size 1 is sequential, a block as large as the network is static
    one = simulate_disruption(_two_hubs(), "degree", strategy="block", block_size=1, ties="first")
    assert one.removed == simulate_disruption(_two_hubs(), "degree", ties="first").removed
    everyone = simulate_disruption(
        _two_hubs(), "degree", strategy="block", block_size=8, ties="first"
    )
    static = simulate_disruption(_two_hubs(), "degree", strategy="static", ties="first")
    assert everyone.removed == static.removed
    # the default block is 5: 0 5 4 6 7 on the intact degrees, then 1 2 3
    five = simulate_disruption(_two_hubs(), "degree", strategy="block", ties="first")
    assert five.removed == [0, 5, 4, 6, 7, 1, 2, 3]
    assert five.provenance.params["block_size"] == 5


def test_ties_follow_the_graphs_node_order_not_the_labels() -> None:
    G = nx.Graph()
    G.add_nodes_from(["c", "a", "b"])  # a triangle: everyone ties
    G.add_edges_from([("a", "b"), ("b", "c"), ("c", "a")])
    # canonical (sorted) order would start with "a"; G's own order starts with "c"
    assert simulate_disruption(G, "degree", ties="first").removed == ["c", "a", "b"]
    assert simulate_disruption(G, "degree", ties="last").removed == ["b", "a", "c"]


def test_random_ties_pick_valid_maxima_and_report_the_tie() -> None:
    G = nx.cycle_graph(10)
    runs = [simulate_disruption(G, "degree", steps=1, seed=s) for s in range(8)]
    assert len({d.removed[0] for d in runs}) > 1
    assert all(d.table.loc[1, "tied"] == 10 for d in runs)
    assert all(d.table.loc[1, "score"] == 2.0 for d in runs)


def test_betweenness_uses_distance_and_refuses_weight() -> None:
    # a square whose 0-3 side is long: the shortest 0-3 path runs 0-1-2-3
    G = nx.cycle_graph(4)
    nx.set_edge_attributes(G, 1.0, "length")
    G[0][3]["length"] = 5.0
    nx.set_edge_attributes(G, 1.0, "calls")
    # by lengths: 1 carries (0,2) and (0,3), 2 carries (1,3) and (0,3): 2 of 3 pairs each
    d = simulate_disruption(G, "betweenness", distance="length", ties="first", steps=1)
    assert d.removed == [1]
    assert d.table.loc[1, "score"] == pytest.approx(2 / 3)
    assert d.table.loc[1, "tied"] == 2
    assert d.provenance.params["distance"] == "length"
    # by hops every node carries half of one opposite pair: 0.5 / 3
    hops = simulate_disruption(G, "betweenness", ties="first", steps=1)
    assert hops.table.loc[1, "score"] == pytest.approx(1 / 6)
    assert hops.table.loc[1, "tied"] == 4
    for metric in ("betweenness", "closeness"):
        with pytest.raises(ValueError, match=r"weight= cannot be used.*distance="):
            simulate_disruption(G, metric, weight="calls")


def test_closeness_by_distance() -> None:
    G = nx.path_graph(4)
    nx.set_edge_attributes(G, 1.0, "length")
    G[0][1]["length"] = 10.0
    d = simulate_disruption(G, "closeness", distance="length", ties="first", steps=1)
    # 1 and 2 tie: 3 / (10 + 1 + 2) and 3 / (11 + 1 + 1); by hops they would score 3 / 4
    assert d.removed == [1]
    assert d.table.loc[1, "tied"] == 2
    assert d.table.loc[1, "score"] == pytest.approx(3 / 13)
    assert nx.closeness_centrality(G, distance="length")[1] == pytest.approx(3 / 13)


def test_weighted_degree_is_strength() -> None:
    G = nx.Graph([(0, 1, {"calls": 10}), (1, 2, {"calls": 1}), (2, 3, {"calls": 1})])
    G.add_edge(2, 4, calls=1)
    strength = simulate_disruption(G, "degree", weight="calls", ties="first", steps=1)
    assert strength.removed == [1] and strength.table.loc[1, "score"] == 11.0
    ties = simulate_disruption(G, "degree", ties="first", steps=1)
    assert ties.removed == [2] and ties.table.loc[1, "score"] == 3.0


@pytest.mark.parametrize(
    ("metric", "option", "value"),
    [
        ("degree", "distance", "length"),
        ("degree", "katz_alpha", 0.1),
        ("degree", "k", 2),
        ("degree", "ci_radius", 2),
        ("katz", "distance", "length"),
        ("closeness", "k", 2),
        ("collective_influence", "weight", "calls"),
        ("betweenness", "katz_alpha", 0.1),
    ],
)
def test_an_option_the_metric_cannot_use_is_an_error(
    metric: str, option: str, value: object
) -> None:
    G = nx.path_graph(5)
    nx.set_edge_attributes(G, 1.0, "length")
    nx.set_edge_attributes(G, 1.0, "calls")
    with pytest.raises(ValueError, match=f"{option}= cannot be used with metric {metric!r}"):
        simulate_disruption(G, metric, **{option: value})


def test_options_that_do_not_fit_the_strategy_or_tie_rule_are_errors() -> None:
    G = nx.path_graph(5)
    with pytest.raises(ValueError, match="block_size= is for strategy='block'"):
        simulate_disruption(G, "degree", block_size=3)
    with pytest.raises(ValueError, match="seed= is used only"):
        simulate_disruption(G, "degree", ties="first", seed=1)
    with pytest.raises(ValueError, match="weight= cannot be used with a fixed ranking"):
        simulate_disruption(G, {0: 1.0}, weight="calls")


def test_katz_alpha_is_fixed_or_recorded() -> None:
    G = nx.karate_club_graph()
    fixed = simulate_disruption(G, "katz", katz_alpha=0.1, strategy="static", ties="first")
    expected = nx.katz_centrality_numpy(G, alpha=0.1, weight=None)
    assert fixed.removed[0] == max(expected, key=expected.get)
    assert fixed.table.loc[1, "score"] == pytest.approx(max(expected.values()))
    assert fixed.provenance.params["katz_alpha"] == 0.1
    assert "katz: alpha (fixed) = 0.1" in fixed.provenance.notes
    default = simulate_disruption(G, "katz", steps=2, ties="first")
    rho = max(abs(np.linalg.eigvalsh(nx.to_numpy_array(G, weight=None))))
    note = next(n for n in default.provenance.notes if n.startswith("katz"))
    assert "0.85 / spectral radius" in note
    assert f"{0.85 / rho:.6g}" in note
    with pytest.raises(ValueError, match="katz alpha"):
        simulate_disruption(G, "katz", katz_alpha=1.0)


def test_a_fixed_ranking_works_with_every_strategy() -> None:
    import pandas as pd

    G = _two_hubs()
    ranking = pd.Series({7: 3.0, 1: 3.0, 4: 2.0})
    orders = {
        strategy: simulate_disruption(G, ranking, strategy=strategy, ties="first").removed
        for strategy in ("sequential", "block", "static")
    }
    assert list(orders.values()) == [[1, 7, 4]] * 3
    d = simulate_disruption(G, ranking, strategy="block", block_size=2, ties="first")
    # without 1: 7 left in one piece; without 7: {0,2,3,4,5,6}; without 4: {0,2,3}, {5,6}
    assert _curve(d, "lcc_size") == [8, 7, 6, 3]
    assert d.metric == "ranking"


def test_a_callable_metric_is_recomputed_on_what_is_left() -> None:
    G = _two_hubs()
    seen: list[int] = []

    def contacts(H: nx.Graph) -> dict:
        seen.append(H.number_of_nodes())
        return dict(H.degree())

    d = simulate_disruption(G, contacts, ties="first")
    assert d.removed == simulate_disruption(G, "degree", ties="first").removed
    assert seen == [8, 7, 6, 5, 4, 3, 2, 1]
    assert d.metric == "contacts"
    seen.clear()
    s = simulate_disruption(G, contacts, strategy="static", ties="first")
    assert s.removed == [0, 5, 4, 6, 7, 1, 2, 3] and seen == [8]
    # the callable sees G itself: direction and attributes kept
    D = nx.DiGraph([("a", "b"), ("c", "b"), ("b", "d")])
    D.nodes["d"]["rank"] = 9
    by_attr = simulate_disruption(D, lambda H: {v: H.nodes[v].get("rank", 0) for v in H}, steps=1)
    assert by_attr.removed == ["d"]
    in_deg = simulate_disruption(D, lambda H: dict(H.in_degree()), ties="first", steps=1)
    assert in_deg.removed == ["b"]
    with pytest.raises(ValueError, match="must return a dict"):
        simulate_disruption(G, lambda H: [1, 2])
    with pytest.raises(ValueError, match="not in the graph"):
        simulate_disruption(G, lambda H: {"someone": 1.0})


def test_a_callable_that_scores_nobody_left_stops_the_sequence() -> None:
    d = simulate_disruption(nx.path_graph(4), lambda H: {v: 1.0 for v in H if v < 2}, ties="first")
    assert d.removed == [0, 1]
    assert any("stopped after 2 removals" in n for n in d.provenance.notes)


def test_sampled_betweenness_is_seeded_and_scaled_like_networkx() -> None:
    from netintel.algorithms.centrality import _igraph_path_scores

    G = nx.les_miserables_graph()
    H = nx.convert_node_labels_to_integers(G)
    n = H.number_of_nodes()
    edges = list(H.edges())
    # every node as a source: the sampled estimate is the exact value
    all_sources, _ = _igraph_path_scores(n, edges, None, False, True, False, sources=range(n))
    exact = nx.betweenness_centrality(H)
    assert all_sources.tolist() == pytest.approx([exact[v] for v in range(n)])
    # a sample of sources: networkx's subset betweenness scaled by n / k
    sources = [0, 11, 27, 48]
    some, _ = _igraph_path_scores(n, edges, None, False, True, False, sources=sources)
    raw = nx.betweenness_centrality_subset(H, sources, list(H), normalized=False)
    scale = (n / len(sources)) * 2 / ((n - 1) * (n - 2))
    assert some.tolist() == pytest.approx([raw[v] * scale for v in range(n)])
    a = simulate_disruption(G, "betweenness", k=10, seed=3, steps=5, efficiency=False)
    b = simulate_disruption(G, "betweenness", k=10, seed=3, steps=5, efficiency=False)
    assert a.table.equals(b.table)
    assert a.provenance.params["k"] == 10
    assert any("sampled from k=10" in n for n in a.provenance.notes)
    assert a.removed[0] == "Valjean"
    full = simulate_disruption(G, "betweenness", k=n, ties="first", steps=3)
    assert full.removed == simulate_disruption(G, "betweenness", ties="first", steps=3).removed

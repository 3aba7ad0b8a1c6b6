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


def test_sequential_and_block_differ_where_recomputing_matters() -> None:
    # a hub with leaves, plus a chain of two triangles joined through node "m"
    G = nx.Graph([("h", f"l{i}") for i in range(5)])
    G.add_edges_from([("h", "a"), ("a", "b"), ("b", "h"), ("b", "m"), ("m", "c"), ("c", "d")])
    G.add_edges_from([("d", "e"), ("e", "c")])
    seq = simulate_disruption(G, "betweenness", strategy="sequential", seed=0)
    blk = simulate_disruption(G, "betweenness", strategy="block", seed=0)
    assert seq.removed[0] == blk.removed[0] == "h"
    assert seq.removed != blk.removed
    assert seq.strategy == "sequential" and blk.strategy == "block"


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
    assert d.metric == "ranking" and d.strategy == "block"
    assert d.removed[0] == 3
    assert set(d.removed[1:]) == {0, 1}
    assert len(d.removed) == 3
    with pytest.raises(ValueError, match="cannot be recomputed"):
        simulate_disruption(G, ranking, strategy="sequential")
    with pytest.raises(ValueError, match="not in the graph"):
        simulate_disruption(G, {"nobody": 1.0})


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

"""rank_stability: rank intervals when part of the network is missing."""

from __future__ import annotations

import json
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy.stats import kendalltau

from netintel import datasets
from netintel.algorithms import key_players, rank_stability


@pytest.fixture(scope="module")
def siren() -> nx.Graph:
    return datasets.ucinet_csv("siren").to_undirected()


def _fragile_broker() -> nx.Graph:
    """A 12-clique (each member with a contact of its own), broker ``b`` hanging off
    member ``c0``, and gatekeeper ``g`` with a crew of 8 behind b.

    ``b`` carries every path between the clique and g's crew, so it ranks third on
    betweenness, but only while both c0 and g are there: without either, b is a leaf.
    """
    G = nx.complete_graph([f"c{i}" for i in range(12)])
    G.add_edges_from((f"c{i}", f"x{i}") for i in range(12))
    G.add_edges_from([("c0", "b"), ("b", "g")])
    G.add_edges_from(("g", f"crew{i}") for i in range(8))
    nx.set_node_attributes(G, {v: f"Person {v}" for v in G}, "name")
    return G


@pytest.mark.parametrize("metric", ["betweenness", "pagerank", "closeness", "degree"])
def test_with_nothing_missing_every_interval_is_the_point_rank(
    siren: nx.Graph, metric: str
) -> None:
    rs = rank_stability(siren, metric, drop_nodes=0, drop_links=0, samples=5, seed=3)
    t = rs.table
    expected = key_players(siren, [metric]).rank(metric)
    assert t["rank"].to_dict() == expected.astype(int).to_dict()
    assert (t["rank_05"] == t["rank"]).all() and (t["rank_95"] == t["rank"]).all()
    assert (t["median_rank"] == t["rank"]).all() and (t["missing"] == 0).all()
    assert rs.samples["kendall_tau"].tolist() == pytest.approx([1.0] * 5)
    assert (rs.samples["top_overlap"] == 1).all()


def test_the_same_seed_gives_the_same_result_whatever_the_insertion_order(siren: nx.Graph) -> None:
    a = rank_stability(siren, "betweenness", samples=15, seed=11)
    b = rank_stability(siren, "betweenness", samples=15, seed=11)
    edges = list(siren.edges(data=True))
    random.Random(0).shuffle(edges)
    shuffled = nx.Graph()
    shuffled.add_nodes_from(sorted(siren, reverse=True))
    shuffled.add_edges_from(edges)
    c = rank_stability(shuffled, "betweenness", samples=15, seed=11)
    for other in (b, c):
        pd.testing.assert_frame_equal(a.table, other.table)
        pd.testing.assert_frame_equal(a.samples, other.samples)
        pd.testing.assert_frame_equal(a.ranks, other.ranks)
    d = rank_stability(siren, "betweenness", samples=15, seed=12)
    assert not a.ranks.equals(d.ranks)
    assert a.provenance.seed == 11 and a.provenance.input_hash == c.provenance.input_hash


def test_the_interval_estimate_settles_as_samples_grow_but_does_not_shrink(
    siren: nx.Graph,
) -> None:
    """Quantile estimates from independent seeds agree better with more samples; the
    interval itself measures a spread, so its width stays about the same."""
    spread, width = {}, {}
    for samples in (10, 160):
        highs, widths = [], []
        for seed in range(4):
            t = rank_stability(
                siren, "pagerank", drop_nodes=0.05, drop_links=0.1, samples=samples, seed=seed
            ).table.sort_index()
            highs.append(t["rank_95"].astype(float).to_numpy())
            widths.append(float((t["rank_95"] - t["rank_05"]).astype(float).mean()))
        spread[samples] = float(np.std(highs, axis=0).mean())
        width[samples] = float(np.mean(widths))
    assert spread[160] < 0.5 * spread[10]
    assert width[160] > 0.8 * width[10] > 0


def test_the_confidence_interval_of_the_median_rank_shrinks_as_samples_grow(
    siren: nx.Graph,
) -> None:
    widths = {}
    for samples in (20, 320):
        t = rank_stability(
            siren, "pagerank", drop_nodes=0.05, drop_links=0.1, samples=samples, seed=3
        ).table
        assert ((t["median_lo"] <= t["median_rank"]) & (t["median_rank"] <= t["median_hi"])).all()
        widths[samples] = float((t["median_hi"] - t["median_lo"]).astype(float).mean())
    assert widths[320] < 0.5 * widths[20]
    # with many samples the median's interval lies within the spread of the ranks
    assert ((t["rank_05"] <= t["median_lo"]) & (t["median_hi"] <= t["rank_95"])).all()


def test_a_broker_whose_rank_rests_on_one_person_is_shown_as_fragile() -> None:
    G = _fragile_broker()
    full = rank_stability(G, "betweenness", drop_nodes=0, drop_links=0, samples=1, seed=0)
    assert full.table["rank"].head(3).to_dict() == {"c0": 1, "g": 2, "b": 3}
    rs = rank_stability(G, "betweenness", drop_nodes=0.06, drop_links=0, samples=200, seed=5)
    assert rs.provenance.params["nodes_dropped"] == 2  # 6% of 34 people
    ranks = rs.ranks
    cut = (ranks["g"].isna() | ranks["c0"].isna()) & ranks["b"].notna()
    assert 10 <= cut.sum() <= 40  # about 2 * 2/34 of the samples
    # without g or c0, b is a leaf: it falls below every clique member left (11 or 12)
    assert (ranks.loc[cut, "b"] >= 12).all()
    assert (ranks.loc[~cut & ranks["b"].notna(), "b"] <= 3).all()
    row = rs.table.loc["b"]
    assert row["rank_05"] <= 3 and row["rank_95"] >= 12 and row["name"] == "Person b"
    # g's rank rests on a crew of eight, not on any one person
    assert rs.table.loc["g", "rank_95"] <= 3


def test_samples_report_kendall_tau_and_top_overlap_with_the_full_ranking(
    siren: nx.Graph,
) -> None:
    rs = rank_stability(siren, "degree", drop_nodes=0.1, drop_links=0.1, samples=8, seed=2, top=5)
    full = rs.table["rank"]
    assert len(rs.samples) == len(rs.ranks) == 8
    assert (rs.samples["nodes_dropped"] == 4).all()
    m_left = [
        siren.subgraph(set(siren) - set(r[r.isna()].index)).number_of_edges()
        for _, r in rs.ranks.iterrows()
    ]
    assert rs.samples["links_dropped"].tolist() == [round(0.1 * m) for m in m_left]
    for i, row in rs.ranks.iterrows():
        present = row.dropna()
        tau = kendalltau(full.loc[present.index].to_numpy(), present.to_numpy()).statistic
        assert rs.samples.loc[i, "kendall_tau"] == pytest.approx(tau)
    assert (rs.samples["top_overlap"] < 1).any() and (rs.samples["top_overlap"] > 0).all()
    assert set(rs.summary()) >= {"kendall_tau_median", "top_overlap_mean"}


def test_a_callable_metric_gives_what_the_named_metric_gives(siren: nx.Graph) -> None:
    def contacts(H: nx.Graph) -> dict:
        return {v: float(d) for v, d in H.degree()}

    a = rank_stability(siren, contacts, samples=6, seed=4)
    b = rank_stability(siren, "degree", samples=6, seed=4)
    assert a.metric == "contacts"
    pd.testing.assert_frame_equal(a.table, b.table)


def test_result_as_json_with_names() -> None:
    rs = rank_stability(_fragile_broker(), "degree", samples=4, seed=0)
    doc = json.loads(rs.to_json())
    assert doc["provenance"]["algorithm"] == "rank_stability"
    assert doc["provenance"]["params"]["drop_links"] == 0.1
    first = doc["rows"][0]
    assert first["node"] == "c0" and first["name"] == "Person c0" and first["rank"] == 1
    assert len(doc["samples"]) == 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"drop_nodes": 1.0}, "drop_nodes must be a share"),
        ({"drop_links": -0.1}, "drop_links must be a share"),
        ({"samples": 0}, "samples must be an integer"),
        ({"top": 0}, "top must be an integer"),
        ({"metric": "influence"}, "metric must be one of"),
        ({"metric": "articulation_point"}, "metric must be one of"),
        ({"metric": "degree", "k": 5}, "applies to betweenness only"),
        ({"metric": lambda H: {0: 1.0}}, "gave no score for node"),
        ({"metric": lambda H: [1, 2]}, "must return a mapping"),
        ({"metric": lambda H: dict.fromkeys(H, float("nan"))}, "non-finite"),
    ],
)
def test_bad_arguments_are_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rank_stability(nx.path_graph(5), **kwargs)


def test_sampled_betweenness_is_seeded_and_said(siren: nx.Graph) -> None:
    a = rank_stability(siren, "betweenness", k=8, drop_nodes=0, drop_links=0, samples=6, seed=9)
    b = rank_stability(siren, "betweenness", k=8, drop_nodes=0, drop_links=0, samples=6, seed=9)
    pd.testing.assert_frame_equal(a.ranks, b.ranks)
    # every sample draws its own sources, so even with nothing missing the ranks vary
    assert (a.table["rank_95"] > a.table["rank_05"]).any()
    assert a.provenance.params["k"] == 8
    assert any("k=8" in note for note in a.provenance.notes)


def _weighted(directed: bool) -> nx.Graph:
    """A random weighted graph with string ids, added in a shuffled order, a self-loop too."""
    rnd = random.Random(7)
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    pairs = [(f"p{rnd.randrange(60)}", f"p{rnd.randrange(60)}") for _ in range(240)]
    rnd.shuffle(pairs)
    G.add_edges_from((u, v, {"weight": rnd.randint(1, 9)}) for u, v in pairs)
    return G


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize(
    ("metric", "k", "weight"),
    [
        ("degree", None, "weight"),
        ("pagerank", None, "weight"),
        ("pagerank", None, None),
        ("betweenness", None, "weight"),
        ("betweenness", 7, "weight"),
    ],
)
def test_samples_scored_from_arrays_equal_those_scored_on_networkx_copies(
    monkeypatch: pytest.MonkeyPatch, directed: bool, metric: str, k: int | None, weight: str | None
) -> None:
    from netintel.algorithms import robustness

    G = _weighted(directed)
    kwargs = dict(samples=6, seed=3, k=k, weight=weight, drop_nodes=0.1, drop_links=0.2)
    fast = rank_stability(G, metric, **kwargs)
    monkeypatch.setattr(robustness, "_arrays", lambda *_args: None)
    slow = rank_stability(G, metric, **kwargs)
    pd.testing.assert_frame_equal(fast.table, slow.table, check_exact=True)
    pd.testing.assert_frame_equal(fast.samples, slow.samples, check_exact=True)
    pd.testing.assert_frame_equal(fast.ranks, slow.ranks, check_exact=True)

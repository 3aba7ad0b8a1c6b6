"""Link prediction: exact scores on small graphs, evidence, ranking, holdout AUC and precision@k."""

from __future__ import annotations

import json
import math
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netintel.algorithms import links
from netintel.algorithms.links import LINK_METHODS, link_scores, predict_links
from netintel.algorithms.results import derived_seeds
from netintel.datasets import caviar, ucinet_csv

# two triangles sharing the edge b-c, and a tail d-e
KITE = [("a", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "d"), ("d", "e")]

# worked by hand: degrees a 2, b 3, c 3, d 3, e 1; a-d share b and c, b-e and c-e share d
BY_HAND = {
    "common_neighbors": [("a", "d", 2.0), ("b", "e", 1.0), ("c", "e", 1.0)],
    "jaccard": [("a", "d", 2 / 3), ("b", "e", 1 / 3), ("c", "e", 1 / 3)],
    "resource_allocation": [("a", "d", 1 / 3 + 1 / 3), ("b", "e", 1 / 3), ("c", "e", 1 / 3)],
    "adamic_adar": [
        ("a", "d", 2 / math.log(3)),
        ("b", "e", 1 / math.log(3)),
        ("c", "e", 1 / math.log(3)),
    ],
    # a-e is three hops apart (a-b-d-e, a-c-d-e): listed by the only method scoring it
    "preferential_attachment": [("a", "d", 6.0), ("b", "e", 3.0), ("c", "e", 3.0), ("a", "e", 2.0)],
}


@pytest.mark.parametrize("method", sorted(BY_HAND))
def test_scores_on_the_kite_worked_by_hand(method: str) -> None:
    p = predict_links(nx.Graph(KITE), method, k=10)
    got = [(u, v, s) for u, v, s in p.table[["u", "v", "score"]].itertuples(index=False)]
    assert [(u, v) for u, v, _ in got] == [(u, v) for u, v, _ in BY_HAND[method]]
    for (_, _, s), (_, _, want) in zip(got, BY_HAND[method], strict=True):
        assert s == pytest.approx(want, rel=1e-12)
    assert p.table["rank"].tolist() == list(range(1, len(got) + 1))
    assert p.candidates == len(BY_HAND[method])


def test_evidence_of_each_candidate() -> None:
    G = nx.Graph(KITE)
    nx.set_node_attributes(G, {"a": "Ann", "d": "Dan", "e": "Eve"}, "name")
    t = predict_links(G, "katz", k=10, katz_alpha=0.1).table.set_index(["u", "v"])
    assert t.loc[("a", "d"), ["hops", "common", "paths_3"]].tolist() == [2, 2, 2]
    assert t.loc[("a", "d"), "common_contacts"] == ("b", "c")
    assert t.loc[("a", "e"), ["hops", "common", "paths_3"]].tolist() == [3, 0, 2]
    assert t.loc[("a", "e"), "path"] == ("a", "b", "d", "e")
    assert t.loc[("a", "d"), ["u_name", "v_name"]].tolist() == ["Ann", "Dan"]
    assert pd.isna(t.loc[("b", "e"), "u_name"])
    # Katz sees the three-hop pair a-e, below every two-hop pair
    assert list(t.index)[-1] == ("a", "e")


def test_katz_is_the_closed_form_on_a_path() -> None:
    # P3 0-1-2: walks 0 -> 2 have even length 2m, 2**(m-1) of them: alpha^2 / (1 - 2 alpha^2)
    alpha = 0.1
    (score,) = link_scores(nx.path_graph(3), [(0, 2)], "katz", katz_alpha=alpha)
    assert score == pytest.approx(alpha**2 / (1 - 2 * alpha**2), rel=1e-12)


def test_katz_above_the_dense_limit_sums_walks_up_to_five_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(links, "KATZ_DENSE_LIMIT", 2)
    alpha = 0.1
    p = predict_links(nx.path_graph(3), "katz", katz_alpha=alpha)
    # walks 0 -> 2 of length 2 (one) and 4 (two); the next, of length 6, is cut off
    assert p.table.loc[0, "score"] == pytest.approx(alpha**2 + 2 * alpha**4, rel=1e-12)
    assert any("truncated" in n for n in p.provenance.notes)


def test_katz_alpha_default_and_convergence() -> None:
    K = nx.complete_graph(20)  # spectral radius 19: 0.1 does not converge
    K.remove_edge(0, 1)
    p = predict_links(K, "katz")
    assert p.provenance.params["katz_alpha"] == pytest.approx(
        0.5 / max(nx.adjacency_spectrum(K).real)
    )
    assert any("does not converge" in n for n in p.provenance.notes)
    with pytest.raises(ValueError, match="does not converge"):
        predict_links(K, "katz", katz_alpha=0.1)
    assert predict_links(nx.path_graph(4), "katz").provenance.params["katz_alpha"] == 0.1


@pytest.mark.parametrize(
    ("method", "reference"),
    [
        ("jaccard", nx.jaccard_coefficient),
        ("adamic_adar", nx.adamic_adar_index),
        ("resource_allocation", nx.resource_allocation_index),
        ("preferential_attachment", nx.preferential_attachment),
    ],
)
def test_scores_equal_networkx_on_caviar(method: str, reference: object) -> None:
    G = caviar(6, directed=False)
    pairs = list(nx.non_edges(G))
    want = {(u, v): s for u, v, s in reference(G, pairs)}  # type: ignore[operator]
    got = link_scores(G, pairs, method)
    assert got == pytest.approx([want[p] for p in pairs], rel=1e-12, abs=1e-15)


def test_candidates_are_every_unlinked_pair_within_reach() -> None:
    G = caviar(3, directed=False)
    dist = dict(nx.all_pairs_shortest_path_length(G, cutoff=3))
    for hops in (2, 3):
        within = {
            frozenset((u, v)) for u, v in combinations(G, 2) if 2 <= dist[u].get(v, 99) <= hops
        }
        p = predict_links(G, "preferential_attachment", k=10_000, max_hops=hops)
        assert {frozenset(pair) for pair in p.pairs} == within
        assert set(p.table["hops"]) == set(range(2, hops + 1))


def test_ranking_is_by_score_then_canonical_pair_order() -> None:
    p = predict_links(nx.Graph(KITE), "katz", k=10, katz_alpha=0.1)
    # b-e and c-e are mirror images: equal scores up to rounding, listed in pair order
    assert p.pairs[1:3] == [("b", "e"), ("c", "e")]
    scores = p.table["score"].tolist()
    assert scores == sorted(scores, reverse=True)


def test_direction_weights_and_insertion_order_do_not_matter() -> None:
    D = caviar(4)  # directed, weighted by calls
    U = nx.Graph()
    U.add_nodes_from(reversed(list(D)))
    U.add_edges_from((v, u) for u, v in reversed(list(D.edges())))
    a = predict_links(D, "adamic_adar", k=15).table
    b = predict_links(U, "adamic_adar", k=15).table
    assert a.drop(columns=["u_name", "v_name"]).equals(b.drop(columns=["u_name", "v_name"]))


def test_k_cuts_the_list() -> None:
    G = caviar(8, directed=False)
    full = predict_links(G, "resource_allocation", k=1000)
    top = predict_links(G, "resource_allocation", k=5)
    assert top.pairs == full.pairs[:5]
    assert top.candidates == full.candidates > 5


# --------------------------------------------------------------------------- holdout


def test_auc_is_high_on_planted_structure_and_a_coin_toss_on_a_random_graph() -> None:
    planted = nx.planted_partition_graph(8, 25, 0.4, 0.01, seed=1)
    random = nx.gnp_random_graph(200, planted.number_of_edges() / (200 * 199 / 2), seed=1)
    ev_planted = predict_links(planted, holdout=0.1, repeats=3, seed=0).evaluation
    ev_random = predict_links(random, holdout=0.1, repeats=3, seed=0).evaluation
    assert ev_planted is not None and ev_random is not None
    auc_planted = ev_planted.set_index("method")["auc"]
    auc_random = ev_random.set_index("method")["auc"]
    for method in ("katz", "adamic_adar", "resource_allocation", "jaccard", "common_neighbors"):
        assert auc_planted[method] > 0.8, method
        assert 0.42 < auc_random[method] < 0.58, method
    # degree says nothing in a planted partition of equal groups
    assert 0.4 < auc_planted["preferential_attachment"] < 0.6
    # 19,900 pairs: the unlinked ones are sampled
    assert set(ev_planted["negatives"]) == {10_000}


def test_repeats_report_the_mean_and_spread_of_the_splits() -> None:
    G = ucinet_csv("siren")
    ev = predict_links(G, holdout=0.1, repeats=3, seed=4, methods=["katz"]).evaluation
    assert ev is not None
    single = [
        predict_links(G, holdout=0.1, seed=s, methods=["katz"]).evaluation.loc[0, "auc"]  # type: ignore[union-attr]
        for s in derived_seeds(4, 3)
    ]
    assert ev.loc[0, "auc"] == pytest.approx(np.mean(single), rel=1e-12)
    assert ev.loc[0, "auc_sd"] == pytest.approx(np.std(single, ddof=1), rel=1e-12)


def test_precision_at_k_beats_chance_on_planted_structure() -> None:
    planted = nx.planted_partition_graph(8, 25, 0.4, 0.01, seed=2)
    p = predict_links(planted, "katz", k=50, holdout=0.2, repeats=2, seed=3)
    ev = p.evaluation.set_index("method")  # type: ignore[union-attr]
    # chance: hidden links over all unlinked pairs of the reduced graph (~0.05)
    m = planted.number_of_edges()
    hidden = round(0.2 * m)
    chance = hidden / (200 * 199 / 2 - (m - hidden))
    assert ev.loc["katz", "precision_at_k"] > 4 * chance
    assert ev.loc["katz", "hidden"] == hidden
    assert ev.loc["katz", "repeats"] == 2


def test_holdout_is_deterministic_for_a_seed() -> None:
    G = ucinet_csv("siren")
    a = predict_links(G, "katz", holdout=0.1, seed=5, repeats=2)
    b = predict_links(G, "katz", holdout=0.1, seed=5, repeats=2)
    c = predict_links(G, "katz", holdout=0.1, seed=6, repeats=2)
    assert a.evaluation.equals(b.evaluation)  # type: ignore[union-attr]
    assert not a.evaluation.equals(c.evaluation)  # type: ignore[union-attr]
    assert a.provenance.seed == 5
    drawn = predict_links(G, "katz", holdout=0.1)
    assert drawn.provenance.seed is not None


def test_small_graph_compares_with_every_unlinked_pair() -> None:
    G = ucinet_csv("siren")  # 44 people, 103 links: 843 unlinked pairs
    ev = predict_links(G, holdout=0.1, seed=0, methods=["katz", "jaccard"]).evaluation
    assert ev is not None
    assert ev["negatives"].tolist() == [44 * 43 // 2 - 103] * 2
    assert ev["hidden"].tolist() == [10, 10]
    assert sorted(ev["method"]) == ["jaccard", "katz"]
    assert ev["auc"].tolist() == sorted(ev["auc"], reverse=True)


def test_auc_counts_ties_as_half() -> None:
    assert links._auc(np.array([1.0, 3.0]), np.array([1.0, 2.0])) == pytest.approx(0.625)


def test_result_serialises_with_its_provenance() -> None:
    p = predict_links(nx.Graph(KITE), "jaccard", k=2, holdout=0.2, seed=1)
    doc = json.loads(p.to_json())
    assert [r["u"] for r in doc["links"]] == ["a", "b"]
    assert doc["links"][0]["common_contacts"] == ["b", "c"]
    assert doc["provenance"]["algorithm"] == "predict_links"
    assert doc["provenance"]["params"]["holdout"] == 0.2
    assert {r["method"] for r in doc["evaluation"]} == set(LINK_METHODS)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "telepathy"}, "unknown method"),
        ({"k": 0}, "k must be"),
        ({"max_hops": 4}, "max_hops"),
        ({"holdout": 1.5}, "holdout"),
        ({"holdout": 0.001}, "hides 0"),
        ({"method": "jaccard", "katz_alpha": 0.1}, "katz_alpha is for"),
        ({"katz_alpha": -1.0}, "positive"),
        ({"repeats": 3}, "give holdout"),
        ({"holdout": 0.1, "methods": ["katz", "coin"]}, "unknown method"),
    ],
)
def test_bad_arguments_are_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        predict_links(caviar(2, directed=False), **kwargs)  # type: ignore[arg-type]

"""Key players, bridges, brokerage and constraint, on known graphs and CAVIAR."""

from __future__ import annotations

import json
import random

import networkx as nx
import numpy as np
import pytest

from netintel.algorithms import graph_hash, louvain
from netintel.algorithms.centrality import (
    KEY_PLAYER_METRICS,
    bridges,
    brokerage,
    burt_constraint,
    katz,
    key_players,
    leaders_and_brokers,
)


def _shuffled(G: nx.Graph, seed: int) -> nx.Graph:
    rng = random.Random(seed)
    nodes, edges = list(G.nodes), list(G.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    H = G.__class__()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    return H


# ----------------------------------------------------------------- key players


def test_barbell_broker_is_found_on_every_path_metric() -> None:
    G = nx.barbell_graph(4, 1)  # cliques 0-3 and 5-8 joined through node 4
    kp = key_players(G, seed=0)
    t = kp.table
    assert list(t.columns) == list(KEY_PLAYER_METRICS)
    assert t.index.tolist() == list(range(9))
    assert kp.top("betweenness", 1) == [4]
    # node 4 lies on all 4*4 paths between the cliques, plus 3->4->5 and 5->4->3 sides
    assert t.loc[4, "betweenness"] == pytest.approx(nx.betweenness_centrality(G)[4])
    assert t.loc[4, "degree"] == 2 / 8  # normalised by n - 1
    assert t["articulation_point"].tolist() == [False] * 3 + [True] * 3 + [False] * 3
    assert t["core_number"].tolist() == [3.0, 3.0, 3.0, 3.0, 2.0, 3.0, 3.0, 3.0, 3.0]
    assert kp.rank("betweenness").loc[4] == 1


def test_star_exact_values() -> None:
    kp = key_players(nx.star_graph(4), ["degree", "weighted_degree", "betweenness", "closeness"])
    assert kp.table.loc[0].tolist() == [1.0, 4.0, 1.0, 1.0]
    assert kp.table.loc[1].tolist() == [0.25, 1.0, 0.0, pytest.approx(4 / 7)]
    assert kp.rank("degree").tolist() == [1, 2, 2, 2, 2]
    assert kp.top("degree", 3) == [0, 1, 2]  # ties in canonical order


@pytest.mark.parametrize("name", ["karate", "caviar_directed", "caviar_undirected", "montreal"])
def test_scores_match_networkx_and_igraph_matches_networkx(name: str, shared_data: object) -> None:
    from netintel.datasets import caviar, ucinet_csv

    G = {
        "karate": nx.karate_club_graph,
        "caviar_directed": caviar,
        "caviar_undirected": lambda: caviar(directed=False),
        "montreal": lambda: ucinet_csv("montreal_gangs"),
    }[name]()
    fast = key_players(G, engine="auto").table
    slow = key_players(G, engine="networkx").table
    bt = nx.betweenness_centrality(G)
    cl = nx.closeness_centrality(G)
    pr = nx.pagerank(G, weight="weight")
    kz = nx.katz_centrality_numpy(G, alpha=0.001, weight="weight")
    ours_kz = katz(G, alpha=0.001)
    for v in G:
        assert fast.loc[v, "betweenness"] == pytest.approx(bt[v], abs=1e-12)
        assert slow.loc[v, "betweenness"] == pytest.approx(bt[v], abs=1e-12)
        assert fast.loc[v, "closeness"] == pytest.approx(cl[v], abs=1e-12)
        assert slow.loc[v, "closeness"] == pytest.approx(cl[v], abs=1e-12)
        assert fast.loc[v, "pagerank"] == pytest.approx(pr[v], abs=1e-9)
        assert ours_kz[v] == pytest.approx(kz[v], abs=1e-9)
        assert fast.loc[v, "weighted_degree"] == G.degree(v, weight="weight")


def test_eigenvector_matches_networkx_on_a_connected_graph() -> None:
    G = nx.karate_club_graph()
    ev = nx.eigenvector_centrality_numpy(G, weight="weight")
    t = key_players(G, ["eigenvector"]).table
    for v in G:
        assert t.loc[v, "eigenvector"] == pytest.approx(ev[v], abs=1e-9)


def test_eigenvector_on_disconnected_graph_flags_ambiguity() -> None:
    G = nx.union(nx.complete_graph(3), nx.complete_graph(range(3, 6)))
    kp = key_players(G, ["eigenvector"])
    assert any("not unique" in n for n in kp.provenance.notes)


def test_sampled_betweenness_is_deterministic_for_a_seed() -> None:
    G = nx.les_miserables_graph()
    a = key_players(G, ["betweenness"], k=20, seed=4)
    b = key_players(_shuffled(G, 1), ["betweenness"], k=20, seed=4)
    exact = key_players(G, ["betweenness"])
    assert a.table.equals(b.table)
    assert a.provenance.seed == 4
    assert exact.provenance.seed is None
    assert not a.table.equals(exact.table)
    assert a.top("betweenness", 1) == exact.top("betweenness", 1) == ["Valjean"]
    drawn = key_players(G, ["betweenness"], k=20)
    assert isinstance(drawn.provenance.seed, int)


def _weighted_lengths() -> nx.Graph:
    G = nx.gnm_random_graph(50, 120, seed=2)
    for u, v in G.edges:
        G[u][v]["length"] = float(1 + (u * 7 + v) % 3)
    return G


@pytest.mark.parametrize(
    "G, distance",
    [
        (nx.les_miserables_graph(), None),
        (nx.karate_club_graph(), None),
        (nx.gnp_random_graph(60, 0.05, seed=3, directed=True), None),
        (nx.union(nx.path_graph(5), nx.complete_graph(range(5, 12))), None),  # two parts
        (_weighted_lengths(), "length"),
    ],
    ids=["lesmis", "karate", "directed", "disconnected", "lengths"],
)
@pytest.mark.parametrize("normalized", [True, False])
@pytest.mark.parametrize("k", [1, 2, 7, 11])
def test_sampled_betweenness_on_igraph_equals_networkx_from_the_same_sources(
    G: nx.Graph, distance: str | None, normalized: bool, k: int
) -> None:
    from netintel.algorithms.results import canonical_graph

    options = {"k": k, "seed": 5, "normalized": normalized, "distance": distance}
    fast = key_players(G, ["betweenness"], engine="igraph", **options)
    slow = key_players(G, ["betweenness"], engine="networkx", **options)
    H = canonical_graph(G, weight="weight", distance=distance)
    ref = nx.betweenness_centrality(H, k=k, seed=5, normalized=normalized, weight=distance)
    expected = np.array([ref[v] for v in H])
    got = fast.table["betweenness"].to_numpy()
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12, equal_nan=True)  # k=1: NaN
    assert np.allclose(got, slow.table["betweenness"].to_numpy(), rtol=1e-12, equal_nan=True)
    assert fast.provenance.engine == "igraph" and slow.provenance.engine == "networkx"


def test_directed_graph_adds_in_and_out_degree() -> None:
    G = nx.DiGraph([("a", "b"), ("a", "c"), ("c", "a")])
    t = key_players(G, ["degree"]).table
    assert t.loc["a"].tolist() == [1.5, 0.5, 1.0]  # over n - 1 = 2, as networkx
    assert t.loc["a"].tolist() == [
        nx.degree_centrality(G)["a"],
        nx.in_degree_centrality(G)["a"],
        nx.out_degree_centrality(G)["a"],
    ]
    raw = key_players(G, ["degree"], normalized=False).table
    assert raw.loc["a"].tolist() == [3.0, 1.0, 2.0]
    assert list(t.columns) == ["degree", "in_degree", "out_degree"]


def test_caviar_n1_ranks_first_by_degree_and_betweenness(shared_data: object) -> None:
    from netintel.datasets import caviar

    for G in (caviar(), caviar(directed=False)):
        kp = key_players(G)
        for metric in ("degree", "weighted_degree", "betweenness", "closeness", "eigenvector"):
            assert kp.top(metric, 1) == ["N1"], metric
        if not G.is_directed():
            assert kp.table.loc["N1", "degree"] == pytest.approx(60 / 109)
        assert bool(kp.table.loc["N1", "articulation_point"])


def test_caviar_n1_leads_in_most_phases(shared_data: object) -> None:
    from netintel.datasets import CAVIAR_PHASES, caviar

    leads = [
        key_players(caviar(p, directed=False), ["degree", "betweenness"]).top("betweenness", 1)
        == ["N1"]
        for p in CAVIAR_PHASES
    ]
    # Morselli: N1 central in most phases, the network decentralises at the end
    assert sum(leads) >= 8
    assert leads[:8] == [True] * 8
    assert not leads[-1]


def test_normalised_conventions_worked_by_hand() -> None:
    # path 0-1-2-3-4: node 2 lies on the paths between {0, 1} and {3, 4}, 4 of 6 pairs
    G = nx.path_graph(5)
    kp = key_players(G, ["degree", "betweenness", "closeness"])
    assert kp.table.loc[2].tolist() == pytest.approx([2 / 4, 4 / 6, 4 / 6])
    assert kp.table["betweenness"].tolist() == pytest.approx(
        list(nx.betweenness_centrality(G).values())
    )
    raw = key_players(G, ["degree", "betweenness", "closeness"], normalized=False)
    assert raw.table.loc[2].tolist() == pytest.approx([2.0, 4.0, 4 / 6])
    assert raw.table.loc[1].tolist() == pytest.approx([2.0, 3.0, 4 / 7])  # (0,2) (0,3) (0,4)
    assert raw.provenance.params["normalized"] is False
    # directed: (n-1)(n-2) ordered pairs; 1 is on 0->2 only, of 3 * 2
    D = nx.DiGraph([(0, 1), (1, 2)])
    assert key_players(D, ["betweenness"]).table.loc[1, "betweenness"] == pytest.approx(1 / 2)
    assert key_players(D, ["betweenness"], normalized=False).table.loc[1, "betweenness"] == 1.0
    sampled = key_players(nx.les_miserables_graph(), ["betweenness"], k=20, seed=1)
    unscaled = key_players(
        nx.les_miserables_graph(), ["betweenness"], k=20, seed=1, normalized=False
    )
    n = 77
    ratio = (unscaled.table["betweenness"] / sampled.table["betweenness"]).dropna()
    assert ratio.to_numpy() == pytest.approx((n - 1) * (n - 2) / 2)


def test_largest_component_gives_freeman_closeness() -> None:
    # the path 0-1-2-3 and, apart, the pair 4-5
    G = nx.path_graph(4)
    G.add_edge(4, 5)
    whole = key_players(G, ["degree", "betweenness", "closeness"])
    main = key_players(G, ["degree", "betweenness", "closeness"], component="largest")
    assert main.table.index.tolist() == [0, 1, 2, 3]
    # within the path: degree 2/3, betweenness 2 of 3 pairs, closeness 3 / (1 + 1 + 2)
    assert main.table.loc[1].tolist() == pytest.approx([2 / 3, 2 / 3, 3 / 4])
    # over all six: degree 2/5, betweenness 2 of 10 pairs, Wasserman-Faust 3/4 * 3/5
    assert whole.table.loc[1].tolist() == pytest.approx([2 / 5, 2 / 10, 3 / 4 * 3 / 5])
    assert "largest component only: 4 of 6 nodes scored" in main.provenance.notes
    assert main.provenance.params["component"] == "largest"
    # directed graphs: the largest weakly connected component
    D = nx.DiGraph([(0, 1), (2, 1), (3, 4)])
    assert key_players(D, ["degree"], component="largest").table.index.tolist() == [0, 1, 2]
    # equal sizes: the component holding the earliest node in canonical order
    E = nx.Graph([("b", "c"), ("a", "d")])
    assert key_players(E, ["degree"], component="largest").table.index.tolist() == ["a", "d"]


def test_key_players_result_serialises() -> None:
    G = nx.karate_club_graph()
    kp = key_players(G, ["degree", "katz"])
    doc = json.loads(kp.to_json())
    assert len(doc["rows"]) == 34
    assert doc["rows"][0]["node"] == 0
    assert doc["provenance"]["input_hash"] == graph_hash(G)
    assert any(n.startswith("katz: alpha") for n in doc["provenance"]["notes"])
    assert kp.to_frame().columns.tolist() == ["node", "degree", "katz"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"metrics": ["degree", "charisma"]}, "unknown metric"),
        ({"k": 0}, "k must be"),
        ({"k": 99}, "k must be"),
        ({"engine": "gephi"}, "engine must be"),
        ({"katz_alpha": 5.0}, "katz alpha"),
        ({"component": "main"}, "component must be"),
        ({"normalized": "yes"}, "normalized must be"),
    ],
)
def test_key_players_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        key_players(nx.path_graph(5), **kwargs)


# ----------------------------------------------------------------- bridges


def test_bridges_report_how_many_people_they_cut_off() -> None:
    G = nx.barbell_graph(4, 0)
    G.add_edges_from([(7, 8), (8, 9), (20, 21)])
    got = bridges(G).to_frame()
    assert got[["u", "v", "kind"]].values.tolist() == [
        [3, 4, "bridge"],
        [7, 8, "bridge"],
        [8, 9, "bridge"],
        [20, 21, "bridge"],
    ]
    assert got[["side_u", "side_v", "cut_off"]].values.tolist() == [
        [4, 6, 4],
        [8, 2, 2],
        [9, 1, 1],
        [1, 1, 1],
    ]


def test_local_bridges_have_a_span() -> None:
    G = nx.cycle_graph(5)
    got = bridges(G, local=True).to_frame()
    assert set(got["kind"]) == {"local"}
    assert got["span"].tolist() == [4.0] * 5
    assert bridges(G).table.empty


def test_caviar_bridges_mostly_hang_off_n1(shared_data: object) -> None:
    from collections import Counter

    from netintel.datasets import caviar

    t = bridges(caviar()).table
    ends = Counter(t["u"].tolist() + t["v"].tolist())
    assert ends.most_common(1)[0][0] == "N1"
    assert ends["N1"] == 21
    assert len(t) == 52
    assert bool(((t["side_u"] + t["side_v"]) == 110).all())  # the network is connected


# ----------------------------------------------------------------- brokerage


def test_gould_fernandez_roles_on_a_directed_example() -> None:
    G = nx.DiGraph(
        [
            ("a1", "a2"), ("a2", "a3"),  # coordinator a2
            ("b1", "a4"), ("a4", "b2"),  # itinerant a4
            ("a5", "a6"), ("a6", "c1"),  # representative a6
            ("c2", "b3"), ("b3", "b4"),  # gatekeeper b3
            ("a7", "b5"), ("b5", "c3"),  # liaison b5
            ("a8", "a9"), ("a9", "a10"), ("a8", "a10"),  # closed: no brokerage for a9
        ]
    )  # fmt: skip
    groups = {v: v[0] for v in G}
    t = brokerage(G, groups).table
    roles = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"]
    expected = {
        "a2": [1, 0, 0, 0, 0],
        "a4": [0, 1, 0, 0, 0],
        "a6": [0, 0, 1, 0, 0],
        "b3": [0, 0, 0, 1, 0],
        "b5": [0, 0, 0, 0, 1],
        "a9": [0, 0, 0, 0, 0],
    }
    for v, counts in expected.items():
        assert t.loc[v, roles].tolist() == counts, v
    assert t["brokerage_total"].sum() == 5
    assert t.loc["b5", "group"] == "b"


def test_participation_coefficient_and_undirected_counting() -> None:
    G = nx.Graph([("x", "a"), ("x", "b"), ("x", "c"), ("x", "d")])
    groups = {"x": 0, "a": 0, "b": 0, "c": 1, "d": 1}
    t = brokerage(G, groups, weight=None).table
    # x: 2 ties to group 0, 2 to group 1 -> 1 - (0.5^2 + 0.5^2)
    assert t.loc["x", "participation"] == pytest.approx(0.5)
    assert t.loc["a", "participation"] == 0.0
    # undirected paths count both ways: a-x-b coordinator twice, c-x-d itinerant twice,
    # a-x-c (and the other 3 cross pairs) representative one way, gatekeeper the other
    assert t.loc["x", "coordinator"] == 2
    assert t.loc["x", "itinerant"] == 2
    assert t.loc["x", "representative"] == t.loc["x", "gatekeeper"] == 4
    assert t.loc["x", "liaison"] == 0
    assert t.loc["x", "brokerage_total"] == 4 * 3


def test_brokerage_accepts_detected_communities_and_rejects_gaps() -> None:
    from netintel.algorithms import louvain

    G = nx.barbell_graph(4, 0)
    comm = louvain(G, seed=0, engine="networkx")
    t = brokerage(G, comm).table
    assert t.loc[3, "representative"] > 0 and t.loc[3, "gatekeeper"] > 0
    with pytest.raises(ValueError, match="in no group"):
        brokerage(G, {0: "a"})


# ----------------------------------------------------------------- constraint


def test_burt_constraint_matches_networkx() -> None:
    G = nx.karate_club_graph()
    t = burt_constraint(G).table
    c = nx.constraint(G, weight="weight")
    e = nx.effective_size(G, weight="weight")
    for v in G:
        assert t.loc[v, "constraint"] == pytest.approx(c[v])
        assert t.loc[v, "effective_size"] == pytest.approx(e[v])
    star = burt_constraint(nx.star_graph(3), weight=None).table
    assert star.loc[0, "constraint"] == pytest.approx(1 / 3)
    assert star.loc[1, "constraint"] == pytest.approx(1.0)


def test_isolates_have_undefined_constraint() -> None:
    G = nx.Graph([(0, 1)])
    G.add_node(2)
    assert np.isnan(burt_constraint(G).table.loc[2, "constraint"])


# ----------------------------------------------------------------- leaders and brokers


def _two_gangs() -> nx.Graph:
    """A clique of four (a2 calls a3 and a4 three times) and one of three, a1 - b1 between."""
    G = nx.complete_graph(["a1", "a2", "a3", "a4"])
    G.add_edges_from(nx.complete_graph(["b1", "b2", "b3"]).edges())
    G.add_edge("a1", "b1")
    nx.set_edge_attributes(G, 1, "weight")
    G["a2"]["a3"]["weight"] = G["a2"]["a4"]["weight"] = 3
    return G


def test_leaders_rank_by_pagerank_in_the_community_brokers_by_brokerage_between_groups() -> None:
    G = _two_gangs()
    gangs = louvain(G, seed=0, engine="networkx")
    assert gangs.communities == [frozenset({"a1", "a2", "a3", "a4"}), frozenset({"b1", "b2", "b3"})]
    found = leaders_and_brokers(G, gangs, leaders=2, brokers=3)
    t = found.table.set_index("node")
    # a1 is the only one of its gang on a path to the other gang: its broker, not a leader
    assert t["leader_rank"].to_dict() == {
        "a2": 1,
        "a3": 2,
        "a4": 3,
        "a1": 4,
        "b1": 1,
        "b2": 2,
        "b3": 3,
    }
    assert t.index[t["broker"]].tolist() == ["a1", "b1"]
    assert t.loc["a1", "cross_brokerage"] > 0 and t.loc["a2", "cross_brokerage"] == 0
    # a3 and a4 tie on every score: node order decides
    assert found.by_community().values.tolist() == [
        [0, ["a2", "a3"], ["a1"]],
        [1, ["b1", "b2"], ["b1"]],
    ]
    none = leaders_and_brokers(G, gangs, leaders=0, brokers=0).by_community()
    assert none["leaders"].tolist() == [[], []] and none["brokers"].tolist() == [[], []]
    with pytest.raises(ValueError, match="leaders must be an integer >= 0"):
        leaders_and_brokers(G, gangs, leaders=-1)

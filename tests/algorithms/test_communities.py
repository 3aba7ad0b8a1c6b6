"""Community detection, consensus and partition quality, on known graphs and shared data."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable

import engines as fast_engines
import networkx as nx
import numpy as np
import pytest
from stability_reference import expected_stability

from netintel.algorithms import (
    Communities,
    EdgeArrays,
    ari,
    conductance,
    consensus,
    coverage,
    edge_arrays,
    graph_hash,
    label_propagation,
    leiden,
    louvain,
    modularity,
    nmi,
)
from netintel.algorithms import communities as cm

BARBELL = [frozenset(range(5)), frozenset(range(5, 10))]
LOUVAIN_ENGINES = ["networkx", "igraph", "networkit"]
LEIDEN_ENGINES = ["networkit", "igraph", "leidenalg"]
LPA_ENGINES = ["networkit", "igraph", "networkx"]
FAST_PACKAGES = ("networkit", "igraph", "leidenalg")


def _engine_or_skip(name: str) -> None:
    """Skip a test of a fast engine that is not installed (a failure under ``make test``)."""
    if name in FAST_PACKAGES:
        fast_engines.engine(name)


def _shuffled(G: nx.Graph, seed: int) -> nx.Graph:
    """The same graph, nodes and edges inserted in another order."""
    rng = random.Random(seed)
    nodes = list(G.nodes(data=True))
    edges = list(G.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    H = G.__class__()
    H.add_nodes_from(nodes)
    H.add_edges_from((v, u, d) if rng.random() < 0.5 else (u, v, d) for u, v, d in edges)
    return H


# ----------------------------------------------------------------- exact results


@pytest.mark.parametrize("engine", LOUVAIN_ENGINES)
def test_louvain_splits_two_cliques_at_the_bridge(engine: str) -> None:
    _engine_or_skip(engine)
    res = louvain(nx.barbell_graph(5, 0), seed=0, engine=engine)
    assert res.communities == BARBELL
    assert res.membership == {n: n // 5 for n in range(10)}
    assert res.engine == engine
    # Q = sum_c [L_c/m - (d_c/2m)^2] with m = 21, L_c = 10, d_c = 21 for both cliques
    assert res.modularity == pytest.approx(2 * (10 / 21 - 0.25))
    assert res.internal_weight == (10.0, 10.0)
    assert res.cut_weight == (1.0, 1.0)
    assert res.conductance == pytest.approx((1 / 21, 1 / 21))
    assert res.possibly_merged == ()


@pytest.mark.parametrize("engine", LEIDEN_ENGINES)
def test_leiden_splits_two_cliques_at_the_bridge(engine: str) -> None:
    _engine_or_skip(engine)
    res = leiden(nx.barbell_graph(5, 0), seed=0, engine=engine)
    assert res.communities == BARBELL
    assert (res.algorithm, res.engine) == ("leiden", engine)


@pytest.mark.parametrize("engine", LPA_ENGINES)
def test_label_propagation_splits_two_cliques(engine: str) -> None:
    _engine_or_skip(engine)
    res = label_propagation(nx.barbell_graph(5, 0), seed=0, engine=engine)
    assert res.communities == BARBELL
    assert (res.algorithm, res.engine) == ("label_propagation", engine)


def test_communities_are_sorted_by_size_then_smallest_node() -> None:
    G = nx.Graph()
    nx.add_path(G, ["z", "y"])
    G.add_edges_from(nx.complete_graph(["a", "b", "c", "d"]).edges)
    G.add_edges_from(nx.complete_graph(["p", "q"]).edges)
    res = louvain(G, seed=0, engine="networkx")
    assert res.communities == [
        frozenset("abcd"),
        frozenset("pq"),
        frozenset("yz"),
    ]
    frame = res.to_frame()
    assert frame["node"].tolist() == ["a", "b", "c", "d", "p", "q", "y", "z"]
    assert frame["community"].tolist() == [0, 0, 0, 0, 1, 1, 2, 2]


def test_karate_modularity_matches_networkx_weighted_and_unweighted() -> None:
    G = nx.karate_club_graph()
    res = louvain(G, seed=7, engine="networkx")
    assert res.modularity == pytest.approx(nx.community.modularity(G, res.communities))
    for weight in ("weight", None):
        for gamma in (0.5, 1.0, 2.0):
            ours = modularity(G, res, weight=weight, resolution=gamma)
            theirs = nx.community.modularity(G, res.communities, weight=weight, resolution=gamma)
            assert ours == pytest.approx(theirs, abs=1e-12)


def test_directed_louvain_uses_directed_modularity() -> None:
    G = nx.DiGraph(nx.karate_club_graph())
    G.remove_edges_from([(u, v) for u, v in list(G.edges) if u > v and (u + v) % 3 == 0])
    res = louvain(G, seed=1)
    assert res.engine == "networkx"
    assert res.modularity == pytest.approx(nx.community.modularity(G, res.communities))
    assert sorted(len(c) for c in res.communities)[-1] < G.number_of_nodes()


def test_quality_measures_match_networkx() -> None:
    G = nx.karate_club_graph()
    part = [set(range(0, 17)), set(range(17, 34))]
    cov, _ = nx.community.partition_quality(G, part)
    assert coverage(G, part, weight=None) == pytest.approx(cov)
    got = conductance(G, part)
    assert got[0] == pytest.approx(nx.conductance(G, part[0], weight="weight"))
    assert got[1] == pytest.approx(nx.conductance(G, part[1], weight="weight"))
    by_label = conductance(G, {n: "low" if n < 17 else "high" for n in G}, weight=None)
    assert by_label["low"] == pytest.approx(nx.conductance(G, part[0]))


def test_nmi_and_ari_known_values() -> None:
    a = [{1, 2, 3}, {4, 5, 6}]
    b = [{1, 2}, {3, 4}, {5, 6}]
    # by hand: H(a) = ln 2, H(b) = ln 3, I = (2/6)ln2 * 2 + (1/6)ln(3/2)... computed directly
    p = np.array([[2, 1, 0], [0, 1, 2]]) / 6
    pa, pb = p.sum(1), p.sum(0)
    mi = sum(
        p[i, j] * math.log(p[i, j] / (pa[i] * pb[j])) for i in range(2) for j in range(3) if p[i, j]
    )
    expected = 2 * mi / (math.log(2) + math.log(3))
    assert nmi(a, b) == pytest.approx(expected)
    assert nmi(a, b, average="max") == pytest.approx(mi / math.log(3))
    assert ari(a, b) == pytest.approx((2 - 1.2) / (4.5 - 1.2))  # 0.2424...
    assert nmi(a, [{4, 5, 6}, {1, 2, 3}]) == 1.0
    assert ari(a, {1: "x", 2: "x", 3: "x", 4: 0, 5: 0, 6: 0}) == 1.0
    assert nmi([{1, 2}, {3, 4}], [{1, 3}, {2, 4}]) == 0.0
    assert ari([{1, 2}, {3, 4}], [{1, 3}, {2, 4}]) == pytest.approx(-0.5)
    assert nmi([{1, 2, 3}], [{1, 2, 3}]) == 1.0


# ----------------------------------------------------------------- determinism


@pytest.mark.parametrize(
    ("algorithm", "engine"),
    [("louvain", e) for e in LOUVAIN_ENGINES]
    + [("leiden", e) for e in LEIDEN_ENGINES]
    + [("label_propagation", e) for e in LPA_ENGINES],
)
def test_same_seed_same_partition_whatever_the_insertion_order(algorithm: str, engine: str) -> None:
    _engine_or_skip(engine)
    G = nx.les_miserables_graph()
    run = {
        "louvain": lambda H, s: louvain(H, seed=s, engine=engine),
        "leiden": lambda H, s: leiden(H, seed=s, engine=engine),
        "label_propagation": lambda H, s: label_propagation(H, seed=s, engine=engine),
    }[algorithm]
    first = run(G, 11)
    assert run(G, 11).communities == first.communities
    assert run(_shuffled(G, 3), 11).communities == first.communities
    assert run(_shuffled(G, 4), 11).provenance.input_hash == first.provenance.input_hash


def test_unseeded_run_records_a_seed_that_reproduces_it() -> None:
    G = nx.les_miserables_graph()
    res = louvain(G, engine="networkx")
    assert isinstance(res.seed, int)
    assert louvain(G, seed=res.seed, engine="networkx").communities == res.communities


def test_edge_arrays_path_gives_the_same_result_as_the_graph() -> None:
    G = nx.karate_club_graph()
    ea = edge_arrays(G)
    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    rows = [(index[u], index[v], d["weight"]) for u, v, d in G.edges(data=True)]
    rng = random.Random(0)
    rng.shuffle(rows)
    src, dst, w = zip(*rows, strict=True)
    built = EdgeArrays.from_arrays(nodes, dst, src, w)  # ends swapped on purpose
    assert graph_hash(built) == graph_hash(G) == graph_hash(ea)
    assert ea.nodes == tuple(range(34))
    assert bool(np.all(ea.src <= ea.dst))
    a = louvain(G, seed=5, engine="networkx")
    b = louvain(built, seed=5, engine="networkx")
    assert a.communities == b.communities
    assert a.modularity == b.modularity


def test_multigraph_edges_are_summed() -> None:
    M = nx.MultiGraph([(1, 2), (1, 2), (2, 3)])
    G = nx.Graph()
    G.add_edge(1, 2, weight=2.0)
    G.add_edge(2, 3, weight=1.0)
    assert graph_hash(M) == graph_hash(G)
    assert graph_hash(G) != graph_hash(G, weight=None)


# ----------------------------------------------------------------- resolution limit


@pytest.mark.parametrize("engine", LOUVAIN_ENGINES)
def test_resolution_limit_merges_are_flagged_on_a_ring_of_cliques(engine: str) -> None:
    _engine_or_skip(engine)
    # 30 five-cliques in a ring: modularity prefers merging neighbouring cliques
    # (Fortunato & Barthelemy 2007, Fig. 3A: number of cliques > m(m-1)+2 = 22).
    G = nx.ring_of_cliques(30, 5)
    res = louvain(G, seed=1, engine=engine)
    merged = [i for i, c in enumerate(res.communities) if len(c) > 5]
    assert merged, "Louvain was expected to merge some cliques"
    assert list(res.possibly_merged) == merged
    assert res.resolution_limit_suspected
    assert res.resolution_scale == pytest.approx(math.sqrt(2 * G.number_of_edges()))
    assert res.summary()["possibly_merged"].sum() == len(merged)


def test_small_ring_of_cliques_is_resolved_and_not_flagged() -> None:
    res = louvain(nx.ring_of_cliques(6, 5), seed=1, engine="networkx")
    assert sorted(len(c) for c in res.communities) == [5] * 6
    assert res.possibly_merged == ()


def test_leiden_cpm_resolves_every_clique() -> None:
    res = leiden(nx.ring_of_cliques(30, 5), seed=1, objective="cpm", resolution=0.5)
    assert sorted(len(c) for c in res.communities) == [5] * 30
    assert res.possibly_merged == ()


# ----------------------------------------------------------------- consensus


def test_consensus_on_two_cliques_is_exact_and_fully_stable() -> None:
    res = consensus(nx.barbell_graph(5, 0), runs=6, seed=3, engine="networkx")
    assert res.communities == BARBELL
    assert res.converged and res.rounds == 1
    assert set(res.node_stability.values()) == {1.0}
    assert res.community_stability == (1.0, 1.0)
    assert res.algorithm == "consensus/louvain"
    frame = res.to_frame()
    assert list(frame.columns) == ["node", "community", "stability"]


def test_consensus_coassignment_is_the_share_of_seeded_runs() -> None:
    G = nx.les_miserables_graph()
    res = consensus(G, runs=5, seed=9, engine="networkx")
    assert len(res.run_seeds) == 5
    runs = [louvain(G, seed=s, engine="networkx") for s in res.run_seeds]
    pairs = res.coassignment_frame()
    for u, v, share in pairs.head(40).itertuples(index=False):
        together = sum(r.membership[u] == r.membership[v] for r in runs) / 5
        assert share == pytest.approx(together)
    again = consensus(G, runs=5, seed=9, engine="networkx")
    assert again.communities == res.communities
    assert again.node_stability == res.node_stability
    # stability: share of runs in which a node sits in the run community holding
    # most of its consensus community, and most of that run community is of it
    # (checked where that community is unambiguous)
    expected = expected_stability(res, runs)
    for v, share in expected.items():
        assert res.node_stability[v] == pytest.approx(share)
    assert len(expected) >= 50
    assert min(res.node_stability.values()) < 1.0  # les Miserables is not perfectly stable


def test_consensus_runs_label_propagation_and_leiden() -> None:
    G = nx.barbell_graph(5, 0)
    assert consensus(G, algorithm="label_propagation", runs=4, seed=0).communities == BARBELL
    assert consensus(G, algorithm="leiden", runs=4, seed=0).communities == BARBELL


# ----------------------------------------------------------------- published numbers


@pytest.mark.parametrize(
    ("algorithm", "engine"),
    [("louvain", e) for e in LOUVAIN_ENGINES] + [("leiden", e) for e in LEIDEN_ENGINES],
)
def test_football_conferences_are_recovered(
    shared_data: object, algorithm: str, engine: str
) -> None:
    from netintel.datasets import football, ground_truth_partition

    _engine_or_skip(engine)
    G = football()
    truth = ground_truth_partition(G, "value")
    fn = louvain if algorithm == "louvain" else leiden
    for seed in (0, 1, 2):
        res = fn(G, seed=seed, engine=engine)
        assert nmi(res, truth) >= 0.85
        assert ari(res, truth) >= 0.70
        assert 9 <= len(res) <= 12


def test_football_consensus_is_stable_and_accurate(shared_data: object) -> None:
    from netintel.datasets import football, ground_truth_partition

    G = football()
    res = consensus(G, runs=10, seed=0)
    assert nmi(res, ground_truth_partition(G, "value")) >= 0.85
    assert res.converged
    assert all(0.0 <= s <= 1.0 for s in res.node_stability.values())
    assert np.mean(list(res.node_stability.values())) >= 0.9


# ----------------------------------------------------------------- results and errors


def test_result_serialises_with_provenance() -> None:
    G = nx.karate_club_graph()
    res = louvain(G, seed=3, engine="networkx", resolution=1.2)
    doc = json.loads(res.to_json())
    prov = doc["provenance"]
    assert prov["algorithm"] == "louvain"
    assert prov["seed"] == 3
    assert prov["engine"] == "networkx"
    assert prov["params"] == {"weight": "weight", "resolution": 1.2, "engine": "networkx"}
    assert prov["input_hash"] == graph_hash(G)
    assert {"python", "networkx", "numpy"} <= set(prov["versions"])
    assert prov["elapsed_s"] >= 0
    assert sorted(map(len, doc["communities"])) == sorted(map(len, res.communities))
    assert len(doc["summary"]) == len(res)


def test_leiden_falls_back_to_louvain_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cm._available
    monkeypatch.setattr(cm, "_available", lambda m: m not in FAST_PACKAGES and real(m))
    res = leiden(nx.barbell_graph(5, 0), seed=0)
    assert isinstance(res, Communities)
    assert (res.algorithm, res.engine) == ("louvain", "networkx")
    assert res.communities == BARBELL
    assert "Leiden requested" in res.provenance.notes[0]
    with pytest.raises(ImportError):
        leiden(nx.barbell_graph(5, 0), objective="cpm")


def test_graph_without_edges_gives_singletons() -> None:
    G = nx.empty_graph(3)
    res = louvain(G, seed=0)
    assert res.communities == [frozenset({0}), frozenset({1}), frozenset({2})]
    assert math.isnan(res.modularity)
    assert any("no edges" in n for n in res.provenance.notes)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda G: louvain(G, engine="gephi"), "engine must be"),
        (lambda G: louvain(G, resolution=-1), "resolution"),
        (lambda G: louvain(G, seed=-3), "seed"),
        (lambda G: louvain(G, seed=1.5), "seed"),
        (lambda G: leiden(G, objective="surprise"), "objective"),
        (lambda G: consensus(G, runs=1), "runs"),
        (lambda G: consensus(G, threshold=0), "threshold"),
        (lambda G: consensus(G, algorithm="girvan_newman"), "algorithm"),
        (lambda G: modularity(G, [{0, 1}]), "in no community"),
        (lambda G: modularity(G, [set(G), {"ghost"}]), "not in the graph"),
        (lambda G: modularity(G, [{0, 1}, {1, 2}]), "in communities"),
        (lambda G: nmi({0: 1, 1: 1}, {0: 1, 2: 1}), "different nodes"),
        (lambda G: ari([], []), "empty"),
    ],
)
def test_bad_arguments_raise_value_error(call: Callable[[nx.Graph], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(nx.path_graph(4))


def test_negative_and_non_numeric_weights_are_rejected() -> None:
    G = nx.path_graph(3)
    G[0][1]["weight"] = -1
    with pytest.raises(ValueError, match="non-negative"):
        louvain(G)
    G[0][1]["weight"] = "heavy"
    with pytest.raises(ValueError, match="non-numeric"):
        louvain(G)


def test_directed_graph_rejects_undirected_only_engines() -> None:
    fast_engines.engine("igraph")
    with pytest.raises(ValueError, match="undirected graphs only"):
        louvain(nx.DiGraph([(0, 1), (1, 2)]), engine="igraph")
    with pytest.raises(ValueError, match="undirected graphs only"):
        leiden(nx.DiGraph([(0, 1), (1, 2)]), engine="igraph")


# ----------------------------------------------------------------- fast engines


def _planted(seed: int = 0) -> nx.Graph:
    """40 groups of 50 nodes, dense inside, sparse between: enough for ties and threads."""
    return nx.planted_partition_graph(40, 50, 0.3, 0.01, seed=seed)


@pytest.mark.parametrize(
    ("algorithm", "engine"),
    [("louvain", e) for e in ("networkit", "igraph")]
    + [("leiden", e) for e in ("networkit", "igraph")]
    + [("label_propagation", e) for e in ("networkit", "igraph")],
)
def test_fast_engines_repeat_for_a_seed_and_vary_across_seeds(algorithm: str, engine: str) -> None:
    _engine_or_skip(engine)
    fn = {"louvain": louvain, "leiden": leiden, "label_propagation": label_propagation}[algorithm]
    G = nx.les_miserables_graph()
    runs = {s: fn(G, seed=s, engine=engine).communities for s in range(12)}
    assert all(fn(G, seed=s, engine=engine).communities == runs[s] for s in (0, 5, 11))
    # the seed is used: some seeds give another partition
    assert len({frozenset(c) for c in runs.values()}) > 1
    big = edge_arrays(_planted())
    assert fn(big, seed=3, engine=engine).membership == fn(big, seed=3, engine=engine).membership


def test_networkit_runs_on_one_thread_and_restores_the_thread_count() -> None:
    nk = fast_engines.engine("networkit")
    before = nk.getMaxNumberOfThreads()
    seen: list[int] = []
    real = cm._networkit_labels

    def spy(algo: object, perm: np.ndarray | None = None) -> np.ndarray:
        seen.append(nk.getMaxNumberOfThreads())
        return real(algo, perm)

    try:
        cm._networkit_labels = spy  # type: ignore[assignment]
        louvain(_planted(), seed=1, engine="networkit")
        leiden(_planted(), seed=1, engine="networkit")
        label_propagation(_planted(), seed=1, engine="networkit")
    finally:
        cm._networkit_labels = real  # type: ignore[assignment]
    assert seen == [1, 1, 1]
    assert nk.getMaxNumberOfThreads() == before


@pytest.mark.parametrize("algorithm", ["louvain", "leiden", "label_propagation"])
def test_every_engine_returns_the_same_result_type(algorithm: str) -> None:
    fn = {"louvain": louvain, "leiden": leiden, "label_propagation": label_propagation}[algorithm]
    engines = {
        "louvain": LOUVAIN_ENGINES,
        "leiden": LEIDEN_ENGINES,
        "label_propagation": LPA_ENGINES,
    }[algorithm]
    G = _planted(1)
    truth = {v: G.nodes[v]["block"] for v in G}
    results = []
    for engine in engines:
        if engine != "networkx" and not fast_engines.available(engine):
            continue
        res = fn(G, seed=2, engine=engine)
        results.append(res)
        assert type(res) is Communities
        assert res.engine == engine
        assert set(res.membership) == set(G)
        assert all(type(c) is frozenset for c in res.communities)
        assert [len(c) for c in res.communities] == sorted(map(len, res.communities), reverse=True)
        assert type(res.possibly_merged) is tuple
        assert len(res.summary()) == len(res)
        assert json.loads(res.to_json())["provenance"]["engine"] == engine
        assert nmi(res, truth) > 0.95
    assert len(results) >= 2
    fields = [sorted(vars(r)) for r in results]
    assert all(f == fields[0] for f in fields)


def test_auto_falls_back_to_networkx_without_the_fast_packages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = cm._available
    monkeypatch.setattr(cm, "_available", lambda m: m not in FAST_PACKAGES and real(m))
    G = nx.barbell_graph(5, 0)
    for fn in (louvain, label_propagation):
        res = fn(G, seed=0)
        assert type(res) is Communities
        assert res.engine == "networkx"
        assert res.communities == BARBELL
    with pytest.raises(ImportError, match="networkit"):
        louvain(G, engine="networkit")


def test_auto_prefers_networkit_then_igraph(monkeypatch: pytest.MonkeyPatch) -> None:
    fast_engines.engine("networkit")
    fast_engines.engine("igraph")
    G = nx.barbell_graph(5, 0)
    assert louvain(G, seed=0).engine == "networkit"
    assert leiden(G, seed=0).engine == "networkit"
    assert label_propagation(G, seed=0).engine == "networkit"
    assert leiden(G, seed=0, objective="cpm", resolution=0.5).engine == "igraph"
    real = cm._available
    monkeypatch.setattr(cm, "_available", lambda m: m != "networkit" and real(m))
    assert louvain(G, seed=0).engine == "igraph"
    assert leiden(G, seed=0).engine == "igraph"
    assert label_propagation(G, seed=0).engine == "igraph"


def test_networkit_leiden_is_modularity_only() -> None:
    fast_engines.engine("networkit")
    with pytest.raises(ValueError, match="modularity only"):
        leiden(nx.barbell_graph(5, 0), objective="cpm", engine="networkit")


def test_resolution_limit_check_is_lazy_and_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    G = nx.ring_of_cliques(30, 5)
    calls: list[int] = []
    real = cm._possibly_merged

    def counting(*args: object, **kwargs: object) -> tuple[int, ...]:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cm, "_possibly_merged", counting)
    res = louvain(G, seed=1, engine="networkx")
    assert calls == []  # not computed until asked for
    louvain(nx.karate_club_graph(), seed=9)  # other runs in between change nothing
    flagged = res.possibly_merged
    assert flagged and calls == [1]
    assert res.possibly_merged == flagged and calls == [1]  # computed once
    again = louvain(G, seed=1, engine="networkx")
    assert again.to_dict()["possibly_merged"] == list(flagged) and calls == [1, 1]


def test_consensus_at_high_resolution_keeps_the_groups_every_run_finds() -> None:
    # later rounds cluster the co-assignment graph at resolution 1: at the user's 2.0 the
    # groups every run agrees on fell apart into singletons (87 communities, 75 alone)
    G = nx.random_partition_graph([150, 60, 40, 30, 20, 15], 0.2, 0.01, seed=2)
    runs = [len(louvain(G, seed=s, resolution=2.0).communities) for s in range(5)]
    found = consensus(G, runs=8, seed=1, resolution=2.0)
    assert len(found.communities) <= max(runs) + 5
    assert found.params["resolution"] == 2.0


# ----------------------------------------------------------------- consensus on the links


def _all_pairs_consensus(
    G: nx.Graph, *, algorithm: str, engine: str, runs: int, seed: int
) -> tuple[list[frozenset[object]], int]:
    """The consensus as it was defined before co-assignment moved to the links.

    Co-assignment over every pair of nodes (a pair counts in a run when it shares a
    community); shares below 0.5 dropped; connected components when every share left
    is 1, else the weighted co-assignment graph clustered again with the same
    algorithm (Louvain for label propagation, as both definitions now do), seeds from
    the same sequence. Dense matrices: small graphs only. Returns the partition and
    the number of rounds.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    from netintel.algorithms.results import derived_seeds, labels_to_communities

    threshold, max_rounds = 0.5, 10
    ea = edge_arrays(G)
    run = cm._runner_for(algorithm, engine, ea.directed, 1.0, "modularity")[0]
    again = cm._louvain_runner("auto", False, 1.0)[0] if algorithm == "label_propagation" else run
    seeds = derived_seeds(seed, runs * max_rounds)

    def shares(partitions: list[np.ndarray]) -> np.ndarray:
        together = sum((p[:, None] == p[None, :]).astype(float) for p in partitions)
        return np.triu(np.asarray(together), 1) / len(partitions)

    current = shares([cm._run_once(ea, run, s) for s in seeds[:runs]])
    rounds = 1
    while True:
        kept = np.where(current >= threshold, current, 0.0)
        if not kept.any() or np.all(kept[kept > 0] >= 1 - 1e-9):
            labels = connected_components(csr_array(kept), directed=False)[1]
            break
        rows, cols = np.nonzero(kept)
        graph_d = EdgeArrays(ea.nodes, rows, cols, kept[rows, cols], False)
        if rounds >= max_rounds:
            labels = cm._run_once(graph_d, again, seeds[0])
            break
        batch = seeds[rounds * runs : (rounds + 1) * runs]
        current = shares([cm._run_once(graph_d, again, s) for s in batch])
        rounds += 1
    return labels_to_communities(ea.nodes, labels)[0], rounds


def _davis_women() -> nx.Graph:
    B = nx.davis_southern_women_graph()
    women = [v for v, side in B.nodes(data="bipartite") if side == 0]
    return nx.bipartite.weighted_projected_graph(B, women)


def _complete_karate() -> nx.Graph:
    """Every pair of karate members linked: weight 1 for a friendship, 0.1 otherwise."""
    K = nx.karate_club_graph()
    G = nx.complete_graph(K.number_of_nodes())
    nx.set_edge_attributes(G, 0.1, "weight")
    for u, v in K.edges():
        G.edges[u, v]["weight"] = 1.0
    return G


@pytest.mark.parametrize("engine", ["networkx", "auto"])
@pytest.mark.parametrize("algorithm", ["louvain", "label_propagation"])
def test_link_consensus_equals_all_pairs_consensus_when_every_pair_is_linked(
    algorithm: str, engine: str
) -> None:
    # on a complete graph every co-assigned pair is a link, so both definitions
    # re-cluster the very same graph round after round
    G = _complete_karate()
    rounds = []
    for seed in (0, 1, 2, 3):
        expected, r = _all_pairs_consensus(G, algorithm=algorithm, engine=engine, runs=8, seed=seed)
        found = consensus(G, algorithm=algorithm, engine=engine, runs=8, seed=seed)  # type: ignore[arg-type]
        assert found.communities == expected
        assert found.rounds == r
        rounds.append(r)
    assert max(rounds) > 1  # re-clustering was exercised


@pytest.mark.parametrize("engine", ["networkx", "auto"])
@pytest.mark.parametrize(
    ("name", "graph"),
    [
        ("barbell", lambda: nx.barbell_graph(5, 0)),
        ("ring_of_cliques", lambda: nx.ring_of_cliques(8, 5)),
        ("davis_southern_women", _davis_women),
    ],
)
def test_link_consensus_equals_all_pairs_consensus_when_the_runs_agree(
    name: str, graph: Callable[[], nx.Graph], engine: str
) -> None:
    # when the first round is unanimous (every pair 0 or 1) both are the run's own
    # communities, which are connected by their links
    G = graph()
    for seed in (0, 1, 2, 3):
        expected, rounds = _all_pairs_consensus(
            G, algorithm="louvain", engine=engine, runs=8, seed=seed
        )
        assert rounds == 1, name
        found = consensus(G, runs=8, seed=seed, engine=engine)
        assert found.communities == expected
        assert found.rounds == 1 and found.converged


def test_football_consensus_equals_all_pairs_consensus_when_the_runs_agree(
    shared_data: object,
) -> None:
    from netintel.datasets import football

    G = football()
    unanimous = 0
    for seed in range(6):
        expected, rounds = _all_pairs_consensus(
            G, algorithm="louvain", engine="auto", runs=10, seed=seed
        )
        found = consensus(G, runs=10, seed=seed)
        if rounds == 1:
            unanimous += 1
            assert found.communities == expected
    assert unanimous >= 1


def test_link_consensus_coassignment_holds_linked_pairs_only() -> None:
    G = nx.les_miserables_graph()
    res = consensus(G, runs=5, seed=9, engine="networkx")
    pairs = res.coassignment_frame()
    assert len(pairs) > 0
    assert all(G.has_edge(u, v) for u, v in zip(pairs["u"], pairs["v"], strict=True))
    runs = [louvain(G, seed=s, engine="networkx") for s in res.run_seeds]
    together = {
        frozenset((u, v))
        for u, v in G.edges()
        if any(r.membership[u] == r.membership[v] for r in runs)
    }
    assert {frozenset((u, v)) for u, v in zip(pairs["u"], pairs["v"], strict=True)} == together

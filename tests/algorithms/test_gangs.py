"""find_gangs, the infomap detector and the merge check, on graphs whose gangs are known."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from collections.abc import Hashable, Sequence

import engines as fast_engines
import networkx as nx
import numpy as np
import pytest
from stability_reference import expected_stability

from netintel.algorithms import Gangs, find_gangs, infomap, label_propagation, louvain

fast_engines.engine("infomap")


def _ring(sizes: list[int], *, inside: float = 1.0, between: float = 1.0) -> nx.Graph:
    """Cliques of the given sizes in a ring, each joined to the next by one link."""
    G = nx.Graph()
    start = 0
    for size in sizes:
        G.add_edges_from(itertools.combinations(range(start, start + size), 2), weight=inside)
        start += size
    firsts = [sum(sizes[:i]) for i in range(len(sizes))]
    for i, first in enumerate(firsts):
        last = first + sizes[i] - 1
        G.add_edge(last, firsts[(i + 1) % len(sizes)], weight=between)
    return G


def _cliques(sizes: list[int]) -> set[frozenset[int]]:
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return {frozenset(range(s, s + size)) for s, size in zip(starts, sizes, strict=True)}


def _shuffled(G: nx.Graph, seed: int) -> nx.Graph:
    """The same graph, nodes and edges inserted in another order (and edge ends swapped)."""
    rng = random.Random(seed)
    nodes = list(G.nodes(data=True))
    edges = list(G.edges(data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    H = G.__class__()
    H.add_nodes_from(nodes)
    flip = not G.is_directed()
    H.add_edges_from((v, u, d) if flip and rng.random() < 0.5 else (u, v, d) for u, v, d in edges)
    return H


def _holding_two_cliques(
    communities: Sequence[frozenset[Hashable]], cliques: set[frozenset[int]]
) -> list[int]:
    return [i for i, c in enumerate(communities) if sum(k <= c for k in cliques) >= 2]


def _rerun(G: nx.Graph, row: dict[str, object]) -> object:
    """The candidate run a scan row describes, run again on its own."""
    und = nx.Graph(G)  # label propagation and Louvain see the links without direction
    seed = row["seed"]
    if row["method"] == "label_propagation":
        return label_propagation(und, seed=seed)  # type: ignore[arg-type]
    if row["method"] == "infomap":
        return infomap(G, seed=seed)  # type: ignore[arg-type]
    return louvain(und, seed=seed, resolution=row["resolution"])  # type: ignore[arg-type]


RINGS = {
    # 30 five-cliques: Fortunato & Barthelemy (2007), more cliques than m(m-1)+2 = 22
    "ring_of_cliques": (nx.ring_of_cliques(30, 5), [5] * 30),
    # the ring links weigh twice a clique link: merging pays even more
    "weighted": (_ring([5] * 30, between=2.0), [5] * 30),
    "mixed_sizes": (_ring([4, 5, 6, 7, 8] * 6), [4, 5, 6, 7, 8] * 6),
}


# ----------------------------------------------------------------- the resolution limit


@pytest.mark.parametrize("name", list(RINGS))
def test_louvain_merges_cliques_and_find_gangs_returns_them(name: str) -> None:
    G, sizes = RINGS[name]
    cliques = _cliques(sizes)
    for seed in (0, 1):
        merged = louvain(G, seed=seed)
        assert len(merged) < len(cliques)
        gangs = find_gangs(G, seed=seed)
        assert set(gangs.communities) == cliques
        assert gangs.converged
        # a clique's stability is the share of candidate runs that kept it whole in a
        # group made mostly of it (a run that merged it with a neighbour does not count)
        runs = [_rerun(G, r) for r in gangs.scan]
        for c, clique in enumerate(gangs.communities):
            found = sum(
                any(clique <= group and 2 * len(clique) > len(group) for group in run.communities)
                for run in runs
            ) / len(runs)
            assert gangs.community_stability[c] == pytest.approx(found)
        if name == "ring_of_cliques":  # heavier ring links make more runs merge neighbours
            assert min(gangs.community_stability) >= 5 / 7


@pytest.mark.parametrize("name", list(RINGS))
def test_merge_check_flags_exactly_the_merged_cliques(name: str) -> None:
    G, sizes = RINGS[name]
    cliques = _cliques(sizes)
    res = louvain(G, seed=0)
    merged = _holding_two_cliques(res.communities, cliques)
    assert merged
    assert list(res.possibly_merged) == merged
    assert find_gangs(G, seed=0).possibly_merged == ()


def test_a_single_big_clique_is_not_flagged() -> None:
    for G in (nx.complete_graph(20), nx.barbell_graph(12, 0)):
        res = louvain(G, seed=0)
        assert max(len(c) for c in res.communities) >= 12
        assert res.possibly_merged == ()


def _satellite() -> nx.Graph:
    """A 12-clique (links of weight 1) and a 4-clique (weight 2) whose members each call 4
    of the twelve: per pair, the four call each other 6 times as much as they call the
    twelve (2 against 16 / 48), and the twelve call each other 3 times as much."""
    G = nx.complete_graph(12)
    nx.set_edge_attributes(G, 1, "weight")
    G.add_edges_from(itertools.combinations(range(12, 16), 2), weight=2)
    G.add_edges_from(((12 + i, (4 * i + j) % 12) for i in range(4) for j in range(4)), weight=1)
    return G


def test_merge_warning_leaves_random_groups_alone_and_flags_two_held_together() -> None:
    from netintel.algorithms import communities as cm
    from netintel.algorithms.results import edge_arrays

    # ten random blocks of 40 (p_in 0.25, p_out 0.005): label propagation finds them; any
    # split of a random block finds parts twice as dense inside, but no more modular than
    # chance (Guimera et al. 2004), so none is flagged (the density test alone flagged all ten)
    G = nx.random_partition_graph([40] * 10, 0.25, 0.005, seed=1)
    blocks = [frozenset(b) for b in G.graph["partition"]]
    found = label_propagation(G, seed=0, weight=None)
    assert sorted(found.communities, key=min) == blocks
    assert found.possibly_merged == ()
    # two of the blocks held as one community: flagged
    und = edge_arrays(G, None).undirected()
    position = {v: i for i, v in enumerate(und.nodes)}
    labels = np.zeros(und.n, dtype=np.int64)
    for c, block in enumerate(blocks):
        labels[[position[v] for v in block]] = max(c - 1, 0)
    assert cm._possibly_merged(und, labels, 9, cm._check_runner(), 0) == (0,)


def test_merge_warning_flags_a_small_dense_group_attached_to_a_larger_one() -> None:
    G = _satellite()
    # label propagation keeps the sixteen together (seeds 0 and 1): one community...
    res = label_propagation(G, seed=0)
    assert res.communities == [frozenset(range(16))]
    # ... which the warning flags: Louvain on its own links parts the four from the twelve
    assert res.possibly_merged == (0,)
    # label propagation inside it (the check before, still the profile's) does not
    from netintel.algorithms import communities as cm
    from netintel.algorithms.results import edge_arrays

    und = edge_arrays(G, "weight").undirected()
    lpa = cm._lpa_runner("auto", False)[0]
    one = np.zeros(16, dtype=np.int64)
    assert cm._possibly_merged(und, one, 1, lpa, 0, criterion="weak") == ()


def test_find_gangs_opens_a_gang_that_holds_two_groups_of_a_finer_level() -> None:
    # six planted blocks (20, 4, 4, 20, 5, 4 people; p_in 0.8, p_out 0.06): the agreement
    # of the candidate runs keeps two of them together; Louvain at resolution 2 (the
    # profile's second level) parts them, each a group within the gang they shared
    G = nx.random_partition_graph([20, 4, 4, 20, 5, 4], 0.8, 0.06, seed=6)
    blocks = {frozenset(b) for b in G.graph["partition"]}
    kept = find_gangs(G, seed=0, refine=False)
    assert len(kept) == 5 and kept.params["opened"] == [] and kept.params["refine"] is False
    gangs = find_gangs(G, seed=0)  # refine=True, the default
    assert set(gangs.communities) == blocks
    assert gangs.params["opened"] == [{"resolution": 2.0, "gangs": 1}]
    assert gangs.params["refine"] is True


def test_opening_reuses_the_profile_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import netintel.algorithms.gangs as gm

    G = nx.random_partition_graph([20, 4, 4, 20, 5, 4], 0.8, 0.06, seed=6)
    calls: list[int] = []
    real = gm._run_once

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(gm, "_run_once", counting)
    gm.find_gangs(G, seed=0, refine=False)
    without = len(calls)
    gm.find_gangs(G, seed=0)
    assert len(calls) == 2 * without


def test_opening_keeps_a_dense_gang_a_finer_level_merely_cuts() -> None:
    from netintel.algorithms.gangs import _open_groups
    from netintel.algorithms.results import edge_arrays

    # two 4-cliques joined by one link, held as one gang; the finer level parts them:
    # each has 6 links inside (12 counted from both ends) and 1 to the other: opened
    two = edge_arrays(nx.barbell_graph(4, 0), "weight").undirected()
    one_gang = np.zeros(8, dtype=np.int64)
    halves = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    assert _open_groups(two, one_gang, halves).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    # an 8-clique cut in the same two halves: each half has 6 links inside (12 from both
    # ends) and 16 to the other half: kept whole
    clique = edge_arrays(nx.complete_graph(8), "weight").undirected()
    assert _open_groups(clique, one_gang, halves).tolist() == [0] * 8
    # one group is not enough: a 4-clique whose members each have one contact of their own
    # (the four contacts have no link among them, 4 to the clique): kept whole
    G = nx.complete_graph(4)
    G.add_edges_from((i, 4 + i) for i in range(4))
    pendants = edge_arrays(G, "weight").undirected()
    assert _open_groups(pendants, one_gang, halves).tolist() == [0] * 8
    # but a path of 4 hanging from the clique (3 links inside, 1 to it) is a group: opened
    lollipop = edge_arrays(nx.lollipop_graph(4, 4), "weight").undirected()
    assert _open_groups(lollipop, one_gang, halves).tolist() == [0, 0, 0, 0, 1, 1, 1, 1]


def test_opening_leaves_random_communities_whole() -> None:
    import warnings

    from netintel.algorithms import ari

    # LFR communities are random graphs inside: Louvain at high resolutions cuts them into
    # pieces that are weak communities within them, but a random graph's best split reaches
    # that modularity by chance (Guimera et al. 2004), so they stay whole. Without that
    # test, refine=True opened 123 of them here (ARI 0.80).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G = nx.LFR_benchmark_graph(
            3000, 3, 1.5, 0.2, average_degree=10, max_degree=50,
            min_community=10, max_community=50, seed=1, max_iters=5000,
        )  # fmt: skip
    G.remove_edges_from(nx.selfloop_edges(G))
    truth = {v: min(G.nodes[v]["community"]) for v in G}
    gangs = find_gangs(G, seed=0, refine=True)
    found = {v: c for c, members in enumerate(gangs.communities) for v in members}
    assert round(ari(found, truth), 3) == 0.998
    assert sum(level["gangs"] for level in gangs.params["opened"]) == 1


def test_chance_modularity_of_a_random_graph() -> None:
    from netintel.algorithms.gangs import _random_graph_modularity

    # Guimera, Sales-Pardo & Amaral (2004), eq. 8: 0.97 (1 - 2 / sqrt(n)) (2 / k)^(2/3)
    got = _random_graph_modularity(np.array([100, 4, 50]), np.array([2.0, 8.0, 16.0]))
    assert got[0] == pytest.approx(0.97 * 0.8)
    assert got[1] == pytest.approx(0.0)  # four nodes: 1 - 2 / sqrt(4) = 0
    assert got[2] == pytest.approx(0.97 * (1 - 2 / 50**0.5) * 0.25)


def test_find_gangs_on_a_clique_reports_one_gang() -> None:
    gangs = find_gangs(nx.complete_graph(12), seed=0)
    assert gangs.communities == [frozenset(range(12))]
    assert gangs.possibly_merged == ()


# ----------------------------------------------------------------- determinism


def test_same_seed_same_gangs_whatever_the_insertion_order() -> None:
    G = RINGS["mixed_sizes"][0]
    # a messier graph too, where runs disagree and re-clustering happens
    for graph in (G, nx.les_miserables_graph()):
        first = find_gangs(graph, seed=5)
        for other in (find_gangs(graph, seed=5), find_gangs(_shuffled(graph, 1), seed=5)):
            assert other.communities == first.communities
            assert other.node_stability == first.node_stability
            assert other.community_stability == first.community_stability
            assert other.scan == first.scan
            assert other.levels == first.levels
            assert other.parent_of == first.parent_of


def test_run_seeds_are_recorded_and_differ_across_seeds() -> None:
    G = nx.ring_of_cliques(6, 5)
    a, b = find_gangs(G, seed=0), find_gangs(G, seed=1)
    assert len(a.run_seeds) == len(set(a.run_seeds)) == 9
    assert set(a.run_seeds).isdisjoint(b.run_seeds)
    assert tuple(r["seed"] for r in a.scan) == a.run_seeds
    assert [r["method"] for r in a.scan] == ["label_propagation"] * 5 + ["infomap"] * 2 + [
        "louvain"
    ] * 2
    unseeded = find_gangs(G, seed=None)
    assert isinstance(unseeded.provenance.seed, int)
    assert find_gangs(G, seed=unseeded.provenance.seed).run_seeds == unseeded.run_seeds


def test_scan_records_what_each_candidate_run_found() -> None:
    G = nx.karate_club_graph()
    gangs = find_gangs(G, seed=0)
    assert [r["method"] for r in gangs.scan] == ["label_propagation"] * 5 + ["infomap"] * 2 + [
        "louvain"
    ] * 2
    assert {r["resolution"] for r in gangs.scan[7:]} == {gangs.chosen_resolution}
    for row in gangs.scan:
        run = _rerun(G, dict(row))
        assert row["communities"] == len(run)
        assert row["modularity"] == pytest.approx(run.modularity)


# ----------------------------------------------------------------- hierarchy


def _alliance_graph() -> tuple[nx.Graph, list[frozenset[int]]]:
    """Six 6-cliques; cliques 0-1, 2-3 and 4-5 joined by 3 links each, pairs by 1."""
    G = nx.Graph()
    for i in range(6):
        G.add_edges_from(itertools.combinations(range(6 * i, 6 * i + 6), 2))
    for a, b in ((0, 1), (2, 3), (4, 5)):
        G.add_edges_from((6 * a + j, 6 * b + j) for j in range(3))
    for a, b in ((1, 2), (3, 4), (5, 0)):
        G.add_edge(6 * a + 5, 6 * b + 5)
    alliances = [frozenset(range(12 * i, 12 * i + 12)) for i in range(3)]
    return G, alliances


def test_gangs_group_into_the_alliances_that_call_each_other() -> None:
    G, alliances = _alliance_graph()
    for seed in (0, 1, 2):
        gangs = find_gangs(G, seed=seed)
        assert set(gangs.communities) == _cliques([6] * 6)
        assert len(gangs.levels) == 2
        assert gangs.levels[-1] == gangs.communities
        assert set(gangs.levels[0]) == set(alliances)
        (parent,) = gangs.parent_of
        assert len(parent) == len(gangs.communities)
        for a, alliance in enumerate(gangs.levels[0]):
            inside = gangs.gangs_in(a)
            assert len(inside) == 2
            assert frozenset().union(*(gangs.communities[g] for g in inside)) == alliance
            assert all(gangs.alliance_of(g) == a for g in inside)
        for g, gang in enumerate(gangs.communities):
            holding = [a for a, alliance in enumerate(gangs.levels[0]) if gang <= alliance]
            assert holding == [parent[g]]
        frame = gangs.level_frame()
        assert list(frame.columns) == ["node", "alliance", "gang", "stability"]
        for node, alliance, gang, stability in frame.itertuples(index=False):
            assert node in gangs.communities[gang]
            assert node in gangs.levels[0][alliance]
            assert stability == gangs.node_stability[node]
        assert list(gangs.summary()["alliance"]) == list(parent)


def test_unconnected_gangs_are_their_own_alliances() -> None:
    G = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(6))
    gangs = find_gangs(G, seed=0)
    assert set(gangs.communities) == {frozenset(range(5)), frozenset(range(5, 11))}
    assert gangs.levels[0] == gangs.levels[1]
    assert gangs.parent_of == ((0, 1),)


# ----------------------------------------------------------------- stability


def test_stability_is_the_share_of_runs_with_the_majority_of_the_gang() -> None:
    G = nx.karate_club_graph()
    gangs = find_gangs(G, seed=0)
    runs = [_rerun(G, dict(r)) for r in gangs.scan]
    expected = expected_stability(gangs, runs)
    for v, share in expected.items():
        assert gangs.node_stability[v] == pytest.approx(share)
    assert len(expected) >= 25
    # the karate club is not cleanly split: some gang is not fully stable
    assert min(gangs.community_stability) < 1.0


def test_a_gang_most_runs_merge_is_not_reported_as_stable() -> None:
    # two 8-cliques joined by 24 links: most candidate runs put all 16 together, the
    # Louvain runs and the re-clustering split them; the runs that merged them do not count
    G = nx.Graph()
    G.add_edges_from(itertools.combinations(range(8), 2))
    G.add_edges_from(itertools.combinations(range(8, 16), 2))
    G.add_edges_from((i, 8 + (i + k) % 8) for k in range(3) for i in range(8))
    gangs = find_gangs(G, seed=0)
    merged = sum(r["communities"] == 1 for r in gangs.scan)
    assert merged >= 5
    assert len(gangs) == 2
    assert gangs.community_stability == pytest.approx((1 - merged / 9,) * 2)


# ----------------------------------------------------------------- arguments and inputs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"label_propagation_runs": -1}, "label_propagation_runs must be an integer >= 0"),
        ({"label_propagation_runs": 2.5}, "label_propagation_runs must be an integer"),
        ({"infomap_runs": True}, "infomap_runs must be an integer >= 0"),
        ({"max_rounds": 0}, "max_rounds must be an integer >= 1"),
        (
            {"label_propagation_runs": 1, "infomap_runs": 0, "modularity_runs": 0},
            "at least 2 candidate runs",
        ),
        (
            {"label_propagation_runs": 0, "infomap_runs": 1, "modularity_runs": 0},
            "at least 2 candidate runs",
        ),
        ({"modularity_runs": -1}, "modularity_runs must be an integer >= 0"),
        ({"resolutions": (2.0, 1.0)}, "resolutions must be positive and increasing"),
        ({"threshold": 0}, r"threshold must be in \(0, 1\]"),
        ({"threshold": 1.5}, r"threshold must be in \(0, 1\]"),
        ({"threshold": -0.2}, r"threshold must be in \(0, 1\]"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_gangs(nx.ring_of_cliques(4, 5), **kwargs)  # type: ignore[arg-type]


def test_negative_weights_are_rejected() -> None:
    G = nx.ring_of_cliques(4, 5)
    nx.set_edge_attributes(G, 1.0, "weight")
    G.edges[0, 1]["weight"] = -2.0
    with pytest.raises(ValueError, match="negative"):
        find_gangs(G, seed=0)


def test_threshold_one_keeps_only_what_every_run_agrees_on() -> None:
    G, sizes = RINGS["mixed_sizes"]
    gangs = find_gangs(G, seed=0, threshold=1.0)
    assert set(gangs.communities) == _cliques(sizes)


def test_label_propagation_alone_says_so() -> None:
    G, sizes = RINGS["ring_of_cliques"]
    gangs = find_gangs(G, seed=0, infomap_runs=0, modularity_runs=0, label_propagation_runs=4)
    assert set(gangs.communities) == _cliques(sizes)
    assert [r["method"] for r in gangs.scan] == ["label_propagation"] * 4
    assert gangs.provenance.params["infomap_runs"] == 0
    assert gangs.provenance.params["methods"] == ["label_propagation"]
    assert gangs.profile == () and gangs.chosen_resolution is None
    assert "infomap" not in gangs.engine
    both = find_gangs(G, seed=0)
    assert both.provenance.params["methods"] == ["label_propagation", "infomap", "louvain"]
    assert "infomap: infomap" in both.engine


def _directed_ring(cliques: int, size: int) -> nx.DiGraph:
    """Cliques calling both ways inside, each calling the next one way round the ring."""
    G = nx.DiGraph()
    for i in range(cliques):
        G.add_edges_from(itertools.permutations(range(size * i, size * i + size), 2))
        G.add_edge(size * i + size - 1, size * ((i + 1) % cliques))
    return G


def test_directed_calls_are_accepted() -> None:
    G = _directed_ring(30, 5)
    gangs = find_gangs(G, seed=0)
    assert set(gangs.communities) == _cliques([5] * 30)
    assert gangs.possibly_merged == ()
    assert find_gangs(_shuffled(G, 2), seed=0).communities == gangs.communities


def test_to_json_round_trips_with_scan_and_hierarchy() -> None:
    G, alliances = _alliance_graph()
    gangs = find_gangs(G, seed=0)
    assert isinstance(gangs, Gangs)
    doc = json.loads(gangs.to_json())
    assert doc["provenance"]["algorithm"] == "find_gangs"
    assert [row["method"] for row in doc["scan"]] == [r["method"] for r in gangs.scan]
    assert [row["agreement"] for row in doc["scan"]] == pytest.approx(
        [r["agreement"] for r in gangs.scan]
    )
    assert [sorted(map(frozenset, level)) for level in doc["levels"]] == [
        sorted(level) for level in gangs.levels
    ]
    assert {frozenset(c) for c in doc["levels"][0]} == set(alliances)
    assert doc["parent_of"] == [list(p) for p in gangs.parent_of]
    assert len(gangs.scan_frame()) == 9
    assert doc["chosen_resolution"] == gangs.chosen_resolution
    assert [row["resolution"] for row in doc["profile"]] == [r["resolution"] for r in gangs.profile]


# ----------------------------------------------------------------- infomap detector


def test_infomap_finds_every_clique_of_a_ring() -> None:
    sizes = [5, 6, 7, 8] * 2
    res = infomap(_ring(sizes), seed=0)
    assert set(res.communities) == _cliques(sizes)
    assert res.engine == "infomap"
    assert res.algorithm == "infomap"
    assert res.possibly_merged == ()


def test_infomap_is_deterministic_for_a_seed() -> None:
    G = nx.les_miserables_graph()
    first = infomap(G, seed=3)
    assert infomap(G, seed=3).communities == first.communities
    assert infomap(_shuffled(G, 4), seed=3).communities == first.communities
    assert first.provenance.seed == 3


def test_infomap_takes_directed_calls() -> None:
    G = _directed_ring(8, 5)
    res = infomap(G, seed=1)
    assert set(res.communities) == _cliques([5] * 8)
    assert res.provenance.params["weight"] == "weight"


def test_infomap_rejects_other_engines() -> None:
    from netintel.algorithms import consensus

    with pytest.raises(ValueError, match="engine must be 'auto' or 'infomap'"):
        consensus(nx.ring_of_cliques(4, 5), algorithm="infomap", engine="networkx")  # type: ignore[arg-type]


def test_a_gang_holding_most_of_the_network_is_noted() -> None:
    # one dense group: every method keeps it whole, and the result says what that means
    gangs = find_gangs(nx.complete_graph(30), seed=0)
    assert len(gangs) == 1
    assert any("one gang holds 30 of the 30 people" in n for n in gangs.provenance.notes)
    assert not any(
        "one gang holds" in n for n in find_gangs(RINGS["ring_of_cliques"][0]).provenance.notes
    )


def _cell_graph(heavy: float, cell_links: list[tuple[int, int]]) -> nx.Graph:
    """A 20-clique (weight 1) and four people 20-23 linked by ``cell_links`` (``heavy``
    each), every one of the four also calling all twenty once."""
    G = nx.complete_graph(20)
    nx.set_edge_attributes(G, 1, "weight")
    G.add_weighted_edges_from((20 + i, 20 + j, heavy) for i, j in cell_links)
    G.add_weighted_edges_from((20 + i, j, 1) for i in range(4) for j in range(20))
    return G


def test_a_tight_cell_is_split_from_the_gang_it_calls_most() -> None:
    from netintel.algorithms.gangs import _tight_cells
    from netintel.algorithms.results import edge_arrays

    clique = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    one_gang = np.zeros(24, dtype=np.int64)
    finer = np.array([0] * 20 + [1] * 4)

    def cells(G: nx.Graph, gangs: np.ndarray = one_gang) -> list[int]:
        ea = edge_arrays(G, "weight").undirected()
        order = np.argsort(np.array(ea.nodes))
        return _tight_cells(ea, gangs[order], finer[order])[np.argsort(order)].tolist()

    # the four call each other 5 times a link (30 calls, 60 from both ends) and the
    # twenty 80 times, once a link: not a community in the weak sense, but a tight cell
    assert cells(_cell_graph(5, clique)) == [-1] * 20 + [1] * 4
    # 3 calls a link is not 4 times the 1 of their links to the rest
    assert cells(_cell_graph(3, clique)) == [-1] * 24
    # a path (3 of the 6 pairs linked) is not tight, however heavy its links
    assert cells(_cell_graph(50, [(0, 1), (1, 2), (2, 3)])) == [-1] * 24
    # unweighted links never make a cell
    assert cells(nx.Graph(_cell_graph(1, clique).edges())) == [-1] * 24
    # a piece that is its whole gang is not split from it
    apart = np.array([0] * 20 + [1] * 4)
    assert cells(_cell_graph(5, clique), apart) == [-1] * 24


def test_published_networks_at_each_level(shared_data: object) -> None:
    from netintel.algorithms import nmi
    from netintel.datasets import football, ground_truth_partition, polbooks

    # the figures of docs/gangs.md ("Published networks"): gangs, and polbooks' alliances
    G = football()
    gangs = find_gangs(G, seed=0)
    assert (len(gangs), round(nmi(gangs, ground_truth_partition(G, "value")), 3)) == (11, 0.904)
    sec = next(c for c in gangs.communities if "Alabama" in c)
    assert Counter(G.nodes[v]["value"] for v in sec) == {9: 12, 10: 3, 5: 1, 11: 1}
    B = polbooks()
    books = find_gangs(B, seed=0)
    truth = {v: d["value"] for v, d in B.nodes(data=True)}
    alliances = {v: i for i, c in enumerate(books.levels[0]) for v in c}
    assert (len(books), round(nmi(books, ground_truth_partition(B, "value")), 3)) == (6, 0.478)
    assert (len(books.levels[0]), round(nmi(alliances, truth), 3)) == (2, 0.598)


# ----------------------------------------------------------------- loose groups


def _crowd_and_gangs(gang_calls: float, crowd_calls: float, out_calls: float) -> nx.Graph:
    """Two gangs (5-cliques 0-4 and 5-9, ``gang_calls`` a link, joined by one such link)
    and a crowd (a 6-clique 10-15, ``crowd_calls`` a link) whose members each call one
    gang member ``out_calls`` times."""
    G = _ring([5, 5], inside=gang_calls, between=gang_calls)
    G.add_edges_from(itertools.combinations(range(10, 16), 2), weight=crowd_calls)
    G.add_weighted_edges_from((10 + i, i % 10, out_calls) for i in range(6))
    return G


@pytest.mark.parametrize("method", ["find_gangs", "louvain"])
def test_a_crowd_that_calls_out_more_per_contact_than_in_is_a_loose_group(method: str) -> None:
    detect = find_gangs if method == "find_gangs" else louvain
    found = detect(_crowd_and_gangs(10, 1, 3), seed=0)
    crowd = frozenset(range(10, 16))
    assert set(found.communities) == {frozenset(range(5)), frozenset(range(5, 10)), crowd}
    assert found.loose == (found.communities.index(crowd),)
    row = found.summary().set_index("community").loc[found.communities.index(crowd)]
    assert (row["weight_per_link"], row["weight_per_cut_link"], row["loose"]) == (1.0, 3.0, True)
    # the same crowd calling each other more per contact than it calls out is a group
    assert detect(_crowd_and_gangs(10, 4, 3), seed=0).loose == ()


@pytest.mark.parametrize(("crowd_calls", "loose"), [(3.6, True), (3.9, False)])
def test_a_crowd_hardly_heavier_inside_than_out_is_loose(crowd_calls: float, loose: bool) -> None:
    # 3.6 calls a link inside against 3 out is less than LOOSE_RATIO (1.25) times as many;
    # 3.9 is more. The demo's crowd had 1.18 inside against 1.14 out.
    found = find_gangs(_crowd_and_gangs(10, crowd_calls, 3), seed=0)
    crowd = frozenset(range(10, 16))
    assert crowd in found.communities
    assert found.loose == ((found.communities.index(crowd),) if loose else ())


def test_on_unweighted_links_no_group_with_a_link_inside_is_loose() -> None:
    G = _crowd_and_gangs(1, 1, 1)
    assert louvain(G, seed=0).loose == ()
    assert find_gangs(G, seed=0).loose == ()
    # directed and unweighted: a pair calling both ways is one link of weight 2 inside the
    # rule, but every link of the input weighs the same, so nothing is loose
    D = nx.DiGraph(G)
    D.remove_edges_from([(v, u) for u, v in G.edges() if u >= 10 and v >= 10])
    assert louvain(D, seed=0).loose == ()


def test_a_group_whose_members_never_call_each_other_is_loose() -> None:
    from netintel.algorithms.communities import _loose, _per_link
    from netintel.algorithms.results import edge_arrays

    # a star: the centre alone, and the four leaves as one "group" that only calls it
    ea = edge_arrays(nx.star_graph(4), None)
    labels = np.array([0, 1, 1, 1, 1])
    per_link, per_cut_link = _per_link(ea, labels, 2)
    assert np.isnan(per_link).tolist() == [True, True] and per_cut_link.tolist() == [1.0, 1.0]
    assert _loose(np.bincount(labels), per_link, per_cut_link, weighted=False).tolist() == [1]

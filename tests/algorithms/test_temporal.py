"""Gangs through time: exact events on hand-built sequences, determinism, CAVIAR's phases."""

from __future__ import annotations

import json
from itertools import pairwise

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netintel import datasets
from netintel.algorithms import (
    EVENTS,
    centralization,
    gangs_over_time,
    gangs_over_time_frame,
    time_windows,
    track_communities,
)

A = frozenset(range(0, 6))
B = frozenset(range(10, 16))


def _events(result) -> list[tuple[str, str, str, str]]:
    cols = ["window", "event", "from_tracks", "to_tracks"]
    return [tuple(r) for r in result.events[cols].values.tolist()]


# --------------------------------------------------------------------------- the pure core


def test_split_keeps_the_track_on_the_closest_part_and_lists_the_movers() -> None:
    small = frozenset(range(10, 14))
    t = track_communities([[A | small], [small | {20}, A]], windows=["w0", "w1"])
    # Jaccard on the people seen in both windows (20 is new): A 6/10, small | {20} 4/10
    assert _events(t) == [("w1", "split", "0", "0;1")]
    assert t.communities[["window", "community", "track", "size"]].values.tolist() == [
        ["w0", 0, 0, 10],
        ["w1", 1, 0, 6],
        ["w1", 0, 1, 5],
    ]
    assert t.events["jaccard"].tolist() == [pytest.approx(0.6)]
    moved = t.movers[["person", "from_community", "to_community", "from_track", "to_track"]]
    assert moved.values.tolist() == [[p, 0, 0, 0, 1] for p in sorted(small)]


def test_merge_keeps_the_track_of_the_closest_parent() -> None:
    small = frozenset(range(10, 14))
    t = track_communities([[A, small], [A | small]], windows=["w0", "w1"])
    assert _events(t) == [("w1", "merge", "0;1", "0")]
    assert t.events["jaccard"].tolist() == [pytest.approx(6 / 10)]
    assert t.movers["person"].tolist() == sorted(small)
    assert set(t.movers["to_track"]) == {0} and set(t.movers["from_track"]) == {1}


def test_appear_and_vanish_are_dated_by_the_later_window() -> None:
    C = frozenset(range(30, 35))
    t = track_communities([[A], [A, C], [C]], windows=["a", "b", "c"])
    assert _events(t) == [
        ("b", "continue", "0", "0"),
        ("b", "appear", "", "1"),
        ("c", "continue", "1", "1"),
        ("c", "vanish", "0", ""),
    ]
    assert t.sizes().to_dict(orient="index") == {
        0: {"a": 6, "b": 6, "c": 0},
        1: {"a": 0, "b": 5, "c": 5},
    }


@pytest.mark.parametrize(
    ("after", "event"),
    [
        (frozenset(range(0, 10)) | {20}, "continue"),  # 11 is not above 1.1 * 10
        (frozenset(range(0, 10)) | {20, 21, 22}, "grow"),
        (frozenset(range(0, 9)) | {20}, "continue"),  # 10: same size, one person replaced
        (frozenset(range(0, 8)), "shrink"),  # 8 < 0.9 * 10
        (frozenset(range(0, 9)), "continue"),  # 9 is not below 9.0
    ],
)
def test_grow_shrink_continue_follow_the_size_change_rule(after: frozenset, event: str) -> None:
    t = track_communities([[frozenset(range(10))], [after]])
    assert t.events["event"].tolist() == [event]


def test_people_missing_from_a_window_do_not_break_a_gang() -> None:
    # six of the gang are not intercepted in the second window, and seven new people call
    before = [frozenset(range(10))]
    after = [frozenset(range(4)) | frozenset(range(50, 57))]
    seen = track_communities([before, after])
    assert seen.events["event"].tolist() == ["continue"]  # 11 against 10 is within 10%
    assert seen.events["jaccard"].tolist() == [1.0]  # 0..3 are the only people in both
    plain = track_communities([before, after], seen_in_both=False)  # Greene et al.'s rule
    assert plain.events["event"].tolist() == ["appear", "vanish"]  # 4 / 17 < 0.3
    assert plain.matches.empty


def test_the_jaccard_threshold_is_inclusive() -> None:
    before = [frozenset(range(10))]
    exact = [frozenset(range(3)) | {99}]  # 3 shared; the union on the people seen in both: 10
    t = track_communities([before, [*exact, frozenset(range(3, 10))]], threshold=0.3)
    assert t.matches["jaccard"].round(6).tolist() == [0.7, 0.3]
    below = track_communities([before, [*exact, frozenset(range(3, 10))]], threshold=0.31)
    assert below.matches["jaccard"].round(6).tolist() == [0.7]


def test_a_single_shared_person_is_not_a_match() -> None:
    before = [frozenset({1, 2, 3}), frozenset({7, 8, 9})]
    after = [frozenset({1, 40, 41}), frozenset({7, 8, 42})]
    t = track_communities([before, after])
    # 1 alone links the first pair (Jaccard 1 on the people seen in both); 7 and 8 the second
    assert _events(t) == [
        ("1", "continue", "1", "1"),
        ("1", "appear", "", "2"),
        ("1", "vanish", "0", ""),
    ]
    loose = track_communities([before, after], min_shared=1)
    assert loose.events["event"].tolist() == ["continue", "continue"]


def test_small_groups_are_not_tracked_and_their_members_do_not_move() -> None:
    t = track_communities([[A, {40, 41}], [A - {0}, {0, 40, 41}]], min_size=4)
    assert t.communities["size"].tolist() == [6, 5]
    assert t.movers.empty  # person 0 left for a group too small to be a gang


def test_leaders_come_from_the_scores_and_their_changes_are_listed() -> None:
    scores = [{0: 5.0, 1: 1.0}, {0: 1.0, 1: 5.0}]
    names = {0: "Ann", 1: "Bob"}
    t = track_communities([[A], [A]], scores=scores, names=names, windows=["x", "y"])
    assert t.communities[["leader", "leader_name"]].values.tolist() == [[0, "Ann"], [1, "Bob"]]
    assert t.leader_changes.drop(columns=["community"]).values.tolist() == [
        ["y", 0, 0, "Ann", 1, "Bob"]
    ]
    tie = track_communities([[A]], scores=[dict.fromkeys(A, 1.0)])
    assert tie.communities["leader"].tolist() == [0]  # ties: canonical node order


def test_partitions_may_be_mappings() -> None:
    as_sets = track_communities([[A, B], [A | B]])
    mapping = {v: ("x" if v in A else "y") for v in A | B}
    as_maps = track_communities([mapping, dict.fromkeys(A | B, 0)])
    assert as_maps.events.equals(as_sets.events)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
        ({"size_change": 1}, "size_change"),
        ({"min_size": 0}, "min_size"),
        ({"min_shared": 0}, "min_shared"),
        ({"windows": ["a"]}, "window labels"),
        ({"windows": ["a", "a"]}, "distinct"),
        ({"scores": [{}]}, "score"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        track_communities([[A], [A]], **kwargs)


def test_a_person_in_two_communities_is_an_error() -> None:
    with pytest.raises(ValueError, match="node 0"):
        track_communities([[A, {0, 99}]])


# --------------------------------------------------------------------------- graphs


def _two_gangs(mover_side: str) -> nx.Graph:
    """Two five-cliques 0-4 and 10-14 linked by one call; person 4 calls one side only."""
    G = nx.Graph()
    G.add_edges_from((u, v) for u in range(4) for v in range(u + 1, 4))
    G.add_edges_from((u, v) for u in range(10, 15) for v in range(u + 1, 15))
    G.add_edge(0, 10)
    side = range(4) if mover_side == "left" else range(10, 15)
    G.add_edges_from((4, v) for v in side)
    nx.set_node_attributes(G, {0: "Ann", 4: "Dee", 10: "Kim"}, "name")
    return G


def test_gangs_over_time_finds_the_mover_with_its_name() -> None:
    t = gangs_over_time({"jan": _two_gangs("left"), "feb": _two_gangs("right")}, seed=0)
    assert t.movers[["window", "person", "name", "from_track", "to_track"]].values.tolist() == [
        ["feb", 4, "Dee", 0, 1]
    ]
    assert t.events[["event", "from_size", "to_size"]].values.tolist() == [
        ["grow", 5, 6],
        ["shrink", 5, 4],
    ]
    # leaders: most calls with fellow members; 0 has one call outside, which does not count
    assert t.communities[["window", "leader"]].values.tolist() == [
        ["jan", 0],
        ["jan", 10],
        ["feb", 0],
        ["feb", 4],
    ]
    assert t.leader_changes[["track", "from_leader", "to_leader", "to_name"]].values.tolist() == [
        [1, 10, 4, "Dee"]
    ]


def test_same_graphs_same_seed_same_result_and_provenance() -> None:
    graphs = [datasets.caviar(p) for p in (1, 2, 3)]
    one = gangs_over_time(graphs, seed=3)
    two = gangs_over_time(list(reversed(graphs))[::-1], seed=3)
    assert one.windows == ("CAVIAR phase 1", "CAVIAR phase 2", "CAVIAR phase 3")
    for table in ("communities", "events", "movers", "leader_changes", "matches"):
        assert getattr(one, table).equals(getattr(two, table)), table
    p = one.provenance
    assert p.algorithm == "gangs_over_time" and p.seed == 3
    assert p.params["threshold"] == 0.3 and p.params["seen_in_both"] is True
    assert p.input_hash == two.provenance.input_hash
    data = json.loads(one.to_json())
    assert set(data) >= {"events", "movers", "leader_changes", "centralization", "provenance"}


def test_an_empty_window_makes_every_gang_vanish() -> None:
    empty = nx.Graph()
    empty.add_nodes_from(range(5))
    t = gangs_over_time([_two_gangs("left"), empty], seed=0)
    assert t.events["event"].tolist() == ["vanish", "vanish"]
    assert t.centralization["edges"].tolist() == [21, 0]


def test_gangs_over_time_rejects_what_is_not_a_window() -> None:
    with pytest.raises(ValueError, match="at least one"):
        gangs_over_time([])
    with pytest.raises(ValueError, match="not a networkx graph"):
        gangs_over_time([nx.Graph(), "phase 2"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="keys are the window labels"):
        gangs_over_time({"a": nx.Graph()}, windows=["b"])


def test_plot_draws_the_tracks_and_the_centralisation() -> None:
    t = gangs_over_time({"jan": _two_gangs("left"), "feb": _two_gangs("right")}, seed=0)
    fig = t.plot(title="two gangs")
    top, bottom = fig.axes
    assert top.get_title() == "two gangs"
    assert [x.get_text() for x in bottom.get_xticklabels()] == ["jan", "feb"]
    assert bottom.get_ylabel() == "centralisation"
    discs = top.collections[0].get_offsets()
    assert len(discs) == len(t.communities)
    texts = {x.get_text() for x in top.texts}
    assert {"grow", "shrink"} <= texts and {"5", "6", "4"} <= texts
    ringed = gangs_over_time([_two_gangs("left"), _two_gangs("right")], seed=0).plot(highlight=4)
    edges = ringed.axes[0].collections[0].get_edgecolors()
    assert [bool(e[3]) for e in edges] == [True, False, False, True]  # 4's gang, both windows
    partitions_only = track_communities([[A], [A]])
    assert len(partitions_only.plot().axes) == 1


# --------------------------------------------------------------------------- edge tables


def test_time_windows_tile_or_slide() -> None:
    tiles = time_windows("2024-01-01", "2024-03-01", "30D")
    assert [str(a.date()) for a, _ in tiles] == ["2024-01-01", "2024-01-31", "2024-03-01"]
    slides = time_windows("2024-01-01", "2024-01-20", "10D", "5D")
    assert [(str(a.date()), str(b.date())) for a, b in slides] == [
        ("2024-01-01", "2024-01-11"),
        ("2024-01-06", "2024-01-16"),
        ("2024-01-11", "2024-01-21"),
    ]
    with pytest.raises(ValueError, match="pandas offsets"):
        time_windows("2024-01-01", "2024-02-01", "thirty days")
    with pytest.raises(ValueError, match="after end"):
        time_windows("2024-02-01", "2024-01-01", "30D")


def _calls(edges: list[tuple[int, int]], day: str, repeat: int = 2) -> pd.DataFrame:
    rows = [
        (u, v, pd.Timestamp(day) + pd.Timedelta(hours=h)) for u, v in edges for h in range(repeat)
    ]
    return pd.DataFrame(rows, columns=["caller", "callee", "at"])


def test_an_edge_table_is_cut_into_windows() -> None:
    jan, feb = _two_gangs("left"), _two_gangs("right")
    calls = pd.concat(
        [_calls(list(jan.edges), "2024-01-05"), _calls(list(feb.edges), "2024-02-10")],
        ignore_index=True,
    )
    t = gangs_over_time_frame(
        calls,
        window="30D",
        source="caller",
        target="callee",
        time="at",
        start="2024-01-01",
        names={4: "Dee"},
        seed=0,
    )
    assert t.windows == ("2024-01-01..2024-01-31", "2024-01-31..2024-03-01")
    assert t.movers[["person", "name"]].values.tolist() == [[4, "Dee"]]
    assert t.provenance.params["window"] == "30D" and t.provenance.params["step"] == "30D"
    # each call was made twice: weights are call counts, the graphs are those of the graph entry
    same = gangs_over_time({w: g for w, g in zip(t.windows, (jan, feb), strict=True)}, seed=0)
    assert t.events.equals(same.events)


def test_sliding_windows_overlap() -> None:
    jan, feb = _two_gangs("left"), _two_gangs("right")
    calls = pd.concat(
        [
            _calls(list(jan.edges), "2024-01-05"),
            _calls(list(jan.edges), "2024-02-01"),  # in both windows
            _calls(list(feb.edges), "2024-02-25"),
        ],
        ignore_index=True,
    )
    t = gangs_over_time_frame(
        calls, window="40D", step="20D", source="caller", target="callee", time="at", seed=0
    )
    # from the first call; the second window is the first to reach past the last call
    assert t.windows == ("2024-01-05..2024-02-14", "2024-01-25..2024-03-05")
    # the second window holds the calls of 1 February (jan's 21 links) and 4's 5 new ones
    assert t.centralization["edges"].tolist() == [21, 26]
    assert t.provenance.params["step"] == "20D"
    assert t.track_of(t.windows[1], 0) is not None
    assert t.track_of(t.windows[1], 99) is None


def test_an_edge_table_without_the_columns_is_refused() -> None:
    calls = _calls([(1, 2)], "2024-01-01")
    with pytest.raises(ValueError, match="no column 'time'"):
        gangs_over_time_frame(calls, source="caller", target="callee")
    calls.loc[0, "at"] = pd.NaT
    with pytest.raises(ValueError, match="row 0"):
        gangs_over_time_frame(calls, source="caller", target="callee", time="at")


# --------------------------------------------------------------------------- centralisation


def test_freeman_centralisation_is_one_for_a_star_and_zero_for_a_clique() -> None:
    assert centralization(nx.star_graph(7)) == {"degree": 1.0, "betweenness": 1.0}
    assert centralization(nx.complete_graph(6)) == {"degree": 0.0, "betweenness": 0.0}
    directed = nx.DiGraph([(0, 1), (2, 0), (0, 3)])
    assert centralization(directed) == centralization(nx.star_graph(3))
    assert all(np.isnan(v) for v in centralization(nx.path_graph(2)).values())


# --------------------------------------------------------------------------- CAVIAR


@pytest.fixture(scope="module")
def caviar_phases():
    graphs = {f"phase {p}": datasets.caviar(p) for p in datasets.CAVIAR_PHASES}
    return graphs, gangs_over_time(graphs, seed=0)


def _ranks(G: nx.Graph) -> tuple[int, int]:
    """N1's rank by degree and by betweenness: 1 + how many have more (ties share a rank)."""
    U = nx.Graph(G.to_undirected())
    degree = dict(U.degree())
    between = nx.betweenness_centrality(U)
    return (
        sum(d > degree["N1"] for d in degree.values()) + 1,
        sum(b > between["N1"] for b in between.values()) + 1,
    )


def test_caviar_n1_stays_central_in_every_phase(caviar_phases) -> None:
    graphs, _ = caviar_phases
    ranks = [_ranks(G) for G in graphs.values()]
    # top by degree in 9 of the 11 phases (phase 9: N3 has 11 contacts to N1's 10; phase
    # 11: N12 12, N41 9, N1 and N76 7); top by betweenness in 9, third and second otherwise
    assert [d for d, _ in ranks] == [1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 3]
    contacts = {p: dict(nx.Graph(graphs[f"phase {p}"].to_undirected()).degree()) for p in (9, 11)}
    assert (contacts[9]["N3"], contacts[9]["N1"]) == (11, 10)
    assert [contacts[11][v] for v in ("N12", "N41", "N1", "N76")] == [12, 9, 7, 7]
    assert [b for _, b in ranks] == [1, 1, 1, 1, 1, 1, 1, 1, 3, 1, 2]


def test_caviar_centralisation_falls_in_the_later_phases(caviar_phases) -> None:
    _, result = caviar_phases
    c = result.centralization.set_index("window")
    early = c.loc[[f"phase {p}" for p in (1, 2, 3, 4)]].mean()
    late = c.loc[[f"phase {p}" for p in (9, 10, 11)]].mean()
    # the figures docs/gangs.md gives
    assert early.round(3)[["degree", "betweenness"]].tolist() == [0.759, 0.863]
    assert late.round(3)[["degree", "betweenness"]].tolist() == [0.265, 0.456]
    assert c["betweenness"].idxmin() == "phase 10"
    assert c.loc[["phase 10", "phase 11"], "betweenness"].round(3).tolist() == [0.327, 0.507]
    # from phase 8 on, degree centralisation stays below its lowest value of phases 1-4
    assert c["degree"].iloc[7:].max() < c["degree"].iloc[:4].min()


def test_caviar_n1_leads_its_gang_until_the_last_phase(caviar_phases) -> None:
    _, result = caviar_phases
    c = result.communities
    own = c[c["members"].str.split(";").map(lambda m: "N1" in m)]
    assert len(own) == 11  # N1 is in a tracked gang in every phase
    assert own["leader"].tolist() == ["N1"] * 10 + ["N76"]


def test_caviar_plain_jaccard_loses_gangs_to_people_not_intercepted(caviar_phases) -> None:
    graphs, result = caviar_phases
    phases = list(graphs.values())
    missing = [len(set(a) - set(b)) / len(a) for a, b in pairwise(phases)]
    assert round(sum(missing) / len(missing), 2) == 0.30
    partitions = list(result.partitions)
    assert int((result.communities["window"] != "phase 11").sum()) == 40
    vanished = {
        seen: int(
            (track_communities(partitions, seen_in_both=seen).events["event"] == "vanish").sum()
        )
        for seen in (True, False)
    }
    assert vanished == {True: 9, False: 22}


def test_the_docs_figure_script_writes_its_png(tmp_path) -> None:
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docs" / "figures" / "gangs_over_time.py"
    spec = importlib.util.spec_from_file_location("gangs_over_time_figure", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.main(tmp_path / "figure.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_caviar_matching_sees_the_events_the_phases_hold(caviar_phases) -> None:
    _, result = caviar_phases
    counts = result.events["event"].value_counts()
    assert set(counts.index) <= set(EVENTS)
    # every kind of event happens somewhere in the 10 transitions
    assert set(counts.index) == set(EVENTS)

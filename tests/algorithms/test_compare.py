"""Partition comparison (pure): matching, who moved, NMI/ARI, the greedy matcher."""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netintel.algorithms import compare, compare_partitions, greedy_matching, louvain


def test_unmatched_communities_keep_integer_labels() -> None:
    c = compare_partitions({1: 0, 2: 0, 3: 1, 4: 2, 5: 2}, {1: 0, 2: 0, 3: 0, 4: 1, 5: 1})
    m = c.matching
    assert str(m["community_a"].dtype) == "Int64" and str(m["community_b"].dtype) == "Int64"
    assert m[["community_a", "community_b"]].astype(object).where(
        m.notna(), None
    ).values.tolist() == [
        [0, 0],
        [1, None],
        [2, 1],
    ]


def test_moved_nodes_and_sizes_of_a_split() -> None:
    a = {v: 0 for v in "abcdef"}
    b = {"a": "x", "b": "x", "c": "x", "d": "x", "e": "y", "f": "y"}
    c = compare_partitions(a, b)
    assert c.matching.values.tolist() == [[0, "x", 4, 6, 4, 4 / 6], [pd.NA, "y", 0, 0, 2, 0.0]]
    assert c.moved.values.tolist() == [["e", 0, "y", "x"], ["f", 0, "y", "x"]]
    assert (c.nodes, c.only_in_a, c.only_in_b, c.notes) == (6, (), (), ())
    assert c.nmi == 0.0 and c.ari == 0.0


def test_communities_and_stored_runs_are_read_alike() -> None:
    @dataclass
    class Stored:  # what compare_partitions reads of a netintel.runs.StoredRun
        run_id: str
        membership: dict

    G = nx.barbell_graph(4, 0)
    found = louvain(G, seed=1, engine="networkx")
    stored = Stored("run-1", dict(found.membership))
    c = compare_partitions(stored, found)
    assert (c.run_a, c.run_b, c.moved_nodes, c.nmi) == ("run-1", None, [], 1.0)
    with pytest.raises(ValueError, match="run b must be a StoredRun"):
        compare_partitions(stored, [1, 2])
    with pytest.raises(ValueError, match="share no node"):
        compare_partitions({1: 0}, {2: 0})


def test_greedy_matching_takes_pairs_in_order_each_end_once() -> None:
    assert greedy_matching([]) == []
    assert greedy_matching([(1, "a"), (2, "a"), (1, "b"), (2, "b")]) == [(1, "a"), (2, "b")]
    assert greedy_matching([(2, "b"), (1, "a"), (1, "b")]) == [(2, "b"), (1, "a")]


def test_very_large_tables_are_matched_greedily_by_largest_overlap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # rows 0 and 1 both overlap column 0 most; Hungarian maximises the total (3 + 3),
    # greedy takes the largest overlap first (4) and leaves row 1 the rest (1)
    table = np.array([[4, 3], [3, 1]])
    assert sorted(compare._match(table)) == [(0, 1), (1, 0)]
    monkeypatch.setattr(compare, "_EXACT_MATCHING_CELLS", 0)
    assert compare._match(table) == [(0, 0), (1, 1)]
    assert compare._match(np.array([[0, 2], [0, 0]])) == [(0, 1)]

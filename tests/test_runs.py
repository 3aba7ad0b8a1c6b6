"""Analysis runs against the real Neo4j: write, read back, idempotency, listing, comparison."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel.algorithms import ari, compare_partitions, consensus, key_players, louvain, nmi
from netintel.db import rows_held
from netintel.exceptions import DatabaseError
from netintel.ingest import ingest
from netintel.projection import Projection, person_call_network
from netintel.runs import (
    compare_runs,
    delete_run,
    list_runs,
    read_run,
    write_run,
)

pytestmark = pytest.mark.neo4j

PEOPLE = [f"P{i}" for i in range(1, 9)]
PHONE = {p: f"+4479110000{7 * i:02d}" for i, p in enumerate(PEOPLE)}  # valid UK mobiles


def _calls(month: str, groups: list[list[str]], bridge: tuple[str, str]) -> list[tuple[Any, ...]]:
    rows = []
    for group in groups:
        for a, b in combinations(group, 2):
            rows += [(PHONE[a], PHONE[b], f"2024-{month}-{day:02d}T10:00:00Z") for day in (3, 4, 5)]
    rows.append((PHONE[bridge[0]], PHONE[bridge[1]], f"2024-{month}-20T10:00:00Z"))
    return rows


def records() -> dict[str, pd.DataFrame]:
    """Two gangs; in February P4 changes sides."""
    calls = _calls("01", [PEOPLE[:4], PEOPLE[4:]], ("P4", "P5"))
    calls += _calls("02", [PEOPLE[:3], PEOPLE[3:]], ("P3", "P4"))
    return {
        "persons": pd.DataFrame({"person_id": PEOPLE, "name": [f"Name {p}" for p in PEOPLE]}),
        "phone_users": pd.DataFrame({"person_id": PEOPLE, "number": [PHONE[p] for p in PEOPLE]}),
        "calls": pd.DataFrame(
            [(f"c{i}", *row, 60) for i, row in enumerate(calls)],
            columns=["call_id", "caller", "callee", "started_at", "duration_s"],
        ),
    }


@pytest.fixture
def gangs(graph: neo4j.Driver, tmp_path: Path) -> neo4j.Driver:
    report = ingest(records(), driver=graph, reject_dir=tmp_path, progress=False)
    assert report.rows_rejected == 0
    assert sum(rows_held(graph, report.run_id).values()) == report.rows_loaded
    return graph


def january(driver: neo4j.Driver) -> Projection:
    return person_call_network(driver, since="2024-01-01", until="2024-02-01")


def february(driver: neo4j.Driver) -> Projection:
    return person_call_network(driver, since="2024-02-01", until="2024-03-01")


def snapshot(driver: neo4j.Driver, ids: bool = True) -> list[Any]:
    """Every analysis run and per-node result, with properties (and element ids)."""
    runs, _, _ = driver.execute_query(
        "MATCH (r:AnalysisRun) RETURN elementId(r) AS id, properties(r) AS p ORDER BY r.run_id"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (n)-[r:IN_RUN]->(run) RETURN elementId(r) AS id, n.person_id AS node, "
        "run.run_id AS run, properties(r) AS p ORDER BY run, node"
    )
    out = [r.data() for r in [*runs, *rels]]
    if not ids:
        for row in out:
            row.pop("id")
    return out


def test_write_and_read_back_identical(gangs: neo4j.Driver) -> None:
    proj = january(gangs)
    result = louvain(proj.edge_arrays(), seed=1)
    assert [sorted(c) for c in result.communities] == [PEOPLE[:4], PEOPLE[4:]]
    run_id = write_run(gangs, result, projection=proj)
    assert run_id.startswith("run-")

    stored = read_run(gangs, run_id)
    pd.testing.assert_frame_equal(stored.table, result.to_frame())
    assert stored.provenance.to_dict() == result.provenance.to_dict()
    assert stored.kind == "communities" and stored.label == "Person"
    assert stored.projection == "person_calls"
    assert stored.projection_params == proj.params
    assert stored.membership == result.membership
    assert stored.communities == result.communities
    assert stored.info["modularity"] == result.modularity
    assert stored.info["status"] == "complete"
    assert stored.info["summary"][0]["size"] == 4

    # in the graph: one IN_RUN per person, with its community
    records_, _, _ = gangs.execute_query(
        "MATCH (p:Person)-[r:IN_RUN]->(:AnalysisRun {run_id: $id}) "
        "RETURN p.person_id AS p, r.community AS c ORDER BY p",
        id=run_id,
    )
    assert {r["p"]: r["c"] for r in records_} == result.membership

    runs = list_runs(gangs)
    assert runs["run_id"].tolist() == [run_id]
    row = runs.iloc[0]
    assert (row["algorithm"], row["projection"], row["nodes"], row["communities"]) == (
        "louvain",
        "person_calls",
        8,
        2,
    )
    assert row["input_hash"] == proj.input_hash and row["seed"] == 1
    assert list_runs(gangs, algorithm="leiden").empty
    with pytest.raises(DatabaseError, match="no analysis run"):
        read_run(gangs, "run-nothing")


def test_rewriting_changes_nothing_and_conflicts_are_refused(gangs: neo4j.Driver) -> None:
    proj = january(gangs)
    result = louvain(proj.edge_arrays(), seed=1)
    run_id = write_run(gangs, result, projection=proj)
    before = snapshot(gangs)
    assert write_run(gangs, result, projection=proj) == run_id
    # the same computation run again is the same run
    again = louvain(proj.edge_arrays(), seed=1)
    assert write_run(gangs, again, projection=proj) == run_id
    assert snapshot(gangs) == before

    # a write interrupted half-way is completed by writing again
    gangs.execute_query(
        "MATCH (p:Person)-[r:IN_RUN]->(run:AnalysisRun) WHERE p.person_id IN ['P1', 'P6'] "
        "DELETE r SET run.status = 'writing'"
    )
    assert write_run(gangs, result, projection=proj) == run_id
    assert snapshot(gangs, ids=False) == snapshot_without_ids(before)

    # another result under the same id is refused; nothing changes
    other = louvain(february(gangs).edge_arrays(), seed=1)
    with pytest.raises(DatabaseError, match="already exists with another result"):
        write_run(gangs, other, run_id=run_id)
    assert snapshot(gangs, ids=False) == snapshot_without_ids(before)

    assert delete_run(gangs, run_id) and not delete_run(gangs, run_id)
    assert snapshot(gangs) == []


def snapshot_without_ids(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_consensus_and_key_players_round_trip(gangs: neo4j.Driver) -> None:
    proj = january(gangs)
    cons = consensus(proj.edge_arrays(), runs=5, seed=3)
    cid = write_run(gangs, cons, projection=proj)
    stored = read_run(gangs, cid)
    assert stored.kind == "consensus"
    pd.testing.assert_frame_equal(stored.table, cons.to_frame())
    assert list(stored.info["run_seeds"]) == list(cons.run_seeds)
    assert list(stored.info["community_stability"]) == list(cons.community_stability)

    kp = key_players(proj.to_networkx(), seed=0)
    kid = write_run(gangs, kp, projection=proj)
    stored_kp = read_run(gangs, kid)
    assert stored_kp.kind == "key_players" and not stored_kp.is_partition
    pd.testing.assert_frame_equal(stored_kp.table, kp.to_frame())
    assert stored_kp.table.loc[stored_kp.table["node"] == "P4", "articulation_point"].item()
    with pytest.raises(ValueError, match="not a partition"):
        _ = stored_kp.membership
    with pytest.raises(ValueError, match="key_players run"):
        compare_runs(gangs, cid, kid)
    assert len(list_runs(gangs)) == 2


def test_bad_writes_write_nothing(gangs: neo4j.Driver) -> None:
    proj = january(gangs)
    result = louvain(proj.edge_arrays(), seed=1)
    # computed on another graph than the projection given
    with pytest.raises(ValueError, match="another graph"):
        write_run(gangs, result, projection=february(gangs))
    # nodes that are not in the database
    import networkx as nx

    alien = louvain(nx.barbell_graph(3, 0), seed=1)
    with pytest.raises(DatabaseError, match="not Person nodes"):
        write_run(gangs, alien)
    with pytest.raises(ValueError, match="label"):
        write_run(gangs, result, label="Case")
    with pytest.raises(ValueError, match="can store"):
        write_run(gangs, proj)  # type: ignore[arg-type]
    assert snapshot(gangs) == []


def test_compare_two_runs_finds_who_moved(gangs: neo4j.Driver) -> None:
    jan, feb = january(gangs), february(gangs)
    a = louvain(jan.edge_arrays(), seed=1)
    b = louvain(feb.edge_arrays(), seed=1)
    assert [sorted(c) for c in b.communities] == [PEOPLE[3:], PEOPLE[:3]]
    ida = write_run(gangs, a, projection=jan)
    idb = write_run(gangs, b, projection=feb)
    assert ida != idb

    cmp = compare_runs(gangs, ida, idb)
    assert (cmp.run_a, cmp.run_b, cmp.nodes) == (ida, idb, 8)
    assert cmp.moved_nodes == ["P4"]
    assert cmp.moved[["community_a", "community_b", "expected_b"]].values.tolist() == [[0, 0, 1]]
    assert cmp.matching[["community_a", "community_b", "overlap"]].values.tolist() == [
        [0, 1, 3],
        [1, 0, 4],
    ]
    assert cmp.nmi == pytest.approx(nmi(a, b)) and cmp.nmi < 1
    assert cmp.ari == pytest.approx(ari(a, b)) and cmp.ari < 1
    assert cmp.only_in_a == () and cmp.only_in_b == ()
    # a run compared with itself: nothing moved
    same = compare_runs(gangs, ida, read_run(gangs, ida))
    assert (same.nmi, same.ari, same.moved_nodes) == (1.0, 1.0, [])
    # stored and in-memory results compare alike
    assert compare_partitions(a, b).moved_nodes == ["P4"]
    assert '"moved"' in cmp.to_json()

"""netintel.writeback against the real Neo4j: the one mechanism behind predicted links and
inferred transfers (a run claimed by kind, its rows replaced in one transaction, missing
people refused with nothing written)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel import inferred, predicted
from netintel.exceptions import DatabaseError
from netintel.runs import delete_run

pytestmark = pytest.mark.neo4j


@pytest.fixture
def people(graph: neo4j.Driver) -> neo4j.Driver:
    graph.execute_query(
        "UNWIND [['P1', 'Ann'], ['P2', 'Bo'], ['P3', 'Cy']] AS p "
        "CREATE (:Person {person_id: p[0], name: p[1]})"
    )
    return graph


def link(u: str, v: str, rank: int) -> dict[str, Any]:
    props = {"method": "katz", "score": 1.0 / rank, "rank": rank, "hops": 2, "common": 1}
    return {"u": u, "v": v, "props": {**props, "common_contacts": ["P9"]}}


def hop(run_id: str, giver: str, receiver: str, at: datetime) -> dict[str, Any]:
    return {
        "transfer_id": f"{run_id}:h-{giver}",
        "victim": "P3",
        "giver": giver,
        "receiver": receiver,
        "props": {"hop_id": f"h-{giver}", "at": at, "score": 0.5, "kind": "handover"},
    }


def run_node(driver: neo4j.Driver, run_id: str) -> dict[str, Any] | None:
    records, _, _ = driver.execute_query(
        "OPTIONAL MATCH (r:AnalysisRun {run_id: $id}) RETURN properties(r) AS p", id=run_id
    )
    found: dict[str, Any] | None = records[0]["p"]
    return found


def test_writing_again_replaces_the_runs_rows_and_keeps_other_runs(
    people: neo4j.Driver,
) -> None:
    store = predicted.STORE
    props = {"run_id": "r1", "kind": store.kind, "links": 2}
    store.write(people, "r1", props, [link("P1", "P2", 1), link("P2", "P3", 2)])
    store.write(people, "r2", {**props, "run_id": "r2"}, [link("P1", "P3", 1)])
    store.write(people, "r1", {**props, "links": 1}, [link("P3", "P1", 1)])
    frame = store.read(people)
    assert list(frame.columns) == list(store.columns)
    assert frame[["run", "rank", "u", "u_name", "v", "v_name"]].values.tolist() == [
        ["r1", 1, "P3", "Cy", "P1", "Ann"],
        ["r2", 1, "P1", "Ann", "P3", "Cy"],
    ]
    assert run_node(people, "r1") == {"run_id": "r1", "kind": "link_prediction", "links": 1}


def test_a_missing_person_writes_nothing_not_even_the_run(people: neo4j.Driver) -> None:
    store = inferred.STORE
    at = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    rows = [hop("r3", "P1", "P2", at), hop("r3", "P2", "P7", at), hop("r3", "P8", "P1", at)]
    with pytest.raises(
        DatabaseError, match=r"2 person\(s\) of the inferred hops .* \['P7', 'P8'\]"
    ):
        store.write(people, "r3", {"run_id": "r3", "kind": store.kind}, rows)
    assert run_node(people, "r3") is None
    assert store.read(people).empty
    # the same run with its people present is written, and its times read back in UTC
    store.write(people, "r3", {"run_id": "r3", "kind": store.kind}, rows[:1])
    frame = store.read(people, "r3")
    assert frame["at"].tolist() == [pd.Timestamp(at)]
    assert frame[["transfer_id", "victim_name", "from_id", "to_id"]].values.tolist() == [
        ["r3:h-P1", "Cy", "P1", "P2"]
    ]
    assert delete_run(people, "r3") and store.read(people).empty


def test_a_run_of_another_kind_is_left_as_it_was(people: neo4j.Driver) -> None:
    people.execute_query("CREATE (:AnalysisRun {run_id: 'c1', kind: 'consensus', nodes: 3})")
    for store in (predicted.STORE, inferred.STORE):
        with pytest.raises(DatabaseError, match=f"is a consensus run, not {store.what}"):
            store.write(people, "c1", {"run_id": "c1", "kind": store.kind, "nodes": 0}, [])
    assert run_node(people, "c1") == {"run_id": "c1", "kind": "consensus", "nodes": 3}
    # and a link prediction run cannot be taken over by a chain inference either
    predicted.STORE.write(people, "p1", {"run_id": "p1", "kind": "link_prediction"}, [])
    with pytest.raises(DatabaseError, match="is a link_prediction run, not a chain inference"):
        inferred.STORE.write(people, "p1", {"run_id": "p1", "kind": "chain_inference"}, [])
    assert run_node(people, "p1") == {"run_id": "p1", "kind": "link_prediction"}

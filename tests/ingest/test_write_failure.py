"""A database error in the middle of a file: the file's writes are undone, the ingest run
is marked failed, and the error names the file and the database's reason (a real error of
the real server: a uniqueness constraint the file breaks in its second write transaction)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pytest

from netintel.exceptions import IngestError, IngestWriteError
from netintel.ingest import ingest

pytestmark = pytest.mark.neo4j


def _one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0]


def test_a_database_error_mid_file_undoes_the_files_writes_and_fails_the_run(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    (first / "phones.csv").write_text("number,imei\n+442079460018,I1\n", encoding="utf-8")
    earlier = ingest(first, driver=graph, reject_dir=tmp_path / "r1", progress=False)
    # a constraint the analyst added: the second file's last row breaks it, in its second
    # write transaction, after the first one committed
    graph.execute_query(
        "CREATE CONSTRAINT test_phone_imei IF NOT EXISTS FOR (p:Phone) REQUIRE p.imei IS UNIQUE"
    )
    try:
        second = tmp_path / "second"
        second.mkdir()
        (second / "phones.csv").write_text(
            "number,imei\n+442079460018,I1\n+442079460019,I2\n+442079460958,I3\n+442079460959,I1\n",
            encoding="utf-8",
        )
        with pytest.raises(IngestError) as caught:
            ingest(second, driver=graph, reject_dir=tmp_path / "r2", batch_size=2, progress=False)
        message = str(caught.value)
        assert message.startswith(
            "phones.csv: the database refused a write "
            "(Neo.ClientError.Schema.ConstraintValidationFailed: "
        )
        failed_id = _one(graph, "MATCH (r:IngestRun {status: 'failed'}) RETURN r.run_id")
        assert message.endswith(
            "this file's writes were undone (1 nodes and 0 relationships it created deleted, "
            f"1 it updated kept as updated); ingest run {failed_id} is marked failed"
        )
    finally:
        graph.execute_query("DROP CONSTRAINT test_phone_imei IF EXISTS")
    # the phone the first batch created is gone; the one that existed stays, its
    # provenance now naming the failed run (the values it was set to are the same)
    phones = graph.execute_query(
        "MATCH (p:Phone) RETURN p.number AS n, p.imei AS imei, p.ingest_run AS run"
    ).records
    (failed,) = graph.execute_query(
        "MATCH (r:IngestRun {status: 'failed'}) RETURN r.run_id AS id, r.failed_file AS f, "
        "r.error AS e, r.finished IS NOT NULL AS finished"
    ).records
    assert [(r["n"], r["imei"], r["run"]) for r in phones] == [
        ("+442079460018", "I1", failed["id"])
    ]
    assert (failed["f"], failed["finished"]) == ("phones.csv", True)
    assert failed["e"].startswith("Neo.ClientError.Schema.ConstraintValidationFailed: ")
    runs = graph.execute_query(
        "MATCH (r:IngestRun) RETURN r.run_id AS id, r.status AS s ORDER BY s"
    ).records
    assert [(r["id"], r["s"]) for r in runs] == [
        (earlier.run_id, "complete"),
        (failed["id"], "failed"),
    ]
    failed_run = _one(graph, "MATCH (r:IngestRun {status: 'failed'}) RETURN r")
    assert (list(failed_run["files"]), list(failed_run["rows_loaded"])) == (
        [str(second / "phones.csv")],
        [],
    )  # the refused file is not counted as loaded

    # without the constraint, the same ingest runs again to the graph a clean run gives
    again = ingest(second, driver=graph, reject_dir=tmp_path / "r3", batch_size=2, progress=False)
    assert again.run_id == failed["id"] and again.rows_loaded == 4
    assert graph.execute_query(
        "MATCH (p:Phone) RETURN p.number AS n, p.imei AS imei, p.ingest_run AS run ORDER BY n"
    ).records == [
        neo4j.Record({"n": n, "imei": i, "run": again.run_id})
        for n, i in [
            ("+442079460018", "I1"),
            ("+442079460019", "I2"),
            ("+442079460958", "I3"),
            ("+442079460959", "I1"),
        ]
    ]
    rerun = _one(graph, "MATCH (r:IngestRun {run_id: $id}) RETURN r", id=again.run_id)
    assert (rerun["status"], rerun["error"], rerun["failed_file"], rerun["attempts"]) == (
        "complete",
        None,
        None,
        2,
    )


def test_a_relationship_file_refused_mid_way_leaves_its_new_endpoints_and_links_undone(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    (first / "sightings.csv").write_text(
        "person_id,location_id,at\nP1,L1,2024-05-01T10:00:00Z\n", encoding="utf-8"
    )
    earlier = ingest(first, driver=graph, reject_dir=tmp_path / "r1", progress=False)
    graph.execute_query(
        "CREATE CONSTRAINT test_seen_at IF NOT EXISTS FOR ()-[r:SEEN_AT]-() REQUIRE r.at IS UNIQUE"
    )
    try:
        second = tmp_path / "second"
        second.mkdir()
        (second / "sightings.csv").write_text(
            "person_id,location_id,at\n"
            "P1,L1,2024-05-01T10:00:00Z\n"  # the sighting the database holds
            "P2,L2,2024-05-01T11:00:00Z\n"
            "P3,L3,2024-05-01T12:00:00Z\n"
            "P4,L1,2024-05-01T10:00:00Z\n",  # breaks the constraint, in the second batch
            encoding="utf-8",
        )
        with pytest.raises(IngestWriteError) as caught:
            ingest(second, driver=graph, reject_dir=tmp_path / "r2", batch_size=2, progress=False)
    finally:
        graph.execute_query("DROP CONSTRAINT test_seen_at IF EXISTS")
    err = caught.value
    assert (err.source, err.reason.split(":")[0]) == (
        "sightings.csv",
        "Neo.ClientError.Schema.ConstraintValidationFailed",
    )
    assert str(err).endswith(
        "this file's writes were undone (5 nodes and 1 relationships it created deleted, "
        f"1 it updated kept as updated); ingest run {err.run_id} is marked failed"
    )
    # what the earlier ingest made is all there is: P1 seen at L1 (that sighting, which the
    # refused file updated to the same values, now names the failed run)
    nodes = graph.execute_query(
        "MATCH (n) WHERE NOT n:IngestRun RETURN coalesce(n.person_id, n.location_id) AS k, "
        "n.ingest_run AS run ORDER BY k"
    ).records
    assert [(r["k"], r["run"]) for r in nodes] == [
        ("L1", earlier.run_id),
        ("P1", earlier.run_id),
    ]
    rels = graph.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.person_id AS a, type(r) AS t, b.location_id AS b, "
        "r.ingest_run AS run"
    ).records
    assert [(r["a"], r["t"], r["b"], r["run"]) for r in rels] == [
        ("P1", "SEEN_AT", "L1", err.run_id)
    ]
    statuses = graph.execute_query(
        "MATCH (r:IngestRun) RETURN r.run_id AS id, r.status AS s, r.failed_file AS f ORDER BY s"
    ).records
    assert [(r["id"], r["s"], r["f"]) for r in statuses] == [
        (earlier.run_id, "complete", None),
        (err.run_id, "failed", "sightings.csv"),
    ]

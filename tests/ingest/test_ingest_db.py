"""Ingest against the real Neo4j: counts, provenance, accounting, idempotency."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from graph_snapshot import RUN_TIMES, graph_snapshot

from netintel.db import clear_graph, rows_held
from netintel.exceptions import InputFileError
from netintel.ingest import ingest

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
VAST_MAPPING = ROOT / "docs" / "examples" / "vast2008.mapping.yaml"


def _one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0]


def _run_record(driver: neo4j.Driver) -> dict[str, Any]:
    """The one IngestRun's properties, without its times."""
    run = _one(driver, "MATCH (r:IngestRun) RETURN properties(r)")
    return {k: v for k, v in run.items() if k not in RUN_TIMES}


def test_vast_calls_counts_from_the_database(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path
) -> None:
    cdr = shared_data / "vast2008_mc3_cdr" / "cdr.csv"
    report = ingest(cdr, driver=graph, mapping=VAST_MAPPING, reject_dir=tmp_path, progress=False)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (9834, 9834, 0)
    assert sum(rows_held(graph, report.run_id).values()) == report.rows_loaded
    assert _one(graph, "MATCH ()-[r:CALLED]->() RETURN count(r)") == 9834
    assert _one(graph, "MATCH (p:Phone) RETURN count(p)") == 400
    assert _one(graph, "MATCH (l:Location {kind: 'cell tower'}) RETURN count(l)") == 30
    # provenance on every node and relationship
    assert (
        _one(
            graph,
            "MATCH (n) WHERE NOT n:IngestRun AND (n.source IS NULL OR "
            "n.source_row IS NULL OR n.ingest_run IS NULL) RETURN count(n)",
        )
        == 0
    )
    assert (
        _one(
            graph,
            "MATCH ()-[r]->() WHERE r.source IS NULL OR r.source_row IS NULL "
            "OR r.ingest_run <> $run RETURN count(r)",
            run=report.run_id,
        )
        == 0
    )
    # phone 200 (Ferdinando Catalano) made and received calls
    assert _one(graph, "MATCH (:Phone {number: '200'})-[r:CALLED]-() RETURN count(r)") > 0
    # the run is recorded with its accounting
    run = _one(graph, "MATCH (r:IngestRun {run_id: $id}) RETURN r", id=report.run_id)
    assert run["status"] == "complete"
    assert list(run["rows_read"]) == [9834] and list(run["rows_rejected"]) == [0]
    assert run["neo4j_version"].startswith("Neo4j Kernel 5.26")
    assert len(run["sha256"][0]) == 64
    assert len(run["file_seconds"]) == 1 and run["file_seconds"][0] > 0

    # a re-run changes no node, no relationship, no property; the run only counts the attempt
    before = graph_snapshot(graph, skip_labels={"IngestRun"})
    assert (len(before["nodes"]), len(before["relationships"])) == (400 + 30, 9834)
    run_before = _run_record(graph)
    again = ingest(cdr, driver=graph, mapping=VAST_MAPPING, reject_dir=tmp_path, progress=False)
    assert again.run_id == report.run_id
    assert graph_snapshot(graph, skip_labels={"IngestRun"}) == before
    assert _run_record(graph) == {**run_before, "attempts": 2}


@pytest.fixture(scope="module")
def large_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic case large enough that its calls take many transactions to write."""
    from netintel.synth import generate

    out = tmp_path_factory.mktemp("synth-large")
    generate(out, scale=KILL_SCALE, seed=11)
    return out


#: clean calls of the case the ingest is killed in, and rows per transaction
KILL_SCALE, KILL_BATCH = 30_000, 500


def _ingest_command(case: Path, rejects: Path) -> list[str]:
    run = "import sys; from netintel.cli import main; sys.argv[0] = 'netintel'; main()"
    return [
        sys.executable, "-c", run, "ingest", str(case), "-m", str(case / "mapping.yaml"),
        "--reject-dir", str(rejects), "--batch-size", str(KILL_BATCH), "-q",
    ]  # fmt: skip


def test_killed_ingest_rerun_equals_one_clean_run(
    graph: neo4j.Driver, large_case: Path, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    """SIGKILL a ``netintel ingest`` once the database holds some of its calls; the re-run
    gives the graph one clean ingest into an empty database gives, in full."""
    env = {**os.environ, **neo4j_env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        _ingest_command(large_case, tmp_path / "killed"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 600
        while (held := _one(graph, CALLS_HELD)) == 0 and proc.poll() is None:
            assert time.monotonic() < deadline, "the ingest wrote no call in 10 minutes"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")[-2000:]
    held = _one(graph, CALLS_HELD)
    assert _one(graph, "MATCH (r:IngestRun) RETURN r.status") == "running"

    rerun = subprocess.run(
        _ingest_command(large_case, tmp_path / "rerun"), env=env, capture_output=True, timeout=900
    )
    assert rerun.returncode == 0, rerun.stderr.decode(errors="replace")[-2000:]
    assert _one(graph, "MATCH (r:IngestRun) RETURN [r.status, r.attempts]") == ["complete", 2]
    resumed = graph_snapshot(graph, skip_labels={"IngestRun"})

    clear_graph(graph, force=True)
    ingest(
        large_case,
        driver=graph,
        mapping=large_case / "mapping.yaml",
        reject_dir=tmp_path / "clean",
        progress=False,
    )
    clean = graph_snapshot(graph, skip_labels={"IngestRun"})
    assert 0 < held < _one(graph, CALLS_HELD), "the kill did not land half-way through the calls"
    assert resumed == clean


#: calls of the synthetic case the database holds
CALLS_HELD = "MATCH ()-[r:CALLED]->() RETURN count(r)"


def test_broken_files_accounting_and_reject_files(graph: neo4j.Driver, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects"
    report = ingest(
        DATA / "broken", driver=graph, reject_dir=rejects, phone_region="GB", progress=False
    )
    by = {Path(f.source).name: f for f in report.files}
    assert {k: (f.rows_read, f.rows_loaded, f.rows_rejected) for k, f in by.items()} == {
        "persons.csv": (10, 2, 8),
        "phones.csv": (6, 2, 4),
        "sightings.csv": (3, 2, 1),
    }
    assert sum(rows_held(graph, report.run_id).values()) == report.rows_loaded
    frame = pd.read_csv(rejects / "persons.csv.rejects.csv")
    assert list(frame.columns) == ["file", "row", "column", "value", "reason"]
    assert frame["row"].tolist() == [3, 4, 5, 6, 7, 9, 10, 11]
    assert frame["row"].nunique() == by["persons.csv"].rows_rejected
    # the database holds exactly what was loaded
    assert _one(graph, "MATCH (p:Person) WHERE p.source = 'persons.csv' RETURN count(p)") == 2
    assert _one(graph, "MATCH (p:Phone) RETURN collect(p.number)") is not None
    assert sorted(_one(graph, "MATCH (p:Phone) RETURN collect(p.number)")) == [
        "+442079460018",
        "+442079460019",
    ]
    assert _one(graph, "MATCH (:Person)-[r:SEEN_AT]->(:Location) RETURN count(r)") == 2
    # the sighting of P1 links to the person loaded from persons.csv
    assert (
        _one(
            graph,
            "MATCH (p:Person {person_id: 'P1'})-[:SEEN_AT]->(l) "
            "RETURN p.name + '@' + l.location_id",
        )
        == "Wang Wei@L1"
    )


def test_unreadable_file_stops_before_anything_is_written(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DATA / "gb18030" / "persons.csv", folder / "persons.csv")
    shutil.copy(DATA / "unreadable" / "persons_badbytes.csv", folder / "locations.csv")
    with pytest.raises(InputFileError, match=r"locations\.csv, row 2: cannot decode"):
        ingest(folder, driver=graph, progress=False)
    assert _one(graph, "MATCH (n) RETURN count(n)") == 0


def test_dataframes_and_excel(graph: neo4j.Driver, tmp_path: Path) -> None:
    persons = pd.DataFrame(
        {"person_id": ["A1", "A2"], "name": ["Ann", "Bo"], "birth_date": ["1990-01-01", None]}
    )
    xlsx = tmp_path / "locations.xlsx"
    pd.DataFrame(
        {
            "location_id": ["X1"],
            "name": ["Depot"],
            "lat": [45.5],
            "lon": [-73.6],
            "kind": ["address"],
        }
    ).to_excel(xlsx, index=False)
    r1 = ingest({"persons": persons}, driver=graph, progress=False, reject_dir=tmp_path)
    r2 = ingest(xlsx, driver=graph, progress=False, reject_dir=tmp_path)
    assert (r1.rows_loaded, r2.rows_loaded) == (2, 1)
    assert _one(graph, "MATCH (l:Location {location_id: 'X1'}) RETURN l.lat") == 45.5
    assert _one(graph, "MATCH (p:Person {person_id: 'A1'}) RETURN toString(p.birth_date)") == (
        "1990-01-01"
    )


def test_gb18030_names_survive(graph: neo4j.Driver, tmp_path: Path) -> None:
    ingest(DATA / "gb18030", driver=graph, progress=False, reject_dir=tmp_path)
    assert _one(graph, "MATCH (p:Person {person_id: 'G1'}) RETURN p.name") == "王伟"
    assert _one(graph, "MATCH (l:Location {location_id: 'L2'}) RETURN l.name") == "上海站"


def test_synthetic_investigation_ingests_with_exactly_the_planted_rejects(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    from netintel.synth import generate

    out = tmp_path / "synth"
    made = generate(out, scale=3000, seed=11)
    report = ingest(
        out, driver=graph, mapping=out / "mapping.yaml", reject_dir=tmp_path / "rj", progress=False
    )
    assert sum(rows_held(graph, report.run_id).values()) == report.rows_loaded
    dirty = pd.read_csv(out / "ground_truth" / "dirty_rows.csv")
    assert report.rows_rejected == dirty.groupby(["file", "row"]).ngroups > 0
    assert report.rows_read == sum(n for f, n in made.files.items() if "/" not in f)
    calls = next(f for f in report.files if f.record == "calls")
    assert _one(graph, "MATCH ()-[r:CALLED]->() RETURN count(r)") == calls.rows_loaded
    assert _one(graph, "MATCH (t:Transfer) RETURN count(t)") == next(
        f.rows_loaded for f in report.files if f.record == "transfers"
    )


def test_two_files_with_one_name_keep_apart_provenance_and_rejects(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    header = "call_id,caller,callee,started_at,duration_s,tower\n"
    for region, n in (("north", 1), ("south", 2)):
        folder = tmp_path / region
        folder.mkdir()
        (folder / "calls.csv").write_text(
            header
            + f"C{n},+442079460001,+442079460002,2024-01-0{n}T10:00:00Z,60,T{n}\n"
            + f"X{n},+442079460001,+442079460002,not a date,60,T{n}\n",
            encoding="utf-8",
        )
    report = ingest(
        [tmp_path / "north", tmp_path / "south"],
        driver=graph,
        reject_dir=tmp_path / "rejects",
        progress=False,
    )
    assert report.rows_read == 4 and report.rows_loaded == 2 and report.rows_rejected == 2
    assert sorted(p.name for p in (tmp_path / "rejects").iterdir()) == [
        "north__calls.csv.rejects.csv",
        "south__calls.csv.rejects.csv",
    ]
    south = pd.read_csv(tmp_path / "rejects" / "south__calls.csv.rejects.csv")
    assert south[["file", "row"]].values.tolist() == [["south/calls.csv", 3]]
    records, _, _ = graph.execute_query(
        "MATCH ()-[r:CALLED]->() RETURN r.call_id AS id, r.source AS source ORDER BY id"
    )
    assert [(r["id"], r["source"]) for r in records] == [
        ("C1", "north/calls.csv"),
        ("C2", "south/calls.csv"),
    ]


def test_a_key_repeated_in_another_file_is_a_duplicate_or_a_conflict(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    header = "person_id,name,gender\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "persons.csv").write_text(
        header + "P1,Ann Lee,female\nP2,Bo Chan,male\n", encoding="utf-8"
    )
    (tmp_path / "b" / "persons.csv").write_text(
        header + "P1,Ann Lee,female\nP2,Bob Chan,male\nP3,Cy Wu,male\n", encoding="utf-8"
    )
    report = ingest(
        [tmp_path / "a", tmp_path / "b"], driver=graph, reject_dir=tmp_path / "r", progress=False
    )
    assert [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in report.files] == [
        (2, 2, 0),
        (3, 1, 2),
    ]
    rejects = pd.read_csv(tmp_path / "r" / "b__persons.csv.rejects.csv")
    assert rejects[["row", "column", "reason"]].fillna("").values.tolist() == [
        [2, "", "duplicate of a/persons.csv row 2"],
        [3, "name", "key P2 conflicts with a/persons.csv row 3 on name"],
    ]
    records, _, _ = graph.execute_query(
        "MATCH (p:Person) RETURN p.person_id AS id, p.name AS name, p.source AS src ORDER BY id"
    )
    assert [tuple(r.values()) for r in records] == [
        ("P1", "Ann Lee", "a/persons.csv"),
        ("P2", "Bo Chan", "a/persons.csv"),
        ("P3", "Cy Wu", "b/persons.csv"),
    ]

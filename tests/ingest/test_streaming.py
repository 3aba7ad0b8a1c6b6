"""The ingest streams file by file after a header pass; call ids that clash with the
database's calls are rejects, never a constraint error half-way (real Neo4j)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel.exceptions import InputFileError
from netintel.ingest import check, ingest
from netintel.ingest import run as run_module

pytestmark = pytest.mark.neo4j

A, B, C, D = "+447911123456", "+447911123457", "+447911123458", "+447911123459"


def _one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0]


def _calls(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    pd.DataFrame(rows, columns=["call_id", "caller", "callee", "started_at"]).to_csv(
        path, index=False
    )
    return path


def test_headers_first_then_each_file_read_and_written_before_the_next(
    graph: neo4j.Driver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "persons.csv").write_text("person_id,name\nP1,Ann\nP2,Bo\n", encoding="utf-8")
    (folder / "locations.csv").write_text("location_id,name\nL1,Depot\n", encoding="utf-8")
    (folder / "sightings.csv").write_text(
        "person_id,location_id,at\nP1,L1,2024-01-05T10:00:00Z\n", encoding="utf-8"
    )
    events: list[tuple[str, str]] = []

    def spy(name: str, fn: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            target = args[1].source if name == "write" else Path(args[0]).name
            if name == "write":  # what the graph holds when the file is written
                events.append(
                    ("graph", str(_one(graph, "MATCH (n) WHERE NOT n:IngestLock RETURN count(n)")))
                )
            events.append((name, target))
            return fn(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(run_module, "read_header", spy("header", run_module.read_header))
    monkeypatch.setattr(run_module, "read_file", spy("read", run_module.read_file))
    monkeypatch.setattr(run_module, "_write", spy("write", run_module._write))
    report = ingest(folder, driver=graph, reject_dir=tmp_path / "r", progress=False)
    assert report.rows_loaded == 4
    # what the database holds, file by file
    assert _one(graph, "MATCH (n:Person) WHERE n.source = 'persons.csv' RETURN count(n)") == 2
    assert _one(graph, "MATCH (n:Location) WHERE n.source = 'locations.csv' RETURN count(n)") == 1
    assert _one(graph, "MATCH ()-[r:SEEN_AT {source: 'sightings.csv'}]->() RETURN count(r)") == 1
    assert events == [
        ("header", "locations.csv"),
        ("header", "persons.csv"),
        ("header", "sightings.csv"),
        ("read", "locations.csv"),
        ("graph", "1"),  # the ingest run's own node
        ("write", "locations.csv"),
        ("read", "persons.csv"),
        ("graph", "2"),
        ("write", "persons.csv"),
        ("read", "sightings.csv"),
        ("graph", "4"),
        ("write", "sightings.csv"),
    ]


def test_a_later_file_missing_a_column_stops_the_ingest_before_any_write(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "persons.csv").write_text("person_id,name\nP1,Ann\n", encoding="utf-8")
    (folder / "calls.csv").write_text("call_id,caller\nC1,+447911123456\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"calls\.csv, column 'callee': missing required"):
        ingest(folder, driver=graph, progress=False)
    assert _one(graph, "MATCH (n) RETURN count(n)") == 0


def test_a_call_id_held_by_other_phones_is_a_reject_naming_the_call(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    first = _calls(tmp_path / "old" / "calls.csv", [("C1", A, B, "2024-01-01T10:00:00Z")])
    r1 = ingest(first, driver=graph, reject_dir=tmp_path / "r", progress=False)
    assert r1.rows_loaded == 1
    later = _calls(
        tmp_path / "new" / "calls.csv",
        [
            ("C2", A, C, "2024-01-02T10:00:00Z"),
            ("C1", C, D, "2024-01-03T10:00:00Z"),  # the clash: C1 is a call A -> B
            ("C1b", B, A, "2024-01-04T10:00:00Z"),
        ],
    )
    r2 = ingest(later, driver=graph, reject_dir=tmp_path / "r", progress=False)
    (f,) = r2.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (3, 2, 1)
    rejects = pd.read_csv(f.reject_file)
    assert rejects[["row", "column", "value"]].values.tolist() == [[3, "call_id", "C1"]]
    (reason,) = rejects["reason"]
    assert reason.startswith(
        f"call_id C1 is already in the database for a call from {A} to {B} (calls.csv row 2, "
        f"ingest run {r1.run_id})"
    )
    assert _one(graph, "MATCH ()-[r:CALLED]->() RETURN count(r)") == 3
    assert _one(
        graph, "MATCH (a)-[:CALLED {call_id: 'C1'}]->(b) RETURN a.number + '>' + b.number"
    ) == (f"{A}>{B}")
    # the rejected row made nothing: no phone D
    assert _one(graph, "MATCH (p:Phone {number: $d}) RETURN count(p)", d=D) == 0
    # the same call between the same phones is no clash: re-running the first ingest loads it
    assert (
        ingest(first, driver=graph, reject_dir=tmp_path / "r", progress=False).files[0].rows_loaded
        == 1
    )
    # check() cannot see the database: it says the row would load
    assert check(later, reject_dir=tmp_path / "c").files[0].rows_rejected == 0


def test_duplicates_across_streamed_files_are_rejected_once(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _calls(folder / "calls_1.csv", [("C1", A, B, "2024-01-01T10:00:00Z")])
    _calls(
        folder / "calls_2.csv",
        [("C1", A, B, "2024-01-01T10:00:00Z"), ("C2", A, B, "2024-01-01T11:00:00Z")],
    )
    _calls(
        folder / "calls_3.csv",
        [("C2", A, B, "2024-01-01T12:00:00Z"), ("C3", B, A, "2024-01-01T13:00:00Z")],
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text("files:\n  - {match: 'calls_*.csv', record: calls}\n", encoding="utf-8")
    report = ingest(folder, driver=graph, mapping=mapping, reject_dir=tmp_path / "r",
                    progress=False)  # fmt: skip
    assert [(f.rows_loaded, f.rows_rejected) for f in report.files] == [(1, 0), (1, 1), (1, 1)]
    reasons = [pd.read_csv(f.reject_file)["reason"].tolist() for f in report.files[1:]]
    assert reasons == [
        ["duplicate of calls_1.csv row 2"],
        ["key C2 conflicts with calls_2.csv row 3 on started_at"],
    ]
    assert _one(graph, "MATCH ()-[r:CALLED]->() RETURN count(r)") == 3
    # a re-run gives the same graph and the same rejects
    again = ingest(folder, driver=graph, mapping=mapping, reject_dir=tmp_path / "r",
                   progress=False)  # fmt: skip
    assert [(f.rows_loaded, f.rows_rejected) for f in again.files] == [(1, 0), (1, 1), (1, 1)]
    assert _one(graph, "MATCH ()-[r:CALLED]->() RETURN count(r)") == 3

"""Values Neo4j cannot hold are rejects before any write, at the exact limits of the server:
64-bit integers and the 8,164-byte key of a RANGE index (uniqueness constraints included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel.db import rows_held
from netintel.ingest import ingest
from netintel.schema import MAX_INDEX_KEY_BYTES

pytestmark = pytest.mark.neo4j

TOO_LARGE_KEY = f"longer than the {MAX_INDEX_KEY_BYTES} bytes a Neo4j index key can hold"
OUTSIDE = "is outside those Neo4j can store (-2^63 to 2^63-1)"


def _one(driver: neo4j.Driver, query: str, **params: Any) -> Any:
    records, _, _ = driver.execute_query(query, params)
    return records[0][0]


def _rejects(path: str | None) -> list[tuple[str, int, str, str]]:
    assert path is not None
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    return [(r.file, int(r.row), r.column, r.reason) for r in frame.itertuples(index=False)]


def test_the_limit_is_the_servers() -> None:
    # the constant the checks use is the one measured below against the real server
    assert MAX_INDEX_KEY_BYTES == 8164


def test_integers_beyond_64_bits_and_oversized_keys_in_a_call_file_are_rejects(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    lines = ["call_id,caller,callee,started_at,duration_s,tower"]
    for i in range(10_010):  # past the first write batch of 10,000 rows
        lines.append(f"c{i},+442079460018,+442079460019,2024-05-01T10:00:00Z,{i},T1")
    lines[10_003] = "big,+442079460018,+442079460019,2024-05-01T10:00:00Z,9223372036854775808,T1"
    lines[10_004] = "small,+442079460018,+442079460019,2024-05-01T10:00:00Z,-9223372036854775809,T1"
    lines[10_005] = "max,+442079460018,+442079460019,2024-05-01T10:00:00Z,9223372036854775807,T1"
    lines[10_006] = "min,+442079460018,+442079460019,2024-05-01T10:00:00Z,-9223372036854775808,T1"
    fits, too_long = "k" * MAX_INDEX_KEY_BYTES, "k" * (MAX_INDEX_KEY_BYTES + 1)
    lines[10_007] = f"{fits},+442079460018,+442079460019,2024-05-01T10:00:00Z,7,T1"
    lines[10_008] = f"{too_long},+442079460018,+442079460019,2024-05-01T10:00:00Z,7,T1"
    lines[10_009] = f"tower,+442079460958,+442079460959,2024-05-01T10:00:00Z,7,{too_long}"
    (folder / "calls.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = ingest(folder, driver=graph, reject_dir=tmp_path / "r", progress=False)

    (f,) = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (10_010, 10_006, 4)
    assert _rejects(f.reject_file) == [
        ("calls.csv", 10_004, "duration_s", f"the integer 9223372036854775808 {OUTSIDE}"),
        ("calls.csv", 10_005, "duration_s", f"the integer -9223372036854775809 {OUTSIDE}"),
        ("calls.csv", 10_009, "call_id", f"8165 bytes in UTF-8: {TOO_LARGE_KEY}"),
        ("calls.csv", 10_010, "tower", f"8165 bytes in UTF-8: {TOO_LARGE_KEY}"),
    ]
    # what the database holds agrees with the report
    assert _one(graph, "MATCH ()-[r:CALLED]->() RETURN count(r)") == 10_006
    assert sum(rows_held(graph, report.run_id).values()) == f.rows_loaded
    assert _one(graph, "MATCH (p:Phone) RETURN collect(p.number)") == [
        "+442079460018",
        "+442079460019",
    ]  # the rejected tower row's phones were not created
    assert _one(graph, "MATCH (l:Location) RETURN collect(l.location_id)") == ["T1"]
    # the boundary values are stored exactly
    durations = graph.execute_query(
        "MATCH ()-[r:CALLED]->() WHERE r.call_id IN ['max', 'min', $fits] "
        "RETURN r.call_id AS id, r.duration_s AS d ORDER BY d",
        fits=fits,
    ).records
    assert [(r["id"], r["d"]) for r in durations] == [
        ("min", -(2**63)),
        (fits, 7),
        ("max", 2**63 - 1),
    ]
    run = _one(graph, "MATCH (r:IngestRun) RETURN r")
    assert run["status"] == "complete"


def test_oversized_node_keys_and_indexed_names_are_rejects_at_the_byte_boundary(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    han_fits = "中" * 2721  # 8,163 bytes in UTF-8
    han_too_long = "中" * 2722  # 8,166 bytes
    ascii_fits = "p" * MAX_INDEX_KEY_BYTES
    ascii_too_long = "p" * (MAX_INDEX_KEY_BYTES + 1)
    (folder / "persons.csv").write_text(
        "person_id,name,national_id\n"
        f"P1,{han_fits},{ascii_fits}\n"
        f"P2,{han_too_long},N2\n"
        f"{ascii_fits},Ann,N3\n"
        f"{ascii_too_long},Bob,N4\n"
        f"P5,Cy,{ascii_too_long}\n",
        encoding="utf-8",
    )
    (folder / "case_suspects.csv").write_text(
        f"person_id,case_id\nP1,C1\n{ascii_too_long},C2\nP1,{'c' * 8165}\n", encoding="utf-8"
    )

    report = ingest(folder, driver=graph, reject_dir=tmp_path / "r", progress=False)

    persons, suspects = report.files
    assert (persons.rows_read, persons.rows_loaded, persons.rows_rejected) == (5, 2, 3)
    assert _rejects(persons.reject_file) == [
        ("persons.csv", 3, "name", f"8166 bytes in UTF-8: {TOO_LARGE_KEY}"),
        ("persons.csv", 5, "person_id", f"8165 bytes in UTF-8: {TOO_LARGE_KEY}"),
        ("persons.csv", 6, "national_id", f"8165 bytes in UTF-8: {TOO_LARGE_KEY}"),
    ]
    assert (suspects.rows_read, suspects.rows_loaded, suspects.rows_rejected) == (3, 1, 2)
    assert _rejects(suspects.reject_file) == [
        ("case_suspects.csv", 3, "person_id", f"8165 bytes in UTF-8: {TOO_LARGE_KEY}"),
        ("case_suspects.csv", 4, "case_id", f"8165 bytes in UTF-8: {TOO_LARGE_KEY}"),
    ]
    # no endpoint node without its relationship: only C1 was created, with P1's link
    assert _one(graph, "MATCH (c:Case) RETURN collect(c.case_id)") == ["C1"]
    assert _one(graph, "MATCH (:Person)-[r:SUSPECT_IN]->(:Case) RETURN count(r)") == 1
    stored = graph.execute_query(
        "MATCH (p:Person) RETURN p.person_id AS id, p.name AS name, p.national_id AS nid "
        "ORDER BY size(p.person_id)"
    ).records
    assert [(r["id"], r["name"], r["nid"]) for r in stored] == [
        ("P1", han_fits, ascii_fits),
        (ascii_fits, "Ann", "N3"),
    ]
    assert sum(rows_held(graph, report.run_id).values()) == report.rows_loaded == 3

"""Times are stored to the millisecond: keys are compared at that precision, so the report's
accounting holds against what the database holds."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest

from netintel.ingest import ingest

pytestmark = pytest.mark.neo4j


def test_sightings_that_differ_below_a_millisecond_are_duplicates_not_lost_rows(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "sightings.csv").write_text(
        "person_id,location_id,at\n"
        "P1,L1,2024-05-01T10:00:00.1234Z\n"
        "P1,L1,2024-05-01T10:00:00.1237Z\n"
        "P1,L1,2024-05-01T10:00:00.1239Z\n"
        "P1,L1,2024-05-01T10:00:00.124Z\n",
        encoding="utf-8",
    )
    report = ingest(folder, driver=graph, reject_dir=tmp_path / "r", progress=False)
    (f,) = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (4, 2, 2)
    stored = graph.execute_query(
        "MATCH (:Person)-[s:SEEN_AT]->(:Location) RETURN s.at.epochMillis AS ms ORDER BY ms"
    ).records
    assert [r["ms"] % 1000 for r in stored] == [123, 124]  # as many as the report loaded


def test_dates_outside_pandas_nanosecond_range_load(graph: neo4j.Driver, tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        "person_id,birth_date\nP1,1600-01-01\nP2,2300-12-31\n", encoding="utf-8"
    )
    (folder / "sightings.csv").write_text(
        "person_id,location_id,at\nP1,L1,1650-06-01T12:00:00Z\nP2,L1,2400-01-01T00:00:00+08:00\n",
        encoding="utf-8",
    )
    report = ingest(folder, driver=graph, reject_dir=tmp_path / "r", progress=False)
    assert (report.rows_loaded, report.rows_rejected) == (4, 0)
    got = graph.execute_query(
        "MATCH (p:Person)-[s:SEEN_AT]->() RETURN p.person_id AS p, toString(p.birth_date) AS b, "
        "toString(s.at) AS at ORDER BY p"
    ).records
    assert [(r["p"], r["b"], r["at"]) for r in got] == [
        ("P1", "1600-01-01", "1650-06-01T12:00:00Z"),
        ("P2", "2300-12-31", "2399-12-31T16:00:00Z"),
    ]

"""Concurrent ingests into one database take turns (the ingest lock), on the real server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import neo4j
import pytest

from netintel.exceptions import IngestLockedError
from netintel.ingest import ingest

pytestmark = pytest.mark.neo4j


def _counts(driver: neo4j.Driver) -> tuple[int, int]:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:IngestRun AND NOT n:IngestLock WITH count(n) AS n "
        "OPTIONAL MATCH ()-[r]->() RETURN n, count(r)"
    )
    return records[0][0], records[0][1]


def _folder(path: Path, numbers: list[str]) -> Path:
    path.mkdir()
    (path / "phones.csv").write_text(
        "number,imei\n" + "".join(f"{n},I{n[-2:]}\n" for n in numbers), encoding="utf-8"
    )
    return path


def test_two_concurrent_ingests_both_complete(graph: neo4j.Driver, tmp_path: Path) -> None:
    a = _folder(tmp_path / "a", ["+442079460018", "+442079460019"])
    b = _folder(tmp_path / "b", ["+442079460019", "+442079460958"])
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(ingest, f, driver=graph, reject_dir=tmp_path / "r", progress=False)
            for f in (a, b)
        ]
        reports = [f.result() for f in futures]
    assert all(r.ok for r in reports)
    assert _counts(graph) == (3, 0)


def test_a_held_lock_times_out_naming_the_holder(graph: neo4j.Driver, tmp_path: Path) -> None:
    graph.execute_query(
        "CREATE (:IngestLock {name: 'ingest', run_id: 'ingest-other', pid: 1, host: 'elsewhere'})"
    )
    a = _folder(tmp_path / "a", ["+442079460018"])
    with pytest.raises(IngestLockedError, match=r"ingest-other.*pid 1, host elsewhere"):
        ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False, lock_timeout=1)
    assert _counts(graph) == (0, 0)
    report = ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False, break_lock=True)
    assert report.ok

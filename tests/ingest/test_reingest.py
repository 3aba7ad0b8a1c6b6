"""Ingesting again, against the real Neo4j: the whole graph compared, not its counts.

A folder of record files ingested twice gives the same graph; the same files ingested in two
runs (in the schema's load order) give the graph of one run of them all, apart from which
run wrote what.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import neo4j
import pytest
from graph_snapshot import RUN_TIMES, WHICH_RUN, graph_snapshot

from netintel.db import rows_held
from netintel.ingest import IngestReport, ingest
from netintel.schema import LOAD_ORDER, RECORDS
from netintel.synth import generate

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic case: one file per record type, no dirty rows."""
    out = tmp_path_factory.mktemp("reingest")
    generate(out, scale=400, seed=4, dirty_rate=0)
    return out


def _files(folder: Path) -> list[Path]:
    """The record files of the folder, in the schema's load order."""
    found = {p.stem: p for p in folder.glob("*.csv") if p.stem in RECORDS}
    return [found[name] for name in LOAD_ORDER if name in found]


def _ingest(driver: neo4j.Driver, sources: Any, folder: Path, rejects: Path) -> IngestReport:
    report = ingest(
        sources, driver=driver, mapping=folder / "mapping.yaml", reject_dir=rejects, progress=False
    )
    assert report.rows_rejected == 0
    return report


def _kinds(snapshot: dict[str, list[Any]]) -> Counter[str]:
    """How many nodes of each label and relationships of each type a snapshot holds."""
    nodes = [ident[0] for _, ident, _ in snapshot["nodes"]]
    return Counter(nodes + [rel[0] for rel in snapshot["relationships"]])


def _runs(driver: neo4j.Driver) -> list[dict[str, Any]]:
    """Every IngestRun's properties without its times, by run id."""
    records, _, _ = driver.execute_query(
        "MATCH (r:IngestRun) RETURN properties(r) AS p ORDER BY r.run_id"
    )
    return [{k: v for k, v in r["p"].items() if k not in RUN_TIMES} for r in records]


def test_a_folder_ingested_twice_gives_the_same_graph(
    graph: neo4j.Driver, folder: Path, tmp_path: Path
) -> None:
    files = _files(folder)
    assert len(files) >= 10  # nodes, events and ties: most of the schema's record types
    first = _ingest(graph, folder, folder, tmp_path)
    assert [Path(f.source).name for f in first.files] == [f.name for f in files]
    before = graph_snapshot(graph, skip_labels={"IngestRun"})
    # every node and relationship the files loaded, none else
    held = rows_held(graph, first.run_id)
    assert sum(held.values()) == first.rows_loaded
    kinds = _kinds(before)
    for f in first.files:  # other files may add nodes (a call's phones) but none removes
        made = RECORDS[f.record]
        assert kinds[made.node or made.relationship or ""] >= f.rows_loaded > 0, f.record
    runs = _runs(graph)

    again = _ingest(graph, folder, folder, tmp_path)
    assert again.run_id == first.run_id
    assert (again.rows_read, again.rows_loaded) == (first.rows_read, first.rows_loaded)
    assert graph_snapshot(graph, skip_labels={"IngestRun"}) == before
    assert _runs(graph) == [{**runs[0], "attempts": 2}]


def test_files_in_two_runs_give_the_graph_of_one_run(
    graph: neo4j.Driver, folder: Path, tmp_path: Path
) -> None:
    files = _files(folder)
    _ingest(graph, files, folder, tmp_path / "all")
    together = graph_snapshot(graph, skip_labels={"IngestRun"}, skip_properties=WHICH_RUN)
    (one,) = _runs(graph)

    graph.execute_query("MATCH (n) DETACH DELETE n")
    half = len(files) // 2
    a = _ingest(graph, files[:half], folder, tmp_path / "a")
    b = _ingest(graph, files[half:], folder, tmp_path / "b")
    assert a.run_id != b.run_id
    assert graph_snapshot(graph, skip_labels={"IngestRun"}, skip_properties=WHICH_RUN) == (together)
    # each run records its own files, and together they are the one run's
    runs = {r["run_id"]: r for r in _runs(graph)}
    assert list(runs[a.run_id]["files"]) + list(runs[b.run_id]["files"]) == list(one["files"])
    assert list(runs[a.run_id]["rows_loaded"]) + list(runs[b.run_id]["rows_loaded"]) == list(
        one["rows_loaded"]
    )

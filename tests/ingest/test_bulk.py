"""The bulk load (Neo4j's offline importer) gives the graph the transactional ingest gives.

One synthetic case (netintel.synth, 2,000 calls, with its planted dirty rows) is loaded
transactionally into the test run's database and with ``netintel ingest --bulk`` into a
case of its own; the two graphs are compared in full (labels, keys, every property with
its type, relationship types and endpoints, constraints and indexes), and so are the
reports and the reject files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner
from graph_snapshot import graph_snapshot, schema_snapshot

from netintel import config, server
from netintel.cli import cli
from netintel.exceptions import BulkRefusedError
from netintel.ingest import ingest

#: as in tests/test_cases.py: every invocation names the variables the CLI may export
LOCAL = {"NEO4J_URI": None, "NEO4J_USER": None, "NEO4J_PASSWORD": None, "NETINTEL_CASE": None}
CASE = "t-bulk"


def dump(drv: neo4j.Driver) -> dict[str, Any]:
    """The whole graph (with the ingest runs, but their times) and its schema, canonical."""
    return graph_snapshot(drv) | schema_snapshot(drv)


@pytest.fixture(scope="module")
def synth_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from netintel.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(out, scale=2000, seed=5)
    return out


@pytest.fixture(scope="module")
def bulk_case() -> Iterator[str]:
    """A case of its own, its server started by the bulk load."""
    try:
        yield CASE
    finally:
        server.stop(state_dir=server.case_dir(CASE))


@pytest.mark.neo4j
def test_bulk_load_gives_the_transactional_graph_rejects_and_report(
    graph: neo4j.Driver, synth_case: Path, bulk_case: str, tmp_path: Path
) -> None:
    mapping = synth_case / "mapping.yaml"
    ours = ingest(
        synth_case, driver=graph, mapping=mapping, reject_dir=tmp_path / "tx", progress=False
    )
    sd = server.case_dir(bulk_case)
    # a driver opened before the bulk load, with a bookmark of the store the import replaces
    with config.driver(config.connection(state_dir=sd)) as drv:
        drv.execute_query("MERGE (n:Scratch) DELETE n")
        # an earlier command's audit event is not case data: the database counts as empty
        drv.execute_query("CREATE (:AuditEvent {seq: 0, hash: 'earlier'})")
        result = CliRunner().invoke(
            cli,
            ["--case", bulk_case, "ingest", str(synth_case), "-m", str(mapping), "--bulk",
             "-q", "--reject-dir", str(tmp_path / "bulk"), "--json"],
            env=LOCAL,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        bulk, transactional = dump(drv), dump(graph)
        gone, _, _ = drv.execute_query("MATCH (e:AuditEvent {hash: 'earlier'}) RETURN e")
        assert gone == []  # a new database: the audit log keeps the earlier events
    assert len(transactional["nodes"]) > 500 and len(transactional["relationships"]) > 2000
    for part in ("nodes", "relationships", "constraints", "indexes"):
        differ = set(bulk[part]) ^ set(transactional[part])
        assert bulk[part] == transactional[part], (part, sorted(differ)[:4])
    assert not list(sd.glob("bulk-*"))  # the importer's files are gone
    # the same accounting and the same reject files, byte for byte
    assert ours.rows_rejected > 0 and f'"rows_rejected": {ours.rows_rejected}' in result.output
    tx_files = sorted(p.name for p in (tmp_path / "tx").iterdir())
    assert tx_files == sorted(p.name for p in (tmp_path / "bulk").iterdir())
    for name in tx_files:
        assert (tmp_path / "tx" / name).read_bytes() == (tmp_path / "bulk" / name).read_bytes()


@pytest.mark.neo4j
def test_bulk_load_refuses_a_database_that_holds_data(
    synth_case: Path, bulk_case: str, tmp_path: Path
) -> None:
    sd = server.case_dir(bulk_case)
    with config.driver(config.connection(state_dir=sd)) as drv:
        drv.execute_query("MERGE (:Person {person_id: 'already-here'})")
        try:  # the node goes again, so the case is as this test found it (empty, or bulk-loaded)
            records, _, _ = drv.execute_query("MATCH (n) RETURN count(n) AS n")
            before = records[0]["n"]
            with pytest.raises(BulkRefusedError, match=r"holds [\d,]+ nodes"):
                ingest(synth_case, driver=drv, bulk=True, state_dir=sd, progress=False,
                       mapping=synth_case / "mapping.yaml", reject_dir=tmp_path / "r")  # fmt: skip
            records, _, _ = drv.execute_query("MATCH (n) RETURN count(n) AS n")
            assert records[0]["n"] == before
            assert not (tmp_path / "r").exists()  # refused before anything was read
            result = CliRunner().invoke(
                cli, ["--case", bulk_case, "ingest", str(synth_case), "--bulk", "-q"], env=LOCAL
            )
            assert result.exit_code == 2
            assert result.stderr.count("\n") == 1
            assert "loads only into an empty one" in result.stderr
        finally:
            drv.execute_query("MATCH (p:Person {person_id: 'already-here'}) DELETE p")


def test_bulk_load_refuses_a_server_of_ones_own(
    synth_case: Path, neo4j_env: dict[str, str]
) -> None:
    result = CliRunner().invoke(cli, ["ingest", str(synth_case), "--bulk"], env=neo4j_env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "needs netintel's local database" in result.stderr
    both = CliRunner().invoke(cli, ["ingest", str(synth_case), "--bulk", "--check"], env=LOCAL)
    assert both.exit_code == 2 and "exclude each other" in both.stderr


@pytest.mark.neo4j
def test_bulk_load_refuses_a_driver_to_another_server(
    graph: neo4j.Driver, synth_case: Path, tmp_path: Path
) -> None:
    """The test run's database is not the (stopped) case's: nothing is written to it."""
    with pytest.raises(BulkRefusedError, match="needs the driver to talk to the local server"):
        ingest(synth_case, driver=graph, bulk=True, state_dir=tmp_path / "none", progress=False)


@pytest.mark.neo4j
def test_bulk_load_honours_the_file_time_bound(tmp_path: Path) -> None:
    """``--bulk --file-timeout``: a file past its bound in the second pass (after the
    server was stopped for the import) is one line, exit 2; the server runs again on an
    empty database, and the same load without the bound then completes."""
    case = "t-bulk-bound"
    folder = tmp_path / "case"
    folder.mkdir()
    # under a megabyte: the first pass decodes it in one piece, so the bound stops the
    # second pass, which runs after the server began to stop (see test_time_bound.py)
    (folder / "phones.csv").write_text(
        "number\n" + "".join(f"+4479111{i:05d}\n" for i in range(5_000)), encoding="utf-8"
    )
    sd = server.case_dir(case)
    base = ["--case", case, "ingest", str(folder), "--bulk", "-q", "--reject-dir"]
    try:
        late = CliRunner().invoke(
            cli, [*base, str(tmp_path / "r"), "--file-timeout", "0.000001"], env=LOCAL
        )
        assert late.exit_code == 2, late.output
        # one line of error (after the line saying the case's server is being started)
        (line,) = [x for x in late.stderr.splitlines() if not x.startswith("starting ")]
        assert line.startswith("netintel: error: ") and "phones.csv, row 1: " in line
        assert "time bound of 1e-06 s" in line
        assert server.status(state_dir=sd) is not None  # started again after the failure
        with config.driver(config.connection(state_dir=sd)) as drv:
            records, _, _ = drv.execute_query(
                "MATCH (n) WHERE NOT n:AuditEvent RETURN count(n) AS n"
            )
            assert records[0]["n"] == 0
        done = CliRunner().invoke(
            cli, [*base, str(tmp_path / "r2"), "--file-timeout", "0", "--json"], env=LOCAL
        )
        assert done.exit_code == 0, done.output
        assert '"rows_loaded": 5000' in done.output
    finally:
        server.stop(state_dir=sd)

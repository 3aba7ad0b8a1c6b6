"""Read-only mode (issue #15): every writing command refused with one line, nothing written.

The proof that nothing was written is the database's own: the bookmark of its last committed
transaction is the same before and after the refused command, and so is every node and
relationship.
"""

from __future__ import annotations

from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner
from graph_snapshot import graph_snapshot
from loaded_graph import LoadedGraph, last_committed

from netintel import config
from netintel.cli import cli
from netintel.exceptions import ConfigError, ReadOnlyError
from netintel.ingest import ingest
from netintel.synth import generate

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-read-only")
    generate(out, scale=1500, seed=4)
    return out


@pytest.fixture
def db(
    loaded_graph: LoadedGraph, case: Path, tmp_path_factory: pytest.TempPathFactory
) -> neo4j.Driver:
    def load(driver: neo4j.Driver) -> neo4j.Driver:
        ingest(
            case,
            driver=driver,
            mapping=case / "mapping.yaml",
            reject_dir=tmp_path_factory.mktemp("rejects"),
            progress=False,
        )
        return driver

    return loaded_graph("read-only", load)


#: every command that writes to the database, as an analyst would type it
WRITING = {
    "ingest": lambda case, tmp: ["ingest", str(case), "--mapping", str(case / "mapping.yaml"),
                                 "--reject-dir", str(tmp / "rejects"), "-q"],
    "db clear": lambda case, tmp: ["db", "clear", "--yes", "--force"],
    "schema apply": lambda case, tmp: ["schema", "apply"],
    "detect --write": lambda case, tmp: ["detect", "--algorithm", "louvain", "--seeds", "2",
                                         "--write", "--out", str(tmp / "detect"), "-q"],
    "predict --write": lambda case, tmp: ["predict", "--method", "adamic_adar", "--k", "3",
                                          "--write"],
    "investigate aliases --write": lambda case, tmp: ["investigate", "aliases", "--write"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("command", "how"),
    [(command, "--read-only") for command in sorted(WRITING)]
    + [("ingest", "NETINTEL_READ_ONLY=1"), ("db clear", "NETINTEL_READ_ONLY=1")],
)
def test_every_writing_command_is_refused_in_one_line_and_writes_nothing(
    db: neo4j.Driver,
    neo4j_env: dict[str, str],
    case: Path,
    tmp_path: Path,
    command: str,
    how: str,
) -> None:
    before, committed = graph_snapshot(db), last_committed(db)
    args = WRITING[command](case, tmp_path)
    env = dict(neo4j_env)
    if how == "--read-only":
        args = ["--read-only", *args]
    else:
        env["NETINTEL_READ_ONLY"] = "1"
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("netintel: error: read-only mode") and "nothing was written" in line
    assert last_committed(db) == committed  # not one transaction committed
    assert graph_snapshot(db) == before


def test_reading_commands_work_read_only(db: neo4j.Driver, neo4j_env: dict[str, str]) -> None:
    committed = last_committed(db)
    read_only = CliRunner().invoke(cli, ["--read-only", "summary"], env=neo4j_env)
    assert last_committed(db) == committed  # not even the command's AuditEvent
    # a plain run commits one thing: its AuditEvent node (which summary does not count)
    plain = CliRunner().invoke(cli, ["summary"], env=neo4j_env)
    assert plain.exit_code == 0 and read_only.exit_code == 0, read_only.output
    assert read_only.stdout == plain.stdout


def test_the_api_read_only_driver_refuses_writes_the_server_would_take(
    db: neo4j.Driver, neo4j_connection: config.Connection, case: Path
) -> None:
    from dataclasses import replace

    committed = last_committed(db)
    with config.driver(replace(neo4j_connection, read_only=True)) as drv:
        (row,) = drv.execute_query("MATCH (p:Person) RETURN count(p) AS n").records
        assert row["n"] > 0
        with pytest.raises(ReadOnlyError, match="read-only mode"):
            drv.execute_query("CREATE (:Person {person_id: 'intruder'})")
        with drv.session() as session, pytest.raises(ReadOnlyError):
            session.execute_write(lambda tx: tx.run("MATCH (p:Person) SET p.name = 'x'").consume())
        # the bulk importer writes the store without the driver: refused before it starts
        from netintel.ingest.bulk import bulk_ingest

        with pytest.raises(ReadOnlyError, match="a bulk load writes the database's store"):
            bulk_ingest(case, driver=drv, mapping=case / "mapping.yaml", progress=False)
    assert last_committed(db) == committed


def test_read_only_from_the_config_file_and_unclear_environment_values(
    tmp_path: Path, neo4j_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in neo4j_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NETINTEL_READ_ONLY", raising=False)
    toml = tmp_path / "netintel.toml"
    toml.write_text("[neo4j]\nread_only = true\n", "utf-8")
    assert config.connection(config=toml).read_only is True
    assert config.connection().read_only is False
    monkeypatch.setenv("NETINTEL_READ_ONLY", "0")
    assert config.connection(config=toml).read_only is False  # the environment wins
    assert config.connection(config=toml, read_only=True).read_only is True  # the flag wins
    monkeypatch.setenv("NETINTEL_READ_ONLY", "perhaps")
    with pytest.raises(ConfigError, match="NETINTEL_READ_ONLY='perhaps'"):
        config.connection()

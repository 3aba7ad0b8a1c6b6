"""Cases: a local database per case, listed and cleared from the command line, never lost.

The tests that start a case's server run it in the test run's private state folder
(``tests/conftest.py``), with a small heap.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from netintel import config, server
from netintel.cli import cli
from netintel.db import clear_graph, ingest_runs
from netintel.exceptions import CaseError, ClearRefusedError

DATA = Path(__file__).resolve().parent / "data"

#: the CLI exports --case and the connection flags into os.environ: CliRunner restores
#: only the variables it is given, so every invocation names them
LOCAL = {"NEO4J_URI": None, "NEO4J_USER": None, "NEO4J_PASSWORD": None, "NETINTEL_CASE": None}


def test_the_suite_never_sees_the_users_cases() -> None:
    from tests.conftest import TEST_HOME

    assert server.state_dir() == TEST_HOME.resolve()
    assert server.case_dir() == TEST_HOME.resolve()
    assert str(TEST_HOME).startswith(("/tmp", "/var"))


def test_each_case_is_its_own_state_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    root = server.state_dir()
    assert server.case_dir("default") == root  # where the data of netintel before cases is
    assert server.case_dir("fraud-2024") == root / "cases" / "fraud-2024"
    monkeypatch.setenv("NETINTEL_CASE", "notebook-01")
    assert server.current_case() == "notebook-01"
    assert server.case_dir() == root / "cases" / "notebook-01"
    for bad in ("", "../up", "a/b", "x" * 65, "-flag", "two words"):
        with pytest.raises(CaseError, match="not a case name"):
            server.case_dir(bad)


def test_a_case_with_your_own_server_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "neo4j://db.example.org:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "x")
    monkeypatch.setenv("NETINTEL_CONFIG", "")
    monkeypatch.delenv("NETINTEL_CASE", raising=False)
    assert config.connection().uri == "neo4j://db.example.org:7687"
    with pytest.raises(CaseError, match="NEO4J_DATABASE"):
        config.connection(case="demo")
    monkeypatch.setenv("NETINTEL_CASE", "demo")
    with pytest.raises(CaseError, match="NEO4J_DATABASE"):
        config.connection()


@pytest.mark.neo4j
def test_clear_graph_refuses_a_graph_with_ingests(graph: neo4j.Driver, tmp_path: Path) -> None:
    from netintel.ingest import ingest

    graph.execute_query("CREATE (:Person {person_id: 'scratch'})")
    clear_graph(graph)  # nothing ingested: no force needed
    folder = tmp_path / "in"
    shutil.copytree(DATA / "broken", folder)
    report = ingest(folder, driver=graph, phone_region="GB", progress=False)
    with pytest.raises(ClearRefusedError) as refused:
        clear_graph(graph)
    assert refused.value.run_ids == ingest_runs(graph) == [report.run_id]
    assert report.run_id in str(refused.value) and "force=True" in str(refused.value)
    records, _, _ = graph.execute_query("MATCH (p:Person) RETURN count(p) AS n")
    assert records[0]["n"] == 2  # nothing was deleted
    clear_graph(graph, force=True)
    records, _, _ = graph.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0


@pytest.fixture(scope="module")
def case_one() -> Iterator[str]:
    """A case of its own (its server started by the first command that needs it)."""
    name = "t-one"
    try:
        yield name
    finally:
        server.stop(state_dir=server.case_dir(name))


@pytest.mark.neo4j
def test_a_case_lives_its_own_life_from_the_command_line(
    case_one: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETINTEL_NEO4J_JAVA_OPTS", "-Xms256m -Xmx512m")
    run = CliRunner().invoke
    case = ["--case", case_one]

    first = run(cli, [*case, "summary"], env=LOCAL)
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [
        f"starting netintel's local Neo4j for case {case_one} (this can take a minute) ..."
    ]
    again = run(cli, [*case, "summary"], env=LOCAL)
    assert again.exit_code == 0 and again.stderr == ""  # it runs: nothing to say

    folder = tmp_path / "in"
    shutil.copytree(DATA / "broken", folder)
    loaded = run(cli, [*case, "ingest", str(folder), "--region", "GB", "-q"], env=LOCAL)
    assert loaded.exit_code == 0, loaded.output

    listed = run(cli, [*case, "db", "list"], env=LOCAL)
    assert listed.exit_code == 0, listed.output
    info = server.status(state_dir=server.case_dir(case_one))
    assert info is not None
    port = info.uri.rsplit(":", 1)[1]
    lines = {line.split(":")[0]: line for line in listed.stdout.splitlines()}
    assert f"running on port {port}" in lines[f"* {case_one}"]
    assert (
        "ingest run(s)" in lines[f"* {case_one}"] and " 1 ingest run(s)" in lines[f"* {case_one}"]
    )
    assert "stopped" in lines["  default"]  # listing starts nothing

    unasked = run(cli, [*case, "db", "clear"], env=LOCAL)
    assert unasked.exit_code == 2 and "--yes" in unasked.stderr

    refused = run(cli, [*case, "db", "clear", "--yes"], env=LOCAL)
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1
    assert f"case {case_one} holds 1 ingest run(s)" in refused.stderr
    assert "--force" in refused.stderr

    forced = run(cli, [*case, "db", "clear", "--yes", "--force"], env=LOCAL)
    assert forced.exit_code == 0, forced.output
    after = run(cli, [*case, "db", "list", "--json"], env=LOCAL)
    import json

    rows = {row["case"]: row for row in json.loads(after.stdout)}
    assert rows[case_one]["nodes"] == 0 and rows[case_one]["running"] is True

    stopped = run(cli, [*case, "db", "stop"], env=LOCAL)
    assert stopped.stdout == f"case {case_one}: stopped\n"
    status = run(cli, [*case, "db", "status"], env=LOCAL)
    assert status.exit_code == 3


def test_a_case_with_a_server_in_the_config_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "netintel.toml"
    cfg.write_text('[neo4j]\nuri = "neo4j://db.example.org:7687"\n', encoding="utf-8")
    monkeypatch.setenv("NETINTEL_CONFIG", str(cfg))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(CaseError, match="NEO4J_DATABASE"):
        config.connection(case="fraud-2024")


def test_the_demo_runs_in_its_own_case(tmp_path: Path) -> None:
    from netintel.demo import DEMO_CASE, run_demo

    assert DEMO_CASE == "demo"
    # with a server of the user's named, the demo refuses instead of emptying it
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x", "NETINTEL_CASE": None}
    result = CliRunner().invoke(cli, ["demo", "--out", str(tmp_path / "d")], env=env)
    assert result.exit_code == 2
    assert "case 'demo'" in result.stderr and "NEO4J_DATABASE" in result.stderr
    other = CliRunner().invoke(
        cli, ["--case", "fraud-2024", "demo", "--out", str(tmp_path / "d")], env=LOCAL
    )
    assert other.exit_code == 2 and "its own case 'demo'" in other.output
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
        mp.setenv("NEO4J_PASSWORD", "x")
        with pytest.raises(CaseError, match="'demo'"):
            run_demo(tmp_path / "d", echo=lambda _msg: None)

"""`netintel map`, `export` and `chains`, and configuration from a file, flags and env."""

from __future__ import annotations

import os
from pathlib import Path

import click
import neo4j
import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.config import Connection, connection, load_settings, open_session
from netintel.exceptions import ConfigError

# two call triangles P1-P2-P3 and P4-P5-P6, joined by one call P3 -> P4
TRIANGLES = [("P1", "P2"), ("P2", "P3"), ("P1", "P3"), ("P4", "P5"), ("P5", "P6"), ("P4", "P6")]
CALLS = [*TRIANGLES, ("P3", "P4")]


def _two_triangles(driver: neo4j.Driver) -> None:
    driver.execute_query(
        "UNWIND range(1, 6) AS i "
        "CREATE (:Person {person_id: 'P' + i, name: 'Person ' + i})-[:USES]->"
        "(:Phone {number: '+4477009000' + i})"
    )
    driver.execute_query(
        "UNWIND $calls AS c "
        "MATCH (:Person {person_id: c[0]})-[:USES]->(a:Phone), "
        "(:Person {person_id: c[1]})-[:USES]->(b:Phone) "
        "CREATE (a)-[:CALLED {call_id: c[0] + c[1], at: datetime('2024-03-01T10:00:00Z'), "
        "duration_s: 60}]->(b)",
        calls=[list(c) for c in CALLS],
    )


def _env(neo4j_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    # no config file from the machine running the tests
    return {**neo4j_env, "NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}


@pytest.mark.neo4j
def test_map_and_exports_of_a_projection(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    _two_triangles(graph)
    env = _env(neo4j_env, tmp_path)
    run = CliRunner().invoke
    page = tmp_path / "calls.html"
    made = run(cli, ["map", "--out", str(page)], env=env)
    assert made.exit_code == 0, made.output
    assert "map of 6 nodes and 7 links" in made.stdout
    assert "Person 3" in page.read_text(encoding="utf-8")

    graphml = tmp_path / "calls.graphml"
    done = run(cli, ["export", "--size-by", "betweenness", str(graphml)], env=env)
    assert done.exit_code == 0, done.output
    G = nx.read_graphml(graphml)
    assert sorted(G.nodes) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    groups: dict[int, set[str]] = {}
    for node, data in G.nodes(data=True):
        groups.setdefault(data["community"], set()).add(node)
    assert sorted(map(sorted, groups.values())) == [["P1", "P2", "P3"], ["P4", "P5", "P6"]]

    tables = tmp_path / "tables"
    done = run(cli, ["export", "--redact", "--size-by", "degree", str(tables)], env=env)
    assert done.exit_code == 0, done.output
    nodes = pd.read_csv(tables / "nodes.csv")
    assert len(nodes) == 6
    assert not nodes.astype(str).apply(lambda c: c.str.contains("Person 3")).any().any()
    assert (tmp_path / "tables.pseudonyms.csv").is_file()


@pytest.mark.neo4j
def test_map_errors_are_one_line(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    env = _env(neo4j_env, tmp_path)
    run = CliRunner().invoke
    empty = run(cli, ["map", "--out", str(tmp_path / "m.html")], env=env)
    assert empty.exit_code == 2
    assert "projection is empty" in empty.stderr
    _two_triangles(graph)
    unknown = run(cli, ["map", "--communities", "nope", "--out", str(tmp_path / "m.html")], env=env)
    assert unknown.exit_code == 2
    assert "neither one of louvain" in unknown.stderr
    suffix = run(cli, ["export", str(tmp_path / "x.docx")], env=env)
    assert suffix.exit_code == 2 and "known suffixes" in suffix.stderr
    assert not (tmp_path / "m.html").exists()


def test_chains_is_a_top_level_command() -> None:
    result = CliRunner().invoke(cli, ["chains", "--help"])
    assert result.exit_code == 0 and "--across" in result.output


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def test_config_file_gives_the_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    cfg = _write(
        tmp_path / "netintel.toml",
        '[neo4j]\nuri = "bolt://db.example:7687"\nuser = "ana"\npassword = "s3"\n'
        'database = "cases"\n',
    )
    monkeypatch.setenv("NETINTEL_CONFIG", str(cfg))
    conn = connection(start_local=False)
    assert (conn.uri, conn.user, conn.password, conn.database, conn.local) == (
        "bolt://db.example:7687",
        "ana",
        "s3",
        "cases",
        False,
    )
    # the environment wins over the file
    monkeypatch.setenv("NEO4J_USER", "bob")
    monkeypatch.setenv("NEO4J_DATABASE", "other")
    conn = connection(start_local=False)
    assert (conn.user, conn.database, conn.password) == ("bob", "other", "s3")
    # a value given (the command line's flag) wins over both
    conn = connection(start_local=False, user="carl", database="third")
    assert (conn.uri, conn.user, conn.database) == ("bolt://db.example:7687", "carl", "third")
    # ... and so does a config file given over $NETINTEL_CONFIG
    other = _write(tmp_path / "other.toml", '[neo4j]\nuri = "bolt://other:7687"\npassword = "p"\n')
    assert connection(start_local=False, config=other).uri == "bolt://other:7687"
    assert connection(start_local=False, uri="neo4j://flag:7687").uri == "neo4j://flag:7687"


def test_config_file_found_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NETINTEL_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    assert load_settings().neo4j.uri is None
    _write(tmp_path / "netintel.toml", '[neo4j]\nuri = "bolt://here:7687"\n')
    assert load_settings().neo4j.uri == "bolt://here:7687"


@pytest.mark.parametrize(
    ("text", "mode", "message"),
    [
        ("[neo4j]\nurl = 'x'\n", 0o600, "neo4j.url: Extra inputs are not permitted"),
        ("[neo4j\n", 0o600, "not valid TOML"),
        ("[neo4j]\npassword = 'x'\n", 0o644, "chmod 600"),
        ("[servers]\n", 0o600, "servers: Extra inputs are not permitted"),
    ],
)
def test_bad_config_files_name_the_file_and_key(
    tmp_path: Path, text: str, mode: int, message: str
) -> None:
    path = _write(tmp_path / "bad.toml", text, mode)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_config_defaults_set_option_values(tmp_path: Path) -> None:
    cfg = _write(
        tmp_path / "c.toml",
        "[defaults.synth]\nscale = 1200\nseed = 5\n",
    )
    out = tmp_path / "s"
    env = {"NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    result = CliRunner().invoke(cli, ["--config", str(cfg), "synth", str(out)], env=env)
    assert result.exit_code == 0, result.output
    # same files as an explicit --scale 1200 --seed 5
    again = tmp_path / "t"
    explicit = CliRunner().invoke(
        cli, ["synth", "--scale", "1200", "--seed", "5", str(again)], env=env
    )
    assert explicit.exit_code == 0, explicit.output
    assert (out / "calls.csv").read_bytes() == (again / "calls.csv").read_bytes()
    # a flag on the command line wins over the file
    flag = CliRunner().invoke(
        cli, ["--config", str(cfg), "synth", "--seed", "6", str(tmp_path / "u")], env=env
    )
    assert flag.exit_code == 0
    assert (tmp_path / "u" / "calls.csv").read_bytes() != (out / "calls.csv").read_bytes()


def test_config_defaults_with_an_unknown_option_are_exit_2(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "c.toml", "[defaults.synth]\nscael = 1200\n")
    env = {"NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    result = CliRunner().invoke(cli, ["--config", str(cfg), "synth", str(tmp_path / "s")], env=env)
    assert result.exit_code == 2
    assert "defaults.synth.scael" in result.stderr and "scale" in result.stderr
    assert not (tmp_path / "s").exists()


def test_connection_flags_override_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        "NEO4J_URI": "bolt://127.0.0.1:9",
        "NEO4J_PASSWORD": "x",
        "NETINTEL_CONFIG": "",
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
    }
    # keys listed in env= are restored after the call, so the flags cannot leak
    env |= {"NEO4J_USER": "", "NEO4J_DATABASE": ""}
    result = CliRunner().invoke(cli, ["--neo4j-uri", "bolt://127.0.0.1:7", "summary"], env=env)
    assert result.exit_code == 3
    assert "127.0.0.1:7" in result.stderr
    assert os.environ.get("NEO4J_URI") != "bolt://127.0.0.1:7"


def test_the_root_flags_never_leak_into_the_environment(tmp_path: Path) -> None:
    cfg = _write(tmp_path / "c.toml", "[defaults.synth]\nscale = 1200\n")
    before = dict(os.environ)
    flags = [
        "--config",
        str(cfg),
        "--case",
        "leak-check",
        "--phone-region",
        "CN",
        "--neo4j-uri",
        "bolt://127.0.0.1:7",
        "--neo4j-user",
        "leaker",
        "--neo4j-database",
        "leaked",
    ]
    result = CliRunner().invoke(cli, [*flags, "schema", "docs"])
    assert result.exit_code == 0, result.output
    assert dict(os.environ) == before
    # the flags still reach the command: the server named on the command line is the one tried
    env = {"NEO4J_PASSWORD": "x", "NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "x")}
    tried = CliRunner().invoke(cli, [*flags[6:], "summary"], env=env)
    assert tried.exit_code == 3 and "127.0.0.1:7" in tried.stderr
    assert dict(os.environ) == before


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(cmd, click.Group):
        return [p for name, sub in cmd.commands.items() for p in _commands(sub, (*path, name))]
    return [path]


@pytest.mark.parametrize("path", _commands(cli), ids=" ".join)
def test_every_command_explains_itself_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    example = result.output.split("Example")[1]
    assert f"netintel {path[0]}" in example or "netintel investigate chains" in example


def test_config_defaults_cannot_set_the_root_options(tmp_path: Path) -> None:
    # connection settings belong in [neo4j]; a root option under [defaults] would be ignored
    cfg = _write(tmp_path / "c.toml", '[defaults]\nneo4j_uri = "bolt://x:7687"\n')
    env = {"NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    result = CliRunner().invoke(cli, ["--config", str(cfg), "schema", "docs"], env=env)
    assert result.exit_code == 2
    assert "defaults.neo4j_uri" in result.stderr and "detect" in result.stderr


@pytest.mark.neo4j
def test_a_session_holds_the_driver_and_the_database_and_closes(
    neo4j_connection: Connection,
) -> None:
    with open_session(neo4j_connection) as session:
        assert session.connection is neo4j_connection
        assert session.database == neo4j_connection.database
        records, _, _ = session.driver.execute_query(
            "RETURN 41 + 1 AS n", database_=session.database
        )
        assert records[0]["n"] == 42
    with pytest.raises(neo4j.exceptions.DriverError, match="closed"):
        session.driver.execute_query("RETURN 1")

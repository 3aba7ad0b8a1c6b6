"""`netintel disrupt` and `netintel players` on a network read from the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli

# two call triangles P1-P2-P3 and P4-P5-P6, joined by one call P3 -> P4
CALLS = [("P1", "P2"), ("P2", "P3"), ("P1", "P3"), ("P4", "P5"), ("P5", "P6"), ("P4", "P6")]
CALLS.append(("P3", "P4"))


@pytest.fixture
def triangles(graph: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    graph.execute_query(
        "UNWIND range(1, 6) AS i "
        "CREATE (:Person {person_id: 'P' + i, name: 'Person ' + i})-[:USES]->"
        "(:Phone {number: '+4477009000' + i})"
    )
    graph.execute_query(
        "UNWIND $calls AS c "
        "MATCH (:Person {person_id: c[0]})-[:USES]->(a:Phone), "
        "(:Person {person_id: c[1]})-[:USES]->(b:Phone) "
        "CREATE (a)-[:CALLED {call_id: c[0] + c[1], at: datetime('2024-03-01T10:00:00Z'), "
        "duration_s: 60}]->(b)",
        calls=[list(c) for c in CALLS],
    )
    return {**neo4j_env, "NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}


@pytest.mark.neo4j
def test_disrupt_writes_the_curves_with_names_and_a_plot(
    triangles: dict[str, str], tmp_path: Path
) -> None:
    out, plot = tmp_path / "arrests.csv", tmp_path / "arrests.png"
    args = ["disrupt", "--metric", "betweenness", "--metric", "degree", "--ties", "first"]
    args += ["--steps", "2", "--random-runs", "5", "--out", str(out), "--plot", str(plot)]
    done = CliRunner().invoke(cli, args, env=triangles)
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out)
    assert table.columns[:6].tolist() == ["metric", "strategy", "step", "removed", "name", "score"]
    first = table[(table["metric"] == "betweenness") & (table["step"] == 1)].iloc[0]
    # P3 and P4 carry every path between the triangles: a tie, broken in node order
    assert (first["removed"], first["name"], first["tied"]) == ("P3", "Person 3", 2)
    assert first["lcc_fraction"] == 0.5
    assert "Person 3" in done.stdout
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "random (5 runs): robustness" in done.stderr

    doc = tmp_path / "arrests.json"
    args = ["disrupt", "--strategy", "block", "--block-size", "2", "--ties", "last"]
    args += ["--out", str(doc), "--plot", str(plot), "--random-runs", "0", "--weighted"]
    again = CliRunner().invoke(cli, args, env=triangles)
    assert again.exit_code == 0, again.output
    saved = json.loads(doc.read_text(encoding="utf-8"))
    params = saved["curves"][0]["provenance"]["params"]
    assert (params["strategy"], params["block_size"], params["ties"]) == ("block", 2, "last")
    assert params["distance"] == "distance"  # betweenness on 1/calls lengths
    assert saved["curves"][1]["provenance"]["params"]["weight"] == "weight"
    assert saved["steps"][1]["name"].startswith("Person ")


@pytest.mark.neo4j
def test_disrupt_mistakes_are_one_line(triangles: dict[str, str], tmp_path: Path) -> None:
    run = CliRunner().invoke
    for args, named in [
        (["--block-size", "3"], "--block-size"),
        (["--metric", "collective_influence", "--weighted"], "--weighted"),
        (["--katz-alpha", "0.1"], "--katz-alpha"),
        (["--out", str(tmp_path / "a.txt")], "--out"),
        (["--plot", str(tmp_path / "a.svg")], "--plot"),
        (["--steps", "99"], "--steps"),
    ]:
        done = run(cli, ["disrupt", *args], env=triangles)
        assert done.exit_code == 2, (args, done.output)
        assert named in done.output and "Traceback" not in done.output
    # a Katz alpha the network cannot take: the API's reason, one line
    big = run(cli, ["disrupt", "--metric", "katz", "--katz-alpha", "5"], env=triangles)
    assert big.exit_code == 2 and "katz alpha must be" in big.stderr
    assert big.stderr.count("\n") == 1


@pytest.mark.neo4j
def test_players_table_has_names_ranks_and_conventions(
    triangles: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "players.csv"
    args = ["players", "--metric", "degree", "--metric", "betweenness", "--out", str(out)]
    done = CliRunner().invoke(cli, args, env=triangles)
    assert done.exit_code == 0, done.output
    table = pd.read_csv(out)
    assert table.columns.tolist()[:3] == ["node", "name", "rank"]
    assert table["node"].tolist()[:2] == ["P3", "P4"]
    assert table["name"].tolist()[:2] == ["Person 3", "Person 4"]
    # three calls each, of 5 other people
    assert table.set_index("node").loc["P3", "degree"] == pytest.approx(3 / 5)
    raw = CliRunner().invoke(cli, [*args, "--raw", "--sort", "degree"], env=triangles)
    assert raw.exit_code == 0, raw.output
    assert pd.read_csv(out).set_index("node").loc["P3", "degree"] == 3.0
    doc = tmp_path / "players.json"
    js = CliRunner().invoke(
        cli, ["players", "--component", "largest", "--out", str(doc)], env=triangles
    )
    assert js.exit_code == 0, js.output
    saved = json.loads(doc.read_text(encoding="utf-8"))
    assert saved["rows"][0]["name"] == "Person 3"
    assert saved["provenance"]["params"]["component"] == "largest"
    bad = CliRunner().invoke(cli, [*args, "--sort", "pagerank"], env=triangles)
    assert bad.exit_code == 2 and "--sort" in bad.output

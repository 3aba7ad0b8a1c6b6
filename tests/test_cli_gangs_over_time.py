"""`netintel gangs-over-time` and its reader, gangs_over_time_of, against the real Neo4j."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.investigate import gangs_over_time_of

pytestmark = pytest.mark.neo4j

MARCH = [*combinations(["P1", "P2", "P3", "P4"], 2), *combinations(["P5", "P6", "P7", "P8"], 2)]
# in April P4 calls the other gang only
APRIL = [*combinations(["P1", "P2", "P3"], 2), *combinations(["P4", "P5", "P6", "P7", "P8"], 2)]


def _case(driver: neo4j.Driver) -> None:
    driver.execute_query(
        "UNWIND range(1, 8) AS i "
        "CREATE (:Person {person_id: 'P' + i, name: 'Person ' + i})-[:USES]->"
        "(:Phone {number: '+4477009000' + i})"
    )
    calls = [[a, b, "2024-03-10T10:00:00Z"] for a, b in MARCH]
    calls += [[a, b, "2024-04-10T10:00:00Z"] for a, b in APRIL]
    driver.execute_query(
        "UNWIND $calls AS c "
        "MATCH (:Person {person_id: c[0]})-[:USES]->(a:Phone), "
        "(:Person {person_id: c[1]})-[:USES]->(b:Phone) "
        "CREATE (a)-[:CALLED {call_id: c[0] + c[1] + c[2], at: datetime(c[2]), "
        "duration_s: 60}]->(b)",
        calls=calls,
    )


def test_gangs_over_time_from_the_database(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    _case(graph)
    t = gangs_over_time_of(graph, since="2024-03-01", until="2024-05-01", window="31D")
    assert t.windows == ("2024-03-01..2024-04-01", "2024-04-01..2024-05-01")  # the last is cut
    assert t.movers[["window", "person", "name"]].values.tolist() == [
        ["2024-04-01..2024-05-01", "P4", "Person 4"]
    ]
    assert sorted(t.events["event"]) == ["grow", "shrink"]

    env = {**neo4j_env, "NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    out = tmp_path / "over-time"
    args = ["gangs-over-time", "--since", "2024-03-01", "--until", "2024-05-01"]
    done = CliRunner().invoke(cli, [*args, "--window", "31D", "--out", str(out)], env=env)
    assert done.exit_code == 0, done.output
    assert "2 windows, 4 gangs tracked; 1 grow, 1 shrink; 1 moved" in done.stdout
    assert "Person 4" in done.stdout  # the movers table, names next to ids
    movers = pd.read_csv(out / "movers.csv")
    assert movers[["person", "name"]].values.tolist() == [["P4", "Person 4"]]
    assert {p.name for p in out.iterdir()} == {
        "movers.csv",
        "events.csv",
        "leader_changes.csv",
        "communities.csv",
        "centralization.csv",
        "result.json",
        "gangs_over_time.png",
    }
    assert json.loads((out / "result.json").read_text("utf-8"))["provenance"]["seed"] == 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--since", "2024-03-01"], "--since and --until are needed"),
        (["--since", "2024-05-01", "--until", "2024-03-01"], "is not after --since"),
        (["--since", "2024-03-01", "--until", "2024-05-01T00:00+01:00"], "time zone"),
    ],
)
def test_gangs_over_time_mistakes_are_one_line(args: list[str], words: str) -> None:
    done = CliRunner().invoke(cli, ["gangs-over-time", *args])
    assert done.exit_code == 2
    assert words in done.stderr and "Traceback" not in done.output

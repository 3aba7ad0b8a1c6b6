"""Predicted links against the real Neo4j: written as hypotheses, replaced per run, never
followed by a projection or a path search."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pandas as pd
import pytest

from netintel.algorithms import louvain, predict_links
from netintel.exceptions import DatabaseError
from netintel.ingest import ingest
from netintel.investigate import k_shortest_paths_of
from netintel.predicted import read_predictions, write_predictions
from netintel.projection import PROJECTIONS, person_call_network, project
from netintel.runs import delete_run, list_runs, write_run

pytestmark = pytest.mark.neo4j

PEOPLE = [f"P{i}" for i in range(1, 9)]
PHONE = {p: f"+4479110000{7 * i:02d}" for i, p in enumerate(PEOPLE)}  # valid UK mobiles
LONER = "P9"  # a person with no phone, no call, no case


def records() -> dict[str, pd.DataFrame]:
    """Two gangs that call within themselves, but not all pairs; P4 calls P5."""
    pairs = [(a, b) for g in (PEOPLE[:4], PEOPLE[4:]) for a, b in combinations(g, 2)]
    pairs = [p for p in pairs if p not in {("P1", "P4"), ("P5", "P8")}] + [("P4", "P5")]
    calls = [
        (f"c{i}", PHONE[a], PHONE[b], f"2024-01-{day:02d}T10:00:00Z", 60)
        for i, ((a, b), day) in enumerate((p, d) for p in pairs for d in (3, 4))
    ]
    everyone = [*PEOPLE, LONER]
    return {
        "persons": pd.DataFrame({"person_id": everyone, "name": [f"Name {p}" for p in everyone]}),
        "phone_users": pd.DataFrame({"person_id": PEOPLE, "number": [PHONE[p] for p in PEOPLE]}),
        "calls": pd.DataFrame(
            calls, columns=["call_id", "caller", "callee", "started_at", "duration_s"]
        ),
    }


@pytest.fixture
def gangs(graph: neo4j.Driver, tmp_path: Path) -> neo4j.Driver:
    frames = records()
    report = ingest(frames, driver=graph, reject_dir=tmp_path, progress=False)
    assert report.rows_rejected == 0
    # the database holds every row, counted there rather than in the report
    held, _, _ = graph.execute_query(
        "MATCH (p:Person) WITH count(p) AS people "
        "MATCH ()-[u:USES]->() WITH people, count(u) AS uses "
        "MATCH ()-[c:CALLED]->() RETURN people, uses, count(c) AS calls"
    )
    assert held[0].data() == {
        "people": len(frames["persons"]),
        "uses": len(frames["phone_users"]),
        "calls": len(frames["calls"]),
    }
    return graph


def predicted_count(driver: neo4j.Driver) -> int:
    records_, _, _ = driver.execute_query("MATCH ()-[p:PREDICTED]->() RETURN count(p) AS n")
    return int(records_[0]["n"])


def test_candidates_are_written_with_their_run_and_read_back_with_names(
    gangs: neo4j.Driver,
) -> None:
    proj = person_call_network(gangs)
    result = predict_links(proj.to_networkx(), "adamic_adar", k=5, holdout=0.2, seed=1)
    run_id = write_predictions(gangs, result, projection=proj)
    stored = read_predictions(gangs, run_id)
    # the two missing in-gang calls come first: each pair shares two contacts
    assert {frozenset(p) for p in zip(stored["u"][:2], stored["v"][:2], strict=True)} == {
        frozenset(("P1", "P4")),
        frozenset(("P5", "P8")),
    }
    assert stored["u"].tolist() == result.table["u"].tolist()
    assert stored["score"].tolist() == pytest.approx(result.table["score"].tolist())
    assert stored["rank"].tolist() == [1, 2, 3, 4, 5]
    assert set(stored["method"]) == {"adamic_adar"} and set(stored["run"]) == {run_id}
    assert stored.loc[0, "u_name"] == f"Name {stored.loc[0, 'u']}"
    assert stored.loc[0, "common_contacts"] == list(result.table.loc[0, "common_contacts"])
    runs = list_runs(gangs).set_index("run_id")
    assert runs.loc[run_id, "kind"] == "link_prediction"
    assert runs.loc[run_id, "projection"] == "person_calls"
    run, _, _ = gangs.execute_query(
        "MATCH (r:AnalysisRun {run_id: $id}) RETURN r.evaluation AS e, r.seed AS s", id=run_id
    )
    assert '"method": "katz"' in run[0]["e"] and run[0]["s"] == 1


def test_writing_again_replaces_the_runs_predictions(gangs: neo4j.Driver) -> None:
    G = person_call_network(gangs).to_networkx()
    first = predict_links(G, "katz", k=6)
    run_id = write_predictions(gangs, first)
    assert write_predictions(gangs, first) == run_id  # same result, same run
    assert predicted_count(gangs) == 6
    write_predictions(gangs, predict_links(G, "katz", k=3), run_id=run_id)
    assert predicted_count(gangs) == 3
    assert read_predictions(gangs, run_id)["rank"].tolist() == [1, 2, 3]
    other = write_predictions(gangs, predict_links(G, "jaccard", k=2))
    assert other != run_id and predicted_count(gangs) == 5
    assert delete_run(gangs, run_id)
    assert predicted_count(gangs) == 2
    assert set(read_predictions(gangs)["run"]) == {other}


def test_a_clash_or_a_missing_person_writes_nothing(gangs: neo4j.Driver) -> None:
    G = person_call_network(gangs).to_networkx()
    communities = write_run(gangs, louvain(G.to_undirected(), seed=0))
    result = predict_links(G, "katz", k=4)
    with pytest.raises(DatabaseError, match="not a link prediction"):
        write_predictions(gangs, result, run_id=communities)
    assert predicted_count(gangs) == 0
    assert list_runs(gangs).set_index("run_id").loc[communities, "kind"] == "communities"
    run_id = write_predictions(gangs, result)
    strangers = predict_links(nx.Graph([("P1", "X"), ("X", "NOBODY")]), "katz")
    with pytest.raises(DatabaseError, match=r"1 person.*'NOBODY'"):
        write_predictions(gangs, strangers, run_id=run_id)
    assert read_predictions(gangs, run_id)["rank"].tolist() == [1, 2, 3, 4]  # the old ones


def _edges(driver: neo4j.Driver, name: str) -> Any:
    proj = project(driver, name)
    return proj.nodes.tolist(), proj.src.tolist(), proj.dst.tolist(), proj.weight.tolist()


def test_no_projection_and_no_path_search_follows_predicted_links(gangs: neo4j.Driver) -> None:
    before = {name: _edges(gangs, name) for name in PROJECTIONS}
    # P9 calls nobody: a prediction is the only link between P1 and P9
    hypothesis = predict_links(nx.Graph([("P1", "X"), ("X", LONER)]), "katz")
    assert hypothesis.pairs == [("P1", LONER)]
    write_predictions(gangs, hypothesis)
    write_predictions(gangs, predict_links(person_call_network(gangs).to_networkx(), k=10))
    assert predicted_count(gangs) == 11
    after = {name: _edges(gangs, name) for name in PROJECTIONS}
    assert after == before
    assert k_shortest_paths_of(gangs, "P1", LONER, via="all").paths == ()
    # the missing in-gang call P1-P4 is predicted, yet the path goes through the phones
    (shortest, *_) = k_shortest_paths_of(gangs, "P1", "P4", via="all").paths
    assert [hop.types for hop in shortest.hops] == [("USES",), ("CALLED",), ("CALLED",), ("USES",)]


# --------------------------------------------------------------------------- CLI


def test_cli_lists_names_evaluates_saves_and_writes(
    gangs: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from netintel.cli import cli

    out = tmp_path / "predicted.csv"
    args = ["predict", "--method", "adamic_adar", "--k", "3", "--holdout", "0.2"]
    result = CliRunner().invoke(cli, [*args, "--write", "--out", str(out)], env=neo4j_env)
    assert result.exit_code == 0, result.output
    assert "precision_at_k" in result.stdout and "resource_allocation" in result.stdout
    assert "Name P1" in result.stdout
    saved = pd.read_csv(out)
    assert saved["rank"].tolist() == [1, 2, 3]
    first = saved.set_index("u").loc["P1"]
    assert first["v"] == "P4" and first["u_name"] == "Name P1" and first["v_name"] == "Name P4"
    assert first["common_contacts"] == "P2 (Name P2); P3 (Name P3)"
    stored = read_predictions(gangs)
    assert len(stored) == 3 and set(stored["method"]) == {"adamic_adar"}
    assert "stored 3 PREDICTED links" in result.stderr
    again = CliRunner().invoke(cli, [*args, "--write"], env=neo4j_env)
    assert again.exit_code == 0 and len(read_predictions(gangs)) == 3  # replaced, not added


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--projection", "phone_calls", "--write"], "between people"),
        (["--repeats", "3"], "--holdout"),
        (["--run-id", "mine"], "--write"),
    ],
)
def test_cli_mistakes_are_one_line(
    gangs: neo4j.Driver, neo4j_env: dict[str, str], args: list[str], words: str
) -> None:
    from click.testing import CliRunner

    from netintel.cli import cli

    result = CliRunner().invoke(cli, ["predict", *args], env=neo4j_env)
    assert result.exit_code == 2, result.output
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert words in error and "Traceback" not in result.output
    assert predicted_count(gangs) == 0

"""A later ingest that changes a value the graph held records the change, on the real server.

The issue's case: a victim's roles became ``suspect`` with no warning. Now the report
counts the change and ``netintel changes`` lists the old and new value with both sources.
"""

from __future__ import annotations

import json
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.db import value_changes
from netintel.ingest import IngestReport, ingest

pytestmark = pytest.mark.neo4j

PERSONS = "person_id,name,roles,birth_date\n"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _run(driver: neo4j.Driver, path: Path, tmp_path: Path) -> IngestReport:
    return ingest(path, driver=driver, reject_dir=tmp_path / "rejects", progress=False)


def test_a_changed_role_and_name_are_recorded_with_both_sources(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    first = _write(
        tmp_path / "a",
        "persons.csv",
        PERSONS + "P1,Li Hui,victim,2009-03-01\nP2,Wang Fang,suspect,1980-01-02\n",
    )
    one = _run(graph, first, tmp_path)
    assert one.values_changed == 0
    second = _write(
        tmp_path / "b",
        "persons.csv",
        # P1: roles and birth date changed, name the same; P2: a new value where none was
        # is not a change (empty cell); P3 is new
        PERSONS + "P2,Wang Fang,,\nP1,Li Hui,suspect,2009-03-02\nP3,Zhao Lei,suspect,\n",
    )
    two = _run(graph, second, tmp_path)
    assert (two.rows_loaded, two.values_changed) == (3, 2)
    assert two.files[0].values_changed == 2
    assert f"changed 2 values the graph already held (netintel changes {two.run_id})" in str(two)
    assert json.loads(two.to_json())["values_changed"] == 2

    frame = value_changes(graph, two.run_id)
    rows = frame.assign(old=frame["old"].map(str), new=frame["new"].map(str)).to_dict("records")
    assert [(r["key"], r["property"], r["old"], r["new"]) for r in rows] == [
        ("P1", "birth_date", "2009-03-01", "2009-03-02"),
        ("P1", "roles", "['victim']", "['suspect']"),
    ]
    for r in rows:
        assert (r["label"], r["file"], r["row"]) == ("Person", "persons.csv", 3)
        assert (r["old_file"], r["old_row"], r["old_run"]) == ("persons.csv", 2, one.run_id)
    # the graph holds the new values: the change was applied, and recorded
    records, _, _ = graph.execute_query("MATCH (p:Person {person_id: 'P1'}) RETURN p.roles")
    assert records[0][0] == ["suspect"]
    assert value_changes(graph, one.run_id).empty
    assert len(value_changes(graph)) == 2

    # the same file again changes nothing, and records nothing twice
    again = _run(graph, second, tmp_path)
    assert again.values_changed == 0
    assert len(value_changes(graph)) == 2


def test_a_changed_call_duration_is_recorded_with_the_calls_key(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    header = "call_id,caller,callee,started_at,duration_s\n"
    row = "C1,+442079460018,+442079460019,2023-05-08T10:00:00+00:00,{}\n"
    first = _write(tmp_path / "a", "calls.csv", header + row.format(60))
    _run(graph, first, tmp_path)
    second = _write(tmp_path / "b", "calls.csv", header + row.format(75))
    report = _run(graph, second, tmp_path)
    assert report.values_changed == 1
    (change,) = value_changes(graph, report.run_id).to_dict("records")
    assert change["label"] == "CALLED"
    assert change["key"] == "+442079460018 -> +442079460019 (call_id=C1)"
    assert (change["old"], change["new"]) == (60, 75)


def test_netintel_changes_lists_and_names_an_unknown_run(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    _run(graph, _write(tmp_path / "a", "persons.csv", PERSONS + "P1,Li Hui,victim,\n"), tmp_path)
    report = _run(
        graph, _write(tmp_path / "b", "persons.csv", PERSONS + "P1,Li Hui,suspect,\n"), tmp_path
    )
    runner = CliRunner(env=neo4j_env)
    shown = runner.invoke(cli, ["changes", "--json"])
    assert shown.exit_code == 0, shown.output
    (change,) = json.loads(shown.output)
    assert (change["run"], change["property"], change["old"], change["new"]) == (
        report.run_id,
        "roles",
        ["victim"],
        ["suspect"],
    )
    out = tmp_path / "changes.csv"
    assert runner.invoke(cli, ["changes", report.run_id, "--out", str(out)]).exit_code == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("run,file,row,label")
    unknown = runner.invoke(cli, ["changes", "no-such-run"])
    assert unknown.exit_code == 2
    assert "no ingest run 'no-such-run' in this database" in unknown.output

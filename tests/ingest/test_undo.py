"""Undoing an ingest run gives back the graph as it was before the run, on the real server.

Ingest A (persons, phones, who uses which, calls), then B, which changes values (a person's
roles and name, a call's duration), adds a value where there was none (a birth date),
re-writes a person unchanged, and creates persons, a phone, a tower, a use and a call.
Undoing B must give A's graph back exactly (typed values, provenance included); the
bookkeeping (IngestRun, ValueChange) is compared apart.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner
from graph_snapshot import graph_snapshot

import netintel.ingest.undo as undo_module
from netintel.cli import cli
from netintel.db import ingest_run_list, run_query
from netintel.exceptions import NetintelError, UndoRefusedError, UndoUnfinishedError
from netintel.ingest import IngestReport, UndoReport, ingest, undo_run
from netintel.schema import INGEST_LOCK, INGEST_RUN, VALUE_CHANGE

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]

A = {
    "persons.csv": "person_id,name,roles,gender,birth_date\n"
    "P1,Li Hui,victim,female,2009-03-01\n"
    "P2,Wang Fang,suspect,male,\n"
    "P3,Zhao Lei,suspect,male,1979-05-05\n",
    "phones.csv": "number,imei\n+8613800000001,111\n+8613800000002,222\n+8613800000003,\n",
    "phone_users.csv": "person_id,number,since\n"
    "P1,+8613800000001,2024-01-01\nP2,+8613800000002,2024-01-01\n",
    "calls.csv": "call_id,caller,callee,started_at,duration_s,tower\n"
    "c1,+8613800000001,+8613800000002,2024-05-01T10:00:00Z,60,T1\n"
    "c2,+8613800000002,+8613800000003,2024-05-01T11:00:00Z,30,T1\n",
}
B = {
    # P1: roles, name and birth date changed; P2: a birth date where there was none; P3 the
    # same; P4 new
    "persons.csv": "person_id,name,roles,gender,birth_date\n"
    "P1,Li Huihui,suspect,female,2009-03-02\n"
    "P2,Wang Fang,suspect,male,1980-01-02\n"
    "P3,Zhao Lei,suspect,male,1979-05-05\n"
    "P4,Sun Mei,buyer,female,\n",
    "phones.csv": "number,imei\n+8613800000004,444\n",
    "phone_users.csv": "person_id,number,since\nP4,+8613800000004,2024-02-01\n",
    # c1 re-written with another duration; c3 new, through a new tower
    "calls.csv": "call_id,caller,callee,started_at,duration_s,tower\n"
    "c1,+8613800000001,+8613800000002,2024-05-01T10:00:00Z,61,T1\n"
    "c3,+8613800000004,+8613800000001,2024-05-02T09:00:00Z,15,T9\n",
}
#: what undoing B does: P4, phone 4 and tower T9; c3 and P4's use of phone 4; P1's roles,
#: name and birth date (a Date again) and c1's duration; P2's birth date; P1, P2, P3 and c1
#: back to A's provenance
UNDO_B = {
    "nodes_deleted": 3,
    "relationships_deleted": 2,
    "values_restored": 4,
    "properties_removed": 1,
    "provenance_restored": 4,
}


def _files(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _ingest(driver: neo4j.Driver, folder: Path) -> IngestReport:
    report = ingest(folder, driver=driver, reject_dir=folder / "rejects", progress=False)
    assert report.rows_rejected == 0, report
    return report


def _data(driver: neo4j.Driver) -> dict[str, list[object]]:
    """The graph but for the run bookkeeping (IngestRun nodes)."""
    return graph_snapshot(driver, skip_labels=[INGEST_RUN])


def _runs(driver: neo4j.Driver) -> dict[str, dict[str, object]]:
    return {r["run_id"]: r for r in ingest_run_list(driver).to_dict("records")}


@pytest.fixture
def a_then_b(graph: neo4j.Driver, tmp_path: Path) -> tuple[str, str, dict[str, list[object]]]:
    """A loaded, its snapshot, then B loaded: (A's run id, B's run id, A's snapshot)."""
    a = _ingest(graph, _files(tmp_path / "a", A))
    before = _data(graph)
    b = _ingest(graph, _files(tmp_path / "b", B))
    assert b.values_changed == 4  # the added birth date is recorded, not counted as a change
    assert _data(graph) != before
    return a.run_id, b.run_id, before


def test_undoing_b_gives_back_a_exactly(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    a, b, before = a_then_b
    assert len(graph_snapshot(graph, skip_labels=[INGEST_RUN])["nodes"]) > len(before["nodes"])
    report = undo_run(graph, b)
    assert isinstance(report, UndoReport) and not report.dry_run
    assert {k: getattr(report, k) for k in UNDO_B} == UNDO_B
    after = _data(graph)
    assert after == before  # ValueChange records included: B's are gone, A made none
    assert not [n for n in after["nodes"] if VALUE_CHANGE in n[0]]
    # the run stays, marked undone by this OS user; A's is untouched
    runs = _runs(graph)
    assert runs[b]["status"] == "undone" and runs[b]["undone_by"] == getpass.getuser()
    assert runs[b]["undone"] is not None
    assert runs[a]["status"] == "complete" and runs[a]["user"] == getpass.getuser()
    assert runs[a]["rows_loaded"] == 10


def test_the_dry_run_writes_nothing_and_counts_what_the_undo_does(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    _, b, before = a_then_b
    full = graph_snapshot(graph)
    planned = undo_run(graph, b, dry_run=True)
    assert planned.dry_run
    assert graph_snapshot(graph) == full  # nothing written, bookkeeping included
    done = undo_run(graph, b)
    fields = list(UNDO_B)
    assert [getattr(planned, f) for f in fields] == [getattr(done, f) for f in fields]
    assert _data(graph) == before


def test_undoing_a_run_a_later_run_overwrote_is_refused_naming_it(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    a, b, _ = a_then_b
    full = graph_snapshot(graph)
    with pytest.raises(UndoRefusedError, match=b) as caught:
        undo_run(graph, a)
    assert isinstance(caught.value, NetintelError) and caught.value.run_id == a
    assert "undo them first" in str(caught.value)
    with pytest.raises(UndoRefusedError, match=b):
        undo_run(graph, a, dry_run=True)
    assert graph_snapshot(graph) == full
    # once B is undone, A can be: the graph is empty but for the runs, marked undone
    undo_run(graph, b)
    undo_run(graph, a)
    assert _data(graph) == {"nodes": [], "relationships": []}
    assert {r["status"] for r in _runs(graph).values()} == {"undone"}


def test_a_later_run_that_only_calls_a_phone_the_run_created_is_named(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    a = _ingest(graph, _files(tmp_path / "a", {"phones.csv": A["phones.csv"]}))
    calls = {"calls.csv": A["calls.csv"]}  # writes no phone: only calls between A's phones
    b = _ingest(graph, _files(tmp_path / "b", calls))
    with pytest.raises(UndoRefusedError, match=b.run_id):
        undo_run(graph, a.run_id)


def test_undoing_twice_is_refused(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    _, b, before = a_then_b
    undo_run(graph, b)
    with pytest.raises(UndoRefusedError, match="undone already"):
        undo_run(graph, b)
    assert _data(graph) == before


def test_an_unknown_run_is_refused(graph: neo4j.Driver) -> None:
    with pytest.raises(UndoRefusedError, match="no ingest run 'ingest-nope'"):
        undo_run(graph, "ingest-nope")


@pytest.mark.parametrize(
    "older",
    [
        # an element loaded by a netintel that kept no earlier writers
        "MATCH (p:Person {person_id: 'P1'}) REMOVE p.prior_runs, p.prior_sources, p.prior_rows",
        "MATCH (p:Person {person_id: 'P4'}) REMOVE p.created_run",
        # a value change naming no element the database holds
        "MATCH (v:ValueChange) WITH v LIMIT 1 SET v.element = '4:nowhere:0'",
    ],
)
def test_a_run_without_what_an_undo_needs_is_refused(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]], older: str
) -> None:
    _, b, _ = a_then_b
    graph.execute_query(older)
    full = graph_snapshot(graph)
    with pytest.raises(UndoRefusedError, match="lacks what an undo needs"):
        undo_run(graph, b)
    assert graph_snapshot(graph) == full


def test_an_undo_is_refused_while_an_ingest_holds_the_lock(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    _, b, _ = a_then_b
    full = graph_snapshot(graph)
    run_query(
        graph, "ingest_lock_take", write=True,
        token="t", run_id="ingest-busy", pid=1, host="elsewhere", started=None,
    )  # fmt: skip
    try:
        with pytest.raises(UndoRefusedError, match="ingest-busy"):
            undo_run(graph, b)
    finally:
        run_query(graph, "ingest_lock_release", write=True, force=True, token=None)
    assert graph_snapshot(graph) == full
    undo_run(graph, b)  # and once it is released, the undo runs


def test_loading_b_again_after_the_undo_gives_b_again(
    graph: neo4j.Driver, tmp_path: Path, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    _, b, _ = a_then_b
    with_b = _data(graph)  # ValueChange records included
    undo_run(graph, b)
    again = _ingest(graph, tmp_path / "b")
    assert again.run_id == b and again.values_changed == 4
    assert _data(graph) == with_b
    runs = _runs(graph)
    assert runs[b]["status"] == "complete" and runs[b]["undone"] is None
    # and it can be undone again
    undo_run(graph, b)
    assert _runs(graph)[b]["status"] == "undone"


@pytest.mark.parametrize(
    ("stop", "values_left", "relationships_left"),
    [
        # in the values, after 2 of the 5 (one per transaction)
        ("ingest_run_undo_values", 3, 2),
        # after the sweep that deleted the 2 relationships the run created
        ("ingest_run_undo_attached_relationships", 0, 0),
    ],
)
def test_an_interrupted_undo_is_finished_by_running_it_again(
    graph: neo4j.Driver,
    a_then_b: tuple[str, str, dict[str, list[object]]],
    monkeypatch: pytest.MonkeyPatch,
    stop: str,
    values_left: int,
    relationships_left: int,
) -> None:
    _, b, before = a_then_b
    monkeypatch.setattr(undo_module, "BATCH", 1)  # one element per transaction
    real_query, real_sweep = undo_module.run_query, undo_module._swept
    calls: list[str] = []

    def stopping(name: str) -> None:
        calls.append(name)
        if name == stop and calls.count(name) == (3 if stop.endswith("values") else 1):
            raise KeyboardInterrupt

    def query(driver: neo4j.Driver, name: str, **params: object) -> list[dict[str, object]]:
        stopping(name)
        return real_query(driver, name, **params)

    def sweep(driver: neo4j.Driver, name: str, run_id: str, database: str | None) -> int:
        stopping(name)
        return real_sweep(driver, name, run_id, database)

    monkeypatch.setattr(undo_module, "run_query", query)
    monkeypatch.setattr(undo_module, "_swept", sweep)
    with pytest.raises(KeyboardInterrupt):
        undo_run(graph, b)
    monkeypatch.setattr(undo_module, "run_query", real_query)
    monkeypatch.setattr(undo_module, "_swept", real_sweep)
    assert _runs(graph)[b]["status"] == "undoing"
    assert not run_query(graph, "ingest_lock_holder")  # the lock was released
    assert _data(graph) != before
    planned = undo_run(graph, b, dry_run=True)
    rest = undo_run(graph, b)  # finishes the job
    assert _data(graph) == before
    assert _runs(graph)[b]["status"] == "undone"
    # the second half did what the first had not, and the dry run said so
    assert rest.values_restored + rest.properties_removed == values_left
    assert rest.relationships_deleted == relationships_left
    assert rest.nodes_deleted == UNDO_B["nodes_deleted"]
    assert rest.provenance_restored == UNDO_B["provenance_restored"]
    assert [getattr(planned, k) for k in UNDO_B] == [getattr(rest, k) for k in UNDO_B]


def test_the_command_prints_the_counts_and_json_and_refuses_in_one_line(
    graph: neo4j.Driver,
    neo4j_env: dict[str, str],
    a_then_b: tuple[str, str, dict[str, list[object]]],
) -> None:
    a, b, before = a_then_b
    runner = CliRunner()
    listed = runner.invoke(cli, ["runs"], env=neo4j_env)
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0].startswith(b) and "complete" in lines[0] and "8 rows" in lines[0]
    assert lines[1].startswith(a) and "10 rows" in lines[1] and "persons.csv" in lines[1]
    # started: local time in the case's zone, with the zone said
    assert re.search(r"  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ \([+-]\d\d:\d\d\)", lines[0])

    dry = runner.invoke(cli, ["undo", b, "--dry-run"], env=neo4j_env)
    assert dry.exit_code == 0, dry.output
    assert "dry run, nothing written" in dry.output
    assert "values restored                  4" in dry.output
    refused = runner.invoke(cli, ["undo", a], env=neo4j_env)
    assert refused.exit_code == 2
    assert refused.stderr.strip().count("\n") == 0 and b in refused.stderr
    assert "Traceback" not in refused.output

    done = runner.invoke(cli, ["undo", b, "--json"], env=neo4j_env)
    assert done.exit_code == 0, done.output
    counts = json.loads(done.stdout)
    assert {k: counts[k] for k in UNDO_B} == UNDO_B and counts["run_id"] == b
    assert _data(graph) == before

    listed = json.loads(runner.invoke(cli, ["runs", "--json"], env=neo4j_env).stdout)
    assert [(r["run_id"], r["status"]) for r in listed] == [(b, "undone"), (a, "complete")]

    unknown = runner.invoke(cli, ["undo", "ingest-nope"], env=neo4j_env)
    assert unknown.exit_code == 2
    assert unknown.stderr.strip().count("\n") == 0
    assert "no ingest run 'ingest-nope'" in unknown.stderr


def test_the_command_is_refused_in_read_only_mode(
    graph: neo4j.Driver,
    neo4j_env: dict[str, str],
    a_then_b: tuple[str, str, dict[str, list[object]]],
) -> None:
    _, b, _ = a_then_b
    full = graph_snapshot(graph)
    env = {**neo4j_env, "NETINTEL_READ_ONLY": "1"}
    result = CliRunner().invoke(cli, ["undo", b], env=env)
    assert result.exit_code == 2, result.output
    assert "read-only" in result.stderr and result.stderr.strip().count("\n") == 0
    assert graph_snapshot(graph) == full
    dry = CliRunner().invoke(cli, ["undo", b, "--dry-run"], env=env)  # a dry run only reads
    assert dry.exit_code == 0, dry.output


def test_the_example_of_undo_run_runs(
    graph: neo4j.Driver, neo4j_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import doctest

    for name, value in neo4j_env.items():
        monkeypatch.setenv(name, value)
    doc = undo_run.__doc__ or ""
    test = doctest.DocTestParser().get_doctest(doc, dict(vars(undo_module)), "undo_run", None, 0)
    for example in test.examples:
        example.options.pop(doctest.SKIP, None)
    runner = doctest.DocTestRunner()
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 0


def test_a_run_that_updated_what_a_later_run_updated_again_is_refused(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    """Z creates P1, A changes it, B changes it again: only P1's earlier writers say that B
    wrote after A (A neither created P1 nor wrote it last)."""
    person = "person_id,name\nP1,{}\n"
    _ingest(graph, _files(tmp_path / "z", {"persons.csv": person.format("Li")}))
    a = _ingest(graph, _files(tmp_path / "a", {"persons.csv": person.format("Li Hui")}))
    b = _ingest(graph, _files(tmp_path / "b", {"persons.csv": person.format("Li Huihui")}))
    with pytest.raises(UndoRefusedError, match=f"undo them first.*{b.run_id}"):
        undo_run(graph, a.run_id)
    undo_run(graph, b.run_id)
    assert undo_run(graph, a.run_id).values_restored == 1


def test_the_dry_run_counts_the_analysis_results_on_the_nodes_the_run_created(
    graph: neo4j.Driver, a_then_b: tuple[str, str, dict[str, list[object]]]
) -> None:
    """A relationship without provenance (an analysis result) on a node the run created is
    deleted with it, and the dry run says so."""
    _, b, _ = a_then_b
    graph.execute_query(
        "MATCH (p:Person {person_id: 'P4'}), (q:Person {person_id: 'P1'}) "
        "CREATE (p)-[:PREDICTED {run: 'analysis-1'}]->(q)"
    )
    planned = undo_run(graph, b, dry_run=True)
    done = undo_run(graph, b)
    assert planned.relationships_deleted == done.relationships_deleted
    assert done.relationships_deleted == UNDO_B["relationships_deleted"] + 1


def test_the_undo_finds_the_run_through_the_run_indexes(graph: neo4j.Driver) -> None:
    """Every statement of an undo reaches the run's elements by index seeks, label by label
    and type by type: no plan scans all nodes or a whole label."""
    from netintel.ingest.undo_statements import UNDO_STATEMENTS, undo_statement

    def operators(plan: dict[str, object]) -> list[str]:
        children = plan.get("children") or []
        assert isinstance(children, list)
        return [str(plan["operatorType"]).split("@")[0]] + [
            op for c in children for op in operators(c)
        ]

    scans = ("AllNodesScan", "LabelScan", "LabelsScan", "TypeScan", "AllRelationshipsScan")
    for name in UNDO_STATEMENTS:
        with graph.session() as session:  # auto-commit: CALL IN TRANSACTIONS explains there
            result = session.run(f"EXPLAIN {undo_statement(name)}", run="r", limit=1, later=["l"])
            plan = result.consume().plan
        assert plan is not None
        ops = operators(plan)
        assert not [op for op in ops if any(scan in op for scan in scans)], (name, ops)
        assert any("IndexSeek" in op for op in ops), (name, ops)


_KILLED_UNDO = """
import os, signal, sys
import netintel.ingest.undo as undo
from netintel.cli import main

real = undo._swept

def swept(driver, name, run_id, database):
    done = real(driver, name, run_id, database)
    if name == "ingest_run_undo_created_relationships":
        os.kill(os.getpid(), signal.SIGKILL)  # half-way: values and relationships undone
    return done

undo._swept = swept
sys.argv = ["netintel", "undo", sys.argv[1]]
main()
"""


def test_a_killed_undo_refuses_ingests_and_other_undos_until_it_is_run_again(
    graph: neo4j.Driver,
    neo4j_env: dict[str, str],
    tmp_path: Path,
    a_then_b: tuple[str, str, dict[str, list[object]]],
) -> None:
    """``netintel undo B`` SIGKILLed half-way leaves B ``undoing`` and its lock behind: an
    ingest, an undo of A and its dry run are refused in one line (exit 2) and write nothing;
    undoing B again finishes the job, and then both run."""
    a, b, before = a_then_b
    env = {**os.environ, **neo4j_env, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_UNDO, b], env=env, capture_output=True, timeout=600
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode(errors="replace")
    assert _runs(graph)[b]["status"] == "undoing"
    (holder,) = run_query(graph, "ingest_lock_holder")
    assert holder["run_id"] == f"undo {b}"  # left by the killed process
    assert _data(graph) != before

    def unchanged() -> dict[str, list[object]]:  # the stale lock may be broken meanwhile
        return graph_snapshot(graph, skip_labels=[INGEST_LOCK])

    half = unchanged()

    runner = CliRunner()
    c = _files(tmp_path / "c", {"persons.csv": "person_id,name\nP9,Qian\n"})
    for args in (
        ["ingest", str(c), "--reject-dir", str(tmp_path / "rejects"), "-q"],
        ["undo", a],
        ["undo", a, "--dry-run"],
    ):
        refused = runner.invoke(cli, args, env=neo4j_env)
        assert refused.exit_code == 2, (args, refused.output)
        line = refused.stderr.strip()
        assert line.count("\n") == 0 and "Traceback" not in refused.output, refused.output
        assert f"the undo of ingest run {b} is unfinished" in line, line
        assert f"netintel undo {b}" in line
        assert unchanged() == half, args
    with pytest.raises(UndoUnfinishedError, match=b) as caught:
        ingest(c, driver=graph, reject_dir=tmp_path / "rejects", progress=False)
    assert caught.value.run_id == b and isinstance(caught.value, NetintelError)
    assert unchanged() == half

    dry = runner.invoke(cli, ["undo", b, "--dry-run"], env=neo4j_env)
    assert dry.exit_code == 0, dry.output  # the stale lock does not stop it
    done = runner.invoke(cli, ["undo", b, "--json"], env=neo4j_env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["nodes_deleted"] == UNDO_B["nodes_deleted"]
    assert _data(graph) == before
    assert _runs(graph)[b]["status"] == "undone"
    assert not run_query(graph, "ingest_lock_holder")
    # and now an ingest and the undo of A run
    _ingest(graph, c)
    assert runner.invoke(cli, ["undo", a], env=neo4j_env).exit_code == 0  # C wrote nothing of A

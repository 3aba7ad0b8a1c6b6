"""Concurrent ingests into one database take turns (the ingest lock), on the real server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.exceptions import IngestLockedError, IngestWriteError
from netintel.ingest import ingest

pytestmark = pytest.mark.neo4j


def _counts(driver: neo4j.Driver) -> tuple[int, int]:
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:IngestRun AND NOT n:IngestLock AND NOT n:AuditEvent "
        "WITH count(n) AS n "
        "OPTIONAL MATCH ()-[r]->() RETURN n, count(r)"
    )
    return records[0][0], records[0][1]


def _folder(path: Path, numbers: list[str]) -> Path:
    path.mkdir()
    (path / "phones.csv").write_text(
        "number,imei\n" + "".join(f"{n},I{n[-2:]}\n" for n in numbers), encoding="utf-8"
    )
    return path


def test_two_concurrent_ingests_both_complete(graph: neo4j.Driver, tmp_path: Path) -> None:
    a = _folder(tmp_path / "a", ["+442079460018", "+442079460019"])
    b = _folder(tmp_path / "b", ["+442079460019", "+442079460958"])
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(ingest, f, driver=graph, reject_dir=tmp_path / "r", progress=False)
            for f in (a, b)
        ]
        reports = [f.result() for f in futures]
    assert [r.rows_loaded for r in reports] == [2, 2]
    assert _counts(graph) == (3, 0)


def test_a_held_lock_times_out_naming_the_holder(graph: neo4j.Driver, tmp_path: Path) -> None:
    graph.execute_query(
        "CREATE (:IngestLock {name: 'ingest', run_id: 'ingest-other', pid: 1, host: 'elsewhere'})"
    )
    a = _folder(tmp_path / "a", ["+442079460018"])
    with pytest.raises(IngestLockedError, match=r"ingest-other.*pid 1, host elsewhere"):
        ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False, lock_timeout=1)
    assert _counts(graph) == (0, 0)
    ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False, break_lock=True)
    assert _counts(graph) == (1, 0) and _holders(graph) == 0


def _holders(driver: neo4j.Driver) -> int:
    records, _, _ = driver.execute_query("MATCH (l:IngestLock) RETURN count(l)")
    return int(records[0][0])


def test_an_ingest_waits_for_the_holder_then_loads(graph: neo4j.Driver, tmp_path: Path) -> None:
    graph.execute_query("CREATE (:IngestLock {name: 'ingest', token: 't', pid: 1, host: 'x'})")
    a = _folder(tmp_path / "a", ["+442079460018"])
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(
            ingest, a, driver=graph, reject_dir=tmp_path / "r", progress=False, lock_timeout=60
        )
        time.sleep(2.0)
        assert not waiting.done() and _counts(graph) == (0, 0)  # waits, writes nothing
        graph.execute_query("MATCH (l:IngestLock) DELETE l")  # the holder finishes
        assert waiting.result(timeout=60).rows_loaded == 1
    assert _counts(graph) == (1, 0) and _holders(graph) == 0


def test_a_lock_whose_process_is_gone_is_broken(graph: neo4j.Driver, tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    graph.execute_query(
        "CREATE (:IngestLock {name: 'ingest', token: 't', pid: $pid, host: $host})",
        pid=int(gone.stdout), host=socket.gethostname(),
    )  # fmt: skip
    a = _folder(tmp_path / "a", ["+442079460018"])
    report = ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False, lock_timeout=0)
    assert report.rows_loaded == 1 and _counts(graph) == (1, 0) and _holders(graph) == 0


def test_the_lock_is_released_after_a_failed_ingest(graph: neo4j.Driver, tmp_path: Path) -> None:
    graph.execute_query(
        "CREATE CONSTRAINT test_lock_imei IF NOT EXISTS FOR (p:Phone) REQUIRE p.imei IS UNIQUE"
    )
    try:
        bad = tmp_path / "bad"
        bad.mkdir()
        (bad / "phones.csv").write_text(
            "number,imei\n+442079460018,I1\n+442079460019,I1\n", encoding="utf-8"
        )
        with pytest.raises(IngestWriteError):
            ingest(bad, driver=graph, reject_dir=tmp_path / "r", batch_size=1, progress=False)
        assert _holders(graph) == 0
    finally:
        graph.execute_query("DROP CONSTRAINT test_lock_imei IF EXISTS")


def test_the_cli_reports_a_held_lock_in_one_line(
    graph: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    graph.execute_query(
        "CREATE (:IngestLock {name: 'ingest', token: 't', run_id: 'ingest-other', pid: 1, "
        "host: 'elsewhere'})"
    )
    a = _folder(tmp_path / "a", ["+442079460018"])
    args = ["ingest", str(a), "--reject-dir", str(tmp_path / "r"), "--lock-timeout", "0"]
    held = CliRunner().invoke(cli, args, env=neo4j_env)
    assert held.exit_code == 2, held.output
    (line,) = held.stderr.strip().splitlines()
    assert "another ingest holds the database: ingest run ingest-other" in line
    assert "--break-lock" in line and _counts(graph) == (0, 0)
    broken = CliRunner().invoke(cli, [*args, "--break-lock"], env=neo4j_env)
    assert broken.exit_code == 0, broken.output
    assert _counts(graph) == (1, 0) and _holders(graph) == 0


def test_two_ingest_processes_of_overlapping_data(
    graph: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    import json
    import os

    from graph_snapshot import WHICH_RUN, graph_snapshot

    from netintel.synth import generate

    # the trial that deadlocked before the lock (issue #15): two `netintel ingest` processes
    # at once, one with a whole synthetic case (dirty rows included), the other with four of
    # its files; one waits for the other (and says so on stderr, not in the --json report on
    # stdout), and the graph is the one ingest of the case gives, with no duplicates
    case = tmp_path / "case"
    generate(case, scale=2_000, seed=1)
    part = ["persons.csv", "phones.csv", "phone_users.csv", "calls.csv"]
    env = {**os.environ, **neo4j_env}

    def command(paths: list[Path], rejects: str) -> list[str]:
        return [sys.executable, "-c", "from netintel.cli import cli; cli()", "ingest",
                *map(str, paths), "--mapping", str(case / "mapping.yaml"),
                "--reject-dir", str(tmp_path / rejects), "--json"]  # fmt: skip

    pipe = subprocess.PIPE
    procs = [
        subprocess.Popen(command(paths, name), env=env, stdout=pipe, stderr=pipe, text=True)
        for paths, name in (([case], "all"), ([case / p for p in part], "part"))
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    reports = [json.loads(out) for out, _ in outs]
    assert sum("ingest: waiting up to 600 s for ingest run" in err for _, err in outs) == 1
    # the data, not its bookkeeping: which run wrote what, and the ValueChange records of the
    # values the second run added where the first left them empty (what undoing it removes)
    both = graph_snapshot(
        graph, skip_labels={"IngestRun", "ValueChange"}, skip_properties=WHICH_RUN
    )
    for report in reports:  # every row of every file accounted for
        for f in report["files"]:
            assert f["rows_read"] == f["rows_loaded"] + f["rows_rejected"], f["source"]
    whole = {Path(f["source"]).name: f["rows_loaded"] for f in reports[0]["files"]}
    assert {Path(f["source"]).name: f["rows_loaded"] for f in reports[1]["files"]} == {
        p: whole[p] for p in part
    }
    assert sum(f["rows_rejected"] for f in reports[0]["files"]) > 0  # dirty rows were there
    assert _holders(graph) == 0

    graph.execute_query("MATCH (n) DETACH DELETE n")
    alone = subprocess.run(command([case], "alone"), env=env, capture_output=True, check=True)
    assert json.loads(alone.stdout)["rows_loaded"] == reports[0]["rows_loaded"]
    assert graph_snapshot(graph, skip_labels={"IngestRun"}, skip_properties=WHICH_RUN) == (both)


def test_a_failed_release_never_hides_why_the_ingest_failed(
    graph: neo4j.Driver,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The server lost mid-ingest: the ingest's own error is raised, the release's is said."""
    import netintel.ingest.run as run

    def lost(*args: object, **kwargs: object) -> None:
        raise neo4j.exceptions.ServiceUnavailable("connection refused (the release)")

    def stopped(*args: object, **kwargs: object) -> None:
        monkeypatch.setattr(run, "_release_lock", lost)
        raise neo4j.exceptions.ServiceUnavailable("connection lost (the write)")

    monkeypatch.setattr(run, "_loaded", stopped)
    a = _folder(tmp_path / "a", ["+442079460018"])
    with pytest.raises(neo4j.exceptions.ServiceUnavailable, match=r"the write"):
        ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False)
    err = capsys.readouterr().err
    assert "the ingest lock could not be released (ServiceUnavailable: connection refused" in err
    monkeypatch.undo()
    # the lock is still held (its release failed); this process is alive, so break it
    report = ingest(a, driver=graph, reject_dir=tmp_path / "r", progress=False, break_lock=True)
    assert report.rows_loaded == 1

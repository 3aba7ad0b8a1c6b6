"""The audit log: real CLI commands against the test run's Neo4j, the hash chain, tampering."""

from __future__ import annotations

import getpass
import json
import multiprocessing
import os
import shutil
import stat
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner, Result

from netintel import audit
from netintel.cli import cli


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state folder of its own: the log of this test only."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("NETINTEL_HOME", str(folder))
    return folder


def _run(args: list[str], env: dict[str, str], home: Path) -> Result:
    return CliRunner().invoke(cli, args, env={**env, "NETINTEL_HOME": str(home)})


def _events(home: Path) -> list[dict]:
    return audit.read_events(home / "audit.jsonl")


@pytest.fixture(scope="module")
def tiny_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("case") / "in"
    result = CliRunner().invoke(cli, ["synth", "--scale", "1500", "--seed", "2", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_cli_commands_record_one_event_each(
    graph: neo4j.Driver, home: Path, neo4j_env: dict[str, str], tiny_case: Path, tmp_path: Path
) -> None:
    ingest = _run(["ingest", str(tiny_case), "-q", "--json", "--region", "GB"], neo4j_env, home)
    assert ingest.exit_code == 0, ingest.output
    summary = _run(["summary", "--json"], neo4j_env, home)
    assert summary.exit_code == 0, summary.output
    export = _run(
        ["export", "--projection", "person_calls", str(tmp_path / "n.graphml")], neo4j_env, home
    )
    assert export.exit_code == 0, export.output
    html = tmp_path / "m.html"
    mapped = _run(["map", "--projection", "person_calls", "--out", str(html)], neo4j_env, home)
    assert mapped.exit_code == 0, mapped.output
    detect = _run(
        ["detect", "--seeds", "2", "--workers", "1", "--out", str(tmp_path / "d"), "-q", "--json"],
        neo4j_env,
        home,
    )
    assert detect.exit_code == 0, detect.output
    table = tmp_path / "burners.csv"
    burners = _run(["investigate", "burners", "--out", str(table)], neo4j_env, home)
    assert burners.exit_code == 0, burners.output
    assert "AuditEvent" not in summary.output  # bookkeeping of commands is not counted
    events = _events(home)
    assert [e["what"] for e in events] == [
        "netintel ingest",
        "netintel summary",
        "netintel export",
        "netintel map",
        "netintel detect",
        "netintel investigate burners",
    ]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[5]["count"] == len(table.read_text(encoding="utf-8-sig").splitlines()) - 1
    assert events[3]["count"] == events[2]["count"]  # the same projection's nodes
    assert events[4]["count"] == len(json.loads(detect.stdout)["jobs"]) > 0
    assert stat.S_IMODE((home / "audit.jsonl").stat().st_mode) == 0o600
    assert {e["user"] for e in events} == {getpass.getuser()}
    assert {e["status"] for e in events} == {"ok"}
    assert events[0]["count"] == json.loads(ingest.stdout)["rows_loaded"] > 0
    assert events[1]["count"] == len(json.loads(summary.stdout)) > 0  # labels and types counted
    nodes = graph.execute_query("MATCH (p:Person) RETURN count(p) AS n").records[0]["n"]
    assert events[2]["count"] is not None and 0 < events[2]["count"] <= nodes
    assert events[0]["params"]["paths"] == [str(tiny_case)]  # paths are not personal
    assert events[0]["time"].endswith("+00:00")
    # the same events, with the same hashes, are (:AuditEvent) nodes
    held = graph.execute_query(
        "MATCH (e:AuditEvent) RETURN e.seq AS seq, e.hash AS hash ORDER BY seq"
    ).records
    on_disk = {e["seq"]: e["hash"] for e in _events(home)}
    assert held and all(on_disk[r["seq"]] == r["hash"] for r in held)
    assert {r["seq"] for r in held} == {1, 2, 3, 4, 5, 6}


def test_failures_record_the_error_and_exit_code(
    graph: neo4j.Driver, home: Path, neo4j_env: dict[str, str]
) -> None:
    name = "Ann Q. Witness-Smith"
    for _ in range(2):
        result = _run(["investigate", "profile", "--person", name], neo4j_env, home)
        assert result.exit_code == 2, result.output
    unreachable = _run(
        ["--neo4j-user", "analyst-anna", "summary"],
        {**neo4j_env, "NEO4J_URI": "bolt://127.0.0.1:1"},
        home,
    )
    assert unreachable.exit_code == 3
    first, second, third = _events(home)
    assert (first["status"], first["exit_code"]) == ("error", 2)
    assert first["error"] and third["error"]
    assert (third["what"], third["status"], third["exit_code"]) == ("netintel summary", "error", 3)
    # a person given on the command line is never in the log in clear, hashed the same twice
    text = (home / "audit.jsonl").read_text()
    assert name not in text and "Witness" not in text and "analyst-anna" not in text
    assert first["params"]["person"].startswith("hmac:")
    assert first["params"]["person"] == second["params"]["person"]
    # nor is the password of the environment
    assert neo4j_env["NEO4J_PASSWORD"] not in text
    key = home / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert name not in key.read_text()


def test_a_password_option_is_never_recorded(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    with audit.audited("api.f", {"password": "hunter2", "db_token": "abc", "top": 3}, log=log):
        pass
    text = log.read_text()
    assert "hunter2" not in text and "abc" not in text
    assert audit.read_events(log)[0]["params"] == {"top": 3}


def test_the_api_records_count_and_error(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    with audit.audited("netintel.export", {"name": "Bob"}, personal=["name"], log=log) as rec:
        rec.count = 7
    with pytest.raises(KeyError), audit.audited("netintel.x", log=log):
        raise KeyError("x")
    ok, bad = audit.read_events(log)
    assert (ok["count"], ok["status"], ok["params"]["name"][:5]) == (7, "ok", "hmac:")
    assert (bad["status"], bad["error"]) == ("error", "KeyError")


def _chain(tmp_path: Path, n: int = 5) -> Path:
    log = tmp_path / "audit.jsonl"
    for i in range(n):
        audit.record(f"netintel step{i}", {"i": i}, log=log)
    assert audit.verify(log).ok
    return log


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines(keepends=True)


def test_an_edited_line_is_found(tmp_path: Path) -> None:
    log = _chain(tmp_path)
    lines = _lines(log)
    event = json.loads(lines[2])
    event["count"] = 999
    lines[2] = json.dumps(event, sort_keys=True, separators=(",", ":")) + "\n"
    log.write_text("".join(lines))
    verdict = audit.verify(log)
    assert (verdict.ok, verdict.line) == (False, 3)
    assert "edited" in verdict.reason


def test_a_removed_middle_line_is_found(tmp_path: Path) -> None:
    log = _chain(tmp_path)
    lines = _lines(log)
    del lines[1]
    log.write_text("".join(lines))
    assert (audit.verify(log).ok, audit.verify(log).line) == (False, 2)


def test_swapped_lines_are_found(tmp_path: Path) -> None:
    log = _chain(tmp_path)
    lines = _lines(log)
    lines[2], lines[3] = lines[3], lines[2]
    log.write_text("".join(lines))
    assert audit.verify(log).line == 3


def test_a_cut_tail_is_found(tmp_path: Path) -> None:
    log = _chain(tmp_path)
    log.write_bytes(log.read_bytes()[:-20])
    assert audit.verify(log).line == 5


def test_a_removed_last_line_is_found_only_with_the_database(
    graph: neo4j.Driver, home: Path, neo4j_env: dict[str, str]
) -> None:
    for _ in range(3):
        assert _run(["summary"], neo4j_env, home).exit_code == 0
    log = home / "audit.jsonl"
    log.write_text("".join(_lines(log)[:-1]))
    assert audit.verify(log).ok
    verdict = audit.verify(log, driver=graph)
    assert (verdict.ok, verdict.line) == (False, 3)
    result = _run(["audit", "--verify", "--against-db"], neo4j_env, home)
    assert result.exit_code == 1
    assert "broken at line 3" in result.output and len(result.output.splitlines()) == 1
    assert _run(["audit", "--verify"], neo4j_env, home).exit_code == 0


def _append(log: str, who: int) -> None:
    for i in range(50):
        audit.record(
            f"netintel worker{who}", {"i": i, "name": "Ann"}, personal=["name"], log=Path(log)
        )


def test_two_processes_append_one_intact_chain(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_append, args=(str(log), w)) for w in (1, 2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    verdict = audit.verify(log)
    assert (verdict.ok, verdict.events) == (True, 100)
    events = audit.read_events(log)
    assert [e["seq"] for e in events] == list(range(1, 101))
    assert sorted({e["what"] for e in events}) == ["netintel worker1", "netintel worker2"]
    assert len({e["params"]["name"] for e in events}) == 1  # one key, made once


def test_audit_command_filters_and_verifies(home: Path) -> None:
    log = home / "audit.jsonl"
    audit.record("netintel ingest", {"paths": ["a"]}, count=3, log=log)
    audit.record("netintel summary", log=log, status="error", error="ConfigError", exit_code=3)
    lines = _lines(log)
    old = json.loads(lines[0])
    assert old["time"] < "2100"
    run = CliRunner().invoke
    env = {"NETINTEL_HOME": str(home)}
    listed = run(cli, ["audit", "--command", "ingest", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    assert [json.loads(x)["what"] for x in listed.output.splitlines()] == ["netintel ingest"]
    errors = run(cli, ["audit", "--status", "error", "--json"], env=env)
    assert [json.loads(x)["exit_code"] for x in errors.output.splitlines()] == [3]
    assert run(cli, ["audit", "--since", "2100-01-01", "--json"], env=env).output == ""
    before = run(cli, ["audit", "--until", "2000-01-01T00:00+00:00", "--json"], env=env)
    assert before.output == ""
    today = old["local_time"][:10]
    both = run(
        cli,
        ["audit", "--since", today, "--until", today, "--json", "--command", "netintel"],
        env=env,
    )
    assert len(both.output.splitlines()) >= 2
    table = run(cli, ["audit", "--user", getpass.getuser()], env=env)
    assert "netintel ingest" in table.output and "(+" in table.output  # local time and zone
    # the audit command is itself recorded
    assert audit.read_events(log)[-1]["what"] == "netintel audit"
    assert run(cli, ["audit", "--verify"], env=env).exit_code == 0
    bad = run(cli, ["audit", "--since", "yesterday"], env=env)
    assert bad.exit_code == 2 and "yesterday" in bad.output
    other = home / "other.jsonl"
    other.write_text(_lines(log)[1])
    broken = run(cli, ["audit", "--verify", "--log", str(other)], env=env)
    assert broken.exit_code == 1 and "broken at line 1" in broken.output


def test_read_only_writes_the_line_but_no_node(
    graph: neo4j.Driver, home: Path, neo4j_env: dict[str, str]
) -> None:
    assert _run(["--read-only", "summary"], neo4j_env, home).exit_code == 0
    assert [e["what"] for e in _events(home)] == ["netintel summary"]
    count = graph.execute_query("MATCH (e:AuditEvent) RETURN count(e) AS n").records[0]["n"]
    assert count == 0


def test_the_log_lives_in_the_case_folder(home: Path) -> None:
    assert audit.log_path() == home / "audit.jsonl"
    assert audit.log_path("fraud-1") == home / "cases" / "fraud-1" / "audit.jsonl"
    assert os.environ["NETINTEL_HOME"] == str(home)


def test_a_node_that_cannot_be_written_keeps_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "audit.jsonl"
    with (
        neo4j.GraphDatabase.driver("bolt://127.0.0.1:1", auth=("neo4j", "x")) as nowhere,
        audit.audited("netintel.x", log=log, driver=nowhere) as rec,
    ):
        rec.count = 1
    assert [e["count"] for e in audit.read_events(log)] == [1]
    assert "not written to the database" in capsys.readouterr().err


def test_a_command_of_a_named_case_writes_that_case_s_log(home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--case", "t-audit", "audit"], env={"NETINTEL_HOME": str(home)}
    )
    assert result.exit_code == 0, result.output
    assert [e["what"] for e in audit.read_events(home / "cases" / "t-audit" / "audit.jsonl")] == [
        "netintel audit"
    ]
    assert not (home / "audit.jsonl").exists()


def test_a_command_line_click_refuses_is_recorded(home: Path, tmp_path: Path) -> None:
    data = tmp_path / "persons.csv"
    data.write_text("person_id\nP1\n", encoding="utf-8")
    env = {"NETINTEL_HOME": str(home), "NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x"}
    lines = {
        "bad value": ["ingest", str(data), "--batch-size", "abc"],
        "bad value after a name": [
            "investigate",
            "profile",
            "--person",
            "Ann Q. Witness",
            "--top",
            "x",
        ],
        "missing value": ["investigate", "profile", "--phone"],
        "bad root value": ["--case", "../elsewhere", "summary"],
        "no such command": ["frobnicate", "Ann Q. Witness"],
        "no such option": ["ingest", "--Ann-Q-Witness", str(data)],
        "a group's help": ["db"],  # no mistake: not recorded
    }
    said = {}
    for name, args in lines.items():
        out = CliRunner().invoke(cli, args, env=env)
        assert out.exit_code == 2, (name, out.output)
        assert out.exception is None or isinstance(out.exception, SystemExit), name
        assert "Traceback" not in out.output and "warning" not in out.output
        said[name] = out.output
    # click's own line, as before
    assert "Invalid value for '--batch-size': 'abc'" in said["bad value"]
    assert "No such command 'frobnicate'" in said["no such command"]
    events = _events(home)
    assert [(e["what"], e["error"], e["status"], e["exit_code"]) for e in events] == [
        ("netintel ingest", "BadParameter", "error", 2),
        ("netintel investigate profile", "BadParameter", "error", 2),
        ("netintel investigate profile", "BadOptionUsage", "error", 2),
        ("netintel", "BadParameter", "error", 2),
        ("netintel", "NoSuchCommand", "error", 2),
        ("netintel ingest", "NoSuchOption", "error", 2),
    ]
    assert [e["params"]["refused"] for e in events[:4]] == [
        "--batch-size",
        "--top",
        "--phone",
        "--case",
    ]
    assert {e["count"] for e in events} == {None}
    # what the user typed is hashed: a name read before the refusal, an unknown command or
    # option; the root's options are recorded as given, what click had not read yet is not
    profile = events[1]["params"]
    assert profile["person"] == audit.hash_value("Ann Q. Witness", home / "audit.jsonl")
    assert events[4]["params"]["refused"] == audit.hash_value("frobnicate", home / "audit.jsonl")
    assert events[5]["params"]["refused"].startswith("hmac:")
    text = (home / "audit.jsonl").read_text()
    assert "Witness" not in text and "frobnicate" not in text and "Ann-Q" not in text
    assert events[0]["params"]["case"] is None and "paths" not in events[0]["params"]
    assert audit.verify(home / "audit.jsonl").ok


def test_a_refusal_the_log_cannot_take_is_still_one_usage_error(home: Path) -> None:
    (home / "audit.jsonl").mkdir()  # the log cannot be opened
    out = CliRunner().invoke(
        cli, ["ingest", ".", "--batch-size", "abc"], env={"NETINTEL_HOME": str(home)}
    )
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "Invalid value for '--batch-size'" in out.output
    assert "warning: the refused command line is not in the audit log (AuditError" in out.output


def test_contest_score_and_leaderboard_record_the_submissions_scored(
    home: Path, tmp_path: Path
) -> None:
    from netintel.contest import make_challenge

    challenge = tmp_path / "challenge"
    make_challenge(challenge, seed=2, scale=1500)
    teams = tmp_path / "submissions"
    teams.mkdir()
    shutil.copytree(challenge / "baseline", teams / "team1")
    env = {"NETINTEL_HOME": str(home)}
    truth = str(challenge / "truth")
    scored = CliRunner().invoke(cli, ["contest", "score", str(teams / "team1"), "--truth", truth])
    assert scored.exit_code == 0, scored.output
    board = CliRunner().invoke(
        cli,
        ["contest", "leaderboard", str(teams), "--truth", truth, "--baseline",
         str(challenge / "baseline"), "--out", str(tmp_path / "board")],
        env=env,
    )  # fmt: skip
    assert board.exit_code == 0, board.output
    events = _events(home)
    assert [(e["what"], e["count"]) for e in events] == [
        ("netintel contest score", 1),
        ("netintel contest leaderboard", 2),  # team1 and the baseline
    ]

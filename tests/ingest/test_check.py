"""`netintel ingest --check` and `netintel.ingest.check`: the ingest's report and rejects
without a database (no server started, no connection made)."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel import server
from netintel.cli import cli
from netintel.ingest import check, ingest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """NEO4J_URI at a closed port, an empty state folder, and no way to make a driver or
    start the local server: any attempt fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("--check tried to reach a database")

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", refuse)
    monkeypatch.setattr(server, "start", refuse)
    home = tmp_path / "home"
    home.mkdir()
    return {
        "NEO4J_URI": f"bolt://127.0.0.1:{_closed_port()}",
        "NEO4J_PASSWORD": "x",
        "NETINTEL_HOME": str(home),
    }


def _json(text: str) -> dict[str, object]:
    return json.loads(text)  # type: ignore[no-any-return]


def test_check_json_strict_exits_4_without_touching_a_database(
    tmp_path: Path, no_database: dict[str, str]
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(DATA / "broken", folder)
    result = CliRunner().invoke(
        cli,
        ["ingest", str(folder), "--region", "GB", "--check", "--json", "--strict", "-q"],
        env=no_database,
    )
    assert result.exit_code == 4, result.output
    report = _json(result.stdout)
    files = report["files"]
    assert isinstance(files, list) and files
    for f in files:
        assert {"source", "sheet", "record", "rows_read", "rows_loaded", "rows_rejected"} <= set(f)
        assert f["rows_read"] == f["rows_loaded"] + f["rows_rejected"]
        assert "warnings" in f
    assert report["checked_only"] is True and "skipped" in report
    assert sum(f["rows_rejected"] for f in files) > 0
    assert (folder / "rejects" / "persons.csv.rejects.csv").is_file()  # rejects as usual
    # no local server state: only the audit log of the command (its key when it hashed a value)
    home = Path(no_database["NETINTEL_HOME"])
    assert "audit.jsonl" in {p.name for p in home.iterdir()} <= {"audit.jsonl", "audit.key"}


def test_check_without_rejects_exits_0(tmp_path: Path, no_database: dict[str, str]) -> None:
    (tmp_path / "persons.csv").write_text("person_id,name\nP1,Ann\nP2,Bo\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["ingest", str(tmp_path / "persons.csv"), "--check", "--strict", "-q"], env=no_database
    )
    assert result.exit_code == 0, result.output
    assert "check (nothing written)" in result.stdout and "would load         2" in result.stdout
    assert not (tmp_path / "rejects").exists()


def test_check_prints_every_warning_on_stderr_and_in_the_json(
    tmp_path: Path, no_database: dict[str, str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "persons.csv").write_bytes(
        "person_id;name;nickname\nP1;José Müller;Pepe\nP2;François Lefèvre;Fanfan\n".encode(
            "cp1252"
        )
    )
    (folder / "notes.md").write_text("not a table", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")  # hidden files are ignored
    (folder / "~$case.xlsx").write_bytes(b"\x00\x01")  # so are Office lock files
    result = CliRunner().invoke(
        cli, ["ingest", str(folder), "--check", "--json", "-q"], env=no_database
    )
    assert result.exit_code == 0, result.output
    (f,) = _json(result.stdout)["files"]  # type: ignore[misc]
    warnings = f["warnings"]
    assert any("encoding guessed as cp1252" in w for w in warnings)
    assert any("delimiter sniffed as ';'" in w for w in warnings)
    assert any("columns not used: nickname" in w for w in warnings)
    for w in warnings:
        assert f"warning: {w}" in result.stderr
    (skipped,) = _json(result.stdout)["skipped"]  # type: ignore[misc]
    assert skipped["source"].endswith("notes.md") and "not a table file" in skipped["reason"]
    assert "warning: skipped" in result.stderr and "notes.md" in result.stderr


@pytest.mark.neo4j
def test_check_reports_what_ingest_then_loads(graph: neo4j.Driver, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(DATA / "broken", folder)
    checked = check(folder, phone_region="GB", reject_dir=tmp_path / "c")
    assert _count(graph) == 0  # check wrote nothing
    loaded = ingest(folder, driver=graph, phone_region="GB", reject_dir=tmp_path / "i",
                    progress=False)  # fmt: skip
    assert _counts(checked) == _counts(loaded)
    assert checked.run_id == loaded.run_id
    for a, b in zip(checked.files, loaded.files, strict=True):
        assert a.reject_file and b.reject_file
        pd.testing.assert_frame_equal(pd.read_csv(a.reject_file), pd.read_csv(b.reject_file))


def _count(graph: neo4j.Driver) -> int:
    records, _, _ = graph.execute_query("MATCH (n) RETURN count(n)")
    return int(records[0][0])


def _counts(report: object) -> list[tuple[str, int, int, int]]:
    return [
        (f.record, f.rows_read, f.rows_loaded, f.rows_rejected)
        for f in report.files  # type: ignore[attr-defined]
    ]


def test_the_mapping_file_in_the_case_folder_is_not_reported_as_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "people.csv").write_text("id,name\nP1,Ann\n", encoding="utf-8")
    (folder / "notes.md").write_text("what the office sent\n", encoding="utf-8")
    mapping = folder / "mapping.yaml"
    mapping.write_text(
        "files:\n  - {match: people.csv, record: persons, columns: {person_id: id}}\n",
        encoding="utf-8",
    )
    report = check(folder, mapping=mapping, reject_dir=tmp_path / "rejects")
    assert report.rows_loaded == 1
    assert [Path(s.source).name for s in report.skipped] == ["notes.md"]


def test_nothing_in_a_folder_is_ignored_without_a_word(tmp_path: Path) -> None:
    folder = tmp_path / "case"
    (folder / "2024-03").mkdir(parents=True)
    (folder / "2024-03" / "persons.csv").write_text("person_id,name\nP9,Z\n", encoding="utf-8")
    (folder / "persons.csv").write_text("person_id,name\nP1,A\n", encoding="utf-8")
    for name in ("calls.csv.gz", "persons.ods", "README"):
        (folder / name).write_bytes(b"\x1f\x8b")
    report = check(folder, reject_dir=tmp_path / "r")
    assert [Path(f.source).name for f in report.files] == ["persons.csv"]
    reasons = {Path(s.source).name: s.reason for s in report.skipped}
    assert sorted(reasons) == ["2024-03", "README", "calls.csv.gz", "persons.ods"]
    assert "subfolders are not read" in reasons["2024-03"]
    assert all("not a table file" in reasons[n] for n in ("README", "calls.csv.gz", "persons.ods"))


@pytest.mark.neo4j
def test_an_unwritable_reject_folder_stops_the_ingest_before_any_write(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    from netintel.exceptions import IngestError
    from netintel.ingest import ingest

    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "persons.csv").write_text("person_id,birth_date\nP1,1990-01-01\nP2,never\n", "utf-8")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(IngestError, match="cannot write reject files"):
        ingest(folder, driver=graph, reject_dir=blocker / "rejects", progress=False)
    people = graph.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
    assert people == 0  # nothing loaded, no run recorded
    # and a folder that does not exist yet is fine: it is made when there are rejects
    report = ingest(folder, driver=graph, reject_dir=tmp_path / "new" / "r", progress=False)
    assert report.rows_rejected == 1 and (tmp_path / "new" / "r").is_dir()

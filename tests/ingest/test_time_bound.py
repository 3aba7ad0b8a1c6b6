"""The per-file time bound of the ingest (``file_timeout``, ``--file-timeout``).

A file whose reading and checking take longer than the bound is one clear file error, naming
the file, how far the work got and the bound; nothing of it is written, the files loaded
before it stay loaded and accounted for. The files here are real and slow to read (hundreds
of thousands of rows) against a bound of a microsecond, so the tests cannot pass unless the
bound is enforced; no test measures a speed. Where a test needs to know exactly where the
work stops, the reading modules' clock is a fake one that moves a second each time it is read.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import neo4j
import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.db import rows_held
from netintel.exceptions import IngestError, InputTimeoutError, MappingError
from netintel.ingest import check, ingest, load_mapping, prepare, read_file
from netintel.ingest.mapping import IngestMapping
from netintel.ingest.prepare import Options, file_timeout, options_for
from netintel.ingest.read import FILE_TIMEOUT, TimeBound
from netintel.schema import RECORDS

TINY = 1e-6  # a microsecond: far less than reading any of these files takes


def _persons(path: Path, n: int) -> Path:
    path.write_text(
        "person_id,name,gender\n" + "".join(f"P{i},Name {i},female\n" for i in range(n)),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300,000 persons, 7 MB: several megabytes for the first pass, many rows for the second."""
    return _persons(tmp_path_factory.mktemp("huge") / "persons.csv", 300_000)


def _mapping(folder: Path, text: str) -> Path:
    path = folder / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_huge_file_past_a_tiny_bound_is_one_file_error_naming_how_far(
    huge: Path, tmp_path: Path
) -> None:
    rejects = tmp_path / "rejects"
    with pytest.raises(InputTimeoutError) as caught:
        check(huge, reject_dir=rejects, file_timeout=TINY)
    err = caught.value
    assert err.path == str(huge) and err.seconds == TINY
    # how far it got: past the first megabyte, not to the end of the file
    assert err.row is not None and 1 < err.row < 300_000
    assert str(err).startswith(f"{huge}, row {err.row}: reading and checking the file took ")
    assert "time bound of 1e-06 s" in str(err) and "nothing of it is loaded" in str(err)
    assert not rejects.exists() or not any(rejects.iterdir())  # no reject file either


def test_the_mapping_sets_the_bound_and_0_is_no_bound(huge: Path, tmp_path: Path) -> None:
    tiny = _mapping(tmp_path, f"file_timeout: {TINY}\n")
    with pytest.raises(InputTimeoutError, match="time bound of 1e-06 s"):
        check(huge, mapping=tiny, reject_dir=tmp_path / "r")
    # the caller's bound wins over the mapping's top level: 0, no bound, reads every row
    report = check(huge, mapping=tiny, reject_dir=tmp_path / "r", file_timeout=0)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (300_000, 300_000, 0)


def test_a_file_entry_bound_wins_for_its_file(huge: Path, tmp_path: Path) -> None:
    entry = "files:\n  - {match: persons.csv, record: persons, file_timeout: %s}\n"
    unbounded = _mapping(tmp_path, f"file_timeout: {TINY}\n" + entry % 0)
    assert check(huge, mapping=unbounded, reject_dir=tmp_path / "r").rows_loaded == 300_000
    bounded = _mapping(tmp_path, entry % TINY)
    with pytest.raises(InputTimeoutError):
        check(huge, mapping=bounded, reject_dir=tmp_path / "r", file_timeout=0)


def test_the_default_bound_and_bad_bounds() -> None:
    assert FILE_TIMEOUT == 1800.0
    assert file_timeout(None, Options()) == options_for(IngestMapping()).file_timeout == 1800.0
    # 0 is a bound given (none), not an option left unset
    assert file_timeout(None, options_for(IngestMapping(file_timeout=0))) == 0
    with pytest.raises(IngestError, match="file_timeout must be 0"):
        options_for(IngestMapping(), file_timeout=-1)
    with pytest.raises(ValueError, match="a file time bound is 0"):
        TimeBound("calls.csv", float("nan"))


def test_a_negative_bound_in_the_mapping_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="file_timeout"):
        load_mapping(_mapping(tmp_path, "file_timeout: -5\n"))


class _Clock:
    """A clock that moves one second each time it is read."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        self.now += 1.0
        return self.now


def test_an_unbalanced_quote_over_many_lines_stops_at_the_row_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the quote swallows every later line into one record of two fields, which is then split
    # line by line
    path = tmp_path / "persons.csv"
    path.write_text(
        'person_id,name,gender\nP0,"open,male\n'
        + "".join(f"P{i},x,male\n" for i in range(1, 5000)),
        encoding="utf-8",
    )
    monkeypatch.setattr("netintel.ingest.read.time", _Clock())
    # made at 1 s, bound 2.5 s: the look after the decode (2 s) and after line 1,000 of the
    # record (3 s) pass, the look after line 2,000 (4 s) stops it
    with pytest.raises(InputTimeoutError) as caught:
        read_file(path, bound=TimeBound(path, 2.5))
    assert caught.value.row == 2 + 1999


def test_splitting_rows_stops_at_the_row_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _persons(tmp_path / "persons.csv", 5000)
    monkeypatch.setattr("netintel.ingest.read.time", _Clock())
    # the looks after the decode (2 s) and after 1,000 rows (3 s) pass; after 2,000 (4 s) not
    with pytest.raises(InputTimeoutError) as caught:
        read_file(path, bound=TimeBound(path, 2.5))
    assert caught.value.row == 2001


def test_a_workbook_sheet_a_graph_and_a_matrix_are_checked_after_they_are_read(
    tmp_path: Path,
) -> None:
    book = tmp_path / "persons.xlsx"
    pd.DataFrame({"person_id": [f"P{i}" for i in range(10)], "name": "Ann"}).to_excel(
        book, index=False
    )
    with pytest.raises(InputTimeoutError) as caught:
        check(book, reject_dir=tmp_path / "r", file_timeout=TINY)
    assert caught.value.row == 11  # the whole sheet was read: its last row
    graph = tmp_path / "chart.graphml"
    nx.write_graphml(nx.path_graph(["A", "B", "C"]), graph)
    with pytest.raises(InputTimeoutError) as caught:
        check(graph, reject_dir=tmp_path / "r", file_timeout=TINY)
    assert caught.value.row is None and caught.value.column is not None
    matrix = tmp_path / "phase1.csv"
    matrix.write_text(",A,B\nA,0,1\nB,1,0\n", encoding="utf-8")
    layout = _mapping(tmp_path, "files:\n  - {match: phase1.csv, record: ties, layout: matrix}\n")
    with pytest.raises(InputTimeoutError) as caught:
        check(matrix, mapping=layout, reject_dir=tmp_path / "r", file_timeout=TINY)
    assert caught.value.row is None and caught.value.column is not None
    assert check(matrix, mapping=layout, reject_dir=tmp_path / "r").rows_loaded == 1


def test_checking_the_values_stops_at_the_column_reached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = read_file(_persons(tmp_path / "persons.csv", 10))
    monkeypatch.setattr("netintel.ingest.read.time", _Clock())
    with pytest.raises(InputTimeoutError) as caught:
        prepare(raw, RECORDS["persons"], None, Options(), bound=TimeBound(raw.path, 2.5))
    # person_id checked at 2 s, name at 3 s; gender at 4 s is past the bound
    assert (caught.value.row, caught.value.column) == (None, "gender")
    assert "stopped while checking its values" in str(caught.value)


def _runs(graph: neo4j.Driver) -> list[dict]:
    return [
        r.data()
        for r in graph.execute_query(
            "MATCH (r:IngestRun) RETURN r.run_id AS run_id, r.status AS status, "
            "r.failed_file AS failed_file, r.error AS error"
        ).records
    ]


def _count(graph: neo4j.Driver, label: str) -> int:
    return graph.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n").records[0]["n"]


def test_a_file_past_its_bound_in_the_first_pass_writes_nothing(
    graph: neo4j.Driver, huge: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    _persons(folder / "persons.csv", 3)
    shutil.copy(huge, folder / "others.csv")
    mapping = _mapping(
        tmp_path,
        "files:\n  - {match: persons.csv, record: persons, file_timeout: 0}\n"
        f"  - {{match: others.csv, record: persons, file_timeout: {TINY}}}\n",
    )
    with pytest.raises(InputTimeoutError, match=r"others\.csv, row \d+: "):
        ingest(folder, driver=graph, mapping=mapping, progress=False)
    assert _count(graph, "Person") == 0 and _runs(graph) == []


def test_a_file_past_its_bound_later_leaves_the_earlier_files_loaded_and_the_run_failed(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    _persons(folder / "persons.csv", 3)
    # under a megabyte: the first pass decodes it in one piece (it looks at the clock between
    # megabytes), so the bound stops it in the second pass, after persons.csv is written
    (folder / "phones.csv").write_text(
        "number\n" + "".join(f"+4479111{i:05d}\n" for i in range(5_000)), encoding="utf-8"
    )
    assert (folder / "phones.csv").stat().st_size < 1 << 20
    entry = "  - {match: %s, record: %s, file_timeout: %s}\n"
    mapping = _mapping(
        tmp_path,
        "files:\n" + entry % ("persons.csv", "persons", 0) + entry % ("phones.csv", "phones", TINY),
    )
    with pytest.raises(InputTimeoutError, match=r"phones\.csv, row 1: reading and checking"):
        ingest(folder, driver=graph, mapping=mapping, progress=False)
    (run,) = _runs(graph)
    assert run["status"] == "failed" and run["failed_file"] == "phones.csv"
    assert "time bound of 1e-06 s" in run["error"]
    # the database holds the persons file's rows and nothing of the phones file
    assert rows_held(graph, run["run_id"]) == {"persons.csv": 3}
    assert _count(graph, "Phone") == 0
    # the lock was let go: the same ingest without the bound completes the run
    mapping = _mapping(
        tmp_path,
        "files:\n" + entry % ("persons.csv", "persons", 0) + entry % ("phones.csv", "phones", 0),
    )
    report = ingest(
        folder, driver=graph, mapping=mapping, progress=False, reject_dir=tmp_path / "r"
    )
    assert report.run_id == run["run_id"]  # the bound is not part of the run's identity
    # each file's rows, counted in the database, are the rows its report says it loaded
    held = rows_held(graph, report.run_id)
    assert held == {"persons.csv": 3, "phones.csv": 5_000}
    assert {Path(f.source).name: f.rows_loaded for f in report.files} == held
    assert {Path(f.source).name: f.rows_rejected for f in report.files} == dict.fromkeys(held, 0)
    assert [r["status"] for r in _runs(graph)] == ["complete"]


def test_the_command_line_bound_is_one_line_and_exit_2(huge: Path, tmp_path: Path) -> None:
    out = CliRunner().invoke(
        cli,
        ["ingest", str(huge), "--check", "-q", "--file-timeout", "0.000001", "--reject-dir",
         str(tmp_path / "r")],
    )  # fmt: skip
    assert out.exit_code == 2, out.output
    (line,) = out.stderr.splitlines()
    assert line.startswith(f"netintel: error: {huge}, row ") and "1e-06 s" in line
    ok = CliRunner().invoke(
        cli,
        ["ingest", str(huge), "--check", "-q", "--json", "--file-timeout", "0", "--reject-dir",
         str(tmp_path / "r")],
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["rows_loaded"] == 300_000


def test_the_help_says_the_default() -> None:
    shown = CliRunner().invoke(cli, ["ingest", "--help"], terminal_width=200)
    assert f"else {FILE_TIMEOUT:g}]" in " ".join(shown.output.split())

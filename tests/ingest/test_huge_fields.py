"""Fields of 10 MB, lines of 10 MB without a newline, fields full of quotes and deeply nested
quotes, through ``netintel ingest --check`` and a real ingest into the test run's Neo4j.

``test_properties.py`` keeps its inputs small so that hypothesis can try many; these are the
few large ones. Each ends in loaded rows, rejected rows with a reason, or one clear file error
(exit 2, one line): never a traceback, and rows read = loaded + rejected, with the rows loaded
counted again in the database from the provenance of what it holds
(:func:`netintel.db.rows_held`), and the values it holds compared with the ones written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netintel.cli import cli
from netintel.db import rows_held
from netintel.ingest import check, read_file

MB10 = 10 * 1024 * 1024
KEY_LIMIT = "longer than the 8164 bytes a Neo4j index key can hold"


def _nested(text: str, depth: int, quote: str = '"') -> str:
    """``text`` quoted ``depth`` times, as a CSV writer quotes a cell holding quotes."""
    for _ in range(depth):
        text = quote + text.replace(quote, quote * 2) + quote
    return text


@dataclass(frozen=True)
class Case:
    """One hostile file: its record type, its bytes, and what it must end in."""

    record: str
    data: bytes
    loaded: int = 0
    rejected: int = 0
    reason: str = ""  # in every reject's reason
    error: str = ""  # a file error: in its one line
    #: the location's name the database must hold for L1, when it loads
    name: str | None = None


HEADER = b"location_id,name\n"
NESTED = _nested("Ann", 18)  # 2**18 quotes around Ann, and more inside: 0.5 MB
CASES = {
    # a 10 MB cell loads where no index holds it, and is a reject with the reason where one does
    "10 MB field": Case(
        "locations", HEADER + b"L1," + b"x" * MB10 + b"\nL2,Bo\n", 2, name="x" * MB10
    ),
    "10 MB indexed field": Case(
        "persons",
        b"person_id,name\nP1," + b"x" * MB10 + b"\nP2,Bo\n",
        1,
        1,
        reason=f"10485760 bytes in UTF-8: {KEY_LIMIT}",
    ),
    "10 MB last line without newline": Case(
        "locations", HEADER + b"L2,Bo\nL1," + b"y" * MB10, 2, name="y" * MB10
    ),
    "10 MB line without delimiter or newline": Case(
        "locations", HEADER + b"L2,Bo\n" + b"z" * MB10, 1, 1, reason="1 fields where the header"
    ),
    "10 MB header line without newline": Case(
        "locations", b"location_id," + b"n" * MB10, error="a header but no data rows"
    ),
    "a field of 5 MB of quotes": Case(
        "locations",
        HEADER + b'L1,"' + b'""' * (MB10 // 4) + b'"\nL2,Bo\n',
        2,
        name='"' * (MB10 // 4),
    ),
    "a bare field of 10 MB of quotes": Case(
        "locations", HEADER + b"L1," + b'"' * MB10 + b"\nL2,Bo\n", 2
    ),
    "quotes nested 18 deep": Case(
        "locations", HEADER + b"L1," + NESTED.encode() + b"\nL2,Bo\n", 2, name=_nested("Ann", 17)
    ),
}


def _write(folder: Path, case: Case) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{case.record}.csv"
    path.write_bytes(case.data)
    return path


def _rejects(path: str | None) -> list[dict[str, str]]:
    if path is None:
        return []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _ingest(path: Path, rejects: Path, env: dict[str, str], *more: str) -> Result:
    args = ["ingest", str(path), "-q", "--json", "--reject-dir", str(rejects), *more]
    return CliRunner().invoke(cli, args, env=env)


def _ends_as_expected(out: Result, case: Case) -> dict | None:
    """The report of a command that ended as ``case`` says (None for a file error)."""
    assert out.exception is None or isinstance(out.exception, SystemExit), out.exception
    assert "Traceback" not in out.output
    if case.error:
        assert out.exit_code == 2, out.output
        (line,) = out.stderr.splitlines()
        assert line.startswith("netintel: error: ") and case.error in line
        assert len(line) < 1000  # one line, not the 10 MB
        return None
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    (f,) = report["files"]
    assert (f["rows_read"], f["rows_loaded"], f["rows_rejected"]) == (
        case.loaded + case.rejected,
        case.loaded,
        case.rejected,
    )
    rejected = _rejects(f["reject_file"])
    assert len({r["row"] for r in rejected}) == f["rows_rejected"]
    assert all(case.reason in r["reason"] for r in rejected)
    return report


@pytest.mark.parametrize("name", list(CASES))
def test_a_huge_or_hostile_field_through_check_and_a_real_ingest(
    name: str, graph: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    case = CASES[name]
    path = _write(tmp_path / "in", case)
    checked = _ends_as_expected(_ingest(path, tmp_path / "r1", {}, "--check"), case)
    if checked is not None:
        assert checked["checked_only"] is True
    loaded = _ends_as_expected(_ingest(path, tmp_path / "r2", neo4j_env), case)
    if loaded is None:  # a file error: nothing written, no run recorded
        nodes = graph.execute_query("MATCH (n) WHERE NOT n:AuditEvent RETURN count(n) AS n")
        assert nodes.records[0]["n"] == 0
        return
    assert checked is not None and checked["rows_loaded"] == loaded["rows_loaded"]
    # the database holds exactly the rows the report says it loaded
    held = rows_held(graph, loaded["run_id"])
    assert sum(held.values()) == loaded["rows_loaded"] == case.loaded
    label = "Location" if case.record == "locations" else "Person"
    count = graph.execute_query(f"MATCH (n:{label}) RETURN count(n) AS n").records[0]["n"]
    assert count == case.loaded
    if case.name is not None:
        (rec,) = graph.execute_query(
            "MATCH (l:Location {location_id: 'L1'}) RETURN l.name AS name"
        ).records
        assert rec["name"] == case.name  # the value held is the one written, all of it


@settings(
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    depth=st.integers(1, 12),
    quote=st.sampled_from(['"', "'"]),
    inner=st.text(st.sampled_from(['"', "'", ",", " ", "\n", "a", "界"]), min_size=1, max_size=8),
)
def test_nested_quotes_read_back_as_written_or_rejected_with_a_reason(
    tmp_path: Path, depth: int, quote: str, inner: str
) -> None:
    # a cell quoted depth times (CSV quotes with " only: a ' is text, a nested ' is its own
    # kind of hostile), then written as the csv module writes it
    cell = _nested(inner, depth, quote)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([["location_id", "name"], ["L1", cell]])
    folder = tmp_path / f"d{depth}"
    path = _write(folder, Case("locations", text.getvalue().encode()))
    assert read_file(path).frame["name"].tolist() == [cell]  # the cell as written
    report = check(path, reject_dir=folder / "r")
    (f,) = report.files
    assert f.rows_read == 1 == f.rows_loaded + f.rows_rejected
    if f.rows_rejected:  # only a cell that is blank once cleaned
        (reject,) = _rejects(f.reject_file)
        assert reject["reason"]

"""Naive local times at daylight saving changes, and who sets the ingest's time zone."""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli
from netintel.exceptions import IngestError, MappingError
from netintel.ingest import FileMapping, IngestMapping, ingest, prepare
from netintel.ingest.prepare import options_for
from netintel.ingest.read import frame_as_raw
from netintel.schema import RECORDS

GAP = "2023-03-26T01:30"  # Europe/London: clocks go from 01:00 GMT to 02:00 BST
TWICE = "2023-10-29T01:30"  # Europe/London: 01:00-02:00 happens in BST, then again in GMT
GAP_REASON = f"'{GAP}' does not exist in Europe/London (skipped by the daylight saving change)"
TWICE_REASON = (
    f"'{TWICE}' is ambiguous in Europe/London: the daylight saving change repeats that hour "
    "(00:30 or 01:30 UTC); set ambiguous: earlier or later in the mapping"
)
#: the stored instant of TWICE, in UTC, for each choice (None: rejected)
TWICE_AT = {
    "earlier": datetime(2023, 10, 29, 0, 30, tzinfo=UTC),
    "later": datetime(2023, 10, 29, 1, 30, tzinfo=UTC),
    "reject": None,
}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _sightings(times: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": [f"P{i}" for i in range(len(times))],
            "location_id": ["L1"] * len(times),
            "at": times,
        }
    )


def _at(prep: Any) -> list[int]:
    """The sightings' times as the statements get them: epoch milliseconds (UTC)."""
    return [r["rkey"]["at"] for r in prep.rows]


def _prep(times: list[str], mapping: IngestMapping, fm: FileMapping | None = None) -> Any:
    raw = frame_as_raw("sightings", _sightings(times))
    return prepare(raw, RECORDS["sightings"], fm, options_for(mapping))


# ------------------------------------------------------------ daylight saving


@pytest.mark.parametrize("ambiguous", ["earlier", "later", "reject"])
def test_dst_gap_and_repeat_for_each_choice(ambiguous: str) -> None:
    mapping = IngestMapping(timezone="Europe/London", ambiguous=ambiguous)  # type: ignore[arg-type]
    prep = _prep([GAP, TWICE, "2023-10-29T03:00"], mapping)
    reasons = [(r.row, r.reason) for r in prep.rejects]
    expected_at = TWICE_AT[ambiguous]
    if expected_at is None:
        assert reasons == [(2, GAP_REASON), (3, TWICE_REASON)]
        assert _at(prep) == [_ms(datetime(2023, 10, 29, 3, tzinfo=UTC))]
    else:
        assert reasons == [(2, GAP_REASON)]  # a skipped time is rejected whatever the choice
        assert _at(prep) == [
            _ms(expected_at),
            _ms(datetime(2023, 10, 29, 3, tzinfo=UTC)),
        ]


def test_the_file_entry_choice_wins_over_the_top_level() -> None:
    mapping = IngestMapping(timezone="Europe/London", ambiguous="earlier")
    fm = FileMapping(match="*", record="sightings", ambiguous="later")
    assert _prep([TWICE], mapping, fm).rows[0]["rkey"]["at"] == _ms(TWICE_AT["later"])
    assert _prep([TWICE], mapping).rows[0]["rkey"]["at"] == _ms(TWICE_AT["earlier"])


def test_a_time_with_an_offset_is_never_ambiguous() -> None:
    prep = _prep([f"{TWICE}+01:00", f"{TWICE}+00:00"], IngestMapping(timezone="Europe/London"))
    assert prep.rejects == []
    assert _at(prep) == [_ms(TWICE_AT["earlier"]), _ms(TWICE_AT["later"])]


def test_ambiguous_must_be_one_of_the_three(tmp_path: Path) -> None:
    from netintel.ingest import load_mapping

    path = tmp_path / "m.yaml"
    path.write_text("ambiguous: first\n")
    with pytest.raises(MappingError, match="ambiguous"):
        load_mapping(path)


# ---------------------------------------------------- who sets the time zone


def test_the_mapping_applies_when_the_caller_gives_nothing() -> None:
    opts = options_for(IngestMapping(timezone="Asia/Shanghai", phone_region="CN"))
    assert (opts.timezone, opts.phone_region, opts.explicit) == ("Asia/Shanghai", "CN", frozenset())
    assert options_for(IngestMapping()).timezone == "UTC"


def test_the_caller_applies_when_the_mapping_says_nothing_or_the_same() -> None:
    opts = options_for(IngestMapping(), timezone="Asia/Shanghai", phone_region="cn")
    assert (opts.timezone, opts.phone_region) == ("Asia/Shanghai", "CN")
    same = options_for(
        IngestMapping(timezone="Asia/Shanghai", phone_region="CN"), phone_region="cn"
    )
    assert (same.timezone, same.phone_region) == ("Asia/Shanghai", "CN")


@pytest.mark.parametrize(
    ("option", "mine", "theirs", "flag"),
    [
        ("timezone", "Europe/London", "Asia/Shanghai", "--timezone"),
        ("phone_region", "GB", "CN", "--region"),
    ],
)
def test_a_conflict_with_the_mapping_is_an_error_naming_both(
    option: str, mine: str, theirs: str, flag: str
) -> None:
    with pytest.raises(MappingError) as err:
        options_for(IngestMapping(**{option: theirs}), where="the mapping m.yaml", **{option: mine})
    assert str(err.value) == (
        f"the mapping m.yaml sets {option}: {theirs} but the ingest was given {option} {mine} "
        f"({flag}); give one of them, or the same value in both"
    )


def test_unknown_zones_and_regions_are_netintel_errors() -> None:
    with pytest.raises(IngestError, match=r"unknown time zone 'Europe/Lodnon' \(did you mean"):
        options_for(IngestMapping(), timezone="Europe/Lodnon")
    with pytest.raises(IngestError, match="unknown phone region 'XX'"):
        options_for(IngestMapping(), phone_region="XX")


def test_a_file_entry_that_overrides_the_caller_is_warned_of() -> None:
    fm = FileMapping(match="*", record="sightings", timezone="UTC")
    raw = frame_as_raw("sightings", _sightings(["2024-05-01T10:00"]))
    given = options_for(IngestMapping(), timezone="Asia/Shanghai")
    prep = prepare(raw, RECORDS["sightings"], fm, given)
    assert prep.rows[0]["rkey"]["at"] == _ms(datetime(2024, 5, 1, 10, tzinfo=UTC))
    assert prep.warnings == [
        "sightings: timezone UTC from the mapping entry '*', "
        "not Asia/Shanghai as given to the ingest"
    ]
    # the same entry under the mapping's own top-level zone is no surprise: no warning
    quiet = prepare(
        raw, RECORDS["sightings"], fm, options_for(IngestMapping(timezone="Asia/Shanghai"))
    )
    assert quiet.warnings == []


def test_ingest_checks_the_options_before_reading_anything(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("timezone: Asia/Shanghai\n")
    missing = tmp_path / "nothing-here"
    driver: Any = None  # never used: the options fail first
    with pytest.raises(MappingError, match=f"the mapping {mapping} sets timezone: Asia/Shanghai"):
        ingest(missing, driver=driver, mapping=mapping, timezone="UTC")
    with pytest.raises(IngestError, match="unknown time zone 'Mars/Olympus'"):
        ingest(missing, driver=driver, timezone="Mars/Olympus")


def test_cli_timezone_conflict_is_one_line_and_exit_2_before_any_database(
    tmp_path: Path,
) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("timezone: Asia/Shanghai\n")
    (tmp_path / "sightings.csv").write_text("person_id,location_id,at\nP1,L1,2024-05-01T10:00\n")
    with socket.socket() as s:  # a port nothing listens on: the server is never reached
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    nowhere = {"NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_PASSWORD": "x"}
    result = CliRunner().invoke(
        cli,
        ["ingest", str(tmp_path / "sightings.csv"), "-m", str(mapping), "--timezone", "UTC"],
        env=nowhere,
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "sets timezone: Asia/Shanghai but the ingest was given timezone UTC" in result.stderr


# ------------------------------------------------------------- against Neo4j


@pytest.mark.neo4j
@pytest.mark.parametrize("ambiguous", ["earlier", "later", "reject"])
def test_dst_times_stored_in_neo4j(graph: neo4j.Driver, tmp_path: Path, ambiguous: str) -> None:
    mapping = IngestMapping(timezone="Europe/London", ambiguous=ambiguous)  # type: ignore[arg-type]
    report = ingest(
        {"sightings": _sightings([GAP, TWICE])},
        driver=graph,
        mapping=mapping,
        reject_dir=tmp_path,
        progress=False,
    )
    (f,) = report.files
    records, _, _ = graph.execute_query(
        "MATCH (p:Person)-[r:SEEN_AT]->(:Location) RETURN p.person_id AS id, r.at AS at"
    )
    stored = {r["id"]: r["at"].to_native() for r in records}
    expected = TWICE_AT[ambiguous]
    assert stored == ({} if expected is None else {"P1": expected})
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (
        2,
        0 if expected is None else 1,
        2 - (expected is not None),
    )
    rejects = pd.read_csv(f.reject_file or "")
    assert rejects["reason"].iloc[0] == GAP_REASON
    assert all("daylight saving" in r for r in rejects["reason"])

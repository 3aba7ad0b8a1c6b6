"""What bench/fuzz.py found: inputs that crashed or hung the ingest's checks, now a reject or
one clear file error (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netintel.exceptions import InputFileError, MappingError
from netintel.ingest import check
from netintel.ingest.normalise import _to_datetime
from netintel.ingest.read import sniff_delimiter


def _mapping(folder: Path, zone: str = "Asia/Shanghai") -> Path:
    path = folder / "mapping.yaml"
    path.write_text(f"timezone: {zone}\n", encoding="utf-8")
    return path


def test_an_offset_without_minutes_keeps_its_instant_among_naive_times() -> None:
    # "+08" escaped the offset pattern, so pandas saw mixed time zones and raised
    text = pd.Series(["2023-01-09T15:25:29+08", "2023-01-09T15:25:29", "2023-01-05"])
    parsed, errors = _to_datetime(text, None, "Asia/Shanghai", date_only=False)
    assert [t.isoformat() for t in parsed] == [
        "2023-01-09T07:25:29+00:00",
        "2023-01-09T07:25:29+00:00",
        "2023-01-04T16:00:00+00:00",
    ]
    assert errors.isna().all()


def test_sightings_with_such_an_offset_load(tmp_path: Path) -> None:
    path = tmp_path / "sightings.csv"
    path.write_text(
        "person_id,location_id,at\nP1,L1,2023-01-09T15:25:29+08\nP2,L1,2023-01-09T15:25:29\n",
        encoding="utf-8",
    )
    report = check(path, mapping=_mapping(tmp_path), reject_dir=tmp_path / "r")
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)


def test_a_file_of_a_byte_order_mark_alone_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(InputFileError, match=r"persons\.csv: the file has no header row"):
        check(path, reject_dir=tmp_path / "r")


def test_a_time_zone_that_is_a_folder_of_zones_is_a_mapping_error(tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("person_id,name\nP1,Ann\n", encoding="utf-8")
    with pytest.raises(MappingError, match="unknown time zone 'Asia'"):
        check(path, mapping=_mapping(tmp_path, "Asia"), reject_dir=tmp_path / "r")


def test_a_cell_of_thousands_of_quotes_is_sniffed_and_rejected(tmp_path: Path) -> None:
    # csv.Sniffer backtracked for minutes on this line (a hang in the fuzz run)
    rows = "P1,C1,organiser\nP2,C1," + '"' * 2000 + "a\rb\nP3,C1,seller\n"
    assert sniff_delimiter("person_id,case_id,role\n" + rows) is None  # no clear answer: ","
    path = tmp_path / "case_suspects.csv"
    path.write_text("person_id,case_id,role\n" + rows, encoding="utf-8")
    report = check(path, mapping=_mapping(tmp_path), reject_dir=tmp_path / "r")
    # the lone CR ends a row: "b" alone is the fourth, rejected for its one field
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 3, 1)


def test_a_date_column_with_and_without_offsets_reads_each_date_where_it_is() -> None:
    # pandas refused the mix ("Mixed timezones detected") in a date column: a crash
    text = pd.Series(["2023-05-11", "1500-01-01T00:00:00Z", "2023-01-01T23:00:00-05:00", "junk"])
    parsed, errors = _to_datetime(text, None, "Asia/Shanghai", date_only=True)
    assert [None if pd.isna(t) else t.date().isoformat() for t in parsed] == [
        "2023-05-11",
        "1500-01-01",
        "2023-01-01",
        None,
    ]
    assert errors.tolist() == [None, None, None, "'junk' is not a date in ISO 8601"]

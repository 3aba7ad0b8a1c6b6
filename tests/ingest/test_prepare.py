"""Reading, converting and validating files, without the database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netintel.exceptions import InputFileError, MappingError
from netintel.ingest import Options, load_mapping, prepare, read_file
from netintel.ingest.prepare import reject_frame
from netintel.schema import RECORDS

DATA = Path(__file__).resolve().parents[1] / "data"


def _prep(path: Path, record: str, **opts: str):
    return prepare(read_file(path), RECORDS[record], None, Options(**opts))


def test_broken_persons_rejects_are_exactly_the_bad_rows() -> None:
    prep = _prep(DATA / "broken" / "persons.csv", "persons")
    got = [(r.row, r.column, r.reason) for r in prep.rejects]
    assert got == [
        (3, "birth_date", "'1985-13-01' is not a date in ISO 8601"),
        (4, "person_id", "required value is missing"),
        (5, "birth_date", "key P1 conflicts with row 2 on birth_date"),
        (
            6,
            "warrant_level",
            "'C' is not one of the warrant_level values (A, B); "
            "add it to values.warrant_level in the mapping",
        ),
        (7, None, "unbalanced quote"),
        (9, None, "11 fields where the header has 9"),
        (
            10,
            "gender",
            "'martian' is not one of the gender values (female, male, unknown); "
            "add it to values.gender in the mapping",
        ),
        (11, None, "duplicate of row 8"),
    ]
    assert prep.rows_read == 10
    assert prep.rows_loaded == 2
    assert prep.rows_loaded + prep.rejected_rows == prep.rows_read
    first = prep.rows[0]
    assert first["key"] == "P1"
    assert first["props"]["name"] == "Wang Wei"  # trimmed, inner spaces collapsed
    assert first["props"]["aliases"] == ["Xiao Wang", "Wei"]
    assert first["props"]["source_row"] == 2
    assert first["temporal"] == {"birth_date": "1980-02-29"}


def test_phone_numbers_normalised_to_e164_and_bad_ones_rejected() -> None:
    prep = _prep(DATA / "broken" / "phones.csv", "phones", phone_region="GB")
    assert [r["key"] for r in prep.rows] == ["+442079460018", "+442079460019"]
    assert [(r.row, r.column) for r in prep.rejects] == [
        (4, "number"),
        (5, "number"),
        (6, "number"),
        (7, "first_seen"),
    ]
    assert prep.rejected_rows == 4


def test_a_phone_extension_is_its_own_number_not_a_conflict() -> None:
    from netintel.ingest.read import frame_as_raw

    f = pd.DataFrame(
        {
            "number": ["020 7946 0958", "020 7946 0958 ext. 5", "+44 20 7946 0958 x12"],
            "imei": ["A", "B", "C"],
        }
    )
    prep = prepare(frame_as_raw("phones", f), RECORDS["phones"], None, Options(phone_region="GB"))
    assert prep.rejects == []
    assert [r["key"] for r in prep.rows] == [
        "+442079460958",
        "+442079460958;ext=5",
        "+442079460958;ext=12",
    ]


def test_one_row_with_two_problems_counts_once_and_lists_both() -> None:
    f = pd.DataFrame({"number": ["12"], "first_seen": ["never"]})
    from netintel.ingest.read import frame_as_raw

    prep = prepare(frame_as_raw("phones", f), RECORDS["phones"], None, Options())
    assert prep.rejected_rows == 1
    assert {r.column for r in prep.rejects} == {"number", "first_seen"}


def test_gb18030_and_bom_files_decode() -> None:
    persons = read_file(DATA / "gb18030" / "persons.csv")
    assert persons.encoding == "gb18030"
    assert persons.frame["name"].tolist() == ["王伟", "李娜", "张三丰"]
    locations = _prep(DATA / "gb18030" / "locations.csv", "locations")
    assert locations.raw.encoding == "utf-8-sig"
    assert [r["key"] for r in locations.rows] == ["L1", "L2"]
    assert [(r.row, r.column, r.reason) for r in locations.rejects] == [
        (4, "lat", "outside the range -90 to 90")
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("persons_badbytes.csv", "row 2: cannot decode bytes"),
        ("empty.csv", "the file is empty"),
        ("header_only.csv", "header but no data rows"),
    ],
)
def test_unreadable_files_raise_one_clear_error(name: str, message: str) -> None:
    with pytest.raises(InputFileError) as err:
        read_file(DATA / "unreadable" / name)
    assert name in str(err.value)
    assert message in str(err.value)


def test_missing_required_column_names_file_and_column() -> None:
    raw = read_file(DATA / "unreadable" / "missing_key.csv")
    with pytest.raises(InputFileError) as err:
        prepare(raw, RECORDS["persons"], None, Options())
    assert err.value.column == "person_id"
    assert "missing_key.csv" in str(err.value)


def test_vast_calls_prepare_with_the_mapping(shared_data: Path) -> None:
    mapping = load_mapping(
        Path(__file__).resolve().parents[2] / "docs" / "examples" / "vast2008.mapping.yaml"
    )
    path = shared_data / "vast2008_mc3_cdr" / "cdr.csv"
    prep = prepare(read_file(path), RECORDS["calls"], mapping.for_file(path), Options())
    assert (prep.rows_read, prep.rows_loaded, prep.rejected_rows) == (9834, 9834, 0)
    assert len(prep.endpoints["Phone"]) == 400
    assert len(prep.endpoints["Location"]) == 30
    # two pairs of calls share caller, callee and minute: they stay two calls
    assert len({r["rkey"]["call_id"] for r in prep.rows}) == 9834
    first = prep.rows[0]
    assert (first["start"], first["end"], first["props"]["duration_s"]) == ("349", "23", 1634)
    assert first["temporal"]["at"] == 1149120480000  # 2006-06-01T00:08Z as epoch milliseconds


def test_call_ids_are_deterministic() -> None:
    f = pd.DataFrame(
        {
            "caller": ["+442079460018"],
            "callee": ["+442079460019"],
            "started_at": ["2024-01-01T10:00:00Z"],
            "duration_s": ["60"],
        }
    )
    from netintel.ingest.read import frame_as_raw

    a = prepare(frame_as_raw("calls", f), RECORDS["calls"], None, Options())
    b = prepare(frame_as_raw("calls", f), RECORDS["calls"], None, Options())
    assert a.rows[0]["rkey"] == b.rows[0]["rkey"]
    assert a.rows[0]["rkey"]["call_id"].startswith("h:")


def test_generated_call_ids_hash_the_declared_columns() -> None:
    """The schema's generated key of calls: a hash of caller, callee, start (ISO 8601),
    duration and tower; the values are those the ingest has always given."""
    from netintel.ingest.read import frame_as_raw

    f = pd.DataFrame(
        {
            "caller": ["+442079460018", "+442079460018"],
            "callee": ["+442079460019", "+442079460019"],
            "started_at": ["2024-01-01T10:00:00Z", "2024-01-01T11:00:00+01:00"],
            "duration_s": ["60", ""],
            "tower": ["T1", None],
        }
    )
    assert RECORDS["calls"].generated_key is not None
    prep = prepare(frame_as_raw("calls", f), RECORDS["calls"], None, Options())
    assert [r["rkey"]["call_id"] for r in prep.rows] == [
        "h:3fdeff16a3d2e098cec77e25",
        "h:4e9cc7ce26d9456a7d46b76a",
    ]


def test_mapping_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "m.yaml"
    bad.write_text("files:\n  - match: a.csv\n    record: call\n")
    with pytest.raises(MappingError, match="unknown record type 'call'"):
        load_mapping(bad)
    bad.write_text("files:\n  - match: a.csv\n    record: calls\n    columns: {caler: From}\n")
    with pytest.raises(MappingError, match="unknown fields caler"):
        load_mapping(bad)
    bad.write_text("phone_region: XX\n")
    with pytest.raises(MappingError, match="unknown phone region"):
        load_mapping(bad)


def test_reject_frame_columns() -> None:
    prep = _prep(DATA / "broken" / "sightings.csv", "sightings")
    frame = reject_frame(prep.rejects)
    assert list(frame.columns) == ["file", "row", "column", "value", "reason"]
    assert frame.iloc[0].tolist() == [
        "sightings.csv",
        4,
        "at",
        "2024-02-30T10:30:00",
        "'2024-02-30T10:30:00' is not a date-time in ISO 8601",
    ]

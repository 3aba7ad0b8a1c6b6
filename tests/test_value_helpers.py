"""netintel.values: the one home of the small value checks the package repeated."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netintel.values import file_sha256, is_blank, is_int, is_missing, parse_duration

MISSING = [None, float("nan"), np.float64("nan"), np.float32("nan"), pd.NA, pd.NaT]
PRESENT = ["", " ", "nan", 0, 0.0, False, [], (), {}, [None], np.int64(0), pd.Timestamp(0)]
ARRAYS = [np.array([np.nan]), np.array([None]), np.array([]), pd.Series([None])]


@pytest.mark.parametrize("value", MISSING)
def test_missing_values(value: object) -> None:
    assert is_missing(value)
    assert is_blank(value)


@pytest.mark.parametrize("value", PRESENT)
def test_present_values_are_not_missing(value: object) -> None:
    assert not is_missing(value)


def test_blank_is_missing_or_whitespace_text() -> None:
    assert [is_blank(v) for v in ("", " ", "\t\n", "\u3000", "x", " x ")] == [
        True, True, True, True, False, False,
    ]  # fmt: skip
    assert not is_blank(0) and not is_blank([]) and not is_blank(np.array([]))


def test_missing_in_a_frame_as_pandas_says() -> None:
    frame = pd.DataFrame({"a": [None, 1.0, np.nan], "b": ["x", None, pd.NA]}, dtype=object)
    assert frame.map(is_missing).equals(frame.isna())


def test_is_int() -> None:
    assert [is_int(v) for v in (0, -3, 2**70, True, 1.0, "1", np.int64(1), None)] == [
        True, True, True, False, False, False, False, False,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("1h", 3600), ("30min", 1800), ("14D", 14 * 86400), (90, 90), (1.5, 1.5), (0, 0),
     (timedelta(minutes=2), 120), (pd.Timedelta("1s"), 1)],
)  # fmt: skip
def test_parse_duration(value: object, seconds: float) -> None:
    assert parse_duration(value).total_seconds() == seconds  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [("soon", "window is not a duration: 'soon'"), ("-1h", "window must not be negative"),
     (-5, "window must not be negative"), ("NaT", "window must not be negative")],
)  # fmt: skip
def test_parse_duration_errors_name_the_value(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(value, name="window")  # type: ignore[arg-type]


def test_file_sha256_reads_in_chunks(tmp_path: Path) -> None:
    data = bytes(range(256)) * 9000  # more than one MiB chunk
    path = tmp_path / "f.bin"
    path.write_bytes(data)
    assert file_sha256(path) == file_sha256(str(path)) == hashlib.sha256(data).hexdigest()
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert file_sha256(empty) == hashlib.sha256(b"").hexdigest()


def test_validated_names_the_file_and_the_first_bad_key() -> None:
    from pydantic import BaseModel

    from netintel.exceptions import MappingError
    from netintel.values import validated

    class Inner(BaseModel):
        port: int

    class Outer(BaseModel):
        neo4j: Inner

    assert validated(Outer, {"neo4j": {"port": "7687"}}, source="c", error=KeyError).neo4j.port == (
        7687
    )
    with pytest.raises(MappingError, match=r"^m\.yaml: neo4j\.port: Input should be a valid int"):
        validated(Outer, {"neo4j": {"port": "x"}}, source="m.yaml", error=MappingError)


@pytest.mark.parametrize(
    ("given", "region", "stored"),
    [
        (" 020 7946 0958 ", "GB", "+442079460958"),
        ("+44 20 7946 0958 x5", None, "+442079460958;ext=5"),
        ("020 7946 0958", None, "020 7946 0958"),  # national form, no region: kept as typed
        (" 200 ", "GB", "200"),  # a switchboard id, not a number
    ],
)
def test_normalise_phone_keys_valid_numbers_and_keeps_the_rest(
    given: str, region: str | None, stored: str
) -> None:
    from netintel.phones import normalise_phone

    assert normalise_phone(given, region) == stored


@pytest.mark.parametrize("value", ARRAYS)
def test_an_array_is_a_value_even_of_one_missing_item(value: object) -> None:
    assert not is_missing(value)

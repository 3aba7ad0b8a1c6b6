"""The investigations' frame layouts are the schema's (netintel.schema.FRAMES): same
columns, same order, dtypes of the schema's types, and the readers' Cypher returns them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pytest

from netintel import schema
from netintel.cypher import query
from netintel.exceptions import SchemaError
from netintel.investigate import _base, as_calls, as_transfers

#: each frame of the schema, the function that brings a frame into its layout
CONFORM: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "calls": as_calls,
    "transfers": as_transfers,
}
#: each frame of the schema, the named queries its reader fills it with
QUERIES = {"calls": ("calls_all", "calls_of_phones"), "transfers": ("transfers_all",)}
#: a value of each schema type, as a reader returns it (date-times: epoch milliseconds)
SAMPLE = {"str": "x1", "phone": "+442079460000", "int": 7, "float": 1.5, "datetime": 1_700_000}


def _dtype_fits(dtype: object, type_: str) -> bool:
    if type_ == "datetime":
        return isinstance(dtype, pd.DatetimeTZDtype) and str(dtype.tz) == "UTC"
    if type_ == "int":
        return pd.api.types.is_integer_dtype(dtype)
    if type_ == "float":
        return pd.api.types.is_float_dtype(dtype)
    return pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype)


def test_every_frame_of_the_schema_is_checked_here() -> None:
    assert set(CONFORM) == set(QUERIES) == set(schema.FRAMES)


def test_the_investigations_columns_are_the_schemas() -> None:
    assert schema.FRAMES["calls"].columns == _base.CALL_COLUMNS
    assert schema.FRAMES["transfers"].columns == _base.TRANSFER_COLUMNS


@pytest.mark.parametrize("name", sorted(schema.FRAMES))
def test_a_full_frame_keeps_the_schemas_columns_order_and_types(name: str) -> None:
    frame = schema.FRAMES[name]
    types = {c: frame.type(c) for c in frame.columns}
    row = {c: SAMPLE[t] for c, t in types.items()}
    out = CONFORM[name](pd.DataFrame([row, row | {frame.columns[0]: "x2"}]))
    assert tuple(out.columns) == frame.columns
    wrong = {c: str(out[c].dtype) for c in frame.columns if not _dtype_fits(out[c].dtype, types[c])}
    assert wrong == {}
    assert len(out) == 2


@pytest.mark.parametrize("name", sorted(schema.FRAMES))
def test_an_empty_frame_has_the_schemas_columns(name: str) -> None:
    frame = schema.FRAMES[name]
    out = CONFORM[name](pd.DataFrame(columns=list(frame.columns)))
    assert tuple(out.columns) == frame.columns
    assert len(out) == 0
    assert _dtype_fits(out["at"].dtype, "datetime")


@pytest.mark.parametrize(("name", "cypher"), [(n, q) for n in QUERIES for q in QUERIES[n]])
def test_the_readers_queries_return_the_frames_columns_in_order(name: str, cypher: str) -> None:
    returned = query(cypher).rsplit("RETURN", 1)[1]  # the last RETURN: the rows
    assert tuple(re.findall(r"\bAS (\w+)", returned)) == schema.FRAMES[name].columns


def test_a_frame_naming_what_the_record_lacks_fails_the_schema_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renamed = schema.Frame("calls", ("call_id", "started", "source"))
    with pytest.raises(SchemaError, match="no column 'started'"):
        renamed.type("started")
    joined = schema.Frame(
        "transfers", ("victim_name",), joined=(("victim_name", "victim", "name"),)
    )
    with pytest.raises(SchemaError, match="no column 'victim'"):
        joined.type("victim_name")
    monkeypatch.setitem(schema.FRAMES, "calls", renamed)
    assert list(schema._schema_problems()) == [
        "frame 'calls': frame 'calls' has no column 'started'"
    ]

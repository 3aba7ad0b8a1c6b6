"""Record validation derived from the schema, run with pandera over whole columns.

Conversion (``normalise``) already rejects values that do not parse; this
checks what parsed values must satisfy: required fields present, enumerations
within their choices, numbers within their ranges.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from netintel.schema import RECORDS, Column

__all__ = ["Problem", "record_schema", "validate"]

#: (frame index, schema column, reason)
Problem = tuple[int, str, str]


def _in_choices(choices: tuple[str, ...], is_list: bool) -> pa.Check:
    allowed = set(choices)
    if is_list:

        def ok(s: pd.Series) -> pd.Series:
            return s.map(lambda v: v is None or set(v) <= allowed).astype(bool)
    else:

        def ok(s: pd.Series) -> pd.Series:
            return s.map(lambda v: v is None or v in allowed).astype(bool)

    return pa.Check(ok, error=f"not one of: {', '.join(choices)}")


def _in_range(lo: float | None, hi: float | None) -> pa.Check:
    def ok(s: pd.Series) -> pd.Series:
        return s.map(
            lambda v: v is None or ((lo is None or v >= lo) and (hi is None or v <= hi))
        ).astype(bool)

    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return pa.Check(ok, error=f"outside the range {lo_s} to {hi_s}")


def _checks(col: Column) -> list[pa.Check]:
    checks = []
    if col.choices:
        checks.append(_in_choices(col.choices, col.type == "list"))
    if col.minimum is not None or col.maximum is not None:
        checks.append(_in_range(col.minimum, col.maximum))
    return checks


@cache
def record_schema(record: str) -> pa.DataFrameSchema:
    """The pandera schema of a record type's converted frame.

    Parameters
    ----------
    record : str
        The record type's name.

    Returns
    -------
    pandera.DataFrameSchema
        The schema.
    """
    rt = RECORDS[record]
    return pa.DataFrameSchema(
        {
            c.name: pa.Column(None, checks=_checks(c), nullable=not c.required, required=False)
            for c in rt.columns
        },
        strict=False,
        coerce=False,
        name=record,
    )


def validate(record: str, frame: pd.DataFrame) -> list[Problem]:
    """Every problem pandera finds in ``frame``, as (index, column, reason).

    Parameters
    ----------
    record : str
        The record type's name.
    frame : pandas.DataFrame
        The converted frame.

    Returns
    -------
    list of (int, str, str)
        One ``(index, column, reason)`` per problem; empty when there is none.
    """
    try:
        record_schema(record).validate(frame, lazy=True)
    except SchemaErrors as err:
        problems: list[Problem] = []
        cases = err.failure_cases
        for idx, column, check in zip(cases["index"], cases["column"], cases["check"], strict=True):
            if idx is None or pd.isna(idx):
                continue  # frame-level failure; none are declared
            reason = "required value is missing" if check == "not_nullable" else str(check)
            problems.append((int(idx), str(column), reason))
        return problems
    return []

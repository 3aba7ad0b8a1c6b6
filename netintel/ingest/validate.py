"""Record validation derived from the schema, run with pandera over whole columns.

Conversion (``normalise``) already rejects values that do not parse; this
checks what parsed values must satisfy: required fields present, enumerations
within their choices, numbers within their ranges; and (:func:`storable`) that the
database can hold them: integers within 64 bits, index keys within Neo4j's key size.
"""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from netintel.schema import MAX_INDEX_KEY_BYTES, MAX_INTEGER, MIN_INTEGER, RECORDS, Column

__all__ = ["Problem", "record_schema", "storable", "validate"]

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


def storable(record: str, frame: pd.DataFrame) -> list[Problem]:
    """The values of ``frame`` that Neo4j cannot hold, as (index, column, reason).

    An integer outside -2^63 to 2^63-1 (a Neo4j integer is 64-bit), and a text value of
    a column that becomes an index key (:attr:`~netintel.schema.RecordType.indexed_columns`)
    longer than :data:`~netintel.schema.MAX_INDEX_KEY_BYTES` bytes in UTF-8: either would
    fail the write part-way through the file, so the row is rejected before it.

    Parameters
    ----------
    record : str
        The record type's name.
    frame : pandas.DataFrame
        The converted frame (schema column names).

    Returns
    -------
    list of (int, str, str)
        One ``(index, column, reason)`` per value; empty when all fit.

    Examples
    --------
    >>> frame = pd.DataFrame({"duration_s": [2**63 - 1, 2**63], "call_id": ["c1", "x" * 8165]})
    >>> problems = storable("calls", frame)
    >>> [(i, column) for i, column, _ in problems]
    [(1, 'call_id'), (1, 'duration_s')]
    >>> print(problems[0][2])
    8165 bytes in UTF-8: longer than the 8164 bytes a Neo4j index key can hold
    >>> print(problems[1][2])
    the integer 9223372036854775808 is outside those Neo4j can store (-2^63 to 2^63-1)
    """
    rt = RECORDS[record]
    problems: list[Problem] = []
    indexed = set(rt.indexed_columns)
    for col in rt.columns:
        if col.name not in frame.columns:
            continue
        values = frame[col.name].tolist()
        if col.type == "int":
            for i, v in enumerate(values):
                if isinstance(v, int) and not MIN_INTEGER <= v <= MAX_INTEGER:
                    problems.append(
                        (
                            i,
                            col.name,
                            f"the integer {v} is outside those Neo4j can store (-2^63 to 2^63-1)",
                        )
                    )
        elif col.name in indexed:
            for i, v in enumerate(values):
                if isinstance(v, str) and len(v) * 4 > MAX_INDEX_KEY_BYTES:
                    size = len(v.encode("utf-8"))
                    if size > MAX_INDEX_KEY_BYTES:
                        problems.append(
                            (
                                i,
                                col.name,
                                f"{size} bytes in UTF-8: longer than the "
                                f"{MAX_INDEX_KEY_BYTES} bytes a Neo4j index key can hold",
                            )
                        )
    return problems

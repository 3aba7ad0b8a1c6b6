"""Shared plumbing of the investigations: evidence records, frames, hashing, reads.

The pure functions of :mod:`netintel.investigate` take pandas frames in the
layouts below, declared in :data:`netintel.schema.FRAMES`; the database readers
(:mod:`netintel.investigate.readers`) fill them with named Cypher from ``cypher/`` and
nothing else.

* calls (``at`` tz-aware UTC, one row per call record):

  >>> CALL_COLUMNS
  ('call_id', 'caller', 'callee', 'at', 'duration_s', 'tower', 'source', 'source_row')

* transfers (names optional):

  >>> TRANSFER_COLUMNS  # doctest: +NORMALIZE_WHITESPACE
  ('transfer_id', 'at', 'victim_id', 'from_id', 'to_id', 'location_id', 'region',
   'case_id', 'source', 'source_row', 'victim_name', 'from_name', 'to_name')

Times stay UTC in the frames and results; they are shown in the case's zone
(:func:`~netintel.investigate.readers.case_timezone`, :mod:`netintel.localtime`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from netintel.algorithms.results import Provenance, ResultMixin, Stopwatch, to_jsonable
from netintel.localtime import localize
from netintel.schema import FRAMES
from netintel.values import is_missing

__all__ = [
    "CALL_COLUMNS",
    "TRANSFER_COLUMNS",
    "Record",
    "TableResult",
    "as_calls",
    "as_transfers",
    "frame_hash",
    "jsonable",
    "named",
    "objects",
    "records_of",
    "stamp",
]

#: The calls layout, declared in the schema (:data:`netintel.schema.FRAMES`).
CALL_COLUMNS = FRAMES["calls"].columns
#: The transfers layout, declared in the schema (:data:`netintel.schema.FRAMES`).
TRANSFER_COLUMNS = FRAMES["transfers"].columns


@dataclass(frozen=True, order=True)
class Record:
    """One input record that supports a result: what it is, its id, file and row.

    >>> str(Record("call", "C1", "calls.csv", 17))
    'call C1 (calls.csv row 17)'
    """

    kind: str
    id: str | None = None
    source: str | None = None
    row: int | None = None

    def __str__(self) -> str:
        where = f"{self.source} row {self.row}" if self.source else "no source"
        return f"{self.kind} {self.id} ({where})" if self.id else f"{self.kind} ({where})"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "source": self.source, "row": self.row}


def named(node_id: Any, name: Any) -> str:
    """An id with its name beside it, as tables and reports show people.

    Parameters
    ----------
    node_id : object
        The id.
    name : object
        The name, or None (missing values show the id alone).

    Returns
    -------
    str
        ``"<id> (<name>)"``, or the id when there is no name (or it equals the id).

    Examples
    --------
    >>> named("P1", "Ann Lee"), named("P2", None)
    ('P1 (Ann Lee)', 'P2')
    """
    text = str(node_id)
    shown = _opt_str(name)
    return f"{text} ({shown})" if shown and shown != text else text


def _opt_int(value: Any) -> int | None:
    return None if is_missing(value) else int(value)


def _opt_str(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def records_of(frame: pd.DataFrame, kind: str, id_column: str | None) -> tuple[Record, ...]:
    """The :class:`Record` of every row of ``frame`` (``source``/``source_row`` columns).

    Parameters
    ----------
    frame : DataFrame
        Rows with optional ``source`` and ``source_row`` columns.
    kind : str
        The kind of every record (``"call"``, ``"transfer"``...).
    id_column : str or None
        The column holding each record's id (None: records without id).

    Returns
    -------
    tuple of Record
        One per row, in row order.

    Examples
    --------
    >>> frame = pd.DataFrame({"call_id": ["C1"], "source": ["calls.csv"], "source_row": [2]})
    >>> records_of(frame, "call", "call_id")
    (Record(kind='call', id='C1', source='calls.csv', row=2),)
    """
    ids: Iterable[Any] = frame[id_column] if id_column else [None] * len(frame)
    sources = frame["source"] if "source" in frame else [None] * len(frame)
    rows = frame["source_row"] if "source_row" in frame else [None] * len(frame)
    return tuple(
        Record(kind, _opt_str(i), _opt_str(s), _opt_int(r))
        for i, s, r in zip(ids, sources, rows, strict=True)
    )


def _utc(values: pd.Series) -> pd.Series:
    """Times as UTC timestamps; numbers are epoch milliseconds (as the readers return them)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values, utc=True)
    present = values.dropna()
    if len(present) and all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        for v in present
    ):
        return pd.to_datetime(pd.to_numeric(values), unit="ms", utc=True)
    out = pd.to_datetime(values, utc=True, format="ISO8601", errors="coerce")
    bad = out.isna() & values.notna()
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise ValueError(f"column 'at', row {i}: not a date-time: {values.iloc[i]!r}")
    return out


def _conform(frame: pd.DataFrame, columns: tuple[str, ...], required: tuple[str, ...], what: str):
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {', '.join(missing)}")
    out = frame.copy()
    for c in columns:
        if c not in out.columns:
            out[c] = None
    out = out[list(columns)]
    if len(out):
        out["at"] = _utc(out["at"])
    else:
        out["at"] = pd.Series(pd.DatetimeIndex([], tz="UTC"), dtype="datetime64[ns, UTC]")
    return out


def as_calls(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the calls layout: UTC ``at``, string phones, sorted by time then id.

    Missing optional columns are added empty; a missing ``call_id`` is made from
    the row position (``row:<i>``).

    Parameters
    ----------
    frame : DataFrame
        Call records with at least ``caller, callee, at`` (times tz-aware, ISO 8601
        text read as UTC when naive, or epoch milliseconds).

    Returns
    -------
    DataFrame
        Columns ``call_id, caller, callee, at, duration_s, tower, source, source_row``.

    Examples
    --------
    >>> calls = as_calls(pd.DataFrame({"caller": ["+1"], "callee": ["+2"],
    ...                                "at": ["2024-01-01T08:00+08:00"]}))
    >>> calls[["call_id", "caller", "at"]].values.tolist()
    [['row:0', '+1', Timestamp('2024-01-01 00:00:00+0000', tz='UTC')]]
    """
    out = _conform(frame, CALL_COLUMNS, ("caller", "callee", "at"), "calls")
    if out["call_id"].isna().any():
        fill = pd.Series([f"row:{i}" for i in range(len(out))], index=out.index)
        out["call_id"] = out["call_id"].where(out["call_id"].notna(), fill)
    for c in ("call_id", "caller", "callee"):
        out[c] = out[c].astype(str)
    out["tower"] = out["tower"].map(_opt_str).astype(object)
    out["duration_s"] = pd.to_numeric(out["duration_s"], errors="coerce")
    return out.sort_values(["at", "call_id"], kind="stable", ignore_index=True)


def as_transfers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in the transfers layout: UTC ``at``, sorted by time then transfer id.

    Parameters
    ----------
    frame : DataFrame
        Transfers with at least ``transfer_id, at, from_id, to_id``; rows without a time
        are left out.

    Returns
    -------
    DataFrame
        Columns :data:`TRANSFER_COLUMNS`.
    """
    out = _conform(frame, TRANSFER_COLUMNS, ("transfer_id", "at", "from_id", "to_id"), "transfers")
    out = out[out["at"].notna()]
    for c in ("transfer_id", "from_id", "to_id"):
        out[c] = out[c].astype(str)
    return out.sort_values(["at", "transfer_id"], kind="stable", ignore_index=True)


def frame_hash(*frames: pd.DataFrame) -> str:
    """A SHA-256 over the content of ``frames`` (row order matters, index ignored).

    Parameters
    ----------
    *frames : DataFrame
        The frames, hashed in order (their columns and their values as text).

    Returns
    -------
    str
        ``"sha256:<hex>"``.

    Examples
    --------
    >>> frame_hash(pd.DataFrame({"a": [1]})) == frame_hash(pd.DataFrame({"a": [1]}))
    True
    """
    h = hashlib.sha256()
    for f in frames:
        h.update(",".join(map(str, f.columns)).encode())
        if len(f):
            values = pd.util.hash_pandas_object(f.astype(str), index=False).to_numpy()
            h.update(values.astype("<u8").tobytes())
        h.update(b"\x00")
    return "sha256:" + h.hexdigest()


def objects(values: Iterable[Any], index: pd.Index | None = None) -> pd.Series:
    """A Series of Python objects (tuples of records, lists...) without pandas unpacking them.

    Parameters
    ----------
    values : iterable
        The objects, one per row.
    index : Index or None
        The Series' index (None: a range).

    Returns
    -------
    Series
        Of dtype object, holding ``values`` as they are.
    """
    items = list(values)
    out = pd.Series([None] * len(items), index=index, dtype=object)
    for i, v in enumerate(items):
        out.iloc[i] = v
    return out


def jsonable(value: Any) -> Any:
    """``value`` in plain JSON types; :class:`Record` becomes a dict, times ISO 8601.

    Parameters
    ----------
    value : object
        A result value: records, times, durations, mappings, sequences, sets, numpy scalars.

    Returns
    -------
    object
        The same in JSON types (sets sorted, as lists).
    """
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    return to_jsonable(value)


@dataclass(frozen=True, eq=False)
class TableResult(ResultMixin):
    """A result table with provenance; ``evidence`` columns hold tuples of :class:`Record`.

    ``tz``: the zone :meth:`to_frame` and :meth:`to_dict` show times in (with a
    ``timezone`` column); None leaves them as stored (UTC).
    """

    table: pd.DataFrame
    provenance: Provenance
    tz: str | None = None

    def __len__(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table, times in the zone ``tz`` when one is set."""
        return self.table.copy() if self.tz is None else localize(self.table, self.tz)

    def evidence_frame(self, column: str = "evidence") -> pd.DataFrame:
        """One row per (result row, supporting record): ``row, kind, id, source, source_row``."""
        rows = [
            {"row": i, "kind": r.kind, "id": r.id, "source": r.source, "source_row": r.row}
            for i, recs in zip(self.table.index, self.table[column], strict=True)
            for r in recs
        ]
        return pd.DataFrame(rows, columns=["row", "kind", "id", "source", "source_row"])

    def to_dict(self) -> dict[str, Any]:
        """Rows and provenance as plain JSON types."""
        rows = [jsonable(r) for r in self.to_frame().to_dict(orient="records")]
        return {"rows": rows, "provenance": self.provenance.to_dict()}


def stamp(
    sw: Stopwatch, algorithm: str, params: Mapping[str, Any], input_hash: str, **kw: Any
) -> Provenance:
    """Provenance for an investigation (engine pandas, JSON-ready parameters).

    Parameters
    ----------
    sw : Stopwatch
        Started when the investigation started.
    algorithm : str
        The investigation's name.
    params : mapping
        Its parameters (made JSON-ready).
    input_hash : str
        The hash of its input (:func:`frame_hash`).
    **kw
        ``engine`` (default ``"pandas"``) and further fields of
        :meth:`~netintel.algorithms.results.Stopwatch.provenance`.

    Returns
    -------
    Provenance
        With no seed (investigations are deterministic).
    """
    return sw.provenance(
        algorithm,
        {k: jsonable(v) for k, v in params.items()},
        seed=None,
        engine=kw.pop("engine", "pandas"),
        input_hash=input_hash,
        **kw,
    )

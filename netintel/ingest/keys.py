"""Rows an ingest rejects after a file is prepared: keys an earlier file of the same run
holds, and call ids the database holds for other phones.

An ingest streams file by file, so an earlier file's rows are gone when a later one is
checked. :class:`SeenKeys` keeps, per record type, only a 64-bit hash of each loaded
row's key, one of all its values, a 16-bit hash per column, and where the row came from:
24 bytes a row plus 2 per column of the record type (36 for calls). That is enough to
tell a duplicate (same values) from a conflict and to name the columns that differ. Two
different keys share a hash with odds of about n² / 2⁶⁵ (3 in a million for 10 million
rows); such a row would be rejected as a conflict, never loaded wrongly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import neo4j
import numpy as np
import pandas as pd

from netintel.db import run_query
from netintel.ingest.prepare import Prepared, Reject, _endpoints

__all__ = ["SeenKeys", "drop_rows", "reject_call_id_clashes"]


def _hash(series: pd.Series) -> np.ndarray:
    if series.dtype == object:
        series = series.map(lambda v: repr(v) if isinstance(v, (list, tuple, dict)) else v)
    return pd.util.hash_pandas_object(series, index=False).to_numpy(dtype=np.uint64)


def _combine(hashes: list[np.ndarray], n: int) -> np.ndarray:
    out = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, h in enumerate(hashes):
            out = out * np.uint64(1_000_003 + 2 * i) ^ h
    return out


@dataclass(frozen=True)
class _Chunk:
    """One added file's rows, sorted by key hash (no copy of earlier files is ever made)."""

    key: np.ndarray
    value: np.ndarray
    per_column: np.ndarray
    file: int
    row: np.ndarray


@dataclass
class _Table:
    columns: list[str]
    chunks: list[_Chunk] = field(default_factory=list)


class SeenKeys:
    """The keys of the rows loaded so far in one ingest, per record type.

    Examples
    --------
    >>> from netintel.ingest.read import frame_as_raw
    >>> from netintel.ingest.prepare import Options, prepare
    >>> from netintel.schema import RECORDS
    >>> def persons(name, rows):
    ...     raw = frame_as_raw(name, pd.DataFrame(rows, columns=["person_id", "name"]))
    ...     return prepare(raw, RECORDS["persons"], None, Options(), source=name)
    >>> seen = SeenKeys()
    >>> seen.add(persons("a.csv", [["P1", "Ann"], ["P2", "Bo"]]))
    >>> b = persons("b.csv", [["P1", "Ann"], ["P2", "Bob"], ["P3", "Cy"]])
    >>> seen.reject_seen(b)
    2
    >>> [(r.row, r.reason) for r in b.rejects]
    [(2, 'duplicate of a.csv row 2'), (3, 'key P2 conflicts with a.csv row 3 on name')]
    """

    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}
        self._sources: list[str] = []
        self._present: list[frozenset[str]] = []  # per added file: its columns

    def _hashes(
        self, prep: Prepared, columns: list[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = len(prep.good)
        keys = list(prep.record.key_columns)
        key = _combine([_hash(prep.good[k]) for k in keys], n)
        cols = [
            _hash(prep.good[c]) if c in prep.good.columns else np.zeros(n, np.uint64)
            for c in columns
        ]
        value = _combine(cols, n)
        per_column = (
            np.stack([(c & np.uint64(0xFFFF)).astype(np.uint16) for c in cols], axis=1)
            if cols
            else np.zeros((n, 0), np.uint16)
        )
        return key, value, per_column

    def _keyed(self, prep: Prepared) -> bool:
        keys = list(prep.record.key_columns)
        return bool(keys) and all(k in prep.good.columns for k in keys)

    def add(self, prep: Prepared) -> None:
        """Remember the keys of ``prep``'s good rows (after it is written)."""
        if not self._keyed(prep) or prep.good.empty:
            return
        name = prep.record.name
        table = self._tables.setdefault(name, _Table([c.name for c in prep.record.columns]))
        key, value, per_column = self._hashes(prep, table.columns)
        self._sources.append(prep.source)
        self._present.append(frozenset(prep.good.columns))
        order = np.argsort(key, kind="stable")
        table.chunks.append(
            _Chunk(
                key[order],
                value[order],
                per_column[order],
                len(self._sources) - 1,
                prep.good_rows[order].astype(np.int32),
            )
        )

    def reject_seen(self, prep: Prepared) -> int:
        """Reject ``prep``'s rows whose key an earlier added file holds; how many."""
        table = self._tables.get(prep.record.name)
        if table is None or not self._keyed(prep) or prep.good.empty:
            return 0
        key, value, per_column = self._hashes(prep, table.columns)
        # earlier files' keys are unique among them: a key is in one chunk at most
        match: dict[int, tuple[_Chunk, int]] = {}
        for chunk in table.chunks:
            at = np.searchsorted(chunk.key, key)
            at[at == len(chunk.key)] = 0
            for pos in np.flatnonzero(chunk.key[at] == key).tolist():
                match.setdefault(pos, (chunk, int(at[pos])))
        if not match:
            return 0
        hit = sorted(match)
        keys = list(prep.record.key_columns)
        rejects = []
        for pos in hit:
            chunk, j = match[pos]
            where = f"{self._sources[chunk.file]} row {chunk.row[j]}"
            key_values = [prep.good[k].iat[pos] for k in keys]
            earlier = self._present[chunk.file]
            # as within a file: only the columns both files have are compared
            differ = [
                c
                for i, c in enumerate(table.columns)
                if c in earlier
                and c in prep.good.columns
                and chunk.per_column[j, i] != per_column[pos, i]
            ]
            if not differ and earlier == set(prep.good.columns) and chunk.value[j] != value[pos]:
                differ = ["(values)"]  # the 16-bit hashes agree by chance: still a conflict
            if differ:
                column: str | None = differ[0]
                reason = (
                    f"key {', '.join(str(k) for k in key_values)} conflicts with {where} on "
                    f"{', '.join(differ)}"
                )
            else:
                column, reason = None, f"duplicate of {where}"
            value0 = None if key_values[0] is None else str(key_values[0])
            rejects.append(Reject(prep.source, int(prep.good_rows[pos]), column, value0, reason))
        drop_rows(prep, hit, rejects)
        return len(hit)


def drop_rows(prep: Prepared, positions: Iterable[int], rejects: list[Reject]) -> None:
    """Move the good rows at ``positions`` to the rejects, with the reasons given.

    Parameters
    ----------
    prep : Prepared
        The prepared file; its good rows at ``positions`` are removed.
    positions : iterable of int
        Positions in ``prep.good`` of the rows to drop.
    rejects : list of Reject
        The rejects of those rows, appended to the file's rejects.
    """
    drop = np.zeros(len(prep.good), dtype=bool)
    drop[list(positions)] = True
    if not drop.any():
        return
    keep = ~drop
    prep.good = prep.good.loc[keep].reset_index(drop=True)
    prep.good_rows = prep.good_rows[keep]
    prep.rejected_rows += int(drop.sum())
    prep.rejects.extend(rejects)
    prep.rejects.sort(key=lambda r: r.row)
    if prep.record.relationship:
        prep.endpoints = _endpoints(prep.record, prep.good, prep.good_rows)


def reject_call_id_clashes(
    driver: neo4j.Driver, prep: Prepared, *, batch_size: int, database: str | None = None
) -> int:
    """Reject calls whose ``call_id`` the database holds for a call between other phones.

    Without this the write would stop half-way through the file on the uniqueness
    constraint of ``CALLED.call_id``. Returns how many rows were rejected.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver.
    prep : Prepared
        The prepared file (only relationship files with a graph-wide unique key are
        checked).
    batch_size : int
        Rows per query.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    int
        The number of rows rejected.
    """
    if not prep.record.graph_unique or prep.good.empty:
        return 0
    ids = prep.good["call_id"].tolist()
    callers = prep.good["caller"].tolist()
    callees = prep.good["callee"].tolist()
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), batch_size):
        rows = [
            {"i": i, "call_id": ids[i], "caller": callers[i], "callee": callees[i]}
            for i in range(start, min(start + batch_size, len(ids)))
        ]
        found += run_query(driver, "call_id_clashes", database=database, rows=rows)
    rejects = [
        Reject(
            prep.source,
            int(prep.good_rows[f["i"]]),
            "call_id",
            f["call_id"],
            f"call_id {f['call_id']} is already in the database for a call from "
            f"{f['caller']} to {f['callee']} ({f['source']} row {f['source_row']}, "
            f"ingest run {f['ingest_run']})",
        )
        for f in found
    ]
    drop_rows(prep, [f["i"] for f in found], rejects)
    return len(found)

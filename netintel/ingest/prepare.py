"""From a raw file to rows ready for the ingest statements, with every reject explained.

Nothing here touches the database: a whole ingest is prepared (and every file
that cannot be read is found) before anything is written.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from netintel.exceptions import InputFileError
from netintel.ingest.mapping import FileMapping
from netintel.ingest.normalise import convert
from netintel.ingest.read import ROW, RawFile
from netintel.ingest.validate import validate
from netintel.schema import NODES, RECORDS, RELATIONSHIPS, RecordType

__all__ = ["Options", "Prepared", "Reject", "prepare"]


@dataclass(frozen=True)
class Options:
    """Ingest-wide defaults, overridden per file by its mapping entry."""

    timezone: str = "UTC"
    phone_region: str | None = None
    phone_format: str = "e164"


@dataclass(frozen=True)
class Reject:
    """One problem with one row: what the reject file holds."""

    file: str
    row: int
    column: str | None
    value: str | None
    reason: str


@dataclass
class Prepared:
    """One file, converted and validated, ready to write."""

    source: str
    record: RecordType
    raw: RawFile
    #: rows for the ingest statements, without provenance run id (added at write time)
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: label -> {key: (source_row, extra props)} endpoints a relationship file refers to
    endpoints: dict[str, dict[str, tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    rejected_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return self.raw.rows_read

    @property
    def rows_loaded(self) -> int:
        return len(self.rows)


def _call_id(caller: str, callee: str, at: Any, duration: Any, tower: Any) -> str:
    """A deterministic id for a call record that has none."""
    text = "|".join("" if v is None else str(v) for v in (caller, callee, at, duration, tower))
    return "h:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _column_frame(
    raw: RawFile, rt: RecordType, fm: FileMapping | None
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """The raw frame with schema column names; source names kept for messages."""
    renames = fm.columns if fm else {}
    constants = fm.constants if fm else {}
    present = set(raw.frame.columns) - {ROW}
    data: dict[str, Any] = {}
    source_of: dict[str, str] = {}
    for col in rt.columns:
        src = renames.get(col.name, col.name)
        if src in present:
            data[col.name] = raw.frame[src]
            source_of[col.name] = src
        elif col.name in constants:
            data[col.name] = pd.Series(
                [str(constants[col.name])] * len(raw.frame), index=raw.frame.index, dtype=object
            )
            source_of[col.name] = f"constant {col.name}"
        elif col.required:
            hint = f" (mapped from {src!r})" if src != col.name else ""
            raise InputFileError(
                raw.path,
                f"missing required column {src!r}{hint} for {rt.name}; "
                f"the header has: {', '.join(sorted(present))}",
                column=src,
            )
    used = set(source_of.values())
    unused = sorted(present - used)
    return pd.DataFrame(data, index=raw.frame.index), source_of, unused


def prepare(raw: RawFile, rt: RecordType, fm: FileMapping | None, opts: Options) -> Prepared:
    """Convert, validate, de-duplicate and shape one file's rows."""
    source = raw.path.rsplit("/", 1)[-1]
    prep = Prepared(source, rt, raw)
    for row, text, reason in raw.parse_rejects:
        prep.rejects.append(Reject(source, row, None, text, reason))
    prep.rejected_rows += len(raw.parse_rejects)

    frame, source_of, unused = _column_frame(raw, rt, fm)
    if unused:
        prep.warnings.append(f"{source}: columns not used: {', '.join(unused)}")
    tz = (fm.timezone if fm and fm.timezone else None) or opts.timezone
    region = (fm.phone_region if fm and fm.phone_region else None) or opts.phone_region
    phone_raw = (
        (fm.phone_format if fm and fm.phone_format else None) or opts.phone_format
    ) == "raw"
    formats = fm.formats if fm else {}
    rows = raw.frame[ROW].tolist()

    problems: dict[int, list[tuple[str, str]]] = defaultdict(list)  # position -> (col, reason)
    converted: dict[str, pd.Series] = {}
    for name in frame.columns:
        col = rt.column(name)
        values, errors = convert(
            frame[name],
            col.type,
            fmt=formats.get(name),
            tz=tz,
            phone_region=region,
            phone_raw=phone_raw,
            choices=col.choices,
        )
        converted[name] = values.reset_index(drop=True)
        for pos, reason in enumerate(errors.tolist()):
            if reason is not None:
                problems[pos].append((name, reason))
    typed = pd.DataFrame(converted, dtype=object)
    for pos, name, reason in validate(rt.name, typed):
        if not any(c == name for c, _ in problems[pos]):  # one reason per cell
            problems[pos].append((name, reason))

    if rt.name == "calls":
        _fill_call_ids(typed)

    key_cols = rt.key_columns
    seen: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    raw_cells = {n: frame[n].tolist() for n in frame.columns}
    records: list[dict[str, Any]] = typed.to_dict("records")  # type: ignore[assignment]
    good: list[tuple[int, dict[str, Any]]] = []
    for pos, rec in enumerate(records):
        if pos in problems:
            for name, reason in problems[pos]:
                prep.rejects.append(
                    Reject(
                        source, rows[pos], source_of.get(name, name), raw_cells[name][pos], reason
                    )
                )
            prep.rejected_rows += 1
            continue
        key = tuple(_hashable(rec.get(k)) for k in key_cols)
        fingerprint = tuple(_hashable(rec.get(n)) for n in typed.columns)
        if key in seen:
            first_row, first_fp = seen[key]
            if first_fp == fingerprint:
                reason = f"duplicate of row {first_row}"
                column = None
            else:
                differ = [
                    n
                    for n, a, b in zip(typed.columns, first_fp, fingerprint, strict=True)
                    if a != b
                ]
                column = source_of.get(differ[0], differ[0])
                reason = (
                    f"key {', '.join(map(str, key))} conflicts with row {first_row} "
                    f"on {', '.join(source_of.get(d, d) for d in differ)}"
                )
            prep.rejects.append(
                Reject(
                    source,
                    rows[pos],
                    column,
                    str(raw_cells[key_cols[0]][pos]) if key_cols[0] in raw_cells else None,
                    reason,
                )
            )
            prep.rejected_rows += 1
            continue
        seen[key] = (rows[pos], fingerprint)
        good.append((rows[pos], rec))

    prep.rejects.sort(key=lambda r: r.row)
    if rt.node:
        _shape_nodes(prep, good)
    else:
        _shape_relationships(prep, good)
    assert prep.rows_loaded + prep.rejected_rows == prep.rows_read
    return prep


def _hashable(v: Any) -> Any:
    return tuple(v) if isinstance(v, list) else v


def _fill_call_ids(typed: pd.DataFrame) -> None:
    if "call_id" not in typed.columns:
        typed["call_id"] = None
    missing = typed["call_id"].isna()
    if missing.any():
        sub = typed.loc[missing]
        ids = [
            _call_id(c, e, a.isoformat() if a is not None else None, d, t)
            for c, e, a, d, t in zip(
                sub["caller"],
                sub["callee"],
                sub["started_at"],
                sub["duration_s"] if "duration_s" in sub else [None] * len(sub),
                sub["tower"] if "tower" in sub else [None] * len(sub),
                strict=True,
            )
        ]
        typed.loc[missing, "call_id"] = pd.Series(ids, index=sub.index, dtype=object)


def wire(value: Any) -> Any:
    """Temporal values as the statements expect them: epoch milliseconds, ISO dates.

    (The driver's own packing of ``datetime`` objects costs more than the write.)
    """
    if isinstance(value, datetime):
        return round(value.timestamp() * 1000)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _props(
    rt: RecordType, rec: dict[str, Any], skip: set[str], source: str, row: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Plain properties (with provenance) and temporal ones, keyed by graph property."""
    props: dict[str, Any] = {"source": source, "source_row": row}
    temporal: dict[str, Any] = {}
    for n, v in rec.items():
        if v is None or n in skip:
            continue
        col = rt.column(n)
        if col.type in ("date", "datetime"):
            temporal[col.target_prop] = wire(v)
        else:
            props[col.target_prop] = v
    return props, temporal


def _shape_nodes(prep: Prepared, good: list[tuple[int, dict[str, Any]]]) -> None:
    rt = prep.record
    node = NODES[rt.node or ""]
    links = [c.name for c in rt.columns if c.link]
    skip = {node.key, *links}
    for row, rec in good:
        props, temporal = _props(rt, rec, skip, prep.source, row)
        out = {"key": rec[node.key], "props": props, "t": temporal}
        for i, name in enumerate(links):
            out[f"l{i}"] = rec.get(name)
        prep.rows.append(out)


def _shape_relationships(prep: Prepared, good: list[tuple[int, dict[str, Any]]]) -> None:
    rt = prep.record
    rel = RELATIONSHIPS[rt.relationship or ""]
    start_col = next(c.name for c in rt.columns if c.endpoint == "start")
    end_col = next(c.name for c in rt.columns if c.endpoint == "end")
    key_cols = {c.target_prop: c.name for c in rt.columns if c.target_prop in rel.key}
    ends: dict[str, dict[str, tuple[int, dict[str, Any]]]] = defaultdict(dict)
    extras = {col: (label, dict(consts)) for col, label, consts in rt.extra_nodes}
    for row, rec in good:
        s, e = rec[start_col], rec[end_col]
        ends[rel.start].setdefault(s, (row, {}))
        ends[rel.end].setdefault(e, (row, {}))
        for col, (label, consts) in extras.items():
            if rec.get(col) is not None:
                ends[label].setdefault(rec[col], (row, consts))
        props, temporal = _props(
            rt, rec, {start_col, end_col, *key_cols.values()}, prep.source, row
        )
        prep.rows.append(
            {
                "s": s,
                "e": e,
                "rkey": {p: wire(rec[c]) for p, c in key_cols.items()},
                "props": props,
                "t": temporal,
            }
        )
    prep.endpoints = dict(ends)


def reject_frame(rejects: list[Reject]) -> pd.DataFrame:
    """Rejects as the reject file's table."""
    return pd.DataFrame(
        [(r.file, r.row, r.column, r.value, r.reason) for r in rejects],
        columns=["file", "row", "column", "value", "reason"],
    )


def known_record(name: str) -> bool:
    return name in RECORDS

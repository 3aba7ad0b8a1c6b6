"""From a raw file to rows ready for the ingest statements, with every reject explained.

Nothing here touches the database. Keys an earlier file of the same ingest holds are
rejected afterwards, by :mod:`netintel.ingest.keys`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import ConfigDict

from netintel.exceptions import IngestError, InputFileError, MappingError
from netintel.ingest.mapping import (
    FileMapping,
    IngestMapping,
    ReadingOptions,
    check_phone_region,
    check_timezone,
)
from netintel.ingest.normalise import TEMPORAL, convert
from netintel.ingest.read import ROW, RawFile, TimeBound
from netintel.ingest.validate import storable, validate
from netintel.schema import NODES, RECORDS, RELATIONSHIPS, Column, GeneratedKey, RecordType
from netintel.values import is_blank, is_missing

__all__ = ["Options", "Prepared", "Reject", "file_timeout", "options_for", "prepare"]


class Options(ReadingOptions):
    """Ingest-wide reading options, overridden per file by its mapping entry.

    Its fields are those of :class:`~netintel.ingest.mapping.ReadingOptions`; an option left
    ``None`` takes its default when a file is read (:meth:`ReadingOptions.effective`).
    """

    model_config = ConfigDict(frozen=True)

    #: the options the caller gave explicitly (a file entry that overrides one is warned of)
    explicit: frozenset[str] = frozenset()


def options_for(
    mapping: IngestMapping,
    *,
    timezone: str | None = None,
    phone_region: str | None = None,
    file_timeout: float | None = None,
    where: str = "the mapping",
) -> Options:
    """The ingest-wide options: the caller's (``--timezone``, ``--region``) and the mapping's.

    An option given by the caller and set to another value at the top of the mapping
    is a :class:`MappingError` naming both: neither silently wins. A file entry's own
    ``timezone`` or ``phone_region`` is about that file and applies to it (with a
    warning in its report when it differs from the caller's). A time zone or region
    that does not exist is an :class:`IngestError`. The file time bound is the caller's
    (``--file-timeout``), else the mapping's ``file_timeout``, else :data:`FILE_TIMEOUT`.

    Parameters
    ----------
    mapping : IngestMapping
        The ingest's mapping.
    timezone : str or None, default None
        The caller's time zone (``--timezone``).
    phone_region : str or None, default None
        The caller's phone region (``--region``).
    file_timeout : float or None, default None
        The caller's file time bound in seconds (``--file-timeout``; 0 = none).
    where : str, default "the mapping"
        How the mapping is named in messages.

    Returns
    -------
    Options
        The ingest-wide options.

    Raises
    ------
    MappingError
        When the caller and the mapping set an option to different values.
    IngestError
        When the time zone or region does not exist, or the time bound is negative.

    Examples
    --------
    >>> options_for(IngestMapping(timezone="Asia/Shanghai")).timezone
    'Asia/Shanghai'
    >>> options_for(IngestMapping(), timezone="Europe/London", phone_region="gb").phone_region
    'GB'
    >>> options_for(IngestMapping(timezone="Asia/Shanghai"), timezone="UTC")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netintel.exceptions.MappingError: the mapping sets timezone: Asia/Shanghai but the ingest ...
    """
    given: dict[str, str] = {}
    try:
        if timezone is not None:
            given["timezone"] = check_timezone(timezone)
        if phone_region is not None:
            given["phone_region"] = check_phone_region(phone_region)
    except ValueError as err:
        raise IngestError(str(err)) from None
    if file_timeout is not None and not 0 <= file_timeout < float("inf"):
        raise IngestError(f"file_timeout must be 0 (no bound) or seconds, not {file_timeout}")
    flags = {"timezone": "--timezone", "phone_region": "--region"}
    for name, value in given.items():
        theirs = getattr(mapping, name)
        if theirs is not None and theirs != value:
            raise MappingError(
                f"{where} sets {name}: {theirs} but the ingest was given {name} {value} "
                f"({flags[name]}); give one of them, or the same value in both"
            )
    caller = ReadingOptions(
        timezone=given.get("timezone"),
        phone_region=given.get("phone_region"),
        file_timeout=file_timeout,
    )
    return Options(**caller.effective(mapping), explicit=frozenset(given))


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
    """One file, converted and validated, ready to write.

    The rows for the ingest statements are built batch by batch (:meth:`batches`), so a
    million-row file is held once, as columns, not as a million dicts.
    """

    source: str
    record: RecordType
    raw: RawFile
    #: the good rows, converted (one column per schema column present)
    good: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: their row numbers in the file
    good_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: label -> {key: (source_row, extra props)} endpoints a relationship file refers to
    endpoints: dict[str, dict[Any, tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    rejected_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return self.raw.rows_read

    @property
    def rows_loaded(self) -> int:
        return len(self.good)

    def batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """Rows for the ingest statement, ``size`` at a time."""
        end = self.rows_loaded
        shape = _shape_nodes if self.record.node else _shape_relationships
        for start in range(0, end, size):
            stop = min(start + size, end)
            yield shape(self, self.good.iloc[start:stop], self.good_rows[start:stop])

    @property
    def rows(self) -> list[dict[str, Any]]:
        """All rows at once (for small files and tests)."""
        return [r for batch in self.batches(max(self.rows_loaded, 1)) for r in batch]


def _generated_key(key: GeneratedKey, values: tuple[Any, ...]) -> str:
    """The deterministic key of a record that has none (:class:`GeneratedKey`)."""
    text = "|".join("" if v is None else str(v) for v in values)
    return key.prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


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
            if col.default is not None:  # an empty cell takes the schema's default
                empty = data[col.name].map(is_blank)
                data[col.name] = data[col.name].mask(empty.astype(bool), col.default)
        elif col.name in constants:
            data[col.name] = pd.Series(
                [str(constants[col.name])] * len(raw.frame), index=raw.frame.index, dtype=object
            )
            source_of[col.name] = f"constant {col.name}"
        elif col.default is not None:
            data[col.name] = pd.Series(
                [col.default] * len(raw.frame), index=raw.frame.index, dtype=object
            )
            source_of[col.name] = f"default {col.name}"
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


def file_timeout(fm: FileMapping | None, opts: Options) -> float:
    """The time bound of one file: its mapping entry's ``file_timeout``, else the ingest's.

    Parameters
    ----------
    fm : FileMapping or None
        The file's mapping entry, if any.
    opts : Options
        The ingest-wide options.

    Returns
    -------
    float
        Seconds; 0 means no bound.
    """
    return float((fm or ReadingOptions()).effective(opts)["file_timeout"])


def prepare(
    raw: RawFile,
    rt: RecordType,
    fm: FileMapping | None,
    opts: Options,
    *,
    source: str = "",
    bound: TimeBound | None = None,
) -> Prepared:
    """Convert, validate, de-duplicate and shape one file's rows.

    ``source`` names the file in provenance and rejects (default: its file name).

    Parameters
    ----------
    raw : RawFile
        The file's rows as read.
    rt : RecordType
        The file's record type.
    fm : FileMapping or None
        The file's mapping entry, if any.
    opts : Options
        The ingest-wide options (:func:`options_for`).
    source : str, default ""
        The name of the file in provenance and rejects; ``""`` means its file name.
    bound : TimeBound or None, default None
        The file's time bound, checked before each column's values are converted and
        between the checks; None means none.

    Returns
    -------
    Prepared
        The good rows, shaped for the write, and the rejects.

    Raises
    ------
    IngestError
        When the rows read are not all accounted for as loaded or rejected (a bug).
    InputTimeoutError
        When ``bound`` passed (naming the column being checked).
    """
    bound = bound or TimeBound(raw.path, 0)
    checking = "checking its values (every row read)"
    source = source or Path(raw.path).name
    prep = Prepared(source, rt, raw)
    for row, text, reason in raw.parse_rejects:
        prep.rejects.append(Reject(source, row, None, text, reason))
    prep.rejected_rows += len(raw.parse_rejects)

    frame, source_of, unused = _column_frame(raw, rt, fm)
    frame = frame.reset_index(drop=True)
    if unused:
        prep.warnings.append(f"{source}: columns not used: {', '.join(unused)}")
    reading = (fm or ReadingOptions()).effective(opts)
    tz, region = reading["timezone"], reading["phone_region"]
    formats = fm.formats if fm else {}
    if fm is not None:
        prep.warnings += _overridden(source, fm, opts, {"timezone": tz, "phone_region": region})
    rows = np.asarray(raw.frame[ROW].tolist(), dtype=np.int64)
    cells = {name: frame[name].tolist() for name in frame.columns}

    problems: dict[int, list[tuple[str, str]]] = defaultdict(list)  # position -> (col, reason)
    converted: dict[str, pd.Series] = {}
    for name in frame.columns:
        bound.check(column=source_of.get(name, name), doing=checking)
        col = rt.column(name)
        values, errors = convert(
            frame[name],
            col.type,
            fmt=formats.get(name),
            tz=tz,
            phone_region=region,
            phone_raw=reading["phone_format"] == "raw",
            choices=col.choices,
            field=name,
            values=fm.value_map(name) if fm else None,
            ambiguous=reading["ambiguous"],
        )
        converted[name] = values
        failed = np.flatnonzero(errors.notna().to_numpy())
        for pos, reason in zip(failed.tolist(), errors.iloc[failed].tolist(), strict=True):
            problems[pos].append((name, reason))
    typed = pd.DataFrame(converted)
    bound.check(doing=checking)
    for pos, name, reason in [*validate(rt.name, typed), *storable(rt.name, typed)]:
        if not any(c == name for c, _ in problems[pos]):  # one reason per cell
            problems[pos].append((name, reason))
    prep.warnings += _mostly_rejected(source, rt, frame, typed, problems, source_of, formats)
    if rt.generated_key is not None:
        _fill_generated_key(typed, rt)

    bad = np.zeros(len(typed), dtype=bool)
    for pos, found in problems.items():
        bad[pos] = True
        for name, reason in found:
            prep.rejects.append(
                Reject(source, int(rows[pos]), source_of.get(name, name), cells[name][pos], reason)
            )
    bound.check(doing=checking)
    bad |= _duplicates(prep, typed, cells, rows, bad, source_of)
    prep.rejected_rows += int(bad.sum())
    prep.rejects.sort(key=lambda r: r.row)

    prep.good = typed.loc[~bad].reset_index(drop=True)
    prep.good_rows = rows[~bad]
    if rt.relationship:
        prep.endpoints = _endpoints(rt, prep.good, prep.good_rows)
    if prep.rows_loaded + prep.rejected_rows != prep.rows_read:  # pragma: no cover - a bug
        raise IngestError(
            f"{raw.path}: accounting error: {prep.rows_read} rows read but "
            f"{prep.rows_loaded} loaded + {prep.rejected_rows} rejected"
        )
    return prep


def _overridden(
    source: str, fm: FileMapping, opts: Options, used: dict[str, str | None]
) -> list[str]:
    """Warnings for the options the caller gave that this file's mapping entry overrides."""
    return [
        f"{source}: {name} {used[name]} from the mapping entry {fm.match!r}, "
        f"not {getattr(opts, name)} as given to the ingest"
        for name in ("timezone", "phone_region")
        if name in opts.explicit and getattr(fm, name) and used[name] != getattr(opts, name)
    ]


#: reject reasons that do not say the value is in the wrong form
_NOT_FORM = ("required value is missing",)


def _mostly_rejected(
    source: str,
    rt: RecordType,
    frame: pd.DataFrame,
    typed: pd.DataFrame,
    problems: dict[int, list[tuple[str, str]]],
    source_of: dict[str, str],
    formats: dict[str, str],
) -> list[str]:
    """A warning per column whose values are mostly rejected (more than half of the
    non-empty ones): a whole column in the wrong form is a mapping mistake, not bad rows."""
    bad: dict[str, int] = defaultdict(int)
    for found in problems.values():
        for name, reason in found:
            if reason not in _NOT_FORM:
                bad[name] += 1
    out = []
    for name, n in bad.items():
        if n * 2 <= n + int(typed[name].notna().sum()):  # at least that many are filled
            continue
        cells = frame[name]
        filled = int((cells.notna() & ~cells.astype(object).map(is_blank).astype(bool)).sum())
        if n * 2 <= filled:
            continue
        src = source_of.get(name, name)
        hint = _likely_cause(rt.column(name), formats.get(name))
        out.append(
            f"{source}: {n} of {filled} values of column {src!r} rejected"
            + (f" — {hint}" if hint else "")
        )
    return out


def _likely_cause(col: Column, fmt: str | None) -> str:
    """What a column rejected as a whole most likely means, and the mapping key to fix it."""
    name = col.name
    if col.type in TEMPORAL:
        example = "'2024-05-01T10:00'" if col.type == "datetime" else "'2024-05-01'"
        expected = f"formats.{name} {fmt!r}" if fmt else f"ISO 8601, e.g. {example}"
        fix = f"fix formats.{name}" if fmt else f"set formats.{name}"
        return f"probably the wrong date format: expected {expected}; {fix} in the mapping"
    if col.type == "phone":
        return (
            "probably national numbers without a region: set phone_region in the mapping "
            "(or --region), or phone_format: raw to keep identifiers as given"
        )
    if col.type in ("enum", "bool", "list"):
        return (
            "probably values in another language or spelling: "
            f"translate them with values.{name} in the mapping"
        )
    if col.type in ("int", "float"):
        return "probably the wrong number format (a decimal comma, units in the cell?)"
    return ""


def _same(a: Any, b: Any) -> bool:
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    return bool(a == b)


def _duplicates(
    prep: Prepared,
    typed: pd.DataFrame,
    cells: dict[str, list[Any]],
    rows: np.ndarray,
    bad: np.ndarray,
    source_of: dict[str, str],
) -> np.ndarray:
    """Reject later rows whose key repeats an earlier good row (same values, or conflicting)."""
    keys = list(prep.record.key_columns)
    dup = np.zeros(len(typed), dtype=bool)
    candidates = typed.loc[~bad, keys]
    repeated = candidates.duplicated(keep=False)
    if not repeated.any():
        return dup
    first: dict[tuple[Any, ...], int] = {}
    for pos, key in zip(
        candidates.index[repeated],
        candidates.loc[repeated].itertuples(index=False, name=None),
        strict=True,
    ):
        if key not in first:
            first[key] = pos
            continue
        orig = first[key]
        differ = [c for c in typed.columns if not _same(typed[c].iat[orig], typed[c].iat[pos])]
        if differ:
            column: str | None = source_of.get(differ[0], differ[0])
            reason = (
                f"key {', '.join(str(k) for k in key)} conflicts with row {rows[orig]} on "
                f"{', '.join(source_of.get(d, d) for d in differ)}"
            )
        else:
            column, reason = None, f"duplicate of row {rows[orig]}"
        value = cells[keys[0]][pos] if keys[0] in cells else None
        prep.rejects.append(Reject(prep.source, int(rows[pos]), column, value, reason))
        dup[pos] = True
    return dup


def _fill_generated_key(typed: pd.DataFrame, rt: RecordType) -> None:
    """Fill the empty cells of the record type's generated key column (see
    :class:`~netintel.schema.GeneratedKey`); date-times are hashed in ISO 8601."""
    key = rt.generated_key
    if key is None:
        return
    if key.column not in typed.columns:
        typed[key.column] = pd.Series(None, index=typed.index, dtype=object)
    missing = typed[key.column].isna()
    if not missing.any():
        return
    sub = typed.loc[missing]
    columns = []
    for name in key.sources:
        if name not in sub:
            columns.append([None] * len(sub))
        elif rt.column(name).type in TEMPORAL:
            columns.append([None if is_missing(t) else t.isoformat() for t in sub[name]])
        else:
            columns.append(sub[name].tolist())
    ids = [_generated_key(key, values) for values in zip(*columns, strict=True)]
    typed.loc[missing, key.column] = pd.Series(ids, index=sub.index, dtype=object)


def _wire_column(series: pd.Series, type_: str) -> list[Any]:
    """A converted column as the statements take it (temporal: epoch ms or ISO date)."""
    if type_ == "datetime":
        ms = series.to_numpy(dtype="datetime64[ms]", na_value=np.datetime64("NaT"))
        nat = np.isnat(ms)
        out = ms.astype(np.int64).astype(object)
        out[nat] = None
        return out.tolist()
    if type_ == "date":
        text = series.dt.strftime("%Y-%m-%d")
        return [None if pd.isna(v) else v for v in text.tolist()]
    return [None if is_missing(v) else v for v in series.tolist()]


def _prop_rows(
    prep: Prepared, good: pd.DataFrame, rows: np.ndarray, skip: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Per row: plain properties with provenance, and temporal ones (missing values dropped)."""
    rt = prep.record
    plain = [
        (rt.column(c).target_prop, _wire_column(good[c], rt.column(c).type))
        for c in good.columns
        if c not in skip and rt.column(c).type not in TEMPORAL
    ]
    temporal = [
        (rt.column(c).target_prop, _wire_column(good[c], rt.column(c).type))
        for c in good.columns
        if c not in skip and rt.column(c).type in TEMPORAL
    ]
    plain_names = [n for n, _ in plain]
    temporal_names = [n for n, _ in temporal]
    props = [  # the file name and run id go once per batch, as statement parameters
        {
            "source_row": row,
            **{k: v for k, v in zip(plain_names, vals, strict=True) if v is not None},
        }
        for row, *vals in zip(rows.tolist(), *(v for _, v in plain), strict=True)
    ]
    if temporal:
        times = [
            {k: v for k, v in zip(temporal_names, vals, strict=True) if v is not None}
            for vals in zip(*(v for _, v in temporal), strict=True)
        ]
    else:
        times = [{} for _ in range(len(good))]
    return props, times


def _shape_nodes(prep: Prepared, good: pd.DataFrame, rows: np.ndarray) -> list[dict[str, Any]]:
    rt = prep.record
    node = NODES[rt.node or ""]
    all_links = [c.name for c in rt.columns if c.link]
    props, times = _prop_rows(prep, good, rows, {node.key, *all_links})
    none = [None] * len(good)
    links = [_wire_column(good[n], "str") if n in good.columns else none for n in all_links]
    out = []
    for i, (key, p, t) in enumerate(zip(good[node.key].tolist(), props, times, strict=True)):
        row: dict[str, Any] = {"key": key, "props": p, "temporal": t}
        row["links"] = {name: values[i] for name, values in zip(all_links, links, strict=True)}
        out.append(row)
    return out


def _rel_columns(rt: RecordType) -> tuple[str, str, dict[str, str]]:
    rel = RELATIONSHIPS[rt.relationship or ""]
    start_col = next(c.name for c in rt.columns if c.endpoint == "start")
    end_col = next(c.name for c in rt.columns if c.endpoint == "end")
    key_cols = {c.target_prop: c.name for c in rt.columns if c.target_prop in rel.key}
    return start_col, end_col, key_cols


def _shape_relationships(
    prep: Prepared, good: pd.DataFrame, rows: np.ndarray
) -> list[dict[str, Any]]:
    rt = prep.record
    start_col, end_col, key_cols = _rel_columns(rt)
    props, times = _prop_rows(prep, good, rows, {start_col, end_col, *key_cols.values()})
    rkeys = (
        [
            dict(zip(key_cols, vals, strict=True))
            for vals in zip(
                *(_wire_column(good[c], rt.column(c).type) for c in key_cols.values()), strict=True
            )
        ]
        if key_cols
        else [{} for _ in range(len(good))]
    )
    return [
        {"start": s, "end": e, "rkey": k, "props": p, "temporal": t}
        for s, e, k, p, t in zip(
            good[start_col].tolist(), good[end_col].tolist(), rkeys, props, times, strict=True
        )
    ]


def _endpoints(
    rt: RecordType, good: pd.DataFrame, rows: np.ndarray
) -> dict[str, dict[Any, tuple[int, dict[str, Any]]]]:
    """The nodes a relationship file refers to: key -> (first row naming it, extra props)."""
    rel = RELATIONSHIPS[rt.relationship or ""]
    start_col, end_col, _ = _rel_columns(rt)
    ends: dict[str, dict[Any, tuple[int, dict[str, Any]]]] = defaultdict(dict)
    sources: list[tuple[str, str, dict[str, Any]]] = [
        (start_col, rel.start, {}),
        (end_col, rel.end, {}),
    ]
    sources += [(col, label, dict(consts)) for col, label, consts in rt.extra_nodes]
    for col, label, extra in sources:
        if col not in good.columns:
            continue
        firsts = pd.DataFrame({"k": good[col], "row": rows}).dropna().drop_duplicates("k")
        target = ends[label]
        for key, row in zip(firsts["k"].tolist(), firsts["row"].tolist(), strict=True):
            if key not in target or row < target[key][0]:
                target[key] = (row, extra)
    return dict(ends)


def reject_frame(rejects: list[Reject]) -> pd.DataFrame:
    """Rejects as the reject file's table."""
    return pd.DataFrame(
        [(r.file, r.row, r.column, r.value, r.reason) for r in rejects],
        columns=["file", "row", "column", "value", "reason"],
    )


def known_record(name: str) -> bool:
    return name in RECORDS

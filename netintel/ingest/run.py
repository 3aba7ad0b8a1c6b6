"""The ingest: read and check every input, then write it to Neo4j in batches.

Usage (with a driver from ``netintel.config.driver()``)::

    report = ingest("data/", driver=driver, mapping="map.yaml")
    assert report.ok  # every file: rows read = rows loaded + rows rejected
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from collections.abc import Mapping as MappingABC
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
from tqdm.auto import tqdm

from netintel import __version__
from netintel.db import apply_schema, run_query, server_version
from netintel.exceptions import IngestError, InputFileError
from netintel.ingest.mapping import FileMapping, Mapping, load_mapping
from netintel.ingest.networks import (  # ties: matrices, edge lists, GraphML, GEXF
    NETWORK_SUFFIXES,
    add_listed_persons,
    is_network,
    read_network,
    record_for,
)
from netintel.ingest.prepare import (
    Prepared,
    options_for,
    prepare,
    reject_across_files,
    reject_frame,
)
from netintel.ingest.read import RawFile, frame_as_raw, read_file
from netintel.ingest.statements import endpoint_statement, node_statement, relationship_statement
from netintel.schema import LOAD_ORDER, RECORDS, record

__all__ = ["FileReport", "IngestReport", "ingest"]

SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", *NETWORK_SUFFIXES)


@dataclass(frozen=True)
class FileReport:
    """The accounting of one input: rows read = rows loaded + rows rejected."""

    source: str
    record: str
    encoding: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    reject_file: str | None
    seconds: float
    warnings: tuple[str, ...] = ()
    #: seconds spent reading and checking (no database) and writing
    prepare_seconds: float = 0.0
    write_seconds: float = 0.0

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_rejected


@dataclass(frozen=True)
class IngestReport:
    """What an ingest read, loaded and rejected, file by file."""

    run_id: str
    files: tuple[FileReport, ...]
    started: datetime
    seconds: float
    neo4j_version: str
    netintel_version: str
    reject_dir: str | None
    skipped: tuple[str, ...] = field(default=())

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def ok(self) -> bool:
        """Every file balances (read = loaded + rejected)."""
        return all(f.balanced for f in self.files)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{k: v for k, v in asdict(f).items() if k != "warnings"} for f in self.files]
        )

    def to_json(self) -> str:
        d = asdict(self)
        d["started"] = self.started.isoformat()
        return json.dumps(d, indent=2)

    def __str__(self) -> str:
        lines = [f"ingest run {self.run_id}: {len(self.files)} files in {self.seconds:.1f} s"]
        for f in self.files:
            lines.append(
                f"  {Path(f.source).name:<28} {f.record:<14} read {f.rows_read:>9,}  loaded "
                f"{f.rows_loaded:>9,}  rejected {f.rows_rejected:>7,}"
            )
        lines.append(
            f"  {'total':<43} read {self.rows_read:>9,}  loaded {self.rows_loaded:>9,}  "
            f"rejected {self.rows_rejected:>7,}"
        )
        if self.rows_rejected and self.reject_dir:
            lines.append(f"  rejects written to {self.reject_dir}")
        for s in self.skipped:
            lines.append(f"  skipped {s}")
        return "\n".join(lines)


Source = str | Path | pd.DataFrame


def _discover(
    sources: Source | Iterable[Source] | MappingABC[str, pd.DataFrame], mapping: Mapping
) -> tuple[list[tuple[RawFile | Path, str, FileMapping | None]], list[str]]:
    """Pair every input with its record type and mapping entry."""
    if isinstance(sources, MappingABC):
        return [
            (frame_as_raw(f"{name} (DataFrame)", df), record(name).name, None)
            for name, df in sources.items()
        ], []
    if isinstance(sources, (str, Path, pd.DataFrame)):
        sources = [sources]
    found: list[tuple[RawFile | Path, str, FileMapping | None]] = []
    skipped: list[str] = []
    for src in sources:
        if isinstance(src, pd.DataFrame):
            raise IngestError("pass DataFrames as a dict {record type: frame}")
        p = Path(src)
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if not f.is_file() or f.suffix.lower() not in SUFFIXES:
                    continue
                fm = mapping.for_file(f)
                name = record_for(f, fm)
                if name in RECORDS:
                    found.append((f, name, fm))
                else:
                    skipped.append(f"{f}: not a record type and not in the mapping")
        elif p.is_file():
            fm = mapping.for_file(p)
            name = record_for(p, fm)
            if name not in RECORDS:
                raise InputFileError(
                    str(p),
                    f"cannot tell the record type: name the file after one of "
                    f"{', '.join(sorted(RECORDS))}, or give it an entry in the mapping",
                )
            found.append((p, name, fm))
        else:
            raise InputFileError(str(p), "no such file or folder")
    order = {n: i for i, n in enumerate(LOAD_ORDER)}
    found.sort(key=lambda t: order[t[1]])
    return found, skipped


def _source_names(found: list[tuple[RawFile | Path, str, FileMapping | None]]) -> list[str]:
    """How provenance and reject files name each input: its file name, or, when two inputs
    share a file name, its path below their common folder (``north/calls.csv``)."""
    paths = [Path(src.path) if isinstance(src, RawFile) else src for src, _, _ in found]
    names = [p.name for p in paths]
    if len(set(names)) == len(names):
        return names
    full = [p.resolve() for p in paths]
    common = Path(os.path.commonpath([str(p.parent) for p in full]))
    return [p.relative_to(common).as_posix() for p in full]


def _run_id(prepared: list[Prepared], options: dict[str, Any]) -> str:
    h = hashlib.sha256()
    for p in sorted(prepared, key=lambda p: (p.record.name, p.raw.sha256)):
        h.update(f"{p.record.name}:{p.raw.sha256};".encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    h.update(__version__.encode())
    return "ingest-" + h.hexdigest()[:16]


def _batches(rows: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _prefetched(batches: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """Build the next batch in a worker thread while the database works on this one."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="netintel-batch") as pool:
        upcoming = pool.submit(next, batches, None)
        while (batch := upcoming.result()) is not None:
            upcoming = pool.submit(next, batches, None)
            yield batch


def _write(
    driver: neo4j.Driver,
    prep: Prepared,
    run_id: str,
    batch_size: int,
    database: str | None,
    bar: Any,
    limit: int | None = None,
) -> None:
    """Write one prepared file: its endpoint nodes, then its rows (the first ``limit``)."""

    def tx_run(tx: neo4j.ManagedTransaction, stmt: str, batch: list[Any]) -> None:
        tx.run(stmt, rows=batch, run=run_id, source=prep.source).consume()

    with driver.session(database=database) as session:
        for label, keys in prep.endpoints.items():
            stmt = endpoint_statement(label)
            rows = [{"key": k, "source_row": r, "extra": extra} for k, (r, extra) in keys.items()]
            for batch in _batches(rows, batch_size):
                session.execute_write(tx_run, stmt, batch)
        stmt = (
            node_statement(prep.record.name)
            if prep.record.node
            else relationship_statement(prep.record.name)
        )
        for batch in _prefetched(prep.batches(batch_size, limit=limit)):
            session.execute_write(tx_run, stmt, batch)
            bar.update(len(batch))


def ingest(
    sources: Source | Iterable[Source] | MappingABC[str, pd.DataFrame],
    *,
    driver: neo4j.Driver,
    mapping: str | Path | Mapping | None = None,
    reject_dir: str | Path | None = None,
    timezone: str | None = None,
    phone_region: str | None = None,
    batch_size: int = 10_000,
    database: str | None = None,
    progress: bool = True,
) -> IngestReport:
    """Load input files (or DataFrames) into Neo4j and account for every row.

    ``sources``: a folder, files, or ``{record type: DataFrame}``. Every input
    is read and validated before anything is written; a file that cannot be read
    raises :class:`InputFileError` and nothing is loaded. Rejected rows go to
    ``<reject_dir>/<file>.rejects.csv`` (file, row, column, value, reason);
    ``reject_dir`` defaults to ``rejects/`` beside the first input file.
    Re-running the same ingest gives the same graph.

    ``timezone`` (of naive date-times; default the mapping's, else UTC) and
    ``phone_region`` (for national numbers; default the mapping's) must agree with the
    mapping's top-level values when both are given: a conflict is a
    :class:`MappingError`, an unknown zone or region an :class:`IngestError`
    (see :func:`netintel.ingest.prepare.options_for`).
    """
    t0 = time.perf_counter()
    started = datetime.now(UTC)
    if mapping is None:
        mapping_ = Mapping()
    elif isinstance(mapping, Mapping):
        mapping_ = mapping
    else:
        mapping_ = load_mapping(mapping)
    opts = options_for(
        mapping_,
        timezone=timezone,
        phone_region=phone_region,
        where=f"the mapping {mapping}" if isinstance(mapping, (str, Path)) else "the mapping",
    )
    found, skipped = _discover(sources, mapping_)
    if not found:
        raise IngestError(
            "no input files found (expected files named after record types, "
            f"e.g. calls.csv, or entries in the mapping): {sources}"
        )

    prepared: list[Prepared] = []
    timings: list[float] = []
    for (src, name, fm), source in zip(found, _source_names(found), strict=True):
        t = time.perf_counter()
        raw = (
            src
            if isinstance(src, RawFile)
            else read_network(src, fm)
            if is_network(src, fm)
            else read_file(
                src,
                encoding=fm.encoding if fm else None,
                delimiter=fm.delimiter if fm else ",",
                sheet=fm.sheet if fm else 0,
            )
        )
        prepared.append(prepare(raw, RECORDS[name], fm, opts, source=source))
        timings.append(time.perf_counter() - t)

    reject_across_files(prepared)
    add_listed_persons(prepared)

    options = {
        "mapping": mapping_.model_dump(),
        "timezone": opts.timezone,
        "phone_region": opts.phone_region,
    }
    run_id = _run_id(prepared, options)
    if reject_dir is None:
        first = next((s for s, _, _ in found if isinstance(s, Path)), None)
        reject_dir = (first.parent / "rejects") if first else Path("rejects")
    rdir = Path(reject_dir)

    version = server_version(driver, database=database)
    apply_schema(driver, database=database)
    file_reports: list[FileReport] = []
    _record_run(
        driver, run_id, started, None, 0.0, "running", prepared, [], version, options, database
    )
    total = sum(p.rows_loaded for p in prepared)
    with tqdm(
        total=total, unit="row", desc="ingest", disable=not progress, dynamic_ncols=True
    ) as bar:
        for prep, t_prep in zip(prepared, timings, strict=True):
            t = time.perf_counter()
            bar.set_postfix_str(prep.source)
            _write(driver, prep, run_id, batch_size, database, bar)
            reject_file = None
            if prep.rejects:
                rdir.mkdir(parents=True, exist_ok=True)
                reject_path = rdir / f"{prep.source.replace('/', '__')}.rejects.csv"
                reject_frame(prep.rejects).to_csv(reject_path, index=False)
                reject_file = str(reject_path)
            file_reports.append(
                FileReport(
                    source=prep.raw.path,
                    record=prep.record.name,
                    encoding=prep.raw.encoding,
                    sha256=prep.raw.sha256,
                    rows_read=prep.rows_read,
                    rows_loaded=prep.rows_loaded,
                    rows_rejected=prep.rejected_rows,
                    reject_file=reject_file,
                    seconds=round(t_prep + time.perf_counter() - t, 3),
                    warnings=tuple(prep.warnings),
                    prepare_seconds=round(t_prep, 3),
                    write_seconds=round(time.perf_counter() - t, 3),
                )
            )
    seconds = time.perf_counter() - t0
    _record_run(
        driver,
        run_id,
        started,
        datetime.now(UTC),
        seconds,
        "complete",
        prepared,
        file_reports,
        version,
        options,
        database,
    )
    return IngestReport(
        run_id=run_id,
        files=tuple(file_reports),
        started=started,
        seconds=round(seconds, 3),
        neo4j_version=version,
        netintel_version=__version__,
        reject_dir=str(rdir) if any(f.reject_file for f in file_reports) else None,
        skipped=tuple(skipped),
    )


def _record_run(
    driver: neo4j.Driver,
    run_id: str,
    started: datetime,
    finished: datetime | None,
    seconds: float,
    status: str,
    prepared: list[Prepared],
    reports: list[FileReport],
    version: str,
    options: dict[str, Any],
    database: str | None,
) -> None:
    run_query(
        driver,
        "upsert_ingest_run",
        database=database,
        write=True,
        run_id=run_id,
        started=started,
        finished=finished,
        seconds=seconds,
        status=status,
        files=[p.raw.path for p in prepared],
        records=[p.record.name for p in prepared],
        sha256=[p.raw.sha256 for p in prepared],
        rows_read=[p.rows_read for p in prepared],
        rows_loaded=[p.rows_loaded for p in prepared],
        rows_rejected=[p.rejected_rows for p in prepared],
        reject_files=[r.reject_file or "" for r in reports],
        file_seconds=[r.seconds for r in reports],
        netintel_version=__version__,
        neo4j_version=version,
        options=json.dumps(options, sort_keys=True, default=str),
    )

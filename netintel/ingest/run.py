"""The ingest: look at every input, then read, check and write them one at a time.

Usage (with a driver from ``netintel.config.driver()``)::

    report = ingest("data/", driver=driver, mapping="map.yaml")
    assert report.ok  # every file: rows read = rows loaded + rows rejected
    report = check("data/", mapping="map.yaml")  # the same, without a database

An ingest streams: a first pass reads only each file's header (and checks that all of
it decodes), so a file that cannot be read stops the ingest before anything is
written; then each input is read, prepared, written and let go before the next. The
memory held is that of the largest input, plus 24 bytes and 2 per column for each loaded
row of the earlier inputs of the same record type (:class:`netintel.ingest.keys.SeenKeys`).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, overload

import neo4j
import pandas as pd
from tqdm.auto import tqdm

from netintel import __version__
from netintel.db import apply_schema, run_query, server_version
from netintel.exceptions import (
    IngestError,
    IngestLockedError,
    IngestWriteError,
    InputFileError,
    UndoUnfinishedError,
)
from netintel.ingest.keys import SeenKeys, reject_call_id_clashes
from netintel.ingest.mapping import FileMapping, IngestMapping, load_mapping
from netintel.ingest.networks import (  # ties: matrices, edge lists, GraphML, GEXF
    NETWORK_SUFFIXES,
    add_listed_persons,
    is_network,
    read_network,
    record_for,
)
from netintel.ingest.prepare import (
    Options,
    Prepared,
    _column_frame,
    file_timeout,
    options_for,
    prepare,
    reject_frame,
)
from netintel.ingest.read import (
    ROW,
    WORKBOOK_SUFFIXES,
    Header,
    RawFile,
    TimeBound,
    frame_as_raw,
    read_file,
    read_header,
    workbook_sheets,
)
from netintel.ingest.statements import (
    create_statement,
    endpoint_statement,
    node_statement,
    relationship_statement,
)
from netintel.outfiles import write_csv
from netintel.schema import (
    ALL_PROVENANCE,
    LOAD_ORDER,
    NODES,
    RECORDS,
    RELATIONSHIPS,
    RecordType,
    record,
)

__all__ = ["FileReport", "IngestReport", "Skipped", "check", "ingest"]

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
    #: the workbook sheet (None for text files and DataFrames)
    sheet: str | None = None
    #: the delimiter a text file was split on
    delimiter: str = ""
    #: values the graph held that the file's rows changed (each recorded as a ValueChange)
    values_changed: int = 0

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_rejected


@dataclass(frozen=True)
class Skipped:
    """An input file, or a sheet of a workbook, that the ingest did not read, and why."""

    source: str
    sheet: str | None
    reason: str

    def __str__(self) -> str:
        sheet = f" sheet {self.sheet!r}" if self.sheet is not None else ""
        return f"{self.source}{sheet}: {self.reason}"


class _FileTotal:
    """A report's read-only count: the sum over its files of their count of that name."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, report: None, owner: type | None = None) -> _FileTotal: ...

    @overload
    def __get__(self, report: IngestReport, owner: type | None = None) -> int: ...

    def __get__(self, report: IngestReport | None, owner: type | None = None) -> int | _FileTotal:
        if report is None:  # looked up on the class (documentation tools do)
            return self
        return int(sum(getattr(f, self.name) for f in report.files))


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
    skipped: tuple[Skipped, ...] = field(default=())
    #: True for :func:`check`: nothing was written, ``rows_loaded`` would load
    checked_only: bool = False
    #: seconds per phase of a bulk load (prepare, files, stop, import, start, schema)
    phases: Mapping[str, float] = field(default_factory=dict)

    rows_read = _FileTotal()
    rows_loaded = _FileTotal()
    rows_rejected = _FileTotal()
    values_changed = _FileTotal()

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
        d["rows_read"], d["rows_loaded"] = self.rows_read, self.rows_loaded
        d["rows_rejected"] = self.rows_rejected
        d["values_changed"] = self.values_changed
        return json.dumps(d, indent=2)

    def __str__(self) -> str:
        what = "check (nothing written)" if self.checked_only else "ingest run"
        lines = [f"{what} {self.run_id}: {len(self.files)} files in {self.seconds:.1f} s"]
        loaded = "would load" if self.checked_only else "loaded"
        for f in self.files:
            name = Path(f.source).name + (f"[{f.sheet}]" if f.sheet is not None else "")
            lines.append(
                f"  {name:<28} {f.record:<14} read {f.rows_read:>9,}  {loaded} "
                f"{f.rows_loaded:>9,}  rejected {f.rows_rejected:>7,}"
            )
        lines.append(
            f"  {'total':<43} read {self.rows_read:>9,}  {loaded} {self.rows_loaded:>9,}  "
            f"rejected {self.rows_rejected:>7,}"
        )
        if self.rows_rejected and self.reject_dir:
            lines.append(f"  rejects written to {self.reject_dir}")
        if self.values_changed:
            lines.append(
                f"  changed {self.values_changed:,} values the graph already held "
                f"(netintel changes {self.run_id})"
            )
        for s in self.skipped:
            lines.append(f"  skipped {s}")
        return "\n".join(lines)


Source = str | Path | pd.DataFrame
Sources = Source | Iterable[Source] | Mapping[str, pd.DataFrame]


@dataclass
class _Input:
    """One table to load: a text file, a sheet of a workbook, or a DataFrame."""

    path: Path | None
    record: str
    fm: FileMapping | None
    sheet: str | None = None
    raw: RawFile | None = None  # DataFrames come read
    source: str = ""
    header: Header | None = None

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else self.raw.path if self.raw else ""


def _workbook(
    p: Path, mapping: IngestMapping, explicit: bool
) -> tuple[list[_Input], list[Skipped]]:
    """Each sheet of a workbook: the first mapping entry naming it, else the record type
    it is named after, else (no entry for the workbook at all) the record type the file is
    named after for its first sheet; any other sheet is skipped."""
    sheets = workbook_sheets(p)
    claimed: dict[str, FileMapping] = {}
    entries = mapping.entries_for(p)
    for fm in entries:
        if isinstance(fm.sheet, int):
            if not 0 <= fm.sheet < len(sheets):
                raise InputFileError(
                    str(p),
                    f"the mapping entry {fm.match!r} ({fm.record}) names sheet number "
                    f"{fm.sheet}; the sheets are: {', '.join(sheets)}",
                )
            name = sheets[fm.sheet]
        elif fm.sheet in sheets:
            name = fm.sheet
        else:
            raise InputFileError(
                str(p),
                f"the mapping entry {fm.match!r} ({fm.record}) names sheet {fm.sheet!r}; "
                f"the sheets are: {', '.join(sheets)}",
            )
        claimed.setdefault(name, fm)
    found, skipped = [], []
    for i, name in enumerate(sheets):
        if name in claimed:
            found.append(_Input(p, claimed[name].record, claimed[name], name))
        elif name in RECORDS:
            found.append(_Input(p, name, None, name))
        elif i == 0 and not entries and p.stem in RECORDS:
            found.append(_Input(p, p.stem, None, name))
        else:
            skipped.append(
                Skipped(
                    str(p),
                    name,
                    "no mapping entry names this sheet and it is not named after a record type",
                )
            )
    if explicit and not found:
        raise InputFileError(
            str(p),
            f"cannot tell the record type of any sheet ({', '.join(sheets)}): name a sheet "
            "or the file after a record type, or give the sheets entries in the mapping",
        )
    return found, skipped


def _discover(sources: Sources, mapping: IngestMapping) -> tuple[list[_Input], list[Skipped]]:
    """Pair every input table with its record type and mapping entry, in load order."""
    if isinstance(sources, Mapping):
        return [
            _Input(None, record(name).name, None, raw=frame_as_raw(f"{name} (DataFrame)", df))
            for name, df in sources.items()
        ], []
    if isinstance(sources, (str, Path, pd.DataFrame)):
        sources = [sources]
    found: list[_Input] = []
    skipped: list[Skipped] = []
    for src in sources:
        if isinstance(src, pd.DataFrame):
            raise IngestError("pass DataFrames as a dict {record type: frame}")
        p = Path(src)
        if p.is_dir():
            for f in sorted(p.iterdir()):
                if f.name.startswith((".", "~$")):
                    continue  # hidden files, and the lock files of open Office documents
                if f.is_dir():
                    skipped.append(
                        Skipped(str(f), None, "a folder: subfolders are not read (give it too)")
                    )
                    continue
                if not f.is_file():
                    continue
                if f.suffix.lower() not in SUFFIXES:
                    skipped.append(
                        Skipped(str(f), None, f"not a table file ({', '.join(SUFFIXES)})")
                    )
                elif f.suffix.lower() in WORKBOOK_SUFFIXES:
                    more, skip = _workbook(f, mapping, explicit=False)
                    found += more
                    skipped += skip
                else:
                    fm = mapping.for_file(f)
                    name = record_for(f, fm)
                    if name in RECORDS:
                        found.append(_Input(f, name, fm))
                    else:
                        skipped.append(
                            Skipped(
                                str(f), None, "not named after a record type and not in the mapping"
                            )
                        )
        elif p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES:
            more, skip = _workbook(p, mapping, explicit=True)
            found += more
            skipped += skip
        elif p.is_file():
            fm = mapping.for_file(p)
            name = record_for(p, fm)
            if name not in RECORDS:
                raise InputFileError(
                    str(p),
                    f"cannot tell the record type: name the file after one of "
                    f"{', '.join(sorted(RECORDS))}, or give it an entry in the mapping",
                )
            found.append(_Input(p, name, fm))
        else:
            raise InputFileError(str(p), "no such file or folder")
    order = {n: i for i, n in enumerate(LOAD_ORDER)}
    found.sort(key=lambda t: order[t.record])
    return found, skipped


def _source_names(found: list[_Input]) -> list[str]:
    """How provenance and reject files name each input: its file name, or, when two files
    share a file name, its path below their common folder (``north/calls.csv``); a sheet
    of a workbook adds ``[sheet]`` (``case.xlsx[人员]``)."""
    paths = [t.path if t.path is not None else Path(t.name) for t in found]
    names = [p.name for p in paths]
    if len(set(names)) < len(set(map(str, paths))):
        full = [p.resolve() for p in paths]
        common = Path(os.path.commonpath([str(p.parent) for p in full]))
        names = [p.relative_to(common).as_posix() for p in full]
    return [
        n + (f"[{t.sheet}]" if t.sheet is not None else "")
        for n, t in zip(names, found, strict=True)
    ]


def _survey(inp: _Input, opts: Options) -> None:
    """The first pass: read the input's header and check the columns it must have."""
    if inp.raw is not None:
        inp.header = Header(inp.raw.path, inp.raw.sha256, tuple(inp.raw.frame.columns), "dataframe")
        return
    assert inp.path is not None
    fm = inp.fm
    if is_network(inp.path, fm):  # matrices, edge lists, graphs: read whole (they are small)
        inp.raw = read_network(inp.path, fm)
        inp.header = Header(inp.raw.path, inp.raw.sha256, tuple(inp.raw.frame.columns), "network")
        return
    inp.header = read_header(
        inp.path,
        encoding=fm.encoding if fm else None,
        delimiter=fm.delimiter if fm else None,
        sheet=inp.sheet if inp.sheet is not None else 0,
        bound=TimeBound(inp.path, file_timeout(fm, opts)),
    )
    columns = [c for c in inp.header.columns if c != ROW]
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in [*dict.fromkeys(columns), ROW]})
    raw = RawFile(inp.header.path, empty, inp.header.encoding, inp.header.sha256, 0)
    _column_frame(raw, RECORDS[inp.record], fm)  # InputFileError: a required column missing


def _read(inp: _Input, bound: TimeBound) -> RawFile:
    if inp.raw is not None:
        return inp.raw
    assert inp.path is not None
    fm = inp.fm
    return read_file(
        inp.path,
        encoding=fm.encoding if fm else None,
        delimiter=fm.delimiter if fm else None,
        sheet=inp.sheet if inp.sheet is not None else 0,
        bound=bound,
    )


def _run_id(found: list[_Input], options: dict[str, Any]) -> str:
    h = hashlib.sha256()
    parts = []
    for t in found:
        assert t.header is not None
        sheet = f"[{t.sheet}]" if t.sheet is not None else ""
        parts.append(f"{t.record}:{t.header.sha256}{sheet};")
    for part in sorted(parts):
        h.update(part.encode())
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
    *,
    fresh: bool = False,
    kept: set[str] | None = None,
    changed: list[dict[str, Any]] | None = None,
) -> None:
    """Write one prepared file: its endpoint nodes, then its rows.

    ``kept`` collects, batch by batch as it is written, the element ids of the nodes and
    relationships the rows updated rather than created (the statements return them):
    :func:`_undo_file` leaves those. ``changed`` collects the rows that changed a value
    the graph held (one dict per row, as the statements return it; see
    :func:`_value_changes`).

    ``fresh``: the database held no call when the ingest started, so the calls are
    created, not merged (:func:`~netintel.ingest.statements.create_statement`): no
    earlier file of the run holds their keys (:class:`SeenKeys` rejected those).
    """

    def tx_run(
        tx: neo4j.ManagedTransaction, stmt: str, batch: list[Any]
    ) -> list[tuple[list[str], dict[str, Any] | None]]:
        result = tx.run(
            stmt, rows=batch, run=run_id, source=prep.source, provenance=list(ALL_PROVENANCE)
        )
        # per row the graph held before: what it held, and the values the row changed
        return [(record["ids"], record["change"]) for record in result]

    with driver.session(database=database) as session:
        for label, keys in prep.endpoints.items():
            stmt = endpoint_statement(label)
            rows = [{"key": k, "source_row": r, "extra": extra} for k, (r, extra) in keys.items()]
            for batch in _batches(rows, batch_size):
                session.execute_write(tx_run, stmt, batch)  # returns no rows
        if prep.record.node:
            stmt = node_statement(prep.record.name)
        elif fresh and prep.record.graph_unique:
            stmt = create_statement(prep.record.name)
        else:
            stmt = relationship_statement(prep.record.name)
        for batch in _prefetched(prep.batches(batch_size)):
            held = session.execute_write(tx_run, stmt, batch)
            for ids, change in held:
                if kept is not None:
                    kept.update(ids)
                if change is not None and changed is not None:
                    changed.append(change)
            bar.update(len(batch))


def _check_writable(folder: Path) -> None:
    """Fail now, before the database is touched, if reject files could not be written there
    (the folder, or the nearest existing folder above it, must take a new file; nothing is
    created unless there are rejects)."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    try:
        if not existing.is_dir():
            raise NotADirectoryError(20, "not a folder", str(existing))
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".netintel-probe-"):
            pass
    except OSError as err:
        raise IngestError(
            f"{folder}: cannot write reject files there ({err.strerror or err}); "
            "choose another folder (--reject-dir) before anything is loaded"
        ) from None


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _take_lock(
    driver: neo4j.Driver, run_id: str, database: str | None, timeout: float, progress: bool
) -> str:
    """Take the database's one ingest lock (an ``IngestLock`` node, unique), waiting up to
    ``timeout`` seconds, and return its token (what releases it); a lock whose holder was a
    process of this host that no longer runs is stale and broken. :class:`IngestLockedError`
    names the holder."""
    host, pid, token = socket.gethostname(), os.getpid(), uuid.uuid4().hex
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            run_query(
                driver, "ingest_lock_take", database=database, write=True,
                token=token, run_id=run_id, pid=pid, host=host, started=datetime.now(UTC),
            )  # fmt: skip
            return token
        except neo4j.exceptions.ConstraintError:
            pass
        rows = run_query(driver, "ingest_lock_holder", database=database)
        if not rows:
            continue  # released meanwhile
        h = rows[0]
        since = h["started"].to_native().isoformat(timespec="seconds") if h["started"] else "?"
        holder = f"ingest run {h['run_id']} (pid {h['pid']}, host {h['host']}, since {since})"
        if h["host"] == host and isinstance(h["pid"], int) and not _pid_alive(h["pid"]):
            # stale: its process is gone (only that lock goes, not one taken meanwhile)
            _release_lock(driver, database, h["token"], force=h["token"] is None)
            continue
        if time.monotonic() >= deadline:
            raise IngestLockedError(
                holder,
                f"another ingest holds the database: {holder}; nothing was written "
                "(wait, or if that process is gone: netintel ingest --break-lock)",
            )
        if progress and not told:
            # stderr, with the progress bars: stdout may be the --json report
            tqdm.write(f"ingest: waiting up to {timeout:g} s for {holder} to finish", sys.stderr)
            told = True
        time.sleep(0.5)


def _live_lock_holder(driver: neo4j.Driver, database: str | None) -> dict[str, Any] | None:
    """Who holds the ingest lock (its ``ingest_lock_holder`` row), None when nobody does or
    its holder was a process of this host that no longer runs (a stale lock, which the next
    :func:`_take_lock` breaks)."""
    rows = run_query(driver, "ingest_lock_holder", database=database)
    if not rows:
        return None
    h = rows[0]
    if h["host"] == socket.gethostname() and isinstance(h["pid"], int) and not _pid_alive(h["pid"]):
        return None
    return h


def _unfinished_undo(
    driver: neo4j.Driver, database: str | None, *, but: str | None = None
) -> UndoUnfinishedError | None:
    """The error that refuses an ingest (or an undo of run ``but``) while the undo of another
    ingest run is unfinished (the run is ``undoing``: interrupted, or still running); None
    when there is no such undo."""
    runs = [
        r for r in run_query(driver, "ingest_runs_undoing", database=database) if r["run_id"] != but
    ]
    if not runs:
        return None
    run = runs[0]["run_id"]
    return UndoUnfinishedError(
        run,
        f"the undo of ingest run {run} is unfinished (interrupted, or still running): "
        f"nothing was written; finish it first: netintel undo {run}",
    )


def _release_lock(
    driver: neo4j.Driver, database: str | None, token: str | None = None, *, force: bool = False
) -> None:
    """Release the ingest lock taken with ``token`` (``force``: whoever holds it)."""
    run_query(
        driver, "ingest_lock_release", database=database, write=True, force=force, token=token
    )


def _release_after_failure(driver: neo4j.Driver, database: str | None, token: str) -> None:
    """Release the lock of an ingest that failed, never hiding why it failed.

    The error that stopped the ingest (often a lost server) is the one to report; a
    release that fails too is said on stderr, with what frees the lock.
    """
    try:
        _release_lock(driver, database, token)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError) as err:
        sys.stderr.write(
            f"ingest: the ingest lock could not be released ({type(err).__name__}: {err}); "
            "the next ingest on this host breaks it once this process has ended "
            "(elsewhere: netintel ingest --break-lock)\n"
        )


def ingest(
    sources: Sources,
    *,
    driver: neo4j.Driver,
    mapping: str | Path | IngestMapping | None = None,
    reject_dir: str | Path | None = None,
    timezone: str | None = None,
    phone_region: str | None = None,
    batch_size: int = 10_000,
    database: str | None = None,
    progress: bool = True,
    bulk: bool = False,
    state_dir: str | Path | None = None,
    lock_timeout: float = 600.0,
    break_lock: bool = False,
    file_timeout: float | None = None,
) -> IngestReport:
    """Load input files (or DataFrames) into Neo4j and account for every row.

    ``sources``: a folder, files (CSV, TSV, text tables, workbooks), or
    ``{record type: DataFrame}``. A first pass reads every input's header: a file that
    cannot be read raises :class:`InputFileError` and nothing is loaded. Then the inputs
    are read, checked and written one at a time, in the schema's load order. Rejected
    rows go to ``<reject_dir>/<file>.rejects.csv`` (file, row, column, value, reason; UTF-8
    with a byte-order mark, and a value a spreadsheet would run as a formula prefixed with
    ``'``: :func:`netintel.outfiles.write_csv`);
    ``reject_dir`` defaults to ``rejects/`` beside the first input file. A row whose key
    an earlier input of the run holds is rejected, and so is a call whose ``call_id`` the
    database holds for other phones, or a value the database cannot hold (an integer
    outside 64 bits, an index key over 8,164 bytes). Files and sheets that match nothing
    are listed in ``skipped``. Re-running the same ingest gives the same graph.

    When the database refuses a write part-way through a file (a constraint the data
    breaks, say), the nodes and relationships the run wrote from that file are deleted
    again, except those that existed before it (each write returns the ones it updated
    rather than created): those keep the values the file set and name this run in
    ``ingest_run``, as a complete run would leave them. The
    run is marked ``failed`` with ``failed_file`` and ``error``, and an
    :class:`IngestWriteError` names the file and the database's reason; earlier files
    stay loaded, and re-running the ingest completes it.

    ``timezone`` (of naive date-times; default the mapping's, else UTC) and
    ``phone_region`` (for national numbers; default the mapping's) must agree with the
    mapping's top-level values when both are given: a conflict is a
    :class:`MappingError`, an unknown zone or region an :class:`IngestError`
    (see :func:`netintel.ingest.prepare.options_for`).

    ``bulk=True`` loads an empty local case with Neo4j's offline importer after the same
    checks (:func:`netintel.ingest.bulk.bulk_ingest`; ``state_dir`` names the case's state
    folder, default the current case's; ``batch_size`` and ``database`` do not apply).

    ``file_timeout`` bounds the seconds each pass over a file (the first pass, then reading
    and checking it for the write) may take; default the mapping's ``file_timeout``, else
    :data:`netintel.ingest.read.FILE_TIMEOUT`; 0 means no bound. A file past its bound is
    an :class:`~netintel.exceptions.InputTimeoutError` naming how far it got, and nothing
    of it is written: in the first pass nothing of any file is; later, the files before it
    stay loaded and the run is marked ``failed``, as after a refused write.

    Parameters
    ----------
    sources : folder, file(s), or mapping of str to pandas.DataFrame
        The inputs.
    mapping : str, pathlib.Path, IngestMapping or None, default None
        The mapping file (or a mapping already read); None maps by file name.
    reject_dir : str, pathlib.Path or None, default None
        Folder of the rejects files; None means ``rejects/`` beside the first input.
    timezone : str or None, default None
        Time zone of naive date-times; None means the mapping's, else UTC.
    phone_region : str or None, default None
        Region of national phone numbers; None means the mapping's.
    driver : neo4j.Driver
        An open driver.
    batch_size : int, default 10000
        Rows per write transaction.
    database : str or None, default None
        The Neo4j database; None means the server's default.
    progress : bool, default True
        Show progress.
    bulk : bool, default False
        Load with Neo4j's offline importer (:func:`netintel.ingest.bulk.bulk_ingest`).
    state_dir : str, pathlib.Path or None, default None
        With ``bulk``: the case's state folder; None means the current case's.
    lock_timeout : float, default 600
        Seconds to wait for another ingest into the database to finish (the lock).
    break_lock : bool, default False
        Delete the ingest lock first, whoever holds it (its holder crashed).
    file_timeout : float or None, default None
        Seconds each pass over a file may take; None means the mapping's, else
        :data:`~netintel.ingest.read.FILE_TIMEOUT`; 0 means no bound (with ``bulk`` too).

    Returns
    -------
    IngestReport
        What was read, loaded and rejected, per file.

    Raises
    ------
    InputFileError
        When an input cannot be read (nothing is loaded), or took longer than its time
        bound (:class:`~netintel.exceptions.InputTimeoutError`).
    MappingError
        When the mapping is wrong or conflicts with ``timezone`` / ``phone_region``.
    IngestError
        When the time zone or region does not exist.
    IngestWriteError
        When the database refused a write of a file (its writes undone, the run failed).
    IngestLockedError
        When another ingest held the database's ingest lock for ``lock_timeout`` seconds.
    UndoUnfinishedError
        When the undo of an ingest run was interrupted and not finished (``netintel undo``
        of that run again finishes it); nothing was written.
    """
    if bulk:
        from netintel.ingest.bulk import bulk_ingest

        return bulk_ingest(
            sources,
            driver=driver,
            state_dir=state_dir,
            mapping=mapping,
            reject_dir=reject_dir,
            timezone=timezone,
            phone_region=phone_region,
            progress=progress,
            file_timeout=file_timeout,
        )
    return _run(
        sources,
        driver=driver,
        mapping=mapping,
        reject_dir=reject_dir,
        timezone=timezone,
        phone_region=phone_region,
        batch_size=batch_size,
        database=database,
        progress=progress,
        lock_timeout=lock_timeout,
        break_lock=break_lock,
        file_timeout=file_timeout,
    )


class Sink(Protocol):
    """Where a :func:`_run` without a driver sends each prepared input (the bulk load's hook).

    ``begin`` is told the run id, the inputs and the options before the first input is
    read; ``write`` gets each input after its rows were checked against the earlier ones,
    where the transactional ingest writes it.
    """

    def begin(self, run_id: str, found: list[_Input], options: dict[str, Any]) -> None: ...

    def write(self, prep: Prepared, run_id: str) -> None: ...


def check(
    sources: Sources,
    *,
    mapping: str | Path | IngestMapping | None = None,
    reject_dir: str | Path | None = None,
    timezone: str | None = None,
    phone_region: str | None = None,
    progress: bool = False,
    file_timeout: float | None = None,
) -> IngestReport:
    r"""Everything :func:`ingest` does except the database: read, check, report, rejects.

    ``rows_loaded`` counts the rows that would load; the one check that needs the
    database (a ``call_id`` it holds for other phones) is not made.

    Parameters
    ----------
    sources : folder, file(s), or mapping of str to pandas.DataFrame
        The inputs.
    mapping : str, pathlib.Path, IngestMapping or None, default None
        The mapping file (or a mapping already read); None maps by file name.
    reject_dir : str, pathlib.Path or None, default None
        Folder of the rejects files; None means ``rejects/`` beside the first input.
    timezone : str or None, default None
        Time zone of naive date-times; None means the mapping's, else UTC.
    phone_region : str or None, default None
        Region of national phone numbers; None means the mapping's.
    progress : bool, default False
        Show progress.
    file_timeout : float or None, default None
        Seconds each pass over a file may take, as for :func:`ingest`.

    Returns
    -------
    IngestReport
        What would be loaded and rejected, per file.

    Raises
    ------
    InputFileError
        When an input cannot be read, or took longer than its time bound.
    MappingError
        When the mapping is wrong or conflicts with ``timezone`` / ``phone_region``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "persons.tsv").write_text(
    ...     "person_id\tname\tgender\nP1\tAnn\tfemale\nP1\tAnn\tfemale\n", encoding="utf-8"
    ... )
    >>> report = check(folder)
    >>> f = report.files[0]
    >>> (f.record, f.delimiter, f.rows_read, f.rows_loaded, f.rows_rejected)
    ('persons', '\t', 2, 1, 1)
    """
    return _run(
        sources,
        mapping=mapping,
        reject_dir=reject_dir,
        timezone=timezone,
        phone_region=phone_region,
        progress=progress,
        file_timeout=file_timeout,
    )


def _run(
    sources: Sources,
    *,
    driver: neo4j.Driver | None = None,
    mapping: str | Path | IngestMapping | None,
    reject_dir: str | Path | None,
    timezone: str | None,
    phone_region: str | None,
    batch_size: int = 10_000,
    database: str | None = None,
    progress: bool,
    sink: Sink | None = None,
    lock_timeout: float = 600.0,
    break_lock: bool = False,
    file_timeout: float | None = None,
) -> IngestReport:
    """The one code path of :func:`ingest` and (``driver=None``) :func:`check`.

    ``sink`` (with ``driver=None``) receives the prepared inputs instead of the database:
    :mod:`netintel.ingest.bulk` writes them as the offline importer's files.
    """
    t0 = time.perf_counter()
    started = datetime.now(UTC)
    mapping_ = _mapping(mapping)
    opts = options_for(
        mapping_,
        timezone=timezone,
        phone_region=phone_region,
        file_timeout=file_timeout,
        where=f"the mapping {mapping}" if isinstance(mapping, (str, Path)) else "the mapping",
    )
    found, skipped = _surveyed_inputs(sources, mapping, mapping_, opts)
    options = {  # the time bounds say nothing about the graph: not part of the run's id
        "mapping": mapping_.model_dump(
            exclude={"file_timeout": True, "files": {"__all__": {"file_timeout"}}}
        ),
        "timezone": opts.timezone,
        "phone_region": opts.phone_region,
    }
    run_id = _run_id(found, options)
    rdir = _reject_folder(reject_dir, found)
    _check_writable(rdir)  # before any write: rejected rows must have somewhere to go
    load = _Load(driver, database, batch_size, run_id, opts, rdir, sink)
    if driver is None:
        return _loaded(load, found, skipped, started, t0, options, sink, progress)
    load.prepare_schema()  # read-only mode refuses here, before the lock
    if break_lock:
        _release_lock(driver, database, force=True)
    token = _take_lock(driver, run_id, database, lock_timeout, progress)
    try:
        unfinished = _unfinished_undo(driver, database)
        if unfinished is not None:
            raise unfinished
        load.begin(started, found, options)
        report = _loaded(load, found, skipped, started, t0, options, sink, progress)
    except BaseException:
        _release_after_failure(driver, database, token)
        raise
    _release_lock(driver, database, token)
    return report


def _loaded(
    load: _Load,
    found: list[_Input],
    skipped: list[Skipped],
    started: datetime,
    t0: float,
    options: dict[str, Any],
    sink: Sink | None,
    progress: bool,
) -> IngestReport:
    """Load every input (with the lock held, into a database) and report."""
    driver, database, run_id, rdir = load.driver, load.database, load.run_id, load.rdir
    if sink is not None:
        sink.begin(run_id, found, options)
    with tqdm(unit="row", desc="ingest", disable=not progress, dynamic_ncols=True) as bar:
        try:
            for n, inp in enumerate(found, 1):
                bar.set_postfix_str(f"{n}/{len(found)} {inp.source}")
                load.reports.append(load.one(inp, bar))
        except (IngestWriteError, InputFileError) as err:  # a refused write, a file past its bound
            if driver is None:
                raise
            reason = err.reason if isinstance(err, IngestWriteError) else str(err)
            _record_run(
                driver, run_id, started, datetime.now(UTC), time.perf_counter() - t0, "failed",
                found, load.reports, load.version, options, database,
            )  # fmt: skip
            run_query(
                driver, "ingest_run_failed", database=database, write=True, run_id=run_id,
                file=inp.source, error=reason,
            )  # fmt: skip
            raise
    seconds = time.perf_counter() - t0
    if driver is not None:
        _record_run(
            driver, run_id, started, datetime.now(UTC), seconds, "complete", found,
            load.reports, load.version, options, database,
        )  # fmt: skip
    return IngestReport(
        run_id=run_id,
        files=tuple(load.reports),
        started=started,
        seconds=round(seconds, 3),
        neo4j_version=load.version,
        netintel_version=__version__,
        reject_dir=str(rdir) if any(f.reject_file for f in load.reports) else None,
        skipped=tuple(skipped),
        checked_only=driver is None,
    )


def _mapping(mapping: str | Path | IngestMapping | None) -> IngestMapping:
    """The mapping an ingest was given: none (an empty one), read, or a mapping file's path."""
    if mapping is None:
        return IngestMapping()
    if isinstance(mapping, IngestMapping):
        return mapping
    return load_mapping(mapping)


def _surveyed_inputs(
    sources: Sources,
    mapping: str | Path | IngestMapping | None,
    mapping_: IngestMapping,
    opts: Options,
) -> tuple[list[_Input], list[Skipped]]:
    """The inputs in load order, each named and its header read (the first pass), and the
    files skipped; an :class:`IngestError` when there is nothing to load."""
    found, skipped = _discover(sources, mapping_)
    if isinstance(mapping, (str, Path)):  # the mapping file itself, kept in the case folder
        skipped = [s for s in skipped if Path(s.source).resolve() != Path(mapping).resolve()]
    if not found:
        raise IngestError(
            "no input files found (expected files named after record types, "
            f"e.g. calls.csv, or entries in the mapping): {sources}"
            + "".join(f"; skipped {s}" for s in skipped)
        )
    for inp, source in zip(found, _source_names(found), strict=True):
        inp.source = source
        _survey(inp, opts)  # a file that cannot be read stops here, before anything is written
    return found, skipped


def _reject_folder(reject_dir: str | Path | None, found: list[_Input]) -> Path:
    """``reject_dir``, by default ``rejects/`` beside the first input file."""
    if reject_dir is None:
        first = next((t.path for t in found if t.path is not None), None)
        reject_dir = (first.parent / "rejects") if first else Path("rejects")
    return Path(reject_dir)


@dataclass
class _Load:
    """One run's inputs loaded one after the other: into the database, a sink, or nowhere."""

    driver: neo4j.Driver | None
    database: str | None
    batch_size: int
    run_id: str
    opts: Options
    rdir: Path
    sink: Sink | None
    version: str = ""
    #: calls the database held when the run started (none: calls are created, not merged)
    calls_before: int = 0
    seen: SeenKeys = field(default_factory=SeenKeys)
    reports: list[FileReport] = field(default_factory=list)

    def prepare_schema(self) -> None:
        """The server's version read and the schema (the lock's constraint too) in place."""
        assert self.driver is not None
        self.version = server_version(self.driver, database=self.database)
        apply_schema(self.driver, database=self.database)

    def begin(self, started: datetime, found: list[_Input], options: dict[str, Any]) -> None:
        """Before the first write: the schema in place and the run recorded as running."""
        assert self.driver is not None
        _record_run(
            self.driver, self.run_id, started, None, 0.0, "running", found, [], self.version,
            options, self.database,
        )  # fmt: skip
        (row,) = run_query(self.driver, "call_count", database=self.database)
        self.calls_before = int(row["calls"])

    def record_changes(self, prep: Prepared, changed: list[dict[str, Any]]) -> int:
        """Record the values the rows of ``prep`` changed or added as ValueChange nodes;
        how many they changed (an added value, where the element had none, is recorded
        for undoing the run, not counted as a change)."""
        rows = _value_changes(prep, changed, self.run_id)
        if self.driver is not None:
            for batch in _batches(rows, self.batch_size):
                run_query(
                    self.driver, "value_changes_record", database=self.database, write=True,
                    changes=batch,
                )  # fmt: skip
        return sum(1 for r in rows if r["old"] is not None)

    def failed(
        self,
        prep: Prepared,
        err: neo4j.exceptions.Neo4jError,
        kept: set[str],
        changed: list[dict[str, Any]],
    ) -> IngestWriteError:
        """A write of ``prep`` the database refused: its writes undone; the error to raise
        (:func:`_run` marks the run failed), naming the file and the database's reason.

        What the file created is deleted; what the graph held before keeps the values the
        file's rows gave it, and the values they changed are recorded (ValueChange)."""
        assert self.driver is not None
        reason = f"{err.code}: {err.message}" if err.code else str(err)
        nodes, rels = _undo_file(self.driver, self.run_id, prep.source, kept, self.database)
        values = self.record_changes(prep, changed)
        return IngestWriteError(
            prep.source,
            reason,
            self.run_id,
            f"{prep.source}: the database refused a write ({reason}); this file's writes were "
            f"undone ({nodes} nodes and {rels} relationships it created deleted"
            + (f", {len(kept)} it updated kept as updated" if kept else "")
            + (f", {values} values it changed recorded" if values else "")
            + f"); ingest run {self.run_id} is marked failed",
        )

    def one(self, inp: _Input, bar: Any) -> FileReport:
        """Read, check and write one input; its report."""
        t = time.perf_counter()
        bound = TimeBound(inp.name, file_timeout(inp.fm, self.opts))
        raw = _read(inp, bound)
        prep = prepare(raw, RECORDS[inp.record], inp.fm, self.opts, source=inp.source, bound=bound)
        self.seen.reject_seen(prep)
        add_listed_persons([prep])
        if self.driver is not None and self.calls_before:
            reject_call_id_clashes(
                self.driver, prep, batch_size=self.batch_size, database=self.database
            )
        t_prep = time.perf_counter() - t
        t = time.perf_counter()
        kept: set[str] = set()
        changed: list[dict[str, Any]] = []
        try:
            self.write(prep, bar, kept, changed)
        except neo4j.exceptions.Neo4jError as err:
            raise self.failed(prep, err, kept, changed) from err
        values_changed = self.record_changes(prep, changed)
        t_write = time.perf_counter() - t
        self.seen.add(prep)
        if prep.rows_loaded + prep.rejected_rows != prep.rows_read:  # pragma: no cover
            raise IngestError(f"{raw.path}: accounting error after the cross-file checks")
        report = _file_report(inp, raw, prep, _write_rejects(prep, self.rdir), t_prep, t_write)
        return replace(report, values_changed=values_changed)

    def write(
        self,
        prep: Prepared,
        bar: Any,
        kept: set[str] | None = None,
        changed: list[dict[str, Any]] | None = None,
    ) -> None:
        if self.driver is not None:
            _write(
                self.driver, prep, self.run_id, self.batch_size, self.database, bar,
                fresh=not self.calls_before, kept=kept, changed=changed,
            )  # fmt: skip
            return
        if self.sink is not None:
            self.sink.write(prep, self.run_id)
        bar.update(prep.rows_loaded)


def _undo_file(
    driver: neo4j.Driver, run_id: str, source: str, kept: set[str], database: str | None
) -> tuple[int, int]:
    """Delete what run ``run_id`` wrote from ``source``, but for the ``kept`` element ids
    (what existed before the file's rows): its relationships, then its nodes; how many."""
    counts = []
    for name in ("ingest_file_undo_relationships", "ingest_file_undo_nodes"):
        total = 0
        while True:
            (row,) = run_query(
                driver, name, database=database, write=True,
                run=run_id, source=source, kept=sorted(kept), limit=10_000,
            )  # fmt: skip
            total += int(row["deleted"])
            if not row["deleted"]:
                break
        counts.append(total)
    return counts[1], counts[0]


def _value_changes(
    prep: Prepared, changed: list[dict[str, Any]], run_id: str
) -> list[dict[str, Any]]:
    """The ValueChange records of the rows of ``prep`` that changed values the graph held.

    ``changed`` holds what the statements return per such row: its key (a node's, or a
    relationship's ends and key), element id, source row, the element's provenance before
    the row (``was``) and its ``[property, old, new]`` changes (``old`` None: added).
    """
    rt = prep.record
    label = NODES[rt.node].label if rt.node else RELATIONSHIPS[rt.relationship or ""].type
    out = []
    for row in changed:
        was = row["was"]
        if rt.node:
            key = str(row["key"])
        else:
            rkey = ", ".join(f"{k}={_key_text(rt, k, v)}" for k, v in sorted(row["key"].items()))
            key = f"{row['start']} -> {row['end']}" + (f" ({rkey})" if rkey else "")
        for prop, old, new in row["changes"]:
            out.append(
                {
                    "change_id": f"{run_id}/{prep.source}/{row['row']}/{prop}",
                    "run": run_id,
                    "file": prep.source,
                    "row": row["row"],
                    "label": label,
                    "key": key,
                    "property": prop,
                    "old": old,
                    "new": new,
                    "old_file": was["source"],
                    "old_row": was["source_row"],
                    "old_run": was["run"],
                    "element": row["id"],
                }
            )
    return out


def _key_text(record: RecordType, name: str, value: Any) -> str:
    """A relationship key's value as text: a date-time key travels as epoch milliseconds,
    shown as its UTC time."""
    prop = next(p for p in RELATIONSHIPS[record.relationship or ""].props if p.name == name)
    if prop.type == "datetime" and isinstance(value, int):
        return datetime.fromtimestamp(value / 1000, tz=UTC).isoformat()
    return str(value)


def _write_rejects(prep: Prepared, rdir: Path) -> str | None:
    """Write the input's reject file, if it has rejects; its path."""
    if not prep.rejects:
        return None
    rdir.mkdir(parents=True, exist_ok=True)
    reject_path = rdir / f"{prep.source.replace('/', '__')}.rejects.csv"
    write_csv(reject_frame(prep.rejects), reject_path)
    return str(reject_path)


def _file_report(
    inp: _Input,
    raw: RawFile,
    prep: Prepared,
    reject_file: str | None,
    t_prep: float,
    t_write: float,
) -> FileReport:
    return FileReport(
        source=raw.path,
        record=prep.record.name,
        encoding=raw.encoding,
        sha256=raw.sha256,
        rows_read=prep.rows_read,
        rows_loaded=prep.rows_loaded,
        rows_rejected=prep.rejected_rows,
        reject_file=reject_file,
        seconds=round(t_prep + t_write, 3),
        warnings=tuple([f"{inp.source}: {note}" for note in raw.notes] + prep.warnings),
        prepare_seconds=round(t_prep, 3),
        write_seconds=round(t_write, 3),
        sheet=raw.sheet,
        delimiter=raw.delimiter,
    )


def _record_run(
    driver: neo4j.Driver,
    run_id: str,
    started: datetime,
    finished: datetime | None,
    seconds: float,
    status: str,
    found: list[_Input],
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
        files=[t.name + (f"[{t.sheet}]" if t.sheet is not None else "") for t in found],
        records=[t.record for t in found],
        sha256=[t.header.sha256 if t.header else "" for t in found],
        rows_read=[r.rows_read for r in reports],
        rows_loaded=[r.rows_loaded for r in reports],
        rows_rejected=[r.rows_rejected for r in reports],
        reject_files=[r.reject_file or "" for r in reports],
        file_seconds=[r.seconds for r in reports],
        netintel_version=__version__,
        neo4j_version=version,
        options=json.dumps(options, sort_keys=True, default=str),
        user=getpass.getuser(),
    )

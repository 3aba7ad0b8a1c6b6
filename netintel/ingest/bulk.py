"""Bulk load into a new case: the ingest's checks, then Neo4j's offline importer.

:func:`bulk_ingest` (``ingest(..., bulk=True)``, ``netintel ingest --bulk``) runs the same
code path as the transactional ingest up to the write (reading, validation, normalisation,
rejects, the cross-file key checks, the accounting; :func:`netintel.ingest.run._run`), but
hands each prepared input to a :class:`BulkWriter` instead of the database. The writer
plays the ingest statements (``netintel.ingest.statements``: ``MERGE`` by key, ``SET`` of
properties and provenance, ``ON CREATE`` for the nodes a file only refers to) on rows held
in memory, so the graph it writes is the one the statements would build; relationships
whose key is unique across the graph (calls) are written to the importer's files as they
come. The case's server begins to stop once the first pass has read every input's header
(in the background, while the rows are checked and the files written; nothing can write
into the database from then on), ``neo4j-admin database import full`` builds the store from
the files, the server is started again, the schema's constraints and indexes are created,
and the ingest run is recorded (the same ``IngestRun`` node as a transactional ingest
writes). A failure on the way (a file past its time bound, say) starts the server again
on its empty database.

It loads only into an empty database of a local case (the importer writes the store files
itself), and refuses anything else with :class:`~netintel.exceptions.BulkRefusedError`.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import neo4j
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from netintel import server
from netintel.config import configured_uri
from netintel.cypher import query
from netintel.db import apply_schema, server_version
from netintel.exceptions import BulkRefusedError, IngestError, ReadOnlyError
from netintel.ingest.mapping import IngestMapping
from netintel.ingest.normalise import TEMPORAL
from netintel.ingest.prepare import Prepared, _rel_columns, _wire_column
from netintel.ingest.run import IngestReport, Sources, _Input, _record_run, _run
from netintel.schema import CREATED_RUN, NODES, RELATIONSHIPS, Prop
from netintel.server import importer

__all__ = ["ARRAY_DELIMITER", "BulkWriter", "bulk_ingest", "refuse_remote"]

ARRAY_DELIMITER = "\x1f"
"""Between the elements of a list in the importer's files (the ASCII unit separator)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_IMPORT_TYPE = {
    bool: "boolean",
    int: "long",
    float: "double",
    str: "string",
}


@dataclasses.dataclass(frozen=True)
class _Temporal:
    """A date or date-time as the importer reads it (``kind`` is its column type)."""

    kind: str  # "date" or "datetime"
    text: str


def _datetime_text(ms: int) -> str:
    """``datetime({epochMillis: ms})`` as the importer parses it back (UTC)."""
    return (_EPOCH + timedelta(milliseconds=ms)).isoformat(timespec="milliseconds")


def _temporal(prop: Prop, value: Any) -> _Temporal:
    if prop.type == "datetime":
        return _Temporal("datetime", _datetime_text(int(value)))
    return _Temporal("date", str(value))


def _typed(value: Any, where: str) -> tuple[str, str]:
    """The importer's column type of ``value`` and its text in a cell."""
    if isinstance(value, _Temporal):
        return value.kind, value.text
    if isinstance(value, list | tuple):
        if not value:
            raise IngestError(f"{where}: an empty list cannot be bulk loaded")
        if not all(isinstance(v, str) for v in value):
            raise IngestError(f"{where}: only lists of strings can be bulk loaded")
        if any(ARRAY_DELIMITER in v for v in value):
            raise IngestError(f"{where}: a list element holds the character U+001F")
        return "string[]", ARRAY_DELIMITER.join(value)
    kind = _IMPORT_TYPE.get(type(value))
    if kind is None:
        raise IngestError(f"{where}: a {type(value).__name__} value cannot be bulk loaded")
    if kind == "boolean":
        return kind, "true" if value else "false"
    if kind == "double":
        return kind, repr(float(value))
    return kind, str(value)


def _quote(text: str) -> str:
    """A cell: every value quoted (an empty text stays an empty text), quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


_CELLS = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
"""Every present value quoted (an empty text stays an empty text, quotes doubled), a
missing value an empty, unquoted cell: no property. As :func:`_quote`, column by column."""


def _spans_lines(column: pa.Array) -> bool:
    """Whether any text of ``column`` holds a line break (the importer must know)."""
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        return False
    return bool(pc.any(pc.match_substring_regex(column, "[\r\n]")).as_py())


class _Table:
    """One importer data file with its header file; column types found from the values."""

    def __init__(self, folder: Path, name: str, id_columns: list[str], columns: list[str]):
        self.name = name
        self.folder = folder
        self.id_columns = id_columns
        self.columns = columns
        self.types: dict[str, str] = {}
        self.multiline = False
        self.rows = 0
        self.data_path = folder / f"{name}.csv"
        self._fh: IO[bytes] | None = self.data_path.open("wb")

    def add(self, ids: list[str], props: dict[str, Any], where: str) -> None:
        cells: list[str | None] = list(ids)
        for name in self.columns:
            value = props.get(name)
            if value is None:
                cells.append(None)
                continue
            kind, text = _typed(value, f"{where}, property {name}")
            known = self.types.setdefault(name, kind)
            if known != kind:
                raise IngestError(
                    f"{where}: property {name} is a {kind} here but a {known} in an earlier "
                    "row; the bulk load needs one type per property"
                )
            if "\n" in text or "\r" in text:
                self.multiline = True
            cells.append(text)
        for extra in props.keys() - set(self.columns):  # pragma: no cover - a schema bug
            raise IngestError(f"{where}: property {extra} is not in the bulk load's columns")
        assert self._fh is not None
        line = ",".join("" if c is None else _quote(c) for c in cells) + "\n"
        self._fh.write(line.encode("utf-8"))
        self.rows += 1

    def add_frame(self, cells: dict[str, pa.Array], kinds: dict[str, str], rows: int) -> None:
        """Append ``rows`` rows given as columns: the id columns, then (some of)
        ``columns``, each an array of cell texts with nulls where there is no value (see
        :func:`_streamed_cells`); ``kinds`` holds the importer's type of each property."""
        for name in list(cells)[len(self.id_columns) :]:
            if name not in self.columns:  # pragma: no cover - a schema bug
                raise IngestError(f"property {name} is not in the bulk load's columns")
            kind = kinds[name]
            known = self.types.setdefault(name, kind)
            if known != kind:
                raise IngestError(
                    f"property {name} is a {kind} in one file but a {known} in an earlier one; "
                    "the bulk load needs one type per property"
                )
        names = [*list(cells)[: len(self.id_columns)], *self.columns]
        columns = [cells.get(n, pa.nulls(rows, pa.string())) for n in names]
        self.multiline |= any(_spans_lines(c) for c in columns)
        assert self._fh is not None
        if rows:
            table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(len(names))])
            pa_csv.write_csv(table, self._fh, _CELLS)
        self.rows += rows

    def finish(self) -> importer.ImportFiles:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        header = [*self.id_columns] + [f"{c}:{self.types.get(c, 'string')}" for c in self.columns]
        header_path = self.folder / f"{self.name}.header.csv"
        with header_path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerow(header)
        return importer.ImportFiles(self.name.split(".", 1)[0], header_path, (self.data_path,))


_NodeKey = tuple[str, Any]  # (label, key)


class BulkWriter:
    """The ingest statements played on rows in memory, written as the importer's files.

    ``begin``/``write`` are the :class:`netintel.ingest.run.Sink` hook; :meth:`finish`
    writes what is held (nodes, and relationships whose key is not unique across the
    graph) and returns the ``--nodes`` and ``--relationships`` groups.

    Examples
    --------
    >>> import tempfile
    >>> from netintel.ingest.read import frame_as_raw
    >>> from netintel.ingest.prepare import Options, prepare
    >>> from netintel.schema import RECORDS
    >>> rows = pd.DataFrame([["P1", "Ann", "Annie|A."], ["P2", " ", ""]],
    ...                     columns=["person_id", "name", "aliases"])
    >>> prep = prepare(frame_as_raw("persons.csv", rows), RECORDS["persons"], None,
    ...                Options(), source="persons.csv")
    >>> writer = BulkWriter(Path(tempfile.mkdtemp()))
    >>> writer.write(prep, "run-1")
    >>> nodes, relationships, multiline = writer.finish()
    >>> print(nodes[0].header.read_text(), end="")
    person_id:ID(Person),aliases:string[],created_run:string,ingest_run:string,name:string,source:string,source_row:long
    >>> print(nodes[0].data[0].read_text().replace(ARRAY_DELIMITER, ";"), end="")
    "P1","Annie;A.","run-1","run-1","Ann","persons.csv","2"
    "P2",,"run-1","run-1",,"persons.csv","3"
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.run_id = ""
        self.found: list[_Input] = []
        self.options: dict[str, Any] = {}
        self.nodes: dict[str, dict[Any, dict[str, Any]]] = {label: {} for label in NODES}
        #: (type, start key, end key, relationship key) -> properties
        self.rels: dict[str, dict[tuple[Any, Any, tuple[Any, ...]], dict[str, Any]]] = {
            t: {} for t in RELATIONSHIPS
        }
        self.streamed: dict[str, _Table] = {}
        #: called by :meth:`begin`, before the first input is read (the bulk load stops
        #: the case's server there)
        self.on_begin: Callable[[], Any] | None = None

    # ------------------------------------------------------------ the Sink hook

    def begin(self, run_id: str, found: list[_Input], options: dict[str, Any]) -> None:
        self.run_id, self.found, self.options = run_id, found, options
        if self.on_begin is not None:
            self.on_begin()

    def write(self, prep: Prepared, run_id: str) -> None:
        source = prep.source
        for label, keys in prep.endpoints.items():  # endpoint_statement: ON CREATE only
            held = self.nodes[label]
            for key, (row, extra) in keys.items():
                if key not in held:
                    held[key] = {
                        **extra, "source": source, "source_row": row, "ingest_run": run_id,
                    }  # fmt: skip
        if prep.record.node:
            self._nodes(prep, run_id)
        else:
            self._relationships(prep, run_id)

    def _nodes(self, prep: Prepared, run_id: str) -> None:
        rt = prep.record
        node = NODES[rt.node or ""]
        temporal = {p.name: p for p in node.props if p.type in ("date", "datetime")}
        links = [c for c in rt.columns if c.link]
        held = self.nodes[node.label]
        for batch in prep.batches(50_000):
            for row in batch:
                n = held.setdefault(row["key"], {})
                n.update(row["props"])  # SET n += row.props
                n["source"], n["ingest_run"] = prep.source, run_id
                for name, value in row["temporal"].items():
                    if name in temporal and value is not None:
                        n[name] = _temporal(temporal[name], value)
                prov = {
                    "source": prep.source,
                    "source_row": row["props"]["source_row"],
                    "ingest_run": run_id,
                }
                for c in links:
                    k = row["links"].get(c.name)
                    if k is None:
                        continue
                    assert c.link is not None
                    target = NODES[c.link.target]
                    self.nodes[target.label].setdefault(k, dict(prov))  # ON CREATE SET
                    ends = (row["key"], k) if c.link.outgoing else (k, row["key"])
                    r = self.rels[c.link.rel].setdefault((*ends, ()), {})
                    r.update(prov)

    def _relationships(self, prep: Prepared, run_id: str) -> None:
        rel = RELATIONSHIPS[prep.record.relationship or ""]
        props = {p.name: p for p in rel.props}
        temporal = {n: p for n, p in props.items() if p.type in ("date", "datetime")}
        table = None
        if rel.unique_key:  # one relationship per row, never merged with another: streamed
            table = self.streamed.get(rel.type)
            if table is None:
                columns = sorted({*props, "source", "source_row", "ingest_run", CREATED_RUN})
                table = _Table(
                    self.folder,
                    f"{rel.type}.rels",
                    [f":START_ID({rel.start})", f":END_ID({rel.end})"],
                    columns,
                )
                self.streamed[rel.type] = table
        if table is not None:
            cells, kinds = _streamed_cells(prep, set(temporal), run_id)
            table.add_frame(cells, kinds, len(prep.good))
            return
        held = self.rels[rel.type]
        for batch in prep.batches(50_000):
            for row in batch:
                rkey = {
                    k: _temporal(props[k], v) if k in temporal else v
                    for k, v in row["rkey"].items()
                }
                r = held.setdefault((row["start"], row["end"], tuple(rkey.values())), dict(rkey))
                r.update(row["props"])  # SET r += row.props
                r["source"], r["ingest_run"] = prep.source, run_id
                for name, value in row["temporal"].items():
                    if name in temporal and value is not None:
                        r[name] = _temporal(temporal[name], value)

    # ------------------------------------------------------------ the files

    def finish(self) -> tuple[list[importer.ImportFiles], list[importer.ImportFiles], bool]:
        """Write the held nodes and relationships; the node and relationship groups, and
        whether any value spans lines."""
        node_groups, rel_groups, multiline = [], [], False
        for label, held in self.nodes.items():
            if not held:
                continue
            node = NODES[label]
            # every element of a bulk load is created by its one run (into an empty graph)
            columns = sorted({CREATED_RUN, *(name for props in held.values() for name in props)})
            table = _Table(self.folder, f"{label}.nodes", [f"{node.key}:ID({label})"], columns)
            for key, props in held.items():
                if not isinstance(key, str):
                    raise IngestError(f"{label} key {key!r} is not text; it cannot be bulk loaded")
                table.add([key], {**props, CREATED_RUN: props["ingest_run"]}, f"{label} {key}")
            node_groups.append(table.finish())
            multiline |= table.multiline or any("\n" in k or "\r" in k for k in held)
        for rtype, rels in self.rels.items():
            if not rels:
                continue
            rel = RELATIONSHIPS[rtype]
            columns = sorted({CREATED_RUN, *(name for props in rels.values() for name in props)})
            table = _Table(
                self.folder,
                f"{rtype}.rels",
                [f":START_ID({rel.start})", f":END_ID({rel.end})"],
                columns,
            )
            for (s, e, _), props in rels.items():
                table.add(
                    [s, e], {**props, CREATED_RUN: props["ingest_run"]}, f"{rtype} {s} -> {e}"
                )
            rel_groups.append(table.finish())
            multiline |= table.multiline
        for table in self.streamed.values():
            rel_groups.append(table.finish())
            multiline |= table.multiline
        return node_groups, rel_groups, multiline

    def close(self) -> None:
        for table in self.streamed.values():
            if table._fh is not None:
                table._fh.close()
                table._fh = None


def _kind_of(values: pd.Series, where: str) -> str:
    """The importer's type of a column of plain values (one type per column)."""
    kinds = {type(v) for v in values.dropna().tolist()}
    if len(kinds) > 1:
        raise IngestError(f"{where}: values of types {sorted(k.__name__ for k in kinds)}")
    if not kinds:
        return "string"
    (kind,) = kinds
    if kind in (list, tuple):
        return "string[]"
    if kind not in _IMPORT_TYPE:
        raise IngestError(f"{where}: a {kind.__name__} value cannot be bulk loaded")
    return _IMPORT_TYPE[kind]


def _text_cells(values: list[Any], kind: str, where: str) -> pa.Array:
    """Plain values of one importer type (None where missing) as the cells' texts."""
    if kind == "string[]":
        return pa.array(
            [None if v is None else _typed(list(v), where)[1] for v in values], pa.string()
        )
    if kind == "double":  # as _typed writes a double: repr, the shortest exact text
        return pa.array([None if v is None else repr(float(v)) for v in values], pa.string())
    typed = pa.array(values, {"long": pa.int64(), "boolean": pa.bool_()}.get(kind, pa.string()))
    return typed if kind == "string" else pc.cast(typed, pa.string())  # "true", "false"


_PLAIN = {pa.string(): "string", pa.int64(): "long", pa.bool_(): "boolean"}


def _plain_cells(column: pd.Series) -> tuple[str, pa.Array] | None:
    """A column of texts, integers or booleans (missing values aside) as its importer
    type and cell texts, converted by Arrow in one go; None for any other column (lists,
    doubles, a mix of types), which :func:`_text_cells` converts value by value."""
    try:
        values = pa.array(column, from_pandas=True)  # None, NaN, pd.NA: null
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    kind = _PLAIN.get(values.type)
    if kind is None:
        return None
    return kind, values if kind == "string" else pc.cast(values, pa.string())


def _streamed_cells(
    prep: Prepared, temporal: set[str], run_id: str
) -> tuple[dict[str, pa.Array], dict[str, str]]:
    """A relationship file's rows as importer cells, column by column; and the
    importer's type of each property.

    The same properties as ``relationship_statement`` sets from the rows of
    :meth:`Prepared.batches`: the key, the plain properties, the schema's date and
    date-time properties, provenance; a null (an empty cell) where the row has no value.
    The columns are converted as whole arrays (no Python loop over the rows but for
    lists and doubles).
    """
    rt = prep.record
    start_col, end_col, _ = _rel_columns(rt)
    good = prep.good
    n = len(good)
    cols: dict[str, pa.Array] = {
        "start": pa.array(good[start_col], pa.string(), from_pandas=True),
        "end": pa.array(good[end_col], pa.string(), from_pandas=True),
    }
    kinds: dict[str, str] = {}
    for c in good.columns:
        if c in (start_col, end_col):
            continue
        column = rt.column(c)
        name = column.target_prop
        if column.type in TEMPORAL:
            if name not in temporal:
                continue  # as the statement: only the schema's temporal properties are set
            kinds[name] = column.type
            if column.type == "datetime":
                ms = good[c].to_numpy(dtype="datetime64[ms]", na_value=np.datetime64("NaT"))
                text = np.char.add(np.datetime_as_string(ms, unit="ms"), "Z")
                cols[name] = pa.array(text, pa.string(), mask=np.isnat(ms))
            else:
                cols[name] = pa.array(_wire_column(good[c], column.type), pa.string())
            continue
        fast = _plain_cells(good[c])
        if fast is not None:
            kinds[name], cols[name] = fast
            continue
        values = _wire_column(good[c], column.type)
        where = f"{prep.source} column {c}"
        kinds[name] = _kind_of(pd.Series(values, dtype=object), where)
        cols[name] = _text_cells(values, kinds[name], where)
    cols["source"] = pa.repeat(prep.source, n).cast(pa.string())
    cols["source_row"] = pc.cast(pa.array(np.asarray(prep.good_rows, dtype=np.int64)), pa.string())
    cols["ingest_run"] = cols[CREATED_RUN] = pa.repeat(run_id, n).cast(pa.string())
    kinds.update(source="string", source_row="long", ingest_run="string")
    kinds[CREATED_RUN] = "string"
    return cols, kinds


def _driver_port(driver: neo4j.Driver) -> int | None:
    try:
        return int(driver.get_server_info().address.port)
    except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError):
        return None


def _forget_bookmarks(driver: neo4j.Driver) -> None:
    """Replace the bookmarks ``driver.execute_query`` waits for with the new store's.

    The imported store starts its transaction ids again from 1, so a bookmark taken
    before the import names a transaction that "has not happened yet" and the server
    would wait for it (``Neo.TransientError.Transaction.BookmarkTimeout``).
    """
    with driver.session() as session:  # a session without the old bookmarks
        session.run("RETURN 1").consume()
        fresh = session.last_bookmarks()
    manager = driver.execute_query_bookmark_manager
    manager.update_bookmarks(manager.get_bookmarks(), fresh.raw_values)


def refuse_remote(given: str | None = None, *, config: str | Path | None = None) -> None:
    """:class:`~netintel.exceptions.BulkRefusedError` when a server of one's own is
    configured (``given``, ``NEO4J_URI`` or the ``uri`` of the config file ``config`` or
    the one in use, see :func:`netintel.config.configured_uri`): its files are out of reach.

    Parameters
    ----------
    given : str or None, default None
        A server URI given explicitly (``--neo4j-uri``).
    config : str, pathlib.Path or None, default None
        The config file given explicitly (``--config``).

    Raises
    ------
    BulkRefusedError
        When a server of one's own is configured.
    """
    uri = configured_uri(uri=given, config=config)
    if uri:
        raise BulkRefusedError(
            "a bulk load writes the database's files, so it needs netintel's local database; "
            f"NEO4J_URI names another server ({uri}): unset it, or load without --bulk"
        )


def _empty_local_case(driver: neo4j.Driver, state_dir: str | Path | None) -> Path:
    """The state folder of the local case ``driver`` talks to, whose database is empty;
    else a :class:`~netintel.exceptions.BulkRefusedError` saying why not."""
    refuse_remote()
    sd = Path(state_dir).expanduser().resolve() if state_dir is not None else server.case_dir()
    info = server.status(state_dir=sd)
    port = _driver_port(driver)
    if info is None or port is None or port != int(info.uri.rsplit(":", 1)[1]):
        raise BulkRefusedError(
            f"a bulk load needs the driver to talk to the local server of {sd}, "
            f"which {'does not run' if info is None else 'answers on ' + info.uri}"
        )
    records, _, _ = driver.execute_query(query("node_count"))
    # the audit events of earlier commands are not case data: the audit log keeps them
    held = int(records[0]["nodes"]) - int(records[0]["audit_events"])
    if held:
        raise BulkRefusedError(
            f"the database of {sd} holds {held:,} nodes; a bulk load builds a new database "
            "and loads only into an empty one: load into a new case (netintel --case NAME), "
            "clear this one (netintel db clear), or load without --bulk"
        )
    return sd


def _import(
    writer: BulkWriter, stopping: importer.Stopping, folder: Path, progress: bool
) -> dict[str, float]:
    """Write the held files, wait for the case's server to be down, run the offline
    importer; the seconds of each phase (``stop_server``: the wait, after the files)."""
    phases: dict[str, float] = {}
    t = time.perf_counter()
    nodes, rels, multiline = writer.finish()
    phases["write_held"] = time.perf_counter() - t
    phases["stop_server"] = stopping.wait()
    if nodes:
        phases["import"] = importer.import_full(
            stopping.data_dir,
            nodes,
            rels,
            work_dir=folder,
            array_delimiter=ARRAY_DELIMITER,
            multiline=multiline,
            progress=print if progress else None,
        )
    return phases


def bulk_ingest(
    sources: Sources,
    *,
    driver: neo4j.Driver,
    state_dir: str | Path | None = None,
    mapping: str | Path | IngestMapping | None = None,
    reject_dir: str | Path | None = None,
    timezone: str | None = None,
    phone_region: str | None = None,
    progress: bool = True,
    keep_files: bool = False,
    file_timeout: float | None = None,
) -> IngestReport:
    """Load input files into an empty local case with Neo4j's offline importer.

    Everything :func:`netintel.ingest.ingest` checks is checked the same way, with the
    same rejects, report and provenance, and the graph is the one the transactional
    ingest builds from the same files. ``driver`` talks to the local server of the case
    whose state folder is ``state_dir`` (default: the current case's,
    :func:`netintel.server.case_dir`); that server is stopped for the import and started
    again on the same port, so ``driver`` keeps working. The importer's files go to a
    temporary folder in the state folder, removed afterwards unless ``keep_files``.

    Raises :class:`~netintel.exceptions.BulkRefusedError` (nothing is read or written)
    when ``NEO4J_URI`` names a server (its files are out of reach), when ``driver``
    does not talk to the case's local server, or when the database holds any node other
    than audit events (the audit log keeps those).

    Parameters
    ----------
    sources : folder, file(s), or mapping of str to pandas.DataFrame
        The inputs, as for :func:`netintel.ingest.ingest`.
    driver : neo4j.Driver
        A driver of the case's local server.
    state_dir : str, pathlib.Path or None, default None
        The case's state folder; None means the current case's.
    mapping : str, pathlib.Path, IngestMapping or None, default None
        The mapping file (or a mapping already read); None maps by file name.
    reject_dir : str, pathlib.Path or None, default None
        Folder of the rejects files; None means ``rejects/`` beside the first input.
    timezone : str or None, default None
        Time zone of naive date-times; None means the mapping's, else UTC.
    phone_region : str or None, default None
        Region of national phone numbers; None means the mapping's.
    progress : bool, default True
        Show progress.
    keep_files : bool, default False
        Keep the importer's temporary files.
    file_timeout : float or None, default None
        Seconds each pass over a file may take, as for :func:`netintel.ingest.ingest`
        (None: the mapping's, else :data:`~netintel.ingest.read.FILE_TIMEOUT`; 0: no
        bound). A file past its bound raises before anything is imported, and the
        case's server is running again, its database still empty.

    Returns
    -------
    IngestReport
        What was read, loaded and rejected, per file.

    Raises
    ------
    BulkRefusedError
        When a server is configured, ``driver`` does not talk to the case's local
        server, or the database holds any node but audit events; bad inputs raise as in
        :func:`netintel.ingest.ingest`.
    ReadOnlyError
        When ``driver`` is read-only (the importer writes the store without it).
    """
    if getattr(driver, "read_only", False):
        raise ReadOnlyError("a bulk load writes the database's store")
    sd = _empty_local_case(driver, state_dir)
    version = server_version(driver)
    folder = Path(tempfile.mkdtemp(prefix="bulk-", dir=sd))
    writer = BulkWriter(folder)
    phases: dict[str, float] = {}
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        # the server stops once the first pass has read every input's header, while the
        # rows are checked and the importer's files written (nothing can write into the
        # database from then on); it starts again at the end, also after a failure
        stopping: list[importer.Stopping] = []
        writer.on_begin = lambda: stopping.append(
            stack.enter_context(importer.offline(sd, progress=print if progress else None))
        )
        if not keep_files:
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
        stack.callback(writer.close)
        report = _run(
            sources,
            sink=writer,
            batch_size=50_000,
            mapping=mapping,
            reject_dir=reject_dir,
            timezone=timezone,
            phone_region=phone_region,
            progress=progress,
            file_timeout=file_timeout,
        )
        phases["prepare_and_stream"] = time.perf_counter() - t0
        if stopping:
            phases |= _import(writer, stopping[0], folder, progress)
        t = time.perf_counter()
        stack.close()  # the server starts again
        if stopping:
            phases["start_server"] = time.perf_counter() - t
    t = time.perf_counter()
    _forget_bookmarks(driver)
    apply_schema(driver)
    # as the transactional ingest records it: "running" first (attempts 1), then done
    _record_run(
        driver, report.run_id, report.started, None, 0.0, "running", writer.found, [],
        version, writer.options, None,
    )  # fmt: skip
    phases["schema"] = time.perf_counter() - t
    seconds = time.perf_counter() - t0
    _record_run(
        driver, report.run_id, report.started, datetime.now(UTC), seconds, "complete",
        writer.found, list(report.files), version, writer.options, None,
    )  # fmt: skip
    return dataclasses.replace(
        report,
        seconds=round(seconds, 3),
        neo4j_version=version,
        checked_only=False,
        phases={k: round(v, 3) for k, v in phases.items()},
    )

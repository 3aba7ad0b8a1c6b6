"""Database helpers over an open ``neo4j.Driver``: schema, named queries, housekeeping.

The driver is passed in explicitly (one per process, see ``netintel.config.driver``).
"""

from __future__ import annotations

import json
from typing import Any

import neo4j
import pandas as pd

from netintel.cypher import query
from netintel.exceptions import ClearRefusedError
from netintel.schema import constraint_statements

__all__ = [
    "apply_schema",
    "case_phone_region",
    "clear_graph",
    "graph_summary",
    "ingest_run_list",
    "ingest_runs",
    "rows_held",
    "run_query",
    "server_version",
    "value_changes",
]

#: the columns of :func:`value_changes`, in order
VALUE_CHANGE_COLUMNS = (
    "run", "file", "row", "label", "key", "property", "old", "new",
    "old_file", "old_row", "old_run",
)  # fmt: skip


def apply_schema(driver: neo4j.Driver, *, database: str | None = None) -> int:
    """Create every constraint and index of the schema (idempotent); return how many.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    database : str or None, default None
        The database to create the schema in; None means the server's default.

    Returns
    -------
    int
        The number of schema statements run (the same on every call).
    """
    n = 0
    for stmt in constraint_statements():
        driver.execute_query(stmt, database_=database)
        n += 1
    driver.execute_query(query("await_indexes"), database_=database)
    return n


def run_query(
    driver: neo4j.Driver,
    name: str,
    *,
    database: str | None = None,
    write: bool = False,
    **params: Any,
) -> list[dict[str, Any]]:
    """Run the named query ``cypher/<name>.cypher`` with parameters; rows as dicts.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    name : str
        The query's name: the stem of a file in ``netintel/cypher/``.
    database : str or None, default None
        The database to run the query on; None means the server's default.
    write : bool, default False
        Route the query to a writer (True) or a reader (False).
    **params
        The query's parameters, by name (``$name`` in the Cypher text).

    Returns
    -------
    list of dict
        One dict per record, keyed by the query's return columns.

    Raises
    ------
    SchemaError
        When there is no named query ``name``.
    """
    routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
    records, _, _ = driver.execute_query(
        query(name), parameters_=params, database_=database, routing_=routing
    )
    return [r.data() for r in records]


def graph_summary(driver: neo4j.Driver, *, database: str | None = None) -> pd.DataFrame:
    """Counts per node label and relationship type (the audit log's ``AuditEvent`` nodes
    left out: they grow with every command, see :mod:`netintel.audit`).

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    database : str or None, default None
        The database to count in; None means the server's default.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``name`` and ``count``, sorted by kind and name.
    """
    rows = run_query(driver, "graph_summary", database=database)
    frame = pd.DataFrame(rows, columns=["kind", "name", "count"])
    return frame.sort_values(["kind", "name"], ignore_index=True)


def rows_held(driver: neo4j.Driver, run_id: str, *, database: str | None = None) -> dict[str, int]:
    """Rows of ingest run ``run_id`` the database holds, per source file: counted from the
    provenance of its nodes and relationships, not from the ingest's report.

    An ingest that accounts for every row has ``sum(rows_held(...).values())`` equal to
    its report's ``rows_loaded``.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    run_id : str
        The id of the ingest run.
    database : str or None, default None
        The database holding the run; None means the server's default.

    Returns
    -------
    dict of str to int
        Rows held per source file; empty when the run loaded nothing (or is unknown).
    """
    rows = run_query(driver, "ingest_rows_held", database=database, run=run_id)
    return {str(r["source"]): int(r["rows"]) for r in rows}


def server_version(driver: neo4j.Driver, *, database: str | None = None) -> str:
    """E.g. ``'Neo4j Kernel 5.26.30 community'``.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    database : str or None, default None
        The database to connect through; None means the server's default.

    Returns
    -------
    str
        The server's component name, version and edition, separated by spaces.
    """
    (row,) = run_query(driver, "server_version", database=database)
    return f"{row['name']} {row['version']} {row['edition']}"


def ingest_runs(driver: neo4j.Driver, *, database: str | None = None) -> list[str]:
    """The ids of the ingest runs recorded in the graph, newest first.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    database : str or None, default None
        The database holding the runs; None means the server's default.

    Returns
    -------
    list of str
        The run ids; empty for a graph without ingest runs.
    """
    return [r["run_id"] for r in run_query(driver, "ingest_run_ids", database=database)]


#: the columns of :func:`ingest_run_list`, in order
INGEST_RUN_COLUMNS = (
    "run_id", "started", "user", "status", "files", "rows_loaded", "undone", "undone_by",
)  # fmt: skip


def ingest_run_list(driver: neo4j.Driver, *, database: str | None = None) -> pd.DataFrame:
    """The ingest runs recorded in the graph, newest first, with who ran them and their status.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    database : str or None, default None
        The database holding the runs; None means the server's default.

    Returns
    -------
    pandas.DataFrame
        One row per run: ``run_id``, ``started`` (UTC), ``user`` (the OS user who ran it;
        None for a run recorded before netintel kept it), ``status`` (``running``,
        ``complete``, ``failed``, ``undoing`` or ``undone``), ``files`` (list of the input
        files), ``rows_loaded`` (all files), and for an undone run ``undone`` (when) and
        ``undone_by``. Empty for a graph without ingest runs.
    """
    rows = run_query(driver, "ingest_run_list", database=database)
    for row in rows:
        for name in ("started", "undone"):
            if row[name] is not None:
                row[name] = row[name].to_native()
    return pd.DataFrame(rows, columns=list(INGEST_RUN_COLUMNS))


def value_changes(
    driver: neo4j.Driver, run_id: str | None = None, *, database: str | None = None
) -> pd.DataFrame:
    """The values ingests changed: what a later row set differently from what the graph held.

    An ingest never overwrites a value silently: when a row sets a property of a node or
    relationship the graph already held to a different value, the ingest records the
    change (the new value's file and row, the old value's file, row and ingest run) and
    its report counts it (``FileReport.values_changed``).

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    run_id : str or None, default None
        Only the changes this ingest run made; None: every run's, oldest run first.
    database : str or None, default None
        The database holding the runs; None means the server's default.

    Returns
    -------
    pandas.DataFrame
        One row per changed value: ``run``, ``file``, ``row`` (the row that set the new
        value), ``label`` (node label or relationship type), ``key`` (the node's key, or
        a relationship's ends and key), ``property``, ``old``, ``new``, and ``old_file``,
        ``old_row``, ``old_run`` (where the old value came from). Empty when nothing
        was changed.
    """
    rows = run_query(driver, "value_changes_list", database=database, run=run_id)
    return pd.DataFrame([r["change"] for r in rows], columns=list(VALUE_CHANGE_COLUMNS))


def case_phone_region(driver: neo4j.Driver, *, database: str | None = None) -> str | None:
    """The phone region (``GB``, ``CN``) of the latest ingest that had one, else None.

    This is the region national numbers typed by an analyst are read in.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    database : str or None, default None
        The database holding the ingest runs; None means the server's default.

    Returns
    -------
    str or None
        The region of the newest of the latest 50 ingest runs whose recorded options name
        one; None when none does.
    """
    for row in run_query(driver, "ingest_run_options", database=database, limit=50):
        try:
            options = json.loads(row["options"])
        except (TypeError, ValueError):
            continue
        region = options.get("phone_region") if isinstance(options, dict) else None
        if region:
            return str(region)
    return None


def clear_graph(driver: neo4j.Driver, *, force: bool = False, database: str | None = None) -> None:
    """Delete every node and relationship (constraints and indexes stay).

    A graph that holds ingest runs (``IngestRun`` nodes: a case's loaded records) is
    cleared only with ``force=True``; otherwise :class:`~netintel.exceptions.ClearRefusedError`
    names the runs and nothing is deleted. An empty graph, or one holding only what was
    created without an ingest, is cleared without force.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    force : bool, default False
        Clear the graph even when it holds ingest runs.
    database : str or None, default None
        The database to clear; None means the server's default.

    Raises
    ------
    ClearRefusedError
        When the graph holds ingest runs and ``force`` is False.
    """
    if not force:
        runs = ingest_runs(driver, database=database)
        if runs:
            shown = ", ".join(runs[:3]) + (f" and {len(runs) - 3} more" if len(runs) > 3 else "")
            raise ClearRefusedError(
                f"the graph holds {len(runs)} ingest run(s) ({shown}); clearing it deletes "
                "what they loaded: pass force=True to clear it anyway",
                runs,
            )
    with driver.session(database=database) as session:
        session.run(query("clear_graph")).consume()

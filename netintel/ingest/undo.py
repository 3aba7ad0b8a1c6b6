"""Undo an ingest run: the graph goes back to what it was before the run.

What an undo needs is kept by every ingest (``netintel.ingest.statements`` and the bulk
importer's files): each node and relationship names the run that created it
(:data:`~netintel.schema.CREATED_RUN`) and, when another run wrote it since, its earlier
writers (:data:`~netintel.schema.PRIOR_PROVENANCE`); each value a run changed or added is a
``ValueChange`` record with the old value (null: added) and the element's id.

Undoing run R, in bounded slices of :data:`BATCH` elements, each its own transaction that
also takes away what said what to undo (a ``ValueChange``, the run's name on the element), so
an interrupted undo is finished by running it again (meanwhile the run is ``undoing``, and
no ingest and no undo of another run starts: :class:`~netintel.exceptions.UndoUnfinishedError`):

1. each value R changed gets its old value back, each property R added is removed, and R's
   ``ValueChange`` records go;
2. the relationships R created are deleted, then those of other kinds (analysis results)
   left on the nodes R created, then those nodes;
3. each element R wrote last that existed before R gets its previous writer's provenance
   (``source``, ``source_row``, ``ingest_run``) back;
4. the ``IngestRun`` node is marked ``undone`` (when, by whom) and kept.

The run's elements are found through the indexes the schema keeps on each label's and type's
``ingest_run`` and ``created_run`` (``netintel.ingest.undo_statements``), never by a scan of
the whole graph: an undo and its dry run take time in proportion to what the run wrote (and,
for the check that no later run wrote it too, to what the runs since it wrote).
"""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import neo4j

from netintel.db import apply_schema, run_query
from netintel.exceptions import IngestLockedError, UndoRefusedError
from netintel.ingest.run import (
    _live_lock_holder,
    _release_after_failure,
    _release_lock,
    _take_lock,
    _unfinished_undo,
)
from netintel.ingest.undo_statements import undo_statement

__all__ = ["UndoReport", "undo_run"]

#: elements per transaction (the ValueChange records of the run are read a slice at a time
#: through their index; each kind of element is found through the run indexes of every label
#: or type, and handled ``IN TRANSACTIONS``)
BATCH = 10_000


@dataclass(frozen=True)
class UndoReport:
    """What undoing an ingest run did (or, for a dry run, would do)."""

    run_id: str
    #: nodes the run created, deleted
    nodes_deleted: int
    #: relationships the run created, and those of other kinds on the nodes it created
    relationships_deleted: int
    #: values the run changed, given their old value back
    values_restored: int
    #: properties the run added where the element had none, removed
    properties_removed: int
    #: elements that existed before the run, given their previous writer's provenance back
    provenance_restored: int
    dry_run: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def __str__(self) -> str:
        if self.dry_run:
            head = f"undoing ingest run {self.run_id} would do (dry run, nothing written):"
        else:
            head = f"undid ingest run {self.run_id}:"
        return "\n".join(
            [
                head,
                f"  nodes deleted            {self.nodes_deleted:>9,}",
                f"  relationships deleted    {self.relationships_deleted:>9,}",
                f"  values restored          {self.values_restored:>9,}",
                f"  properties removed       {self.properties_removed:>9,}",
                f"  provenance restored      {self.provenance_restored:>9,}",
            ]
        )


def _swept(driver: neo4j.Driver, name: str, run_id: str, database: str | None) -> int:
    """Run the generated sweep statement ``name`` (a transaction per slice of what it finds:
    an auto-commit transaction); how many elements it handled."""
    with driver.session(database=database) as session:
        rows = list(session.run(undo_statement(name), run=run_id, limit=BATCH))
    return int(rows[0]["done"]) if rows else 0


def _counted(
    driver: neo4j.Driver, name: str, database: str | None, **params: Any
) -> dict[str, Any]:
    """The one row of the generated read-only statement ``name``."""
    records, _, _ = driver.execute_query(
        undo_statement(name),
        parameters_=params,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    (row,) = records
    return row.data()


def _refusal(driver: neo4j.Driver, run_id: str, database: str | None) -> str | None:
    """Why run ``run_id`` cannot be undone now (None: it can)."""
    state = run_query(driver, "ingest_run_undo_state", database=database, run=run_id)
    if not state:
        runs = [r["run_id"] for r in run_query(driver, "ingest_run_ids", database=database)]
        known = ", ".join(runs[:3]) + (" ..." if len(runs) > 3 else "")
        return f"no ingest run {run_id!r} in this database" + (
            f" (newest: {known}; netintel runs lists them)" if runs else " (nothing was ingested)"
        )
    if state[0]["status"] == "undone":
        when = state[0]["undone"]
        since = when.to_native().isoformat(timespec="seconds") if when is not None else "?"
        return f"ingest run {run_id} was undone already ({since}, by {state[0]['undone_by']})"
    unfinished = _unfinished_undo(driver, database, but=run_id)
    if unfinished is not None:
        return str(unfinished)
    (candidates,) = run_query(driver, "ingest_run_undo_later", database=database, run=run_id)
    row = _counted(
        driver, "ingest_run_undo_conflicts", database, run=run_id, later=candidates["later"]
    )
    if row["later"]:
        later = ", ".join(row["later"])
        return (
            f"later ingest runs wrote what ingest run {run_id} wrote: undo them first "
            f"(newest first): {later}"
        )
    if row["unknown"] or row["old_changes"]:
        return (
            f"ingest run {run_id} lacks what an undo needs ({row['unknown']} elements "
            f"without their earlier writers, {row['old_changes']} value changes without "
            "their element: loaded by an older netintel, or the database was copied with "
            "new element ids)"
        )
    holder = _live_lock_holder(driver, database)
    if holder is not None:
        return (
            f"an ingest holds the database (ingest run {holder['run_id']}, pid "
            f"{holder['pid']}, host {holder['host']}): wait for it to finish"
        )
    return None


def undo_run(
    driver: neo4j.Driver,
    run_id: str,
    *,
    database: str | None = None,
    dry_run: bool = False,
) -> UndoReport:
    """Undo ingest run ``run_id``: the graph afterwards equals the graph before the run.

    The nodes and relationships the run created are deleted (relationships first, with
    any relationship of another kind, such as an analysis result, left on a node it
    created); the values it changed get their old values back and the properties it added
    are removed; every element it wrote last that existed before it gets its previous
    writer's provenance (``source``, ``source_row``, ``ingest_run``) back. Its
    ``ValueChange`` records are removed; its ``IngestRun`` node stays, marked
    ``status: 'undone'`` with ``undone`` (when) and ``undone_by`` (the OS user). Loading
    the same files again makes the same run again.

    The work goes in slices of 10,000 elements, one transaction each, holding the ingest
    lock; the run is ``undoing`` meanwhile. An undo that is interrupted leaves no element
    half-undone, and running it again finishes it; until then no ingest and no undo of
    another run starts (each is refused, naming this one). A real undo first creates the
    schema's indexes a database loaded by an older netintel lacks (the dry run reads only).

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    run_id : str
        The ingest run (``netintel runs`` lists them).
    database : str or None, default None
        The database holding the run; None means the server's default.
    dry_run : bool, default False
        Count what the undo would do and write nothing.

    Returns
    -------
    UndoReport
        How many nodes and relationships were deleted, values restored, properties
        removed and elements given their previous provenance back (a dry run: would be).

    Raises
    ------
    UndoRefusedError
        Nothing was undone: the run is unknown, undone already, a later ingest run wrote
        what it wrote (they are named, to be undone first), it was loaded without what an
        undo needs, an ingest holds the database, or the undo of another run was
        interrupted (it is named, to be finished first).

    Examples
    --------
    >>> import pandas as pd
    >>> from netintel import config
    >>> from netintel.ingest import ingest
    >>> with config.driver() as drv:  # doctest: +SKIP
    ...     a = ingest({"persons": pd.DataFrame({"person_id": ["P1"], "name": ["Li"]})},
    ...                driver=drv, progress=False)
    ...     b = ingest({"persons": pd.DataFrame({"person_id": ["P1", "P2"],
    ...                                          "name": ["Li Hui", "Wang"]})},
    ...                driver=drv, progress=False)
    ...     print(undo_run(drv, b.run_id, dry_run=True).values_restored)
    ...     report = undo_run(drv, b.run_id)
    ...     print(report.nodes_deleted, report.values_restored, report.provenance_restored)
    1
    1 1 1
    """
    if not dry_run:
        # the run indexes, in a database loaded before they were declared (a dry run reads)
        apply_schema(driver, database=database)
    why = _refusal(driver, run_id, database)
    if why is not None:
        raise UndoRefusedError(run_id, why)
    if dry_run:
        plan = _counted(driver, "ingest_run_undo_plan", database, run=run_id)
        return UndoReport(
            run_id=run_id,
            nodes_deleted=int(plan["nodes"]),
            relationships_deleted=int(plan["relationships"]),
            values_restored=int(plan["values"]),
            properties_removed=int(plan["added"]),
            provenance_restored=int(plan["provenance"]),
            dry_run=True,
        )
    try:
        token = _take_lock(driver, f"undo {run_id}", database, 0.0, progress=False)
    except IngestLockedError as err:
        raise UndoRefusedError(
            run_id, f"an ingest holds the database ({err.holder}): wait for it to finish"
        ) from None
    try:
        report = _undo(driver, run_id, database)
    except BaseException:
        _release_after_failure(driver, database, token)
        raise
    _release_lock(driver, database, token)
    return report


def _undo(driver: neo4j.Driver, run_id: str, database: str | None) -> UndoReport:
    """The undo itself, with the lock held."""
    user = getpass.getuser()

    def mark(status: str) -> None:
        run_query(
            driver, "ingest_run_undone", database=database, write=True,
            run=run_id, status=status, at=datetime.now(UTC), user=user,
        )  # fmt: skip

    mark("undoing")
    restored = removed = 0
    while True:
        (row,) = run_query(
            driver, "ingest_run_undo_values", database=database, write=True,
            run=run_id, limit=BATCH,
        )  # fmt: skip
        restored += int(row["restored"])
        removed += int(row["removed"])
        if not row["done"]:
            break
    rels = _swept(driver, "ingest_run_undo_created_relationships", run_id, database)
    rels += _swept(driver, "ingest_run_undo_attached_relationships", run_id, database)
    nodes = _swept(driver, "ingest_run_undo_created_nodes", run_id, database)
    provenance = _swept(driver, "ingest_run_undo_provenance_relationships", run_id, database)
    provenance += _swept(driver, "ingest_run_undo_provenance_nodes", run_id, database)
    mark("undone")
    return UndoReport(
        run_id=run_id,
        nodes_deleted=nodes,
        relationships_deleted=rels,
        values_restored=restored,
        properties_removed=removed,
        provenance_restored=provenance,
    )

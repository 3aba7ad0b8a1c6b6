"""Hypotheses written back to Neo4j: one analysis-run node and the rows it proposes.

Two analyses store what they propose rather than what was recorded: link prediction
(``PREDICTED`` relationships between people, :mod:`netintel.predicted`) and chain
inference (``Transfer {inferred: true}`` nodes, :mod:`netintel.inferred`). Both keep the
same shape, declared once here as a :class:`WriteBackStore`:

* one ``(:AnalysisRun {run_id, kind, ...})`` node holding how the result was made,
  claimed with ``cypher/writeback_run_upsert.cypher`` (a run of another ``kind`` is
  left alone and the write refused);
* the run's rows, created by ``cypher/<prefix>_create.cypher`` after its earlier rows are
  deleted by ``cypher/<prefix>_delete.cypher``, all in one transaction, so writing under a
  ``run_id`` again replaces that run's rows and an interrupted write leaves the old ones;
* a reader, ``cypher/<prefix>_read.cypher``, giving one row per stored item.

A row whose people are not in the database makes the create query create fewer items
than asked: the transaction is rolled back and :class:`~netintel.exceptions.DatabaseError`
names the missing ``person_id`` values. :func:`netintel.runs.delete_run` deletes the
rows with their run.

:func:`canonical_json` and :func:`provenance_props` are the JSON text and the
provenance properties every analysis-run node holds (also :func:`netintel.runs.write_run`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
import pandas as pd

from netintel.algorithms.results import Provenance, to_jsonable
from netintel.cypher import query
from netintel.db import run_query
from netintel.exceptions import DatabaseError

__all__ = ["WriteBackStore", "canonical_json", "provenance_props"]


def canonical_json(value: Any) -> str:
    """``value`` as JSON text with sorted keys (stored on runs, and hashed for run ids).

    Parameters
    ----------
    value : Any
        Converted with :func:`~netintel.algorithms.results.to_jsonable` first.

    Returns
    -------
    str

    Examples
    --------
    >>> canonical_json({"b": (1, 2), "a": "李"})
    '{"a": "李", "b": [1, 2]}'
    """
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)


def provenance_props(kind: str, prov: Provenance, *, engine: bool = True) -> dict[str, Any]:
    """The properties of an analysis-run node that say how its result was made.

    Parameters
    ----------
    kind : str
        The run's ``kind`` (``"consensus"``, ``"link_prediction"``...).
    prov : Provenance
        The result's provenance; parameters and versions are stored as JSON text.
    engine : bool
        Store the engine too (default True; chain inference runs have none).

    Returns
    -------
    dict
        ``kind``, ``algorithm``, [``engine``,] ``params``, ``seed``, ``versions``,
        ``input_hash``, ``notes``.

    Examples
    --------
    >>> prov = Provenance(algorithm="katz", params={"beta": 0.1}, seed=1, engine="networkx",
    ...                   versions={}, input_hash="sha256:0", started="", elapsed_s=0.0)
    >>> provenance_props("link_prediction", prov, engine=False)["params"]
    '{"beta": 0.1}'
    """
    props: dict[str, Any] = {"kind": kind, "algorithm": prov.algorithm}
    if engine:
        props["engine"] = prov.engine
    props.update(
        params=canonical_json(prov.params),
        seed=prov.seed,
        versions=canonical_json(prov.versions),
        input_hash=prov.input_hash,
        notes=list(prov.notes),
    )
    return props


@dataclass(frozen=True)
class WriteBackStore:
    """One kind of hypothesis stored with its analysis run (see the module docstring).

    Attributes
    ----------
    kind : str
        ``kind`` of its analysis runs.
    what : str
        The run kind in words, for errors (``"a link prediction"``).
    items : str
        What its rows are, for errors (``"predicted links"``).
    prefix : str
        Its queries are ``cypher/<prefix>_create``, ``_delete`` and ``_read``.
    people : tuple of str
        The keys of a row that hold ``person_id`` values.
    columns : tuple of str
        The columns of :meth:`read`, in order.
    times : tuple of str
        Columns read as epoch milliseconds and returned as UTC times.
    """

    kind: str
    what: str
    items: str
    prefix: str
    people: tuple[str, ...]
    columns: tuple[str, ...]
    times: tuple[str, ...] = ()

    def write(
        self,
        driver: neo4j.Driver,
        run_id: str,
        props: Mapping[str, Any],
        rows: Sequence[Mapping[str, Any]],
        *,
        database: str | None = None,
    ) -> None:
        """Claim run ``run_id`` with ``props`` and replace its rows, in one transaction.

        Parameters
        ----------
        driver : neo4j.Driver
        run_id : str
        props : Mapping
            The run node's properties (``run_id`` and ``kind`` among them).
        rows : sequence of Mapping
            The parameters of the create query, one per item.
        database : str or None

        Raises
        ------
        DatabaseError
            The run is of another kind, or a row's person is not in the database
            (nothing is written).
        """

        def write(tx: neo4j.ManagedTransaction) -> None:
            self._claim(tx, run_id, props)
            tx.run(query(f"{self.prefix}_delete"), run_id=run_id).consume()
            created = tx.run(query(f"{self.prefix}_create"), rows=list(rows), run_id=run_id).single(
                strict=True
            )["created"]
            if created != len(rows):
                self._missing_people(tx, rows)

        with driver.session(database=database) as session:
            session.execute_write(write)

    def _claim(self, tx: neo4j.ManagedTransaction, run_id: str, props: Mapping[str, Any]) -> None:
        before = tx.run(
            query("writeback_run_upsert"), run_id=run_id, kind=self.kind, props=dict(props)
        ).single(strict=True)["before"]
        if before not in (None, self.kind):
            raise DatabaseError(
                f"analysis run {run_id!r} is a {before} run, not {self.what}; "
                "write under another run_id"
            )

    def _missing_people(
        self, tx: neo4j.ManagedTransaction, rows: Sequence[Mapping[str, Any]]
    ) -> None:
        wanted = {r[key] for r in rows for key in self.people}
        found = tx.run(query("person_element_ids"), person_ids=sorted(wanted, key=str))
        missing = sorted(wanted - {r["person_id"] for r in found}, key=str)
        raise DatabaseError(
            f"{len(missing)} person(s) of the {self.items} are not in the database "
            f"(by person_id), e.g. {missing[:3]!r}; nothing was written"
        )

    def read(
        self, driver: neo4j.Driver, run_id: str | None = None, *, database: str | None = None
    ) -> pd.DataFrame:
        """The stored rows of run ``run_id`` (None: of every run), as the read query orders them.

        Parameters
        ----------
        driver : neo4j.Driver
        run_id : str or None
        database : str or None

        Returns
        -------
        pandas.DataFrame
            Columns :attr:`columns` (an empty frame with them when nothing is stored);
            those of :attr:`times` as UTC times.
        """
        rows = run_query(driver, f"{self.prefix}_read", database=database, run_id=run_id)
        frame = pd.DataFrame(rows, columns=list(self.columns))
        for column in self.times:
            frame[column] = pd.to_datetime(frame[column], unit="ms", utc=True)
        return frame

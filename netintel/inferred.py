"""Inferred hand-overs written back to Neo4j as hypotheses, never as recorded transfers.

:func:`write_inferred` stores an :class:`~netintel.investigate.InferredHandovers` result as
one ``(:AnalysisRun {run_id, kind: 'chain_inference', ...})`` node (parameters, versions,
input hash) and one ``(:Transfer {transfer_id, inferred: true, score, run, ...})`` per
proposed hop, with its ``OF`` (victim), ``FROM`` and ``TO`` relationships (no ``AT`` or
``PART_OF``: nothing says where). ``transfer_id`` is ``<run_id>:<hop_id>``, so two runs
never clash with each other or with a recorded transfer. Writing under a ``run_id``
replaces that run's inferred transfers in one transaction, so a re-run never duplicates;
:func:`netintel.runs.delete_run` deletes them with their run.

Every reader of recorded transfers leaves inferred ones out (``cypher/transfers_all``
unless asked with ``inferred=True``, ``projection_transfers``, ``transfer_parties``,
``neighbour_edges``), so victim chains, the transfer network, paths, reports and the
contest see only what was recorded.

The mechanism (one transaction, the run's kind checked, missing people refused) is
:class:`netintel.writeback.WriteBackStore`; :data:`STORE` declares this one.

Usage::

    result = infer_handovers_of(driver)
    run_id = write_inferred(driver, result)
    read_inferred(driver, run_id)     # one row per hop, names beside ids
"""

from __future__ import annotations

import hashlib
from typing import Any

import neo4j
import pandas as pd

from netintel.investigate.infer import INFERRED_COLUMNS, InferredHandovers
from netintel.writeback import WriteBackStore, canonical_json, provenance_props

__all__ = ["KIND", "STORE", "read_inferred", "write_inferred"]

#: ``kind`` of the analysis runs that hold inferred transfers.
KIND = "chain_inference"

#: Columns of a hop (:data:`~netintel.investigate.infer.INFERRED_COLUMNS`) not read back.
_NOT_READ = ("earliest", "latest", "timezone", "channels", "after_transfer", "before_transfer")

#: Inferred transfers: ``cypher/inferred_{create,delete,read}.cypher``.
STORE = WriteBackStore(
    kind=KIND,
    what="a chain inference",
    items="inferred hops",
    prefix="inferred",
    people=("victim", "giver", "receiver"),
    columns=("run", "transfer_id", *(c for c in INFERRED_COLUMNS if c not in _NOT_READ)),
    times=("at",),
)


def _rows(result: InferredHandovers, run_id: str) -> list[dict[str, Any]]:
    return [
        {
            "transfer_id": f"{run_id}:{h.hop_id}",
            "victim": h.victim_id,
            "giver": h.from_id,
            "receiver": h.to_id,
            "props": {
                "hop_id": h.hop_id,
                "at": h.at.to_pydatetime(),
                "score": float(h.score),
                "kind": h.kind,
                "position": int(h.position),
                "rule": h.rule,
                "channels": canonical_json(dict(h.channels)),
                "evidence_count": len(h.evidence),
                "evidence": [str(r) for r in h.evidence],
                "after_transfer": h.after_transfer,
                "before_transfer": h.before_transfer,
            },
        }
        for h in result.hops
    ]


def _run_props(result: InferredHandovers) -> dict[str, Any]:
    """The run's properties without its run_id and timing (the basis of the default id)."""
    hops = canonical_json([[h.hop_id, h.score] for h in result.hops])
    return {
        **provenance_props(KIND, result.provenance, engine=False),
        "hops": len(result.hops),
        "victims": result.victims,
        "hops_hash": "sha256:" + hashlib.sha256(hops.encode()).hexdigest(),
    }


def write_inferred(
    driver: neo4j.Driver,
    result: InferredHandovers,
    *,
    run_id: str | None = None,
    database: str | None = None,
) -> str:
    """Store ``result``'s hops as inferred ``Transfer`` nodes of an analysis run.

    Writing replaces the run's earlier inferred transfers (one transaction).

    Parameters
    ----------
    driver : neo4j.Driver
    result : InferredHandovers
        Its people must be in the database (by ``person_id``).
    run_id : str or None
        Default: ``"infer-"`` and a hash of the parameters, input and hops, so the same
        inference on the same case always lands in the same run.
    database : str or None
        Default: the server's default database.

    Returns
    -------
    str
        The run_id; :func:`read_inferred` reads the run's transfers back.

    Raises
    ------
    DatabaseError
        A ``run_id`` held by another kind of analysis run, or a hop whose person is not
        in the database (nothing is written).
    """
    if not isinstance(result, InferredHandovers):
        raise ValueError(f"expected an InferredHandovers result, not {type(result).__name__}")
    props = _run_props(result)
    digest = hashlib.sha256(canonical_json(props).encode()).hexdigest()
    run_id = run_id or "infer-" + digest[:16]
    prov = result.provenance
    props.update(
        run_id=run_id, started=prov.started, seconds=float(prov.elapsed_s), status="complete"
    )
    STORE.write(driver, run_id, props, _rows(result, run_id), database=database)
    return run_id


def read_inferred(
    driver: neo4j.Driver, run_id: str | None = None, *, database: str | None = None
) -> pd.DataFrame:
    """The inferred transfers of a chain inference run, with the people's names.

    Parameters
    ----------
    driver : neo4j.Driver
    run_id : str or None
        The run (None: every run); rows by run, victim and position.
    database : str or None
        Default: the server's default database.

    Returns
    -------
    pandas.DataFrame
        Columns ``run, transfer_id, hop_id, victim_id, victim_name, kind, position,
        from_id, from_name, to_id, to_name, at`` (UTC), ``score, rule, evidence_count,
        evidence`` (the records, as text).
    """
    return STORE.read(driver, run_id, database=database)

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

Usage::

    result = infer_handovers_of(driver)
    run_id = write_inferred(driver, result)
    read_inferred(driver, run_id)     # one row per hop, names beside ids
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import neo4j
import pandas as pd

from netintel.algorithms.results import to_jsonable
from netintel.cypher import query
from netintel.exceptions import DatabaseError
from netintel.investigate.infer import InferredHandovers

__all__ = ["KIND", "read_inferred", "write_inferred"]

#: ``kind`` of the analysis runs that hold inferred transfers.
KIND = "chain_inference"

_READ_COLUMNS = [
    "run",
    "transfer_id",
    "hop_id",
    "victim_id",
    "victim_name",
    "kind",
    "position",
    "from_id",
    "from_name",
    "to_id",
    "to_name",
    "at",
    "score",
    "rule",
    "evidence_count",
    "evidence",
]


def _dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)


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
                "channels": _dumps(dict(h.channels)),
                "evidence_count": len(h.evidence),
                "evidence": [str(r) for r in h.evidence],
                "after_transfer": h.after_transfer,
                "before_transfer": h.before_transfer,
            },
        }
        for h in result.hops
    ]


def write_inferred(
    driver: neo4j.Driver,
    result: InferredHandovers,
    *,
    run_id: str | None = None,
    database: str | None = None,
) -> str:
    """Store ``result``'s hops as inferred ``Transfer`` nodes of an analysis run; its run_id.

    ``run_id`` defaults to ``"infer-"`` and a hash of the parameters, input and hops, so the
    same inference on the same case always lands in the same run. Writing replaces the
    run's earlier inferred transfers (one transaction). A ``run_id`` held by another kind of
    analysis run, or a hop whose person is not in the database, raises
    :class:`~netintel.exceptions.DatabaseError` and writes nothing.
    """
    if not isinstance(result, InferredHandovers):
        raise ValueError(f"expected an InferredHandovers result, not {type(result).__name__}")
    prov = result.provenance
    hops_hash = hashlib.sha256(
        _dumps([[h.hop_id, h.score] for h in result.hops]).encode()
    ).hexdigest()
    props: dict[str, Any] = {
        "kind": KIND,
        "algorithm": prov.algorithm,
        "params": _dumps(prov.params),
        "seed": prov.seed,
        "versions": _dumps(prov.versions),
        "input_hash": prov.input_hash,
        "notes": list(prov.notes),
        "hops": len(result.hops),
        "victims": result.victims,
        "hops_hash": "sha256:" + hops_hash,
    }
    digest = hashlib.sha256(_dumps(props).encode()).hexdigest()
    run_id = run_id or "infer-" + digest[:16]
    props.update(
        run_id=run_id,
        started=prov.started,
        seconds=float(prov.elapsed_s),
        status="complete",
    )
    rows = _rows(result, run_id)

    def write(tx: neo4j.ManagedTransaction) -> None:
        before = tx.run(query("inferred_run_upsert"), run_id=run_id, props=props).single(
            strict=True
        )["before"]
        if before not in (None, KIND):
            raise DatabaseError(
                f"analysis run {run_id!r} is a {before} run, not a chain inference; "
                "write under another run_id"
            )
        tx.run(query("inferred_delete"), run_id=run_id).consume()
        created = tx.run(query("inferred_create"), rows=rows, run_id=run_id).single(strict=True)[
            "created"
        ]
        if created != len(rows):
            wanted = {p for r in rows for p in (r["victim"], r["giver"], r["receiver"])}
            found = tx.run(query("person_element_ids"), person_ids=sorted(wanted))
            missing = sorted(wanted - {r["person_id"] for r in found})
            raise DatabaseError(
                f"{len(missing)} person(s) of the inferred hops are not in the database "
                f"(by person_id), e.g. {missing[:3]!r}; nothing was written"
            )

    with driver.session(database=database) as session:
        session.execute_write(write)
    return run_id


def read_inferred(
    driver: neo4j.Driver, run_id: str | None = None, *, database: str | None = None
) -> pd.DataFrame:
    """The inferred transfers of run ``run_id`` (None: of every run), by run, victim and
    position; columns ``run, transfer_id, hop_id, victim_id, victim_name, kind, position,
    from_id, from_name, to_id, to_name, at`` (UTC), ``score, rule, evidence_count,
    evidence`` (the records, as text)."""
    records, _, _ = driver.execute_query(
        query("inferred_read"),
        {"run_id": run_id},
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    frame = pd.DataFrame([r.data() for r in records], columns=_READ_COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], unit="ms", utc=True)
    return frame

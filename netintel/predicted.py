"""Predicted links written back to Neo4j as hypotheses, never as evidence.

:func:`write_predictions` stores a :class:`~netintel.algorithms.PredictedLinks` result as
one ``(:AnalysisRun {run_id, kind: 'link_prediction', ...})`` node (method, parameters,
seed, versions, input hash, the holdout evaluation as JSON) and one
``(:Person)-[:PREDICTED {run, method, score, rank, hops, common, common_contacts}]->(:Person)``
per candidate (``netintel.schema.PREDICTED``; ``u -> v`` in the result's order, the link
itself has no direction). Writing under a ``run_id`` replaces that run's earlier
predictions in one transaction, so a re-run never duplicates and an interrupted write
leaves the old ones. :func:`netintel.runs.delete_run` deletes them with their run.

``PREDICTED`` is not in :data:`netintel.schema.RELATIONSHIPS`: the projections
(``cypher/projection_*.cypher``) and path searches (``netintel.investigate.paths``) name
the relationship types they follow, and none of them follows it.

Usage::

    proj = person_call_network(driver)
    result = predict_links(proj.to_networkx(), "katz", k=20, holdout=0.1, seed=1)
    run_id = write_predictions(driver, result, projection=proj)
    read_predictions(driver, run_id)     # one row per link, names beside ids
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import neo4j
import pandas as pd

from netintel.algorithms import PredictedLinks
from netintel.algorithms.results import table_dict, to_jsonable
from netintel.cypher import query
from netintel.exceptions import DatabaseError
from netintel.projection import Projection

__all__ = ["KIND", "read_predictions", "write_predictions"]

#: ``kind`` of the analysis runs that hold predicted links.
KIND = "link_prediction"

_READ_COLUMNS = [
    "run",
    "rank",
    "u",
    "u_name",
    "v",
    "v_name",
    "method",
    "score",
    "hops",
    "common",
    "common_contacts",
]


def _dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)


def _run_props(result: PredictedLinks, projection: Projection | None) -> dict[str, Any]:
    prov = result.provenance
    props: dict[str, Any] = {
        "kind": KIND,
        "algorithm": prov.algorithm,
        "method": result.method,
        "engine": prov.engine,
        "params": _dumps(prov.params),
        "seed": prov.seed,
        "versions": _dumps(prov.versions),
        "input_hash": prov.input_hash,
        "notes": list(prov.notes),
        "label": "Person",
        "node_key": "person_id",
        "projection": projection.name if projection is not None else None,
        "projection_params": _dumps(projection.params) if projection is not None else None,
        "links": len(result.table),
        "candidates": result.candidates,
        "evaluation": None if result.evaluation is None else _dumps(table_dict(result.evaluation)),
    }
    props["result_hash"] = "sha256:" + hashlib.sha256(_dumps(props).encode()).hexdigest()
    props["links_hash"] = (
        "sha256:" + hashlib.sha256(_dumps(table_dict(result.table)).encode()).hexdigest()
    )
    props["started"] = prov.started
    props["seconds"] = float(prov.elapsed_s)
    props["status"] = "complete"
    return props


def _rows(result: PredictedLinks) -> list[dict[str, Any]]:
    rows = []
    for rec in result.table.to_dict(orient="records"):
        rows.append(
            {
                "u": rec["u"],
                "v": rec["v"],
                "props": {
                    "method": result.method,
                    "score": float(rec["score"]),
                    "rank": int(rec["rank"]),
                    "hops": int(rec["hops"]),
                    "common": int(rec["common"]),
                    "common_contacts": [str(x) for x in rec["common_contacts"]],
                },
            }
        )
    return rows


def write_predictions(
    driver: neo4j.Driver,
    result: PredictedLinks,
    *,
    projection: Projection | None = None,
    run_id: str | None = None,
    database: str | None = None,
) -> str:
    """Store ``result``'s candidates as ``PREDICTED`` links of an analysis run; its run_id.

    Parameters
    ----------
    driver : neo4j.Driver
    result : PredictedLinks
        Computed on a network of people: its nodes must be ``person_id`` keys.
    projection : Projection or None
        The projection the network came from (its name and parameters are stored).
    run_id : str or None
        Default: ``"predict-"`` and a hash of the method, parameters, seed and input, so
        the same prediction on the same network always lands in the same run.

    Writing replaces the run's earlier ``PREDICTED`` links (one transaction). A
    ``run_id`` held by another kind of analysis run, or a candidate whose person is not
    in the database, raises :class:`~netintel.exceptions.DatabaseError` and writes
    nothing.
    """
    if not isinstance(result, PredictedLinks):
        raise ValueError(f"expected a PredictedLinks result, not {type(result).__name__}")
    props = _run_props(result, projection)
    run_id = run_id or "predict-" + props["result_hash"].removeprefix("sha256:")[:16]
    props["run_id"] = run_id
    rows = _rows(result)

    def write(tx: neo4j.ManagedTransaction) -> None:
        before = tx.run(query("predicted_run_upsert"), run_id=run_id, props=props).single(
            strict=True
        )["before"]
        if before not in (None, KIND):
            raise DatabaseError(
                f"analysis run {run_id!r} is a {before} run, not a link prediction; "
                "write under another run_id"
            )
        tx.run(query("predicted_delete"), run_id=run_id).consume()
        created = tx.run(query("predicted_create"), rows=rows, run_id=run_id).single(strict=True)[
            "created"
        ]
        if created != len(rows):
            wanted = {r["u"] for r in rows} | {r["v"] for r in rows}
            found = tx.run(query("person_element_ids"), person_ids=sorted(wanted, key=str))
            missing = sorted(wanted - {r["person_id"] for r in found}, key=str)
            raise DatabaseError(
                f"{len(missing)} person(s) of the predicted links are not in the database "
                f"(by person_id), e.g. {missing[:3]!r}; nothing was written"
            )

    with driver.session(database=database) as session:
        session.execute_write(write)
    return run_id


def read_predictions(
    driver: neo4j.Driver, run_id: str | None = None, *, database: str | None = None
) -> pd.DataFrame:
    """The ``PREDICTED`` links of run ``run_id`` (None: of every run), by run and rank.

    Columns: ``run``, ``rank``, ``u``, ``u_name``, ``v``, ``v_name``, ``method``, ``score``,
    ``hops``, ``common``, ``common_contacts``.
    """
    records, _, _ = driver.execute_query(
        query("predicted_read"),
        {"run_id": run_id},
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    return pd.DataFrame([r.data() for r in records], columns=_READ_COLUMNS)

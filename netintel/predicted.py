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

The mechanism (one transaction, the run's kind checked, missing people refused) is
:class:`netintel.writeback.WriteBackStore`; :data:`STORE` declares this one.

Usage::

    proj = person_call_network(driver)
    result = predict_links(proj.to_networkx(), "katz", k=20, holdout=0.1, seed=1)
    run_id = write_predictions(driver, result, projection=proj)
    read_predictions(driver, run_id)     # one row per link, names beside ids
"""

from __future__ import annotations

import hashlib
from typing import Any

import neo4j
import pandas as pd

from netintel.algorithms import PredictedLinks
from netintel.algorithms.results import table_dict
from netintel.projection import Projection
from netintel.writeback import WriteBackStore, canonical_json, provenance_props

__all__ = ["KIND", "STORE", "read_predictions", "write_predictions"]

#: ``kind`` of the analysis runs that hold predicted links.
KIND = "link_prediction"

#: Predicted links: ``cypher/predicted_{create,delete,read}.cypher``.
STORE = WriteBackStore(
    kind=KIND,
    what="a link prediction",
    items="predicted links",
    prefix="predicted",
    people=("u", "v"),
    columns=(
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
    ),
)


def _sha256(value: Any) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(value).encode()).hexdigest()


def _run_props(result: PredictedLinks, projection: Projection | None) -> dict[str, Any]:
    prov = result.provenance
    props: dict[str, Any] = {
        **provenance_props(KIND, prov),
        "method": result.method,
        "label": "Person",
        "node_key": "person_id",
        "projection": projection.name if projection is not None else None,
        "projection_params": (
            canonical_json(projection.params) if projection is not None else None
        ),
        "links": len(result.table),
        "candidates": result.candidates,
        "evaluation": (
            None if result.evaluation is None else canonical_json(table_dict(result.evaluation))
        ),
    }
    props["result_hash"] = _sha256(props)
    props["links_hash"] = _sha256(table_dict(result.table))
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

    Writing replaces the run's earlier ``PREDICTED`` links (one transaction).

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
    database : str or None

    Returns
    -------
    str
        The run_id.

    Raises
    ------
    DatabaseError
        A ``run_id`` held by another kind of analysis run, or a candidate whose person is
        not in the database (nothing is written).
    """
    if not isinstance(result, PredictedLinks):
        raise ValueError(f"expected a PredictedLinks result, not {type(result).__name__}")
    props = _run_props(result, projection)
    run_id = run_id or "predict-" + props["result_hash"].removeprefix("sha256:")[:16]
    props["run_id"] = run_id
    STORE.write(driver, run_id, props, _rows(result), database=database)
    return run_id


def read_predictions(
    driver: neo4j.Driver, run_id: str | None = None, *, database: str | None = None
) -> pd.DataFrame:
    """The ``PREDICTED`` links of a link prediction run, with both people's names.

    Hypotheses, not evidence: no projection or path search follows them.

    Parameters
    ----------
    driver : neo4j.Driver
        Read in READ access mode (a cluster routes it to a secondary).
    run_id : str or None
        The run, or None for every run; rows by run and rank.
    database : str or None

    Returns
    -------
    pandas.DataFrame
        Columns ``run``, ``rank``, ``u``, ``u_name``, ``v``, ``v_name``, ``method``,
        ``score``, ``hops``, ``common``, ``common_contacts``.
    """
    return STORE.read(driver, run_id, database=database)

"""Analysis runs: algorithm results written back to Neo4j, read back, listed and compared.

A run is stored as one ``(:AnalysisRun)`` node holding how the result was made (kind,
algorithm, engine, parameters and versions as JSON, seed, projection and its parameters,
input hash, start time, seconds) and, for every analysed node, one
``(n)-[:IN_RUN {position, community, stability, <score>...}]->(run)`` relationship
holding that node's results (``n`` is a ``Person`` or a ``Phone``; see
``netintel.schema.IN_RUN``). Writes go in batches (``UNWIND``) in managed transactions.

A run is identified by what it computed: the default ``run_id`` is a hash of the result
and its provenance without the timing, so writing the same result again changes nothing,
and an interrupted write can simply be repeated.

Usage::

    proj = person_call_network(driver)
    result = consensus(proj.edge_arrays(), runs=20, seed=1)
    run_id = write_run(driver, result, projection=proj)
    stored = read_run(driver, run_id)          # .table, .provenance, .membership
    list_runs(driver)                          # one row per run
    compare_runs(driver, run_id, other_id)     # NMI, ARI, matching, who moved
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

import neo4j
import numpy as np
import pandas as pd

from netintel.algorithms import (
    Brokerage,
    Communities,
    Consensus,
    KeyPlayers,
    Provenance,
    StructuralHoles,
)
from netintel.algorithms.compare import RunComparison, compare_partitions
from netintel.algorithms.results import TableMixin, table_dict, to_jsonable
from netintel.db import run_query
from netintel.exceptions import DatabaseError
from netintel.projection import Projection
from netintel.schema import ANALYSED_LABELS, ANALYSIS_RUN, IN_RUN, NODES
from netintel.writeback import canonical_json, provenance_props

__all__ = [
    "StoredRun",
    "compare_runs",
    "delete_run",
    "list_runs",
    "read_run",
    "write_run",
]

#: Result classes that can be written, and the ``kind`` they are stored as.
_KINDS: tuple[tuple[type, str], ...] = (
    (Consensus, "consensus"),  # before Communities: a Consensus is a Communities
    (Communities, "communities"),
    (KeyPlayers, "key_players"),
    (Brokerage, "brokerage"),
    (StructuralHoles, "structural_holes"),
)
_COMMUNITY_KINDS = ("communities", "consensus")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class StoredRun(TableMixin):
    """An analysis run read back from the database.

    Attributes
    ----------
    run_id, kind : str
        ``kind`` is ``"communities"``, ``"consensus"``, ``"key_players"``,
        ``"brokerage"`` or ``"structural_holes"``.
    label : str
        Label of the analysed nodes (``"Person"``, ``"Phone"``).
    projection : str or None
        Name of the projection the result was computed on, with ``projection_params``.
    provenance : Provenance
        As the result had it when it was written.
    table : pandas.DataFrame
        Per node, exactly the result's ``to_frame()`` (``node``, ``community``, ...).
    info : Mapping
        Everything else stored on the run (modularity, summary, status, result_hash...).
    """

    run_id: str
    kind: str
    label: str
    projection: str | None
    projection_params: Mapping[str, Any] | None
    provenance: Provenance
    table: pd.DataFrame
    info: Mapping[str, Any]

    @property
    def is_partition(self) -> bool:
        """True for community and consensus runs."""
        return self.kind in _COMMUNITY_KINDS

    @property
    def membership(self) -> dict[Hashable, int]:
        """Node -> community (community runs only)."""
        self._need_partition()
        return dict(zip(self.table["node"].tolist(), self.table["community"].tolist(), strict=True))

    @property
    def communities(self) -> list[frozenset[Hashable]]:
        """The communities in stored order (community runs only)."""
        self._need_partition()
        groups = self.table.groupby("community", sort=True)["node"]
        return [frozenset(g.tolist()) for _, g in groups]

    def _need_partition(self) -> None:
        if not self.is_partition:
            raise ValueError(f"run {self.run_id!r} is a {self.kind} run, not a partition")

    def to_dict(self) -> dict[str, Any]:
        """The run as plain JSON types."""
        return {
            "run_id": self.run_id,
            "kind": self.kind,
            "label": self.label,
            "projection": self.projection,
            "projection_params": to_jsonable(self.projection_params),
            "provenance": self.provenance.to_dict(),
            "rows": table_dict(self.table),
            "info": to_jsonable(dict(self.info)),
        }


# --------------------------------------------------------------------------- writing


def _kind(result: Any) -> str:
    for cls, kind in _KINDS:
        if isinstance(result, cls):
            return kind
    names = ", ".join(cls.__name__ for cls, _ in _KINDS)
    raise ValueError(f"can store {names} results, not {type(result).__name__}")


def _table_digest(table: pd.DataFrame) -> bytes:
    h = hashlib.sha256()
    for name in table.columns:
        col = table[name]
        h.update(f"{name}:{col.dtype};".encode())
        if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            h.update(np.ascontiguousarray(col.to_numpy()).tobytes())
        else:
            h.update("\x00".join(f"{type(v).__name__}:{v!r}" for v in col.tolist()).encode())
    return h.digest()


def _result_props(result: Any, kind: str) -> dict[str, Any]:
    """What a result stores on its run besides provenance and the per-node table."""
    props: dict[str, Any] = {}
    if isinstance(result, Communities):
        props.update(
            communities=len(result.communities),
            modularity=float(result.modularity),
            resolution_scale=float(result.resolution_scale),
            possibly_merged=[int(i) for i in result.possibly_merged],
            summary=canonical_json(table_dict(result.summary())),
        )
    if isinstance(result, Consensus):
        props.update(
            runs=len(result.run_seeds),
            run_seeds=[int(s) for s in result.run_seeds],
            threshold=float(result.threshold),
            rounds=int(result.rounds),
            converged=bool(result.converged),
            community_stability=[float(s) for s in result.community_stability],
        )
    return props


def _prepare(
    result: Any, kind: str, label: str, projection: Projection | None
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The run's properties (without status) and the per-node table."""
    table = result.to_frame()
    if "node" not in table.columns:
        raise ValueError(f"{type(result).__name__}.to_frame() has no 'node' column")
    if table["node"].duplicated().any():
        raise ValueError("the result lists a node twice")
    prov: Provenance = result.provenance
    columns = [c for c in table.columns if c != "node"]
    props: dict[str, Any] = {
        **provenance_props(kind, prov),
        "label": label,
        "node_key": NODES[label].key,
        "projection": projection.name if projection is not None else None,
        "projection_params": canonical_json(projection.params) if projection is not None else None,
        "columns": [str(c) for c in columns],
        "dtypes": [str(table[c].dtype) for c in columns],
        "nodes": len(table),
        **_result_props(result, kind),
    }
    h = hashlib.sha256(canonical_json(props).encode())
    h.update(_table_digest(table))
    props["result_hash"] = "sha256:" + h.hexdigest()
    # timing is not part of what the run computed
    props["started"] = prov.started
    props["seconds"] = float(prov.elapsed_s)
    return props, table


@cache
def _members_statement(label: str) -> str:
    node = NODES[label]
    return "\n".join(
        [
            "UNWIND $rows AS row",
            f"MATCH (n:{node.label} {{{node.key}: row.key}})",
            f"MATCH (run:{ANALYSIS_RUN} {{run_id: $run_id}})",
            f"MERGE (n)-[r:{IN_RUN}]->(run)",
            "SET r = row.props",
            "RETURN count(r) AS written",
        ]
    )


@cache
def _missing_statement(label: str) -> str:
    node = NODES[label]
    return "\n".join(
        [
            "UNWIND $keys AS key",
            f"OPTIONAL MATCH (n:{node.label} {{{node.key}: key}})",
            "WITH key WHERE n IS NULL",
            "RETURN collect(key) AS missing",
        ]
    )


def _rows(table: pd.DataFrame) -> Iterator[dict[str, Any]]:
    columns = [c for c in table.columns if c != "node"]
    values = [table[c].tolist() for c in columns]
    for i, (key, *row) in enumerate(zip(table["node"].tolist(), *values, strict=True)):
        props = {"position": i}
        props.update((c, v) for c, v in zip(columns, row, strict=True) if v is not None)
        yield {"key": key, "props": props}


def write_run(
    driver: neo4j.Driver,
    result: Communities | KeyPlayers | Brokerage | StructuralHoles,
    *,
    projection: Projection | None = None,
    label: str | None = None,
    run_id: str | None = None,
    batch_size: int = 10_000,
    database: str | None = None,
) -> str:
    """Store ``result`` as an analysis run and return its ``run_id``.

    Parameters
    ----------
    driver : neo4j.Driver
    result : Communities, Consensus, KeyPlayers, Brokerage or StructuralHoles
        Its nodes must be keys of ``label`` nodes in the database.
    projection : Projection or None
        The projection the result was computed on: its name and parameters are stored,
        its label is used, and its ``input_hash`` must equal the result's (else
        ValueError: the result was computed on another graph).
    label : str or None
        Label of the analysed nodes when there is no projection (default ``"Person"``).
    run_id : str or None
        Default: ``"run-"`` and a hash of the result and its provenance (timing left
        out), so the same result always gets the same id.
    batch_size : int
        Per-node results per write transaction.
    database : str or None
        The Neo4j database; None means the server's default.

    Idempotent: writing a result under an existing ``run_id`` changes nothing when the
    stored run holds the same result (an interrupted write is completed), and raises
    :class:`~netintel.exceptions.DatabaseError` when it holds another one. Nodes of
    the result missing from the database raise DatabaseError before anything is written.
    """
    kind = _kind(result)
    if projection is not None:
        if label is not None and label != projection.label:
            raise ValueError(f"label {label!r} differs from the projection's {projection.label!r}")
        label = projection.label
        if result.provenance.input_hash != projection.input_hash:
            raise ValueError(
                f"the result was computed on another graph (input hash "
                f"{result.provenance.input_hash}) than projection {projection.name!r} "
                f"({projection.input_hash})"
            )
    label = label or "Person"
    if label not in ANALYSED_LABELS:
        raise ValueError(f"label must be one of {ANALYSED_LABELS}, not {label!r}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    props, table = _prepare(result, kind, label, projection)
    run_id = run_id or "run-" + props["result_hash"].removeprefix("sha256:")[:16]

    keys = table["node"].tolist()
    records, _, _ = driver.execute_query(
        _missing_statement(label),
        {"keys": keys},
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    missing = records[0]["missing"]
    if missing:
        raise DatabaseError(
            f"{len(missing)} node(s) of the result are not {label} nodes in the database "
            f"(by {NODES[label].key}), e.g. {missing[:3]!r}; nothing was written"
        )

    stored = run_query(
        driver, "analysis_run_upsert", database=database, write=True, run_id=run_id, props=props
    )[0]
    stored_hash, status = stored["result_hash"], stored["status"]
    if stored_hash != props["result_hash"]:
        raise DatabaseError(
            f"analysis run {run_id!r} already exists with another result "
            f"({stored_hash}); write under another run_id or delete_run() it first"
        )
    if status == "complete":
        return run_id

    statement = _members_statement(label)
    rows = list(_rows(table))

    def write(tx: neo4j.ManagedTransaction, batch: list[dict[str, Any]]) -> int:
        record = tx.run(statement, rows=batch, run_id=run_id).single(strict=True)
        return int(record["written"])

    with driver.session(database=database) as session:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            written = session.execute_write(write, batch)
            if written != len(batch):  # pragma: no cover - nodes deleted meanwhile
                raise DatabaseError(
                    f"wrote {written} of {len(batch)} results of run {run_id!r}: nodes were "
                    "deleted while writing; write the run again"
                )
    run_query(driver, "analysis_run_complete", database=database, write=True, run_id=run_id)
    return run_id


# --------------------------------------------------------------------------- reading


def _loads(value: Any) -> Any:
    return None if value is None else json.loads(value)


def read_run(driver: neo4j.Driver, run_id: str, *, database: str | None = None) -> StoredRun:
    """The analysis run ``run_id``; DatabaseError when there is none.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    run_id : str
        The run's id (as :func:`write_run` returned it).
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    StoredRun
        The run's provenance and per-node results.

    Raises
    ------
    DatabaseError
        When there is no analysis run ``run_id``.
    """
    records = run_query(driver, "analysis_run_read", database=database, run_id=run_id)
    if not records:
        raise DatabaseError(f"no analysis run {run_id!r}")
    run = dict(records[0]["run"])
    keys, results = records[0]["keys"], records[0]["results"]
    columns, dtypes = list(run.get("columns", [])), list(run.get("dtypes", []))
    order = np.argsort([r["position"] for r in results], kind="stable")
    data: dict[str, Any] = {"node": [keys[i] for i in order]}
    for c in columns:
        data[c] = [results[i].get(c) for i in order]
    table = pd.DataFrame(data, columns=["node", *columns])
    for c, dtype in zip(columns, dtypes, strict=True):
        table[c] = table[c].astype(dtype)
    provenance = Provenance(
        algorithm=run["algorithm"],
        params=MappingProxyType(_loads(run["params"])),
        seed=run.get("seed"),
        engine=run["engine"],
        versions=MappingProxyType(_loads(run["versions"])),
        input_hash=run["input_hash"],
        started=run["started"],
        elapsed_s=float(run["seconds"]),
        notes=tuple(run.get("notes", ())),
    )
    shown = {
        "algorithm",
        "params",
        "seed",
        "engine",
        "versions",
        "input_hash",
        "started",
        "seconds",
        "notes",
        "run_id",
        "kind",
        "label",
        "projection",
        "projection_params",
        "columns",
        "dtypes",
    }
    info = {k: v for k, v in sorted(run.items()) if k not in shown}
    if "summary" in info:
        info["summary"] = _loads(info["summary"])
    return StoredRun(
        run_id=run["run_id"],
        kind=run["kind"],
        label=run["label"],
        projection=run.get("projection"),
        projection_params=_loads(run.get("projection_params")),
        provenance=provenance,
        table=table,
        info=MappingProxyType(info),
    )


def list_runs(
    driver: neo4j.Driver,
    *,
    algorithm: str | None = None,
    projection: str | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """One row per analysis run (optionally of one algorithm / projection), oldest first.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    algorithm : str or None, default None
        Only runs of this algorithm.
    projection : str or None, default None
        Only runs on this projection.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    pandas.DataFrame
        Columns ``run_id``, ``kind``, ``algorithm``, ``engine``, ``seed``, ``projection``,
        ``label``, ``nodes``, ``communities``, ``modularity``, ``input_hash``, ``started``,
        ``seconds``, ``status``.
    """
    records = run_query(
        driver, "analysis_run_list", database=database, algorithm=algorithm, projection=projection
    )
    columns = [
        "run_id",
        "kind",
        "algorithm",
        "engine",
        "seed",
        "projection",
        "label",
        "nodes",
        "communities",
        "modularity",
        "input_hash",
        "started",
        "seconds",
        "status",
    ]
    frame = pd.DataFrame(records, columns=columns)
    for c in ("seed", "nodes", "communities"):
        frame[c] = frame[c].astype("Int64")
    return frame


def delete_run(driver: neo4j.Driver, run_id: str, *, database: str | None = None) -> bool:
    """Delete the run and its per-node results; False when there was no such run.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    run_id : str
        The run's id.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    bool
        True when a run was deleted.
    """
    deleted = run_query(driver, "analysis_run_delete", database=database, write=True, run_id=run_id)
    return bool(deleted[0]["deleted"])


# --------------------------------------------------------------------------- comparing


def compare_runs(
    driver: neo4j.Driver,
    a: str | StoredRun,
    b: str | StoredRun,
    *,
    database: str | None = None,
) -> RunComparison:
    """Compare two community runs stored in the database.

    Parameters
    ----------
    driver : neo4j.Driver
    a, b : str or StoredRun
        Run ids (read with :func:`read_run`) or runs already read; both must be community
        or consensus runs (ValueError otherwise).
    database : str or None
        The Neo4j database; None means the server's default.

    Returns
    -------
    RunComparison
        See :func:`netintel.algorithms.compare_partitions`.
    """
    runs: list[StoredRun] = []
    for which, run in (("a", a), ("b", b)):
        stored = run if isinstance(run, StoredRun) else read_run(driver, run, database=database)
        if not stored.is_partition:
            raise ValueError(f"run {which} ({stored.run_id!r}) is a {stored.kind} run")
        runs.append(stored)
    return compare_partitions(runs[0], runs[1])

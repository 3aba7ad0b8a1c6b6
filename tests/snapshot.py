"""A canonical snapshot of a whole graph, for tests that compare two databases.

:func:`graph_snapshot` returns every node (label, key, every property with its type)
and every relationship (type, the keys of both ends, every property), each list sorted,
with no internal ids: two ingests of the same files give equal snapshots however their
writes were ordered or batched. The ingest's bookkeeping (``IngestRun`` nodes) is left
out unless ``runs=True``; then the properties that differ between any two runs of one
ingest (when and how long, the reject folder) are dropped. :func:`schema_snapshot`
gives the constraints and indexes.

Usage (from a test module; ``tests/`` is on ``sys.path`` under pytest)::

    from snapshot import graph_snapshot

    assert graph_snapshot(driver_a) == graph_snapshot(driver_b)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import neo4j.time

from netintel.schema import BOOKKEEPING, INGEST_RUN, NODES, NodeType

__all__ = ["RUN_TIMES", "graph_snapshot", "schema_snapshot"]

#: the key property of every label netintel writes
KEYS = {n.label: n.key for n in (*NODES.values(), *BOOKKEEPING.values()) if isinstance(n, NodeType)}
#: what differs between any two runs of one ingest: when and how long
RUN_TIMES = frozenset({"started", "finished", "seconds", "file_seconds"})


def _value(v: Any) -> Any:
    """A property value with its type, so that a date-time never equals its text."""
    if isinstance(v, list):
        return ("list", tuple(_value(x) for x in v))
    if isinstance(v, neo4j.time.DateTime):
        return ("DateTime", v.iso_format(), str(v.tzinfo))
    if isinstance(v, neo4j.time.Date):
        return ("Date", v.iso_format())
    return (type(v).__name__, v)


def _props(labels: list[str], props: dict[str, Any]) -> tuple[Any, ...]:
    props = dict(props)
    if INGEST_RUN in labels:
        for name in RUN_TIMES:
            props.pop(name, None)
        # each load may write its rejects to a folder of its own: the same file names
        props["reject_files"] = [Path(f).name for f in props.get("reject_files", [])]
    return tuple(sorted((k, _value(v)) for k, v in props.items()))


def _ident(labels: list[str], props: dict[str, Any]) -> tuple[Any, ...]:
    (label,) = labels
    return (label, _value(props[KEYS[label]]))


def graph_snapshot(driver: neo4j.Driver, *, runs: bool = False) -> dict[str, list[Any]]:
    """Every node and relationship of the graph, canonical and sorted.

    Parameters
    ----------
    driver : neo4j.Driver
        The database to read (its default database).
    runs : bool
        Keep the ``IngestRun`` nodes (without their times); by default they are left out,
        since an interrupted and re-run ingest counts its attempts.

    Returns
    -------
    dict
        ``{"nodes": [((label, key), props), ...], "relationships": [(type, (start label,
        key), (end label, key), props), ...]}``, props as sorted ``(name, typed value)``.
    """
    where = "" if runs else f"WHERE NOT n:{INGEST_RUN} "
    nodes, _, _ = driver.execute_query(
        f"MATCH (n) {where}RETURN labels(n) AS l, properties(n) AS p"
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, labels(a) AS al, properties(a) AS ap, "
        "labels(b) AS bl, properties(b) AS bp, properties(r) AS p"
    )
    return {
        "nodes": sorted((_ident(r["l"], r["p"]), _props(r["l"], r["p"])) for r in nodes),
        "relationships": sorted(
            (r["t"], _ident(r["al"], r["ap"]), _ident(r["bl"], r["bp"]), _props([], r["p"]))
            for r in rels
        ),
    }


def schema_snapshot(driver: neo4j.Driver) -> dict[str, list[Any]]:
    """The constraints and indexes (but the built-in lookup indexes), sorted."""
    constraints, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties"
    )
    indexes, _, _ = driver.execute_query(
        "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, state "
        "WHERE type <> 'LOOKUP'"
    )
    return {
        "constraints": sorted(tuple(map(str, r.values())) for r in constraints),
        "indexes": sorted(tuple(map(str, r.values())) for r in indexes),
    }

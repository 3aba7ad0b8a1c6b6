"""Everything a graph holds, canonical and sorted: for comparing two graphs exactly.

:func:`graph_snapshot` returns every node (its labels, its key: the schema's key property and
value, or all its properties for a label the schema does not declare, and every property with
its type) and every relationship (type, the keys of both ends, every property), each list
sorted, with no internal ids: two ingests of the same files give equal snapshots however their
writes were ordered or batched. The ingest's bookkeeping (``IngestRun`` nodes) is kept unless
``skip_labels`` leaves it out; when kept, what differs between any two runs of one ingest (when
and how long, the reject folder) is dropped. :func:`schema_snapshot` gives the constraints and
indexes.

Usage (from a test module; ``tests/`` is on ``sys.path`` under pytest)::

    from graph_snapshot import graph_snapshot

    assert graph_snapshot(driver_a) == graph_snapshot(driver_b)
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import neo4j
import neo4j.time

from netintel.schema import (
    AUDIT_EVENT,
    BOOKKEEPING,
    CREATED_RUN,
    INGEST_RUN,
    NODES,
    PRIOR_PROVENANCE,
    NodeType,
)

__all__ = ["RUN_TIMES", "WHICH_RUN", "graph_snapshot", "schema_snapshot"]

#: the key property of every label netintel writes
KEYS = {n.label: n.key for n in (*NODES.values(), *BOOKKEEPING.values()) if isinstance(n, NodeType)}
#: the properties that name which ingest run wrote an element, created it, or wrote it before
#: (``skip_properties`` when the same data loaded by other runs must compare equal)
WHICH_RUN = frozenset({"ingest_run", CREATED_RUN, *PRIOR_PROVENANCE})
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


def _props(labels: list[str], props: dict[str, Any], skip: Collection[str]) -> tuple[Any, ...]:
    props = {k: v for k, v in props.items() if k not in skip}
    if INGEST_RUN in labels:
        for name in RUN_TIMES:
            props.pop(name, None)
        # each load may write its rejects to a folder of its own: the same file names
        props["reject_files"] = [Path(f).name for f in props.get("reject_files", [])]
    return tuple(sorted((k, _value(v)) for k, v in props.items()))


def _ident(labels: list[str], props: dict[str, Any]) -> tuple[Any, ...]:
    """The node's identity: its schema key, else every property it has."""
    for label in sorted(labels):
        if label in KEYS:
            return (label, _value(props.get(KEYS[label])))
    return (tuple(sorted(labels)), _props([], props, ()))


def graph_snapshot(
    driver: neo4j.Driver,
    database: str | None = None,
    *,
    skip_labels: Collection[str] = (),
    skip_properties: Collection[str] = (),
) -> dict[str, list[Any]]:
    """Every node and relationship of the graph, canonical and sorted.

    Parameters
    ----------
    driver, database
        Where the graph is (``None``: the server's default database).
    skip_labels
        Nodes with any of these labels (``IngestRun``: the run bookkeeping, since an
        interrupted and re-run ingest counts its attempts) are left out, and so are their
        relationships. ``AuditEvent`` nodes are always left out: they record the commands
        run on the graph (one more for every command), not what the graph holds.
    skip_properties
        Property names left out everywhere (``ingest_run`` to compare two different runs).

    Returns
    -------
    dict
        ``{"nodes": [(labels, key, props), ...], "relationships": [(type, start key, end key,
        props), ...]}``, props as sorted ``(name, typed value)``.
    """
    skip = [*skip_labels, AUDIT_EVENT]
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE none(l IN labels(n) WHERE l IN $skip) "
        "RETURN labels(n) AS l, properties(n) AS p",
        skip=skip,
        database_=database,
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE none(l IN labels(a) + labels(b) WHERE l IN $skip) "
        "RETURN type(r) AS t, labels(a) AS al, properties(a) AS ap, "
        "labels(b) AS bl, properties(b) AS bp, properties(r) AS p",
        skip=skip,
        database_=database,
    )
    node_entries = [
        (tuple(sorted(r["l"])), _ident(r["l"], r["p"]), _props(r["l"], r["p"], skip_properties))
        for r in nodes
    ]
    rel_entries = [
        (
            r["t"],
            _ident(r["al"], r["ap"]),
            _ident(r["bl"], r["bp"]),
            _props([], r["p"], skip_properties),
        )
        for r in rels
    ]
    return {
        "nodes": sorted(node_entries, key=repr),
        "relationships": sorted(rel_entries, key=repr),
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

"""Everything a graph holds, in an order of its own: for comparing two graphs exactly.

Each node is its labels, its key (the schema's key property and value; all its properties for
a label the schema does not declare) and its properties; each relationship its type, the keys
of its two ends and its properties. Lists become tuples; the entries are sorted.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import neo4j

from netintel.schema import NODES

Entry = tuple[Any, ...]


def _plain(value: Any) -> Any:
    return tuple(_plain(v) for v in value) if isinstance(value, list) else value


def _props(props: dict[str, Any], skip: Collection[str]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted((k, _plain(v)) for k, v in props.items() if k not in skip))


def _key(labels: list[str], props: dict[str, Any]) -> tuple[Any, ...]:
    """The node's identity: its schema key, else every property it has."""
    for label in sorted(labels):
        if label in NODES:
            name = NODES[label].key
            return (label, name, _plain(props.get(name)))
    return (tuple(sorted(labels)), _props(props, ()))


def graph_snapshot(
    driver: neo4j.Driver,
    database: str | None = None,
    *,
    skip_labels: Collection[str] = (),
    skip_properties: Collection[str] = (),
) -> list[Entry]:
    """Every node and relationship of the graph, sorted.

    Parameters
    ----------
    driver, database
        Where the graph is (``None``: the server's default database).
    skip_labels
        Nodes with any of these labels (``IngestRun``: the run bookkeeping) are left out, and
        so are their relationships.
    skip_properties
        Property names left out everywhere (``ingest_run`` to compare two different runs).

    Returns
    -------
    list of tuple
        ``("node", labels, key, properties)`` and ``("rel", type, start key, end key,
        properties)``, sorted by their text.
    """
    skip = list(skip_labels)
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE none(l IN labels(n) WHERE l IN $skip) "
        "RETURN labels(n) AS labels, properties(n) AS props",
        skip=skip,
        database_=database,
    )
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE none(l IN labels(a) + labels(b) WHERE l IN $skip) "
        "RETURN type(r) AS type, labels(a) AS al, properties(a) AS ap, "
        "labels(b) AS bl, properties(b) AS bp, properties(r) AS props",
        skip=skip,
        database_=database,
    )
    entries: list[Entry] = [
        (
            "node",
            tuple(sorted(n["labels"])),
            _key(n["labels"], n["props"]),
            _props(n["props"], skip_properties),
        )
        for n in nodes
    ]
    entries += [
        (
            "rel",
            r["type"],
            _key(r["al"], r["ap"]),
            _key(r["bl"], r["bp"]),
            _props(r["props"], skip_properties),
        )
        for r in rels
    ]
    return sorted(entries, key=repr)

"""Shortest and k-shortest paths between two people, every hop with the records behind it.

:func:`evidence_graph` collapses relationship records (one row per relationship:
``u, v, type, id, source, source_row``) into a simple undirected networkx graph whose
edges keep the relationship types and the :class:`~netintel.investigate._base.Record`
of every relationship between the two nodes. :func:`k_shortest_paths` runs Yen's
algorithm on it (``networkx.shortest_simple_paths``), fewest hops first (or least
``weight``). :func:`paths_between` reads only the neighbourhoods of the two people
from Neo4j, over the relationship types asked for, and calls the two.

Nodes are named ``"<Label>:<key>"`` (``"Person:P1"``, ``"Phone:+8613..."``).

>>> import pandas as pd
>>> edges = pd.DataFrame({
...     "u": ["Person:A", "Person:B", "Person:A", "Person:C"],
...     "v": ["Person:B", "Person:D", "Person:C", "Person:D"],
...     "type": ["RELATIVE_OF"] * 4, "source": ["relatives.csv"] * 4,
...     "source_row": [2, 3, 4, 5]})
>>> res = k_shortest_paths(evidence_graph(edges), "Person:A", "Person:D", k=2)
>>> [p.nodes for p in res.paths]
[('Person:A', 'Person:B', 'Person:D'), ('Person:A', 'Person:C', 'Person:D')]
>>> [str(r) for r in res.paths[0].hops[0].records]
['RELATIVE_OF (relatives.csv row 2)']
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from netintel.algorithms.results import Provenance, ResultMixin, Stopwatch, graph_hash
from netintel.investigate._base import Record, fetch_frame, jsonable, records_of, stamp

__all__ = [
    "DEFAULT_TYPES",
    "Hop",
    "Path",
    "Paths",
    "evidence_graph",
    "k_shortest_paths",
    "neighbourhood_edges",
    "paths_between",
]

#: Relationship types :func:`paths_between` follows unless told otherwise.
DEFAULT_TYPES = (
    "USES",
    "CALLED",
    "RELATIVE_OF",
    "FROM",
    "TO",
    "SUSPECT_IN",
    "VICTIM_IN",
    "SEEN_AT",
    "SAME_AS",
)

EDGE_COLUMNS = ("u", "v", "type", "id", "source", "source_row")


@dataclass(frozen=True)
class Hop:
    """One step of a path: the two nodes, the relationship types between them and
    every record that says they are linked."""

    u: str
    v: str
    types: tuple[str, ...]
    records: tuple[Record, ...]


@dataclass(frozen=True)
class Path:
    """A path as nodes and hops; ``cost`` is the hop count or the summed ``weight``."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    cost: float

    @property
    def length(self) -> int:
        return len(self.hops)


@dataclass(frozen=True, eq=False)
class Paths(ResultMixin):
    """k-shortest paths, best first."""

    source: str
    target: str
    paths: tuple[Path, ...]
    provenance: Provenance

    def __len__(self) -> int:
        return len(self.paths)

    def to_frame(self) -> pd.DataFrame:
        """One row per (path, hop, record): ``path, hop, u, v, types, kind, id, source,
        source_row``."""
        rows = [
            {
                "path": i,
                "hop": h + 1,
                "u": hop.u,
                "v": hop.v,
                "types": "|".join(hop.types),
                "kind": r.kind,
                "id": r.id,
                "source": r.source,
                "source_row": r.row,
            }
            for i, p in enumerate(self.paths)
            for h, hop in enumerate(p.hops)
            for r in hop.records
        ]
        cols = ["path", "hop", "u", "v", "types", "kind", "id", "source", "source_row"]
        return pd.DataFrame(rows, columns=cols)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "paths": [
                {
                    "nodes": list(p.nodes),
                    "cost": p.cost,
                    "hops": [
                        {"u": h.u, "v": h.v, "types": list(h.types), "records": jsonable(h.records)}
                        for h in p.hops
                    ],
                }
                for p in self.paths
            ],
            "provenance": self.provenance.to_dict(),
        }


def evidence_graph(edges: pd.DataFrame) -> nx.Graph:
    """A simple undirected graph of ``edges`` (``u, v, type`` + optional ``id, source,
    source_row``); parallel relationships are merged into one edge with ``types``,
    ``records`` and ``count`` (number of records). Self-loops are dropped."""
    for c in ("u", "v", "type"):
        if c not in edges:
            raise ValueError(f"edges frame lacks column {c}")
    e = edges.copy()
    for c in ("id", "source", "source_row"):
        if c not in e:
            e[c] = None
    e = e[e["u"] != e["v"]]
    recs = records_of(e, "?", "id")
    G = nx.Graph()
    for u, v, t, r in zip(e["u"].astype(str), e["v"].astype(str), e["type"], recs, strict=True):
        rec = Record(str(t), r.id, r.source, r.row)
        if G.has_edge(u, v):
            d = G[u][v]
            d["types"] = tuple(sorted(set(d["types"]) | {str(t)}))
            d["records"] = (*d["records"], rec)
            d["count"] += 1
        else:
            G.add_edge(u, v, types=(str(t),), records=(rec,), count=1)
    return G


def k_shortest_paths(
    G: nx.Graph,
    source: Hashable,
    target: Hashable,
    *,
    k: int = 3,
    max_hops: int | None = None,
    weight: str | None = None,
) -> Paths:
    """The ``k`` shortest simple paths from ``source`` to ``target`` (Yen's algorithm).

    Fewest hops first, or least total ``weight`` (an edge attribute holding a
    length). Paths longer than ``max_hops`` are dropped. Each hop carries the
    relationship types and records of its edge (see :func:`evidence_graph`).
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    sw = Stopwatch()
    if source not in G or target not in G:
        missing = source if source not in G else target
        raise ValueError(f"{missing!r} is not in the graph")
    found: list[Path] = []
    try:
        gen = nx.shortest_simple_paths(G, source, target, weight=weight)
        for nodes in islice(gen, k):
            if max_hops is not None and len(nodes) - 1 > max_hops:
                break
            hops = tuple(
                Hop(
                    str(a),
                    str(b),
                    tuple(G[a][b].get("types", ())),
                    tuple(G[a][b].get("records", ())),
                )
                for a, b in pairwise(nodes)
            )
            cost = (
                float(len(hops))
                if weight is None
                else float(sum(G[a][b].get(weight, 1.0) for a, b in pairwise(nodes)))
            )
            found.append(Path(tuple(map(str, nodes)), hops, cost))
    except nx.NetworkXNoPath:
        pass
    params = {"source": source, "target": target, "k": k, "max_hops": max_hops, "weight": weight}
    prov = stamp(sw, "k_shortest_paths", params, graph_hash(G, weight=weight), engine="networkx")
    return Paths(str(source), str(target), tuple(found), prov)


# ------------------------------------------------------------------- database layer


def neighbourhood_edges(
    driver: neo4j.Driver,
    people: Sequence[str],
    *,
    types: Sequence[str] = DEFAULT_TYPES,
    depth: int = 2,
    max_degree: int = 1_000,
    database: str | None = None,
) -> pd.DataFrame:
    """Relationship records within ``depth`` hops of the people (breadth first).

    Nodes with more than ``max_degree`` relationships of the chosen types (a busy
    tower, a big case) are reached but not expanded. Columns :data:`EDGE_COLUMNS`
    with nodes named ``"<Label>:<key>"``.
    """
    start = fetch_frame(
        driver,
        "person_element_ids",
        ["person_id", "eid"],
        database=database,
        person_ids=list(people),
    )
    if len(start) < len(set(people)):
        missing = sorted(set(people) - set(start["person_id"]))
        raise ValueError(f"no Person with person_id {', '.join(missing)}")
    frontier = set(start["eid"])
    seen = set(frontier)
    frames = []
    cols = [
        "u_eid",
        "v_eid",
        "u",
        "v",
        "type",
        "id",
        "source",
        "source_row",
        "rel_eid",
        "v_degree",
    ]
    for _ in range(depth):
        if not frontier:
            break
        got = fetch_frame(
            driver,
            "neighbour_edges",
            cols,
            database=database,
            eids=sorted(frontier),
            types=list(types),
        )
        frames.append(got)
        fresh = got[~got["v_eid"].isin(seen)]
        expand = fresh[fresh["v_degree"] <= max_degree]
        seen |= set(fresh["v_eid"])
        frontier = set(expand["v_eid"])
    if not frames:
        return pd.DataFrame(columns=list(EDGE_COLUMNS))
    edges = pd.concat(frames, ignore_index=True).drop_duplicates("rel_eid")
    return edges[list(EDGE_COLUMNS)].reset_index(drop=True)


def paths_between(
    driver: neo4j.Driver,
    a: str,
    b: str,
    *,
    k: int = 3,
    types: Sequence[str] = DEFAULT_TYPES,
    max_hops: int = 6,
    max_degree: int = 1_000,
    database: str | None = None,
) -> Paths:
    """The ``k`` shortest paths between people ``a`` and ``b`` over ``types``, from Neo4j.

    Reads the neighbourhoods of both people to depth ``ceil(max_hops / 2)``, which
    holds every path of at most ``max_hops`` hops (except through nodes with more
    than ``max_degree`` relationships, which are not expanded).
    """
    if max_hops < 1:
        raise ValueError(f"max_hops must be at least 1, got {max_hops}")
    edges = neighbourhood_edges(
        driver,
        [a, b],
        types=types,
        depth=(max_hops + 1) // 2,
        max_degree=max_degree,
        database=database,
    )
    G = evidence_graph(edges)
    sa, sb = f"Person:{a}", f"Person:{b}"
    G.add_nodes_from([sa, sb])
    return k_shortest_paths(G, sa, sb, k=k, max_hops=max_hops)

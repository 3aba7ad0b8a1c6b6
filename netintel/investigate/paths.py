"""Shortest and k-shortest paths between two people, every hop with the records behind it.

:func:`evidence_graph` collapses relationship records (one row per relationship:
``u, v, type, id, source, source_row``) into a simple undirected networkx graph whose
edges keep the relationship types and the :class:`~netintel.investigate._base.Record`
of every relationship between the two nodes. :func:`k_shortest_paths` runs Yen's
algorithm on it (``networkx.shortest_simple_paths``), fewest hops first (or least
``weight``). :func:`~netintel.investigate.readers.k_shortest_paths_of` reads only
the neighbourhoods of the two people from Neo4j, over the relationship types asked
for (``via``: calls, transfers, cases, ties or all, see :data:`VIA`), and calls the
two. Its ends are people or phones; an id
that is neither raises :class:`~netintel.exceptions.UnknownIdError`, with the
closest ids that exist.

Nodes are named ``"<Label>:<key>"`` (``"Person:P1"``, ``"Phone:+8613..."``); names
(``name`` node attribute, ``u_name``/``v_name`` columns) are shown beside them, and the
time of each record (``at``) in the case's time zone (``tz``).

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
>>> via_types("calls")
('USES', 'CALLED')
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any

import networkx as nx
import pandas as pd

from netintel.algorithms.results import Provenance, ResultMixin, Stopwatch, graph_hash
from netintel.investigate._base import (
    Record,
    jsonable,
    named,
    records_of,
    stamp,
)
from netintel.localtime import localize, to_local, zone_name

__all__ = [
    "DEFAULT_TYPES",
    "VIA",
    "Link",
    "Paths",
    "Route",
    "evidence_graph",
    "k_shortest_paths",
    "via_types",
]

#: Relationship types :func:`~netintel.investigate.readers.k_shortest_paths_of` follows
#: unless told otherwise.
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
    "TIE",
)

#: The kinds of link a path may follow (``k_shortest_paths_of(via=...)``,
#: ``netintel investigate paths --via``) and their relationship types: ``calls``
#: (people through their phones), ``transfers`` (people through the transfer events
#: they gave, received or were moved in), ``cases`` (people through the cases they are
#: suspects in, victims in or reported), ``ties`` (aggregated person-to-person ties, e.g. a
#: published network or a link chart) and ``all`` (:data:`DEFAULT_TYPES`).
VIA: dict[str, tuple[str, ...]] = {
    "calls": ("USES", "CALLED"),
    "transfers": ("FROM", "TO", "OF"),
    "cases": ("SUSPECT_IN", "VICTIM_IN", "REPORTED"),
    "ties": ("TIE",),
    "all": DEFAULT_TYPES,
}

EDGE_COLUMNS = ("u", "v", "type", "id", "source", "source_row", "u_name", "v_name", "at")


def via_types(via: str | Sequence[str]) -> tuple[str, ...]:
    """The relationship types of one kind of link or several (see :data:`VIA`).

    Parameters
    ----------
    via : str or sequence of str
        Kinds of link: keys of :data:`VIA`.

    Returns
    -------
    tuple of str
        Their relationship types, in order, without repeats.

    Examples
    --------
    >>> via_types(["calls", "transfers"])
    ('USES', 'CALLED', 'FROM', 'TO', 'OF')
    """
    kinds = [via] if isinstance(via, str) else list(via)
    if not kinds:
        raise ValueError(f"via needs at least one of {', '.join(VIA)}")
    unknown = [k for k in kinds if k not in VIA]
    if unknown:
        raise ValueError(f"unknown kind of link {unknown[0]!r}: choose from {', '.join(VIA)}")
    return tuple(dict.fromkeys(t for k in kinds for t in VIA[k]))


@dataclass(frozen=True)
class Link:
    """One step of a route: the two nodes, the relationship types between them and
    every record that says they are linked (``times``: each record's time, UTC, or None)."""

    u: str
    v: str
    types: tuple[str, ...]
    records: tuple[Record, ...]
    times: tuple[pd.Timestamp | None, ...] = ()


@dataclass(frozen=True)
class Route:
    """A path through the graph: its nodes and the links between them (``hops``);
    ``cost`` is the hop count or the summed ``weight``."""

    nodes: tuple[str, ...]
    hops: tuple[Link, ...]
    cost: float

    @property
    def length(self) -> int:
        return len(self.hops)


@dataclass(frozen=True, eq=False)
class Paths(ResultMixin):
    """k-shortest paths, best first; ``names`` of the nodes that have one, and the time
    zone ``tz`` the tables show times in (they stay UTC in the hops)."""

    source: str
    target: str
    paths: tuple[Route, ...]
    provenance: Provenance
    names: Mapping[str, str] = field(default_factory=dict)
    tz: str = "UTC"

    def __len__(self) -> int:
        return len(self.paths)

    def label(self, node: str) -> str:
        """``node`` with its name beside it: ``"Person:P1 (Ann Lee)"``."""
        return named(node, self.names.get(node))

    def to_frame(self) -> pd.DataFrame:
        """One row per (path, hop, record): ``path, hop, u, u_name, v, v_name, types, kind,
        id, at, timezone, source, source_row``; ``at`` in the zone ``tz``."""
        rows = [
            {
                "path": i,
                "hop": h + 1,
                "u": hop.u,
                "u_name": self.names.get(hop.u),
                "v": hop.v,
                "v_name": self.names.get(hop.v),
                "types": "|".join(hop.types),
                "kind": r.kind,
                "id": r.id,
                "at": hop.times[j] if j < len(hop.times) else None,
                "timezone": self.tz,
                "source": r.source,
                "source_row": r.row,
            }
            for i, p in enumerate(self.paths)
            for h, hop in enumerate(p.hops)
            for j, r in enumerate(hop.records)
        ]
        cols = ["path", "hop", "u", "u_name", "v", "v_name", "types", "kind", "id", "at"]
        frame = pd.DataFrame(rows, columns=[*cols, "timezone", "source", "source_row"])
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        frame = localize(frame, self.tz, ["at"], zone_column=None)
        return frame

    def to_dict(self) -> dict[str, Any]:
        def records(h: Link) -> list[Any]:
            out = jsonable(h.records)
            for j, rec in enumerate(out):
                t = h.times[j] if j < len(h.times) else None
                rec["at"] = None if t is None else jsonable(to_local(t, self.tz))
            return out

        return {
            "source": self.source,
            "target": self.target,
            "names": dict(self.names),
            "timezone": self.tz,
            "paths": [
                {
                    "nodes": list(p.nodes),
                    "cost": p.cost,
                    "hops": [
                        {"u": h.u, "v": h.v, "types": list(h.types), "records": records(h)}
                        for h in p.hops
                    ],
                }
                for p in self.paths
            ],
            "provenance": self.provenance.to_dict(),
        }


def evidence_graph(edges: pd.DataFrame) -> nx.Graph:
    """A simple undirected graph of ``edges`` (``u, v, type`` + optional ``id, source,
    source_row, u_name, v_name, at``); parallel relationships are merged into one edge
    with ``types``, ``records``, ``times`` (of the records, UTC) and ``count`` (number of
    records). Names become the node attribute ``name``. Self-loops are dropped.

    Parameters
    ----------
    edges : DataFrame
        One row per relationship record.

    Returns
    -------
    networkx.Graph
        Nodes named as in ``u`` and ``v``; edges with ``types, records, times, count``.
    """
    for c in ("u", "v", "type"):
        if c not in edges:
            raise ValueError(f"edges frame lacks column {c}")
    e = edges.copy()
    for c in ("id", "source", "source_row", "u_name", "v_name", "at"):
        if c not in e:
            e[c] = None
    e = e[e["u"] != e["v"]]
    recs = records_of(e, "?", "id")
    times = [to_local(t, "UTC") for t in e["at"]]
    G = nx.Graph()
    for u, v, t, r, at in zip(
        e["u"].astype(str), e["v"].astype(str), e["type"], recs, times, strict=True
    ):
        rec = Record(str(t), r.id, r.source, r.row)
        if G.has_edge(u, v):
            d = G[u][v]
            d["types"] = tuple(sorted(set(d["types"]) | {str(t)}))
            d["records"] = (*d["records"], rec)
            d["times"] = (*d["times"], at)
            d["count"] += 1
        else:
            G.add_edge(u, v, types=(str(t),), records=(rec,), times=(at,), count=1)
    for col, end in (("u_name", "u"), ("v_name", "v")):
        for node, name in zip(e[end].astype(str), e[col], strict=True):
            if isinstance(name, str) and name:
                G.nodes[node]["name"] = name
    return G


def k_shortest_paths(
    G: nx.Graph,
    source: Hashable,
    target: Hashable,
    *,
    k: int = 3,
    max_hops: int | None = None,
    weight: str | None = None,
    tz: str | None = None,
) -> Paths:
    """The ``k`` shortest simple paths from ``source`` to ``target`` (Yen's algorithm).

    Fewest hops first, or least total ``weight`` (an edge attribute holding a
    length). Paths longer than ``max_hops`` are dropped. Each hop carries the
    relationship types, records and times of its edge (see :func:`evidence_graph`);
    the result's tables show the times in the zone ``tz`` (default UTC) and the
    ``name`` of each node that has one.

    Parameters
    ----------
    G : networkx.Graph
        The graph, e.g. an :func:`evidence_graph`.
    source, target : hashable
        The two ends (nodes of ``G``).
    k : int
        How many paths (at least 1).
    max_hops : int or None
        The longest path kept (None: any).
    weight : str or None
        The edge attribute holding a length (None: hops).
    tz : str or None
        The zone the tables show times in (None: UTC).

    Returns
    -------
    Paths
        The routes, best first, with the names of their nodes.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    sw = Stopwatch()
    if source not in G or target not in G:
        missing = source if source not in G else target
        raise ValueError(f"{missing!r} is not in the graph")
    found: list[Route] = []
    try:
        gen = nx.shortest_simple_paths(G, source, target, weight=weight)
        for nodes in islice(gen, k):
            if max_hops is not None and len(nodes) - 1 > max_hops:
                break
            hops = tuple(
                Link(
                    str(a),
                    str(b),
                    tuple(G[a][b].get("types", ())),
                    tuple(G[a][b].get("records", ())),
                    tuple(G[a][b].get("times", ())),
                )
                for a, b in pairwise(nodes)
            )
            cost = (
                float(len(hops))
                if weight is None
                else float(sum(G[a][b].get(weight, 1.0) for a, b in pairwise(nodes)))
            )
            found.append(Route(tuple(map(str, nodes)), hops, cost))
    except nx.NetworkXNoPath:
        pass
    params = {"source": source, "target": target, "k": k, "max_hops": max_hops, "weight": weight}
    prov = stamp(sw, "k_shortest_paths", params, graph_hash(G, weight=weight), engine="networkx")
    on_paths = {n for p in found for n in p.nodes} | {str(source), str(target)}
    names = {
        str(n): str(G.nodes[n]["name"])
        for n in G
        if str(n) in on_paths and isinstance(G.nodes[n].get("name"), str)
    }
    return Paths(str(source), str(target), tuple(found), prov, names, zone_name(tz))

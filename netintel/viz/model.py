"""What a map or an export shows of a graph: typed nodes and edges, redacted if asked.

:func:`describe` reads a networkx graph with the conventions of netintel's
projections and turns it into a :class:`GraphView`: per node its schema label
(``type``), a display name, its community and score, and its key facts; per edge
its relationship type, weight and the records behind it. Maps
(:mod:`netintel.viz`) and exports (:mod:`netintel.export`) both start from it,
so they agree on names, communities and pseudonyms.

Conventions read from the graph (all optional):

* node attribute ``label`` (or a list ``labels``): a schema label such as
  ``"Person"``; a ``label`` that is not a schema label is taken as the display name;
* node attribute ``name``, else the label's key property, else the node id: display name;
* node attributes ``source``, ``source_row``, ``ingest_run``: provenance;
* graph attributes ``label`` and ``projection`` (set by :mod:`netintel.projection`):
  node type and relationship type of nodes and edges that carry none;
* edge attribute ``type`` (else ``layer``): relationship type; ``weight``: weight;
* edge attribute ``records``: the records behind the edge, a list of mappings
  with ``source``, ``source_row``, ``ingest_run`` and a time (``at``); an edge
  with ``source`` but no ``records`` stands for one record itself;
* graph attribute ``timezone``: the zone times are shown in, unless ``tz=`` says.

Times (stored in UTC) in facts and records are converted to the zone ``tz`` (see
:mod:`netintel.localtime`), so maps and exports show local time with its zone.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("p1", label="Person", name="Ann", roles=["suspect"])
>>> G.add_node("+491511", label="Phone")
>>> G.add_edge("p1", "+491511", type="USES", source="phone_users.csv", source_row=4)
>>> view = describe(G)
>>> [(n.id, n.type, n.name) for n in view.nodes]
[('+491511', 'Phone', '+491511'), ('p1', 'Person', 'Ann')]
>>> view.edges[0].records
({'source': 'phone_users.csv', 'source_row': 4},)
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from netintel.algorithms.results import canonical_nodes
from netintel.localtime import is_time, to_local, zone_name
from netintel.schema import NODES, PROVENANCE
from netintel.viz.redact import Redaction
from netintel.viz.style import INFERRED_SUFFIX, community_color

__all__ = [
    "RECORD_TIME_KEYS",
    "CommunitiesLike",
    "EdgeView",
    "GraphView",
    "NodeView",
    "ScoresLike",
    "describe",
    "link_times",
    "record_time",
]

#: Record fields that hold the time of the record, first match wins.
RECORD_TIME_KEYS = ("at", "time", "started_at", "timestamp")

#: A ``Communities`` result (anything with ``.membership``) or a node -> community mapping.
CommunitiesLike = Any
#: Node -> score (a mapping or a pandas Series), a node attribute name, or ``"degree"``.
ScoresLike = Mapping[Hashable, float] | pd.Series | str

_RECORD_FIELDS = ("source", "source_row", "ingest_run", *RECORD_TIME_KEYS)


@dataclass(frozen=True)
class NodeView:
    """One node as shown: ``id`` (a pseudonym when redacted), ``type``, ``name`` and facts."""

    node: Hashable
    id: str
    type: str | None
    name: str
    community: int | None
    score: float | None
    facts: dict[str, Any]
    protected: bool = False


@dataclass(frozen=True)
class EdgeView:
    """One edge (parallel edges of a multigraph merged per type): indices into the nodes."""

    u: int
    v: int
    type: str | None
    weight: float
    records: tuple[dict[str, Any], ...]
    facts: dict[str, Any]

    @property
    def record_count(self) -> int:
        """All the records behind the edge: its ``record_count`` fact when it has one (a
        projection carries a bounded number of ``records``), else ``len(records)``."""
        count = self.facts.get("record_count")
        if isinstance(count, numbers.Integral) and int(count) >= len(self.records):
            return int(count)
        return len(self.records)


@dataclass(frozen=True)
class GraphView:
    """Nodes (canonical order), edges, and what colours and sizes mean."""

    nodes: list[NodeView]
    edges: list[EdgeView]
    directed: bool
    score_name: str | None = None
    community_sizes: tuple[int, ...] = ()
    redacted: bool = False
    notes: tuple[str, ...] = field(default=())
    #: the zone the times of facts and records are in (converted from UTC)
    timezone: str = "UTC"
    #: per community of the view, its rank in the whole result it comes from (0 = largest;
    #: ties by the smallest member id): its colour, the same in every map of that result
    community_colors: tuple[int, ...] = ()
    #: the view's communities that are loose groups of the result (``Communities.loose``):
    #: a crowd around the gangs rather than a gang
    community_loose: frozenset[int] = frozenset()

    def color_of(self, community: int) -> str:
        """The colour of the view's community ``community`` (its rank in the whole result;
        a group the view adds, such as an overview's "no community", follows the last)."""
        colors = self.community_colors
        return community_color(colors[community] if community < len(colors) else community)

    def types(self) -> list[str | None]:
        """Node types present, schema order first, then others alphabetically."""
        present = {n.type for n in self.nodes}
        known = [label for label in NODES if label in present]
        others = sorted(t for t in present if t is not None and t not in NODES)
        return [*known, *others, *([None] if None in present else [])]

    def rel_types(self) -> list[str | None]:
        """Relationship types present, most frequent first."""
        counts = Counter(e.type for e in self.edges)
        return sorted(counts, key=lambda t: (-counts[t], str(t)))


def _node_type(data: Mapping[str, Any], type_attr: str, default_type: str | None) -> str | None:
    value = data.get(type_attr)
    if isinstance(value, str) and value in NODES:
        return value
    labels = data.get("labels")
    if isinstance(labels, list | tuple | set | frozenset):
        for label in sorted(map(str, labels)):
            if label in NODES:
                return label
    if type_attr != "label" and isinstance(value, str) and value:
        return value
    return default_type


def _display_name(
    node: Hashable, data: Mapping[str, Any], label: str | None, type_attr: str, name_attr: str
) -> str:
    name = data.get(name_attr)
    if name not in (None, "") and not (isinstance(name, float) and math.isnan(name)):
        return str(name)
    if label in NODES and data.get(NODES[label].key) not in (None, ""):
        return str(data[NODES[label].key])
    shown = data.get("label")
    if type_attr == "label" and isinstance(shown, str) and shown and shown not in NODES:
        return shown
    return str(node)


def _ordered_facts(label: str | None, data: Mapping[str, Any], skip: set[str]) -> dict[str, Any]:
    """Key property, schema properties in schema order, other attributes, provenance last."""
    keys: list[str] = []
    if label in NODES:
        node_type = NODES[label]
        keys += [node_type.key, *(p.name for p in node_type.props)]
    rest = [k for k in data if k not in keys and k not in PROVENANCE]
    keys += sorted(rest, key=str) + list(PROVENANCE)
    out: dict[str, Any] = {}
    for k in keys:
        if k in skip or k not in data:
            continue
        value = data[k]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        out[k] = value
    return out


def _membership(
    communities: CommunitiesLike, nodes: list[Hashable]
) -> tuple[dict[Hashable, int], tuple[int, ...]]:
    """Node -> community rank in this view (0 = largest here; ties by first node in
    canonical order), and per rank the community's rank in the whole result (ties by the
    smallest member id), which picks its colour: the same in every map of that result."""
    if communities is None:
        return {}, ()
    raw: Any = getattr(communities, "membership", communities)
    if not isinstance(raw, Mapping):
        raise ValueError("communities must be a Communities result or a node -> community mapping")
    sizes = Counter(raw[v] for v in nodes if v in raw)
    first: dict[Hashable, int] = {}
    for i, v in enumerate(nodes):
        if v in raw:
            first.setdefault(raw[v], i)
    ranked = sorted(sizes, key=lambda c: (-sizes[c], first[c]))
    rank = {c: i for i, c in enumerate(ranked)}
    everywhere = Counter(raw.values())
    least: dict[Hashable, str] = {}
    for v, c in raw.items():
        if c not in least or str(v) < least[c]:
            least[c] = str(v)
    order = sorted(everywhere, key=lambda c: (-everywhere[c], least[c]))
    overall = {c: i for i, c in enumerate(order)}
    return {v: rank[raw[v]] for v in nodes if v in raw}, tuple(overall[c] for c in ranked)


def _scores(G: nx.Graph, size_by: ScoresLike | None) -> tuple[dict[Hashable, float], str | None]:
    if size_by is None:
        return {}, None
    if isinstance(size_by, str):
        attr = dict(G.nodes(data=size_by))
        if any(v is not None for v in attr.values()):
            values: Mapping[Hashable, Any] = attr
        elif size_by == "degree":
            values = dict(G.degree())
        else:
            raise ValueError(f"no node has attribute {size_by!r} to size nodes by")
        name = size_by
    elif isinstance(size_by, pd.Series):
        values = size_by.to_dict()
        name = str(size_by.name) if size_by.name is not None else "score"
    else:
        values = size_by
        name = "score"
    out: dict[Hashable, float] = {}
    for node, value in values.items():
        if isinstance(value, numbers.Real) and not math.isnan(float(value)):
            out[node] = float(value)
    return out, name


def _records(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    recs = data.get("records")
    if isinstance(recs, list | tuple):
        return [dict(r) for r in recs if isinstance(r, Mapping)]
    if data.get("source") is not None:
        return [{k: data[k] for k in _RECORD_FIELDS if data.get(k) is not None}]
    return []


def _local(data: Mapping[str, Any], tz: str) -> dict[str, Any]:
    """``data`` with its times (UTC as stored) in the zone ``tz``."""
    return {k: to_local(v, tz) if is_time(v) else v for k, v in data.items()}


def _weight(data: Mapping[str, Any], weight: str | None) -> float:
    if weight is None:
        return 1.0
    value = data.get(weight, 1.0)
    if not isinstance(value, numbers.Real) or math.isnan(float(value)):
        return 1.0
    return float(value)


def _node_views(
    G: nx.Graph,
    nodes: list[Hashable],
    member: Mapping[Hashable, int],
    scores: Mapping[Hashable, float],
    *,
    type_attr: str,
    name_attr: str,
    default_type: str | None,
    redaction: Redaction | None,
    zone: str,
) -> list[NodeView]:
    """One :class:`NodeView` per node, in ``nodes`` order; ids shown are unique."""
    skip = {type_attr, "labels", "records"}
    views: list[NodeView] = []
    for node in nodes:
        data = G.nodes[node]
        label = _node_type(data, type_attr, default_type)
        name = _display_name(node, data, label, type_attr, name_attr)
        protected = False
        if redaction is None:
            shown = str(node)
            facts = _ordered_facts(label, data, skip | {name_attr, "label"})
        else:
            protected = redaction.is_protected(label, data)
            shown = redaction.node_id(node, label)
            clean = redaction.node_data(label, data)
            facts = _ordered_facts(label, clean, skip | {"label"})
            if protected or label not in NODES or label in ("Person", "Phone", "Sample"):
                name = shown
        facts = _local(facts, zone)
        views.append(
            NodeView(node, shown, label, name, member.get(node), scores.get(node), facts, protected)
        )
    if len({v.id for v in views}) != len(views):
        dup = Counter(v.id for v in views).most_common(1)[0][0]
        raise ValueError(f"two nodes are shown with the same id {dup!r}; give them distinct ids")
    return views


def _edge_views(
    G: nx.Graph,
    views: list[NodeView],
    *,
    weight: str | None,
    rel_attr: str,
    redaction: Redaction | None,
    zone: str,
) -> list[EdgeView]:
    """One :class:`EdgeView` per pair of nodes and relationship type, parallel edges merged."""
    # a projection's links are drawn as the schema relationship they aggregate, if one
    default_rel = G.graph.get("relationship", G.graph.get("projection"))
    index = {v.node: i for i, v in enumerate(views)}
    merged: dict[tuple[int, int, str | None], list[Any]] = {}
    for u, v, data in G.edges(data=True):
        i, j = index[u], index[v]
        if not G.is_directed() and j < i:
            i, j = j, i
        rel = data.get(rel_attr, data.get("layer", default_rel))
        rel = None if rel is None else str(rel)
        if data.get("inferred") is True:  # a proposed link: its own, dashed, type
            rel = f"{rel or 'link'}{INFERRED_SUFFIX}"
        recs = _records(data)
        facts = {
            k: val
            for k, val in data.items()
            if k not in {rel_attr, "records", weight} and val is not None
        }
        if redaction is not None:
            recs = [redaction.record(r) for r in recs]
            facts = redaction.edge_data(facts)
        recs = [_local(r, zone) for r in recs]
        facts = _local(facts, zone)
        slot = merged.get((i, j, rel))
        if slot is None:
            merged[(i, j, rel)] = [_weight(data, weight), recs, facts, 1]
        else:  # parallel edges: weights add up, records join, facts kept where all agree
            slot[0] += _weight(data, weight)
            slot[1].extend(recs)
            slot[2] = {k: val for k, val in slot[2].items() if facts.get(k) == val}
            slot[3] += 1
    edges = []
    for (i, j, rel), (w, recs, facts, count) in sorted(
        merged.items(), key=lambda kv: (kv[0][0], kv[0][1], str(kv[0][2]))
    ):
        if count > 1:
            facts = {**facts, "parallel_edges": count}
        edges.append(EdgeView(i, j, rel, w, tuple(recs), facts))
    return edges


def describe(
    G: nx.Graph,
    *,
    communities: CommunitiesLike = None,
    size_by: ScoresLike | None = None,
    weight: str | None = "weight",
    type_attr: str = "label",
    name_attr: str = "name",
    rel_attr: str = "type",
    default_type: str | None = None,
    redaction: Redaction | None = None,
    tz: str | None = None,
) -> GraphView:
    """The :class:`GraphView` of ``G``; see the module docs for the attributes read.

    Parameters
    ----------
    G : networkx graph
    communities : Communities or mapping, optional
        Numbered by size in the view (0 = largest).
    size_by : mapping, Series, node attribute name or ``"degree"``, optional
        The score of each node.
    weight : str or None
        Edge attribute of the weight (parallel edges are summed).
    type_attr, name_attr, rel_attr : str
        Node type, display name and relationship type attributes.
    default_type : str, optional
        Schema label of nodes without one (default: a projection's node label).
    redaction : Redaction, optional
        Pseudonyms for people, protected people's details hidden.
    tz : str, optional
        Times in facts and records are shown in ``tz`` (default: the graph attribute
        ``timezone``, else UTC).

    Returns
    -------
    GraphView

    Examples
    --------
    >>> view = describe(nx.MultiGraph([("a", "b"), ("a", "b")]))
    >>> [(n.id, n.name) for n in view.nodes], [(e.u, e.v, e.weight) for e in view.edges]
    ([('a', 'a'), ('b', 'b')], [(0, 1, 2.0)])
    """
    zone = zone_name(tz if tz is not None else G.graph.get("timezone"))
    nodes = canonical_nodes(G)
    if default_type is None and G.graph.get("label") in NODES:  # a projection's node label
        default_type = G.graph["label"]
    member, colors = _membership(communities, nodes)
    scores, score_name = _scores(G, size_by)
    views = _node_views(
        G,
        nodes,
        member,
        scores,
        type_attr=type_attr,
        name_attr=name_attr,
        default_type=default_type,
        redaction=redaction,
        zone=zone,
    )
    edges = _edge_views(G, views, weight=weight, rel_attr=rel_attr, redaction=redaction, zone=zone)
    sizes = Counter(member.values())
    raw = getattr(communities, "membership", None) or {}
    loose = set(getattr(communities, "loose", ()) or ())
    return GraphView(
        community_loose=frozenset(c for v, c in member.items() if raw.get(v) in loose),
        nodes=views,
        edges=edges,
        directed=G.is_directed(),
        score_name=score_name,
        community_sizes=tuple(sizes[c] for c in range(len(sizes))),
        community_colors=colors,
        redacted=redaction is not None,
        timezone=zone,
    )


def record_time(record: Mapping[str, Any]) -> Any:
    """The time of a record: its first of :data:`RECORD_TIME_KEYS` that is set, else None.

    Parameters
    ----------
    record : mapping
        One record behind a link (``source``, ``source_row``, a time, values).

    Returns
    -------
    object
        The value of its first time field that is set (a datetime, or text), else None.

    Examples
    --------
    >>> record_time({"source": "calls.csv", "started_at": "2023-05-01T10:00"})
    '2023-05-01T10:00'
    """
    return next((record[k] for k in RECORD_TIME_KEYS if record.get(k) is not None), None)


def _epoch_ms(value: Any) -> int | None:
    """A time shown by the view (a datetime, local with its zone) as UTC epoch milliseconds."""
    if not is_time(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:  # naive times are taken as UTC, as stored
        stamp = stamp.tz_localize("UTC")
    return int(stamp.value // 1_000_000)


def link_times(edge: EdgeView) -> tuple[int, ...]:
    """The times of a link's events as UTC epoch milliseconds, sorted and distinct.

    The events are the link's records (their time, see :data:`RECORD_TIME_KEYS`) and
    its time-valued facts (such as ``first_call``, ``last_call``, ``first_transfer``).

    Parameters
    ----------
    edge : EdgeView
        A link of a :class:`GraphView`.

    Returns
    -------
    tuple of int
        Milliseconds since 1970-01-01 UTC, ascending; empty when the link has no time.

    Examples
    --------
    >>> import datetime as dt
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", first_call=dt.datetime(2023, 5, 1, 18, 10, tzinfo=dt.UTC),
    ...            records=[{"at": dt.datetime(2023, 5, 1, 18, 10, tzinfo=dt.UTC)},
    ...                     {"at": dt.datetime(2023, 5, 2, tzinfo=dt.UTC)}])
    >>> link_times(describe(G, tz="Asia/Shanghai").edges[0])
    (1682964600000, 1682985600000)
    >>> link_times(describe(nx.Graph([("a", "b")])).edges[0])
    ()
    """
    values = [record_time(r) for r in edge.records]
    values += list(edge.facts.values())
    return tuple(sorted({ms for ms in map(_epoch_ms, values) if ms is not None}))

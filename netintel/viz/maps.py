"""Interactive network maps: one self-contained HTML file, offline, at scale.

See :func:`network_map` for what a map shows; :func:`map_html` returns the page
as text and :func:`notebook_view` shows a page inline in Jupyter.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, Unpack

import networkx as nx
import numpy as np

from netintel.localtime import format_local, zone_periods
from netintel.outfiles import write_text
from netintel.schema import NODES
from netintel.viz.layout import (
    boxes_arrays,
    geo_arrays,
    hierarchical_arrays,
    induced_edges,
    layout_arrays,
)
from netintel.viz.model import (
    RECORD_TIME_KEYS,
    CommunitiesLike,
    EdgeView,
    GraphView,
    NodeView,
    ScoresLike,
    describe,
    link_times,
    record_time,
)
from netintel.viz.page import page_html
from netintel.viz.redact import PROTECTED_ROLES, Redaction, roles_of
from netintel.viz.style import NODE_SIZE, edge_style, node_style, scaled

__all__ = [
    "DEFAULT_MAX_NODES",
    "LAYOUTS",
    "MapOptions",
    "map_html",
    "network_map",
    "notebook_view",
    "show",
    "to_pyvis",
]

#: Above this many nodes a map opens on an overview with one node per community.
DEFAULT_MAX_NODES = 5000
#: Layouts a map can have; ``"auto"`` picks one from the graph (see :func:`network_map`).
LAYOUTS = ("auto", "force", "hierarchical", "boxes", "geo")
#: Node attributes read as a place's latitude and longitude (the geographic layout).
GEO_KEYS = ("lat", "lon")
#: Edge attributes read, in this order, as the time of a link (hierarchical layout).
EDGE_TIME_KEYS = ("first_transfer", *RECORD_TIME_KEYS)
#: Projections whose maps are hierarchical, and those whose communities get boxes.
_TIMED_PROJECTIONS = ("transfers",)
_CALL_PROJECTIONS = ("person_calls", "phone_calls")
#: Records listed in an edge's tooltip (the rest are counted).
TOOLTIP_RECORDS = 10
#: Records listed in the evidence panel for a clicked link or node (the rest are counted).
PANEL_RECORDS = 20
_LABEL_CHARS = 40
#: The colour of an overview's group of nodes without a community: a light grey, which no
#: community's colour is (the palette's grey is darker, the hues after it are saturated).
NO_COMMUNITY_COLOR = "#d9d9d9"


def _fmt(value: Any) -> str:
    if isinstance(value, dt.datetime):  # local already (describe): name the zone, say its offset
        return format_local(value, value.tzinfo, named=True)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_fmt(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}={_fmt(v)}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "\u2026"


def _record_line(rec: Mapping[str, Any]) -> str:
    parts = []
    if rec.get("source") is not None:
        row = rec.get("source_row")
        parts.append(f"{rec['source']}" + (f" row {row}" if row is not None else ""))
    for key in RECORD_TIME_KEYS:
        if rec.get(key) is not None:
            parts.append(_fmt(rec[key]))
            break
    if rec.get("ingest_run") is not None:
        parts.append(f"run {rec['ingest_run']}")
    rest = [
        f"{k}={_fmt(v)}"
        for k, v in rec.items()
        if k not in ("source", "source_row", "ingest_run", *RECORD_TIME_KEYS) and v is not None
    ]
    return " \u00b7 ".join(parts + rest) or "(record without provenance)"


def _has_times(view: GraphView) -> bool:
    values = [v for n in view.nodes for v in n.facts.values()]
    values += [v for e in view.edges for v in e.facts.values()]
    values += [v for e in view.edges for r in e.records for v in r.values()]
    return any(isinstance(v, dt.datetime) for v in values)


def community_names(view: GraphView, groups: np.ndarray, scores: np.ndarray) -> list[str]:
    """A name for each community, after its leader: ``"贾涛's group"``.

    The leader is the member with the highest score (the map's ``size_by``), else the one
    with the most links inside the community; protected people (victims) never name a
    group. A community of protected people only keeps its number.

    >>> import networkx as nx
    >>> from netintel.viz.model import describe
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("x", "y")])
    >>> nx.set_node_attributes(G, {"a": "贾涛", "x": "Ann"}, "name")
    >>> view = describe(G, communities={"a": 0, "b": 0, "c": 0, "x": 1, "y": 1})
    >>> community_names(view, np.array([n.community for n in view.nodes]), np.full(5, np.nan))
    ["贾涛's group", "Ann's group"]

    Two leaders of one name: the leader's id follows the name.

    >>> nx.set_node_attributes(G, {"a": "Ann"}, "name")
    >>> view = describe(G, communities={"a": 0, "b": 0, "c": 0, "x": 1, "y": 1})
    >>> community_names(view, np.array([n.community for n in view.nodes]), np.full(5, np.nan))
    ["Ann's group (a)", "Ann's group (x)"]
    """
    k = int(groups.max()) + 1 if len(groups) else 0
    inside = np.zeros(len(view.nodes))
    for e in view.edges:
        if groups[e.u] == groups[e.v] >= 0:
            inside[e.u] += 1
            inside[e.v] += 1
    key = np.where(np.isnan(scores), -np.inf, scores) if not np.isnan(scores).all() else inside
    names = [f"community {c}" for c in range(k)]
    best = np.full(k, -np.inf)
    leader = np.full(k, -1)
    for i, n in enumerate(view.nodes):
        c = int(groups[i])
        victim = n.protected or bool(roles_of(n.facts) & PROTECTED_ROLES)
        if c >= 0 and not victim and key[i] > best[c]:
            best[c] = key[i]
            leader[c] = i
            names[c] = f"{n.name}'s group"
    # two leaders of one name (common names are common): their ids tell the groups apart
    count = Counter(names)
    return [
        f"{name} ({view.nodes[leader[c]].id})"
        if count[name] > 1
        and leader[c] >= 0
        and view.nodes[leader[c]].id != view.nodes[leader[c]].name
        else name
        for c, name in enumerate(names)
    ]


def _node_title(n: NodeView, view: GraphView, degree: int, community: str | None) -> str:
    lines = [f"{n.type or 'node'} \u00b7 {n.name}"]
    if n.id != n.name:
        lines.append(f"id: {n.id}")
    if n.protected:
        lines.append("details hidden (protected person)")
    if community is not None:
        lines.append(f"community: {community}")
    if n.score is not None and view.score_name:
        lines.append(f"{view.score_name}: {n.score:.4g}")
    lines.append(f"links: {degree}")
    lines += [f"{k}: {_fmt(v)}" for k, v in n.facts.items()]
    return "\n".join(lines)


def _edge_title(e: EdgeView, view: GraphView, weight: str | None) -> str:
    arrow = "\u2192" if view.directed else "\u2014"
    u, v = view.nodes[e.u].name, view.nodes[e.v].name
    lines = [f"{e.type or 'link'}: {u} {arrow} {v}"]
    if weight is not None:
        lines.append(f"{weight}: {e.weight:.4g}")
    lines += [f"{k}: {_fmt(val)}" for k, val in e.facts.items()]
    if e.records:
        lines.append(f"records ({e.record_count}):")
        lines += ["  " + _record_line(r) for r in e.records[:TOOLTIP_RECORDS]]
        if e.record_count > TOOLTIP_RECORDS:
            lines.append(
                f"  \u2026 and {e.record_count - min(len(e.records), TOOLTIP_RECORDS)} more"
            )
    return "\n".join(lines)


def _nice(x: float) -> str:
    """A number as a reader takes it in: two significant digits, no exponent, 1,234 grouped.

    >>> [_nice(v) for v in (0.0004655, 0.03812, 3.0, 12.6, 1234.4, 0.0)]
    ['0.00047', '0.038', '3', '13', '1,234', '0']
    """
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    if abs(x) >= 100:
        return f"{round(x):,}"
    digits = max(0, 1 - math.floor(math.log10(abs(x))))
    text = f"{round(x, digits):.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _range_text(what: str, name: str | None, values: np.ndarray) -> str:
    """The legend line of a size or width scale: what it shows, from the least to the most.

    >>> _range_text("node size", "pagerank", np.array([0.0004655, 0.03812, np.nan]))
    'node size: pagerank, 0.00047 (smallest) to 0.038 (largest)'
    """
    ok = values[~np.isnan(values)]
    if name is None or not len(ok) or ok.min() == ok.max():
        return f"{what}: uniform"
    return f"{what}: {name}, {_nice(ok.min())} (smallest) to {_nice(ok.max())} (largest)"


def _highlights(highlight: Any, view: GraphView) -> list[int]:
    if highlight is None:
        return []
    wanted = set(highlight) if isinstance(highlight, list | set | frozenset) else {highlight}
    return [i for i, n in enumerate(view.nodes) if n.node in wanted]


def _coordinates(G: nx.Graph, view: GraphView) -> tuple[np.ndarray, np.ndarray]:
    """Per node of the view its latitude and longitude (NaN where it has none, or a value
    that is not a number in range)."""
    lat = np.full(len(view.nodes), np.nan)
    lon = np.full(len(view.nodes), np.nan)
    for i, n in enumerate(view.nodes):
        data = G.nodes[n.node]
        a, b = (data.get(k) for k in GEO_KEYS)
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (a, b))
        if numbers and -90 <= a <= 90 and -180 <= b <= 180:
            lat[i], lon[i] = a, b
    return lat, lon


def _chosen_layout(G: nx.Graph, view: GraphView, kind: str, communities: Any) -> str:
    """The layout ``"auto"`` stands for: hierarchical for transfers (the ``transfers``
    projection, or every link a ``TRANSFER``), geographic when two or more nodes have a
    latitude and longitude and they are at least half the nodes, or every other node is
    linked to one of them (who was seen where), boxes for a call network with
    communities, else force-directed."""
    if kind == "geo" and not (~np.isnan(_coordinates(G, view)[0])).any():
        raise ValueError(
            f"layout 'geo' needs nodes with {' and '.join(GEO_KEYS)}; none of the "
            f"{len(view.nodes)} nodes has them"
        )
    if kind != "auto":
        return kind
    projection = G.graph.get("projection")
    types = {e.type for e in view.edges}
    transfers = bool(types) and all(str(t).startswith("TRANSFER") for t in types)
    if projection in _TIMED_PROJECTIONS or transfers:
        return "hierarchical"
    placed = ~np.isnan(_coordinates(G, view)[0])
    if placed.sum() >= 2:
        beside = placed.copy()  # placed, or linked to a node that is
        for e in view.edges:
            beside[e.u] |= placed[e.v]
            beside[e.v] |= placed[e.u]
        if 2 * placed.sum() >= len(view.nodes) or beside.all():
            return "geo"
    if projection in _CALL_PROJECTIONS and communities is not None:
        return "boxes"
    return "force"


def _seconds(value: Any) -> float:
    """A link's time as seconds since the epoch (naive times taken as UTC); NaN if none."""
    if value is None or isinstance(value, bool):
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    try:
        import pandas as pd

        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return math.nan
    if stamp is pd.NaT:
        return math.nan
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return float(stamp.timestamp())


def _timed_links(G: nx.Graph, view: GraphView) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every link of ``G`` (parallel ones too) as giver, receiver and time (NaN: none)."""
    index = {n.node: i for i, n in enumerate(view.nodes)}
    src, dst, when = [], [], []
    for u, v, data in G.edges(data=True):
        src.append(index[u])
        dst.append(index[v])
        found = next((data[k] for k in EDGE_TIME_KEYS if data.get(k) is not None), None)
        when.append(_seconds(found))
    return (
        np.array(src, dtype=np.int64),
        np.array(dst, dtype=np.int64),
        np.array(when, dtype=float),
    )


def _positions_for(
    G: nx.Graph,
    view: GraphView,
    positions: Mapping[Hashable, tuple[float, float]] | None,
    groups: np.ndarray | None,
    seed: int,
    engine: str,
    kind: str = "force",
) -> np.ndarray:
    """Node positions: given, or by the layout ``kind``; with ``groups`` (an overview's
    communities) each group on its own, as its drill-down map shows it."""
    n = len(view.nodes)
    if positions is not None:
        missing = [v.node for v in view.nodes if v.node not in positions]
        if missing:
            raise ValueError(f"positions lack {len(missing)} nodes, e.g. {missing[0]!r}")
        return np.array([positions[v.node] for v in view.nodes], dtype=float).reshape(n, 2)
    src = np.array([e.u for e in view.edges], dtype=np.int64)
    dst = np.array([e.v for e in view.edges], dtype=np.int64)
    if kind == "geo":  # one geography: a community's drill-down shows its part of it
        return geo_arrays(*_coordinates(G, view), src, dst, seed=seed, engine=engine)
    if kind == "hierarchical":
        tsrc, tdst, when = _timed_links(G, view)
        if groups is None:
            return hierarchical_arrays(n, tsrc, tdst, when)
        out = np.zeros((n, 2))
        for c in np.unique(groups):
            members = np.flatnonzero(groups == c)
            a, b, keep = induced_edges(n, members, tsrc, tdst)
            out[members] = hierarchical_arrays(len(members), a, b, when[keep])
        return out
    if groups is None:
        if kind == "boxes":
            comm = np.array([-1 if v.community is None else v.community for v in view.nodes])
            return boxes_arrays(n, src, dst, comm, seed=seed, engine=engine)
        return layout_arrays(n, src, dst, seed=seed, engine=engine)
    out = np.zeros((n, 2))
    for c in np.unique(groups):
        members = np.flatnonzero(groups == c)
        a, b, _ = induced_edges(n, members, src, dst)
        out[members] = layout_arrays(len(members), a, b, seed=seed + int(c), engine=engine)
    return out


def _alliances(communities: CommunitiesLike, view: GraphView, comm: np.ndarray) -> list[int] | None:
    """Per map community, the alliance that holds it (a ``find_gangs`` result), else None.

    The map numbers communities by size; each is matched to its gang through one of its
    members, and the gang to its alliance (``Gangs.alliance_of``).
    """
    alliance_of = getattr(communities, "alliance_of", None)
    membership = getattr(communities, "membership", None)
    if alliance_of is None or membership is None:
        return None
    k = int(comm.max()) + 1 if len(comm) else 0
    out = [-1] * k
    for n, c in zip(view.nodes, comm.tolist(), strict=True):
        if c >= 0 and out[c] < 0 and n.node in membership:
            out[c] = int(alliance_of(membership[n.node]))
    return out


def _overview(
    view: GraphView,
    groups: np.ndarray,
    scores: np.ndarray,
    seed: int,
    engine: str,
    alliances: list[int] | None = None,
    names: list[str] | None = None,
) -> dict[str, Any]:
    """One node per community (size = members) and edges weighted by the links between them.

    With ``alliances`` (community -> alliance), each community says which alliance holds
    it and which other communities share it.
    """
    k = int(groups.max()) + 1 if len(groups) else 0
    names = names or [f"community {c}" for c in range(k)]
    sizes = np.bincount(groups, minlength=k)
    inside = np.zeros(k, dtype=int)
    outside = np.zeros(k, dtype=int)
    between: dict[tuple[int, int], list[float]] = {}
    for e in view.edges:
        a, b = int(groups[e.u]), int(groups[e.v])
        if a == b:
            inside[a] += 1
            continue
        outside[a] += 1
        outside[b] += 1
        slot = between.setdefault((min(a, b), max(a, b)), [0.0, 0])
        slot[0] += e.weight
        slot[1] += 1
    types: list[Counter[str]] = [Counter() for _ in range(k)]
    for n, c in zip(view.nodes, groups, strict=True):
        types[int(c)][n.type or "other"] += 1
    rank_by = scores if not np.isnan(scores).all() else None
    key = rank_by if rank_by is not None else sizes[groups].astype(float)
    order = np.lexsort((np.arange(len(groups)), -key))
    top: list[list[str]] = [[] for _ in range(k)]
    for i in order:
        c = int(groups[i])
        if len(top[c]) < 5 and not view.nodes[i].protected:
            top[c].append(view.nodes[i].name)
    titles = []
    for c in range(k):
        lines = [f"{names[c]} \u00b7 {sizes[c]} members (community {c})"]
        lines.append(", ".join(f"{t}: {m}" for t, m in types[c].most_common()))
        lines.append(f"links inside: {inside[c]}, to other communities: {outside[c]}")
        what = f"top by {view.score_name}" if rank_by is not None else "members"
        lines.append(f"{what}: {', '.join(top[c])}")
        if alliances is not None and c < len(alliances) and alliances[c] >= 0:
            allies = [names[o] for o in range(k) if o != c and alliances[o] == alliances[c]]
            with_ = f", with {', '.join(allies)}" if allies else " (alone)"
            lines.append(f"alliance {alliances[c]}{with_}")
        lines.append("double-click (or the legend) to open it")
        titles.append("\n".join(lines))
    pairs = sorted(between)
    src = np.array([a for a, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b in pairs], dtype=np.int64)
    pos = layout_arrays(k, src, dst, seed=seed, engine=engine, spacing=160.0)
    w = np.array([between[p][0] for p in pairs], dtype=float)
    return {
        "alliance": alliances,
        "nodes": {
            "label": [f"{names[c]} \u00b7 {sizes[c]}" for c in range(k)],
            "title": titles,
            "x": pos[:, 0].round(1).tolist(),
            "y": pos[:, 1].round(1).tolist(),
            "size": scaled(sizes.astype(float), 12, 60, 20).round(1).tolist(),
        },
        "edges": {
            "from": src.tolist(),
            "to": dst.tolist(),
            "width": scaled(w, 1, 12, 2).round(2).tolist(),
            "title": [
                f"{names[a]} \u2014 {names[b]}: {between[(a, b)][1]} links, "
                f"weight {between[(a, b)][0]:.4g}"
                for a, b in pairs
            ],
        },
    }


def _auto_communities(G: nx.Graph, weight: str | None, seed: int) -> Any:
    """find_gangs on ``G`` without direction or self-loops.

    A weight that is missing, non-numeric or NaN counts 1; parallel links are summed,
    and a multigraph's arrays say so (find_gangs does not refine a multiplex).
    """
    from netintel.algorithms import find_gangs
    from netintel.algorithms.results import EdgeArrays

    nodes = list(G)
    index = {v: i for i, v in enumerate(nodes)}
    src, dst, ws = [], [], []
    for u, v, d in G.edges(data=True):
        if u == v:
            continue
        w = d.get(weight, 1.0) if weight else 1.0
        src.append(index[u])
        dst.append(index[v])
        ws.append(float(w) if isinstance(w, int | float) and not math.isnan(w) else 1.0)
    ea = EdgeArrays.from_arrays(nodes, src, dst, ws, multigraph=G.is_multigraph())
    return find_gangs(ea, seed=seed)


class MapOptions(TypedDict, total=False):
    """The options of :func:`map_html` and :func:`network_map` (documented there)."""

    title: str
    communities: CommunitiesLike
    size_by: ScoresLike | None
    weight: str | None
    highlight: Any
    type_attr: str
    name_attr: str
    rel_attr: str
    default_type: str | None
    positions: Mapping[Hashable, tuple[float, float]] | None
    layout: str
    layout_engine: str
    seed: int
    physics: bool
    max_nodes: int | None
    redact: bool | Redaction
    tz: str | None


@dataclass
class _Groups:
    """The communities as the map numbers them: per node (``comm``, -1: none), their sizes
    and names; in an overview, nodes without one form the last group, 'no community'."""

    comm: np.ndarray
    sizes: list[int]
    names: list[str]
    #: whether the last group is 'no community' (drawn in :data:`NO_COMMUNITY_COLOR`)
    unassigned: bool = False


def _view_of(G: nx.Graph, opts: Mapping[str, Any], overview: bool, notes: list[str]) -> Any:
    """The communities the map shows (found for an overview when none are given) and the
    :class:`GraphView`; ``notes`` for the legend say what was done."""
    communities = opts["communities"]
    seed = opts["seed"]
    if overview and communities is None:
        communities = _auto_communities(G, opts["weight"], seed)
        notes.append(f"Communities: find_gangs (seed {seed}), computed for the overview.")
    redaction = _redaction(opts["redact"])
    view = describe(
        G,
        communities=communities,
        **{k: opts[k] for k in ("size_by", "weight", "type_attr", "name_attr", "rel_attr")},
        default_type=opts["default_type"],
        redaction=redaction,
        tz=opts["tz"],
    )
    if _has_times(view):
        notes.append(f"Times: {view.timezone} local time, with the zone beside each.")
    if redaction is not None:
        notes.insert(
            0,
            "Redacted: names, phone numbers and ids of people are pseudonyms; "
            "details of protected people (victims, missing) are hidden.",
        )
    return communities, view


def _groups(view: GraphView, scores: np.ndarray, overview: bool, notes: list[str]) -> _Groups:
    comm = np.array([-1 if n.community is None else n.community for n in view.nodes], dtype=int)
    sizes = list(view.community_sizes)
    unassigned = overview and bool((comm < 0).any())
    if unassigned:
        comm[comm < 0] = len(sizes)
        sizes.append(int((comm == len(sizes)).sum()))
        notes.append("Nodes without a community form the group 'no community'.")
    names = community_names(view, comm, scores)
    names += [f"community {c}" for c in range(len(names), len(sizes))]
    for c in sorted(view.community_loose):
        names[c] += " (loose)"
    if view.community_loose:
        from netintel.algorithms.communities import LOOSE_MEANING

        notes.append(f"(loose): {LOOSE_MEANING}.")
    if unassigned:
        names[-1] = "no community"
    return _Groups(comm, sizes, names, unassigned)


def _node_data(
    view: GraphView, groups: _Groups, pos: np.ndarray, scores: np.ndarray, types: list[Any]
) -> dict[str, Any]:
    """The nodes' columns of the page's payload: ids, labels, tooltips, type, place, size."""
    type_index = {t: i for i, t in enumerate(types)}
    degree = Counter([e.u for e in view.edges] + [e.v for e in view.edges])
    large = len(view.nodes) > 2000
    names = groups.names
    return {
        "id": [n.id for n in view.nodes],
        "label": [
            n.name if len(n.name) <= _LABEL_CHARS else n.name[: _LABEL_CHARS - 1] + "\u2026"
            for n in view.nodes
        ],
        #: the whole name of a node whose label is cut (else null): what the search matches
        "name": [n.name if len(n.name) > _LABEL_CHARS else None for n in view.nodes],
        "title": [
            _node_title(n, view, degree[i], None if n.community is None else names[n.community])
            for i, n in enumerate(view.nodes)
        ],
        "type": [type_index[n.type] for n in view.nodes],
        "community": groups.comm.tolist(),
        "x": pos[:, 0].round(1).tolist(),
        "y": pos[:, 1].round(1).tolist(),
        "size": scaled(scores, *NODE_SIZE[:2], 10 if large else NODE_SIZE[2]).round(1).tolist(),
    }


def _edge_data(
    view: GraphView, weights: np.ndarray, weight: str | None, rel_types: list[Any]
) -> dict[str, Any]:
    """The edges' columns of the page's payload: ends, type, width, tooltips."""
    rel_index = {t: i for i, t in enumerate(rel_types)}
    return {
        "from": [e.u for e in view.edges],
        "to": [e.v for e in view.edges],
        "type": [rel_index[e.type] for e in view.edges],
        "width": scaled(weights, 1, 6, 1.5).round(2).tolist(),
        "title": [_edge_title(e, view, weight) for e in view.edges],
        "records": [[_panel_row(r) for r in e.records[:PANEL_RECORDS]] for e in view.edges],
        "recordCount": [e.record_count for e in view.edges],
    }


def _timeline_data(view: GraphView) -> dict[str, Any] | None:
    """The timeline's payload: per link its event times (UTC epoch ms), None when no link
    has a time. ``complete`` is False for a link whose records are not all carried, or that
    has none (its ``[first, last]`` interval then stands for the events not listed).
    ``periods``: the zone's offsets and labels from the first event to the last."""
    times = [link_times(e) for e in view.edges]
    every = [t for ts in times for t in ts]
    if not every:
        return None
    return {
        "zone": view.timezone,
        "min": min(every),
        "max": max(every),
        # the page says its times as the tooltips do (localtime.format_local, named)
        "periods": zone_periods(view.timezone, min(every), max(every)),
        "events": [list(ts) for ts in times],
        "complete": [bool(e.records) and e.record_count <= len(e.records) for e in view.edges],
    }


def _panel_row(rec: Mapping[str, Any]) -> list[str]:
    """One record as the evidence panel lists it: file, row, time (local, with its zone), values."""
    when = record_time(rec)
    values = [
        f"{k}={_fmt(v)}"
        for k, v in rec.items()
        if k not in ("source", "source_row", *RECORD_TIME_KEYS) and v is not None
    ]
    return [
        "" if rec.get("source") is None else str(rec["source"]),
        "" if rec.get("source_row") is None else str(rec["source_row"]),
        "" if when is None else _fmt(when),
        " \u00b7 ".join(values),
    ]


def _legend_row(kind: Any, unnamed: str, counts: Counter[Any], **style: Any) -> dict[str, Any]:
    """One legend row: the kind's name (``unnamed`` for None), its style, how many there are."""
    return {"name": kind if kind is not None else unnamed, **style, "count": counts[kind]}


def _legend_data(
    view: GraphView, groups: _Groups, types: list[Any], rel_types: list[Any]
) -> dict[str, Any]:
    """The legend's node types, relationship types and communities, with their counts."""
    type_counts = Counter(n.type for n in view.nodes)
    rel_counts = Counter(e.type for e in view.edges)
    return {
        "types": [
            _legend_row(
                t, "other", type_counts, shape=node_style(t).shape, color=node_style(t).color
            )
            for t in types
        ],
        "relTypes": [
            _legend_row(
                t, "link", rel_counts, color=edge_style(t).color, dashed=edge_style(t).dashed
            )
            for t in rel_types
        ],
        "communities": [
            {
                "color": NO_COMMUNITY_COLOR
                if groups.unassigned and i == len(groups.sizes) - 1
                else view.color_of(i),
                "size": s,
                "name": groups.names[i],
            }
            for i, s in enumerate(groups.sizes)
        ],
    }


_LAYOUT_NOTES = {
    "hierarchical": "Layout: left to right in time (the time of each person's first link in); "
    "parallel chains in rows.",
    "boxes": "Layout: each community in a box of its own.",
    "geo": "Layout: places by latitude and longitude (north up, no map tiles); people and "
    "others beside the places they link to, those linked to no place below.",
}


def _payload(G: nx.Graph, opts: Mapping[str, Any]) -> dict[str, Any]:
    """The page's payload: the view of ``G``, its communities, layout, legend and overview."""
    notes: list[str] = []
    max_nodes, seed, engine = opts["max_nodes"], opts["seed"], opts["layout_engine"]
    overview = max_nodes is not None and G.number_of_nodes() > max_nodes
    communities, view = _view_of(G, opts, overview, notes)
    scores = np.array([np.nan if n.score is None else n.score for n in view.nodes], dtype=float)
    groups = _groups(view, scores, overview, notes)
    if overview:
        notes.append(
            f"{len(view.nodes)} nodes: more than {max_nodes}, so the map opens on one node per "
            "community; open a community to see its members."
        )
    kind = _chosen_layout(G, view, opts["layout"], communities)
    if opts["positions"] is None and kind != "force":
        notes.append(_LAYOUT_NOTES[kind])
    pos = _positions_for(
        G, view, opts["positions"], groups.comm if overview else None, seed, engine, kind
    )
    types, rel_types = view.types(), view.rel_types()
    weight = opts["weight"]
    weights = np.array([e.weight for e in view.edges], dtype=float)
    data: dict[str, Any] = {
        "title": opts["title"],
        "directed": view.directed,
        "physics": bool(opts["physics"]),
        "panelRecords": PANEL_RECORDS,
        "notes": notes,
        "highlight": _highlights(opts["highlight"], view),
        "nodes": _node_data(view, groups, pos, scores, types),
        "edges": _edge_data(view, weights, weight, rel_types),
        "timeline": _timeline_data(view),
        **_legend_data(view, groups, types, rel_types),
        "size": _range_text("node size", view.score_name, scores),
        "width": _range_text("line width", weight, weights if weight else np.full(0, np.nan)),
        "overview": _overview(
            view,
            groups.comm,
            scores,
            seed,
            engine,
            _alliances(communities, view, groups.comm),
            groups.names,
        )
        if overview
        else None,
    }
    return data


def _redaction(redact: bool | Redaction) -> Redaction | None:
    if isinstance(redact, Redaction):
        return redact
    return Redaction() if redact else None


#: The defaults of :class:`MapOptions`.
_DEFAULTS: MapOptions = {
    "title": "netintel map",
    "communities": None,
    "size_by": None,
    "weight": "weight",
    "highlight": None,
    "type_attr": "label",
    "name_attr": "name",
    "rel_attr": "type",
    "default_type": None,
    "positions": None,
    "layout": "auto",
    "layout_engine": "auto",
    "seed": 0,
    "physics": False,
    "max_nodes": DEFAULT_MAX_NODES,
    "redact": False,
    "tz": None,
}


def map_html(G: nx.Graph, **options: Unpack[MapOptions]) -> str:
    """The map page of ``G`` as text; :func:`network_map` documents the options.

    With ``redact=True`` the pseudonym mapping is lost: pass a :class:`Redaction`
    and call its ``write_mapping`` to keep it.

    Parameters
    ----------
    G : networkx graph
    **options
        As for :func:`network_map` (``title``, ``communities``, ``size_by``, ...).

    Returns
    -------
    str
        The whole page.

    Examples
    --------
    >>> page = map_html(nx.path_graph(3), title="three", max_nodes=None)
    >>> "<title>three</title>" in page
    True
    """
    opts = _checked("map_html", options)
    return page_html(opts["title"], _payload(G, opts))


def _checked(caller: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The map's options with their defaults, after checking them (``caller`` for errors)."""
    unknown = set(options) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"{caller}() got unexpected keyword arguments {sorted(unknown)}")
    opts = {**_DEFAULTS, **options}
    if opts["layout"] not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {opts['layout']!r}")
    default_type = opts["default_type"]
    if default_type is not None and default_type not in NODES and opts["type_attr"] == "label":
        raise ValueError(f"default_type {default_type!r} is not a schema label")
    return opts


def network_map(
    G: nx.Graph,
    path: str | Path,
    *,
    mapping_path: str | Path | None = None,
    **options: Unpack[MapOptions],
) -> Path:
    """Write ``G`` as one self-contained HTML map and return its path.

    The file opens with no network access (vis-network and all CSS/JS inline,
    no web fonts, a Content-Security-Policy that forbids fetches).

    Parameters
    ----------
    G : networkx graph
        Read with the conventions of :mod:`netintel.viz.model` (node ``label``,
        ``name``, provenance; edge ``type``, ``weight``, ``records``).
    path : path
        The HTML file to write (folders are created).
    mapping_path : str, Path or None
        Where the pseudonym mapping of ``redact`` goes (see ``redact`` below).
    **options
        The map's options (:class:`MapOptions`), each described below.
    title : str
        The page's title (default ``"netintel map"``).
    communities : Communities or mapping, optional
        Colours nodes by community (0 = largest) and feeds the overview.
    size_by : mapping, Series, node attribute name or ``"degree"``, optional
        Node size follows this score (e.g. ``key_players(G).table["betweenness"]``).
    weight : str or None
        Edge attribute for line width (parallel edges are summed); default ``"weight"``.
    highlight : node or list of nodes, optional
        Drawn with a thick black border.
    type_attr, name_attr, rel_attr : str
        Node type, display name and relationship type attributes (default
        ``"label"``, ``"name"``, ``"type"``).
    default_type : str, optional
        Schema label of nodes that carry none (e.g. ``"Phone"`` for a call graph).
    positions : mapping node -> (x, y), optional
        Positions in pixels; computed by :func:`netintel.viz.layout` otherwise.
    layout : {"auto", "force", "hierarchical", "boxes", "geo"}
        ``"force"``: force-directed (:func:`netintel.viz.layout`; long chains folded in
        rows); ``"hierarchical"``: left to right in time
        (:func:`netintel.viz.layout.hierarchical_arrays`, times from the links'
        ``first_transfer`` or ``at``); ``"boxes"``: each community in its own box
        (:func:`netintel.viz.layout.boxes_arrays`). ``"auto"`` (default) is hierarchical
        for transfers (the ``transfers`` projection, or every link a ``TRANSFER``), boxes
        for the ``person_calls`` and ``phone_calls`` projections with communities, else
        force. ``"geo"``: places by their ``lat`` and ``lon`` attributes, the others
        beside the places they link to (:func:`netintel.viz.layout.geo_arrays`); ``"auto"``
        takes it when two or more nodes have both and they are at least half the nodes, or
        every other node is linked to one of them.
    layout_engine : {"auto", "igraph", "networkx"}
    seed : int
        Seed of the layout (and of the overview's communities when computed); default 0.
    physics : bool
        Let vis-network move the nodes after loading (default off: the layout stays).
    max_nodes : int or None
        Above this many nodes (default :data:`DEFAULT_MAX_NODES`) the map opens on an
        overview with one node per community (computed with ``find_gangs`` when
        ``communities`` is None; with a ``find_gangs`` result each community names its
        alliance), which opens a drill-down map per community in the same file
        (``#community-3``).
    redact : bool or Redaction
        Pseudonyms for names, phone numbers and ids of people; protected people's
        details hidden. The mapping goes to ``mapping_path`` (default: the
        Redaction's ``mapping_path``, else ``<map name>.pseudonyms.csv`` beside
        the map): keep it, do not share it.
    tz : str, optional
        Time zone of the times in tooltips (stored UTC, shown local with the zone);
        default the graph attribute ``timezone``, else UTC. A case's zone:
        :func:`netintel.investigate.case_timezone`.

    Returns
    -------
    Path
        ``path``.
    """
    out = Path(path)
    redaction = _redaction(options.get("redact", False))
    options["redact"] = redaction if redaction is not None else False  # one key for both
    text = map_html(G, **options)
    write_text(out, text)
    if redaction is not None:
        default = out.with_name(out.stem + ".pseudonyms.csv")
        target = mapping_path or redaction.mapping_path or default
        redaction.write_mapping(target)
    return out


def notebook_view(page: str | Path, *, height: str = "760px") -> Any:
    """Show a map inline in Jupyter: the page in an iframe ``srcdoc`` (no server, no CDN).

    ``page`` is a map file's path or a page's text (from :func:`map_html`).

    Parameters
    ----------
    page : str or pathlib.Path
        A map file's path, or a page's HTML text (text starting with ``<``).
    height : str, default "760px"
        The iframe's CSS height.

    Returns
    -------
    IPython.display.HTML
        The iframe, for Jupyter to display.
    """
    from IPython.display import HTML

    text = page if isinstance(page, str) and page.lstrip().startswith("<") else None
    if text is None:
        text = Path(page).read_text(encoding="utf-8")
    frame = (
        f'<div><iframe srcdoc="{html.escape(text, quote=True)}" sandbox="allow-scripts" '
        f'style="width: 100%; height: {html.escape(height)}; border: 1px solid #ddd;">'
        "</iframe></div>"
    )
    return HTML(frame)


def show(G: nx.Graph, *, height: str = "760px", **options: Unpack[MapOptions]) -> Any:
    """Draw ``G`` inline in Jupyter; ``options`` as for :func:`map_html`.

    Parameters
    ----------
    G : networkx graph
        The network (see :func:`network_map`).
    height : str, default "760px"
        The iframe's CSS height.
    **options
        The map's options, as for :func:`network_map`.

    Returns
    -------
    IPython.display.HTML
        The map in an iframe (see :func:`notebook_view`).
    """
    return notebook_view(map_html(G, **options), height=height)


def _pyvis_items(data: Mapping[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The nodes and edges the page opens on, as pyvis's ``add_node``/``add_edge`` options:
    the members' map, or one node per community when the map opens on an overview."""
    communities = data["communities"]
    if data["overview"] is not None:
        nodes, edges = data["overview"]["nodes"], data["overview"]["edges"]
        ids = [f"community {c}" for c in range(len(nodes["label"]))]
        node_items = [
            {
                "n_id": ids[c],
                "label": label,
                "title": nodes["title"][c],
                "x": nodes["x"][c],
                "y": nodes["y"][c],
                "size": nodes["size"][c],
                "shape": "dot",
                "color": {"background": communities[c]["color"], "border": "#333333"},
            }
            for c, label in enumerate(nodes["label"])
        ]
        edge_items = [
            {
                "source": ids[a],
                "to": ids[b],
                "width": edges["width"][k],
                "title": edges["title"][k],
                "color": {"color": "#888888", "opacity": 0.6},
            }
            for k, (a, b) in enumerate(zip(edges["from"], edges["to"], strict=True))
        ]
        return node_items, edge_items
    nodes, edges = data["nodes"], data["edges"]
    highlight = set(data["highlight"])
    node_items = []
    for i, node_id in enumerate(nodes["id"]):
        kind, c = data["types"][nodes["type"][i]], nodes["community"][i]
        fill = communities[c]["color"] if c >= 0 else kind["color"]
        marked = i in highlight
        node_items.append(
            {
                "n_id": node_id,
                "label": nodes["label"][i],
                "title": nodes["title"][i],
                "x": nodes["x"][i],
                "y": nodes["y"][i],
                "size": nodes["size"][i],
                "shape": kind["shape"],
                "borderWidth": 5 if marked else 2,
                "color": {"background": fill, "border": "#000000" if marked else kind["color"]},
            }
        )
    edge_items = []
    for k, (a, b) in enumerate(zip(edges["from"], edges["to"], strict=True)):
        rel = data["relTypes"][edges["type"][k]]
        edge_items.append(
            {
                "source": nodes["id"][a],
                "to": nodes["id"][b],
                "width": edges["width"][k],
                "title": edges["title"][k],
                "dashes": rel["dashed"],
                "color": {"color": rel["color"], "opacity": 0.75},
            }
        )
    return node_items, edge_items


def to_pyvis(
    G: nx.Graph, *, notebook: bool = False, height: str = "760px", **options: Unpack[MapOptions]
) -> Any:
    """The map's view of ``G`` as a :class:`pyvis.network.Network`, for pyvis users.

    The same nodes, names, tooltips, positions, shapes, colours (community, or node
    type), sizes, line widths and styles as :func:`network_map` draws with the same
    options; physics is off, so the layout stays. Above ``max_nodes`` the network is
    the overview, one node per community (its id ``"community 3"``): pyvis has no
    drill-down. The map's own tools (search, filters, timeline, evidence panel) are not
    pyvis's. pyvis's page template loads Bootstrap and Tom Select from a CDN, so for a
    map that opens offline, with a Content-Security-Policy, use :func:`network_map`.

    Parameters
    ----------
    G : networkx graph
        The network (see :func:`network_map`).
    notebook : bool, default False
        Passed to :class:`pyvis.network.Network` (``show`` then draws inline in Jupyter).
    height : str, default "760px"
        The network's CSS height.
    **options
        The map's options, as for :func:`network_map` (``communities``, ``size_by``,
        ``redact``, ``layout``, ``max_nodes``, ...).

    Returns
    -------
    pyvis.network.Network
        Node ids are the map's ids (pseudonyms when redacted), as strings; vis-network's
        JavaScript inlined (``cdn_resources="in_line"``).

    Examples
    --------
    >>> net = to_pyvis(nx.path_graph(3), max_nodes=None)
    >>> [n["id"] for n in net.nodes], len(net.edges)
    (['0', '1', '2'], 2)
    """
    from pyvis.network import Network

    opts = _checked("to_pyvis", options)
    data = _payload(G, opts)
    net = Network(
        height=height,
        width="100%",
        directed=bool(data["directed"]),
        notebook=notebook,
        cdn_resources="in_line",
        heading="",
    )
    node_items, edge_items = _pyvis_items(data)
    for item in node_items:
        net.add_node(item.pop("n_id"), physics=False, **item)
    for item in edge_items:
        net.add_edge(item.pop("source"), item.pop("to"), **item)
    net.toggle_physics(bool(data["physics"]))
    return net

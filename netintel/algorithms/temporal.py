"""Gangs through time: the gang finder per time window, communities matched across windows.

:func:`gangs_over_time` runs :func:`~netintel.algorithms.find_gangs` on each window's network
(a sequence of graphs, e.g. the 11 CAVIAR wiretap phases) and :func:`gangs_over_time_frame`
does the same on a timestamped edge table cut into windows (``window="30D", step="15D"``,
pandas offsets). Both hand the per-window partitions to one pure core,
:func:`track_communities`, which matches each window's communities with the previous window's
and names what happened to them, after Greene, Doyle & Cunningham (2010), "Tracking the
evolution of communities in dynamic social networks" (ASONAM), with the event names of Palla,
Barabasi & Vicsek (2007):

* two communities *match* when they share at least ``min_shared`` people (default 2) and the
  Jaccard similarity of their members, ``|A & B| / |A | B|``, is at least ``threshold``
  (default 0.3; Greene et al. leave it as a parameter); only communities of at least ``min_size``
  people (default 3) are tracked, smaller groups are nobody's gang. Unlike Greene et al.,
  the union counts only the people present in both windows (``seen_in_both=True``): in
  wiretap or call data a person missing from a window was not intercepted, which says
  nothing about their gang. On the 11 CAVIAR phases, where 30% of a phase's actors are
  missing from the next (mean of the 10 transitions), plain Jaccard
  (``seen_in_both=False``, Greene et al.'s rule) has 22 of the 40 gangs of phases 1-10
  vanish at the next phase, against 9 when only the people seen in both are counted;
* a community of window t without a match in t-1 *appears*; one of t-1 without a match in t
  *vanishes* (the event is dated t, the first window it is missing from);
* a community of t matching two or more of t-1 is a *merge*; one of t-1 matching two or more
  of t is a *split* (both can happen at once);
* a one-to-one match *grows* when the later community is larger than ``(1 + size_change)``
  times the earlier, *shrinks* when smaller than ``(1 - size_change)`` times it, and
  otherwise *continues* (default ``size_change=0.1``).

Communities carry a *track* (a dynamic community, numbered from 0 in order of appearance):
the matched pairs are taken in order of Jaccard (highest first) and a community of t takes
the track of its best unclaimed match in t-1; one left without gets a new track (so in a
split the closest part keeps the track and the others start new ones, in a merge the merged
community keeps the track of its closest parent). A *mover* is a person in a tracked community
of two consecutive windows whose tracks differ. A *leader* is the member with the highest
score in the community: with graphs, the weighted degree on the community's own links (calls
with fellow members, both directions), ties broken by the canonical node order; a *leader
change* is a track whose leader differs from the previous window's.

The result also has the Freeman centralisation of each window's network, for degree and
betweenness, on the undirected, unweighted graph (Freeman 1978): ``sum(max - c_i)`` over the
largest value that sum can take for the number of nodes (reached by a star), so 1 for a star
and 0 when everyone is equal.

Examples
--------
Two gangs of four that merge into one of eight, which then splits back:

>>> import networkx as nx
>>> from netintel.algorithms import track_communities
>>> a, b = {1, 2, 3, 4}, {5, 6, 7, 8}
>>> t = track_communities([[a, b], [a | b], [a, b]], windows=["jan", "feb", "mar"])
>>> t.events[["window", "event", "from_tracks", "to_tracks"]].values.tolist()
[['feb', 'merge', '0;1', '0'], ['mar', 'split', '0', '0;2']]
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from netintel.algorithms._checks import is_int
from netintel.algorithms.communities import PartitionLike, _membership
from netintel.algorithms.compare import greedy_matching
from netintel.algorithms.results import (
    Provenance,
    ResultMixin,
    Stopwatch,
    canonical_nodes,
    graph_hash,
    table_dict,
    to_jsonable,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "EVENTS",
    "GangsOverTime",
    "centralization",
    "gangs_over_time",
    "gangs_over_time_frame",
    "time_windows",
    "track_communities",
]

#: What can happen to a community between two windows, in the order the events table uses.
EVENTS = ("continue", "grow", "shrink", "split", "merge", "appear", "vanish")

_COMMUNITY_COLUMNS = [
    "window",
    "community",
    "track",
    "size",
    "leader",
    "leader_name",
    "leader_score",
    "members",
]
_EVENT_COLUMNS = [
    "window",
    "event",
    "from_communities",
    "to_communities",
    "from_tracks",
    "to_tracks",
    "from_size",
    "to_size",
    "jaccard",
]
_MOVER_COLUMNS = [
    "window",
    "person",
    "name",
    "from_community",
    "to_community",
    "from_track",
    "to_track",
]
_LEADER_COLUMNS = [
    "window",
    "track",
    "community",
    "from_leader",
    "from_name",
    "to_leader",
    "to_name",
]
_MATCH_COLUMNS = ["window", "from_community", "to_community", "from_track", "to_track", "jaccard"]
_CENTRALIZATION_COLUMNS = ["window", "nodes", "edges", "degree", "betweenness"]


@dataclass(frozen=True, eq=False)
class GangsOverTime(ResultMixin):
    """Communities per window, matched across windows (see the module docstring).

    Attributes
    ----------
    windows : tuple of str
        Window labels, in time order.
    communities : pandas.DataFrame
        One row per tracked community and window: ``window``, ``community`` (its index in that
        window's partition), ``track``, ``size``, ``leader``, ``leader_name``,
        ``leader_score``, ``members`` (``;``-joined, canonical order).
    events : pandas.DataFrame
        ``window`` (the later of the two), ``event`` (one of :data:`EVENTS`),
        ``from_communities`` / ``to_communities`` and ``from_tracks`` / ``to_tracks``
        (``;``-joined), ``from_size`` / ``to_size`` (summed over the parts), ``jaccard`` (of
        the one-to-one match; the best one for split and merge; empty for appear/vanish).
    movers : pandas.DataFrame
        ``window``, ``person``, ``name``, ``from_community``, ``to_community``,
        ``from_track``, ``to_track``.
    leader_changes : pandas.DataFrame
        ``window``, ``track``, ``community``, ``from_leader``, ``from_name``,
        ``to_leader``, ``to_name``.
    matches : pandas.DataFrame
        Every matched pair: ``window``, ``from_community``, ``to_community``,
        ``from_track``, ``to_track``, ``jaccard``.
    centralization : pandas.DataFrame
        Per window: ``window``, ``nodes``, ``edges``, ``degree``, ``betweenness`` (Freeman
        centralisation); empty when the windows came as partitions only.
    partitions : tuple of dict
        Per window, person -> community index (every community, tracked or not).
    provenance : Provenance
    """

    windows: tuple[str, ...]
    communities: pd.DataFrame
    events: pd.DataFrame
    movers: pd.DataFrame
    leader_changes: pd.DataFrame
    matches: pd.DataFrame
    centralization: pd.DataFrame
    partitions: tuple[Mapping[Hashable, int], ...]
    provenance: Provenance

    def track_of(self, window: str, community: int) -> int | None:
        """The track of ``community`` in ``window`` (None when it is not tracked)."""
        rows = self.communities[
            (self.communities["window"] == window) & (self.communities["community"] == community)
        ]
        return None if rows.empty else int(rows["track"].iloc[0])

    def sizes(self) -> pd.DataFrame:
        """Track x window table of community sizes (0 where the track has no community)."""
        table = self.communities.pivot_table(
            index="track", columns="window", values="size", aggfunc="sum", fill_value=0
        )
        return table.reindex(columns=list(self.windows), fill_value=0).astype(int)

    def to_dict(self) -> dict[str, Any]:
        return {
            "windows": list(self.windows),
            "communities": table_dict(self.communities),
            "events": table_dict(self.events),
            "movers": table_dict(self.movers),
            "leader_changes": table_dict(self.leader_changes),
            "matches": table_dict(self.matches),
            "centralization": table_dict(self.centralization),
            "provenance": self.provenance.to_dict(),
        }

    def plot(self, *, title: str | None = None, highlight: Hashable | None = None) -> Figure:
        """A timeline of the tracked communities: one row per track, a disc per window.

        Disc area is the community's size (written in it); grey lines join a track's
        consecutive communities, orange dashed lines the matches that cross tracks (the
        other parts of a split, the other parents of a merge); the event of each
        community's first window is written above it (appear, split, merge...). With
        centralisation figures a second panel draws the degree and betweenness
        centralisation per window.

        Parameters
        ----------
        title : str or None
            The title (default: "Gangs through time (disc area: size)").
        highlight : node or None
            A person whose communities get a red ring (and a legend entry).

        Returns
        -------
        matplotlib.figure.Figure
            Not shown and not saved: ``fig.savefig("gangs.png")``.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        has_curve = not self.centralization.empty
        n_tracks = int(self.communities["track"].max()) + 1 if len(self.communities) else 0
        fig = Figure(
            figsize=(max(6.0, 0.9 * len(self.windows) + 2), 2.5 + 0.35 * n_tracks + 2 * has_curve),
            layout="constrained",
        )
        FigureCanvasAgg(fig)
        if has_curve:
            ax, ax2 = fig.subplots(
                2, 1, sharex=True, height_ratios=[max(2.0, 0.35 * n_tracks), 1.6]
            )
        else:
            ax, ax2 = fig.subplots(), None
        x_of = {w: i for i, w in enumerate(self.windows)}
        pos = {
            (r["window"], int(r["community"])): (x_of[r["window"]], int(r["track"]))
            for r in self.communities.to_dict("records")
        }
        _plot_matches(ax, self, pos, x_of)
        ringed = _plot_communities(ax, self, pos, highlight)
        _plot_events(ax, self, x_of)
        ax.set_yticks(range(n_tracks))
        ax.set_yticklabels([f"track {t}" for t in range(n_tracks)], fontsize=8)
        ax.set_ylim(n_tracks - 0.4, -0.8)
        ax.set_xlim(-0.5, len(self.windows) - 0.5)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title or "Gangs through time (disc area: size)")
        if highlight is not None and any(ringed):
            ax.legend(loc="lower left", fontsize="small", markerscale=0.5)
        last = ax
        if ax2 is not None:
            _plot_centralization(ax2, self, x_of)
            last = ax2
        last.set_xticks(range(len(self.windows)))
        last.set_xticklabels(self.windows, rotation=30 if len(self.windows) > 8 else 0, fontsize=8)
        return fig


# --------------------------------------------------------------------------- plot stages

_Position = dict[tuple[str, int], tuple[int, int]]


def _plot_matches(ax: Any, result: GangsOverTime, pos: _Position, x_of: dict[str, int]) -> None:
    """Lines between matched communities: grey within a track, orange dashed across."""
    for r in result.matches.to_dict("records"):
        a = pos[(result.windows[x_of[r["window"]] - 1], int(r["from_community"]))]
        b = pos[(r["window"], int(r["to_community"]))]
        same = r["from_track"] == r["to_track"]
        ax.plot(
            [a[0], b[0]],
            [a[1], b[1]],
            color="0.6" if same else "tab:orange",
            ls="-" if same else "--",
            lw=1 + 4 * float(r["jaccard"]),
            zorder=1,
        )


def _plot_communities(
    ax: Any, result: GangsOverTime, pos: _Position, highlight: Hashable | None
) -> list[bool]:
    """A disc per community (area: size, written in it); which ones hold ``highlight``."""
    comms = result.communities
    if not len(comms):
        return []
    xs = [pos[(r["window"], int(r["community"]))][0] for r in comms.to_dict("records")]
    ys = comms["track"].astype(int).tolist()
    sizes = comms["size"].astype(int).tolist()
    biggest = max(sizes)
    ringed = [
        highlight is not None and str(highlight) in str(m).split(";") for m in comms["members"]
    ]
    ax.scatter(
        xs,
        ys,
        s=[60 + 540 * s / biggest for s in sizes],
        color="tab:blue",
        edgecolors=["tab:red" if r else "none" for r in ringed],
        linewidths=2.5,
        zorder=2,
        label=None if highlight is None else f"holds {highlight}",
    )
    for x, y, s in zip(xs, ys, sizes, strict=True):
        ax.annotate(str(s), (x, y), ha="center", va="center", color="white", fontsize=7)
    return ringed


def _plot_events(ax: Any, result: GangsOverTime, x_of: dict[str, int]) -> None:
    """A cross where a track vanishes; the event's name above each community it starts."""
    labels: dict[tuple[int, int], list[str]] = {}
    for r in result.events.to_dict("records"):
        x = x_of[r["window"]]
        if r["event"] == "vanish":
            ax.scatter([x], [int(r["from_tracks"])], marker="x", color="0.5", zorder=2)
            continue
        if r["event"] == "continue":
            continue
        for track in str(r["to_tracks"]).split(";"):
            labels.setdefault((x, int(track)), []).append(str(r["event"]))
    for (x, y), names in labels.items():
        text = "/".join(dict.fromkeys(names))
        ax.annotate(
            text,
            (x, y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=7,
            color="0.25",
        )


def _plot_centralization(ax: Any, result: GangsOverTime, x_of: dict[str, int]) -> None:
    c = result.centralization
    xs = [x_of[w] for w in c["window"]]
    ax.plot(xs, c["degree"], marker="o", label="degree")
    ax.plot(xs, c["betweenness"], marker="s", label="betweenness")
    ax.set_ylabel("centralisation")
    ax.set_ylim(0, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", loc="lower left")


# --------------------------------------------------------------------------- centralisation


def centralization(G: nx.Graph) -> dict[str, float]:
    """Freeman degree and betweenness centralisation of ``G`` (undirected, unweighted).

    ``sum(max - c_i)`` divided by its largest possible value for ``n`` nodes (a star's):
    ``(n - 1)(n - 2)`` for degree, ``(n - 1)^2 (n - 2) / 2`` for betweenness. Directed
    graphs are read without direction; weights are ignored. NaN below 3 nodes.

    Parameters
    ----------
    G : networkx graph
        The graph.

    Returns
    -------
    dict of str to float
        ``degree`` and ``betweenness`` centralisation, each between 0 and 1.

    Examples
    --------
    >>> import networkx as nx
    >>> centralization(nx.star_graph(5))
    {'degree': 1.0, 'betweenness': 1.0}
    >>> centralization(nx.cycle_graph(6))
    {'degree': 0.0, 'betweenness': 0.0}
    >>> {k: round(v, 3) for k, v in centralization(nx.path_graph(5)).items()}
    {'degree': 0.167, 'betweenness': 0.417}
    """
    U = nx.Graph(G.to_undirected(as_view=True)) if G.is_directed() else nx.Graph(G)
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    n = U.number_of_nodes()
    if n < 3:
        return {"degree": math.nan, "betweenness": math.nan}
    degree = [d for _, d in U.degree()]
    between = list(nx.betweenness_centrality(U, normalized=False).values())
    top_d, top_b = max(degree), max(between)
    return {
        "degree": sum(top_d - d for d in degree) / ((n - 1) * (n - 2)),
        "betweenness": sum(top_b - b for b in between) / ((n - 1) ** 2 * (n - 2) / 2),
    }


# --------------------------------------------------------------------------- the pure core


def _check_fraction(name: str, value: float, *, closed_low: bool) -> float:
    v = float(value)
    ok = (0 <= v <= 1) if closed_low else (0 < v <= 1)
    if not ok or isinstance(value, bool):
        raise ValueError(f"{name} must be in {'[0' if closed_low else '(0'}, 1], not {value!r}")
    return v


def _joined(values: Iterable[Any]) -> str:
    return ";".join(str(v) for v in values)


def track_communities(
    partitions: Sequence[PartitionLike],
    *,
    windows: Sequence[str] | None = None,
    threshold: float = 0.3,
    size_change: float = 0.1,
    min_size: int = 3,
    min_shared: int = 2,
    seen_in_both: bool = True,
    scores: Sequence[Mapping[Any, float]] | None = None,
    names: Mapping[Any, Any] | None = None,
    centralization: pd.DataFrame | None = None,
) -> GangsOverTime:
    """Match the communities of consecutive windows; events, movers, leader changes.

    The pure core of :func:`gangs_over_time` (rules in the module docstring).

    Parameters
    ----------
    partitions : sequence of partitions
        One per window, in time order: a Communities, a mapping person -> community or an
        iterable of member sets. Community indices are the positions in the list of sets
        (for a mapping: labels renumbered by size, largest first, then smallest member).
    windows : sequence of str or None
        Window labels (default ``"0"``, ``"1"``...).
    threshold : float
        In (0, 1]: the Jaccard similarity at which two communities match.
    size_change : float
        In [0, 1): relative size change beyond which a one-to-one match grows or shrinks.
    min_size : int
        Smallest community tracked (>= 1).
    min_shared : int
        Fewest members two communities must share to match (>= 1).
    seen_in_both : bool
        True: the Jaccard similarity counts only the people present in both windows
        (the module docstring says why); False: every member (Greene et al.'s rule).
    scores : sequence of mappings or None
        Per window, person -> leadership score; the leader of a community is its member with
        the highest score (ties: canonical node order). None: no leaders.
    names : mapping or None
        Person -> name for the tables.
    centralization : DataFrame or None
        The per-window centralisation table to carry (see :class:`GangsOverTime`).

    Returns
    -------
    GangsOverTime

    Examples
    --------
    A gang of five loses two people to a new gang, which a third person joins:

    >>> before = [{1, 2, 3, 4, 5}]
    >>> after = [{1, 2, 3}, {4, 5, 6}]
    >>> t = track_communities([before, after])
    >>> t.events[["event", "from_tracks", "to_tracks"]].values.tolist()
    [['split', '0', '0;1']]
    >>> t.movers[["person", "from_track", "to_track"]].values.tolist()
    [[4, 0, 1], [5, 0, 1]]
    """
    sw = Stopwatch()
    theta, grow, labels = _check_tracking(
        partitions, windows, threshold, size_change, min_size, min_shared, scores
    )
    groups_per_window = [_groups(part) for part in partitions]
    memberships = [{v: c for c, g in enumerate(groups) for v in g} for groups in groups_per_window]
    rows = _track_windows(
        labels,
        groups_per_window,
        memberships,
        scores,
        names or {},
        _Rules(theta, grow, min_size, min_shared, bool(seen_in_both)),
    )
    params = {
        "threshold": theta,
        "size_change": grow,
        "min_size": min_size,
        "min_shared": min_shared,
        "seen_in_both": bool(seen_in_both),
        "windows": labels,
        "leaders": "highest given score" if scores is not None else None,
    }
    digest = hashlib.sha256(
        json.dumps(
            [[_joined(canonical_nodes(g)) for g in groups] for groups in groups_per_window]
        ).encode()
    ).hexdigest()
    return GangsOverTime(
        windows=tuple(labels),
        communities=pd.DataFrame(rows["communities"], columns=_COMMUNITY_COLUMNS),
        events=_sorted_events(rows["events"], labels),
        movers=pd.DataFrame(rows["movers"], columns=_MOVER_COLUMNS),
        leader_changes=pd.DataFrame(rows["leader_changes"], columns=_LEADER_COLUMNS),
        matches=pd.DataFrame(rows["matches"], columns=_MATCH_COLUMNS),
        centralization=(
            pd.DataFrame(columns=_CENTRALIZATION_COLUMNS)
            if centralization is None
            else centralization.reset_index(drop=True)
        ),
        partitions=tuple(memberships),
        provenance=sw.provenance(
            "track_communities",
            params,
            seed=None,
            engine="netintel",
            input_hash="sha256:" + digest,
        ),
    )


# --------------------------------------------------------------------------- tracking stages


@dataclass
class _Window:
    """One window while tracking: person -> community, the tracked communities (index ->
    members), and, once assigned, their tracks and leaders."""

    label: str
    membership: dict[Hashable, int]
    tracked: dict[int, frozenset[Hashable]]
    track: dict[int, int] = dataclasses.field(default_factory=dict)
    leader: dict[int, Hashable] = dataclasses.field(default_factory=dict)


#: A candidate match: (Jaccard similarity, community of the earlier window, of the later).
_Pair = tuple[float, int, int]


@dataclass(frozen=True)
class _Rules:
    """The matching rules of :func:`track_communities`, checked."""

    threshold: float
    size_change: float
    min_size: int
    min_shared: int
    seen_in_both: bool


def _track_windows(
    labels: list[str],
    groups_per_window: list[list[frozenset[Hashable]]],
    memberships: list[dict[Hashable, int]],
    scores: Sequence[Mapping[Any, float]] | None,
    names: Mapping[Any, Any],
    rules: _Rules,
) -> dict[str, list[dict[str, Any]]]:
    """Walk the windows in time order: tracks, matches, events, leaders and movers (rows)."""
    rows: dict[str, list[dict[str, Any]]] = {
        "communities": [],
        "events": [],
        "movers": [],
        "leader_changes": [],
        "matches": [],
    }
    next_track = 0
    prev: _Window | None = None
    for t, (label, groups) in enumerate(zip(labels, groups_per_window, strict=True)):
        now = _Window(
            label=label,
            membership=memberships[t],
            tracked={c: g for c, g in enumerate(groups) if len(g) >= rules.min_size},
        )
        pairs = _candidate_pairs(prev, now, rules.threshold, rules.min_shared, rules.seen_in_both)
        next_track = _assign_tracks(pairs, prev, now, next_track)
        rows["matches"] += _match_rows(pairs, prev, now)
        if prev is not None:
            rows["events"] += _event_rows(pairs, prev, now, rules.size_change)
        window_scores = scores[t] if scores is not None else None
        rows["communities"] += _community_rows(now, window_scores, names)
        if prev is not None:
            rows["leader_changes"] += _leader_change_rows(prev, now, names)
            rows["movers"] += _mover_rows(prev, now, names)
        prev = now
    return rows


def _check_tracking(
    partitions: Sequence[PartitionLike],
    windows: Sequence[str] | None,
    threshold: float,
    size_change: float,
    min_size: int,
    min_shared: int,
    scores: Sequence[Mapping[Any, float]] | None,
) -> tuple[float, float, list[str]]:
    """The checked threshold, size change and window labels (ValueError on bad options)."""
    theta = _check_fraction("threshold", threshold, closed_low=False)
    grow = float(size_change)
    if isinstance(size_change, bool) or not 0 <= grow < 1:
        raise ValueError(f"size_change must be in [0, 1), not {size_change!r}")
    for what, value in (("min_size", min_size), ("min_shared", min_shared)):
        if not is_int(value) or value < 1:
            raise ValueError(f"{what} must be an integer >= 1, not {value!r}")
    labels = [str(i) for i in range(len(partitions))] if windows is None else list(windows)
    if len(labels) != len(partitions):
        raise ValueError(f"{len(partitions)} partitions but {len(labels)} window labels")
    if len(set(labels)) != len(labels):
        raise ValueError("window labels must be distinct")
    if scores is not None and len(scores) != len(partitions):
        raise ValueError(f"{len(partitions)} partitions but {len(scores)} score mappings")
    return theta, grow, labels


def _candidate_pairs(
    prev: _Window | None, now: _Window, theta: float, min_shared: int, seen_in_both: bool
) -> list[_Pair]:
    """The pairs of communities that match, best first (then earlier track, later index)."""
    if prev is None:
        return []
    pairs = []
    seen = set(prev.membership) & set(now.membership)
    for a, ga in prev.tracked.items():
        for b, gb in now.tracked.items():
            shared = len(ga & gb)
            if shared < min_shared:
                continue
            union = len((ga | gb) & seen) if seen_in_both else len(ga | gb)
            similarity = shared / union
            if similarity >= theta:
                pairs.append((similarity, a, b))
    pairs.sort(key=lambda p: (-p[0], prev.track[p[1]], p[2]))
    return pairs


def _assign_tracks(pairs: list[_Pair], prev: _Window | None, now: _Window, next_track: int) -> int:
    """Give ``now``'s communities their tracks; return the next new track number.

    Best matches first, a previous track claimed once; the rest start new tracks.
    """
    if prev is not None:
        for a, b in greedy_matching((a, b) for _, a, b in pairs):
            now.track[b] = prev.track[a]
    for b in now.tracked:
        if b not in now.track:
            now.track[b] = next_track
            next_track += 1
    return next_track


def _match_rows(pairs: list[_Pair], prev: _Window | None, now: _Window) -> list[dict[str, Any]]:
    if prev is None:
        return []
    return [
        {
            "window": now.label,
            "from_community": a,
            "to_community": b,
            "from_track": prev.track[a],
            "to_track": now.track[b],
            "jaccard": j,
        }
        for j, a, b in pairs
    ]


def _what_happened(
    pairs: list[_Pair], prev: _Window, now: _Window, grow: float
) -> list[tuple[str, list[int], list[int], float | None]]:
    """Events between two windows: (kind, earlier communities, later ones, best Jaccard)."""
    succ: dict[int, list[tuple[float, int]]] = {a: [] for a in prev.tracked}
    pred: dict[int, list[tuple[float, int]]] = {b: [] for b in now.tracked}
    for j, a, b in pairs:
        succ[a].append((j, b))
        pred[b].append((j, a))
    happened: list[tuple[str, list[int], list[int], float | None]] = []
    for a in sorted(prev.tracked, key=lambda a: prev.track[a]):
        if not succ[a]:
            happened.append(("vanish", [a], [], None))
        elif len(succ[a]) >= 2:
            happened.append(("split", [a], [b for _, b in succ[a]], max(j for j, _ in succ[a])))
    for b in sorted(now.tracked, key=lambda b: now.track[b]):
        if not pred[b]:
            happened.append(("appear", [], [b], None))
        elif len(pred[b]) >= 2:
            happened.append(("merge", [a for _, a in pred[b]], [b], max(j for j, _ in pred[b])))
        else:
            ((j, a),) = pred[b]
            if len(succ[a]) == 1:
                before, after = len(prev.tracked[a]), len(now.tracked[b])
                kind = (
                    "grow"
                    if after > (1 + grow) * before
                    else "shrink"
                    if after < (1 - grow) * before
                    else "continue"
                )
                happened.append((kind, [a], [b], j))
    return happened


def _event_rows(
    pairs: list[_Pair], prev: _Window, now: _Window, grow: float
) -> list[dict[str, Any]]:
    rows = []
    for kind, froms, tos, best in _what_happened(pairs, prev, now, grow):
        froms, tos = sorted(froms), sorted(tos)
        rows.append(
            {
                "window": now.label,
                "event": kind,
                "from_communities": _joined(froms),
                "to_communities": _joined(tos),
                "from_tracks": _joined(sorted(prev.track[a] for a in froms)),
                "to_tracks": _joined(sorted(now.track[b] for b in tos)),
                "from_size": sum(len(prev.tracked[a]) for a in froms),
                "to_size": sum(len(now.tracked[b]) for b in tos),
                "jaccard": best,
            }
        )
    return rows


def _community_rows(
    now: _Window, scores: Mapping[Any, float] | None, names: Mapping[Any, Any]
) -> list[dict[str, Any]]:
    """One row per tracked community, in track order; sets ``now.leader`` when scored."""
    rows = []
    for b, members in sorted(now.tracked.items(), key=lambda item: now.track[item[0]]):
        lead: Hashable | None = None
        score: float | None = None
        if scores is not None:
            # the highest score; among equals the first in canonical order
            lead = min(
                enumerate(canonical_nodes(members)),
                key=lambda item: (-scores.get(item[1], -math.inf), item[0]),
            )[1]
            score = scores.get(lead)
            now.leader[b] = lead
        rows.append(
            {
                "window": now.label,
                "community": b,
                "track": now.track[b],
                "size": len(members),
                "leader": lead,
                "leader_name": names.get(lead) if lead is not None else None,
                "leader_score": score,
                "members": _joined(canonical_nodes(members)),
            }
        )
    return rows


def _leader_change_rows(
    prev: _Window, now: _Window, names: Mapping[Any, Any]
) -> list[dict[str, Any]]:
    rows = []
    back = {prev.track[a]: a for a in prev.tracked}
    for b in sorted(now.tracked, key=lambda b: now.track[b]):
        a_old = back.get(now.track[b])
        if a_old is None or b not in now.leader or a_old not in prev.leader:
            continue
        if now.leader[b] != prev.leader[a_old]:
            rows.append(
                {
                    "window": now.label,
                    "track": now.track[b],
                    "community": b,
                    "from_leader": prev.leader[a_old],
                    "from_name": names.get(prev.leader[a_old]),
                    "to_leader": now.leader[b],
                    "to_name": names.get(now.leader[b]),
                }
            )
    return rows


def _mover_rows(prev: _Window, now: _Window, names: Mapping[Any, Any]) -> list[dict[str, Any]]:
    rows = []
    for v in canonical_nodes(set(prev.membership) & set(now.membership)):
        a, b = prev.membership[v], now.membership[v]
        if a in prev.tracked and b in now.tracked and prev.track[a] != now.track[b]:
            rows.append(
                {
                    "window": now.label,
                    "person": v,
                    "name": names.get(v),
                    "from_community": a,
                    "to_community": b,
                    "from_track": prev.track[a],
                    "to_track": now.track[b],
                }
            )
    return rows


def _sorted_events(rows: list[dict[str, Any]], labels: list[str]) -> pd.DataFrame:
    """The events table in window order, then event order (:data:`EVENTS`), then tracks."""
    order = {e: i for i, e in enumerate(EVENTS)}
    events = pd.DataFrame(rows, columns=_EVENT_COLUMNS)
    if len(events):
        events["_w"] = events["window"].map({w: i for i, w in enumerate(labels)})
        events["_e"] = events["event"].map(order)
        events = events.sort_values(["_w", "_e", "from_tracks", "to_tracks"], kind="stable")
        events = events.drop(columns=["_w", "_e"]).reset_index(drop=True)
    return events


def _groups(partition: PartitionLike) -> list[frozenset[Hashable]]:
    """Member sets of a partition: list order kept, mappings sorted by size then first member."""
    from netintel.algorithms.communities import Communities

    if isinstance(partition, Communities):
        return list(partition.communities)
    if not isinstance(partition, Mapping):
        member = _membership(partition)  # checks that no one is in two communities
        groups: dict[Hashable, set[Hashable]] = {}
        for v, c in member.items():
            groups.setdefault(c, set()).add(v)
        return [frozenset(groups[c]) for c in canonical_nodes(groups)]
    by_label: dict[Hashable, set[Hashable]] = {}
    for v, c in partition.items():
        by_label.setdefault(c, set()).add(v)
    nodes = canonical_nodes(partition)
    pos = {v: i for i, v in enumerate(nodes)}
    sets = sorted(by_label.values(), key=lambda g: (-len(g), min(pos[v] for v in g)))
    return [frozenset(g) for g in sets]


# --------------------------------------------------------------------------- entry points


def _inside_degree(G: nx.Graph, groups: list[frozenset[Hashable]], weight: str | None) -> dict:
    """Weighted degree of each person on their own community's links (both directions)."""
    of = {v: c for c, g in enumerate(groups) for v in g}
    score = dict.fromkeys(G.nodes, 0.0)
    for u, v, data in G.edges(data=True):
        if u != v and of.get(u) == of.get(v):
            w = 1.0 if weight is None else float(data.get(weight, 1.0))
            score[u] += w
            score[v] += w
    return score


def gangs_over_time(
    graphs: Sequence[nx.Graph] | Mapping[str, nx.Graph],
    *,
    windows: Sequence[str] | None = None,
    weight: str | None = "weight",
    seed: int | None = 0,
    threshold: float = 0.3,
    size_change: float = 0.1,
    min_size: int = 3,
    min_shared: int = 2,
    seen_in_both: bool = True,
    name: str = "name",
    **find_gangs_options: Any,
) -> GangsOverTime:
    """Gangs per time window (:func:`~netintel.algorithms.find_gangs`), matched across windows.

    Parameters
    ----------
    graphs : sequence of networkx graphs, or mapping label -> graph
        One network per window, in time order (a mapping keeps its order and gives the
        labels).
    windows : sequence of str or None
        Labels for a sequence (default: ``graph.graph["name"]`` when every graph has a
        distinct one, else ``"0"``, ``"1"``...).
    weight : str or None
        Edge weight (e.g. number of calls); None for unweighted.
    seed : int or None
        The seed of every window's ``find_gangs`` (None draws one, recorded): same graphs,
        same seed, same result.
    threshold, size_change, min_size, min_shared, seen_in_both
        The matching rules (module docstring; :func:`track_communities`).
    name : str
        Node attribute holding a person's name (for the tables).
    **find_gangs_options
        Passed to :func:`~netintel.algorithms.find_gangs` (e.g. ``infomap_runs=0``).

    Returns
    -------
    GangsOverTime
        Leaders: highest weighted degree on the community's own links. Centralisation per
        window.

    Examples
    --------
    Two cliques of five; in the second window person 4 calls only the other clique:

    >>> import networkx as nx
    >>> one = nx.disjoint_union(nx.complete_graph(5), nx.complete_graph(5))
    >>> one.add_edge(0, 5)
    >>> two = one.copy()
    >>> two.remove_edges_from([(4, k) for k in range(4)])
    >>> two.add_edges_from((4, k) for k in range(5, 10))
    >>> t = gangs_over_time({"jan": one, "feb": two}, seed=0)
    >>> t.movers[["window", "person", "from_track", "to_track"]].values.tolist()
    [['feb', 4, 0, 1]]
    >>> t.events[["event", "from_size", "to_size"]].values.tolist()
    [['grow', 5, 6], ['shrink', 5, 4]]
    """
    from netintel.algorithms.results import draw_seed

    labels, seq = _labelled_graphs(graphs, windows)
    sw = Stopwatch()
    seed = draw_seed(seed)
    partitions, scores, names, curve, hashes = _gangs_per_window(
        labels, seq, weight=weight, seed=seed, name=name, find_gangs_options=find_gangs_options
    )
    out = track_communities(
        partitions,
        windows=labels,
        threshold=threshold,
        size_change=size_change,
        min_size=min_size,
        min_shared=min_shared,
        seen_in_both=seen_in_both,
        scores=scores,
        names=names,
        centralization=pd.DataFrame(curve, columns=_CENTRALIZATION_COLUMNS),
    )
    digest = hashlib.sha256("\n".join(hashes).encode()).hexdigest()
    provenance = sw.provenance(
        "gangs_over_time",
        {
            "weight": weight,
            "threshold": float(threshold),
            "size_change": float(size_change),
            "min_size": min_size,
            "min_shared": min_shared,
            "seen_in_both": bool(seen_in_both),
            "windows": labels,
            "detector": "find_gangs",
            "find_gangs": to_jsonable(find_gangs_options),
            "leader": "highest weighted degree on the community's own links",
        },
        seed=seed,
        engine="find_gangs per window",
        input_hash="sha256:" + digest,
        packages=("igraph", "networkit", "infomap"),
    )
    return _with_provenance(out, provenance)


def _labelled_graphs(
    graphs: Sequence[nx.Graph] | Mapping[str, nx.Graph], windows: Sequence[str] | None
) -> tuple[list[str], list[nx.Graph]]:
    """The window labels and graphs of :func:`gangs_over_time` (ValueError when unusable)."""
    if isinstance(graphs, Mapping):
        if windows is not None:
            raise ValueError("graphs is a mapping: its keys are the window labels")
        labels = [str(k) for k in graphs]
        seq = list(graphs.values())
    else:
        seq = list(graphs)
        if windows is not None:
            labels = [str(w) for w in windows]
        else:
            given = [g.graph.get("name") if isinstance(g, nx.Graph) else None for g in seq]
            distinct = all(given) and len(set(given)) == len(given)
            labels = [str(x) for x in given] if distinct else [str(i) for i in range(len(seq))]
    if not seq:
        raise ValueError("gangs_over_time needs at least one window")
    for i, G in enumerate(seq):
        if not isinstance(G, nx.Graph):
            raise ValueError(f"window {labels[i]!r} is not a networkx graph: {type(G).__name__}")
    return labels, seq


def _gangs_per_window(
    labels: list[str],
    seq: list[nx.Graph],
    *,
    weight: str | None,
    seed: int,
    name: str,
    find_gangs_options: Mapping[str, Any],
) -> tuple[
    list[list[frozenset[Hashable]]],
    list[dict[Hashable, float]],
    dict[Hashable, Any],
    list[dict[str, Any]],
    list[str],
]:
    """Per window: the gangs, leadership scores and centralisation; names and graph hashes."""
    from netintel.algorithms.gangs import find_gangs

    partitions: list[list[frozenset[Hashable]]] = []
    scores: list[dict[Hashable, float]] = []
    names: dict[Hashable, Any] = {}
    curve = []
    hashes = []
    for label, G in zip(labels, seq, strict=True):
        for v, data in G.nodes(data=True):
            if data.get(name) is not None:
                names[v] = data[name]
        hashes.append(graph_hash(G, weight))
        if G.number_of_edges() == 0:
            groups = [frozenset([v]) for v in canonical_nodes(G.nodes)]
        else:
            groups = list(find_gangs(G, weight=weight, seed=seed, **find_gangs_options).communities)
        partitions.append(groups)
        scores.append(_inside_degree(G, groups, weight))
        c = centralization(G)
        curve.append(
            {
                "window": label,
                "nodes": G.number_of_nodes(),
                "edges": nx.Graph(G).number_of_edges(),
                "degree": c["degree"],
                "betweenness": c["betweenness"],
            }
        )
    return partitions, scores, names, curve, hashes


def _with_provenance(result: GangsOverTime, provenance: Provenance) -> GangsOverTime:
    return dataclasses.replace(result, provenance=provenance)


def time_windows(
    start: Any, end: Any, window: str | pd.Timedelta, step: str | pd.Timedelta | None = None
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Windows ``[since, until)`` of length ``window``, every ``step``, from ``start`` to ``end``.

    ``window`` and ``step`` are pandas offsets (``"30D"``, ``"12h"``, ``"2W"``, or a
    ``Timedelta``); ``step``
    defaults to ``window`` (windows that tile the period). The first window starts at
    ``start``; the last is the first that reaches past ``end``.

    Parameters
    ----------
    start, end : timestamp-like
        The period (anything :class:`pandas.Timestamp` takes); both with a time zone
        or neither.
    window : str or pandas.Timedelta
        Each window's length.
    step : str, pandas.Timedelta or None, default None
        Distance between window starts; None means ``window``.

    Returns
    -------
    list of (pandas.Timestamp, pandas.Timestamp)
        The windows' ``(since, until)``.

    Raises
    ------
    ValueError
        When ``start`` is after ``end``, only one has a time zone, or ``window`` or
        ``step`` is not a positive pandas offset.

    Examples
    --------
    >>> spans = time_windows("2024-01-01", "2024-02-10", "30D", "15D")
    >>> [(str(a.date()), str(b.date())) for a, b in spans]
    [('2024-01-01', '2024-01-31'), ('2024-01-16', '2024-02-15')]
    """
    try:
        length = pd.tseries.frequencies.to_offset(window)
        every = length if step is None else pd.tseries.frequencies.to_offset(step)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"window and step must be pandas offsets like '30D': {exc}") from None
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if (first.tzinfo is None) != (last.tzinfo is None):
        raise ValueError(f"start ({first}) and end ({last}) must both have a time zone, or neither")
    if first > last:
        raise ValueError(f"start ({first}) is after end ({last})")
    if first + length <= first or first + every <= first:
        raise ValueError(f"window ({window!r}) and step ({step!r}) must be positive")
    out = []
    since = first
    while True:
        until = since + length
        out.append((since, until))
        if until > last:
            break
        since = since + every
        if since > last:
            break
    return out


def _label(since: pd.Timestamp, until: pd.Timestamp, daily: bool) -> str:
    fmt = "%Y-%m-%d" if daily else "%Y-%m-%d %H:%M"
    return f"{since.strftime(fmt)}..{until.strftime(fmt)}"


def _edge_times(edges: pd.DataFrame, columns: Sequence[str], time: str) -> pd.Series:
    """The edge table's times (ValueError for a missing column, a bad time, no rows)."""
    for col in columns:
        if col not in edges.columns:
            raise ValueError(f"the edge table has no column {col!r}; it has {list(edges.columns)}")
    try:
        when = pd.to_datetime(edges[time])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {time!r} is not a time: {exc}") from None
    if when.isna().any():
        row = int(when.isna().to_numpy().nonzero()[0][0])
        raise ValueError(f"column {time!r} has no time in row {row}")
    if not len(edges):
        raise ValueError("the edge table is empty")
    return when


def _window_graph(
    inside: pd.DataFrame, directed: bool, names: Mapping[Any, Any] | None
) -> nx.Graph:
    """One window's network from its rows ``u, v, w``: an edge per pair, weights summed."""
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    summed = inside.groupby(["u", "v"], sort=True)["w"].sum()
    for u, v, value in zip(
        summed.index.get_level_values(0).tolist(),
        summed.index.get_level_values(1).tolist(),
        summed.to_numpy(dtype=float).tolist(),
        strict=True,
    ):
        if G.has_edge(u, v):  # undirected: u -> v and v -> u are one edge
            G[u][v]["weight"] += value
        else:
            G.add_edge(u, v, weight=value)
    if names:
        for v in G.nodes:
            if v in names:
                G.nodes[v]["name"] = names[v]
    return G


def gangs_over_time_frame(
    edges: pd.DataFrame,
    *,
    window: str = "30D",
    step: str | None = None,
    source: str = "source",
    target: str = "target",
    time: str = "time",
    weight: str | None = None,
    directed: bool = True,
    start: Any = None,
    end: Any = None,
    names: Mapping[Any, Any] | None = None,
    seed: int | None = 0,
    threshold: float = 0.3,
    size_change: float = 0.1,
    min_size: int = 3,
    min_shared: int = 2,
    seen_in_both: bool = True,
    **find_gangs_options: Any,
) -> GangsOverTime:
    """:func:`gangs_over_time` on a timestamped edge table cut into time windows.

    Each row is one contact (a call, a meeting) at ``time``; a window's network has an
    edge per pair that weighs the number of rows in the window (or the sum of column
    ``weight``). Windows are ``[since, until)`` of length ``window`` every ``step``
    (:func:`time_windows`), from ``start`` (default: the first time) to ``end`` (default:
    the last); labels ``"since..until"``.

    Parameters
    ----------
    edges : pandas.DataFrame
        One row per contact, with columns ``source``, ``target``, ``time`` (and ``weight``).
    window, step : str
        Window length and the step between window starts (pandas offsets; ``step``
        defaults to ``window``).
    source, target, time : str
        The columns holding the two people and the time of the contact.
    weight : str or None
        Column summed per pair and window; None counts the rows.
    directed : bool
        Keep the direction of the contacts (False: ``u -> v`` and ``v -> u`` are one link).
    start, end : time or None
        The period cut into windows (default: the first and the last time in ``edges``).
    names : mapping or None
        Person -> name for the tables.
    seed, threshold, size_change, min_size, min_shared, seen_in_both, **find_gangs_options
        As for :func:`gangs_over_time`.

    Returns
    -------
    GangsOverTime
        Its provenance adds ``window``, ``step``, ``directed`` and ``weight_column``.

    Examples
    --------
    >>> import pandas as pd
    >>> calls = pd.DataFrame({
    ...     "source": ["a", "b", "c", "a", "x", "y", "z", "x"],
    ...     "target": ["b", "c", "a", "c", "y", "z", "x", "z"],
    ...     "time": pd.to_datetime(["2024-01-02"] * 4 + ["2024-02-03"] * 4),
    ... })
    >>> t = gangs_over_time_frame(calls, window="30D", start="2024-01-01", seed=0)
    >>> t.windows
    ('2024-01-01..2024-01-31', '2024-01-31..2024-03-01')
    >>> t.events[["event", "from_tracks", "to_tracks"]].values.tolist()
    [['appear', '', '1'], ['vanish', '0', '']]
    """
    when = _edge_times(edges, (source, target, time, *([weight] if weight else [])), time)
    tz = when.dt.tz

    def instant(value: Any, default: pd.Timestamp) -> pd.Timestamp:
        if value is None:
            return default
        ts = pd.Timestamp(value)
        if tz is not None and ts.tzinfo is None:
            ts = ts.tz_localize(tz)
        return ts

    bounds = time_windows(instant(start, when.min()), instant(end, when.max()), window, step)
    daily = all(ts == ts.normalize() for pair in bounds for ts in pair)
    frame = pd.DataFrame(
        {
            "u": edges[source].to_numpy(),
            "v": edges[target].to_numpy(),
            "w": edges[weight].astype(float).to_numpy() if weight else 1.0,
        }
    )
    frame["t"] = when.reset_index(drop=True)
    graphs = {
        _label(since, until, daily): _window_graph(
            frame[(frame["t"] >= since) & (frame["t"] < until)], directed, names
        )
        for since, until in bounds
    }
    result = gangs_over_time(
        graphs,
        weight="weight",
        seed=seed,
        threshold=threshold,
        size_change=size_change,
        min_size=min_size,
        min_shared=min_shared,
        seen_in_both=seen_in_both,
        **find_gangs_options,
    )
    params = dict(result.provenance.params)
    params.update(window=window, step=step or window, directed=directed, weight_column=weight)
    provenance = dataclasses.replace(
        result.provenance, params=MappingProxyType(to_jsonable(params))
    )
    return _with_provenance(result, provenance)

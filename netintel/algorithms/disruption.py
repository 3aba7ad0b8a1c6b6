"""Simulated arrests: how fast does a network fall apart as people are removed?

Following Cavallaro et al. (2020, PLOS ONE 15(8) e0236476), nodes are removed
one at a time in the order given by a centrality metric, and after every
removal the damage is measured:

* ``lcc_fraction`` - size of the largest connected component over the
  original number of nodes (``lcc_relative``: over the original LCC);
* ``n_components`` - connected components left (isolates count);
* ``efficiency`` - global efficiency (mean of 1/distance over all ordered
  pairs of the *original* nodes; removed people reach nobody).

Strategies (Cavallaro et al. 2020): ``"sequential"`` recomputes the metric on
what is left after each removal; ``"block"`` removes the top ``block_size``,
recomputes, and repeats; ``"static"`` ranks once on the intact network and
removes in that order. (Before netintel issue #16, ``"block"`` meant rank-once;
that is now ``"static"``.) :func:`random_disruption` gives the baseline: the
mean and 95% band of random removal orders.

Directed graphs are analysed as undirected (anyone who can call anyone keeps
the network connected); the metrics count ties, not weights, unless
``weight`` (a strength: degree then means strength, Katz uses weights) or
``distance`` (a length, for betweenness and closeness) is given.

Examples
--------
>>> import networkx as nx
>>> G = nx.barbell_graph(4, 1)  # two 4-cliques joined through node 4
>>> d = simulate_disruption(G, "betweenness", steps=1, seed=0)
>>> d.to_frame()[["step", "removed", "lcc_fraction", "n_components"]].values.tolist()
[[0, None, 1.0, 1], [1, 4, 0.4444444444444444, 2]]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, shortest_path

from netintel.algorithms._checks import is_int
from netintel.algorithms.results import (
    Provenance,
    Stopwatch,
    TableMixin,
    canonical_graph,
    derived_seeds,
    draw_seed,
    graph_hash,
    table_dict,
    to_jsonable,
)

__all__ = [
    "DISRUPTION_METRICS",
    "DISRUPTION_STRATEGIES",
    "TIE_RULES",
    "Disruption",
    "RandomDisruption",
    "collective_influence",
    "random_disruption",
    "simulate_disruption",
]

#: Named metrics :func:`simulate_disruption` can rank by.
DISRUPTION_METRICS = ("degree", "betweenness", "closeness", "katz", "collective_influence")

#: Removal strategies (see the module docstring).
DISRUPTION_STRATEGIES = ("sequential", "block", "static")

#: Tie rules: ``random`` (by ``seed``), ``first``/``last`` in the graph's node order.
TIE_RULES = ("random", "first", "last")

_MEASURES = ("lcc_fraction", "lcc_relative", "n_components", "efficiency")


class _Steps(TableMixin):
    """A result whose ``table`` has one row per step, step 0 the intact network."""

    table: pd.DataFrame
    provenance: Provenance
    #: the column of :attr:`table` whose mean over the removal steps is :attr:`robustness`
    _robustness_of: ClassVar[str]

    @property
    def robustness(self) -> float:
        """Mean ``lcc_fraction`` over the removal steps (Schneider et al. 2011's R; for
        random removal, of the mean ``lcc_fraction``, to compare a strategy's with).

        Lower means a more effective strategy. NaN when there are no removal steps.
        """
        values = self.table[self._robustness_of].iloc[1:]
        return float(values.mean()) if len(values) else math.nan

    def _about(self) -> dict[str, Any]:
        """What :meth:`to_dict` shows before the robustness and the steps."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Steps and provenance as plain JSON types."""
        return {
            **self._about(),
            "robustness": to_jsonable(self.robustness),
            "steps": table_dict(self.table),
            "provenance": self.provenance.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class Disruption(_Steps):
    """One removal sequence and the damage after each step.

    ``table`` has one row per step (step 0 = intact network): ``step``,
    ``removed``, ``score`` (the metric value that got the node removed),
    ``tied`` (how many nodes shared that top score when it was picked, the
    pick included; 1 = no tie), ``fraction_removed``, ``lcc_size``,
    ``lcc_fraction``, ``lcc_relative``, ``n_components``, ``efficiency``.
    """

    table: pd.DataFrame
    metric: str
    strategy: str
    provenance: Provenance

    @property
    def removed(self) -> list[Hashable]:
        """The removal order."""
        return self.table["removed"].iloc[1:].tolist()

    _robustness_of: ClassVar[str] = "lcc_fraction"

    def _about(self) -> dict[str, Any]:
        return {"metric": self.metric, "strategy": self.strategy}

    def plot(
        self,
        path: str | Path,
        *,
        baseline: RandomDisruption | None = None,
        others: Sequence[Disruption] = (),
        title: str | None = None,
    ) -> Path:
        """Write a PNG of LCC fraction and efficiency against the share removed.

        ``baseline`` adds the random-removal mean and 95% band; ``others`` adds
        further strategies for comparison. Returns the path written.
        """
        return _plot(path, [self, *others], baseline, title)


@dataclass(frozen=True, eq=False)
class RandomDisruption(_Steps):
    """Random removal over many runs: per step, the mean and the 2.5-97.5% band.

    ``table`` columns: ``step``, ``fraction_removed`` and, for each of
    ``lcc_fraction``, ``lcc_relative``, ``n_components``, ``efficiency``, the
    ``_mean``, ``_lo`` and ``_hi`` values.
    """

    table: pd.DataFrame
    runs: int
    provenance: Provenance

    _robustness_of: ClassVar[str] = "lcc_fraction_mean"

    def _about(self) -> dict[str, Any]:
        return {"runs": self.runs}

    def plot(self, path: str | Path, *, title: str | None = None) -> Path:
        """Write a PNG of the random-removal band. Returns the path written."""
        return _plot(path, [], self, title)


# --------------------------------------------------------------------------- measures


class _Damage:
    """Measures on the remaining network, from the original adjacency and a keep-mask."""

    def __init__(self, nodes: list[Hashable], A: sp.csr_array, efficiency: bool) -> None:
        self.n0 = len(nodes)
        self.A = A
        self.with_efficiency = efficiency
        self.lcc0 = 0.0
        self.lcc0 = self.measure(np.ones(self.n0, dtype=bool))["lcc_size"]

    def measure(self, keep: np.ndarray) -> dict[str, float]:
        idx = np.flatnonzero(keep)
        if idx.size == 0:
            return dict.fromkeys(("lcc_size", *_MEASURES), 0.0)
        sub = self.A[idx][:, idx]
        ncomp, labels = connected_components(sub, directed=False)
        lcc = int(np.bincount(labels).max())
        eff = math.nan
        if self.with_efficiency:
            if self.n0 > 1:
                dist = shortest_path(sub, method="D", unweighted=True, directed=False).ravel()
                dist = dist[(dist > 0) & (dist < np.inf)]
                eff = float(np.reciprocal(dist).sum()) / (self.n0 * (self.n0 - 1))
            else:
                eff = 0.0
        return {
            "lcc_size": lcc,
            "lcc_fraction": lcc / self.n0,
            "lcc_relative": lcc / self.lcc0 if self.lcc0 else 0.0,
            "n_components": ncomp,
            "efficiency": eff,
        }


def _network(G: nx.Graph, weight: str | None, distance: str | None = None) -> nx.Graph:
    """Undirected simple canonical copy, self-loops dropped: ``weight`` (summed over
    reciprocal ties) and ``distance`` (their minimum) kept as ``weight``/``distance``."""
    if not isinstance(G, nx.Graph):
        raise ValueError(f"expected a networkx graph, not {type(G).__name__}")
    if G.number_of_nodes() == 0:
        raise ValueError("the graph has no nodes")
    H = canonical_graph(G, weight=weight, distance=distance)
    U = nx.Graph()
    U.add_nodes_from(H)
    for u, v, data in H.edges(data=True):
        if u == v:
            continue
        w = float(data.get(weight, 1.0)) if weight else 1.0
        d = float(data.get(distance, 1.0)) if distance else 1.0
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
            U[u][v]["distance"] = min(U[u][v]["distance"], d)
        else:
            U.add_edge(u, v, weight=w, distance=d)
    return U


# --------------------------------------------------------------------------- metrics


def collective_influence(G: nx.Graph, radius: int = 2) -> dict[Hashable, float]:
    """Collective influence (Morone & Makse 2015): ``(k_i - 1) * sum (k_j - 1)``
    over the nodes j at exactly ``radius`` hops from i.

    Parameters
    ----------
    G : networkx graph
        The graph.
    radius : int, default 2
        The distance (in hops, >= 1) of the nodes j summed over.

    Returns
    -------
    dict
        Node -> collective influence.

    Raises
    ------
    ValueError
        When ``radius`` is not an integer >= 1.

    Examples
    --------
    >>> import networkx as nx
    >>> collective_influence(nx.path_graph(5), radius=1)
    {0: 0.0, 1: 1.0, 2: 2.0, 3: 1.0, 4: 0.0}
    """
    if not is_int(radius) or radius < 1:
        raise ValueError(f"radius must be an integer >= 1, not {radius!r}")
    U = G.to_undirected(as_view=True) if G.is_directed() else G
    deg = dict(U.degree())
    out = {}
    for v in U:
        if deg[v] <= 1:
            out[v] = 0.0
            continue
        dist = nx.single_source_shortest_path_length(U, v, cutoff=radius)
        frontier = sum(deg[u] - 1 for u, d in dist.items() if d == radius)
        out[v] = float((deg[v] - 1) * frontier)
    return out


@dataclass
class _Ranker:
    """Scores the remaining nodes (by index into the canonical node list) for one metric."""

    name: str
    nodes: list[Hashable]
    U: nx.Graph
    G: nx.Graph
    A: sp.csr_array  # ties (0/1)
    W: sp.csr_array  # strengths (``weight``, or 1)
    D: sp.csr_array  # lengths (``distance``, or 1)
    weight: str | None = None
    distance: str | None = None
    katz_alpha: float | None = None
    ci_radius: int = 2
    k: int | None = None
    sample_rng: np.random.Generator | None = None
    fixed: dict[Hashable, float] | None = None
    fn: Callable[[nx.Graph], Mapping[Any, Any]] | None = None
    alphas: list[float] = field(default_factory=list)
    engine: str = "numpy"

    def scores(self, idx: np.ndarray) -> np.ndarray:
        """Scores of the nodes ``idx`` on the network they form; NaN = not rankable."""
        if self.fixed is not None:
            return np.array([self.fixed.get(self.nodes[i], math.nan) for i in idx], dtype=float)
        if self.fn is not None:
            return self._called(idx)
        if self.name == "collective_influence":
            ci = collective_influence(self.U.subgraph([self.nodes[i] for i in idx]), self.ci_radius)
            return np.array([ci[self.nodes[i]] for i in idx], dtype=float)
        sub = self.A[idx][:, idx]
        if sub.nnz == 0:
            return np.zeros(len(idx))
        if self.name == "degree":
            M = self.W[idx][:, idx] if self.weight else sub
            return np.asarray(M.sum(axis=1), dtype=float).ravel()
        if self.name == "katz":
            from netintel.algorithms.centrality import _katz_matrix

            M = self.W[idx][:, idx] if self.weight else sub
            x, alpha = _katz_matrix(sp.csr_array(M), True, self.katz_alpha)
            self.alphas.append(alpha)
            return x
        return self._path_scores(idx)

    def _path_scores(self, idx: np.ndarray) -> np.ndarray:
        n = len(idx)
        upper = sp.triu(self.D[idx][:, idx], k=1).tocoo()
        edges = list(zip(upper.row.tolist(), upper.col.tolist(), strict=True))
        dist = upper.data.tolist() if self.distance else None
        betweenness = self.name == "betweenness"
        sources = None
        if betweenness and self.k is not None and self.k < n:
            assert self.sample_rng is not None
            sources = np.sort(self.sample_rng.choice(n, size=self.k, replace=False)).tolist()
        try:
            from netintel.algorithms.centrality import _igraph_path_scores

            btw, clo = _igraph_path_scores(
                n, edges, dist, False, betweenness, not betweenness, sources=sources
            )
            self.engine = "igraph"
        except ImportError:
            btw, clo = _networkx_path_scores(n, edges, dist, betweenness, sources)
            self.engine = "networkx"
        out = btw if betweenness else clo
        assert out is not None
        return out

    def _called(self, idx: np.ndarray) -> np.ndarray:
        assert self.fn is not None
        left = [self.nodes[i] for i in idx]
        got = self.fn(self.G.subgraph(left))
        if not isinstance(got, Mapping | pd.Series):
            raise ValueError(
                f"metric {self.name!r} must return a dict node -> score, not {type(got).__name__}"
            )
        scores = _checked_scores(got, set(left), f"metric {self.name!r}")
        return np.array([scores.get(v, math.nan) for v in left], dtype=float)


def _networkx_path_scores(
    n: int,
    edges: list[tuple[int, int]],
    dist: list[float] | None,
    betweenness: bool,
    sources: list[int] | None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The networkx counterpart of ``centrality._igraph_path_scores`` (no igraph)."""
    H = nx.Graph()
    H.add_nodes_from(range(n))
    for i, (u, v) in enumerate(edges):
        H.add_edge(u, v, distance=dist[i] if dist else 1.0)
    w = "distance" if dist else None
    if not betweenness:
        c = nx.closeness_centrality(H, distance=w)
        return None, np.array([c[i] for i in range(n)])
    if sources is None:
        b = nx.betweenness_centrality(H, weight=w)
        return np.array([b[i] for i in range(n)]), None
    raw = nx.betweenness_centrality_subset(H, sources, list(H), normalized=False, weight=w)
    scale = (n / len(sources)) * 2 / ((n - 1) * (n - 2)) if n > 2 else 0.0
    return np.array([raw[i] * scale for i in range(n)]), None


def _checked_scores(
    ranking: Mapping[Any, Any] | pd.Series, nodes: set[Hashable], what: str
) -> dict[Hashable, float]:
    """``ranking`` as node -> float, every node in ``nodes`` and every score a number."""
    items = ranking.items()
    out: dict[Hashable, float] = {}
    for v, s in items:
        if v not in nodes:
            raise ValueError(f"{what} names a node not in the graph: {v!r}")
        if isinstance(s, bool):
            raise ValueError(f"{what}: score of {v!r} is not a number: {s!r}")
        try:
            out[v] = float(s)
        except (TypeError, ValueError):
            raise ValueError(f"{what}: score of {v!r} is not a number: {s!r}") from None
        if math.isnan(out[v]):
            raise ValueError(f"{what}: score of {v!r} is NaN")
    return out


#: Which named metric can use which option (anything else is an error).
_USES = {
    "degree": {"weight"},
    "betweenness": {"distance", "k"},
    "closeness": {"distance"},
    "katz": {"weight", "katz_alpha"},
    "collective_influence": {"ci_radius"},
}


def _check_options(metric_name: str, named: bool, given: dict[str, Any]) -> None:
    """Refuse any option the metric cannot use, with what to do instead."""
    uses = _USES.get(metric_name, set()) if named else set()
    for option, value in given.items():
        if value is None or option in uses:
            continue
        what = f"metric {metric_name!r}" if named else "a fixed ranking or a callable metric"
        hint = ""
        if option == "weight" and metric_name in ("betweenness", "closeness"):
            hint = (
                f"; {metric_name} follows shortest paths, so give tie lengths with distance= "
                "(e.g. 1/calls as an edge attribute), not strengths"
            )
        elif not named:
            hint = "; it is applied to the graph as given"
        raise ValueError(f"{option}= cannot be used with {what}{hint}")


def simulate_disruption(
    G: nx.Graph,
    metric: str | Mapping[Any, float] | pd.Series | Callable[[nx.Graph], Mapping[Any, Any]] = (
        "degree"
    ),
    *,
    strategy: str = "sequential",
    block_size: int | None = None,
    steps: int | None = None,
    distance: str | None = None,
    weight: str | None = None,
    katz_alpha: float | None = None,
    ci_radius: int | None = None,
    k: int | None = None,
    ties: str = "random",
    seed: int | None = None,
    efficiency: bool = True,
) -> Disruption:
    """Remove nodes in the order of ``metric`` and measure the damage after each removal.

    Parameters
    ----------
    G : networkx graph
        Analysed as undirected.
    metric : str, dict, pandas Series or callable
        What ranks the targets (highest first): one of
        :data:`DISRUPTION_METRICS`; a fixed ranking node -> score (for example
        from :func:`key_players` or from intelligence; nodes missing from it
        are never removed); or a callable ``f(H) -> {node: score}`` called on
        the remaining part of ``G`` (a subgraph view, so with ``G``'s own
        attributes and direction) whenever the strategy recomputes.
    strategy : {"sequential", "block", "static"}
        ``"sequential"`` recomputes after each removal; ``"block"`` removes
        the top ``block_size`` then recomputes (Cavallaro et al. 2020);
        ``"static"`` ranks once on the intact network. A fixed ranking gives
        the same order under each. Until netintel issue #16, ``"block"`` meant
        what ``"static"`` means now.
    block_size : int or None
        Removals between recomputations for ``strategy="block"`` (default 5);
        an error with the other strategies.
    steps : int or None
        Removals to simulate; None removes every rankable node.
    distance : str or None
        Edge attribute holding a tie *length*, for betweenness and closeness
        (None counts hops). Reciprocal or parallel ties keep the shortest.
    weight : str or None
        Edge attribute holding a tie *strength*, for degree (strength) and
        Katz. With betweenness or closeness it is an error: a strength is
        not a length; convert it (e.g. ``1/calls``) and pass ``distance=``.
    katz_alpha : float or None
        Fixed Katz attenuation (must stay below 1/spectral radius of the
        intact network). None: ``0.85 / spectral radius`` of the network
        being ranked, recomputed with it; every value used is in the
        provenance notes.
    ci_radius : int or None
        Ball radius for collective influence (default 2).
    k : int or None
        Betweenness from ``k`` sampled sources (Brandes & Pich 2007), drawn
        again at each recomputation from ``seed``; for big graphs.
    ties : {"random", "first", "last"}
        How a pick between nodes with the same top score (within a relative
        1e-9) is made: at random (``seed``), or the first/last of them in
        ``G``'s node order (``list(G)``), deterministically. The ``tied``
        column reports how many nodes shared each pick's score.
    seed : int or None
        For ``ties="random"`` and ``k`` only (drawn and recorded when None);
        an error otherwise.
    efficiency : bool
        Global efficiency costs all-pairs shortest paths per step; turn it
        off for large graphs (the column is then NaN).

    Any option the metric cannot use raises ValueError; none is ignored.

    Returns
    -------
    Disruption

    Examples
    --------
    >>> import networkx as nx
    >>> d = simulate_disruption(nx.star_graph(4), "degree", ties="first")
    >>> d.removed[0], d.table["lcc_fraction"].round(2).tolist()[:3]
    (0, [1.0, 0.2, 0.2])
    >>> d.table["tied"].tolist()
    [0, 1, 4, 3, 2, 1]
    >>> path = nx.path_graph(7)
    >>> simulate_disruption(path, "degree", strategy="block", block_size=2, ties="last").removed
    [5, 4, 2, 1, 6, 3, 0]
    """
    sw = Stopwatch()
    block_size = _check_strategy(strategy, ties, block_size)
    metric_name, named, fn = _metric_kind(metric)
    options = dict(weight=weight, distance=distance, katz_alpha=katz_alpha, ci_radius=ci_radius)
    _check_options(metric_name, named, {**options, "k": k})
    ci_radius = _ci_radius(metric_name, ci_radius)
    U = _network(G, weight, distance)
    nodes = list(U)
    n = len(nodes)
    sampled = _check_sampling(k, n, seed, ties)
    fixed = (
        _checked_scores(metric, set(nodes), "ranking")
        if isinstance(metric, Mapping | pd.Series)
        else None
    )
    steps = _check_steps(steps, len(fixed) if fixed is not None else n)

    used_seed = draw_seed(seed) if ties == "random" or sampled else None
    tie_seed, sample_seed = derived_seeds(used_seed, 2) if used_seed is not None else (0, 0)
    ranker = _Ranker(
        name=metric_name,
        nodes=nodes,
        U=U,
        G=G,
        **_matrices(U, nodes),
        weight=weight,
        distance=distance,
        katz_alpha=katz_alpha,
        ci_radius=ci_radius or 2,
        k=k,
        sample_rng=np.random.default_rng(sample_seed),
        fixed=fixed,
        fn=fn,
    )
    notes = ["directed graph analysed as undirected"] if G.is_directed() else []
    damage = _Damage(nodes, ranker.A, efficiency)
    priority = _tie_priority(G, nodes, ties, tie_seed)
    rows, recomputed = _remove(ranker, damage, priority, strategy, block_size, steps, notes)
    notes += _ranker_notes(ranker, katz_alpha, k if sampled else None)
    prov = sw.provenance(
        "disruption",
        {
            "metric": metric_name,
            "strategy": strategy,
            "block_size": block_size,
            "steps": len(rows) - 1,
            "ties": ties,
            "weight": weight,
            "distance": distance,
            "katz_alpha": katz_alpha,
            "ci_radius": ci_radius,
            "k": k,
            "efficiency": efficiency,
            "recomputations": recomputed,
        },
        seed=used_seed,
        engine=ranker.engine,
        input_hash=graph_hash(G, weight),
        notes=notes,
    )
    return Disruption(
        table=_step_table(rows, n), metric=metric_name, strategy=strategy, provenance=prov
    )


# --------------------------------------------------------------------------- disruption stages


def _check_strategy(strategy: str, ties: str, block_size: int | None) -> int | None:
    """Check the strategy, tie rule and block size; the block size used (None unless block)."""
    if strategy not in DISRUPTION_STRATEGIES:
        raise ValueError(
            f"strategy must be one of {', '.join(DISRUPTION_STRATEGIES)}, not {strategy!r}"
        )
    if ties not in TIE_RULES:
        raise ValueError(f"ties must be one of {', '.join(TIE_RULES)}, not {ties!r}")
    if block_size is not None and strategy != "block":
        raise ValueError(f"block_size= is for strategy='block', not {strategy!r}")
    if strategy == "block":
        block_size = 5 if block_size is None else block_size
        if not is_int(block_size) or block_size < 1:
            raise ValueError(f"block_size must be an integer >= 1, not {block_size!r}")
    return block_size


def _metric_kind(
    metric: Any,
) -> tuple[str, bool, Callable[[nx.Graph], Mapping[Any, Any]] | None]:
    """The metric's name (``"ranking"`` for a fixed one), whether it is named, its callable."""
    if isinstance(metric, str):
        if metric not in DISRUPTION_METRICS:
            raise ValueError(
                f"metric must be one of {', '.join(DISRUPTION_METRICS)}, a dict or a callable, "
                f"not {metric!r}"
            )
        return str(metric), True, None
    if isinstance(metric, Mapping | pd.Series):
        return "ranking", False, None
    if callable(metric):
        return getattr(metric, "__name__", type(metric).__name__), False, metric
    raise ValueError(
        f"metric must be one of {', '.join(DISRUPTION_METRICS)}, a dict or a callable, "
        f"not {metric!r}"
    )


def _ci_radius(metric_name: str, ci_radius: int | None) -> int | None:
    """The collective-influence radius (default 2) for that metric, else as given."""
    if metric_name != "collective_influence":
        return ci_radius
    ci_radius = 2 if ci_radius is None else ci_radius
    if not is_int(ci_radius) or ci_radius < 1:
        raise ValueError(f"ci_radius must be an integer >= 1, not {ci_radius!r}")
    return ci_radius


def _check_sampling(k: int | None, n: int, seed: int | None, ties: str) -> bool:
    """Check ``k`` and ``seed`` against the network; whether betweenness is sampled."""
    if k is not None and (not is_int(k) or not 1 <= k <= n):
        raise ValueError(f"k must be an integer in 1..{n} (number of nodes), not {k!r}")
    sampled = k is not None and k < n
    if seed is not None and ties != "random" and not sampled:
        raise ValueError(
            f"seed= is used only with ties='random' or sampled betweenness (k=); ties={ties!r} "
            "is deterministic"
        )
    return sampled


def _check_steps(steps: int | None, rankable: int) -> int:
    """The removals to simulate: all rankable nodes by default."""
    if steps is None:
        steps = rankable
    if not is_int(steps) or not 0 <= steps <= rankable:
        raise ValueError(f"steps must be an integer in 0..{rankable}, not {steps!r}")
    return steps


def _matrices(U: nx.Graph, nodes: list[Hashable]) -> dict[str, sp.csr_array]:
    """The ranker's ties (``A``), strengths (``W``) and lengths (``D``) in node order."""
    return {
        name: sp.csr_array(nx.to_scipy_sparse_array(U, nodelist=nodes, weight=w, dtype=float))
        for name, w in (("A", None), ("W", "weight"), ("D", "distance"))
    }


def _tie_priority(G: nx.Graph, nodes: list[Hashable], ties: str, tie_seed: int) -> np.ndarray:
    """Per node, its priority among equal scores (lowest is picked)."""
    if ties == "random":
        return np.random.default_rng(tie_seed).permutation(len(nodes))
    order = {v: i for i, v in enumerate(G)}
    given = np.array([order[v] for v in nodes])
    return given if ties == "first" else -given


def _remove(
    ranker: _Ranker,
    damage: _Damage,
    priority: np.ndarray,
    strategy: str,
    block_size: int | None,
    steps: int,
    notes: list[str],
) -> tuple[list[dict[str, Any]], int]:
    """Remove the top-scored node ``steps`` times, rescoring as the strategy says.

    Returns the step rows (step 0 the intact network) and how often scores were computed;
    an early stop is added to ``notes``.
    """
    n = len(ranker.nodes)
    keep = np.ones(n, dtype=bool)
    rows: list[dict[str, Any]] = [
        {"step": 0, "removed": None, "score": math.nan, "tied": 0, **damage.measure(keep)}
    ]
    score = np.full(n, math.nan)
    recomputed = 0
    for step in range(1, steps + 1):
        if (
            step == 1
            or strategy == "sequential"
            or (strategy == "block" and (step - 1) % block_size == 0)  # type: ignore[operator]
        ):
            idx = np.flatnonzero(keep)
            score[:] = math.nan
            score[idx] = ranker.scores(idx)
            recomputed += 1
        candidates = keep & ~np.isnan(score)
        if not candidates.any():
            notes.append(f"stopped after {step - 1} removals: no remaining node has a score")
            break
        top = float(np.max(score[candidates]))
        tol = 1e-9 * max(1.0, abs(top))
        tied = np.flatnonzero(candidates & (score >= top - tol))
        i = int(tied[np.argmin(priority[tied])])
        keep[i] = False
        rows.append(
            {
                "step": step,
                "removed": ranker.nodes[i],
                "score": float(score[i]),
                "tied": len(tied),
                **damage.measure(keep),
            }
        )
    return rows, recomputed


def _ranker_notes(ranker: _Ranker, katz_alpha: float | None, sampled_k: int | None) -> list[str]:
    """Provenance notes on the Katz attenuations used and on sampled betweenness."""
    notes = []
    if ranker.alphas:
        shown = ", ".join(f"{a:.6g}" for a in ranker.alphas[:5])
        more = f" and {len(ranker.alphas) - 5} more" if len(ranker.alphas) > 5 else ""
        rule = "fixed" if katz_alpha is not None else "0.85 / spectral radius of what was left"
        notes.append(f"katz: alpha ({rule}) = {shown}{more}")
    if sampled_k is not None:
        notes.append(
            f"betweenness sampled from k={sampled_k} sources, drawn again at each recomputation"
        )
    return notes


def _step_table(rows: list[dict[str, Any]], n0: int) -> pd.DataFrame:
    removed = pd.Series([r.pop("removed") for r in rows], dtype=object)
    table = pd.DataFrame(rows)
    table.insert(1, "removed", removed)
    table.insert(4, "fraction_removed", table["step"] / n0)
    table["tied"] = table["tied"].astype(int)
    table["lcc_size"] = table["lcc_size"].astype(int)
    table["n_components"] = table["n_components"].astype(int)
    return table


def random_disruption(
    G: nx.Graph,
    *,
    runs: int = 100,
    seed: int | None = None,
    steps: int | None = None,
    efficiency: bool = True,
) -> RandomDisruption:
    """Random removal orders: mean and 95% band of the damage at each step.

    Parameters
    ----------
    G : networkx graph
        Analysed as undirected.
    runs : int
        Random orders (seeds derived from ``seed``).
    seed : int or None
        Drawn and recorded when None.
    steps : int or None
        Removals per run; None removes everyone.
    efficiency : bool
        As in :func:`simulate_disruption`.

    Examples
    --------
    >>> import networkx as nx
    >>> r = random_disruption(nx.complete_graph(5), runs=10, seed=0)
    >>> r.to_frame()["lcc_fraction_mean"].round(6).tolist()
    [1.0, 0.8, 0.6, 0.4, 0.2, 0.0]
    """
    if not is_int(runs) or runs < 1:
        raise ValueError(f"runs must be an integer >= 1, not {runs!r}")
    sw = Stopwatch()
    U = _network(G, None)
    nodes = list(U)
    n = len(nodes)
    if steps is None:
        steps = n
    if not is_int(steps) or not 0 <= steps <= n:
        raise ValueError(f"steps must be an integer in 0..{n}, not {steps!r}")
    used_seed = draw_seed(seed)
    A = sp.csr_array(nx.to_scipy_sparse_array(U, nodelist=nodes, weight=None, dtype=float))
    damage = _Damage(nodes, A, efficiency)
    values = {m: np.empty((runs, steps + 1)) for m in _MEASURES}
    for r, run_seed in enumerate(derived_seeds(used_seed, runs)):
        order = np.random.default_rng(run_seed).permutation(n)[:steps]
        keep = np.ones(n, dtype=bool)
        first = damage.measure(keep)
        for m in _MEASURES:
            values[m][r, 0] = first[m]
        for step, i in enumerate(order, start=1):
            keep[i] = False
            got = damage.measure(keep)
            for m in _MEASURES:
                values[m][r, step] = got[m]
    cols: dict[str, Any] = {
        "step": np.arange(steps + 1),
        "fraction_removed": np.arange(steps + 1) / n,
    }
    for m in _MEASURES:
        cols[f"{m}_mean"] = values[m].mean(axis=0)
        cols[f"{m}_lo"] = np.percentile(values[m], 2.5, axis=0)
        cols[f"{m}_hi"] = np.percentile(values[m], 97.5, axis=0)
    prov = sw.provenance(
        "random_disruption",
        {"runs": runs, "steps": steps, "efficiency": efficiency},
        seed=used_seed,
        engine="numpy",
        input_hash=graph_hash(G, None),
        notes=["directed graph analysed as undirected"] if G.is_directed() else [],
    )
    return RandomDisruption(table=pd.DataFrame(cols), runs=runs, provenance=prov)


# --------------------------------------------------------------------------- plotting


def _plot(
    path: str | Path,
    curves: Sequence[Disruption],
    baseline: RandomDisruption | None,
    title: str | None,
) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"plot writes PNG files; {path.name!r} does not end in .png")
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 2, sharex=True)
    panels: list[tuple[str, str]] = [
        ("lcc_fraction", "largest component / original size"),
        ("efficiency", "global efficiency"),
    ]
    for ax, (measure, label) in zip(axes, panels, strict=True):
        if baseline is not None:
            t = baseline.table
            ax.fill_between(
                t["fraction_removed"],
                t[f"{measure}_lo"],
                t[f"{measure}_hi"],
                color="0.8",
                label=f"random, 95% band ({baseline.runs} runs)",
            )
            ax.plot(
                t["fraction_removed"], t[f"{measure}_mean"], color="0.4", lw=1, label="random, mean"
            )
        for curve in curves:
            t = curve.table
            ax.plot(
                t["fraction_removed"],
                t[measure],
                marker=".",
                lw=1.5,
                label=f"{curve.metric} ({curve.strategy})",
            )
        ax.set_xlabel("share of people removed")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.suptitle(title or "Network disruption")
    fig.savefig(path, dpi=120)
    return path

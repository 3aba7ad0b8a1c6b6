"""Simulated arrests: how fast does a network fall apart as people are removed?

Following Cavallaro et al. (2020, PLOS ONE 15(8) e0236476), nodes are removed
one at a time in the order given by a centrality metric, and after every
removal the damage is measured:

* ``lcc_fraction`` - size of the largest connected component over the
  original number of nodes (``lcc_relative``: over the original LCC);
* ``n_components`` - connected components left (isolates count);
* ``efficiency`` - global efficiency (mean of 1/distance over all ordered
  pairs of the *original* nodes; removed people reach nobody).

Strategies: ``"sequential"`` recomputes the metric on what is left after each
removal; ``"block"`` ranks once on the intact network and removes in that
order. :func:`random_disruption` gives the baseline: the mean and 95% band of
random removal orders.

Directed graphs are analysed as undirected (anyone who can call anyone keeps
the network connected); the metrics count ties, not weights, unless
``weight`` is given (degree then means strength, and Katz uses weights).

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
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, shortest_path

from netintel.algorithms.results import (
    Provenance,
    ResultMixin,
    Stopwatch,
    canonical_graph,
    derived_seeds,
    draw_seed,
    graph_hash,
    table_dict,
    to_jsonable,
)

__all__ = [
    "DISRUPTION_METRICS",
    "Disruption",
    "RandomDisruption",
    "collective_influence",
    "random_disruption",
    "simulate_disruption",
]

#: Named metrics :func:`simulate_disruption` can rank by.
DISRUPTION_METRICS = ("degree", "betweenness", "katz", "collective_influence")

_MEASURES = ("lcc_fraction", "lcc_relative", "n_components", "efficiency")


@dataclass(frozen=True, eq=False)
class Disruption(ResultMixin):
    """One removal sequence and the damage after each step.

    ``table`` has one row per step (step 0 = intact network): ``step``,
    ``removed``, ``score`` (the metric value that got the node removed),
    ``fraction_removed``, ``lcc_size``, ``lcc_fraction``, ``lcc_relative``,
    ``n_components``, ``efficiency``.
    """

    table: pd.DataFrame
    metric: str
    strategy: str
    provenance: Provenance

    @property
    def removed(self) -> list[Hashable]:
        """The removal order."""
        return self.table["removed"].iloc[1:].tolist()

    @property
    def robustness(self) -> float:
        """Mean ``lcc_fraction`` over the removal steps (Schneider et al. 2011's R).

        Lower means a more effective strategy.
        """
        values = self.table["lcc_fraction"].iloc[1:]
        return float(values.mean()) if len(values) else math.nan

    def to_frame(self) -> pd.DataFrame:
        """A copy of the step table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Steps and provenance as plain JSON types."""
        return {
            "metric": self.metric,
            "strategy": self.strategy,
            "robustness": to_jsonable(self.robustness),
            "steps": table_dict(self.table),
            "provenance": self.provenance.to_dict(),
        }

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
class RandomDisruption(ResultMixin):
    """Random removal over many runs: per step, the mean and the 2.5-97.5% band.

    ``table`` columns: ``step``, ``fraction_removed`` and, for each of
    ``lcc_fraction``, ``lcc_relative``, ``n_components``, ``efficiency``, the
    ``_mean``, ``_lo`` and ``_hi`` values.
    """

    table: pd.DataFrame
    runs: int
    provenance: Provenance

    @property
    def robustness(self) -> float:
        """Mean over steps of the mean ``lcc_fraction`` (compare with a strategy's)."""
        values = self.table["lcc_fraction_mean"].iloc[1:]
        return float(values.mean()) if len(values) else math.nan

    def to_frame(self) -> pd.DataFrame:
        """A copy of the step table."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """Steps and provenance as plain JSON types."""
        return {
            "runs": self.runs,
            "robustness": to_jsonable(self.robustness),
            "steps": table_dict(self.table),
            "provenance": self.provenance.to_dict(),
        }

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


def _network(G: nx.Graph, weight: str | None) -> nx.Graph:
    """Undirected simple canonical copy (reciprocal weights summed, self-loops dropped)."""
    if not isinstance(G, nx.Graph):
        raise ValueError(f"expected a networkx graph, not {type(G).__name__}")
    if G.number_of_nodes() == 0:
        raise ValueError("the graph has no nodes")
    H = canonical_graph(G, weight=weight)
    U = nx.Graph()
    U.add_nodes_from(H)
    for u, v, data in H.edges(data=True):
        if u == v:
            continue
        w = float(data.get(weight, 1.0)) if weight else 1.0
        if U.has_edge(u, v):
            U[u][v]["weight"] += w
        else:
            U.add_edge(u, v, weight=w)
    return U


# --------------------------------------------------------------------------- metrics


def collective_influence(G: nx.Graph, radius: int = 2) -> dict[Hashable, float]:
    """Collective influence (Morone & Makse 2015): ``(k_i - 1) * sum (k_j - 1)``
    over the nodes j at exactly ``radius`` hops from i.

    >>> import networkx as nx
    >>> collective_influence(nx.path_graph(5), radius=1)
    {0: 0.0, 1: 1.0, 2: 2.0, 3: 1.0, 4: 0.0}
    """
    if isinstance(radius, bool) or not isinstance(radius, int) or radius < 1:
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


def _scores(U: nx.Graph, metric: str, weight: str | None, ci_radius: int) -> dict[Hashable, float]:
    if U.number_of_edges() == 0:
        return dict.fromkeys(U, 0.0)
    if metric == "degree":
        return {v: float(d) for v, d in U.degree(weight="weight" if weight else None)}
    if metric == "betweenness":
        try:
            from netintel.algorithms.centrality import _betweenness_closeness_igraph

            btw, _ = _betweenness_closeness_igraph(U, None, True, False)
            assert btw is not None
            return dict(zip(U, btw.tolist(), strict=True))
        except ImportError:
            return nx.betweenness_centrality(U)
    if metric == "katz":
        from netintel.algorithms.centrality import _katz_scores

        x, _ = _katz_scores(U, "weight" if weight else None, None)
        return dict(zip(U, x.tolist(), strict=True))
    if metric == "collective_influence":
        return collective_influence(U, ci_radius)
    raise AssertionError(metric)  # pragma: no cover


def _pick(
    candidates: list[Hashable], scores: Mapping[Hashable, float], priority: Mapping[Hashable, int]
) -> Hashable:
    """Highest score; near-ties (relative 1e-9) go to the better tie-break priority."""
    top = max(scores[v] for v in candidates)
    tol = 1e-9 * max(1.0, abs(top))
    tied = [v for v in candidates if scores[v] >= top - tol]
    return min(tied, key=lambda v: priority[v])


def simulate_disruption(
    G: nx.Graph,
    metric: str | Mapping[Any, float] = "degree",
    *,
    strategy: str | None = None,
    steps: int | None = None,
    seed: int | None = None,
    weight: str | None = None,
    ci_radius: int = 2,
    efficiency: bool = True,
) -> Disruption:
    """Remove nodes in the order of ``metric`` and measure the damage after each removal.

    Parameters
    ----------
    G : networkx graph
        Analysed as undirected.
    metric : {"degree", "betweenness", "katz", "collective_influence"} or dict
        What ranks the targets (highest first). A dict node -> score is a
        fixed ranking (for example from :func:`key_players` or from
        intelligence); nodes missing from it are never removed.
    strategy : {"sequential", "block"} or None
        ``"sequential"`` recomputes the metric after each removal (default
        for named metrics); ``"block"`` ranks once (the only option, and the
        default, for a dict).
    steps : int or None
        Removals to simulate; None removes every rankable node.
    seed : int or None
        Breaks ties between equal scores (drawn and recorded when None).
    weight : str or None
        Tie strength for degree and Katz; None counts ties.
    ci_radius : int
        Ball radius for collective influence.
    efficiency : bool
        Global efficiency costs all-pairs shortest paths per step; turn it
        off for large graphs (the column is then NaN).

    Returns
    -------
    Disruption

    Examples
    --------
    >>> import networkx as nx
    >>> d = simulate_disruption(nx.star_graph(4), "degree", seed=1)
    >>> d.removed[0], d.table["lcc_fraction"].round(2).tolist()[:3]
    (0, [1.0, 0.2, 0.2])
    """
    sw = Stopwatch()
    U = _network(G, weight)
    nodes = list(U)
    index = {v: i for i, v in enumerate(nodes)}
    fixed: dict[Hashable, float] | None = None
    if isinstance(metric, Mapping):
        unknown = [v for v in metric if v not in index]
        if unknown:
            raise ValueError(
                f"ranking names {len(unknown)} node(s) not in the graph, e.g. {unknown[0]!r}"
            )
        fixed = {}
        for v, s in metric.items():
            try:
                fixed[v] = float(s)
            except (TypeError, ValueError):
                raise ValueError(f"ranking score of {v!r} is not a number: {s!r}") from None
            if math.isnan(fixed[v]):
                raise ValueError(f"ranking score of {v!r} is NaN")
        metric_name = "ranking"
        if strategy is None:
            strategy = "block"
        elif strategy != "block":
            raise ValueError("a fixed ranking cannot be recomputed: use strategy='block'")
    else:
        if metric not in DISRUPTION_METRICS:
            raise ValueError(
                f"metric must be one of {', '.join(DISRUPTION_METRICS)} or a dict, not {metric!r}"
            )
        metric_name = metric
        strategy = strategy or "sequential"
        if strategy not in ("sequential", "block"):
            raise ValueError(f"strategy must be 'sequential' or 'block', not {strategy!r}")
    removable = list(fixed) if fixed is not None else nodes
    if steps is None:
        steps = len(removable)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= len(removable):
        raise ValueError(f"steps must be an integer in 0..{len(removable)}, not {steps!r}")
    used_seed = draw_seed(seed)
    rng = np.random.default_rng(used_seed)
    priority = {nodes[i]: int(r) for i, r in enumerate(rng.permutation(len(nodes)))}

    A = sp.csr_array(nx.to_scipy_sparse_array(U, nodelist=nodes, weight=None, dtype=float))
    damage = _Damage(nodes, A, efficiency)
    keep = np.ones(len(nodes), dtype=bool)
    rows: list[dict[str, Any]] = [
        {"step": 0, "removed": None, "score": math.nan, **damage.measure(keep)}
    ]

    if strategy == "block":
        scores = fixed if fixed is not None else _scores(U, metric_name, weight, ci_radius)
        remaining = sorted(removable, key=lambda v: priority[v])
        plan: list[tuple[Hashable, float]] = []
        for _ in range(steps):
            v = _pick(remaining, scores, priority)
            remaining.remove(v)
            plan.append((v, scores[v]))
    R = U.copy()
    for step in range(1, steps + 1):
        if strategy == "block":
            v, score = plan[step - 1]
        else:
            scores = _scores(R, metric_name, weight, ci_radius)
            v = _pick(list(R), scores, priority)
            score = scores[v]
        R.remove_node(v)
        keep[index[v]] = False
        rows.append({"step": step, "removed": v, "score": float(score), **damage.measure(keep)})
    table = _step_table(rows, len(nodes))
    prov = sw.provenance(
        "disruption",
        {
            "metric": metric_name,
            "strategy": strategy,
            "steps": steps,
            "weight": weight,
            "ci_radius": ci_radius if metric_name == "collective_influence" else None,
            "efficiency": efficiency,
        },
        seed=used_seed,
        engine="networkx",
        input_hash=graph_hash(G, weight),
        notes=["directed graph analysed as undirected"] if G.is_directed() else [],
    )
    return Disruption(table=table, metric=metric_name, strategy=strategy, provenance=prov)


def _step_table(rows: list[dict[str, Any]], n0: int) -> pd.DataFrame:
    removed = pd.Series([r.pop("removed") for r in rows], dtype=object)
    table = pd.DataFrame(rows)
    table.insert(1, "removed", removed)
    table.insert(3, "fraction_removed", table["step"] / n0)
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
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise ValueError(f"runs must be an integer >= 1, not {runs!r}")
    sw = Stopwatch()
    U = _network(G, None)
    nodes = list(U)
    n = len(nodes)
    if steps is None:
        steps = n
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= n:
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

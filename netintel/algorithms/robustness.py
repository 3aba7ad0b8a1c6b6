"""Robustness of a ranking to missing data: how far could each person's rank move?

Wiretaps and police records never hold the whole network. :func:`rank_stability`
draws many samples of the graph with a share of the people (``drop_nodes``) and of
the remaining links (``drop_links``) missing at random, ranks everyone again in each
sample, and gives for each person the median rank and the 5%-95% interval of the
ranks it took, with how often the person was among the missing. Each sample is
compared with the full ranking by Kendall's tau and by the overlap of the top ``top``.

Ficara et al. (2021, "Criminal networks analysis in missing data scenarios
through graph distances", PLOS ONE 16(8) e0255067) found on Sicilian Mafia
networks that about 10% missing links leave the picture intact while a few
percent of missing people can change it; the defaults (2% of nodes, 10% of
links) follow their scenarios.

Examples
--------
>>> import networkx as nx
>>> G = nx.barbell_graph(5, 1)  # two 5-cliques joined through node 5
>>> rs = rank_stability(G, "betweenness", drop_nodes=0, drop_links=0, samples=3, seed=0)
>>> rs.table.loc[5, ["rank", "rank_05", "rank_95"]].tolist(), float(rs.table.loc[5, "missing"])
([1, 1, 1], 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netintel.algorithms._checks import is_int
from netintel.algorithms.centrality import (
    KEY_PLAYER_METRICS,
    _engine,
    _igraph_path_scores,
    _sampled_betweenness_edges,
    key_players,
)
from netintel.algorithms.results import (
    Provenance,
    ResultMixin,
    Stopwatch,
    canonical_nodes,
    derived_seeds,
    draw_seed,
    edge_arrays,
    graph_hash,
    table_dict,
)

__all__ = ["RANK_METRICS", "RankStability", "rank_stability"]

#: Named metrics :func:`rank_stability` ranks by (the scores of :func:`key_players`).
RANK_METRICS = tuple(m for m in KEY_PLAYER_METRICS if m != "articulation_point")

Metric = str | Callable[[nx.Graph], Mapping[Hashable, float]]

_SAMPLE_COLUMNS = ["sample", "seed", "nodes_dropped", "links_dropped", "kendall_tau", "top_overlap"]


@dataclass(frozen=True, eq=False)
class RankStability(ResultMixin):
    """Rank intervals under missing data, one row per node.

    Attributes
    ----------
    table : pandas.DataFrame
        Index ``node``, best rank first (ties in canonical node order). Columns:
        ``name`` (node attribute, "" when absent), ``rank`` in the full graph (1 =
        highest score, ties share the best rank), ``median_rank`` with ``median_lo`` and
        ``median_hi`` (a distribution-free 95% confidence interval of the median rank,
        which narrows as ``samples`` grow), ``rank_05`` and
        ``rank_95`` (the 5% and 95% quantiles of the node's rank over the samples
        in which it was present, each a rank it actually took), and ``missing``
        (the share of samples in which the node was among the dropped people).
        A node dropped from every sample has no interval (NA).
    samples : pandas.DataFrame
        One row per sample: ``sample``, ``seed``, ``nodes_dropped``,
        ``links_dropped``, ``kendall_tau`` (tau-b between the sample's scores and
        the full graph's over the people present in both) and ``top_overlap`` (the
        share of the full graph's top ``top`` that is also the sample's top).
    ranks : pandas.DataFrame
        The rank of every node (columns) in every sample (rows); NaN where missing.
    metric : str
        The metric's name (a callable's ``__name__``).
    top : int
        Size of the top list compared in ``top_overlap``.
    provenance : Provenance
    """

    table: pd.DataFrame
    samples: pd.DataFrame
    ranks: pd.DataFrame
    metric: str
    top: int
    provenance: Provenance

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table with the node as a column."""
        return self.table.reset_index()

    def summary(self) -> dict[str, float]:
        """How much the ranking as a whole holds: the samples' Kendall tau and top overlap.

        Median and 5% quantile of tau, mean and minimum of the top overlap, and
        the median width of the nodes' 5%-95% intervals.
        """
        tau = self.samples["kendall_tau"].astype(float)
        overlap = self.samples["top_overlap"].astype(float)
        width = (self.table["rank_95"] - self.table["rank_05"]).astype(float)
        return {
            "samples": float(len(self.samples)),
            "kendall_tau_median": float(tau.median()),
            "kendall_tau_05": float(tau.quantile(0.05)),
            "top_overlap_mean": float(overlap.mean()),
            "top_overlap_min": float(overlap.min()),
            "interval_width_median": float(width.median()),
        }

    def to_dict(self) -> dict[str, Any]:
        """Rows, samples, summary and provenance as plain JSON types."""
        return {
            "metric": self.metric,
            "top": self.top,
            "rows": table_dict(self.table),
            "samples": table_dict(self.samples),
            "summary": self.summary(),
            "provenance": self.provenance.to_dict(),
        }


def _share(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise ValueError(f"{what} must be a share in [0, 1), not {value!r}")
    return float(value)


def _scorer(
    metric: Metric, *, k: int | None, weight: str | None, distance: str | None
) -> tuple[str, Callable[[nx.Graph, int], dict[Hashable, float]]]:
    """The metric's name and a function (graph, seed) -> node -> score."""
    if callable(metric):
        name = getattr(metric, "__name__", "callable")

        def custom(H: nx.Graph, _seed: int) -> dict[Hashable, float]:
            got = metric(H)
            if not isinstance(got, Mapping | pd.Series):
                raise ValueError(
                    f"metric {name} must return a mapping node -> score, not {type(got).__name__}"
                )
            return dict(got.items())

        return name, custom
    if metric not in RANK_METRICS:
        raise ValueError(
            f"metric must be one of {', '.join(RANK_METRICS)} or a callable(G) -> dict, "
            f"not {metric!r}"
        )
    if k is not None and metric != "betweenness":
        raise ValueError(f"k (sampled sources) applies to betweenness only, not to {metric!r}")

    def named(H: nx.Graph, seed: int) -> dict[Hashable, float]:
        kk = None if k is None else min(k, H.number_of_nodes())
        col = key_players(H, [metric], k=kk, seed=seed, weight=weight, distance=distance).table
        return dict(col[metric].astype(float).items())

    return str(metric), named


def _scores(
    score: Callable[[nx.Graph, int], dict[Hashable, float]], H: nx.Graph, seed: int, name: str
) -> pd.Series:
    got = score(H, seed)
    lacking = [v for v in H if v not in got]
    if lacking:
        raise ValueError(f"metric {name} gave no score for node {lacking[0]!r}")
    order = canonical_nodes(H)
    values = []
    for v in order:
        try:
            x = float(got[v])
        except (TypeError, ValueError):
            raise ValueError(f"metric {name} gave node {v!r} a non-number: {got[v]!r}") from None
        if not math.isfinite(x):
            raise ValueError(f"metric {name} gave node {v!r} a non-finite score: {x}")
        values.append(x)
    return pd.Series(values, index=pd.Index(order, dtype=object), dtype=float)


def _ranks(scores: pd.Series) -> pd.Series:
    """1 = highest; ties share the best rank (as :meth:`KeyPlayers.rank`)."""
    return scores.rank(ascending=False, method="min")


def _top(scores: pd.Series, n: int) -> set[Hashable]:
    """The ``n`` highest, ties in canonical order (``scores`` is in canonical order)."""
    order = np.lexsort((np.arange(len(scores)), -scores.to_numpy()))
    labels = scores.index.tolist()
    return {labels[i] for i in order[:n]}


def _edges(G: nx.Graph, pos: Mapping[Hashable, int]) -> list[tuple[Any, ...]]:
    """Edges of ``G`` (with keys for multigraphs) in an order that depends only on content."""
    edges = list(G.edges(keys=True)) if G.is_multigraph() else list(G.edges())

    def key(e: tuple[Any, ...]) -> tuple[int, int, str]:
        a, b = pos[e[0]], pos[e[1]]
        if not G.is_directed() and a > b:
            a, b = b, a
        return (a, b, repr(e[2]) if len(e) > 2 else "")

    return sorted(edges, key=key)


def _kendall(full: pd.Series, sample: pd.Series) -> float:
    from scipy.stats import kendalltau

    common = sample.index
    if len(common) < 2:
        return math.nan
    x, y = full.loc[common].to_numpy(), sample.to_numpy()
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return math.nan  # tau is undefined when every score is the same
    return float(kendalltau(x, y).statistic)


def _median_interval(ranks: np.ndarray, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """Per column, a distribution-free 95% confidence interval of the median rank.

    The order statistics ``r[j]`` and ``r[k]`` of the ``m`` samples the node is present in,
    with ``j, k = m/2 -+ z*sqrt(m)/2`` (the normal approximation of the binomial): it
    narrows as the samples grow, like ``1/sqrt(m)``. NaN where the node is never present.

    >>> lo, hi = _median_interval(np.array([[3.0], [1.0], [2.0], [5.0], [4.0]]))
    >>> lo.tolist(), hi.tolist()
    ([1.0], [5.0])
    """
    ordered = np.sort(ranks, axis=0)  # NaN (missing) last
    m = (~np.isnan(ranks)).sum(axis=0)
    half = z * np.sqrt(m) / 2
    j = np.clip(np.floor(m / 2 - half).astype(int), 1, np.maximum(m, 1)) - 1
    k = np.clip(np.ceil(m / 2 + half).astype(int) + 1, 1, np.maximum(m, 1)) - 1
    cols = np.arange(ranks.shape[1])
    lo = np.where(m > 0, ordered[j, cols], np.nan)
    hi = np.where(m > 0, ordered[k, cols], np.nan)
    return lo, hi


@dataclass(frozen=True)
class _Arrays:
    """A simple graph as arrays, in canonical order: the nodes, and the edges as positions
    sorted by ``(src, dst)`` (``src <= dst`` when undirected) with their weights."""

    nodes: list[Hashable]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    directed: bool


#: Named metrics the samples score from :class:`_Arrays` (the scores :func:`key_players`
#: gives on the sample, without copying the graph in networkx for each one).
_ARRAY_METRICS = ("degree", "pagerank", "betweenness")


def _arrays(
    G: nx.Graph, nodes: list[Hashable], metric: Metric, weight: str | None, distance: str | None
) -> _Arrays | None:
    """``G`` as :class:`_Arrays` when its samples can be scored from them (a simple graph,
    a metric of :data:`_ARRAY_METRICS`, hop distances, betweenness on igraph), else None."""
    if G.is_multigraph() or distance is not None or metric not in _ARRAY_METRICS:
        return None
    if metric == "betweenness" and _engine("auto") != "igraph":
        return None
    directed = G.is_directed()
    ea = edge_arrays(G, weight)
    pos = {v: i for i, v in enumerate(nodes)}
    canonical = np.array([pos[v] for v in ea.nodes], dtype=np.int64)
    src, dst = canonical[ea.src], canonical[ea.dst]
    if not directed:  # each link from its lower end
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    order = np.lexsort((dst, src))
    return _Arrays(nodes, src[order], dst[order], ea.weight[order], directed)


def _array_scores(
    arr: _Arrays,
    metric: str,
    kept: np.ndarray,
    edges: np.ndarray,
    seed: int,
    k: int | None,
    weight: str | None,
) -> pd.Series:
    """What ``key_players`` gives on the graph of the ``kept`` node positions (ascending)
    and the ``edges`` (ascending indices into ``arr``'s): the same scores, in canonical
    order, computed from the arrays."""
    n = len(kept)
    local = np.full(len(arr.nodes), -1, dtype=np.int64)
    local[kept] = np.arange(n)
    s, d = local[arr.src[edges]], local[arr.dst[edges]]
    names = [arr.nodes[i] for i in kept.tolist()]
    if metric == "degree":
        per_node = 1.0 / (n - 1) if n > 1 else 1.0
        values = (np.bincount(s, minlength=n) + np.bincount(d, minlength=n)) * per_node
    elif metric == "pagerank":  # on the graph canonical_graph would give, in networkx
        H: nx.Graph = nx.DiGraph() if arr.directed else nx.Graph()
        H.add_nodes_from(names)
        ends = zip(s.tolist(), d.tolist(), arr.weight[edges].tolist(), strict=True)
        if weight is None:
            H.add_edges_from((names[a], names[b]) for a, b, _ in ends)
        else:
            H.add_edges_from((names[a], names[b], {weight: 0.0 + x}) for a, b, x in ends)
        pr = nx.pagerank(H, weight=weight) if n else {}
        values = np.array([pr[v] for v in names], dtype=float)
    else:  # betweenness on igraph, exact or from min(k, n) sampled sources
        pairs = np.column_stack([s, d]).tolist()
        kk = None if k is None else min(k, n)
        if kk is not None and kk < n:
            values = _sampled_betweenness_edges(names, pairs, arr.directed, kk, seed)
        elif n:
            exact, _ = _igraph_path_scores(n, pairs, None, arr.directed, True, False)
            values = np.asarray(exact, dtype=float)
        else:
            values = np.zeros(0)
    return pd.Series(values, index=pd.Index(names, dtype=object), dtype=float)


def _array_sample(
    arr: _Arrays,
    seed: int,
    drop: tuple[int, float],
    scorer: tuple[str, int | None, str | None],
    full: pd.Series,
    n_top: int,
    ranks_out: np.ndarray,
) -> dict[str, Any]:
    """:func:`_sample` (the same draws, scores and row) on :class:`_Arrays`."""
    drop_n, drop_links = drop
    metric, k, weight = scorer
    rng = np.random.default_rng(seed)
    keep = np.ones(len(arr.nodes), dtype=bool)
    if drop_n:
        keep[rng.choice(len(arr.nodes), size=drop_n, replace=False)] = False
    edges = np.flatnonzero(keep[arr.src] & keep[arr.dst])
    drop_m = round(drop_links * len(edges))
    if drop_m:
        edges = np.delete(edges, rng.choice(len(edges), drop_m, replace=False))
    kept = np.flatnonzero(keep)
    got = _array_scores(arr, metric, kept, edges, seed, k, weight)
    ranks_out[kept] = _ranks(got).to_numpy()
    return {
        "seed": seed,
        "nodes_dropped": drop_n,
        "links_dropped": drop_m,
        "kendall_tau": _kendall(full, got),
        "top_overlap": len(_top(got, n_top) & _top(full, n_top)) / n_top if n_top else math.nan,
    }


def _sample(
    G: nx.Graph,
    nodes: list[Hashable],
    seed: int,
    drop: tuple[int, float],
    scorer: tuple[Callable[[nx.Graph, int], dict[Hashable, float]], str],
    full: pd.Series,
    n_top: int,
    ranks_out: np.ndarray,
) -> dict[str, Any]:
    """One sample: ``drop[0]`` people and a share ``drop[1]`` of the links left out.

    Writes the ranks of the people left into ``ranks_out`` (canonical node order) and
    returns the sample's row (without its number).
    """
    drop_n, drop_links = drop
    score, metric_name = scorer
    pos = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    H = G.copy()
    gone = rng.choice(len(nodes), size=drop_n, replace=False).tolist() if drop_n else []
    H.remove_nodes_from(nodes[j] for j in gone)
    edges = _edges(H, pos)
    drop_m = round(drop_links * len(edges))
    if drop_m:
        H.remove_edges_from(edges[j] for j in rng.choice(len(edges), drop_m, replace=False))
    got = _scores(score, H, seed, metric_name)
    r = _ranks(got)
    ranks_out[[pos[v] for v in r.index]] = r.to_numpy()
    full_top = _top(full, n_top)
    return {
        "seed": seed,
        "nodes_dropped": drop_n,
        "links_dropped": drop_m,
        "kendall_tau": _kendall(full, got),
        "top_overlap": len(_top(got, n_top) & full_top) / n_top if n_top else math.nan,
    }


def _interval_table(
    G: nx.Graph, nodes: list[Hashable], full_rank: pd.Series, ranks: np.ndarray, name: str
) -> pd.DataFrame:
    """Per person (best full rank first): rank, median rank and its interval, 5-95% ranks."""
    n = len(nodes)
    present = ~np.isnan(ranks)
    seen = present.any(axis=0)
    stats = np.full((3, n), np.nan)
    if seen.any():
        stats[0, seen] = np.nanmedian(ranks[:, seen], axis=0)
        stats[1:, seen] = np.nanquantile(
            ranks[:, seen], [0.05, 0.95], axis=0, method="inverted_cdf"
        )
    median_lo, median_hi = _median_interval(ranks)
    attrs = G.nodes
    table = pd.DataFrame(
        {
            "name": [str(attrs[v].get(name, "") or "") for v in nodes],
            "rank": full_rank.astype("int64").to_numpy(),  # canonical order, as nodes
            "median_rank": stats[0],
            "median_lo": pd.array(median_lo, dtype="Int64"),
            "median_hi": pd.array(median_hi, dtype="Int64"),
            "rank_05": pd.array(stats[1], dtype="Int64"),
            "rank_95": pd.array(stats[2], dtype="Int64"),
            "missing": 1.0 - present.mean(axis=0),
        },
        index=pd.Index(nodes, name="node", dtype=object),
    )
    order = np.lexsort((np.arange(n), table["rank"].to_numpy()))
    return table.iloc[order]


def _checked_rank_args(
    G: Any, drop_nodes: float, drop_links: float, samples: int, top: int, k: int | None
) -> tuple[float, float]:
    """The shares of :func:`rank_stability`, checked with its other counts (ValueError)."""
    if not isinstance(G, nx.Graph):
        raise ValueError(f"expected a networkx graph, not {type(G).__name__}")
    if not is_int(samples) or samples < 1:
        raise ValueError(f"samples must be an integer >= 1, not {samples!r}")
    if not is_int(top) or top < 1:
        raise ValueError(f"top must be an integer >= 1, not {top!r}")
    if k is not None and (not is_int(k) or k < 1):
        raise ValueError(f"k must be an integer >= 1 or None, not {k!r}")
    return _share(drop_nodes, "drop_nodes"), _share(drop_links, "drop_links")


def rank_stability(
    G: nx.Graph,
    metric: Metric = "betweenness",
    *,
    drop_nodes: float = 0.02,
    drop_links: float = 0.1,
    samples: int = 100,
    seed: int | None = None,
    top: int = 10,
    k: int | None = None,
    weight: str | None = "weight",
    distance: str | None = None,
    name: str = "name",
) -> RankStability:
    """How each node's rank on ``metric`` moves when part of the network is missing.

    Parameters
    ----------
    G : networkx graph
        The network as known. Node attribute ``name`` is shown beside the ids.
    metric : str or callable
        One of :data:`RANK_METRICS` (scored by :func:`key_players` with ``k``,
        ``weight`` and ``distance``), or a function ``metric(H) -> {node: score}``
        called on every sample ``H`` (a copy of ``G`` with nodes and edges removed,
        attributes kept). Higher scores rank first.
    drop_nodes : float
        Share of the nodes missing from each sample, in ``[0, 1)``:
        ``round(drop_nodes * n)`` nodes drawn at random, without their links.
    drop_links : float
        Share of the links left after that which are also missing, in ``[0, 1)``:
        ``round(drop_links * m)`` of the remaining ``m`` edges (the edges of a
        multigraph count one by one).
    samples : int
        How many incomplete graphs to draw (at least 1). More samples estimate
        the 5% and 95% quantiles more precisely; they do not make the interval
        narrower, since it measures a spread.
    seed : int or None
        Seeds every draw (and sampled betweenness); drawn and recorded when None.
        The same graph, parameters and seed give the same result.
    top : int
        Size of the top list whose overlap with the full graph's is reported.
    k : int or None
        Betweenness from ``k`` sampled sources (faster on big graphs); the full
        graph and every sample get their own seed.
    weight, distance : str or None
        As in :func:`key_players`.
    name : str
        Node attribute holding the person's name.

    Returns
    -------
    RankStability

    Notes
    -----
    A node's rank in a sample is its rank among the nodes present in that sample,
    so losing a more central person moves everyone below up by one. A node's
    interval is over the samples in which it was present; ``missing`` says how
    often it was not. With nothing dropped (and an exact metric) every interval
    is the node's rank in the full graph.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.les_miserables_graph()
    >>> rs = rank_stability(G, "degree", drop_nodes=0.05, drop_links=0.1, samples=20, seed=1)
    >>> rs.table.loc["Valjean", ["rank", "rank_05", "rank_95"]].tolist()
    [1, 1, 1]
    >>> rs.table.columns.tolist()
    ['name', 'rank', 'median_rank', 'median_lo', 'median_hi', 'rank_05', 'rank_95', 'missing']
    >>> round(rs.summary()["top_overlap_mean"], 2)
    0.85
    """
    drop_nodes, drop_links = _checked_rank_args(G, drop_nodes, drop_links, samples, top, k)
    metric_name, score = _scorer(metric, k=k, weight=weight, distance=distance)
    sw = Stopwatch()
    used_seed = draw_seed(seed)
    nodes = canonical_nodes(G)
    arr = _arrays(G, nodes, metric, weight, distance)
    n_top = min(top, len(nodes))
    drop_n = round(drop_nodes * len(nodes))
    ranks = np.full((samples, len(nodes)), np.nan)
    seeds = derived_seeds(used_seed, samples)
    if arr is not None:  # the same samples and scores, from arrays
        every = np.arange(len(nodes))
        full = _array_scores(arr, metric_name, every, np.arange(len(arr.src)), used_seed, k, weight)
        rows = [
            _array_sample(
                arr, s, (drop_n, drop_links), (metric_name, k, weight), full, n_top, ranks[i]
            )
            for i, s in enumerate(seeds)
        ]
    else:
        full = _scores(score, G, used_seed, metric_name)
        rows = [
            _sample(G, nodes, s, (drop_n, drop_links), (score, metric_name), full, n_top, ranks[i])
            for i, s in enumerate(seeds)
        ]
    rows = [{"sample": i, **row} for i, row in enumerate(rows)]
    notes = []
    if G.is_directed() and metric_name in ("eigenvector", "core_number"):
        notes.append(f"{metric_name}: directed graph analysed as undirected")
    if k is not None:
        notes.append(f"betweenness sampled from k={k} sources in every graph")
    prov = sw.provenance(
        "rank_stability",
        {
            "metric": metric_name,
            "drop_nodes": drop_nodes,
            "drop_links": drop_links,
            "samples": samples,
            "top": top,
            "k": k,
            "weight": weight,
            "distance": distance,
            "nodes_dropped": drop_n,
        },
        seed=used_seed,
        engine="networkx",
        input_hash=graph_hash(G, weight),
        notes=notes,
    )
    rank_frame = pd.DataFrame(ranks, columns=pd.Index(nodes, dtype=object))
    rank_frame.index.name = "sample"
    return RankStability(
        table=_interval_table(G, nodes, _ranks(full), ranks, name),
        samples=pd.DataFrame(rows, columns=_SAMPLE_COLUMNS),
        ranks=rank_frame,
        metric=metric_name,
        top=n_top,
        provenance=prov,
    )

"""Key players, bridges, brokers and structural holes.

* :func:`key_players` - one row per node with degree, weighted degree,
  betweenness (exact, or sampled with ``k`` and ``seed``), closeness,
  eigenvector, PageRank, Katz, k-core number and articulation-point flag;
* :func:`bridges` - edges whose removal disconnects the network (and, on
  request, local bridges), with how many people each one cuts off;
* :func:`brokerage` - Gould & Fernandez (1989) brokerage roles relative to a
  partition, plus the Guimera & Amaral (2005) participation coefficient;
* :func:`burt_constraint` - Burt's (1992) constraint and effective size.

Weights: ``weight`` names a *strength* (calls, meetings) and feeds the
weighted degree, eigenvector, PageRank and Katz scores. Path-based scores
(betweenness, closeness) count hops unless ``distance`` names an edge
attribute holding a *length*; a strength is not a length (use e.g. 1/calls).

Examples
--------
>>> import networkx as nx
>>> G = nx.barbell_graph(4, 1)  # two 4-cliques joined through node 4
>>> kp = key_players(G, seed=0)
>>> kp.top("betweenness", 1), bool(kp.table.loc[4, "articulation_point"])
([4], True)
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netintel.algorithms._checks import is_int
from netintel.algorithms.results import (
    Provenance,
    ResultMixin,
    Stopwatch,
    canonical_graph,
    draw_seed,
    graph_hash,
    table_dict,
)

__all__ = [
    "KEY_PLAYER_METRICS",
    "Bridges",
    "Brokerage",
    "KeyPlayers",
    "LeadersBrokers",
    "StructuralHoles",
    "bridges",
    "brokerage",
    "burt_constraint",
    "katz",
    "key_players",
    "leaders_and_brokers",
]

#: Metrics :func:`key_players` computes by default (all it knows).
KEY_PLAYER_METRICS = (
    "degree",
    "weighted_degree",
    "betweenness",
    "closeness",
    "eigenvector",
    "pagerank",
    "katz",
    "core_number",
    "articulation_point",
)


@dataclass(frozen=True, eq=False)
class _TableResult(ResultMixin):
    """A per-node (or per-edge) table with provenance."""

    table: pd.DataFrame
    provenance: Provenance

    def to_frame(self) -> pd.DataFrame:
        """A copy of the table with the index as a column."""
        frame = self.table.copy()
        return frame.reset_index() if frame.index.name is not None else frame

    def to_dict(self) -> dict[str, Any]:
        """Rows and provenance as plain JSON types."""
        return {"rows": table_dict(self.table), "provenance": self.provenance.to_dict()}


@dataclass(frozen=True, eq=False)
class KeyPlayers(_TableResult):
    """Centrality scores, one row per node (index ``node``, canonical order).

    Columns are the requested metrics; a directed graph adds ``in_degree``
    and ``out_degree`` next to ``degree``.
    """

    def rank(self, metric: str) -> pd.Series:
        """Rank of each node on ``metric`` (1 = highest; ties share the best rank)."""
        col = self._column(metric)
        return col.rank(ascending=False, method="min").astype("Int64")

    def top(self, metric: str, n: int = 10) -> list[Hashable]:
        """The ``n`` nodes scoring highest on ``metric`` (ties in canonical node order)."""
        col = self._column(metric)
        order = np.lexsort((np.arange(len(col)), -col.to_numpy(dtype=float)))
        labels = col.index.tolist()
        return [labels[i] for i in order[:n]]

    def _column(self, metric: str) -> pd.Series:
        if metric not in self.table.columns:
            raise ValueError(f"no metric {metric!r}; have {', '.join(self.table.columns)}")
        return self.table[metric].astype(float)


@dataclass(frozen=True, eq=False)
class Bridges(_TableResult):
    """Bridges: columns ``u``, ``v``, ``kind`` (``bridge``/``local``), ``span``,
    ``side_u``, ``side_v`` (people on each side once the tie is cut) and
    ``cut_off`` (the smaller side), most disruptive first."""


@dataclass(frozen=True, eq=False)
class Brokerage(_TableResult):
    """Brokerage roles and participation, one row per node (index ``node``)."""


@dataclass(frozen=True, eq=False)
class StructuralHoles(_TableResult):
    """Burt's constraint and effective size, one row per node (index ``node``)."""


# --------------------------------------------------------------------------- helpers


def _undirected(H: nx.Graph, weight: str | None) -> nx.Graph:
    """Undirected simple version of canonical ``H``; reciprocal weights are summed."""
    if not H.is_directed():
        return H
    U = nx.Graph()
    U.add_nodes_from(H)
    for u, v, data in H.edges(data=True):
        w = data.get(weight, 1.0) if weight else 1.0
        if U.has_edge(u, v):
            if weight:
                U[u][v][weight] += w
        else:
            U.add_edge(u, v, **({weight: w} if weight else {}))
    return U


def _networkx_provenance(
    sw: Stopwatch, algorithm: str, params: dict[str, Any], G: nx.Graph, weight: str | None
) -> Provenance:
    """Provenance of a deterministic networkx computation on ``G`` (hashed with ``weight``)."""
    return sw.provenance(
        algorithm, params, seed=None, engine="networkx", input_hash=graph_hash(G, weight)
    )


def _adjacency(H: nx.Graph, weight: str | None) -> sp.csr_array:
    return sp.csr_array(nx.to_scipy_sparse_array(H, nodelist=list(H), weight=weight, dtype=float))


def _spectral_radius(A: sp.csr_array, symmetric: bool) -> float:
    n = A.shape[0]
    if n == 0 or A.nnz == 0:
        return 0.0
    if n <= 1500:
        dense = A.toarray()
        vals = np.linalg.eigvalsh(dense) if symmetric else np.linalg.eigvals(dense)
        return float(np.max(np.abs(vals)))
    from scipy.sparse.linalg import eigs, eigsh

    v0 = np.ones(n)
    if symmetric:
        return float(abs(eigsh(A, k=1, which="LA", v0=v0, return_eigenvectors=False)[0]))
    return float(abs(eigs(A, k=1, which="LM", v0=v0, return_eigenvectors=False)[0]))


def _eigenvector(U: nx.Graph, weight: str | None) -> tuple[np.ndarray, list[str]]:
    """Leading eigenvector of the symmetric adjacency of ``U`` (unit norm, >= 0)."""
    notes: list[str] = []
    A = _adjacency(U, weight)
    n = A.shape[0]
    if A.nnz == 0:
        return np.zeros(n), ["eigenvector: the graph has no edges"]
    if n <= 1500:
        vals, vecs = np.linalg.eigh(A.toarray())
        top, vec = vals[-1], vecs[:, -1]
        if n > 1 and math.isclose(vals[-2], top, rel_tol=1e-9, abs_tol=1e-12):
            notes.append(
                "eigenvector: the largest eigenvalue is shared by several components; "
                "scores are not unique (compare PageRank or Katz instead)"
            )
    else:
        from scipy.sparse.linalg import eigsh

        _, vecs = eigsh(A, k=1, which="LA", v0=np.ones(n))
        vec = vecs[:, 0]
    vec = np.abs(vec)
    vec[vec < 1e-12] = 0.0
    norm = np.linalg.norm(vec)
    return (vec / norm if norm > 0 else vec), notes


def _katz_scores(
    H: nx.Graph, weight: str | None, alpha: float | None, beta: float = 1.0
) -> tuple[np.ndarray, float]:
    """Katz scores (unit norm) of canonical ``H`` and the attenuation factor used."""
    return _katz_matrix(_adjacency(H, weight), not H.is_directed(), alpha, beta)


def _katz_matrix(
    A: sp.csr_array, symmetric: bool, alpha: float | None, beta: float = 1.0
) -> tuple[np.ndarray, float]:
    """Katz scores (unit norm) from an adjacency matrix and the attenuation factor used.

    ``alpha`` None means ``0.85 / spectral radius`` (0.1 without edges).
    """
    from scipy.sparse.linalg import spsolve

    n = A.shape[0]
    if n == 0:
        return np.zeros(0), alpha or 0.0
    rho = _spectral_radius(A, symmetric=symmetric)
    if alpha is None:
        alpha = 0.85 / rho if rho > 0 else 0.1
    elif not alpha > 0 or (rho > 0 and alpha >= 1 / rho):
        raise ValueError(
            f"katz alpha must be in (0, 1/spectral radius = {1 / rho if rho else math.inf:.6g}), "
            f"not {alpha}"
        )
    M = sp.identity(n, format="csc") - alpha * sp.csc_array(A.T)
    x = np.asarray(spsolve(M, np.full(n, float(beta))), dtype=float).ravel()
    norm = np.linalg.norm(x)
    return (x / norm if norm > 0 else x), float(alpha)


def katz(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    alpha: float | None = None,
) -> dict[Hashable, float]:
    """Katz centrality, solved exactly: ``x = (I - alpha A^T)^-1 1``, unit norm.

    ``alpha`` defaults to ``0.85 / spectral radius`` so that it always
    converges; for directed graphs, walks arriving at a node count (as in
    networkx).

    Parameters
    ----------
    G : networkx graph
        The graph.
    weight : str or None, default "weight"
        Edge weight attribute; None for unweighted.
    alpha : float or None, default None
        The attenuation factor; None means ``0.85 / spectral radius``.

    Returns
    -------
    dict
        Node -> Katz centrality (the vector has unit Euclidean norm).

    Examples
    --------
    >>> import networkx as nx
    >>> s = katz(nx.star_graph(3), weight=None)
    >>> max(s, key=s.get)
    0
    """
    H = canonical_graph(G, weight=weight)
    x, _ = _katz_scores(H, weight, alpha)
    return dict(zip(H, x.tolist(), strict=True))


def _betweenness_closeness_igraph(
    H: nx.Graph,
    distance: str | None,
    want_betweenness: bool,
    want_closeness: bool,
    *,
    normalized: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Exact betweenness and closeness via igraph, scaled like networkx's."""
    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges()]
    dist = [float(d.get(distance, 1.0)) for _, _, d in H.edges(data=True)] if distance else None
    return _igraph_path_scores(
        len(nodes),
        edges,
        dist,
        H.is_directed(),
        want_betweenness,
        want_closeness,
        normalized=normalized,
    )


def _igraph_path_scores(
    n: int,
    edges: Any,
    dist: Any,
    directed: bool,
    want_betweenness: bool,
    want_closeness: bool,
    *,
    normalized: bool = True,
    sources: Sequence[int] | None = None,
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Betweenness (optionally from sampled ``sources``) and closeness on igraph.

    Scaled exactly as networkx scales them: betweenness normalised by
    ``(n-1)(n-2)`` pairs (halved for undirected graphs) and, with ``sources``,
    multiplied by ``n / len(sources)`` (Brandes & Pich 2007); closeness
    ``(r-1)/sum(d)`` times ``(r-1)/(n-1)`` (Wasserman-Faust), r reached nodes.
    """
    import igraph as ig

    g = ig.Graph(n=n, edges=edges, directed=directed)
    btw = clo = None
    if want_betweenness:
        if sources is not None:
            raw = np.asarray(
                g.betweenness(directed=directed, weights=dist, sources=list(sources)), dtype=float
            )
            # igraph halves undirected source-target counts as networkx does
            raw = raw * (n / len(sources))
        else:
            raw = np.asarray(g.betweenness(directed=directed, weights=dist), dtype=float)
        if normalized:
            btw = raw / ((n - 1) * (n - 2)) * (1 if directed else 2) if n > 2 else raw * 0.0
        else:
            btw = raw
    if want_closeness:
        mode = "in" if directed else "all"
        c = np.asarray(g.closeness(mode=mode, weights=dist, normalized=True), dtype=float)
        reach = np.asarray(g.neighborhood_size(order=max(n, 1), mode=mode), dtype=float)
        c = np.nan_to_num(c, nan=0.0)
        clo = c * (reach - 1) / (n - 1) if n > 1 else np.zeros(n)
    return btw, clo


def _sampled_betweenness_igraph(
    H: nx.Graph, k: int, seed: int, distance: str | None, *, normalized: bool = True
) -> np.ndarray:
    """Betweenness from ``k`` sampled sources on igraph, equal to networkx's.

    The sources are the ones ``nx.betweenness_centrality(H, k=k, seed=seed)`` draws
    (``random.Random(seed).sample(list(H), k)``), and the scores are scaled as networkx
    3.6 scales them (older releases scaled a sample by ``n / k``): the pairs counted are
    estimated from the ``k`` sources, a source itself from the other ``k - 1`` (it is
    never between itself and a target).
    """
    nodes = list(H)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in H.edges()]
    dist = [float(d.get(distance, 1.0)) for _, _, d in H.edges(data=True)] if distance else None
    return _sampled_betweenness_edges(
        nodes, edges, H.is_directed(), k, seed, dist, normalized=normalized
    )


def _sampled_betweenness_edges(
    nodes: Sequence[Hashable],
    edges: Any,
    directed: bool,
    k: int,
    seed: int,
    dist: Any = None,
    *,
    normalized: bool = True,
) -> np.ndarray:
    """:func:`_sampled_betweenness_igraph` of the graph with ``nodes`` (in its node order)
    and ``edges`` (index pairs, in its edge order), without building it in networkx."""
    import random

    import igraph as ig

    n = len(nodes)
    sources = random.Random(seed).sample(range(n), k)
    g = ig.Graph(n=n, edges=edges, directed=directed)
    raw = np.asarray(g.betweenness(directed=directed, weights=dist, sources=sources), dtype=float)
    if not directed:
        raw *= 2.0  # igraph counts a source-target pair once; networkx's sum counts it twice
    pairs = n - 1  # targets other than the node itself
    if pairs < 2:
        return raw
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    per_pair = 1.0 / (pairs - 1) if normalized else pairs / (1 if directed else 2)
    scale_source = per_pair / (k - 1) if k > 1 else math.nan
    return raw * np.where(is_source, scale_source, per_pair / k)


def _engine(engine: str) -> str:
    if engine not in ("auto", "networkx", "igraph"):
        raise ValueError(f"engine must be 'auto', 'networkx' or 'igraph', not {engine!r}")
    if engine == "networkx":
        return engine
    try:
        import igraph  # noqa: F401
    except ImportError:
        if engine == "igraph":
            raise ImportError(
                "engine 'igraph' needs the igraph package: pip install igraph"
            ) from None
        return "networkx"
    return "igraph"


# --------------------------------------------------------------------------- key players


def _largest_component(H: nx.Graph) -> tuple[nx.Graph, int]:
    """The largest (weakly) connected component of canonical ``H`` (ties: the one
    holding the earliest node) in canonical order, and how many nodes were left out."""
    comps = nx.weakly_connected_components(H) if H.is_directed() else nx.connected_components(H)
    pos = {v: i for i, v in enumerate(H)}
    best = max(comps, key=lambda c: (len(c), -min(pos[v] for v in c)))
    keep = [v for v in H if v in best]
    sub = H.subgraph(keep)
    out: nx.Graph = H.__class__()
    out.add_nodes_from(keep)
    out.add_edges_from(sub.edges(data=True))
    return out, H.number_of_nodes() - len(keep)


def key_players(
    G: nx.Graph,
    metrics: Sequence[str] = KEY_PLAYER_METRICS,
    *,
    k: int | None = None,
    seed: int | None = None,
    weight: str | None = "weight",
    distance: str | None = None,
    katz_alpha: float | None = None,
    normalized: bool = True,
    component: str = "all",
    engine: str = "auto",
) -> KeyPlayers:
    """Centrality of every node on the standard key-player metrics.

    Parameters
    ----------
    G : networkx graph
        Multigraph edges are merged (weights summed, distances minimised).
    metrics : sequence of str
        Any of :data:`KEY_PLAYER_METRICS`.
    k : int or None
        Betweenness from ``k`` sampled sources (Brandes & Pich 2007) instead of
        exactly; faster on big graphs, approximate, needs ``seed`` to repeat.
    seed : int or None
        Used by sampled betweenness only (drawn and recorded when None).
    weight : str or None
        Tie strength for weighted degree, eigenvector, PageRank and Katz.
    distance : str or None
        Tie length for betweenness and closeness; None counts hops.
    katz_alpha : float or None
        Katz attenuation; default ``0.85 / spectral radius`` (the value used
        is recorded in the provenance notes).
    normalized : bool
        Scale degree and betweenness to 0..1 as networkx and UCINET do (see
        Notes); False gives raw counts.
    component : {"all", "largest"}
        ``"largest"`` scores only the largest (weakly) connected component,
        as published key-player tables do (e.g. Krebs 2002); the other
        people are left out of the table and the provenance says how many.
    engine : {"auto", "igraph", "networkx"}
        Betweenness (exact or sampled) and closeness run on igraph when it is
        installed (same values as networkx, sampled ones from the same sources,
        much faster); the rest is networkx/scipy.

    Notes
    -----
    Conventions, with n the number of nodes scored (all of them, or those of
    the largest component):

    * ``degree``: ties; normalised by ``n - 1`` (networkx
      ``degree_centrality``, UCINET nDegree). Directed graphs: ``degree`` is
      in + out, so it can exceed 1 as in networkx; ``in_degree`` and
      ``out_degree`` are divided by ``n - 1`` too.
    * ``weighted_degree``: the sum of ``weight`` (strength), never normalised.
    * ``betweenness``: shortest paths through the node, normalised by the
      number of pairs not including it, ``(n-1)(n-2)/2`` for undirected and
      ``(n-1)(n-2)`` for directed graphs (networkx ``normalized=True``, UCINET
      nBetweenness); raw pair counts with ``normalized=False``.
    * ``closeness``: ``(r-1) / sum of distances`` to the r-1 nodes it reaches,
      times ``(r-1)/(n-1)`` (Wasserman-Faust, networkx's default), so on a
      connected graph it is Freeman's ``(n-1)/sum d`` (UCINET nCloseness);
      on a disconnected graph use ``component="largest"`` to get Freeman's
      values within the main component. Always 0..1, whatever ``normalized``.
    * ``eigenvector`` and ``katz`` have unit Euclidean norm, ``pagerank`` sums
      to 1, ``core_number`` is an integer: none depends on ``normalized``.

    For directed
    graphs, betweenness follows edge direction, closeness and Katz count
    incoming paths, PageRank follows edges; eigenvector centrality, core
    number and articulation points use the undirected network (reciprocal
    weights summed). On a disconnected graph eigenvector scores are non-zero
    only in the component with the largest eigenvalue.

    Returns
    -------
    KeyPlayers

    Examples
    --------
    >>> import networkx as nx
    >>> kp = key_players(nx.star_graph(4), ["degree", "betweenness", "core_number"])
    >>> kp.table.loc[0].tolist()
    [1.0, 1.0, 1.0]
    >>> raw = key_players(nx.star_graph(4), ["degree", "betweenness"], normalized=False)
    >>> raw.table.loc[0].tolist()
    [4.0, 6.0]
    >>> kp.rank("degree").tolist()
    [1, 2, 2, 2, 2]
    """
    metrics = _checked_metrics(metrics, component, normalized)
    sw = Stopwatch()
    H = canonical_graph(G, weight=weight, distance=distance)
    notes: list[str] = []
    if component == "largest" and H.number_of_nodes():
        H, dropped = _largest_component(H)
        notes.append(
            f"largest component only: {H.number_of_nodes()} of "
            f"{H.number_of_nodes() + dropped} nodes scored"
        )
    n = H.number_of_nodes()
    if k is not None and (not is_int(k) or not 1 <= k <= max(n, 1)):
        raise ValueError(f"k must be an integer in 1..{n} (number of nodes), not {k!r}")
    sampled = k is not None and k < n
    used_seed = draw_seed(seed) if sampled else None
    used_engine = _engine(engine)
    U = _undirected(H, weight)
    paths, packages = _path_columns(
        H,
        metrics,
        k=k if sampled else None,
        seed=used_seed,
        distance=distance,
        normalized=normalized,
        engine=used_engine,
    )
    per_node = 1.0 / (n - 1) if normalized and n > 1 else 1.0
    cols: dict[str, Any] = {}
    for metric in metrics:
        if metric in paths:
            cols[metric] = paths[metric]
        else:
            cols.update(_node_columns(metric, H, U, weight, per_node, katz_alpha, notes))
    table = pd.DataFrame(cols, index=pd.Index(list(H), name="node"))
    if sampled:
        notes.append(f"betweenness sampled from k={k} of {n} sources")
    prov = sw.provenance(
        "key_players",
        {
            "metrics": list(metrics),
            "k": k,
            "weight": weight,
            "distance": distance,
            "katz_alpha": katz_alpha,
            "normalized": normalized,
            "component": component,
            "engine": engine,
        },
        seed=used_seed,
        engine=used_engine,
        input_hash=graph_hash(G, weight),
        packages=packages,
        notes=notes,
    )
    return KeyPlayers(table=table, provenance=prov)


def _checked_metrics(metrics: Sequence[str], component: str, normalized: bool) -> tuple[str, ...]:
    """The metrics asked for, once each (ValueError on unknown metrics or options)."""
    if isinstance(metrics, str):
        metrics = (metrics,)
    unknown = [m for m in metrics if m not in KEY_PLAYER_METRICS]
    if unknown:
        raise ValueError(
            f"unknown metric(s) {', '.join(map(repr, unknown))}; "
            f"choose from {', '.join(KEY_PLAYER_METRICS)}"
        )
    if component not in ("all", "largest"):
        raise ValueError(f"component must be 'all' or 'largest', not {component!r}")
    if not isinstance(normalized, bool):
        raise ValueError(f"normalized must be True or False, not {normalized!r}")
    return tuple(dict.fromkeys(metrics))


def _path_columns(
    H: nx.Graph,
    metrics: tuple[str, ...],
    *,
    k: int | None,
    seed: int | None,
    distance: str | None,
    normalized: bool,
    engine: str,
) -> tuple[dict[str, list[float]], tuple[str, ...]]:
    """Betweenness (sampled from ``k`` sources when given) and closeness, as asked for.

    Both run on igraph when ``engine`` is igraph (sampled betweenness from the sources
    networkx would draw, scaled as networkx does); returns the columns and the extra
    packages used.
    """
    want_b, want_c = "betweenness" in metrics, "closeness" in metrics
    nodes = list(H)
    cols: dict[str, list[float]] = {}
    packages: tuple[str, ...] = ()
    if engine == "igraph" and (want_c or (want_b and k is None)) and nodes:
        fast_b, fast_c = _betweenness_closeness_igraph(
            H, distance, want_b and k is None, want_c, normalized=normalized
        )
        packages = ("igraph",)
        if fast_b is not None:
            cols["betweenness"] = fast_b.tolist()
        if fast_c is not None:
            cols["closeness"] = fast_c.tolist()
    if engine == "igraph" and want_b and k is not None and seed is not None:
        sampled = _sampled_betweenness_igraph(H, k, seed, distance, normalized=normalized)
        cols["betweenness"] = sampled.tolist()
        packages = ("igraph",)
    if want_b and "betweenness" not in cols:
        b = nx.betweenness_centrality(H, k=k, normalized=normalized, weight=distance, seed=seed)
        cols["betweenness"] = [b[v] for v in nodes]
    if want_c and "closeness" not in cols:
        c = nx.closeness_centrality(H, distance=distance)
        cols["closeness"] = [c[v] for v in nodes]
    return cols, packages


def _node_columns(
    metric: str,
    H: nx.Graph,
    U: nx.Graph,
    weight: str | None,
    per_node: float,
    katz_alpha: float | None,
    notes: list[str],
) -> dict[str, list[Any]]:
    """The column(s) of one metric that is not path-based; notes go to ``notes``."""
    nodes = list(H)
    if metric == "degree":
        cols = {"degree": [d * per_node for _, d in H.degree()]}
        if H.is_directed():
            cols["in_degree"] = [d * per_node for _, d in H.in_degree()]
            cols["out_degree"] = [d * per_node for _, d in H.out_degree()]
        return cols
    if metric == "weighted_degree":
        return {"weighted_degree": [float(d) for _, d in H.degree(weight=weight)]}
    if metric == "eigenvector":
        vec, more = _eigenvector(U, weight)
        notes.extend(more)
        return {"eigenvector": vec.tolist()}
    if metric == "pagerank":
        pr = nx.pagerank(H, weight=weight) if nodes else {}
        return {"pagerank": [pr[v] for v in nodes]}
    if metric == "katz":
        x, alpha = _katz_scores(H, weight, katz_alpha)
        notes.append(f"katz: alpha = {alpha:.6g}")
        return {"katz": x.tolist()}
    if metric == "core_number":
        C = nx.Graph(U)
        C.remove_edges_from(list(nx.selfloop_edges(C)))
        core = nx.core_number(C)
        return {"core_number": [float(core[v]) for v in nodes]}
    cut = set(nx.articulation_points(U))  # articulation_point
    return {"articulation_point": [v in cut for v in nodes]}


# --------------------------------------------------------------------------- bridges


def bridges(G: nx.Graph, *, local: bool = False) -> Bridges:
    """Ties whose removal splits the network, with the people each one cuts off.

    Parameters
    ----------
    G : networkx graph
        Directed graphs are analysed as undirected.
    local : bool
        Also list local bridges: ties whose ends share no neighbour (their
        ``span`` is the distance between the ends without the tie).

    Returns
    -------
    Bridges
        Sorted by ``cut_off`` (largest first), then ``span``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.barbell_graph(4, 0)
    >>> G.add_edge(7, 8)
    >>> bridges(G).to_frame()[["u", "v", "side_u", "side_v", "cut_off"]].values.tolist()
    [[3, 4, 4, 5, 4], [7, 8, 8, 1, 1]]
    """
    sw = Stopwatch()
    H = _undirected(canonical_graph(G, weight=None), None)
    H = nx.Graph(H)
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    order = {v: i for i, v in enumerate(H)}

    def edge(u: Hashable, v: Hashable) -> tuple[Hashable, Hashable]:
        return (u, v) if order[u] <= order[v] else (v, u)

    found = sorted((edge(u, v) for u, v in nx.bridges(H)), key=lambda e: (order[e[0]], order[e[1]]))
    # Sizes on each side: collapse 2-edge-connected parts, then subtree sums in the bridge forest.
    R = H.copy()
    R.remove_edges_from(found)
    part: dict[Hashable, int] = {}
    sizes: list[int] = []
    for i, comp in enumerate(nx.connected_components(R)):
        sizes.append(len(comp))
        for v in comp:
            part[v] = i
    T = nx.Graph()
    T.add_nodes_from(range(len(sizes)))
    T.add_edges_from((part[u], part[v]) for u, v in found)
    below: dict[int, int] = {}
    total: dict[int, int] = {}
    parent: dict[int, int] = {}
    for tree in nx.connected_components(T):
        root = min(tree)
        tsize = sum(sizes[c] for c in tree)
        for c in tree:
            total[c] = tsize
        post = list(nx.dfs_postorder_nodes(T, root))
        for c, p in nx.dfs_predecessors(T, root).items():
            parent[c] = p
        for c in post:
            below[c] = sizes[c] + sum(below[ch] for ch in T[c] if parent.get(ch) == c)
    rows: list[tuple[Hashable, Hashable, str, float, float, float, float]] = []
    for u, v in found:
        pu, pv = part[u], part[v]
        if parent.get(pv) == pu:
            side_v = below[pv]
            side_u = total[pu] - side_v
        else:
            side_u = below[pu]
            side_v = total[pv] - side_u
        rows.append((u, v, "bridge", math.inf, side_u, side_v, min(side_u, side_v)))
    if local:
        is_bridge = set(found)
        for u, v, span in nx.local_bridges(H, with_span=True):
            e = edge(u, v)
            if e not in is_bridge:
                rows.append((e[0], e[1], "local", float(span), math.nan, math.nan, math.nan))
    table = pd.DataFrame(rows, columns=["u", "v", "kind", "span", "side_u", "side_v", "cut_off"])
    if rows:
        table["_o"] = [(order[r[0]], order[r[1]]) for r in rows]
        table = table.sort_values(
            ["cut_off", "span", "_o"], ascending=[False, False, True], na_position="last"
        ).drop(columns="_o")
        table = table.reset_index(drop=True)
    prov = _networkx_provenance(sw, "bridges", {"local": local}, G, None)
    return Bridges(table=table, provenance=prov)


# --------------------------------------------------------------------------- brokerage


def brokerage(G: nx.Graph, partition: Any, *, weight: str | None = "weight") -> Brokerage:
    """Gould-Fernandez brokerage roles and participation coefficient for each node.

    For every open two-path ``i -> j -> k`` (``i != k``, no tie ``i -> k``),
    broker ``j`` is counted in one role by the groups of i, j and k:

    * ``coordinator`` - all three in one group;
    * ``itinerant`` - i and k in one group, j outside it (consultant);
    * ``representative`` - i and j in one group, k in another;
    * ``gatekeeper`` - j and k in one group, i in another;
    * ``liaison`` - three different groups.

    Undirected ties count in both directions, so each undirected path is seen
    twice and representative equals gatekeeper.

    ``participation`` is ``1 - sum_s (k_is / k_i)^2`` over groups s (weighted,
    undirected; 0 for isolates): near 1 for nodes whose ties spread across
    groups. ``within_module_z`` is the z-score of a node's tie weight to its own
    group among that group's members.

    Parameters
    ----------
    G : networkx graph
    partition : Communities, mapping node -> group, or iterable of node sets
        Must cover every node (e.g. gangs, cells, or detected communities).
    weight : str or None
        Tie strength for the participation coefficient and z-score.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a1", "a2"), ("a2", "b1"), ("b1", "b2")])
    >>> groups = {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}
    >>> t = brokerage(G, groups).table
    >>> t.loc["a2", ["representative", "gatekeeper", "brokerage_total"]].tolist()
    [1, 1, 2]
    """
    from netintel.algorithms.communities import _membership

    sw = Stopwatch()
    member = _membership(partition)
    H = canonical_graph(G, weight=weight)
    missing = [v for v in H if v not in member]
    if missing:
        raise ValueError(f"{len(missing)} node(s) are in no group, e.g. {missing[0]!r}")
    nodes = list(H)
    group = {v: member[v] for v in nodes}
    roles = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")
    counts = {v: dict.fromkeys(roles, 0) for v in nodes}
    D = H if H.is_directed() else H.to_directed()
    for j in nodes:
        preds = [i for i in D.predecessors(j) if i != j]
        succs = [k for k in D.successors(j) if k != j]
        gj = group[j]
        for i in preds:
            gi = group[i]
            for k_ in succs:
                if k_ == i or D.has_edge(i, k_):
                    continue
                gk = group[k_]
                if gi == gj == gk:
                    role = "coordinator"
                elif gi == gk:
                    role = "itinerant"
                elif gi == gj:
                    role = "representative"
                elif gj == gk:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                counts[j][role] += 1
    U = _undirected(H, weight)
    participation = []
    own = []
    for v in nodes:
        per_group: dict[Hashable, float] = {}
        for u, data in U[v].items():
            if u == v:
                continue
            w = float(data.get(weight, 1.0)) if weight else 1.0
            per_group[group[u]] = per_group.get(group[u], 0.0) + w
        k_total = sum(per_group.values())
        participation.append(
            1.0 - sum((x / k_total) ** 2 for x in per_group.values()) if k_total > 0 else 0.0
        )
        own.append(per_group.get(group[v], 0.0))
    own_s = pd.Series(own, index=nodes, dtype=float)
    groups_s = pd.Series([group[v] for v in nodes], index=nodes, dtype=object)
    keys = groups_s.map(repr)
    mean = own_s.groupby(keys).transform("mean")
    std = own_s.groupby(keys).transform(lambda s: s.std(ddof=0))
    z = ((own_s - mean) / std.where(std > 0)).fillna(0.0)
    table = pd.DataFrame(
        {
            "group": [group[v] for v in nodes],
            **{r: [counts[v][r] for v in nodes] for r in roles},
        },
        index=pd.Index(nodes, name="node"),
    )
    table["brokerage_total"] = table[list(roles)].sum(axis=1)
    table["participation"] = participation
    table["within_module_z"] = z.to_numpy()
    prov = _networkx_provenance(
        sw,
        "brokerage",
        {"weight": weight, "groups": len(set(map(repr, group.values())))},
        G,
        weight,
    )
    return Brokerage(table=table, provenance=prov)


# --------------------------------------------------------------------------- leaders and brokers


#: How :func:`leaders_and_brokers` ranks members within a community (highest first).
_LEADER_KEYS = ["pagerank", "weighted_degree"]
_BROKER_KEYS = ["cross_brokerage", "participation"]


@dataclass(frozen=True, eq=False)
class LeadersBrokers(_TableResult):
    """Each community's leaders and brokers, one row per node (column ``node``).

    Columns: the communities' ``to_frame()`` (``node``, ``community``, ...), ``degree``,
    ``weighted_degree``, ``pagerank``, the :func:`brokerage` roles with
    ``brokerage_total``, ``participation`` and ``within_module_z``, then
    ``cross_brokerage`` (brokerage between groups: ``brokerage_total - coordinator``),
    ``leader_rank`` (1 = the community's leader), ``leader`` and ``broker`` (flags).
    """

    def by_community(self) -> pd.DataFrame:
        """Per community, in order: ``community``, ``leaders``, ``brokers`` (lists, best first)."""
        t = self.table.assign(_broker_rank=_rank_within(self.table, _BROKER_KEYS))
        rows = []
        for c, members in t.groupby("community", sort=True):
            leaders = members[members["leader"]].sort_values("leader_rank", kind="stable")
            brokers = members[members["broker"]].sort_values("_broker_rank", kind="stable")
            rows.append((c, leaders["node"].tolist(), brokers["node"].tolist()))
        return pd.DataFrame(rows, columns=["community", "leaders", "brokers"])


def leaders_and_brokers(
    G: nx.Graph,
    communities: Any,
    *,
    leaders: int = 3,
    brokers: int = 3,
    weight: str | None = "weight",
) -> LeadersBrokers:
    """The leaders and the brokers of each community.

    Leaders: the ``leaders`` members with the highest PageRank within their community
    (ties: weighted degree, then canonical node order). Brokers: the ``brokers`` members
    with the most brokerage between groups (Gould-Fernandez roles other than coordinator;
    ties: participation coefficient, then node order), among those on at least one such
    path. Scores from :func:`key_players` and :func:`brokerage`.

    Parameters
    ----------
    G : networkx graph
    communities : Communities
        A partition covering every node of ``G`` (e.g. a Consensus or Gangs).
    leaders, brokers : int
        How many of each per community (at most).
    weight : str or None
        Tie strength for weighted degree, PageRank and participation.

    Returns
    -------
    LeadersBrokers

    Examples
    --------
    Two cliques of four joined through node 3 and node 4:

    >>> import networkx as nx
    >>> from netintel.algorithms import louvain
    >>> G = nx.barbell_graph(4, 0)
    >>> lb = leaders_and_brokers(G, louvain(G, seed=0, engine="networkx"), leaders=1)
    >>> lb.by_community().values.tolist()
    [[0, [3], [3]], [1, [4], [4]]]
    """
    for what, value in (("leaders", leaders), ("brokers", brokers)):
        if not is_int(value) or value < 0:
            raise ValueError(f"{what} must be an integer >= 0, not {value!r}")
    sw = Stopwatch()
    part = communities.to_frame()  # community, then canonical node order
    kp = key_players(G, ("degree", "weighted_degree", "pagerank"), weight=weight).table
    br = brokerage(G, communities, weight=weight).table.drop(columns=["group"])
    frame = part.join(kp, on="node").join(br, on="node")
    frame["cross_brokerage"] = frame["brokerage_total"] - frame["coordinator"]
    frame["leader_rank"] = _rank_within(frame, _LEADER_KEYS)
    frame["leader"] = frame["leader_rank"] <= leaders
    broker_rank = _rank_within(frame, _BROKER_KEYS)
    frame["broker"] = (broker_rank <= brokers) & (frame["cross_brokerage"].to_numpy() > 0)
    prov = _networkx_provenance(
        sw,
        "leaders_and_brokers",
        {"leaders": leaders, "brokers": brokers, "weight": weight},
        G,
        weight,
    )
    return LeadersBrokers(table=frame, provenance=prov)


def _rank_within(frame: pd.DataFrame, by: list[str]) -> np.ndarray:
    """1-based rank of each row within its ``community``: highest ``by`` first, then row order."""
    ranked = frame.assign(_order=np.arange(len(frame))).sort_values(
        ["community", *by, "_order"],
        ascending=[True, *([False] * len(by)), True],
        kind="stable",
    )
    rank = np.zeros(len(frame), dtype=np.int64)
    rank[frame.index.get_indexer(ranked.index)] = ranked.groupby("community").cumcount() + 1
    return rank


def burt_constraint(G: nx.Graph, *, weight: str | None = "weight") -> StructuralHoles:
    """Burt's constraint (low = spans structural holes) and effective size.

    Isolated nodes get NaN constraint. Directed graphs use ties in both
    directions, as in networkx.

    Parameters
    ----------
    G : networkx graph
        The graph.
    weight : str or None, default "weight"
        Edge weight attribute; None for unweighted.

    Returns
    -------
    StructuralHoles
        Its ``table`` has one row per node: constraint and effective size.

    Examples
    --------
    >>> import networkx as nx
    >>> t = burt_constraint(nx.star_graph(3), weight=None).table
    >>> t.loc[0].round(3).tolist(), t.loc[1].round(3).tolist()
    ([0.333, 3.0], [1.0, 1.0])
    """
    sw = Stopwatch()
    H = canonical_graph(G, weight=weight)
    nodes = list(H)
    constraint = nx.constraint(H, weight=weight)
    eff = nx.effective_size(H, weight=weight)
    table = pd.DataFrame(
        {
            "constraint": [constraint[v] for v in nodes],
            "effective_size": [eff[v] for v in nodes],
        },
        index=pd.Index(nodes, name="node"),
        dtype=float,
    )
    prov = _networkx_provenance(sw, "burt_constraint", {"weight": weight}, G, weight)
    return StructuralHoles(table=table, provenance=prov)

"""Link prediction as hypotheses: which missing ties does the structure suggest?

:func:`predict_links` ranks pairs of people who are *not* linked by how strongly
the network around them suggests a tie (a call the wiretap missed, a contact
the investigation has not found), with the evidence behind each candidate: the
common contacts, the number of two- and three-hop paths and one shortest path.
With ``holdout`` it also measures how far each method can be trusted on this
network: a seeded share of the known links is hidden, every method scores the
rest, and the result reports per method the AUC (the probability that a hidden
link outscores a pair that is not linked) and the precision among the top
``k`` candidates. Calderoni, Catanese, De Meo, Ficara & Fiumara (2020) found
Katz best on sparse criminal networks; ``holdout`` tells whether that holds here.

Methods (scores of a pair ``u, v`` with neighbour sets ``N(u)``, ``N(v)``):

* ``common_neighbors`` - ``|N(u) & N(v)|``;
* ``jaccard`` - ``|N(u) & N(v)| / |N(u) | N(v)|``;
* ``adamic_adar`` - sum over common contacts ``w`` of ``1 / log(deg w)``;
* ``resource_allocation`` - sum over common contacts of ``1 / deg w``;
* ``preferential_attachment`` - ``deg u * deg v``;
* ``katz`` - ``sum over l >= 1 of alpha^l * (walks of length l from u to v)``, i.e. the
  ``u, v`` entry of ``(I - alpha A)^-1 - I``: exact (dense inverse) up to
  :data:`KATZ_DENSE_LIMIT` people, the series cut after :data:`KATZ_TERMS` terms above.

The values equal networkx's ``jaccard_coefficient``, ``adamic_adar_index``,
``resource_allocation_index`` and ``preferential_attachment``.

Conventions:

* The graph is taken as undirected and unweighted (a tie is a tie, whichever way
  the calls went and however many); self-loops are dropped.
* Candidates are the pairs that are not linked, at most ``max_hops`` (2 or 3) hops
  apart, with a score above 0; pairs further apart are never listed (that keeps the
  work near-linear on sparse networks). The neighbourhood methods give every pair
  without a common contact 0, so for them only two-hop pairs are listed.
* Ranking: score, highest first; ties in the canonical order of the pair
  (:func:`~netintel.algorithms.results.canonical_nodes`).
* Holdout: ``round(holdout * links)`` links are hidden (uniformly, seeded); the
  negatives are all pairs not linked in the full graph, or a seeded sample of
  ``negatives`` of them when there are more. The AUC counts a tie as one half and is
  computed on the exact scores of those pairs, however far apart; precision@k is the
  share of hidden links among the top ``k`` candidates of the reduced graph. With
  ``repeats`` > 1 the split is redrawn (derived seeds) and mean and standard deviation
  are reported.

Examples
--------
>>> import networkx as nx
>>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "d"), ("d", "e")])
>>> p = predict_links(G, "common_neighbors", k=3)
>>> p.to_frame()[["u", "v", "score", "common_contacts"]].values.tolist()
[['a', 'd', 2.0, ('b', 'c')], ['b', 'e', 1.0, ('d',)], ['c', 'e', 1.0, ('d',)]]
>>> ev = predict_links(nx.karate_club_graph(), "katz", k=10, holdout=0.1, seed=1).evaluation
>>> sorted(ev["method"])[:2], bool(ev.set_index("method").loc["katz", "auc"] > 0.5)
(['adamic_adar', 'common_neighbors'], True)
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

from netintel.algorithms.results import (
    Provenance,
    Stopwatch,
    TableMixin,
    canonical_nodes,
    derived_seeds,
    draw_seed,
    graph_hash,
    table_dict,
)

__all__ = [
    "KATZ_DENSE_LIMIT",
    "KATZ_TERMS",
    "LINK_METHODS",
    "PredictedLinks",
    "link_scores",
    "predict_links",
]

#: The methods :func:`predict_links` knows.
LINK_METHODS = (
    "katz",
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "common_neighbors",
    "preferential_attachment",
)

#: Up to this many nodes Katz is exact, ``(I - alpha A)^-1 - I`` by a dense inverse.
KATZ_DENSE_LIMIT = 2_000
#: Above :data:`KATZ_DENSE_LIMIT`, Katz sums walks of up to this many steps.
KATZ_TERMS = 5
#: Default ``alpha`` of Katz (networkx's), lowered to half the convergence bound when needed.
KATZ_ALPHA = 0.1
#: Dense score cells computed per block of rows (bounds the memory: 8 bytes each).
_BLOCK_CELLS = 2_000_000

_COLUMNS = [
    "rank",
    "u",
    "u_name",
    "v",
    "v_name",
    "score",
    "hops",
    "common",
    "paths_3",
    "common_contacts",
    "path",
]
_EVAL_COLUMNS = [
    "method",
    "auc",
    "auc_sd",
    "precision_at_k",
    "precision_sd",
    "hits",
    "k",
    "hidden",
    "negatives",
    "repeats",
]


@dataclass(frozen=True, eq=False)
class PredictedLinks(TableMixin):
    """Ranked candidate links with their evidence, and how far the method can be trusted.

    Attributes
    ----------
    method : str
    table : pandas.DataFrame
        One row per candidate, best first: ``rank`` (1 = best), ``u``, ``u_name``,
        ``v``, ``v_name`` (``name`` node attributes, missing where the node has none), ``score``,
        ``hops`` (2 or 3: the distance between them), ``common`` (number of common
        contacts = two-hop paths), ``paths_3`` (three-hop paths), ``common_contacts``
        (tuple of nodes) and ``path`` (one shortest path, a tuple of nodes).
    evaluation : pandas.DataFrame or None
        With ``holdout``: one row per method evaluated, best AUC first: ``method``,
        ``auc``, ``auc_sd``, ``precision_at_k``, ``precision_sd`` (NaN for one repeat),
        ``hits`` (hidden links among the top ``k``, summed over repeats), ``k``,
        ``hidden`` and ``negatives`` (per repeat), ``repeats``.
    candidates : int
        How many pairs had a score above 0 within ``max_hops`` (before the cut at ``k``).
    provenance : Provenance
    """

    method: str
    table: pd.DataFrame
    evaluation: pd.DataFrame | None
    candidates: int
    provenance: Provenance

    @property
    def pairs(self) -> list[tuple[Hashable, Hashable]]:
        """The candidate pairs, best first."""
        return list(zip(self.table["u"].tolist(), self.table["v"].tolist(), strict=True))

    def to_dict(self) -> dict[str, Any]:
        """Candidates, evaluation and provenance as plain JSON types."""
        return {
            "method": self.method,
            "candidates": self.candidates,
            "links": table_dict(self.table),
            "evaluation": None if self.evaluation is None else table_dict(self.evaluation),
            "provenance": self.provenance.to_dict(),
        }


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True, eq=False)
class _Graph:
    """An undirected simple 0/1 adjacency in canonical node order."""

    nodes: list[Hashable]
    A: sp.csr_array
    degree: np.ndarray

    @classmethod
    def of(cls, nodes: list[Hashable], src: np.ndarray, dst: np.ndarray) -> _Graph:
        n = len(nodes)
        keep = src != dst
        s, d = src[keep], dst[keep]
        ones = np.ones(2 * s.size)
        A = sp.csr_array(
            (ones, (np.concatenate([s, d]), np.concatenate([d, s]))), shape=(n, n), dtype=float
        )
        A.sum_duplicates()
        A.data[:] = 1.0
        return cls(nodes, A, np.asarray(A.sum(axis=1)).ravel())


class _Scorer:
    """Dense rows of a method's score matrix, a block of rows at a time."""

    def __init__(self, g: _Graph, method: str, alpha: float) -> None:
        self.g, self.method, self.alpha = g, method, alpha
        n = len(g.nodes)
        self.katz: np.ndarray | None = None
        self.middle: sp.csr_array | None = None
        if method == "katz" and n <= KATZ_DENSE_LIMIT:
            dense = g.A.toarray()
            self.katz = np.linalg.inv(np.eye(n) - alpha * dense) - np.eye(n)
        elif method in ("adamic_adar", "resource_allocation"):
            d = g.degree
            with np.errstate(divide="ignore"):
                w = 1.0 / (np.log(d) if method == "adamic_adar" else d)
            w[~np.isfinite(w)] = 0.0  # degree 0 or 1: never a common contact
            self.middle = sp.csr_array(sp.diags(w))

    def rows(self, idx: np.ndarray) -> np.ndarray:
        g, A = self.g, self.g.A
        if self.method == "katz":
            if self.katz is not None:
                return self.katz[idx]
            walk = A[idx].toarray()
            total = self.alpha * walk
            for step in range(2, KATZ_TERMS + 1):
                walk = np.asarray(A @ walk.T).T
                total += self.alpha**step * walk
            return total
        if self.method == "preferential_attachment":
            return np.outer(g.degree[idx], g.degree)
        left = A[idx]
        if self.middle is not None:
            left = left @ self.middle
        common = np.asarray((left @ A).toarray())
        if self.method == "jaccard":
            union = g.degree[idx][:, None] + g.degree[None, :] - common
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.where(union > 0, common / union, 0.0)
            return out
        return common


def _blocks(idx: np.ndarray, n: int) -> list[np.ndarray]:
    size = max(1, _BLOCK_CELLS // max(n, 1))
    return [idx[i : i + size] for i in range(0, idx.size, size)]


def _pair_scores(scorer: _Scorer, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Scores of the pairs ``(u[i], v[i])``."""
    out = np.zeros(u.size)
    if not u.size:
        return out
    order = np.argsort(u, kind="stable")
    sources = np.unique(u)
    n = len(scorer.g.nodes)
    for block in _blocks(sources, n):
        rows = scorer.rows(block)
        pos = {int(s): i for i, s in enumerate(block.tolist())}
        sel = order[np.isin(u[order], block)]
        out[sel] = rows[[pos[int(x)] for x in u[sel].tolist()], v[sel]]
    return out


def _top(scorer: _Scorer, k: int, max_hops: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The ``k`` best candidate pairs ``u < v`` (indices), their scores, and the count."""
    g = scorer.g
    n = len(g.nodes)
    best_u = np.empty(0, dtype=np.int64)
    best_v = np.empty(0, dtype=np.int64)
    best_s = np.empty(0)
    total = 0
    A = g.A
    for block in _blocks(np.arange(n), n):
        adj = A[block].toarray() > 0
        reach = np.asarray((A[block] @ A).toarray()) > 0
        if max_hops >= 3:
            reach |= np.asarray((A[block] @ A @ A).toarray()) > 0
        scores = scorer.rows(block)
        cols = np.arange(n)[None, :]
        mask = reach & ~adj & (cols > block[:, None]) & (scores > 0)
        r, c = np.nonzero(mask)
        total += r.size
        if not r.size:
            continue
        u = np.concatenate([best_u, block[r]])
        v = np.concatenate([best_v, c])
        s = np.concatenate([best_s, scores[r, c]])
        keep = np.lexsort((v, u, -_tie_key(s)))[:k]
        best_u, best_v, best_s = u[keep], v[keep], s[keep]
    return best_u, best_v, best_s, total


def _tie_key(s: np.ndarray) -> np.ndarray:
    """Scores rounded to 12 significant digits, so float noise does not break ties."""
    mantissa, exponent = np.frexp(s)
    return np.ldexp(np.round(mantissa, 12), exponent)


def _alpha(g: _Graph, method: str, alpha: float | None, notes: list[str]) -> float:
    if method != "katz":
        if alpha is not None:
            raise ValueError(f"katz_alpha is for method 'katz', not {method!r}")
        return math.nan
    n = len(g.nodes)
    if alpha is not None and not (isinstance(alpha, int | float) and 0 < alpha < math.inf):
        raise ValueError(f"katz_alpha must be a positive number, not {alpha!r}")
    radius = 0.0
    if g.A.nnz:
        if n <= 100:  # dense eigenvalues; the Lanczos solver above
            radius = float(np.max(np.abs(np.linalg.eigvalsh(g.A.toarray()))))
        else:
            from scipy.sparse.linalg import eigsh

            radius = float(abs(eigsh(g.A, k=1, which="LA", v0=np.ones(n))[0][0]))
    exact = n <= KATZ_DENSE_LIMIT
    if alpha is None:
        alpha = KATZ_ALPHA
        if exact and radius and alpha >= 1 / radius:
            alpha = 0.5 / radius
            notes.append(
                f"katz: alpha {KATZ_ALPHA} does not converge (spectral radius {radius:.4g}); "
                f"used 0.5 / radius = {alpha:.4g}"
            )
    elif exact and radius and alpha >= 1 / radius:
        raise ValueError(
            f"katz_alpha {alpha} does not converge on this graph: it must be below "
            f"1 / spectral radius = {1 / radius:.4g}"
        )
    if not exact:
        notes.append(f"katz: {n} nodes, walks of up to {KATZ_TERMS} steps (truncated series)")
    return float(alpha)


# --------------------------------------------------------------------------- public


def _prepare(G: nx.Graph) -> tuple[_Graph, dict[Hashable, int]]:
    if not isinstance(G, nx.Graph):
        raise ValueError(f"expected a networkx graph, not {type(G).__name__}")
    nodes = canonical_nodes(G.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in G.edges()], dtype=np.int64).reshape(-1, 2)
    s, d = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    return _Graph.of(nodes, s, d), index


def link_scores(
    G: nx.Graph,
    pairs: Sequence[tuple[Hashable, Hashable]],
    method: str = "katz",
    *,
    katz_alpha: float | None = None,
) -> list[float]:
    """The score of each pair in ``pairs`` by ``method`` (see :data:`LINK_METHODS`).

    Any pair of nodes of ``G`` can be scored, linked or not, however far apart.

    Parameters
    ----------
    G : networkx graph
        The graph.
    pairs : sequence of (node, node)
        The pairs to score.
    method : str, default "katz"
        One of :data:`LINK_METHODS`.
    katz_alpha : float or None, default None
        Katz's attenuation factor (``method="katz"``); None picks one that converges.

    Returns
    -------
    list of float
        One score per pair, in order.

    Raises
    ------
    ValueError
        When a node of ``pairs`` is not in ``G`` (or ``method`` is unknown).

    Examples
    --------
    >>> import networkx as nx
    >>> link_scores(nx.path_graph(3), [(0, 2), (0, 1)], "common_neighbors")
    [1.0, 0.0]
    >>> [round(x, 12) for x in link_scores(nx.path_graph(3), [(0, 2)], katz_alpha=0.1)]
    [0.010204081633]
    """
    _check_method(method)
    g, index = _prepare(G)
    try:
        u = np.array([index[a] for a, _ in pairs], dtype=np.int64)
        v = np.array([index[b] for _, b in pairs], dtype=np.int64)
    except KeyError as err:
        raise ValueError(f"node {err.args[0]!r} is not in the graph") from None
    alpha = _alpha(g, method, katz_alpha, [])
    return [float(x) for x in _pair_scores(_Scorer(g, method, alpha), u, v)]


def _check_method(method: str) -> None:
    if method not in LINK_METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {', '.join(LINK_METHODS)}")


def _evidence(
    H: nx.Graph, nodes: list[Hashable], u: np.ndarray, v: np.ndarray, s: np.ndarray
) -> pd.DataFrame:
    rows = []
    for rank, (i, j, score) in enumerate(zip(u.tolist(), v.tolist(), s.tolist(), strict=True), 1):
        a, b = nodes[i], nodes[j]
        common = tuple(w for w in H[a] if w in H[b])
        paths_3 = sum(1 for w in H[a] for x in H[w] if x in H[b])
        path = tuple(nx.shortest_path(H, a, b))
        rows.append(
            (
                rank,
                a,
                H.nodes[a].get("name"),
                b,
                H.nodes[b].get("name"),
                float(score),
                len(path) - 1,
                len(common),
                paths_3,
                common,
                path,
            )
        )
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return frame.astype({"rank": "int64", "hops": "int64", "common": "int64", "paths_3": "int64"})


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(positive > negative) + P(tie) / 2, exactly (Mann-Whitney U)."""
    if not pos.size or not neg.size:
        return math.nan
    neg = np.sort(neg)
    below = np.searchsorted(neg, pos, side="left")
    equal = np.searchsorted(neg, pos, side="right") - below
    return float((below.sum() + 0.5 * equal.sum()) / (pos.size * neg.size))


def _negatives(g: _Graph, rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``u < v`` not linked in ``g``: all of them, or a sample of ``count``."""
    n = len(g.nodes)
    pairs_total = n * (n - 1) // 2
    links = g.A.nnz // 2
    free = pairs_total - links
    A = g.A
    if free <= count:
        iu, iv = np.triu_indices(n, k=1)
        linked = np.asarray(A[iu, iv]).ravel() > 0
        return iu[~linked].astype(np.int64), iv[~linked].astype(np.int64)
    chosen: dict[int, None] = {}
    while len(chosen) < count:
        a = rng.integers(0, n, size=2 * count)
        b = rng.integers(0, n, size=2 * count)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        ok = lo != hi
        lo, hi = lo[ok], hi[ok]
        ok = np.asarray(A[lo, hi]).ravel() == 0
        for key in (lo[ok] * n + hi[ok]).tolist():
            if len(chosen) >= count:
                break
            chosen.setdefault(int(key), None)
    keys = np.fromiter(chosen, dtype=np.int64, count=len(chosen))
    return keys // n, keys % n


def _evaluate(
    g: _Graph,
    methods: Sequence[str],
    *,
    holdout: float,
    k: int,
    max_hops: int,
    negatives: int,
    katz_alpha: float | None,
    seeds: list[int],
    notes: list[str],
) -> pd.DataFrame:
    n = len(g.nodes)
    coo = sp.triu(g.A, k=1).tocoo()
    src, dst = coo.row.astype(np.int64), coo.col.astype(np.int64)
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    m = src.size
    hide = round(holdout * m)
    if hide < 1 or hide >= m:
        raise ValueError(
            f"holdout {holdout} hides {hide} of the {m} links: it must hide at least one "
            "and keep at least one"
        )
    stats: dict[str, dict[str, list[float]]] = {
        method: {"auc": [], "precision": [], "hits": []} for method in methods
    }
    sizes: dict[str, int] = {}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        hidden = np.sort(rng.choice(m, size=hide, replace=False))
        kept = np.setdiff1d(np.arange(m), hidden)
        train = _Graph.of(g.nodes, src[kept], dst[kept])
        neg_u, neg_v = _negatives(g, rng, negatives)
        sizes["negatives"] = neg_u.size
        hidden_keys = set((src[hidden] * n + dst[hidden]).tolist())
        for method in methods:
            alpha = _alpha(train, method, katz_alpha if method == "katz" else None, notes)
            scorer = _Scorer(train, method, alpha)
            pos = _pair_scores(scorer, src[hidden], dst[hidden])
            neg = _pair_scores(scorer, neg_u, neg_v)
            stats[method]["auc"].append(_auc(pos, neg))
            tu, tv, _, _ = _top(scorer, k, max_hops)
            hits = sum(1 for key in (tu * n + tv).tolist() if key in hidden_keys)
            stats[method]["hits"].append(hits)
            stats[method]["precision"].append(hits / k)
    rows = []
    for method in methods:
        auc = np.array(stats[method]["auc"])
        prec = np.array(stats[method]["precision"])
        rows.append(
            (
                method,
                float(auc.mean()),
                float(auc.std(ddof=1)) if auc.size > 1 else math.nan,
                float(prec.mean()),
                float(prec.std(ddof=1)) if prec.size > 1 else math.nan,
                int(sum(stats[method]["hits"])),
                k,
                hide,
                sizes["negatives"],
                len(seeds),
            )
        )
    frame = pd.DataFrame(rows, columns=_EVAL_COLUMNS)
    frame = frame.iloc[np.lexsort((frame.index.to_numpy(), -frame["auc"].to_numpy()))]
    return frame.reset_index(drop=True)


def _check_link_options(
    method: str,
    k: int,
    max_hops: int,
    holdout: float | None,
    methods: Sequence[str] | None,
    repeats: int,
    negatives: int,
) -> list[str]:
    """Check :func:`predict_links`'s options; the methods the holdout evaluates."""
    _check_method(method)
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, not {k!r}")
    if max_hops not in (2, 3):
        raise ValueError(f"max_hops must be 2 or 3, not {max_hops!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, not {repeats!r}")
    if isinstance(negatives, bool) or not isinstance(negatives, int | np.integer) or negatives < 1:
        raise ValueError(f"negatives must be a positive integer, not {negatives!r}")
    evaluated = list(LINK_METHODS if methods is None else methods)
    for name in evaluated:
        _check_method(name)
    if holdout is not None and not (isinstance(holdout, float | int) and 0 < holdout < 1):
        raise ValueError(f"holdout must be a share between 0 and 1, not {holdout!r}")
    if holdout is None and (methods is not None or repeats != 1):
        raise ValueError("methods and repeats are for the holdout evaluation: give holdout=")
    return evaluated


def _simple_graph(G: nx.Graph, g: _Graph) -> nx.Graph:
    """The undirected simple graph the scores see, with ``G``'s node attributes."""
    H = nx.Graph()
    H.add_nodes_from((v, G.nodes[v]) for v in g.nodes)
    coo = sp.triu(g.A, k=1).tocoo()
    H.add_edges_from(
        (g.nodes[a], g.nodes[b]) for a, b in zip(coo.row.tolist(), coo.col.tolist(), strict=True)
    )
    return H


def predict_links(
    G: nx.Graph,
    method: str = "katz",
    *,
    k: int = 20,
    max_hops: int = 3,
    holdout: float | None = None,
    methods: Sequence[str] | None = None,
    repeats: int = 1,
    negatives: int = 10_000,
    katz_alpha: float | None = None,
    seed: int | None = None,
) -> PredictedLinks:
    """The ``k`` most likely missing links of ``G`` by ``method``, with their evidence.

    Parameters
    ----------
    G : networkx graph
        Taken as undirected and unweighted; node attribute ``name`` is shown.
    method : str
        One of :data:`LINK_METHODS` (see the module notes for the formulas).
    k : int
        Candidates listed, and the cut of precision@k.
    max_hops : {2, 3}
        Candidates are pairs at most this many hops apart.
    holdout : float in (0, 1) or None
        Share of the links hidden to evaluate the methods (see the module notes).
        None: no evaluation (``evaluation`` is None).
    methods : sequence of str or None
        The methods evaluated with ``holdout`` (default: all of :data:`LINK_METHODS`).
    repeats : int
        Holdout splits, each with its own seed derived from ``seed``.
    negatives : int
        Most pairs without a link that each split compares hidden links with.
    katz_alpha : float or None
        Katz attenuation; default 0.1 (networkx's), or half of ``1 / spectral radius``
        when 0.1 does not converge (said in the notes). An error unless Katz runs
        (``method="katz"``, or Katz among the methods evaluated with ``holdout``).
    seed : int or None
        Seed of the holdout splits and the negative sample (drawn and recorded when
        None; the candidates themselves do not depend on it).

    Returns
    -------
    PredictedLinks

    Examples
    --------
    >>> import networkx as nx
    >>> p = predict_links(nx.path_graph(3), "katz", katz_alpha=0.1)
    >>> p.pairs, round(float(p.table.loc[0, "score"]), 6), p.table.loc[0, "path"]
    ([(0, 2)], 0.010204, (0, 1, 2))
    """
    sw = Stopwatch()
    evaluated = _check_link_options(method, k, max_hops, holdout, methods, repeats, negatives)
    notes: list[str] = []
    g, _ = _prepare(G)
    H = _simple_graph(G, g)
    uses_katz = method == "katz" or (holdout is not None and "katz" in evaluated)
    if katz_alpha is not None and not uses_katz:
        raise ValueError(f"katz_alpha is for method 'katz', not {method!r}")
    alpha = _alpha(g, method, katz_alpha if method == "katz" else None, notes)
    u, v, s, total = _top(_Scorer(g, method, alpha), int(k), max_hops)
    table = _evidence(H, g.nodes, u, v, s)
    used_seed = None
    evaluation = None
    if holdout is not None:
        used_seed = draw_seed(seed)
        seeds = [used_seed] if repeats == 1 else derived_seeds(used_seed, int(repeats))
        split_notes: list[str] = []
        evaluation = _evaluate(
            g,
            evaluated,
            holdout=float(holdout),
            k=int(k),
            max_hops=max_hops,
            negatives=int(negatives),
            katz_alpha=katz_alpha,
            seeds=seeds,
            notes=split_notes,
        )
        notes.extend(dict.fromkeys(f"holdout: {x}" for x in split_notes))
    params: dict[str, Any] = {
        "method": method,
        "k": int(k),
        "max_hops": max_hops,
        "holdout": holdout,
        "methods": evaluated if holdout is not None else None,
        "repeats": int(repeats),
        "negatives": int(negatives),
        "katz_alpha": alpha if method == "katz" else katz_alpha,
    }
    provenance = sw.provenance(
        "predict_links",
        params,
        seed=used_seed,
        engine="scipy",
        input_hash=graph_hash(G, weight=None),
        notes=notes,
    )
    return PredictedLinks(method, table, evaluation, int(total), provenance)

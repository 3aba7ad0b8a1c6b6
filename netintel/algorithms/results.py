"""Result plumbing shared by the algorithms: provenance, input hash, edge arrays.

Every algorithm result carries a :class:`Provenance` that says how it was
made (algorithm, parameters, seed, engine, library versions, a hash of the
input graph, when it started and how long it took), so that a run can be
stored, compared with another run and reproduced.

:func:`edge_arrays` turns a networkx graph into the canonical form every
engine works on: a node list in a fixed order plus edge index arrays and
weights. The order depends only on the graph's content, never on the order
in which nodes and edges were inserted, so the same graph and the same seed
give the same result. :meth:`EdgeArrays.from_arrays` builds the same form
straight from arrays (for example from a database projection) without a
networkx graph.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_edge("b", "a", weight=2.0)
>>> G.add_edge("c", "b")
>>> ea = edge_arrays(G)
>>> ea.nodes, ea.src.tolist(), ea.dst.tolist(), ea.weight.tolist()
(('a', 'b', 'c'), [0, 1], [1, 2], [2.0, 1.0])
>>> H = nx.Graph([("c", "b"), ("a", "b", {"weight": 2.0})])
>>> graph_hash(G) == graph_hash(H)
True
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import random
import sys
import time
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from types import MappingProxyType
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "EdgeArrays",
    "GraphCounts",
    "Provenance",
    "Stopwatch",
    "canonical_nodes",
    "derived_seeds",
    "draw_seed",
    "edge_arrays",
    "graph_hash",
    "library_versions",
    "to_jsonable",
]

#: Packages whose versions every provenance records; engines add their own.
_BASE_PACKAGES = ("netintel", "networkx", "numpy", "scipy", "pandas")

#: Largest seed handed to any engine (all of them accept unsigned 32-bit seeds).
_SEED_LIMIT = 2**32


def _node_token(node: Hashable) -> str:
    return f"{type(node).__name__}:{node!r}"


def canonical_nodes(nodes: Iterable[Hashable]) -> list[Hashable]:
    """Nodes in the canonical order used by every algorithm.

    All-integer node sets sort numerically, all-string node sets alphabetically,
    anything else by ``"<type>:<repr>"``, so the order depends only on the set.

    Parameters
    ----------
    nodes : iterable of hashable
        The nodes.

    Returns
    -------
    list
        The nodes, sorted.

    Examples
    --------
    >>> canonical_nodes([10, 2, 33])
    [2, 10, 33]
    >>> canonical_nodes(["b", 1, "a"])
    [1, 'a', 'b']
    """
    items = list(nodes)
    if all(type(n) is int for n in items):
        return sorted(items)  # type: ignore[type-var]
    if all(type(n) is str for n in items):
        return sorted(items)  # type: ignore[type-var]
    return sorted(items, key=_node_token)


def library_versions(*extra: str) -> dict[str, str]:
    """Versions of Python, the base libraries and the named extra packages.

    Parameters
    ----------
    *extra : str
        Names of further installed packages to include.

    Returns
    -------
    dict of str to str
        Name (Python, then each package) -> version.

    Examples
    --------
    >>> sorted(library_versions())[:3]
    ['netintel', 'networkx', 'numpy']
    """
    out = {"python": platform.python_version()}
    for name in (*_BASE_PACKAGES, *extra):
        out[name] = _package_version(name)
    return out


def _package_version(name: str) -> str:
    """The version of the loaded module when it says, else the installed distribution's.

    Reading package metadata costs about 1-2 ms a package, more than a whole
    community detection on a small graph; a loaded module cannot change
    version within the process, so its ``__version__`` (or one metadata read,
    kept) is the answer.
    """
    module = sys.modules.get(name)
    loaded = getattr(module, "__version__", None)
    if isinstance(loaded, str):
        return loaded
    if name not in _VERSIONS:
        try:
            _VERSIONS[name] = version(name)
        except PackageNotFoundError:
            return "not installed"  # not kept: it may be installed later
    return _VERSIONS[name]


_VERSIONS: dict[str, str] = {}


def draw_seed(seed: int | None) -> int:
    """The seed to use: ``seed`` itself, or a fresh one when ``seed`` is None.

    A drawn seed is recorded in the result, so even an unseeded run can be
    reproduced. Seeds must be integers in ``[0, 2**32)``.

    Parameters
    ----------
    seed : int or None
        The given seed, or None to draw one.

    Returns
    -------
    int
        The seed, in ``[0, 2**32)``.

    Raises
    ------
    ValueError
        When ``seed`` is not an integer or None, or is out of range.

    Examples
    --------
    >>> draw_seed(7)
    7
    >>> 0 <= draw_seed(None) < 2**32
    True
    """
    if seed is None:
        return random.SystemRandom().randrange(_SEED_LIMIT)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"seed must be an integer or None, not {seed!r}")
    if not 0 <= int(seed) < _SEED_LIMIT:
        raise ValueError(f"seed must be in [0, 2**32), not {seed}")
    return int(seed)


@contextmanager
def igraph_seeded(seed: int) -> Iterator[None]:
    """igraph draws from a process-wide generator: seed it, then restore the default."""
    import igraph as ig

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def derived_seeds(seed: int, count: int) -> list[int]:
    """``count`` seeds derived from ``seed`` (the same list for the same seed).

    Parameters
    ----------
    seed : int
        The seed they derive from.
    count : int
        How many seeds.

    Returns
    -------
    list of int
        The derived seeds.

    Examples
    --------
    >>> derived_seeds(0, 3) == derived_seeds(0, 3)
    True
    """
    rng = np.random.default_rng(seed)
    return [int(s) for s in rng.integers(0, _SEED_LIMIT, size=count, dtype=np.uint64)]


def to_jsonable(value: Any) -> Any:
    """``value`` converted to plain JSON types (numpy scalars, tuples, sets, nodes).

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    object
        ``value`` as dicts, lists, strings, numbers, booleans and None.

    Examples
    --------
    >>> to_jsonable({"a": (1, np.int64(2)), "b": frozenset({3})})
    {'a': [1, 2], 'b': [3]}
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return [to_jsonable(v) for v in canonical_nodes(value)]
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


@dataclass(frozen=True)
class Provenance:
    """How a result was made.

    Attributes
    ----------
    algorithm : str
        What actually ran (``"louvain"``, ``"leiden"``, ``"key_players"``...).
    params : Mapping
        The parameters, JSON-ready.
    seed : int or None
        The seed used (drawn and recorded when the caller passed None);
        None for deterministic algorithms.
    engine : str
        ``"networkx"``, ``"igraph"``, ``"leidenalg"``, ``"networkit"``...
    versions : Mapping
        Python and library versions.
    input_hash : str
        :func:`graph_hash` of the input.
    started : str
        ISO 8601 UTC time the run started.
    elapsed_s : float
        Wall-clock seconds.
    notes : tuple of str
        Anything the reader must know (fallbacks, convergence problems).
    """

    algorithm: str
    params: Mapping[str, Any]
    seed: int | None
    engine: str
    versions: Mapping[str, str]
    input_hash: str
    started: str
    elapsed_s: float
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The provenance as plain JSON types."""
        return {
            "algorithm": self.algorithm,
            "params": to_jsonable(self.params),
            "seed": self.seed,
            "engine": self.engine,
            "versions": dict(self.versions),
            "input_hash": self.input_hash,
            "started": self.started,
            "elapsed_s": self.elapsed_s,
            "notes": list(self.notes),
        }


class Stopwatch:
    """Starts timing on creation; :meth:`provenance` stamps the result.

    >>> sw = Stopwatch()
    >>> p = sw.provenance("demo", {"k": 1}, seed=None, engine="networkx", input_hash="x")
    >>> p.algorithm, dict(p.params), p.elapsed_s >= 0
    ('demo', {'k': 1}, True)
    """

    def __init__(self) -> None:
        self.started = datetime.now(UTC).isoformat(timespec="seconds")
        self._t0 = time.perf_counter()

    def provenance(
        self,
        algorithm: str,
        params: Mapping[str, Any],
        *,
        seed: int | None,
        engine: str,
        input_hash: str,
        packages: Sequence[str] = (),
        notes: Iterable[str] = (),
    ) -> Provenance:
        return Provenance(
            algorithm=algorithm,
            params=MappingProxyType(to_jsonable(dict(params))),
            seed=seed,
            engine=engine,
            versions=MappingProxyType(library_versions(*packages)),
            input_hash=input_hash,
            started=self.started,
            elapsed_s=round(time.perf_counter() - self._t0, 6),
            notes=tuple(notes),
        )


class ResultMixin:
    """``to_json`` for result dataclasses that define ``to_dict``."""

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def to_json(self, *, indent: int | None = None) -> str:
        """The result as a JSON document (provenance included)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


class TableMixin(ResultMixin):
    """``to_frame`` for result dataclasses that hold their rows in a ``table`` field."""

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """A copy of the result's table (see the class for its columns)."""
        return self.table.copy()


def table_dict(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``frame`` (index included when named) as JSON-ready dicts."""
    if frame.index.name is not None:
        frame = frame.reset_index()
    return [to_jsonable(r) for r in frame.to_dict(orient="records")]


class GraphCounts:
    """``n`` and ``m`` for a graph held as a node sequence and edge-end arrays.

    For classes with ``nodes`` (position ``i`` is node ``i``) and ``src`` (one entry per
    edge): :class:`EdgeArrays` and :class:`netintel.projection.Projection`.

    Examples
    --------
    >>> import networkx as nx
    >>> g = edge_arrays(nx.path_graph(4))
    >>> g.n, g.m
    (4, 3)
    """

    nodes: Any
    src: Any

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Number of edges: one per pair of nodes (per pair and layer in a multiplex)."""
        return len(self.src)


@dataclass(frozen=True, eq=False)
class EdgeArrays(GraphCounts):
    """A weighted graph as arrays: the input every engine shares.

    Attributes
    ----------
    nodes : tuple
        Node labels; position ``i`` is node index ``i``. Canonical order.
    src, dst : numpy.ndarray of int64
        Edge end indices. Undirected edges have ``src <= dst``. Sorted by
        ``(src, dst)``, no duplicates (parallel edges are summed).
    weight : numpy.ndarray of float64
        Edge weights (1.0 where the graph has none).
    directed : bool
    multigraph : bool
        True when the weights sum a multigraph's parallel links, as a
        multiplex's layers do (see :func:`~netintel.algorithms.find_gangs`'s
        ``refine``).
    """

    nodes: tuple[Hashable, ...]
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    directed: bool = False
    multigraph: bool = False
    _index: dict[Hashable, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def index(self) -> dict[Hashable, int]:
        """Node label -> node index."""
        if not self._index:
            self._index.update((v, i) for i, v in enumerate(self.nodes))
        return self._index

    @classmethod
    def from_arrays(
        cls,
        nodes: Sequence[Hashable],
        src: Sequence[int] | np.ndarray,
        dst: Sequence[int] | np.ndarray,
        weight: Sequence[float] | np.ndarray | None = None,
        *,
        directed: bool = False,
        multigraph: bool = False,
    ) -> EdgeArrays:
        """Canonical arrays from a node list and edge index arrays into it.

        Nodes are put in canonical order, undirected edges oriented
        ``src <= dst``, parallel edges summed, edges sorted. ``multigraph``
        says the arrays come from a multigraph (kept as :attr:`multigraph`).

        >>> ea = EdgeArrays.from_arrays(["z", "y"], [0, 0, 1], [1, 1, 0], [1.0, 2.0, 4.0])
        >>> ea.nodes, ea.src.tolist(), ea.dst.tolist(), ea.weight.tolist()
        (('y', 'z'), [0], [1], [7.0])
        """
        nodes = list(nodes)
        if len(set(nodes)) != len(nodes):
            raise ValueError("nodes contains duplicates")
        s = np.asarray(src, dtype=np.int64).ravel()
        d = np.asarray(dst, dtype=np.int64).ravel()
        if s.shape != d.shape:
            raise ValueError(f"src has {s.size} entries but dst has {d.size}")
        w = (
            np.ones(s.size, dtype=np.float64)
            if weight is None
            else np.asarray(weight, dtype=np.float64).ravel()
        )
        if w.shape != s.shape:
            raise ValueError(f"weight has {w.size} entries but src has {s.size}")
        n = len(nodes)
        if s.size and (min(s.min(), d.min()) < 0 or max(s.max(), d.max()) >= n):
            raise ValueError(f"edge index out of range for {n} nodes")
        bad = ~np.isfinite(w)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"edge ({nodes[s[i]]!r}, {nodes[d[i]]!r}) has a non-finite weight {w[i]}"
            )
        order = canonical_nodes(nodes)
        pos = {v: i for i, v in enumerate(order)}
        remap = np.fromiter((pos[v] for v in nodes), dtype=np.int64, count=n)
        s, d = remap[s], remap[d]
        if not directed:
            s, d = np.minimum(s, d), np.maximum(s, d)
        if s.size:
            key = s * max(n, 1) + d
            uniq, inverse = np.unique(key, return_inverse=True)
            summed = np.bincount(inverse, weights=w, minlength=uniq.size)
            s, d = uniq // max(n, 1), uniq % max(n, 1)
            w = summed.astype(np.float64)
        return cls(tuple(order), s, d, w.astype(np.float64), bool(directed), bool(multigraph))

    def undirected(self) -> EdgeArrays:
        """The same graph without direction (both directions of a pair summed); self if so.

        >>> ea = EdgeArrays.from_arrays(["a", "b"], [0, 1], [1, 0], [1.0, 2.0], directed=True)
        >>> ea.undirected().weight.tolist(), ea.undirected().directed
        ([3.0], False)
        """
        if not self.directed:
            return self
        return EdgeArrays.from_arrays(
            self.nodes, self.src, self.dst, self.weight, directed=False, multigraph=self.multigraph
        )

    def degrees(self) -> np.ndarray:
        """Weighted degree (strength) of each node; self-loops count twice."""
        deg = np.bincount(self.src, weights=self.weight, minlength=self.n)
        deg += np.bincount(self.dst, weights=self.weight, minlength=self.n)
        return deg

    def to_networkx(self, weight: str = "weight") -> nx.Graph:
        """A networkx graph on node indices ``0..n-1`` with weights in ``weight``."""
        H: nx.Graph = nx.DiGraph() if self.directed else nx.Graph()
        H.add_nodes_from(range(self.n))
        H.add_weighted_edges_from(
            zip(self.src.tolist(), self.dst.tolist(), self.weight.tolist(), strict=True),
            weight=weight,
        )
        return H

    def subgraph(self, members: np.ndarray) -> EdgeArrays:
        """The arrays induced by the node indices ``members`` (sorted, unique)."""
        members = np.asarray(members, dtype=np.int64)
        local = np.full(self.n, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        keep = (local[self.src] >= 0) & (local[self.dst] >= 0)
        return EdgeArrays(
            tuple(self.nodes[i] for i in members.tolist()),
            local[self.src[keep]],
            local[self.dst[keep]],
            self.weight[keep],
            self.directed,
            self.multigraph,
        )


def _edge_weight(data: Mapping[str, Any], weight: str | None, u: Any, v: Any) -> float:
    if weight is None:
        return 1.0
    value = data.get(weight, 1.0)
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"edge ({u!r}, {v!r}) has a non-numeric {weight!r}: {value!r}") from None
    if not math.isfinite(w):
        raise ValueError(f"edge ({u!r}, {v!r}) has a non-finite {weight!r}: {value!r}")
    return w


def edge_arrays(G: nx.Graph | EdgeArrays, weight: str | None = "weight") -> EdgeArrays:
    """The canonical :class:`EdgeArrays` of ``G``.

    Parameters
    ----------
    G : networkx graph (any kind) or EdgeArrays
        Multigraph edges between the same pair are summed into one (and the
        result's ``multigraph`` is True).
    weight : str or None
        Edge attribute holding the weight; missing values count 1.0. None
        makes every edge weigh 1.0.

    Examples
    --------
    >>> import networkx as nx
    >>> M = nx.MultiGraph([(2, 1), (1, 2), (2, 3)])
    >>> ea = edge_arrays(M)
    >>> ea.nodes, list(zip(ea.src.tolist(), ea.dst.tolist(), ea.weight.tolist()))
    ((1, 2, 3), [(0, 1, 2.0), (1, 2, 1.0)])
    >>> ea.multigraph
    True
    """
    if isinstance(G, EdgeArrays):
        return G
    if not isinstance(G, nx.Graph):
        raise ValueError(f"expected a networkx graph or EdgeArrays, not {type(G).__name__}")
    nodes = list(G.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    m = G.number_of_edges()
    src = np.empty(m, dtype=np.int64)
    dst = np.empty(m, dtype=np.int64)
    w = np.empty(m, dtype=np.float64)
    for i, (u, v, data) in enumerate(G.edges(data=True)):
        src[i] = index[u]
        dst[i] = index[v]
        w[i] = _edge_weight(data, weight, u, v)
    return EdgeArrays.from_arrays(
        nodes, src, dst, w, directed=G.is_directed(), multigraph=G.is_multigraph()
    )


def graph_hash(G: nx.Graph | EdgeArrays, weight: str | None = "weight") -> str:
    """A SHA-256 of the weighted graph an algorithm sees.

    Covers the nodes, the edges, the weights in ``weight`` and directedness;
    not other attributes, nor insertion order. Multigraphs hash as their
    collapsed (summed) simple graph.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        The graph.
    weight : str or None, default "weight"
        Edge weight attribute hashed; None hashes every edge with weight 1.

    Returns
    -------
    str
        ``"sha256:"`` and the hex digest.

    Examples
    --------
    >>> import networkx as nx
    >>> graph_hash(nx.path_graph(3)) == graph_hash(nx.Graph([(2, 1), (0, 1)]))
    True
    >>> graph_hash(nx.path_graph(3)) == graph_hash(nx.path_graph(3, create_using=nx.DiGraph))
    False
    >>> graph_hash(nx.path_graph(3)).startswith("sha256:")
    True
    """
    ea = edge_arrays(G, weight)
    h = hashlib.sha256()
    h.update(b"directed" if ea.directed else b"undirected")
    h.update(len(ea.nodes).to_bytes(8, "little"))
    for v in ea.nodes:
        h.update(_node_token(v).encode("utf-8", "backslashreplace"))
        h.update(b"\x00")
    h.update(ea.src.astype("<i8").tobytes())
    h.update(ea.dst.astype("<i8").tobytes())
    h.update(ea.weight.astype("<f8").tobytes())
    return "sha256:" + h.hexdigest()


def canonical_graph(
    G: nx.Graph, *, weight: str | None = "weight", distance: str | None = None
) -> nx.Graph:
    """A simple copy of ``G`` with nodes and edges in canonical order.

    Only ``weight`` (summed over parallel edges) and ``distance`` (minimum over
    parallel edges) are kept as edge attributes. Algorithms that need a networkx
    graph run on this copy, so their output does not depend on insertion order.
    """
    if not isinstance(G, nx.Graph):
        raise ValueError(f"expected a networkx graph, not {type(G).__name__}")
    directed = G.is_directed()
    H: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    order = canonical_nodes(G.nodes)
    pos = {v: i for i, v in enumerate(order)}
    H.add_nodes_from(order)
    edges: dict[tuple[int, int], dict[str, float]] = {}
    for u, v, data in G.edges(data=True):
        a, b = pos[u], pos[v]
        if not directed and a > b:
            a, b = b, a
        attrs = edges.setdefault((a, b), {})
        if weight is not None:
            attrs[weight] = attrs.get(weight, 0.0) + _edge_weight(data, weight, u, v)
        if distance is not None:
            dist = _edge_weight(data, distance, u, v)
            if dist <= 0:
                raise ValueError(f"edge ({u!r}, {v!r}) has a non-positive {distance!r}: {dist}")
            attrs[distance] = min(attrs.get(distance, math.inf), dist)
    H.add_edges_from((order[a], order[b], attrs) for (a, b), attrs in sorted(edges.items()))
    return H


def labels_to_communities(
    nodes: Sequence[Hashable], labels: np.ndarray
) -> tuple[list[frozenset[Hashable]], np.ndarray]:
    """Communities sorted by size (desc) then smallest node, and relabelled labels.

    Returns the list of frozensets and an int array giving each node's index
    in that list.
    """
    labels = np.asarray(labels)
    _, dense = np.unique(labels, return_inverse=True)
    k = int(dense.max()) + 1 if dense.size else 0
    sizes = np.bincount(dense, minlength=k)
    first = np.full(k, len(nodes), dtype=np.int64)
    np.minimum.at(first, dense, np.arange(dense.size))
    order = sorted(range(k), key=lambda c: (-int(sizes[c]), int(first[c])))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    new = rank[dense] if dense.size else dense.astype(np.int64)
    groups: list[list[Hashable]] = [[] for _ in range(k)]
    for v, c in zip(nodes, new.tolist(), strict=True):
        groups[c].append(v)
    return [frozenset(g) for g in groups], new

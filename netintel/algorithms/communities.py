"""Community detection, consensus over runs, and partition quality.

Every detector takes a networkx graph (or :class:`~netintel.algorithms.results.EdgeArrays`
from a projection) and returns :class:`Communities`, whatever engine ran:

* :func:`louvain` - networkit (PLM), igraph (``community_multilevel``) or networkx;
* :func:`leiden` - networkit (ParallelLeiden, modularity), igraph
  (``community_leiden``) or leidenalg; modularity or CPM;
* :func:`label_propagation` - networkit (PLP), igraph or networkx;
* :func:`infomap` - the map equation (the ``infomap`` package), directed or not;
* :func:`consensus` - co-assignment over many seeded runs, consensus partition and
  per-node / per-community stability (Lancichinetti & Fortunato 2012).

Quality: :func:`modularity`, :func:`coverage`, :func:`conductance` (per community),
:func:`nmi` and :func:`ari` between two partitions. A partition can be given as a
:class:`Communities`, a mapping node -> label, or an iterable of node sets.

Every engine works on the canonical :func:`~netintel.algorithms.results.edge_arrays`
of the graph, so a result depends only on the graph, the parameters, the engine and
the seed - never on insertion order. A seed of None draws a fresh seed, which the
result records. networkit runs on one thread inside these functions (its
parallel runs differ from run to run for the same seed), on a graph built
straight from the arrays; the thread count is restored afterwards.

Examples
--------
>>> import networkx as nx
>>> G = nx.barbell_graph(5, 0)  # two 5-cliques joined by one edge
>>> res = louvain(G, seed=1, engine="networkx")
>>> [sorted(c) for c in res.communities]
[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
>>> round(res.modularity, 4), res.engine, res.seed
(0.4524, 'networkx', 1)
>>> nmi(res, {n: n // 5 for n in G}), ari(res, {n: n // 5 for n in G})
(1.0, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import connected_components

from netintel.algorithms._checks import is_int
from netintel.algorithms.results import (
    EdgeArrays,
    Provenance,
    ResultMixin,
    Stopwatch,
    canonical_nodes,
    derived_seeds,
    draw_seed,
    edge_arrays,
    graph_hash,
    igraph_seeded,
    labels_to_communities,
    table_dict,
    to_jsonable,
)

__all__ = [
    "Communities",
    "Consensus",
    "ari",
    "conductance",
    "consensus",
    "coverage",
    "infomap",
    "label_propagation",
    "leiden",
    "louvain",
    "modularity",
    "nmi",
]

GraphLike: TypeAlias = nx.Graph | EdgeArrays
PartitionLike: TypeAlias = Any  # Communities | Mapping[node, label] | Iterable[Iterable[node]]
_Runner: TypeAlias = Callable[[EdgeArrays, int], np.ndarray]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Communities(ResultMixin):
    """A partition of the nodes into communities, with how it was made.

    Attributes
    ----------
    communities : list of frozenset
        Sorted by size (largest first), then by smallest node.
    membership : dict
        Node -> index into ``communities``.
    modularity : float
        Newman modularity (resolution 1) of the partition on the input graph;
        NaN when the graph has no edge weight.
    internal_weight, cut_weight, conductance : tuple of float
        Per community: weight of edges inside it, weight of edges leaving it,
        and ``cut / min(volume, total volume - volume)`` (NaN when 0/0).
    weight_per_link, weight_per_cut_link : tuple of float
        Per community: the mean weight of the links inside it and of the links
        leaving it (on a call network, calls per linked pair), counting both
        directions of a pair as one link and leaving self-loops out; NaN where
        there is no such link.
    loose : tuple of int
        Indices of the communities of 2 or more members that are *loose
        groups*, not gangs: their members are linked to each other hardly more
        strongly, per link, than to people outside (``weight_per_link`` below
        :data:`LOOSE_RATIO` times ``weight_per_cut_link``), or not linked to
        each other at all. A crowd of people who each call around (bystanders,
        customers, relatives) is held together only by how many of its links
        stay inside, and modularity gathers it into one large community; but
        its members seldom call the same person twice, while a gang's members
        call each other again and again. On an unweighted graph (every link of
        the input weighs the same) only a community with no link inside is
        loose. See ``docs/gangs.md``.
    resolution_scale : float
        ``sqrt(2 W / resolution)`` (W = total edge weight): Fortunato &
        Barthelemy (2007) show that modularity optimisation may merge modules
        with fewer internal links than ``sqrt(2 W)`` at resolution 1.
    possibly_merged : tuple of int
        Indices of communities that hold two or more groups of their own:
        Louvain run on the community's own links (at resolution 1 of that
        subgraph, so not at the scale of the method checked) splits it, in
        most of 3 seeded runs, into at least two parts of 3 or more members
        (leaving 3 or more outside) whose link weight per pair of members is
        at least twice their link weight per pair (member, rest of the
        community), and that split is more modular than chance: its
        modularity within the community exceeds what the best split of a
        random graph of the same size and mean degree reaches (Guimera,
        Sales-Pardo & Amaral 2004), since any split of a sparse random group
        finds parts denser inside than out. Typical of the resolution
        limit (modularity at resolution 1 merges groups smaller than about
        ``resolution_scale``), but checked for every method, since merged
        gangs are wrong whatever merged them. Open those communities on their
        own, or use :func:`~netintel.algorithms.find_gangs`. A group that
        calls outside more than inside cannot be told from its neighbours by
        its links, and is not flagged (see ``docs/gangs.md``).

        Computed on first access (also by :meth:`summary` and
        :meth:`to_dict`), then kept: the check runs label propagation inside
        every community, which costs about as much as the detection itself,
        so a caller who never looks does not pay for it. Until then the
        result keeps a reference to the edge arrays. The answer does not
        depend on when it is asked for.
    provenance : Provenance
    """

    communities: list[frozenset[Hashable]]
    membership: dict[Hashable, int]
    modularity: float
    internal_weight: tuple[float, ...]
    cut_weight: tuple[float, ...]
    conductance: tuple[float, ...]
    weight_per_link: tuple[float, ...]
    weight_per_cut_link: tuple[float, ...]
    loose: tuple[int, ...]
    resolution_scale: float
    #: the flags, or a function computing them (replaced by its value on first use)
    _merged: tuple[int, ...] | Callable[[], tuple[int, ...]] = field(repr=False)
    provenance: Provenance

    @property
    def algorithm(self) -> str:
        """What actually ran."""
        return self.provenance.algorithm

    @property
    def engine(self) -> str:
        """The engine that ran it."""
        return self.provenance.engine

    @property
    def seed(self) -> int | None:
        """The seed used (drawn and recorded when None was passed)."""
        return self.provenance.seed

    @property
    def params(self) -> Mapping[str, Any]:
        """The parameters of the run."""
        return self.provenance.params

    @property
    def possibly_merged(self) -> tuple[int, ...]:
        """Communities likely merged by the resolution limit (see the class docstring)."""
        value = self._merged
        if callable(value):
            value = value()
            object.__setattr__(self, "_merged", value)
        return value

    @property
    def resolution_limit_suspected(self) -> bool:
        """True when some community is likely merged by the resolution limit."""
        return bool(self.possibly_merged)

    def __len__(self) -> int:
        return len(self.communities)

    def to_frame(self) -> pd.DataFrame:
        """One row per node: ``node``, ``community`` (ordered as ``communities``)."""
        rows = [(v, c) for c, members in enumerate(self.communities) for v in members]
        frame = pd.DataFrame(rows, columns=["node", "community"])
        return frame.sort_values(["community", "node"], key=_sort_key, ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """One row per community: size, weights, conductance, resolution-limit flag."""
        return pd.DataFrame(
            {
                "community": range(len(self.communities)),
                "size": [len(c) for c in self.communities],
                "internal_weight": self.internal_weight,
                "cut_weight": self.cut_weight,
                "conductance": self.conductance,
                "weight_per_link": self.weight_per_link,
                "weight_per_cut_link": self.weight_per_cut_link,
                "loose": [i in self.loose for i in range(len(self))],
                "possibly_merged": [i in self.possibly_merged for i in range(len(self))],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """Communities, quality and provenance as plain JSON types."""
        return {
            "communities": [to_jsonable(c) for c in self.communities],
            "modularity": to_jsonable(self.modularity),
            "resolution_scale": self.resolution_scale,
            "possibly_merged": list(self.possibly_merged),
            "loose": list(self.loose),
            "summary": table_dict(self.summary()),
            "provenance": self.provenance.to_dict(),
        }


@dataclass(frozen=True, eq=False)
class Consensus(Communities):
    """A consensus partition over many seeded runs, with its stability.

    Besides the :class:`Communities` attributes:

    Attributes
    ----------
    node_stability : dict
        Node -> share of the first-round runs in which the node sat in the run
        community that holds most of its consensus community, and most of that
        run community belongs to the consensus community (runs that split or
        merge it do not count).
    community_stability : tuple of float
        Mean node stability of each consensus community.
    run_seeds : tuple of int
        The seeds of the first-round runs; ``louvain(G, seed=s, engine=...)``
        reproduces any one of them.
    threshold : float
        Co-assignment shares below it were dropped between rounds.
    rounds : int
        Rounds of re-clustering the co-assignment matrix that were needed.
    converged : bool
        Whether the co-assignment matrix became block-diagonal (all 0 or 1).
    coassignment : scipy.sparse.csr_array
        Upper triangle of the first-round co-assignment matrix on the graph's
        links (share of runs in which linked nodes ``i < j`` were together),
        indexed like ``nodes``.
    nodes : tuple
        Node order of ``coassignment``.
    """

    node_stability: dict[Hashable, float]
    community_stability: tuple[float, ...]
    run_seeds: tuple[int, ...]
    threshold: float
    rounds: int
    converged: bool
    coassignment: Any
    nodes: tuple[Hashable, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per node: ``node``, ``community``, ``stability``."""
        frame = super().to_frame()
        frame["stability"] = [self.node_stability[v] for v in frame["node"]]
        return frame

    def summary(self) -> pd.DataFrame:
        """Per community, as :meth:`Communities.summary`, plus ``stability``."""
        frame = super().summary()
        frame["stability"] = self.community_stability
        return frame

    def coassignment_frame(self, minimum: float = 0.0) -> pd.DataFrame:
        """Linked node pairs that were ever together: ``u``, ``v``, ``share`` (> ``minimum``)."""
        coo = sp.coo_array(self.coassignment)
        keep = coo.data > minimum
        frame = pd.DataFrame(
            {
                "u": [self.nodes[i] for i in coo.row[keep].tolist()],
                "v": [self.nodes[j] for j in coo.col[keep].tolist()],
                "share": coo.data[keep],
            }
        )
        return frame.sort_values(["share", "u", "v"], ascending=[False, True, True]).reset_index(
            drop=True
        )

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(
            runs=len(self.run_seeds),
            run_seeds=list(self.run_seeds),
            threshold=self.threshold,
            rounds=self.rounds,
            converged=self.converged,
            node_stability=[[to_jsonable(v), s] for v, s in self.node_stability.items()],
        )
        return out


def _sort_key(col: pd.Series) -> pd.Series:
    if col.name == "node":
        order = {v: i for i, v in enumerate(canonical_nodes(col.tolist()))}
        return col.map(order)
    return col


# --------------------------------------------------------------------------- engines


def _available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _labels_from_sets(n: int, sets: Iterable[Iterable[int]]) -> np.ndarray:
    labels = np.full(n, -1, dtype=np.int64)
    for i, members in enumerate(sets):
        labels[list(members)] = i
    return labels


def _igraph_graph(ea: EdgeArrays) -> Any:
    import igraph as ig

    # igraph converts pairs one by one; tuples convert about 2.5x faster than lists
    return ig.Graph(
        n=ea.n, edges=list(zip(ea.src.tolist(), ea.dst.tolist(), strict=True)), directed=ea.directed
    )


@dataclass(frozen=True)
class _Csr:
    """The attributes ``networkit.GraphFromCsr`` reads (no scipy index downcast)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]


def _networkit_graph(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> Any:
    """An undirected weighted networkit graph, built in C++ from CSR arrays.

    ``GraphFromCsr`` stores each entry as one undirected edge, so the rows are
    the ``src`` ends and need no symmetrising; it is about 4x faster than
    ``GraphFromCoo``, which inserts edges one at a time.
    """
    import networkit as nk

    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    csr = _Csr(indptr, dst[order].astype(np.int64), weight[order].astype(np.float64), (n, n))
    if hasattr(nk, "GraphFromCsr"):
        return nk.GraphFromCsr(csr, directed=False, weighted=True)
    return nk.GraphFromCoo(  # networkit < 11.2
        (csr.data, (src[order].astype(np.uint64), csr.indices.astype(np.uint64))),
        n=n,
        weighted=True,
        directed=False,
    )


def _seeded_graph(ea: EdgeArrays, seed: int) -> tuple[Any, np.ndarray]:
    """The networkit graph with its nodes renumbered by a permutation drawn from ``seed``.

    networkit's sequential PLM and PLP visit nodes in index order and break
    ties by index, using no random numbers; renumbering the nodes is what
    makes the seed choose among equally good runs. Returns the graph and the
    permutation (node ``i`` is networkit node ``perm[i]``).
    """
    perm = np.random.default_rng(seed).permutation(ea.n)
    return _networkit_graph(ea.n, perm[ea.src], perm[ea.dst], ea.weight), perm


@contextmanager
def _networkit_sequential(seed: int) -> Iterator[Any]:
    """networkit on one thread, its generator seeded; the thread count restored after.

    With several threads networkit's PLM, ParallelLeiden and PLP move nodes
    concurrently, and the partition depends on thread timing: the same seed
    gave different partitions run to run. Graph building is threaded too (a
    graph built on two threads led PLM to other partitions than one built on
    one), so build the graph inside this block as well. On one thread the
    partition depends on the seed and the graph only.
    """
    import networkit as nk

    before = nk.getMaxNumberOfThreads()
    nk.setNumberOfThreads(1)
    nk.setSeed(seed, False)
    try:
        yield nk
    finally:
        nk.setNumberOfThreads(before)


def _networkit_labels(algo: Any, perm: np.ndarray | None = None) -> np.ndarray:
    algo.run()
    labels = np.asarray(algo.getPartition().getVector(), dtype=np.int64)
    return labels if perm is None else labels[perm]


def _louvain_networkx(resolution: float) -> _Runner:
    def run(ea: EdgeArrays, seed: int) -> np.ndarray:
        sets = nx.community.louvain_communities(
            ea.to_networkx(), weight="weight", resolution=resolution, seed=seed
        )
        return _labels_from_sets(ea.n, sets)

    return run


def _louvain_igraph(resolution: float) -> _Runner:
    def run(ea: EdgeArrays, seed: int) -> np.ndarray:
        g = _igraph_graph(ea)
        with igraph_seeded(seed):
            clustering = g.community_multilevel(weights=ea.weight.tolist(), resolution=resolution)
        return np.asarray(clustering.membership, dtype=np.int64)

    return run


def _louvain_networkit(resolution: float) -> _Runner:
    def run(ea: EdgeArrays, seed: int) -> np.ndarray:
        with _networkit_sequential(seed) as nk:
            g, perm = _seeded_graph(ea, seed)
            # PLM with refinement; "balanced" on one thread is a sequential sweep
            # in node order (with networkit's fast neighbour-community buffers).
            plm = nk.community.PLM(g, refine=True, gamma=resolution, par="balanced")
            return _networkit_labels(plm, perm)

    return run


def _leiden_networkit(resolution: float) -> _Runner:
    def run(ea: EdgeArrays, seed: int) -> np.ndarray:
        with _networkit_sequential(seed) as nk:
            g = _networkit_graph(ea.n, ea.src, ea.dst, ea.weight)
            # modularity (gamma = resolution), node order shuffled by the seeded generator;
            # 4 iterations (networkit's default is 3): on one thread that reaches the
            # modularity of networkit's parallel default run (bench/communities.py, 1M edges)
            algo = nk.community.ParallelLeiden(g, iterations=4, randomize=True, gamma=resolution)
            return _networkit_labels(algo)

    return run


def _leiden_leidenalg(resolution: float, objective: str) -> _Runner:
    def run(ea: EdgeArrays, seed: int) -> np.ndarray:
        import leidenalg as la

        kind = (
            la.RBConfigurationVertexPartition
            if objective == "modularity"
            else la.CPMVertexPartition
        )
        part = la.find_partition(
            _igraph_graph(ea),
            kind,
            weights=ea.weight.tolist(),
            resolution_parameter=resolution,
            n_iterations=-1,
            seed=seed % 2**31,
        )
        return np.asarray(part.membership, dtype=np.int64)

    return run


def _leiden_igraph(resolution: float, objective: str) -> _Runner:
    def run(ea: EdgeArrays, seed: int) -> np.ndarray:
        g = _igraph_graph(ea)
        with igraph_seeded(seed):
            clustering = g.community_leiden(
                objective_function="modularity" if objective == "modularity" else "CPM",
                weights=ea.weight.tolist(),
                resolution=resolution,
                n_iterations=-1,
            )
        return np.asarray(clustering.membership, dtype=np.int64)

    return run


def _lpa_networkx(ea: EdgeArrays, seed: int) -> np.ndarray:
    sets = nx.community.asyn_lpa_communities(ea.to_networkx(), weight="weight", seed=seed)
    return _labels_from_sets(ea.n, sets)


def _lpa_igraph(ea: EdgeArrays, seed: int) -> np.ndarray:
    g = _igraph_graph(ea)
    with igraph_seeded(seed):
        clustering = g.community_label_propagation(weights=ea.weight.tolist())
    return np.asarray(clustering.membership, dtype=np.int64)


def _lpa_networkit(ea: EdgeArrays, seed: int) -> np.ndarray:
    """networkit's PLP on one thread, nodes renumbered and ties broken by the seed.

    PLP breaks a tie between equally heavy labels by taking the smallest label,
    so one label floods tied neighbourhoods (it merged the two cliques of a
    barbell graph for 20 seeds in 100). Raghavan et al. break ties at random:
    a seeded relative jitter of at most 1e-9 on each edge weight does that
    (seen only by PLP; the result is measured on the true weights), which
    brought the merges down to 2 in 100, as igraph's and networkx's.
    """
    rng = np.random.default_rng(seed)
    perm = rng.permutation(ea.n)
    weight = ea.weight * (1.0 + 1e-9 * rng.random(ea.m))
    with _networkit_sequential(seed) as nk:
        g = _networkit_graph(ea.n, perm[ea.src], perm[ea.dst], weight)
        return _networkit_labels(nk.community.PLP(g), perm)


def _infomap_run(ea: EdgeArrays, seed: int) -> np.ndarray:
    """Infomap's two-level map equation (Rosvall & Bergstrom 2008), one trial, seeded.

    Directed graphs use the directed flow model (random walk along the calls,
    with teleportation); undirected ones the undirected model.
    """
    import infomap

    # one bulk call into Infomap's C++ core (from_edge_index adds the links one by one)
    net = infomap.Network()
    net.add_nodes(range(ea.n))
    if ea.m:
        net.add_links(np.column_stack([ea.src.astype(np.float64), ea.dst, ea.weight]))
    result = infomap.run(
        net,
        seed=seed % (2**31 - 1) + 1,  # Infomap's seeds start at 1
        num_trials=1,
        two_level=True,
        flow_model="directed" if ea.directed else "undirected",
    )
    labels = np.arange(ea.n, dtype=np.int64)
    modules = result.modules()
    if modules:
        index = np.fromiter(modules.keys(), dtype=np.int64, count=len(modules))
        labels[index] = ea.n + np.fromiter(modules.values(), dtype=np.int64, count=len(modules))
    return labels


_PACKAGES = {
    "networkx": (),
    "igraph": ("igraph",),
    "networkit": ("networkit",),
    "leidenalg": ("leidenalg", "igraph"),
    "infomap": ("infomap",),
}


def _pick(engine: str, engines: tuple[str, ...], directed: bool) -> str:
    """Resolve ``engine`` (``"auto"``: the first installed of ``engines``, networkx last).

    Every engine but networkx handles undirected graphs only.
    """
    if engine == "auto":
        if directed:
            return "networkx"
        return next(e for e in engines if e == "networkx" or _available(e))
    if engine not in engines:
        raise ValueError(f"engine must be 'auto' or one of {engines}, not {engine!r}")
    if directed and engine != "networkx":
        raise ValueError(
            f"engine {engine!r} handles undirected graphs only; use engine='networkx' "
            "or pass G.to_undirected()"
        )
    if engine != "networkx" and not _available(engine):
        raise ImportError(f"engine {engine!r} needs the {engine!r} package: pip install {engine}")
    return engine


def _louvain_runner(engine: str, directed: bool, resolution: float) -> tuple[_Runner, str]:
    if engine == "auto" and directed:
        engine = "networkx"  # directed modularity
    engine = _pick(engine, ("networkit", "igraph", "networkx"), directed)
    make = {
        "networkx": _louvain_networkx,
        "igraph": _louvain_igraph,
        "networkit": _louvain_networkit,
    }[engine]
    return make(resolution), engine


def _lpa_runner(engine: str, directed: bool) -> tuple[_Runner, str]:
    engine = _pick(engine, ("networkit", "igraph", "networkx"), directed)
    runners: dict[str, _Runner] = {
        "networkx": _lpa_networkx,
        "igraph": _lpa_igraph,
        "networkit": _lpa_networkit,
    }
    return runners[engine], engine


def _leiden_runner(
    engine: str, directed: bool, resolution: float, objective: str
) -> tuple[_Runner, str, str, tuple[str, ...]]:
    """Runner, engine, algorithm actually run, notes."""
    engines = ("networkit", "igraph", "leidenalg")
    if objective not in ("modularity", "cpm"):
        raise ValueError(f"objective must be 'modularity' or 'cpm', not {objective!r}")
    if engine == "auto":
        if _available("networkit") and not directed and objective == "modularity":
            engine = "networkit"
        elif _available("igraph") and not directed:
            engine = "igraph"
        elif _available("leidenalg") and _available("igraph"):
            engine = "leidenalg"
        elif objective == "modularity":
            note = (
                "Leiden requested but networkit/igraph/leidenalg are not installed"
                + (" (or the graph is directed)" if directed else "")
                + "; ran networkx Louvain instead (same objective, no connectivity guarantee)"
            )
            return _louvain_networkx(resolution), "networkx", "louvain", (note,)
        else:
            raise ImportError("Leiden with objective='cpm' needs leidenalg or igraph installed")
    if engine not in engines:
        raise ValueError(f"engine must be 'auto' or one of {engines}, not {engine!r}")
    for pkg in _PACKAGES[engine]:
        if not _available(pkg):
            raise ImportError(f"engine {engine!r} needs the {pkg!r} package: pip install {pkg}")
    if directed and engine in ("igraph", "networkit"):
        raise ValueError(
            f"engine {engine!r} handles undirected graphs only; use engine='leidenalg' "
            "or pass G.to_undirected()"
        )
    if engine == "networkit":
        if objective != "modularity":
            raise ValueError(
                "networkit's Leiden optimises modularity only; use engine='igraph' or "
                "'leidenalg' for objective='cpm'"
            )
        return _leiden_networkit(resolution), engine, "leiden", ()
    if engine == "leidenalg":
        return _leiden_leidenalg(resolution, objective), engine, "leiden", ()
    return _leiden_igraph(resolution, objective), engine, "leiden", ()


# --------------------------------------------------------------------------- core


def _check_weights(ea: EdgeArrays, what: str) -> None:
    if ea.m and ea.weight.min() < 0:
        i = int(np.argmin(ea.weight))
        raise ValueError(
            f"{what} needs non-negative weights; edge ({ea.nodes[ea.src[i]]!r}, "
            f"{ea.nodes[ea.dst[i]]!r}) weighs {ea.weight[i]}"
        )


def _check_resolution(resolution: float) -> float:
    try:
        value = float(resolution)
    except (TypeError, ValueError):
        raise ValueError(f"resolution must be a number, not {resolution!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"resolution must be finite and >= 0, not {resolution!r}")
    return value


def _modularity_arrays(ea: EdgeArrays, labels: np.ndarray, resolution: float = 1.0) -> float:
    total = float(ea.weight.sum())
    if total <= 0:
        return math.nan
    k = int(labels.max()) + 1 if labels.size else 0
    same = labels[ea.src] == labels[ea.dst]
    internal = float(ea.weight[same].sum())
    if ea.directed:
        out_c = np.bincount(labels[ea.src], weights=ea.weight, minlength=k)
        in_c = np.bincount(labels[ea.dst], weights=ea.weight, minlength=k)
        expected = float((out_c * in_c).sum()) / total**2
    else:
        vol = np.bincount(labels, weights=ea.degrees(), minlength=k)
        expected = float((vol**2).sum()) / (2 * total) ** 2
    return internal / total - resolution * expected


def _community_weights(
    ea: EdgeArrays, labels: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Internal weight, cut weight and volume (strength sum) per community."""
    ls, ld = labels[ea.src], labels[ea.dst]
    same = ls == ld
    internal = np.bincount(ls[same], weights=ea.weight[same], minlength=k)
    cut = np.bincount(ls[~same], weights=ea.weight[~same], minlength=k)
    cut += np.bincount(ld[~same], weights=ea.weight[~same], minlength=k)
    volume = np.bincount(labels, weights=ea.degrees(), minlength=k)
    return internal, cut, volume


#: A group is loose when its links inside carry fewer than this many times the calls per link
#: of its links out (:attr:`Communities.loose`). Chosen on the benchmark's nine synthetic
#: cases (``bench/results/gangs_loose.json``, ``by_ratio``): from ratio 1 to 1.25 the crowds
#: named rise from 175 to 306 of 489 and the gang groups from 43 to 53 of 4,590; at 1.5 and 2
#: the gang groups named reach 64 and 168 for 10 and 35 more crowds.
LOOSE_RATIO = 1.25

#: What a loose group (:attr:`Communities.loose`) is, as reports, maps and tables say it.
LOOSE_MEANING = (
    "a loose group, whose members call each other, per contact, less than "
    f"{LOOSE_RATIO:g} times as often as they call others: a crowd rather than a gang"
)


def _per_link(ea: EdgeArrays, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean weight per linked pair inside each community and leaving it (NaN: no link).

    Both directions of a pair are one link; self-loops are left out.
    """
    und = ea.undirected()
    keep = und.src != und.dst
    ls, ld, w = labels[und.src[keep]], labels[und.dst[keep]], und.weight[keep]
    same = ls == ld
    links_in = np.bincount(ls[same], minlength=k)
    links_out = np.bincount(ls[~same], minlength=k) + np.bincount(ld[~same], minlength=k)
    weight_in = np.bincount(ls[same], weights=w[same], minlength=k)
    weight_out = np.bincount(ls[~same], weights=w[~same], minlength=k)
    weight_out += np.bincount(ld[~same], weights=w[~same], minlength=k)
    with np.errstate(divide="ignore", invalid="ignore"):
        return weight_in / links_in, weight_out / links_out


def _loose(
    sizes: np.ndarray, per_link: np.ndarray, per_cut_link: np.ndarray, *, weighted: bool
) -> np.ndarray:
    """Indices of the loose groups (see :class:`Communities`).

    2 or more members linked to each other not at all, or, when the links' weights differ
    (``weighted``), less than :data:`LOOSE_RATIO` times as strongly per link as to the rest.
    """
    loose = np.isnan(per_link)
    if weighted:
        with np.errstate(invalid="ignore"):
            loose |= per_link < LOOSE_RATIO * per_cut_link  # False where either is NaN
    return np.flatnonzero((sizes >= 2) & loose)


def _weighted(ea: EdgeArrays) -> bool:
    """True when the links' weights are not all the same (self-loops left out)."""
    w = ea.weight[ea.src != ea.dst]
    return bool(w.size) and bool(w.min() != w.max())


def _conductances(cut: np.ndarray, volume: np.ndarray) -> np.ndarray:
    total = volume.sum()
    denom = np.minimum(volume, total - volume)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, cut / np.where(denom > 0, denom, 1.0), np.nan)
    out[(denom == 0) & (cut > 0)] = math.inf
    return out


#: smallest sub-group the merge check counts as a group of its own: three people, as in the
#: UN Convention against Transnational Organized Crime's "organized criminal group"
MERGE_MIN_SIZE = 3
#: splitting runs per community in the merge check; a majority must split it
MERGE_RUNS = 3
#: the merge warning's bar: a group inside a community has at least this many times more link
#: weight per pair of its members than per pair (member, rest of the community)
MERGE_DENSITY_RATIO = 2.0


def _random_graph_modularity(n: ArrayLike, mean_degree: ArrayLike) -> np.ndarray:
    """The modularity a random graph's best split reaches by chance alone.

    Guimera, Sales-Pardo & Amaral (2004, *Modularity from fluctuations in random
    graphs and complex networks*, Phys. Rev. E 70: 025101) found that the best
    partition of an Erdos-Renyi graph of ``n`` nodes and mean degree ``k``
    reaches ``Q = 0.97 (1 - 2 / sqrt(n)) (2 / k) ** (2/3)``: a split of a group
    into pieces is evidence of two groups only when its modularity exceeds that.

    Parameters
    ----------
    n : array_like
        Nodes of each graph (values below 2 count as 2).
    mean_degree : array_like
        Mean degree of each graph (links counted once, times 2, over ``n``).

    Returns
    -------
    numpy.ndarray
        The expected best modularity of each random graph.

    Examples
    --------
    >>> import numpy as np
    >>> _random_graph_modularity(np.array([50, 50]), np.array([8.0, 2.0])).round(3).tolist()
    [0.276, 0.696]
    """
    n = np.maximum(np.asarray(n, dtype=np.float64), 2.0)
    k = np.maximum(np.asarray(mean_degree, dtype=np.float64), 1e-9)
    return 0.97 * (1 - 2 / np.sqrt(n)) * (2 / k) ** (2 / 3)


def _possibly_merged(
    ea: EdgeArrays,
    labels: np.ndarray,
    k: int,
    run: _Runner,
    seed: int,
    *,
    criterion: str = "density",
    also: tuple[int, ...] = (),
) -> tuple[int, ...]:
    """Communities that hold two or more groups of their own (see ``Communities``).

    Each community of at least ``2 * MERGE_MIN_SIZE`` members is split by
    ``run`` on its own links, ``MERGE_RUNS`` times with seeds derived from
    ``seed``. A run splits it when at least two parts of ``MERGE_MIN_SIZE``
    members or more (leaving as many outside) are groups. A part is a group
    when, with ``criterion="density"`` (the merge warning), its link weight per
    pair of members is at least ``MERGE_DENSITY_RATIO`` times its link weight
    per pair (member, rest of the community); with ``criterion="weak"`` (the
    resolution profile of :func:`~netintel.algorithms.find_gangs`), when it has
    more link weight inside than to the rest of the community.

    With ``criterion="weak"``, a community is flagged when most runs split it.
    With ``criterion="density"``, when most runs split it, or it is one of
    ``also`` (the communities some candidate run of ``find_gangs`` split), and
    the split is more than chance: the median modularity of the runs' splits,
    within the community, exceeds :func:`_random_graph_modularity` of a random
    graph of its size and mean degree. Any split of a sparse random group
    finds dense-looking parts, so without that test nearly every community of a
    correct partition of an LFR graph was flagged.
    """
    if criterion not in ("density", "weak"):
        raise ValueError(f"criterion must be 'density' or 'weak', not {criterion!r}")
    und = ea.undirected()
    seeds = derived_seeds(seed, MERGE_RUNS)
    candidates = set(also)
    flagged = []
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(k + 1))
    # internal edges grouped by community, so each community's subgraph is a slice
    edge_label = labels[und.src]
    inside = np.flatnonzero(edge_label == labels[und.dst])
    inside = inside[np.argsort(edge_label[inside], kind="stable")]
    ebounds = np.searchsorted(edge_label[inside], np.arange(k + 1))
    for c in range(k):
        members = order[bounds[c] : bounds[c + 1]]
        edges = inside[ebounds[c] : ebounds[c + 1]]
        if members.size < 2 * MERGE_MIN_SIZE or edges.size < 2:
            continue
        sub = EdgeArrays(
            tuple(und.nodes[i] for i in members.tolist()),
            np.searchsorted(members, und.src[edges]),
            np.searchsorted(members, und.dst[edges]),
            und.weight[edges],
            False,
        )
        splits = 0
        quality = []
        for s in seeds:
            sub_labels = run(sub, s)
            parts = int(sub_labels.max()) + 1
            same = sub_labels[sub.src] == sub_labels[sub.dst]
            inner = np.bincount(
                sub_labels[sub.src[same]], weights=sub.weight[same], minlength=parts
            )
            volume = np.bincount(sub_labels[sub.src], weights=sub.weight, minlength=parts)
            volume += np.bincount(sub_labels[sub.dst], weights=sub.weight, minlength=parts)
            sizes = np.bincount(sub_labels, minlength=parts)
            outside = volume - 2 * inner
            if criterion == "weak":
                groups = (sizes >= MERGE_MIN_SIZE) & (inner > outside)
            else:
                rest = sub.n - sizes
                pairs_in = sizes * (sizes - 1) / 2
                # inner / pairs_in >= ratio * outside / (sizes * rest), without dividing
                groups = (
                    (sizes >= MERGE_MIN_SIZE)
                    & (rest >= MERGE_MIN_SIZE)
                    & (inner * sizes * rest >= MERGE_DENSITY_RATIO * outside * pairs_in)
                    & (inner > 0)
                )
            splits += int(groups.sum()) >= 2
            total = float(sub.weight.sum())
            quality.append(float((inner / total - (volume / (2 * total)) ** 2).sum()))
        if criterion == "weak":
            if 2 * splits > MERGE_RUNS:
                flagged.append(c)
            continue
        chance = _random_graph_modularity(members.size, 2 * edges.size / members.size)
        if (2 * splits > MERGE_RUNS or c in candidates) and float(np.median(quality)) > chance:
            flagged.append(c)
    return tuple(flagged)


def _split_by_runs(labels: np.ndarray, runs: list[np.ndarray]) -> tuple[int, ...]:
    """Communities that at least one of ``runs`` splits into two parts of MERGE_MIN_SIZE or more.

    ``labels`` are dense community indices; a part is the members of one
    community that one run puts together.
    """
    if not labels.size:
        return ()
    k = int(labels.max()) + 1
    split = np.zeros(k, dtype=bool)
    for run in runs:
        _, part = np.unique(labels * (int(run.max()) + 1) + run, return_inverse=True)
        sizes = np.bincount(part)
        owner = np.zeros(sizes.size, dtype=np.int64)
        owner[part] = labels
        big = np.bincount(owner[sizes >= MERGE_MIN_SIZE], minlength=k)
        split |= big >= 2
    return tuple(np.flatnonzero(split).tolist())


def _build(
    ea: EdgeArrays,
    labels: np.ndarray,
    *,
    sw: Stopwatch,
    algorithm: str,
    params: Mapping[str, Any],
    seed: int | None,
    engine: str,
    resolution: float = 1.0,
    notes: Iterable[str] = (),
    cls: type[Communities] = Communities,
    packages: tuple[str, ...] | None = None,
    also_merged: tuple[int, ...] = (),
    **extra: Any,
) -> Any:
    communities, dense = labels_to_communities(ea.nodes, labels)
    k = len(communities)
    internal, cut, volume = _community_weights(ea, dense, k)
    per_link, per_cut_link = _per_link(ea, dense, k)
    sizes = np.bincount(dense, minlength=k)
    total = float(ea.weight.sum())
    scale = math.sqrt(2 * total / resolution) if resolution > 0 else math.inf
    merged: tuple[int, ...] | Callable[[], tuple[int, ...]] = also_merged
    check_run = _check_runner()
    if ea.m:
        run_seed = seed or 0

        def merged() -> tuple[int, ...]:
            return _possibly_merged(ea, dense, k, check_run, run_seed, also=also_merged)

    notes = list(notes)
    if ea.m == 0:
        notes.append("the graph has no edges: every node is its own community")
    return cls(
        communities=communities,
        membership=dict(zip(ea.nodes, dense.tolist(), strict=True)),
        modularity=_modularity_arrays(ea, dense),
        internal_weight=tuple(internal.tolist()),
        cut_weight=tuple(cut.tolist()),
        conductance=tuple(_conductances(cut, volume).tolist()),
        weight_per_link=tuple(per_link.tolist()),
        weight_per_cut_link=tuple(per_cut_link.tolist()),
        loose=tuple(_loose(sizes, per_link, per_cut_link, weighted=_weighted(ea)).tolist()),
        resolution_scale=scale,
        _merged=merged,
        provenance=sw.provenance(
            algorithm,
            params,
            seed=seed,
            engine=engine,
            input_hash=graph_hash(ea),
            packages=_PACKAGES.get(engine, ()) if packages is None else packages,
            notes=notes,
        ),
        **extra,
    )


def _run_once(ea: EdgeArrays, run: _Runner, seed: int) -> np.ndarray:
    if ea.m == 0 or float(ea.weight.sum()) == 0:
        return np.arange(ea.n, dtype=np.int64)
    return run(ea, seed)


# --------------------------------------------------------------------------- detectors


def _runner_for(
    algorithm: str, engine: str, directed: bool, resolution: float, objective: str
) -> tuple[_Runner, str, str, tuple[str, ...]]:
    """Runner, engine used, algorithm actually run, notes."""
    if algorithm == "louvain":
        run, used = _louvain_runner(engine, directed, resolution)
        return run, used, "louvain", ()
    if algorithm == "leiden":
        return _leiden_runner(engine, directed, resolution, objective)
    if algorithm == "label_propagation":
        run, used = _lpa_runner(engine, directed)
        return run, used, "label_propagation", ()
    if algorithm == "infomap":
        if engine not in ("auto", "infomap"):
            raise ValueError(f"engine must be 'auto' or 'infomap' for Infomap, not {engine!r}")
        if not _available("infomap"):
            raise ImportError("Infomap needs the 'infomap' package: pip install infomap")
        return _infomap_run, "infomap", "infomap", ()
    raise ValueError(
        "algorithm must be 'louvain', 'leiden', 'label_propagation' or 'infomap', "
        f"not {algorithm!r}"
    )


def _check_runner() -> _Runner:
    """What splits a community when looking for merged groups: Louvain on its own links.

    At resolution 1 of the community's own links (not of the whole graph, so
    the check does not inherit the scale of the method it checks): networkit's
    or igraph's when installed (their per-call overhead is tiny), else
    networkx's. Label propagation, used before, keeps a small dense group
    attached to a larger one in the same label, and so missed such merges.
    """
    return _louvain_runner("auto", False, 1.0)[0]


def _detect(
    G: GraphLike,
    algorithm: str,
    *,
    weight: str | None,
    resolution: float,
    seed: int | None,
    engine: str,
    objective: str = "modularity",
    params: Mapping[str, Any],
) -> Communities:
    ea = edge_arrays(G, weight)
    _check_weights(ea, algorithm)
    resolution = _check_resolution(resolution)
    sw = Stopwatch()
    seed = draw_seed(seed)
    run, used, ran, notes = _runner_for(algorithm, engine, ea.directed, resolution, objective)
    labels = _run_once(ea, run, seed)
    gamma = resolution if ran != "label_propagation" else 1.0
    result: Communities = _build(
        ea,
        labels,
        sw=sw,
        algorithm=ran,
        params=params,
        seed=seed,
        engine=used,
        resolution=gamma,
        notes=notes,
    )
    return result


def louvain(
    G: GraphLike,
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
    seed: int | None = None,
    engine: str = "auto",
) -> Communities:
    """Louvain modularity maximisation (Blondel et al. 2008).

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        Directed graphs use directed modularity and need ``engine="networkx"``
        (what ``"auto"`` picks for them). Multigraph edges are summed.
    weight : str or None
        Edge weight attribute (non-negative); None for unweighted.
    resolution : float
        Modularity resolution; above 1 favours smaller communities.
    seed : int or None
        Same seed, same graph, same engine: same partition.
    engine : {"auto", "networkit", "igraph", "networkx"}
        ``"auto"`` takes the first one installed, in that order (networkx for
        directed graphs). networkit runs PLM with refinement on one thread,
        sweeping the nodes in an order drawn from the seed. Engines differ in
        their random choices, so the same seed gives comparable, not
        identical, partitions across engines.

    Returns
    -------
    Communities

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.karate_club_graph()
    >>> a = louvain(G, seed=42, engine="networkx")
    >>> b = louvain(G, seed=42, engine="networkx")
    >>> a.communities == b.communities, len(a), round(a.modularity, 3)
    (True, 4, 0.427)
    """
    return _detect(
        G,
        "louvain",
        weight=weight,
        resolution=resolution,
        seed=seed,
        engine=engine,
        params={"weight": weight, "resolution": resolution, "engine": engine},
    )


def leiden(
    G: GraphLike,
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
    seed: int | None = None,
    objective: Literal["modularity", "cpm"] = "modularity",
    engine: str = "auto",
) -> Communities:
    """Leiden (Traag, Waltman & van Eck 2019): well-connected communities.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
    weight : str or None
        Edge weight attribute (non-negative); None for unweighted.
    resolution : float
        Resolution of the objective. For ``"cpm"`` it is a density threshold
        (communities are denser than it inside) and there is no resolution
        limit, so no ``possibly_merged`` check is made.
    seed : int or None
    objective : {"modularity", "cpm"}
    engine : {"auto", "networkit", "igraph", "leidenalg"}
        ``"auto"`` takes, for undirected graphs, networkit's ParallelLeiden for
        the modularity objective (one thread, node order shuffled by the
        seed, 4 iterations, one more than networkit's default: the fastest,
        see ``bench/communities.py`` for its modularity against the others), else
        igraph's ``community_leiden``; leidenalg for directed graphs (the
        others cannot). igraph and leidenalg iterate until the partition is
        stable. With none installed it falls back to networkx Louvain for the
        modularity objective, and the result says so (``algorithm ==
        "louvain"`` and a note in its provenance).

    Returns
    -------
    Communities

    Examples
    --------
    >>> import networkx as nx
    >>> res = leiden(nx.barbell_graph(5, 0), seed=3)
    >>> [sorted(c) for c in res.communities], res.algorithm
    ([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], 'leiden')
    """
    return _detect(
        G,
        "leiden",
        weight=weight,
        resolution=resolution,
        seed=seed,
        engine=engine,
        objective=objective,
        params={
            "weight": weight,
            "resolution": resolution,
            "objective": objective,
            "engine": engine,
        },
    )


def label_propagation(
    G: GraphLike,
    *,
    weight: str | None = "weight",
    seed: int | None = None,
    engine: str = "auto",
) -> Communities:
    """Label propagation (Raghavan et al. 2007): each node takes its neighbours' heaviest label.

    Fast and objective-free; results vary more between seeds than Louvain's,
    so prefer :func:`consensus` with ``algorithm="label_propagation"`` for
    anything reported.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
    weight : str or None
        Edge weight attribute (non-negative); None for unweighted.
    seed : int or None
        Same seed, same graph, same engine: same partition.
    engine : {"auto", "networkit", "igraph", "networkx"}
        ``"auto"`` takes the first one installed, in that order (networkx for
        directed graphs). networkit runs PLP on one thread, visiting nodes in
        an order drawn from the seed; igraph and networkx run their seeded
        asynchronous versions. Each sweeps until no label changes (networkit
        stops when fewer than ``n / 100000`` nodes changed in a sweep).

    Examples
    --------
    >>> import networkx as nx
    >>> res = label_propagation(nx.barbell_graph(5, 0), seed=0)
    >>> [sorted(c) for c in res.communities]
    [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    """
    return _detect(
        G,
        "label_propagation",
        weight=weight,
        resolution=1.0,
        seed=seed,
        engine=engine,
        params={"weight": weight, "engine": engine},
    )


def infomap(
    G: GraphLike,
    *,
    weight: str | None = "weight",
    seed: int | None = None,
) -> Communities:
    """Infomap (Rosvall & Bergstrom 2008): the partition that best compresses a random walk.

    The two-level map equation, one trial: the description length of a walk
    along the links (directed flow, with teleportation, on a directed graph;
    undirected flow otherwise). It has no resolution parameter and finds
    small groups in large graphs. Needs the ``infomap`` package.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
    weight : str or None
        Edge weight attribute (non-negative); None for unweighted.
    seed : int or None
        Same seed, same graph: same partition.

    Examples
    --------
    >>> import networkx as nx
    >>> res = infomap(nx.ring_of_cliques(4, 5), seed=0)
    >>> sorted(len(c) for c in res.communities), res.engine
    ([5, 5, 5, 5], 'infomap')
    """
    return _detect(
        G,
        "infomap",
        weight=weight,
        resolution=1.0,
        seed=seed,
        engine="auto",
        params={"weight": weight},
    )


def _links(ea: EdgeArrays) -> tuple[np.ndarray, np.ndarray]:
    """The graph's links as undirected pairs ``i < j`` (no self-loops, no duplicates)."""
    lo, hi = np.minimum(ea.src, ea.dst), np.maximum(ea.src, ea.dst)
    keep = lo != hi
    if not ea.directed:
        return lo[keep], hi[keep]
    key = np.unique(lo[keep] * max(ea.n, 1) + hi[keep])
    return key // max(ea.n, 1), key % max(ea.n, 1)


def _link_shares(src: np.ndarray, dst: np.ndarray, runs: list[np.ndarray]) -> np.ndarray:
    """Per link, the share of ``runs`` (label arrays) that put its two ends together."""
    together = np.zeros(src.size, dtype=np.float64)
    for labels in runs:
        together += labels[src] == labels[dst]
    return together / max(len(runs), 1)


def _coassignment(n: int, src: np.ndarray, dst: np.ndarray, share: np.ndarray) -> sp.csr_array:
    """Upper triangle (i < j) of the co-assignment matrix, on the links only."""
    keep = share > 0
    upper = sp.csr_array((share[keep], (src[keep], dst[keep])), shape=(n, n))
    upper.sum_duplicates()
    upper.sort_indices()
    return upper


@dataclass(frozen=True)
class _Agreement:
    """What :func:`_link_consensus` found."""

    labels: np.ndarray
    first_share: np.ndarray
    rounds: int
    converged: bool


def _link_consensus(
    ea: EdgeArrays,
    first: list[np.ndarray],
    recluster: _Runner,
    seeds: list[int],
    *,
    runs: int,
    threshold: float,
    max_rounds: int,
) -> _Agreement:
    """Lancichinetti & Fortunato's (2012) consensus, with co-assignment on the links only.

    The share of runs that put the two ends of a link together is computed for
    the graph's own links, not for every pair inside every community, so one
    round costs O(links x runs). Links whose share is below ``threshold`` are
    dropped; when every link left has share 1, its connected components are
    the consensus, otherwise the graph of the links left, weighted by their
    share, is clustered ``runs`` times again with ``recluster`` (seeds
    ``seeds[runs:]``), for at most ``max_rounds`` rounds.
    """
    src, dst = _links(ea)
    share = _link_shares(src, dst, first)
    first_share = share
    rounds = 1
    while True:
        keep = share >= threshold
        if not keep.any() or bool(np.all(share[keep] >= 1.0 - 1e-9)):
            graph = sp.csr_array(
                (np.ones(int(keep.sum())), (src[keep], dst[keep])), shape=(ea.n, ea.n)
            )
            labels = connected_components(graph, directed=False)[1]
            return _Agreement(labels, first_share, rounds, True)
        kept = EdgeArrays(ea.nodes, src[keep], dst[keep], share[keep], False)
        if rounds >= max_rounds:
            return _Agreement(_run_once(kept, recluster, seeds[0]), first_share, rounds, False)
        batch = seeds[rounds * runs : (rounds + 1) * runs]
        share = _link_shares(src, dst, [_run_once(kept, recluster, s) for s in batch])
        rounds += 1


def _stability(consensus_labels: np.ndarray, runs: list[np.ndarray]) -> np.ndarray:
    """Per node, the share of ``runs`` that agree with its consensus community.

    A run agrees with node ``v`` of consensus community C when ``v`` sits in
    the run community R that holds most of C, and C holds most of R: a run
    that splits C (``v`` outside R) or merges C with another group (R mostly
    other people) does not count.
    """
    n = consensus_labels.size
    kc = int(consensus_labels.max()) + 1
    stable = np.zeros(n)
    for labels in runs:
        kr = int(labels.max()) + 1
        table = sp.csr_array(
            (np.ones(n), (consensus_labels, labels)), shape=(kc, kr), dtype=np.float64
        )
        best = np.asarray(table.argmax(axis=1)).ravel()
        overlap = np.asarray(table[np.arange(kc), best]).ravel()
        run_size = np.bincount(labels, minlength=kr)
        holds = 2 * overlap > run_size[best]
        stable += (labels == best[consensus_labels]) & holds[consensus_labels]
    return stable / len(runs)


def _agreement_runner(
    algorithm: str, ran: str, used: str, resolution: float, objective: str
) -> _Runner:
    """What clusters the co-assignment graph in the consensus rounds after the first.

    The same engine, at modularity's own scale: the user's resolution was for G; at
    resolution > 1 on the nearly block-diagonal co-assignment graph, agreed groups would
    break into singletons. Label propagation is too noisy on the sparse graph of agreed
    links (each round cut more links until the graph fell apart: 14 groups on les
    Miserables where every run finds 5-7), so its later rounds use Louvain, as
    find_gangs' do.
    """
    d_resolution = resolution if objective == "cpm" else 1.0
    if ran == "label_propagation":
        return _louvain_runner("auto", False, 1.0)[0]
    if ran == algorithm:
        return _runner_for(algorithm, used, False, d_resolution, objective)[0]
    # Leiden fell back to networkx Louvain
    return _runner_for("louvain", "networkx", False, d_resolution, objective)[0]


def _stabilities(
    dense: np.ndarray, first: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each node's stability over the runs ``first``, each community's (the mean of its
    members'), and the community sizes."""
    stability = _stability(dense, first)
    k = int(dense.max()) + 1 if dense.size else 0
    sizes = np.bincount(dense, minlength=k)
    community = np.bincount(dense, weights=stability, minlength=k) / np.maximum(sizes, 1)
    return stability, community, sizes


def consensus(
    G: GraphLike,
    *,
    algorithm: Literal["louvain", "leiden", "label_propagation"] = "louvain",
    runs: int = 20,
    seed: int | None = 0,
    threshold: float = 0.5,
    max_rounds: int = 10,
    weight: str | None = "weight",
    resolution: float = 1.0,
    objective: Literal["modularity", "cpm"] = "modularity",
    engine: str = "auto",
) -> Consensus:
    """Consensus clustering over ``runs`` seeded runs (Lancichinetti & Fortunato 2012).

    1. Run ``algorithm`` ``runs`` times with seeds derived from ``seed``.
    2. Co-assignment D on the graph's links: for each link, the share of runs
       that put its two ends together. Lancichinetti & Fortunato's D covers
       every pair; restricted to the links, as in the fast consensus of Tandon
       et al. (2019), a round costs O(links x runs), not the square of the
       community sizes. Label propagation's later rounds run Louvain (label
       propagation on the sparse graph of agreed links kept cutting it apart).
    3. Drop links whose share is below ``threshold``; if every link left has
       share 1 (every run agrees), the connected components of those links are
       the consensus. Otherwise cluster the graph of the links left, weighted by
       D, ``runs`` times again and repeat (``max_rounds``).

    Node stability is the share of first-round runs in which the node sat in
    the run community holding most of its consensus community, when most of
    that run community belongs to it (a run that merged it with another group
    does not count); a community's stability is the mean over its nodes. Linked
    pairs co-assigned in some runs only are in :meth:`Consensus.coassignment_frame`.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
    algorithm : {"louvain", "leiden", "label_propagation"}
    runs : int
        Runs per round (>= 2).
    seed : int or None
        Seeds the seed sequence; ``run_seeds`` in the result lists the first
        round's seeds.
    threshold : float
        In (0, 1].
    max_rounds : int
    weight, resolution, objective, engine
        Passed to the algorithm (``objective`` for Leiden only).

    Returns
    -------
    Consensus

    Examples
    --------
    >>> import networkx as nx
    >>> res = consensus(nx.barbell_graph(5, 0), runs=5, seed=1, engine="networkx")
    >>> [sorted(c) for c in res.communities], res.converged, min(res.node_stability.values())
    ([[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]], True, 1.0)
    """
    if not is_int(runs) or runs < 2:
        raise ValueError(f"runs must be an integer >= 2, not {runs!r}")
    if not is_int(max_rounds) or max_rounds < 1:
        raise ValueError(f"max_rounds must be an integer >= 1, not {max_rounds!r}")
    if not 0 < float(threshold) <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    ea = edge_arrays(G, weight)
    _check_weights(ea, "consensus")
    resolution = _check_resolution(resolution)
    sw = Stopwatch()
    seed = draw_seed(seed)
    run, used, ran, notes = _runner_for(algorithm, engine, ea.directed, resolution, objective)
    run_d = _agreement_runner(algorithm, ran, used, resolution, objective)
    seeds = derived_seeds(seed, runs * max_rounds)
    first = [_run_once(ea, run, s) for s in seeds[:runs]]
    agreed = _link_consensus(
        ea, first, run_d, seeds, runs=runs, threshold=threshold, max_rounds=max_rounds
    )
    final, rounds, converged = agreed.labels, agreed.rounds, agreed.converged
    src, dst = _links(ea)
    coassign = _coassignment(ea.n, src, dst, agreed.first_share)
    _, dense = labels_to_communities(ea.nodes, final)
    gamma = resolution if ran != "label_propagation" else 1.0
    stability, community_stability, _ = _stabilities(dense, first)
    all_notes = list(notes)
    if not converged:
        all_notes.append(
            f"the co-assignment matrix did not become block-diagonal in {max_rounds} rounds; "
            "the consensus is one clustering of the last co-assignment graph"
        )
    result: Consensus = _build(
        ea,
        dense,
        sw=sw,
        algorithm=f"consensus/{ran}",
        params={
            "algorithm": algorithm,
            "runs": runs,
            "threshold": threshold,
            "max_rounds": max_rounds,
            "weight": weight,
            "resolution": resolution,
            "objective": objective if algorithm == "leiden" else None,
            "engine": engine,
        },
        seed=seed,
        engine=used,
        resolution=gamma,
        notes=all_notes,
        cls=Consensus,
        node_stability=dict(zip(ea.nodes, stability.tolist(), strict=True)),
        community_stability=tuple(community_stability.tolist()),
        run_seeds=tuple(seeds[:runs]),
        threshold=float(threshold),
        rounds=rounds,
        converged=converged,
        coassignment=coassign,
        nodes=ea.nodes,
    )
    return result


# --------------------------------------------------------------------------- quality


def _membership(partition: PartitionLike) -> dict[Hashable, Hashable]:
    """Node -> label from a Communities, a mapping, or an iterable of node sets."""
    if isinstance(partition, Communities):
        return dict(partition.membership)
    if isinstance(partition, Mapping):
        return dict(partition)
    if isinstance(partition, str | bytes) or not isinstance(partition, Iterable):
        raise ValueError(
            "a partition is a Communities, a mapping node -> label, or an iterable of "
            f"node sets, not {type(partition).__name__}"
        )
    out: dict[Hashable, Hashable] = {}
    for i, group in enumerate(partition):
        if isinstance(group, str | bytes) or not isinstance(group, Iterable):
            raise ValueError(f"community {i} is not a collection of nodes: {group!r}")
        for v in group:
            if v in out:
                raise ValueError(f"node {v!r} is in communities {out[v]} and {i}")
            out[v] = i
    return out


def _labels_on(ea: EdgeArrays, partition: PartitionLike) -> tuple[np.ndarray, list[Hashable]]:
    member = _membership(partition)
    missing = [v for v in ea.nodes if v not in member]
    if missing:
        raise ValueError(
            f"{len(missing)} node(s) of the graph are in no community, e.g. {missing[0]!r}"
        )
    if len(member) != ea.n:
        index = ea.index
        extra = next(v for v in member if v not in index)
        raise ValueError(f"node {extra!r} of the partition is not in the graph")
    keys: dict[Hashable, int] = {}
    names: list[Hashable] = []
    labels = np.empty(ea.n, dtype=np.int64)
    for i, v in enumerate(ea.nodes):
        lab = member[v]
        if lab not in keys:
            keys[lab] = len(names)
            names.append(lab)
        labels[i] = keys[lab]
    return labels, names


def modularity(
    G: GraphLike,
    partition: PartitionLike,
    *,
    weight: str | None = "weight",
    resolution: float = 1.0,
) -> float:
    """Newman modularity of ``partition`` on ``G`` (directed modularity for digraphs).

    Matches :func:`networkx.community.modularity`; NaN when ``G`` has no edge weight.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        The graph (multigraph edges are summed).
    partition : Communities, mapping of node to label, or iterable of node sets
        A community for every node of ``G`` and no other node.
    weight : str or None, default "weight"
        Edge weight attribute; None for unweighted.
    resolution : float, default 1.0
        Modularity resolution (finite, >= 0); above 1 favours smaller communities.

    Returns
    -------
    float
        The modularity; NaN when the total edge weight is 0.

    Raises
    ------
    ValueError
        When a node of ``G`` is in no community or the partition names a node not in ``G``,
        or ``resolution`` is not a finite number >= 0.

    Examples
    --------
    >>> import networkx as nx
    >>> round(modularity(nx.barbell_graph(5, 0), [range(5), range(5, 10)]), 4)
    0.4524
    """
    ea = edge_arrays(G, weight)
    labels, _ = _labels_on(ea, partition)
    return _modularity_arrays(ea, labels, _check_resolution(resolution))


def coverage(G: GraphLike, partition: PartitionLike, *, weight: str | None = "weight") -> float:
    """Share of the edge weight that falls inside communities.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        The graph (multigraph edges are summed).
    partition : Communities, mapping of node to label, or iterable of node sets
        A community for every node of ``G`` and no other node.
    weight : str or None, default "weight"
        Edge weight attribute; None for unweighted.

    Returns
    -------
    float
        Weight of the edges within a community over the total weight; NaN when the
        total is 0.

    Raises
    ------
    ValueError
        When a node of ``G`` is in no community or the partition names a node not in ``G``.

    Examples
    --------
    >>> import networkx as nx
    >>> round(coverage(nx.barbell_graph(5, 0), [range(5), range(5, 10)]), 4)
    0.9524
    """
    ea = edge_arrays(G, weight)
    labels, _ = _labels_on(ea, partition)
    total = float(ea.weight.sum())
    if total == 0:
        return math.nan
    return float(ea.weight[labels[ea.src] == labels[ea.dst]].sum()) / total


def conductance(
    G: GraphLike, partition: PartitionLike, *, weight: str | None = "weight"
) -> dict[Hashable, float]:
    """Conductance of each community: weight leaving it / min(its volume, the rest's).

    Keys are the partition's labels (community indices for a Communities or a
    list of sets). Lower is better separated. Directed graphs are treated as
    undirected. NaN where both cut and volume are 0.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        The graph (multigraph edges are summed).
    partition : Communities, mapping of node to label, or iterable of node sets
        A community for every node of ``G`` and no other node.
    weight : str or None, default "weight"
        Edge weight attribute; None for unweighted.

    Returns
    -------
    dict
        Community label -> conductance.

    Raises
    ------
    ValueError
        When a node of ``G`` is in no community or the partition names a node not in ``G``.

    Examples
    --------
    >>> import networkx as nx
    >>> conductance(nx.barbell_graph(5, 0), [range(5), range(5, 10)])
    {0: 0.047619047619047616, 1: 0.047619047619047616}
    """
    ea = edge_arrays(G, weight)
    labels, names = _labels_on(ea, partition)
    _, cut, volume = _community_weights(ea, labels, len(names))
    return dict(zip(names, _conductances(cut, volume).tolist(), strict=True))


def _contingency(a: PartitionLike, b: PartitionLike) -> _Table:
    ma, mb = _membership(a), _membership(b)
    if ma.keys() != mb.keys():
        only_a = next((v for v in ma if v not in mb), None)
        only_b = next((v for v in mb if v not in ma), None)
        raise ValueError(
            "the two partitions cover different nodes"
            + (f"; {only_a!r} is only in the first" if only_a is not None else "")
            + (f"; {only_b!r} is only in the second" if only_b is not None else "")
        )
    if not ma:
        raise ValueError("the partitions are empty")
    nodes = list(ma)
    _, la = np.unique(np.array([repr(ma[v]) for v in nodes]), return_inverse=True)
    _, lb = np.unique(np.array([repr(mb[v]) for v in nodes]), return_inverse=True)
    return _contingency_labels(la, lb)


@dataclass(frozen=True)
class _Table:
    """A contingency table kept sparse: the non-zero cells and the margins."""

    cells: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    cell_row: np.ndarray
    cell_col: np.ndarray


def _contingency_labels(la: np.ndarray, lb: np.ndarray) -> _Table:
    """The contingency of two label arrays (dense ints from 0), linear in the nodes.

    Two partitions with thousands of communities each would need a dense table of
    millions of mostly empty cells; only the non-zero ones are kept.
    """
    kb = int(lb.max()) + 1
    pairs, counts = np.unique(la.astype(np.int64) * kb + lb, return_counts=True)
    return _Table(
        cells=counts.astype(np.float64),
        rows=np.bincount(la).astype(np.float64),
        cols=np.bincount(lb).astype(np.float64),
        cell_row=pairs // kb,
        cell_col=pairs % kb,
    )


def nmi(
    a: PartitionLike,
    b: PartitionLike,
    *,
    average: Literal["arithmetic", "geometric", "max", "min"] = "arithmetic",
) -> float:
    """Normalised mutual information between two partitions of the same nodes.

    ``average="arithmetic"`` is Danon et al.'s ``2 I / (H(a) + H(b))``. Two
    single-community partitions give 1.0.

    Parameters
    ----------
    a, b : Communities, mapping of node to label, or iterable of node sets
        The two partitions; they must cover the same nodes.
    average : {"arithmetic", "geometric", "max", "min"}, default "arithmetic"
        How the two entropies are combined into the normaliser.

    Returns
    -------
    float
        The NMI, between 0 and 1.

    Raises
    ------
    ValueError
        When the partitions cover different nodes or are empty, or
        ``average`` is not one of the four names.

    Examples
    --------
    >>> nmi([{1, 2}, {3, 4}], {1: "x", 2: "x", 3: "y", 4: "y"})
    1.0
    >>> nmi([{1, 2}, {3, 4}], [{1, 3}, {2, 4}])
    0.0
    """
    table = _contingency(a, b)
    n = table.cells.sum()
    pa, pb = table.rows / n, table.cols / n
    pa, pb = pa[pa > 0], pb[pb > 0]
    ha = float(-(pa * np.log(pa)).sum())
    hb = float(-(pb * np.log(pb)).sum())
    pij = table.cells / n
    expected = (table.rows[table.cell_row] / n) * (table.cols[table.cell_col] / n)
    mi = float((pij * np.log(pij / expected)).sum())
    if average == "arithmetic":
        norm = (ha + hb) / 2
    elif average == "geometric":
        norm = math.sqrt(ha * hb)
    elif average == "max":
        norm = max(ha, hb)
    elif average == "min":
        norm = min(ha, hb)
    else:
        raise ValueError(f"average must be arithmetic, geometric, max or min, not {average!r}")
    if ha == 0 and hb == 0:
        return 1.0
    if norm <= 0:
        return 0.0
    return float(min(1.0, max(0.0, mi / norm)))


def ari(a: PartitionLike, b: PartitionLike) -> float:
    """Adjusted Rand index (Hubert & Arabie 1985) between two partitions of the same nodes.

    1.0 for identical partitions, about 0 for independent ones, can be negative.

    Parameters
    ----------
    a, b : Communities, mapping of node to label, or iterable of node sets
        The two partitions; they must cover the same nodes.

    Returns
    -------
    float
        The adjusted Rand index.

    Raises
    ------
    ValueError
        When the partitions cover different nodes or are empty.

    Examples
    --------
    >>> ari([{1, 2}, {3, 4}], [{3, 4}, {1, 2}])
    1.0
    >>> round(ari([{1, 2, 3}, {4, 5, 6}], [{1, 2}, {3, 4}, {5, 6}]), 4)
    0.2424
    """
    return _ari_table(_contingency(a, b))


def _ari_table(table: _Table) -> float:
    n = float(table.cells.sum())

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table.cells)
    sa, sb = pairs(table.rows), pairs(table.cols)
    total = n * (n - 1) / 2
    expected = sa * sb / total if total else 0.0
    top = (sa + sb) / 2
    if top == expected:
        return 1.0
    return float((index - expected) / (top - expected))

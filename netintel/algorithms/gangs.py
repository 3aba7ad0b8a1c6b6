"""Gangs: small groups in large call networks, found at a scale the data chooses.

:func:`find_gangs` is the one documented way to answer "which gangs are there, and who is in
each?". Modularity at resolution 1 merges groups smaller than about ``sqrt(2 W)`` (the
resolution limit, Fortunato & Barthelemy 2007), and real gangs are exactly such groups: 5 to
50 people among thousands. So ``find_gangs`` is not told a scale. It runs three families of
methods, each several times with derived seeds:

* weighted label propagation (Raghavan et al. 2007), where each person takes the label that
  weighs most among their contacts: no objective, no resolution;
* Infomap (Rosvall & Bergstrom 2008), the partition that compresses a random walk along the
  calls best (the map equation: description length), on the directed calls when the graph is
  directed: no resolution either;
* Louvain at the resolution a profile chooses: doubling from 1 until the merge check finds
  no community holding two groups, or the communities are too small to hold two;

and keeps what they agree on: the consensus of all those runs on the graph's own links
(Lancichinetti & Fortunato 2012), re-clustered with Louvain until the runs agree. The
profile's finer levels then open what the agreement merged: a gang holding two groups that a
finer level parts (when that split is more than chance), and a *tight cell*, a small gang
whose members all call each other, far more often than they call the ally it was merged
with. A person's stability is the share of runs, over all families, that kept them with
their gang without merging it with another: a group that one family splits is not reported
as stable.
``docs/gangs.md`` explains the choice, with the benchmark that backs it (``bench/gangs.py``).

The result, :class:`Gangs`, is a :class:`~netintel.algorithms.Consensus` (so every
caller of a consensus can take it) with the runs that were scanned (:attr:`Gangs.scan`)
and a two-level hierarchy: alliances of gangs that call each other most (Louvain on
the graph of gangs), each opening into its gangs (:attr:`Gangs.levels`,
:attr:`Gangs.parent_of`).

Examples
--------
A ring of 30 five-person cliques, each joined to the next by one call: modularity at
resolution 1 provably merges neighbouring cliques, ``find_gangs`` does not.

>>> import networkx as nx
>>> from netintel.algorithms import find_gangs, louvain
>>> G = nx.ring_of_cliques(30, 5)
>>> len(louvain(G, seed=0)), len(find_gangs(G, seed=0))
(18, 30)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from netintel.algorithms._checks import is_int
from netintel.algorithms.communities import (
    MERGE_MIN_SIZE,
    Consensus,
    GraphLike,
    _ari_table,
    _available,
    _build,
    _check_weights,
    _coassignment,
    _contingency_labels,
    _infomap_run,
    _link_consensus,
    _links,
    _louvain_runner,
    _lpa_runner,
    _membership,
    _modularity_arrays,
    _possibly_merged,
    _random_graph_modularity,
    _run_once,
    _split_by_runs,
    _stabilities,
    ari,
)
from netintel.algorithms.results import (
    EdgeArrays,
    Stopwatch,
    derived_seeds,
    draw_seed,
    edge_arrays,
    labels_to_communities,
    table_dict,
    to_jsonable,
)

__all__ = ["PANEL", "Gangs", "find_gangs", "gang_panel", "gang_scores"]

#: the candidate families, in the order they run
METHODS = ("label_propagation", "infomap", "louvain")

#: modularity resolutions tried, in order, for the Louvain family (see :func:`find_gangs`)
RESOLUTIONS = tuple(float(2**i) for i in range(11))  # 1, 2, 4, ... 1024


@dataclass(frozen=True, eq=False)
class Gangs(Consensus):
    """Gangs found by :func:`find_gangs`: a consensus with its scan and hierarchy.

    Besides the :class:`~netintel.algorithms.Consensus` attributes
    (``communities`` are the gangs, ``node_stability`` / ``community_stability``
    are measured over every candidate run of both families):

    Attributes
    ----------
    scan : tuple of dict
        One entry per candidate run: ``method``, ``resolution`` (Louvain's;
        None for the others), ``seed``, ``communities`` (how many it found),
        ``modularity`` and ``agreement`` (adjusted Rand index with the chosen
        gangs). What was scanned, and how far each run is from what was kept.
    profile : tuple of dict
        The modularity resolution profile: per resolution tried,
        ``resolution``, ``communities`` and ``possibly_merged`` (how many of
        Louvain's communities the merge check flags there; None where they
        average fewer than 6 people and the profile stops unchecked).
    chosen_resolution : float or None
        The resolution the profile chose for the Louvain family: the first at
        which no community is flagged (the last tried when every one is).
    levels : tuple of list of frozenset
        The hierarchy, coarsest first: ``levels[0]`` the alliances (groups of
        gangs), ``levels[-1]`` the gangs themselves (``communities``).
    parent_of : tuple of tuple of int
        ``parent_of[i][c]`` is the index, in ``levels[i]``, of the group that
        holds group ``c`` of ``levels[i + 1]``.
    possibly_merged : tuple of int
        Gangs that may hold two or more gangs: those the check of every
        :class:`~netintel.algorithms.Communities` flags, and those that at
        least one candidate run split into two parts of 3 or more people (the
        agreement kept them together, but not every run did).
    """

    scan: tuple[Mapping[str, Any], ...]
    profile: tuple[Mapping[str, Any], ...]
    chosen_resolution: float | None
    levels: tuple[list[frozenset[Hashable]], ...]
    parent_of: tuple[tuple[int, ...], ...]

    def scan_frame(self) -> pd.DataFrame:
        """The scan as a table: one row per candidate run."""
        return pd.DataFrame(
            list(self.scan),
            columns=["method", "resolution", "seed", "communities", "modularity", "agreement"],
        )

    def profile_frame(self) -> pd.DataFrame:
        """The resolution profile: one row per resolution tried."""
        return pd.DataFrame(
            list(self.profile), columns=["resolution", "communities", "possibly_merged"]
        )

    def alliance_of(self, gang: int) -> int:
        """Index in ``levels[0]`` of the alliance that holds gang ``gang``."""
        return self.parent_of[-1][gang]

    def gangs_in(self, alliance: int) -> list[int]:
        """Indices of the gangs inside alliance ``alliance`` (``levels[0]``)."""
        return [g for g, a in enumerate(self.parent_of[-1]) if a == alliance]

    def level_frame(self) -> pd.DataFrame:
        """One row per node: ``node``, ``alliance``, ``gang``, ``stability``."""
        frame = self.to_frame()
        frame.insert(1, "alliance", [self.alliance_of(c) for c in frame["community"]])
        return frame.rename(columns={"community": "gang"})

    def summary(self) -> pd.DataFrame:
        """Per gang, as :meth:`Consensus.summary`, plus the ``alliance`` that holds it."""
        frame = super().summary()
        frame["alliance"] = list(self.parent_of[-1])
        return frame

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(
            scan=table_dict(self.scan_frame()),
            profile=table_dict(self.profile_frame()),
            chosen_resolution=self.chosen_resolution,
            levels=[[to_jsonable(c) for c in level] for level in self.levels],
            parent_of=[list(p) for p in self.parent_of],
        )
        return out


def _dense(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1."""
    return np.unique(labels, return_inverse=True)[1]


def _alliances(ea: EdgeArrays, gangs: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Louvain (resolution 1) on the graph of gangs: gang index -> alliance index.

    The resolution limit that merges small gangs in the person graph is what
    groups them here: gangs that call each other more than chance form an
    alliance.
    """
    src, dst = gangs[ea.src], gangs[ea.dst]
    between = src != dst
    if k < 2 or not between.any():
        return np.arange(k, dtype=np.int64)
    contracted = EdgeArrays.from_arrays(
        list(range(k)), src[between], dst[between], ea.weight[between], directed=False
    )
    run = _louvain_runner("auto", False, 1.0)[0]
    return _run_once(contracted, run, seed)


def _resolution_profile(
    und: EdgeArrays, seed: int, resolutions: tuple[float, ...]
) -> tuple[float, list[dict[str, Any]], list[np.ndarray]]:
    """The first resolution at which Louvain's communities can no longer hold two groups.

    Modularity's resolution limit merges groups that are small against the
    whole graph; raising the resolution splits them. The profile doubles the
    resolution until the merge check (label propagation inside each community)
    flags none of Louvain's communities, or until they average fewer than
    ``2 * MERGE_MIN_SIZE`` people (too small to hold two groups of the
    smallest size the check counts), or the list ends.
    """
    check = _lpa_runner("auto", False)[0]
    rows: list[dict[str, Any]] = []
    levels: list[np.ndarray] = []
    for gamma in resolutions:
        labels = _run_once(und, _louvain_runner("auto", False, gamma)[0], seed)
        _, dense = labels_to_communities(und.nodes, labels)
        levels.append(dense)
        k = int(dense.max()) + 1 if dense.size else 0
        if und.n < 2 * MERGE_MIN_SIZE * k:  # too small to hold two groups: not checked
            rows.append({"resolution": gamma, "communities": k, "possibly_merged": None})
            break
        flagged = (
            len(_possibly_merged(und, dense, k, check, seed, criterion="weak")) if und.m else 0
        )
        rows.append({"resolution": gamma, "communities": k, "possibly_merged": flagged})
        if flagged == 0:
            break
    return float(rows[-1]["resolution"]), rows, levels


@dataclass(frozen=True)
class _Pieces:
    """The pieces of ``gangs`` at a finer level (the members of one gang that ``finer`` puts
    together): each person's piece, and per piece its gang, size, and the links and link
    weight inside it and to the rest of its gang (counted from both ends)."""

    piece: np.ndarray
    k: int
    owner: np.ndarray
    size: np.ndarray
    same_gang: np.ndarray
    links_in: np.ndarray
    weight_in: np.ndarray
    links_out: np.ndarray
    weight_out: np.ndarray

    @classmethod
    def of(cls, und: EdgeArrays, gangs: np.ndarray, finer: np.ndarray) -> _Pieces:
        _, piece = np.unique(gangs * (int(finer.max()) + 1) + finer, return_inverse=True)
        k = int(piece.max()) + 1
        owner = np.zeros(k, dtype=np.int64)
        owner[piece] = gangs
        ps, pd_ = piece[und.src], piece[und.dst]
        same_gang = gangs[und.src] == gangs[und.dst]
        inside = ps == pd_
        cross = same_gang & ~inside
        w = und.weight
        return cls(
            piece=piece,
            k=k,
            owner=owner,
            size=np.bincount(piece, minlength=k),
            same_gang=same_gang,
            links_in=np.bincount(ps[inside], minlength=k),
            weight_in=np.bincount(ps[inside], weights=w[inside], minlength=k),
            links_out=np.bincount(ps[cross], minlength=k) + np.bincount(pd_[cross], minlength=k),
            weight_out=np.bincount(ps[cross], weights=w[cross], minlength=k)
            + np.bincount(pd_[cross], weights=w[cross], minlength=k),
        )


def _open_groups(und: EdgeArrays, gangs: np.ndarray, finer: np.ndarray) -> np.ndarray:
    """``gangs`` with every gang that holds two groups of ``finer`` opened into them.

    A piece (the members of one gang that ``finer`` puts together) is a group of
    its own inside its gang when it has ``MERGE_MIN_SIZE`` members or more and is
    a community in Radicchi et al.'s (2004) weak sense *within the gang*: the
    link weight among its members, counted from both ends, exceeds its link
    weight to the rest of the gang. A gang with two or more such pieces is
    opened (each becomes a gang, the rest of its members stay together) when
    that split is more than chance: its modularity within the gang exceeds
    :func:`_random_graph_modularity` of a random graph of the gang's size and
    mean degree. A dense gang that ``finer`` merely cuts is kept, since each half
    then calls the other half more than its own; so is a sparse random group
    that any split parts into "communities" by chance alone (an LFR community).
    """
    pieces = _Pieces.of(und, gangs, finer)
    piece, owner, same_gang = pieces.piece, pieces.owner, pieces.same_gang
    k = int(gangs.max()) + 1
    group = (pieces.size >= MERGE_MIN_SIZE) & (2 * pieces.weight_in > pieces.weight_out)
    group &= np.bincount(owner[group], minlength=k)[owner] >= 2
    opened = np.where(group[piece], piece + k, gangs)
    # the split's modularity within each gang, against a random graph's
    _, part = np.unique(opened, return_inverse=True)
    kq = int(part.max()) + 1
    part_owner = np.zeros(kq, dtype=np.int64)
    part_owner[part] = gangs
    qs, qd = part[und.src[same_gang]], part[und.dst[same_gang]]
    w = und.weight[same_gang]
    total = np.bincount(gangs[und.src[same_gang]], weights=w, minlength=k)
    within = np.bincount(qs[qs == qd], weights=w[qs == qd], minlength=kq)
    volume = np.bincount(qs, weights=w, minlength=kq) + np.bincount(qd, weights=w, minlength=kq)
    scale = np.maximum(total[part_owner], 1e-300)
    q = np.bincount(part_owner, weights=within / scale - (volume / (2 * scale)) ** 2, minlength=k)
    size = np.bincount(gangs, minlength=k)
    links = np.bincount(gangs[und.src[same_gang]], minlength=k)
    chance = _random_graph_modularity(size, 2 * links / np.maximum(size, 1))
    beyond = (np.bincount(part_owner, minlength=k) >= 2) & (q > chance)
    return _dense(np.where(beyond[gangs], opened, gangs))


#: a tight cell (:func:`_tight_cells`): at least this share of its members' pairs are linked
CELL_DENSITY = 0.7
#: ... and its links carry at least this many times the calls per link of its links to the
#: rest of its gang
CELL_WEIGHT_RATIO = 4.0


def _tight_cells(und: EdgeArrays, gangs: np.ndarray, finer: np.ndarray) -> np.ndarray:
    """The people of ``gangs`` who belong to a tight cell of ``finer``: the cell's index, else -1.

    A piece (the members of one gang that ``finer`` puts together, smaller than
    the gang) is a tight cell when it has ``MERGE_MIN_SIZE`` members or more, at
    least :data:`CELL_DENSITY` of its pairs are linked, and its links carry at
    least :data:`CELL_WEIGHT_RATIO` times the weight per link of its links to the
    rest of the gang: a small gang whose members all call each other, and much
    more often than they call the larger gang it is allied with. Label
    propagation and Infomap follow the many light links into the ally; the
    heavy few mark the cell. Unweighted links never make a cell (the ratio is 1).
    """
    p = _Pieces.of(und, gangs, finer)
    smaller = p.size < np.bincount(gangs)[p.owner]
    pairs = np.maximum(p.size * (p.size - 1) / 2, 1)
    per_link_in = p.weight_in / np.maximum(p.links_in, 1)
    per_link_out = p.weight_out / np.maximum(p.links_out, 1)
    cell = (p.size >= MERGE_MIN_SIZE) & smaller & (p.links_in >= CELL_DENSITY * pairs)
    cell &= per_link_in >= CELL_WEIGHT_RATIO * per_link_out
    return np.where(cell[p.piece], p.piece, -1)


def find_gangs(
    G: GraphLike,
    *,
    weight: str | None = "weight",
    seed: int | None = 0,
    label_propagation_runs: int = 5,
    infomap_runs: int = 2,
    modularity_runs: int = 2,
    resolutions: tuple[float, ...] = RESOLUTIONS,
    threshold: float = 0.5,
    max_rounds: int = 10,
    refine: bool | None = None,
) -> Gangs:
    """Gangs in a (call) network, at the scale the data chooses, with their stability.

    1. Run weighted label propagation ``label_propagation_runs`` times and
       Infomap ``infomap_runs`` times (directed flow on a directed graph), with
       seeds derived from ``seed``. Neither has a resolution parameter.
    2. Choose a modularity resolution from the data: Louvain at each of
       ``resolutions`` (1, 2, 4, ... 1024) in turn until the merge check (label
       propagation inside each community) flags none of its communities, or
       its communities average fewer than 6 people (too small to hold two
       groups of 3), or the list ends (the resolution profile,
       :attr:`Gangs.profile`); run Louvain there ``modularity_runs`` times.
    3. Keep what all these runs agree on: for each link, the share of runs that
       put its ends together; links below ``threshold`` are dropped and the
       rest re-clustered with Louvain, weighted by that share, until the runs
       agree (:func:`~netintel.algorithms.consensus`, with co-assignment on the
       links).
    4. Open gangs with the profile's finer levels (resolution 2, 4, ... up to
       the chosen one, coarse to fine; no run is added; ``refine=False``
       skips this step). At each level a piece is the members of one gang
       that the level puts together:

       * a gang holding two or more *groups* is opened into them when that
         split is more modular, within the gang, than a random graph's best
         split (Guimera et al. 2004); a group is a piece of 3 or more members
         whose link weight among themselves, counted from both ends, exceeds
         their link weight to the rest of the gang (Radicchi et al.'s 2004
         weak community, within the gang);
       * a *tight cell* is split off its gang: 3 or more members, at least
         70% of their pairs linked, and 4 times the weight per link of their
         links to the rest of the gang (:data:`CELL_DENSITY`,
         :data:`CELL_WEIGHT_RATIO`). That is a small gang whose members all
         call each other, and far more often than they call the larger gang
         they are allied with: label propagation and Infomap follow the
         ally's many light links and merge them. Unweighted links never make
         a cell.

       On netintel's synthetic call networks this recovers 87-100% of the
       planted gangs, against 54-76% without it (``docs/gangs.md``). By
       default a multigraph (a multiplex person network, whose layers are
       parallel links) is not refined: every case's suspects form a heavy
       co-offending clique there, which the cell test would split off its
       gang.
    5. Group the gangs into alliances (Louvain on the graph of gangs).

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        Directed, weighted call graphs are the main input (e.g.
        ``person_call_network(...).edge_arrays()``, weight = number of calls).
        Label propagation sees the links without direction.
    weight : str or None
        Edge weight attribute (non-negative); None for unweighted.
    seed : int or None
        Same graph, same seed: same gangs (None draws a seed and records it).
    label_propagation_runs, infomap_runs, modularity_runs : int
        Candidate runs of each family (0 leaves a family out; Infomap not
        installed leaves it out too, and the provenance says so).
    resolutions : tuple of float
        The resolution profile's steps, increasing.
    threshold : float
        In (0, 1]: share of runs below which a link is cut.
    max_rounds : int
        Re-clustering rounds at most.
    refine : bool or None
        Open gangs with the profile's finer levels (step 4); how many gangs
        each level added is in ``params["opened"]``, and whether it ran in
        ``params["refine"]``. None (the default): True, except on a multigraph
        (a networkx multigraph, or EdgeArrays whose ``multigraph`` is True,
        e.g. a multiplex projection's ``edge_arrays()``).

    Returns
    -------
    Gangs

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.ring_of_cliques(6, 5)
    >>> gangs = find_gangs(G, seed=1)
    >>> sorted(len(c) for c in gangs.communities), gangs.converged
    ([5, 5, 5, 5, 5, 5], True)
    >>> gangs.scan_frame()["method"].value_counts().to_dict()
    {'label_propagation': 5, 'infomap': 2, 'louvain': 2}
    >>> gangs.chosen_resolution  # six cliques: modularity resolves them at 1 already
    1.0
    >>> len(gangs.levels), len(gangs.levels[0]) < len(gangs.levels[1])
    (2, True)
    """
    ea = edge_arrays(G, weight)
    if refine is None:
        # a multiplex's co-offending cliques look like tight cells: no refine there
        refine = not ea.multigraph
    steps = _check_gang_options(
        (label_propagation_runs, infomap_runs, modularity_runs, max_rounds),
        threshold,
        resolutions,
        refine,
    )
    _check_weights(ea, "find_gangs")
    sw = Stopwatch()
    seed = draw_seed(seed)
    notes: list[str] = []
    counts = _usable_counts((label_propagation_runs, infomap_runs, modularity_runs), notes)
    und = ea.undirected()
    recluster, louvain_engine = _louvain_runner("auto", False, 1.0)
    runs = sum(counts)
    seeds = derived_seeds(seed, runs * max_rounds)
    gamma, profile, profiled = (
        _resolution_profile(und, seeds[0], steps) if modularity_runs else (None, [], [])
    )
    plan = _candidate_plan(seeds, counts, gamma)
    first, lpa_engine = _candidate_runs(plan, ea, und, gamma)
    agreed = _link_consensus(
        und, first, recluster, seeds, runs=runs, threshold=threshold, max_rounds=max_rounds
    )
    _, dense = labels_to_communities(ea.nodes, agreed.labels)
    opened: list[dict[str, Any]] = []
    if refine and ea.m:
        dense, opened = _refined(ea, und, dense, steps, profiled)
    notes += _unconverged(agreed.converged, max_rounds)
    stability, community_stability, sizes = _stabilities(dense, first)
    notes += _one_big_gang(sizes, ea.n)
    alliances, communities, parent = _hierarchy(ea, und, dense, len(community_stability), seeds[0])
    result: Gangs = _build(
        ea,
        dense,
        sw=sw,
        algorithm="find_gangs",
        params=_gang_params(weight, counts, steps, gamma, threshold, max_rounds, refine, opened),
        seed=seed,
        engine=_engines_used(lpa_engine, louvain_engine, counts),
        packages=("igraph", "networkit", "infomap"),
        also_merged=_split_by_runs(dense, first),
        notes=notes,
        cls=Gangs,
        node_stability=dict(zip(ea.nodes, stability.tolist(), strict=True)),
        community_stability=tuple(community_stability.tolist()),
        run_seeds=tuple(s for _, _, s in plan),
        threshold=float(threshold),
        rounds=agreed.rounds,
        converged=agreed.converged,
        coassignment=_coassignment(ea.n, *_links(und), agreed.first_share),
        nodes=ea.nodes,
        scan=_scan(plan, first, und, dense),
        profile=tuple(profile),
        chosen_resolution=gamma,
        levels=(alliances, communities),
        parent_of=(parent,),
    )
    return result


# --------------------------------------------------------------------------- find_gangs stages


def _unconverged(converged: bool, max_rounds: int) -> list[str]:
    """The note that the runs did not come to agree (none when they did)."""
    if converged:
        return []
    return [
        f"the runs did not come to agree in {max_rounds} rounds; the gangs are one "
        "clustering of the last agreement graph"
    ]


def _engines_used(lpa_engine: str, louvain_engine: str, counts: tuple[int, int, int]) -> str:
    """The engines of the candidate runs, as the result's ``engine`` names them."""
    engines = [f"label_propagation: {lpa_engine}", f"louvain: {louvain_engine}"]
    engines[1:1] = ["infomap: infomap"] if counts[1] else []
    return ", ".join(engines)


#: A planned candidate run: method, Louvain resolution (None for the others), seed.
_Run = tuple[str, float | None, int]


def _check_gang_options(
    counts: tuple[int, int, int, int],
    threshold: float,
    resolutions: tuple[float, ...],
    refine: bool,
) -> tuple[float, ...]:
    """Check the run counts, ``max_rounds``, threshold and resolutions; the resolutions."""
    names = ("label_propagation_runs", "infomap_runs", "modularity_runs", "max_rounds")
    for name, value, low in zip(names, counts, (0, 0, 0, 1), strict=True):
        if not is_int(value) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, not {value!r}")
    if not 0 < float(threshold) <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    steps = tuple(float(r) for r in resolutions)
    increasing = bool(steps) and min(steps) > 0 and list(steps) == sorted(steps)
    if (counts[2] or refine) and not increasing:
        raise ValueError(f"resolutions must be positive and increasing, not {resolutions!r}")
    return steps


def _usable_counts(counts: tuple[int, int, int], notes: list[str]) -> tuple[int, int, int]:
    """The runs of each family to make: no Infomap when it is not installed (noted).

    ValueError when that leaves fewer than 2 runs.
    """
    lp_runs, infomap_runs, mod_runs = counts
    if infomap_runs and not _available("infomap"):
        notes.append("Infomap is not installed (pip install infomap): label propagation only")
        infomap_runs = 0
    if lp_runs + infomap_runs + mod_runs < 2:
        raise ValueError(
            "find_gangs needs at least 2 candidate runs "
            "(label_propagation_runs + infomap_runs + modularity_runs)"
        )
    return lp_runs, infomap_runs, mod_runs


def _gang_params(
    weight: str | None,
    counts: tuple[int, int, int],
    steps: tuple[float, ...],
    gamma: float | None,
    threshold: float,
    max_rounds: int,
    refine: bool,
    opened: list[dict[str, Any]],
) -> dict[str, Any]:
    """The parameters :func:`find_gangs` records in its provenance."""
    return {
        "weight": weight,
        "label_propagation_runs": counts[0],
        "infomap_runs": counts[1],
        "modularity_runs": counts[2],
        "resolutions": list(steps) if counts[2] or refine else None,
        "resolution_chosen": gamma,
        "threshold": threshold,
        "max_rounds": max_rounds,
        "refine": refine,
        "opened": opened,
        "methods": [m for m, n in zip(METHODS, counts, strict=True) if n],
        "chosen_by": "agreement on the links of label propagation, Infomap and Louvain "
        "at the first resolution where no community is flagged as merged",
    }


def _candidate_plan(
    seeds: Sequence[int], counts: tuple[int, int, int], gamma: float | None
) -> list[_Run]:
    """The candidate runs in order: label propagation, Infomap, Louvain at ``gamma``."""
    lp_end, im_end = counts[0], counts[0] + counts[1]
    return (
        [("label_propagation", None, s) for s in seeds[:lp_end]]
        + [("infomap", None, s) for s in seeds[lp_end:im_end]]
        + [("louvain", gamma, s) for s in seeds[im_end : sum(counts)]]
    )


def _candidate_runs(
    plan: list[_Run], ea: EdgeArrays, und: EdgeArrays, gamma: float | None
) -> tuple[list[np.ndarray], str]:
    """The labels of each planned run, and the label propagation engine."""
    lpa, lpa_engine = _lpa_runner("auto", False)
    modular = _louvain_runner("auto", False, gamma)[0] if gamma is not None else None

    def candidate(method: str, s: int) -> np.ndarray:
        if method == "label_propagation":
            return _run_once(und, lpa, s)
        if method == "infomap":
            return _run_once(ea, _infomap_run, s)
        assert modular is not None
        return _run_once(und, modular, s)

    return [candidate(method, s) for method, _, s in plan], lpa_engine


def _refined(
    ea: EdgeArrays,
    und: EdgeArrays,
    dense: np.ndarray,
    steps: tuple[float, ...],
    profiled: list[np.ndarray],
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Step 4: open gangs holding two groups of the profile's finer levels, coarse to fine."""
    opened: list[dict[str, Any]] = []
    for gamma_step, finer in zip(steps[1:], profiled[1:], strict=False):
        before = int(dense.max()) + 1
        cells = _tight_cells(und, dense, finer)
        dense = _open_groups(und, dense, finer)
        dense = _dense(np.where(cells >= 0, int(dense.max()) + 1 + cells, dense))
        opened.append({"resolution": gamma_step, "gangs": int(dense.max()) + 1 - before})
    _, dense = labels_to_communities(ea.nodes, dense)
    return dense, opened


def _one_big_gang(sizes: np.ndarray, n: int) -> list[str]:
    """A note when one gang holds most of a network of 20 people or more."""
    if not len(sizes) or n < 20 or 2 * int(sizes.max()) <= n:
        return []
    return [
        f"one gang holds {int(sizes.max())} of the {n} people: label propagation and "
        "Infomap found no smaller groups in it (typical of a small, dense network whose "
        "groups call each other almost as much as their own); modularity (louvain) may "
        "split it, at the risk of the resolution limit described in docs/gangs.md"
    ]


def _scan(
    plan: list[_Run], first: list[np.ndarray], und: EdgeArrays, dense: np.ndarray
) -> tuple[dict[str, Any], ...]:
    """One entry per candidate run, with its agreement with the gangs (``Gangs.scan``)."""
    return tuple(
        {
            "method": method,
            "resolution": gamma_run,
            "seed": s,
            "communities": int(np.unique(labels).size),
            "modularity": _modularity_arrays(und, labels),
            "agreement": _ari_table(_contingency_labels(_dense(labels), dense)),
        }
        for (method, gamma_run, s), labels in zip(plan, first, strict=True)
    )


def _hierarchy(
    ea: EdgeArrays, und: EdgeArrays, dense: np.ndarray, k: int, seed: int
) -> tuple[list[frozenset[Hashable]], list[frozenset[Hashable]], tuple[int, ...]]:
    """Step 5: the alliances, the gangs, and the alliance of each gang."""
    alliance = _alliances(und, dense, k, seed)
    alliances, _ = labels_to_communities(ea.nodes, alliance[dense] if dense.size else dense)
    position = {v: i for i, group in enumerate(alliances) for v in group}
    communities, _ = labels_to_communities(ea.nodes, dense)
    parent = tuple(position[next(iter(c))] for c in communities)
    return alliances, communities, parent


#: The panel of fixed methods ``find_gangs`` is measured against (``bench/gangs.py``):
#: name -> (detector, keyword arguments).
PANEL: dict[str, tuple[str, dict[str, Any]]] = {
    **{f"louvain r={r:g}": ("louvain", {"resolution": r}) for r in (1, 2, 3, 5, 8)},
    **{f"leiden r={r:g}": ("leiden", {"resolution": r}) for r in (1, 2, 3, 5, 8)},
    **{
        f"leiden cpm {r:g}": ("leiden", {"resolution": r, "objective": "cpm"})
        for r in (0.05, 0.1, 0.2, 0.5)
    },
    "label propagation": ("label_propagation", {}),
    "infomap": ("infomap", {}),
}


def gang_scores(found: Any, truth: Mapping[Any, Any]) -> dict[str, Any]:
    """How well ``found`` recovers the planted gangs ``truth`` (person -> gang).

    Scored on the people of ``truth`` that ``found`` has (gang members; the rest
    of the network is nobody's gang): ``ari``, ``nmi``, ``gangs`` (planted gangs
    among them), ``recovered`` (gangs whose best-matching found community, on
    those people, has Jaccard >= 0.5 with them), ``recovered_share``, and
    ``merged`` (found communities holding the majority of two or more gangs).

    Parameters
    ----------
    found : Gangs, Communities, mapping of node to label, or iterable of node sets
        The communities found.
    truth : mapping
        Person -> planted gang.

    Returns
    -------
    dict of str to object
        The scores named above.

    Raises
    ------
    ValueError
        When none of the planted gang members is in ``found``.

    Examples
    --------
    >>> found = {1: "a", 2: "a", 3: "a", 4: "b", 5: "b", 6: "b"}
    >>> truth = {1: "x", 2: "x", 3: "y", 4: "y", 5: "z", 6: "z", 7: "z"}
    >>> s = gang_scores(found, truth)
    >>> s["gangs"], s["recovered"], s["merged"]
    (3, 2, 0)
    """
    from netintel.algorithms.communities import nmi

    member = _membership(found)
    people = [v for v in truth if v in member]
    if not people:
        raise ValueError("none of the planted gang members is in the partition")
    a = {v: member[v] for v in people}
    b = {v: truth[v] for v in people}
    found_sets: dict[Hashable, set[Hashable]] = {}
    gangs: dict[Hashable, set[Hashable]] = {}
    for v in people:
        found_sets.setdefault(a[v], set()).add(v)
        gangs.setdefault(b[v], set()).add(v)
    recovered = 0
    holds: dict[Hashable, int] = {}
    for members in gangs.values():
        best = max(
            len(members & found_sets[a[v]]) / len(members | found_sets[a[v]]) for v in members
        )
        recovered += best >= 0.5
        for c in {a[v] for v in members}:
            if 2 * len(members & found_sets[c]) > len(members):
                holds[c] = holds.get(c, 0) + 1
    return {
        "ari": ari(a, b),
        "nmi": nmi(a, b),
        "people": len(people),
        "gangs": len(gangs),
        "recovered": int(recovered),
        "recovered_share": recovered / len(gangs),
        "merged": sum(1 for k in holds.values() if k >= 2),
    }


def gang_panel(
    G: GraphLike,
    truth: Mapping[Any, Any],
    *,
    weight: str | None = "weight",
    seed: int = 0,
    found: Any = None,
) -> pd.DataFrame:
    """``find_gangs`` and every method of :data:`PANEL`, scored against planted gangs.

    One row per method (:func:`gang_scores` columns plus ``communities``),
    best ARI first. Modularity methods and label propagation see the links
    without direction; Infomap and ``find_gangs`` the graph as given. What
    hindsight could pick is the best row of the panel; ``find_gangs`` was not
    told the answer. ``found``: the ``find_gangs`` result on ``G`` when the
    caller has it already (a :class:`Gangs` or its node -> gang mapping), so it
    is not computed again.

    Parameters
    ----------
    G : networkx graph or EdgeArrays
        The network.
    truth : mapping
        Person -> planted gang.
    weight : str or None, default "weight"
        Edge weight attribute; None for unweighted.
    seed : int, default 0
        Seed of every method.
    found : Gangs or mapping, optional
        The ``find_gangs`` result on ``G``; None computes it.

    Returns
    -------
    pandas.DataFrame
        One row per method (column ``method``), best ARI first.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.ring_of_cliques(30, 5)
    >>> truth = {v: v // 5 for v in G}
    >>> table = gang_panel(G, truth, seed=0).set_index("method")
    >>> table.loc[["find_gangs", "louvain r=1"], ["communities", "merged"]].values.tolist()
    [[30, 0], [18, 12]]
    """
    from netintel.algorithms import communities as detectors

    ea = edge_arrays(G, weight)
    und = ea.undirected()
    rows = []
    if found is None:
        found = find_gangs(ea, seed=seed)
    gangs = len(set(_membership(found).values()))
    rows.append({"method": "find_gangs", "communities": gangs, **gang_scores(found, truth)})
    for name, (fn, kwargs) in PANEL.items():
        if fn == "infomap" and not _available("infomap"):
            continue
        graph = ea if fn == "infomap" else und
        result = getattr(detectors, fn)(graph, seed=seed, **kwargs)
        rows.append({"method": name, "communities": len(result), **gang_scores(result, truth)})
    table = pd.DataFrame(rows)
    return table.sort_values(["ari", "method"], ascending=[False, True], ignore_index=True)

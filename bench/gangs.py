"""Gang-finding benchmark: ``find_gangs`` against a panel of fixed methods, same run (issue #11).

    .venv/bin/python bench/gangs.py                 # everything (~30 min on 2 shared cores)
    .venv/bin/python bench/gangs.py --quick         # 10k calls, one seed, LFR 10k (~3 min)
    .venv/bin/python bench/gangs.py --sizes 100000 --seeds 1 --skip-lfr100k
    .venv/bin/python bench/gangs.py --reuse-cases cases.json   # the other sections only

What is measured, in one process, against igraph, networkit, networkx and the
infomap package used directly:

* **Synthetic cases**: ``netintel.synth.generate(dir, scale=calls, seed=s, dirty_rate=0)``
  at 10k, 100k and 1M calls, seeds 1, 2, 3 (generated folders are cached in ``--workdir``).
  The person call graph is lifted from ``calls.csv`` through ``phone_users.csv`` as
  ``bench/communities.py`` lifts it (a call counts for the users of both phones whose
  ``since``/``until`` cover its time; calls between one person's own phones left out;
  weight = number of calls), but kept *directed* (caller -> callee). Truth: planted gangs
  from ``ground_truth/gang_members.csv`` without the brokers (role ``broker`` sits
  between gangs). Scores are on the planted members present in the graph: ARI, NMI, and
  *recovered* gangs: a gang is recovered when its best-matching found community, both
  restricted to planted members, has Jaccard >= 0.5 with it.
* **Panel** (the best that hindsight could pick): Louvain (igraph ``community_multilevel``)
  and Leiden (igraph ``community_leiden``, modularity, iterated to convergence) at
  resolutions 1, 2, 3, 5, 8; Leiden CPM (igraph, weighted edges, unit node weights) at 0.05,
  0.1, 0.2, 0.5 (igraph's Leiden rather than leidenalg's: leidenalg iterated to convergence
  took ~5 s per run on 50k links, too slow for the 1M cases); weighted label propagation
  (igraph); Infomap (infomap package, two-level, one trial, directed flow on the directed
  graph). All on the undirected collapsed graph (weights summed) except Infomap, all seeded
  with ``--panel-seed``. ``find_gangs`` runs with its defaults (``seed=0``) on the directed
  arrays. Bars: ARI within 0.02 of the panel's best ARI and recovered share at least the
  panel's best recovered share minus 5 points, at every scale and seed.
* **Missed gangs**: for ``find_gangs``, size and internal share of every planted gang
  (internal share = weight of calls with both ends in the gang / weight of calls with at
  least one end in it), medians for missed vs recovered gangs, and the list for the first
  100k case.
* **Merge warning**: a found community is *truly merged* when it holds the strict majority
  of the members of two or more planted gangs. ``possibly_merged`` vs that truth (recall,
  precision) for netintel ``louvain`` at resolution 1 and 5 and for ``find_gangs``.
* **Loose groups**: ``result.loose`` (groups whose members call each other, per link, less
  than ``LOOSE_RATIO`` times as much as they call out) for ``find_gangs`` and Louvain at
  resolution 1, against the planted truth: a *crowd* is a found group of 3 or more whose
  majority is in no gang; counts of loose groups, crowds, loose gang-majority groups and the
  people in each, and (``by_ratio``) the crowds and gang groups other ratios would name.
* **Multiplex**: the person network as ``netintel.projection.multiplex_network`` builds it
  from calls, co-offending and co-location (computed here with pandas from the generated
  files): calls weigh 1 each; two persons suspected in the same case (``case_suspects.csv``)
  20 per shared case; two persons sighted at the same ``location_id`` within 1 h
  (``sightings.csv``) 20 per unit of co-location strength, a meeting weighing
  ``2 / (k(s) + k(t))`` with k the sightings of other people there within the hour (a
  meeting of two people alone counts 1, a crowded one less). Those weights are
  ``netintel.projection.MULTIPLEX_WEIGHTS``; ``--multiplex-factors`` (default 1.0) scales
  the two extra layers, ``--multiplex-extra`` factors run at the first seed of each size
  only. ``find_gangs`` runs on the sum with ``refine=False``, as netintel's multiplex batch
  jobs run it (co-offending cliques pass its tight-cell test by construction). Scored on
  the same planted members as the call graph (those present in the call graph), against
  the call-only panel's best; the bar is +0.05 ARI. At the first factor, ``with_refine``
  records ``find_gangs(mea)`` with refine=True beside it.
* **LFR**: ``nx.LFR_benchmark_graph(n, 3, 1.5, mu, average_degree=10, max_degree=50,
  min_community=10, max_community=50)`` at n = 10k (mu 0.1..0.5) and 100k (mu=0.3 first;
  the other mu only when one 100k graph generates within ``--lfr-budget`` seconds).
  ``find_gangs`` ARI and the panel's best ARI per point (bar: >= 0.95 for mu <= 0.3).
* **Published**: football (12 conferences) and polbooks (3 leanings) from
  ``netintel.datasets``; NMI of ``find_gangs`` vs each panel method (bar: >= the best).
* **Speed**: at the 1M-calls case (seed 1) and at a ~1M-link case (2.15M calls, seed 3,
  generated into the work folder like the other cases; ``--big-dir`` for another synth
  folder, ``--big-calls 0`` to skip it): ``find_gangs`` seconds from the lifted person-call arrays
  (``EdgeArrays.from_arrays`` included), one networkit PLM run (refine, ``GraphFromCoo``
  on the undirected arrays, default threads) in the same process, and the ratio; bar
  60 s at 1M links. ``consensus(ea, runs=20, seed=0)`` vs 20 ``louvain(ea, seed=s)``
  runs on the undirected arrays; bar 2x. The machine has 2 cores and may be shared: the
  load average is recorded before and after each timing.

Results go to ``bench/results/gangs.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import statistics
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from communities import lift_calls  # noqa: E402  (bench/communities.py: the same lifting)

from netintel.algorithms import (  # noqa: E402
    EdgeArrays,
    ari,
    consensus,
    find_gangs,
    louvain,
    nmi,
)

SIZES = (10_000, 100_000, 1_000_000)
SEEDS = (1, 2, 3)
LFR_MUS = (0.1, 0.2, 0.3, 0.4, 0.5)
T0 = time.perf_counter()


#: keyword arguments of every find_gangs call (``--no-refine`` sets refine=False)
FIND_GANGS_OPTIONS: dict[str, Any] = {}
#: ... and of the multiplex ones: refine=False, as netintel's multiplex batch jobs call it
#: (co-offending cliques would pass the tight-cell test by construction)
MULTIPLEX_OPTIONS: dict[str, Any] = {"refine": False}


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {msg}", flush=True)


# ---------------------------------------------------------------- data


def synth_folder(workdir: Path, calls: int, seed: int) -> tuple[Path, float | None]:
    """The cached synth folder for (calls, seed), generated if missing."""
    from netintel.synth import generate

    folder = workdir / f"synth-{calls}-s{seed}"
    if (folder / ".done").exists():
        return folder, None
    t = time.perf_counter()
    generate(folder, scale=calls, seed=seed, dirty_rate=0)
    seconds = time.perf_counter() - t
    (folder / ".done").write_text(f"{seconds:.1f}\n")
    return folder, seconds


def planted(folder: Path) -> dict[str, str]:
    gangs = pd.read_csv(folder / "ground_truth" / "gang_members.csv", dtype=str)
    gangs = gangs[gangs["role"] != "broker"]
    return dict(zip(gangs["person_id"], gangs["gang_id"], strict=True))


def undirected(ea: EdgeArrays) -> EdgeArrays:
    if not ea.directed:
        return ea
    return EdgeArrays.from_arrays(ea.nodes, ea.src, ea.dst, ea.weight, directed=False)


# ---------------------------------------------------------------- scoring


def score(nodes: tuple, labels: np.ndarray, truth: dict[Any, Any], members=None) -> dict[str, Any]:
    """ARI, NMI and recovered gangs on the planted members present (or ``members``)."""
    lab = dict(zip(nodes, np.asarray(labels).tolist(), strict=True))
    if members is None:
        members = [v for v in nodes if v in truth]
    found = {v: lab[v] for v in members}
    gold = {v: truth[v] for v in members}
    by_found: dict[Any, set] = defaultdict(set)
    by_gang: dict[Any, set] = defaultdict(set)
    for v in members:
        by_found[found[v]].add(v)
        by_gang[gold[v]].add(v)
    recovered = {}
    for g, S in by_gang.items():
        best = max(len(S & by_found[c]) / len(S | by_found[c]) for c in {found[v] for v in S})
        recovered[g] = best >= 0.5
    n_rec = sum(recovered.values())
    return {
        "ari": round(ari(found, gold), 4),
        "nmi": round(nmi(found, gold), 4),
        "recovered": int(n_rec),
        "gangs": len(by_gang),
        "recovered_share": round(n_rec / max(len(by_gang), 1), 4),
        "communities": int(np.unique(labels).size),
        "_per_gang": recovered,
    }


def public(s: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in s.items() if not k.startswith("_")}


def labels_of(result: Any, nodes: tuple) -> np.ndarray:
    m = result.membership
    return np.fromiter((m[v] for v in nodes), dtype=np.int64, count=len(nodes))


# ---------------------------------------------------------------- panel


def igraph_of(u: EdgeArrays) -> Any:
    import igraph as ig

    g = ig.Graph(n=u.n, edges=np.column_stack((u.src, u.dst)).tolist())
    g.es["weight"] = u.weight.tolist()
    return g


def run_infomap(ea: EdgeArrays, seed: int) -> np.ndarray:
    import infomap

    net = infomap.Network.from_edge_index(
        np.vstack([ea.src, ea.dst]),
        edge_weight=ea.weight,
        num_nodes=ea.n,
        directed=ea.directed,
    )
    result = infomap.run(
        net,
        seed=seed + 1,
        num_trials=1,
        two_level=True,
        flow_model="directed" if ea.directed else "undirected",
    )
    labels = np.arange(ea.n, dtype=np.int64) + ea.n  # unassigned nodes stay alone
    for node, module in result.modules().items():
        labels[node] = module
    return labels


def panel_methods() -> list[tuple[str, Any]]:
    import igraph as ig

    def louv(r):
        def run(g, ea, seed):
            random.seed(seed)
            ig.set_random_number_generator(random.Random(seed))
            return g.community_multilevel(weights="weight", resolution=r).membership

        return run

    def leid(objective, r):
        def run(g, ea, seed):
            ig.set_random_number_generator(random.Random(seed))
            return g.community_leiden(
                objective_function=objective, weights="weight", resolution=r, n_iterations=-1
            ).membership

        return run

    def lpa(g, ea, seed):
        ig.set_random_number_generator(random.Random(seed))
        return g.community_label_propagation(weights="weight").membership

    def imap(g, ea, seed):
        return run_infomap(ea, seed)

    out = [(f"louvain_r{r}", louv(r)) for r in (1, 2, 3, 5, 8)]
    out += [(f"leiden_mod_r{r}", leid("modularity", r)) for r in (1, 2, 3, 5, 8)]
    out += [(f"leiden_cpm_{r}", leid("CPM", r)) for r in (0.05, 0.1, 0.2, 0.5)]
    out += [("label_propagation", lpa), ("infomap", imap)]
    return out


def run_panel(ea: EdgeArrays, truth, seed: int, members=None) -> dict[str, Any]:
    """Every panel method on ``ea`` (Infomap directed if ``ea`` is), scored."""
    u = undirected(ea)
    g = igraph_of(u)
    rows = {}
    for name, fn in panel_methods():
        t = time.perf_counter()
        lab = np.asarray(fn(g, ea if name == "infomap" else u, seed), dtype=np.int64)
        s = score(u.nodes, lab, truth, members)
        s["seconds"] = round(time.perf_counter() - t, 2)
        rows[name] = s
    return rows


def best_of(rows: dict[str, Any], key: str) -> tuple[str, float]:
    name = max(rows, key=lambda k: rows[k][key])
    return name, rows[name][key]


# ---------------------------------------------------------------- analyses


def merged_truth(nodes: tuple, labels: np.ndarray, truth) -> set[int]:
    """Found communities holding the strict majority of >= 2 planted gangs."""
    size = Counter(truth[v] for v in nodes if v in truth)
    pairs = Counter(
        (c, truth[v]) for v, c in zip(nodes, labels.tolist(), strict=True) if v in truth
    )
    held = Counter(c for (c, g), k in pairs.items() if 2 * k > size[g])
    return {c for c, k in held.items() if k >= 2}


def merge_check(result: Any, nodes: tuple, truth) -> dict[str, Any]:
    labels = labels_of(result, nodes)
    t = time.perf_counter()
    flagged = set(result.possibly_merged)
    seconds = time.perf_counter() - t
    true = merged_truth(nodes, labels, truth)
    tp = len(flagged & true)
    return {
        "communities": len(result.communities),
        "truly_merged": len(true),
        "flagged": len(flagged),
        "true_positives": tp,
        "recall": round(tp / len(true), 3) if true else None,
        "precision": round(tp / len(flagged), 3) if flagged else None,
        "recall_ok": (tp / len(true) >= 0.9) if true else True,
        "precision_ok": (tp / len(flagged) >= 0.8) if flagged else True,
        "check_seconds": round(seconds, 2),
    }


def _pooled(values: list[Any]) -> Any:
    """The sum of the cases' counts, key by key for nested counts."""
    if isinstance(values[0], dict):
        return {k: _pooled([v[k] for v in values]) for k in values[0]}
    return sum(values)


def loose_check(result: Any, folder: Path) -> dict[str, Any]:
    """The loose groups (``result.loose``) of 3 or more people against who is in a gang.

    A *crowd* is a found group of 3 or more whose majority is in no planted gang
    (``people.csv`` category neither gang-member nor broker); a loose group that is not a
    crowd is a gang called loose.
    """
    people = pd.read_csv(folder / "ground_truth" / "people.csv", dtype=str)
    in_gang = set(people.loc[people["category"].isin(["gang-member", "broker"]), "person_id"])
    groups = {i: c for i, c in enumerate(result.communities) if len(c) >= 3}
    loose = set(result.loose) & set(groups)
    crowds = {i for i, c in groups.items() if 2 * sum(v in in_gang for v in c) < len(c)}
    nodes = set().union(*result.communities)
    in_loose = set().union(*(groups[i] for i in loose)) if loose else set()
    return {
        "groups": len(groups),
        "loose": len(loose),
        "loose_gang_majority": len(loose - crowds),
        "crowds": len(crowds),
        "crowds_loose": len(loose & crowds),
        "people_in_loose": len(in_loose),
        "gang_people_in_loose": len(in_loose & in_gang),
        "people_in_no_gang": len(nodes - in_gang),
        "people_in_no_gang_in_loose": len(in_loose - in_gang),
        "people_in_crowds": sum(len(groups[i]) for i in crowds),
        "by_ratio": _loose_by_ratio(result, groups, crowds),
    }


#: Ratios of calls per link inside to calls per link out at which ``loose_check`` also
#: counts the groups that would be loose, to show what ``LOOSE_RATIO`` trades.
RATIOS = (1.0, 1.25, 1.5, 1.75, 2.0)


def _loose_by_ratio(result: Any, groups: dict[int, Any], crowds: set[int]) -> dict[str, Any]:
    """Crowds and gang groups that would be loose at each ratio of :data:`RATIOS` (the
    rule of ``Communities.loose`` with another ratio; the result's own weights decide)."""
    inside = np.array([result.weight_per_link[i] for i in groups], dtype=float)
    out = np.array([result.weight_per_cut_link[i] for i in groups], dtype=float)
    ids = np.array(list(groups))
    is_crowd = np.array([i in crowds for i in groups], dtype=bool)
    rows = {}
    for ratio in RATIOS:
        with np.errstate(invalid="ignore"):
            named = np.isnan(inside) | (inside < ratio * out)
        rows[f"{ratio:g}"] = {
            "crowds_loose": int((named & is_crowd).sum()),
            "gang_groups_loose": int((named & ~is_crowd).sum()),
            "people_in_crowds_loose": int(
                sum(len(groups[i]) for i in ids[named & is_crowd].tolist())
            ),
        }
    return rows


def missed_gangs(ea: EdgeArrays, truth, per_gang: dict[Any, bool]) -> dict[str, Any]:
    idx = ea.index
    gang_of = np.full(ea.n, -1, dtype=np.int64)
    names = sorted(per_gang)
    code = {g: i for i, g in enumerate(names)}
    for v, g in truth.items():
        if v in idx:
            gang_of[idx[v]] = code[g]
    gs, gd = gang_of[ea.src], gang_of[ea.dst]
    k = len(names)
    inside = np.bincount(
        gs[(gs >= 0) & (gs == gd)], weights=ea.weight[(gs >= 0) & (gs == gd)], minlength=k
    )
    touch = np.bincount(gs[gs >= 0], weights=ea.weight[gs >= 0], minlength=k)
    other = (gd >= 0) & (gd != gs)
    touch += np.bincount(gd[other], weights=ea.weight[other], minlength=k)
    sizes = np.bincount(gang_of[gang_of >= 0], minlength=k)
    rows = [
        {
            "gang": g,
            "size": int(sizes[i]),
            "internal_share": round(float(inside[i] / touch[i]) if touch[i] else 0.0, 3),
            "recovered": bool(per_gang[g]),
        }
        for i, g in enumerate(names)
    ]

    def med(flag, key):
        vals = [r[key] for r in rows if r["recovered"] == flag]
        return round(statistics.median(vals), 3) if vals else None

    return {
        "missed": sum(not r["recovered"] for r in rows),
        "recovered": sum(r["recovered"] for r in rows),
        "median_size_missed": med(False, "size"),
        "median_size_recovered": med(True, "size"),
        "median_internal_share_missed": med(False, "internal_share"),
        "median_internal_share_recovered": med(True, "internal_share"),
        "missed_with_size_below_5": sum(1 for r in rows if not r["recovered"] and r["size"] < 5),
        "_rows": rows,
    }


def _window_counts(loc: np.ndarray, t: np.ndarray, window: int) -> np.ndarray:
    """Per sighting (sorted by location, then time), the sightings at its place within window."""
    # one sorted key: places 10**9 s apart (more than the data's span plus any window)
    key = loc.astype(np.int64) * (10**9) + (t - t.min())
    return np.searchsorted(key, key + window, side="right") - np.searchsorted(
        key, key - window, side="left"
    )


def multiplex(folder: Path, keys: np.ndarray, a: np.ndarray, b: np.ndarray, factor: float):
    """Undirected person graph: calls + co-offending + co-location, as the projection weighs it.

    The same definitions as ``netintel.projection.multiplex_network`` (layers calls,
    co_offending, co_location; window 1 h), computed with pandas from the generated files:
    a co-location meeting of sightings s and t weighs ``2 / (k(s) + k(t))``, k = sightings
    by other people at the place within the window; the layers are weighed by
    ``MULTIPLEX_WEIGHTS`` (calls 1, a shared case 20, a unit of co-location strength 20),
    the extra layers' factors times ``factor``.
    """
    from netintel.projection import MULTIPLEX_WEIGHTS

    window = 3_600
    suspects = pd.read_csv(
        folder / "case_suspects.csv", dtype=str, usecols=["person_id", "case_id"]
    )
    suspects = suspects.drop_duplicates()
    pairs = suspects.merge(suspects, on="case_id")
    pairs = pairs[pairs["person_id_x"] < pairs["person_id_y"]]
    co_off = (pairs["person_id_x"].to_numpy(), pairs["person_id_y"].to_numpy())

    sight = pd.read_csv(folder / "sightings.csv", dtype=str)
    sight["t"] = pd.to_datetime(sight["at"], utc=True, format="ISO8601").astype("int64") // 10**9
    sight["loc"] = pd.factorize(sight["location_id"])[0]
    sight["who"] = pd.factorize(sight["person_id"])[0]
    sight = sight.sort_values(["loc", "t"]).reset_index(drop=True)
    loc = sight["loc"].to_numpy()
    tt = sight["t"].to_numpy()
    pid = sight["person_id"].to_numpy()
    # k(s): sightings at the place within the window, less the person's own (s included)
    everyone = _window_counts(loc, tt, window)
    own = sight.sort_values(["who", "loc", "t"])
    mine = _window_counts(
        own["who"].to_numpy() * (int(loc.max()) + 1) + own["loc"].to_numpy(),
        own["t"].to_numpy(),
        window,
    )
    k = everyone - pd.Series(mine, index=own.index).reindex(sight.index).to_numpy()
    xs, ys, ws = [], [], []
    _, start = np.unique(loc, return_index=True)
    bounds = [*start.tolist(), len(loc)]
    for lo, hi in itertools.pairwise(bounds):
        t_loc = tt[lo:hi]
        end = np.searchsorted(t_loc, t_loc + window, side="right")
        for i in range(hi - lo):
            j = np.arange(i + 1, end[i]) + lo
            j = j[pid[j] != pid[lo + i]]
            if j.size:
                xs.append(np.repeat(pid[lo + i], j.size))
                ys.append(pid[j])
                ws.append(2.0 / (k[lo + i] + k[j]))
    x = np.concatenate(xs) if xs else np.array([], dtype=object)
    y = np.concatenate(ys) if ys else np.array([], dtype=object)
    w_loc = np.concatenate(ws) if ws else np.array([], dtype=float)

    people = np.unique(np.concatenate([keys, co_off[0], co_off[1], x, y]).astype(str))
    pos = {p: i for i, p in enumerate(people.tolist())}
    remap = np.fromiter((pos[v] for v in keys.tolist()), dtype=np.int64, count=len(keys))
    src = [remap[a]]
    dst = [remap[b]]
    wts = [np.full(len(a), MULTIPLEX_WEIGHTS["calls"])]
    layers: dict[str, Any] = {
        "calls": {"records": len(a), "unit_weight": MULTIPLEX_WEIGHTS["calls"]}
    }
    for name, (p, q), measure in (
        ("co_offending", co_off, np.ones(len(co_off[0]))),
        ("co_location", (x, y), w_loc),
    ):
        unit = factor * MULTIPLEX_WEIGHTS[name]
        layers[name] = {
            "records": len(p),
            "measure_total": round(float(measure.sum()), 3),
            "unit_weight": unit,
        }
        if not len(p):
            continue
        src.append(np.fromiter((pos[v] for v in p.tolist()), dtype=np.int64, count=len(p)))
        dst.append(np.fromiter((pos[v] for v in q.tolist()), dtype=np.int64, count=len(q)))
        wts.append(unit * measure)
    ea = EdgeArrays.from_arrays(
        people.tolist(), np.concatenate(src), np.concatenate(dst), np.concatenate(wts)
    )
    return ea, layers


def lfr_graph(n: int, mu: float, seed: int):
    import networkx as nx

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        G = nx.LFR_benchmark_graph(
            n,
            3,
            1.5,
            mu,
            average_degree=10,
            max_degree=50,
            min_community=10,
            max_community=50,
            seed=seed,
            max_iters=5000,
        )
    G.remove_edges_from(nx.selfloop_edges(G))
    ea = EdgeArrays.from_arrays(list(G.nodes), [u for u, _ in G.edges], [v for _, v in G.edges])
    truth = {}
    for i, block in enumerate({frozenset(G.nodes[v]["community"]) for v in G}):
        for v in block:
            truth[v] = i
    return ea, truth


# ---------------------------------------------------------------- sections


def synth_case(folder: Path, calls: int, seed: int, args, gen_s) -> tuple[dict, Any]:
    t = time.perf_counter()
    keys, a, b = lift_calls(folder)
    ea = EdgeArrays.from_arrays(keys.tolist(), a, b, directed=True)
    u = undirected(ea)
    truth = planted(folder)
    members = [v for v in ea.nodes if v in truth]
    info = {
        "calls": calls,
        "seed": seed,
        "persons": ea.n,
        "directed_links": ea.m,
        "undirected_links": u.m,
        "planted_members_in_graph": len(members),
        "generate_seconds": None if gen_s is None else round(gen_s, 1),
        "lift_seconds": round(time.perf_counter() - t, 1),
    }
    log(f"case {calls:,} calls seed {seed}: {ea.n:,} persons, {u.m:,} links")
    panel = run_panel(ea, truth, args.panel_seed, members)
    log("  panel: " + ", ".join(f"{k}={v['ari']:.3f}" for k, v in panel.items()))
    t = time.perf_counter()
    res = find_gangs(ea, **FIND_GANGS_OPTIONS)
    fg_s = time.perf_counter() - t
    fg = score(ea.nodes, labels_of(res, ea.nodes), truth, members)
    fg["seconds"] = round(fg_s, 2)
    b_ari_name, b_ari = best_of(panel, "ari")
    b_rec_name, b_rec = best_of(panel, "recovered_share")
    case = {
        "graph": info,
        "panel": {k: public(v) for k, v in panel.items()},
        "panel_best_ari": {"method": b_ari_name, "ari": b_ari},
        "panel_best_recovered": {
            "method": b_rec_name,
            "recovered_share": b_rec,
            "recovered": panel[b_rec_name]["recovered"],
        },
        "find_gangs": public(fg),
        "ari_minus_panel_best": round(fg["ari"] - b_ari, 4),
        "recovered_share_minus_panel_best": round(fg["recovered_share"] - b_rec, 4),
        "within_0_02_ari": bool(fg["ari"] >= b_ari - 0.02),
        "recovered_within_5_points": bool(fg["recovered_share"] >= b_rec - 0.05),
    }
    log(
        f"  find_gangs ARI {fg['ari']:.3f} (best {b_ari_name} {b_ari:.3f}), recovered "
        f"{fg['recovered_share']:.3f} (best {b_rec_name} {b_rec:.3f}), {fg_s:.1f} s"
    )
    mg = missed_gangs(u, truth, fg["_per_gang"])
    case["missed_gangs"] = public(mg)
    # which gangs the panel's best recovers that find_gangs misses
    best_pg = panel[b_rec_name]["_per_gang"]
    case["missed_gangs"]["missed_but_recovered_by_panel_best"] = sorted(
        g for g, ok in fg["_per_gang"].items() if not ok and best_pg[g]
    )
    case["missed_gangs"]["recovered_but_missed_by_panel_best"] = sorted(
        g for g, ok in fg["_per_gang"].items() if ok and not best_pg[g]
    )
    if args.full_missed_list(calls, seed):
        case["missed_gangs"]["list"] = [
            {k: r[k] for k in ("gang", "size", "internal_share")}
            for r in mg["_rows"]
            if not r["recovered"]
        ]
    # merge warning
    mw = {}
    r1 = louvain(u, seed=0)
    for name, r in (
        ("louvain_r1", r1),
        ("louvain_r5", louvain(u, seed=0, resolution=5)),
        ("find_gangs", res),
    ):
        mw[name] = merge_check(r, ea.nodes, truth)
    case["merge_warning"] = mw
    case["loose_groups"] = {
        name: loose_check(r, folder) for name, r in (("find_gangs", res), ("louvain_r1", r1))
    }
    log(
        "  loose groups: "
        + ", ".join(
            f"{k} {v['loose']} of {v['groups']} ({v['loose_gang_majority']} gang-majority; "
            f"{v['people_in_loose']} people, {v['gang_people_in_loose']} in a gang)"
            for k, v in case["loose_groups"].items()
        )
    )
    log(
        "  merge warning: "
        + ", ".join(
            f"{k} R={v['recall']} P={v['precision']} ({v['truly_merged']} true, "
            f"{v['flagged']} flagged)"
            for k, v in mw.items()
        )
    )
    # multiplex
    if not args.skip_multiplex:
        mx = {}
        factors = list(args.mx_factors) + (list(args.mx_extra) if seed == args.seeds[0] else [])
        for f in factors:
            t = time.perf_counter()
            mea, layers = multiplex(folder, keys, a, b, f)
            r = find_gangs(mea, **MULTIPLEX_OPTIONS)
            s = score(mea.nodes, labels_of(r, mea.nodes), truth, members)
            mx[str(f)] = {
                "factor": f,
                "layers": layers,
                "persons": mea.n,
                "links": mea.m,
                **public(s),
                "seconds": round(time.perf_counter() - t, 1),
                "ari_minus_call_panel_best": round(s["ari"] - b_ari, 4),
                "beats_by_0_05": bool(s["ari"] >= b_ari + 0.05),
            }
            log(
                f"  multiplex x{f}: ARI {s['ari']:.3f} recovered {s['recovered_share']:.3f} "
                f"({s['ari'] - b_ari:+.3f} vs call panel best)"
            )
            if f == args.mx_factors[0]:  # why the multiplex runs without refine
                on = score(mea.nodes, labels_of(find_gangs(mea), mea.nodes), truth, members)
                mx[str(f)]["with_refine"] = {
                    "ari": on["ari"],
                    "recovered_share": on["recovered_share"],
                    "beats_by_0_05": bool(on["ari"] >= b_ari + 0.05),
                }
                log(f"  multiplex x{f} with refine=True: ARI {on['ari']:.3f}")
        case["multiplex"] = mx
    return case, (keys, a, b, ea)


def speed(keys, a, b, label: str) -> dict[str, Any]:
    import networkit as nk

    out: dict[str, Any] = {"case": label, "load_before": os.getloadavg()}
    t = time.perf_counter()
    ea = EdgeArrays.from_arrays(keys.tolist(), a, b, directed=True)
    built = time.perf_counter() - t
    res = find_gangs(ea, **FIND_GANGS_OPTIONS)
    out["find_gangs_seconds"] = round(time.perf_counter() - t, 2)
    out["building_seconds"] = round(built, 2)
    out["find_gangs_communities"] = len(res.communities)
    u = undirected(ea)
    out["undirected_links"] = u.m
    out["directed_links"] = ea.m
    t = time.perf_counter()
    nk.setSeed(0, False)
    g = nk.GraphFromCoo(
        (u.weight, (u.src.astype(np.uint64), u.dst.astype(np.uint64))),
        n=u.n,
        weighted=True,
        directed=False,
    )
    plm = nk.community.PLM(g, refine=True)
    plm.run()
    out["networkit_plm_seconds"] = round(time.perf_counter() - t, 3)
    out["networkit_threads"] = nk.getMaxNumberOfThreads()
    out["find_gangs_over_networkit_plm"] = round(
        out["find_gangs_seconds"] / out["networkit_plm_seconds"], 1
    )
    out["find_gangs_within_60s"] = bool(out["find_gangs_seconds"] <= 60)
    t = time.perf_counter()
    c = consensus(u, runs=20, seed=0)
    out["consensus20_seconds"] = round(time.perf_counter() - t, 2)
    out["consensus20_rounds"] = c.rounds
    t = time.perf_counter()
    for s in range(20):
        louvain(u, seed=s)
    out["louvain_x20_seconds"] = round(time.perf_counter() - t, 2)
    out["consensus_over_runs"] = round(out["consensus20_seconds"] / out["louvain_x20_seconds"], 2)
    out["consensus_within_2x"] = bool(out["consensus_over_runs"] <= 2)
    out["load_after"] = os.getloadavg()
    log(
        f"speed [{label}] {u.m:,} links: find_gangs {out['find_gangs_seconds']} s, PLM "
        f"{out['networkit_plm_seconds']} s (x{out['find_gangs_over_networkit_plm']}); consensus20 "
        f"{out['consensus20_seconds']} s vs 20 louvain {out['louvain_x20_seconds']} s "
        f"(x{out['consensus_over_runs']}); load {out['load_before']}"
    )
    return out


def lfr_section(args) -> dict[str, Any]:
    out: dict[str, Any] = {
        "params": "LFR_benchmark_graph(n, 3, 1.5, mu, average_degree=10, max_degree=50, "
        "min_community=10, max_community=50, seed=1, max_iters=5000)",
        "points": [],
    }
    plan = [(10_000, mu) for mu in LFR_MUS]
    if not args.skip_lfr100k:
        plan += [(100_000, 0.3)]
    i = 0
    while i < len(plan):
        n, mu = plan[i]
        i += 1
        t = time.perf_counter()
        try:
            ea, truth = lfr_graph(n, mu, 1)
        except Exception as err:  # LFR's generator can fail to converge
            out["points"].append({"n": n, "mu": mu, "error": repr(err)})
            continue
        gen = time.perf_counter() - t
        t = time.perf_counter()
        res = find_gangs(ea, **FIND_GANGS_OPTIONS)
        fg = score(ea.nodes, labels_of(res, ea.nodes), truth)
        fg_s = time.perf_counter() - t
        point = {
            "n": n,
            "mu": mu,
            "links": ea.m,
            "communities": len(set(truth.values())),
            "generate_seconds": round(gen, 1),
            "find_gangs_ari": fg["ari"],
            "find_gangs_nmi": fg["nmi"],
            "find_gangs_seconds": round(fg_s, 1),
            "find_gangs_merge_warning": merge_check(res, ea.nodes, truth),
        }
        if n <= 10_000 or not args.skip_lfr100k_panel:
            panel = run_panel(ea, truth, args.panel_seed)
            name, best = best_of(panel, "ari")
            point.update(
                panel_best_method=name,
                panel_best_ari=best,
                panel_ari={k: v["ari"] for k, v in panel.items()},
            )
        if mu <= 0.3:
            point["ari_ge_0_95"] = bool(fg["ari"] >= 0.95)
        out["points"].append(point)
        log(
            f"LFR n={n:,} mu={mu}: gen {gen:.0f} s, find_gangs ARI {fg['ari']:.3f}"
            + (
                f", panel best {point['panel_best_method']} {point['panel_best_ari']:.3f}"
                if "panel_best_ari" in point
                else ""
            )
        )
        if n == 100_000 and mu == 0.3:
            if gen <= args.lfr_budget:
                plan += [(100_000, m) for m in LFR_MUS if m != 0.3]
            else:
                out["note_100k"] = (
                    f"one 100k LFR graph took {gen:.0f} s to generate (> "
                    f"{args.lfr_budget:.0f} s budget): 100k done for mu=0.3 only"
                )
    return out


def published(args) -> dict[str, Any]:
    from netintel import datasets

    out = {}
    for name, loader in (("football", datasets.football), ("polbooks", datasets.polbooks)):
        G = loader()
        parts = datasets.ground_truth_partition(G, "value")
        truth = {v: i for i, p in enumerate(parts) for v in p}
        nodes = list(G.nodes)
        pos = {v: i for i, v in enumerate(nodes)}
        ea = EdgeArrays.from_arrays(
            nodes, [pos[u] for u, _ in G.edges], [pos[v] for _, v in G.edges]
        )
        res = find_gangs(G, **FIND_GANGS_OPTIONS)
        fg = score(ea.nodes, labels_of(res, ea.nodes), truth)
        panel = run_panel(ea, truth, args.panel_seed)
        bname, bnmi = best_of(panel, "nmi")
        out[name] = {
            "nodes": ea.n,
            "links": ea.m,
            "groups": len(parts),
            "find_gangs_nmi": fg["nmi"],
            "find_gangs_ari": fg["ari"],
            "find_gangs_communities": fg["communities"],
            "panel_nmi": {k: v["nmi"] for k, v in panel.items()},
            "best_single_method": bname,
            "best_single_nmi": bnmi,
            "nmi_at_least_best": bool(fg["nmi"] >= bnmi),
        }
        log(f"{name}: find_gangs NMI {fg['nmi']:.3f} vs best {bname} {bnmi:.3f}")
    return out


def netintel_state() -> dict[str, Any]:
    """The commit and uncommitted changes of the netintel package measured."""
    import hashlib
    import subprocess

    def git(*cmd: str) -> str:
        try:
            return subprocess.run(["git", *cmd], cwd=ROOT, capture_output=True, text=True).stdout
        except OSError:
            return ""

    diff = git("diff", "HEAD", "--", "netintel")
    return {
        "head": git("rev-parse", "HEAD").strip(),
        "uncommitted_files": git("status", "--porcelain", "--", "netintel").split("\n")[:-1],
        "uncommitted_diff_sha1": hashlib.sha1(diff.encode()).hexdigest() if diff else None,
    }


def git_differs(a: str, b: str, path: str) -> bool:
    """True when ``path`` differs between commits ``a`` and ``b`` (or git cannot tell)."""
    import subprocess

    done = subprocess.run(["git", "diff", "--quiet", a, b, "--", path], cwd=ROOT)
    return done.returncode != 0


def versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {}
    for p in (
        "numpy",
        "pandas",
        "networkx",
        "igraph",
        "leidenalg",
        "infomap",
        "networkit",
        "scipy",
    ):
        try:
            out[p] = md.version(p)
        except md.PackageNotFoundError:
            out[p] = "missing"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10k calls, one seed, LFR 10k only")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="calls, comma-separated")
    ap.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    ap.add_argument("--panel-seed", type=int, default=0)
    ap.add_argument("--skip-lfr100k", action="store_true")
    ap.add_argument(
        "--skip-lfr100k-panel", action="store_true", help="LFR 100k: find_gangs only, no panel"
    )
    ap.add_argument(
        "--lfr-budget",
        type=float,
        default=180.0,
        help="seconds one 100k LFR graph may take to generate for the whole 100k curve",
    )
    ap.add_argument("--skip-lfr", action="store_true")
    ap.add_argument("--skip-multiplex", action="store_true")
    ap.add_argument("--multiplex-factors", default="1.0")
    ap.add_argument(
        "--multiplex-extra", default="0.5,2.0", help="factors at each size's first seed"
    )
    ap.add_argument(
        "--big-calls",
        type=int,
        default=2_150_000,
        help="calls of the ~1M-link speed case (seed 3, generated once; 0: skip it)",
    )
    ap.add_argument("--big-dir", type=Path, help="a synth folder to use as the speed case instead")
    ap.add_argument(
        "--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "gangs_work"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "gangs.json")
    ap.add_argument(
        "--reuse-cases",
        type=Path,
        help="take the synthetic cases and their bars from this results file (a run of the "
        "same netintel package, checked) instead of running them again; the other sections run",
    )
    ap.add_argument(
        "--no-refine",
        dest="refine",
        action="store_false",
        help="measure find_gangs(..., refine=False) (the multiplex runs always use it)",
    )
    args = ap.parse_args()
    FIND_GANGS_OPTIONS["refine"] = args.refine
    if args.quick:
        args.sizes, args.seeds, args.skip_lfr100k = "10000", "1", True
        args.multiplex_extra = ""
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.mx_factors = [float(f) for f in args.multiplex_factors.split(",") if f]
    args.mx_extra = [float(f) for f in args.multiplex_extra.split(",") if f]
    first_100k = (100_000 if 100_000 in args.sizes else args.sizes[0], args.seeds[0])
    args.full_missed_list = lambda calls, seed: (calls, seed) == first_100k
    args.workdir.mkdir(parents=True, exist_ok=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": "bench/gangs.py " + " ".join(sys.argv[1:]),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": versions(),
        "netintel": netintel_state(),
        "load_before": os.getloadavg(),
        "find_gangs_call": "find_gangs(ea): defaults seed=0, label_propagation_runs=5, "
        f"infomap_runs=2, threshold=0.5, refine={args.refine}; multiplex: refine=False",
        "panel_seed": args.panel_seed,
        "cases": {},
    }

    def save() -> None:
        results["load_now"] = os.getloadavg()
        results["elapsed_seconds"] = round(time.perf_counter() - T0, 1)
        args.out.write_text(json.dumps(results, indent=2, default=float))

    keep_for_speed = None
    if args.reuse_cases:
        earlier = json.loads(args.reuse_cases.read_text())
        same = earlier["netintel"]["uncommitted_diff_sha1"] is None and not git_differs(
            earlier["netintel"]["head"], "HEAD", "netintel"
        )
        if not same or results["netintel"]["uncommitted_diff_sha1"] is not None:
            sys.exit(f"{args.reuse_cases}: measured another netintel package; run the cases")
        results["cases"] = earlier["cases"]
        results["cases_from"] = {
            "file": str(args.reuse_cases),
            "command": earlier["command"],
            "netintel": earlier["netintel"],
            "load_before": earlier["load_before"],
            "load_now": earlier.get("load_now"),
            "elapsed_seconds": earlier.get("elapsed_seconds"),
        }
        calls = max(args.sizes)
        keys, a, b = lift_calls(synth_folder(args.workdir, calls, args.seeds[0])[0])
        keep_for_speed = ((keys, a, b), f"{calls:,} calls seed {args.seeds[0]}")
    for calls in args.sizes if not args.reuse_cases else ():
        for seed in args.seeds:
            folder, gen_s = synth_folder(args.workdir, calls, seed)
            case, arrays = synth_case(folder, calls, seed, args, gen_s)
            results["cases"][f"{calls}-s{seed}"] = case
            if calls == max(args.sizes) and seed == args.seeds[0]:
                keep_for_speed = (arrays[:3], f"{calls:,} calls seed {seed}")
            save()
    cases = results["cases"].values()
    results["bars"] = {
        "within_0_02_ari_every_case": all(c["within_0_02_ari"] for c in cases),
        "recovered_within_5_points_every_case": all(c["recovered_within_5_points"] for c in cases),
    }
    if not args.skip_multiplex:
        by_size: dict[int, list[bool]] = defaultdict(list)
        for c in cases:
            by_size[c["graph"]["calls"]].append(
                c["multiplex"][str(args.mx_factors[0])]["beats_by_0_05"]
            )
        results["bars"]["multiplex_beats_call_panel_by_0_05"] = {
            str(k): all(v) for k, v in by_size.items()
        }
    merge_bars = {}
    for name in ("louvain_r1", "louvain_r5", "find_gangs"):
        rows = [c["merge_warning"][name] for c in cases]
        tp = sum(r["true_positives"] for r in rows)
        true = sum(r["truly_merged"] for r in rows)
        flagged = sum(r["flagged"] for r in rows)
        merge_bars[name] = {
            "pooled_recall": round(tp / true, 3) if true else None,
            "pooled_precision": round(tp / flagged, 3) if flagged else None,
            "every_case_ok": all(r["recall_ok"] and r["precision_ok"] for r in rows),
        }
    results["bars"]["merge_warning"] = merge_bars
    results["bars"]["loose_groups"] = {
        name: {
            k: _pooled([c["loose_groups"][name][k] for c in cases])
            for k in next(iter(cases))["loose_groups"][name]
        }
        for name in ("find_gangs", "louvain_r1")
        if all("loose_groups" in c for c in cases)
    }
    save()
    if not args.skip_lfr:
        results["lfr"] = lfr_section(args)
        save()
    results["published"] = published(args)
    save()
    results["speed"] = []
    if keep_for_speed is not None:
        results["speed"].append(speed(*keep_for_speed[0], keep_for_speed[1]))
        save()
    if not args.quick and (args.big_dir or args.big_calls):
        big = args.big_dir or synth_folder(args.workdir, args.big_calls, 3)[0]
        keys, a, b = lift_calls(big)
        results["speed"].append(speed(keys, a, b, f"{big.name} (~1M links)"))
    save()
    summary(results)


def summary(r: dict[str, Any]) -> None:
    print("\n== synthetic cases")
    print(
        f"{'case':<14}{'best ARI (method)':<30}{'fg ARI':>8}{'dARI':>8}"
        f"{'best rec':>10}{'fg rec':>8}"
        f"{'ok ARI':>8}{'ok rec':>8}{'mx ARI':>8}"
    )
    for k, c in r["cases"].items():
        mx = c.get("multiplex", {})
        mxa = next(iter(mx.values()))["ari"] if mx else float("nan")
        print(
            f"{k:<14}{c['panel_best_ari']['ari']:.3f} ({c['panel_best_ari']['method']})".ljust(44)
            + f"{c['find_gangs']['ari']:>8.3f}{c['ari_minus_panel_best']:>+8.3f}"
            f"{c['panel_best_recovered']['recovered_share']:>10.3f}{c['find_gangs']['recovered_share']:>8.3f}"
            f"{c['within_0_02_ari']!s:>8}{c['recovered_within_5_points']!s:>8}{mxa:>8.3f}"
        )
    if "lfr" in r:
        print("== LFR")
        for p in r["lfr"]["points"]:
            print(
                f"  n={p['n']:>7} mu={p['mu']}: find_gangs {p.get('find_gangs_ari')}  panel best "
                f"{p.get('panel_best_ari')} ({p.get('panel_best_method')})"
            )
    for k, p in r.get("published", {}).items():
        print(
            f"== {k}: find_gangs NMI {p['find_gangs_nmi']} vs best "
            f"{p['best_single_method']} {p['best_single_nmi']}"
        )
    for s in r.get("speed", []):
        print(
            f"== speed {s['case']}: find_gangs {s['find_gangs_seconds']} s, "
            f"x{s['find_gangs_over_networkit_plm']} "
            f"networkit PLM; consensus x{s['consensus_over_runs']} of its 20 runs"
        )
    print("== bars", json.dumps(r.get("bars", {}), indent=1))


if __name__ == "__main__":
    main()

"""Community detection benchmark: netintel vs plain networkx, igraph and networkit, same run.

    .venv/bin/python bench/communities.py                        # 10k, 100k, 1M edges (~7 min)
    .venv/bin/python bench/communities.py --sizes 10000,100000   # a quicker look
    .venv/bin/python bench/communities.py --sizes 1000000 --algorithms louvain,leiden \
        --engines netintel,networkit,networkit-1t --repeat 5           # one question

Graphs: person call networks from ``netintel.synth`` (planted gangs as ground truth), at a
scale giving about the requested number of edges. The person graph is lifted from the
generated ``calls.csv`` and ``phone_users.csv`` with pandas exactly as
``netintel.projection.person_call_network`` lifts it in Neo4j (a call counts for the users
of both phones whose ``since``/``until`` cover its time; weight = number of calls; calls
between one person's own phones left out), so the input is what that projection returns
(``bench/projection.py`` measures the projection itself). If ``netintel.synth`` is missing
or fails, networkx's LFR generator is used instead (``--source lfr`` forces it).

Every (engine, algorithm) runs in a fresh child process that loads the edge arrays and then
times, from those arrays to a membership vector, the engine's graph building and the
algorithm (seeded):

* ``netintel``: ``louvain``, ``leiden`` and ``label_propagation`` from
  ``netintel.algorithms`` on ``Projection.edge_arrays()`` (engine ``"auto"``; the engine it
  picked is recorded);
* ``networkx``: ``nx.Graph`` from the edge list, ``louvain_communities``,
  ``asyn_lpa_communities`` (pure networkx has no Leiden);
* ``igraph``: ``ig.Graph`` from the index arrays, ``community_multilevel``,
  ``community_leiden`` (modularity, iterated to convergence), ``community_label_propagation``;
* ``networkit``: ``GraphFromCoo``, ``PLM`` (refine), ``ParallelLeiden``, ``PLP``, on
  networkit's default threads (all cores);
* ``networkit-1t``: the same on one thread (``nk.setNumberOfThreads(1)``).

netintel runs networkit on one thread: with two, the same seed gave a different partition
on every run (PLM, ParallelLeiden and PLP alike), so ``networkit`` (parallel) is the one to
beat and ``networkit-1t`` the like-for-like comparison; both are reported. netintel builds
its networkit graph with ``GraphFromCsr`` from the sorted arrays; the ``networkit`` entries
use ``GraphFromCoo``, the documented way from edge arrays (about 0.45 s slower at 1M edges).

Each (engine, algorithm) runs ``--repeat`` times (default 3), each in a fresh process with
the same seed; the minimum seconds count, and ``repeatable`` says whether every run gave
the same partition. netintel's ``possibly_merged`` (the resolution-limit check, computed on
first access) is timed apart as ``check_seconds``, not included in ``seconds``.

Reported per run: seconds, peak memory above the loaded input (``VmHWM`` minus the
resident size before the work), number of communities, modularity (netintel's, on the same
weighted graph), and NMI and ARI against the planted gangs (on the gang members in the
graph). A child that exceeds ``--cap`` seconds (default 600) is stopped and reported as
such. Ratios: netintel / fastest engine, and plain networkx / netintel. The machine has 2
cores and may be shared (the load average is recorded); networkit runs in parallel threads.
Results go to ``bench/results/communities.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel.algorithms import EdgeArrays, ari, modularity, nmi  # noqa: E402

#: synth call records per person-graph edge, measured (about 0.47 edges per call)
CALLS_PER_EDGE = 2.15
ALGORITHMS = ("louvain", "leiden", "label_propagation")
ENGINES = ("netintel", "networkx", "igraph", "networkit", "networkit-1t")

CHILD = r"""
import json, sys, time
import numpy as np, psutil
data = np.load(sys.argv[1])
engine, algorithm, seed, out = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
nodes, src, dst, w = data["nodes"], data["src"], data["dst"], data["weight"]
n = len(nodes)
note = ""
if engine == "netintel":
    from netintel.algorithms import EdgeArrays, label_propagation, leiden, louvain
    import igraph, networkit  # imported before the clock starts, as for the other engines
elif engine == "networkx":
    import networkx as nx
elif engine == "igraph":
    import igraph as ig, random
elif engine.startswith("networkit"):
    import networkit as nk
    if engine == "networkit-1t":
        nk.setNumberOfThreads(1)
base = psutil.Process().memory_info().rss
t = time.perf_counter()
if engine == "netintel":
    # what Projection.edge_arrays() does: the projection's arrays are already canonical
    ea = EdgeArrays(tuple(nodes.tolist()), src, dst, w, False)
    fn = {"louvain": louvain, "leiden": leiden, "label_propagation": label_propagation}
    res = fn[algorithm](ea, seed=seed)
    index = ea.index
    labels = np.empty(n, dtype=np.int64)
    for v, c in res.membership.items():
        labels[index[v]] = c
    note = res.engine
    seconds = time.perf_counter() - t
    # the resolution-limit check runs on first access: timed apart, not in "seconds"
    t = time.perf_counter()
    flagged = len(res.possibly_merged)
    extra = {"check_seconds": time.perf_counter() - t, "possibly_merged": flagged}
elif engine == "networkx":
    keys = nodes.tolist()
    G = nx.Graph()
    G.add_nodes_from(keys)
    G.add_weighted_edges_from(zip(nodes[src].tolist(), nodes[dst].tolist(), w.tolist()))
    if algorithm == "louvain":
        sets = nx.community.louvain_communities(G, weight="weight", seed=seed)
    else:
        sets = list(nx.community.asyn_lpa_communities(G, weight="weight", seed=seed))
    pos = {v: i for i, v in enumerate(keys)}
    labels = np.empty(n, dtype=np.int64)
    for c, members in enumerate(sets):
        labels[[pos[v] for v in members]] = c
elif engine == "igraph":
    random.seed(seed)
    g = ig.Graph(n=n, edges=np.column_stack((src, dst)).tolist(), edge_attrs={"weight": w})
    if algorithm == "louvain":
        cl = g.community_multilevel(weights="weight")
    elif algorithm == "leiden":
        cl = g.community_leiden(objective_function="modularity", weights="weight",
                                n_iterations=-1)
    else:
        cl = g.community_label_propagation(weights="weight")
    labels = np.asarray(cl.membership, dtype=np.int64)
else:
    nk.setSeed(seed, False)
    g = nk.GraphFromCoo((w, (src.astype(np.uint64), dst.astype(np.uint64))), n=n,
                        weighted=True, directed=False)
    algo = {"louvain": lambda: nk.community.PLM(g, refine=True),
            "leiden": lambda: nk.community.ParallelLeiden(g),
            "label_propagation": lambda: nk.community.PLP(g)}[algorithm]()
    algo.run()
    labels = np.asarray(algo.getPartition().getVector(), dtype=np.int64)
if engine != "netintel":
    seconds = time.perf_counter() - t
    extra = {}
# VmHWM: this process's own peak (ru_maxrss would start at the parent's size at fork)
with open("/proc/self/status") as f:
    peak = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
np.save(out, labels)
print(json.dumps({"seconds": seconds, "peak_mb": (peak - base) / 2**20, "note": note, **extra}))
"""


def _norm(numbers: pd.Series, country: str) -> pd.Series:
    s = numbers.str.replace(r"[\s\-()]", "", regex=True)
    s = s.where(~s.str.startswith("00"), "+" + s.str.slice(2))
    return s.where(s.str.startswith("+"), "+" + country + s.str.lstrip("0"))


def lift_calls(workdir: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Person keys and (caller, callee) person codes, one pair per counted call.

    As ``netintel.projection.person_call_network`` lifts calls in Neo4j: a call counts for
    the users of both phones whose ``since``/``until`` cover its time; calls between one
    person's own phones are left out.
    """
    country = "86"  # synth's default region CN
    calls = pd.read_csv(
        workdir / "calls.csv", dtype=str, usecols=["caller", "callee", "started_at"]
    )
    users = pd.read_csv(workdir / "phone_users.csv", dtype=str)
    calls["caller"] = _norm(calls["caller"], country)
    calls["callee"] = _norm(calls["callee"], country)
    calls["at"] = pd.to_datetime(calls["started_at"], utc=True, format="ISO8601")
    users["number"] = _norm(users["number"], country)
    users["since"] = pd.to_datetime(users["since"], utc=True, format="ISO8601")
    users["until"] = pd.to_datetime(users["until"], utc=True, format="ISO8601")
    m = calls.merge(
        users.rename(columns={"number": "caller", "person_id": "a", "since": "sa", "until": "ua"}),
        on="caller",
    ).merge(
        users.rename(columns={"number": "callee", "person_id": "b", "since": "sb", "until": "ub"}),
        on="callee",
    )
    ok = m["a"] != m["b"]
    for s, u in (("sa", "ua"), ("sb", "ub")):
        ok &= (m[s].isna() | (m[s] <= m["at"])) & (m[u].isna() | (m["at"] <= m[u]))
    m = m[ok]
    keys, codes = np.unique(
        np.concatenate([m["a"].to_numpy(), m["b"].to_numpy()]).astype(str), return_inverse=True
    )
    k = len(m)
    return keys, codes[:k], codes[k:]


def synth_graph(edges: int, seed: int, workdir: Path) -> dict[str, Any]:
    """A synth data set of about ``edges`` person edges, lifted to the person call graph."""
    from netintel.synth import generate

    scale = max(2_000, round(edges * CALLS_PER_EDGE))
    t = time.perf_counter()
    generate(workdir, scale=scale, seed=seed, dirty_rate=0)
    generated = time.perf_counter() - t
    keys, src, dst = lift_calls(workdir)
    k = len(src)
    ea = EdgeArrays.from_arrays(keys.tolist(), src, dst)
    gangs = pd.read_csv(workdir / "ground_truth" / "gang_members.csv", dtype=str)
    gangs = gangs[gangs["role"] != "broker"]
    truth = dict(zip(gangs["person_id"], gangs["gang_id"], strict=True))
    return {
        "ea": ea,
        "truth": truth,
        "info": {
            "source": "netintel.synth",
            "scale_calls": scale,
            "person_calls": int(k),
            "generate_seconds": round(generated, 1),
            "gangs": int(gangs["gang_id"].nunique()),
        },
    }


def lfr_graph(edges: int, seed: int) -> dict[str, Any]:
    """networkx's LFR benchmark graph with about ``edges`` edges (average degree 20)."""
    import networkx as nx

    n = max(250, edges // 10)
    G = nx.LFR_benchmark_graph(
        n, 3, 1.5, 0.2, average_degree=20, min_community=20, max_community=200, seed=seed
    )
    truth: dict[Any, int] = {}
    for i, block in enumerate({frozenset(G.nodes[v]["community"]) for v in G}):
        for v in block:
            truth[f"N{v:07d}"] = i
    ea = EdgeArrays.from_arrays(
        [f"N{v:07d}" for v in G.nodes],
        [u for u, _ in G.edges],
        [v for _, v in G.edges],
    )
    return {"ea": ea, "truth": truth, "info": {"source": "networkx LFR", "nodes": n}}


def run_child(npz: Path, engine: str, algorithm: str, seed: int, cap: float) -> dict[str, Any]:
    out = npz.with_name(f"{engine}-{algorithm}.npy")
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(npz), engine, algorithm, str(seed), str(out)],
            capture_output=True,
            text=True,
            timeout=cap,
        )
    except subprocess.TimeoutExpired:
        return {"status": f"stopped after the {cap:.0f} s cap"}
    if proc.returncode:
        return {"status": "failed", "error": proc.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["status"] = "ok"
    result["labels"] = np.load(out)
    return result


def run_repeated(
    npz: Path, engine: str, algorithm: str, seed: int, cap: float, repeat: int
) -> dict[str, Any]:
    """``repeat`` fresh runs with the same seed: minimum seconds, maximum peak, and
    whether every run gave the same partition (``repeatable``)."""
    runs = [run_child(npz, engine, algorithm, seed, cap) for _ in range(repeat)]
    bad = [r for r in runs if r["status"] != "ok"]
    if bad:
        return bad[0]
    best = min(runs, key=lambda r: r["seconds"])
    out = {**runs[0], "seconds": best["seconds"], "runs": repeat}
    out["seconds_all"] = [r["seconds"] for r in runs]
    out["peak_mb"] = max(r["peak_mb"] for r in runs)
    if "check_seconds" in best:
        out["check_seconds"] = min(r["check_seconds"] for r in runs)
    out["repeatable"] = all(np.array_equal(r["labels"], runs[0]["labels"]) for r in runs)
    return out


def score(ea: EdgeArrays, labels: np.ndarray, truth: dict[Any, Any]) -> dict[str, Any]:
    part = dict(zip(ea.nodes, labels.tolist(), strict=True))
    planted = [v for v in ea.nodes if v in truth]
    found = {v: part[v] for v in planted}
    gold = {v: truth[v] for v in planted}
    return {
        "communities": len(set(labels.tolist())),
        "modularity": modularity(ea, part),
        "nmi": nmi(found, gold),
        "ari": ari(found, gold),
        "scored_nodes": len(planted),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="edges, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cap", type=float, default=600.0, help="seconds per child process")
    ap.add_argument("--source", choices=("synth", "lfr"), default="synth")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--algorithms", default=",".join(ALGORITHMS))
    ap.add_argument(
        "--repeat", type=int, default=3, help="runs per (engine, algorithm); the minimum counts"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    engines = args.engines.split(",")
    algorithms = args.algorithms.split(",")
    results: dict[str, Any] = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
        "seed": args.seed,
        "cap_seconds": args.cap,
        "repeat": args.repeat,
        "sizes": {},
    }
    for size in [int(s) for s in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(dir=args.out) as tmp:
            work = Path(tmp)
            t = time.perf_counter()
            source = args.source
            graph: dict[str, Any] | None = None
            if source == "synth":
                try:
                    graph = synth_graph(size, args.seed, work / "synth")
                except Exception as err:  # the generator is new: fall back, and say so
                    print(f"netintel.synth failed ({err!r}); using networkx LFR")
            if graph is None:
                graph = lfr_graph(size, args.seed)
            ea: EdgeArrays = graph["ea"]
            npz = work / "graph.npz"
            np.savez(
                npz, nodes=np.asarray(ea.nodes, dtype=str), src=ea.src, dst=ea.dst, weight=ea.weight
            )
            info = {
                **graph["info"],
                "nodes": ea.n,
                "edges": ea.m,
                "prepare_seconds": round(time.perf_counter() - t, 1),
            }
            print(f"\n== {size:,} edges requested: {info}")
            rows: dict[str, Any] = {}
            for algorithm in algorithms:
                for engine in engines:
                    if engine == "networkx" and algorithm == "leiden":
                        rows[f"{engine}/{algorithm}"] = {"status": "n/a (pure networkx has none)"}
                        continue
                    r = run_repeated(npz, engine, algorithm, args.seed, args.cap, args.repeat)
                    if r["status"] == "ok":
                        r.update(score(ea, r.pop("labels"), graph["truth"]))
                    rows[f"{engine}/{algorithm}"] = r
                    shown = (
                        f"{r['seconds']:8.2f} s  +{r['peak_mb']:7.0f} MB  k={r['communities']:>6}"
                        f"  Q={r['modularity']:.4f}  NMI={r['nmi']:.3f}  ARI={r['ari']:.3f}"
                        f"  {'same' if r['repeatable'] else 'DIFFERENT'} partition"
                        f" in {r['runs']} runs"
                        + (f"  [{r['note']}]" if r.get("note") else "")
                        + (
                            f"  (+{r['check_seconds']:.2f} s for possibly_merged on access)"
                            if "check_seconds" in r
                            else ""
                        )
                        if r["status"] == "ok"
                        else r["status"]
                    )
                    print(f"  {engine:>12} {algorithm:<17} {shown}", flush=True)
            ratios: dict[str, Any] = {}
            for algorithm in algorithms:
                done = {
                    e: rows[f"{e}/{algorithm}"]
                    for e in engines
                    if rows.get(f"{e}/{algorithm}", {}).get("status") == "ok"
                }
                if "netintel" not in done:
                    continue
                ours = done["netintel"]
                others = {e: r for e, r in done.items() if e != "netintel"}
                if others:
                    fastest = min(others, key=lambda e: others[e]["seconds"])
                    ratios[algorithm] = {
                        "fastest_other": fastest,
                        "netintel_over_fastest": ours["seconds"] / others[fastest]["seconds"],
                        "modularity_netintel_minus_fastest": ours["modularity"]
                        - others[fastest]["modularity"],
                        "netintel_with_check_over_fastest": (
                            ours["seconds"] + ours.get("check_seconds", 0.0)
                        )
                        / others[fastest]["seconds"],
                    }
                    # netintel runs networkit on one thread (parallel runs are not
                    # repeatable); the sequential networkit entry is the like-for-like one
                    if "networkit-1t" in others:
                        ratios[algorithm]["netintel_over_networkit_1_thread"] = (
                            ours["seconds"] / others["networkit-1t"]["seconds"]
                        )
                if "networkx" in done:
                    ratios.setdefault(algorithm, {})["networkx_over_netintel"] = (
                        done["networkx"]["seconds"] / ours["seconds"]
                    )
                elif f"networkx/{algorithm}" in rows:
                    ratios.setdefault(algorithm, {})["networkx"] = rows[f"networkx/{algorithm}"][
                        "status"
                    ]
            for algorithm, r in ratios.items():
                print(f"  ratios {algorithm}: {json.dumps(r, default=float)}")
            results["sizes"][str(size)] = {"graph": info, "runs": rows, "ratios": ratios}
            (args.out / "communities.json").write_text(
                json.dumps({**results, "load_after": os.getloadavg()}, indent=2, default=float)
            )


if __name__ == "__main__":
    main()

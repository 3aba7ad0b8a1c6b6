"""Disruption benchmark: ``simulate_disruption`` vs a plain networkx recomputation loop, same run.

    .venv/bin/python bench/disruption.py                  # 10k and 100k people (~5 min)
    .venv/bin/python bench/disruption.py --sizes 10000    # a quicker look

Graphs: Holme-Kim power-law cluster graphs (``nx.powerlaw_cluster_graph(n, 3, 0.1)``,
about 3n ties, heavy-tailed degrees and triangles, like call networks), one per size.

Each case removes people by *sampled* betweenness (Brandes & Pich 2007: ``k`` sources drawn
again at every recomputation) and records the largest component after every removal:

* ``netintel``: ``simulate_disruption(G, "betweenness", k=k, strategy=..., seed=0,
  efficiency=False)`` (igraph underneath when installed);
* ``networkx``: what an analyst would write without netintel: ``nx.betweenness_centrality(H,
  k=k, seed=...)`` on the remaining graph, the top node (or block) removed with
  ``H.remove_node``, ``max(map(len, nx.connected_components(H)))`` after each removal.

10k people: ``sequential`` (recompute after every removal); 100k people: ``block`` of 10
(the Cavallaro et al. 2020 block strategy), so that networkx finishes in minutes. Both
engines draw different samples, so their removal orders differ a little; the results give
the overlap of the removed sets and the final largest-component share of each. The ratio is
networkx seconds / netintel seconds. The machine has 2 cores and may be shared (the load
average is recorded). Results go to ``bench/results/disruption.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel.algorithms import simulate_disruption  # noqa: E402
from netintel.algorithms.results import library_versions  # noqa: E402

#: per size: strategy, block size, removals, sampled sources
CASES: dict[int, dict[str, Any]] = {
    10_000: {"strategy": "sequential", "block_size": None, "steps": 20, "k": 64},
    100_000: {"strategy": "block", "block_size": 10, "steps": 50, "k": 32},
}


def networkx_loop(
    G: nx.Graph, *, strategy: str, block_size: int | None, steps: int, k: int, seed: int
) -> tuple[list[Any], list[float]]:
    """Sampled-betweenness removal written with networkx alone; order and LCC shares."""
    H = G.copy()
    n0 = G.number_of_nodes()
    rng = np.random.default_rng(seed)
    size = 1 if strategy == "sequential" else int(block_size or 1)
    removed: list[Any] = []
    lcc: list[float] = []
    while len(removed) < steps:
        scores = nx.betweenness_centrality(
            H, k=min(k, H.number_of_nodes()), seed=int(rng.integers(2**31))
        )
        block = sorted(scores, key=scores.get, reverse=True)[: min(size, steps - len(removed))]
        for v in block:
            H.remove_node(v)
            removed.append(v)
            lcc.append(max(map(len, nx.connected_components(H)), default=0) / n0)
    return removed, lcc


def run_case(n: int, seed: int) -> dict[str, Any]:
    spec = CASES[n]
    t = time.perf_counter()
    G = nx.powerlaw_cluster_graph(n, 3, 0.1, seed=seed)
    built = time.perf_counter() - t
    print(f"{n:,} people, {G.number_of_edges():,} ties ({built:.1f} s to build)", flush=True)

    t = time.perf_counter()
    d = simulate_disruption(
        G,
        "betweenness",
        strategy=spec["strategy"],
        block_size=spec["block_size"],
        steps=spec["steps"],
        k=spec["k"],
        seed=seed,
        efficiency=False,
    )
    ours = time.perf_counter() - t
    print(f"  netintel: {ours:.1f} s ({d.provenance.engine})", flush=True)

    t = time.perf_counter()
    nx_removed, nx_lcc = networkx_loop(
        G,
        strategy=spec["strategy"],
        block_size=spec["block_size"],
        steps=spec["steps"],
        k=spec["k"],
        seed=seed,
    )
    theirs = time.perf_counter() - t
    print(f"  networkx: {theirs:.1f} s; ratio {theirs / ours:.1f}x", flush=True)
    a, b = set(d.removed), set(nx_removed)
    return {
        "graph": {
            "generator": "powerlaw_cluster_graph(n, 3, 0.1)",
            "seed": seed,
            "people": n,
            "ties": G.number_of_edges(),
            "build_seconds": round(built, 2),
        },
        "params": {**spec, "seed": seed},
        "netintel": {
            "seconds": round(ours, 2),
            "engine": d.provenance.engine,
            "recomputations": d.provenance.params["recomputations"],
            "final_lcc_fraction": float(d.table["lcc_fraction"].iloc[-1]),
            "max_tied": int(d.table["tied"].max()),
        },
        "networkx": {
            "seconds": round(theirs, 2),
            "final_lcc_fraction": nx_lcc[-1],
        },
        "ratio_networkx_over_netintel": round(theirs / ours, 2),
        "removed_overlap_jaccard": round(len(a & b) / len(a | b), 3),
    }


def _head() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {"head": git("rev-parse", "HEAD"), "uncommitted_files": git("status", "--short").split()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="People per graph (10000, 100000).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "disruption.json")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    unknown = [s for s in sizes if s not in CASES]
    if unknown:
        parser.error(f"sizes must be among {', '.join(map(str, CASES))}, not {unknown}")
    results = {
        "command": " ".join(["bench/disruption.py", *sys.argv[1:]]),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": library_versions("igraph", "scipy"),
        "netintel": _head(),
        "load_before": list(os.getloadavg()),
        "cases": {str(n): run_case(n, args.seed) for n in sizes},
        "load_after": list(os.getloadavg()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()

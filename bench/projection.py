"""Projection benchmark: 1,000,000 CALLED relationships to a weighted person graph.

    .venv/bin/python bench/projection.py                  # 1,000,000 calls (about 8 minutes)
    .venv/bin/python bench/projection.py --calls 100000   # a quicker look

A fresh local Neo4j (``netintel.server``, heap 4g, page cache 2g, in ``bench/results/servers/``)
is filled directly with ``UNWIND ... CREATE``: 20,000 phones, 16,000 people (4,000 of them
with a second phone) linked by ``USES``, and ``--calls`` calls between phones with a
heavy-tailed caller activity (as ``bench/ingest.py``'s ``make_calls``). Then, each in a fresh
child process that reports its wall time and its peak memory above the memory it had after
connecting (``VmHWM`` minus the resident size before the work):

* ``netintel``: :func:`netintel.projection.person_call_network` -> ``Projection`` (node index,
  edge arrays, calls, total duration, first and last call, people's attributes), undirected;
* ``netintel+networkx``: the same, then ``Projection.to_networkx()`` with every attribute;
* ``straightforward``: what a user would write first: one ``session.run`` of the calls lifted
  to people, iterating the records into ``G.add_edge`` (weight +1 and duration added per call);
* ``aggregated records``: the aggregation done in Cypher, records still iterated into
  ``G.add_edge`` one by one (shows what the per-record loop itself costs).

netintel also checks every ``USES`` interval against the call time (the others do not; the
data has no intervals, so all four give the same graph, which is checked). Ratios are
``straightforward seconds / netintel seconds`` (and peak memory the same way). Each is run
``--repeat`` times after a warm-up (each query once, so the page cache is warm and every
query plan cached); the best time is kept. The
machine may be shared: the load average before and after is recorded. Results go to
``bench/results/projection.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel import config, server  # noqa: E402
from netintel.db import apply_schema, server_version  # noqa: E402
from netintel.projection import person_call_network  # noqa: E402

NAIVE = """
MATCH (a:Person)-[:USES]->(:Phone)-[c:CALLED]->(:Phone)<-[:USES]-(b:Person)
WHERE a <> b
RETURN a.person_id AS a, b.person_id AS b, c.duration_s AS d
"""
AGGREGATED = """
MATCH (a:Person)-[:USES]->(:Phone)-[c:CALLED]->(:Phone)<-[:USES]-(b:Person)
WHERE a <> b
RETURN a.person_id AS a, b.person_id AS b, count(c) AS calls, sum(c.duration_s) AS d
"""

CHILD = r"""
import json, sys, time
import psutil
from netintel import config
approach, naive, aggregated = sys.argv[1], sys.argv[2], sys.argv[3]
with config.driver() as drv:
    import networkx as nx
    from netintel.projection import person_call_network
    base = psutil.Process().memory_info().rss
    t = time.perf_counter()
    if approach in ("netintel", "netintel+networkx"):
        proj = person_call_network(drv)
        G = proj.to_networkx() if approach == "netintel+networkx" else None
        nodes, edges, total = proj.n, proj.m, float(proj.weight.sum())
        duration = int(proj.edge_attributes["duration_s"].sum())
    else:
        G = nx.Graph()
        with drv.session() as session:
            if approach == "straightforward":
                for rec in session.run(naive):
                    u, v, d = rec["a"], rec["b"], rec["d"]
                    if G.has_edge(u, v):
                        G[u][v]["weight"] += 1
                        G[u][v]["duration_s"] += d
                    else:
                        G.add_edge(u, v, weight=1, duration_s=d)
            else:
                for rec in session.run(aggregated):
                    u, v, k, d = rec["a"], rec["b"], rec["calls"], rec["d"]
                    if G.has_edge(u, v):
                        G[u][v]["weight"] += k
                        G[u][v]["duration_s"] += d
                    else:
                        G.add_edge(u, v, weight=k, duration_s=d)
        nodes, edges = G.number_of_nodes(), G.number_of_edges()
        total = float(sum(w for _, _, w in G.edges(data="weight")))
        duration = int(sum(w for _, _, w in G.edges(data="duration_s")))
    seconds = time.perf_counter() - t
# VmHWM: this process's own peak (ru_maxrss would start at the parent's size at fork)
with open("/proc/self/status") as f:
    peak = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "peak_mb": (peak - base) / 2**20, "nodes": nodes,
                  "edges": edges, "weight": total, "duration_s": duration}))
"""

APPROACHES = ("netintel", "netintel+networkx", "straightforward", "aggregated records")


def populate(drv: Any, calls: int, *, phones: int = 20_000, persons: int = 16_000) -> None:
    """Phones, people using them, and ``calls`` CALLED relationships (heavy-tailed callers)."""
    rng = np.random.default_rng(1)
    numbers = [f"+4479{i:08d}" for i in range(phones)]
    with drv.session() as s:
        s.run("UNWIND $n AS num CREATE (:Phone {number: num})", n=numbers).consume()
        s.run(
            "UNWIND range(0, $k - 1) AS i "
            "CREATE (:Person {person_id: 'P' + toString(i), name: 'Person ' + toString(i)})",
            k=persons,
        ).consume()
        users = [[f"P{i % persons}", numbers[i]] for i in range(phones)]
        s.run(
            "UNWIND $rows AS r MATCH (p:Person {person_id: r[0]}), (f:Phone {number: r[1]}) "
            "CREATE (p)-[:USES]->(f)",
            rows=users,
        ).consume()
    weights = rng.pareto(1.5, phones) + 1
    weights /= weights.sum()
    caller = rng.choice(phones, calls, p=weights)
    callee = (caller + 1 + rng.choice(phones - 1, calls)) % phones
    at = 1_704_067_200_000 + rng.integers(0, 90 * 86_400, calls) * 1000
    duration = rng.geometric(1 / 120, calls)
    tower = rng.integers(0, 300, calls)
    batch = 50_000
    statement = """
    UNWIND range(0, size($ids) - 1) AS i
    MATCH (a:Phone {number: $numbers[$a[i]]}), (b:Phone {number: $numbers[$b[i]]})
    CREATE (a)-[:CALLED {call_id: $ids[i], at: datetime({epochMillis: $at[i]}),
                         duration_s: $d[i], tower: 'T' + toString($t[i])}]->(b)
    """
    with drv.session() as s:
        for lo in range(0, calls, batch):
            hi = min(lo + batch, calls)
            s.run(
                statement,
                ids=[f"C{i}" for i in range(lo, hi)],
                a=caller[lo:hi].tolist(),
                b=callee[lo:hi].tolist(),
                at=at[lo:hi].tolist(),
                d=duration[lo:hi].tolist(),
                t=tower[lo:hi].tolist(),
                numbers=numbers,
            ).consume()
            print(f"\r  {hi:,} calls", end="", flush=True)
    print()


def measure(approach: str, env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, approach, NAIVE, AGGREGATED],
        capture_output=True,
        text=True,
        env=env,
    )
    if proc.returncode:
        sys.exit(f"{approach} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    ap.add_argument("--keep-server", action="store_true", help="leave the server running")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    state = args.out / "servers" / "projection"
    if state.exists():
        server.stop(state_dir=state)
        shutil.rmtree(state)
    results: dict[str, Any] = {
        "calls": args.calls,
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    info = server.start(state_dir=state, heap="4g", page_cache="2g", progress=print)
    try:
        conn = config.connection(state_dir=state)
        env = {
            **os.environ,
            "NEO4J_URI": info.uri,
            "NEO4J_USER": conn.user,
            "NEO4J_PASSWORD": conn.password,
        }
        with config.driver(conn) as drv:
            results["neo4j"] = server_version(drv)
            apply_schema(drv)
            t = time.perf_counter()
            populate(drv, args.calls)
            results["populate_seconds"] = round(time.perf_counter() - t, 1)
            print(f"created {args.calls:,} calls in {results['populate_seconds']} s")
            # warm the page cache and every query plan, so no approach pays for planning
            t = time.perf_counter()
            person_call_network(drv)
            with drv.session() as session:
                session.run(NAIVE).consume()
                session.run(AGGREGATED).consume()
            print(f"warm-up reads {time.perf_counter() - t:.1f} s")
        runs: dict[str, Any] = {}
        for approach in APPROACHES:
            tries = [measure(approach, env) for _ in range(args.repeat)]
            best = min(tries, key=lambda r: r["seconds"])
            best["all_seconds"] = [round(r["seconds"], 2) for r in tries]
            runs[approach] = best
            print(
                f"{approach:>20}: {best['seconds']:7.2f} s (runs {best['all_seconds']}), "
                f"peak +{best['peak_mb']:6.0f} MB, {best['nodes']:,} nodes, "
                f"{best['edges']:,} edges, weight {best['weight']:,.0f}"
            )
    finally:
        if not args.keep_server:
            server.stop(state_dir=state)
            shutil.rmtree(state, ignore_errors=True)
    same = {(r["nodes"], r["edges"], r["weight"], r["duration_s"]) for r in runs.values()}
    ours, naive = runs["netintel"], runs["straightforward"]
    results.update(
        runs=runs,
        same_graph=len(same) == 1,
        speedup_vs_straightforward=naive["seconds"] / ours["seconds"],
        speedup_with_networkx_vs_straightforward=naive["seconds"]
        / runs["netintel+networkx"]["seconds"],
        memory_ratio_straightforward_vs_netintel=naive["peak_mb"] / max(ours["peak_mb"], 1.0),
        load_after=os.getloadavg(),
    )
    print(
        f"netintel is {results['speedup_vs_straightforward']:.1f}x faster than the "
        f"straightforward loop ({results['speedup_with_networkx_vs_straightforward']:.1f}x "
        "with a networkx graph built too); peak memory "
        f"{results['memory_ratio_straightforward_vs_netintel']:.1f}x lower; "
        f"same graph: {results['same_graph']}; load average {results['load_before']} -> "
        f"{results['load_after']}"
    )
    (args.out / "projection.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""Key players as ``bench/scale.py`` runs them: sampled betweenness on igraph vs networkx.

    .venv/bin/python bench/key_players.py                    # 200,000 calls
    .venv/bin/python bench/key_players.py --calls 1000000    # the 1M case of issue #18

The graph is the person call network of ``netintel.synth.generate(scale=calls, seed=1)``,
projected from its record files without a database
(``person_call_network_from_frames``: the same rules as the database's projection), then
``Projection.to_networkx()``. Both runs call ``key_players(G, ["pagerank", "betweenness",
"degree"], k=256, seed=0)`` as the pipeline's ``key_players`` stage does, once with
``engine="igraph"`` (the default when igraph is installed) and once with
``engine="networkx"``, in the same process, one after the other (each engine warmed up
first on a small graph). Reported: the seconds and CPU seconds of each, the ratio
networkx / igraph, and the largest difference between their columns (the sampled sources
are the same, so the scores are equal up to rounding).
The machine is shared: the load average before and after is kept. Results are appended
to ``bench/results/key_players.json`` (one object per run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel import __version__  # noqa: E402

METRICS = ["pagerank", "betweenness", "degree"]


def timed(fn: Any) -> tuple[Any, float, float]:
    """``fn()``, its wall seconds and this process's CPU seconds."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--k", type=int, default=256, help="sampled betweenness sources")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "key_players.json")
    args = ap.parse_args()

    from netintel.algorithms import key_players
    from netintel.contest import public_frames
    from netintel.projection import person_call_network_from_frames
    from netintel.synth import generate

    result: dict[str, Any] = {
        "calls": args.calls,
        "k": args.k,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "netintel_version": __version__,
        "load_average_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, scale=args.calls, seed=1)
        frames = public_frames(tmp, ["calls", "phone_users"])
    proj = person_call_network_from_frames(frames["calls"], frames["phone_users"])
    del frames
    G, seconds, _ = timed(proj.to_networkx)
    result.update(nodes=G.number_of_nodes(), edges=G.number_of_edges(), to_networkx_s=seconds)
    import networkx as nx

    for engine in ("igraph", "networkx"):  # imports and first calls, untimed
        key_players(nx.karate_club_graph(), METRICS, k=5, seed=0, engine=engine)
    tables = {}
    for engine in ("igraph", "networkx"):
        kp, seconds, cpu = timed(
            lambda engine=engine: key_players(G, METRICS, k=args.k, seed=0, engine=engine)
        )
        tables[engine] = kp.table
        result[f"{engine}_s"] = round(seconds, 2)
        result[f"{engine}_cpu_s"] = round(cpu, 2)
        print(f"{engine}: {seconds:.1f} s ({cpu:.1f} s CPU)", flush=True)
    fast, slow = tables["igraph"], tables["networkx"]
    result["networkx_over_igraph"] = round(result["networkx_s"] / result["igraph_s"], 2)
    result["networkx_over_igraph_cpu"] = round(result["networkx_cpu_s"] / result["igraph_cpu_s"], 2)
    result["same_nodes"] = bool(fast.index.equals(slow.index))
    result["max_abs_difference"] = {m: float((fast[m] - slow[m]).abs().max()) for m in fast.columns}
    result["load_average_after"] = os.getloadavg()
    runs = json.loads(args.out.read_text()) if args.out.exists() else []
    runs.append(result)
    args.out.write_text(json.dumps(runs, indent=2) + "\n")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()

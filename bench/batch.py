"""Batch throughput: the local process pool against 1 and 2 local Dask workers (issue #18).

    .venv/bin/python bench/batch.py                     # ~100k calls, 24 jobs per mode
    .venv/bin/python bench/batch.py --calls 20000 --runs 3    # a quick look

One synthetic case (``netintel.synth.generate(dir, scale=calls, seed=1, dirty_rate=0)``)
is ingested into a fresh local Neo4j; then the same batch runs, in this one process and
each into an empty run folder (so every job is computed), with

* ``pool``: :func:`netintel.batch.run_batch` with its process pool (``workers=2``, every
  core of this machine): what a user on one machine gets by default;
* ``dask-1`` and ``dask-2``: ``run_batch(..., client=...)`` on a
  ``dask.distributed.LocalCluster`` of 1 and 2 worker processes (one thread each, TCP on
  loopback), the workers reading Neo4j; ``dask-2-parquet``: 2 workers reading Parquet
  snapshots written once by this process (``snapshot="parquet"``).

The batch: the person call projection in two windows (first and second half of the
synthetic year) x 3 algorithms (Louvain, Leiden, label propagation) x 4 base seeds
(``--seeds``), each job a consensus of ``--runs`` seeded runs: 24 jobs. Throughput is jobs
per minute of ``run_batch`` (for the pool this includes starting its processes; starting
a Dask cluster is timed apart, ``start_s``, and ``jobs_per_minute_with_start`` counts it
too); the ratios are against the pool. Every mode must give the same partitions (checked: ``same``).
The machine is shared: the load averages before and after are in the JSON.

Results go to ``bench/results/batch.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel import config, server  # noqa: E402
from netintel.algorithms.results import library_versions  # noqa: E402
from netintel.batch import BatchResult, BatchSpec, run_batch  # noqa: E402
from netintel.db import apply_schema, server_version  # noqa: E402
from netintel.ingest import ingest  # noqa: E402
from netintel.synth import generate  # noqa: E402


def _head() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    return {"head": git("rev-parse", "HEAD"), "uncommitted_files": git("status", "--short").split()}


def spec(seeds: int, runs: int) -> BatchSpec:
    return BatchSpec.model_validate(
        {
            "name": "bench-batch",
            "projections": [
                {
                    "name": "person_calls",
                    "windows": [{"until": "2023-07-01"}, {"since": "2023-07-01"}],
                }
            ],
            "algorithms": [{"name": "louvain"}, {"name": "leiden"}, {"name": "label_propagation"}],
            "seeds": list(range(seeds)),
            "runs": runs,
        }
    )


def partitions(batch: BatchResult) -> list[bytes]:
    return [(j.path / "partition.csv").read_bytes() for j in batch.jobs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=100_000, help="Synthetic call records.")
    parser.add_argument("--seeds", type=int, default=4, help="Base seeds (jobs per algorithm).")
    parser.add_argument("--runs", type=int, default=5, help="Seeded runs per consensus.")
    parser.add_argument("--workdir", type=Path, help="Scratch folder (default: a temp one).")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "batch.json")
    args = parser.parse_args()
    from dask.distributed import Client, LocalCluster

    work = args.workdir or Path(tempfile.mkdtemp(prefix="netintel-bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    load_before = list(os.getloadavg())
    data = work / "synth"
    t = time.perf_counter()
    generate(data, scale=args.calls, seed=1, dirty_rate=0)
    synth_s = time.perf_counter() - t
    state = work / "state"
    shutil.rmtree(state, ignore_errors=True)
    server.start(state_dir=state, heap="2g", page_cache="1g")
    results: dict[str, Any] = {
        "command": " ".join(["bench/batch.py", *sys.argv[1:]]),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "versions": library_versions("igraph", "leidenalg", "dask", "distributed"),
        "netintel": _head(),
        "load_before": load_before,
        "calls": args.calls,
    }
    try:
        conn = config.connection(state_dir=state)
        with config.driver(conn) as drv:
            results["neo4j"] = server_version(drv)
            apply_schema(drv)
            t = time.perf_counter()
            report = ingest(data, driver=drv, mapping=data / "mapping.yaml", progress=False)
            results["ingest_s"] = round(time.perf_counter() - t, 3)
            results["synth_s"] = round(synth_s, 3)
            results["rows_loaded"] = report.rows_loaded
            batch = spec(args.seeds, args.runs)
            results["batch"] = {
                "jobs": len(batch.jobs()),
                "projections": 2,
                "algorithms": ["louvain", "leiden", "label_propagation"],
                "seeds": args.seeds,
                "runs": args.runs,
            }
            modes: dict[str, Any] = {}
            reference: list[bytes] | None = None

            def record(name: str, res: BatchResult, start_s: float | None) -> None:
                nonlocal reference
                parts = partitions(res)
                if reference is None:
                    reference = parts
                first = res.jobs[0]
                modes[name] = {
                    "workers": res.workers,
                    "seconds": res.seconds,
                    "jobs": len(res.jobs),
                    "computed": res.computed,
                    "jobs_per_minute": round(60 * len(res.jobs) / res.seconds, 2),
                    "start_s": start_s,
                    "jobs_per_minute_with_start": round(
                        60 * len(res.jobs) / (res.seconds + (start_s or 0.0)), 2
                    ),
                    "same": parts == reference,
                    "nodes_first_job": first.nodes,
                    "edges_first_job": first.edges,
                }
                print(name, json.dumps(modes[name]), flush=True)

            res = run_batch(batch, work / "pool", driver=drv, connection=conn, workers=2)
            record("pool", res, None)
            for n, snap in ((1, None), (2, None), (2, "parquet")):
                name = f"dask-{n}" + (f"-{snap}" if snap else "")
                t = time.perf_counter()
                with (
                    LocalCluster(
                        n_workers=n,
                        threads_per_worker=1,
                        processes=True,
                        protocol="tcp",
                        host="127.0.0.1",
                        dashboard_address=":0",
                    ) as cluster,
                    Client(cluster) as client,
                ):
                    client.wait_for_workers(n)
                    start_s = round(time.perf_counter() - t, 3)
                    res = run_batch(
                        batch,
                        work / name,
                        driver=drv,
                        connection=conn,
                        client=client,
                        snapshot=snap,  # type: ignore[arg-type]
                    )
                record(name, res, start_s)
            pool = modes["pool"]["jobs_per_minute"]
            pool_start = modes["pool"]["jobs_per_minute_with_start"]
            for m in modes.values():
                m["ratio_vs_pool"] = round(m["jobs_per_minute"] / pool, 3)
                m["ratio_with_start_vs_pool"] = round(
                    m["jobs_per_minute_with_start"] / pool_start, 3
                )
            results["modes"] = modes
    finally:
        server.stop(state_dir=state)
    results["load_after"] = list(os.getloadavg())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out}")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Ingest benchmark: netintel's validated ingest vs Neo4j's own LOAD CSV, same records, same run.

    .venv/bin/python bench/ingest.py                 # 1,000,000 call records
    .venv/bin/python bench/ingest.py --rows 100000   # a quicker look
    .venv/bin/python bench/ingest.py --rows 10000000 --files 10 --no-load-csv   # the memory bound

Both paths write the same graph shape into the same (local or NEO4J_URI) server, each on an
empty graph with the schema's constraints: one CALLED relationship per call keyed by call_id,
Phone nodes, towers as Location nodes, provenance on the relationships. netintel also reads
and decodes the file, normalises phone numbers with phonenumbers, parses and checks every
value, de-duplicates keys and accounts for every row; LOAD CSV trusts the file. Reports rows/s,
the ratio netintel / LOAD CSV (target >= 1.0), and the peak memory of the Python process
doing the ingest (measured in a child process).

``--files N`` splits the records over N files (``calls_000.csv`` ...) ingested as one folder:
the ingest streams file by file, so its peak memory should stay near that of one file's
share plus the key hashes of the earlier files (36 bytes a call), not grow with the total.
``--no-load-csv`` skips the LOAD CSV reference (the 10M memory run needs no second ingest).
``--bulk`` also runs ``netintel ingest --bulk`` (the same checks, then Neo4j's offline
importer into a fresh store; issue #18) on the same records, and reports its throughput
against LOAD CSV's (target >= 5x); its time includes stopping and restarting the server and
creating the schema. ``--no-transactional`` skips netintel's transactional ingest.
``--undo`` then undoes netintel's ingest run (``netintel.ingest.undo_run``), its dry run
first, each timed, and reports both against the ingest's time (the graph must be empty
after); the results go to ``undo-<rows>-<files>files.json``::

    .venv/bin/python bench/ingest.py --rows 200000 --no-load-csv --undo

``--check-only`` runs ``netintel.ingest.check`` instead (the ingest's code path without the
database: no server is started): the memory of reading, checking and de-duplicating alone,
on a machine too busy for a 10M-row write.
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
import pandas as pd
import phonenumbers

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel import config, server  # noqa: E402
from netintel.db import apply_schema, clear_graph, server_version  # noqa: E402

LOAD_CSV = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (a:Phone {number: row.caller})
  MERGE (b:Phone {number: row.callee})
  MERGE (t:Location {location_id: row.tower}) ON CREATE SET t.kind = 'cell tower'
  MERGE (a)-[r:CALLED {call_id: row.call_id}]->(b)
  SET r.at = datetime(row.started_at), r.duration_s = toInteger(row.duration_s),
      r.tower = row.tower, r.source = 'calls.csv', r.source_row = linenumber()
} IN TRANSACTIONS OF 10000 ROWS
"""


def make_calls(
    path: Path, rows: int, phones: int = 20_000, seed: int = 1, first_id: int = 0
) -> None:
    """A call table in netintel's documented layout, with valid UK mobile numbers."""
    rng = np.random.default_rng(seed)
    numbers: list[str] = []
    candidate = 7_911_000_000
    while len(numbers) < phones:
        n = f"+44{candidate}"
        if phonenumbers.is_valid_number(phonenumbers.parse(n)):
            numbers.append(n)
        candidate += 7
    pool = np.array(numbers)
    # heavy-tailed activity: a few phones make most calls
    weights = rng.pareto(1.5, phones) + 1
    weights /= weights.sum()
    caller = rng.choice(phones, rows, p=weights)
    callee = (caller + 1 + rng.choice(phones - 1, rows, p=None)) % phones
    start = np.datetime64("2024-01-01T00:00:00") + rng.integers(0, 90 * 86400, rows).astype(
        "timedelta64[s]"
    )
    frame = pd.DataFrame(
        {
            "call_id": np.char.add("C", np.arange(first_id, first_id + rows).astype(str)),
            "caller": pool[caller],
            "callee": pool[callee],
            "started_at": np.datetime_as_string(start, unit="s"),
            "duration_s": rng.geometric(1 / 120, rows),
            "tower": np.char.add("T", rng.integers(0, 300, rows).astype(str)),
        }
    )
    frame["started_at"] = frame["started_at"] + "Z"
    frame.to_csv(path, index=False)


CHILD = """
import json, sys, time


def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss may carry the parent's size over exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

from netintel import config
from netintel.ingest import ingest
mapping = sys.argv[3] if len(sys.argv) > 3 else None
with config.driver() as drv:
    t = time.perf_counter()
    report = ingest(sys.argv[1], driver=drv, reject_dir=sys.argv[2], mapping=mapping,
                    progress=False)
    seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "rows_loaded": report.rows_loaded,
                  "run_id": report.run_id, "files": len(report.files),
                  "prepare_seconds": sum(f.prepare_seconds for f in report.files),
                  "write_seconds": sum(f.write_seconds for f in report.files),
                  "rows_rejected": report.rows_rejected, "ok": report.ok,
                  "peak_rss_mb": peak_mb()}))
"""


CHILD_BULK = (
    CHILD.split("from netintel import config")[0]
    + """
from netintel import config
from netintel.ingest import ingest
mapping = sys.argv[3] if len(sys.argv) > 3 else None
with config.driver() as drv:
    t = time.perf_counter()
    report = ingest(sys.argv[1], driver=drv, reject_dir=sys.argv[2], mapping=mapping,
                    progress=False, bulk=True)
    seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "rows_loaded": report.rows_loaded,
                  "files": len(report.files),
                  "prepare_seconds": sum(f.prepare_seconds for f in report.files),
                  "rows_rejected": report.rows_rejected, "ok": report.ok,
                  "phases": dict(report.phases), "peak_rss_mb": peak_mb()}))
"""
)


CHILD_CHECK = (
    CHILD.split("from netintel import config")[0]
    + """
from netintel.ingest import check
mapping = sys.argv[3] if len(sys.argv) > 3 else None
t = time.perf_counter()
report = check(sys.argv[1], reject_dir=sys.argv[2], mapping=mapping)
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "rows_loaded": report.rows_loaded,
                  "files": len(report.files),
                  "prepare_seconds": sum(f.prepare_seconds for f in report.files),
                  "rows_rejected": report.rows_rejected, "ok": report.ok,
                  "peak_rss_mb": peak_mb()}))
"""
)


CHILD_UNDO = """
import json, sys, time
from netintel import config
from netintel.ingest import undo_run
with config.driver() as drv:
    t = time.perf_counter()
    plan = undo_run(drv, sys.argv[1], dry_run=True)
    dry = time.perf_counter() - t
    t = time.perf_counter()
    done = undo_run(drv, sys.argv[1])
    seconds = time.perf_counter() - t
print(json.dumps({"dry_run_seconds": dry, "seconds": seconds, "plan": plan.to_json(),
                  "report": done.to_json()}))
"""


def _child(script: str, args: list[str], what: str) -> dict[str, Any]:
    """Run ``script`` in a child Python with ``args``; its last stdout line, as JSON (exit
    with the child's stderr, naming ``what``, when it fails)."""
    proc = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    if proc.returncode:
        sys.exit(f"{what} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _paths(source: Path, workdir: Path, mapping: Path | None) -> list[str]:
    return [str(source), str(workdir)] + ([str(mapping)] if mapping else [])


def run_undo(run_id: str, drv: object) -> dict[str, object]:
    """Undo ingest run ``run_id`` in a child process: first its dry run, then the undo, each
    timed; afterwards the graph must be empty again (the run was the only one)."""
    out = _child(CHILD_UNDO, [run_id], "netintel undo")
    out["plan"], out["report"] = json.loads(out["plan"]), json.loads(out["report"])
    out["graph_after"] = counts(drv)
    return out  # type: ignore[no-any-return]


def run_check(source: Path, workdir: Path, mapping: Path | None) -> dict[str, object]:
    return _child(CHILD_CHECK, _paths(source, workdir, mapping), "netintel check")


def counts(drv: object) -> dict[str, int]:
    out = {}
    for name, q in {
        "calls": "MATCH ()-[r:CALLED]->() RETURN count(r)",
        "phones": "MATCH (p:Phone) RETURN count(p)",
        "towers": "MATCH (l:Location) RETURN count(l)",
    }.items():
        records, _, _ = drv.execute_query(q)  # type: ignore[attr-defined]
        out[name] = records[0][0]
    return out


def fresh_server(root: Path, name: str) -> tuple[server.ServerInfo, Path]:
    """A new local Neo4j with an empty store, so that both paths start equal."""
    state = root / name
    if state.exists():
        shutil.rmtree(state)
    state.mkdir(parents=True)
    # the jars stay shared when NETINTEL_HOME points at this state folder (a bulk load
    # restarts the server from a child process that sees only NETINTEL_HOME)
    runtime = server.runtime_dir()
    (state / runtime.name).symlink_to(runtime, target_is_directory=True)
    info = server.start(state_dir=state, heap="4g", page_cache="2g", progress=print)
    return info, state


def run_netintel(
    source: Path, workdir: Path, drv: object, mapping: Path | None = None
) -> dict[str, object]:
    apply_schema(drv)  # type: ignore[arg-type]
    load_before = list(os.getloadavg())
    ours = _child(CHILD, _paths(source, workdir, mapping), "netintel ingest")
    ours["load_before"], ours["load_after"] = load_before, list(os.getloadavg())
    ours["graph"] = counts(drv)
    return ours


def run_bulk(
    source: Path, workdir: Path, drv: object, mapping: Path | None = None
) -> dict[str, object]:
    """``ingest(..., bulk=True)`` in a child process, into the (empty) server of
    ``$NETINTEL_HOME``; ``drv`` counts the graph afterwards (the server keeps its port)."""
    ours = _child(CHILD_BULK, _paths(source, workdir, mapping), "netintel bulk ingest")
    ours["graph"] = counts(drv)
    return ours


def run_load_csv(urls: list[str], drv: object) -> dict[str, object]:
    apply_schema(drv)  # type: ignore[arg-type]
    load_before = list(os.getloadavg())
    t = time.perf_counter()
    with drv.session() as session:  # type: ignore[attr-defined]
        for url in urls:
            session.run(LOAD_CSV, url=url).consume()
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "load_before": load_before,
        "load_after": list(os.getloadavg()),
        "graph": counts(drv),
    }


def summarise(runs: dict[str, dict[str, object]]) -> dict[str, object]:
    """Print the runs (``netintel``, ``load_csv``, ``bulk``, each with ``rows_per_s``) and
    return them with the throughput ratios against LOAD CSV."""
    out: dict[str, object] = {}
    ref = runs.get("load_csv")
    if ref is not None:
        print(
            f"LOAD CSV IN TRANSACTIONS: {ref['seconds']:.1f} s, {ref['rows_per_s']:,.0f} rows/s, "
            f"graph {ref['graph']}"
        )
        out["load_csv"] = ref
    for name, label, key, target in (
        ("netintel", "netintel ingest", "throughput_ratio_netintel_vs_load_csv", 1.0),
        ("bulk", "netintel ingest --bulk", "throughput_ratio_bulk_vs_load_csv", 5.0),
    ):
        ours = runs.get(name)
        if ours is None:
            continue
        print(
            f"{label}: {ours['seconds']:.1f} s, {ours['rows_per_s']:,.0f} rows/s, "
            f"peak RSS {ours['peak_rss_mb']:.0f} MB, graph {ours['graph']}"
        )
        out[name] = ours
        if ref is not None:
            ratio = float(ours["rows_per_s"]) / float(ref["rows_per_s"])  # type: ignore[arg-type]
            out[key] = ratio
            out[f"same_graph_{name}"] = ours["graph"] == ref["graph"]
            print(
                f"throughput ratio {label} / LOAD CSV = {ratio:.2f} (target >= {target}); "
                f"same counts: {out[f'same_graph_{name}']}"
            )
    if "same_graph_netintel" in out:
        out["same_graph"] = out["same_graph_netintel"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=1, help="split the records over this many files")
    ap.add_argument("--no-load-csv", action="store_true", help="skip the LOAD CSV reference")
    ap.add_argument("--check-only", action="store_true", help="netintel check, no database")
    ap.add_argument("--bulk", action="store_true", help="also netintel ingest --bulk")
    ap.add_argument(
        "--no-transactional", action="store_true", help="skip netintel's transactional ingest"
    )
    ap.add_argument(
        "--undo", action="store_true", help="then undo netintel's ingest run (dry run first)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    workdir = args.out / "ingest-data"
    workdir.mkdir(exist_ok=True)
    inputs = workdir / "calls"
    shutil.rmtree(inputs, ignore_errors=True)
    inputs.mkdir()
    t = time.perf_counter()
    per_file = -(-args.rows // args.files)
    paths: list[Path] = []
    for i in range(args.files):
        rows = min(per_file, args.rows - i * per_file)
        name = "calls.csv" if args.files == 1 else f"calls_{i:03d}.csv"
        paths.append(inputs / name)
        make_calls(paths[-1], rows, seed=1 + i, first_id=i * per_file)
    mapping: Path | None = None
    if args.files > 1:
        mapping = workdir / "calls.mapping.yaml"
        mapping.write_text("files:\n  - {match: 'calls_*.csv', record: calls}\n")
    print(f"generated {args.rows:,} call records in {len(paths)} files in "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip

    results: dict[str, object] = {
        "rows": args.rows,
        "files": args.files,
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before": os.getloadavg(),
    }
    paths_names = [] if args.no_transactional else ["netintel"]
    paths_names += [] if args.no_load_csv else ["load_csv"]
    paths_names += ["bulk"] if args.bulk else []
    runs: dict[str, dict[str, object]] = {}
    if args.check_only:
        ours = run_check(inputs, workdir, mapping)
        ours["rows_per_s"] = args.rows / float(ours["seconds"])  # type: ignore[arg-type]
        print(
            f"netintel check: {ours['seconds']:.1f} s, {ours['rows_per_s']:,.0f} rows/s, "
            f"peak RSS {ours['peak_rss_mb']:.0f} MB, {ours['rows_loaded']:,} rows would load"
        )
        results["check"] = ours
        name = f"ingest-check-{args.rows}-{args.files}files.json"
        (args.out / name).write_text(json.dumps(results, indent=2))
        shutil.rmtree(inputs, ignore_errors=True)
        return
    if os.environ.get("NEO4J_URI"):
        # the user's server: one database, cleared between the two paths
        import_dir = Path(os.environ.get("NETINTEL_IMPORT_DIR", ""))
        if not args.no_load_csv and not import_dir.is_dir():
            sys.exit("with NEO4J_URI set, NETINTEL_IMPORT_DIR must name the server's import dir")
        if args.bulk:
            sys.exit("--bulk needs netintel's local server (unset NEO4J_URI)")
        with config.driver() as drv:
            results["neo4j"] = server_version(drv)
            clear_graph(drv)  # refuses a graph that holds someone's ingests
            runs["netintel"] = run_netintel(inputs, workdir, drv, mapping)
            if args.undo:
                results["undo"] = run_undo(str(runs["netintel"]["run_id"]), drv)
            clear_graph(drv, force=True)  # the benchmark's own ingest
            if not args.no_load_csv:
                for path in paths:
                    shutil.copy(path, import_dir / path.name)
                runs["load_csv"] = run_load_csv([f"file:///{p.name}" for p in paths], drv)
                clear_graph(drv, force=True)
    else:
        # netintel's local server: a fresh store for each path
        states = args.out / "servers"
        for name in paths_names:
            info, state = fresh_server(states, name)
            os.environ["NETINTEL_HOME"] = str(state)
            try:
                with config.driver(config.connection(state_dir=state)) as drv:
                    results["neo4j"] = server_version(drv)
                    if name == "netintel":
                        runs[name] = run_netintel(inputs, workdir, drv, mapping)
                        if args.undo:
                            results["undo"] = run_undo(str(runs[name]["run_id"]), drv)
                    elif name == "bulk":
                        runs[name] = run_bulk(inputs, workdir, drv, mapping)
                    else:
                        for path in paths:
                            shutil.copy(path, info.import_dir / path.name)
                        runs[name] = run_load_csv([f"file:///{p.name}" for p in paths], drv)
            finally:
                server.stop(state_dir=state)
                os.environ.pop("NETINTEL_HOME", None)
                shutil.rmtree(state, ignore_errors=True)

    for r in runs.values():
        r["rows_per_s"] = args.rows / float(r["seconds"])  # type: ignore[arg-type]
    results.update(summarise(runs))
    results["load_average_after"] = os.getloadavg()
    undo = results.get("undo")
    if isinstance(undo, dict) and "netintel" in runs:
        ingest_s = float(runs["netintel"]["seconds"])  # type: ignore[arg-type]
        undo["ratio_undo_vs_ingest"] = undo["seconds"] / ingest_s
        undo["ratio_dry_run_vs_ingest"] = undo["dry_run_seconds"] / ingest_s
        print(
            f"netintel undo: {undo['seconds']:.1f} s ({undo['ratio_undo_vs_ingest']:.2f} x the "
            f"ingest), dry run {undo['dry_run_seconds']:.1f} s "
            f"({undo['ratio_dry_run_vs_ingest']:.2f} x); graph after {undo['graph_after']}"
        )
    if args.undo:
        name = f"undo-{args.rows}-{args.files}files.json"
    elif args.bulk:
        name = f"ingest-bulk-{args.rows}-{args.files}files.json"
    elif (args.rows, args.files) == (1_000_000, 1):
        name = "ingest.json"
    else:
        name = f"ingest-{args.rows}-{args.files}files.json"
    (args.out / name).write_text(json.dumps(results, indent=2))
    shutil.rmtree(inputs, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A province's call records on one machine, end to end, each stage timed (issue #18).

    .venv/bin/python bench/scale.py --calls 1000000
    .venv/bin/python bench/scale.py --calls 10000000 --split-calls 10 --skip-reference \
        --skip-transactional      # the 10M run: ratios from the 1M run, calls in 10 files

Stages, in one run:

1. ``synth``: ``netintel.synth.generate(scale=calls, seed=1)`` (with its planted dirty rows);
   ``--split-calls N`` then cuts its ``calls.csv`` into N files (stage ``split_calls``), so
   that the ingest, which streams file by file, holds a tenth of the calls at a time.
2. ``reference``: the ingest paths on the same records, for the ratios, with
   ``bench/ingest.py``'s functions: ``make_calls`` writes ``--reference-calls`` call
   records (default: ``--calls``) in the documented layout; Neo4j's ``LOAD CSV ... CALL
   {} IN TRANSACTIONS``, netintel's transactional ingest and ``ingest --bulk`` each load
   them into a fresh store. ``bulk_ratio_vs_load_csv`` and
   ``transactional_ratio_vs_load_csv`` are throughputs (rows/s) over LOAD CSV's.
3. ``ingest_bulk``: the synthetic case with ``ingest(..., bulk=True)`` into case A
   (validation, rejects, provenance; the server stopped, Neo4j's importer, restarted).
4. ``ingest_transactional``: the same case with the transactional ingest into case B
   (``--skip-transactional`` leaves it out; it is not part of the pipeline's time).
5. ``projection``: ``person_call_network`` from case A.
6. ``find_gangs`` on it; 7. ``key_players`` (PageRank, betweenness from 256 sampled
   sources on igraph, degree; ``bench/key_players.py`` compares it with networkx);
   8. ``overview_map`` (``network_map`` with the gangs, sized by PageRank); 9. ``report``
   (``case_report`` into a folder, its own map included).

Memory: a thread samples, every 0.5 s, the resident set of this process, every process
below it and every Java process whose command line names the run's folder (the
databases: they run detached, in sessions of their own), and keeps each stage's peak and
the run's peak (``peak_rss_bytes``). ``total_seconds`` is the wall time of the pipeline
(stages 1, 3, 5-9); ``wall_seconds`` includes the reference loads and case B.

Results are appended to ``bench/results/scale.json`` (a list, one object per run; older
runs kept), with the load average before and after (the machine is shared). Each stage
also records ``cpu_seconds``, the CPU time of this process alone (not the databases'):
on a loaded machine a stage's wall time can be several times its CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ingest as bench_ingest  # noqa: E402  (bench/ingest.py)

from netintel import __version__, config, server  # noqa: E402

GIB = 1 << 30


class Sampler(threading.Thread):
    """Peak resident memory of the run's processes (this one, its children, its databases)."""

    def __init__(self, marker: str, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.marker = marker
        self.interval = interval
        self.peak = 0
        self.stage_peak = 0
        self._halt = threading.Event()
        self._me = psutil.Process()
        self._java: dict[int, psutil.Process] = {}
        self._scan = 0.0

    def _databases(self) -> list[psutil.Process]:
        now = time.monotonic()
        if now - self._scan > 2:  # a full process scan every 2 s
            self._scan = now
            for proc in psutil.process_iter(["pid", "name", "cmdline"]):
                cmd = proc.info.get("cmdline") or []
                if cmd and "java" in cmd[0] and any(self.marker in a for a in cmd):
                    self._java.setdefault(proc.pid, proc)
        return list(self._java.values())

    def sample(self) -> int:
        procs = {self._me.pid: self._me}
        try:
            for child in self._me.children(recursive=True):
                procs[child.pid] = child
        except psutil.Error:
            pass
        for proc in self._databases():
            procs.setdefault(proc.pid, proc)
        total = 0
        for pid, proc in procs.items():
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                self._java.pop(pid, None)
        return total

    def run(self) -> None:
        while not self._halt.is_set():
            rss = self.sample()
            self.peak = max(self.peak, rss)
            self.stage_peak = max(self.stage_peak, rss)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


class Stages:
    """Each stage's seconds and peak memory, as they run."""

    def __init__(self, sampler: Sampler) -> None:
        self.sampler = sampler
        self.stages: dict[str, dict[str, Any]] = {}
        #: stages the later ones need: their failure ends the run
        self.fatal = {"synth", "ingest_bulk", "projection"}

    @contextmanager
    def stage(self, name: str, **info: Any) -> Iterator[dict[str, Any]]:
        self.sampler.stage_peak = self.sampler.sample()
        print(f"[{time.strftime('%H:%M:%S')}] {name} ...", flush=True)
        t, cpu = time.perf_counter(), time.process_time()
        record: dict[str, Any] = dict(info)
        try:
            yield record
        except Exception as err:
            record["error"] = f"{type(err).__name__}: {err}"[:2000]
            traceback.print_exc()
            if name in self.fatal:
                raise
        seconds = time.perf_counter() - t
        record.update(
            seconds=round(seconds, 2),
            cpu_seconds=round(time.process_time() - cpu, 2),
            peak_rss_bytes=max(self.sampler.stage_peak, self.sampler.sample()),
        )
        self.stages[name] = record
        print(
            f"[{time.strftime('%H:%M:%S')}] {name}: {seconds:.1f} s, peak "
            f"{record['peak_rss_bytes'] / GIB:.2f} GiB",
            flush=True,
        )


def split_calls(folder: Path, parts: int) -> None:
    """``calls.csv`` into ``calls_000.csv`` ... (lines as they are, the header on each),
    with a mapping entry naming them: the ingest then holds one part at a time."""
    source = folder / "calls.csv"
    with source.open("rb") as fh:
        header = fh.readline()
        lines = fh.readlines()
    per = -(-len(lines) // parts)
    for i in range(parts):
        with (folder / f"calls_{i:03d}.csv").open("wb") as out:
            out.write(header)
            out.writelines(lines[i * per : (i + 1) * per])
    del lines
    source.unlink()
    mapping = folder / "mapping.yaml"
    text = mapping.read_text("utf-8")
    mapping.write_text(text + "files:\n  - {match: 'calls_*.csv', record: calls}\n", "utf-8")


def new_case(root: Path, name: str, heap: str, page_cache: str) -> tuple[Path, server.ServerInfo]:
    """A fresh state folder with the shared jars and a started server."""
    state = root / name
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    runtime = server.runtime_dir()
    (state / runtime.name).symlink_to(runtime, target_is_directory=True)
    info = server.start(state_dir=state, heap=heap, page_cache=page_cache)
    return state, info


@contextmanager
def home(state: Path) -> Iterator[None]:
    """``NETINTEL_HOME`` at ``state`` (its default case is the one loaded)."""
    before = os.environ.get("NETINTEL_HOME")
    os.environ["NETINTEL_HOME"] = str(state)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NETINTEL_HOME", None)
        else:
            os.environ["NETINTEL_HOME"] = before


def reference(
    rows: int, work: Path, heap: str, page_cache: str, run: Callable[..., Any]
) -> dict[str, Any]:
    """LOAD CSV, transactional and bulk on the same ``rows`` call records (bench/ingest.py)."""
    inputs = work / "reference"
    shutil.rmtree(inputs, ignore_errors=True)
    inputs.mkdir(parents=True)
    bench_ingest.make_calls(inputs / "calls.csv", rows, seed=1)
    runs: dict[str, dict[str, Any]] = {}
    for name in ("load_csv", "netintel", "bulk"):
        state, info = new_case(work / "servers", f"reference-{name}", heap, page_cache)
        try:
            with (
                home(state),
                config.driver(config.connection(state_dir=state)) as drv,
                run(f"reference_{name}", rows=rows),
            ):
                if name == "load_csv":
                    shutil.copy(inputs / "calls.csv", info.import_dir / "calls.csv")
                    runs[name] = bench_ingest.run_load_csv(["file:///calls.csv"], drv)
                elif name == "netintel":
                    runs[name] = bench_ingest.run_netintel(inputs, work, drv)
                else:
                    runs[name] = bench_ingest.run_bulk(inputs, work, drv)
        finally:
            server.stop(state_dir=state)
            shutil.rmtree(state, ignore_errors=True)
        if name in runs:
            runs[name]["rows_per_s"] = rows / float(runs[name]["seconds"])
    shutil.rmtree(inputs, ignore_errors=True)
    return bench_ingest.summarise(runs)


STAGE_ORDER = (
    "synth", "split_calls", "reference_load_csv", "reference_netintel", "reference_bulk",
    "ingest_transactional", "ingest_bulk", "projection", "find_gangs", "key_players",
    "overview_map", "report",
)  # fmt: skip


def table(runs: list[dict[str, Any]]) -> str:
    """The runs of ``scale.json`` as the Markdown table of docs/benchmarks.md."""
    head = ["stage", *(f"{r['calls']:,} calls ({r['started'][:10]})" for r in runs)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def cell(r: dict[str, Any], name: str) -> str:
        s = r["stages"].get(name)
        return "-" if s is None else f"{s['seconds']:,.1f} s, {s['peak_rss_bytes'] / GIB:.2f} GiB"

    for name in STAGE_ORDER:
        if any(name in r["stages"] for r in runs):
            lines.append(f"| {name} | " + " | ".join(cell(r, name) for r in runs) + " |")
    rows = [
        ("pipeline (total_seconds)", lambda r: f"{r['total_seconds']:,.1f} s"),
        ("peak RSS, all processes", lambda r: f"{r['peak_rss_bytes'] / GIB:.2f} GiB"),
        ("bulk / LOAD CSV throughput", lambda r: _ratio(r.get("bulk_ratio_vs_load_csv"))),
        (
            "transactional / LOAD CSV throughput",
            lambda r: _ratio(r.get("transactional_ratio_vs_load_csv")),
        ),
        ("ratio measured on", lambda r: f"{r.get('reference', {}).get('rows', 0):,} calls"),
        (
            "load average before / after",
            lambda r: f"{r['load_average_before'][0]:.1f} / {r['load_average_after'][0]:.1f}",
        ),
    ]
    for label, fn in rows:
        lines.append(f"| {label} | " + " | ".join(fn(r) for r in runs) + " |")
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument(
        "--reference-calls", type=int, default=None, help="rows of the ratio runs [--calls]"
    )
    ap.add_argument(
        "--split-calls",
        type=int,
        default=1,
        help="split calls.csv into this many files (the ingest streams file by file)",
    )
    ap.add_argument("--skip-transactional", action="store_true", help="no case B")
    ap.add_argument("--skip-reference", action="store_true", help="no ratio runs")
    ap.add_argument("--heap", default="4g")
    ap.add_argument("--page-cache", default="2g")
    ap.add_argument("--workdir", type=Path, default=ROOT / "bench" / "results" / "scale-data")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    ap.add_argument("--table", action="store_true", help="print scale.json as Markdown, exit")
    args = ap.parse_args()
    if args.table:
        print(table(json.loads(args.out.read_text())))
        return
    work = args.workdir.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sampler = Sampler(str(work))
    sampler.start()
    st = Stages(sampler)
    result: dict[str, Any] = {
        "calls": args.calls,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "netintel_version": __version__,
        "neo4j_heap": args.heap,
        "neo4j_page_cache": args.page_cache,
        "load_average_before": os.getloadavg(),
    }
    t_wall = time.perf_counter()
    from netintel.algorithms import find_gangs, key_players
    from netintel.ingest import ingest
    from netintel.projection import person_call_network
    from netintel.report import case_report
    from netintel.synth import generate
    from netintel.viz import network_map

    synth = work / "synth"
    with st.stage("synth") as rec:
        made = generate(synth, scale=args.calls, seed=1)
        rec["rows"] = sum(n for f, n in made.files.items() if "/" not in f)
    mapping = synth / "mapping.yaml"
    if args.split_calls > 1:
        with st.stage("split_calls", files=args.split_calls):
            split_calls(synth, args.split_calls)

    if not args.skip_reference:
        rows = args.reference_calls or args.calls
        ref = reference(rows, work, args.heap, args.page_cache, st.stage)
        result["reference"] = {"rows": rows, **ref}
        result["bulk_ratio_vs_load_csv"] = ref.get("throughput_ratio_bulk_vs_load_csv")
        result["transactional_ratio_vs_load_csv"] = ref.get("throughput_ratio_netintel_vs_load_csv")

    if not args.skip_transactional:
        state_b, _ = new_case(work / "servers", "case-b", args.heap, args.page_cache)
        try:
            with (
                home(state_b),
                config.driver(config.connection(state_dir=state_b)) as drv,
                st.stage("ingest_transactional") as rec,
            ):
                report = ingest(
                        synth, driver=drv, mapping=mapping, reject_dir=work / "rejects-b",
                        progress=False,
                    )  # fmt: skip
                rec.update(rows_read=report.rows_read, rows_loaded=report.rows_loaded)
        finally:
            server.stop(state_dir=state_b)
            shutil.rmtree(state_b, ignore_errors=True)

    state_a, _ = new_case(work / "servers", "case-a", args.heap, args.page_cache)
    try:
        with home(state_a), config.driver(config.connection(state_dir=state_a)) as drv:
            with st.stage("ingest_bulk") as rec:
                report = ingest(
                    synth, driver=drv, mapping=mapping, reject_dir=work / "rejects-a",
                    progress=False, bulk=True, state_dir=state_a,
                )  # fmt: skip
                rec.update(
                    rows_read=report.rows_read,
                    rows_loaded=report.rows_loaded,
                    rows_rejected=report.rows_rejected,
                    balanced=report.ok,
                    prepare_seconds=round(sum(f.prepare_seconds for f in report.files), 2),
                    phases=dict(report.phases),
                )
            with st.stage("projection") as rec:
                proj = person_call_network(drv)
                rec.update(nodes=proj.n, edges=proj.m)
            gangs: Any = None
            players: Any = None
            G: Any = None
            with st.stage("find_gangs") as rec:
                gangs = find_gangs(proj.edge_arrays(), seed=0)
                rec.update(gangs=len(gangs.communities))
            with st.stage("key_players") as rec:
                G = proj.to_networkx()
                players = key_players(G, ["pagerank", "betweenness", "degree"], k=256, seed=0)
                rec.update(nodes=G.number_of_nodes())
            with st.stage("overview_map") as rec:
                page = network_map(
                    G if G is not None else proj.to_networkx(),
                    work / "overview.html",
                    communities=gangs,
                    size_by=players.table["pagerank"] if players is not None else None,
                    title="calls overview",
                )
                rec.update(bytes=page.stat().st_size)
            with st.stage("report") as rec:
                made_report = case_report(drv, work / "report", seeds=5, seed=0)
                rec.update(files=sorted(p.name for p in (work / "report").iterdir()))
                del made_report
    finally:
        server.stop(state_dir=state_a)
    sampler.stop()
    pipeline = ("synth", "split_calls", "ingest_bulk", "projection", "find_gangs", "key_players",
                "overview_map", "report")  # fmt: skip
    result.update(
        total_seconds=round(sum(st.stages[s]["seconds"] for s in pipeline if s in st.stages), 2),
        wall_seconds=round(time.perf_counter() - t_wall, 2),
        peak_rss_bytes=sampler.peak,
        pipeline_peak_rss_bytes=max(
            st.stages[s]["peak_rss_bytes"] for s in pipeline if s in st.stages
        ),
        stages=st.stages,
        load_average_after=os.getloadavg(),
        targets={
            "synth_seconds_at_10M": 120,
            "bulk_ratio_vs_load_csv": 5.0,
            "total_seconds": 1800,
            "peak_rss_bytes": 12 * GIB,
        },
    )
    runs = json.loads(args.out.read_text()) if args.out.exists() else []
    runs.append(result)
    args.out.write_text(json.dumps(runs, indent=2, default=str) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "stages"}, indent=1, default=str))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

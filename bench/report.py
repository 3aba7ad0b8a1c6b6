"""The last stage of ``bench/scale.py`` alone: ``case_report`` on a case already loaded (#18).

    .venv/bin/python bench/report.py --state STATE_DIR --label 1M [--profile out.prof]

``--state`` is a case's state folder whose server is running, loaded as ``bench/scale.py``
loads its case A: ``netintel.synth.generate(folder, scale=calls, seed=1)``, then
``server.start(state_dir=STATE_DIR)`` on a fresh folder and ``ingest(folder, ...,
bulk=True, state_dir=STATE_DIR)``.
The report is ``case_report(driver, folder, seeds=5, seed=0)``, as in the pipeline; the
seconds of each of its stages come from its ``echo`` lines. Appends one object per run to
``bench/results/report.json``: wall and CPU seconds (of this process, not the database's),
the people and links of the person call network, the load average before and after (the
machine is shared: compare runs made in the same session), and the git commit.
``--profile`` also writes a cProfile of the call (which slows it down).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel import config  # noqa: E402
from netintel.report import case_report  # noqa: E402


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return ""
    return out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--state", type=Path, required=True, help="the case's state folder")
    ap.add_argument("--label", default="", help="e.g. the calls the case was made from")
    ap.add_argument("--profile", type=Path, default=None, help="write a cProfile here")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "report.json")
    args = ap.parse_args()
    state = args.state.resolve()
    os.environ["NETINTEL_HOME"] = str(state)
    folder = Path(tempfile.mkdtemp(prefix="netintel-bench-report-"))
    stages: list[tuple[float, str]] = []
    result: dict[str, Any] = {
        "label": args.label,
        "commit": _commit(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_before": os.getloadavg(),
    }
    profile = cProfile.Profile() if args.profile else None
    try:
        with config.driver(config.connection(state_dir=state)) as drv:
            t, cpu = time.perf_counter(), time.process_time()

            def echo(message: str) -> None:
                stages.append((time.perf_counter() - t, message))
                print(f"{stages[-1][0]:8.1f} s  {message}", flush=True)

            if profile is not None:
                profile.enable()
            made = case_report(drv, folder / "report", seeds=5, seed=0, echo=echo)
            if profile is not None:
                profile.disable()
            seconds, cpu_seconds = time.perf_counter() - t, time.process_time() - cpu
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    marks = [*stages, (seconds, "end")]
    result.update(
        seconds=round(seconds, 2),
        cpu_seconds=round(cpu_seconds, 2),
        profiled=profile is not None,
        people=made.facts.get("people"),
        links=made.facts.get("links"),
        betweenness_sources=made.facts.get("betweenness_sources"),
        stages=[
            {"from": m, "seconds": round(b[0] - a[0], 2)}
            for (a, b, m) in ((marks[i], marks[i + 1], marks[i][1]) for i in range(len(stages)))
        ],
        load_average_after=os.getloadavg(),
    )
    if profile is not None:
        profile.dump_stats(str(args.profile))
    runs = json.loads(args.out.read_text()) if args.out.exists() else []
    runs.append(result)
    args.out.write_text(json.dumps(runs, indent=2, default=str) + "\n")
    print(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()

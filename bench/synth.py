"""Benchmark of netintel.synth.generate against what a user would otherwise write.

Run: ``.venv/bin/python bench/synth.py`` (options: ``--scales 10000,100000,1000000``,
``--json out.json``, ``--nmi`` to also score Louvain against the planted gangs).

Every measurement runs in a fresh child process, which reports its wall time
and its peak resident memory (``ru_maxrss``), so runs do not share caches or
heap. At each scale (= number of call records) three things are timed:

* ``synth``: the whole data set (14 record files, ground truth) with netintel.synth;
* ``naive``: a per-row Python generator of the call table alone (same columns,
  same number of phones and towers, ``random`` + ``datetime`` + ``csv.writer``),
  without any planted structure: the loop a user would write first;
* ``to_csv``: pandas ``DataFrame.to_csv`` of the same call table (read back from
  the synth output first, untimed): the cost of just writing it with pandas.

Ratios above 1 mean the alternative is slower than the whole synth run.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from itertools import accumulate
from pathlib import Path
from typing import Any

HEADER = ["call_id", "caller", "callee", "started_at", "duration_s", "tower"]


def _peak_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


# ------------------------------------------------------------------- children


def child_synth(scale: int, out: Path) -> dict[str, Any]:
    from netintel.synth import generate

    t0 = time.perf_counter()
    report = generate(out, scale=scale, seed=1)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "peak": _peak_bytes(),
        "phones": report.entities["phones"],
        "towers": sum(
            1 for _ in (out / "locations.csv").open(encoding="utf-8") if ",cell tower," in _
        ),
        "bytes": sum(p.stat().st_size for p in out.rglob("*.csv")),
    }


def child_naive(scale: int, out: Path, phones: int, towers: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    rnd = random.Random(1)
    prefixes = ("130", "135", "138", "150", "158", "186", "189")
    numbers = [f"+86{rnd.choice(prefixes)}{rnd.randrange(10**8):08d}" for _ in range(phones)]
    cum = list(accumulate(rnd.lognormvariate(0, 1) for _ in numbers))
    tower_ids = [f"TWR-{i:05d}" for i in range(towers)]
    start = datetime(2023, 1, 1, tzinfo=timezone(timedelta(hours=8)))
    with (out / "calls.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(scale):
            a, b = rnd.choices(numbers, cum_weights=cum, k=2)
            at = start + timedelta(seconds=rnd.randrange(365 * 86400))
            w.writerow(
                [
                    f"C{i + 1:09d}",
                    a,
                    b,
                    at.isoformat(),
                    int(rnd.lognormvariate(4, 1.1)),
                    rnd.choice(tower_ids),
                ]
            )
    return {"seconds": time.perf_counter() - t0, "peak": _peak_bytes()}


def child_to_csv(calls: Path, out: Path) -> dict[str, Any]:
    import pandas as pd

    frame = pd.read_csv(calls, dtype=str, keep_default_na=False)
    t0 = time.perf_counter()
    frame.to_csv(out / "calls.csv", index=False)
    return {"seconds": time.perf_counter() - t0, "peak": _peak_bytes()}


def child_nmi(folder: Path) -> dict[str, Any]:
    from collections import Counter, defaultdict

    import networkx as nx
    import numpy as np
    import pandas as pd
    import phonenumbers

    t0 = time.perf_counter()

    def norm(v: str) -> str:
        return phonenumbers.format_number(
            phonenumbers.parse(v, "CN"), phonenumbers.PhoneNumberFormat.E164
        )

    pu = pd.read_csv(folder / "phone_users.csv", dtype=str, keep_default_na=False)
    calls = pd.read_csv(folder / "calls.csv", dtype=str, keep_default_na=False)
    gm = pd.read_csv(folder / "ground_truth" / "gang_members.csv", dtype=str)
    gm = gm[gm.role != "broker"]
    gang = dict(zip(gm.person_id, gm.gang_id, strict=True))
    e164: dict[str, str | None] = {}
    for v in set(pu.number) | set(calls.caller) | set(calls.callee):
        try:
            e164[v] = norm(v)
        except phonenumbers.NumberParseException:
            e164[v] = None
    users: dict[str | None, set[str]] = defaultdict(set)
    for p, n in zip(pu.person_id, pu.number, strict=True):
        users[e164[n]].add(p)
    weight: Counter[tuple[str, str]] = Counter()
    for a, b in zip(calls.caller, calls.callee, strict=True):
        for x in users.get(e164.get(a), ()):
            for y in users.get(e164.get(b), ()):
                if x in gang and y in gang and x != y:
                    weight[(min(x, y), max(x, y))] += 1
    g = nx.Graph()
    g.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weight.items()))
    comms = nx.community.louvain_communities(g, weight="weight", seed=0)
    found = {p: i for i, c in enumerate(comms) for p in c}
    nodes = sorted(found)
    _, ai = np.unique([gang[p] for p in nodes], return_inverse=True)
    _, bi = np.unique([found[p] for p in nodes], return_inverse=True)
    joint = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(joint, (ai, bi), 1)
    joint /= len(nodes)
    pa, pb = joint.sum(1), joint.sum(0)
    nz = joint > 0
    mi = (joint[nz] * np.log(joint[nz] / np.outer(pa, pb)[nz])).sum()
    nmi = 2 * mi / (-(pa * np.log(pa)).sum() - (pb * np.log(pb)).sum())
    return {
        "nmi": float(nmi),
        "gangs": len(set(gang.values())),
        "communities": len(comms),
        "members": len(gang),
        "seconds": time.perf_counter() - t0,
    }


def _run_child(*args: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scales", default="10000,100000,1000000")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--nmi", action="store_true", help="score Louvain vs the planted gangs")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "synth":
            out = child_synth(int(rest[0]), Path(rest[1]))
        elif kind == "naive":
            out = child_naive(int(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]))
        elif kind == "to_csv":
            out = child_to_csv(Path(rest[0]), Path(rest[1]))
        else:
            out = child_nmi(Path(rest[0]))
        print(json.dumps(out))
        return 0

    scales = [int(s) for s in args.scales.split(",")]
    rows: list[dict[str, Any]] = []
    mib = 2**20
    print(f"netintel.synth benchmark, python {sys.version.split()[0]}; seconds, peak RSS in MiB")
    head = (
        f"{'calls':>10} {'synth s':>8} {'MiB':>6} {'naive s':>8} {'MiB':>6} "
        f"{'to_csv s':>8} {'naive/synth':>11} {'to_csv/synth':>12}"
    )
    print(head)
    for scale in scales:
        with tempfile.TemporaryDirectory() as tmp:
            synth_dir, naive_dir, pandas_dir = (Path(tmp) / d for d in ("s", "n", "p"))
            for d in (synth_dir, naive_dir, pandas_dir):
                d.mkdir()
            s = _run_child("synth", str(scale), str(synth_dir))
            n = _run_child("naive", str(scale), str(naive_dir), str(s["phones"]), str(s["towers"]))
            p = _run_child("to_csv", str(synth_dir / "calls.csv"), str(pandas_dir))
            row = {
                "calls": scale,
                "synth_s": s["seconds"],
                "synth_peak_mib": s["peak"] / mib,
                "synth_output_mib": s["bytes"] / mib,
                "naive_s": n["seconds"],
                "naive_peak_mib": n["peak"] / mib,
                "to_csv_s": p["seconds"],
                "to_csv_peak_mib": p["peak"] / mib,
                "naive_over_synth": n["seconds"] / s["seconds"],
                "to_csv_over_synth": p["seconds"] / s["seconds"],
            }
            if args.nmi:
                row.update(
                    {f"louvain_{k}": v for k, v in _run_child("nmi", str(synth_dir)).items()}
                )
        rows.append(row)
        print(
            f"{scale:>10,} {row['synth_s']:>8.2f} {row['synth_peak_mib']:>6.0f} "
            f"{row['naive_s']:>8.2f} {row['naive_peak_mib']:>6.0f} {row['to_csv_s']:>8.2f} "
            f"{row['naive_over_synth']:>11.2f} {row['to_csv_over_synth']:>12.2f}"
            + (
                f"   NMI {row['louvain_nmi']:.3f} ({row['louvain_communities']} communities"
                f" for {row['louvain_gangs']} gangs)"
                if args.nmi
                else ""
            ),
            flush=True,
        )
    print(
        "synth = the whole data set (all record files + ground truth); naive and to_csv = "
        "the call table alone."
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Chain inference benchmark: infer_handovers against the plain baseline, same run.

    .venv/bin/python bench/chains.py                         # 10k, 100k and 1M calls (~3 min)
    .venv/bin/python bench/chains.py --sizes 10000,100000    # a quicker look

For every size a synthetic case is generated with ``netintel.synth`` (``hide_transfers=0.5``,
seed ``--seed``, the generator's default evidence), its public record files are read with
``netintel.investigate.handover_frames`` (no database: the pure function is what is timed),
and both methods propose the withheld hand-overs:

* ``infer_handovers`` (default parameters);
* ``baseline``: :func:`netintel.investigate.baseline_handovers`, the most-called contact of the
  last holder in the window.

Scored against ``ground_truth/chains.csv`` (``public=false`` rows): a withheld hop is
``between`` when a public transfer of the same chain follows it (it lies between two known
holders; the abductor, named by the case, is the first), else ``after_last`` (the chain's
buyer is not known from the transfers). A proposed hop is right when victim, giver and
receiver match. ``whole_chains``: share of chains with a withheld hop whose withheld hops are
all proposed, and nothing else. ``seconds_per_1000_victims``: inference time only (the
frames are read before). ``evidence``: what the records hold about the withheld hops - the
share with a call between the two parties in the 60 hours before the hand-over, with both
seen at one place within an hour of it, with either, and with both parties suspects of the
victim's case - measured on the same frames. The load average before and after is recorded
(the machine has 2 cores and is shared). Results go to ``bench/results/chains.json``.
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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel.investigate import (  # noqa: E402
    baseline_handovers,
    handover_frames,
    infer_from_frames,
    score_handovers,
    withheld_handovers,
)
from netintel.synth import generate  # noqa: E402


def withheld(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The withheld hops (``withheld_handovers``, with ``at``) and every chain's hops."""
    gt = pd.read_csv(folder / "ground_truth" / "chains.csv", dtype=str)
    gt["at"] = pd.to_datetime(gt["at"], utc=True, format="ISO8601")
    return withheld_handovers(gt), gt


def evidence(truth: pd.DataFrame, frames: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Share of withheld hops with a call / a meeting / case roles for both parties."""
    calls = frames["calls"]
    pair: dict[tuple[str, str], list[int]] = {}
    for a, b, t in zip(calls["person_a"], calls["person_b"], calls["at"], strict=True):
        pair.setdefault((min(a, b), max(a, b)), []).append(t.value)
    pair_t = {k: np.sort(np.array(v)) for k, v in pair.items()}
    s = frames["sightings"]
    seen: dict[str, list[tuple[str, int]]] = {}
    for p, loc, t in zip(s["person_id"], s["location_id"], s["at"], strict=True):
        seen.setdefault(p, []).append((loc, t.value))
    roles = frames["case_roles"]
    victims = roles[roles["role"] == "victim"]
    suspects = roles[roles["role"] != "victim"]
    in_case = set(
        map(
            tuple,
            victims.merge(suspects, on="case_id", suffixes=("_v", "_s"))[
                ["person_id_v", "person_id_s"]
            ].to_numpy(),
        )
    )
    h60, h1 = pd.Timedelta("60h").value, pd.Timedelta("1h").value
    called = met = case = either = 0
    for v, a, b, at in zip(
        truth["victim_id"].astype(str),
        truth["from_id"].astype(str),
        truth["to_id"].astype(str),
        truth["at"],
        strict=True,
    ):
        t = int(pd.Timestamp(at).value)
        ts = pair_t.get((min(a, b), max(a, b)))
        c = ts is not None and bool(((ts >= t - h60) & (ts <= t)).any())
        near_a = [(loc, u) for loc, u in seen.get(a, []) if abs(u - t) <= h1]
        near_b = [(loc, u) for loc, u in seen.get(b, []) if abs(u - t) <= h1]
        m = any(la == lb and abs(ua - ub) <= h1 for la, ua in near_a for lb, ub in near_b)
        called += c
        met += m
        either += c or m
        case += (v, a) in in_case and (v, b) in in_case
    n = max(len(truth), 1)
    return {
        "withheld_hops": len(truth),
        "with_call_60h_before": round(called / n, 4),
        "with_meeting_1h": round(met / n, 4),
        "with_call_or_meeting": round(either / n, 4),
        "both_parties_case_suspects": round(case / n, 4),
    }


def whole_chains(pred: pd.DataFrame, truth: pd.DataFrame) -> float:
    want = {
        v: set(map(tuple, g[["from_id", "to_id"]].to_numpy()))
        for v, g in truth.groupby("victim_id")
    }
    got = {
        v: set(map(tuple, g[["from_id", "to_id"]].to_numpy())) for v, g in pred.groupby("victim_id")
    }
    return round(sum(got.get(v, set()) == w for v, w in want.items()) / max(len(want), 1), 4)


def run(scale: int, seed: int, hide: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-chains-") as tmp:
        t0 = time.perf_counter()
        generate(tmp, scale=scale, seed=seed, hide_transfers=hide)
        t_gen = time.perf_counter() - t0
        folder = Path(tmp)
        t0 = time.perf_counter()
        frames = handover_frames(folder)
        t_read = time.perf_counter() - t0
        truth, gt = withheld(folder)
    victims = gt["victim_id"].nunique()
    t0 = time.perf_counter()
    result = infer_from_frames(frames)
    t_infer = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = baseline_handovers(
        frames["transfers"], calls=frames["calls"], case_roles=frames["case_roles"]
    )
    t_base = time.perf_counter() - t0
    pred = result.to_frame()[["victim_id", "kind", "from_id", "to_id"]]
    s_inf, s_base = score_handovers(pred, truth), score_handovers(base, truth)
    ev = evidence(truth, frames)
    out: dict[str, Any] = {
        "scale": scale,
        "seed": seed,
        "hide_transfers": hide,
        "victims": int(victims),
        "calls_lifted": len(frames["calls"]),
        "public_transfers": len(frames["transfers"]),
        "withheld_transfers": len(truth),
        "infer_handovers": {
            **s_inf,
            "whole_chains": whole_chains(pred, truth),
            "seconds": round(t_infer, 3),
            "seconds_per_1000_victims": round(t_infer / victims * 1000, 3),
        },
        "baseline": {
            **s_base,
            "whole_chains": whole_chains(base, truth),
            "seconds": round(t_base, 3),
            "seconds_per_1000_victims": round(t_base / victims * 1000, 3),
        },
        "evidence": ev,
        "generate_seconds": round(t_gen, 2),
        "read_frames_seconds": round(t_read, 2),
    }
    f1 = s_inf["all"]["f1"]
    fb = s_base["all"]["f1"]
    out["f1_ratio_infer_over_baseline"] = round(f1 / fb, 2) if fb else None
    return out


def table(doc: dict[str, Any]) -> str:
    """The Markdown table of docs/benchmarks.md for a results document."""
    lines = [
        "| calls | victims | method | between P / R | after last P / R | whole chains "
        "| s per 1,000 victims |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in doc["runs"]:
        for name, key in (("infer_handovers", "infer_handovers"), ("baseline", "baseline")):
            m = r[key]
            lines.append(
                f"| {r['scale']:,} | {r['victims']:,} | {name} "
                f"| {m['between']['precision']:.3f} / {m['between']['recall']:.3f} "
                f"| {m['after_last']['precision']:.3f} / {m['after_last']['recall']:.3f} "
                f"| {m['whole_chains']:.3f} | {m['seconds_per_1000_victims']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def evidence_table(doc: dict[str, Any]) -> str:
    """The Markdown table of what the records hold about the withheld hops."""
    lines = [
        "| calls | withheld hops | call 60 h before | met within 1 h | either "
        "| both case suspects |",
        "|---|---|---|---|---|---|",
    ]
    for r in doc["runs"]:
        e = r["evidence"]
        lines.append(
            f"| {r['scale']:,} | {e['withheld_hops']:,} | {e['with_call_60h_before']:.3f} "
            f"| {e['with_meeting_1h']:.3f} | {e['with_call_or_meeting']:.3f} "
            f"| {e['both_parties_case_suspects']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hide", type=float, default=0.5)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "chains.json"))
    args = ap.parse_args()
    load_before = list(os.getloadavg())
    runs: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        r = run(size, args.seed, args.hide)
        inf: dict[str, Any] = r["infer_handovers"]
        base: dict[str, Any] = r["baseline"]
        print(
            f"{size:>9,} calls  {r['victims']:>5} victims  "
            f"between P/R {inf['between']['precision']:.3f}/{inf['between']['recall']:.3f} "
            f"(baseline {base['between']['precision']:.3f}/{base['between']['recall']:.3f})  "
            f"after_last P/R {inf['after_last']['precision']:.3f}/"
            f"{inf['after_last']['recall']:.3f}  whole chains {inf['whole_chains']:.3f}  "
            f"{inf['seconds_per_1000_victims']:.2f} s/1000 victims",
            flush=True,
        )
        runs.append(r)
    doc = {
        "benchmark": "chains",
        "command": "python bench/chains.py " + " ".join(sys.argv[1:]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_before": load_before,
        "load_after": list(os.getloadavg()),
        "runs": runs,
    }
    Path(args.out).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    print(table(doc))
    print(evidence_table(doc))


if __name__ == "__main__":
    main()

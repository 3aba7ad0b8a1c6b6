"""Contest baseline benchmark: netintel's own answers scored against the hidden truth.

    .venv/bin/python bench/contest.py                      # 3k, 10k, 50k calls x 3 seeds (~2 min)
    .venv/bin/python bench/contest.py --sizes 10000 --seeds 1

For every size and seed a challenge is built with ``netintel.contest.make_challenge``
(default generator parameters, dirty rows included), netintel's baseline submission with
its defaults (``find_gangs`` gangs, PageRank leaders, recorded and inferred chains,
``alias_candidates`` aliases) is scored with ``netintel.contest.score``, and beside it, for
comparison, the same baseline with ``algorithm="louvain"`` (resolution 1). The table of
``docs/contest.md`` ("Measured") is printed from these figures. Results go to
``bench/results/contest.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from netintel import __version__
from netintel.contest import baseline, load_truth, make_challenge, score

ROOT = Path(__file__).resolve().parents[1]
FIELDS = (
    "overall",
    "gangs_nmi",
    "gangs_ari",
    "chains_f1",
    "leaders_precision_at_k",
    "aliases_precision",
    "aliases_recall",
)


def one(calls: int, seed: int, work: Path) -> dict[str, Any]:
    """Build the challenge, score the default baseline and the Louvain one."""
    t = time.perf_counter()
    ch = make_challenge(work / f"c{calls}-{seed}", seed=seed, scale=calls)
    built = time.perf_counter() - t
    truth = load_truth(ch.truth)
    row: dict[str, Any] = {
        "calls": calls,
        "seed": seed,
        "gangs": len(set(truth.gangs.values())),
        "build_seconds": round(built, 1),
    }
    if ch.baseline is None:
        raise SystemExit("make_challenge wrote no baseline")
    for name, folder in (
        ("baseline", ch.baseline),
        ("louvain", baseline(ch.public, work / f"l{calls}-{seed}", algorithm="louvain")),
    ):
        s = score(folder, truth)
        row[name] = {f: round(float(getattr(s, f)), 4) for f in FIELDS}
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of docs/contest.md."""
    head = (
        "| calls | seed | gangs | overall | gangs NMI | gangs ARI | chains F1 | leaders P@k "
        "| aliases P / R | gangs ARI with Louvain |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n"
    )
    lines = []
    for r in rows:
        b = r["baseline"]
        lines.append(
            f"| {r['calls']:,} | {r['seed']} | {r['gangs']} | {b['overall']:.2f} "
            f"| {b['gangs_nmi']:.2f} | {b['gangs_ari']:.2f} | {b['chains_f1']:.2f} "
            f"| {b['leaders_precision_at_k']:.2f} "
            f"| {b['aliases_precision']:.2f} / {b['aliases_recall']:.2f} "
            f"| {r['louvain']['gangs_ari']:.2f} |"
        )
    return head + "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="3000,10000,50000", help="calls, comma-separated")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "contest.json")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    rows = []
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for calls in sizes:
            for seed in seeds:
                rows.append(one(calls, seed, Path(tmp)))
                print(json.dumps(rows[-1]), flush=True)
    result = {
        "command": "bench/contest.py " + " ".join(sys.argv[1:]),
        "machine": platform.platform(),
        "netintel": __version__,
        "elapsed_seconds": round(time.perf_counter() - t0, 1),
        "rows": rows,
        "table": table(rows),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(result["table"])


if __name__ == "__main__":
    main()

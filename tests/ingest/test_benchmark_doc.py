"""docs/benchmarks.md and the README state the ingest figures of bench/results/ingest.json."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _results() -> dict[str, Any]:
    return json.loads((ROOT / "bench" / "results" / "ingest.json").read_text(encoding="utf-8"))


def _row(text: str, path: str) -> list[str]:
    (line,) = [ln for ln in text.splitlines() if ln.startswith(f"| {path} |")]
    return [c.strip() for c in line.strip("|").split("|")]


def test_the_ingest_table_is_the_committed_run() -> None:
    r = _results()
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    ours = _row(text, "netintel `ingest`")
    ref = _row(text, "`LOAD CSV ... IN TRANSACTIONS`")
    n = r["netintel"]
    assert float(ours[1]) == round(n["seconds"], 1)
    assert ours[3] == f"{r['throughput_ratio_netintel_vs_load_csv']:.2f}"
    assert float(ours[5]) == round(n["write_seconds"], 1)
    assert ours[6] == f"{n['peak_rss_mb'] / 1024:.2f} GB"
    assert float(ref[1]) == round(r["load_csv"]["seconds"], 1)
    assert r["same_graph"] and n["rows_loaded"] == r["rows"] == 1_000_000


def test_the_readme_quotes_the_same_run() -> None:
    r = _results()
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    m = re.search(
        r"1,000,000 validated call records in ([\d.]+) s, ([\d.]+)x the throughput of "
        r"Neo4j's own `LOAD CSV \.\.\. IN TRANSACTIONS` \(([\d.]+) s",
        text,
    )
    assert m is not None
    assert float(m[1]) == round(r["netintel"]["seconds"], 1)
    assert m[2] == f"{r['throughput_ratio_netintel_vs_load_csv']:.2f}"
    assert float(m[3]) == round(r["load_csv"]["seconds"], 1)

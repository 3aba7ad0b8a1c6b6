"""The main job: sample data into Neo4j, then a summary, a report and a map.

Uses the local Neo4j (started when NEO4J_URI is not set), the VAST 2008 call
records from ``../shared/data`` and, when available, a synthetic investigation
data set with planted answers.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pandas as pd

from netintel.db import clear_graph, graph_summary

__all__ = ["DemoResult", "run_demo"]

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NETINTEL_SHARED_DATA", ROOT.parent / "shared" / "data"))
VAST_MAPPING = ROOT / "docs" / "examples" / "vast2008.mapping.yaml"


@dataclass(frozen=True)
class DemoResult:
    report: Path
    map_html: Path | None
    summary: pd.DataFrame


def _top_phones(driver: neo4j.Driver, limit: int = 10) -> pd.DataFrame:
    records, _, _ = driver.execute_query(
        "MATCH (p:Phone)-[r:CALLED]-() WHERE r.source = 'cdr.csv' "
        "RETURN p.number AS phone, count(r) AS calls, sum(r.duration_s) AS seconds "
        "ORDER BY calls DESC, phone LIMIT $limit",
        limit=limit,
    )
    return pd.DataFrame([r.data() for r in records], columns=["phone", "calls", "seconds"])


def _call_map(driver: neo4j.Driver, out: Path, center: str = "200") -> Path:
    """An offline pyvis map of the calls around one phone (two hops)."""
    from pyvis.network import Network

    records, _, _ = driver.execute_query(
        "MATCH (c:Phone {number: $center})-[:CALLED]-(n:Phone) "
        "WITH c, collect(DISTINCT n) + c AS ring "
        "UNWIND ring AS a MATCH (a)-[r:CALLED]->(b) WHERE b IN ring "
        "RETURN a.number AS a, b.number AS b, count(r) AS calls",
        center=center,
    )
    net = Network(
        height="720px", width="100%", directed=True, cdn_resources="in_line", notebook=False
    )
    for rec in records:
        for node in (rec["a"], rec["b"]):
            if node not in net.get_nodes():
                net.add_node(
                    node,
                    label=node,
                    title=f"phone {html.escape(node)}",
                    color="#d62728" if node == center else "#1f77b4",
                )
        net.add_edge(rec["a"], rec["b"], value=rec["calls"], title=f"{rec['calls']} calls")
    net.toggle_physics(True)
    path = out / "map.html"
    net.write_html(str(path), notebook=False)
    return path


def run_demo(
    out: Path,
    *,
    clear: bool = True,
    echo: Callable[[str], None] = print,
    driver: neo4j.Driver | None = None,
) -> DemoResult:
    """Run the demo end to end and return where its report and map are."""
    from netintel.config import driver as open_driver
    from netintel.ingest import ingest

    out.mkdir(parents=True, exist_ok=True)
    own = driver is None
    drv = open_driver() if driver is None else driver
    try:
        if clear:
            clear_graph(drv)
        cdr = SHARED_DATA / "vast2008_mc3_cdr" / "cdr.csv"
        echo(f"ingesting {cdr}")
        reports = [ingest(cdr, driver=drv, mapping=VAST_MAPPING, reject_dir=out / "rejects")]
        echo(str(reports[-1]))
        if importlib.util.find_spec("netintel.synth") is not None:
            synth = importlib.import_module("netintel.synth")
            sample = out / "sample"
            synth.generate(sample, seed=7)
            echo(f"ingesting the synthetic sample in {sample}")
            reports.append(ingest(sample, driver=drv, reject_dir=out / "rejects"))
            echo(str(reports[-1]))
        summary = graph_summary(drv)
        echo(summary.to_string(index=False))
        top = _top_phones(drv)
        map_path = _call_map(drv, out)
    finally:
        if own:
            drv.close()
    report = out / "report.md"
    lines = ["# netintel demo report", ""]
    for r in reports:
        lines += ["## Ingest " + r.run_id, "", "```", str(r), "```", ""]
    lines += [
        "## Graph",
        "",
        summary.to_markdown(index=False),
        "",
        "## Busiest phones (VAST 2008)",
        "",
        top.to_markdown(index=False),
        "",
        f"Map of the calls around phone 200: `{map_path.name}`",
        "",
    ]
    report.write_text("\n".join(lines), encoding="utf-8")
    return DemoResult(report, map_path, summary)

"""The main job: sample data into Neo4j, then a summary, the case report and maps.

Runs in its own local case, ``demo`` (its own database and server, see
:func:`netintel.server.case_dir`), so it never touches the case an analyst ingests
into; each run clears that case first. Loads the VAST 2008 call records from
``../shared/data`` and a synthetic investigation data set with planted answers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import neo4j
import pandas as pd

from netintel.config import Connection
from netintel.db import clear_graph, graph_summary, run_query
from netintel.report import Section, case_report

__all__ = ["DEMO_CASE", "DemoResult", "run_demo"]

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NETINTEL_SHARED_DATA", ROOT.parent / "shared" / "data"))
VAST_MAPPING = ROOT / "docs" / "examples" / "vast2008.mapping.yaml"
DEMO_CASE = "demo"
"""The local case the demo runs in."""


@dataclass(frozen=True)
class DemoResult:
    report: Path
    map_html: Path | None
    summary: pd.DataFrame
    report_html: Path | None = None
    call_map: Path | None = None


def _top_phones(
    driver: neo4j.Driver, source: str, limit: int = 10, database: str | None = None
) -> pd.DataFrame:
    """The ``limit`` busiest phones of the calls ingested from the file named ``source``."""
    rows = run_query(driver, "demo_top_phones", database=database, source=source, limit=limit)
    return pd.DataFrame(rows, columns=["phone", "calls", "seconds"])


def _call_map(
    driver: neo4j.Driver, out: Path, center: str = "200", database: str | None = None
) -> Path:
    """An offline map of the calls among phone ``center`` and its contacts."""
    import networkx as nx

    from netintel.viz import network_map

    records = run_query(driver, "demo_call_ring", database=database, center=center)
    G = nx.DiGraph()
    for rec in records:
        G.add_edge(
            rec["a"],
            rec["b"],
            weight=rec["calls"],
            seconds=rec["seconds"],
            first_record=rec["first"],
        )
    return network_map(
        G,
        out / "vast_calls.html",
        title=f"Calls around phone {center} (VAST 2008)",
        highlight=center,
    )


def run_demo(
    out: Path,
    *,
    clear: bool = True,
    echo: Callable[[str], None] = print,
    driver: neo4j.Driver | None = None,
    connection: Connection | None = None,
) -> DemoResult:
    """Run the demo end to end and return where its report and map are.

    Without ``driver`` it runs in the local case :data:`DEMO_CASE` (started when needed;
    with ``NEO4J_URI`` set this is a :class:`~netintel.exceptions.CaseError`), and
    ``clear`` empties that case first, its earlier demo ingests included. With ``driver``
    it runs there, and ``clear`` refuses a graph that holds ingests
    (:func:`netintel.db.clear_graph`).

    Parameters
    ----------
    out : Path
        The folder for the report, the maps, the rejects and the synthetic sample.
    clear : bool
        Empty the graph first (see above).
    echo : callable
        Told what the demo does, a line at a time.
    driver : neo4j.Driver or None
        Run on this driver (the caller closes it) instead of the demo case.
    connection : Connection or None
        Without ``driver``: the demo case's settings, as
        ``netintel.config.connection(case=DEMO_CASE, ...)`` gives them (the command line
        passes its flags this way); default ``connection(case=DEMO_CASE)``.

    Returns
    -------
    DemoResult
    """
    from netintel import config
    from netintel.config import driver as open_driver
    from netintel.ingest import ingest
    from netintel.synth import generate

    out.mkdir(parents=True, exist_ok=True)
    own = driver is None
    database = None
    if driver is None:
        conn = connection if connection is not None else config.connection(case=DEMO_CASE)
        database = conn.database
        drv = open_driver(conn)
    else:
        drv = driver
    try:
        if clear:
            clear_graph(drv, force=own, database=database)
        cdr = SHARED_DATA / "vast2008_mc3_cdr" / "cdr.csv"
        echo(f"ingesting {cdr}")
        reports = [
            ingest(
                cdr, driver=drv, mapping=VAST_MAPPING, reject_dir=out / "rejects", database=database
            )
        ]
        echo(str(reports[-1]))
        sample = out / "sample"
        synth = generate(sample, seed=7)
        gangs = synth.entities["gangs"]
        echo(f"generated a synthetic investigation ({gangs} planted gangs) in {sample}")
        reports.append(
            ingest(
                sample,
                driver=drv,
                mapping=sample / "mapping.yaml",
                reject_dir=out / "rejects",
                database=database,
            )
        )
        echo(str(reports[-1]))
        summary = graph_summary(drv, database=database)
        echo(summary.to_string(index=False))
        top = _top_phones(drv, cdr.name, database=database)
        call_map = _call_map(drv, out, database=database)
        extra = Section(
            "VAST 2008 call records",
            [
                "Busiest phones:",
                top,
                f"Map of the calls around phone 200: `{call_map.name}`.",
            ],
        )
        members = pd.read_csv(sample / "ground_truth" / "gang_members.csv", dtype=str)
        members = members[members["role"] != "broker"]  # brokers work for several gangs
        planted = dict(zip(members["person_id"], members["gang_id"], strict=True))
        case = case_report(drv, out, database=database, echo=echo, extra=[extra], truth=planted)
    finally:
        if own:
            drv.close()
    return DemoResult(case.markdown, case.map_html or call_map, summary, case.html, call_map)

"""Figure: the timeline under a call map, a week of a month chosen (docs/maps.md).

    .venv/bin/python docs/figures/maps_timeline.py     # writes map-timeline.png here

Four groups of people calling each other in May 2023 (Asia/Shanghai); records carry
the time of each call, as the call projections do.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT)]

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

from netintel.viz import network_map  # noqa: E402
from netintel.viz.browser import chromium  # noqa: E402


def calls(seed: int = 3) -> nx.Graph:
    """Groups of 8 people; each group is busy in its own week, with a few calls outside it."""
    rng = np.random.default_rng(seed)
    G = nx.relaxed_caveman_graph(4, 8, 0.1, seed=seed)
    G.remove_edges_from(list(nx.selfloop_edges(G)))
    G.graph.update(projection="person_calls", label="Person", timezone="Asia/Shanghai")
    start = dt.datetime(2023, 5, 1, tzinfo=dt.UTC)
    for u, v in G.edges:
        week = min(u, v) // 8
        n = int(rng.integers(1, 6))
        days = np.where(rng.random(n) < 0.8, week * 7 + rng.random(n) * 7, rng.random(n) * 31)
        times = sorted(start + dt.timedelta(days=float(d)) for d in days)
        G.edges[u, v]["type"] = "CALLED"
        G.edges[u, v]["records"] = [
            {"source": "cdr.csv", "source_row": 2 + i, "at": t} for i, t in enumerate(times)
        ]
    nx.set_node_attributes(G, {v: f"Person {v}" for v in G}, "name")
    return G


def main(out: Path = HERE) -> Path:
    target = out / "map-timeline.png"
    with tempfile.TemporaryDirectory() as tmp, chromium(1400, 900) as driver:
        page = network_map(calls(), Path(tmp) / "timeline.html", title="Calls, May 2023")
        driver.get(page.as_uri())
        deadline = time.monotonic() + 30
        while not driver.execute_script("return !!(window.netintel && netintel.ready)"):
            if time.monotonic() > deadline:
                raise RuntimeError("the map was not drawn")
            time.sleep(0.05)
        driver.execute_script("netintel.setTimeSteps(250, 480)")
        time.sleep(0.3)
        driver.save_screenshot(str(target))
    return target


if __name__ == "__main__":
    print(main())

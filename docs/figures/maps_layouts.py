"""Figures: one map per layout, as headless Chromium draws it at 1400x900 (docs/maps.md).

    .venv/bin/python docs/figures/maps_layouts.py      # writes map-*.png here

The graphs are those of ``tests/test_browser_layout.py`` (``tests/layout_graphs.py``),
which checks that every node is on screen and readable in these very maps.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import networkx as nx  # noqa: E402
from layout_graphs import path_of_communities, places, shapes, transfer_chains  # noqa: E402

from netintel.viz import network_map  # noqa: E402
from netintel.viz.browser import chromium  # noqa: E402


def _maps(folder: Path) -> dict[str, Path]:
    calls = nx.relaxed_caveman_graph(6, 8, 0.15, seed=4)
    calls.graph.update(projection="person_calls", label="Person")
    row, member = path_of_communities(k=80)
    return {
        "map-force.png": network_map(
            shapes()["mixed"], folder / "force.html", default_type="Person", title="force"
        ),
        "map-hierarchical.png": network_map(
            transfer_chains(), folder / "chains.html", title="Transfers (hierarchical)"
        ),
        "map-boxes.png": network_map(
            calls,
            folder / "boxes.html",
            communities={v: v // 8 for v in calls},
            max_nodes=None,
            title="Calls (boxes)",
        ),
        "map-overview-row.png": network_map(
            row, folder / "row.html", communities=member, max_nodes=50, title="overview"
        ),
        "map-geo.png": network_map(places(), folder / "places.html", title="Sightings (geo)"),
    }


def main(out: Path = HERE) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as tmp, chromium(1400, 900) as driver:
        for name, page in _maps(Path(tmp)).items():
            driver.get(page.as_uri())
            deadline = time.monotonic() + 30
            while not driver.execute_script("return !!(window.netintel && netintel.ready)"):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{page.name} was not drawn")
                time.sleep(0.05)
            time.sleep(0.3)
            target = out / name
            driver.save_screenshot(str(target))
            written.append(target)
    return written


if __name__ == "__main__":
    for path in main():
        print(path)

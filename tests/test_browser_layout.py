"""Maps of known shapes in headless Chromium at 1400x900: every node on screen, readable.

Positions are read back from vis-network (``getPositions`` + ``canvasToDOM``) once the
page has drawn; screenshots go to ``out/test-artifacts/``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from layout_graphs import CHAINS, CITIES, path_of_communities, places, shapes, transfer_chains
from test_browser import assert_offline_and_clean, open_map, screenshot

from netintel.viz import network_map
from netintel.viz.browser import browser_missing, chromium

pytestmark = pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "")

#: readable: node centres this far apart on screen, dots at least this radius, and labels
#: drawn (vis-network skips a label whose font is under 7 px on screen)
MIN_GAP_PX, MIN_RADIUS_PX, MIN_FONT_PX = 12.0, 4.0, 7.0

ON_SCREEN = """
var net = netintel.network, box = document.getElementById('ni-net');
var ids = netintel.nodes.getIds(), pos = net.getPositions(ids), scale = net.getScale();
var out = {};
ids.forEach(function (id) {
  var p = net.canvasToDOM(pos[id]), b = net.getBoundingBox(id);
  var tl = net.canvasToDOM({x: b.left, y: b.top}), br = net.canvasToDOM({x: b.right, y: b.bottom});
  out[id] = [p.x, p.y, (netintel.nodes.get(id).size || 10) * scale, tl.x, tl.y, br.x, br.y];
});
return {width: box.clientWidth, height: box.clientHeight, scale: scale, nodes: out,
  timeline: document.getElementById('ni-timeline').offsetHeight};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(1400, 900) as driver:
        yield driver


def on_screen(driver: Any) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    got = driver.execute_script(ON_SCREEN)
    return got, {str(k): np.array(v, dtype=float) for k, v in got["nodes"].items()}


def assert_readable(driver: Any, expected_nodes: int) -> dict[str, np.ndarray]:
    """Every node (dot and label) inside the map's box, far enough apart, big enough."""
    got, nodes = on_screen(driver)
    assert len(nodes) == expected_nodes
    w, h = got["width"], got["height"]
    # 1400x900 less the legend, the bar and the timeline (maps whose links have times)
    assert (w, h + got["timeline"]) == (1129, 721)
    a = np.array(list(nodes.values()))
    x, y, r = a[:, 0], a[:, 1], a[:, 2]
    off = [k for k, v in nodes.items() if not (v[0] - v[2] >= 0 and v[0] + v[2] <= w)]
    off += [k for k, v in nodes.items() if not (v[1] - v[2] >= 0 and v[1] + v[2] <= h)]
    assert off == [], f"{len(off)} nodes off screen, e.g. {off[:3]}"
    boxes_off = [k for k, v in nodes.items() if v[3] < 0 or v[4] < 0 or v[5] > w or v[6] > h]
    assert boxes_off == [], f"{len(boxes_off)} nodes' labels off screen"
    assert r.min() >= MIN_RADIUS_PX, r.min()
    assert 14 * got["scale"] >= MIN_FONT_PX, got["scale"]  # labels are drawn
    d = np.hypot(x[:, None] - x[None], y[:, None] - y[None])[np.triu_indices(len(a), 1)]
    assert d.min() >= MIN_GAP_PX, d.min()
    return nodes


@pytest.mark.parametrize("shape", sorted(shapes()))
def test_every_shape_fits_the_screen_readably(browser: Any, tmp_path: Path, shape: str) -> None:
    G = shapes()[shape]
    path = network_map(G, tmp_path / f"{shape}.html", default_type="Person", title=shape)
    open_map(browser, path.as_uri())
    assert_readable(browser, G.number_of_nodes())
    screenshot(browser, f"layout-{shape}.png")
    assert_offline_and_clean(browser)


def test_the_overview_of_a_path_of_communities_fits_the_screen(
    browser: Any, tmp_path: Path
) -> None:
    G, member = path_of_communities(k=80)
    path = network_map(G, tmp_path / "row.html", communities=member, max_nodes=50)
    open_map(browser, path.as_uri())
    assert browser.execute_script("return netintel.view") == "overview"
    assert_readable(browser, 80)
    screenshot(browser, "layout-overview-path.png")


def test_a_hierarchical_chains_map_shows_every_chain_left_to_right(
    browser: Any, tmp_path: Path
) -> None:
    G = transfer_chains()
    path = network_map(G, tmp_path / "chains.html", title="Transfers")
    open_map(browser, path.as_uri())
    nodes = assert_readable(browser, G.number_of_nodes())
    assert on_screen(browser)[0]["timeline"] == 119  # transfers have times: a timeline
    index = browser.execute_script("return netintel.data.nodes.id")
    at = {index[int(k)]: v for k, v in nodes.items()}
    for victim, people in CHAINS.items():
        xs = [at[p][0] for p in people]
        assert all(a < b for a, b in itertools.pairwise(xs)), (victim, xs)
    shot = screenshot(browser, "layout-hierarchical.png")
    assert shot.stat().st_size > 20_000


def test_group_in_a_box_fits_the_screen(browser: Any, tmp_path: Path) -> None:
    G = nx.relaxed_caveman_graph(6, 8, 0.15, seed=4)
    G.graph.update(projection="person_calls", label="Person")
    member = {v: v // 8 for v in G}
    path = network_map(G, tmp_path / "boxes.html", communities=member, max_nodes=None)
    open_map(browser, path.as_uri())
    nodes = assert_readable(browser, 48)
    parts = [np.array([nodes[str(v)][:2] for v in G if v // 8 == c]) for c in range(6)]
    for i in range(6):
        for j in range(i + 1, 6):
            a, b = parts[i], parts[j]
            apart = (a.max(axis=0) < b.min(axis=0)) | (b.max(axis=0) < a.min(axis=0))
            assert apart.any(), (i, j)
    screenshot(browser, "layout-boxes.png")


def test_a_geographic_map_keeps_the_compass_on_screen(browser: Any, tmp_path: Path) -> None:
    G = places()
    path = network_map(G, tmp_path / "places.html", title="Sightings", max_nodes=None)
    open_map(browser, path.as_uri())
    nodes = assert_readable(browser, G.number_of_nodes())
    index = browser.execute_script("return netintel.data.nodes.id")
    at = {index[int(k)]: v[:2] for k, v in nodes.items()}
    assert at["Milan"][1] < at["Rome"][1] < at["Palermo"][1]  # north up, on screen
    assert at["Turin"][0] < at["Venice"][0] < at["Bari"][0]
    assert min(at[x][1] for x in ("X1", "X2", "X3")) > max(at[c][1] for c in CITIES)
    screenshot(browser, "layout-geo.png")

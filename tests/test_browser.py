"""Maps opened in headless Chromium, offline: drawn, error-free, no request leaves the page.

Screenshots go to ``out/test-artifacts/`` (git-ignored). The browser is Debian's
chromium with its chromium-driver (``make browser`` installs them); the tests
skip only when those are absent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from netintel.algorithms import key_players, louvain
from netintel.viz import network_map, notebook_view
from netintel.viz.browser import browser_missing, chromium, page_requests, severe_logs

ARTIFACTS = Path(__file__).resolve().parent.parent / "out" / "test-artifacts"
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")

pytestmark = pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        import selenium  # noqa: F401
    except ImportError:  # a missing dev dependency is a failure, not a skip
        pytest.fail("selenium is missing: pip install -e '.[dev]'")
    with chromium() as driver:
        yield driver


def open_map(driver: Any, url: str, timeout: float = 30.0) -> None:
    """Load ``url`` and wait until the network has been drawn once."""
    severe_logs(driver)  # drop what earlier pages logged
    page_requests(driver)
    driver.get(url)
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return !!(window.netintel && window.netintel.ready)"):
        if time.monotonic() > deadline:
            raise AssertionError(f"the map was not drawn within {timeout} s: {severe_logs(driver)}")
        time.sleep(0.05)


def assert_offline_and_clean(driver: Any) -> None:
    assert severe_logs(driver) == []
    sent = page_requests(driver)
    assert sent, "the performance log recorded nothing"
    assert [u for u in sent if not u.startswith(LOCAL_SCHEMES)] == []
    fetched = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    assert [u for u in fetched if u.startswith(("http:", "https:", "ws:", "wss:"))] == []


def painted_pixels(driver: Any) -> int:
    """How many pixels of the network canvas are not background."""
    return int(
        driver.execute_script(
            """
            var c = document.querySelector('#ni-net canvas');
            var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
            for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) n += 1; }
            return n;
            """
        )
    )


def counts(driver: Any) -> dict[str, int]:
    return dict(
        driver.execute_script(
            "var c = netintel.visibleCounts();"
            "return {nodes: netintel.nodes.length, edges: netintel.edges.length,"
            " visible: c.nodes, visibleEdges: c.edges};"
        )
    )


def screenshot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path)), f"no screenshot written to {path}"
    return path


def gangs(n_gangs: int = 4, size: int = 15, seed: int = 0) -> nx.Graph:
    """Gangs of people calling each other, a few phones, records on every call edge."""
    rng = np.random.default_rng(seed)
    G = nx.Graph()
    for g in range(n_gangs):
        members = [f"p{g}-{i}" for i in range(size)]
        for i, m in enumerate(members):
            G.add_node(
                m, label="Person", name=f"Person {g}-{i}", source="persons.csv", source_row=i
            )
        for m in members:
            for other in rng.choice(members, size=3, replace=False):
                if other != m:
                    G.add_edge(
                        m,
                        str(other),
                        type="CALLED",
                        weight=int(rng.integers(1, 9)),
                        records=[{"source": "cdr.csv", "source_row": int(rng.integers(2, 999))}],
                    )
        phone = f"+49151{g:05d}"
        G.add_node(phone, label="Phone")
        G.add_edge(members[0], phone, type="USES", source="phone_users.csv", source_row=g)
    for g in range(n_gangs - 1):
        G.add_edge(f"p{g}-1", f"p{g + 1}-2", type="CALLED", weight=1)
    return G


def test_map_draws_every_node_and_edge_offline(browser: Any, tmp_path: Path) -> None:
    G = gangs()
    comm = louvain(G, seed=1)
    kp = key_players(G, metrics=["betweenness"])
    path = network_map(
        G,
        tmp_path / "gangs.html",
        title="Four gangs",
        communities=comm,
        size_by=kp.table["betweenness"],
        highlight="p0-0",
    )
    open_map(browser, path.as_uri())
    got = counts(browser)
    assert got == {
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "visible": G.number_of_nodes(),
        "visibleEdges": G.number_of_edges(),
    }
    assert browser.execute_script("return netintel.network.getPositions()['0'] !== undefined")
    assert painted_pixels(browser) > 20_000
    legend = browser.find_element("id", "ni-legend").text
    assert "Person" in legend and "CALLED" in legend
    # each community is named after its member with the highest score (the size)
    bt = kp.table["betweenness"]
    leaders = [max(sorted(members), key=lambda m: bt[m]) for members in comm.communities]
    for m in leaders:
        assert f"{G.nodes[m]['name']}'s group" in legend
    shot = screenshot(browser, "map-gangs.png")
    assert shot.stat().st_size > 30_000
    assert_offline_and_clean(browser)


def test_tooltips_filters_and_search(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    G = gangs()
    comm = louvain(G, seed=1)
    path = network_map(G, tmp_path / "filters.html", communities=comm)
    open_map(browser, path.as_uri())
    # hover a node: the tooltip shows its key facts
    xy = browser.execute_script(
        "var i = netintel.data.nodes.id.indexOf('p1-3');"
        "var p = netintel.network.canvasToDOM(netintel.network.getPositions([i])[i]);"
        "var r = document.querySelector('#ni-net').getBoundingClientRect();"
        "return [p.x + r.left, p.y + r.top];"
    )
    body = browser.find_element("tag name", "body")
    size = body.size
    ActionChains(browser).move_to_element_with_offset(
        body, int(xy[0] - size["width"] / 2), int(xy[1] - size["height"] / 2)
    ).perform()
    deadline = time.monotonic() + 5
    tip = ""
    while "Person 1-3" not in tip and time.monotonic() < deadline:
        time.sleep(0.1)
        tip = browser.execute_script(
            "var t = document.querySelector('.vis-tooltip');"
            "return t && t.style.visibility !== 'hidden' ? t.innerText : '';"
        )
    assert "Person \u00b7 Person 1-3" in tip and "source: persons.csv" in tip
    # community filter
    browser.execute_script(
        "var s = document.getElementById('ni-community'); s.value = '1';"
        "s.dispatchEvent(new Event('change'));"
    )
    assert counts(browser)["visible"] == len(comm.communities[1])
    assert "nodes" in browser.find_element("id", "ni-stats").text
    browser.find_element("id", "ni-reset").click()
    assert counts(browser)["visible"] == G.number_of_nodes()
    # type filter: untick Phone in the legend
    types = browser.execute_script(
        "return netintel.data.types.map(function (t) { return t.name; })"
    )
    browser.find_element("css selector", f"input[data-type='{types.index('Phone')}']").click()
    assert counts(browser)["visible"] == G.number_of_nodes() - 4
    browser.find_element("id", "ni-reset").click()
    # search by name selects the matches
    box = browser.find_element("id", "ni-search")
    box.send_keys("Person 2-1")
    box.send_keys("\n")
    hits = browser.execute_script("return netintel.network.getSelectedNodes().length")
    assert hits == 6  # Person 2-1 and Person 2-10 ... 2-14
    assert_offline_and_clean(browser)


def test_overview_opens_a_drill_down_map_per_community(browser: Any, tmp_path: Path) -> None:
    G = gangs(n_gangs=6, size=20)
    comm = louvain(G, seed=2)
    path = network_map(G, tmp_path / "big.html", communities=comm, max_nodes=50)
    open_map(browser, path.as_uri())
    assert browser.execute_script("return netintel.view") == "overview"
    assert counts(browser)["nodes"] == len(comm.communities)
    screenshot(browser, "map-overview.png")
    link = browser.find_element("css selector", "#ni-legend a[href='#community-2']")
    link.click()
    deadline = time.monotonic() + 5
    while browser.execute_script("return netintel.view") != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    got = counts(browser)
    members = comm.communities[2]
    inside = G.subgraph(members).number_of_edges()
    assert (got["nodes"], got["edges"]) == (len(members), inside)
    assert browser.find_element("id", "ni-back").is_displayed()
    screenshot(browser, "map-community-2.png")
    browser.find_element("id", "ni-back").click()
    time.sleep(0.2)
    assert browser.execute_script("return netintel.view") == "overview"
    assert_offline_and_clean(browser)


def test_large_map_draws_with_physics_off(browser: Any, tmp_path: Path) -> None:
    G = nx.relaxed_caveman_graph(125, 20, 0.05, seed=3)  # 2,500 nodes
    path = network_map(G, tmp_path / "large.html", default_type="Person")
    open_map(browser, path.as_uri(), timeout=60)
    got = counts(browser)
    assert (got["nodes"], got["edges"]) == (2500, G.number_of_edges())
    assert browser.execute_script("return netintel.network.physics.physicsEnabled") is False
    assert painted_pixels(browser) > 50_000
    screenshot(browser, "map-large.png")
    assert_offline_and_clean(browser)


def test_notebook_iframe_draws_without_a_server(browser: Any, tmp_path: Path) -> None:
    G = gangs(n_gangs=2)
    frame = notebook_view(network_map(G, tmp_path / "nb.html"), height="500px").data
    wrapper = tmp_path / "notebook.html"
    wrapper.write_text(f"<!DOCTYPE html><html><body>{frame}</body></html>", encoding="utf-8")
    severe_logs(browser)
    page_requests(browser)
    browser.get(wrapper.as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        deadline = time.monotonic() + 20
        while not browser.execute_script("return !!(window.netintel && netintel.ready)"):
            assert time.monotonic() < deadline, severe_logs(browser)
            time.sleep(0.05)
        assert browser.execute_script("return netintel.nodes.length") == G.number_of_nodes()
    finally:
        browser.switch_to.default_content()
    screenshot(browser, "map-notebook.png")
    assert_offline_and_clean(browser)


def test_the_checks_catch_a_page_that_reaches_out(browser: Any, tmp_path: Path) -> None:
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="https://cdn.example.invalid/x.png">'
        "<script>undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    severe_logs(browser)
    page_requests(browser)
    browser.get(page.as_uri())
    time.sleep(0.5)
    with pytest.raises(AssertionError):
        assert_offline_and_clean(browser)
    browser.get(page.as_uri())
    time.sleep(0.5)
    assert "https://cdn.example.invalid/x.png" in page_requests(browser)
    assert any("undefinedFunction" in m for m in severe_logs(browser))

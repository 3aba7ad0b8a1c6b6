"""The map's work surface in headless Chromium (issue #14, part 4): the path tool, hide
and show, pin, collapse and expand, undo, saved and loaded positions, the PNG snapshot."""

from __future__ import annotations

import base64
import io
import json
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from netintel.viz import network_map
from netintel.viz.browser import browser_missing, chromium, severe_logs
from tests.test_browser import counts, open_map, screenshot

pytestmark = pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def recs(n: int, first: int = 2) -> list[dict[str, Any]]:
    return [{"source": "cdr.csv", "source_row": first + i} for i in range(n)]


def diamond() -> nx.Graph:
    """Two shortest paths a-b-d and a-c-d; a longer a-e-f-d; b's leaves l1 and l2; an
    island x-y with no path to a."""
    G = nx.Graph()
    for v in ["a", "b", "c", "d", "e", "f", "l1", "l2", "x", "y"]:
        G.add_node(v, label="Person", name=f"P-{v}")
    G.add_edge("a", "b", type="CALLED", records=recs(7))
    G.add_edge("b", "d", type="CALLED", records=recs(1, 20))
    G.add_edge("a", "c", type="CALLED", records=recs(2, 30))
    G.add_edge("c", "d", type="CALLED", records=recs(1, 40))
    G.add_edge("a", "e", type="CALLED", records=recs(1, 50))
    G.add_edge("e", "f", type="CALLED", records=recs(1, 51))
    G.add_edge("f", "d", type="CALLED", records=recs(1, 52))
    G.add_edge("b", "l1", type="CALLED", records=recs(1, 60))
    G.add_edge("b", "l2", type="CALLED", records=recs(1, 61))
    G.add_edge("x", "y", type="CALLED", records=recs(1, 70))
    return G


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Any:
    path = network_map(diamond(), tmp_path / "surface.html", layout="force")
    open_map(browser, Path(path).as_uri())
    return browser


def idx(driver: Any, name: str) -> int:
    return int(driver.execute_script(f"return netintel.data.nodes.id.indexOf('{name}')"))


def link(driver: Any, u: str, v: str) -> int:
    return int(
        driver.execute_script(
            "var D = netintel.data, a = D.nodes.id.indexOf(arguments[0]),"
            " b = D.nodes.id.indexOf(arguments[1]);"
            "for (var k = 0; k < D.edges.from.length; k += 1) {"
            "  var f = D.edges.from[k], t = D.edges.to[k];"
            "  if ((f === a && t === b) || (f === b && t === a)) return k; }"
            "return -1;",
            u,
            v,
        )
    )


def state(driver: Any) -> dict[str, Any]:
    """What the DataSets hold: hidden, on-path, pinned and label per node name; on-path
    links as ``u-v``."""
    return dict(
        driver.execute_script(
            """
            var ids = netintel.data.nodes.id, s = {hidden: [], onPath: [], pinned: [],
              labels: {}, pathLinks: []};
            netintel.nodes.get().forEach(function (n) {
              if (n.hidden) s.hidden.push(ids[n.id]);
              if (n.onPath) s.onPath.push(ids[n.id]);
              if (n.fixed && n.fixed.x && n.fixed.y) s.pinned.push(ids[n.id]);
              s.labels[ids[n.id]] = n.label;
            });
            netintel.edges.get().forEach(function (e) {
              if (e.onPath) s.pathLinks.push([ids[e.from], ids[e.to]].sort().join('-'));
            });
            ['hidden', 'onPath', 'pinned', 'pathLinks'].forEach(function (k) { s[k].sort(); });
            return s;
            """
        )
    )


def js(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def click_node(driver: Any, name: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = driver.find_element("css selector", "#ni-net canvas")
    dx, dy = js(
        driver,
        "var n = netintel.network, p = n.canvasToDOM(n.getPosition(arguments[0]));"
        "var c = document.querySelector('#ni-net canvas').getBoundingClientRect();"
        "return [p.x - c.width / 2, p.y - c.height / 2];",
        idx(driver, name),
    )
    ActionChains(driver).move_to_element_with_offset(canvas, int(dx), int(dy)).click().perform()
    time.sleep(0.3)


def test_the_path_tool_highlights_every_shortest_path_and_lists_the_hops(page: Any) -> None:
    before = state(page)
    # by mouse: the path button, then a, then d
    page.find_element("id", "ni-path").click()
    assert page.find_element("id", "ni-path").get_attribute("aria-pressed") == "true"
    click_node(page, "a")
    assert js(page, "return netintel.message") == "path: from P-a, click the second person"
    click_node(page, "d")
    s = state(page)
    assert s["onPath"] == ["a", "b", "c", "d"]  # not e, f: their path is longer
    assert s["pathLinks"] == ["a-b", "a-c", "b-d", "c-d"]
    path = js(page, "return netintel.path")
    assert path["total"] == 2 and path["hops"] == 2
    assert sorted(path["edges"]) == sorted(link(page, *p) for p in ("ab", "ac", "bd", "cd"))
    ev = js(page, "return netintel.evidence")
    assert ev["title"] == "Path: P-a \u2192 P-d"
    assert ev["summary"] == "2 shortest paths, 2 hops"
    assert sorted(ev["paths"]) == ["1. P-a \u2192 P-b \u2192 P-d", "2. P-a \u2192 P-c \u2192 P-d"]
    hops = {h["title"]: [r[1] for r in h["rows"]] for h in ev["hops"]}
    assert hops == {
        "P-a \u2192 P-b (7 records)": ["2", "3", "4", "5", "6"],
        "P-b \u2192 P-d (1 record)": ["20"],
        "P-a \u2192 P-c (2 records)": ["30", "31"],
        "P-c \u2192 P-d (1 record)": ["40"],
    }
    panel = page.find_element("id", "ni-evidence")
    assert panel.is_displayed()
    assert "\u2026 and 2 more" in panel.text  # 7 records on a-b, 5 listed
    # the rest is dimmed: grey, not the path's red
    colors = js(
        page,
        "return [netintel.nodes.get(arguments[0]).color.background,"
        " netintel.edges.get(arguments[1]).color.color,"
        " netintel.edges.get(arguments[2]).color.color]",
        idx(page, "e"),
        link(page, "a", "e"),
        link(page, "a", "b"),
    )
    assert colors == ["#e3e3e3", "#e8e8e8", "#d62728"]
    look = js(
        page,
        "var n = netintel.nodes.get(arguments[0]), e = netintel.edges.get(arguments[1]);"
        "return [n.color.border, e.width > netintel.data.edges.width[arguments[1]]]",
        idx(page, "a"),
        link(page, "a", "b"),
    )
    assert look == ["#d62728", True]  # a red border, a wider red link
    from selenium.webdriver.common.action_chains import ActionChains

    canvas = page.find_element("css selector", "#ni-net canvas")
    ActionChains(page).move_to_element_with_offset(
        canvas, 0, canvas.size["height"] // 2 - 5
    ).perform()
    time.sleep(0.4)  # no hover, no tooltip
    screenshot(page, "surface-path.png")
    # the path button again clears it; undo brings it back; undo again: as before
    page.find_element("id", "ni-path").click()
    assert state(page) == before
    js(page, "netintel.undo()")
    assert state(page)["pathLinks"] == ["a-b", "a-c", "b-d", "c-d"]
    js(page, "netintel.undo()")
    assert state(page) == before
    assert severe_logs(page) == []


def test_one_path_no_path_and_the_cap(page: Any) -> None:
    js(page, "netintel.findPath(arguments[0], arguments[1])", idx(page, "l1"), idx(page, "c"))
    ev = js(page, "return netintel.evidence")
    assert ev["summary"] == "2 shortest paths, 3 hops"  # l1-b-a-c and l1-b-d-c
    assert state(page)["onPath"] == ["a", "b", "c", "d", "l1"]
    js(page, "netintel.findPath(arguments[0], arguments[1])", idx(page, "e"), idx(page, "f"))
    assert js(page, "return netintel.evidence.summary") == "1 shortest path, 1 hop"
    assert state(page)["pathLinks"] == ["e-f"]
    js(page, "netintel.findPath(arguments[0], arguments[1])", idx(page, "a"), idx(page, "x"))
    assert js(page, "return netintel.evidence.summary") == (
        "no path between P-a and P-x over the links shown"
    )
    assert state(page)["onPath"] == [] and js(page, "return netintel.path") is None
    # hidden nodes are not crossed: without b, one path via c
    js(page, "netintel.hide([arguments[0]])", idx(page, "b"))
    js(page, "netintel.findPath(arguments[0], arguments[1])", idx(page, "a"), idx(page, "d"))
    assert state(page)["onPath"] == ["a", "c", "d"]
    assert js(page, "return netintel.evidence.summary") == "1 shortest path, 2 hops"


def test_paths_beyond_twenty_are_counted_not_listed(browser: Any, tmp_path: Path) -> None:
    G = nx.Graph()
    for i in range(25):  # 25 paths s - m_i - t
        G.add_edge("s", f"m{i}", type="CALLED")
        G.add_edge(f"m{i}", "t", type="CALLED")
    open_map(browser, Path(network_map(G, tmp_path / "many.html")).as_uri())
    js(
        browser,
        "netintel.findPath(arguments[0], arguments[1])",
        idx(browser, "s"),
        idx(browser, "t"),
    )
    ev = js(browser, "return netintel.evidence")
    assert ev["summary"] == "25 shortest paths, 2 hops"
    assert len(ev["paths"]) == 21 and ev["paths"][-1] == "\u2026 and 5 more paths not listed"
    assert len(state(browser)["onPath"]) == 27


def test_hide_show_and_undo(page: Any) -> None:
    assert counts(page)["visible"] == 10 and counts(page)["visibleEdges"] == 10
    js(
        page,
        "netintel.network.selectNodes([arguments[0], arguments[1]])",
        idx(page, "b"),
        idx(page, "e"),
    )
    page.find_element("id", "ni-hide").click()
    assert state(page)["hidden"] == ["b", "e"]
    # b's four links and e's two leave with them
    assert counts(page)["visible"] == 8 and counts(page)["visibleEdges"] == 4
    assert page.find_element("id", "ni-show").text == "show hidden (2)"
    # the timeline and the reset button leave them hidden
    page.find_element("id", "ni-reset").click()
    assert state(page)["hidden"] == ["b", "e"]
    page.find_element("id", "ni-show").click()
    assert state(page)["hidden"] == [] and counts(page)["visibleEdges"] == 10
    assert page.find_element("id", "ni-show").text == "show hidden (0)"
    page.find_element("id", "ni-undo").click()  # undo show: hidden again
    assert state(page)["hidden"] == ["b", "e"]
    # Ctrl+Z on the page: undo hide
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page.find_element("tag name", "body").click()
    ActionChains(page).key_down(Keys.CONTROL).send_keys("z").key_up(Keys.CONTROL).perform()
    assert state(page)["hidden"] == [] and counts(page)["visible"] == 10
    assert page.find_element("id", "ni-undo").get_attribute("disabled") == "true"


def test_pin_and_unpin(page: Any) -> None:
    a = idx(page, "a")
    js(page, "netintel.network.selectNodes([arguments[0]])", a)
    page.find_element("id", "ni-pin").click()
    assert state(page)["pinned"] == ["a"]
    look = js(
        page,
        "var n = netintel.nodes.get(arguments[0]); return [n.borderWidth,"
        " n.shapeProperties.borderDashes, n.color.border]",
        a,
    )
    assert look == [4, [4, 3], "#c0392b"]
    page.find_element("id", "ni-pin").click()  # all selected pinned: unpin
    assert state(page)["pinned"] == []
    js(page, "netintel.undo()")
    assert state(page)["pinned"] == ["a"]
    js(page, "netintel.undo()")
    assert state(page)["pinned"] == []


def test_collapse_and_expand(page: Any) -> None:
    b = idx(page, "b")
    before = state(page)
    js(page, "netintel.network.selectNodes([arguments[0]])", b)
    page.find_element("id", "ni-collapse").click()
    s = state(page)
    assert s["hidden"] == ["l1", "l2"] and s["labels"]["b"] == "P-b +2"
    assert counts(page)["visible"] == 8 and counts(page)["visibleEdges"] == 8
    page.find_element("id", "ni-expand").click()
    assert state(page) == before
    js(page, "netintel.undo()")  # undo expand: collapsed again
    assert state(page)["hidden"] == ["l1", "l2"]
    js(page, "netintel.undo()")  # undo collapse
    assert state(page) == before
    # a node with no leaf neighbour: nothing to collapse, said so
    js(page, "netintel.collapse([arguments[0]])", idx(page, "a"))
    assert js(page, "return netintel.message") == "no leaf neighbours to collapse"


def positions(driver: Any) -> dict[str, list[float]]:
    return dict(
        js(
            driver,
            "var p = netintel.network.getPositions(), ids = netintel.data.nodes.id, o = {};"
            "Object.keys(p).forEach(function (i) { o[ids[i]] = [p[i].x, p[i].y]; }); return o;",
        )
    )


def test_save_reposition_load_and_malformed(page: Any, tmp_path: Path) -> None:
    js(page, "netintel.pin([arguments[0]])", idx(page, "c"))
    page.find_element("id", "ni-save").click()
    saved = json.loads(js(page, "return netintel.lastSave"))
    assert saved["version"] == 1 and len(saved["nodes"]) == 10
    assert saved["nodes"]["c"]["pinned"] is True and saved["nodes"]["a"]["pinned"] is False
    here = positions(page)
    assert [saved["nodes"]["a"]["x"], saved["nodes"]["a"]["y"]] == here["a"]
    js(page, "netintel.undo()")  # unpin c
    for i, v in enumerate("abcdef"):
        js(page, "netintel.network.moveNode(arguments[0], arguments[1], 0)", idx(page, v), i * 40.0)
    assert positions(page)["a"] != here["a"]
    saved["nodes"]["ghost"] = {"x": 1, "y": 2, "pinned": False}
    file = tmp_path / "positions.json"
    file.write_text(json.dumps(saved), encoding="utf-8")
    page.find_element("id", "ni-load").send_keys(str(file))  # the upload control
    for _ in range(100):
        if str(js(page, "return netintel.message")).startswith("positions loaded"):
            break
        time.sleep(0.05)
    assert js(page, "return netintel.message") == (
        "positions loaded: 10 nodes, 1 unknown id ignored"
    )
    assert positions(page) == here
    assert state(page)["pinned"] == ["c"]
    js(page, "netintel.undo()")  # undo load: the moved positions, c unpinned
    assert positions(page)["a"] == [0.0, 0.0] and state(page)["pinned"] == []
    # malformed files: a message, no exception, nothing moved
    moved = positions(page)
    for text in ("{not json", "[1, 2]", '{"version": 2, "nodes": {}}'):
        assert js(page, "return netintel.loadPositions(arguments[0])", text) is False
        assert str(js(page, "return netintel.message")).startswith("not a positions file")
    assert js(page, "return netintel.message") == (
        "not a positions file (expected JSON {version: 1, nodes: {id: {x, y, pinned}}})"
    )
    assert positions(page) == moved
    assert severe_logs(page) == []


def test_the_png_button_gives_a_png_of_the_canvas(page: Any) -> None:
    page.find_element("id", "ni-png").click()
    url = str(js(page, "return netintel.lastPng"))
    assert url.startswith("data:image/png;base64,")
    data = base64.b64decode(url.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    # the canvas as it was when clicked (the message may reflow the bar after)
    assert [width, height] == js(page, "return netintel.lastPngSize")
    assert width == js(page, "return document.querySelector('#ni-net canvas').width")
    assert width > 0 and height > 0
    from PIL import Image

    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert img.size == (width, height)
    assert img.getpixel((1, 1)) == (255, 255, 255)  # white background, not transparent
    assert len(img.getcolors(maxcolors=1 << 24) or []) > 2  # the network is drawn on it
    assert js(page, "return netintel.message") == f"PNG saved: {width} \u00d7 {height} pixels"


def test_a_directed_map_follows_the_arrows(browser: Any, tmp_path: Path) -> None:
    G = nx.DiGraph()
    G.add_node("b", name="<b>Ben</b>")  # text in the path panel, never markup
    G.add_edge("a", "b", type="CALLED")
    G.add_edge("c", "b", type="CALLED")
    open_map(browser, Path(network_map(G, tmp_path / "directed.html")).as_uri())
    a, b, c = (idx(browser, v) for v in "abc")
    js(browser, "netintel.findPath(arguments[0], arguments[1])", a, b)
    assert js(browser, "return netintel.evidence.summary") == "1 shortest path, 1 hop"
    assert js(browser, "return netintel.evidence.title") == "Path: a \u2192 <b>Ben</b>"
    assert js(browser, "return document.querySelectorAll('#ni-evidence b').length") == 0
    js(browser, "netintel.findPath(arguments[0], arguments[1])", a, c)
    assert js(browser, "return netintel.evidence.summary") == (
        "no path between a and c over the links shown"
    )


def test_a_hidden_node_stays_hidden_through_the_timeline(browser: Any, tmp_path: Path) -> None:
    from tests.timeline_graphs import timed_calls

    open_map(browser, Path(network_map(timed_calls(), tmp_path / "t.html")).as_uri())
    js(browser, "netintel.hide([arguments[0]])", idx(browser, "b"))
    browser.execute_script("netintel.setTimeSteps(300, 600)")
    assert "b" in state(browser)["hidden"]
    browser.find_element("id", "ni-tl-reset").click()
    assert state(browser)["hidden"] == ["b"]
    js(browser, "netintel.showHidden()")
    assert state(browser)["hidden"] == []


def _drill_down_map(browser: Any, tmp_path: Path) -> tuple[Any, Callable[[int], None]]:
    """An overview of three 20-person gangs opened in ``browser``: their communities, and a
    function that opens community ``k`` and waits until the page shows it."""
    from netintel.algorithms import louvain
    from tests.test_browser import gangs

    G = gangs(n_gangs=3, size=20)
    comm = louvain(G, seed=2)
    open_map(browser, network_map(G, tmp_path / "o.html", communities=comm, max_nodes=30).as_uri())

    def view(k: int) -> None:
        js(browser, "location.hash = arguments[0]", f"community-{k}")
        for _ in range(100):
            if js(browser, "return netintel.view") == k:
                return
            time.sleep(0.05)

    return comm, view


def test_the_tools_keep_to_the_community_on_screen(browser: Any, tmp_path: Path) -> None:
    """Undo after opening another community changes the state, never adds its nodes."""
    comm, view = _drill_down_map(browser, tmp_path)

    view(0)
    first = js(browser, "return netintel.nodes.getIds()")
    js(browser, "netintel.pin([arguments[0]])", first[0])
    js(browser, "netintel.hide([arguments[0]])", first[1])
    assert counts(browser)["visible"] == len(first) - 1
    view(1)
    n = counts(browser)["nodes"]
    js(browser, "netintel.undo(); netintel.undo()")
    assert counts(browser)["nodes"] == n == len(comm.communities[1])
    view(0)
    assert state(browser)["hidden"] == [] and state(browser)["pinned"] == []
    assert severe_logs(browser) == []


def timed_diamond() -> nx.Graph:
    """a to d: via b (links on 05-01), via c (05-05), via e and f (05-09), in Rome."""
    from tests.timeline_graphs import at

    G = nx.Graph(timezone="Europe/Rome")
    for v in "abcdef":
        G.add_node(v, label="Person", name=f"P-{v}")
    for (u, v), day in {
        ("a", "b"): 1,
        ("b", "d"): 1,
        ("a", "c"): 5,
        ("c", "d"): 5,
        ("a", "e"): 9,
        ("e", "f"): 9,
        ("f", "d"): 9,
    }.items():
        G.add_edge(u, v, type="CALLED", records=[{"source": "cdr.csv", "at": at(day, 12)}])
    return G


def test_a_path_follows_the_timeline(browser: Any, tmp_path: Path) -> None:
    """A timeline change that hides a link of the path recomputes the path over the links
    shown: highlight, panel and message say only what is shown; reset brings it back."""
    open_map(browser, network_map(timed_diamond(), tmp_path / "td.html", layout="force").as_uri())
    js(
        browser,
        "netintel.findPath(arguments[0], arguments[1])",
        idx(browser, "a"),
        idx(browser, "d"),
    )
    assert state(browser)["pathLinks"] == ["a-b", "a-c", "b-d", "c-d"]
    assert js(browser, "return netintel.evidence.summary") == "2 shortest paths, 2 hops"

    def shown_links() -> set[str]:
        return set(
            js(
                browser,
                "var ids = netintel.data.nodes.id, h = new Set(netintel.nodes.get()"
                ".filter(n => n.hidden).map(n => n.id));"
                "return netintel.edges.get().filter(e => !e.hidden && !h.has(e.from)"
                " && !h.has(e.to)).map(e => [ids[e.from], ids[e.to]].sort().join('-'));",
            )
        )

    # from 05-04 on (steps are 8 days / 1000, from 05-01 12:00 UTC): a-b and b-d hidden
    js(browser, "netintel.setTimeSteps(400, 1000)")
    s = state(browser)
    assert s["pathLinks"] == ["a-c", "c-d"] and s["onPath"] == ["a", "c", "d"]
    assert set(s["pathLinks"]) <= shown_links()
    ev = js(browser, "return netintel.evidence")
    assert ev["summary"] == "1 shortest path, 2 hops"
    assert ev["paths"] == ["1. P-a \u2192 P-c \u2192 P-d"]
    assert ev["note"] == "recomputed over the links now shown"
    assert "recomputed over the links now shown" in browser.find_element("id", "ni-evidence").text
    assert js(browser, "return netintel.message") == (
        "path recomputed over the links shown: 1 shortest path, 2 hops"
    )
    # only the links of 05-09: the long way round
    js(browser, "netintel.setTimeSteps(900, 1000)")
    assert state(browser)["pathLinks"] == ["a-e", "d-f", "e-f"]
    assert js(browser, "return netintel.evidence.summary") == "1 shortest path, 3 hops"
    # 05-06 to 05-08: no link at all, so no path
    js(browser, "netintel.setTimeSteps(600, 800)")
    assert state(browser)["pathLinks"] == [] and state(browser)["onPath"] == []
    assert js(browser, "return netintel.path") is None
    assert js(browser, "return netintel.evidence.summary") == (
        "no path between P-a and P-d over the links shown"
    )
    # no node is greyed when there is no path
    grey = js(browser, "return netintel.nodes.get().filter(n => n.color.background === '#e3e3e3')")
    assert grey == []
    browser.find_element("id", "ni-tl-reset").click()
    assert state(browser)["pathLinks"] == ["a-b", "a-c", "b-d", "c-d"]
    assert js(browser, "return netintel.evidence.summary") == "2 shortest paths, 2 hops"
    # undo of the path: no path, nothing left drawn
    js(browser, "netintel.undo()")
    assert state(browser)["pathLinks"] == [] and js(browser, "return netintel.path") is None
    js(browser, "netintel.setTimeSteps(400, 1000)")
    assert state(browser)["pathLinks"] == []
    assert severe_logs(browser) == []


def test_undo_of_a_path_after_opening_another_community(browser: Any, tmp_path: Path) -> None:
    """The path of community 0, cleared, then community 1 opened: undo brings the path back
    for community 0 and greys nothing of community 1."""
    _, view = _drill_down_map(browser, tmp_path)

    def greyed() -> int:
        return int(
            js(
                browser,
                "return netintel.nodes.get().filter(n => n.color.background === '#e3e3e3').length",
            )
        )

    view(0)
    ids = js(browser, "return netintel.nodes.getIds()")
    path = js(browser, "return netintel.findPath(arguments[0], arguments[1])", ids[0], ids[-1])
    assert path is not None and state(browser)["onPath"]
    drawn = state(browser)
    js(browser, "netintel.clearPath()")
    assert state(browser)["onPath"] == [] and greyed() == 0
    view(1)
    plain = state(browser)
    js(browser, "netintel.undo()")  # undo "clear path": the path is community 0's
    assert state(browser) == plain and greyed() == 0
    assert js(browser, "return netintel.path.view") == 0
    view(0)  # there it is drawn again, as before it was cleared
    assert state(browser) == drawn
    view(1)
    js(browser, "netintel.undo()")  # undo "path": no path anywhere
    assert state(browser) == plain and greyed() == 0
    view(0)
    assert state(browser)["onPath"] == [] and greyed() == 0
    # a path drawn, another community opened: nothing greyed there; back: drawn again
    js(browser, "netintel.findPath(arguments[0], arguments[1])", ids[0], ids[-1])
    view(2)
    assert greyed() == 0 and state(browser)["onPath"] == []
    view(0)
    assert state(browser) == drawn
    assert severe_logs(browser) == []


def downloaded(folder: Path, name: str, timeout: float = 15.0) -> Path:
    """The file ``name`` once Chromium has finished writing it into ``folder``."""
    deadline = time.monotonic() + timeout
    path = folder / name
    while time.monotonic() < deadline:
        partial = list(folder.glob("*.crdownload"))
        if path.exists() and not partial and path.stat().st_size > 0:
            return path
        time.sleep(0.1)
    raise AssertionError(f"{name} not downloaded into {folder}: {sorted(folder.iterdir())}")


def test_the_downloaded_png_and_positions_files(tmp_path: Path) -> None:
    """The files Chromium writes when the PNG and save positions buttons are pressed: a PNG
    (signature, IHDR, the canvas's size, drawn on white) and a JSON that, uploaded back,
    puts every node where it was."""
    from PIL import Image

    folder = tmp_path / "downloads"
    folder.mkdir()
    with chromium(downloads=folder) as driver:
        open_map(driver, network_map(diamond(), tmp_path / "d.html", layout="force").as_uri())
        driver.find_element("id", "ni-png").click()
        png = downloaded(folder, "netintel-map.png")
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
        width, height = struct.unpack(">II", data[16:24])
        assert [width, height] == js(driver, "return netintel.lastPngSize")
        img = Image.open(png).convert("RGB")
        assert img.size == (width, height) and img.getpixel((1, 1)) == (255, 255, 255)
        assert len(img.getcolors(maxcolors=1 << 24) or []) > 2
        assert data == base64.b64decode(str(js(driver, "return netintel.lastPng")).split(",")[1])

        js(driver, "netintel.pin([arguments[0]])", idx(driver, "c"))
        here = positions(driver)
        driver.find_element("id", "ni-save").click()
        saved = downloaded(folder, "netintel-positions.json")
        doc = json.loads(saved.read_text(encoding="utf-8"))
        assert doc["version"] == 1 and set(doc["nodes"]) == set(here)
        assert {v: [p["x"], p["y"]] for v, p in doc["nodes"].items()} == here
        assert doc["nodes"]["c"]["pinned"] is True
        js(driver, "netintel.undo()")  # unpin c, then move everything
        for i, v in enumerate(here):
            js(
                driver,
                "netintel.network.moveNode(arguments[0], arguments[1], 7)",
                idx(driver, v),
                i,
            )
        assert positions(driver) != here
        driver.find_element("id", "ni-load").send_keys(str(saved))  # the file as downloaded
        for _ in range(100):
            if str(js(driver, "return netintel.message")).startswith("positions loaded"):
                break
            time.sleep(0.05)
        assert js(driver, "return netintel.message") == "positions loaded: 10 nodes"
        assert positions(driver) == here
        assert state(driver)["pinned"] == ["c"]
        assert severe_logs(driver) == []


def active(driver: Any) -> str:
    """What has the keyboard focus: its id, else its tag and class."""
    return str(
        js(
            driver,
            "var a = document.activeElement;"
            "return a.id || (a.tagName.toLowerCase() + '.' + a.className);",
        )
    )


def keys(driver: Any, *sequence: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*sequence).perform()
    time.sleep(0.1)


def chord(driver: Any, modifier: str, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).key_down(modifier).send_keys(key).key_up(modifier).perform()
    time.sleep(0.1)


def test_the_work_surface_by_keyboard(page: Any) -> None:
    """'/' to the search, Enter on one match lists its records, the path tool by search and
    Enter, Escape clears path, selection and panel, Ctrl+Z undoes, Tab then arrows through
    the panel's rows, arrows pan the map; focus always shows; every control has a name."""
    from selenium.webdriver.common.keys import Keys

    page.find_element("tag name", "body").click()
    keys(page, "/")
    assert active(page) == "ni-search"
    keys(page, "P-b", Keys.ENTER)
    assert js(page, "return netintel.network.getSelectedNodes()") == [idx(page, "b")]
    assert js(page, "return netintel.evidence.title") == "P-b (10 records on its links)"
    keys(page, Keys.ESCAPE)
    assert js(page, "return netintel.network.getSelectedNodes()") == []
    assert js(page, "return document.getElementById('ni-evidence').hidden") is True
    assert js(page, "return netintel.message") == "selection cleared"

    # the path tool without the mouse: Enter on its button, then search each person
    path = page.find_element("id", "ni-path")
    path.send_keys(Keys.ENTER)
    assert path.get_attribute("aria-pressed") == "true"
    page.find_element("tag name", "body").click()
    keys(page, "/", "P-a", Keys.ENTER)
    assert js(page, "return netintel.message") == "path: from P-a, click the second person"
    keys(page, Keys.ESCAPE)  # in the middle: leaves the tool, nothing else
    assert path.get_attribute("aria-pressed") == "false"
    assert js(page, "return netintel.message") == "path: cancelled"
    path.send_keys(Keys.ENTER)
    keys(page, "/", "P-a", Keys.ENTER)
    chord(page, Keys.CONTROL, "a")  # typed over, in the box
    keys(page, "P-d", Keys.ENTER)
    assert state(page)["pathLinks"] == ["a-b", "a-c", "b-d", "c-d"]
    assert js(page, "return netintel.evidence.summary") == "2 shortest paths, 2 hops"

    # '/' from elsewhere selects what the box holds, to be typed over
    page.find_element("tag name", "body").click()
    keys(page, "/")
    assert js(
        page,
        "var b = document.getElementById('ni-search');"
        "return [b.value, b.selectionStart, b.selectionEnd]",
    ) == ["P-d", 0, 3]
    # Tab from the search reaches the panel's first row (one stop), arrows move in it
    for _ in range(80):
        keys(page, Keys.TAB)
        if js(
            page, "return document.getElementById('ni-evidence').contains(document.activeElement)"
        ):
            break
    rows = js(
        page,
        "return Array.from(document.querySelectorAll('#ni-evidence .paths > div,"
        " #ni-evidence tr.rec'), el => el.textContent)",
    )
    here = js(page, "return document.activeElement.textContent")
    assert here == rows[0] and here.startswith("1. P-a \u2192 P-")
    outline = js(
        page,
        "var s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]",
    )
    assert outline == ["solid", "2px"]
    keys(page, Keys.ARROW_DOWN)
    assert js(page, "return document.activeElement.textContent") == rows[1]
    keys(page, Keys.ARROW_DOWN)  # from the paths into the records of the first hop
    assert js(page, "return document.activeElement.tagName") == "TR"
    assert js(page, "return document.activeElement.textContent") == rows[2]
    keys(page, Keys.END)
    assert js(page, "return document.activeElement.textContent") == rows[-1]
    keys(page, Keys.HOME, Keys.ARROW_UP)  # stays on the first
    assert js(page, "return document.activeElement.textContent") == rows[0]
    keys(page, Keys.ARROW_DOWN, Keys.TAB)  # Tab leaves the panel ...
    assert not js(
        page, "return document.getElementById('ni-evidence').contains(document.activeElement)"
    )
    chord(page, Keys.SHIFT, Keys.TAB)  # ... and Shift+Tab comes back to the row left
    assert js(page, "return document.activeElement.textContent") == rows[1]

    # Escape clears the path (and the panel); Ctrl+Z brings the path back
    keys(page, Keys.ESCAPE)
    assert state(page)["pathLinks"] == [] and js(page, "return netintel.path") is None
    assert js(page, "return netintel.message") == "path cleared"
    assert active(page) == "ni-search"  # the focus left the closed panel for the search
    page.find_element("tag name", "body").click()
    chord(page, Keys.CONTROL, "z")
    assert state(page)["pathLinks"] == ["a-b", "a-c", "b-d", "c-d"]

    # the map takes focus: arrows pan it, + zooms
    frame = page.find_element("css selector", "#ni-net .vis-network")
    assert frame.get_attribute("tabindex") == "0"
    assert "arrow keys pan" in str(frame.get_attribute("aria-label"))
    frame.click()  # focus (empty canvas: nothing selected)
    assert js(page, "return document.activeElement.className") == "vis-network"

    def hold(key: str) -> list[float]:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(page).key_down(key).pause(0.3).key_up(key).perform()
        time.sleep(0.1)
        return list(
            js(page, "return [netintel.network.getViewPosition().x, netintel.network.getScale()]")
        )

    x0, scale0 = js(
        page, "return [netintel.network.getViewPosition().x, netintel.network.getScale()]"
    )
    x1, scale1 = hold(Keys.ARROW_RIGHT)
    assert x1 != x0 and scale1 == scale0
    scale2 = hold("=")[1]
    assert scale2 > scale1
    assert hold("-")[1] < scale2

    # every control has a name, and a button focused by keyboard shows a 2 px ring
    unnamed = js(
        page,
        "return Array.from(document.querySelectorAll('button, input, select'))"
        ".filter(el => !(el.getAttribute('aria-label') || el.closest('label')"
        " || el.textContent.trim())).map(el => el.outerHTML)",
    )
    assert unnamed == []
    for b in page.find_elements("css selector", "#ni-tools button, #ni-back"):
        assert b.get_attribute("aria-label") or b.get_attribute("title"), b.get_attribute("id")
    page.find_element("id", "ni-search").click()
    keys(page, Keys.TAB)
    assert active(page) == "ni-reset" or js(page, "return document.activeElement.tagName") in (
        "SELECT",
        "BUTTON",
    )
    ring = js(
        page,
        "var s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]",
    )
    assert ring == ["solid", "2px"]
    assert severe_logs(page) == []

"""The timeline under the map, in headless Chromium: the range hides links and nodes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from netintel.viz import network_map
from netintel.viz.browser import browser_missing, chromium
from tests.test_browser import assert_offline_and_clean, counts, open_map, screenshot
from tests.timeline_graphs import timed_calls

pytestmark = pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def shown(driver: Any) -> tuple[list[str], list[str]]:
    """Names of the visible nodes and links (``a-b``), as vis-network's DataSets hold them."""
    return tuple(  # type: ignore[return-value]
        driver.execute_script(
            """
            var ids = netintel.data.nodes.id, hidden = new Set();
            var ns = netintel.nodes.get().filter(function (n) {
              if (n.hidden) hidden.add(n.id); return !n.hidden; });
            var es = netintel.edges.get().filter(function (e) {
              return !e.hidden && !hidden.has(e.from) && !hidden.has(e.to); });
            return [ns.map(function (n) { return ids[n.id]; }).sort(),
              es.map(function (e) { return ids[e.from] + '-' + ids[e.to]; }).sort()];
            """
        )
    )


def text(driver: Any, selector: str) -> str:
    return str(driver.execute_script(f"return document.querySelector('{selector}').textContent"))


def test_the_range_hides_links_and_nodes_and_reset_restores_them(
    browser: Any, tmp_path: Path
) -> None:
    page = network_map(timed_calls(), tmp_path / "timeline.html", layout="force")
    open_map(browser, page.as_uri())
    everything = (list("abcdefgh"), ["a-b", "b-c", "c-d", "d-e", "g-h"])
    assert shown(browser) == everything
    assert counts(browser)["visibleEdges"] == 5
    assert text(browser, "#ni-tl-range") == (
        "2023-05-01 02:00 CEST (+02:00) Europe/Rome \u2013 "
        "2023-05-11 02:00 CEST (+02:00) Europe/Rome"
    )
    assert text(browser, "#ni-tl-count") == (
        "4 of 4 timed links in range \u00b7 1 link without a time always shown"
    )

    # 05-04 00:00 to 05-07 00:00 UTC: b-c by its call, g-h by its interval, d-e (no time);
    # a has no link left; f never had one
    browser.execute_script("netintel.setTimeSteps(300, 600)")
    assert shown(browser) == (list("bcdefgh"), ["b-c", "d-e", "g-h"])
    assert counts(browser)["visibleEdges"] == 3 and counts(browser)["visible"] == 7
    assert text(browser, "#ni-tl-range") == (
        "2023-05-04 02:00 CEST (+02:00) Europe/Rome \u2013 "
        "2023-05-07 02:00 CEST (+02:00) Europe/Rome"
    )
    assert text(browser, "#ni-tl-count").startswith("2 of 4 timed links in range")

    # 05-01 00:00 to 05-02 00:00 UTC: only a-b (and d-e); c, g and h lose all their links
    browser.execute_script("netintel.setTimeSteps(0, 100)")
    assert shown(browser) == (list("abdef"), ["a-b", "d-e"])
    assert counts(browser)["visibleEdges"] == 2 and counts(browser)["visible"] == 5
    # the search finds only what is shown; the evidence panel still opens
    assert browser.execute_script("return netintel.search('Person C')") == []
    assert browser.execute_script("return netintel.search('Person A')") == [0]
    browser.execute_script("netintel.showEdge(0)")
    assert [r[2] for r in browser.execute_script("return netintel.evidence.rows")] == [
        "2023-05-01 02:00 CEST (+02:00) Europe/Rome",
        "2023-05-01 14:00 CEST (+02:00) Europe/Rome",
    ]
    # the handles do not cross: "from" pushed past "to" takes "to" along
    browser.execute_script(
        "var a = document.getElementById('ni-tl-from'); a.value = '900';"
        "a.dispatchEvent(new Event('input'));"
    )
    assert browser.execute_script(
        "return [document.getElementById('ni-tl-from').value,"
        " document.getElementById('ni-tl-to').value]"
    ) == ["100", "100"]

    browser.find_element("id", "ni-tl-reset").click()
    assert shown(browser) == everything
    assert counts(browser)["visibleEdges"] == 5 and counts(browser)["visible"] == 8
    # the bar's reset button restores the time range too
    browser.execute_script("netintel.setTimeSteps(0, 100)")
    assert counts(browser)["visibleEdges"] == 2
    browser.find_element("id", "ni-reset").click()
    assert shown(browser) == everything
    screenshot(browser, "timeline.png")
    assert_offline_and_clean(browser)


def test_a_type_filter_and_the_range_together(browser: Any, tmp_path: Path) -> None:
    page = network_map(timed_calls(), tmp_path / "timeline.html", layout="force")
    open_map(browser, page.as_uri())
    browser.execute_script("netintel.setTimeSteps(300, 600)")
    box = browser.find_element("css selector", "#ni-legend input[data-type='1']")  # Phone
    box.click()
    assert shown(browser) == (list("bcdfgh"), ["b-c", "g-h"])
    box.click()
    assert shown(browser) == (list("bcdefgh"), ["b-c", "d-e", "g-h"])


def test_no_timeline_when_no_link_has_a_time(browser: Any, tmp_path: Path) -> None:
    page = network_map(nx.path_graph(4), tmp_path / "plain.html")
    open_map(browser, page.as_uri())
    assert browser.execute_script("return document.getElementById('ni-timeline').hidden") is True
    assert browser.execute_script("return document.getElementById('ni-tl-from')") is None
    assert counts(browser)["visibleEdges"] == 3


def test_an_overview_keeps_its_links_and_a_community_is_filtered(
    browser: Any, tmp_path: Path
) -> None:
    G = timed_calls()
    member = {v: 0 if v in "abcdef" else 1 for v in G}
    page = network_map(G, tmp_path / "overview.html", communities=member, max_nodes=4)
    open_map(browser, page.as_uri())
    assert browser.execute_script("return netintel.view") == "overview"
    browser.execute_script("netintel.setTimeSteps(0, 100)")
    assert counts(browser)["visible"] == 2  # one node per community, none hidden by time
    assert text(browser, "#ni-tl-count") == "open a community to filter its links by time"
    open_map(browser, page.as_uri() + "#community-0")
    browser.execute_script("netintel.setTimeSteps(0, 100)")
    assert shown(browser) == (list("abdef"), ["a-b", "d-e"])


def test_the_range_is_what_its_labels_say_to_the_minute(browser: Any, tmp_path: Path) -> None:
    # one step is 14.4 minutes: the range is widened to whole minutes, as the labels show them
    page = network_map(timed_calls(), tmp_path / "timeline.html", layout="force")
    open_map(browser, page.as_uri())
    browser.execute_script("netintel.setTimeSteps(1, 999)")
    assert text(browser, "#ni-tl-range") == (
        "2023-05-01 02:14 CEST (+02:00) Europe/Rome \u2013 "
        "2023-05-11 01:46 CEST (+02:00) Europe/Rome"
    )
    assert browser.execute_script("return netintel.timeRange()") == [
        1682900040000,  # 2023-05-01 00:14 UTC
        1683762360000,  # 2023-05-10 23:46 UTC
    ]
    assert shown(browser) == (list("abcdefgh"), ["a-b", "b-c", "c-d", "d-e", "g-h"])


def test_the_handles_move_by_mouse_and_keyboard(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page = network_map(timed_calls(), tmp_path / "timeline.html", layout="force")
    open_map(browser, page.as_uri())
    to = browser.find_element("id", "ni-tl-to")
    for _ in range(9):  # Page Down: a tenth of the range each, 1000 -> 100 (05-02 00:00 UTC)
        to.send_keys(Keys.PAGE_DOWN)
    assert to.get_attribute("value") == "100"
    assert shown(browser) == (list("abdef"), ["a-b", "d-e"])
    browser.find_element("id", "ni-tl-reset").click()
    assert counts(browser)["visibleEdges"] == 5

    # drag the "from" handle (6 px in from the strip's left end) 30% of the way right
    frm = browser.find_element("id", "ni-tl-from")
    width = browser.execute_script("return arguments[0].getBoundingClientRect().width", frm)
    ActionChains(browser).move_to_element_with_offset(
        frm, int(-width / 2 + 6), 0
    ).click_and_hold().move_by_offset(int(width * 0.3), 0).release().perform()
    # past a-b's last call (05-01 12:00, step 50), not past b-c's (05-04 12:00, step 350)
    assert 50 < int(frm.get_attribute("value")) <= 350
    assert shown(browser) == (list("bcdefgh"), ["b-c", "c-d", "d-e", "g-h"])


def test_every_time_on_the_map_names_the_zone_and_its_offset_alike(
    browser: Any, tmp_path: Path
) -> None:
    """Timeline labels, the histogram's bars, tooltips and the evidence panel all say a time
    as ``netintel.localtime.format_local(..., named=True)`` does, across a change of offset
    (Rome goes from CET to CEST at 2023-03-26 01:00 UTC)."""
    import datetime as dt

    from netintel.localtime import format_local

    def at(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2023, 3, day, hour, tzinfo=dt.UTC)

    G = nx.Graph(timezone="Europe/Rome")
    G.add_edge(
        "a", "b", type="CALLED", records=[{"source": "cdr.csv", "source_row": 2, "at": at(20, 9)}]
    )
    G.add_edge(
        "b", "c", type="CALLED", records=[{"source": "cdr.csv", "source_row": 3, "at": at(30, 9)}]
    )
    open_map(browser, network_map(G, tmp_path / "dst.html", layout="force").as_uri())
    first, last = (
        format_local(at(20, 9), "Europe/Rome", named=True),
        format_local(at(30, 9), "Europe/Rome", named=True),
    )
    assert (first, last) == (
        "2023-03-20 10:00 CET (+01:00) Europe/Rome",
        "2023-03-30 11:00 CEST (+02:00) Europe/Rome",
    )
    assert text(browser, "#ni-tl-range") == f"{first} \u2013 {last}"
    assert browser.execute_script(
        "return Array.from(document.querySelectorAll('#ni-tl-axis span'), s => s.textContent)"
    ) == [first, last]
    # every bar's time, and every time the range can show, reads as Python reads it
    bars = browser.execute_script(
        "return Array.from(document.querySelectorAll('#ni-tl-bars div'), d => d.title)"
    )
    t0, t1 = (int(t.timestamp() * 1000) for t in (at(20, 9), at(30, 9)))
    for i, title in enumerate(bars):
        when = t0 + i * (t1 - t0) / len(bars)
        assert title.endswith(" from " + format_local(when, "Europe/Rome", named=True)), title
    for lo, hi in [(0, 550), (600, 1000), (300, 700)]:
        browser.execute_script(f"netintel.setTimeSteps({lo}, {hi})")
        a, b = browser.execute_script("return netintel.timeRange() || [0, 0]")
        if (lo, hi) != (0, 1000):
            assert text(browser, "#ni-tl-range") == (
                format_local(a, "Europe/Rome", named=True)
                + " \u2013 "
                + format_local(b, "Europe/Rome", named=True)
            )
    browser.execute_script("netintel.resetTime()")
    # the tooltips and the evidence panel: the same words
    titles = browser.execute_script("return netintel.data.edges.title")
    assert any(f"cdr.csv row 2 \u00b7 {first}" in t for t in titles), titles
    assert any(f"cdr.csv row 3 \u00b7 {last}" in t for t in titles), titles
    browser.execute_script("netintel.showEdge(1)")
    assert [r[2] for r in browser.execute_script("return netintel.evidence.rows")] == [last]

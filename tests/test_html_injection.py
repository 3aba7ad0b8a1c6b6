"""HTML injection: hostile names on the map, the case report and the contest leaderboard.

Each page is built twice, once with plain names and once with the strings of
:data:`PAYLOADS` in node names, ids, types, aliases, tooltips, community names, record
sources, team names, titles and report fields, and opened in headless Chromium. A payload
that ran would raise an alert, set ``window.__pwned`` or change ``document.title``; a payload
parsed as markup would add elements. So: no alert is open, no marker is set, the title is
the hostile text itself, the page has exactly the elements (by tag) of the plain page and
no ``img[src=x]``, ``svg[onload]`` or event-handler attribute, and the hostile text shows
as text where a user reads it (the legend, the tooltips, the search, the tables).
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pandas as pd
import pytest
from loaded_graph import empty_graph

from netintel.contest import leaderboard, write_leaderboard
from netintel.ingest import ingest
from netintel.report import Section, case_report, render_html, render_markdown
from netintel.viz import network_map
from netintel.viz.browser import browser_missing, chromium, severe_logs

pytestmark = pytest.mark.skipif(bool(browser_missing()), reason=browser_missing() or "")

_MARK = "window.__pwned=1;document.title='pwned'"

#: the injection strings tried (the closing note of issue #15 cites their number); none holds
#: a "/" except where noted, so each can also name a team's submission folder
PAYLOADS: tuple[str, ...] = (
    "<script>alert(1)</script>",  # has a "/": not a folder name
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    f"<img src=x onerror={_MARK}>",
    f'"><svg onload="{_MARK}">',
    f"'><svg onload={_MARK}>",
    f"</script><script>{_MARK}</script>",  # has a "/"
    '<iframe srcdoc="<script>parent.__pwned=1</script>">',  # has a "/"
    f"<a href=javascript:{_MARK.replace('/', '')}>x<",
    "<!-- <style>body{display:none}</style>",  # has a "/"
    "{{ 7*7 }} {% raw %} ${7*7}",
    "& &amp; &lt;script&gt; \\u003cscript\\u003e",
    "**Boss** _x_ `code` [l](javascript:x) a | b \\*",  # Markdown, for the report
)

#: the markup no page may hold, plain or hostile
FORBIDDEN = "img[src=x], svg[onload], [onerror], [onload], iframe, a[href^=javascript]"


def _plain(i: int) -> str:
    return f"Plain name {i}"


def _names(hostile: bool) -> list[str]:
    return list(PAYLOADS) if hostile else [_plain(i) for i in range(len(PAYLOADS))]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as driver:
        yield driver


def _open(driver: Any, path: Path, ready: str = "true", timeout: float = 30.0) -> None:
    severe_logs(driver)
    driver.get(path.as_uri())
    deadline = time.monotonic() + timeout
    while not driver.execute_script(f"return !!({ready})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path.name} not ready within {timeout} s")
        time.sleep(0.05)


def _census(driver: Any) -> Counter[str]:
    """Elements of the page by tag (inline scripts apart), inline scripts, forbidden ones."""
    got = driver.execute_script(
        "var c = {};"
        "document.querySelectorAll('*').forEach(function (e) {"
        "  var t = e.tagName.toLowerCase(); c[t] = (c[t] || 0) + 1; });"
        "c['inline script'] = document.querySelectorAll('script:not([src])').length;"
        f"c['forbidden'] = document.querySelectorAll({json.dumps(FORBIDDEN)}).length;"
        "return c;"
    )
    return Counter({k: int(v) for k, v in got.items()})


def _assert_nothing_ran(driver: Any, title: str) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018 (raises when no alert is open)
    assert driver.execute_script("return window.__pwned === undefined && !parent.__pwned")
    assert driver.title == title
    assert severe_logs(driver) == []


def _both(build: Callable[[bool, Path], Path], tmp_path: Path) -> tuple[Path, Path]:
    return build(False, tmp_path / "plain"), build(True, tmp_path / "hostile")


def _compare(
    driver: Any, pages: tuple[Path, Path], title: Callable[[bool], str], ready: str = "true"
) -> None:
    """Open the plain page then the hostile one: same elements, nothing ran."""
    census = []
    for hostile, page in zip((False, True), pages, strict=True):
        _open(driver, page, ready)
        _assert_nothing_ran(driver, title(hostile))
        census.append(_census(driver))
    assert census[0]["forbidden"] == 0
    assert census[1] == census[0]


# ---------------------------------------------------------------------------------- map


def _gangs(hostile: bool) -> tuple[nx.Graph, dict[str, int]]:
    """Two groups of six who call each other; every name, alias, type, id and record source
    hostile (or plain)."""
    names = _names(hostile)
    G = nx.Graph()
    for i, name in enumerate(names):
        # a hostile id, but another's: the search must find a name by the name itself
        node = f"id {names[(i + 1) % len(names)]}" if hostile else f"P{i}"
        G.add_node(node, label="Person", name=name, aliases=[f"alias {name}"], source=name)
    nodes = list(G)
    kind = names[1] if hostile else "Plain type"
    G.add_node("phone", label=kind, name=names[2], source="phones.csv", source_row=1)
    G.add_edge(nodes[0], "phone", type=names[3] if hostile else "USES", source=names[4])
    for g in (nodes[:6], nodes[6:]):
        for a in g:
            for b in g:
                if a < b:
                    rec = {"source": names[5], "source_row": 2, "call_id": names[6]}
                    G.add_edge(a, b, type="CALLED", weight=1, records=[rec])
    G.add_edge(nodes[5], nodes[6], type="CALLED", weight=1)
    groups = {n: (0 if k < 6 else 1) for k, n in enumerate(nodes)} | {"phone": 1}
    return G, groups


def _map(hostile: bool, folder: Path, **options: Any) -> Path:
    G, groups = _gangs(hostile)
    title = PAYLOADS[6] if hostile else "Plain map"
    scores = {n: float(k) for k, n in enumerate(G)}  # the leader: the highest score
    scores["phone"] = -1.0
    return network_map(
        G, folder / "map.html", title=title, communities=groups, size_by=scores, seed=1, **options
    )


def _map_title(hostile: bool) -> str:
    return PAYLOADS[6] if hostile else "Plain map"


READY = "window.netintel && window.netintel.ready"


def test_a_map_of_hostile_names_runs_none_of_them(browser: Any, tmp_path: Path) -> None:
    pages = _both(_map, tmp_path)
    _compare(browser, pages, _map_title, READY)
    # the legend names the types and the communities after their leaders, as text
    legend = browser.find_element("id", "ni-legend").text
    leaders = (PAYLOADS[-1], PAYLOADS[5])  # the highest score of each group, largest first
    for shown in (PAYLOADS[3], *(f"{n}'s group" for n in leaders)):
        assert shown in legend  # (a node type outside the schema shows as "other")
    assert f"NODE TYPES\nPerson\n{len(PAYLOADS)}\nother\n1\n" in legend
    options = browser.execute_script(
        "return Array.from(document.querySelectorAll('#ni-community option'))"
        ".map(function (o) { return o.textContent; })"
    )
    assert options == ["all communities", f"{leaders[0]}'s group (8)", f"{leaders[1]}'s group (6)"]
    assert browser.find_element("tag name", "h1").text == PAYLOADS[6]
    # the search finds each hostile name, as typed (whole names: labels are cut at 40)
    for name in PAYLOADS:
        hits = browser.execute_script("return netintel.search(arguments[0])", name)
        named = browser.execute_script(
            "var t = netintel.data.nodes.title, want = 'Person \\u00b7 ' + arguments[0] + '\\n';"
            "return t.map(function (s, i) { return s.indexOf(want) === 0 ? i : -1; })"
            ".filter(function (i) { return i >= 0; });",
            name,
        )
        assert len(named) == 1 and named[0] in hits, (name, named, hits)
    # the tooltips hold the names, aliases and record sources as text
    titles = browser.execute_script(
        "return netintel.nodes.get().map(function (n) { return n.title; })"
        ".concat(netintel.edges.get().map(function (e) { return e.title; }))"
    )
    text = "\n".join(titles)
    for name in PAYLOADS:
        assert f"Person \u00b7 {name}\n" in text and f"alias {name}" in text
    assert f"{PAYLOADS[5]} row 2" in text
    _hover_tooltip(browser, PAYLOADS[0])
    _assert_nothing_ran(browser, PAYLOADS[6])


def _hover_tooltip(driver: Any, name: str) -> None:
    """Hover the node named ``name``: the tooltip shows its title as text, no element in it."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("netintel.search('')")
    node = driver.execute_script(
        "return netintel.nodes.get({filter: function (n) { return n.label === arguments[0]; }})"
        ".map(function (n) { return n.id; })[0];".replace("arguments[0]", json.dumps(name))
    )
    x, y, w, h = driver.execute_script(
        "var p = netintel.network.canvasToDOM(netintel.network.getPositions([arguments[0]])"
        "[arguments[0]]); var c = document.querySelector('#ni-net canvas');"
        "return [p.x, p.y, c.clientWidth, c.clientHeight];",
        node,
    )
    canvas = driver.find_element("css selector", "#ni-net canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, 0, 0).perform()
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(x - w / 2), int(y - h / 2)
    ).perform()
    deadline = time.monotonic() + 10
    tip: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        tip = driver.execute_script(
            "var t = document.querySelector('div.vis-tooltip');"
            "return t && t.style.visibility !== 'hidden' ?"
            " {text: t.innerText, tags: Array.from(t.querySelectorAll('*'))"
            ".map(function (e) { return e.tagName; })} : null;"
        )
        if tip and name in tip["text"]:
            break
        time.sleep(0.1)
    title = driver.execute_script("return netintel.nodes.get(arguments[0]).title", node)
    assert title.startswith(f"Person \u00b7 {name}\n")
    assert tip is not None and tip["text"] == title, tip
    assert set(tip["tags"]) == {"BR"}  # vis-network breaks the lines; no other element


def test_a_redacted_map_of_hostile_names_runs_none_of_them(browser: Any, tmp_path: Path) -> None:
    pages = _both(lambda h, f: _map(h, f, redact=True), tmp_path)
    _compare(browser, pages, _map_title, READY)


# ------------------------------------------------------------------------- case report


def _case_frames(hostile: bool) -> dict[str, pd.DataFrame]:
    """Twelve people in two calling groups, a victim moved between them; hostile names,
    aliases, region and case."""
    names = _names(hostile)
    ids = [f"P{i}" for i in range(len(names))]
    persons = pd.DataFrame(
        {
            "person_id": ids,
            "name": names,
            "aliases": [f"alias {n}" for n in names],
            "roles": ["suspect"] * (len(ids) - 1) + ["victim"],  # the last one
        }
    )
    phones = [f"+86138001382{i:02d}" for i in range(len(ids))]
    calls = []
    for g in (range(0, 6), range(6, len(ids) - 1)):
        for a in g:
            for b in g:
                if a < b:
                    calls.append(
                        (f"k{a}-{b}", phones[a], phones[b], f"2024-03-01T{a:02d}:{b:02d}:00Z")
                    )
    calls.append(("k-bridge", phones[5], phones[6], "2024-03-02T10:00:00Z"))
    region = names[2]
    return {
        "persons": persons,
        "phones": pd.DataFrame({"number": phones}),
        "phone_users": pd.DataFrame({"person_id": ids, "number": phones}),
        "calls": pd.DataFrame(calls, columns=["call_id", "caller", "callee", "started_at"]),
        "cases": pd.DataFrame({"case_id": ["C1"], "category": ["trafficking"], "region": [region]}),
        "case_suspects": pd.DataFrame({"person_id": ids[:-1], "case_id": "C1"}),
        "case_victims": pd.DataFrame({"person_id": [ids[-1]], "case_id": ["C1"]}),
        "transfers": pd.DataFrame(
            {
                "transfer_id": ["T1", "T2"],
                "at": ["2024-03-03T10:00:00Z", "2024-03-04T10:00:00Z"],
                "victim_id": [ids[-1], ids[-1]],
                "from_id": [ids[0], ids[6]],
                "to_id": [ids[6], ids[7]],
                "case_id": ["C1", "C1"],
            }
        ),
    }


def _report(driver: neo4j.Driver) -> Callable[[bool, Path], Path]:
    def build(hostile: bool, folder: Path) -> Path:
        empty_graph(driver)
        report = ingest(_case_frames(hostile), driver=driver, progress=False)
        assert report.rows_rejected == 0, str(report)
        made = case_report(driver, folder, seeds=2, top=5, stability_samples=0)
        return made.html

    return build


@pytest.mark.neo4j
def test_a_case_report_of_hostile_names_runs_none_of_them(
    browser: Any, neo4j_driver: neo4j.Driver, tmp_path: Path
) -> None:
    pages = _both(_report(neo4j_driver), tmp_path)
    _open(browser, pages[0])
    title = browser.title
    _compare(browser, pages, lambda _h: title)
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('td')).map(function (t) {"
        " return t.textContent; })"
    )
    shown = sorted({c for c in cells if c in PAYLOADS})
    assert len(shown) >= 5, shown  # the key players and the chains name people, as written
    assert (pages[1].parent / "map.html").is_file()
    _open(browser, pages[1].parent / "map.html", READY)
    _assert_nothing_ran(browser, browser.title)
    assert (
        browser.execute_script(f"return document.querySelectorAll({json.dumps(FORBIDDEN)}).length")
        == 0
    )


def _table_page(hostile: bool, folder: Path) -> Path:
    names = _names(hostile)
    table = pd.DataFrame({"name": names, "alias": [f"alias {n}" for n in names]})
    markdown = render_markdown("Report", [Section("People", ["Who is who:", table])])
    folder.mkdir(parents=True)
    (folder / "report.html").write_text(render_html("Report", markdown), encoding="utf-8")
    return folder / "report.html"


def test_report_tables_show_hostile_text_as_written(browser: Any, tmp_path: Path) -> None:
    pages = _both(_table_page, tmp_path)
    _compare(browser, pages, lambda _h: "Report")
    cells = browser.execute_script(
        "return Array.from(document.querySelectorAll('td')).map(function (t) {"
        " return t.textContent; })"
    )
    assert cells == [x for n in PAYLOADS for x in (n, f"alias {n}")]


# ----------------------------------------------------------------------- leaderboard


def _write(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(list(header))
        w.writerows(rows)


def _truth(folder: Path) -> Path:
    _write(folder / "person_ids.csv", ["person_id"], ([f"P{i}"] for i in range(1, 7)))
    _write(
        folder / "gangs.csv", ["person_id", "gang"], [(f"P{i}", f"G{i // 4}") for i in range(1, 7)]
    )
    _write(
        folder / "leaders.csv", ["rank", "person_id", "gang"], [(1, "P1", "G0"), (2, "P4", "G1")]
    )
    _write(folder / "chains.csv", ["chain", "hop", "person_id"], [("C1", 0, "P1"), ("C1", 1, "P4")])
    _write(folder / "aliases.csv", ["person_id_a", "person_id_b"], [("P2", "P3")])
    (folder / "manifest.json").write_text(json.dumps({"challenge_id": "tiny"}), encoding="utf-8")
    return folder


def _board(hostile: bool, folder: Path) -> Path:
    """One team per name that can name a folder; each submits a gang with an unknown id
    (the name itself) and a gang label that is the name."""
    names = _names(hostile)
    subs = folder / "subs"
    for name in names:
        if "/" in name:
            continue
        rows = [(f"P{j}", name) for j in range(1, 7)] + [(name, name)]
        _write(subs / name / "gangs.csv", ["person_id", "gang"], rows)
    board = leaderboard(subs, _truth(folder / "truth"))
    # teams whose names cannot be folders: the board's frame is public, so name them there
    extra = board.iloc[:1].copy()
    rows = [extra.assign(team=n) for n in names if "/" in n]
    board = pd.concat([board, *rows], ignore_index=True)
    board.attrs["challenge_id"] = names[0]
    title = PAYLOADS[3] if hostile else "Plain board"
    return write_leaderboard(board, folder / "out", title=title)["html"]


def test_a_leaderboard_of_hostile_teams_runs_none_of_them(browser: Any, tmp_path: Path) -> None:
    pages = _both(_board, tmp_path)
    _compare(browser, pages, lambda h: PAYLOADS[3] if h else "Plain board")
    teams = browser.execute_script(
        "return Array.from(document.querySelectorAll('td.team')).map(function (t) {"
        " return t.textContent; })"
    )
    assert sorted(teams) == sorted(PAYLOADS)
    problems = browser.execute_script(
        "return Array.from(document.querySelectorAll('h3')).map(function (t) {"
        " return t.textContent; })"
    )
    assert sorted(problems) == sorted(PAYLOADS)
    pre = "\n".join(
        browser.execute_script(
            "return Array.from(document.querySelectorAll('pre')).map(function (t) {"
            " return t.textContent; })"
        )
    )
    for name in PAYLOADS:
        if "/" not in name:
            assert f"unknown person id {name!r}" in pre
    assert browser.find_element("tag name", "h1").text == PAYLOADS[3]
    assert f"Challenge {PAYLOADS[0]}" in browser.find_element("tag name", "body").text

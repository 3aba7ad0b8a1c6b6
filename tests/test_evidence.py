"""Evidence behind links (issue #14, part 3): the call projections carry, per link, the
first records in time order with file, row, time and values, and the count of all;
exports' ``records`` tables and the map's evidence panel list the same records."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest

from netintel import projection
from netintel.export import CSVExporter, ExcelExporter
from netintel.ingest import ingest
from netintel.projection import multiplex_network, person_call_network, phone_call_network
from netintel.viz import network_map

pytestmark = pytest.mark.neo4j

PH1, PH2, PH3, PH4 = (f"+4479110000{i:02d}" for i in (0, 7, 14, 21))


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def write_case(folder: Path, n_bulk: int = 0) -> Path:
    """A case folder; ``source_row`` is the line in the file (the header is line 1).

    ``n_bulk`` extra calls A -> C, one a minute from 2024-02-01 10:00 UTC."""
    folder.mkdir()
    pd.DataFrame({"person_id": ["A", "B", "C"], "name": ["Anna", "Ben", "Cleo"]}).to_csv(
        folder / "persons.csv", index=False
    )
    pd.DataFrame({"person_id": ["A", "B", "C"], "number": [PH1, PH2, PH3]}).to_csv(
        folder / "phone_users.csv", index=False
    )
    rows = [
        ("c1", PH1, PH2, "2024-01-01T10:00:00Z", 60, "T1"),
        ("c2", PH2, PH1, "2024-01-03T10:00:00Z", 10, "T2"),
        ("c3", PH1, PH2, "2024-01-02T10:00:00Z", 30, "T1"),
        ("c4", PH1, PH3, "2024-01-10T10:00:00Z", 100, "T1"),
    ]
    start = utc("2024-02-01T10:00:00Z")
    rows += [
        (f"b{k:03d}", PH1, PH3, (start + pd.Timedelta(minutes=k)).isoformat(), k, "T1")
        for k in range(n_bulk)
    ]
    pd.DataFrame(
        rows, columns=["call_id", "caller", "callee", "started_at", "duration_s", "tower"]
    ).to_csv(folder / "calls.csv", index=False)
    return folder


@pytest.fixture
def case(graph: neo4j.Driver, tmp_path: Path) -> Iterator[tuple[neo4j.Driver, str]]:
    folder = write_case(tmp_path / "case", n_bulk=projection.EVIDENCE_RECORDS + 5)
    report = ingest(folder, driver=graph, reject_dir=tmp_path / "rejects", progress=False)
    assert report.rows_rejected == 0, report
    yield graph, report.run_id


def rec(row: int, call_id: str, at: str, duration: int, tower: str, run: str) -> dict[str, Any]:
    return {
        "source": "calls.csv",
        "source_row": row,
        "ingest_run": run,
        "at": utc(at),
        "call_id": call_id,
        "duration_s": duration,
        "tower": tower,
    }


def test_person_calls_carry_the_records_in_time_order_bounded(case: tuple[Any, str]) -> None:
    driver, run = case
    proj = person_call_network(driver)
    frame = proj.to_frame().set_index(["src", "dst"])
    # both directions of A - B joined, in time order (row 3 is earlier than row 2)
    assert frame.loc[("A", "B"), "records"] == [
        rec(2, "c1", "2024-01-01T10:00:00Z", 60, "T1", run),
        rec(4, "c3", "2024-01-02T10:00:00Z", 30, "T1", run),
        rec(3, "c2", "2024-01-03T10:00:00Z", 10, "T2", run),
    ]
    assert frame.loc[("A", "B"), "record_count"] == 3
    # A - C: 26 calls, the first EVIDENCE_RECORDS carried, all counted
    ac = frame.loc[("A", "C"), "records"]
    assert projection.EVIDENCE_RECORDS == 20
    assert frame.loc[("A", "C"), "record_count"] == 26
    assert [r["source_row"] for r in ac] == list(range(5, 25))
    assert ac[0] == rec(5, "c4", "2024-01-10T10:00:00Z", 100, "T1", run)
    assert ac[1] == rec(6, "b000", "2024-02-01T10:00:00Z", 0, "T1", run)
    directed = person_call_network(driver, directed=True).to_frame().set_index(["src", "dst"])
    assert [r["call_id"] for r in directed.loc[("B", "A"), "records"]] == ["c2"]
    assert directed.loc[("A", "B"), "record_count"] == 2
    phones = phone_call_network(driver).to_frame().set_index(["src", "dst"])
    assert phones.loc[(PH1, PH2), "records"] == frame.loc[("A", "B"), "records"]
    calls = multiplex_network(driver, layers=("calls", "co_offending")).layer("calls")
    layer = calls.to_frame().set_index(["src", "dst"])
    assert layer.loc[("A", "B"), "records"] == frame.loc[("A", "B"), "records"]


def expected_table(run: str) -> pd.DataFrame:
    """The records table of the A - B link, in Europe/Berlin local time."""
    rows = [
        (2, "c1", "2024-01-01T11:00:00+01:00", 60, "T1"),
        (4, "c3", "2024-01-02T11:00:00+01:00", 30, "T1"),
        (3, "c2", "2024-01-03T11:00:00+01:00", 10, "T2"),
    ]
    return pd.DataFrame(
        [
            {
                "edge_source": "A",
                "edge_target": "B",
                "rel_type": "CALLED",
                "source": "calls.csv",
                "source_row": row,
                "ingest_run": run,
                "at": at,
                "timezone": "Europe/Berlin",
                "call_id": cid,
                "duration_s": d,
                "tower": t,
            }
            for row, cid, at, d, t in rows
        ]
    )


def test_export_records_tables_list_the_same_evidence(
    case: tuple[Any, str], tmp_path: Path
) -> None:
    driver, run = case
    G = person_call_network(driver).to_networkx()
    out = CSVExporter(tmp_path / "csv", tz="Europe/Berlin", encoding="utf-8")
    out.write(G)
    out.finalize()
    edges = pd.read_csv(tmp_path / "csv" / "edges.csv").set_index(["source", "target"])
    assert edges.loc[("A", "B"), "record_count"] == 3
    assert edges.loc[("A", "C"), "record_count"] == 26
    records = pd.read_csv(tmp_path / "csv" / "records.csv", dtype={"ingest_run": str})
    assert len(records) == 3 + 20
    ab = records[records["edge_target"] == "B"].reset_index(drop=True)
    want = expected_table(run)
    pd.testing.assert_frame_equal(ab[want.columns], want, check_dtype=False)
    xlsx = ExcelExporter(tmp_path / "k.xlsx", tz="Europe/Berlin")
    xlsx.write(G)
    xlsx.finalize()
    sheet = pd.read_excel(tmp_path / "k.xlsx", sheet_name="records", dtype=str)
    ab_x = sheet[sheet["edge_target"] == "B"].reset_index(drop=True)
    pd.testing.assert_frame_equal(ab_x[want.columns], want.astype(str), check_dtype=False)


def test_map_payload_and_tooltip_count_every_record(case: tuple[Any, str], tmp_path: Path) -> None:
    driver, _ = case
    G = person_call_network(driver).to_networkx()
    path = network_map(G, tmp_path / "m.html", tz="Europe/Berlin")
    html = Path(path).read_text(encoding="utf-8")
    assert "records (26):" in html
    assert "\\u2026 and 16 more" in html or "… and 16 more" in html


def test_clicking_a_link_or_node_opens_the_evidence_panel(
    case: tuple[Any, str], tmp_path: Path
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from netintel.viz.browser import browser_missing, chromium, severe_logs

    if browser_missing():
        pytest.skip(browser_missing() or "")
    driver, run = case
    G = person_call_network(driver).to_networkx()
    G.nodes["A"]["name"] = "<b>Anna</b>"  # text, never markup
    path = network_map(G, tmp_path / "m.html", tz="Europe/Berlin")
    with chromium() as web:
        web.get(Path(path).as_uri())
        for _ in range(600):
            if web.execute_script("return !!(window.netintel && window.netintel.ready)"):
                break
            time.sleep(0.05)
        canvas = web.find_element(By.CSS_SELECTOR, "#ni-net canvas")

        def click_at(script: str) -> None:
            dx, dy = web.execute_script(
                "var n = window.netintel.network, D = window.netintel.data;"
                "var c = document.querySelector('#ni-net canvas').getBoundingClientRect();"
                "function at(i) { return n.canvasToDOM(n.getPosition(i)); }"
                + script
                + "return [p.x - c.width / 2, p.y - c.height / 2];"
            )
            ActionChains(web).move_to_element_with_offset(
                canvas, int(dx), int(dy)
            ).click().perform()
            time.sleep(0.3)

        def panel() -> tuple[str, list[list[str]], str]:
            box = web.find_element(By.ID, "ni-evidence")
            assert box.is_displayed()
            rows = [
                [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                for tr in box.find_elements(By.CSS_SELECTOR, "tr")[1:]
            ]
            more = box.find_element(By.CLASS_NAME, "more").text
            return box.find_element(By.TAG_NAME, "h2").text, rows, more

        a, b = (
            web.execute_script(f"return window.netintel.data.nodes.id.indexOf('{k}')") for k in "AB"
        )
        # the middle of the A - B link
        click_at(
            f"var u = at({a}), v = at({b}); var p = {{x: (u.x + v.x) / 2, y: (u.y + v.y) / 2}};"
        )
        title, rows, more = panel()
        assert title == "<b>Anna</b> \u2014 Ben (3 records)"
        values = "ingest_run={run} \u00b7 call_id={c} \u00b7 duration_s={d} \u00b7 tower={t}"
        assert rows == [
            [
                "calls.csv",
                "2",
                "2024-01-01 11:00 CET (+01:00) Europe/Berlin",
                values.format(run=run, c="c1", d=60, t="T1"),
            ],
            [
                "calls.csv",
                "4",
                "2024-01-02 11:00 CET (+01:00) Europe/Berlin",
                values.format(run=run, c="c3", d=30, t="T1"),
            ],
            [
                "calls.csv",
                "3",
                "2024-01-03 11:00 CET (+01:00) Europe/Berlin",
                values.format(run=run, c="c2", d=10, t="T2"),
            ],
        ]
        assert more == ""
        assert web.execute_script("return document.querySelectorAll('#ni-evidence b').length") == 0
        # node A: the records of its links, bounded, the rest counted
        click_at(f"var p = at({a});")
        title, rows, more = panel()
        assert title == "<b>Anna</b> (29 records on its links)"
        assert len(rows) == 20 and [r[1] for r in rows[:3]] == ["2", "4", "3"]
        assert more == "\u2026 and 9 more"
        # empty canvas: the panel closes
        click_at("var p = {x: 5, y: 5};")
        assert not web.find_element(By.ID, "ni-evidence").is_displayed()
        assert severe_logs(web) == []  # no script error, no CSP violation

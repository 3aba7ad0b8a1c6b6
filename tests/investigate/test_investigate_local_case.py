"""A small Shanghai case through Neo4j: local time with its zone and names beside ids.

The case is ingested with ``timezone: Asia/Shanghai``. A hand-over (transfer T1) and a
call (C1) at 02:10 local time on 2 May 2023 are 18:10 UTC on 1 May: every table,
CSV, report and tooltip must show 2023-05-02 02:10 with the zone, never 2023-05-01 18:10.

P1 and P2 are suspects in the same case K1 and P1's phone called P2's: the shortest
path of any kind goes through the case (2 hops), the call path through the phones (3).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import neo4j
import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner
from loaded_graph import LoadedGraph

from netintel.cli import cli
from netintel.exceptions import UnknownIdError
from netintel.export import export
from netintel.ingest import ingest
from netintel.investigate import (
    call_chains_of,
    case_timezone,
    colocation_of,
    contact_profile_of,
    k_shortest_paths_of,
    transfer_chains_of,
    victim_chains_of,
)
from netintel.projection import person_call_network
from netintel.report import case_report

pytestmark = pytest.mark.neo4j

PH1, PH2 = "+8613800138001", "+8613800138002"
LOCAL = "2023-05-02 02:10"  # what the case's people read
UTC_TEXT = "2023-05-01 18:10"  # the same moment in UTC: must not be shown
SHOWN = "2023-05-02 02:10 CST (+08:00)"


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "persons": pd.DataFrame(
            {
                "person_id": ["P1", "P2", "P3", "V1"],
                "name": ["张伟", "李娜", "王芳", "小明"],
                "roles": ["suspect", "suspect", "buyer", "victim"],
            }
        ),
        "cases": pd.DataFrame({"case_id": ["K1"], "category": ["trafficking"]}),
        "locations": pd.DataFrame({"location_id": ["L1"], "name": ["Hongqiao station"]}),
        "sightings": pd.DataFrame(
            {
                "person_id": ["P1", "P3"],
                "location_id": ["L1", "L1"],
                "at": ["2023-05-02T02:10:00", "2023-05-02T02:40:00"],
            }
        ),
        "case_suspects": pd.DataFrame({"person_id": ["P1", "P2"], "case_id": ["K1", "K1"]}),
        "phones": pd.DataFrame({"number": [PH1, PH2]}),
        "phone_users": pd.DataFrame({"person_id": ["P1", "P2"], "number": [PH1, PH2]}),
        "calls": pd.DataFrame(
            {
                "call_id": ["C1"],
                "caller": [PH1],
                "callee": [PH2],
                "started_at": ["2023-05-02T02:10:00"],
                "duration_s": [60],
            }
        ),
        "transfers": pd.DataFrame(
            {
                "transfer_id": ["T1", "T2"],
                "at": ["2023-05-02T02:10:00", "2023-05-03T09:00:00"],
                "victim_id": ["V1", "V1"],
                "from_id": ["P1", "P3"],
                "to_id": ["P3", "P2"],
            }
        ),
    }


def test_a_graph_without_ingest_or_zone_is_utc(graph: neo4j.Driver) -> None:
    assert case_timezone(graph) == "UTC"
    # an ingest whose zone was not set (stored as null) read its times as UTC
    graph.execute_query(
        "CREATE (:IngestRun {run_id: 'r0', status: 'complete', finished: datetime(), "
        "options: $options})",
        options=json.dumps({"timezone": None}),
    )
    assert case_timezone(graph) == "UTC"


@pytest.fixture
def case(loaded_graph: LoadedGraph, tmp_path_factory: pytest.TempPathFactory) -> neo4j.Driver:
    def load(driver: neo4j.Driver) -> neo4j.Driver:
        report = ingest(
            _frames(),
            driver=driver,
            timezone="Asia/Shanghai",
            reject_dir=tmp_path_factory.mktemp("rejects"),
            progress=False,
        )
        assert report.rows_rejected == 0
        return driver

    return loaded_graph("local-case", load)


def test_the_case_zone_is_the_ingest_zone(case: neo4j.Driver) -> None:
    assert case_timezone(case) == "Asia/Shanghai"


def test_chain_table_shows_local_time_zone_and_names(case: neo4j.Driver) -> None:
    chains = victim_chains_of(case)
    frame = chains.to_frame()
    first = frame.iloc[0]
    assert str(first["at"]) == f"{LOCAL}:00+08:00"
    assert first["timezone"] == "Asia/Shanghai"
    assert (first["from_id"], first["from_name"]) == ("P1", "张伟")
    assert (first["to_id"], first["to_name"]) == ("P3", "王芳")
    assert (first["victim_id"], first["victim_name"]) == ("V1", "小明")
    (summary,) = chains.summary().itertuples()
    assert summary.names == ("P1 (张伟)", "P3 (王芳)", "P2 (李娜)")
    assert str(summary.start) == f"{LOCAL}:00+08:00"
    # the hops keep UTC, and tz= overrides the case's zone
    assert chains.chains[0].start == pd.Timestamp(f"{UTC_TEXT}Z")
    assert str(victim_chains_of(case, tz="UTC").to_frame()["at"].iloc[0]) == f"{UTC_TEXT}:00+00:00"
    across = transfer_chains_of(case, max_gap="3D")
    assert across.tz == "Asia/Shanghai" and len(across) == 1


def test_call_tables_and_active_hours_are_local(case: neo4j.Driver) -> None:
    hours = contact_profile_of(case, phone=PH1).hours
    assert hours[2] == 1 and hours.sum() == 1  # called at 02:10 local, not at 18h
    assert contact_profile_of(case, phone=PH1, tz="UTC").hours[18] == 1
    chains = call_chains_of(case, "P1", "P2")
    frame = chains.to_frame()
    assert str(frame.loc[0, "at"]) == f"{LOCAL}:00+08:00"
    assert frame.loc[0, "timezone"] == "Asia/Shanghai"
    assert chains.to_dict()["chains"][0]["times"] == ["2023-05-02T02:10:00+08:00"]
    met = colocation_of(case, by="person")
    row = met.to_frame().iloc[0]
    assert (row["a"], row["b"]) == ("P1", "P3")
    assert str(row["first"]) == f"{LOCAL}:00+08:00" and row["timezone"] == "Asia/Shanghai"
    assert met.to_dict()["rows"][0]["first"] == "2023-05-02T02:10:00+08:00"
    assert met.table["first"].iloc[0] == pd.Timestamp(f"{UTC_TEXT}Z")  # stored UTC


def test_chains_command_csv_and_json_are_local(
    case: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    run = CliRunner().invoke
    shown = run(cli, ["investigate", "chains", "--out", str(tmp_path / "c.csv")], env=neo4j_env)
    assert shown.exit_code == 0, shown.output
    assert f"{LOCAL}:00+08:00" in shown.stdout and UTC_TEXT not in shown.stdout
    text = (tmp_path / "c.csv").read_text(encoding="utf-8")
    assert UTC_TEXT not in text
    csv = pd.read_csv(tmp_path / "c.csv", dtype=str)
    assert csv.loc[0, "at"] == f"{LOCAL}:00+08:00"
    assert csv.loc[0, "timezone"] == "Asia/Shanghai" and csv.loc[0, "from_name"] == "张伟"
    as_json = run(cli, ["investigate", "chains", "--out", str(tmp_path / "c.json")], env=neo4j_env)
    assert as_json.exit_code == 0
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert data["timezone"] == "Asia/Shanghai"
    assert data["chains"][0]["hops"][0]["at"] == "2023-05-02T02:10:00+08:00"


def test_paths_follow_the_kind_of_link_asked_for(case: neo4j.Driver) -> None:
    anything = k_shortest_paths_of(case, "P1", "P2", k=1)
    assert anything.paths[0].nodes == ("Person:P1", "Case:K1", "Person:P2")
    cases = k_shortest_paths_of(case, "P1", "P2", k=1, via="cases")
    assert cases.paths[0].nodes == anything.paths[0].nodes
    calls = k_shortest_paths_of(case, "P1", "P2", k=3, via="calls")
    assert [p.nodes for p in calls.paths] == [
        ("Person:P1", f"Phone:{PH1}", f"Phone:{PH2}", "Person:P2")
    ]
    frame = calls.to_frame()
    called = frame[frame["types"] == "CALLED"].iloc[0]
    assert called["id"] == "C1" and called["source"] == "calls (DataFrame)"
    assert str(called["at"]) == f"{LOCAL}:00+08:00" and called["timezone"] == "Asia/Shanghai"
    assert frame.iloc[0][["u", "u_name"]].tolist() == ["Person:P1", "张伟"]
    assert calls.label("Person:P2") == "Person:P2 (李娜)"
    transfers = k_shortest_paths_of(case, "P1", "P2", k=5, via="transfers")
    assert {p.nodes[1] for p in transfers.paths} == {"Transfer:T1"}
    assert all(n.split(":")[0] in ("Person", "Transfer") for p in transfers.paths for n in p.nodes)
    # a phone can be an end, too
    from_phone = k_shortest_paths_of(case, PH1, "P2", k=1, via="calls")
    assert from_phone.paths[0].nodes == (f"Phone:{PH1}", f"Phone:{PH2}", "Person:P2")


def test_unknown_id_is_a_netintel_error_with_close_matches(case: neo4j.Driver) -> None:
    with pytest.raises(UnknownIdError, match="no person or phone with id P22; did you mean P2"):
        k_shortest_paths_of(case, "P1", "P22")
    with pytest.raises(UnknownIdError, match=r"^no person or phone with id NOBODY$"):
        k_shortest_paths_of(case, "NOBODY", "P1")
    with pytest.raises(ValueError, match="unknown kind of link 'roads'"):
        k_shortest_paths_of(case, "P1", "P2", via="roads")


def test_paths_command_via_calls_with_names_and_local_time(
    case: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    out = tmp_path / "p.csv"
    args = ["investigate", "paths", "P1", "P2", "--via", "calls", "--out", str(out)]
    result = CliRunner().invoke(cli, args, env=neo4j_env)
    assert result.exit_code == 0, result.output
    csv = pd.read_csv(out, dtype=str)
    assert "Case:K1" not in set(csv["u"]) | set(csv["v"])
    called = csv[csv["types"] == "CALLED"].iloc[0]
    assert called["at"] == f"{LOCAL}:00+08:00" and called["timezone"] == "Asia/Shanghai"
    assert set(csv["u_name"].dropna()) >= {"张伟"}
    assert f"path 0 (3 hops): Person:P1 (张伟) - Phone:{PH1} - Phone:{PH2} - Person:P2 (李娜)" in (
        result.stdout
    )
    both = CliRunner().invoke(
        cli, ["investigate", "paths", "P1", "P2", "--via", "calls", "--via", "cases"], env=neo4j_env
    )
    assert both.exit_code == 0 and "Case:K1" in both.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["paths", "P1", "NOBODY"], "no person or phone with id NOBODY"),
        (["paths", "P1", "P22"], "did you mean P2"),
        (["paths", "P1", "P2", "--via", "roads"], "unknown kind of link 'roads'"),
        (["paths", "P1", "P2", "--k", "0"], "--k"),
        (["paths", "P1", "P2", "--max-hops", "0"], "--max-hops"),
        (["chains", "--victim", "NOBODY"], "no person with id NOBODY"),
        (["chains", "--across", "--max-gap", "yesterday"], "is not a duration"),
        (["chains", "--min-hops", "0"], "--min-hops"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    case: neo4j.Driver, neo4j_env: dict[str, str], args: list[str], message: str
) -> None:
    result = CliRunner().invoke(cli, ["investigate", *args], env=neo4j_env)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_report_map_and_export_show_local_time(case: neo4j.Driver, tmp_path: Path) -> None:
    made = case_report(case, tmp_path / "r", seeds=2, top=5)
    assert made.facts["timezone"] == "Asia/Shanghai"
    md = made.markdown.read_text(encoding="utf-8")
    chains = md.split("## Trafficking chains")[1].split("##")[0]
    assert SHOWN in chains and "P1 (张伟), P3 (王芳), P2 (李娜)" in chains
    assert UTC_TEXT not in md
    assert "Asia/Shanghai local time" in md
    ingests = md.split("## Ingests")[1].split("##")[0]  # when each ingest ran, local too
    assert re.search(r"\| \d{4}-\d\d-\d\d \d\d:\d\d CST \(\+08:00\) \| complete", ingests)
    html = made.html.read_text(encoding="utf-8")
    assert SHOWN in html and UTC_TEXT not in html
    # the map's tooltips: the call between P1 and P2 (first and last call) in local time
    assert made.map_html is not None
    page = made.map_html.read_text(encoding="utf-8")
    assert SHOWN in page and UTC_TEXT not in page

    G = person_call_network(case).to_networkx()
    files = export(G, tmp_path / "csv", tz=case_timezone(case))
    edges = pd.read_csv(next(p for p in files if p.name == "edges.csv"), dtype=str)
    assert edges.loc[0, "first_call"] == "2023-05-02T02:10:00+08:00"
    assert edges.loc[0, "timezone"] == "Asia/Shanghai"
    (graphml,) = export(G, tmp_path / "g.graphml", tz="Asia/Shanghai")
    H = nx.read_graphml(graphml)
    assert H.graph["timezone"] == "Asia/Shanghai"
    assert next(iter(H.edges(data=True)))[2]["first_call"] == "2023-05-02T02:10:00+08:00"


def test_map_and_export_commands_show_the_case_zone(
    case: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    run = CliRunner().invoke
    page = tmp_path / "calls.html"
    made = run(
        cli,
        ["map", "--projection", "person_calls", "--communities", "none", "--out", str(page)],
        env=neo4j_env,
    )
    assert made.exit_code == 0, made.output
    html = page.read_text(encoding="utf-8")
    assert SHOWN in html and UTC_TEXT not in html
    tables = tmp_path / "tables"
    made = run(
        cli,
        ["export", "--projection", "person_calls", "--communities", "none", str(tables)],
        env=neo4j_env,
    )
    assert made.exit_code == 0, made.output
    edges = pd.read_csv(tables / "edges.csv", dtype=str)
    assert edges.loc[0, "first_call"] == "2023-05-02T02:10:00+08:00"
    assert edges.loc[0, "timezone"] == "Asia/Shanghai"


def test_readers_forward_the_pure_functions_options(case: neo4j.Driver) -> None:
    # P1 and P3 were seen at L1 30 minutes apart: a meeting within the pure default (1h)
    assert len(colocation_of(case, by="person")) == 1
    assert len(colocation_of(case, by="person", window="20min")) == 0
    with pytest.raises(ValueError, match="by='phone'"):
        colocation_of(case, by="person", start="2023-05-01")
    with pytest.raises(ValueError, match="by must be"):
        colocation_of(case, by="tower")
    # the only call is at 18:10 UTC: a chain must start in [start, end]
    assert len(call_chains_of(case, "P1", "P2", end="2023-05-01T18:00Z")) == 0
    assert len(call_chains_of(case, "P1", "P2", start="2023-05-01T18:00Z")) == 1
    with pytest.raises(TypeError, match="no_such_option"):
        call_chains_of(case, "P1", "P2", no_such_option=1)

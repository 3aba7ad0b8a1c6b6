"""The case report (`netintel report`, the end of `netintel demo`) on a synthetic case."""

from __future__ import annotations

import re
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.algorithms import rank_stability
from netintel.cli import cli
from netintel.ingest import ingest
from netintel.projection import person_call_network
from netintel.report import case_report
from netintel.synth import generate
from netintel.viz import remote_references

pytestmark = pytest.mark.neo4j


def test_case_report_on_a_synthetic_case(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    data = tmp_path / "data"
    generate(data, scale=5_000, seed=4)
    ingested = ingest(data, driver=graph, mapping=data / "mapping.yaml", progress=False)
    members = pd.read_csv(data / "ground_truth" / "gang_members.csv", dtype=str)
    members = members[members["role"] != "broker"]  # brokers work for several gangs
    planted = dict(zip(members["person_id"], members["gang_id"], strict=True))
    made = case_report(graph, tmp_path / "r", seeds=3, top=5, truth=planted)

    # every input row is in the report's accounting, rejects included
    assert made.facts["rows_read"] == ingested.rows_read
    assert made.facts["rows_rejected"] == ingested.rows_rejected > 0
    transfers = pd.read_csv(data / "ground_truth" / "chains.csv", dtype=str)
    assert made.facts["chains"] == transfers["chain_id"].nunique()
    assert made.facts["communities"] >= 2 and 0 < made.facts["stability"] <= 1

    md = made.markdown.read_text(encoding="utf-8")
    for heading in (
        "What is in the graph",
        "Ingests",
        "Gangs",
        "Key players",
        "Trafficking chains",
        "Map",
    ):
        assert f"## {heading}" in md
    assert "Every file accounts for every row" in md
    # the planted gangs are found, but not perfectly (allied gangs that call a lot merge)
    assert 0.3 < made.facts["nmi"] < 1.0 and 0 < made.facts["ari"] < 1.0
    assert f"NMI {made.facts['nmi']:.3f}" in md
    # a crowd of people in no gang, who call around, is a loose group: said, not listed
    people = pd.read_csv(data / "ground_truth" / "people.csv", dtype=str)
    outsiders = set(people.loc[people["gang_id"].isna(), "person_id"])
    job = next((tmp_path / "r").glob("gangs/jobs/*/"))
    found = pd.read_csv(job / "partition.csv", dtype={"node": str})
    crowd = found[found["community"].isin(made.facts["loose_groups"])]["node"]
    assert len(crowd) >= 50 and crowd.isin(outsiders).mean() > 0.95
    gang_table = re.split(r"\|\s+alliance \|\s+gang \|", md)[1].split("\n\n")[0]
    listed = {int(line.split("|")[2]) for line in gang_table.splitlines()[2:]}
    assert listed and not listed & set(made.facts["loose_groups"])
    assert re.search(rf"{len(made.facts['loose_groups'])} loose groups? of {len(crowd):,} ", md)
    # the panel of fixed methods is shown beside the gangs, its best one named
    assert made.facts["panel_best"] in md and "louvain r=1" in md and "infomap" in md
    # the top PageRank person is listed first in the key-player table
    first = made.facts["top_pagerank"][0]
    assert re.search(rf"\|\s+1 \| {first} ", md)
    # beside each key player, the interval of ranks they take with data missing
    assert re.search(r"pagerank \|\s+median rank \| rank 5-95%\s+\| missing\s+\|", md)
    assert "Rank 5-95%: the ranks a person takes in 90% of 20 copies of the network" in md
    G = person_call_network(graph).to_networkx()
    rs = rank_stability(G, "pagerank", drop_nodes=0.02, drop_links=0.1, samples=20, seed=0)
    lo, hi = rs.table.loc[first, ["rank_05", "rank_95"]]
    assert made.facts["rank_interval_top_pagerank"] == f"{lo}-{hi}"
    # degree is shown as a share of the others (what the note says), not a raw count
    assert "contacts / (n - 1)" in md
    table = re.split(r"\| name\s+\|\s+degree \|", md)[1].split("\n\n")[0]
    rows = [line.split("|") for line in table.splitlines()[2:]]
    shares = [float(cells[4]) for cells in rows]
    assert len(shares) == 5 and all(0 < v <= 1 for v in shares)

    page = made.html.read_text(encoding="utf-8")
    assert "<script" not in page and remote_references(page) == []
    assert made.map_html is not None and made.map_html.is_file()

    # the command writes the same report
    result = CliRunner().invoke(
        cli, ["report", "--out", str(tmp_path / "c"), "--seeds", "3", "--no-map"], env=neo4j_env
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "c" / "report.html").is_file()
    assert not (tmp_path / "c" / "map.html").exists()


def test_report_of_an_empty_graph_says_so(graph: neo4j.Driver, tmp_path: Path) -> None:
    made = case_report(graph, tmp_path, seeds=2)
    md = made.markdown.read_text(encoding="utf-8")
    assert "No calls between people yet." in md
    assert "No transfers of victims recorded." in md
    assert made.map_html is None


def test_a_redacted_report_shows_no_name_phone_or_id_of_the_case(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    generate(data, scale=3_000, seed=5)
    ingest(data, driver=graph, mapping=data / "mapping.yaml", progress=False)
    persons = pd.read_csv(data / "persons.csv", dtype=str)
    phones = pd.read_csv(data / "phones.csv", dtype=str)
    victims = set(pd.read_csv(data / "ground_truth" / "chains.csv", dtype=str)["victim_id"])
    secret = {
        *persons["name"].dropna(),
        *persons["national_id"].dropna(),
        *phones["number"].dropna(),
        *(p for p in persons["person_id"] if p in victims),
    }
    secret = {s.strip() for s in secret if len(s.strip()) >= 2}
    plain = case_report(graph, tmp_path / "plain", seeds=2, top=5, stability_samples=0)
    shown = plain.markdown.read_text(encoding="utf-8")
    assert sum(s in shown for s in secret) > 10  # the plain report names people ...

    made = case_report(graph, tmp_path / "shared", seeds=2, top=5, stability_samples=0, redact=True)
    files = [p for p in (tmp_path / "shared").rglob("*") if p.is_file()]
    assert sorted(p.name for p in files) == ["map.html", "report.html", "report.md"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        leaked = sorted(s for s in secret if s in text)
        assert leaked == [], f"{path.name}: {leaked[:5]}"
    # ... the redacted one shows pseudonyms, and the key is kept beside the folder
    assert re.search(r"\bN-[0-9A-F]{10}\b", made.markdown.read_text(encoding="utf-8"))
    key = pd.read_csv(tmp_path / "shared.pseudonyms.csv", dtype=str)
    assert {"name", "person"} <= set(key["kind"])

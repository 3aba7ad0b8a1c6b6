"""Who met where: the colocation network from Neo4j and its geographic map (CLI)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner
from loaded_graph import LoadedGraph

from netintel.cli import cli
from netintel.ingest import ingest
from netintel.investigate import colocation_network_of, colocation_of

pytestmark = pytest.mark.neo4j

CITIES = {
    "ROM": ("Rome", 41.90, 12.50),
    "MIL": ("Milan", 45.46, 9.19),
    "NAP": ("Naples", 40.85, 14.27),
}


def _frames() -> dict[str, pd.DataFrame]:
    seen = [  # P1 and P2 meet twice in Rome, P2 and P3 once in Milan; P4 and P5 meet nobody
        ("P1", "ROM", "2024-03-01T10:00:00"),
        ("P2", "ROM", "2024-03-01T10:20:00"),
        ("P1", "ROM", "2024-03-02T18:00:00"),
        ("P2", "ROM", "2024-03-02T18:30:00"),
        ("P2", "MIL", "2024-03-05T09:00:00"),
        ("P3", "MIL", "2024-03-05T09:40:00"),
        ("P4", "NAP", "2024-03-05T09:00:00"),
        ("P5", "ROM", "2024-03-09T12:00:00"),
    ]
    return {
        "persons": pd.DataFrame(
            {"person_id": [f"P{i}" for i in range(1, 6)], "name": ["Ada", "Bo", "Cy", "Di", "Ed"]}
        ),
        "locations": pd.DataFrame(
            {
                "location_id": list(CITIES),
                "name": [c[0] for c in CITIES.values()],
                "lat": [c[1] for c in CITIES.values()],
                "lon": [c[2] for c in CITIES.values()],
            }
        ),
        "sightings": pd.DataFrame(seen, columns=["person_id", "location_id", "at"]),
    }


@pytest.fixture
def met(loaded_graph: LoadedGraph, tmp_path_factory: pytest.TempPathFactory) -> neo4j.Driver:
    def load(driver: neo4j.Driver) -> neo4j.Driver:
        report = ingest(
            _frames(),
            driver=driver,
            timezone="Europe/Rome",
            reject_dir=tmp_path_factory.mktemp("rejects"),
            progress=False,
        )
        assert report.rows_rejected == 0
        return driver

    return loaded_graph("colocation-map", load)


def test_the_colocation_network_holds_the_pairs_their_places_and_the_sightings(
    met: neo4j.Driver,
) -> None:
    result = colocation_of(met, by="person", window="1h")
    G = colocation_network_of(met, result, by="person")
    assert sorted(G) == ["MIL", "P1", "P2", "P3", "ROM"]  # not P4, P5 nor Naples
    assert G.nodes["P2"]["name"] == "Bo" and G.nodes["MIL"]["name"] == "Milan"
    assert (G.nodes["ROM"]["lat"], G.nodes["ROM"]["lon"]) == (41.90, 12.50)
    assert G["P1"]["P2"]["type"] == "MET" and G["P1"]["P2"]["weight"] == 2
    assert G["P2"]["P3"]["weight"] == 1
    kinds = {(u, v): d["type"] for u, v, d in G.edges(data=True) if d["type"] != "MET"}
    assert set(kinds.values()) == {"SEEN_AT"}
    assert sorted(tuple(sorted(k)) for k in kinds) == [
        ("MIL", "P2"),
        ("MIL", "P3"),
        ("P1", "ROM"),
        ("P2", "ROM"),
    ]
    # the records behind P1 in Rome: the two sightings' files and rows, as the graph holds them
    rows, _, _ = met.execute_query(
        "MATCH (:Person {person_id: 'P1'})-[s:SEEN_AT]->(:Location {location_id: 'ROM'}) "
        "RETURN s.source AS source, s.source_row AS row ORDER BY s.at"
    )
    got = [(r["source"], r["source_row"]) for r in G["P1"]["ROM"]["records"]]
    assert got == [(r["source"], r["row"]) for r in rows] and len(got) == 2
    assert G["P1"]["ROM"]["weight"] == 2 and G.graph["timezone"] == "Europe/Rome"


def test_colocation_map_command_draws_who_met_where_geographically(
    met: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    out = tmp_path / "met.html"
    env = {**neo4j_env, "NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    made = CliRunner().invoke(
        cli, ["investigate", "colocation", "--people", "--map", str(out)], env=env
    )
    assert made.exit_code == 0, made.output
    assert f"map of 2 pairs at their places: {out}" in made.stdout
    m = re.search(
        r'<script id="netintel-data" type="application/json">(.*?)</script>',
        out.read_text(encoding="utf-8"),
        re.S,
    )
    assert m
    data = json.loads(m.group(1))
    assert any(n.startswith("Layout: places by latitude") for n in data["notes"])
    nodes = data["nodes"]
    y = dict(zip(nodes["id"], nodes["y"], strict=True))
    assert y["MIL"] < y["ROM"]  # north up
    edges = data["edges"]
    rome = nodes["id"].index("ROM")
    records = [
        edges["records"][k]
        for k in range(len(edges["from"]))
        if rome in (edges["from"][k], edges["to"][k])
    ]
    assert sorted(len(r) for r in records) == [2, 2]  # P1's and P2's two sightings there
    times = sorted(rec[2] for r in records for rec in r)  # local, with the zone
    assert times == [
        "2024-03-01 10:00 CET (+01:00) Europe/Rome",
        "2024-03-01 10:20 CET (+01:00) Europe/Rome",
        "2024-03-02 18:00 CET (+01:00) Europe/Rome",
        "2024-03-02 18:30 CET (+01:00) Europe/Rome",
    ]

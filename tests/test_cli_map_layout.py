"""`netintel map --layout`: hierarchical by itself for the transfers projection."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner

from netintel.cli import cli

#: victim -> the people who held them, one transfer a day
CHAINS = {"V1": ["A", "B", "C", "D"], "V2": ["E", "F", "G"]}


def _transfers(driver: neo4j.Driver) -> None:
    rows = [
        {"id": f"{v}-{i}", "victim": v, "a": a, "b": b, "day": i + 1}
        for v, people in CHAINS.items()
        for i, (a, b) in enumerate(itertools.pairwise(people))
    ]
    driver.execute_query(
        "UNWIND $rows AS r "
        "MERGE (a:Person {person_id: r.a}) SET a.name = 'Person ' + r.a "
        "MERGE (b:Person {person_id: r.b}) SET b.name = 'Person ' + r.b "
        "MERGE (v:Person {person_id: r.victim}) "
        "CREATE (t:Transfer {transfer_id: r.id, "
        "  at: datetime({year: 2024, month: 1, day: r.day, timezone: 'UTC'})}) "
        "CREATE (t)-[:FROM]->(a), (t)-[:TO]->(b), (t)-[:OF]->(v)",
        rows=rows,
    )


def _page(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script id="netintel-data" type="application/json">(.*?)</script>', text, re.S)
    assert m
    return dict(json.loads(m.group(1)))


@pytest.mark.neo4j
def test_map_of_transfers_is_hierarchical_unless_told(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    _transfers(graph)
    env = {**neo4j_env, "NETINTEL_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    run = CliRunner().invoke
    auto, force = tmp_path / "auto.html", tmp_path / "force.html"
    made = run(cli, ["map", "--projection", "transfers", "--out", str(auto)], env=env)
    assert made.exit_code == 0, made.output
    assert "map of 7 nodes and 5 links" in made.stdout
    data = _page(auto)
    assert "Layout: left to right in time" in " ".join(data["notes"])
    nodes = data["nodes"]
    pos = {i: (x, y) for i, x, y in zip(nodes["id"], nodes["x"], nodes["y"], strict=True)}
    for people in CHAINS.values():
        xs = [pos[p][0] for p in people]
        assert all(a < b for a, b in itertools.pairwise(xs)), xs
        assert len({pos[p][1] for p in people}) == 1  # each chain on one row
    assert pos["A"][1] != pos["E"][1]
    made = run(
        cli,
        ["map", "--projection", "transfers", "--layout", "force", "--out", str(force)],
        env=env,
    )
    assert made.exit_code == 0, made.output
    assert not any(n.startswith("Layout:") for n in _page(force)["notes"])
    bad = run(cli, ["map", "--layout", "radial", "--out", str(tmp_path / "x.html")], env=env)
    assert bad.exit_code == 2 and "'radial' is not one of" in bad.stderr
    geo = run(cli, ["map", "--layout", "geo", "--out", str(tmp_path / "x.html")], env=env)
    assert geo.exit_code == 2 and "'geo' is not one of" in geo.stderr  # Python only

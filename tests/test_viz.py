"""Maps are single files that reference nothing off the page."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from netintel.viz import network_map, remote_references


def test_map_is_self_contained(tmp_path: Path) -> None:
    G = nx.karate_club_graph()
    groups = {n: int(d["club"] == "Officer") for n, d in G.nodes(data=True)}
    path = network_map(G, tmp_path / "k.html", groups=groups, highlight=0)
    text = path.read_text(encoding="utf-8")
    assert remote_references(text) == []
    assert "vis.Network" in text  # the library itself is inlined
    assert text.count('"id": "') >= G.number_of_nodes()


def test_remote_references_finds_cdn_links() -> None:
    page = '<link href="https://cdn.example/x.css"><script src="../node_modules/v.js"></script>'
    assert remote_references(page) == ["https://cdn.example/x.css", "../node_modules/v.js"]

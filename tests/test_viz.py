"""Maps: self-contained pages, schema styles, layout, overview, redaction (no browser)."""

from __future__ import annotations

import csv
import itertools
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from netintel.algorithms import find_gangs, key_players, louvain
from netintel.projection import _SPECS, person_call_network_from_frames
from netintel.schema import NODES, RELATIONSHIPS
from netintel.viz import (
    CSP,
    EDGE_STYLES,
    NODE_STYLES,
    Redaction,
    community_color,
    describe,
    layout,
    layout_arrays,
    map_html,
    network_map,
    notebook_view,
    remote_references,
    to_pyvis,
)
from netintel.viz.style import _unstyled, edge_style, node_style


def investigation(seed: int = 0) -> nx.Graph:
    """Two gangs, their phones, a case and a victim, with provenance and records."""
    rng = np.random.default_rng(seed)
    G = nx.Graph()
    for i in range(24):
        G.add_node(
            f"P{i:02d}",
            label="Person",
            name=f"Suspect {i:02d}",
            national_id=f"NID{i:05d}",
            birth_date="1990-01-01",
            roles=["suspect"],
            source="persons.csv",
            source_row=i + 2,
            ingest_run="run-1",
        )
    G.add_node(
        "V1",
        label="Person",
        name="Child Victim",
        birth_date="2012-03-04",
        gender="female",
        roles=["victim"],
        source="persons.csv",
        source_row=40,
    )
    for gang in (range(0, 12), range(12, 24)):
        members = list(gang)
        for a in members:
            for b in rng.choice(members, size=3, replace=False):
                if a != b:
                    rows = rng.integers(2, 500, size=int(rng.integers(1, 4)))
                    G.add_edge(
                        f"P{a:02d}",
                        f"P{b:02d}",
                        type="CALLED",
                        weight=len(rows),
                        records=[
                            {
                                "source": "cdr.csv",
                                "source_row": int(r),
                                "at": "2024-05-01T10:00:00",
                                "ingest_run": "run-1",
                            }
                            for r in rows
                        ],
                    )
    G.add_edge(
        "P03", "P15", type="CALLED", weight=1, records=[{"source": "cdr.csv", "source_row": 7}]
    )
    for i in range(0, 24, 4):
        G.add_node(f"+49151000{i:04d}", label="Phone", imei=f"35{i:013d}")
        G.add_edge(
            f"P{i:02d}", f"+49151000{i:04d}", type="USES", source="phone_users.csv", source_row=i
        )
    G.add_node("C1", label="Case", category="trafficking", status="open")
    G.add_edge("P00", "C1", type="SUSPECT_IN", source="case_suspects.csv", source_row=2)
    G.add_edge("V1", "C1", type="VICTIM_IN", source="case_victims.csv", source_row=2)
    return G


def payload(page: str) -> dict[str, Any]:
    """The data a map page carries for its JavaScript."""
    m = re.search(r'<script id="netintel-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "no data block in the page"
    return json.loads(m.group(1))


# ------------------------------------------------------------------ styles


def test_every_schema_label_and_type_has_a_style() -> None:
    assert _unstyled() == (set(), set())
    assert set(NODE_STYLES) == set(NODES)
    assert set(EDGE_STYLES) == set(RELATIONSHIPS)
    shapes = [s.shape for s in NODE_STYLES.values()]
    assert len(set(shapes)) == len(shapes), "two labels share a shape"


def test_unknown_labels_and_types_get_stable_fallbacks() -> None:
    assert node_style("Vehicle") == node_style(None)
    assert edge_style("co_location") == edge_style("co_location")
    assert edge_style("co_location").color != edge_style("transfers").color


# ------------------------------------------------------------------ the page


def test_map_is_self_contained(tmp_path: Path) -> None:
    G = nx.karate_club_graph()
    groups = {n: int(d["club"] == "Officer") for n, d in G.nodes(data=True)}
    path = network_map(G, tmp_path / "k.html", communities=groups, highlight=0)
    text = path.read_text(encoding="utf-8")
    assert remote_references(text) == []
    assert "vis.Network" in text  # the library itself is inlined
    assert f'content="{CSP}"' in text
    assert "@font-face" not in text and "@import" not in text
    assert "<script src" not in text and "<link" not in text
    data = payload(text)
    assert len(data["nodes"]["id"]) == 34 and len(data["edges"]["from"]) == 78
    assert data["highlight"] == [0]


def test_remote_references_finds_cdn_links() -> None:
    page = '<link href="https://cdn.example/x.css"><script src="../node_modules/v.js"></script>'
    assert remote_references(page) == ["https://cdn.example/x.css", "../node_modules/v.js"]
    assert remote_references("a { background: url('https://x.example/i.png') }") == [
        "https://x.example/i.png"
    ]


def test_styles_colours_sizes_and_widths_follow_the_inputs() -> None:
    G = investigation()
    comm = louvain(G, seed=1)
    kp = key_players(G, metrics=["betweenness"])
    data = payload(map_html(G, communities=comm, size_by=kp.table["betweenness"]))
    nodes, edges = data["nodes"], data["edges"]
    types = [t["name"] for t in data["types"]]
    assert types == ["Case", "Person", "Phone"]  # schema order
    assert [t["shape"] for t in data["types"]] == ["star", "dot", "square"]
    i = nodes["id"].index("P00")
    assert types[nodes["type"][i]] == "Person"
    assert nodes["community"][i] == comm.membership["P00"]
    # size follows betweenness, width follows weight
    bet = kp.table["betweenness"]
    top, low = bet.idxmax(), bet.idxmin()
    assert nodes["size"][nodes["id"].index(top)] > nodes["size"][nodes["id"].index(low)]
    assert min(edges["width"]) < max(edges["width"])
    rels = {r["name"]: r for r in data["relTypes"]}
    assert rels["CALLED"]["color"] == EDGE_STYLES["CALLED"].color
    assert rels["VICTIM_IN"]["count"] == 1
    assert "node size: betweenness" in data["size"]
    assert len(data["communities"]) == len(comm.communities)


def test_tooltips_show_key_facts_and_the_records_behind_edges() -> None:
    G = investigation()
    data = payload(map_html(G))
    nodes, edges = data["nodes"], data["edges"]
    tip = nodes["title"][nodes["id"].index("P03")]
    assert tip.startswith("Person \u00b7 Suspect 03")
    assert "national_id: NID00003" in tip and "source: persons.csv" in tip
    k = next(
        k
        for k in range(len(edges["from"]))
        if {nodes["id"][edges["from"][k]], nodes["id"][edges["to"][k]]} == {"P03", "P15"}
    )
    assert "cdr.csv row 7" in edges["title"][k]
    many = max(range(len(edges["from"])), key=lambda k: edges["title"][k].count("cdr.csv"))
    assert re.search(
        r"records \(\d\):\n  cdr\.csv row \d+ \u00b7 2024-05-01T10:00:00", edges["title"][many]
    )


def test_text_from_the_data_cannot_break_out_of_the_page() -> None:
    G = nx.Graph()
    G.add_node("x", label="Person", name="</script><script>alert(1)</script>")
    G.add_edge("x", "y")
    page = map_html(G)
    assert "<script>alert(1)" not in page
    assert payload(page)["nodes"]["label"][0] == "</script><script>alert(1)</script>"


def test_projection_graphs_take_label_and_type_from_the_graph() -> None:
    G = nx.Graph(label="Person", projection="person_calls")
    G.add_edge("a", "b", weight=3, calls=3)
    view = describe(G)
    assert {n.type for n in view.nodes} == {"Person"}
    assert view.edges[0].type == "person_calls" and view.edges[0].facts == {"calls": 3}


def test_call_projection_links_are_drawn_as_called() -> None:
    calls = pd.DataFrame(
        {
            "caller": ["+1", "+2"],
            "callee": ["+2", "+3"],
            "at": pd.to_datetime(["2024-01-02", "2024-01-03"], utc=True),
            "duration_s": [60, 30],
        }
    )
    uses = pd.DataFrame(
        {
            "person_id": ["A", "B", "C"],
            "number": ["+1", "+2", "+3"],
            "since": pd.to_datetime([None] * 3, utc=True),
            "until": pd.to_datetime([None] * 3, utc=True),
        }
    )
    G = person_call_network_from_frames(calls, uses).to_networkx()
    assert {e.type for e in describe(G).edges} == {"CALLED"}
    rels = payload(map_html(G))["relTypes"]
    assert [(r["name"], r["color"], r["count"]) for r in rels] == [
        ("CALLED", EDGE_STYLES["CALLED"].color, 2)
    ]
    # every projection that names a relationship names one of the schema's
    named = {s.relationship for s in _SPECS.values()} - {None}
    assert named == {"CALLED", "TIE"} and named <= set(RELATIONSHIPS)


def test_multigraph_edges_are_merged_per_type() -> None:
    G = nx.MultiGraph()
    G.add_edge("a", "b", type="CALLED", weight=2, records=[{"source": "c.csv", "source_row": 1}])
    G.add_edge("b", "a", type="CALLED", weight=3, records=[{"source": "c.csv", "source_row": 2}])
    G.add_edge("a", "b", type="SEEN_AT")
    view = describe(G)
    called = [e for e in view.edges if e.type == "CALLED"]
    assert len(view.edges) == 2 and called[0].weight == 5 and len(called[0].records) == 2


def test_display_label_that_is_not_a_schema_label_is_a_name() -> None:
    G = nx.Graph()
    G.add_node(1, label="Boss")
    G.add_node(2, label="Phone", number="+4930123")
    G.add_edge(1, 2)
    view = describe(G)
    assert [(n.type, n.name) for n in view.nodes] == [(None, "Boss"), ("Phone", "+4930123")]


# ------------------------------------------------------------------ layout


def test_layout_is_seeded_and_separates_components() -> None:
    G = nx.disjoint_union(nx.complete_graph(6), nx.cycle_graph(8))
    a, b = layout(G, seed=3), layout(G, seed=3)
    assert a == b
    big = nx.connected_watts_strogatz_graph(450, 4, 0.1, seed=1)  # above Kamada-Kawai's limit
    assert layout(big, seed=1) == layout(big, seed=1) != layout(big, seed=2)
    box = [np.array([a[v] for v in range(6)]), np.array([a[v] for v in range(6, 14)])]
    lo0, hi0 = box[0].min(axis=0), box[0].max(axis=0)
    lo1, hi1 = box[1].min(axis=0), box[1].max(axis=0)
    assert (hi0 < lo1).any() or (hi1 < lo0).any(), "components overlap"
    pos = np.array(list(a.values()))
    assert np.min(np.linalg.norm(pos[:, None] - pos[None], axis=2)[np.triu_indices(14, 1)]) > 5


@pytest.mark.parametrize("n", [2, 4, 7])
def test_a_chain_is_laid_out_at_the_spacing_not_stretched(n: int) -> None:
    # a trafficking chain is a path: a line with no height, once stretched ~100,000 px wide
    pos = layout_arrays(n, np.arange(n - 1), np.arange(1, n), seed=0)
    hops = np.linalg.norm(pos[1:] - pos[:-1], axis=1)
    assert (hops >= 100).all() and (hops <= 150).all()
    assert np.ptp(pos, axis=0).max() <= 150 * (n - 1)


def test_layout_networkx_engine_and_bad_engine() -> None:
    pos = layout_arrays(4, np.array([0, 1, 2]), np.array([1, 2, 3]), engine="networkx", seed=1)
    assert pos.shape == (4, 2) and np.isfinite(pos).all()
    with pytest.raises(ValueError, match="layout engine"):
        layout_arrays(2, np.array([0]), np.array([1]), engine="graphviz")


def test_given_positions_are_used() -> None:
    G = nx.path_graph(3)
    data = payload(map_html(G, positions={0: (0, 0), 1: (100, 0), 2: (200, 50)}))
    assert data["nodes"]["x"] == [0, 100, 200] and data["nodes"]["y"] == [0, 0, 50]
    with pytest.raises(ValueError, match="positions lack"):
        map_html(G, positions={0: (0, 0)})


# ------------------------------------------------------------------ overview


def test_large_graphs_open_on_one_node_per_community() -> None:
    G = nx.relaxed_caveman_graph(12, 10, 0.1, seed=2)
    nx.set_edge_attributes(G, 2.0, "weight")
    data = payload(map_html(G, max_nodes=50, seed=1))
    ov = data["overview"]
    k = len(data["communities"])
    assert k >= 8 and len(ov["nodes"]["label"]) == k
    sizes = [c["size"] for c in data["communities"]]
    assert sum(sizes) == 120 and sizes == sorted(sizes, reverse=True)
    comm = data["nodes"]["community"]
    crossing = sum(
        1
        for u, v in zip(data["edges"]["from"], data["edges"]["to"], strict=True)
        if comm[u] != comm[v]
    )
    weights = [float(t.rsplit("weight ", 1)[1]) for t in ov["edges"]["title"]]
    assert sum(weights) == pytest.approx(2.0 * crossing)
    assert any("find_gangs" in n for n in data["notes"])
    # below the threshold the same graph is one map
    assert payload(map_html(G, max_nodes=500))["overview"] is None


def test_overview_of_gangs_names_each_gangs_alliance() -> None:
    # six 6-cliques, joined in pairs by many links (three alliances) and in a ring by one
    G = nx.Graph()
    for g in range(6):
        G.add_edges_from(itertools.combinations(range(6 * g, 6 * g + 6), 2))
        G.add_edge(6 * g + 5, (6 * g + 6) % 36)
    for a in range(3):
        G.add_edges_from((12 * a + i, 12 * a + 6 + i) for i in range(3))
    gangs = find_gangs(G, seed=0)
    assert len(gangs) == 6 and len(gangs.levels[0]) == 3
    data = payload(map_html(G, communities=gangs, max_nodes=10, seed=0))
    ov, comm = data["overview"], data["nodes"]["community"]
    names = [c["name"] for c in data["communities"]]
    assert len(ov["alliance"]) == 6  # one per gang
    for c, alliance in enumerate(ov["alliance"]):
        member = comm.index(c)  # nodes are in canonical order: node i is integer i
        assert alliance == gangs.alliance_of(gangs.membership[member])
        allies = [o for o in range(6) if o != c and ov["alliance"][o] == alliance]
        assert len(allies) == 1
        assert f"alliance {alliance}, with {names[allies[0]]}" in ov["nodes"]["title"][c]
        # named after the member with the most links inside (no score): the ring's link
        assert ov["nodes"]["label"][c] == f"{names[c]} \u00b7 6"
    plain = payload(map_html(G, communities=gangs.membership, max_nodes=10, seed=0))
    assert plain["overview"]["alliance"] is None


# ------------------------------------------------------------------ redaction


def test_redacted_map_hides_names_numbers_ids_and_victims(tmp_path: Path) -> None:
    G = investigation()
    red = Redaction(secret="kept by the analyst")
    path = network_map(
        G, tmp_path / "shared" / "map.html", redact=red, mapping_path=tmp_path / "key.csv"
    )
    page = path.read_text(encoding="utf-8")
    for secret in (
        "Suspect 03",
        "NID00003",
        "+491510000004",
        "350000000000004",
        "Child Victim",
        "P03",
        "2012-03-04",
        "1990-01-01",
    ):
        assert secret not in page, secret
    data = payload(page)
    assert any("Redacted" in n for n in data["notes"])
    victim = next(t for t in data["nodes"]["title"] if "victim" in t)
    assert "details hidden" in victim and "gender" not in victim
    assert "cdr.csv row" in "".join(data["edges"]["title"])  # provenance stays
    assert not (tmp_path / "shared" / "map.pseudonyms.csv").exists()
    rows = list(csv.DictReader((tmp_path / "key.csv").open(encoding="utf-8")))
    back = {r["pseudonym"]: r["original"] for r in rows}
    assert back[red.pseudonym("P03", "person")] == "P03"
    assert red.pseudonym("P03", "person") in data["nodes"]["id"]


def test_pseudonyms_are_stable_within_an_export_and_keyed() -> None:
    a, b = Redaction(secret="s1"), Redaction(secret="s1")
    assert a.pseudonym("Ann Lee", "name") == b.pseudonym("ann  lee", "name")
    assert a.pseudonym("Ann Lee", "name") != Redaction(secret="s2").pseudonym("Ann Lee", "name")
    assert Redaction().pseudonym("x") != Redaction().pseudonym("x")  # fresh secret per export
    assert a.pseudonym("+4930", "phone") != a.pseudonym("+4930", "person")
    G = investigation()
    v1 = describe(G, redaction=Redaction(secret="s1"))
    v2 = describe(G, redaction=Redaction(secret="s1"))
    assert [n.id for n in v1.nodes] == [n.id for n in v2.nodes]
    with pytest.raises(ValueError, match="must not be empty"):
        Redaction(secret="")


def test_default_mapping_file_sits_beside_the_map(tmp_path: Path) -> None:
    network_map(investigation(), tmp_path / "m.html", redact=True)
    assert (tmp_path / "m.pseudonyms.csv").read_text(encoding="utf-8").startswith("kind,original")


# ------------------------------------------------------------------ Jupyter


def test_notebook_view_inlines_the_page_in_an_iframe(tmp_path: Path) -> None:
    path = network_map(nx.path_graph(4), tmp_path / "p.html")
    frame = notebook_view(path).data
    assert frame.startswith("<div><iframe srcdoc=") and 'sandbox="allow-scripts"' in frame
    assert "<script" not in frame.split("srcdoc=", 1)[1].split('" sandbox', 1)[0]
    assert remote_references(frame) == []
    assert notebook_view(map_html(nx.path_graph(4))).data.count("&lt;script") >= 3


def _handover() -> nx.Graph:
    """Two people and a call between them at 02:10 Shanghai time (18:10 UTC the day before)."""
    G = nx.Graph()
    G.add_node("P1", label="Person", name="Zhang Wei")
    G.add_node("P2", label="Person", name="Li Na")
    at = pd.Timestamp("2023-05-01T18:10Z")
    G.add_edge(
        "P1", "P2", type="CALLED", first_call=at, records=[{"source": "calls.csv", "at": at}]
    )
    return G


def test_tooltips_show_times_in_local_time_with_the_zone() -> None:
    data = payload(map_html(_handover(), tz="Asia/Shanghai"))
    (tip,) = data["edges"]["title"]
    assert "first_call: 2023-05-02 02:10 CST (+08:00) Asia/Shanghai\n" in tip
    assert "calls.csv \u00b7 2023-05-02 02:10 CST (+08:00) Asia/Shanghai" in tip
    assert "18:10" not in tip
    assert "Times: Asia/Shanghai local time, with the zone beside each." in data["notes"]
    # no zone asked for: the graph's, else UTC, said as such
    (plain,) = payload(map_html(_handover()))["edges"]["title"]
    assert "first_call: 2023-05-01 18:10 UTC (+00:00)" in plain
    G = _handover()
    G.graph["timezone"] = "Europe/London"
    (london,) = payload(map_html(G))["edges"]["title"]
    assert "first_call: 2023-05-01 19:10 BST (+01:00) Europe/London" in london
    # a map without times says nothing about zones
    assert not any("Times:" in n for n in payload(map_html(nx.path_graph(3)))["notes"])


def test_communities_are_named_after_their_leader_never_a_victim() -> None:
    G = nx.Graph([("boss", "a"), ("boss", "b"), ("v", "boss"), ("v", "a"), ("x", "y")])
    names = {"boss": "贾涛", "a": "A", "b": "B", "v": "Victim V", "x": "X", "y": "Y"}
    nx.set_node_attributes(G, names, "name")
    nx.set_node_attributes(G, "Person", "label")
    G.nodes["v"]["roles"] = ["victim"]
    comm = {"boss": 0, "a": 0, "b": 0, "v": 0, "x": 1, "y": 1}
    score = {"v": 9.0, "boss": 5.0, "a": 1.0, "b": 1.0, "x": 2.0, "y": 1.0}  # the victim tops
    data = payload(map_html(G, communities=comm, size_by=score))
    assert [c["name"] for c in data["communities"]] == ["贾涛's group", "X's group"]
    title = data["nodes"]["title"][data["nodes"]["id"].index("a")]
    assert "community: 贾涛's group" in title


def test_a_loose_group_is_named_as_such_in_the_legend() -> None:
    # two gangs calling each other 10 times a link, and a crowd whose members call each
    # other once a link and a gang member 3 times each (as in tests/algorithms/test_gangs.py)
    G = nx.Graph()
    G.add_weighted_edges_from((a, b, 10) for a, b in itertools.combinations(range(5), 2))
    G.add_weighted_edges_from((a, b, 10) for a, b in itertools.combinations(range(5, 10), 2))
    G.add_weighted_edges_from([(4, 5, 10), (9, 0, 10)])
    G.add_weighted_edges_from((a, b, 1) for a, b in itertools.combinations(range(10, 16), 2))
    G.add_weighted_edges_from((10 + i, i % 10, 3) for i in range(6))
    found = find_gangs(G, seed=0)
    assert len(found.loose) == 1
    data = payload(map_html(G, communities=found))
    names = [c["name"] for c in data["communities"]]
    assert [n for n in names if n.endswith(" (loose)")] == [names[0]]  # the crowd: 6 people
    assert any(n.startswith("(loose): a loose group") for n in data["notes"])
    assert not any("(loose)" in n for n in payload(map_html(G))["notes"])


def test_a_community_has_one_colour_in_every_map_of_one_result() -> None:
    # three groups of 6, 4 and 3 people (ranks 0, 1, 2 of the result); a second map shows
    # only one person of the largest group, so there the 4-person group is the largest
    G = nx.disjoint_union_all([nx.complete_graph(6), nx.complete_graph(4), nx.complete_graph(3)])
    membership = {v: (0 if v < 6 else 1 if v < 10 else 2) for v in G}
    part = G.subgraph([5, *range(6, 13)])

    def colours(H: nx.Graph) -> dict[Any, str]:
        data = payload(map_html(H, communities=membership))
        return {
            node: data["communities"][c]["color"]
            for node, c in zip(data["nodes"]["id"], data["nodes"]["community"], strict=True)
        }

    whole, some = colours(G), colours(part)
    assert len(set(whole.values())) == 3
    assert {v: some[v] for v in some} == {v: whole[v] for v in some}
    # the legend of the second map still lists its groups largest first, with their counts
    legend = payload(map_html(part, communities=membership))["communities"]
    assert [row["size"] for row in legend] == [4, 3, 1]


# ------------------------------------------------------------------ to_pyvis


def _two_gangs() -> dict[str, int]:
    return {f"P{i:02d}": int(i >= 12) for i in range(24)}


def test_to_pyvis_is_the_maps_view() -> None:
    G = investigation()
    options: dict[str, Any] = {"communities": _two_gangs(), "highlight": "P03", "max_nodes": None}
    data = payload(map_html(G, **options))
    net = to_pyvis(G, **options)
    nodes, edges = data["nodes"], data["edges"]
    assert [n["id"] for n in net.nodes] == nodes["id"]
    assert [n["label"] for n in net.nodes] == nodes["label"]
    assert [n["title"] for n in net.nodes] == nodes["title"]
    assert [(n["x"], n["y"]) for n in net.nodes] == list(zip(nodes["x"], nodes["y"], strict=True))
    by_id = {n["id"]: n for n in net.nodes}
    # the two gangs' colours, phones and the case in their types' colours and shapes
    gang_colors = {data["communities"][c]["color"] for c in (0, 1)}
    assert {by_id[f"P{i:02d}"]["color"]["background"] for i in range(24)} == gang_colors
    assert by_id["P00"]["color"]["background"] != by_id["P12"]["color"]["background"]
    assert by_id["C1"]["shape"] == node_style("Case").shape
    assert by_id["+491510000000"]["color"]["background"] == node_style("Phone").color
    assert by_id["P03"]["borderWidth"] == 5 and by_id["P04"]["borderWidth"] == 2
    ends = {tuple(sorted((e["from"], e["to"]))) for e in net.edges}
    assert ends == {
        tuple(sorted((nodes["id"][a], nodes["id"][b])))
        for a, b in zip(edges["from"], edges["to"], strict=True)
    }
    assert ("P03", "P15") in ends
    assert {e["color"]["color"] for e in net.edges if e["title"].startswith("USES")} == {
        edge_style("USES").color
    }
    assert not net.directed and all(n["physics"] is False for n in net.nodes)
    page = net.generate_html()  # vis-network inlined; pyvis's template links Bootstrap
    assert "new vis.Network" in page
    assert any(ref.startswith("https://") and "bootstrap" in ref for ref in remote_references(page))


def test_to_pyvis_of_a_large_graph_is_the_overview() -> None:
    G = investigation()
    net = to_pyvis(G, communities=_two_gangs(), max_nodes=10)
    assert [n["id"] for n in net.nodes] == ["community 0", "community 1", "community 2"]
    sizes = sorted(int(n["label"].rsplit(" ", 1)[1]) for n in net.nodes)
    assert sizes == [8, 12, 12]  # two gangs; six phones, the case and the victim with none
    assert all(e["from"].startswith("community ") for e in net.edges) and net.edges


def test_an_overviews_no_community_group_has_a_colour_no_community_has() -> None:
    # before, it took the colour after the view's last community: in a map of two of a
    # result's communities, the colour of the result's third
    data = payload(map_html(investigation(), communities=_two_gangs(), max_nodes=10))
    groups = data["communities"]
    assert [g["name"] for g in groups][-1] == "no community"
    assert groups[-1]["color"] not in {community_color(i) for i in range(1000)}
    assert [g["color"] for g in groups[:-1]] == [community_color(0), community_color(1)]


def test_to_pyvis_redacts_and_checks_its_options() -> None:
    G = investigation()
    net = to_pyvis(nx.DiGraph(G), redact=True, max_nodes=None)
    text = json.dumps([net.nodes, net.edges])
    for value in ("Suspect 07", "NID00007", "Child Victim", "+491510000004", "P07"):
        assert value not in text
    assert net.directed
    with pytest.raises(TypeError, match=r"to_pyvis\(\) got unexpected .*'colour'"):
        to_pyvis(G, colour="red")  # type: ignore[call-arg]

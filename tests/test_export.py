"""Exports: GraphML and GEXF read back, CSV/Excel tables, pictures, redaction."""

from __future__ import annotations

import csv
import datetime as dt
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest

from netintel.algorithms import key_players, louvain
from netintel.export import (
    CSVExporter,
    ExcelExporter,
    GEXFExporter,
    GraphMLExporter,
    PictureExporter,
    export,
    exporter_for,
    format_value,
)
from netintel.viz import Redaction


def network() -> nx.Graph:
    """People and phones with awkward attribute values: lists, dates, None, mixed types."""
    G = nx.Graph()
    for i in range(10):
        G.add_node(
            f"p{i}",
            label="Person",
            name=f"Name {i}",
            aliases=[f"Alias {i}", f"A{i}"],
            roles=["victim"] if i == 9 else ["suspect"],
            birth_date=dt.date(1990, 1, i + 1),
            warrant_level=None,
            rank=1 if i % 2 else 1.5,  # int and float for one attribute
            start="2024-01-01",  # a name GEXF reserves
            source="persons.csv",
            source_row=i + 2,
        )
    G.add_node("+4915100", label="Phone", imei="3500", extra={"k": [1, 2]})
    G.add_edge("p0", "+4915100", type="USES", source="phone_users.csv", source_row=2)
    for a, b in [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3), (6, 7), (7, 8), (8, 9)]:
        G.add_edge(
            f"p{a}",
            f"p{b}",
            type="CALLED",
            weight=a + b + 1,
            records=[
                {"source": "cdr.csv", "source_row": 10 * a + b, "at": "2024-05-01T10:00:00"},
                {"source": "cdr.csv", "source_row": 10 * a + b + 1, "at": "2024-05-02T10:00:00"},
            ],
        )
    return G


def test_format_value_gives_accepted_types() -> None:
    assert format_value(None) is None and format_value(float("nan")) is None
    assert format_value(np.float32(1.5)) == 1.5 and format_value(np.bool_(True)) is True
    assert format_value(2**70) == str(2**70)
    assert format_value(("a", 1)) == "a|1"
    assert format_value([{"a": None}]) == '[{"a": null}]'
    assert format_value(dt.datetime(2024, 5, 1, 10, 0)) == "2024-05-01T10:00:00"
    assert format_value("bad\x00char") == "badchar"


def test_graphml_has_communities_scores_and_safe_types(tmp_path: Path) -> None:
    G = network()
    comm = louvain(G, seed=1)
    kp = key_players(G, metrics=["degree", "betweenness"])
    (path,) = export(G, tmp_path / "g.graphml", communities=comm, size_by=kp.table["betweenness"])
    H = nx.read_graphml(path)
    assert H.number_of_nodes() == 11 and H.number_of_edges() == 11
    p2 = H.nodes["p2"]
    assert p2["community"] == comm.membership["p2"]
    assert p2["betweenness"] == pytest.approx(kp.table.loc["p2", "betweenness"])
    assert p2["node_type"] == "Person" and p2["label"] == "Name 2"
    assert p2["aliases"] == "Alias 2|A2" and p2["birth_date"] == "1990-01-03"
    assert isinstance(H.nodes["p0"]["rank"], float) and isinstance(H.nodes["p1"]["rank"], float)
    assert "warrant_level" not in p2  # None is left out
    assert H.nodes["+4915100"]["extra"] == '{"k": [1, 2]}'
    edge = H.edges["p0", "p1"]
    assert edge["rel_type"] == "CALLED" and edge["weight"] == 2.0 and edge["record_count"] == 2
    assert '"source_row": 1' in edge["records"]


def test_gexf_reads_back_with_viz_and_renamed_reserved_keys(tmp_path: Path) -> None:
    G = network()
    comm = louvain(G, seed=1)
    (path,) = export(G, tmp_path / "g.gexf", communities=comm)
    H = nx.read_gexf(path)
    assert H.number_of_nodes() == 11 and H.number_of_edges() == 11
    node = H.nodes["p4"]
    assert node["label"] == "Name 4" and node["community"] == comm.membership["p4"]
    assert node["start_"] == "2024-01-01"
    assert set(node["viz"]) >= {"position", "color", "size"}
    assert H.edges["p3", "p4"]["rel_type"] == "CALLED"


def test_csv_tables_of_nodes_edges_records_and_results(tmp_path: Path) -> None:
    G = network()
    comm = louvain(G, seed=1)
    kp = key_players(G, metrics=["degree"])
    paths = export(
        G, tmp_path / "tables", communities=comm, results={"communities": comm, "players": kp}
    )
    assert [p.name for p in paths] == [
        "nodes.csv",
        "edges.csv",
        "records.csv",
        "communities.csv",
        "players.csv",
    ]
    nodes = pd.read_csv(tmp_path / "tables" / "nodes.csv")
    assert len(nodes) == 11 and list(nodes.columns[:4]) == ["id", "label", "node_type", "community"]
    assert pd.read_csv(tmp_path / "tables" / "edges.csv")["record_count"].sum() == 21
    records = pd.read_csv(tmp_path / "tables" / "records.csv")
    assert len(records) == 21 and set(records["source"]) == {"cdr.csv", "phone_users.csv"}
    assert list(records.columns[:5]) == [
        "edge_source",
        "edge_target",
        "rel_type",
        "source",
        "source_row",
    ]
    players = pd.read_csv(tmp_path / "tables" / "players.csv")
    assert set(players["node"]) == set(G.nodes)


def test_excel_stores_text_as_text_never_as_formula(tmp_path: Path) -> None:
    G = network()
    G.nodes["p1"]["name"] = '=HYPERLINK("http://evil.example","x")'
    (path,) = export(G, tmp_path / "t.xlsx", results={"c": louvain(G, seed=1)})
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["nodes", "edges", "records", "c"]
    ws = wb["nodes"]
    header = [c.value for c in ws[1]]
    cell = next(
        row[header.index("label")] for row in ws.iter_rows(min_row=2) if row[0].value == "p1"
    )
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    assert ws.max_row == 12


def test_pictures_are_written_for_reports(tmp_path: Path) -> None:
    G = network()
    kp = key_players(G, metrics=["degree"])
    (png,) = export(
        G, tmp_path / "g.png", communities=louvain(G, seed=1), size_by=kp.table["degree"]
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    (svg,) = export(G, tmp_path / "g.svg", title="Two gangs")
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Two gangs" in text


def test_redacted_exports_share_pseudonyms_and_keep_the_key_apart(tmp_path: Path) -> None:
    G = network()
    red = Redaction(secret="analyst")
    comm = louvain(G, seed=1)
    g_paths = export(
        G,
        tmp_path / "out" / "g.graphml",
        communities=comm,
        redact=red,
        mapping_path=tmp_path / "key.csv",
    )
    t_paths = export(
        G,
        tmp_path / "out" / "t.xlsx",
        redact=red,
        results={"c": comm},
        mapping_path=tmp_path / "key.csv",
    )
    assert g_paths[-1] == t_paths[-1] == tmp_path / "key.csv"
    text = g_paths[0].read_text(encoding="utf-8")
    for secret in ("Name 1", "Alias 1", "+4915100", "3500", "1990-01-0", '"p1"'):
        assert secret not in text, secret
    H = nx.read_graphml(g_paths[0])
    pid = red.pseudonym("p9", "person")
    assert set(H.nodes[pid]) - {"x", "y", "size", "r", "g", "b"} == {
        "label",
        "node_type",
        "community",
        "roles",
        "source",
        "source_row",
    }  # the victim keeps only roles and provenance
    frame = pd.read_excel(t_paths[0], sheet_name="c")
    assert set(frame["node"]) == set(H.nodes)  # results use the same pseudonyms
    key = {r["pseudonym"]: r["original"] for r in csv.DictReader((tmp_path / "key.csv").open())}
    assert key[pid] == "p9"


def test_exporter_interface(tmp_path: Path) -> None:
    assert isinstance(exporter_for(tmp_path / "a.graphml"), GraphMLExporter)
    assert isinstance(exporter_for(tmp_path / "a.GEXF"), GEXFExporter)
    assert isinstance(exporter_for(tmp_path / "a.xlsx"), ExcelExporter)
    assert isinstance(exporter_for(tmp_path / "a.svg"), PictureExporter)
    assert isinstance(exporter_for(tmp_path / "tables"), CSVExporter)
    with pytest.raises(ValueError, match="known suffixes"):
        exporter_for(tmp_path / "a.dot")
    ex = exporter_for(tmp_path / "two.graphml")
    with pytest.raises(ValueError, match="nothing to export"):
        ex.finalize()
    ex.write(nx.path_graph(3))
    ex.write(nx.relabel_nodes(nx.path_graph(2), {0: "x", 1: "y"}))
    (path,) = ex.finalize()
    assert nx.read_graphml(path).number_of_nodes() == 5
    with pytest.raises(RuntimeError, match="finalized"):
        ex.write(nx.path_graph(2))


def test_exports_write_local_time_with_its_offset_and_zone(tmp_path: Path) -> None:
    G = nx.Graph()
    G.add_node("P1", label="Person", name="Zhang Wei")
    G.add_node("P2", label="Person", name="Li Na")
    at = pd.Timestamp("2023-05-01T18:10Z")  # 02:10 on 2 May in Shanghai
    G.add_edge("P1", "P2", type="CALLED", first_call=at, records=[{"source": "c.csv", "at": at}])
    files = export(G, tmp_path / "t", tz="Asia/Shanghai")
    tables = {p.stem: pd.read_csv(p, dtype=str) for p in files}
    edges, records = tables["edges"], tables["records"]
    assert edges.loc[0, "first_call"] == records.loc[0, "at"] == "2023-05-02T02:10:00+08:00"
    assert edges.loc[0, "timezone"] == records.loc[0, "timezone"] == "Asia/Shanghai"
    assert "timezone" not in tables["nodes"]  # no times there
    (gexf,) = export(G, tmp_path / "t.gexf", tz="Asia/Shanghai")
    edge = next(iter(nx.read_gexf(gexf).edges(data=True)))[2]
    assert edge["first_call"] == "2023-05-02T02:10:00+08:00"
    (xlsx,) = export(G, tmp_path / "t.xlsx")  # no zone asked for: UTC, said as such
    sheet = openpyxl.load_workbook(xlsx)["edges"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["first_call"] == "2023-05-01T18:10:00+00:00" and row["timezone"] == "UTC"


def test_graph_files_size_nodes_as_the_map_does(tmp_path: Path) -> None:
    G = nx.star_graph(4)  # the hub has degree 4, the leaves 1
    export(G, tmp_path / "s.graphml", size_by="degree")
    export(G, tmp_path / "s.gexf", size_by="degree")
    graphml = nx.read_graphml(tmp_path / "s.graphml")
    assert [graphml.nodes[str(i)]["size"] for i in range(5)] == [36.0, 8.0, 8.0, 8.0, 8.0]
    gexf = (tmp_path / "s.gexf").read_text(encoding="utf-8")
    assert gexf.count('<viz:size value="36.0"') == 1
    assert gexf.count('<viz:size value="8.0"') == 4
    export(G, tmp_path / "u.graphml")  # no score: one size for all
    assert {d["size"] for _, d in nx.read_graphml(tmp_path / "u.graphml").nodes(data=True)} == {
        14.0
    }


def test_csv_tables_carry_a_byte_order_mark_for_excel_unless_asked(tmp_path: Path) -> None:
    G = nx.Graph()
    G.add_node("p1", label="Person", name="贾涛")
    G.add_node("p2", label="Person", name="李慧")
    G.add_edge("p1", "p2")
    export(G, tmp_path / "bom")
    export(G, tmp_path / "plain", encoding="utf-8")
    raw = (tmp_path / "bom" / "nodes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "贾涛" in raw.decode("utf-8-sig")
    assert not (tmp_path / "plain" / "nodes.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError, match="encoding must be one of"):
        CSVExporter(tmp_path / "x", encoding="latin-1")


def test_pictures_draw_chinese_names_in_a_cjk_font_without_warnings(tmp_path: Path) -> None:
    from netintel.viz.fonts import cjk_font

    assert cjk_font() is not None, "make setup installs fonts-noto-cjk; install it"
    G = nx.Graph()
    G.add_node("p1", label="Person", name="贾涛")
    G.add_node("p2", label="Person", name="李慧")
    G.add_edge("p1", "p2")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export(G, tmp_path / "cjk.svg", title="案卷")
    assert [str(w.message) for w in caught] == []
    svg = (tmp_path / "cjk.svg").read_text(encoding="utf-8")
    # matplotlib embeds each glyph as a path named after its font
    assert "NotoSansCJK" in svg.replace(" ", "")


def test_pictures_of_chains_show_every_node(tmp_path: Path) -> None:
    """A path laid out on a line must not squeeze the axes into a sliver that clips markers."""
    import matplotlib.image
    from scipy import ndimage

    G = nx.path_graph(4)
    nx.set_node_attributes(G, "Person", "label")
    export(G, tmp_path / "chain.png")
    img = matplotlib.image.imread(tmp_path / "chain.png")[..., :3]
    person = np.array([0x4C, 0x72, 0xB0]) / 255  # the Person colour
    hits = np.abs(img - person).max(axis=2) < 0.02
    blobs, n = ndimage.label(hits)
    sizes = ndimage.sum(hits, blobs, range(1, n + 1))
    assert n == 5 and (sizes > 50).all()  # four markers and the legend's

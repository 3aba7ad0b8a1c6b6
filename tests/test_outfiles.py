"""Files for people: no formula runs when a CSV is opened in a spreadsheet, and a failed write
never leaves a truncated file under the final name."""

from __future__ import annotations

import csv
from pathlib import Path

import neo4j
import networkx as nx
import pandas as pd
import pytest

from netintel.export import export
from netintel.ingest import ingest
from netintel.outfiles import FORMULA_STARTS, atomic_path, safe_cell

HOSTILE = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised_but_numbers_are_not(start: str) -> None:
    assert safe_cell(start + "x") == "'" + start + "x"
    assert safe_cell("a" + start) == "a" + start
    for number in ("-5", "+8613812340001", "-0.25", "+1e3"):
        assert safe_cell(number) == number


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_exports_neutralise_formulas_in_names_and_values(tmp_path: Path) -> None:
    G = nx.Graph()
    G.add_node("p1", label="Person", name=HOSTILE, aliases=["@SUM(A1)"])
    G.add_node("p2", label="Person", name="-Ann", phone="+8613812340001")
    G.add_edge("p1", "p2", note="\tTAB")
    export(G, tmp_path / "tables")
    nodes = {r["id"]: r for r in _rows(tmp_path / "tables" / "nodes.csv")}
    assert nodes["p1"]["label"] == "'" + HOSTILE
    assert nodes["p1"]["aliases"] == "'@SUM(A1)"
    assert nodes["p2"]["label"] == "'-Ann"
    assert nodes["p2"]["phone"] == "+8613812340001"  # a number: left alone
    assert _rows(tmp_path / "tables" / "edges.csv")[0]["note"] == "'\tTAB"


@pytest.mark.neo4j
def test_reject_files_neutralise_formulas_and_the_graph_keeps_the_value(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "persons.csv").write_text(
        f'person_id,name,birth_date\nP1,"{HOSTILE}",1990-01-01\nP2,Bob,"{HOSTILE}"\n',
        encoding="utf-8",
    )
    report = ingest(folder, driver=graph, reject_dir=tmp_path / "r", progress=False)
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    rejects = _rows(tmp_path / "r" / "persons.csv.rejects.csv")
    assert [(r["row"], r["column"], r["value"]) for r in rejects] == [
        ("3", "birth_date", "'" + HOSTILE)
    ]
    stored = graph.execute_query("MATCH (p:Person {person_id: 'P1'}) RETURN p.name AS n")
    assert stored.records[0]["n"] == HOSTILE  # data is stored verbatim; only files are guarded


def test_a_failed_write_leaves_the_previous_file_and_no_part_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "net.graphml"
    export(nx.path_graph(3), out)
    before = out.read_bytes()

    def half_written(G: nx.Graph, path: Path, **kw: object) -> None:
        Path(path).write_text("<graphml><node", encoding="utf-8")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(nx, "write_graphml", half_written)
    with pytest.raises(OSError, match="No space left"):
        export(nx.path_graph(5), out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.graphml"]


def test_a_failed_write_of_a_new_file_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("<html><body>half", encoding="utf-8")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == []


def test_tables_read_back_with_pandas_despite_the_byte_order_mark(tmp_path: Path) -> None:
    G = nx.Graph()
    G.add_edge("贾涛", "李慧")
    export(G, tmp_path / "t")
    assert set(pd.read_csv(tmp_path / "t" / "nodes.csv")["id"]) == {"贾涛", "李慧"}


def test_maps_are_replaced_only_when_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netintel.outfiles
    from netintel.viz import network_map

    out = tmp_path / "calls.html"
    network_map(nx.path_graph(3), out)
    before = out.read_bytes()

    def fail(src: object, dst: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(netintel.outfiles.os, "replace", fail)
    with pytest.raises(OSError, match="Input/output"):
        network_map(nx.path_graph(6), out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.html"]

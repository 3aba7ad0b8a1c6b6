"""Ties between people: matrices, edge lists, GraphML/GEXF and tables, into the real Neo4j.

The published networks of ``../shared/data`` load through ``netintel.ingest.ingest`` and are
compared with what ``netintel.datasets`` reads from the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pandas as pd
import pytest

from netintel import datasets
from netintel.exceptions import InputFileError, MappingError
from netintel.ingest import Options, ingest, prepare
from netintel.ingest.mapping import FileMapping, IngestMapping, load_mapping
from netintel.ingest.networks import read_network
from netintel.projection import project, tie_network
from netintel.schema import RECORDS

pytestmark = pytest.mark.neo4j


def _ties(driver: neo4j.Driver) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (a:Person)-[t:TIE]->(b:Person) RETURN a.person_id AS a, b.person_id AS b, "
        "t.weight AS weight, t.kind AS kind, t.period AS period, t.directed AS directed, "
        "t.source AS source, t.source_row AS row, t.ingest_run AS run"
    )
    return [r.data() for r in records]


def _persons(driver: neo4j.Driver) -> dict[str, dict[str, Any]]:
    records, _, _ = driver.execute_query("MATCH (p:Person) RETURN p.person_id AS id, p AS p")
    return {r["id"]: dict(r["p"]) for r in records}


def _matrix_mapping(pattern: str, **constants: str) -> IngestMapping:
    return IngestMapping(
        files=[FileMapping(match=pattern, record="ties", layout="matrix", constants=constants)]
    )


def _edge_set(G: nx.Graph, rename: Any = str) -> set[tuple[str, str, float]]:
    return {(rename(u), rename(v), float(w)) for u, v, w in G.edges(data="weight")}


@pytest.mark.parametrize(
    ("network", "directed"),
    [("siren", False), ("london_gang", False), ("montreal_gangs", True), ("cielnet", True)],
)
def test_ucinet_matrix_loads_the_people_and_ties_datasets_reads(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path, network: str, directed: bool
) -> None:
    folder, filename, _ = datasets.UCINET_NETWORKS[network]
    path = shared_data / folder / filename
    G = datasets.ucinet_csv(network)
    assert G.is_directed() is directed

    report = ingest(
        path, driver=graph, mapping=_matrix_mapping(filename), reject_dir=tmp_path, progress=False
    )

    (f,) = report.files
    # a row is a non-zero cell (on or above the diagonal of a symmetric matrix): one tie each
    assert (f.record, f.rows_read, f.rows_loaded, f.rows_rejected) == (
        "ties",
        G.number_of_edges(),
        G.number_of_edges(),
        0,
    )
    persons = _persons(graph)
    assert set(persons) == set(G.nodes)  # isolates included (Montreal has two)
    ties = _ties(graph)
    assert len(ties) == G.number_of_edges()
    assert {t["directed"] for t in ties} == {directed}
    found = {(t["a"], t["b"], t["weight"]) for t in ties}
    if directed:
        assert found == _edge_set(G)
    else:
        assert {(frozenset((a, b)), w) for a, b, w in found} == {
            (frozenset((a, b)), w) for a, b, w in _edge_set(G)
        }
        # one relationship per undirected tie, from the person listed first to the later one
        order = {label: i for i, label in enumerate(G.nodes)}
        assert all(order[t["a"]] < order[t["b"]] for t in ties)
    # provenance: the file, the row of the cell / of the label, the run
    assert {(t["source"], t["run"]) for t in ties} == {(filename, report.run_id)}
    assert all(p["source"] == filename and p["source_row"] >= 2 for p in persons.values())
    first = next(iter(G.nodes))
    assert persons[first]["source_row"] == 2
    assert all(t["kind"] == "tie" and t["period"] == "all" for t in ties)


def test_caviar_phases_load_as_directed_call_ties_one_period_each(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path
) -> None:
    mapping = IngestMapping(
        files=[
            FileMapping(
                match=f"phase{p}.csv",
                record="ties",
                layout="matrix",
                constants={"kind": "calls", "period": f"phase {p}"},
            )
            for p in (1, 2, 3)
        ]
    )
    paths = [shared_data / "caviar" / f"phase{p}.csv" for p in (1, 2, 3)]
    report = ingest(paths, driver=graph, mapping=mapping, reject_dir=tmp_path, progress=False)

    phases = {p: datasets.caviar(p) for p in (1, 2, 3)}
    assert [f.rows_loaded for f in report.files] == [G.number_of_edges() for G in phases.values()]
    ties = _ties(graph)
    for p, G in phases.items():
        mine = {
            (f"N{t['a']}", f"N{t['b']}", t["weight"]) for t in ties if t["period"] == f"phase {p}"
        }
        assert mine == _edge_set(G)
    people = set().union(*(G.nodes for G in phases.values()))
    assert {f"N{k}" for k in _persons(graph)} == people
    assert {t["kind"] for t in ties} == {"calls"} and all(t["directed"] for t in ties)
    # each link of the tie network carries the TIE records behind it, in file order
    behind: dict[frozenset[str], list[tuple[str, int, str, float]]] = {}
    for t in ties:
        pair = frozenset((t["a"], t["b"]))
        behind.setdefault(pair, []).append((t["source"], t["row"], t["period"], t["weight"]))
    net = tie_network(graph).to_networkx()
    assert net.number_of_edges() == len(behind)
    for u, v, d in net.edges(data=True):
        want = sorted(behind[frozenset((u, v))])
        got = [(r["source"], r["source_row"], r["period"], r["weight"]) for r in d["records"]]
        assert (d["record_count"], got) == (len(want), want[:20])
    assert max(d["record_count"] for _, _, d in net.edges(data=True)) > 1  # phases and directions


def test_noordin_top_layers_load_as_edge_lists(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path
) -> None:
    mapping = IngestMapping(
        files=[
            FileMapping(
                match=name,
                record="ties",
                layout="edges",
                constants={"kind": layer, "directed": "false"},
            )
            for layer, name in datasets.NOORDIN_LAYERS.items()
        ]
    )
    folder = shared_data / "noordin_top" / "multiplex_4layer"
    report = ingest(folder, driver=graph, mapping=mapping, reject_dir=tmp_path, progress=False)

    layers = {layer: datasets.noordin_top(layer) for layer in datasets.NOORDIN_LAYERS}
    assert sorted(
        (Path(f.source).name, f.rows_read, f.rows_loaded) for f in report.files
    ) == sorted(
        (name, layers[layer].number_of_edges(), layers[layer].number_of_edges())
        for layer, name in datasets.NOORDIN_LAYERS.items()
    )
    ties = _ties(graph)
    for layer, G in layers.items():
        mine = {frozenset((t["a"], t["b"])) for t in ties if t["kind"] == layer}
        assert mine == {frozenset(e) for e in G.edges}
    assert set(_persons(graph)) == set().union(*(G.nodes for G in layers.values()))
    assert len(_persons(graph)) == 78
    # the line number is the row
    row_one = {
        t["row"] for t in ties if t["kind"] == "communication" and {t["a"], t["b"]} == {"0", "15"}
    }
    assert row_one == {1}


def test_graphml_and_gexf_load_by_suffix(graph: neo4j.Driver, tmp_path: Path) -> None:
    london = datasets.ucinet_csv("london_gang")
    london.add_node("nobody")  # an isolate is a person too
    nx.set_edge_attributes(london, "gang", "kind")
    nx.write_graphml(london, tmp_path / "london.graphml")
    montreal = datasets.ucinet_csv("montreal_gangs")
    nx.write_gexf(montreal, tmp_path / "montreal.gexf")

    report = ingest(tmp_path, driver=graph, reject_dir=tmp_path / "rejects", progress=False)

    assert sorted(
        (Path(f.source).name, f.record, f.rows_loaded, f.rows_rejected) for f in report.files
    ) == [
        ("london.graphml", "ties", london.number_of_edges(), 0),
        ("montreal.gexf", "ties", montreal.number_of_edges(), 0),
    ]
    ties = _ties(graph)
    g = [t for t in ties if t["source"] == "london.graphml"]
    assert {(frozenset((t["a"], t["b"])), t["weight"]) for t in g} == {
        (frozenset((u, v)), float(w)) for u, v, w in london.edges(data="weight")
    }
    assert {(t["kind"], t["directed"]) for t in g} == {("gang", False)}
    gexf = next(f for f in report.files if f.source.endswith(".gexf"))
    assert any("columns not used" in w and "id" in w for w in gexf.warnings), gexf.warnings
    x = [t for t in ties if t["source"] == "montreal.gexf"]
    assert {(t["a"], t["b"], t["weight"]) for t in x} == _edge_set(montreal)
    assert {(t["kind"], t["directed"]) for t in x} == {("tie", True)}
    assert set(_persons(graph)) == set(london.nodes) | set(montreal.nodes)


def test_bad_matrix_cells_are_rejects_naming_row_and_column(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "net.csv").write_text(
        "\ufeff,A,B,C\nA,0,2,x\nB,2,0,-1\nC,x,-1,0\n", encoding="utf-8"
    )
    report = ingest(
        tmp_path / "net.csv",
        driver=graph,
        mapping=_matrix_mapping("net.csv"),
        reject_dir=tmp_path / "rejects",
        progress=False,
    )
    (f,) = report.files
    # symmetric (bad cells mirror each other): three cells above the diagonal, two bad
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (3, 1, 2)
    rejects = pd.read_csv(f.reject_file)
    assert rejects[["row", "value"]].values.tolist() == [[2, "x"], [3, "-1"]]
    assert "column 'C' (column 4): not a number" in rejects["reason"][0]
    assert "column 'C' (column 4): a tie weight must be >= 0" in rejects["reason"][1]
    assert set(_persons(graph)) == {"A", "B", "C"}  # C has no tie left, but is listed


def test_ties_table_by_name_with_defaults_keys_and_duplicates(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "ties.csv").write_text(
        "from_id,to_id,weight,kind,period\n"
        "P1,P2,3,calls,2024\n"
        "P1,P2,1,meetings,2024\n"  # another kind: another tie
        "P1,P2,5,calls,2025\n"  # another period: another tie
        "P2,P3,,,\n"  # defaults: weight 1, kind tie, period all
        "P1,P2,3,calls,2024\n",  # the same key again: a duplicate
        encoding="utf-8",
    )
    report = ingest(tmp_path, driver=graph, reject_dir=tmp_path / "rejects", progress=False)
    (f,) = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (5, 4, 1)
    assert pd.read_csv(f.reject_file)["reason"].tolist() == ["duplicate of row 2"]
    ties = sorted((t["a"], t["b"], t["kind"], t["period"], t["weight"]) for t in _ties(graph))
    assert ties == [
        ("P1", "P2", "calls", "2024", 3.0),
        ("P1", "P2", "calls", "2025", 5.0),
        ("P1", "P2", "meetings", "2024", 1.0),
        ("P2", "P3", "tie", "all", 1.0),
    ]


def test_rerunning_a_network_ingest_never_duplicates(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / "siren" / "morselli_siren.csv"
    mapping = _matrix_mapping("morselli_siren.csv", kind="co-offending")
    first = ingest(path, driver=graph, mapping=mapping, reject_dir=tmp_path, progress=False)
    before = (_ties(graph), _persons(graph))
    again = ingest(path, driver=graph, mapping=mapping, reject_dir=tmp_path, progress=False)
    assert again.run_id == first.run_id
    after = (_ties(graph), _persons(graph))
    key = lambda t: (t["a"], t["b"])  # noqa: E731
    assert sorted(after[0], key=key) == sorted(before[0], key=key)
    assert after[1] == before[1]
    assert len(after[0]) == datasets.ucinet_csv("siren").number_of_edges()


def test_edge_list_lines_that_are_not_edges_are_rejects(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "links.txt").write_text(
        "# chart\nA B 2\nA\nB C\nC D 1 x\nB A 2\n", encoding="utf-8"
    )
    mapping = IngestMapping(files=[FileMapping(match="links.txt", record="ties", layout="edges")])
    report = ingest(
        tmp_path / "links.txt",
        driver=graph,
        mapping=mapping,
        reject_dir=tmp_path / "rejects",
        progress=False,
    )
    (f,) = report.files
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (5, 3, 2)
    assert pd.read_csv(f.reject_file)["row"].tolist() == [3, 5]
    # direction as given: "B A" is another relationship than "A B" (docs/mapping.md)
    assert sorted((t["a"], t["b"], t["weight"], t["row"]) for t in _ties(graph)) == [
        ("A", "B", 2.0, 2),
        ("B", "A", 2.0, 6),
        ("B", "C", 1.0, 4),
    ]


def test_layout_is_only_for_ties(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(
        "files:\n  - match: '*.csv'\n    record: persons\n    layout: matrix\n", encoding="utf-8"
    )
    with pytest.raises(MappingError, match="layout 'matrix' is for ties files only"):
        load_mapping(path)
    path.write_text(
        "files:\n  - match: '*.csv'\n    record: ties\n    layout: grid\n", encoding="utf-8"
    )
    with pytest.raises(MappingError, match="layout"):
        load_mapping(path)


def test_a_constant_directed_overrides_the_symmetry_of_a_matrix(
    graph: neo4j.Driver, tmp_path: Path
) -> None:
    (tmp_path / "sym.csv").write_text(",A,B\nA,0,2\nB,2,0\n", encoding="utf-8")
    (tmp_path / "asym.csv").write_text(",A,B\nA,0,2\nB,1,0\n", encoding="utf-8")
    both = ingest(
        tmp_path / "sym.csv",
        driver=graph,
        mapping=_matrix_mapping("sym.csv", directed="true"),
        reject_dir=tmp_path / "rejects",
        progress=False,
    )
    assert both.files[0].rows_loaded == 2
    assert sorted((t["a"], t["b"], t["directed"]) for t in _ties(graph)) == [
        ("A", "B", True),
        ("B", "A", True),
    ]
    with pytest.raises(InputFileError, match="not symmetric"):
        read_network(tmp_path / "asym.csv", _matrix_mapping("asym.csv", directed="no").files[0])


def test_edge_lists_split_on_the_mappings_delimiter(tmp_path: Path) -> None:
    fm = FileMapping(match="*", record="ties", layout="edges", delimiter=";")
    assert "delimiter" in fm.model_fields_set
    path = tmp_path / "chart.txt"
    path.write_text("Wang Wei;Li Na;2\n", encoding="utf-8")
    net = read_network(path, fm)
    assert net.frame[["from_id", "to_id", "weight"]].values.tolist() == [["Wang Wei", "Li Na", "2"]]
    plain = read_network(path, FileMapping(match="*", record="ties", layout="edges"))
    assert plain.frame["from_id"].tolist() == ["Wang"]  # without a delimiter: white space


def test_graph_attributes_map_onto_tie_columns(tmp_path: Path) -> None:
    G = nx.DiGraph([("a", "b", {"calls": 7, "phase": "p1"}), ("b", "a", {"calls": 1})])
    nx.write_graphml(G, tmp_path / "chart.graphml")
    fm = FileMapping(
        match="*.graphml", record="ties", columns={"weight": "calls", "period": "phase"}
    )
    raw = read_network(tmp_path / "chart.graphml", fm)
    assert set(raw.frame["directed"]) == {"true"}
    undirected = fm.model_copy(update={"constants": {"directed": "false"}})
    assert set(read_network(tmp_path / "chart.graphml", undirected).frame["directed"]) == {"false"}
    with pytest.raises(InputFileError, match="mapping entry says record 'persons'"):
        read_network(tmp_path / "chart.graphml", fm.model_copy(update={"record": "persons"}))
    prep = prepare(raw, RECORDS["ties"], fm, Options())
    assert sorted(
        (r["start"], r["end"], r["props"]["weight"], r["rkey"]["period"]) for r in prep.rows
    ) == [
        ("a", "b", 7.0, "p1"),
        ("b", "a", 1.0, "all"),
    ]


def test_a_matrix_can_be_a_workbook_sheet(tmp_path: Path) -> None:
    path = tmp_path / "gang.xlsx"
    frame = pd.DataFrame([[0, 1], [1, 0]], index=["A", "B"], columns=["A", "B"])
    frame.to_excel(path, sheet_name="matrix")
    net = read_network(
        path, FileMapping(match="*.xlsx", record="ties", layout="matrix", sheet="matrix")
    )
    assert net.frame[["from_id", "to_id", "weight", "directed"]].values.tolist() == [
        ["A", "B", "1", "false"]
    ]


def test_the_ties_projection_gives_back_the_published_network(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / "cielnet" / "morselli_cielnet.csv"  # directed, weighted
    ingest(
        path,
        driver=graph,
        mapping=_matrix_mapping("morselli_cielnet.csv", kind="calls"),
        reject_dir=tmp_path,
        progress=False,
    )
    (tmp_path / "ties.csv").write_text("from_id,to_id,kind\nN1,N2,trust\n", encoding="utf-8")
    ingest(tmp_path / "ties.csv", driver=graph, reject_dir=tmp_path, progress=False)
    published = datasets.ucinet_csv("cielnet")

    calls = tie_network(graph, kinds="calls", directed=True)
    G = calls.to_networkx()
    assert G.is_directed()
    assert {(u, v, w) for u, v, w in G.edges(data="weight")} == _edge_set(published)
    # undirected: both directions and every kind of a pair summed
    both = tie_network(graph).to_networkx()
    undirected = datasets.ucinet_csv("cielnet", directed=False)
    expected = {frozenset((u, v)): w for u, v, w in undirected.edges(data="weight")}
    expected[frozenset(("N1", "N2"))] += 1  # the trust tie
    assert {frozenset((u, v)): w for u, v, w in both.edges(data="weight")} == expected
    assert both["N1"]["N2"]["kinds"] == ["calls", "trust"]
    assert project(graph, "ties", periods=["all"]).m == both.number_of_edges()
    with pytest.raises(ValueError, match="no times or regions"):
        tie_network(graph, since="2024-01-01")


def test_paths_follow_ties_only_when_asked(graph: neo4j.Driver, tmp_path: Path) -> None:
    from netintel.investigate import k_shortest_paths_of

    ingest(
        {
            "ties": pd.DataFrame({"from_id": ["A", "B"], "to_id": ["B", "C"]}),
            "relatives": pd.DataFrame({"person_id": ["A"], "relative_id": ["C"]}),
        },
        driver=graph,
        reject_dir=tmp_path,
        progress=False,
    )
    by_ties = k_shortest_paths_of(graph, "A", "C", via="ties", k=1)
    assert [p.nodes for p in by_ties.paths] == [("Person:A", "Person:B", "Person:C")]
    assert by_ties.paths[0].hops[0].types == ("TIE",)
    every = k_shortest_paths_of(graph, "A", "C", via="all", k=1)
    assert [p.nodes for p in every.paths] == [("Person:A", "Person:C")]  # the relative

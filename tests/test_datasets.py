"""Loaders for the shared published networks (../shared/data)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from netintel import datasets
from netintel.datasets import (
    CAVIAR_PHASES,
    UCINET_NETWORKS,
    caviar,
    data_dir,
    football,
    ground_truth_partition,
    polbooks,
    ucinet_csv,
)
from netintel.exceptions import InputFileError

pytestmark = pytest.mark.usefixtures("shared_data")

# Morselli (2009), Inside Criminal Networks: actors per wiretap phase
PHASE_SIZES = [15, 24, 33, 33, 32, 27, 36, 42, 34, 42, 41]


def test_data_dir_is_the_shared_folder(shared_data: Path) -> None:
    assert data_dir().resolve() == shared_data.resolve()


def test_caviar_phases_have_the_published_sizes() -> None:
    graphs = [caviar(p) for p in CAVIAR_PHASES]
    assert [G.number_of_nodes() for G in graphs] == PHASE_SIZES
    assert all(G.is_directed() for G in graphs)
    actors = set().union(*graphs)
    # The phase files name 107 actors; N57, N60 and N110 appear only in the aggregate matrix.
    assert len(actors) == 107
    full = caviar()
    assert full.number_of_nodes() == 110
    assert set(full) - actors == {"N57", "N60", "N110"}
    assert actors <= set(full)
    assert graphs[0].graph["name"] == "CAVIAR phase 1"


def test_caviar_weights_are_call_counts() -> None:
    p1 = caviar(1)
    assert p1["N1"]["N3"]["weight"] == 4
    assert p1["N3"]["N1"]["weight"] == 2
    assert not p1.has_edge("N4", "N1")
    assert sum(w for *_, w in p1.edges(data="weight")) == 59
    assert caviar(1, directed=False)["N1"]["N3"]["weight"] == 6
    assert caviar(1, directed=False, combine="max")["N1"]["N3"]["weight"] == 4
    full = caviar()
    assert sum(w for *_, w in full.edges(data="weight")) == 3546
    assert full.nodes["N1"]["actor"] == 1
    assert nx.is_weakly_connected(full)


def test_caviar_first_node_label_has_no_bom() -> None:
    full = caviar()
    assert next(iter(full)) == "N1"
    assert not any(str(v).startswith("\ufeff") for v in full)


@pytest.mark.parametrize("phase", [0, 12, "1", True, 1.0])
def test_caviar_rejects_unknown_phases(phase: object) -> None:
    with pytest.raises(ValueError, match="phase"):
        caviar(phase)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "nodes", "edges", "directed"),
    [
        ("siren", 44, 103, False),
        ("togo", 33, 47, False),
        ("cielnet", 25, 45, True),
        ("london_gang", 54, 315, False),
        ("italian_gangs", 67, 114, False),
        ("montreal_gangs", 35, 153, True),
    ],
)
def test_ucinet_networks_load(name: str, nodes: int, edges: int, directed: bool) -> None:
    G = ucinet_csv(name)
    assert (G.number_of_nodes(), G.number_of_edges(), G.is_directed()) == (nodes, edges, directed)
    assert G.graph["symmetric_matrix"] is not directed
    assert all(isinstance(v, str) and not v.startswith("\ufeff") for v in G)
    assert all(w > 0 for *_, w in G.edges(data="weight"))


def test_ucinet_details() -> None:
    siren = ucinet_csv("siren")
    assert next(iter(siren)) == "1"
    london = ucinet_csv("london_gang")
    assert sorted(Counter(w for *_, w in london.edges(data="weight"))) == [1, 2, 3, 4]
    montreal = ucinet_csv("montreal_gangs")
    assert nx.number_of_isolates(montreal) == 2
    assert "Bo-Gars" in montreal
    und = ucinet_csv("montreal_gangs", directed=False, combine="max")
    assert not und.is_directed()
    assert set(w for *_, w in und.edges(data="weight")) == {1}
    assert und.number_of_nodes() == 35
    cielnet = ucinet_csv("cielnet", directed=False)
    assert sum(w for *_, w in cielnet.edges(data="weight")) == 198
    assert set(UCINET_NETWORKS) >= {"siren", "togo", "cielnet", "oversize"}
    with pytest.raises(ValueError, match="unknown network"):
        ucinet_csv("sopranos")


def test_football_has_conferences() -> None:
    G = football()
    assert (G.number_of_nodes(), G.number_of_edges()) == (115, 613)
    truth = ground_truth_partition(G, "value")
    assert len(truth) == 12
    assert sum(map(len, truth)) == 115
    assert [len(c) for c in truth] == sorted((len(c) for c in truth), reverse=True)
    assert G.nodes["BrighamYoung"]["value"] == 7


def test_polbooks_unquoted_labels_are_fixed_up() -> None:
    with pytest.raises(nx.NetworkXError):
        nx.read_gml(data_dir() / "polbooks" / "polbooks.gml")
    G = polbooks()
    assert (G.number_of_nodes(), G.number_of_edges()) == (105, 441)
    counts = Counter(nx.get_node_attributes(G, "value").values())
    assert counts == {"a": 43, "b": 49, "c": 13}
    assert [len(c) for c in ground_truth_partition(G, "value")] == [49, 43, 13]


def test_quoting_leaves_keywords_and_numbers_alone() -> None:
    text = 'graph\n[\n  node\n  [\n    id 0\n    label "x y"\n    value c\n  ]\n]\n'
    fixed = datasets._quote_gml_values(text)
    assert 'value "c"' in fixed
    assert "id 0" in fixed
    assert "  node\n" in fixed
    assert nx.parse_gml(fixed).nodes["x y"]["value"] == "c"


def test_ground_truth_partition_needs_the_attribute_everywhere() -> None:
    G = nx.Graph([(1, 2), (2, 3)])
    nx.set_node_attributes(G, {1: "a", 2: "a"}, "gang")
    with pytest.raises(ValueError, match="have no 'gang'"):
        ground_truth_partition(G, "gang")


def test_missing_data_directory_is_a_clear_file_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETINTEL_SHARED_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="NETINTEL_SHARED_DATA") as err:
        caviar()
    assert err.value.filename == str(tmp_path / "nowhere")
    monkeypatch.setenv("NETINTEL_SHARED_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"football/football\.gml"):
        football()


def test_malformed_matrix_names_file_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "siren").mkdir()
    bad = tmp_path / "siren" / "morselli_siren.csv"
    bad.write_text('\ufeff"",a,b\na,0,1\nb,x,0\n', encoding="utf-8")
    monkeypatch.setenv("NETINTEL_SHARED_DATA", str(tmp_path))
    with pytest.raises(InputFileError) as err:
        ucinet_csv("siren")
    assert (err.value.path, err.value.row, err.value.column) == (str(bad), 3, "a")
    assert "not a number" in err.value.reason
    bad.write_text('\ufeff"",a,b\na,0,1\nc,1,0\n', encoding="utf-8")
    with pytest.raises(InputFileError, match="not a square adjacency matrix"):
        ucinet_csv("siren")
    bad.write_text('\ufeff"",a,b\na,0,-1\nb,1,0\n', encoding="utf-8")
    with pytest.raises(InputFileError, match=">= 0"):
        ucinet_csv("siren")
    bad.write_text('\ufeff"",a,b\na,0,2\nb,2,0\n', encoding="utf-8")
    G = ucinet_csv("siren")
    assert list(G.edges(data="weight")) == [("a", "b", 2)]

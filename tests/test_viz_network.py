"""`netintel.viz.network_for_map`: the network `map`, `export` and the case report draw."""

from __future__ import annotations

import neo4j
import pytest

from netintel.algorithms import label_propagation
from netintel.exceptions import UnknownIdError
from netintel.projection import person_call_network
from netintel.runs import write_run
from netintel.viz import network_for_map

pytestmark = pytest.mark.neo4j

# two call triangles P1-P2-P3 and P4-P5-P6, joined by one call P3 -> P4 (in March 2024)
CALLS = [("P1", "P2"), ("P2", "P3"), ("P1", "P3"), ("P4", "P5"), ("P5", "P6"), ("P4", "P6")]
CALLS.append(("P3", "P4"))


@pytest.fixture
def triangles(graph: neo4j.Driver) -> neo4j.Driver:
    graph.execute_query(
        "UNWIND range(1, 6) AS i "
        "CREATE (:Person {person_id: 'P' + i, name: 'Person ' + i})-[:USES]->"
        "(:Phone {number: '+4477009000' + i})"
    )
    graph.execute_query(
        "UNWIND $calls AS c "
        "MATCH (:Person {person_id: c[0]})-[:USES]->(a:Phone), "
        "(:Person {person_id: c[1]})-[:USES]->(b:Phone) "
        "CREATE (a)-[:CALLED {call_id: c[0] + c[1], at: datetime('2024-03-01T10:00:00Z'), "
        "duration_s: 60}]->(b)",
        calls=[list(c) for c in CALLS],
    )
    return graph


def _groups(membership: dict[str, int]) -> list[list[str]]:
    out: dict[int, list[str]] = {}
    for node, c in sorted(membership.items()):
        out.setdefault(c, []).append(node)
    return sorted(out.values())


def test_the_network_of_a_map_has_its_communities_scores_and_zone(
    triangles: neo4j.Driver,
) -> None:
    net = network_for_map(triangles, "person_calls", size_by="degree", seed=0)
    assert net.label == "Person" and net.title == "person_calls network"
    assert sorted(net.graph.nodes) == ["P1", "P2", "P3", "P4", "P5", "P6"]
    assert net.graph.number_of_edges() == 7
    assert net.timezone == net.graph.graph["timezone"] == "UTC"  # no ingest: UTC
    assert _groups(net.communities.membership) == [["P1", "P2", "P3"], ["P4", "P5", "P6"]]
    # degree as a share of the 5 others: the two people on the bridge have 3 contacts
    assert net.scores is not None
    assert net.scores.round(3).to_dict() == {
        "P1": 0.4,
        "P2": 0.4,
        "P3": 0.6,
        "P4": 0.6,
        "P5": 0.4,
        "P6": 0.4,
    }
    assert sorted(net.results) == ["communities", "key_players"]
    assert net.projection.m == 7


def test_filters_name_the_network_and_an_empty_one_has_nothing_computed(
    triangles: neo4j.Driver,
) -> None:
    net = network_for_map(triangles, since="2024-04-01", tz="Asia/Shanghai")
    assert net.title == "person_calls network (since=2024-04-01)"
    assert net.graph.number_of_edges() == 0
    assert net.communities is None and net.scores is None and net.results == {}
    assert net.timezone == net.graph.graph["timezone"] == "Asia/Shanghai"
    bare = network_for_map(triangles, communities=None, size_by=None)
    assert bare.graph.number_of_edges() == 7
    assert bare.communities is None and bare.scores is None and bare.results == {}


def test_a_stored_run_colours_the_map_and_an_unknown_id_is_named(
    triangles: neo4j.Driver,
) -> None:
    proj = person_call_network(triangles)
    result = label_propagation(proj.to_networkx(), seed=3)
    run_id = write_run(triangles, result, projection=proj)
    net = network_for_map(triangles, communities=run_id, size_by=None)
    expected = {str(k): v for k, v in result.membership.items()}
    assert {str(k): v for k, v in net.communities.items()} == expected
    assert sorted(net.results) == ["run"]
    assert list(net.results["run"]["node"].astype(str)) == [
        str(n) for n in result.to_frame()["node"]
    ]
    with pytest.raises(UnknownIdError, match="no analysis run with id run-nothing"):
        network_for_map(triangles, communities="run-nothing")

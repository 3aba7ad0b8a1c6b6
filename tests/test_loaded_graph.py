"""tests/loaded_graph.py: a data set loaded once, loaded again after anything wrote."""

from __future__ import annotations

import neo4j
import pytest
from loaded_graph import LoadedGraph

pytestmark = pytest.mark.neo4j


def _people(driver: neo4j.Driver) -> list[str]:
    records, _, _ = driver.execute_query("MATCH (p:Person) RETURN p.person_id AS id ORDER BY id")
    return [r["id"] for r in records]


def test_a_load_is_reused_until_a_write_or_another_key(
    loaded_graph: LoadedGraph, neo4j_driver: neo4j.Driver
) -> None:
    loads: list[str] = []

    def two_people(driver: neo4j.Driver) -> int:
        loads.append("two")
        driver.execute_query("CREATE (:Person {person_id: 'P1'}), (:Person {person_id: 'P2'})")
        return loads.count("two")

    assert loaded_graph("two-people", two_people) == 1
    assert loaded_graph("two-people", two_people) == 1  # reads only since: the same load
    assert _people(neo4j_driver) == ["P1", "P2"] and loads == ["two"]

    neo4j_driver.execute_query("MATCH (p:Person {person_id: 'P2'}) SET p.name = 'Bo'")
    assert loaded_graph("two-people", two_people) == 2  # a write: emptied and loaded again
    assert _people(neo4j_driver) == ["P1", "P2"]
    (names,) = neo4j_driver.execute_query("MATCH (p:Person) RETURN collect(p.name) AS n")[0][0]
    assert names == []  # the name the write set went with the old graph

    def one_person(driver: neo4j.Driver) -> str:
        loads.append("one")
        driver.execute_query("CREATE (:Person {person_id: 'P9'})")
        return "one"

    assert loaded_graph("one-person", one_person) == "one"
    assert _people(neo4j_driver) == ["P9"]
    assert loaded_graph("two-people", two_people) == 3
    assert loads == ["two", "two", "one", "two"]

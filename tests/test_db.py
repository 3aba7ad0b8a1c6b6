"""Database helpers against the real Neo4j."""

from __future__ import annotations

import neo4j
import pytest

from netintel.db import apply_schema, clear_graph, graph_summary, server_version
from netintel.schema import constraint_statements

pytestmark = pytest.mark.neo4j


def test_summary_counts_only_what_exists(graph: neo4j.Driver) -> None:
    graph.execute_query("CREATE (:Person {person_id: 'a'})-[:USES]->(:Phone {number: '+1'})")
    graph.execute_query("CREATE (:Case {case_id: 'c'})")
    graph.execute_query("MATCH (c:Case) DELETE c")
    rows = {(r.kind, r.name): r.count for r in graph_summary(graph).itertuples()}
    assert rows == {("node", "Person"): 1, ("node", "Phone"): 1, ("relationship", "USES"): 1}


def test_schema_is_idempotent_and_enforced(graph: neo4j.Driver) -> None:
    first = apply_schema(graph)
    assert apply_schema(graph) == first
    records, _, _ = graph.execute_query("SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")
    assert records[0]["n"] == sum("CONSTRAINT" in s for s in constraint_statements())
    graph.execute_query("CREATE (:Person {person_id: 'dup'})")
    with pytest.raises(neo4j.exceptions.ConstraintError):
        graph.execute_query("CREATE (:Person {person_id: 'dup'})")


def test_clear_graph_and_version(graph: neo4j.Driver) -> None:
    graph.execute_query("UNWIND range(1, 2500) AS i CREATE (:Phone {number: toString(i)})")
    clear_graph(graph)
    records, _, _ = graph.execute_query("MATCH (n) RETURN count(n) AS n")
    assert records[0]["n"] == 0
    assert server_version(graph).startswith("Neo4j Kernel 5.26")

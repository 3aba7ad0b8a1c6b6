"""Database helpers over an open ``neo4j.Driver``: schema, named queries, housekeeping.

The driver is passed in explicitly (one per process, see ``netintel.config.driver``).
"""

from __future__ import annotations

from typing import Any

import neo4j
import pandas as pd

from netintel.cypher import query
from netintel.schema import constraint_statements

__all__ = ["apply_schema", "clear_graph", "graph_summary", "run_query", "server_version"]


def apply_schema(driver: neo4j.Driver, *, database: str | None = None) -> int:
    """Create every constraint and index of the schema (idempotent); return how many."""
    n = 0
    for stmt in constraint_statements():
        driver.execute_query(stmt, database_=database)
        n += 1
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return n


def run_query(
    driver: neo4j.Driver,
    name: str,
    *,
    database: str | None = None,
    write: bool = False,
    **params: Any,
) -> list[dict[str, Any]]:
    """Run the named query ``cypher/<name>.cypher`` with parameters; rows as dicts."""
    routing = neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ
    records, _, _ = driver.execute_query(
        query(name), parameters_=params, database_=database, routing_=routing
    )
    return [r.data() for r in records]


def graph_summary(driver: neo4j.Driver, *, database: str | None = None) -> pd.DataFrame:
    """Counts per node label and relationship type."""
    rows = run_query(driver, "graph_summary", database=database)
    frame = pd.DataFrame(rows, columns=["kind", "name", "count"])
    return frame.sort_values(["kind", "name"], ignore_index=True)


def server_version(driver: neo4j.Driver, *, database: str | None = None) -> str:
    """E.g. ``'Neo4j Kernel 5.26.30 community'``."""
    (row,) = run_query(driver, "server_version", database=database)
    return f"{row['name']} {row['version']} {row['edition']}"


def clear_graph(driver: neo4j.Driver, *, database: str | None = None) -> None:
    """Delete every node and relationship (constraints and indexes stay)."""
    with driver.session(database=database) as session:
        session.run(query("clear_graph")).consume()

"""One load of a data set shared by a module's tests, whatever order they run in.

The test run has one Neo4j database (Community Edition holds one). A fixture that fills it
for many tests goes through :func:`load_once`: the graph is emptied and loaded again unless
the database still holds what the same key loaded, untouched since: no transaction committed
(a fresh read session's bookmark names the last transaction committed). So a test that writes
(an empty ``graph``, an ingest, a write-back, added calls) makes the next test that needs the
data set load it afresh, instead of handing it a changed graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import neo4j

T = TypeVar("T")

#: ``loaded_graph(key, load)``, the conftest fixture: ``load_once`` bound to the test driver
LoadedGraph = Callable[[str, Callable[[neo4j.Driver], T]], T]


class _Holding:
    """What the database holds: the key that loaded it (None: not known), the last
    transaction committed once it had, and what its loader returned."""

    key: str | None = None
    txn: frozenset[str] = frozenset()
    value: Any = None


def last_committed(driver: neo4j.Driver) -> frozenset[str]:
    """The database's bookmark after a read: it names the last transaction committed."""
    with driver.session() as session:
        session.run("RETURN 1").consume()
        return frozenset(session.last_bookmarks().raw_values)


def empty_graph(driver: neo4j.Driver) -> None:
    """Delete every node and relationship; the schema's constraints and indexes in place."""
    from netintel.db import apply_schema, clear_graph

    _Holding.key = None
    clear_graph(driver, force=True)
    apply_schema(driver)


def load_once(driver: neo4j.Driver, key: str, load: Callable[[neo4j.Driver], T]) -> T:
    """The database as ``load(driver)`` fills an empty graph; ``load`` is called only when the
    database does not hold ``key``'s data untouched. Returns what ``load`` returned."""
    if _Holding.key != key or _Holding.txn != last_committed(driver):
        empty_graph(driver)
        _Holding.value = load(driver)
        _Holding.key, _Holding.txn = key, last_committed(driver)
    return _Holding.value

"""Shared fixtures: one real Neo4j per test run, a clean graph per test.

Without NEO4J_URI the suite starts its own local Neo4j (netintel.server) in a
temporary state folder and stops it at the end; with NEO4J_URI it uses that
server and WIPES ITS GRAPH between tests, so point it at a scratch database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NETINTEL_SHARED_DATA", ROOT.parent / "shared" / "data"))
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data sets are missing at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def neo4j_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[neo4j.Driver]:
    from netintel import config, server

    state = None
    if os.environ.get("NEO4J_URI"):
        conn = config.connection(start_local=False)
    else:
        state = tmp_path_factory.mktemp("neo4j-state")
        server.start(state_dir=state)
        conn = config.connection(state_dir=state)
    drv = config.driver(conn)
    try:
        yield drv
    finally:
        drv.close()
        if state is not None:
            server.stop(state_dir=state)


@pytest.fixture
def graph(neo4j_driver: neo4j.Driver) -> neo4j.Driver:
    """The driver, on an empty graph with the schema's constraints in place."""
    from netintel.db import apply_schema, clear_graph

    clear_graph(neo4j_driver)
    apply_schema(neo4j_driver)
    return neo4j_driver

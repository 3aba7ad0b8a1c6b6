"""Shared fixtures: one real Neo4j per test run, a clean graph per test.

Without NEO4J_URI the suite starts its own local Neo4j (netintel.server) in a
temporary state folder and stops it at the end; with NEO4J_URI it uses that
server and WIPES ITS GRAPH between tests, so point it at a scratch database.

Nothing in the run can reach the user's cases: before any test is collected,
``NETINTEL_HOME`` points at a temporary state folder (whose runtime folder is a link
to the real one, so the jars are shared) and ``NETINTEL_CASE`` is unset. Local cases
started by tests or notebooks live there and are stopped at the end.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from loaded_graph import LoadedGraph, empty_graph, load_once

from netintel import server
from netintel.config import Connection


def _private_state_home() -> Path:
    runtime = server.runtime_dir()  # in the user's state folder, before it is replaced
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="netintel-test-home-"))
    (home / runtime.name).symlink_to(runtime, target_is_directory=True)
    os.environ["NETINTEL_HOME"] = str(home)
    os.environ.pop(server.CASE_ENV, None)
    atexit.register(_remove_home, home)
    return home


def _remove_home(home: Path) -> None:
    """Stop every local case server the run started in ``home``, then remove it."""
    if os.environ.get("NETINTEL_HOME") == str(home):
        for name in server.cases():
            server.stop(state_dir=server.case_dir(name))
    shutil.rmtree(home, ignore_errors=True)


TEST_HOME = _private_state_home()

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NETINTEL_SHARED_DATA", ROOT.parent / "shared" / "data"))
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data sets are missing at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def neo4j_connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    """The test run's database: NEO4J_URI's, or a local Neo4j started for this run."""
    from netintel import config, server

    if os.environ.get("NEO4J_URI"):
        yield config.connection(start_local=False)
        return
    state = tmp_path_factory.mktemp("neo4j-state")
    server.start(state_dir=state)
    try:
        yield config.connection(state_dir=state)
    finally:
        server.stop(state_dir=state)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_connection: Connection) -> Iterator[neo4j.Driver]:
    from netintel import config

    drv = config.driver(neo4j_connection)
    try:
        yield drv
    finally:
        drv.close()


@pytest.fixture
def neo4j_env(neo4j_connection: Connection) -> dict[str, str]:
    """Environment that points the CLI at the test run's database."""
    return {
        "NEO4J_URI": neo4j_connection.uri,
        "NEO4J_USER": neo4j_connection.user,
        "NEO4J_PASSWORD": neo4j_connection.password,
    }


@pytest.fixture
def graph(neo4j_driver: neo4j.Driver) -> neo4j.Driver:
    """The driver, on an empty graph with the schema's constraints in place."""
    empty_graph(neo4j_driver)
    return neo4j_driver


@pytest.fixture
def loaded_graph(neo4j_driver: neo4j.Driver) -> LoadedGraph:
    """``loaded_graph(key, load)``: the test run's database as ``load(driver)`` fills it, loaded
    once for all the tests that ask for ``key`` while nothing else writes (see loaded_graph.py)."""
    return functools.partial(load_once, neo4j_driver)

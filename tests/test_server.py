"""The local Neo4j server, against the real thing: one server for the module, in a temporary
state folder (the jars are shared through the default runtime folder). Each test gets it
running (``info`` starts it again after the test that stops it), so any order works."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest
from neo4j.exceptions import AuthError

from netintel import server

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("server-state")
    try:
        yield path
    finally:
        server.stop(state_dir=path)


@pytest.fixture
def info(state: Path) -> server.ServerInfo:
    """The module's server, running: started once, and again after a test stopped it."""
    return server.start(state_dir=state, heap="512m", page_cache="64m")


def test_start_answers_over_bolt(info: server.ServerInfo) -> None:
    assert info.uri.startswith("bolt://127.0.0.1:")
    assert info.user == "neo4j"
    assert info.neo4j_version.startswith("5.26.")
    with neo4j.GraphDatabase.driver(info.uri, auth=(info.user, info.password)) as drv:
        records, _, _ = drv.execute_query("RETURN 1 AS one")
        assert records[0]["one"] == 1
        records, _, _ = drv.execute_query("CALL dbms.components() YIELD edition")
        assert records[0]["edition"] == "community"


def test_password_file_is_private(info: server.ServerInfo, state: Path) -> None:
    for name in ("password", "server.json"):
        mode = stat.S_IMODE((state / name).stat().st_mode)
        assert mode == 0o600, f"{name} has mode {oct(mode)}"
    assert (state / "password").read_text().strip() == info.password
    assert info.password not in repr(info)


def test_start_twice_returns_the_running_server(info: server.ServerInfo, state: Path) -> None:
    again = server.start(state_dir=state)
    assert again.pid == info.pid
    assert again.uri == info.uri


def test_wrong_password_is_rejected(info: server.ServerInfo) -> None:
    with (
        neo4j.GraphDatabase.driver(info.uri, auth=(info.user, "not-the-password")) as drv,
        pytest.raises(AuthError),
    ):
        drv.verify_connectivity()
    with (
        neo4j.GraphDatabase.driver(info.uri, auth=("neo4j", "neo4j")) as drv,
        pytest.raises(AuthError),
    ):
        drv.verify_connectivity()


def test_status_and_store_size(info: server.ServerInfo, state: Path) -> None:
    found = server.status(state_dir=state)
    assert found is not None
    assert (found.uri, found.pid, found.data_dir) == (info.uri, info.pid, info.data_dir)
    assert server.store_size(found) > 0


def test_stop_then_status_is_none(info: server.ServerInfo, state: Path) -> None:
    assert server.stop(state_dir=state) is True
    assert server.status(state_dir=state) is None
    assert not (state / "server.json").exists()
    assert server.stop(state_dir=state) is False
    log = (state / "neo4j.log").read_text()
    assert "NETINTEL-NEO4J STOPPED" in log  # the shutdown hook ran: a clean shutdown

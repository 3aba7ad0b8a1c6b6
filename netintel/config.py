"""Connection settings: the user's own Neo4j (``NEO4J_URI``) or the local server.

With ``NEO4J_URI`` set, netintel uses that server (Docker, Desktop, Aura, a cluster) with
``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (default: the
server's default database). Without it, netintel uses its own local Neo4j
(:mod:`netintel.server`), starting it when needed.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import neo4j

from netintel import server
from netintel.exceptions import ConfigError

__all__ = ["Connection", "connection", "driver"]


@dataclass(frozen=True)
class Connection:
    """Where and how to connect. ``local`` is True for netintel's own server."""

    uri: str
    user: str
    password: str = dataclasses.field(repr=False)
    database: str | None
    local: bool


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def connection(*, start_local: bool = True, state_dir: Path | None = None) -> Connection:
    """The connection settings netintel uses.

    ``NEO4J_URI`` set: that server; ``NEO4J_PASSWORD`` must be set too (ConfigError).
    Otherwise the local server of ``state_dir`` (default :func:`netintel.server.state_dir`):
    started when ``start_local`` (this can take a while the first time), else it must already
    run (ConfigError).
    """
    uri = _env("NEO4J_URI")
    if uri is not None:
        password = os.environ.get("NEO4J_PASSWORD")
        if password is None:
            raise ConfigError(
                f"NEO4J_URI is set ({uri}) but NEO4J_PASSWORD is not; set it to the password "
                "of your Neo4j user, or unset NEO4J_URI to use netintel's local Neo4j."
            )
        return Connection(
            uri=uri,
            user=_env("NEO4J_USER") or "neo4j",
            password=password,
            database=_env("NEO4J_DATABASE"),
            local=False,
        )
    if start_local:
        info = server.start(state_dir=state_dir)
    else:
        found = server.status(state_dir=state_dir)
        if found is None:
            raise ConfigError(
                "NEO4J_URI is not set and netintel's local Neo4j is not running; start it "
                "with `netintel db start` (or netintel.server.start()), or set NEO4J_URI, "
                "NEO4J_USER and NEO4J_PASSWORD to use your own server."
            )
        info = found
    return Connection(
        uri=info.uri, user=info.user, password=info.password, database=None, local=True
    )


def driver(conn: Connection | None = None) -> neo4j.Driver:
    """An open driver for ``conn`` (default :func:`connection`), connectivity verified.

    The caller closes it (``with config.driver() as drv: ...``). Driver errors (unreachable
    server, wrong password) propagate unchanged.
    """
    conn = conn if conn is not None else connection()
    drv = neo4j.GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password))
    try:
        drv.verify_connectivity()
    except BaseException:
        drv.close()
        raise
    return drv

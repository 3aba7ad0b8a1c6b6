"""Connection settings: the user's own Neo4j (``NEO4J_URI``) or the local server.

With ``NEO4J_URI`` set, netintel uses that server (Docker, Desktop, Aura, a cluster) with
``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (default: the
server's default database). Without it, netintel uses its own local Neo4j
(:mod:`netintel.server`), starting it when needed.

The same settings can live in a config file (TOML, see :func:`load_settings`); the
environment wins over the file, and the command line's flags win over both::

    [neo4j]
    uri = "neo4j://db.example.org:7687"
    user = "analyst"
    password = "..."        # only in a file nobody else can read (chmod 600)
    database = "cases"

    [defaults.detect]       # default values of command-line options
    seeds = 20
    algorithm = "leiden"
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
from pydantic import BaseModel, ConfigDict, ValidationError

from netintel import server
from netintel.exceptions import ConfigError, ConfigFileError

__all__ = [
    "CONFIG_ENV",
    "Connection",
    "Settings",
    "config_path",
    "connection",
    "defaults_map",
    "driver",
    "load_settings",
]

CONFIG_ENV = "NETINTEL_CONFIG"
"""Environment variable naming the config file (else ``./netintel.toml``, then
``$XDG_CONFIG_HOME/netintel/config.toml``)."""


class Neo4jSettings(BaseModel):
    """The ``[neo4j]`` table of a config file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    uri: str | None = None
    user: str | None = None
    password: str | None = None
    database: str | None = None


class Settings(BaseModel):
    """A config file: ``[neo4j]`` and ``[defaults.<command>]`` tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    neo4j: Neo4jSettings = Neo4jSettings()
    defaults: dict[str, Any] = {}


def config_path() -> Path | None:
    """The config file in use: ``$NETINTEL_CONFIG``, ``./netintel.toml`` or the user's one.

    ``$NETINTEL_CONFIG`` must exist when set (ConfigError); the other two are optional.
    """
    named = os.environ.get(CONFIG_ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigFileError(f"{CONFIG_ENV} names {path}, which is not a file")
        return path
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip()
    user_dir = Path(xdg) if xdg else Path.home() / ".config"
    for candidate in (Path("netintel.toml"), user_dir / "netintel" / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load_settings(path: Path | None = None) -> Settings:
    """Read and check a config file (default: :func:`config_path`; none: empty settings).

    Unknown tables or keys, bad TOML and a password in a file that others can read
    raise :class:`ConfigFileError` naming the file and the key.
    """
    path = path if path is not None else config_path()
    if path is None:
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigFileError(f"{path}: cannot read the config file ({err.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigFileError(f"{path}: not valid TOML ({err})") from None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigFileError(f"{path}: {where}: {first['msg']}") from None
    if settings.neo4j.password is not None and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigFileError(
            f"{path}: holds a Neo4j password but other users can read it; "
            f"run `chmod 600 {path}` (or put the password in NEO4J_PASSWORD instead)"
        )
    return settings


def _setting(env: str, value: str | None) -> str | None:
    return _env(env) or (value.strip() if value else None) or None


def defaults_map(settings: Settings) -> Mapping[str, Any]:
    """The ``[defaults]`` tables with option names as click spells them (``-`` -> ``_``)."""

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k.replace("-", "_"): fix(v) for k, v in value.items()}
        return value

    return fix(settings.defaults)


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

    ``NEO4J_URI`` (or the config file's ``uri``) set: that server; a password must be set
    too (ConfigError).
    Otherwise the local server of ``state_dir`` (default :func:`netintel.server.state_dir`):
    started when ``start_local`` (this can take a while the first time), else it must already
    run (ConfigError).
    """
    file = load_settings().neo4j
    uri = _setting("NEO4J_URI", file.uri)
    if uri is not None:
        password = os.environ.get("NEO4J_PASSWORD", file.password)
        if password is None:
            raise ConfigError(
                f"a Neo4j server is configured ({uri}) but no password; set NEO4J_PASSWORD "
                "(or `password` in the config file), or unset NEO4J_URI to use netintel's "
                "local Neo4j."
            )
        return Connection(
            uri=uri,
            user=_setting("NEO4J_USER", file.user) or "neo4j",
            password=password,
            database=_setting("NEO4J_DATABASE", file.database),
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
    drv = neo4j.GraphDatabase.driver(
        conn.uri,
        auth=(conn.user, conn.password),
        # "label/type/property does not exist" is normal on a graph still being filled
        notifications_disabled_classifications=["UNRECOGNIZED"],
    )
    try:
        drv.verify_connectivity()
    except BaseException:
        drv.close()
        raise
    return drv

"""Connection settings: the user's own Neo4j (``NEO4J_URI``) or the local server.

With ``NEO4J_URI`` set, netintel uses that server (Docker, Desktop, Aura, a cluster) with
``NEO4J_USER`` (default ``neo4j``), ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE`` (default: the
server's default database). Without it, netintel uses its own local Neo4j
(:mod:`netintel.server`), starting it when needed.

The same settings can live in a config file (TOML, see :func:`load_settings`); the
environment wins over the file, and values given to :func:`connection` (the command
line's flags) win over both, without being written into the environment::

    [neo4j]
    uri = "neo4j://db.example.org:7687"
    user = "analyst"
    password = "..."        # only in a file nobody else can read (chmod 600)
    database = "cases"
    read_only = true        # refuse every write (as --read-only, NETINTEL_READ_ONLY=1)

    [defaults.detect]       # default values of command-line options
    seeds = 20
    algorithm = "leiden"
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self, cast

import neo4j
from pydantic import BaseModel, ConfigDict

from netintel import server
from netintel.exceptions import CaseError, ConfigError, ConfigFileError, ReadOnlyError
from netintel.values import validated

__all__ = [
    "CONFIG_ENV",
    "NEO4J_SCHEMES",
    "Connection",
    "Session",
    "Settings",
    "check_uri",
    "config_path",
    "configured_uri",
    "connection",
    "defaults_map",
    "driver",
    "load_settings",
    "open_session",
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
    read_only: bool | None = None
    trusted_ca: str | None = None


class Settings(BaseModel):
    """A config file: ``[neo4j]`` and ``[defaults.<command>]`` tables."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    neo4j: Neo4jSettings = Neo4jSettings()
    defaults: dict[str, Any] = {}


def config_path(given: str | Path | None = None) -> Path | None:
    """The config file in use: ``given``, ``$NETINTEL_CONFIG``, ``./netintel.toml`` or the
    user's one, the first that applies.

    Parameters
    ----------
    given : str, Path or None
        A file named explicitly (``netintel --config FILE``); it wins over
        ``$NETINTEL_CONFIG``.

    Returns
    -------
    Path or None
        None when no file applies. ``given`` and ``$NETINTEL_CONFIG`` must name a file
        (:class:`~netintel.exceptions.ConfigFileError`); the other two are optional.

    Examples
    --------
    >>> config_path("/no/such/netintel.toml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netintel.exceptions.ConfigFileError: --config names /no/such/netintel.toml, which is not a file
    """
    for where, named in (("--config", given), (CONFIG_ENV, _env(CONFIG_ENV))):
        if named is None or not str(named).strip():
            continue
        path = Path(named).expanduser()
        if not path.is_file():
            raise ConfigFileError(f"{where} names {path}, which is not a file")
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

    Parameters
    ----------
    path : pathlib.Path or None, default None
        The config file; None means the one :func:`config_path` finds.

    Returns
    -------
    Settings
        The file's settings; empty settings when there is no config file.

    Raises
    ------
    ConfigFileError
        When the file cannot be read, is not valid TOML, has unknown tables or keys or
        bad values, or holds a password while others can read it.
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
    settings = validated(Settings, data, source=str(path), error=ConfigFileError)
    if settings.neo4j.password is not None and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigFileError(
            f"{path}: holds a Neo4j password but other users can read it; "
            f"run `chmod 600 {path}` (or put the password in NEO4J_PASSWORD instead)"
        )
    return settings


def _layered(given: str | None, env: str, file_value: str | None) -> str | None:
    """``given`` (a flag), else the environment variable ``env``, else the file's value;
    empty or blank values count as not set."""
    for value in (given, _env(env), file_value):
        if value is not None and value.strip():
            return value.strip()
    return None


def _file_neo4j(config: str | Path | None) -> Neo4jSettings:
    """The ``[neo4j]`` table of the config file in use (empty without one)."""
    path = config_path(config)
    return load_settings(path).neo4j if path is not None else Neo4jSettings()


def configured_uri(*, uri: str | None = None, config: str | Path | None = None) -> str | None:
    """The Neo4j server configured: ``uri``, else ``$NEO4J_URI``, else the config file's.

    Parameters
    ----------
    uri : str or None
        A URI given explicitly (``--neo4j-uri``); it wins over the environment.
    config : str, Path or None
        The config file given explicitly (``--config``, see :func:`config_path`).

    Returns
    -------
    str or None
        None when no server is named: netintel then uses its own local Neo4j.

    Examples
    --------
    >>> configured_uri(uri=" bolt://db.example.org:7687 ")
    'bolt://db.example.org:7687'
    """
    file = _file_neo4j(config)
    return _layered(uri, "NEO4J_URI", file.uri)


NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
"""The URI schemes the Neo4j Python driver speaks."""


def check_uri(value: str) -> str:
    """``value`` if its scheme is one of :data:`NEO4J_SCHEMES`, else ValueError.

    Parameters
    ----------
    value : str
        A Neo4j URI such as ``neo4j://localhost:7687``.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ValueError
        When the scheme is missing or unknown, or nothing follows ``://``.

    Examples
    --------
    >>> check_uri("http://localhost:7474")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'http://localhost:7474' is not a Neo4j URI: the scheme must be one of bolt, ...
    """
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in NEO4J_SCHEMES or not rest:
        raise ValueError(
            f"{value!r} is not a Neo4j URI: the scheme must be one of "
            f"{', '.join(NEO4J_SCHEMES)} (e.g. neo4j://localhost:7687)"
        )
    return value


def defaults_map(settings: Settings) -> Mapping[str, Any]:
    """The ``[defaults]`` tables with option names as click spells them (``-`` -> ``_``).

    Parameters
    ----------
    settings : Settings
        Settings as :func:`load_settings` returns them.

    Returns
    -------
    mapping
        The ``[defaults]`` tables, nested as in the file, keys with ``-`` replaced by ``_``.
    """

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k.replace("-", "_"): fix(v) for k, v in value.items()}
        return value

    return fix(settings.defaults)


@dataclass(frozen=True)
class Connection:
    """Where and how to connect. ``local`` is True for netintel's own server; with
    ``read_only``, :func:`driver` opens every transaction in read mode; ``trusted_ca``
    (a PEM file) is the certificate authority a ``bolt+s://`` or ``neo4j+s://`` server's
    certificate must be signed by, instead of the system's."""

    uri: str
    user: str
    password: str = dataclasses.field(repr=False)
    database: str | None
    local: bool
    read_only: bool = False
    trusted_ca: Path | None = None


#: the environment variable naming the certificate authority of a TLS server (PEM)
TRUSTED_CA_ENV = "NEO4J_TRUSTED_CA"


def _trusted_ca(uri: str, value: str | None) -> Path | None:
    """The CA file of a ``+s`` URI, checked (ConfigError); None when not given."""
    if value is None:
        return None
    path = Path(value).expanduser()
    if not uri.split("://", 1)[0].endswith("+s"):
        raise ConfigError(
            f"{TRUSTED_CA_ENV} (trusted_ca) is set but {uri} does not ask for TLS with a "
            "verified certificate: use bolt+s:// or neo4j+s://"
        )
    if not path.is_file():
        raise ConfigError(f"{TRUSTED_CA_ENV} (trusted_ca): no such file: {path}")
    return path


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


#: the environment variable of the read-only mode
READ_ONLY_ENV = "NETINTEL_READ_ONLY"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _read_only_env() -> bool | None:
    """``$NETINTEL_READ_ONLY`` as a flag (None when unset or empty); ConfigError if unclear."""
    value = (_env(READ_ONLY_ENV) or "").lower()
    if not value:
        return None
    if value in _TRUE + _FALSE:
        return value in _TRUE
    raise ConfigError(
        f"{READ_ONLY_ENV}={os.environ[READ_ONLY_ENV]!r}: use 1 (read-only) or 0 (not)"
    )


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def connection(
    *,
    case: str | None = None,
    uri: str | None = None,
    user: str | None = None,
    database: str | None = None,
    config: str | Path | None = None,
    start_local: bool = True,
    state_dir: Path | None = None,
    notice: Callable[[str], None] | None = _notice,
    read_only: bool | None = None,
) -> Connection:
    """The connection settings netintel uses.

    Each setting is layered: a value given here (the command line's flag) wins over its
    environment variable, which wins over the config file, which wins over the default.
    Nothing is written into the environment.

    ``NEO4J_URI`` (or the config file's ``uri``) set: that server; a password must be set
    too (ConfigError). A case (``case`` or ``$NETINTEL_CASE``) names a local state folder,
    so naming one as well is a :class:`~netintel.exceptions.CaseError`: on your own server,
    ``NEO4J_DATABASE`` picks the database.

    Otherwise the local server of ``case`` (default ``$NETINTEL_CASE``, else ``default``;
    see :func:`netintel.server.case_dir`), or of ``state_dir`` when given. It is started when
    ``start_local`` (this can take a while; ``notice`` is first told, in one line, which case
    it starts: by default on stderr, ``None`` says nothing), else it must already run
    (ConfigError).

    Parameters
    ----------
    case : str or None
        The local case (``--case``), else ``$NETINTEL_CASE``, else ``default``.
    uri, user, database : str or None
        The server, login and database (``--neo4j-uri``, ``--neo4j-user``,
        ``--neo4j-database``), else ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_DATABASE``,
        else the config file's ``[neo4j]`` table.
    config : str, Path or None
        The config file (``--config``), else the one :func:`config_path` finds.
    start_local : bool
        Start the local server when it does not run.
    state_dir : Path or None
        A local state folder instead of the case's.
    notice : callable or None
        Told, in one line, which local server is being started.
    read_only : bool or None
        Refuse every write (``--read-only``); None: ``$NETINTEL_READ_ONLY``, else the
        config file's ``read_only``, else False.

    Returns
    -------
    Connection
    """
    file = _file_neo4j(config)
    if read_only is None:
        read_only = _read_only_env()
    if read_only is None:
        read_only = bool(file.read_only)
    uri = _layered(uri, "NEO4J_URI", file.uri)
    named = case if case is not None else _env(server.CASE_ENV)
    if named is not None:
        server.check_case_name(named)
    if uri is not None:
        try:
            check_uri(uri)
        except ValueError as err:
            raise ConfigError(f"NEO4J_URI: {err}") from None
        if named is not None:
            raise CaseError(
                f"case {named!r} names a local netintel database, but NEO4J_URI is set "
                f"({uri}); on your own server pick the database with NEO4J_DATABASE "
                "(--neo4j-database), or unset NEO4J_URI to use the local case"
            )
        password = os.environ.get("NEO4J_PASSWORD", file.password)
        if password is None:
            raise ConfigError(
                f"a Neo4j server is configured ({uri}) but no password; set NEO4J_PASSWORD "
                "(or `password` in the config file), or unset NEO4J_URI to use netintel's "
                "local Neo4j."
            )
        return Connection(
            uri=uri,
            user=_layered(user, "NEO4J_USER", file.user) or "neo4j",
            password=password,
            database=_layered(database, "NEO4J_DATABASE", file.database),
            local=False,
            read_only=read_only,
            trusted_ca=_trusted_ca(uri, _layered(None, TRUSTED_CA_ENV, file.trusted_ca)),
        )
    name = named or server.DEFAULT_CASE
    folder = state_dir if state_dir is not None else server.case_dir(name)
    found = server.status(state_dir=folder)
    if found is None and start_local:
        if notice is not None:
            what = f"case {name}" if state_dir is None else f"state folder {folder}"
            notice(f"starting netintel's local Neo4j for {what} (this can take a minute) ...")
        found = server.start(state_dir=folder)
    if found is None:
        raise ConfigError(
            f"NEO4J_URI is not set and netintel's local Neo4j of case {name} is not running; "
            "start it with `netintel db start` (or netintel.server.start()), or set "
            "NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD to use your own server."
        )
    return Connection(
        uri=found.uri,
        user=found.user,
        password=found.password,
        database=None,
        local=True,
        read_only=read_only,
    )


def driver(conn: Connection | None = None) -> neo4j.Driver:
    """An open driver for ``conn`` (default :func:`connection`), connectivity verified.

    The caller closes it (``with config.driver() as drv: ...``). Driver errors (unreachable
    server, wrong password) propagate unchanged.

    Parameters
    ----------
    conn : Connection or None, default None
        Where and how to connect; None means :func:`connection` with its defaults
        (which may start the local server).

    Returns
    -------
    neo4j.Driver
        The open driver; with ``conn.read_only``, one whose every session and query
        runs in read mode, so that the server itself refuses a write (raised as
        :class:`~netintel.exceptions.ReadOnlyError`).
    """
    conn = conn if conn is not None else connection()
    uri, trusted = conn.uri, conn.trusted_ca
    if trusted is not None:
        # the driver takes a custom CA only with a plain scheme and explicit encryption
        scheme, rest = uri.split("://", 1)
        uri = f"{scheme.removesuffix('+s')}://{rest}"
    drv = (
        neo4j.GraphDatabase.driver(
            uri,
            auth=(conn.user, conn.password),
            notifications_disabled_classifications=_QUIET,
            encrypted=True,
            trusted_certificates=neo4j.TrustCustomCAs(str(trusted)),
        )
        if trusted is not None
        else neo4j.GraphDatabase.driver(
            uri, auth=(conn.user, conn.password), notifications_disabled_classifications=_QUIET
        )
    )
    try:
        drv.verify_connectivity()
    except BaseException:
        drv.close()
        raise
    return cast(neo4j.Driver, _ReadOnlyDriver(drv)) if conn.read_only else drv


#: "label/type/property does not exist" is normal on a graph still being filled
_QUIET = [neo4j.NotificationDisabledClassification.UNRECOGNIZED]

_ACCESS_MODE = "Neo.ClientError.Statement.AccessMode"


@contextlib.contextmanager
def _refused() -> Iterator[None]:
    """The server's "writing in read access mode" error as a ReadOnlyError."""
    try:
        yield
    except neo4j.exceptions.ClientError as err:
        if err.code != _ACCESS_MODE:
            raise
        raise ReadOnlyError() from None


class _Wrapped:
    """A driver or session standing in for ``inner``: closed with it, the rest passed on."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _ReadOnlySession(_Wrapped):
    """A driver session whose transactions all run in read mode (writes included)."""

    def execute_read(self, work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with _refused():
            return self._inner.execute_read(work, *args, **kwargs)

    execute_write = execute_read  # in read mode: the server refuses what writes

    def run(self, *args: Any, **kwargs: Any) -> Any:
        with _refused():
            return self._inner.run(*args, **kwargs)


class _ReadOnlyDriver(_Wrapped):
    """A :class:`neo4j.Driver` whose sessions and queries all run in read mode."""

    #: what writers that bypass the driver (the bulk importer) check
    read_only = True

    def session(self, **config: Any) -> _ReadOnlySession:
        config["default_access_mode"] = neo4j.READ_ACCESS
        return _ReadOnlySession(self._inner.session(**config))

    def execute_query(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["routing_"] = neo4j.RoutingControl.READ
        with _refused():
            return self._inner.execute_query(*args, **kwargs)


@dataclass(frozen=True)
class Session:
    """An open driver and the database to use on it: what a command works with.

    Attributes
    ----------
    driver : neo4j.Driver
        Open, connectivity verified; closed when :func:`open_session` ends.
    database : str or None
        The database name (None: the server's default database).
    connection : Connection
        The settings the driver was opened with.
    """

    driver: neo4j.Driver
    database: str | None
    connection: Connection


@contextlib.contextmanager
def open_session(conn: Connection | None = None) -> Iterator[Session]:
    """A :class:`Session` on ``conn`` (default :func:`connection`), its driver closed on exit.

    Parameters
    ----------
    conn : Connection or None
        Where to connect; by default the server the environment and config file name
        (or the local case's, started when needed).

    Returns
    -------
    contextlib.AbstractContextManager of Session
        ``with open_session() as s: graph_summary(s.driver, database=s.database)``.
    """
    conn = conn if conn is not None else connection()
    with driver(conn) as drv:
        yield Session(drv, conn.database, conn)

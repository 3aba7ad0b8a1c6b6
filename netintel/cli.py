"""The ``netintel`` command: a thin shell over the public API.

Exit codes: 0 success; 2 bad input or usage (a file, mapping or option is
wrong); 3 the database cannot be reached or refused the login; 4 ``--strict``
ingest finished with rejected rows; 1 anything unexpected.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click
import neo4j.exceptions
import yaml

from netintel import __version__
from netintel.clitypes import (
    CASE,
    DASK_SCHEDULER,
    DATE_TIME,
    DURATION,
    JAVA_SIZE,
    NEO4J_URI,
    PHONE_REGION,
    TIME_ZONE,
)
from netintel.exceptions import (
    CaseError,
    ClearRefusedError,
    ConfigError,
    ConfigFileError,
    NetintelError,
    ServerError,
    UnknownIdError,
)

if TYPE_CHECKING:
    from netintel.config import Connection, Session
    from netintel.viz.network import MapNetwork

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT, EXIT_DB, EXIT_REJECTS, EXIT_BUG = 2, 3, 4, 1


def _fail(message: str, code: int) -> None:
    click.echo(f"netintel: error: {message}", err=True)
    sys.exit(code)


def _explained(err: Exception) -> tuple[str, int] | None:
    """The one line and the exit code of an error the user can act on (None: a bug)."""
    if isinstance(err, ConfigFileError | CaseError):
        return str(err), EXIT_INPUT
    if isinstance(err, ClearRefusedError):
        shown = ", ".join(err.run_ids[:3]) + (
            f" and {len(err.run_ids) - 3} more" if len(err.run_ids) > 3 else ""
        )
        remote = _flags().uri or os.environ.get("NEO4J_URI")
        where = "the graph" if remote else f"case {_case_name()}"
        return (
            f"{where} holds {len(err.run_ids)} ingest run(s) ({shown}); nothing was "
            "deleted; to delete them too: netintel db clear --yes --force"
        ), EXIT_INPUT
    if isinstance(err, ConfigError | ServerError):
        return str(err), EXIT_DB
    if isinstance(err, NetintelError):
        return str(err), EXIT_INPUT
    if isinstance(err, neo4j.exceptions.AuthError):
        return (
            f"the database refused the login ({err.message}); check NEO4J_USER and NEO4J_PASSWORD"
        ), EXIT_DB
    if isinstance(err, neo4j.exceptions.ServiceUnavailable):
        return f"cannot reach the database: {err}; is it running? (netintel db status)", EXIT_DB
    if isinstance(err, neo4j.exceptions.Neo4jError):
        return f"the database reported {err.code}: {err.message}", EXIT_DB
    if isinstance(err, ValueError):  # the public API's answer to a bad argument (an unknown id)
        return str(err), EXIT_INPUT
    return None


@dataclasses.dataclass
class _Audited:
    """The audit event of the running command: its record and the connection it opened."""

    rec: Any
    connection: Connection | None = None


_AUDIT: contextvars.ContextVar[_Audited | None] = contextvars.ContextVar("audit", default=None)

#: option types whose values are not personal (paths, numbers, flags, choices, and the
#: checked types of clitypes); any other value (free text, names, ids, phones) is hashed
_CLEAR_TYPES = (
    click.Path,
    click.File,
    click.types.IntParamType,
    click.types.FloatParamType,
    click.types.BoolParamType,
    click.Choice,
    click.DateTime,
)


def _personal(command: click.Command) -> list[str]:
    """The parameters of ``command`` whose values the audit log hashes."""
    clear = {id(t) for t in (CASE, DASK_SCHEDULER, DATE_TIME, DURATION, JAVA_SIZE, PHONE_REGION)}
    clear.add(id(TIME_ZONE))
    return [
        p.name
        for p in command.params
        if p.name and not isinstance(p.type, _CLEAR_TYPES) and id(p.type) not in clear
    ]


def _command_name(ctx: click.Context) -> str:
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(["netintel", *reversed(names)])


def _count(n: int) -> None:
    """Tell the audit event of the running command how many records it handled."""
    current = _AUDIT.get()
    if current is not None:
        current.rec.count = int(n)


def _audit_node(current: _Audited, log: Path) -> None:
    """Write the finished event as an AuditEvent node, when the command used a database
    that may be written; a failure is said on stderr (the log line is kept)."""
    from netintel.audit import write_node_or_warn
    from netintel.config import driver

    conn, event = current.connection, current.rec.event
    if conn is None or event is None or conn.read_only:
        return
    write_node_or_warn(lambda: driver(conn), event, conn.database, log)


def _audit_log() -> Path:
    """The audit log of the case the command runs in (``--case``, else ``$NETINTEL_CASE``);
    a case name that is not valid (the command says so) falls back to the default case's."""
    from netintel import server
    from netintel.audit import LOG_NAME, log_path

    try:
        return log_path(_case_name())
    except CaseError:
        return server.state_dir() / LOG_NAME


def _boundary(fn: F) -> F:
    """Turn errors into one clear line and a meaningful exit code (trace with --debug), and
    record the command in the audit log (:mod:`netintel.audit`)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        if isinstance(ctx.command, click.Group) or _AUDIT.get() is not None:
            return _explaining(fn, args, kwargs, debug, None)
        from netintel.audit import audited

        root = ctx.find_root()
        log = _audit_log()
        params = {k: v for k, v in root.params.items() if k != "debug"}
        params.update(ctx.params)
        personal = _personal(root.command) + _personal(ctx.command)
        current = _Audited(None)
        try:
            with audited(_command_name(ctx), params, personal=personal, log=log) as rec:
                current.rec = rec
                token = _AUDIT.set(current)
                try:
                    return _explaining(fn, args, kwargs, debug, rec)
                finally:
                    _AUDIT.reset(token)
        finally:
            _audit_node(current, log)

    return wrapper  # type: ignore[return-value]


def _refused_name(err: click.UsageError, log: Path, typed: str | None) -> str | None:
    """What click refused, as the log records it: an option or argument of the command by
    its name (``--batch-size``); an unknown option or command, typed by the user, hashed."""
    from netintel.audit import hash_value

    param = getattr(err, "param", None)
    if isinstance(param, click.Parameter):
        return param.opts[0] if param.opts else param.name
    if isinstance(err, click.BadOptionUsage):  # a known option used wrongly
        return err.option_name
    typed = typed or getattr(err, "option_name", None)
    return hash_value(typed, log) if typed else None


def _audit_refused(ctx: click.Context, err: click.UsageError, typed: str | None = None) -> None:
    """Record a command line click refused before the command ran (a bad or missing value, an
    unknown option or command): status ``error``, the error's class, exit 2, the parameters
    click had read (hashed as a command's are) and what it refused. A failure to record is
    said on stderr: the user still gets click's one line."""
    from netintel.audit import record

    try:
        log = _audit_log()
        root = ctx.find_root()
        params = {k: v for k, v in root.params.items() if k != "debug"}
        personal = _personal(root.command)
        if ctx is not root:
            params.update(ctx.params)
            personal += _personal(ctx.command)
        params["refused"] = _refused_name(err, log, typed)
        record(
            _command_name(ctx), params, personal=personal, status="error",
            error=type(err).__name__, exit_code=err.exit_code, log=log,
        )  # fmt: skip
    except Exception as failure:  # the usage error is what the user must see
        click.echo(
            f"netintel: warning: the refused command line is not in the audit log "
            f"({type(failure).__name__}: {failure})",
            err=True,
        )


class _AuditedParse:
    """A click command or group whose refused command line is recorded in the audit log
    (:func:`_audit_refused`) before click prints its one line and exits 2; ``--help`` on a
    group given no arguments is no mistake, and not recorded."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)  # type: ignore[misc]
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as err:
            _audit_refused(err.ctx or ctx, err)
            raise


class _Command(_AuditedParse, click.Command):
    """A command of ``netintel`` (see :class:`_AuditedParse`)."""


class _Group(_AuditedParse, click.Group):
    """A group of ``netintel``: its commands and groups are audited the same way."""

    command_class = _Command
    group_class = type

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as err:  # no such command
            _audit_refused(ctx, err, args[0] if args else None)
            raise


def _explaining(
    fn: Callable[..., Any], args: Any, kwargs: dict[str, Any], debug: bool, rec: Any
) -> Any:
    """``fn(*args, **kwargs)``, an error explained in one line and an exit code (``rec``,
    the audit record, told the error's class)."""
    try:
        return fn(*args, **kwargs)
    except Exception as err:
        explained = _explained(err)
        if rec is not None:
            rec.error = type(err).__name__
        if explained is None:
            raise
        if debug:
            traceback.print_exc()
        _fail(*explained)


def _check_defaults(command: click.Command, table: Any, where: str, file: Path | None) -> None:
    """Every key of a ``[defaults]`` table names a command or one of its options."""
    if not isinstance(table, dict):
        raise ConfigFileError(f"{file}: {where} must be a table of option values")
    # the root's own options are read before the file's defaults apply: only commands there
    names = set() if command is cli else {p.name for p in command.params}
    for key, value in table.items():
        here = f"{where}.{key}"
        if isinstance(command, click.Group) and key in command.commands:
            _check_defaults(command.commands[key], value, here, file)
        elif key not in names or key in ("help", "debug", "config"):
            known = sorted(
                {n for n in names if n not in ("help", "debug", "config") and n}
                | set(getattr(command, "commands", {}))
            )
            raise ConfigFileError(
                f"{file}: {here}: `{command.name}` has no option or command {key!r} "
                f"(known: {', '.join(known)})"
            )


PHONE_REGION_ENV = "NETINTEL_PHONE_REGION"


@dataclasses.dataclass(frozen=True)
class _Flags:
    """The root options as given on the command line (None: not given).

    Each wins over its environment variable, which wins over the config file: the
    layering is done where a setting is read (:func:`netintel.config.connection`), so
    nothing is written into ``os.environ``.
    """

    config: Path | None = None
    uri: str | None = None
    user: str | None = None
    database: str | None = None
    case: str | None = None
    phone_region: str | None = None
    read_only: bool | None = None

    def case_name(self) -> str:
        """The local case: ``--case``, else ``$NETINTEL_CASE`` (checked), else ``default``."""
        from netintel import server

        return self.case or server.current_case()

    def region(self) -> str | None:
        """Region of national phone numbers: ``--phone-region``, else the environment's."""
        return self.phone_region or os.environ.get(PHONE_REGION_ENV) or None

    def connection(self, *, case: str | None = None) -> Connection:
        """:func:`netintel.config.connection` with these flags (``case`` instead of --case)."""
        from netintel.config import connection

        return connection(
            case=case or self.case,
            uri=self.uri,
            user=self.user,
            database=self.database,
            config=self.config,
            read_only=self.read_only,
        )


def _flags() -> _Flags:
    """The root options of the running command (none given outside a command line)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().obj if ctx is not None else None
    return found if isinstance(found, _Flags) else _Flags()


def _case_name() -> str:
    return _flags().case_name()


@contextlib.contextmanager
def _session() -> Iterator[Session]:
    """The database the flags, the environment and the config file name, opened once:
    a :class:`netintel.config.Session` (driver and database name), closed on exit."""
    from netintel.config import open_session

    with open_session(_flags().connection()) as session:
        current = _AUDIT.get()
        if current is not None:
            current.connection = session.connection
        yield session


def _configure(ctx: click.Context, flags: _Flags) -> None:
    """Keep the root options for the commands below and apply the config file's defaults."""
    from netintel.config import config_path, defaults_map, load_settings

    ctx.obj = flags
    if flags.case is None:
        flags.case_name()  # NETINTEL_CASE checked as --case is
    path = config_path(flags.config)
    settings = load_settings(path)
    table = defaults_map(settings)
    if table:
        _check_defaults(cli, table, "defaults", path)
        ctx.default_map = dict(table)


def _whole(
    name: str, default: int, help: str | None = None, *, minimum: int = 1
) -> Callable[[F], F]:
    """An integer option of at least ``minimum``, its default shown in --help."""
    return click.option(
        name, type=click.IntRange(min=minimum), default=default, show_default=True, help=help
    )


def _seed(help: str | None = None) -> Callable[[F], F]:
    """The ``--seed`` option: an integer from 0, default 0."""
    return _whole("--seed", 0, help, minimum=0)


def _choice(
    name: str, choices: Sequence[str], default: str, help: str | None = None
) -> Callable[[F], F]:
    """An option that takes one of ``choices``, its default shown in --help."""
    return click.option(
        name, type=click.Choice(choices), default=default, show_default=True, help=help
    )


def _stack(*options: Callable[[F], F]) -> Callable[[F], F]:
    """Several options as one decorator, listed by --help in the order given."""

    def apply(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def _out_file(help: str | None, default: str | None = None) -> Callable[[F], F]:
    """An ``--out`` option naming an output file."""
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=default,
        show_default=default is not None,
        help=help,
    )


def _out_dir(default: str | None, help: str | None) -> Callable[[F], F]:
    """An ``--out`` option naming an output folder."""
    return click.option(
        "--out",
        default=default,
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help=help,
    )


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netintel")
@click.option("--debug", is_flag=True, help="Show the full trace of an error.")
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Config file (TOML; default $NETINTEL_CONFIG, ./netintel.toml, "
    "~/.config/netintel/config.toml).",
)
@click.option(
    "--case",
    type=CASE,
    metavar="NAME",
    help="The local case (its own database and server) [default: $NETINTEL_CASE, else default].",
)
@click.option(
    "--phone-region",
    type=PHONE_REGION,
    metavar="CC",
    help="Region of national phone numbers given on the command line "
    "[default: $NETINTEL_PHONE_REGION, else the region of the case's last ingest].",
)
@click.option(
    "--neo4j-uri",
    type=NEO4J_URI,
    metavar="URI",
    help="Use this Neo4j server (overrides NEO4J_URI).",
)
@click.option("--neo4j-user", metavar="USER", help="Overrides NEO4J_USER.")
@click.option("--neo4j-database", metavar="NAME", help="Overrides NEO4J_DATABASE.")
@click.option(
    "--read-only",
    is_flag=True,
    default=None,
    help="Refuse every write to the database: every transaction runs in read mode "
    "[default: $NETINTEL_READ_ONLY, else the config file's read_only].",
)
@click.pass_context
@_boundary
def cli(
    ctx: click.Context,
    debug: bool,
    config: Path | None,
    case: str | None,
    phone_region: str | None,
    neo4j_uri: str | None,
    neo4j_user: str | None,
    neo4j_database: str | None,
    read_only: bool | None,
) -> None:
    """Graph-based criminal network analysis on Neo4j.

    The database is the one named by NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD
    (and NEO4J_DATABASE), by the --neo4j-* options, or by the [neo4j] table
    of a config file; without any, netintel uses its own local Neo4j 5.26
    Community on 127.0.0.1, one per case (--case, NETINTEL_CASE; see
    `netintel db list`), started when needed. Flags win over the environment,
    the environment over the file. The file's [defaults.<command>] tables set
    option defaults (see docs/config.md).

    \b
    Example:
      netintel --case fraud-2024 db start
      netintel --case fraud-2024 ingest data/ --mapping data/mapping.yaml
      netintel --case fraud-2024 summary
      netintel --config team.toml detect --algorithm leiden
    """
    flags = _Flags(
        config=config,
        uri=neo4j_uri or None,
        user=neo4j_user or None,
        database=neo4j_database or None,
        case=case or None,
        phone_region=phone_region or None,
        read_only=read_only or None,
    )
    _configure(ctx, flags)


# ----------------------------------------------------------------------------- db


@cli.group()
def db() -> None:
    """The local Neo4j of each case: start, stop, inspect, list, clear.

    Every command works on the current case (netintel --case NAME, or
    NETINTEL_CASE; else the case `default`). `db clear` also works on your own
    server (NEO4J_URI).
    """


def _progress(message: str) -> None:
    click.echo(message, err=True)


@db.command("prepare")
@_boundary
def db_prepare() -> None:
    """Resolve the Neo4j jars from Maven Central and compile the launcher (once).

    \b
    Example:
      netintel db prepare
    """
    from netintel import server

    path = server.ensure_runtime(progress=_progress)
    click.echo(f"Neo4j runtime ready in {path}")


@db.command("start")
@click.option("--heap", type=JAVA_SIZE, default="1g", show_default=True, help="Java heap.")
@click.option(
    "--page-cache", type=JAVA_SIZE, default="512m", show_default=True, help="Neo4j page cache."
)
@_boundary
def db_start(heap: str, page_cache: str) -> None:
    """Start the local Neo4j of the case (returns when Bolt answers).

    \b
    Example:
      netintel db start --heap 2g --page-cache 1g
      netintel --case fraud-2024 db start
    """
    from netintel import server

    case = _case_name()
    folder = server.case_dir(case)
    if server.status(state_dir=folder) is None:
        _progress(f"starting netintel's local Neo4j for case {case} ...")
    info = server.start(state_dir=folder, heap=heap, page_cache=page_cache, progress=_progress)
    click.echo(f"case {case} running: {info.uri} (pid {info.pid}, data {info.data_dir})")


@db.command("stop")
@_boundary
def db_stop() -> None:
    """Stop the local Neo4j of the case cleanly.

    \b
    Example:
      netintel db stop
      netintel --case fraud-2024 db stop
    """
    from netintel import server

    case = _case_name()
    stopped = server.stop(state_dir=server.case_dir(case))
    click.echo(f"case {case}: " + ("stopped" if stopped else "not running"))


@db.command("status")
@_boundary
def db_status() -> None:
    """Show URI, PID and store size of the case's local Neo4j (exit 3 when not running).

    \b
    Example:
      netintel db status
    """
    from netintel import server

    case = _case_name()
    info = server.status(state_dir=server.case_dir(case))
    if info is None:
        click.echo(f"case {case}: not running")
        sys.exit(EXIT_DB)
    size = server.store_size(info)
    click.echo(
        f"case: {case}\nrunning: {info.uri}\npid: {info.pid}\ndata: {info.data_dir}\n"
        f"store size: {size / 1e6:.1f} MB\nversion: Neo4j {info.neo4j_version}"
    )


@db.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_boundary
def db_list(as_json: bool) -> None:
    """Every local case: whether its server runs, its port and (if running) what it holds.

    Counting never starts a server. The current case is marked with `*`.

    \b
    Example:
      netintel db list
    """
    from netintel import server
    from netintel.config import Connection, open_session
    from netintel.db import run_query

    current = _case_name()
    rows = []
    for name in server.cases():
        info = server.status(state_dir=server.case_dir(name))
        row: dict[str, Any] = {
            "case": name,
            "current": name == current,
            "running": info is not None,
            "port": None,
            "nodes": None,
            "ingest_runs": None,
            "folder": str(server.case_dir(name)),
        }
        if info is not None:
            row["port"] = int(info.uri.rsplit(":", 1)[1])
            conn = Connection(info.uri, info.user, info.password, None, local=True)
            with open_session(conn) as db:
                (counts,) = run_query(db.driver, "node_count", database=db.database)
            row.update(nodes=counts["nodes"], ingest_runs=counts["ingest_runs"])
        rows.append(row)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        mark = "*" if row["current"] else " "
        if row["running"]:
            state = (
                f"running on port {row['port']}, {row['nodes']:,} nodes, "
                f"{row['ingest_runs']} ingest run(s)"
            )
        else:
            state = "stopped"
        click.echo(f"{mark} {row['case']}: {state} ({row['folder']})")


@db.command("clear")
@click.option("--yes", "-y", is_flag=True, help="Do not ask.")
@click.option("--force", is_flag=True, help="Also when the graph holds ingest runs.")
@_boundary
def db_clear(yes: bool, force: bool) -> None:
    """Delete every node and relationship of the current case (constraints stay).

    A graph that holds ingest runs is cleared only with --force. Without --yes
    the command asks (and refuses when it cannot ask).

    \b
    Example:
      netintel db clear --yes
      netintel --case scratch db clear --yes --force
    """
    from netintel.config import open_session
    from netintel.db import clear_graph

    conn = _flags().connection()
    where = (
        f"case {_case_name()}"
        if conn.local
        else f"{conn.uri} ({conn.database or 'default database'})"
    )
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError(f"clearing {where} needs --yes (no terminal to ask on)")
        click.confirm(f"delete every node and relationship of {where}?", abort=True, err=True)
    with open_session(conn) as db:
        clear_graph(db.driver, force=force, database=db.database)
    click.echo(f"cleared {where}")


# ------------------------------------------------------------------------- ingest


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--mapping",
    "-m",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML mapping of source columns onto the schema (docs/mapping.md).",
)
@click.option(
    "--reject-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where reject files go [default: rejects/ beside the input].",
)
@click.option(
    "--region", type=PHONE_REGION, help="Default phone region for national numbers, e.g. GB, CN."
)
@click.option(
    "--timezone",
    type=TIME_ZONE,
    help="Zone of date-times that carry no offset [default: the mapping's, else UTC].",
)
@_whole("--batch-size", 10_000, "Rows per transaction.")
@click.option("--strict", is_flag=True, help="Exit with code 4 when any row was rejected.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Read, validate and report (rejects written) without a database: nothing is written.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
# --bulk (issue #18): Neo4j's offline importer into an empty local case
@click.option(
    "--bulk",
    is_flag=True,
    help="Into an empty local case only: the same checks, then Neo4j's offline importer "
    "(the case's server is stopped meanwhile). Much faster for large files.",
)
@click.option(
    "--lock-timeout",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Seconds to wait while another ingest writes into the database.",
)
@click.option(
    "--break-lock",
    is_flag=True,
    help="Delete the ingest lock left by an ingest that crashed, then ingest.",
)
@click.option(
    "--file-timeout",
    type=click.FloatRange(min=0, max=1e9),
    metavar="SECONDS",
    help="Seconds reading and checking one file may take, each pass; 0 = no bound "
    "[default: the mapping's file_timeout, else 1800].",
)
@_boundary
def ingest_cmd(
    paths: tuple[Path, ...],
    mapping: Path | None,
    reject_dir: Path | None,
    region: str | None,
    timezone: str | None,
    batch_size: int,
    strict: bool,
    check_only: bool,
    as_json: bool,
    quiet: bool,
    bulk: bool,
    lock_timeout: float,
    break_lock: bool,
    file_timeout: float | None,
) -> None:
    """Load record files (CSV, TSV, Excel workbooks) into Neo4j, validated, with provenance.

    Files (and workbook sheets) are named after their record type (calls.csv,
    persons.xlsx, ...; see docs/input-format.md) or described in a mapping file. Every
    row is loaded or written to a reject file with its reason; re-running never
    duplicates. Files and sheets that match nothing are reported as skipped, and every
    warning goes to stderr. --check does all of it without touching a database.

    \b
    Example:
      netintel ingest ../shared/data/vast2008_mc3_cdr/cdr.csv \\
          --mapping docs/examples/vast2008.mapping.yaml
      netintel ingest case/ --mapping case.yaml --check --json --strict
      netintel --case season-2026 ingest calls/ --bulk
    """
    from netintel.ingest import check, ingest

    if bulk and check_only:
        raise click.UsageError("--bulk and --check exclude each other")
    flags = _flags()
    if bulk:
        from netintel.ingest.bulk import refuse_remote

        refuse_remote(flags.uri, config=flags.config)  # before a server is started or reached
    if check_only:
        report = check(
            list(paths),
            mapping=mapping,
            reject_dir=reject_dir,
            phone_region=region,
            timezone=timezone,
            progress=not quiet,
            file_timeout=file_timeout,
        )
    else:
        from netintel import server
        from netintel.ingest import load_mapping
        from netintel.ingest.mapping import IngestMapping
        from netintel.ingest.prepare import options_for

        # the options are checked before a server is started or reached
        options_for(
            load_mapping(mapping) if mapping else IngestMapping(),
            timezone=timezone,
            phone_region=region,
            where=f"the mapping {mapping}",
        )
        with _session() as db:
            report = ingest(
                list(paths),
                driver=db.driver,
                mapping=mapping,
                reject_dir=reject_dir,
                phone_region=region,
                timezone=timezone,
                batch_size=batch_size,
                database=db.database,
                progress=not quiet,
                bulk=bulk,
                state_dir=server.case_dir(flags.case_name()) if bulk else None,
                lock_timeout=lock_timeout,
                break_lock=break_lock,
                file_timeout=file_timeout,
            )
    _count(report.rows_loaded)
    click.echo(report.to_json() if as_json else str(report))
    for s in report.skipped:
        click.echo(f"warning: skipped {s}", err=True)
    for f in report.files:
        for w in f.warnings:
            click.echo(f"warning: {w}", err=True)
    if strict and report.rows_rejected:
        sys.exit(EXIT_REJECTS)


# ------------------------------------------------------------------------ predict


def _projection_options(fn: F) -> F:
    """The options that pick the network to analyse (as `netintel map` reads it)."""
    from netintel.projection import PROJECTIONS

    options = [
        _choice(
            "--projection",
            sorted(PROJECTIONS),
            "person_calls",
            "Which network to read from the database.",
        ),
        click.option(
            "--since", type=DATE_TIME, help="Only records at or after this time (ISO 8601)."
        ),
        click.option("--until", type=DATE_TIME, help="Only records before this time (ISO 8601)."),
        click.option("--region", multiple=True, help="Only records of this region (repeat)."),
    ]
    return _stack(*options)(fn)


@dataclasses.dataclass
class _Shown:
    """A table to print and save as CSV, and the whole result for JSON (see ``_emit``)."""

    frame: Any
    result: Any

    def to_frame(self) -> Any:
        return self.frame

    def to_json(self, *, indent: int | None = None) -> str:
        return str(self.result.to_json(indent=indent))


def _named(ids: Any, names: dict[Any, str]) -> str:
    """``"P2 (Ann); P3"``: ids with the names of those who have one."""
    return "; ".join(f"{i} ({names[i]})" if names.get(i) else str(i) for i in ids)


def _predict_options(fn: F) -> F:
    from netintel.algorithms import LINK_METHODS

    options = [
        _choice("--method", LINK_METHODS, "katz", "How pairs are scored."),
        _whole("--k", 20, "Candidate links listed (and the cut of precision@k)."),
        click.option(
            "--max-hops",
            type=click.IntRange(2, 3),
            default=3,
            show_default=True,
            help="Candidates are unlinked pairs at most this many hops apart.",
        ),
        click.option(
            "--holdout",
            type=click.FloatRange(0, 1, min_open=True, max_open=True),
            help="Hide this share of the links and report every method's AUC and precision@k.",
        ),
        _whole("--repeats", 1, "Holdout splits (with --holdout)."),
        click.option(
            "--katz-alpha",
            type=click.FloatRange(0, min_open=True),
            help="Katz attenuation (default 0.1, lowered when it does not converge).",
        ),
        _seed("Holdout seed."),
        click.option(
            "--write",
            is_flag=True,
            help="Store the candidates as PREDICTED links of an analysis run (people only).",
        ),
        click.option("--run-id", help="The run to store them in (its earlier ones are replaced)."),
    ]
    return _projection_options(_stack(*options)(fn))


@cli.command("predict")
@_predict_options
@_out_file("Save the candidate links (.csv) or everything, evaluation included (.json).")
@_boundary
def predict_cmd(
    method: str,
    k: int,
    max_hops: int,
    holdout: float | None,
    repeats: int,
    katz_alpha: float | None,
    seed: int,
    projection: str,
    since: str | None,
    until: str | None,
    region: tuple[str, ...],
    write: bool,
    run_id: str | None,
    out: Path | None,
) -> None:
    """Missing links the network suggests, as hypotheses, with the evidence for each.

    Lists the best K unlinked pairs by METHOD with their common contacts and a
    shortest path; --holdout hides a share of the known links and reports, per
    method, the AUC and precision@k on them (how far to trust the list). --write
    stores the list as (:Person)-[:PREDICTED {method, score, run}]->(:Person),
    which no projection or path search follows. --out saves the list (.csv) or
    everything (.json).

    \b
    Example:
      netintel predict --method katz --k 20 --holdout 0.1 --repeats 5
      netintel predict --method adamic_adar --write --out out/predicted.csv
    """
    from netintel.algorithms import predict_links
    from netintel.predicted import write_predictions

    if run_id is not None and not write:
        raise click.UsageError("--run-id is for --write")
    if holdout is None and repeats != 1:
        raise click.BadParameter("needs --holdout", param_hint="--repeats")
    net = _load_network(projection, since, until, region, "none", "none", seed)
    if write and net.label != "Person":
        raise click.BadParameter(
            f"predicted links are stored between people; {projection} links {net.label} nodes",
            param_hint="--write",
        )
    result = predict_links(
        net.graph,
        method,
        k=k,
        max_hops=max_hops,
        holdout=holdout,
        repeats=repeats,
        katz_alpha=katz_alpha,
        seed=seed,
    )
    names = {n: str(d["name"]) for n, d in net.graph.nodes(data=True) if d.get("name")}
    frame = result.to_frame().drop(columns=["path"])
    frame["common_contacts"] = [_named(c, names) for c in frame["common_contacts"]]
    frame["path"] = [_named(p, names) for p in result.table["path"]]
    frame[["u_name", "v_name"]] = frame[["u_name", "v_name"]].fillna("")
    if result.evaluation is not None:
        shown = result.evaluation.drop(columns=["auc_sd", "precision_sd"] if repeats == 1 else [])
        click.echo(f"holdout {holdout:g} of the links, {repeats} split(s), seed {seed}:")
        click.echo(shown.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        click.echo("")
    click.echo(f"{net.title}: {len(frame)} of {result.candidates:,} candidate links by {method}")
    _emit(_Shown(frame, result), out)
    if write:
        with _session() as db:
            stored = write_predictions(
                db.driver, result, projection=net.projection, run_id=run_id, database=db.database
            )
        click.echo(f"stored {len(frame)} PREDICTED links in analysis run {stored}", err=True)


# ----------------------------------------------------------------- disrupt and players


@dataclasses.dataclass
class _NamedTable:
    """A result's table with each person's ``name`` next to the id, for `_emit`."""

    frame: Any
    result: Any

    def to_frame(self) -> Any:
        return self.frame.copy()

    def to_json(self, indent: int | None = None) -> str:
        from netintel.algorithms.results import table_dict

        doc = {"rows": table_dict(self.frame), "provenance": self.result.provenance.to_dict()}
        return json.dumps(doc, indent=indent, ensure_ascii=False)


def _names_after(frame: Any, column: str, graph: Any) -> Any:
    """``frame`` with a ``name`` column (the node attribute) right after ``column``."""
    names = [
        None if v is None else graph.nodes[v].get("name") if v in graph else None
        for v in frame[column]
    ]
    out = frame.copy()
    out.insert(out.columns.get_loc(column) + 1, "name", names)
    return out


def _with_lengths(graph: Any) -> Any:
    """A copy of ``graph`` whose ties also carry ``distance`` = 1 / weight (calls)."""
    H = graph.copy()
    for _, _, data in H.edges(data=True):
        data["distance"] = 1.0 / float(data.get("weight", 1.0) or 1.0)
    return H


_katz_alpha = click.option(
    "--katz-alpha",
    type=click.FloatRange(min=0, min_open=True),
    help="Fixed Katz attenuation (default 0.85 / spectral radius).",
)
_samples = click.option(
    "--samples",
    type=click.IntRange(min=1),
    help="Betweenness from this many sampled sources (big networks).",
)


@cli.command("disrupt")
@_projection_options
@click.option(
    "--metric",
    "metrics",
    type=click.Choice(["degree", "betweenness", "closeness", "katz", "collective_influence"]),
    multiple=True,
    help="Who is arrested first (repeat to compare; default betweenness and degree).",
)
@_choice(
    "--strategy",
    ["sequential", "block", "static"],
    "sequential",
    "Recompute after each arrest, after each block of --block-size, or rank once.",
)
@click.option(
    "--block-size",
    type=click.IntRange(min=1),
    help="Arrests between recomputations with --strategy block (default 5).",
)
@click.option(
    "--steps", type=click.IntRange(min=0), help="Arrests to simulate (default: everyone)."
)
@_choice(
    "--ties",
    ["random", "first", "last"],
    "random",
    "Equal scores: at random (--seed) or the first/last in the network's order.",
)
@click.option(
    "--weighted",
    is_flag=True,
    help="Use call counts: strength for degree and Katz, 1/calls as the tie length "
    "for betweenness and closeness (not for collective influence).",
)
@_katz_alpha
@_samples
@_whole("--random-runs", 30, "Random arrest orders for the baseline band (0: none).", minimum=0)
@click.option(
    "--efficiency/--no-efficiency",
    default=True,
    show_default=True,
    help="Global efficiency after each arrest (all-pairs paths: slow on big networks).",
)
@_seed("Seed of ties/samples.")
@_out_file("The step table of every metric (.csv or .json).", default="out/disruption.csv")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    default="out/disruption.png",
    show_default=True,
    help="The PNG of the curves against the random band.",
)
@_boundary
def disrupt_cmd(
    metrics: tuple[str, ...],
    strategy: str,
    block_size: int | None,
    steps: int | None,
    ties: str,
    weighted: bool,
    katz_alpha: float | None,
    samples: int | None,
    random_runs: int,
    efficiency: bool,
    seed: int,
    out: Path,
    plot: Path,
    **network: Any,
) -> None:
    """Simulated arrests: how fast the network falls apart, person by person.

    Each metric ranks the people (highest first); after each arrest the table
    gives who went, their score, how many tied for the pick, and the largest
    group left, the number of groups and the global efficiency. The plot sets
    the curves against random arrests (Cavallaro et al. 2020).

    \b
    Example:
      netintel disrupt --metric betweenness --metric degree --steps 20
      netintel disrupt --strategy block --block-size 5 --ties first --out out/blocks.csv
    """
    from netintel.algorithms import random_disruption

    metrics = metrics or ("betweenness", "degree")
    _check_disrupt_options(metrics, strategy, block_size, katz_alpha, samples, weighted, out, plot)
    G = _load_network(communities="none", size_by="none", seed=seed, **network).graph
    if steps is not None and steps > G.number_of_nodes():
        raise click.BadParameter(
            f"the network has {G.number_of_nodes()} people, fewer than {steps}",
            param_hint="--steps",
        )
    simulated = functools.partial(
        _simulated_arrests,
        G,
        strategy=strategy,
        block_size=block_size,
        steps=steps,
        ties=ties,
        seed=seed,
        efficiency=efficiency,
        weighted=weighted,
        katz_alpha=katz_alpha,
        samples=samples,
    )
    curves = [simulated(metric) for metric in metrics]
    baseline = None
    if random_runs:
        baseline = random_disruption(
            G, runs=random_runs, seed=seed, steps=steps, efficiency=efficiency
        )
        click.echo(f"random ({random_runs} runs): robustness {baseline.robustness:.3f}", err=True)
    table = _arrest_steps(curves, G)
    shown = ["metric", "step", "removed", "name", "score", "tied", "lcc_fraction", "n_components"]
    if efficiency:
        shown.append("efficiency")
    click.echo(table[shown].head(40).to_string(index=False))
    if len(table) > 40:
        click.echo(f"... {len(table) - 40} more rows in {out}")
    _write_disruption(out, plot, curves, table, baseline, G)


def _check_disrupt_options(
    metrics: tuple[str, ...],
    strategy: str,
    block_size: int | None,
    katz_alpha: float | None,
    samples: int | None,
    weighted: bool,
    out: Path,
    plot: Path,
) -> None:
    """``disrupt``'s options that only go with others, and the output suffixes."""
    if block_size is not None and strategy != "block":
        raise click.BadParameter("only with --strategy block", param_hint="--block-size")
    if katz_alpha is not None and "katz" not in metrics:
        raise click.BadParameter("only with --metric katz", param_hint="--katz-alpha")
    if samples is not None and "betweenness" not in metrics:
        raise click.BadParameter("only with --metric betweenness", param_hint="--samples")
    if weighted and "collective_influence" in metrics:
        raise click.BadParameter(
            "collective influence counts ties; drop --weighted or that metric",
            param_hint="--weighted",
        )
    if out.suffix not in (".csv", ".json"):
        raise click.BadParameter(f"{out.name!r} does not end in .csv or .json", param_hint="--out")
    if plot.suffix.lower() != ".png":
        raise click.BadParameter(f"{plot.name!r} does not end in .png", param_hint="--plot")


def _simulated_arrests(
    G: Any,
    metric: str,
    *,
    strategy: str,
    block_size: int | None,
    steps: int | None,
    ties: str,
    seed: int,
    efficiency: bool,
    weighted: bool,
    katz_alpha: float | None,
    samples: int | None,
) -> Any:
    """One metric's :func:`~netintel.algorithms.simulate_disruption` curve (robustness on
    stderr): weighted metrics use calls (strength) or 1/calls (tie lengths)."""
    from netintel.algorithms import simulate_disruption

    options: dict[str, Any] = {}
    if weighted:
        if metric in ("betweenness", "closeness"):
            options["distance"] = "distance"
        else:
            options["weight"] = "weight"
    if metric == "katz":
        options["katz_alpha"] = katz_alpha
    if metric == "betweenness" and samples is not None:
        options["k"] = min(samples, G.number_of_nodes())
    sampled = "k" in options and options["k"] < G.number_of_nodes()
    curve = simulate_disruption(
        _with_lengths(G) if "distance" in options else G,
        metric,
        strategy=strategy,
        block_size=block_size,
        steps=steps,
        ties=ties,
        seed=seed if ties == "random" or sampled else None,
        efficiency=efficiency,
        **options,
    )
    click.echo(f"{metric}: robustness {curve.robustness:.3f}", err=True)
    return curve


def _arrest_steps(curves: list[Any], G: Any) -> Any:
    """Every curve's steps in one table: metric, strategy, then the step with names."""
    import pandas as pd

    frames = []
    for curve in curves:
        frame = _names_after(curve.to_frame(), "removed", G)
        frame.insert(0, "metric", curve.metric)
        frame.insert(1, "strategy", curve.strategy)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _write_disruption(
    out: Path, plot: Path, curves: list[Any], table: Any, baseline: Any, G: Any
) -> None:
    """The step table (.csv, or .json with the curves and the random band) and the plot."""
    out.parent.mkdir(parents=True, exist_ok=True)
    plot.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".json":
        doc = {
            "curves": [json.loads(c.to_json()) for c in curves],
            "steps": json.loads(_NamedTable(table, curves[0]).to_json())["rows"],
            "random": json.loads(baseline.to_json()) if baseline is not None else None,
        }
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        from netintel.outfiles import write_csv

        write_csv(table, out)
    curves[0].plot(
        plot,
        baseline=baseline,
        others=curves[1:],
        title=f"Arrests: {G.graph.get('projection', 'network')}",
    )
    click.echo(f"written: {out}", err=True)
    click.echo(f"written: {plot}", err=True)


def _key_player_metrics() -> list[str]:
    """The metrics key_players knows (their one home: netintel.algorithms.centrality)."""
    from netintel.algorithms.centrality import KEY_PLAYER_METRICS

    return list(KEY_PLAYER_METRICS)


@cli.command("players")
@_projection_options
@click.option(
    "--metric",
    "metrics",
    type=click.Choice(_key_player_metrics()),
    multiple=True,
    help="Scores to compute (repeat; default all).",
)
@_choice(
    "--sort",
    ["degree", "weighted_degree", "betweenness", "closeness", "eigenvector", "pagerank", "katz"],
    "betweenness",
    "Order of the table (highest first).",
)
@_whole("--top", 20, "Rows printed.")
@click.option(
    "--normalized/--raw",
    default=True,
    show_default=True,
    help="Degree over n-1, betweenness over the pairs (as networkx and UCINET), or counts.",
)
@_choice(
    "--component",
    ["all", "largest"],
    "all",
    "Score everyone, or only the largest connected group (as published tables do).",
)
@_choice(
    "--lengths",
    ["hops", "inverse-calls"],
    "hops",
    "Path length for betweenness and closeness: hops, or 1/calls per tie.",
)
@_samples
@_katz_alpha
@_seed("Seed of samples.")
@_out_file("Save the whole table (.csv or .json).")
@_boundary
def players_cmd(
    metrics: tuple[str, ...],
    sort: str,
    top: int,
    normalized: bool,
    component: str,
    lengths: str,
    samples: int | None,
    katz_alpha: float | None,
    seed: int,
    out: Path | None,
    **network: Any,
) -> None:
    """Key players: each person's centrality scores and ranks, names next to ids.

    Conventions (what is divided by what, disconnected networks) are those
    of networkx and UCINET; see `help(netintel.algorithms.key_players)`.

    \b
    Example:
      netintel players --top 10 --sort pagerank
      netintel players --component largest --out out/players.csv
    """
    from netintel.algorithms import KEY_PLAYER_METRICS, key_players

    if out is not None and out.suffix not in (".csv", ".json"):
        raise click.BadParameter(f"{out.name!r} does not end in .csv or .json", param_hint="--out")
    chosen = tuple(metrics) or KEY_PLAYER_METRICS
    if sort not in chosen:
        raise click.BadParameter(f"{sort!r} is not among the --metric chosen", param_hint="--sort")
    G = _load_network(communities="none", size_by="none", seed=seed, **network).graph
    graph = _with_lengths(G) if lengths == "inverse-calls" else G
    k = min(samples, G.number_of_nodes()) if samples is not None else None
    kp = key_players(
        graph,
        chosen,
        k=k,
        seed=seed if k is not None and k < G.number_of_nodes() else None,
        distance="distance" if lengths == "inverse-calls" else None,
        katz_alpha=katz_alpha,
        normalized=normalized,
        component=component,
    )
    frame = kp.to_frame()
    frame.insert(1, "rank", kp.rank(sort).to_numpy())
    frame = _names_after(frame, "node", G).sort_values("rank", kind="stable")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
    for note in kp.provenance.notes:
        click.echo(note, err=True)
    _emit(_NamedTable(frame.reset_index(drop=True), kp), out, limit=top)


# ------------------------------------------------------------------------ gangs over time

_OVER_TIME_TABLES = ("movers", "events", "leader_changes", "communities", "centralization")


@cli.command("gangs-over-time")
@_projection_options
@click.option(
    "--window",
    type=DURATION,
    default="30D",
    show_default=True,
    help="Length of each time window (e.g. 30D, 12h).",
)
@click.option(
    "--step",
    type=DURATION,
    help="From the start of one window to the next (default: --window, windows that tile).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.3,
    show_default=True,
    help="Jaccard similarity at which gangs of consecutive windows match.",
)
@_whole("--min-size", 3, "Smallest gang.")
@_seed("Gang finder seed.")
@_choice("--show", _OVER_TIME_TABLES, "movers", "The table printed.")
@_out_dir(None, "Folder for every table (CSV), result.json and gangs_over_time.png.")
@_boundary
def gangs_over_time_cmd(
    window: str,
    step: str | None,
    threshold: float,
    min_size: int,
    seed: int,
    show: str,
    out: Path | None,
    projection: str,
    since: str | None,
    until: str | None,
    region: tuple[str, ...],
) -> None:
    """Gangs per time window, matched window to window: who moved, which leaders changed.

    Cuts --since..--until into windows of --window every --step, finds the gangs of each
    window's network (find_gangs) and matches them with the previous window's: continue,
    grow, shrink, split, merge, appear, vanish (docs/gangs.md, "Gangs through time").

    \b
    Example:
      netintel gangs-over-time --since 2023-01-01 --until 2024-01-01 --window 90D
      netintel gangs-over-time --since 2023-01-01 --until 2024-01-01 \\
          --window 60D --step 30D --show events --out out/over-time
    """
    import pandas as pd

    from netintel.investigate import gangs_over_time_of

    if since is None or until is None:
        raise click.UsageError("--since and --until are needed: they are cut into windows")
    try:
        ordered = pd.Timestamp(since) < pd.Timestamp(until)
    except TypeError:
        raise click.BadParameter(
            "--since and --until must both have a time zone, or neither", param_hint="--until"
        ) from None
    if not ordered:
        raise click.BadParameter(f"{until} is not after --since {since}", param_hint="--until")
    with _session() as db:
        _check_regions(db, region)
        result = gangs_over_time_of(
            db.driver,
            projection,
            since=since,
            until=until,
            window=pd.Timedelta(window),
            step=None if step is None else pd.Timedelta(step),
            region=list(region) or None,
            database=db.database,
            seed=seed,
            threshold=threshold,
            min_size=min_size,
        )
    tables = {name: getattr(result, name) for name in _OVER_TIME_TABLES}
    counts = result.events["event"].value_counts()
    click.echo(
        f"{len(result.windows)} windows, {len(result.communities)} gangs tracked; "
        + ", ".join(f"{counts[e]} {e}" for e in counts.index)
        + f"; {len(result.movers)} moved, {len(result.leader_changes)} leader changes"
    )
    frame = tables[show]
    click.echo(frame.to_string(index=False) if len(frame) else f"(no {show.replace('_', ' ')})")
    if out is not None:
        from netintel.outfiles import write_csv

        out.mkdir(parents=True, exist_ok=True)
        for name, table in tables.items():
            write_csv(table, out / f"{name}.csv")
        (out / "result.json").write_text(result.to_json(indent=2), encoding="utf-8")
        result.plot().savefig(out / "gangs_over_time.png", dpi=110)
        click.echo(f"written: {out}", err=True)


# ------------------------------------------------------------------------ summary


@cli.command("summary")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_boundary
def summary_cmd(as_json: bool) -> None:
    """Count nodes per label and relationships per type.

    \b
    Example:
      netintel summary --json
    """
    from netintel.db import graph_summary

    with _session() as db:
        frame = graph_summary(db.driver, database=db.database)
    _count(len(frame))  # labels and relationship types counted
    if as_json:
        click.echo(json.dumps(frame.to_dict("records"), indent=2))
    else:
        click.echo(frame.to_string(index=False))


@cli.command("audit")
@click.option("--since", type=DATE_TIME, default=None, help="Events from this date or time on.")
@click.option(
    "--until", type=DATE_TIME, default=None, help="Events before this time (a date: to its end)."
)
@click.option("--user", default=None, help="Events of this OS user.")
@click.option(
    "--command",
    "command_name",
    default=None,
    help="Events of this command (ingest, db start, ...).",
)
@click.option(
    "--status", type=click.Choice(["ok", "error"]), default=None, help="Events with this result."
)
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON lines.")
@click.option(
    "--verify",
    is_flag=True,
    help="Check the hash chain instead of listing: exit 0 if intact, 1 with the first broken line.",
)
@click.option(
    "--against-db",
    is_flag=True,
    help="With --verify: also compare the log's tail with the database's newest AuditEvent "
    "(finds removed last lines).",
)
@click.option(
    "--log",
    "log",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Read this audit log instead of the case's.",
)
@_boundary
def audit_cmd(
    since: str | None,
    until: str | None,
    user: str | None,
    command_name: str | None,
    status: str | None,
    as_json: bool,
    verify: bool,
    against_db: bool,
    log: Path | None,
) -> None:
    """List the audit log: who ran which command, when, on how many records, with what result.

    Every command is recorded in the case's audit.jsonl (beside its database) with its
    parameters (personal values hashed, passwords never); each line holds the hash of the
    one before, so --verify finds an edited, removed or reordered line.

    \b
    Example:
      netintel audit --since 2026-01-01 --command ingest
      netintel audit --status error --json
      netintel audit --verify --against-db
    """
    from netintel.audit import filter_events, log_path, read_events
    from netintel.audit import verify as check
    from netintel.localtime import format_local

    path = log if log is not None else log_path(_case_name())
    if verify:
        if against_db:
            with _session() as db:
                verdict = check(path, driver=db.driver, database=db.database)
        else:
            verdict = check(path)
        click.echo(f"{path}: {verdict}")
        _count(verdict.events)
        if not verdict.ok:
            sys.exit(1)
        return
    events = filter_events(
        read_events(path), since=since, until=until, user=user, command=command_name, status=status
    )
    _count(len(events))
    if as_json:
        for event in events:
            click.echo(json.dumps(event, ensure_ascii=False, sort_keys=True))
        return
    if not events:
        click.echo(f"no audit events in {path} match")
        return
    rows = [
        (
            str(e["seq"]),
            format_local(e["time"], _local_zone(), seconds=True),
            str(e.get("user")),
            str(e.get("what")),
            "-" if e.get("count") is None else str(e["count"]),
            str(e.get("status"))
            + (f" ({e['error']}, exit {e['exit_code']})" if e.get("status") == "error" else ""),
        )
        for e in events
    ]
    head = ("seq", "time", "user", "command", "records", "status")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for row in [head, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def _local_zone() -> Any:
    """This machine's local time zone (a tzinfo)."""
    import datetime as dt

    return dt.datetime.now().astimezone().tzinfo


@cli.command("changes")
@click.argument("run_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_out_file("Also write the changes to this CSV file.")
@_boundary
def changes_cmd(run_id: str | None, as_json: bool, out: Path | None) -> None:
    """List the values ingests changed (all runs, or RUN_ID's).

    A row that sets a property the graph already held to a different value is never
    applied silently: the ingest records the old and new value with both sources.

    \b
    Example:
      netintel changes
      netintel changes 20240501-1200-ab12cd34 --out changes.csv
    """
    from netintel.db import ingest_runs, value_changes

    with _session() as db:
        frame = value_changes(db.driver, run_id, database=db.database)
        if run_id is not None and not len(frame):
            runs = ingest_runs(db.driver, database=db.database)
            if run_id not in runs:
                known = ", ".join(runs[:3]) + (" ..." if len(runs) > 3 else "")
                raise click.BadParameter(
                    f"no ingest run {run_id!r} in this database"
                    + (f" (newest: {known})" if runs else " (nothing was ingested)"),
                    param_hint="RUN_ID",
                )
    if out is not None:
        from netintel.outfiles import write_csv

        write_csv(frame, out)
    if as_json:
        click.echo(json.dumps(frame.to_dict("records"), indent=2, default=str))
    elif len(frame):
        click.echo(frame.to_string(index=False))
    else:
        click.echo("no value was changed" + (f" by ingest run {run_id}" if run_id else ""))


@cli.command("runs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_boundary
def runs_cmd(as_json: bool) -> None:
    """List the ingest runs, newest first: id, started, user, files, rows loaded, status.

    \b
    Example:
      netintel runs
      netintel runs --json
    """
    from netintel.db import ingest_run_list
    from netintel.investigate import case_timezone
    from netintel.localtime import format_local

    with _session() as db:
        frame = ingest_run_list(db.driver, database=db.database)
        zone = case_timezone(db.driver, database=db.database)
    _count(len(frame))
    if as_json:
        click.echo(json.dumps(frame.to_dict("records"), indent=2, default=str))
        return
    if not len(frame):
        click.echo("no ingest run in this database")
        return
    for r in frame.to_dict("records"):
        started = format_local(r["started"], zone, seconds=True) if r["started"] else "?"
        files = ", ".join(Path(f).name for f in (r["files"] or []))
        status = r["status"] + (f" by {r['undone_by']}" if r["status"] == "undone" else "")
        click.echo(
            f"{r['run_id']}  {started}  {r['user'] or '?'}  {status}  "
            f"{int(r['rows_loaded']):,} rows  {files}"
        )


@cli.command("undo")
@click.argument("run_id")
@click.option("--dry-run", is_flag=True, help="Count what the undo would do; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_boundary
def undo_cmd(run_id: str, dry_run: bool, as_json: bool) -> None:
    """Undo ingest run RUN_ID: the graph goes back to what it was before the run.

    What the run created is deleted, the values it changed get their old values back,
    what it added is removed, and the provenance of what it updated goes back to the
    previous writer. Refused (nothing undone) when a later run wrote what it wrote:
    undo that one first. The run stays listed by `netintel runs`, as undone.

    \b
    Example:
      netintel runs
      netintel undo ingest-0123456789abcdef --dry-run
      netintel undo ingest-0123456789abcdef
    """
    from netintel.ingest import undo_run

    with _session() as db:
        report = undo_run(db.driver, run_id, database=db.database, dry_run=dry_run)
    _count(report.nodes_deleted + report.relationships_deleted + report.provenance_restored)
    click.echo(report.to_json() if as_json else str(report))


# ------------------------------------------------------------------------- schema


@cli.group()
def schema() -> None:
    """The domain schema: documentation and constraints."""


@schema.command("docs")
@_out_file("Write to this file instead of printing.")
@_boundary
def schema_docs(out: Path | None) -> None:
    """Print the input-format documentation generated from the schema.

    \b
    Example:
      netintel schema docs --out docs/input-format.md
    """
    from netintel.schema import input_format_markdown

    text = input_format_markdown()
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)


@schema.command("apply")
@_boundary
def schema_apply() -> None:
    """Create the constraints and indexes (idempotent).

    \b
    Example:
      netintel schema apply
    """
    from netintel.db import apply_schema

    with _session() as db:
        n = apply_schema(db.driver, database=db.database)
    click.echo(f"{n} constraints and indexes in place")


# -------------------------------------------------------------------------- synth


def _generator_options(param_help: str, hide_help: str) -> Callable[[F], F]:
    """``--param NAME=VALUE`` and ``--hide-transfers``: the generator's own parameters
    (``synth``, ``contest make``), read by :func:`_synth_params`."""
    return _stack(
        click.option(
            "--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help=param_help
        ),
        click.option(
            "--hide-transfers", type=click.FloatRange(0.0, 1.0), default=None, help=hide_help
        ),
    )


def _synth_params(params: tuple[str, ...], hide_transfers: float | None) -> dict[str, Any]:
    """``NAME=VALUE`` pairs checked against the generator's parameters (values as YAML),
    and ``hide_transfers`` when given."""
    from netintel.synth import SynthParams

    fields = {f.name for f in dataclasses.fields(SynthParams)}
    kwargs: dict[str, Any] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or name not in fields:
            raise click.BadParameter(
                f"{item!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(fields))}",
                param_hint="--param",
            )
        kwargs[name] = yaml.safe_load(value)
    if hide_transfers is not None:
        kwargs["hide_transfers"] = hide_transfers
    return kwargs


@cli.command("synth")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_whole("--scale", 10_000, "Number of clean call records.")
@_seed("Random seed (same seed, same files).")
@_generator_options(
    "Any generator parameter, e.g. -p n_gangs=40 -p dirty_rate=0.",
    "Share of transfers withheld from transfers.csv (kept in the ground truth, "
    "column public=false); the evidence around them stays. Default 0.",
)
@_boundary
def synth_cmd(
    out_dir: Path,
    scale: int,
    seed: int,
    params: tuple[str, ...],
    hide_transfers: float | None,
) -> None:
    """Generate a synthetic investigation with hidden ground truth.

    Writes the record files in the ingest layout (netintel ingest OUT_DIR --mapping
    OUT_DIR/mapping.yaml loads them) and the planted answers in OUT_DIR/ground_truth/.

    \b
    Example:
      netintel synth --scale 1000000 --seed 7 out/synth
      netintel ingest out/synth --mapping out/synth/mapping.yaml
    """
    from netintel.synth import generate

    kwargs = _synth_params(params, hide_transfers)
    try:
        report = generate(
            out_dir,
            scale=scale,
            seed=seed,
            progress=lambda msg: click.echo(msg, err=True),
            **kwargs,
        )
    except (TypeError, ValueError) as err:
        raise click.BadParameter(str(err), param_hint="--param") from err
    rows = sum(n for f, n in report.files.items() if not f.startswith("ground_truth/"))
    click.echo(
        f"wrote {len(report.files)} files ({rows:,} record rows) to {report.out_dir} "
        f"in {report.seconds:.1f} s"
    )


# -------------------------------------------------------------------- investigate


def _emit(result: Any, out: Path | None, limit: int = 40) -> None:
    """Print a result's table (or its JSON) and write it to ``out`` (.csv or .json)."""
    frame = result.to_frame() if hasattr(result, "to_frame") else None
    if frame is not None:
        _count(len(frame))
        click.echo(frame.head(limit).to_string() if len(frame) else "(nothing found)")
        if len(frame) > limit:
            click.echo(f"... {len(frame) - limit} more rows (use --out to save them all)")
    else:
        click.echo(result.to_json(indent=2))
    if out is not None:
        if out.suffix == ".json" or frame is None:
            out.write_text(result.to_json(indent=2), encoding="utf-8")
        else:
            from netintel.outfiles import write_csv

            write_csv(frame, out)
        click.echo(f"written: {out}", err=True)


def _investigate(fn: Callable[..., Any], **kwargs: Any) -> Any:
    with _session() as db:
        return fn(db.driver, database=db.database, **kwargs)


_out = _out_file("Save the whole result (.csv or .json).")


@cli.group()
def investigate() -> None:
    """Trafficking chains, call records, aliases, DNA and paths, each with its evidence."""


@investigate.command("chains")
@click.option("--victim", help="One victim's chain (default: every victim).")
@click.option("--across", is_flag=True, help="Time-respecting chains across victims.")
@click.option(
    "--max-gap", type=DURATION, default="14D", show_default=True, help="Longest gap between hops."
)
@_whole("--min-hops", 1)
@click.option(
    "--infer",
    is_flag=True,
    help="Propose the hand-overs nobody recorded (between known holders and after the last).",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="With --infer: show (and store) only hops scoring at least this.",
)
@click.option(
    "--write",
    is_flag=True,
    help="With --infer: store the hops as inferred Transfer nodes of an analysis run.",
)
@click.option("--run-id", help="With --write: the run to store them under (replaced).")
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --infer: write an HTML map of recorded and inferred transfers (inferred dashed).",
)
@_out
@_boundary
def inv_chains(
    victim: str | None,
    across: bool,
    max_gap: str,
    min_hops: int,
    infer: bool,
    min_score: float,
    write: bool,
    run_id: str | None,
    map_path: Path | None,
    out: Path | None,
) -> None:
    """Who passed each victim to whom, where and when; or chains across victims.

    Names are shown beside ids, times in the case's time zone (a timezone column).
    --infer proposes the missing hand-overs instead (each with its score, rule and
    evidence count); --write stores them as inferred transfers, which no reader of
    recorded transfers sees (netintel.runs.delete_run removes them with their run).

    \b
    Example:
      netintel investigate chains --across --max-gap 21D --min-hops 2
      netintel chains --infer --min-score 0.5 --write
    """
    from netintel.investigate import readers

    if (write or run_id is not None or map_path is not None) and not infer:
        raise click.UsageError("--write, --run-id and --map go with --infer")
    if run_id is not None and not write:
        raise click.UsageError("--run-id goes with --write")
    if infer:
        if across:
            raise click.UsageError("--infer and --across do not go together")
        _chains_infer(victim, min_score, write, run_id, map_path, out)
        return
    if across:
        result = _investigate(readers.transfer_chains_of, max_gap=max_gap, min_hops=min_hops)
    else:
        result = _investigate(readers.victim_chains_of, victim=victim)
    _emit(result, out)


# ------------------------------------------------------------ chains --infer


def _chains_infer(
    victim: str | None,
    min_score: float,
    write: bool,
    run_id: str | None,
    map_path: Path | None,
    out: Path | None,
) -> None:
    """``netintel chains --infer``: print (and optionally store) the proposed hand-overs."""
    import pandas as pd

    from netintel.inferred import write_inferred
    from netintel.investigate import infer_handovers_of
    from netintel.investigate._base import named

    with _session() as db:
        result = infer_handovers_of(
            db.driver, database=db.database, victims=None if victim is None else [victim]
        )
        hops = tuple(h for h in result.hops if h.score >= min_score)
        result = dataclasses.replace(result, hops=hops)
        frame = result.to_frame()
        shown = pd.DataFrame(
            {
                "victim": list(map(named, frame["victim_id"], frame["victim_name"])),
                "kind": frame["kind"],
                "from": list(map(named, frame["from_id"], frame["from_name"])),
                "to": list(map(named, frame["to_id"], frame["to_name"])),
                "at": frame["at"],
                "score": frame["score"],
                "rule": frame["rule"],
                "evidence": frame["evidence_count"],
            }
        )
        click.echo(shown.head(40).to_string(index=False) if len(shown) else "(nothing found)")
        if len(shown) > 40:
            click.echo(f"... {len(shown) - 40} more rows (use --out to save them all)")
        if out is not None:
            if out.suffix == ".json":
                out.write_text(result.to_json(indent=2), encoding="utf-8")
            else:
                from netintel.outfiles import write_csv

                write_csv(frame.drop(columns=["evidence", "channels"]), out)
            click.echo(f"written: {out}", err=True)
        if map_path is not None:
            from netintel.investigate import transfers_of
            from netintel.viz import network_map

            recorded = transfers_of(db.driver, victim=victim, database=db.database)
            G = result.to_networkx(recorded)
            written = network_map(G, map_path, title="Recorded and inferred transfers")
            click.echo(f"map: {written}")
        if write:
            stored = write_inferred(db.driver, result, run_id=run_id, database=db.database)
            click.echo(f"stored {len(hops)} inferred transfer(s) as run {stored}")


@investigate.command("profile")
@click.option(
    "--phone",
    help="A phone number: E.164, or national (with --phone-region or the case's region).",
)
@click.option("--person", help="A person_id (all their phones).")
@_whole("--top", 10)
@_out
@_boundary
def inv_profile(phone: str | None, person: str | None, top: int, out: Path | None) -> None:
    """Contact profile: top contacts, call counts and durations, active hours, towers.

    \b
    Example:
      netintel investigate profile --phone +8613800138000 --top 5
    """
    from netintel.investigate import readers

    if (phone is None) == (person is None):
        raise click.UsageError("give exactly one of --phone and --person")
    with _session() as db:
        if phone is not None:
            phone = _known_phone(db, phone)
        result = readers.contact_profile_of(
            db.driver, phone=phone, person=person, top=top, database=db.database
        )
    _emit(result, out)


def _known_phone(db: Session, given: str) -> str:
    """A phone typed by the analyst as the graph stores it, or a BadParameter naming it."""
    from netintel.db import case_phone_region, run_query
    from netintel.phones import normalise_phone

    region = _flags().region() or case_phone_region(db.driver, database=db.database)
    number = normalise_phone(given, region)
    candidates = list(dict.fromkeys([number, given.strip()]))
    rows = run_query(db.driver, "phones_known", database=db.database, numbers=candidates)
    known = [r["number"] for r in rows if r["known"]]
    if known:
        return str(known[0])
    read = f" (read as {number} in region {region})" if number != given.strip() else ""
    hint = "" if region else "; national numbers need --phone-region (e.g. --phone-region CN)"
    raise click.BadParameter(f"no phone {given!r}{read} in the graph{hint}", param_hint="--phone")


@investigate.command("burners")
@click.option(
    "--max-span", type=DURATION, default="7D", show_default=True, help="Longest active period."
)
@_whole("--max-contacts", 3)
@_out
@_boundary
def inv_burners(max_span: str, max_contacts: int, out: Path | None) -> None:
    """Phones used briefly with a narrow set of contacts, then silent.

    \b
    Example:
      netintel investigate burners --max-span 5D --out burners.csv
    """
    from netintel.investigate import readers

    _emit(_investigate(readers.burners_of, max_span=max_span, max_contacts=max_contacts), out)


@investigate.command("sim-swaps")
@_whole("--min-shared", 3, "Contacts both numbers share.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.3, show_default=True)
@_out
@_boundary
def inv_sim_swaps(min_shared: int, min_score: float, out: Path | None) -> None:
    """New numbers that took over the contacts of a number that went silent.

    \b
    Example (VAST 2008: finds 200 -> 300 and the other 8 June switches):
      netintel investigate sim-swaps --out swaps.csv
    """
    from netintel.investigate import readers

    _emit(_investigate(readers.sim_swaps_of, min_shared=min_shared, min_score=min_score), out)


@investigate.command("colocation")
@click.option("--people", is_flag=True, help="Pairs of people (sightings) instead of phones.")
@click.option("--window", type=DURATION, default="1h", show_default=True)
@_whole("--min-meetings", 1)
@click.option(
    "--map",
    "map_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an HTML map of who met where: the places by latitude and longitude, "
    "each of the pairs beside the places they were observed at.",
)
@_out
@_boundary
def inv_colocation(
    people: bool, window: str, min_meetings: int, map_path: Path | None, out: Path | None
) -> None:
    """Pairs on the same tower (or seen at the same place) within a time window.

    \b
    Example:
      netintel investigate colocation --people --window 30min --min-meetings 2
      netintel investigate colocation --people --map out/met.html
    """
    from netintel.investigate import readers

    by = "person" if people else "phone"
    with _session() as db:
        result = readers.colocation_of(
            db.driver, by=by, window=window, min_meetings=min_meetings, database=db.database
        )
        _emit(result, out)
        if map_path is None:
            return
        from netintel.viz import network_map

        G = readers.colocation_network_of(db.driver, result, by=by, database=db.database)
        written = network_map(G, map_path, title="Who met where")  # geo: places have lat/lon
        click.echo(f"map of {len(result.table)} pairs at their places: {written}")


@investigate.command("aliases")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.5, show_default=True)
@click.option("--write", is_flag=True, help="Store the candidates as SAME_AS (status candidate).")
@_out
@_boundary
def inv_aliases(min_score: float, write: bool, out: Path | None) -> None:
    """Person records that may be the same individual, with score and evidence.

    \b
    Example:
      netintel investigate aliases --min-score 0.7 --out aliases.csv
    """
    from netintel.investigate import readers

    with _session() as db:
        found = readers.alias_candidates_of(db.driver, min_score=min_score, database=db.database)
        if write:
            n = readers.write_candidates(db.driver, found, database=db.database)
            click.echo(f"{n} SAME_AS candidates stored for review", err=True)
    _emit(found, out)


@investigate.command("reunify")
@click.option("--likely-score", type=click.FloatRange(0, 1), default=0.95, show_default=True)
@_out
@_boundary
def inv_reunify(likely_score: float, out: Path | None) -> None:
    """Found persons of unknown origin matched to missing-child reports by DNA.

    \b
    Example:
      netintel investigate reunify --out matches.json
    """
    from netintel.investigate import readers

    _emit(_investigate(readers.reunifications_of, likely_score=likely_score), out)


@investigate.command("paths")
@click.argument("a")
@click.argument("b")
@_whole("--k", 3, "How many shortest paths.")
@_whole("--max-hops", 6)
@click.option(
    "--via",
    multiple=True,
    default=("all",),
    show_default=True,
    help="Kind of link to follow: calls, transfers, cases, ties or all (repeat for several).",
)
@_out
@_boundary
def inv_paths(
    a: str, b: str, k: int, max_hops: int, via: tuple[str, ...], out: Path | None
) -> None:
    """The k shortest paths between two people or phones, each hop with its records.

    Names are shown beside ids, times in the case's time zone.

    \b
    Example (how two suspects are linked by calls, not by their shared case):
      netintel investigate paths P000042 P000117 --via calls --k 5
    """
    from netintel.investigate import paths, readers

    try:
        paths.via_types(via)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--via") from None
    found = _investigate(
        readers.k_shortest_paths_of, source=a, target=b, k=k, via=via, max_hops=max_hops
    )
    for i, p in enumerate(found.paths):
        click.echo(f"path {i} ({p.length} hops): " + " - ".join(map(found.label, p.nodes)))
    _emit(found, out)


# ------------------------------------------------------------------------- detect

_DETECT_FLAGS = (
    "projection",
    "algorithm",
    "seeds",
    "seed",
    "resolution",
    "region",
    "since",
    "until",
)


def _dask_options(f: F) -> F:
    """``detect``'s options for running the batch on Dask (netintel.cluster, docs/scale.md)."""
    f = click.option(
        "--snapshot-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Where the snapshots go; every worker must read it [default: OUT/snapshots].",
    )(f)
    f = click.option(
        "--snapshot",
        type=click.Choice(["parquet"]),
        help="With --scheduler: read each projection here once and give the workers a "
        "Parquet snapshot of it instead of the database.",
    )(f)
    f = click.option(
        "--scheduler",
        type=DASK_SCHEDULER,
        help="Run the jobs on Dask: tcp://HOST:8786 (a running scheduler) or local:N "
        "(N local worker processes); the workers read Neo4j with these settings.",
    )(f)
    return f


@contextlib.contextmanager
def _dask_client(scheduler: str | None) -> Iterator[Any]:
    """A Dask client for ``--scheduler`` (closed on exit), or None without one."""
    if scheduler is None:
        yield None
        return
    from netintel.cluster import close_client, open_client

    client = open_client(scheduler)
    try:
        yield client
    finally:
        close_client(client)


@cli.command("detect")
@click.option(
    "--projection",
    "-p",
    default="person_calls",
    show_default=True,
    help="person_calls (or calls), phone_calls, co_offending, co_location, transfers, multiplex.",
)
@click.option(
    "--algorithm",
    "-a",
    type=click.Choice(["find_gangs", "louvain", "leiden", "label_propagation", "infomap"]),
    default="find_gangs",
    show_default=True,
    help="find_gangs: gangs at the scale the data chooses, grouped into alliances "
    "(docs/gangs.md); the others: a seeded consensus of that algorithm.",
)
@_whole(
    "--seeds",
    20,
    "Seeded runs per consensus (find_gangs: label-propagation runs, plus 2 Infomap and 2 Louvain).",
)
@_seed("Base seed of the runs.")
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    multiple=True,
    help="Resolution (repeat to sweep several) [default: 1].",
)
@click.option(
    "--region", multiple=True, help="One job per region (repeatable; `all`: every region)."
)
@click.option("--since", type=DATE_TIME, help="Only records at or after this date or time.")
@click.option("--until", type=DATE_TIME, help="Only records before this date or time.")
@click.option(
    "--run-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML or TOML run file of projections x algorithms x seeds (docs/batch.md).",
)
@click.option("--write", is_flag=True, help="Store each result as an AnalysisRun.")
@_out_dir("out/detect", "The run folder (finished jobs in it are reused).")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes for per-region jobs [default: all cores].",
)
@_dask_options
@click.option("--json", "as_json", is_flag=True, help="Print the batch result as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_boundary
def detect_cmd(
    projection: str,
    algorithm: str,
    seeds: int,
    seed: int,
    resolution: tuple[float, ...],
    region: tuple[str, ...],
    since: str | None,
    until: str | None,
    run_file: Path | None,
    write: bool,
    out: Path,
    workers: int | None,
    scheduler: str | None,
    snapshot: Literal["parquet"] | None,
    snapshot_dir: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Batch community detection: gangs (or communities), leaders, brokers, stability.

    Runs every projection x algorithm x seed combination (from the options or a
    run file): by default find_gangs (gangs and the alliances they form), or a
    seeded consensus of the named algorithm. Writes a run folder: per job a
    manifest, partition and scores (CSV), plus manifest.json, report.md and
    report.html comparing each job with its previous run (who moved). An
    interrupted batch resumes; an identical re-run reuses finished jobs.

    \b
    Example:
      netintel detect --projection calls --seeds 20 \\
          --region Henan --region Hunan --since 2023-01-01 --write
      netintel detect --algorithm leiden --resolution 1 --resolution 2
      netintel detect --run-file detect.yaml --out out/weekly
      netintel detect --run-file detect.yaml --scheduler tcp://10.0.0.5:8786
    """
    from netintel.batch import BatchSpec, load_run_file, run_batch

    ctx = click.get_current_context()
    if run_file is not None:
        given = [
            f"--{name}"
            for name in _DETECT_FLAGS
            if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE
        ]
        if given:
            raise click.UsageError(f"--run-file describes the batch; drop {', '.join(given)}")
        spec = load_run_file(run_file)
    else:
        spec = BatchSpec.from_options(
            projection=projection,
            algorithm=algorithm,
            seeds=seeds,
            seed=seed,
            resolution=list(resolution) or 1.0,
            regions=list(region) or None,
            since=since,
            until=until,
        )
    if scheduler is None and (snapshot is not None or snapshot_dir is not None):
        raise click.UsageError("--snapshot and --snapshot-dir are for --scheduler")
    with _session() as db:
        if run_file is None:
            _check_regions(db, region)
        with _dask_client(scheduler) as dask:
            batch = run_batch(
                spec,
                out,
                driver=db.driver,
                connection=db.connection,
                database=db.database,
                write=write,
                workers=workers,
                progress=not quiet,
                client=dask,
                snapshot=snapshot,
                snapshot_dir=snapshot_dir,
            )
    _count(len(batch.jobs))
    if as_json:
        click.echo(batch.to_json(indent=2))
        return
    cols = ["job", "label", "status", "nodes", "communities", "modularity", "stability", "moved"]
    click.echo(batch.to_frame()[cols].astype(object).fillna("-").to_string(index=False))
    click.echo(
        f"{len(batch.jobs)} jobs: {batch.computed} computed, {batch.reused} reused "
        f"in {batch.seconds:.1f} s"
    )
    click.echo(f"report: {batch.report_md} (and {batch.report_html.name})")


# ------------------------------------------------------------------------ contest


@cli.group()
def contest() -> None:
    """The online analysis contest: make a challenge, check and score submissions."""


@contest.command("make")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_whole("--scale", 10_000, "Number of call records.")
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="Seed (default: a secret one, kept in the truth).",
)
@_generator_options(
    "Any generator parameter, e.g. -p n_gangs=40.",
    "Share of hand-overs withheld from the public transfers.csv (scored as "
    "withheld_hops_*); the calls, sightings and cases around them stay. Default 0.",
)
@click.option("--no-baseline", is_flag=True, help="Do not write netintel's own answers.")
@click.option("--overwrite", is_flag=True, help="Replace an existing challenge folder.")
@_boundary
def contest_make(
    out_dir: Path,
    scale: int,
    seed: int | None,
    params: tuple[str, ...],
    hide_transfers: float | None,
    no_baseline: bool,
    overwrite: bool,
) -> None:
    """Build a challenge: OUT_DIR/public for contestants, OUT_DIR/truth for organisers.

    \b
    Example:
      netintel contest make out/challenge --scale 50000
      netintel contest make out/hard --scale 50000 --hide-transfers 0.5
    """
    from netintel.contest import make_challenge

    synth = _synth_params(params, hide_transfers)
    made = make_challenge(
        out_dir,
        seed=seed,
        scale=scale,
        overwrite=overwrite,
        with_baseline=not no_baseline,
        progress=lambda msg: click.echo(msg, err=True),
        **synth,
    )
    click.echo(f"challenge {made.challenge_id}: public {made.public}, truth {made.truth}")


@contest.command("check")
@click.argument("submission", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--public",
    "public_dir",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The challenge's public folder.",
)
@_boundary
def contest_check(submission: Path, public_dir: Path) -> None:
    """Check a submission's format before sending it (exit 2 if a file would be rejected).

    \b
    Example:
      netintel contest check team1/ --public out/challenge/public
    """
    from netintel.contest import public_person_ids, read_submission

    sub = read_submission(submission, person_ids=public_person_ids(public_dir))
    for issue in sub.issues:
        click.echo(str(issue))
    if sub.issues:
        sys.exit(EXIT_INPUT)
    click.echo("ok: every file can be scored")


@contest.command("score")
@click.argument("submission", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--truth",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="The challenge's truth folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_boundary
def contest_score(submission: Path, truth: Path, as_json: bool) -> None:
    """Score one submission against the hidden truth.

    \b
    Example:
      netintel contest score team1/ --truth out/challenge/truth
    """
    from netintel.contest import score

    result = score(submission, truth)
    _count(1)  # submissions scored
    click.echo(result.to_json() if as_json else result.to_frame().to_string())
    for issue in result.issues:
        click.echo(f"rejected: {issue}", err=True)


@contest.command("leaderboard")
@click.argument("submissions", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--truth", required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(exists=True, path_type=Path),
    help="netintel's own answers, shown as a baseline entry.",
)
@_out_dir("out/leaderboard", None)
@_boundary
def contest_leaderboard(submissions: Path, truth: Path, baseline: Path | None, out: Path) -> None:
    """Rank every team's submission (one subfolder or zip each) into CSV and HTML.

    \b
    Example:
      netintel contest leaderboard submissions/ --truth out/challenge/truth
    """
    from netintel.contest import leaderboard, write_leaderboard

    board = leaderboard(submissions, truth, baseline=baseline)
    _count(len(board))  # submissions scored, the baseline's included
    paths = write_leaderboard(board, out)
    click.echo(board[["rank", "team", "overall"]].to_string(index=False))
    click.echo(f"written: {paths['csv']}, {paths['html']}")


@contest.command("baseline")
@click.argument("public_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@_seed()
@_choice("--algorithm", ["find_gangs", "louvain", "leiden"], "find_gangs")
@_boundary
def contest_baseline(public_dir: Path, out_dir: Path, seed: int, algorithm: str) -> None:
    """Write netintel's automatic answers for a challenge as a submission.

    \b
    Example:
      netintel contest baseline out/challenge/public out/baseline
    """
    from netintel.contest import baseline

    click.echo(f"written: {baseline(public_dir, out_dir, seed=seed, algorithm=algorithm)}")


# ------------------------------------------------------------------ map and export

_COMMUNITY_CHOICES = ("louvain", "leiden", "label_propagation", "infomap", "find_gangs", "none")


def _network_options(fn: F) -> F:
    """The options that pick a network and how it is coloured and sized."""
    from netintel.algorithms import KEY_PLAYER_METRICS

    options = [
        click.option(
            "--communities",
            default="find_gangs",
            show_default=True,
            metavar="ALGORITHM|RUN_ID",
            help=f"Colour by {', '.join(_COMMUNITY_CHOICES)} or by a stored analysis run.",
        ),
        _choice(
            "--size-by",
            ["none", *KEY_PLAYER_METRICS],
            "degree",
            "Node size follows this key-player score.",
        ),
        _seed("Seed of communities/layout."),
        click.option(
            "--redact/--no-redact",
            default=False,
            show_default=True,
            help="Pseudonyms for people; victims' details hidden.",
        ),
    ]
    return _projection_options(_stack(*options)(fn))


def _check_regions(db: Session, regions: tuple[str, ...]) -> None:
    """Every ``--region`` is a region of the graph (or ``all``), else one line listing them."""
    from netintel.batch import ALL_REGIONS
    from netintel.db import run_query

    wanted = [r for r in regions if r != ALL_REGIONS]
    if not wanted:
        return
    known = [row["region"] for row in run_query(db.driver, "regions", database=db.database)]
    unknown = [r for r in wanted if r not in known]
    if unknown:
        listed = ", ".join(known[:20]) + (f" and {len(known) - 20} more" if len(known) > 20 else "")
        raise click.BadParameter(
            f"no region {', '.join(map(repr, unknown))} in the graph (known: {listed or 'none'})",
            param_hint="--region",
        )


def _load_network(
    projection: str,
    since: str | None,
    until: str | None,
    region: tuple[str, ...],
    communities: str,
    size_by: str,
    seed: int,
) -> MapNetwork:
    from netintel.viz.network import network_for_map

    with _session() as db:
        _check_regions(db, region)
        try:
            net = network_for_map(
                db.driver,
                projection,
                database=db.database,
                since=since,
                until=until,
                region=region,
                communities=None if communities == "none" else communities,
                size_by=None if size_by == "none" else size_by,
                seed=seed,
            )
        except UnknownIdError:
            raise click.BadParameter(
                f"{communities!r} is neither one of {', '.join(_COMMUNITY_CHOICES)} nor "
                "the id of a stored analysis run",
                param_hint="--communities",
            ) from None
    if net.graph.number_of_nodes() == 0:
        raise NetintelError(
            f"the {projection} projection is empty (no {net.label} nodes linked with "
            "these filters); has anything been ingested? (netintel summary)"
        )
    return net


def _layout_option(fn: F) -> F:
    """``--layout``: one of :data:`netintel.viz.maps.LAYOUTS` but ``geo``."""
    from netintel.viz.maps import LAYOUTS

    # the projections are people and phones: none has the places the geographic layout needs
    return _choice(
        "--layout",
        tuple(kind for kind in LAYOUTS if kind != "geo"),
        "auto",
        "hierarchical: left to right in time; boxes: each community in its own box; "
        "force: force-directed; auto: hierarchical for transfers, boxes for calls.",
    )(fn)


@cli.command("map")
@_network_options
@_out_file("The HTML file to write.", default="out/map.html")
@_whole("--max-nodes", 2000, "Above this many nodes the map opens on one node per community.")
@_layout_option
@_boundary
def map_cmd(
    seed: int, redact: bool, out: Path, max_nodes: int, layout: str, **network: Any
) -> None:
    """An interactive network map (one offline HTML file) of a projection.

    Nodes are coloured by community and sized by a key-player score; the
    page has a legend, search, filters and the records behind every link.

    \b
    Example:
      netintel map --projection person_calls --since 2024-01-01 --out out/calls.html
      netintel map --communities 3f2a9c... --redact --out out/shareable.html
      netintel map --projection transfers --layout hierarchical --out out/chains.html
    """
    from netintel.viz import network_map

    net = _load_network(seed=seed, **network)
    path = network_map(
        net.graph,
        out,
        title=net.title,
        communities=net.communities,
        size_by=net.scores,
        default_type=net.label,
        seed=seed,
        max_nodes=max_nodes,
        redact=redact,
        layout=layout,
    )
    _count(net.graph.number_of_nodes())
    click.echo(
        f"map of {net.graph.number_of_nodes():,} nodes and {net.graph.number_of_edges():,} "
        f"links: {path}"
    )


@cli.command("export")
@_network_options
@click.option(
    "--encoding",
    type=click.Choice(["utf-8-sig", "utf-8"]),
    default=None,
    help="CSV tables only: utf-8-sig (default, with the byte-order mark Excel needs to show "
    "Chinese) or utf-8 (no mark).",
)
@click.argument("out", type=click.Path(path_type=Path))
@_boundary
def export_cmd(seed: int, redact: bool, encoding: str | None, out: Path, **network: Any) -> None:
    """Export a projection with its communities and scores.

    The format follows OUT's suffix: .graphml, .gexf (Gephi, yEd,
    Cytoscape), .xlsx, .png, .svg, .pdf; no suffix: a folder of CSV tables.

    \b
    Example:
      netintel export --projection co_offending out/co_offending.graphml
      netintel export --size-by betweenness --redact out/tables
    """
    from netintel.export import CSVExporter, export, exporter_for

    try:
        exporter = exporter_for(out)  # an unknown suffix fails before any work
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="OUT") from None
    options: dict[str, Any] = {}
    if encoding is not None:
        if not isinstance(exporter, CSVExporter):
            raise click.BadParameter(
                f"applies to CSV tables (an OUT without a suffix), not {out.suffix}",
                param_hint="--encoding",
            )
        options["encoding"] = encoding
    net = _load_network(seed=seed, **network)
    paths = export(
        net.graph,
        out,
        communities=net.communities,
        size_by=net.scores,
        results=net.results,
        redact=redact,
        **options,
    )
    _count(net.graph.number_of_nodes())
    for path in paths:
        click.echo(f"written: {path}")


cli.add_command(inv_chains, "chains")


# --------------------------------------------------------------------------- demo


@cli.command("demo")
@_out_dir("out/demo", "Output folder.")
@click.option("--keep", is_flag=True, help="Keep the graph already in the database.")
@_boundary
def demo_cmd(out: Path, keep: bool) -> None:
    """The main job: sample data into the local case `demo`, then the report and maps.

    The demo has its own local database (case `demo`, emptied on each run unless
    --keep), so it never touches the cases you ingest into.

    \b
    Example:
      netintel demo --out out/demo
    """
    from netintel.demo import DEMO_CASE, run_demo

    flags = _flags()
    if (flags.case or os.environ.get("NETINTEL_CASE")) and flags.case_name() != DEMO_CASE:
        raise click.UsageError(
            f"netintel demo always runs in its own case {DEMO_CASE!r}; drop --case/NETINTEL_CASE"
        )
    conn = flags.connection(case=DEMO_CASE)
    result = run_demo(out, clear=not keep, echo=click.echo, connection=conn)
    click.echo(f"report: {result.report} (and {result.report_html})")
    click.echo(f"map: {result.map_html}")
    if result.call_map:
        click.echo(f"call map: {result.call_map}")


# ------------------------------------------------------------------------- report


@cli.command("report")
@_out_dir("out/report", "Folder for report.md, report.html and map.html.")
@_whole("--seeds", 10, "Louvain runs in the gang consensus.")
@_seed("First seed.")
@_whole("--top", 10, "People listed per key-player metric.")
@click.option("--no-map", is_flag=True, help="Skip the map.")
@click.option(
    "--redact/--no-redact", default=False, show_default=True, help="Pseudonyms on the map."
)
@_boundary
def report_cmd(out: Path, seeds: int, seed: int, top: int, no_map: bool, redact: bool) -> None:
    """The case report of the graph: contents, ingests, gangs, key players, chains.

    Gangs come from a seeded Louvain consensus (stability per community, leaders,
    brokers); run it again in the same folder to see who moved.

    \b
    Example:
      netintel report --out out/report --seeds 20
    """
    from netintel.report import case_report

    with _session() as db:
        made = case_report(
            db.driver,
            out,
            database=db.database,
            seeds=seeds,
            seed=seed,
            top=top,
            make_map=not no_map,
            redact=redact,
            echo=lambda msg: click.echo(msg, err=True),
        )
    click.echo(f"report: {made.markdown} (and {made.html})")
    if made.map_html:
        click.echo(f"map: {made.map_html}")


def main() -> None:
    """Entry point of the ``netintel`` console script."""
    cli(prog_name="netintel")


if __name__ == "__main__":  # pragma: no cover
    main()

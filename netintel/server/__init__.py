"""The local Neo4j 5.26 Community server that netintel starts itself when NEO4J_URI is not set.

It is Neo4j's real database engine, embedded in a small Java program (``LocalNeo4j.java``)
that enables the Bolt connector on loopback with authentication on. The jars come from Maven
Central through Maven (``pom.xml``, once; Maven's own cache ``~/.m2`` is kept), the program is
compiled with the machine's JDK 17+, and the server runs as a detached background process,
so it outlives the Python process that started it until :func:`stop` is called.

Layout of a state folder (see :func:`state_dir`)::

    <state>/neo4j-5.26.30/      runtime, shared: lib/ (jars), classes/, pom.xml, maven.log
    <state>/neo4j-data/         the database (data/, logs/debug.log)
    <state>/password            generated password of user neo4j (mode 0600)
    <state>/server.json         uri, pid, port of the running server (mode 0600)
    <state>/neo4j.log           the server's stdout and stderr

The runtime always lives in the default state folder, also when :func:`start` is given another
``state_dir`` (tests use temporary state folders and share the jars).

Cases: Neo4j Community holds one user database per server, so each case is its own state folder
with its own server process and port (:func:`case_dir`). The case ``default`` is the state
folder itself (where the data of netintel before cases already is); any other case ``NAME``
lives in ``<state>/cases/NAME``. The current case is ``$NETINTEL_CASE`` (``netintel --case``),
else ``default``.
POSIX only (file locks with ``fcntl``, signals).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import itertools
import json
import logging
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import neo4j
import psutil
from neo4j.exceptions import AuthError, DriverError, Neo4jError

from netintel.exceptions import CaseError, ServerError

__all__ = [
    "CASE_ENV",
    "DEFAULT_CASE",
    "NEO4J_VERSION",
    "USER",
    "ServerInfo",
    "case_dir",
    "cases",
    "check_case_name",
    "current_case",
    "ensure_runtime",
    "runtime_dir",
    "start",
    "state_dir",
    "status",
    "stop",
    "store_size",
]

log = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
_POM = _HERE / "pom.xml"
_JAVA_SOURCE = _HERE / "LocalNeo4j.java"
_MAIN_CLASS = "LocalNeo4j"


def _pom_version() -> str:
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", _POM.read_text("utf-8"))
    if match is None:  # pragma: no cover - the pom ships with the package
        raise ServerError(f"{_POM} does not declare <neo4j.version>")
    return match.group(1).strip()


NEO4J_VERSION = _pom_version()
"""The Neo4j version the local server runs (from ``pom.xml``)."""
USER = "neo4j"
HOST = "127.0.0.1"
MIN_JAVA = 17

_READY_TAG = "NETINTEL-NEO4J READY"
_LOG_ROTATE_BYTES = 10 * 1024 * 1024
_SIZE = re.compile(r"^[1-9][0-9]*[kmgKMG]?$")
_JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "-Dfile.encoding=UTF-8",
    # What Neo4j's page cache and Netty want on Java 17 to avoid their slow fallbacks.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
)
_EXTRA_JVM_FLAGS_ENV = "NETINTEL_NEO4J_JAVA_OPTS"

# Servers started by this process: kept so that their exit is reaped (no zombies).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ServerInfo:
    """A running local server: where it answers and how to log in."""

    uri: str
    user: str
    password: str = dataclasses.field(repr=False)
    pid: int
    state_dir: Path
    data_dir: Path
    neo4j_version: str
    #: LOAD CSV reads ``file:///name.csv`` from here
    import_dir: Path


# --------------------------------------------------------------------------- locations


def state_dir() -> Path:
    """The default state folder: ``$NETINTEL_HOME``, else ``$XDG_STATE_HOME/netintel``,
    else ``~/.local/state/netintel``."""
    home = os.environ.get("NETINTEL_HOME")
    if home:
        return Path(home).expanduser().resolve()
    xdg = os.environ.get("XDG_STATE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "netintel"
    return Path.home() / ".local" / "state" / "netintel"


def runtime_dir() -> Path:
    """Where the jars and the compiled launcher live: ``<default state>/neo4j-<version>``."""
    return state_dir() / f"neo4j-{NEO4J_VERSION}"


CASE_ENV = "NETINTEL_CASE"
"""Environment variable naming the current case (``netintel --case`` sets it)."""
DEFAULT_CASE = "default"
"""The case whose state folder is :func:`state_dir` itself."""
_CASE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_case_name(name: str) -> str:
    """``name`` if it can name a case, else :class:`~netintel.exceptions.CaseError`.

    A case name is 1 to 64 letters, digits, ``.``, ``_`` or ``-``, starting with a letter
    or a digit (it becomes a folder name).

    Parameters
    ----------
    name : str
        The proposed case name.

    Returns
    -------
    str
        ``name`` itself.

    Raises
    ------
    CaseError
        When ``name`` is not a string of that form.

    Examples
    --------
    >>> check_case_name("notebook-01")
    'notebook-01'
    >>> check_case_name("../x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netintel.exceptions.CaseError: '../x' is not a case name: use 1 to 64 letters, ...
    """
    if not isinstance(name, str) or _CASE_NAME.fullmatch(name) is None:
        raise CaseError(
            f"{name!r} is not a case name: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or a digit"
        )
    return name


def current_case() -> str:
    """The case named by ``$NETINTEL_CASE`` (checked), else ``default``."""
    name = os.environ.get(CASE_ENV, "").strip()
    return check_case_name(name) if name else DEFAULT_CASE


def case_dir(case: str | None = None) -> Path:
    """The state folder of ``case`` (default :func:`current_case`); not created here.

    ``default`` is :func:`state_dir` itself; any other case is ``<state_dir>/cases/<case>``.

    Parameters
    ----------
    case : str or None, default None
        The case's name; None means :func:`current_case`.

    Returns
    -------
    pathlib.Path
        The case's state folder.

    Raises
    ------
    CaseError
        When ``case`` (or ``$NETINTEL_CASE``) is not a valid case name.
    """
    name = check_case_name(case) if case is not None else current_case()
    root = state_dir()
    return root if name == DEFAULT_CASE else root / "cases" / name


def cases() -> list[str]:
    """Every case that has a state folder: ``default`` first, then the others by name."""
    found = [DEFAULT_CASE]
    folder = state_dir() / "cases"
    if folder.is_dir():
        found += sorted(
            p.name
            for p in folder.iterdir()
            if p.is_dir() and _CASE_NAME.fullmatch(p.name) and p.name != DEFAULT_CASE
        )
    return found


def _resolve_state(sd: Path | None) -> Path:
    path = Path(sd).expanduser().resolve() if sd is not None else case_dir()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _data_dir(sd: Path) -> Path:
    return sd / "neo4j-data"


def _import_dir(sd: Path) -> Path:
    return sd / "import"


def _record_path(sd: Path) -> Path:
    return sd / "server.json"


def _password_path(sd: Path) -> Path:
    return sd / "password"


def _log_path(sd: Path) -> Path:
    return sd / "neo4j.log"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Exclusive lock on ``folder/.lock`` across processes (blocks until free)."""
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _say(progress: Progress | None, message: str) -> None:
    log.info(message)
    if progress is not None:
        progress(message)


# --------------------------------------------------------------------------- runtime


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _file_tail(path: Path, lines: int = 40, offset: int = 0) -> str:
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(offset, size - 64 * 1024))
            return _tail(fh.read().decode("utf-8", "replace"), lines)
    except OSError:
        return "(no log)"


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _tool(name: str) -> str:
    """``$JAVA_HOME/bin/<name>`` when JAVA_HOME is set (java, javac), else from PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and name in ("java", "javac"):
        candidate = Path(java_home) / "bin" / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        hint = {
            "java": "Install a JDK 17 or 21 (e.g. `apt install openjdk-17-jdk-headless`)",
            "javac": "Install a JDK 17 or 21, not only a JRE "
            "(e.g. `apt install openjdk-17-jdk-headless`)",
            "mvn": "Install Apache Maven (e.g. `apt install maven`); it is needed once to "
            "fetch the Neo4j jars",
        }[name]
        raise ServerError(
            f"`{name}` was not found on PATH. {hint}, or set NEO4J_URI to use your own Neo4j."
        )
    return found


@cache
def _java_major(java: str) -> int:
    try:
        out = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as err:
        raise ServerError(f"cannot run {java}: {err}") from err
    text = out.stderr + out.stdout
    match = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if match is None:
        raise ServerError(f"cannot tell the Java version from `{java} -version`:\n{_tail(text)}")
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8.0_..."
        major = int(match.group(2))
    return major


def _java() -> str:
    java = _tool("java")
    major = _java_major(java)
    if major < MIN_JAVA:
        raise ServerError(
            f"Neo4j {NEO4J_VERSION} needs Java {MIN_JAVA} or newer; {java} is Java {major}. "
            "Install a JDK 17 or 21 or point JAVA_HOME at one."
        )
    return java


def _lib_complete(lib: Path, pom_hash: str) -> bool:
    try:
        marker = json.loads((lib / ".netintel-complete.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    jars = marker.get("jars") or []
    return (
        marker.get("pom_sha256") == pom_hash
        and bool(jars)
        and all((lib / name).is_file() for name in jars)
    )


def _resolve_jars(rt: Path, pom_hash: str, progress: Progress | None) -> None:
    mvn = _tool("mvn")
    pom = rt / "pom.xml"
    shutil.copyfile(_POM, pom)
    partial = rt / "lib.partial"
    shutil.rmtree(partial, ignore_errors=True)
    _say(
        progress,
        f"Resolving the Neo4j {NEO4J_VERSION} jars with Maven into {rt / 'lib'} "
        "(first run only; downloads about 150 MB unless ~/.m2 has them)...",
    )
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={partial}",
    ]
    started = time.monotonic()
    try:
        out = subprocess.run(cmd, cwd=rt, capture_output=True, text=True, timeout=3600, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ServerError(f"Maven could not run ({' '.join(cmd)}): {err}") from err
    output = out.stdout + out.stderr
    (rt / "maven.log").write_text(output, "utf-8")
    jars = sorted(p.name for p in partial.glob("*.jar")) if partial.is_dir() else []
    if out.returncode != 0 or not any(j.startswith("neo4j-bolt-") for j in jars):
        shutil.rmtree(partial, ignore_errors=True)
        raise ServerError(
            f"Maven could not resolve the Neo4j {NEO4J_VERSION} jars (exit code "
            f"{out.returncode}; offline? proxy? see ~/.m2/settings.xml). "
            f"Last lines of its output:\n{_tail(output) or '(none)'}"
        )
    marker = {"pom_sha256": pom_hash, "jars": jars}
    (partial / ".netintel-complete.json").write_text(json.dumps(marker, indent=1), "utf-8")
    lib = rt / "lib"
    shutil.rmtree(lib, ignore_errors=True)
    partial.rename(lib)
    _say(progress, f"{len(jars)} jars ready in {time.monotonic() - started:.1f} s")


def _compile(rt: Path, source_hash: str, progress: Progress | None) -> None:
    javac = _tool("javac")
    partial = rt / "classes.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    _say(progress, f"Compiling {_JAVA_SOURCE.name}...")
    cmd = [
        javac,
        "--release",
        str(MIN_JAVA),
        "-encoding",
        "UTF-8",
        "-cp",
        str(rt / "lib" / "*"),
        "-d",
        str(partial),
        str(_JAVA_SOURCE),
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ServerError(f"javac could not run: {err}") from err
    if out.returncode != 0 or not (partial / f"{_MAIN_CLASS}.class").is_file():
        shutil.rmtree(partial, ignore_errors=True)
        raise ServerError(
            f"javac failed to compile {_JAVA_SOURCE} (exit code {out.returncode}):\n"
            f"{_tail(out.stdout + out.stderr)}"
        )
    (partial / ".source-sha256").write_text(source_hash, "utf-8")
    classes = rt / "classes"
    shutil.rmtree(classes, ignore_errors=True)
    partial.rename(classes)


def ensure_runtime(progress: Progress | None = None) -> Path:
    """Make the jars and the compiled launcher ready; return the runtime folder.

    The first call runs ``mvn dependency:copy-dependencies`` into ``<runtime>/lib`` (Maven's
    cache ``~/.m2`` makes repeats cheap) and compiles ``LocalNeo4j.java`` into
    ``<runtime>/classes``. Later calls only check: the jars are resolved again when
    ``pom.xml`` changed, the launcher is compiled again when its source changed.

    Parameters
    ----------
    progress : callable or None, default None
        Called with each status message (also logged); None only logs them.

    Returns
    -------
    pathlib.Path
        The runtime folder, :func:`runtime_dir`.
    """
    rt = runtime_dir()
    rt.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _locked(rt):
        _java()
        pom_hash = _sha256(_POM.read_bytes())
        if not _lib_complete(rt / "lib", pom_hash):
            _resolve_jars(rt, pom_hash, progress)
        source_hash = _sha256(_JAVA_SOURCE.read_bytes(), pom_hash.encode())
        try:
            compiled = (rt / "classes" / ".source-sha256").read_text("utf-8").strip()
        except OSError:
            compiled = ""
        if compiled != source_hash or not (rt / "classes" / f"{_MAIN_CLASS}.class").is_file():
            _compile(rt, source_hash, progress)
    return rt


# --------------------------------------------------------------------------- records


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with mode 0600."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _password(sd: Path) -> str:
    """The password of user neo4j: read from ``<state>/password``, generated once."""
    path = _password_path(sd)
    try:
        password = path.read_text("utf-8").strip()
    except FileNotFoundError:
        password = ""
    if len(password) >= 8:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return password
    password = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password + "\n")
    os.chmod(path, 0o600)  # also when the file existed (empty) with other permissions
    return password


def _read_record(sd: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(_record_path(sd).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        _record_path(sd).unlink(missing_ok=True)
        return None
    return record if isinstance(record, dict) and "pid" in record else None


def _write_record(sd: Path, record: dict[str, Any]) -> None:
    _write_private(_record_path(sd), json.dumps(record, indent=1) + "\n")


def _remove_record(sd: Path) -> None:
    _record_path(sd).unlink(missing_ok=True)


def _info(sd: Path, record: dict[str, Any], password: str) -> ServerInfo:
    return ServerInfo(
        uri=str(record["uri"]),
        user=USER,
        password=password,
        pid=int(record["pid"]),
        state_dir=sd,
        data_dir=Path(record.get("data_dir") or _data_dir(sd)),
        neo4j_version=str(record.get("neo4j_version") or NEO4J_VERSION),
        import_dir=_import_dir(sd),
    )


# --------------------------------------------------------------------------- processes


def _alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        _CHILDREN.pop(pid, None)
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _is_ours(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is a live LocalNeo4j process serving ``data_dir``."""
    if not _alive(pid):
        return False
    try:
        cmdline = psutil.Process(pid).cmdline()
    except psutil.Error:
        return False
    return _MAIN_CLASS in cmdline and _arg(cmdline, "--home") == str(data_dir)


def _arg(cmdline: list[str], flag: str) -> str | None:
    """The value after ``flag`` in a command line."""
    return next((value for f, value in itertools.pairwise(cmdline) if f == flag), None)


def _orphan(sd: Path) -> dict[str, Any] | None:
    """A server of this state folder that runs although ``server.json`` is missing."""
    data = str(_data_dir(sd))
    for proc in psutil.process_iter(["pid", "cmdline"]):
        cmdline = proc.info.get("cmdline") or []
        if _MAIN_CLASS in cmdline and _arg(cmdline, "--home") == data and _alive(proc.pid):
            port_arg = _arg(cmdline, "--port")
            if port_arg is not None and port_arg.isdigit():
                port = int(port_arg)
                return {
                    "pid": proc.pid,
                    "port": port,
                    "uri": f"bolt://{HOST}:{port}",
                    "data_dir": data,
                }
    return None


def _live_record(sd: Path) -> dict[str, Any] | None:
    """The record of the server of ``sd`` if its process runs; stale records are removed."""
    record = _read_record(sd)
    if record is not None and _is_ours(int(record["pid"]), _data_dir(sd)):
        return record
    _remove_record(sd)
    record = _orphan(sd)
    if record is not None:
        _write_record(sd, record)
    return record


def _wait_exit(pid: int, timeout: float) -> bool:
    """Wait until ``pid`` has exited (reaping it if it is our child); False on timeout.

    A process that another process started and has not reaped yet stays a zombie after
    it exits (a server started by a parent process, say, stopped by its child): it has
    exited all the same, so the wait polls :func:`_alive`, which says so, rather than
    waiting for the process to be gone (which only its parent can make happen).
    """
    child = _CHILDREN.get(pid)
    if child is not None:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        _CHILDREN.pop(pid, None)
        return True
    deadline = time.monotonic() + timeout
    delay = 0.02
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)
    return True


def _terminate(pid: int, timeout: float) -> None:
    """SIGTERM, wait for a clean exit, SIGKILL only after ``timeout``."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        _wait_exit(pid, 1)
        return
    if _wait_exit(pid, timeout):
        return
    log.warning("Neo4j (pid %d) did not stop within %.0f s; killing it", pid, timeout)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_exit(pid, 30)


def _port_open(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _probe(uri: str, password: str) -> str:
    """Log in over Bolt; return the Neo4j version. Raises the driver's errors."""
    with neo4j.GraphDatabase.driver(
        uri, auth=(USER, password), connection_timeout=5, max_connection_pool_size=1
    ) as drv:
        drv.verify_connectivity()
        agent = drv.get_server_info().agent  # "Neo4j/5.26.30"
    return agent.split("/", 1)[-1]


def _wait_answering(
    uri: str,
    password: str,
    deadline: float,
    alive: Callable[[], bool],
    ready: Callable[[], bool] | None = None,
) -> str | None:
    """Poll Bolt until it answers (version) or the process dies / the deadline passes (None).

    ``ready`` (if given) gates the Bolt probes, so that nothing else listening on the port
    is ever talked to.
    """
    delay = 0.1
    while True:
        try:
            if ready is None or ready():
                return _probe(uri, password)
        except AuthError as err:
            raise ServerError(
                f"the Neo4j at {uri} rejects the password in the password file ({err.message}). "
                "Was the password file changed while the server ran? Stop it and start again."
            ) from err
        except (DriverError, Neo4jError, OSError):  # not up yet (AuthError is handled above)
            pass
        if not alive() or time.monotonic() >= deadline:
            return None
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


# --------------------------------------------------------------------------- public API


def _check_size(name: str, value: str) -> str:
    if not _SIZE.match(value):
        raise ServerError(f"{name} must look like 512m, 2g or 1048576k, not {value!r}")
    return value


def _rotate_log(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.stat().st_size > _LOG_ROTATE_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))


def start(
    *,
    state_dir: Path | None = None,
    heap: str = "1g",
    page_cache: str = "512m",
    port: int | None = None,
    timeout: float = 120,
    progress: Progress | None = None,
) -> ServerInfo:
    """Start the local Neo4j (or find it running) and return when Bolt answers.

    Idempotent: when the server of this state folder already runs and answers, its info is
    returned (``heap``, ``page_cache`` and ``port`` then do not apply). Otherwise the runtime
    is prepared (:func:`ensure_runtime`, not counted in ``timeout``), a free loopback port is
    picked unless ``port`` is given, and the server is launched detached: it keeps running
    after this Python process exits, until :func:`stop`. ``heap`` and ``page_cache`` take
    Java sizes such as ``1g`` or ``512m``; extra JVM flags can be given in
    ``$NETINTEL_NEO4J_JAVA_OPTS``.

    Parameters
    ----------
    state_dir : pathlib.Path or None, default None
        The server's state folder; None means the current case's (:func:`case_dir`).
    heap : str, default "1g"
        The JVM heap size.
    page_cache : str, default "512m"
        Neo4j's page cache size.
    port : int or None, default None
        The Bolt port on the loopback address; None picks a free one (up to three tries).
    timeout : float, default 120
        Seconds to wait for Bolt to answer.
    progress : callable or None, default None
        Called with each status message (also logged); None only logs them.

    Returns
    -------
    ServerInfo
        The running server's address, credentials and folders.

    Raises
    ------
    ServerError
        When ``heap`` or ``page_cache`` is not a size, when a running server does not
        answer within ``timeout``, or when the given (or every picked) port is taken.
    """
    _check_size("heap", heap)
    _check_size("page_cache", page_cache)
    sd = _resolve_state(state_dir)
    with _locked(sd):
        record = _live_record(sd)
        if record is not None:
            pid = int(record["pid"])
            password = _password(sd)
            version = _wait_answering(
                str(record["uri"]),
                password,
                time.monotonic() + timeout,
                lambda: _alive(pid),
            )
            if version is not None:
                record.setdefault("neo4j_version", version)
                return _info(sd, record, password)
            if _alive(pid):
                raise ServerError(
                    f"the local Neo4j (pid {pid}) runs but does not answer at {record['uri']} "
                    f"within {timeout:.0f} s; stop it with netintel.server.stop(). "
                    f"Last lines of {_log_path(sd)}:\n{_file_tail(_log_path(sd))}"
                )
            _remove_record(sd)

        rt = ensure_runtime(progress)
        password = _password(sd)
        attempts = 1 if port is not None else 3
        for attempt in range(1, attempts + 1):
            chosen = port if port is not None else _free_port()
            try:
                return _launch(sd, rt, password, heap, page_cache, chosen, timeout, progress)
            except _PortTaken:
                if attempt == attempts:
                    raise ServerError(
                        f"port {chosen} on {HOST} is in use; pass another port"
                    ) from None
    raise AssertionError("unreachable")  # pragma: no cover


class _PortTaken(Exception):
    pass


def _launch(
    sd: Path,
    rt: Path,
    password: str,
    heap: str,
    page_cache: str,
    port: int,
    timeout: float,
    progress: Progress | None,
) -> ServerInfo:
    data = _data_dir(sd)
    data.mkdir(mode=0o700, exist_ok=True)
    _import_dir(sd).mkdir(mode=0o700, exist_ok=True)
    uri = f"bolt://{HOST}:{port}"
    cmd = _java_command(sd, rt, heap, page_cache, port)
    log_path = _log_path(sd)
    _say(
        progress,
        f"Starting Neo4j {NEO4J_VERSION} on {uri} (heap {heap}, "
        f"page cache {page_cache}, data {data})...",
    )
    proc, offset = _spawn(cmd, sd, log_path)
    _CHILDREN[proc.pid] = proc
    record: dict[str, Any] = {
        "uri": uri,
        "pid": proc.pid,
        "port": port,
        "data_dir": str(data),
        "log": str(log_path),
        "started": time.time(),
    }
    _write_record(sd, record)
    started = time.monotonic()
    record["neo4j_version"] = _answering(sd, proc, uri, password, timeout, log_path, offset)
    _write_record(sd, record)
    _say(
        progress,
        f"Neo4j {record['neo4j_version']} answers on {uri} "
        f"(started in {time.monotonic() - started:.1f} s)",
    )
    return _info(sd, record, password)


def _java_command(sd: Path, rt: Path, heap: str, page_cache: str, port: int) -> list[str]:
    """The command line that runs the local Neo4j of state folder ``sd``."""
    return [
        _java(),
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *_JVM_FLAGS,
        *shlex.split(os.environ.get(_EXTRA_JVM_FLAGS_ENV, "")),
        "-cp",
        f"{rt / 'classes'}{os.pathsep}{rt / 'lib' / '*'}",
        _MAIN_CLASS,
        "--home",
        str(_data_dir(sd)),
        "--port",
        str(port),
        "--page-cache",
        page_cache,
        "--password-file",
        str(_password_path(sd)),
        "--import-dir",
        str(_import_dir(sd)),
    ]


def _spawn(cmd: list[str], sd: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``cmd`` in a session of its own, its output appended to the (rotated) log;
    the process and the log's offset where its output starts."""
    _rotate_log(log_path)
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as log_file:
        offset = log_file.seek(0, os.SEEK_END)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        log_file.write(f"\n===== {stamp} netintel starts: {shlex.join(cmd)}\n".encode())
        log_file.flush()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=sd,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as err:
            raise ServerError(f"cannot launch Java: {err}") from err
    return proc, offset


def _answering(
    sd: Path,
    proc: subprocess.Popen[bytes],
    uri: str,
    password: str,
    timeout: float,
    log_path: Path,
    offset: int,
) -> str:
    """Wait until the server started as ``proc`` answers; its version. A server that exits
    or stays silent is stopped, its record removed, and the error says why (from its log)."""
    try:
        version = _wait_answering(
            uri,
            password,
            time.monotonic() + timeout,
            lambda: proc.poll() is None,
            ready=lambda: _READY_TAG in _read_from(log_path, offset),
        )
    except BaseException:
        _terminate(proc.pid, 30)
        _remove_record(sd)
        raise
    if version is not None:
        return version
    tail = _file_tail(log_path, offset=offset)
    code = proc.poll()
    _terminate(proc.pid, 30)
    _remove_record(sd)
    if "BindException" in tail or "Address already in use" in tail:
        raise _PortTaken()
    what = (
        f"exited with code {code}"
        if code is not None
        else f"did not answer on {uri} within {timeout:.0f} s"
    )
    raise ServerError(f"the local Neo4j {what}. Last lines of {log_path}:\n{tail}")


def status(*, state_dir: Path | None = None) -> ServerInfo | None:
    """The running server of the state folder, or None (a stale ``server.json`` is removed).

    "Running" means its process is alive and its Bolt port accepts connections.

    Parameters
    ----------
    state_dir : pathlib.Path or None, default None
        The server's state folder; None means the current case's (:func:`case_dir`).

    Returns
    -------
    ServerInfo or None
        The running server's info, or None when none runs.
    """
    sd = _resolve_state(state_dir)
    record = _live_record(sd)
    if record is None or not _port_open(int(record["port"])):
        return None
    try:
        password = _password_path(sd).read_text("utf-8").strip()
    except OSError:
        password = ""
    return _info(sd, record, password)


def stop(*, state_dir: Path | None = None, timeout: float = 60) -> bool:
    """Stop the server cleanly (SIGTERM; SIGKILL only after ``timeout``).

    Returns whether a server was running and has been stopped.

    Parameters
    ----------
    state_dir : pathlib.Path or None, default None
        The server's state folder; None means the current case's (:func:`case_dir`).
    timeout : float, default 60
        Seconds to wait after SIGTERM before SIGKILL.

    Returns
    -------
    bool
        True when a server was running and has been stopped, False when none ran.
    """
    sd = _resolve_state(state_dir)
    with _locked(sd):
        record = _live_record(sd)
        if record is None:
            return False
        pid = int(record["pid"])
        log.info("stopping the local Neo4j (pid %d)", pid)
        _terminate(pid, timeout)
        _remove_record(sd)
        return True


def store_size(info: ServerInfo) -> int:
    """Bytes of the files in the server's data folder (store, transaction logs, logs).

    Parameters
    ----------
    info : ServerInfo
        The server (as :func:`start` or :func:`status` returns it).

    Returns
    -------
    int
        The total size in bytes of the files under ``info.data_dir`` (unreadable ones
        skipped; symbolic links counted as links).
    """
    total = 0
    for root, _dirs, files in os.walk(info.data_dir):
        for name in files:
            with contextlib.suppress(OSError):
                st = os.lstat(os.path.join(root, name))
                total += st.st_size
    return total

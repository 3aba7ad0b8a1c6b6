"""Neo4j's offline importer (``neo4j-admin database import full``) on a local case's store.

The importer is ``org.neo4j:neo4j-import-tool`` of the server's own version; it comes with
the server's jars (``pom.xml`` resolves ``org.neo4j:neo4j``, which depends on it), so
``netintel db prepare`` has fetched it. It runs as Neo4j's admin launcher
(``org.neo4j.cli.AdminTool``) in its own JVM, with ``NEO4J_HOME`` set to the case's
``neo4j-data`` folder, the home the local server runs on; so the imported store is the one
the server opens.

The server of the case must not run meanwhile: :func:`offline` stops it (in the background,
while the caller prepares the importer's files) and starts it again afterwards with the same
port, heap and page cache (also when the import fails).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from netintel import server
from netintel.exceptions import ServerError

__all__ = [
    "ADMIN_MAIN_CLASS",
    "ImportFiles",
    "Stopping",
    "import_full",
    "import_tool_jar",
    "offline",
]

ADMIN_MAIN_CLASS = "org.neo4j.cli.AdminTool"
"""The main class of ``neo4j-admin`` (in ``neo4j-command-line``)."""


def import_tool_jar(runtime: Path | None = None) -> Path:
    """The ``neo4j-import-tool`` jar of the server's Neo4j version in the runtime's ``lib``.

    Raises :class:`~netintel.exceptions.ServerError` when it is missing (a runtime
    resolved by another version of netintel: ``netintel db prepare`` resolves it again).

    Parameters
    ----------
    runtime : pathlib.Path or None, default None
        The runtime folder; None means :func:`netintel.server.runtime_dir`.

    Returns
    -------
    pathlib.Path
        The jar's path.

    Raises
    ------
    ServerError
        When the jar is missing.
    """
    lib = (runtime if runtime is not None else server.runtime_dir()) / "lib"
    jar = lib / f"neo4j-import-tool-{server.NEO4J_VERSION}.jar"
    if not jar.is_file():
        raise ServerError(
            f"Neo4j's importer {jar.name} is missing from {lib}; run `netintel db prepare` "
            "to resolve the server's jars again"
        )
    return jar


@dataclass(frozen=True)
class ImportFiles:
    """One ``--nodes`` or ``--relationships`` group: a label or type, a header, data files."""

    name: str
    header: Path
    data: tuple[Path, ...]

    def argument(self) -> str:
        return f"{self.name}={','.join(str(p) for p in (self.header, *self.data))}"


def _flag(cmdline: list[str], prefix: str) -> str | None:
    return next((a[len(prefix) :] for a in cmdline if a.startswith(prefix)), None)


class Stopping:
    """The case's server on its way down (:func:`offline`): :meth:`wait` until it is."""

    def __init__(self, state_dir: Path, pid: int, data_dir: Path) -> None:
        self.state_dir, self.pid, self.data_dir = state_dir, pid, data_dir
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._stop, name="netintel-stop", daemon=True)
        self._thread.start()

    def _stop(self) -> None:
        try:
            server.stop(state_dir=self.state_dir)
        except BaseException as err:  # handed to wait()
            self._error = err

    def wait(self) -> float:
        """Return once the server has stopped (its store may then be written); the
        seconds waited. Raises what stopping it raised."""
        t = time.perf_counter()
        self._thread.join()
        if self._error is not None:
            raise self._error
        if server._alive(self.pid):  # pragma: no cover - stop() kills it after its timeout
            raise ServerError(f"the local Neo4j (pid {self.pid}) did not stop")
        return time.perf_counter() - t


@contextlib.contextmanager
def offline(
    state_dir: Path, *, timeout: float = 120, progress: server.Progress | None = None
) -> Iterator[Stopping]:
    """Stop the case's server, meanwhile yield; start it again after.

    The server stops in a thread of its own, so that the caller can go on (prepare the
    importer's files, say) meanwhile; :meth:`Stopping.wait` returns once it has stopped,
    and only then may its data folder (``Stopping.data_dir``) be written. Nothing can
    write into the database from the moment the server begins to stop.

    The server comes back on the same port with the heap and page cache it ran with
    (read from its command line), so a driver opened before keeps working; also when
    the block fails. Raises :class:`~netintel.exceptions.ServerError` when the case's
    server does not run.

    Parameters
    ----------
    state_dir : pathlib.Path
        The case's state folder.
    timeout : float, default 120
        Seconds to wait for the restarted server to answer.
    progress : callable or None, default None
        Called with each status message (also logged); None only logs them.

    Yields
    ------
    Stopping
        The server on its way down: ``wait()`` before writing its ``data_dir``.

    Raises
    ------
    ServerError
        When the case's server does not run (or does not start again).
    """
    sd = Path(state_dir).expanduser().resolve()
    info = server.status(state_dir=sd)
    if info is None:
        raise ServerError(f"the local Neo4j of {sd} does not run")
    heap, page_cache = "1g", "512m"
    with contextlib.suppress(psutil.Error):
        cmdline = psutil.Process(info.pid).cmdline()
        heap = _flag(cmdline, "-Xmx") or heap
        page_cache = server._arg(cmdline, "--page-cache") or page_cache
    port = int(info.uri.rsplit(":", 1)[1])
    server._say(progress, f"Stopping Neo4j (pid {info.pid}) for the offline import...")
    stopping = Stopping(sd, info.pid, info.data_dir)
    try:
        yield stopping
    finally:
        stopping._thread.join()
        server.start(
            state_dir=sd, heap=heap, page_cache=page_cache, port=port, timeout=timeout,
            progress=progress,
        )  # fmt: skip


def import_full(
    data_dir: Path,
    nodes: Sequence[ImportFiles],
    relationships: Sequence[ImportFiles],
    *,
    work_dir: Path,
    array_delimiter: str,
    multiline: bool = False,
    heap: str = "2g",
    off_heap: str = "2g",
    threads: int | None = None,
    progress: server.Progress | None = None,
) -> float:
    """Run ``neo4j-admin database import full neo4j`` into ``data_dir``; seconds taken.

    ``heap`` is the importer JVM's heap, ``off_heap`` its ``--max-off-heap-memory`` (its
    own default, 90% of the free memory, is not a good neighbour). The database's files
    are replaced (``--overwrite-destination``). Any bad entry fails the import
    (``--bad-tolerance=0``): a duplicate node id, a relationship to a missing node, a
    value that does not parse. The rows were validated before, so one would be a bug.
    The server of ``data_dir`` must not run (:func:`offline`). The importer's output goes
    to ``work_dir/import.log``; a failure is a :class:`~netintel.exceptions.ServerError`
    with its last lines.

    Parameters
    ----------
    data_dir : pathlib.Path
        The server's data folder (``NEO4J_HOME`` of the import).
    nodes : sequence of ImportFiles
        One ``--nodes`` group per label.
    relationships : sequence of ImportFiles
        One ``--relationships`` group per type.
    work_dir : pathlib.Path
        Folder for the importer's configuration, log and report.
    array_delimiter : str
        The single character separating array values in the data files.
    multiline : bool, default False
        Whether quoted fields may span lines.
    heap : str, default "2g"
        The importer JVM's heap size.
    off_heap : str, default "2g"
        The importer's off-heap memory limit.
    threads : int or None, default None
        Importer threads; None leaves the importer's own default.
    progress : callable or None, default None
        Called with each status message (also logged); None only logs them.

    Returns
    -------
    float
        Seconds the importer ran.

    Raises
    ------
    ServerError
        When the importer cannot be run, its jar is missing, or it fails.
    """
    rt = server.ensure_runtime(progress)
    import_tool_jar(rt)
    conf = work_dir / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "neo4j.conf").write_text("", "utf-8")
    log_path = work_dir / "import.log"
    cmd = [
        server._java(),
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-Dfile.encoding=UTF-8",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-cp",
        str(rt / "lib" / "*"),
        ADMIN_MAIN_CLASS,
        "database",
        "import",
        "full",
        "neo4j",  # before the file lists, which would take it for a file
        "--overwrite-destination=true",
        "--bad-tolerance=0",
        "--strict=true",
        "--skip-bad-relationships=false",
        "--skip-duplicate-nodes=false",
        "--id-type=string",
        '--quote="',
        f"--array-delimiter=U+{ord(array_delimiter):04X}",
        f"--multiline-fields={'true' if multiline else 'false'}",
        f"--report-file={work_dir / 'import.report'}",
        # the importer's default is 90% of the free memory; the machine may be shared
        f"--max-off-heap-memory={off_heap}",
        *[f"--nodes={g.argument()}" for g in nodes],
        *[f"--relationships={g.argument()}" for g in relationships],
    ]
    if threads is not None:
        cmd.append(f"--threads={threads}")
    env = {**os.environ, "NEO4J_HOME": str(data_dir), "NEO4J_CONF": str(conf)}
    server._say(progress, f"Running Neo4j's importer into {data_dir}...")
    started = time.monotonic()
    with log_path.open("wb") as log_file:
        try:
            out = subprocess.run(
                cmd, cwd=work_dir, env=env, stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
        except OSError as err:
            raise ServerError(f"cannot run Neo4j's importer: {err}") from err
    seconds = time.monotonic() - started
    if out.returncode != 0:
        raise ServerError(
            f"Neo4j's importer failed (exit code {out.returncode}); last lines of "
            f"{log_path}:\n{server._file_tail(log_path)}"
        )
    server._say(progress, f"Neo4j's importer finished in {seconds:.1f} s")
    return seconds

"""Batch jobs on a Dask cluster: :func:`netintel.batch.run_batch` with ``client=``.

Each projection instance of the batch (one per region and window) is one Dask task that
reads it, on a worker, either from Neo4j (``source="neo4j"``: the worker opens its own
driver from the :class:`~netintel.config.Connection` it is handed, never from its own
environment, and reads in READ access mode, so a ``neo4j://`` URI routes the reads to a
cluster's secondaries) or from a Parquet snapshot that this process wrote once
(``snapshot="parquet"``, :mod:`netintel.snapshot`; the workers then need no database).
Every job of that projection (algorithm x parameters x seed) is a task depending on it,
so the projection is read once and stays in the workers' memory while its jobs run.

A job task computes the tables and the manifest and sends them back; this process
writes the job folders exactly as the local pool does (so the workers need no shared
file system for the results, only for a snapshot) and reports progress per job. With
``write=True`` the workers store the AnalysisRuns (they must reach the database; the
driver sends the writes to the cluster's leader). A job that fails, or whose worker
dies (Dask retries a task whose worker died, then gives up with ``KilledWorker``), is
reported by name in the :class:`~netintel.exceptions.BatchError` raised once the other
jobs are done; finished jobs stay finished, so running the batch again retries only
the failed ones.

Usage::

    from dask.distributed import Client
    from netintel import config
    from netintel.batch import run_batch

    conn = config.connection()
    with Client("tcp://scheduler:8786") as client, config.driver(conn) as drv:
        batch = run_batch(spec, "out/detect", driver=drv, connection=conn, client=client)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import neo4j

from netintel.config import Connection
from netintel.exceptions import BatchError

if TYPE_CHECKING:
    from distributed import Client, Future

    from netintel.batch import Job, JobResult, _Computed, _Context
    from netintel.projection import Projection

__all__ = [
    "SNAPSHOTS",
    "WORKER_WAIT_S",
    "check_scheduler",
    "close_client",
    "open_client",
    "workers_of",
]

#: Where projections can come from on the workers besides Neo4j.
SNAPSHOTS = ("parquet",)

#: How long :func:`netintel.batch.run_batch` waits for a first worker to join.
WORKER_WAIT_S = 60.0

_READ_NEEDS_CONNECTION = "Dask workers read Neo4j with the connection settings: pass connection="
_WRITE_NEEDS_CONNECTION = "write=True on Dask: the workers store the runs; pass connection="


@dataclass(frozen=True)
class _Finished:
    """A job already in the run folder (found by a worker once it knew the input hash)."""

    key: str
    nodes: int


_SCHEDULER = re.compile(r"(?:(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+|local:(\d+))")


def check_scheduler(value: str) -> str:
    """``value`` if it names a Dask scheduler (``tcp://HOST:PORT``, ``tls://...``) or
    ``local:N`` (N >= 1 local worker processes), else ValueError with the reason.

    Parameters
    ----------
    value : str
        The scheduler's address, or ``local:N``.

    Returns
    -------
    str
        ``value`` itself.

    Raises
    ------
    ValueError
        When ``value`` is neither a scheduler address nor ``local:N`` with N >= 1.

    Examples
    --------
    >>> check_scheduler("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_scheduler("local:2")
    'local:2'
    >>> check_scheduler("10.0.0.5")
    Traceback (most recent call last):
    ...
    ValueError: '10.0.0.5' is not a Dask scheduler: give tcp://HOST:PORT (or tls://...) or local:N
    """
    found = _SCHEDULER.fullmatch(value)
    if found is None or (found.group(2) is not None and int(found.group(2)) < 1):
        raise ValueError(
            f"{value!r} is not a Dask scheduler: give tcp://HOST:PORT (or tls://...) or local:N"
        )
    return value


def open_client(scheduler: str) -> Client:
    """A Dask client for ``scheduler`` (see :func:`check_scheduler`).

    ``local:N`` starts a :class:`dask.distributed.LocalCluster` of N worker processes
    (one thread each, TCP on loopback, the dashboard on a free port) on this machine;
    :func:`close_client` closes both.

    Parameters
    ----------
    scheduler : str
        A scheduler's address (``tcp://HOST:PORT``, ``tls://...``) or ``local:N``.

    Returns
    -------
    dask.distributed.Client
        The connected client.

    Raises
    ------
    ValueError
        When ``scheduler`` is not valid (see :func:`check_scheduler`).
    """
    from dask.distributed import Client, LocalCluster

    check_scheduler(scheduler)
    if scheduler.startswith("local:"):
        n = int(scheduler.removeprefix("local:"))
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=":0",
        )
        client = Client(cluster)
        client._netintel_cluster = cluster  # type: ignore[attr-defined]
        return client
    return Client(scheduler)


def close_client(client: Client) -> None:
    """Close a client of :func:`open_client` (and its local cluster).

    Parameters
    ----------
    client : dask.distributed.Client
        A client :func:`open_client` returned.
    """
    cluster = getattr(client, "_netintel_cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()


# --------------------------------------------------------------------------- on a worker


#: times a projection read is retried on a worker before its jobs fail: a read can fail
#: for a passing reason (a lost connection, a busy server), and the read has no side effect
_RETRIES = 2


def _read_from_neo4j(
    conn: Connection, database: str | None, name: str, options: dict[str, Any]
) -> Projection:
    from netintel.config import driver as open_driver
    from netintel.projection import project

    with open_driver(conn) as drv:
        return project(drv, name, database=database, **options)


def _read_from_snapshot(folder: str) -> Projection:
    from netintel.snapshot import read_snapshot

    return read_snapshot(folder)


def _job_task(
    proj: Projection,
    job: Job,
    existing: frozenset[str],
    conn: Connection | None,
    database: str | None,
    write: bool,
    neo4j_version: str,
) -> _Computed | _Finished:
    from netintel.batch import _compute_job
    from netintel.config import driver as open_driver

    key = job.key(proj.input_hash)
    if job.dirname(key) in existing:
        return _Finished(key, proj.n)
    if not (write and proj.n):
        return _compute_job(
            job, proj, key, driver=None, database=database, write=False, neo4j_version=neo4j_version
        )
    if conn is None:
        raise BatchError(_WRITE_NEEDS_CONNECTION)
    with open_driver(conn) as drv:
        return _compute_job(
            job, proj, key, driver=drv, database=database, write=True, neo4j_version=neo4j_version
        )


def _rewrite_task(
    proj: Projection,
    job: Job,
    stored_nodes: list[str],
    where: str,
    conn: Connection,
    database: str | None,
) -> str:
    from netintel.batch import _rewrite
    from netintel.config import driver as open_driver

    with open_driver(conn) as drv:
        return _rewrite(job, proj, stored_nodes, Path(where), driver=drv, database=database)


# --------------------------------------------------------------------------- here


def scheduler_address(client: Client) -> str:
    """The address of the client's scheduler (``tcp://HOST:PORT``).

    Parameters
    ----------
    client : dask.distributed.Client
        A connected client.

    Returns
    -------
    str
        The scheduler's address, ``"?"`` when the scheduler does not say.
    """
    return str(client.scheduler_info(n_workers=0).get("address", "?"))


def workers_of(client: Client) -> int:
    """How many workers the client's scheduler has (waiting up to :data:`WORKER_WAIT_S`).

    Parameters
    ----------
    client : dask.distributed.Client
        A connected client.

    Returns
    -------
    int
        The number of workers, at least 1.

    Raises
    ------
    BatchError
        When no worker joins within :data:`WORKER_WAIT_S` seconds.
    """
    try:
        client.wait_for_workers(1, timeout=WORKER_WAIT_S)
    except TimeoutError:
        where = scheduler_address(client)
        raise BatchError(
            f"no Dask worker joined the scheduler {where} within {WORKER_WAIT_S:g} s; "
            f"start workers with `dask worker {where}`"
        ) from None
    return len(client.scheduler_info(n_workers=-1)["workers"])


def _check_settings(connection: Connection | None, write: bool, snapshot: str | None) -> None:
    if snapshot is None and connection is None:
        raise BatchError(_READ_NEEDS_CONNECTION)
    if write and connection is None:
        raise BatchError(_WRITE_NEEDS_CONNECTION)


@dataclass(frozen=True)
class _Batch:
    """What every task of one batch on Dask needs to know."""

    client: Client
    ctx: _Context
    driver: neo4j.Driver
    tag: str  # makes the task keys of this batch unique on the scheduler


def _submit_projection(
    run: _Batch,
    g: int,
    first: Job,
    snapshot: Literal["parquet"] | None,
    snapshot_dir: Path,
) -> Future:
    """The task that reads group ``g``'s projection on a worker (from Neo4j or a snapshot)."""
    name = f"netintel-projection-{first.projection}-{g}-{run.tag}"
    if snapshot == "parquet":
        from netintel.batch import _digest
        from netintel.projection import project
        from netintel.snapshot import write_snapshot

        proj = project(run.driver, first.projection, database=run.ctx.database, **first.options)
        digest = _digest([first.projection, dict(first.options)])[:12]
        folder = write_snapshot(
            proj, snapshot_dir / f"{first.projection}-{digest}-{proj.input_hash[:12]}"
        )
        return run.client.submit(
            _read_from_snapshot, str(folder), key=name, pure=False, retries=_RETRIES
        )
    if run.ctx.connection is None:
        raise BatchError(_READ_NEEDS_CONNECTION)
    return run.client.submit(
        _read_from_neo4j,
        run.ctx.connection,
        run.ctx.database,
        first.projection,
        dict(first.options),
        key=name,
        pure=False,
        retries=_RETRIES,
    )


def _submit_job(run: _Batch, projection: Future, job: Job, existing: frozenset[str]) -> Future:
    """The task that computes ``job`` on its projection (or finds it already finished)."""
    return run.client.submit(
        _job_task,
        projection,
        job,
        existing,
        run.ctx.connection if run.ctx.write else None,
        run.ctx.database,
        run.ctx.write,
        run.ctx.neo4j_version,
        key=f"netintel-job-{job.index}-{job.label}-{run.tag}",
        pure=False,
    )


def _reused(run: _Batch, job: Job, found: _Finished, projection: Future) -> JobResult:
    """A job already in the run folder; with ``write``, its AnalysisRun stored (on a worker)."""
    from netintel.batch import JobResult, _finished_manifest, _needs_run, _stored_nodes, _with_run

    path = run.ctx.jobs_dir / job.dirname(found.key)
    manifest = _finished_manifest(path, found.key)
    if run.ctx.write and _needs_run(
        manifest, found.nodes, driver=run.driver, database=run.ctx.database
    ):
        if run.ctx.connection is None:
            raise BatchError(_WRITE_NEEDS_CONNECTION)
        run_id = run.client.submit(
            _rewrite_task,
            projection,
            job,
            _stored_nodes(path),
            str(path),
            run.ctx.connection,
            run.ctx.database,
            pure=False,
        ).result()
        manifest = _with_run(path, manifest, run_id)
    return JobResult.from_manifest(job, path, manifest, "reused")


def _collect(
    run: _Batch,
    projections: dict[int, Future],
    jobs_of: dict[Future, tuple[Job, int]],
    finished: Callable[[JobResult], None],
) -> list[str]:
    """Store each job as its task completes (a projection released after its last job);
    the failed jobs, by label and error."""
    from distributed import as_completed

    from netintel.batch import _store_job

    failed: list[str] = []
    for fut in as_completed(list(jobs_of)):
        job, g = jobs_of.pop(fut)
        try:
            out = fut.result()
            if isinstance(out, _Finished):
                res = _reused(run, job, out, projections[g])
            else:
                res = _store_job(job, out, run.ctx.jobs_dir)
        except Exception as err:  # the job's own error, or KilledWorker
            failed.append(f"{job.label}: {type(err).__name__}: {err}")
            continue
        if not any(gg == g for _, gg in jobs_of.values()):
            projections.pop(g).release()
        finished(res)
    return failed


def run_on_dask(
    client: Client,
    groups: Sequence[Sequence[Job]],
    ctx: _Context,
    driver: neo4j.Driver,
    snapshot: Literal["parquet"] | None,
    snapshot_dir: Path,
    *,
    finished: Callable[[JobResult], None],
) -> None:
    """Run every job of ``groups`` (jobs grouped by projection instance) on ``client``.

    Parameters
    ----------
    client : dask.distributed.Client
    groups : sequence of sequences of Job
        One group per projection instance: its projection is read once, by one task.
    ctx : netintel.batch._Context
        The batch's ``jobs`` folder (the job folders are written there, by this process),
        the connection settings handed to the workers that read Neo4j or store runs, the
        database, whether to store every result as an AnalysisRun (on the workers), and
        the Neo4j version recorded in the manifests.
    driver : neo4j.Driver
        This process's driver (snapshots, and whether a finished job's run is stored).
    snapshot : "parquet" or None
        Read each projection here and hand the workers a Parquet snapshot of it.
    snapshot_dir : Path
        Where the snapshots go.
    finished : callable
        Called with each :class:`~netintel.batch.JobResult`, in this process.

    Raises
    ------
    BatchError
        Missing connection settings, or jobs that failed (named) once the others are done.
    """
    _check_settings(ctx.connection, ctx.write, snapshot)
    existing = frozenset(
        p.name for p in ctx.jobs_dir.iterdir() if not p.name.startswith(".") and p.is_dir()
    )
    run = _Batch(client, ctx, driver, uuid.uuid4().hex[:8])
    projections: dict[int, Future] = {}
    jobs_of: dict[Future, tuple[Job, int]] = {}
    try:
        for g, group in enumerate(groups):
            projections[g] = _submit_projection(run, g, group[0], snapshot, snapshot_dir)
            for job in group:
                jobs_of[_submit_job(run, projections[g], job, existing)] = (job, g)
        failed = _collect(run, projections, jobs_of, finished)
    except BaseException:
        client.cancel([*jobs_of, *projections.values()], force=True)
        raise
    if failed:
        total = sum(len(g) for g in groups)
        raise BatchError(
            f"{len(failed)} of {total} jobs failed on Dask (the others are in {ctx.jobs_dir}; "
            "run the batch again to retry the failed ones): " + "; ".join(failed)
        )

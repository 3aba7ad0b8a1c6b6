"""Batch community detection: projections x algorithms x seeds, resumable and in parallel.

A *batch* is described by a :class:`BatchSpec` (in Python, or in a YAML/TOML run file read
by :func:`load_run_file`; see ``docs/batch.md``): projections (a name and options, optionally
split into one projection per region and per time window), algorithms (``find_gangs``, the
default, and by name Louvain, Leiden, label propagation and Infomap, each with its
parameters; a list of resolutions is a sweep) and seeds. Every combination is one *job*. For
each job :func:`run_batch` projects the network, runs :func:`~netintel.algorithms.find_gangs`
or a seeded :func:`~netintel.algorithms.consensus` of the named algorithm (stability per
person and per community), finds each community's leaders (highest PageRank within it) and
brokers (most brokerage between groups, then participation), and writes a job folder::

    <out>/jobs/<label>-<key>/manifest.json     inputs, Cypher, input hash, parameters,
                                               seeds, versions, timings
    <out>/jobs/<label>-<key>/partition.csv     node, community, [alliance,] stability
    <out>/jobs/<label>-<key>/scores.csv        per node: centrality, brokerage, leader/broker
    <out>/jobs/<label>-<key>/communities.csv   per community: size, stability, [alliance,]
                                               leaders, brokers

For ``find_gangs`` the communities are gangs and ``alliance`` is the index of the alliance
(group of gangs that call each other most, :attr:`~netintel.algorithms.Gangs.levels`) that
holds each gang; the report lists the alliances with their gangs. ``seeds`` (the runs) are
its label-propagation runs; ``infomap_runs`` (default 2) its Infomap runs.

(plus the same tables as ``partition.parquet`` and ``scores.parquet``), then a batch
``manifest.json``, ``report.md`` and ``report.html`` in ``<out>`` (communities, leaders,
brokers, stability and, for each job, NMI/ARI and who moved since the previous run of the
same job spec, found in the same folder or, failing that, among the stored AnalysisRuns).
Where jobs differ only in their time window (``windows``), the report also has a "who moved
between windows" section: their communities matched window to window
(:func:`~netintel.algorithms.track_communities`; :meth:`BatchResult.who_moved`) with the
events, the people who moved and the leaders who changed.

A job's key hashes the projection and its options, the projection's input hash (the data it
read), the algorithm, its parameters, the seeds and the netintel version. A job folder is
written under a temporary name and renamed when complete, so it exists only when finished:
an interrupted batch continues where it stopped, and re-running an identical batch on
unchanged data reuses every job (``status == "reused"``) instead of computing it again.
Projections are read again on every run, so changed data gives new jobs.

With several projections (e.g. one per region) the jobs run in a process pool (``workers``,
default: every core); each worker opens its own driver from the connection settings.
Results do not depend on the number of workers. Workers are spawned, so a script (not a
notebook) must call :func:`run_batch` under ``if __name__ == "__main__":``. With
``client=`` (a ``dask.distributed.Client``) the jobs run on a Dask cluster instead, each
worker reading its projection from Neo4j or from a Parquet snapshot (``snapshot="parquet"``),
with the same results and manifests (:mod:`netintel.cluster`, ``docs/scale.md``). With
``write=True`` each consensus is stored as an AnalysisRun (:func:`netintel.runs.write_run`,
idempotent).

Usage::

    from netintel import config
    from netintel.batch import BatchSpec, load_run_file, run_batch

    spec = BatchSpec.model_validate({
        "projections": [{"name": "person_calls", "regions": ["Henan", "Hunan"]}],
        "algorithms": [{"name": "find_gangs"}, {"name": "louvain", "resolution": [1.0, 2.0]}],
        "seeds": 20,
    })
    conn = config.connection()
    with config.driver(conn) as drv:
        batch = run_batch(spec, "out/detect", driver=drv, connection=conn)
    batch.to_frame()          # one row per job: status, people, communities, stability, moved
    batch.partition(0)        # node, community, stability of the first job
    batch.report_md           # the Markdown report (report_html beside it)

    # the same from a run file, or from the options of `netintel detect`
    spec = load_run_file("detect.yaml")
    spec = BatchSpec.from_options(projection="person_calls", algorithm="find_gangs", seeds=20,
                                  regions=["Henan"], since="2023-01-01", until="2023-07-01")
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import inspect
import json
import multiprocessing
import os
import re
import shutil
import time
import tomllib
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import neo4j
import pandas as pd
import psutil
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from tqdm.auto import tqdm

from netintel import __version__
from netintel.algorithms import (
    Consensus,
    Gangs,
    GangsOverTime,
    consensus,
    find_gangs,
    leaders_and_brokers,
    track_communities,
)
from netintel.algorithms.communities import LOOSE_MEANING
from netintel.algorithms.results import ResultMixin, library_versions, table_dict, to_jsonable
from netintel.config import Connection
from netintel.cypher import query
from netintel.db import run_query
from netintel.exceptions import BatchError
from netintel.manifests import (
    BatchManifest,
    JobAlgorithm,
    JobInputs,
    JobManifest,
    JobOutcome,
    JobSeeds,
)
from netintel.outfiles import write_csv, write_text
from netintel.pages import markdown_page
from netintel.projection import PROJECTIONS, Projection, project
from netintel.values import is_missing

__all__ = [
    "ALGORITHMS",
    "AlgorithmSpec",
    "BatchResult",
    "BatchSpec",
    "Job",
    "JobResult",
    "ProjectionSpec",
    "Window",
    "load_run_file",
    "run_batch",
]

#: Algorithms a batch can run: find_gangs (the default), or one inside a seeded consensus.
ALGORITHMS = ("find_gangs", "louvain", "leiden", "label_propagation", "infomap")

#: Algorithms without a resolution parameter (their job labels carry none).
_NO_RESOLUTION = ("find_gangs", "label_propagation", "infomap")

#: Short names accepted for projections (the layer names of a multiplex).
_ALIASES = {"calls": "person_calls", "phones": "phone_calls"}
ALL_REGIONS = "all"
"""``regions: all`` (``--region all``): one projection per region found in the graph."""

#: Options no run file sets: the projection functions take them from the batch.
_RESERVED = {"driver", "attributes", "database"}


#: Called with each job as it is finished or reused.
_OnJob = Callable[["JobResult"], None]

#: Communities listed per job in the report; moved people listed per job.
_REPORT_COMMUNITIES = 15
_REPORT_MOVED = 10
#: Gangs named per alliance in the report.
_REPORT_GANGS = 8
#: Rows of each "who moved" table (events, movers, leader changes) in the report.
_REPORT_WHO_MOVED = 30


# --------------------------------------------------------------------------- the run file


def _iso(value: Any) -> Any:
    """Dates (YAML and TOML parse them) as ISO strings; anything else unchanged."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _instant(value: str, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is not a date or time: {value!r}") from None
    if ts is pd.NaT:
        raise ValueError(f"{name} is not a date or time: {value!r}")
    return ts.tz_localize(UTC) if ts.tzinfo is None else ts


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Window(_Model):
    """A time window: ``since <= t < until`` (either open); naive times are UTC."""

    since: str | None = None
    until: str | None = None

    @field_validator("since", "until", mode="before")
    @classmethod
    def _date(cls, v: Any) -> Any:
        return _iso(v)

    @model_validator(mode="after")
    def _order(self) -> Window:
        s = None if self.since is None else _instant(self.since, "since")
        u = None if self.until is None else _instant(self.until, "until")
        if s is not None and u is not None and s >= u:
            raise ValueError(f"since ({self.since}) must be before until ({self.until})")
        return self


class ProjectionSpec(_Model):
    """One projection of the batch.

    ``name``: a projection of :data:`netintel.projection.PROJECTIONS` (``calls`` is
    ``person_calls``). ``options``: its keyword options (``since``, ``until``, ``region``,
    ``directed``, ``window``, ``layers``...). ``regions``: one projection (and so one set
    of jobs) per region; ``windows``: one per time window; both: one per region and window.
    """

    name: str
    options: dict[str, Any] = Field(default_factory=dict)
    regions: list[str] | None = None
    windows: list[Window] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        v = _ALIASES.get(v, v)
        if v not in PROJECTIONS:
            known = ", ".join([*sorted(PROJECTIONS), *sorted(_ALIASES)])
            raise ValueError(f"unknown projection {v!r}; known: {known}")
        return v

    @field_validator("options", mode="before")
    @classmethod
    def _dates(cls, v: Any) -> Any:
        return {k: _iso(x) for k, x in v.items()} if isinstance(v, Mapping) else v

    @field_validator("regions", mode="before")
    @classmethod
    def _all(cls, v: Any) -> Any:
        return [ALL_REGIONS] if v == ALL_REGIONS else v

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and (not v or not all(r.strip() for r in v)):
            raise ValueError("regions must be a non-empty list of region names")
        return None if v is None else list(dict.fromkeys(v))

    @field_validator("windows")
    @classmethod
    def _windows(cls, v: list[Window] | None) -> list[Window] | None:
        if v is not None and not v:
            raise ValueError("windows must not be empty (leave it out for the whole period)")
        return v

    @model_validator(mode="after")
    def _check(self) -> ProjectionSpec:
        fn = PROJECTIONS[self.name]
        allowed = [p for p in inspect.signature(fn).parameters if p not in _RESERVED]
        for key in self.options:
            if key not in allowed:
                raise ValueError(
                    f"projection {self.name!r} has no option {key!r}; it takes {', '.join(allowed)}"
                )
        if self.regions is not None and "region" in self.options:
            raise ValueError("give either options.region (one projection) or regions (one each)")
        if self.windows is not None and ({"since", "until"} & set(self.options)):
            raise ValueError("give either options.since/until (one window) or windows")
        Window(since=self.options.get("since"), until=self.options.get("until"))
        return self

    def instances(self) -> list[dict[str, Any]]:
        """The options of each projection this entry stands for (None values left out)."""
        regions: list[str | None] = list(self.regions) if self.regions else [None]
        windows: list[Window | None] = list(self.windows) if self.windows else [None]
        out = []
        for region in regions:
            for window in windows:
                opts = dict(self.options)
                if region is not None:
                    opts["region"] = region
                if window is not None:
                    opts.update(since=window.since, until=window.until)
                out.append({k: v for k, v in sorted(opts.items()) if v is not None})
        return out


class AlgorithmSpec(_Model):
    """One community-detection algorithm and its parameters (a list of resolutions sweeps).

    ``find_gangs`` takes no ``resolution``, ``objective`` or ``engine``: its runs are the
    batch's runs of label propagation plus ``infomap_runs`` Infomap runs (only for it).
    """

    name: Literal["find_gangs", "louvain", "leiden", "label_propagation", "infomap"]
    resolution: float | list[float] = 1.0
    objective: Literal["modularity", "cpm"] = "modularity"
    engine: str = "auto"
    threshold: float = Field(0.5, gt=0, le=1)
    max_rounds: int = Field(10, ge=1)
    infomap_runs: int | None = Field(None, ge=0)

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, v: float | list[float]) -> float | list[float]:
        values = v if isinstance(v, list) else [v]
        if not values or not all(x > 0 for x in values):
            raise ValueError("resolution must be a positive number or a list of them")
        return v

    @model_validator(mode="after")
    def _check(self) -> AlgorithmSpec:
        if self.objective != "modularity" and self.name != "leiden":
            raise ValueError(f"objective {self.objective!r} is for leiden, not {self.name}")
        if self.name in _NO_RESOLUTION and self.resolution != 1.0:
            raise ValueError(f"{self.name} has no resolution")
        if self.name == "find_gangs" and self.engine != "auto":
            raise ValueError("find_gangs has no engine option")
        if self.infomap_runs is not None and self.name != "find_gangs":
            raise ValueError(f"infomap_runs is for find_gangs, not {self.name}")
        return self

    def variants(self) -> list[dict[str, Any]]:
        """The keyword arguments of each variant (for find_gangs, or for the consensus)."""
        if self.name == "find_gangs":
            return [
                {
                    "infomap_runs": 2 if self.infomap_runs is None else self.infomap_runs,
                    "threshold": float(self.threshold),
                    "max_rounds": self.max_rounds,
                }
            ]
        resolutions = self.resolution if isinstance(self.resolution, list) else [self.resolution]
        out = []
        for r in dict.fromkeys(float(x) for x in resolutions):
            params: dict[str, Any] = {
                "resolution": r,
                "engine": self.engine,
                "threshold": float(self.threshold),
                "max_rounds": self.max_rounds,
            }
            if self.name == "leiden":
                params["objective"] = self.objective
            out.append(params)
        return out


class BatchSpec(_Model):
    """A whole batch: projections x algorithms x seeds.

    ``seeds``: an integer N runs every consensus over N seeded runs derived from ``seed``
    (default 0); a list of integers makes one job per listed base seed, each a consensus of
    ``runs`` runs (replicates). For ``find_gangs`` these are its label-propagation runs (its
    Infomap runs are the algorithm's ``infomap_runs``). ``leaders`` and ``brokers``: how many
    of each to name per community.
    """

    name: str = "detect"
    projections: list[ProjectionSpec] = Field(min_length=1)
    algorithms: list[AlgorithmSpec] = Field(min_length=1)
    seeds: int | list[int] = 20
    seed: int = Field(0, ge=0, lt=2**32)
    runs: int = Field(20, ge=2)
    leaders: int = Field(3, ge=0)
    brokers: int = Field(3, ge=0)

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v: int | list[int]) -> int | list[int]:
        if isinstance(v, list):
            if not v or not all(0 <= s < 2**32 for s in v):
                raise ValueError("seeds must be a count (>= 2) or a list of seeds in [0, 2**32)")
            return list(dict.fromkeys(v))
        if v < 2:
            raise ValueError(f"seeds must be at least 2 runs for a consensus, not {v}")
        return v

    @classmethod
    def from_options(
        cls,
        *,
        projection: str = "person_calls",
        algorithm: str = "find_gangs",
        seeds: int = 20,
        seed: int = 0,
        resolution: float | Sequence[float] = 1.0,
        objective: str = "modularity",
        regions: Sequence[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        name: str = "detect",
    ) -> BatchSpec:
        """The spec of ``netintel detect``'s options (BatchError on a bad value).

        ``regions``: one job per region.
        """
        options = {k: v for k, v in (("since", since), ("until", until)) if v is not None}
        res: float | list[float] = (
            [float(r) for r in resolution] if isinstance(resolution, Sequence) else resolution
        )
        if isinstance(res, list) and len(res) == 1:
            res = res[0]
        algo: dict[str, Any] = {"name": algorithm, "resolution": res}
        if objective != "modularity":
            algo["objective"] = objective
        data = {
            "name": name,
            "projections": [
                {"name": projection, "options": options, "regions": list(regions) or None}
                if regions
                else {"name": projection, "options": options}
            ],
            "algorithms": [algo],
            "seeds": seeds,
            "seed": seed,
        }
        return _validate(data, "the detect options")

    def jobs(self) -> list[Job]:
        """Every combination, in run-file order (duplicates once)."""
        seeds = [self.seed] if isinstance(self.seeds, int) else list(self.seeds)
        runs = self.seeds if isinstance(self.seeds, int) else self.runs
        out: list[Job] = []
        seen: set[str] = set()
        for p in self.projections:
            for options in p.instances():
                for a in self.algorithms:
                    for params in a.variants():
                        for s in seeds:
                            job = Job(
                                index=len(out),
                                projection=p.name,
                                options=options,
                                algorithm=a.name,
                                params=params,
                                runs=runs,
                                seed=s,
                                leaders=self.leaders,
                                brokers=self.brokers,
                            )
                            if job.spec_key not in seen:
                                seen.add(job.spec_key)
                                out.append(job)
        return out


def _validate(data: Any, source: str) -> BatchSpec:
    try:
        return BatchSpec.model_validate(data if data is not None else {})
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "(top level)"
        msg = str(first["msg"]).removeprefix("Value error, ")
        more = len(err.errors()) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise BatchError(f"{source}: {where}: {msg}{tail}") from err


def load_run_file(path: str | Path) -> BatchSpec:
    """Read and check a run file (``.yaml``/``.yml`` or ``.toml``; see ``docs/batch.md``).

    A :class:`~netintel.exceptions.BatchError` names the file, the bad key and the reason.

    Parameters
    ----------
    path : str or pathlib.Path
        The run file.

    Returns
    -------
    BatchSpec
        The checked batch: its projections, algorithms and settings.

    Raises
    ------
    BatchError
        When the file cannot be read, is not UTF-8, YAML or TOML, has another suffix,
        or has a bad key or value.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as err:
        raise BatchError(f"{p}: cannot read the run file: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise BatchError(f"{p}: the run file is not UTF-8 text") from err
    if p.suffix.lower() == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise BatchError(f"{p}: not valid TOML: {err}") from err
    elif p.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise BatchError(f"{p}: not valid YAML: {err}") from err
    else:
        raise BatchError(f"{p}: a run file ends in .yaml, .yml or .toml")
    if data is not None and not isinstance(data, dict):
        raise BatchError(f"{p}: a run file is a mapping of keys (projections, algorithms...)")
    return _validate(data, str(p))


# --------------------------------------------------------------------------- jobs


def _digest(value: Any) -> str:
    text = json.dumps(to_jsonable(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Job:
    """One combination: a projection (with its options) x an algorithm variant x a seed."""

    index: int
    projection: str
    options: Mapping[str, Any]
    algorithm: str
    params: Mapping[str, Any]
    runs: int
    seed: int
    leaders: int = 3
    brokers: int = 3

    def describe(self) -> dict[str, Any]:
        """What the job computes (no data): the basis of :attr:`spec_key`."""
        return {
            "projection": self.projection,
            "options": dict(self.options),
            "algorithm": self.algorithm,
            "params": dict(self.params),
            "runs": self.runs,
            "seed": self.seed,
            "leaders": self.leaders,
            "brokers": self.brokers,
        }

    @property
    def spec_key(self) -> str:
        """Hash of what the job computes, whatever the data (to find earlier runs)."""
        return _digest(self.describe())

    def key(self, input_hash: str) -> str:
        """Hash of the job spec, the projection's input hash and the netintel version."""
        return _digest({"spec": self.spec_key, "input_hash": input_hash, "netintel": __version__})

    @property
    def label(self) -> str:
        """A readable name, e.g. ``person_calls-Henan-leiden-r1-s0x20``."""
        parts = [self.projection]
        region = self.options.get("region")
        if region is not None:
            parts.append(region if isinstance(region, str) else "+".join(region))
        since, until = self.options.get("since"), self.options.get("until")
        if since is not None or until is not None:
            parts.append(f"{str(since or '')[:10]}_{str(until or '')[:10]}")
        parts.append(self.algorithm)
        if self.algorithm not in _NO_RESOLUTION:
            parts.append(f"r{self.params['resolution']:g}")
        if self.params.get("objective") == "cpm":
            parts.append("cpm")
        if self.algorithm == "find_gangs" and self.params["infomap_runs"] != 2:
            parts.append(f"i{self.params['infomap_runs']}")
        parts.append(f"s{self.seed}x{self.runs}")
        text = "-".join(str(p) for p in parts)
        return re.sub(r"[^\w.+-]", "_", text)[:80]

    def dirname(self, key: str) -> str:
        return f"{self.label}-{key[:12]}"


@dataclass(frozen=True, eq=False)
class JobResult(ResultMixin):
    """One finished job of a batch (read back with :meth:`partition` and friends).

    ``status`` is ``"computed"`` or ``"reused"``; ``stability`` the mean node stability;
    ``comparison`` (after the batch) the previous run of the same job spec: ``previous``,
    ``nmi``, ``ari``, ``moved`` (how many), ``moved_nodes`` (the first ones) or None.
    """

    index: int
    key: str
    spec_key: str
    label: str
    path: Path
    status: str
    projection: str
    options: Mapping[str, Any]
    algorithm: str
    params: Mapping[str, Any]
    runs: int
    seed: int
    input_hash: str
    nodes: int
    edges: int
    communities: int
    modularity: float | None
    stability: float | None
    run_id: str | None
    finished: str
    seconds: float
    comparison: Mapping[str, Any] | None = None

    @classmethod
    def from_manifest(cls, job: Job, path: Path, manifest: JobManifest, status: str) -> JobResult:
        """The result of ``job`` as its folder's manifest records it.

        Parameters
        ----------
        job : Job
        path : Path
            The job folder.
        manifest : JobManifest
            Its ``manifest.json`` (:meth:`~netintel.manifests.JobManifest.read`).
        status : str
            ``"computed"`` or ``"reused"``.

        Returns
        -------
        JobResult
            Without ``comparison`` (the batch adds it once every job is done).
        """
        return cls(
            index=job.index,
            key=manifest.job_key,
            spec_key=manifest.spec_key,
            label=job.label,
            options=dict(job.options),
            path=path,
            status=status,
            projection=job.projection,
            params=dict(job.params),
            algorithm=job.algorithm,
            runs=job.runs,
            seed=job.seed,
            input_hash=manifest.input_hash,
            nodes=manifest.inputs.nodes,
            edges=manifest.inputs.edges,
            communities=manifest.result.communities,
            modularity=manifest.result.modularity,
            stability=manifest.result.mean_stability,
            run_id=manifest.run_id,
            finished=manifest.finished,
            seconds=manifest.timings["total_s"],
        )

    def manifest_entry(self) -> dict[str, Any]:
        """The job in the batch's ``manifest.json``: its fields but ``path`` and
        ``finished``, and its folder as ``dir`` (``jobs/<name>``).

        Returns
        -------
        dict
        """
        out = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("path", "finished")
        }
        out.update(options=dict(self.options), params=dict(self.params))
        out["dir"] = f"jobs/{self.path.name}"
        return out

    def manifest(self) -> dict[str, Any]:
        """The job's ``manifest.json``, as it is on disk (:meth:`JobManifest.read
        <netintel.manifests.JobManifest.read>` for the checked model)."""
        data: dict[str, Any] = json.loads((self.path / "manifest.json").read_text("utf-8"))
        return data

    def partition(self) -> pd.DataFrame:
        """``node``, ``community``, ``stability`` (``partition.csv``)."""
        return _read_csv(self.path / "partition.csv")

    def scores(self) -> pd.DataFrame:
        """Per node scores, leader and broker flags (``scores.csv``)."""
        return _read_csv(self.path / "scores.csv")

    def communities_table(self) -> pd.DataFrame:
        """Per community: size, stability, leaders, brokers (``communities.csv``)."""
        return pd.read_csv(
            self.path / "communities.csv", keep_default_na=False, encoding="utf-8-sig"
        )

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["path"] = str(self.path)
        return dict(to_jsonable(out))


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(
        path,
        dtype={"node": str, "name": str},
        keep_default_na=False,
        na_values={"stability": [""]},
        encoding="utf-8-sig",  # written by netintel.outfiles.write_csv, with a byte-order mark
    )


@dataclass(frozen=True, eq=False)
class BatchResult(ResultMixin):
    """What :func:`run_batch` did: the jobs (in spec order) and where everything is."""

    name: str
    out_dir: Path
    jobs: tuple[JobResult, ...]
    manifest: Path
    report_md: Path
    report_html: Path
    started: str
    seconds: float
    workers: int
    notes: tuple[str, ...] = field(default=())

    @property
    def computed(self) -> int:
        """How many jobs were computed by this run."""
        return sum(j.status == "computed" for j in self.jobs)

    @property
    def reused(self) -> int:
        """How many jobs were found finished and reused."""
        return sum(j.status == "reused" for j in self.jobs)

    def job(self, which: int | str) -> JobResult:
        """A job by position, key (or key prefix) or label."""
        if isinstance(which, int):
            return self.jobs[which]
        for j in self.jobs:
            if j.key.startswith(which) or j.label == which:
                return j
        raise KeyError(f"no job {which!r} in this batch")

    def partition(self, which: int | str = 0) -> pd.DataFrame:
        """The partition of one job (see :meth:`JobResult.partition`)."""
        return self.job(which).partition()

    def who_moved(self) -> list[tuple[list[JobResult], GangsOverTime]]:
        """Communities matched across the time windows of the same job (the report's "who moved").

        Jobs that differ only in their window (same projection, other options, algorithm,
        parameters and seeds) form a sequence, in window order; for each sequence of two or
        more windows, :func:`~netintel.algorithms.track_communities` on their partitions,
        with the report's leaders (highest PageRank in the community) and names. Community
        numbers are the jobs' own (``partition.csv``).
        """
        return _who_moved(self.jobs)

    def to_frame(self) -> pd.DataFrame:
        """One row per job."""
        rows = []
        for j in self.jobs:
            cmp = j.comparison or {}
            rows.append(
                {
                    "job": j.index,
                    "label": j.label,
                    "status": j.status,
                    "projection": j.projection,
                    "region": _region_text(j.options),
                    "window": _window_text(j.options),
                    "algorithm": j.algorithm,
                    "resolution": j.params.get("resolution"),
                    "seed": j.seed,
                    "runs": j.runs,
                    "nodes": j.nodes,
                    "edges": j.edges,
                    "communities": j.communities,
                    "modularity": j.modularity,
                    "stability": j.stability,
                    "nmi_previous": cmp.get("nmi"),
                    "moved": cmp.get("moved"),
                    "run_id": j.run_id,
                    "seconds": j.seconds,
                    "key": j.key[:12],
                }
            )
        return pd.DataFrame(rows)

    def to_manifest(
        self,
        spec: BatchSpec,
        *,
        scheduler: str | None,
        snapshot: str | None,
        write: bool,
        neo4j_version: str,
    ) -> BatchManifest:
        """The batch's ``manifest.json`` (finished: now).

        Parameters
        ----------
        spec : BatchSpec
            What ran (``regions: all`` resolved).
        scheduler : str or None
            The Dask scheduler's address, None for a local run.
        snapshot : str or None
            How Dask workers read the projections (``"parquet"``), None from Neo4j.
        write : bool
            Whether the results were stored as AnalysisRuns.
        neo4j_version : str

        Returns
        -------
        BatchManifest
        """
        return BatchManifest(
            name=spec.name,
            spec=spec.model_dump(mode="json"),
            started=self.started,
            finished=datetime.now(UTC).isoformat(timespec="seconds"),
            seconds=self.seconds,
            workers=self.workers,
            scheduler=scheduler,
            snapshot=snapshot,
            write=write,
            versions={**library_versions("igraph", "leidenalg"), "neo4j": neo4j_version},
            counts={"jobs": len(self.jobs), "computed": self.computed, "reused": self.reused},
            jobs=[j.manifest_entry() for j in self.jobs],
            notes=list(self.notes),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "out_dir": str(self.out_dir),
            "manifest": str(self.manifest),
            "report_md": str(self.report_md),
            "report_html": str(self.report_html),
            "started": self.started,
            "seconds": self.seconds,
            "workers": self.workers,
            "computed": self.computed,
            "reused": self.reused,
            "notes": list(self.notes),
            "jobs": [j.to_dict() for j in self.jobs],
        }


def _window_text(options: Mapping[str, Any]) -> str:
    since, until = options.get("since"), options.get("until")
    if since is None and until is None:
        return ""
    return f"{since or '...'} to {until or '...'}"


def _region_text(options: Mapping[str, Any]) -> str:
    region = options.get("region")
    if region is None:
        return ""
    return region if isinstance(region, str) else "+".join(region)


# --------------------------------------------------------------------------- one job


def _write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (:func:`netintel.outfiles.write_text`), keys sorted."""
    text = json.dumps(to_jsonable(data), indent=2, sort_keys=True, ensure_ascii=False)
    write_text(path, text + "\n")


def _scores(
    proj: Projection, result: Consensus, leaders: int, brokers: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-node scores with leader/broker flags, and per-community leaders and brokers."""
    found = leaders_and_brokers(
        proj.to_networkx(attributes=False), result, leaders=leaders, brokers=brokers
    )
    frame = found.to_frame()
    if "name" in proj.node_attributes.columns:
        names = proj.node_attributes["name"]
        frame.insert(1, "name", [_text(names.get(v)) for v in frame["node"]])
    summary = result.summary()
    joined = {
        c: (";".join(ls), ";".join(bs))
        for c, ls, bs in found.by_community().itertuples(index=False)
    }
    summary["leaders"] = [joined[c][0] for c in summary["community"]]
    summary["brokers"] = [joined[c][1] for c in summary["community"]]
    return frame, summary


def _text(value: Any) -> str:
    return "" if is_missing(value) else str(value)


def _empty_tables(alliances: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    part = pd.DataFrame({"node": [], "community": [], "stability": []})
    scores = part.assign(leader=[], broker=[])
    comms = pd.DataFrame(
        {"community": [], "size": [], "stability": [], "leaders": [], "brokers": []}
    )
    if alliances:
        part.insert(2, "alliance", [])
        comms.insert(3, "alliance", [])
    return part, scores, comms


def _detect(job: Job, proj: Projection) -> Consensus:
    """The job's result on the projection: find_gangs, or a consensus of the named algorithm.

    For find_gangs the job's runs are its label-propagation runs.
    """
    if job.algorithm == "find_gangs":
        return find_gangs(
            proj.edge_arrays(), seed=job.seed, label_propagation_runs=job.runs, **job.params
        )
    return consensus(
        proj.edge_arrays(),
        algorithm=job.algorithm,  # type: ignore[arg-type]
        runs=job.runs,
        seed=job.seed,
        **job.params,
    )


def _partition(result: Consensus) -> pd.DataFrame:
    """``node``, ``community``, then for gangs ``alliance``, then ``stability``."""
    part = result.to_frame()
    if isinstance(result, Gangs):
        part.insert(2, "alliance", [result.alliance_of(c) for c in part["community"]])
    return part


def _queries(proj: Projection) -> dict[str, Any]:
    return {
        name: {"cypher": query(name), "parameters": dict(p)} for name, p in proj.queries.items()
    }


#: The tables of a job folder (the manifest's ``files``).
_FILES = {
    "partition": "partition.csv",
    "scores": "scores.csv",
    "communities": "communities.csv",
    "partition_parquet": "partition.parquet",
    "scores_parquet": "scores.parquet",
}


@dataclass(frozen=True)
class _Computed:
    """A computed job before it is written: its manifest and tables (picklable)."""

    key: str
    manifest: JobManifest
    tables: dict[str, pd.DataFrame]


def _elapsed(since: float) -> float:
    return round(time.perf_counter() - since, 6)


def _find_communities(
    job: Job, proj: Projection, timings: dict[str, float], notes: list[str]
) -> tuple[Consensus | None, dict[str, pd.DataFrame]]:
    """The job's result and its partition, scores and communities tables (timed).

    An empty projection gives no result and empty tables.
    """
    if proj.n == 0:
        part, scores, comms = _empty_tables(job.algorithm == "find_gangs")
        notes.append("the projection is empty: no people, no communities")
        return None, {"partition": part, "scores": scores, "communities": comms}
    t = time.perf_counter()
    result = _detect(job, proj)
    timings["consensus_s"] = _elapsed(t)
    t = time.perf_counter()
    part = _partition(result)
    scores, comms = _scores(proj, result, job.leaders, job.brokers)
    timings["scores_s"] = _elapsed(t)
    notes.extend(result.provenance.notes)
    return result, {"partition": part, "scores": scores, "communities": comms}


def _inputs_of(job: Job, proj: Projection) -> JobInputs:
    return JobInputs(
        projection=proj.name,
        label=proj.label,
        nodes=proj.n,
        params=dict(proj.params),
        edges=proj.m,
        directed=proj.directed,
        options=dict(job.options),
        weight=proj.weight_column,
        input_hash=proj.input_hash,
        projected=proj.started,
    )


def _algorithm_of(job: Job, result: Consensus | None) -> JobAlgorithm:
    prov = result.provenance if result is not None else None
    return JobAlgorithm(
        name=job.algorithm,
        params=dict(job.params),
        ran=prov.algorithm if prov is not None else None,
        engine=prov.engine if prov is not None else None,
        provenance_params=dict(prov.params) if prov is not None else None,
    )


def _outcome_of(result: Consensus | None, tables: Mapping[str, pd.DataFrame]) -> JobOutcome:
    part = tables["partition"]
    return JobOutcome(
        communities=len(tables["communities"]),
        modularity=float(result.modularity) if result is not None else None,
        mean_stability=float(part["stability"].mean()) if len(part) else None,
        converged=result.converged if result is not None else None,
        rounds=result.rounds if result is not None else None,
        resolution_limit_suspected=(
            result.resolution_limit_suspected if result is not None else None
        ),
        alliances=len(result.levels[0]) if isinstance(result, Gangs) else None,
    )


def _job_manifest(
    job: Job,
    proj: Projection,
    key: str,
    result: Consensus | None,
    tables: Mapping[str, pd.DataFrame],
    *,
    run_id: str | None,
    neo4j_version: str,
    timings: dict[str, float],
    started: str,
    notes: list[str],
) -> JobManifest:
    """The manifest of a job computed just now (finished: now)."""
    versions = dict(result.provenance.versions) if result is not None else library_versions()
    engine = result.provenance.engine if result is not None else None
    return JobManifest(
        status="complete",
        job_key=key,
        spec_key=job.spec_key,
        label=job.label,
        job=job.describe(),
        inputs=_inputs_of(job, proj),
        query=_queries(proj),
        input_hash=proj.input_hash,
        algorithm=_algorithm_of(job, result),
        seeds=JobSeeds(
            seed=job.seed,
            runs=job.runs,
            run_seeds=list(result.run_seeds) if result is not None else [],
        ),
        versions={**versions, "engine": engine, "neo4j": neo4j_version},
        result=_outcome_of(result, tables),
        run_id=run_id,
        files=dict(_FILES),
        timings=timings,
        started=started,
        finished=datetime.now(UTC).isoformat(timespec="microseconds"),
        notes=notes,
    )


def _compute_job(
    job: Job,
    proj: Projection,
    key: str,
    *,
    driver: neo4j.Driver | None,
    database: str | None,
    write: bool,
    neo4j_version: str,
) -> _Computed:
    """Compute one job (and with ``write`` store its AnalysisRun through ``driver``)."""
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    timings: dict[str, float] = {"projection_s": proj.seconds}
    notes: list[str] = []
    result, tables = _find_communities(job, proj, timings, notes)
    run_id = None
    if write and result is not None:
        if driver is None:
            raise ValueError("write needs a driver")
        t = time.perf_counter()
        from netintel.runs import write_run

        run_id = write_run(driver, result, projection=proj, database=database)
        timings["write_s"] = _elapsed(t)
    timings["total_s"] = _elapsed(t0)
    manifest = _job_manifest(
        job,
        proj,
        key,
        result,
        tables,
        run_id=run_id,
        neo4j_version=neo4j_version,
        timings=timings,
        started=started,
        notes=notes,
    )
    return _Computed(key, manifest, tables)


def _save_manifest(folder: Path, manifest: JobManifest) -> None:
    _write_json(folder / "manifest.json", manifest.to_manifest())


def _store_job(job: Job, computed: _Computed, jobs_dir: Path) -> JobResult:
    """Write a computed job into a temporary folder and rename it when complete."""
    key = computed.key
    final = jobs_dir / job.dirname(key)
    tmp = jobs_dir / f".tmp-{job.dirname(key)}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    part, scores = computed.tables["partition"], computed.tables["scores"]
    write_csv(part, tmp / _FILES["partition"])
    write_csv(scores, tmp / _FILES["scores"])
    write_csv(computed.tables["communities"], tmp / _FILES["communities"])
    part.to_parquet(tmp / _FILES["partition_parquet"], index=False)
    scores.to_parquet(tmp / _FILES["scores_parquet"], index=False)
    _save_manifest(tmp, computed.manifest)
    try:
        os.rename(tmp, final)
    except OSError:
        if not (final / "manifest.json").is_file():
            raise
        shutil.rmtree(tmp)  # another process finished the same job first
        return _reuse(job, final, key)
    return JobResult.from_manifest(job, final, computed.manifest, "computed")


def _run_job(
    job: Job, proj: Projection, key: str, ctx: _Context, driver: neo4j.Driver
) -> JobResult:
    """Compute one job into a temporary folder and rename it when complete."""
    computed = _compute_job(
        job,
        proj,
        key,
        driver=driver,
        database=ctx.database,
        write=ctx.write,
        neo4j_version=ctx.neo4j_version,
    )
    return _store_job(job, computed, ctx.jobs_dir)


def _stored(driver: neo4j.Driver, run_id: str | None, database: str | None) -> bool:
    if run_id is None:
        return False
    from netintel.runs import list_runs

    runs = list_runs(driver, database=database)
    row = runs[runs["run_id"] == run_id]
    return bool(len(row)) and row["status"].iloc[0] == "complete"


def _finished_manifest(path: Path, key: str) -> JobManifest:
    manifest = JobManifest.read(path)
    if manifest.job_key != key or manifest.status != "complete":
        raise BatchError(f"{path}: the job folder does not hold job {key[:12]}; remove it")
    return manifest


def _needs_run(
    manifest: JobManifest, nodes: int, *, driver: neo4j.Driver, database: str | None
) -> bool:
    """A finished job whose AnalysisRun is missing (computed without write, or deleted)."""
    return bool(nodes) and not _stored(driver, manifest.run_id, database)


def _rewrite(
    job: Job,
    proj: Projection,
    stored_nodes: Sequence[str],
    where: Path,
    *,
    driver: neo4j.Driver,
    database: str | None,
) -> str:
    """Recompute a finished job (the same seeds give the same result) and store its run."""
    from netintel.runs import write_run

    result = _detect(job, proj)
    if list(stored_nodes) != result.to_frame()["node"].tolist():
        raise BatchError(f"{where}: recomputing the job gave another partition; remove it")
    return write_run(driver, result, projection=proj, database=database)


def _stored_nodes(folder: Path) -> list[str]:
    """The nodes of a finished job's partition, in its order."""
    nodes: list[str] = _read_csv(folder / _FILES["partition"])["node"].tolist()
    return nodes


def _with_run(folder: Path, manifest: JobManifest, run_id: str) -> JobManifest:
    """The manifest with the run it is now stored as, saved in ``folder``."""
    manifest = manifest.model_copy(update={"run_id": run_id})
    _save_manifest(folder, manifest)
    return manifest


def _reuse(
    job: Job,
    path: Path,
    key: str,
    *,
    driver: neo4j.Driver | None = None,
    database: str | None = None,
    write: bool = False,
    proj: Projection | None = None,
) -> JobResult:
    """A finished job; with ``write``, make sure its result is stored as an AnalysisRun."""
    manifest = _finished_manifest(path, key)
    if (
        write
        and proj is not None
        and driver is not None
        and _needs_run(manifest, proj.n, driver=driver, database=database)
    ):
        stored = _stored_nodes(path)
        run_id = _rewrite(job, proj, stored, path, driver=driver, database=database)
        manifest = _with_run(path, manifest, run_id)
    return JobResult.from_manifest(job, path, manifest, "reused")


@dataclass(frozen=True)
class _Context:
    """Where and how the jobs of a batch run (picklable: process-pool workers get it)."""

    jobs_dir: Path
    connection: Connection | None
    database: str | None
    write: bool
    neo4j_version: str


def _run_group(
    jobs: Sequence[Job],
    ctx: _Context,
    driver: neo4j.Driver,
    on_job: _OnJob | None = None,
    given: Projection | None = None,
) -> list[JobResult]:
    """Project once (or take the ``given`` projection), then run (or reuse) every job on it."""
    first = jobs[0]
    proj = (
        given
        if given is not None
        else project(driver, first.projection, database=ctx.database, **first.options)
    )
    out = []
    for job in jobs:
        key = job.key(proj.input_hash)
        final = ctx.jobs_dir / job.dirname(key)
        if (final / "manifest.json").is_file():
            res = _reuse(
                job, final, key, driver=driver, database=ctx.database, write=ctx.write, proj=proj
            )
        else:
            res = _run_job(job, proj, key, ctx, driver)
        out.append(res)
        if on_job is not None:
            on_job(res)
    return out


def _worker(ctx: _Context, jobs: Sequence[Job]) -> list[JobResult]:
    """Process-pool entry: its own driver, then :func:`_run_group`."""
    from netintel.config import driver as open_driver

    if ctx.connection is None:
        raise ValueError("a process pool needs the connection settings")
    with open_driver(ctx.connection) as drv:
        return _run_group(jobs, ctx, drv)


def _groups(jobs: Sequence[Job]) -> list[list[Job]]:
    """Jobs grouped by projection instance, in order of first appearance."""
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(_digest([job.projection, dict(job.options)]), []).append(job)
    return list(groups.values())


def _clean_stale(jobs_dir: Path) -> None:
    """Remove temporary job folders of processes that no longer run."""
    for tmp in jobs_dir.glob(".tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if not pid.isdigit() or not psutil.pid_exists(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- comparison


def _membership(path: Path) -> dict[Hashable, int]:
    part = _read_csv(path / "partition.csv")
    return dict(zip(part["node"].tolist(), part["community"].astype(int).tolist(), strict=True))


def _comparison_dict(cmp: Any, previous: Mapping[str, Any]) -> dict[str, Any]:
    moved = cmp.moved.head(_REPORT_MOVED)
    return {
        "previous": dict(previous),
        "nmi": float(cmp.nmi),
        "ari": float(cmp.ari),
        "nodes": int(cmp.nodes),
        "moved": len(cmp.moved),
        "only_previous": len(cmp.only_in_a),
        "only_now": len(cmp.only_in_b),
        "moved_nodes": table_dict(moved),
    }


def _previous_in_folder(job: JobResult, done: Sequence[tuple[Path, JobManifest]]) -> Path | None:
    """The latest other finished job of the same spec in the folder."""
    best: tuple[str, Path] | None = None
    for path, m in done:
        if m.spec_key != job.spec_key or m.job_key == job.key:
            continue
        if m.finished > job.finished:
            continue
        if best is None or m.finished > best[0]:
            best = (m.finished, path)
    return best[1] if best else None


def _previous_stored(
    driver: neo4j.Driver, job: JobResult, database: str | None, runs: pd.DataFrame
) -> Any:
    """The latest stored AnalysisRun of the same job spec on other data, or None."""
    from netintel.runs import read_run

    manifest = JobManifest.read(job.path)
    ran = manifest.algorithm.ran
    params = manifest.algorithm.provenance_params
    if ran is None:
        return None
    rows = runs[
        (runs["algorithm"] == ran)
        & (runs["projection"] == job.projection)
        & (runs["input_hash"] != job.input_hash)
        & (runs["status"] == "complete")
        & (runs["seed"] == job.seed)
    ].sort_values("started", ascending=False, kind="stable")
    wanted = manifest.inputs.params
    for run_id in rows["run_id"].head(5).tolist():
        stored = read_run(driver, run_id, database=database)
        same = (
            to_jsonable(stored.projection_params) == to_jsonable(wanted)
            and to_jsonable(dict(stored.provenance.params)) == to_jsonable(params)
            and stored.info.get("runs") == len(manifest.seeds.run_seeds)
        )
        if same:
            return stored
    return None


def _finished_jobs(jobs_dir: Path) -> list[tuple[Path, JobManifest]]:
    """Every finished job folder in ``jobs_dir`` with its manifest, by folder name.

    Folders whose manifest is not one of this format are left out (nothing to compare).
    """
    done = []
    for path in sorted(jobs_dir.iterdir()):
        if path.name.startswith(".") or not (path / "manifest.json").is_file():
            continue
        try:
            done.append((path, JobManifest.read(path)))
        except BatchError:
            continue
    return done


def _compare(
    jobs: Sequence[JobResult], jobs_dir: Path, driver: neo4j.Driver, database: str | None
) -> list[JobResult]:
    from netintel.algorithms.compare import compare_partitions
    from netintel.runs import list_runs

    done = _finished_jobs(jobs_dir)
    stored_runs: pd.DataFrame | None = None
    out = []
    for job in jobs:
        comparison = None
        if job.nodes:
            prev = _previous_in_folder(job, done)
            if prev is not None:
                pm = _membership(prev)
                if pm:
                    cmp = compare_partitions(pm, _membership(job.path))
                    comparison = _comparison_dict(cmp, {"job": prev.name})
            else:
                if stored_runs is None:
                    stored_runs = list_runs(driver, database=database)
                stored = _previous_stored(driver, job, database, stored_runs)
                if stored is not None:
                    cmp = compare_partitions(stored, _membership(job.path))
                    comparison = _comparison_dict(cmp, {"run_id": stored.run_id})
        out.append(dataclasses.replace(job, comparison=comparison))
    return out


# --------------------------------------------------------------------------- the report


def _job_title(j: JobResult) -> str:
    where = [f"region {_region_text(j.options)}"] if "region" in j.options else []
    if _window_text(j.options):
        where.append(_window_text(j.options))
    algo = j.algorithm
    runs = f"{j.runs} seeded runs from seed {j.seed}"
    if j.algorithm == "find_gangs":
        runs = (
            f"{j.runs} label propagation + {j.params['infomap_runs']} Infomap runs "
            f"from seed {j.seed}"
        )
    elif j.algorithm not in _NO_RESOLUTION:
        algo += f" (resolution {j.params['resolution']:g}"
        algo += f", {j.params['objective']})" if "objective" in j.params else ")"
    return " · ".join([j.projection, *where, algo, runs])


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _named(nodes: str, names: Mapping[str, str]) -> str:
    out = []
    for v in [x for x in nodes.split(";") if x]:
        out.append(f"{v} ({names[v]})" if names.get(v) else v)
    return ", ".join(out)


def _community_rows(j: JobResult) -> pd.DataFrame:
    comms = j.communities_table()
    names: dict[str, str] = {}
    if len(comms):
        scores = j.scores()
        if "name" in scores.columns:
            names = dict(zip(scores["node"], scores["name"], strict=True))
    shown = comms.head(_REPORT_COMMUNITIES)
    rows = pd.DataFrame(
        {
            "community": shown["community"].astype(int).tolist(),
            "size": shown["size"].astype(int).tolist(),
            "stability": [_fmt(float(s)) for s in shown["stability"]],
            "leaders": [_named(str(x), names) for x in shown["leaders"]],
            "brokers": [_named(str(x), names) for x in shown["brokers"]],
        }
    )
    if "alliance" in comms.columns:
        rows.insert(1, "alliance", shown["alliance"].astype(int).tolist())
    if "loose" in comms.columns:  # a crowd, not a gang (Communities.loose)
        rows.insert(3, "loose", ["loose" if str(x) == "True" else "" for x in shown["loose"]])
    return rows


def _alliance_rows(j: JobResult) -> pd.DataFrame | None:
    """Per alliance (largest first): people, how many gangs, the gangs; None without one."""
    comms = j.communities_table()
    if "alliance" not in comms.columns or not len(comms):
        return None
    rows = []
    for alliance in dict.fromkeys(comms["alliance"].astype(int).tolist()):
        gangs = comms[comms["alliance"].astype(int) == alliance]
        sizes = gangs["size"].astype(int).tolist()
        listed = [f"{c} ({n})" for c, n in zip(gangs["community"], sizes, strict=True)]
        more = len(listed) - _REPORT_GANGS
        rows.append(
            {
                "alliance": alliance,
                "size": sum(sizes),
                "gangs": len(listed),
                "gang (size)": ", ".join(listed[:_REPORT_GANGS])
                + (f" and {more} more" if more > 0 else ""),
            }
        )
    frame = pd.DataFrame(rows).sort_values(["size", "alliance"], ascending=[False, True])
    return frame.head(_REPORT_COMMUNITIES).reset_index(drop=True)


def _comparison_text(j: JobResult) -> str:
    cmp = j.comparison
    if cmp is None:
        return "No previous run of this job spec to compare with."
    prev = cmp["previous"]
    what = f"job {prev['job']}" if "job" in prev else f"AnalysisRun {prev['run_id']}"
    text = (
        f"Compared with the previous run ({what}) on {cmp['nodes']} shared people: "
        f"NMI {cmp['nmi']:.3f}, ARI {cmp['ari']:.3f}; {cmp['moved']} moved"
    )
    if cmp["only_previous"] or cmp["only_now"]:
        text += f", {cmp['only_previous']} gone, {cmp['only_now']} new"
    if cmp["moved_nodes"]:
        moves = ", ".join(
            f"{m['node']} ({m['community_a']} → {m['community_b']})" for m in cmp["moved_nodes"]
        )
        more = cmp["moved"] - len(cmp["moved_nodes"])
        text += f": {moves}" + (f" and {more} more" if more > 0 else "")
    return text + "."


def _who_moved(jobs: Sequence[JobResult]) -> list[tuple[list[JobResult], GangsOverTime]]:
    """Per sequence of jobs that differ only in their window: the matching across windows."""
    sequences: dict[str, list[JobResult]] = {}
    for j in jobs:
        if "since" not in j.options and "until" not in j.options:
            continue
        rest = {k: v for k, v in j.options.items() if k not in ("since", "until")}
        key = _digest([j.projection, rest, j.algorithm, dict(j.params), j.runs, j.seed])
        sequences.setdefault(key, []).append(j)
    out = []
    for seq in sequences.values():
        seq = sorted(seq, key=lambda j: (str(j.options.get("since") or ""), j.index))
        if len({_window_text(j.options) for j in seq}) < 2:
            continue
        partitions: list[list[set[str]]] = []
        scores: list[dict[str, float]] = []
        names: dict[str, str] = {}
        for j in seq:
            part = j.partition()
            groups: dict[int, set[str]] = {}
            for node, c in zip(part["node"], part["community"].astype(int), strict=True):
                groups.setdefault(int(c), set()).add(node)
            partitions.append([groups.get(c, set()) for c in range(max(groups, default=-1) + 1)])
            table = j.scores()
            if "pagerank" in table.columns:  # not in the tables of an empty job
                ranks = table["pagerank"].astype(float).tolist()
                scores.append(dict(zip(table["node"], ranks, strict=True)))
            else:
                scores.append({})
            if "name" in table.columns:
                names.update((n, x) for n, x in zip(table["node"], table["name"], strict=True) if x)
        windows = [f"job {j.index}: {_window_text(j.options)}" for j in seq]
        out.append(
            (seq, track_communities(partitions, windows=windows, scores=scores, names=names))
        )
    return out


def _who_moved_markdown(batch: BatchResult) -> list[str]:
    """The report's "who moved" section, as Markdown lines (none without windows)."""
    found = batch.who_moved()
    if not found:
        return []
    intro = (
        "Jobs that differ only in their time window, in window order: each window's "
        "communities matched with the previous window's (Jaccard >= 0.3 on the people seen "
        "in both, at least 2 shared; docs/gangs.md, 'Gangs through time'). Movers: people "
        "whose new community is not the continuation of their old one; leaders: highest "
        "PageRank in the community."
    )
    md = ["## Who moved between windows", "", intro, ""]
    for seq, t in found:
        what = [seq[0].projection, _region_text(seq[0].options), seq[0].algorithm]
        head = f"Jobs {', '.join(str(j.index) for j in seq)}: " + " · ".join(w for w in what if w)
        counts = t.events["event"].value_counts()
        summary = ", ".join(f"{counts[e]} {e}" for e in counts.index)
        md += [f"### {head}", "", f"{len(t.movers)} moved; events: {summary or 'none'}.", ""]
        tables = [
            ("Events", t.events.drop(columns=["from_tracks", "to_tracks", "jaccard"])),
            ("Movers", t.movers.drop(columns=["from_track", "to_track"]).fillna("")),
            ("Leader changes", t.leader_changes.drop(columns=["track"]).fillna("")),
        ]
        for title, frame in tables:
            if frame.empty:
                continue
            shown = frame.head(_REPORT_WHO_MOVED)
            md += [f"{title}:", "", shown.to_markdown(index=False), ""]
            if len(frame) > len(shown):
                md += [f"... and {len(frame) - len(shown)} more.", ""]
    return md


def _summary_frame(batch: BatchResult) -> pd.DataFrame:
    frame = batch.to_frame()
    cols = [
        "job",
        "projection",
        "region",
        "window",
        "algorithm",
        "resolution",
        "seed",
        "status",
        "nodes",
        "communities",
        "modularity",
        "stability",
        "moved",
    ]
    out = frame[cols].copy()
    for c in ("modularity", "stability"):
        out[c] = [_fmt(v) for v in out[c]]
    out["moved"] = [_fmt(v) for v in out["moved"]]
    return out


def _job_markdown(j: JobResult) -> list[str]:
    """One job's section of the batch report, as Markdown lines."""
    facts = (
        f"{j.status} · {j.nodes} people, {j.edges} links · {j.communities} communities · "
        f"modularity {_fmt(j.modularity)} · mean stability {_fmt(j.stability)} · "
        f"folder `jobs/{j.path.name}`" + (f" · AnalysisRun `{j.run_id}`" if j.run_id else "")
    )
    md = [f"## Job {j.index}: {_job_title(j)}", "", facts, "", _comparison_text(j), ""]
    alliances = _alliance_rows(j) if j.communities else None
    if alliances is not None:
        n_all = int(j.communities_table()["alliance"].nunique())
        intro = (
            f"{n_all} alliances of gangs (gangs that call each other most); "
            "each opens into its gangs (communities.csv: alliance)."
        )
        if n_all > len(alliances):
            intro += f" The {len(alliances)} largest:"
        md += ["### Alliances", "", intro, "", alliances.to_markdown(index=False), ""]
    if j.communities:
        rows = _community_rows(j)
        md += [rows.to_markdown(index=False), ""]
        more = j.communities - len(rows)
        if more > 0:
            md += [f"... and {more} smaller communities (communities.csv lists all).", ""]
        if "loose" in rows.columns and rows["loose"].any():
            md += [
                f"loose: {LOOSE_MEANING} (docs/gangs.md).",
                "",
            ]
    return md


def _write_reports(batch: BatchResult, neo4j_version: str) -> None:
    """Write the batch report once as Markdown (``report.md``) and as HTML rendered from it."""
    md = [
        f"# Community detection: {batch.name}",
        "",
        f"{len(batch.jobs)} jobs ({batch.computed} computed, {batch.reused} reused) in "
        f"{batch.seconds:.1f} s with {batch.workers} worker(s); netintel {__version__}, "
        f"{neo4j_version}. Stability: share of the seeded runs that agree with the consensus "
        "(1 = every run). Leaders: highest PageRank in the community; brokers: most "
        "brokerage between communities.",
        "",
        _summary_frame(batch).to_markdown(index=False),
        "",
    ]
    for j in batch.jobs:
        md += _job_markdown(j)
    md += _who_moved_markdown(batch)
    if batch.notes:
        md += ["## Notes", "", *[f"- {n}" for n in batch.notes], ""]
    text = "\n".join(md)
    write_text(batch.report_md, text)
    write_text(batch.report_html, markdown_page(batch.name, text, css="batch-report.css"))


# --------------------------------------------------------------------------- the batch


def _every_region(spec: BatchSpec, driver: neo4j.Driver, database: str | None) -> BatchSpec:
    """``regions: all`` replaced by every region of the graph's locations and cases."""
    if not any(p.regions == [ALL_REGIONS] for p in spec.projections):
        return spec
    regions = [r["region"] for r in run_query(driver, "regions", database=database)]
    if not regions:
        raise BatchError("regions: all, but no Location or Case in the graph has a region")
    projections = [
        p.model_copy(update={"regions": regions}) if p.regions == [ALL_REGIONS] else p
        for p in spec.projections
    ]
    return spec.model_copy(update={"projections": projections})


def _as_spec(spec: BatchSpec | str | Path | Mapping[str, Any]) -> BatchSpec:
    """A spec, a run file's path or a mapping, as a checked spec."""
    if isinstance(spec, str | Path):
        return load_run_file(spec)
    if not isinstance(spec, BatchSpec):
        return _validate(dict(spec), "the batch spec")
    return spec


def _check_options(workers: int | None, client: Any, snapshot: str | None) -> None:
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if snapshot is not None and snapshot != "parquet":
        raise ValueError(f"snapshot must be 'parquet' or None, not {snapshot!r}")
    if snapshot is not None and client is None:
        raise ValueError("snapshot= is how Dask workers read projections: pass client= too")


@dataclass(frozen=True)
class _Plan:
    """What a batch runs and where: its jobs grouped by projection, and its workers."""

    spec: BatchSpec
    jobs: list[Job]
    groups: list[list[Job]]
    neo4j_version: str
    workers: int
    scheduler: str | None
    notes: tuple[str, ...]


def _plan(
    spec: BatchSpec,
    driver: neo4j.Driver,
    database: str | None,
    *,
    connection: Connection | None,
    workers: int | None,
    client: Any,
) -> _Plan:
    """The jobs of ``spec`` (``regions: all`` resolved) and the workers that run them."""
    from netintel.db import server_version

    spec = _every_region(spec, driver, database)
    jobs = spec.jobs()
    groups = _groups(jobs)
    n_workers = min(workers or os.cpu_count() or 1, len(groups))
    scheduler: str | None = None
    notes: list[str] = []
    if client is not None:
        from netintel.cluster import scheduler_address, workers_of

        n_workers = workers_of(client)
        scheduler = scheduler_address(client)
    elif n_workers > 1 and connection is None:
        notes.append("ran in one process: pass connection= to use a process pool")
        n_workers = 1
    return _Plan(
        spec=spec,
        jobs=jobs,
        groups=groups,
        neo4j_version=server_version(driver, database=database),
        workers=n_workers,
        scheduler=scheduler,
        notes=tuple(notes),
    )


def _run_in_pool(
    groups: Sequence[Sequence[Job]], ctx: _Context, workers: int, finished: _OnJob
) -> None:
    """One process-pool task per projection instance (spawned workers, their own drivers)."""
    mp_context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=mp_context) as pool:
        futures = [pool.submit(_worker, ctx, g) for g in groups]
        try:
            for fut in cf.as_completed(futures):
                for res in fut.result():
                    finished(res)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _check_given(projection: Projection | None, plan: _Plan, client: Any) -> None:
    """ValueError unless a ``projection`` given to :func:`run_batch` can stand for the
    batch's one projection instance, read in this process."""
    if projection is None:
        return
    names = {job.projection for job in plan.jobs}
    if len(plan.groups) != 1 or client is not None or plan.workers > 1:
        raise ValueError("a projection can be given only to a batch of one projection run here")
    if names != {projection.name}:
        raise ValueError(f"the batch projects {names.pop()!r}, not {projection.name!r}")


def _execute(
    plan: _Plan,
    ctx: _Context,
    driver: neo4j.Driver,
    *,
    progress: bool,
    on_job: _OnJob | None,
    client: Any,
    snapshot: Literal["parquet"] | None,
    snapshot_dir: Path,
    given: Projection | None = None,
) -> dict[int, JobResult]:
    """Run (or reuse) every job of the plan, here, in a process pool or on Dask; by index."""
    results: dict[int, JobResult] = {}
    with tqdm(
        total=len(plan.jobs), unit="job", desc="detect", disable=not progress, dynamic_ncols=True
    ) as bar:

        def finished(res: JobResult) -> None:
            results[res.index] = res
            bar.set_postfix_str(f"{res.label} {res.status}")
            bar.update(1)
            if on_job is not None:
                on_job(res)

        if client is not None:
            from netintel.cluster import run_on_dask

            run_on_dask(client, plan.groups, ctx, driver, snapshot, snapshot_dir, finished=finished)
        elif plan.workers <= 1:
            for group in plan.groups:
                _run_group(group, ctx, driver, on_job=finished, given=given)
        else:
            _run_in_pool(plan.groups, ctx, plan.workers, finished)
    return results


def run_batch(
    spec: BatchSpec | str | Path | Mapping[str, Any],
    out_dir: str | Path,
    *,
    driver: neo4j.Driver | None = None,
    connection: Connection | None = None,
    database: str | None = None,
    write: bool = False,
    workers: int | None = None,
    progress: bool = True,
    on_job: Callable[[JobResult], None] | None = None,
    client: Any = None,
    snapshot: Literal["parquet"] | None = None,
    snapshot_dir: str | Path | None = None,
    projection: Projection | None = None,
) -> BatchResult:
    """Run (or resume) every job of ``spec`` into ``out_dir``; see the module docstring.

    Parameters
    ----------
    spec : BatchSpec, run-file path or mapping
        A path is read with :func:`load_run_file`; a mapping is validated as a run file.
    out_dir : path
        The run folder (created); finished jobs already in it are reused.
    driver : neo4j.Driver or None
        Default: a driver opened from ``connection`` (closed at the end).
    connection : Connection or None
        The connection settings (default :func:`netintel.config.connection` when no
        driver is given); needed for the process pool, whose workers open their own
        drivers. With a driver but no connection the jobs run in this process.
    database : str or None
    write : bool
        Store every consensus as an AnalysisRun (idempotent; also for reused jobs that
        were computed without it).
    workers : int or None
        Processes for batches with several projections (default ``os.cpu_count()``);
        1 runs everything here. Results do not depend on it.
    progress : bool
        A progress bar (tqdm) over the jobs.
    on_job : callable or None
        Called with each :class:`JobResult` as it is finished or reused (in this process).
        An exception it raises stops the batch; finished jobs stay finished.
    client : dask.distributed.Client or None
        Run the jobs on this Dask cluster instead (:mod:`netintel.cluster`,
        ``docs/scale.md``): one task per projection instance, one per job; ``workers``
        is then ignored. The results and manifests are those of the local run.
    snapshot : "parquet" or None
        With ``client``: read each projection here, once, and write it as a Parquet
        snapshot (:mod:`netintel.snapshot`) that the workers read instead of Neo4j
        (default None: the workers read Neo4j with ``connection``).
    snapshot_dir : path or None
        Where the snapshots go (default ``<out_dir>/snapshots``); every worker must be
        able to read it (a shared file system on a real cluster).
    projection : Projection or None
        The jobs' projection, already read with the same name and options (e.g. by
        :func:`netintel.case_report`, which also draws it): used instead of reading it
        again. Only for a batch whose jobs share one projection and run in this process
        (ValueError otherwise).

    Returns
    -------
    BatchResult
    """
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    spec = _as_spec(spec)
    _check_options(workers, client, snapshot)
    out = Path(out_dir)
    # a manifest on disk says the batch is done: an earlier batch's goes before any work,
    # so a run that stops before its own manifest leaves none that looks finished
    (out / "manifest.json").unlink(missing_ok=True)
    jobs_dir = out / "jobs"
    jobs_dir.mkdir(parents=True, exist_ok=True)
    _clean_stale(jobs_dir)
    own = driver is None
    if driver is None:
        from netintel import config

        connection = connection if connection is not None else config.connection()
        driver = config.driver(connection)
    try:
        plan = _plan(spec, driver, database, connection=connection, workers=workers, client=client)
        _check_given(projection, plan, client)
        ctx = _Context(jobs_dir, connection, database, write, plan.neo4j_version)
        results = _execute(
            plan,
            ctx,
            driver,
            progress=progress,
            on_job=on_job,
            client=client,
            snapshot=snapshot,
            snapshot_dir=Path(snapshot_dir) if snapshot_dir else out / "snapshots",
            given=projection,
        )
        done = _compare([results[j.index] for j in plan.jobs], jobs_dir, driver, database)
    finally:
        if own:
            driver.close()
    batch = BatchResult(
        name=plan.spec.name,
        out_dir=out,
        jobs=tuple(done),
        manifest=out / "manifest.json",
        report_md=out / "report.md",
        report_html=out / "report.html",
        started=started,
        seconds=round(time.perf_counter() - t0, 3),
        workers=plan.workers,
        notes=plan.notes,
    )
    # the reports first: a batch manifest on disk means the batch, reports included, is done
    _write_reports(batch, plan.neo4j_version)
    manifest = batch.to_manifest(
        plan.spec,
        scheduler=plan.scheduler,
        snapshot=snapshot,
        write=write,
        neo4j_version=plan.neo4j_version,
    )
    _write_json(batch.manifest, manifest.to_manifest())
    return batch

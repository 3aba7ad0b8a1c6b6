"""The ``manifest.json`` files of a batch (:mod:`netintel.batch`), declared once.

A job folder's manifest (:class:`JobManifest`, format ``netintel-detect-job/1``) says what
the job read (:class:`JobInputs`, the Cypher it ran), what it ran (:class:`JobAlgorithm`,
:class:`JobSeeds`), what it found (:class:`JobOutcome`), with which versions, how long it
took and where its tables are. The batch folder's manifest (:class:`BatchManifest`, format
``netintel-detect-batch/1``) is written last and lists every job
(:meth:`netintel.batch.JobResult.manifest_entry`).

The same models write the files (:meth:`JobManifest.to_manifest`, then
:func:`netintel.batch._write_json`, keys sorted) and read them back
(:meth:`JobManifest.from_manifest`, :meth:`JobManifest.read`): a manifest of another shape
is refused with :class:`~netintel.exceptions.BatchError` rather than half understood.

>>> seeds = JobSeeds(seed=0, runs=2, run_seeds=[11, 12])
>>> JobSeeds.model_validate(seeds.model_dump()) == seeds
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from netintel.exceptions import BatchError

__all__ = [
    "BATCH_FORMAT",
    "JOB_FORMAT",
    "BatchManifest",
    "JobAlgorithm",
    "JobInputs",
    "JobManifest",
    "JobOutcome",
    "JobSeeds",
]

#: ``format`` of a job folder's manifest.
JOB_FORMAT: Final = "netintel-detect-job/1"
#: ``format`` of a batch folder's manifest.
BATCH_FORMAT: Final = "netintel-detect-batch/1"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_manifest(self) -> dict[str, Any]:
        """The part as plain data, as ``manifest.json`` holds it.

        Returns
        -------
        dict
        """
        return self.model_dump()


class JobInputs(_Part):
    """What the job read: the projection, its options and parameters, its size and hash."""

    projection: str
    options: dict[str, Any]
    params: dict[str, Any]
    label: str
    nodes: int
    edges: int
    directed: bool
    weight: str | None
    input_hash: str
    projected: str


class JobAlgorithm(_Part):
    """What the job ran: the spec's algorithm and parameters, and what actually ran.

    ``ran``, ``engine`` and ``provenance_params`` (the result's provenance) are None for
    an empty projection.
    """

    name: str
    params: dict[str, Any]
    ran: str | None
    engine: str | None
    provenance_params: dict[str, Any] | None


class JobSeeds(_Part):
    """The base seed, the number of seeded runs, and the seeds the runs used."""

    seed: int
    runs: int
    run_seeds: list[int]


class JobOutcome(_Part):
    """What the job found (the manifest's ``result``); None where there is no result."""

    communities: int
    modularity: float | None
    mean_stability: float | None
    converged: bool | None
    rounds: int | None
    resolution_limit_suspected: bool | None
    alliances: int | None


class JobManifest(_Part):
    """A job folder's ``manifest.json``."""

    format: Literal["netintel-detect-job/1"] = JOB_FORMAT
    status: str
    job_key: str
    spec_key: str
    label: str
    job: dict[str, Any]
    inputs: JobInputs
    query: dict[str, dict[str, Any]]
    input_hash: str
    algorithm: JobAlgorithm
    seeds: JobSeeds
    versions: dict[str, Any]
    result: JobOutcome
    run_id: str | None
    files: dict[str, str]
    timings: dict[str, float]
    started: str
    finished: str
    notes: list[str]

    @classmethod
    def from_manifest(cls, data: Any, where: Path | str = "manifest") -> JobManifest:
        """The manifest of ``data`` (parsed ``manifest.json``).

        Parameters
        ----------
        data : Any
        where : path or str
            Named in the error.

        Returns
        -------
        JobManifest

        Raises
        ------
        BatchError
            ``data`` is not a job manifest of this format.
        """
        try:
            return cls.model_validate(data)
        except ValidationError as err:
            first = err.errors()[0]
            loc = ".".join(str(x) for x in first["loc"]) or "(top level)"
            raise BatchError(
                f"{where}: not a job manifest of format {JOB_FORMAT} ({loc}: {first['msg']}); "
                "remove the job folder"
            ) from None

    @classmethod
    def read(cls, folder: Path) -> JobManifest:
        """The manifest of job folder ``folder`` (BatchError when it is not one).

        Parameters
        ----------
        folder : Path

        Returns
        -------
        JobManifest
        """
        path = folder / "manifest.json"
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as err:
            raise BatchError(f"{path}: not a readable job manifest ({err})") from None
        return cls.from_manifest(data, path)


class BatchManifest(_Part):
    """A batch folder's ``manifest.json`` (written last: the batch, reports included, is done)."""

    format: Literal["netintel-detect-batch/1"] = BATCH_FORMAT
    name: str
    spec: dict[str, Any]
    started: str
    finished: str
    seconds: float
    workers: int
    scheduler: str | None
    snapshot: str | None
    write: bool
    versions: dict[str, Any]
    counts: dict[str, int]
    jobs: list[dict[str, Any]]  # JobResult.manifest_entry() of each job
    notes: list[str]

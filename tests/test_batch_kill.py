"""`netintel detect` killed with SIGKILL in the middle of a batch, then run again.

The batch runs as a subprocess in its own process group; once its first job folder is in
place the whole group is killed (no clean-up handler can run). Every file then under its
final name is complete; the re-run computes only the jobs that had not finished, and its
folder equals that of a clean run of the same batch, apart from times.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from loaded_graph import LoadedGraph

from netintel.ingest import ingest
from netintel.synth import generate

pytestmark = pytest.mark.neo4j

RUN_FILE = """\
name: killed
projections:
  - name: calls
    regions: [{regions}]
algorithms:
  - name: louvain
  - name: leiden
    resolution: [1.0, 2.0]
seeds: 6
"""
JOBS = 6  # 2 regions x 3 algorithm settings
JOB_FILES = [
    "communities.csv",
    "manifest.json",
    "partition.csv",
    "partition.parquet",
    "scores.csv",
    "scores.parquet",
]
TIMES = {"started", "finished", "timings", "seconds", "status", "projected"}


@pytest.fixture(scope="module")
def kill_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("kill-synth")
    generate(data, scale=2_000, seed=8, dirty_rate=0)
    return data


@pytest.fixture
def run_file(loaded_graph: LoadedGraph, kill_data: Path, tmp_path: Path) -> Path:
    """The data set in the database; a run file of six jobs over its two busiest regions."""
    loaded_graph(
        "batch-kill",
        lambda driver: ingest(
            kill_data, driver=driver, mapping=kill_data / "mapping.yaml", progress=False
        ),
    )
    calls = pd.read_csv(kill_data / "calls.csv", dtype=str)
    towers = pd.read_csv(kill_data / "locations.csv", dtype=str)
    regions = calls.merge(towers, left_on="tower", right_on="location_id")["region"]
    top = sorted(regions.value_counts().index[:2])
    path = tmp_path / "killed.yaml"
    path.write_text(RUN_FILE.format(regions=", ".join(top)), encoding="utf-8")
    return path


def _detect(run_file: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    args = ["detect", "--run-file", str(run_file), "--out", str(out), "--workers", "1", "-q"]
    return subprocess.Popen(
        [sys.executable, "-m", "netintel.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, killed whole
    )


def _finished_jobs(out: Path) -> list[Path]:
    jobs = out / "jobs"
    return sorted(p for p in jobs.iterdir() if not p.name.startswith(".")) if jobs.is_dir() else []


def _kill_after_first_job(proc: subprocess.Popen[str], out: Path, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not _finished_jobs(out):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "no job finished in time"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in TIMES}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _folder(out: Path) -> dict[str, Any]:
    """Every finished job's files (as bytes; the manifest without times), and the batch's
    job list without times and statuses."""
    jobs: dict[str, Any] = {}
    for job in _finished_jobs(out):
        files = {p.name: p.read_bytes() for p in sorted(job.iterdir()) if p.name != "manifest.json"}
        manifest = json.loads((job / "manifest.json").read_text("utf-8"))
        jobs[job.name] = {"files": files, "manifest": _without_times(manifest)}
    batch = json.loads((out / "manifest.json").read_text("utf-8"))
    return {"jobs": jobs, "batch": _without_times(batch["jobs"])}


def test_a_killed_detect_resumes_to_the_clean_run(
    run_file: Path, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "killed"
    _kill_after_first_job(_detect(run_file, out, neo4j_env), out)

    # what the kill left: finished jobs complete under their final names, nothing else
    done = _finished_jobs(out)
    assert 1 <= len(done) < JOBS
    for job in done:
        assert sorted(p.name for p in job.iterdir()) == JOB_FILES
        assert json.loads((job / "manifest.json").read_text("utf-8"))["status"] == "complete"
        assert (
            len(pd.read_csv(job / "partition.csv"))
            == len(pd.read_parquet(job / "partition.parquet"))
            > 0
        )
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["jobs"]

    # the re-run computes the missing jobs only, and cleans up what the killed one left
    rerun = _detect(run_file, out, neo4j_env)
    stdout, stderr = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, stderr
    assert f"{JOBS} jobs: {JOBS - len(done)} computed, {len(done)} reused" in stdout
    assert [p.name for p in (out / "jobs").iterdir() if p.name.startswith(".")] == []

    clean = tmp_path / "clean"
    fresh = _detect(run_file, clean, neo4j_env)
    stdout, stderr = fresh.communicate(timeout=900)
    assert fresh.returncode == 0, stderr
    assert f"{JOBS} jobs: {JOBS} computed, 0 reused" in stdout
    resumed, expected = _folder(out), _folder(clean)
    assert len(expected["jobs"]) == JOBS
    assert resumed == expected

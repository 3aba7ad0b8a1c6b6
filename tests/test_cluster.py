"""Batch jobs on Dask (netintel.cluster) and projection snapshots (netintel.snapshot).

A LocalCluster of two worker processes over TCP on loopback runs a small batch against the
test run's Neo4j, reading the projections from the database and from Parquet snapshots;
every job folder must equal the local run's. The workers' own environment points at a
server that does not answer, so only the connection settings handed to them can work.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner
from dask.distributed import Client, LocalCluster
from loaded_graph import LoadedGraph

from netintel import cluster
from netintel.batch import BatchResult, BatchSpec, run_batch
from netintel.cli import cli
from netintel.config import Connection
from netintel.exceptions import BatchError
from netintel.ingest import ingest
from netintel.projection import project
from netintel.runs import list_runs
from netintel.snapshot import read_snapshot, write_snapshot
from netintel.synth import generate

pytestmark = pytest.mark.neo4j

NOWHERE = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x", "NETINTEL_CONFIG": ""}

# what differs between two runs of the same job: when, and how long
_TIMES = {"started", "finished", "timings"}


@pytest.fixture(scope="module")
def cluster_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cluster-synth")
    generate(data, scale=2_000, seed=5, dirty_rate=0)
    return data


@pytest.fixture
def regions(loaded_graph: LoadedGraph, cluster_data: Path) -> list[str]:
    """A 2,000-call synthetic case in the database; its two busiest regions."""
    data = cluster_data
    loaded_graph(
        "cluster-synth",
        lambda driver: ingest(data, driver=driver, mapping=data / "mapping.yaml", progress=False),
    )
    calls = pd.read_csv(data / "calls.csv", dtype=str)
    towers = pd.read_csv(data / "locations.csv", dtype=str)
    found = calls.merge(towers, left_on="tower", right_on="location_id")["region"]
    return sorted(found.value_counts().index[:2].tolist())


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            protocol="tcp",
            host="127.0.0.1",
            dashboard_address=":0",
            env=NOWHERE,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def spec(regions: list[str]) -> BatchSpec:
    """Per region and per window, two base seeds: 3 x 2 = 6 jobs."""
    return BatchSpec.model_validate(
        {
            "name": "on-dask",
            "projections": [
                {
                    "name": "calls",
                    "regions": regions[:1],
                    "windows": [{"until": "2023-07-01"}, {"since": "2023-07-01"}],
                },
                {"name": "calls", "regions": regions[1:]},
            ],
            "algorithms": [{"name": "louvain"}],
            "seeds": [0, 7],
            "runs": 3,
        }
    )


def folder(batch: BatchResult) -> dict[str, Any]:
    """Every job's files as bytes, its manifest without times, in job order."""
    out: dict[str, Any] = {}
    for j in batch.jobs:
        paths = sorted(p for p in j.path.iterdir() if p.name != "manifest.json")
        files = {p.name: p.read_bytes() for p in paths}
        manifest = {k: v for k, v in j.manifest().items() if k not in _TIMES}
        manifest["inputs"] = {k: v for k, v in manifest["inputs"].items() if k != "projected"}
        out[j.path.name] = {"files": files, "manifest": manifest}
    return out


def test_a_batch_on_dask_equals_the_local_run(
    regions: list[str],
    neo4j_driver: neo4j.Driver,
    neo4j_connection: Connection,
    client: Client,
    tmp_path: Path,
) -> None:
    batch = spec(regions)
    assert len(batch.jobs()) == 6
    local = run_batch(batch, tmp_path / "local", driver=neo4j_driver, workers=1, progress=False)
    seen: list[str] = []
    dask = run_batch(
        batch,
        tmp_path / "dask",
        driver=neo4j_driver,
        connection=neo4j_connection,
        client=client,
        progress=False,
        on_job=lambda j: seen.append(j.label),
    )
    assert dask.workers == 2 and dask.computed == 6
    assert sorted(seen) == sorted(j.label for j in local.jobs)
    assert [j.key for j in dask.jobs] == [j.key for j in local.jobs]
    assert folder(dask) == folder(local)
    manifest = json.loads(dask.manifest.read_text("utf-8"))
    assert manifest["scheduler"].startswith("tcp://127.0.0.1:")
    assert manifest["snapshot"] is None
    # the report tells the same jobs (its first lines name the run's own time and workers)
    assert (
        dask.report_md.read_text("utf-8").split("\n")[4:]
        == local.report_md.read_text("utf-8").split("\n")[4:]
    )

    # from Parquet snapshots written here once: the workers need no database for them
    snap = run_batch(
        batch,
        tmp_path / "snap",
        driver=neo4j_driver,
        client=client,
        snapshot="parquet",
        snapshot_dir=tmp_path / "snapshots",
        progress=False,
    )
    assert folder(snap) == folder(local)
    assert len(list((tmp_path / "snapshots").iterdir())) == 3  # one per projection instance

    # again on Dask: every job is found finished; with write, the runs are stored once
    before = len(list_runs(neo4j_driver))
    again = run_batch(
        batch,
        tmp_path / "local",
        driver=neo4j_driver,
        connection=neo4j_connection,
        client=client,
        write=True,
        progress=False,
    )
    assert again.reused == 6 and folder(again).keys() == folder(local).keys()
    runs = list_runs(neo4j_driver)
    assert len(runs) == before + 6
    assert set(runs["run_id"]) >= {j.run_id for j in again.jobs}


def test_jobs_that_fail_on_the_workers_are_named_not_waited_for(
    regions: list[str], neo4j_driver: neo4j.Driver, client: Client, tmp_path: Path
) -> None:
    batch = BatchSpec.model_validate(
        {
            "projections": [{"name": "calls", "regions": regions}],
            "algorithms": [{"name": "louvain"}],
            "seeds": 3,
        }
    )
    # settings the workers cannot use: every job fails, by name, and the batch returns
    dead = Connection(
        uri="bolt://127.0.0.1:9", user="neo4j", password="x", database=None, local=False
    )
    with pytest.raises(BatchError) as err:
        run_batch(
            batch, tmp_path, driver=neo4j_driver, connection=dead, client=client, progress=False
        )
    message = str(err.value)
    assert message.startswith("2 of 2 jobs failed on Dask")
    for region in regions:
        assert f"person_calls-{region}-louvain-r1-s0x3: ServiceUnavailable" in message
    assert not [p for p in (tmp_path / "jobs").iterdir() if not p.name.startswith(".")]


def test_a_snapshot_is_the_same_projection(
    regions: list[str], neo4j_driver: neo4j.Driver, tmp_path: Path
) -> None:
    proj = project(neo4j_driver, "person_calls", region=regions[0])
    back = read_snapshot(write_snapshot(proj, tmp_path / "s"))
    assert back.input_hash == proj.input_hash
    assert back.nodes.tolist() == proj.nodes.tolist()
    assert (back.src == proj.src).all() and (back.dst == proj.dst).all()
    assert (back.weight == proj.weight).all()
    pd.testing.assert_frame_equal(back.node_attributes, proj.node_attributes)
    pd.testing.assert_frame_equal(back.edge_attributes, proj.edge_attributes)
    assert dict(back.params) == dict(proj.params)
    assert (back.name, back.label, back.weight_column) == (proj.name, proj.label, "calls")
    # a projection moves between Dask workers by pickle
    moved = pickle.loads(pickle.dumps(proj))
    assert moved.input_hash == proj.input_hash and dict(moved.queries) == dict(proj.queries)
    pd.testing.assert_frame_equal(moved.edge_attributes, proj.edge_attributes)
    with pytest.raises(BatchError, match="not a readable projection snapshot"):
        read_snapshot(tmp_path / "missing")
    # edited data no longer gives the input hash the snapshot was written with
    edges = pd.read_parquet(tmp_path / "s" / "edges.parquet")
    edges.assign(weight=edges["weight"] + 1).to_parquet(tmp_path / "s" / "edges.parquet")
    with pytest.raises(BatchError, match="input hash"):
        read_snapshot(tmp_path / "s")


def test_snapshot_needs_a_client(regions: list[str], neo4j_driver: neo4j.Driver) -> None:
    with pytest.raises(ValueError, match="pass client="):
        run_batch(spec(regions), "unused", driver=neo4j_driver, snapshot="parquet")


def test_detect_command_on_a_local_dask_cluster(
    regions: list[str], neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    args = ["detect", "--algorithm", "louvain", "--seeds", "3", "--region", regions[0], "-q"]
    local = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "l")], env=neo4j_env)
    assert local.exit_code == 0, local.output
    args += ["--scheduler", "local:1", "--snapshot", "parquet", "--out", str(tmp_path / "d")]
    result = CliRunner().invoke(cli, args, env=neo4j_env)
    assert result.exit_code == 0, result.output
    assert "1 jobs: 1 computed, 0 reused" in result.stdout
    (job,) = json.loads((tmp_path / "d" / "manifest.json").read_text("utf-8"))["jobs"]
    assert (tmp_path / "d" / job["dir"] / "partition.csv").read_bytes() == (
        tmp_path / "l" / job["dir"] / "partition.csv"
    ).read_bytes()

    bad = CliRunner().invoke(cli, ["detect", "--scheduler", "10.0.0.5"], env=NOWHERE)
    assert bad.exit_code == 2 and "--scheduler" in bad.output and "Traceback" not in bad.output


def test_a_scheduler_without_workers_is_an_error_not_a_wait(
    regions: list[str],
    neo4j_driver: neo4j.Driver,
    neo4j_connection: Connection,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(cluster, "WORKER_WAIT_S", 0.5)
    with (
        LocalCluster(n_workers=0, protocol="tcp", host="127.0.0.1", dashboard_address=":0") as c,
        Client(c) as empty,
        pytest.raises(BatchError, match=r"no Dask worker joined the scheduler tcp://127\."),
    ):
        run_batch(
            spec(regions),
            tmp_path,
            driver=neo4j_driver,
            connection=neo4j_connection,
            client=empty,
            progress=False,
        )

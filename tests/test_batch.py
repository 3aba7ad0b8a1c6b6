"""netintel.batch and `netintel detect` against the real Neo4j, on a small synthetic graph.

The graph is generated once for the module and loaded again only after a test changed it
(tests/loaded_graph.py): one test adds calls, another writes analysis runs.
"""

from __future__ import annotations

import json
import re
import shutil
from itertools import pairwise
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner
from loaded_graph import LoadedGraph

from netintel import __version__
from netintel.algorithms import ari, find_gangs, nmi
from netintel.batch import BatchSpec, JobResult, load_run_file, run_batch
from netintel.cli import cli
from netintel.config import Connection
from netintel.db import rows_held
from netintel.exceptions import BatchError
from netintel.ingest import ingest
from netintel.manifests import JobManifest
from netintel.projection import project
from netintel.runs import list_runs
from netintel.synth import generate

pytestmark = pytest.mark.neo4j

SEEDS = 4  # seeded runs per consensus: enough to test, fast


@pytest.fixture(scope="module")
def synth_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("batch-synth")
    generate(data, scale=2_000, seed=3, dirty_rate=0)
    return data


@pytest.fixture
def synth(loaded_graph: LoadedGraph, synth_data: Path) -> dict[str, Any]:
    """A 2,000-call synthetic data set in the database, and its two busiest regions."""
    data = synth_data

    def load(driver: neo4j.Driver) -> neo4j.Driver:
        report = ingest(
            data,
            driver=driver,
            mapping=data / "mapping.yaml",
            reject_dir=data / "rejects",
            progress=False,
        )
        assert sum(rows_held(driver, report.run_id).values()) == report.rows_loaded
        return driver

    neo4j_driver = loaded_graph("batch-synth", load)
    calls = pd.read_csv(data / "calls.csv", dtype=str)
    towers = pd.read_csv(data / "locations.csv", dtype=str)
    regions = calls.merge(towers, left_on="tower", right_on="location_id")["region"]
    top = regions.value_counts().index[:2].tolist()
    return {"data": data, "regions": sorted(top), "driver": neo4j_driver}


def two_by_two(regions: list[str]) -> BatchSpec:
    return BatchSpec.model_validate(
        {
            "name": "two-by-two",
            "projections": [{"name": "person_calls", "regions": regions}],
            "algorithms": [{"name": "leiden"}, {"name": "louvain"}],
            "seeds": SEEDS,
        }
    )


def partitions(jobs: tuple[JobResult, ...]) -> dict[str, bytes]:
    return {j.key: (j.path / "partition.csv").read_bytes() for j in jobs}


# --------------------------------------------------------------------------- a batch


def test_two_by_two_batch_writes_every_job(synth: dict[str, Any], tmp_path: Path) -> None:
    drv = synth["driver"]
    spec = two_by_two(synth["regions"])
    assert len(spec.jobs()) == 4
    batch = run_batch(spec, tmp_path, driver=drv, progress=False)
    assert len(batch.jobs) == 4 and batch.computed == 4 and batch.reused == 0
    assert [j.index for j in batch.jobs] == [0, 1, 2, 3]
    assert len({j.key for j in batch.jobs}) == 4
    assert sorted(p.name for p in (tmp_path / "jobs").iterdir()) == sorted(
        j.path.name for j in batch.jobs
    )

    for job in batch.jobs:
        region = job.options["region"]
        proj = project(drv, "person_calls", region=region)
        # the partition covers every projected person, once
        part = job.partition()
        assert sorted(part["node"]) == sorted(proj.nodes.tolist())
        assert part["stability"].between(0, 1).all()
        scores = job.scores()
        assert scores["node"].tolist() == part["node"].tolist()
        # the Parquet copies hold the same tables
        parquet = pd.read_parquet(job.path / "partition.parquet")
        assert parquet["node"].astype(str).tolist() == part["node"].tolist()
        assert parquet["community"].tolist() == part["community"].tolist()
        assert len(pd.read_parquet(job.path / "scores.parquet")) == len(scores)
        assert {"pagerank", "participation", "leader", "broker"} <= set(scores.columns)
        comms = job.communities_table()
        assert comms["size"].sum() == proj.n == job.nodes
        # at most 3 leaders per community, and leaders are members of that community
        for row in comms.itertuples():
            leaders = [x for x in str(row.leaders).split(";") if x]
            assert 1 <= len(leaders) <= 3
            assert set(part.loc[part["node"].isin(leaders), "community"]) == {row.community}

        m = job.manifest()
        assert m["status"] == "complete" and m["job_key"] == job.key
        assert m["input_hash"] == proj.input_hash == m["inputs"]["input_hash"]
        assert m["inputs"]["options"] == {"region": region}
        assert m["inputs"]["params"]["region"] == [region]
        assert (m["inputs"]["nodes"], m["inputs"]["edges"]) == (proj.n, proj.m)
        cypher = m["query"]["projection_person_calls"]
        assert "MATCH" in cypher["cypher"] and cypher["parameters"]["regions"] == [region]
        assert m["algorithm"]["name"] == job.algorithm
        assert m["algorithm"]["ran"] == f"consensus/{job.algorithm}"
        assert m["algorithm"]["params"]["resolution"] == 1.0
        assert m["seeds"]["seed"] == 0 and m["seeds"]["runs"] == SEEDS
        assert len(m["seeds"]["run_seeds"]) == SEEDS
        versions = m["versions"]
        assert versions["netintel"] == __version__
        assert {"python", "networkx", "engine"} <= set(versions)
        assert versions["neo4j"].startswith("Neo4j Kernel 5.26")
        assert {"projection_s", "consensus_s", "scores_s", "total_s"} <= set(m["timings"])

    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["counts"] == {"jobs": 4, "computed": 4, "reused": 0}
    assert [j["key"] for j in manifest["jobs"]] == [j.key for j in batch.jobs]
    assert manifest["spec"]["seeds"] == SEEDS
    report = batch.report_md.read_text("utf-8")
    assert report.count("## Job ") == 4 and "leaders" in report and "stability" in report
    assert "<table" in batch.report_html.read_text("utf-8")
    frame = batch.to_frame()
    assert frame["status"].tolist() == ["computed"] * 4


def test_identical_rerun_reuses_every_job(synth: dict[str, Any], tmp_path: Path) -> None:
    spec = two_by_two(synth["regions"])
    first = run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    again = run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    assert again.reused == 4 and again.computed == 0
    assert partitions(again.jobs) == partitions(first.jobs)
    # a fresh folder computes the same partitions again (same seeds, same data)
    other = run_batch(spec, tmp_path / "fresh", driver=synth["driver"], progress=False)
    assert other.computed == 4
    assert partitions(other.jobs) == partitions(first.jobs)


def test_a_projection_given_is_used_instead_of_reading_it_again(
    synth: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netintel.batch

    drv = synth["driver"]
    spec = BatchSpec.from_options(
        projection="person_calls", algorithm="find_gangs", seeds=SEEDS, name="g"
    )
    read = run_batch(spec, tmp_path / "read", driver=drv, progress=False)
    proj = project(drv, "person_calls")

    def no_second_read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the batch read the projection it was given")

    monkeypatch.setattr(netintel.batch, "project", no_second_read)
    given = run_batch(spec, tmp_path / "given", driver=drv, progress=False, projection=proj)
    assert given.computed == 1 and partitions(given.jobs) == partitions(read.jobs)
    other = BatchSpec.from_options(projection="phone_calls", algorithm="louvain", seeds=2, name="p")
    with pytest.raises(ValueError, match="not 'person_calls'"):
        run_batch(other, tmp_path / "other", driver=drv, progress=False, projection=proj)


def test_no_batch_manifest_before_its_reports(
    synth: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netintel.batch

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(netintel.batch, "_write_reports", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_batch(two_by_two(synth["regions"]), tmp_path, driver=synth["driver"], progress=False)
    assert not (tmp_path / "manifest.json").exists()  # nothing claims the batch is done


def test_a_failed_rerun_leaves_no_manifest_of_the_earlier_batch(
    synth: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import netintel.batch

    spec = two_by_two(synth["regions"])
    first = run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    assert json.loads(first.manifest.read_text("utf-8"))["jobs"][0]["status"] == "computed"

    def full_disk(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(netintel.batch, "_write_reports", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    # the re-run stopped between its jobs and its reports: the earlier batch's manifest,
    # which would say this one is done, is gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jobs", "report.html", "report.md"]


def test_interrupted_batch_resumes_with_the_missing_jobs(
    synth: dict[str, Any], tmp_path: Path
) -> None:
    spec = two_by_two(synth["regions"])
    seen: list[JobResult] = []

    def stop_after_two(job: JobResult) -> None:
        seen.append(job)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(spec, tmp_path, driver=synth["driver"], progress=False, on_job=stop_after_two)
    assert len([p for p in (tmp_path / "jobs").iterdir() if not p.name.startswith(".")]) == 2
    resumed = run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    assert [j.status for j in resumed.jobs] == ["reused", "reused", "computed", "computed"]

    # a job folder lost (or never finished): only that job is computed again
    shutil.rmtree(resumed.jobs[1].path)
    again = run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    assert [j.status for j in again.jobs] == ["reused", "computed", "reused", "reused"]
    assert partitions(again.jobs) == partitions(resumed.jobs)


def test_parallel_per_region_batch_equals_serial(
    synth: dict[str, Any], neo4j_connection: Connection, tmp_path: Path
) -> None:
    spec = BatchSpec.model_validate(
        {
            "projections": [{"name": "calls", "regions": synth["regions"]}],
            "algorithms": [{"name": "leiden", "resolution": [1.0, 2.0]}],
            "seeds": SEEDS,
        }
    )
    serial = run_batch(spec, tmp_path / "serial", driver=synth["driver"], workers=1, progress=False)
    parallel = run_batch(
        spec,
        tmp_path / "parallel",
        driver=synth["driver"],
        connection=neo4j_connection,
        workers=2,
        progress=False,
    )
    assert serial.workers == 1 and parallel.workers == 2
    assert [j.key for j in parallel.jobs] == [j.key for j in serial.jobs]
    assert partitions(parallel.jobs) == partitions(serial.jobs)
    for a, b in zip(serial.jobs, parallel.jobs, strict=True):
        assert (a.path / "communities.csv").read_bytes() == (
            b.path / "communities.csv"
        ).read_bytes()
        pd.testing.assert_frame_equal(a.scores(), b.scores())


def test_regions_all_is_every_region_of_the_graph(synth: dict[str, Any], tmp_path: Path) -> None:
    locations = pd.read_csv(synth["data"] / "locations.csv", dtype=str)
    cases = pd.read_csv(synth["data"] / "cases.csv", dtype=str)
    every = sorted(set(locations["region"].dropna()) | set(cases["region"].dropna()))
    spec = BatchSpec.model_validate(
        {
            "projections": [{"name": "co_offending", "regions": "all"}],
            "algorithms": [{"name": "louvain"}],
            "seeds": 2,
        }
    )
    batch = run_batch(spec, tmp_path, driver=synth["driver"], workers=1, progress=False)
    assert [j.options["region"] for j in batch.jobs] == every


# --------------------------------------------------------------------------- run files


GOOD_YAML = """\
name: weekly
projections:
  - name: calls
    regions: [North, South]
    windows:
      - {since: 2023-01-01, until: 2023-07-01}
      - {since: 2023-07-01, until: 2024-01-01}
  - name: co_offending
algorithms:
  - name: leiden
    resolution: [0.5, 1.0]
  - name: label_propagation
seeds: 10
"""

GOOD_TOML = """\
name = "weekly"
seeds = [1, 2]
runs = 5

[[projections]]
name = "person_calls"
options = { since = 2023-01-01, directed = false }

[[algorithms]]
name = "leiden"
objective = "cpm"
resolution = 0.05
"""


def test_run_files_in_yaml_and_toml(tmp_path: Path) -> None:
    path = tmp_path / "weekly.yaml"
    path.write_text(GOOD_YAML)
    spec = load_run_file(path)
    jobs = spec.jobs()
    # (2 regions x 2 windows + co_offending) x (2 resolutions + label propagation)
    assert len(jobs) == 5 * 3
    assert jobs[0].options == {"region": "North", "since": "2023-01-01", "until": "2023-07-01"}
    assert jobs[0].projection == "person_calls" and jobs[0].runs == 10
    assert len({j.spec_key for j in jobs}) == 15

    path = tmp_path / "weekly.toml"
    path.write_text(GOOD_TOML)
    jobs = load_run_file(path).jobs()
    assert [(j.seed, j.runs) for j in jobs] == [(1, 5), (2, 5)]
    assert jobs[0].options == {"since": "2023-01-01", "directed": False}
    assert jobs[0].params["objective"] == "cpm" and "cpm" in jobs[0].label


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "unknown.yaml",
            "projections: [{name: callz}]\nalgorithms: [{name: leiden}]\n",
            "projections.0.name: unknown projection 'callz'",
        ),
        (
            "extra.yaml",
            "projections: [{name: calls}]\nalgorithms: [{name: leiden, resolutoin: 2}]\n",
            "algorithms.0.resolutoin: Extra inputs are not permitted",
        ),
        (
            "option.yaml",
            "projections: [{name: calls, options: {window: 1h}}]\nalgorithms: [{name: leiden}]\n",
            "projection 'person_calls' has no option 'window'",
        ),
        (
            "window.yaml",
            "projections: [{name: calls, windows: [{since: 2024-02-01, until: 2024-01-01}]}]\n"
            "algorithms: [{name: louvain}]\n",
            "must be before until",
        ),
        (
            "seeds.toml",
            'seeds = 1\n[[projections]]\nname = "calls"\n[[algorithms]]\nname = "leiden"\n',
            "seeds: seeds must be at least 2",
        ),
        (
            "missing.yaml",
            "projections: [{name: calls}]\n",
            "algorithms: Field required",
        ),
        (
            "objective.yaml",
            "projections: [{name: calls}]\nalgorithms: [{name: louvain, objective: cpm}]\n",
            "objective 'cpm' is for leiden",
        ),
        (
            "gangs.yaml",
            "projections: [{name: calls}]\nalgorithms: [{name: find_gangs, resolution: 2}]\n",
            "algorithms.0: find_gangs has no resolution",
        ),
        (
            "engine.yaml",
            "projections: [{name: calls}]\nalgorithms: [{name: find_gangs, engine: igraph}]\n",
            "find_gangs has no engine option",
        ),
        (
            "infomap.yaml",
            "projections: [{name: calls}]\nalgorithms: [{name: infomap, resolution: [1, 2]}]\n",
            "infomap has no resolution",
        ),
        (
            "infomap_runs.yaml",
            "projections: [{name: calls}]\nalgorithms: [{name: louvain, infomap_runs: 3}]\n",
            "infomap_runs is for find_gangs, not louvain",
        ),
        ("broken.yaml", "projections: [\n", "not valid YAML"),
        ("broken.toml", "projections = [\n", "not valid TOML"),
        ("plan.json", "{}", "a run file ends in .yaml, .yml or .toml"),
        ("list.yaml", "- a\n- b\n", "a run file is a mapping"),
    ],
)
def test_bad_run_files_name_the_file_and_key(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(BatchError) as info:
        load_run_file(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_spec_from_detect_options() -> None:
    spec = BatchSpec.from_options(
        projection="calls", algorithm="louvain", seeds=5, regions=["A", "B"], resolution=[1, 2]
    )
    assert [(j.options["region"], j.params["resolution"]) for j in spec.jobs()] == [
        ("A", 1.0),
        ("A", 2.0),
        ("B", 1.0),
        ("B", 2.0),
    ]
    with pytest.raises(BatchError, match=r"the detect options: projections\.0\.name"):
        BatchSpec.from_options(projection="nope")


def test_find_gangs_is_the_default_and_old_job_keys_are_unchanged() -> None:
    (job,) = BatchSpec.from_options(projection="calls").jobs()
    assert job.algorithm == "find_gangs" and job.label == "person_calls-find_gangs-s0x20"
    assert job.params == {"infomap_runs": 2, "threshold": 0.5, "max_rounds": 10}
    # the spec keys of the old algorithms are what they were before find_gangs existed
    spec = BatchSpec.model_validate(
        {
            "projections": [{"name": "calls", "regions": ["A"]}],
            "algorithms": [
                {"name": "leiden", "resolution": [1, 2]},
                {"name": "louvain"},
                {"name": "label_propagation"},
                {"name": "leiden", "objective": "cpm", "resolution": 0.1},
            ],
            "seeds": 5,
        }
    )
    assert [(j.label, j.spec_key[:16]) for j in spec.jobs()] == [
        ("person_calls-A-leiden-r1-s0x5", "3f5a463e66131661"),
        ("person_calls-A-leiden-r2-s0x5", "7ef2a5c88b9f00b6"),
        ("person_calls-A-louvain-r1-s0x5", "a1512b95ed15a61e"),
        ("person_calls-A-label_propagation-s0x5", "4d1c760b31086192"),
        ("person_calls-A-leiden-r0.1-cpm-s0x5", "f9dd15cf0e8c7801"),
    ]


def test_find_gangs_job_writes_gangs_inside_alliances(
    synth: dict[str, Any], tmp_path: Path
) -> None:
    drv = synth["driver"]
    region = synth["regions"][0]
    spec = BatchSpec.from_options(projection="calls", seeds=SEEDS, regions=[region])
    batch = run_batch(spec, tmp_path, driver=drv, progress=False)
    (job,) = batch.jobs
    assert job.algorithm == "find_gangs" and job.status == "computed"
    # the job holds what find_gangs finds on the same projection with the same seeds
    proj = project(drv, "person_calls", region=region)
    gangs = find_gangs(proj.edge_arrays(), seed=0, label_propagation_runs=SEEDS)
    part = job.partition()
    assert list(part.columns) == ["node", "community", "alliance", "stability"]
    member = dict(zip(part["node"], part["community"], strict=True))
    assert {frozenset(str(v) for v in c) for c in gangs.communities} == {
        frozenset(n for n, c in member.items() if c == k) for k in set(member.values())
    }
    assert len(gangs.levels[0]) < len(gangs.communities)  # some gangs do form alliances
    # each gang sits in exactly one alliance, the one find_gangs puts it in
    per_gang = part.groupby("community")["alliance"].unique()
    assert all(len(a) == 1 for a in per_gang)
    for g, c in enumerate(gangs.communities):
        (k,) = {member[str(v)] for v in c}
        assert per_gang[k][0] == gangs.alliance_of(g)
    comms = job.communities_table()
    assert dict(zip(comms["community"], comms["alliance"], strict=True)) == {
        k: a[0] for k, a in per_gang.items()
    }
    m = job.manifest()
    assert m["algorithm"]["ran"] == "find_gangs"
    assert m["result"]["alliances"] == part["alliance"].nunique() == len(gangs.levels[0])
    assert len(m["seeds"]["run_seeds"]) == SEEDS + 4  # label propagation + 2 Infomap + 2 Louvain
    # the report groups the gangs under their alliance
    report = batch.report_md.read_text("utf-8")
    assert "### Alliances" in report and "find_gangs" in report
    section = report.split("### Alliances", 1)[1].split("\n\n")[2].splitlines()[2:]
    rows = [[x.strip() for x in line.strip("|").split("|")] for line in section]
    assert len(rows) == part["alliance"].nunique()
    for alliance, size, n, listed in rows:
        inside = comms[comms["alliance"] == int(alliance)]
        assert int(size) == inside["size"].sum() == (part["alliance"] == int(alliance)).sum()
        assert int(n) == len(inside)
        assert {int(x.split(" ")[0]) for x in listed.split(", ")} == set(inside["community"])
    assert "<h3>Alliances</h3>" in batch.report_html.read_text("utf-8")
    # the loose groups find_gangs names are marked as such in the table and the report
    assert [int(c) for c in comms.loc[comms["loose"], "community"]] == list(gangs.loose)
    table = report.split("|   community |", 1)[1].split("\n\n")[0].splitlines()[2:]
    marked = {int(line.split("|")[1]) for line in table if "| loose " in line}
    assert marked == {c for c in gangs.loose if c < len(table)}
    assert ("a crowd rather than a gang" in report) == bool(marked)
    # re-run with --write: the result is recomputed (same partition) and stored
    stored = run_batch(spec, tmp_path, driver=drv, write=True, progress=False)
    assert stored.reused == 1 and stored.jobs[0].run_id is not None
    assert stored.jobs[0].partition().equals(part)


def test_report_says_who_moved_between_windows(synth: dict[str, Any], tmp_path: Path) -> None:
    windows = [
        {"since": "2023-07-01", "until": "2024-01-01"},  # given out of order on purpose
        {"since": "2023-01-01", "until": "2023-07-01"},
    ]
    spec = BatchSpec.model_validate(
        {
            "projections": [
                {"name": "person_calls", "windows": windows},
                {"name": "co_offending"},  # no window: in no sequence
            ],
            "algorithms": [{"name": "louvain"}],
            "seeds": SEEDS,
        }
    )
    batch = run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    ((seq, moved),) = batch.who_moved()
    first, second = seq
    assert [first.options["since"], second.options["since"]] == ["2023-01-01", "2023-07-01"]
    assert moved.windows == (
        f"job {first.index}: 2023-01-01 to 2023-07-01",
        f"job {second.index}: 2023-07-01 to 2024-01-01",
    )
    # every mover is in both job partitions, in the communities the table names
    before = dict(zip(first.partition()["node"], first.partition()["community"], strict=True))
    after = dict(zip(second.partition()["node"], second.partition()["community"], strict=True))
    assert len(moved.movers) > 0
    for m in moved.movers.itertuples():
        assert (before[m.person], after[m.person]) == (m.from_community, m.to_community)
        assert m.from_track != m.to_track
    # leaders are the jobs' own first leaders (highest PageRank in the community)
    for j, window in zip(seq, moved.windows, strict=True):
        table = j.communities_table().set_index("community")
        rows = moved.communities[moved.communities["window"] == window]
        assert len(rows) == len(table)  # every community of the window
        for r in rows.itertuples():
            assert table.loc[r.community, "leaders"].split(";")[0] == r.leader
    report = batch.report_md.read_text("utf-8")
    section = report.split("## Who moved between windows", 1)[1]
    assert f"{len(moved.movers)} moved" in section
    mover = moved.movers.iloc[0]
    assert f"| {mover['person']} " in section and str(mover["name"]) in section
    assert "<h2>Who moved between windows</h2>" in batch.report_html.read_text("utf-8")
    # without windows there is no such section
    plain = run_batch(
        two_by_two(synth["regions"][:1]), tmp_path / "plain", driver=synth["driver"], progress=False
    )
    assert plain.who_moved() == []
    assert "Who moved between windows" not in plain.report_md.read_text("utf-8")


# --------------------------------------------------------------------------- the CLI


def test_detect_command_writes_the_run_folder(
    synth: dict[str, Any], neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "detect"
    region = synth["regions"][0]
    args = ["detect", "--projection", "calls", "--algorithm", "louvain", "--seeds", "3"]
    args += ["--region", region, "--since", "2023-01-01", "--out", str(out), "-q"]
    result = CliRunner().invoke(cli, args, env=neo4j_env)
    assert result.exit_code == 0, result.output
    assert "1 jobs: 1 computed, 0 reused" in result.stdout
    assert (out / "manifest.json").is_file() and (out / "report.html").is_file()
    (job,) = json.loads((out / "manifest.json").read_text("utf-8"))["jobs"]
    assert job["options"] == {"region": region, "since": "2023-01-01"}
    assert job["algorithm"] == "louvain" and job["label"].endswith("-louvain-r1-s0x3")
    part = pd.read_csv(out / job["dir"] / "partition.csv")
    assert list(part.columns) == ["node", "community", "stability"]

    again = CliRunner().invoke(cli, [*args, "--json"], env=neo4j_env)
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["reused"] == 1

    assert "Example:" in CliRunner().invoke(cli, ["detect", "--help"]).output


def test_detect_command_finds_gangs_by_default(
    synth: dict[str, Any], neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "gangs"
    args = ["detect", "--seeds", "3", "--region", synth["regions"][1], "--out", str(out), "-q"]
    result = CliRunner().invoke(cli, args, env=neo4j_env)
    assert result.exit_code == 0, result.output
    (job,) = json.loads((out / "manifest.json").read_text("utf-8"))["jobs"]
    assert job["algorithm"] == "find_gangs"
    part = pd.read_csv(out / job["dir"] / "partition.csv")
    assert "alliance" in part.columns
    assert part.groupby("community")["alliance"].nunique().eq(1).all()
    assert "### Alliances" in (out / "report.md").read_text("utf-8")
    bad = CliRunner().invoke(cli, [*args, "--resolution", "2"], env=neo4j_env)
    assert bad.exit_code == 2 and "find_gangs has no resolution" in bad.stderr


def test_detect_command_with_a_bad_run_file_exits_2(
    neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("projections: [{name: calls}]\nalgorithms: [{name: walktrap}]\n")
    result = CliRunner().invoke(cli, ["detect", "--run-file", str(bad)], env=neo4j_env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert f"{bad}: algorithms.0.name" in result.stderr
    both = CliRunner().invoke(
        cli, ["detect", "--run-file", str(bad), "--seeds", "5"], env=neo4j_env
    )
    assert both.exit_code == 2 and "--seeds" in both.stderr


# --------------------------------------------------------------------------- manifests


def test_job_manifests_are_written_and_read_through_one_model(
    synth: dict[str, Any], tmp_path: Path
) -> None:
    spec = BatchSpec.from_options(
        projection="calls", algorithm="leiden", seeds=SEEDS, regions=synth["regions"][:1]
    )
    (job,) = run_batch(spec, tmp_path, driver=synth["driver"], progress=False).jobs
    # the file holds exactly what the model declares: read and written again, nothing changes
    manifest = JobManifest.read(job.path)
    assert manifest.to_manifest() == job.manifest()
    assert manifest.inputs.nodes == job.nodes and manifest.seeds.runs == SEEDS
    assert JobResult.from_manifest(spec.jobs()[0], job.path, manifest, "reused").to_dict() == {
        **job.to_dict(),
        "status": "reused",
    }
    # a manifest of another shape is refused, naming its folder, not half understood
    data = job.manifest()
    data["result"].pop("modularity")
    (job.path / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BatchError, match=re.escape(job.path.name) + r".*result\.modularity"):
        run_batch(spec, tmp_path, driver=synth["driver"], progress=False)
    # the tables are those of every netintel table: UTF-8 with a byte-order mark
    assert (job.path / "partition.csv").read_bytes().startswith(b"\xef\xbb\xbfnode,")
    assert job.partition().columns[0] == "node"


# --------------------------------------------------------------------------- AnalysisRuns


def test_write_stores_each_result_once(synth: dict[str, Any], tmp_path: Path) -> None:
    drv = synth["driver"]
    spec = two_by_two(synth["regions"])
    before = set(list_runs(drv)["run_id"])
    batch = run_batch(spec, tmp_path, driver=drv, write=True, progress=False)
    ids = [j.run_id for j in batch.jobs]
    assert all(ids) and len(set(ids)) == 4
    runs = list_runs(drv)
    assert set(ids) <= set(runs["run_id"])
    assert set(runs.loc[runs["run_id"].isin(ids), "status"]) == {"complete"}
    count = len(runs)
    again = run_batch(spec, tmp_path, driver=drv, write=True, progress=False)
    assert again.reused == 4 and [j.run_id for j in again.jobs] == ids
    assert len(list_runs(drv)) == count
    # jobs computed without --write are stored when re-run with it
    plain = run_batch(spec, tmp_path / "plain", driver=drv, progress=False)
    assert all(j.run_id is None for j in plain.jobs)
    stored = run_batch(spec, tmp_path / "plain", driver=drv, write=True, progress=False)
    assert [j.run_id for j in stored.jobs] == ids and stored.reused == 4
    assert len(list_runs(drv)) == count and len(before) <= count


def test_changed_data_is_compared_with_the_previous_run(
    synth: dict[str, Any], tmp_path: Path
) -> None:
    """It adds calls to the graph (the next test that needs ``synth`` loads it again)."""
    drv = synth["driver"]
    region = synth["regions"][0]
    spec = BatchSpec.model_validate(
        {
            "projections": [{"name": "calls", "regions": [region]}],
            "algorithms": [{"name": "find_gangs"}, {"name": "leiden"}],
            "seeds": SEEDS,
        }
    )
    old = run_batch(spec, tmp_path / "folder", driver=drv, write=True, progress=False)
    # new calls between people of different communities
    part = old.jobs[0].partition()
    firsts = part.groupby("community")["node"].first().tolist()[:4]
    phones, _, _ = drv.execute_query(
        "MATCH (p:Person)-[:USES]->(ph:Phone) WHERE p.person_id IN $ids "
        "RETURN p.person_id AS person, min(ph.number) AS number ORDER BY person",
        ids=firsts,
    )
    towers, _, _ = drv.execute_query(
        "MATCH (t:Location {region: $region}) RETURN min(t.location_id) AS t", region=region
    )
    numbers = [r["number"] for r in phones]
    rows = [
        (f"EXTRA-{i}-{k}", a, b, f"2023-06-{k + 1:02d}T10:00:00Z", 60, towers[0]["t"])
        for i, (a, b) in enumerate(pairwise(numbers))
        for k in range(10)
    ]
    calls = pd.DataFrame(
        rows, columns=["call_id", "caller", "callee", "started_at", "duration_s", "tower"]
    )
    extra = ingest({"calls": calls}, driver=drv, reject_dir=tmp_path, progress=False)
    assert extra.rows_rejected == 0
    assert sum(rows_held(drv, extra.run_id).values()) == extra.rows_loaded

    new = run_batch(spec, tmp_path / "folder", driver=drv, progress=False)
    fresh = run_batch(spec, tmp_path / "fresh", driver=drv, progress=False)
    assert [j.algorithm for j in new.jobs] == ["find_gangs", "leiden"]
    for job, before, again in zip(new.jobs, old.jobs, fresh.jobs, strict=True):
        assert job.status == "computed" and job.key != before.key
        assert job.spec_key == before.spec_key
        cmp = job.comparison
        assert cmp is not None and cmp["previous"] == {"job": before.path.name}
        # NMI and ARI of the two partition tables, on the nodes both hold
        now = dict(zip(job.partition()["node"], job.partition()["community"], strict=True))
        was = dict(zip(before.partition()["node"], before.partition()["community"], strict=True))
        common = sorted(set(now) & set(was))
        assert cmp["nodes"] == len(common) == job.nodes
        assert (cmp["only_previous"], cmp["only_now"]) == (len(set(was) - set(now)), 0)
        pair = ({v: was[v] for v in common}, {v: now[v] for v in common})
        assert cmp["nmi"] == pytest.approx(nmi(*pair)) and cmp["ari"] == pytest.approx(ari(*pair))
        assert cmp["nmi"] < 1  # the extra calls moved someone
        # in a fresh folder, the previous run is the stored AnalysisRun
        cmp_stored = again.comparison
        assert cmp_stored is not None and cmp_stored["previous"] == {"run_id": before.run_id}
        assert cmp_stored["nmi"] == cmp["nmi"]
    assert new.report_md.read_text("utf-8").count("Compared with the previous run") == 2

"""The batch report's "who moved between windows", on job folders written by hand (no database)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from netintel.batch import BatchResult, JobResult, _empty_tables, _write_reports


def _job(folder: Path, index: int, since: str, until: str, member: dict[str, int]) -> JobResult:
    path = folder / f"job{index}"
    path.mkdir()
    if member:
        nodes = list(member)
        pd.DataFrame({"node": nodes, "community": list(member.values()), "stability": 1.0}).to_csv(
            path / "partition.csv", index=False
        )
        pd.DataFrame(
            {
                "node": nodes,
                "name": [f"Name {n}" for n in nodes],
                "community": list(member.values()),
                "pagerank": [1.0 if n in ("P1", "P5") else 0.1 for n in nodes],
            }
        ).to_csv(path / "scores.csv", index=False)
        sizes = pd.Series(member).value_counts().sort_index()
        pd.DataFrame(
            {
                "community": sizes.index,
                "size": sizes.to_numpy(),
                "stability": 1.0,
                "leaders": "",
                "brokers": "",
            }
        ).to_csv(path / "communities.csv", index=False)
    else:  # an empty window: the tables of a job that found nobody
        tables = zip(("partition", "scores", "communities"), _empty_tables(False), strict=True)
        for name, table in tables:
            table.to_csv(path / f"{name}.csv", index=False)
    return JobResult(
        index=index,
        key=f"{index:020d}",
        spec_key="spec",
        label=f"job{index}",
        path=path,
        status="computed",
        projection="person_calls",
        options={"since": since, "until": until},
        algorithm="louvain",
        params={"resolution": 1.0},
        runs=4,
        seed=0,
        input_hash="sha256:x",
        nodes=len(member),
        edges=0,
        communities=len(set(member.values())),
        modularity=None,
        stability=None,
        run_id=None,
        finished="",
        seconds=0.0,
    )


def _batch(folder: Path, jobs: tuple[JobResult, ...]) -> BatchResult:
    return BatchResult(
        name="windows",
        out_dir=folder,
        jobs=jobs,
        manifest=folder / "manifest.json",
        report_md=folder / "report.md",
        report_html=folder / "report.html",
        started="",
        seconds=0.0,
        workers=1,
    )


GANGS = {f"P{i}": 0 for i in range(1, 5)} | {f"P{i}": 1 for i in range(5, 9)}
MOVED = {f"P{i}": 0 for i in range(1, 4)} | {f"P{i}": 1 for i in range(4, 9)}


def test_a_mover_and_a_leader_change_in_the_report(tmp_path: Path) -> None:
    later = _job(tmp_path, 0, "2023-07-01", "2024-01-01", MOVED)
    earlier = _job(tmp_path, 1, "2023-01-01", "2023-07-01", GANGS)
    batch = _batch(tmp_path, (later, earlier))
    ((seq, moved),) = batch.who_moved()
    assert [j.index for j in seq] == [1, 0]  # window order, not job order
    assert moved.movers[["person", "name", "from_community", "to_community"]].values.tolist() == [
        ["P4", "Name P4", 0, 1]
    ]
    _write_reports(batch, "Neo4j test")
    report = batch.report_md.read_text("utf-8")
    assert "### Jobs 1, 0: person_calls · louvain" in report
    assert "1 moved; events: 1 grow, 1 shrink." in report
    assert "| P4       | Name P4 |" in report


def test_an_empty_window_makes_every_community_vanish(tmp_path: Path) -> None:
    jobs = (
        _job(tmp_path, 0, "2023-01-01", "2023-07-01", GANGS),
        _job(tmp_path, 1, "2023-07-01", "2024-01-01", {}),
    )
    ((_, moved),) = _batch(tmp_path, jobs).who_moved()
    assert moved.events["event"].tolist() == ["vanish", "vanish"]
    assert moved.movers.empty


def test_jobs_of_one_window_or_of_other_specs_make_no_sequence(tmp_path: Path) -> None:
    one = _job(tmp_path, 0, "2023-01-01", "2023-07-01", GANGS)
    other = _job(tmp_path, 1, "2023-07-01", "2024-01-01", MOVED)
    other = JobResult(**{**other.__dict__, "seed": 7})  # another spec: not the same sequence
    assert _batch(tmp_path, (one, other)).who_moved() == []

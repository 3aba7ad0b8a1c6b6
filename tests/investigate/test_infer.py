"""infer_handovers: hand-built cases where the evidence forces the hop, time order, evidence
records, determinism, the synthetic cases, and the write-back on the real Neo4j."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner
from loaded_graph import LoadedGraph

from netintel.cli import cli
from netintel.db import graph_summary, run_query
from netintel.exceptions import DatabaseError
from netintel.inferred import read_inferred, write_inferred
from netintel.ingest import ingest
from netintel.investigate import (
    InferredHandovers,
    baseline_handovers,
    handover_frames,
    infer_from_frames,
    infer_handovers,
    infer_handovers_of,
    neighbourhood_edges_of,
    score_handovers,
    transfers_of,
    victim_chains_of,
    withheld_handovers,
)
from netintel.projection import transfer_network
from netintel.runs import delete_run
from netintel.synth import generate

T = pd.Timestamp("2024-03-01T00:00Z")


def h(hours: float) -> str:
    return (T + pd.Timedelta(hours=hours)).isoformat()


def calls_frame(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_a": [a for a, _, _ in rows],
            "person_b": [b for _, b, _ in rows],
            "at": [h(t) for _, _, t in rows],
            "call_id": [f"C{i}" for i in range(len(rows))],
            "source": "calls.csv",
            "source_row": range(2, len(rows) + 2),
        }
    )


def roles_frame(rows: list[tuple[str, str]], case: str = "K1") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": [p for p, _ in rows],
            "case_id": case,
            "role": [r for _, r in rows],
            "source": "case_suspects.csv",
            "source_row": range(2, len(rows) + 2),
        }
    )


def transfers_frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "transfer_id": [t for t, _, _, _ in rows],
            "victim_id": "V",
            "from_id": [f for _, f, _, _ in rows],
            "to_id": [to for _, _, to, _ in rows],
            "at": [h(t) for _, _, _, t in rows],
            "case_id": "K1",
            "source": "transfers.csv",
            "source_row": range(2, len(rows) + 2),
        }
    )


def hops_of(result: object) -> list[tuple[str, str, str]]:
    frame = result.to_frame()  # type: ignore[attr-defined]
    return list(zip(frame["kind"], frame["from_id"], frame["to_id"], strict=True))


def test_the_one_co_located_calling_contact_is_the_next_holder() -> None:
    # B got the victim at hour 0 and is the last known holder; no case names a buyer.
    tr = transfers_frame([("T1", "A", "B", 0)])
    calls = calls_frame(
        [
            *[("B", "X", 30), ("X", "B", 40), ("B", "X", 44)],  # X: a burst before the hand-over
            *[("B", "Y", -200), ("B", "Y", -190), ("B", "Y", -180)],  # Y: before the window
            *[("B", "Z", 2000), ("B", "Z", 2001), ("B", "Z", 2002)],  # Z: after the horizon
            *[("B", "W", 50), ("B", "W", -900)],  # W: one call, as often as usual
        ]
    )
    sightings = pd.DataFrame(
        {
            "person_id": ["B", "X", "Y"],
            "location_id": ["L1", "L1", "L2"],
            "at": [h(46), h(46.5), h(46.5)],
        }
    )
    roles = roles_frame([("V", "victim"), ("A", "abductor"), ("B", "seller")])
    result = infer_handovers(tr, calls=calls, sightings=sightings, case_roles=roles)
    assert hops_of(result) == [("after_last", "B", "X")]
    hop = result.hops[0]
    assert hop.rule == "contact"
    assert set(hop.channels) == {"calls", "co-location"}
    kinds = {r.kind for r in hop.evidence}
    assert kinds == {"call", "sighting", "transfer"}  # T1: B held the victim from hour 0
    assert {r.id for r in hop.evidence if r.kind == "call"} == {"C0", "C1", "C2"}
    assert T < hop.at <= T + pd.Timedelta("21D")
    # the baseline takes the most-called contact in the window: here also X
    assert baseline_handovers(tr, calls=calls).values.tolist() == [["V", "after_last", "B", "X"]]


def test_case_suspects_fill_the_gap_in_the_order_the_evidence_gives() -> None:
    # recorded: A -> B at hour 0, E -> F at hour 200; B did not hand to E directly.
    tr = transfers_frame([("T1", "A", "B", 0), ("T2", "E", "F", 200)])
    roles = roles_frame(
        [
            ("V", "victim"),
            ("A", "abductor"),
            ("B", "transporter"),
            ("X", "transporter"),
            ("Y", "transporter"),
            ("E", "seller"),
            ("F", "buyer"),
            ("O", "organiser"),
        ]
    )
    calls = calls_frame(
        [
            *[("B", "X", 20), ("B", "X", 22), ("X", "Y", 90), ("X", "Y", 95)],
            *[("Y", "E", 160), ("Y", "E", 170), ("O", "B", 10), ("O", "X", 11)],
        ]
    )
    result = infer_handovers(tr, calls=calls, case_roles=roles)
    assert hops_of(result) == [
        ("between", "B", "X"),
        ("between", "X", "Y"),
        ("between", "Y", "E"),
    ]
    times = [hp.at for hp in result.hops]
    assert times == sorted(times) and len(set(times)) == 3
    assert all(T < t < T + pd.Timedelta(hours=200) for t in times)
    assert {hp.rule for hp in result.hops} == {"case-path"}
    assert all("case" in hp.channels for hp in result.hops)
    for hop in result.hops:
        assert hop.earliest == T and hop.latest == T + pd.Timedelta(hours=200)
        assert hop.after_transfer == "T1" and hop.before_transfer == "T2"
        assert hop.evidence, hop  # every hop lists its records
        assert all(r.source and r.row for r in hop.evidence)
        assert 0 < hop.score <= 1


def test_evidence_after_the_next_hand_over_never_supports_an_earlier_hop() -> None:
    # A -> B at 0, C -> D at 100 (D no buyer); the case buyer is G; X and Y are carriers.
    tr = transfers_frame([("T1", "A", "B", 0), ("T2", "C", "D", 100)])
    roles = roles_frame(
        [
            ("V", "victim"),
            ("A", "abductor"),
            ("X", "transporter"),
            ("Y", "transporter"),
            ("G", "buyer"),
        ]
    )
    calls = calls_frame(
        [
            *[("B", "X", 30), ("B", "X", 31), ("X", "C", 60), ("X", "C", 61)],  # X: in the gap
            *[("B", "Y", 130), ("B", "Y", 131), ("B", "Y", 132), ("Y", "C", 133)],  # after T2
            *[("D", "Y", 150), ("D", "Y", 151), ("Y", "G", 170), ("Y", "G", 171)],
        ]
    )
    result = infer_handovers(tr, calls=calls, case_roles=roles)
    assert hops_of(result) == [
        ("between", "B", "X"),
        ("between", "X", "C"),
        ("after_last", "D", "Y"),
        ("after_last", "Y", "G"),
    ]
    for hop in result.hops:
        if hop.latest is not None:
            assert all(r.at is None or r.at <= hop.latest for r in hop.evidence)
            assert hop.earliest is not None and hop.earliest < hop.at < hop.latest
        else:
            assert hop.earliest is not None and hop.at > hop.earliest
    # without Y's later calls, the first gap still gets X, never Y
    early = calls[calls["at"] < h(100)]
    again = infer_handovers(tr, calls=early, case_roles=roles)
    assert hops_of(again)[:2] == [("between", "B", "X"), ("between", "X", "C")]


def test_a_complete_chain_gets_no_proposal_and_the_result_is_deterministic() -> None:
    tr = transfers_frame([("T1", "A", "B", 0), ("T2", "B", "F", 50)])
    roles = roles_frame([("V", "victim"), ("A", "abductor"), ("B", "seller"), ("F", "buyer")])
    assert len(infer_handovers(tr, case_roles=roles)) == 0
    # two recorded holders, no one between: one direct hop
    gap = transfers_frame([("T1", "A", "B", 0), ("T2", "C", "F", 50)])
    direct = infer_handovers(gap, case_roles=roles)
    assert [(hp.kind, hp.from_id, hp.to_id, hp.rule) for hp in direct.hops] == [
        ("between", "B", "C", "direct")
    ]
    tr = transfers_frame([("T1", "A", "B", 0)])
    calls = calls_frame([("B", "F", 5), ("B", "F", 6)])
    one = infer_handovers(tr, calls=calls, case_roles=roles)
    two = infer_handovers(tr, calls=calls, case_roles=roles)
    pd.testing.assert_frame_equal(one.to_frame(), two.to_frame())
    assert one.to_frame()["hop_id"].tolist() == two.to_frame()["hop_id"].tolist()
    assert one.provenance.input_hash == two.provenance.input_hash
    assert one.provenance.params["lead"] == 216000.0  # seconds
    assert hops_of(one) == [("after_last", "B", "F")]
    summary = one.summary()
    assert summary[["victim_id", "between", "after_last"]].values.tolist() == [["V", 0, 1]]


def test_patterns_sightings_of_the_victim_and_roles_are_channels() -> None:
    # another victim's recorded transfer B -> X, and V seen with X: B -> X, not B -> Y
    tr = pd.concat(
        [
            transfers_frame([("T1", "A", "B", 0)]),
            transfers_frame([("T0", "B", "X", -500)]).assign(victim_id="W", case_id="K0"),
        ],
        ignore_index=True,
    )
    roles = pd.concat(
        [
            roles_frame([("V", "victim"), ("A", "abductor"), ("B", "seller")]),
            roles_frame([("W", "victim"), ("B", "seller"), ("X", "buyer")], case="K0"),
        ]
    )
    sightings = pd.DataFrame(
        {"person_id": ["V", "X"], "location_id": ["L9", "L9"], "at": [h(30), h(30.2)]}
    )
    calls = calls_frame([("B", "X", 20), ("B", "Y", 21)])
    result = infer_handovers(tr, calls=calls, sightings=sightings, case_roles=roles)
    assert hops_of(result) == [("after_last", "B", "X")]
    channels = result.hops[0].channels
    assert {"pattern", "victim-seen", "role", "calls"} <= set(channels)
    assert channels["role"] == 0.5  # seller -> buyer in every recorded transfer, x role_weight
    kinds = [r.kind for r in result.hops[0].evidence]
    assert kinds.count("transfer") == 2 and kinds.count("sighting") == 2
    # a contact that no case names must reach min_score
    assert (
        len(infer_handovers(tr, calls=calls, sightings=sightings, case_roles=roles, min_score=1.0))
        == 0
    )


def test_a_victim_with_no_recorded_transfer_is_searched_from_the_case() -> None:
    tr = transfers_frame([]).astype({"at": object})
    roles = roles_frame([("V", "victim"), ("A", "abductor"), ("S", "seller"), ("F", "buyer")])
    cases = pd.DataFrame({"case_id": ["K1"], "opened": [h(100)[:10]]})
    calls = calls_frame([("A", "S", 20), ("A", "S", 21), ("S", "F", 60), ("S", "F", 61)])
    result = infer_handovers(tr, calls=calls, case_roles=roles, cases=cases)
    assert hops_of(result) == [("after_last", "A", "S"), ("after_last", "S", "F")]
    assert result.hops[0].earliest == pd.Timestamp(h(100)[:10], tz="UTC") - pd.Timedelta("10D")
    assert result.hops[0].at < result.hops[1].at
    assert len(infer_handovers(tr, calls=calls, case_roles=roles)) == 0  # no time to go by


def test_maps_draw_inferred_edges_dashed(tmp_path: Path) -> None:
    import json
    import re

    from netintel.viz import network_map
    from netintel.viz.model import describe

    tr = transfers_frame([("T1", "A", "B", 0)])
    calls = calls_frame([("B", "X", 30), ("B", "X", 31)])
    G = infer_handovers(tr, calls=calls).to_networkx(tr)
    view = describe(G)
    assert sorted(str(e.type) for e in view.edges) == ["TRANSFER", "TRANSFER (inferred)"]
    page = network_map(G, tmp_path / "map.html").read_text(encoding="utf-8")
    rel_types = re.search(r'"relTypes":\s*(\[.*?\])', page)
    assert rel_types is not None
    dashed = {t["name"]: t["dashed"] for t in json.loads(rel_types.group(1))}
    assert dashed == {"TRANSFER": False, "TRANSFER (inferred)": True}


def test_bad_parameters_and_frames_are_refused() -> None:
    tr = transfers_frame([("T1", "A", "B", 0)])
    with pytest.raises(ValueError, match="call_weight"):
        infer_handovers(tr, call_weight=2)
    with pytest.raises(ValueError, match="lead"):
        infer_handovers(tr, lead="-1h")
    with pytest.raises(ValueError, match="calls frame lacks column"):
        infer_handovers(tr, calls=pd.DataFrame({"a": [1]}))
    with pytest.raises(ValueError, match="sightings frame, column 'at', row 0"):
        infer_handovers(
            tr, sightings=pd.DataFrame({"person_id": ["A"], "location_id": ["L"], "at": ["x"]})
        )


@pytest.fixture(scope="module")
def hidden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("infer-synth")
    generate(out, scale=10_000, seed=2, hide_transfers=0.5, dirty_rate=0)
    return out


def _infer(frames: dict[str, pd.DataFrame]) -> InferredHandovers:
    return infer_from_frames(frames)


def withheld(folder: Path) -> pd.DataFrame:
    return withheld_handovers(pd.read_csv(folder / "ground_truth" / "chains.csv", dtype=str))


def test_on_a_synthetic_case_it_beats_the_plain_baseline(hidden: Path) -> None:
    frames = handover_frames(hidden)
    truth = withheld(hidden)
    assert len(truth) > 20
    result = _infer(frames)
    ours = score_handovers(result, truth)
    base = score_handovers(
        baseline_handovers(
            frames["transfers"], calls=frames["calls"], case_roles=frames["case_roles"]
        ),
        truth,
    )
    assert ours["between"]["precision"] >= 0.8 and ours["between"]["recall"] >= 0.8
    assert ours["all"]["f1"] > 2 * base["all"]["f1"]
    # recorded holders are never proposed again, and every hop has a record behind it
    frame = result.to_frame()
    assert (frame["evidence_count"] > 0).all()
    tr = frames["transfers"]
    recorded = set(zip(tr["victim_id"], tr["from_id"], tr["to_id"], strict=True))
    assert recorded  # the case has recorded transfers to compare with
    assert not recorded & set(
        zip(frame["victim_id"], frame["from_id"], frame["to_id"], strict=True)
    )


# ------------------------------------------------------------------- real Neo4j


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("infer-db")
    generate(out, scale=2_000, seed=5, hide_transfers=0.5, dirty_rate=0)
    return out


@pytest.fixture
def db(
    loaded_graph: LoadedGraph, small: Path, tmp_path_factory: pytest.TempPathFactory
) -> neo4j.Driver:
    def load(driver: neo4j.Driver) -> neo4j.Driver:
        report = ingest(
            small,
            driver=driver,
            mapping=small / "mapping.yaml",
            reject_dir=tmp_path_factory.mktemp("infer-rejects"),
            progress=False,
        )
        assert report.rows_rejected == 0
        return driver

    return loaded_graph("infer-small", load)


def _network(driver: neo4j.Driver) -> list[tuple[str, str, int]]:
    G = transfer_network(driver).to_networkx()
    return sorted((str(u), str(v), int(w)) for u, v, w in G.edges(data="transfers"))


@pytest.mark.neo4j
def test_write_back_round_trip_and_recorded_readers_ignore_inferred(
    db: neo4j.Driver, small: Path
) -> None:
    result = infer_handovers_of(db, tz="UTC")
    from_files = _infer(handover_frames(small))
    cols = ["victim_id", "kind", "from_id", "to_id"]
    assert len(result) > 0
    # the reader of the database and the reader of the record files give the same hops
    assert result.to_frame()[cols].values.tolist() == from_files.to_frame()[cols].values.tolist()

    before = transfers_of(db)
    net_before = _network(db)
    chains_before = victim_chains_of(db).to_frame()
    run_id = write_inferred(db, result)
    assert write_inferred(db, result) == run_id  # same run, replaced, not duplicated
    stored = read_inferred(db, run_id)
    assert len(stored) == len(result)
    assert stored["transfer_id"].str.startswith(f"{run_id}:").all()
    assert stored[cols].values.tolist() == result.to_frame()[cols].values.tolist()
    assert stored["from_name"].notna().all()
    assert (stored["at"] == result.to_frame()["at"].dt.tz_convert("UTC")).all()
    # recorded-transfer readers do not see them ...
    pd.testing.assert_frame_equal(transfers_of(db), before)
    assert _network(db) == net_before
    pd.testing.assert_frame_equal(victim_chains_of(db).to_frame(), chains_before)
    one = stored.iloc[0]
    assert run_query(db, "transfer_parties", transfer_id=one["transfer_id"]) == []
    near = neighbourhood_edges_of(db, [one["from_id"]], depth=1)
    assert not near["v"].astype(str).str.startswith(f"Transfer:{run_id}").any()
    assert not near["u"].astype(str).str.startswith(f"Transfer:{run_id}").any()
    # ... nor does the summary count them as recorded
    summary = graph_summary(db).set_index("name")["count"]
    assert summary["Transfer"] == len(before)
    assert summary["Transfer (inferred)"] == len(result)
    # ... unless asked
    assert len(transfers_of(db, inferred=True)) == len(before) + len(result)
    # and they go with their run
    assert delete_run(db, run_id)
    assert len(read_inferred(db)) == 0
    n, _, _ = db.execute_query("MATCH (t:Transfer) RETURN count(t) AS n")
    assert n[0]["n"] == len(before)
    # a run id held by another kind of analysis run is refused, and nothing is written
    db.execute_query("CREATE (:AnalysisRun {run_id: 'other-run', kind: 'communities'})")
    with pytest.raises(DatabaseError, match="not a chain inference"):
        write_inferred(db, result, run_id="other-run")
    assert len(read_inferred(db)) == 0
    assert delete_run(db, "other-run")


@pytest.mark.neo4j
def test_chains_infer_on_the_command_line(
    db: neo4j.Driver, neo4j_env: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner(env=neo4j_env)
    res = runner.invoke(cli, ["chains", "--infer", "--out", str(tmp_path / "hops.csv")])
    assert res.exit_code == 0, res.output
    saved = pd.read_csv(tmp_path / "hops.csv")
    assert len(saved) > 0 and {"from_name", "to_name", "score", "evidence_count"} <= set(saved)
    first = saved.iloc[0]
    assert f"{first['from_id']} ({first['from_name']})" in res.output
    res = runner.invoke(cli, ["chains", "--infer", "--map", str(tmp_path / "chains.html")])
    assert res.exit_code == 0, res.output
    assert "TRANSFER (inferred)" in (tmp_path / "chains.html").read_text(encoding="utf-8")
    res = runner.invoke(cli, ["chains", "--infer", "--write", "--run-id", "inf-1"])
    assert res.exit_code == 0, res.output
    assert f"stored {len(saved)} inferred transfer(s) as run inf-1" in res.output
    assert len(read_inferred(db, "inf-1")) == len(saved)
    assert delete_run(db, "inf-1")


def test_chains_infer_mistakes_exit_2() -> None:
    runner = CliRunner()
    for args in (
        ["chains", "--write"],
        ["chains", "--infer", "--run-id", "x"],
        ["chains", "--infer", "--across"],
        ["chains", "--infer", "--min-score", "1.5"],
        ["chains", "--map", "x.html"],
    ):
        res = runner.invoke(cli, args)
        assert res.exit_code == 2, (args, res.output)
        assert "Traceback" not in res.output


def test_the_benchmark_table_in_the_docs_is_the_committed_results() -> None:
    import importlib.util
    import json

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("bench_chains", root / "bench" / "chains.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    doc = json.loads((root / "bench" / "results" / "chains.json").read_text(encoding="utf-8"))
    text = (root / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert bench.table(doc) in text
    assert bench.evidence_table(doc) in text
    # what the docs say of the figures: the targets are met at every size, the baseline is
    # behind, the 10k case has 13 between-holder hops, a third leave no call or meeting
    assert [r["scale"] for r in doc["runs"]] == [10_000, 100_000, 1_000_000]
    for run in doc["runs"]:
        between = run["infer_handovers"]["between"]
        assert between["precision"] >= 0.8 and between["recall"] >= 0.8
        assert run["infer_handovers"]["all"]["f1"] > run["baseline"]["all"]["f1"]
        assert 0.6 <= run["evidence"]["with_call_or_meeting"] <= 0.75
    assert doc["runs"][0]["infer_handovers"]["between"]["true"] == 13

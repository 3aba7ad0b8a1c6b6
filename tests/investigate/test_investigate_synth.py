"""Investigations against the synthetic generator's hidden ground truth, via Neo4j.

One data set (``generate(scale=8000, seed=7, duplicate_rate=0.15)``, dirty rows
included, so the ingest rejects some rows as it would in the field) is ingested once
for the module. Thresholds sit a little under what was measured on this set and on
seven other seeds at scale 20,000 (see the report of issue 5):

* victim chains: precision = recall = 1.0 on every seed measured;
* cross-victim time-respecting chains (max gap 21 days): link precision 0.90-0.99,
  link recall 0.93-0.99, true chains contained 0.87-0.99;
* aliases: pairwise precision 1.0, recall 0.71-0.94 (this set: 1.0 / 0.88);
* DNA reunification (likely families): 76 of 77 right, 76 of 77 matchable found
  children (this set: 2 / 2);
* burners: precision 0.97, recall 0.73 on this set (the others: ~1.0 / ~0.75).
"""

from __future__ import annotations

from pathlib import Path

import neo4j
import pandas as pd
import pytest
from loaded_graph import LoadedGraph

from netintel.db import run_query
from netintel.ingest import ingest
from netintel.investigate import (
    alias_candidates_of,
    alias_links_of,
    burners_of,
    call_burst_of,
    chain_brokers,
    k_shortest_paths_of,
    reunifications_of,
    score_aliases,
    score_chains,
    set_alias_status,
    transfer_chains_of,
    transfers_of,
    victim_chains_of,
    write_candidates,
)
from netintel.synth import generate

pytestmark = pytest.mark.neo4j

MEASURE: dict[str, object] = {}  # filled by the tests, printed with -s


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-investigate")
    generate(out, scale=8000, seed=7, duplicate_rate=0.15)
    return out


@pytest.fixture
def db(
    loaded_graph: LoadedGraph, synth: Path, tmp_path_factory: pytest.TempPathFactory
) -> neo4j.Driver:
    def load(driver: neo4j.Driver) -> neo4j.Driver:
        ingest(
            synth,
            driver=driver,
            mapping=synth / "mapping.yaml",
            reject_dir=tmp_path_factory.mktemp("synth-rejects"),
            progress=False,
        )
        return driver

    return loaded_graph("investigate-synth", load)


def _truth(synth: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(synth / "ground_truth" / name, dtype=str)


def _true_chains(synth: Path) -> list[tuple[str, ...]]:
    gt = _truth(synth, "chains.csv")
    gt["hop"] = gt["hop"].astype(int)
    return [tuple(g.sort_values("hop")["transfer_id"]) for _, g in gt.groupby("chain_id")]


def test_victim_chains_against_ground_truth(db: neo4j.Driver, synth: Path) -> None:
    chains = victim_chains_of(db)
    s = score_chains(chains.chains, _true_chains(synth))
    MEASURE["victim_chains"] = s
    assert s["chain_precision"] >= 0.95 and s["chain_recall"] >= 0.95
    for c in chains.chains:
        assert all(a.at <= b.at for a, b in zip(c.hops, c.hops[1:], strict=False))
        assert all(h.record.source == "transfers.csv" and h.record.row for h in c.hops)
    # evidence rows point at the transfer's own line of the file
    rows = pd.read_csv(synth / "transfers.csv", dtype=str)
    hop = chains.chains[0].hops[0]
    assert rows.iloc[hop.record.row - 2]["transfer_id"] == hop.transfer_id


def test_cross_victim_chains_and_brokers(db: neo4j.Driver, synth: Path) -> None:
    res = transfer_chains_of(db, max_gap="21D")
    s = score_chains(res.chains, _true_chains(synth))
    MEASURE["transfer_chains_21D"] = s
    assert s["link_precision"] >= 0.85
    assert s["link_recall"] >= 0.9
    assert s["contained_recall"] >= 0.85
    for c in res.chains:
        for a, b in zip(c.hops, c.hops[1:], strict=False):
            assert a.to_id == b.from_id
            assert pd.Timedelta(0) <= b.at - a.at <= pd.Timedelta("21D")
    brokers = chain_brokers(res).table
    true_brokers = set(_truth(synth, "brokers.csv")["person_id"])
    top = set(brokers["person"].head(len(true_brokers)))
    MEASURE["brokers_top_k_hit"] = (len(top & true_brokers), len(true_brokers))
    assert top & true_brokers


def test_aliases_against_ground_truth(db: neo4j.Driver, synth: Path) -> None:
    cands = alias_candidates_of(db)
    gt = _truth(synth, "alias_clusters.csv")
    truth = [list(g["person_id"]) for _, g in gt.groupby("cluster_id")]
    s = score_aliases(cands, truth)
    MEASURE["aliases"] = s
    assert s["precision"] >= 0.9 and s["recall"] >= 0.7
    # candidates become SAME_AS links, idempotently, and an analyst's decision is kept
    n = write_candidates(db, cands)
    assert n == len(cands.table)
    a, b = cands.table.iloc[0][["a", "b"]]
    set_alias_status(db, a, b, "confirmed", by="analyst-1")
    write_candidates(db, cands)
    rows = run_query(db, "same_as_links", status=None)
    assert all(r["evidence"] for r in rows)
    links = alias_links_of(db, status=None)
    assert len(links) == n
    assert alias_links_of(db)[["a", "b"]].values.tolist() == [sorted([a, b])]
    assert set(links["status"]) == {"candidate", "confirmed"}


def test_dna_reunifications_against_ground_truth(db: neo4j.Driver, synth: Path) -> None:
    t = reunifications_of(db).table
    found = _truth(synth, "found_persons.csv")
    matches = _truth(synth, "dna_matches.csv")
    # a found child whose parents gave no reference sample cannot be matched by DNA
    matchable = set(matches.loc[matches["true_match"] == "true", "sample_id"])
    found = found[found["sample_id"].isin(matchable)]
    truth = set(zip(found["found_person_id"], found["victim_id"], strict=True))
    best = t[t["likely"]]
    pred = set(zip(best["found_person"], best["missing_person"], strict=True))
    tp = len(pred & truth)
    MEASURE["dna"] = {"tp": tp, "predicted": len(pred), "true": len(truth)}
    assert truth, "the data set should plant found children"
    assert tp / len(pred) >= 0.8 and tp / len(truth) >= 0.8


def test_burners_and_burst_around_a_transfer(db: neo4j.Driver, synth: Path) -> None:
    found = set(burners_of(db).table["number"])
    truth = set(_truth(synth, "burners.csv")["number"])
    tp = len(found & truth)
    MEASURE["burners"] = {"tp": tp, "predicted": len(found), "true": len(truth)}
    assert tp / max(len(found), 1) >= 0.8 and tp / len(truth) >= 0.5
    tr = transfers_of(db)
    burst = call_burst_of(db, transfer=tr["transfer_id"].iloc[len(tr) // 2])
    MEASURE["burst_score"] = burst.score
    assert burst.before + burst.after == len(burst.evidence)


def test_paths_between_people_with_evidence(db: neo4j.Driver, synth: Path) -> None:
    gt = _truth(synth, "chains.csv").iloc[0]
    res = k_shortest_paths_of(db, gt["from_id"], gt["to_id"], k=2, types=("FROM", "TO"), max_hops=2)
    first = res.paths[0]
    assert first.nodes == (
        f"Person:{gt['from_id']}",
        f"Transfer:{gt['transfer_id']}",
        f"Person:{gt['to_id']}",
    )
    recs = [r for h in first.hops for r in h.records]
    assert {r.source for r in recs} == {"transfers.csv"}
    assert {r.id for r in recs} == {gt["transfer_id"]}


def test_sim_swaps_with_handsets(db: neo4j.Driver, synth: Path) -> None:
    from netintel.investigate import sim_swaps_of

    table = sim_swaps_of(db).table
    best = table[table["best"]]
    swaps = _truth(synth, "sim_swaps.csv")
    truth = set(zip(swaps["old_number"], swaps["new_number"], strict=True))
    found = set(zip(best["old"], best["new"], strict=True))
    MEASURE["sim_swaps"] = {"tp": len(found & truth), "predicted": len(found), "true": len(truth)}
    # measured on eight sets: precision ~0.6, recall ~0.5 (see the report); here just
    # that the handset evidence finds true swaps the contact overlap alone misses
    assert found & truth
    same = best[best["same_handset"]]
    assert all(any(r.kind == "phone" for r in ev) for ev in same["evidence"])


def test_print_measurements() -> None:
    print("\nmeasured:", MEASURE)

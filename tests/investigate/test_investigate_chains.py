"""Trafficking chains on small hand-made transfer tables (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from netintel.investigate import (
    Record,
    chain_brokers,
    score_chains,
    transfer_chains,
    victim_chains,
)

T0 = pd.Timestamp("2024-03-01T00:00Z")


def _tr(*rows: tuple[str, str, str, str, float, str]) -> pd.DataFrame:
    """Rows (transfer_id, victim, from, to, day offset, region) with source rows 2, 3, ..."""
    return pd.DataFrame(
        {
            "transfer_id": [r[0] for r in rows],
            "victim_id": [r[1] for r in rows],
            "from_id": [r[2] for r in rows],
            "to_id": [r[3] for r in rows],
            "at": [T0 + pd.Timedelta(days=r[4]) for r in rows],
            "region": [r[5] for r in rows],
            "source": "transfers.csv",
            "source_row": list(range(2, len(rows) + 2)),
        }
    )


def test_victim_chain_is_time_ordered_with_evidence_rows() -> None:
    tr = _tr(
        ("T3", "V", "C", "D", 5, "R1"),
        ("T1", "V", "A", "B", 0, "R1"),
        ("T2", "V", "B", "C", 2, "R2"),
    )
    (chain,) = victim_chains(tr).chains
    assert chain.transfer_ids == ("T1", "T2", "T3")
    assert chain.people == ("A", "B", "C", "D")
    assert chain.regions == ("R1", "R2")
    assert chain.consistent
    # T1 is the second data row of the input: file row 3
    assert chain.evidence == (
        Record("transfer", "T1", "transfers.csv", 3),
        Record("transfer", "T2", "transfers.csv", 4),
        Record("transfer", "T3", "transfers.csv", 2),
    )


def test_victim_chain_break_is_flagged() -> None:
    tr = _tr(("T1", "V", "A", "B", 0, "R"), ("T2", "V", "X", "C", 1, "R"))
    (chain,) = victim_chains(tr).chains
    assert not chain.consistent
    assert "starts with X but hop 1 (T1) ended with B" in chain.problems[0]
    assert chain.people == ("A", "B", "X", "C")


def test_chain_never_goes_back_in_time() -> None:
    # B hands on to C *before* receiving from A: T0 must not follow T1.
    tr = _tr(("T0", "V1", "B", "C", 0, "R"), ("T1", "V2", "A", "B", 1, "R"))
    res = transfer_chains(tr, max_gap="30D")
    assert sorted(c.transfer_ids for c in res.chains) == [("T0",), ("T1",)]
    for c in res.chains:
        assert all(a.at <= b.at for a, b in zip(c.hops, c.hops[1:], strict=False))


def test_max_gap_per_hop_is_respected() -> None:
    tr = _tr(
        ("T1", "V", "A", "B", 0, "R"),
        ("T2", "V", "B", "C", 3, "R"),  # 3 days after T1
        ("T3", "V", "C", "D", 10, "R"),  # 7 days after T2
    )
    assert [c.transfer_ids for c in transfer_chains(tr, max_gap="7D").chains] == [
        ("T1", "T2", "T3")
    ]
    assert [c.transfer_ids for c in transfer_chains(tr, max_gap="6D").chains] == [
        ("T1", "T2"),
        ("T3",),
    ]
    assert [c.transfer_ids for c in transfer_chains(tr, max_gap="2D").chains] == [
        ("T1",),
        ("T2",),
        ("T3",),
    ]


def test_chains_are_maximal_and_ranked() -> None:
    # a broker B receives two victims and hands both on: four maximal chains
    tr = _tr(
        ("T1", "V1", "A", "B", 0, "R1"),
        ("T2", "V2", "E", "B", 1, "R2"),
        ("T3", "V1", "B", "C", 2, "R3"),
        ("T4", "V2", "B", "D", 3, "R2"),
        ("T5", "V1", "C", "F", 4, "R3"),
    )
    res = transfer_chains(tr, max_gap="10D")
    ids = [c.transfer_ids for c in res.chains]
    assert ids == [
        ("T2", "T3", "T5"),  # 3 hops, two victims (V2 then V1 through B)
        ("T1", "T3", "T5"),  # 3 hops, one victim
        ("T1", "T4"),  # 2 hops, two victims
        ("T2", "T4"),  # 2 hops, one victim
    ]
    same = transfer_chains(tr, max_gap="10D", same_victim=True)
    assert sorted(c.transfer_ids for c in same.chains) == [("T1", "T3", "T5"), ("T2", "T4")]
    brokers = chain_brokers(res).table
    top = brokers.iloc[0]
    assert (top["person"], top["chains"], top["victims"]) == ("B", 4, 2)
    assert {r.id for r in top["evidence"]} == {"T1", "T2", "T3", "T4"}


def test_transfer_chains_limit_truncates() -> None:
    tr = _tr(*[(f"T{i}", "V", f"P{i}", f"P{i + 1}", i, "R") for i in range(3)])
    res = transfer_chains(tr, max_gap="1D", limit=1)
    assert len(res) == 1 and not res.truncated  # one maximal chain fits
    wide = _tr(*[(f"T{i}", "V", "A", f"B{i}", 0, "R") for i in range(3)])
    assert transfer_chains(wide, limit=2).truncated


def test_score_chains() -> None:
    s = score_chains([("T1", "T2", "T3"), ("T9",)], [("T1", "T2"), ("T3",), ("T9",)])
    assert s["chain_precision"] == 0.5  # ("T9",) exact, the long one is not
    assert s["chain_recall"] == pytest.approx(1 / 3)
    assert s["link_precision"] == 0.5  # (T1,T2) true, (T2,T3) invented
    assert s["link_recall"] == 1.0
    assert s["contained_recall"] == 1.0


def test_bad_time_names_the_row() -> None:
    tr = _tr(("T1", "V", "A", "B", 0, "R")).astype({"at": object})
    tr.loc[0, "at"] = "2023-02-30T00:00"
    with pytest.raises(ValueError, match="row 0: not a date-time"):
        victim_chains(tr)

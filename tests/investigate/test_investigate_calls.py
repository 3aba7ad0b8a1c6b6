"""Call-record analytics on small hand-made call tables (no database)."""

from __future__ import annotations

import pandas as pd
import pytest

from netintel.investigate import (
    burners,
    call_burst,
    call_chains,
    colocation,
    common_contacts,
    contact_hops,
    contact_profile,
    sim_swaps,
    tower_observations,
)

T0 = pd.Timestamp("2024-05-01T00:00Z")


def _calls(*rows: tuple[str, str, float, int, str | None]) -> pd.DataFrame:
    """Rows (caller, callee, hours after T0, duration, tower); call ids C1.., rows 2.."""
    return pd.DataFrame(
        {
            "call_id": [f"C{i + 1}" for i in range(len(rows))],
            "caller": [r[0] for r in rows],
            "callee": [r[1] for r in rows],
            "at": [T0 + pd.Timedelta(hours=r[2]) for r in rows],
            "duration_s": [r[3] for r in rows],
            "tower": [r[4] for r in rows],
            "source": "calls.csv",
            "source_row": list(range(2, len(rows) + 2)),
        }
    )


def test_contact_profile_counts_durations_hours_towers() -> None:
    calls = _calls(
        ("A", "B", 1, 60, "T1"),
        ("B", "A", 2, 30, "T9"),
        ("A", "C", 3, 10, "T1"),
        ("A", "B", 25, 5, "T2"),
        ("X", "Y", 4, 99, "T1"),
    )
    prof = contact_profile(calls, "A")
    c = prof.contacts.set_index("contact")
    assert prof.top(2) == ["B", "C"]
    assert c.loc["B", ["calls", "outgoing", "incoming", "duration_s"]].tolist() == [3, 2, 1, 95]
    assert [r.id for r in c.loc["B", "evidence"]] == ["C1", "C2", "C4"]
    assert [r.row for r in c.loc["B", "evidence"]] == [2, 3, 5]
    assert prof.hours[1] == 2 and prof.hours[2] == 1 and prof.hours[3] == 1
    assert prof.hours.sum() == 4
    # towers of calls A made (C2 was made by B: its tower is B's)
    assert prof.towers[["tower", "calls"]].values.tolist() == [["T1", 2], ["T2", 1]]
    assert prof.summary["calls"] == 4 and prof.summary["contacts"] == 2


def test_common_contacts_and_k_hops() -> None:
    calls = _calls(
        ("A", "C", 1, 1, None),
        ("B", "C", 2, 1, None),
        ("A", "D", 3, 1, None),
        ("D", "E", 4, 1, None),
        ("E", "F", 5, 1, None),
    )
    cc = common_contacts(calls, "A", "B").table
    assert cc["contact"].tolist() == ["C"]
    assert [r.id for r in cc["evidence"][0]] == ["C1", "C2"]
    hops = contact_hops(calls, "A", k=2).table.set_index("number")
    assert hops["hop"].to_dict() == {"A": 0, "C": 1, "D": 1, "B": 2, "E": 2}
    assert hops.loc["E", "via"] == ("D",)
    assert [r.id for r in hops.loc["E", "evidence"]] == ["C4"]


def test_call_chain_is_time_respecting_and_windowed() -> None:
    calls = _calls(
        ("B", "C", 0, 1, None),  # before A called B: useless for A -> B -> C
        ("A", "B", 1, 1, None),
        ("B", "C", 2, 1, None),  # 1 h after A -> B: chain
        ("A", "D", 1, 1, None),
        ("D", "C", 9, 1, None),  # 8 h after A -> D: outside a 6 h window
        ("A", "C", 10, 1, None),  # direct
    )
    res = call_chains(calls, "A", "C", window="6h")
    assert [c.phones for c in res.chains] == [("A", "C"), ("A", "B", "C")]
    two = res.chains[1]
    assert [r.id for r in two.calls] == ["C2", "C3"]
    assert all(a <= b for a, b in zip(two.times, two.times[1:], strict=False))
    wide = call_chains(calls, "A", "C", window="8h")
    assert ("A", "D", "C") in [c.phones for c in wide.chains]
    # ordered by hops, then duration: A-B-C (1 h) before A-D-C (8 h)
    assert [c.phones for c in wide.chains] == [("A", "C"), ("A", "B", "C"), ("A", "D", "C")]
    # undirected: C -> B style calls count both ways
    back = call_chains(calls, "C", "A", window="6h", directed=False, max_hops=1)
    assert [c.phones for c in back.chains] == [("C", "A")]
    assert call_chains(calls, "C", "A", window="6h").chains == ()


def test_call_burst_against_baseline() -> None:
    # baseline: one call a day for 10 days; event on day 5 with 6 calls in 6 hours before
    rows = [("A", "Z", 24.0 * d + 12, 1, None) for d in range(10)]
    rows += [("A", "B", 24.0 * 5 - h, 1, None) for h in range(1, 7)]
    calls = _calls(*rows)
    b = call_burst(calls, "A", T0 + pd.Timedelta(days=5), before="24h", after="0h")
    assert (b.before, b.after) == (7, 0)  # 6 burst calls + the daily call of day 4
    # 9 baseline calls outside the window, over the period less the 24 h window
    period_h = 9 * 24  # first call day 0 noon, last day 9 noon
    assert b.baseline_per_hour == pytest.approx(9 / (period_h - 24), rel=1e-6)
    assert b.expected_before == pytest.approx(24 * 9 / (period_h - 24), rel=1e-6)
    assert b.score > 3
    assert b.contacts.iloc[0]["contact"] == "B" and b.contacts.iloc[0]["calls"] == 6
    assert len(b.evidence) == 7


def test_burner_flagged_and_long_lived_phone_not() -> None:
    rows = [("A", "Z", 24.0 * d, 1, None) for d in range(30)]
    rows += [("BURN", "A", 24 * 14 + h, 1, None) for h in range(4)]
    rows += [("B", "Z", 24.0 * d, 1, None) for d in range(0, 30, 3)]
    table = burners(_calls(*rows), max_span="3D").table
    assert table["number"].tolist() == ["BURN"]
    row = table.iloc[0]
    assert row["contact_numbers"] == ("A",) and row["calls"] == 4
    assert [r.id for r in row["evidence"]] == ["C31", "C32", "C33", "C34"]


def _swap_calls(handover_contacts: int) -> pd.DataFrame:
    rows: list[tuple[str, str, float, int, str | None]] = []
    friends = [f"F{i}" for i in range(6)]
    for d in range(10):  # OLD talks to the friends for 10 days
        for f in friends:
            rows.append(("OLD", f, 24.0 * d + 1, 1, None))
    for d in range(10, 20):  # then NEW talks to some of them, OLD is silent
        for f in friends[:handover_contacts]:
            rows.append(("NEW", f, 24.0 * d + 2, 1, None))
        rows.append(("NEW", "STRANGER", 24.0 * d + 3, 1, None))
        rows.append(("OTHER", "F0", 24.0 * d + 4, 1, None))  # an unrelated busy phone
    for d in range(20):
        rows.append(("OTHER", "Q", 24.0 * d + 5, 1, None))
    return _calls(*rows)


def test_sim_swap_candidate_with_overlap_evidence() -> None:
    calls = _swap_calls(handover_contacts=5)
    table = sim_swaps(calls).table
    assert table[["old", "new"]].values.tolist() == [["OLD", "NEW"]]
    row = table.iloc[0]
    assert row["shared"] == 5 and row["shared_contacts"] == ("F0", "F1", "F2", "F3", "F4")
    assert row["residual"] == 0 and row["prior"] == 0 and row["best"]
    assert row["switch_at"] == T0 + pd.Timedelta(days=10, hours=2)
    assert row["score"] == pytest.approx(5 / (6 * 6) ** 0.5)
    # evidence: OLD's last and NEW's first call with each handed-over contact
    ids = {r.id for r in row["evidence"]}
    assert len(ids) == 10
    assert sim_swaps(_swap_calls(handover_contacts=2)).table.empty  # below min_shared


def test_sim_swap_same_handset_without_overlap() -> None:
    calls = _swap_calls(handover_contacts=1)
    handsets = pd.DataFrame(
        {
            "number": ["OLD", "NEW"],
            "imei": ["35-000001", "35-000001"],
            "source": "phones.csv",
            "source_row": [7, 8],
        }
    )
    table = sim_swaps(calls, handsets=handsets).table
    row = table.iloc[0]
    assert (row["old"], row["new"], row["same_handset"]) == ("OLD", "NEW", True)
    assert [(r.kind, r.row) for r in row["evidence"] if r.kind == "phone"] == [
        ("phone", 7),
        ("phone", 8),
    ]


def test_colocation_within_window() -> None:
    calls = _calls(
        ("A", "X", 0.0, 1, "T1"),
        ("B", "X", 0.5, 1, "T1"),  # 30 min after A at T1
        ("C", "X", 3.0, 1, "T1"),  # 3 h later: not with A or B
        ("A", "X", 5.0, 1, "T2"),
        ("B", "X", 5.2, 1, "T2"),
        ("C", "X", 5.1, 1, "T3"),
    )
    table = colocation(tower_observations(calls), window="1h").table
    assert table[["a", "b", "meetings"]].values.tolist() == [["A", "B", 2]]
    assert table.iloc[0]["places"] == ("T1", "T2")
    assert sorted(r.id for r in table.iloc[0]["evidence"]) == ["C1", "C2", "C4", "C5"]


def test_colocation_first_and_last_follow_time_not_place() -> None:
    # the later meeting is at the alphabetically first place
    calls = _calls(
        ("A", "X", 9.0, 1, "T1"),
        ("B", "X", 9.5, 1, "T1"),
        ("A", "X", 2.0, 1, "T2"),
        ("B", "X", 2.25, 1, "T2"),
    )
    row = colocation(tower_observations(calls), window="1h").table.iloc[0]
    assert row["meetings"] == 2
    assert row["first"] < row["last"]
    assert (row["last"] - row["first"]) == pd.Timedelta(hours=7.5)

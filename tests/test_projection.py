"""Projections against the real Neo4j: exact weights on a small known graph, and VAST 2008."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pandas as pd
import pytest

from netintel import projection
from netintel.algorithms import edge_arrays, graph_hash, louvain
from netintel.db import graph_summary, rows_held
from netintel.ingest import ingest
from netintel.projection import (
    LAYERS,
    MULTIPLEX_WEIGHTS,
    Projection,
    co_location_network,
    co_offending_network,
    multiplex_network,
    person_call_network,
    phone_call_network,
    project,
    transfer_network,
)

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
VAST_MAPPING = ROOT / "docs" / "examples" / "vast2008.mapping.yaml"

PH = [f"+4479110000{i:02d}" for i in (0, 7, 14, 21, 28, 35)]  # valid UK mobiles
PH1, PH2, PH3, PH4, PH5, PH6 = PH


def _frame(columns: str, *rows: tuple[Any, ...]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns.split())


def known_records() -> dict[str, pd.DataFrame]:
    """A small case file whose every projection is worked out by hand in the tests."""
    return {
        "persons": _frame(
            "person_id name status",
            ("A", "Anna", "at large"),
            ("B", "Ben", "arrested"),
            ("C", "Cleo", None),
            ("D", "Dan", None),
            ("E", "Eve", None),
            ("V1", "Vic One", None),
            ("V2", "Vic Two", None),
            ("V3", "Vic Three", None),
        ),
        "locations": _frame(
            "location_id kind region",
            ("T1", "cell tower", "North"),
            ("T2", "cell tower", "South"),
            ("L1", "address", "North"),
            ("L2", "address", "South"),
        ),
        "phones": _frame("number imei", *((p, None) for p in PH)),
        # C hands phone 3 on to D; E has two phones; nobody uses phone 6
        "phone_users": _frame(
            "person_id number since until",
            ("A", PH1, None, None),
            ("B", PH2, None, None),
            ("C", PH3, None, "2024-01-15T00:00:00Z"),
            ("D", PH3, "2024-01-16T00:00:00Z", None),
            ("E", PH4, None, None),
            ("E", PH5, None, None),
        ),
        "calls": _frame(
            "call_id caller callee started_at duration_s tower",
            ("c1", PH1, PH2, "2024-01-01T10:00:00Z", 60, "T1"),
            ("c2", PH1, PH2, "2024-01-02T10:00:00Z", 30, "T1"),
            ("c3", PH2, PH1, "2024-01-03T10:00:00Z", 10, "T2"),
            ("c4", PH1, PH3, "2024-01-10T10:00:00Z", 100, "T1"),  # A -> C
            ("c5", PH1, PH3, "2024-01-20T10:00:00Z", 200, "T2"),  # A -> D
            ("c6", PH4, PH5, "2024-01-05T10:00:00Z", 5, "T2"),  # E -> E: left out
            ("c7", PH4, PH1, "2024-01-06T10:00:00Z", 50, "T2"),  # E -> A
            ("c8", PH6, PH1, "2024-01-07T10:00:00Z", 70, "T1"),  # nobody -> A
            ("c9", PH3, PH2, "2024-01-12T10:00:00Z", 40, "T1"),  # C -> B
        ),
        "cases": _frame(
            "case_id category opened region",
            ("K1", "abduction", "2023-05-01", "North"),
            ("K2", "trafficking", "2024-02-01", "South"),
            ("K3", "trafficking", "2024-03-01", "North"),
        ),
        "case_suspects": _frame(
            "person_id case_id",
            ("A", "K1"),
            ("B", "K1"),
            ("C", "K1"),
            ("A", "K2"),
            ("B", "K2"),
            ("D", "K3"),
            ("E", "K3"),
        ),
        "sightings": _frame(
            "person_id location_id at",
            ("A", "L1", "2024-01-01T10:00:00Z"),
            ("B", "L1", "2024-01-01T10:30:00Z"),
            ("C", "L1", "2024-01-01T12:00:00Z"),
            ("A", "L2", "2024-01-05T09:00:00Z"),
            ("D", "L2", "2024-01-05T09:00:00Z"),
            ("B", "L2", "2024-01-05T09:59:00Z"),
        ),
        "transfers": _frame(
            "transfer_id at amount victim_id from_id to_id location_id case_id",
            ("T100", "2024-02-01T12:00:00Z", 1000, "V1", "B", "D", "L1", "K2"),
            ("T101", "2024-02-05T12:00:00Z", 1500, "V1", "D", "E", "L2", "K2"),
            ("T102", "2024-03-01T12:00:00Z", 500, "V2", "B", "D", "L1", None),
            ("T103", "2024-03-02T12:00:00Z", 100, "V3", "D", "B", "L2", None),
        ),
    }


@pytest.fixture
def known(graph: neo4j.Driver, tmp_path: Path) -> neo4j.Driver:
    report = ingest(known_records(), driver=graph, reject_dir=tmp_path, progress=False)
    assert report.rows_rejected == 0, report
    assert sum(rows_held(graph, report.run_id).values()) == report.rows_loaded
    return graph


def edges(proj: Projection, *columns: str) -> dict[tuple[str, str], Any]:
    """``{(src, dst): weight}`` or ``{(src, dst): (col, ...)}``."""
    frame = proj.to_frame()
    keys = zip(frame["src"], frame["dst"], strict=True)
    if not columns:
        return dict(zip(keys, frame["weight"].tolist(), strict=True))
    values = zip(*(frame[c].tolist() for c in columns), strict=True)
    return dict(zip(keys, values, strict=True))


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_person_calls_exact_weights_directions_and_uses_intervals(known: neo4j.Driver) -> None:
    proj = person_call_network(known)
    assert proj.label == "Person" and proj.key == "person_id" and not proj.directed
    assert proj.nodes.tolist() == ["A", "B", "C", "D", "E"]
    # c6 (E's own phones) and c8 (phone of nobody) are not person-to-person calls;
    # phone 3 is C's on 10 and 12 January (callee, caller) and D's on 20 January
    assert edges(proj, "calls", "duration_s", "first_call", "last_call") == {
        ("A", "B"): (3, 100, ts("2024-01-01T10:00"), ts("2024-01-03T10:00")),
        ("A", "C"): (1, 100, ts("2024-01-10T10:00"), ts("2024-01-10T10:00")),
        ("A", "D"): (1, 200, ts("2024-01-20T10:00"), ts("2024-01-20T10:00")),
        ("A", "E"): (1, 50, ts("2024-01-06T10:00"), ts("2024-01-06T10:00")),
        ("B", "C"): (1, 40, ts("2024-01-12T10:00"), ts("2024-01-12T10:00")),
    }
    assert proj.weight_column == "calls" and proj.weight.tolist() == [3.0, 1.0, 1.0, 1.0, 1.0]
    assert proj.node_attributes.loc["B", "name"] == "Ben"
    assert proj.node_attributes.loc["B", "status"] == "arrested"

    directed = person_call_network(known, directed=True, attributes=False)
    assert edges(directed, "calls", "duration_s") == {
        ("A", "B"): (2, 90),
        ("B", "A"): (1, 10),
        ("A", "C"): (1, 100),
        ("A", "D"): (1, 200),
        ("E", "A"): (1, 50),
        ("C", "B"): (1, 40),
    }
    assert directed.node_attributes.columns.empty


def test_person_calls_time_window_and_region(known: neo4j.Driver) -> None:
    window = person_call_network(known, since="2024-01-02", until="2024-01-10")
    assert edges(window, "calls", "duration_s") == {("A", "B"): (2, 40), ("A", "E"): (1, 50)}
    # until is exclusive, since inclusive
    edge = person_call_network(known, since="2024-01-10T10:00", until="2024-01-20T10:00")
    assert edges(edge) == {("A", "C"): 1.0, ("B", "C"): 1.0}
    north = person_call_network(known, region="North")
    assert edges(north) == {("A", "B"): 2.0, ("A", "C"): 1.0, ("B", "C"): 1.0}
    south = person_call_network(known, region=["South"])
    assert edges(south) == {("A", "B"): 1.0, ("A", "D"): 1.0, ("A", "E"): 1.0}
    both = person_call_network(known, region=["North", "South"])
    assert edges(both) == edges(person_call_network(known))
    assert person_call_network(known, region="Nowhere").m == 0
    assert window.params["since"] == "2024-01-02T00:00:00+00:00"
    assert window.queries["projection_person_calls"]["until"] == "2024-01-10T00:00:00+00:00"
    with pytest.raises(ValueError, match="before until"):
        person_call_network(known, since="2024-02-01", until="2024-01-01")


def test_phone_calls_counts_every_call(known: neo4j.Driver) -> None:
    proj = phone_call_network(known)
    assert proj.label == "Phone" and proj.n == 6
    assert edges(proj) == {
        (PH1, PH2): 3.0,
        (PH1, PH3): 2.0,
        (PH1, PH4): 1.0,
        (PH1, PH6): 1.0,
        (PH2, PH3): 1.0,
        (PH4, PH5): 1.0,
    }
    assert edges(phone_call_network(known, region="South", directed=True)) == {
        (PH2, PH1): 1.0,
        (PH1, PH3): 1.0,
        (PH4, PH5): 1.0,
        (PH4, PH1): 1.0,
    }


def test_co_offending_cases_region_and_opening_dates(known: neo4j.Driver) -> None:
    proj = co_offending_network(known)
    assert edges(proj, "cases", "case_ids") == {
        ("A", "B"): (2, ["K1", "K2"]),
        ("A", "C"): (1, ["K1"]),
        ("B", "C"): (1, ["K1"]),
        ("D", "E"): (1, ["K3"]),
    }
    assert edges(co_offending_network(known, region="South")) == {("A", "B"): 1.0}
    assert edges(co_offending_network(known, since="2024-01-01")) == {
        ("A", "B"): 1.0,
        ("D", "E"): 1.0,
    }


def test_co_location_window(known: neo4j.Driver) -> None:
    hour = co_location_network(known)  # default window: 1 hour
    assert edges(hour, "meetings", "location_ids") == {
        ("A", "B"): (2, ["L1", "L2"]),
        ("A", "D"): (1, ["L2"]),
        ("B", "D"): (1, ["L2"]),
    }
    assert hour.params["window"] == 3600.0
    # 1.5 h (B, C) and exactly 2 h (A, C) apart: in a 2-hour window, not in 1 hour
    assert edges(co_location_network(known, window="2h")) == {
        ("A", "B"): 2.0,
        ("A", "C"): 1.0,
        ("A", "D"): 1.0,
        ("B", "C"): 1.0,
        ("B", "D"): 1.0,
    }
    assert edges(co_location_network(known, window=30 * 60)) == {
        ("A", "B"): 1.0,
        ("A", "D"): 1.0,
    }
    assert edges(co_location_network(known, region="North", window="2h")) == {
        ("A", "B"): 1.0,
        ("A", "C"): 1.0,
        ("B", "C"): 1.0,
    }
    assert edges(co_location_network(known, since="2024-01-02")) == {
        ("A", "B"): 1.0,
        ("A", "D"): 1.0,
        ("B", "D"): 1.0,
    }
    first = edges(hour, "first_meeting", "last_meeting")[("A", "B")]
    assert first == (ts("2024-01-01T10:00"), ts("2024-01-05T09:59"))
    # L1: A and B alone (C 1.5 h later), 1; L2: A, D and B all within the hour, 2 / (2 + 2)
    assert edges(hour, "strength") == {
        ("A", "B"): (pytest.approx(1.5),),
        ("A", "D"): (pytest.approx(0.5),),
        ("B", "D"): (pytest.approx(0.5),),
    }
    with pytest.raises(ValueError, match="negative"):
        co_location_network(known, window=-1)


def crowd_records() -> dict[str, pd.DataFrame]:
    """P and R meet at a quiet place Q (North) and at a crowded one C (South)."""
    day = "2024-01-01T"
    return {
        "persons": _frame("person_id name", *((p, p) for p in ("P", "R", "X1", "X2", "X3", "X4"))),
        "locations": _frame(
            "location_id kind region", ("Q", "address", "North"), ("C", "address", "South")
        ),
        "sightings": _frame(
            "person_id location_id at",
            # Q: R exactly 1 h after P's first sighting; P's later sightings at 13:00 meet nobody
            ("P", "Q", day + "10:00:00Z"),
            ("P", "Q", day + "10:30:00Z"),
            ("R", "Q", day + "11:00:00Z"),
            ("P", "Q", day + "13:00:00Z"),
            # C: five people within 40 minutes; X4 comes 80 minutes after the last of them
            ("P", "C", day + "12:00:00Z"),
            ("R", "C", day + "12:10:00Z"),
            ("X1", "C", day + "12:20:00Z"),
            ("X2", "C", day + "12:30:00Z"),
            ("X3", "C", day + "12:40:00Z"),
            ("X4", "C", day + "14:00:00Z"),
        ),
    }


def test_co_location_strength_discounts_crowded_places(graph: neo4j.Driver, tmp_path: Path) -> None:
    report = ingest(crowd_records(), driver=graph, reject_dir=tmp_path, progress=False)
    loaded = {f.record: (f.rows_loaded, f.rows_rejected) for f in report.files}
    assert loaded == {"persons": (6, 0), "locations": (2, 0), "sightings": (10, 0)}, report
    counts = {(r.kind, r.name): r.count for r in graph_summary(graph).itertuples()}
    assert counts[("node", "Person")] == 6 and counts[("node", "Location")] == 2
    assert counts[("relationship", "SEEN_AT")] == 10
    proj = co_location_network(graph)
    # k(s): sightings of other people at the place within 1 h of s; a meeting weighs
    # 2 / (k(s) + k(t)). At Q, k(P 10:00) = k(P 10:30) = 1 (R; P's own sightings do not
    # count), k(R 11:00) = 2: two meetings of 2/3. At C, k = 4 for each of the five
    # sightings within the hour: every pair meets once, 2/8.
    crowd = [("P", "X1"), ("P", "X2"), ("P", "X3"), ("R", "X1"), ("R", "X2"), ("R", "X3")]
    crowd += [("X1", "X2"), ("X1", "X3"), ("X2", "X3")]
    expected = {("P", "R"): (3, pytest.approx(4 / 3 + 1 / 4), ["C", "Q"])}
    expected.update({pair: (1, pytest.approx(0.25), ["C"]) for pair in crowd})
    assert edges(proj, "meetings", "strength", "location_ids") == expected
    assert proj.weight_column == "meetings"
    # only the sightings kept count: before 12:30, C holds P, R and X1 (k = 2): 2/4 a meeting
    early = co_location_network(graph, until="2024-01-01T12:30")
    assert edges(early, "strength") == {
        ("P", "R"): (pytest.approx(4 / 3 + 1 / 2),),
        ("P", "X1"): (pytest.approx(0.5),),
        ("R", "X1"): (pytest.approx(0.5),),
    }
    assert edges(co_location_network(graph, region="North"), "meetings", "strength") == {
        ("P", "R"): (2, pytest.approx(4 / 3)),
    }
    # with 2 hours, X4 (exactly 2 h after P) joins C: k = 5 everywhere there, 2/10 a meeting;
    # at Q, P at 13:00 meets R: k(R) = 3, k(P 13:00) = 1
    wide = edges(co_location_network(graph, window="2h"), "meetings", "strength")
    assert wide[("P", "R")] == (4, pytest.approx(2 / 4 + 2 / 4 + 2 / 4 + 2 / 10))
    assert wide[("X3", "X4")] == (1, pytest.approx(0.2))


def test_transfers_directed_seller_to_buyer(known: neo4j.Driver) -> None:
    proj = transfer_network(known)
    assert proj.directed
    assert edges(proj, "transfers", "amount", "transfer_ids", "victims") == {
        ("B", "D"): (2, 1500.0, ["T100", "T102"], ["V1", "V2"]),
        ("D", "E"): (1, 1500.0, ["T101"], ["V1"]),
        ("D", "B"): (1, 100.0, ["T103"], ["V3"]),
    }
    folded = transfer_network(known, directed=False)
    assert edges(folded, "transfers", "amount", "transfer_ids", "victims") == {
        ("B", "D"): (3, 1600.0, ["T100", "T102", "T103"], ["V1", "V2", "V3"]),
        ("D", "E"): (1, 1500.0, ["T101"], ["V1"]),
    }
    assert edges(transfer_network(known, region="North")) == {("B", "D"): 2.0}
    assert edges(transfer_network(known, since="2024-02-02", until="2024-03-02")) == {
        ("D", "E"): 1.0,
        ("B", "D"): 1.0,
    }


def _evidence(proj: Projection) -> dict[tuple[str, str], tuple[int, list[tuple[Any, ...]]]]:
    """Per link: its record count, and each record carried as (row, who or what, time)."""
    out = {}
    for u, v, d in proj.to_networkx().edges(data=True):
        rows = [
            (
                r["source_row"],
                r.get("person_id") or r.get("transfer_id"),
                str(r.get("at") or r.get("opened"))[:16],
            )
            for r in d["records"]
        ]
        assert {r["source"] for r in d["records"]} <= {
            f"{name} (DataFrame)" for name in ("case_suspects", "sightings", "transfers")
        }
        out[(u, v)] = (d["record_count"], rows)
    return out


def test_every_projection_carries_the_records_behind_each_link(
    known: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # co-offending: both suspects' rows of each shared case, cases by opening date
    assert _evidence(co_offending_network(known))[("A", "B")] == (
        4,
        [
            (2, "A", "2023-05-01"),
            (3, "B", "2023-05-01"),
            (5, "A", "2024-02-01"),
            (6, "B", "2024-02-01"),
        ],
    )
    row = co_offending_network(known).to_networkx()["D"]["E"]["records"][0]
    fields = {"source", "source_row", "ingest_run", "case_id", "opened", "person_id", "role"}
    assert set(row) == fields and (row["case_id"], row["person_id"]) == ("K3", "D")
    # co-location: the sightings behind the meetings, each once, first in time first
    assert _evidence(co_location_network(known)) == {
        ("A", "B"): (
            4,
            [
                (2, "A", "2024-01-01 10:00"),
                (3, "B", "2024-01-01 10:30"),
                (5, "A", "2024-01-05 09:00"),
                (7, "B", "2024-01-05 09:59"),
            ],
        ),
        ("A", "D"): (2, [(5, "A", "2024-01-05 09:00"), (6, "D", "2024-01-05 09:00")]),
        ("B", "D"): (2, [(6, "D", "2024-01-05 09:00"), (7, "B", "2024-01-05 09:59")]),
    }
    # transfers: one record per transfer; folded, both directions in time order
    assert _evidence(transfer_network(known))[("D", "B")] == (1, [(5, "T103", "2024-03-02 12:00")])
    assert _evidence(transfer_network(known, directed=False))[("B", "D")] == (
        3,
        [
            (2, "T100", "2024-02-01 12:00"),
            (4, "T102", "2024-03-01 12:00"),
            (5, "T103", "2024-03-02 12:00"),
        ],
    )
    t100 = transfer_network(known).to_networkx()["B"]["D"]["records"][0]
    assert (t100["amount"], t100["victims"], t100["at"]) == (
        1000,
        ["V1"],
        pd.Timestamp("2024-02-01 12:00", tz="UTC"),
    )
    # bounded: the first records only, the count of all kept
    monkeypatch.setattr(projection, "EVIDENCE_RECORDS", 3)
    assert _evidence(co_offending_network(known))[("A", "B")] == (
        4,
        [(2, "A", "2023-05-01"), (3, "B", "2023-05-01"), (5, "A", "2024-02-01")],
    )
    monkeypatch.setattr(projection, "EVIDENCE_RECORDS", 1)
    assert _evidence(transfer_network(known, directed=False))[("B", "D")] == (
        3,
        [(2, "T100", "2024-02-01 12:00")],
    )
    assert _evidence(co_location_network(known))[("A", "B")] == (
        4,
        [(2, "A", "2024-01-01 10:00")],
    )


def test_multiplex_layers_and_outputs(known: neo4j.Driver) -> None:
    multi = multiplex_network(known)
    assert multi.multigraph and not multi.directed
    frame = multi.to_frame()
    assert frame.groupby("layer", observed=True).size().to_dict() == {
        "calls": 5,
        "co_offending": 4,
        "co_location": 3,
        "transfers": 2,
    }
    # weights in call equivalents: 3 calls, 2 shared cases x 20, strength 1.5 x 20
    ab = frame[(frame["src"] == "A") & (frame["dst"] == "B")]
    assert dict(zip(ab["layer"].astype(str), ab["weight"], strict=True)) == {
        "calls": 3.0,
        "co_offending": 40.0,
        "co_location": 30.0,
    }
    assert ab["cases"].dropna().tolist() == [2] and ab["meetings"].dropna().tolist() == [2]
    assert ab["strength"].dropna().tolist() == [1.5]
    assert multi.params["weights"] == dict(MULTIPLEX_WEIGHTS)
    G = multi.to_networkx()
    assert isinstance(G, nx.MultiGraph) and G.number_of_edges() == 14
    assert G.edges["A", "B", "calls"]["duration_s"] == 100
    assert G.edges["A", "B", "co_offending"]["case_ids"] == ["K1", "K2"]
    assert "calls" not in G.edges["A", "B", "co_offending"]
    # each layer's link carries its own records: 3 calls, 4 SUSPECT_IN rows, 4 sightings
    counts = {k: G.edges["A", "B", k]["record_count"] for k in ("calls", "co_offending")}
    counts["co_location"] = G.edges["A", "B", "co_location"]["record_count"]
    assert counts == {"calls": 3, "co_offending": 4, "co_location": 4}
    assert G.edges["A", "B", "co_offending"]["records"][0]["source"] == "case_suspects (DataFrame)"
    assert G.nodes["A"]["name"] == "Anna"
    # edge arrays sum the layers; a layer alone equals its own projection
    ea = multi.edge_arrays()
    ends = zip(ea.src.tolist(), ea.dst.tolist(), strict=True)
    pair = dict(zip(ends, ea.weight.tolist(), strict=True))
    assert pair[(ea.index["A"], ea.index["B"])] == 73.0
    calls = multi.layer("calls")
    alone = person_call_network(known)
    assert edges(calls, "calls", "duration_s") == edges(alone, "calls", "duration_s")
    assert calls.input_hash == alone.input_hash and calls.name == "person_calls"
    assert edges(multi.layer("transfers")) == edges(transfer_network(known, directed=False))
    place = multi.layer("co_location")  # its own weight (meetings), not 20 x strength
    assert place.input_hash == co_location_network(known).input_hash
    assert edges(place, "strength") == edges(co_location_network(known), "strength")
    with pytest.raises(ValueError, match="no layer"):
        multi.layer("dna")
    only = multiplex_network(known, layers=["co_offending"])
    assert only.multigraph and set(only.to_frame()["layer"]) == {"co_offending"}
    with pytest.raises(ValueError, match="layers"):
        multiplex_network(known, layers=["calls", "gossip"])


def test_multiplex_weights(known: neo4j.Driver) -> None:
    assert MULTIPLEX_WEIGHTS == {
        "calls": 1.0,
        "co_offending": 20.0,
        "co_location": 20.0,
        "transfers": 1.0,
    }
    assert set(MULTIPLEX_WEIGHTS) == set(LAYERS)

    def summed(proj: Projection) -> dict[tuple[str, str], float]:
        ea = proj.edge_arrays()
        keys = [ea.nodes[i] for i in ea.src.tolist()], [ea.nodes[i] for i in ea.dst.tolist()]
        return dict(zip(zip(*keys, strict=True), ea.weight.tolist(), strict=True))

    # known_records: A-B 3 calls, 2 cases, strength 1.5 (2 meetings); see the tests above
    default = summed(multiplex_network(known))
    assert default[("A", "B")] == pytest.approx(1 * 3 + 20 * 2 + 20 * 1.5)
    assert default[("A", "D")] == pytest.approx(1 * 1 + 20 * 0.5)  # a call and L2
    assert default[("B", "D")] == pytest.approx(20 * 0.5 + 1 * 3)  # L2 and 3 transfers
    assert default[("D", "E")] == pytest.approx(20 * 1 + 1 * 1)  # K3 and one transfer
    mine = {"calls": 2, "co_offending": 0.5, "co_location": 4, "transfers": 0}
    custom = multiplex_network(known, weights=mine)
    assert summed(custom)[("A", "B")] == pytest.approx(2 * 3 + 0.5 * 2 + 4 * 1.5)
    assert summed(custom)[("D", "E")] == pytest.approx(0.5)
    assert custom.params["weights"] == {k: float(v) for k, v in mine.items()}
    # weights=None: each layer's own weight, meetings for co-location, as before weights
    raw = multiplex_network(known, weights=None)
    assert raw.params["weights"] is None
    assert summed(raw)[("A", "B")] == 3 + 2 + 2
    assert summed(raw)[("B", "D")] == 1 + 3
    frame = raw.to_frame()
    ab = frame[(frame["src"] == "A") & (frame["dst"] == "B")]
    assert dict(zip(ab["layer"].astype(str), ab["weight"], strict=True)) == {
        "calls": 3.0,
        "co_offending": 2.0,
        "co_location": 2.0,
    }
    # the weights are part of the projection: its description, hash and repetition
    hashes = {p.input_hash for p in (multiplex_network(known), custom, raw)}
    assert len(hashes) == 3
    assert custom.describe()["params"]["weights"] == custom.params["weights"]
    for proj in (custom, raw):
        assert project(known, "multiplex", **proj.params).input_hash == proj.input_hash
    # a subset of the layers needs factors for those layers only
    two = multiplex_network(
        known, layers=["calls", "co_offending"], weights={"calls": 1, "co_offending": 3}
    )
    assert summed(two)[("A", "B")] == 3 + 3 * 2
    assert multiplex_network(known, layers=["co_location"]).params["weights"] == {
        "co_location": 20.0
    }
    for bad in (
        {"calls": 1},
        {**MULTIPLEX_WEIGHTS, "gossip": 1},
        {**MULTIPLEX_WEIGHTS, "calls": -1},
    ):
        with pytest.raises(ValueError, match="weight"):
            multiplex_network(known, weights=bad)
    with pytest.raises(ValueError, match="weight"):
        multiplex_network(known, weights={**MULTIPLEX_WEIGHTS, "calls": float("nan")})


def test_outputs_agree_and_the_projection_is_reproducible(
    known: neo4j.Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    proj = person_call_network(known)
    multi = multiplex_network(known)
    # records of 2 pairs each: the batches are put together into the same projection
    monkeypatch.setattr(projection, "_BATCH", 2)
    batched = person_call_network(known)
    assert batched.nodes.tolist() == proj.nodes.tolist()
    pd.testing.assert_frame_equal(batched.to_frame(), proj.to_frame())
    pd.testing.assert_frame_equal(multiplex_network(known).to_frame(), multi.to_frame())
    monkeypatch.undo()
    G = proj.to_networkx()
    assert isinstance(G, nx.Graph) and not G.is_directed()
    assert sorted(G.edges(data="weight")) == [
        ("A", "B", 3.0),
        ("A", "C", 1.0),
        ("A", "D", 1.0),
        ("A", "E", 1.0),
        ("B", "C", 1.0),
    ]
    assert G.edges["A", "B"]["first_call"] == ts("2024-01-01T10:00")
    assert G.nodes["C"]["name"] == "Cleo" and "status" not in G.nodes["C"]
    ea = proj.edge_arrays()
    ref = edge_arrays(G)
    assert ea.nodes == ref.nodes
    assert ea.src.tolist() == ref.src.tolist() and ea.dst.tolist() == ref.dst.tolist()
    assert ea.weight.tolist() == ref.weight.tolist()
    # the input hash ties algorithm results to the projection, whichever form they ran on
    assert proj.input_hash == graph_hash(G) == louvain(ea, seed=1).provenance.input_hash
    by_duration = proj.edge_arrays("duration_s")
    assert by_duration.weight.tolist() == [100.0, 100.0, 200.0, 50.0, 40.0]
    assert proj.edge_arrays(None).weight.tolist() == [1.0] * 5
    with pytest.raises(ValueError, match="no edge attribute"):
        proj.edge_arrays("colour")
    # read-only arrays, repeatable by name and params
    with pytest.raises(ValueError):
        proj.src[0] = 1
    again = project(known, proj.name, **proj.params)
    assert again.input_hash == proj.input_hash
    assert edges(again, "duration_s") == edges(proj, "duration_s")
    window = person_call_network(known, since="2024-01-02", region="South", directed=True)
    assert project(known, "person_calls", **window.params).input_hash == window.input_hash
    for name in ("co_location", "multiplex", "transfers"):
        p = project(known, name)
        assert project(known, name, **p.params).input_hash == p.input_hash
    with pytest.raises(ValueError, match="unknown projection"):
        project(known, "friends")


def test_empty_graph_gives_an_empty_projection(graph: neo4j.Driver) -> None:
    proj = person_call_network(graph)
    assert (proj.n, proj.m) == (0, 0)
    assert proj.to_networkx().number_of_nodes() == 0
    assert proj.to_frame().empty and proj.input_hash.startswith("sha256:")


def test_vast2008_phone_network_matches_the_csv(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path
) -> None:
    cdr = shared_data / "vast2008_mc3_cdr" / "cdr.csv"
    ingest(cdr, driver=graph, mapping=VAST_MAPPING, reject_dir=tmp_path, progress=False)
    raw = pd.read_csv(cdr, dtype=str)
    proj = phone_call_network(graph, directed=True)
    assert proj.n == 400
    assert proj.weight.sum() == len(raw) == 9834
    pairs = raw.groupby(["From", "To"]).size()
    assert proj.m == len(pairs)
    (src, dst), expected = pairs.idxmax(), int(pairs.max())
    got = edges(proj, "calls", "duration_s")[(src, dst)]
    mask = (raw["From"] == src) & (raw["To"] == dst)
    assert got == (expected, int(raw.loc[mask, "Duration(seconds)"].astype(int).sum()))
    # Ferdinando Catalano's phone 200 and phone 1, both directions
    both = edges(phone_call_network(graph))[("1", "200")]
    n_200_1 = int(((raw["From"] == "200") & (raw["To"] == "1")).sum())
    n_1_200 = int(((raw["From"] == "1") & (raw["To"] == "200")).sum())
    assert both == n_200_1 + n_1_200 > 0
    # a time window equals the same window in pandas
    at = pd.to_datetime(raw["Datetime"], format="%Y%m%d %H%M", utc=True)
    june = phone_call_network(graph, since="2006-06-01", until="2006-06-08", directed=True)
    assert june.weight.sum() == int(((at >= "2006-06-01") & (at < "2006-06-08")).sum())


@pytest.mark.parametrize("name", sorted(projection._SPECS))
def test_each_projection_query_returns_the_declared_columns(
    known: neo4j.Driver, tmp_path: Path, name: str
) -> None:
    """Every named projection query, run on the test database, returns exactly the columns
    its spec declares (``src``, ``dst``, then the edge attributes, read by name, in any
    order), as parallel lists of edges."""
    import re

    from netintel.cypher import query

    (a, b), _, _ = known.execute_query(
        "MATCH (p:Person) RETURN p.person_id AS id ORDER BY id LIMIT 2"
    )
    ties = pd.DataFrame({"from_id": [a["id"]], "to_id": [b["id"]]})
    ingest({"ties": ties}, driver=known, reject_dir=tmp_path, progress=False)
    spec = projection._SPECS[name]
    text = query(spec.query)
    params: dict[str, Any] = dict.fromkeys(re.findall(r"\$(\w+)", text))
    params |= {"batch": 100_000} | ({"window_ms": 3_600_000} if "window_ms" in params else {})
    with known.session() as session:
        result = session.run(text, params)
        records = list(result)
        columns = result.keys()
    assert columns[:2] == ["src", "dst"]
    assert sorted(columns[2:]) == sorted(spec.columns)
    assert records, f"{spec.query} found no edge in the test graph"
    for record in records:
        assert len({len(v) for v in record.values()}) == 1, spec.query

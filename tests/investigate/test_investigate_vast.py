"""Call-record analytics on data nobody here wrote: VAST Challenge 2008 MC3, via Neo4j.

The calls are ingested once for the module (the VAST mapping keeps phones as ids
'1'..'400'); the expected values are computed independently with pandas from the CSV.
"""

from __future__ import annotations

from pathlib import Path

import neo4j
import pandas as pd
import pytest
from loaded_graph import LoadedGraph

from netintel.ingest import ingest
from netintel.investigate import (
    call_chains_of,
    calls_of,
    colocation_of,
    common_contacts_of,
    contact_hops_of,
    contact_profile_of,
    sim_swaps_of,
)

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parents[2]
VAST_MAPPING = ROOT / "docs" / "examples" / "vast2008.mapping.yaml"
SWITCH = pd.Timestamp("2006-06-08")


@pytest.fixture(scope="module")
def cdr(shared_data: Path) -> pd.DataFrame:
    raw = pd.read_csv(shared_data / "vast2008_mc3_cdr" / "cdr.csv", dtype=str)
    raw["at"] = pd.to_datetime(raw["Datetime"], format="%Y%m%d %H%M")
    raw["row"] = range(2, len(raw) + 2)  # file rows: header is row 1
    return raw


@pytest.fixture
def vast(
    loaded_graph: LoadedGraph, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> neo4j.Driver:
    def load(driver: neo4j.Driver) -> neo4j.Driver:
        report = ingest(
            shared_data / "vast2008_mc3_cdr" / "cdr.csv",
            driver=driver,
            mapping=VAST_MAPPING,
            reject_dir=tmp_path_factory.mktemp("vast-rejects"),
            progress=False,
        )
        assert report.rows_loaded == 9834
        return driver

    return loaded_graph("vast", load)


def test_phone_200_most_frequent_contact(vast: neo4j.Driver, cdr: pd.DataFrame) -> None:
    mine = cdr[(cdr["From"] == "200") | (cdr["To"] == "200")]
    other = mine["From"].where(mine["From"] != "200", mine["To"])
    counts = other.value_counts()
    expected = counts.index[0]
    assert counts.iloc[0] > counts.iloc[1]  # a clear winner in the data

    prof = contact_profile_of(vast, phone="200", top=5)
    assert prof.top(1) == [expected]
    top = prof.contacts.iloc[0]
    assert top["calls"] == counts.iloc[0]
    # every supporting record is a CSV row of a call between 200 and that contact
    rows = {r.row for r in top["evidence"]}
    pair = cdr[
        ((cdr["From"] == "200") & (cdr["To"] == expected))
        | ((cdr["From"] == expected) & (cdr["To"] == "200"))
    ]
    assert rows == set(pair["row"])
    assert {r.source for r in top["evidence"]} == {"cdr.csv"}
    assert prof.summary["calls"] == len(mine)


def test_switch_to_new_phones_around_8_june(vast: neo4j.Driver, cdr: pd.DataFrame) -> None:
    swaps = sim_swaps_of(vast).table
    best = swaps[swaps["best"]]
    successors = dict(zip(best["new"], best["old"], strict=True))
    assert {"300", "306", "309", "397"} <= set(successors)
    for new, old in successors.items():
        if new not in {"300", "306", "309", "397"}:
            continue
        calls_old = cdr[(cdr["From"] == old) | (cdr["To"] == old)]
        calls_new = cdr[(cdr["From"] == new) | (cdr["To"] == new)]
        # the predecessor went (nearly) silent at the switch, the successor started there
        assert (calls_old["at"] < SWITCH).mean() >= 0.75, (old, new)
        assert calls_new["at"].min() >= SWITCH, new
        row = best[best["new"] == new].iloc[0]
        assert abs(row["switch_at"].tz_convert(None) - SWITCH) < pd.Timedelta("1D")
        # evidence: real call rows between the two numbers' shared contacts
        ev_rows = {r.row for r in row["evidence"]}
        ev = cdr[cdr["row"].isin(ev_rows)]
        assert len(ev) == len(ev_rows)
        assert set(ev["From"]).union(ev["To"]) & {old, new}
    # the well-known pairs of the challenge's circle around Ferdinando Catalano (200)
    assert {("1", "309"), ("2", "397"), ("5", "306"), ("200", "300")} <= set(
        zip(best["old"], best["new"], strict=True)
    )


def test_common_contacts_hops_chains_colocation(vast: neo4j.Driver, cdr: pd.DataFrame) -> None:
    def contacts(p: str) -> set[str]:
        sub = cdr[(cdr["From"] == p) | (cdr["To"] == p)]
        return set(sub["From"]).union(sub["To"]) - {p}

    cc = common_contacts_of(vast, "1", "5").table
    assert set(cc["contact"]) == (contacts("1") & contacts("5")) - {"1", "5"}
    hops = contact_hops_of(vast, "200", k=2).table
    assert set(hops[hops["hop"] == 1]["number"]) == contacts("200")
    two = set(hops[hops["hop"] == 2]["number"])
    expected_two = set().union(*(contacts(c) for c in contacts("200"))) - contacts("200") - {"200"}
    assert two == expected_two
    chains = call_chains_of(vast, "200", "309", by="phone", window="6h", max_hops=3)
    for ch in chains.chains:
        assert ch.phones[0] == "200" and ch.phones[-1] == "309"
        assert all(
            pd.Timedelta(0) <= b - a <= pd.Timedelta("6h")
            for a, b in zip(ch.times, ch.times[1:], strict=False)
        )
    assert len(chains) > 0
    co = colocation_of(vast, by="phone", window="5min", min_meetings=3).table
    assert (co["meetings"] >= 3).all()
    calls = calls_of(vast)
    assert len(calls) == 9834

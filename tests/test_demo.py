"""The demo's own queries (cypher/demo_*.cypher) on the VAST 2008 call records."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pandas as pd
import pytest

from netintel.demo import VAST_MAPPING, _call_map, _top_phones

pytestmark = pytest.mark.neo4j


@pytest.fixture
def vast(graph: neo4j.Driver, shared_data: Path, tmp_path: Path) -> Path:
    from netintel.ingest import ingest

    cdr = shared_data / "vast2008_mc3_cdr" / "cdr.csv"
    ingest(cdr, driver=graph, mapping=VAST_MAPPING, reject_dir=tmp_path, progress=False)
    return cdr


def test_the_busiest_phones_are_counted_from_the_file_given(
    graph: neo4j.Driver, vast: Path
) -> None:
    rows = pd.read_csv(vast, dtype=str)
    ends = pd.concat(
        [
            rows[[end, "Duration(seconds)"]].set_axis(["phone", "s"], axis=1)
            for end in ("From", "To")
        ]
    )
    expected = (
        ends.assign(s=ends["s"].astype(int))
        .groupby("phone", as_index=False)
        .agg(calls=("s", "size"), seconds=("s", "sum"))
        .sort_values(["calls", "phone"], ascending=[False, True], ignore_index=True)
        .head(5)
    )
    top = _top_phones(graph, vast.name, limit=5)
    assert top.astype({"calls": int, "seconds": int}).equals(expected)
    assert _top_phones(graph, "other.csv").empty  # only the calls of the file named


def test_the_call_map_shows_the_ring_of_a_phone(
    graph: neo4j.Driver, vast: Path, tmp_path: Path
) -> None:
    page = _call_map(graph, tmp_path, center="200")
    text = page.read_text(encoding="utf-8")
    assert page.name == "vast_calls.html" and "Calls around phone 200" in text
    # every contact of 200 is a node of the map
    neighbours, _, _ = graph.execute_query(
        "MATCH (:Phone {number: '200'})-[:CALLED]-(n:Phone) RETURN DISTINCT n.number AS number"
    )
    assert neighbours and all(f'"{r["number"]}"' in text for r in neighbours)

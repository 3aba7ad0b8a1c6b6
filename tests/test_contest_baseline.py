"""The contest baseline uses the package's own analysis: its person call network is the
one the database projects from the same record files."""

from __future__ import annotations

from pathlib import Path

import neo4j
import pandas as pd
import pytest

from netintel.contest import public_frames
from netintel.projection import person_call_network, person_call_network_from_frames


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from netintel.synth import generate

    folder = tmp_path_factory.mktemp("case")
    generate(folder, scale=2_000, seed=3)
    return folder


def _edges(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["src", "dst"], ignore_index=True)


@pytest.mark.neo4j
def test_the_person_call_network_from_files_is_the_databases(
    graph: neo4j.Driver, case: Path, tmp_path: Path
) -> None:
    from netintel.ingest import ingest

    ingest(case, driver=graph, mapping=case / "mapping.yaml", reject_dir=tmp_path, progress=False)
    frames = public_frames(case, ["calls", "phone_users"])
    uses = frames["phone_users"]
    # the data exercises the rule that matters: phones change hands (closed use intervals)
    assert uses["until"].notna().any() and uses["number"].duplicated().any()
    at = frames["calls"]["started_at"]
    window = {"since": at.quantile(0.25).isoformat(), "until": at.quantile(0.75).isoformat()}
    for options in ({}, window, {"directed": True}):
        stored = person_call_network(graph, attributes=False, **options)
        computed = person_call_network_from_frames(frames["calls"], uses, **options)
        assert computed.m > 0 and computed.directed == stored.directed
        assert computed.m < len(frames["calls"])  # pairs, not calls
        # the database's projection also carries the call records behind each link (provenance)
        stored_edges = stored.to_frame().drop(columns=["records"])
        pd.testing.assert_frame_equal(_edges(computed.to_frame()), _edges(stored_edges))
        assert computed.input_hash == stored.input_hash
        assert dict(computed.params) == dict(stored.params)

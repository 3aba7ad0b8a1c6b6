"""Entity resolution, paths with evidence and DNA reunification on hand-made data."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from netintel.investigate import (
    alias_candidates,
    alias_clusters,
    collapse_aliases,
    evidence_graph,
    k_shortest_paths,
    name_similarity,
    reunifications,
    score_aliases,
)
from netintel.investigate.aliases import name_forms, name_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("张伟", "Zhang Wei"),  # characters <-> pinyin
        ("Zhang Wei", "Chang Wei"),  # pinyin <-> Wade-Giles
        ("谢婷", "Hsieh T'ing"),
        ("Song Xin", "Xin Song"),  # order
        ("Li Tao", "Lii Tao"),  # typo
        ("Fneg Chao", "Feng Chao"),  # swapped letters
    ],
)
def test_name_similarity_variants(a: str, b: str) -> None:
    assert name_similarity(a, b) >= 0.85


def test_name_similarity_tells_people_apart() -> None:
    assert name_similarity("Wang Fang", "Liu Qiang") < 0.5
    assert name_similarity("潘勇", "何勇") < 0.8


def test_name_forms_and_keys() -> None:
    assert name_forms("曾伟") == (("ceng", "wei"), ("zeng", "wei"))
    assert name_key("Ch'en") == name_key("chen")
    assert name_forms("") == ()


PEOPLE = pd.DataFrame(
    {
        "person_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7"],
        "name": ["张伟", "Wei Zhang", "Zhang Wei", "Li Na", "Li Na", "Lao Zhang", "Wang Fang"],
        "aliases": [None, None, None, None, None, None, "阿芳"],
        "gender": ["male", "male", "female", "female", "female", "male", "female"],
        "birth_date": [
            "1980-01-02",
            "1980-01-02",
            "1980-01-02",
            "1990-05-05",
            "1971-09-09",
            "1980-01-02",
            "1980-01-02",
        ],
        "national_id": [
            "110101198001021234",
            None,
            None,
            "110101199005051111",
            "110101199005051112",  # one digit apart from P4, different birth date
            "110101198001021234",
            None,
        ],
        "source": "persons.csv",
        "source_row": [2, 3, 4, 5, 6, 7, 8],
    }
)


def test_alias_candidates_scores_reasons_and_evidence() -> None:
    res = alias_candidates(PEOPLE)
    t = res.table.set_index(["a", "b"])
    assert set(t.index) == {("P1", "P2"), ("P1", "P6"), ("P2", "P6")}
    assert "national_id equal" in t.loc[("P1", "P6"), "reasons"]
    assert t.loc[("P1", "P6"), "score"] > t.loc[("P1", "P2"), "score"] >= 0.5
    ev = t.loc[("P1", "P2"), "evidence"]
    assert [(r.kind, r.id, r.row) for r in ev] == [("person", "P1", 2), ("person", "P2", 3)]
    # P3: same name and birth date, but a woman; P4/P5: ids one digit apart, births differ
    assert ("P1", "P3") not in t.index and ("P4", "P5") not in t.index
    pairs_compared = int(res.provenance.notes[0].split()[0])
    assert pairs_compared < 7 * 6 // 2  # blocking compared fewer than all pairs


def test_shared_phone_and_place_are_evidence() -> None:
    people = pd.DataFrame(
        {"person_id": ["A", "B"], "name": ["Chen Jie", "Chen Jei"], "gender": ["male", "male"]}
    )
    assert alias_candidates(people).table.empty  # a similar name alone is not enough
    phones = pd.DataFrame(
        {
            "person_id": ["A", "B"],
            "number": ["+861", "+861"],
            "source": "phone_users.csv",
            "source_row": [10, 11],
        }
    )
    places = pd.DataFrame({"person_id": ["A", "B"], "place": ["ADDR-1", "ADDR-1"]})
    t = alias_candidates(people, phones=phones, places=places).table
    assert t[["a", "b"]].values.tolist() == [["A", "B"]]
    assert "shares phone +861" in t["reasons"][0]
    assert [r.row for r in t["evidence"][0] if r.kind == "uses"] == [10, 11]
    # sightings as read from sightings.csv name the place location_id
    sightings = places.rename(columns={"place": "location_id"})
    same = alias_candidates(people, phones=phones, places=sightings).table
    assert same["reasons"].tolist() == t["reasons"].tolist()
    assert "seen at the same place(s) ADDR-1" in same["reasons"][0]


def test_score_aliases_and_clusters() -> None:
    cands = pd.DataFrame({"a": ["P1", "P2", "P8"], "b": ["P2", "P3", "P9"]})
    s = score_aliases(cands, [["P1", "P2", "P3"]])
    assert (s["precision"], s["recall"]) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert [sorted(c) for c in alias_clusters(cands)] == [["P1", "P2", "P3"], ["P8", "P9"]]


def test_collapse_aliases_merges_and_sums_weights() -> None:
    G = nx.Graph()
    G.add_edge("P1", "X", weight=2.0)
    G.add_edge("P2", "X", weight=3.0)
    G.add_edge("P2", "Y")
    G.add_edge("P1", "P2", weight=9.0)
    H = collapse_aliases(G, [["P2", "P1"]])
    assert sorted(H.nodes) == ["P1", "X", "Y"]
    assert H["P1"]["X"]["weight"] == 5.0 and H["P1"]["Y"]["weight"] == 1.0
    assert H.nodes["P1"]["members"] == ("P1", "P2")
    assert G.number_of_nodes() == 4  # the input is untouched


def test_k_shortest_paths_order_and_evidence() -> None:
    edges = pd.DataFrame(
        {
            "u": ["Person:A", "Phone:1", "Phone:1", "Phone:2", "Person:A", "Case:K"],
            "v": ["Phone:1", "Phone:2", "Phone:2", "Person:B", "Case:K", "Person:B"],
            "type": ["USES", "CALLED", "CALLED", "USES", "SUSPECT_IN", "SUSPECT_IN"],
            "id": [None, "C7", "C8", None, None, None],
            "source": ["u.csv", "calls.csv", "calls.csv", "u.csv", "s.csv", "s.csv"],
            "source_row": [2, 40, 41, 3, 5, 6],
        }
    )
    res = k_shortest_paths(evidence_graph(edges), "Person:A", "Person:B", k=3)
    assert [p.nodes for p in res.paths] == [
        ("Person:A", "Case:K", "Person:B"),
        ("Person:A", "Phone:1", "Phone:2", "Person:B"),
    ]
    assert [p.cost for p in res.paths] == [2.0, 3.0]
    call_hop = res.paths[1].hops[1]
    assert call_hop.types == ("CALLED",)
    assert [(r.id, r.source, r.row) for r in call_hop.records] == [
        ("C7", "calls.csv", 40),
        ("C8", "calls.csv", 41),
    ]
    frame = res.to_frame()
    assert len(frame) == 2 + 4  # records: 1 + 1, then 1 + 2 + 1
    assert len(k_shortest_paths(evidence_graph(edges), "Person:A", "Person:B", k=1)) == 1
    assert len(k_shortest_paths(evidence_graph(edges), "Person:A", "Person:B", max_hops=2)) == 1


def test_reunifications_rank_and_conflicts() -> None:
    m = pd.DataFrame(
        {
            "unknown_sample": ["U1", "U1", "U1", "U2"],
            "found_person": ["F1", "F1", "F1", "F2"],
            "reference_sample": ["R1", "R2", "R9", "R5"],
            "parent": ["MUM", "DAD", "OTHER", "MUM2"],
            "score": [0.99, 0.95, 0.97, 0.90],
            "case_id": ["C1", "C1", "C9", "C5"],
            "missing_person": ["V1", "V1", "V9", "V5"],
            "match_source": "dna_matches.csv",
            "match_row": [2, 3, 4, 5],
        }
    )
    t = reunifications(m).table
    best = t[t["rank"] == 1].set_index("unknown_sample")
    assert best.loc["U1", "case_id"] == "C1" and best.loc["U1", "missing_person"] == "V1"
    assert best.loc["U1", "parents"] == ("DAD", "MUM")
    assert best.loc["U1", "combined"] == pytest.approx(1 - 0.01 * 0.05)
    assert best.loc["U1", "conflict"] and "U1 also matches case:C9" in best.loc["U1", "conflicts"]
    assert not best.loc["U2", "conflict"]
    assert best.loc["U1", "likely"] and not best.loc["U2", "likely"]  # 0.90 < 0.95
    assert sorted(r.row for r in best.loc["U1", "evidence"]) == [2, 3]
    second = t[(t["unknown_sample"] == "U1") & (t["rank"] == 2)]
    assert second["case_id"].tolist() == ["C9"]

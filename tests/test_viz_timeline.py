"""The timeline's payload: per link the times of its events, only when the graph has times."""

from __future__ import annotations

import networkx as nx

from netintel.viz import map_html
from netintel.viz.model import describe, link_times
from tests.test_viz import payload
from tests.timeline_graphs import at, timed_calls


def ms(t: object) -> int:
    return int(t.timestamp() * 1000)  # type: ignore[attr-defined]


def test_every_link_carries_the_times_of_its_events() -> None:
    G = timed_calls()
    data = payload(map_html(G))
    tl = data["timeline"]
    assert tl["zone"] == "Europe/Rome"
    assert tl["min"] == ms(at(1)) and tl["max"] == ms(at(11))
    E = data["edges"]
    name = data["nodes"]["id"]
    got = {
        (name[f], name[t]): (ev, done)
        for f, t, ev, done in zip(E["from"], E["to"], tl["events"], tl["complete"], strict=True)
    }
    assert got == {
        ("a", "b"): ([ms(at(1)), ms(at(1, 12))], True),
        ("b", "c"): ([ms(at(4, 12))], True),
        ("c", "d"): ([ms(at(8, 12))], True),
        ("d", "e"): ([], True),
        ("g", "h"): ([ms(at(2, 12)), ms(at(11))], False),
    }


def test_times_are_utc_whatever_the_zone_shown() -> None:
    rome = describe(timed_calls("Europe/Rome"))
    shanghai = describe(timed_calls("Asia/Shanghai"))
    assert [link_times(e) for e in rome.edges] == [link_times(e) for e in shanghai.edges]
    assert link_times(rome.edges[0]) == (1682899200000, 1682942400000)


def test_no_timeline_without_times() -> None:
    G = nx.Graph([("a", "b"), ("b", "c")])
    G.edges["a", "b"]["records"] = [{"source": "cdr.csv", "source_row": 2}]
    assert payload(map_html(G))["timeline"] is None


def test_redacted_map_keeps_the_record_times_only() -> None:
    # redaction keeps the records' times but drops edge facts such as first_call/last_call
    # (as in the tooltips), so g-h has its one carried record's time
    data = payload(map_html(timed_calls(), redact=True))
    assert data["timeline"]["min"] == ms(at(1))
    assert data["timeline"]["max"] == ms(at(8, 12))
    assert sorted(len(ev) for ev in data["timeline"]["events"]) == [0, 1, 1, 1, 2]

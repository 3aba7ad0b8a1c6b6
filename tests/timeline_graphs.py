"""A small call graph with known link times, for the timeline tests and figure.

Times (UTC) span 2023-05-01 00:00 to 2023-05-11 00:00: ten days, so one day is 100
of the slider's 1000 steps.

* ``a-b``: calls at 05-01 00:00 and 05-01 12:00;
* ``b-c``: a call at 05-04 12:00;
* ``c-d``: a call at 05-08 12:00;
* ``g-h``: 30 calls from 05-02 12:00 (``first_call``) to 05-11 00:00 (``last_call``), one
  record carried, so its interval stands for the others;
* ``d-e``: a ``USES`` link without a time;
* ``f``: no link at all.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

UTC = dt.UTC


def at(day: int, hour: int = 0) -> dt.datetime:
    """2023-05-``day`` ``hour``:00 UTC."""
    return dt.datetime(2023, 5, day, hour, tzinfo=UTC)


def timed_calls(tz: str = "Europe/Rome") -> nx.Graph:
    """The graph described in the module docs, in the zone ``tz``."""
    G = nx.Graph(timezone=tz)
    for v in "abcdefgh":
        G.add_node(v, label="Phone" if v == "e" else "Person", name=f"Person {v.upper()}")

    def call(u: str, v: str, *times: dt.datetime, **facts: object) -> None:
        recs = [
            {"source": "cdr.csv", "source_row": 2 + i, "at": t, "call_id": f"{u}{v}{i}"}
            for i, t in enumerate(times)
        ]
        G.add_edge(u, v, type="CALLED", records=recs, **facts)

    call("a", "b", at(1), at(1, 12))
    call("b", "c", at(4, 12))
    call("c", "d", at(8, 12))
    call("g", "h", at(2, 12), first_call=at(2, 12), last_call=at(11), record_count=30)
    G.add_edge("d", "e", type="USES", source="phone_users.csv", source_row=3)
    return G

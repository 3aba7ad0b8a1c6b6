"""Gangs through time from the database: one projection per time window.

The pure function is :func:`netintel.algorithms.gangs_over_time`; :func:`gangs_over_time_of`
reads the windows' networks from Neo4j (one projection per window, ``since <= t < until``,
:func:`netintel.projection.project`) and calls it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from netintel.algorithms.temporal import GangsOverTime, _label, gangs_over_time, time_windows

__all__ = ["gangs_over_time_of"]


def gangs_over_time_of(
    driver: neo4j.Driver,
    projection: str = "person_calls",
    *,
    since: str,
    until: str,
    window: str | pd.Timedelta = "30D",
    step: str | pd.Timedelta | None = None,
    region: str | Sequence[str] | None = None,
    database: str | None = None,
    seed: int | None = 0,
    threshold: float = 0.3,
    min_size: int = 3,
    **options: Any,
) -> GangsOverTime:
    """:func:`~netintel.algorithms.gangs_over_time` on one projection per time window.

    Windows of length ``window`` every ``step`` (pandas offsets; ``step`` defaults to
    ``window``) from ``since``, the last one cut at ``until``
    (:func:`~netintel.algorithms.time_windows`). Each window's network is the projection
    ``projection`` (``person_calls``, ``co_location``, ``multiplex``...) over
    ``since <= t < until`` with ``region`` and ``options``; window labels are
    ``"since..until"`` as given to the projection. People's names come from the graph.

    Usage::

        with config.driver() as drv:
            t = gangs_over_time_of(drv, since="2023-01-01", until="2024-01-01", window="90D")
        t.movers
    """
    from netintel.projection import project

    last = pd.Timestamp(until)
    spans = [(a, min(b, last)) for a, b in time_windows(since, until, window, step)]
    spans = [(a, b) for a, b in spans if a < b]
    daily = all(ts == ts.normalize() for span in spans for ts in span)
    graphs: dict[str, nx.Graph] = {}
    for start, stop in spans:
        proj = project(
            driver,
            projection,
            since=start.isoformat(),
            until=stop.isoformat(),
            region=region,
            database=database,
            **options,
        )
        graphs[_label(start, stop, daily)] = proj.to_networkx()
    return gangs_over_time(graphs, seed=seed, threshold=threshold, min_size=min_size)

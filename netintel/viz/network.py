"""The network a map, an export or a report draws: a projection with its communities and scores.

:func:`network_for_map` reads a projection from Neo4j (with its time window and regions),
turns it into a networkx graph stamped with the case's time zone, and computes what colours
and sizes it: communities (an algorithm, or a stored analysis run read back) and a key-player
score. ``netintel map``, ``netintel export`` and the case report all start from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import neo4j
import networkx as nx
import pandas as pd

from netintel.exceptions import DatabaseError, UnknownIdError

if TYPE_CHECKING:
    from netintel.projection import Projection

__all__ = ["MAP_COMMUNITY_ALGORITHMS", "MapNetwork", "network_for_map"]

#: The community algorithms a map can be coloured by (else a stored analysis run's id).
MAP_COMMUNITY_ALGORITHMS = ("louvain", "leiden", "label_propagation", "infomap", "find_gangs")
#: Of those, the ones that take the directed calls; the others get the undirected graph.
_DIRECTED_OK = ("louvain", "infomap", "find_gangs")


@dataclass(frozen=True)
class MapNetwork:
    """What :func:`network_for_map` read and computed.

    Attributes
    ----------
    graph : networkx graph
        The projection as networkx (:meth:`Projection.to_networkx`), with the graph
        attribute ``timezone``.
    label : str
        The label of its nodes (``"Person"``, ``"Phone"``).
    title : str
        ``"<projection> network"``, with the filters, e.g.
        ``"person_calls network (since=2024-01-01)"``.
    communities : Communities, mapping or None
        The communities found (an algorithm's result) or read (a stored run's membership).
    scores : pandas.Series or None
        The key-player score nodes are sized by, per node.
    projection : Projection
        The projection read.
    timezone : str
        The zone times are shown in.
    results : dict
        The result objects for an export's tables: ``"communities"`` or ``"run"``
        (a stored run's table), ``"key_players"``.
    """

    graph: nx.Graph
    label: str
    title: str
    communities: Any
    scores: pd.Series | None
    projection: Projection
    timezone: str
    results: dict[str, Any] = field(default_factory=dict)


def _projection_options(
    projection: str, since: Any, until: Any, region: Sequence[str] | None
) -> dict[str, Any]:
    """The keyword options of :func:`netintel.projection.project` for these filters."""
    options: dict[str, Any] = {}
    if projection != "multiplex" or since or until:
        options.update(since=since, until=until)
    if region:
        options["region"] = list(region)
    return options


def _communities(
    G: nx.Graph, communities: str, stored: Any, seed: int
) -> tuple[Any, dict[str, Any]]:
    """The communities to colour by and their result table: a stored run's or computed."""
    from netintel import algorithms

    if stored is not None:
        return stored.membership, {"run": stored.table}
    fn = getattr(algorithms, communities)
    graph = G.to_undirected() if G.is_directed() and communities not in _DIRECTED_OK else G
    found = fn(graph, seed=seed)
    return found, {"communities": found}


def network_for_map(
    driver: neo4j.Driver,
    projection: str = "person_calls",
    *,
    database: str | None = None,
    since: Any = None,
    until: Any = None,
    region: Sequence[str] | None = None,
    communities: str | None = "find_gangs",
    size_by: str | None = "degree",
    seed: int = 0,
    tz: str | None = None,
) -> MapNetwork:
    """The network a map or an export draws: a projection, its communities and a score.

    Parameters
    ----------
    driver : neo4j.Driver
    projection : str
        A name of :data:`netintel.projection.PROJECTIONS`.
    database : str or None
    since, until : datetime, date, ISO string or None
        Only records in this time window (``multiplex``: only when one is given).
    region : list of str, optional
        Only records of these regions.
    communities : str or None
        One of :data:`MAP_COMMUNITY_ALGORITHMS` (run with ``seed``; ``leiden`` and
        ``label_propagation`` on the undirected graph), the id of a stored analysis
        run (its membership is read back), or None for no communities.
    size_by : str or None
        A key-player metric (:data:`netintel.algorithms.KEY_PLAYER_METRICS`) the
        nodes are sized by, or None.
    seed : int
        Seed of the communities and the key-player scores.
    tz : str, optional
        Time zone of the map's times; default the case's
        (:func:`netintel.investigate.case_timezone`).

    Returns
    -------
    MapNetwork
        An empty projection gives an empty graph, with no communities and no scores.

    Raises
    ------
    UnknownIdError
        If ``communities`` is neither an algorithm nor a stored run's id.

    Examples
    --------
    >>> from netintel import config
    >>> with config.driver() as drv:  # doctest: +SKIP
    ...     net = network_for_map(drv, "person_calls", since="2024-01-01", size_by="pagerank")
    >>> network_map(net.graph, "calls.html", communities=net.communities,
    ...             size_by=net.scores, default_type=net.label)  # doctest: +SKIP
    """
    from netintel.investigate import case_timezone
    from netintel.projection import project

    zone = tz if tz is not None else case_timezone(driver, database=database)
    options = _projection_options(projection, since, until, region)
    proj = project(driver, projection, database=database, **options)
    stored = None
    if proj.n and communities is not None and communities not in MAP_COMMUNITY_ALGORITHMS:
        stored = _stored_run(driver, communities, database)
    G = proj.to_networkx()
    G.graph["timezone"] = zone
    found: Any = None
    results: dict[str, Any] = {}
    if proj.n and communities is not None:
        found, results = _communities(G, communities, stored, seed)
    scores = None
    if proj.n and size_by is not None:
        from netintel.algorithms import key_players

        players = key_players(G, [size_by], seed=seed)
        scores = players.table[size_by]
        results["key_players"] = players
    where = ", ".join(f"{k}={v}" for k, v in options.items() if v)
    title = f"{projection} network" + (f" ({where})" if where else "")
    return MapNetwork(G, proj.label, title, found, scores, proj, zone, results)


def _stored_run(driver: neo4j.Driver, run_id: str, database: str | None) -> Any:
    from netintel.runs import read_run

    try:
        return read_run(driver, run_id, database=database)
    except DatabaseError:
        raise UnknownIdError("analysis run", run_id) from None

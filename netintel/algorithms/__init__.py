"""Graph algorithms: pure functions over networkx graphs, results with provenance.

No database, file or HTML code lives here (``Disruption.plot`` writes the PNG
it is asked for). Every function takes the graph first and keyword options
after (``weight=``, ``seed=``, ``resolution=``), raises ``ValueError`` on bad
arguments, and returns a small frozen result with ``provenance``,
``to_frame()`` and ``to_json()``. Randomised functions give the same result
for the same graph, parameters, engine and seed; a seed of None is drawn and
recorded in the result.

>>> import networkx as nx
>>> from netintel.algorithms import louvain
>>> louvain(nx.barbell_graph(4, 0), seed=0, engine="networkx").communities
[frozenset({0, 1, 2, 3}), frozenset({4, 5, 6, 7})]
"""

from netintel.algorithms.centrality import (
    KEY_PLAYER_METRICS,
    Bridges,
    Brokerage,
    KeyPlayers,
    LeadersBrokers,
    StructuralHoles,
    bridges,
    brokerage,
    burt_constraint,
    katz,
    key_players,
    leaders_and_brokers,
)
from netintel.algorithms.communities import (
    Communities,
    Consensus,
    ari,
    conductance,
    consensus,
    coverage,
    infomap,
    label_propagation,
    leiden,
    louvain,
    modularity,
    nmi,
)
from netintel.algorithms.compare import RunComparison, compare_partitions, greedy_matching
from netintel.algorithms.disruption import (
    DISRUPTION_METRICS,
    Disruption,
    RandomDisruption,
    collective_influence,
    random_disruption,
    simulate_disruption,
)
from netintel.algorithms.gangs import Gangs, find_gangs, gang_panel, gang_scores
from netintel.algorithms.links import (
    LINK_METHODS,
    PredictedLinks,
    link_scores,
    predict_links,
)
from netintel.algorithms.results import EdgeArrays, Provenance, edge_arrays, graph_hash
from netintel.algorithms.robustness import RANK_METRICS, RankStability, rank_stability
from netintel.algorithms.temporal import (
    EVENTS,
    GangsOverTime,
    centralization,
    gangs_over_time,
    gangs_over_time_frame,
    time_windows,
    track_communities,
)

__all__ = [
    "DISRUPTION_METRICS",
    "EVENTS",
    "KEY_PLAYER_METRICS",
    "LINK_METHODS",
    "RANK_METRICS",
    "Bridges",
    "Brokerage",
    "Communities",
    "Consensus",
    "Disruption",
    "EdgeArrays",
    "Gangs",
    "GangsOverTime",
    "KeyPlayers",
    "LeadersBrokers",
    "PredictedLinks",
    "Provenance",
    "RandomDisruption",
    "RankStability",
    "RunComparison",
    "StructuralHoles",
    "ari",
    "bridges",
    "brokerage",
    "burt_constraint",
    "centralization",
    "collective_influence",
    "compare_partitions",
    "conductance",
    "consensus",
    "coverage",
    "edge_arrays",
    "find_gangs",
    "gang_panel",
    "gang_scores",
    "gangs_over_time",
    "gangs_over_time_frame",
    "graph_hash",
    "greedy_matching",
    "infomap",
    "katz",
    "key_players",
    "label_propagation",
    "leaders_and_brokers",
    "leiden",
    "link_scores",
    "louvain",
    "modularity",
    "nmi",
    "predict_links",
    "random_disruption",
    "rank_stability",
    "simulate_disruption",
    "time_windows",
    "track_communities",
]

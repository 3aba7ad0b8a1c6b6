"""Graphs with a known shape for the layout tests (with and without a browser)."""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def shapes() -> dict[str, nx.Graph]:
    """A path, a star, a tree, a ring, a clique, and a mixed graph of such components."""
    mixed = nx.disjoint_union_all(
        [
            nx.path_graph(14),
            nx.star_graph(9),
            nx.balanced_tree(2, 3),
            nx.cycle_graph(12),
            nx.complete_graph(7),
            *[nx.path_graph(2) for _ in range(6)],  # isolated pairs
        ]
    )
    return {
        "path": nx.path_graph(80),
        "star": nx.star_graph(40),
        "tree": nx.balanced_tree(2, 5),
        "ring": nx.cycle_graph(40),
        "clique": nx.complete_graph(20),
        "mixed": mixed,
    }


def path_of_communities(k: int = 80, size: int = 3) -> tuple[nx.Graph, dict[str, int]]:
    """``k`` triangles-or-cliques of ``size`` people in a row, each linked to the next."""
    G = nx.Graph()
    member: dict[str, int] = {}
    for c in range(k):
        people = [f"g{c}-{i}" for i in range(size)]
        G.add_edges_from((a, b) for i, a in enumerate(people) for b in people[i + 1 :])
        member.update(dict.fromkeys(people, c))
        if c:
            G.add_edge(f"g{c - 1}-0", f"g{c}-1")
    return G, member


#: victim -> the people who held them, in the order of the transfers (one every 3 days)
CHAINS = {
    "V1": ["A", "B", "C", "D", "E", "F"],
    "V2": ["G", "B", "H", "I"],  # bought by B after V1 was, sold on to others
    "V3": ["J", "K", "L", "M", "N"],
    "V4": ["O", "P", "Q"],
    "V5": ["R", "S"],
}


def transfer_chains() -> nx.MultiDiGraph:
    """Victims moved from person to person: one ``TRANSFER`` edge per hand-over, with ``at``."""
    G = nx.MultiDiGraph()
    for k, (victim, people) in enumerate(CHAINS.items()):
        for i, (a, b) in enumerate(itertools.pairwise(people)):
            at = T0 + dt.timedelta(days=3 * i + 10 * k)
            G.add_edge(a, b, type="TRANSFER", victim_id=victim, at=at)
    for p in G:
        G.nodes[p].update(label="Person", name=f"Person {p}")
    return G


#: Italian cities (latitude, longitude), north to south, for the geographic layout
CITIES = {
    "Turin": (45.07, 7.69),
    "Milan": (45.46, 9.19),
    "Venice": (45.44, 12.32),
    "Bologna": (44.49, 11.34),
    "Florence": (43.77, 11.26),
    "Perugia": (43.11, 12.39),
    "Rome": (41.90, 12.50),
    "Pescara": (42.46, 14.21),
    "Naples": (40.85, 14.27),
    "Bari": (41.12, 16.87),
    "Reggio Calabria": (38.11, 15.65),
    "Palermo": (38.12, 13.36),
}


def places() -> nx.Graph:
    """Locations with coordinates (12 cities; three towers on Rome's), one person seen in
    each city (the one in Rome at the towers too, one in Turin also in Milan), and three
    people who call each other and were seen nowhere: 30 nodes, 15 of them placed."""
    G = nx.Graph()
    for city, (lat, lon) in CITIES.items():
        G.add_node(city, label="Location", name=city, lat=lat, lon=lon, kind="city")
        G.add_node(f"P-{city}", label="Person", name=f"seen in {city}")
        G.add_edge(f"P-{city}", city, type="SEEN_AT")
    for t in range(3):
        lat, lon = CITIES["Rome"]
        G.add_node(f"T{t}", label="Location", name=f"tower {t}", lat=lat, lon=lon)
        G.add_edge("P-Rome", f"T{t}", type="SEEN_AT")
    G.add_edge("P-Turin", "Milan", type="SEEN_AT")
    for a, b in [("X1", "X2"), ("X2", "X3")]:
        G.add_node(a, label="Person", name=a)
        G.add_node(b, label="Person", name=b)
        G.add_edge(a, b, type="CALLED")
    return G

"""A multiplex person network is searched for gangs without refine (docs/gangs.md).

Every case's suspects are a heavy clique of the co-offending layer, which find_gangs' tight-cell
test would split off its gang; find_gangs leaves refine off on a multigraph by default (a
multiplex's layers are parallel links), so the batch jobs and the map's own communities, which
pass no ``refine``, do so too, and keep it on for one-layer networks.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from netintel.algorithms import find_gangs
from netintel.batch import Job, _detect
from netintel.projection import Projection
from netintel.viz.maps import _auto_communities


def _projection(multigraph: bool) -> Projection:
    G = nx.ring_of_cliques(4, 5)
    nodes = np.array([f"P{i:02d}" for i in range(G.number_of_nodes())])
    src, dst = (np.array(side, dtype=np.int64) for side in zip(*sorted(G.edges()), strict=True))
    return Projection(
        name="multiplex" if multigraph else "person_calls",
        label="Person",
        params={},
        queries={},
        nodes=nodes,
        node_attributes=pd.DataFrame(index=nodes),
        src=src,
        dst=dst,
        weight=np.ones(len(src)),
        edge_attributes=pd.DataFrame(index=range(len(src))),
        weight_column="weight" if multigraph else "calls",
        directed=False,
        multigraph=multigraph,
    )


def _job(**params: object) -> Job:
    return Job(0, "person_calls", {}, "find_gangs", params, runs=3, seed=0)


def test_batch_jobs_refine_one_layer_networks_only() -> None:
    assert _detect(_job(), _projection(multigraph=False)).params["refine"] is True
    assert _detect(_job(), _projection(multigraph=True)).params["refine"] is False
    # a job that names refine keeps it
    assert _detect(_job(refine=True), _projection(multigraph=True)).params["refine"] is True


def test_the_maps_own_communities_refine_one_layer_networks_only() -> None:
    G = nx.ring_of_cliques(4, 5)
    assert _auto_communities(G, "weight", 0).params["refine"] is True
    assert _auto_communities(nx.MultiGraph(G), "weight", 0).params["refine"] is False


def test_find_gangs_leaves_a_multigraph_unrefined_by_default() -> None:
    # six planted blocks, two of which only refine parts (tests/algorithms/test_gangs.py)
    G = nx.random_partition_graph([20, 4, 4, 20, 5, 4], 0.8, 0.06, seed=6)
    M = nx.MultiGraph(G)
    assert len(find_gangs(G, seed=0)) == 6
    unrefined = find_gangs(M, seed=0)
    assert len(unrefined) == 5 and unrefined.params["refine"] is False
    assert len(find_gangs(M, seed=0, refine=True)) == 6

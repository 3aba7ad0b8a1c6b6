"""Node positions computed in Python, so that maps open with physics off.

Each connected component is laid out on its own (Kamada-Kawai for small ones,
Fruchterman-Reingold for large ones; igraph's when installed, else networkx's),
scaled so that linked nodes sit about ``spacing`` pixels apart, and the
components are packed in rows, largest first. The same graph and seed give the same positions.

>>> import networkx as nx
>>> pos = layout(nx.path_graph(3), seed=1)
>>> sorted(pos) == [0, 1, 2] and pos == layout(nx.path_graph(3), seed=1)
True
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx
import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from netintel.algorithms.results import canonical_nodes, igraph_seeded

__all__ = ["KAMADA_KAWAI_MAX", "LAYOUT_ENGINES", "layout", "layout_arrays"]

#: Components up to this many nodes are laid out with Kamada-Kawai, larger ones with FR.
KAMADA_KAWAI_MAX = 400
#: Engines :func:`layout` understands; ``"auto"`` takes igraph when installed.
LAYOUT_ENGINES = ("auto", "igraph", "networkx")


def _engine(engine: str) -> str:
    if engine not in LAYOUT_ENGINES:
        raise ValueError(f"layout engine must be one of {LAYOUT_ENGINES}, not {engine!r}")
    if engine != "auto":
        return engine
    try:
        import igraph  # noqa: F401
    except ImportError:
        return "networkx"
    return "igraph"


def _component_layout(
    n: int, src: np.ndarray, dst: np.ndarray, seed: int, engine: str
) -> np.ndarray:
    """Positions of one connected component (local indices), centred, unscaled.

    Kamada-Kawai up to :data:`KAMADA_KAWAI_MAX` nodes (even edge lengths, clear
    groups), Fruchterman-Reingold above (igraph's grid variant is near-linear).
    """
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    rng = np.random.default_rng(seed)
    # a square of side sqrt(n), as igraph starts: tighter makes its grid slow, wider too
    start = rng.uniform(-0.5, 0.5, size=(n, 2)) * np.sqrt(n)
    small = n <= KAMADA_KAWAI_MAX
    if engine == "igraph":
        import igraph as ig

        g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist())
        with igraph_seeded(seed):
            if small:  # from a circle, igraph's default: no folded paths
                found = g.layout_kamada_kawai()
            else:
                found = g.layout_fruchterman_reingold(seed=start.tolist(), niter=300, grid=True)
        pos = np.asarray(found.coords, dtype=float)
    else:
        H = nx.Graph()
        H.add_nodes_from(range(n))
        H.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        if small:  # from a circle, networkx's default
            got = nx.kamada_kawai_layout(H)
        else:
            got = nx.spring_layout(H, pos=dict(enumerate(start)), seed=seed, iterations=50)
        pos = np.array([got[i] for i in range(n)], dtype=float)
    return pos - pos.mean(axis=0)


def layout_arrays(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    *,
    seed: int = 0,
    engine: str = "auto",
    spacing: float = 100.0,
) -> np.ndarray:
    """Positions (``n`` x 2, in pixels) of a graph given as edge index arrays.

    ``spacing`` is the typical (median) distance between linked nodes (at least:
    dense components get ``spacing`` squared per node), and the gap between components.

    Parameters
    ----------
    n : int
        The number of nodes (indices ``0 .. n-1``).
    src, dst : numpy.ndarray
        The edges' end node indices.
    seed : int, default 0
        The layout's seed: same seed, same positions.
    engine : {"auto", "igraph", "networkx"}, default "auto"
        The layout library; ``"auto"`` uses igraph when it can be imported, else
        networkx.
    spacing : float, default 100.0
        Typical distance in pixels between linked nodes, and the gap between components.

    Returns
    -------
    numpy.ndarray
        ``n`` x 2 float positions.

    Raises
    ------
    ValueError
        When ``engine`` is not one of :data:`LAYOUT_ENGINES`.
    """
    engine = _engine(engine)
    out = np.zeros((n, 2))
    if n == 0:
        return out
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    adj = coo_array((np.ones(len(src)), (src, dst)), shape=(n, n))
    count, labels = connected_components(adj, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    comp_of_edge = labels[src]
    edge_order = np.argsort(comp_of_edge, kind="stable")
    edge_bounds = np.searchsorted(comp_of_edge[edge_order], np.arange(count + 1))
    local = np.empty(n, dtype=np.int64)
    boxes: list[tuple[int, np.ndarray, np.ndarray]] = []
    for c in range(count):
        members = order[bounds[c] : bounds[c + 1]]
        local[members] = np.arange(len(members))
        e = edge_order[edge_bounds[c] : edge_bounds[c + 1]]
        a, b = local[src[e]], local[dst[e]]
        pos = _component_layout(len(members), a, b, seed + c, engine)
        if len(e):  # linked nodes about `spacing` apart, and at least `spacing`^2 per node
            typical = float(np.median(np.linalg.norm(pos[a] - pos[b], axis=1)))
            w, h = np.ptp(pos, axis=0)
            # a side shorter than one link counts as one link: a path (every trafficking
            # chain) is a line with no height, and its area must not shrink to zero
            floor = typical if typical > 0 else 1e-9
            area = float(max(w, floor) * max(h, floor))
            factor = max(
                spacing / typical if typical > 0 else 0.0, spacing * np.sqrt(len(members) / area)
            )
            pos = pos * factor
        boxes.append((len(members), members, pos - pos.min(axis=0)))
    # pack the components in rows, largest first
    boxes.sort(key=lambda box: (-box[0], int(box[1].min())))
    total = sum(float(np.prod(p.max(axis=0) + spacing)) for _, _, p in boxes)
    row_width = max(np.sqrt(total) * 1.2, float(boxes[0][2][:, 0].max()))
    x = y = row_height = 0.0
    for _, members, pos in boxes:
        width, height = pos.max(axis=0)
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + spacing, 0.0
        out[members] = pos + np.array([x, y])
        x += width + spacing
        row_height = max(row_height, height)
    return out - (out.min(axis=0) + out.max(axis=0)) / 2


def layout(
    G: nx.Graph, *, seed: int = 0, engine: str = "auto", spacing: float = 100.0
) -> dict[Hashable, tuple[float, float]]:
    """Positions in pixels per node of ``G`` (edge direction and weights are ignored).

    Parameters
    ----------
    G : networkx graph
        The graph.
    seed : int, default 0
        The layout's seed: same seed, same positions.
    engine : {"auto", "igraph", "networkx"}, default "auto"
        The layout library; ``"auto"`` uses igraph when it can be imported, else
        networkx.
    spacing : float, default 100.0
        Typical distance in pixels between linked nodes, and the gap between components.

    Returns
    -------
    dict
        Node -> ``(x, y)``.

    Raises
    ------
    ValueError
        When ``engine`` is not one of :data:`LAYOUT_ENGINES`.
    """
    nodes = canonical_nodes(G)
    index = {v: i for i, v in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in G.edges()], dtype=np.int64).reshape(-1, 2)
    pos = layout_arrays(
        len(nodes), pairs[:, 0], pairs[:, 1], seed=seed, engine=engine, spacing=spacing
    )
    return {v: (float(pos[i, 0]), float(pos[i, 1])) for i, v in enumerate(nodes)}

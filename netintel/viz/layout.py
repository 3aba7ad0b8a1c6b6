"""Node positions computed in Python, so that maps open with physics off.

Each connected component is laid out on its own (Kamada-Kawai for small ones,
Fruchterman-Reingold for large ones; igraph's when installed, else networkx's),
scaled so that linked nodes sit about ``spacing`` pixels apart, and the
components are packed in rows, largest first; a path longer than :data:`SNAKE_MIN` (a
chain) is folded in rows instead. The same graph and seed give the same positions.
:func:`hierarchical_arrays` lays out transfer chains left to right in time, and
:func:`boxes_arrays` each community in a box of its own, and :func:`geo_arrays` places by
their latitude and longitude (``docs/maps.md``).

>>> import networkx as nx
>>> pos = layout(nx.path_graph(3), seed=1)
>>> sorted(pos) == [0, 1, 2] and pos == layout(nx.path_graph(3), seed=1)
True
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Hashable

import networkx as nx
import numpy as np
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from netintel.algorithms.results import canonical_nodes, igraph_seeded

__all__ = [
    "ASPECT",
    "KAMADA_KAWAI_MAX",
    "LAYOUT_ENGINES",
    "SNAKE_MIN",
    "boxes_arrays",
    "geo_arrays",
    "hierarchical_arrays",
    "induced_edges",
    "layout",
    "layout_arrays",
]

#: Components up to this many nodes are laid out with Kamada-Kawai, larger ones with FR.
KAMADA_KAWAI_MAX = 400
#: Paths (chains) longer than this are folded in rows instead of drawn as one long line.
SNAKE_MIN = 10
#: Width over height that packed components and folded chains aim at (a screen's).
ASPECT = 1.6
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


def _path_order(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray | None:
    """The nodes of a connected component in path order when it is a path, else None."""
    pairs = {(min(x, y), max(x, y)) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    if len(pairs) != n - 1:
        return None
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for x, y in sorted(pairs):
        nbrs[x].append(y)
        nbrs[y].append(x)
    if max(len(v) for v in nbrs) > 2:
        return None
    walk = [min(i for i in range(n) if len(nbrs[i]) == 1)]
    prev = -1
    while len(walk) < n:
        nxt = next(v for v in nbrs[walk[-1]] if v != prev)
        prev = walk[-1]
        walk.append(nxt)
    return np.array(walk)


def _snake(walk: np.ndarray, spacing: float) -> np.ndarray:
    """A path folded in rows, left to right then right to left, ``spacing`` between steps."""
    n = len(walk)
    rows = max(1, round(float(np.sqrt(n / ASPECT))))
    per_row = -(-n // rows)
    step = np.arange(n)
    row, col = step // per_row, step % per_row
    col = np.where(row % 2 == 1, per_row - 1 - col, col)
    pos = np.zeros((n, 2))
    pos[walk] = np.column_stack([col, row]) * spacing
    return pos


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
        walk = _path_order(len(members), a, b) if len(members) > SNAKE_MIN else None
        if walk is not None:  # a long chain: folded in rows, read like text
            boxes.append((len(members), members, _snake(walk, spacing)))
            continue
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
    return _pack(boxes, n, spacing)


def _pack(boxes: list[tuple[int, np.ndarray, np.ndarray]], n: int, spacing: float) -> np.ndarray:
    """Blocks ``(size, members, positions from 0)`` packed in rows, largest first, ``spacing``
    apart (no two blocks' bounding boxes overlap), centred on the origin."""
    out = np.zeros((n, 2))
    if not boxes:
        return out
    boxes = sorted(boxes, key=lambda box: (-box[0], int(box[1].min())))
    total = sum(float(np.prod(p.max(axis=0) + spacing)) for _, _, p in boxes)
    row_width = max(np.sqrt(total * ASPECT), float(boxes[0][2][:, 0].max()))
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


def hierarchical_arrays(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    times: np.ndarray | None = None,
    *,
    spacing: float = 100.0,
) -> np.ndarray:
    """Left-to-right-in-time positions (``n`` x 2, pixels) of directed chains (transfers).

    Nodes are taken in the order of the time of their first link in (a node nobody
    links to: of its first link out, just before the nodes it links to); edges are
    ``src -> dst``, with the time of each in ``times`` (NaN or None: unknown, then the
    chain's order counts). Each node sits one column (``spacing``) right of the furthest
    of its in-neighbours, so ``x`` strictly increases along every link (a cycle is cut
    at its latest link into an earlier node). A node continues the row of its earliest
    in-neighbour when no other node has; else it takes the nearest row that ended left of
    it and that nobody continues, else a new row: parallel chains and branches are rows
    ``spacing`` apart. Weakly connected components are packed as :func:`layout_arrays`
    packs them.

    Parameters
    ----------
    n : int
        The number of nodes (indices ``0 .. n-1``).
    src, dst : numpy.ndarray
        The links' giver and receiver indices.
    times : numpy.ndarray, optional
        Per link, its time as a number (e.g. seconds since the epoch); NaN: unknown.
    spacing : float, default 100.0
        Pixels between columns, between rows, and between components.

    Returns
    -------
    numpy.ndarray
        ``n`` x 2 float positions.

    Examples
    --------
    >>> pos = hierarchical_arrays(3, np.array([1, 0]), np.array([2, 1]), np.array([5.0, 2.0]))
    >>> pos[:, 0].tolist(), pos[:, 1].tolist()
    ([-100.0, 0.0, 100.0], [0.0, 0.0, 0.0])
    """
    out = np.zeros((n, 2))
    if n == 0:
        return out
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    t = np.full(len(src), np.nan) if times is None else np.asarray(times, dtype=float)
    keep = src != dst
    src, dst, t = src[keep], dst[keep], t[keep]
    D = nx.DiGraph()
    D.add_nodes_from(range(n))
    D.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    rank = _time_ranks(n, src, dst, t)
    A = _forward_links(D, rank)
    column = _columns(A, rank)
    row = _rows(A, rank, column, _first_link_time(src, dst, t))
    boxes: list[tuple[int, np.ndarray, np.ndarray]] = []
    for comp in nx.weakly_connected_components(D):
        members = np.array(sorted(comp), dtype=np.int64)
        grid = np.column_stack([column[members], row[members]]).astype(float)
        used = np.unique(grid[:, 1])  # rows of this component, numbered from 0
        grid[:, 1] = np.searchsorted(used, grid[:, 1])
        grid[:, 0] -= grid[:, 0].min()
        boxes.append((len(members), members, grid * spacing))
    return _pack(boxes, n, spacing)


def _time_ranks(
    n: int, src: np.ndarray, dst: np.ndarray, t: np.ndarray
) -> dict[int, tuple[float, int, int]]:
    """Per node, its place in time: the time of its first link in (for a node nobody links
    to, of its first link out, before those it links to), then whether it has a link in,
    then its index."""
    known = ~np.isnan(t)
    first_in = np.full(n, np.inf)
    np.minimum.at(first_in, dst[known], t[known])
    first_out = np.full(n, np.inf)
    np.minimum.at(first_out, src[known], t[known])
    has_in = np.zeros(n, dtype=bool)
    has_in[dst] = True
    key = np.where(has_in, first_in, first_out)
    return {v: (float(key[v]), int(has_in[v]), v) for v in range(n)}


def _forward_links(D: nx.DiGraph, rank: dict[int, tuple[float, int, int]]) -> nx.DiGraph:
    """``D`` less the links inside a cycle that go back in ``rank``: a DAG (links between
    strongly connected components keep their own order, so untimed chains do too)."""
    scc = {v: i for i, comp in enumerate(nx.strongly_connected_components(D)) for v in comp}
    A = nx.DiGraph()
    A.add_nodes_from(D.nodes())
    A.add_edges_from((u, v) for u, v in D.edges() if scc[u] != scc[v] or rank[u] < rank[v])
    return A


def _first_link_time(
    src: np.ndarray, dst: np.ndarray, t: np.ndarray
) -> dict[tuple[int, int], float]:
    """Per linked pair ``(giver, receiver)``, the time of its first link (inf: unknown)."""
    edge_time: dict[tuple[int, int], float] = {}
    for u, v, when in zip(src.tolist(), dst.tolist(), t.tolist(), strict=True):
        edge_time[(u, v)] = min(edge_time.get((u, v), np.inf), np.inf if when != when else when)
    return edge_time


def _columns(A: nx.DiGraph, rank: dict[int, tuple[float, int, int]]) -> np.ndarray:
    """Per node of the DAG ``A``, one column right of the furthest of its in-neighbours."""
    column = np.zeros(A.number_of_nodes(), dtype=np.int64)
    for v in nx.lexicographical_topological_sort(A, key=lambda v: rank[v]):
        preds = list(A.predecessors(v))
        if preds:
            column[v] = max(column[p] for p in preds) + 1
    return column


def _rows(
    A: nx.DiGraph,
    rank: dict[int, tuple[float, int, int]],
    column: np.ndarray,
    edge_time: dict[tuple[int, int], float],
) -> np.ndarray:
    """Per node of the DAG ``A``, its row: that of its earliest in-neighbour nobody else
    continues, else the nearest row that ended left of it and that nobody continues, else
    a new one."""
    n = A.number_of_nodes()
    row = np.full(n, -1, dtype=np.int64)
    continued = np.zeros(n, dtype=bool)
    waiting = np.array([A.out_degree(v) for v in range(n)], dtype=np.int64)  # unplaced succ.
    last: list[int] = []  # per row, its rightmost node
    closed: list[tuple[int, int]] = []  # (column, row): rows nobody will continue
    free_rows: list[int] = []  # sorted: closed rows that ended left of the current column

    def close(r: int) -> None:
        heapq.heappush(closed, (int(column[last[r]]), r))

    for v in sorted(range(n), key=lambda v: (column[v], rank[v])):
        while closed and closed[0][0] < column[v]:
            bisect.insort(free_rows, heapq.heappop(closed)[1])
        preds = sorted(A.predecessors(v), key=lambda p: (edge_time[(p, v)], rank[p]))
        free = [p for p in preds if not continued[p]]
        if free:
            row[v] = row[free[0]]
            continued[free[0]] = True
        elif free_rows:  # the nearest row that ended left of v and that nobody continues
            near = int(row[preds[0]]) if preds else 0
            i = bisect.bisect_left(free_rows, near)
            options = [j for j in (i - 1, i) if 0 <= j < len(free_rows)]
            j = min(options, key=lambda j: (abs(free_rows[j] - near), free_rows[j]))
            row[v] = free_rows.pop(j)
        else:
            row[v] = len(last)
            last.append(v)
        last[row[v]] = v
        for p in preds:
            waiting[p] -= 1
            if waiting[p] == 0 and last[row[p]] == p and row[p] != row[v]:
                close(int(row[p]))
        if waiting[v] == 0:
            close(int(row[v]))
    return row


def induced_edges(
    n: int, members: np.ndarray, src: np.ndarray, dst: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges with both ends among ``members``, as indices into ``members``.

    Parameters
    ----------
    n : int
        The number of nodes.
    members : numpy.ndarray
        The nodes of the part (indices ``0 .. n-1``).
    src, dst : numpy.ndarray
        The edges' end node indices.

    Returns
    -------
    tuple of numpy.ndarray
        The kept edges' ends as positions in ``members``, and the mask of the edges kept.

    Examples
    --------
    >>> a, b, keep = induced_edges(4, np.array([1, 3]), np.array([0, 1]), np.array([1, 3]))
    >>> a.tolist(), b.tolist(), keep.tolist()
    ([0], [1], [False, True])
    """
    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    keep = (local[src] >= 0) & (local[dst] >= 0)
    return local[src[keep]], local[dst[keep]], keep


def _part_layout(
    n: int,
    members: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    *,
    seed: int,
    engine: str,
    spacing: float,
) -> np.ndarray:
    """Positions of ``members`` (in their order) by :func:`layout_arrays` of the links
    among them, moved so that the least ``x`` and ``y`` are 0."""
    a, b, _ = induced_edges(n, members, src, dst)
    pos = layout_arrays(len(members), a, b, seed=seed, engine=engine, spacing=spacing)
    return pos - pos.min(axis=0)


def boxes_arrays(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    groups: np.ndarray,
    *,
    seed: int = 0,
    engine: str = "auto",
    spacing: float = 100.0,
) -> np.ndarray:
    """Group-in-a-box positions (``n`` x 2, pixels): each group laid out on its own.

    Each group (a community) is laid out by :func:`layout_arrays` from the links inside
    it, in a box of its own; the boxes are packed in rows, largest group first, at least
    ``spacing`` apart, so no two groups' bounding boxes overlap. Links between groups
    are drawn but do not move anyone.

    Parameters
    ----------
    n : int
        The number of nodes (indices ``0 .. n-1``).
    src, dst : numpy.ndarray
        The edges' end node indices.
    groups : numpy.ndarray
        The group of each node (any integers).
    seed : int, default 0
        The layout's seed: same seed, same positions.
    engine : {"auto", "igraph", "networkx"}, default "auto"
        The layout library of each group.
    spacing : float, default 100.0
        Typical distance in pixels between linked nodes, and the gap between boxes.

    Returns
    -------
    numpy.ndarray
        ``n`` x 2 float positions.

    Raises
    ------
    ValueError
        When ``engine`` is not one of :data:`LAYOUT_ENGINES`.

    Examples
    --------
    >>> pos = boxes_arrays(4, np.array([0, 2]), np.array([1, 3]), np.array([0, 0, 1, 1]))
    >>> a, b = pos[:2], pos[2:]  # apart along x or along y: the boxes do not overlap
    >>> bool(((a.max(axis=0) < b.min(axis=0)) | (b.max(axis=0) < a.min(axis=0))).any())
    True
    """
    groups = np.asarray(groups)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    boxes: list[tuple[int, np.ndarray, np.ndarray]] = []
    for i, c in enumerate(np.unique(groups)):
        members = np.flatnonzero(groups == c)
        pos = _part_layout(n, members, src, dst, seed=seed + i, engine=engine, spacing=spacing)
        boxes.append((len(members), members, pos))
    return _pack(boxes, n, spacing)


def _free_cell(
    taken: set[tuple[int, int]], x: float, y: float, cell: tuple[float, float]
) -> tuple[int, int]:
    """The free grid cell (``cell`` wide and high) nearest the point (x, y): rings of cells
    outwards, the nearest free one of the first ring that has one (ties by cell order)."""
    w, h = cell
    cx, cy = round(x / w), round(y / h)
    r = 0
    while True:
        ring = [
            (cx + i, cy + j)
            for i in range(-r, r + 1)
            for j in range(-r, r + 1)
            if max(abs(i), abs(j)) == r and (cx + i, cy + j) not in taken
        ]
        if ring:
            return min(ring, key=lambda c: ((c[0] * w - x) ** 2 + (c[1] * h - y) ** 2, c))
        r += 1


def geo_arrays(
    lat: np.ndarray,
    lon: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    *,
    seed: int = 0,
    engine: str = "auto",
    spacing: float = 60.0,
) -> np.ndarray:
    """Geographic positions (``n`` x 2, pixels): places by latitude and longitude.

    Nodes with a latitude and longitude are projected equirectangularly about their mean
    latitude, north up (no map tiles, so nothing is fetched), scaled so that neighbouring
    places are typically two ``spacing`` cells apart (the median distance to the nearest
    other place), and the places spread over 8 to 40 cells (more for many places), so
    far-off places do not push the rest into a corner. Nodes without one (people, phones)
    go beside the places they link to: the mean position of their placed neighbours, then
    of those placed in turn, hop by hop. Every node then takes the free cell nearest its
    point of a grid ``2 * spacing`` wide and ``spacing`` high (room for a label), so no two
    nodes overlap, and places that share coordinates sit side by side. Components with no
    place at all are laid out by :func:`layout_arrays` in a block below the map.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Per node its latitude and longitude in degrees; NaN where it has none.
    src, dst : numpy.ndarray
        The edges' end node indices.
    seed : int, default 0
        Seed of the layout of the components with no place.
    engine : {"auto", "igraph", "networkx"}, default "auto"
        The layout library of the components with no place.
    spacing : float, default 60.0
        The grid's cell height in pixels (half its width): the least distance between two
        nodes.

    Returns
    -------
    numpy.ndarray
        ``n`` x 2 float positions.

    Raises
    ------
    ValueError
        When no node has both a latitude and a longitude, or the arrays differ in length.

    Examples
    --------
    >>> lat = np.array([41.9, 45.46, np.nan])  # Rome, Milan, and someone linked to Rome
    >>> lon = np.array([12.5, 9.19, np.nan])
    >>> pos = geo_arrays(lat, lon, np.array([2]), np.array([0]))
    >>> bool(pos[1, 1] < pos[0, 1]), bool(pos[1, 0] < pos[0, 0])  # Milan: north, west
    (True, True)
    >>> bool(np.linalg.norm(pos[2] - pos[0]) < np.linalg.norm(pos[2] - pos[1]))
    True
    """
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if lat.shape != lon.shape:
        raise ValueError(f"lat and lon differ in length ({len(lat)} and {len(lon)})")
    n = len(lat)
    placed = ~(np.isnan(lat) | np.isnan(lon))
    if n and not placed.any():
        raise ValueError(f"no node has a latitude and longitude (of {n} nodes)")
    out = np.zeros((n, 2))
    if n == 0:
        return out
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    phi = np.radians(lat[placed])
    x = np.radians(lon[placed]) * np.cos(phi.mean())
    y = -phi
    extent = max(float(np.ptp(x)), float(np.ptp(y)))
    distinct = np.unique(np.column_stack([x, y]), axis=0)
    scale = 1.0
    if extent > 0:  # at least 8 cells wide; typical neighbouring places 2 cells apart
        near = cKDTree(distinct).query(distinct, k=2)[0][:, 1]
        wide = spacing * max(8.0, 2.0 * np.sqrt(len(distinct))) / extent
        cap = spacing * max(40.0, 8.0 * np.sqrt(len(distinct))) / extent
        scale = min(max(wide, 2.0 * spacing / float(np.median(near))), max(wide, cap))
    point = np.full((n, 2), np.nan)
    point[placed, 0] = (x - x.min()) * scale
    point[placed, 1] = (y - y.min()) * scale
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in zip(src.tolist(), dst.tolist(), strict=True):
        if a != b:
            neighbours[a].append(b)
            neighbours[b].append(a)
    taken: set[tuple[int, int]] = set()
    cell = (2.0 * spacing, spacing)  # twice as wide as high: room for the labels
    level = np.flatnonzero(placed).tolist()
    reached = placed.copy()
    while level:
        for v in level:
            c = _free_cell(taken, point[v, 0], point[v, 1], cell)
            taken.add(c)
            out[v] = (c[0] * cell[0], c[1] * cell[1])
        level = sorted({m for v in level for m in neighbours[v] if not reached[m]})
        for m in level:  # the mean of where its neighbours reached one hop before are drawn
            point[m] = np.mean([out[v] for v in neighbours[m] if reached[v]], axis=0)
        reached[level] = True
    rest = np.flatnonzero(~reached)
    if len(rest):  # components with no place: below the map
        pos = _part_layout(n, rest, src, dst, seed=seed, engine=engine, spacing=spacing)
        top = out[reached, 1].max() + 3 * spacing
        out[rest] = pos + np.array([out[reached, 0].min(), top])
    return out

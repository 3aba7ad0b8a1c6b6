"""Loaders for the published criminal-network data sets shared with the project.

The files live outside the package, in the ``shared/data`` directory beside the
repository (``$NETINTEL_SHARED_DATA`` overrides it); every folder has a
``SOURCE.txt`` naming the original repository, commit, licence and paper to cite.
The loaders return networkx graphs with edge weights in ``weight`` and a
``graph["source"]`` naming the file read; nothing is copied into the project.

Traps handled here: the UCINET adjacency CSVs start with a UTF-8 byte-order
mark, some of their matrices are not symmetric (those load as directed graphs
unless told otherwise), and ``polbooks.gml`` has unquoted string values that
:func:`networkx.read_gml` rejects.

Examples
--------
>>> G = caviar()
>>> G.number_of_nodes(), G.is_directed(), G.graph["name"]
(110, True, 'CAVIAR (all phases)')
>>> max(G.degree, key=lambda nd: nd[1])[0]
'N1'
>>> F = football()
>>> F.number_of_nodes(), F.number_of_edges(), len(ground_truth_partition(F, "value"))
(115, 613, 12)
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Literal

import networkx as nx
import numpy as np

from netintel.exceptions import InputFileError, SharedDataError
from netintel.values import is_int

__all__ = [
    "CAVIAR_PHASES",
    "NOORDIN_LAYERS",
    "UCINET_NETWORKS",
    "caviar",
    "data_dir",
    "football",
    "ground_truth_partition",
    "noordin_top",
    "polbooks",
    "ucinet_csv",
]

#: Phases of the CAVIAR investigation (wiretap periods), numbered as in Morselli (2009).
CAVIAR_PHASES = tuple(range(1, 12))

#: Name accepted by :func:`ucinet_csv` -> (folder, file, description).
UCINET_NETWORKS: dict[str, tuple[str, str, str]] = {
    "siren": ("siren", "morselli_siren.csv", "Siren auto-theft ring (Morselli & Roy 2008)"),
    "togo": ("togo", "morselli_togo.csv", "Togo auto-theft ring (Morselli & Roy 2008)"),
    "cielnet": ("cielnet", "morselli_cielnet.csv", "CIELNET drug network (Morselli 2009)"),
    "london_gang": ("london_gang", "LONDON_GANG.csv", "London street gang (Grund & Densley)"),
    "italian_gangs": ("italian_gangs", "ITALIAN_GANGS.csv", "Italian gangs co-membership"),
    "montreal_gangs": (
        "montreal_gangs",
        "MONTREALGANG.csv",
        "Montreal street gangs (Descormiers & Morselli 2011)",
    ),
    "natarajan_cocaine": (
        "natarajan_cocaine",
        "natajaran_cocaine.csv",
        "New York cocaine dealing wiretaps (Natarajan 2006)",
    ),
    "natarajan_heroin": (
        "natarajan_heroin",
        "natajaran_heroin.csv",
        "New York heroin distribution wiretaps (Natarajan 2000)",
    ),
    "oversize": (
        "oversize",
        "berlusconietal_oversize.csv",
        "'Ndrangheta Oversize operation (Berlusconi et al. 2016)",
    ),
    "french_connection": (
        "french_connection",
        "macdonald_tfc.csv",
        "French Connection heroin network (coded by M. MacDonald)",
    ),
}


#: Layer of the Noordin Top multiplex -> its edge list in ``noordin_top/multiplex_4layer``.
NOORDIN_LAYERS: dict[str, str] = {
    "communication": "communication.txt",
    "financial": "financial.txt",
    "operational": "operationalaggregated.txt",
    "trust": "trustaggregated.txt",
}


def data_dir() -> Path:
    """The shared data directory: ``$NETINTEL_SHARED_DATA`` or ``<repo>/../shared/data``.

    Raises
    ------
    SharedDataError
        (a FileNotFoundError) If the directory does not exist; the message says where it was looked
        for and how to point elsewhere.
    """
    env = os.environ.get("NETINTEL_SHARED_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"
    if not path.is_dir():
        how = "set by NETINTEL_SHARED_DATA" if env else "beside the repository"
        raise SharedDataError(
            errno.ENOENT,
            f"shared data directory {how} not found; set NETINTEL_SHARED_DATA to the "
            "folder holding caviar/, football/, ...",
            str(path),
        )
    return path


def _file(folder: str, name: str) -> Path:
    path = data_dir() / folder / name
    if not path.is_file():
        raise SharedDataError(
            errno.ENOENT, f"data file missing from the shared data set ({folder}/{name})", str(path)
        )
    return path


def _read_matrix(path: Path) -> tuple[list[str], np.ndarray]:
    """Row labels and values of a square adjacency CSV (labels in first row and column).

    The parsing is the ingest's (:func:`netintel.ingest.networks.read_adjacency`); here the
    first cell that is not a tie value is an error instead of a reject.
    """
    from netintel.ingest.networks import read_adjacency

    m = read_adjacency(path)
    if m.problems:
        row, j, text, reason = m.problems[0]
        raise InputFileError(str(path), f"{reason}: {text!r}", row=row, column=m.labels[j])
    return list(m.labels), m.values


def _graph(
    labels: list[Hashable],
    values: np.ndarray,
    *,
    directed: bool,
    combine: Literal["sum", "max"],
) -> nx.Graph:
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    G.add_nodes_from(labels)
    if directed:
        matrix = values
    elif np.array_equal(values, values.T):
        # undirected data: every tie is stored twice, once per direction
        matrix = np.triu(values)
    else:
        # directed data (e.g. calls from i to j) merged into one tie per pair
        matrix = values + values.T if combine == "sum" else np.maximum(values, values.T)
        np.fill_diagonal(matrix, np.diag(values))
        matrix = np.triu(matrix)
    for i, j in zip(*np.nonzero(matrix), strict=True):
        w = float(matrix[i, j])
        G.add_edge(labels[i], labels[j], weight=int(w) if w.is_integer() else w)
    return G


def caviar(
    phase: int | None = None,
    *,
    directed: bool = True,
    combine: Literal["sum", "max"] = "sum",
) -> nx.Graph:
    """The CAVIAR drug-importation network (Montreal 1994-96; Morselli 2009).

    Parameters
    ----------
    phase : int 1..11 or None
        One wiretap phase, or None for the aggregated network of all phases
        (``morselli_caviar.csv``, 110 actors).
    directed : bool
        True: an edge ``u -> v`` weighs the number of intercepted calls from u
        to v. False: one undirected edge per pair.
    combine : {"sum", "max"}
        How the two directions merge when ``directed=False`` (``"sum"``: calls
        both ways).

    Returns
    -------
    networkx.DiGraph or networkx.Graph
        Nodes are named ``"N<id>"`` as in the literature (N1 = Daniel Serero),
        with the numeric id in node attribute ``actor``.

    Notes
    -----
    The phase files and the aggregated matrix come from different
    distributions: the phases together name 107 actors (N57, N60 and N110
    appear only in the aggregated matrix), and their summed call counts differ
    from the aggregated matrix in some cells.

    Examples
    --------
    >>> [caviar(p).number_of_nodes() for p in CAVIAR_PHASES]
    [15, 24, 33, 33, 32, 27, 36, 42, 34, 42, 41]
    >>> G = caviar(1)
    >>> G["N1"]["N3"]["weight"], G["N3"]["N1"]["weight"]
    (4, 2)
    >>> caviar(1, directed=False)["N1"]["N3"]["weight"]
    6
    """
    if phase is None:
        path = _file("caviar", "morselli_caviar.csv")
        name = "CAVIAR (all phases)"
    elif is_int(phase) and phase in CAVIAR_PHASES:
        path = _file("caviar", f"phase{phase}.csv")
        name = f"CAVIAR phase {phase}"
    else:
        raise ValueError(f"phase must be None or an integer 1..11, not {phase!r}")
    if combine not in ("sum", "max"):
        raise ValueError(f"combine must be 'sum' or 'max', not {combine!r}")
    ids, values = _read_matrix(path)
    for i, raw in enumerate(ids):
        if not raw.isdigit():
            raise InputFileError(str(path), f"actor id {raw!r} is not a number", row=i + 2)
    labels: list[Hashable] = [f"N{int(v)}" for v in ids]
    G = _graph(labels, values, directed=directed, combine=combine)
    for label, raw in zip(labels, ids, strict=True):
        G.nodes[label]["actor"] = int(raw)
    G.graph.update(name=name, phase=phase, source=str(path))
    return G


def ucinet_csv(
    name: str,
    *,
    directed: bool | None = None,
    combine: Literal["sum", "max"] = "sum",
) -> nx.Graph:
    """A network from a UCINET adjacency CSV of the shared data (see :data:`UCINET_NETWORKS`).

    Parameters
    ----------
    name : str
        ``siren``, ``togo``, ``cielnet``, ``london_gang``, ``italian_gangs``,
        ``montreal_gangs``, ``natarajan_cocaine``, ``natarajan_heroin``,
        ``oversize`` or ``french_connection``.
    directed : bool or None
        None: directed exactly when the matrix is not symmetric.
    combine : {"sum", "max"}
        How the two directions of an asymmetric matrix merge when
        ``directed=False``. A symmetric matrix stores each undirected tie
        twice and loads with its cell values as they are.

    Returns
    -------
    networkx.Graph or networkx.DiGraph
        Nodes are the labels of the file (as strings), isolates included;
        ``weight`` is the cell value.

    Examples
    --------
    >>> G = ucinet_csv("siren")
    >>> G.number_of_nodes(), G.number_of_edges(), G.is_directed()
    (44, 103, False)
    >>> M = ucinet_csv("montreal_gangs")
    >>> M.is_directed(), nx.number_of_isolates(M)
    (True, 2)
    """
    if name not in UCINET_NETWORKS:
        raise ValueError(f"unknown network {name!r}; choose one of {', '.join(UCINET_NETWORKS)}")
    if combine not in ("sum", "max"):
        raise ValueError(f"combine must be 'sum' or 'max', not {combine!r}")
    folder, filename, description = UCINET_NETWORKS[name]
    path = _file(folder, filename)
    labels, values = _read_matrix(path)
    symmetric = bool(np.array_equal(values, values.T))
    G = _graph(
        list(labels),
        values,
        directed=(not symmetric) if directed is None else directed,
        combine=combine,
    )
    G.graph.update(name=description, source=str(path), symmetric_matrix=symmetric)
    return G


def noordin_top(layer: str) -> nx.Graph:
    """One layer of the Noordin Top terrorist network (Roberts & Everton 2011).

    The four-layer multiplex of Battiston, Nicosia & Latora (2014): undirected, unweighted
    edge lists over 78 actors numbered ``"0"`` to ``"77"`` (no names); a layer holds only
    the actors it links. Read with the ingest's edge-list reader
    (:func:`netintel.ingest.networks.read_edge_list`).

    Parameters
    ----------
    layer : {"communication", "financial", "operational", "trust"}

    Examples
    --------
    >>> [noordin_top(k).number_of_edges() for k in NOORDIN_LAYERS]
    [200, 15, 437, 259]
    >>> noordin_top("financial").number_of_nodes()
    13
    """
    from netintel.ingest.networks import read_edge_list

    if layer not in NOORDIN_LAYERS:
        raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(NOORDIN_LAYERS)}")
    path = _file("noordin_top/multiplex_4layer", NOORDIN_LAYERS[layer])
    net = read_edge_list(path)
    if net.parse_rejects:
        row, _, reason = net.parse_rejects[0]
        raise InputFileError(str(path), reason, row=row)
    G = nx.Graph()
    G.add_edges_from(zip(net.frame["from_id"], net.frame["to_id"], strict=True))
    G.graph.update(name=f"Noordin Top ({layer})", layer=layer, source=str(path))
    return G


def football() -> nx.Graph:
    """US college football 2000 (Girvan & Newman 2002): 115 teams, 613 games.

    Node names are the team names; node attribute ``value`` is the conference
    (0-11), the planted ground truth.

    >>> football().nodes["BrighamYoung"]["value"]
    7
    """
    path = _file("football", "football.gml")
    G = nx.read_gml(path, label="label")
    G.graph.update(name="US college football 2000", source=str(path))
    return G


_UNQUOTED = re.compile(r"(?m)^(\s*[A-Za-z_]\w*\s+)([A-Za-z_][^\s\"\[\]]*)\s*$")
_GML_KEYWORDS = frozenset({"graph", "node", "edge"})


def _quote_gml_values(text: str) -> str:
    """Quote bare-word values (``value c`` -> ``value "c"``) so networkx can parse them."""

    def fix(match: re.Match[str]) -> str:
        key, word = match.group(1), match.group(2)
        if key.strip() in _GML_KEYWORDS:
            return match.group(0)
        return f'{key}"{word}"'

    return _UNQUOTED.sub(fix, text)


def polbooks() -> nx.Graph:
    """Books about US politics (Krebs; Newman 2006): 105 books, 441 co-purchase links.

    Node names are the titles; node attribute ``value`` is the unquoted label
    of the file (``"a"`` 43 books, ``"b"`` 49, ``"c"`` 13), kept as is.

    >>> G = polbooks()
    >>> G.number_of_nodes(), G.number_of_edges(), G.nodes["1000 Years for Revenge"]["value"]
    (105, 441, 'c')
    """
    path = _file("polbooks", "polbooks.gml")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputFileError(str(path), f"not UTF-8 text: {exc}") from None
    G = nx.parse_gml(_quote_gml_values(text), label="label")
    G.graph.update(name="US political books", source=str(path))
    return G


def ground_truth_partition(G: nx.Graph, attr: str) -> list[frozenset[Hashable]]:
    """The partition of ``G`` by the value of node attribute ``attr``.

    Communities are sorted like :class:`netintel.algorithms.Communities`
    (largest first, then by smallest node), so the result compares directly
    with a detected partition (:func:`netintel.algorithms.nmi`).

    Parameters
    ----------
    G : networkx graph
        The graph; every node must have ``attr``.
    attr : str
        The node attribute naming each node's community.

    Returns
    -------
    list of frozenset
        The communities, largest first.

    Raises
    ------
    ValueError
        If some node lacks ``attr`` (the message names one).

    Examples
    --------
    >>> G = nx.Graph([(1, 2), (3, 4)])
    >>> nx.set_node_attributes(G, {1: "x", 2: "x", 3: "y", 4: "x"}, "gang")
    >>> ground_truth_partition(G, "gang")
    [frozenset({1, 2, 4}), frozenset({3})]
    """
    from netintel.algorithms.results import canonical_nodes

    groups: dict[Hashable, list[Hashable]] = {}
    missing = []
    for v, data in G.nodes(data=True):
        if attr not in data:
            missing.append(v)
            continue
        value = data[attr]
        key = tuple(value) if isinstance(value, list) else value
        groups.setdefault(key, []).append(v)
    if missing:
        raise ValueError(f"{len(missing)} node(s) have no {attr!r} attribute, e.g. {missing[0]!r}")
    order = {v: i for i, v in enumerate(canonical_nodes(G.nodes))}
    parts = [frozenset(members) for members in groups.values()]
    parts.sort(key=lambda c: (-len(c), min(order[v] for v in c)))
    return parts

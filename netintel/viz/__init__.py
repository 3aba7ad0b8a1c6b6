"""Interactive network maps that work offline, at scale, and protect victims.

* :func:`network_map` writes one self-contained HTML file (vis-network inlined,
  no CDN, no web fonts); :func:`map_html` returns the page as text;
  :func:`notebook_view` and :func:`show` display it inline in Jupyter;
  :func:`to_pyvis` gives the same view as a ``pyvis.network.Network``.
* Styles come from the schema (:mod:`netintel.viz.style`): shape per node label,
  colour per relationship type; node colour per community, size by a score,
  line width by weight; a legend; tooltips with key facts and the records behind
  each edge; search by name or id, filters by community and node type.
* Positions are computed in Python (:func:`layout`; ``layout="hierarchical"`` left to
  right in time for transfers, ``"boxes"`` a box per community; see ``docs/maps.md``)
  and physics is off, so large maps draw at once; above ``max_nodes`` the map opens on
  an overview with one node per community, each opening its own drill-down map.
* :func:`network_for_map` reads the network a map or an export draws (a
  projection, its communities and a key-player score) from Neo4j.
* ``redact=True`` (or a :class:`Redaction`) replaces names, phone numbers and
  ids of people with stable pseudonyms and hides victims' details.

>>> import networkx as nx
>>> page = map_html(nx.path_graph(3), title="three")
>>> remote_references(page), "vis.Network" in page
([], True)
"""

from netintel.viz.layout import LAYOUT_ENGINES, layout, layout_arrays
from netintel.viz.maps import (
    DEFAULT_MAX_NODES,
    map_html,
    network_map,
    notebook_view,
    show,
    to_pyvis,
)
from netintel.viz.model import EdgeView, GraphView, NodeView, describe
from netintel.viz.network import MAP_COMMUNITY_ALGORITHMS, MapNetwork, network_for_map
from netintel.viz.page import CSP, remote_references
from netintel.viz.redact import PROTECTED_ROLES, Redaction
from netintel.viz.style import EDGE_STYLES, NODE_STYLES, community_color, edge_style, node_style

__all__ = [
    "CSP",
    "DEFAULT_MAX_NODES",
    "EDGE_STYLES",
    "LAYOUT_ENGINES",
    "MAP_COMMUNITY_ALGORITHMS",
    "NODE_STYLES",
    "PROTECTED_ROLES",
    "EdgeView",
    "GraphView",
    "MapNetwork",
    "NodeView",
    "Redaction",
    "community_color",
    "describe",
    "edge_style",
    "layout",
    "layout_arrays",
    "map_html",
    "network_for_map",
    "network_map",
    "node_style",
    "notebook_view",
    "remote_references",
    "show",
    "to_pyvis",
]

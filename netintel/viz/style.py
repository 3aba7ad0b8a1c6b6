"""Map styles derived from the domain schema.

Every node label in :data:`netintel.schema.NODES` has a :class:`NodeStyle`
(a vis-network shape, a matplotlib marker and a colour) and every relationship
type in :data:`netintel.schema.RELATIONSHIPS` an :class:`EdgeStyle`; labels and
types that are not in the schema (projection layers, a user's own graphs) get a
stable fallback. Only shapes vis-network draws itself are used: no icon fonts,
which would have to be fetched.

>>> node_style("Phone").shape
'square'
>>> edge_style("CALLED").color
'#1f77b4'
>>> node_style("Spaceship") == OTHER_NODE
True
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np

from netintel.schema import NODES, RELATIONSHIPS

__all__ = [
    "COMMUNITY_PALETTE",
    "EDGE_STYLES",
    "INFERRED_SUFFIX",
    "NODE_SIZE",
    "NODE_STYLES",
    "OTHER_NODE",
    "EdgeStyle",
    "NodeStyle",
    "community_color",
    "edge_style",
    "node_style",
    "scaled",
]


@dataclass(frozen=True)
class NodeStyle:
    """How one node label is drawn: vis-network ``shape``, matplotlib ``marker``, ``color``."""

    shape: str
    marker: str
    color: str


@dataclass(frozen=True)
class EdgeStyle:
    """How one relationship type is drawn: ``color`` and whether the line is ``dashed``."""

    color: str
    dashed: bool = False


#: One style per node label of the schema (a test checks that none is missing).
NODE_STYLES: dict[str, NodeStyle] = {
    "Person": NodeStyle("dot", "o", "#4c72b0"),
    "Phone": NodeStyle("square", "s", "#55a868"),
    "Location": NodeStyle("triangle", "^", "#c44e52"),
    "Case": NodeStyle("star", "*", "#8172b2"),
    "Transfer": NodeStyle("diamond", "D", "#ccb974"),
    "Sample": NodeStyle("triangleDown", "v", "#64b5cd"),
}

#: Style of nodes whose label is unknown or missing.
OTHER_NODE = NodeStyle("hexagon", "h", "#7f7f7f")

#: One style per relationship type of the schema (a test checks that none is missing).
EDGE_STYLES: dict[str, EdgeStyle] = {
    "CALLED": EdgeStyle("#1f77b4"),
    "USES": EdgeStyle("#2ca02c"),
    "SUSPECT_IN": EdgeStyle("#9467bd"),
    "VICTIM_IN": EdgeStyle("#d62728"),
    "REPORTED": EdgeStyle("#e377c2", dashed=True),
    "SEEN_AT": EdgeStyle("#ff7f0e"),
    "OCCURRED_AT": EdgeStyle("#8c564b", dashed=True),
    "OF": EdgeStyle("#d62728", dashed=True),
    "FROM": EdgeStyle("#7f3c8d"),
    "TO": EdgeStyle("#11a579"),
    "AT": EdgeStyle("#bcbd22", dashed=True),
    "PART_OF": EdgeStyle("#8c564b"),
    "RELATIVE_OF": EdgeStyle("#f2b701"),
    "GAVE": EdgeStyle("#17becf", dashed=True),
    "MATCHES": EdgeStyle("#e73f74"),
    "SAME_AS": EdgeStyle("#3969ac", dashed=True),
    "TIE": EdgeStyle("#525252"),
}

#: Twenty distinguishable colours for the largest communities.
COMMUNITY_PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#9edae5",
    "#dbdb8d",
    "#393b79",
)

_GOLDEN = 0.618033988749895


def _hsl(index: int, saturation: float = 0.55, lightness: float = 0.55) -> str:
    hue = (index * _GOLDEN) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def community_color(index: int) -> str:
    """Colour of community ``index`` (0 = largest): the palette, then golden-angle hues.

    Parameters
    ----------
    index : int
        The community's index, >= 0.

    Returns
    -------
    str
        A ``#rrggbb`` colour.

    Raises
    ------
    ValueError
        When ``index`` is negative.

    Examples
    --------
    >>> community_color(0), community_color(20) == community_color(20)
    ('#1f77b4', True)
    """
    if index < 0:
        raise ValueError(f"community index must be >= 0, not {index}")
    if index < len(COMMUNITY_PALETTE):
        return COMMUNITY_PALETTE[index]
    return _hsl(index)


def node_style(label: str | None) -> NodeStyle:
    """The style of node label ``label`` (:data:`OTHER_NODE` when not in the schema).

    Parameters
    ----------
    label : str or None
        A schema node label.

    Returns
    -------
    NodeStyle
        The label's style.
    """
    if label is None:
        return OTHER_NODE
    return NODE_STYLES.get(label, OTHER_NODE)


#: Suffix of the edge types of inferred links (an edge with ``inferred=True``): drawn dashed,
#: in the colour of the type they would have if recorded.
INFERRED_SUFFIX = " (inferred)"


def edge_style(rel_type: str | None) -> EdgeStyle:
    """The style of relationship type ``rel_type``; other types get a stable hashed colour.

    A type ending in :data:`INFERRED_SUFFIX` is drawn dashed in its base type's colour.

    Parameters
    ----------
    rel_type : str or None
        A relationship type.

    Returns
    -------
    EdgeStyle
        The type's style.

    Examples
    --------
    >>> edge_style("TO (inferred)") == EdgeStyle(edge_style("TO").color, dashed=True)
    True
    """
    if rel_type is None:
        return EdgeStyle("#9a9a9a")
    if rel_type.endswith(INFERRED_SUFFIX):
        return EdgeStyle(edge_style(rel_type.removesuffix(INFERRED_SUFFIX)).color, dashed=True)
    if rel_type in EDGE_STYLES:
        return EDGE_STYLES[rel_type]
    code = sum((i + 1) * ord(ch) for i, ch in enumerate(rel_type))
    return EdgeStyle(_hsl(code, 0.45, 0.45))


def _unstyled() -> tuple[set[str], set[str]]:
    """Schema labels and relationship types without a style (should both be empty)."""
    return set(NODES) - set(NODE_STYLES), set(RELATIONSHIPS) - set(EDGE_STYLES)


#: Node sizes (vis-network pixels) on maps, and in GraphML/GEXF exports: smallest and largest
#: score, and the size of every node when there is no score.
NODE_SIZE: tuple[float, float, float] = (8.0, 36.0, 14.0)


def scaled(values: np.ndarray, low: float, high: float, default: float) -> np.ndarray:
    """Square-root scaling of ``values`` onto ``[low, high]`` (NaN -> ``default``).

    The smallest value gets ``low``, the largest ``high``; all equal: the middle.

    Parameters
    ----------
    values : numpy.ndarray
        The values (NaN for missing).
    low, high : float
        The range to scale onto.
    default : float
        The result for NaN values.

    Returns
    -------
    numpy.ndarray
        The scaled values.

    Examples
    --------
    >>> scaled(np.array([0.0, 0.25, 1.0, np.nan]), 8, 36, 14).tolist()
    [8.0, 22.0, 36.0, 14.0]
    """
    out = np.full(len(values), default, dtype=float)
    ok = ~np.isnan(values)
    if not ok.any():
        return out
    lo, hi = float(values[ok].min()), float(values[ok].max())
    if hi > lo:
        out[ok] = low + (high - low) * np.sqrt((values[ok] - lo) / (hi - lo))
    else:
        out[ok] = (low + high) / 2
    return out

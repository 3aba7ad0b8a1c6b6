"""Interactive network maps (pyvis) that open with no network access.

pyvis inlines vis-network with ``cdn_resources="in_line"`` but its template still
links Bootstrap from a CDN and vis from ``../node_modules``; :func:`network_map`
removes those references, so the file is self-contained.
"""

from __future__ import annotations

import html
import re
from collections.abc import Hashable, Mapping
from pathlib import Path

import networkx as nx

__all__ = ["network_map", "remote_references"]

_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
_REMOTE_TAG = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"'](?:https?:|//|\.\./)[^\"']*[\"'][^>]*>"
    r"(?:\s*</script>)?",
    re.IGNORECASE,
)
_ATTR = re.compile(r"\b(?:src|href)\s*=\s*[\"']((?:https?:|//|\.\./)[^\"']*)[\"']", re.I)


def remote_references(text: str) -> list[str]:
    """Every ``src``/``href`` in ``text`` that points off the page (should be empty)."""
    return _ATTR.findall(text)


def network_map(
    G: nx.Graph,
    path: str | Path,
    *,
    title: str = "netintel map",
    groups: Mapping[Hashable, int] | None = None,
    weight: str = "weight",
    highlight: Hashable | None = None,
    height: str = "760px",
) -> Path:
    """Write ``G`` as one self-contained HTML file and return its path.

    ``groups`` colours nodes (e.g. community per node); edge width follows ``weight``;
    node and edge attributes become tooltips.
    """
    from pyvis.network import Network

    net = Network(
        height=height,
        width="100%",
        directed=G.is_directed(),
        cdn_resources="in_line",
        notebook=False,
        heading=html.escape(title),
    )
    for node, data in G.nodes(data=True):
        group = groups.get(node) if groups else None
        color = (
            "#d62728"
            if node == highlight
            else (_PALETTE[group % len(_PALETTE)] if group is not None else "#1f77b4")
        )
        tip = "<br>".join(
            f"{html.escape(str(k))}: {html.escape(str(v))}" for k, v in {"id": node, **data}.items()
        )
        net.add_node(str(node), label=str(data.get("label", node)), title=tip, color=color)
    for u, v, data in G.edges(data=True):
        tip = ", ".join(f"{k}: {v_}" for k, v_ in data.items())
        net.add_edge(str(u), str(v), value=float(data.get(weight, 1)), title=tip)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = _REMOTE_TAG.sub("", net.generate_html(notebook=False))
    out.write_text(text, encoding="utf-8")
    return out

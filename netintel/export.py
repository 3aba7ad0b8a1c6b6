"""Exports of a network and its analysis results: GraphML, GEXF, CSV, Excel, PNG/SVG.

Every exporter shares one interface: ``write(G, communities=..., size_by=...,
results=...)`` adds a graph (and result tables), ``finalize()`` writes the files
and returns their paths. :func:`export` picks the exporter from the file name.
All of them start from :func:`netintel.viz.describe`, so names, communities,
scores, pseudonyms and times are the same as on the interactive map, and all of
them take ``redact=`` (see :class:`netintel.viz.Redaction`) and ``tz=``: times
(stored UTC) are written as ISO 8601 local time with the offset, and every table
row that holds a time has a ``timezone`` column naming the zone (GraphML and GEXF:
a graph attribute ``timezone``).

* :class:`GraphMLExporter`, :class:`GEXFExporter`: for Gephi, yEd, Cytoscape;
  node attributes ``label`` (display name), ``node_type``, ``community``, the
  score, the node's facts, a layout position and the map's node size
  (:func:`node_sizes`: ``size`` in GraphML, ``viz:size`` in GEXF); edge attributes ``rel_type``,
  ``weight``, ``record_count`` and ``records`` (JSON). Values are converted to
  types the formats accept (lists joined with ``|``, mappings as JSON, dates as
  ISO text, missing values left out, one type per attribute).
* :class:`CSVExporter` (a folder, UTF-8 with a byte-order mark for Excel unless
  ``encoding="utf-8"``) and :class:`ExcelExporter` (one workbook):
  tables ``nodes``, ``edges``, ``records`` (one row per record behind an edge)
  and one per result (``Communities``, ``KeyPlayers``, any DataFrame). In
  Excel every text cell is stored as text, so a value such as ``=HYPERLINK(...)``
  from a source spreadsheet is never run as a formula.
* :class:`PictureExporter`: a static PNG, SVG or PDF (matplotlib, Agg) in the
  map's styles, for reports; Chinese names in an installed CJK font
  (:mod:`netintel.viz.fonts`).

>>> import networkx as nx, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "k.graphml"
>>> [p.name for p in export(nx.path_graph(3), out)]
['k.graphml']
>>> sorted(nx.read_graphml(out).nodes["1"])
['b', 'g', 'label', 'r', 'size', 'x', 'y']
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import re
import warnings
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Hashable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import networkx as nx
import numpy as np
import pandas as pd

from netintel.localtime import is_time
from netintel.outfiles import atomic_path, write_csv
from netintel.viz.fonts import cjk_font, cjk_rc
from netintel.viz.layout import layout_arrays
from netintel.viz.model import RECORD_TIME_KEYS, EdgeView, GraphView, describe
from netintel.viz.redact import Redaction
from netintel.viz.style import NODE_SIZE, edge_style, node_style, scaled

__all__ = [
    "CSV_ENCODINGS",
    "EXPORTERS",
    "CSVExporter",
    "ExcelExporter",
    "Exporter",
    "GEXFExporter",
    "GraphMLExporter",
    "PictureExporter",
    "export",
    "exporter_for",
    "format_value",
    "node_sizes",
]

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
_EXCEL_ROWS = 1_048_576
_EXCEL_CELL = 32_767
#: Result columns that hold nodes even when the nodes are numbers.
_NODE_COLUMNS = frozenset({"node", "u", "v", "source", "target", "person", "member", "id"})
#: Attribute names GEXF (as networkx writes it) gives a meaning of its own.
_GEXF_RESERVED = frozenset(
    {"id", "label", "pid", "start", "end", "viz", "parents", "slices", "spells", "weight", "type"}
)


def format_value(value: Any) -> str | int | float | bool | None:
    """``value`` as a type GraphML, GEXF and spreadsheets accept (None: leave it out).

    Parameters
    ----------
    value : object
        An attribute value (lists, dicts, dates, numpy scalars, missing values, ...).

    Returns
    -------
    str, int, float, bool or None
        Lists joined with ``|``, mappings as JSON, dates as ISO text, numpy scalars as
        Python numbers; None for a missing value.

    Examples
    --------
    >>> format_value(["suspect", "buyer"]), format_value({"a": 1}), format_value(float("nan"))
    ('suspect|buyer', '{"a": 1}', None)
    >>> format_value(dt.date(2024, 5, 1)), format_value(np.int64(3))
    ('2024-05-01', 3)
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        number = int(value)
        return number if -(2**63) <= number < 2**63 else str(number)
    if isinstance(value, numbers.Real):
        real = float(value)
        return None if math.isnan(real) else real
    if isinstance(value, str):
        return _XML_ILLEGAL.sub("", value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return str(value.iso_format())
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = list(value)
        if all(isinstance(v, str | numbers.Number) and not isinstance(v, bool) for v in items):
            return _XML_ILLEGAL.sub("", "|".join(str(format_value(v)) for v in items))
        return _XML_ILLEGAL.sub("", json.dumps(_jsonable(items), ensure_ascii=False))
    if isinstance(value, Mapping):
        return _XML_ILLEGAL.sub("", json.dumps(_jsonable(value), ensure_ascii=False))
    return _XML_ILLEGAL.sub("", str(value))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [_jsonable(v) for v in value]
    formatted = format_value(value)
    return formatted


def _unify(rows: list[dict[str, Any]]) -> None:
    """One type per attribute: int+float -> float, anything else mixed -> text."""
    kinds: dict[str, set[type]] = {}
    for row in rows:
        for k, v in row.items():
            kinds.setdefault(k, set()).add(type(v))
    for k, seen in kinds.items():
        if len(seen) < 2:
            continue
        to: type = float if seen <= {int, float} else str
        for row in rows:
            if k in row:
                v = row[k]
                row[k] = (str(v).lower() if isinstance(v, bool) else str(v)) if to is str else to(v)


def _zone_column(row: dict[str, Any], view: GraphView) -> None:
    """Name the zone of the row's times in a ``timezone`` column (rows without times: none)."""
    if "timezone" not in row and any(is_time(v) for v in row.values()):
        row["timezone"] = view.timezone


def _table_row(row: dict[str, Any], facts: Mapping[str, Any], view: GraphView) -> dict[str, Any]:
    """``row`` completed with the ``facts`` it lacks and the zone of its times, its values
    converted by :func:`format_value` (missing ones left out)."""
    for k, v in facts.items():
        row.setdefault(k, v)
    _zone_column(row, view)
    return {k: f for k, v in row.items() if (f := format_value(v)) is not None}


def _hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


class Exporter(ABC):
    """Collects graphs with :meth:`write`; :meth:`finalize` writes the files.

    Parameters
    ----------
    path : path
        Where to write (a file, or a folder for :class:`CSVExporter`).
    redact : bool or Redaction
        Pseudonyms for people, phones and samples; protected people's details hidden.
    mapping_path : path, optional
        Where the pseudonym mapping goes (default ``<name>.pseudonyms.csv`` beside ``path``).
    weight, type_attr, name_attr, rel_attr, default_type
        As for :func:`netintel.viz.describe`.
    seed : int
        Seed of the layout positions written with the graph.
    tz : str, optional
        Time zone times are written in (default: the graph attribute ``timezone``,
        else UTC); a case's zone: :func:`netintel.investigate.case_timezone`.
    """

    suffixes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        path: str | Path,
        *,
        redact: bool | Redaction = False,
        mapping_path: str | Path | None = None,
        weight: str | None = "weight",
        type_attr: str = "label",
        name_attr: str = "name",
        rel_attr: str = "type",
        default_type: str | None = None,
        seed: int = 0,
        tz: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.tz = tz
        if isinstance(redact, Redaction):
            self.redaction: Redaction | None = redact
        else:
            self.redaction = Redaction() if redact else None
        self.mapping_path = Path(mapping_path) if mapping_path is not None else None
        self.weight = weight
        self.type_attr = type_attr
        self.name_attr = name_attr
        self.rel_attr = rel_attr
        self.default_type = default_type
        self.seed = seed
        self.views: list[GraphView] = []
        self.results: dict[str, pd.DataFrame] = {}
        self._ids: dict[Hashable, str] = {}
        self._finalized = False

    def write(
        self,
        G: nx.Graph,
        *,
        communities: Any = None,
        size_by: Any = None,
        results: Mapping[str, Any] | None = None,
    ) -> None:
        """Add ``G`` (with its communities, score and result tables) to the export."""
        if self._finalized:
            raise RuntimeError("this exporter has been finalized")
        view = describe(
            G,
            communities=communities,
            size_by=size_by,
            weight=self.weight,
            type_attr=self.type_attr,
            name_attr=self.name_attr,
            rel_attr=self.rel_attr,
            default_type=self.default_type,
            redaction=self.redaction,
            tz=self.tz,
        )
        self.views.append(view)
        self._ids.update({n.node: n.id for n in view.nodes})
        for name, result in (results or {}).items():
            self.results[name] = self._result_frame(result)

    def finalize(self) -> list[Path]:
        """Write the files; returns their paths (the pseudonym mapping last, when redacted)."""
        if self._finalized:
            raise RuntimeError("this exporter has been finalized")
        if not self.views:
            raise ValueError("nothing to export: call write() first")
        self._finalized = True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        paths = self._write_files()
        if self.redaction is not None:
            target = self.mapping_path or self.redaction.mapping_path
            if target is None:
                target = self.path.with_name(self.path.name.split(".")[0] + ".pseudonyms.csv")
            paths.append(self.redaction.write_mapping(target))
        return paths

    @abstractmethod
    def _write_files(self) -> list[Path]:
        """Write the export itself."""

    # ----------------------------------------------------------------- helpers

    def _result_frame(self, result: Any) -> pd.DataFrame:
        """A result as a table whose node columns show the same ids as the graph."""
        if isinstance(result, pd.DataFrame):
            frame = result.copy()
        elif hasattr(result, "to_frame"):
            frame = result.to_frame()
        elif isinstance(getattr(result, "table", None), pd.DataFrame):
            frame = result.table.copy()
        elif isinstance(result, pd.Series):
            frame = result.to_frame()
        else:
            raise ValueError(f"cannot tabulate a result of type {type(result).__name__}")
        if frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex):
            frame = frame.reset_index()
        for col in frame.columns:
            values = frame[col].tolist()
            named = str(col).lower() in _NODE_COLUMNS
            textual = not pd.api.types.is_numeric_dtype(frame[col])
            if (named or textual) and any(self._is_node(v) for v in values):
                frame[col] = [self._shown(v) for v in values]
        return frame

    def _is_node(self, value: Any) -> bool:
        try:
            return value in self._ids
        except TypeError:  # unhashable cell
            return False

    def _shown(self, value: Any) -> Any:
        try:
            return self._ids.get(value, value)
        except TypeError:  # unhashable cell
            return value

    def node_rows(self) -> list[dict[str, Any]]:
        """One dict per node: id, label, node_type, community, score, degree, facts."""
        rows = []
        for view in self.views:
            degree = Counter([e.u for e in view.edges] + [e.v for e in view.edges])
            for i, n in enumerate(view.nodes):
                row: dict[str, Any] = {
                    "id": n.id,
                    "label": n.name,
                    "node_type": n.type,
                    "community": n.community,
                }
                if view.score_name is not None:
                    row[view.score_name] = n.score
                row["degree"] = degree[i]
                rows.append(_table_row(row, n.facts, view))
        return rows

    def _edges(self) -> Iterator[tuple[GraphView, EdgeView, str, str]]:
        """Every edge of every view, with the ids of the nodes at its two ends."""
        for view in self.views:
            for e in view.edges:
                yield view, e, view.nodes[e.u].id, view.nodes[e.v].id

    def edge_rows(self) -> list[dict[str, Any]]:
        """One dict per edge: source, target, rel_type, weight, record_count, records, facts."""
        rows = []
        for view, e, source, target in self._edges():
            row: dict[str, Any] = {
                "source": source,
                "target": target,
                "rel_type": e.type,
                "weight": e.weight,
                "record_count": e.record_count,
            }
            if e.records:
                row["records"] = json.dumps(_jsonable(list(e.records)), ensure_ascii=False)
            rows.append(_table_row(row, e.facts, view))
        return rows

    def record_rows(self) -> list[dict[str, Any]]:
        """One dict per record behind an edge (source, row, run, time), with its edge."""
        return [
            _table_row(
                {"edge_source": source, "edge_target": target, "rel_type": e.type, **rec}, {}, view
            )
            for view, e, source, target in self._edges()
            for rec in e.records
        ]

    def positions(self, view: GraphView) -> np.ndarray:
        """Layout positions (pixels) of ``view``'s nodes, as on the map."""
        src = np.array([e.u for e in view.edges], dtype=np.int64)
        dst = np.array([e.v for e in view.edges], dtype=np.int64)
        return layout_arrays(len(view.nodes), src, dst, seed=self.seed)


def node_sizes(view: GraphView) -> np.ndarray:
    """Each node's size as the map draws it: :data:`~netintel.viz.style.NODE_SIZE` by score.

    Parameters
    ----------
    view : GraphView
        The view of the graph (:func:`netintel.viz.model.describe`).

    Returns
    -------
    numpy.ndarray
        One size per node of the view, in its order.

    Examples
    --------
    >>> G = nx.path_graph(3)
    >>> node_sizes(describe(G, size_by="degree")).tolist()
    [8.0, 36.0, 8.0]
    >>> node_sizes(describe(G)).tolist()
    [14.0, 14.0, 14.0]
    """
    scores = np.array([np.nan if n.score is None else n.score for n in view.nodes], dtype=float)
    return scaled(scores, *NODE_SIZE).round(2)


class _GraphFileExporter(Exporter):
    """GraphML and GEXF: one graph, attributes converted to accepted types."""

    reserved: ClassVar[frozenset[str]] = frozenset()

    def _safe(self, key: str) -> str:
        return f"{key}_" if key in self.reserved else key

    def graph(self) -> nx.Graph:
        """The export as a networkx graph with format-safe attributes."""
        directed = any(v.directed for v in self.views)
        multi = len(self.views) > 1
        H: nx.Graph
        if directed:
            H = nx.MultiDiGraph() if multi else nx.DiGraph()
        else:
            H = nx.MultiGraph() if multi else nx.Graph()
        node_rows, edge_rows = [], []
        for view in self.views:
            pos = self.positions(view)
            sizes = node_sizes(view)
            for i, n in enumerate(view.nodes):
                color = (
                    view.color_of(n.community)
                    if n.community is not None
                    else node_style(n.type).color
                )
                row: dict[str, Any] = {
                    "label": n.name,
                    "node_type": n.type,
                    "community": n.community,
                }
                if view.score_name is not None:
                    row[self._score_key(view.score_name)] = n.score
                for k, v in n.facts.items():
                    key = self._safe(k)
                    if key not in row:
                        row[key] = v
                row = {k: f for k, v in row.items() if (f := format_value(v)) is not None}
                row["_pos"] = (float(pos[i, 0]), float(pos[i, 1]), color, float(sizes[i]))
                node_rows.append((n.id, row))
            for e in view.edges:
                erow: dict[str, Any] = {
                    "rel_type": e.type,
                    "weight": e.weight,
                    "record_count": e.record_count,
                    "records": json.dumps(_jsonable(list(e.records)), ensure_ascii=False)
                    if e.records
                    else None,
                }
                for k, v in e.facts.items():
                    key = self._safe(k)
                    if key not in erow:
                        erow[key] = v
                erow = {k: f for k, v in erow.items() if (f := format_value(v)) is not None}
                edge_rows.append((view.nodes[e.u].id, view.nodes[e.v].id, erow))
        _unify([r for _, r in node_rows])
        _unify([r for _, _, r in edge_rows])
        for node_id, row in node_rows:
            x, y, color, size = row.pop("_pos")
            H.add_node(node_id, **row)
            self._place(H.nodes[node_id], x, y, color, size)
        for u, v, erow in edge_rows:
            H.add_edge(u, v, **erow)
        H.graph["timezone"] = self.views[0].timezone
        return H

    def _score_key(self, name: str) -> str:
        return self._safe(name if name not in ("label", "node_type", "community") else f"{name}_")

    def _place(self, attrs: dict[str, Any], x: float, y: float, color: str, size: float) -> None:
        attrs["x"] = round(x, 2)
        attrs["y"] = round(y, 2)
        attrs["size"] = size


class GraphMLExporter(_GraphFileExporter):
    """GraphML (``.graphml``): attributes ``x``, ``y``, ``size``, ``r``, ``g``, ``b`` for Gephi."""

    suffixes = (".graphml",)

    def _place(self, attrs: dict[str, Any], x: float, y: float, color: str, size: float) -> None:
        super()._place(attrs, x, y, color, size)
        attrs["r"], attrs["g"], attrs["b"] = _hex_rgb(color)

    def _write_files(self) -> list[Path]:
        with atomic_path(self.path) as tmp:
            nx.write_graphml(self.graph(), tmp, encoding="utf-8")
        return [self.path]


class GEXFExporter(GraphMLExporter):
    """GEXF 1.2 (``.gexf``): with Gephi's ``viz`` position, size and colour."""

    suffixes = (".gexf",)
    reserved = _GEXF_RESERVED - {"label", "weight"}

    def _place(self, attrs: dict[str, Any], x: float, y: float, color: str, size: float) -> None:
        r, g, b = _hex_rgb(color)
        attrs["viz"] = {
            "position": {"x": round(x, 2), "y": round(-y, 2), "z": 0.0},
            "size": size,
            "color": {"r": r, "g": g, "b": b, "a": 1.0},
        }

    def _write_files(self) -> list[Path]:
        with atomic_path(self.path) as tmp:
            nx.write_gexf(self.graph(), tmp, encoding="utf-8", version="1.2draft")
        return [self.path]


def _frame(rows: list[dict[str, Any]], first: tuple[str, ...]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    cols = [c for c in first if c in frame.columns]
    cols += [c for c in frame.columns if c not in cols]
    return frame.reindex(columns=cols) if len(frame.columns) else pd.DataFrame(columns=list(first))


class _TableExporter(Exporter):
    """Tables nodes, edges, records and one per result."""

    def tables(self) -> dict[str, pd.DataFrame]:
        """The export's tables by name."""
        out = {
            "nodes": _frame(self.node_rows(), ("id", "label", "node_type", "community")),
            "edges": _frame(
                self.edge_rows(), ("source", "target", "rel_type", "weight", "record_count")
            ),
            "records": _frame(
                self.record_rows(),
                (
                    "edge_source",
                    "edge_target",
                    "rel_type",
                    "source",
                    "source_row",
                    "ingest_run",
                    *RECORD_TIME_KEYS,
                    "timezone",
                ),
            ),
        }
        for name, frame in self.results.items():
            key = name if name not in out else f"result_{name}"
            out[key] = frame
        return out


#: Encodings CSV tables can be written in: with a byte-order mark (Excel reads it as UTF-8;
#: without one it guesses the Windows code page and shows Chinese as mojibake), or plain.
CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8")


class CSVExporter(_TableExporter):
    """CSV tables in the folder ``path``: ``nodes.csv``, ``edges.csv``, ...

    ``encoding``: ``"utf-8-sig"`` (default: UTF-8 with a byte-order mark, so that Excel
    shows Chinese names) or ``"utf-8"`` (no mark, for tools that do not expect one).
    """

    suffixes = ("",)

    def __init__(self, path: str | Path, *, encoding: str = "utf-8-sig", **kw: Any) -> None:
        if encoding not in CSV_ENCODINGS:
            allowed = ", ".join(CSV_ENCODINGS)
            raise ValueError(f"encoding must be one of {allowed}, not {encoding!r}")
        super().__init__(path, **kw)
        self.encoding = encoding

    def _write_files(self) -> list[Path]:
        self.path.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, frame in self.tables().items():
            target = self.path / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.csv"
            write_csv(frame, target, encoding=self.encoding)
            paths.append(target)
        return paths

    def finalize(self) -> list[Path]:
        """Write the tables; the pseudonym mapping goes beside the folder, not into it."""
        if self.redaction is not None and self.mapping_path is None:
            self.mapping_path = self.path.with_name(self.path.name + ".pseudonyms.csv")
        return super().finalize()


class ExcelExporter(_TableExporter):
    """One Excel workbook (``.xlsx``), a sheet per table; text is always stored as text."""

    suffixes = (".xlsx",)

    def _write_files(self) -> list[Path]:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        wb = Workbook(write_only=True)
        used: set[str] = set()
        for name, frame in self.tables().items():
            chunk = _EXCEL_ROWS - 1
            for part, start in enumerate(range(0, max(len(frame), 1), chunk)):
                title = _SHEET_ILLEGAL.sub("_", name)[:28] + (f" {part + 1}" if part else "")
                while title in used:
                    title = title[:-1] + "_"
                used.add(title)
                ws = wb.create_sheet(title)
                ws.append([str(c) for c in frame.columns])
                for values in frame.iloc[start : start + chunk].itertuples(index=False):
                    row = []
                    for value in values:
                        v = format_value(value)
                        if isinstance(v, str):
                            cell = WriteOnlyCell(ws, value=v[:_EXCEL_CELL])
                            cell.data_type = "s"
                            row.append(cell)
                        else:
                            row.append(v)
                    ws.append(row)
        with atomic_path(self.path) as tmp:
            wb.save(tmp)
        return [self.path]


def _span(axis: np.ndarray, pos: np.ndarray) -> tuple[float, float]:
    """Limits of one picture axis: the nodes with a margin, and never a sliver.

    A chain laid out in a line has (almost) no height: with equal aspect the axes box would
    be a few pixels high and clip every marker. Each axis spans at least a third of the
    other's extent.

    >>> pos = np.array([[0.0, 0.0], [300.0, 0.0]])
    >>> _span(pos[:, 0], pos), _span(pos[:, 1], pos)
    ((-30.0, 330.0), (-80.0, 80.0))
    """
    if not len(axis):
        return -1.0, 1.0
    extent = float(np.ptp(pos, axis=0).max()) or 100.0
    lo, hi = float(axis.min()), float(axis.max())
    half = max((hi - lo) / 2 + 0.1 * extent, extent / 6 + 0.1 * extent)
    mid = (lo + hi) / 2
    return mid - half, mid + half


def _draw_edges(ax: Any, view: GraphView, pos: np.ndarray, LineCollection: Any) -> None:
    """The edges as lines in their type's colour, wider for a larger weight."""
    weights = np.array([e.weight for e in view.edges], dtype=float)
    if not len(weights):
        return
    lo, hi = float(weights.min()), float(weights.max())
    widths = 0.5 + 2.5 * np.sqrt((weights - lo) / (hi - lo)) if hi > lo else 0.8
    segs = np.array([[pos[e.u], pos[e.v]] for e in view.edges])
    colors = [edge_style(e.type).color for e in view.edges]
    ax.add_collection(
        LineCollection(list(segs), colors=colors, linewidths=widths, alpha=0.55, zorder=1)
    )


def _draw_nodes(
    ax: Any, view: GraphView, pos: np.ndarray, scores: np.ndarray, Line2D: Any
) -> list[Any]:
    """The nodes, one marker per type, coloured by community and sized by score; the
    legend's handles of the node types."""
    n = len(view.nodes)
    ok = ~np.isnan(scores)
    sizes = np.full(n, 40.0 if n < 500 else 12.0)
    if ok.any() and scores[ok].max() > scores[ok].min():
        lo, hi = scores[ok].min(), scores[ok].max()
        sizes[ok] = 15 + 300 * np.sqrt((scores[ok] - lo) / (hi - lo))
    fills = [
        view.color_of(v.community) if v.community is not None else node_style(v.type).color
        for v in view.nodes
    ]
    handles = []
    for t in view.types():
        idx = [i for i, v in enumerate(view.nodes) if v.type == t]
        style = node_style(t)
        ax.scatter(
            pos[idx, 0],
            pos[idx, 1],
            s=sizes[idx],
            c=[fills[i] for i in idx],
            marker=style.marker,
            edgecolors="#333333",
            linewidths=0.5,
            zorder=2,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker=style.marker,
                linestyle="",
                markerfacecolor="#ffffff" if view.community_sizes else style.color,
                markeredgecolor="#333333",
                markersize=8,
                label=t or "other",
            )
        )
    return handles


class PictureExporter(Exporter):
    """A static picture (``.png``, ``.svg``, ``.pdf``) in the map's styles, for reports.

    Extra options: ``title``, ``labels`` (how many of the highest-scoring nodes
    get a name; all when the graph is small), ``dpi``.
    """

    suffixes = (".png", ".svg", ".pdf")

    def __init__(
        self, path: str | Path, *, title: str = "", labels: int = 30, dpi: int = 150, **kw: Any
    ) -> None:
        super().__init__(path, **kw)
        self.title = title
        self.labels = labels
        self.dpi = dpi

    def _write_files(self) -> list[Path]:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection
        from matplotlib.lines import Line2D

        view = self.views[0] if len(self.views) == 1 else self._merged()
        texts = [self.title, *(v.name for v in view.nodes)]
        rc: Any = cjk_rc(texts)  # matplotlib's stubs want literal keys
        with plt.rc_context(rc), warnings.catch_warnings():
            if cjk_font() is None:  # cjk_rc warned once; not once per missing glyph
                warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from")
            self._draw(view, plt, LineCollection, Line2D)
        return [self.path]

    def _draw(self, view: GraphView, plt: Any, LineCollection: Any, Line2D: Any) -> None:
        n = len(view.nodes)
        pos = self.positions(view) * np.array([1.0, -1.0])
        side = float(np.clip(4 + np.sqrt(n) / 3, 6, 18))
        fig, ax = plt.subplots(figsize=(side * 1.3, side))
        try:
            _draw_edges(ax, view, pos, LineCollection)
            scores = np.array([np.nan if v.score is None else v.score for v in view.nodes])
            handles = _draw_nodes(ax, view, pos, scores, Line2D)
            for t in view.rel_types():
                line = edge_style(t)
                handles.append(Line2D([], [], color=line.color, lw=2, label=t or "link"))
            self._draw_labels(ax, view, pos, scores)
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
            ax.set_title(self._caption(view), fontsize=10)
            ax.set_xlim(*_span(pos[:, 0], pos))
            ax.set_ylim(*_span(pos[:, 1], pos))
            ax.set_aspect("equal")
            ax.axis("off")
            fig.tight_layout()
            self._save(fig)
        finally:
            plt.close(fig)

    def _draw_labels(self, ax: Any, view: GraphView, pos: np.ndarray, scores: np.ndarray) -> None:
        """Names beside the highest-scoring nodes (all of them in a small graph)."""
        n = len(view.nodes)
        ok = ~np.isnan(scores)
        rank = np.where(ok, scores, -np.inf) if ok.any() else np.zeros(n)
        order = np.lexsort((np.arange(n), -rank))
        shown = order if n <= 60 else order[: self.labels]
        for i in shown:
            ax.annotate(
                view.nodes[i].name[:30],
                pos[i],
                fontsize=7,
                xytext=(4, 4),
                textcoords="offset points",
                zorder=3,
            )

    def _caption(self, view: GraphView) -> str:
        """The title, and below it what colour, size and width show."""
        notes = []
        if view.community_sizes:
            notes.append(f"colour: community ({len(view.community_sizes)})")
        if view.score_name:
            notes.append(f"size: {view.score_name}")
        if self.weight:
            notes.append(f"width: {self.weight}")
        if view.redacted:
            notes.append("redacted: pseudonyms, protected people's details hidden")
        return self.title + ("\n" if self.title else "") + "; ".join(notes)

    def _save(self, fig: Any) -> None:
        kind = self.path.suffix.lower().lstrip(".")
        with atomic_path(self.path) as tmp:
            fig.savefig(
                tmp,
                format=kind,
                dpi=self.dpi,
                metadata={"Software": "netintel"} if kind == "png" else None,
            )

    def _merged(self) -> GraphView:
        nodes, edges, offset = [], [], 0
        for view in self.views:
            nodes += view.nodes
            edges += [
                type(e)(e.u + offset, e.v + offset, e.type, e.weight, e.records, e.facts)
                for e in view.edges
            ]
            offset += len(view.nodes)
        first = self.views[0]
        return GraphView(
            nodes,
            edges,
            first.directed,
            first.score_name,
            first.community_sizes,
            first.redacted,
            timezone=first.timezone,
            community_colors=first.community_colors,
        )


#: Exporter classes in the order :func:`exporter_for` tries them.
EXPORTERS: tuple[type[Exporter], ...] = (
    GraphMLExporter,
    GEXFExporter,
    ExcelExporter,
    PictureExporter,
    CSVExporter,
)


def exporter_for(path: str | Path, **options: Any) -> Exporter:
    """The exporter for ``path``'s suffix (no suffix: a folder of CSV tables).

    Parameters
    ----------
    path : str or pathlib.Path
        The export's target; its suffix picks the format.
    **options
        Keyword arguments of the exporter's class (``redact``, ``weight``, ``title``, ...).

    Returns
    -------
    Exporter
        An exporter of the class of :data:`EXPORTERS` that takes the suffix.

    Raises
    ------
    ValueError
        When no exporter takes the suffix.
    """
    suffix = Path(path).suffix.lower()
    for cls in EXPORTERS:
        if suffix in cls.suffixes:
            return cls(path, **options)
    known = sorted(s or "(folder)" for cls in EXPORTERS for s in cls.suffixes)
    raise ValueError(f"cannot export to {str(path)!r}: known suffixes {', '.join(known)}")


def export(
    G: nx.Graph,
    path: str | Path,
    *,
    communities: Any = None,
    size_by: Any = None,
    results: Mapping[str, Any] | None = None,
    **options: Any,
) -> list[Path]:
    """Export ``G`` to ``path`` (format from the suffix) and return the files written.

    ``options`` go to the exporter (``redact``, ``weight``, ``title``, ...).

    Parameters
    ----------
    G : networkx graph
        The network.
    path : str or pathlib.Path
        The target; its suffix picks the format (see :func:`exporter_for`).
    communities : Communities or mapping, optional
        The nodes' communities.
    size_by : mapping, Series, node attribute name or ``"degree"``, optional
        The score of each node.
    results : mapping of str to result, optional
        Result tables to add, by name.
    **options
        Keyword arguments of the exporter (see :func:`exporter_for`).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ValueError
        When no exporter takes the suffix of ``path``.
    """
    exporter = exporter_for(path, **options)
    exporter.write(G, communities=communities, size_by=size_by, results=results)
    return exporter.finalize()

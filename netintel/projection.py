"""Projections: networks read from Neo4j as an edge table with a node index.

Each projection runs a named query (``cypher/projection_*.cypher``) that aggregates
in the database and returns parallel lists, 100,000 edges per record, so the driver
moves whole columns instead of one Python record per edge; each batch becomes numpy
arrays as it arrives (node keys become indices at once). The result is a node index
(``nodes``, keys in canonical order, plus a ``node_attributes`` frame) and edge arrays
(``src``, ``dst`` into the index, ``weight``, plus an ``edge_attributes`` frame). Fast
engines take :meth:`Projection.edge_arrays` directly; :meth:`Projection.to_networkx`
builds a networkx graph only when asked.

Projections (all take ``driver`` first, then keyword options):

* :func:`person_call_network` - phone calls lifted to people through ``USES``;
* :func:`phone_call_network` - calls between phones (data without ``USES``);
* :func:`co_offending_network` - people who are suspects in the same case;
* :func:`co_location_network` - people seen at one place within a time window;
* :func:`transfer_network` - seller -> buyer, from ``Transfer`` events;
* :func:`tie_network` - people linked by ``TIE`` (published networks, link charts);
* :func:`multiplex_network` - several of them at once, with a ``layer`` per edge.

:func:`project` runs any of them by name (see :data:`PROJECTIONS`).

Usage::

    with config.driver() as drv:
        proj = person_call_network(drv, since="2024-01-01", region="North")
    communities = louvain(proj.edge_arrays(), seed=1)
    G = proj.to_networkx()  # for the algorithms only networkx has
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from itertools import chain
from types import MappingProxyType
from typing import Any

import neo4j
import networkx as nx
import numpy as np
import pandas as pd

from netintel.algorithms.results import EdgeArrays, GraphCounts, graph_hash
from netintel.cypher import query
from netintel.schema import NODES
from netintel.values import is_missing, parse_duration

__all__ = [
    "EVIDENCE_RECORDS",
    "LAYERS",
    "LAYER_MEASURES",
    "MULTIPLEX_WEIGHTS",
    "PROJECTIONS",
    "Projection",
    "co_location_network",
    "co_offending_network",
    "multiplex_network",
    "person_call_network",
    "person_call_network_from_frames",
    "phone_call_network",
    "project",
    "tie_network",
    "transfer_network",
]

TimeLike = datetime | date | str | pd.Timestamp | None
RegionLike = str | Sequence[str] | None

#: Evidence per link: every projection carries, per edge, the first this many records
#: behind it (edge attribute ``records``: ``source``, ``source_row``, ``ingest_run``, the
#: time ``at`` where the record has one, and its values) and the number of all of them
#: (``record_count``), so maps and exports can show which record says so. Calls and
#: transfers come first in time first; co-offending gives the two ``SUSPECT_IN`` records
#: (one of each person) of each shared case by opening date; co-location the sightings
#: behind the pair's meetings, each once; ties the ``TIE`` records in file order.
EVIDENCE_RECORDS = 20

#: Layers of :func:`multiplex_network`, in edge order.
LAYERS = ("calls", "co_offending", "co_location", "transfers")

#: Default layer weights of :func:`multiplex_network`, in "call equivalents": an edge of
#: a layer weighs its factor times the layer's own measure (:data:`LAYER_MEASURES`). One
#: call = 1; one shared case (co-offending) = 20; one unit of co-location ``strength``
#: (a meeting of two people alone at a place, crowded meetings count less) = 20; one
#: transfer = 1. Chosen on the synthetic cases (``netintel.synth``): ``bench/gangs.py``
#: measures ``find_gangs`` on calls + co-offending + co-location against the planted
#: gangs: ARI 0.86 to 0.91 at 10k to 1M calls, against 0.70 to 0.81 on calls alone
#: (``docs/gangs.md``).
MULTIPLEX_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"calls": 1.0, "co_offending": 20.0, "co_location": 20.0, "transfers": 1.0}
)

#: The edge attribute of each layer that :data:`MULTIPLEX_WEIGHTS` multiplies.
LAYER_MEASURES: Mapping[str, str] = MappingProxyType(
    {"calls": "calls", "co_offending": "cases", "co_location": "strength", "transfers": "transfers"}
)


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False, repr=False)
class Projection(GraphCounts):
    """A network read from the database: node index plus edge arrays, read-only.

    Attributes
    ----------
    name : str
        The projection (``"person_calls"``, ``"co_offending"``... see :data:`PROJECTIONS`).
    label : str
        Label of the nodes (``"Person"`` or ``"Phone"``); ``nodes`` hold its key property.
    params : Mapping
        The projection's options, JSON-ready: ``project(driver, name, **params)`` repeats it.
    queries : Mapping
        Named query (``cypher/<name>.cypher``) -> the Cypher parameters it ran with.
    nodes : numpy.ndarray of object
        Node keys in canonical order (sorted); position ``i`` is node index ``i``.
        Only nodes with at least one edge.
    node_attributes : pandas.DataFrame
        One row per node, indexed by key in ``nodes`` order; the schema properties.
    src, dst : numpy.ndarray of int64
        Edge ends, indices into ``nodes``. Undirected projections have ``src < dst``.
        Sorted by ``(src, dst)`` (then layer); one edge per pair (per layer).
    weight : numpy.ndarray of float64
        Edge weights: the ``weight_column`` of ``edge_attributes``.
    edge_attributes : pandas.DataFrame
        Per edge, aligned with ``src``: counts, totals, first/last times (UTC), record ids.
    weight_column : str
        Which edge attribute is the weight (``"calls"``, ``"cases"``, ``"meetings"``...);
        for a multiplex, ``"weight"`` (layer factor x the layer's measure, see
        :func:`multiplex_network`; each layer's own weight with ``weights=None``).
    directed : bool
    multigraph : bool
        True for a multiplex: parallel edges, one per ``layer``.
    started : str
        ISO 8601 UTC time the projection started; ``seconds`` how long it took.
    """

    name: str
    label: str
    params: Mapping[str, Any]
    queries: Mapping[str, Mapping[str, Any]]
    nodes: np.ndarray
    node_attributes: pd.DataFrame
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    edge_attributes: pd.DataFrame
    weight_column: str
    directed: bool
    multigraph: bool = False
    started: str = ""
    seconds: float = 0.0

    @property
    def key(self) -> str:
        """The key property of ``label`` (``person_id``, ``number``)."""
        return NODES[self.label].key

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        multi = ", multigraph" if self.multigraph else ""
        return (
            f"Projection({self.name!r}, {self.label}, n={self.n}, m={self.m}, {kind}{multi}, "
            f"weight={self.weight_column!r})"
        )

    @cached_property
    def input_hash(self) -> str:
        """:func:`~netintel.algorithms.results.graph_hash` of :meth:`edge_arrays`.

        Equals ``provenance.input_hash`` of any algorithm run on ``edge_arrays()`` or on
        ``to_networkx()`` with the default weight, which ties results to the projection.
        """
        return graph_hash(self.edge_arrays())

    def edge_arrays(self, weight: str | None = "weight") -> EdgeArrays:
        """The graph as :class:`~netintel.algorithms.results.EdgeArrays` (no networkx).

        ``weight``: ``"weight"`` for the projection's weight, another edge attribute
        (e.g. ``"duration_s"``), or None for unweighted. A multiplex sums its layers
        (use :meth:`layer` for one).
        """
        w = self._weights(weight)
        if self.multigraph:
            return EdgeArrays.from_arrays(
                self.nodes.tolist(), self.src, self.dst, w, directed=self.directed, multigraph=True
            )
        # already canonical: nodes sorted, src <= dst when undirected, sorted, no duplicates
        return EdgeArrays(tuple(self.nodes.tolist()), self.src, self.dst, w, self.directed)

    def _weights(self, weight: str | None) -> np.ndarray:
        if weight is None:
            return np.ones(self.m, dtype=np.float64)
        if weight in ("weight", self.weight_column):
            return self.weight
        if weight not in self.edge_attributes.columns:
            raise ValueError(
                f"no edge attribute {weight!r}; have 'weight', "
                + ", ".join(map(repr, self.edge_attributes.columns))
            )
        col = self.edge_attributes[weight]
        if not pd.api.types.is_numeric_dtype(col):
            raise ValueError(f"edge attribute {weight!r} is not numeric")
        return col.to_numpy(dtype=np.float64, na_value=np.nan)

    def to_frame(self) -> pd.DataFrame:
        """The edge table: ``src``, ``dst`` (node keys), ``weight``, then the attributes."""
        frame = pd.DataFrame(
            {
                "src": self.nodes[self.src],
                "dst": self.nodes[self.dst],
                "weight": self.weight,
            }
        )
        return pd.concat([frame, self.edge_attributes.reset_index(drop=True)], axis=1)

    def to_networkx(self, *, weight: str = "weight", attributes: bool = True) -> nx.Graph:
        """A new networkx graph on the node keys (built on every call).

        ``Graph`` or ``DiGraph``; a ``MultiGraph`` (edge key = layer) for a multiplex.
        The weight goes into the edge attribute ``weight``; ``attributes`` adds the node
        attributes (missing values left out) and the edge attributes.
        """
        G: nx.Graph
        if self.multigraph:
            G = nx.MultiDiGraph() if self.directed else nx.MultiGraph()
        else:
            G = nx.DiGraph() if self.directed else nx.Graph()
        G.graph.update(projection=self.name, label=self.label, params=dict(self.params))
        spec = _SPECS.get(self.name)
        if spec is not None and spec.relationship is not None:
            G.graph["relationship"] = spec.relationship
        keys = self.nodes.tolist()
        if attributes and len(self.node_attributes.columns):
            records = self.node_attributes.to_dict(orient="records")
            G.add_nodes_from(
                (k, {a: v for a, v in r.items() if not is_missing(v)})
                for k, r in zip(keys, records, strict=True)
            )
        else:
            G.add_nodes_from(keys)
        u = self.nodes[self.src].tolist()
        v = self.nodes[self.dst].tolist()
        data: Iterable[dict[str, Any]]
        columns = list(self.edge_attributes.columns) if attributes else []
        if columns:
            data = _records(self.edge_attributes, weight, self.weight)
        else:
            data = ({weight: w} for w in self.weight.tolist())
        if self.multigraph:
            layers = self.edge_attributes["layer"].astype(str).tolist()
            G.add_edges_from(zip(u, v, layers, data, strict=True))
        else:
            G.add_edges_from(zip(u, v, data, strict=True))
        return G

    def layer(self, name: str) -> Projection:
        """The edges of one layer of a multiplex, as the projection of that layer alone.

        Its ``name`` and ``params`` are those of the layer's own function (e.g.
        ``person_calls``), undirected, with the multiplex's time window and region; its
        weight is the layer's own (``calls``, ``meetings``...), whatever the multiplex's
        ``weights``.
        """
        if not self.multigraph:
            raise ValueError(f"projection {self.name!r} has no layers")
        have = list(self.params.get("layers", ()))
        if name not in have:
            raise ValueError(f"no layer {name!r}; have {', '.join(map(repr, have))}")
        spec = _SPECS[_LAYER_SPEC[name]]
        keep = (self.edge_attributes["layer"] == name).to_numpy(dtype=bool)
        attrs = self.edge_attributes.loc[keep, list(spec.columns)].reset_index(drop=True)
        for c in spec.ints:
            attrs[c] = attrs[c].astype(np.int64)
        params = {k: self.params[k] for k in ("since", "until", "region")}
        if name == "co_location":
            params["window"] = self.params["window"]
        if name in ("calls", "transfers"):
            params["directed"] = False
        nodes, src, dst = _index(self.nodes[self.src[keep]], self.nodes[self.dst[keep]])
        return _make(
            name=_LAYER_SPEC[name],
            label=self.label,
            params=params,
            queries={spec.query: self.queries[spec.query]},
            nodes=nodes,
            src=src,
            dst=dst,
            weight=attrs[spec.weight].to_numpy(dtype=np.float64),
            attrs=attrs,
            weight_column=spec.weight,
            directed=False,
            node_attributes=self.node_attributes,
            started=self.started,
            seconds=self.seconds,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as plain data (``params`` and ``queries`` are read-only mappings), so that
        a projection can move between processes, e.g. between Dask workers."""
        fields = {
            "name": self.name,
            "label": self.label,
            "params": dict(self.params),
            "queries": {k: dict(v) for k, v in self.queries.items()},
            "nodes": self.nodes,
            "src": self.src,
            "dst": self.dst,
            "weight": self.weight,
            "attrs": self.edge_attributes,
            "weight_column": self.weight_column,
            "directed": self.directed,
            "node_attributes": self.node_attributes,
            "started": self.started,
            "seconds": self.seconds,
            "multigraph": self.multigraph,
        }
        return (_unpickle, (fields,))

    def describe(self) -> dict[str, Any]:
        """What the projection is and how it was made, as plain JSON types (no arrays)."""
        return {
            "name": self.name,
            "label": self.label,
            "nodes": self.n,
            "edges": self.m,
            "directed": self.directed,
            "multigraph": self.multigraph,
            "weight": self.weight_column,
            "params": dict(self.params),
            "queries": {k: dict(v) for k, v in self.queries.items()},
            "input_hash": self.input_hash,
            "started": self.started,
            "seconds": self.seconds,
        }


def _unpickle(fields: dict[str, Any]) -> Projection:
    return _make(**fields)


def _records(frame: pd.DataFrame, weight: str, w: np.ndarray) -> Iterator[dict[str, Any]]:
    """One attribute dict per row of ``frame`` plus ``weight``; missing values left out."""
    names = [weight, *map(str, frame.columns)]
    columns = [w.tolist(), *(frame[c].tolist() for c in frame.columns)]
    gaps = [False, *(bool(frame[c].isna().any()) for c in frame.columns)]
    if not any(gaps):
        for row in zip(*columns, strict=True):
            yield dict(zip(names, row, strict=True))
        return
    for row in zip(*columns, strict=True):
        yield {a: x for a, x, g in zip(names, row, gaps, strict=True) if not (g and is_missing(x))}


# --------------------------------------------------------------------------- parameters


def _instant(value: TimeLike, name: str) -> datetime | None:
    """A tz-aware datetime (naive values are UTC)."""
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} is not a date or time: {value!r}") from err
    if ts is pd.NaT:
        raise ValueError(f"{name} is not a date or time: {value!r}")
    if ts.tzinfo is None:
        ts = ts.tz_localize(UTC)
    out: datetime = ts.tz_convert(UTC).to_pydatetime()
    return out


def _window(since: TimeLike, until: TimeLike) -> tuple[datetime | None, datetime | None]:
    s, u = _instant(since, "since"), _instant(until, "until")
    if s is not None and u is not None and s >= u:
        raise ValueError(f"since ({s.isoformat()}) must be before until ({u.isoformat()})")
    return s, u


def _regions(region: RegionLike) -> list[str] | None:
    if region is None:
        return None
    regions = [region] if isinstance(region, str) else list(region)
    if not regions or not all(isinstance(r, str) and r for r in regions):
        raise ValueError(f"region must be a name or a non-empty list of names, not {region!r}")
    return regions


def _seconds(window: timedelta | float | str) -> float:
    return float(parse_duration(window, name="window").total_seconds())


def _iso(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (_iso(v) if isinstance(v, datetime | date) else v) for k, v in params.items()}


# --------------------------------------------------------------------------- fetching


@dataclass(frozen=True)
class _Spec:
    """How one named query's columns become edge attributes."""

    query: str
    weight: str
    ints: tuple[str, ...] = ()
    floats: tuple[str, ...] = ()
    times: tuple[str, ...] = ()  # epoch milliseconds -> datetime64[ms, UTC]
    lists: tuple[str, ...] = ()  # lists of ids, sorted
    nested: tuple[str, ...] = ()  # lists of lists of ids, flattened, unique, sorted
    #: lists of evidence records (maps with ``at`` in epoch milliseconds), first in time first
    records: tuple[str, ...] = ()
    #: how two directions of one pair combine when folded into an undirected edge (a column
    #: not named: summed; ``records`` joined in time order, bounded)
    fold: Mapping[str, str] = field(default_factory=dict)
    #: the schema relationship type each link aggregates (maps draw and name links by it)
    relationship: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.ints, *self.floats, *self.times, *self.lists, *self.nested, *self.records)


def _calls(query: str) -> _Spec:
    return _Spec(
        query,
        weight="calls",
        ints=("calls", "duration_s", "record_count"),
        times=("first_call", "last_call"),
        records=("records",),
        fold={
            "calls": "sum",
            "duration_s": "sum",
            "first_call": "min",
            "last_call": "max",
        },
        relationship="CALLED",
    )


_SPECS = {
    "person_calls": _calls("projection_person_calls"),
    "phone_calls": _calls("projection_phone_calls"),
    "co_offending": _Spec(
        "projection_co_offending",
        weight="cases",
        ints=("cases", "record_count"),
        lists=("case_ids",),
        records=("records",),
    ),
    "co_location": _Spec(
        "projection_co_location",
        weight="meetings",
        ints=("meetings", "record_count"),
        floats=("strength",),
        times=("first_meeting", "last_meeting"),
        lists=("location_ids",),
        records=("records",),
    ),
    "transfers": _Spec(
        "projection_transfers",
        weight="transfers",
        ints=("transfers", "record_count"),
        floats=("amount",),
        times=("first_transfer", "last_transfer"),
        lists=("transfer_ids",),
        nested=("victims",),
        records=("records",),
        fold={
            "transfers": "sum",
            "amount": "sum",
            "first_transfer": "min",
            "last_transfer": "max",
            "transfer_ids": "union",
            "victims": "union",
        },
    ),
    "ties": _Spec(
        "projection_ties",
        weight="weight",
        ints=("ties", "record_count"),
        floats=("weight",),
        lists=("kinds",),
        records=("records",),
        fold={"weight": "sum", "ties": "sum", "kinds": "union"},
        relationship="TIE",
    ),
}
#: multiplex layer -> the projection (spec) it is made of
_LAYER_SPEC = {
    "calls": "person_calls",
    "co_offending": "co_offending",
    "co_location": "co_location",
    "transfers": "transfers",
}
_ATTRIBUTE_QUERY = {"Person": "node_attributes_person", "Phone": "node_attributes_phone"}
#: edges per record of a projection query (``$batch``)
_BATCH = 100_000


class _Keys:
    """Node keys met so far, each with an index (first seen, first numbered)."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.keys: list[Any] = []

    def codes(self, batch: Sequence[Any]) -> np.ndarray:
        """Indices of a batch of keys (vectorised: a dict lookup per distinct key only)."""
        local, uniques = pd.factorize(_object(list(batch)))
        index, keys = self.index, self.keys
        glob = np.empty(len(uniques), dtype=np.int64)
        for i, k in enumerate(uniques.tolist()):
            j = index.get(k)
            if j is None:
                j = index[k] = len(keys)
                keys.append(k)
            glob[i] = j
        return glob[local] if len(local) else np.empty(0, dtype=np.int64)


def _floats(values: list[Any]) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except TypeError:  # nulls
        return np.fromiter(
            (np.nan if x is None else x for x in values), dtype=np.float64, count=len(values)
        )


def _fetch(
    tx: neo4j.ManagedTransaction, spec: _Spec, params: Mapping[str, Any], keys: _Keys
) -> dict[str, np.ndarray]:
    """Run a projection query; its records are batches of parallel lists.

    Each batch is turned into arrays as it arrives (node keys into indices), so the
    Python objects of only one batch are alive at a time.
    """
    parts: dict[str, list[np.ndarray]] = {c: [] for c in ("src", "dst", *spec.columns)}
    more = {"batch": _BATCH} | ({"evidence": EVIDENCE_RECORDS} if spec.records else {})
    for record in tx.run(query(spec.query), {**params, **more}):
        parts["src"].append(keys.codes(record["src"]))
        parts["dst"].append(keys.codes(record["dst"]))
        for c in spec.ints:
            parts[c].append(np.asarray(record[c], dtype=np.int64))
        for c in (*spec.floats, *spec.times):
            parts[c].append(_floats(record[c]))
        for c in spec.lists:
            parts[c].append(_object([sorted(x) for x in record[c]]))
        for c in spec.nested:
            parts[c].append(_object([sorted(set(chain.from_iterable(x))) for x in record[c]]))
        for c in spec.records:
            parts[c].append(_object([[_evidence(r) for r in recs] for recs in record[c]]))
    out = {}
    for c in list(parts):
        arrays = parts.pop(c)  # each column's batches are freed once joined
        dtype: Any = np.int64 if c in ("src", "dst", *spec.ints) else np.float64
        if c in (*spec.lists, *spec.nested, *spec.records):
            dtype = object
        out[c] = np.concatenate(arrays) if arrays else np.empty(0, dtype=dtype)
        del arrays
    return out


def _evidence(record: Mapping[str, Any]) -> dict[str, Any]:
    """One evidence record as Python values; ``at`` (epoch milliseconds) a UTC datetime."""
    first = ("source", "source_row", "ingest_run", "at")
    out = {k: record[k] for k in first if k in record}
    out |= {k: record[k] for k in sorted(record) if k not in first}
    if out.get("at") is not None:
        out["at"] = pd.Timestamp(out["at"], unit="ms", tz=UTC)
    return out


def _evidence_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """First in time first (records without a time last), then by record id, file and row."""
    at = record.get("at")
    ids = ("call_id", "transfer_id", "case_id")
    return (
        at is None,
        at if at is not None else 0,
        next((str(record[k]) for k in ids if record.get(k) is not None), ""),
        str(record.get("source", "")),
        record.get("source_row") or 0,
    )


def _object(values: list[Any]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _fold(
    src: np.ndarray, dst: np.ndarray, cols: dict[str, np.ndarray], spec: _Spec, n: int
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Undirected: ``src <= dst``, the two directions of a pair combined (``spec.fold``)."""
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    width = max(n, 1)
    pairs, inverse = np.unique(lo * width + hi, return_inverse=True)
    if len(pairs) == len(lo):
        return lo, hi, cols
    del lo, hi
    k = len(pairs)
    out: dict[str, np.ndarray] = {}
    for c in list(cols):
        values = cols.pop(c)  # the caller's columns are consumed, to keep memory down
        rule = spec.fold.get(c, "evidence" if c in spec.records else "sum")
        if rule == "evidence":  # both directions' records, first in time first, bounded
            joined: list[list[Any]] = [[] for _ in range(k)]
            for g, recs in zip(inverse.tolist(), values.tolist(), strict=True):
                joined[g].extend(recs)
            out[c] = _object([sorted(r, key=_evidence_key)[:EVIDENCE_RECORDS] for r in joined])
        elif rule == "union":
            groups: list[set[Any]] = [set() for _ in range(k)]
            for g, ids in zip(inverse.tolist(), values.tolist(), strict=True):
                groups[g].update(ids)
            out[c] = _object([sorted(g) for g in groups])
        elif rule == "sum" and values.dtype.kind == "i":
            acc = np.zeros(k, dtype=np.int64)
            np.add.at(acc, inverse, values)
            out[c] = acc
        elif rule == "sum":
            out[c] = np.bincount(inverse, weights=np.nan_to_num(values), minlength=k)
        else:  # min / max, ignoring missing values
            acc = np.full(k, np.nan)
            (np.fmin if rule == "min" else np.fmax).at(acc, inverse, values)
            out[c] = acc
        del values
    return pairs // width, pairs % width, out


def _index(
    src: Sequence[Any] | np.ndarray, dst: Sequence[Any] | np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node keys in canonical (sorted) order, and the edge ends as indices into them."""
    m = len(src)
    keys = np.concatenate([np.asarray(src, dtype=object), np.asarray(dst, dtype=object)])
    codes, uniques = pd.factorize(keys, sort=True)
    codes = codes.astype(np.int64)
    return np.asarray(uniques, dtype=object), codes[:m], codes[m:]


def _frame(cols: Mapping[str, Any], times: Iterable[str]) -> pd.DataFrame:
    """The edge attributes frame; epoch milliseconds in ``times`` become UTC datetimes."""
    times = set(times)
    data = {c: pd.to_datetime(v, unit="ms", utc=True) if c in times else v for c, v in cols.items()}
    return pd.DataFrame(data, copy=False)


def _native(value: Any) -> Any:
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


def _attribute_frame(label: str, keys: list[Any], props: list[dict[str, Any]]) -> pd.DataFrame:
    """Schema properties of the nodes, one row per key, in ``keys`` order."""
    node = NODES[label]
    names = [p.name for p in node.props]
    found = dict(zip(keys, props, strict=True))
    out: dict[str, Any] = {}
    for p in node.props:
        values = [_native(found.get(k, {}).get(p.name)) for k in keys]
        if p.type == "datetime":
            out[p.name] = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        elif p.type in ("float", "int"):
            out[p.name] = pd.to_numeric(pd.Series(values, dtype=object))
        else:
            out[p.name] = _object(values)
    frame = pd.DataFrame(out, columns=names)
    frame.index = pd.Index(_object(keys), name=node.key)
    return frame


def _run(
    driver: neo4j.Driver,
    label: str,
    specs: Sequence[tuple[str, _Spec, dict[str, Any]]],
    attributes: bool,
    database: str | None,
) -> tuple[list[dict[str, np.ndarray]], list[Any], list[Any], list[dict[str, Any]]]:
    """Run the named queries, then the node attributes, in one read transaction.

    Returns the layers' columns (node indices in order of first appearance), the keys
    in that order, and the keys and properties read by the attribute query.
    """

    def work(
        tx: neo4j.ManagedTransaction,
    ) -> tuple[list[dict[str, np.ndarray]], list[Any], list[Any], list[dict[str, Any]]]:
        keys = _Keys()
        results = [_fetch(tx, spec, params, keys) for _, spec, params in specs]
        if not attributes:
            return results, keys.keys, [], []
        record = tx.run(query(_ATTRIBUTE_QUERY[label]), keys=keys.keys).single(strict=True)
        return results, keys.keys, record["key"], record["props"]

    with driver.session(
        database=database,
        default_access_mode=neo4j.READ_ACCESS,
        fetch_size=2,  # records are batches of 100,000 edges: pull them one by one
        # properties a graph does not use yet (USES.until, Location.region...) are normal here
        notifications_disabled_classifications=[
            neo4j.NotificationDisabledClassification.UNRECOGNIZED
        ],
    ) as session:
        return session.execute_read(work)


def _make(
    *,
    name: str,
    label: str,
    params: Mapping[str, Any],
    queries: Mapping[str, Mapping[str, Any]],
    nodes: np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    attrs: pd.DataFrame,
    weight_column: str,
    directed: bool,
    node_attributes: pd.DataFrame | None,
    started: str,
    seconds: float,
    multigraph: bool = False,
) -> Projection:
    """Freeze the arrays; the edges must be sorted by ``(src, dst, layer)``."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    w = np.asarray(weight, dtype=np.float64)
    if node_attributes is None:
        node_attrs = pd.DataFrame(index=pd.Index(nodes, name=NODES[label].key))
    else:
        node_attrs = node_attributes.reindex(pd.Index(nodes, name=node_attributes.index.name))
    for arr in (nodes, src, dst, w):
        arr.flags.writeable = False
    return Projection(
        name=name,
        label=label,
        params=MappingProxyType(dict(params)),
        queries=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in queries.items()}),
        nodes=nodes,
        node_attributes=node_attrs,
        src=src,
        dst=dst,
        weight=w,
        edge_attributes=attrs,
        weight_column=weight_column,
        directed=directed,
        multigraph=multigraph,
        started=started,
        seconds=seconds,
    )


def _timed_network(
    driver: neo4j.Driver,
    name: str,
    label: str,
    since: TimeLike,
    until: TimeLike,
    region: RegionLike,
    directed: bool,
    attributes: bool,
    database: str | None,
) -> Projection:
    """The one-layer network of the query ``name`` over ``label`` nodes, bounded in time
    and region as the call and transfer networks are (:func:`_time_params`)."""
    return _project(
        driver,
        name,
        label,
        [(name, _time_params(since, until, region))],
        options=_options(since, until, region, directed=directed),
        directed=directed,
        attributes=attributes,
        database=database,
    )


def _project(
    driver: neo4j.Driver,
    name: str,
    label: str,
    layers: Sequence[tuple[str, dict[str, Any]]],
    *,
    options: Mapping[str, Any],
    directed: bool,
    attributes: bool,
    database: str | None,
    multiplex: bool = False,
    layer_weights: Mapping[str, float] | None = None,
) -> Projection:
    """Run the layers' queries, fold, type and index the edges.

    ``layer_weights`` (multiplex): layer -> factor; an edge's weight is then the factor times the
    layer's :data:`LAYER_MEASURES` column instead of the layer's own weight.
    """
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    specs = [(layer, _SPECS[_LAYER_SPEC.get(layer, layer)], p) for layer, p in layers]
    results, seen, attr_keys, props = _run(driver, label, specs, attributes, database)
    # canonical node order (sorted keys): renumber the indices given in order of appearance
    keys = _object(seen)
    order = np.argsort(keys, kind="stable") if len(keys) else np.empty(0, dtype=np.int64)
    nodes = keys[order]
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    # arrays are dropped as soon as they are used: peak memory stays near the result's size
    srcs, dsts, weights, layer_codes, tables = [], [], [], [], []
    for i, (layer_name, spec, _) in enumerate(specs):
        cols = results.pop(0)
        src, dst = rank[cols.pop("src")], rank[cols.pop("dst")]
        if not directed:
            src, dst, cols = _fold(src, dst, cols, spec, len(nodes))
        srcs.append(src)
        dsts.append(dst)
        if layer_weights is None:
            weights.append(cols[spec.weight].astype(np.float64))
        else:
            measure = cols[LAYER_MEASURES[layer_name]].astype(np.float64)
            weights.append(layer_weights[layer_name] * measure)
        layer_codes.append(np.full(len(src), i, dtype=np.int64))
        tables.append(cols)
    sizes = [len(x) for x in srcs]
    src, dst = np.concatenate(srcs), np.concatenate(dsts)
    del srcs, dsts
    layer = np.concatenate(layer_codes)
    order = np.lexsort((layer, dst, src))
    src, dst, layer = src[order], dst[order], layer[order]
    weight = np.concatenate(weights)[order]
    del weights
    columns: dict[str, Any] = {}
    if multiplex:
        names = [x for x, _, _ in specs]
        columns["layer"] = pd.Categorical.from_codes(layer, categories=pd.Index(names))
    for c in dict.fromkeys(c for cols in tables for c in cols):
        parts = [
            cols.pop(c) if c in cols else np.full(size, np.nan)
            for cols, size in zip(tables, sizes, strict=True)
        ]
        columns[c] = _merge(parts)[order]
        del parts
    times = [c for _, spec, _ in specs for c in spec.times]
    return _make(
        name=name,
        label=label,
        params=_json_params(options),
        queries={spec.query: _json_params(p) for _, spec, p in specs},
        nodes=nodes,
        src=src,
        dst=dst,
        weight=weight,
        attrs=_frame(columns, times),
        weight_column="weight" if multiplex else specs[0][1].weight,
        directed=directed,
        node_attributes=_attribute_frame(label, attr_keys, props) if attributes else None,
        started=started,
        seconds=round(time.perf_counter() - t0, 6),
        multigraph=multiplex,
    )


def _merge(parts: list[np.ndarray]) -> np.ndarray:
    """One column over the layers of a multiplex; a layer without it gives NaN there.

    Columns of lists stay objects, with None where a layer has no list.
    """
    if len(parts) == 1:
        return parts[0]
    if any(p.dtype == object for p in parts):
        parts = [p if p.dtype == object else np.full(len(p), None, dtype=object) for p in parts]
    return np.concatenate(parts)


# --------------------------------------------------------------------------- projections


def _time_params(since: TimeLike, until: TimeLike, region: RegionLike) -> dict[str, Any]:
    s, u = _window(since, until)
    return {"since": s, "until": u, "regions": _regions(region)}


def _case_params(since: TimeLike, until: TimeLike, region: RegionLike) -> dict[str, Any]:
    """Cases are selected by their opening date."""
    s, u = _window(since, until)
    return {
        "since": None if s is None else s.date(),
        "until": None if u is None else u.date(),
        "regions": _regions(region),
    }


def _sighting_params(
    window: timedelta | float | str, since: TimeLike, until: TimeLike, region: RegionLike
) -> dict[str, Any]:
    params = _time_params(since, until, region)
    params["window_ms"] = round(_seconds(window) * 1000)
    return params


def _options(since: TimeLike, until: TimeLike, region: RegionLike, **more: Any) -> dict[str, Any]:
    """The options as the projection functions take them (JSON-ready later)."""
    s, u = _window(since, until)
    return {"since": s, "until": u, "region": _regions(region), **more}


def person_call_network(
    driver: neo4j.Driver,
    *,
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    directed: bool = False,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """People linked by phone calls: ``CALLED`` lifted to people through ``USES``.

    A call counts for a person when the ``USES`` interval of the phone (``since`` /
    ``until``, open when empty, both inclusive) covers the call's time; a phone used by
    two people at once counts for both; calls between one person's own phones are left
    out, and so are calls of phones nobody uses (see :func:`phone_call_network`).

    Parameters
    ----------
    driver : neo4j.Driver
    since, until : datetime, date, ISO string or None
        Only calls with ``since <= at < until`` (naive values are UTC).
    region : str or list of str
        Only calls routed through a cell tower (``Location``) of these regions.
    directed : bool
        Caller -> callee edges; otherwise one edge per pair, both directions summed.
    attributes : bool
        Also read the people's properties into ``node_attributes``.
    database : str or None

    Returns
    -------
    Projection
        Weight ``calls``; edge attributes ``calls``, ``duration_s`` (total seconds),
        ``first_call``, ``last_call``.
    """
    return _timed_network(
        driver, "person_calls", "Person", since, until, region, directed, attributes, database
    )


def person_call_network_from_frames(
    calls: pd.DataFrame,
    uses: pd.DataFrame,
    *,
    since: TimeLike = None,
    until: TimeLike = None,
    directed: bool = False,
) -> Projection:
    """:func:`person_call_network` computed from record frames instead of the database.

    The same rules as the database's projection: a call counts for a person when the
    ``since`` / ``until`` interval of their use of the phone (open when empty, both
    inclusive) covers the call's time; a phone used by two people at once counts for
    both; calls between one person's own phones, and calls of phones nobody uses, are
    left out. Identical ``uses`` rows count once. No node attributes are read.

    Parameters
    ----------
    calls : pandas.DataFrame
        Call records: ``caller``, ``callee``, ``at`` (UTC datetimes; ``started_at`` as
        in ``calls.csv`` also does), ``duration_s``.
    uses : pandas.DataFrame
        Phone use records: ``person_id``, ``number``, ``since``, ``until`` (datetimes or
        missing).
    since, until : datetime, date, ISO string or None
        Only calls with ``since <= at < until`` (naive values are UTC).
    directed : bool
        Caller -> callee edges; otherwise one edge per pair, both directions summed.

    Returns
    -------
    Projection
        As :func:`person_call_network` returns it, with ``queries`` empty and without
        the edge attribute ``records`` (frames carry no provenance; ``record_count`` is there).

    Examples
    --------
    >>> calls = pd.DataFrame({"caller": ["+1", "+1", "+2"], "callee": ["+2", "+2", "+1"],
    ...     "at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"], utc=True),
    ...     "duration_s": [60, 30, 10]})
    >>> uses = pd.DataFrame({"person_id": ["A", "B"], "number": ["+1", "+2"],
    ...     "since": pd.to_datetime([None, None], utc=True),
    ...     "until": pd.to_datetime(["2024-01-15", None], utc=True)})
    >>> person_call_network_from_frames(calls, uses).to_frame()[["src", "dst", "calls"]]
      src dst  calls
    0   A   B      1
    """
    t0 = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    s, u = _window(since, until)
    pairs = _lifted_calls(calls, uses, s, u)
    grouped = pairs.groupby(["a", "b"], sort=True).agg(
        calls=("at", "size"),
        duration_s=("duration_s", "sum"),
        first=("ms", "min"),
        last=("ms", "max"),
    )
    nodes, src, dst = _index(
        grouped.index.get_level_values("a").to_numpy(),
        grouped.index.get_level_values("b").to_numpy(),
    )
    spec = _SPECS["person_calls"]
    cols = {
        "calls": grouped["calls"].to_numpy(dtype=np.int64),
        "duration_s": grouped["duration_s"].to_numpy(dtype=np.int64),
        "record_count": grouped["calls"].to_numpy(dtype=np.int64),
        "first_call": grouped["first"].to_numpy(dtype=np.float64),
        "last_call": grouped["last"].to_numpy(dtype=np.float64),
    }
    if not directed:
        src, dst, cols = _fold(src, dst, cols, spec, len(nodes))
    order = np.lexsort((dst, src))
    cols = {c: v[order] for c, v in cols.items()}
    return _make(
        name="person_calls",
        label="Person",
        params=_json_params(_options(since, until, None, directed=directed)),
        queries={},
        nodes=nodes,
        src=src[order],
        dst=dst[order],
        weight=cols["calls"].astype(np.float64),
        attrs=_frame(cols, spec.times),
        weight_column=spec.weight,
        directed=directed,
        node_attributes=None,
        started=started,
        seconds=round(time.perf_counter() - t0, 6),
    )


def _lifted_calls(
    calls: pd.DataFrame, uses: pd.DataFrame, since: datetime | None, until: datetime | None
) -> pd.DataFrame:
    """One row per (call, user of the caller's phone, user of the callee's phone) whose
    use intervals cover the call and whose users differ: ``a, b, at, duration_s, ms``."""
    u = uses[["person_id", "number", "since", "until"]].dropna(subset=["person_id", "number"])
    u = u.drop_duplicates().astype({"person_id": str, "number": str})
    if "at" not in calls.columns and "started_at" in calls.columns:  # calls.csv's layout
        calls = calls.rename(columns={"started_at": "at"})
    c = calls[["caller", "callee", "at", "duration_s"]].dropna(subset=["caller", "callee"])
    c = c.astype({"caller": str, "callee": str})
    at = pd.to_datetime(c["at"], utc=True)
    keep = pd.Series(True, index=c.index)
    if since is not None:
        keep &= at >= pd.Timestamp(since)
    if until is not None:
        keep &= at < pd.Timestamp(until)
    c = c[keep].assign(at=at[keep])
    for end, person in (("caller", "a"), ("callee", "b")):
        side = u.rename(
            columns={
                "number": end,
                "person_id": person,
                "since": f"{person}_since",
                "until": f"{person}_until",
            }
        )
        c = c.merge(side, on=end)
        lo = pd.to_datetime(c[f"{person}_since"], utc=True)
        hi = pd.to_datetime(c[f"{person}_until"], utc=True)
        c = c[(lo.isna() | (lo <= c["at"])) & (hi.isna() | (c["at"] <= hi))]
    c = c[c["a"] != c["b"]]
    epoch = pd.Timestamp(0, tz=UTC)
    ms = (c["at"] - epoch) // pd.Timedelta(milliseconds=1)  # as Cypher's epochMillis
    return pd.DataFrame(
        {
            "a": c["a"],
            "b": c["b"],
            "at": c["at"],
            "duration_s": pd.to_numeric(c["duration_s"]).fillna(0),
            "ms": ms.astype(np.float64),
        }
    )


def phone_call_network(
    driver: neo4j.Driver,
    *,
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    directed: bool = False,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """Phones linked by calls (for call records without subscribers, such as VAST 2008).

    Options and edge attributes as :func:`person_call_network`; nodes are ``Phone``
    numbers, every call between two phones counts.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    since, until : datetime, date, ISO string or None
        Only calls with ``since <= at < until`` (naive values are UTC).
    region : str or list of str, optional
        Only calls routed through a cell tower (``Location``) of these regions.
    directed : bool, default False
        Caller -> callee edges; otherwise one edge per pair, both directions summed.
    attributes : bool, default True
        Also read the nodes' properties into ``node_attributes``.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    Projection
        Phone network, weight ``calls``; edge attributes ``calls``, ``duration_s``,
        ``first_call``, ``last_call``.

    Raises
    ------
    ValueError
        When ``since`` or ``until`` is not a date or time, ``since`` is not before
        ``until``, or ``region`` is neither a name nor a non-empty list of names.
    """
    return _timed_network(
        driver, "phone_calls", "Phone", since, until, region, directed, attributes, database
    )


def co_offending_network(
    driver: neo4j.Driver,
    *,
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """People who are suspects in the same case (``SUSPECT_IN``), undirected.

    ``since`` / ``until`` select cases by the date they were opened (``since <= opened <
    until``, times cut off; cases without an opening date drop out when a bound is
    given); ``region`` by the case's region. Weight ``cases`` (shared cases);
    ``case_ids`` lists them.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    since, until : datetime, date, ISO string or None
        Only cases opened on ``since <= opened < until``.
    region : str or list of str, optional
        Only cases of these regions.
    attributes : bool, default True
        Also read the nodes' properties into ``node_attributes``.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    Projection
        Undirected person network, weight ``cases``; edge attributes ``cases`` and
        ``case_ids``.

    Raises
    ------
    ValueError
        When ``since`` or ``until`` is not a date or time, ``since`` is not before
        ``until``, or ``region`` is neither a name nor a non-empty list of names.
    """
    return _project(
        driver,
        "co_offending",
        "Person",
        [("co_offending", _case_params(since, until, region))],
        options=_options(since, until, region),
        directed=False,
        attributes=attributes,
        database=database,
    )


def co_location_network(
    driver: neo4j.Driver,
    *,
    window: timedelta | float | str = "1h",
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """People seen at the same location (``SEEN_AT``) within ``window`` of each other.

    ``window``: a timedelta, seconds, or a pandas duration string (``"30min"``, ``"2h"``);
    sightings exactly ``window`` apart count. ``since`` / ``until`` keep sightings with
    ``since <= at < until``; ``region`` keeps locations of those regions. Undirected;
    weight ``meetings`` (pairs of sightings, one of each person, within the window);
    ``strength``, ``location_ids``, ``first_meeting``, ``last_meeting``.

    ``strength`` discounts each meeting by how crowded the place was: for a sighting ``s``
    of person ``a`` at location ``l``, ``k(s)`` is the number of sightings at ``l`` by
    people other than ``a`` within ``window`` of ``s`` (the other person's included, so
    ``k >= 1``; only sightings kept by ``since``, ``until``, ``region`` count). A meeting of
    sightings ``s`` and ``t`` weighs ``2 / (k(s) + k(t))``; ``strength`` is the sum over the
    pair's meetings. Two people seen there with nobody else: 1; with ``n`` other
    sightings around both: ``1 / (n + 1)``.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    window : timedelta, float or str, default "1h"
        How far apart two sightings may be and still meet (seconds for a number).
    since, until : datetime, date, ISO string or None
        Only sightings with ``since <= at < until`` (naive values are UTC).
    region : str or list of str, optional
        Only locations of these regions.
    attributes : bool, default True
        Also read the nodes' properties into ``node_attributes``.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    Projection
        Undirected person network, weight ``meetings``; edge attributes ``meetings``,
        ``strength``, ``location_ids``, ``first_meeting``, ``last_meeting``.

    Raises
    ------
    ValueError
        When ``since`` or ``until`` is not a date or time, ``since`` is not before
        ``until``, or ``region`` is neither a name nor a non-empty list of names. Also
        when ``window`` is not a duration or is negative.
    """
    return _project(
        driver,
        "co_location",
        "Person",
        [("co_location", _sighting_params(window, since, until, region))],
        options=_options(since, until, region, window=_seconds(window)),
        directed=False,
        attributes=attributes,
        database=database,
    )


def transfer_network(
    driver: neo4j.Driver,
    *,
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    directed: bool = True,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """Seller -> buyer edges from ``Transfer`` events (``FROM`` -> ``TO``).

    ``since`` / ``until`` on the transfer's time (transfers without one drop out when a
    bound is given); ``region`` on the region of its location (``AT``). Weight
    ``transfers``; ``amount`` (total), ``first_transfer``, ``last_transfer``,
    ``transfer_ids`` and ``victims`` (person ids). ``directed=False`` folds both
    directions of a pair into one edge.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    since, until : datetime, date, ISO string or None
        Only transfers with ``since <= at < until``.
    region : str or list of str, optional
        Only transfers at locations of these regions.
    directed : bool, default True
        Seller -> buyer edges; False folds both directions of a pair into one edge.
    attributes : bool, default True
        Also read the nodes' properties into ``node_attributes``.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    Projection
        Person network, weight ``transfers``; edge attributes ``transfers``, ``amount``,
        ``first_transfer``, ``last_transfer``, ``transfer_ids``, ``victims``.

    Raises
    ------
    ValueError
        When ``since`` or ``until`` is not a date or time, ``since`` is not before
        ``until``, or ``region`` is neither a name nor a non-empty list of names.
    """
    return _timed_network(
        driver, "transfers", "Person", since, until, region, directed, attributes, database
    )


def tie_network(
    driver: neo4j.Driver,
    *,
    kinds: str | Sequence[str] | None = None,
    periods: str | Sequence[str] | None = None,
    directed: bool = False,
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """People linked by ``TIE`` relationships: the ``ties`` loaded from network files.

    Parameters
    ----------
    driver : neo4j.Driver
    kinds, periods : str, list of str or None
        Only ties of these ``kind`` / ``period`` values (None: all).
    directed : bool
        Each tie as stored (an undirected tie points from the person its file lists
        first); otherwise one edge per pair, both directions summed.
    since, until, region
        Ties carry a ``period`` label, not times, and people no region: these must stay
        None (they are here so that every projection takes the same options).
    attributes : bool
        Also read the people's properties into ``node_attributes``.
    database : str or None

    Returns
    -------
    Projection
        Weight ``weight`` (the ties' weights summed over kinds and periods); edge
        attributes ``weight``, ``ties`` (how many TIE relationships) and ``kinds``.
    """
    if since is not None or until is not None or region is not None:
        raise ValueError(
            "the ties projection has no times or regions (ties carry a period label): "
            "choose ties with kinds= and periods="
        )
    params = {"kinds": _labels(kinds, "kinds"), "periods": _labels(periods, "periods")}
    return _project(
        driver,
        "ties",
        "Person",
        [("ties", params)],
        options={**params, "directed": directed},
        directed=directed,
        attributes=attributes,
        database=database,
    )


def _labels(value: str | Sequence[str] | None, name: str) -> list[str] | None:
    if value is None:
        return None
    values = [value] if isinstance(value, str) else list(value)
    if not values or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"{name} must be a name or a non-empty list of names, not {value!r}")
    return values


def multiplex_network(
    driver: neo4j.Driver,
    *,
    layers: Sequence[str] = LAYERS,
    since: TimeLike = None,
    until: TimeLike = None,
    region: RegionLike = None,
    window: timedelta | float | str = "1h",
    weights: Mapping[str, float] | None = MULTIPLEX_WEIGHTS,
    attributes: bool = True,
    database: str | None = None,
) -> Projection:
    """Several person networks over the same people: one edge per pair and ``layer``.

    ``layers``: any of :data:`LAYERS` (``calls`` is :func:`person_call_network`).
    Undirected (transfers folded); ``since``, ``until`` and ``region`` apply to every
    layer as in its own function, ``window`` to ``co_location``. The edge attribute
    ``layer`` names the layer; attributes of other layers are empty. All layers are read
    in one transaction. ``edge_arrays()`` sums the layers' weights (the weighted sum);
    :meth:`Projection.layer` picks one.

    ``weights``: layer -> factor (default :data:`MULTIPLEX_WEIGHTS`, in call
    equivalents); an edge's ``weight`` is its layer's factor times the layer's measure
    (:data:`LAYER_MEASURES`: ``calls``, ``cases``, co-location ``strength``,
    ``transfers``), which stay edge attributes. It must give a factor (a number >= 0) for
    every chosen layer. ``None``: each layer's own weight unscaled (``calls``, ``cases``,
    ``meetings``, ``transfers``). The factors used are in ``params["weights"]``.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    layers : sequence of str, default LAYERS
        The layers to read, a non-empty selection of :data:`LAYERS`.
    since, until : datetime, date, ISO string or None
        Time bounds, applied to every layer as in its own function.
    region : str or list of str, optional
        Regions, applied to every layer as in its own function.
    window : timedelta, float or str, default "1h"
        The co-location window (see :func:`co_location_network`).
    weights : mapping of str to float or None, default MULTIPLEX_WEIGHTS
        Factor per layer, or None for each layer's own weight unscaled.
    attributes : bool, default True
        Also read the nodes' properties into ``node_attributes``.
    database : str or None, default None
        The Neo4j database; None means the server's default.

    Returns
    -------
    Projection
        Undirected person network with one edge per pair and layer; edge attribute
        ``layer``, ``weight`` and the layers' own attributes.

    Raises
    ------
    ValueError
        When ``since`` or ``until`` is not a date or time, ``since`` is not before
        ``until``, or ``region`` is neither a name nor a non-empty list of names. Also
        when ``layers`` is empty or names an unknown layer, or ``weights`` does not
        give a number >= 0 for every chosen layer.
    """
    chosen = list(dict.fromkeys([layers] if isinstance(layers, str) else layers))
    unknown = [x for x in chosen if x not in LAYERS]
    if unknown or not chosen:
        raise ValueError(f"layers must be a non-empty selection of {LAYERS}, not {layers!r}")
    factors = _layer_weights(weights, chosen)
    params: dict[str, Callable[[], dict[str, Any]]] = {
        "calls": lambda: _time_params(since, until, region),
        "co_offending": lambda: _case_params(since, until, region),
        "co_location": lambda: _sighting_params(window, since, until, region),
        "transfers": lambda: _time_params(since, until, region),
    }
    return _project(
        driver,
        "multiplex",
        "Person",
        [(x, params[x]()) for x in chosen],
        options=_options(
            since, until, region, window=_seconds(window), layers=chosen, weights=factors
        ),
        directed=False,
        attributes=attributes,
        database=database,
        multiplex=True,
        layer_weights=factors,
    )


def _layer_weights(
    weights: Mapping[str, float] | None, layers: list[str]
) -> dict[str, float] | None:
    """The factors of the chosen layers (JSON-ready), checked; None stays None."""
    if weights is None:
        return None
    if not isinstance(weights, Mapping):
        raise ValueError(f"weights must map layers to numbers, not {weights!r}")
    unknown = [x for x in weights if x not in LAYERS]
    missing = [x for x in layers if x not in weights]
    if unknown or missing:
        raise ValueError(
            f"weights must give a factor for each layer of {layers} (layers: {LAYERS}), "
            f"not {dict(weights)!r}"
        )
    out = {}
    for x in layers:
        w = weights[x]
        if isinstance(w, bool) or not isinstance(w, int | float) or not 0 <= w < float("inf"):
            raise ValueError(f"weight of layer {x!r} must be a number >= 0, not {w!r}")
        out[x] = float(w)
    return out


#: Projection name -> function; ``project(driver, name, **options)`` runs one.
PROJECTIONS: dict[str, Callable[..., Projection]] = {
    "person_calls": person_call_network,
    "phone_calls": phone_call_network,
    "co_offending": co_offending_network,
    "co_location": co_location_network,
    "transfers": transfer_network,
    "ties": tie_network,
    "multiplex": multiplex_network,
}


def project(driver: neo4j.Driver, name: str, **options: Any) -> Projection:
    """Run the projection called ``name`` (see :data:`PROJECTIONS`) with ``options``.

    ``project(driver, p.name, **p.params)`` repeats projection ``p``.

    Parameters
    ----------
    driver : neo4j.Driver
        An open driver (see :func:`netintel.config.driver`).
    name : str
        A key of :data:`PROJECTIONS`.
    **options
        Keyword arguments of that projection's function.

    Returns
    -------
    Projection
        What the projection's function returns.

    Raises
    ------
    ValueError
        When ``name`` is not a known projection (or an option is invalid).

    Examples
    --------
    >>> sorted(PROJECTIONS)
    ['co_location', 'co_offending', 'multiplex', 'person_calls', 'phone_calls', 'ties', 'transfers']
    """
    try:
        fn = PROJECTIONS[name]
    except KeyError:
        raise ValueError(
            f"unknown projection {name!r}; known: {', '.join(sorted(PROJECTIONS))}"
        ) from None
    return fn(driver, **options)

"""Projection snapshots: a :class:`~netintel.projection.Projection` as Parquet files.

A batch on a cluster whose workers cannot reach the database (``run_batch(...,
snapshot="parquet")``, see ``docs/scale.md``) reads each projection once, here, and the
workers read the snapshot instead of Neo4j. A snapshot is a folder::

    <folder>/edges.parquet    src, dst (node indices), weight, then the edge attributes
    <folder>/nodes.parquet    node key, then the node attributes
    <folder>/projection.json  name, label, params, queries, weight column, flags, input hash

:func:`read_snapshot` gives back an equal projection (the same node index, edge arrays,
attributes and :attr:`~netintel.projection.Projection.input_hash`) and checks the hash,
so a damaged or edited snapshot is refused.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from netintel.algorithms.results import graph_hash, to_jsonable
from netintel.exceptions import BatchError
from netintel.projection import Projection, _make

__all__ = ["SNAPSHOT_FORMAT", "read_snapshot", "write_snapshot"]

#: The ``format`` of ``projection.json``.
SNAPSHOT_FORMAT = "netintel-projection-snapshot/1"

_META = "projection.json"
# edge columns the snapshot itself uses; attributes of these names are stored prefixed
_EDGE_COLUMNS = ("src", "dst", "weight")
_PREFIX = "attr:"


def write_snapshot(proj: Projection, folder: str | Path) -> Path:
    """Write ``proj`` as a snapshot folder (under a temporary name, then renamed).

    A snapshot already in ``folder`` is replaced.

    Parameters
    ----------
    proj : Projection
    folder : path
        Created with its parents.

    Returns
    -------
    Path
        The folder.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np, pandas as pd
    >>> from netintel.projection import Projection
    >>> proj = Projection(
    ...     name="ties", label="Person", params={}, queries={},
    ...     nodes=np.array(["P1", "P2", "P3"], dtype=object),
    ...     node_attributes=pd.DataFrame({"name": ["Ann", "Bo", None]},
    ...                                  index=pd.Index(["P1", "P2", "P3"], name="person_id")),
    ...     src=np.array([0, 1]), dst=np.array([1, 2]), weight=np.array([2.0, 1.0]),
    ...     edge_attributes=pd.DataFrame({"ties": [2, 1]}), weight_column="ties",
    ...     directed=False)
    >>> folder = write_snapshot(proj, tempfile.mkdtemp())
    >>> back = read_snapshot(folder)
    >>> back.nodes.tolist(), back.weight.tolist(), back.input_hash == proj.input_hash
    (['P1', 'P2', 'P3'], [2.0, 1.0], True)
    """
    out = Path(folder)
    meta = _meta(proj)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    edges = pd.DataFrame({"src": proj.src, "dst": proj.dst, "weight": proj.weight})
    attrs = proj.edge_attributes.reset_index(drop=True)
    for c in attrs.columns:
        edges[f"{_PREFIX}{c}"] = attrs[c].to_numpy()
    edges.to_parquet(tmp / "edges.parquet", index=False)
    nodes = proj.node_attributes.copy()
    nodes.columns = [f"{_PREFIX}{c}" for c in nodes.columns]
    nodes.insert(0, "key", proj.nodes)
    nodes.reset_index(drop=True).to_parquet(tmp / "nodes.parquet", index=False)
    (tmp / _META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", "utf-8")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, out)
    return out


def _meta(proj: Projection) -> dict[str, Any]:
    data = {
        "format": SNAPSHOT_FORMAT,
        "name": proj.name,
        "label": proj.label,
        "params": dict(proj.params),
        "queries": {k: dict(v) for k, v in proj.queries.items()},
        "weight_column": proj.weight_column,
        "directed": proj.directed,
        "multigraph": proj.multigraph,
        "node_index": proj.node_attributes.index.name,
        "nodes": proj.n,
        "edges": proj.m,
        "input_hash": proj.input_hash,
        "started": proj.started,
        "seconds": proj.seconds,
    }
    result: dict[str, Any] = json.loads(json.dumps(to_jsonable(data), sort_keys=True))
    return result


def read_snapshot(folder: str | Path) -> Projection:
    """The projection of a snapshot folder written by :func:`write_snapshot`.

    A missing or damaged snapshot, or one whose data no longer gives its input hash,
    raises :class:`~netintel.exceptions.BatchError` naming the folder.

    Parameters
    ----------
    folder : str or pathlib.Path
        The snapshot folder.

    Returns
    -------
    Projection
        The projection as it was written, with its input hash.

    Raises
    ------
    BatchError
        When the folder holds no readable snapshot of this format, or its edges do not
        give the snapshot's input hash.
    """
    where = Path(folder)
    try:
        meta = json.loads((where / _META).read_text("utf-8"))
        edges = pd.read_parquet(where / "edges.parquet")
        nodes = pd.read_parquet(where / "nodes.parquet")
    except (OSError, ValueError) as err:
        raise BatchError(f"{where}: not a readable projection snapshot ({err})") from None
    if meta.get("format") != SNAPSHOT_FORMAT:
        raise BatchError(f"{where}: not a projection snapshot of format {SNAPSHOT_FORMAT}")
    keys = np.empty(len(nodes), dtype=object)
    keys[:] = nodes["key"].tolist()
    node_attrs = nodes.drop(columns=["key"])
    node_attrs.columns = [c.removeprefix(_PREFIX) for c in node_attrs.columns]
    node_attrs.index = pd.Index(keys, name=meta["node_index"])
    attrs = edges.drop(columns=list(_EDGE_COLUMNS))
    attrs.columns = [c.removeprefix(_PREFIX) for c in attrs.columns]
    if "records" in attrs.columns:  # evidence records: lists of mappings, times in UTC again
        column = np.empty(len(attrs), dtype=object)
        for i, recs in enumerate(attrs["records"].tolist()):
            column[i] = _evidence(recs)
        attrs["records"] = column
    proj = _make(
        name=meta["name"],
        label=meta["label"],
        params=meta["params"],
        queries=meta["queries"],
        nodes=keys,
        src=edges["src"].to_numpy(dtype=np.int64),
        dst=edges["dst"].to_numpy(dtype=np.int64),
        weight=edges["weight"].to_numpy(dtype=np.float64),
        attrs=attrs,
        weight_column=meta["weight_column"],
        directed=meta["directed"],
        node_attributes=node_attrs,
        started=meta["started"],
        seconds=meta["seconds"],
        multigraph=meta["multigraph"],
    )
    if graph_hash(proj.edge_arrays()) != meta["input_hash"]:
        raise BatchError(f"{where}: the edges do not give the snapshot's input hash; rewrite it")
    return proj


def _evidence(records: Any) -> list[dict[str, Any]] | None:
    """Evidence records read back from Parquet: a list of dicts, ``at`` a UTC timestamp
    (None, as written, on the edges of a multiplex layer without records)."""
    if records is None:
        return None
    out = []
    for rec in records:
        row = dict(rec)
        if row.get("at") is not None:
            at = pd.Timestamp(row["at"])
            row["at"] = at.tz_localize("UTC") if at.tzinfo is None else at.tz_convert("UTC")
        out.append(row)
    return out

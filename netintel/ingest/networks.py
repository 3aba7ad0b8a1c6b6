"""Readers of network files (adjacency matrices, edge lists, GraphML, GEXF) into ties.

Every reader returns a :class:`NetworkFile`: the ingest's :class:`~netintel.ingest.read.RawFile`
shape, one row per tie with the columns of the ``ties`` record type (``from_id``, ``to_id``,
``weight``, ``directed``, and for graph files every edge attribute), plus the people the file
lists, so that people without ties (isolates) are created too. What a *row* is:

* **adjacency matrix** (``layout: matrix``; UCINET CSV with labels in the first row and column,
  BOM or not; a workbook sheet works too): one tie per non-zero cell. A symmetric matrix holds
  each undirected tie twice, so only the cells on and above the diagonal are rows and each
  becomes one relationship with ``directed = false``, from the person listed first to the one
  listed later. A matrix that is not symmetric is directed: every non-zero cell is a row, from
  the row's person to the column's. A constant ``directed`` in the mapping overrides the
  choice. A tie's row number is the row of the file that holds the cell (header = row 1); a
  cell that is not a number, or is negative, is a reject naming its row and column.
* **edge list** (``layout: edges``): one tie per line, ``from to [weight]``, no header, fields
  separated by white space (or the mapping's ``delimiter``); ``#`` starts a comment line. The
  row number is the line number.
* **GraphML / GEXF** (by suffix ``.graphml``, ``.gexf``): one tie per edge, read by networkx;
  row *n* is the *n*-th edge as networkx lists them (by node, in file order), and a person's
  row is its node's position among the nodes. Edge attributes
  named like ties columns (``weight``, ``kind``, ``period``, ``reference``) are used, others
  can be mapped with ``columns:``. An undirected graph's edges get ``directed = false``.

A ``ties`` file laid out as a table (a header row naming the columns, e.g. ``ties.csv``) needs
no reader of its own: it is read like any other record file.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "gang.csv").write_text(
...     "\\ufeff,A,B,C\\nA,0,2,0\\nB,2,0,1\\nC,0,1,0\\n", encoding="utf-8")
>>> net = read_matrix_ties(folder / "gang.csv")
>>> net.frame[["from_id", "to_id", "weight", "directed", ROW]].values.tolist()
[['A', 'B', '2', 'false', 2], ['B', 'C', '1', 'false', 3]]
>>> net.rows_read, net.persons
(2, {'A': 2, 'B': 3, 'C': 4})
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netintel.exceptions import InputFileError
from netintel.ingest.mapping import FileMapping
from netintel.ingest.normalise import clean_text
from netintel.ingest.prepare import Prepared
from netintel.ingest.read import ROW, RawFile, read_file
from netintel.values import file_sha256

__all__ = [
    "NETWORK_SUFFIXES",
    "AdjacencyMatrix",
    "NetworkFile",
    "add_listed_persons",
    "is_network",
    "read_adjacency",
    "read_edge_list",
    "read_graph_ties",
    "read_matrix_ties",
    "read_network",
    "record_for",
]

#: Suffixes read as graph files into ``ties`` without a mapping entry.
NETWORK_SUFFIXES = (".graphml", ".gexf")

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


@dataclass
class NetworkFile(RawFile):
    """Ties read from a network file, and every person the file lists.

    ``persons`` maps a person id to the row that lists it: the label's row of a matrix, the
    line of the first tie naming it in an edge list, the node's position among the nodes of
    a graph file (*n*-th node; ties count edges).
    """

    persons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AdjacencyMatrix:
    """A square matrix read from a file: labels, cell values, and the cells that are not numbers.

    ``values`` holds NaN where a cell is not a number or is negative; ``problems`` lists those
    cells as (row number in the file, column index, cell text, reason). ``rows[i]`` is the
    file's row number of label ``i``.
    """

    path: str
    labels: tuple[str, ...]
    values: np.ndarray
    texts: np.ndarray
    rows: tuple[int, ...]
    problems: tuple[tuple[int, int, str, str], ...]
    raw: RawFile

    @property
    def symmetric(self) -> bool:
        """Every cell equals its mirror (cells that are not numbers compare as text)."""
        v = self.values
        same = (v == v.T) | (np.isnan(v) & np.isnan(v.T) & (self.texts == self.texts.T))
        return bool(same.all())


def record_for(path: Path, fm: FileMapping | None) -> str:
    """The record type of an input: its mapping entry's, ``ties`` for a graph file, else its
    file name's stem (``calls.csv`` -> ``calls``).

    Parameters
    ----------
    path : pathlib.Path
        The input file.
    fm : FileMapping or None
        Its mapping entry, if any.

    Returns
    -------
    str
        The record type's name.
    """
    if fm is not None:
        return fm.record
    return "ties" if path.suffix.lower() in NETWORK_SUFFIXES else path.stem


def is_network(path: Path, fm: FileMapping | None) -> bool:
    """True when ``path`` is read by :func:`read_network`, not as a table.

    Parameters
    ----------
    path : pathlib.Path
        The input file.
    fm : FileMapping or None
        Its mapping entry, if any.

    Returns
    -------
    bool
        Whether the input is a network file.
    """
    if path.suffix.lower() in NETWORK_SUFFIXES:
        return True
    return fm is not None and fm.record == "ties" and fm.layout in ("edges", "matrix")


def read_network(path: str | Path, fm: FileMapping | None = None) -> NetworkFile:
    """Read a matrix, edge list, GraphML or GEXF file as ties (see the module's notes).

    Parameters
    ----------
    path : str or pathlib.Path
        The network file.
    fm : FileMapping or None, default None
        Its mapping entry (its ``layout`` says how to read a file whose suffix does not).

    Returns
    -------
    NetworkFile
        The ties as rows, the people listed and the rows rejected while parsing.

    Raises
    ------
    InputFileError
        When the file is not a network file or cannot be read as one.
    """
    p = Path(path)
    if fm is not None and fm.record != "ties":
        raise InputFileError(
            str(p), f"a network file holds ties, but its mapping entry says record {fm.record!r}"
        )
    if p.suffix.lower() in NETWORK_SUFFIXES:
        return read_graph_ties(p, directed=_constant_directed(p, fm))
    layout = fm.layout if fm else None
    encoding = fm.encoding if fm else None
    if layout == "edges":
        delimiter = fm.delimiter if fm else None
        return read_edge_list(p, encoding=encoding, delimiter=delimiter)
    if layout == "matrix":
        directed = _constant_directed(p, fm)
        return read_matrix_ties(
            p,
            encoding=encoding,
            delimiter=fm.delimiter if fm else None,
            sheet=fm.sheet if fm else 0,
            directed=directed,
        )
    raise InputFileError(str(p), "not a network file: give it a mapping entry with layout")


def _constant_directed(path: Path, fm: FileMapping | None) -> bool | None:
    if fm is None or "directed" not in fm.constants:
        return None
    text = str(fm.constants["directed"]).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputFileError(str(path), f"constant directed must be true or false, not {text!r}")


def _frame(records: list[tuple[Any, ...]], names: Sequence[str]) -> pd.DataFrame:
    """Text columns (None where missing) and the row numbers, as :class:`RawFile` holds them."""
    columns = list(zip(*records, strict=True)) if records else [()] * (len(names) + 1)
    frame = pd.DataFrame(
        {
            name: pd.Series(list(values), dtype=object)
            for name, values in zip(names, columns, strict=False)
        }
    )
    frame[ROW] = np.asarray(columns[-1], dtype=np.int64)
    return frame


# ------------------------------------------------------------------------ matrices


def read_adjacency(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int = 0,
) -> AdjacencyMatrix:
    """Read a square adjacency matrix: labels in the first row and the first column.

    An empty cell is 0. Raises :class:`InputFileError` when the file is not a square matrix
    (the labels of rows and columns differ), a label repeats, or a line cannot be split.

    Parameters
    ----------
    path : str or pathlib.Path
        The matrix file (text table or workbook).
    encoding : str or None, default None
        The text encoding; None means UTF-8, else guessed.
    delimiter : str or None, default None
        The field delimiter; None means sniffed (or white space for an edge list).
    sheet : str or int, default 0
        The workbook sheet, by name or position.

    Returns
    -------
    AdjacencyMatrix
        The labels, the values (NaN for a bad cell) and the problems found.

    Raises
    ------
    InputFileError
        When the file is not a square matrix, a label repeats, or a line cannot be split.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = f.write_text(",a,b\\na,0,x\\nb,-1,\\n", encoding="utf-8")
    >>> m = read_adjacency(f)
    >>> m.labels, m.values.tolist()[1], [p[1:] for p in m.problems]
    (('a', 'b'), [nan, 0.0], [(1, 'x', 'not a number'), (0, '-1', 'a tie weight must be >= 0')])
    """
    raw = read_file(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    where = str(raw.path)
    if raw.parse_rejects:
        row, _, reason = raw.parse_rejects[0]
        raise InputFileError(where, f"not an adjacency matrix: {reason}", row=row)
    frame = raw.frame
    columns = [c for c in frame.columns if c != ROW]
    cols = [str(c).strip() for c in columns[1:]]
    rows = ["" if v is None else str(v).strip() for v in frame[columns[0]].tolist()]
    if rows != cols:
        diff = next((i for i, (r, c) in enumerate(zip(rows, cols, strict=False)) if r != c), None)
        what = (
            f"row label {rows[diff]!r} vs column label {cols[diff]!r} at position {diff + 1}"
            if diff is not None
            else f"{len(rows)} rows but {len(cols)} columns"
        )
        raise InputFileError(where, f"not a square adjacency matrix: {what}")
    if len(set(rows)) != len(rows):
        dup = next(r for r in rows if rows.count(r) > 1)
        raise InputFileError(where, f"actor label {dup!r} appears twice")
    n = len(rows)
    texts = np.empty((n, n), dtype=object)
    values = np.zeros((n, n), dtype=np.float64)
    problems: list[tuple[int, int, str, str]] = []
    numbers = frame[ROW].tolist()
    for j, column in enumerate(columns[1:]):
        for i, cell in enumerate(frame[column].tolist()):
            text = "" if cell is None else str(cell).strip()
            texts[i, j] = text
            try:
                value = float(text) if text else 0.0
            except ValueError:
                value, reason = math.nan, "not a number"
            else:
                reason = "" if math.isfinite(value) and value >= 0 else "a tie weight must be >= 0"
            if reason:
                value = math.nan
                problems.append((int(numbers[i]), j, text, reason))
            values[i, j] = value
    problems.sort()
    return AdjacencyMatrix(
        where, tuple(rows), values, texts, tuple(int(r) for r in numbers), tuple(problems), raw
    )


def read_matrix_ties(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int = 0,
    directed: bool | None = None,
) -> NetworkFile:
    """The ties of an adjacency matrix: one row per non-zero cell (upper triangle if symmetric).

    ``directed``: None decides by symmetry (see the module's notes); True takes every cell;
    False takes the upper triangle of a symmetric matrix and refuses an asymmetric one
    (which tie would it keep?).

    Parameters
    ----------
    path : str or pathlib.Path
        The matrix file.
    encoding : str or None, default None
        The text encoding; None means UTF-8, else guessed.
    delimiter : str or None, default None
        The field delimiter; None means sniffed (or white space for an edge list).
    sheet : str or int, default 0
        The workbook sheet, by name or position.
    directed : bool or None, default None
        Whether the ties are directed; None decides by symmetry.

    Returns
    -------
    NetworkFile
        One row per tie.

    Raises
    ------
    InputFileError
        As :func:`read_adjacency`, and when ``directed=False`` meets an asymmetric matrix.
    """
    m = read_adjacency(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    symmetric = m.symmetric
    if directed is None:
        directed = not symmetric
    elif not directed and not symmetric:
        raise InputFileError(
            m.path,
            "the matrix is not symmetric, so its ties cannot be undirected "
            "(drop the constant directed: false)",
        )
    mask = np.ones(m.values.shape, dtype=bool) if directed else np.triu(np.ones_like(m.values))
    mask = mask.astype(bool)
    labels = m.labels
    bad = {(row, j): (text, reason) for row, j, text, reason in m.problems}
    row_of = dict(enumerate(m.rows))
    records: list[tuple[str, str, str, int]] = []
    rejects: list[tuple[int, str, str]] = []
    for i, j in zip(*np.nonzero(mask & ((m.values != 0) | np.isnan(m.values))), strict=True):
        row = row_of[int(i)]
        if (row, int(j)) in bad:
            text, reason = bad[(row, int(j))]
            rejects.append(
                (row, text, f"cell in column {labels[j]!r} (column {j + 2}): {reason}: {text!r}")
            )
            continue
        records.append((labels[i], labels[j], m.texts[i, j], row))
    flag = "true" if directed else "false"
    frame = _frame(
        [(a, b, w, flag, r) for a, b, w, r in records], ("from_id", "to_id", "weight", "directed")
    )
    persons: dict[str, int] = {}
    for label, row in zip(labels, m.rows, strict=True):
        key = clean_text(label)
        if key is not None:
            persons.setdefault(key, row)
    return NetworkFile(
        m.raw.path,
        frame,
        m.raw.encoding,
        m.raw.sha256,
        len(records) + len(rejects),
        rejects,
        persons=persons,
    )


# ---------------------------------------------------------------------- edge lists


def read_edge_list(
    path: str | Path, *, encoding: str | None = None, delimiter: str | None = None
) -> NetworkFile:
    """The ties of a plain edge list: ``from to [weight]`` per line, no header.

    Fields are split on white space, or on ``delimiter``; blank lines and lines starting
    with ``#`` are not rows. A line with fewer than two or more than three fields is a reject.

    Parameters
    ----------
    path : str or pathlib.Path
        The edge list file.
    encoding : str or None, default None
        The text encoding; None means UTF-8, else guessed.
    delimiter : str or None, default None
        The field delimiter; None means sniffed (or white space for an edge list).

    Returns
    -------
    NetworkFile
        One row per edge line; bad lines in ``parse_rejects``.

    Raises
    ------
    InputFileError
        When the file is missing or has no edges.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "e.txt"
    >>> _ = f.write_text("# comm\\n0 15\\n2 57 3\\n9\\n", encoding="utf-8")
    >>> net = read_edge_list(f)
    >>> net.frame[["from_id", "to_id", "weight", ROW]].values.tolist()
    [['0', '15', None, 2], ['2', '57', '3', 3]]
    >>> net.parse_rejects
    [(4, '9', '1 field(s): an edge list line holds from, to and an optional weight')]
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(str(p), "no such file")
    data = p.read_bytes()
    text, enc = _decode_text(p, data, encoding)
    records: list[tuple[str, str, str | None, int]] = []
    rejects: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if delimiter is None:
            fields = stripped.split()
        else:
            fields = [f.strip() for f in next(csv.reader(io.StringIO(line), delimiter=delimiter))]
        if len(fields) not in (2, 3):
            rejects.append(
                (
                    number,
                    line,
                    f"{len(fields)} field(s): an edge list line holds from, to and an "
                    "optional weight",
                )
            )
            continue
        weight = fields[2] if len(fields) == 3 else None
        records.append((fields[0], fields[1], weight, number))
    if not records and not rejects:
        raise InputFileError(str(p), "the edge list has no edges")
    frame = _frame(records, ("from_id", "to_id", "weight"))
    persons: dict[str, int] = {}
    for a, b, _, row in records:
        for key in (clean_text(a), clean_text(b)):
            if key is not None:
                persons.setdefault(key, row)
    return NetworkFile(
        str(p), frame, enc, file_sha256(p), len(records) + len(rejects), rejects, persons=persons
    )


def _decode_text(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    from netintel.ingest.read import ENCODINGS

    tried = (encoding,) if encoding else ENCODINGS
    for enc in tried:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise InputFileError(str(path), f"unknown encoding {encoding!r}") from None
    raise InputFileError(
        str(path), f"cannot decode the file as any of {', '.join(tried)} (set its encoding)"
    )


# -------------------------------------------------------------------- graph files


def read_graph_ties(path: str | Path, *, directed: bool | None = None) -> NetworkFile:
    """The ties of a GraphML or GEXF file: one row per edge, every edge attribute a column.

    ``directed``: the ties' ``directed`` value; None takes the graph's (undirected: false).

    Parameters
    ----------
    path : str or pathlib.Path
        The GraphML or GEXF file.
    directed : bool or None, default None
        The ties' ``directed`` value; None takes the graph's.

    Returns
    -------
    NetworkFile
        One row per edge; ``persons`` lists every node.

    Raises
    ------
    InputFileError
        When the file is missing, unreadable or has no edges.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> G = nx.Graph([("a", "b", {"weight": 2.0, "kind": "trust"})]); G.add_node("c")
    >>> nx.write_graphml(G, f)
    >>> net = read_graph_ties(f)
    >>> net.frame.drop(columns=ROW).to_dict("records")
    [{'from_id': 'a', 'to_id': 'b', 'directed': 'false', 'weight': '2.0', 'kind': 'trust'}]
    >>> net.persons
    {'a': 1, 'b': 2, 'c': 3}
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(str(p), "no such file")
    suffix = p.suffix.lower()
    try:
        G = nx.read_graphml(p) if suffix == ".graphml" else nx.read_gexf(p)
    except (nx.NetworkXError, ValueError, KeyError, SyntaxError) as err:
        kind = "GraphML" if suffix == ".graphml" else "GEXF"
        raise InputFileError(str(p), f"not a readable {kind} file: {err}") from None
    flag = "true" if (G.is_directed() if directed is None else directed) else "false"
    edges: Any = G.edges(keys=True, data=True) if G.is_multigraph() else G.edges(data=True)
    records: list[dict[str, Any]] = []
    for number, edge in enumerate(edges, start=1):
        u, v, data = edge[0], edge[1], edge[-1]
        row: dict[str, Any] = {"from_id": str(u), "to_id": str(v), "directed": flag}
        for name, value in data.items():
            if name not in row:
                row[name] = _attr_text(value)
        row[ROW] = number
        records.append(row)
    if not records:
        raise InputFileError(str(p), "the graph has no edges")
    names = list(dict.fromkeys(k for rec in records for k in rec if k != ROW))
    frame = _frame([(*(rec.get(k) for k in names), rec[ROW]) for rec in records], names)
    persons: dict[str, int] = {}
    for number, node in enumerate(G.nodes, start=1):
        key = clean_text(str(node))
        if key is not None:
            persons.setdefault(key, number)
    return NetworkFile(str(p), frame, "xml", file_sha256(p), len(records), [], persons=persons)


def _attr_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


# ------------------------------------------------------------ people of a network


def add_listed_persons(prepared: list[Prepared]) -> None:
    """Add every person a network file lists to the nodes its ingest creates.

    The ties' endpoints are created anyway; this adds the people without a loaded tie
    (isolates of a matrix or graph, people whose only ties were rejected), with the row
    that lists them as provenance.

    Parameters
    ----------
    prepared : list of Prepared
        The prepared files of an ingest; the persons file's rows are extended in place.
    """
    for prep in prepared:
        if not isinstance(prep.raw, NetworkFile) or prep.record.relationship is None:
            continue
        people = prep.endpoints.setdefault("Person", {})
        for key, row in prep.raw.persons.items():
            if key not in people:
                people[key] = (row, {})

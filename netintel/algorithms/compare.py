"""Two partitions of the same people compared: NMI, ARI, matched communities, who moved.

Pure: no database. :func:`compare_partitions` takes two partitions (a
:class:`~netintel.algorithms.Communities`, a mapping node -> community, or anything with a
``membership`` mapping and a ``run_id``, such as a :class:`~netintel.runs.StoredRun`) and
matches their communities one-to-one by overlap. :func:`greedy_matching` is the one-to-one
matcher that takes candidate pairs best first; it also names the tracks of
:func:`~netintel.algorithms.track_communities`.

Examples
--------
>>> c = compare_partitions({1: 0, 2: 0, 3: 1}, {1: "x", 2: "x", 3: "x"})
>>> c.moved_nodes, c.matching["community_b"].tolist()
([3], ['x', nan])
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from netintel.algorithms.communities import Communities, ari, nmi
from netintel.algorithms.results import ResultMixin, table_dict, to_jsonable

__all__ = ["RunComparison", "compare_partitions", "greedy_matching"]

#: Largest contingency table matched exactly (Hungarian); larger ones are matched greedily.
_EXACT_MATCHING_CELLS = 4_000_000

_A = TypeVar("_A", bound=Hashable)
_B = TypeVar("_B", bound=Hashable)


@dataclass(frozen=True, eq=False)
class RunComparison(ResultMixin):
    """Two partitions compared on the nodes they share.

    Attributes
    ----------
    run_a, run_b : str or None
        The run ids (None for partitions that were not read from the database).
    nmi, ari : float
        On the shared nodes.
    nodes : int
        How many nodes both partitions hold; ``only_in_a`` / ``only_in_b`` the others.
    matching : pandas.DataFrame
        Communities matched one-to-one by overlap (maximum total overlap): columns
        ``community_a``, ``community_b`` (``<NA>`` when unmatched), ``overlap``,
        ``size_a``, ``size_b``, ``jaccard``.
    moved : pandas.DataFrame
        Nodes whose community in b is not the match of their community in a:
        ``node``, ``community_a``, ``community_b``, ``expected_b`` (the match, or
        ``<NA>``).
    """

    run_a: str | None
    run_b: str | None
    nmi: float
    ari: float
    nodes: int
    only_in_a: tuple[Hashable, ...]
    only_in_b: tuple[Hashable, ...]
    matching: pd.DataFrame
    moved: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def moved_nodes(self) -> list[Hashable]:
        """The nodes that moved."""
        return self.moved["node"].tolist()

    def to_frame(self) -> pd.DataFrame:
        """The moved nodes (see ``moved``)."""
        return self.moved.copy()

    def to_dict(self) -> dict[str, Any]:
        """The comparison as plain JSON types."""
        plain = ("run_a", "run_b", "nmi", "ari", "nodes")
        return {
            **{name: getattr(self, name) for name in plain},
            "only_in_a": to_jsonable(list(self.only_in_a)),
            "only_in_b": to_jsonable(list(self.only_in_b)),
            "matching": table_dict(self.matching),
            "moved": table_dict(self.moved),
            "notes": list(self.notes),
        }


def greedy_matching(pairs: Iterable[tuple[_A, _B]]) -> list[tuple[_A, _B]]:
    """One-to-one matching taken greedily from candidate pairs, best first.

    Each pair ``(a, b)`` is kept when neither ``a`` nor ``b`` is in a pair kept before,
    so the order of ``pairs`` (best first) decides every conflict.

    Parameters
    ----------
    pairs : iterable of (a, b)
        Candidate pairs, best first.

    Returns
    -------
    list of (a, b)
        The pairs kept, in the order given.

    Examples
    --------
    >>> greedy_matching([("x", 1), ("x", 2), ("y", 1), ("y", 2), ("z", 3)])
    [('x', 1), ('y', 2), ('z', 3)]
    """
    used_a: set[_A] = set()
    used_b: set[_B] = set()
    out = []
    for a, b in pairs:
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            out.append((a, b))
    return out


def _partition(p: Any, which: str) -> tuple[str | None, dict[Hashable, Any]]:
    if isinstance(p, Communities):
        return None, dict(p.membership)
    if isinstance(p, Mapping):
        return None, dict(p)
    if hasattr(p, "run_id") and hasattr(p, "membership"):  # a StoredRun
        return p.run_id, p.membership
    raise ValueError(
        f"run {which} must be a StoredRun, a Communities or a mapping node -> community, "
        f"not {type(p).__name__}"
    )


def _match(table: np.ndarray) -> list[tuple[int, int]]:
    """One-to-one matching of rows to columns with maximum total overlap (> 0)."""
    if table.size == 0:
        return []
    if table.size <= _EXACT_MATCHING_CELLS:
        rows, cols = linear_sum_assignment(table, maximize=True)
        pairs = zip(rows.tolist(), cols.tolist(), strict=True)
        return [(r, c) for r, c in pairs if table[r, c] > 0]
    # greedy: largest overlaps first
    nz_r, nz_c = np.nonzero(table)
    order = np.argsort(-table[nz_r, nz_c], kind="stable")
    return greedy_matching(zip(nz_r[order].tolist(), nz_c[order].tolist(), strict=True))


def _nullable(col: pd.Series) -> pd.Series:
    """Integer labels with gaps as ``Int64``; anything else unchanged."""
    values = [v for v in col.tolist() if v is not None and v == v]
    # pandas turns an int column with gaps into floats (0.0, NaN): undo that too
    if values and all(
        isinstance(v, int | np.integer) or (isinstance(v, float) and v.is_integer()) for v in values
    ):
        return col.astype("Int64")
    if not values and len(col):
        return col.astype("Int64")
    return col


def _matching_table(
    table: np.ndarray, labels_a: Any, labels_b: Any, match_of_a: dict[int, int]
) -> pd.DataFrame:
    """One row per matched pair (in a's order), then b's unmatched communities."""
    rows: list[tuple[Any, ...]] = []
    size_a, size_b = table.sum(axis=1), table.sum(axis=0)
    for i in range(len(labels_a)):
        j = match_of_a.get(i)
        if j is None:
            rows.append((labels_a[i], None, 0, int(size_a[i]), 0, 0.0))
            continue
        overlap = int(table[i, j])
        union = int(size_a[i] + size_b[j]) - overlap
        rows.append(
            (labels_a[i], labels_b[j], overlap, int(size_a[i]), int(size_b[j]), overlap / union)
        )
    matched_b = set(match_of_a.values())
    for j in range(len(labels_b)):
        if j not in matched_b:
            rows.append((None, labels_b[j], 0, 0, int(size_b[j]), 0.0))
    matching = pd.DataFrame(
        rows, columns=["community_a", "community_b", "overlap", "size_a", "size_b", "jaccard"]
    )
    for c in ("community_a", "community_b"):
        matching[c] = _nullable(matching[c])
    return matching


def _moved_table(
    common: list[Hashable],
    sa: pd.Series,
    sb: pd.Series,
    codes: tuple[np.ndarray, np.ndarray],
    labels: tuple[Any, Any],
    match_of_a: dict[int, int],
) -> pd.DataFrame:
    """The shared nodes whose community in b is not the match of their community in a."""
    (codes_a, codes_b), (labels_a, labels_b) = codes, labels
    expected = np.array([match_of_a.get(i, -1) for i in range(len(labels_a))])[codes_a]
    idx = np.flatnonzero(expected != codes_b).tolist()
    moved = pd.DataFrame(
        {
            "node": [common[i] for i in idx],
            "community_a": [sa.iloc[i] for i in idx],
            "community_b": [sb.iloc[i] for i in idx],
            "expected_b": [labels_b[expected[i]] if expected[i] >= 0 else None for i in idx],
        }
    )
    for c in ("community_a", "community_b", "expected_b"):
        moved[c] = _nullable(moved[c])
    return moved


def compare_partitions(a: Any, b: Any) -> RunComparison:
    """Compare two partitions on the nodes they share.

    NMI and ARI are computed on the nodes both hold. Communities are matched one-to-one
    by overlap, maximising the total overlap (Hungarian algorithm; greedily by largest
    overlap for very many communities, see :func:`greedy_matching`); a node *moved* when
    its community in ``b`` is not the match of its community in ``a``.

    Parameters
    ----------
    a, b : Communities, mapping node -> community, or StoredRun
        The two partitions; a :class:`~netintel.runs.StoredRun` (anything with a
        ``run_id`` and a ``membership``) gives its run id to ``run_a`` / ``run_b``.

    Returns
    -------
    RunComparison
        ValueError when the two share no node.

    Examples
    --------
    >>> c = compare_partitions({1: 0, 2: 0, 3: 1, 4: 1}, {1: 5, 2: 5, 3: 5, 4: 7, 9: 7})
    >>> c.moved_nodes, c.only_in_b, round(c.ari, 3)
    ([3], (9,), 0.0)
    >>> c.matching[["community_a", "community_b", "overlap"]].values.tolist()
    [[0, 5, 2], [1, 7, 1]]
    """
    run_a, ma = _partition(a, "a")
    run_b, mb = _partition(b, "b")
    common = [v for v in ma if v in mb]
    only_a = tuple(v for v in ma if v not in mb)
    only_b = tuple(v for v in mb if v not in ma)
    notes = []
    if only_a or only_b:
        notes.append(
            f"compared on the {len(common)} shared nodes; {len(only_a)} only in a, "
            f"{len(only_b)} only in b"
        )
    if not common:
        raise ValueError("the two partitions share no node")
    sa = pd.Series([ma[v] for v in common])
    sb = pd.Series([mb[v] for v in common])
    codes_a, labels_a = pd.factorize(sa, sort=True)
    codes_b, labels_b = pd.factorize(sb, sort=True)
    table = np.zeros((len(labels_a), len(labels_b)), dtype=np.int64)
    np.add.at(table, (codes_a, codes_b), 1)
    match_of_a = dict(_match(table))
    ca = {v: ma[v] for v in common}
    cb = {v: mb[v] for v in common}
    return RunComparison(
        run_a=run_a,
        run_b=run_b,
        nmi=nmi(ca, cb),
        ari=ari(ca, cb),
        nodes=len(common),
        only_in_a=only_a,
        only_in_b=only_b,
        matching=_matching_table(table, labels_a, labels_b, match_of_a),
        moved=_moved_table(common, sa, sb, (codes_a, codes_b), (labels_a, labels_b), match_of_a),
        notes=tuple(notes),
    )

"""DNA reunification: found people of unknown origin <-> reporting parents <-> missing-person case.

:func:`reunifications` ranks candidate families for each unknown-origin sample from
the kinship matches (``Sample-[:MATCHES]-Sample``), the reference samples' donors,
the cases they reported and the missing people of those cases, and flags conflicts:
one sample matching several families, or one family matched by several samples.
:func:`~netintel.investigate.readers.reunifications_of` reads the matches from Neo4j
(``cypher/dna_matches.cypher``).

>>> import pandas as pd
>>> m = pd.DataFrame({
...     "unknown_sample": ["U1", "U1", "U2"], "found_person": ["F1", "F1", "F2"],
...     "reference_sample": ["R1", "R2", "R3"], "parent": ["M", "D", "X"],
...     "score": [0.99, 0.97, 0.6], "case_id": ["C1", "C1", "C1"],
...     "missing_person": ["V1", "V1", "V1"]})
>>> t = reunifications(m).table
>>> t[["found_person", "case_id", "parents_matched", "conflict"]].values.tolist()
[['F1', 'C1', 2, True], ['F2', 'C1', 1, True]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from netintel.algorithms.results import Stopwatch
from netintel.investigate._base import (
    Record,
    TableResult,
    _opt_int,
    _opt_str,
    frame_hash,
    stamp,
)

__all__ = ["MATCH_COLUMNS", "reunifications"]

MATCH_COLUMNS = (
    "unknown_sample",
    "found_person",
    "reference_sample",
    "parent",
    "score",
    "relation",
    "case_id",
    "category",
    "missing_person",
    "match_source",
    "match_row",
    "report_source",
    "report_row",
)


_COLUMNS = [
    "unknown_sample",
    "found_person",
    "case_id",
    "missing_person",
    "parents",
    "parents_matched",
    "score",
    "combined",
    "rank",
    "likely",
    "conflict",
    "conflicts",
    "evidence",
]


def _scored_matches(matches: pd.DataFrame, min_score: float) -> pd.DataFrame:
    """The matches with every column of :data:`MATCH_COLUMNS`, a numeric score of at
    least ``min_score``, and the ``family`` each points to (the case, else the donor)."""
    m = matches.copy()
    for c in MATCH_COLUMNS:
        if c not in m:
            m[c] = None
    m["score"] = pd.to_numeric(m["score"], errors="coerce")
    m = m[m["score"].notna() & (m["score"] >= min_score)]
    m["family"] = [
        f"case:{c}" if _opt_str(c) else f"donor:{_opt_str(p) or r}"
        for c, p, r in zip(m["case_id"], m["parent"], m["reference_sample"], strict=True)
    ]
    return m


def _family_row(u: str, fam: str, g: pd.DataFrame) -> dict[str, Any]:
    """One (sample, family): its donors, best and combined scores, and the records."""
    per_ref = g.sort_values("score", ascending=False).drop_duplicates("reference_sample")
    donors = per_ref.assign(
        donor=per_ref["parent"].map(_opt_str).fillna(per_ref["reference_sample"])
    )
    best_per_donor = donors.groupby("donor")["score"].max()
    ev: dict[Record, None] = {}
    for r in g.itertuples(index=False):
        match_id = f"{u}~{r.reference_sample}"
        ev[Record("match", match_id, _opt_str(r.match_source), _opt_int(r.match_row))] = None
        if _opt_str(r.report_source):
            report = Record(
                "report", _opt_str(r.case_id), _opt_str(r.report_source), _opt_int(r.report_row)
            )
            ev[report] = None
    missing = tuple(sorted({x for x in g["missing_person"].map(_opt_str) if x}))
    found = tuple(sorted({x for x in g["found_person"].map(_opt_str) if x}))
    return {
        "unknown_sample": u,
        "found_person": found[0] if len(found) == 1 else (found or None),
        "family": fam,
        "case_id": _opt_str(g["case_id"].iloc[0]),
        "missing_person": missing[0] if len(missing) == 1 else (missing or None),
        "parents": tuple(sorted(best_per_donor.index)),
        "parents_matched": len(best_per_donor),
        "score": round(float(best_per_donor.max()), 6),
        "combined": round(float(1 - np.prod(1 - best_per_donor.clip(0, 1))), 6),
        "evidence": tuple(ev),
    }


def _ranked(t: pd.DataFrame, likely_score: float) -> pd.DataFrame:
    """The families ranked per sample, ``likely`` and ``conflicts`` set, best first."""
    t = t.sort_values(
        ["unknown_sample", "parents_matched", "combined", "family"],
        ascending=[True, False, False, True],
    )
    t["rank"] = t.groupby("unknown_sample").cumcount() + 1
    t["likely"] = (t["rank"] == 1) & (t["combined"] >= likely_score)
    fams_of = t.groupby("unknown_sample")["family"].agg(list)
    samples_of = t.groupby("family")["unknown_sample"].agg(list)
    conflicts = []
    for u, fam in zip(t["unknown_sample"], t["family"], strict=True):
        notes = []
        others = [f for f in fams_of[u] if f != fam]
        if others:
            notes.append(f"{u} also matches {', '.join(others)}")
        rivals = [s for s in samples_of[fam] if s != u]
        if rivals:
            notes.append(f"{fam} also matched by {', '.join(rivals)}")
        conflicts.append(tuple(notes))
    t["conflicts"] = conflicts
    t["conflict"] = t["conflicts"].map(bool)
    return t.sort_values(
        ["rank", "parents_matched", "combined", "unknown_sample"],
        ascending=[True, False, False, True],
        ignore_index=True,
    )


def reunifications(
    matches: pd.DataFrame, *, min_score: float = 0.0, likely_score: float = 0.95
) -> TableResult:
    """Likely reunifications, ranked, with conflicts flagged.

    ``matches``: one row per (unknown-origin sample, matching reference sample,
    reported case) with columns :data:`MATCH_COLUMNS` (only ``unknown_sample``,
    ``reference_sample`` and ``score`` are required). A *family* is the reported
    case (or, without one, the reference donor). Per (sample, family):

    * ``parents_matched``: distinct reference donors matched; ``score``: the best
      match score; ``combined``: ``1 - prod(1 - score)`` over those donors;
    * ``rank``: 1 for the sample's best family (most parents matched, then
      ``combined``), 2 for the next...;
    * ``likely``: rank 1 and ``combined >= likely_score`` (a reporting threshold for
      the kinship probability; lower-scoring families stay listed for review);
    * ``conflict``: the sample matches several families, or the family is matched
      by several samples; ``conflicts`` says which.

    Columns ``unknown_sample, found_person, case_id, missing_person, parents,
    parents_matched, score, combined, rank, likely, conflict, conflicts, evidence``;
    best first. Matches below ``min_score`` are ignored.

    Parameters
    ----------
    matches : DataFrame
        The kinship matches (columns :data:`MATCH_COLUMNS`).
    min_score : float
        Matches below this score are ignored.
    likely_score : float
        The combined score a best family needs to be ``likely``.

    Returns
    -------
    TableResult
        One row per (sample, family), best first.
    """
    for c in ("unknown_sample", "reference_sample", "score"):
        if c not in matches:
            raise ValueError(f"matches frame lacks column {c}")
    sw = Stopwatch()
    m = _scored_matches(matches, min_score)
    rows = [
        _family_row(str(u), str(fam), g)
        for (u, fam), g in m.groupby(["unknown_sample", "family"], sort=True)
    ]
    if not rows:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    else:
        table = _ranked(pd.DataFrame(rows), likely_score)[_COLUMNS]
    params = {"min_score": min_score, "likely_score": likely_score}
    prov = stamp(sw, "reunifications", params, frame_hash(m.astype(str)))
    return TableResult(table, prov)

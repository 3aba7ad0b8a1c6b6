"""Scoring one submission against a challenge's truth."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from itertools import combinations, pairwise
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from netintel import __version__
from netintel.algorithms import ari, nmi
from netintel.contest._challenge import Truth, load_truth
from netintel.contest._format import FileStatus, Submission, SubmissionIssue, read_submission

__all__ = ["METRICS", "OVERALL_WEIGHTS", "Score", "score"]

#: How the overall score is made: weight per part metric (``gangs_ari`` clipped at 0).
OVERALL_WEIGHTS: dict[str, float] = {
    "gangs_ari": 0.25,
    "chains_f1": 0.25,
    "leaders_precision_at_k": 0.25,
    "aliases_f1": 0.25,
}

#: The metric columns of :meth:`Score.to_frame`, in order.
METRICS = (
    "overall",
    "gangs_nmi",
    "gangs_ari",
    "gangs_coverage",
    "chains_precision",
    "chains_recall",
    "chains_f1",
    "hops_precision",
    "hops_recall",
    "hops_f1",
    "withheld_hops_precision",
    "withheld_hops_recall",
    "withheld_hops_f1",
    "leaders_precision_at_k",
    "aliases_precision",
    "aliases_recall",
    "aliases_f1",
)


@dataclass(frozen=True)
class Score(FileStatus):
    """The scores of one submission; missing or rejected parts score 0.

    ``status`` maps each part (gangs, chains, leaders, aliases) to ``"ok"``,
    ``"missing"`` or ``"rejected"``; ``issues`` lists why files were rejected.
    """

    team: str
    challenge_id: str
    overall: float
    gangs_nmi: float
    gangs_ari: float
    gangs_coverage: float
    chains_precision: float
    chains_recall: float
    chains_f1: float
    hops_precision: float
    hops_recall: float
    hops_f1: float
    withheld_hops_precision: float
    withheld_hops_recall: float
    withheld_hops_f1: float
    leaders_precision_at_k: float
    leaders_k: int
    aliases_precision: float
    aliases_recall: float
    aliases_f1: float
    status: Mapping[str, str]
    issues: tuple[SubmissionIssue, ...] = ()
    notes: tuple[str, ...] = ()
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON types."""
        out = asdict(self)
        out["status"] = dict(self.status)
        out["issues"] = [i.to_dict() for i in self.issues]
        out["notes"] = list(self.notes)
        out["provenance"] = dict(self.provenance)
        out["missing"], out["rejected"] = list(self.missing), list(self.rejected)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_frame(self) -> pd.DataFrame:
        """One row: team, the metrics, ``leaders_k``, missing and rejected parts, issue count."""
        row: dict[str, Any] = {"team": self.team}
        row.update({m: getattr(self, m) for m in METRICS})
        row["leaders_k"] = self.leaders_k
        row["missing"] = ",".join(self.missing)
        row["rejected"] = ",".join(self.rejected)
        row["issues"] = len(self.issues)
        return pd.DataFrame([row])

    def issues_frame(self) -> pd.DataFrame:
        """The problems found, one row each (file, row, column, reason)."""
        return pd.DataFrame(
            [i.to_dict() for i in self.issues], columns=["file", "row", "column", "reason"]
        )


def _prf(hits: int, submitted: int, true: int) -> tuple[float, float, float]:
    """Precision, recall, F1; both sides empty is perfect, one side empty is 0.

    >>> _prf(3, 4, 6), _prf(0, 0, 0), _prf(0, 0, 5)
    ((0.75, 0.5, 0.6), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0))
    """
    if submitted == 0 and true == 0:
        return 1.0, 1.0, 1.0
    if submitted == 0 or true == 0:
        return 0.0, 0.0, 0.0
    p, r = hits / submitted, hits / true
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _gangs(sub: Mapping[str, str] | None, truth: Mapping[str, str]) -> tuple[float, float, float]:
    """NMI, ARI and coverage on the truth's gang members (unassigned -> singletons)."""
    if sub is None or not truth:
        return 0.0, 0.0, 0.0
    labels: dict[Hashable, Hashable] = {}
    assigned = 0
    for person in truth:
        if person in sub:
            labels[person] = ("gang", sub[person])
            assigned += 1
        else:
            labels[person] = ("alone", person)
    return nmi(truth, labels), ari(truth, labels), assigned / len(truth)


def _chains(
    sub: Iterable[tuple[str, tuple[str, ...]]] | None,
    truth: Iterable[tuple[str, tuple[str, ...]]],
    withheld: Mapping[tuple[str, str], int],
) -> tuple[float, ...]:
    """Whole chains, every hand-over, and the hand-overs withheld from the public records.

    Withheld hops are scored on what the submission adds to the record: its hand-overs
    minus the public ones (the true ones that were not withheld).
    """
    if sub is None:
        return (0.0,) * 9
    s = Counter(people for _, people in sub)
    t = Counter(people for _, people in truth)
    exact = _prf(sum((s & t).values()), sum(s.values()), sum(t.values()))
    sh, th = _hand_overs(s), _hand_overs(t)
    hops = _prf(sum((sh & th).values()), sum(sh.values()), sum(th.values()))
    hidden = Counter(withheld)
    added = sh - (th - hidden)
    inferred = _prf(sum((added & hidden).values()), sum(added.values()), sum(hidden.values()))
    return (*exact, *hops, *inferred)


def _hand_overs(chains: Counter[tuple[str, ...]]) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for people, n in chains.items():
        for hop in pairwise(people):
            out[hop] += n
    return out


def _closure(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """All pairs within the clusters that ``pairs`` link (transitive closure)."""
    G = nx.Graph()
    G.add_edges_from(pairs)
    out: set[tuple[str, str]] = set()
    for comp in nx.connected_components(G):
        out.update(combinations(sorted(comp), 2))
    return out


def score(submission: str | Path, truth: str | Path | Truth, *, team: str | None = None) -> Score:
    """Score a submission folder (or ``.zip``) against a truth folder.

    Gangs: NMI and ARI over the truth's gang members only (anyone else in the
    submission is ignored; members it leaves out count as singletons).
    Chains: exact precision/recall/F1 (a submitted chain matches a true chain
    with the same ordered person list, each true chain at most once) and the
    same on hand-overs (consecutive pairs), and on the hand-overs withheld from
    the public transfers (what the submission adds to the record). Leaders: precision@k with k = the
    number of true leaders (the first k ranks count). Aliases: pairwise
    precision/recall/F1 after expanding both sides to all pairs within their
    clusters. ``overall`` weighs the parts by :data:`OVERALL_WEIGHTS`.

    A rejected or missing file scores 0 on its part; the others are still scored.

    Parameters
    ----------
    submission : str or pathlib.Path
        The submission folder or ``.zip`` file (read with :func:`read_submission`).
    truth : str, pathlib.Path or Truth
        The truth folder (read with :func:`load_truth`) or a truth already read.
    team : str or None, default None
        The team's name; None means the submission's folder or file name (without
        ``.zip``).

    Returns
    -------
    Score
        The metrics of every part, ``overall`` and the submission's problems.

    Raises
    ------
    ContestError
        When the truth folder is bad.
    SubmissionError
        When the submission cannot be read at all.
    """
    t = truth if isinstance(truth, Truth) else load_truth(truth)
    sub: Submission = read_submission(submission, person_ids=t.person_ids)
    g_nmi, g_ari, g_cov = _gangs(sub.gangs, t.gangs)
    chains = _chains(sub.chains, t.chains, t.withheld_hops)
    k = len(t.leaders)
    if sub.leaders is None or k == 0:
        p_at_k = 0.0
    else:
        p_at_k = len(set(sub.leaders[:k]) & set(t.leaders)) / k
    if sub.aliases is None:
        aliases = (0.0, 0.0, 0.0)
    else:
        mine, real = _closure(sub.aliases), _closure(t.alias_pairs)
        aliases = _prf(len(mine & real), len(mine), len(real))
    parts = {
        "gangs_ari": max(0.0, g_ari),
        "chains_f1": chains[2],
        "leaders_precision_at_k": p_at_k,
        "aliases_f1": aliases[2],
    }
    overall = sum(OVERALL_WEIGHTS[m] * v for m, v in parts.items()) / sum(OVERALL_WEIGHTS.values())
    provenance = {
        "submission": str(submission),
        "submission_sha256": sub.digest,
        "truth": t.path,
        "scored_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "netintel": __version__,
    }
    return Score(
        team=team or Path(submission).name.removesuffix(".zip"),
        challenge_id=t.challenge_id,
        overall=_round(overall),
        gangs_nmi=_round(g_nmi),
        gangs_ari=_round(g_ari),
        gangs_coverage=_round(g_cov),
        chains_precision=_round(chains[0]),
        chains_recall=_round(chains[1]),
        chains_f1=_round(chains[2]),
        hops_precision=_round(chains[3]),
        hops_recall=_round(chains[4]),
        hops_f1=_round(chains[5]),
        withheld_hops_precision=_round(chains[6]),
        withheld_hops_recall=_round(chains[7]),
        withheld_hops_f1=_round(chains[8]),
        leaders_precision_at_k=_round(p_at_k),
        leaders_k=k,
        aliases_precision=_round(aliases[0]),
        aliases_recall=_round(aliases[1]),
        aliases_f1=_round(aliases[2]),
        status=dict(sub.status),
        issues=sub.issues,
        notes=sub.notes,
        provenance=provenance,
    )


def _round(x: float) -> float:
    """12 significant decimals: exact-looking values stay exact (1.0, 0.5), no float noise."""
    return 0.0 if not math.isfinite(x) else round(float(x), 12)

"""The stability of a consensus, recomputed by hand from its runs (shared by the tests)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import Any


def expected_stability(result: Any, runs: Sequence[Any]) -> dict[Hashable, float]:
    """Node -> share of ``runs`` that agree with its community in ``result``.

    A run agrees with node ``v`` when ``v`` sits in the run community holding most
    of its community, and most of that run community belongs to it. Nodes whose
    community is split evenly between two run communities in some run (no unique
    "most") are left out.
    """
    out: dict[Hashable, float] = {}
    for v in result.membership:
        members = result.communities[result.membership[v]]
        hits, ambiguous = 0, False
        for run in runs:
            ranked = Counter(run.membership[u] for u in members).most_common()
            if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
                ambiguous = True
                break
            best, overlap = ranked[0]
            holds = 2 * overlap > len(run.communities[best])
            hits += run.membership[v] == best and holds
        if not ambiguous:
            out[v] = hits / len(runs)
    return out

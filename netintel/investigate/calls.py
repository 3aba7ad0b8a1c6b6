"""Call-record analytics: contact profiles, chaining, bursts, burners, SIM swaps, co-location.

Pure functions take a calls frame (see :func:`~netintel.investigate._base.as_calls`:
``call_id, caller, callee, at, duration_s, tower, source, source_row``) and return
tables whose ``evidence`` column lists the call records behind every row. The readers
in :mod:`~netintel.investigate.readers` (``<function>_of``) read the frames from Neo4j
with named queries and call the pure ones.

* :func:`contact_profile` - top contacts, counts and durations, active hours, towers;
* :func:`common_contacts` - contacts two phones (or people) share;
* :func:`contact_hops` - k-hop contact chaining from seed numbers;
* :func:`call_chains` - time-respecting call chains between two phones or people;
* :func:`call_burst` - call volume around an event against the subject's baseline;
* :func:`burners` - phones used briefly with few contacts that then go silent;
* :func:`sim_swaps` - new numbers that take over the contacts of numbers that went silent;
* :func:`colocation` - pairs seen at the same place (tower, address) within a time window.

>>> import pandas as pd
>>> calls = pd.DataFrame({
...     "caller": ["A", "A", "B", "A"], "callee": ["B", "C", "C", "B"],
...     "at": ["2024-01-01T10:00Z", "2024-01-01T11:00Z", "2024-01-01T12:00Z",
...            "2024-01-02T09:00Z"]})
>>> contact_profile(calls, "A").contacts[["contact", "calls"]].values.tolist()
[['B', 2], ['C', 1]]
>>> chains = call_chains(calls, "A", "C", window="3h")
>>> [c.phones for c in chains.chains]
[('A', 'C'), ('A', 'B', 'C')]
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from netintel.algorithms.results import Provenance, ResultMixin, Stopwatch
from netintel.investigate._base import (
    Record,
    TableResult,
    as_calls,
    frame_hash,
    jsonable,
    objects,
    records_of,
    stamp,
)
from netintel.localtime import localize, to_local
from netintel.values import parse_duration

__all__ = [
    "Burst",
    "CallChain",
    "CallChains",
    "ContactProfile",
    "burners",
    "call_burst",
    "call_chains",
    "colocation",
    "colocation_network",
    "common_contacts",
    "contact_hops",
    "contact_profile",
    "sim_swaps",
    "tower_observations",
]

TimeLike = str | datetime | pd.Timestamp
SpanLike = str | timedelta | pd.Timedelta


def _span(value: SpanLike, name: str) -> pd.Timedelta:
    try:
        return parse_duration(value, name=name)
    except ValueError as err:
        if err.__cause__ is None:  # parsed, but negative
            raise ValueError(f"{name} must not be negative, got {value!r}") from None
        raise ValueError(f"{name} must be a duration such as '2h' or '7D', not {value!r}") from None


def _time(value: TimeLike | None) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _phones(value: str | Iterable[str]) -> tuple[str, ...]:
    out = (value,) if isinstance(value, str) else tuple(dict.fromkeys(map(str, value)))
    if not out:
        raise ValueError("no phone numbers given")
    return out


def _legs(calls: pd.DataFrame) -> pd.DataFrame:
    """Each call twice, once from each end: ``phone, contact, at, out, row`` (row into calls)."""
    n = len(calls)
    rows = np.arange(n)
    legs = pd.DataFrame(
        {
            "phone": np.r_[calls["caller"].to_numpy(), calls["callee"].to_numpy()],
            "contact": np.r_[calls["callee"].to_numpy(), calls["caller"].to_numpy()],
            "at": pd.concat([calls["at"], calls["at"]], ignore_index=True),
            "out": np.r_[np.ones(n, dtype=bool), np.zeros(n, dtype=bool)],
            "row": np.r_[rows, rows],
        }
    )
    return legs[legs["phone"] != legs["contact"]]


def _evidence(calls: pd.DataFrame, rows: Iterable[int]) -> tuple[Record, ...]:
    return records_of(calls.iloc[sorted(set(rows))], "call", "call_id")


# ---------------------------------------------------------------- contact profile


@dataclass(frozen=True, eq=False)
class ContactProfile(ResultMixin):
    """Who a phone (or a person's phones) talks to, when and from where.

    ``contacts``: ``contact, calls, outgoing, incoming, duration_s, first, last,
    evidence`` (most calls first); ``hours``: calls per hour of day (0..23, in the
    profile's time zone); ``towers``: ``tower, calls, first, last, evidence`` for
    calls the subject made (the tower is the caller's); ``summary``: totals.
    """

    phones: tuple[str, ...]
    contacts: pd.DataFrame
    hours: pd.Series
    towers: pd.DataFrame
    summary: dict[str, Any]
    provenance: Provenance

    def top(self, n: int = 1) -> list[str]:
        """The ``n`` most frequent contacts."""
        return self.contacts["contact"].head(n).tolist()

    def to_dict(self) -> dict[str, Any]:
        return {
            "phones": list(self.phones),
            "contacts": [jsonable(r) for r in self.contacts.to_dict(orient="records")],
            "hours": {int(str(k)): int(v) for k, v in self.hours.items()},
            "towers": [jsonable(r) for r in self.towers.to_dict(orient="records")],
            "summary": jsonable(self.summary),
            "provenance": self.provenance.to_dict(),
        }


def contact_profile(
    calls: pd.DataFrame, phones: str | Iterable[str], *, top: int | None = None, tz: str = "UTC"
) -> ContactProfile:
    """The contact profile of ``phones`` (one number, or all numbers of a person).

    Calls among the subject's own numbers are not contacts. ``top`` keeps the
    most frequent contacts only; ``tz`` is the time zone of ``hours``.

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    phones : str or iterable of str
        The subject: one number, or all numbers of a person.
    top : int or None
        Keep the most frequent contacts only (None: all).
    tz : str
        The time zone of ``hours``.

    Returns
    -------
    ContactProfile
        Contacts, hours, towers and a summary, with provenance.
    """
    sw = Stopwatch()
    calls = as_calls(calls)
    subject = _phones(phones)
    legs = _legs(calls)
    legs = legs[legs["phone"].isin(subject)]
    mine = legs[~legs["contact"].isin(subject)]
    dur = calls["duration_s"].to_numpy(dtype=float)
    mine = mine.assign(duration_s=dur[mine["row"].to_numpy()])
    contacts = (
        mine.groupby("contact", sort=False)
        .agg(
            calls=("row", "nunique"),
            outgoing=("out", "sum"),
            duration_s=("duration_s", "sum"),
            first=("at", "min"),
            last=("at", "max"),
            rows=("row", list),
        )
        .reset_index()
    )
    contacts["incoming"] = contacts["calls"] - contacts["outgoing"]
    contacts["evidence"] = objects((_evidence(calls, r) for r in contacts["rows"]), contacts.index)
    contacts = contacts.sort_values(
        ["calls", "duration_s", "contact"], ascending=[False, False, True], ignore_index=True
    )
    contacts = contacts[
        ["contact", "calls", "outgoing", "incoming", "duration_s", "first", "last", "evidence"]
    ]
    if top is not None:
        contacts = contacts.head(top).reset_index(drop=True)
    rows = legs["row"].unique()
    sub = calls.iloc[np.sort(rows)]
    hours = (
        sub["at"].dt.tz_convert(tz).dt.hour.value_counts().reindex(range(24), fill_value=0)
        if len(sub)
        else pd.Series(0, index=range(24))
    )
    hours.index.name = "hour"
    made = sub[sub["caller"].isin(subject) & sub["tower"].notna()]
    towers = (
        made.reset_index()
        .groupby("tower", sort=False)
        .agg(
            calls=("call_id", "size"), first=("at", "min"), last=("at", "max"), rows=("index", list)
        )
        .reset_index()
    )
    towers["evidence"] = objects((_evidence(calls, r) for r in towers["rows"]), towers.index)
    towers = towers.sort_values(["calls", "tower"], ascending=[False, True], ignore_index=True)
    towers = towers[["tower", "calls", "first", "last", "evidence"]]
    summary = {
        "calls": len(sub),
        "contacts": int(mine["contact"].nunique()),
        "duration_s": float(np.nansum(sub["duration_s"].to_numpy(dtype=float))),
        "first": sub["at"].min() if len(sub) else None,
        "last": sub["at"].max() if len(sub) else None,
    }
    prov = stamp(sw, "contact_profile", {"phones": subject, "top": top, "tz": tz}, frame_hash(sub))
    return ContactProfile(subject, contacts, hours.astype(int), towers, summary, prov)


def common_contacts(
    calls: pd.DataFrame, a: str | Iterable[str], b: str | Iterable[str]
) -> TableResult:
    """Contacts both ``a`` and ``b`` called or were called by.

    Columns ``contact, calls_a, calls_b, first, last, evidence`` (most calls first).

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    a, b : str or iterable of str
        The two subjects (a number, or a person's numbers).

    Returns
    -------
    TableResult
        One row per shared contact.
    """
    sw = Stopwatch()
    calls = as_calls(calls)
    pa, pb = _phones(a), _phones(b)
    legs = _legs(calls)
    own = set(pa) | set(pb)
    legs = legs[~legs["contact"].isin(own)]
    la = legs[legs["phone"].isin(pa)].groupby("contact")["row"].agg(list)
    lb = legs[legs["phone"].isin(pb)].groupby("contact")["row"].agg(list)
    shared = sorted(set(la.index) & set(lb.index))
    at = calls["at"]
    rows = []
    for c in shared:
        r = la[c] + lb[c]
        rows.append(
            {
                "contact": c,
                "calls_a": len(set(la[c])),
                "calls_b": len(set(lb[c])),
                "first": at.iloc[min(r)],
                "last": at.iloc[max(r)],
                "evidence": _evidence(calls, r),
            }
        )
    table = pd.DataFrame(
        rows, columns=["contact", "calls_a", "calls_b", "first", "last", "evidence"]
    )
    if len(table):
        table["_n"] = table["calls_a"] + table["calls_b"]
        table = table.sort_values(["_n", "contact"], ascending=[False, True], ignore_index=True)
        table = table.drop(columns="_n")
    prov = stamp(sw, "common_contacts", {"a": pa, "b": pb}, frame_hash(calls))
    return TableResult(table, prov)


def contact_hops(
    calls: pd.DataFrame, seeds: str | Iterable[str], *, k: int = 2, min_calls: int = 1
) -> TableResult:
    """Numbers reachable from ``seeds`` in at most ``k`` call hops (breadth first).

    A link counts when the two numbers share at least ``min_calls`` calls. Columns
    ``number, hop, via, calls, evidence``: ``via`` are the numbers of the previous hop
    it was reached from, ``calls`` the calls with them, ``evidence`` those calls.

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    seeds : str or iterable of str
        The numbers to start from (hop 0).
    k : int
        The most hops (at least 1).
    min_calls : int
        The fewest calls that make a link (at least 1).

    Returns
    -------
    TableResult
        One row per number reached, nearest first.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if min_calls < 1:
        raise ValueError(f"min_calls must be at least 1, got {min_calls}")
    sw = Stopwatch()
    calls = as_calls(calls)
    start = _phones(seeds)
    legs = _legs(calls)
    pair_rows = legs.groupby(["phone", "contact"])["row"].agg(list)
    pair_rows = pair_rows[pair_rows.map(len) >= min_calls]
    by_phone: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
    for key, r in pair_rows.items():
        pc: tuple[str, str] = key  # type: ignore[assignment]
        by_phone[str(pc[0])].append((str(pc[1]), r))
    hop_of = {s: 0 for s in start}
    rows: list[dict[str, Any]] = [
        {"number": s, "hop": 0, "via": (), "calls": 0, "evidence": ()} for s in start
    ]
    frontier = list(start)
    for hop in range(1, k + 1):
        reached: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
        for p in frontier:
            for c, r in by_phone.get(p, ()):
                if c not in hop_of:
                    reached[c].append((p, r))
        for c in sorted(reached):
            hop_of[c] = hop
            via = tuple(sorted(p for p, _ in reached[c]))
            r_all = [i for _, r in reached[c] for i in r]
            rows.append(
                {
                    "number": c,
                    "hop": hop,
                    "via": via,
                    "calls": len(set(r_all)),
                    "evidence": _evidence(calls, r_all),
                }
            )
        frontier = sorted(reached)
        if not frontier:
            break
    table = pd.DataFrame(rows, columns=["number", "hop", "via", "calls", "evidence"])
    table = table.sort_values(
        ["hop", "calls", "number"], ascending=[True, False, True], ignore_index=True
    )
    prov = stamp(
        sw, "contact_hops", {"seeds": start, "k": k, "min_calls": min_calls}, frame_hash(calls)
    )
    return TableResult(table, prov)


# --------------------------------------------------------------------- call chains


@dataclass(frozen=True)
class CallChain:
    """A time-respecting chain of calls: each call starts after the previous one,
    within the window. ``phones`` are the numbers passed through."""

    phones: tuple[str, ...]
    calls: tuple[Record, ...]
    times: tuple[pd.Timestamp, ...]

    @property
    def hops(self) -> int:
        return len(self.calls)

    @property
    def duration(self) -> pd.Timedelta:
        return self.times[-1] - self.times[0]


@dataclass(frozen=True, eq=False)
class CallChains(ResultMixin):
    """Time-respecting call chains, fewest hops first, then shortest duration.

    ``truncated`` says the search stopped at ``limit`` chains or its expansion budget.
    """

    chains: tuple[CallChain, ...]
    truncated: bool
    provenance: Provenance
    #: the zone the table shows times in (the chains keep them in UTC)
    tz: str = "UTC"

    def __len__(self) -> int:
        return len(self.chains)

    def to_frame(self) -> pd.DataFrame:
        """One row per hop: ``chain, hop, caller, callee, at, timezone, call_id, source,
        source_row``; ``at`` in the zone ``tz``."""
        rows = [
            {
                "chain": i,
                "hop": h + 1,
                "caller": c.phones[h],
                "callee": c.phones[h + 1],
                "at": c.times[h],
                "call_id": rec.id,
                "source": rec.source,
                "source_row": rec.row,
            }
            for i, c in enumerate(self.chains)
            for h, rec in enumerate(c.calls)
        ]
        cols = ["chain", "hop", "caller", "callee", "at", "call_id", "source", "source_row"]
        frame = pd.DataFrame(rows, columns=cols)
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        frame = localize(frame, self.tz, ["at"], zone_column=None)
        frame.insert(5, "timezone", self.tz)
        return frame

    def to_dict(self) -> dict[str, Any]:
        def local(times: Sequence[Any]) -> list[Any]:
            return [jsonable(to_local(t, self.tz)) for t in times]

        return {
            "timezone": self.tz,
            "chains": [
                {"phones": list(c.phones), "calls": jsonable(c.calls), "times": local(c.times)}
                for c in self.chains
            ],
            "truncated": self.truncated,
            "provenance": self.provenance.to_dict(),
        }


_Found = tuple[int, int, int, tuple[str, ...], tuple[int, ...]]


def _calls_by_phone(legs: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """phone -> (times in ns, contacts, rows) of its legs, sorted by time then row."""
    legs = legs.sort_values(["at", "row"], kind="stable")
    times = legs["at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    contacts, rows = legs["contact"].to_numpy(), legs["row"].to_numpy()
    return {
        str(p): (times[idx], contacts[idx], rows[idx])
        for p, idx in legs.groupby("phone", sort=False).indices.items()
    }


class _ChainSearch:
    """Depth-first search of time-respecting chains, within an expansion budget.

    ``found`` collects ``(hops, duration, first time, phones, rows)`` per chain.
    """

    def __init__(
        self,
        nbrs: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
        dst: set[str],
        window: int,
        max_hops: int,
        budget: int,
    ) -> None:
        self.nbrs, self.dst, self.w, self.max_hops = nbrs, dst, window, max_hops
        self.budget = budget
        self.truncated = False
        self.found: list[_Found] = []

    def run(self, src: Sequence[str], lo: int, hi: int) -> tuple[list[_Found], bool]:
        """Chains whose first call, from a ``src`` number, lies in ``[lo, hi]``."""
        for s in src:
            entry = self.nbrs.get(s)
            if entry is None:
                continue
            ts, cs, rs = entry
            first, stop = int(np.searchsorted(ts, lo)), int(np.searchsorted(ts, hi, side="right"))
            for i in range(first, stop):
                c, t = str(cs[i]), int(ts[i])
                if c == s or c in src:
                    continue
                if c in self.dst:
                    self.found.append((1, 0, t, (s, c), (int(rs[i]),)))
                elif self.max_hops > 1:
                    self._walk(c, t, [s, c], [int(rs[i])], t)
                if self.budget < 0:
                    break
        return self.found, self.truncated

    def _walk(self, node: str, t_prev: int, path: list[str], rows: list[int], t_first: int) -> None:
        entry = self.nbrs.get(node)
        if entry is None:
            return
        ts, cs, rs = entry
        a = int(np.searchsorted(ts, t_prev, side="left"))
        b = int(np.searchsorted(ts, t_prev + self.w, side="right"))
        for i in range(a, b):
            self.budget -= 1
            if self.budget < 0:
                self.truncated = True
                return
            c = str(cs[i])
            if c in path:
                continue
            t = int(ts[i])
            if c in self.dst:
                hops = len(rows) + 1
                self.found.append((hops, t - t_first, t_first, (*path, c), (*rows, int(rs[i]))))
            elif len(rows) + 1 < self.max_hops:
                self._walk(c, t, [*path, c], [*rows, int(rs[i])], t_first)


def call_chains(
    calls: pd.DataFrame,
    source: str | Iterable[str],
    target: str | Iterable[str],
    *,
    window: SpanLike = "24h",
    max_hops: int = 4,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    directed: bool = True,
    limit: int = 100,
    max_expansions: int = 1_000_000,
) -> CallChains:
    """Time-respecting call chains from ``source`` to ``target`` numbers.

    A chain is ``s -> x1 -> ... -> t`` where each call starts no earlier than the
    previous one and at most ``window`` after it; no number repeats. ``directed``:
    follow caller -> callee only (else a call links both ways). The first call lies
    in ``[start, end]``. At most ``limit`` chains are returned, fewest hops first
    (ties: shortest duration, then earliest).

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    source, target : str or iterable of str
        The numbers chains start from and end at.
    window : duration
        The longest wait between one call of a chain and the next.
    max_hops : int
        The most calls in a chain (at least 1).
    start, end : time or None
        The first call lies in ``[start, end]`` (None: open).
    directed : bool
        Follow caller -> callee only.
    limit : int
        The most chains returned.
    max_expansions : int
        The search's budget of calls looked at.

    Returns
    -------
    CallChains
        The chains (``truncated`` when the limit or the budget cut the search).
    """
    if max_hops < 1:
        raise ValueError(f"max_hops must be at least 1, got {max_hops}")
    sw = Stopwatch()
    calls = as_calls(calls)
    win = _span(window, "window")
    src, dst = _phones(source), set(_phones(target))
    t0, t1 = _time(start), _time(end)
    legs = _legs(calls)
    if directed:
        legs = legs[legs["out"]]
    lo = t0.value if t0 is not None else np.iinfo(np.int64).min
    hi = t1.value if t1 is not None else np.iinfo(np.int64).max
    search = _ChainSearch(_calls_by_phone(legs), dst, win.value, max_hops, max_expansions)
    found, truncated = search.run(src, lo, hi)
    best = heapq.nsmallest(limit, found, key=lambda f: (f[0], f[1], f[2], f[3]))
    if len(found) > limit:
        truncated = True
    at = calls["at"]
    chains = tuple(
        CallChain(
            phones=path,
            calls=records_of(calls.iloc[list(rows)], "call", "call_id"),
            times=tuple(at.iloc[list(rows)]),
        )
        for _, _, _, path, rows in best
    )
    params = {
        "source": src,
        "target": sorted(dst),
        "window": win,
        "max_hops": max_hops,
        "start": t0,
        "end": t1,
        "directed": directed,
        "limit": limit,
    }
    prov = stamp(sw, "call_chains", params, frame_hash(calls))
    return CallChains(chains, truncated, prov)


# --------------------------------------------------------------------------- bursts


@dataclass(frozen=True, eq=False)
class Burst(ResultMixin):
    """Call volume of ``phones`` around ``at`` against their own baseline.

    ``before``/``after``: calls in the windows; ``expected_before``/``expected_after``:
    what the baseline rate (calls per hour outside the windows, over the observed
    period) predicts; ``score``: Poisson z-score of the whole window,
    ``(observed - expected) / sqrt(max(expected, 1))``; ``ratio``: observed / expected.
    ``contacts``: per contact, calls in the window; ``evidence``: those calls.
    """

    phones: tuple[str, ...]
    at: pd.Timestamp
    before: int
    after: int
    expected_before: float
    expected_after: float
    baseline_per_hour: float
    score: float
    ratio: float
    contacts: pd.DataFrame
    evidence: tuple[Record, ...]
    provenance: Provenance

    def to_dict(self) -> dict[str, Any]:
        return {
            "phones": list(self.phones),
            "at": self.at.isoformat(),
            "before": self.before,
            "after": self.after,
            "expected_before": self.expected_before,
            "expected_after": self.expected_after,
            "baseline_per_hour": self.baseline_per_hour,
            "score": self.score,
            "ratio": self.ratio,
            "contacts": [jsonable(r) for r in self.contacts.to_dict(orient="records")],
            "evidence": jsonable(self.evidence),
            "provenance": self.provenance.to_dict(),
        }


def call_burst(
    calls: pd.DataFrame,
    phones: str | Iterable[str],
    at: TimeLike,
    *,
    before: SpanLike = "48h",
    after: SpanLike = "24h",
    period: tuple[TimeLike, TimeLike] | None = None,
) -> Burst:
    """Calls of ``phones`` in ``[at - before, at + after]`` against their baseline.

    The baseline rate is the subject's calls outside the window per hour of the
    observed ``period`` outside the window (default: first to last call of the frame).

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    phones : str or iterable of str
        The subject.
    at : time
        The event.
    before, after : duration
        The window before and after ``at``.
    period : (time, time) or None
        The observed period (None: first to last call of ``calls``).

    Returns
    -------
    Burst
        Observed and expected calls, score, contacts and evidence.
    """
    sw = Stopwatch()
    calls = as_calls(calls)
    subject = _phones(phones)
    event = _time(at)
    assert event is not None
    b, a = _span(before, "before"), _span(after, "after")
    if period is not None:
        p0, p1 = _time(period[0]), _time(period[1])
    else:
        p0 = calls["at"].min() if len(calls) else event - b
        p1 = calls["at"].max() if len(calls) else event + a
    assert p0 is not None and p1 is not None
    mine = calls[calls["caller"].isin(subject) | calls["callee"].isin(subject)]
    w0, w1 = event - b, event + a
    in_before = mine[(mine["at"] >= w0) & (mine["at"] < event)]
    in_after = mine[(mine["at"] >= event) & (mine["at"] <= w1)]
    inside = pd.concat([in_before, in_after])
    outside = mine[(mine["at"] < w0) | (mine["at"] > w1)]
    overlap = max(pd.Timedelta(0), min(w1, p1) - max(w0, p0))
    rest_h = max((p1 - p0 - overlap) / pd.Timedelta(hours=1), 1.0)
    rate = len(outside) / rest_h
    exp_b = rate * b / pd.Timedelta(hours=1)
    exp_a = rate * a / pd.Timedelta(hours=1)
    observed, expected = len(inside), exp_b + exp_a
    score = (observed - expected) / max(expected, 1.0) ** 0.5
    ratio = observed / expected if expected > 0 else float("inf") if observed else 0.0
    other = np.where(inside["caller"].isin(subject), inside["callee"], inside["caller"])
    contacts = (
        inside.assign(contact=other)
        .groupby("contact")
        .agg(calls=("call_id", "size"), first=("at", "min"), last=("at", "max"))
        .reset_index()
        .sort_values(["calls", "contact"], ascending=[False, True], ignore_index=True)
    )
    params = {"phones": subject, "at": event, "before": b, "after": a, "period": (p0, p1)}
    prov = stamp(sw, "call_burst", params, frame_hash(mine))
    return Burst(
        subject,
        event,
        len(in_before),
        len(in_after),
        round(exp_b, 6),
        round(exp_a, 6),
        round(rate, 6),
        round(score, 6),
        round(ratio, 6) if np.isfinite(ratio) else ratio,
        contacts,
        records_of(inside.sort_values("at"), "call", "call_id"),
        prov,
    )


# -------------------------------------------------------------------------- burners


def burners(
    calls: pd.DataFrame,
    *,
    max_span: SpanLike = "7D",
    max_contacts: int = 3,
    min_calls: int = 3,
    margin: SpanLike | None = None,
    period: tuple[TimeLike, TimeLike] | None = None,
) -> TableResult:
    """Phones that appear, are used briefly with a narrow set of contacts, and go silent.

    A phone qualifies when all its calls lie within ``max_span``, it has at most
    ``max_contacts`` distinct contacts and at least ``min_calls`` calls, and its
    first and last calls are at least ``margin`` (default ``max_span``) inside the
    observed ``period`` (default: first to last call), so that a phone merely cut by
    the edges of the data is not taken for a burner.

    ``score`` in (0, 1] is the mean of brevity ``1 - span / max_span``, narrowness
    ``1 / contacts`` and use ``min(calls, 10) / 10``. Columns ``number, first, last,
    span, calls, contacts, contact_numbers, score, evidence``; highest score first.

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    max_span : duration
        The longest a burner is in use.
    max_contacts : int
        The most distinct contacts a burner has.
    min_calls : int
        The fewest calls a burner has.
    margin : duration or None
        How far inside the observed period its use must lie (None: ``max_span``).
    period : (time, time) or None
        The observed period (None: first to last call).

    Returns
    -------
    TableResult
        One row per burner, highest score first.
    """
    if max_contacts < 1 or min_calls < 1:
        raise ValueError("max_contacts and min_calls must be at least 1")
    sw = Stopwatch()
    calls = as_calls(calls)
    ms = _span(max_span, "max_span")
    mg = ms if margin is None else _span(margin, "margin")
    legs = _legs(calls)
    if period is not None:
        p0, p1 = _time(period[0]), _time(period[1])
    else:
        p0, p1 = calls["at"].min(), calls["at"].max()
    if p0 is None or p1 is None:
        raise ValueError("period needs a start and an end")
    g = legs.groupby("phone").agg(
        first=("at", "min"),
        last=("at", "max"),
        calls=("row", "nunique"),
        contacts=("contact", "nunique"),
    )
    g["span"] = g["last"] - g["first"]
    keep = (
        (g["span"] <= ms)
        & (g["contacts"] <= max_contacts)
        & (g["calls"] >= min_calls)
        & (g["first"] >= p0 + mg)
        & (g["last"] <= p1 - mg)
    )
    g = g[keep]
    rows = legs[legs["phone"].isin(g.index)].groupby("phone")
    g["contact_numbers"] = objects(
        (tuple(sorted(set(s))) for _, s in rows["contact"]),
        pd.Index([p for p, _ in rows["contact"]]),
    ).reindex(g.index)
    g["evidence"] = objects(
        (_evidence(calls, r) for _, r in rows["row"]), pd.Index([p for p, _ in rows["row"]])
    ).reindex(g.index)
    span_frac = g["span"].dt.total_seconds() / ms.total_seconds() if ms > pd.Timedelta(0) else 0.0
    g["score"] = ((1 - span_frac) + 1 / g["contacts"] + np.minimum(g["calls"], 10) / 10).astype(
        float
    ) / 3
    g["score"] = g["score"].round(6)
    table = g.reset_index().rename(columns={"phone": "number"})
    table = table.sort_values(["score", "number"], ascending=[False, True], ignore_index=True)
    table = table[
        [
            "number",
            "first",
            "last",
            "span",
            "calls",
            "contacts",
            "contact_numbers",
            "score",
            "evidence",
        ]
    ]
    params = {
        "max_span": ms,
        "max_contacts": max_contacts,
        "min_calls": min_calls,
        "margin": mg,
        "period": (p0, p1),
    }
    return TableResult(table, stamp(sw, "burners", params, frame_hash(calls)))


# ------------------------------------------------------------------------ SIM swaps


def _pair_stats(legs: pd.DataFrame) -> pd.DataFrame:
    """Per (phone, contact): first and last call time and the rows of those calls."""
    legs = legs.sort_values(["at", "row"], kind="stable")
    grp = legs.groupby(["phone", "contact"], sort=False)
    first = grp.head(1).set_index(["phone", "contact"])
    last = grp.tail(1).set_index(["phone", "contact"])
    return pd.DataFrame(
        {
            "first": first["at"],
            "first_row": first["row"],
            "last": last["at"].reindex(first.index),
            "last_row": last["row"].reindex(first.index),
        }
    ).reset_index()


def _handovers(
    stats: pd.DataFrame, mapping: dict[str, str], max_contact_degree: int
) -> pd.DataFrame:
    """(old, new, contact) where old's last call with the contact precedes new's first.

    Old's contacts are also read through ``mapping`` (a contact's own old number ->
    its new number), so a contact that changed numbers as well still counts.
    """
    degree = stats.groupby("contact")["phone"].transform("size")
    stats = stats[degree <= max_contact_degree]
    old = stats[["phone", "contact", "last", "last_row"]].rename(columns={"phone": "old"})
    if mapping:
        moved = old[old["contact"].isin(mapping.keys())].copy()
        moved["contact"] = moved["contact"].map(mapping)
        old = pd.concat([old, moved], ignore_index=True)
    new = stats[["phone", "contact", "first", "first_row"]].rename(columns={"phone": "new"})
    j = old.merge(new, on="contact")
    j = j[(j["old"] != j["new"]) & (j["contact"] != j["old"]) & (j["contact"] != j["new"])]
    j = j[j["last"] < j["first"]]
    # a contact reached through the mapping and directly counts once
    return j.sort_values("last", ascending=False).drop_duplicates(["old", "new", "contact"])


def _handset_pairs(handsets: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """(old, new) pairs of numbers seen in the same handset (IMEI), both with calls."""
    h = handsets[handsets["imei"].notna() & handsets["number"].isin(known)]
    h = h.assign(imei=h["imei"].astype(str).str.strip(), number=h["number"].astype(str))
    h = h[h["imei"] != ""].drop_duplicates(["imei", "number"])
    pairs = h.merge(h, on="imei", suffixes=("_old", "_new"))
    pairs = pairs[pairs["number_old"] != pairs["number_new"]]
    return pairs.rename(columns={"number_old": "old", "number_new": "new"})


_SWAP_COLUMNS = [
    "old",
    "new",
    "switch_at",
    "shared",
    "score",
    "jaccard",
    "same_handset",
    "residual",
    "prior",
    "best",
    "shared_contacts",
    "evidence",
]


def _swap_candidates(
    j: pd.DataFrame,
    hs: pd.DataFrame,
    first_call: Mapping[Any, pd.Timestamp],
    contacts_n: pd.Series,
    phone_times: Mapping[Any, np.ndarray],
    min_shared: int,
) -> pd.DataFrame:
    """Per (old, new): contacts handed over, switch time, same handset, cosine and
    Jaccard scores, residual use of old and prior use of new (pairs with at least
    ``min_shared`` handed-over contacts, or seen in one handset)."""
    cand = (
        j.groupby(["old", "new"], sort=False)
        .agg(shared=("contact", "size"), switch_at=("first", "min"))
        .reset_index()
    )
    cand = cand.merge(hs[["old", "new"]].assign(same_handset=True), how="outer")
    cand["same_handset"] = cand["same_handset"].fillna(False).astype(bool)
    cand["shared"] = cand["shared"].fillna(0).astype(int)
    no_switch = cand["switch_at"].isna()
    cand.loc[no_switch, "switch_at"] = cand.loc[no_switch, "new"].map(first_call)
    cand = cand[(cand["shared"] >= min_shared) | cand["same_handset"]]
    n_old = contacts_n.reindex(cand["old"]).to_numpy(dtype=float)
    n_new = contacts_n.reindex(cand["new"]).to_numpy(dtype=float)
    shared = cand["shared"].to_numpy(dtype=float)
    cand["score"] = np.round(shared / np.sqrt(np.maximum(n_old * n_new, 1.0)), 6)
    cand["jaccard"] = np.round(shared / np.maximum(n_old + n_new - shared, 1.0), 6)
    residual, prior = [], []
    for o, n, t in zip(cand["old"], cand["new"], cand["switch_at"], strict=True):
        st = np.datetime64(pd.Timestamp(t).tz_convert("UTC").tz_localize(None), "ns")
        to, tn = phone_times[o], phone_times[n]
        residual.append(1 - np.searchsorted(to, st, side="left") / len(to))
        prior.append(np.searchsorted(tn, st, side="left") / len(tn))
    cand["residual"] = np.round(residual, 6)
    cand["prior"] = np.round(prior, 6)
    return cand


def _one_to_one(olds: Iterable[str], news: Iterable[str]) -> list[bool]:
    """Greedy one-to-one matching in the given order: a pair wins when neither its old
    nor its new number is taken (and its old number is no earlier pair's new one)."""
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    best = []
    for o, n in zip(olds, news, strict=True):
        ok = o not in taken_old and n not in taken_new and o not in taken_new
        best.append(ok)
        if ok:
            taken_old.add(o)
            taken_new.add(n)
    return best


def _swap_table(
    table: pd.DataFrame,
    handed: pd.DataFrame,
    calls: pd.DataFrame,
    handsets: pd.DataFrame | None,
    hs: pd.DataFrame,
) -> pd.DataFrame:
    """The result table: the candidates with their handed-over contacts and evidence."""
    if table.empty:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=bool if c in ("best", "same_handset") else object)
                for c in _SWAP_COLUMNS
            }
        )
    keys = table[["old", "new"]]
    index = pd.MultiIndex.from_frame(keys)
    sub = handed.merge(keys, on=["old", "new"]).groupby(["old", "new"], sort=False)
    contacts = pd.Series(
        {k: tuple(sorted(map(str, x))) for k, x in sub["contact"]}, dtype=object
    ).reindex(index)
    rows = (sub["last_row"].agg(list) + sub["first_row"].agg(list)).reindex(index)
    phone_recs: dict[str, tuple[Record, ...]] = {}
    if handsets is not None and len(hs):
        h = handsets.assign(number=handsets["number"].astype(str))
        h = h[h["number"].isin(set(hs["old"]))]
        for num, grp in h.groupby("number"):
            phone_recs[str(num)] = records_of(grp, "phone", "number")
    evidence = []
    for (o, n), r, same in zip(index, rows, table["same_handset"], strict=True):
        recs = _evidence(calls, r) if isinstance(r, list) else ()
        if same:
            recs = recs + phone_recs.get(o, ()) + phone_recs.get(n, ())
        evidence.append(recs)
    shared_contacts = [c if isinstance(c, tuple) else () for c in contacts]
    out = table.assign(
        shared_contacts=objects(shared_contacts, table.index),
        evidence=objects(evidence, table.index),
    )[_SWAP_COLUMNS]
    return out.reset_index(drop=True)


def sim_swaps(
    calls: pd.DataFrame,
    *,
    handsets: pd.DataFrame | None = None,
    min_shared: int = 3,
    min_score: float = 0.3,
    max_residual: float = 0.25,
    max_prior: float = 0.25,
    rounds: int = 2,
    max_contact_degree: int = 500,
) -> TableResult:
    """New numbers that take over the contacts of an old number that went silent.

    For a pair (old, new), a *handed-over* contact is one whose last call with the
    old number precedes its first call with the new one. The switch time is the
    new number's first call with a handed-over contact. A pair is a candidate when

    * at least ``min_shared`` contacts were handed over and ``score`` (the cosine
      ``shared / sqrt(contacts(old) * contacts(new))``) is at least ``min_score``,
      or the two numbers were seen in the same handset (``handsets``: a frame
      ``number, imei`` plus optional ``source, source_row``), and
    * the old number went (nearly) silent: at most ``max_residual`` of its calls
      are at or after the switch, and
    * the new number is new: at most ``max_prior`` of its calls are before it.

    With ``rounds`` > 1 the search is repeated with the contacts' own swaps of the
    previous round applied (a contact that moved from X to Y counts as the same
    contact), which finds people whose whole circle switched phones together.
    Contacts with more than ``max_contact_degree`` partners (hubs) are ignored.

    Columns ``old, new, switch_at, shared, score, jaccard, same_handset, residual,
    prior, best, shared_contacts, evidence``. ``best``: the pair wins a one-to-one
    greedy matching (same handset first, then score, then shared contacts);
    ``evidence``: the old number's last and the new number's first call with every
    handed-over contact, and the phone records giving the shared IMEI. Best first.

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).
    handsets : DataFrame or None
        ``number, imei`` (+ ``source, source_row``): numbers seen in one handset.
    min_shared : int
        The fewest handed-over contacts a pair needs (without a shared handset).
    min_score : float
        The least cosine score a pair needs (without a shared handset).
    max_residual : float
        The largest share of the old number's calls at or after the switch.
    max_prior : float
        The largest share of the new number's calls before the switch.
    rounds : int
        Rounds of the search, each with the previous round's swaps applied.
    max_contact_degree : int
        Contacts with more partners are ignored.

    Returns
    -------
    TableResult
        One row per candidate pair, best first.
    """
    if min_shared < 1 or rounds < 1:
        raise ValueError("min_shared and rounds must be at least 1")
    sw = Stopwatch()
    calls = as_calls(calls)
    legs = _legs(calls)
    stats = _pair_stats(legs)
    contacts_n = stats.groupby("phone")["contact"].nunique()
    per_phone = legs.sort_values("at").groupby("phone")["at"]
    phone_times = {p: s.to_numpy(dtype="datetime64[ns]") for p, s in per_phone}
    first_call = {p: pd.Timestamp(t[0], tz="UTC") for p, t in phone_times.items()}
    hs = (
        _handset_pairs(handsets, {str(p) for p in phone_times})
        if handsets is not None
        else pd.DataFrame(columns=["old", "new"])
    )
    mapping: dict[str, str] = {}
    table = pd.DataFrame()
    handed = pd.DataFrame()
    for _ in range(rounds):
        j = _handovers(stats, mapping, max_contact_degree)
        cand = _swap_candidates(j, hs, first_call, contacts_n, phone_times, min_shared)
        cand = cand[
            ((cand["score"] >= min_score) | cand["same_handset"])
            & (cand["residual"] <= max_residual)
            & (cand["prior"] <= max_prior)
        ]
        cand = cand.sort_values(
            ["same_handset", "score", "shared", "residual", "old", "new"],
            ascending=[False, False, False, True, True, True],
        )
        best = _one_to_one(cand["old"], cand["new"])
        cand["best"] = best
        table, handed = cand, j
        new_mapping = {o: n for o, n, b in zip(cand["old"], cand["new"], best, strict=True) if b}
        if new_mapping == mapping:
            break
        mapping = new_mapping
    out = _swap_table(table, handed, calls, handsets, hs)
    params = {
        "handsets": handsets is not None,
        "min_shared": min_shared,
        "min_score": min_score,
        "max_residual": max_residual,
        "max_prior": max_prior,
        "rounds": rounds,
        "max_contact_degree": max_contact_degree,
    }
    data_hash = frame_hash(calls) if handsets is None else frame_hash(calls, handsets)
    return TableResult(out, stamp(sw, "sim_swaps", params, data_hash))


# ---------------------------------------------------------------------- co-location


def tower_observations(calls: pd.DataFrame) -> pd.DataFrame:
    """Where callers were: ``entity, place, at, kind, id, source, source_row`` per call
    with a tower (the tower of a call record is the caller's).

    Parameters
    ----------
    calls : DataFrame
        Call records (the calls layout, :func:`~netintel.investigate.as_calls`).

    Returns
    -------
    DataFrame
        One observation per call with a tower, the input of :func:`colocation`.

    Examples
    --------
    >>> calls = pd.DataFrame({"caller": ["+1", "+2"], "callee": ["+2", "+1"],
    ...     "at": ["2024-01-01T08:00Z", "2024-01-01T09:00Z"], "tower": ["T9", None]})
    >>> tower_observations(calls)[["entity", "place", "kind"]].values.tolist()
    [['+1', 'T9', 'call']]
    """
    calls = as_calls(calls)
    made = calls[calls["tower"].notna()]
    return pd.DataFrame(
        {
            "entity": made["caller"].to_numpy(),
            "place": made["tower"].to_numpy(),
            "at": made["at"].to_numpy(),
            "kind": "call",
            "id": made["call_id"].to_numpy(),
            "source": made["source"].to_numpy(),
            "source_row": made["source_row"].to_numpy(),
        }
    )


def _observed(observations: pd.DataFrame) -> pd.DataFrame:
    """Observations as :func:`colocation` reads them: ``entity`` and ``place`` as text,
    ``at`` in UTC, and ``kind, id, source, source_row`` (None where not given)."""
    obs = observations.copy()
    for c in ("kind", "id", "source", "source_row"):
        if c not in obs:
            obs[c] = None
    obs["at"] = pd.to_datetime(obs["at"], utc=True)
    obs["entity"] = obs["entity"].astype(str)
    obs["place"] = obs["place"].astype(str)
    return obs


#: The relationship an observation of each kind stands for on a colocation map.
_OBSERVED = {"sighting": "SEEN_AT", "call": "CALLED_FROM"}


def colocation_network(
    result: TableResult,
    observations: pd.DataFrame,
    places: pd.DataFrame | None = None,
    *,
    label: str = "Person",
    names: Mapping[str, str] | None = None,
    max_records: int = 50,
) -> Any:
    """Who met where, as a graph to map: the pairs of a :func:`colocation` result, the
    places they met at, and the observations that put each of them there.

    Each pair is a ``MET`` link (``weight`` its meetings, ``first``, ``last``, its
    evidence as ``records``). Each of its two members is linked to each place the pair
    met at by the member's observations there: ``SEEN_AT`` (sightings) or
    ``CALLED_FROM`` (calls through a tower), ``weight`` how many, with their records
    (file, row, time; at most ``max_records``, ``record_count`` all of them). Places are
    ``Location`` nodes with the ``name``, ``kind``, ``lat`` and ``lon`` of ``places``, so
    a map of the graph can lay them out by latitude and longitude (``layout="geo"``).

    Parameters
    ----------
    result : TableResult
        A :func:`colocation` result.
    observations : DataFrame
        The observations it was computed from (``entity, place, at`` and optionally
        ``kind, id, source, source_row``).
    places : DataFrame, optional
        ``location_id`` and any of ``name, kind, lat, lon, region`` per place.
    label : str, default "Person"
        The label of the entities (``"Phone"`` for phones on towers).
    names : mapping, optional
        An entity's name by its id.
    max_records : int, default 50
        The most records a link carries.

    Returns
    -------
    networkx.Graph
        The entities, the places and their links.

    Examples
    --------
    >>> seen = pd.DataFrame({"entity": ["A", "B", "C"], "place": ["L1", "L1", "L2"],
    ...     "at": ["2024-01-01T10:00Z", "2024-01-01T10:30Z", "2024-01-01T10:00Z"],
    ...     "kind": "sighting", "source": "seen.csv", "source_row": [2, 3, 4]})
    >>> places = pd.DataFrame({"location_id": ["L1"], "name": ["Harbour"], "lat": [41.9],
    ...     "lon": [12.5]})
    >>> G = colocation_network(colocation(seen), seen, places)
    >>> sorted(G.edges(data="type"))
    [('A', 'B', 'MET'), ('A', 'L1', 'SEEN_AT'), ('B', 'L1', 'SEEN_AT')]
    >>> G.nodes["L1"]["name"], G.nodes["L1"]["lat"], G["B"]["L1"]["records"][0]["source_row"]
    ('Harbour', 41.9, 3)
    """
    import networkx as nx

    table = result.table
    G = nx.Graph()
    info: dict[str, dict[str, Any]] = {}
    if places is not None and len(places):
        keep = [c for c in ("name", "kind", "lat", "lon", "region") if c in places]
        for found in places.to_dict("records"):
            facts = {k: found[k] for k in keep if found[k] is not None and not pd.isna(found[k])}
            info[str(found["location_id"])] = facts
    obs = _observed(observations)
    met: set[tuple[str, str]] = set()
    for pair in table.to_dict("records"):
        a, b, evidence = str(pair["a"]), str(pair["b"]), pair["evidence"]
        for who in (a, b):
            name = (names or {}).get(who)
            G.add_node(who, label=label, **({"name": name} if name else {}))
        G.add_edge(
            a,
            b,
            type="MET",
            weight=int(pair["meetings"]),
            first=pair["first"],
            last=pair["last"],
            records=[
                {"kind": r.kind, "id": r.id, "source": r.source, "source_row": r.row}
                for r in evidence[:max_records]
            ],
            record_count=len(evidence),
        )
        met.update((who, str(place)) for who in (a, b) for place in pair["places"])
    for place in sorted({p for _, p in met}):
        G.add_node(place, label="Location", **info.get(place, {}))
    there = obs[[(e, p) in met for e, p in zip(obs["entity"], obs["place"], strict=True)]]
    for (entity, where), grp in there.groupby(["entity", "place"], sort=True):
        seen = grp.sort_values("at", kind="stable")
        G.add_edge(
            entity,
            where,
            type=_OBSERVED.get(str(seen["kind"].iloc[0]), "OBSERVED_AT"),
            weight=len(seen),
            records=[
                {"source": src, "source_row": row, "at": at}
                for src, row, at in zip(
                    seen["source"][:max_records],
                    seen["source_row"][:max_records],
                    seen["at"][:max_records],
                    strict=True,
                )
            ],
            record_count=len(seen),
        )
    return G


def colocation(
    observations: pd.DataFrame, *, window: SpanLike = "1h", min_meetings: int = 1
) -> TableResult:
    """Pairs of entities observed at the same place within ``window`` of each other.

    ``observations``: ``entity, place, at`` plus optional ``kind, id, source,
    source_row`` (see :func:`tower_observations`; sightings work the same way).
    Each pair of observations closer than ``window`` at one place is a meeting.
    Columns ``a, b, meetings, places, first, last, evidence`` (``a < b``; most
    meetings first); pairs with fewer than ``min_meetings`` meetings are dropped.

    Parameters
    ----------
    observations : DataFrame
        ``entity, place, at`` plus optional ``kind, id, source, source_row``.
    window : duration
        Two observations at one place at most this far apart are a meeting.
    min_meetings : int
        The fewest meetings a pair needs.

    Returns
    -------
    TableResult
        One row per pair, most meetings first.

    Examples
    --------
    >>> seen = pd.DataFrame({"entity": ["A", "B", "C"], "place": ["L1", "L1", "L2"],
    ...     "at": ["2024-01-01T10:00Z", "2024-01-01T10:30Z", "2024-01-01T10:00Z"]})
    >>> colocation(seen).table[["a", "b", "meetings", "places"]].values.tolist()
    [['A', 'B', 1, ('L1',)]]
    """
    sw = Stopwatch()
    win = _span(window, "window")
    obs = _observed(observations)
    obs = obs.sort_values(["place", "at", "entity"], kind="stable", ignore_index=True)
    place = obs["place"].to_numpy()
    t = obs["at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    # key = (place code, time): sorted, so the window end is one searchsorted away
    codes = pd.factorize(place)[0].astype(np.int64)
    start = np.searchsorted(codes, codes, side="left")
    end_place = np.searchsorted(codes, codes, side="right")
    n = len(obs)
    idx = np.arange(n)
    # within each place the times are sorted: search the window end inside that slice
    stop = np.empty(n, dtype=np.int64)
    for c0, c1 in zip(*np.unique(start, return_index=True), strict=True):
        seg_end = end_place[c1]
        seg = t[c0:seg_end]
        stop[c0:seg_end] = c0 + np.searchsorted(seg, seg + win.value, side="right")
    counts = stop - idx - 1
    i = np.repeat(idx, counts)
    offs = np.arange(len(i)) - np.repeat(np.cumsum(counts) - counts, counts)
    j = i + 1 + offs
    ent = obs["entity"].to_numpy()
    keep = ent[i] != ent[j]
    i, j = i[keep], j[keep]
    a = np.where(ent[i] < ent[j], ent[i], ent[j])
    b = np.where(ent[i] < ent[j], ent[j], ent[i])
    pairs = pd.DataFrame({"a": a, "b": b, "i": i, "j": j, "place": place[i]})
    recs = list(records_of(obs.assign(kind=obs["kind"].fillna("observation")), "observation", "id"))
    kinds = obs["kind"].fillna("observation").tolist()
    recs = [Record(k, r.id, r.source, r.row) for k, r in zip(kinds, recs, strict=True)]
    at = obs["at"]
    rows = []
    for (pa, pb), grp in pairs.groupby(["a", "b"], sort=True):
        if len(grp) < min_meetings:
            continue
        members = sorted(set(grp["i"]) | set(grp["j"]))
        rows.append(
            {
                "a": pa,
                "b": pb,
                "meetings": len(grp),
                "places": tuple(sorted(set(grp["place"]))),
                # rows are sorted by place, then time: take the times, not the row order
                "first": at.iloc[int(grp["i"].to_numpy()[np.argmin(t[grp["i"]])])],
                "last": at.iloc[int(grp["j"].to_numpy()[np.argmax(t[grp["j"]])])],
                "evidence": tuple(recs[m] for m in members),
            }
        )
    cols = ["a", "b", "meetings", "places", "first", "last", "evidence"]
    table = pd.DataFrame(rows, columns=cols)
    table = table.sort_values(
        ["meetings", "a", "b"], ascending=[False, True, True], ignore_index=True
    )
    params = {"window": win, "min_meetings": min_meetings}
    return TableResult(table, stamp(sw, "colocation", params, frame_hash(obs)))

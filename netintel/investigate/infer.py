"""Hand-overs nobody recorded: proposed missing hops of trafficking chains.

:func:`infer_handovers` takes what an analyst has - the recorded transfers, call records
lifted to people, sightings, the suspects of each case with their roles, and names - and,
for every victim, orders the known holders in time and proposes the hand-overs that are
missing:

* **between** two known holders who are not the same hand-over (the receiver of one
  recorded transfer is not the giver of the next, or the abductor of the victim's case is
  not the giver of the first recorded transfer), with zero or more unknown intermediaries;
* **after the last known holder**, towards the buyer of the victim's case or, when no case
  names one, towards the contact with the strongest evidence (``kind="after_last"``).

Candidates are the suspects of the victim's cases with a holder role (``abductor``,
``transporter``, ``broker``, ``seller``, ``buyer``; ``organiser`` and ``victim`` are not
holders), and, after the last holder, any contact. Every hop's score in [0, 1] is a
noisy-OR of evidence channels, each measured in the hop's window only (from ``lead``
before the previous known hand-over up to the next one; nothing after the next recorded
hand-over ever supports an earlier hop):

``calls``
    calls between the two parties in the window beyond what their rate outside it
    predicts (a call burst), ``1 - (1 - call_weight) ** excess``;
``co-location``
    the two parties seen at the same place within ``colocation_window`` (sightings), or the
    victim seen there with the receiver;
``case``
    both are suspects of the victim's case;
``pattern``
    recorded transfers from the giver to the receiver of other victims (who hands to whom);
``role``
    how often recorded transfers go from the giver's role to the receiver's role (a model
    fitted on the recorded transfers of the whole case: abductor -> transporter, seller ->
    buyer...).

Within each victim the hops are chosen together: every case suspect is placed at most once
(placing one earns ``placement_bonus``, as the case says they held the victim), and the
order that maximises the sum of ``log(score)`` over the path wins (dynamic programming over
subsets; at most ``max_candidates`` per victim). Proposed times lie strictly between the
known hand-overs around them, in path order.

Input frames (extra columns are ignored; times are tz-aware or ISO 8601 strings, read as
UTC when naive):

* ``transfers``: the transfers layout of :mod:`netintel.investigate.chains`;
* ``calls``: one row per call between two people: ``person_a, person_b, at`` and optional
  ``call_id, source, source_row`` (:func:`lift_calls` makes it from phone calls and
  phone users);
* ``sightings``: ``person_id, location_id, at`` and optional ``source, source_row``;
* ``case_roles``: ``person_id, case_id, role`` and optional ``source, source_row``; a
  victim is a row with role ``victim``;
* ``persons``: ``person_id, name`` (optional).

>>> import pandas as pd
>>> tr = pd.DataFrame({"transfer_id": ["T1"], "victim_id": ["V"], "from_id": ["A"],
...     "to_id": ["B"], "at": ["2024-01-01T00:00Z"]})
>>> roles = pd.DataFrame({"person_id": ["V", "A", "B", "C"], "case_id": ["K"] * 4,
...     "role": ["victim", "abductor", "seller", "buyer"]})
>>> calls = pd.DataFrame({"person_a": ["B", "B"], "person_b": ["C", "C"],
...     "at": ["2024-01-03T08:00Z", "2024-01-03T09:00Z"]})
>>> hops = infer_handovers(tr, calls=calls, case_roles=roles).to_frame()
>>> hops[["victim_id", "kind", "from_id", "to_id", "rule"]].values.tolist()
[['V', 'after_last', 'B', 'C', 'case-path']]
"""

from __future__ import annotations

import hashlib
from collections import ChainMap, Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import combinations, pairwise
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netintel.algorithms.results import Provenance, ResultMixin, Stopwatch
from netintel.investigate._base import (
    Record,
    _opt_int,
    _opt_str,
    as_transfers,
    frame_hash,
    jsonable,
    named,
    records_of,
    stamp,
)
from netintel.localtime import localize, to_local, zone_name

__all__ = [
    "HOLDER_ROLES",
    "INFERRED_COLUMNS",
    "InferredHandovers",
    "InferredHop",
    "TimedRecord",
    "baseline_handovers",
    "infer_handovers",
    "lift_calls",
    "score_handovers",
    "withheld_handovers",
]

#: Case roles whose people hold a victim at some point (in the order a chain usually has).
HOLDER_ROLES = ("abductor", "transporter", "broker", "seller", "buyer")

#: Columns of :meth:`InferredHandovers.to_frame`.
INFERRED_COLUMNS = (
    "hop_id",
    "victim_id",
    "victim_name",
    "kind",
    "position",
    "from_id",
    "from_name",
    "to_id",
    "to_name",
    "at",
    "earliest",
    "latest",
    "timezone",
    "score",
    "rule",
    "channels",
    "evidence_count",
    "evidence",
    "after_transfer",
    "before_transfer",
)

_EPS = 0.02


def _sorted(recs: Iterable[Record]) -> list[Any]:
    """Records without duplicates, by time (timeless ones first), kind, file and row."""
    return sorted(
        set(recs),
        key=lambda r: (
            getattr(r, "at", None) is not None,
            getattr(r, "at", None) or pd.Timestamp(0, tz="UTC"),
            r.kind,
            r.source or "",
            r.row if r.row is not None else -1,
            r.id or "",
        ),
    )


@dataclass(frozen=True, order=True)
class TimedRecord(Record):
    """A :class:`Record` with the time of what it records (``None``: timeless, e.g. a case role).

    >>> str(TimedRecord("call", "C1", "calls.csv", 17, pd.Timestamp("2024-01-01", tz="UTC")))
    'call C1 (calls.csv row 17) at 2024-01-01T00:00:00+00:00'
    """

    at: pd.Timestamp | None = None

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} at {self.at.isoformat()}" if self.at is not None else base

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "at": None if self.at is None else self.at.isoformat()}


@dataclass(frozen=True)
class InferredHop:
    """One proposed hand-over of ``victim_id`` from ``from_id`` to ``to_id``.

    ``kind``: ``"between"`` (inside a gap between two known holders) or ``"after_last"``
    (after the last known holder). ``earliest``/``latest``: the known hand-overs around
    the gap (the hop lies strictly between them); ``at``: the estimated time.
    ``channels``: evidence channel -> its probability; ``evidence``: the records behind
    the channels and the recorded transfers that bound the gap (kind ``transfer``).
    """

    hop_id: str
    victim_id: str
    kind: str
    position: int
    from_id: str
    to_id: str
    at: pd.Timestamp
    earliest: pd.Timestamp | None
    latest: pd.Timestamp | None
    score: float
    rule: str
    channels: Mapping[str, float]
    evidence: tuple[TimedRecord, ...]
    after_transfer: str | None = None
    before_transfer: str | None = None


@dataclass(frozen=True, eq=False)
class InferredHandovers(ResultMixin):
    """Proposed hand-overs with provenance (its ``params`` are the parameters used).

    ``names``: person id -> name, shown beside ids; ``tz``: the zone the tables show
    times in (the hops keep UTC).
    """

    hops: tuple[InferredHop, ...]
    provenance: Provenance
    names: Mapping[str, str] = field(default_factory=dict)
    tz: str = "UTC"
    victims: int = 0

    def __len__(self) -> int:
        return len(self.hops)

    def to_frame(self) -> pd.DataFrame:
        """One row per proposed hop, columns :data:`INFERRED_COLUMNS` (names beside ids,
        times in the zone ``tz``), by victim and position."""
        rows = [
            {
                "hop_id": h.hop_id,
                "victim_id": h.victim_id,
                "victim_name": self.names.get(h.victim_id),
                "kind": h.kind,
                "position": h.position,
                "from_id": h.from_id,
                "from_name": self.names.get(h.from_id),
                "to_id": h.to_id,
                "to_name": self.names.get(h.to_id),
                "at": h.at,
                "earliest": h.earliest,
                "latest": h.latest,
                "timezone": self.tz,
                "score": h.score,
                "rule": h.rule,
                "channels": dict(h.channels),
                "evidence_count": len(h.evidence),
                "evidence": h.evidence,
                "after_transfer": h.after_transfer,
                "before_transfer": h.before_transfer,
            }
            for h in self.hops
        ]
        frame = pd.DataFrame(rows, columns=list(INFERRED_COLUMNS))
        for c in ("at", "earliest", "latest"):
            frame[c] = pd.to_datetime(frame[c], utc=True)
        return localize(frame, self.tz, ["at", "earliest", "latest"], zone_column=None)

    def summary(self) -> pd.DataFrame:
        """One row per victim with proposals: ``victim_id, victim_name, between,
        after_last, mean_score, chain`` (the people in order, names beside ids)."""
        by: dict[str, list[InferredHop]] = defaultdict(list)
        for h in self.hops:
            by[h.victim_id].append(h)
        rows = []
        for v, hs in by.items():
            rows.append(
                {
                    "victim_id": v,
                    "victim_name": self.names.get(v),
                    "between": sum(h.kind == "between" for h in hs),
                    "after_last": sum(h.kind == "after_last" for h in hs),
                    "mean_score": round(float(np.mean([h.score for h in hs])), 4),
                    "hops": tuple(
                        f"{named(h.from_id, self.names.get(h.from_id))} -> "
                        f"{named(h.to_id, self.names.get(h.to_id))}"
                        for h in hs
                    ),
                }
            )
        cols = ["victim_id", "victim_name", "between", "after_last", "mean_score", "hops"]
        return pd.DataFrame(rows, columns=cols)

    def to_networkx(self, transfers: pd.DataFrame | None = None) -> nx.MultiDiGraph:
        """The chains as a graph of people: one edge per hop, ``type="TRANSFER"``, giver ->
        receiver, with ``victim_id``, ``at``, ``score`` and ``inferred=True`` (maps draw
        them dashed); with ``transfers``, the recorded ones too (``inferred=False``).

        >>> tr = pd.DataFrame({"transfer_id": ["T1"], "victim_id": ["V"], "from_id": ["A"],
        ...     "to_id": ["B"], "at": ["2024-01-01T00:00Z"]})
        >>> calls = pd.DataFrame({"person_a": ["B"], "person_b": ["C"],
        ...     "at": ["2024-01-02T00:00Z"]})
        >>> G = infer_handovers(tr, calls=calls, min_score=0).to_networkx(tr)
        >>> sorted((u, v, d["inferred"]) for u, v, d in G.edges(data=True))
        [('A', 'B', False), ('B', 'C', True)]
        """
        G = nx.MultiDiGraph(timezone=self.tz)
        edges: list[tuple[str, str, dict[str, Any]]] = []
        if transfers is not None:
            tr = as_transfers(transfers)
            for t, v, f, to, at in zip(
                tr["transfer_id"],
                tr["victim_id"],
                tr["from_id"],
                tr["to_id"],
                tr["at"],
                strict=True,
            ):
                edges.append(
                    (f, to, {"transfer_id": t, "victim_id": v, "at": at, "inferred": False})
                )
        for h in self.hops:
            edges.append(
                (
                    h.from_id,
                    h.to_id,
                    {
                        "transfer_id": h.hop_id,
                        "victim_id": h.victim_id,
                        "at": h.at,
                        "score": h.score,
                        "rule": h.rule,
                        "inferred": True,
                    },
                )
            )
        for u, v, data in edges:
            for p in (u, v):
                if p not in G:
                    G.add_node(p, label="Person", person_id=p, name=self.names.get(p, p))
            G.add_edge(u, v, type="TRANSFER", **data)
        return G

    def evidence_frame(self) -> pd.DataFrame:
        """One row per (hop, record): ``hop_id, kind, id, source, source_row, at``."""
        rows = [
            {
                "hop_id": h.hop_id,
                "kind": r.kind,
                "id": r.id,
                "source": r.source,
                "source_row": r.row,
                "at": r.at,
            }
            for h in self.hops
            for r in h.evidence
        ]
        return pd.DataFrame(rows, columns=["hop_id", "kind", "id", "source", "source_row", "at"])

    def to_dict(self) -> dict[str, Any]:
        def hop(h: InferredHop) -> dict[str, Any]:
            d = jsonable({k: v for k, v in h.__dict__.items() if k not in ("at", "evidence")})
            d["at"] = to_local(h.at, self.tz).isoformat()  # type: ignore[union-attr]
            d["evidence"] = [r.to_dict() for r in h.evidence]
            d["from_name"] = self.names.get(h.from_id)
            d["to_name"] = self.names.get(h.to_id)
            d["victim_name"] = self.names.get(h.victim_id)
            return d

        return {
            "hops": [hop(h) for h in self.hops],
            "victims": self.victims,
            "timezone": self.tz,
            "provenance": self.provenance.to_dict(),
        }


# --------------------------------------------------------------------------- inputs


def _utc(values: pd.Series, what: str) -> pd.Series:
    out = pd.to_datetime(values, utc=True, format="ISO8601", errors="coerce")
    bad = out.isna() & values.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{what} frame, column 'at', row {i}: not a date-time: {values.iloc[i]!r}")
    return out


def _need(frame: pd.DataFrame, cols: Sequence[str], what: str) -> pd.DataFrame:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {', '.join(missing)}")
    out = frame.copy()
    for c in ("source", "source_row"):
        if c not in out.columns:
            out[c] = None
    return out


def _hash(*frames: pd.DataFrame) -> str:
    """:func:`frame_hash` with times as integers (formatting them as text is slow)."""
    out = []
    for f in frames:
        g = f.copy()
        for c in g.columns:
            if pd.api.types.is_datetime64_any_dtype(g[c]):
                g[c] = g[c].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        out.append(g)
    return frame_hash(*out)


def lift_calls(calls: pd.DataFrame, uses: pd.DataFrame) -> pd.DataFrame:
    """Phone calls (``caller, callee, at`` ...) as calls between people, via ``uses``
    (``person_id, number``): one row per (call, user of the caller's phone, user of the
    callee's phone); calls of a phone nobody is known to use are left out.

    Parameters
    ----------
    calls : DataFrame
        Phone calls: ``caller, callee, at`` and optional ``call_id, source, source_row``.
    uses : DataFrame
        ``person_id, number``: who uses which phone.

    Returns
    -------
    DataFrame
        ``person_a, person_b, at, call_id, source, source_row``: the ``calls`` frame of
        :func:`infer_handovers`.

    Examples
    --------
    >>> calls = pd.DataFrame({"caller": ["+1", "+2"], "callee": ["+2", "+9"],
    ...     "at": ["2024-01-01T00:00Z", "2024-01-01T01:00Z"], "call_id": ["C1", "C2"]})
    >>> uses = pd.DataFrame({"person_id": ["A", "B"], "number": ["+1", "+2"]})
    >>> lift_calls(calls, uses)[["person_a", "person_b", "call_id"]].values.tolist()
    [['A', 'B', 'C1']]
    """
    c = _need(calls, ("caller", "callee", "at"), "calls")
    if "call_id" not in c.columns:
        c["call_id"] = [f"row:{i}" for i in range(len(c))]
    u = _need(uses, ("person_id", "number"), "uses")[["person_id", "number"]].drop_duplicates()
    u = u.astype(str)
    c = c[["call_id", "caller", "callee", "at", "source", "source_row"]].astype(
        {"caller": str, "callee": str}
    )
    out = c.merge(u.rename(columns={"number": "caller", "person_id": "person_a"}), on="caller")
    out = out.merge(u.rename(columns={"number": "callee", "person_id": "person_b"}), on="callee")
    out = out[out["person_a"] != out["person_b"]]
    cols = ["person_a", "person_b", "at", "call_id", "source", "source_row"]
    return out[cols].reset_index(drop=True)


class _Index:
    """Per-person time-sorted arrays of calls and sightings, for window queries."""

    def __init__(self, calls: pd.DataFrame, sightings: pd.DataFrame, people: Sequence[str]) -> None:
        self.code = {p: i for i, p in enumerate(people)}
        n = len(people)
        self.people = list(people)
        # call legs: each call from both ends
        a = calls["person_a"].map(self.code).to_numpy()
        b = calls["person_b"].map(self.code).to_numpy()
        t = calls["at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        rows = np.arange(len(calls))
        me = np.r_[a, b].astype(np.int64)
        other = np.r_[b, a].astype(np.int64)
        tt = np.r_[t, t]
        rr = np.r_[rows, rows]
        o = np.lexsort((tt, me))
        self.l_me, self.l_other, self.l_t, self.l_row = me[o], other[o], tt[o], rr[o]
        self.l_start = np.searchsorted(self.l_me, np.arange(n + 1))
        self.call_id = calls["call_id"].astype(str).to_numpy()
        self.call_src = calls["source"].to_numpy()
        self.call_row = calls["source_row"].to_numpy()
        self.call_t = calls["at"]
        # pair totals (for the usual rate of a pair)
        lo, hi = np.minimum(a, b).astype(np.int64), np.maximum(a, b).astype(np.int64)
        key = lo * n + hi
        keys, counts = np.unique(key, return_counts=True)
        self.pair_total = dict(zip(keys.tolist(), counts.tolist(), strict=True))
        self.n = n
        span = (t.max() - t.min()) if len(t) else 0
        self.period_ns = max(int(span), int(pd.Timedelta("1D").value))
        # sightings
        sp = sightings["person_id"].map(self.code).to_numpy().astype(np.int64)
        st = sightings["at"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
        so = np.lexsort((st, sp))
        self.s_me, self.s_t = sp[so], st[so]
        self.s_place = sightings["location_id"].astype(str).to_numpy()[so]
        self.s_row = np.arange(len(sightings))[so]
        self.s_start = np.searchsorted(self.s_me, np.arange(n + 1))
        self.s_person = sightings["person_id"].to_numpy()
        self.s_loc = sightings["location_id"].to_numpy()
        self.s_src = sightings["source"].to_numpy()
        self.s_srow = sightings["source_row"].to_numpy()
        self.s_at = sightings["at"]

    @staticmethod
    def _between(start: np.ndarray, times: np.ndarray, x: int, t0: int, t1: int) -> slice:
        """The rows of person ``x`` (from ``start[x]``, sorted by ``times``) in [t0, t1]."""
        s, e = start[x], start[x + 1]
        ts = times[s:e]
        return slice(s + np.searchsorted(ts, t0, side="left"), s + np.searchsorted(ts, t1, "right"))

    def calls_in(self, x: int, t0: int, t1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Calls of x in [t0, t1]: (other, time, row)."""
        i = self._between(self.l_start, self.l_t, x, t0, t1)
        return self.l_other[i], self.l_t[i], self.l_row[i]

    def sightings_in(self, x: int, t0: int, t1: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sightings of x in [t0, t1]: (place, time, row)."""
        i = self._between(self.s_start, self.s_t, x, t0, t1)
        return self.s_place[i], self.s_t[i], self.s_row[i]

    def call_record(self, row: int) -> TimedRecord:
        """The record of call ``row``, with its time."""
        return TimedRecord(
            "call",
            str(self.call_id[row]),
            _opt_str(self.call_src[row]),
            _opt_int(self.call_row[row]),
            self.call_t.iloc[row],
        )

    def sight_record(self, row: int) -> TimedRecord:
        """The record of sighting ``row`` (id ``person@place``), with its time."""
        place = f"{self.s_person[row]}@{self.s_loc[row]}"
        at = self.s_at.iloc[row]
        return TimedRecord(
            "sighting", place, _opt_str(self.s_src[row]), _opt_int(self.s_srow[row]), at
        )

    def expected(self, x: int, y: int, span_ns: int, inside: int) -> float:
        """Calls of the pair a window of ``span_ns`` holds at their rate outside it."""
        lo, hi = min(x, y), max(x, y)
        outside = self.pair_total.get(lo * self.n + hi, 0) - inside
        rest = max(self.period_ns - span_ns, int(pd.Timedelta("1D").value))
        return outside * span_ns / rest


@dataclass
class _Params:
    lead: pd.Timedelta
    horizon: pd.Timedelta
    case_lag: pd.Timedelta
    colocation_window: pd.Timedelta
    call_weight: float
    case_weight: float
    colocation_weight: float
    victim_weight: float
    pattern_weight: float
    role_weight: float
    placement_bonus: float
    min_score: float
    max_candidates: int

    @classmethod
    def checked(cls, **given: Any) -> _Params:
        """The parameters of :func:`infer_handovers`, durations parsed, ranges checked."""
        durations = ("lead", "horizon", "case_lag", "colocation_window")
        parsed: dict[str, Any] = {
            k: pd.Timedelta(v) if k in durations else v for k, v in given.items()
        }
        par = cls(**parsed)
        for name in durations:
            if getattr(par, name) < pd.Timedelta(0):
                raise ValueError(f"{name} must not be negative")
        for name in (
            "call_weight",
            "case_weight",
            "colocation_weight",
            "victim_weight",
            "pattern_weight",
            "role_weight",
            "min_score",
        ):
            if not 0.0 <= getattr(par, name) <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {getattr(par, name)}")
        if par.max_candidates < 0 or par.max_candidates > 12:
            raise ValueError(f"max_candidates must be within [0, 12], got {par.max_candidates}")
        return par

    def provenance(self) -> dict[str, Any]:
        """The parameters as the provenance records them, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class _Known:
    transfer_id: str
    at: pd.Timestamp
    from_id: str
    to_id: str
    record: TimedRecord | None = None


@dataclass
class _Gap:
    kind: str  # between / after_last
    start: str  # giver
    end: str | None  # known next holder (None: open)
    lo: pd.Timestamp | None  # time of the hand-over before (None: the abduction, unknown)
    hi: pd.Timestamp  # next hand-over (or lo + horizon)
    after: str | None
    before: str | None


class _Edges:
    """Evidence of a hop x -> y inside one gap's window, cached per gap."""

    def __init__(
        self,
        idx: _Index,
        par: _Params,
        victim: str,
        t0: int,
        t1: int,
        case_of: Mapping[str, TimedRecord],
        roles: Mapping[str, str],
        pattern: Mapping[tuple[str, str], list[tuple[pd.Timestamp, Record]]],
        role_prob: Mapping[tuple[str, str], float],
        hi: pd.Timestamp,
    ) -> None:
        self.idx, self.par, self.t0, self.t1 = idx, par, t0, t1
        self.case_of, self.roles, self.pattern, self.role_prob = case_of, roles, pattern, role_prob
        self.hi = hi
        self.victim = idx.code.get(victim)
        self._calls: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._sight: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._cache: dict[tuple[str, str], tuple[float, dict[str, float], list[TimedRecord]]] = {}

    def _c(self, x: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if x not in self._calls:
            self._calls[x] = self.idx.calls_in(x, self.t0, self.t1)
        return self._calls[x]

    def _s(self, x: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if x not in self._sight:
            self._sight[x] = self.idx.sightings_in(x, self.t0, self.t1)
        return self._sight[x]

    def _meet(self, x: int, y: int) -> list[tuple[int, int]]:
        px, tx, rx = self._s(x)
        py, ty, ry = self._s(y)
        if not len(px) or not len(py):
            return []
        w = self.par.colocation_window.value
        out = []
        for i in range(len(px)):
            close = (py == px[i]) & (np.abs(ty - tx[i]) <= w)
            out += [(int(rx[i]), int(r)) for r in ry[close]]
        return out

    def score(self, a: str, b: str) -> tuple[float, dict[str, float], list[TimedRecord]]:
        key = (a, b)
        if key in self._cache:
            return self._cache[key]
        par, idx = self.par, self.idx
        ch: dict[str, float] = {}
        recs: list[TimedRecord] = []
        x, y = idx.code.get(a), idx.code.get(b)
        if x is not None and y is not None:
            other, _, rows = self._c(x)
            mine = rows[other == y]
            if len(mine):
                excess = len(mine) - idx.expected(x, y, self.t1 - self.t0, len(mine))
                if excess > 0:
                    ch["calls"] = 1 - (1 - par.call_weight) ** excess
                recs += [idx.call_record(int(r)) for r in mine]
            met = self._meet(x, y)
            if met:
                ch["co-location"] = par.colocation_weight
                recs += [idx.sight_record(r) for pair in met for r in pair]
            if self.victim is not None:
                seen = self._meet(self.victim, y)
                if seen:
                    ch["victim-seen"] = par.victim_weight
                    recs += [idx.sight_record(r) for pair in seen for r in pair]
        if a in self.case_of and b in self.case_of:
            ch["case"] = par.case_weight
            recs += [self.case_of[a], self.case_of[b]]
        known = [(t, r) for t, r in self.pattern.get(key, ()) if t <= self.hi]
        if known:
            ch["pattern"] = 1 - (1 - par.pattern_weight) ** len(known)
            recs += [TimedRecord(r.kind, r.id, r.source, r.row, t) for t, r in known]
        rp = self.role_prob.get((self.roles.get(a, ""), self.roles.get(b, "")))
        # (roles: the victim's case first, else the person's role in any case)
        if rp:
            ch["role"] = par.role_weight * rp
        score = 1.0 - float(np.prod([1.0 - p for p in ch.values()])) if ch else 0.0
        out = (round(score, 6), {k: round(v, 6) for k, v in ch.items()}, _sorted(recs))
        self._cache[key] = out
        return out

    def log(self, a: str, b: str) -> float:
        return float(np.log(max(self.score(a, b)[0], _EPS)))


def _best_paths(
    edges: _Edges, start: str, ends: Sequence[str], cands: Sequence[str], bonus: float
) -> dict[frozenset[str], tuple[float, tuple[str, ...]]]:
    """For every subset S of ``cands``: the best path start -> (S in some order) -> an end.

    Held-Karp over subsets; returns S -> (score incl. ``bonus`` per placed candidate, path
    of intermediaries + end). The end is a fixed known holder or one of several buyers.
    """
    n = len(cands)
    # dp[(mask, last)] = (score, path)
    dp: dict[tuple[int, int], tuple[float, tuple[str, ...]]] = {}
    for i, c in enumerate(cands):
        dp[(1 << i, i)] = (edges.log(start, c), (c,))
    for size in range(2, n + 1):
        for combo in combinations(range(n), size):
            mask = sum(1 << i for i in combo)
            for last in combo:
                prev_mask = mask & ~(1 << last)
                best: tuple[float, tuple[str, ...]] | None = None
                for p in combo:
                    if p == last or (prev_mask, p) not in dp:
                        continue
                    s, path = dp[(prev_mask, p)]
                    s2 = s + edges.log(cands[p], cands[last])
                    if best is None or s2 > best[0]:
                        best = (s2, (*path, cands[last]))
                if best is not None:
                    dp[(mask, last)] = best
    out: dict[frozenset[str], tuple[float, tuple[str, ...]]] = {}
    for end in ends:
        direct = (edges.log(start, end), (end,))
        if frozenset() not in out or direct[0] > out[frozenset()][0]:
            out[frozenset()] = direct
        for (mask, last), (s, path) in dp.items():
            if cands[last] == end:
                continue
            tot = s + edges.log(cands[last], end) + bonus * bin(mask).count("1")
            key = frozenset(path)
            if key not in out or tot > out[key][0]:
                out[key] = (tot, (*path, end))
    return out


def _hop_id(victim: str, a: str, b: str, position: int) -> str:
    text = f"{victim}\x1f{a}\x1f{b}\x1f{position}"
    return "INF-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _times(
    edges: Sequence[tuple[float, dict[str, float], list[TimedRecord]]],
    lo: pd.Timestamp | None,
    hi: pd.Timestamp,
) -> list[pd.Timestamp]:
    """Strictly increasing times in (lo, hi), one per hop, from the evidence where it has
    one (the latest record of the hop, which bursts precede) and spaced evenly otherwise."""
    k = len(edges)
    start = lo if lo is not None else hi - pd.Timedelta("2D")
    out: list[pd.Timestamp] = []
    prev = start
    for i, (_, _, recs) in enumerate(edges):
        left = k - i  # hops still to place, this one included
        room = (hi - prev) / (left + 1)
        guess = max((r.at for r in recs if r.at is not None and prev < r.at < hi), default=None)
        if guess is None or guess >= hi - room * (left - 1) or guess <= prev:
            guess = prev + room
        out.append(guess)
        prev = guess
    return out


def infer_handovers(
    transfers: pd.DataFrame,
    *,
    calls: pd.DataFrame | None = None,
    sightings: pd.DataFrame | None = None,
    case_roles: pd.DataFrame | None = None,
    persons: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    lead: str | pd.Timedelta = "60h",
    horizon: str | pd.Timedelta = "21D",
    case_lag: str | pd.Timedelta = "10D",
    colocation_window: str | pd.Timedelta = "1h",
    call_weight: float = 0.35,
    case_weight: float = 0.3,
    colocation_weight: float = 0.8,
    victim_weight: float = 0.5,
    pattern_weight: float = 0.3,
    role_weight: float = 0.5,
    placement_bonus: float = 3.5,
    min_score: float = 0.5,
    max_candidates: int = 7,
    victims: Iterable[str] | None = None,
    tz: str | None = None,
) -> InferredHandovers:
    """Propose the missing hand-overs of every victim (see the module doc for the model).

    Parameters
    ----------
    transfers : DataFrame
        Recorded transfers (``transfer_id, at, victim_id, from_id, to_id`` and optional
        ``source, source_row``); transfers without a victim are used only as patterns.
    calls, sightings, case_roles, persons : DataFrame or None
        The evidence, in the layouts of the module doc (None: none of that kind).
    cases : DataFrame or None
        ``case_id, opened``: when each case was opened. A victim with no recorded transfer
        is searched from ``case_lag`` before their earliest case was opened (or their first
        sighting, if earlier) for ``horizon`` plus ``case_lag``.
    lead : duration
        How long before a gap's earlier hand-over its evidence window opens (call bursts
        precede hand-overs).
    horizon : duration
        How long after the last known hand-over a next one is looked for.
    case_lag : duration
        How long before a case is opened its abduction may have happened.
    colocation_window : duration
        Two sightings at one place at most this far apart are a meeting.
    call_weight, case_weight, colocation_weight, victim_weight, pattern_weight, role_weight
        The weight of each evidence channel (probabilities combined by noisy-OR).
    placement_bonus : float
        Log-score a path earns for each case suspect it places.
    min_score : float
        An ``after_last`` hop to a person no case names needs at least this score.
    max_candidates : int
        At most this many unplaced case suspects per victim (the best-evidenced).
    victims : iterable of str or None
        Only these victims (default: every victim of a transfer or a case).
    tz : str or None
        The zone the tables show times in (default UTC).

    Returns
    -------
    InferredHandovers
        Hops by victim and position; a known chain with no gap gives none. The same
        input gives the same hops and ids.
    """
    sw = Stopwatch()
    par = _Params.checked(
        lead=lead,
        horizon=horizon,
        case_lag=case_lag,
        colocation_window=colocation_window,
        call_weight=call_weight,
        case_weight=case_weight,
        colocation_weight=colocation_weight,
        victim_weight=victim_weight,
        pattern_weight=pattern_weight,
        role_weight=role_weight,
        placement_bonus=placement_bonus,
        min_score=min_score,
        max_candidates=max_candidates,
    )
    tr = as_transfers(transfers)
    cl, si, cr = _calls_frame(calls), _sightings_frame(sightings), _roles_frame(case_roles)
    people = sorted(
        set(cl["person_a"])
        | set(cl["person_b"])
        | set(si["person_id"])
        | set(cr["person_id"])
        | {str(v) for v in tr["victim_id"].dropna()}
        | set(tr["from_id"])
        | set(tr["to_id"])
    )
    idx = _Index(cl, si, people)
    cases_of, members, role_of = _case_members(cr)
    tr_recs = records_of(tr, "transfer", "transfer_id")
    pattern, role_prob = _patterns(tr, tr_recs, members, role_of)
    by_victim = _known_by_victim(tr, tr_recs)
    opened = _opened(cases)
    wanted = sorted(set(by_victim) | set(cases_of)) if victims is None else list(victims)
    hops: list[InferredHop] = []
    for v in wanted:
        mine = cases_of.get(v, [])
        first_case = min((opened[c] for c in mine if c in opened), default=None)
        hops += _infer_victim(
            v, by_victim.get(v), mine, first_case, members, idx, par, pattern, role_prob, role_of
        )
    params = {
        **par.provenance(),
        "victims": None if victims is None else wanted,
        "model": "noisy-or channels + subset dynamic programming (infer_handovers v1)",
    }
    prov = stamp(sw, "infer_handovers", params, _hash(tr, cl, si, cr))
    return InferredHandovers(tuple(hops), prov, _names(persons, tr), zone_name(tz), len(wanted))


# ------------------------------------------------------ infer_handovers: its inputs


def _given(frame: pd.DataFrame | None, cols: tuple[str, ...], what: str) -> pd.DataFrame:
    """``frame`` checked for ``cols`` (None: an empty frame with them)."""
    return _need(frame if frame is not None else pd.DataFrame(columns=list(cols)), cols, what)


def _calls_frame(calls: pd.DataFrame | None) -> pd.DataFrame:
    """Calls between people, string ids, UTC times, sorted by time then call id."""
    cl = _given(calls, ("person_a", "person_b", "at"), "calls")
    if "call_id" not in cl.columns:
        cl["call_id"] = [f"row:{i}" for i in range(len(cl))]
    cl = cl.astype({"person_a": str, "person_b": str})
    cl["at"] = _utc(cl["at"], "calls")
    return cl.sort_values(["at", "call_id"], kind="stable", ignore_index=True)


def _sightings_frame(sightings: pd.DataFrame | None) -> pd.DataFrame:
    """Sightings, string ids, UTC times, sorted by time, person, place."""
    si = _given(sightings, ("person_id", "location_id", "at"), "sightings")
    si = si.astype({"person_id": str, "location_id": str})
    si["at"] = _utc(si["at"], "sightings")
    return si.sort_values(["at", "person_id", "location_id"], kind="stable", ignore_index=True)


def _roles_frame(case_roles: pd.DataFrame | None) -> pd.DataFrame:
    """Case roles with string ids and roles."""
    cr = _given(case_roles, ("person_id", "case_id", "role"), "case_roles")
    return cr.astype({"person_id": str, "case_id": str, "role": str})


def _opened(cases: pd.DataFrame | None) -> dict[str, pd.Timestamp]:
    """case id -> when it was opened (cases whose date does not parse are left out)."""
    if cases is None or not len(cases):
        return {}
    cs = _need(cases, ("case_id", "opened"), "cases")
    at = pd.to_datetime(cs["opened"], utc=True, format="ISO8601", errors="coerce")
    return {str(c): t for c, t in zip(cs["case_id"], at, strict=True) if pd.notna(t)}


def _names(persons: pd.DataFrame | None, tr: pd.DataFrame) -> dict[str, str]:
    """person id -> name, from ``persons``, else from the names on the transfers."""
    names: dict[str, str] = {}
    if persons is not None and len(persons):
        pn = _need(persons, ("person_id", "name"), "persons")
        names = {
            str(p): str(n) for p, n in zip(pn["person_id"], pn["name"], strict=True) if pd.notna(n)
        }
    for col, ncol in (("victim_id", "victim_name"), ("from_id", "from_name"), ("to_id", "to_name")):
        for p, n in zip(tr[col], tr[ncol], strict=True):
            if pd.notna(p) and pd.notna(n):
                names.setdefault(str(p), str(n))
    return names


def _case_members(
    cr: pd.DataFrame,
) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str, Record]]], dict[str, str]]:
    """The cases of each victim, the suspects of each case (with role and record), and
    each suspect's first role."""
    role_recs = records_of(cr, "case_role", "case_id")
    cases_of: dict[str, list[str]] = defaultdict(list)
    members: dict[str, list[tuple[str, str, Record]]] = defaultdict(list)
    role_of: dict[str, str] = {}
    for p, c, r, rec in zip(cr["person_id"], cr["case_id"], cr["role"], role_recs, strict=True):
        if r == "victim":
            cases_of[p].append(c)
        else:
            members[c].append((p, r, rec))
            role_of.setdefault(p, r)
    return cases_of, members, role_of


def _patterns(
    tr: pd.DataFrame,
    tr_recs: Sequence[Record],
    members: Mapping[str, list[tuple[str, str, Record]]],
    role_of: Mapping[str, str],
) -> tuple[dict[tuple[str, str], list[tuple[pd.Timestamp, Record]]], dict[tuple[str, str], float]]:
    """Who hands to whom (giver, receiver) -> [(time, record)], and the share of recorded
    transfers from each role that go to each role."""
    pattern: dict[tuple[str, str], list[tuple[pd.Timestamp, Record]]] = defaultdict(list)
    case_role: dict[tuple[str, str], str] = {}
    for c, items in members.items():
        for p, r, _ in items:
            case_role.setdefault((c, p), r)
    role_pairs: Counter[tuple[str, str]] = Counter()
    for f, t, at, case, rec in zip(
        tr["from_id"], tr["to_id"], tr["at"], tr["case_id"], tr_recs, strict=True
    ):
        pattern[(f, t)].append((at, rec))
        rf = case_role.get((str(case), f), role_of.get(f))
        rt = case_role.get((str(case), t), role_of.get(t))
        if rf and rt:
            role_pairs[(rf, rt)] += 1
    from_tot: Counter[str] = Counter()
    for (rf, _), k in role_pairs.items():
        from_tot[rf] += k
    role_prob = {(rf, rt): k / from_tot[rf] for (rf, rt), k in role_pairs.items() if from_tot[rf]}
    return pattern, role_prob


def _known_by_victim(tr: pd.DataFrame, tr_recs: Sequence[Record]) -> dict[str, list[_Known]]:
    """The recorded hand-overs of each victim, in time order."""
    by_victim: dict[str, list[_Known]] = defaultdict(list)
    for t_id, at, vic, f, t, rec in zip(
        tr["transfer_id"],
        tr["at"],
        tr["victim_id"],
        tr["from_id"],
        tr["to_id"],
        tr_recs,
        strict=True,
    ):
        if pd.notna(vic):
            timed = TimedRecord(rec.kind, rec.id, rec.source, rec.row, at)
            by_victim[str(vic)].append(_Known(t_id, at, f, t, timed))
    return by_victim


# ------------------------------------------------------- infer_handovers: one victim

_PathTable = dict[frozenset[str], tuple[float, tuple[str, ...]]]


def _infer_victim(
    v: str,
    known: Sequence[_Known] | None,
    cases: Sequence[str],
    opened: pd.Timestamp | None,
    members: Mapping[str, list[tuple[str, str, Record]]],
    idx: _Index,
    par: _Params,
    pattern: Mapping[tuple[str, str], list[tuple[pd.Timestamp, Record]]],
    role_prob: Mapping[tuple[str, str], float],
    role_of: dict[str, str],
) -> list[InferredHop]:
    """The proposed hops of victim ``v``: find the gaps, the best path through each,
    the carriers assigned to the gaps, then one hop per step of the chosen paths."""
    roles, case_of = _victim_roles(v, cases, members)
    ks = list(known or ())
    holders = {k.from_id for k in ks} | {k.to_id for k in ks}
    abductors = [p for p, r in roles.items() if r == "abductor"]
    if ks:
        gaps = _recorded_gaps(ks, roles, abductors, holders, par)
    elif abductors:
        gaps = _unrecorded_gaps(v, abductors, holders, idx, par, opened)
    else:
        gaps = []
    if not gaps:
        return []
    unplaced = [p for p, r in roles.items() if p not in holders and r not in ("abductor",)]
    buyers = sorted(p for p in unplaced if roles[p] == "buyer")
    carriers = sorted(p for p in unplaced if roles[p] != "buyer")
    per_gap = [
        _Edges(
            idx,
            par,
            v,
            *_window(g, par),
            case_of,
            ChainMap(roles, role_of),
            pattern,
            role_prob,
            g.hi,
        )
        for g in gaps
    ]
    if len(carriers) > par.max_candidates:
        strength = {
            c: max(e.score(g.start, c)[0] for e, g in zip(per_gap, gaps, strict=True))
            for c in carriers
        }
        carriers = sorted(carriers, key=lambda c: (-strength[c], c))[: par.max_candidates]
        carriers.sort()
    tables: list[_PathTable] = []
    for edges, g in zip(per_gap, gaps, strict=True):
        ends = [g.end] if g.end is not None else buyers
        tables.append(
            _best_paths(edges, g.start, ends, carriers, par.placement_bonus) if ends else {}
        )
    chosen = _assign_carriers(tables)
    bounds = {k.transfer_id: k.record for k in ks if k.record is not None}
    return _hops(v, per_gap, gaps, chosen, holders, case_of, bounds, par)


def _victim_roles(
    v: str, cases: Sequence[str], members: Mapping[str, list[tuple[str, str, Record]]]
) -> tuple[dict[str, str], dict[str, TimedRecord]]:
    """The holder role of each suspect of the victim's cases, and the record saying so."""
    roles: dict[str, str] = {}
    case_of: dict[str, TimedRecord] = {}
    for c in cases:
        for p, r, rec in members.get(c, ()):
            if r in HOLDER_ROLES and p != v:
                roles.setdefault(p, r)
                case_of.setdefault(p, TimedRecord(rec.kind, rec.id, rec.source, rec.row))
    return roles, case_of


def _recorded_gaps(
    ks: Sequence[_Known],
    roles: Mapping[str, str],
    abductors: Sequence[str],
    holders: set[str],
    par: _Params,
) -> list[_Gap]:
    """The gaps of a victim with recorded transfers: before the first (from the case's
    abductor), between two that do not meet, and after the last (unless a buyer)."""
    gaps: list[_Gap] = []
    first = ks[0]
    if abductors and first.from_id not in abductors and abductors[0] not in holders:
        gaps.append(
            _Gap("between", abductors[0], first.from_id, None, first.at, None, first.transfer_id)
        )
        holders.add(abductors[0])
    for k1, k2 in pairwise(ks):
        if k1.to_id != k2.from_id:
            gaps.append(
                _Gap("between", k1.to_id, k2.from_id, k1.at, k2.at, k1.transfer_id, k2.transfer_id)
            )
    last = ks[-1]
    if roles.get(last.to_id) != "buyer":
        gaps.append(
            _Gap(
                "after_last",
                last.to_id,
                None,
                last.at,
                last.at + par.horizon,
                last.transfer_id,
                None,
            )
        )
    return gaps


def _unrecorded_gaps(
    v: str,
    abductors: Sequence[str],
    holders: set[str],
    idx: _Index,
    par: _Params,
    opened: pd.Timestamp | None,
) -> list[_Gap]:
    """Nothing recorded: one gap from the abductor to the buyer, within the horizon of
    the case (from ``case_lag`` before it was opened, or the victim's first sighting)."""
    holders.add(abductors[0])
    sight = idx.code.get(v)
    anchors = [] if opened is None else [opened - par.case_lag]
    if sight is not None:
        _, ts, _ = idx.sightings_in(sight, np.iinfo(np.int64).min, np.iinfo(np.int64).max)
        if len(ts):
            anchors.append(pd.Timestamp(int(ts[0]), tz="UTC") - pd.Timedelta("1h"))
    if not anchors:
        return []
    t0 = min(anchors)
    t1 = t0 + par.horizon + par.case_lag
    return [_Gap("after_last", abductors[0], None, t0, t1, None, None)]


def _window(g: _Gap, par: _Params) -> tuple[int, int]:
    """The evidence window of a gap (ns): from ``lead`` before its start to its end."""
    lo_t = g.lo if g.lo is not None else g.hi - par.horizon
    return int((lo_t - par.lead).value), int(g.hi.value)


def _assign_carriers(tables: Sequence[_PathTable]) -> list[tuple[str, ...]]:
    """One path per gap, no carrier in two gaps, the best total (DP over the gaps)."""
    states: dict[frozenset[str], tuple[float, list[tuple[str, ...]]]] = {frozenset(): (0.0, [])}
    for table in tables:
        nxt: dict[frozenset[str], tuple[float, list[tuple[str, ...]]]] = {}
        for used, (s, paths) in states.items():
            options = [(k, val) for k, val in table.items() if not (k & used)]
            if not table:
                options = [(frozenset(), (0.0, ()))]
            for k, (ps, path) in options:
                key = used | k
                tot = s + ps
                if key not in nxt or tot > nxt[key][0]:
                    nxt[key] = (tot, [*paths, path])
        states = nxt
    _, chosen = max(states.values(), key=lambda sp: (sp[0], [list(p) for p in sp[1]]))
    return chosen


def _hops(
    v: str,
    per_gap: Sequence[_Edges],
    gaps: Sequence[_Gap],
    chosen: Sequence[tuple[str, ...]],
    holders: set[str],
    case_of: Mapping[str, TimedRecord],
    bounds: Mapping[str, TimedRecord],
    par: _Params,
) -> list[InferredHop]:
    """The hops of the chosen paths, numbered in order, with times and evidence; an open
    gap without a path goes to the last holder's strongest contact (if strong enough)."""
    out: list[InferredHop] = []
    position = 0
    for edges, g, path in zip(per_gap, gaps, chosen, strict=True):
        if not path and g.end is None:
            # no case buyer: the contact of the last holder with the strongest evidence
            best = _best_contact(edges, g.start, holders | {v})
            if best is None or edges.score(g.start, best)[0] < par.min_score:
                continue
            path, rule = (best,), "contact"
        else:
            rule = "case-path" if any(p in case_of for p in path) else "direct"
        people = [g.start, *path]
        evid = [edges.score(a, b) for a, b in pairwise(people)]
        times = _times(evid, g.lo, g.hi)
        around = [bounds[t] for t in (g.after, g.before) if t is not None and t in bounds]
        for (a, b), (score, ch, recs), at in zip(pairwise(people), evid, times, strict=True):
            position += 1
            out.append(
                InferredHop(
                    hop_id=_hop_id(v, a, b, position),
                    victim_id=v,
                    kind=g.kind,
                    position=position,
                    from_id=a,
                    to_id=b,
                    at=at,
                    earliest=g.lo,
                    latest=g.hi if g.kind == "between" else None,
                    score=score,
                    rule=rule,
                    channels=ch,
                    evidence=tuple(_sorted([*recs, *around])),
                    after_transfer=g.after,
                    before_transfer=g.before,
                )
            )
    return out


def _best_contact(edges: _Edges, start: str, exclude: set[str]) -> str | None:
    x = edges.idx.code.get(start)
    if x is None:
        return None
    other, _, _ = edges._c(x)
    if not len(other):
        return None
    cands = sorted({edges.idx.people[int(o)] for o in np.unique(other)} - exclude)
    if not cands:
        return None
    return max(cands, key=lambda c: (edges.score(start, c)[0], c))


# ------------------------------------------------------------------------- baseline


def baseline_handovers(
    transfers: pd.DataFrame,
    *,
    calls: pd.DataFrame | None = None,
    case_roles: pd.DataFrame | None = None,
    lead: str | pd.Timedelta = "60h",
    horizon: str | pd.Timedelta = "21D",
) -> pd.DataFrame:
    """The plain baseline: in every gap, the most-called contact of the last holder in the
    window is the next holder (then, between two known holders, it hands to the next one).

    The gaps are those of :func:`infer_handovers` (the abductor of the victim's case counts
    as its first holder). Columns ``victim_id, kind, from_id, to_id``.

    Parameters
    ----------
    transfers : DataFrame
        Recorded transfers, as for :func:`infer_handovers`.
    calls : DataFrame or None
        Calls between people, as for :func:`infer_handovers`.
    case_roles : DataFrame or None
        Case roles, as for :func:`infer_handovers`.
    lead, horizon : duration
        As for :func:`infer_handovers`.

    Returns
    -------
    DataFrame
        One row per proposed hop.

    Examples
    --------
    >>> tr = pd.DataFrame({"transfer_id": ["T1"], "victim_id": ["V"], "from_id": ["A"],
    ...     "to_id": ["B"], "at": ["2024-01-01T00:00Z"]})
    >>> calls = pd.DataFrame({"person_a": ["B"], "person_b": ["C"], "at": ["2024-01-02T00:00Z"]})
    >>> baseline_handovers(tr, calls=calls).values.tolist()
    [['V', 'after_last', 'B', 'C']]
    """
    tr = as_transfers(transfers)
    cl = calls if calls is not None else pd.DataFrame(columns=["person_a", "person_b", "at"])
    cl = cl[["person_a", "person_b", "at"]].astype({"person_a": str, "person_b": str})
    cl["at"] = _utc(cl["at"], "calls")
    legs = pd.concat(
        [
            cl.rename(columns={"person_a": "me", "person_b": "other"}),
            cl.rename(columns={"person_b": "me", "person_a": "other"}),
        ],
        ignore_index=True,
    ).sort_values(["me", "at"], kind="stable")
    by_me = {p: g for p, g in legs.groupby("me", sort=False)}
    ld, hz = pd.Timedelta(lead), pd.Timedelta(horizon)
    abductor: dict[str, str] = {}
    if case_roles is not None and len(case_roles):
        cr = case_roles.astype({"person_id": str, "case_id": str, "role": str})
        victim_cases = cr[cr["role"] == "victim"]
        abd = cr[cr["role"] == "abductor"].drop_duplicates("case_id")
        m = victim_cases.merge(abd, on="case_id", suffixes=("_v", "_a"))
        for vv, a in zip(m["person_id_v"], m["person_id_a"], strict=True):
            abductor.setdefault(vv, a)

    def top(p: str, t0: pd.Timestamp, t1: pd.Timestamp, skip: set[str]) -> str | None:
        g = by_me.get(p)
        if g is None:
            return None
        w = g[(g["at"] >= t0) & (g["at"] <= t1) & ~g["other"].isin(skip)]
        if not len(w):
            return None
        counts = w["other"].value_counts()
        best = counts[counts == counts.max()].index
        return str(sorted(best)[0])

    rows: list[tuple[str, str, str, str]] = []
    by_victim: dict[str, list[_Known]] = defaultdict(list)
    for t_id, at, vic, f, t in zip(
        tr["transfer_id"], tr["at"], tr["victim_id"], tr["from_id"], tr["to_id"], strict=True
    ):
        if pd.notna(vic):
            by_victim[str(vic)].append(_Known(t_id, at, f, t))
    for v, ks in sorted(by_victim.items()):
        seen = {k.from_id for k in ks} | {k.to_id for k in ks} | {str(v)}
        gaps: list[tuple[str, str, str | None, pd.Timestamp, pd.Timestamp]] = []
        a0 = abductor.get(str(v))
        if a0 and a0 not in seen:
            gaps.append(("between", a0, ks[0].from_id, ks[0].at - hz, ks[0].at))
        for k1, k2 in pairwise(ks):
            if k1.to_id != k2.from_id:
                gaps.append(("between", k1.to_id, k2.from_id, k1.at, k2.at))
        gaps.append(("after_last", ks[-1].to_id, None, ks[-1].at, ks[-1].at + hz))
        for kind, a, b, lo, hi in gaps:
            nxt = top(a, lo - ld, hi, seen | ({b} if b else set()))
            if b is None:
                if nxt is not None:
                    rows.append((str(v), kind, a, nxt))
                continue
            if nxt is None:
                rows.append((str(v), kind, a, b))
            else:
                rows += [(str(v), kind, a, nxt), (str(v), kind, nxt, b)]
    return pd.DataFrame(rows, columns=["victim_id", "kind", "from_id", "to_id"])


def withheld_handovers(chains: pd.DataFrame) -> pd.DataFrame:
    """The withheld hops of a synthetic case's ``ground_truth/chains.csv``, with their kind.

    ``chains``: ``chain_id, hop, victim_id, from_id, to_id, public`` (``public`` "true" or
    "false", or booleans). A withheld hop is ``"between"`` when a public transfer of the same
    chain comes after it (it lies between two known holders: the abductor, whom the case
    names, is the first), else ``"after_last"``. Columns ``chain_id, victim_id, kind,
    from_id, to_id`` (and ``at`` when ``chains`` has it), by chain and hop; the ``truth`` of
    :func:`score_handovers`.

    Parameters
    ----------
    chains : DataFrame
        The ground-truth chains of a synthetic case.

    Returns
    -------
    DataFrame
        One row per withheld hop.

    Examples
    --------
    >>> gt = pd.DataFrame({"chain_id": ["C"] * 3, "hop": [1, 2, 3], "victim_id": ["V"] * 3,
    ...     "from_id": ["A", "B", "C"], "to_id": ["B", "C", "D"],
    ...     "public": ["false", "true", "false"]})
    >>> withheld_handovers(gt)[["kind", "from_id", "to_id"]].values.tolist()
    [['between', 'A', 'B'], ['after_last', 'C', 'D']]
    """
    gt = chains.copy()
    gt["hop"] = gt["hop"].astype(int)
    gt["public"] = gt["public"].map(lambda v: str(v).strip().lower() == "true")
    gt = gt.sort_values(["chain_id", "hop"], kind="stable", ignore_index=True)
    # a public hop later in the same chain: reverse cumulative "any" per chain
    later = (
        gt[::-1].groupby("chain_id", sort=False)["public"].cummax()[::-1].shift(-1).fillna(False)
    )
    same_chain = gt["chain_id"].eq(gt["chain_id"].shift(-1))
    kind = np.where(later.astype(bool) & same_chain, "between", "after_last")
    out = gt.assign(kind=kind)[~gt["public"]]
    cols = ["chain_id", "victim_id", "kind", "from_id", "to_id"]
    if "at" in out.columns:
        cols.append("at")
    return out[cols].reset_index(drop=True)


def score_handovers(
    predicted: pd.DataFrame | InferredHandovers, truth: pd.DataFrame
) -> dict[str, dict[str, float]]:
    """Precision and recall of proposed hops against the withheld ones, per ``kind``.

    ``predicted``: rows ``victim_id, kind, from_id, to_id`` (or a result); ``truth``: the
    withheld hops ``victim_id, kind, from_id, to_id`` (``kind`` as the predictions use it).
    A hop counts as found when its victim, giver and receiver match. Also ``"all"``.

    Parameters
    ----------
    predicted : DataFrame or InferredHandovers
        The proposed hops.
    truth : DataFrame
        The withheld hops (:func:`withheld_handovers`).

    Returns
    -------
    dict
        ``kind`` (and ``"all"``) -> ``precision, recall, f1, predicted, true``.

    Examples
    --------
    >>> p = pd.DataFrame({"victim_id": ["V"], "kind": ["between"], "from_id": ["A"],
    ...     "to_id": ["B"]})
    >>> score_handovers(p, p)["between"]["f1"]
    1.0
    """
    pred = predicted.to_frame() if isinstance(predicted, InferredHandovers) else predicted
    out: dict[str, dict[str, float]] = {}
    cols = ["victim_id", "from_id", "to_id"]
    for kind in ("between", "after_last", "all"):
        p = pred if kind == "all" else pred[pred["kind"] == kind]
        t = truth if kind == "all" else truth[truth["kind"] == kind]
        ps = set(map(tuple, p[cols].astype(str).to_numpy().tolist()))
        ts = set(map(tuple, t[cols].astype(str).to_numpy().tolist()))
        hit = len(ps & ts)
        prec = hit / len(ps) if ps else 1.0
        rec = hit / len(ts) if ts else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[kind] = {
            "precision": round(prec, 4),
            "recall": round(rec, 4),
            "f1": round(f1, 4),
            "predicted": len(ps),
            "true": len(ts),
        }
    return out

"""Trafficking chains from Transfer events: per victim, and time-respecting across victims.

* :func:`victim_chains` - each victim's time-ordered sequence of transfers, with the
  people passed through, places, times, and any break in the sequence flagged;
* :func:`transfer_chains` - time-respecting chains in the seller -> buyer network:
  paths of transfers whose times never go backwards, with at most ``max_gap``
  between consecutive hops, ranked by length, victims and regions crossed;
* :func:`chain_brokers` - the people who recur across chains;
* :func:`score_chains` - precision and recall of chains against a reference.

Pure functions take a transfers frame (``transfer_id, at, victim_id, from_id, to_id,
location_id, region, case_id, source, source_row``, optionally ``victim_name, from_name,
to_name``); :func:`~netintel.investigate.readers.transfers_of` reads it from Neo4j.
Times stay UTC in the chains; the tables (:meth:`Chains.to_frame`, :meth:`Chains.summary`)
show them in the zone ``tz`` (the readers: the case's zone), with names next to ids.

>>> import pandas as pd
>>> tr = pd.DataFrame({
...     "transfer_id": ["T1", "T2", "T3"], "victim_id": ["V", "V", "W"],
...     "from_id": ["A", "B", "B"], "to_id": ["B", "C", "D"],
...     "at": ["2024-01-01T00:00Z", "2024-01-03T00:00Z", "2024-02-01T00:00Z"]})
>>> [c.people for c in victim_chains(tr).chains]
[('A', 'B', 'C'), ('B', 'D')]
>>> [c.transfer_ids for c in transfer_chains(tr, max_gap="7D").chains]
[('T1', 'T2'), ('T3',)]
>>> str(victim_chains(tr, tz="Asia/Shanghai").to_frame()["at"].iloc[0])
'2024-01-01 08:00:00+08:00'
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any

import pandas as pd

from netintel.algorithms.results import Provenance, ResultMixin, Stopwatch
from netintel.investigate._base import (
    Record,
    TableResult,
    as_transfers,
    frame_hash,
    jsonable,
    named,
    records_of,
    stamp,
)
from netintel.localtime import localize, to_local, zone_name
from netintel.values import is_missing

__all__ = [
    "HOP_COLUMNS",
    "Chain",
    "Chains",
    "Hop",
    "chain_brokers",
    "score_chains",
    "transfer_chains",
    "victim_chains",
]


@dataclass(frozen=True)
class Hop:
    """One transfer of a chain and the record behind it."""

    transfer_id: str
    at: pd.Timestamp
    victim_id: str | None
    from_id: str
    to_id: str
    location_id: str | None
    region: str | None
    case_id: str | None
    record: Record
    victim_name: str | None = None
    from_name: str | None = None
    to_name: str | None = None


@dataclass(frozen=True)
class Chain:
    """A sequence of transfers in time order.

    ``problems`` lists breaks: a hop whose giver is not the previous receiver, or
    two hops at the same time (only :func:`victim_chains` reports them; the chains
    of :func:`transfer_chains` have none by construction).
    """

    hops: tuple[Hop, ...]
    problems: tuple[str, ...] = ()

    @property
    def transfer_ids(self) -> tuple[str, ...]:
        return tuple(h.transfer_id for h in self.hops)

    @property
    def people(self) -> tuple[str, ...]:
        """Everyone passed through, in order (a break repeats no one and skips no one)."""
        out = [self.hops[0].from_id]
        for h in self.hops:
            if h.from_id != out[-1]:
                out.append(h.from_id)
            out.append(h.to_id)
        return tuple(out)

    @property
    def names(self) -> dict[str, str]:
        """person id -> name, for everyone in the chain who has a name."""
        out: dict[str, str] = {}
        for h in self.hops:
            for pid, name in (
                (h.victim_id, h.victim_name),
                (h.from_id, h.from_name),
                (h.to_id, h.to_name),
            ):
                if pid and name:
                    out.setdefault(pid, name)
        return out

    @property
    def people_named(self) -> tuple[str, ...]:
        """:attr:`people` with names beside the ids (``"P1 (Ann Lee)"``)."""
        names = self.names
        return tuple(named(p, names.get(p)) for p in self.people)

    @property
    def victims(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(h.victim_id for h in self.hops if h.victim_id))

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions of the transfers, in order of first appearance."""
        return tuple(dict.fromkeys(h.region for h in self.hops if h.region))

    @property
    def start(self) -> pd.Timestamp:
        return self.hops[0].at

    @property
    def end(self) -> pd.Timestamp:
        return self.hops[-1].at

    @property
    def consistent(self) -> bool:
        return not self.problems

    @property
    def evidence(self) -> tuple[Record, ...]:
        return tuple(h.record for h in self.hops)


#: The columns of :meth:`Chains.to_frame`: one hop per row, names next to ids, the
#: time in the zone of the ``timezone`` column.
HOP_COLUMNS = (
    "chain",
    "hop",
    "transfer_id",
    "at",
    "timezone",
    "victim_id",
    "victim_name",
    "from_id",
    "from_name",
    "to_id",
    "to_name",
    "location_id",
    "region",
    "case_id",
    "source",
    "source_row",
)


@dataclass(frozen=True, eq=False)
class Chains(ResultMixin):
    """Chains with provenance; ``truncated`` says the enumeration hit its limit.

    ``tz``: the time zone the tables show times in (the hops keep them in UTC).
    """

    chains: tuple[Chain, ...]
    provenance: Provenance
    truncated: bool = False
    tz: str = "UTC"

    def __len__(self) -> int:
        return len(self.chains)

    def summary(self) -> pd.DataFrame:
        """One row per chain: ``chain, hops, victims, people, names, regions, start, end,
        timezone, consistent, problems, transfer_ids``; ``names`` is ``people`` with
        names beside the ids, ``start`` and ``end`` are in the zone ``tz``."""
        rows = [
            {
                "chain": i,
                "hops": len(c.hops),
                "victims": c.victims,
                "people": c.people,
                "names": c.people_named,
                "regions": c.regions,
                "start": to_local(c.start, self.tz),
                "end": to_local(c.end, self.tz),
                "timezone": self.tz,
                "consistent": c.consistent,
                "problems": c.problems,
                "transfer_ids": c.transfer_ids,
            }
            for i, c in enumerate(self.chains)
        ]
        cols = [
            "chain",
            "hops",
            "victims",
            "people",
            "names",
            "regions",
            "start",
            "end",
            "timezone",
            "consistent",
            "problems",
            "transfer_ids",
        ]
        return pd.DataFrame(rows, columns=cols)

    def to_frame(self) -> pd.DataFrame:
        """One row per hop, columns :data:`HOP_COLUMNS`: ``at`` in the zone ``tz`` (which
        the ``timezone`` column names; as CSV, ISO 8601 with the offset), and the names of
        the victim, giver and receiver beside their ids."""
        rows = [
            {
                "chain": i,
                "hop": k + 1,
                "transfer_id": h.transfer_id,
                "at": h.at,
                "timezone": self.tz,
                "victim_id": h.victim_id,
                "victim_name": h.victim_name,
                "from_id": h.from_id,
                "from_name": h.from_name,
                "to_id": h.to_id,
                "to_name": h.to_name,
                "location_id": h.location_id,
                "region": h.region,
                "case_id": h.case_id,
                "source": h.record.source,
                "source_row": h.record.row,
            }
            for i, c in enumerate(self.chains)
            for k, h in enumerate(c.hops)
        ]
        frame = pd.DataFrame(rows, columns=list(HOP_COLUMNS))
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        frame = localize(frame, self.tz, ["at"], zone_column=None)
        return frame

    def to_dict(self) -> dict[str, Any]:
        def hop(h: Hop) -> dict[str, Any]:
            return jsonable({**h.__dict__, "at": to_local(h.at, self.tz)})

        return {
            "chains": [
                {"hops": [hop(h) for h in c.hops], "problems": list(c.problems)}
                for c in self.chains
            ],
            "timezone": self.tz,
            "truncated": self.truncated,
            "provenance": self.provenance.to_dict(),
        }


def _opt(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def _hops(tr: pd.DataFrame) -> list[Hop]:
    recs = records_of(tr, "transfer", "transfer_id")
    return [
        Hop(
            transfer_id=str(t),
            at=at,
            victim_id=_opt(v),
            from_id=str(f),
            to_id=str(to),
            location_id=_opt(loc),
            region=_opt(reg),
            case_id=_opt(case),
            record=rec,
            victim_name=_opt(vn),
            from_name=_opt(fn),
            to_name=_opt(tn),
        )
        for t, at, v, f, to, loc, reg, case, rec, vn, fn, tn in zip(
            tr["transfer_id"],
            tr["at"],
            tr["victim_id"],
            tr["from_id"],
            tr["to_id"],
            tr["location_id"],
            tr["region"],
            tr["case_id"],
            recs,
            tr["victim_name"],
            tr["from_name"],
            tr["to_name"],
            strict=True,
        )
    ]


def victim_chains(transfers: pd.DataFrame, *, tz: str | None = None) -> Chains:
    """Each victim's chain: their transfers in time order (ties by transfer id).

    A chain is *consistent* when every hop starts with the person the previous hop
    ended with and no two hops share a time; otherwise ``problems`` says where it
    breaks (a missing or misrecorded transfer). Transfers without a victim are left
    out. Chains are ordered by start time. The tables show times in ``tz`` (default
    UTC).

    Parameters
    ----------
    transfers : DataFrame
        Transfer events (the transfers layout, :func:`~netintel.investigate.as_transfers`).
    tz : str or None
        The zone the tables show times in (None: UTC).

    Returns
    -------
    Chains
        One chain per victim.
    """
    sw = Stopwatch()
    tr = as_transfers(transfers)
    tr = tr[tr["victim_id"].notna()]
    chains = []
    for _, grp in tr.groupby("victim_id", sort=False):
        hops = _hops(grp)
        problems = []
        for k, (a, b) in enumerate(pairwise(hops), start=2):
            if b.from_id != a.to_id:
                problems.append(
                    f"hop {k} ({b.transfer_id}) starts with {b.from_id} "
                    f"but hop {k - 1} ({a.transfer_id}) ended with {a.to_id}"
                )
            if b.at == a.at:
                problems.append(f"hops {k - 1} and {k} have the same time {a.at.isoformat()}")
        chains.append(Chain(tuple(hops), tuple(problems)))
    chains.sort(key=lambda c: (c.start, c.hops[0].transfer_id))
    prov = stamp(sw, "victim_chains", {}, frame_hash(tr))
    return Chains(tuple(chains), prov, tz=zone_name(tz))


def transfer_chains(
    transfers: pd.DataFrame,
    *,
    max_gap: str | timedelta | pd.Timedelta = "14D",
    min_hops: int = 1,
    same_victim: bool = False,
    limit: int = 10_000,
    tz: str | None = None,
) -> Chains:
    """Time-respecting chains of transfers across victims (tables in the zone ``tz``).

    Transfer ``f`` follows ``e`` when ``e``'s receiver is ``f``'s giver and ``f``
    happens after ``e`` (ties broken by transfer id) but at most ``max_gap`` later;
    with ``same_victim`` it must also move the same victim. The result holds every
    *maximal* chain (no transfer can be added at either end) with at least
    ``min_hops`` hops, most hops first, then most victims, then most regions, then
    earliest. At most ``limit`` chains are enumerated (``truncated`` then says so).

    Parameters
    ----------
    transfers : DataFrame
        Transfer events (the transfers layout, :func:`~netintel.investigate.as_transfers`).
    max_gap : duration
        The longest time between one transfer of a chain and the next.
    min_hops : int
        The fewest transfers in a chain.
    same_victim : bool
        Chains move one victim only.
    limit : int
        The most chains enumerated.
    tz : str or None
        The zone the tables show times in (None: UTC).

    Returns
    -------
    Chains
        The maximal chains, longest first.
    """
    gap = pd.Timedelta(max_gap)
    if gap < pd.Timedelta(0):
        raise ValueError(f"max_gap must not be negative, got {max_gap!r}")
    if min_hops < 1 or limit < 1:
        raise ValueError("min_hops and limit must be at least 1")
    sw = Stopwatch()
    tr = as_transfers(transfers)
    hops = _hops(tr)
    n = len(hops)
    by_giver: dict[str, list[int]] = defaultdict(list)
    for i, h in enumerate(hops):
        by_giver[h.from_id].append(i)  # in time order, as tr is sorted
    nxt: list[list[int]] = [[] for _ in range(n)]
    has_prev = [False] * n
    for i, h in enumerate(hops):
        for j in by_giver.get(h.to_id, ()):
            if j <= i:
                continue
            g = hops[j]
            if g.at - h.at > gap:
                break
            if same_victim and g.victim_id != h.victim_id:
                continue
            nxt[i].append(j)
            has_prev[j] = True
    found: list[tuple[int, ...]] = []
    truncated = False
    for s in range(n):
        if has_prev[s]:
            continue
        stack: list[tuple[int, ...]] = [(s,)]
        while stack:
            path = stack.pop()
            tail = nxt[path[-1]]
            if not tail:
                if len(path) >= min_hops:
                    if len(found) >= limit:
                        truncated = True
                        break
                    found.append(path)
                continue
            stack.extend((*path, j) for j in reversed(tail))
        if truncated:
            break
    chains = [Chain(tuple(hops[i] for i in p)) for p in found]
    chains.sort(key=lambda c: (-len(c.hops), -len(c.victims), -len(c.regions), c.start))
    params = {"max_gap": gap, "min_hops": min_hops, "same_victim": same_victim, "limit": limit}
    prov = stamp(sw, "transfer_chains", params, frame_hash(tr))
    return Chains(tuple(chains), prov, truncated, zone_name(tz))


def chain_brokers(chains: Chains | Iterable[Chain], *, min_chains: int = 2) -> TableResult:
    """People who recur across chains as intermediaries (received and handed on).

    Columns ``person, name, chains, victims, received, handed_on, evidence`` for people
    in at least ``min_chains`` chains, most chains first. ``evidence``: the transfers
    through them.

    Parameters
    ----------
    chains : Chains or iterable of Chain
        Chains, e.g. of :func:`victim_chains` or :func:`transfer_chains`.
    min_chains : int
        The fewest chains a broker is in.

    Returns
    -------
    TableResult
        One row per broker, most chains first.
    """
    sw = Stopwatch()
    items = chains.chains if isinstance(chains, Chains) else tuple(chains)
    in_chains: dict[str, set[int]] = defaultdict(set)
    victims: dict[str, set[str]] = defaultdict(set)
    recv: dict[str, set[str]] = defaultdict(set)
    gave: dict[str, set[str]] = defaultdict(set)
    recs: dict[str, dict[str, Record]] = defaultdict(dict)
    names: dict[str, str] = {}
    for ci, c in enumerate(items):
        for pid, name in c.names.items():
            names.setdefault(pid, name)
        for a, b in pairwise(c.hops):
            if a.to_id != b.from_id:
                continue
            p = a.to_id
            in_chains[p].add(ci)
            for h in (a, b):
                if h.victim_id:
                    victims[p].add(h.victim_id)
                recs[p][h.transfer_id] = h.record
            recv[p].add(a.transfer_id)
            gave[p].add(b.transfer_id)
    rows = [
        {
            "person": p,
            "name": names.get(p),
            "chains": len(cs),
            "victims": len(victims[p]),
            "received": len(recv[p]),
            "handed_on": len(gave[p]),
            "evidence": tuple(sorted(recs[p].values())),
        }
        for p, cs in in_chains.items()
        if len(cs) >= min_chains
    ]
    cols = ["person", "name", "chains", "victims", "received", "handed_on", "evidence"]
    table = pd.DataFrame(rows, columns=cols)
    table = table.sort_values(
        ["chains", "victims", "person"], ascending=[False, False, True], ignore_index=True
    )
    ids = sorted(t for c in items for t in c.transfer_ids)
    prov = stamp(sw, "chain_brokers", {"min_chains": min_chains}, frame_hash(pd.DataFrame(ids)))
    return TableResult(table, prov)


def score_chains(
    predicted: Iterable[Chain | Sequence[str]], truth: Iterable[Sequence[str]]
) -> dict[str, float]:
    """Precision and recall of chains (sequences of transfer ids) against ``truth``.

    * ``chain_precision`` / ``chain_recall``: share of predicted chains that equal a
      true chain / of true chains predicted exactly;
    * ``link_precision`` / ``link_recall``: the same over consecutive transfer pairs
      (a chain of one hop has no links);
    * ``contained_recall``: share of true chains that appear as a contiguous part of
      some predicted chain (what a cross-victim search should at least achieve).

    Parameters
    ----------
    predicted : iterable of Chain or of sequences of str
        The chains found (transfer ids).
    truth : iterable of sequences of str
        The true chains (transfer ids).

    Returns
    -------
    dict of str to float
        The five measures above, each in [0, 1].

    Examples
    --------
    >>> score_chains([("T1", "T2"), ("T3",)], [("T1", "T2"), ("T4",)])["chain_recall"]
    0.5
    """
    pred = [c.transfer_ids if isinstance(c, Chain) else tuple(c) for c in predicted]
    true = [tuple(c) for c in truth]
    ps, ts = set(pred), set(true)
    pl = {link for c in pred for link in pairwise(c)}
    tl = {link for c in true for link in pairwise(c)}

    def contained(t: tuple[str, ...]) -> bool:
        k = len(t)
        return any(p[i : i + k] == t for p in pred for i in range(len(p) - k + 1))

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    return {
        "chain_precision": ratio(len(ps & ts), len(ps)),
        "chain_recall": ratio(len(ps & ts), len(ts)),
        "link_precision": ratio(len(pl & tl), len(pl)),
        "link_recall": ratio(len(pl & tl), len(tl)),
        "contained_recall": ratio(sum(contained(t) for t in ts), len(ts)),
    }

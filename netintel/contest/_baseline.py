"""netintel's own answers to a challenge, computed from the public files alone."""

from __future__ import annotations

import csv
import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netintel.algorithms import Communities, find_gangs, key_players, leiden, louvain
from netintel.contest._format import ContestError

__all__ = ["BASELINE_TEAM", "CHAIN_METHODS", "baseline", "public_frames"]

#: The team name the baseline appears under in a leaderboard.
BASELINE_TEAM = "netintel-baseline"

_NON_WORD = re.compile(r"[\W_]+")


def _has_data_rows(path: Path) -> bool:
    """Whether a CSV file has anything after its header line (without reading it all)."""
    with path.open("rb") as f:
        f.readline()
        return any(line.strip() for line in f)


def public_frames(public_dir: str | Path, names: Iterable[str]) -> dict[str, pd.DataFrame]:
    """The good rows of public record files, read and converted as the ingest does.

    Uses the folder's ``mapping.yaml`` (time zone, phone region) when present;
    rows the ingest would reject are left out. A missing or header-only file
    gives an empty frame with the schema's columns.
    """
    from netintel.ingest import Options, load_mapping, prepare, read_file
    from netintel.schema import RECORDS

    root = Path(public_dir)
    if not (root / "persons.csv").is_file():
        raise ContestError(f"{root}: no persons.csv (is this a challenge's public folder?)")
    mpath = root / "mapping.yaml"
    mapping = load_mapping(mpath) if mpath.is_file() else None
    opts = Options(
        timezone=(mapping.timezone if mapping else None) or "UTC",
        phone_region=mapping.phone_region if mapping else None,
    )
    out: dict[str, pd.DataFrame] = {}
    for name in names:
        rt = RECORDS[name]
        empty = pd.DataFrame({c.name: pd.Series(dtype=object) for c in rt.columns})
        path = root / f"{name}.csv"
        if not path.is_file():
            out[name] = empty
            continue
        if not _has_data_rows(path):
            out[name] = empty
            continue
        out[name] = prepare(read_file(path), rt, None, opts).good
    return out


def _person_graph(calls: pd.DataFrame, phone_users: pd.DataFrame) -> nx.Graph:
    """Person-to-person call graph: a call between phones counts once between their users,
    split evenly when a phone has several users (weight = calls)."""
    users = phone_users[["number", "person_id"]].dropna().drop_duplicates()
    per_number = users.groupby("number").size()
    c = calls[["caller", "callee"]].dropna()
    c = c.merge(users.rename(columns={"number": "caller", "person_id": "a"}), on="caller")
    c = c.merge(users.rename(columns={"number": "callee", "person_id": "b"}), on="callee")
    c = c[c["a"] != c["b"]]
    w = 1.0 / (
        c["caller"].map(per_number).to_numpy(float) * c["callee"].map(per_number).to_numpy(float)
    )
    a, b = c["a"].astype(str).to_numpy(), c["b"].astype(str).to_numpy()
    swap = a > b
    edges = pd.DataFrame({"u": np.where(swap, b, a), "v": np.where(swap, a, b), "w": w})
    summed = edges.groupby(["u", "v"], as_index=False)["w"].sum()
    G = nx.Graph()
    G.add_weighted_edges_from(summed.itertuples(index=False, name=None))
    return G


def _suspects(persons: pd.DataFrame) -> set[str]:
    """People whose roles include ``suspect`` but not ``buyer`` (buyers are no gang's)."""
    out = set()
    for pid, roles in zip(persons["person_id"], persons["roles"], strict=True):
        if isinstance(roles, list) and "suspect" in roles and "buyer" not in roles:
            out.add(str(pid))
    return out


#: How the baseline finds chains: ``infer`` (recorded transfers and the hand-overs
#: :func:`~netintel.investigate.infer_handovers` proposes), ``plain`` (recorded ones and the
#: most-called contact of each holder, :func:`~netintel.investigate.baseline_handovers`),
#: ``recorded`` (the public transfers only).
CHAIN_METHODS = ("infer", "plain", "recorded")


def _withheld_share(public_dir: str | Path) -> float:
    """The share of hand-overs the challenge says are missing from transfers.csv (0 if unsaid)."""
    info = Path(public_dir) / "challenge.json"
    if not info.is_file():
        return 0.0
    try:
        return float(json.loads(info.read_text(encoding="utf-8")).get("withheld_transfers", 0))
    except (ValueError, TypeError):
        return 0.0


def _assemble(hops: list[tuple[str, str]]) -> list[str]:
    """One victim's holders in order from its hand-overs (giver, taker), recorded ones first.

    A chain passes each person once, so it is read by following the hand-overs from the
    one holder nobody handed the victim to; a second hand-over out of the same person (a
    guess that contradicts a recorded one) is ignored.

    >>> _assemble([("B", "C"), ("A", "B"), ("C", "D")])
    ['A', 'B', 'C', 'D']
    """
    out: dict[str, str] = {}
    for a, b in hops:
        if a != b:
            out.setdefault(a, b)
    takers = set(out.values())
    starts = [a for a in out if a not in takers] or list(out)[:1]
    if not starts:
        return []
    people = [starts[0]]
    while people[-1] in out and out[people[-1]] not in people:
        people.append(out[people[-1]])
    return people


def _chains(
    public_dir: str | Path, method: str, known: set[str]
) -> tuple[list[tuple[str, list[str], str]], dict[str, Any]]:
    """Per victim: the holders in order (recorded transfers in time order, then the
    hand-overs ``method`` adds), and what was used."""
    from netintel.investigate import baseline_handovers, handover_frames, infer_from_frames

    frames = handover_frames(public_dir)
    t = frames["transfers"].dropna(subset=["victim_id", "from_id", "to_id", "at"])
    t = t.sort_values(["victim_id", "at", "transfer_id"])
    hops: dict[str, list[tuple[str, str]]] = {}
    for v, a, b in zip(t["victim_id"], t["from_id"], t["to_id"], strict=True):
        hops.setdefault(str(v), []).append((str(a), str(b)))
    info: dict[str, Any] = {"method": method, "recorded_hops": len(t)}
    added = pd.DataFrame(columns=["victim_id", "from_id", "to_id"])
    if method == "infer":
        found = infer_from_frames(frames)
        added = found.to_frame()
        info["inferred_hops"] = len(found)
        info["provenance"] = found.provenance.to_dict()
    elif method == "plain":
        added = baseline_handovers(
            frames["transfers"], calls=frames["calls"], case_roles=frames["case_roles"]
        )
        info["inferred_hops"] = len(added)
    for v, a, b in zip(added["victim_id"], added["from_id"], added["to_id"], strict=True):
        hops.setdefault(str(v), []).append((str(a), str(b)))
    out = []
    for victim in sorted(hops):
        people = _assemble(hops[victim])
        if len(people) > 1 and all(p in known for p in people) and victim in known:
            out.append((f"V-{victim}", people, victim))
    return out, info


def _name_key(name: Any) -> tuple[str, tuple[str, ...]]:
    text = unicodedata.normalize("NFKC", str(name)).casefold() if isinstance(name, str) else ""
    tokens = tuple(sorted(t for t in _NON_WORD.split(text) if t))
    return "".join(_NON_WORD.split(text)), tokens


def _similar(a: Any, b: Any) -> bool:
    """Names alike: same words in any order, one is the other's alias, or close spelling."""
    (ka, ta), (kb, tb) = _name_key(a.name), _name_key(b.name)
    if not ka or not kb:
        return False
    if ka == kb or ta == tb:
        return True
    aliases_a = {_name_key(x)[0] for x in (a.aliases if isinstance(a.aliases, list) else [])}
    aliases_b = {_name_key(x)[0] for x in (b.aliases if isinstance(b.aliases, list) else [])}
    if ka in aliases_b or kb in aliases_a:
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.85


def _alias_pairs(persons: pd.DataFrame) -> set[tuple[str, str]]:
    """Same national id; or same birth date, no conflicting gender, and similar names."""
    pairs: set[tuple[str, str]] = set()
    p = persons.copy()
    p["person_id"] = p["person_id"].astype(str)
    for _, grp in p.dropna(subset=["national_id"]).groupby("national_id"):
        pairs.update(combinations(sorted(grp["person_id"]), 2))
    for _, grp in p.dropna(subset=["birth_date"]).groupby("birth_date"):
        if len(grp) < 2:
            continue
        for a, b in combinations(grp.sort_values("person_id").itertuples(index=False), 2):
            ga, gb = a.gender, b.gender
            if (
                isinstance(ga, str)
                and isinstance(gb, str)
                and "unknown" not in (ga, gb)
                and ga != gb
            ):
                continue
            if _similar(a, b):
                pairs.add((str(a.person_id), str(b.person_id)))
    return pairs


def _write(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def baseline(
    public_dir: str | Path,
    out_dir: str | Path,
    *,
    seed: int = 0,
    algorithm: str = "find_gangs",
    resolution: float = 1.0,
    leaders: int = 20,
    leader_metric: str = "pagerank",
    chains: str | None = None,
) -> Path:
    """Write netintel's automatic answers to a challenge as a submission folder; return it.

    From the public files only, with the analysis functions (no database):

    - gangs: the person call graph (calls lifted to people through
      phone_users, weight = calls, split over a shared phone's users) among
      suspects (roles include ``suspect``, not ``buyer``), partitioned by
      :func:`~netintel.algorithms.find_gangs` (or ``algorithm="louvain"`` /
      ``"leiden"`` at ``resolution``, which ``find_gangs`` does not use);
    - leaders: the ``leaders`` suspects ranked highest by ``leader_metric``
      (:func:`~netintel.algorithms.key_players`) on the same graph;
    - chains: per victim, the recorded transfers in time order, with the hand-overs that
      :func:`~netintel.investigate.infer_handovers` proposes where transfers are missing
      (``chains="plain"``: the most-called contact of each holder instead; ``"recorded"``:
      the public transfers only, see :data:`CHAIN_METHODS`). By default ``"infer"`` when
      the challenge says hand-overs were withheld (``withheld_transfers`` in its
      ``challenge.json``), else ``"recorded"``: proposing hand-overs to a record that is
      complete only adds wrong ones;
    - aliases: same national id, or same birth date, no conflicting gender and
      similar names (same words in any order, an alias, or spelling ratio >= 0.85).

    ``out_dir`` gets the four answer files and ``baseline.json`` (method,
    parameters, provenance of the algorithm runs).
    """
    if chains is None:
        chains = "infer" if _withheld_share(public_dir) > 0 else "recorded"
    if chains not in CHAIN_METHODS:
        raise ValueError(f"chains must be one of {', '.join(CHAIN_METHODS)}, not {chains!r}")
    if algorithm not in ("find_gangs", "louvain", "leiden"):
        raise ValueError(
            f"algorithm must be 'find_gangs', 'louvain' or 'leiden', not {algorithm!r}"
        )
    frames = public_frames(public_dir, ["persons", "phone_users", "calls"])
    persons = frames["persons"]
    known = {str(p) for p in persons["person_id"]}
    suspects = _suspects(persons) or known
    G = _person_graph(frames["calls"], frames["phone_users"])
    H = G.subgraph([v for v in G if v in suspects]).copy()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    info: dict[str, Any] = {
        "team": BASELINE_TEAM,
        "public": str(public_dir),
        "method": {
            "algorithm": algorithm,
            "resolution": None if algorithm == "find_gangs" else resolution,
            "seed": seed,
            "leaders": leaders,
            "leader_metric": leader_metric,
            "chains": chains,
        },
        "graph": {"people": H.number_of_nodes(), "pairs": H.number_of_edges()},
    }
    if H.number_of_edges():
        comms: Communities
        if algorithm == "find_gangs":
            comms = find_gangs(H, seed=seed)
        else:
            detect = louvain if algorithm == "louvain" else leiden
            comms = detect(H, seed=seed, resolution=resolution)
        _write(
            out / "gangs.csv",
            ["person_id", "gang"],
            (
                (p, f"B{i + 1:03d}")
                for i, c in enumerate(comms.communities)
                for p in sorted(map(str, c))
            ),
        )
        kp = key_players(H, [leader_metric], seed=seed)
        top = kp.top(leader_metric, leaders)
        _write(out / "leaders.csv", ["rank", "person_id"], enumerate(top, start=1))
        info["communities"] = {"count": len(comms), "provenance": comms.provenance.to_dict()}
        info["key_players"] = {"provenance": kp.provenance.to_dict()}
    found_chains, info["chains"] = _chains(public_dir, chains, known)
    _write(
        out / "chains.csv",
        ["chain", "hop", "person_id", "victim_id"],
        (
            (label, i, p, victim)
            for label, people, victim in found_chains
            for i, p in enumerate(people)
        ),
    )
    pairs = sorted(_alias_pairs(persons))
    _write(out / "aliases.csv", ["person_id_a", "person_id_b"], pairs)
    info["counts"] = {"chains": len(found_chains), "alias_pairs": len(pairs)}
    (out / "baseline.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return out

"""netintel's own answers to a challenge, computed from the public files alone."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from netintel.algorithms import Communities, find_gangs, key_players, leiden, louvain
from netintel.contest._format import ContestError

__all__ = ["BASELINE_TEAM", "CHAIN_METHODS", "baseline", "public_frames"]

#: The team name the baseline appears under in a leaderboard.
BASELINE_TEAM = "netintel-baseline"


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

    Parameters
    ----------
    public_dir : str or pathlib.Path
        A challenge's public folder.
    names : iterable of str
        The record types to read (``persons``, ``calls``, ...), one file each.

    Returns
    -------
    dict of str to pandas.DataFrame
        The converted good rows, per name.

    Raises
    ------
    ContestError
        When the folder has no ``persons.csv``.
    """
    from netintel.ingest import Options, load_mapping, prepare, read_file
    from netintel.schema import RECORDS

    root = Path(public_dir)
    if not (root / "persons.csv").is_file():
        raise ContestError(f"{root}: no persons.csv (is this a challenge's public folder?)")
    mpath = root / "mapping.yaml"
    mapping = load_mapping(mpath) if mpath.is_file() else None
    opts = Options(  # unset: the ingest's defaults (ReadingOptions.DEFAULTS)
        timezone=mapping.timezone if mapping else None,
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
    """The person call network the database would project from these records
    (:func:`netintel.projection.person_call_network_from_frames`: a call counts for the
    people whose use of the phones covers its time; weight = calls)."""
    from netintel.projection import person_call_network_from_frames

    return person_call_network_from_frames(calls, phone_users).to_networkx(attributes=False)


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
    from netintel.investigate import (
        baseline_handovers,
        handover_frames,
        infer_from_frames,
        victim_chains,
    )

    frames = handover_frames(public_dir)
    t = frames["transfers"].dropna(subset=["victim_id", "from_id", "to_id", "at"])
    hops: dict[str, list[tuple[str, str]]] = {}
    for chain in victim_chains(t).chains:  # each victim's transfers in time order
        for hop in chain.hops:
            hops.setdefault(str(hop.victim_id), []).append((hop.from_id, hop.to_id))
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


def _alias_pairs(frames: dict[str, pd.DataFrame], min_score: float) -> set[tuple[str, str]]:
    """The pairs :func:`~netintel.investigate.alias_candidates` scores at least
    ``min_score``, from the people with their phones and the places they were seen."""
    from netintel.investigate import alias_candidates

    found = alias_candidates(
        frames["persons"],
        phones=frames["phone_users"],
        places=frames["sightings"],
        min_score=min_score,
    )
    return {(str(a), str(b)) for a, b in zip(found.table["a"], found.table["b"], strict=True)}


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
    alias_score: float = 0.5,
) -> Path:
    """Write netintel's automatic answers to a challenge as a submission folder; return it.

    From the public files only, with the analysis functions (no database):

    - gangs: the person call graph (calls lifted to people through phone_users
      while they used the phone, weight = calls: the database's ``person_calls``
      projection, :func:`~netintel.projection.person_call_network_from_frames`) among
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
    - aliases: the pairs :func:`~netintel.investigate.alias_candidates` scores at least
      ``alias_score`` (names, aliases, ids, birth dates, shared phones and places), as
      ``netintel investigate aliases`` finds them in a database.

    ``out_dir`` gets the four answer files and ``baseline.json`` (method,
    parameters, provenance of the algorithm runs).

    Parameters
    ----------
    public_dir : str or Path
        A challenge's public folder.
    out_dir : str or Path
        Where the submission is written (created when needed).
    seed : int
        Seed of the gang finder and the key-player scores.
    algorithm : {"find_gangs", "louvain", "leiden"}
    resolution : float
        Louvain's or Leiden's resolution (not used by ``find_gangs``).
    leaders : int
        How many leaders are named.
    leader_metric : str
        The :func:`~netintel.algorithms.key_players` metric that ranks them.
    chains : {"infer", "plain", "recorded"} or None
        How chains are found (:data:`CHAIN_METHODS`); None: see above.
    alias_score : float
        The lowest :func:`~netintel.investigate.alias_candidates` score named as an alias.

    Returns
    -------
    Path
        ``out_dir``.
    """
    if chains is None:
        chains = "infer" if _withheld_share(public_dir) > 0 else "recorded"
    if chains not in CHAIN_METHODS:
        raise ValueError(f"chains must be one of {', '.join(CHAIN_METHODS)}, not {chains!r}")
    if algorithm not in ("find_gangs", "louvain", "leiden"):
        raise ValueError(
            f"algorithm must be 'find_gangs', 'louvain' or 'leiden', not {algorithm!r}"
        )
    frames = public_frames(public_dir, ["persons", "phone_users", "calls", "sightings"])
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
            "alias_score": alias_score,
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
    pairs = sorted(_alias_pairs(frames, alias_score))
    _write(out / "aliases.csv", ["person_id_a", "person_id_b"], pairs)
    info["counts"] = {"chains": len(found_chains), "alias_pairs": len(pairs)}
    (out / "baseline.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return out

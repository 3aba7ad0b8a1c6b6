"""Figure: modularity's resolution limit on a synthetic call network, and find_gangs.

    .venv/bin/python docs/figures/gangs_resolution.py      # writes gangs_resolution.png here

A synthetic case (``netintel.synth``, 30 000 clean calls, seed 1) is lifted to the
directed person call graph: a call counts for the users of both phones whose
``since``/``until`` cover its time, weight = number of calls, calls between one
person's own phones left out. Each method is scored by the adjusted Rand index
against the planted gangs, on the gang members only (brokers excluded), and the
figure shows Louvain at a range of modularity resolutions next to the methods that
need no resolution from the user: label propagation and Infomap have none, and
``find_gangs`` chooses its own (its Louvain family's resolution is marked).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from netintel.algorithms import (  # noqa: E402
    Communities,
    EdgeArrays,
    ari,
    find_gangs,
    infomap,
    label_propagation,
    louvain,
)
from netintel.synth import generate  # noqa: E402

SCALE = 30_000
SEED = 1
RESOLUTIONS = [0.5, 1, 1.5, 2, 3, 5, 8, 12, 20]
COUNTRY = "86"  # synth's default region (CN)


def _e164(numbers: pd.Series) -> pd.Series:
    """Phone numbers in one form: no separators, '+' and country code in front."""
    s = numbers.str.replace(r"[\s\-()]", "", regex=True)
    s = s.where(~s.str.startswith("00"), "+" + s.str.slice(2))
    return s.where(s.str.startswith("+"), "+" + COUNTRY + s.str.lstrip("0"))


def person_calls(workdir: Path) -> tuple[EdgeArrays, dict[str, str]]:
    """The directed person call graph of a synth case, and person -> planted gang."""
    calls = pd.read_csv(
        workdir / "calls.csv", dtype=str, usecols=["caller", "callee", "started_at"]
    )
    users = pd.read_csv(workdir / "phone_users.csv", dtype=str)
    calls["at"] = pd.to_datetime(calls["started_at"], utc=True, format="ISO8601")
    users["number"] = _e164(users["number"])
    for column in ("since", "until"):
        users[column] = pd.to_datetime(users[column], utc=True, format="ISO8601")
    pairs = calls.assign(caller=_e164(calls["caller"]), callee=_e164(calls["callee"]))
    for end, person in (("caller", "a"), ("callee", "b")):
        holders = users.rename(
            columns={
                "number": end,
                "person_id": person,
                "since": f"{person}0",
                "until": f"{person}1",
            }
        )
        pairs = pairs.merge(holders[[end, person, f"{person}0", f"{person}1"]], on=end)
    held = pairs["a"] != pairs["b"]
    for person in ("a", "b"):
        since, until = pairs[f"{person}0"], pairs[f"{person}1"]
        held &= (since.isna() | (since <= pairs["at"])) & (until.isna() | (pairs["at"] <= until))
    pairs = pairs[held]
    people, codes = np.unique(
        np.concatenate([pairs["a"].to_numpy(), pairs["b"].to_numpy()]).astype(str),
        return_inverse=True,
    )
    half = len(pairs)
    # parallel calls are summed by from_arrays: weight = number of calls
    ea = EdgeArrays.from_arrays(people.tolist(), codes[:half], codes[half:], directed=True)
    members = pd.read_csv(workdir / "ground_truth" / "gang_members.csv", dtype=str)
    members = members[members["role"] != "broker"]
    return ea, dict(zip(members["person_id"], members["gang_id"], strict=True))


def gang_ari(found: Communities, truth: dict[str, str]) -> float:
    """ARI with the planted gangs, on the gang members that are in the graph."""
    members = [v for v in found.membership if v in truth]
    return ari({v: found.membership[v] for v in members}, {v: truth[v] for v in members})


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, scale=SCALE, seed=SEED, dirty_rate=0)
        ea, truth = person_calls(Path(tmp))
    print(f"{ea.n} people, {ea.m} directed links, {len(set(truth.values()))} planted gangs")

    scores, counts = [], []
    for gamma in RESOLUTIONS:
        res = louvain(ea, seed=0, resolution=gamma)
        scores.append(gang_ari(res, truth))
        counts.append(len(res))
        print(f"louvain resolution {gamma:>4}: ARI {scores[-1]:.3f}, {counts[-1]} communities")
    flat = {
        "find_gangs": find_gangs(ea, seed=0),
        "label propagation": label_propagation(ea, seed=0),
        "Infomap": infomap(ea, seed=0),
    }
    flat_scores = {name: gang_ari(res, truth) for name, res in flat.items()}
    for name, res in flat.items():
        print(f"{name}: ARI {flat_scores[name]:.3f}, {len(res)} communities")

    fig, ax = plt.subplots(figsize=(9, 5.2), dpi=100)
    ax.plot(RESOLUTIONS, scores, "o-", color="black", lw=2, label="Louvain (modularity)")
    styles = {
        "find_gangs": ("tab:green", "-"),
        "label propagation": ("tab:blue", "--"),
        "Infomap": ("tab:orange", ":"),
    }
    for name, score in flat_scores.items():
        colour, dash = styles[name]
        how = "chooses its scale" if name == "find_gangs" else "no resolution"
        ax.axhline(score, color=colour, ls=dash, lw=2, label=f"{name} ({how}): {score:.2f}")
    chosen = flat["find_gangs"].chosen_resolution
    if chosen is not None and RESOLUTIONS[0] <= chosen <= RESOLUTIONS[-1]:
        ax.axvline(chosen, color="tab:green", ls=":", lw=1.2)
        ax.text(chosen * 1.05, 0.05, f"find_gangs'\nLouvain: {chosen:g}", color="tab:green")
    ax.axvline(1, color="tab:red", ls="--", lw=1.2)
    ax.text(
        1.05,
        0.97,
        "resolution limit:\nmerges gangs",
        color="tab:red",
        fontsize=10,
        transform=ax.get_xaxis_transform(),
        va="top",
    )
    ax.set_xscale("log")
    ax.set_xticks(RESOLUTIONS)
    ax.set_xticklabels([f"{g:g}" for g in RESOLUTIONS])
    ax.minorticks_off()
    ax.set_xlabel("Louvain modularity resolution (log scale)", fontsize=11)
    ax.set_ylabel("ARI with planted gangs (gang members)", fontsize=11)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)

    twin = ax.twinx()
    twin.plot(RESOLUTIONS, counts, "s--", color="grey", alpha=0.7, label="Louvain: communities")
    twin.axhline(
        len(set(truth.values())),
        color="grey",
        lw=0.8,
        ls="-.",
        label=f"planted gangs: {len(set(truth.values()))}",
    )
    twin.set_ylabel("number of communities (Louvain)", fontsize=11, color="dimgrey")
    twin.set_ylim(0, max(counts) * 1.1)

    lines, labels = ax.get_legend_handles_labels()
    more, more_labels = twin.get_legend_handles_labels()
    fig.legend(
        lines + more,
        labels + more_labels,
        loc="lower center",
        ncol=3,
        fontsize=9,
        frameon=False,
    )
    ax.set_title(
        f"Planted gangs in a synthetic call network ({ea.n:,} people, {ea.m:,} directed links)\n"
        "Louvain's score depends on its resolution; the lines are not told one",
        fontsize=12,
    )
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    out = HERE / "gangs_resolution.png"
    fig.savefig(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()

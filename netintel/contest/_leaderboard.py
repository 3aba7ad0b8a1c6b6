"""Ranking many submissions: a DataFrame, a CSV file and a self-contained HTML page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from netintel.contest._baseline import BASELINE_TEAM
from netintel.contest._challenge import Truth, load_truth
from netintel.contest._format import PARTS, SubmissionError, SubmissionIssue
from netintel.contest._score import METRICS, OVERALL_WEIGHTS, Score, score
from netintel.outfiles import write_csv, write_text
from netintel.pages import inline, render, static_text

__all__ = ["leaderboard", "write_leaderboard"]


def _entries(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise SubmissionError(str(folder), "no such folder of submissions")
    return [
        p
        for p in sorted(folder.iterdir())
        if not p.name.startswith((".", "_"))
        and (p.is_dir() or (p.is_file() and p.suffix.lower() == ".zip"))
    ]


def _unreadable(team: str, t: Truth, err: SubmissionError) -> Score:
    """A zero score for a submission that could not be opened at all."""
    return Score(
        team=team,
        challenge_id=t.challenge_id,
        overall=0.0,
        gangs_nmi=0.0,
        gangs_ari=0.0,
        gangs_coverage=0.0,
        chains_precision=0.0,
        chains_recall=0.0,
        chains_f1=0.0,
        hops_precision=0.0,
        hops_recall=0.0,
        hops_f1=0.0,
        withheld_hops_precision=0.0,
        withheld_hops_recall=0.0,
        withheld_hops_f1=0.0,
        leaders_precision_at_k=0.0,
        leaders_k=len(t.leaders),
        aliases_precision=0.0,
        aliases_recall=0.0,
        aliases_f1=0.0,
        status=dict.fromkeys(PARTS, "missing"),
        issues=(SubmissionIssue(Path(err.path).name, None, None, err.reason),),
        provenance={"submission": err.path, "truth": t.path},
    )


def leaderboard(
    submissions_dir: str | Path,
    truth: str | Path | Truth,
    *,
    baseline: str | Path | None = None,
) -> pd.DataFrame:
    """Score every submission in ``submissions_dir`` (one subfolder or ``.zip`` per team).

    ``baseline``: a submission folder (e.g. ``make_challenge``'s ``baseline/``)
    added as team ``netintel-baseline``. One row per team, best first: ranked
    by ``overall`` (ties share a rank), then ``gangs_ari``, then team name.
    Columns: ``rank``, ``team``, the metrics of :meth:`Score.to_frame`,
    ``baseline`` (bool) and ``issue_details`` (all problems, one per line).
    A submission that cannot be opened scores 0 and says why; nothing is skipped.

    Parameters
    ----------
    submissions_dir : str or pathlib.Path
        Folder of submissions, one subfolder or ``.zip`` per team (named after it).
    truth : str, pathlib.Path or Truth
        The truth folder (read with :func:`load_truth`) or a truth already read.
    baseline : str, pathlib.Path or None, default None
        A submission folder added as team ``netintel-baseline``; None adds none.

    Returns
    -------
    pandas.DataFrame
        One row per team, best first.
    """
    t = truth if isinstance(truth, Truth) else load_truth(truth)
    scored: list[tuple[Score, bool]] = []
    for entry in _entries(Path(submissions_dir)):
        team = entry.name.removesuffix(".zip").removesuffix(".ZIP")
        try:
            scored.append((score(entry, t, team=team), False))
        except SubmissionError as err:
            scored.append((_unreadable(team, t, err), False))
    if baseline is not None:
        scored.append((score(baseline, t, team=BASELINE_TEAM), True))
    frames = []
    for s, is_base in scored:
        row = s.to_frame()
        row["baseline"] = is_base
        row["issue_details"] = "\n".join(str(i) for i in s.issues)
        frames.append(row)
    if not frames:
        columns = ["rank", "team", *METRICS, "leaders_k", "missing", "rejected", "issues"]
        return pd.DataFrame(columns=[*columns, "baseline", "issue_details"])
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(
        ["overall", "gangs_ari", "team"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    out.insert(0, "rank", out["overall"].rank(method="min", ascending=False).astype(int))
    out.attrs["challenge_id"] = t.challenge_id
    return out


_SHOWN = {
    "rank": "Rank",
    "team": "Team",
    "overall": "Overall",
    "gangs_ari": "Gangs ARI",
    "gangs_nmi": "Gangs NMI",
    "chains_f1": "Chains F1",
    "hops_f1": "Hand-overs F1",
    "withheld_hops_f1": "Unrecorded hand-overs F1",
    "leaders_precision_at_k": "Leaders P@k",
    "aliases_f1": "Aliases F1",
    "missing": "Missing",
    "rejected": "Rejected",
}


def _cell(col: str, value: object) -> dict[str, str]:
    """One table cell: its text (floats to 3 decimals) and its class (alignment)."""
    if isinstance(value, float):
        return {"text": f"{value:.3f}", "cls": ""}
    cls = "team" if col == "team" else ("text" if col in ("missing", "rejected") else "")
    return {"text": str(value), "cls": cls}


def _html(board: pd.DataFrame, title: str) -> str:
    cols = [c for c in _SHOWN if c in board.columns]
    rows = [
        {
            "baseline": bool(row.get("baseline", False)),
            "cells": [_cell(c, row[c]) for c in cols],
        }
        for _, row in board.iterrows()
    ]
    problems = [
        (str(row["team"]), details)
        for _, row in board.iterrows()
        if (details := str(row.get("issue_details") or ""))
    ]
    return render(
        "leaderboard.html.j2",
        title=title,
        css=inline(static_text("leaderboard.css"), "style"),
        challenge_id=str(board.attrs.get("challenge_id", "")),
        when=datetime.now(UTC).isoformat(timespec="seconds"),
        columns=[{"name": _SHOWN[c], "cls": "team" if c == "team" else ""} for c in cols],
        rows=rows,
        weights=", ".join(f"{m} x {w:g}" for m, w in OVERALL_WEIGHTS.items()),
        problems=problems,
    )


def write_leaderboard(
    board: pd.DataFrame, out_dir: str | Path, *, title: str = "Analysis contest leaderboard"
) -> dict[str, Path]:
    """Write ``leaderboard.csv`` and a self-contained ``leaderboard.html`` (no scripts, no CDN).

    Parameters
    ----------
    board : pandas.DataFrame
        A leaderboard as :func:`leaderboard` returns it.
    out_dir : str or pathlib.Path
        The folder to write to (created when missing).
    title : str, default "Analysis contest leaderboard"
        The HTML page's title.

    Returns
    -------
    dict of str to pathlib.Path
        The files written, under the keys ``"csv"`` and ``"html"``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / "leaderboard.csv", "html": out / "leaderboard.html"}
    write_csv(board, paths["csv"])
    write_text(paths["html"], _html(board, title))
    return paths

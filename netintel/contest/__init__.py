"""The online analysis contest: challenges, submissions, scores, leaderboards.

* :func:`make_challenge` builds a challenge from the synthetic generator: a
  ``public/`` folder for the contestants and a ``truth/`` folder for the
  organisers, tied together by the hashes in the truth's manifest;
* :func:`read_submission` reads and checks a submission (four optional CSV
  files, see ``docs/contest.md``); a file with any problem is rejected whole;
* :func:`score` scores one submission, :func:`leaderboard` ranks many and
  :func:`write_leaderboard` writes them as CSV and self-contained HTML;
* :func:`baseline` writes netintel's own automatic answers as a submission.

No database is needed anywhere in this package.
"""

from netintel.contest._baseline import BASELINE_TEAM, baseline, public_frames
from netintel.contest._challenge import (
    REDACTED,
    Challenge,
    Truth,
    challenge_id,
    load_truth,
    make_challenge,
    public_person_ids,
    verify_challenge,
)
from netintel.contest._format import (
    PARTS,
    ContestError,
    PartSpec,
    Submission,
    SubmissionError,
    SubmissionIssue,
    read_submission,
)
from netintel.contest._leaderboard import leaderboard, write_leaderboard
from netintel.contest._score import METRICS, OVERALL_WEIGHTS, Score, score

__all__ = [
    "BASELINE_TEAM",
    "METRICS",
    "OVERALL_WEIGHTS",
    "PARTS",
    "REDACTED",
    "Challenge",
    "ContestError",
    "PartSpec",
    "Score",
    "Submission",
    "SubmissionError",
    "SubmissionIssue",
    "Truth",
    "baseline",
    "challenge_id",
    "leaderboard",
    "load_truth",
    "make_challenge",
    "public_frames",
    "public_person_ids",
    "read_submission",
    "score",
    "verify_challenge",
    "write_leaderboard",
]

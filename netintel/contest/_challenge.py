"""A challenge: public record files for contestants, hidden answers for organisers."""

from __future__ import annotations

import csv
import hashlib
import json
import secrets
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from netintel import __version__
from netintel.contest._format import (
    PARTS,
    ContestError,
    _Issues,
    _read_aliases,
    _read_chains,
    _read_gangs,
    _read_leaders,
    _table,
)
from netintel.schema import LOAD_ORDER
from netintel.values import file_sha256

__all__ = [
    "REDACTED",
    "Challenge",
    "Truth",
    "challenge_id",
    "load_truth",
    "make_challenge",
    "public_person_ids",
    "verify_challenge",
]

#: Columns blanked in the public copy, and why (see docs/contest.md).
REDACTED: dict[str, dict[str, str]] = {
    "persons.csv": {
        "warrant_level": "level A is issued to gang leaders only in the generator: it would "
        "give the leaders away",
    },
    "case_suspects.csv": {
        "role": "'organiser' is given to gang leaders only and 'broker' to brokers only: it "
        "would give the leaders and brokers away",
    },
}

#: The truth's list of the hand-overs withheld from the public transfers.csv.
WITHHELD_FILE = "withheld_hops.csv"

#: Files of the public folder that identify a challenge (hashed into its id).
_RECORD_FILES = tuple(f"{name}.csv" for name in LOAD_ORDER)
_HASHED = (*_RECORD_FILES, "mapping.yaml")


def _hashes(folder: Path, names: Iterable[str]) -> dict[str, str]:
    return {n: file_sha256(folder / n) for n in names if (folder / n).is_file()}


def challenge_id(file_hashes: Mapping[str, str]) -> str:
    """The id of a challenge: a short hash over its public files' names and sha256 digests.

    Parameters
    ----------
    file_hashes : mapping of str to str
        Public file name -> its sha256 hex digest.

    Returns
    -------
    str
        16 hex digits, the same for the same names and digests in any order.

    Examples
    --------
    >>> challenge_id({"calls.csv": "0" * 64})
    '60ae89b970e6e1bf'
    """
    h = hashlib.sha256()
    for name in sorted(file_hashes):
        h.update(f"{name}\0{file_hashes[name]}\n".encode())
    return h.hexdigest()[:16]


def _write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def _read_dicts(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _redact(src: Path, dst: Path, columns: Iterable[str]) -> None:
    """Copy a CSV file with ``columns`` blanked (header kept, so the layout is unchanged)."""
    with src.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    idx = [rows[0].index(c) for c in columns if c in rows[0]]
    for row in rows[1:]:
        for i in idx:
            if i < len(row):
                row[i] = ""
    with dst.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def public_person_ids(public_dir: str | Path) -> frozenset[str]:
    """Every person id in a public folder's ``persons.csv`` (the ids a submission may use).

    Parameters
    ----------
    public_dir : str or pathlib.Path
        A challenge's public folder.

    Returns
    -------
    frozenset of str
        The person ids.

    Raises
    ------
    ContestError
        When the folder has no ``persons.csv``.
    """
    path = Path(public_dir) / "persons.csv"
    if not path.is_file():
        raise ContestError(f"{path}: no such file (is this a challenge's public folder?)")
    return frozenset(r["person_id"].strip() for r in _read_dicts(path) if r.get("person_id"))


# --------------------------------------------------------------------------- truth


@dataclass(frozen=True)
class Truth:
    """The hidden answers of a challenge, as :func:`load_truth` reads them.

    ``gangs``: person -> gang for gang members (brokers belong to no gang);
    ``chains``: (chain id, ordered person ids: abductor first, buyer last);
    ``leaders``: leader ids by gang; ``alias_pairs``: unordered pairs (sorted
    tuples) of records of the same individual; ``person_ids``: every person id
    of the public ``persons.csv``; ``withheld_hops``: the hand-overs (giver, taker)
    left out of the public ``transfers.csv`` (``hide_transfers``), with their counts.
    """

    path: str
    challenge_id: str
    gangs: Mapping[str, str]
    chains: tuple[tuple[str, tuple[str, ...]], ...]
    leaders: tuple[str, ...]
    alias_pairs: frozenset[tuple[str, str]]
    person_ids: frozenset[str]
    manifest: Mapping[str, Any] = field(default_factory=dict)
    withheld_hops: Mapping[tuple[str, str], int] = field(default_factory=dict)


def load_truth(path: str | Path) -> Truth:
    """Read and check a truth folder written by :func:`make_challenge`.

    Raises :class:`ContestError` when a file is missing, does not match the
    hash in ``manifest.json``, or breaks the submission format.

    Parameters
    ----------
    path : str or pathlib.Path
        The truth folder.

    Returns
    -------
    Truth
        The challenge's answers, manifest and person ids.

    Raises
    ------
    ContestError
        When a file is missing, changed since the challenge was made, or breaks the
        submission format, or the manifest cannot be read.
    """
    root = Path(path)
    mpath = root / "manifest.json"
    if not mpath.is_file():
        raise ContestError(f"{mpath}: no such file (is this a challenge's truth folder?)")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ContestError(f"{mpath}: cannot read the manifest: {err}") from err
    for name, digest in manifest.get("truth_files", {}).items():
        f = root / name
        if not f.is_file():
            raise ContestError(f"{f}: no such file (listed in the manifest)")
        if file_sha256(f) != digest:
            raise ContestError(f"{f}: the file changed since the challenge was made (sha256)")
    ids_path = root / "person_ids.csv"
    if not ids_path.is_file():
        raise ContestError(f"{ids_path}: no such file")
    person_ids = frozenset(r["person_id"] for r in _read_dicts(ids_path))
    parsed: dict[str, Any] = {}
    readers = {
        "gangs": _read_gangs,
        "chains": _read_chains,
        "leaders": _read_leaders,
        "aliases": _read_aliases,
    }
    for part, spec in PARTS.items():
        f = root / spec.file
        if not f.is_file():
            raise ContestError(f"{f}: no such file")
        issues = _Issues(spec.file)
        rows = _table(spec, f.read_bytes(), issues)
        value = readers[part](rows, person_ids, issues) if rows is not None else None
        if issues.items:
            raise ContestError(f"{root}: bad truth file: {issues.done()[0]}")
        parsed[part] = value
    withheld: Counter[tuple[str, str]] = Counter()
    withheld_path = root / WITHHELD_FILE
    if withheld_path.is_file():  # challenges made before hide_transfers have none
        withheld.update((r["from_id"], r["to_id"]) for r in _read_dicts(withheld_path))
    return Truth(
        path=str(root),
        challenge_id=str(manifest.get("challenge_id", "")),
        gangs=parsed["gangs"],
        chains=tuple(parsed["chains"]),
        leaders=tuple(parsed["leaders"]),
        alias_pairs=parsed["aliases"],
        person_ids=person_ids,
        manifest=manifest,
        withheld_hops=dict(withheld),
    )


def verify_challenge(public_dir: str | Path, truth: str | Path | Truth) -> str:
    """Check that a public folder is the one a truth folder belongs to; return the id.

    Raises :class:`ContestError` naming the first file that differs.

    Parameters
    ----------
    public_dir : str or pathlib.Path
        The public folder to check.
    truth : str, pathlib.Path or Truth
        The truth folder (read with :func:`load_truth`) or a truth already read.

    Returns
    -------
    str
        The challenge's id.

    Raises
    ------
    ContestError
        When a public file the truth lists is missing or differs (or the truth folder
        is bad).
    """
    t = truth if isinstance(truth, Truth) else load_truth(truth)
    expected: Mapping[str, str] = t.manifest.get("public_files", {})
    pub = Path(public_dir)
    for name in sorted(expected):
        f = pub / name
        if not f.is_file():
            raise ContestError(f"{f}: missing from the public folder of challenge {t.challenge_id}")
        if file_sha256(f) != expected[name]:
            raise ContestError(f"{f}: differs from challenge {t.challenge_id}'s public data")
    return t.challenge_id


# --------------------------------------------------------------------------- making


@dataclass(frozen=True)
class Challenge:
    """What :func:`make_challenge` wrote."""

    out_dir: Path
    challenge_id: str
    seed: int
    scale: int
    counts: Mapping[str, int]
    baseline: Path | None = None

    @property
    def public(self) -> Path:
        return self.out_dir / "public"

    @property
    def truth(self) -> Path:
        return self.out_dir / "truth"

    def to_json(self) -> str:
        """The report as JSON (the seed is secret: it is left out)."""
        return json.dumps(
            {
                "out_dir": str(self.out_dir),
                "challenge_id": self.challenge_id,
                "public": str(self.public),
                "truth": str(self.truth),
                "baseline": str(self.baseline) if self.baseline else None,
                "scale": self.scale,
                "counts": dict(self.counts),
            },
            indent=2,
        )


def _truth_answers(gt: Path, truth: Path) -> dict[str, int]:
    """Write the four answer files (in the submission format) from the generator's truth."""
    members = [r for r in _read_dicts(gt / "gang_members.csv") if r["role"] != "broker"]
    members.sort(key=lambda r: (r["gang_id"], r["person_id"]))
    counts = {
        "gang_members": _write_csv(
            truth / "gangs.csv",
            ["person_id", "gang"],
            ((r["person_id"], r["gang_id"]) for r in members),
        )
    }
    gangs = sorted(_read_dicts(gt / "gangs.csv"), key=lambda r: r["gang_id"])
    counts["gangs"] = len(gangs)
    counts["leaders"] = _write_csv(
        truth / "leaders.csv",
        ["rank", "person_id", "gang"],
        ((i, r["leader_id"], r["gang_id"]) for i, r in enumerate(gangs, start=1)),
    )
    hops: dict[str, list[dict[str, str]]] = {}
    chain_rows = _read_dicts(gt / "chains.csv")
    for r in chain_rows:
        hops.setdefault(r["chain_id"], []).append(r)
    withheld = [r for r in chain_rows if r.get("public", "true") == "false"]
    counts["withheld_hops"] = _write_csv(
        truth / WITHHELD_FILE,
        ["chain", "hop", "from_id", "to_id", "victim_id"],
        ((r["chain_id"], r["hop"], r["from_id"], r["to_id"], r["victim_id"]) for r in withheld),
    )
    rows: list[tuple[str, int, str, str]] = []
    for chain_id in sorted(hops):
        chain = sorted(hops[chain_id], key=lambda r: int(r["hop"]))
        people = [chain[0]["from_id"]] + [r["to_id"] for r in chain]
        rows += [(chain_id, i, p, chain[0]["victim_id"]) for i, p in enumerate(people)]
    _write_csv(truth / "chains.csv", ["chain", "hop", "person_id", "victim_id"], rows)
    counts["chains"] = len(hops)
    clusters: dict[str, list[str]] = {}
    for r in _read_dicts(gt / "alias_clusters.csv"):
        clusters.setdefault(r["cluster_id"], []).append(r["person_id"])
    pairs = sorted(
        {tuple(sorted(p)) for ids in clusters.values() for p in combinations(sorted(set(ids)), 2)}
    )
    counts["alias_pairs"] = _write_csv(truth / "aliases.csv", ["person_id_a", "person_id_b"], pairs)
    return counts


_PUBLIC_README = """\
# Analysis contest: challenge {cid}

The record files in this folder are one synthetic investigation: {persons:,} person records,
{calls:,} call records, transfers, sightings, cases, DNA matches. They are in netintel's input
layout (`docs/input-format.md`); pass `mapping.yaml` to `netintel ingest` (some phone numbers
are in national form). Some rows are deliberately bad, as in real case files.

Redacted (blanked) columns: {redacted}.
{withheld}
## Your tasks

1. `gangs.csv` (`person_id,gang`): which suspects form a gang (one gang per person).
2. `chains.csv` (`chain,hop,person_id`): for each trafficked victim, the people who held the
   victim in order (hop 0 = the abductor, last = the buyer).
3. `leaders.csv` (`rank,person_id`): the gang leaders, best guess first.
4. `aliases.csv` (`person_id_a,person_id_b`): person records that are the same individual.

Put any of these files in a folder (or a zip file) named after your team and hand it in. The
exact format and the scoring rules are in netintel's `docs/contest.md`; check your files with
`netintel contest check YOUR_FOLDER --public THIS_FOLDER` before you submit.
"""


def _withheld_text(share: float) -> str:
    """The public README's line on transfers left out of transfers.csv (none: no line)."""
    if not share:
        return ""
    return (
        f"\nAbout {share:.0%} of the hand-overs are not in `transfers.csv`, as in a real case "
        "where most are never recorded: the calls, sightings and cases around them are. "
        "Your chains should still name every holder.\n"
    )


def _empty_folders(folders: Iterable[Path], overwrite: bool) -> None:
    """Each folder absent or empty; a non-empty one is removed only with ``overwrite``."""
    for folder in folders:
        if folder.exists() and any(folder.iterdir()):
            if not overwrite:
                raise ContestError(f"{folder}: already exists and is not empty (use overwrite)")
            shutil.rmtree(folder)


def _write_public_files(raw: Path, public: Path) -> dict[str, str]:
    """The generator's record files and mapping into ``public`` (:data:`REDACTED` columns
    blanked); their sha256 digests by name."""
    public.mkdir(parents=True, exist_ok=True)
    for name in _HASHED:
        if name in REDACTED:
            _redact(raw / name, public / name, REDACTED[name])
        elif (raw / name).is_file():
            shutil.copyfile(raw / name, public / name)
    return _hashes(public, _HASHED)


def _write_truth_answers(gt: Path, truth: Path, public: Path) -> dict[str, int]:
    """The answers, the public person ids and the generator's ground truth into ``truth``;
    the row counts."""
    truth.mkdir(parents=True, exist_ok=True)
    counts = _truth_answers(gt, truth)
    ids = sorted(public_person_ids(public))
    counts["persons"] = _write_csv(truth / "person_ids.csv", ["person_id"], ([i] for i in ids))
    shutil.copytree(gt, truth / "ground_truth")
    return counts


def _redacted_columns() -> dict[str, list[str]]:
    return {f: sorted(cols) for f, cols in REDACTED.items()}


def _write_public_info(public: Path, cid: str, public_files: Mapping[str, str], report: Any) -> str:
    """``challenge.json`` and ``README.md`` of the public folder; the creation time."""
    info = {
        "challenge_id": cid,
        "netintel": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": public_files,
        "redacted": {f: dict(cols) for f, cols in REDACTED.items()},
        "withheld_transfers": float(report.params.get("hide_transfers", 0.0)),
        "answer_files": {
            p: {"file": s.file, "columns": list(s.required)} for p, s in PARTS.items()
        },
    }
    (public / "challenge.json").write_text(
        json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (public / "README.md").write_text(
        _PUBLIC_README.format(
            cid=cid,
            persons=report.files.get("persons.csv", 0),
            calls=report.files.get("calls.csv", 0),
            redacted="; ".join(f"`{f}`: {', '.join(c)}" for f, c in _redacted_columns().items()),
            withheld=_withheld_text(report.params.get("hide_transfers", 0.0)),
        ),
        encoding="utf-8",
    )
    return str(info["created"])


def make_challenge(
    out_dir: str | Path,
    *,
    seed: int | None,
    scale: int,
    overwrite: bool = False,
    with_baseline: bool = True,
    progress: Callable[[str], None] | None = None,
    **synth_params: Any,
) -> Challenge:
    """Build a challenge from the synthetic generator.

    Writes ``out_dir/public/`` (record files with :data:`REDACTED` columns
    blanked, ``mapping.yaml``, ``README.md``, ``challenge.json``: give this to
    the contestants), ``out_dir/truth/`` (the answers in the submission
    format, ``person_ids.csv``, the generator's full ``ground_truth/`` and
    ``manifest.json`` with the seed and the hashes that tie it to the public
    files: keep it secret) and, unless ``with_baseline=False``,
    ``out_dir/baseline/`` (netintel's own answers, see :func:`baseline`).

    ``seed=None`` draws a random secret seed (recorded in the truth manifest
    only): anyone who knows the seed, scale and parameters can regenerate the
    truth with :func:`netintel.synth.generate`. The same seed and arguments give
    byte-identical public files. Other keywords go to the generator.

    Parameters
    ----------
    out_dir : str or Path
        The challenge folder (``public/``, ``truth/``, ``baseline/`` in it).
    seed : int or None
        The generator's seed; None draws a secret one.
    scale : int
        Number of call records.
    overwrite : bool
        Replace non-empty ``public/``, ``truth/`` and ``baseline/`` folders
        (:class:`ContestError` otherwise).
    with_baseline : bool
        Also write netintel's own answers.
    progress : callable or None
        Told what is being written, a line at a time.
    **synth_params
        Parameters of :func:`netintel.synth.generate` (e.g. ``hide_transfers``).

    Returns
    -------
    Challenge
        The folders, the challenge id, the seed and the answer counts.
    """
    from netintel.synth import generate

    out = Path(out_dir)
    public, truth, base = out / "public", out / "truth", out / "baseline"
    _empty_folders((public, truth, base), overwrite)
    if seed is None:
        seed = secrets.randbelow(2**63)
    say = progress or (lambda _msg: None)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out, prefix=".build-") as tmp:
        raw = Path(tmp)
        report = generate(raw, scale=scale, seed=seed, progress=progress, **synth_params)
        say("writing the public folder")
        public_files = _write_public_files(raw, public)
        cid = challenge_id(public_files)
        say("writing the truth folder")
        counts = _write_truth_answers(raw / "ground_truth", truth, public)
    created = _write_public_info(public, cid, public_files, report)
    manifest = {
        "challenge_id": cid,
        "netintel": __version__,
        "created": created,
        "seed": seed,
        "scale": scale,
        "generator": report.params,
        "public_files": public_files,
        "truth_files": _hashes(
            truth, [*(s.file for s in PARTS.values()), "person_ids.csv", WITHHELD_FILE]
        ),
        "redacted": _redacted_columns(),
        "counts": counts,
        "leaders_k": counts["leaders"],
        "note": "keep this folder secret: the seed regenerates every answer",
    }
    (truth / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    baseline_dir: Path | None = None
    if with_baseline:
        from netintel.contest._baseline import baseline

        say("computing netintel's baseline answers")
        baseline_dir = baseline(public, base)
    return Challenge(out, cid, seed, scale, counts, baseline_dir)

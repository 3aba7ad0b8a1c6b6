"""The submission format: four CSV files, read and checked row by row.

A file with any problem is rejected whole; every problem names the file, the
row (header = row 1, first data row = row 2, as in the ingest's reject files),
the column and the reason. Nothing here knows about scores.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netintel.exceptions import ContestError, SubmissionError

__all__ = [
    "PARTS",
    "ContestError",
    "PartSpec",
    "Submission",
    "SubmissionError",
    "SubmissionIssue",
    "read_submission",
]

#: Problems reported per file at most; the rest are counted.
MAX_ISSUES_PER_FILE = 50

_WHOLE = re.compile(r"\+?[0-9]+")


@dataclass(frozen=True)
class PartSpec:
    """One answer file: its name, the columns it must have and may have."""

    part: str
    file: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


#: The four answer files of a submission, by part name.
PARTS: dict[str, PartSpec] = {
    "gangs": PartSpec("gangs", "gangs.csv", ("person_id", "gang")),
    "chains": PartSpec("chains", "chains.csv", ("chain", "hop", "person_id"), ("victim_id",)),
    "leaders": PartSpec("leaders", "leaders.csv", ("rank", "person_id"), ("gang",)),
    "aliases": PartSpec("aliases", "aliases.csv", ("person_id_a", "person_id_b")),
}


@dataclass(frozen=True)
class SubmissionIssue:
    """One problem in one answer file; ``str()`` says it in one line.

    >>> print(SubmissionIssue("gangs.csv", 3, "person_id", "unknown person id 'P9'"))
    gangs.csv, row 3, column 'person_id': unknown person id 'P9'
    """

    file: str
    row: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "column": self.column, "reason": self.reason}


class FileStatus:
    """``missing`` and ``rejected`` answer files, read from a ``status`` mapping."""

    status: Mapping[str, str]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(p for p, s in self.status.items() if s == "missing")

    @property
    def rejected(self) -> tuple[str, ...]:
        return tuple(p for p, s in self.status.items() if s == "rejected")


@dataclass(frozen=True)
class Submission(FileStatus):
    """The answers read from a submission folder or zip file.

    A part is None when its file is missing or was rejected (``status`` says
    which: ``"ok"``, ``"missing"`` or ``"rejected"``). ``chains`` holds
    ``(chain label, ordered person ids)``; ``leaders`` the person ids by rank;
    ``aliases`` the pairs as given, each sorted.
    """

    path: str
    gangs: Mapping[str, str] | None
    chains: tuple[tuple[str, tuple[str, ...]], ...] | None
    leaders: tuple[str, ...] | None
    aliases: frozenset[tuple[str, str]] | None
    status: Mapping[str, str]
    issues: tuple[SubmissionIssue, ...] = ()
    notes: tuple[str, ...] = ()
    #: sha256 over the answer files present (name and content)
    digest: str = ""
    #: whether person ids were checked against the challenge's persons
    ids_checked: bool = field(default=False)


# --------------------------------------------------------------------------- files


def _is_csv(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith(".")


def _files_of(path: Path) -> dict[str, bytes]:
    """The top-level ``.csv`` files of a folder or a zip file; when there are none, those
    inside its one and only subfolder (a wrapping folder)."""
    if path.is_dir():
        files = {f.name: f for f in sorted(path.iterdir()) if f.is_file() and _is_csv(f.name)}
        subs = [d for d in path.iterdir() if d.is_dir() and not d.name.startswith((".", "_"))]
        if not files and len(subs) == 1:
            files = {
                f.name: f for f in sorted(subs[0].iterdir()) if f.is_file() and _is_csv(f.name)
            }
        return {name: f.read_bytes() for name, f in files.items()}
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
                names = [n for n in names if not n.startswith("__MACOSX/")]
                top = {n: n for n in names if "/" not in n and _is_csv(n)}
                tops = {n.split("/", 1)[0] for n in names if "/" in n}
                if not top and len(tops) == 1:
                    top = {
                        n.split("/", 1)[1]: n
                        for n in names
                        if n.count("/") == 1 and _is_csv(n.split("/", 1)[1])
                    }
                return {name: zf.read(member) for name, member in sorted(top.items())}
        except (zipfile.BadZipFile, OSError) as err:
            raise SubmissionError(str(path), f"cannot read the zip file: {err}") from err
    if path.is_file():
        raise SubmissionError(str(path), "not a folder or a zip file")
    raise SubmissionError(str(path), "no such folder or zip file")


def _digest(files: Mapping[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + hashlib.sha256(files[name]).digest())
    return h.hexdigest()


class _Issues:
    """Collects a file's problems, keeping at most MAX_ISSUES_PER_FILE of them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[SubmissionIssue] = []
        self.dropped = 0

    def add(self, row: int | None, column: str | None, reason: str) -> None:
        if len(self.items) < MAX_ISSUES_PER_FILE:
            self.items.append(SubmissionIssue(self.file, row, column, reason))
        else:
            self.dropped += 1

    def done(self) -> list[SubmissionIssue]:
        if self.dropped:
            more = f"{self.dropped} more problem(s) not listed"
            return [*self.items, SubmissionIssue(self.file, None, None, more)]
        return self.items


Rows = list[tuple[int, dict[str, str]]]


def _table(spec: PartSpec, data: bytes, issues: _Issues) -> Rows | None:
    """The data rows of one file as (row number, {column: stripped text}); None if unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        issues.add(None, None, f"not UTF-8 text (bad byte at offset {err.start})")
        return None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        issues.add(None, None, f"not a readable CSV file: {err}")
        return None
    if not records or not any(c.strip() for c in records[0]):
        issues.add(1, None, "the file is empty: the first row must be the header")
        return None
    header = [c.strip() for c in records[0]]
    allowed = spec.required + spec.optional
    expect = ", ".join(spec.required) + (
        f" (optional: {', '.join(spec.optional)})" if spec.optional else ""
    )
    seen: set[str] = set()
    for name in header:
        if name in seen:
            issues.add(1, name, "the column appears twice in the header")
        seen.add(name)
        if name not in allowed:
            issues.add(1, name or None, f"unknown column {name!r}; expected {expect}")
    for name in spec.required:
        if name not in seen:
            issues.add(1, name, f"missing column {name!r}; the header has: {', '.join(header)}")
    if issues.items:
        return None
    rows: Rows = []
    for number, rec in enumerate(records[1:], start=2):
        if not any(c.strip() for c in rec):
            continue  # blank line
        if len(rec) != len(header):
            issues.add(number, None, f"expected {len(header)} fields, found {len(rec)}")
            continue
        rows.append((number, {h: c.strip() for h, c in zip(header, rec, strict=True)}))
    return rows


def _person(
    row: int, cells: Mapping[str, str], col: str, known: Collection[str] | None, issues: _Issues
) -> str | None:
    """The person id in ``col``, or None after reporting why it is not usable."""
    value = cells[col]
    if not value:
        issues.add(row, col, "empty person id")
        return None
    if known is not None and value not in known:
        issues.add(row, col, f"unknown person id {value!r} (not in the challenge's persons.csv)")
        return None
    return value


def _whole(
    row: int, cells: Mapping[str, str], col: str, minimum: int, issues: _Issues
) -> int | None:
    value = cells[col]
    if not _WHOLE.fullmatch(value) or int(value) < minimum:
        issues.add(row, col, f"{col} must be a whole number >= {minimum}, got {value!r}")
        return None
    return int(value)


def _read_gangs(rows: Rows, known: Collection[str] | None, issues: _Issues) -> dict[str, str]:
    out: dict[str, str] = {}
    first: dict[str, int] = {}
    for row, cells in rows:
        person = _person(row, cells, "person_id", known, issues)
        if not cells["gang"]:
            issues.add(row, "gang", "empty gang label")
        if person is None:
            continue
        if person in first:
            issues.add(
                row, "person_id", f"person {person!r} is already in a gang (row {first[person]})"
            )
            continue
        first[person] = row
        out[person] = cells["gang"]
    return out


def _read_chains(
    rows: Rows, known: Collection[str] | None, issues: _Issues
) -> list[tuple[str, tuple[str, ...]]]:
    hops: dict[str, dict[int, str]] = {}
    where: dict[tuple[str, int], int] = {}
    first_row: dict[str, int] = {}
    for row, cells in rows:
        label = cells["chain"]
        if not label:
            issues.add(row, "chain", "empty chain label")
        hop = _whole(row, cells, "hop", 0, issues)
        person = _person(row, cells, "person_id", known, issues)
        if cells.get("victim_id"):
            _person(row, cells, "victim_id", known, issues)
        if not label or hop is None or person is None:
            continue
        first_row.setdefault(label, row)
        if (label, hop) in where:
            issues.add(
                row, "hop", f"chain {label!r} has hop {hop} twice (rows {where[label, hop]}, {row})"
            )
            continue
        where[label, hop] = row
        hops.setdefault(label, {})[hop] = person
    out: list[tuple[str, tuple[str, ...]]] = []
    for label, by_hop in hops.items():
        if len(by_hop) < 2:
            issues.add(
                first_row[label],
                "chain",
                f"chain {label!r} has one person; a chain needs at least two (one hand-over)",
            )
            continue
        out.append((label, tuple(by_hop[h] for h in sorted(by_hop))))
    return out


def _read_leaders(rows: Rows, known: Collection[str] | None, issues: _Issues) -> list[str]:
    by_rank: dict[int, str] = {}
    rank_row: dict[int, int] = {}
    person_row: dict[str, int] = {}
    for row, cells in rows:
        rank = _whole(row, cells, "rank", 1, issues)
        person = _person(row, cells, "person_id", known, issues)
        if rank is not None and rank in rank_row:
            issues.add(row, "rank", f"rank {rank} is given twice (rows {rank_row[rank]}, {row})")
            continue
        if person is not None and person in person_row:
            issues.add(
                row,
                "person_id",
                f"person {person!r} is listed twice (rows {person_row[person]}, {row})",
            )
            continue
        if rank is None or person is None:
            continue
        rank_row[rank], person_row[person] = row, row
        by_rank[rank] = person
    return [by_rank[r] for r in sorted(by_rank)]


def _read_aliases(
    rows: Rows, known: Collection[str] | None, issues: _Issues
) -> frozenset[tuple[str, str]]:
    pairs: dict[tuple[str, str], int] = {}
    for row, cells in rows:
        a = _person(row, cells, "person_id_a", known, issues)
        b = _person(row, cells, "person_id_b", known, issues)
        if a is None or b is None:
            continue
        if a == b:
            issues.add(row, "person_id_b", f"a record cannot be an alias of itself ({a!r})")
            continue
        pair = (a, b) if a < b else (b, a)
        if pair in pairs:
            issues.add(row, "person_id_b", f"duplicate pair {a!r}-{b!r} (also row {pairs[pair]})")
            continue
        pairs[pair] = row
    return frozenset(pairs)


_READERS: dict[str, Callable[[Rows, Collection[str] | None, _Issues], Any]] = {
    "gangs": _read_gangs,
    "chains": _read_chains,
    "leaders": _read_leaders,
    "aliases": _read_aliases,
}


def read_submission(path: str | Path, *, person_ids: Collection[str] | None = None) -> Submission:
    """Read and check a submission folder (or ``.zip``) of answer files.

    ``person_ids``: the challenge's person ids (:func:`public_person_ids` or a
    truth's ``person_ids``); ids outside it reject their file. Missing files
    are reported as missing; files with any problem are rejected whole and
    their problems listed; other ``.csv`` files are noted and ignored.
    Raises :class:`SubmissionError` only when the path cannot be read at all.

    Parameters
    ----------
    path : str or pathlib.Path
        The submission folder or ``.zip`` file.
    person_ids : collection of str or None, default None
        The challenge's person ids; None checks no ids.

    Returns
    -------
    Submission
        The accepted answer files and the problems found.

    Raises
    ------
    SubmissionError
        When the path cannot be read at all.
    """
    p = Path(path)
    files = _files_of(p)
    known = frozenset(person_ids) if person_ids is not None else None
    answers: dict[str, Any] = {}
    status: dict[str, str] = {}
    issues: list[SubmissionIssue] = []
    wanted = {spec.file: spec for spec in PARTS.values()}
    notes = [
        f"{fname}: not an answer file, ignored (expected {', '.join(wanted)})"
        for fname in sorted(files)
        if fname not in wanted
    ]
    for part, spec in PARTS.items():
        data = files.get(spec.file)
        if data is None:
            status[part] = "missing"
            answers[part] = None
            continue
        found = _Issues(spec.file)
        rows = _table(spec, data, found)
        value = _READERS[part](rows, known, found) if rows is not None else None
        problems = found.done()
        if problems:
            status[part] = "rejected"
            answers[part] = None
            issues += problems
        else:
            status[part] = "ok"
            answers[part] = value
    kept = {k: v for k, v in files.items() if k in wanted}
    return Submission(
        path=str(p),
        gangs=answers["gangs"],
        chains=tuple(answers["chains"]) if answers["chains"] is not None else None,
        leaders=tuple(answers["leaders"]) if answers["leaders"] is not None else None,
        aliases=answers["aliases"],
        status=status,
        issues=tuple(issues),
        notes=tuple(notes),
        digest=_digest(kept),
        ids_checked=known is not None,
    )

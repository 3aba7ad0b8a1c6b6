"""Deliberately bad rows: extra, garbled copies of clean rows.

Each dirty row copies a clean row of the same file, breaks one cell (a date
that does not exist, a malformed phone number, a value outside the choices, a
missing required value) and is written after the row it copies. Node
records get a fresh key (``<key>B``) so the bad copy never clashes with the
clean one. A clean data set stays complete: nothing refers to a dirty row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from netintel.phones import phone_key
from netintel.schema import RECORDS, Column
from netintel.synth._tables import Table

__all__ = ["SPEC", "add_dirty_rows"]


def _spec(text: str) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """File -> its (column, how it is broken, weight) from ``file column how weight`` lines."""
    spec: dict[str, list[tuple[str, str, int]]] = {}
    for line in text.split("\n"):
        if line.strip():
            name, column, kind, weight = line.split()
            spec.setdefault(name, []).append((column, kind, int(weight)))
    return {name: tuple(rows) for name, rows in spec.items()}


#: file -> (column, how it is broken, weight): which cells the dirty rows of a file break,
#: and how often (relative weights within the file)
SPEC = _spec(
    """
locations     lat               range    1
locations     lon               number   1
locations     kind              enum     1
cases         opened            date     2
cases         solved            date     1
cases         category          enum     1
cases         status            enum     1
cases         supervised        bool     1
persons       birth_date        date     3
persons       gender            enum     1
persons       roles             list     1
persons       status            enum     1
phones        number            phone    3
phones        first_seen        datetime 1
phones        last_seen         datetime 1
samples       taken             date     2
samples       kind              enum     1
transfers     at                datetime 3
transfers     amount            range    1
phone_users   number            phone    3
phone_users   since             datetime 1
phone_users   person_id         missing  1
calls         caller            phone    2
calls         callee            phone    2
calls         started_at        datetime 3
calls         duration_s        int      1
case_suspects person_id         missing  1
case_suspects case_id           missing  1
case_victims  person_id         missing  1
case_victims  case_id           missing  1
case_reports  reported_on       date     2
case_reports  person_id         missing  1
sightings     at                datetime 3
sightings     location_id       missing  1
relatives     person_id         missing  1
relatives     relative_id       missing  1
dna_matches   score             range    1
dna_matches   score             number   1
dna_matches   matched_sample_id missing  1
"""
)

REASONS = {
    "date": "not a date",
    "datetime": "not a date-time",
    "phone": "malformed phone number",
    "int": "not a whole number",
    "number": "not a number",
    "range": "outside the range",
    "enum": "not one of the choices",
    "list": "not one of the choices",
    "bool": "not true/false",
    "missing": "required value is missing",
}


def _bad_date(v: str, k: int) -> str:
    y, m, d = (v[:4], v[5:7], v[8:10]) if len(v) >= 10 and v[4] == "-" else ("2023", "06", "15")
    rest = v[10:]
    return (f"{y}-13-{d}{rest}", f"{y}-{m}-32{rest}", f"{y}-02-30{rest}", "unknown")[k % 4]


def _bad_datetime(v: str, k: int) -> str:
    if len(v) < 19:
        v = "2023-06-15T12:00:00+00:00"
    if k % 5 == 4:
        return v[:11] + "25" + v[13:]
    return _bad_date(v, k)


def _bad_phone(v: str, k: int, region: str) -> str:
    digits = "".join(ch for ch in v if ch.isdigit())
    plus = "+" if v.startswith("+") else ""
    cands = [plus + digits[:-3], plus + digits + "99", plus + digits[:4]]
    for cand in cands[k % 3 :] + cands[: k % 3]:
        if cand.strip("+") and not _valid(cand, region):
            return cand
    return "12345"


def _valid(text: str, region: str) -> bool:
    """Whether the ingest reads ``text`` as a phone number (:func:`netintel.phones.phone_key`)."""
    try:
        phone_key(text, region)
    except ValueError:
        return False
    return True


def _bad_enum(v: str, col: Column) -> str:
    base = v or col.choices[0]
    out = base + base[-1]
    canon = {c.lower() for c in col.choices}
    while out.lower() in canon or out.lower().replace("-", " ") in canon:
        out += "x"
    return out


def _bad_range(v: str, col: Column, k: int) -> str:
    if col.maximum is not None and (k % 2 or col.minimum is None):
        return f"{col.maximum + 1 + (k % 7):.4f}"
    lo = col.minimum if col.minimum is not None else 0.0
    return f"{lo - 1 - (k % 7):.4f}"


def _break(kind: str, v: str, col: Column, k: int, region: str) -> str:
    if kind == "date":
        return _bad_date(v, k)
    if kind == "datetime":
        return _bad_datetime(v, k)
    if kind == "phone":
        return _bad_phone(v, k, region)
    if kind == "int":
        return (f"{v}s", f"{v}.5", "n/a")[k % 3]
    if kind == "number":
        return (v.replace(".", ",") if "." in v else v + ",5") if k % 2 else v + ".1.2"
    if kind == "range":
        return _bad_range(v, col, k)
    if kind in ("enum", "list"):
        parts = v.split("|") if v else [""]
        parts[-1] = _bad_enum(parts[-1], col)
        return "|".join(parts)
    if kind == "bool":
        return "maybe"
    if kind == "missing":
        return ""
    raise AssertionError(kind)


def add_dirty_rows(
    table: Table,
    rate: float,
    rng: np.random.Generator,
    region: str,
    fresh_number: Callable[[], str],
) -> list[tuple[str, int, int, str, str, str, int]]:
    """Give ``table`` its dirty rows; return (file, row, data_row, column, reason, value,
    copy_of_row) per dirty row, rows numbered as the ingest does (header = row 1).

    Parameters
    ----------
    table : Table
        The table; its ``dirty`` list is extended.
    rate : float
        Share of dirty rows: their number is drawn as ``binomial(table.n, rate)``.
    rng : numpy.random.Generator
        The random source.
    region : str
        The phone region of the data (how broken phone values are written).
    fresh_number : callable
        Returns an unused phone number (the key of a dirty ``phones`` row).

    Returns
    -------
    list of tuple
        One ``(file, row, data_row, column, reason, value, copy_of_row)`` per dirty row.
    """
    truth: list[tuple[str, int, int, str, str, str, int]] = []
    name = table.name
    nd = int(rng.binomial(table.n, rate)) if table.n and rate > 0 else 0
    if not nd:
        return truth
    spec = SPEC[name]
    src = np.sort(rng.integers(0, table.n, nd))
    w = np.array([s[2] for s in spec])
    which = rng.choice(len(spec), size=nd, p=w / w.sum())
    ks = rng.integers(0, 1 << 20, nd)
    cols = table.render(src)
    values = [
        list(row)
        for row in zip(
            *[c.tolist() if isinstance(c, np.ndarray) else list(c) for c in cols], strict=True
        )
    ]
    record = RECORDS[name]
    key = record.columns[0].name if record.node else None
    copies: dict[int, int] = {}
    above = np.searchsorted(src, src)  # dirty rows above each one's clean row
    for i in range(nd):
        col_name, kind, _ = spec[int(which[i])]
        ci = table.header.index(col_name)
        row = values[i]
        row[ci] = _break(kind, row[ci], record.column(col_name), int(ks[i]), region)
        if key is not None and col_name != key:
            s = int(src[i])
            copies[s] = copies.get(s, 0) + 1
            row[0] = fresh_number() if name == "phones" else row[0] + "B" * copies[s]
        table.dirty.append((int(src[i]), row))
        data_row = int(src[i]) + i + 2
        source_row = int(src[i]) + 2 + int(above[i])
        truth.append(
            (f"{name}.csv", data_row + 1, data_row, col_name, REASONS[kind], row[ci], source_row)
        )
    return truth

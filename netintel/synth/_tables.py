"""From the planted world to text: ids, names, the input tables and the ground truth.

A :class:`Table` is a header plus a function that renders any set of rows as
text columns, so the call table (up to tens of millions of rows) is rendered
and written in chunks, never held as text all at once.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from numpy.typing import NDArray

from netintel.schema import RECORDS
from netintel.synth._world import (
    BROKER,
    BURNER,
    BUYER,
    BYSTANDER,
    CATEGORY_NAMES,
    CHAIN_ROLE_NAMES,
    DECOY,
    DUPLICATE,
    FOUND,
    GANG_ROLE_NAMES,
    LEADER,
    LOCATION_KIND_NAMES,
    MEMBER,
    NEVER,
    PARENT,
    PHONE_KIND_NAMES,
    RELATIVE,
    SWAPPED,
    VICTIM,
    BoolA,
    FltA,
    IntA,
    StrA,
    World,
    render_dates,
    render_datetimes,
    stream,
)

__all__ = ["Table", "ground_truth_tables", "input_tables", "write_table"]

Cells = NDArray[Any] | Sequence[str]
Columns = list[Cells]
#: rows rendered and written at a time: small enough that the temporary text arrays are
#: reused from the heap (at 1 << 18 each chunk mapped fresh pages: 3x the system time)
CHUNK = 1 << 14


@dataclass
class Table:
    """Rows ``0..n-1`` of one CSV file, rendered on demand by ``render``."""

    name: str
    header: list[str]
    n: int
    render: Callable[[IntA], Columns]
    #: deliberately bad extra rows: (index of the clean row they follow, values)
    dirty: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.n + len(self.dirty)


def _static(name: str, columns: dict[str, Sequence[str] | StrA]) -> Table:
    header = list(columns)
    arrays = [
        np.asarray(c, dtype=object) if not isinstance(c, np.ndarray) else c
        for c in columns.values()
    ]
    n = len(arrays[0]) if arrays else 0

    def render(idx: IntA) -> Columns:
        return [a[idx] for a in arrays]

    return Table(name, header, n, render)


def _ordered(table: Table, order: IntA) -> Table:
    """The same table with its rows in ``order``."""
    inner = table.render

    def render(idx: IntA) -> Columns:
        return inner(order[idx])

    return Table(table.name, table.header, table.n, render)


def write_table(path: Path, table: Table) -> None:
    """Write ``table`` as UTF-8 CSV, dirty rows inserted after their clean row.

    Parameters
    ----------
    path : pathlib.Path
        The file to write.
    table : Table
        The table, with its dirty rows.
    """
    dirty = sorted(table.dirty, key=lambda d: d[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(table.header)
        di = 0
        for lo in range(0, max(table.n, 0), CHUNK):
            hi = min(table.n, lo + CHUNK)
            cols = table.render(np.arange(lo, hi, dtype=np.int64))
            plain = all(_plain(c) for c in cols)
            lists = [c.tolist() if isinstance(c, np.ndarray) else list(c) for c in cols]
            if any(len(c) != hi - lo for c in lists):
                raise RuntimeError(f"{table.name}: a column of rows {lo}..{hi} has another length")
            cut = 0
            while di < len(dirty) and dirty[di][0] < hi:
                src, values = dirty[di]
                _write_rows(f, w, lists, cut, src - lo + 1, plain)
                w.writerow(values)
                cut = src - lo + 1
                di += 1
            _write_rows(f, w, lists, cut, hi - lo, plain)


def _write_rows(
    f: TextIO, w: Any, columns: list[list[str]], start: int, stop: int, plain: bool
) -> None:
    """Rows ``start:stop`` of ``columns``, zipped as they are written (never held as rows)."""
    if stop <= start:
        return
    rows = zip(*(c[start:stop] for c in columns), strict=True)
    if plain:  # nothing to quote: join directly, much faster than the csv module
        f.write("\n".join(map(",".join, rows)))
        f.write("\n")
    else:
        w.writerows(rows)


def _plain(col: Cells) -> bool:
    """No value needs CSV quoting."""
    if isinstance(col, np.ndarray) and col.dtype.kind == "U":
        if not col.size or not col.itemsize:
            return True
        # the code points (UTF-32, padding zeros included) compared as integers
        points = np.ascontiguousarray(col).view(np.uint32)
        return not any(bool((points == ord(ch)).any()) for ch in ',"\n\r')
    text = "\x00".join(col)  # one scan in C instead of one per value
    return not any(ch in text for ch in ',"\n\r')


def _fmt_float(values: np.ndarray, digits: int) -> StrA:
    return np.char.mod(f"%.{digits}f", values)


def _ids(prefix: str, n: int, width: int = 0) -> StrA:
    w = max(width, len(str(n)))
    return np.strings.add(prefix, np.strings.zfill(np.arange(1, n + 1).astype(str), w))


def _blank(mask: BoolA, text: StrA) -> StrA:
    return np.where(mask, "", text)


def _true_false(mask: BoolA) -> StrA:
    """``true`` / ``false`` cells."""
    return np.where(mask, "true", "false")


class Texts:
    """Text ids and values of one world's entities."""

    def __init__(self, w: World) -> None:
        self.w = w
        rng = stream(w.p.seed, "ids")
        n = w.n_people
        width = max(6, len(str(n)))
        perm = rng.permutation(n)
        self.person = _ids("P", n, width)[perm]
        # locations
        kind_prefix = np.array(["CITY-", "SITE-", "TWR-", "ADDR-"])
        serial = w.loc_serial.astype(str)
        widths = {k: len(str(int((w.loc_kind == k).sum()))) for k in range(4)}
        padded = np.array(
            [
                s.zfill(max(3, widths[int(k)]))
                for s, k in zip(serial.tolist(), w.loc_kind.tolist(), strict=True)
            ]
        )
        self.location = np.strings.add(kind_prefix[w.loc_kind], padded)
        self.case = _ids("CASE-", len(w.case_kind), 5)
        tr_rank = np.empty(len(w.tr_order), dtype=np.int64)
        tr_rank[w.tr_order] = np.arange(len(w.tr_order))
        self.transfer = _ids("T", len(w.tr_order), 6)[tr_rank]
        self.sample = _ids("S", len(w.sample_person), 6)
        self.chain = _ids("CH", w.p.abductions, 5)
        self.gang = np.array(w.gang_ids())
        e164, national, grouped = w.phone_numbers()
        self.e164 = e164
        self.phone_forms = np.stack([e164, national, grouped])
        frng = stream(w.p.seed, "phone-format")
        self._format_seed = int(frng.integers(0, 2**31))

    def phone_text(self, phones: NDArray[np.integer[Any]], salt: IntA) -> StrA:
        """Each phone in E.164 or (share ``national_format``) a national form.

        The form of a row depends only on ``salt`` (e.g. the row number), so
        rendering a chunk or a single row gives the same text.
        """
        h = (
            salt.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(self._format_seed)
        ) >> np.uint64(40)
        u = h.astype(np.float64) / float(1 << 24)
        nat = self.w.p.national_format
        form = np.where(u < nat / 2, 1, np.where(u < nat, 2, 0))
        out: StrA = self.phone_forms[form, phones]
        return out

    def dt(self, utc: IntA) -> StrA:
        return render_datetimes(utc, self.w.tz)

    def dt_or_blank(self, utc: IntA) -> StrA:
        """Date-times, blank where ``utc`` is negative (not ended)."""
        return _blank(utc < 0, self.dt(np.maximum(utc, 0)))


# ----------------------------------------------------------------------- names


def _typo(text: str, k: int) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text + text[-1:]
    i = letters[1 + k % (len(letters) - 2)]
    if k % 3 == 0 and i + 1 < len(text) and text[i + 1].isalpha() and text[i + 1] != text[i]:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swap
    if k % 3 == 1:
        return text[:i] + text[i + 1 :]  # drop
    return text[:i] + text[i] + text[i:]  # double


def person_names(w: World) -> tuple[StrA, StrA]:
    """(name, aliases) of every person record."""
    rng = stream(w.p.seed, "names")
    loc = w.locale
    n = w.n_people
    sur = rng.integers(0, len(loc.surnames), n)
    given_f = rng.integers(0, len(loc.given_female), n)
    given_m = rng.integers(0, len(loc.given_male), n)
    # families share surnames: children take the father's (else the mother's)
    par_by_abd = np.full(w.p.abductions, -1, dtype=np.int64)
    for slot in (0, 1):
        m = w.parent_slot == slot
        par_by_abd[w.parent_abd[m]] = w.parents[m]
    has_par = par_by_abd >= 0
    sur[w.victims[has_par]] = sur[par_by_abd[has_par]]
    blood = w.relative_relation != 0
    sur[w.relatives[blood]] = sur[w.relative_of[blood]]
    buyer_of_found = w.chain_part[w.found_abd, w.abd_hops[w.found_abd]]
    sur[w.found] = sur[buyer_of_found]
    canon = w.canon
    sur, given_f, given_m = sur[canon], given_f[canon], given_m[canon]
    native = (rng.random(n) < 0.75)[canon] if loc.native_script else np.zeros(n, dtype=bool)
    variant = np.full(n, -1, dtype=np.int64)
    variant[w.dup_idx] = w.dup_variant
    nick_kind = rng.integers(0, 3, n)
    has_alias = np.isin(w.cat, (MEMBER, BROKER)) & (rng.random(n) < 0.35)
    keep_alias = rng.random(n) < 0.5
    typo_k = rng.integers(0, 1 << 20, n)
    gender = w.gender.tolist()
    names: list[str] = []
    aliases: list[str] = []
    for i in range(n):
        s = loc.surnames[sur[i]]
        g = loc.given_male[given_m[i]] if gender[i] == 1 else loc.given_female[given_f[i]]
        nick = _nickname(loc.native_script, s, g, int(nick_kind[i]), bool(native[i]))
        v = int(variant[i])
        if loc.native_script:
            base = s[0] + g[0] if native[i] else f"{s[1]} {g[1]}"
            if v == 0:  # transliteration: characters <-> pinyin, pinyin -> Wade-Giles
                name = f"{s[1]} {g[1]}" if native[i] else f"{s[2]} {g[2]}"
            elif v == 1:
                name = _typo_in_one(s[1], g[1], int(typo_k[i]))
            elif v == 2:
                name = f"{g[1]} {s[1]}"
            elif v == 3:
                name = nick
            else:
                name = base
        else:
            base = f"{g[0]} {s[0]}"
            if v == 0:
                name = f"{g[0]} {s[2]}" if s[2] != s[0] else f"{g[0]} {_typo(s[0], 7)}"
            elif v == 1:
                name = _typo_in_one(g[0], s[0], int(typo_k[i]))
            elif v == 2:
                name = f"{s[0].upper()} {g[0]}"
            elif v == 3:
                name = f"{g[2]} {s[0]}"
            else:
                name = base
        names.append(name)
        a = ""
        if has_alias[canon[i]] and (v < 0 or keep_alias[i]):
            a = nick if v != 3 else base
        aliases.append(a)
    return np.array(names, dtype=object), np.array(aliases, dtype=object)


def _typo_in_one(first: str, second: str, k: int) -> str:
    """``first second`` with typo ``k`` in the second word (odd ``k``) or the first."""
    return f"{first} {_typo(second, k)}" if k % 2 else f"{_typo(first, k)} {second}"


def _nickname(
    native_script: bool, s: tuple[str, str, str], g: tuple[str, str, str], kind: int, native: bool
) -> str:
    if native_script:
        if native:
            return "阿" + g[0][-1] if kind == 0 else ("老" + s[0] if kind == 1 else "小" + g[0][-1])
        return f"A {g[1]}" if kind == 0 else (f"Lao {s[1]}" if kind == 1 else f"Xiao {g[1]}")
    if kind == 0:
        return g[2]
    return f"Big {g[0]}" if kind == 1 else f"{g[2]} {s[0][0]}."


def _cn_ids(w: World, rng: np.random.Generator, people: IntA) -> StrA:
    area = np.array([c.code for c in w.cities])[w.city[people]]
    days = w.birth[people].astype("datetime64[D]")
    ymd = np.strings.replace(np.datetime_as_string(days, unit="D"), "-", "")
    seq = rng.integers(0, 100, len(people)) * 10 + np.where(
        w.gender[people] == 1,
        rng.integers(0, 5, len(people)) * 2 + 1,
        rng.integers(0, 5, len(people)) * 2,
    )
    body = np.strings.add(np.strings.add(area, ymd), np.strings.zfill(seq.astype(str), 3))
    if not len(body):
        return body
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    check = np.array(list("10X98765432"))[(digits.astype(np.int64) @ weights) % 11]
    return np.strings.add(body, check)


def _gb_ids(rng: np.random.Generator, n: int) -> StrA:
    first = np.array(list("ABCEGHJKLMNOPRSTWXYZ"))
    second = np.array(list("ABCEGHJKLMNPRSTWXYZ"))
    pre = np.strings.add(
        first[rng.integers(0, len(first), n)], second[rng.integers(0, len(second), n)]
    )
    pre = np.where(np.isin(pre, ["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"]), "AB", pre)
    mid = np.strings.zfill(rng.integers(0, 1_000_000, n).astype(str), 6)
    suf = np.array(list("ABCD"))[rng.integers(0, 4, n)]
    return np.strings.add(np.strings.add(pre, mid), suf)


def _imeis(rng: np.random.Generator, n: int) -> StrA:
    tacs = np.array(
        [
            "35332509",
            "35875406",
            "86754303",
            "35420911",
            "86891204",
            "35693803",
            "86012104",
            "35391110",
        ]
    )
    body = np.strings.add(
        tacs[rng.integers(0, len(tacs), n)],
        np.strings.zfill(rng.integers(0, 1_000_000, n).astype(str), 6),
    )
    if not n:
        return body
    d = np.frombuffer(body.astype("S14").tobytes(), dtype=np.uint8).reshape(-1, 14) - 48
    d = d.astype(np.int64)
    dbl = d[:, 1::2] * 2
    total = d[:, 0::2].sum(axis=1) + (dbl // 10 + dbl % 10).sum(axis=1)
    return np.strings.add(body, ((10 - total % 10) % 10).astype(str))


# ---------------------------------------------------------------- input tables


#: builds one input record table from the world, its texts and the table's own random stream
RecordBuilder = Callable[[World, Texts, np.random.Generator], Table]


def input_tables(w: World, texts: Texts) -> dict[str, Callable[[], Table]]:
    """A builder per input record file (clean rows only, the schema's column order).

    Tables are built one at a time when written, so only one is held as text.

    Parameters
    ----------
    w
        The planted world.
    texts
        The text ids and values of ``w``'s entities.

    Returns
    -------
    dict
        Record type name -> a function of no arguments building its :class:`Table`
        (each draws from its own stream ``attributes-<name>``).
    """

    def build(name: str, make: RecordBuilder) -> Table:
        return _checked(name, make(w, texts, stream(w.p.seed, f"attributes-{name}")))

    return {name: partial(build, name, make) for name, make in _RECORD_TABLES.items()}


def _locations(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    loc = w.locale
    city_names = np.array([c.name for c in w.cities])
    cname = city_names[w.loc_city]
    names = []
    for k, c, st, num, ser in zip(
        w.loc_kind.tolist(),
        cname.tolist(),
        w.loc_street.tolist(),
        w.loc_number.tolist(),
        w.loc_serial.tolist(),
        strict=True,
    ):
        if k == 0:
            names.append(loc.city_fmt.format(city=c))
        elif k == 1:
            names.append(loc.site_fmt.format(city=c))
        elif k == 2:
            names.append(loc.tower_fmt.format(city=c, n=ser))
        else:
            names.append(loc.address_fmt.format(city=c, street=loc.streets[st], n=num))
    return _static(
        "locations",
        {
            "location_id": texts.location,
            "name": names,
            "kind": np.array(LOCATION_KIND_NAMES)[w.loc_kind],
            "lat": _fmt_float(w.loc_lat, 6),
            "lon": _fmt_float(w.loc_lon, 6),
            "region": np.array(w.region_names)[w.city_region[w.loc_city]],
        },
    )


def _cases(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    child = w.abd_child[w.case_abd]
    category = np.where(
        w.case_kind == 1,
        "sale",
        np.where(w.case_kind == 2, "missing-report", np.where(child, "abduction", "trafficking")),
    )
    open_day = w._day_of(w.case_open)
    solved_day = w._day_of(np.maximum(w.case_solved, 0))
    return _static(
        "cases",
        {
            "case_id": texts.case,
            "category": category,
            "status": np.array(["open", "solved", "closed"])[w.case_status],
            "opened": render_dates(open_day),
            "solved": _blank(w.case_solved < 0, render_dates(solved_day)),
            "region": np.array(w.region_names)[w.case_region],
            "supervised": _true_false(w.case_supervised),
            "location_id": texts.location[w.case_loc],
        },
    )


def _persons(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    """Person records, ordered by id; every attribute follows the individual (``canon``)."""
    ccat = w.cat[w.canon]  # the category of the individual a record describes
    name, aliases = person_names(w)
    is_child = np.zeros(w.n_people, dtype=bool)
    is_child[w.victims[w.abd_child]] = True
    is_child = is_child[w.canon]
    u = rng.random(w.n_people)[w.canon]
    status = _person_status(ccat, is_child, u)
    warrant = np.where(
        (status == "at large") & np.isin(ccat, (MEMBER, BROKER, BUYER)),
        np.where(w.grole[w.canon] == LEADER, "A", np.where(u < 0.3, "B", "")),
        "",
    )
    birth_known, birth = _person_births(w, rng)
    has_id, nid = _national_ids(w, rng, ccat)
    return _ordered(
        _static(
            "persons",
            {
                "person_id": texts.person,
                "name": name,
                "aliases": aliases,
                "gender": np.array(["female", "male"])[w.gender],
                "birth_date": _blank(~birth_known, render_dates(birth)),
                "national_id": _blank(~has_id, nid),
                "roles": _person_roles(ccat, is_child),
                "status": status,
                "warrant_level": warrant,
            },
        ),
        np.argsort(texts.person, kind="stable"),
    )


def _person_roles(ccat: IntA, is_child: BoolA) -> StrA:
    """The ``roles`` cell of each record, from the individual's category."""
    roles: StrA = np.select(
        [
            ccat == MEMBER,
            ccat == BROKER,
            ccat == RELATIVE,
            ccat == BUYER,
            (ccat == VICTIM) & is_child,
            ccat == VICTIM,
            ccat == PARENT,
            (ccat == FOUND) | (ccat == DECOY),
        ],
        [
            "suspect",
            "suspect",
            "relative",
            "buyer|suspect",
            "victim|missing",
            "victim",
            "relative",
            "unknown-origin",
        ],
        "",
    )
    return roles


def _person_status(ccat: IntA, is_child: BoolA, u: FltA) -> StrA:
    """The ``status`` cell of each record; ``u`` is one uniform draw per individual."""
    suspect_status = np.where(u < 0.55, "at large", np.where(u < 0.9, "arrested", "surrendered"))
    status: StrA = np.select(
        [
            np.isin(ccat, (MEMBER, BROKER)),
            ccat == BUYER,
            (ccat == VICTIM) & is_child,
            ccat == VICTIM,
            np.isin(ccat, (FOUND, DECOY)),
        ],
        [
            suspect_status,
            np.where(u < 0.6, "at large", "arrested"),
            "missing",
            np.where(u < 0.6, "missing", "found"),
            "found",
        ],
        "free",
    )
    return status


def _person_births(w: World, rng: np.random.Generator) -> tuple[BoolA, IntA]:
    """(birth date known, birth day) of each record: duplicates shift or drop theirs."""
    birth_known = np.ones(w.n_people, dtype=bool)
    birth_known[w.found] = w.found_birth_known
    birth_known[w.decoys] = rng.random(len(w.decoys)) < 0.5
    mode = np.zeros(w.n_people, dtype=np.int64)
    mode[w.dup_idx] = w.dup_birth_mode
    birth_known = birth_known[w.canon] & (mode != 2)
    birth = np.where(mode == 1, w.birth + 1, w.birth)
    return birth_known, birth


def _national_ids(w: World, rng: np.random.Generator, ccat: IntA) -> tuple[BoolA, StrA]:
    """(has an id, national id) of each record: duplicates keep, drop or garble theirs."""
    n = w.n_people
    has_id = (
        np.select(
            [np.isin(ccat, (FOUND, DECOY)), ccat == BYSTANDER, ccat == VICTIM],
            [0.0, 0.5, 0.8],
            0.9,
        )
        > rng.random(n)[w.canon]
    )
    adult = (w.start_day - w.birth) > 16 * 365
    if w.locale.key == "CN":
        nid = _cn_ids(w, rng, np.arange(n, dtype=np.int64))
    else:
        nid = _gb_ids(rng, n)
        has_id &= adult
    nid = nid[w.canon]
    id_mode = rng.choice(3, size=n, p=[0.5, 0.4, 0.1])  # duplicates: same, none, typo
    is_dup = w.cat == DUPLICATE
    has_id &= ~is_dup | (id_mode != 1)
    typo_digit = np.strings.add(
        np.strings.slice(nid, 0, -2),
        np.strings.add(((rng.integers(0, 10, n)).astype(str)), np.strings.slice(nid, -1, None)),
    )
    return has_id, np.where(is_dup & (id_mode == 2), typo_digit, nid)


def _phones(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    nph = len(w.ph_owner)
    handset_imei = _imeis(rng, nph)[w.ph_handset]
    has_imei = rng.random(nph) < 0.7
    seen = w.ph_first < NEVER
    return _ordered(
        _static(
            "phones",
            {
                "number": texts.e164,
                "imei": _blank(~has_imei, handset_imei),
                "first_seen": _blank(~seen, texts.dt(np.where(seen, w.ph_first, 0))),
                "last_seen": _blank(~seen, texts.dt(np.where(seen, w.ph_last, 0))),
            },
        ),
        np.argsort(texts.e164, kind="stable"),
    )


def _samples(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    return _static(
        "samples",
        {
            "sample_id": texts.sample,
            "kind": np.array(["reference", "unknown-origin"])[w.sample_kind],
            "site": texts.location[w.sample_site],
            "taken": render_dates(w.sample_taken),
            "person_id": texts.person[w.sample_person],
        },
    )


def _transfers(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    # transfers (ordered by time, which is the order of their ids); withheld ones left out
    o = w.tr_order[w.tr_public[w.tr_order]]
    return _static(
        "transfers",
        {
            "transfer_id": texts.transfer[o],
            "at": texts.dt(w.tr_at[o]),
            "amount": _fmt_float(w.tr_amount[o], 0),
            "currency": np.full(len(o), w.locale.currency),
            "victim_id": texts.person[w.victims[w.tr_abd[o]]],
            "from_id": texts.person[w.tr_from[o]],
            "to_id": texts.person[w.tr_to[o]],
            "location_id": texts.location[w.tr_loc[o]],
            "case_id": texts.case[w.tr_case[o]],
        },
    )


def _phone_users(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    # phone users: the known users of each phone, and relatives sharing a phone
    known = np.flatnonzero(w.ph_known)
    sharers = np.flatnonzero(w.shares)
    pu_person = np.concatenate([w.ph_owner[known], sharers])
    pu_phone = np.concatenate([known, w.phone_a[sharers]])
    pu_since = np.concatenate(
        [
            w.ph_since[known],
            w.t_start - (rng.random(len(sharers)) * 400 * 86400).astype(np.int64),
        ]
    )
    pu_until = np.concatenate([w.ph_until[known], np.full(len(sharers), -1)])
    o = np.lexsort((pu_since, texts.person[pu_person]))
    pu_person, pu_phone = pu_person[o], pu_phone[o]
    pu_since, pu_until = pu_since[o], pu_until[o]
    pu_salt = np.arange(len(o), dtype=np.int64) + (1 << 40)
    return _static(
        "phone_users",
        {
            "person_id": texts.person[pu_person],
            "number": texts.phone_text(pu_phone, pu_salt),
            "since": texts.dt(pu_since),
            "until": texts.dt_or_blank(pu_until),
        },
    )


def _calls(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    """The call records, rendered chunk by chunk when written."""
    n = len(w.call_t)
    width = max(9, len(str(n)))

    def render(idx: IntA) -> Columns:
        ids = np.strings.add("C", np.strings.zfill((idx + 1).astype(str), width))
        return [
            _blank(w.call_missing_id[idx], ids),
            texts.phone_text(w.call_caller[idx], 2 * idx),
            texts.phone_text(w.call_callee[idx], 2 * idx + 1),
            texts.dt(w.call_t[idx]),
            w.call_dur[idx].astype(str),
            texts.location[w.call_tower[idx]],
        ]

    return Table("calls", [c.name for c in RECORDS["calls"].columns], n, render)


def _case_suspects(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    roles = np.array(CHAIN_ROLE_NAMES)[w.susp_role]
    return _by_case(texts, "case_suspects", w.susp_person, w.susp_case, "role", roles)


def _case_victims(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    return _static(
        "case_victims",
        {
            "person_id": texts.person[w.vict_person],
            "case_id": texts.case[w.vict_case],
        },
    )


def _case_reports(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    days = render_dates(w._day_of(w.report_on))
    return _by_case(texts, "case_reports", w.report_person, w.report_case, "reported_on", days)


def _by_case(texts: Texts, name: str, person: IntA, case: IntA, column: str, values: StrA) -> Table:
    """Table ``name`` of (person_id, case_id, ``column``) rows, by case and then person id."""
    o = np.lexsort((texts.person[person], case))
    return _static(
        name,
        {
            "person_id": texts.person[person[o]],
            "case_id": texts.case[case[o]],
            column: values[o],
        },
    )


def _sightings(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    o = np.argsort(w.sight_at, kind="stable")
    return _static(
        "sightings",
        {
            "person_id": texts.person[w.sight_person[o]],
            "location_id": texts.location[w.sight_loc[o]],
            "at": texts.dt(w.sight_at[o]),
        },
    )


def _relatives(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    # relatives: "person_id is the <relation> of relative_id"
    relation_names = np.array(["spouse", "sibling", "parent", "child"])
    two = w.parent_slot == 1
    mothers = np.full(w.p.abductions, -1, dtype=np.int64)
    mothers[w.parent_abd[~two]] = w.parents[~two]
    rp = np.concatenate([w.relatives, w.parents, mothers[w.parent_abd[two]]])
    rr = np.concatenate([w.relative_of, w.victims[w.parent_abd], w.parents[two]])
    rn = np.concatenate(
        [
            relation_names[w.relative_relation],
            np.full(len(w.parents), "parent"),
            np.full(int(two.sum()), "spouse"),
        ]
    )
    o = np.argsort(texts.person[rp], kind="stable")
    return _static(
        "relatives",
        {
            "person_id": texts.person[rp[o]],
            "relative_id": texts.person[rr[o]],
            "relation": rn[o],
        },
    )


def _dna_matches(w: World, texts: Texts, rng: np.random.Generator) -> Table:
    return _static(
        "dna_matches",
        {
            "sample_id": texts.sample[w.match_a],
            "matched_sample_id": texts.sample[w.match_b],
            "score": _fmt_float(w.match_score, 4),
            "relation": np.array(["parent-child", "sibling"])[w.match_rel],
        },
    )


#: the input record files, in the order their builders were always listed
_RECORD_TABLES: dict[str, RecordBuilder] = {
    "locations": _locations,
    "cases": _cases,
    "persons": _persons,
    "phones": _phones,
    "samples": _samples,
    "transfers": _transfers,
    "phone_users": _phone_users,
    "calls": _calls,
    "case_suspects": _case_suspects,
    "case_victims": _case_victims,
    "case_reports": _case_reports,
    "sightings": _sightings,
    "relatives": _relatives,
    "dna_matches": _dna_matches,
}


def _checked(name: str, table: Table) -> Table:
    """``table``, whose columns must be the schema's, in its order."""
    expected = [c.name for c in RECORDS[name].columns]
    if table.header != expected:
        raise RuntimeError(f"{name}: columns {table.header} are not the schema's {expected}")
    return table


# ----------------------------------------------------------------- ground truth


def ground_truth_tables(w: World, texts: Texts) -> dict[str, Callable[[], Table]]:
    """A builder per ``ground_truth/<name>.csv``: the planted answers.

    Parameters
    ----------
    w, texts
        The world and its texts, as for :func:`input_tables`.

    Returns
    -------
    dict
        File name (without ``.csv``) -> a function of no arguments building its
        :class:`Table`, in the order the files are written and listed in the manifest.
    """
    return {name: partial(make, w, texts) for name, make in _TRUTH_TABLES.items()}


def _gangs_truth(w: World, texts: Texts) -> Table:
    allies = (
        np.strings.add(
            np.strings.add(texts.gang[w.gang_allies[:, 0]], "|"), texts.gang[w.gang_allies[:, 1]]
        )
        if w.ng > 1
        else np.full(w.ng, "")
    )
    return _static(
        "gangs",
        {
            "gang_id": texts.gang,
            "region": np.array(w.region_names)[w.gang_region],
            "city_id": texts.location[w.city_loc[w.gang_city]],
            "members": w.gang_size.astype(str),
            "leader_id": texts.person[w.gang_leader],
            "allies": allies,
        },
    )


def _gang_members_truth(w: World, texts: Texts) -> Table:
    P = texts.person
    gm_gang = np.concatenate([w.gang[w.members], w.broker_gang_g])
    gm_person = np.concatenate([w.members, w.brokers[w.broker_gang_b]])
    gm_role = np.concatenate(
        [np.array(GANG_ROLE_NAMES)[w.grole[w.members]], np.full(len(w.broker_gang_b), "broker")]
    )
    gm_boss = np.concatenate([w.boss[w.members], w.gang_leader[w.broker_gang_g]])
    o = np.lexsort((P[gm_person], gm_gang))
    return _static(
        "gang_members",
        {
            "gang_id": texts.gang[gm_gang[o]],
            "person_id": P[gm_person[o]],
            "role": gm_role[o],
            "reports_to": P[gm_boss[o]],
        },
    )


def _brokers_truth(w: World, texts: Texts) -> Table:
    bg: dict[int, list[str]] = {}
    for b, g in zip(w.broker_gang_b.tolist(), w.broker_gang_g.tolist(), strict=True):
        bg.setdefault(b, []).append(str(texts.gang[g]))
    return _static(
        "brokers",
        {
            "person_id": texts.person[w.brokers],
            "gang_ids": ["|".join(bg.get(b, [])) for b in range(len(w.brokers))],
        },
    )


def _people_truth(w: World, texts: Texts) -> Table:
    P = texts.person
    o = np.argsort(P, kind="stable")
    gang_text = np.append(texts.gang, "")[np.where(w.gang >= 0, w.gang, w.ng)]
    return _static(
        "people",
        {
            "person_id": P[o],
            "category": np.array(CATEGORY_NAMES)[w.cat[o]],
            "same_as": P[w.canon[o]],
            "gang_id": gang_text[o],
        },
    )


def _chains_truth(w: World, texts: Texts) -> Table:
    P = texts.person
    tr = np.lexsort((w.tr_hop, w.tr_abd))
    return _static(
        "chains",
        {
            "chain_id": texts.chain[w.tr_abd[tr]],
            "hop": w.tr_hop[tr].astype(str),
            "transfer_id": texts.transfer[tr],
            "victim_id": P[w.victims[w.tr_abd[tr]]],
            "from_id": P[w.tr_from[tr]],
            "to_id": P[w.tr_to[tr]],
            "from_role": np.array(CHAIN_ROLE_NAMES)[w.tr_from_role[tr]],
            "to_role": np.array(CHAIN_ROLE_NAMES)[w.tr_to_role[tr]],
            "at": texts.dt(w.tr_at[tr]),
            "location_id": texts.location[w.tr_loc[tr]],
            "case_id": texts.case[w.tr_case[tr]],
            "public": _true_false(w.tr_public[tr]),
        },
    )


def _abductions_truth(w: World, texts: Texts) -> Table:
    P = texts.person
    na = w.p.abductions
    buyer = w.chain_part[np.arange(na), w.abd_hops]
    src_region = w.gang_region[w.abd_gang]
    dst_region = w.city_region[w.city[buyer]]
    cases = [
        "|".join(str(texts.case[c]) for c in (a, b, m) if c >= 0)
        for a, b, m in zip(
            w.abd_case_a.tolist(), w.abd_case_b.tolist(), w.abd_case_m.tolist(), strict=True
        )
    ]
    return _static(
        "abductions",
        {
            "chain_id": texts.chain,
            "victim_id": P[w.victims],
            "victim_kind": np.where(w.abd_child, "child", "woman"),
            "abducted_at": texts.dt(w.abd_t),
            "location_id": texts.location[w.abd_loc],
            "gang_id": texts.gang[w.abd_gang],
            "buyer_gang_id": texts.gang[w.abd_dest_gang],
            "hops": w.abd_hops.astype(str),
            "buyer_id": P[buyer],
            "cross_gang": _true_false(w.abd_cross),
            "cross_region": _true_false(src_region != dst_region),
            "case_ids": cases,
        },
    )


def _phone_truth(w: World, texts: Texts, name: str, o: IntA, columns: Sequence[str]) -> Table:
    """Table ``name`` of the phones ``o``: the given ``columns`` of their true users."""
    transfer_text = np.append(texts.transfer, "")
    transfer = np.where(w.ph_op >= 0, w.ph_op, len(texts.transfer))  # burner: its transfer
    cells: dict[str, StrA] = {
        "number": texts.e164[o],
        "person_id": texts.person[w.ph_owner[o]],
        "kind": np.array(PHONE_KIND_NAMES)[w.ph_kind[o]],
        "since": texts.dt(w.ph_since[o]),
        "until": texts.dt_or_blank(w.ph_until[o]),
        "in_phone_users": _true_false(w.ph_known[o]),
        "transfer_id": transfer_text[transfer[o]],
    }
    return _static(name, {c: cells[c] for c in columns})


def _phones_truth(w: World, texts: Texts) -> Table:
    o = np.lexsort((w.ph_since, texts.person[w.ph_owner]))
    columns = ("number", "person_id", "kind", "since", "until", "in_phone_users", "transfer_id")
    return _phone_truth(w, texts, "phones", o, columns)


def _burners_truth(w: World, texts: Texts) -> Table:
    b = np.flatnonzero(w.ph_kind == BURNER)
    b = b[np.argsort(w.ph_since[b], kind="stable")]
    columns = ("number", "person_id", "since", "until", "transfer_id", "in_phone_users")
    return _phone_truth(w, texts, "burners", b, columns)


def _sim_swaps_truth(w: World, texts: Texts) -> Table:
    s = np.flatnonzero(w.ph_kind == SWAPPED)
    owner = w.ph_owner[s]
    return _static(
        "sim_swaps",
        {
            "person_id": texts.person[owner],
            "old_number": texts.e164[w.phone_a[owner]],
            "new_number": texts.e164[s],
            "at": texts.dt(w.ph_since[s]),
            "same_handset": _true_false(w.ph_handset[s] == w.phone_a[owner]),
            "new_in_phone_users": _true_false(w.ph_known[s]),
        },
    )


def _shared_phones_truth(w: World, texts: Texts) -> Table:
    sh = np.flatnonzero(w.shares)
    return _static(
        "shared_phones",
        {
            "number": texts.e164[w.phone_a[sh]],
            "owner_id": texts.person[w.share_host[sh]],
            "shared_with_id": texts.person[sh],
        },
    )


def _alias_clusters_truth(w: World, texts: Texts) -> Table:
    # every individual with more than one person record
    has_dup = np.unique(w.canon[w.dup_idx])
    members = np.concatenate([has_dup, w.dup_idx])
    cl = w.canon[members]
    o = np.lexsort((members, cl))
    members, cl = members[o], cl[o]
    cluster_rank = np.searchsorted(has_dup, cl)
    variant_names = np.array(["transliteration", "typo", "order", "alias"])
    variant = np.full(w.n_people, "original", dtype=object)
    variant[w.dup_idx] = variant_names[w.dup_variant]
    return _static(
        "alias_clusters",
        {
            "cluster_id": _ids("A", len(has_dup), 5)[cluster_rank] if len(has_dup) else [],
            "person_id": texts.person[members],
            "canonical": _true_false(members == cl),
            "variant": variant[members],
        },
    )


def _found_persons_truth(w: World, texts: Texts) -> Table:
    found_sample = np.full(w.n_people, -1, dtype=np.int64)
    found_sample[w.sample_person] = np.arange(len(w.sample_person))
    return _static(
        "found_persons",
        {
            "found_person_id": texts.person[w.found],
            "victim_id": texts.person[w.victims[w.found_abd]],
            "chain_id": texts.chain[w.found_abd],
            "found_at": texts.dt(w.found_at),
            "sample_id": texts.sample[found_sample[w.found]],
        },
    )


def _dna_matches_truth(w: World, texts: Texts) -> Table:
    return _static(
        "dna_matches",
        {
            "sample_id": texts.sample[w.match_a],
            "matched_sample_id": texts.sample[w.match_b],
            "score": _fmt_float(w.match_score, 4),
            "true_match": _true_false(w.match_true),
        },
    )


#: the ground-truth files, in the order they are written (and listed in the manifest)
_TRUTH_TABLES: dict[str, Callable[[World, Texts], Table]] = {
    "gangs": _gangs_truth,
    "gang_members": _gang_members_truth,
    "brokers": _brokers_truth,
    "people": _people_truth,
    "chains": _chains_truth,
    "abductions": _abductions_truth,
    "phones": _phones_truth,
    "burners": _burners_truth,
    "sim_swaps": _sim_swaps_truth,
    "shared_phones": _shared_phones_truth,
    "alias_clusters": _alias_clusters_truth,
    "found_persons": _found_persons_truth,
    "dna_matches": _dna_matches_truth,
}

"""Entity resolution: candidate SAME_AS links between Person records, never merged silently.

:func:`alias_candidates` scores pairs of person records on national id, birth date,
gender, name similarity (transliteration of Chinese characters to pinyin, a coarse
key that also matches Wade-Giles spellings, word order and typos, with ``rapidfuzz``),
shared phones and shared places, and returns the pairs above ``min_score`` with the
reasons and the records behind them.

Blocking (so that 1,000,000 people do not make 10^12 pairs): a pair is compared only
when the two records share at least one key:

* ``id``: the national id with any one character deleted (ids one substitution,
  insertion or deletion apart share a key; equal ids share all of them);
* ``dob+token``: the birth date and one name token's coarse key (catches typos,
  order, transliteration and nicknames of people born the same day);
* ``name``: all coarse name tokens, sorted (same name, birth date missing or typed
  wrong);
* ``phone``: a phone number both use.

Keys shared by more than ``max_block`` records (a very common name, a hub phone) are
skipped and counted in the provenance notes.

:func:`~netintel.investigate.readers.write_candidates` stores the candidates as
``(:Person)-[:SAME_AS {score, evidence, status: 'candidate'}]->(:Person)``; an
analyst's ``confirmed``/``rejected`` status is never overwritten. :func:`alias_clusters`
and :func:`collapse_aliases` turn confirmed links into clusters and, on request, merge
them in a networkx graph.

>>> import pandas as pd
>>> people = pd.DataFrame({
...     "person_id": ["P1", "P2", "P3"], "name": ["张伟", "Wei Zhang", "Li Na"],
...     "birth_date": ["1980-01-02", "1980-01-02", "1980-01-02"]})
>>> cands = alias_candidates(people)
>>> cands.table[["a", "b"]].values.tolist(), cands.table["reasons"][0][:2]
([['P1', 'P2']], ('birth_date equal', 'name similar 1.00 (张伟 ~ Wei Zhang)'))
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from netintel.algorithms.results import Stopwatch
from netintel.investigate._base import (
    Record,
    TableResult,
    frame_hash,
    objects,
    records_of,
    stamp,
)
from netintel.values import is_missing

__all__ = [
    "STATUSES",
    "WEIGHTS",
    "alias_candidates",
    "alias_clusters",
    "collapse_aliases",
    "name_forms",
    "name_key",
    "name_similarity",
    "score_aliases",
]

#: The statuses a SAME_AS link can have.
STATUSES = ("candidate", "confirmed", "rejected")

#: Log-odds weights of the evidence; the score is ``1 / (1 + exp(-(sum - bias)))``.
WEIGHTS: dict[str, float] = {
    "id_equal": 6.0,
    "id_near": 3.5,
    "id_differs": -5.0,
    "dob_equal": 2.5,
    "dob_near": 1.5,
    "dob_differs": -3.0,
    "gender_differs": -4.0,
    "name_scale": 10.0,  # times (similarity - name_pivot), clipped to name_min..name_max
    "name_pivot": 0.7,
    "name_min": -3.0,
    "name_max": 3.0,
    "phone": 2.5,
    "place": 0.5,
    "place_max": 1.0,
    "bias": 4.0,
}

#: similarity given to a one-word nickname that is one word of the other name
NICKNAME_SIMILARITY = 0.85

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
#: romanised nickname prefixes (阿, 老, 小) of Chinese names
_NICK = ("a", "lao", "xiao")
#: Wade-Giles / pinyin initials folded together (longest first)
_INITIALS = (
    ("tz", "c"),
    ("ts", "c"),
    ("ch", "c"),
    ("zh", "c"),
    ("hs", "s"),
    ("sh", "s"),
    ("hw", "hu"),
    ("x", "s"),
    ("q", "c"),
    ("j", "c"),
    ("z", "c"),
    ("k", "g"),
    ("p", "b"),
    ("t", "d"),
)
_FINALS = (("ieh", "ie"), ("ien", "ian"), ("ung", "ong"), ("ee", "i"), ("uo", "o"), ("ih", "i"))


def _ascii(text: str) -> str:
    from anyascii import anyascii

    return anyascii(text)


@lru_cache(maxsize=200_000)
def _pinyin_forms(text: str) -> tuple[tuple[str, ...], ...]:
    """Pinyin token forms of a name written in Chinese characters: surname + given."""
    from pypinyin import Style, lazy_pinyin, pinyin

    chars = [c for c in text if _CJK.match(c)]
    if not chars:
        return ()
    given = "".join(lazy_pinyin("".join(chars[1:]))) if len(chars) > 1 else ""
    readings = pinyin(chars[0], style=Style.NORMAL, heteronym=True)[0][:3]
    forms = []
    for r in dict.fromkeys(readings):
        forms.append((r, given) if given else (r,))
    return tuple(forms)


@lru_cache(maxsize=200_000)
def name_forms(name: str) -> tuple[tuple[str, ...], ...]:
    """The ways a name can be read: lowercase ASCII token tuples.

    Chinese characters become pinyin (surname, given name; a surname with several
    readings gives several forms); other scripts are transliterated with ``anyascii``.

    Parameters
    ----------
    name : str
        A name in any script.

    Returns
    -------
    tuple of tuples of str
        Each reading as its tokens, in name order (empty for a blank name).

    Examples
    --------
    >>> name_forms("曾伟")
    (('ceng', 'wei'), ('zeng', 'wei'))
    >>> name_forms("Müller-Lüdenscheidt, Hans")
    (('muller', 'ludenscheidt', 'hans'),)
    """
    if not name or not name.strip():
        return ()
    if _CJK.search(name):
        forms = list(_pinyin_forms(name))
        rest = _CJK.sub(" ", name)
        extra = tuple(t for t in _NON_ALNUM.split(_ascii(rest).lower()) if t)
        if extra:
            forms = [f + extra for f in forms]
        return tuple(forms)
    tokens = tuple(t for t in _NON_ALNUM.split(_ascii(name).lower()) if t)
    return (tokens,) if tokens else ()


@lru_cache(maxsize=200_000)
def name_key(token: str) -> str:
    """A coarse phonetic key of one romanised token that folds pinyin and Wade-Giles
    spellings together (and some English vowel doublings).

    Parameters
    ----------
    token : str
        One lowercase romanised token.

    Returns
    -------
    str
        Its key; spellings of one sound share it.

    Examples
    --------
    >>> name_key("zhang") == name_key("chang"), name_key("xie") == name_key("hsieh")
    (True, True)
    """
    t = token.lower().replace("'", "").replace("ü", "u")
    for a, b in _INITIALS:
        if t.startswith(a):
            t = b + t[len(a) :]
            break
    for a, b in _FINALS:
        t = t.replace(a, b)
    return t


def _key_form(form: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name_key(t) for t in form)


def _nick_forms(forms: Iterable[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Nickname readings: "Lao Song" / "老宋" -> ("song",)."""
    out = []
    for f in forms:
        if len(f) >= 2 and f[0] in _NICK:
            out.append(f[1:])
    return out


def name_similarity(a: str, b: str) -> float:
    """Similarity of two names in [0, 1], the best over their readings.

    Compares word-order-insensitive the pinyin/ASCII tokens (the better of
    ``token_sort_ratio`` and the Damerau-Levenshtein similarity of the sorted words,
    which forgives a swapped pair of letters) and their coarse keys (at 0.95, as they
    fold spellings).

    Parameters
    ----------
    a, b : str
        Two names, in any script (Chinese characters are read as pinyin).

    Returns
    -------
    float
        1.0 for the same name, lower the more they differ.

    Examples
    --------
    >>> name_similarity("周欣", "Chou Hsin") >= 0.9, name_similarity("Song Xin", "Xin Song")
    (True, 1.0)
    """
    return _forms_similarity(name_forms(a), name_forms(b))


def _forms_similarity(fa: Iterable[tuple[str, ...]], fb: Iterable[tuple[str, ...]]) -> float:
    from rapidfuzz import fuzz
    from rapidfuzz.distance import DamerauLevenshtein

    best = 0.0
    fb = list(fb)
    for x in fa:
        for y in fb:
            s = fuzz.token_sort_ratio(" ".join(x), " ".join(y)) / 100
            if s < 1.0:
                sx, sy = " ".join(sorted(x)), " ".join(sorted(y))
                s = max(s, DamerauLevenshtein.normalized_similarity(sx, sy))
                k = fuzz.token_sort_ratio(" ".join(_key_form(x)), " ".join(_key_form(y)))
                s = max(s, 0.95 * k / 100)
            if "".join(sorted(x)) == "".join(sorted(y)):
                s = 1.0
            best = max(best, s)
            if best >= 1.0:
                return 1.0
    return best


def _nick_match(nicks: Iterable[tuple[str, ...]], full: Iterable[tuple[str, ...]]) -> bool:
    """A one-word nickname ("Lao Song" -> ("song",)) that is a word of the full name."""
    keys = {name_key(t) for f in full if len(f) >= 2 for t in f}
    return any(len(n) == 1 and name_key(n[0]) in keys for n in nicks)


def _record_similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Name vs name or alias, alias vs name, nickname vs name; never alias vs alias
    (nicknames such as 阿勇 are shared by many)."""
    s = max(
        _forms_similarity(a["name"], [*b["name"], *b["alias"]]),
        _forms_similarity(a["alias"], b["name"]),
    )
    if s < NICKNAME_SIMILARITY and (
        _nick_match(a["nick"], b["name"]) or _nick_match(b["nick"], a["name"])
    ):
        s = NICKNAME_SIMILARITY
    return s


def _norm_id(value: Any) -> str | None:
    if is_missing(value):
        return None
    text = re.sub(r"[^0-9A-Za-z]", "", str(value)).upper()
    return text or None


def _norm_date(value: Any) -> date | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _one_apart(a: str, b: str) -> bool:
    """At most one substitution, insertion, deletion or adjacent transposition apart."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _dates_near(a: date, b: date) -> bool:
    if abs((a - b).days) <= 2:
        return True
    if (a.year, a.month, a.day) == (b.year, b.day, b.month):
        return True
    return _one_apart(a.isoformat(), b.isoformat())


def _split(value: Any) -> list[str]:
    if is_missing(value):
        return []
    if isinstance(value, list | tuple | np.ndarray):
        return [str(v) for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split("|") if v.strip()]


def _prepared(persons: pd.DataFrame) -> pd.DataFrame:
    if "person_id" not in persons:
        raise ValueError("persons frame lacks column person_id")
    p = persons.copy()
    for c in ("name", "aliases", "gender", "birth_date", "national_id", "source", "source_row"):
        if c not in p:
            p[c] = None
    p["person_id"] = p["person_id"].astype(str)
    p = p.drop_duplicates("person_id").reset_index(drop=True)
    p["_id"] = pd.Series([_norm_id(v) for v in p["national_id"]], dtype=object)
    p["_dob"] = pd.Series([_norm_date(v) for v in p["birth_date"]], dtype=object)
    p["_gender"] = pd.Series(
        [
            g.lower() if isinstance(g, str) and g.lower() in ("female", "male") else None
            for g in p["gender"]
        ],
        dtype=object,
    )
    names = p["name"].map(lambda v: "" if not isinstance(v, str) else v)
    p["_forms"] = names.map(lambda n: list(name_forms(n)))
    p["_alias_forms"] = p["aliases"].map(lambda v: [f for a in _split(v) for f in name_forms(a)])
    p["_nick_forms"] = objects(
        (_nick_forms(f + a) for f, a in zip(p["_forms"], p["_alias_forms"], strict=True)),
        p.index,
    )
    p["_all_forms"] = objects(
        (
            f + a + n
            for f, a, n in zip(p["_forms"], p["_alias_forms"], p["_nick_forms"], strict=True)
        ),
        p.index,
    )
    p["_names"] = objects(
        (
            {"name": f, "alias": a, "nick": n}
            for f, a, n in zip(p["_forms"], p["_alias_forms"], p["_nick_forms"], strict=True)
        ),
        p.index,
    )
    return p


def _keys(p: pd.DataFrame, phones: pd.DataFrame | None) -> pd.DataFrame:
    rows_i: list[int] = []
    keys: list[str] = []
    for i, nid, dob, forms in zip(p.index, p["_id"], p["_dob"], p["_all_forms"], strict=True):
        ks: set[str] = set()
        if isinstance(nid, str):
            ks.update(f"id:{nid[:j]}{nid[j + 1 :]}" for j in range(len(nid)))
        for f in forms:
            kf = _key_form(f)
            if isinstance(dob, date):
                ks.update(f"dob:{dob.isoformat()}:{t}" for t in kf)
            if len(kf) >= 2:
                ks.add("name:" + " ".join(sorted(kf)))
        rows_i.extend([i] * len(ks))
        keys.extend(ks)
    if phones is not None and len(phones):
        pos = pd.Series(p.index, index=p["person_id"])
        ph = phones[phones["person_id"].astype(str).isin(pos.index)]
        rows_i.extend(pos.loc[ph["person_id"].astype(str)].tolist())
        keys.extend("phone:" + ph["number"].astype(str))
    frame = pd.DataFrame({"i": np.asarray(rows_i, dtype=np.int64), "key": keys})
    frame["h"] = pd.util.hash_array(frame["key"].to_numpy(dtype=object))
    return frame.drop_duplicates(["i", "h"])


def _pairs(keys: pd.DataFrame, max_block: int) -> tuple[pd.DataFrame, int]:
    size = keys.groupby("h")["i"].transform("size")
    skipped = int(keys.loc[size > max_block, "h"].nunique())
    k = keys[(size > 1) & (size <= max_block)][["h", "i"]]
    j = k.merge(k, on="h", suffixes=("_a", "_b"))
    j = j[j["i_a"] < j["i_b"]]
    return j[["i_a", "i_b"]].drop_duplicates().reset_index(drop=True), skipped


def _linked(frame: pd.DataFrame | None, column: str, kind: str) -> dict[str, dict[str, Record]]:
    """person id -> {value of ``column``: its record} (the phones or places of each)."""
    out: dict[str, dict[str, Record]] = {}
    if frame is not None and len(frame):
        f = frame.assign(person_id=frame["person_id"].astype(str))
        for pid, grp in f.groupby("person_id"):
            out[str(pid)] = dict(
                zip(grp[column].astype(str), records_of(grp, kind, column), strict=True)
            )
    return out


def _id_points(a: str | None, b: str | None, w: Mapping[str, float]) -> tuple[float, list[str]]:
    """What two national ids say: equal, one character apart, or different."""
    if not (a and b):
        return 0.0, []
    if a == b:
        return w["id_equal"], ["national_id equal"]
    if _one_apart(a, b):
        return w["id_near"], ["national_id one character apart"]
    return w["id_differs"], ["national_id differs"]


def _dob_points(a: date | None, b: date | None, w: Mapping[str, float]) -> tuple[float, list[str]]:
    """What two birth dates say: equal, near (a typo), or different."""
    if a is None or b is None:
        return 0.0, []
    if a == b:
        return w["dob_equal"], ["birth_date equal"]
    if _dates_near(a, b):
        return w["dob_near"], [f"birth_date near ({a} ~ {b})"]
    return w["dob_differs"], [f"birth_date differs ({a} / {b})"]


@dataclass(frozen=True)
class _People:
    """The prepared person records, by row, with the phones and places of each person."""

    ids: list[str | None]
    dobs: list[date | None]
    genders: list[str | None]
    forms: list[Any]
    pids: list[Any]
    names: list[Any]
    recs: tuple[Record, ...]
    phones: dict[str, dict[str, Record]]
    places: dict[str, dict[str, Record]]

    @classmethod
    def of(
        cls, p: pd.DataFrame, phones: pd.DataFrame | None, places: pd.DataFrame | None
    ) -> _People:
        return cls(
            ids=[v if isinstance(v, str) else None for v in p["_id"]],
            dobs=[v if isinstance(v, date) else None for v in p["_dob"]],
            genders=[v if isinstance(v, str) else None for v in p["_gender"]],
            forms=p["_names"].tolist(),
            pids=p["person_id"].tolist(),
            names=p["name"].tolist(),
            recs=records_of(p, "person", "person_id"),
            phones=_linked(phones, "number", "uses"),
            places=_linked(places, "place", "sighting"),
        )

    def _name_points(self, ia: int, ib: int, w: Mapping[str, float]) -> tuple[float, float, str]:
        """Points, similarity and reason of the two names (0, 0, "" if one has none)."""
        fa, fb = self.forms[ia], self.forms[ib]
        if not (bool(fa["name"] or fa["alias"]) and bool(fb["name"] or fb["alias"])):
            return 0.0, 0.0, ""
        sim = _record_similarity(fa, fb)
        part = min(max(w["name_scale"] * (sim - w["name_pivot"]), w["name_min"]), w["name_max"])
        verdict = "similar" if part > 0 else "dissimilar"
        return part, sim, f"name {verdict} {sim:.2f} ({self.names[ia]} ~ {self.names[ib]})"

    def candidate(self, ia: int, ib: int, w: Mapping[str, float]) -> dict[str, Any]:
        """The row of the pair of records ``ia``, ``ib`` (``score`` not rounded)."""
        total = 0.0
        reasons: list[str] = []
        ev: list[Record] = [self.recs[ia], self.recs[ib]]
        for points, why in (
            _id_points(self.ids[ia], self.ids[ib], w),
            _dob_points(self.dobs[ia], self.dobs[ib], w),
        ):
            total += points
            reasons.extend(why)
        ga, gb = self.genders[ia], self.genders[ib]
        if ga and gb and ga != gb:
            total += w["gender_differs"]
            reasons.append("gender differs")
        part, sim, why_name = self._name_points(ia, ib, w)
        if why_name:
            total += part
            reasons.append(why_name)
        pa, pb = self.pids[ia], self.pids[ib]
        shared_ph = sorted(set(self.phones.get(pa, {})) & set(self.phones.get(pb, {})))
        if shared_ph:
            total += w["phone"]
            reasons.extend(f"shares phone {n}" for n in shared_ph)
            ev.extend(self.phones[pa][n] for n in shared_ph)
            ev.extend(self.phones[pb][n] for n in shared_ph)
        shared_pl = sorted(set(self.places.get(pa, {})) & set(self.places.get(pb, {})))
        if shared_pl:
            total += min(w["place"] * len(shared_pl), w["place_max"])
            reasons.append(f"seen at the same place(s) {', '.join(shared_pl)}")
            ev.extend(self.places[pa][x] for x in shared_pl)
            ev.extend(self.places[pb][x] for x in shared_pl)
        score = 1 / (1 + math.exp(-(total - w["bias"])))
        a, b = (pa, pb) if pa < pb else (pb, pa)
        return {
            "a": a,
            "b": b,
            "score": score,
            "name_similarity": round(sim, 6),
            "reasons": tuple(reasons),
            "evidence": tuple(ev),
        }


def alias_candidates(
    persons: pd.DataFrame,
    *,
    phones: pd.DataFrame | None = None,
    places: pd.DataFrame | None = None,
    min_score: float = 0.5,
    max_block: int = 1_000,
    weights: Mapping[str, float] | None = None,
) -> TableResult:
    """Scored candidate pairs of person records that may be the same individual.

    ``persons``: ``person_id, name, aliases, gender, birth_date, national_id`` (plus
    ``source, source_row``); ``aliases`` a list or ``|``-separated text. ``phones``:
    ``person_id, number`` (+ ``source, source_row``) of the USES records; ``places``:
    ``person_id, place`` (+ ``source, source_row``) of sightings (``location_id``, as in
    ``sightings.csv``, is taken as the place). ``weights`` overrides entries of
    :data:`WEIGHTS`.

    Columns ``a, b, score, name_similarity, reasons, evidence`` (``a < b``; best
    first); ``reasons`` are short texts ("national_id equal", "shares phone X"),
    ``evidence`` the records behind them (both person records, phone uses,
    sightings).

    Parameters
    ----------
    persons : DataFrame
        The person records (layout above).
    phones : DataFrame or None
        Who uses which number (None: phones are no evidence).
    places : DataFrame or None
        Who was seen where (None: places are no evidence).
    min_score : float
        The least score (in [0, 1]) a pair needs to be listed.
    max_block : int
        Blocking keys shared by more records are skipped.
    weights : mapping or None
        Overrides of :data:`WEIGHTS`.

    Returns
    -------
    TableResult
        The candidate pairs, best first, with provenance.
    """
    if not 0 <= min_score <= 1:
        raise ValueError(f"min_score must be in [0, 1], got {min_score}")
    w = {**WEIGHTS, **(weights or {})}
    sw = Stopwatch()
    p = _prepared(persons)
    pairs, skipped = _pairs(_keys(p, phones), max_block)
    if places is not None and "place" not in places and "location_id" in places:
        places = places.rename(columns={"location_id": "place"})
    people = _People.of(p, phones, places)
    rows = []
    for ia, ib in zip(pairs["i_a"].tolist(), pairs["i_b"].tolist(), strict=True):
        row = people.candidate(ia, ib, w)
        if row["score"] >= min_score:
            rows.append({**row, "score": round(row["score"], 6)})
    cols = ["a", "b", "score", "name_similarity", "reasons", "evidence"]
    table = pd.DataFrame(rows, columns=cols)
    table = table.sort_values(["score", "a", "b"], ascending=[False, True, True], ignore_index=True)
    params = {"min_score": min_score, "max_block": max_block, "weights": w}
    notes = [f"{len(pairs)} pairs compared", f"{skipped} blocking keys over max_block skipped"]
    frames = [persons] + [f for f in (phones, places) if f is not None]
    prov = stamp(
        sw,
        "alias_candidates",
        params,
        frame_hash(*[f.astype(str) for f in frames]),
        packages=("rapidfuzz", "pypinyin", "anyascii"),
        notes=notes,
    )
    return TableResult(table, prov)


def score_aliases(
    candidates: pd.DataFrame | TableResult, truth: Iterable[Iterable[str]]
) -> dict[str, float]:
    """Pairwise precision and recall of candidate pairs against true clusters.

    Parameters
    ----------
    candidates : DataFrame or TableResult
        Pairs ``a, b``.
    truth : iterable of iterables of str
        The true clusters (each one individual's records).

    Returns
    -------
    dict
        ``precision``, ``recall``, ``predicted`` (pairs) and ``true`` (pairs).

    Examples
    --------
    >>> score_aliases(pd.DataFrame({"a": ["P1"], "b": ["P2"]}), [["P1", "P2", "P3"]])
    {'precision': 1.0, 'recall': 0.3333333333333333, 'predicted': 1, 'true': 3}
    """
    table = candidates.table if isinstance(candidates, TableResult) else candidates
    pred = {tuple(sorted((str(a), str(b)))) for a, b in zip(table["a"], table["b"], strict=True)}
    true: set[tuple[str, ...]] = set()
    for cluster in truth:
        members = sorted(set(map(str, cluster)))
        true.update((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    tp = len(pred & true)
    return {
        "precision": tp / len(pred) if pred else 1.0,
        "recall": tp / len(true) if true else 1.0,
        "predicted": len(pred),
        "true": len(true),
    }


# ------------------------------------------------------------------ clusters


def alias_clusters(
    links: pd.DataFrame | Iterable[tuple[Hashable, Hashable]],
) -> list[frozenset[Hashable]]:
    """Connected groups of records joined by (confirmed) SAME_AS links, largest first.

    Parameters
    ----------
    links : DataFrame or iterable of pairs
        Links ``a, b`` (a frame with those columns, or pairs).

    Returns
    -------
    list of frozenset
        The clusters, largest first (ties: by smallest member).

    Examples
    --------
    >>> [sorted(c) for c in alias_clusters([("P1", "P2"), ("P2", "P3"), ("P7", "P8")])]
    [['P1', 'P2', 'P3'], ['P7', 'P8']]
    """
    pairs = (
        list(zip(links["a"], links["b"], strict=True))
        if isinstance(links, pd.DataFrame)
        else list(links)
    )
    G = nx.Graph(pairs)
    comps = [frozenset(c) for c in nx.connected_components(G)]
    return sorted(comps, key=lambda c: (-len(c), sorted(map(str, c))))


def collapse_aliases(
    G: nx.Graph, clusters: Iterable[Iterable[Hashable]], *, weight: str = "weight"
) -> nx.Graph:
    """A copy of ``G`` with each cluster merged into one node (its smallest id).

    The merged node gets ``members`` (all records of the cluster); edges between
    merged nodes are combined, summing ``weight`` (1 where missing); edges inside a
    cluster disappear. Nodes of ``G`` not in any cluster stay as they are.

    Parameters
    ----------
    G : networkx.Graph
        The graph (any networkx graph class).
    clusters : iterable of iterables
        Groups of nodes that are one individual (:func:`alias_clusters`).
    weight : str
        The edge attribute summed when edges are combined.

    Returns
    -------
    networkx.Graph
        A new graph of the same class.

    Examples
    --------
    >>> H = collapse_aliases(nx.Graph([("P1", "X"), ("P2", "X"), ("P1", "P2")]), [["P1", "P2"]])
    >>> sorted(H.edges(data="weight")), H.nodes["P1"]["members"]
    ([('P1', 'X', 2.0)], ('P1', 'P2'))
    """
    rep: dict[Hashable, Hashable] = {}
    members: dict[Hashable, tuple[Hashable, ...]] = {}
    for cluster in clusters:
        nodes = sorted(set(cluster), key=str)
        present = [n for n in nodes if n in G]
        if not present:
            continue
        head = present[0]
        for n in nodes:
            rep[n] = head
        members[head] = tuple(nodes)
    H: nx.Graph = G.__class__()
    for n, data in G.nodes(data=True):
        r = rep.get(n, n)
        if r not in H:
            H.add_node(r, **data)
    for r, ms in members.items():
        H.nodes[r]["members"] = ms
    for u, v, data in G.edges(data=True):
        ru, rv = rep.get(u, u), rep.get(v, v)
        if ru == rv:
            continue
        wgt = float(data.get(weight, 1.0))
        if H.is_multigraph():
            H.add_edge(ru, rv, **data)
        elif H.has_edge(ru, rv):
            H[ru][rv][weight] = H[ru][rv].get(weight, 0.0) + wgt
        else:
            H.add_edge(ru, rv, **{**data, weight: wgt})
    return H

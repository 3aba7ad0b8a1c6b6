"""Turn text cells into typed, normalised values, one column at a time.

Each converter takes a Series of strings (or None) and returns the converted
Series and a Series of reasons, None where the cell is fine. Work is done on the
distinct values of a column, so a million call records with a few thousand
distinct numbers cost a few thousand parses.

>>> import pandas as pd
>>> values, errors = to_phone(pd.Series(["020 7946 0018", "12", None]), region="GB")
>>> list(values)
['+442079460018', None, None]
>>> errors[1]
"'12' is not a valid phone number (region GB)"
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

import pandas as pd
import phonenumbers

from netintel.schema import PropType

__all__ = ["clean_text", "convert", "to_phone"]

Converted = tuple[pd.Series, pd.Series]

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}


def clean_text(value: str | None) -> str | None:
    """Unicode NFC, trimmed, inner whitespace collapsed; empty becomes None."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(unicodedata.normalize("NFC", str(value)).split())
    return text or None


def _texts(series: pd.Series) -> list[str | None]:
    return [clean_text(v) for v in series.tolist()]


def _series(values: list[Any], like: pd.Series) -> pd.Series:
    return pd.Series(values, index=like.index, dtype=object)


def _by_distinct(series: pd.Series, fn: Callable[[str], Any]) -> Converted:
    """Apply ``fn`` (value -> converted, raising ValueError with a reason) per distinct value."""
    text = _texts(series)
    good: dict[str, Any] = {}
    bad: dict[str, str] = {}
    for v in set(text):
        if v is None:
            continue
        try:
            good[v] = fn(v)
        except ValueError as err:
            bad[v] = str(err)
    values = [None if v is None else good.get(v) for v in text]
    errors = [None if v is None else bad.get(v) for v in text]
    return _series(values, series), _series(errors, series)


def to_phone(series: pd.Series, *, region: str | None = None, raw: bool = False) -> Converted:
    """Phone numbers to E.164 with ``phonenumbers`` (``raw``: keep identifiers as given)."""
    if raw:
        return _by_distinct(series, lambda v: v)

    def parse(v: str) -> str:
        try:
            num = phonenumbers.parse(v, region)
        except phonenumbers.NumberParseException:
            num = None
        if num is None or not phonenumbers.is_valid_number(num):
            raise ValueError(f"{v!r} is not a valid phone number (region {region or 'none'})")
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)

    return _by_distinct(series, parse)


_OFFSET = r"(?:[+-]\d\d:?\d\d|Z)$"


def _to_datetime(series: pd.Series, fmt: str | None, tz: str, *, date_only: bool) -> Converted:
    """Dates to ``datetime.date``; date-times to timezone-aware UTC ``datetime``.

    Naive date-times are taken in ``tz``; values with an offset keep their instant.
    """
    text = pd.Series(_texts(series), index=series.index, dtype=object)
    present = text.notna()
    kind = "date" if date_only else "date-time"
    expect = f"format {fmt!r}" if fmt else "ISO 8601"
    fmt_ = fmt or "ISO8601"
    if date_only:
        parsed = pd.to_datetime(text, format=fmt_, errors="coerce")
        values = pd.Series(
            [None if pd.isna(t) else t.date() for t in parsed], index=series.index, dtype=object
        )
    else:
        parsed = pd.to_datetime(text, format=fmt_, errors="coerce", utc=True)
        naive = present & ~text.str.contains(_OFFSET, regex=True, na=False)
        if tz != "UTC" and naive.any():
            local = pd.to_datetime(text[naive], format=fmt_, errors="coerce")
            if getattr(local.dt, "tz", None) is None:
                local = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            parsed.loc[naive] = local.dt.tz_convert("UTC")
        values = pd.Series(
            [None if pd.isna(t) else t.to_pydatetime() for t in parsed],
            index=series.index,
            dtype=object,
        )
    failed = present & parsed.isna()
    errors = [
        f"{v!r} is not a {kind} in {expect}" if f else None
        for v, f in zip(text.tolist(), failed.tolist(), strict=True)
    ]
    return values, _series(errors, series)


def _to_number(series: pd.Series, integer: bool) -> Converted:
    text = pd.Series(_texts(series), index=series.index, dtype=object)
    nums = pd.to_numeric(text, errors="coerce")
    failed = text.notna() & nums.isna()
    if integer:
        failed |= nums.notna() & (nums % 1 != 0)
    kind = "a whole number" if integer else "a number"
    cast = int if integer else float
    values = [
        None if f or pd.isna(x) else cast(x)
        for x, f in zip(nums.tolist(), failed.tolist(), strict=True)
    ]
    errors = [
        f"{v!r} is not {kind}" if f else None
        for v, f in zip(text.tolist(), failed.tolist(), strict=True)
    ]
    return _series(values, series), _series(errors, series)


def _to_bool(v: str) -> bool:
    low = v.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{v!r} is not true/false (or yes/no, 1/0)")


def _enum(choices: tuple[str, ...]) -> Callable[[str], str]:
    canon = {c.lower(): c for c in choices}

    def fn(v: str) -> str:
        return canon.get(v.lower().replace("_", " ").replace("-", " ")) or canon.get(v.lower(), v)

    return fn


def _list(choices: tuple[str, ...]) -> Callable[[str], list[str]]:
    canon = _enum(choices) if choices else (lambda v: v)

    def fn(v: str) -> list[str]:
        return [canon(x) for x in (p.strip() for p in v.split("|")) if x]

    return fn


def convert(
    series: pd.Series,
    type_: PropType,
    *,
    fmt: str | None = None,
    tz: str = "UTC",
    phone_region: str | None = None,
    phone_raw: bool = False,
    choices: tuple[str, ...] = (),
) -> Converted:
    """Convert one column to its schema type; see the module doc for the contract."""
    if type_ == "phone":
        return to_phone(series, region=phone_region, raw=phone_raw)
    if type_ in ("date", "datetime"):
        return _to_datetime(series, fmt, tz, date_only=type_ == "date")
    if type_ in ("int", "float"):
        return _to_number(series, integer=type_ == "int")
    if type_ == "bool":
        return _by_distinct(series, _to_bool)
    if type_ == "enum":
        return _by_distinct(series, _enum(choices))
    if type_ == "list":
        return _by_distinct(series, _list(choices))
    return _by_distinct(series, lambda v: v)

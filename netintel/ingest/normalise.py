"""Turn text cells into typed, normalised values, one column at a time.

Each converter takes a Series of strings (or None) and returns the converted
Series and a Series of reasons, None where the cell is fine. Work is done once
per distinct value (``pandas.factorize``), so a million call records with a few
thousand distinct numbers cost a few thousand parses.

Date-times come back as ``datetime64[ms, UTC]`` (NaT where missing), dates as
``datetime64[ms]`` (milliseconds, so that any year from 1 to 9999 fits); everything
else as Python objects with None where missing.

Enumerations, booleans and lists can first go through a :class:`ValueMap` (the
mapping file's ``values``), which translates source values (``男``) into schema
values (``male``); a value that is neither mapped nor valid is rejected with the
mapping key that would fix it.

>>> import pandas as pd
>>> values, errors = to_phone(pd.Series(["020 7946 0018", "12", None]), region="GB")
>>> list(values)
['+442079460018', None, None]
>>> errors[1]
"'12' is not a valid phone number (region GB)"
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from netintel.phones import phone_key
from netintel.schema import PropType

__all__ = ["TEMPORAL", "ValueMap", "clean_text", "convert", "schema_value", "to_phone"]

Converted = tuple[pd.Series, pd.Series]

#: What to do with a local time that a daylight saving change makes happen twice.
Ambiguous = Literal["earlier", "later", "reject"]

#: Types whose converted values are datetime64 Series.
TEMPORAL = ("date", "datetime")

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_OFFSET = r"(?:[+-]\d\d:?\d\d|Z)$"


def clean_text(value: object) -> str | None:
    """Unicode NFC, trimmed, inner whitespace collapsed; empty becomes None.

    Parameters
    ----------
    value : object
        A cell's value (taken as ``str``; None and NaN stay missing).

    Returns
    -------
    str or None
        The cleaned text; None when it is empty or missing.

    Examples
    --------
    >>> clean_text("  Wang \\u00a0 Wei ")
    'Wang Wei'
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    # fast path: plain ASCII with single inner spaces is already clean (and NFC)
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip(" ") or None
    text = " ".join(unicodedata.normalize("NFC", text).split())
    return text or None


def _already_clean(uniques: np.ndarray) -> bool:
    """True when every value is a non-empty ASCII string that :func:`clean_text` keeps as is.

    One check over all values joined (C speed), instead of one call per value.
    """
    if not len(uniques) or pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        return False
    joined = "\x00".join(uniques)
    return (
        joined.isascii()
        and joined.replace("\x00", "").isprintable()
        and "  " not in joined
        and "\x00 " not in joined
        and " \x00" not in joined
        and "\x00\x00" not in joined
        and joined[:1] not in ("", " ", "\x00")
        and joined[-1:] not in (" ", "\x00")
    )


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[str | None]]:
    """Codes into the cleaned distinct values; code -1 means missing."""
    codes, uniques = pd.factorize(series.astype(object), use_na_sentinel=True)
    if _already_clean(np.asarray(uniques)):
        return codes, list(uniques)
    return codes, [clean_text(u) for u in uniques]


def _take(per_unique: list[Any], codes: np.ndarray, like: pd.Series) -> pd.Series:
    table = np.empty(len(per_unique) + 1, dtype=object)
    table[: len(per_unique)] = per_unique
    table[-1] = None  # code -1: the cell was missing
    return pd.Series(table[codes], index=like.index, dtype=object)


def _by_distinct(series: pd.Series, fn: Callable[[str], Any]) -> Converted:
    """Apply ``fn`` (value -> converted, raising ValueError with a reason) per distinct value."""
    codes, cleaned = _distinct(series)
    values: list[Any] = []
    errors: list[str | None] = []
    for v in cleaned:
        if v is None:
            values.append(None)
            errors.append(None)
            continue
        try:
            values.append(fn(v))
            errors.append(None)
        except ValueError as err:
            values.append(None)
            errors.append(str(err))
    return _take(values, codes, series), _take(errors, codes, series)


def to_phone(series: pd.Series, *, region: str | None = None, raw: bool = False) -> Converted:
    """Phone numbers to E.164 keys (:func:`netintel.phones.phone_key`: an extension kept
    as ``;ext=N``); ``raw``: keep identifiers as given.

    Parameters
    ----------
    series : pandas.Series
        The column, strings or None.
    region : str or None, default None
        Region of national numbers.
    raw : bool, default False
        Keep values that are not valid numbers as given instead of rejecting them.

    Returns
    -------
    tuple of pandas.Series
        The converted values and the reasons (None where the cell is fine).
    """
    if raw:
        return _by_distinct(series, lambda v: v)
    return _by_distinct(series, lambda v: phone_key(v, region))


def _at_dst_change(naive: datetime, text: str, tz: str, ambiguous: Ambiguous) -> datetime:
    """The UTC instant of a local time that a daylight saving change skips or repeats.

    A skipped time (the clocks jump over it) is always rejected; a repeated one is taken
    at its earlier or later instant, or rejected, as ``ambiguous`` says.
    """
    zone = ZoneInfo(tz)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError(f"{text!r} does not exist in {tz} (skipped by the daylight saving change)")
    earlier, later = sorted((first, second))
    if ambiguous == "earlier":
        return earlier
    if ambiguous == "later":
        return later
    raise ValueError(
        f"{text!r} is ambiguous in {tz}: the daylight saving change repeats that hour "
        f"({earlier:%H:%M} or {later:%H:%M} UTC); set ambiguous: earlier or later in the mapping"
    )


def _one_time(value: Any, fmt: str) -> pd.Timestamp | None:
    """``value`` read alone in ``fmt`` (with its offset, if any); None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        stamp = pd.to_datetime(value, format=fmt)
    except (ValueError, OverflowError):
        return None
    return None if pd.isna(stamp) else stamp


def _has_offset(value: Any, fmt: str) -> bool:
    """Whether ``value`` reads, in ``fmt``, as a date-time with an offset."""
    stamp = _one_time(value, fmt)
    return stamp is not None and stamp.tzinfo is not None


def _wall_date(value: Any, fmt: str) -> str | None:
    """The calendar date ``value`` reads as in ``fmt``, where it is (its offset dropped),
    as ISO text; None when it is not one."""
    stamp = _one_time(value, fmt)
    return None if stamp is None else stamp.strftime("%Y-%m-%d")


def _to_datetime(
    series: pd.Series,
    fmt: str | None,
    tz: str,
    *,
    date_only: bool,
    ambiguous: Ambiguous = "reject",
) -> Converted:
    """Dates to ``datetime64[ms]``; date-times to ``datetime64[ms, UTC]``, to the millisecond
    (what the graph stores).

    Naive date-times are taken in ``tz``; values with an offset keep their instant.
    A naive time a daylight saving change skips is rejected, one it repeats is resolved
    by ``ambiguous`` (:func:`_at_dst_change`).
    """
    codes, cleaned = _distinct(series)
    text = pd.Series(cleaned, dtype=object)
    present = text.notna()
    kind = "date" if date_only else "date-time"
    expect = f"format {fmt!r}" if fmt else "ISO 8601"
    fmt_ = fmt or "ISO8601"
    dst: dict[int, str] = {}  # position in ``cleaned`` -> why the daylight saving change rejects it
    if date_only:
        try:
            parsed = pd.to_datetime(text, format=fmt_, errors="coerce").dt.normalize()
        except ValueError:  # dates with and without offsets: each its own calendar date
            parsed = pd.to_datetime(text.map(lambda v: _wall_date(v, fmt_)), errors="coerce")
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
    else:
        parsed = pd.to_datetime(text, format=fmt_, errors="coerce", utc=True)
        naive = present & ~text.str.contains(_OFFSET, regex=True, na=False)
        if tz != "UTC" and naive.any():
            try:
                local = pd.to_datetime(text[naive], format=fmt_, errors="coerce")
            except ValueError:  # offsets the pattern does not see ("+08"): they keep theirs
                aware = text[naive].map(lambda v: _has_offset(v, fmt_)).astype(bool)
                naive = naive & ~aware.reindex(text.index, fill_value=False)
                local = pd.to_datetime(text[naive], format=fmt_, errors="coerce")
            if getattr(local.dt, "tz", None) is None:
                zoned = local.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
                at_change = local.notna() & zoned.isna()
                for pos in at_change.index[at_change].tolist():
                    try:
                        instant = _at_dst_change(
                            local[pos].to_pydatetime(), cleaned[pos] or "", tz, ambiguous
                        )
                        zoned[pos] = pd.Timestamp(instant).tz_convert(tz)
                    except ValueError as err:
                        dst[pos] = str(err)
                local = zoned
            parsed.loc[naive] = local.dt.tz_convert("UTC")
    if not date_only:
        # the graph keeps date-times to the millisecond: keys are compared as stored, so two
        # rows that differ below a millisecond are a duplicate (or a conflict), never a
        # record counted as loaded and then merged into another one by the database
        parsed = parsed.dt.floor("ms")
    # milliseconds, not pandas' nanoseconds: dates before 1677 or after 2262 are dates too
    parsed = parsed.astype("datetime64[ms, UTC]" if not date_only else "datetime64[ms]")
    failed = (present & parsed.isna()).tolist()
    errors = [
        dst.get(i, f"{v!r} is not a {kind} in {expect}") if f else None
        for i, (v, f) in enumerate(zip(cleaned, failed, strict=True))
    ]
    # index datetime64 values (naive UTC), not Timestamp objects; code -1 picks the NaT
    utc = parsed if date_only else parsed.dt.tz_convert(None)
    table = np.append(utc.to_numpy(dtype="datetime64[ms]"), np.datetime64("NaT", "ms"))
    values = pd.Series(table[codes], index=series.index)
    if not date_only:
        values = values.dt.tz_localize("UTC")
    return values, _take(errors, codes, series)


def _as_text(series: pd.Series) -> Converted:
    """Text: cleaned, never an error."""
    codes, cleaned = _distinct(series)
    return _take(cleaned, codes, series), pd.Series(
        np.full(len(series), None, dtype=object), index=series.index, dtype=object
    )


_DIGITS = re.compile(r"[+-]?[0-9]+")


def _to_number(series: pd.Series, integer: bool) -> Converted:
    codes, cleaned = _distinct(series)
    nums = pd.to_numeric(pd.Series(cleaned, dtype=object), errors="coerce")
    failed = pd.Series(cleaned, dtype=object).notna() & nums.isna()
    if integer:
        failed |= nums.notna() & (nums % 1 != 0)
    kind = "a whole number" if integer else "a number"
    cast = int if integer else float
    values = [
        None if f or pd.isna(x) else cast(x)
        for x, f in zip(nums.tolist(), failed.tolist(), strict=True)
    ]
    if integer:  # digits are read exactly: pandas makes floats of them beside a large one
        values = [
            int(text) if v is not None and isinstance(text, str) and _DIGITS.fullmatch(text) else v
            for text, v in zip(cleaned, values, strict=True)
        ]
    errors = [
        f"{v!r} is not {kind}" if f else None for v, f in zip(cleaned, failed.tolist(), strict=True)
    ]
    return _take(values, codes, series), _take(errors, codes, series)


@dataclass(frozen=True)
class ValueMap:
    """How one field's source values become schema values: the mapping's ``values``.

    ``table`` maps a source value (cleaned as cells are: NFC, trimmed) to a schema
    value, or to None to leave the cell empty. A value not in the table is looked up
    ignoring case, then kept when it is already a valid schema value (``male`` stays
    ``male``), else replaced by ``default`` when there is one, else rejected with a
    reason naming the value and the mapping key to add.

    >>> import pandas as pd
    >>> genders = ValueMap("gender", {"男": "male", "女": "female"})
    >>> values, errors = convert(
    ...     pd.Series(["男", "female", "未知"]), "enum",
    ...     choices=("female", "male", "unknown"), field="gender", values=genders,
    ... )
    >>> list(values)
    ['male', 'female', None]
    >>> print(errors[2].replace("; ", "\\n"))
    '未知' is not one of the gender values (female, male, unknown)
    add it to values.gender in the mapping
    """

    field: str
    table: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    #: what an unmapped, invalid value becomes (when ``has_default``; None: empty)
    default: Any = None
    has_default: bool = False

    @cached_property
    def _folded(self) -> dict[str, Any]:
        return {k.casefold(): v for k, v in reversed(list(self.table.items()))}

    def lookup(self, value: str) -> tuple[bool, Any]:
        """``(True, schema value)`` when the table maps ``value``, else ``(False, None)``."""
        if value in self.table:
            return True, self.table[value]
        folded = value.casefold()
        if folded in self._folded:
            return True, self._folded[folded]
        return False, None


def _hint(field: str) -> str:
    return f"; add it to values.{field} in the mapping" if field else ""


def _to_bool(v: str, field: str = "") -> bool:
    low = v.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"{v!r} is not true/false (or yes/no, 1/0){_hint(field)}")


def _canonical(choices: tuple[str, ...], field: str = "") -> Callable[[str], str]:
    """Match case-insensitively (and ``_``/``-`` as spaces) onto the canonical choice;
    a value that matches none raises ValueError."""
    canon = {c.lower(): c for c in choices}
    loose = {c.lower().replace("_", " ").replace("-", " "): c for c in choices}
    what = f"one of the {field} values" if field else "one of"
    listed = f" ({', '.join(choices)})" if field else f": {', '.join(choices)}"

    def fn(v: str) -> str:
        low = v.lower()
        found = canon.get(low) or loose.get(low.replace("_", " ").replace("-", " "))
        if found is None:
            raise ValueError(f"{v!r} is not {what}{listed}{_hint(field)}")
        return found

    return fn


def _mapped(parse: Callable[[str], Any], vmap: ValueMap | None) -> Callable[[str], Any]:
    """``parse`` behind the value map: mapped first, then valid as is, then the default."""
    if vmap is None:
        return parse

    def fn(v: str) -> Any:
        found, target = vmap.lookup(v)
        if found:
            return target
        try:
            return parse(v)
        except ValueError:
            if vmap.has_default:
                return vmap.default
            raise

    return fn


def _list(
    choices: tuple[str, ...], field: str = "", vmap: ValueMap | None = None
) -> Callable[[str], list[Any] | None]:
    """``a|b|c`` to a list; each item through the value map and the choices."""
    item = _mapped(_canonical(choices, field) if choices else (lambda v: v), vmap)

    def fn(v: str) -> list[Any] | None:
        items = [item(x) for x in (p.strip() for p in v.split("|")) if x]
        out = list(dict.fromkeys(x for x in items if x is not None))
        return out or None

    return fn


def schema_value(value: object, type_: PropType, choices: tuple[str, ...] = ()) -> Any:
    """A value written in a mapping file (a target of ``values``) as the schema stores it.

    Raises ValueError when it is not a valid value of the field; None stays None.

    Parameters
    ----------
    value : object
        The value from the mapping file.
    type_ : str
        The field's schema type (:data:`netintel.schema.PropType`).
    choices : tuple of str, default ()
        The allowed values of an ``enum`` field.

    Returns
    -------
    object
        The value as stored; None for None.

    Raises
    ------
    ValueError
        When ``value`` is not a valid value of the field.

    Examples
    --------
    >>> schema_value("At_Large", "enum", ("at large", "arrested"))
    'at large'
    >>> schema_value("yes", "bool")
    True
    """
    if value is None:
        return None
    if type_ == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            return _to_bool(value)
        raise ValueError(f"{value!r} is not true/false")
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text (quote it in the YAML)")
    text = clean_text(value)
    if text is None:
        raise ValueError("an empty value (use null to leave the cell empty)")
    return _canonical(choices)(text) if choices else text


def convert(
    series: pd.Series,
    type_: PropType,
    *,
    fmt: str | None = None,
    tz: str = "UTC",
    phone_region: str | None = None,
    phone_raw: bool = False,
    choices: tuple[str, ...] = (),
    field: str = "",
    values: ValueMap | None = None,
    ambiguous: Ambiguous = "reject",
) -> Converted:
    """Convert one column to its schema type; see the module doc for the contract.

    ``field`` names the schema field in reject reasons (and the mapping key that would
    translate a value); ``values`` translates enum, bool and list values first;
    ``ambiguous`` resolves naive date-times that a daylight saving change repeats.

    Parameters
    ----------
    series : pandas.Series
        The column, strings or None.
    type_ : str
        The field's schema type (:data:`netintel.schema.PropType`).
    fmt : str or None, default None
        A ``strftime`` format for dates and date-times; None means ISO 8601.
    tz : str, default "UTC"
        Time zone of naive date-times.
    phone_region : str or None, default None
        Region of national phone numbers.
    phone_raw : bool, default False
        Keep phone values that are not valid numbers as given.
    choices : tuple of str, default ()
        The allowed values of an ``enum`` field.
    field : str, default ""
        The schema field's name, for reject reasons.
    values : mapping or None, default None
        Translations of enum, bool and list values, applied first.
    ambiguous : {"earlier", "later", "reject"}, default "reject"
        What a local time repeated by a daylight saving change becomes.

    Returns
    -------
    tuple of pandas.Series
        The converted values and the reasons (None where the cell is fine).
    """
    if type_ == "phone":
        return to_phone(series, region=phone_region, raw=phone_raw)
    if type_ in TEMPORAL:
        return _to_datetime(series, fmt, tz, date_only=type_ == "date", ambiguous=ambiguous)
    if type_ in ("int", "float"):
        return _to_number(series, integer=type_ == "int")
    if type_ == "bool":
        return _by_distinct(series, _mapped(lambda v: _to_bool(v, field), values))
    if type_ == "enum":
        return _by_distinct(series, _mapped(_canonical(choices, field), values))
    if type_ == "list":
        return _by_distinct(series, _list(choices, field, values))
    return _as_text(series)

"""Times shown in the case's local time zone, with the zone said; UTC stays stored.

Neo4j holds every time in UTC. Whatever shows a time to a person (a report, a chain
or path table, a map tooltip, an export) converts it here, so a 02:10 hand-over in
Shanghai reads 02:10, not 18:10 the day before:

* :func:`zone` - a time zone by name (``None`` and ``""`` are UTC);
* :func:`to_local` - one time (pandas, datetime, neo4j, epoch milliseconds) in a zone;
* :func:`format_local` - one time as text with its zone, e.g. ``2023-05-02 02:10 CST (+08:00)``,
  or with ``named=True`` (maps) ``2023-05-02 02:10 CST (+08:00) Asia/Shanghai``;
* :func:`zone_periods` - the spans of one offset and abbreviation between two times, for a
  page that formats times itself (the map's timeline) exactly as :func:`format_local` does;
* :func:`localize` - a frame whose time columns are in a zone, plus a ``timezone`` column.

Which zone a case is in comes from its ingest:
:func:`netintel.investigate.case_timezone`.

>>> format_local(pd.Timestamp("2023-05-01T18:10Z"), "Asia/Shanghai")
'2023-05-02 02:10 CST (+08:00)'
>>> format_local(pd.Timestamp("2023-05-01T18:10Z"), None)
'2023-05-01 18:10 UTC (+00:00)'
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Iterable
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from netintel.values import is_missing

__all__ = [
    "format_local",
    "is_time",
    "localize",
    "to_local",
    "zone",
    "zone_label",
    "zone_name",
    "zone_periods",
]


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai or Europe/Rome)"
        ) from None


def zone(tz: str | dt.tzinfo | None) -> dt.tzinfo:
    """The time zone ``tz`` (an IANA name or a tzinfo); ``None`` or ``""`` is UTC.

    Parameters
    ----------
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.

    Returns
    -------
    datetime.tzinfo
        ``tz`` itself when it is a tzinfo, else the ``zoneinfo.ZoneInfo`` of that name.

    Raises
    ------
    ValueError
        When ``tz`` names no known zone.

    Examples
    --------
    >>> zone("Asia/Shanghai"), zone(None)
    (zoneinfo.ZoneInfo(key='Asia/Shanghai'), zoneinfo.ZoneInfo(key='UTC'))
    >>> zone("Mars/Olympus")
    Traceback (most recent call last):
    ...
    ValueError: unknown time zone 'Mars/Olympus' (an IANA name such as Asia/Shanghai or Europe/Rome)
    """
    if isinstance(tz, dt.tzinfo):
        return tz
    return _zone(str(tz) if tz else "UTC")


def zone_name(tz: str | dt.tzinfo | None) -> str:
    """The name of ``tz`` (``"UTC"`` for ``None``).

    Parameters
    ----------
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.

    Returns
    -------
    str
        The zone's IANA key, or its ``str()`` for a tzinfo without one.

    Raises
    ------
    ValueError
        When ``tz`` names no known zone.

    Examples
    --------
    >>> zone_name(None), zone_name("Europe/Rome")
    ('UTC', 'Europe/Rome')
    """
    z = zone(tz)
    return str(getattr(z, "key", None) or z)


def is_time(value: Any) -> bool:
    """True for a point in time netintel shows: a datetime (not a date) or a neo4j DateTime.

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    bool
        True for a present (not NaT) ``datetime.datetime`` or pandas Timestamp, or a
        ``neo4j.time`` value that converts to a native one; False otherwise.

    Examples
    --------
    >>> is_time(dt.datetime(2023, 5, 1)), is_time(dt.date(2023, 5, 1)), is_time(pd.NaT)
    (True, False, False)
    """
    if isinstance(value, dt.datetime):
        return not is_missing(value)
    return type(value).__module__.startswith("neo4j.time") and hasattr(value, "to_native")


def to_local(value: Any, tz: str | dt.tzinfo | None) -> pd.Timestamp | None:
    """``value`` as a timestamp in ``tz``; naive times and numbers (epoch milliseconds)
    are taken as UTC, as they are stored. Missing values give ``None``.

    Parameters
    ----------
    value : object
        A pandas Timestamp, datetime, ISO 8601 text, ``neo4j.time`` value or a number
        (epoch milliseconds).
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.

    Returns
    -------
    pandas.Timestamp or None
        The time in ``tz``; None for a missing value.

    Examples
    --------
    >>> to_local(1682964600000, "Asia/Shanghai")
    Timestamp('2023-05-02 02:10:00+0800', tz='Asia/Shanghai')
    """
    if is_missing(value):
        return None
    if hasattr(value, "to_native") and not isinstance(value, dt.datetime):
        value = value.to_native()  # neo4j.time.DateTime
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        ts = pd.Timestamp(float(value), unit="ms", tz="UTC")
    else:
        ts = pd.Timestamp(value)
        ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts
    return ts.tz_convert(zone(tz))


def zone_label(tz: str | dt.tzinfo | None, at: Any = None, *, named: bool = False) -> str:
    """How a zone is said next to a time: abbreviation and offset at ``at`` (default now).

    Parameters
    ----------
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.
    at : object, optional
        The time at which the abbreviation and offset apply (anything :func:`to_local`
        takes); None (the default) means now.
    named : bool, default False
        Name the zone too, after its abbreviation and offset (``"CEST (+02:00)
        Europe/Rome"``); a zone whose abbreviation is its name (``UTC``) is not repeated.

    Returns
    -------
    str
        ``"ABBR (+hh:mm)"``, or only the offset for zones without an abbreviation; with
        ``named``, followed by a space and the zone's name.

    Examples
    --------
    >>> zone_label("Europe/Rome", pd.Timestamp("2023-07-01T00:00Z"))
    'CEST (+02:00)'
    >>> zone_label("Asia/Dubai", pd.Timestamp("2023-07-01T00:00Z"))
    '+04:00'
    >>> zone_label("Europe/Rome", pd.Timestamp("2023-07-01T00:00Z"), named=True)
    'CEST (+02:00) Europe/Rome'
    >>> zone_label("Asia/Dubai", 0, named=True), zone_label(None, 0, named=True)
    ('+04:00 Asia/Dubai', 'UTC (+00:00)')
    """
    ts = to_local(pd.Timestamp.now(tz="UTC") if at is None else at, tz)
    assert ts is not None
    return _label(ts, tz, named)


#: zone labels made, by zone, offset, abbreviation and ``named`` (what a label depends on)
_LABELS: dict[tuple[Any, ...], str] = {}


def _label(ts: pd.Timestamp, tz: str | dt.tzinfo | None, named: bool) -> str:
    """:func:`zone_label` at ``ts``, a time already in ``tz`` (made once per zone, offset
    and abbreviation: a map labels a million times with a few labels)."""
    try:
        key = (zone(tz), ts.utcoffset(), ts.tzname(), named)
        said = _LABELS.get(key)
    except TypeError:  # a tzinfo that cannot be a key
        return _make_label(ts, tz, named)
    if said is None:
        said = _make_label(ts, tz, named)
        if len(_LABELS) < 4096:
            _LABELS[key] = said
    return said


def _make_label(ts: pd.Timestamp, tz: str | dt.tzinfo | None, named: bool) -> str:
    offset = ts.strftime("%z")
    offset = f"{offset[:3]}:{offset[3:]}"
    abbr = ts.tzname() or ""
    # zones without an abbreviation name the offset itself
    said = offset if not abbr or abbr[0] in "+-" else f"{abbr} ({offset})"
    name = zone_name(tz)
    return f"{said} {name}" if named and abbr != name else said


def zone_periods(tz: str | dt.tzinfo | None, start_ms: int, end_ms: int) -> list[list[Any]]:
    """The spans between two times in which ``tz`` keeps one offset and one label.

    A page that shows times of its own (the map's timeline) formats them from these, as
    :func:`format_local` with ``named=True`` does: the local time is the UTC time plus the
    span's offset, followed by the span's label.

    Parameters
    ----------
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.
    start_ms, end_ms : int
        The first and the last time, UTC epoch milliseconds.

    Returns
    -------
    list of [int, int, str]
        Per span, from its start: ``[start_ms, offset_minutes, label]``, the label being
        :func:`zone_label` with ``named=True``. The first span starts at ``start_ms``;
        each later one at the first second of its offset (changes are found day by day,
        then to the second).

    Examples
    --------
    >>> march = pd.Timestamp("2023-03-25T00:00Z").value // 10**6
    >>> for p in zone_periods("Europe/Rome", march, march + 2 * 86_400_000):
    ...     print(pd.Timestamp(p[0], unit="ms"), p[1], p[2])
    2023-03-25 00:00:00 60 CET (+01:00) Europe/Rome
    2023-03-26 01:00:00 120 CEST (+02:00) Europe/Rome
    """
    z = zone(tz)

    def said(ms: int) -> tuple[int, str]:
        t = dt.datetime.fromtimestamp(ms / 1000, dt.UTC).astimezone(z)
        off = t.utcoffset() or dt.timedelta(0)
        return int(off.total_seconds() // 60), zone_label(z, pd.Timestamp(t), named=True)

    day = 86_400_000
    first = said(start_ms)
    periods = [[int(start_ms), *first]]
    ms, now = int(start_ms), first
    while ms < end_ms:
        nxt = min(ms + day, int(end_ms))
        then = said(nxt)
        if then != now:  # a change in (ms, nxt]: the first second of the new one
            lo, hi = ms // 1000, -(-nxt // 1000)  # in whole seconds, as zones change
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if said(mid * 1000) == now:
                    lo = mid
                else:
                    hi = mid
            periods.append([hi * 1000, *then])
            now = then
        ms = nxt
    return periods


def format_local(
    value: Any, tz: str | dt.tzinfo | None, *, seconds: bool = False, named: bool = False
) -> str:
    """``value`` as local time in ``tz`` to the minute (or second), with its zone.

    An empty string for a missing value.

    Parameters
    ----------
    value : object
        A time, as :func:`to_local` takes it.
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.
    seconds : bool, default False
        Show seconds too.
    named : bool, default False
        Name the zone too, after its abbreviation and offset (as every time on a map).

    Returns
    -------
    str
        ``"YYYY-MM-DD HH:MM[:SS]"`` followed by :func:`zone_label` at that time; ``""``
        for a missing value.

    Examples
    --------
    >>> format_local("2023-03-26T01:30Z", "Europe/London")
    '2023-03-26 02:30 BST (+01:00)'
    >>> format_local("2023-03-26T01:30Z", "Europe/London", named=True)
    '2023-03-26 02:30 BST (+01:00) Europe/London'
    """
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None and value.tzinfo is zone(tz):
        ts: pd.Timestamp | None = value  # in ``tz`` already (as a map's are): no conversion
    else:
        ts = to_local(value, tz)
    if ts is None:
        return ""
    stamp = ts.strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else ""))
    return stamp + " " + _label(ts, tz, named)


def _time_column(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if values.dtype != object:
        return False
    present = [v for v in values if not is_missing(v)]
    return bool(present) and all(is_time(v) for v in present)


def localize(
    frame: pd.DataFrame,
    tz: str | dt.tzinfo | None,
    columns: Iterable[str] | None = None,
    *,
    zone_column: str | None = "timezone",
) -> pd.DataFrame:
    """A copy of ``frame`` whose time columns (all datetime columns, or ``columns``) are
    in ``tz``, and a column ``zone_column`` naming the zone (when a time column exists).

    Written to CSV the times read as ISO 8601 with their offset.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame to convert (not modified).
    tz : str, datetime.tzinfo or None
        An IANA zone name (``"Asia/Shanghai"``) or a tzinfo; None or ``""`` is UTC.
    columns : iterable of str, optional
        The columns to consider; None (the default) means all. Only those holding times
        (datetime dtype, or objects that are all times) are converted; absent names are
        skipped.
    zone_column : str or None, default "timezone"
        Name of the column added with the zone's name when a column was converted; None
        adds none.

    Returns
    -------
    pandas.DataFrame
        The converted copy.

    Raises
    ------
    ValueError
        When ``tz`` names no known zone.

    Examples
    --------
    >>> f = pd.DataFrame({"at": pd.to_datetime(["2023-05-01T18:10Z"])})
    >>> localize(f, "Asia/Shanghai").to_csv(index=False).splitlines()[1]
    '2023-05-02 02:10:00+08:00,Asia/Shanghai'
    """
    out = frame.copy()
    names = list(columns) if columns is not None else list(out.columns)
    z = zone(tz)
    converted = False
    for c in names:
        if c not in out.columns or not _time_column(out[c]):
            continue
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            s = out[c]
            s = s.dt.tz_localize("UTC") if s.dt.tz is None else s
            out[c] = s.dt.tz_convert(z)
        else:
            out[c] = pd.Series([to_local(v, z) for v in out[c]], index=out.index, dtype=object)
        converted = True
    if converted and zone_column:
        out[zone_column] = zone_name(z)
    return out

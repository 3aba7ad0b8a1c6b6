"""Small checks on single values, one home each: missing, blank, integer, duration, hash,
and a settings file's data checked against its pydantic model.

These were written out again and again across the package, each a little differently;
the differences are kept where a caller depends on them (see each function).

>>> [is_missing(v) for v in (None, float("nan"), pd.NA, pd.NaT, "", " ", 0, [])]
[True, True, True, True, False, False, False, False]
>>> [is_blank(v) for v in (None, float("nan"), "", " \\t", "x", 0)]
[True, True, True, True, False, False]
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from pydantic import BaseModel, ValidationError

__all__ = ["file_sha256", "is_blank", "is_int", "is_missing", "parse_duration", "validated"]

_Model = TypeVar("_Model", bound=BaseModel)

#: types no value of which is missing (the common cases, answered without pandas)
_NEVER_MISSING = (str, bytes, int, list, tuple, set, frozenset, dict)


def is_missing(value: Any) -> bool:
    """True for a missing scalar: ``None``, ``NaN`` (any float), ``pd.NA``, ``NaT``.

    Containers (lists, tuples, sets, dicts) and strings are never missing, however
    empty: a list property with no items is a value; :func:`is_blank` also takes empty
    and whitespace-only text for missing. Objects pandas cannot judge are not missing.

    Parameters
    ----------
    value : any
        One cell or property value.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> is_missing(np.float32("nan")), is_missing(np.datetime64("NaT")), is_missing(b"")
    (True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, _NEVER_MISSING):
        return False
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))  # an array is a value


def is_blank(value: Any) -> bool:
    """True for a missing value (:func:`is_missing`) or text that is empty or whitespace.

    Parameters
    ----------
    value : any
        A cell as read from a file, typically text or ``None``.

    Returns
    -------
    bool
        Whether the cell holds nothing (a raw cell with only spaces is empty).

    Examples
    --------
    >>> is_blank("\\u3000"), is_blank("0"), is_blank([])
    (True, False, False)
    """
    if isinstance(value, str):
        return not value.strip()
    return is_missing(value)


def is_int(value: Any) -> bool:
    """True for a Python ``int`` that is not a ``bool`` (``True`` is an ``int`` too).

    NumPy integers are not ``int``; convert them first (``int(x)``) where they may come.

    Parameters
    ----------
    value : any

    Returns
    -------
    bool

    Examples
    --------
    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool)


def parse_duration(value: timedelta | float | str, *, name: str = "duration") -> pd.Timedelta:
    """A duration given as a timedelta, a number of seconds or a pandas duration string.

    Parameters
    ----------
    value : timedelta, int, float or str
        E.g. ``timedelta(hours=1)``, ``3600``, ``"1h"``, ``"30min"``, ``"14D"``.
    name : str
        What the value is, for the error message.

    Returns
    -------
    pandas.Timedelta
        Zero or longer.

    Raises
    ------
    ValueError
        ``value`` is not a duration (chained from pandas' error, ``__cause__``), or is
        negative or ``NaT`` (no ``__cause__``): a caller can word the two its own way.

    Examples
    --------
    >>> parse_duration("90min").total_seconds(), parse_duration(30).total_seconds()
    (5400.0, 30.0)
    >>> parse_duration("-1h", name="window")
    Traceback (most recent call last):
    ...
    ValueError: window must not be negative, not '-1h'
    """
    try:
        td = pd.Timedelta(value, unit="s") if isinstance(value, int | float) else None
        td = td if td is not None else pd.Timedelta(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} is not a duration: {value!r}") from err
    if not td.total_seconds() >= 0:  # NaT compares false
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return td


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex, read a MiB at a time.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> file_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    """
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def validated(model: type[_Model], data: Any, *, source: str, error: type[Exception]) -> _Model:
    """``data`` (read from a YAML or TOML file) checked against the pydantic ``model``.

    Parameters
    ----------
    model : pydantic model class
    data : any
        The parsed file.
    source : str
        The file, named in the error.
    error : exception class
        Raised, with ``"<source>: <key.path>: <reason>"`` for the first problem pydantic
        finds, when ``data`` does not fit ``model``.

    Returns
    -------
    model
        The checked settings.

    Examples
    --------
    >>> class Point(BaseModel):
    ...     x: int
    >>> validated(Point, {"x": "3"}, source="p.yaml", error=ValueError).x
    3
    >>> validated(Point, {"x": "a"}, source="p.yaml", error=ValueError)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: p.yaml: x: Input should be a valid integer...
    """
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise error(f"{source}: {where}: {first['msg']}") from err

"""The algorithms room's one integer check (the room imports nothing else from netintel,
so it keeps its own copy of :func:`netintel.values.is_int`)."""

from __future__ import annotations

from typing import Any

__all__ = ["is_int"]


def is_int(value: Any) -> bool:
    """True for a Python ``int`` that is not a ``bool`` (``True`` is an ``int`` too).

    Parameters
    ----------
    value : object
        Any value, e.g. a parameter given by the caller.

    Returns
    -------
    bool
        Whether ``value`` is an ``int`` and not a ``bool``.

    Examples
    --------
    >>> is_int(3), is_int(True), is_int(3.0)
    (True, False, False)
    """
    return isinstance(value, int) and not isinstance(value, bool)

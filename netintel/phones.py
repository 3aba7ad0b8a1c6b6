"""Phone numbers as the graph keys them: E.164, with the extension kept.

One home for the rule, used by the ingest (:func:`netintel.ingest.normalise.to_phone`), by
the command line (``--phone`` options) and the investigations (:func:`normalise_phone`).
``phonenumbers`` parses national forms in a region;
an extension (``ext. 5``, ``x5``) stays in the key as ``;ext=5`` (RFC 3966's spelling), so an
office line with extensions is one phone per extension rather than the extension dropped and
the main number's row rejected as a conflict.

>>> phone_key("013812340001", "CN"), phone_key("+44 20 7946 0958 ext. 5", None)
('+8613812340001', '+442079460958;ext=5')
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

__all__ = ["normalise_phone", "phone_key"]


@lru_cache(maxsize=1 << 20)
def phone_key(text: str, region: str | None) -> str:
    """``text`` as an E.164 key (``;ext=N`` appended for an extension).

    Raises ``ValueError`` (with the reason) when it is not a valid number in ``region``.
    Cached: the same numbers recur in every column and file.

    Parameters
    ----------
    text : str
        The number as written.
    region : str or None
        The region (``GB``, ``CN``) national numbers are read in; None accepts only
        international numbers.

    Returns
    -------
    str
        The E.164 key, e.g. ``+441632960001``.

    Raises
    ------
    ValueError
        When ``text`` is not a valid phone number in ``region``.
    """
    try:
        num = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        num = None
    if num is None or not phonenumbers.is_valid_number(num):
        raise ValueError(f"{text!r} is not a valid phone number (region {region or 'none'})")
    key = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return f"{key};ext={num.extension}" if num.extension else key


def normalise_phone(number: str, region: str | None) -> str:
    """A phone number as the graph stores it: E.164 when it parses as a valid number
    (national forms with ``region``), else as given (identifiers such as VAST's ``200``).

    Parameters
    ----------
    number : str
        The number as typed or read; surrounding spaces are dropped.
    region : str or None
        The region national forms are read in (``"GB"``, ``"CN"``), or None.

    Returns
    -------
    str
        :func:`phone_key` of the number, or the stripped text when that rejects it.

    Examples
    --------
    >>> normalise_phone("013812340001", "CN"), normalise_phone("+44 20 7946 0958", None)
    ('+8613812340001', '+442079460958')
    >>> normalise_phone("200", None)
    '200'
    """
    text = number.strip()
    try:
        return phone_key(text, region)
    except ValueError:
        return text

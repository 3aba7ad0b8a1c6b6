"""The kinds of command-line values, each checked in one place (click parameter types).

A bad value fails while click parses the command line, before anything else runs: one
line naming the option and the reason, exit code 2. Every type returns what the public
API takes (mostly the text as given, checked), so the commands stay thin.

>>> DURATION.convert("21D", None, None)
'21D'
>>> PHONE_REGION.convert("gb", None, None)
'GB'
>>> TIME_ZONE.convert("Asia/Shanghai", None, None)
'Asia/Shanghai'
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime
from typing import Any

import click
import pandas as pd
import phonenumbers

from netintel.config import check_uri
from netintel.values import parse_duration

__all__ = [
    "CASE",
    "DASK_SCHEDULER",
    "DATE_TIME",
    "DURATION",
    "JAVA_SIZE",
    "NEO4J_URI",
    "PHONE_REGION",
    "TIME_ZONE",
]


class _Checked(click.ParamType):
    """A text value checked by ``check`` (which raises ValueError with the reason)."""

    def check(self, value: str) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            value = str(value)
        try:
            return self.check(value.strip())
        except ValueError as err:
            self.fail(str(err), param, ctx)


class Duration(_Checked):
    """A positive pandas duration such as ``14D``, ``1h``, ``30min``."""

    name = "duration"

    def check(self, value: str) -> str:
        try:
            delta = parse_duration(value)
        except ValueError as err:
            if err.__cause__ is None:  # read, but negative or NaT
                raise ValueError(f"{value!r} is not a positive duration") from None
            raise ValueError(
                f"{value!r} is not a duration; use a number and a unit, e.g. 14D, 6h, 30min"
            ) from None
        if delta == pd.Timedelta(0):
            raise ValueError(f"{value!r} is not a positive duration")
        return value


class DateTime(_Checked):
    """An ISO 8601 date or date-time (``2023-01-01``, ``2023-01-01T08:00+08:00``)."""

    name = "date-time"

    def check(self, value: str) -> str:
        try:
            (datetime if "T" in value or " " in value else date).fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 date or date-time "
                "(e.g. 2023-01-01 or 2023-01-01T08:00:00+08:00)"
            ) from None
        return value


class TimeZone(_Checked):
    """An IANA time zone name (``Europe/London``, ``Asia/Shanghai``, ``UTC``)."""

    name = "zone"

    def check(self, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone; use an IANA name such as "
                "Europe/London, Asia/Shanghai or UTC"
            ) from None
        return value


class PhoneRegion(_Checked):
    """A region code that ``phonenumbers`` knows (``GB``, ``CN``), upper-cased."""

    name = "region"

    def check(self, value: str) -> str:
        code = value.upper()
        if code not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(
                f"{value!r} is not a phone region; use a two-letter code such as GB, CN, US"
            )
        return code


class JavaSize(_Checked):
    """A Java memory size: ``512m``, ``2g``, ``1048576k``."""

    name = "size"

    def check(self, value: str) -> str:
        if re.fullmatch(r"[1-9][0-9]*[kmgKMG]?", value) is None:
            raise ValueError(f"{value!r} is not a size; use e.g. 512m, 2g or 1048576k")
        return value


class CaseName(_Checked):
    """A case name (see :func:`netintel.server.check_case_name`)."""

    name = "case"

    def check(self, value: str) -> str:
        from netintel import server
        from netintel.exceptions import CaseError

        try:
            return server.check_case_name(value)
        except CaseError as err:
            raise ValueError(str(err)) from None


class Neo4jUri(_Checked):
    """A URI the Neo4j driver can open (``bolt://``, ``neo4j+s://``, ...)."""

    name = "uri"

    def check(self, value: str) -> str:
        check_uri(value)
        return value


class DaskScheduler(_Checked):
    """A Dask scheduler address (``tcp://HOST:PORT``, ``tls://...``) or ``local:N``."""

    name = "scheduler"

    def check(self, value: str) -> str:
        from netintel.cluster import check_scheduler

        return check_scheduler(value)


CASE = CaseName()
DASK_SCHEDULER = DaskScheduler()
DATE_TIME = DateTime()
DURATION = Duration()
JAVA_SIZE = JavaSize()
NEO4J_URI = Neo4jUri()
PHONE_REGION = PhoneRegion()
TIME_ZONE = TimeZone()

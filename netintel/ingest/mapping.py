"""Declarative mapping files: any column layout onto the schema's record types.

A mapping is a YAML file::

    timezone: Europe/Rome        # naive date-times are taken in this zone (default UTC)
    phone_region: IT             # region for national phone numbers (default: none)
    files:
      - match: "cdr*.csv"        # glob, relative to the input folder
        record: calls            # a record type of netintel.schema.RECORDS
        encoding: utf-8          # optional; default UTF-8 (with/without BOM), else guessed
        delimiter: ","           # optional; default a tab for .tsv, else sniffed
        sheet: 通话              # workbooks: a sheet name or number (default 0, the first)
        phone_format: raw        # "e164" (default) or "raw": keep handset ids as given
        columns:                 # schema column: source column
          caller: From
          callee: To
          started_at: Datetime
        formats:                 # strptime formats for date and date-time columns
          started_at: "%Y%m%d %H%M"
        constants:               # schema column: a value for every row
          tower: unknown

Files with no entry are read in the documented layout when they are named after
a record type (``calls.csv``, ``persons.xlsx``).
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from netintel.exceptions import MappingError
from netintel.schema import RECORDS

__all__ = ["FileMapping", "Mapping", "load_mapping"]


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timezone: str | None = None
    phone_region: str | None = None
    phone_format: Literal["e164", "raw"] | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @field_validator("phone_region")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        if v is not None and v.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {v!r} (use a two-letter code such as GB)")
        return v.upper() if v else v


class FileMapping(_Options):
    """How one source file (or all files matching a glob) maps onto a record type."""

    match: str
    record: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    columns: dict[str, str] = Field(default_factory=dict)
    formats: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, str | int | float | bool] = Field(default_factory=dict)

    @field_validator("record")
    @classmethod
    def _record(cls, v: str) -> str:
        if v not in RECORDS:
            raise ValueError(f"unknown record type {v!r}; known: {', '.join(sorted(RECORDS))}")
        return v

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError(f'a delimiter is one character (a tab: "\\t"), not {v!r}')
        return v

    def check_fields(self) -> None:
        known = {c.name for c in RECORDS[self.record].columns}
        for part in ("columns", "formats", "constants"):
            bad = sorted(set(getattr(self, part)) - known)
            if bad:
                raise MappingError(
                    f"{self.match!r} ({self.record}): {part} names unknown fields "
                    f"{', '.join(bad)}; the {self.record} fields are {', '.join(sorted(known))}"
                )


class Mapping(_Options):
    """A whole mapping file."""

    files: list[FileMapping] = Field(default_factory=list)

    def for_file(self, path: Path) -> FileMapping | None:
        """The entry whose glob matches ``path``'s name (first wins)."""
        return next(iter(self.entries_for(path)), None)

    def entries_for(self, path: Path) -> list[FileMapping]:
        """Every entry whose glob matches ``path``'s name, in file order (a workbook's
        sheets each take the first entry that names them)."""
        return [
            fm
            for fm in self.files
            if fnmatch.fnmatch(path.name, fm.match) or fnmatch.fnmatch(str(path), fm.match)
        ]


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; a :class:`MappingError` says what is wrong where."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as err:
        raise MappingError(f"{p}: cannot read the mapping file: {err.strerror}") from err
    except yaml.YAMLError as err:
        raise MappingError(f"{p}: not valid YAML: {err}") from err
    try:
        mapping = Mapping.model_validate(data or {})
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise MappingError(f"{p}: {where}: {first['msg']}") from err
    for fm in mapping.files:
        try:
            fm.check_fields()
        except MappingError as err:
            raise MappingError(f"{p}: {err}") from err
    return mapping

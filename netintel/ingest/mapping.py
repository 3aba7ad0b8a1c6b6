"""Declarative mapping files: any column layout onto the schema's record types.

A mapping is a YAML file::

    timezone: Europe/Rome        # naive date-times are taken in this zone (default UTC)
    phone_region: IT             # region for national phone numbers (default: none)
    ambiguous: reject            # a local time a DST change repeats: earlier, later, reject
    file_timeout: 1800           # seconds each pass over a file may take (0: no bound)
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
      - match: "人员.csv"
        record: persons
        values:                  # schema field: {source value: schema value}
          gender: {男: male, 女: female}
          roles: {嫌疑人: suspect, 受害人: victim}   # applied to each item of a list
        unmapped:                # schema field: what any other invalid value becomes
          gender: unknown
      - match: "phase*.csv"
        record: ties
        layout: matrix           # ties only: table (default), edges or matrix

Files with no entry are read in the documented layout when they are named after
a record type (``calls.csv``, ``persons.xlsx``).
"""

from __future__ import annotations

import difflib
import fnmatch
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from netintel.exceptions import MappingError
from netintel.ingest.normalise import Ambiguous, ValueMap, clean_text, schema_value
from netintel.ingest.read import FILE_TIMEOUT
from netintel.schema import RECORDS, Column
from netintel.values import validated

__all__ = [
    "FileMapping",
    "IngestMapping",
    "ReadingOptions",
    "check_phone_region",
    "check_timezone",
    "load_mapping",
]

#: Field types whose values a mapping can translate (``values``, ``unmapped``).
MAPPABLE = ("enum", "bool", "list")

Scalar = str | int | float | bool


def check_timezone(name: str) -> str:
    """``name`` when it is an IANA time zone; else ValueError, with the closest names.

    Parameters
    ----------
    name : str
        A time zone name.

    Returns
    -------
    str
        ``name`` itself.

    Raises
    ------
    ValueError
        When ``name`` is not an IANA time zone.

    Examples
    --------
    >>> check_timezone("Asia/Shanghai")
    'Asia/Shanghai'
    >>> check_timezone("Europe/Lodnon")
    Traceback (most recent call last):
    ...
    ValueError: unknown time zone 'Europe/Lodnon' (did you mean Europe/London?)
    """
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):  # "Asia": a folder
        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f"did you mean {close[0]}?" if close else "e.g. Europe/London, Asia/Shanghai"
        raise ValueError(f"unknown time zone {name!r} ({hint})") from None
    return name


def check_phone_region(code: str) -> str:
    """A phone region code in upper case; else ValueError.

    Parameters
    ----------
    code : str
        A two-letter region code, in any case.

    Returns
    -------
    str
        The code in upper case.

    Raises
    ------
    ValueError
        When ``phonenumbers`` knows no such region.

    Examples
    --------
    >>> check_phone_region("cn")
    'CN'
    """
    if code.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {code!r} (use a two-letter code such as GB)")
    return code.upper()


class ReadingOptions(BaseModel):
    """How a file's values are read: the one declaration of the reading options.

    A mapping file sets them at its top (for every file) and in each entry (for that
    file); the ingest takes them from its caller too (:class:`netintel.ingest.Options`).
    ``None`` means not set here: the next layer, or :attr:`DEFAULTS`, decides.

    Examples
    --------
    >>> ReadingOptions(phone_region="it").phone_region
    'IT'
    >>> entry = ReadingOptions(timezone="Asia/Shanghai")
    >>> used = entry.effective(ReadingOptions(timezone="UTC", phone_format="raw"))
    >>> used["timezone"], used["phone_format"], used["ambiguous"]
    ('Asia/Shanghai', 'raw', 'reject')
    """

    model_config = ConfigDict(extra="forbid")

    #: naive date-times are taken in this IANA zone
    timezone: str | None = None
    #: the region of national phone numbers
    phone_region: str | None = None
    #: ``e164`` (phone numbers normalised) or ``raw`` (handset identifiers kept as given)
    phone_format: Literal["e164", "raw"] | None = None
    #: a naive local time a daylight saving change repeats: its earlier or later instant
    ambiguous: Ambiguous | None = None
    #: seconds reading and checking a file may take (each pass); 0 means no bound
    file_timeout: float | None = None

    #: what an option that no layer sets is
    DEFAULTS: ClassVar[dict[str, str | float | None]] = {
        "timezone": "UTC",
        "phone_region": None,
        "phone_format": "e164",
        "ambiguous": "reject",
        "file_timeout": FILE_TIMEOUT,
    }

    def effective(self, *under: ReadingOptions | None) -> dict[str, Any]:
        """Each reading option as set here, else by the first of ``under`` that sets it,
        else its default (an empty text is not set; a time bound of 0, no bound, is)."""
        layers = [self, *(u for u in under if u is not None)]
        return {
            name: next(
                (v for v in (getattr(o, name) for o in layers) if v is not None and v != ""),
                self.DEFAULTS.get(name),
            )
            for name in ReadingOptions.model_fields
        }

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return None if v is None else check_timezone(v)

    @field_validator("phone_region")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        return check_phone_region(v) if v else v

    @field_validator("file_timeout")
    @classmethod
    def _timeout(cls, v: float | None) -> float | None:
        if v is not None and not 0 <= v < float("inf"):
            raise ValueError(f"file_timeout is 0 (no bound) or a number of seconds, not {v}")
        return v


#: characters the CSV reader cannot split fields on
_NOT_DELIMITERS = frozenset('"\r\n\x00')


class FileMapping(ReadingOptions):
    """How one source file (or all files matching a glob) maps onto a record type."""

    match: str
    record: str
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | int = 0
    columns: dict[str, str] = Field(default_factory=dict)
    formats: dict[str, str] = Field(default_factory=dict)
    constants: dict[str, Scalar] = Field(default_factory=dict)
    #: schema field -> {source value: schema value or None (leave empty)}
    values: dict[str, dict[str, Scalar | None]] = Field(default_factory=dict)
    #: schema field -> what a value that is neither mapped nor valid becomes
    unmapped: dict[str, Scalar | None] = Field(default_factory=dict)

    #: how a ``ties`` file is laid out: ``table`` (a header row naming the columns, the
    #: default), ``edges`` (no header; from, to and an optional weight on each line) or
    #: ``matrix`` (an adjacency matrix). GraphML and GEXF are known by their suffix.
    layout: Literal["table", "edges", "matrix"] | None = None

    _value_maps: dict[str, ValueMap] = PrivateAttr(default_factory=dict)

    @field_validator("record")
    @classmethod
    def _record(cls, v: str) -> str:
        if v not in RECORDS:
            raise ValueError(f"unknown record type {v!r}; known: {', '.join(sorted(RECORDS))}")
        return v

    @model_validator(mode="after")
    def _fields(self) -> FileMapping:
        self.check_fields()
        return self

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError(f'a delimiter is one character (a tab: "\\t"), not {v!r}')
        if v is not None and (v in _NOT_DELIMITERS or v.isalnum()):
            raise ValueError(
                f"{v!r} cannot separate fields (a quote, line end, NUL, letter or digit); "
                'use e.g. ",", ";", "|" or a tab "\\t"'
            )
        return v

    @field_validator("formats")
    @classmethod
    def _formats(cls, v: dict[str, str]) -> dict[str, str]:
        sample = datetime(2001, 2, 3, 4, 5, 6, tzinfo=UTC)
        for name, fmt in v.items():
            try:  # a format must read back what it writes
                datetime.strptime(sample.strftime(fmt), fmt)
            except (ValueError, TypeError) as err:
                raise ValueError(
                    f"formats.{name}: {fmt!r} is not a strptime format ({err})"
                ) from None
        return v

    def check_fields(self) -> None:
        """Every field the entry names exists, and every value it maps onto is valid.

        Raises :class:`MappingError` naming the entry and the key.
        """
        rt = RECORDS[self.record]
        known = {c.name for c in rt.columns}
        where = f"{self.match!r} ({self.record})"
        if self.layout is not None and self.record != "ties":
            raise MappingError(f"{where}: layout {self.layout!r} is for ties files only")
        for part in ("columns", "formats", "constants", "values", "unmapped"):
            bad = sorted(set(getattr(self, part)) - known)
            if bad:
                raise MappingError(
                    f"{where}: {part} names unknown fields "
                    f"{', '.join(bad)}; the {self.record} fields are {', '.join(sorted(known))}"
                )
        mappable = sorted(c.name for c in rt.columns if c.type in MAPPABLE)
        maps: dict[str, ValueMap] = {}
        for name in sorted(set(self.values) | set(self.unmapped)):
            col = rt.column(name)
            part = "values" if name in self.values else "unmapped"
            if col.type not in MAPPABLE:
                raise MappingError(
                    f"{where}: {part}.{name}: {name} is a {col.type} field; values translate "
                    f"only enum, bool and list fields ({', '.join(mappable) or 'none here'})"
                )

            table: dict[str, Any] = {}
            for source, value in self.values.get(name, {}).items():
                key = clean_text(source)
                if key is None:
                    raise MappingError(
                        f"{where}: values.{name}: an empty source value cannot be mapped "
                        "(empty cells stay empty)"
                    )
                mapped = _target(where, col, f"values.{name}.{source}", value)
                if key in table and table[key] != mapped:
                    raise MappingError(
                        f"{where}: values.{name}: {source!r} is mapped twice "
                        f"({table[key]!r} and {mapped!r})"
                    )
                table[key] = mapped
            vmap = ValueMap(name, table)
            if name in self.unmapped:
                if not col.choices and col.type != "bool":
                    raise MappingError(
                        f"{where}: unmapped.{name} has no effect: {name} takes any value"
                    )
                default = _target(where, col, f"unmapped.{name}", self.unmapped[name])
                vmap = ValueMap(name, table, default=default, has_default=True)
            maps[name] = vmap
        self._value_maps = maps

    def value_map(self, name: str) -> ValueMap | None:
        """The checked ``values`` and ``unmapped`` of field ``name`` (None: none given)."""
        return self._value_maps.get(name)


def _target(where: str, col: Column, key: str, value: Any) -> Any:
    """A schema value written in the mapping at ``key``, checked against ``col``."""
    try:
        return schema_value(value, col.type, col.choices)
    except ValueError:
        if col.choices:
            allowed = f"one of {', '.join(col.choices)}"
        else:
            allowed = "true or false" if col.type == "bool" else "text (quoted)"
        raise MappingError(
            f"{where}: {key}: {value!r} is not a {col.name} value; use {allowed} "
            "(or null to leave the cell empty)"
        ) from None


class IngestMapping(ReadingOptions):
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


_IMPLICIT = {f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "null", "timestamp")}


class _Loader(yaml.SafeLoader):
    """YAML with every mapping key kept as the text written: a source value ``no``, ``on``
    or ``1`` in ``values`` stays that text instead of becoming False, True or 1."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _IMPLICIT:
                key_node.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


def load_mapping(path: str | Path) -> IngestMapping:
    """Read and check a mapping file; a :class:`MappingError` says what is wrong where.

    Parameters
    ----------
    path : str or pathlib.Path
        The mapping file (YAML).

    Returns
    -------
    IngestMapping
        The checked mapping.

    Raises
    ------
    MappingError
        When the file cannot be read, is not valid YAML, or an entry is wrong.
    """
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
        data = yaml.load(text, Loader=_Loader)
    except OSError as err:
        raise MappingError(f"{p}: cannot read the mapping file: {err.strerror}") from err
    except UnicodeDecodeError as err:
        line = p.read_bytes()[: err.start].count(b"\n") + 1
        raise MappingError(
            f"{p}: line {line}: not UTF-8 text (byte {err.object[err.start]:#04x}); save the "
            "mapping as UTF-8"
        ) from None
    except yaml.YAMLError as err:
        raise MappingError(f"{p}: not valid YAML: {err}") from err
    except RecursionError:
        raise MappingError(f"{p}: nested too deeply to be a mapping file") from None
    try:
        return validated(IngestMapping, data or {}, source=str(p), error=MappingError)
    except MappingError as err:
        if isinstance(err.__cause__, ValidationError):
            raise  # validated names the file and the key
        raise MappingError(f"{p}: {err}") from err  # a check of the entries, outside pydantic

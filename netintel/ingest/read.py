"""Read one input file into a frame of strings, keeping every row accounted for.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2.

Text files: the encoding is the one given, else UTF-8 (with or without BOM), else the
most plausible reading among :data:`CANDIDATES` and the guess of ``charset-normalizer``
(:func:`_implausible`; a file that reads only as mojibake is an error); a guess is noted
in :attr:`RawFile.notes`. The delimiter is the one given, else a tab for ``.tsv``, else
what :class:`csv.Sniffer` finds in the first lines (comma, tab, semicolon or pipe),
else a comma. Workbooks: one sheet at a time (:func:`workbook_sheets` lists them).

A row the CSV parser cannot split into the header's number of fields (a stray
quote, a missing delimiter) is not dropped: it comes back as a *parse reject* with
its row number, so rows read = rows parsed + parse rejects.

Reading and checking a file is bounded in time (:class:`TimeBound`, ``file_timeout`` in
the mapping, :data:`FILE_TIMEOUT` seconds by default): the reading loops look at the clock
between chunks and rows, and a file past its bound is an :class:`InputTimeoutError`.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from netintel.exceptions import InputFileError, InputTimeoutError
from netintel.values import file_sha256, is_missing

__all__ = [
    "ENCODINGS",
    "FILE_TIMEOUT",
    "WORKBOOK_SUFFIXES",
    "Header",
    "RawFile",
    "TimeBound",
    "read_file",
    "read_header",
    "workbook_sheets",
]

#: Encodings tried in order when a file does not say (regional offices send GB18030/GBK);
#: when neither decodes, charset-normalizer guesses.
ENCODINGS = ("utf-8-sig", "gb18030")

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")

#: delimiters csv.Sniffer may choose from
SNIFF_DELIMITERS = ",\t;|"

_SAMPLE = 1 << 20  # bytes looked at to guess an encoding or a delimiter
#: the longest cell read: Python's csv module stops at 128 KiB by default; the whole file is in
#: memory anyway, so any cell a file holds is read (a key too long for the database's index
#: is a row reject later)
FIELD_LIMIT = 2**31 - 1
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
_GB = {"gb2312", "gbk", "gb18030", "hz"}

ROW = "__row__"

#: seconds that reading and checking one file may take when neither the caller nor the
#: mapping says (``file_timeout``): half an hour, some 30 times what a million-row file of
#: calls takes on a busy machine (docs/benchmarks.md), so only a file that would never end
#: meets it
FILE_TIMEOUT = 1800.0
#: rows split between two looks at the clock
_EVERY = 1000


class TimeBound:
    """The time bound of one pass over one file, checked between chunks, rows and columns.

    Cooperative: the reading and checking loops call :meth:`check`, which raises an
    :class:`~netintel.exceptions.InputTimeoutError` once ``seconds`` have passed since the
    bound was made (no thread is stopped from outside). ``seconds`` 0 is no bound.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, as its errors name it.
    seconds : float
        The bound; 0 means none.

    Examples
    --------
    >>> TimeBound("calls.csv", 0).check(row=2)  # no bound: never raises
    >>> bound = TimeBound("calls.csv", 1e-9)
    >>> bound.check(row=5001)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    netintel.exceptions.InputTimeoutError: calls.csv, row 5001: reading and checking the ...
    """

    def __init__(self, path: str | Path, seconds: float) -> None:
        if not seconds >= 0 or math.isinf(seconds):
            raise ValueError(f"a file time bound is 0 (none) or a number of seconds, not {seconds}")
        self.path = str(path)
        self.seconds = float(seconds)
        self._end = time.monotonic() + self.seconds if self.seconds else math.inf

    def check(
        self, *, row: int | None = None, column: str | None = None, doing: str = "reading it"
    ) -> None:
        """Raise :class:`~netintel.exceptions.InputTimeoutError` (naming ``row`` or
        ``column``, how far the work got) when the bound has passed."""
        if time.monotonic() > self._end:
            raise InputTimeoutError(self.path, self.seconds, row=row, column=column, doing=doing)


_UNBOUNDED = TimeBound("", 0)


@dataclass
class RawFile:
    """A file read as text: one string column per header field, plus ``__row__``."""

    path: str
    frame: pd.DataFrame
    encoding: str
    sha256: str
    rows_read: int
    #: rows the parser could not split: (row number, raw text, reason)
    parse_rejects: list[tuple[int, str, str]] = field(default_factory=list)
    #: the delimiter a text file was split on ("" for workbooks and DataFrames)
    delimiter: str = ""
    #: the workbook sheet read (None for text files and DataFrames)
    sheet: str | None = None
    #: what was guessed about the file (an encoding, a delimiter), for the report
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    """What a first pass over a file finds, without building its rows."""

    path: str
    sha256: str
    columns: tuple[str, ...]
    encoding: str
    delimiter: str = ""
    sheet: str | None = None


#: guesses taken even when charset-normalizer cannot name the language; among guesses
#: that score the same (short samples often tie), the first of these wins
_COMMON = (
    "cp1252", "cp932", "gb18030", "big5", "cp949", "cp1251", "cp1250", "latin_1",
    "iso8859_15", "koi8_r", "shift_jis", "euc_jp", "euc_kr", "utf_16", "utf_16_le",
    "utf_16_be",
)  # fmt: skip


def _guess(data: bytes) -> str | None:
    """charset-normalizer's guess from the first megabyte (cut at a line end), or None
    when it is no better than noise (an exotic code page for an unknown language)."""
    from charset_normalizer import from_bytes

    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    tied = [
        m.encoding.lower()
        for m in matches
        if (m.percent_chaos, m.percent_coherence) == (best.percent_chaos, best.percent_coherence)
    ]
    enc = next((e for e in _COMMON if e in tied), best.encoding.lower())
    if enc in _GB:
        return "gb18030"
    if enc in ("ascii", "utf_8"):  # what UTF-8 could not decode
        return None
    if best.language == "Unknown" and enc not in _COMMON:
        return None
    return enc


#: Encodings weighed against each other when a file is not UTF-8: each decodes many of the
#: others' bytes without an error, so the most plausible text wins (:func:`_implausible`);
#: on a tie, the first (regional offices send GB18030/GBK).
CANDIDATES = ("gb18030", "big5", "cp932", "cp949", "cp1252")

_HARD = re.compile("[\ue000-\uf8ff\ufffd\x80-\x9f\x00-\x08\x0b\x0c\x0e-\x1f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_HAN_BY_LATIN = re.compile("[A-Za-z][\u3400-\u9fff]|[\u3400-\u9fff][A-Za-z]")
_HAN_BY_HANGUL = re.compile("[\uac00-\ud7af][\u3400-\u9fff]|[\u3400-\u9fff][\uac00-\ud7af]")
_LATIN_RUN = re.compile("[\u00a0-\u024f\u2000-\u20cf]{2,}")
_NON_ASCII = re.compile("[^\x00-\x7f]")
#: Latin-1 signs hardly ever found in names, places or notes: byte noise read as cp1252
_RARE_SIGN = re.compile("[ÿ¤¦¨¯´¸¬\xad¹²³¼½¾]")
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]")


@cache
def _common_han() -> frozenset[str]:
    """The everyday Chinese characters: GB2312 level 1 (3,755 simplified) and Big5's common
    set (5,401 traditional); a wrong decode of Chinese text lands mostly outside them."""
    chars: set[str] = set()
    for enc, lead, trails in (
        ("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), (*range(0x40, 0x7F), *range(0xA1, 0xFF))),
    ):
        for a in lead:
            for b in trails:
                try:
                    chars.add(bytes((a, b)).decode(enc))
                except UnicodeDecodeError:
                    continue
    return frozenset(chars)


def _implausible(text: str) -> int:
    """How unlike real text a decode is: private-use, replacement and control characters
    (10 each: bytes no encoder writes), rare Chinese characters, Chinese characters glued
    to Latin letters (``M醠aga``) or to Hangul (``솔兀촸``, Chinese read as cp949), runs
    of accented Latin letters and signs (``Àî»Û``, Chinese read as cp1252), Latin-1 signs
    no text uses (``ÿ``, ``¤``) and half-width katakana (Chinese read as Shift-JIS).

    >>> b = "Málaga Straße".encode("latin-1")
    >>> _implausible(b.decode("cp1252")), _implausible(b.decode("gb18030"))
    (0, 3)
    """
    common = _common_han()
    rare = sum(1 for ch in _HAN.findall(text) if ch not in common)
    return (
        10 * len(_HARD.findall(text))
        + rare
        + len(_HAN_BY_LATIN.findall(text))
        + len(_HAN_BY_HANGUL.findall(text))
        + sum(len(m) - 1 for m in _LATIN_RUN.findall(text))
        + len(_HALFWIDTH_KANA.findall(text))
        + len(_RARE_SIGN.findall(text))
    )


def _ranked(data: bytes) -> tuple[list[str], str | None]:
    """Candidate encodings whose text is plausible (at most one implausible point per two
    non-ASCII characters), most plausible first, and the likeliest implausible one."""
    sample = data[:_SAMPLE]
    if len(data) > _SAMPLE and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    guess = _guess(data)
    names = list(dict.fromkeys([*CANDIDATES, *([guess] if guess else [])]))
    scored = []
    for order, enc in enumerate(names):
        try:
            text = sample.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _implausible(text)
        scored.append((2 * score > len(_NON_ASCII.findall(text)), score, order, enc))
    scored.sort()
    plausible = [enc for bad, _, _, enc in scored if not bad]
    return plausible, (scored[0][3] if scored and not plausible else None)


def _noise(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes as ``encoding`` only into implausible text."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return False  # the decode itself fails, and says where
    return 2 * _implausible(text) > len(_NON_ASCII.findall(text))


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _newlines(text: str) -> str:
    r"""Line ends as the CSV reader takes them: CR LF and a lone CR (old Mac files) become LF.

    >>> _newlines("a,b\rP1,x\r\nP2,y\n")
    'a,b\nP1,x\nP2,y\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str, str | None]:
    """The text, its encoding, and a note when the encoding was guessed."""
    if encoding:
        tried: tuple[str, ...] = (encoding,)
    else:
        try:
            return _newlines(data.decode("utf-8-sig")), "utf-8-sig", None
        except UnicodeDecodeError:
            pass
        plausible, likeliest = _ranked(data)
        if not plausible and likeliest is not None and _decodes(data, "gb18030"):
            raise InputFileError(
                str(path),
                "not UTF-8, and every encoding tried reads it as mojibake (the likeliest, "
                f"{likeliest}, gives private-use, control or rare characters); set the "
                "file's encoding in the mapping (encoding: ...)",
            )
        tried = tuple(plausible) or ("gb18030",)
    if not encoding:  # the first megabyte may hold no clue (all ASCII): judge the whole text
        tried = tuple(enc for enc in tried if not _noise(data, enc)) or ("gb18030",)
    last: Exception | None = None
    for enc in tried:
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError) as err:
            last = err
            continue
        note = (
            None
            if encoding or enc == "gb18030"
            else f"encoding guessed as {enc} (neither UTF-8 nor GB18030); set encoding: "
            "in the mapping if the text looks wrong"
        )
        return _newlines(text), enc, note
    if not encoding:
        tried = ("utf-8", *tried)
    if isinstance(last, LookupError):
        raise InputFileError(str(path), f"unknown encoding {encoding!r}")
    assert isinstance(last, UnicodeDecodeError)
    line = data[: last.start].count(b"\n") + 1
    raise InputFileError(
        str(path),
        f"cannot decode bytes {data[last.start : last.start + 4]!r} as "
        f"{' or '.join(tried)} (set the file's encoding in the mapping)",
        row=line,
    )


_QUOTE_RUN = re.compile(r"([\"'])\1+")


def sniff_delimiter(text: str) -> str | None:
    """The delimiter of a text table, from its first lines (None: no clear answer).

    >>> sniff_delimiter("id;name\\nP1;Ann\\nP2;Bo\\n")
    ';'
    >>> sniff_delimiter("id\\tname\\nP1\\tAnn Lee, MD\\n")
    '\\t'
    >>> print(sniff_delimiter("name\\nLee; Ann\\nChan; Bo\\n"))
    None
    """
    lines = io.StringIO(text[:65536]).readlines()[:50]
    # csv.Sniffer's quote patterns backtrack for minutes on long runs of quotes (found by
    # bench/fuzz.py): the sample keeps one quote of each run and 2,000 characters a line
    sample = _QUOTE_RUN.sub(r"\1", "".join(line[:2000] for line in lines))
    try:
        found = csv.Sniffer().sniff(sample, delimiters=SNIFF_DELIMITERS).delimiter
    except csv.Error:
        return None
    # the header must be split by it too (a one-column file whose values hold a ';')
    return found if lines and found in lines[0] else None


def _delimiter(path: Path, text: str, delimiter: str | None) -> tuple[str, str | None]:
    """The delimiter to split on, and a note when it was sniffed."""
    if delimiter:
        return delimiter, None
    if path.suffix.lower() == ".tsv":
        return "\t", None
    found = sniff_delimiter(text)
    if found is None or found == ",":
        return ",", None
    return found, f"delimiter sniffed as {found!r} (set delimiter: in the mapping if wrong)"


def _records(path: str, reader: Any) -> Iterator[list[str]]:
    """The reader's records; a cell the CSV module cannot take is a file error with its row."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InputFileError(path, f"cannot split row: {err}", row=reader.line_num) from None


def _split_csv(path: str, text: str, delimiter: str, bound: TimeBound = _UNBOUNDED) -> RawFile:
    split: list[str] = []

    def lines() -> list[str]:  # split exactly as csv.reader sees lines; only when needed
        if not split:
            split.extend(io.StringIO(text).readlines())
        return split

    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(path, "the file is empty (no header row)") from None
    except csv.Error as err:
        raise InputFileError(path, f"cannot split the header: {err}", row=1) from None
    header = [h.strip() for h in header]
    if not any(header):
        raise InputFileError(path, "the header row is empty", row=1)
    dupes = sorted({h for h in header if header.count(h) > 1 and h})
    if dupes:
        raise InputFileError(path, f"duplicate column names in header: {', '.join(dupes)}", row=1)
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    start = reader.line_num + 1
    for n, rec in enumerate(_records(path, reader), 1):
        if n % _EVERY == 0:
            bound.check(row=start)
        end = reader.line_num
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            start = end + 1
            continue  # blank line: not a record
        if len(rec) == width:
            rows.append(rec)
            numbers.append(start)
        elif (
            end > start and sum(lines()[ln - 1].count('"') for ln in range(start, end + 1)) % 2 == 0
        ):
            # a quoted cell over several lines, closed, in a record of the wrong width: one
            # bad record (its inner lines are text, never records of their own)
            rejects.append(
                (
                    start,
                    "".join(lines()[start - 1 : end]).rstrip("\r\n"),
                    f"{len(rec)} fields where the header has {width} "
                    f"(a quoted cell runs over rows {start}-{end})",
                )
            )
        elif end > start:
            # an unbalanced quote swallowed the following lines: parse them one by one
            for ln in range(start, end + 1):
                if (ln - start) % _EVERY == _EVERY - 1:
                    bound.check(row=ln)
                raw = lines()[ln - 1] if ln - 1 < len(lines()) else ""
                if not raw.strip():
                    continue
                one = next(csv.reader([raw.rstrip("\r\n")], delimiter=delimiter), [])
                if raw.count('"') % 2:
                    rejects.append((ln, raw.rstrip("\r\n"), "unbalanced quote"))
                elif len(one) != width:
                    rejects.append(
                        (ln, raw.rstrip("\r\n"), f"{len(one)} fields where the header has {width}")
                    )
                else:
                    rows.append(one)
                    numbers.append(ln)
        else:
            rejects.append(
                (
                    start,
                    lines()[start - 1].rstrip("\r\n") if start - 1 < len(lines()) else "",
                    f"{len(rec)} fields where the header has {width}",
                )
            )
        start = end + 1
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[ROW] = numbers
    return RawFile(path, frame, "", "", len(rows) + len(rejects), rejects, delimiter)


def workbook_sheets(path: str | Path) -> list[str]:
    """The sheet names of a workbook, in order (:class:`InputFileError` when unreadable).

    Parameters
    ----------
    path : str or pathlib.Path
        The workbook.

    Returns
    -------
    list of str
        The sheet names.

    Raises
    ------
    InputFileError
        When the workbook cannot be read.
    """
    try:
        with pd.ExcelFile(path) as book:
            return [str(n) for n in book.sheet_names]
    except Exception as err:  # openpyxl raises many types for broken files
        raise InputFileError(str(path), f"cannot read the workbook: {err}") from err


def _sheet_name(path: Path, sheet: str | int, sheets: list[str]) -> str:
    if isinstance(sheet, int):
        if not 0 <= sheet < len(sheets):
            raise InputFileError(
                str(path), f"no sheet number {sheet}; the sheets are: {', '.join(sheets)}"
            )
        return sheets[sheet]
    if sheet not in sheets:
        raise InputFileError(str(path), f"no sheet {sheet!r}; the sheets are: {', '.join(sheets)}")
    return sheet


def _existing_file(path: str | Path) -> tuple[Path, str]:
    """The input file and its digest; :class:`InputFileError` when there is no such file."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(str(p), "no such file")
    return p, file_sha256(p)


def _read_sheet(p: Path, sheet: str | int, nrows: int | None = None) -> tuple[pd.DataFrame, str]:
    name = _sheet_name(p, sheet, workbook_sheets(p))
    try:
        frame = pd.read_excel(p, sheet_name=name, dtype=object, header=0, nrows=nrows)
    except Exception as err:  # openpyxl raises many types for broken files
        raise InputFileError(str(p), f"sheet {name!r}: cannot read it: {err}") from err
    if frame.columns.empty:
        raise InputFileError(str(p), f"sheet {name!r} is empty (no header row)")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, name


def read_header(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int = 0,
    bound: TimeBound | None = None,
) -> Header:
    """A first pass over a file: its digest and header, and a check that all of it decodes.

    Holds at most a megabyte of the file (a text file is decoded in chunks), so an ingest
    can look at every input before it writes anything. Raises :class:`InputFileError` for
    what :func:`read_file` would raise for, except bad rows.

    Parameters
    ----------
    path : str or pathlib.Path
        The input file.
    encoding : str or None, default None
        The text encoding; None means UTF-8, else guessed.
    delimiter : str or None, default None
        The field delimiter; None means a tab for ``.tsv``, else sniffed.
    sheet : str or int, default 0
        The workbook sheet, by name or position.
    bound : TimeBound or None, default None
        The pass's time bound, checked between megabytes; None means none.

    Returns
    -------
    Header
        The file's digest, header and how it is read.

    Raises
    ------
    InputFileError
        When the file is missing, empty, undecodable, or has no data rows;
        :class:`~netintel.exceptions.InputTimeoutError` when ``bound`` passed.
    """
    bound = bound or _UNBOUNDED
    p, digest = _existing_file(path)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        frame, name = _read_sheet(p, sheet, nrows=1)
        if frame.empty:
            raise InputFileError(str(p), f"sheet {name!r} has a header but no data rows")
        return Header(str(p), digest, tuple(frame.columns), "xlsx", sheet=name)
    with p.open("rb") as f:
        head = f.read(_SAMPLE)
        if not head.strip() and not f.read(1):
            raise InputFileError(str(p), "the file is empty")
        text, enc, _ = _decode(p, head, encoding)
        lines = 1 + head.count(b"\n")
        decoder = codecs.getincrementaldecoder(enc)()
        decoder.decode(head)
        for chunk in iter(lambda: f.read(_SAMPLE), b""):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                if not encoding:  # decide as read_file does, on the whole file (rare)
                    text, enc, _ = _decode(p, p.read_bytes(), None)
                    break
                raise InputFileError(
                    str(p),
                    f"cannot decode bytes {chunk[err.start : err.start + 4]!r} as {enc} "
                    "(set the file's encoding in the mapping)",
                    row=lines + chunk[: err.start].count(b"\n"),
                ) from None
            lines += chunk.count(b"\n")
            bound.check(row=lines)
    delim, _ = _delimiter(p, text, delimiter)
    reader = csv.reader(io.StringIO(text), delimiter=delim, strict=False)
    header = next(_records(str(p), reader), None)
    if header is None:  # bytes, but no line: a byte-order mark alone, say
        raise InputFileError(str(p), "the file has no header row")
    rest = _records(str(p), reader)
    if lines <= head.count(b"\n") + 1 and not any(any(c.strip() for c in r) for r in rest):
        raise InputFileError(str(p), "the file has a header but no data rows")
    return Header(str(p), digest, tuple(h.strip() for h in header), enc, delim)


def read_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    sheet: str | int = 0,
    bound: TimeBound | None = None,
) -> RawFile:
    """Read a text table (CSV, TSV, ...) or one sheet of a workbook as strings.

    Raises :class:`InputFileError` when the file cannot be read at all: missing, empty,
    undecodable, or with a broken header.

    Parameters
    ----------
    path : str or pathlib.Path
        The input file.
    encoding : str or None, default None
        The text encoding; None means UTF-8, else guessed.
    delimiter : str or None, default None
        The field delimiter; None means a tab for ``.tsv``, else sniffed.
    sheet : str or int, default 0
        The workbook sheet, by name or position.
    bound : TimeBound or None, default None
        The time bound, checked after the decode and every 1,000 rows; None means none.

    Returns
    -------
    RawFile
        The rows as strings, and how the file was read.

    Raises
    ------
    InputFileError
        When the file is missing, empty, undecodable, or has a broken header;
        :class:`~netintel.exceptions.InputTimeoutError` when ``bound`` passed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "persons.tsv"
    >>> _ = path.write_text("person_id\\tname\\nP1\\tLee, Ann\\n", encoding="utf-8")
    >>> raw = read_file(path)
    >>> raw.delimiter, raw.frame["name"].tolist()
    ('\\t', ['Lee, Ann'])
    """
    bound = bound or _UNBOUNDED
    p, digest = _existing_file(path)
    if p.suffix.lower() in WORKBOOK_SUFFIXES:
        frame, name = _read_sheet(p, sheet)
        bound.check(row=len(frame) + 1)  # the sheet is read in one piece (openpyxl)
        frame = frame.map(lambda v: None if is_missing(v) else _cell_text(v))
        frame[ROW] = range(2, len(frame) + 2)
        raw = RawFile(str(p), frame, "xlsx", digest, len(frame), sheet=name)
    else:
        data = p.read_bytes()
        if not data.strip():
            raise InputFileError(str(p), "the file is empty")
        text, enc, note = _decode(p, data, encoding)
        del data
        bound.check(row=1)
        delim, sniffed = _delimiter(p, text, delimiter)
        raw = _split_csv(str(p), text, delim, bound)
        raw.encoding, raw.sha256 = enc, digest
        raw.notes += [n for n in (note, sniffed) if n]
    if raw.rows_read == 0:
        where = f"sheet {raw.sheet!r} has" if raw.sheet else "the file has"
        raise InputFileError(str(p), f"{where} a header but no data rows")
    return raw


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    return str(v)


def frame_as_raw(name: str, frame: pd.DataFrame) -> RawFile:
    """Wrap a DataFrame given by the caller as if it had been read from a file."""
    if frame.columns.empty:
        raise InputFileError(name, "the DataFrame has no columns")
    if len(frame) == 0:
        raise InputFileError(name, "the DataFrame has no rows")
    f = frame.copy()
    f.columns = [str(c).strip() for c in f.columns]
    f = f.astype(object).map(lambda v: None if is_missing(v) else _cell_text(v))
    f[ROW] = range(2, len(f) + 2)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes()
    ).hexdigest()
    return RawFile(name, f.reset_index(drop=True), "dataframe", digest, len(f))

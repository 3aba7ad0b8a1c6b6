"""Read one input file into a frame of strings, keeping every row accounted for.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2. A row the CSV parser cannot split into the header's number of
fields (a stray quote, a missing delimiter) is not dropped: it comes back as a
*parse reject* with its row number, so rows read = rows parsed + parse rejects.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netintel.exceptions import InputFileError

__all__ = ["ENCODINGS", "RawFile", "read_file", "sha256_file"]

#: Encodings tried in order when a file does not say (regional offices send GB18030/GBK).
ENCODINGS = ("utf-8-sig", "gb18030")

ROW = "__row__"


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


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    tried = (encoding,) if encoding else ENCODINGS
    for enc in tried:
        try:
            return data.decode(enc), enc
        except (UnicodeDecodeError, LookupError) as err:
            last = err
    if isinstance(last, LookupError):
        raise InputFileError(str(path), f"unknown encoding {encoding!r}")
    assert isinstance(last, UnicodeDecodeError)
    line = data[: last.start].count(b"\n") + 1
    raise InputFileError(
        str(path),
        f"cannot decode bytes {data[last.start : last.start + 4]!r} as any of "
        f"{', '.join(tried)} (set the file's encoding in the mapping)",
        row=line,
    )


def _split_csv(path: str, text: str, delimiter: str) -> RawFile:
    lines = io.StringIO(text).readlines()  # split exactly as csv.reader sees lines
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(path, "the file is empty (no header row)") from None
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
    for rec in reader:
        end = reader.line_num
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            start = end + 1
            continue  # blank line: not a record
        if len(rec) == width:
            rows.append(rec)
            numbers.append(start)
        elif end > start:
            # an unbalanced quote swallowed the following lines: parse them one by one
            for ln in range(start, end + 1):
                raw = lines[ln - 1] if ln - 1 < len(lines) else ""
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
                    lines[start - 1].rstrip("\r\n") if start - 1 < len(lines) else "",
                    f"{len(rec)} fields where the header has {width}",
                )
            )
        start = end + 1
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[ROW] = numbers
    return RawFile(path, frame, "", "", len(rows) + len(rejects), rejects)


def read_file(
    path: str | Path,
    *,
    encoding: str | None = None,
    delimiter: str = ",",
    sheet: str | int = 0,
) -> RawFile:
    """Read a CSV or Excel file as strings.

    Raises :class:`InputFileError` when the file cannot be read at all: missing,
    empty, undecodable, or with a broken header.
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(str(p), "no such file")
    digest = sha256_file(p)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            frame = pd.read_excel(p, sheet_name=sheet, dtype=object, header=0)
        except Exception as err:  # openpyxl raises many types for broken files
            raise InputFileError(str(p), f"cannot read the workbook: {err}") from err
        if frame.columns.empty:
            raise InputFileError(str(p), "the sheet is empty (no header row)")
        frame.columns = [str(c).strip() for c in frame.columns]
        frame = frame.map(lambda v: None if pd.isna(v) else _cell_text(v))
        frame[ROW] = range(2, len(frame) + 2)
        raw = RawFile(str(p), frame, "xlsx", digest, len(frame))
    else:
        data = p.read_bytes()
        if not data.strip():
            raise InputFileError(str(p), "the file is empty")
        text, enc = _decode(p, data, encoding)
        raw = _split_csv(str(p), text, delimiter)
        raw.encoding, raw.sha256 = enc, digest
    if raw.rows_read == 0:
        raise InputFileError(str(p), "the file has a header but no data rows")
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
    f = f.astype(object).map(lambda v: None if _isna(v) else _cell_text(v))
    f[ROW] = range(2, len(f) + 2)
    digest = hashlib.sha256(
        pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes()
    ).hexdigest()
    return RawFile(name, f.reset_index(drop=True), "dataframe", digest, len(f))


def _isna(v: object) -> bool:
    try:
        return bool(pd.isna(v))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False

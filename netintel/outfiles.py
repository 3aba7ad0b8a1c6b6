"""Files netintel writes for people to open: complete or absent, and safe in a spreadsheet.

Two rules, one home:

* **Atomic**: :func:`atomic_path` hands out a temporary name beside the target and renames
  it over the target only when the writing succeeded, so a failed or killed write never
  leaves a truncated file under the final name (a rename within one folder is atomic).
* **No formulas**: a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return is run as a formula when the file is opened in Excel or LibreOffice (e.g.
  ``=cmd|' /C calc'!A0`` from a hostile case file). :func:`safe_cell` prefixes such text
  with ``'`` (OWASP's rule), numbers excepted, so ``-5`` and ``+8613812340001`` stay as
  they are. :func:`write_csv` applies both, in UTF-8 with a byte-order mark by default
  (without it Excel guesses the Windows code page and shows Chinese as mojibake).

>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-5"), safe_cell("+8613812340001")
('\\'=HYPERLINK("http://x")', '-5', '+8613812340001')
>>> safe_cell("@SUM(A1)"), safe_cell("李慧"), safe_cell(3)
("'@SUM(A1)", '李慧', 3)
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["FORMULA_STARTS", "atomic_path", "safe_cell", "safe_frame", "write_csv", "write_text"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def safe_cell(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.

    Parameters
    ----------
    value : object
        A cell's value.

    Returns
    -------
    object
        ``"'" + value`` for text starting with one of :data:`FORMULA_STARTS` that is not a
        finite number; ``value`` itself otherwise.

    Examples
    --------
    >>> safe_cell("=1+1"), safe_cell("-5"), safe_cell(3)
    ("'=1+1", '-5', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell (and column name) passed through
    :func:`safe_cell`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame (not modified); numeric columns are left as they are.

    Returns
    -------
    pandas.DataFrame
        The neutralised copy.

    Examples
    --------
    >>> safe_frame(pd.DataFrame({"name": ["=1+1", "Ann"], "n": [1, 2]}))["name"].tolist()
    ["'=1+1", 'Ann']
    """
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed to ``path`` when the block succeeds.

    On an exception the temporary file is removed and ``path`` is left as it was (absent,
    or the previous complete version).

    Parameters
    ----------
    path : str or pathlib.Path
        The target file; its folder is created when missing.

    Yields
    ------
    pathlib.Path
        An empty temporary file in the target's folder, to write to.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done", encoding="utf-8")
    >>> target.read_text(encoding="utf-8")
    'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(frame: pd.DataFrame, path: str | Path, *, encoding: str = "utf-8-sig") -> Path:
    """Write ``frame`` as CSV (no index) to ``path``: atomically, formulas neutralised.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; text cells and column names go through :func:`safe_cell`.
    path : str or pathlib.Path
        The target file (its folder is created when missing).
    encoding : str, default "utf-8-sig"
        The file's encoding; the default writes a UTF-8 byte-order mark.

    Returns
    -------
    pathlib.Path
        The target path.

    Examples
    --------
    >>> import tempfile
    >>> out = write_csv(pd.DataFrame({"v": ["=2*3"]}), Path(tempfile.mkdtemp()) / "t.csv")
    >>> out.read_bytes()
    b"\\xef\\xbb\\xbfv\\n'=2*3\\n"
    """
    target = Path(path)
    with atomic_path(target) as tmp:
        safe_frame(frame).to_csv(tmp, index=False, encoding=encoding)
    return target


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: the whole page or none of it.

    Parameters
    ----------
    path : str or pathlib.Path
        The target file (its folder is created when missing).
    text : str
        The content.

    Returns
    -------
    pathlib.Path
        The target path.
    """
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return target

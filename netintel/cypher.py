"""Named Cypher queries, kept as ``cypher/<name>.cypher`` files and loaded by name.

The files live at the top of the repository (``cypher/``); a built wheel carries a copy in
``netintel/queries/`` (the build hook in ``setup.py``). :data:`CYPHER_DIR` is the packaged
copy when there is one, otherwise the checkout's folder (source tree, editable install).

>>> "MATCH" in query("graph_summary")
True
>>> CYPHER_DIR.name in ("queries", "cypher")
True
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from netintel.exceptions import SchemaError

__all__ = ["CYPHER_DIR", "names", "query"]

_PACKAGE = Path(__file__).resolve().parent


def _cypher_dir() -> Path:
    packaged = _PACKAGE / "queries"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "cypher"


CYPHER_DIR = _cypher_dir()


@cache
def query(name: str) -> str:
    """The text of ``cypher/<name>.cypher`` (comments starting with ``//`` kept).

    Parameters
    ----------
    name : str
        The query's name, the stem of a file in ``netintel/cypher/`` (see :func:`names`).

    Returns
    -------
    str
        The query's text, without surrounding blanks and a final ``;``.

    Raises
    ------
    SchemaError
        When there is no query called ``name``.
    """
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.is_file():
        raise SchemaError(f"no named query {name!r} in {CYPHER_DIR} (known: {', '.join(names())})")
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def names() -> list[str]:
    """The names of all queries in ``cypher/``."""
    return sorted(p.stem for p in CYPHER_DIR.glob("*.cypher"))

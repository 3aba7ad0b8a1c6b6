"""Named Cypher queries, kept as ``cypher/<name>.cypher`` files and loaded by name.

>>> "MATCH" in query("graph_summary")
True
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from netintel.exceptions import SchemaError

__all__ = ["CYPHER_DIR", "names", "query"]

CYPHER_DIR = Path(__file__).resolve().parent.parent / "cypher"


@cache
def query(name: str) -> str:
    """The text of ``cypher/<name>.cypher`` (comments starting with ``//`` kept)."""
    path = CYPHER_DIR / f"{name}.cypher"
    if not path.is_file():
        raise SchemaError(f"no named query {name!r} in {CYPHER_DIR} (known: {', '.join(names())})")
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def names() -> list[str]:
    """The names of all queries in ``cypher/``."""
    return sorted(p.stem for p in CYPHER_DIR.glob("*.cypher"))

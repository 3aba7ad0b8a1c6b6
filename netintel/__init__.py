"""netintel: graph-based criminal network analysis on Neo4j and networkx."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("netintel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]

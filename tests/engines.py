"""The optional fast engines (igraph, leidenalg, networkit, infomap) in the tests.

A test of an engine that is not installed is skipped, except when ``NETINTEL_REQUIRE_ENGINES=1``
(``make test`` sets it, and so CI): there a missing engine fails the test, since
``make setup`` installs them all (``.[dev,fast,dask]``).
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest

REQUIRE_ENV = "NETINTEL_REQUIRE_ENGINES"


def required() -> bool:
    """Whether a missing engine is a failure (``NETINTEL_REQUIRE_ENGINES=1``) or a skip."""
    return os.environ.get(REQUIRE_ENV, "").strip() == "1"


def engine(name: str) -> ModuleType:
    """The engine's package, imported; a skip when it is missing, or a failure if required."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if required():
            pytest.fail(f"{name} is missing ({exc}): pip install -e '.[fast]'", pytrace=False)
        pytest.skip(f"{name} is not installed ({REQUIRE_ENV}=1 makes this a failure)")


def available(name: str) -> bool:
    """Whether the engine can be imported; a missing one fails the test if required."""
    try:
        importlib.import_module(name)
    except ImportError:
        if required():
            pytest.fail(f"{name} is missing: pip install -e '.[fast]'", pytrace=False)
        return False
    return True

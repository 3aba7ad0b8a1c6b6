"""tests/engines.py: a missing fast engine skips, or fails when the run requires engines."""

from __future__ import annotations

import pytest
from engines import REQUIRE_ENV, available, engine

MISSING = "netintel_no_such_engine"


def test_a_missing_engine_skips_unless_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match=f"{MISSING} is not installed"):
        engine(MISSING)
    assert available(MISSING) is False
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{MISSING} is missing"):
        engine(MISSING)
    with pytest.raises(pytest.fail.Exception, match=f"{MISSING} is missing"):
        available(MISSING)


def test_an_installed_engine_is_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_ENV, "1")
    assert engine("json").__name__ == "json"
    assert available("json") is True

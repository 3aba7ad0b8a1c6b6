"""The analyst notebooks run top to bottom, and ship without outputs.

Each notebook that uses a database works in its own local case (``notebook-01`` ...), started
by the notebook itself in the test run's private state folder (tests/conftest.py), so the
test starts one server per such notebook and stops it afterwards. Notebooks without a case
(04 to 06: pure networkx on the shared data sets) need no database and are not marked neo4j.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    )


def _case_of(path: Path) -> str | None:
    """The case a notebook connects to (``connection(case="...")``), if any."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "connection(" in cell.source:
            found = re.search(r"connection\(case=\"([^\"]+)\"\)", cell.source)
            assert found, f"{path.name} connects without a case of its own"
            return found.group(1)
    return None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_notebook_has_its_own_case(path: Path) -> None:
    case = _case_of(path)
    others = {_case_of(p) for p in NOTEBOOKS if p != path}
    assert case is None or (case != "default" and case not in others)


def _needs_database(path: Path) -> bool:
    return _case_of(path) is not None


def test_the_disruption_notebook_needs_no_database() -> None:
    (path,) = [p for p in NOTEBOOKS if p.name.startswith("06_")]
    assert not _needs_database(path)


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.neo4j) if _needs_database(p) else p for p in NOTEBOOKS],
    ids=lambda p: p.name,
)
def test_notebook_runs(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netintel import server

    # the kernel inherits this environment: the private NETINTEL_HOME, and no server of
    # the user's, so that the notebook's own case is what it connects to
    for key in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NETINTEL_CASE", "NETINTEL_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("NETINTEL_NEO4J_JAVA_OPTS", "-Xms512m -Xmx768m")
    case = _case_of(path)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()  # raises CellExecutionError with the failing cell and its trace
    finally:
        if case is not None:
            assert server.stop(state_dir=server.case_dir(case)), f"case {case} did not run"

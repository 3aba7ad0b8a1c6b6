"""The built wheel is complete: installed outside the repository, it ingests and queries.

The wheel is built from a copy of the source (so the checkout gets no ``build/``), installed
without dependencies into a fresh venv in a temp folder, and run from a temp working
directory. The dependencies come from the running interpreter's site-packages through a plain
path line in a ``.pth`` file: such a line adds the folder but does not run the ``.pth`` files in
it, so the development venv's editable finder stays off and only the wheel's copy of netintel
can be imported.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import neo4j
import pytest

from netintel.cypher import names

ROOT = Path(__file__).resolve().parent.parent
#: what a build needs from the checkout (the sdist's contents, see MANIFEST.in)
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "netintel", "cypher")

pytestmark = pytest.mark.neo4j


def _run(cmd: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv, outside the repository, with the wheel of this checkout installed."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    wheels = tmp / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(src)],
        cwd=tmp,
        env=env,
    )  # fmt: skip
    (wheel,) = wheels.glob("netintel-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp, env=env)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=tmp,
        env=env,
    ).stdout.strip()
    deps = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "dev-dependencies.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        cwd=tmp,
        env=env,
    )  # fmt: skip
    return venv


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("NEO4J")}
    return {**env, **extra}


def test_the_wheel_carries_the_queries(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    code = (
        "import json, netintel, netintel.cypher as c; "
        "print(json.dumps([netintel.__file__, str(c.CYPHER_DIR), c.names()]))"
    )
    out = _run([str(python), "-c", code], cwd=tmp_path, env=_env({})).stdout
    package_file, cypher_dir, queries = json.loads(out)
    assert Path(package_file).is_relative_to(installed)
    assert Path(cypher_dir).is_relative_to(installed)
    assert queries == names()


def test_the_wheel_carries_the_page_templates(installed: Path, tmp_path: Path) -> None:
    python = installed / "bin" / "python"
    code = (
        "import json, networkx as nx, netintel.pages as p; "
        "from netintel.viz import map_html; "
        "page = map_html(nx.path_graph(3), title='t'); "
        "names = ('report.css', 'batch-report.css', 'leaderboard.css'); "
        "styles = [p.static_text(n) for n in names]; "
        "report = p.markdown_page('r', '# r', css='report.css'); "
        "print(json.dumps([p.__file__, page.count('#ni-legend {'), 'api.search = search' in page, "
        "report.count('<h1>r</h1>'), all(styles)]))"
    )
    out = _run([str(python), "-c", code], cwd=tmp_path, env=_env({})).stdout
    pages_file, legend_rules, script, heading, styles = json.loads(out)
    assert Path(pages_file).is_relative_to(installed)
    assert (legend_rules, script, heading, styles) == (1, True, 1, True)


def test_installed_wheel_ingests_and_queries(
    installed: Path, tmp_path: Path, graph: neo4j.Driver, neo4j_env: dict[str, str]
) -> None:
    data = tmp_path / "case"
    data.mkdir()
    (data / "persons.csv").write_text("person_id,name\nP1,Ann\nP2,Bo\n", encoding="utf-8")
    (data / "ties.csv").write_text("from_id,to_id,weight\nP1,P2,3\n", encoding="utf-8")
    netintel = str(installed / "bin" / "netintel")
    env = _env(neo4j_env)
    report = json.loads(
        _run([netintel, "ingest", str(data), "--json", "--quiet"], cwd=tmp_path, env=env).stdout
    )
    assert [(f["record"], f["rows_loaded"]) for f in report["files"]] == [
        ("persons", 2),
        ("ties", 1),
    ]
    summary = json.loads(_run([netintel, "summary", "--json"], cwd=tmp_path, env=env).stdout)
    counts = {(row["kind"], row["name"]): row["count"] for row in summary}
    assert counts[("node", "Person")] == 2, summary
    assert counts[("relationship", "TIE")] == 1, summary
    records, _, _ = graph.execute_query("MATCH (:Person)-[t:TIE]->(:Person) RETURN t.weight AS w")
    assert [r["w"] for r in records] == [3.0]

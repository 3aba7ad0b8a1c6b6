"""docs/architecture.md says which rooms the package has and what each imports: check it.

The table in the document is read here; every module of ``netintel`` must belong to exactly one
room, and the rooms each room imports (any ``import`` statement, at module level or inside a
function) must be exactly the ones the table lists. A new import across rooms therefore fails
here until the document says so, and a stale line in the document fails too.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "netintel"
DOC = ROOT / "docs" / "architecture.md"


def _table() -> dict[str, tuple[list[str], set[str]]]:
    """room -> (module patterns, rooms it imports), from the document's table."""
    rooms: dict[str, tuple[list[str], set[str]]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("**"):
            continue
        room = cells[0].strip("*")
        modules = re.findall(r"`([^`]+)`", cells[1])
        imports = set(re.findall(r"\*\*([^*]+)\*\*", cells[3]))
        rooms[room] = (modules, imports)
    return rooms


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _room_of(module: str, rooms: dict[str, tuple[list[str], set[str]]]) -> list[str]:
    """The rooms whose patterns name the module (``netintel/x.py`` or ``netintel/x/``)."""
    found = []
    for room, (patterns, _) in rooms.items():
        for pat in patterns:
            name = pat.removesuffix(".py").removesuffix("/").removesuffix("/__init__")
            name = name.replace("/", ".")
            if module == name or (pat.endswith("/") and module.startswith(name + ".")):
                found.append(room)
                break
    return found


def _imported(module: str, path: Path) -> set[str]:
    """Every netintel module a module imports, resolved from relative imports too."""
    out: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "netintel")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] != "netintel":
                continue
            out.add(target)
            # ``from netintel import batch`` imports the module netintel.batch
            out.update(f"{target}.{a.name}" for a in node.names)
    return out


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


@pytest.fixture(scope="module")
def rooms() -> dict[str, tuple[list[str], set[str]]]:
    found = _table()
    assert len(found) >= 10, "docs/architecture.md lost its table of rooms"
    return found


def test_every_module_is_in_exactly_one_room(rooms: dict[str, tuple[list[str], set[str]]]) -> None:
    placed = {m: _room_of(m, rooms) for m in _modules()}
    assert {m: r for m, r in placed.items() if len(r) != 1} == {}


def test_rooms_import_what_the_document_says(rooms: dict[str, tuple[list[str], set[str]]]) -> None:
    modules = _modules()
    actual: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        (room,) = _room_of(module, rooms)
        for target in _imported(module, path):
            resolved = _resolve(target, modules)
            if resolved is None:
                continue
            (other,) = _room_of(resolved, rooms)
            if other != room:
                actual[room].add(other)
    documented = {room: imports for room, (_, imports) in rooms.items()}
    assert {r: sorted(actual[r]) for r in rooms} == {r: sorted(documented[r]) for r in rooms}


def test_no_import_cycle_between_rooms(rooms: dict[str, tuple[list[str], set[str]]]) -> None:
    graph = {room: imports for room, (_, imports) in rooms.items()}
    done: set[str] = set()

    def visit(room: str, trail: tuple[str, ...]) -> None:
        assert room not in trail, " -> ".join([*trail, room])
        if room in done:
            return
        for other in sorted(graph[room]):
            visit(other, (*trail, room))
        done.add(room)

    for room in sorted(graph):
        visit(room, ())


@pytest.mark.parametrize("room", ["algorithms", "investigate"])
def test_pure_rooms_do_not_reach_neo4j(room: str) -> None:
    """Algorithms, and investigate's topic modules, are functions over graphs and frames."""
    offending = {}
    for module, path in _modules().items():
        if not module.startswith(f"netintel.{room}") or module == "netintel.investigate.readers":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        bad = sorted(n for n in names if n.split(".")[0] == "neo4j" or n == "netintel.cypher")
        if bad:
            offending[module] = bad
    assert offending == {}

"""docs/architecture.md says which rooms the package has and what each imports: check it.

The table in the document is read here; every module of ``netintel`` must belong to exactly one
room, and the rooms each room imports (any ``import`` statement, at module level or inside a
function) must be exactly the ones the table lists. A new import across rooms therefore fails
here until the document says so, and a stale line in the document fails too. It also holds
every function of the package to 80 lines of code at most (issue #12).
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


#: the longest function the package may hold, in lines of code (issue #12)
MAX_FUNCTION_LINES = 80


def _code_lines(text: str, tree: ast.Module) -> set[int]:
    """Lines holding code: not blank, not only a comment, not in a docstring."""
    import io
    import tokenize

    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    lines: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in skip and tok.type != tokenize.ENDMARKER:
            lines.update(range(tok.start[0], tok.end[0] + 1))
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = node.body[0] if node.body else None
            value = doc.value if isinstance(doc, ast.Expr) else None
            if doc is not None and isinstance(value, ast.Constant) and isinstance(value.value, str):
                lines -= set(range(doc.lineno, (doc.end_lineno or doc.lineno) + 1))
    return lines


def _function_lengths(path: Path) -> list[tuple[int, str]]:
    """(lines of code, name) of every function in ``path``, decorators left out."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    code = _code_lines(text, tree)
    return [
        (len(code & set(range(node.lineno, (node.end_lineno or node.lineno) + 1))), node.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]


def test_the_length_count_leaves_out_docstrings_comments_and_decorators(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        '@decorator(\n    1,\n)\ndef f(x):\n    """Doc.\n\n    More.\n    """\n'
        "    # a comment\n\n    y = (\n        x\n    )\n    return y\n",
        encoding="utf-8",
    )
    assert _function_lengths(source) == [(5, "f")]  # def, y = (, x, ), return


def test_no_function_is_longer_than_80_lines_of_code() -> None:
    too_long = [
        f"{path.relative_to(ROOT)}: {name} ({lines} lines)"
        for path in sorted(PACKAGE.rglob("*.py"))
        for lines, name in _function_lengths(path)
        if lines > MAX_FUNCTION_LINES
    ]
    assert too_long == []

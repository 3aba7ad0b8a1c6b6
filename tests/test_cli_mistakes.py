"""A user's mistake on the command line is one line and exit 2 (3 for the database), never a
traceback.

The first test walks the whole click command tree, so a new command or option is covered
without being listed: every option and argument gets a bad value of its kind, and the error
must name it. Those bad values fail while the command line is parsed, before any database is
touched (the environment points at a server that does not answer, so a value that slips
through would end in exit 3 without naming the option). An option whose kind has no bad value
that can be told without a database must be listed in ``NEEDS_DATABASE`` (tested below against
the real Neo4j) or ``NO_BAD_VALUE`` (with the reason), or the walk fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import neo4j
import pytest
from click.testing import CliRunner

from netintel import clitypes
from netintel.cli import cli

# an unreachable server: nothing in the walk may start or reach a database
NO_DATABASE = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x", "NETINTEL_CONFIG": ""}

#: bad values for options of netintel's own kinds (netintel.clitypes)
BAD_BY_TYPE: dict[type[click.ParamType], str] = {
    clitypes.Duration: "soon",
    clitypes.DateTime: "yesterday",
    clitypes.TimeZone: "Mars/Olympus",
    clitypes.PhoneRegion: "XX",
    clitypes.JavaSize: "lots",
    clitypes.CaseName: "../elsewhere",
    clitypes.Neo4jUri: "http://localhost:7474",
    clitypes.DaskScheduler: "10.0.0.5",
}

#: free-text options whose bad value is known without a database
BAD_TEXT = {
    ("synth", "params"): "n_gangs",
    ("contest make", "params"): "no_such_parameter=1",
    ("detect", "projection"): "nowhere",
    ("export", "out"): "network.docx",
    ("investigate paths", "via"): "roads",
}

#: free-text options that can only be wrong against a graph: tested in the database test below
NEEDS_DATABASE = {
    ("investigate chains", "victim"),
    ("investigate profile", "phone"),
    ("investigate profile", "person"),
    ("investigate paths", "a"),
    ("investigate paths", "b"),
    ("detect", "region"),
    ("map", "region"),
    ("map", "communities"),
    ("export", "region"),
    ("export", "communities"),
    ("predict", "region"),
    ("disrupt", "region"),
    ("players", "region"),
    ("gangs-over-time", "region"),
}

#: free text that any value fits (names of files to write, a user name...)
NO_BAD_VALUE = {
    ("", "neo4j_user"): "any user name; a wrong one is refused by the server (exit 3)",
    ("", "neo4j_database"): "any database name; the server says whether it exists",
    ("ingest", "reject_dir"): "a folder to create",
    ("schema docs", "out"): "a file to write",
    ("contest leaderboard", "out"): "a folder to create",
    ("map", "out"): "a file to write",
    ("gangs-over-time", "out"): "a folder to create",
    ("predict", "run_id"): "any run id; one held by another kind of run is refused (tested)",
    ("investigate chains", "run_id"): "any run id; one of another kind of run is refused (tested)",
    ("changes", "run_id"): "any run id; one the graph never ingested is refused (tested)",
    ("undo", "run_id"): "any run id; one the graph never ingested is refused (test_undo.py)",
    ("audit", "user"): "any OS user name; one with no events lists nothing",
    ("audit", "command_name"): "any command name; one with no events lists nothing",
}


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    """Every leaf command under its own name (a command added again under another name,
    such as ``chains`` for ``investigate chains``, is walked once)."""
    seen: set[int] = set()

    def walk(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
        for name, command in group.commands.items():
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                yield from walk(command, path)
            elif id(command) not in seen:
                seen.add(id(command))
                yield path, command

    yield from walk(group, prefix)


def _bad_value(path: str, param: click.Parameter, tmp: Path) -> str | None:
    """A value that ``param`` must refuse; None when it has none (listed above)."""
    kind = param.type
    if (path, param.name) in BAD_TEXT:
        return BAD_TEXT[(path, param.name)]
    if type(kind) in BAD_BY_TYPE:
        return BAD_BY_TYPE[type(kind)]
    if isinstance(kind, click.IntRange | click.FloatRange):
        if kind.min is not None:
            return str(kind.min if kind.min_open else kind.min - 1)
        return str(kind.max + 1)  # type: ignore[operator]
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return "many"
    if isinstance(kind, click.Choice):
        return "no-such-choice"
    if isinstance(kind, click.Path):
        if kind.exists:
            return str(tmp / "does-not-exist")
        if not kind.file_okay:
            (tmp / "a-file").write_text("x")
            return str(tmp / "a-file")
        if not kind.dir_okay:
            return str(tmp)
    return None


def _cases() -> Iterator[tuple[str, str]]:
    yield from ((path, p.name or "") for p in cli.params for path in [""])
    for path, command in _commands(cli):
        for param in command.params:
            yield path, param.name or ""


CASES = [c for c in _cases() if c[1] not in ("help", "version")]


def _find(path: str, name: str) -> tuple[click.Command, click.Parameter]:
    command: click.Command = cli
    for part in path.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    return command, next(p for p in command.params if p.name == name)


@pytest.mark.parametrize(("path", "name"), CASES, ids=[f"{p or 'netintel'}:{n}" for p, n in CASES])
def test_every_option_refuses_a_bad_value_in_one_line(path: str, name: str, tmp_path: Path) -> None:
    command, param = _find(path, name)
    if isinstance(param, click.Option) and (param.is_flag or param.is_bool_flag):
        return  # a flag has no bad value: given, it is on (documented exit 0)
    if (path, name) in NEEDS_DATABASE or (path, name) in NO_BAD_VALUE:
        return
    bad = _bad_value(path, param, tmp_path)
    assert bad is not None, (
        f"`netintel {path}` {param.opts[0]} has no bad value: give it a checked type "
        "(netintel.clitypes, click.IntRange...) or list it in this test"
    )
    if isinstance(param, click.Argument):
        # the arguments before it get a harmless value (an existing folder); those after
        # it are left out: click reports the first bad value it parses
        before = [p for p in command.params if isinstance(p, click.Argument)]
        before = before[: before.index(param)]
        given = [*(str(tmp_path) for _ in before), bad]
        shown = param.human_readable_name
    else:
        # the required arguments get harmless values, for options checked in the command
        required = [
            str(tmp_path / "new")
            if isinstance(p.type, click.Path) and not p.type.exists
            else str(tmp_path)
            for p in command.params
            if isinstance(p, click.Argument) and p.required
        ]
        given = [param.opts[0], bad, *required]
        shown = param.opts[0]
    args = [*given, "summary"] if path == "" else [*path.split(), *given]
    result = CliRunner().invoke(cli, args, env=NO_DATABASE)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 2, (args, output)
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    named = shown in output or shown.upper() in output
    assert named or ((path, name) in BAD_TEXT and repr(bad) in output), (args, output)


def test_the_walk_covers_every_command() -> None:
    walked = {path for path, _ in CASES}
    for expected in ("ingest", "db clear", "db list", "investigate profile", "detect", "map"):
        assert expected in walked
    listed = set(BAD_TEXT) | NEEDS_DATABASE | set(NO_BAD_VALUE)
    stale = sorted(k for k in listed if k not in CASES)
    assert not stale, f"listed options that no longer exist: {stale}"


@pytest.mark.parametrize(
    ("env", "code", "words"),
    [
        ({"NEO4J_URI": "http://localhost:7474", "NEO4J_PASSWORD": "x"}, 3, "not a Neo4j URI"),
        (
            {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x", "NETINTEL_CASE": "x"},
            2,
            "NEO4J_DATABASE",
        ),
        ({"NETINTEL_CASE": "a/b"}, 2, "not a case name"),
    ],
)
def test_a_bad_environment_is_one_line(env: dict[str, str], code: int, words: str) -> None:
    result = CliRunner().invoke(cli, ["summary"], env=env)
    assert result.exit_code == code
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert "Traceback" not in result.output


def test_debug_shows_the_trace() -> None:
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x", "NETINTEL_CASE": "x"}
    result = CliRunner().invoke(cli, ["--debug", "summary"], env=env)
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "CaseError" in result.stderr


# ------------------------------------------------------------------- against the database


@pytest.fixture
def small_case(graph: neo4j.Driver, tmp_path: Path) -> neo4j.Driver:
    """Two Chinese phones that called each other, ingested with region CN, and one region."""
    from netintel.ingest import ingest

    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "calls.csv").write_text(
        "call_id,caller,callee,started_at,duration_s,tower\n"
        "C1,13812340001,13812340002,2024-01-05T10:00:00Z,60,T1\n"
        "C2,13812340002,13812340001,2024-01-05T11:00:00Z,30,T1\n",
        encoding="utf-8",
    )
    (folder / "locations.csv").write_text(
        "location_id,name,kind,region\nT1,Tower 1,cell tower,Henan\n", encoding="utf-8"
    )
    report = ingest(folder, driver=graph, phone_region="CN", progress=False)
    assert report.rows_rejected == 0, str(report)
    return graph


@pytest.mark.neo4j
def test_a_national_phone_number_is_read_in_the_case_region(
    small_case: neo4j.Driver, neo4j_env: dict[str, str]
) -> None:
    run = CliRunner().invoke
    national = run(cli, ["investigate", "profile", "--phone", "13812340001"], env=neo4j_env)
    assert national.exit_code == 0, national.output
    assert "+8613812340002" in national.stdout  # the contact, found through the national form
    explicit = run(
        cli,
        ["--phone-region", "GB", "investigate", "profile", "--phone", "13812340001"],
        env=neo4j_env,
    )
    assert explicit.exit_code == 2
    assert "--phone" in explicit.stderr and "region GB" not in explicit.stdout


@pytest.mark.neo4j
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["investigate", "profile", "--phone", "+441234"], "no phone '+441234'"),
        (["investigate", "profile", "--person", "NOBODY"], "NOBODY"),
        (["investigate", "chains", "--victim", "NOBODY"], "no person with id NOBODY"),
        (["export", "--region", "Atlantis", "x.graphml"], "known: Henan"),
        (["detect", "--region", "Atlantis"], "known: Henan"),
        (["map", "--region", "Atlantis"], "known: Henan"),
        (["predict", "--region", "Atlantis"], "known: Henan"),
        (
            ["gangs-over-time", "--since", "2024-01-01", "--until", "2024-02-01", "--region", "X"],
            "known: Henan",
        ),
        (["map", "--projection", "phone_calls", "--communities", "no-run"], "--communities"),
    ],
)
def test_unknown_ids_and_regions_are_one_line(
    small_case: neo4j.Driver,
    neo4j_env: dict[str, str],
    tmp_path: Path,
    args: list[str],
    words: str,
) -> None:
    if args[0] in ("detect", "map"):
        args = [*args, "--out", str(tmp_path / ("m.html" if args[0] == "map" else "d"))]
    if args[0] == "export":
        args = [*args[:-1], str(tmp_path / args[-1])]
    result = CliRunner().invoke(cli, args, env=neo4j_env)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "Traceback" not in result.output
    assert not [p for p in ("d", "m.html", "x.graphml") if (tmp_path / p).exists()]


def test_a_csv_encoding_for_another_format_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "net.graphml"
    result = CliRunner().invoke(cli, ["export", "--encoding", "utf-8", str(out)], env=NO_DATABASE)
    assert result.exit_code == 2
    assert "--encoding" in result.stderr and "CSV tables" in result.stderr
    assert not out.exists()

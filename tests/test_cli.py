"""The netintel command: help, exit codes, one-line errors, and an ingest end to end."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import neo4j
import pandas as pd
import pytest
from click.testing import CliRunner

from netintel.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def test_help_lists_the_commands_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "ingest", "summary", "schema", "demo"):
        assert command in result.output
    ingest_help = CliRunner().invoke(cli, ["ingest", "--help"])
    assert "Example:" in ingest_help.output and "--mapping" in ingest_help.output


@pytest.mark.parametrize("command", ["map", "export"])
def test_maps_and_exports_colour_by_find_gangs_by_default(command: str) -> None:
    # issue #11: every caller uses find_gangs by default (docs/maps.md)
    out = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
    assert "--communities ALGORITHM|RUN_ID" in out
    assert "stored analysis run. [default: find_gangs]" in out


def test_schema_docs_prints_the_generated_layout() -> None:
    result = CliRunner().invoke(cli, ["schema", "docs"])
    assert result.exit_code == 0
    assert result.output == (ROOT / "docs" / "input-format.md").read_text(encoding="utf-8")


def test_bad_mapping_is_one_line_and_exit_2(tmp_path: Path, neo4j_env: dict[str, str]) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("files:\n  - match: '*.csv'\n    record: callz\n")
    result = CliRunner().invoke(
        cli, ["ingest", str(DATA / "broken"), "-m", str(mapping)], env=neo4j_env
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "unknown record type 'callz'" in result.stderr


@pytest.mark.neo4j
def test_ingest_strict_exits_4_and_writes_rejects(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(DATA / "broken", folder)
    result = CliRunner().invoke(
        cli, ["ingest", str(folder), "--region", "GB", "--strict", "-q"], env=neo4j_env
    )
    assert result.exit_code == 4, result.output
    assert "rejected" in result.stdout
    assert (folder / "rejects" / "persons.csv.rejects.csv").is_file()
    records, _, _ = graph.execute_query(
        "MATCH (p:Person) WITH count(p) AS people "
        "MATCH (l:Location) RETURN people, collect(l.location_id + '@' + l.source) AS places"
    )
    # P1 and P5 from persons.csv; the sighting of P7 was rejected; L1 exists only as the
    # place of the two sightings, with the sightings file as its provenance
    assert records[0]["people"] == 2
    assert records[0]["places"] == ["L1@sightings.csv"]


@pytest.mark.neo4j
def test_unreachable_database_is_exit_3() -> None:
    env = {"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "x"}
    result = CliRunner().invoke(cli, ["summary"], env=env)
    assert result.exit_code == 3
    assert "cannot reach the database" in result.stderr


def test_synth_command_writes_the_ingest_layout(tmp_path: Path) -> None:
    from netintel.schema import RECORDS
    from netintel.synth import RECORD_TYPES

    out = tmp_path / "s"
    result = CliRunner().invoke(cli, ["synth", "--scale", "1500", "--seed", "2", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout
    for name, rt in ((n, RECORDS[n]) for n in RECORD_TYPES):
        header = (out / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == [c.name for c in rt.columns]
    bad = CliRunner().invoke(cli, ["synth", "-p", "n_gangs", str(out)])
    assert bad.exit_code == 2


def test_contest_make_check_score_leaderboard(tmp_path: Path) -> None:
    from netintel.contest import score

    run = CliRunner().invoke
    ch = tmp_path / "ch"
    # 5,000 calls: at 2,000 the three gangs call each other so much that find_gangs sees one
    assert run(cli, ["contest", "make", str(ch), "--scale", "5000", "--seed", "4"]).exit_code == 0
    ok = run(cli, ["contest", "check", str(ch / "baseline"), "--public", str(ch / "public")])
    assert ok.exit_code == 0 and "ok" in ok.stdout
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "gangs.csv").write_text("person_id,gang\nnobody,1\n")
    checked = run(cli, ["contest", "check", str(bad), "--public", str(ch / "public")])
    assert checked.exit_code == 2 and "nobody" in checked.stdout
    scored = run(
        cli, ["contest", "score", str(ch / "baseline"), "--truth", str(ch / "truth"), "--json"]
    )
    assert scored.exit_code == 0
    # the API's score of the baseline; its gangs found well, but not perfectly
    expected = json.loads(score(ch / "baseline", ch / "truth").to_json())
    got = json.loads(scored.stdout)
    # the two scores may be made a second apart: when they were made is all that may differ
    made = [datetime.fromisoformat(d["provenance"].pop("scored_at")) for d in (got, expected)]
    assert timedelta(0) <= made[1] - made[0] <= timedelta(minutes=1)
    assert got == expected
    assert 0.5 < expected["gangs_nmi"] < 1.0
    teams = tmp_path / "teams"
    shutil.copytree(ch / "baseline", teams / "a")
    board = run(
        cli,
        [
            "contest",
            "leaderboard",
            str(teams),
            "--truth",
            str(ch / "truth"),
            "--out",
            str(tmp_path / "lb"),
        ],
    )
    assert board.exit_code == 0
    assert (tmp_path / "lb" / "leaderboard.html").is_file()


@pytest.mark.neo4j
def test_investigate_commands_on_vast(
    graph: neo4j.Driver, shared_data: Path, tmp_path: Path, neo4j_env: dict[str, str]
) -> None:
    from netintel.ingest import ingest
    from netintel.investigate.readers import contact_profile_of

    ingest(
        shared_data / "vast2008_mc3_cdr" / "cdr.csv",
        driver=graph,
        progress=False,
        mapping=ROOT / "docs" / "examples" / "vast2008.mapping.yaml",
        reject_dir=tmp_path,
    )
    run = CliRunner().invoke
    swaps = run(cli, ["investigate", "sim-swaps", "--out", str(tmp_path / "s.csv")], env=neo4j_env)
    assert swaps.exit_code == 0, swaps.output
    found = set(
        pd.read_csv(tmp_path / "s.csv", dtype=str).iloc[:, :2].itertuples(index=False, name=None)
    )
    assert ("200", "300") in found
    profile = run(cli, ["investigate", "profile", "--phone", "200"], env=neo4j_env)
    assert profile.exit_code == 0, profile.output
    # the command prints the API's profile (top 10 contacts), as JSON
    shown = json.loads(profile.stdout)
    api = json.loads(contact_profile_of(graph, phone="200", top=10).to_json())
    times = {"started", "finished", "elapsed_s", "seconds"}
    for result in (shown, api):  # when it ran and for how long differ, nothing else
        result["provenance"] = {k: v for k, v in result["provenance"].items() if k not in times}
    assert shown == api
    cdr = pd.read_csv(shared_data / "vast2008_mc3_cdr" / "cdr.csv", dtype=str)
    mine = cdr[(cdr["From"] == "200") | (cdr["To"] == "200")]
    other = mine["From"].where(mine["From"] != "200", mine["To"])
    assert shown["phones"] == ["200"] and shown["summary"]["calls"] == len(mine)
    # its 6 contacts, phone 5 first with 14 calls
    assert len(shown["contacts"]) == other.nunique() == 6
    assert (shown["contacts"][0]["contact"], shown["contacts"][0]["calls"]) == ("5", 14)
    assert other.value_counts().to_dict()["5"] == 14
    both = run(cli, ["investigate", "profile", "--phone", "1", "--person", "x"], env=neo4j_env)
    assert both.exit_code == 2

"""Cypher injection: hostile names, ids, aliases and mapping values, against the real Neo4j.

A small case is ingested through the public API (and the CLI); its ids, names, aliases,
call ids, towers and mapping values are the strings of :data:`PAYLOADS`. Each must come back
exactly as written, the graph must hold exactly the clean case plus the hostile rows, and
a mapping naming a label or relationship type outside the schema must be refused. The
investigate readers and commands that take ids answer a hostile id with the record or with
"not found", never with anything else, and leave the graph as it was.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from typing import Any

import neo4j
import pytest
import yaml
from click.testing import CliRunner
from loaded_graph import LoadedGraph, empty_graph

from netintel.cli import cli
from netintel.exceptions import MappingError, UnknownIdError
from netintel.ingest import ingest, load_mapping
from netintel.investigate import readers

pytestmark = pytest.mark.neo4j

#: the injection strings tried, each as an id, a name, an alias, a call id, a tower and a
#: source value of a mapping (the closing note of issue #15 cites their number)
PAYLOADS: tuple[str, ...] = (
    "x'}) DETACH DELETE n //",
    '"}) MATCH (n) DETACH DELETE n //',
    "`}) MATCH (n) DETACH DELETE n //",
    "a` {x: 1}) DETACH DELETE n //",
    "$rows",
    "$source}) DETACH DELETE n //",
    "x\\'}) DETACH DELETE n //",
    "'; MATCH (n) DETACH DELETE n; //",
    "x'}) RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "ctl\x01\x07\x1b\x7f end",
    "{{}} ${x} \\u0027 /* */",
)

#: labels and relationship types a mapping may try to load into (none is a record type)
FOREIGN_RECORDS: tuple[str, ...] = (
    "Person",
    "Gang",
    "KNOWS",
    "persons`) DETACH DELETE n //",
    "persons'}) DETACH DELETE n //",
)

#: hops from a hostile person to P1 by calls: person, phone, P1's phone, P1
HOPS = 3

CLEAN_PHONES = ("+8613800138001", "+8613800138002", "+8613800138003")


def _phone(i: int) -> str:
    return f"+86138001381{i:02d}"


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _case(folder: Path, hostile: bool) -> Path:
    """The clean case (3 persons, 1 case, 3 phones, 2 calls), plus one row per payload in each
    file when ``hostile``; and its mapping file."""
    folder.mkdir(parents=True, exist_ok=True)
    hp = PAYLOADS if hostile else ()
    persons = [
        ["P1", "Wang Wei", "Big Wang", "male"],
        ["P2", "Li Na", "", "female"],
        ["P3", "Zhang San", "", "male"],
    ] + [[p, p, f"{p}|alias {p}", p] for p in hp]  # the gender is the mapping's source value
    _write(folder / "persons.csv", ["person_id", "name", "aliases", "gender"], persons)
    _write(folder / "cases.csv", ["case_id"], [["C1"]] + [[f"C {p}"] for p in hp])
    suspects = [["P1", "C1", "leader"], ["P2", "C1", ""]]
    suspects += [[p, f"C {p}", p] for p in hp]
    _write(folder / "case_suspects.csv", ["person_id", "case_id", "role"], suspects)
    numbers = list(CLEAN_PHONES) + [_phone(i) for i in range(len(hp))]
    _write(folder / "phones.csv", ["number"], [[n] for n in numbers])
    users = [["P1", CLEAN_PHONES[0]], ["P2", CLEAN_PHONES[1]], ["P3", CLEAN_PHONES[2]]]
    users += [[p, _phone(i)] for i, p in enumerate(hp)]
    _write(folder / "phone_users.csv", ["person_id", "number"], users)
    calls = [
        ["k1", CLEAN_PHONES[0], CLEAN_PHONES[1], "2024-03-01T10:00:00Z", 60, ""],
        ["k2", CLEAN_PHONES[1], CLEAN_PHONES[2], "2024-03-01T11:00:00Z", 30, ""],
    ]
    calls += [
        [p, _phone(i), CLEAN_PHONES[0], f"2024-03-02T{i:02d}:00:00Z", i + 1, p]
        for i, p in enumerate(hp)
    ]
    header = ["call_id", "caller", "callee", "started_at", "duration_s", "tower"]
    _write(folder / "calls.csv", header, calls)
    mapping = {
        "timezone": "UTC",
        "files": [
            {
                "match": "persons.csv",
                "record": "persons",
                "values": {
                    "gender": {"male": "male", "female": "female", **dict.fromkeys(hp, "female")}
                },
            },
            {"match": "cases.csv", "record": "cases", "constants": {"region": PAYLOADS[0]}},
        ],
    }
    (folder / "mapping.yaml").write_text(yaml.safe_dump(mapping, allow_unicode=False), "utf-8")
    return folder


def _ingest(driver: neo4j.Driver, folder: Path) -> None:
    report = ingest(
        sorted(folder.glob("*.csv")),
        driver=driver,
        mapping=folder / "mapping.yaml",
        reject_dir=folder / "rejects",
        progress=False,
    )
    assert report.rows_rejected == 0, str(report)


def _counts(driver: neo4j.Driver) -> Counter[str]:
    """Nodes by label and relationships by type (ingest runs and the audit log's events,
    one per command, left out)."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:IngestRun AND NOT n:AuditEvent "
        "UNWIND labels(n) AS l RETURN l, count(*) AS c"
    )
    rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c")
    return Counter({r["l"]: r["c"] for r in nodes} | {r["t"]: r["c"] for r in rels})


def _hostile(driver: neo4j.Driver, tmp: Path) -> Counter[str]:
    """The clean case's counts (ingested and read first), then the hostile case loaded."""
    _ingest(driver, _case(tmp / "clean", hostile=False))
    clean = _counts(driver)
    empty_graph(driver)
    _ingest(driver, _case(tmp / "hostile", hostile=True))
    return clean


@pytest.fixture
def hostile_graph(
    loaded_graph: LoadedGraph,
    neo4j_driver: neo4j.Driver,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[neo4j.Driver, Counter[str]]:
    tmp = tmp_path_factory.mktemp("injection")
    return neo4j_driver, loaded_graph("cypher-injection", lambda d: _hostile(d, tmp))


def test_the_graph_is_the_clean_case_plus_the_hostile_rows(
    hostile_graph: tuple[neo4j.Driver, Counter[str]],
) -> None:
    driver, clean = hostile_graph
    n = len(PAYLOADS)
    assert clean == Counter(Person=3, Case=1, Phone=3, SUSPECT_IN=2, USES=3, CALLED=2)
    extra = Counter(Person=n, Case=n, Phone=n, SUSPECT_IN=n, USES=n, CALLED=n, Location=n)
    assert _counts(driver) == clean + extra


def test_every_hostile_value_round_trips_exactly(
    hostile_graph: tuple[neo4j.Driver, Counter[str]],
) -> None:
    driver, _ = hostile_graph
    people, _, _ = driver.execute_query(
        "MATCH (p:Person) WHERE p.person_id = p.name "
        "RETURN p.person_id AS id, p.aliases AS aliases, p.gender AS gender"
    )
    got = {r["id"]: (list(r["aliases"]), r["gender"]) for r in people}
    assert got == {p: ([p, f"alias {p}"], "female") for p in PAYLOADS}
    cases, _, _ = driver.execute_query(
        "MATCH (p:Person)-[s:SUSPECT_IN]->(c:Case) WHERE p.person_id = s.role "
        "RETURN p.person_id AS id, c.case_id AS case, c.region AS region"
    )
    assert sorted((r["id"], r["case"], r["region"]) for r in cases) == sorted(
        (p, f"C {p}", PAYLOADS[0]) for p in PAYLOADS
    )
    calls, _, _ = driver.execute_query(
        "MATCH (a:Phone)-[c:CALLED]->(:Phone) WHERE c.tower IS NOT NULL "
        "RETURN c.call_id AS id, c.tower AS tower, a.number AS caller"
    )
    assert sorted((r["id"], r["tower"], r["caller"]) for r in calls) == sorted(
        (p, p, _phone(i)) for i, p in enumerate(PAYLOADS)
    )
    towers, _, _ = driver.execute_query("MATCH (l:Location) RETURN l.location_id AS id")
    assert sorted(r["id"] for r in towers) == sorted(PAYLOADS)
    # through netintel's own readers
    phones = readers.phones_of(driver, list(PAYLOADS))
    assert sorted(zip(phones["person_id"], phones["number"], strict=True)) == sorted(
        (p, _phone(i)) for i, p in enumerate(PAYLOADS)
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_readers_take_a_hostile_id_as_an_id(
    hostile_graph: tuple[neo4j.Driver, Counter[str]], payload: str
) -> None:
    driver, _ = hostile_graph
    before = _counts(driver)
    i = PAYLOADS.index(payload)
    profile = readers.contact_profile_of(driver, person=payload)
    assert profile.phones == (_phone(i),)
    assert profile.top(5) == [CLEAN_PHONES[0]]
    found = readers.k_shortest_paths_of(driver, payload, "P1", via="calls", k=1)
    labels = [found.label(n) for n in found.paths[0].nodes]
    assert (labels[0], labels[-1]) == (f"Person:{payload} ({payload})", "Person:P1 (Wang Wei)")
    assert found.paths[0].length == HOPS
    missing = payload + " (not here)"
    with pytest.raises(UnknownIdError, match="no person or phone with id"):
        readers.k_shortest_paths_of(driver, missing, "P1", via="calls")
    with pytest.raises(ValueError, match=r"uses no known phone"):
        readers.contact_profile_of(driver, person=missing)
    assert _counts(driver) == before


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cli_takes_a_hostile_id_as_an_id(
    hostile_graph: tuple[neo4j.Driver, Counter[str]], neo4j_env: dict[str, str], payload: str
) -> None:
    driver, _ = hostile_graph
    before = _counts(driver)
    run = CliRunner().invoke
    ok = run(cli, ["investigate", "profile", "--person", payload], env=neo4j_env)
    assert ok.exit_code == 0, ok.output
    assert CLEAN_PHONES[0] in ok.output
    path = run(cli, ["investigate", "paths", payload, "P1", "--via", "calls"], env=neo4j_env)
    assert path.exit_code == 0, path.output
    assert path.output.startswith(f"path 0 ({HOPS} hops): Person:{payload} ({payload}) - ")
    missing = payload + " (not here)"
    for args in (
        ["investigate", "profile", "--person", missing],
        ["investigate", "paths", missing, "P1"],
        ["investigate", "paths", "P1", missing],
    ):
        bad = run(cli, args, env=neo4j_env)
        assert bad.exit_code == 2, bad.output
        lines = bad.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith("netintel: error: "), bad.output
        assert "no person or phone with id" in lines[0] or "uses no known phone" in lines[0]
    assert _counts(driver) == before


@pytest.mark.parametrize("record", FOREIGN_RECORDS)
def test_a_mapping_naming_a_record_outside_the_schema_is_refused(
    graph: neo4j.Driver, tmp_path: Path, neo4j_env: dict[str, str], record: str
) -> None:
    folder = _case(tmp_path / "case", hostile=False)
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(yaml.safe_dump({"files": [{"match": "persons.csv", "record": record}]}))
    with pytest.raises(
        MappingError, match=re.escape(f"unknown record type {record!r}; known: calls, ")
    ):
        load_mapping(mapping)
    with pytest.raises(MappingError, match="unknown record type"):
        ingest(folder / "persons.csv", driver=graph, mapping=mapping, progress=False)
    result = CliRunner().invoke(
        cli, ["ingest", str(folder / "persons.csv"), "--mapping", str(mapping)], env=neo4j_env
    )
    assert result.exit_code == 2, result.output
    assert len(result.output.splitlines()) == 1
    assert "unknown record type" in result.output
    assert _counts(graph) == Counter()


@pytest.mark.parametrize("field", ["Person", "n.name = 1 //", "name`}) DETACH DELETE n //"])
def test_a_mapping_naming_a_field_outside_the_schema_is_refused(tmp_path: Path, field: str) -> None:
    mapping = tmp_path / "bad.yaml"
    entry = {"match": "persons.csv", "record": "persons", "columns": {field: "name"}}
    mapping.write_text(yaml.safe_dump({"files": [entry]}))
    with pytest.raises(MappingError, match="columns names unknown fields"):
        load_mapping(mapping)

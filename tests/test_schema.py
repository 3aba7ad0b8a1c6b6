"""The schema is declared once; the derived artefacts stay in step with it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from netintel import schema
from netintel.exceptions import SchemaError
from netintel.ingest.statements import node_statement, relationship_statement
from netintel.schema import (
    NODES,
    RECORDS,
    RELATIONSHIPS,
    constraint_statements,
    input_format_markdown,
)

ROOT = Path(__file__).resolve().parent.parent


def test_input_format_doc_is_generated_from_the_schema() -> None:
    committed = (ROOT / "docs" / "input-format.md").read_text(encoding="utf-8")
    assert committed == input_format_markdown() + "\n", (
        "stale: run netintel schema docs --out docs/input-format.md"
    )


def test_one_key_constraint_per_label_and_idempotent_form() -> None:
    stmts = list(constraint_statements())
    for node in NODES.values():
        assert sum(f"(n:{node.label}) REQUIRE n.{node.key} IS UNIQUE" in s for s in stmts) == 1
    assert all("IF NOT EXISTS" in s for s in stmts)


def test_statements_use_parameters_not_values() -> None:
    for name, rt in RECORDS.items():
        stmt = node_statement(name) if rt.node else relationship_statement(name)
        assert stmt.startswith("UNWIND $rows AS row")
        assert "'" not in stmt and '"' not in stmt  # no literal values in the text


def test_every_relationship_is_declared_between_known_labels() -> None:
    for rel in RELATIONSHIPS.values():
        assert rel.start in NODES and rel.end in NODES
    calls = RECORDS["calls"]
    assert calls.key_columns == ("call_id",)
    assert RECORDS["sightings"].key_columns == ("person_id", "location_id", "at")


def test_inconsistent_declarations_raise_schema_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import-time check raises (an ``assert`` would vanish under ``python -O``)."""
    calls = RECORDS["calls"]
    broken = dataclasses.replace(calls, columns=calls.columns[1:])  # no call_id column
    monkeypatch.setitem(schema.RECORDS, "calls", broken)
    monkeypatch.setitem(schema.RECORDS, "extra", dataclasses.replace(calls, name="extra"))
    with pytest.raises(SchemaError) as err:
        schema._check()
    assert "LOAD_ORDER must list every record type" in str(err.value)
    assert "'calls': its generated key names unknown columns" in str(err.value)


def test_redaction_follows_the_personal_data_marks_of_the_schema() -> None:
    from netintel.viz.redact import Redaction

    redaction = Redaction(secret="s")
    for node in NODES.values():
        data = {p.name: "x1" if p.type != "list" else ["x1"] for p in node.props}
        out = redaction.node_data(node.label, {node.key: "k1", **data})
        for p in node.props:
            if p.identifying:
                assert p.name not in out
            elif p.pseudonym:
                value = out[p.name][0] if p.type == "list" else out[p.name]
                assert value == redaction.pseudonym("x1", p.pseudonym), (node.label, p.name)
            else:
                assert out[p.name] == data[p.name], (node.label, p.name)
        shown = redaction.node_id("k1", node.label)
        assert shown == (redaction.pseudonym("k1", node.pseudonym) if node.pseudonym else "k1")
    person = {"person_id": "P1", "name": "Ann", "roles": ["victim"]}
    for role in NODES["Person"].prop("roles").protected:
        assert "name" not in redaction.node_data("Person", {**person, "roles": [role]})

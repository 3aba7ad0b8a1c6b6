"""The schema is declared once; the derived artefacts stay in step with it."""

from __future__ import annotations

from pathlib import Path

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

"""The statements of an undo (``netintel.ingest.undo``), generated from the schema.

An ingest run's elements are found label by label and type by type, through the indexes the
schema declares on :data:`~netintel.schema.RUN_INDEXED` (``ingest_run``, ``created_run``) for
every label of :data:`~netintel.schema.NODES` and type of
:data:`~netintel.schema.RELATIONSHIPS`: Neo4j has no index over all labels, and a label
disjunction (``(n:Person|Phone)``) is planned as a label scan, so each statement is a union of
one index lookup per label or type. What an ingest creates has one of these labels or types;
what else hangs on its nodes (analysis results) is reached from them.

Labels, types and property names come from the schema; every value is a parameter (``$run``,
``$limit``, ``$later``). The other statements of an undo (its values, its state, the lock)
are named queries in ``cypher/``.

>>> print(undo_statement("ingest_run_undo_created_nodes"))  # doctest: +ELLIPSIS
CALL () {
  MATCH (n:Case) WHERE n.created_run = $run AND n.ingest_run = $run RETURN n
  UNION
  MATCH (n:Person) WHERE n.created_run = $run AND n.ingest_run = $run RETURN n
...
}
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $limit ROWS
RETURN count(*) AS done
"""

from __future__ import annotations

from functools import cache

from netintel.exceptions import SchemaError
from netintel.schema import CREATED_RUN, NODES, RELATIONSHIPS

__all__ = ["UNDO_STATEMENTS", "undo_statement"]

_RUN = "ingest_run"
#: the run created the element and wrote it last
_CREATED = f"{{v}}.{CREATED_RUN} = $run AND {{v}}.{_RUN} = $run"
#: the run wrote the element last, and it existed before (an earlier writer is kept)
_UPDATED = f"{{v}}.{_RUN} = $run AND {{v}}.{CREATED_RUN} <> $run AND size({{v}}.prior_runs) > 0"
#: the run wrote the element last, and it existed before
_RESTORED = f"{{v}}.{_RUN} = $run AND {{v}}.{CREATED_RUN} <> $run"
#: the run wrote the element at some time: last; or first, and another run since; or neither
#: first nor last, and a later run since ($later: the runs that may have written after it,
#: never $run); the three are disjoint
_WRITTEN = (
    f"{{v}}.{_RUN} = $run",
    f"{{v}}.{CREATED_RUN} = $run AND coalesce({{v}}.{_RUN} <> $run, true)",
    f"{{v}}.{_RUN} IN $later AND $run IN {{v}}.prior_runs"
    f" AND coalesce({{v}}.{CREATED_RUN} <> $run, true)",
)


def _nodes(*where: str, var: str = "n") -> str:
    """A subquery returning the nodes ``var`` of every ingested label meeting one of
    ``where`` (``{v}`` stands for the variable), each node once."""
    branches = [
        f"  MATCH ({var}:{label}) WHERE {w.format(v=var)} RETURN {var}"
        for label in NODES
        for w in where
    ]
    return "CALL () {\n" + "\n  UNION\n".join(branches) + "\n}"


def _relationships(*where: str, var: str = "r") -> str:
    """A subquery returning the relationships ``var`` of every ingested type meeting one of
    ``where`` (disjoint conditions: a relationship has one type, so each comes once, and
    no set of those seen is kept: ``UNION ALL``)."""
    branches = [
        f"  MATCH ()-[{var}:{rel}]->() WHERE {w.format(v=var)} RETURN {var}"
        for rel in RELATIONSHIPS
        for w in where
    ]
    return "CALL () {\n" + "\n  UNION ALL\n".join(branches) + "\n}"


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line for line in text.splitlines())


def _in_transactions(found: str, var: str, action: str) -> str:
    """``found`` (a subquery and what follows it, binding ``var``), then ``action`` on each
    ``var``, a transaction per ``$limit`` of them; how many."""
    return (
        f"{found}\nCALL ({var}) {{ {action} }} IN TRANSACTIONS OF $limit ROWS\n"
        "RETURN count(*) AS done"
    )


_PROVENANCE_BACK = """CALL (x) {
  WITH x, size(x.prior_runs) - 1 AS last
  SET x.ingest_run = x.prior_runs[last],
      x.source = CASE WHEN x.prior_sources[last] = '' THEN null ELSE x.prior_sources[last] END,
      x.source_row = CASE WHEN x.prior_rows[last] = -1 THEN null ELSE x.prior_rows[last] END
  SET x.prior_runs = CASE WHEN last = 0 THEN null ELSE x.prior_runs[..last] END,
      x.prior_sources = CASE WHEN last = 0 THEN null ELSE x.prior_sources[..last] END,
      x.prior_rows = CASE WHEN last = 0 THEN null ELSE x.prior_rows[..last] END
} IN TRANSACTIONS OF $limit ROWS
RETURN count(*) AS done"""


def _unknown(v: str) -> str:
    """The element ``v`` was written last by the run without what an undo needs: no
    ``created_run``, or none of its earlier writers."""
    return (
        f"{v}.{_RUN} = $run AND ({v}.{CREATED_RUN} IS NULL\n"
        f"    OR ({v}.{CREATED_RUN} <> $run AND size(coalesce({v}.prior_runs, [])) = 0))"
    )


def _conflicts() -> str:
    # the later writers are gathered as the distinct lists the elements have (few), never one
    # list per element: reduce(acc + l) over a list of n lists takes time in n squared (40,000
    # elements: 3.5 s; 220,000: minutes)
    return f"""CALL () {{
{_indent(_nodes(*_WRITTEN))}
  RETURN coalesce(n.prior_runs, []) + [n.{_RUN}] AS writers,
         {_unknown("n")} AS unknown
  UNION ALL
{_indent(_relationships(*_WRITTEN))}
  RETURN coalesce(r.prior_runs, []) + [r.{_RUN}] AS writers,
         {_unknown("r")} AS unknown
}}
WITH writers, unknown, [i IN range(0, size(writers) - 1) WHERE writers[i] = $run][0] AS first
WITH unknown, [w IN writers[first + 1..] WHERE w <> $run] AS later
WITH count(CASE WHEN unknown THEN 1 END) AS unknown,
     collect(DISTINCT CASE WHEN size(later) > 0 THEN later END) AS later
CALL () {{
{_indent(_nodes(f"{{v}}.{CREATED_RUN} = $run"))}
  MATCH (n)-[r]-()
  WHERE r.{_RUN} IS NOT NULL AND r.{_RUN} <> $run
  RETURN collect(DISTINCT r.{_RUN}) AS attached
}}
CALL () {{
  MATCH (v:ValueChange {{run: $run}})
  OPTIONAL MATCH (n) WHERE elementId(n) = v.element
  OPTIONAL MATCH ()-[r]->() WHERE elementId(r) = v.element
  WITH v, coalesce(n.{_RUN}, r.{_RUN}) AS writer
  RETURN count(CASE WHEN writer IS NULL THEN 1 END) AS old_changes
}}
WITH unknown, old_changes, reduce(acc = attached, l IN later | acc + l) AS later
UNWIND (CASE WHEN size(later) = 0 THEN [null] ELSE later END) AS id
OPTIONAL MATCH (other:IngestRun {{run_id: id}})
WITH unknown, old_changes, other ORDER BY other.started DESC
RETURN unknown, old_changes, [r IN collect(DISTINCT other.run_id) WHERE r IS NOT NULL] AS later"""


def _plan() -> str:
    def counted(found: str, tail: str) -> str:
        return f"CALL () {{\n{_indent(found)}\n  {tail}\n}}"

    return "\n".join(
        [
            counted(_relationships(_CREATED), "RETURN count(r) AS created_relationships"),
            counted(
                _nodes(_CREATED),
                f"MATCH (n)-[r]-() WHERE NOT coalesce(r.{_RUN} = $run AND "
                f"r.{CREATED_RUN} = $run, false)\n"
                "  RETURN count(DISTINCT r) AS attached_relationships",
            ),
            counted(_nodes(_CREATED), "RETURN count(n) AS nodes"),
            "CALL () {\n  MATCH (v:ValueChange {run: $run})\n"
            "  RETURN count(v.old) AS values, count(v) - count(v.old) AS added\n}",
            counted(_nodes(_RESTORED), "RETURN count(n) AS restored_nodes"),
            counted(_relationships(_RESTORED), "RETURN count(r) AS restored_relationships"),
            "RETURN created_relationships + attached_relationships AS relationships, nodes, "
            "values, added,\n       restored_nodes + restored_relationships AS provenance",
        ]
    )


def _statements() -> dict[str, str]:
    return {
        # the relationships the run created, deleted, $limit per transaction (run in an
        # auto-commit transaction; an interrupted sweep keeps what it committed)
        "ingest_run_undo_created_relationships": _in_transactions(
            _relationships(_CREATED), "r", "DELETE r"
        ),
        # the relationships of other kinds (analysis results, alias candidates) left on the
        # nodes the run created, which go next
        "ingest_run_undo_attached_relationships": _in_transactions(
            _nodes(_CREATED) + "\nMATCH (n)-[r]-()\nWITH DISTINCT r", "r", "DELETE r"
        ),
        # the nodes the run created (their relationships are gone already)
        "ingest_run_undo_created_nodes": _in_transactions(_nodes(_CREATED), "n", "DETACH DELETE n"),
        # the elements the run wrote last that existed before it get their previous
        # writer's provenance back (the last of their prior_* lists, taken off)
        "ingest_run_undo_provenance_relationships": _relationships(_UPDATED, var="x")
        + "\n"
        + _PROVENANCE_BACK,
        "ingest_run_undo_provenance_nodes": _nodes(_UPDATED, var="x") + "\n" + _PROVENANCE_BACK,
        # what undoing the run would do, counted (nothing is written)
        "ingest_run_undo_plan": _plan(),
        # what stops undoing the run: the runs of $later that wrote after it an element it
        # wrote, or wrote a relationship to a node it created; and how many of its elements
        # and ValueChange records lack what an undo needs
        "ingest_run_undo_conflicts": _conflicts(),
    }


#: The names of the generated undo statements.
UNDO_STATEMENTS = tuple(_statements())


@cache
def undo_statement(name: str) -> str:
    """The text of the generated undo statement ``name`` (one of :data:`UNDO_STATEMENTS`).

    Parameters
    ----------
    name : str
        The statement's name, e.g. ``"ingest_run_undo_created_nodes"``.

    Returns
    -------
    str
        The Cypher text; its parameters are ``$run`` (the ingest run), ``$limit`` (elements
        per transaction, for the statements that write) and, for
        ``ingest_run_undo_conflicts``, ``$later`` (the runs that may have written after it).

    Raises
    ------
    SchemaError
        When there is no undo statement called ``name``.
    """
    statements = _statements()
    if name not in statements:
        raise SchemaError(f"no undo statement {name!r} (known: {', '.join(statements)})")
    return statements[name]

"""Ingest statements, generated from the schema.

Labels, relationship types and property names come from ``netintel.schema``;
every value travels as a parameter: per row in ``$rows``, and the provenance shared by
the whole batch (``$source`` file name, ``$run`` ingest run id) once per batch. Each statement is idempotent (``MERGE`` on
keys, ``SET`` of properties), so a managed transaction may be retried and an
interrupted ingest re-run, except :func:`create_statement`: for a relationship type
whose key is unique across the graph (``CALLED.call_id``), written by an ingest that
found none of that type in the database, it uses ``CREATE`` instead of ``MERGE`` (no
lookup of the key, no locks on the endpoints, no eager plan); the uniqueness constraint
turns any repeat into an error, never into a second relationship.

A node or relationship statement returns, per row that met elements an earlier ingest
wrote, their element ids (``ids``) and, when it changed or added one of their values, the
``change``: the row's key, the element's id, its source row, the provenance the element had
(``was``) and each ``[property, old, new]`` (old null: added; ``$provenance`` names the
properties left out).

What undoing a run needs (``netintel.ingest.undo``) every statement keeps on the elements:
the run that creates one (``created_run``, set on creation only) and, when a run writes an
element another run wrote last, that writer appended to its ``prior_runs``,
``prior_sources`` and ``prior_rows`` before its provenance is overwritten.

>>> print(node_statement("samples"))
UNWIND $rows AS row
MERGE (n:Sample {sample_id: row.key})
ON CREATE SET n.created_run = $run
WITH n, row, CASE WHEN n.ingest_run IS NULL THEN [] ELSE [elementId(n)] + [(n)-[r:GAVE]-() | elementId(r)] END AS held,
  CASE WHEN n.ingest_run IS NOT NULL THEN {source: n.source, source_row: n.source_row, run: n.ingest_run} END AS was,
  CASE WHEN n.ingest_run IS NOT NULL THEN [k IN keys(row.props) WHERE NOT k IN $provenance AND (n[k] IS NULL OR n[k] <> row.props[k]) | [k, n[k], row.props[k]]] ELSE [] END AS changed,
  CASE WHEN n.ingest_run IS NOT NULL THEN {taken: CASE WHEN row.temporal.taken IS NULL OR coalesce(n.taken = date(row.temporal.taken), false) THEN null ELSE [n.taken, date(row.temporal.taken)] END} ELSE {} END AS timed
WITH n, row, held, was, changed + [k IN keys(timed) WHERE timed[k] IS NOT NULL | [k] + timed[k]] AS changed
SET n.prior_runs = CASE WHEN n.ingest_run IS NOT NULL AND n.ingest_run <> $run THEN coalesce(n.prior_runs, []) + n.ingest_run ELSE n.prior_runs END,
  n.prior_sources = CASE WHEN n.ingest_run IS NOT NULL AND n.ingest_run <> $run THEN coalesce(n.prior_sources, []) + coalesce(n.source, left(n.ingest_run, 0)) ELSE n.prior_sources END,
  n.prior_rows = CASE WHEN n.ingest_run IS NOT NULL AND n.ingest_run <> $run THEN coalesce(n.prior_rows, []) + coalesce(n.source_row, -1) ELSE n.prior_rows END
SET n += row.props, n.source = $source, n.ingest_run = $run
SET n.taken = CASE WHEN row.temporal.taken IS NULL THEN n.taken ELSE date(row.temporal.taken) END
FOREACH (k IN CASE WHEN row.links.person_id IS NULL THEN [] ELSE [row.links.person_id] END |
  MERGE (m:Person {person_id: k})
  ON CREATE SET m.source = $source, m.source_row = row.props.source_row, m.ingest_run = $run, m.created_run = $run
  MERGE (m)-[r:GAVE]->(n)
  ON CREATE SET r.created_run = $run
  SET r.prior_runs = CASE WHEN r.ingest_run IS NOT NULL AND r.ingest_run <> $run THEN coalesce(r.prior_runs, []) + r.ingest_run ELSE r.prior_runs END,
    r.prior_sources = CASE WHEN r.ingest_run IS NOT NULL AND r.ingest_run <> $run THEN coalesce(r.prior_sources, []) + coalesce(r.source, left(r.ingest_run, 0)) ELSE r.prior_sources END,
    r.prior_rows = CASE WHEN r.ingest_run IS NOT NULL AND r.ingest_run <> $run THEN coalesce(r.prior_rows, []) + coalesce(r.source_row, -1) ELSE r.prior_rows END
  SET r.source = $source, r.source_row = row.props.source_row, r.ingest_run = $run)
WITH row, held, was, changed WHERE size(held) > 0
RETURN held AS ids, CASE WHEN size(changed) > 0 THEN {key: row.key, id: held[0], row: row.props.source_row, was: was, changes: changed} END AS change
"""  # noqa: E501

from __future__ import annotations

from functools import cache

from netintel.schema import CREATED_RUN, NODES, PRIOR_PROVENANCE, RECORDS, RELATIONSHIPS, Prop

__all__ = [
    "create_statement",
    "endpoint_statement",
    "node_statement",
    "relationship_statement",
]


def _prov(var: str) -> str:
    """Provenance of a node or relationship made by a row: file, row, run."""
    return (
        f"{var}.source = $source, {var}.source_row = row.props.source_row, {var}.ingest_run = $run"
    )


def _created(var: str) -> str:
    """The run that creates an element (:data:`~netintel.schema.CREATED_RUN`)."""
    return f"{var}.{CREATED_RUN} = $run"


def _push(var: str) -> str:
    """``SET`` that appends the element's last writer to its earlier writers
    (:data:`~netintel.schema.PRIOR_PROVENANCE`) when that was another run: run before
    the row's own provenance is set. A re-run of the same run appends nothing."""
    other = f"{var}.ingest_run IS NOT NULL AND {var}.ingest_run <> $run"
    runs, sources, rows = PRIOR_PROVENANCE
    values = [
        (runs, f"{var}.ingest_run"),
        # no literal in the statement text (tests/test_schema.py): an empty text made from
        # the run id, which is set on this branch, stands for a missing source
        (sources, f"coalesce({var}.source, left({var}.ingest_run, 0))"),
        (rows, f"coalesce({var}.source_row, -1)"),
    ]
    return "SET " + ",\n  ".join(
        f"{var}.{name} = CASE WHEN {other} THEN coalesce({var}.{name}, []) + {value} "
        f"ELSE {var}.{name} END"
        for name, value in values
    )


_CONVERT = {"date": "date({v})", "datetime": "datetime({{epochMillis: {v}}})"}


def _temporal_sets(var: str, props: tuple[Prop, ...]) -> list[str]:
    """``SET`` of date and date-time properties sent as ``row.temporal``; absent ones left alone."""
    sets = []
    for p in props:
        if p.type in _CONVERT:
            value = _CONVERT[p.type].format(v=f"row.temporal.{p.name}")
            sets.append(
                f"{var}.{p.name} = CASE WHEN row.temporal.{p.name} IS NULL "
                f"THEN {var}.{p.name} ELSE {value} END"
            )
    return [f"SET {s}" for s in sets]


def _changed(var: str, props: tuple[Prop, ...]) -> list[str]:
    """The ``was`` and ``changed`` of an element the graph held before the row.

    ``was`` is its provenance before the row (file, row, ingest run), null for an element
    the row creates; ``changed`` lists ``[property, old value, new value]`` for every
    property the row sets to a different value, old value null for a property the element
    did not have (what undoing the run removes); the provenance properties named in
    ``$provenance`` are left out.
    """
    plain = (
        f"[k IN keys(row.props) WHERE NOT k IN $provenance AND ({var}[k] IS NULL "
        f"OR {var}[k] <> row.props[k]) | [k, {var}[k], row.props[k]]]"
    )
    timed = [
        f"{p.name}: CASE WHEN row.temporal.{p.name} IS NULL OR coalesce({var}.{p.name} = "
        f"{_CONVERT[p.type].format(v=f'row.temporal.{p.name}')}, false) THEN null "
        f"ELSE [{var}.{p.name}, {_CONVERT[p.type].format(v=f'row.temporal.{p.name}')}] END"
        for p in props
        if p.type in _CONVERT
    ]
    held = f"{var}.ingest_run IS NOT NULL"
    lines = [
        f"CASE WHEN {held} THEN {{source: {var}.source, source_row: {var}.source_row, "
        f"run: {var}.ingest_run}} END AS was",
        f"CASE WHEN {held} THEN {plain} ELSE [] END AS changed",
    ]
    if timed:
        lines.append(f"CASE WHEN {held} THEN {{{', '.join(timed)}}} ELSE {{}} END AS timed")
    return lines


def _all_changed(carried: str, props: tuple[Prop, ...]) -> str:
    """``WITH`` the ``timed`` changes of :func:`_changed` added to ``changed``."""
    if not any(p.type in _CONVERT for p in props):
        return ""
    return (
        f"WITH {carried}, changed + [k IN keys(timed) WHERE timed[k] IS NOT NULL | "
        "[k] + timed[k]] AS changed"
    )


def _merge_rows(label: str) -> list[str]:
    """The opening of a statement over ``$rows``: each row's node ``n`` merged by its key."""
    node = NODES[label]
    return ["UNWIND $rows AS row", f"MERGE (n:{node.label} {{{node.key}: row.key}})"]


def _wire_key(p: Prop) -> str:
    value = f"row.rkey.{p.name}"
    return _CONVERT[p.type].format(v=value) if p.type in _CONVERT else value


@cache
def node_statement(record: str) -> str:
    """Merge the record's nodes by key, set their properties, and merge their links.

    It returns the element ids of what the graph held before (nodes and their links
    of the record's link types): what undoing the file must keep.

    Parameters
    ----------
    record : str
        The record type's name.

    Returns
    -------
    str
        The Cypher statement (parameters ``$rows``, ``$source``, ``$run``).
    """
    rt = RECORDS[record]
    node = NODES[rt.node or ""]
    links = [c for c in rt.columns if c.link]
    types = "|".join(dict.fromkeys(c.link.rel for c in links if c.link))
    held = "[elementId(n)]" + (f" + [(n)-[r:{types}]-() | elementId(r)]" if types else "")
    lines = [
        *_merge_rows(node.label),
        f"ON CREATE SET {_created('n')}",
        # what the graph held before this row: a node made by an ingest has a run
        f"WITH n, row, CASE WHEN n.ingest_run IS NULL THEN [] ELSE {held} END AS held,",
        "  " + ",\n  ".join(_changed("n", node.props)),
        *filter(None, [_all_changed("n, row, held, was", node.props)]),
        _push("n"),
        "SET n += row.props, n.source = $source, n.ingest_run = $run",
        *_temporal_sets("n", node.props),
    ]
    for c in links:
        assert c.link is not None
        target = NODES[c.link.target]
        arrow = "(n)-[r:{t}]->(m)" if c.link.outgoing else "(m)-[r:{t}]->(n)"
        k = f"row.links.{c.name}"
        lines += [
            f"FOREACH (k IN CASE WHEN {k} IS NULL THEN [] ELSE [{k}] END |",
            f"  MERGE (m:{target.label} {{{target.key}: k}})",
            f"  ON CREATE SET {_prov('m')}, {_created('m')}",
            "  MERGE " + arrow.format(t=c.link.rel),
            f"  ON CREATE SET {_created('r')}",
            "  " + _push("r").replace("\n", "\n  "),
            f"  SET {_prov('r')})",
        ]
    lines += [
        "WITH row, held, was, changed WHERE size(held) > 0",
        "RETURN held AS ids, CASE WHEN size(changed) > 0 THEN {key: row.key, id: held[0], "
        "row: row.props.source_row, was: was, changes: changed} END AS change",
    ]
    return "\n".join(lines)


@cache
def endpoint_statement(label: str) -> str:
    """Merge the nodes a relationship file refers to, with provenance when new.

    ``row.extra`` holds constant properties set on creation (e.g. a tower's kind).

    Parameters
    ----------
    label : str
        The endpoint nodes' label.

    Returns
    -------
    str
        The Cypher statement (parameters ``$rows``, ``$source``, ``$run``).
    """
    return "\n".join(
        [
            *_merge_rows(label),
            "ON CREATE SET n += row.extra, n.source = $source, n.source_row = row.source_row,",
            f"  n.ingest_run = $run, {_created('n')}",
        ]
    )


@cache
def relationship_statement(record: str) -> str:
    """Merge one relationship per row between existing endpoint nodes.

    It returns the element ids of the relationships the graph held before: what undoing
    the file must keep.

    Parameters
    ----------
    record : str
        The record type's name.

    Returns
    -------
    str
        The Cypher statement (parameters ``$rows``, ``$source``, ``$run``).
    """
    rt = RECORDS[record]
    rel = RELATIONSHIPS[rt.relationship or ""]
    start, end = NODES[rel.start], NODES[rel.end]
    props = {p.name: p for p in rel.props}
    key = ", ".join(f"{k}: {_wire_key(props[k])}" for k in rel.key)
    free = tuple(p for p in rel.props if p.name not in rel.key)  # a key cannot change
    return "\n".join(
        [
            "UNWIND $rows AS row",
            f"MATCH (a:{start.label} {{{start.key}: row.start}})",
            f"MATCH (b:{end.label} {{{end.key}: row.end}})",
            f"MERGE (a)-[r:{rel.type}{' {' + key + '}' if key else ''}]->(b)",
            f"ON CREATE SET {_created('r')}",
            "WITH r, row, CASE WHEN r.ingest_run IS NULL THEN null ELSE elementId(r) END AS id,",
            "  " + ",\n  ".join(_changed("r", free)),
            *filter(None, [_all_changed("r, row, id, was", free)]),
            _push("r"),
            "SET r += row.props, r.source = $source, r.ingest_run = $run",
            *_temporal_sets("r", rel.props),
            "WITH row, id, was, changed WHERE id IS NOT NULL",
            "RETURN [id] AS ids, CASE WHEN size(changed) > 0 THEN {start: row.start, end: row.end, "
            "key: row.rkey, id: id, row: row.props.source_row, was: was, changes: changed} "
            "END AS change",
        ]
    )


@cache
def create_statement(record: str) -> str:
    """Create one relationship per row, for keys the graph cannot hold yet.

    Only for a relationship type with a graph-wide unique key (its uniqueness
    constraint is the guard); every property goes in the ``CREATE`` (a missing value
    is a missing property, as with the ``SET`` of :func:`relationship_statement`).

    Parameters
    ----------
    record : str
        The record type's name.

    Returns
    -------
    str
        The Cypher statement (parameters ``$rows``, ``$source``, ``$run``).

    Examples
    --------
    >>> print(create_statement("calls"))
    UNWIND $rows AS row
    MATCH (a:Phone {number: row.start})
    MATCH (b:Phone {number: row.end})
    CREATE (a)-[r:CALLED {call_id: row.rkey.call_id, source: $source, ingest_run: $run, created_run: $run,
      at: CASE WHEN row.temporal.at IS NULL THEN null ELSE datetime({epochMillis: row.temporal.at}) END}]->(b)
    SET r += row.props
    """  # noqa: E501
    rt = RECORDS[record]
    rel = RELATIONSHIPS[rt.relationship or ""]
    if not rel.unique_key:
        raise ValueError(f"{rel.type} has no graph-wide unique key: MERGE it")
    start, end = NODES[rel.start], NODES[rel.end]
    props = {p.name: p for p in rel.props}
    fields = [f"{k}: {_wire_key(props[k])}" for k in rel.key]
    fields += ["source: $source", "ingest_run: $run", f"{CREATED_RUN}: $run"]
    temporal = [
        f"{p.name}: CASE WHEN row.temporal.{p.name} IS NULL THEN null ELSE "
        + _CONVERT[p.type].format(v=f"row.temporal.{p.name}")
        + " END"
        for p in rel.props
        if p.type in _CONVERT and p.name not in rel.key
    ]
    return "\n".join(
        [
            "UNWIND $rows AS row",
            f"MATCH (a:{start.label} {{{start.key}: row.start}})",
            f"MATCH (b:{end.label} {{{end.key}: row.end}})",
            f"CREATE (a)-[r:{rel.type} {{{', '.join(fields)}"
            + (f",\n  {', '.join(temporal)}" if temporal else "")
            + "}]->(b)",
            "SET r += row.props",
        ]
    )

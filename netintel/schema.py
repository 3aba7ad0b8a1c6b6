"""The domain model, declared once.

Everything else derives from the declarations in this module: the Neo4j
constraints and indexes (:func:`constraint_statements`), the ingest statements
(``netintel.ingest.statements``), the record validation (``netintel.ingest.validate``)
and the documentation of the input format (:func:`input_format_markdown`,
rendered into ``docs/input-format.md``).

Three layers:

* :data:`NODES` - node labels with their key property and typed properties;
* :data:`RELATIONSHIPS` - relationship types with their end labels and properties;
* :data:`RECORDS` - the input file layouts (one file per record type) and how
  each column lands in the graph: as a property of the record's node or
  relationship, or as a reference to another node (a *link*).

>>> NODES["Phone"].key
'number'
>>> RECORDS["calls"].relationship
'CALLED'
>>> [c.name for c in RECORDS["calls"].columns][:4]
['call_id', 'caller', 'callee', 'started_at']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

from netintel.exceptions import SchemaError

__all__ = [
    "ALL_PROVENANCE",
    "ANALYSED_LABELS",
    "ANALYSIS_RUN",
    "AUDIT_EVENT",
    "BOOKKEEPING",
    "CREATED_RUN",
    "FRAMES",
    "INGEST_LOCK",
    "INGEST_RUN",
    "IN_RUN",
    "MAX_INDEX_KEY_BYTES",
    "MAX_INTEGER",
    "MIN_INTEGER",
    "NODES",
    "PREDICTED",
    "PRIOR_PROVENANCE",
    "PROVENANCE",
    "RECORDS",
    "RELATIONSHIPS",
    "RUN_INDEXED",
    "VALUE_CHANGE",
    "Column",
    "Frame",
    "GeneratedKey",
    "Link",
    "NodeType",
    "Prop",
    "RecordType",
    "RelType",
    "constraint_statements",
    "input_format_markdown",
    "record",
]

#: Property types understood by validation and normalisation.
PropType = Literal["str", "int", "float", "bool", "date", "datetime", "phone", "list", "enum"]

_P = TypeVar("_P", bound="Prop")

#: Provenance properties carried by every node and relationship written by an ingest: the
#: file and row of its last writer, and that writer's ingest run.
PROVENANCE = ("source", "source_row", "ingest_run")
#: The ingest run that created the element (set once, on creation): what undoing that run
#: deletes (``netintel.ingest.undo``).
CREATED_RUN = "created_run"
#: The earlier writers of an element, oldest first, as three lists of equal length (run,
#: file, row; a missing file is ``""``, a missing row ``-1``): a run that writes an
#: element another run wrote last appends that writer, and undoing the run takes it back.
PRIOR_PROVENANCE = ("prior_runs", "prior_sources", "prior_rows")
#: Every property an ingest keeps about where an element came from: never compared as a
#: value (``netintel.ingest.statements``: the ``$provenance`` parameter).
ALL_PROVENANCE = (*PROVENANCE, CREATED_RUN, *PRIOR_PROVENANCE)
#: The run properties indexed on every label of :data:`NODES` and every type of
#: :data:`RELATIONSHIPS` (:func:`constraint_statements`): an undo and its checks find a run's
#: elements through these indexes, label by label, never by a scan of the whole graph
#: (``netintel.ingest.undo_statements``).
RUN_INDEXED = ("ingest_run", CREATED_RUN)


@dataclass(frozen=True)
class Prop:
    """A typed property of a node or relationship.

    ``pseudonym`` marks personal data: the kind of pseudonym that replaces the value in
    a redacted export (``netintel.viz.redact``); ``identifying`` marks a quasi-identifier,
    removed from everyone in a redacted export. ``protected`` names the choices (roles)
    whose holders keep nothing but a pseudonym and their roles when redacted. ``indexed``
    asks for a database index on the property (:func:`constraint_statements`).
    """

    name: str
    type: PropType = "str"
    doc: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pseudonym: str | None = None
    identifying: bool = False
    protected: tuple[str, ...] = ()
    indexed: bool = False


@dataclass(frozen=True)
class NodeType:
    """A node label with its key property (unique, required).

    ``pseudonym``: the kind of pseudonym that replaces the key in a redacted export
    (None: the key is not personal data and stays).
    """

    label: str
    key: str
    props: tuple[Prop, ...]
    doc: str
    pseudonym: str | None = None

    def prop(self, name: str) -> Prop:
        return _named(self.props, name, f"{self.label} has no property {name!r}")


@dataclass(frozen=True)
class RelType:
    """A relationship type between two labels.

    ``key`` names the properties that tell two relationships of this type
    between the same pair of nodes apart (``()``: at most one per pair).
    """

    type: str
    start: str
    end: str
    props: tuple[Prop, ...] = ()
    key: tuple[str, ...] = ()
    doc: str = ""
    unique_key: bool = False  # key is unique across the whole graph (e.g. CALLED.call_id)


@dataclass(frozen=True)
class Link:
    """A column holding the key of another node, turned into a relationship.

    ``outgoing``: the relationship points from the record's node to the target;
    otherwise from the target to the record's node.
    """

    rel: str
    target: str
    outgoing: bool = True


@dataclass(frozen=True)
class Column(Prop):
    """One column of an input file layout: a :class:`Prop` with how it is read and where
    it lands."""

    required: bool = False
    link: Link | None = None
    #: for relationship records: "start" or "end" marks the endpoint columns
    endpoint: Literal["start", "end"] | None = None
    #: the graph property this column lands in (defaults to the column name)
    prop: str | None = None
    #: the value of an empty cell, and of every row when the file has no such column
    default: str | None = None

    @property
    def target_prop(self) -> str:
        return self.prop or self.name

    @classmethod
    def of(cls, prop: Prop, /, **more: Any) -> Column:
        """The column for property ``prop`` (its type, doc and checks), with ``more`` fields.

        >>> Column.of(Prop("lat", "float", minimum=-90, maximum=90), required=True).minimum
        -90
        """
        return cls(**{f.name: getattr(prop, f.name) for f in fields(Prop)}, **more)


@dataclass(frozen=True)
class GeneratedKey:
    """A key column filled, where empty, with a hash of other columns of the same row.

    The key is ``prefix`` followed by the first 24 hex digits of the SHA-256 of the
    ``sources`` values joined by ``|`` (an empty cell as ``""``, a date-time in ISO 8601).
    """

    column: str
    sources: tuple[str, ...]
    prefix: str = "h:"


@dataclass(frozen=True)
class RecordType:
    """An input file layout: one file per record type (``<name>.csv`` or ``.xlsx``)."""

    name: str
    columns: tuple[Column, ...]
    doc: str
    node: str | None = None
    relationship: str | None = None
    #: columns whose values are merged into extra nodes of the end labels
    #: (e.g. a call's tower becomes a Location of kind "cell tower")
    extra_nodes: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = field(default=())
    #: a key column the ingest fills where the file leaves it empty (e.g. a call's id)
    generated_key: GeneratedKey | None = None

    def column(self, name: str) -> Column:
        return _named(self.columns, name, f"record type {self.name!r} has no column {name!r}")

    @property
    def key_columns(self) -> tuple[str, ...]:
        """Columns that identify one record (duplicates with other values conflict)."""
        if self.node is not None:
            return (NODES[self.node].key,)
        rel = RELATIONSHIPS[self.relationship or ""]
        ends = tuple(c.name for c in self.columns if c.endpoint)
        keys = tuple(c.name for c in self.columns if c.target_prop in rel.key)
        if rel.unique_key:
            return keys
        return ends + keys

    @property
    def indexed_columns(self) -> tuple[str, ...]:
        """Columns whose values become keys of a Neo4j index (a RANGE index, or the one
        behind a uniqueness constraint), so must fit :data:`MAX_INDEX_KEY_BYTES`: the
        node key, the keys of the nodes it links to or relates, a graph-wide unique
        relationship key, and the indexed properties.

        >>> RECORDS["calls"].indexed_columns
        ('call_id', 'caller', 'callee', 'started_at', 'tower')
        >>> RECORDS["persons"].indexed_columns
        ('person_id', 'name', 'national_id')
        """
        if self.node is not None:
            owner: NodeType | RelType = NODES[self.node]
        else:
            owner = RELATIONSHIPS[self.relationship or ""]
        indexed = {p.name for p in owner.props if p.indexed}
        if isinstance(owner, NodeType):
            indexed.add(owner.key)
        elif owner.unique_key:
            indexed.update(owner.key)
        extra = {col for col, _, _ in self.extra_nodes}
        return tuple(
            c.name
            for c in self.columns
            if c.target_prop in indexed or c.link or c.endpoint or c.name in extra
        )

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def graph_unique(self) -> bool:
        """Its relationships carry a key unique across the whole graph (calls: ``call_id``),
        so a key the database holds for other endpoints clashes.

        >>> RECORDS["calls"].graph_unique, RECORDS["sightings"].graph_unique
        (True, False)
        """
        return self.relationship is not None and RELATIONSHIPS[self.relationship].unique_key


def _named(items: tuple[_P, ...], name: str, missing: str) -> _P:
    """The item called ``name``; a :class:`SchemaError` saying ``missing`` when none is."""
    for item in items:
        if item.name == name:
            return item
    raise SchemaError(missing)


#: The longest text value, in UTF-8 bytes, that a key of a Neo4j 5.26 RANGE index (and
#: so a uniqueness constraint) can hold: a longer one fails the write ("Property value is
#: too large to index"). Measured against the server: 8,164 bytes load, 8,165 do not
#: (``tests/ingest/test_storable.py``).
MAX_INDEX_KEY_BYTES = 8164
#: The range of Neo4j's integers (64-bit signed): a property cannot hold a larger one.
MIN_INTEGER, MAX_INTEGER = -(2**63), 2**63 - 1


# --------------------------------------------------------------------------- nodes

NODES: dict[str, NodeType] = {
    n.label: n
    for n in (
        NodeType(
            "Case",
            "case_id",
            (
                Prop(
                    "category",
                    "enum",
                    choices=("abduction", "trafficking", "missing-report", "sale", "other"),
                ),
                Prop("status", "enum", choices=("open", "solved", "closed")),
                Prop("opened", "date"),
                Prop("solved", "date"),
                Prop("region"),
                Prop("supervised", "bool", "ministry-level major case"),
            ),
            "A case file.",
        ),
        NodeType(
            "Person",
            "person_id",
            (
                Prop("name", pseudonym="name", indexed=True),
                Prop("aliases", "list", pseudonym="name"),
                Prop("gender", "enum", choices=("female", "male", "unknown")),
                Prop("birth_date", "date", identifying=True),
                Prop("national_id", pseudonym="nid", indexed=True),
                Prop(
                    "roles",
                    "list",
                    choices=("suspect", "victim", "missing", "relative", "buyer", "unknown-origin"),
                    protected=("victim", "missing", "unknown-origin"),
                ),
                Prop(
                    "status",
                    "enum",
                    choices=("at large", "arrested", "surrendered", "found", "missing", "free"),
                ),
                Prop("warrant_level", "enum", choices=("A", "B")),
            ),
            "A person: suspect, victim, relative, buyer, or of unknown origin.",
            pseudonym="person",
        ),
        NodeType(
            "Phone",
            "number",
            (
                Prop("imei", pseudonym="imei"),
                Prop("first_seen", "datetime"),
                Prop("last_seen", "datetime"),
            ),
            "A phone number, normalised to E.164.",
            pseudonym="phone",
        ),
        NodeType(
            "Location",
            "location_id",
            (
                Prop("name"),
                Prop(
                    "kind",
                    "enum",
                    choices=("address", "cell tower", "blood-sampling site", "city", "other"),
                ),
                Prop("lat", "float", minimum=-90, maximum=90),
                Prop("lon", "float", minimum=-180, maximum=180),
                Prop("region"),
            ),
            "A place: address, cell tower, blood-sampling site or city.",
        ),
        NodeType(
            "Transfer",
            "transfer_id",
            (
                Prop("at", "datetime", indexed=True),
                Prop("amount", "float", minimum=0),
                Prop("currency"),
            ),
            "An event in which a victim passes from one person to another.",
        ),
        NodeType(
            "Sample",
            "sample_id",
            (
                Prop("kind", "enum", choices=("reference", "unknown-origin")),
                Prop("site"),
                Prop("taken", "date"),
            ),
            "A DNA sample: a parent's reference or a person of unknown origin.",
            pseudonym="sample",
        ),
    )
}

# ------------------------------------------------------------------- relationships

RELATIONSHIPS: dict[str, RelType] = {
    r.type: r
    for r in (
        RelType("SUSPECT_IN", "Person", "Case", (Prop("role"),), doc="a suspect in a case"),
        RelType("VICTIM_IN", "Person", "Case", doc="a victim in a case"),
        RelType(
            "REPORTED",
            "Person",
            "Case",
            (Prop("reported_on", "date"),),
            doc="a person (often a parent) reported the case",
        ),
        RelType(
            "USES",
            "Person",
            "Phone",
            (Prop("since", "datetime"), Prop("until", "datetime")),
            doc="a person uses a phone",
        ),
        RelType(
            "CALLED",
            "Phone",
            "Phone",
            (
                Prop("call_id"),
                Prop("at", "datetime", indexed=True),
                Prop("duration_s", "int", "seconds, kept as the source gives it"),
                Prop("tower"),
            ),
            key=("call_id",),
            unique_key=True,
            doc="one call detail record",
        ),
        RelType(
            "SEEN_AT",
            "Person",
            "Location",
            (Prop("at", "datetime"),),
            key=("at",),
            doc="a sighting",
        ),
        RelType("OCCURRED_AT", "Case", "Location", doc="where a case happened"),
        RelType("OF", "Transfer", "Person", doc="the victim transferred"),
        RelType("FROM", "Transfer", "Person", doc="who handed the victim over"),
        RelType("TO", "Transfer", "Person", doc="who received the victim"),
        RelType("AT", "Transfer", "Location", doc="where the transfer happened"),
        RelType("PART_OF", "Transfer", "Case", doc="the case the transfer belongs to"),
        RelType(
            "RELATIVE_OF",
            "Person",
            "Person",
            (Prop("relation"),),
            doc="family relation (parent, child, sibling, ...)",
        ),
        RelType("GAVE", "Person", "Sample", doc="the person the sample was taken from"),
        RelType(
            "MATCHES",
            "Sample",
            "Sample",
            (Prop("score", "float", minimum=0), Prop("relation")),
            doc="a DNA kinship match between two samples",
        ),
        RelType(
            "TIE",
            "Person",
            "Person",
            (
                Prop("weight", "float", "strength of the tie (calls, meetings, ...)", minimum=0),
                Prop("kind", doc="what the tie stands for: calls, co-offending, trust, ..."),
                Prop("period", doc="the time the tie aggregates: a wiretap phase, a year, ..."),
                Prop("directed", "bool", "false: the tie has no direction; empty: not said"),
                Prop(
                    "reference",
                    doc="where the tie was published or charted (the file and row are kept "
                    "as provenance anyway)",
                ),
            ),
            key=("kind", "period"),
            doc="an aggregated link between two people, from a network file or a link chart",
        ),
        RelType(
            "SAME_AS",
            "Person",
            "Person",
            (Prop("score", "float"), Prop("evidence", "list"), Prop("status")),
            doc="an entity-resolution candidate, never merged silently",
        ),
    )
}


def _node_columns(label: str, *links: Column) -> tuple[Column, ...]:
    node = NODES[label]
    cols = [
        Column(
            node.key,
            "phone" if label == "Phone" else "str",
            required=True,
            doc=f"key of the {label}",
        )
    ]
    cols += [Column.of(p) for p in node.props]
    return (*cols, *links)


def _rel_columns(
    rel_type: str, start: str, end: str, *extra: Column, order: tuple[str, ...] = ()
) -> tuple[Column, ...]:
    rel = RELATIONSHIPS[rel_type]
    start_type: PropType = "phone" if rel.start == "Phone" else "str"
    end_type: PropType = "phone" if rel.end == "Phone" else "str"
    cols = [
        Column(
            start,
            start_type,
            required=True,
            endpoint="start",
            doc=f"key of the {rel.start} the relationship starts at",
        ),
        Column(
            end,
            end_type,
            required=True,
            endpoint="end",
            doc=f"key of the {rel.end} the relationship ends at",
        ),
    ]
    overridden = {c.target_prop for c in extra}
    cols += [
        Column.of(p, required=p.name in rel.key) for p in rel.props if p.name not in overridden
    ]
    cols += extra
    if order:
        cols.sort(key=lambda c: order.index(c.name) if c.name in order else len(order))
    return tuple(cols)


def _rel_record(name: str, rel_type: str, start: str, end: str, doc: str) -> RecordType:
    """A file of plain relationships: two endpoint keys and the relationship's properties."""
    return RecordType(name, _rel_columns(rel_type, start, end), doc, relationship=rel_type)


# ------------------------------------------------------------------------ records

RECORDS: dict[str, RecordType] = {
    r.name: r
    for r in (
        RecordType(
            "cases",
            _node_columns(
                "Case",
                Column(
                    "location_id",
                    doc="where the case happened",
                    link=Link("OCCURRED_AT", "Location"),
                ),
            ),
            "Case files.",
            node="Case",
        ),
        RecordType(
            "persons",
            _node_columns("Person"),
            "People. `aliases` and `roles` hold several values separated by `|`.",
            node="Person",
        ),
        RecordType("phones", _node_columns("Phone"), "Phone subscriber records.", node="Phone"),
        RecordType(
            "locations",
            _node_columns("Location"),
            "Places, with coordinates in decimal degrees (WGS84).",
            node="Location",
        ),
        RecordType(
            "transfers",
            _node_columns(
                "Transfer",
                Column("victim_id", doc="the victim", link=Link("OF", "Person")),
                Column("from_id", doc="who handed the victim over", link=Link("FROM", "Person")),
                Column("to_id", doc="who received the victim", link=Link("TO", "Person")),
                Column("location_id", doc="where", link=Link("AT", "Location")),
                Column("case_id", doc="the case", link=Link("PART_OF", "Case")),
            ),
            "Transfer (sale) events of a victim between two people.",
            node="Transfer",
        ),
        RecordType(
            "samples",
            _node_columns(
                "Sample",
                Column(
                    "person_id",
                    doc="whom the sample was taken from",
                    link=Link("GAVE", "Person", outgoing=False),
                ),
            ),
            "DNA samples.",
            node="Sample",
        ),
        RecordType(
            "calls",
            _rel_columns(
                "CALLED",
                "caller",
                "callee",
                Column(
                    "call_id",
                    doc="id of the call; when empty, a hash of caller, callee and start time",
                ),
                Column(
                    "started_at", "datetime", required=True, prop="at", doc="when the call started"
                ),
                Column("tower", doc="cell tower id; becomes a Location of kind 'cell tower'"),
                order=("call_id", "caller", "callee", "started_at", "duration_s", "tower"),
            ),
            "Call detail records: one row per call.",
            relationship="CALLED",
            extra_nodes=(("tower", "Location", (("kind", "cell tower"),)),),
            generated_key=GeneratedKey(
                "call_id", ("caller", "callee", "started_at", "duration_s", "tower")
            ),
        ),
        _rel_record(
            "phone_users", "USES", "person_id", "number", "Which person uses which phone, and when."
        ),
        _rel_record("case_suspects", "SUSPECT_IN", "person_id", "case_id", "Suspects of cases."),
        _rel_record("case_victims", "VICTIM_IN", "person_id", "case_id", "Victims of cases."),
        _rel_record(
            "case_reports",
            "REPORTED",
            "person_id",
            "case_id",
            "Who reported a case (missing-person reports).",
        ),
        _rel_record("sightings", "SEEN_AT", "person_id", "location_id", "People seen at places."),
        _rel_record("relatives", "RELATIVE_OF", "person_id", "relative_id", "Family relations."),
        RecordType(
            "ties",
            _rel_columns(
                "TIE",
                "from_id",
                "to_id",
                Column("weight", "float", doc="strength of the tie", minimum=0, default="1"),
                Column(
                    "kind",
                    doc="what the tie stands for: calls, co-offending, trust, ...",
                    default="tie",
                ),
                Column(
                    "period",
                    doc="the time the tie aggregates (a wiretap phase, a year, ...)",
                    default="all",
                ),
                order=("from_id", "to_id", "weight", "kind", "period", "directed", "reference"),
            ),
            "Aggregated links between two people (published networks, link charts): one row "
            "per tie, keyed by `from_id`, `to_id`, `kind` and `period`. Adjacency matrices, "
            "plain edge lists, GraphML and GEXF load into the same record type (see "
            "`docs/mapping.md`, *Networks and ties*).",
            relationship="TIE",
        ),
        _rel_record(
            "dna_matches",
            "MATCHES",
            "sample_id",
            "matched_sample_id",
            "DNA kinship matches between two samples.",
        ),
    )
}

# ------------------------------------------------------------------------ frames


@dataclass(frozen=True)
class Frame:
    """The layout of a frame of records as the investigations take it (``netintel.investigate``).

    Each column is named after a graph property: that of a column of the record type
    (``started_at`` lands in ``at``), a provenance property, or, for the columns in
    ``joined``, a property of a node the record links to: frame column ->
    ``(link column of the record, property of the node it names)``.
    :func:`_schema_problems` checks every name against the record type, so a renamed
    column or property fails at import instead of leaving the frame behind.

    >>> FRAMES["calls"].columns[:4]
    ('call_id', 'caller', 'callee', 'at')
    >>> FRAMES["transfers"].type("victim_name"), FRAMES["calls"].type("duration_s")
    ('str', 'int')
    """

    record: str
    columns: tuple[str, ...]
    joined: tuple[tuple[str, str, str], ...] = ()

    def type(self, column: str) -> PropType:
        """The schema type of ``column`` (:class:`SchemaError` when the frame has none)."""
        if column in PROVENANCE:
            return "int" if column == "source_row" else "str"
        rt = RECORDS[self.record]
        for name, via, prop in self.joined:
            if name == column:
                return NODES[_linked_label(rt.column(via))].prop(prop).type
        for col in rt.columns:
            if col.target_prop == column:
                return col.type
        raise SchemaError(f"frame {self.record!r} has no column {column!r}")


def _linked_label(col: Column) -> str:
    """The label of the node a link or endpoint column names."""
    if col.link is not None:
        return col.link.target
    raise SchemaError(f"column {col.name!r} names no other node")


#: The frames of records the investigations take, by record type.
FRAMES: dict[str, Frame] = {
    f.record: f
    for f in (
        Frame(
            "calls",
            ("call_id", "caller", "callee", "at", "duration_s", "tower", "source", "source_row"),
        ),
        Frame(
            "transfers",
            (
                "transfer_id",
                "at",
                "victim_id",
                "from_id",
                "to_id",
                "location_id",
                "region",
                "case_id",
                "source",
                "source_row",
                "victim_name",
                "from_name",
                "to_name",
            ),
            joined=(
                ("region", "location_id", "region"),
                ("victim_name", "victim_id", "name"),
                ("from_name", "from_id", "name"),
                ("to_name", "to_id", "name"),
            ),
        ),
    )
}

# ------------------------------------------------------------------ bookkeeping

#: Label of the ingest runs (``netintel.ingest``): one node per run, key ``run_id``.
INGEST_RUN = "IngestRun"
#: Label of the one ingest lock node (``netintel.ingest.run``); key ``name``, unique, so
#: a second CREATE of it fails atomically while an ingest holds it.
INGEST_LOCK = "IngestLock"
#: Label of the records of values an ingest changed (``netintel.ingest.value_changes``): one
#: node per property of a node or relationship that a later row set to a different value;
#: key ``change_id``, indexed by the ``run`` that made the change.
VALUE_CHANGE = "ValueChange"
#: Label of the audit events (``netintel.audit``): one node per line of a case's audit log,
#: key ``hash`` (the event's place in the hash chain), indexed by ``seq``.
AUDIT_EVENT = "AuditEvent"
#: Label of the analysis runs written back by ``netintel.runs``; key ``run_id``.
ANALYSIS_RUN = "AnalysisRun"
#: ``(n)-[:IN_RUN {position, community, stability, <score>...}]->(:AnalysisRun)``: one
#: analysed node's results in a run. Not input data, so not in :data:`RELATIONSHIPS`.
IN_RUN = "IN_RUN"
#: ``(:Person)-[:PREDICTED {run, method, score, rank, hops, common, common_contacts}]->(:Person)``:
#: a link suggested by link prediction (``netintel.predicted``), a hypothesis of the analysis
#: run ``run``, never evidence: not in :data:`RELATIONSHIPS`, so no projection or path search
#: follows it.
PREDICTED = "PREDICTED"

#: What netintel writes about its own work, beside the input data: labels and types no
#: ingest, projection or path search reads as evidence. Their keys and indexed properties
#: get constraints and indexes like those of :data:`NODES` and :data:`RELATIONSHIPS`.
BOOKKEEPING: dict[str, NodeType | RelType] = {
    INGEST_RUN: NodeType(INGEST_RUN, "run_id", (), "One ingest run: its files and accounting."),
    ANALYSIS_RUN: NodeType(ANALYSIS_RUN, "run_id", (), "One analysis run written back."),
    INGEST_LOCK: NodeType(INGEST_LOCK, "name", (), "The lock an ingest holds while it writes."),
    VALUE_CHANGE: NodeType(
        VALUE_CHANGE,
        "change_id",
        (Prop("run", indexed=True),),
        "A value an ingest changed or added: old (null: added) and new value, with both "
        "sources, and the element's id (what undoing the run restores).",
    ),
    AUDIT_EVENT: NodeType(
        AUDIT_EVENT,
        "hash",
        (Prop("seq", indexed=True),),
        "One event of the audit log: who ran what, when, with what result.",
    ),
    PREDICTED: RelType(
        PREDICTED,
        "Person",
        "Person",
        (Prop("run", indexed=True),),
        doc="a link suggested by link prediction in analysis run ``run``",
    ),
}

#: Labels whose nodes an analysis run can hold results for (the projections' node labels).
ANALYSED_LABELS = ("Person", "Phone")

#: The order in which record types are loaded (nodes before the relationships that use them).
LOAD_ORDER: tuple[str, ...] = (
    "locations",
    "cases",
    "persons",
    "phones",
    "samples",
    "transfers",
    "phone_users",
    "calls",
    "case_suspects",
    "case_victims",
    "case_reports",
    "sightings",
    "relatives",
    "ties",
    "dna_matches",
)


def record(name: str) -> RecordType:
    """The record type called ``name``; a :class:`SchemaError` names the known ones.

    Parameters
    ----------
    name : str
        The record type's name.

    Returns
    -------
    RecordType
        Its definition in the schema.

    Raises
    ------
    SchemaError
        When the schema has no record type ``name``.
    """
    try:
        return RECORDS[name]
    except KeyError:
        raise SchemaError(
            f"unknown record type {name!r}; known: {', '.join(sorted(RECORDS))}"
        ) from None


def _schema_problems() -> Iterator[str]:
    """What is inconsistent in the declarations above (nothing, unless a change broke them)."""
    if set(LOAD_ORDER) != set(RECORDS):
        yield "LOAD_ORDER must list every record type"
    for r in RECORDS.values():
        if (r.node is None) == (r.relationship is None):
            yield f"record type {r.name!r} must create nodes or relationships, not both"
        for c in r.columns:
            if c.link and (c.link.rel not in RELATIONSHIPS or c.link.target not in NODES):
                yield f"record type {r.name!r}: column {c.name!r} links to an unknown type"
        if r.relationship and [c.endpoint for c in r.columns if c.endpoint] != ["start", "end"]:
            yield f"record type {r.name!r} must have a start and an end column, in that order"
        if r.generated_key:
            names = {c.name for c in r.columns}
            if not {r.generated_key.column, *r.generated_key.sources} <= names:
                yield f"record type {r.name!r}: its generated key names unknown columns"
    for f in FRAMES.values():
        try:
            for column in f.columns:
                f.type(column)
        except (KeyError, SchemaError) as err:
            yield f"frame {f.record!r}: {err}"
        if len(set(f.columns)) != len(f.columns) or not {j[0] for j in f.joined} <= set(f.columns):
            yield f"frame {f.record!r}: a column repeats, or a joined one is not among its columns"


def _check() -> None:
    """Raise :class:`SchemaError` naming every inconsistency (runs at import)."""
    problems = list(_schema_problems())
    if problems:
        raise SchemaError("netintel.schema: " + "; ".join(problems))


_check()


# ------------------------------------------------------------- derived artefacts


def constraint_statements() -> Iterator[str]:
    """Cypher that creates the key constraints and indexes, idempotently.

    Labels and property names come from the schema, never from data.

    >>> next(constraint_statements())
    'CREATE CONSTRAINT case_case_id_unique IF NOT EXISTS FOR (n:Case) REQUIRE n.case_id IS UNIQUE'
    """
    for node in NODES.values():
        yield (
            f"CREATE CONSTRAINT {node.label.lower()}_{node.key}_unique IF NOT EXISTS "
            f"FOR (n:{node.label}) REQUIRE n.{node.key} IS UNIQUE"
        )
    for rel in RELATIONSHIPS.values():
        if rel.unique_key:
            (prop,) = rel.key
            yield (
                f"CREATE CONSTRAINT {rel.type.lower()}_{prop}_unique IF NOT EXISTS "
                f"FOR ()-[r:{rel.type}]-() REQUIRE r.{prop} IS UNIQUE"
            )
    for thing in BOOKKEEPING.values():
        if isinstance(thing, NodeType):
            yield (
                f"CREATE CONSTRAINT {thing.label.lower()}_{thing.key}_unique IF NOT EXISTS "
                f"FOR (n:{thing.label}) REQUIRE n.{thing.key} IS UNIQUE"
            )
    for thing in (*BOOKKEEPING.values(), *NODES.values(), *RELATIONSHIPS.values()):
        if isinstance(thing, NodeType):
            name, pattern, var = thing.label, f"(n:{thing.label})", "n"
        else:
            name, pattern, var = thing.type, f"()-[r:{thing.type}]-()", "r"
        indexed = [p.name for p in thing.props if p.indexed]
        if thing in (*NODES.values(), *RELATIONSHIPS.values()):
            indexed += RUN_INDEXED
        for prop in indexed:
            yield (
                f"CREATE INDEX {name.lower()}_{prop} IF NOT EXISTS FOR {pattern} ON ({var}.{prop})"
            )


def input_format_markdown() -> str:
    """The documentation of the input file layouts, generated from :data:`RECORDS`."""
    out = [
        "# Input format",
        "",
        "Generated from `netintel/schema.py` by `netintel schema docs`; do not edit by hand.",
        "",
        "One file per record type, named `<record type>.csv` (or `.tsv`, `.txt`, `.xlsx`), with",
        "a header row; or a workbook whose sheets are named after record types. Text files may",
        "be UTF-8 (with or without BOM) or GB18030/GBK; other encodings are guessed, and the",
        "delimiter is a tab for `.tsv`, else sniffed (comma, tab, semicolon, pipe); the report",
        "says what was guessed. Any other layout can be read",
        "through a mapping file (see `docs/mapping.md`). Dates are ISO 8601 (`2024-05-01`),",
        "date-times ISO 8601 with or without offset (naive values are taken in the ingest's",
        "time zone, UTC by default); phone numbers in any form `phonenumbers` parses, with",
        "the ingest's default region for national numbers. Every node and relationship gets",
        "provenance: " + ", ".join(f"`{p}`" for p in PROVENANCE) + ".",
        "",
    ]
    for name in LOAD_ORDER:
        r = RECORDS[name]
        target = (
            f"nodes `:{r.node}`"
            if r.node
            else f"relationships `{_pattern(RELATIONSHIPS[r.relationship or ''])}`"
        )
        out += [
            f"## `{name}`",
            "",
            f"{r.doc} Creates {target}.",
            "",
            "| column | type | required | meaning |",
            "|---|---|---|---|",
        ]
        for c in r.columns:
            meaning = c.doc
            if c.choices:
                meaning += (" " if meaning else "") + "one of: " + ", ".join(c.choices)
            if c.minimum is not None and c.maximum is not None:
                meaning += f" (range {c.minimum} to {c.maximum})"
            elif c.minimum is not None:
                meaning += f" (at least {c.minimum})"
            elif c.maximum is not None:
                meaning += f" (at most {c.maximum})"
            if c.link:
                rel = RELATIONSHIPS[c.link.rel]
                meaning += f"; creates `{_pattern(rel)}`"
            if c.prop:
                meaning += f"; stored as `{c.prop}`"
            if c.default is not None:
                meaning += f"; default `{c.default}`"
            out.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {meaning} |")
        out.append("")
    return "\n".join(out)


def _pattern(rel: RelType) -> str:
    return f"(:{rel.start})-[:{rel.type}]->(:{rel.end})"

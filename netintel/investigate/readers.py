"""Every Neo4j reader (and the two SAME_AS writers) of :mod:`netintel.investigate`.

The topic modules (:mod:`~netintel.investigate.calls`, :mod:`~netintel.investigate.chains`,
:mod:`~netintel.investigate.aliases`, :mod:`~netintel.investigate.dna`,
:mod:`~netintel.investigate.infer`, :mod:`~netintel.investigate.paths`) hold pure
functions over frames and graphs; this module fills those frames from Neo4j with the
named Cypher of ``cypher/*.cypher`` (:func:`fetch_frame`) and calls them.

One naming convention:

* ``<pure_function>_of(driver, ...)`` reads what the pure function needs and returns
  its result (:func:`sim_swaps_of` runs :func:`~netintel.investigate.sim_swaps`);
* ``<frame>_of(driver, ...)`` reads one of the frames the pure functions take
  (:func:`calls_of`, :func:`transfers_of`, :func:`phones_of`, ...).

A reader declares only its own parameters: what to read (a phone or a person, a victim,
a time range), the time zone results are shown in (``tz``: default the case's zone,
:func:`case_timezone`) and the ``database``. Every other keyword is the pure function's
own and is forwarded unchanged (``**options``), so the pure function's defaults hold.
Where a reader itself needs one of those values (how far :func:`call_chains_of` reads
past ``end``, how deep :func:`contact_hops_of` reads), it takes the value given or else
the default from the pure function's signature. Two readers choose a default of their
own, and say so: :func:`contact_profile_of` (``top=10``) and :func:`k_shortest_paths_of`
(``max_hops=6``, which bounds how much of the graph is read).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import neo4j
import networkx as nx
import pandas as pd

from netintel.algorithms.temporal import GangsOverTime, _label, gangs_over_time, time_windows
from netintel.cypher import query
from netintel.db import run_query
from netintel.exceptions import UnknownIdError
from netintel.investigate._base import (
    CALL_COLUMNS,
    TRANSFER_COLUMNS,
    TableResult,
    as_calls,
    as_transfers,
    frame_hash,
)
from netintel.investigate.aliases import STATUSES, alias_candidates
from netintel.investigate.calls import (
    Burst,
    CallChains,
    ContactProfile,
    TimeLike,
    _phones,
    _span,
    _time,
    burners,
    call_burst,
    call_chains,
    colocation,
    colocation_network,
    common_contacts,
    contact_hops,
    contact_profile,
    sim_swaps,
    tower_observations,
)
from netintel.investigate.chains import Chains, transfer_chains, victim_chains
from netintel.investigate.dna import MATCH_COLUMNS, reunifications
from netintel.investigate.infer import InferredHandovers
from netintel.investigate.infer_records import infer_from_frames
from netintel.investigate.paths import (
    DEFAULT_TYPES,
    EDGE_COLUMNS,
    Paths,
    evidence_graph,
    k_shortest_paths,
    via_types,
)
from netintel.localtime import zone_name

__all__ = [
    "alias_candidates_of",
    "alias_links_of",
    "burners_of",
    "call_burst_of",
    "call_chains_of",
    "calls_of",
    "case_timezone",
    "colocation_network_of",
    "colocation_of",
    "common_contacts_of",
    "contact_hops_of",
    "contact_profile_of",
    "fetch_frame",
    "gangs_over_time_of",
    "handover_frames_of",
    "in_case_zone",
    "infer_handovers_of",
    "k_shortest_paths_of",
    "neighbourhood_edges_of",
    "phones_of",
    "reunifications_of",
    "set_alias_status",
    "sim_swaps_of",
    "transfer_chains_of",
    "transfers_of",
    "victim_chains_of",
    "write_candidates",
    "write_rows",
]

# ------------------------------------------------------------------------ plumbing


def fetch_frame(
    driver: neo4j.Driver,
    name: str,
    columns: Iterable[str],
    *,
    database: str | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run the read-only named query ``cypher/<name>.cypher``; its rows as a frame.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    name : str
        The query's name (its file in ``cypher/`` without ``.cypher``).
    columns : iterable of str
        The columns to keep, in this order (an empty result has them too).
    database : str or None
        The database (None: the server's default).
    **params
        The query's parameters.

    Returns
    -------
    DataFrame
        One row per record, columns ``columns``.
    """
    records, _, keys = driver.execute_query(
        query(name),
        parameters_=params,
        database_=database,
        routing_=neo4j.RoutingControl.READ,
    )
    cols = list(columns)
    if not records:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    frame = pd.DataFrame([r.values() for r in records], columns=list(keys))
    return frame[cols]


def write_rows(
    driver: neo4j.Driver,
    name: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    database: str | None = None,
    batch_size: int = 5_000,
    **params: Any,
) -> int:
    """Run the named write query with ``$rows`` in batches (managed, retried).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    name : str
        The query's name (its file in ``cypher/``).
    rows : sequence of mappings
        The rows, passed as ``$rows`` ``batch_size`` at a time.
    database : str or None
        The database (None: the server's default).
    batch_size : int
        Rows per transaction.
    **params
        Further query parameters, the same for every batch.

    Returns
    -------
    int
        The number of rows written.
    """
    text = query(name)

    def work(tx: neo4j.ManagedTransaction, batch: Sequence[Mapping[str, Any]]) -> None:
        tx.run(text, rows=batch, **params).consume()

    with driver.session(database=database) as session:
        for i in range(0, len(rows), batch_size):
            session.execute_write(work, rows[i : i + batch_size])
    return len(rows)


def case_timezone(driver: neo4j.Driver, *, database: str | None = None) -> str:
    """The case's time zone: the one of its latest complete ingest (``"UTC"`` when none).

    Ingests store their options on the ``IngestRun`` node; a run whose zone is not
    set (``null``) was read as UTC.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    str
        An IANA zone name, such as ``"Asia/Shanghai"``.
    """
    records = run_query(driver, "case_timezone", database=database)
    if not records or not records[0]["options"]:
        return "UTC"
    try:
        options = json.loads(records[0]["options"])
    except (TypeError, ValueError):
        return "UTC"
    tz = options.get("timezone") if isinstance(options, dict) else None
    return zone_name(tz) if tz else "UTC"


def in_case_zone(
    result: Any, driver: neo4j.Driver, tz: str | None = None, *, database: str | None = None
) -> Any:
    """``result`` (a frozen result with a ``tz`` field) showing times in ``tz``.

    Parameters
    ----------
    result : dataclass
        A frozen result with a ``tz`` field.
    driver : neo4j.Driver
        The connection, to read the case's zone when ``tz`` is None.
    tz : str or None
        The zone (None: the case's, :func:`case_timezone`).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    dataclass
        A copy of ``result`` with ``tz`` set.
    """
    return dataclasses.replace(result, tz=_zone(driver, tz, database))


def _zone(driver: neo4j.Driver, tz: str | None, database: str | None) -> str:
    return zone_name(tz) if tz is not None else case_timezone(driver, database=database)


def _option(pure: Callable[..., Any], options: Mapping[str, Any], name: str) -> Any:
    """The value of the pure function's parameter ``name``: given, or its default."""
    if name in options:
        return options[name]
    return inspect.signature(pure).parameters[name].default


def _utc_ms(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.astype("int64"), unit="ms", utc=True)


# -------------------------------------------------------------------------- frames


def calls_of(
    driver: neo4j.Driver,
    *,
    numbers: Sequence[str] | None = None,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    database: str | None = None,
) -> pd.DataFrame:
    """Call records from Neo4j as a calls frame (:func:`~netintel.investigate.as_calls`).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    numbers : sequence of str or None
        Only calls made or received by these numbers (None: every call).
    start, end : time or None
        Only calls in ``[start, end]`` (None: open).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    DataFrame
        ``call_id, caller, callee, at, duration_s, tower, source, source_row``.
    """
    t0, t1 = _time(start), _time(end)
    params = {
        "start_ms": None if t0 is None else int(t0.value // 1_000_000),
        "end_ms": None if t1 is None else int(t1.value // 1_000_000),
    }
    if numbers is None:
        frame = fetch_frame(driver, "calls_all", CALL_COLUMNS, database=database, **params)
    else:
        frame = fetch_frame(
            driver,
            "calls_of_phones",
            CALL_COLUMNS,
            database=database,
            numbers=list(map(str, numbers)),
            **params,
        )
    return as_calls(frame)


def phones_of(
    driver: neo4j.Driver, person_ids: Sequence[str], *, database: str | None = None
) -> pd.DataFrame:
    """Which numbers the people use.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    person_ids : sequence of str
        The people.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    DataFrame
        ``person_id, number, since, until, source, source_row``.
    """
    cols = ["person_id", "number", "since", "until", "source", "source_row"]
    return fetch_frame(
        driver, "phones_of_persons", cols, database=database, person_ids=list(person_ids)
    )


def transfers_of(
    driver: neo4j.Driver,
    *,
    victim: str | None = None,
    inferred: bool = False,
    database: str | None = None,
) -> pd.DataFrame:
    """Transfer events from Neo4j as a transfers frame (all, or one victim's), with names.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    victim : str or None
        Only this victim's transfers (None: every transfer). One that is no person in
        the graph raises :class:`~netintel.exceptions.UnknownIdError`.
    inferred : bool
        Recorded transfers only, unless True: then the inferred ones written by
        :func:`netintel.inferred.write_inferred` too.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    DataFrame
        The transfers layout (:func:`~netintel.investigate.as_transfers`).
    """
    frame = fetch_frame(
        driver,
        "transfers_all",
        TRANSFER_COLUMNS,
        database=database,
        victim=victim,
        inferred=inferred,
    )
    if victim is not None and not len(frame):
        known = fetch_frame(
            driver, "person_element_ids", ["person_id"], database=database, person_ids=[victim]
        )
        if not len(known):
            raise UnknownIdError("person", victim)
    return as_transfers(frame)


def _sightings(driver: neo4j.Driver, database: str | None) -> pd.DataFrame:
    """Every ``SEEN_AT``: ``entity, place, at, source, source_row`` (``at`` UTC)."""
    cols = ["entity", "place", "at_ms", "source", "source_row"]
    obs = fetch_frame(driver, "sightings_all", cols, database=database)
    return pd.DataFrame(
        {
            "entity": obs["entity"],
            "place": obs["place"],
            "at": _utc_ms(obs["at_ms"]),
            "source": obs["source"],
            "source_row": obs["source_row"],
        }
    )


def handover_frames_of(
    driver: neo4j.Driver, *, database: str | None = None
) -> dict[str, pd.DataFrame]:
    """The frames of :func:`~netintel.investigate.infer_handovers`, read from Neo4j.

    The same frames as :func:`~netintel.investigate.handover_frames` reads from record
    files; recorded transfers only (inferred ones are never read back as evidence).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    dict of str to DataFrame
        ``transfers, calls, sightings, case_roles, persons, cases``.
    """
    calls = fetch_frame(
        driver,
        "infer_person_calls",
        ["person_a", "person_b", "at_ms", "call_id", "source", "source_row"],
        database=database,
    )
    calls["at"] = _utc_ms(calls["at_ms"])
    sightings = _sightings(driver, database).rename(
        columns={"entity": "person_id", "place": "location_id"}
    )
    roles = fetch_frame(
        driver,
        "infer_case_roles",
        ["person_id", "case_id", "role", "source", "source_row"],
        database=database,
    )
    return {
        "transfers": transfers_of(driver, database=database),
        "calls": calls.drop(columns="at_ms"),
        "sightings": sightings,
        "case_roles": roles,
        "persons": fetch_frame(driver, "persons_all", ["person_id", "name"], database=database),
        "cases": fetch_frame(driver, "infer_cases", ["case_id", "opened"], database=database),
    }


def _suggest(driver: neo4j.Driver, wanted: str, database: str | None) -> tuple[str, ...]:
    """The (up to three) person ids and phone numbers closest to ``wanted``."""
    from rapidfuzz import fuzz, process

    known = fetch_frame(driver, "endpoint_ids", ["id"], database=database)["id"]
    choices = [str(x) for x in known if x is not None]
    found = process.extract(wanted, choices, scorer=fuzz.ratio, limit=3, score_cutoff=60)
    return tuple(str(c) for c, _, _ in found)


def _endpoints(
    driver: neo4j.Driver, ids: Sequence[str], database: str | None
) -> dict[str, tuple[str, str, str | None]]:
    """id -> (``"<Label>:<id>"``, element id, name) of persons (else phones) with those ids.

    Raises :class:`UnknownIdError` for the first id that is neither, with close matches.
    """
    got = fetch_frame(
        driver,
        "path_endpoints",
        ["id", "label", "eid", "name"],
        database=database,
        ids=list(dict.fromkeys(ids)),
    )
    out = {
        str(i): (f"{label}:{i}", str(eid), name if isinstance(name, str) else None)
        for i, label, eid, name in got.itertuples(index=False)
    }
    for i in ids:
        if i not in out:
            raise UnknownIdError("person or phone", i, _suggest(driver, i, database))
    return out


_NEIGHBOUR_COLUMNS = [
    "u_eid",
    "v_eid",
    "u",
    "v",
    "type",
    "id",
    "source",
    "source_row",
    "rel_eid",
    "v_degree",
    "u_name",
    "v_name",
    "at",
]


def neighbourhood_edges_of(
    driver: neo4j.Driver,
    people: Sequence[str],
    *,
    types: Sequence[str] = DEFAULT_TYPES,
    depth: int = 2,
    max_degree: int = 1_000,
    database: str | None = None,
) -> pd.DataFrame:
    """Relationship records within ``depth`` hops of people or phones (breadth first).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    people : sequence of str
        Person ids or phone numbers; one that is neither raises
        :class:`~netintel.exceptions.UnknownIdError`.
    types : sequence of str
        The relationship types followed.
    depth : int
        How many hops out to read.
    max_degree : int
        Nodes with more relationships of the chosen types (a busy tower, a big case)
        are reached but not expanded.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    DataFrame
        Columns :data:`~netintel.investigate.paths.EDGE_COLUMNS`, nodes named
        ``"<Label>:<key>"``, their names and the record's time (``at``, UTC): what
        :func:`~netintel.investigate.evidence_graph` takes.
    """
    ends = _endpoints(driver, list(people), database)
    frontier = {eid for _, eid, _ in ends.values()}
    seen = set(frontier)
    frames = []
    for _ in range(depth):
        if not frontier:
            break
        got = fetch_frame(
            driver,
            "neighbour_edges",
            _NEIGHBOUR_COLUMNS,
            database=database,
            eids=sorted(frontier),
            types=list(types),
        )
        frames.append(got)
        fresh = got[~got["v_eid"].isin(seen)]
        expand = fresh[fresh["v_degree"] <= max_degree]
        seen |= set(fresh["v_eid"])
        frontier = set(expand["v_eid"])
    if not frames:
        return pd.DataFrame(columns=list(EDGE_COLUMNS))
    edges = pd.concat(frames, ignore_index=True).drop_duplicates("rel_eid")
    edges = edges[list(EDGE_COLUMNS)].reset_index(drop=True)
    edges["at"] = pd.to_datetime(pd.to_numeric(edges["at"]), unit="ms", utc=True)
    return edges


def alias_links_of(
    driver: neo4j.Driver, *, status: str | None = "confirmed", database: str | None = None
) -> pd.DataFrame:
    """The ``SAME_AS`` links with ``status`` (what an analyst decided).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    status : str or None
        ``confirmed``, ``rejected`` or ``candidate`` (None: every link).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    DataFrame
        ``a, b, score, evidence, status``: what
        :func:`~netintel.investigate.alias_clusters` takes.
    """
    return fetch_frame(
        driver,
        "same_as_links",
        ["a", "b", "score", "evidence", "status"],
        database=database,
        status=status,
    )


# --------------------------------------------------------------------- call records


def _subject(
    driver: neo4j.Driver, phone: str | None, person: str | None, database: str | None
) -> tuple[str, ...]:
    if (phone is None) == (person is None):
        raise ValueError("give exactly one of phone= or person=")
    if phone is not None:
        return (phone,)
    numbers = tuple(phones_of(driver, [str(person)], database=database)["number"])
    if not numbers:
        raise ValueError(f"person {person!r} uses no known phone")
    return numbers


def _subjects(
    driver: neo4j.Driver, a: str, b: str, by: str, database: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The phones of ``a`` and of ``b``, each a phone (``by="phone"``) or a person."""
    if by not in ("phone", "person"):
        raise ValueError(f"by must be 'phone' or 'person', not {by!r}")
    if by == "phone":
        return _subject(driver, a, None, database), _subject(driver, b, None, database)
    return _subject(driver, None, a, database), _subject(driver, None, b, database)


def contact_profile_of(
    driver: neo4j.Driver,
    *,
    phone: str | None = None,
    person: str | None = None,
    top: int | None = 10,
    tz: str | None = None,
    database: str | None = None,
) -> ContactProfile:
    """:func:`~netintel.investigate.contact_profile` of a phone or a person, from Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    phone, person : str or None
        Exactly one: the phone, or the person whose phones are profiled.
    top : int or None
        The most frequent contacts kept (this reader's default: 10; None: all).
    tz : str or None
        The zone of the active hours (None: the case's zone).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    ContactProfile
        As :func:`~netintel.investigate.contact_profile` returns it.
    """
    subject = _subject(driver, phone, person, database)
    calls = calls_of(driver, numbers=subject, database=database)
    return contact_profile(calls, subject, top=top, tz=_zone(driver, tz, database))


def common_contacts_of(
    driver: neo4j.Driver, a: str, b: str, *, by: str = "phone", database: str | None = None
) -> TableResult:
    """:func:`~netintel.investigate.common_contacts` of two phones or two people.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    a, b : str
        Two phones (``by="phone"``) or two person ids (``by="person"``).
    by : str
        ``"phone"`` or ``"person"``.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.common_contacts` returns it.
    """
    pa, pb = _subjects(driver, a, b, by, database)
    calls = calls_of(driver, numbers=[*pa, *pb], database=database)
    return common_contacts(calls, pa, pb)


def contact_hops_of(
    driver: neo4j.Driver,
    seeds: str | Sequence[str],
    *,
    database: str | None = None,
    **options: Any,
) -> TableResult:
    """:func:`~netintel.investigate.contact_hops` from Neo4j.

    Reads only the calls of each hop's frontier, ``k`` hops out.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    seeds : str or sequence of str
        The numbers to start from.
    database : str or None
        The database (None: the server's default).
    **options
        ``k``, ``min_calls``: as for :func:`~netintel.investigate.contact_hops`.

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.contact_hops` returns it.
    """
    frontier = set(_phones(seeds))
    seen = set(frontier)
    frames = []
    for _ in range(_option(contact_hops, options, "k")):
        got = calls_of(driver, numbers=sorted(frontier), database=database)
        frames.append(got)
        nxt = (set(got["caller"]) | set(got["callee"])) - seen
        seen |= nxt
        frontier = nxt
        if not frontier:
            break
    calls = pd.concat(frames, ignore_index=True).drop_duplicates("call_id")
    return contact_hops(calls, seeds, **options)


def call_chains_of(
    driver: neo4j.Driver,
    source: str,
    target: str,
    *,
    by: str = "person",
    tz: str | None = None,
    database: str | None = None,
    **options: Any,
) -> CallChains:
    """:func:`~netintel.investigate.call_chains` between two people or two phones.

    Reads the calls between ``start`` and ``end`` plus ``window * max_hops``.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    source, target : str
        Two person ids (``by="person"``: their phones) or two phones (``by="phone"``).
    by : str
        ``"person"`` or ``"phone"``.
    tz : str or None
        The zone the result shows times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        ``window, max_hops, start, end, directed, limit, max_expansions``: as for
        :func:`~netintel.investigate.call_chains`.

    Returns
    -------
    CallChains
        As :func:`~netintel.investigate.call_chains` returns it, times in ``tz``.
    """
    pa, pb = _subjects(driver, source, target, by, database)
    t1 = _time(options.get("end"))
    window = _span(_option(call_chains, options, "window"), "window")
    reach = None if t1 is None else t1 + window * _option(call_chains, options, "max_hops")
    calls = calls_of(driver, start=options.get("start"), end=reach, database=database)
    return in_case_zone(call_chains(calls, pa, pb, **options), driver, tz, database=database)


def _transfer_subject(
    driver: neo4j.Driver, transfer: str, database: str | None
) -> tuple[pd.Timestamp, tuple[str, ...]]:
    """The time of ``transfer`` and the phones of its two parties."""
    cols = ["transfer_id", "at_ms", "from_id", "to_id"]
    t = fetch_frame(driver, "transfer_parties", cols, database=database, transfer_id=transfer)
    if t.empty:
        raise ValueError(f"no transfer {transfer!r}")
    at = pd.Timestamp(int(t["at_ms"].iloc[0]), unit="ms", tz="UTC")
    people = [str(t["from_id"].iloc[0]), str(t["to_id"].iloc[0])]
    subject = tuple(phones_of(driver, people, database=database)["number"])
    if not subject:
        raise ValueError(f"no known phone of the parties of transfer {transfer!r}")
    return at, subject


def _calls_period(
    driver: neo4j.Driver, database: str | None
) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last call time in the graph (None: no calls)."""
    period = fetch_frame(driver, "calls_period", ["first_ms", "last_ms"], database=database)
    if period.empty or period["first_ms"].iloc[0] is None:
        return None
    return (
        pd.Timestamp(int(period["first_ms"].iloc[0]), unit="ms", tz="UTC"),
        pd.Timestamp(int(period["last_ms"].iloc[0]), unit="ms", tz="UTC"),
    )


def call_burst_of(
    driver: neo4j.Driver,
    *,
    transfer: str | None = None,
    person: str | None = None,
    phone: str | None = None,
    at: TimeLike | None = None,
    database: str | None = None,
    **options: Any,
) -> Burst:
    """:func:`~netintel.investigate.call_burst` around a transfer, or a time, from Neo4j.

    The baseline period is the first to the last call in the graph.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    transfer : str or None
        A transfer: its two parties' phones around its time.
    person, phone : str or None
        Without ``transfer``: exactly one, the subject, around ``at``.
    at : time or None
        The event time (with ``person`` or ``phone``).
    database : str or None
        The database (None: the server's default).
    **options
        ``before``, ``after``: as for :func:`~netintel.investigate.call_burst`.

    Returns
    -------
    Burst
        As :func:`~netintel.investigate.call_burst` returns it.
    """
    period = _calls_period(driver, database)
    if transfer is not None:
        at, subject = _transfer_subject(driver, transfer, database)
    else:
        if at is None:
            raise ValueError("give at= with person= or phone=")
        subject = _subject(driver, phone, person, database)
    calls = calls_of(driver, numbers=subject, database=database)
    return call_burst(calls, subject, at, period=period, **options)


def burners_of(
    driver: neo4j.Driver, *, tz: str | None = None, database: str | None = None, **options: Any
) -> TableResult:
    """:func:`~netintel.investigate.burners` over every call in Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    tz : str or None
        The zone the table shows times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        ``max_span, max_contacts, min_calls, margin, period``: as for
        :func:`~netintel.investigate.burners`.

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.burners` returns it, times in ``tz``.
    """
    result = burners(calls_of(driver, database=database), **options)
    return in_case_zone(result, driver, tz, database=database)


def sim_swaps_of(
    driver: neo4j.Driver,
    *,
    use_handsets: bool = True,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    tz: str | None = None,
    database: str | None = None,
    **options: Any,
) -> TableResult:
    """:func:`~netintel.investigate.sim_swaps` over the calls in Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    use_handsets : bool
        Read the phones' IMEIs as handset evidence.
    start, end : time or None
        Only the calls in ``[start, end]`` (None: open).
    tz : str or None
        The zone the table shows times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        ``min_shared, min_score, max_residual, max_prior, rounds, max_contact_degree``:
        as for :func:`~netintel.investigate.sim_swaps`.

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.sim_swaps` returns it, times in ``tz``.
    """
    calls = calls_of(driver, start=start, end=end, database=database)
    handsets = (
        fetch_frame(
            driver,
            "phone_handsets",
            ["number", "imei", "source", "source_row"],
            database=database,
        )
        if use_handsets
        else None
    )
    result = sim_swaps(calls, handsets=handsets, **options)
    return in_case_zone(result, driver, tz, database=database)


def colocation_of(
    driver: neo4j.Driver,
    *,
    by: str = "phone",
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    tz: str | None = None,
    database: str | None = None,
    **options: Any,
) -> TableResult:
    """:func:`~netintel.investigate.colocation` of phones or of people, from Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    by : str
        ``"phone"``: phones on the same tower (the calls they made,
        :func:`~netintel.investigate.tower_observations`); ``"person"``: people at the
        same place (their sightings, ``SEEN_AT``).
    start, end : time or None
        ``by="phone"`` only: the calls in ``[start, end]`` (None: open).
    tz : str or None
        The zone the table shows times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        ``window``, ``min_meetings``: as for :func:`~netintel.investigate.colocation`.

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.colocation` returns it, times in ``tz``.
    """
    observations = _observations(driver, by, start, end, database)
    result = colocation(observations, **options)
    return in_case_zone(result, driver, tz, database=database)


def _observations(
    driver: neo4j.Driver, by: str, start: Any, end: Any, database: str | None
) -> pd.DataFrame:
    """What :func:`colocation_of` compares: calls through towers, or sightings."""
    if by == "phone":
        calls = calls_of(driver, start=start, end=end, database=database)
        return tower_observations(calls)
    if by == "person":
        if start is not None or end is not None:
            raise ValueError("start= and end= select calls: they go with by='phone'")
        return _sightings(driver, database).assign(kind="sighting", id=None)
    raise ValueError(f"by must be 'phone' or 'person', not {by!r}")


def colocation_network_of(
    driver: neo4j.Driver,
    result: TableResult,
    *,
    by: str = "phone",
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    tz: str | None = None,
    database: str | None = None,
) -> nx.Graph:
    """Who met where (:func:`~netintel.investigate.colocation_network`), from Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    result : TableResult
        A :func:`colocation_of` result.
    by, start, end : as for :func:`colocation_of`
        The observations ``result`` was computed from.
    tz : str or None
        The zone a map of the graph shows times in (the graph attribute ``timezone``;
        None: the case's zone).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    networkx.Graph
        The pairs, the places they met at (with their names, kinds, latitudes and
        longitudes) and the observations that put each of them there.
    """
    observations = _observations(driver, by, start, end, database)
    table = result.table
    places = sorted({p for row in table["places"] for p in row})
    where = fetch_frame(
        driver,
        "locations_of",
        ["location_id", "name", "kind", "lat", "lon", "region"],
        database=database,
        ids=places,
    )
    who = sorted(set(table["a"]) | set(table["b"]))
    found = fetch_frame(driver, "path_endpoints", ["id", "name"], database=database, ids=who)
    names = {str(k): str(v) for k, v in zip(found["id"], found["name"], strict=True) if v}
    G = colocation_network(
        result, observations, where, label="Person" if by == "person" else "Phone", names=names
    )
    G.graph["timezone"] = _zone(driver, tz, database)
    return G


# -------------------------------------------------------------- chains and inference


def victim_chains_of(
    driver: neo4j.Driver,
    *,
    victim: str | None = None,
    tz: str | None = None,
    database: str | None = None,
) -> Chains:
    """:func:`~netintel.investigate.victim_chains` from Neo4j (all victims, or one).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    victim : str or None
        One victim (None: every victim); an unknown one raises
        :class:`~netintel.exceptions.UnknownIdError`.
    tz : str or None
        The zone the tables show times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    Chains
        As :func:`~netintel.investigate.victim_chains` returns it.
    """
    zone = _zone(driver, tz, database)
    return victim_chains(transfers_of(driver, victim=victim, database=database), tz=zone)


def transfer_chains_of(
    driver: neo4j.Driver, *, tz: str | None = None, database: str | None = None, **options: Any
) -> Chains:
    """:func:`~netintel.investigate.transfer_chains` over every transfer in Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    tz : str or None
        The zone the tables show times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        ``max_gap, min_hops, same_victim, limit``: as for
        :func:`~netintel.investigate.transfer_chains`.

    Returns
    -------
    Chains
        As :func:`~netintel.investigate.transfer_chains` returns it.
    """
    zone = _zone(driver, tz, database)
    return transfer_chains(transfers_of(driver, database=database), tz=zone, **options)


def infer_handovers_of(
    driver: neo4j.Driver, *, tz: str | None = None, database: str | None = None, **options: Any
) -> InferredHandovers:
    """:func:`~netintel.investigate.infer_handovers` over the case in Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    tz : str or None
        The zone the tables show times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        The weights, windows and thresholds of
        :func:`~netintel.investigate.infer_handovers`.

    Returns
    -------
    InferredHandovers
        As :func:`~netintel.investigate.infer_handovers` returns it.
    """
    zone = _zone(driver, tz, database)
    return infer_from_frames(handover_frames_of(driver, database=database), tz=zone, **options)


# ------------------------------------------------------------ aliases, DNA, paths


def alias_candidates_of(
    driver: neo4j.Driver,
    *,
    use_phones: bool = True,
    use_places: bool = True,
    database: str | None = None,
    **options: Any,
) -> TableResult:
    """:func:`~netintel.investigate.alias_candidates` over every Person in Neo4j.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    use_phones, use_places : bool
        Read the phones people use, and the places they were seen, as evidence.
    database : str or None
        The database (None: the server's default).
    **options
        ``min_score, max_block, weights``: as for
        :func:`~netintel.investigate.alias_candidates`.

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.alias_candidates` returns it.
    """
    cols = [
        "person_id",
        "name",
        "aliases",
        "gender",
        "birth_date",
        "national_id",
        "source",
        "source_row",
    ]
    persons = fetch_frame(driver, "persons_all", cols, database=database)
    phones = (
        fetch_frame(
            driver,
            "uses_all",
            ["person_id", "number", "source", "source_row"],
            database=database,
        )
        if use_phones
        else None
    )
    places = (
        fetch_frame(
            driver,
            "sightings_all",
            ["entity", "place", "source", "source_row"],
            database=database,
        ).rename(columns={"entity": "person_id"})
        if use_places
        else None
    )
    return alias_candidates(persons, phones=phones, places=places, **options)


def reunifications_of(
    driver: neo4j.Driver, *, database: str | None = None, **options: Any
) -> TableResult:
    """:func:`~netintel.investigate.reunifications` from the DNA matches in Neo4j.

    Reads the matches, the reference donors, the cases they reported and the missing
    people of those cases (``cypher/dna_matches.cypher``).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    database : str or None
        The database (None: the server's default).
    **options
        ``min_score``, ``likely_score``: as for
        :func:`~netintel.investigate.reunifications`.

    Returns
    -------
    TableResult
        As :func:`~netintel.investigate.reunifications` returns it.
    """
    matches = fetch_frame(driver, "dna_matches", MATCH_COLUMNS, database=database)
    return reunifications(matches, **options)


def k_shortest_paths_of(
    driver: neo4j.Driver,
    source: str,
    target: str,
    *,
    via: str | Sequence[str] = "all",
    types: Sequence[str] | None = None,
    max_hops: int = 6,
    max_degree: int = 1_000,
    tz: str | None = None,
    database: str | None = None,
    **options: Any,
) -> Paths:
    """:func:`~netintel.investigate.k_shortest_paths` between people or phones, from Neo4j.

    Reads the neighbourhoods of both ends to depth ``ceil(max_hops / 2)``, which holds
    every path of at most ``max_hops`` hops (except through nodes with more than
    ``max_degree`` relationships, which are not expanded), into an
    :func:`~netintel.investigate.evidence_graph`.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    source, target : str
        Person ids or phone numbers; an id that is neither raises
        :class:`~netintel.exceptions.UnknownIdError` with the closest ids that exist.
    via : str or sequence of str
        The kinds of link followed (:data:`~netintel.investigate.VIA`).
    types : sequence of str or None
        Exactly these relationship types instead of ``via``.
    max_hops : int
        The longest path (this reader's default: 6; it bounds what is read).
    max_degree : int
        Nodes with more relationships are reached but not expanded.
    tz : str or None
        The zone the tables show times in (None: the case's zone).
    database : str or None
        The database (None: the server's default).
    **options
        ``k``, ``weight``: as for :func:`~netintel.investigate.k_shortest_paths`.

    Returns
    -------
    Paths
        As :func:`~netintel.investigate.k_shortest_paths` returns it.
    """
    if max_hops < 1:
        raise ValueError(f"max_hops must be at least 1, got {max_hops}")
    follow = tuple(types) if types is not None else via_types(via)
    ends = _endpoints(driver, [source, target], database)
    zone = _zone(driver, tz, database)
    edges = neighbourhood_edges_of(
        driver,
        [source, target],
        types=follow,
        depth=(max_hops + 1) // 2,
        max_degree=max_degree,
        database=database,
    )
    G = evidence_graph(edges)
    for node, _, name in (ends[source], ends[target]):
        G.add_node(node)
        if name:
            G.nodes[node]["name"] = name
    a, b = ends[source][0], ends[target][0]
    return k_shortest_paths(G, a, b, max_hops=max_hops, tz=zone, **options)


def gangs_over_time_of(
    driver: neo4j.Driver,
    projection: str = "person_calls",
    *,
    since: str,
    until: str,
    window: str | pd.Timedelta = "30D",
    step: str | pd.Timedelta | None = None,
    region: str | Sequence[str] | None = None,
    projection_options: Mapping[str, Any] | None = None,
    database: str | None = None,
    **options: Any,
) -> GangsOverTime:
    """:func:`~netintel.algorithms.gangs_over_time` on one projection per time window.

    Windows of length ``window`` every ``step`` from ``since``, the last one cut at
    ``until`` (:func:`~netintel.algorithms.time_windows`); each window's network is the
    projection over ``since <= t < until`` (:func:`netintel.projection.project`).
    Window labels are ``"since..until"`` as given to the projection; people's names
    come from the graph.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    projection : str
        ``person_calls``, ``co_location``, ``multiplex``...
    since, until : str
        The period cut into windows.
    window, step : str or Timedelta
        Window length and the step between window starts (pandas offsets; ``step``
        defaults to ``window``).
    region : str or sequence of str or None
        Only these regions.
    projection_options : mapping or None
        Further options of the projection.
    database : str or None
        The database (None: the server's default).
    **options
        ``seed, threshold, min_size, ...``: as for
        :func:`~netintel.algorithms.gangs_over_time`.

    Returns
    -------
    GangsOverTime
        As :func:`~netintel.algorithms.gangs_over_time` returns it.

    Examples
    --------
    ::

        with config.driver() as drv:
            t = gangs_over_time_of(drv, since="2023-01-01", until="2024-01-01", window="90D")
        t.movers
    """
    from netintel.projection import project

    last = pd.Timestamp(until)
    spans = [(a, min(b, last)) for a, b in time_windows(since, until, window, step)]
    spans = [(a, b) for a, b in spans if a < b]
    daily = all(ts == ts.normalize() for span in spans for ts in span)
    graphs: dict[str, nx.Graph] = {}
    for start, stop in spans:
        proj = project(
            driver,
            projection,
            since=start.isoformat(),
            until=stop.isoformat(),
            region=region,
            database=database,
            **(projection_options or {}),
        )
        graphs[_label(start, stop, daily)] = proj.to_networkx()
    return gangs_over_time(graphs, **options)


# ------------------------------------------------------------------------- writers


def write_candidates(
    driver: neo4j.Driver,
    candidates: TableResult | pd.DataFrame,
    *,
    run_id: str | None = None,
    database: str | None = None,
) -> int:
    """Write alias candidates as ``SAME_AS`` links with status ``candidate``.

    Idempotent: a link that exists (either direction) gets the new score and
    evidence, but a status an analyst set (``confirmed``, ``rejected``) is kept.

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    candidates : TableResult or DataFrame
        What :func:`~netintel.investigate.alias_candidates` returns (``a, b, score,
        reasons``).
    run_id : str or None
        The links' ``ingest_run`` (None: derived from the candidates' input hash);
        their ``source`` is ``'alias_candidates'``.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    int
        The number of links written.
    """
    table = candidates.table if isinstance(candidates, TableResult) else candidates
    if run_id is None:
        h = (
            candidates.provenance.input_hash
            if isinstance(candidates, TableResult)
            else frame_hash(table[["a", "b", "score"]])
        )
        run_id = "aliases-" + h.split(":")[-1][:16]
    rows = [
        {"a": a, "b": b, "score": float(s), "evidence": list(r)}
        for a, b, s, r in zip(table["a"], table["b"], table["score"], table["reasons"], strict=True)
    ]
    return write_rows(driver, "same_as_merge", rows, database=database, run=run_id)


def set_alias_status(
    driver: neo4j.Driver,
    a: str,
    b: str,
    status: str,
    *,
    by: str | None = None,
    database: str | None = None,
) -> bool:
    """An analyst's decision on the SAME_AS link between ``a`` and ``b``.

    Creates the link when there was none (a manual link, score null).

    Parameters
    ----------
    driver : neo4j.Driver
        The connection.
    a, b : str
        The two person ids.
    status : str
        ``confirmed``, ``rejected`` or back to ``candidate``.
    by : str or None
        Who decided.
    database : str or None
        The database (None: the server's default).

    Returns
    -------
    bool
        True.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    write_rows(
        driver, "same_as_status", [{"a": a, "b": b, "status": status, "by": by}], database=database
    )
    return True

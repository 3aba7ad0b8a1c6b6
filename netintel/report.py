"""The case report: what is in the graph and what the analysis finds, as Markdown and HTML.

:func:`case_report` reads the database and writes ``report.md`` and ``report.html``
(plus ``map.html``) into a folder. The report has these sections:

- the graph: nodes and relationships per label and type;
- the ingests behind it: files, rows read = loaded + rejected, reject files;
- the gangs: :func:`~netintel.algorithms.find_gangs` on the person call network, run
  through :func:`netintel.batch.run_batch`. For each gang it gives its alliance, size,
  stability, leaders and brokers. With known gangs (``truth``), it scores them and
  shows the panel of fixed methods beside them (:func:`~netintel.algorithms.gang_panel`).
  When the report is run again in the same folder, it also says who moved since the
  last run;
- the key players of that network (PageRank, betweenness, degree), each with the
  interval of ranks they take when part of the network is missing
  (:func:`~netintel.algorithms.rank_stability`);
- the trafficking chains: victims, hops and the brokers who appear in several chains;
- the stored analysis runs;
- a map of the person call network, coloured by gang and sized by PageRank.

Every time is shown in the case's time zone (the zone of its latest ingest, or
``tz=``) with the zone said, e.g. ``2023-05-02 02:10 CST (+08:00)``; people are
shown with their names beside their ids.

The same report comes from ``netintel report`` and ends ``netintel demo``.

Usage::

    from netintel import config
    from netintel.report import case_report

    with config.driver() as drv:
        made = case_report(drv, "out/report", seeds=5, seed=0)
    made.markdown, made.html, made.map_html
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import neo4j
import pandas as pd

from netintel import __version__
from netintel.investigate._base import Record
from netintel.investigate.readers import case_timezone, fetch_frame
from netintel.localtime import format_local, is_time, to_local, zone_name
from netintel.outfiles import write_text
from netintel.pages import markdown_page
from netintel.viz.redact import Redaction

if TYPE_CHECKING:
    from netintel.algorithms import KeyPlayers, RankStability

__all__ = ["CaseReport", "Section", "case_report", "render_html", "render_markdown"]


@dataclass(frozen=True)
class Section:
    """One section of a report: a heading, then paragraphs (str) and tables, in order."""

    title: str
    blocks: Sequence[str | pd.DataFrame] = ()


#: what Markdown would read as markup inside a table cell: backslash, code, emphasis, links,
#: the cell separator, entities; an underscore only at a word's edge (inside a word it is text)
_MARKUP = re.compile(r"[\\`*\[\]|&]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def _as_text(value: Any) -> Any:
    """A table cell's text with its Markdown characters escaped, so it shows as written."""
    return _MARKUP.sub(r"\\\g<0>", value) if isinstance(value, str) else value


def render_markdown(title: str, sections: Sequence[Section]) -> str:
    """The report as Markdown.

    Parameters
    ----------
    title : str
        The report's title (a level-1 heading).
    sections : sequence of Section
        The sections, in order: each a level-2 heading, then its paragraphs and tables
        (tables as Markdown pipe tables, whose cells are data: their text is escaped, so
        a name such as ``*Boss* | A&amp;B`` shows as written, not as markup).

    Returns
    -------
    str
        The Markdown text.

    Examples
    --------
    >>> print(render_markdown("T", [Section("S", ["one", pd.DataFrame({"a": [1]})])]))
    # T
    <BLANKLINE>
    ## S
    <BLANKLINE>
    one
    <BLANKLINE>
    |   a |
    |----:|
    |   1 |
    <BLANKLINE>
    """
    lines = [f"# {title}", ""]
    for s in sections:
        lines += [f"## {s.title}", ""]
        for b in s.blocks:
            lines += [b if isinstance(b, str) else b.map(_as_text).to_markdown(index=False), ""]
    return "\n".join(lines)


def render_html(title: str, markdown: str) -> str:
    """The report's Markdown as one self-contained HTML page (no scripts, no remote resources).

    Parameters
    ----------
    title : str
        The page's title.
    markdown : str
        The report as :func:`render_markdown` writes it; raw HTML in it is escaped.

    Returns
    -------
    str
        The page (``templates/markdown.html.j2``, ``static/report.css``).

    Examples
    --------
    >>> page = render_html("T", render_markdown("T", [Section("S", ["<b>Ann</b>"])]))
    >>> "<h2>S</h2>" in page, "<p>&lt;b&gt;Ann&lt;/b&gt;</p>" in page, "<script" in page
    (True, True, False)
    """
    return markdown_page(title, markdown, css="report.css")


@dataclass(frozen=True)
class CaseReport:
    """Where :func:`case_report` wrote the report, and the facts it found."""

    markdown: Path
    html: Path
    map_html: Path | None
    facts: dict[str, Any] = field(default_factory=dict)


def _ingests(driver: neo4j.Driver, database: str | None, tz: str) -> pd.DataFrame:
    columns = ["run", "started", "status", "file", "record", "read", "loaded", "rejected"]
    frame = fetch_frame(driver, "ingest_files", [*columns, "reject_file"], database=database)
    frame["file"] = [Path(f).name for f in frame["file"]]
    frame["started"] = [format_local(t, tz) for t in frame["started"]]
    for c in ("read", "loaded", "rejected"):
        frame[c] = pd.to_numeric(frame[c]).astype("int64")
    return frame


def _cell(value: Any, tz: str = "UTC") -> str:
    """One table cell as short text: lists joined, records as ``id (file row n)``, times
    local to the minute with their zone."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v, tz) for v in value)
    if isinstance(value, Record):
        return f"{value.id or ''} ({value.source} row {value.row})".strip()
    if is_time(value):
        return format_local(value, tz)
    return "" if value is None else str(value)


def _cells(frame: pd.DataFrame, tz: str = "UTC") -> pd.DataFrame:
    return frame.map(lambda v: _cell(v, tz))


def _with_names(ids: str, names: dict[str, str]) -> str:
    """``"P1;P2"`` -> ``"P1 (Ann Lee), P2"``."""
    parts = [p for p in str(ids).split(";") if p]
    return ", ".join(f"{p} ({names[p]})" if p in names else p for p in parts)


def _top(players: KeyPlayers, metric: str, n: int, names: dict[str, str]) -> pd.DataFrame:
    """The ``n`` people highest on ``metric`` (:meth:`KeyPlayers.top`), with their names."""
    best = players.table.loc[players.top(metric, n)]
    return pd.DataFrame(
        {
            "rank": range(1, len(best) + 1),
            "person": [str(k) for k in best.index],
            "name": [names.get(str(k), "") for k in best.index],
            metric: best[metric].round(4).tolist(),
        }
    )


#: People and call links missing from each sample of the rank intervals (Ficara et al. 2021).
_DROP_NODES, _DROP_LINKS = 0.02, 0.1

#: Above this many people, betweenness in the rank intervals is sampled from this many sources.
_SAMPLED_ABOVE, _SOURCES = 1_000, 64

#: Above this many people, the key players' betweenness is sampled from this many sources
#: (Brandes & Pich 2007): exact betweenness takes people x links steps, an hour at 1M calls.
_EXACT_UP_TO, _TABLE_SOURCES = 10_000, 256


def _stability_columns(shown: pd.DataFrame, rs: RankStability) -> pd.DataFrame:
    """``shown`` (a :func:`_top` table) with each person's median rank, 5%-95% rank
    interval and how often they were among the missing."""
    rows = rs.table
    rows = rows.set_axis([str(v) for v in rows.index])
    got = rows.loc[shown["person"]]
    out = shown.copy()
    out["median rank"] = got["median_rank"].to_numpy()
    out["rank 5-95%"] = [
        "" if pd.isna(lo) else f"{int(lo)}-{int(hi)}"
        for lo, hi in zip(got["rank_05"], got["rank_95"], strict=True)
    ]
    out["missing"] = [f"{m:.0%}" for m in got["missing"]]
    return out


def _mapping_path(out: Path) -> Path:
    """Where a redacted report's pseudonym key goes: beside its folder, never inside it."""
    return out.with_name(out.name + ".pseudonyms.csv")


@dataclass
class _Run:
    """What the stages of :func:`case_report` share: where they read and write, and what
    they found (``facts``)."""

    driver: neo4j.Driver
    database: str | None
    out: Path
    work: Path  # where the gang partitions go: ``out``, or a temporary folder when redacted
    shared: bool  # a redacted report: the partitions are not kept
    zone: str
    seed: int
    top: int
    echo: Callable[[str], None]
    facts: dict[str, Any] = field(default_factory=dict)


def _graph_section(run: _Run) -> Section:
    from netintel.db import graph_summary

    return Section("What is in the graph", [graph_summary(run.driver, database=run.database)])


def _ingest_section(run: _Run) -> Section:
    """Files, rows read = loaded + rejected, per ingest run."""
    ingests = _ingests(run.driver, run.database, run.zone)
    balanced = bool((ingests["read"] == ingests["loaded"] + ingests["rejected"]).all())
    facts = run.facts
    facts.update(rows_read=int(ingests["read"].sum()), rows_rejected=int(ingests["rejected"].sum()))
    text = (
        f"{len(ingests)} files in {ingests['run'].nunique()} ingest runs: "
        f"{facts['rows_read']:,} rows read, {int(ingests['loaded'].sum()):,} loaded, "
        f"{facts['rows_rejected']:,} rejected. "
        + (
            "Every file accounts for every row (read = loaded + rejected)."
            if balanced
            else "WARNING: some file does not account for every row."
        )
    )
    shown = ingests.drop(columns=["run", "reject_file"])
    return Section("Ingests", [text, shown] if len(shown) else [text])


def _people_names(proj: Any) -> dict[str, str]:
    """Person id -> name, from the projection's node attributes."""
    if "name" not in proj.node_attributes.columns:
        return {}
    col = proj.node_attributes["name"]
    return {str(k): str(v) for k, v in col.items() if isinstance(v, str)}


def _find_gangs(run: _Run, proj: Any, seeds: int, progress: bool) -> Any:
    """The find_gangs job of a one-job batch on the person call network (``proj``, already
    read for the map: the batch does not read it again)."""
    from netintel.batch import BatchSpec, run_batch

    run.echo(f"finding gangs: find_gangs ({seeds} label-propagation runs and Infomap)")
    spec = BatchSpec.from_options(
        projection="person_calls", algorithm="find_gangs", seeds=seeds, seed=run.seed, name="gangs"
    )
    batch = run_batch(
        spec,
        run.work / "gangs",
        driver=run.driver,
        database=run.database,
        progress=progress,
        projection=proj,
    )
    return batch.jobs[0]


def _gangs_paragraph(
    proj: Any, job: Any, table: pd.DataFrame, groups: pd.DataFrame, loose: pd.DataFrame
) -> str:
    from netintel.algorithms.communities import LOOSE_MEANING, MERGE_MIN_SIZE

    alliances = groups["alliance"].nunique() if "alliance" in groups.columns else None
    small = len(table) - len(groups) - len(loose)
    people = int(loose["size"].sum())
    return (
        f"{proj.n:,} people linked by {proj.m:,} call pairs form {len(groups)} gangs of "
        f"{MERGE_MIN_SIZE} or more"
        + (f" in {alliances} alliances" if alliances else "")
        + (
            f", {_count(len(loose), 'loose group')} of {_count(people, 'person', 'people')} "
            f"(not listed: {LOOSE_MEANING})"
            if len(loose)
            else ""
        )
        + (f", and {small} smaller groups (not listed)" if small else "")
        + f"; modularity {job.modularity:.3f}, mean stability {job.stability:.2f} over "
        "the candidate runs (1.0: every run grouped them the same way; runs that split "
        "or merged a gang do not count). See docs/gangs.md for how the gangs are chosen."
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun, singular or plural: ``_count(2, "group")`` is "2 groups"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _against_truth(
    run: _Run, proj: Any, membership: dict[str, Any], truth: Mapping[str, str]
) -> tuple[str, pd.DataFrame]:
    """The known gangs' scores (a paragraph) and the panel of fixed methods beside them."""
    from netintel.algorithms import gang_panel, gang_scores

    got = gang_scores(membership, truth)
    run.facts.update(nmi=got["nmi"], ari=got["ari"], recovered=got["recovered"])
    run.echo("scoring the gangs against the known ones, beside the panel of fixed methods")
    panel = gang_panel(proj.edge_arrays(), truth, seed=run.seed, found=membership)
    best = panel[panel["method"] != "find_gangs"].iloc[0]
    run.facts.update(panel_best=str(best["method"]), panel_best_ari=float(best["ari"]))
    text = (
        f"Against the {got['gangs']} known gangs ({got['people']} of their members in "
        f"this network): NMI {got['nmi']:.3f}, ARI {got['ari']:.3f}, "
        f"{got['recovered']} gangs recovered (Jaccard >= 0.5). The best fixed method "
        f"in hindsight, {best['method']}, gives ARI {best['ari']:.3f} and recovers "
        f"{int(best['recovered'])}; find_gangs was not told the answer."
    )
    return text, panel


def _gang_table(groups: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The gangs listed: alliance, size, stability, leaders and brokers with their names."""
    return pd.DataFrame(
        {
            **({"alliance": groups["alliance"]} if "alliance" in groups.columns else {}),
            "gang": groups["community"],
            "size": groups["size"],
            "stability": groups["stability"].round(3),
            "leaders": [_with_names(x, names) for x in groups["leaders"]],
            "brokers": [_with_names(x, names) for x in groups["brokers"]],
        }
    ).head(20)


def _gang_section(
    run: _Run,
    proj: Any,
    names: dict[str, str],
    *,
    seeds: int,
    progress: bool,
    truth: Mapping[str, str] | None,
) -> tuple[Section, dict[str, Any]]:
    """The gangs of the person call network (and their scores against ``truth``), and the
    membership found."""
    from netintel.algorithms.communities import MERGE_MIN_SIZE

    job = _find_gangs(run, proj, seeds, progress)
    table = job.communities_table()
    run.facts.update(communities=job.communities, stability=job.stability)
    # a job folder written before loose groups were named has no such column: none is loose
    loose = table.get("loose", pd.Series(False, index=table.index)).astype(str) == "True"
    groups = table[(table["size"] >= MERGE_MIN_SIZE) & ~loose]
    crowds = table[(table["size"] >= MERGE_MIN_SIZE) & loose]
    run.facts.update(loose_groups=[int(c) for c in crowds["community"]])
    blocks: list[str | pd.DataFrame] = [_gangs_paragraph(proj, job, table, groups, crowds)]
    if job.comparison:
        c = job.comparison
        blocks.append(
            f"Since the previous report: NMI {c['nmi']:.3f}, "
            f"ARI {c['ari']:.3f}, {c['moved']} people changed community."
        )
    found = job.partition()
    membership = dict(zip(found["node"].astype(str), found["community"], strict=True))
    panel = None
    if truth and set(truth) & set(membership):
        text, panel = _against_truth(run, proj, membership, truth)
        blocks.append(text)
    if not run.shared:
        blocks.append(f"Partitions and scores: `{job.path.relative_to(run.out)}`.")
    blocks.append(_gang_table(groups, names))
    if panel is not None:
        blocks += [
            "Known gangs: find_gangs beside the panel of fixed methods, best ARI first "
            "(merged: found groups holding most of two or more known gangs).",
            panel[["method", "communities", "ari", "nmi", "recovered", "merged"]].round(3),
        ]
    return Section("Gangs (person call network)", blocks), membership


_KEY_PLAYER_METRICS = ("pagerank", "betweenness", "degree")


def _rank_intervals(
    run: _Run, G: Any, tops: list[pd.DataFrame], samples: int, sampled: bool
) -> str:
    """Each key player's rank interval with data missing, added to ``tops``; the note."""
    from netintel.algorithms import rank_stability

    run.echo(f"rank intervals: {samples} samples with data missing")
    for i, m in enumerate(_KEY_PLAYER_METRICS):
        rs = rank_stability(
            G,
            m,
            drop_nodes=_DROP_NODES,
            drop_links=_DROP_LINKS,
            samples=samples,
            seed=run.seed,
            top=run.top,
            k=_SOURCES if sampled and m == "betweenness" else None,
        )
        tops[i] = _stability_columns(tops[i], rs)
    run.facts["rank_interval_top_pagerank"] = tops[0]["rank 5-95%"].iloc[0]
    return (
        f"Rank 5-95%: the ranks a person takes in 90% of {samples} copies "
        f"of the network with {_DROP_NODES:.0%} of the people and {_DROP_LINKS:.0%} "
        "of the call links missing at random; a wide interval means the rank rests "
        "on a few people or calls an investigation could easily have missed "
        "(missing: how often the person was among the missing)."
        + (f" Betweenness there is sampled from {_SOURCES} sources." if sampled else "")
    )


def _key_player_section(
    run: _Run, G: Any, names: dict[str, str], stability_samples: int, *, sampled: bool
) -> tuple[Section, pd.Series]:
    """The top people by PageRank, betweenness (sampled above ``_EXACT_UP_TO`` people) and
    degree (with rank intervals; betweenness there ``sampled`` from a few sources), and
    everyone's PageRank."""
    from netintel.algorithms import key_players

    people = G.number_of_nodes()
    k = _TABLE_SOURCES if people > _EXACT_UP_TO else None
    players = key_players(G, list(_KEY_PLAYER_METRICS), k=k, seed=run.seed)
    tops = [_top(players, m, run.top, names) for m in _KEY_PLAYER_METRICS]
    run.facts["top_pagerank"] = tops[0]["person"].tolist()
    run.facts["betweenness_sources"] = k
    notes: list[str | pd.DataFrame] = [
        "Highest PageRank (influence), betweenness (brokerage, the share of shortest paths "
        "between others that pass through the person) and degree (contacts, as a share of "
        "the other people in the network: contacts / (n - 1))."
        + (
            f" With {people:,} people, betweenness is estimated from the shortest paths of "
            f"{k} people drawn at random (seed {run.seed}), not from everyone's."
            if k is not None
            else ""
        )
    ]
    if stability_samples:
        notes.append(_rank_intervals(run, G, tops, stability_samples, sampled))
    return Section("Key players", [*notes, *tops]), players.table["pagerank"]


def _chain_section(run: _Run) -> Section:
    """The victim chains: counts, the longest, and brokers in several chains."""
    from netintel.investigate.chains import chain_brokers
    from netintel.investigate.readers import victim_chains_of

    chains = victim_chains_of(run.driver, database=run.database, tz=run.zone)
    run.facts["chains"] = len(chains)
    if not len(chains):
        return Section("Trafficking chains", ["No transfers of victims recorded."])
    s = chains.summary()
    hops = s["hops"]
    blocks: list[str | pd.DataFrame] = [
        f"{len(chains)} victim chains, {int(hops.sum())} hops; the longest has "
        f"{int(hops.max())} hops; {int((~s['consistent']).sum())} chains have gaps or "
        "contradictions in their records."
    ]
    longest = s.sort_values(["hops", "chain"], ascending=[False, True]).head(run.top)
    longest = longest[["chain", "hops", "victims", "names", "regions", "start", "end"]]
    blocks.append(_cells(longest.rename(columns={"names": "people"}), run.zone))
    brokers = chain_brokers(chains).to_frame()
    if len(brokers):
        brokers = brokers.fillna({"name": ""})
        blocks += [
            "People who move victims in more than one chain:",
            _cells(brokers.head(run.top), run.zone),
        ]
    return Section("Trafficking chains", blocks)


def _runs_section(run: _Run) -> Section | None:
    """The latest stored analysis runs (None when there are none)."""
    from netintel.runs import list_runs

    runs = list_runs(run.driver, database=run.database)
    if not len(runs):
        return None
    cols = ["run_id", "kind", "algorithm", "projection", "nodes", "communities", "started"]
    shown = runs[cols].tail(run.top).copy()
    shown["started"] = [to_local(t, run.zone) for t in shown["started"]]
    return Section("Stored analysis runs", [_cells(shown, run.zone)])


def _draw_map(
    run: _Run,
    G: Any,
    communities: dict[str, Any] | None,
    pagerank: pd.Series | None,
    redaction: Redaction | None,
) -> Path:
    from netintel.viz import network_map

    run.echo("drawing the map")
    return network_map(
        G,
        run.out / "map.html",
        title="Person call network, coloured by gang",
        communities=communities,
        size_by=pagerank,
        default_type="Person",
        seed=run.seed,
        redact=redaction if redaction is not None else False,
        mapping_path=_mapping_path(run.out) if redaction is not None else None,
        tz=run.zone,
    )


def _about_section(zone: str) -> Section:
    stamp = format_local(datetime.now(UTC), zone)
    return Section(
        "About",
        [
            f"Made {stamp} by netintel {__version__} from the live graph. Times are shown "
            f"in {zone} local time, with the zone beside each; the graph stores them in UTC."
        ],
    )


def _write_report(run: _Run, sections: Sequence[Section], redaction: Redaction | None) -> Path:
    """Write ``report.md`` and ``report.html`` (rendered from the Markdown), pseudonymised
    when ``redaction``; return the Markdown file."""
    title = "netintel case report"
    text = render_markdown(title, sections)
    pairs: list[tuple[str, Any]] = []
    if redaction is not None:
        values = fetch_frame(
            run.driver, "identifying_values", ["kind", "value"], database=run.database
        )
        pairs = list(zip(values["kind"], values["value"], strict=True))
        text = redaction.scrubber(pairs, within=text)(text)
    page = render_html(title, text)
    if redaction is not None:  # once more over the page, for values only its escaping shows
        page = redaction.scrubber(pairs, within=page)(page)
        redaction.write_mapping(_mapping_path(run.out))  # the map's and the tables' pseudonyms
    md = run.out / "report.md"
    write_text(md, text)
    write_text(run.out / "report.html", page)
    return md


def case_report(
    driver: neo4j.Driver,
    out_dir: str | Path,
    *,
    database: str | None = None,
    seeds: int = 5,
    seed: int = 0,
    top: int = 10,
    make_map: bool = True,
    redact: bool = False,
    progress: bool = False,
    echo: Callable[[str], None] = lambda _msg: None,
    extra: Sequence[Section] = (),
    truth: Mapping[str, str] | None = None,
    tz: str | None = None,
    stability_samples: int = 20,
) -> CaseReport:
    """Write the case report of the graph in ``driver``'s database into ``out_dir``.

    The report is written once as Markdown (``report.md``) and shown as HTML
    (``report.html``, rendered from the Markdown); ``map.html`` beside them.

    Parameters
    ----------
    driver : neo4j.Driver
    out_dir : path
        The report's folder (created).
    database : str or None
    seeds : int
        Label-propagation runs (from ``seed``, beside find_gangs' Infomap runs) that
        make the gangs.
    seed : int
        Seed of the gangs, key players, rank intervals and map layout.
    top : int
        People listed per key-player metric (and chains, brokers, runs listed).
    make_map : bool
        Draw ``map.html`` of the person call network (when it has calls).
    redact : bool
        Pseudonymise the map and every name, id, phone number and national id in the
        tables and text; the pseudonym key goes beside ``out_dir``, as
        ``<out_dir>.pseudonyms.csv``, and the gang partitions with real ids are not kept.
    progress : bool
        Progress bars of the gang batch.
    echo : callable
        Called with a line before each long stage.
    extra : list of Section
        Sections added at the end.
    truth : mapping, optional
        Person -> gang (e.g. a synthetic case's planted gangs): adds NMI, ARI and
        recovered gangs against it, with the same figures for the panel of fixed methods.
    tz : str, optional
        Zone times are shown in (default: the case's zone,
        :func:`~netintel.investigate.case_timezone`), with the zone said.
    stability_samples : int
        Incomplete copies of the network (2% of the people and 10% of the call links
        missing) that give each key player's rank interval; 0 leaves the intervals out.

    Returns
    -------
    CaseReport
        The files written and the facts found (rows read and rejected, communities,
        stability, chains, top PageRank, ...).
    """
    from netintel.viz.network import network_for_map

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    redaction = Redaction() if redact else None
    # a redacted report is for sharing: the gang partitions (real ids) stay out of its folder
    private = tempfile.TemporaryDirectory(prefix="netintel-report-") if redact else None
    work = Path(private.name) if private is not None else out
    zone = zone_name(tz) if tz is not None else case_timezone(driver, database=database)
    run = _Run(driver, database, out, work, private is not None, zone, seed, top, echo)
    run.facts["timezone"] = zone
    sections = [_graph_section(run), _ingest_section(run)]
    echo("projecting the person call network")
    net = network_for_map(
        driver, "person_calls", database=database, communities=None, size_by=None, tz=zone
    )
    proj = net.projection
    run.facts.update(people=proj.n, links=proj.m)
    map_path = None
    if proj.m:
        names = _people_names(proj)
        gangs, membership = _gang_section(
            run, proj, names, seeds=seeds, progress=progress, truth=truth
        )
        players, pagerank = _key_player_section(
            run, net.graph, names, stability_samples, sampled=proj.n > _SAMPLED_ABOVE
        )
        sections += [gangs, players, _chain_section(run)]
        if make_map:
            map_path = _draw_map(run, net.graph, membership, pagerank, redaction)
    else:
        no_calls = Section("Gangs (person call network)", ["No calls between people yet."])
        sections += [no_calls, _chain_section(run)]
    stored = _runs_section(run)
    sections += [stored] if stored is not None else []
    if map_path is not None:
        sections.append(Section("Map", [f"Interactive map: `{map_path.name}`."]))
    sections = [_about_section(zone), *sections, *extra]
    md = _write_report(run, sections, redaction)
    if private is not None:
        private.cleanup()
    return CaseReport(md, out / "report.html", map_path, run.facts)

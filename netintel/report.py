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

import html
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
from netintel.viz.redact import Redaction

if TYPE_CHECKING:
    from netintel.algorithms import KeyPlayers, RankStability

__all__ = ["CaseReport", "Section", "case_report", "render_html", "render_markdown"]

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:70em;margin:2em auto;padding:0 1em;"
    "color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left;"
    "vertical-align:top}th{background:#f4f4f4}p.note{color:#555}"
)


@dataclass(frozen=True)
class Section:
    """One section of a report: a heading, then paragraphs (str) and tables, in order."""

    title: str
    blocks: Sequence[str | pd.DataFrame] = ()


def render_markdown(title: str, sections: Sequence[Section]) -> str:
    """The report as Markdown.

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
            lines += [b if isinstance(b, str) else b.to_markdown(index=False), ""]
    return "\n".join(lines)


def render_html(title: str, sections: Sequence[Section]) -> str:
    """The report as one self-contained HTML page (no scripts, no remote resources)."""
    body = [f"<h1>{html.escape(title)}</h1>"]
    for s in sections:
        body.append(f"<h2>{html.escape(s.title)}</h2>")
        for b in s.blocks:
            if isinstance(b, str):
                body.append(f"<p>{html.escape(b.replace('`', ''))}</p>")
            else:
                body.append(b.to_html(index=False, border=0, escape=True, na_rep=""))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


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

    ``seeds`` label-propagation runs (from ``seed``, beside find_gangs' Infomap runs)
    make the gangs; ``top`` people are listed per key-player metric; ``redact``
    pseudonymises the map and every name, id, phone number and national id in the
    tables and text (the pseudonym key goes beside ``out_dir``, as
    ``<out_dir>.pseudonyms.csv``; the gang partitions with real ids are not kept);
    ``extra`` sections go at the end. ``truth`` (person -> gang,
    e.g. a synthetic case's planted gangs) adds NMI, ARI and recovered gangs against it,
    with the same figures for the panel of fixed methods. Times are shown in ``tz``
    (default: the case's zone, :func:`~netintel.investigate.case_timezone`), with the
    zone said. ``stability_samples`` incomplete copies of the network (2% of the people
    and 10% of the call links missing) give each key player's rank interval; 0 leaves
    the intervals out.
    """
    from netintel.algorithms import gang_panel, gang_scores, key_players, rank_stability
    from netintel.algorithms.communities import MERGE_MIN_SIZE
    from netintel.batch import BatchSpec, run_batch
    from netintel.db import graph_summary
    from netintel.investigate.chains import chain_brokers
    from netintel.investigate.readers import victim_chains_of
    from netintel.projection import person_call_network
    from netintel.runs import list_runs

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    redaction = Redaction() if redact else None
    # a redacted report is for sharing: the gang partitions (real ids) stay out of its folder
    private = tempfile.TemporaryDirectory(prefix="netintel-report-") if redact else None
    work = Path(private.name) if private is not None else out
    zone = zone_name(tz) if tz is not None else case_timezone(driver, database=database)
    facts: dict[str, Any] = {"timezone": zone}
    sections: list[Section] = []

    summary = graph_summary(driver, database=database)
    sections.append(Section("What is in the graph", [summary]))

    ingests = _ingests(driver, database, zone)
    balanced = bool((ingests["read"] == ingests["loaded"] + ingests["rejected"]).all())
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
    sections.append(Section("Ingests", [text, shown] if len(shown) else [text]))

    echo("projecting the person call network")
    proj = person_call_network(driver, database=database)
    facts.update(people=proj.n, links=proj.m)
    names: dict[str, str] = {}
    if "name" in proj.node_attributes.columns:
        col = proj.node_attributes["name"]
        names = {str(k): str(v) for k, v in col.items() if isinstance(v, str)}
    communities = None
    G = None
    pagerank = None
    if proj.m:
        echo(f"finding gangs: find_gangs ({seeds} label-propagation runs and Infomap)")
        spec = BatchSpec.from_options(
            projection="person_calls", algorithm="find_gangs", seeds=seeds, seed=seed, name="gangs"
        )
        batch = run_batch(spec, work / "gangs", driver=driver, database=database, progress=progress)
        job = batch.jobs[0]
        table = job.communities_table()
        facts.update(communities=job.communities, stability=job.stability)
        alliances = table["alliance"].nunique() if "alliance" in table.columns else None
        groups = table[table["size"] >= MERGE_MIN_SIZE]
        small = len(table) - len(groups)
        paras = [
            f"{proj.n:,} people linked by {proj.m:,} call pairs form {len(groups)} gangs of "
            f"{MERGE_MIN_SIZE} or more"
            + (f" in {alliances} alliances" if alliances else "")
            + (f", and {small} smaller groups (not listed)" if small else "")
            + f"; modularity {job.modularity:.3f}, mean stability {job.stability:.2f} over "
            "the candidate runs (1.0: every run grouped them the same way; runs that split "
            "or merged a gang do not count). See docs/gangs.md for how the gangs are chosen.",
        ]
        if job.comparison:
            c = job.comparison
            paras.append(
                f"Since the previous report: NMI {c['nmi']:.3f}, "
                f"ARI {c['ari']:.3f}, {c['moved']} people changed community."
            )
        found = job.partition()
        membership = dict(zip(found["node"].astype(str), found["community"], strict=True))
        panel = None
        if truth and set(truth) & set(membership):
            got = gang_scores(membership, truth)
            facts.update(nmi=got["nmi"], ari=got["ari"], recovered=got["recovered"])
            echo("scoring the gangs against the known ones, beside the panel of fixed methods")
            panel = gang_panel(proj.edge_arrays(), truth, seed=seed, found=membership)
            others = panel[panel["method"] != "find_gangs"]
            best = others.iloc[0]
            facts.update(panel_best=str(best["method"]), panel_best_ari=float(best["ari"]))
            paras.append(
                f"Against the {got['gangs']} known gangs ({got['people']} of their members in "
                f"this network): NMI {got['nmi']:.3f}, ARI {got['ari']:.3f}, "
                f"{got['recovered']} gangs recovered (Jaccard >= 0.5). The best fixed method "
                f"in hindsight, {best['method']}, gives ARI {best['ari']:.3f} and recovers "
                f"{int(best['recovered'])}; find_gangs was not told the answer."
            )
        if private is None:
            paras.append(f"Partitions and scores: `{job.path.relative_to(out)}`.")
        shown = pd.DataFrame(
            {
                **({"alliance": groups["alliance"]} if "alliance" in groups.columns else {}),
                "gang": groups["community"],
                "size": groups["size"],
                "stability": groups["stability"].round(3),
                "leaders": [_with_names(x, names) for x in groups["leaders"]],
                "brokers": [_with_names(x, names) for x in groups["brokers"]],
            }
        ).head(20)
        gang_blocks: list[str | pd.DataFrame] = [*paras, shown]
        if panel is not None:
            gang_blocks += [
                "Known gangs: find_gangs beside the panel of fixed methods, best ARI first "
                "(merged: found groups holding most of two or more known gangs).",
                panel[["method", "communities", "ari", "nmi", "recovered", "merged"]].round(3),
            ]
        sections.append(Section("Gangs (person call network)", gang_blocks))
        communities = membership

        G = proj.to_networkx()
        players = key_players(G, ["pagerank", "betweenness", "degree"], seed=seed)
        pagerank = players.table["pagerank"]
        metrics = ("pagerank", "betweenness", "degree")
        tops = [_top(players, m, top, names) for m in metrics]
        facts["top_pagerank"] = tops[0]["person"].tolist()
        kp_notes: list[str | pd.DataFrame] = [
            "Highest PageRank (influence), betweenness (brokerage, the share of shortest paths "
            "between others that pass through the person) and degree (contacts, as a share of "
            "the other people in the network: contacts / (n - 1))."
        ]
        if stability_samples:
            echo(f"rank intervals: {stability_samples} samples with data missing")
            sampled = proj.n > _SAMPLED_ABOVE
            for i, m in enumerate(metrics):
                rs = rank_stability(
                    G,
                    m,
                    drop_nodes=_DROP_NODES,
                    drop_links=_DROP_LINKS,
                    samples=stability_samples,
                    seed=seed,
                    top=top,
                    k=_SOURCES if sampled and m == "betweenness" else None,
                )
                tops[i] = _stability_columns(tops[i], rs)
            facts["rank_interval_top_pagerank"] = tops[0]["rank 5-95%"].iloc[0]
            kp_notes.append(
                f"Rank 5-95%: the ranks a person takes in 90% of {stability_samples} copies "
                f"of the network with {_DROP_NODES:.0%} of the people and {_DROP_LINKS:.0%} "
                "of the call links missing at random; a wide interval means the rank rests "
                "on a few people or calls an investigation could easily have missed "
                "(missing: how often the person was among the missing)."
                + (f" Betweenness there is sampled from {_SOURCES} sources." if sampled else "")
            )
        sections.append(Section("Key players", [*kp_notes, *tops]))
    else:
        sections.append(Section("Gangs (person call network)", ["No calls between people yet."]))

    chains = victim_chains_of(driver, database=database, tz=zone)
    facts["chains"] = len(chains)
    if len(chains):
        s = chains.summary()
        hops = s["hops"]
        blocks: list[str | pd.DataFrame] = [
            f"{len(chains)} victim chains, {int(hops.sum())} hops; the longest has "
            f"{int(hops.max())} hops; {int((~s['consistent']).sum())} chains have gaps or "
            "contradictions in their records."
        ]
        longest = s.sort_values(["hops", "chain"], ascending=[False, True]).head(top)
        longest = longest[["chain", "hops", "victims", "names", "regions", "start", "end"]]
        blocks.append(_cells(longest.rename(columns={"names": "people"}), zone))
        brokers = chain_brokers(chains).to_frame()
        if len(brokers):
            brokers = brokers.fillna({"name": ""})
            blocks += [
                "People who move victims in more than one chain:",
                _cells(brokers.head(top), zone),
            ]
        sections.append(Section("Trafficking chains", blocks))
    else:
        sections.append(Section("Trafficking chains", ["No transfers of victims recorded."]))

    runs = list_runs(driver, database=database)
    if len(runs):
        cols = ["run_id", "kind", "algorithm", "projection", "nodes", "communities", "started"]
        shown_runs = runs[cols].tail(top).copy()
        shown_runs["started"] = [to_local(t, zone) for t in shown_runs["started"]]
        sections.append(Section("Stored analysis runs", [_cells(shown_runs, zone)]))

    map_path = None
    if make_map and G is not None:
        from netintel.viz import network_map

        echo("drawing the map")
        map_path = network_map(
            G,
            out / "map.html",
            title="Person call network, coloured by gang",
            communities=communities,
            size_by=pagerank,
            default_type="Person",
            seed=seed,
            redact=redaction if redaction is not None else False,
            mapping_path=_mapping_path(out) if redaction is not None else None,
            tz=zone,
        )
        sections.append(Section("Map", [f"Interactive map: `{map_path.name}`."]))

    sections += extra
    stamp = format_local(datetime.now(UTC), zone)
    title = "netintel case report"
    about = (
        f"Made {stamp} by netintel {__version__} from the live graph. Times are shown "
        f"in {zone} local time, with the zone beside each; the graph stores them in UTC."
    )
    sections.insert(0, Section("About", [about]))
    text, page_html = render_markdown(title, sections), render_html(title, sections)
    if redaction is not None:
        values = fetch_frame(driver, "identifying_values", ["kind", "value"], database=database)
        pairs = list(zip(values["kind"], values["value"], strict=True))
        text = redaction.scrubber(pairs, within=text)(text)
        page_html = redaction.scrubber(pairs, within=page_html)(page_html)
        redaction.write_mapping(_mapping_path(out))  # the map's and the tables' pseudonyms
    if private is not None:
        private.cleanup()
    md = out / "report.md"
    write_text(md, text)
    page = out / "report.html"
    write_text(page, page_html)
    return CaseReport(md, page, map_path, facts)

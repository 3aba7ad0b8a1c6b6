"""Synthetic investigation data with hidden ground truth, at any scale.

:func:`generate` writes one CSV file per record type, in exactly the layout the
ingest reads (``netintel.schema.RECORDS``; see ``docs/input-format.md``), plus
the planted answers in ``ground_truth/`` (never read by the ingest): gangs and
their members' roles, brokers, every trafficking chain hop by hop, burner
phones, SIM swaps, shared phones, duplicate person records, true DNA matches and
the deliberately bad rows. ``ground_truth/README.md`` describes every file.

``scale`` is the number of clean call records; everything else follows it in
proportion (see :class:`SynthParams`).

>>> import tempfile
>>> from pathlib import Path
>>> with tempfile.TemporaryDirectory() as tmp:
...     report = generate(tmp, scale=1_000, seed=1, dirty_rate=0)
...     header = (Path(tmp) / "calls.csv").read_text(encoding="utf-8").splitlines()[0]
>>> report.files["calls.csv"], header
(1000, 'call_id,caller,callee,started_at,duration_s,tower')
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from netintel.schema import LOAD_ORDER
from netintel.synth._dirty import add_dirty_rows
from netintel.synth._tables import (
    Table,
    Texts,
    _static,
    ground_truth_tables,
    input_tables,
    write_table,
)
from netintel.synth._world import World, stream
from netintel.synth.params import SynthParams

__all__ = ["RECORD_TYPES", "SynthParams", "SynthReport", "generate"]

#: The record types the generator writes, in load order: all but ``ties`` (aggregated links
#: from published networks and link charts have no synthetic counterpart).
RECORD_TYPES = tuple(name for name in LOAD_ORDER if name != "ties")

#: version of the generated layout and ground truth; bumped when outputs change
FORMAT_VERSION = 2


@dataclass(frozen=True)
class SynthReport:
    """What :func:`generate` wrote.

    ``files`` maps each written CSV (relative to ``out_dir``) to its number of
    data rows (header excluded, dirty rows included); ``entities`` counts the
    planted people, phones, transfers and calls by kind.
    """

    out_dir: Path
    files: dict[str, int]
    seed: int
    params: dict[str, Any]
    entities: dict[str, int] = field(default_factory=dict)
    dirty_rows: int = 0
    seconds: float = 0.0

    @property
    def ground_truth(self) -> Path:
        return self.out_dir / "ground_truth"

    def to_json(self) -> str:
        """The report as JSON (paths as strings)."""
        fields = {**asdict(self), "out_dir": str(self.out_dir), "seconds": round(self.seconds, 3)}
        return json.dumps(fields, indent=2, ensure_ascii=False)


def generate(
    out_dir: str | Path,
    *,
    scale: int = 10_000,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    **params: Any,
) -> SynthReport:
    """Write a synthetic investigation data set to ``out_dir``; return what was written.

    Besides the record files, ``out_dir`` gets ``mapping.yaml`` (the phone region
    and time zone for ``netintel ingest --mapping``: some numbers are written in
    national form) and ``ground_truth/`` with the planted answers. Files of the
    same names are overwritten; nothing else in ``out_dir`` is touched.

    Parameters
    ----------
    out_dir
        The folder to write to (created if missing).
    scale
        The number of clean call records; everything else follows it in proportion.
    seed
        Fixes every random draw: the same arguments give byte-identical files.
    progress
        Receives a short message as each stage starts.
    **params
        Any other field of :class:`SynthParams` (a ``TypeError`` for an unknown name).
        The main ones, with their defaults:

        - ``region="CN"``: phone numbering, time zone and names/places (``CN``; else ``GB``);
        - ``start="2023-01-01"``, ``days=365``: the observed period;
        - ``n_gangs=None`` (one member per ``calls_per_member=80`` calls), gang sizes
          ``gang_size_min=4``, ``gang_size_max=80``, ``gang_size_alpha=1.6`` (heavy tail),
          ``broker_ratio=0.25`` brokers per gang;
        - ``mixing=0.45``: share of gang calls to other gangs (``ally_share=0.7`` of
          them to two allied gangs), ``hierarchy=0.3``, ``background=0.25``;
        - ``n_abductions=None`` (one per ``calls_per_abduction=300`` calls), ``child_rate``,
          ``cross_gang_rate``, ``found_rate``, ``false_match_rate``;
        - noise: ``burner_rate``, ``sim_swap_rate``, ``shared_phone_rate``,
          ``duplicate_rate=0.05``, ``national_format=0.2``, ``missing_call_id=0.05``,
          ``dirty_rate=0.002`` (0 gives a fully clean set);
        - ``hide_transfers=0.0``: the share of transfers withheld from ``transfers.csv``
          (``ground_truth/chains.csv`` keeps them, ``public=false``); every other record
          file stays byte-identical, and the evidence around a withheld hand-over stays.

    Returns
    -------
    SynthReport
        The files written with their row counts, the parameters and the planted entities.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     made = generate(tmp, scale=500, seed=2, dirty_rate=0, hide_transfers=1.0)
    >>> made.files["calls.csv"], made.files["transfers.csv"], made.dirty_rows
    (500, 0, 0)
    """
    p = _params(scale, seed, params)
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    out = Path(out_dir)
    truth_dir = out / "ground_truth"
    truth_dir.mkdir(parents=True, exist_ok=True)

    say(f"planting gangs, chains and {p.scale:,} calls")
    world = World(p)
    texts = Texts(world)
    truth = ground_truth_tables(world, texts)
    files, dirty = _write_records(out, world, texts, say)
    say("writing ground truth")
    truth["dirty_rows"] = partial(_dirty_rows_table, dirty)
    for name, build in truth.items():
        table = build()
        write_table(truth_dir / f"{name}.csv", table)
        files[f"ground_truth/{name}.csv"] = table.rows
        del table

    (out / "mapping.yaml").write_text(
        "# Options for `netintel ingest` of this synthetic data set: some phone numbers are\n"
        "# written in national form, which needs the region to be read.\n"
        f"timezone: {world.zone}\nphone_region: {world.plan.region}\n",
        encoding="utf-8",
    )
    entities = {k: int(v) for k, v in world.counts().items()}
    _write_manifest(truth_dir / "manifest.json", world, files, entities, len(dirty))
    (truth_dir / "README.md").write_text(_readme(p, files, entities), encoding="utf-8")
    return SynthReport(
        out, files, p.seed, p.as_dict(), entities, len(dirty), time.perf_counter() - t0
    )


#: one deliberately bad row: (file, row, data_row, column, reason, value, copy_of_row)
DirtyRow = tuple[str, int, int, str, str, str, int]


def _params(scale: int, seed: int, params: dict[str, Any]) -> SynthParams:
    """The checked parameters (``TypeError`` for an unknown name)."""
    unknown = sorted(set(params) - set(SynthParams.names()))
    if unknown:
        raise TypeError(
            f"unknown parameters {', '.join(unknown)}; known: {', '.join(SynthParams.names())}"
        )
    return SynthParams(scale=scale, seed=seed, **params)


def _write_records(
    out: Path, world: World, texts: Texts, say: Callable[[str], None]
) -> tuple[dict[str, int], list[DirtyRow]]:
    """Write every record file with its dirty rows; return (rows per file, the dirty rows)."""
    p = world.p
    builders = input_tables(world, texts)
    fresh_number = _fresh_numbers(world, set(texts.e164.tolist()))
    files: dict[str, int] = {}
    dirty: list[DirtyRow] = []
    for name in RECORD_TYPES:  # one table at a time: only one is ever held as text
        say(f"writing {name}.csv")
        table = builders[name]()
        dirty += add_dirty_rows(
            table, p.dirty_rate, stream(p.seed, f"dirty-{name}"), world.plan.region, fresh_number
        )
        write_table(out / f"{name}.csv", table)
        files[f"{name}.csv"] = table.rows
        del table
    return files, dirty


def _fresh_numbers(world: World, used: set[str]) -> Callable[[], str]:
    """A source of E.164 numbers of the world's plan not in ``used`` (keys of dirty phones)."""
    rng = stream(world.p.seed, "dirty-numbers")
    plan = world.plan

    def fresh_number() -> str:
        while True:
            pre = plan.prefixes[int(rng.integers(0, len(plan.prefixes)))]
            sfx = str(int(rng.integers(0, 10**plan.suffix_digits)))
            text = f"+{plan.country_code}{pre}{sfx.zfill(plan.suffix_digits)}"
            if text not in used:
                used.add(text)
                return text

    return fresh_number


def _dirty_rows_table(dirty: list[DirtyRow]) -> Table:
    """``ground_truth/dirty_rows.csv``: one row per deliberately bad row."""
    cols: list[Sequence[Any]] = list(zip(*dirty, strict=True)) if dirty else [[] for _ in range(7)]
    return _static(
        "dirty_rows",
        {
            "file": list(cols[0]),
            "row": [str(v) for v in cols[1]],
            "data_row": [str(v) for v in cols[2]],
            "column": list(cols[3]),
            "reason": list(cols[4]),
            "value": list(cols[5]),
            "copy_of_row": [str(v) for v in cols[6]],
        },
    )


def _write_manifest(
    path: Path, world: World, files: dict[str, int], entities: dict[str, int], n_dirty: int
) -> None:
    p = world.p
    manifest = {
        "generator": "netintel.synth",
        "format": FORMAT_VERSION,
        "seed": p.seed,
        "params": p.as_dict(),
        "derived": {"gangs": world.ng, "abductions": p.abductions, "timezone": world.zone},
        "row_numbering": "dirty_rows.csv: row = spreadsheet row as the ingest reports it "
        "(header = 1, first data row = 2); data_row = row - 1",
        "files": files,
        "entities": entities,
        "dirty_rows": n_dirty,
    }
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


_GROUND_TRUTH_DOC = {
    "gangs": "one row per gang: home region and city, number of members (brokers not "
    "counted), leader, the two allied gangs most of its outside calls go to",
    "gang_members": "one row per (gang, person): role leader, lieutenant, member or broker; "
    "`reports_to` is the person's boss (member -> lieutenant -> leader)",
    "brokers": "people who work for two or more gangs (`gang_ids`, separated by a pipe); they "
    "belong to no gang themselves",
    "people": "every person record: `category` (gang-member, broker, relative, bystander, "
    "buyer, victim, parent, found, unknown-origin, duplicate), `same_as` (the "
    "canonical record of the individual; itself unless a duplicate), home gang",
    "chains": "every transfer of every chain, in hop order: hop i hands the victim from "
    "`from_id` to `to_id`; `to_id` of hop i is `from_id` of hop i+1; times increase; "
    "`public` says whether transfers.csv lists the hop (false: withheld with "
    "`hide_transfers`; the calls, burners, sightings and case suspects around it are "
    "still in the records)",
    "abductions": "one row per chain: victim (child or woman), abduction time and place, "
    "source gang, buyer's gang, hops, whether it crosses gangs / regions, cases",
    "phones": "the true user of every phone and its kind (primary, secondary, sim-swap, "
    "burner); `in_phone_users` says whether phone_users.csv lists that user",
    "burners": "burner phones: used only in the days around one transfer (`transfer_id`)",
    "sim_swaps": "a person moves from `old_number` to `new_number` at `at`; the old number "
    "is silent afterwards; `same_handset`: the new SIM went into the old phone "
    "(same IMEI)",
    "shared_phones": "a relative using a gang member's phone (both are in phone_users.csv)",
    "alias_clusters": "person records that are the same individual: the canonical record and "
    "its duplicates (`variant`: transliteration, typo, order, alias)",
    "found_persons": "children found later under another identity: the found person record, "
    "the original victim record, and the found person's DNA sample",
    "dna_matches": "every row of dna_matches.csv with `true_match` (false ones score lower)",
    "dirty_rows": "the deliberately bad rows: `file`, `row` (numbered like the ingest's "
    "reject files: header = row 1, first data row = row 2), `data_row` "
    "(1-based, header excluded), the broken `column`, `reason`, the bad `value`, "
    "and `copy_of_row` (the clean row it garbles)",
}


def _readme(p: SynthParams, files: dict[str, int], entities: dict[str, int]) -> str:
    lines = [
        "# Ground truth of a synthetic investigation data set",
        "",
        f"Generated by `netintel.synth.generate(scale={p.scale}, seed={p.seed})`; the "
        "parameters are in `manifest.json`. Nothing in this folder is read by "
        "`netintel ingest`; it holds the planted answers to score analyses against.",
        "",
        "All ids are the ids used in the record files one folder up. Times are ISO 8601 "
        "with offset, as in the records. Person ids are shuffled: they say nothing about "
        "gangs or roles.",
        "",
        "## Files",
        "",
        "| file | rows | what it holds |",
        "|---|---|---|",
    ]
    for name, doc in _GROUND_TRUTH_DOC.items():
        lines.append(f"| `{name}.csv` | {files.get(f'ground_truth/{name}.csv', 0):,} | {doc} |")
    lines += [
        "",
        "## Conventions",
        "",
        '- `relatives.csv` rows read "`person_id` is the `relation` of `relative_id`" '
        "(parent, child, spouse, sibling).",
        "- Dirty rows are extra rows: each copies a clean row above it (`copy_of_row`) "
        "with one cell broken (node records also get a fresh key ending in `B`). The same "
        "seed with `dirty_rate=0` gives exactly these files without those rows. An ingest "
        "should reject exactly the rows listed in `dirty_rows.csv`.",
        "- Phone numbers: E.164 in phones.csv; in calls.csv and phone_users.csv some are "
        "written in national form (pass `mapping.yaml` to the ingest for the region).",
        "- Withheld transfers (`hide_transfers`, here "
        f"{entities.get('transfers_withheld', 0):,} of {entities.get('transfers', 0):,}): "
        "`chains.csv` rows with `public` false are not in transfers.csv. Abductions stay "
        "known: the abductor is a suspect with role `abductor` in the victim's case "
        "(case_suspects.csv), and every person of a chain is a suspect of the case its "
        "transfers belong to, with their role, whether the transfer is public or not.",
        "- Burners and half of the SIM-swapped numbers have no row in phone_users.csv: "
        "finding their users is the exercise.",
        "",
        "## Planted entities",
        "",
        "| entity | count |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:,} |" for k, v in entities.items()]
    return "\n".join(lines) + "\n"

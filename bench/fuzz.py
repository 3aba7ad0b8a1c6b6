"""Ingest fuzz bench: generated broken inputs through ``check`` and a real ingest (issue #15).

    .venv/bin/python bench/fuzz.py                          # 100,000 checks, 1,000 ingests
    .venv/bin/python bench/fuzz.py --checks 2000 --ingests 50   # a quick look

Every case is one record file (or the mapping file) of a small synthetic case
(``netintel.synth.generate``, 2,000 calls, seed 1; the first rows of each record type),
broken by one or two of the mutations below, drawn with the case's own seed:

* bytes: flip, insert or delete random bytes; NUL bytes; truncate mid-row; an empty file;
* lines: CR-only or lone-CR line endings, a BOM in the middle, very long lines;
* cells: a 1 MB cell, deeply nested or unbalanced quotes, right-to-left marks and control
  characters, garbage phone numbers, dates far out of range or in odd formats, coordinates
  out of range, integers past 64 bits;
* header: duplicated, missing, renamed or extra columns, header only;
* encoding: the file re-encoded as Latin-1, Big5, UTF-16 or Shift-JIS;
* mapping (one case in ten): a YAML anchor bomb, ``!!python/object`` tags, nesting 3,000
  deep, bytes that are not UTF-8, an unknown record or field, a bad delimiter or date format.

Each case runs ``netintel.ingest.check`` with a time bound (``--timeout``, default 20 s) and
ends as one of: *loaded* (rows loaded, maybe some rejected), *rejected* (every row rejected),
*file error* (a :class:`netintel.exceptions.NetintelError` naming the file), *crash* (any
other exception), or *hang* (the time bound passed). For every report the bench checks the
accounting itself: for each file, rows read = rows loaded + rows rejected, and the reject file
names exactly the rejected rows (read back with the csv module; it has a line per
problem, so a row may appear on several). The first ``--ingests`` cases
also run through a real ``ingest`` into a local Neo4j of their own (a temporary state folder,
graph emptied before each case), and the rows the database holds for the run
(``netintel.db.rows_held``, from the provenance of its nodes and relationships) must equal
the report's rows loaded. Results go to ``bench/results/fuzz.json`` (counts, and the first
examples of every crash, hang and accounting violation).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED_ROWS = 12
OUTCOMES = ("loaded", "rejected", "file_error", "crash", "hang")


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Hang


# --------------------------------------------------------------------------- the seed case


def seed_case(work: Path) -> tuple[dict[str, bytes], bytes]:
    """The first rows of every record file of a small synthetic case, and its mapping."""
    from netintel.schema import RECORDS
    from netintel.synth import generate

    case = work / "seed-case"
    generate(case, scale=2_000, seed=1)
    files = {}
    for path in sorted(case.glob("*.csv")):
        if path.stem in RECORDS:
            lines = path.read_bytes().splitlines(keepends=True)
            files[path.stem] = b"".join(lines[: SEED_ROWS + 1])
    return files, (case / "mapping.yaml").read_bytes()


# --------------------------------------------------------------------------- mutations


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _cells(rng: random.Random, data: bytes, make: Any) -> bytes:
    """Replace a random cell of a random data row by ``make(rng)``."""
    lines = _lines(data)
    if len(lines) < 2:
        return data + make(rng)
    i = rng.randrange(1, len(lines))
    cells = lines[i].rstrip(b"\r\n").split(b",")
    cells[rng.randrange(len(cells))] = make(rng)
    lines[i] = b",".join(cells) + b"\n"
    return b"".join(lines)


def _reencode(data: bytes, codec: str) -> bytes:
    text = data.decode("utf-8", "replace") + "李慧,Málaga Straße,東京\n"
    return text.encode(codec, "replace")


BYTE_MUTATIONS: dict[str, Any] = {
    "flip": lambda r, d: bytes(b ^ (1 << r.randrange(8)) if r.random() < 0.02 else b for b in d),
    "insert": lambda r, d: _insert(
        r, d, bytes(r.randrange(256) for _ in range(r.randrange(1, 40)))
    ),
    "delete": lambda r, d: _delete(r, d),
    "nul": lambda r, d: _insert(r, d, b"\x00" * r.randrange(1, 5)),
    "truncate": lambda r, d: d[: r.randrange(len(d) + 1)],
    "empty": lambda r, d: b"",
    "header_only": lambda r, d: _lines(d)[0],
    "cr_only": lambda r, d: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
    "lone_cr": lambda r, d: _insert(r, d, b"\r"),
    "bom_inside": lambda r, d: _insert(r, d, b"\xef\xbb\xbf"),
    "long_line": lambda r, d: d + b"x," * r.randrange(10_000, 60_000) + b"\n",
    "big_cell": lambda r, d: _cells(r, d, lambda r: b"y" * (1 << 20)),
    "nested_quotes": lambda r, d: _cells(r, d, lambda r: b'"' * r.randrange(1, 2000) + b"a"),
    "open_quote": lambda r, d: _cells(r, d, lambda r: b'"unterminated\nrow,x'),
    "rtl_control": lambda r, d: _cells(
        r, d, lambda r: "\u202e\u200f\x07\x1b名前\u202c".encode() * r.randrange(1, 4)
    ),
    "phone": lambda r, d: _cells(
        r, d, lambda r: r.choice([b"+", b"++44", b"0" * 40, b"+999999999999999999", b"ext. 5"])
    ),
    "date": lambda r, d: _cells(
        r,
        d,
        lambda r: r.choice(
            [
                b"1500-01-01T00:00:00Z",
                b"2999-12-31",
                b"31/02/2023",
                b"2023-13-45T25:61:00",
                b"yesterday",
                b"1e10",
                b"2023-01-01+99:00",
            ]
        ),
    ),
    "coordinate": lambda r, d: _cells(
        r, d, lambda r: r.choice([b"91.5", b"-181", b"nan", b"1e400"])
    ),
    "integer": lambda r, d: _cells(r, d, lambda r: b"9" * r.randrange(19, 40)),
    "dup_header": lambda r, d: _header(r, d, "dup"),
    "drop_header": lambda r, d: _header(r, d, "drop"),
    "rename_header": lambda r, d: _header(r, d, "rename"),
    "extra_column": lambda r, d: _header(r, d, "extra"),
    "latin1": lambda r, d: _reencode(d, "latin-1"),
    "big5": lambda r, d: _reencode(d, "big5"),
    "utf16": lambda r, d: _reencode(d, "utf-16"),
    "shift_jis": lambda r, d: _reencode(d, "shift_jis"),
}


def _insert(r: random.Random, d: bytes, what: bytes) -> bytes:
    i = r.randrange(len(d) + 1)
    return d[:i] + what + d[i:]


def _delete(r: random.Random, d: bytes) -> bytes:
    if not d:
        return d
    i = r.randrange(len(d))
    return d[:i] + d[i + r.randrange(1, 30) :]


def _header(r: random.Random, d: bytes, how: str) -> bytes:
    lines = _lines(d)
    cols = lines[0].rstrip(b"\r\n").split(b",")
    k = r.randrange(len(cols))
    if how == "dup":
        cols.append(cols[k])
    elif how == "drop":
        cols.pop(k)
    elif how == "rename":
        cols[k] = b"no_such_column"
    else:
        cols.append(b"extra")
        lines[1:] = [ln.rstrip(b"\r\n") + b",more\n" for ln in lines[1:]]
    lines[0] = b",".join(cols) + b"\n"
    return b"".join(lines)


MAPPING_MUTATIONS: dict[str, Any] = {
    "anchor_bomb": lambda r, m: (
        b'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
        + b"".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n".encode()
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
    ),
    "python_tag": lambda r, m: m + b"\nboom: !!python/object/apply:os.system ['echo owned']\n",
    "deep": lambda r, m: b"x: " + b"[" * 3000 + b"]" * 3000 + b"\n",
    "not_utf8": lambda r, m: m + b"\n# \xff\xfe\xfa\n",
    "unknown_record": lambda r, m: m + b"\nfiles:\n  weird.csv:\n    record: no_such_record\n",
    "bad_delimiter": lambda r, m: m + b"\ndelimiter: ';;'\n",
    "bad_date_format": lambda r, m: m + b"\ndate_format: '%Q-%Z'\n",
    "flip": BYTE_MUTATIONS["flip"],
    "truncate": BYTE_MUTATIONS["truncate"],
}


def make_case(
    i: int, seeds: dict[str, bytes], mapping: bytes
) -> tuple[str, list[str], bytes, bytes]:
    """Case ``i``: (record type, mutations, file bytes, mapping bytes), the same for an ``i``."""
    r = random.Random(i)
    record = r.choice(sorted(seeds))
    data, names = seeds[record], []
    if r.random() < 0.1:
        name = r.choice(sorted(MAPPING_MUTATIONS))
        return record, [f"mapping:{name}"], data, MAPPING_MUTATIONS[name](r, mapping)
    for _ in range(1 if r.random() < 0.6 else 2):
        name = r.choice(sorted(BYTE_MUTATIONS))
        names.append(name)
        data = BYTE_MUTATIONS[name](r, data)
    return record, names, data, mapping


# --------------------------------------------------------------------------- one case


def _reject_rows(path: str | None) -> int:
    """The rows a reject file names (one line per problem: a row may have several)."""
    if path is None or not Path(path).exists():
        return 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return len({(r["file"], r["row"]) for r in csv.DictReader(fh)})


def run_case(
    folder: Path, record: str, data: bytes, mapping: bytes, timeout: int, driver: Any = None
) -> dict[str, Any]:
    """Check (or ingest) one case; its outcome and accounting."""
    from netintel.exceptions import NetintelError
    from netintel.ingest import check, ingest

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / f"{record}.csv").write_bytes(data)
    (folder / "mapping.yaml").write_bytes(mapping)
    kw = {"mapping": folder / "mapping.yaml", "reject_dir": folder / "rejects"}
    signal.alarm(timeout)
    try:
        if driver is None:
            report = check(folder / f"{record}.csv", **kw)
        else:
            report = ingest(folder / f"{record}.csv", driver=driver, progress=False, **kw)
    except _Hang:
        return {"outcome": "hang"}
    except NetintelError as err:
        return {"outcome": "file_error", "error": type(err).__name__}
    except Exception as err:
        tb = traceback.extract_tb(err.__traceback__)[-1]
        return {
            "outcome": "crash",
            "error": f"{type(err).__name__}: {str(err)[:200]}",
            "where": f"{Path(tb.filename).name}:{tb.lineno}",
        }
    finally:
        signal.alarm(0)
    bad = []
    for f in report.files:
        if f.rows_read != f.rows_loaded + f.rows_rejected:
            bad.append(f"{f.record}: read {f.rows_read} != {f.rows_loaded} + {f.rows_rejected}")
        if _reject_rows(f.reject_file) != f.rows_rejected:
            bad.append(
                f"{f.record}: reject file holds {_reject_rows(f.reject_file)} rows, "
                f"report says {f.rows_rejected}"
            )
    out: dict[str, Any] = {
        "outcome": "loaded" if report.rows_loaded else "rejected",
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
    }
    if driver is not None:
        from netintel.db import rows_held

        held = sum(rows_held(driver, report.run_id).values())
        if held != report.rows_loaded:
            bad.append(f"database holds {held} rows of the run, report says {report.rows_loaded}")
    if bad:
        out["accounting"] = bad
    return out


# --------------------------------------------------------------------------- workers


def _work(args: tuple[list[int], dict[str, bytes], bytes, int, str]) -> list[dict[str, Any]]:
    ids, seeds, mapping, timeout, tmp = args
    signal.signal(signal.SIGALRM, _alarm)
    folder = Path(tmp) / f"w{os.getpid()}"
    out = []
    for i in ids:
        record, names, data, mp = make_case(i, seeds, mapping)
        res = run_case(folder, record, data, mp, timeout)
        out.append({"case": i, "record": record, "mutations": names, **res})
    return out


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts by outcome, the accounting violations, and the first examples of each fault."""
    outcomes = Counter(r["outcome"] for r in rows)
    faults = [r for r in rows if r["outcome"] in ("crash", "hang") or "accounting" in r]
    return {
        "tried": len(rows),
        **{k: outcomes.get(k, 0) for k in OUTCOMES},
        "accounting_violations": sum("accounting" in r for r in rows),
        "rows_read": sum(r.get("rows_read", 0) for r in rows),
        "rows_loaded": sum(r.get("rows_loaded", 0) for r in rows),
        "rows_rejected": sum(r.get("rows_rejected", 0) for r in rows),
        "crash_kinds": dict(
            Counter(
                f"{r.get('error', '').split(':')[0]} at {r.get('where')}"
                for r in rows
                if r["outcome"] == "crash"
            )
        ),
        "faults": faults[:40],
        "by_mutation": {
            name: dict(Counter(r["outcome"] for r in rows if name in r["mutations"]))
            for name in sorted({m for r in rows for m in r["mutations"]})
        },
    }


def real_ingests(
    n: int, seeds: dict[str, bytes], mapping: bytes, timeout: int, tmp: Path
) -> dict[str, Any]:
    """The first ``n`` cases through a real ingest into a local Neo4j of their own."""
    from netintel import config, server

    state = tmp / "neo4j-state"
    info = server.start(state_dir=state, heap="1g", page_cache="128m")
    rows = []
    try:
        conn = config.Connection(
            uri=info.uri, user=info.user, password=info.password, database=None, local=True
        )
        with config.driver(conn) as drv:
            signal.signal(signal.SIGALRM, _alarm)
            for i in range(n):
                drv.execute_query("MATCH (n) DETACH DELETE n")
                record, names, data, mp = make_case(i, seeds, mapping)
                res = run_case(tmp / "ingest-case", record, data, mp, timeout, driver=drv)
                rows.append({"case": i, "record": record, "mutations": names, **res})
                if (i + 1) % 100 == 0:
                    print(f"ingests: {i + 1}/{n}", flush=True)
    finally:
        server.stop(state_dir=state)
    return summarise(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checks", type=int, default=100_000)
    ap.add_argument("--ingests", type=int, default=1_000)
    ap.add_argument("--timeout", type=int, default=20, help="seconds a case may take")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "fuzz.json")
    args = ap.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        seeds, mapping = seed_case(tmp)
        chunks = [list(range(s, min(s + 200, args.checks))) for s in range(0, args.checks, 200)]
        rows: list[dict[str, Any]] = []
        with multiprocessing.Pool(args.workers) as pool:
            for part in pool.imap_unordered(
                _work, [(c, seeds, mapping, args.timeout, tmp_name) for c in chunks]
            ):
                rows += part
                if len(rows) % 5_000 < 200:
                    print(f"checks: {len(rows):,}/{args.checks:,}", flush=True)
        checks = summarise(sorted(rows, key=lambda r: r["case"]))
        checks_s = time.perf_counter() - t0
        ingests = (
            real_ingests(args.ingests, seeds, mapping, args.timeout, tmp) if args.ingests else None
        )
    result = {
        "command": "bench/fuzz.py " + " ".join(sys.argv[1:]),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "timeout_seconds": args.timeout,
        "checks": checks,
        "checks_seconds": round(checks_s, 1),
        "ingests": ingests,
        "elapsed_seconds": round(time.perf_counter() - t0, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    for name, part in (("check", checks), ("ingest", ingests)):
        if part:
            print(
                f"{name}: "
                + ", ".join(
                    f"{k} {part[k]:,}" for k in ("tried", *OUTCOMES, "accounting_violations")
                )
            )


if __name__ == "__main__":
    main()

"""Map benchmark: time until a map is drawn and idle in headless Chromium, netintel vs pyvis.

    .venv/bin/python bench/maps.py                    # 1k, 5k, 20k nodes, and 20k with 100k links
    .venv/bin/python bench/maps.py --sizes 1000 5000  # a quicker look
    .venv/bin/python bench/maps.py --sizes 20000:100000  # one size, NODES:LINKS

The 20,000-node / 100,000-link case is the bar of issue #14 ("20k people with 100k links
drawn in under 4 s"); the plain 20k graph has about 64k links.

Graphs: gangs of 10-150 people (15% phones) calling each other, about 3 calls per
person inside the gang and 0.3 across, one record per call edge (about 3.2 edges per
node). A size ``NODES:LINKS`` adds calls inside the gangs (random pairs, one record each)
until the graph has exactly ``LINKS`` links. Each page is opened in its own fresh,
offline, headless Chromium (Debian's):

* netintel: ``network_map(G, ..., max_nodes=None)`` - the whole graph on one map, layout
  computed in Python, physics off. At sizes above 5,000 also netintel's default, which
  opens on the overview (one node per community).
* pyvis default: ``Network(cdn_resources="in_line")`` + ``from_nx(G)``, physics on (pyvis's
  default). The default ``cdn_resources="local"`` page loads vis-network from a CDN and
  cannot draw offline at all, so the inlined page is the fair reference; its leftover
  Bootstrap CDN tags are removed (offline they would only fail). pyvis's ``add_node`` /
  ``add_edge`` scan every earlier node and edge (quadratic), so its Python build time is
  measured with the real ``from_nx`` up to ``--pyvis-build-max`` nodes; the page itself is
  always built by ``from_nx`` with set-backed duplicate checks, which gives the same page.

"Drawn and idle": a probe put first into each page's head notes every canvas drawing
(vis-network starts each one with ``clearRect``) and when that task ends; the page is
idle once nothing has been drawn for ``--quiet`` seconds (physics redraws while it runs).
Reported: seconds from navigation start to the first drawing and to the end of the last
one, and the ratios pyvis / netintel. A page still drawing, or whose main thread has not
answered, after ``--timeout`` seconds is reported as not idle, and the ratio as a lower
bound. Results go to ``bench/results/maps.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netintel.viz import network_map  # noqa: E402
from netintel.viz.browser import browser_missing, chromium, severe_logs  # noqa: E402

RESULTS = ROOT / "bench" / "results"

PROBE = """
<script>
(function () {
  // every vis-network drawing starts with clearRect on its canvas; note when the task ends
  var b = window.__bench = { draws: 0, first: null, last: null, pending: false };
  var clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function () {
    b.draws += 1;
    if (b.first === null) b.first = performance.now();
    if (!b.pending) {
      b.pending = true;
      setTimeout(function () { b.pending = false; b.last = performance.now(); }, 0);
    }
    return clear.apply(this, arguments);
  };
})();
</script>
"""
_REMOTE_TAG = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"'](?:https?:|//)[^\"']*[\"'][^>]*>"
    r"(?:\s*</script>)?",
    re.IGNORECASE,
)


def _gang_link(G: nx.Graph, rng: np.random.Generator, v: int, w: int) -> None:
    """A call link inside a gang: 1 to 19 calls, one record behind it."""
    G.add_edge(
        f"n{v}",
        f"n{w}",
        type="CALLED",
        weight=int(rng.integers(1, 20)),
        records=[
            {
                "source": "cdr.csv",
                "source_row": int(rng.integers(2, 10**6)),
                "at": "2024-05-01T10:00:00",
            }
        ],
    )


def gang_graph(n: int, seed: int = 0, links: int | None = None) -> nx.Graph:
    """``n`` people and phones in gangs of 10-150, calls mostly inside the gang; with
    ``links``, more calls inside the gangs until there are exactly ``links`` links."""
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(10, 150)))
    sizes[-1] -= sum(sizes) - n
    kind = np.where(rng.random(n) < 0.85, "Person", "Phone")
    G = nx.Graph()
    for i in range(n):
        G.add_node(
            f"n{i}", label=str(kind[i]), name=f"Name {i}", source="persons.csv", source_row=i
        )
    start = 0
    for size in sizes:
        members = np.arange(start, start + size)
        start += size
        for v in members:
            for w in rng.choice(members, size=min(3, size - 1), replace=False):
                if w != v:
                    _gang_link(G, rng, v, w)
    for _ in range(int(0.3 * n)):
        a, b = rng.integers(0, n, 2)
        if a != b:
            G.add_edge(f"n{a}", f"n{b}", type="CALLED", weight=1)
    gangs = np.repeat(np.arange(len(sizes)), sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    count = G.number_of_edges()  # counted here: number_of_edges() sums every degree
    while links is not None and count < links:
        v = int(rng.integers(0, n))
        g = gangs[v]
        w = int(starts[g] + rng.integers(0, sizes[g]))
        if w != v and not G.has_edge(f"n{v}", f"n{w}"):
            count += 1
            _gang_link(G, rng, v, w)
    return G


def parse_size(text: str) -> tuple[int, int | None]:
    """``"20000"`` -> (20000, None); ``"20000:100000"`` -> (20000, 100000)."""
    nodes, _, links = text.partition(":")
    return int(nodes), int(links) if links else None


class _IdList(list[Any]):
    """pyvis's node id list with a set behind ``in`` (pyvis scans the list)."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def pyvis_page(G: nx.Graph, *, quadratic: bool) -> tuple[str, float]:
    """The default pyvis page of ``G`` (inlined vis) and the seconds ``from_nx`` took."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    if not quadratic:
        net.node_ids = _IdList()

        def add_edge(source: Any, to: Any, **options: Any) -> None:
            # pyvis scans all earlier edges for a duplicate; a networkx Graph has none
            assert source in net.node_ids and to in net.node_ids
            net.edges.append(Edge(source, to, net.directed, **options).options)

        net.add_edge = add_edge
    H = nx.Graph()  # from_nx writes into the graph's attribute dicts: give it a copy
    H.add_nodes_from((v, dict(d)) for v, d in G.nodes(data=True))
    H.add_edges_from((u, v, dict(d)) for u, v, d in G.edges(data=True))
    t0 = time.perf_counter()
    net.from_nx(H)
    seconds = time.perf_counter() - t0
    return _REMOTE_TAG.sub("", net.generate_html()), seconds


def with_probe(page: str) -> str:
    """``page`` with the drawing probe as the first script of its head."""
    i = page.index("<head>") + len("<head>")
    return page[:i] + PROBE + page[i:]


def measure(path: Path, *, quiet: float, timeout: float) -> dict[str, Any]:
    """Open ``path`` in a fresh browser; seconds from navigation start to first drawing and idle.

    A page that is still drawing, or whose main thread has not answered, after ``timeout``
    seconds counts as not idle; the browser is closed.
    """
    from selenium.common.exceptions import TimeoutException
    from urllib3.exceptions import ReadTimeoutError

    with chromium() as driver:
        # a busy page answers late: wait for it up to the timeout, not Selenium's 120 s
        driver.command_executor.client_config.timeout = timeout + 30
        driver.set_script_timeout(timeout + 30)
        driver.set_page_load_timeout(timeout)
        t0 = time.monotonic()
        last_state: list[Any] = [0, None, None, False, 0.0]
        try:
            driver.get(path.as_uri())
            loaded = time.monotonic() - t0
            while True:
                state = driver.execute_script(
                    "var b = window.__bench;"
                    "return b ? [b.draws, b.first, b.last, b.pending, performance.now()] : null;"
                )
                if state is None:
                    raise RuntimeError(f"{path.name}: the probe did not run: {severe_logs(driver)}")
                last_state = state
                draws, first, last, pending, now = state
                if last is not None and not pending and (now - last) / 1000 >= quiet:
                    break
                if time.monotonic() - t0 > timeout:
                    return _timed_out(timeout, last_state, unresponsive=False)
                time.sleep(0.1)
        except (TimeoutException, ReadTimeoutError):
            return _timed_out(time.monotonic() - t0, last_state, unresponsive=True)
        return {
            "first_draw_s": round(first / 1000, 3),
            "idle_s": round(last / 1000, 3),
            "load_event_s": round(loaded, 3),
            "draws": draws,
            "js_errors": severe_logs(driver),
        }


def _timed_out(after: float, state: list[Any], *, unresponsive: bool) -> dict[str, Any]:
    draws, first = state[0], state[1]
    return {
        "timed_out": True,
        "timeout_s": round(after, 1),
        "unresponsive": unresponsive,
        "draws": draws,
        "first_draw_s": None if first is None else round(first / 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_size,
        nargs="+",
        default=[(1000, None), (5000, None), (20000, None), (20000, 100000)],
        help="NODES or NODES:LINKS",
    )
    parser.add_argument("--pyvis-build-max", type=int, default=5000)
    parser.add_argument("--quiet", type=float, default=1.0, help="seconds without drawing")
    parser.add_argument("--timeout", type=float, default=300.0, help="per page, seconds")
    parser.add_argument("--out", type=Path, default=RESULTS / "maps.json")
    args = parser.parse_args()
    missing = browser_missing()
    if missing:
        sys.exit(f"cannot run: {missing}")
    work = RESULTS / "maps-pages"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    with chromium() as driver:
        version = driver.capabilities.get("browserVersion", "?")
    for n, links in args.sizes:
        G = gang_graph(n, links=links)
        m = G.number_of_edges()
        print(f"{n} nodes, {m} edges", flush=True)
        row: dict[str, Any] = {"nodes": n, "edges": m}
        tag = f"{n}" if links is None else f"{n}-{m}"
        variants: list[tuple[str, dict[str, Any]]] = [("netintel", {"max_nodes": None})]
        if n > 5000:
            variants.append(("netintel_overview", {}))
        for name, options in variants:
            t0 = time.perf_counter()
            page = network_map(G, work / f"{name}-{tag}.html", **options)
            build = time.perf_counter() - t0
            page.write_text(with_probe(page.read_text(encoding="utf-8")), encoding="utf-8")
            got = measure(page, quiet=args.quiet, timeout=args.timeout)
            row[name] = {"build_s": round(build, 3), "html_mb": _mb(page), **got}
            print(f"  {name:18s} {_line(row[name])}", flush=True)
        quadratic = n <= args.pyvis_build_max
        text, build = pyvis_page(G, quadratic=quadratic)
        page = work / f"pyvis-{tag}.html"
        page.write_text(with_probe(text), encoding="utf-8")
        got = measure(page, quiet=args.quiet, timeout=args.timeout)
        row["pyvis"] = {
            "build_s": round(build, 3) if quadratic else None,
            "html_mb": _mb(page),
            **got,
        }
        print(f"  {'pyvis default':18s} {_line(row['pyvis'])}", flush=True)
        if "idle_s" in row["pyvis"] and "idle_s" in row["netintel"]:
            row["ratio_idle_pyvis_over_netintel"] = round(
                row["pyvis"]["idle_s"] / row["netintel"]["idle_s"], 1
            )
            ratio = row["ratio_idle_pyvis_over_netintel"]
            print(f"  ratio (pyvis / netintel, drawn and idle): {ratio}x")
        elif row["pyvis"].get("timed_out") and "idle_s" in row["netintel"]:
            bound = round(row["pyvis"]["timeout_s"] / row["netintel"]["idle_s"], 1)
            row["ratio_idle_pyvis_over_netintel"] = f">{bound}"
            print(f"  ratio (pyvis / netintel, drawn and idle): more than {bound}x")
        first = row["pyvis"].get("first_draw_s")
        if first is not None and row["netintel"].get("first_draw_s"):
            row["ratio_first_draw_pyvis_over_netintel"] = round(
                first / row["netintel"]["first_draw_s"], 1
            )
        rows.append(row)
        _write(args.out, version, args.quiet, rows)
    print(f"wrote {args.out}")


def _write(out: Path, version: str, quiet: float, rows: list[dict[str, Any]]) -> None:
    report = {
        "benchmark": "maps",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": _cpus(),
            "chromium": version,
            "load_average_at_end": list(os.getloadavg()),
        },
        "quiet_s": quiet,
        "results": rows,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")


def _mb(path: Path) -> float:
    return round(path.stat().st_size / 1e6, 2)


def _cpus() -> int | None:
    return os.cpu_count()


def _line(r: dict[str, Any]) -> str:
    if r.get("timed_out"):
        first = r["first_draw_s"]
        seen = "nothing drawn" if first is None else f"first drawing {first:.2f} s"
        if r["unresponsive"]:
            why = "page did not answer"
        else:
            why = "still drawing" if r["draws"] else "busy"
        return f"not idle after {r['timeout_s']:.0f} s ({why}; {seen}, {r['draws']} drawings)"
    build = "-" if r["build_s"] is None else f"{r['build_s']:.2f} s"
    return (
        f"build {build:>8s}  html {r['html_mb']:5.1f} MB  first drawing {r['first_draw_s']:7.2f} s"
        f"  drawn and idle {r['idle_s']:7.2f} s  ({r['draws']} drawings"
        f"{', JS errors' if r['js_errors'] else ''})"
    )


if __name__ == "__main__":
    main()

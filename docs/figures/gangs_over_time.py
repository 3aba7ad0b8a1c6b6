"""Figure: the 11 CAVIAR wiretap phases through ``gangs_over_time``.

    .venv/bin/python docs/figures/gangs_over_time.py      # writes gangs_over_time.png here

The gang finder runs on each phase's directed call network (seed 0); each phase's gangs are
matched with the previous phase's, and the lower panel is the Freeman degree and
betweenness centralisation of each phase (``docs/gangs.md``, "Gangs through time").
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from netintel import datasets  # noqa: E402
from netintel.algorithms import gangs_over_time  # noqa: E402


def main(out: Path = HERE / "gangs_over_time.png") -> Path:
    phases = {f"P{p}": datasets.caviar(p) for p in datasets.CAVIAR_PHASES}
    result = gangs_over_time(phases, seed=0)
    fig = result.plot(
        title="CAVIAR, phases 1-11: gangs (disc area = size) and events", highlight="N1"
    )
    fig.savefig(out, dpi=110)
    return out


if __name__ == "__main__":
    print(main())

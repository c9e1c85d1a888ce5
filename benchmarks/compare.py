"""Comparison speed: ``compare`` of the bundled as-is and to-be models against one
``simulate`` of the larger model, with the same settings, in the same process.

    python benchmarks/compare.py [REPLICATIONS] [DAYS]

Goal: compare (5 replications of 20 days, both flows, analysis, structure and
paired simulation) <= 2.2x one simulate of the larger model (paired runs cost
two simulations, little more).  Each side is timed as the best of 3 runs.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

import flowmap
from flowmap.compare import compare

ROOT = Path(__file__).resolve().parent.parent
START = dt.date(2026, 11, 30)


def best_of(n: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    days = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    before = flowmap.load(ROOT / "models" / "ec_order_asis.yaml")
    after = flowmap.load(ROOT / "models" / "ec_order_tobe.yaml")
    larger = max((before, after), key=lambda f: len(f.steps))
    t_sim = best_of(3, lambda: flowmap.simulate(larger, days=days, replications=reps, start=START))
    t_cmp = best_of(3, lambda: compare(before, after, days=days, replications=reps, start=START))
    ratio = t_cmp / t_sim
    print(f"simulate {larger.name} ({len(larger.steps)} steps), {reps} replications x {days:g} days: {t_sim:.2f} s")
    print(f"compare as-is vs to-be (analysis, structure, paired simulation):          {t_cmp:.2f} s")
    print(f"ratio {ratio:.2f}x (goal <= 2.2x) {'ok' if ratio <= 2.2 else 'OVER'}")


if __name__ == "__main__":
    main()

"""The benchmark model written directly against SimPy: six teams in a line,
exponential work, Poisson arrivals, round the clock; prints the mean lead time.

    python benchmarks/plain_simpy.py DAYS

benchmarks/simulate.py runs it as a whole process beside ``flowmap simulate``
on the same model (``model()`` in simulate.py).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Generator
from typing import Any

import simpy

STAFF = [2, 1, 3, 1, 2, 2]
MEAN = [6.0, 3.0, 10.0, 2.5, 5.0, 7.0]  # minutes; the busiest stage runs at ~80 %
PER_DAY = 400.0


def plain_simpy(days: float, seed: int) -> tuple[int, float]:
    """The same model with the same statistics: waits and counts per step, lead time per case."""
    rng = random.Random(seed)
    env = simpy.Environment()
    res = [simpy.Resource(env, capacity=c) for c in STAFF]
    waits = [0.0] * len(STAFF)
    counts = [0] * len(STAFF)
    lead: list[float] = []
    horizon = days * 1440

    def case() -> Generator[Any, Any, None]:
        t0 = env.now
        for i, r in enumerate(res):
            arrive = env.now
            req = r.request()
            yield req
            waits[i] += env.now - arrive
            counts[i] += 1
            yield env.timeout(rng.expovariate(1 / MEAN[i]))
            r.release(req)
        lead.append(env.now - t0)

    def source() -> Generator[Any, Any, None]:
        rate = PER_DAY / 1440
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= horizon:
                return
            env.process(case())

    env.process(source())
    env.run(until=horizon)
    return len(lead), sum(lead) / len(lead)


if __name__ == "__main__":
    n, mean = plain_simpy(float(sys.argv[1]), 1)
    print(f"{n} cases, mean lead time {mean:.1f} min")

"""Common random numbers: one independent random stream per purpose.

Every random draw of a replication comes from a stream named by what it is
for and keyed by the step id it belongs to (``duration:O3``, ``route:P1``,
``delay:K3``, ``arrival:C1``), seeded from the run's seed and the replication
number.  Two flows simulated with the same seed therefore draw the same
arrival times and, for every step they share, the same sequence of durations
and branch choices: removing or adding one step does not shift the draws of
the others, and a flow compared with itself gives identical results.  A sweep
uses the same seeds for every grid point, so differences between its runs are
the parameter's, not noise.

Seeding a ``random.Random`` from a string hashes it with SHA-512, which is
the same in every process and on every machine (no ``PYTHONHASHSEED``).
"""

from __future__ import annotations

import random

__all__ = ["Streams"]


class Streams:
    """The random streams of one replication."""

    __slots__ = ("_made", "rep", "seed")

    def __init__(self, seed: int, rep: int) -> None:
        self.seed = seed
        self.rep = rep
        self._made: dict[str, random.Random] = {}

    def get(self, purpose: str, key: str) -> random.Random:
        """The stream for ``purpose`` (duration, route, delay, arrival) of step ``key``; one object per name."""
        name = f"{purpose}:{key}"
        rng = self._made.get(name)
        if rng is None:
            rng = random.Random(f"flowmap:{self.seed}:{self.rep}:{name}")
            self._made[name] = rng
        return rng

    def __len__(self) -> int:
        return len(self._made)

"""Streaming statistics: memory that does not grow with the number of cases.

:class:`Histogram` keeps a count per logarithmic bin (each bin spans 0.1 % of
its value), plus the exact count, sum, minimum and maximum.  Means are exact;
quantiles are interpolated inside one bin, so they are within 0.1 % of the
exact order statistic, and exact when all values are equal.  Memory is
bounded by the spread of the values (about 2,300 bins per factor of ten),
not by how many there are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["Histogram", "ci95", "mean"]

_RATIO = 1.001
_K = 1.0 / math.log(_RATIO)
_TINY = 1e-9  # values at or below this are counted as 0
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


class Histogram:
    """Count, sum, min, max and log-binned counts of non-negative values."""

    __slots__ = ("bins", "count", "max", "min", "total", "zeros")

    def __init__(self) -> None:
        self.bins: dict[int, int] = {}
        self.zeros = 0
        self.count = 0
        self.total = 0.0
        self.min = math.inf
        self.max = -math.inf

    def add(self, x: float) -> None:
        self.count += 1
        self.total += x
        if x < self.min:
            self.min = x
        if x > self.max:
            self.max = x
        if x <= _TINY:
            self.zeros += 1
            return
        k = math.floor(math.log(x) * _K)
        bins = self.bins
        bins[k] = bins.get(k, 0) + 1

    def merge(self, other: Histogram) -> None:
        self.count += other.count
        self.total += other.total
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.zeros += other.zeros
        for k, c in other.bins.items():
            self.bins[k] = self.bins.get(k, 0) + c

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else 0.0

    def quantile(self, q: float) -> float:
        """The ``q`` quantile, linear between order statistics, each known to within its bin (0.1 %)."""
        if not self.count:
            return 0.0
        if self.min == self.max:
            return self.min
        pos = q * (self.count - 1)  # 0-based rank
        lo = int(pos)
        a = self._order_statistic(lo)
        if pos == lo or lo + 1 >= self.count:
            return a
        return a + (self._order_statistic(lo + 1) - a) * (pos - lo)

    def _order_statistic(self, rank: int) -> float:
        if rank < self.zeros:
            return max(0.0, self.min)
        if rank == self.count - 1:
            return self.max
        seen = self.zeros
        for k in sorted(self.bins):
            c = self.bins[k]
            if rank < seen + c:
                lo, hi = math.exp(k / _K), math.exp((k + 1) / _K)
                return min(max(lo + (hi - lo) * (rank - seen + 0.5) / c, self.min), self.max)
            seen += c
        return self.max

    def values(self) -> list[tuple[float, int]]:
        """(representative value, count) per bin, smallest first: for charts."""
        out = [(0.0, self.zeros)] if self.zeros else []
        out += [(math.exp((k + 0.5) / _K), self.bins[k]) for k in sorted(self.bins)]
        return out


def mean(xs: Iterable[float]) -> float:
    v = list(xs)
    return sum(v) / len(v) if v else 0.0


def ci95(means: list[float]) -> tuple[float, float] | None:
    """The 95 % confidence interval of the mean of ``means`` (Student t), or None below two values."""
    if len(means) < 2:
        return None
    m = mean(means)
    t = _T975[len(means) - 2] if len(means) - 1 <= len(_T975) else 1.96
    import statistics  # (loaded only for two or more replications)

    half = t * statistics.stdev(means) / math.sqrt(len(means))
    return (m - half, m + half)

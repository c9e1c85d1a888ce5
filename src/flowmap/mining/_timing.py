"""Clock figures discover reads from a log: working hours and days, concurrency, batches and
the working minutes between two events."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..model import Owner, WorkHours
from .fit import Fit, fit_duration, quantile
from .profile import MINUTES_PER_DAY, ActivityProfile, LogProfile


def _floor(m: float, step: int = 30) -> int:
    return int(m // step * step)


def _ceil(m: float, step: int = 30) -> int:
    return int(math.ceil(m / step) * step)


def _hours_days(clocks: list[float], days: list[int]) -> tuple[WorkHours, list[int], bool]:
    """Working window (30-minute grid), working days and whether it is round the clock."""
    n = len(clocks)
    if n == 0:
        return WorkHours(), days, False
    hours = Counter(int(c // 60) for c in clocks)
    busy_hours = sum(1 for h in range(24) if hours[h] / n >= 0.005)
    if busy_hours >= 21 and len(days) == 7:
        return WorkHours(start=0, end=1440), days, True
    s = sorted(clocks)
    lo = _floor(quantile(s, 0.002))
    hi = min(1440, _floor(quantile(s, 0.998)) + 30)
    if hi - lo < 30:
        hi = min(1440, lo + 30)
    return WorkHours(start=lo, end=hi), days, False


def _max_concurrency(starts: list[float], ends: list[float]) -> int:
    runs = sorted(set(zip(starts, ends, strict=True)))
    events = [(s, 1) for s, _ in runs] + [(e, -1) for _, e in runs]
    events.sort(key=lambda x: (x[0], x[1]))
    cur = best = 0
    for _, d in events:
        cur += d
        best = max(best, cur)
    return max(1, best)


@dataclass
class _Batch:
    times: list[int]
    per_case: Fit
    how: str


def _batch_shared(ap: ActivityProfile) -> _Batch | None:
    """Executions sharing their start and end: a batch run; per-case time is the run over its size."""
    if len(ap.starts) < 20:
        return None
    runs: Counter[tuple[float, float]] = Counter(zip(ap.starts, ap.ends, strict=True))
    shared = sum(c for c in runs.values() if c >= 2)
    if shared < 0.5 * len(ap.starts) or len(runs) < 3:
        return None
    per_case = [(e - s) / c for (s, e), c in runs.items() for _ in range(c)]
    clocks = Counter(round(s % MINUTES_PER_DAY) for (s, _e) in runs)
    times = [t for t, c in clocks.most_common(4) if c >= 0.15 * len(runs)]
    if not times:
        floors = Counter(_floor(s % MINUTES_PER_DAY) for (s, _e) in runs)
        times = [t for t, c in floors.most_common(4) if c >= 0.15 * len(runs)]
    if not times:
        return None
    weighted_size = sum(c * c for c in runs.values()) / len(ap.starts)
    if weighted_size < 5:
        return None  # parallel servers starting and ending together, not runs of a batch
    return _Batch(sorted(times), fit_duration(per_case), "shared")


def _batch_bursts(ap: ActivityProfile, window: WorkHours) -> _Batch | None:
    """Completions (no start times) in bursts beginning at the same clock times each day: a daily batch."""
    ends = sorted(ap.all_ends)
    if len(ends) < 30:
        return None
    bursts: list[list[float]] = [[ends[0]]]
    for t in ends[1:]:
        cur = bursts[-1]
        if t - cur[-1] <= 20 and int(t // MINUTES_PER_DAY) == int(cur[0] // MINUTES_PER_DAY):
            cur.append(t)
        else:
            bursts.append([t])
    starts = Counter(_floor(b[0] % MINUTES_PER_DAY) for b in bursts)
    times = [t for t, c in starts.most_common(4) if c >= 0.1 * len(bursts)]
    covered = [b for b in bursts if _floor(b[0] % MINUTES_PER_DAY) in times]
    n_cov = sum(len(b) for b in covered)
    if not times or n_cov < 0.9 * len(ends):
        return None
    mean_size = n_cov / len(covered)
    offsets = [t - (int(b[0] // MINUTES_PER_DAY) * MINUTES_PER_DAY + _floor(b[0] % MINUTES_PER_DAY))
               for b in covered for t in b]
    spans = sorted(b[-1] - b[0] for b in covered)
    if mean_size < 3 or quantile(spans, 0.5) > 0.5 * max(30, window.minutes):
        return None  # work going on all day long, not runs at set times
    # every case of a run leaves when the run ends: fit the per-case time from the mean offset
    per = sum(offsets) / len(offsets) / mean_size
    return _Batch(sorted(times), fit_duration([per] * 3), "bursts")


def _work_minutes(a: float, b: float, hours: WorkHours, days: list[int]) -> float:
    """Minutes of [a, b] that fall in the working windows."""
    if b <= a:
        return 0.0
    total = 0.0
    d = int(a // MINUTES_PER_DAY)
    last = int(b // MINUTES_PER_DAY)
    while d <= last and d - int(a // MINUTES_PER_DAY) < 60:
        if (d + 3) % 7 in days:
            lo = max(a, d * MINUTES_PER_DAY + hours.start)
            hi = min(b, d * MINUTES_PER_DAY + hours.end)
            if hi > lo:
                total += hi - lo
        d += 1
    return total


def _working_gap_fit(prof: LogProfile, a: int, o: Owner | None) -> Fit:
    """Complete-only operator work: the working minutes between the previous event and this one."""
    hours = o.work_hours if o else WorkHours()
    days = o.work_days if o else list(range(7))
    vals: list[float] = []
    # the per-activity gaps lose the previous end time; rebuild them from the traces
    for tr in prof.log.traces():
        prev_end = math.nan
        for x, e in zip(tr.activities, tr.ends, strict=True):
            if x == a and not math.isnan(prev_end):
                vals.append(_work_minutes(prev_end, e, hours, days))
            prev_end = e
    return fit_duration(vals)

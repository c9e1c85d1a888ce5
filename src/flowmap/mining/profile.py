"""One pass over an event log's cases: the figures discover, check and calibrate share.

Per activity: executions, service times (complete − start), the gap before it
(from the previous event's end), clock times and weekdays, resources and
groups.  Per transition: counts and gaps.  Per case: its path, start and end.

A case whose last event lies within the log's *quiet window* of the log's
end (the 99th percentile of the gaps between events) may still be running
when the log was cut: its transitions count, but not its end, and its lead
time is left out — unless it stopped at an activity that nothing ever
follows (a case that ended there).
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from dataclasses import dataclass, field

from ..io.eventlog import EventLog, Trace
from .fit import quantile

__all__ = ["ActivityProfile", "LogProfile", "profile_log"]

MINUTES_PER_DAY = 1440.0


@dataclass
class ActivityProfile:
    name: str
    count: int = 0
    durations: array[float] = field(default_factory=lambda: array("d"))
    gaps: array[float] = field(default_factory=lambda: array("d"))  # from the previous event's end (or case start)
    clock: array[float] = field(default_factory=lambda: array("d"))  # minute of the day when work began (or ended)
    weekdays: list[int] = field(default_factory=lambda: [0] * 7)
    resources: Counter[int] = field(default_factory=Counter)
    groups: Counter[int] = field(default_factory=Counter)
    starts: array[float] = field(default_factory=lambda: array("d"))  # where the start is known
    ends: array[float] = field(default_factory=lambda: array("d"))  # of the same executions
    all_ends: array[float] = field(default_factory=lambda: array("d"))
    dates: set[int] = field(default_factory=set)  # day numbers (since 1970) with an execution
    starts_known: int = 0
    first: int = 0  # cases that begin with this activity


@dataclass
class LogProfile:
    log: EventLog
    activities: list[ActivityProfile]
    transitions: Counter[tuple[int, int]]
    transition_gaps: dict[tuple[int, int], array[float]]
    ends: Counter[int]  # finished cases ending with the activity
    case_first: array[float]
    case_last: array[float]
    finished: array[int]  # 1: the case ended well before the log did
    paths: list[tuple[int, ...]] | None
    quiet_window: float
    span_days: float
    first_time: float
    resource_clock: dict[int, array[float]]
    resource_weekdays: dict[int, list[int]]
    resource_dates: dict[int, set[int]]
    resource_starts: dict[int, array[float]]
    resource_ends: dict[int, array[float]]

    @property
    def first_day(self) -> int:
        return int(self.first_time // MINUTES_PER_DAY)

    @property
    def last_day(self) -> int:
        return int((self.first_time + self.span_days * MINUTES_PER_DAY) // MINUTES_PER_DAY)

    def days_of(self, dates: set[int]) -> list[int]:
        # the first and last day may be partly in the log: leave them out when the log is long enough
        lo, hi = self.first_day, self.last_day
        if hi - lo >= 14:
            lo, hi = lo + 1, hi - 1
        return working_days(dates, lo, hi)

    @property
    def cases(self) -> int:
        return len(self.case_first)

    def lead_times(self) -> list[float]:
        return [b - a for a, b, f in zip(self.case_first, self.case_last, self.finished, strict=True) if f]

    def arrivals_per_day(self) -> float:
        firsts = sorted(self.case_first)
        span = (firsts[-1] - firsts[0]) / MINUTES_PER_DAY if len(firsts) > 1 else 0.0
        if span <= 0:
            return float(len(firsts))
        return (len(firsts) - 1) / span

    def hourly_profile(self) -> list[float]:
        counts = [0] * 24
        for t in self.case_first:
            counts[int((t % MINUTES_PER_DAY) // 60)] += 1
        total = sum(counts)
        return [round(24 * c / total, 3) for c in counts] if total else []

    def weekday_counts(self) -> tuple[list[int], list[int]]:
        """Cases starting on each weekday (Monday first) and how many of that weekday the log spans."""
        days = [0] * 7
        first_day = int(min(self.case_first) // MINUTES_PER_DAY) if len(self.case_first) else 0
        last_day = int(max(self.case_first) // MINUTES_PER_DAY) if len(self.case_first) else 0
        present = [0] * 7
        for d in range(first_day, last_day + 1):
            present[(d + 3) % 7] += 1  # 1970-01-01 was a Thursday
        for t in self.case_first:
            days[(int(t // MINUTES_PER_DAY) + 3) % 7] += 1
        return days, present

    def weekday_profile(self) -> list[float]:
        """Cases a day on each weekday (Monday first) relative to the mean over the week."""
        days, present = self.weekday_counts()
        per = [days[i] / present[i] if present[i] else 0.0 for i in range(7)]
        mean = sum(per) / 7 or 1.0
        return [round(p / mean, 3) for p in per]

    def weekday_uneven(self) -> bool:
        """Whether the cases are spread over the weekdays unevenly beyond chance: Pearson's chi-square against
        even days (each weekday's expectation in proportion to how often the log spans it) above its 1 %
        critical value (16.81 at 6 degrees of freedom). A log shorter than two weeks cannot say."""
        days, present = self.weekday_counts()
        n, span = sum(days), sum(present)
        if n == 0 or min(present) < 2:
            return False
        stat = sum((o - n * p / span) ** 2 / (n * p / span) for o, p in zip(days, present, strict=True))
        return stat > 16.81


def working_days(dates: set[int], first_day: int, last_day: int) -> list[int]:
    """Weekdays on which work happened on at least a third of those in the log's span.

    A day off has no work at all; a working day can still go without when the work upstream
    is held up (a backlog elsewhere), hence the low bar.
    """
    present = [0] * 7
    worked = [0] * 7
    for d in range(first_day, last_day + 1):
        present[(d + 3) % 7] += 1
        if d in dates:
            worked[(d + 3) % 7] += 1
    return [w for w in range(7) if present[w] and 3 * worked[w] >= present[w]] or list(range(7))


def weekday(t: float) -> int:
    return (int(t // MINUTES_PER_DAY) + 3) % 7


@dataclass
class _ResourceFigures:
    """Per resource: clock times, weekdays and dates of its work, and its executions' known starts and ends."""
    clock: dict[int, array[float]] = field(default_factory=dict)
    weekdays: dict[int, list[int]] = field(default_factory=dict)
    dates: dict[int, set[int]] = field(default_factory=dict)
    starts: dict[int, array[float]] = field(default_factory=dict)
    ends: dict[int, array[float]] = field(default_factory=dict)

    def add(self, tr: Trace) -> None:
        rclock, rweek, rdates, rs, re_ = self.clock, self.weekdays, self.dates, self.starts, self.ends
        for r, s, e in zip(tr.resources, tr.starts, tr.ends, strict=True):
            if not r:
                continue
            began = e if math.isnan(s) else s
            rc = rclock.get(r)
            if rc is None:
                rclock[r] = rc = array("d")
                rweek[r] = [0] * 7
                rdates[r] = set()
                rs[r] = array("d")
                re_[r] = array("d")
            rc.append(began % MINUTES_PER_DAY)
            rweek[r][weekday(began)] += 1
            rdates[r].add(int(began // MINUTES_PER_DAY))
            if not math.isnan(s):
                rs[r].append(s)
                re_[r].append(e)


def profile_log(log: EventLog, *, keep_paths: bool = True) -> LogProfile:
    acts = [ActivityProfile(n) for n in log.activities]
    transitions: Counter[tuple[int, int]] = Counter()
    tgaps: dict[tuple[int, int], array[float]] = {}
    case_first: array[float] = array("d")
    case_last: array[float] = array("d")
    last_act: array[int] = array("l")
    paths: list[tuple[int, ...]] | None = [] if keep_paths else None
    all_gaps: array[float] = array("d")
    res = _ResourceFigures()
    for tr in log.traces():
        prev, prev_end = -1, math.nan
        s0 = tr.starts[0]
        first = tr.ends[0] if math.isnan(s0) else s0  # events come in order of their start (or end)
        last = max(tr.ends)
        for a, r, g, s, e in zip(tr.activities, tr.resources, tr.groups, tr.starts, tr.ends, strict=True):
            ap = acts[a]
            ap.count += 1
            began = e if math.isnan(s) else s
            if not math.isnan(s):
                ap.starts_known += 1
                ap.durations.append(max(0.0, e - s))
                ap.starts.append(s)
                ap.ends.append(e)
            clock = began % MINUTES_PER_DAY
            ap.clock.append(clock)
            ap.all_ends.append(e)
            ap.weekdays[weekday(began)] += 1
            ap.dates.add(int(began // MINUTES_PER_DAY))
            if r:
                ap.resources[r] += 1
            if g:
                ap.groups[g] += 1
            if prev >= 0:
                gap = max(0.0, began - prev_end)
                ap.gaps.append(gap)
                all_gaps.append(gap)
                key = (prev, a)
                transitions[key] += 1
                tg = tgaps.get(key)
                if tg is None:
                    tgaps[key] = tg = array("d")
                tg.append(gap)
            else:
                ap.first += 1
            prev, prev_end = a, e
        res.add(tr)
        case_first.append(first)
        case_last.append(last)
        last_act.append(prev)
        if paths is not None:
            paths.append(tuple(tr.activities))
    log_end = max(case_last) if len(case_last) else 0.0
    log_start = min(case_first) if len(case_first) else 0.0
    quiet = quantile(sorted(all_gaps), 0.99) if len(all_gaps) else 0.0
    finished = _finished(case_last, last_act, transitions, log_end, quiet)
    ends: Counter[int] = Counter(a for a, f in zip(last_act, finished, strict=True) if f)
    return LogProfile(log, acts, transitions, tgaps, ends, case_first, case_last, finished, paths, quiet,
                      (log_end - log_start) / MINUTES_PER_DAY, log_start, res.clock, res.weekdays, res.dates,
                      res.starts, res.ends)


def _finished(case_last: array[float], last_act: array[int], transitions: Counter[tuple[int, int]],
              log_end: float, quiet: float) -> array[int]:
    """1 for each case that ended: its last event lies before the log's quiet window, or it stopped at
    an activity nothing ever follows."""
    finished: array[int] = array("b", (1 if last < log_end - quiet or quiet == 0 else 0 for last in case_last))
    if not any(finished):  # a log too short to tell: take every case as finished
        finished = array("b", [1] * len(case_last))
    # a case near the end of the log that stopped at an activity nothing ever follows has ended too
    # (counting it keeps the log's lead times from losing the cases that ended late)
    has_successor = {a for a, _b in transitions}
    terminal = {a for a, f in zip(last_act, finished, strict=True) if f and a not in has_successor}
    for i, a in enumerate(last_act):
        if not finished[i] and a in terminal:
            finished[i] = 1
    return finished

"""Both flows simulated with the same seeds and start day (common random numbers), and the paired
difference of their lead times with its 95 % Student-t interval."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from typing import Any

from ..errors import ParameterError
from ..model import Flow

__all__ = ["OwnerSide", "Paired", "SegmentPair", "SimComparison", "StepSide", "paired_difference", "simulate_pair"]

_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


@dataclass
class Paired:
    """A figure of both flows over the same replications and its paired difference."""

    before: float
    after: float
    difference: float  # mean of after − before per replication
    ci95: tuple[float, float] | None


def paired_difference(before: list[float], after: list[float]) -> tuple[float, tuple[float, float] | None]:
    """Mean of the per-replication differences (after − before) and its 95 % Student-t interval."""
    diffs = [a - b for a, b in zip(after, before, strict=True)]
    n = len(diffs)
    if not n:
        return 0.0, None
    m = sum(diffs) / n
    if n < 2:
        return m, None
    sd = statistics.stdev(diffs)
    tq = _T975[n - 2] if n - 1 <= len(_T975) else 1.96
    half = tq * sd / math.sqrt(n)
    return m, (m - half, m + half)


@dataclass
class StepSide:
    step: str
    name: str
    before_wait: float | None
    after_wait: float | None
    before_count: float | None
    after_count: float | None


@dataclass
class OwnerSide:
    owner: str
    before_utilization: float | None
    after_utilization: float | None


@dataclass
class SegmentPair:
    name: str
    start: str
    end: str
    before: dict[str, float]
    after: dict[str, float]
    difference: float
    ci95: tuple[float, float] | None


@dataclass
class SimComparison:
    replications: int
    seed: int
    days: float
    start: dt.date
    orders_per_day_before: float
    orders_per_day_after: float
    before: Any  # SimulationResult
    after: Any
    lead_mean: Paired
    lead_p50: tuple[float, float]
    lead_p90: tuple[float, float]
    steps: list[StepSide]
    owners: list[OwnerSide]
    segments: list[SegmentPair]

    def lead_counts(self, which: str) -> list[tuple[float, int]]:
        """(lead time in minutes, cases) of every completed case, all replications: for charts."""
        sim = self.before if which == "before" else self.after
        out: list[tuple[float, int]] = []
        for r in sim.replications:
            out.extend(_lead_counts(r))
        return out

    def to_dict(self) -> dict[str, Any]:
        def r(x: float) -> float:
            return round(x, 3)

        lt = self.lead_mean
        return {
            "replications": self.replications, "seed": self.seed, "days": self.days, "start": self.start.isoformat(),
            "orders_per_day": {"before": self.orders_per_day_before, "after": self.orders_per_day_after},
            "common_random_numbers": True,
            "lead_time_minutes": {
                "before": {"mean": r(lt.before), "p50": r(self.lead_p50[0]), "p90": r(self.lead_p90[0]),
                           "ci95": _ci(self.before.lead_time.ci95)},
                "after": {"mean": r(lt.after), "p50": r(self.lead_p50[1]), "p90": r(self.lead_p90[1]),
                          "ci95": _ci(self.after.lead_time.ci95)},
                "difference": {"mean": r(lt.difference), "ci95": _ci(lt.ci95) or [r(lt.difference), r(lt.difference)]},
            },
            "segments": [{"name": s.name, "from": s.start, "to": s.end,
                          "before": {k: r(v) for k, v in s.before.items()}, "after": {k: r(v) for k, v in s.after.items()},
                          "difference": {"mean": r(s.difference), "ci95": _ci(s.ci95) or [r(s.difference), r(s.difference)]}}
                         for s in self.segments],
            "steps": [{"step": s.step, "name": s.name,
                       "before_wait_mean_minutes": None if s.before_wait is None else r(s.before_wait),
                       "after_wait_mean_minutes": None if s.after_wait is None else r(s.after_wait),
                       "before_count": None if s.before_count is None else r(s.before_count),
                       "after_count": None if s.after_count is None else r(s.after_count)} for s in self.steps],
            "owners": [{"owner": o.owner,
                        "before_utilization": None if o.before_utilization is None else r(o.before_utilization),
                        "after_utilization": None if o.after_utilization is None else r(o.after_utilization)}
                       for o in self.owners],
            "cases": {"before": {"arrived": r(self.before.arrived), "completed": r(self.before.completed)},
                      "after": {"arrived": r(self.after.arrived), "completed": r(self.after.completed)}},
        }


def _ci(ci: Any) -> list[float] | None:
    return [round(float(x), 3) for x in ci] if ci else None


def _lead_counts(rep: Any) -> list[tuple[float, int]]:
    hist = getattr(rep, "lead_histogram", None)
    if hist is not None and not isinstance(hist, list):
        return [(float(v), int(n)) for v, n in hist.values()]
    return [(float(v), 1) for v in getattr(rep, "lead_times", [])]


def simulate_pair(before: Flow, after: Flow, match: dict[str, str], *, days: float | None, orders_per_day: float | None,
                   replications: int | None, seed: int | None, workers: int, start: dt.date | None,
                   between: tuple[str, str] | None) -> SimComparison:
    from ..simulation import next_monday, simulate

    st = before.settings
    days = st.days if days is None else days
    seed = st.seed if seed is None else seed
    replications = st.replications if replications is None else replications
    start = start or st.start or next_monday()
    kw: dict[str, Any] = {"days": days, "seed": seed, "replications": replications, "workers": workers, "start": start}
    after_between = (match.get(between[0], between[0]), match.get(between[1], between[1])) if between else None
    if between and after_between:
        ids_b, ids_a = {s.id for s in before.steps}, {s.id for s in after.steps}
        gone = [x for x, y in zip(between, after_between, strict=True) if x in ids_b and y not in ids_a]
        if gone:
            raise ParameterError("between", f"step {gone[0]!r} is not in AFTER ({after.name}): a segment needs both of its "
                                 "ends in both flows", f"工程「{gone[0]}」は変更後（{after.name}）にありません。"
                                 "区間の両端は両方のフローに必要です")
    sb = simulate(before, orders_per_day=orders_per_day, between=between, **kw)
    sa = simulate(after, orders_per_day=orders_per_day, between=after_between, **kw)
    diff, ci = paired_difference([r.lead_time.mean for r in sb.replications], [r.lead_time.mean for r in sa.replications])
    back = {a: b for b, a in match.items()}
    wa = {s.step: s for s in sa.steps}
    steps = []
    for s in sb.steps:
        a = wa.get(match.get(s.step, ""))
        steps.append(StepSide(s.step, s.name, s.wait_mean_minutes, a.wait_mean_minutes if a else None, s.count,
                              a.count if a else None))
    for s in sa.steps:
        if s.step not in back:
            steps.append(StepSide(s.step, s.name, None, s.wait_mean_minutes, None, s.count))
    ub = {o.owner: o.utilization for o in sb.owners}
    ua = {o.owner: o.utilization for o in sa.owners}
    owners = [OwnerSide(n, ub.get(n), ua.get(n)) for n in dict.fromkeys([*ub, *ua])]
    segments = []
    seg_b = {(s.start, s.end): (i, s) for i, s in enumerate(getattr(sb, "segments", []))}
    for j, s in enumerate(getattr(sa, "segments", [])):
        hit = seg_b.get((back.get(s.start, s.start), back.get(s.end, s.end)))
        if hit is None:
            continue
        i, b = hit
        d, dci = paired_difference([r.segments[i].mean for r in sb.replications], [r.segments[j].mean for r in sa.replications])
        segments.append(SegmentPair(s.name, b.start, b.end, {"mean": b.mean, "p50": b.p50, "p90": b.p90},
                                    {"mean": s.mean, "p50": s.p50, "p90": s.p90}, d, dci))
    return SimComparison(
        replications=replications, seed=seed, days=days, start=start,
        orders_per_day_before=orders_per_day if orders_per_day is not None else sum(before.entry_volumes().values()),
        orders_per_day_after=orders_per_day if orders_per_day is not None else sum(after.entry_volumes().values()),
        before=sb, after=sa, lead_mean=Paired(sb.lead_time.mean, sa.lead_time.mean, diff, ci),
        lead_p50=(sb.lead_time.p50, sa.lead_time.p50), lead_p90=(sb.lead_time.p90, sa.lead_time.p90),
        steps=steps, owners=owners, segments=segments)

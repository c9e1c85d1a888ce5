"""Typed simulation results: one replication, the aggregate over replications, warnings.

Everything a renderer or another module reads from a simulation is a field of
a dataclass here; :meth:`SimulationResult.to_dict` is the JSON contract of
``simulate --format json`` (``../shared/spec/cli.md``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..capacity import Capacity
from ..model import Milestone
from .statistics import Histogram, ci95, mean

__all__ = [
    "Capacity",
    "EventRecord",
    "HandoffStats",
    "LeadTime",
    "Milestone",
    "OverloadWarning",
    "OwnerStats",
    "ReplicationResult",
    "SegmentStats",
    "SimSettings",
    "SimulationResult",
    "StepStats",
    "aggregate",
]

JsonScalar = str | int | float | bool | None
EventRecord = tuple[int, str, str, str, float, float]
"""(case id, activity, resource, lane, start minute, end minute)."""


def _r(x: float) -> float:
    return round(x, 3)


@dataclass(frozen=True)
class SimSettings:
    days: float
    orders_per_day: float
    seed: int
    replications: int
    start: dt.date

    def to_dict(self) -> dict[str, JsonScalar]:
        return {"days": self.days, "orders_per_day": self.orders_per_day, "seed": self.seed,
                "replications": self.replications, "start": self.start.isoformat()}


@dataclass
class LeadTime:
    mean: float
    p50: float
    p90: float
    p95: float
    max: float
    ci95: tuple[float, float] | None = None

    @classmethod
    def of(cls, h: Histogram) -> LeadTime:
        if not h.count:
            return cls(0.0, 0.0, 0.0, 0.0, 0.0)
        return cls(h.mean, h.quantile(0.5), h.quantile(0.9), h.quantile(0.95), h.max)

    def to_dict(self) -> dict[str, object]:
        return {"mean": _r(self.mean), "p50": _r(self.p50), "p90": _r(self.p90), "p95": _r(self.p95),
                "max": _r(self.max), "ci95": [_r(x) for x in self.ci95] if self.ci95 else None}


@dataclass
class StepStats:
    step: str
    name: str
    count: float
    wait_mean_minutes: float
    service_mean_minutes: float

    def to_dict(self) -> dict[str, JsonScalar]:
        return {"step": self.step, "name": self.name, "count": _r(self.count),
                "wait_mean_minutes": _r(self.wait_mean_minutes), "service_mean_minutes": _r(self.service_mean_minutes)}


@dataclass
class OwnerStats:
    owner: str
    utilization: float
    busy_minutes: float
    scheduled_minutes: float

    def to_dict(self) -> dict[str, JsonScalar]:
        return {"owner": self.owner, "utilization": _r(self.utilization), "busy_minutes": _r(self.busy_minutes),
                "scheduled_minutes": _r(self.scheduled_minutes)}


# Alike in shape only to StepStats/OwnerStats: each record's own fields and JSON keys.
@dataclass
class HandoffStats:
    from_owner: str
    to_owner: str
    count: float
    wait_mean_minutes: float

    def to_dict(self) -> dict[str, JsonScalar]:
        return {"from_owner": self.from_owner, "to_owner": self.to_owner, "count": _r(self.count),
                "wait_mean_minutes": _r(self.wait_mean_minutes)}


@dataclass
class SegmentStats:
    """Lead time between two milestones (cases that passed both)."""

    name: str
    start: str
    end: str
    count: float
    mean: float
    p50: float
    p90: float
    ci95: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "from": self.start, "to": self.end, "count": _r(self.count), "mean": _r(self.mean),
                "p50": _r(self.p50), "p90": _r(self.p90), "ci95": [_r(x) for x in self.ci95] if self.ci95 else None}


@dataclass(frozen=True)
class OverloadWarning:
    """An owner whose expected load exceeds their working time: their queue grows without bound."""

    owner: str
    utilization: float

    def to_dict(self) -> dict[str, JsonScalar]:
        return {"owner": self.owner, "utilization": round(self.utilization, 3)}


@dataclass
class ReplicationResult:
    replication: int
    arrived: int
    completed: int
    in_progress: int
    lead_time: LeadTime
    mean_in_system: float  # time-average number of cases in the system
    throughput_per_minute: float
    steps: list[StepStats]
    owners: list[OwnerStats]
    handoffs: list[HandoffStats]
    segments: list[SegmentStats] = field(default_factory=list)
    lead_histogram: Histogram = field(default_factory=Histogram, repr=False)
    events: list[EventRecord] = field(default_factory=list, repr=False)


@dataclass
class SimulationResult:
    settings: SimSettings
    arrived: float
    completed: float
    in_progress: float
    lead_time: LeadTime
    steps: list[StepStats]
    owners: list[OwnerStats]
    handoffs: list[HandoffStats]
    replications: list[ReplicationResult]
    warnings: list[OverloadWarning]
    segments: list[SegmentStats] = field(default_factory=list)
    capacity: list[Capacity] = field(default_factory=list)

    @property
    def start(self) -> dt.date:
        return self.settings.start

    def lead_histogram(self) -> Histogram:
        """Every completed case's lead time, over all replications."""
        h = Histogram()
        for r in self.replications:
            h.merge(r.lead_histogram)
        return h

    def to_dict(self) -> dict[str, object]:
        return {
            "settings": self.settings.to_dict(),
            "cases": {"arrived": _r(self.arrived), "completed": _r(self.completed), "in_progress": _r(self.in_progress)},
            "lead_time_minutes": self.lead_time.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
            "steps": [s.to_dict() for s in self.steps],
            "owners": [o.to_dict() for o in self.owners],
            "handoffs": [h.to_dict() for h in self.handoffs],
            "capacity": [c.to_dict() for c in self.capacity],
            "warnings": [w.to_dict() for w in self.warnings],
            "replications": [
                {"replication": x.replication, "arrived": x.arrived, "completed": x.completed, "in_progress": x.in_progress,
                 "lead_time_mean_minutes": _r(x.lead_time.mean), "mean_in_system": _r(x.mean_in_system)}
                for x in self.replications
            ],
        }

    def event_rows(self) -> list[list[str]]:
        """The first replication's event log as CSV rows (ISO timestamps), when it was kept in memory."""
        rows = [list(EVENT_HEADER)]
        for ev in self.replications[0].events if self.replications else []:
            rows.append(event_row(self.start, ev))
        return rows


EVENT_HEADER = ("case_id", "activity", "resource", "lane", "start", "end")


def event_row(start: dt.date, ev: EventRecord) -> list[str]:
    """One event as CSV cells: minutes from the first day's midnight become ISO timestamps."""
    base = dt.datetime.combine(start, dt.time(0))
    cid, act, res, lane, s, e = ev
    return [str(cid), act, res, lane, (base + dt.timedelta(minutes=s)).isoformat(timespec="seconds"),
            (base + dt.timedelta(minutes=e)).isoformat(timespec="seconds")]


def _aggregate_steps(reps: list[ReplicationResult]) -> list[StepStats]:
    steps = []
    for i, s0 in enumerate(reps[0].steps):
        per = [r.steps[i] for r in reps]
        n_total = sum(p.count for p in per)
        steps.append(StepStats(
            s0.step, s0.name, n_total / len(reps),
            sum(p.wait_mean_minutes * p.count for p in per) / n_total if n_total else 0.0,
            sum(p.service_mean_minutes * p.count for p in per) / n_total if n_total else 0.0))
    return steps


def _aggregate_segments(reps: list[ReplicationResult]) -> list[SegmentStats]:
    out = []
    for i, s0 in enumerate(reps[0].segments):
        per = [r.segments[i] for r in reps]
        out.append(SegmentStats(s0.name, s0.start, s0.end, mean(p.count for p in per), mean(p.mean for p in per),
                                mean(p.p50 for p in per), mean(p.p90 for p in per), ci95([p.mean for p in per])))
    return out


def aggregate(reps: list[ReplicationResult], settings: SimSettings, warnings: list[OverloadWarning],
              capacity: list[Capacity]) -> SimulationResult:
    """Means over replications (waits weighted by counts); the CI of the mean lead time across replications."""
    means = [r.lead_time.mean for r in reps]
    lt = LeadTime(mean(means), mean(r.lead_time.p50 for r in reps), mean(r.lead_time.p90 for r in reps),
                  mean(r.lead_time.p95 for r in reps), mean(r.lead_time.max for r in reps), ci95(means))
    owners = []
    for i, o0 in enumerate(reps[0].owners):
        per_o = [r.owners[i] for r in reps]
        owners.append(OwnerStats(o0.owner, mean(p.utilization for p in per_o), mean(p.busy_minutes for p in per_o),
                                 o0.scheduled_minutes))
    keys: dict[tuple[str, str], list[float]] = {}
    for r in reps:
        for h in r.handoffs:
            k = keys.setdefault((h.from_owner, h.to_owner), [0.0, 0.0])
            k[0] += h.count
            k[1] += h.wait_mean_minutes * h.count
    handoffs = [HandoffStats(a, b, v[0] / len(reps), v[1] / v[0] if v[0] else 0.0) for (a, b), v in keys.items()]
    return SimulationResult(settings, mean(r.arrived for r in reps), mean(r.completed for r in reps),
                            mean(r.in_progress for r in reps), lt, _aggregate_steps(reps), owners, handoffs, reps,
                            warnings, _aggregate_segments(reps), capacity)

"""Expected load: minutes per day of each step and owner from the graph's
expected visits, the daily volume and the mean durations.

Only people's work in operator lanes is load: manual steps, and batch steps
whose owner is a person or team (a lead who downloads the day's orders at
10:00).  Automated steps and batches run by systems are not, and
customer-lane steps are the customer's own time.
A manual step with several owners splits its minutes equally among them.
Capacity is per calendar day: headcount × daily working minutes × working
days per week / 7, so a Mon–Fri team is compared fairly with orders that
arrive every day.

This module sits outside :mod:`flowmap.analyze` (which re-exports it as
``flowmap.analyze.load``) so that capacity and simulate read the load without
importing every analyzer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .graph import FlowGraph
from .model import Flow, people_of

__all__ = ["OwnerLoad", "Spread", "Workload", "expected_load"]


@dataclass(frozen=True)
class Spread:
    """Spread of utilization across people: coefficient of variation and Gini coefficient."""

    cv: float = 0.0
    gini: float = 0.0

    def to_dict(self) -> dict[str, float]:
        return {"cv": self.cv, "gini": self.gini}


@dataclass
class OwnerLoad:
    owner: str
    lane: str
    kind: str
    minutes_per_day: float
    capacity_minutes_per_day: float
    data_entry_minutes: float
    steps: list[str] = field(default_factory=list)
    share: float = 0.0
    data_entry_share: float = 0.0

    @property
    def utilization(self) -> float:
        if self.capacity_minutes_per_day <= 0:
            return 0.0
        return self.minutes_per_day / self.capacity_minutes_per_day

    def to_dict(self) -> dict[str, object]:
        return {
            "owner": self.owner, "lane": self.lane, "kind": self.kind,
            "minutes_per_day": round(self.minutes_per_day, 1),
            "capacity_minutes_per_day": round(self.capacity_minutes_per_day, 1),
            "utilization": round(self.utilization, 3), "share": round(self.share, 3),
            "data_entry_share": round(self.data_entry_share, 3),
            "data_entry_minutes_per_day": round(self.data_entry_minutes, 1),
            "steps": list(self.steps),
        }


@dataclass
class Workload:
    step_minutes: dict[str, float]  # manual operator minutes per day per step
    step_per_day: dict[str, float]  # executions per day per step
    owners: list[OwnerLoad]

    def owner(self, name: str) -> OwnerLoad | None:
        for o in self.owners:
            if o.owner == name:
                return o
        return None

    def spread(self) -> Spread:
        """Spread of utilization across people: coefficient of variation and Gini."""
        xs = [o.utilization for o in self.owners]
        if len(xs) < 2 or sum(xs) == 0:
            return Spread()
        mean = sum(xs) / len(xs)
        var = sum((x - mean) ** 2 for x in xs) / len(xs)
        ys = sorted(xs)
        n = len(ys)
        gini = sum((2 * (i + 1) - n - 1) * y for i, y in enumerate(ys)) / (n * sum(ys))
        return Spread(cv=round(var**0.5 / mean, 3), gini=round(gini, 3))


def expected_load(flow: Flow, graph: FlowGraph) -> Workload:
    per_day = graph.per_day()
    customer = flow.customer_lanes()
    owners = flow.owner_map()
    step_minutes: dict[str, float] = {}
    minutes: dict[str, float] = {}
    entry: dict[str, float] = {}
    steps_of: dict[str, list[str]] = {}
    for s in flow.steps:
        if s.lane in customer or s.mode == "auto":
            continue
        people = people_of(s, owners, customer)
        if s.mode == "batch" and not people:
            continue  # a batch run by a system is no one's load
        m = per_day[s.id] * s.duration.mean
        step_minutes[s.id] = m
        for o in people:
            minutes[o] = minutes.get(o, 0.0) + m / len(people)
            steps_of.setdefault(o, []).append(s.id)
            if s.writes:
                entry[o] = entry.get(o, 0.0) + m / len(people)
    total = sum(minutes.values())
    total_entry = sum(entry.values())
    loads: list[OwnerLoad] = []
    for ow in flow.owners:
        if ow.is_system or (ow.lane in customer and ow.name not in minutes):
            continue
        cap = ow.capacity * ow.work_hours.minutes * len(ow.work_days) / 7
        m = minutes.get(ow.name, 0.0)
        loads.append(OwnerLoad(
            owner=ow.name, lane=ow.lane, kind=ow.kind, minutes_per_day=m, capacity_minutes_per_day=cap,
            data_entry_minutes=entry.get(ow.name, 0.0), steps=steps_of.get(ow.name, []),
            share=m / total if total else 0.0,
            data_entry_share=entry.get(ow.name, 0.0) / total_entry if total_entry else 0.0,
        ))
    return Workload(step_minutes=step_minutes, step_per_day=per_day, owners=loads)

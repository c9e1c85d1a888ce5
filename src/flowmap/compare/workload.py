"""Expected workload per owner before and after: minutes freed and what they cost per month."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analyze import Analysis

__all__ = ["MONTH_DAYS", "OwnerDelta", "workload_delta"]

MONTH_DAYS = 365 / 12
"""Calendar days per month: workload is per calendar day (see analyze.load)."""


@dataclass
class OwnerDelta:
    owner: str
    lane: str
    before_minutes: float
    after_minutes: float
    before_capacity: float
    after_capacity: float
    before_data_entry: float
    after_data_entry: float
    before_cost: float | None  # hourly; None: the owner is not on that side
    after_cost: float | None
    in_before: bool
    in_after: bool

    @property
    def freed(self) -> float:
        return self.before_minutes - self.after_minutes

    @property
    def before_utilization(self) -> float:
        return self.before_minutes / self.before_capacity if self.before_capacity > 0 else 0.0

    @property
    def after_utilization(self) -> float:
        return self.after_minutes / self.after_capacity if self.after_capacity > 0 else 0.0

    @property
    def cost_missing(self) -> bool:
        """Minutes on a side whose hourly cost is not given: no money figure."""
        return ((self.before_minutes > 0 and not self.before_cost) or (self.after_minutes > 0 and not self.after_cost))

    @property
    def cost_per_month_saved(self) -> float | None:
        if self.cost_missing:
            return None
        spent_b = self.before_minutes * (self.before_cost or 0.0)
        spent_a = self.after_minutes * (self.after_cost or 0.0)
        return (spent_b - spent_a) / 60 * MONTH_DAYS

    def to_dict(self) -> dict[str, Any]:
        money = self.cost_per_month_saved
        return {
            "owner": self.owner, "lane": self.lane,
            "before_minutes_per_day": round(self.before_minutes, 1), "after_minutes_per_day": round(self.after_minutes, 1),
            "freed_minutes_per_day": round(self.freed, 1),
            "before_utilization": round(self.before_utilization, 3), "after_utilization": round(self.after_utilization, 3),
            "before_capacity_minutes_per_day": round(self.before_capacity, 1),
            "after_capacity_minutes_per_day": round(self.after_capacity, 1),
            "before_data_entry_minutes_per_day": round(self.before_data_entry, 1),
            "after_data_entry_minutes_per_day": round(self.after_data_entry, 1),
            "hourly_cost": self.before_cost if self.in_before else self.after_cost,
            "cost_per_month_saved": round(money) if money is not None else None,
            "cost_missing": self.cost_missing,
            "in_before": self.in_before, "in_after": self.in_after,
        }


def workload_delta(ab: Analysis, aa: Analysis) -> list[OwnerDelta]:
    """Every owner with load on either side; an owner missing from one side counts 0 minutes there."""
    lb = {o.owner: o for o in ab.workload.owners}
    la = {o.owner: o for o in aa.workload.owners}
    ob, oa = ab.flow.owner_map(), aa.flow.owner_map()
    out = []
    for name in dict.fromkeys([*lb, *la]):
        b, a = lb.get(name), la.get(name)
        if (b is None or b.minutes_per_day == 0) and (a is None or a.minutes_per_day == 0) and not (b and a):
            continue  # never worked on either side (e.g. a customer-lane name)
        out.append(OwnerDelta(
            owner=name, lane=a.lane if a else b.lane if b else "",
            before_minutes=b.minutes_per_day if b else 0.0, after_minutes=a.minutes_per_day if a else 0.0,
            before_capacity=b.capacity_minutes_per_day if b else 0.0, after_capacity=a.capacity_minutes_per_day if a else 0.0,
            before_data_entry=b.data_entry_minutes if b else 0.0, after_data_entry=a.data_entry_minutes if a else 0.0,
            before_cost=ob[name].cost if name in ob else None, after_cost=oa[name].cost if name in oa else None,
            in_before=b is not None, in_after=a is not None,
        ))
    return out

"""Capacity without simulation: the orders per day at which each owner's
expected load fills their working time.

Expected load (:mod:`flowmap.workload`) grows in proportion to the
orders per day, so an owner with ``m`` minutes of work per order and ``C``
working minutes per calendar day saturates at ``C / m`` orders per day.  The
owner with the smallest figure is the first to saturate: beyond it their
queue grows without bound, whatever the simulation's horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._lang import t
from .graph import FlowGraph
from .model import Flow

if TYPE_CHECKING:
    from .workload import Workload

__all__ = ["Capacity", "capacity_from_load", "capacity_line", "first_to_saturate", "owner_capacity"]


@dataclass(frozen=True)
class Capacity:
    """One owner's analytic capacity."""

    owner: str
    max_orders_per_day: float | None  # None: no work of this owner grows with the orders
    utilization: float  # expected, at the volume asked for

    def to_dict(self) -> dict[str, str | float | None]:
        mx = self.max_orders_per_day
        return {"owner": self.owner, "max_orders_per_day": None if mx is None else round(mx, 1),
                "utilization": round(self.utilization, 3)}


def owner_capacity(flow: Flow, graph: FlowGraph, orders_per_day: float | None = None) -> list[Capacity]:
    """Each person's or team's capacity, the first to saturate first (owners without load last).

    ``orders_per_day`` is the volume the utilization is given at (default: the flow's own).
    """
    from .workload import expected_load

    return capacity_from_load(flow, expected_load(flow, graph), orders_per_day)


def capacity_from_load(flow: Flow, load: Workload, orders_per_day: float | None = None) -> list[Capacity]:
    """:func:`owner_capacity` from an expected load already computed at the flow's own volume."""
    base = sum(flow.entry_volumes().values())
    volume = base if orders_per_day is None else orders_per_day
    out: list[Capacity] = []
    for o in load.owners:
        per_order = o.minutes_per_day / base if base > 0 else 0.0
        cap = o.capacity_minutes_per_day
        mx = cap / per_order if per_order > 0 and cap > 0 else None
        util = per_order * volume / cap if cap > 0 else 0.0
        out.append(Capacity(o.owner, mx, util))
    return sorted(out, key=lambda c: (c.max_orders_per_day is None, c.max_orders_per_day or 0.0))


def first_to_saturate(caps: list[Capacity]) -> Capacity | None:
    return caps[0] if caps and caps[0].max_orders_per_day is not None else None


def capacity_line(caps: list[Capacity], lang: str) -> str:
    """'受注チーム saturates at 172 orders/day' for the first owner to saturate, or ''."""
    c = first_to_saturate(caps)
    if c is None or c.max_orders_per_day is None:
        return ""
    n = f"{c.max_orders_per_day:,.0f}"
    return t(lang, f"capacity: {c.owner} saturates at {n} orders/day (first to reach 100 % of working time)",
             f"処理能力: {c.owner} が 1日 {n} 件で稼働率 100 % に達します（最初に飽和する担当者）")

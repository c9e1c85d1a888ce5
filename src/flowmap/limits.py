"""Limits on the work a flow or a command may ask for, checked before any long work starts.

A file from the wrong place must not make flowmap run for hours or fill the
memory: ``orders_per_day: 1e30``, ``replications: 10**9``, ``--days 100000``,
a batch every 0.0001 minutes, ``--workers 200`` on a two-core machine, or a
loop that a case would go round millions of times (at one instant when its steps take no time).  Each limit is a named constant; the checks
return :class:`~flowmap.errors.Problem` lists (located, English and Japanese)
so that :func:`flowmap.model.check_flow` (settings and steps of a flow) and the
callers of the simulation (command-line overrides) report them the same way.

Usage::

    from flowmap import limits
    problems = limits.run_problems(days=days, orders_per_day=opd, replications=reps, workers=w,
                                   where={"days": "--days", "workers": "--workers"})
    if problems:
        raise UsageError(problems)
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:
    from .model import Flow

__all__ = [
    "MAX_ARRIVALS",
    "MAX_DAYS",
    "MAX_ORDERS_PER_DAY",
    "MAX_REPLICATIONS",
    "MAX_TOTAL_ARRIVALS",
    "MAX_VISITS_PER_CASE",
    "MIN_BATCH_INTERVAL_MINUTES",
    "flow_problems",
    "max_workers",
    "run_problems",
    "visit_problems",
]

MAX_DAYS = 3660
"""Longest simulated horizon: ten years of calendar days."""
MAX_ORDERS_PER_DAY = 1_000_000.0
"""Most arrivals per day at one entry step."""
MAX_ARRIVALS = 5_000_000.0
"""Most arrivals one replication may simulate (orders per day × days, all entries)."""
MAX_REPLICATIONS = 1000
"""Most independent replications of one run."""
MAX_TOTAL_ARRIVALS = 50_000_000.0
"""Most arrivals one run may simulate over all its replications (about half an hour of one core)."""
MIN_BATCH_INTERVAL_MINUTES = 1.0
"""Shortest interval between two runs of a batch step."""
FIRST_YEAR, LAST_YEAR = 1970, 2200
"""Years a simulation may start in (calendars and timestamps stay in range)."""
MAX_VISITS_PER_CASE = 1000
"""Most times a case may pass one step on average (loops that are almost never left)."""
MAX_NAME_CHARS = 1000
"""Longest flow, lane, owner, tool or step name or step id (a label, not a document)."""


def max_workers() -> int:
    """Most worker processes: the cores of this machine."""
    return max(1, os.cpu_count() or 1)


def _finite(x: float) -> bool:
    return not (math.isnan(x) or math.isinf(x))


def run_problems(*, days: float | None = None, orders_per_day: float | None = None,
                 replications: int | None = None, workers: int | None = None, start: dt.date | None = None,
                 where: Mapping[str, str] | None = None) -> list[Problem]:
    """Problems with the size of a run; ``where`` names the place of each value (an option or a cell)."""
    at = dict(where or {})
    out: list[Problem] = []

    def add(key: str, en: str, ja: str) -> None:
        out.append(Problem(at.get(key, key), en, ja))

    if days is not None and not (_finite(days) and 0 < days <= MAX_DAYS):
        add("days", f"days {days:g} must be above 0 and at most {MAX_DAYS} (ten years)",
            f"日数 {days:g} は 0 より大きく {MAX_DAYS} 以下（10 年）にしてください")
    if orders_per_day is not None and not (_finite(orders_per_day) and 0 <= orders_per_day <= MAX_ORDERS_PER_DAY):
        add("orders_per_day", f"orders per day {orders_per_day:g} must be between 0 and {MAX_ORDERS_PER_DAY:,.0f}",
            f"1日の受注件数 {orders_per_day:g} は 0 以上 {MAX_ORDERS_PER_DAY:,.0f} 以下にしてください")
    elif (days is not None and orders_per_day is not None and _finite(days) and 0 < days <= MAX_DAYS
          and orders_per_day * days > MAX_ARRIVALS):
        add("orders_per_day", f"{orders_per_day:g} orders a day for {days:g} days are {orders_per_day * days:,.0f} "
                              f"arrivals, more than the {MAX_ARRIVALS:,.0f} one run may simulate; simulate fewer days",
            f"1日 {orders_per_day:g} 件 × {days:g} 日で {orders_per_day * days:,.0f} 件となり、"
            f"1 回のシミュレーションの上限 {MAX_ARRIVALS:,.0f} 件を超えます。日数を減らしてください")
    if replications is not None and not 1 <= replications <= MAX_REPLICATIONS:
        add("replications", f"replications {replications} must be between 1 and {MAX_REPLICATIONS}",
            f"反復回数 {replications} は 1 以上 {MAX_REPLICATIONS} 以下にしてください")
    elif replications is not None and not out and days is not None and orders_per_day is not None \
            and orders_per_day * days * replications > MAX_TOTAL_ARRIVALS:
        total = orders_per_day * days * replications
        add("replications", f"{replications} replications of {orders_per_day * days:,.0f} arrivals are {total:,.0f} "
                            f"arrivals, more than the {MAX_TOTAL_ARRIVALS:,.0f} one run may simulate; use fewer "
                            "replications or days",
            f"反復 {replications} 回 × {orders_per_day * days:,.0f} 件で {total:,.0f} 件となり、1 回の実行の上限 "
            f"{MAX_TOTAL_ARRIVALS:,.0f} 件を超えます。反復回数か日数を減らしてください")
    if start is not None and not FIRST_YEAR <= start.year <= LAST_YEAR:
        add("start", f"start date {start.isoformat()} must be in the years {FIRST_YEAR}-{LAST_YEAR}",
            f"開始日 {start.isoformat()} は {FIRST_YEAR}〜{LAST_YEAR} 年の日付にしてください")
    if workers is not None and not 1 <= workers <= max_workers():
        add("workers", f"workers {workers} must be between 1 and the {max_workers()} cores of this machine",
            f"ワーカー数 {workers} は 1 以上、このマシンのコア数 {max_workers()} 以下にしてください")
    return out


def flow_problems(flow: Flow) -> list[Problem]:
    """Limits of a flow's own settings and steps (see :func:`flowmap.model.check_flow`)."""
    st = flow.settings
    where = {k: flow.loc("setting", k) for k in ("days", "orders_per_day", "replications", "start")}
    out = run_problems(days=st.days, orders_per_day=st.orders_per_day, replications=st.replications, start=st.start,
                       where=where)
    for d in st.closed:
        if not FIRST_YEAR <= d.year <= LAST_YEAR:
            out.append(Problem(flow.loc("setting", "closed"), f"closed date {d.isoformat()} must be in the years "
                               f"{FIRST_YEAR}-{LAST_YEAR}", f"休業日 {d.isoformat()} は {FIRST_YEAR}〜{LAST_YEAR} 年にしてください"))
    for s in flow.steps:
        v = s.volume
        if v is not None and v > MAX_ORDERS_PER_DAY:
            out.append(Problem(flow.loc("step", s.id, "volume"),
                               f"volume {v:g} a day is above the limit of {MAX_ORDERS_PER_DAY:,.0f}",
                               f"件数 {v:g}/日 が上限 {MAX_ORDERS_PER_DAY:,.0f} を超えています"))
        b = s.batch
        if b is not None and b.kind == "interval" and b.interval_minutes < MIN_BATCH_INTERVAL_MINUTES:
            out.append(Problem(flow.loc("step", s.id, "batch"),
                               f"batch step {s.id} runs every {b.interval_minutes:g} minutes; the shortest interval is "
                               f"{MIN_BATCH_INTERVAL_MINUTES:g} minute (use auto mode for continuous work)",
                               f"バッチ工程 {s.id} の間隔 {b.interval_minutes:g} 分は短すぎます（最短 "
                               f"{MIN_BATCH_INTERVAL_MINUTES:g} 分。連続処理なら自動にしてください）"))
    return out


def visit_problems(flow: Flow, visits: Mapping[str, float]) -> list[Problem]:
    """Loops a case would go round so often that no run ends: a step visited more than
    :data:`MAX_VISITS_PER_CASE` times per case on average (``visits`` as :class:`~flowmap.graph.FlowGraph`
    computes them). A loop whose steps all take no time is named as such: a case would circle at one instant."""
    steps = flow.step_map()
    worst = max(visits.items(), key=lambda kv: kv[1], default=("", 0.0))
    if worst[1] <= MAX_VISITS_PER_CASE:
        return []
    sid, n = worst
    looping = [k for k, v in visits.items() if v > MAX_VISITS_PER_CASE]
    zero = all(steps[k].duration.mean == 0 and steps[k].mode != "batch" for k in looping if k in steps)
    shown = ", ".join(looping[:8]) + (" …" if len(looping) > 8 else "")
    why_en = " and its steps take no time" if zero else ""
    why_ja = "しかも所要時間がすべて 0 で、" if zero else ""
    return [Problem(flow.loc("step", sid, "next"),
                    f"a case goes round the loop through {shown} {n:,.0f} times on average{why_en}; "
                    f"at most {MAX_VISITS_PER_CASE:,} passes can be simulated: give the loop a likelier way out",
                    f"{shown} を通るループを 1 件あたり平均 {n:,.0f} 回まわります。{why_ja}"
                    f"シミュレーションできるのは {MAX_VISITS_PER_CASE:,} 回までです。ループを抜ける確率を上げてください")]

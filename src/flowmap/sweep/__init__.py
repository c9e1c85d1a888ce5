"""What-if sweeps: simulate a flow over a grid of volumes, staffing, hours,
durations, batches and scenarios, on local processes or a Dask cluster.

Every grid point runs the same replications with the same seeds (common
random numbers), so the differences between points are the parameters',
not noise, and the results do not depend on where the runs executed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import limits
from ..capacity import Capacity, capacity_from_load, first_to_saturate, owner_capacity
from ..errors import BadValue, InputError, ParameterError
from ..graph import FlowGraph, build_graph
from ..model import Flow, check_flow
from ..simulation.engine import RunPlan
from ..simulation.results import LeadTime, ReplicationResult, SegmentStats, SimSettings, aggregate
from ..simulation.run import check_number, resolve_milestones, start_date
from .grid import Axis, Label, Point, apply_point, expand, grid_size, parse_vary, scenario_axis
from .runner import Unit, default_workers, execute, plan_dict

__all__ = ["MAX_RUNS", "Knee", "OwnerUse", "SweepResult", "SweepRun", "parse_vary", "run_sweep", "scenario_axis"]

MAX_RUNS = 100_000
SATURATED_UTILIZATION = 0.95  # simulated busy share of working time that counts as saturated
PILE_UP_DROP = 0.05  # completed share this far below its reference run: cases pile up
Progress = Callable[[int, int, int, int], None]  # runs done, runs, points done, points


@dataclass
class OwnerUse:
    owner: str
    utilization: float  # simulated: busy over scheduled time
    expected: float  # analytic: expected load over working time

    def to_dict(self) -> dict[str, object]:
        return {"owner": self.owner, "utilization": round(self.utilization, 3), "expected_utilization": round(self.expected, 3)}


@dataclass
class SweepRun:
    """One grid point's figures, means over its replications."""

    values: dict[str, Label]
    orders_per_day: float
    lead_time: LeadTime
    arrived: float
    completed: float
    in_progress: float
    mean_in_system: float
    owners: list[OwnerUse]
    segments: list[SegmentStats]
    replications: int
    saturated: list[str] = field(default_factory=list)
    piling_up: bool = False

    @property
    def completed_share(self) -> float:
        return self.completed / self.arrived if self.arrived else 1.0

    @property
    def marked(self) -> bool:
        return bool(self.saturated) or self.piling_up

    def to_dict(self) -> dict[str, object]:
        lt = self.lead_time
        r = round
        return {
            "values": dict(self.values),
            "orders_per_day": r(self.orders_per_day, 3),
            "lead_time_minutes": {"mean": r(lt.mean, 3), "p50": r(lt.p50, 3), "p90": r(lt.p90, 3),
                                  "ci95": [r(x, 3) for x in lt.ci95] if lt.ci95 else None},
            "cases": {"arrived": r(self.arrived, 3), "completed": r(self.completed, 3), "in_progress": r(self.in_progress, 3)},
            "completed_share": r(self.completed_share, 4),
            "owners": [o.to_dict() for o in self.owners],
            "segments": [s.to_dict() for s in self.segments],
            "saturated": list(self.saturated),
            "piling_up": self.piling_up,
            "replications": self.replications,
        }


@dataclass
class Knee:
    """Along orders per day, for one combination of the other axes: where the analysis and the simulation say it breaks."""

    series: dict[str, Label]
    owner: str | None  # the first to saturate analytically
    analytic_orders_per_day: float | None
    simulated_orders_per_day: float | None  # the lowest volume whose run is marked
    last_clear_orders_per_day: float | None  # the highest volume below it that is not

    @property
    def agrees(self) -> bool:
        """Whether the analytic capacity falls where the simulation turns: above the last clear volume and not
        below the first marked one (a run is marked from 95 % utilization, hence that margin)."""
        a, s, c = self.analytic_orders_per_day, self.simulated_orders_per_day, self.last_clear_orders_per_day
        if s is None:
            return a is None or c is None or a > c
        return a is not None and (c is None or c <= a) and s >= a * SATURATED_UTILIZATION

    def to_dict(self) -> dict[str, object]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 1)

        return {"series": dict(self.series), "owner": self.owner, "analytic_orders_per_day": r(self.analytic_orders_per_day),
                "simulated_orders_per_day": r(self.simulated_orders_per_day),
                "last_clear_orders_per_day": r(self.last_clear_orders_per_day), "agrees": self.agrees}


@dataclass
class SweepResult:
    parameters: list[str]
    runs: list[SweepRun]
    capacity: list[Capacity]
    knees: list[Knee]
    settings: SimSettings
    lost: list[tuple[dict[str, Label], int]]  # (point values, replication) that could not be run

    def to_dict(self) -> dict[str, object]:
        return {
            "parameters": list(self.parameters),
            "settings": {"days": self.settings.days, "replications": self.settings.replications,
                         "seed": self.settings.seed, "start": self.settings.start.isoformat()},
            "runs": [r.to_dict() for r in self.runs],
            "capacity": [{"owner": c.owner, "max_orders_per_day": None if c.max_orders_per_day is None
                          else round(c.max_orders_per_day, 1)} for c in self.capacity],
            "knees": [k.to_dict() for k in self.knees],
            "lost": [{"values": v, "replication": rep} for v, rep in self.lost],
        }


@dataclass
class _PointData:
    point: Point
    flow: Flow
    opd: float
    days: float
    expected: dict[str, float]
    reps: dict[int, ReplicationResult] = field(default_factory=dict)


def _prepare(flow: Flow, axes: list[Axis], days: float, seed: int, start: dt.date, replications: int,
             between: tuple[str, str] | None) -> tuple[list[_PointData], list[Unit], dict[int, FlowGraph]]:
    graphs: dict[int, FlowGraph] = {}
    scen = next((k for k, a in enumerate(axes) if a.kind == "scenario"), None)
    points: list[_PointData] = []
    units: list[Unit] = []
    base_opd = sum(flow.entry_volumes().values())
    for p in expand(axes):
        f, opd, d = apply_point(flow, axes, p)
        problems = check_flow(f)
        where = ", ".join(f"{k}={v}" for k, v in p.labels(axes).items())
        if problems:
            raise ParameterError.of(BadValue("axes", x.en, x.ja, f"({where}): {x.location}") for x in problems)
        volume = opd if opd is not None else base_opd
        # each run within the limits simulate keeps: a varied value is the grid's, the others their own
        varied = {"orders_per_day": opd is not None, "days": d is not None}
        too_big = limits.run_problems(days=d if d is not None else days, orders_per_day=volume, replications=replications)
        if too_big:
            raise ParameterError.of(BadValue("axes", x.en, x.ja, f"({where})") if varied.get(x.location)
                                    else BadValue(x.location, x.en, x.ja) for x in too_big)
        key = p.choice[scen] if scen is not None else 0
        graph = graphs.get(key)
        if graph is None:
            graph = graphs[key] = build_graph(f)
        expected = {c.owner: c.utilization for c in owner_capacity(f, graph, volume)}
        data = _PointData(p, f, volume, d if d is not None else days, expected)
        points.append(data)
        plan = RunPlan(days=d if d is not None else days, orders_per_day=opd, seed=seed, start=start,
                       milestones=resolve_milestones(f, between))
        model = f.model_dump(mode="json")
        pd = plan_dict(plan)
        units.extend(Unit(p.index, rep, model, pd) for rep in range(1, replications + 1))
    return points, units, graphs


def _summarize(data: _PointData, axes: list[Axis], settings: SimSettings) -> SweepRun:
    reps = [data.reps[k] for k in sorted(data.reps)]
    agg = aggregate(reps, settings, [], [])
    owners = [OwnerUse(o.owner, o.utilization, data.expected.get(o.owner, 0.0)) for o in agg.owners
              if o.owner in data.expected]
    mean_in_system = sum(r.mean_in_system for r in reps) / len(reps)
    run = SweepRun(values=data.point.labels(axes), orders_per_day=data.opd, lead_time=agg.lead_time, arrived=agg.arrived,
                   completed=agg.completed, in_progress=agg.in_progress, mean_in_system=mean_in_system, owners=owners,
                   segments=agg.segments, replications=len(reps))
    run.saturated = [o.owner for o in owners if o.expected > 1.0 or o.utilization >= SATURATED_UTILIZATION]
    return run


def _mark_pile_ups(runs: list[SweepRun], points: list[_PointData], axes: list[Axis]) -> None:
    """A run piles up when its completed share falls clearly below its reference: the lowest volume of the same
    staffing option (the other axes and the horizon equal) when orders per day vary, else the grid's best run."""
    k_opd = next((k for k, a in enumerate(axes) if a.kind == "orders_per_day"), None)

    def series(p: _PointData) -> tuple[object, ...]:
        if k_opd is None:
            return (p.days,)
        return (p.days, *p.point.choice[:k_opd], *p.point.choice[k_opd + 1:])

    ref: dict[tuple[object, ...], tuple[float, float]] = {}  # series -> (volume, completed share) of its reference
    for r, p in zip(runs, points, strict=True):
        key = series(p)
        cur = ref.get(key)
        if k_opd is None:
            if cur is None or r.completed_share > cur[1]:
                ref[key] = (p.opd, r.completed_share)
        elif cur is None or p.opd < cur[0]:
            ref[key] = (p.opd, r.completed_share)
    for r, p in zip(runs, points, strict=True):
        r.piling_up = r.completed_share < ref[series(p)][1] - PILE_UP_DROP


def _knees(axes: list[Axis], runs: list[SweepRun], points: list[_PointData], graphs: dict[int, FlowGraph]) -> list[Knee]:
    k_opd = next((k for k, a in enumerate(axes) if a.kind == "orders_per_day"), None)
    if k_opd is None:
        return []
    series: dict[tuple[int, ...], list[int]] = {}
    for i, pdata in enumerate(points):
        key = pdata.point.choice[:k_opd] + pdata.point.choice[k_opd + 1:]
        series.setdefault(key, []).append(i)
    scen = next((k for k, a in enumerate(axes) if a.kind == "scenario"), None)
    out = []
    for idx in series.values():
        idx.sort(key=lambda i: points[i].opd)
        first = points[idx[0]]
        graph = graphs[first.point.choice[scen] if scen is not None else 0]
        from ..workload import expected_load

        c = first_to_saturate(capacity_from_load(first.flow, expected_load(first.flow, graph)))
        marked = [i for i in idx if runs[i].marked]
        sim = points[marked[0]].opd if marked else None
        clear = [points[i].opd for i in idx if not runs[i].marked and (sim is None or points[i].opd < sim)]
        labels = {a: v for a, v in runs[idx[0]].values.items() if a != axes[k_opd].name}
        out.append(Knee(labels, c.owner if c else None, c.max_orders_per_day if c else None, sim,
                        clear[-1] if clear else None))
    return out


def run_sweep(flow: Flow, axes: list[Axis], *, days: float | None = None, seed: int | None = None,
              replications: int | None = None, start: dt.date | None = None, workers: int | None = None,
              scheduler: str | None = None, between: tuple[str, str] | None = None, yes: bool = False,
              progress: Progress | None = None) -> SweepResult:
    """Run the grid of ``axes`` over ``flow``; see the module docstring."""
    st = flow.settings
    days = st.days if days is None else days
    seed = st.seed if seed is None else seed
    replications = st.replications if replications is None else replications
    workers = default_workers() if workers is None else workers
    check_number("days", days, 0, positive=True)
    check_number("replications", replications, 1, integer=True)
    check_number("seed", seed, 0, integer=True)
    check_number("workers", workers, 1, integer=True)
    if not axes:
        raise ParameterError("axes", "nothing to sweep: give at least one axis ({vary} NAME=VALUES or {scenario} FILE)",
                             "スイープする軸がありません（{vary} 名前=値 か {scenario} ファイル を指定してください）",
                             mentions={"vary": "parse_vary", "scenario": "scenario_axis"})
    names = [a.name for a in axes]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ParameterError("axes", f"{', '.join(dup)} is varied twice", f"{', '.join(dup)} が二度指定されています")
    problems = check_flow(flow)
    if problems:
        raise InputError(problems)
    n_points = grid_size(axes)
    total = n_points * replications
    if total > MAX_RUNS and not yes:
        raise ParameterError("axes", f"the grid has {n_points:,} points × {replications} replications = {total:,} runs, "
                             f"over {MAX_RUNS:,}: add {{yes}} to run it anyway",
                             f"グリッドは {n_points:,} 点 × 反復 {replications} 回 = {total:,} 回で、{MAX_RUNS:,} 回を超えます。"
                             "実行するには {yes} を付けてください", mentions={"yes": "yes=True"})
    first_day = start_date(flow, start)
    points, units, graphs = _prepare(flow, axes, days, seed, first_day, replications, between)
    done_runs = [0, 0]

    def done(u: Unit, res: ReplicationResult) -> None:
        data = points[u.point]
        data.reps[u.rep] = res
        done_runs[0] += 1
        if len(data.reps) == replications:
            done_runs[1] += 1
        if progress:
            progress(done_runs[0], total, done_runs[1], n_points)

    lost_units = execute(units, workers=workers, scheduler=scheduler, done=done)
    base_graph = graphs.get(0) or build_graph(flow)
    opd0 = sum(flow.entry_volumes().values())
    settings = SimSettings(days=days, orders_per_day=opd0, seed=seed, replications=replications, start=first_day)
    runs = [_summarize(p, axes, settings) for p in points if p.reps]
    complete = [p for p in points if p.reps]
    lost = [(points[u.point].point.labels(axes), u.rep) for u in sorted(lost_units, key=lambda u: (u.point, u.rep))]
    _mark_pile_ups(runs, complete, axes)
    knees = _knees(axes, runs, complete, graphs) if len(complete) == len(points) else []
    return SweepResult(parameters=names, runs=runs, capacity=owner_capacity(flow, base_graph), knees=knees,
                       settings=settings, lost=lost)

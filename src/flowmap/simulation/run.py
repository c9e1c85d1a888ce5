"""Simulate a flow: check the arguments, run the replications (in parallel
when asked), aggregate.  Replication ``r`` of a run always draws the same
random numbers, serially or in parallel, so the result is the same."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import limits
from ..capacity import owner_capacity
from ..errors import BadValue, InputError, ParameterError
from ..graph import FlowGraph, build_graph
from ..model import Flow, Milestone, check_flow
from .calendar import next_monday
from .engine import EventSink, RunPlan, run_replication
from .results import OverloadWarning, ReplicationResult, SimSettings, SimulationResult, aggregate

if TYPE_CHECKING:
    from concurrent.futures import Future

__all__ = ["check_number", "resolve_milestones", "simulate", "start_date"]


def check_number(name: str, value: float, minimum: float, integer: bool = False, positive: bool = False) -> None:
    """Raise a ParameterError naming the parameter (the CLI maps it to its option) for a value out of range."""
    bad = math.isnan(value) or math.isinf(value) or value < minimum or (positive and value <= 0) or (integer and int(value) != value)
    if bad:
        kind_en = "a whole number" if integer else "a number"
        kind_ja = "整数" if integer else "数"
        limit_en, limit_ja = ("above 0", "0 より大きい") if positive else (f"of at least {minimum:g}", f"{minimum:g} 以上の")
        raise ParameterError(name, f"{name} must be {kind_en} {limit_en}, not {value:g}",
                             f"{name} は {limit_ja}{kind_ja}にしてください（{value:g}）")


def start_date(flow: Flow, start: dt.date | None = None) -> dt.date:
    """The first simulated day: ``start``, else the flow's, else next Monday."""
    return start or flow.settings.start or next_monday()


def resolve_milestones(flow: Flow, between: tuple[str, str] | None) -> tuple[Milestone, ...]:
    """The flow's milestone segments, plus ``between`` (FROM, TO) when given."""
    ms = list(flow.settings.milestones)
    if between is not None:
        ids = {s.id for s in flow.steps}
        bad = [x for x in between if x not in ids]
        if bad:
            raise ParameterError.of(BadValue("between", f"step {x!r} does not exist", f"工程「{x}」が存在しません") for x in bad)
        ms.append(Milestone(name=f"{between[0]}→{between[1]}", start=between[0], end=between[1]))
    return tuple(ms)


def simulate(flow: Flow, *, days: float | None = None, orders_per_day: float | None = None, seed: int | None = None,
             replications: int | None = None, workers: int = 1, events: bool = False,
             start: dt.date | None = None, progress: Callable[[int, int], None] | None = None,
             graph: FlowGraph | None = None, between: tuple[str, str] | None = None,
             event_sink: EventSink | None = None) -> SimulationResult:
    """Simulate ``flow``; arguments left out come from the flow's settings.

    ``events`` keeps the first replication's event log in the result;
    ``event_sink`` receives it as it happens instead (nothing kept).
    ``between`` adds a milestone segment (FROM, TO) to the flow's own.
    """
    st = flow.settings
    days = st.days if days is None else days
    seed = st.seed if seed is None else seed
    replications = st.replications if replications is None else replications
    check_number("days", days, 0, positive=True)
    check_number("replications", replications, 1, integer=True)
    check_number("workers", workers, 1, integer=True)
    check_number("seed", seed, 0, integer=True)
    if orders_per_day is not None:
        check_number("orders_per_day", orders_per_day, 0)
    problems = check_flow(flow)  # a Flow built in Python has not met a reader's checks
    if problems:
        raise InputError(problems)
    opd_all = orders_per_day if orders_per_day is not None else sum(flow.entry_volumes().values())
    too_big = limits.run_problems(days=days, orders_per_day=opd_all, replications=replications, workers=workers, start=start)
    if too_big:  # work without bounds: located by parameter (the CLI names its options)
        raise ParameterError.of(BadValue(p.location, p.en, p.ja) for p in too_big)
    graph = graph or build_graph(flow)  # endless loops are input errors
    plan = RunPlan(days=days, orders_per_day=orders_per_day, seed=seed, start=start_date(flow, start),
                   milestones=resolve_milestones(flow, between))
    opd = orders_per_day if orders_per_day is not None else sum(flow.entry_volumes().values())
    settings = SimSettings(days=days, orders_per_day=opd, seed=seed, replications=replications, start=plan.start)
    reps = _run_all(flow, plan, replications, workers, events, event_sink, progress)
    caps = owner_capacity(flow, graph, opd)
    warnings = [OverloadWarning(c.owner, c.utilization) for c in caps if c.utilization > 1.0]
    return aggregate(reps, settings, warnings, caps)


def _run_all(flow: Flow, plan: RunPlan, replications: int, workers: int, events: bool, sink: EventSink | None,
             progress: Callable[[int, int], None] | None) -> list[ReplicationResult]:
    reps: list[ReplicationResult] = []

    def done(r: ReplicationResult) -> None:
        reps.append(r)
        if progress:
            progress(len(reps), replications)

    if workers > 1 and replications > 1:
        # multiprocessing is loaded only for a parallel run (start-up of every serial one)
        from concurrent.futures import ProcessPoolExecutor

        model = flow.model_dump(mode="json")  # plain data crosses the process boundary
        first_local = events or sink is not None  # the event log is written by this process
        with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
            futs: list[Future[ReplicationResult]] = [
                pool.submit(_replication_from_model, model, plan, r + 1) for r in range(int(first_local), replications)]
            if first_local:
                done(run_replication(flow, plan, 1, keep_events=events, sink=sink))
            for fut in futs:
                done(fut.result())
    else:
        for r in range(replications):
            first = r == 0
            done(run_replication(flow, plan, r + 1, keep_events=events and first, sink=sink if first else None))
    return reps


def _replication_from_model(model: dict[str, object], plan: RunPlan, rep: int) -> ReplicationResult:
    return run_replication(Flow.model_validate(model), plan, rep)

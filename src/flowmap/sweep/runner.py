"""Where a sweep's runs execute: this process, local processes, or a Dask cluster.

The unit of work is one (grid point, replication), sent as plain data: the
flow's model dict, the run plan as a dict and the replication number.  A
run's random numbers depend only on the seed, the replication and the step
ids (common random numbers), so every executor returns the same results.
Lost runs (a worker process that died) are retried once, then reported.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from ..errors import ParameterError
from ..model import Flow, Milestone
from ..simulation.engine import RunPlan, run_replication
from ..simulation.results import ReplicationResult

__all__ = ["DASK_HINT", "Unit", "default_workers", "execute", "plan_dict", "run_unit"]

DASK_HINT_EN = "Dask is not installed: pip install 'flowmap[dask]'"
DASK_HINT_JA = "Dask がインストールされていません: pip install 'flowmap[dask]'"
DASK_HINT = DASK_HINT_EN
CONNECT_TIMEOUT = 10  # seconds to reach a scheduler


@dataclass(frozen=True)
class Unit:
    """One run: grid point ``point``, replication ``rep``; plain data only."""

    point: int
    rep: int
    model: dict[str, object]
    plan: dict[str, object]


Done = Callable[[Unit, ReplicationResult], None]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def plan_dict(plan: RunPlan) -> dict[str, object]:
    return {"days": plan.days, "orders_per_day": plan.orders_per_day, "seed": plan.seed, "start": plan.start.isoformat(),
            "milestones": [m.model_dump() for m in plan.milestones]}


def _plan(d: dict[str, object]) -> RunPlan:
    ms = d["milestones"]
    assert isinstance(ms, list)
    opd = d["orders_per_day"]
    days, seed, start = d["days"], d["seed"], d["start"]
    assert isinstance(days, int | float) and isinstance(seed, int) and isinstance(start, str)
    assert opd is None or isinstance(opd, int | float)
    return RunPlan(days=float(days), orders_per_day=None if opd is None else float(opd),
                   seed=seed, start=dt.date.fromisoformat(start),
                   milestones=tuple(Milestone.model_validate(m) for m in ms))


def run_unit(model: dict[str, object], plan: dict[str, object], rep: int) -> ReplicationResult:
    """Run one replication of one grid point (in whatever process or worker receives it)."""
    return run_replication(Flow.model_validate(model), _plan(plan), rep)


def execute(units: list[Unit], *, workers: int, scheduler: str | None, done: Done) -> list[Unit]:
    """Run every unit, calling ``done`` as each finishes; returns the units lost twice."""
    if scheduler is not None:
        return _dask(units, scheduler, workers, done)
    if workers <= 1:
        for u in units:
            done(u, run_unit(u.model, u.plan, u.rep))
        return []
    return _local(units, workers, done)


def _local(units: list[Unit], workers: int, done: Done) -> list[Unit]:
    pending = list(units)
    tries = {(u.point, u.rep): 0 for u in units}
    lost: list[Unit] = []
    while pending:
        retry: list[Unit] = []
        with ProcessPoolExecutor(max_workers=min(workers, len(pending))) as pool:
            futs: dict[Future[ReplicationResult], Unit] = {pool.submit(run_unit, u.model, u.plan, u.rep): u for u in pending}
            waiting: Iterable[Future[ReplicationResult]] = set(futs)
            while waiting:
                finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for fut in sorted(finished, key=lambda f: (futs[f].point, futs[f].rep)):
                    u = futs[fut]
                    try:
                        res = fut.result()
                    except BrokenProcessPool:
                        tries[(u.point, u.rep)] += 1
                        (retry if tries[(u.point, u.rep)] <= 1 else lost).append(u)
                        continue
                    done(u, res)
        pending = retry
    return lost


def _dask(units: list[Unit], scheduler: str, workers: int, done: Done) -> list[Unit]:
    try:
        from distributed import Client, LocalCluster, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise ParameterError("scheduler", DASK_HINT_EN, DASK_HINT_JA) from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        if cluster is not None:
            cluster.close()
        raise ParameterError("scheduler", f"cannot reach the Dask scheduler {scheduler} within {CONNECT_TIMEOUT} s "
                             f"({type(e).__name__})",
                             f"Dask スケジューラ {scheduler} に {CONNECT_TIMEOUT} 秒以内に接続できません（{type(e).__name__}）") from None
    lost: list[Unit] = []
    try:
        futs = {client.submit(run_unit, u.model, u.plan, u.rep, pure=False, retries=1): u for u in units}
        for fut in as_completed(list(futs)):
            u = futs[fut]
            try:
                res = fut.result()
            except (KilledWorker, OSError):  # lost with its worker after Dask's own retry: reported
                lost.append(u)
                continue
            done(u, res)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return lost

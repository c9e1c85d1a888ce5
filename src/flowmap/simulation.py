"""Discrete-event simulation of a flow with SimPy.

Cases arrive as a Poisson process at the entry step(s) (``orders_per_day``
or the entry steps' volumes, optionally shaped by an hourly profile) and
walk the graph, choosing branches by probability.  Time is in minutes from
midnight of the first simulated day.

* Each person or team is a SimPy resource with ``headcount`` servers.  Work
  waits in a FIFO queue; work that reaches an owner outside working hours,
  on a day off, a public holiday or a closed date waits for the next working
  period.  Work in progress at closing time finishes (overtime): it is not
  interrupted and resumed.
* Customer-lane steps take time but never queue.  ``auto`` steps run on
  systems without queueing unless the system has a headcount (capacity).
* ``batch`` steps hold cases until their schedule fires (daily times on the
  owner's working days, every N cases, every N minutes) and then process the
  whole batch: the run takes the sum of the cases' durations and every case
  leaves when it ends.
* A handoff (the people doing two consecutive operator steps differ) waits
  for the channel: the delay of the first communication tool with a delay on
  the sending step, else on the receiving step.  A step with several owners
  is queued at its first owner.

All randomness comes from one ``random.Random`` per replication, seeded from
the run's seed and the replication number, so the same seed gives the same
result, serially or in parallel.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
import statistics
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import simpy

from .errors import InputError, UsageError
from .graph import FlowGraph, build_graph
from .model import END, Flow, Owner, Schedule, check_flow, people_of

__all__ = ["LeadTime", "ReplicationResult", "SimulationResult", "simulate"]

MAX_STEPS_PER_CASE = 10_000
_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def next_monday(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


# ------------------------------------------------------------------ results

@dataclass
class LeadTime:
    mean: float
    p50: float
    p90: float
    p95: float
    max: float
    ci95: list[float] | None = None


@dataclass
class StepStats:
    step: str
    name: str
    count: float
    wait_mean_minutes: float
    service_mean_minutes: float


@dataclass
class OwnerStats:
    owner: str
    utilization: float
    busy_minutes: float
    scheduled_minutes: float


@dataclass
class HandoffStats:
    from_owner: str
    to_owner: str
    count: float
    wait_mean_minutes: float


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
    events: list[tuple[int, str, str, str, float, float]] = field(default_factory=list, repr=False)
    lead_times: list[float] = field(default_factory=list, repr=False)


@dataclass
class SimulationResult:
    settings: dict[str, Any]
    arrived: float
    completed: float
    in_progress: float
    lead_time: LeadTime
    steps: list[StepStats]
    owners: list[OwnerStats]
    handoffs: list[HandoffStats]
    replications: list[ReplicationResult]
    warnings: list[dict[str, Any]]
    start: dt.date

    def to_dict(self) -> dict[str, Any]:
        def r(x: float) -> float:
            return round(x, 3)

        lt = self.lead_time
        return {
            "settings": self.settings,
            "cases": {"arrived": r(self.arrived), "completed": r(self.completed), "in_progress": r(self.in_progress)},
            "lead_time_minutes": {"mean": r(lt.mean), "p50": r(lt.p50), "p90": r(lt.p90), "p95": r(lt.p95), "max": r(lt.max),
                                  "ci95": [r(x) for x in lt.ci95] if lt.ci95 else None},
            "steps": [{k: (r(v) if isinstance(v, float) else v) for k, v in asdict(s).items()} for s in self.steps],
            "owners": [{k: (r(v) if isinstance(v, float) else v) for k, v in asdict(o).items()} for o in self.owners],
            "handoffs": [{k: (r(v) if isinstance(v, float) else v) for k, v in asdict(h).items()} for h in self.handoffs],
            "warnings": self.warnings,
            "replications": [
                {"replication": x.replication, "arrived": x.arrived, "completed": x.completed, "in_progress": x.in_progress,
                 "lead_time_mean_minutes": r(x.lead_time.mean), "mean_in_system": r(x.mean_in_system)}
                for x in self.replications
            ],
        }

    def event_rows(self) -> list[list[str]]:
        """The first replication's event log as CSV rows (ISO timestamps)."""
        base = dt.datetime.combine(self.start, dt.time(0))
        rows = [["case_id", "activity", "resource", "lane", "start", "end"]]
        for cid, act, res, lane, s, e in self.replications[0].events if self.replications else []:
            rows.append([str(cid), act, res, lane, (base + dt.timedelta(minutes=s)).isoformat(timespec="seconds"),
                         (base + dt.timedelta(minutes=e)).isoformat(timespec="seconds")])
        return rows


# ----------------------------------------------------------------- calendar

class _Calendar:
    """Working windows of one owner, day by day."""

    def __init__(self, owner: Owner, start: dt.date, ndays: int, closed: set[dt.date], honour_closed: bool) -> None:
        hours = owner.work_hours
        self.begin, self.end = hours.start, hours.end
        days = set(owner.work_days)
        self.open_days = [
            ((start + dt.timedelta(days=d)).weekday() in days)
            and not (honour_closed and (start + dt.timedelta(days=d)) in closed)
            for d in range(ndays)
        ]
        self.always = hours.always and all(self.open_days)

    def next_open(self, t: float) -> float:
        d = int(t // 1440)
        od = self.open_days
        n = len(od)
        if d < n and od[d] and t - d * 1440 < self.end:
            return max(t, d * 1440.0 + self.begin)
        d += 1
        while d < n and not od[d]:
            d += 1
        return d * 1440.0 + self.begin if d < n else math.inf

    def scheduled_minutes(self, days: int) -> float:
        return sum(self.end - self.begin for d in range(days) if self.open_days[d])


# ------------------------------------------------------------------ engine

class _Step:
    """One step compiled for the hot loop."""

    __slots__ = ("batch", "cal", "cum", "delay", "idx", "kind", "lane", "name", "owner_key", "people", "res",
                 "res_name", "sample", "sid", "targets")
    batch: Any
    cal: _Calendar | None
    cum: list[float]
    delay: Callable[[], float] | None
    idx: int
    kind: int  # 0: no queue, 1: queued at a resource, 2: batch
    lane: str
    name: str
    owner_key: str
    people: bool
    res: Any
    res_name: str
    sample: Callable[[], float]
    sid: str
    targets: list[int]


def _closed_dates(flow: Flow, start: dt.date, ndays: int) -> set[dt.date]:
    closed = set(flow.settings.closed)
    code = flow.settings.holidays
    if code and code.lower() != "none":
        import holidays as hol

        years = range(start.year, (start + dt.timedelta(days=ndays)).year + 1)
        closed |= set(hol.country_holidays(code, years=years).keys())
    return closed


def _run_replication(flow: Flow, days: float, orders_per_day: float | None, seed: int, rep: int,
                     start: dt.date, events: bool) -> ReplicationResult:
    rng = random.Random(f"flowmap:{seed}:{rep}")
    env = simpy.Environment()
    horizon = days * 1440.0
    ndays = math.ceil(days) + 400
    closed = _closed_dates(flow, start, ndays)
    owners = flow.owner_map()
    tools = flow.tool_map()
    customer = flow.customer_lanes()
    index = {s.id: i for i, s in enumerate(flow.steps)}
    out = flow.out_edges()

    cals: dict[str, _Calendar] = {}
    resources: dict[str, simpy.Resource] = {}
    busy: dict[str, float] = {}
    for o in flow.owners:
        if o.lane in customer and not o.is_system:
            continue
        cal = _Calendar(o, start, ndays, closed, honour_closed=not o.is_system)
        cals[o.name] = cal
        if o.capacity > 0:
            resources[o.name] = simpy.Resource(env, capacity=o.capacity)
            busy[o.name] = 0.0

    compiled: list[_Step] = []
    for s in flow.steps:
        c = _Step()
        c.idx = index[s.id]
        c.sid, c.name, c.lane = s.id, s.name, s.lane
        c.sample = s.duration.sampler(rng)
        first = s.owners[0] if s.owners else None
        is_customer = s.lane in customer
        c.people = bool(people_of(s, owners, customer))
        c.owner_key = "・".join(s.owners)
        c.res = resources.get(first) if (first and not is_customer) else None
        c.res_name = first or (s.lane if is_customer else "")
        owner_cal = cals.get(first) if first else None
        c.cal = None if (owner_cal is None or owner_cal.always or is_customer) else owner_cal
        c.kind = 2 if s.mode == "batch" else (1 if c.res is not None else 0)
        es = out.get(s.id, [])
        c.targets = [index[e.target] if e.target != END else -1 for e in es]
        acc, cum = 0.0, []
        for e in es:
            acc += e.probability
            cum.append(acc)
        if cum:
            cum[-1] = 1.0 + 1e-12
        c.cum = cum
        delay = None
        for t in s.tools:
            tool = tools.get(t)
            if tool is not None and tool.category == "communication" and tool.delay is not None:
                delay = tool.delay.sampler(rng)
                break
        c.delay = delay
        c.batch = None
        compiled.append(c)

    n = len(compiled)
    count = [0] * n
    wait_sum = [0.0] * n
    service_sum = [0.0] * n
    handoff_stats: dict[tuple[str, str], list[float]] = {}
    lead: list[float] = []
    log: list[tuple[int, str, str, str, float, float]] = []
    state: dict[str, float] = {"in_system": 0, "area": 0.0, "last": 0.0, "arrived": 0}

    def track(delta: int) -> None:
        now = env.now
        state["area"] += state["in_system"] * (now - state["last"])
        state["last"] = now
        state["in_system"] += delta

    # ---- batches
    class _Batch:
        def __init__(self, step: _Step, sched: Any, cal: _Calendar | None) -> None:
            self.step, self.sched, self.cal = step, sched, cal
            self.waiting: list[simpy.Event] = []
            self.full = env.event()

    def next_fire(b: _Batch, now: float) -> float:
        sched: Schedule = b.sched
        if sched.kind == "interval":
            k = math.floor(now / sched.interval_minutes) + 1
            return float(k * sched.interval_minutes)
        d = int(now // 1440)
        open_days = b.cal.open_days if b.cal is not None else None
        while d < ndays:
            if open_days is None or open_days[d]:
                for tm in sched.times:
                    at = d * 1440.0 + tm
                    if at > now:
                        return at
            d += 1
        return math.inf

    def run_batch(b: _Batch) -> Generator[simpy.Event, Any, None]:
        step = b.step
        while True:
            if b.sched.kind == "count":
                yield b.full
                b.full = env.event()
            else:
                at = next_fire(b, env.now)
                if at == math.inf:
                    return
                yield env.timeout(at - env.now)
            if not b.waiting:
                continue
            group, b.waiting = b.waiting, []
            req = None
            if step.res is not None:
                req = step.res.request()
                yield req
            if step.cal is not None:
                o = step.cal.next_open(env.now)
                if o > env.now:
                    yield env.timeout(o - env.now)
            begin = env.now
            total = sum(step.sample() for _ in group)
            if step.res is not None and begin < horizon:
                busy[step.res_name] += min(begin + total, horizon) - begin
            yield env.timeout(total)
            if req is not None:
                step.res.release(req)
            for ev in group:
                ev.succeed((begin, env.now))

    for c in compiled:
        s = flow.steps[c.idx]
        if c.kind == 2 and s.batch is not None:
            first = s.owners[0] if s.owners else None
            c.batch = _Batch(c, s.batch, cals.get(first) if first else None)
            env.process(run_batch(c.batch))

    # ---- cases
    def case(cid: int, entry: int) -> Generator[simpy.Event, Any, None]:
        t0 = env.now
        track(1)
        i = entry
        prev: _Step | None = None
        prev_end = t0
        steps_done = 0
        while i >= 0:
            st = compiled[i]
            handoff = prev is not None and st.people and prev.people and st.owner_key != prev.owner_key
            if handoff:
                assert prev is not None
                sampler = prev.delay or st.delay
                if sampler is not None:
                    yield env.timeout(sampler())
            arrive = env.now
            if st.kind == 0:
                if st.cal is not None:
                    o = st.cal.next_open(arrive)
                    if o > arrive:
                        yield env.timeout(o - arrive)
                begin = env.now
                yield env.timeout(st.sample())
                end = env.now
            elif st.kind == 1:
                req = st.res.request()
                yield req
                if st.cal is not None:
                    o = st.cal.next_open(env.now)
                    if o > env.now:
                        yield env.timeout(o - env.now)
                begin = env.now
                d = st.sample()
                if begin < horizon:
                    busy[st.res_name] += min(begin + d, horizon) - begin
                yield env.timeout(d)
                st.res.release(req)
                end = env.now
            else:
                done = env.event()
                b = st.batch
                b.waiting.append(done)
                if b.sched.kind == "count" and len(b.waiting) >= b.sched.count and not b.full.triggered:
                    b.full.succeed()
                begin, end = yield done
            count[i] += 1
            wait_sum[i] += begin - arrive
            service_sum[i] += end - begin
            if handoff:
                assert prev is not None
                key = (prev.owner_key, st.owner_key)
                h = handoff_stats.get(key)
                if h is None:
                    handoff_stats[key] = [1, begin - prev_end]
                else:
                    h[0] += 1
                    h[1] += begin - prev_end
            if events:
                log.append((cid, st.name, st.res_name, st.lane, begin, end))
            prev, prev_end = st, end
            steps_done += 1
            if steps_done >= MAX_STEPS_PER_CASE:
                return
            cum = st.cum
            if not cum:
                break
            r = rng.random()
            i = st.targets[bisect.bisect_right(cum, r)] if len(cum) > 1 else st.targets[0]
        lead.append(env.now - t0)
        track(-1)

    volumes = flow.entry_volumes()
    if orders_per_day is not None:
        total = sum(volumes.values()) or 1.0
        volumes = {k: v / total * orders_per_day for k, v in volumes.items()}
    profile = flow.settings.hourly_profile
    peak = max(profile) if profile else 1.0

    def arrivals(entry: int, per_day: float) -> Generator[simpy.Event, Any, None]:
        rate = per_day / 1440.0 * (peak / (sum(profile) / 24) if profile else 1.0)
        if rate <= 0:
            return
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= horizon:
                return
            if profile and rng.random() * peak >= profile[int(env.now // 60) % 24]:
                continue
            state["arrived"] += 1
            cid = int(state["arrived"])
            env.process(case(cid, entry))

    for sid, vol in volumes.items():
        env.process(arrivals(index[sid], vol))
    env.run(until=horizon)
    track(0)

    completed = len(lead)
    arrived = int(state["arrived"])
    lt = _lead_stats(lead)
    step_stats = [StepStats(c.sid, c.name, count[c.idx], wait_sum[c.idx] / count[c.idx] if count[c.idx] else 0.0,
                            service_sum[c.idx] / count[c.idx] if count[c.idx] else 0.0) for c in compiled]
    owner_stats = []
    for name, b in busy.items():
        o = owners[name]
        sched = cals[name].scheduled_minutes(math.ceil(days)) * o.capacity
        if days != int(days):
            sched = sched * days / math.ceil(days)
        owner_stats.append(OwnerStats(name, b / sched if sched else 0.0, b, sched))
    hand = [HandoffStats(a, b, v[0], v[1] / v[0]) for (a, b), v in handoff_stats.items()]
    return ReplicationResult(rep, arrived, completed, arrived - completed, lt, state["area"] / horizon,
                             completed / horizon, step_stats, owner_stats, hand, log, lead)


def _quantile(sorted_xs: list[float], q: float) -> float:
    if not sorted_xs:
        return 0.0
    pos = q * (len(sorted_xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(sorted_xs) - 1)
    return sorted_xs[lo] + (sorted_xs[hi] - sorted_xs[lo]) * (pos - lo)


def _lead_stats(xs: list[float]) -> LeadTime:
    if not xs:
        return LeadTime(0.0, 0.0, 0.0, 0.0, 0.0)
    s = sorted(xs)
    return LeadTime(sum(s) / len(s), _quantile(s, 0.5), _quantile(s, 0.9), _quantile(s, 0.95), s[-1])


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def _aggregate(flow: Flow, reps: list[ReplicationResult], settings: dict[str, Any], start: dt.date,
               warnings: list[dict[str, Any]]) -> SimulationResult:
    means = [r.lead_time.mean for r in reps]
    m = _mean(means)
    ci: list[float] | None = None
    if len(reps) > 1:
        half = (_T975[len(reps) - 2] if len(reps) - 1 <= len(_T975) else 1.96) * statistics.stdev(means) / math.sqrt(len(reps))
        ci = [m - half, m + half]
    lt = LeadTime(m, _mean([r.lead_time.p50 for r in reps]), _mean([r.lead_time.p90 for r in reps]),
                  _mean([r.lead_time.p95 for r in reps]), _mean([r.lead_time.max for r in reps]), ci)
    steps = []
    for i, s0 in enumerate(reps[0].steps):
        per = [r.steps[i] for r in reps]
        n_total = sum(p.count for p in per)
        steps.append(StepStats(
            s0.step, s0.name, n_total / len(reps),
            sum(p.wait_mean_minutes * p.count for p in per) / n_total if n_total else 0.0,
            sum(p.service_mean_minutes * p.count for p in per) / n_total if n_total else 0.0))
    owners = []
    for i, o0 in enumerate(reps[0].owners):
        per_o = [r.owners[i] for r in reps]
        owners.append(OwnerStats(o0.owner, _mean([p.utilization for p in per_o]), _mean([p.busy_minutes for p in per_o]),
                                 o0.scheduled_minutes))
    keys: dict[tuple[str, str], list[float]] = {}
    for r in reps:
        for h in r.handoffs:
            k = keys.setdefault((h.from_owner, h.to_owner), [0.0, 0.0])
            k[0] += h.count
            k[1] += h.wait_mean_minutes * h.count
    handoffs = [HandoffStats(a, b, v[0] / len(reps), v[1] / v[0] if v[0] else 0.0) for (a, b), v in keys.items()]
    return SimulationResult(settings, _mean([r.arrived for r in reps]), _mean([r.completed for r in reps]),
                            _mean([r.in_progress for r in reps]), lt, steps, owners, handoffs, reps, warnings, start)


def _overload_warnings(flow: Flow, orders_per_day: float | None, graph: FlowGraph) -> list[dict[str, Any]]:
    from .analyze.load import expected_load

    f = flow
    if orders_per_day is not None:
        total = sum(flow.entry_volumes().values()) or 1.0
        scale = orders_per_day / total
        f = flow.model_copy(deep=True)
        for s in f.steps:
            if s.volume is not None:
                s.volume *= scale
        f.settings.orders_per_day = orders_per_day
    load = expected_load(f, graph if f is flow else build_graph(f))
    return [{"owner": o.owner, "utilization": round(o.utilization, 3)} for o in load.owners if o.utilization > 1.0]


def _check(name: str, value: float, minimum: float, integer: bool = False, positive: bool = False) -> None:
    bad = math.isnan(value) or math.isinf(value) or value < minimum or (positive and value <= 0) or (integer and int(value) != value)
    if bad:
        kind_en = "a whole number" if integer else "a number"
        kind_ja = "整数" if integer else "数"
        limit_en, limit_ja = ("above 0", "0 より大きい") if positive else (f"of at least {minimum:g}", f"{minimum:g} 以上の")
        raise UsageError.one(f"{name} must be {kind_en} {limit_en}, not {value:g}",
                             f"{name} は{limit_ja}{kind_ja}にしてください（{value:g}）", f"--{name.replace('_', '-')}")


def simulate(flow: Flow, *, days: float | None = None, orders_per_day: float | None = None, seed: int | None = None,
             replications: int | None = None, workers: int = 1, events: bool = False,
             start: dt.date | None = None, progress: Callable[[int, int], None] | None = None) -> SimulationResult:
    """Simulate ``flow``; arguments left out come from the flow's settings."""
    st = flow.settings
    days = st.days if days is None else days
    seed = st.seed if seed is None else seed
    replications = st.replications if replications is None else replications
    _check("days", days, 0, positive=True)
    _check("replications", replications, 1, integer=True)
    _check("workers", workers, 1, integer=True)
    _check("seed", seed, 0, integer=True)
    if orders_per_day is not None:
        _check("orders_per_day", orders_per_day, 0)
    problems = check_flow(flow)  # a Flow built in Python has not met a reader's checks
    if problems:
        raise InputError(problems)
    graph = build_graph(flow)  # endless loops are input errors
    start = start or st.start or next_monday()
    opd = orders_per_day if orders_per_day is not None else sum(flow.entry_volumes().values())
    settings = {"days": days, "orders_per_day": opd, "seed": seed, "replications": replications,
                "start": start.isoformat()}
    reps: list[ReplicationResult] = []
    if workers > 1 and replications > 1:
        with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
            futs = [pool.submit(_run_replication, flow, days, orders_per_day, seed, r + 1, start, events and r == 0)
                    for r in range(replications)]
            for i, fut in enumerate(futs):
                reps.append(fut.result())
                if progress:
                    progress(i + 1, replications)
    else:
        for r in range(replications):
            reps.append(_run_replication(flow, days, orders_per_day, seed, r + 1, start, events and r == 0))
            if progress:
                progress(r + 1, replications)
    return _aggregate(flow, reps, settings, start, _overload_warnings(flow, orders_per_day, graph))

"""One replication of a flow in SimPy.

Cases arrive as a Poisson process at the entry step(s) (``orders_per_day``
or the entry steps' volumes, optionally shaped by hourly and weekday profiles) and
walk the graph, choosing branches by probability.  Time is in minutes from
midnight of the first simulated day.

* Each person or team is a pool of ``headcount`` servers (:class:`Servers`).  Work
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
  the sending step, else on the receiving step; and then for the wait tools
  (category ``wait``) of the receiving step, each adding its delay.  A step
  with several owners is queued at its first owner.

Random draws come from :class:`~.streams.Streams` (common random numbers).
Statistics are streamed (:class:`~.statistics.Histogram`), and the event log
goes to a sink as it happens, so memory does not grow with the number of
cases.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass

import simpy

from ..model import END, Flow, Milestone, Step, people_of
from .calendar import ArrivalProfile, Calendar, closed_dates, next_fire
from .parts import (
    BatchQueue,
    CaseState,
    CompiledStep,
    Servers,
    arrive_at_join,
    handoff_samplers,
    handoff_wait,
    mark_starts,
)
from .results import (
    EventRecord,
    HandoffStats,
    LeadTime,
    OwnerStats,
    ReplicationResult,
    SegmentStats,
    StepStats,
)
from .statistics import Histogram
from .streams import Streams

__all__ = ["MAX_STEPS_PER_CASE", "EventSink", "Replication", "RunPlan", "Servers", "run_replication"]

MAX_STEPS_PER_CASE = 10_000
EventSink = Callable[[EventRecord], None]
_Proc = Generator[simpy.Event, object, None]
_FIXED = random.Random(0)  # handed to fixed durations, which never draw


@dataclass(frozen=True)
class RunPlan:
    """What one replication needs besides the flow."""

    days: float
    orders_per_day: float | None  # None: the flow's entry volumes
    seed: int
    start: dt.date
    milestones: tuple[Milestone, ...] = ()


class Replication:
    """One replication: build (owners, steps, batches), run, summarize.

    The parts are separate methods so each can be exercised alone: the
    compiled steps (:attr:`steps`), the case process (:meth:`case`), the
    arrival process (:meth:`arrivals`), the batch runner (:meth:`run_batch`)
    and the statistics (:meth:`result`).
    """

    def __init__(self, flow: Flow, plan: RunPlan, rep: int, sink: EventSink | None = None) -> None:
        self.flow, self.plan, self.rep, self.sink = flow, plan, rep, sink
        self.env = simpy.Environment()
        self.streams = Streams(plan.seed, rep)
        self.horizon = plan.days * 1440.0
        self.ndays = math.ceil(plan.days) + 400
        self.calendars: dict[str, Calendar] = {}
        self.resources: dict[str, Servers] = {}
        self.busy: dict[str, float] = {}
        self._build_owners()
        self.index = {s.id: i for i, s in enumerate(flow.steps)}
        self._customer = flow.customer_lanes()
        self._owner_map = flow.owner_map()
        self._tool_map = flow.tool_map()
        self._out = flow.out_edges()
        self.steps = [self._compile(i, s) for i, s in enumerate(flow.steps)]
        self._attach_milestones()
        n = len(self.steps)
        self.count = [0] * n
        self.wait_sum = [0.0] * n
        self.service_sum = [0.0] * n
        self.handoffs: dict[tuple[str, str], list[float]] = {}
        self.lead = Histogram()
        self.segment_hist = [Histogram() for _ in plan.milestones]
        self.in_system = 0
        self.area = 0.0
        self.last = 0.0
        self.arrived = 0

    # ------------------------------------------------------------ building
    def _build_owners(self) -> None:
        flow = self.flow
        customer = flow.customer_lanes()
        closed = closed_dates(flow, self.plan.start, self.ndays)
        for o in flow.owners:
            if o.lane in customer and not o.is_system:
                continue
            self.calendars[o.name] = Calendar(o, self.plan.start, self.ndays, closed, honour_closed=not o.is_system)
            if o.capacity > 0:
                self.resources[o.name] = Servers(self.env, o.capacity)
                self.busy[o.name] = 0.0

    def _compile(self, idx: int, s: Step) -> CompiledStep:
        streams, customer = self.streams, self._customer
        c = CompiledStep(idx, s)
        c.sample = s.duration.sampler(_FIXED if s.duration.kind == "fixed" else streams.get("duration", s.id))
        first = s.owners[0] if s.owners else None
        is_customer = s.lane in customer
        c.people = bool(people_of(s, self._owner_map, customer))
        c.res = self.resources.get(first) if (first and not is_customer) else None
        c.res_name = first or (s.lane if is_customer else "")
        owner_cal = self.calendars.get(first) if first else None
        c.cal = None if (owner_cal is None or owner_cal.always or is_customer) else owner_cal
        c.kind = 2 if s.mode == "batch" else (1 if c.res is not None else 0)
        es = self._out.get(s.id, [])
        c.targets = [self.index[e.target] if e.target != END else -1 for e in es]
        acc = 0.0
        for e in es:
            acc += e.probability
            c.cum.append(acc)
        if c.cum:
            c.cum[-1] = 1.0 + 1e-12
        if len(c.cum) > 1:
            c.route = streams.get("route", s.id).random
        c.delay, c.wait = handoff_samplers(s, self._tool_map, streams)
        if c.kind == 2 and s.batch is not None:
            cal = self.calendars.get(first) if first else None
            c.batch = BatchQueue(c, s.batch, cal.open_days if cal is not None else None, self.env)
        return c

    def _attach_milestones(self) -> None:
        starts: dict[int, list[int]] = {}
        ends: dict[int, list[int]] = {}
        for k, m in enumerate(self.plan.milestones):
            starts.setdefault(self.index[m.start], []).append(k)
            ends.setdefault(self.index[m.end], []).append(k)
        for i, ks in starts.items():
            self.steps[i].starts = tuple(ks)
        for i, ks in ends.items():
            self.steps[i].ends = tuple(ks)

    # ------------------------------------------------------------ processes
    def _track(self, delta: int) -> None:
        now = self.env.now
        self.area += self.in_system * (now - self.last)
        self.last = now
        self.in_system += delta

    def run_batch(self, b: BatchQueue) -> _Proc:
        """Fire ``b`` on its schedule; each run takes the sum of its cases' durations."""
        env, step = self.env, b.step
        while True:
            if b.schedule.kind == "count":
                yield b.full
                b.full = env.event()
            else:
                at = next_fire(b.schedule, env.now, b.open_days, self.ndays)
                if at == math.inf:
                    return
                yield env.timeout(at - env.now)
            if not b.waiting:
                continue
            group, b.waiting = b.waiting, []
            if step.res is not None:
                turn = step.res.acquire()
                if turn is not None:
                    yield turn
            if step.cal is not None:
                o = step.cal.next_open(env.now)
                if o > env.now:
                    yield env.timeout(o - env.now)
            begin = env.now
            total = sum(step.sample() for _ in group)
            if step.res is not None and begin < self.horizon:
                self.busy[step.res_name] += min(begin + total, self.horizon) - begin
            yield env.timeout(total)
            if step.res is not None:
                step.res.release()
            for ev in group:
                ev.succeed((begin, env.now))

    def case(self, cid: int, entry: int) -> _Proc:
        """The process of one case walking the flow from step ``entry`` (its first token, without a
        delegating generator in between: every resume of a case costs one frame, not two)."""
        cs = CaseState(cid, self.env.now, {} if self.segment_hist else None)
        self._track(1)
        return self._walk(cs, entry, None, cs.t0, ())

    def _walk(self, cs: CaseState, i: int, prev: CompiledStep | None, prev_end: float,
              frames: tuple[list[int], ...]) -> _Proc:
        """One token of case ``cs`` from step ``i``. A fork starts a token per branch (the first one
        goes on in this generator); a join lets the last arriving token of its fork go on.
        ``frames`` holds, per open fork, [branches, arrived]. The hot loop: what every step does is inline,
        what only some steps do (forks, joins, milestones, handoffs) is a call."""
        env, steps, horizon, busy, sink = self.env, self.steps, self.horizon, self.busy, self.sink
        count, wait_sum, service_sum = self.count, self.wait_sum, self.service_sum
        timeout, marks = env.timeout, cs.marks
        while i >= 0:
            st = steps[i]
            if st.join and frames:
                rest = arrive_at_join(frames)
                if rest is None:  # not the last branch: this token ends here
                    break
                frames = rest
            handoff = prev if prev is not None and st.people and prev.people and st.owner_key != prev.owner_key else None
            if handoff is not None and (handoff.delay or st.delay or st.wait) is not None:
                yield timeout(handoff_wait(handoff, st))
            arrive = env.now
            if marks is not None:
                mark_starts(marks, st, arrive)
            if st.kind != 2:  # 0: no queue, 1: queued at a resource
                res = st.res
                if res is not None:
                    turn = res.acquire()
                    if turn is not None:
                        yield turn
                if st.cal is not None:
                    o = st.cal.next_open(env.now)
                    if o > env.now:
                        yield timeout(o - env.now)
                begin = env.now
                d = st.sample()
                if res is not None and begin < horizon:
                    busy[st.res_name] += min(begin + d, horizon) - begin
                yield timeout(d)
                if res is not None:
                    res.release()
            else:
                begin = yield from self._join_batch(st)
            end = env.now
            count[i] += 1
            wait_sum[i] += begin - arrive
            service_sum[i] += end - begin
            if handoff is not None:
                self._handoff(handoff, st, begin - prev_end)
            if marks is not None:
                self._mark_ends(marks, st, end)
            if sink is not None:
                sink((cs.cid, st.name, st.res_name, st.lane, begin, end))
            prev, prev_end = st, end
            cs.steps += 1
            if cs.steps >= MAX_STEPS_PER_CASE or not st.targets:
                break
            if st.fork:
                frames = self._fork(cs, st, end, frames)
            i = st.targets[0] if st.fork or st.route is None else st.targets[bisect.bisect_right(st.cum, st.route())]
        self._token_ends(cs)

    def _token_ends(self, cs: CaseState) -> None:
        """A token of ``cs`` has ended; the last one ends the case (unless it was cut off)."""
        cs.active -= 1
        if cs.active == 0 and cs.steps < MAX_STEPS_PER_CASE:
            self.lead.add(self.env.now - cs.t0)
            self._track(-1)

    def _handoff(self, prev: CompiledStep, st: CompiledStep, gap: float) -> None:
        """Count a handoff between two owners and the time from the previous step's end to this one's start."""
        key = (prev.owner_key, st.owner_key)
        h = self.handoffs.get(key)
        if h is None:
            self.handoffs[key] = [1, gap]
        else:
            h[0] += 1
            h[1] += gap

    def _mark_ends(self, marks: dict[int, float], st: CompiledStep, end: float) -> None:
        """Milestone segments that end at ``st``: each case's first pass counts once."""
        for k in st.ends:
            t = marks.get(k)
            if t is not None and t >= 0:
                self.segment_hist[k].add(end - t)
                marks[k] = -1.0

    def _fork(self, cs: CaseState, st: CompiledStep, end: float, frames: tuple[list[int], ...]) -> tuple[list[int], ...]:
        """Start a token for every branch of fork ``st`` but the first (which goes on in the caller); the frames
        of the branches."""
        branch = frames + ([len(st.targets), 0],)
        cs.active += len(st.targets) - 1
        for t in st.targets[1:]:
            self.env.process(self._walk(cs, t, st, end, branch))
        return branch

    def _join_batch(self, st: CompiledStep) -> Generator[simpy.Event, object, float]:
        b = st.batch
        assert b is not None
        done = self.env.event()
        b.waiting.append(done)
        if b.schedule.kind == "count" and len(b.waiting) >= b.schedule.count and not b.full.triggered:
            b.full.succeed()
        value = yield done
        assert isinstance(value, tuple)
        return float(value[0])

    def volumes(self) -> dict[str, float]:
        """Cases a day per entry step (scaled to ``orders_per_day`` when the plan sets it)."""
        volumes = self.flow.entry_volumes()
        opd = self.plan.orders_per_day
        if opd is not None:
            total = sum(volumes.values()) or 1.0
            volumes = {k: v / total * opd for k, v in volumes.items()}
        return volumes

    def arrivals(self, entry: int, per_day: float) -> _Proc:
        """Poisson arrivals at step ``entry``, thinned by the hourly and weekday profiles; its own random stream."""
        env, horizon = self.env, self.horizon
        rng = self.streams.get("arrival", self.steps[entry].sid)
        st = self.flow.settings
        shape = ArrivalProfile(st.hourly_profile, st.weekday_profile, self.plan.start)
        thins, peak, weight = shape.thins, shape.peak, shape.weight
        rate = per_day / 1440.0 * shape.scale
        if rate <= 0:
            return
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= horizon:
                return
            if thins and rng.random() * peak >= weight(env.now):
                continue
            self.arrived += 1
            env.process(self.case(self.arrived, entry))

    # ------------------------------------------------------------ running
    def run(self) -> ReplicationResult:
        for c in self.steps:
            if c.batch is not None:
                self.env.process(self.run_batch(c.batch))
        for sid, vol in self.volumes().items():
            self.env.process(self.arrivals(self.index[sid], vol))
        self.env.run(until=self.horizon)
        self._track(0)
        return self.result()

    def result(self) -> ReplicationResult:
        days, horizon = self.plan.days, self.horizon
        owners = self.flow.owner_map()
        step_stats = [StepStats(c.sid, c.name, self.count[c.idx],
                                self.wait_sum[c.idx] / self.count[c.idx] if self.count[c.idx] else 0.0,
                                self.service_sum[c.idx] / self.count[c.idx] if self.count[c.idx] else 0.0)
                      for c in self.steps]
        owner_stats = []
        for name, b in self.busy.items():
            sched = self.calendars[name].scheduled_minutes(math.ceil(days)) * owners[name].capacity
            if days != int(days):
                sched = sched * days / math.ceil(days)
            owner_stats.append(OwnerStats(name, b / sched if sched else 0.0, b, sched))
        hand = [HandoffStats(a, b, v[0], v[1] / v[0]) for (a, b), v in self.handoffs.items()]
        segments = []
        for m, h in zip(self.plan.milestones, self.segment_hist, strict=True):
            segments.append(SegmentStats(m.name, m.start, m.end, h.count, h.mean, h.quantile(0.5), h.quantile(0.9)))
        completed = self.lead.count
        return ReplicationResult(self.rep, self.arrived, completed, self.arrived - completed, LeadTime.of(self.lead),
                                 self.area / horizon, completed / horizon, step_stats, owner_stats, hand, segments,
                                 self.lead)


def run_replication(flow: Flow, plan: RunPlan, rep: int, keep_events: bool = False,
                    sink: EventSink | None = None) -> ReplicationResult:
    """Run replication ``rep`` (1-based); ``keep_events`` keeps its event log in the result."""
    kept: list[EventRecord] = []
    r = Replication(flow, plan, rep, kept.append if keep_events else sink)
    out = r.run()
    out.events = kept
    return out


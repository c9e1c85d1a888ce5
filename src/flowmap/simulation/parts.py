"""The pieces one replication runs on: each step compiled for the hot loop, pools of people
serving first come first served, a case's tokens, a batch step's waiting cases; and the small
token moves only some steps make (joins, milestones)."""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import simpy

if TYPE_CHECKING:
    from .streams import Streams

from ..model import Schedule, Step, Tool
from .calendar import Calendar

__all__ = ["BatchQueue", "CaseState", "CompiledStep", "Servers", "arrive_at_join", "handoff_samplers", "handoff_wait", "mark_starts"]


class CompiledStep:
    """One step compiled for the hot loop."""

    __slots__ = ("batch", "cal", "cum", "delay", "ends", "fork", "idx", "join", "kind", "lane", "name", "owner_key",
                 "people", "res", "res_name", "route", "sample", "sid", "starts", "targets", "wait")

    def __init__(self, idx: int, step: Step) -> None:
        self.idx = idx
        self.sid, self.name, self.lane = step.id, step.name, step.lane
        self.owner_key = "・".join(step.owners)
        self.batch: BatchQueue | None = None
        self.cal: Calendar | None = None
        self.cum: list[float] = []
        self.targets: list[int] = []
        self.delay: Callable[[], float] | None = None  # the channel: its first communication tool with a delay
        self.wait: Callable[[], float] | None = None  # its wait tools (category wait), summed: the wait before it
        self.kind = 0  # 0: no queue, 1: queued at a resource, 2: batch
        self.people = False
        self.res: Servers | None = None
        self.res_name = ""
        self.route: Callable[[], float] | None = None
        self.sample: Callable[[], float] = _zero
        self.starts: tuple[int, ...] = ()  # segments that begin when a case reaches this step
        self.ends: tuple[int, ...] = ()  # segments that end when this step ends
        self.fork = step.fork  # starts every target together (one token per branch)
        self.join = step.join == "all"  # waits until every branch of its fork has arrived

    def next_index(self) -> int:
        """The index of the next step (-1: the case ends)."""
        if len(self.targets) == 1:
            return self.targets[0]
        assert self.route is not None
        return self.targets[bisect.bisect_right(self.cum, self.route())]


def _zero() -> float:
    return 0.0


class Servers:
    """``capacity`` people working first come, first served: a lean SimPy resource.

    Acquiring a free server takes no event at all (the case goes straight on);
    a busy pool hands out an event that the next release succeeds.  This is the
    semantics of ``simpy.Resource`` without its request objects and put/get
    queues, which were half of the engine's time.
    """

    __slots__ = ("env", "free", "queue")

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        self.env = env
        self.free = capacity
        self.queue: deque[simpy.Event] = deque()

    def acquire(self) -> simpy.Event | None:
        """None when a server is free (taken now), else the event of the turn in the queue."""
        if self.free:
            self.free -= 1
            return None
        ev = self.env.event()
        self.queue.append(ev)
        return ev

    def release(self) -> None:
        """Hand the server to the first in the queue, or free it."""
        if self.queue:
            self.queue.popleft().succeed()
        else:
            self.free += 1


class CaseState:
    """One case: its tokens (one per parallel branch running), arrival time and segment marks."""

    __slots__ = ("active", "cid", "marks", "steps", "t0")

    def __init__(self, cid: int, t0: float, marks: dict[int, float] | None) -> None:
        self.cid, self.t0, self.marks = cid, t0, marks
        self.active = 1  # tokens still walking; the case ends when the last one ends
        self.steps = 0


class BatchQueue:
    """Cases waiting for a batch step's next run."""

    __slots__ = ("full", "open_days", "schedule", "step", "waiting")

    def __init__(self, step: CompiledStep, schedule: Schedule, open_days: list[bool] | None, env: simpy.Environment) -> None:
        self.step, self.schedule, self.open_days = step, schedule, open_days
        self.waiting: list[simpy.Event] = []
        self.full = env.event()


def arrive_at_join(frames: tuple[list[int], ...]) -> tuple[list[int], ...] | None:
    """A token reaches the join of the innermost open fork: the frames without it when it is the last
    branch to arrive, None when others are still to come."""
    frame = frames[-1]
    frame[1] += 1
    if frame[1] < frame[0]:
        return None
    return frames[:-1]


def mark_starts(marks: dict[int, float], st: CompiledStep, arrive: float) -> None:
    """Milestone segments that start at ``st``: the first arrival counts."""
    for k in st.starts:
        if k not in marks:
            marks[k] = arrive


def handoff_samplers(step: Step, tools: dict[str, Tool], streams: Streams
                     ) -> tuple[Callable[[], float] | None, Callable[[], float] | None]:
    """The step's channel (its first communication tool with a delay; stream ``delay:STEP``) and its wait
    (the delays of its wait tools added up; stream ``wait:STEP:TOOL`` each)."""
    channel: Callable[[], float] | None = None
    waits: list[Callable[[], float]] = []
    for name in step.tools:
        tool = tools.get(name)
        if tool is None or tool.delay is None:
            continue
        if tool.category == "communication" and channel is None:
            channel = tool.delay.sampler(streams.get("delay", step.id))
        elif tool.category == "wait":
            waits.append(tool.delay.sampler(streams.get("wait", f"{step.id}:{name}")))
    if len(waits) > 1:
        parts = tuple(waits)
        return channel, lambda: sum(w() for w in parts)
    return channel, (waits[0] if waits else None)


def handoff_wait(prev: CompiledStep, st: CompiledStep) -> float:
    """How long a handoff from ``prev`` to ``st`` waits: the channel (the sending step's, else the receiving
    step's) and then the receiving step's wait tools."""
    channel = prev.delay or st.delay
    return (channel() if channel is not None else 0.0) + (st.wait() if st.wait is not None else 0.0)


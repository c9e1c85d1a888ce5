"""The flow model: the single source of truth every reader fills and every
analysis, simulation and renderer reads.

A :class:`Flow` holds lanes (customer or operator), owners (people, teams,
systems), tools, steps and the edges between steps.  :func:`check_flow`
validates a whole flow and returns every problem with its location.
"""

from __future__ import annotations

import datetime as dt
import difflib
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from . import _values
from ._values import days_text
from .errors import Problem

__all__ = [
    "END",
    "END_WORDS",
    "Duration",
    "Edge",
    "Flow",
    "Lane",
    "Milestone",
    "Owner",
    "Parallel",
    "Schedule",
    "Settings",
    "Step",
    "Tool",
    "WorkHours",
    "check_flow",
    "days_text",
    "parallel_structure",
    "people_of",
    "suggest",
]

END = "END"
"""The reserved target that ends a case (``終了`` in Japanese workbooks)."""

LaneKind = Literal["customer", "operator"]
OwnerKind = Literal["person", "team", "system"]
ToolCategory = Literal["communication", "record", "commerce", "logistics", "payment", "other", "wait"]  # wait: see graph
Mode = Literal["manual", "auto", "batch"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    def __eq__(self, other: object) -> bool:  # locations (private) do not count
        return isinstance(other, _Model) and type(self) is type(other) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]  # equal by value, so unhashable


class Duration(_Model):
    """Minutes per case: fixed, or drawn from a distribution."""

    kind: Literal["fixed", "uniform", "triangular", "exponential", "normal"] = "fixed"
    params: tuple[float, ...] = (0.0,)

    @property
    def mean(self) -> float:
        """Mean minutes (a normal distribution is cut at 0, so its mean is above ``mu``)."""
        return _values.mean(self.kind, self.params)

    def sampler(self, rng: random.Random) -> Callable[[], float]:
        """A zero-argument function drawing one duration (minutes)."""
        return _values.sampler(self.kind, self.params, rng)

    def text(self) -> str:
        p, n = self.params, _values.num
        if self.kind == "fixed":
            return n(p[0])
        if self.kind == "uniform":
            return f"{n(p[0])}-{n(p[1])}"
        if self.kind == "triangular":
            return f"tri({n(p[0])},{n(p[1])},{n(p[2])})"
        if self.kind == "exponential":
            return f"exp({n(p[0])})"
        return f"norm({n(p[0])},{n(p[1])})"


class Schedule(_Model):
    """When a batch step runs: at daily times, every N cases, or every N minutes."""

    kind: Literal["daily", "count", "interval"]
    times: list[int] = Field(default_factory=list)  # minutes after midnight (daily)
    count: int = 0
    interval_minutes: float = 0.0

    def text(self, lang: str = "en") -> str:
        if self.kind == "daily":
            clocks = ", ".join(_values.clock(t) for t in self.times)
            return f"毎日 {clocks}" if lang == "ja" else f"daily {clocks}"
        if self.kind == "count":
            return f"{self.count}件ごと" if lang == "ja" else f"every {self.count}"
        if self.interval_minutes == 60:
            return "1時間ごと" if lang == "ja" else "hourly"
        if self.interval_minutes % 60 == 0:
            h = int(self.interval_minutes // 60)
            return f"{h}時間ごと" if lang == "ja" else f"every {h}h"
        return f"{_values.num(self.interval_minutes)}分ごと" if lang == "ja" else f"every {_values.num(self.interval_minutes)}min"


class WorkHours(_Model):
    """Daily working window in minutes after midnight; 0-1440 is round the clock."""

    start: int = 9 * 60
    end: int = 18 * 60

    @property
    def always(self) -> bool:
        return self.start == 0 and self.end == 1440

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def text(self) -> str:
        if self.always:
            return "24h"
        return f"{self.start // 60}:{self.start % 60:02d}-{self.end // 60}:{self.end % 60:02d}"


class Milestone(_Model):
    """A named stretch of the flow whose lead time is reported on its own (Settings ``milestones``/``区間``):
    from the moment a case reaches step ``start`` to the end of step ``end`` (first passage of each)."""

    name: str
    start: str
    end: str

    def text(self) -> str:
        return f"{self.name}: {self.start}-{self.end}"


class Settings(_Model):
    orders_per_day: float = 100.0
    days: int = 20
    start: dt.date | None = None
    seed: int = 1
    replications: int = 5
    currency: str = "JPY"
    holidays: str = "none"
    closed: list[dt.date] = Field(default_factory=list)
    # analysis thresholds (documented in README)
    overload: float = 0.85
    underload: float = 0.5
    scatter_tools: int = 3
    automation_minutes: float = 30.0
    hourly_profile: list[float] = Field(default_factory=list)  # 24 relative arrival weights, hour 0 first
    weekday_profile: list[float] = Field(default_factory=list)  # 7 relative arrival weights, Monday first
    milestones: list[Milestone] = Field(default_factory=list)  # segments of the lead time to report


class Lane(_Model):
    name: str
    kind: LaneKind = "operator"


class Owner(_Model):
    name: str
    lane: str = ""
    kind: OwnerKind = "person"
    headcount: int | None = None  # None: 1 for people; unlimited for systems
    hours: WorkHours | None = None  # None: 9:00-18:00 for people, 24h for systems
    days: list[int] | None = None  # None: Mon-Fri for people, every day for systems
    cost: float = 0.0

    @property
    def is_system(self) -> bool:
        return self.kind == "system"

    @property
    def capacity(self) -> int:
        """Parallel servers: headcount for people; systems unlimited (0) unless set."""
        if self.headcount is not None:
            return self.headcount
        return 0 if self.is_system else 1

    @property
    def work_hours(self) -> WorkHours:
        if self.hours is not None:
            return self.hours
        return WorkHours(start=0, end=1440) if self.is_system else WorkHours()

    @property
    def work_days(self) -> list[int]:
        if self.days is not None:
            return self.days
        return list(range(7)) if self.is_system else [0, 1, 2, 3, 4]


class Tool(_Model):
    name: str
    category: ToolCategory = "other"
    delay: Duration | None = None  # handoff delay when the tool carries a handoff


class Step(_Model):
    id: str
    name: str
    lane: str
    owners: list[str] = Field(default_factory=list)
    tools: list[str] = Field(default_factory=list)
    mode: Mode = "manual"
    duration: Duration = Field(default_factory=Duration)
    batch: Schedule | None = None
    reads: list[str] = Field(default_factory=list)
    writes: list[str] = Field(default_factory=list)
    stage: str = ""
    touchpoint: str = ""
    emotion: int | None = None
    pain: str = ""
    volume: float | None = None
    note: str = ""
    extra: dict[str, str] = Field(default_factory=dict)
    fork: bool = False  # an AND split: every next step starts together (each edge has probability 1)
    join: Literal["any", "all"] = "any"  # all: wait until every branch of the fork has arrived


class Edge(_Model):
    source: str
    target: str
    probability: float = 1.0


class Flow(_Model):
    name: str = "flow"
    language: Literal["ja", "en"] = "en"
    settings: Settings = Field(default_factory=Settings)
    lanes: list[Lane] = Field(default_factory=list)
    owners: list[Owner] = Field(default_factory=list)
    tools: list[Tool] = Field(default_factory=list)
    steps: list[Step] = Field(default_factory=list)
    edges: list[Edge] = Field(default_factory=list)

    _source: str = PrivateAttr(default="")
    _locs: dict[tuple[str, str, str], str] = PrivateAttr(default_factory=dict)
    _notes: list[Problem] = PrivateAttr(default_factory=list)

    # -- locations ---------------------------------------------------------
    def set_source(self, source: str) -> None:
        self._source = source

    @property
    def source(self) -> str:
        return self._source

    def add_locs(self, locs: dict[tuple[str, str, str], str]) -> None:
        """Record many locations at once: (kind, key, field) → place."""
        self._locs.update(locs)

    def take_locs(self, locs: dict[tuple[str, str, str], str]) -> None:
        """:meth:`add_locs` without a copy: ``locs`` becomes the flow's (a reader hands over its dict)."""
        if self._locs:
            self._locs.update(locs)
        else:
            self._locs = locs

    def add_note(self, note: Problem) -> None:
        """Record something a reader assumed (e.g. an equal share for an unlabelled BPMN branch)."""
        self._notes.append(note)

    @property
    def notes(self) -> list[Problem]:
        """What the reader assumed or left out, each with its place; ``validate`` lists them."""
        return list(self._notes)

    def loc(self, kind: str, key: str, field: str = "") -> str:
        """Where a thing was read (``FILE:SHEET!CELL`` / ``FILE:LINE``)."""
        locs: dict[tuple[str, str, str], str] = (self.__pydantic_private__ or {}).get("_locs") or {}  # not slow self._locs
        return locs.get((kind, key, field)) or locs.get((kind, key, "")) or self._source

    # -- lookups -----------------------------------------------------------
    def step_map(self) -> dict[str, Step]:
        return {s.id: s for s in self.steps}

    def owner_map(self) -> dict[str, Owner]:
        return {o.name: o for o in self.owners}

    def tool_map(self) -> dict[str, Tool]:
        return {t.name: t for t in self.tools}

    def lane_map(self) -> dict[str, Lane]:
        return {lane.name: lane for lane in self.lanes}

    def customer_lanes(self) -> set[str]:
        return {lane.name for lane in self.lanes if lane.kind == "customer"}

    def out_edges(self) -> dict[str, list[Edge]]:
        out: dict[str, list[Edge]] = defaultdict(list)
        for e in self.edges:
            out[e.source].append(e)
        return out

    def entry_steps(self) -> list[str]:
        """Steps where cases start: those with a volume, else the first step."""
        entries = [s.id for s in self.steps if s.volume is not None and s.volume > 0]
        if entries:
            return entries
        return [self.steps[0].id] if self.steps else []

    def entry_volumes(self) -> dict[str, float]:
        """Cases a day starting at each entry step."""
        vols = {s.id: float(s.volume) for s in self.steps if s.volume is not None and s.volume > 0}
        if vols:
            return vols
        return {self.steps[0].id: self.settings.orders_per_day} if self.steps else {}


def people_of(step: Step, owners: dict[str, Owner], customer: set[str]) -> list[str]:
    """The owners of an operator step who are people or teams, not systems ([] in a customer lane).

    ``owners`` and ``customer`` are the flow's owner map and customer lanes, passed in so that
    callers on hot paths build them once.
    """
    if step.lane in customer:
        return []
    return [o for o in step.owners if o in owners and not owners[o].is_system]


def suggest(name: str, known: list[str] | set[str]) -> str:
    """' (did you mean X?)' for the nearest known name, or ''."""
    near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    return near[0] if near else ""


def _hint(name: str, known: list[str] | set[str]) -> tuple[str, str]:
    near = suggest(name, known)
    if near:
        return f" (did you mean {near!r}?)", f"（「{near}」の誤りではありませんか）"
    return "", ""


END_WORDS = ("END", "終了", "完了")
"""Names that end a case in a ``next`` cell; none of them can be a step id."""


def check_flow(flow: Flow) -> list[Problem]:
    """Every problem of a flow, each with its location.

    This is the one home of the rules about a flow as a whole and about how its fields fit
    together (the readers only parse values): unique ids and names, known lanes, owners,
    tools and next steps, probabilities, ranges, reachability, forks and joins, and the
    limits of :mod:`flowmap.limits` (horizon, arrivals, replications, batch intervals,
    zero-time loops). The rules live in :mod:`flowmap._check`.
    """
    from ._check import check_flow as run

    return run(flow)


class Parallel:
    """How the forks (AND splits) and joins (``join: all``) of a flow pair up.

    ``join_of[fork]`` is the step where the fork's branches meet (None: the branches end
    separately and the case ends when the last one ends); ``need[join]`` is how many branches
    the join waits for; ``problems`` lists forks and joins that cannot work.
    """

    def __init__(self) -> None:
        self.join_of: dict[str, str | None] = {}
        self.need: dict[str, int] = {}
        self.region: dict[str, set[str]] = {}
        self.problems: list[Problem] = []

    @property
    def forks(self) -> list[str]:
        return list(self.join_of)


def parallel_structure(flow: Flow) -> Parallel:
    """Pair every fork with its join and check that each join receives all its branches.

    A branch is followed along every path (choices, loops, nested fork/join pairs) until it
    reaches a step with ``join: all``. A fork is sound when every path of every branch reaches
    the same join; a fork whose branches never meet is allowed unless it sits in a loop (each
    turn would add tokens that never end). The walk lives in :mod:`flowmap._pairing`.
    """
    from ._pairing import parallel_structure as run

    return run(flow)

"""The flow model: the single source of truth every reader fills and every
analysis, simulation and renderer reads.

A :class:`Flow` holds lanes (customer or operator), owners (people, teams,
systems), tools, steps and the edges between steps.  :func:`check_flow`
validates a whole flow and returns every problem with its location.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

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

    __hash__ = None  # type: ignore[assignment]


def _num(x: float) -> str:
    """A number as plain decimal text (``0.000001``, never ``1e-06``) that every reader reads back."""
    if x != x or x in (float("inf"), float("-inf")):
        return repr(x)
    text = format(Decimal(repr(float(x))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Duration(_Model):
    """Minutes per case: fixed, or drawn from a distribution."""

    kind: Literal["fixed", "uniform", "triangular", "exponential", "normal"] = "fixed"
    params: tuple[float, ...] = (0.0,)

    @property
    def mean(self) -> float:
        p = self.params
        if self.kind == "fixed":
            return p[0]
        if self.kind == "uniform":
            return (p[0] + p[1]) / 2
        if self.kind == "triangular":
            return (p[0] + p[1] + p[2]) / 3
        if self.kind == "exponential":
            return p[0]
        mu, sigma = p
        if sigma == 0:
            return mu
        a = -mu / sigma  # truncation at 0
        pdf = math.exp(-a * a / 2) / math.sqrt(2 * math.pi)
        tail = 0.5 * math.erfc(a / math.sqrt(2))
        return mu + sigma * pdf / tail if tail > 0 else 0.0

    def sampler(self, rng: random.Random) -> Any:
        """A zero-argument function drawing one duration (minutes)."""
        p = self.params
        if self.kind == "fixed":
            v = p[0]
            return lambda: v
        if self.kind == "uniform":
            lo, hi = p
            return lambda: rng.uniform(lo, hi)
        if self.kind == "triangular":
            lo, mode, hi = p
            return lambda: rng.triangular(lo, hi, mode)
        if self.kind == "exponential":
            rate = 1.0 / p[0]
            return lambda: rng.expovariate(rate)
        mu, sigma = p

        def normal() -> float:
            for _ in range(100):
                x = rng.gauss(mu, sigma)
                if x >= 0:
                    return x
            return 0.0

        return normal

    def text(self) -> str:
        p = self.params
        if self.kind == "fixed":
            return _num(p[0])
        if self.kind == "uniform":
            return f"{_num(p[0])}-{_num(p[1])}"
        if self.kind == "triangular":
            return f"tri({_num(p[0])},{_num(p[1])},{_num(p[2])})"
        if self.kind == "exponential":
            return f"exp({_num(p[0])})"
        return f"norm({_num(p[0])},{_num(p[1])})"


def _clock(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"


class Schedule(_Model):
    """When a batch step runs: at daily times, every N cases, or every N minutes."""

    kind: Literal["daily", "count", "interval"]
    times: list[int] = Field(default_factory=list)  # minutes after midnight (daily)
    count: int = 0
    interval_minutes: float = 0.0

    def text(self, lang: str = "en") -> str:
        if self.kind == "daily":
            clocks = ", ".join(_clock(t) for t in self.times)
            return f"毎日 {clocks}" if lang == "ja" else f"daily {clocks}"
        if self.kind == "count":
            return f"{self.count}件ごと" if lang == "ja" else f"every {self.count}"
        if self.interval_minutes == 60:
            return "1時間ごと" if lang == "ja" else "hourly"
        if self.interval_minutes % 60 == 0:
            h = int(self.interval_minutes // 60)
            return f"{h}時間ごと" if lang == "ja" else f"every {h}h"
        return f"{_num(self.interval_minutes)}分ごと" if lang == "ja" else f"every {_num(self.interval_minutes)}min"


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


_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")


def days_text(days: list[int], lang: str = "en") -> str:
    names = _WEEKDAYS_JA if lang == "ja" else _WEEKDAYS_EN
    ds = sorted(set(days))
    if ds == list(range(7)):
        return "毎日" if lang == "ja" else "every day"
    if ds and ds == list(range(ds[0], ds[-1] + 1)) and len(ds) > 2:
        return f"{names[ds[0]]}-{names[ds[-1]]}"
    return ",".join(names[d] for d in ds)


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
    turn would add tokens that never end).
    """
    pairing = _Pairing(flow)
    for s in flow.steps:
        if s.fork:
            pairing.pair(s.id)
    pairing.check_joins()
    return pairing.res


class _Pairing:
    """The walk behind ``parallel_structure``: forks are paired on demand (a nested fork first)."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.res = Parallel()
        self.steps = flow.step_map()
        self.out: dict[str, list[Edge]] = defaultdict(list)
        self.preds: dict[str, set[str]] = defaultdict(set)
        for e in flow.edges:
            self.out[e.source].append(e)
            self.preds[e.target].add(e.source)
        self.state: dict[str, str] = {}  # fork -> "busy" | "done"

    def add(self, where: str, en: str, ja: str) -> None:
        self.res.problems.append(Problem(where, en, ja))

    def explore(self, start: str, fork: str) -> tuple[set[str], str | None, set[str]]:
        """Joins reached from ``start``, the first step from which the branch can end, visited steps."""
        steps, out, res = self.steps, self.out, self.res
        joins: set[str] = set()
        ends: str | None = None
        seen: set[str] = set()
        stack = [start]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            if n == END or n not in steps:
                continue
            seen.add(n)
            st = steps[n]
            if st.join == "all":
                joins.add(n)
                continue
            while st.fork:  # a nested fork: its branches run to its own join, then the branch goes on
                if n == fork or self.state.get(n) == "busy":
                    break
                inner = self.pair(n)
                seen |= res.region.get(n, set())
                if inner is None:
                    break
                seen.add(inner)
                n, st = inner, steps[inner]
            if st.fork:
                ends = ends or n
                continue
            if not out[n] or any(e.target == END for e in out[n]):
                ends = ends or n
            stack.extend(e.target for e in out[n])
        return joins, ends, seen

    def pair(self, fork: str) -> str | None:
        res = self.res
        if self.state.get(fork) == "done":
            return res.join_of.get(fork)
        self.state[fork] = "busy"
        st = self.steps[fork]
        where = self.flow.loc("step", fork, "next")
        targets = [e.target for e in self.out[fork]]
        join: str | None = None
        region: set[str] = set()
        if len(targets) < 2 or len(set(targets)) != len(targets):
            self.add(where, f"fork {fork} ({st.name}) needs at least two different next steps",
                     f"並行分岐 {fork}（{st.name}）には異なる次工程が二つ以上必要です")
        elif END in targets:
            self.add(where, f"fork {fork} ({st.name}) cannot start {END} as a branch",
                     f"並行分岐 {fork}（{st.name}）の分岐先に終了は指定できません")
        elif any(abs(e.probability - 1) > 1e-9 for e in self.out[fork]):
            self.add(where, f"fork {fork} ({st.name}) starts every branch: its next steps take no probabilities",
                     f"並行分岐 {fork}（{st.name}）はすべての分岐を開始するため、確率は指定できません")
        else:
            join = self._meet(fork, st, where, targets, region)
        res.join_of[fork] = join
        res.region[fork] = region
        self.state[fork] = "done"
        return join

    def _meet(self, fork: str, st: Step, where: str, targets: list[str], region: set[str]) -> str | None:
        """Follow each branch of a well-formed fork (filling ``region``); the join where all of them meet."""
        steps, res, add = self.steps, self.res, self.add
        reached: list[tuple[str, set[str], str | None]] = []
        for t in targets:
            joins, ends, seen = self.explore(t, fork)
            region |= seen
            reached.append((t, joins, ends))
        all_joins = set().union(*(j for _, j, _ in reached))
        if not all_joins:
            if fork in region:
                add(where, f"fork {fork} ({st.name}) is inside a loop and its branches never join: "
                           "each turn would start branches that never end; add a step with join 'all' where they meet",
                    f"並行分岐 {fork}（{st.name}）はループの中にあり、分岐が合流しません。"
                    "合流する工程の合流条件を「すべて」にしてください")
            return None
        if len(all_joins) > 1:
            add(where, f"the branches of fork {fork} ({st.name}) meet at different joins: {', '.join(sorted(all_joins))}",
                f"並行分岐 {fork}（{st.name}）の分岐が別々の合流工程（{'、'.join(sorted(all_joins))}）に向かっています")
            return None
        j = next(iter(all_joins))
        bad = [(t, ends) for t, joins, ends in reached if ends is not None or not joins]
        if bad:
            t, ends = bad[0]
            add(self.flow.loc("step", j, "join"),
                f"join {j} ({steps[j].name}) can never receive all branches of fork {fork}: "
                f"the branch starting at {t} can end at {ends or t} without reaching {j}",
                f"合流 {j}（{steps[j].name}）は並行分岐 {fork} のすべての分岐を受け取れません: "
                f"{t} から始まる分岐が {j} に着かずに {ends or t} で終わることがあります")
            return None
        if res.need.get(j, len(targets)) != len(targets):
            add(self.flow.loc("step", j, "join"),
                f"join {j} ({steps[j].name}) waits for forks with different numbers of branches",
                f"合流 {j}（{steps[j].name}）が分岐数の異なる並行分岐を待っています")
        res.need[j] = len(targets)
        return j

    def check_joins(self) -> None:
        """Every ``join: all`` step is the join of some fork and is reached only from its branches."""
        flow, res = self.flow, self.res
        joined: dict[str, set[str]] = defaultdict(set)
        for f, j in res.join_of.items():
            if j is not None:
                joined[j] |= res.region[f] | {f}
        for s in flow.steps:
            if s.join != "all":
                continue
            if s.id not in joined:
                if not any(p.location == flow.loc("step", s.id, "join") for p in res.problems):
                    self.add(flow.loc("step", s.id, "join"),
                             f"step {s.id} ({s.name}) waits for all branches (join 'all'), but no fork's branches all meet there",
                             f"工程 {s.id}（{s.name}）は合流条件が「すべて」ですが、そこで合流する並行分岐がありません")
                continue
            outside = sorted(p for p in self.preds[s.id] if p not in joined[s.id])
            if outside:
                self.add(flow.loc("step", s.id, "join"),
                         f"join {s.id} ({s.name}) is also reached from {', '.join(outside)}, outside the branches it waits for",
                         f"合流 {s.id}（{s.name}）に、待っている分岐の外の {'、'.join(outside)} からも到達します")

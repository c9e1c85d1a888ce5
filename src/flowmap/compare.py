"""As-is vs to-be: what a change to a flow buys.

:func:`compare` puts two flows side by side:

* **structure** — steps removed, added and changed field by field (matched
  by id, then by name), owners, tools and lanes by name, data entries that
  disappear (a data item written by fewer steps), tools no step uses any more
  (retired), handoffs between people removed or added;
* **findings** — the analyzers' findings of both flows matched by their
  stable ``key``: resolved, remaining (minutes per day before and after), new;
* **workload** — expected minutes per day, utilization and data-entry minutes
  per owner before and after, the minutes freed and what they cost per month
  at the owner's hourly ``cost`` (``None`` where the cost is missing);
* **simulation** — both flows run with the same seeds and start day, so
  replication *r* of each sees the same arrivals and, for the steps they
  share, the same random draws (common random numbers); the lead-time
  difference is the mean of the per-replication differences with its 95 %
  confidence interval (Student t), exactly 0 for a flow compared with itself.

Money per month is minutes per calendar day × 365/12 days × hourly cost / 60.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .analyze import Analysis, Finding, run_analysis
from .analyze._base import Severity
from .errors import ParameterError
from .graph import FlowGraph, build_graph
from .model import END, Flow, Step, days_text, people_of

__all__ = [
    "MONTH_DAYS",
    "Comparison",
    "FindingDelta",
    "HandoffDelta",
    "OwnerDelta",
    "Paired",
    "SimComparison",
    "StepChange",
    "Structure",
    "compare",
    "paired_difference",
]

MONTH_DAYS = 365 / 12
"""Calendar days per month: workload is per calendar day (see analyze.load)."""

_T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]

STEP_FIELDS = ("name", "lane", "owners", "tools", "mode", "duration", "batch", "next", "join", "reads", "writes",
               "stage", "touchpoint", "emotion", "pain", "volume", "note")


# ----------------------------------------------------------------- structure

@dataclass
class StepChange:
    step: str  # the step's id in BEFORE
    after_step: str  # its id in AFTER (the same unless matched by name)
    name: str
    changes: dict[str, tuple[Any, Any]]
    automated: bool = False  # people's work became a system's: manual → auto/batch, or a person's batch → a system's

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"step": self.step, "name": self.name,
                             "changes": {k: [a, b] for k, (a, b) in self.changes.items()}}
        if self.after_step != self.step:
            d["after_step"] = self.after_step
        return d


@dataclass
class NamedChange:
    name: str
    changes: dict[str, tuple[Any, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "changes": {k: [a, b] for k, (a, b) in self.changes.items()}}


@dataclass
class DataEntryDelta:
    data: str
    before_steps: list[str]
    after_steps: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {"data": self.data, "before_steps": self.before_steps, "after_steps": self.after_steps,
                "before_count": len(self.before_steps), "after_count": len(self.after_steps)}


@dataclass
class HandoffDelta:
    from_owner: str
    to_owner: str
    before_per_day: float
    after_per_day: float

    def to_dict(self) -> dict[str, Any]:
        return {"from_owner": self.from_owner, "to_owner": self.to_owner,
                "before_per_day": round(self.before_per_day, 1), "after_per_day": round(self.after_per_day, 1)}


@dataclass
class Structure:
    steps_removed: list[str] = field(default_factory=list)  # BEFORE ids
    steps_added: list[str] = field(default_factory=list)  # AFTER ids
    steps_changed: list[StepChange] = field(default_factory=list)
    step_match: dict[str, str] = field(default_factory=dict)  # BEFORE id → AFTER id
    owners_removed: list[str] = field(default_factory=list)
    owners_added: list[str] = field(default_factory=list)
    owners_changed: list[NamedChange] = field(default_factory=list)
    tools_removed: list[str] = field(default_factory=list)
    tools_added: list[str] = field(default_factory=list)
    tools_changed: list[NamedChange] = field(default_factory=list)
    lanes_removed: list[str] = field(default_factory=list)
    lanes_added: list[str] = field(default_factory=list)
    lanes_changed: list[NamedChange] = field(default_factory=list)
    tools_retired: list[str] = field(default_factory=list)  # used by a step before, by none after
    tools_introduced: list[str] = field(default_factory=list)  # used by none before, by a step after
    data_entries_removed: list[DataEntryDelta] = field(default_factory=list)  # written by fewer steps
    data_entries_added: list[DataEntryDelta] = field(default_factory=list)  # written by more steps
    handoffs_removed: list[HandoffDelta] = field(default_factory=list)
    handoffs_added: list[HandoffDelta] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not any((self.steps_removed, self.steps_added, self.steps_changed, self.owners_removed, self.owners_added,
                        self.owners_changed, self.tools_removed, self.tools_added, self.tools_changed,
                        self.lanes_removed, self.lanes_added, self.lanes_changed))

    def automated_steps(self) -> list[str]:
        """AFTER ids of steps whose manual work became batch or automatic."""
        return [c.after_step for c in self.steps_changed if c.automated]

    def to_dict(self) -> dict[str, Any]:
        return {
            "removed": list(self.steps_removed), "added": list(self.steps_added),
            "changed": [c.to_dict() for c in self.steps_changed],
            "automated": self.automated_steps(),
        }

    def others_dict(self) -> dict[str, Any]:
        return {
            "owners": {"removed": self.owners_removed, "added": self.owners_added,
                       "changed": [c.to_dict() for c in self.owners_changed]},
            "tools": {"removed": self.tools_removed, "added": self.tools_added,
                      "changed": [c.to_dict() for c in self.tools_changed],
                      "retired": self.tools_retired, "introduced": self.tools_introduced},
            "lanes": {"removed": self.lanes_removed, "added": self.lanes_added,
                      "changed": [c.to_dict() for c in self.lanes_changed]},
            "data_entries": {"removed": [d.to_dict() for d in self.data_entries_removed],
                             "added": [d.to_dict() for d in self.data_entries_added]},
            "handoffs": {"removed": [h.to_dict() for h in self.handoffs_removed],
                         "added": [h.to_dict() for h in self.handoffs_added]},
        }


def _norm(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _match_steps(before: Flow, after: Flow) -> dict[str, str]:
    """BEFORE id → AFTER id: the same id first, then the same name among the rest (each used once)."""
    after_ids = {s.id for s in after.steps}
    match = {s.id: s.id for s in before.steps if s.id in after_ids}
    used = set(match.values())
    by_name: dict[str, list[str]] = {}
    for s in after.steps:
        if s.id not in used:
            by_name.setdefault(_norm(s.name), []).append(s.id)
    for s in before.steps:
        if s.id in match:
            continue
        cands = by_name.get(_norm(s.name))
        if cands:
            match[s.id] = cands.pop(0)
    return match


def _next_text(flow: Flow, sid: str, rename: dict[str, str]) -> str:
    es = flow.out_edges().get(sid, [])
    if not es:
        return END
    step = flow.step_map()[sid]
    names = [rename.get(e.target, e.target) for e in es]
    if step.fork:
        return " & ".join(names)
    if len(es) == 1:
        return names[0]
    return ", ".join(f"{n}: {e.probability * 100:.3g}%" for n, e in zip(names, es, strict=True))


def _step_value(flow: Flow, s: Step, key: str, rename: dict[str, str]) -> Any:
    if key == "duration":
        return s.duration.text()
    if key == "batch":
        return s.batch.text("en") if s.batch is not None else None
    if key == "next":
        return _next_text(flow, s.id, rename)
    v = getattr(s, key)
    return list(v) if isinstance(v, list) else v


def _owner_value(o: Any, key: str) -> Any:
    if key == "hours":
        return o.work_hours.text()
    if key == "days":
        return days_text(o.work_days, "en")
    if key == "headcount":
        return o.capacity
    return getattr(o, key)


def _named_changes(before: list[Any], after: list[Any], keys: tuple[str, ...],
                   value: Any = None) -> tuple[list[str], list[str], list[NamedChange]]:
    get = value or (lambda o, k: getattr(o, k))
    b = {x.name: x for x in before}
    a = {x.name: x for x in after}
    removed = [n for n in b if n not in a]
    added = [n for n in a if n not in b]
    changed = []
    for n in b:
        if n in a:
            diff = {k: (get(b[n], k), get(a[n], k)) for k in keys if get(b[n], k) != get(a[n], k)}
            if diff:
                changed.append(NamedChange(n, diff))
    return removed, added, changed


def _used_tools(flow: Flow) -> list[str]:
    return list(dict.fromkeys(t for s in flow.steps for t in s.tools))


def _writers(flow: Flow) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in flow.steps:
        for d in s.writes:
            out.setdefault(d, []).append(s.id)
    return out


def _handoff_pairs(flow: Flow, graph: FlowGraph) -> dict[tuple[str, str], float]:
    total = sum(flow.entry_volumes().values())
    out: dict[tuple[str, str], float] = {}
    for h in graph.handoffs():
        key = ("・".join(h.from_owners), "・".join(h.to_owners))
        out[key] = out.get(key, 0.0) + h.per_case * total
    return out


def structural_diff(before: Flow, after: Flow, gb: FlowGraph | None = None, ga: FlowGraph | None = None) -> Structure:
    gb = gb or build_graph(before)
    ga = ga or build_graph(after)
    st = Structure()
    match = _match_steps(before, after)
    st.step_match = match
    back = {a: b for b, a in match.items()}  # AFTER id → BEFORE id, to compare next steps in BEFORE's names
    st.steps_removed = [s.id for s in before.steps if s.id not in match]
    st.steps_added = [s.id for s in after.steps if s.id not in back]
    amap = after.step_map()
    bown, aown = before.owner_map(), after.owner_map()
    bcust, acust = before.customer_lanes(), after.customer_lanes()
    for s in before.steps:
        if s.id not in match:
            continue
        t = amap[match[s.id]]
        diff: dict[str, tuple[Any, Any]] = {}
        for key in STEP_FIELDS:
            bv = _step_value(before, s, key, {})
            av = _step_value(after, t, key, back)
            if bv != av:
                diff[key] = (bv, av)
        if diff:
            was_people = bool(people_of(s, bown, bcust)) and s.mode != "auto"
            now_people = bool(people_of(t, aown, acust)) and t.mode != "auto"
            st.steps_changed.append(StepChange(s.id, t.id, t.name, diff, automated=was_people and not now_people))
    st.owners_removed, st.owners_added, st.owners_changed = _named_changes(
        before.owners, after.owners, ("lane", "kind", "headcount", "hours", "days", "cost"), _owner_value)
    st.tools_removed, st.tools_added, st.tools_changed = _named_changes(
        before.tools, after.tools, ("category", "delay"),
        lambda x, k: (x.delay.text() if x.delay is not None else None) if k == "delay" else getattr(x, k))
    st.lanes_removed, st.lanes_added, st.lanes_changed = _named_changes(before.lanes, after.lanes, ("kind",))
    used_b, used_a = _used_tools(before), set(_used_tools(after))
    st.tools_retired = [t for t in used_b if t not in used_a]
    st.tools_introduced = [t for t in _used_tools(after) if t not in set(used_b)]
    wb, wa = _writers(before), _writers(after)
    for d in dict.fromkeys([*wb, *wa]):
        nb, na = wb.get(d, []), wa.get(d, [])
        if len(na) < len(nb):
            st.data_entries_removed.append(DataEntryDelta(d, nb, na))
        elif len(na) > len(nb):
            st.data_entries_added.append(DataEntryDelta(d, nb, na))
    hb, ha = _handoff_pairs(before, gb), _handoff_pairs(after, ga)
    st.handoffs_removed = [HandoffDelta(a, b, v, 0.0) for (a, b), v in hb.items() if (a, b) not in ha]
    st.handoffs_added = [HandoffDelta(a, b, 0.0, v) for (a, b), v in ha.items() if (a, b) not in hb]
    return st


# ------------------------------------------------------------------ findings

@dataclass
class FindingDelta:
    status: str  # resolved | remaining | new
    key: str
    code: str
    analyzer: str
    severity: Severity
    title: str
    minutes_before: float | None
    minutes_after: float | None
    before: Finding | None = field(default=None, repr=False)
    after: Finding | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"key": self.key, "code": self.code, "analyzer": self.analyzer, "severity": self.severity,
                             "title": self.title}
        if self.minutes_before is not None:
            d["before_minutes_per_day"] = round(self.minutes_before, 1)
        if self.minutes_after is not None:
            d["after_minutes_per_day"] = round(self.minutes_after, 1)
        if self.before is not None and self.after is not None and self.before.severity != self.after.severity:
            d["before_severity"] = self.before.severity
        if self.before is not None and self.after is not None and self.after.key != self.key:
            d["after_key"] = self.after.key  # the same subject under the step's new id
        return d


_KEY_PART = re.compile(r"[^:@+>\-]+")


def _key_in_before_ids(key: str, rename: dict[str, str]) -> str:
    """A finding key of AFTER with the ids of steps matched by name written as BEFORE's ids."""
    if not rename:
        return key
    return _KEY_PART.sub(lambda m: rename.get(m.group(0), m.group(0)), key)


def match_findings(before: list[Finding], after: list[Finding], rename: dict[str, str] | None = None) -> list[FindingDelta]:
    """Resolved, remaining and new findings, matched by key (repeated keys pair up in order).

    ``rename`` maps AFTER step ids to BEFORE ids for steps matched by name under another id, so a
    finding about the same step keeps its identity."""
    rename = rename or {}
    left: dict[str, list[Finding]] = {}
    for f in after:
        left.setdefault(_key_in_before_ids(f.key, rename), []).append(f)
    out: list[FindingDelta] = []
    for f in before:
        cands = left.get(f.key)
        if cands:
            g = cands.pop(0)
            out.append(FindingDelta("remaining", f.key, g.code, g.analyzer, g.severity, g.title, f.minutes_per_day,
                                    g.minutes_per_day, f, g))
        else:
            out.append(FindingDelta("resolved", f.key, f.code, f.analyzer, f.severity, f.title, f.minutes_per_day,
                                    None, f, None))
    for g in after:
        if any(g is x for x in left.get(_key_in_before_ids(g.key, rename), [])):
            out.append(FindingDelta("new", g.key, g.code, g.analyzer, g.severity, g.title, None, g.minutes_per_day,
                                    None, g))
    return out


# ------------------------------------------------------------------ workload

@dataclass
class OwnerDelta:
    owner: str
    lane: str
    before_minutes: float
    after_minutes: float
    before_capacity: float
    after_capacity: float
    before_data_entry: float
    after_data_entry: float
    before_cost: float | None  # hourly; None: the owner is not on that side
    after_cost: float | None
    in_before: bool
    in_after: bool

    @property
    def freed(self) -> float:
        return self.before_minutes - self.after_minutes

    @property
    def before_utilization(self) -> float:
        return self.before_minutes / self.before_capacity if self.before_capacity > 0 else 0.0

    @property
    def after_utilization(self) -> float:
        return self.after_minutes / self.after_capacity if self.after_capacity > 0 else 0.0

    @property
    def cost_missing(self) -> bool:
        """Minutes on a side whose hourly cost is not given: no money figure."""
        return ((self.before_minutes > 0 and not self.before_cost) or (self.after_minutes > 0 and not self.after_cost))

    @property
    def cost_per_month_saved(self) -> float | None:
        if self.cost_missing:
            return None
        spent_b = self.before_minutes * (self.before_cost or 0.0)
        spent_a = self.after_minutes * (self.after_cost or 0.0)
        return (spent_b - spent_a) / 60 * MONTH_DAYS

    def to_dict(self) -> dict[str, Any]:
        money = self.cost_per_month_saved
        return {
            "owner": self.owner, "lane": self.lane,
            "before_minutes_per_day": round(self.before_minutes, 1), "after_minutes_per_day": round(self.after_minutes, 1),
            "freed_minutes_per_day": round(self.freed, 1),
            "before_utilization": round(self.before_utilization, 3), "after_utilization": round(self.after_utilization, 3),
            "before_capacity_minutes_per_day": round(self.before_capacity, 1),
            "after_capacity_minutes_per_day": round(self.after_capacity, 1),
            "before_data_entry_minutes_per_day": round(self.before_data_entry, 1),
            "after_data_entry_minutes_per_day": round(self.after_data_entry, 1),
            "hourly_cost": self.before_cost if self.in_before else self.after_cost,
            "cost_per_month_saved": round(money) if money is not None else None,
            "cost_missing": self.cost_missing,
            "in_before": self.in_before, "in_after": self.in_after,
        }


def workload_delta(ab: Analysis, aa: Analysis) -> list[OwnerDelta]:
    """Every owner with load on either side; an owner missing from one side counts 0 minutes there."""
    lb = {o.owner: o for o in ab.workload.owners}
    la = {o.owner: o for o in aa.workload.owners}
    ob, oa = ab.flow.owner_map(), aa.flow.owner_map()
    out = []
    for name in dict.fromkeys([*lb, *la]):
        b, a = lb.get(name), la.get(name)
        if (b is None or b.minutes_per_day == 0) and (a is None or a.minutes_per_day == 0) and not (b and a):
            continue  # never worked on either side (e.g. a customer-lane name)
        out.append(OwnerDelta(
            owner=name, lane=(a or b).lane if (a or b) else "",  # type: ignore[union-attr]
            before_minutes=b.minutes_per_day if b else 0.0, after_minutes=a.minutes_per_day if a else 0.0,
            before_capacity=b.capacity_minutes_per_day if b else 0.0, after_capacity=a.capacity_minutes_per_day if a else 0.0,
            before_data_entry=b.data_entry_minutes if b else 0.0, after_data_entry=a.data_entry_minutes if a else 0.0,
            before_cost=ob[name].cost if name in ob else None, after_cost=oa[name].cost if name in oa else None,
            in_before=b is not None, in_after=a is not None,
        ))
    return out


# ---------------------------------------------------------------- simulation

@dataclass
class Paired:
    """A figure of both flows over the same replications and its paired difference."""

    before: float
    after: float
    difference: float  # mean of after − before per replication
    ci95: tuple[float, float] | None


def paired_difference(before: list[float], after: list[float]) -> tuple[float, tuple[float, float] | None]:
    """Mean of the per-replication differences (after − before) and its 95 % Student-t interval."""
    diffs = [a - b for a, b in zip(after, before, strict=True)]
    n = len(diffs)
    if not n:
        return 0.0, None
    m = sum(diffs) / n
    if n < 2:
        return m, None
    sd = statistics.stdev(diffs)
    tq = _T975[n - 2] if n - 1 <= len(_T975) else 1.96
    half = tq * sd / math.sqrt(n)
    return m, (m - half, m + half)


@dataclass
class StepSide:
    step: str
    name: str
    before_wait: float | None
    after_wait: float | None
    before_count: float | None
    after_count: float | None


@dataclass
class OwnerSide:
    owner: str
    before_utilization: float | None
    after_utilization: float | None


@dataclass
class SegmentPair:
    name: str
    start: str
    end: str
    before: dict[str, float]
    after: dict[str, float]
    difference: float
    ci95: tuple[float, float] | None


@dataclass
class SimComparison:
    replications: int
    seed: int
    days: float
    start: dt.date
    orders_per_day_before: float
    orders_per_day_after: float
    before: Any  # SimulationResult
    after: Any
    lead_mean: Paired
    lead_p50: tuple[float, float]
    lead_p90: tuple[float, float]
    steps: list[StepSide]
    owners: list[OwnerSide]
    segments: list[SegmentPair]

    def lead_counts(self, which: str) -> list[tuple[float, int]]:
        """(lead time in minutes, cases) of every completed case, all replications: for charts."""
        sim = self.before if which == "before" else self.after
        out: list[tuple[float, int]] = []
        for r in sim.replications:
            out.extend(_lead_counts(r))
        return out

    def to_dict(self) -> dict[str, Any]:
        def r(x: float) -> float:
            return round(x, 3)

        lt = self.lead_mean
        return {
            "replications": self.replications, "seed": self.seed, "days": self.days, "start": self.start.isoformat(),
            "orders_per_day": {"before": self.orders_per_day_before, "after": self.orders_per_day_after},
            "common_random_numbers": True,
            "lead_time_minutes": {
                "before": {"mean": r(lt.before), "p50": r(self.lead_p50[0]), "p90": r(self.lead_p90[0]),
                           "ci95": _ci(self.before.lead_time.ci95)},
                "after": {"mean": r(lt.after), "p50": r(self.lead_p50[1]), "p90": r(self.lead_p90[1]),
                          "ci95": _ci(self.after.lead_time.ci95)},
                "difference": {"mean": r(lt.difference), "ci95": _ci(lt.ci95) or [r(lt.difference), r(lt.difference)]},
            },
            "segments": [{"name": s.name, "from": s.start, "to": s.end,
                          "before": {k: r(v) for k, v in s.before.items()}, "after": {k: r(v) for k, v in s.after.items()},
                          "difference": {"mean": r(s.difference), "ci95": _ci(s.ci95) or [r(s.difference), r(s.difference)]}}
                         for s in self.segments],
            "steps": [{"step": s.step, "name": s.name,
                       "before_wait_mean_minutes": None if s.before_wait is None else r(s.before_wait),
                       "after_wait_mean_minutes": None if s.after_wait is None else r(s.after_wait),
                       "before_count": None if s.before_count is None else r(s.before_count),
                       "after_count": None if s.after_count is None else r(s.after_count)} for s in self.steps],
            "owners": [{"owner": o.owner,
                        "before_utilization": None if o.before_utilization is None else r(o.before_utilization),
                        "after_utilization": None if o.after_utilization is None else r(o.after_utilization)}
                       for o in self.owners],
            "cases": {"before": {"arrived": r(self.before.arrived), "completed": r(self.before.completed)},
                      "after": {"arrived": r(self.after.arrived), "completed": r(self.after.completed)}},
        }


def _ci(ci: Any) -> list[float] | None:
    return [round(float(x), 3) for x in ci] if ci else None


def _lead_counts(rep: Any) -> list[tuple[float, int]]:
    hist = getattr(rep, "lead_histogram", None)
    if hist is not None and not isinstance(hist, list):
        return [(float(v), int(n)) for v, n in hist.values()]
    return [(float(v), 1) for v in getattr(rep, "lead_times", [])]


def _simulate_pair(before: Flow, after: Flow, match: dict[str, str], *, days: float | None, orders_per_day: float | None,
                   replications: int | None, seed: int | None, workers: int, start: dt.date | None,
                   between: tuple[str, str] | None) -> SimComparison:
    from .simulation import next_monday, simulate

    st = before.settings
    days = st.days if days is None else days
    seed = st.seed if seed is None else seed
    replications = st.replications if replications is None else replications
    start = start or st.start or next_monday()
    kw: dict[str, Any] = {"days": days, "seed": seed, "replications": replications, "workers": workers, "start": start}
    after_between = (match.get(between[0], between[0]), match.get(between[1], between[1])) if between else None
    if between and after_between:
        ids_b, ids_a = {s.id for s in before.steps}, {s.id for s in after.steps}
        gone = [x for x, y in zip(between, after_between, strict=True) if x in ids_b and y not in ids_a]
        if gone:
            raise ParameterError("between", f"step {gone[0]!r} is not in AFTER ({after.name}): a segment needs both of its "
                                 "ends in both flows", f"工程「{gone[0]}」は変更後（{after.name}）にありません。"
                                 "区間の両端は両方のフローに必要です")
    sb = simulate(before, orders_per_day=orders_per_day, between=between, **kw)
    sa = simulate(after, orders_per_day=orders_per_day, between=after_between, **kw)
    diff, ci = paired_difference([r.lead_time.mean for r in sb.replications], [r.lead_time.mean for r in sa.replications])
    back = {a: b for b, a in match.items()}
    wa = {s.step: s for s in sa.steps}
    steps = []
    for s in sb.steps:
        a = wa.get(match.get(s.step, ""))
        steps.append(StepSide(s.step, s.name, s.wait_mean_minutes, a.wait_mean_minutes if a else None, s.count,
                              a.count if a else None))
    for s in sa.steps:
        if s.step not in back:
            steps.append(StepSide(s.step, s.name, None, s.wait_mean_minutes, None, s.count))
    ub = {o.owner: o.utilization for o in sb.owners}
    ua = {o.owner: o.utilization for o in sa.owners}
    owners = [OwnerSide(n, ub.get(n), ua.get(n)) for n in dict.fromkeys([*ub, *ua])]
    segments = []
    seg_b = {(s.start, s.end): (i, s) for i, s in enumerate(getattr(sb, "segments", []))}
    for j, s in enumerate(getattr(sa, "segments", [])):
        hit = seg_b.get((back.get(s.start, s.start), back.get(s.end, s.end)))
        if hit is None:
            continue
        i, b = hit
        d, dci = paired_difference([r.segments[i].mean for r in sb.replications], [r.segments[j].mean for r in sa.replications])
        segments.append(SegmentPair(s.name, b.start, b.end, {"mean": b.mean, "p50": b.p50, "p90": b.p90},
                                    {"mean": s.mean, "p50": s.p50, "p90": s.p90}, d, dci))
    return SimComparison(
        replications=replications, seed=seed, days=days, start=start,
        orders_per_day_before=orders_per_day if orders_per_day is not None else sum(before.entry_volumes().values()),
        orders_per_day_after=orders_per_day if orders_per_day is not None else sum(after.entry_volumes().values()),
        before=sb, after=sa, lead_mean=Paired(sb.lead_time.mean, sa.lead_time.mean, diff, ci),
        lead_p50=(sb.lead_time.p50, sa.lead_time.p50), lead_p90=(sb.lead_time.p90, sa.lead_time.p90),
        steps=steps, owners=owners, segments=segments)


# ---------------------------------------------------------------- comparison

@dataclass
class Comparison:
    before: Flow
    after: Flow
    before_analysis: Analysis
    after_analysis: Analysis
    structure: Structure
    workload: list[OwnerDelta]
    findings: list[FindingDelta]
    simulation: SimComparison | None
    lang: str = "en"

    def findings_by(self, status: str) -> list[FindingDelta]:
        return [f for f in self.findings if f.status == status]

    @property
    def freed_minutes(self) -> float:
        return sum(o.freed for o in self.workload)

    @property
    def cost_per_month_saved(self) -> float:
        """Sum over the owners whose cost is known (see :attr:`cost_missing_owners`)."""
        return sum(o.cost_per_month_saved or 0.0 for o in self.workload)

    @property
    def cost_missing_owners(self) -> list[str]:
        return [o.owner for o in self.workload if o.cost_missing]

    @property
    def currency(self) -> str:
        return self.before.settings.currency

    def to_dict(self) -> dict[str, Any]:
        st = self.structure
        return {
            "before": {"name": self.before.name, "steps": len(self.before.steps), "source": self.before.source},
            "after": {"name": self.after.name, "steps": len(self.after.steps), "source": self.after.source},
            "unchanged": st.unchanged,
            "steps": st.to_dict(),
            **st.others_dict(),
            "workload": [o.to_dict() for o in self.workload],
            "findings": {s: [f.to_dict() for f in self.findings_by(s)] for s in ("resolved", "remaining", "new")},
            "simulation": self.simulation.to_dict() if self.simulation else None,
            "totals": {
                "freed_minutes_per_day": round(self.freed_minutes, 1),
                "cost_per_month_saved": round(self.cost_per_month_saved),
                "cost_missing_owners": self.cost_missing_owners,
                "currency": self.currency,
                "findings": {s: len(self.findings_by(s)) for s in ("resolved", "remaining", "new")},
                "month_days": round(MONTH_DAYS, 4),
            },
        }


def at_volume(flow: Flow, orders_per_day: float) -> Flow:
    """A copy of ``flow`` whose entry volumes add up to ``orders_per_day`` (in their proportions), as the
    simulation scales them; locations and source are kept."""
    volumes = flow.entry_volumes()
    total = sum(volumes.values())
    k = orders_per_day / total if total > 0 else 0.0
    steps = [s.model_copy(update={"volume": s.volume * k}) if s.volume is not None and s.volume > 0 else s
             for s in flow.steps]
    return flow.model_copy(update={"steps": steps,
                                   "settings": flow.settings.model_copy(update={"orders_per_day": orders_per_day})})


def compare(before: Flow, after: Flow, *, lang: str | None = None, simulate: bool = True, days: float | None = None,
            orders_per_day: float | None = None, replications: int | None = None, seed: int | None = None,
            workers: int = 1, start: dt.date | None = None, between: tuple[str, str] | None = None) -> Comparison:
    """Compare two validated flows (see the module docstring)."""
    lang = lang or before.language
    if orders_per_day is not None:  # the workload, handoffs and findings at the volume the simulation runs
        before, after = at_volume(before, orders_per_day), at_volume(after, orders_per_day)
    gb, ga = build_graph(before), build_graph(after)
    ab = run_analysis(before, lang=lang, graph=gb)
    aa = run_analysis(after, lang=lang, graph=ga)
    st = structural_diff(before, after, gb, ga)
    sim = None
    if simulate:
        sim = _simulate_pair(before, after, st.step_match, days=days, orders_per_day=orders_per_day,
                             replications=replications, seed=seed, workers=workers, start=start, between=between)
    return Comparison(before=before, after=after, before_analysis=ab, after_analysis=aa, structure=st,
                      workload=workload_delta(ab, aa),
                      findings=match_findings(ab.findings, aa.findings, {a: b for b, a in st.step_match.items() if a != b}),
                      simulation=sim, lang=lang)

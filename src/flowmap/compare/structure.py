"""Structure diff: steps matched by id then by name and compared field by field; owners, tools and
lanes by name; data entries, retired tools and handoffs between people."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..graph import FlowGraph, build_graph
from ..model import END, Flow, Step, days_text, people_of

__all__ = ["STEP_FIELDS", "DataEntryDelta", "HandoffDelta", "NamedChange", "StepChange", "Structure", "structural_diff"]

STEP_FIELDS = ("name", "lane", "owners", "tools", "mode", "duration", "batch", "next", "join", "reads", "writes",
               "stage", "touchpoint", "emotion", "pain", "volume", "note")


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

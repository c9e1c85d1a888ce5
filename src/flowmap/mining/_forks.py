"""Concurrency in a log discovered as a fork and a join.

Two activities that follow each other both ways (A → B in some cases, B → A in others) are either a
choice of order or work done at the same time. When their executions overlap in time in most of the
cases that have both (start and complete times known), they are parallel: the step before them forks
(``next: A & B``) and the step after them joins (``join: all``). The rewrite is made only where the
flow's shape allows it — one step before the group that leads only into it, one step (or the end)
after it that nothing else leads to, every case doing each activity once — and the result must pass
the model's fork/join pairing; otherwise the transitions stay as they are and the user is told why.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..io.eventlog import EventLog
from ..model import END, Edge, Flow, parallel_structure
from ._vocab import _t
from .profile import LogProfile

__all__ = ["Overlap", "find_overlaps", "make_forks"]

MOST = 0.5  # share of the cases with both activities in which they must overlap
MIN_CASES = 10  # cases with both activities (and their start times) needed to judge
TOGETHER = 0.95  # share of the cases with either activity that must have both (an AND split does both)


@dataclass
class Overlap:
    """How two activities that follow each other both ways share the cases."""

    a: int
    b: int
    both: int = 0  # cases with each exactly once and both start times known
    overlapping: int = 0  # of those, the cases whose two executions overlap in time
    either: int = 0  # cases with at least one of them
    together: int = 0  # cases with both

    @property
    def share(self) -> float:
        return self.overlapping / self.both if self.both else 0.0

    @property
    def parallel(self) -> bool:
        return (self.both >= MIN_CASES and self.share > MOST
                and self.together >= TOGETHER * self.either)


def find_overlaps(log: EventLog, prof: LogProfile) -> list[Overlap]:
    """The pairs of activities seen in both orders, with how often their executions overlap (one pass over the
    cases; a case still running when the log ends counts only if it has both)."""
    transitions = prof.transitions
    pairs = {(min(a, b), max(a, b)) for (a, b) in transitions if a != b and transitions.get((b, a), 0) > 0}
    if not pairs:
        return []
    found = {p: Overlap(*p) for p in pairs}
    by_act: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in pairs:
        by_act[p[0]].append(p)
        by_act[p[1]].append(p)
    for tr, finished in zip(log.traces(), prof.finished, strict=True):
        spans: dict[int, list[tuple[float, float]]] = defaultdict(list)
        for x, s, e in zip(tr.activities, tr.starts, tr.ends, strict=True):
            if x in by_act:
                spans[x].append((s, e))
        for p in {p for x in spans for p in by_act[x]}:
            o = found[p]
            sa, sb = spans.get(p[0]), spans.get(p[1])
            if not sa or not sb:
                o.either += finished
                continue
            o.either += 1
            o.together += 1
            if len(sa) != 1 or len(sb) != 1 or math.isnan(sa[0][0]) or math.isnan(sb[0][0]):
                continue
            o.both += 1
            (s1, e1), (s2, e2) = sa[0], sb[0]
            if max(s1, s2) < min(e1, e2):
                o.overlapping += 1
    return sorted(found.values(), key=lambda o: (o.a, o.b))


def _groups(overlaps: list[Overlap], names: dict[int, str]) -> list[set[str]]:
    """Activities parallel to each other, as groups of step names (every pair of a group parallel)."""
    par = {(o.a, o.b) for o in overlaps if o.parallel}
    adj: dict[int, set[int]] = defaultdict(set)
    for a, b in par:
        adj[a].add(b)
        adj[b].add(a)
    groups: list[set[str]] = []
    seen: set[int] = set()
    for a in sorted(adj):
        if a in seen:
            continue
        comp, stack = {a}, [a]
        while stack:
            for y in adj[stack.pop()]:
                if y not in comp:
                    comp.add(y)
                    stack.append(y)
        seen |= comp
        if all((min(x, y), max(x, y)) in par for x in comp for y in comp if x < y):
            groups.append({names[x] for x in comp})
    return groups


def make_forks(flow: Flow, log: EventLog, prof: LogProfile, lines: list[str], lang: str) -> Flow:
    """``flow`` with each group of parallel activities between one fork and one join (see the module)."""
    overlaps = find_overlaps(log, prof)
    names = dict(enumerate(log.activities))
    by_name = {s.name: s for s in flow.steps}
    for o in overlaps:
        if not o.parallel and o.both >= MIN_CASES and o.share > MOST:
            lines.append(_t(lang, f"{names[o.a]} and {names[o.b]} overlap in {o.share:.0%} of the cases but not every "
                                  "case does both: kept as transitions both ways",
                            f"{names[o.a]} と {names[o.b]} は {o.share:.0%} の案件で並行しますが、両方を行わない案件があるため、"
                            "双方向の遷移のままにします"))
    for group in _groups(overlaps, names):
        ids = {by_name[n].id for n in group if n in by_name}
        if len(ids) != len(group):
            continue
        shown = _t(lang, " and ", "と").join(sorted(group))
        share = min(o.share for o in overlaps if names[o.a] in group and names[o.b] in group)
        new, why = _rewrite(flow, ids)
        if new is None:
            lines.append(_t(lang, f"{shown} overlap in {share:.0%} of the cases, but {why[0]}: kept as transitions both ways",
                            f"{shown} は {share:.0%} の案件で並行しますが、{why[1]}ため、双方向の遷移のままにします"))
            continue
        flow = new
        fork = next(e.source for e in flow.edges if e.target in ids)
        lines.append(_t(lang, f"{shown} overlap in time in {share:.0%} of the cases: parallel after "
                              f"{flow.step_map()[fork].name} (fork, then join)",
                        f"{shown} は {share:.0%} の案件で同時に進むため、{flow.step_map()[fork].name} の後に並行（分岐して合流）"))
    return flow


def _rewrite(flow: Flow, ids: set[str]) -> tuple[Flow | None, tuple[str, str]]:
    """The flow with ``ids`` between a fork and a join, or None and why not (English, Japanese)."""
    ins = [e for e in flow.edges if e.target in ids and e.source not in ids]
    outs = [e for e in flow.edges if e.source in ids and e.target not in ids]
    sources = {e.source for e in ins}
    targets = {e.target for e in outs}
    if len(sources) != 1:
        return None, ("more than one step leads into them", "前の工程が一つではない")
    fork = next(iter(sources))
    if any(e.target not in ids for e in flow.edges if e.source == fork):
        return None, ("the step before them also leads elsewhere (a choice)", "前の工程がほかの工程にも分かれる（選択）")
    if fork in ids or flow.step_map()[fork].fork:
        return None, ("the step before them already forks", "前の工程がすでに並行分岐している")
    if len(targets) != 1:
        return None, ("more than one step follows them (a choice after them)", "後の工程が一つではない（後で選択がある）")
    join = next(iter(targets))
    if join != END and any(e.source not in ids for e in flow.edges if e.target == join):
        return None, ("the step after them is also reached from elsewhere", "後の工程にほかの工程からも入る")
    steps = [s.model_copy() for s in flow.steps]
    edges = [e.model_copy() for e in flow.edges
             if not (e.source in ids and (e.target in ids or e.target == join)) and e.source != fork]
    edges += [Edge(source=fork, target=t, probability=1.0) for t in sorted(ids, key=_order(flow))]
    edges += [Edge(source=t, target=join, probability=1.0) for t in sorted(ids, key=_order(flow))]
    for s in steps:
        if s.id == fork:
            s.fork = True
        if s.id == join:
            s.join = "all"
    new = flow.model_copy(update={"steps": steps, "edges": edges})
    if parallel_structure(new).problems:
        return None, ("the fork and join would not pair up", "分岐と合流が対にならない")
    return new, ("", "")


def _order(flow: Flow) -> Callable[[str], int]:
    pos = {s.id: i for i, s in enumerate(flow.steps)}
    return pos.__getitem__

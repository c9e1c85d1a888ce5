"""The walk behind :func:`flowmap.model.parallel_structure`: pairs every fork (AND split)
with the join (``join: all``) where its branches meet, and checks each join."""

from __future__ import annotations

from collections import defaultdict

from .errors import Problem
from .model import END, Edge, Flow, Parallel, Step

__all__ = ["parallel_structure"]


def parallel_structure(flow: Flow) -> Parallel:
    """See :func:`flowmap.model.parallel_structure`."""
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

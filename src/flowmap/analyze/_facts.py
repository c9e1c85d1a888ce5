"""Facts about a flow that several analyzers judge by, each decided in one place:
which steps can happen in the same case, which steps face the customer,
which steps are talking to a person, which tools are spreadsheets, and the
one system of record a report recommends."""

from __future__ import annotations

import networkx as nx

from ..graph import FlowGraph
from ..model import Flow, Step, Tool

__all__ = ["CaseReach", "customer_facing", "is_spreadsheet", "system_of_record", "talks_to_person"]

# Words in a tool's name that make it a spreadsheet or a hand-kept list rather than a system.
_SHEET_WORDS = ("excel", "エクセル", "spreadsheet", "スプレッドシート", "sheet", "シート", "csv", "台帳", "ledger",
                "表", "google sheets", "numbers")
# Words in a communication tool's name that make it a live conversation with a person.
_TALK_WORDS = ("電話", "phone", "call", "口頭", "verbal", "対面", "face to face", "in person", "来店", "窓口",
               "meeting", "会議", "打ち合わせ")


def is_spreadsheet(tool: Tool) -> bool:
    name = tool.name.casefold()
    return any(w in name for w in _SHEET_WORDS)


def talks_to_person(step: Step, tools: dict[str, Tool]) -> bool:
    """The step's work includes talking to someone live (a phone call, a word at the desk):
    a person's part that no integration takes over."""
    for name in step.tools:
        tool = tools.get(name)
        if tool is not None and tool.category == "communication" and any(w in name.casefold() for w in _TALK_WORDS):
            return True
    return False


def customer_facing(flow: Flow) -> set[str]:
    """Operator steps in direct contact with the customer: right after a customer step
    (answering the call, the order) or right before one (the message the customer receives)."""
    customer = flow.customer_lanes()
    lane = {s.id: s.lane for s in flow.steps}
    out: set[str] = set()
    for e in flow.edges:
        a, b = lane.get(e.source), lane.get(e.target)
        if a is None or b is None:
            continue
        if a in customer and b not in customer:
            out.add(e.target)
        elif b in customer and a not in customer:
            out.add(e.source)
    return out


def system_of_record(flow: Flow, per_day: dict[str, float]) -> str | None:
    """The one system a report recommends for keeping data: a record or commerce tool that is
    not a spreadsheet; a record system before a commerce one, then the one most written into
    (entries a day)."""
    tools = flow.tool_map()
    weight: dict[str, float] = {}
    for s in flow.steps:
        for name in s.tools:
            tool = tools.get(name)
            if tool is None or tool.category not in ("record", "commerce") or is_spreadsheet(tool):
                continue
            weight[name] = weight.get(name, 0.0) + per_day.get(s.id, 0.0) * max(1, len(s.writes))
    if not weight:
        return None
    order = {t.name: i for i, t in enumerate(flow.tools)}
    return max(weight, key=lambda n: (tools[n].category == "record", round(weight[n], 6), -order[n]))


class CaseReach:
    """Can two steps happen in the same case?  Yes when one can follow the other
    (a path in the graph) or when they lie on different branches of a fork (an AND
    split runs every branch).  Steps on exclusive branches of a choice cannot."""

    def __init__(self, graph: FlowGraph) -> None:
        self.g = graph.g
        self._desc: dict[str, frozenset[str]] = {}
        self._forks = [(s.id, list(self.g.successors(s.id))) for s in graph.flow.steps if s.fork]

    def after(self, sid: str) -> frozenset[str]:
        """Steps reachable from ``sid`` (itself included)."""
        d = self._desc.get(sid)
        if d is None:
            d = frozenset(nx.descendants(self.g, sid)) | {sid}
            self._desc[sid] = d
        return d

    def same_case(self, a: str, b: str) -> bool:
        if b in self.after(a) or a in self.after(b):
            return True
        for _, branches in self._forks:
            sides = [i for i, br in enumerate(branches) if a in self.after(br)]
            if sides and any(b in self.after(br) for i, br in enumerate(branches) if i not in sides):
                return True
        return False

    def groups(self, steps: list[str]) -> list[list[str]]:
        """``steps`` split into groups that share a case (connected by :meth:`same_case`),
        keeping their order; singletons included."""
        parent = {s: s for s in steps}

        def root(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, a in enumerate(steps):
            for b in steps[i + 1:]:
                if root(a) != root(b) and self.same_case(a, b):
                    parent[root(b)] = root(a)
        out: dict[str, list[str]] = {}
        for s in steps:
            out.setdefault(root(s), []).append(s)
        return list(out.values())

"""Facts about a flow that several analyzers judge by, each decided in one place:
which steps can happen in the same case, which steps face the customer,
which steps are talking to a person, which tools are spreadsheets, and the
one system of record a report recommends."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..graph import FlowGraph
from ..model import Flow, Tool

if TYPE_CHECKING:  # imported where used: simulate and capacity load this package without needing networkx
    import networkx as nx

def _topological(dag: nx.DiGraph) -> list[object]:
    import networkx as nx

    return list(nx.topological_sort(dag))


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


def talks_to_person(tool: Tool) -> bool:
    """A communication tool that is a live conversation with a person (a phone call, a word at
    the desk): a step using it does a person's part that no integration takes over."""
    name = tool.name.casefold()
    return tool.category == "communication" and any(w in name for w in _TALK_WORDS)


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
    split runs every branch).  Steps on exclusive branches of a choice cannot.

    :meth:`groups` answers this for the writers of many items in one pass over the
    graph: loops condensed, then reachability as bit sets over the writers, built in
    reverse topological order and dropped as soon as no predecessor needs them
    (linear in the graph for the usual flows; no per-pair graph search).
    """

    def __init__(self, graph: FlowGraph) -> None:
        self.g = graph.g
        self.forks = {s.id for s in graph.flow.steps if s.fork}
        self._forks_cache: set[object] | None = None

    def groups(self, writers: dict[str, list[str]]) -> dict[str, list[list[str]]]:
        """For each item, its writer steps split into groups that share a case
        (connected by "same case"), in the given order; singletons included."""
        index: dict[str, int] = {}
        for sids in writers.values():
            for sid in sids:
                index.setdefault(sid, len(index))
        dag, comp, order = self._dag()
        own: dict[object, int] = {}  # component → bits of the writers inside it
        for sid, i in index.items():
            own[comp[sid]] = own.get(comp[sid], 0) | (1 << i)
        masks = {item: _or([1 << index[s] for s in sids]) for item, sids in writers.items()}
        items_of: dict[int, list[str]] = {}
        for item, sids in writers.items():
            for sid in set(sids):
                items_of.setdefault(index[sid], []).append(item)
        # per item, its writers met so far as disjoint groups (bit masks) of writers that share a case
        parts: dict[str, list[int]] = {item: [] for item in writers}

        def join(item: str, bits: int, hits: int) -> None:
            merged, keep = bits, []
            for part in parts[item]:
                if part & hits:
                    merged |= part
                else:
                    keep.append(part)
            keep.append(merged)
            parts[item] = keep

        reach: dict[object, int] = {}
        waiting = {c: dag.in_degree(c) for c in dag.nodes}
        for c in reversed(order):
            succ = list(dag.successors(c))
            r = own.get(c, 0)
            for d in succ:
                r |= reach[d]
            reach[c] = r
            mine = own.get(c, 0)
            while mine:  # a writer shares a case with every writer of its items it can reach
                low = mine & -mine
                mine ^= low
                for item in items_of[low.bit_length() - 1]:
                    join(item, low, r & masks[item])
            if c in self._fork_comps(comp) and len(succ) > 1:  # writers on different branches of a fork meet too
                for item, m in masks.items():
                    hit = [reach[d] & m for d in succ]
                    if sum(1 for h in hit if h) > 1:
                        join(item, 0, _or(hit))
            for d in succ:
                waiting[d] -= 1
                if waiting[d] == 0:
                    del reach[d]
        out: dict[str, list[list[str]]] = {}
        for item, sids in writers.items():
            unique = list(dict.fromkeys(sids))
            groups = [[s for s in unique if part >> index[s] & 1] for part in parts[item]]
            rank = {s: i for i, s in enumerate(unique)}
            out[item] = sorted((g for g in groups if g), key=lambda g: rank[g[0]])
        return out

    def _dag(self) -> tuple[nx.DiGraph, dict[str, object], list[object]]:
        """The graph with its loops condensed (each loop one node), step → node, and the
        nodes in topological order."""
        import networkx as nx

        try:
            return self.g, {n: n for n in self.g.nodes}, _topological(self.g)
        except nx.NetworkXUnfeasible:
            dag = nx.condensation(self.g)
            return dag, dict(dag.graph["mapping"]), _topological(dag)

    def _fork_comps(self, comp: dict[str, object]) -> set[object]:
        if self._forks_cache is None:
            self._forks_cache = {comp[f] for f in self.forks if f in comp}
        return self._forks_cache


def _or(values: list[int]) -> int:
    out = 0
    for v in values:
        out |= v
    return out

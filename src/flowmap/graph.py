"""The flow as a directed graph, and what follows from its structure alone:
entry and end steps, the expected number of visits of each step per case
(loops such as reorders counted exactly), handoffs and a left-to-right order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from . import limits
from .errors import InputError, Problem
from .model import END, Flow, parallel_structure, people_of

__all__ = ["FlowGraph", "build_graph"]


@dataclass(frozen=True)
class Handoff:
    """An edge along which the work changes hands between people or teams
    (systems and customers do not hand over; they are the flow's joints)."""

    source: str
    target: str
    from_owners: tuple[str, ...]
    to_owners: tuple[str, ...]
    per_case: float  # expected traversals per case
    tools: tuple[str, ...]  # communication tools of the two steps


class FlowGraph:
    """A :class:`Flow` as a ``networkx.DiGraph`` with derived figures."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        g = nx.DiGraph()
        for s in flow.steps:
            g.add_node(s.id, lane=s.lane, name=s.name)
        self.end_probability: dict[str, float] = defaultdict(float)
        for e in flow.edges:
            if e.target == END:
                self.end_probability[e.source] += e.probability
            else:
                g.add_edge(e.source, e.target, probability=e.probability)
        self.g = g
        self._order = {s.id: i for i, s in enumerate(flow.steps)}
        self._handoffs: list[Handoff] | None = None
        self.parallel = parallel_structure(flow)
        self.entries = flow.entry_steps()
        self.ends = [s.id for s in flow.steps if g.out_degree(s.id) == 0 or self.end_probability.get(s.id, 0) > 0]
        self.visits = self._expected_visits()
        too_many = limits.visit_problems(flow, self.visits)
        if too_many:
            raise InputError(too_many)

    # ------------------------------------------------------------- visits
    def _share(self, source: str, target: str) -> float:
        """Visits of ``target`` per visit of ``source`` along that edge: its probability, and a join
        that waits for k branches runs once per k arrivals (each branch of a fork has probability 1)."""
        return float(self.g.edges[source, target]["probability"]) / self.parallel.need.get(target, 1)

    def _expected_visits(self) -> dict[str, float]:
        flow, g = self.flow, self.g
        volumes = flow.entry_volumes()
        total = sum(volumes.values()) or 1.0
        inflow: dict[str, float] = defaultdict(float)
        for sid, vol in volumes.items():
            inflow[sid] += vol / total
        cond = nx.condensation(g)
        members: dict[int, list[str]] = {c: sorted(cond.nodes[c]["members"]) for c in cond.nodes}
        visits: dict[str, float] = {}
        for c in nx.topological_sort(cond):
            nodes = members[c]
            idx = {n: i for i, n in enumerate(nodes)}
            b = [inflow[n] for n in nodes]
            if len(nodes) == 1 and not g.has_edge(nodes[0], nodes[0]):
                v = b
            else:
                closed = all(g.out_degree(n) > 0 and self.end_probability.get(n, 0) == 0
                             and all(t in idx for t in g.successors(n)) for n in nodes)
                if closed and any(x > 0 for x in b):
                    self._loop_error(nodes)
                n = len(nodes)
                a = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
                for src in nodes:
                    for t in g.successors(src):
                        if t in idx:
                            a[idx[t]][idx[src]] -= self._share(src, t)
                solved = _solve(a, b)
                if solved is None or any(x < -1e-9 or x > 1e9 for x in solved):
                    self._loop_error(nodes)
                v = solved or b
            for n_, x in zip(nodes, v, strict=True):
                visits[n_] = max(x, 0.0)
                for t in g.successors(n_):
                    if t not in idx:
                        inflow[t] += x * self._share(n_, t)
        return {s.id: visits.get(s.id, 0.0) for s in flow.steps}

    def _loop_error(self, nodes: list[str]) -> None:
        flow = self.flow
        cycle = " → ".join(nodes + [nodes[0]])
        raise InputError([Problem(flow.loc("step", nodes[0], "next"),
                                  f"the branches {cycle} never reach an end (a loop with probability 1); "
                                  "give one of them a way out, e.g. 'END:0.7'",
                                  f"分岐 {cycle} が終了にたどり着きません（確率 1 のループ）。どこかに「終了:0.7」などの出口を設けてください")])

    # ------------------------------------------------------------ derived
    def per_day(self) -> dict[str, float]:
        """Expected executions of each step per calendar day."""
        total = sum(self.flow.entry_volumes().values())
        return {sid: v * total for sid, v in self.visits.items()}

    def handoffs(self) -> list[Handoff]:
        """Edges along which the work changes hands (computed once)."""
        if self._handoffs is None:
            self._handoffs = self._find_handoffs()
        return list(self._handoffs)

    def _find_handoffs(self) -> list[Handoff]:
        flow = self.flow
        steps = flow.step_map()
        tools = flow.tool_map()
        customer = flow.customer_lanes()
        owners = flow.owner_map()
        out: list[Handoff] = []
        for e in flow.edges:
            if e.target == END:
                continue
            a, b = steps[e.source], steps[e.target]
            if not people_of(a, owners, customer) or not people_of(b, owners, customer):
                continue
            if set(a.owners) == set(b.owners):
                continue
            comm = tuple(dict.fromkeys(t for t in (*a.tools, *b.tools) if t in tools and tools[t].category == "communication"))
            out.append(Handoff(a.id, b.id, tuple(a.owners), tuple(b.owners), self.visits[a.id] * e.probability, comm))
        return out

    def ranks(self) -> dict[str, int]:
        """A left-to-right column for each step: longest path over forward edges."""
        g = self.g
        order: dict[str, int] = {}
        back: set[tuple[str, str]] = set()
        state: dict[str, int] = {}
        roots = list(self.entries) + [n for n in g.nodes if n not in self.entries]
        for root in roots:
            if root in state:
                continue
            stack = [(root, iter(sorted(g.successors(root), key=self._pos)))]
            state[root] = 1
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    state[node] = 2
                    stack.pop()
                    continue
                if state.get(nxt) == 1:
                    back.add((node, nxt))
                elif nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, iter(sorted(g.successors(nxt), key=self._pos))))
        dag = nx.DiGraph()
        dag.add_nodes_from(g.nodes)
        dag.add_edges_from((u, v) for u, v in g.edges if (u, v) not in back and u != v)
        for n in nx.topological_sort(dag):
            preds = [order[p] + 1 for p in dag.predecessors(n)]
            order[n] = max(preds, default=0)
        return order

    def _pos(self, sid: str) -> int:
        return self._order.get(sid, 0)

    def lanes_top_down(self) -> list[str]:
        """Customer lanes first, then operator lanes, each in the flow's order."""
        lanes = self.flow.lanes
        return [la.name for la in lanes if la.kind == "customer"] + [la.name for la in lanes if la.kind != "customer"]


def _solve(a: list[list[float]], b: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None when singular."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        if abs(m[piv][col]) < 1e-12:
            return None
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                for k in range(col, n + 1):
                    m[r][k] -= f * m[col][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def build_graph(flow: Flow) -> FlowGraph:
    """The graph of a validated flow; raises InputError for endless loops."""
    return FlowGraph(flow)

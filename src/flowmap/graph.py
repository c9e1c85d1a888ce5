"""The flow as a directed graph, and what follows from its structure alone:
entry and end steps, the expected number of visits of each step per case
(loops such as reorders counted exactly), handoffs and a left-to-right order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import limits
from .errors import InputError, Problem
from .model import END, Flow, parallel_structure, people_of

HANDOFF_CATEGORIES: frozenset[str] = frozenset({"communication", "wait"})
"""Tool categories that carry a handoff and its ``delay``: a channel (``communication``, on either step of
the handoff) or a pure wait (``wait``: the wait before the step it is on when work comes from other people,
such as the ``引き継ぎ: STEP`` tools discover finds in an event log). The engine applies the channel's delay
and then the receiving step's waits; neither is a system or record, and tool scatter counts only real channels."""

if TYPE_CHECKING:
    import networkx as nx

    from .model import Flow, Step, Tool


def work_tools(step: Step, tools: dict[str, Tool]) -> list[str]:
    """The tools a step is done with: every tool it lists but its wait tools (a wait is a delay at a handoff,
    not a means of work, communication or record; unknown names are kept)."""
    return [t for t in step.tools if t not in tools or tools[t].category != "wait"]



def wait_tool_names(flow: Flow) -> list[str]:
    """The flow's wait tools (category ``wait``): delays at handoffs, not counted among its tools."""
    return [t.name for t in flow.tools if t.category == "wait"]


def count_work_tools(flow: Flow) -> int:
    """How many tools the flow's work is done with: every tool but the waits (see :func:`work_tools`)."""
    return len(flow.tools) - len(wait_tool_names(flow))


__all__ = ["FlowGraph", "build_graph", "count_work_tools", "wait_tool_names", "work_tools"]


@dataclass(frozen=True)
class Handoff:
    """An edge along which the work changes hands between people or teams
    (systems and customers do not hand over; they are the flow's joints)."""

    source: str
    target: str
    from_owners: tuple[str, ...]
    to_owners: tuple[str, ...]
    per_case: float  # expected traversals per case
    tools: tuple[str, ...]  # communication tools of the two steps, then the wait tools of the receiving step


class FlowGraph:
    """A :class:`Flow` as a directed graph (successor maps; :attr:`g` gives it as a
    ``networkx.DiGraph``) with derived figures.  The figures are computed without
    networkx, whose import alone costs every command a seventh of a second."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        succ: dict[str, dict[str, float]] = {s.id: {} for s in flow.steps}
        self.end_probability: dict[str, float] = defaultdict(float)
        for e in flow.edges:
            if e.target == END:
                self.end_probability[e.source] += e.probability
            else:
                succ.setdefault(e.source, {})[e.target] = e.probability
                succ.setdefault(e.target, {})
        self.succ = succ  # step id -> {next step id: probability}
        self._g: Any = None
        self._order = {s.id: i for i, s in enumerate(flow.steps)}
        self._handoffs: list[Handoff] | None = None
        self.parallel = parallel_structure(flow)
        self.entries = flow.entry_steps()
        self.ends = [s.id for s in flow.steps if not succ[s.id] or self.end_probability.get(s.id, 0) > 0]
        self.visits = self._expected_visits()
        too_many = limits.visit_problems(flow, self.visits)
        if too_many:
            raise InputError(too_many)

    @property
    def g(self) -> nx.DiGraph:
        """The flow as a ``networkx.DiGraph`` (nodes carry lane and name, edges probability); built on first use."""
        if self._g is None:
            import networkx as nx

            g = nx.DiGraph()
            for s in self.flow.steps:
                g.add_node(s.id, lane=s.lane, name=s.name)
            for a, targets in self.succ.items():
                for b, p in targets.items():
                    g.add_edge(a, b, probability=p)
            self._g = g
        return self._g

    # ------------------------------------------------------------- visits
    def _share(self, source: str, target: str) -> float:
        """Visits of ``target`` per visit of ``source`` along that edge: its probability, and a join
        that waits for k branches runs once per k arrivals (each branch of a fork has probability 1)."""
        return float(self.succ[source][target]) / self.parallel.need.get(target, 1)

    def _expected_visits(self) -> dict[str, float]:
        flow, succ = self.flow, self.succ
        volumes = flow.entry_volumes()
        total = sum(volumes.values()) or 1.0
        inflow: dict[str, float] = defaultdict(float)
        for sid, vol in volumes.items():
            inflow[sid] += vol / total
        visits: dict[str, float] = {}
        for members in _components(succ):
            nodes = sorted(members)
            idx = {n: i for i, n in enumerate(nodes)}
            b = [inflow[n] for n in nodes]
            if len(nodes) == 1 and nodes[0] not in succ[nodes[0]]:
                v = b
            else:
                closed = all(succ[n] and self.end_probability.get(n, 0) == 0
                             and all(t in idx for t in succ[n]) for n in nodes)
                if closed and any(x > 0 for x in b):
                    self._loop_error(nodes)
                n = len(nodes)
                a = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
                for src in nodes:
                    for t in succ[src]:
                        if t in idx:
                            a[idx[t]][idx[src]] -= self._share(src, t)
                solved = _solve(a, b)
                if solved is None or any(x < -1e-9 or x > 1e9 for x in solved):
                    self._loop_error(nodes)
                v = solved or b
            for n_, x in zip(nodes, v, strict=True):
                visits[n_] = max(x, 0.0)
                for t in succ[n_]:
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
            comm = tuple(dict.fromkeys([*(t for t in (*a.tools, *b.tools) if t in tools and tools[t].category == "communication"),
                                        *(t for t in b.tools if t in tools and tools[t].category == "wait")]))
            out.append(Handoff(a.id, b.id, tuple(a.owners), tuple(b.owners), self.visits[a.id] * e.probability, comm))
        return out

    def ranks(self) -> dict[str, int]:
        """A left-to-right column for each step: longest path over forward edges."""
        succ = self.succ
        order: dict[str, int] = {}
        back: set[tuple[str, str]] = set()
        state: dict[str, int] = {}
        roots = list(self.entries) + [n for n in succ if n not in self.entries]
        for root in roots:
            if root in state:
                continue
            stack = [(root, iter(sorted(succ[root], key=self._pos)))]
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
                    stack.append((nxt, iter(sorted(succ[nxt], key=self._pos))))
        forward = {u: [v for v in vs if (u, v) not in back and u != v] for u, vs in succ.items()}
        indegree = dict.fromkeys(succ, 0)
        for vs in forward.values():
            for v in vs:
                indegree[v] += 1
        ready = [n for n, d in indegree.items() if d == 0]
        order = dict.fromkeys(succ, 0)
        while ready:  # Kahn's order: every predecessor is placed before its successors
            n = ready.pop()
            for v in forward[n]:
                order[v] = max(order[v], order[n] + 1)
                indegree[v] -= 1
                if indegree[v] == 0:
                    ready.append(v)
        return order

    def _pos(self, sid: str) -> int:
        return self._order.get(sid, 0)

    def lanes_top_down(self) -> list[str]:
        """Customer lanes first, then operator lanes, each in the flow's order."""
        lanes = self.flow.lanes
        return [la.name for la in lanes if la.kind == "customer"] + [la.name for la in lanes if la.kind != "customer"]


def _components(succ: dict[str, dict[str, float]]) -> list[list[str]]:
    """Strongly connected components, upstream first (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in succ:
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(succ[nxt])))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                out.append(comp)
    out.reverse()  # Tarjan finds downstream components first
    return out


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

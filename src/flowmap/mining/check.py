"""Conformance and timing of a modeled flow against an event log.

Log activities are matched with steps by name (then by id).  Each case's path
is replayed on the flow's transitions: the case *fits* when it starts at an
entry step, every transition it makes is an edge of the flow (wait steps that
discover added are passed silently; steps on different branches of a fork may
follow each other in either order) and it ends where the flow can end.
Cases the log cut off while running are not asked to end.  The *replay
fitness* is the share of all moves (start, transitions, end) the flow allows.

Deviations are counted in cases: activities the flow lacks, transitions it
does not allow (with the step skipped when the flow has a step between
them), starts and ends it does not allow, and steps the log never shows.
Timing: each step's modeled mean duration vs the log's, each branch's
modeled vs observed share, arrivals per day, and the lead time of a
simulation of the flow vs the log's finished cases.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..io.eventlog import EventLog
from ..model import END, Flow
from ._timing import _batch_shared
from .discover import is_wait_step
from .fit import quantile
from .profile import LogProfile, profile_log

__all__ = ["CheckResult", "check"]


def _lt(xs: list[float]) -> dict[str, float]:
    s = sorted(xs)
    if not s:
        return {"mean": 0.0, "p50": 0.0, "p90": 0.0}
    return {"mean": round(sum(s) / len(s), 3), "p50": round(quantile(s, 0.5), 3), "p90": round(quantile(s, 0.9), 3)}


@dataclass
class CheckResult:
    flow_name: str
    log_source: str
    cases: int
    fitting_cases: int
    open_cases: int
    replay_fitness: float
    deviations: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    branches: list[dict[str, Any]] = field(default_factory=list)
    arrivals: dict[str, float] = field(default_factory=dict)
    lead_time: dict[str, dict[str, float]] | None = None
    simulation: dict[str, Any] | None = None

    @property
    def fitness(self) -> float:
        return self.fitting_cases / self.cases if self.cases else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow_name,
            "log": self.log_source,
            "cases": self.cases,
            "fitness": round(self.fitness, 4),
            "fitting_cases": self.fitting_cases,
            "replay_fitness": round(self.replay_fitness, 4),
            "open_cases": self.open_cases,
            "deviations": self.deviations,
            "steps": self.steps,
            "branches": self.branches,
            "arrivals_per_day": self.arrivals,
            "lead_time_minutes": self.lead_time,
            "simulation": self.simulation,
        }


class _Replay:
    """The flow's transitions between visible steps, wait steps passed through."""

    def __init__(self, flow: Flow) -> None:
        self.steps = flow.step_map()
        self.silent = {s.id for s in flow.steps if is_wait_step(s)}
        out: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for e in flow.edges:
            out[e.source].append((e.target, e.probability))
        self.out = out
        self.next: dict[str, dict[str, float]] = {sid: self._closure(sid) for sid in self.steps}
        entries: dict[str, float] = {}
        for sid in flow.entry_steps():
            if sid in self.silent:
                entries.update(self._closure(sid))
            else:
                entries[sid] = 1.0
        self.entries = set(entries)
        self.concurrent = _concurrent(flow)
        self.forks = {s.id for s in flow.steps if s.fork}

    def _closure(self, sid: str) -> dict[str, float]:
        """Visible successors of ``sid`` (or END) with their modeled shares."""
        res: dict[str, float] = defaultdict(float)
        stack: list[tuple[str, float, int]] = [(t, p, 0) for t, p in self.out.get(sid, [])] or [(END, 1.0, 0)]
        while stack:
            t, p, depth = stack.pop()
            if t in self.silent and depth < 20:
                stack.extend([(t2, p * p2, depth + 1) for t2, p2 in self.out.get(t, [])] or [(END, p, depth + 1)])
            else:
                res[t] += p
        return dict(res)


def _concurrent(flow: Flow) -> set[tuple[str, str]]:
    """Pairs of steps on different branches of a fork (before its join): a log may show them in either order."""
    from ..model import parallel_structure

    out: dict[str, list[str]] = defaultdict(list)
    for e in flow.edges:
        out[e.source].append(e.target)
    pairs: set[tuple[str, str]] = set()
    for fork, join in parallel_structure(flow).join_of.items():
        branches: list[set[str]] = []
        for start in out.get(fork, []):
            seen: set[str] = set()
            stack = [start]
            while stack:
                cur = stack.pop()
                if cur in (END, join) or cur in seen:
                    continue
                seen.add(cur)
                stack.extend(out.get(cur, []))
            branches.append(seen)
        for i, x in enumerate(branches):
            for y in branches[i + 1:]:
                pairs |= {(a, b) for a in x for b in y} | {(b, a) for a in x for b in y}
    return pairs


def _name_map(flow: Flow, log: EventLog) -> dict[int, str]:
    by_name = {s.name: s.id for s in flow.steps if not is_wait_step(s)}
    by_id = {s.id: s.id for s in flow.steps}
    out: dict[int, str] = {}
    for i, a in enumerate(log.activities):
        sid = by_name.get(a) or by_id.get(a)
        if sid:
            out[i] = sid
    return out


def check(flow: Flow, log: EventLog, *, simulate_model: bool = True, days: float | None = None,
          seed: int | None = None, replications: int | None = None, profile: LogProfile | None = None) -> CheckResult:
    prof = profile or profile_log(log)
    rp = _Replay(flow)
    act_step = _name_map(flow, log)
    fitting, total_moves, bad_moves, dev, skipped = _replay_cases(prof, rp, act_step, log.activities)
    deviations = _deviations(flow, rp, act_step, dev, skipped)
    result = CheckResult(flow.name, log.source, prof.cases, fitting, prof.cases - sum(prof.finished),
                         1 - bad_moves / total_moves if total_moves else 0.0, deviations,
                         _step_timing(flow, prof, act_step), _branches(flow, prof, rp, act_step),
                         {"model": round(sum(flow.entry_volumes().values()), 3), "log": round(prof.arrivals_per_day(), 3)})
    log_lt = _lt(prof.lead_times())
    if simulate_model:
        from ..simulation import simulate

        sim = simulate(flow, days=days, seed=seed, replications=replications)
        lt = sim.lead_time
        result.lead_time = {"model": {"mean": round(lt.mean, 3), "p50": round(lt.p50, 3), "p90": round(lt.p90, 3)},
                            "log": log_lt}
        ss = sim.settings
        result.simulation = {"days": ss.days, "replications": ss.replications, "seed": ss.seed,
                             "start": ss.start.isoformat()}
        waits = {x.step: x.wait_mean_minutes for x in sim.steps}
        for row in result.steps:
            row["model_wait_minutes"] = round(waits.get(row["step"], 0.0), 3)
    else:
        result.lead_time = {"model": None, "log": log_lt}  # type: ignore[dict-item]  # no model run: JSON null
    step_of_act = {sid: a for a, sid in act_step.items()}
    gaps = {a: (sum(ap.gaps) / len(ap.gaps) if len(ap.gaps) else None) for a, ap in enumerate(prof.activities)}
    for row in result.steps:
        ai = step_of_act.get(row["step"])
        g = gaps.get(ai) if ai is not None else None
        row["log_wait_minutes"] = None if g is None else round(g, 3)
    return result


_Deviation = tuple[str, str, str]


def _replay_cases(prof: LogProfile, rp: _Replay, act_step: dict[int, str], names: list[str]
                  ) -> tuple[int, int, int, Counter[_Deviation], Counter[str]]:
    """Each case's path replayed on the flow: fitting cases, moves, bad moves, deviations and skipped steps."""

    def label(a: int) -> str:
        return act_step.get(a, names[a])

    fitting = 0
    total_moves = 0
    bad_moves = 0
    dev: Counter[_Deviation] = Counter()
    skipped: Counter[str] = Counter()
    for path, finished in zip(prof.paths or [], prof.finished, strict=True):
        ok = True
        case_dev: set[_Deviation] = set()
        moves = 1 + max(0, len(path) - 1) + (1 if finished else 0)
        bad = 0
        for a in set(path):
            if a not in act_step:
                case_dev.add(("activity_not_in_flow", names[a], ""))
        first = path[0]
        if act_step.get(first) not in rp.entries:
            bad += 1
            case_dev.add(("start_not_in_flow", label(first), ""))
        for a, b in itertools.pairwise(path):
            sa, sb = act_step.get(a), act_step.get(b)
            if sa is None or sb is None or (sb not in rp.next.get(sa, {}) and (sa, sb) not in rp.concurrent):
                bad += 1
                case_dev.add(("transition_not_in_flow", label(a), label(b)))
                if sa is not None and sb is not None:
                    for mid in rp.next.get(sa, {}):
                        if mid != END and sb in rp.next.get(mid, {}):
                            skipped[mid] += 1
                            break
        if finished:
            last = act_step.get(path[-1])
            if last is None or END not in rp.next.get(last, {}):
                bad += 1
                case_dev.add(("end_not_in_flow", label(path[-1]), ""))
        if bad or any(k == "activity_not_in_flow" for k, _, _ in case_dev):
            ok = False
        fitting += ok
        total_moves += moves
        bad_moves += bad
        for d in case_dev:
            dev[d] += 1
    return fitting, total_moves, bad_moves, dev, skipped


def _deviations(flow: Flow, rp: _Replay, act_step: dict[int, str], dev: Counter[_Deviation],
                skipped: Counter[str]) -> list[dict[str, Any]]:
    deviations: list[dict[str, Any]] = []
    for (kind, x, y), n in dev.items():
        item: dict[str, Any] = {"kind": kind, "cases": n}
        if kind == "transition_not_in_flow":
            item["from"], item["to"] = x, y
            item["from_name"] = rp.steps[x].name if x in rp.steps else x
            item["to_name"] = rp.steps[y].name if y in rp.steps else y
        elif kind == "activity_not_in_flow":
            item["activity"] = x
        else:
            item["step"] = x
            item["name"] = rp.steps[x].name if x in rp.steps else x
        deviations.append(item)
    for sid, n in skipped.items():
        deviations.append({"kind": "step_skipped", "step": sid, "name": rp.steps[sid].name, "cases": n})
    seen_steps = set(act_step.values())
    for s in flow.steps:
        if s.id not in seen_steps and not is_wait_step(s):
            deviations.append({"kind": "step_not_in_log", "step": s.id, "name": s.name, "cases": 0})
    deviations.sort(key=lambda d: (-d["cases"], d["kind"], str(d.get("from", d.get("step", d.get("activity", ""))))))
    return deviations


def _step_timing(flow: Flow, prof: LogProfile, act_step: dict[int, str]) -> list[dict[str, Any]]:
    """Per visible step: the modeled and the logged mean duration."""
    step_of_act = {sid: a for a, sid in act_step.items()}
    steps_out: list[dict[str, Any]] = []
    for s in flow.steps:
        if is_wait_step(s):
            continue
        ai = step_of_act.get(s.id)
        ap = prof.activities[ai] if ai is not None else None
        log_mean: float | None = None
        if ap is not None and len(ap.durations):
            bt = _batch_shared(ap) if s.mode == "batch" else None
            log_mean = bt.per_case.mean if bt is not None else sum(ap.durations) / len(ap.durations)
        steps_out.append({"step": s.id, "name": s.name, "model_mean_minutes": round(s.duration.mean, 3),
                          "log_mean_minutes": None if log_mean is None else round(log_mean, 3),
                          "log_count": ap.count if ap else 0})
    return steps_out


def _branches(flow: Flow, prof: LogProfile, rp: _Replay, act_step: dict[int, str]) -> list[dict[str, Any]]:
    """Modeled vs observed shares between visible steps."""
    out_total: Counter[str] = Counter()
    pair_count: Counter[tuple[str, str]] = Counter()
    for (a, b), c in prof.transitions.items():
        sa, sb = act_step.get(a), act_step.get(b)
        if sa and sb:
            pair_count[(sa, sb)] += c
            out_total[sa] += c
    for a, c in prof.ends.items():
        sa = act_step.get(a)
        if sa:
            pair_count[(sa, END)] += c
            out_total[sa] += c
    branches: list[dict[str, Any]] = []
    order = {s.id: i for i, s in enumerate(flow.steps)}
    pairs = {(sid, t) for sid, nxt in rp.next.items() if sid not in rp.silent for t in nxt} | set(pair_count)
    # a fork is no choice, and the order of two parallel branches is no branch
    pairs = {(sid, t) for sid, t in pairs if sid not in rp.forks and (sid, t) not in rp.concurrent}
    for sid, t in sorted(pairs, key=lambda p: (order.get(p[0], 1 << 30), order.get(p[1], 1 << 30))):
        model = rp.next.get(sid, {}).get(t, 0.0)
        if len(rp.next.get(sid, {})) <= 1 and model == 1.0 and pair_count[(sid, t)] == out_total[sid]:
            continue  # no branch here, and the log agrees
        branches.append({"from": sid, "to": t, "model_share": round(model, 4),
                         "log_share": round(pair_count[(sid, t)] / out_total[sid], 4) if out_total[sid] else None,
                         "log_count": pair_count[(sid, t)]})
    return branches

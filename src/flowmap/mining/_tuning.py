"""Handoff delays: what is left of the waits at handoffs once queues, hours and batches are
simulated, given to the receiving steps as a delay (a tool of category wait: the engine waits for it
after the channel, before the receiving step is queued)."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

from ..model import END, Duration, Flow, Tool
from ._vocab import _t
from .profile import LogProfile


def _handoff_pairs(flow: Flow) -> dict[str, list[str]]:
    """For each step, its predecessors it is handed by in the simulation (people → other people)."""
    from ..model import people_of

    owners = flow.owner_map()
    customer = flow.customer_lanes()
    steps = flow.step_map()
    pairs: dict[str, list[str]] = defaultdict(list)
    for e in flow.edges:
        if e.target == END:
            continue
        a, b = steps[e.source], steps[e.target]
        pa, pb = people_of(a, owners, customer), people_of(b, owners, customer)
        if pa and pb and "・".join(a.owners) != "・".join(b.owners):
            pairs[b.id].append(a.id)
    return pairs


def _mean_gaps(events: list[tuple[int, str, str, str, float, float]]) -> dict[tuple[str, str], tuple[float, int, float]]:
    """Per transition of a simulated log: mean gap, count and sum of squares."""
    by_case: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    for cid, act, _res, _lane, s, e in events:
        by_case[cid].append((s, e, act))
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0, 0.0])
    for evs in by_case.values():
        evs.sort()
        for (_s0, e0, a0), (s1, _e1, a1) in itertools.pairwise(evs):
            x = acc[(a0, a1)]
            g = max(0.0, s1 - e0)
            x[0] += g
            x[1] += 1
            x[2] += g * g
    return {k: (v[0] / v[1], int(v[1]), v[2]) for k, v in acc.items() if v[1]}


def _tune_handoffs(flow: Flow, prof: LogProfile, lines: list[str], lang: str) -> None:
    """Give receiving steps a wait tool whose delay makes the simulated handoff waits match the log's.

    The wait after a handoff grows faster than the delay (a delay that runs past closing time
    waits for the next morning), so each step's delay is found by the secant method over a few
    simulations with the same random numbers; differences within the noise of the two means
    (three standard errors, at least 5 minutes or 5 %) are left alone.
    """
    from ..simulation import simulate

    pairs = _handoff_pairs(flow)
    if not pairs:
        return
    steps = flow.step_map()
    want = _log_gaps(flow, prof, pairs)
    if not want:
        return
    delays: dict[str, float] = {}
    history: dict[str, list[tuple[float, float]]] = defaultdict(list)  # (delay, simulated gap)
    days = max(1.0, min(prof.span_days, 120.0))
    for _round in range(4):
        _apply_delays(flow, delays, lang)
        res = simulate(flow, days=days, replications=1, seed=1, events=True, start=flow.settings.start)
        sim = _mean_gaps(res.replications[0].events)
        changed = False
        for sid, (target, se) in want.items():
            tot, n, sq = 0.0, 0, 0.0
            for t in pairs[sid]:
                g = sim.get((steps[t].name, steps[sid].name))
                if g:
                    tot += g[0] * g[1]
                    n += g[1]
                    sq += g[2]
            if n < 2:
                continue
            have = tot / n
            sim_se = math.sqrt(max(0.0, sq / n - have * have) / n)
            cur = delays.get(sid, 0.0)
            history[sid].append((cur, have))
            diff = target - have
            if abs(diff) <= max(5.0, 0.05 * target, 3 * math.sqrt(se * se + sim_se * sim_se)):
                continue
            new = max(0.0, cur + _secant_step(history[sid], diff))
            if new < 0.5:
                if sid in delays:
                    del delays[sid]
                    changed = True
                continue
            delays[sid] = new
            changed = True
        if not changed:
            break
    _apply_delays(flow, delays, lang)
    for sid, d in delays.items():
        lines.append(_t(lang, f"{steps[sid].name}: handoff wait before it {d:.0f} min on average beyond queues and hours",
                        f"{steps[sid].name}: 待ち行列と勤務時間のほかに、渡されてから取りかかるまでの引き継ぎ待ち 平均 {d:.0f} 分"))


def _log_gaps(flow: Flow, prof: LogProfile, pairs: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """Per receiving step with at least 10 handoffs into it in the log: (the log's mean gap, its standard error)."""
    steps = flow.step_map()
    name_to_act = {n: i for i, n in enumerate(prof.log.activities)}
    want: dict[str, tuple[float, float]] = {}
    for sid, senders in pairs.items():
        xs: list[float] = []
        b = name_to_act.get(steps[sid].name)
        for t in senders:
            a = name_to_act.get(steps[t].name)
            if a is not None and b is not None:
                xs.extend(prof.transition_gaps.get((a, b), []))
        if len(xs) >= 10:
            m = sum(xs) / len(xs)
            sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
            want[sid] = (m, sd / math.sqrt(len(xs)))
    return want


def _secant_step(h: list[tuple[float, float]], diff: float) -> float:
    """The change of delay toward the log's gap: a secant step over the last two (delay, gap) pairs tried."""
    if len(h) >= 2 and h[-1][0] != h[-2][0]:
        slope = (h[-1][1] - h[-2][1]) / (h[-1][0] - h[-2][0])
        return diff / slope if slope > 0.2 else diff
    return diff * 0.5


def _apply_delays(flow: Flow, delays: dict[str, float], lang: str) -> None:
    keep = [t for t in flow.tools if not t.name.startswith(_t(lang, "handoff: ", "引き継ぎ: "))]
    for s in flow.steps:
        s.tools = [t for t in s.tools if not t.startswith(_t(lang, "handoff: ", "引き継ぎ: "))]
    for sid, d in delays.items():
        s = flow.step_map()[sid]
        tname = _t(lang, f"handoff: {s.name}", f"引き継ぎ: {s.name}")
        keep.append(Tool(name=tname, category="wait", delay=Duration(kind="exponential", params=(round(d, 1),))))
        s.tools.append(tname)
    flow.tools = keep

"""Handoffs: how often work changes hands along the expected path, ping-pong
between the same two owners, and handoffs that wait on a communication tool."""

from __future__ import annotations

from ..model import people_of
from ._base import Context, Finding, NotApplicable

NAME = "handoffs"


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    handoffs = ctx.graph.handoffs()
    if not any(s.owners for s in flow.steps):
        raise NotApplicable("no step names an owner, so handoffs cannot be seen", "担当者のいる工程がないため、引き継ぎを判定できません")
    findings: list[Finding] = []
    per_case = sum(h.per_case for h in handoffs)
    volume = sum(flow.entry_volumes().values())
    if per_case >= 3:
        owners = list(dict.fromkeys(o for h in handoffs for o in (*h.from_owners, *h.to_owners)))
        findings.append(Finding(
            analyzer=NAME, code="handoffs.many", key="handoffs:per_case", severity="medium" if per_case >= 6 else "low",
            params={"per_case": round(per_case, 2), "owners": len(owners)},
            title=ctx.t(f"{per_case:.1f} handoffs per case", f"1 件あたり {per_case:.1f} 回の引き継ぎ"),
            message=ctx.t(f"A case changes hands {per_case:.1f} times on average between {len(owners)} owners; every handoff waits and can drop information.",
                          f"1 件の案件が平均 {per_case:.1f} 回、{len(owners)} 者の間で受け渡されます。引き継ぎごとに待ちと情報の抜けが生じます。"),
            steps=list(dict.fromkeys(x for h in handoffs for x in (h.source, h.target))), owners=owners,
            suggestion=ctx.t("Give one owner a whole stretch of the flow, or let a system pass the work on.",
                             "一連の作業を一人の担当にまとめるか、システムで自動的に受け渡します。"),
        ))
    # ping-pong: A -> B -> A along consecutive edges
    steps = ctx.steps
    out = flow.out_edges()

    def people(sid: str) -> bool:
        return bool(people_of(steps[sid], ctx.owners, ctx.customer))

    seen: set[tuple[str, ...]] = set()
    for e1 in flow.edges:
        if e1.target not in steps:
            continue
        a, b = steps[e1.source], steps[e1.target]
        if not people(a.id) or not people(b.id) or set(a.owners) == set(b.owners):
            continue
        for e2 in out.get(b.id, []):
            c = steps.get(e2.target)
            if c is None or set(c.owners) != set(a.owners) or not people(c.id):
                continue
            key = (a.id, b.id, c.id)
            if key in seen:
                continue
            seen.add(key)
            findings.append(Finding(
                analyzer=NAME, code="handoffs.ping_pong", key=f"handoffs:ping_pong:{a.id}>{b.id}>{c.id}", severity="medium",
                params={"from_owners": list(a.owners), "to_owners": list(b.owners), "steps": list(key)},
                title=ctx.t(f"Work goes back and forth: {'/'.join(a.owners)} → {'/'.join(b.owners)} → {'/'.join(a.owners)}",
                            f"{'・'.join(a.owners)} → {'・'.join(b.owners)} → {'・'.join(a.owners)} の往復"),
                message=ctx.t(f"{ctx.step_label(a.id)}, {ctx.step_label(b.id)} and {ctx.step_label(c.id)} pass the case back to where it came from.",
                              f"{ctx.step_label(a.id)}、{ctx.step_label(b.id)}、{ctx.step_label(c.id)} で案件が元の担当に戻ります。"),
                steps=list(key), owners=list(dict.fromkeys([*a.owners, *b.owners])),
                minutes_per_day=ctx.load.step_minutes.get(b.id, 0.0),
                suggestion=ctx.t("Let one owner finish the case, or give the middle step the information it asks for up front.",
                                 "一人の担当で完結させるか、途中の工程が必要とする情報を最初に渡します。"),
            ))
    # handoffs through a communication tool with a delay
    tools = ctx.tools
    for h in handoffs:
        delays = [(t, tools[t].delay) for t in h.tools if tools[t].delay is not None]
        if not delays:
            continue
        wait = max(d.mean for _, d in delays if d is not None)
        per_day = h.per_case * volume
        if wait * per_day < 30:
            continue
        findings.append(Finding(
            analyzer=NAME, code="handoffs.tool_wait", key=f"handoffs:wait:{h.source}->{h.target}", severity="low",
            params={"source": h.source, "target": h.target, "tools": [t for t, _ in delays], "per_day": round(per_day, 1),
                    "wait_minutes": round(wait, 1), "waiting_hours_per_day": round(wait * per_day / 60, 1)},
            title=ctx.t(f"Handoff {h.source} → {h.target} waits on {', '.join(t for t, _ in delays)}",
                        f"{h.source} → {h.target} の引き継ぎが {'・'.join(t for t, _ in delays)} 待ち"),
            message=ctx.t(f"{per_day:.0f} handoffs a day wait about {wait:.0f} min each for {', '.join(t for t, _ in delays)} "
                          f"to be read: {wait * per_day / 60:,.0f} case-hours of waiting a day (lead time, not work).",
                          f"1 日 {per_day:.0f} 件の引き継ぎが、{'・'.join(t for t, _ in delays)} を読まれるまで平均約 {wait:.0f} 分待ちます"
                          f"（1 日あたり延べ {wait * per_day / 60:,.0f} 時間の待ち。作業時間ではなくリードタイムの損失）。"),
            steps=[h.source, h.target], owners=list(dict.fromkeys(h.from_owners + h.to_owners)), tools=[t for t, _ in delays],
            suggestion=ctx.t("Hand over through a shared queue the receiver works from.", "受け手が作業する共有の依頼キューで引き継ぎます。"),
        ))
    return findings

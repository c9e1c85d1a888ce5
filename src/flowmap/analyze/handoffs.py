"""Handoffs: how often work changes hands along the expected path, ping-pong
between the same two owners, and handoffs that wait on a communication tool
(to be read) or on a wait tool of the receiving step (a pure handoff wait)."""

from __future__ import annotations

from ..model import people_of
from ._base import Context, Finding, NotApplicable, Params
from ._spec import AnalyzerSpec, Args, Grade, Words, grade, num

NAME = "handoffs"
# Handoffs per case from which the count is worth a finding, and from which it is medium.
MANY, TOO_MANY = 3.0, 6.0
# Case-minutes of waiting a day below which a slow channel is not worth a finding.
WAIT_MINUTES = 30.0



COUNT = (
    Grade("medium", f"{TOO_MANY:g} or more handoffs per case", f"1 件あたり {TOO_MANY:g} 回以上", lambda p: num(p, "per_case") >= TOO_MANY),
    Grade("low", f"{MANY:g} or more handoffs per case", f"1 件あたり {MANY:g} 回以上"),
)
PING_PONG = (Grade("medium", "work returns to the owner it came from (A → B → A)", "案件が元の担当に戻る（A → B → A）"),)
WAIT = (Grade("low", f"a handoff over a tool with a delay, ≥ {WAIT_MINUTES:g} case-minutes of waiting a day (lead time, not work)",
              f"遅延のある手段での引き継ぎで、1 日延べ {WAIT_MINUTES:g} 分以上の待ち（作業時間ではなくリードタイム）"),)

# _en_why and _ja_why alike in shape only: one wording per language (data, as the catalogues).
def _en_why(a: Args) -> str:
    """What the handoff waits for: its channel to be read, the receiving step's wait tools, or both."""
    channel, waits = a.raw("channel"), a.raw("waits")
    if channel and waits:
        return f"for {a['channel']} to be read and then at the handoff ({a['waits']}) before {a['target']} is taken up"
    if waits:
        return f"at the handoff ({a['waits']}) before {a['target']} is taken up"
    return f"for {a['channel']} to be read"


def _ja_why(a: Args) -> str:
    channel, waits = a.raw("channel"), a.raw("waits")
    if channel and waits:
        return f"{a['channel']} を読まれるまでと、その後 {a['target']} に取りかかるまでの引き継ぎ待ち（{a['waits']}）で"
    if waits:
        return f"{a['target']} に取りかかるまでの引き継ぎ待ち（{a['waits']}）で"
    return f"{a['channel']} を読まれるまで"


# EN and JA alike in shape only (to each other and to other analyzers' catalogues): one message catalogue per language, data, not logic.
EN = {
    "handoffs.many": Words(
        title="{per_case:.1f} handoffs per case",
        message="A case changes hands {per_case:.1f} times on average between {owners} owners; every handoff waits and can drop information.",
        suggestion="Give one owner a whole stretch of the flow, or let a system pass the work on."),
    "handoffs.ping_pong": Words(
        title=lambda a: f"Work goes back and forth: {a['from_owners']} → {a['to_owners']} → {a['from_owners']}",
        message="{step_labels} pass the case back to where it came from.",
        suggestion="Let one owner finish the case, or give the middle step the information it asks for up front."),
    "handoffs.tool_wait": Words(
        title="Handoff {source} → {target} waits on {tools}",
        message=lambda a: f"{a.raw('per_day'):,.0f} handoffs a day wait about {a.raw('wait_minutes'):,.0f} min each "
                          + _en_why(a) + f": {a.raw('waiting_hours_per_day'):,.0f} case-hours of waiting a day (lead time, not work).",
        suggestion="Hand over through a shared queue the receiver works from."),
}
JA = {
    "handoffs.many": Words(
        title="1 件あたり {per_case:.1f} 回の引き継ぎ",
        message="1 件の案件が平均 {per_case:.1f} 回、{owners} 者の間で受け渡されます。引き継ぎごとに待ちと情報の抜けが生じます。",
        suggestion="一連の作業を一人の担当にまとめるか、システムで自動的に受け渡します。"),
    "handoffs.ping_pong": Words(
        title=lambda a: f"{a['from_owners']} → {a['to_owners']} → {a['from_owners']} の往復",
        message="{step_labels} で案件が元の担当に戻ります。",
        suggestion="一人の担当で完結させるか、途中の工程が必要とする情報を最初に渡します。"),
    "handoffs.tool_wait": Words(
        title="{source} → {target} の引き継ぎが {tools} 待ち",
        message=lambda a: f"1 日 {a.raw('per_day'):,.0f} 件の引き継ぎが、" + _ja_why(a) + f"平均約 {a.raw('wait_minutes'):,.0f} 分待ちます"
                          f"（1 日あたり延べ {a.raw('waiting_hours_per_day'):,.0f} 時間の待ち。作業時間ではなくリードタイムの損失）。",
        suggestion="受け手が作業する共有の依頼キューで引き継ぎます。"),
}


def _count(ctx: Context) -> list[Finding]:
    handoffs = ctx.graph.handoffs()
    per_case = sum(h.per_case for h in handoffs)
    if per_case < MANY:
        return []
    owners = list(dict.fromkeys(o for h in handoffs for o in (*h.from_owners, *h.to_owners)))
    p: Params = {"per_case": round(per_case, 2), "owners": len(owners)}
    return [Finding(analyzer=NAME, code="handoffs.many", key="handoffs:per_case", severity=grade(COUNT, p), params=p,
                    steps=list(dict.fromkeys(x for h in handoffs for x in (h.source, h.target))), owners=owners)]


def _ping_pong(ctx: Context) -> list[Finding]:
    steps = ctx.steps
    out = ctx.flow.out_edges()

    def people(sid: str) -> bool:
        return bool(people_of(steps[sid], ctx.owners, ctx.customer))

    findings: list[Finding] = []
    seen: set[tuple[str, ...]] = set()
    for e1 in ctx.flow.edges:
        if e1.target not in steps:
            continue
        a, b = steps[e1.source], steps[e1.target]
        if not people(a.id) or not people(b.id) or set(a.owners) == set(b.owners):
            continue
        for e2 in out.get(b.id, []):
            c = steps.get(e2.target)
            if c is None or set(c.owners) != set(a.owners) or not people(c.id):
                continue
            trio = (a.id, b.id, c.id)
            if trio in seen:
                continue
            seen.add(trio)
            p: Params = {"from_owners": list(a.owners), "to_owners": list(b.owners), "steps": list(trio),
                         "step_labels": [ctx.step_label(x) for x in trio]}
            findings.append(Finding(analyzer=NAME, code="handoffs.ping_pong", key=f"handoffs:ping_pong:{a.id}>{b.id}>{c.id}",
                                    severity=grade(PING_PONG, p), params=p, steps=list(trio),
                                    owners=list(dict.fromkeys([*a.owners, *b.owners])),
                                    minutes_per_day=ctx.load.step_minutes.get(b.id, 0.0)))
    return findings


def _waits(ctx: Context) -> list[Finding]:
    tools = ctx.tools
    volume = sum(ctx.flow.entry_volumes().values())
    findings: list[Finding] = []
    for h in ctx.graph.handoffs():
        # As the engine waits: the channel (the first communication tool with a delay on the sending step, else on
        # the receiving one), then every wait tool of the receiving step.
        channel = next((t for sid in (h.source, h.target) for t in ctx.steps[sid].tools
                        if t in h.tools and tools[t].category == "communication" and tools[t].delay is not None), None)
        waits = [t for t in h.tools if tools[t].category == "wait" and tools[t].delay is not None]
        delays = [(t, d) for t in ([channel] if channel else []) + waits if (d := tools[t].delay) is not None]
        if not delays:
            continue
        wait = sum(d.mean for _, d in delays)
        per_day = h.per_case * volume
        if wait * per_day < WAIT_MINUTES:
            continue
        p: Params = {"source": h.source, "target": h.target, "tools": [t for t, _ in delays], "per_day": round(per_day, 1),
                     "wait_minutes": round(wait, 1), "waiting_hours_per_day": round(wait * per_day / 60, 1),
                     "channel": [channel] if channel else [], "waits": waits}
        findings.append(Finding(analyzer=NAME, code="handoffs.tool_wait", key=f"handoffs:wait:{h.source}->{h.target}",
                                severity=grade(WAIT, p), params=p, steps=[h.source, h.target],
                                owners=list(dict.fromkeys(h.from_owners + h.to_owners)), tools=[t for t, _ in delays]))
    return findings


def analyze(ctx: Context) -> list[Finding]:
    if not any(s.owners for s in ctx.flow.steps):
        raise NotApplicable("handoffs.no_owners", {"steps": len(ctx.flow.steps)})
    return _count(ctx) + _ping_pong(ctx) + _waits(ctx)


# Why it may not run (NotApplicable code → words), one catalogue per language like EN and JA.
REASONS_EN = {"handoffs.no_owners": "none of the {steps} steps names an owner, so handoffs cannot be seen"}
REASONS_JA = {"handoffs.no_owners": "{steps} 工程のどれにも担当者が書かれていないため、引き継ぎを判定できません"}

SPEC = AnalyzerSpec(
    name=NAME, labels={"ja": "引き継ぎ", "en": "handoffs"}, run=analyze,
    summary={"en": "handoffs per case, ping-pong A → B → A, handoffs that wait on a tool with a delay",
             "ja": "1 件あたりの引き継ぎ回数、A → B → A の往復、遅延のある手段での引き継ぎ待ち"},
    codes={"handoffs.many": COUNT, "handoffs.ping_pong": PING_PONG, "handoffs.tool_wait": WAIT},
    messages={"en": EN, "ja": JA},
    reasons={"en": REASONS_EN, "ja": REASONS_JA},
)

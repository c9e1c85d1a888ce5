"""Automation candidates: high-volume manual steps that only move data
between tools (they read data and write it into another tool)."""

from __future__ import annotations

from ._base import Context, Finding

NAME = "automation"


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    tools = ctx.tools
    customer = ctx.customer
    threshold = flow.settings.automation_minutes
    findings: list[Finding] = []
    for s in flow.steps:
        if s.lane in customer or s.mode != "manual":
            continue
        minutes = ctx.load.step_minutes.get(s.id, 0.0)
        systems = [t for t in s.tools if t in tools and tools[t].category != "communication"]
        if minutes < threshold or not s.writes or not (s.reads or len(systems) >= 2) or not systems:
            continue
        per_day = ctx.load.step_per_day.get(s.id, 0.0)
        findings.append(Finding(
            analyzer=NAME, code="automation.transcription", key=f"automation:{s.id}",
            severity="medium" if minutes >= 120 else "low",
            params={"step": s.id, "step_name": s.name, "per_day": round(per_day, 1), "minutes_per_day": round(minutes, 1),
                    "reads": list(s.reads), "writes": list(s.writes), "tools": systems},
            title=ctx.t(f"Automate {s.id} {s.name}", f"{s.id} {s.name} の自動化候補"),
            message=ctx.t(f"{s.name} runs {per_day:.0f} times a day by hand ({minutes:.0f} min/day), keying "
                          f"{', '.join(s.reads) or 'data'} into {', '.join(s.writes)} "
                          + (f"across {', '.join(systems)}." if len(systems) > 1 else f"in {systems[0]}."),
                          f"{s.name} は 1 日 {per_day:.0f} 回、手作業で {minutes:.0f} 分かけて "
                          f"{'・'.join(s.reads) or 'データ'} を"
                          + (f" {'・'.join(systems)} の間で" if len(systems) > 1 else f" {systems[0]} に")
                          + f"{'・'.join(s.writes)} として転記しています。"),
            steps=[s.id], owners=list(s.owners), tools=systems, data=list(dict.fromkeys([*s.reads, *s.writes])),
            minutes_per_day=minutes,
            suggestion=ctx.t(f"A batch job or an integration feeding {', '.join(systems)} would free {minutes:.0f} min/day.",
                             f"{'・'.join(systems)} へのバッチ処理・システム連携で 1 日 {minutes:.0f} 分が空きます。"),
        ))
    return findings

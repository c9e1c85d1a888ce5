"""Automation candidates: high-volume manual steps that only move data
between tools (they read data and write it into another tool).

A step whose work includes talking to someone live (a phone call, a word
at the desk) is not a candidate: the conversation is the work, and typing
what was said is part of it.
"""

from __future__ import annotations

from ._base import Context, Finding, Params
from ._spec import AnalyzerSpec, Args, Grade, Threshold, Words, grade, num

NAME = "automation"
MINUTES = Threshold("automation_minutes", 30, "minutes a day of hand transcription from which a step is a candidate",
                    "手作業の転記がこの分数/日以上で自動化候補")
# Two hours a day of transcription makes a candidate medium.
MEDIUM_MINUTES = 120.0



GRADES = (
    Grade("medium", f"≥ {MEDIUM_MINUTES:g} min/day of transcription", f"転記が 1 日 {MEDIUM_MINUTES:g} 分以上",
          lambda p: num(p, "minutes_per_day") >= MEDIUM_MINUTES),
    Grade("low", "≥ automation_minutes (30) min/day of transcription", "転記が 1 日 automation_minutes（30）分以上"),
)


def _where_en(a: Args) -> str:
    tools = a.raw("tools")
    return f"across {a['tools']}" if isinstance(tools, list) and len(tools) > 1 else f"in {a['tools']}"


def _where_ja(a: Args) -> str:
    tools = a.raw("tools")
    return f" {a['tools']} の間で" if isinstance(tools, list) and len(tools) > 1 else f" {a['tools']} に"


# EN and JA alike in shape only (to each other and to other analyzers' catalogues): one message catalogue per language, data, not logic.
EN = {
    "automation.transcription": Words(
        title="Automate {step} {step_name}",
        message=lambda a: f"{a['step_name']} runs {a['per_day']:,.0f} times a day by hand ({a['minutes_per_day']:,.0f} min/day), "
                          f"keying {a['reads'] or 'data'} into {a['writes']} {_where_en(a)}.",
        suggestion="A batch job or an integration feeding {tools} would free {minutes_per_day:,.0f} min/day."),
}
JA = {
    "automation.transcription": Words(
        title="{step} {step_name} の自動化候補",
        message=lambda a: f"{a['step_name']} は 1 日 {a['per_day']:,.0f} 回、手作業で {a['minutes_per_day']:,.0f} 分かけて "
                          f"{a['reads'] or 'データ'} を{_where_ja(a)}{a['writes']} として転記しています。",
        suggestion="{tools} へのバッチ処理・システム連携で 1 日 {minutes_per_day:,.0f} 分が空きます。"),
}


def analyze(ctx: Context) -> list[Finding]:
    tools = ctx.tools
    threshold = ctx.threshold(MINUTES.key)
    findings: list[Finding] = []
    for s in ctx.flow.steps:
        if s.lane in ctx.customer or s.mode != "manual" or ctx.talks(s.id):
            continue
        minutes = ctx.load.step_minutes.get(s.id, 0.0)
        systems = [t for t in s.tools if t in tools and tools[t].category != "communication"]
        if minutes < threshold or not s.writes or not (s.reads or len(systems) >= 2) or not systems:
            continue
        p: Params = {"step": s.id, "step_name": s.name, "per_day": round(ctx.load.step_per_day.get(s.id, 0.0), 1),
                     "minutes_per_day": round(minutes, 1), "reads": list(s.reads), "writes": list(s.writes), "tools": systems}
        findings.append(Finding(analyzer=NAME, code="automation.transcription", key=f"automation:{s.id}",
                                severity=grade(GRADES, p), params=p, steps=[s.id], owners=list(s.owners), tools=systems,
                                data=list(dict.fromkeys([*s.reads, *s.writes])), minutes_per_day=minutes))
    return findings


SPEC = AnalyzerSpec(
    name=NAME, labels={"ja": "自動化候補", "en": "automation"}, run=analyze,
    summary={"en": "manual steps moving data into systems for ≥ automation_minutes a day, not steps that talk to a person",
             "ja": "1 日 automation_minutes 分以上かけてシステムへデータを移す手作業（人と話す工程は除く）"},
    codes={"automation.transcription": GRADES}, messages={"en": EN, "ja": JA}, thresholds=(MINUTES,),
)

"""Customer journey: customer steps with negative emotion or a stated pain point."""

from __future__ import annotations

from ._base import Context, Finding, NotApplicable

NAME = "journey"


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    customer = ctx.customer
    cust_steps = [s for s in flow.steps if s.lane in customer]
    if not cust_steps:
        raise NotApplicable("the flow has no customer lane", "お客様のレーンがありません")
    findings: list[Finding] = []
    per_day = ctx.load.step_per_day
    for s in cust_steps:
        if (s.emotion is None or s.emotion >= 0) and not s.pain:
            continue
        if s.emotion is not None and s.emotion >= 0:
            continue
        severity = "medium" if (s.emotion or 0) <= -2 else "low"
        feeling = f"{s.emotion:+d}" if s.emotion is not None else "?"
        findings.append(Finding(
            analyzer=NAME, code="journey.pain_point", key=f"journey:{s.id}", severity=severity,  # type: ignore[arg-type]
            params={"step": s.id, "step_name": s.name, "per_day": round(per_day.get(s.id, 0), 1), "emotion": s.emotion,
                    "touchpoint": s.touchpoint or None, "pain": s.pain or None},
            title=ctx.t(f"Pain point at {s.id} {s.name}", f"{s.id} {s.name} でお客様が不満"),
            message=ctx.t(f"{per_day.get(s.id, 0):.0f} customers a day reach {s.name} ({s.touchpoint or 'no touchpoint'}, emotion {feeling})"
                          + (f": {s.pain}" if s.pain else "."),
                          f"1 日 {per_day.get(s.id, 0):.0f} 人のお客様が {s.name}（{s.touchpoint or '接点未記入'}、感情 {feeling}）"
                          + (f"で「{s.pain}」と感じています。" if s.pain else "で不満を感じています。")),
            steps=[s.id], tools=list(s.tools),
            suggestion=ctx.t("Fix what the customer meets here first; it weighs on reorders.",
                             "ここでの体験を優先して改善します。再購入に響きます。"),
        ))
    return findings

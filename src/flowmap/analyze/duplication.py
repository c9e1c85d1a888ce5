"""Duplicated work (作業の重複): the same information entered by several
people or into several tools.

Writers of a data item are the steps people do that write it (typing) and
the customer's own steps (what the customer already typed need not be typed
again).  Automated steps and system batches move data between systems and
are not re-entry.  Items with the same set of writer steps are reported together.
"""

from __future__ import annotations

from collections import defaultdict

from ._base import Context, Finding, NotApplicable

NAME = "duplication"


def _record_tools(ctx: Context, sid: str) -> list[str]:
    tools = ctx.tools
    return [t for t in ctx.steps[sid].tools if t in tools and tools[t].category != "communication"]


def _keep(ctx: Context, tools: list[str], sids: list[str]) -> str:
    """The record to keep: used by most writers, a record system before others."""
    if not tools:
        return ""
    cats = ctx.tools
    steps = ctx.steps
    uses = {t: sum(t in steps[sid].tools for sid in sids) for t in tools}
    return max(tools, key=lambda t: (uses[t], cats[t].category == "record", -tools.index(t)))


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    if not any(s.writes for s in flow.steps):
        raise NotApplicable("no step lists the data it writes (the writes / 入力データ column), so duplicated entry cannot be found",
                            "入力データ（writes）の列がどの工程にもないため、重複入力を判定できません")
    customer = ctx.customer
    steps = ctx.steps
    order = {s.id: i for i, s in enumerate(flow.steps)}
    writers: dict[str, list[str]] = defaultdict(list)
    written_any: set[str] = set()
    for s in flow.steps:
        for item in s.writes:
            written_any.add(item)
            if s.lane in customer or s.id in ctx.load.step_minutes:
                writers[item].append(s.id)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for item, sids in writers.items():
        if len(sids) >= 2:
            groups[tuple(sorted(set(sids), key=order.__getitem__))].append(item)
    findings: list[Finding] = []
    for group, items in groups.items():
        sids = list(group)
        people: list[str] = []
        tools: list[str] = []
        for sid in sids:
            s = steps[sid]
            who = s.owners if s.lane not in customer else [s.lane]  # the customer, by the flow's own lane name
            people += [o for o in who if o not in people]
            tools += [t for t in _record_tools(ctx, sid) if t not in tools]
        # minutes spent re-entering: every writer after the first, pro rata of its written items
        minutes = 0.0
        for sid in sids[1:]:
            s = steps[sid]
            if s.lane in customer:
                continue
            minutes += ctx.load.step_minutes.get(sid, 0.0) * len(set(items) & set(s.writes)) / len(s.writes)
        if len(people) >= 2 and len(tools) >= 2:
            severity = "high"
        elif len(people) >= 2 or len(tools) >= 2:
            severity = "medium"
        else:
            severity = "low"
        if severity != "low" and minutes < 5:
            severity = "medium" if severity == "high" else "low"
        labels = ctx.t(", ", "、").join(ctx.step_label(s) for s in sids)
        keep = _keep(ctx, tools, sids)
        findings.append(Finding(
            analyzer=NAME, code="duplication.same_data", key=f"duplication:{'+'.join(sorted(items))}",
            severity=severity,  # type: ignore[arg-type]
            params={"items": sorted(items), "times": len(sids), "steps": sids, "people": people, "tools": tools,
                    "keep": keep, "minutes_per_day": round(minutes, 1)},
            title=ctx.t(f"{', '.join(items)} entered {len(sids)} times", f"{'・'.join(items)} を {len(sids)} 回入力している"),
            message=ctx.t(
                f"{', '.join(items)} is entered in {labels} by {', '.join(people)}"
                + (f" into {', '.join(tools)}" if tools else "") + "; the records drift apart and what was learnt does not accumulate.",
                f"{'・'.join(items)} を {labels} で {'・'.join(people)} が"
                + (f"{'・'.join(tools)} に" if tools else "") + "それぞれ入力しています。記録の辻褄が合わなくなり、知見がたまりません。"),
            steps=sids, owners=people, tools=tools, data=sorted(items),
            minutes_per_day=minutes,
            suggestion=ctx.t(
                f"Enter it once, at the first step, into one system ({keep or 'a shared record'}); later steps read and append instead of retyping.",
                f"最初の工程で一度だけ一つのシステム（{keep or '共有の記録'}）に入力し、後の工程は参照・追記にします。"),
        ))
    # information read but never written: it lives only in someone's head
    for s in flow.steps:
        if s.lane in customer:
            continue
        missing = [i for i in s.reads if i not in written_any]
        if missing:
            findings.append(Finding(
                analyzer=NAME, code="duplication.never_recorded",
                key=f"duplication:unrecorded:{'+'.join(sorted(missing))}@{s.id}", severity="low",
                params={"items": missing, "step": s.id, "step_name": s.name},
                title=ctx.t(f"{', '.join(missing)} is read but never recorded", f"{'・'.join(missing)} は参照されるのにどこにも入力されていない"),
                message=ctx.t(f"{ctx.step_label(s.id)} reads {', '.join(missing)}, which no step writes: it lives only in someone's head or an unlisted file.",
                              f"{ctx.step_label(s.id)} が参照する {'・'.join(missing)} はどの工程でも入力されていません。誰かの頭の中か、フローにない資料にしかありません。"),
                steps=[s.id], owners=list(s.owners), tools=list(s.tools), data=missing,
                suggestion=ctx.t("Add the step that records it, or name the system it comes from.",
                                 "記録する工程を追加するか、どのシステムの情報かを明記します。"),
            ))
    return findings

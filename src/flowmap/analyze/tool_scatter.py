"""Tool scatter (手段の分散): too many means of communication and record
for one piece of work — per owner, per handoff, per data item, per lane."""

from __future__ import annotations

from collections import defaultdict

from ..model import people_of
from ._base import Context, Finding, NotApplicable

NAME = "tool_scatter"


def _most_used(ctx: Context, tools: list[str], step_ids: list[str]) -> str:
    steps = ctx.steps
    weight: dict[str, float] = defaultdict(float)
    for sid in step_ids:
        for t in steps[sid].tools:
            if t in tools:
                weight[t] += ctx.load.step_per_day.get(sid, 0.0) + 1e-6
    return max(tools, key=lambda t: (weight[t], -tools.index(t)))


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    if not any(s.tools for s in flow.steps):
        raise NotApplicable("no step lists its tools (the tools / ツール column), so scattered tools cannot be found",
                            "使用ツールの列がどの工程にもないため、手段の分散を判定できません")
    threshold = flow.settings.scatter_tools
    tools = ctx.tools
    customer = ctx.customer
    owners = ctx.owners
    comm = {t for t, tool in tools.items() if tool.category == "communication"}
    findings: list[Finding] = []

    # per owner
    by_owner: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets
    owner_steps: dict[str, list[str]] = defaultdict(list)
    for s in flow.steps:
        for o in people_of(s, owners, customer):
            owner_steps[o].append(s.id)
            by_owner[o].update((t, None) for t in s.tools if t in comm)
    for o, used_set in by_owner.items():
        used = list(used_set)
        if len(used) < threshold:
            continue
        keep = _most_used(ctx, used, owner_steps[o])
        minutes = sum(ctx.load.step_minutes.get(sid, 0.0) for sid in owner_steps[o]
                      if any(t in comm for t in ctx.steps[sid].tools))
        findings.append(Finding(
            analyzer=NAME, code="tool_scatter.owner", key=f"tool_scatter:owner:{o}",
            severity="high" if len(used) >= threshold + 2 else "medium",
            params={"owner": o, "tools": used, "count": len(used), "steps": len(owner_steps[o]), "keep": keep},
            title=ctx.t(f"{o} communicates through {len(used)} tools", f"{o} の連絡手段が {len(used)} 種類に分散"),
            message=ctx.t(f"{o} uses {', '.join(used)} to communicate across {len(owner_steps[o])} steps; messages get lost between channels.",
                          f"{o} は {len(owner_steps[o])} 工程で {'・'.join(used)} を使い分けています。連絡が手段の間で抜け落ちます。"),
            steps=owner_steps[o], owners=[o], tools=used, minutes_per_day=minutes * 0.1,
            suggestion=ctx.t(f"Agree on one channel for internal contact and keep {keep}; record decisions in the shared system.",
                             f"社内連絡の手段を一つに決め、{keep} に集約します。決定事項は共有システムに残します。"),
        ))

    # per handoff between two owners
    pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, None]] = defaultdict(dict)
    pair_steps: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, None]] = defaultdict(dict)
    for h in ctx.graph.handoffs():
        key = (h.from_owners, h.to_owners)
        pairs[key].update((t, None) for t in h.tools)
        pair_steps[key].update(((h.source, None), (h.target, None)))
    for (a, b), used_set in pairs.items():
        if len(used_set) < 2:
            continue
        used = list(used_set)
        keep = _most_used(ctx, used, list(pair_steps[(a, b)]))
        findings.append(Finding(
            analyzer=NAME, code="tool_scatter.handoff", key=f"tool_scatter:handoff:{'+'.join(a)}->{'+'.join(b)}",
            severity="medium" if len(used) >= threshold else "low",
            params={"from_owners": list(a), "to_owners": list(b), "tools": used, "count": len(used), "keep": keep},
            title=ctx.t(f"Handoff {'/'.join(a)} → {'/'.join(b)} over {len(used)} channels",
                        f"{'・'.join(a)} → {'・'.join(b)} の引き継ぎが {len(used)} 種類の手段"),
            message=ctx.t(f"Work passes from {', '.join(a)} to {', '.join(b)} by {', '.join(used)}; the receiver has to watch every channel.",
                          f"{'・'.join(a)} から {'・'.join(b)} への引き継ぎに {'・'.join(used)} が混在し、受け手はすべてを確認しなければなりません。"),
            steps=list(pair_steps[(a, b)]), owners=list(dict.fromkeys(a + b)), tools=used,
            suggestion=ctx.t(f"Hand over in one place ({keep}, or better a queue in the shared system).",
                             f"引き継ぎは一か所（{keep}、できれば共有システム上の依頼）にまとめます。"),
        ))

    # one data item recorded in several record tools (manual entry)
    where: dict[str, dict[str, None]] = defaultdict(dict)
    item_steps: dict[str, list[str]] = defaultdict(list)
    for s in flow.steps:
        if s.id not in ctx.load.step_minutes:
            continue
        rec = [t for t in s.tools if t in tools and tools[t].category == "record"]
        for item in s.writes:
            where[item].update((t, None) for t in rec)
            item_steps[item].append(s.id)
    by_tools: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for item, rec_set in where.items():
        if len(rec_set) >= 2:
            by_tools[tuple(rec_set)].append(item)
    for rec_t, items in by_tools.items():
        rec = list(rec_t)
        sids = list(dict.fromkeys(sid for i in items for sid in item_steps[i]))
        keep = _most_used(ctx, rec, sids)
        findings.append(Finding(
            analyzer=NAME, code="tool_scatter.records", key=f"tool_scatter:records:{'+'.join(sorted(items))}", severity="medium",
            params={"items": sorted(items), "tools": rec, "count": len(rec), "keep": keep},
            title=ctx.t(f"{', '.join(items)} kept in {len(rec)} records", f"{'・'.join(items)} の記録先が {len(rec)} か所"),
            message=ctx.t(f"{', '.join(items)} is recorded in {', '.join(rec)}; nobody knows which one is right.",
                          f"{'・'.join(items)} が {'・'.join(rec)} に分かれて記録され、どれが正しいか分かりません。"),
            steps=sids, tools=rec, data=sorted(items),
            suggestion=ctx.t(f"Keep {keep} as the one record and retire the others.", f"記録先を {keep} に一本化し、他は廃止します。"),
        ))

    # per operator lane
    lane_tools: dict[str, dict[str, None]] = defaultdict(dict)
    lane_steps: dict[str, list[str]] = defaultdict(list)
    for s in flow.steps:
        if s.lane in customer:
            continue
        lane_steps[s.lane].append(s.id)
        lane_tools[s.lane].update((t, None) for t in s.tools if t in comm)
    for lane, lane_set in lane_tools.items():
        used = list(lane_set)
        if len(used) > threshold:
            findings.append(Finding(
                analyzer=NAME, code="tool_scatter.lane", key=f"tool_scatter:lane:{lane}", severity="low",
                params={"lane": lane, "tools": used, "count": len(used), "steps": len(lane_steps[lane])},
                title=ctx.t(f"Lane {lane} uses {len(used)} communication tools", f"{lane} レーンの連絡手段が {len(used)} 種類"),
                message=ctx.t(f"The {len(lane_steps[lane])} steps of {lane} use {', '.join(used)}.",
                              f"{lane} の {len(lane_steps[lane])} 工程で {'・'.join(used)} が使われています。"),
                steps=lane_steps[lane], tools=used,
                suggestion=ctx.t("Decide per kind of message which single tool the lane uses.",
                                 "連絡の種類ごとに使う手段をレーンで一つに決めます。"),
            ))
    return findings

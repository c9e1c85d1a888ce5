"""Tool scatter (手段の分散): too many means of internal communication and
record for one piece of work — per owner, per handoff, per data item, per lane.

Contact between the shop and the customer is not internal communication:
the communication tools of customer steps and of the operator steps right
next to them (answering the call, sending the shipping mail) are the
customer's channels, judged separately as channel choice.
"""

from __future__ import annotations

from collections import defaultdict

from ..graph import work_tools
from ..model import people_of
from ._base import Context, Finding, NotApplicable, Params
from ._spec import AnalyzerSpec, Grade, Threshold, Words, grade, num

NAME = "tool_scatter"
SCATTER = Threshold("scatter_tools", 3, "communication tools one owner may use before it is scatter",
                    "一人の担当者が使う連絡手段がこの数以上で分散とみなす", integer=True)




OWNER = (
    Grade("high", "scatter_tools + 2 or more internal communication tools", "社内の連絡手段が scatter_tools + 2 種類以上",
          lambda p: num(p, "count") >= num(p, "limit") + 2),
    Grade("medium", "scatter_tools or more internal communication tools", "社内の連絡手段が scatter_tools 種類以上"),
)
HANDOFF = (
    Grade("medium", "scatter_tools or more channels between the same two owners", "同じ二者の引き継ぎ手段が scatter_tools 種類以上",
          lambda p: num(p, "count") >= num(p, "limit")),
    Grade("low", "two channels between the same two owners", "同じ二者の引き継ぎ手段が 2 種類"),
)
RECORDS = (
    Grade("high", "one item in three or more records", "一つのデータの記録先が 3 か所以上", lambda p: num(p, "count") >= 3),
    Grade("medium", "one item in two records", "一つのデータの記録先が 2 か所"),
)
LANE = (Grade("low", "a lane using more than scatter_tools internal communication tools",
              "レーン全体の社内連絡手段が scatter_tools 種類を超える"),)
CUSTOMER = (Grade("low", "the shop meets customers on scatter_tools or more channels: a choice for them, a record to keep in one place",
                  "お客様との接点の手段が scatter_tools 種類以上（お客様には選択肢、記録は一か所に）"),)

# EN and JA alike in shape only (to each other and to other analyzers' catalogues): one message catalogue per language, data, not logic.
EN = {
    "tool_scatter.owner": Words(
        title="{owner} communicates internally through {count} tools",
        message="{owner} uses {tools} to pass work on across {steps} steps; messages get lost between channels.",
        suggestion="Agree on one channel for internal contact and keep {keep}."),
    "tool_scatter.handoff": Words(
        title=lambda a: f"Handoff {a['from_owners']} → {a['to_owners']} over {a['count']} channels",
        message="Work passes from {from_owners} to {to_owners} by {tools}; the receiver has to watch every channel.",
        suggestion=lambda a: f"Hand over in one place ({a['keep']}"
                             + (f", or better a queue in {a['system']})." if a.raw("system") else ")."),
    ),
    "tool_scatter.records": Words(
        title="{items} kept in {count} records",
        message="{items} is recorded in {tools}; nobody knows which one is right.",
        suggestion=lambda a: f"Keep {a['system']} as the one record and retire the others." if a.raw("system")
        else "Choose one system as the record and retire the others."),
    "tool_scatter.lane": Words(
        title="Lane {lane} uses {count} internal communication tools",
        message="{steps} steps of {lane} pass work on by {tools}: {step_ids}.",
        suggestion="Decide per kind of message which single tool the lane uses."),
    "tool_scatter.customer_channels": Words(
        title="Customers reach {owner} on {count} channels",
        message="{owner} talks with customers by {tools} ({step_ids}).",
        suggestion=lambda a: "Keep the choice for the customer, answer on the channel they used"
                             + (f", and record every contact in {a['system']}." if a.raw("system") else ", and record every contact in one place.")),
}
JA = {
    "tool_scatter.owner": Words(
        title="{owner} の社内連絡手段が {count} 種類に分散",
        message="{owner} は {steps} 工程の受け渡しで {tools} を使い分けています。連絡が手段の間で抜け落ちます。",
        suggestion="社内連絡の手段を一つに決め、{keep} に集約します。"),
    "tool_scatter.handoff": Words(
        title=lambda a: f"{a['from_owners']} → {a['to_owners']} の引き継ぎが {a['count']} 種類の手段",
        message="{from_owners} から {to_owners} への引き継ぎに {tools} が混在し、受け手はすべてを確認しなければなりません。",
        suggestion=lambda a: f"引き継ぎは一か所（{a['keep']}"
                             + (f"、できれば {a['system']} 上の依頼）にまとめます。" if a.raw("system") else "）にまとめます。"),
    ),
    "tool_scatter.records": Words(
        title="{items} の記録先が {count} か所",
        message="{items} が {tools} に分かれて記録され、どれが正しいか分かりません。",
        suggestion=lambda a: f"記録先を {a['system']} に一本化し、他は廃止します。" if a.raw("system")
        else "記録先を一つのシステムに決め、他は廃止します。"),
    "tool_scatter.lane": Words(
        title="{lane} レーンの社内連絡手段が {count} 種類",
        message="{lane} の {steps} 工程（{step_ids}）で {tools} が使われています。",
        suggestion="連絡の種類ごとに使う手段をレーンで一つに決めます。"),
    "tool_scatter.customer_channels": Words(
        title="お客様と {owner} の接点が {count} 種類の手段",
        message="{owner} は {tools} でお客様とやり取りしています（{step_ids}）。",
        suggestion=lambda a: "お客様には選択肢として残し、連絡を受けた手段で返答し、"
                             + (f"やり取りはすべて {a['system']} に記録します。" if a.raw("system") else "やり取りは一か所に記録します。")),
}


def _most_used(ctx: Context, tools: list[str], step_ids: list[str]) -> str:
    steps = ctx.steps
    weight: dict[str, float] = defaultdict(float)
    for sid in step_ids:
        for t in steps[sid].tools:
            if t in tools:
                weight[t] += ctx.load.step_per_day.get(sid, 0.0)
    return max(tools, key=lambda t: (round(weight[t], 6), -tools.index(t)))


def _comm(ctx: Context, sid: str) -> list[str]:
    return [t for t in ctx.steps[sid].tools if t in ctx.tools and ctx.tools[t].category == "communication"]


def _per_owner(ctx: Context, limit: int) -> list[Finding]:
    """Internal and customer channels of each owner."""
    internal: dict[str, dict[str, None]] = defaultdict(dict)  # ordered sets
    channels: dict[str, dict[str, None]] = defaultdict(dict)
    internal_steps: dict[str, list[str]] = defaultdict(list)
    channel_steps: dict[str, list[str]] = defaultdict(list)
    for s in ctx.flow.steps:
        comm = _comm(ctx, s.id)
        if not comm or s.lane in ctx.customer:
            continue
        facing = s.id in ctx.customer_facing
        for o in people_of(s, ctx.owners, ctx.customer):
            (channel_steps if facing else internal_steps)[o].append(s.id)
            (channels if facing else internal)[o].update((t, None) for t in comm)
    findings: list[Finding] = []
    for o, used_set in internal.items():
        used = list(used_set)
        if len(used) < limit:
            continue
        sids = internal_steps[o]
        p: Params = {"owner": o, "tools": used, "count": len(used), "limit": limit, "steps": len(sids),
                     "keep": _most_used(ctx, used, sids)}
        findings.append(Finding(analyzer=NAME, code="tool_scatter.owner", key=f"tool_scatter:owner:{o}",
                                severity=grade(OWNER, p), params=p, steps=sids, owners=[o], tools=used))
    for o, used_set in channels.items():
        used = list(used_set)
        if len(used) < limit:
            continue
        sids = channel_steps[o]
        p = {"owner": o, "tools": used, "count": len(used), "limit": limit, "step_ids": sids, "system": ctx.system_of_record}
        findings.append(Finding(analyzer=NAME, code="tool_scatter.customer_channels", key=f"tool_scatter:customer:{o}",
                                severity=grade(CUSTOMER, p), params=p, steps=sids, owners=[o], tools=used))
    return findings


def _per_handoff(ctx: Context, limit: int) -> list[Finding]:
    pairs: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, None]] = defaultdict(dict)
    pair_steps: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[str, None]] = defaultdict(dict)
    for h in ctx.graph.handoffs():
        key = (h.from_owners, h.to_owners)
        inside = [sid for sid in (h.source, h.target) if sid not in ctx.customer_facing]
        pairs[key].update((t, None) for sid in inside for t in _comm(ctx, sid))
        pair_steps[key].update(((h.source, None), (h.target, None)))
    findings: list[Finding] = []
    for (a, b), used_set in pairs.items():
        if len(used_set) < 2:
            continue
        used = list(used_set)
        sids = list(pair_steps[(a, b)])
        p: Params = {"from_owners": list(a), "to_owners": list(b), "tools": used, "count": len(used), "limit": limit,
                     "keep": _most_used(ctx, used, sids), "system": ctx.system_of_record}
        findings.append(Finding(analyzer=NAME, code="tool_scatter.handoff", key=f"tool_scatter:handoff:{'+'.join(a)}->{'+'.join(b)}",
                                severity=grade(HANDOFF, p), params=p, steps=sids, owners=list(dict.fromkeys(a + b)), tools=used))
    return findings


def _per_item(ctx: Context) -> list[Finding]:
    """One data item typed by hand into several record tools."""
    where: dict[str, dict[str, None]] = defaultdict(dict)
    item_steps: dict[str, list[str]] = defaultdict(list)
    for s in ctx.flow.steps:
        if s.id not in ctx.load.step_minutes:
            continue
        rec = [t for t in s.tools if t in ctx.tools and ctx.tools[t].category == "record"]
        for item in s.writes:
            where[item].update((t, None) for t in rec)
            item_steps[item].append(s.id)
    by_tools: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for item, rec_set in where.items():
        if len(rec_set) >= 2:
            by_tools[tuple(rec_set)].append(item)
    findings: list[Finding] = []
    for rec_t, items in by_tools.items():
        items = sorted(items)
        sids = list(dict.fromkeys(sid for i in items for sid in item_steps[i]))
        p: Params = {"items": items, "tools": list(rec_t), "count": len(rec_t), "system": ctx.system_of_record}
        findings.append(Finding(analyzer=NAME, code="tool_scatter.records", key=f"tool_scatter:records:{'+'.join(items)}",
                                severity=grade(RECORDS, p), params=p, steps=sids, tools=list(rec_t), data=items))
    return findings


def _per_lane(ctx: Context, limit: int) -> list[Finding]:
    lane_tools: dict[str, dict[str, None]] = defaultdict(dict)
    lane_steps: dict[str, list[str]] = defaultdict(list)
    for s in ctx.flow.steps:
        comm = _comm(ctx, s.id)
        if s.lane in ctx.customer or s.id in ctx.customer_facing or not comm:
            continue  # only the steps that pass work on inside the shop
        lane_steps[s.lane].append(s.id)
        lane_tools[s.lane].update((t, None) for t in comm)
    findings: list[Finding] = []
    for lane, lane_set in lane_tools.items():
        used = list(lane_set)
        if len(used) > limit:
            p: Params = {"lane": lane, "tools": used, "count": len(used), "limit": limit, "steps": len(lane_steps[lane]),
                         "step_ids": lane_steps[lane]}
            findings.append(Finding(analyzer=NAME, code="tool_scatter.lane", key=f"tool_scatter:lane:{lane}",
                                    severity=grade(LANE, p), params=p, steps=lane_steps[lane], tools=used))
    return findings


def analyze(ctx: Context) -> list[Finding]:
    if not any(work_tools(s, ctx.tools) for s in ctx.flow.steps):
        raise NotApplicable("tool_scatter.no_tools", {"steps": len(ctx.flow.steps)})
    limit = int(ctx.threshold(SCATTER.key))
    # Scatter costs attention and lost messages rather than a countable number of minutes,
    # so these findings carry no minutes per day.
    return _per_owner(ctx, limit) + _per_handoff(ctx, limit) + _per_item(ctx) + _per_lane(ctx, limit)


# Why it may not run (NotApplicable code → words), one catalogue per language like EN and JA.
REASONS_EN = {"tool_scatter.no_tools": "none of the {steps} steps lists its tools (the tools / ツール column), "
                                    "so scattered tools cannot be found"}
REASONS_JA = {"tool_scatter.no_tools": "{steps} 工程のどれにも使用ツール（tools / ツール 列）が書かれていないため、手段の分散を判定できません"}

SPEC = AnalyzerSpec(
    name=NAME, labels={"ja": "手段の分散", "en": "tool scatter"}, run=analyze,
    summary={"en": "several internal communication tools per owner, per handoff or per lane; one item in several records; "
                   "many customer channels (a choice, recorded in one place)",
             "ja": "担当者・引き継ぎ・レーンごとの社内連絡手段の分散、一つのデータの複数の記録先、お客様との接点の手段の数"},
    codes={"tool_scatter.owner": OWNER, "tool_scatter.handoff": HANDOFF, "tool_scatter.records": RECORDS,
           "tool_scatter.lane": LANE, "tool_scatter.customer_channels": CUSTOMER},
    messages={"en": EN, "ja": JA}, thresholds=(SCATTER,),
    reasons={"en": REASONS_EN, "ja": REASONS_JA},
)

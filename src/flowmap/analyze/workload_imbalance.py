"""Workload imbalance (業務量の偏重): work, especially data entry, piled on
a few people while others in the same lane have room.

A busy owner whose lane colleagues are also busy is a capacity question,
reported low, not an imbalance.
"""

from __future__ import annotations

from ._base import Context, Finding, NotApplicable

NAME = "workload_imbalance"


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    people = [o for o in ctx.load.owners if o.minutes_per_day > 0 or o.steps]
    if not people:
        raise NotApplicable("no manual step names an owner (the owner / 担当者 column), so workload cannot be compared",
                            "手作業の工程に担当者がいないため、業務量を比較できません")
    over_t, under_t = flow.settings.overload, flow.settings.underload
    spread = ctx.load.spread()
    findings: list[Finding] = []
    for o in people:
        u = o.utilization
        if u <= over_t:
            continue
        peers = [p for p in people if p.owner != o.owner and p.lane == o.lane]
        idle = [p for p in peers if p.utilization < under_t]
        if idle:
            pool_min = o.minutes_per_day + sum(p.minutes_per_day for p in idle)
            pool_cap = o.capacity_minutes_per_day + sum(p.capacity_minutes_per_day for p in idle)
            move = max(0.0, o.minutes_per_day - pool_min / pool_cap * o.capacity_minutes_per_day)
            names = ", ".join(f"{p.owner} {p.utilization:.0%}" for p in idle)
            names_ja = "、".join(f"{p.owner} {p.utilization:.0%}" for p in idle)
            findings.append(Finding(
                analyzer=NAME, code="workload_imbalance.idle_peers", key=f"workload_imbalance:{o.owner}",
                severity="high" if u > 1 else "medium",
                params={"owner": o.owner, "lane": o.lane, "utilization": round(u, 3),
                        "minutes_per_day": round(o.minutes_per_day, 1), "capacity_minutes_per_day": round(o.capacity_minutes_per_day, 1),
                        "data_entry_minutes_per_day": round(o.data_entry_minutes, 1),
                        "idle_owners": [p.owner for p in idle], "idle_utilizations": [round(p.utilization, 3) for p in idle],
                        "move_minutes_per_day": round(move, 1), "gini": spread["gini"], "cv": spread["cv"]},
                title=ctx.t(f"{o.owner} at {u:.0%} while {idle[0].owner} is at {idle[0].utilization:.0%}",
                            f"{o.owner} の稼働率 {u:.0%}、同じ {o.lane} の {idle[0].owner} は {idle[0].utilization:.0%}"),
                message=ctx.t(
                    f"{o.owner} carries {o.minutes_per_day:.0f} of {o.capacity_minutes_per_day:.0f} min/day "
                    f"({o.data_entry_minutes:.0f} of it data entry) while in {o.lane} {names}. "
                    f"Spread of utilization across people: Gini {spread['gini']:.2f}, CV {spread['cv']:.2f}.",
                    f"{o.owner} は 1 日 {o.capacity_minutes_per_day:.0f} 分の枠に {o.minutes_per_day:.0f} 分"
                    f"（うちデータ入力 {o.data_entry_minutes:.0f} 分）を抱え、同じ {o.lane} の {names_ja} には余裕があります。"
                    f"担当者間の稼働率のばらつき: ジニ係数 {spread['gini']:.2f}、変動係数 {spread['cv']:.2f}。"),
                steps=list(o.steps), owners=[o.owner] + [p.owner for p in idle], minutes_per_day=move,
                suggestion=ctx.t(f"Move about {move:.0f} min/day of {o.owner}'s steps to {idle[0].owner}, or automate its data entry.",
                                 f"{o.owner} の作業のうち 1 日約 {move:.0f} 分を {idle[0].owner} に移すか、データ入力を自動化します。"),
            ))
        else:
            findings.append(Finding(
                analyzer=NAME, code="workload_imbalance.over_capacity", key=f"workload_imbalance:{o.owner}", severity="low",
                params={"owner": o.owner, "lane": o.lane, "utilization": round(u, 3),
                        "minutes_per_day": round(o.minutes_per_day, 1), "capacity_minutes_per_day": round(o.capacity_minutes_per_day, 1)},
                title=ctx.t(f"{o.owner} is at {u:.0%} of capacity", f"{o.owner} の稼働率が {u:.0%}"),
                message=ctx.t(f"{o.owner} is busy and so is the rest of {o.lane}: this is capacity, not imbalance.",
                              f"{o.owner} も {o.lane} の他の担当者も忙しく、偏りではなく人手の不足です。"),
                steps=list(o.steps), owners=[o.owner],
                minutes_per_day=max(0.0, o.minutes_per_day - over_t * o.capacity_minutes_per_day),
                suggestion=ctx.t("Add capacity or automate part of the work.", "人員を増やすか、作業の一部を自動化します。"),
            ))
    # data entry concentrated on one or two owners
    entry = sorted((p for p in people if p.data_entry_minutes > 0), key=lambda p: -p.data_entry_minutes)
    if len(entry) >= 3:
        top = entry[:2] if entry[0].data_entry_share < 0.6 else entry[:1]
        share = sum(p.data_entry_share for p in top)
        if share >= 0.6:
            busy = any(p.utilization > over_t for p in top)
            who = [p.owner for p in top]
            findings.append(Finding(
                analyzer=NAME, code="workload_imbalance.data_entry", key="workload_imbalance:data_entry",
                severity="medium" if busy else "low",
                params={"owners": who, "share": round(share, 3), "shares": [round(p.data_entry_share, 3) for p in top],
                        "data_entry_minutes_per_day": round(sum(p.data_entry_minutes for p in entry), 1)},
                title=ctx.t(f"{share:.0%} of data entry falls on {', '.join(who)}", f"データ入力の {share:.0%} が {'・'.join(who)} に集中"),
                message=ctx.t(f"Of {sum(p.data_entry_minutes for p in entry):.0f} min/day of data entry, "
                              f"{', '.join(f'{p.owner} {p.data_entry_share:.0%}' for p in top)}.",
                              f"1 日 {sum(p.data_entry_minutes for p in entry):.0f} 分のデータ入力のうち "
                              f"{'、'.join(f'{p.owner} {p.data_entry_share:.0%}' for p in top)} を占めています。"),
                steps=[s for p in top for s in p.steps if ctx.steps[s].writes], owners=who,
                minutes_per_day=sum(p.data_entry_minutes for p in top),
                suggestion=ctx.t("Capture the data where it arises (customer, system, first contact) instead of retyping it centrally.",
                                 "データは発生した場所（お客様の入力・システム・最初の窓口）で取り込み、後から集中して打ち直さないようにします。"),
            ))
    return findings

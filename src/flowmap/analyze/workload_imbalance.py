"""Workload imbalance (業務量の偏重): work, especially data entry, piled on
a few people.

An owner above the ``overload`` share of their working time is a finding;
above 100 % it is high whatever the colleagues do, because the day's work
cannot be finished.  When a colleague in the same lane is below
``underload`` the finding says how many minutes to move there; when none is,
it names the colleagues and their figures (or that there are none), so the
sentence is true of the flow.
"""

from __future__ import annotations

from ._base import Context, Finding, NotApplicable, Params
from ._spec import AnalyzerSpec, Args, Grade, Threshold, Words, grade, num
from .load import OwnerLoad

NAME = "workload_imbalance"
OVERLOAD = Threshold("overload", 0.85, "utilization above which an owner is overloaded", "この稼働率を超えると過負荷")
UNDERLOAD = Threshold("underload", 0.5, "utilization below which a colleague has room", "この稼働率未満の同僚には余裕がある")
# One or two people doing this share of all data entry is a concentration.
ENTRY_SHARE = 0.6



OVER = (
    Grade("high", "above 100 % of working time (the day's work cannot be finished)", "稼働率 100 % 超（1 日の仕事が終わらない）",
          lambda p: num(p, "utilization") > 1),
    Grade("medium", "above overload (0.85)", "稼働率が overload（0.85）超"),
)
ENTRY = (
    Grade("medium", f"≥ {ENTRY_SHARE:.0%} of all data entry on one or two owners, one of them above overload",
          f"データ入力の {ENTRY_SHARE:.0%} 以上が一～二人に集中し、その誰かが overload 超", lambda p: bool(p["busy"])),
    Grade("low", f"≥ {ENTRY_SHARE:.0%} of all data entry on one or two owners", f"データ入力の {ENTRY_SHARE:.0%} 以上が一～二人に集中"),
)


def _peers_en(a: Args) -> str:
    names = a.raw("peers")
    if not isinstance(names, list) or not names:
        return f"Nobody else in {a['lane']} shares this work: this is capacity, not imbalance."
    return f"The others in {a['lane']} are at {a['peer_figures']}, none below {a['underload']:.0%}: this is capacity, not imbalance."


def _peers_ja(a: Args) -> str:
    names = a.raw("peers")
    if not isinstance(names, list) or not names:
        return f"{a['lane']} には他に担当者がいません。偏りではなく人手の不足です。"
    return f"{a['lane']} の他の担当者は {a['peer_figures']} で、{a['underload']:.0%} 未満の人はいません。偏りではなく人手の不足です。"


# EN and JA alike in shape only (to each other and to other analyzers' catalogues): one message catalogue per language, data, not logic.
EN = {
    "workload_imbalance.idle_peers": Words(
        title="{owner} at {utilization:.0%} while {first_idle} is at {first_idle_utilization:.0%}",
        message="{owner} carries {minutes_per_day:,.0f} of {capacity_minutes_per_day:,.0f} min/day "
                "({data_entry_minutes_per_day:,.0f} of it data entry) while in {lane} {idle_figures}. "
                "Spread of utilization across people: Gini {gini:.2f}, CV {cv:.2f}.",
        suggestion="Move about {move_minutes_per_day:,.0f} min/day of {owner}'s steps to {first_idle}, or automate its data entry."),
    "workload_imbalance.over_capacity": Words(
        title="{owner} is at {utilization:.0%} of capacity",
        message=lambda a: f"{a['owner']} carries {a['minutes_per_day']:,.0f} of {a['capacity_minutes_per_day']:,.0f} min/day. "
                          + _peers_en(a),
        suggestion=lambda a: "Add capacity or automate part of the work"
                             + (" now: the day's work does not fit in the day." if num(a.params, "utilization") > 1 else ".")),
    "workload_imbalance.data_entry": Words(
        title="{share:.0%} of data entry falls on {owners}",
        message="Of {data_entry_minutes_per_day:,.0f} min/day of data entry, {owner_figures}.",
        suggestion="Capture the data where it arises (customer, system, first contact) instead of retyping it centrally."),
}
JA = {
    "workload_imbalance.idle_peers": Words(
        title="{owner} の稼働率 {utilization:.0%}、同じ {lane} の {first_idle} は {first_idle_utilization:.0%}",
        message="{owner} は 1 日 {capacity_minutes_per_day:,.0f} 分の枠に {minutes_per_day:,.0f} 分"
                "（うちデータ入力 {data_entry_minutes_per_day:,.0f} 分）を抱え、同じ {lane} の {idle_figures} には余裕があります。"
                "担当者間の稼働率のばらつき: ジニ係数 {gini:.2f}、変動係数 {cv:.2f}。",
        suggestion="{owner} の作業のうち 1 日約 {move_minutes_per_day:,.0f} 分を {first_idle} に移すか、データ入力を自動化します。"),
    "workload_imbalance.over_capacity": Words(
        title="{owner} の稼働率が {utilization:.0%}",
        message=lambda a: f"{a['owner']} は 1 日 {a['capacity_minutes_per_day']:,.0f} 分の枠に {a['minutes_per_day']:,.0f} 分を抱えています。"
                          + _peers_ja(a),
        suggestion=lambda a: ("1 日の仕事が枠に収まっていません。すぐに" if num(a.params, "utilization") > 1 else "")
                             + "人員を増やすか、作業の一部を自動化します。"),
    "workload_imbalance.data_entry": Words(
        title="データ入力の {share:.0%} が {owners} に集中",
        message="1 日 {data_entry_minutes_per_day:,.0f} 分のデータ入力のうち {owner_figures} を占めています。",
        suggestion="データは発生した場所（お客様の入力・システム・最初の窓口）で取り込み、後から集中して打ち直さないようにします。"),
}


def _figures(loads: list[OwnerLoad]) -> list[str]:
    return [f"{p.owner} {p.utilization:.0%}" for p in loads]


def _overloaded(ctx: Context, o: OwnerLoad, people: list[OwnerLoad]) -> Finding:
    under_t = ctx.threshold(UNDERLOAD.key)
    peers = [p for p in people if p.owner != o.owner and p.lane == o.lane]
    idle = [p for p in peers if p.utilization < under_t]
    base: Params = {"owner": o.owner, "lane": o.lane, "utilization": round(o.utilization, 3),
                    "minutes_per_day": round(o.minutes_per_day, 1), "capacity_minutes_per_day": round(o.capacity_minutes_per_day, 1)}
    if idle:
        pool_min = o.minutes_per_day + sum(p.minutes_per_day for p in idle)
        pool_cap = o.capacity_minutes_per_day + sum(p.capacity_minutes_per_day for p in idle)
        move = max(0.0, o.minutes_per_day - pool_min / pool_cap * o.capacity_minutes_per_day)
        spread = ctx.load.spread()
        p = base | {"data_entry_minutes_per_day": round(o.data_entry_minutes, 1), "idle_owners": [x.owner for x in idle],
                    "idle_figures": _figures(idle), "first_idle": idle[0].owner,
                    "first_idle_utilization": round(idle[0].utilization, 3),
                    "move_minutes_per_day": round(move, 1), "gini": spread.gini, "cv": spread.cv}
        return Finding(analyzer=NAME, code="workload_imbalance.idle_peers", key=f"workload_imbalance:{o.owner}",
                       severity=grade(OVER, p), params=p, steps=list(o.steps), owners=[o.owner] + [x.owner for x in idle],
                       minutes_per_day=move)
    over = max(0.0, o.minutes_per_day - ctx.threshold(OVERLOAD.key) * o.capacity_minutes_per_day)
    p = base | {"peers": [x.owner for x in peers], "peer_figures": _figures(peers), "underload": under_t}
    return Finding(analyzer=NAME, code="workload_imbalance.over_capacity", key=f"workload_imbalance:{o.owner}",
                   severity=grade(OVER, p), params=p, steps=list(o.steps), owners=[o.owner], minutes_per_day=over)


def _data_entry(ctx: Context, people: list[OwnerLoad]) -> list[Finding]:
    entry = sorted((p for p in people if p.data_entry_minutes > 0), key=lambda p: -p.data_entry_minutes)
    if len(entry) < 3:
        return []
    top = entry[:2] if entry[0].data_entry_share < ENTRY_SHARE else entry[:1]
    share = sum(p.data_entry_share for p in top)
    if share < ENTRY_SHARE:
        return []
    over_t = ctx.threshold(OVERLOAD.key)
    p: Params = {"owners": [x.owner for x in top], "share": round(share, 3),
                 "owner_figures": [f"{x.owner} {x.data_entry_share:.0%}" for x in top],
                 "busy": any(x.utilization > over_t for x in top),
                 "data_entry_minutes_per_day": round(sum(x.data_entry_minutes for x in entry), 1)}
    return [Finding(analyzer=NAME, code="workload_imbalance.data_entry", key="workload_imbalance:data_entry",
                    severity=grade(ENTRY, p), params=p, steps=[s for x in top for s in x.steps if ctx.steps[s].writes],
                    owners=[x.owner for x in top], minutes_per_day=sum(x.data_entry_minutes for x in top))]


def analyze(ctx: Context) -> list[Finding]:
    people = [o for o in ctx.load.owners if o.minutes_per_day > 0 or o.steps]
    if not people:
        raise NotApplicable("workload_imbalance.no_people", {"steps": len(ctx.flow.steps)})
    over_t = ctx.threshold(OVERLOAD.key)
    findings = [_overloaded(ctx, o, people) for o in people if o.utilization > over_t]
    return findings + _data_entry(ctx, people)


# Why it may not run (NotApplicable code → words), one catalogue per language like EN and JA.
REASONS_EN = {"workload_imbalance.no_people": "none of the {steps} steps is manual work with an owner (the owner / 担当者 column), "
                                           "so workload cannot be compared"}
REASONS_JA = {"workload_imbalance.no_people": "{steps} 工程のどれも担当者のいる手作業ではないため、業務量を比較できません"}

SPEC = AnalyzerSpec(
    name=NAME, labels={"ja": "業務量の偏重", "en": "workload imbalance"}, run=analyze,
    summary={"en": "owners above overload, with the minutes to move to idle colleagues of the lane; data entry piled on one or two owners",
             "ja": "overload を超える担当者（同じレーンの余裕のある同僚へ移す分数）、一～二人へのデータ入力の集中"},
    codes={"workload_imbalance.idle_peers": OVER, "workload_imbalance.over_capacity": OVER,
           "workload_imbalance.data_entry": ENTRY},
    messages={"en": EN, "ja": JA}, thresholds=(OVERLOAD, UNDERLOAD),
    reasons={"en": REASONS_EN, "ja": REASONS_JA},
)

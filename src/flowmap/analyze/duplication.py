"""Duplicated work (作業の重複): the same information entered by several
people or into several tools within one case.

Writers of a data item are the steps people do that write it (typing) and
the customer's own steps (what the customer already typed need not be typed
again).  Automated steps and system batches move data between systems and
are not re-entry.  Two writes are duplicated work only when both steps can
happen in the same case: one follows the other, or they run on branches of
a fork; steps on exclusive branches of a choice (the complaint branch and
the inquiry branch) never meet.  Items with the same set of writer steps are
reported together.
"""

from __future__ import annotations

from collections import defaultdict

from ..graph import HANDOFF_CATEGORIES, work_tools
from ._base import Context, Finding, NotApplicable, Params
from ._spec import AnalyzerSpec, Args, Grade, Words, grade, many, num

NAME = "duplication"
# Re-entry below this many minutes a day is too small to rate above low on its own.
SMALL_MINUTES = 5.0
# Re-entry above this many minutes a day (two hours) is high whoever does it.
LARGE_MINUTES = 120.0



SAME_DATA = (
    Grade("high", f"several people and several tools, re-entry ≥ {SMALL_MINUTES:g} min/day; "
                  f"or several of either and re-entry ≥ {LARGE_MINUTES:g} min/day",
          f"複数の人かつ複数のツール、打ち直し 1 日 {SMALL_MINUTES:g} 分以上。または、どちらかが複数で 1 日 {LARGE_MINUTES:g} 分以上",
          lambda p: num(p, "minutes_per_day") >= (SMALL_MINUTES if many(p, "people") and many(p, "tools") else LARGE_MINUTES)
          and (many(p, "people") or many(p, "tools"))),
    Grade("medium", f"several people or several tools, re-entry ≥ {SMALL_MINUTES:g} min/day; "
                    f"or several people and several tools",
          f"複数の人または複数のツールで 1 日 {SMALL_MINUTES:g} 分以上。または、複数の人かつ複数のツール",
          lambda p: (many(p, "people") or many(p, "tools"))
          and (num(p, "minutes_per_day") >= SMALL_MINUTES or (many(p, "people") and many(p, "tools")))),
    Grade("low", "otherwise (one person retyping into one tool, or a few minutes a day)",
          "それ以外（同じ人が同じツールに打ち直す、または 1 日数分）"),
)
NEVER_RECORDED = (Grade("low", "always: a gap in the records, no time lost yet", "常に低（記録の抜け。時間の損失ではない）"),)


def _dup_message_en(a: Args) -> str:
    into = f" into {a['tools']}" if a.raw("tools") else ""
    tail = ("; the records drift apart and nobody knows which is right." if many(a.params, "tools")
            else "; the same thing is typed again.")
    return f"{a['items']} is entered in {a['step_labels']} by {a['people']}{into}{tail}"


def _dup_message_ja(a: Args) -> str:
    into = f"{a['tools']} に" if a.raw("tools") else ""
    tail = ("記録が複数に分かれ、どれが正しいか分からなくなります。" if many(a.params, "tools")
            else "同じ内容を打ち直しています。")
    return f"{a['items']} を {a['step_labels']} で {a['people']} が{into}それぞれ入力しています。{tail}"


def _keep_en(a: Args) -> str:
    return f"one system ({a['keep']})" if a.raw("keep") else "one shared system"


def _keep_ja(a: Args) -> str:
    return f"一つのシステム（{a['keep']}）" if a.raw("keep") else "一つの共有システム"


# EN and JA alike in shape only (to each other and to other analyzers' catalogues): one message catalogue per language, data, not logic.
EN = {
    "duplication.same_data": Words(
        title="{items} entered at {times} steps",
        message=_dup_message_en,
        suggestion=lambda a: f"Enter it once, at the first step, into {_keep_en(a)}; later steps read and append instead of retyping."),
    "duplication.never_recorded": Words(
        title="{items} is read but never recorded",
        message="{step} {step_name} reads {items}, which no step writes: it lives only in someone's head or an unlisted file.",
        suggestion="Add the step that records it, or name the system it comes from."),
}
JA = {
    "duplication.same_data": Words(
        title="{items} を {times} 工程で入力している",
        message=_dup_message_ja,
        suggestion=lambda a: f"最初の工程で一度だけ{_keep_ja(a)}に入力し、後の工程は参照・追記にします。"),
    "duplication.never_recorded": Words(
        title="{items} は参照されるのにどこにも入力されていない",
        message="{step} {step_name} が参照する {items} はどの工程でも入力されていません。誰かの頭の中か、フローにない資料にしかありません。",
        suggestion="記録する工程を追加するか、どのシステムの情報かを明記します。"),
}


def _record_tools(ctx: Context, sid: str) -> list[str]:
    tools = ctx.tools
    return [t for t in ctx.steps[sid].tools if t in tools and tools[t].category not in HANDOFF_CATEGORIES]


def _writer_groups(ctx: Context) -> tuple[dict[tuple[str, ...], list[str]], set[str]]:
    """Sets of writer steps that share a case → the items they all write; and every item written."""
    customer = ctx.customer
    order = {s.id: i for i, s in enumerate(ctx.flow.steps)}
    writers: dict[str, list[str]] = defaultdict(list)
    written_any: set[str] = set()
    for s in ctx.flow.steps:
        for item in s.writes:
            written_any.add(item)
            if s.lane in customer or s.id in ctx.load.step_minutes:
                writers[item].append(s.id)
    several = {item: sorted(set(sids), key=order.__getitem__) for item, sids in writers.items() if len(set(sids)) >= 2}
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for item, cases in ctx.reach.groups(several).items():
        for case in cases:
            if len(case) >= 2:
                groups[tuple(case)].append(item)
    return groups, written_any


def _same_data(ctx: Context, sids: list[str], items: list[str]) -> Finding:
    steps = ctx.steps
    people: list[str] = []
    tools: list[str] = []
    for sid in sids:
        s = steps[sid]
        who = s.owners if s.lane not in ctx.customer else [s.lane]  # the customer, by the flow's own lane name
        people += [o for o in who if o not in people]
        tools += [t for t in _record_tools(ctx, sid) if t not in tools]
    # minutes spent re-entering: every writer after the first, pro rata of its written items
    minutes = 0.0
    for sid in sids[1:]:
        s = steps[sid]
        if s.lane not in ctx.customer:
            minutes += ctx.load.step_minutes.get(sid, 0.0) * len(set(items) & set(s.writes)) / len(s.writes)
    items = sorted(items)
    params: Params = {"items": items, "times": len(sids), "steps": sids, "step_labels": [ctx.step_label(s) for s in sids],
                      "people": people, "tools": tools, "keep": ctx.system_of_record, "minutes_per_day": round(minutes, 1)}
    return Finding(analyzer=NAME, code="duplication.same_data", key=f"duplication:{'+'.join(items)}",
                   severity=grade(SAME_DATA, params), params=params, steps=sids, owners=people, tools=tools,
                   data=items, minutes_per_day=minutes)


def analyze(ctx: Context) -> list[Finding]:
    flow = ctx.flow
    if not any(s.writes for s in flow.steps):
        raise NotApplicable("duplication.no_writes", {"steps": len(flow.steps)})
    groups, written_any = _writer_groups(ctx)
    findings = [_same_data(ctx, list(group), items) for group, items in groups.items()]
    # information read but never written: it lives only in someone's head
    for s in flow.steps:
        if s.lane in ctx.customer:
            continue
        missing = [i for i in s.reads if i not in written_any]
        if missing:
            params: Params = {"items": missing, "step": s.id, "step_name": s.name}
            findings.append(Finding(
                analyzer=NAME, code="duplication.never_recorded",
                key=f"duplication:unrecorded:{'+'.join(sorted(missing))}@{s.id}", severity=grade(NEVER_RECORDED, params),
                params=params, steps=[s.id], owners=list(s.owners), tools=work_tools(s, ctx.tools), data=missing))
    return findings


# Why it may not run (NotApplicable code → words), one catalogue per language like EN and JA.
REASONS_EN = {"duplication.no_writes": "none of the {steps} steps lists the data it writes (the writes / 入力データ column), "
                                    "so duplicated entry cannot be found"}
REASONS_JA = {"duplication.no_writes": "{steps} 工程のどれにも入力データ（writes / 入力データ 列）が書かれていないため、重複入力を判定できません"}

SPEC = AnalyzerSpec(
    name=NAME, labels={"ja": "作業の重複", "en": "duplicated work"}, run=analyze,
    summary={"en": "the same data item written by several steps of one case (people retyping, or retyping what the customer typed)",
             "ja": "1 件の中で同じデータを複数の工程で入力（人による打ち直し、お客様の入力の打ち直し）"},
    codes={"duplication.same_data": SAME_DATA, "duplication.never_recorded": NEVER_RECORDED},
    messages={"en": EN, "ja": JA},
    reasons={"en": REASONS_EN, "ja": REASONS_JA},
)

"""Customer journey: customer steps with negative emotion or a stated pain
point, and the emotion curve along the most likely path.

The curve follows the main path (at each choice the most likely next step)
and shows the customer steps off it as side points with the share of cases
that reach them, so a 5 % complaint branch is not drawn as if every
customer took it.  Each stage appears once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import FlowGraph, work_tools
from ._base import Context, Finding, NotApplicable, Params
from ._spec import AnalyzerSpec, Args, Grade, Words, grade, num

__all__ = ["SPEC", "JourneyCurve", "JourneyPoint", "journey_curve"]

NAME = "journey"
# A pain felt by at least this share of cases is felt by most customers.
MOST = 0.5



GRADES = (
    Grade("medium", f"emotion −2 or worse, or negative emotion met by ≥ {MOST:.0%} of cases",
          f"感情 −2 以下、または {MOST:.0%} 以上の案件が通る工程での負の感情",
          lambda p: p["emotion"] is not None and (num(p, "emotion") <= -2 or (num(p, "emotion") < 0 and num(p, "share") >= MOST))),
    Grade("low", "negative emotion or a stated pain point", "負の感情、または課題の記入"),
)


# _en and _ja alike in shape only: the same few choices worded and ordered per language's grammar.
def _en(a: Args) -> str:
    emo = a.raw("emotion")
    feeling = f"{emo:+d}" if isinstance(emo, int) else "not given"
    where = a["touchpoint"] or "no touchpoint"
    share = "every case" if num(a.params, "share") >= 0.995 else f"{a['share']:.0%} of cases"
    return (f"{a['per_day']:,.0f} customers a day ({share}) reach {a['step_name']} ({where}, emotion {feeling})"
            + (f": {a['pain']}" if a.raw("pain") else "."))


def _ja(a: Args) -> str:
    emo = a.raw("emotion")
    feeling = f"{emo:+d}" if isinstance(emo, int) else "未記入"
    where = a["touchpoint"] or "接点未記入"
    share = "全件" if num(a.params, "share") >= 0.995 else f"案件の {a['share']:.0%}"
    return (f"1 日 {a['per_day']:,.0f} 人（{share}）のお客様が {a['step_name']}（{where}、感情 {feeling}）"
            + (f"で「{a['pain']}」と感じています。" if a.raw("pain") else "で不満を感じています。"))


# EN and JA alike in shape only (to each other and to other analyzers' catalogues): one message catalogue per language, data, not logic.
EN = {"journey.pain_point": Words(title="Pain point at {step} {step_name}", message=_en,
                                  suggestion="Fix what the customer meets here first; it weighs on reorders.")}
JA = {"journey.pain_point": Words(title="{step} {step_name} でお客様が不満", message=_ja,
                                  suggestion="ここでの体験を優先して改善します。再購入に響きます。")}


def analyze(ctx: Context) -> list[Finding]:
    cust_steps = [s for s in ctx.flow.steps if s.lane in ctx.customer]
    if not cust_steps:
        raise NotApplicable("journey.no_customer_lane", {"lanes": [la.name for la in ctx.flow.lanes]})
    findings: list[Finding] = []
    per_day = ctx.load.step_per_day
    for s in cust_steps:
        if not s.pain and (s.emotion is None or s.emotion >= 0):
            continue
        p: Params = {"step": s.id, "step_name": s.name, "per_day": round(per_day.get(s.id, 0.0), 1),
                     "share": round(ctx.graph.visits.get(s.id, 0.0), 3), "emotion": s.emotion,
                     "touchpoint": s.touchpoint or None, "pain": s.pain or None}
        findings.append(Finding(analyzer=NAME, code="journey.pain_point", key=f"journey:{s.id}", severity=grade(GRADES, p),
                                params=p, steps=[s.id], tools=work_tools(s, ctx.tools)))
    return findings


@dataclass(frozen=True)
class JourneyPoint:
    step: str
    name: str
    emotion: int | None
    stage: str
    share: float  # expected visits per case
    pain: bool
    anchor: int = -1  # side points: index of the main-path point they branch off after


@dataclass(frozen=True)
class JourneyCurve:
    main: list[JourneyPoint]
    side: list[JourneyPoint]
    bands: list[tuple[int, int, str]]  # (first, last, stage) over main-path indexes, each stage once


def _main_path(graph: FlowGraph) -> list[str]:
    """From the busiest entry, at each step the most likely next step, until the end or a step seen before."""
    g = graph.g
    if not graph.entries:
        return []
    order = {s.id: i for i, s in enumerate(graph.flow.steps)}
    sid: str | None = max(graph.entries, key=lambda e: (graph.visits.get(e, 0.0), -order[e]))
    path: list[str] = []
    seen: set[str] = set()
    while sid is not None and sid not in seen:
        path.append(sid)
        seen.add(sid)
        nxt = [(float(g.edges[sid, t]["probability"]), -order[t], t) for t in g.successors(sid)]
        end = graph.end_probability.get(sid, 0.0)
        best = max(nxt, default=None)
        sid = best[2] if best is not None and best[0] > end else None
    return path


def journey_curve(graph: FlowGraph) -> JourneyCurve:
    """The emotion curve of the customer lanes along the main path, with side points."""
    flow = graph.flow
    customer = flow.customer_lanes()
    steps = flow.step_map()

    def point(sid: str, anchor: int = -1) -> JourneyPoint:
        s = steps[sid]
        return JourneyPoint(step=sid, name=s.name, emotion=s.emotion, stage=s.stage, share=graph.visits.get(sid, 0.0),
                            pain=bool(s.pain) or (s.emotion is not None and s.emotion < 0), anchor=anchor)

    path = _main_path(graph)
    main = [point(sid) for sid in path if steps[sid].lane in customer]
    index = {p.step: i for i, p in enumerate(main)}
    on_path = set(path)
    side: list[JourneyPoint] = []
    for s in flow.steps:
        if s.lane not in customer or s.id in on_path:
            continue
        side.append(point(s.id, _anchor(graph, s.id, index)))
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for i, p in enumerate(main):
        if p.stage:
            first.setdefault(p.stage, i)
            last[p.stage] = i
    bands = [(first[st], last[st], st) for st in first]
    return JourneyCurve(main=main, side=side, bands=bands)


def _anchor(graph: FlowGraph, sid: str, index: dict[str, int]) -> int:
    """The nearest main-path customer point before ``sid`` (walking back along predecessors)."""
    g = graph.g
    frontier = [sid]
    seen = {sid}
    while frontier:
        nxt: list[str] = []
        for n in frontier:
            for p in g.predecessors(n):
                if p in index:
                    return index[p]
                if p not in seen:
                    seen.add(p)
                    nxt.append(p)
        frontier = nxt
    return 0


# Why it may not run (NotApplicable code → words), one catalogue per language like EN and JA.
REASONS_EN = {"journey.no_customer_lane": "the flow has no customer lane (kind: customer) among its lanes {lanes}"}
REASONS_JA = {"journey.no_customer_lane": "お客様のレーン（kind: customer）がありません（レーン: {lanes}）"}

SPEC = AnalyzerSpec(
    name=NAME, labels={"ja": "顧客体験", "en": "customer journey"}, run=analyze,
    summary={"en": "customer steps with negative emotion or a stated pain point", "ja": "感情が負、または課題が書かれたお客様の工程"},
    codes={"journey.pain_point": GRADES}, messages={"en": EN, "ja": JA},
    reasons={"en": REASONS_EN, "ja": REASONS_JA},
)

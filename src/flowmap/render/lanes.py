"""The lane graph's data for vis-network: where each step sits, its label, tooltip and colours,
the arrows between steps and the lane bands (drawn by ``assets/graph.js``).

Steps sit left to right in flow order, as compact as the order allows (:func:`compact_columns`),
one row per lane; customer lanes on top.
"""

from __future__ import annotations

import unicodedata
from typing import NotRequired, TypedDict

from pyvis.network import Network

from .._lang import t
from ..analyze import Analysis
from ..graph import FlowGraph
from ..model import Flow, Step
from ._common import analyzer_label, join, severity_label

__all__ = [
    "COMPACT_BELOW",
    "CUSTOMER_STYLE",
    "FONT_STACK",
    "HUGE",
    "LANE_PAD",
    "MODE_STYLE",
    "ROW_H",
    "X_STEP",
    "Band",
    "LaneGraph",
    "Tip",
    "VisItem",
    "compact_columns",
    "lane_graph",
]

X_STEP = 230  # one column: a step and the gap to the next step of its lane
HUGE = 2000  # from this many steps arrows are drawn straight (a browser draws thousands of curves slowly)
ROW_H = 128
LANE_PAD = 24
COMPACT_BELOW = 0.75  # below this zoom a step shows its id and a shortened name (full name on hover)
FONT_STACK = "'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans','Hiragino Kaku Gothic ProN','Yu Gothic','Meiryo',sans-serif"
MODE_STYLE = {
    "manual": {"background": "#dbe9f8", "border": "#2f6db5"},
    "auto": {"background": "#dff3e4", "border": "#2e8b57"},
    "batch": {"background": "#fdebd0", "border": "#d35400"},
}
CUSTOMER_STYLE = {"background": "#fff7d6", "border": "#b8860b"}
FINDING_FRAME = {"high": "#b0003a", "medium": "#8e44ad"}
"""Frame of a step with a finding (with a ⚠ before its id): crimson for high, purple for medium.
Chosen far (CIE76 ΔE ≥ 35) from every mode and customer border, so a medium finding never reads
as a batch step (orange) and a high one never as a customer step; tests/test_lane_frames.py checks it."""


VisItem = dict[str, object]
"""One vis-network node or edge as pyvis builds it: plain JSON for the browser, read back only by name."""


class Band(TypedDict):
    """A lane's band, top to bottom."""

    name: str
    y0: int
    y1: int
    customer: bool
    shade: int


class Tip(TypedDict):
    """What hovering a step shows."""

    title: str
    rows: list[list[str]]
    findings: list[dict[str, str]]


class Extent(TypedDict):
    x0: float
    x1: float
    y1: int


class LaneGraph(TypedDict):
    """Everything the page's script draws: :func:`lane_graph`'s result."""

    nodes: list[VisItem]
    edges: list[VisItem]
    options: dict[str, object]
    bands: list[Band]
    tips: dict[str, Tip]
    extent: Extent
    column: int
    compactBelow: float
    rowH: int
    huge: bool
    focus: NotRequired[float | None]  # the compare page: where its view starts


def _wrap(text: str, width: int = 18) -> str:
    """Break a label into lines of about ``width`` columns (CJK counts double)."""
    lines: list[str] = []
    cur, w = "", 0
    for ch in text:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > width and cur:
            lines.append(cur)
            cur, w = "", 0
        if ch == " " and not cur:
            continue
        cur += ch
        w += cw
    if cur:
        lines.append(cur)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][:-1] + "…"]
    return "\n".join(lines)


def _minutes(m: float, lang: str) -> str:
    if m >= 1440:
        return t(lang, f"{m / 1440:.1f} d", f"{m / 1440:.1f}日")
    if m >= 60:
        return t(lang, f"{m / 60:.1f} h", f"{m / 60:.1f}時間")
    return t(lang, f"{m:.1f} min", f"{m:.1f}分")


def _edge_shape(same_lane: bool, x_from: float, x_to: float) -> dict[str, object]:
    """Edges that skip over steps of their lane, or go back, arc around them; long arcs stay flat
    (a curve's height grows with its length), so they do not tower over the lanes."""
    cols = abs(x_to - x_from) / X_STEP
    if same_lane and x_to <= x_from:
        return {"type": "curvedCCW", "roundness": min(0.3, 0.6 / (cols + 1))}
    if same_lane and cols > 1.01:
        return {"type": "curvedCW", "roundness": min(0.3, 0.5 / cols)}
    if x_to <= x_from:  # back to an earlier column in another lane
        return {"type": "curvedCCW", "roundness": min(0.3, 0.6 / (cols + 1))}
    return {"type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.4}


def compact_columns(flow: Flow, graph: FlowGraph) -> dict[str, float]:
    """The x position of each step: left to right in flow order, as compact as the order allows.

    A step goes after its predecessors (back edges of loops aside) and after the previous step of
    its own lane; a step in another lane than its predecessor moves on only half a column, so
    steps of different lanes share the width instead of each taking a column of its own.
    """
    ranks = graph.ranks()
    pos = {s.id: i for i, s in enumerate(flow.steps)}
    order = sorted((s.id for s in flow.steps), key=lambda sid: (ranks.get(sid, 0), pos[sid]))
    steps = flow.step_map()
    preds: dict[str, list[str]] = {sid: [] for sid in order}
    for e in flow.edges:
        if e.target in preds and e.source in steps and ranks.get(e.source, 0) < ranks.get(e.target, 0):
            preds[e.target].append(e.source)
    half: dict[str, int] = {}
    last: dict[str, int] = {}
    for sid in order:
        lane = steps[sid].lane
        x = last[lane] + 2 if lane in last else 0
        for p in preds[sid]:
            x = max(x, half[p] + (2 if steps[p].lane == lane else 1))
        half[sid] = x
        last[lane] = x
    return {sid: h * X_STEP / 2 for sid, h in half.items()}


def _bands(lanes: list[str], customer: set[str]) -> tuple[list[Band], dict[str, int], int]:
    """Lane bands top to bottom (one row each: steps of a lane never share a column)."""
    bands: list[Band] = []
    lane_top: dict[str, int] = {}
    y = 0
    for i, lane in enumerate(lanes):
        lane_top[lane] = y
        bands.append({"name": lane, "y0": y, "y1": y + ROW_H + LANE_PAD, "customer": lane in customer, "shade": i % 2})
        y += ROW_H + LANE_PAD
    return bands, lane_top, y


def _findings_of(analysis: Analysis | None, lang: str) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for f in analysis.findings if analysis is not None else []:
        for sid in f.steps:
            out.setdefault(sid, []).append({"severity": severity_label(f.severity, lang), "level": f.severity,
                                            "title": f.title, "kind": analyzer_label(f.analyzer, lang)})
    return out


def _label(s: Step, lang: str) -> str:
    label = _wrap(s.name)
    if s.mode == "batch" and s.batch is not None:
        label += "\n◷ " + s.batch.text(lang)
    if s.join == "all":  # parallel branches meet here
        label += "\n" + t(lang, "⊕ waits for all branches", "⊕ 全分岐を待って合流")
    if s.fork:  # parallel branches start here
        label += "\n" + t(lang, "⊕ starts branches together", "⊕ 並行して分岐")
    return label


def _node(net: Network, s: Step, style: dict[str, str], worst: str | None, x: float, y: float, lane: int,
          lang: str) -> None:
    border = FINDING_FRAME.get(worst or "", style["border"])
    prefix = "⚠ " if worst in ("high", "medium") else ""
    net.add_node(
        s.id, label=f"{prefix}{s.id}  {_label(s, lang)}", shape="box", x=x, y=y,
        color={"background": style["background"], "border": border,
               "highlight": {"background": "#ffffff", "border": border},
               "hover": {"background": "#ffffff", "border": border}},
        borderWidth=5 if worst == "high" else 4 if worst == "medium" else (2 if s.mode != "manual" else 1),
        shapeProperties={"borderDashes": [6, 3] if s.mode == "batch" else False, "borderRadius": 10 if s.mode == "auto" else 3},
        font={"face": FONT_STACK, "size": 16, "color": "#1b1b1b"},
        widthConstraint={"minimum": 150, "maximum": 190}, margin=8, physics=False, fixed=True,
        fm_id=s.id, fm_name=s.name, fm_lane=lane,
    )


def _tip(s: Step, visits: float, found: list[dict[str, str]], lang: str) -> Tip:
    """What hovering a step shows: its full name and every field."""
    modes = {"manual": t(lang, "manual", "手動"), "auto": t(lang, "auto", "自動"), "batch": t(lang, "batch", "バッチ")}
    rows: list[list[str]] = [
        [t(lang, "lane", "レーン"), s.lane],
        [t(lang, "owner", "担当者"), join(s.owners, lang) or "—"],
        [t(lang, "tools", "ツール"), join(s.tools, lang) or "—"],
        [t(lang, "mode", "方式"), modes[s.mode] + (f" ({s.batch.text(lang)})" if s.batch else "")],
        [t(lang, "duration", "所要時間"), f"{s.duration.text()}  ({t(lang, 'mean', '平均')} {_minutes(s.duration.mean, lang)})"],
        [t(lang, "per case", "1件あたり"), t(lang, f"{visits:.2f} visits", f"{visits:.2f} 回")],
    ]
    for attr, en, ja in (("reads", "reads", "参照"), ("writes", "writes", "入力")):
        if getattr(s, attr):
            rows.append([t(lang, en, ja), join(getattr(s, attr), lang)])
    for attr, en, ja in (("stage", "stage", "ステージ"), ("touchpoint", "touchpoint", "タッチポイント"),
                         ("pain", "pain", "課題"), ("note", "note", "備考")):
        if getattr(s, attr):
            rows.append([t(lang, en, ja), getattr(s, attr)])
    if s.emotion is not None:
        rows.append([t(lang, "emotion", "感情"), f"{s.emotion:+d}"])
    rows += [[k, v] for k, v in s.extra.items()]
    return {"title": f"{s.id} {s.name}", "rows": rows, "findings": found}


def _edges(net: Network, flow: Flow, graph: FlowGraph, xs: dict[str, float]) -> None:
    steps = flow.step_map()
    straight = len(flow.steps) >= HUGE
    handoff_edges = {(h.source, h.target) for h in graph.handoffs()}
    visits = graph.visits
    vmax = max(visits.values(), default=1.0) or 1.0
    for e in flow.edges:
        if e.target not in steps:
            continue
        handoff = (e.source, e.target) in handoff_edges
        parallel = steps[e.source].fork  # a branch of a fork: every case takes it, alongside the others
        net.add_edge(
            e.source, e.target, arrows="to", width=1 + 5 * visits.get(e.source, 0.0) * e.probability / vmax,
            label=("∥ " if parallel else "") + (f"{e.probability * 100:.0f}%" if e.probability < 0.9995 else ("⇄" if handoff else "")),
            dashes=handoff,
            color={"color": "#c0392b" if handoff else ("#2e7d32" if parallel else "#7a869a"), "highlight": "#1f4e79"},
            font={"face": FONT_STACK, "size": 12, "align": "horizontal", "strokeWidth": 4, "background": "#ffffff"},
            smooth={"enabled": False} if straight else _edge_shape(steps[e.source].lane == steps[e.target].lane,
                                                                   xs[e.source], xs[e.target]),
        )


OPTIONS: dict[str, object] = {
    "physics": {"enabled": False},
    "interaction": {"hover": True, "tooltipDelay": 120, "dragNodes": False, "dragView": True, "zoomView": True,
                    "navigationButtons": False, "keyboard": {"enabled": True, "bindToWindow": False}},
    "edges": {"arrowStrikethrough": False},
    "layout": {"hierarchical": {"enabled": False}},
}


def lane_graph(flow: Flow, graph: FlowGraph, analysis: Analysis | None, lang: str) -> LaneGraph:
    """Nodes, edges, lane bands, tooltips and options for vis-network."""
    xs = compact_columns(flow, graph)
    lanes = graph.lanes_top_down()
    customer = flow.customer_lanes()
    bands, lane_top, height = _bands(lanes, customer)
    findings_of = _findings_of(analysis, lang)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    tips: dict[str, Tip] = {}
    for s in flow.steps:
        found = findings_of.get(s.id, [])
        worst = min((f["level"] for f in found), key=("high", "medium", "low").index, default=None)
        style = CUSTOMER_STYLE if s.lane in customer else MODE_STYLE[s.mode]
        _node(net, s, style, worst, xs[s.id], lane_top[s.lane] + LANE_PAD // 2 + ROW_H // 2, lanes.index(s.lane), lang)
        tips[s.id] = _tip(s, graph.visits.get(s.id, 0.0), found, lang)
    _edges(net, flow, graph, xs)
    max_x = max(xs.values(), default=0.0)
    return {"nodes": net.nodes, "edges": net.edges, "options": OPTIONS, "bands": bands, "tips": tips,
            "extent": {"x0": -X_STEP * 0.5, "x1": max_x + X_STEP * 0.5, "y1": height},
            "column": X_STEP, "compactBelow": COMPACT_BELOW, "rowH": ROW_H + LANE_PAD, "huge": len(flow.steps) >= HUGE}

"""The interactive swimlane graph (``flowmap view``) and the one-page report
(``flowmap report``), each one self-contained, offline HTML file.

The graph is built with pyvis (nodes, edges, options) and drawn by
vis-network, whose script and stylesheet are inlined from the pyvis package.
Lanes are horizontal bands (customer lanes on top) painted under the graph;
steps sit left to right by their order in the flow, fixed in their lane.

Safety: every text from the workbook reaches the page either escaped by
``html.escape`` or as JSON read with ``JSON.parse`` and put into the DOM with
``textContent`` / drawn on the canvas; no workbook text is ever parsed as
HTML.  The JSON is embedded with ``<``, ``>`` and ``&`` escaped, so it cannot
close its script element.
"""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyvis.network import Network

from .._lang import t
from ..analyze import Analysis
from ..graph import FlowGraph
from ..model import Flow
from ._common import analyzer_label, join, severity_label
from .svg import Bar, bar_chart, histogram, line_chart, nice_step

if TYPE_CHECKING:
    from ..simulation import SimulationResult

__all__ = ["report_html", "view_html"]

X_STEP = 230  # one column: a step and the gap to the next step of its lane
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


def _asset(name: str) -> str:
    """A file of ``flowmap/render/assets`` (scripts and stylesheets of the pages)."""
    return (resources.files("flowmap.render") / "assets" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    base = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    js = (base / "vis-network.min.js").read_text(encoding="utf-8")
    css = (base / "vis-network.css").read_text(encoding="utf-8")
    js = "\n".join(line for line in js.split("\n") if not line.startswith("//# sourceMappingURL"))
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def _json_for_script(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


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


def _edge_shape(same_lane: bool, x_from: float, x_to: float) -> dict[str, Any]:
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


def lane_graph(flow: Flow, graph: FlowGraph, analysis: Analysis | None, lang: str) -> dict[str, Any]:
    """Nodes, edges, lane bands, tooltips and options for vis-network."""
    xs = compact_columns(flow, graph)
    lanes = graph.lanes_top_down()
    customer = flow.customer_lanes()
    steps = flow.step_map()
    # rows inside each lane: steps of the same lane never share a column, so one row each
    slot = {s.id: 0 for s in flow.steps}
    rows = dict.fromkeys(lanes, 1)
    bands: list[dict[str, Any]] = []
    y = 0
    lane_top: dict[str, int] = {}
    for i, lane in enumerate(lanes):
        h = rows[lane] * ROW_H + LANE_PAD
        lane_top[lane] = y
        bands.append({"name": lane, "y0": y, "y1": y + h, "customer": lane in customer, "shade": i % 2})
        y += h
    findings_of: dict[str, list[dict[str, str]]] = {}
    if analysis is not None:
        for f in analysis.findings:
            for sid in f.steps:
                findings_of.setdefault(sid, []).append(
                    {"severity": severity_label(f.severity, lang), "level": f.severity, "title": f.title,
                     "kind": analyzer_label(f.analyzer, lang)})
    handoff_edges = {(h.source, h.target) for h in graph.handoffs()}
    visits = graph.visits
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    tips: dict[str, Any] = {}
    for s in flow.steps:
        style = CUSTOMER_STYLE if s.lane in customer else MODE_STYLE[s.mode]
        found = findings_of.get(s.id, [])
        worst = min((f["level"] for f in found), key=("high", "medium", "low").index, default=None)
        border = {"high": "#c0392b", "medium": "#e67e22", "low": style["border"]}.get(worst or "", style["border"])
        label = _wrap(s.name)
        if s.mode == "batch" and s.batch is not None:
            label += "\n◷ " + s.batch.text(lang)
        if s.join == "all":  # parallel branches meet here
            label += "\n" + t(lang, "⊕ waits for all branches", "⊕ 全分岐を待って合流")
        if s.fork:  # parallel branches start here
            label += "\n" + t(lang, "⊕ starts branches together", "⊕ 並行して分岐")
        prefix = "⚠ " if worst in ("high", "medium") else ""
        net.add_node(
            s.id, label=f"{prefix}{s.id}  {label}", shape="box",
            x=xs[s.id], y=lane_top[s.lane] + LANE_PAD // 2 + ROW_H // 2 + slot[s.id] * ROW_H,
            color={"background": style["background"], "border": border,
                   "highlight": {"background": "#ffffff", "border": border},
                   "hover": {"background": "#ffffff", "border": border}},
            borderWidth=4 if worst in ("high", "medium") else (2 if s.mode != "manual" else 1),
            shapeProperties={"borderDashes": [6, 3] if s.mode == "batch" else False, "borderRadius": 10 if s.mode == "auto" else 3},
            font={"face": FONT_STACK, "size": 16, "color": "#1b1b1b"},
            widthConstraint={"minimum": 150, "maximum": 190}, margin=8, physics=False, fixed=True,
            fm_id=s.id, fm_name=s.name, fm_lane=lanes.index(s.lane),
        )
        rows_tip: list[list[str]] = [
            [t(lang, "lane", "レーン"), s.lane],
            [t(lang, "owner", "担当者"), join(s.owners, lang) or "—"],
            [t(lang, "tools", "ツール"), join(s.tools, lang) or "—"],
            [t(lang, "mode", "方式"), {"manual": t(lang, "manual", "手動"), "auto": t(lang, "auto", "自動"),
                                        "batch": t(lang, "batch", "バッチ")}[s.mode]
             + (f" ({s.batch.text(lang)})" if s.batch else "")],
            [t(lang, "duration", "所要時間"), f"{s.duration.text()}  ({t(lang, 'mean', '平均')} {_minutes(s.duration.mean, lang)})"],
            [t(lang, "per case", "1件あたり"), t(lang, f"{visits.get(s.id, 0):.2f} visits", f"{visits.get(s.id, 0):.2f} 回")],
        ]
        for attr, en, ja in (("reads", "reads", "参照"), ("writes", "writes", "入力")):
            if getattr(s, attr):
                rows_tip.append([t(lang, en, ja), join(getattr(s, attr), lang)])
        for attr, en, ja in (("stage", "stage", "ステージ"), ("touchpoint", "touchpoint", "タッチポイント"),
                             ("pain", "pain", "課題"), ("note", "note", "備考")):
            if getattr(s, attr):
                rows_tip.append([t(lang, en, ja), getattr(s, attr)])
        if s.emotion is not None:
            rows_tip.append([t(lang, "emotion", "感情"), f"{s.emotion:+d}"])
        for k, v in s.extra.items():
            rows_tip.append([k, v])
        tips[s.id] = {"title": f"{s.id} {s.name}", "rows": rows_tip, "findings": found}
    vmax = max(visits.values(), default=1.0) or 1.0
    for e in flow.edges:
        if e.target not in steps:
            continue
        flow_per_case = visits.get(e.source, 0.0) * e.probability
        handoff = (e.source, e.target) in handoff_edges
        parallel = steps[e.source].fork  # a branch of a fork: every case takes it, alongside the others
        net.add_edge(
            e.source, e.target, arrows="to", width=1 + 5 * flow_per_case / vmax,
            label=("∥ " if parallel else "") + (f"{e.probability * 100:.0f}%" if e.probability < 0.9995 else ("⇄" if handoff else "")),
            dashes=handoff,
            color={"color": "#c0392b" if handoff else ("#2e7d32" if parallel else "#7a869a"), "highlight": "#1f4e79"},
            font={"face": FONT_STACK, "size": 12, "align": "horizontal", "strokeWidth": 4, "background": "#ffffff"},
            smooth=_edge_shape(steps[e.source].lane == steps[e.target].lane, xs[e.source], xs[e.target]),
        )
    options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "dragNodes": False, "dragView": True, "zoomView": True,
                        "navigationButtons": False, "keyboard": {"enabled": True, "bindToWindow": False}},
        "edges": {"arrowStrikethrough": False},
        "layout": {"hierarchical": {"enabled": False}},
    }
    max_x = max(xs.values(), default=0.0)
    return {"nodes": net.nodes, "edges": net.edges, "options": options, "bands": bands, "tips": tips,
            "extent": {"x0": -X_STEP * 0.5, "x1": max_x + X_STEP * 0.5, "y1": y},
            "column": X_STEP, "compactBelow": COMPACT_BELOW, "rowH": ROW_H + LANE_PAD}




_CSS = _asset("flowmap.css")  # %(font)s and %(height)s are filled in by _page (and compare_html)



def _legend(lang: str) -> str:
    items = [
        (MODE_STYLE["manual"]["background"], MODE_STYLE["manual"]["border"], t(lang, "manual step", "手動の工程")),
        (MODE_STYLE["auto"]["background"], MODE_STYLE["auto"]["border"], t(lang, "automated step", "自動の工程")),
        (MODE_STYLE["batch"]["background"], MODE_STYLE["batch"]["border"], t(lang, "batch step ◷", "バッチ工程 ◷")),
        (CUSTOMER_STYLE["background"], CUSTOMER_STYLE["border"], t(lang, "customer", "お客様の行動")),
        ("#ffffff", "#c0392b", t(lang, "⚠ finding (high / medium)", "⚠ 指摘あり（高・中）")),
    ]
    rows = "".join(f'<div><span class="sw" style="background:{bg};border:2px solid {bd}"></span>{escape(txt)}</div>'
                   for bg, bd, txt in items)
    rows += (f'<div><span class="sw" style="border-top:3px dashed #c0392b;height:0"></span>'
             f'{escape(t(lang, "handoff between owners", "担当者間の引き継ぎ"))}</div>')
    rows += f'<div>{escape(t(lang, "thicker arrow = more cases", "矢印が太いほど件数が多い"))}</div>'
    buttons = (f'<span class="fm-buttons"><button id="fm-fit" type="button">{escape(t(lang, "whole flow", "全体を表示"))}</button> '
               f'<button id="fm-home" type="button">{escape(t(lang, "start", "先頭へ"))}</button></span>')
    return f'<div class="fm-legend" aria-label="legend">{rows}{buttons}</div>'


def _page(title: str, lang: str, body: str, graph: dict[str, Any] | None, height: str) -> str:
    js, css = _vis_assets()
    scripts = ""
    if graph is not None:
        scripts = (f'<script type="application/json" id="flowmap-graph-data">{_json_for_script(graph)}</script>'
                   f'<script type="application/json" id="flowmap-labels">'
                   f'{_json_for_script({"findings": t(lang, "findings", "指摘"), "font": FONT_STACK})}</script>'
                   f"<script>{js}</script><script>{_asset('graph.js')}</script>")
    head_css = (f"<style>{css}</style>" if graph is not None else "") + f"<style>{_CSS % {'font': FONT_STACK, 'height': height}}</style>"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
            f"style-src 'unsafe-inline'; img-src data:; font-src data:\">"
            f"<title>{escape(title)}</title>{head_css}</head><body>{body}{scripts}</body></html>\n")


def _summary_line(flow: Flow, lang: str) -> str:
    return t(lang, f"{len(flow.steps)} steps · {len(flow.lanes)} lanes · {len(flow.owners)} owners · {len(flow.tools)} tools · "
                   f"{sum(flow.entry_volumes().values()):g} cases/day",
             f"工程 {len(flow.steps)}・レーン {len(flow.lanes)}・担当者 {len(flow.owners)}・ツール {len(flow.tools)}・"
             f"1日 {sum(flow.entry_volumes().values()):g} 件")


def view_html(flow: Flow, graph: FlowGraph, analysis: Analysis | None, lang: str) -> str:
    data = lane_graph(flow, graph, analysis, lang)
    body = (f'<header class="fm-head"><h1>{escape(flow.name)}</h1><p>{escape(_summary_line(flow, lang))}</p></header>'
            f"{_graph_block(lang)}")
    return _page(flow.name, lang, body, data, "calc(100vh - 126px)")


def _graph_block(lang: str) -> str:
    """The legend bar, the lane-name gutter and the canvas of the lane graph."""
    return (f'<div class="fm-graph-wrap">{_legend(lang)}<div class="fm-canvas-row">'
            f'<div class="fm-lanes" id="fm-lanes" aria-hidden="true"></div>'
            f'<div id="flowmap-graph" role="img" aria-label="{escape(t(lang, "lane graph", "業務フロー図"))}"></div>'
            f"</div></div>")


# ------------------------------------------------------------------ report

def _findings_table(a: Analysis, lang: str) -> str:
    if not a.findings:
        return f'<p class="fm-note">{escape(t(lang, "No findings.", "指摘はありません。"))}</p>'
    head = (["重要度", "指摘", "担当者", "ツール", "データ", "分/日", "改善案"] if lang == "ja"
            else ["severity", "what", "who", "tools", "data", "min/day", "suggestion"])
    rows = []
    for f in a.findings:
        rows.append(
            f'<tr><td class="sev sev-{f.severity}">{escape(severity_label(f.severity, lang))}</td>'
            f"<td><b>{escape(f.title)}</b><br><small>{escape(analyzer_label(f.analyzer, lang))} · "
            f"{escape(join(f.steps, lang))}</small><br>{escape(f.message)}</td>"
            f"<td>{escape(join(f.owners, lang))}</td><td>{escape(join(f.tools, lang))}</td><td>{escape(join(f.data, lang))}</td>"
            f'<td class="num">{f.minutes_per_day:,.0f}</td><td>{escape(f.suggestion)}</td></tr>')
    skipped = "".join(f'<p class="fm-note">{escape(analyzer_label(k, lang))}: {escape(v)}</p>' for k, v in a.skipped.items())
    return (f'<table class="fm-table" id="fm-findings"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{skipped}")


def _workload_chart(a: Analysis, lang: str) -> str:
    over = a.thresholds.get("overload", a.flow.settings.overload)
    bars = [Bar(label=o.owner, value=o.minutes_per_day, limit=o.capacity_minutes_per_day,
                part=o.data_entry_minutes, alert=o.utilization > over,
                text=t(lang, f"{o.minutes_per_day:,.0f} / {o.capacity_minutes_per_day:,.0f} min ({o.utilization:.0%}), "
                             f"data entry {o.data_entry_share:.0%} of all",
                       f"{o.minutes_per_day:,.0f} / {o.capacity_minutes_per_day:,.0f} 分（{o.utilization:.0%}）"
                       f"・全データ入力の {o.data_entry_share:.0%}"))
            for o in a.workload.owners]
    legend = [("#4a90d9", t(lang, "load (min/day)", "業務量（分/日）")), ("#1f4e79", t(lang, "of which data entry", "うちデータ入力")),
              ("#d9534f", t(lang, f"above {over:.0%} of capacity", f"稼働率 {over:.0%} 超")), ("#222", t(lang, "capacity", "稼働枠"))]
    spread = a.workload.spread()
    gini, cv = spread.gini, spread.cv
    note = t(lang, f"Spread of utilization across people: Gini {gini:.2f}, CV {cv:.2f}.",
             f"担当者間の稼働率のばらつき: ジニ係数 {gini:.2f}、変動係数 {cv:.2f}。")
    return bar_chart(bars, legend=legend) + f'<p class="fm-note">{escape(note)}</p>'


def _simulation_section(sim: SimulationResult, lang: str, overload: float) -> str:
    from .simulation import duration_text, overload_lines

    lt = sim.lead_time
    kpis = [
        (f"{sim.arrived:,.0f}", t(lang, "cases arrived", "到着した案件")),
        (f"{sim.completed:,.0f}", t(lang, "completed", "完了")),
        (duration_text(lt.mean, lang), t(lang, "mean lead time", "平均リードタイム")),
        (duration_text(lt.p90, lang), t(lang, "90% done within", "90% が完了するまで")),
    ]
    if lt.ci95:
        kpis.append((f"{duration_text(lt.ci95[0], lang)} – {duration_text(lt.ci95[1], lang)}", t(lang, "95% CI of the mean", "平均の95%信頼区間")))
    out = ['<div class="fm-kpis">' + "".join(f'<div class="fm-kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in kpis) + "</div>"]
    for line in overload_lines(sim, lang):
        out.append(f'<p class="fm-warn">{escape(line)}</p>')
    lead = sim.lead_histogram().values()
    hours, weights = [v / 60 for v, _ in lead], [c for _, c in lead]
    if hours:
        in_days = max(hours) > 72
        step = nice_step(max(hours))

        def tick(h: float) -> str:
            return t(lang, f"{h / 24:g} d", f"{h / 24:g}日") if in_days else t(lang, f"{h:g} h", f"{h:g}時間")

        out.append(histogram(hours, step=step, fmt=tick, xlabel=t(lang, "lead time (calendar)", "リードタイム（暦時間）"),
                             title=t(lang, "Lead time distribution", "リードタイムの分布"), weights=weights))
    steps = sorted((s for s in sim.steps if s.count and s.wait_mean_minutes > 0.5), key=lambda s: -s.wait_mean_minutes)[:15]
    out.append(bar_chart([Bar(label=f"{s.step} {s.name}", value=s.wait_mean_minutes / 60,
                              text=duration_text(s.wait_mean_minutes, lang)) for s in steps],
                         title=t(lang, "Mean waiting time per step", "工程ごとの平均待ち時間")))
    out.append(bar_chart([Bar(label=o.owner, value=o.utilization * 100, limit=100.0, alert=o.utilization > overload,
                              text=f"{o.utilization:.0%}") for o in sim.owners],
                         title=t(lang, "Utilization per owner (busy / scheduled time)", "担当者ごとの稼働率（作業時間 / 勤務時間）")))
    ss = sim.settings
    days, start, opd, seed, reps = ss.days, ss.start.isoformat(), ss.orders_per_day, ss.seed, ss.replications
    note = t(lang, f"{days:g} days from {start}, {opd:g} orders/day, seed {seed}, {reps} replications.",
             f"{start} から {days:g} 日間・1日 {opd:g} 件・乱数シード {seed}・反復 {reps} 回。")
    out.append(f'<p class="fm-note">{escape(note)}</p>')
    return "".join(out)


def _journey_section(graph: FlowGraph, lang: str) -> str:
    from ..analyze.journey import journey_curve

    flow = graph.flow
    customer = flow.customer_lanes()
    cust = [s for s in flow.steps if s.lane in customer]
    if not cust or not any(s.stage or s.emotion is not None for s in cust):
        return ""
    curve = journey_curve(graph)  # the most likely path; other customer steps as side points with their share
    points = [(p.name, float(p.emotion) if p.emotion is not None else None) for p in curve.main]
    marks = {i for i, p in enumerate(curve.main) if p.pain}
    side = [(p.anchor, float(p.emotion), f"{p.share:.0%} {p.name}", p.pain) for p in curve.side if p.emotion is not None]
    chart = line_chart(points, marks=marks, bands=curve.bands, side=side, height=360, width=900)
    head = ["ステージ", "工程", "タッチポイント", "感情", "課題"] if lang == "ja" else ["stage", "step", "touchpoint", "emotion", "pain point"]
    rows = "".join(
        f"<tr><td>{escape(s.stage)}</td><td>{escape(s.id)} {escape(s.name)}</td><td>{escape(s.touchpoint)}</td>"
        f'<td class="num">{"" if s.emotion is None else (f"{s.emotion:+d}" if s.emotion else "0")}</td><td>{escape(s.pain)}</td></tr>'
        for s in cust)
    return (chart + f'<table class="fm-table" id="fm-journey"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def report_html(flow: Flow, graph: FlowGraph, analysis: Analysis, sim: SimulationResult | None, lang: str,
                extra: list[tuple[str, str, str]] | None = None) -> str:
    """The one-page report; ``extra`` adds (id, title, HTML content) sections at the end (e.g. the log check)."""
    data = lane_graph(flow, graph, analysis, lang)
    counts = {sev: sum(f.severity == sev for f in analysis.findings) for sev in ("high", "medium", "low")}
    lanes = join([la.name for la in flow.lanes], lang)
    summary = (f'<div class="fm-kpis">'
               f'<div class="fm-kpi"><b>{len(flow.steps)}</b><span>{escape(t(lang, "steps", "工程"))}</span></div>'
               f'<div class="fm-kpi"><b>{len(flow.lanes)}</b><span>{escape(t(lang, "lanes", "レーン"))}: {escape(lanes)}</span></div>'
               f'<div class="fm-kpi"><b>{len(flow.owners)}</b><span>{escape(t(lang, "owners", "担当者"))}</span></div>'
               f'<div class="fm-kpi"><b>{len(flow.tools)}</b><span>{escape(t(lang, "tools", "ツール"))}</span></div>'
               f'<div class="fm-kpi"><b>{counts["high"]} / {counts["medium"]} / {counts["low"]}</b>'
               f'<span>{escape(t(lang, "findings high / medium / low", "指摘 高 / 中 / 低"))}</span></div></div>')
    sections = [
        ("fm-summary", t(lang, "Summary", "概要"), summary + f'<p class="fm-note">{escape(_summary_line(flow, lang))}</p>'),
        ("fm-graph", t(lang, "Lane graph", "業務フロー図"),
         _graph_block(lang)),
        ("fm-findings-section", t(lang, "Findings", "指摘事項"), _findings_table(analysis, lang)),
        ("fm-workload", t(lang, "Workload per owner", "担当者ごとの業務量"), _workload_chart(analysis, lang)),
    ]
    if sim is not None:
        sections.append(("fm-simulation", t(lang, "Simulation", "シミュレーション"), _simulation_section(sim, lang, analysis.thresholds.get("overload", flow.settings.overload))))
    journey = _journey_section(graph, lang)
    if journey:
        sections.append(("fm-journey-section", t(lang, "Customer journey", "カスタマージャーニー"), journey))
    sections.extend(extra or [])
    body = (f'<header class="fm-head"><h1>{escape(flow.name)}</h1><p>{escape(t(lang, "flowmap report", "flowmap レポート"))}</p></header>'
            '<main class="fm-report">'
            + "".join(f'<section id="{sid}" class="{"fm-break" if i > 1 else ""}"><h2>{escape(title)}</h2>{content}</section>'
                      for i, (sid, title, content) in enumerate(sections))
            + "</main>")
    return _page(flow.name, lang, body, data, "620px")


def write(path: str | Path, html: str) -> None:
    from .._atomic import write_text

    write_text(path, html)

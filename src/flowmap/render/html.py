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
from functools import lru_cache
from html import escape
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .._lang import t
from ..analyze import Analysis
from ..graph import FlowGraph, count_work_tools
from ..model import Flow
from ._common import analyzer_label, join, severity_label
from .lanes import (
    CUSTOMER_STYLE,
    FINDING_FRAME,
    FONT_STACK,
    HUGE,
    MODE_STYLE,
    X_STEP,
    LaneGraph,
    compact_columns,
    lane_graph,
)
from .svg import Bar, bar_chart, histogram, line_chart, nice_step

if TYPE_CHECKING:
    from ..simulation import SimulationResult

__all__ = ["CUSTOMER_STYLE", "FINDING_FRAME", "FONT_STACK", "MODE_STYLE", "X_STEP", "compact_columns", "lane_graph", "report_html",
           "view_html"]

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


def _json_for_script(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_CSS = _asset("flowmap.css")  # %(font)s and %(height)s are filled in by _page (and compare_html)



def _legend(lang: str) -> str:
    items = [
        (MODE_STYLE["manual"]["background"], MODE_STYLE["manual"]["border"], t(lang, "manual step", "手動の工程")),
        (MODE_STYLE["auto"]["background"], MODE_STYLE["auto"]["border"], t(lang, "automated step", "自動の工程")),
        (MODE_STYLE["batch"]["background"], MODE_STYLE["batch"]["border"], t(lang, "batch step ◷", "バッチ工程 ◷")),
        (CUSTOMER_STYLE["background"], CUSTOMER_STYLE["border"], t(lang, "customer", "お客様の行動")),
        ("#ffffff", FINDING_FRAME["high"], t(lang, "⚠ finding: high", "⚠ 指摘あり（高）")),
        ("#ffffff", FINDING_FRAME["medium"], t(lang, "⚠ finding: medium", "⚠ 指摘あり（中）")),
    ]
    rows = "".join(f'<div><span class="sw" style="background:{bg};border:{3 if bd in FINDING_FRAME.values() else 2}px '
                   f'solid {bd}"></span>{escape(txt)}</div>' for bg, bd, txt in items)
    rows += (f'<div><span class="sw" style="border-top:3px dashed #c0392b;height:0"></span>'
             f'{escape(t(lang, "handoff between owners", "担当者間の引き継ぎ"))}</div>')
    rows += f'<div>{escape(t(lang, "thicker arrow = more cases", "矢印が太いほど件数が多い"))}</div>'
    buttons = (f'<span class="fm-buttons"><button id="fm-fit" type="button">{escape(t(lang, "whole flow", "全体を表示"))}</button> '
               f'<button id="fm-home" type="button">{escape(t(lang, "start", "先頭へ"))}</button></span>')
    return f'<div class="fm-legend" aria-label="legend">{rows}{buttons}</div>'


def _page(title: str, lang: str, body: str, graph: LaneGraph | None, height: str, kind: str = "fm-report-page") -> str:
    js, css = _vis_assets()
    scripts = ""
    if graph is not None:
        scripts = (f'<script type="application/json" id="flowmap-graph-data">{_json_for_script(graph)}</script>'
                   f'<script type="application/json" id="flowmap-labels">'
                   f'{_json_for_script({"findings": t(lang, "findings", "指摘"), "font": FONT_STACK})}</script>'
                   f"<script>{js}</script><script>{_asset('lanes.js')}</script><script>{_asset('graph.js')}</script>")
    head_css = (f"<style>{css}</style>" if graph is not None else "") + f"<style>{_CSS % {'font': FONT_STACK, 'height': height}}</style>"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
            f"style-src 'unsafe-inline'; img-src data:; font-src data:\">"
            f'<title>{escape(title)}</title>{head_css}</head><body class="{kind}">{body}{scripts}</body></html>\n')


def _count(n: int, noun: str) -> str:
    """'1 lane', '2 lanes', '1,234 steps' (English)."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _summary_line(flow: Flow, lang: str) -> str:
    tools, per_day = count_work_tools(flow), sum(flow.entry_volumes().values())  # once, for both wordings
    return t(lang, f"{_count(len(flow.steps), 'step')} · {_count(len(flow.lanes), 'lane')} · {_count(len(flow.owners), 'owner')} · "
                   f"{_count(tools, 'tool')} · {per_day:g} cases/day",
             f"工程 {len(flow.steps)}・レーン {len(flow.lanes)}・担当者 {len(flow.owners)}・ツール {tools}・"
             f"1日 {per_day:g} 件")


def view_html(flow: Flow, graph: FlowGraph, analysis: Analysis | None, lang: str) -> str:
    data = lane_graph(flow, graph, analysis, lang)
    body = (f'<header class="fm-head"><h1>{escape(flow.name)}</h1><p>{escape(_summary_line(flow, lang))}</p></header>'
            f"{_graph_block(lang, len(flow.steps))}")
    return _page(flow.name, lang, body, data, "auto", "fm-view")


def _graph_block(lang: str, steps: int) -> str:
    """The legend bar, the lane-name gutter and the canvas of the lane graph (with a note for a huge flow)."""
    note = ""
    if steps >= HUGE:
        note = (f'<p class="fm-big">{escape(t(lang, f"A large flow ({steps:,} steps): arrows are drawn straight and the whole flow is shown in strips; zoom in, or hover a step, to read it.", f"大きなフロー（{steps:,} 工程）: 矢印は直線で描き、全体表示は段に折り返します。拡大するか工程にカーソルを合わせると読めます。"))}</p>')
    return (f'<div class="fm-graph-wrap">{note}{_legend(lang)}<div class="fm-canvas-row">'
            f'<div class="fm-lanes" id="fm-lanes" aria-hidden="true"></div>'
            f'<div id="flowmap-graph" role="img" aria-label="{escape(t(lang, "lane graph", "業務フロー図"))}"></div>'
            f"</div></div>")


# ------------------------------------------------------------------ report

def _scroll(chart: str) -> str:
    """A chart in a box that scrolls sideways on a phone, so its type keeps a readable size."""
    return f'<div class="fm-scroll">{chart}</div>'


def _findings_table(a: Analysis, lang: str) -> str:
    if not a.findings:
        return f'<p class="fm-note">{escape(t(lang, "No findings.", "指摘はありません。"))}</p>'
    head = (["重要度", "指摘", "担当者", "ツール", "データ", "分/日", "改善案"] if lang == "ja"
            else ["severity", "what", "who", "tools", "data", "min/day", "suggestion"])
    lab = [f' data-label="{escape(h)}"' for h in head]  # a phone shows each row as a card, cells named
    rows = []
    for f in a.findings:
        rows.append(
            f'<tr><td class="sev sev-{f.severity}"{lab[0]}>{escape(severity_label(f.severity, lang))}</td>'
            f"<td><b>{escape(f.title)}</b><br><small>{escape(analyzer_label(f.analyzer, lang))} · "
            f"{escape(join(f.steps, lang))}</small><br>{escape(f.message)}</td>"
            f"<td{lab[2]}>{escape(join(f.owners, lang))}</td><td{lab[3]}>{escape(join(f.tools, lang))}</td>"
            f"<td{lab[4]}>{escape(join(f.data, lang))}</td>"
            f'<td class="num"{lab[5]}>{f.minutes_per_day:,.0f}</td><td{lab[6]}>{escape(f.suggestion)}</td></tr>')
    skipped = "".join(f'<p class="fm-note">{escape(analyzer_label(k, lang))}: {escape(v)}</p>' for k, v in a.skipped.items())
    return (f'<table class="fm-table fm-cards" id="fm-findings"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
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
    return _scroll(bar_chart(bars, legend=legend)) + f'<p class="fm-note">{escape(note)}</p>'


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

        out.append(_scroll(histogram(hours, step=step, fmt=tick, xlabel=t(lang, "lead time (calendar)", "リードタイム（暦時間）"),
                             title=t(lang, "Lead time distribution", "リードタイムの分布"), weights=weights)))
    steps = sorted((s for s in sim.steps if s.count and s.wait_mean_minutes > 0.5), key=lambda s: -s.wait_mean_minutes)[:15]
    out.append(_scroll(bar_chart([Bar(label=f"{s.step} {s.name}", value=s.wait_mean_minutes / 60,
                              text=duration_text(s.wait_mean_minutes, lang)) for s in steps],
                         title=t(lang, "Mean waiting time per step", "工程ごとの平均待ち時間"))))
    out.append(_scroll(bar_chart([Bar(label=o.owner, value=o.utilization * 100, limit=100.0, alert=o.utilization > overload,
                              text=f"{o.utilization:.0%}") for o in sim.owners],
                         title=t(lang, "Utilization per owner (busy / scheduled time)", "担当者ごとの稼働率（作業時間 / 勤務時間）"))))
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
    lab = [f' data-label="{escape(h)}"' for h in head]
    rows = "".join(
        f"<tr><td{lab[0]}>{escape(s.stage)}</td><td>{escape(s.id)} {escape(s.name)}</td><td{lab[2]}>{escape(s.touchpoint)}</td>"
        f'<td class="num"{lab[3]}>{"" if s.emotion is None else (f"{s.emotion:+d}" if s.emotion else "0")}</td>'
        f"<td{lab[4]}>{escape(s.pain)}</td></tr>"
        for s in cust)
    return (_scroll(chart) + f'<table class="fm-table fm-cards" id="fm-journey"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
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
               f'<div class="fm-kpi"><b>{count_work_tools(flow)}</b><span>{escape(t(lang, "tools", "ツール"))}</span></div>'
               f'<div class="fm-kpi"><b>{counts["high"]} / {counts["medium"]} / {counts["low"]}</b>'
               f'<span>{escape(t(lang, "findings high / medium / low", "指摘 高 / 中 / 低"))}</span></div></div>')
    sections = [
        ("fm-summary", t(lang, "Summary", "概要"), summary + f'<p class="fm-note">{escape(_summary_line(flow, lang))}</p>'),
        ("fm-graph", t(lang, "Lane graph", "業務フロー図"),
         _graph_block(lang, len(flow.steps))),
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
    return _page(flow.name, lang, body, data, "min(620px, 75vh)")


def write(path: str | Path, html: str) -> None:
    from .._atomic import write_text

    write_text(path, html)

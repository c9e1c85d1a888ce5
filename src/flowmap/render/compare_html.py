"""The comparison as one self-contained, offline HTML page.

Both lane graphs (BEFORE with its removed steps marked, AFTER with its added,
automated or batched and changed steps marked; retired tools named in the
tooltips and struck through in the list), workload bars before/after per
owner, the two lead-time distributions overlaid, the segments and waits side
by side, and the findings table with resolved / remaining / new.

It reuses the report's pieces: the lane-graph data (:func:`html.lane_graph`),
vis-network inlined from pyvis, the report's stylesheet and the SVG bar chart.
Every text from the flows is escaped by ``html.escape`` or reaches the page as
JSON read with ``JSON.parse`` and put into the DOM with ``textContent``.
"""

from __future__ import annotations

from html import escape

from .._lang import t
from ..compare import Comparison
from . import html as report
from ._common import analyzer_label, join, pct, severity_label
from .compare.histogram import overlaid_histogram
from .compare.words import STATUS, change_text, minutes_text, money, signed_duration, summary_lines
from .lanes import LaneGraph
from .simulation import duration_text
from .svg import Bar, bar_chart

__all__ = ["compare_html", "compare_section", "overlaid_histogram"]

REMOVED = {"background": "#f6d5d1", "border": "#c0392b"}
ADDED = {"background": "#d1f2f5", "border": "#117a8b"}  # teal: purple is the medium-finding frame (lanes.FINDING_FRAME)
AUTOMATED = {"background": "#d5f5e3", "border": "#1e8449"}
BEFORE_COLOR, AFTER_COLOR = "#7f8c8d", "#e67e22"

_CSS = """
.fm-cmp-row { position: relative; border: 1px solid var(--line); }
.fm-cmp-graph { flex: 1 1 auto; min-width: 0; height: 400px; background: #fff; }
.fm-cmp-shield { display: none; }
.fm-scroll { overflow-x: auto; max-width: 100%; }
.fm-cmp-legend { font-size: 12px; line-height: 1.8; margin: 4px 0 8px; }
.fm-cmp-legend span.sw { display: inline-block; width: 22px; height: 13px; vertical-align: -2px; margin: 0 5px 0 12px; border-radius: 2px; }
.fm-status { font-weight: bold; white-space: nowrap; }
.fm-status-resolved { color: #1e8449; } .fm-status-remaining { color: #7f8c8d; } .fm-status-new { color: #c0392b; }
s.fm-retired { color: #c0392b; }
ul.fm-changes { margin: 4px 0; padding-left: 20px; font-size: 14px; line-height: 1.6; }
.fm-answer { font-size: 15px; line-height: 1.7; margin: 4px 0; }
@media (max-width: 640px) {
  /* a phone: a lower graph under a shield that lets a finger scroll the page until tapped */
  .fm-cmp-graph { height: min(360px, 45vh); }
  .fm-cmp-row .fm-lanes { flex-basis: 64px; }
  .fm-cmp-row .fm-lane { padding: 0 4px; }
  .fm-cmp-shield { display: flex; position: absolute; inset: 0; align-items: flex-end; justify-content: center;
    padding-bottom: 10px; background: rgba(255,255,255,.08); cursor: pointer; }
  .fm-cmp-shield span { background: rgba(31,78,121,.88); color: #fff; font-size: 13px; padding: 5px 12px; border-radius: 14px; }
  .fm-cmp-live .fm-cmp-shield { display: none; }
  /* charts keep readable type and scroll sideways in their box; long-text tables become cards */
  .fm-scroll svg.chart { min-width: 820px; }
  table.fm-cards, table.fm-cards tbody, table.fm-cards tr, table.fm-cards td { display: block; width: auto; }
  table.fm-cards thead { display: none; }
  table.fm-cards tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 8px; padding: 4px 0; }
  table.fm-cards td { border: none; padding: 2px 10px; text-align: left; white-space: normal; }
  table.fm-cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 12px; font-weight: normal; }
}
@media print { .fm-cmp-shield { display: none; } }
"""


def _scroll(html: str) -> str:
    """A wide table or a chart in a box of its own that scrolls sideways on a phone (never the page)."""
    return f'<div class="fm-scroll">{html}</div>'


def _mark_graph(data: LaneGraph, marks: dict[str, tuple[dict[str, str], str, str]],
                extra_rows: dict[str, list[list[str]]], change_word: str) -> None:
    """Restyle marked nodes (colour, prefix) and add rows to their tooltips."""
    for node in data["nodes"]:
        sid = str(node["id"])
        if sid in marks:
            style, prefix, _ = marks[sid]
            node["label"] = f"{prefix} {node['label']}"
            node["fm_id"] = f"{prefix} {node['fm_id']}"  # the first line of the label zoomed out (compare.js)
            node["color"] = {"background": style["background"], "border": style["border"],
                             "highlight": {"background": "#ffffff", "border": style["border"]},
                             "hover": {"background": "#ffffff", "border": style["border"]}}
            node["borderWidth"] = 4
        tip = data["tips"][sid]
        if sid in marks:
            tip["rows"].append([change_word, marks[sid][2]])
        tip["rows"].extend(extra_rows.get(sid, []))


def _graphs(c: Comparison) -> tuple[LaneGraph, LaneGraph]:
    lang = c.lang
    st = c.structure
    gb = report.lane_graph(c.before, c.before_analysis.graph, c.before_analysis, lang)
    ga = report.lane_graph(c.after, c.after_analysis.graph, c.after_analysis, lang)
    change_word = t(lang, "change", "変更")
    marks_b = {sid: (REMOVED, "✕", t(lang, "removed in the after flow", "変更後に削除"))
               for sid in st.steps_removed}
    automated = set(st.automated_steps())
    marks_a: dict[str, tuple[dict[str, str], str, str]] = {
        sid: (ADDED, "＋", t(lang, "added", "追加")) for sid in st.steps_added}
    rows_a: dict[str, list[list[str]]] = {}
    for ch in st.steps_changed:
        if ch.after_step in automated:
            marks_a[ch.after_step] = (AUTOMATED, "⚙", t(lang, "automated / batched", "自動化・バッチ化"))
        rows_a.setdefault(ch.after_step, []).append([t(lang, "changes", "変更点"), change_text(ch.changes, lang)])
    retired = set(st.tools_retired)
    rows_b: dict[str, list[list[str]]] = {}
    for s in c.before.steps:
        gone = [x for x in s.tools if x in retired]
        if gone:
            rows_b.setdefault(s.id, []).append([t(lang, "retired tools", "廃止されるツール"), join(gone, lang)])
    _mark_graph(gb, marks_b, rows_b, change_word)
    _mark_graph(ga, marks_a, rows_a, change_word)
    for data, marks in ((gb, marks_b), (ga, marks_a)):
        xs: list[float] = [x for n in data["nodes"] if n["id"] in marks and isinstance(x := n["x"], int | float)]
        data["focus"] = min(xs) if xs else None  # where the view starts: the first changed step
    return gb, ga


def _legend(lang: str) -> str:
    items = [
        (report.MODE_STYLE["manual"], t(lang, "manual", "手動")), (report.MODE_STYLE["auto"], t(lang, "automatic", "自動")),
        (report.MODE_STYLE["batch"], t(lang, "batch ◷", "バッチ ◷")), (report.CUSTOMER_STYLE, t(lang, "customer", "お客様")),
        (REMOVED, t(lang, "✕ removed", "✕ 削除")), (ADDED, t(lang, "＋ added", "＋ 追加")),
        (AUTOMATED, t(lang, "⚙ automated / batched", "⚙ 自動化・バッチ化")),
        ({"background": "#ffffff", "border": report.FINDING_FRAME["high"]}, t(lang, "⚠ finding: high", "⚠ 指摘あり（高）")),
        ({"background": "#ffffff", "border": report.FINDING_FRAME["medium"]}, t(lang, "⚠ finding: medium", "⚠ 指摘あり（中）")),
    ]
    return '<div class="fm-cmp-legend">' + "".join(
        f'<span class="sw" style="background:{s["background"]};border:2px solid {s["border"]}"></span>{escape(label)}'
        for s, label in items) + "</div>"


def _kpis(c: Comparison) -> str:
    lang = c.lang
    n = {s: len(c.findings_by(s)) for s in STATUS}
    # Alike in shape only to svg.histogram's list of <rect>s: KPI cards, not a chart.
    cards = [
        (t(lang, f"{c.freed_minutes:,.0f} min", f"{c.freed_minutes:,.0f} 分"), t(lang, "freed per day", "1日に空く作業時間")),
        (money(c.cost_per_month_saved, c.currency, lang), t(lang, "per month", "月あたりの金額")),
    ]
    sim = c.simulation
    if sim is not None:
        lt = sim.lead_mean
        cards.append((f"{duration_text(lt.before, lang)} → {duration_text(lt.after, lang)}", t(lang, "mean lead time", "平均リードタイム")))
        ci = (f" [{signed_duration(lt.ci95[0], lang)}, {signed_duration(lt.ci95[1], lang)}]" if lt.ci95 else "")
        cards.append((signed_duration(lt.difference, lang), t(lang, f"difference, 95% CI{ci}", f"差（95%信頼区間{ci}）")))
    cards.append((f"{n['resolved']} / {n['remaining']} / {n['new']}", t(lang, "findings resolved / remaining / new", "指摘 解消 / 残り / 新規")))
    return '<div class="fm-kpis" id="fm-kpis">' + "".join(
        f'<div class="fm-kpi"><b>{escape(v)}</b><span>{escape(k)}</span></div>' for v, k in cards) + "</div>"


def _changes(c: Comparison) -> str:
    lang = c.lang
    st = c.structure
    bmap, amap = c.before.step_map(), c.after.step_map()
    items: list[tuple[str, str]] = []
    if st.steps_removed:
        items.append((t(lang, "Steps removed", "削除された工程"), escape(join([f"{s} {bmap[s].name}" for s in st.steps_removed], lang))))
    if st.steps_added:
        items.append((t(lang, "Steps added", "追加された工程"), escape(join([f"{s} {amap[s].name}" for s in st.steps_added], lang))))
    if st.automated_steps():
        items.append((t(lang, "Automated or batched", "自動化・バッチ化"),
                      escape(join([f"{s} {amap[s].name}" for s in st.automated_steps()], lang))))
    if st.tools_retired:
        items.append((t(lang, "Tools retired", "使われなくなったツール"),
                      ("、" if lang == "ja" else ", ").join(f'<s class="fm-retired">{escape(x)}</s>' for x in st.tools_retired)))
    if st.data_entries_removed:
        items.append((t(lang, "Data entries removed", "減った入力"),
                      escape(join([f"{d.data} ({len(d.before_steps)}→{len(d.after_steps)})" for d in st.data_entries_removed], lang))))
    if st.handoffs_removed:
        items.append((t(lang, "Handoffs removed", "なくなった引き継ぎ"),
                      escape(join([f"{h.from_owner}→{h.to_owner}" for h in st.handoffs_removed], lang))))
    if st.handoffs_added:
        items.append((t(lang, "Handoffs added", "増えた引き継ぎ"),
                      escape(join([f"{h.from_owner}→{h.to_owner}" for h in st.handoffs_added], lang))))
    if not items:
        return f'<p class="fm-note">{escape(t(lang, "No structural change.", "構造の変化はありません。"))}</p>'
    out = '<ul class="fm-changes">' + "".join(f"<li><b>{escape(k)}</b>: {v}</li>" for k, v in items) + "</ul>"
    if st.steps_changed:
        head = [t(lang, "step", "工程"), t(lang, "name", "工程名"), t(lang, "changes", "変更点")]
        lab = [f' data-label="{escape(h)}"' for h in head]  # a phone shows each row as a card, cells named
        rows = "".join(f"<tr><td{lab[0]}>{escape(ch.step)}</td><td{lab[1]}>{escape(ch.name)}</td>"
                       f"<td{lab[2]}>{escape(change_text(ch.changes, lang))}</td></tr>" for ch in st.steps_changed)
        out += (f'<table class="fm-table fm-cards" id="fm-steps-changed"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}'
                f"</tr></thead><tbody>{rows}</tbody></table>")
    return out


def _workload(c: Comparison) -> str:
    lang = c.lang
    bars: list[Bar] = []
    for o in c.workload:
        bars.append(Bar(label=f"{o.owner} {t(lang, 'before', '前')}", value=o.before_minutes, limit=o.before_capacity or None,
                        part=o.before_data_entry, color="#9aa7b4",
                        text=t(lang, f"{o.before_minutes:,.0f} min/day ({pct(o.before_utilization)})",
                               f"{o.before_minutes:,.0f} 分/日（{pct(o.before_utilization)}）")))
        freed = money(o.cost_per_month_saved, c.currency, lang)
        bars.append(Bar(label=f"{o.owner} {t(lang, 'after', '後')}", value=o.after_minutes, limit=o.after_capacity or None,
                        part=o.after_data_entry, alert=o.after_minutes > o.before_minutes,
                        text=t(lang, f"{o.after_minutes:,.0f} min/day ({pct(o.after_utilization)}), {abs(o.freed):,.0f} "
                                     f"{'freed' if o.freed >= 0 else 'more'}, {freed}/month",
                               f"{o.after_minutes:,.0f} 分/日（{pct(o.after_utilization)}）・{abs(o.freed):,.0f} 分"
                               f"{'空く' if o.freed >= 0 else '増える'}・月 {freed}")))
    legend = [("#9aa7b4", t(lang, "before (min/day)", "変更前（分/日）")), ("#4a90d9", t(lang, "after (min/day)", "変更後（分/日）")),
              ("#1f4e79", t(lang, "of which data entry", "うちデータ入力")),
              ("#d9534f", t(lang, "more than before", "変更前より増加")), ("#222", t(lang, "capacity", "稼働枠"))]
    rows = "".join(
        f"<tr><td>{escape(o.owner)}</td><td class=num>{o.before_minutes:,.0f}</td><td class=num>{o.after_minutes:,.0f}</td>"
        f"<td class=num>{minutes_text(o.freed)}</td><td>{pct(o.before_utilization)} → {pct(o.after_utilization)}</td>"
        f"<td class=num>{escape(money(o.cost_per_month_saved, c.currency, lang))}</td></tr>" for o in c.workload)
    head = [t(lang, "owner", "担当者"), t(lang, "before min/day", "前 分/日"), t(lang, "after min/day", "後 分/日"),
            t(lang, "freed", "空く"), t(lang, "utilization", "稼働率"), t(lang, "per month", "月額")]
    table = (f'<table class="fm-table" id="fm-workload-table"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
             f"<tbody>{rows}</tbody></table>")
    return _scroll(bar_chart(bars, legend=legend, row=24)) + _scroll(table)


def _simulation(c: Comparison) -> str:
    lang = c.lang
    sim = c.simulation
    if sim is None:
        return f'<p class="fm-note">{escape(t(lang, "Not simulated (--no-sim).", "シミュレーションは行っていません（--no-sim）。"))}</p>'
    pairs_b = [(v / 60, n) for v, n in sim.lead_counts("before")]
    pairs_a = [(v / 60, n) for v, n in sim.lead_counts("after")]
    top = max([v for v, n in pairs_b + pairs_a if n] or [1.0])
    in_days = top > 72

    def tick(h: float) -> str:
        return t(lang, f"{h / 24:g} d", f"{h / 24:g}日") if in_days else t(lang, f"{h:g} h", f"{h:g}時間")

    chart = overlaid_histogram([(t(lang, "before", "変更前"), BEFORE_COLOR, pairs_b), (t(lang, "after", "変更後"), AFTER_COLOR, pairs_a)],
                               title=t(lang, "Lead time distributions (share of cases)", "リードタイムの分布（案件の割合）"),
                               xlabel=t(lang, "lead time (calendar)", "リードタイム（暦時間）"), fmt=tick)
    lt = sim.lead_mean
    rows = [(t(lang, "lead time mean", "リードタイム平均"), lt.before, lt.after, lt.difference, lt.ci95),
            (t(lang, "median", "中央値"), sim.lead_p50[0], sim.lead_p50[1], sim.lead_p50[1] - sim.lead_p50[0], None),
            ("p90", sim.lead_p90[0], sim.lead_p90[1], sim.lead_p90[1] - sim.lead_p90[0], None)]
    rows += [(f"{s.name} ({s.start}→{s.end})", s.before["mean"], s.after["mean"], s.difference, s.ci95) for s in sim.segments]
    body = "".join(
        f"<tr><td>{escape(name)}</td><td class=num>{escape(duration_text(b, lang))}</td><td class=num>{escape(duration_text(a, lang))}</td>"
        f"<td class=num>{escape(signed_duration(d, lang))}</td>"
        f"<td class=num>{escape(f'{signed_duration(ci[0], lang)} … {signed_duration(ci[1], lang)}' if ci else '')}</td></tr>"
        for name, b, a, d, ci in rows)
    head = ["", t(lang, "before", "前"), t(lang, "after", "後"), t(lang, "difference", "差"), t(lang, "95% CI (paired)", "95%信頼区間（対応あり）")]
    lead = (f'<table class="fm-table" id="fm-lead"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
            f"<tbody>{body}</tbody></table>")
    waits = [s for s in sim.steps if (s.before_wait or 0) >= 1 or (s.after_wait or 0) >= 1]
    waits.sort(key=lambda s: -abs((s.after_wait or 0) - (s.before_wait or 0)))
    wrows = "".join(
        f"<tr><td>{escape(s.step)}</td><td>{escape(s.name)}</td>"
        f"<td class=num>{'—' if s.before_wait is None else escape(duration_text(s.before_wait, lang))}</td>"
        f"<td class=num>{'—' if s.after_wait is None else escape(duration_text(s.after_wait, lang))}</td></tr>" for s in waits[:15])
    whead = [t(lang, "step", "工程"), t(lang, "name", "工程名"), t(lang, "wait before", "待ち 前"), t(lang, "wait after", "待ち 後")]
    wtable = (f'<h3>{escape(t(lang, "Mean waits per step", "工程ごとの平均待ち時間"))}</h3>'
              + _scroll(f'<table class="fm-table" id="fm-waits"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in whead)}</tr></thead>'
                        f"<tbody>{wrows}</tbody></table>"))
    urows = "".join(
        f"<tr><td>{escape(o.owner)}</td><td class=num>{'—' if o.before_utilization is None else pct(o.before_utilization)}</td>"
        f"<td class=num>{'—' if o.after_utilization is None else pct(o.after_utilization)}</td></tr>" for o in sim.owners)
    utable = (f'<h3>{escape(t(lang, "Simulated utilization", "シミュレーションの稼働率"))}</h3>'
              + _scroll(f'<table class="fm-table" id="fm-util"><thead><tr><th>{escape(t(lang, "owner", "担当者"))}</th>'
                        f'<th>{escape(t(lang, "before", "前"))}</th><th>{escape(t(lang, "after", "後"))}</th></tr></thead>'
                        f"<tbody>{urows}</tbody></table>"))
    note = t(lang, f"{sim.replications} paired replications × {sim.days:g} days from {sim.start}, seed {sim.seed}: both flows draw the "
                   "same arrivals and, for the steps they share, the same durations and choices (common random numbers).",
             f"{sim.start} から {sim.days:g} 日間 × {sim.replications} 回の対応のある比較（乱数シード {sim.seed}）。"
             "両フローは同じ到着と、共通の工程では同じ所要時間・分岐を引きます（共通乱数）。")
    return _scroll(chart) + _scroll(lead) + f'<p class="fm-note">{escape(note)}</p>' + wtable + utable


def _findings(c: Comparison) -> str:
    lang = c.lang
    head = [t(lang, "status", "状態"), t(lang, "severity", "重要度"), t(lang, "kind", "分類"), t(lang, "finding", "指摘"),
            t(lang, "min/day before → after", "分/日 前 → 後")]
    lab = [f' data-label="{escape(h)}"' for h in head]  # a phone shows each row as a card, cells named
    rows = []
    for f in c.findings:
        mb = "—" if f.minutes_before is None else f"{f.minutes_before:,.0f}"
        ma = "—" if f.minutes_after is None else f"{f.minutes_after:,.0f}"
        rows.append(f'<tr class="fm-f-{f.status}"><td class="fm-status fm-status-{f.status}"{lab[0]}>{escape(t(lang, *STATUS[f.status]))}</td>'
                    f'<td class="sev sev-{f.severity}"{lab[1]}>{escape(severity_label(f.severity, lang))}</td>'
                    f"<td{lab[2]}>{escape(analyzer_label(f.analyzer, lang))}</td><td{lab[3]}>{escape(f.title)}</td>"
                    f"<td class=num{lab[4]}>{mb} → {ma}</td></tr>")
    return (f'<table class="fm-table fm-cards" id="fm-findings-cmp"><thead><tr>{"".join(f"<th>{escape(h)}</th>" for h in head)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _answer(c: Comparison) -> str:
    return "".join(f'<p class="fm-answer">{escape(line.strip())}</p>' for line in summary_lines(c, c.lang))


def compare_section(c: Comparison) -> tuple[str, str, str]:
    """(id, title, HTML content) of the comparison as one section of another page (the report's
    ``--compare`` / ``--scenario``): the answer, what changes, workload, lead time and findings; the two
    lane graphs stay on the comparison's own page."""
    lang = c.lang
    parts = [(t(lang, "What changes", "構造の変化"), _changes(c)),
             (t(lang, "Workload per owner, before and after", "担当者ごとの作業時間（前・後）"), _workload(c)),
             (t(lang, "Lead time (paired simulation)", "リードタイム（対応のあるシミュレーション）"), _simulation(c)),
             (t(lang, "Findings: resolved, remaining, new", "指摘: 解消・残り・新規"), _findings(c))]
    if c.simulation is None:
        del parts[2]
    content = (f"<style>{_CSS}</style>"
               f'<p class="fm-note">{escape(t(lang, "Before", "変更前"))}: {escape(c.before.name)} → '
               f'{escape(t(lang, "After", "変更後"))}: {escape(c.after.name)}</p>'
               + _kpis(c) + _answer(c) + "".join(f"<h3>{escape(h)}</h3>{body}" for h, body in parts))
    return "fm-compare", t(lang, f"Compared with {c.after.name}", f"比較: {c.after.name}"), content


def _graph_box(which: str, lang: str) -> str:
    """The buttons, the lane-name gutter and the canvas of one lane graph (drawn by compare.js), with
    the shield a phone shows over it (a finger scrolls the page until the graph is tapped)."""
    buttons = (f'<button class="fm-fit fm-noprint" type="button">{escape(t(lang, "whole flow", "全体を表示"))}</button> '
               f'<button class="fm-home fm-noprint" type="button">{escape(t(lang, "first change", "最初の変更箇所へ"))}</button>')
    shield = escape(t(lang, "Tap to move the graph", "タップして図を操作"))
    return (f'<div class="fm-cmp-box">{buttons}<div class="fm-canvas-row fm-cmp-row"><div class="fm-lanes"></div>'
            f'<div id="fm-graph-{which}" class="fm-cmp-graph" data-fm-graph="fm-data-{which}" role="img"></div>'
            f'<div class="fm-cmp-shield fm-noprint"><span>{shield}</span></div></div></div>')


def compare_html(c: Comparison) -> str:
    lang = c.lang
    gb, ga = _graphs(c)
    title = t(lang, f"Comparison: {c.before.name} → {c.after.name}", f"比較: {c.before.name} → {c.after.name}")
    answer = _answer(c)
    sections = [
        ("fm-summary", t(lang, "The answer", "結論"), _kpis(c) + answer),
        ("fm-graphs", t(lang, "Lane graphs", "業務フロー図"),
         _legend(lang)
         + f'<h3>{escape(t(lang, "Before", "変更前"))}: {escape(c.before.name)}</h3>' + _graph_box("before", lang)
         + f'<h3>{escape(t(lang, "After", "変更後"))}: {escape(c.after.name)}</h3>' + _graph_box("after", lang)),
        ("fm-changes", t(lang, "What changes", "構造の変化"), _changes(c)),
        ("fm-workload", t(lang, "Workload per owner, before and after", "担当者ごとの作業時間（前・後）"), _workload(c)),
        ("fm-simulation", t(lang, "Lead time (paired simulation)", "リードタイム（対応のあるシミュレーション）"), _simulation(c)),
        ("fm-findings", t(lang, "Findings: resolved, remaining, new", "指摘: 解消・残り・新規"), _findings(c)),
    ]
    body = (f'<header class="fm-head"><h1>{escape(title)}</h1>'
            f'<p>{escape(t(lang, "flowmap comparison", "flowmap 比較レポート"))}</p></header><main class="fm-report">'
            + "".join(f'<section id="{sid}"><h2>{escape(head)}</h2>{content}</section>' for sid, head, content in sections)
            + "</main>")
    js, css = report._vis_assets()
    labels = {"font": report.FONT_STACK, "xstep": report.X_STEP}
    scripts = (f'<script type="application/json" id="fm-data-before">{report._json_for_script(gb)}</script>'
               f'<script type="application/json" id="fm-data-after">{report._json_for_script(ga)}</script>'
               f'<script type="application/json" id="fm-cmp-labels">{report._json_for_script(labels)}</script>'
               f"<script>{js}</script><script>{report._asset('lanes.js')}</script><script>{report._asset('compare.js')}</script>")
    style = f"<style>{css}</style><style>{report._CSS % {'font': report.FONT_STACK, 'height': '520px'}}{_CSS}</style>"
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; "
            f"style-src 'unsafe-inline'; img-src data:; font-src data:\">"
            f"<title>{escape(title)}</title>{style}</head><body>{body}{scripts}</body></html>\n")

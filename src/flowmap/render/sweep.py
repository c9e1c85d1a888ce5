"""Render a sweep: text, JSON, CSV, an Excel workbook, and an offline HTML page with SVG charts."""

from __future__ import annotations

import csv
import io
import json
from html import escape
from pathlib import Path

from .._lang import t
from ..io.safecells import csv_field, save_workbook
from ..sweep import SweepResult, SweepRun
from .svg import FONT

__all__ = ["to_csv", "to_html", "to_json", "to_text", "write_xlsx"]

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"]


def to_json(r: SweepResult) -> str:
    return json.dumps(r.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _hours(m: float) -> str:
    return f"{m / 60:,.1f}"


def _owners(r: SweepResult) -> list[str]:
    seen: dict[str, None] = {}
    for run in r.runs:
        for o in run.owners:
            seen.setdefault(o.owner, None)
    return list(seen)


def _headers(r: SweepResult, lang: str) -> list[str]:
    return [*r.parameters,
            t(lang, "lead mean (h)", "平均LT(時間)"), t(lang, "p50 (h)", "中央値(時間)"), t(lang, "p90 (h)", "90%(時間)"),
            t(lang, "CI95 low (h)", "95%CI下限(時間)"), t(lang, "CI95 high (h)", "95%CI上限(時間)"),
            t(lang, "completed", "完了率"), *(t(lang, f"util. {o}", f"稼働率 {o}") for o in _owners(r)),
            t(lang, "saturated", "飽和")]


def _row(r: SweepResult, run: SweepRun, lang: str) -> list[object]:
    lt = run.lead_time
    util = {o.owner: o.utilization for o in run.owners}
    marks = list(run.saturated) + ([t(lang, "cases pile up", "案件が滞留")] if run.piling_up else [])
    return [*(run.values[p] for p in r.parameters),
            round(lt.mean / 60, 2), round(lt.p50 / 60, 2), round(lt.p90 / 60, 2),
            round(lt.ci95[0] / 60, 2) if lt.ci95 else "", round(lt.ci95[1] / 60, 2) if lt.ci95 else "",
            round(run.completed_share, 4), *(round(util.get(o, 0.0), 4) for o in _owners(r)), " ".join(marks)]


def _display(r: SweepResult, run: SweepRun, lang: str) -> list[str]:
    """A row for people: shares as percentages."""
    n = len(r.parameters) + 5
    cells = _row(r, run, lang)
    return [f"{v:.0%}" if (i >= n and isinstance(v, float)) else str(v) for i, v in enumerate(cells)]


def to_csv(r: SweepResult, lang: str = "en") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([csv_field(h) for h in _headers(r, lang)])
    for run in r.runs:
        w.writerow([csv_field(v) for v in _row(r, run, lang)])  # names typed by users never read as formulas
    return buf.getvalue()


def _knee_lines(r: SweepResult, lang: str) -> list[str]:
    out = []
    for k in r.knees:
        series = ", ".join(f"{a}={v}" for a, v in k.series.items()) or t(lang, "as given", "指定どおり")
        a = f"{k.analytic_orders_per_day:,.0f}" if k.analytic_orders_per_day is not None else "-"
        turn = k.simulated_orders_per_day
        sim = (t(lang, f"the simulation turns at {turn:,.0f}", f"シミュレーションでは {turn:,.0f} 件から悪化") if turn is not None
               else t(lang, "the simulation does not turn within the grid", "シミュレーションではグリッド内で悪化なし"))
        if k.agrees:
            ok = t(lang, "agrees", "一致")
        elif k.simulated_orders_per_day is None:
            ok = t(lang, "no run of the grid is saturated", "グリッド内では飽和なし")
        elif k.analytic_orders_per_day is not None and k.simulated_orders_per_day < k.analytic_orders_per_day:
            ok = t(lang, "earlier than the average load says: batches, working hours and handoffs build queues first",
                   "平均負荷より早い: バッチ・勤務時間・引き継ぎで先に待ちが積み上がる")
        else:
            ok = t(lang, "later than the analytic capacity", "解析上の処理能力より遅い")
        out.append(t(lang, f"{series}: {k.owner or '-'} saturates at {a} orders/day (analytic); {sim} ({ok})",
                     f"{series}: {k.owner or '-'} が 1日 {a} 件で飽和（解析）; {sim}（{ok}）"))
    return out


def to_text(r: SweepResult, lang: str) -> str:
    s = r.settings
    lines = [t(lang, "flowmap sweep", "flowmap スイープ結果"),
             t(lang, f"{len(r.runs)} grid points × {s.replications} replications, {s.days:g} days from {s.start}, seed {s.seed} "
                     "(the same random numbers at every point)",
               f"グリッド {len(r.runs)} 点 × 反復 {s.replications} 回・{s.start} から {s.days:g} 日間・乱数シード {s.seed}"
               "（全点で同じ乱数）"), ""]
    headers = _headers(r, lang)
    rows = [_display(r, run, lang) for run in r.runs]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append("")
    caps = [c for c in r.capacity if c.max_orders_per_day is not None]
    if caps:
        lines.append(t(lang, "capacity at the base values (orders/day at 100 % of working time): ",
                       "基準値での処理能力（稼働率 100 % になる 1日の件数）: ")
                     + ", ".join(f"{c.owner} {c.max_orders_per_day:,.0f}" for c in caps))
    lines += _knee_lines(r, lang)
    for values, rep in r.lost:
        where = ", ".join(f"{a}={v}" for a, v in values.items())
        lines.append(t(lang, f"lost: replication {rep} of ({where}) failed twice and is left out",
                       f"欠落: （{where}）の反復 {rep} は 2 回失敗したため除外しました"))
    return "\n".join(lines) + "\n"


def write_xlsx(r: SweepResult, path: str | Path, lang: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font


    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t(lang, "Sweep", "スイープ")
    ws.append(_headers(r, lang))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for run in r.runs:
        ws.append(_row(r, run, lang))
    ws.freeze_panes = "A2"
    wc = wb.create_sheet(t(lang, "Capacity", "処理能力"))
    wc.append([t(lang, "owner", "担当者"), t(lang, "max orders/day", "最大件数/日")])
    for c in r.capacity:
        wc.append([c.owner, None if c.max_orders_per_day is None else round(c.max_orders_per_day, 1)])
    if r.knees:
        wk = wb.create_sheet(t(lang, "Knees", "飽和点"))
        wk.append([t(lang, "series", "系列"), t(lang, "owner", "担当者"), t(lang, "analytic orders/day", "解析(件/日)"),
                   t(lang, "simulated knee", "シミュレーション(件/日)"), t(lang, "agrees", "一致")])
        for k in r.knees:
            wk.append([", ".join(f"{a}={v}" for a, v in k.series.items()), k.owner, k.analytic_orders_per_day,
                       k.simulated_orders_per_day, k.agrees])
    save_workbook(wb, path)  # every text cell as text, never a formula


# ------------------------------------------------------------------ HTML

def _x_axis(r: SweepResult) -> str:
    return "orders_per_day" if "orders_per_day" in r.parameters else r.parameters[0]


def _series(r: SweepResult) -> dict[str, list[SweepRun]]:
    x = _x_axis(r)
    out: dict[str, list[SweepRun]] = {}
    for run in r.runs:
        key = ", ".join(f"{a}={v}" for a, v in run.values.items() if a != x) or "-"
        out.setdefault(key, []).append(run)
    return out


def _xval(run: SweepRun, x: str, cats: list[str]) -> float:
    v = run.values[x]
    return float(v) if isinstance(v, int | float) else float(cats.index(str(v)))


def _chart(r: SweepResult, title: str, ylabel: str, lines: list[tuple[str, str, list[tuple[float, float, bool]], bool]],
           cats: list[str]) -> str:
    """Lines of (label, colour, points (x, y, marked), dashed) in one SVG."""
    w, h, left, right, top, bottom = 820, 320, 64, 230, 28, 44
    xs = [p[0] for _, _, pts, _ in lines for p in pts]
    ys = [p[1] for _, _, pts, _ in lines for p in pts]
    if not xs:
        return ""
    x0, x1 = min(xs), max(xs)
    x1 = x1 if x1 > x0 else x0 + 1
    y1 = max(ys) * 1.08 if ys and max(ys) > 0 else 1.0
    pw, ph = w - left - right, h - top - bottom

    def sx(v: float) -> float:
        return left + pw * (v - x0) / (x1 - x0)

    def sy(v: float) -> float:
        return top + ph * (1 - v / y1)

    out = [f'<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" font-family="{FONT}" font-size="11">',
           f'<text x="0" y="14" font-weight="bold" font-size="12">{escape(title)}</text>',
           f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#555"/>',
           f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#555"/>',
           f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{y1:,.0f}</text>',
           f'<text x="{left - 6}" y="{top + ph}" text-anchor="end">0</text>',
           f'<text x="12" y="{top + ph / 2}" transform="rotate(-90 12 {top + ph / 2})" text-anchor="middle">{escape(ylabel)}</text>']
    ticks = sorted(set(xs))
    for v in ticks if len(ticks) <= 12 else ticks[:: max(1, len(ticks) // 10)]:
        label = cats[int(v)] if cats else f"{v:,.0f}" if v == int(v) else f"{v:g}"
        out.append(f'<text x="{sx(v):.1f}" y="{top + ph + 16}" text-anchor="middle">{escape(label)}</text>')
    out.append(f'<text x="{left + pw / 2}" y="{h - 6}" text-anchor="middle">{escape(_x_axis(r))}</text>')
    for k, (label, color, pts, dashed) in enumerate(lines):
        pts = sorted(pts)
        path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y, _) in enumerate(pts))
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}><title>{escape(label)}</title></path>')
        for x, y, marked in pts:  # saturated: a black ring round a dot of the series' colour (red is a series colour)
            if marked:
                out.append(f'<circle class="saturated" cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="6.5" fill="none" stroke="#111" '
                           'stroke-width="2"/>')
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3.5" fill="{color if marked else "#fff"}" stroke="{color}" '
                       f'stroke-width="1.5"><title>{escape(label)}: {y:,.1f}</title></circle>')
        ly = top + 10 + k * 16
        out.append(f'<line x1="{w - right + 12}" x2="{w - right + 36}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{w - right + 42}" y="{ly + 4}">{escape(label[:34])}</text>')
    out.append("</svg>")
    return "".join(out)


def _html_charts(r: SweepResult, lang: str) -> list[str]:
    x = _x_axis(r)
    cats = [] if all(isinstance(run.values[x], int | float) for run in r.runs) else \
        list(dict.fromkeys(str(run.values[x]) for run in r.runs))
    series = _series(r)
    lead_lines = []
    for i, (name, runs) in enumerate(series.items()):
        color = _COLORS[i % len(_COLORS)]
        lead_lines.append((t(lang, f"{name} mean", f"{name} 平均"), color,
                           [(_xval(u, x, cats), u.lead_time.mean / 60, u.marked) for u in runs], False))
        lead_lines.append((t(lang, f"{name} p90", f"{name} 90%"), color,
                           [(_xval(u, x, cats), u.lead_time.p90 / 60, u.marked) for u in runs], True))
    charts = [_chart(r, t(lang, "Lead time against the varied value (solid: mean, dashed: p90; black ring: saturated)",
                          "リードタイム（実線: 平均・破線: 90%・黒い輪: 飽和）"), t(lang, "hours", "時間"), lead_lines, cats)]
    first_series = next(iter(series.values()))
    util_lines = []
    for i, owner in enumerate(_owners(r)):
        pts = [(_xval(u, x, cats), 100 * next((o.utilization for o in u.owners if o.owner == owner), 0.0),
                owner in u.saturated) for u in first_series]
        util_lines.append((owner, _COLORS[i % len(_COLORS)], pts, False))
    name0 = next(iter(series))
    charts.append(_chart(r, t(lang, f"Utilization per owner, % ({name0})", f"担当者ごとの稼働率 %（{name0}）"), "%",
                         util_lines, cats))
    return charts


def _html_table(r: SweepResult, lang: str) -> str:
    headers = _headers(r, lang)
    rows = []
    for run in r.runs:
        cells = []
        util = {o.owner: o.utilization for o in run.owners}
        for h, text in zip(headers, _display(r, run, lang), strict=True):
            owner = h.removeprefix("util. ").removeprefix("稼働率 ")
            hot = (owner != h and util.get(owner, 0.0) >= 0.95) or (owner in run.saturated and owner != h)
            cells.append(f'<td{" class=hot" if hot else ""}>{escape(text)}</td>')
        rows.append(f'<tr{" class=marked" if run.marked else ""}>' + "".join(cells) + "</tr>")
    return ("<table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def to_html(r: SweepResult, lang: str, title: str = "") -> str:
    charts = _html_charts(r, lang)
    table = _html_table(r, lang)
    notes = [escape(line) for line in _knee_lines(r, lang)]
    caps = ", ".join(f"{c.owner} {c.max_orders_per_day:,.0f}" for c in r.capacity if c.max_orders_per_day is not None)
    s = r.settings
    head = escape(title or t(lang, "flowmap sweep", "flowmap スイープ"))
    summary = escape(t(lang, f"{len(r.runs)} grid points × {s.replications} replications, {s.days:g} days from {s.start}, seed {s.seed}.",
                       f"グリッド {len(r.runs)} 点 × 反復 {s.replications} 回・{s.start} から {s.days:g} 日間・乱数シード {s.seed}。"))
    cap_line = escape(t(lang, f"Capacity at the base values (orders/day): {caps}", f"基準値での処理能力（件/日）: {caps}")) if caps else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{head}</title>
<style>
body{{font-family:{FONT};margin:24px;color:#222;max-width:1200px}}
h1{{font-size:20px}} h2{{font-size:16px;margin-top:28px}}
table{{border-collapse:collapse;font-size:12px}} th,td{{border:1px solid #ccc;padding:3px 6px;text-align:right;white-space:nowrap}}
th{{background:#f0f3f7}} tr.marked td{{background:#fff3f3}} td.hot{{color:#b00;font-weight:bold}}
.note{{color:#555;font-size:13px}}
.scroll{{overflow-x:auto;max-width:100%}} .scroll svg{{min-width:640px}}
@media (max-width:640px){{body{{margin:12px}}}}
</style></head><body>
<h1>{head}</h1>
<p class="note">{summary}</p>
<p class="note">{cap_line}</p>
{"".join(f'<p class="note">{n}</p>' for n in notes)}
<h2>{escape(t(lang, "Lead time", "リードタイム"))}</h2>
<div class="scroll">{charts[0]}</div>
<h2>{escape(t(lang, "Utilization", "稼働率"))}</h2>
<div class="scroll">{charts[1]}</div>
<h2>{escape(t(lang, "All grid points", "全グリッド点"))}</h2>
<div class="scroll">{table}</div>
</body></html>
"""

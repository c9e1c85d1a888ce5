"""A comparison as an Excel workbook a lead can forward: summary, owners, steps and findings sheets."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..._lang import t
from ...compare import Comparison
from ...io.safecells import append_row, save_workbook
from .._common import analyzer_label, severity_label
from .._xlsx import new_workbook, style_header
from .words import STATUS, change_text, summary_lines

__all__ = ["write_xlsx"]


def _header(ws: Worksheet, widths: list[int]) -> None:
    style_header(ws, widths)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def write_xlsx(c: Comparison, path: str | Path) -> None:
    """A workbook a lead can forward: summary, owners, steps and findings sheets."""
    wb = _summary_sheet(c)
    _owners_sheet(wb, c)
    _steps_sheet(wb, c)
    _findings_sheet(wb, c)
    save_workbook(wb, path)  # every text cell as text, never a formula


def _summary_sheet(c: Comparison) -> Workbook:
    lang = c.lang
    wb, ws = new_workbook("概要" if lang == "ja" else "Summary")
    append_row(ws, [t(lang, "item", "項目"), t(lang, "value", "内容")])
    append_row(ws, [t(lang, "before", "変更前"), c.before.name])
    append_row(ws, [t(lang, "after", "変更後"), c.after.name])
    for line in summary_lines(c, lang):
        key, _, rest = line.strip().partition(": ")
        append_row(ws, [key, rest or line.strip()])
    append_row(ws, [t(lang, "freed minutes per day", "空く作業時間（分/日）"), round(c.freed_minutes, 1)])
    append_row(ws, [t(lang, f"money per month ({c.currency})", f"月額（{c.currency}）"), round(c.cost_per_month_saved)])
    sim = c.simulation
    if sim is not None:
        append_row(ws, [t(lang, "lead time mean before (min)", "リードタイム平均 前（分）"), round(sim.lead_mean.before, 1)])
        append_row(ws, [t(lang, "lead time mean after (min)", "リードタイム平均 後（分）"), round(sim.lead_mean.after, 1)])
        append_row(ws, [t(lang, "difference (min)", "差（分）"), round(sim.lead_mean.difference, 1)])
        if sim.lead_mean.ci95:
            append_row(ws, [t(lang, "difference 95% CI low (min)", "差の95%信頼区間 下限（分）"), round(sim.lead_mean.ci95[0], 1)])
            append_row(ws, [t(lang, "difference 95% CI high (min)", "差の95%信頼区間 上限（分）"), round(sim.lead_mean.ci95[1], 1)])
        append_row(ws, [t(lang, "simulation", "シミュレーション条件"),
                        t(lang, f"{sim.replications} paired replications × {sim.days:g} days, seed {sim.seed}",
                          f"{sim.days:g} 日間 × {sim.replications} 回（乱数シード {sim.seed}、共通乱数）")])
    _header(ws, [34, 110])
    return wb


def _owners_sheet(wb: Workbook, c: Comparison) -> None:
    lang = c.lang
    wo = wb.create_sheet("担当者" if lang == "ja" else "Owners")
    append_row(wo, [t(lang, "owner", "担当者"), t(lang, "lane", "レーン"), t(lang, "before min/day", "前 分/日"),
                    t(lang, "after min/day", "後 分/日"), t(lang, "freed min/day", "空く 分/日"),
                    t(lang, "utilization before", "稼働率 前"), t(lang, "utilization after", "稼働率 後"),
                    t(lang, "data entry before", "データ入力 前"), t(lang, "data entry after", "データ入力 後"),
                    t(lang, "hourly cost", "時給"), t(lang, f"per month ({c.currency})", f"月額（{c.currency}）"), t(lang, "note", "備考")])
    for o in c.workload:
        m = o.cost_per_month_saved
        note = t(lang, "no hourly cost: no money figure", "時給未設定のため金額なし") if o.cost_missing else (
            t(lang, "not in the after flow", "変更後のフローにいない") if not o.in_after else
            t(lang, "new in the after flow", "変更後に加わる") if not o.in_before else "")
        append_row(wo, [o.owner, o.lane, round(o.before_minutes, 1), round(o.after_minutes, 1), round(o.freed, 1),
                        round(o.before_utilization, 3), round(o.after_utilization, 3), round(o.before_data_entry, 1),
                        round(o.after_data_entry, 1), o.before_cost if o.in_before else o.after_cost,
                        round(m) if m is not None else None, note])
    for r in range(2, wo.max_row + 1):
        for col in "FG":
            wo[f"{col}{r}"].number_format = "0%"
        wo[f"K{r}"].number_format = "#,##0"
    _header(wo, [18, 10, 12, 12, 12, 12, 12, 14, 14, 10, 14, 30])


def _steps_sheet(wb: Workbook, c: Comparison) -> None:
    lang = c.lang
    sim = c.simulation
    wst = wb.create_sheet("工程" if lang == "ja" else "Steps")
    append_row(wst, [t(lang, "step", "工程"), t(lang, "name", "工程名"), t(lang, "status", "状態"), t(lang, "changes", "変更点"),
                     t(lang, "wait before (min)", "待ち 前（分）"), t(lang, "wait after (min)", "待ち 後（分）")])
    st = c.structure
    waits = {s.step: s for s in sim.steps} if sim else {}
    changed = {ch.step: ch for ch in st.steps_changed}
    automated = set(st.automated_steps())
    for s in c.before.steps:
        w = waits.get(s.id)
        if s.id in st.steps_removed:
            status, text = t(lang, "removed", "削除"), ""
        elif s.id in changed:
            ch = changed[s.id]
            status = t(lang, "automated", "自動化") if ch.after_step in automated else t(lang, "changed", "変更")
            text = change_text(ch.changes, lang)
        else:
            status, text = t(lang, "unchanged", "変更なし"), ""
        append_row(wst, [s.id, s.name, status, text, _round(w.before_wait if w else None), _round(w.after_wait if w else None)])
    amap = c.after.step_map()
    for sid in st.steps_added:
        after_wait = next((x.after_wait for x in sim.steps if x.step == sid and x.before_wait is None), None) if sim else None
        append_row(wst, [sid, amap[sid].name, t(lang, "added", "追加"), "", None, _round(after_wait)])
    _header(wst, [8, 44, 10, 90, 12, 12])


def _findings_sheet(wb: Workbook, c: Comparison) -> None:
    lang = c.lang
    wf = wb.create_sheet("指摘" if lang == "ja" else "Findings")
    append_row(wf, [t(lang, "status", "状態"), t(lang, "severity", "重要度"), t(lang, "kind", "分類"), t(lang, "finding", "指摘"),
                    t(lang, "before min/day", "前 分/日"), t(lang, "after min/day", "後 分/日"), "key"])
    for f in c.findings:
        append_row(wf, [t(lang, *STATUS[f.status]), severity_label(f.severity, lang), analyzer_label(f.analyzer, lang), f.title,
                        _round(f.minutes_before), _round(f.minutes_after), f.key])
    _header(wf, [10, 8, 14, 60, 12, 12, 40])

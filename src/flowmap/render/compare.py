"""Render a comparison (as-is vs to-be) as text, JSON, Markdown or an Excel workbook.

The text leads with the answer on one screen: minutes freed per day and per
owner, money per month, lead time before → after with its interval, findings
resolved / remaining / new; the details follow.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._lang import t
from ..compare import MONTH_DAYS, Comparison, FindingDelta, OwnerDelta
from ..io.safecells import append_row, save_workbook
from ._common import analyzer_label, join, pct, severity_label
from ._xlsx import new_workbook, style_header
from .simulation import duration_text

__all__ = ["money", "signed_duration", "to_json", "to_markdown", "to_text", "write_xlsx"]

FIELD_JA = {"name": "工程名", "lane": "レーン", "owners": "担当者", "tools": "ツール", "mode": "方式", "duration": "所要時間",
            "batch": "バッチ条件", "next": "次工程", "join": "合流", "reads": "参照データ", "writes": "入力データ",
            "stage": "ステージ", "touchpoint": "接点", "emotion": "感情", "pain": "不満", "volume": "件数", "note": "メモ",
            "kind": "種別", "headcount": "人数", "hours": "勤務時間", "days": "勤務日", "cost": "時給", "category": "分類",
            "delay": "連絡の遅れ"}
MODE_JA = {"manual": "手動", "auto": "自動", "batch": "バッチ"}
STATUS = {"resolved": ("resolved", "解消"), "remaining": ("remaining", "残り"), "new": ("new", "新規")}


def to_json(c: Comparison) -> str:
    return json.dumps(c.to_dict(), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------------ words

def money(amount: float | None, currency: str, lang: str) -> str:
    if amount is None:
        return t(lang, "n/a (no hourly cost)", "時給未設定")
    sign = "−" if amount < 0 else ""
    if currency.upper() == "JPY":
        return f"{sign}¥{abs(amount):,.0f}"
    return f"{sign}{abs(amount):,.0f} {currency}"


def signed_duration(minutes: float, lang: str) -> str:
    if abs(minutes) < 0.5:
        return t(lang, "±0 min", "±0分")
    return ("−" if minutes < 0 else "+") + duration_text(abs(minutes), lang)


def _minutes(m: float) -> str:
    """Minutes for a table: whole above 10, one decimal below; a true minus sign (as money has), never '-0'."""
    text = f"{abs(m):,.0f}" if abs(m) >= 10 else f"{abs(m):,.1f}"
    return "−" + text if m < 0 and text.strip("0.,") else text


def _value(v: Any, key: str, lang: str) -> str:
    if v is None or v == "" or v == []:
        return "—"
    if isinstance(v, list):
        return join([str(x) for x in v], lang)
    if key == "mode" and lang == "ja":
        return MODE_JA.get(str(v), str(v))
    return str(v)


def _field(key: str, lang: str) -> str:
    return FIELD_JA.get(key, key) if lang == "ja" else key


def change_text(changes: dict[str, tuple[Any, Any]], lang: str) -> str:
    return "; ".join(f"{_field(k, lang)}: {_value(a, k, lang)} → {_value(b, k, lang)}" for k, (a, b) in changes.items())


def _lead_line(c: Comparison, lang: str) -> str:
    sim = c.simulation
    if sim is None:
        return t(lang, "not simulated (--no-sim)", "シミュレーションなし（--no-sim）")
    lt = sim.lead_mean
    ci = ""
    if lt.ci95:
        ci = t(lang, f", 95% CI {signed_duration(lt.ci95[0], lang)} to {signed_duration(lt.ci95[1], lang)}",
               f"、95%信頼区間 {signed_duration(lt.ci95[0], lang)}〜{signed_duration(lt.ci95[1], lang)}")
    return t(lang, f"mean {duration_text(lt.before, lang)} → {duration_text(lt.after, lang)} ({signed_duration(lt.difference, lang)}{ci})",
             f"平均 {duration_text(lt.before, lang)} → {duration_text(lt.after, lang)}（{signed_duration(lt.difference, lang)}{ci}）")


def _owner_line(o: OwnerDelta, c: Comparison, lang: str) -> str:
    m = money(o.cost_per_month_saved, c.currency, lang)
    util = f"{pct(o.before_utilization)} → {pct(o.after_utilization)}"
    if not o.in_after:
        return t(lang, f"{o.owner}: {_minutes(o.before_minutes)} → 0 min/day (no longer in the flow), {m}/month",
                 f"{o.owner}: {_minutes(o.before_minutes)} → 0 分/日（フローから外れる）、月 {m}")
    verb_en, verb_ja = ("freed", "空く") if o.freed >= 0 else ("added", "増える")
    return t(lang, f"{o.owner}: {_minutes(o.before_minutes)} → {_minutes(o.after_minutes)} min/day "
                   f"({_minutes(abs(o.freed))} {verb_en}, utilization {util}), {m}/month",
             f"{o.owner}: {_minutes(o.before_minutes)} → {_minutes(o.after_minutes)} 分/日"
             f"（{_minutes(abs(o.freed))} 分{verb_ja}、稼働率 {util}）、月 {m}")


def summary_lines(c: Comparison, lang: str) -> list[str]:
    """The answer: what the change frees, what it costs or saves, what it does to lead time and to the findings."""
    freed = c.freed_minutes
    n = {s: len(c.findings_by(s)) for s in STATUS}
    out = [
        t(lang, f"time freed: {_minutes(freed)} min/day ({freed / 60:,.1f} h), {money(c.cost_per_month_saved, c.currency, lang)} a month",
          f"空く作業時間: 1日 {_minutes(freed)} 分（{freed / 60:,.1f} 時間）、月 {money(c.cost_per_month_saved, c.currency, lang)} 相当"),
        t(lang, f"lead time: {_lead_line(c, lang)}", f"リードタイム: {_lead_line(c, lang)}"),
        t(lang, f"findings: {n['resolved']} resolved, {n['remaining']} remaining, {n['new']} new",
          f"指摘: 解消 {n['resolved']} 件・残り {n['remaining']} 件・新規 {n['new']} 件"),
    ]
    if c.simulation:
        for s in c.simulation.segments:
            ci = ""
            if s.ci95:
                ci = t(lang, f", 95% CI {signed_duration(s.ci95[0], lang)} to {signed_duration(s.ci95[1], lang)}",
                       f"、95%信頼区間 {signed_duration(s.ci95[0], lang)}〜{signed_duration(s.ci95[1], lang)}")
            out.append(t(lang, f"  {s.name} ({s.start}→{s.end}): mean {duration_text(s.before['mean'], lang)} → "
                               f"{duration_text(s.after['mean'], lang)} ({signed_duration(s.difference, lang)}{ci})",
                         f"  {s.name}（{s.start}→{s.end}）: 平均 {duration_text(s.before['mean'], lang)} → "
                         f"{duration_text(s.after['mean'], lang)}（{signed_duration(s.difference, lang)}{ci}）"))
    if c.cost_missing_owners:
        out.append(t(lang, f"no hourly cost for {join(c.cost_missing_owners, lang)}: their minutes are not in the money figure "
                           "(set 'cost' in Owners)",
                     f"{join(c.cost_missing_owners, lang)} は時給が未設定のため金額に含めていません（担当者シートの時給を入力してください）"))
    return out


# ------------------------------------------------------------------- text

def to_text(c: Comparison, *, width: int = 110, color: bool = False) -> str:
    lang = c.lang
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
                  highlight=False, emoji=False, soft_wrap=False)
    con.print(Text(t(lang, f"flowmap compare: {c.before.name} → {c.after.name}",
                     f"flowmap 比較: {c.before.name} → {c.after.name}"), style="bold"))
    for line in summary_lines(c, lang):
        con.print(line)
    movers = [o for o in c.workload if abs(o.freed) >= 0.05]
    if movers:
        con.print(t(lang, "per owner:", "担当者ごと:"))
        for o in sorted(movers, key=lambda o: -o.freed):
            con.print("  " + _owner_line(o, c, lang))
    if c.structure.unchanged:
        con.print(t(lang, "no structural change", "構造の変化なし"))

    # ---- details
    st = c.structure
    con.print()
    con.print(Text(t(lang, "What changes", "構造の変化"), style="bold"))
    bmap, amap = c.before.step_map(), c.after.step_map()
    rows: list[tuple[str, str]] = []
    if st.steps_removed:
        rows.append((t(lang, "steps removed", "削除された工程"), join([f"{s} {bmap[s].name}" for s in st.steps_removed], lang)))
    if st.steps_added:
        rows.append((t(lang, "steps added", "追加された工程"), join([f"{s} {amap[s].name}" for s in st.steps_added], lang)))
    if st.automated_steps():
        rows.append((t(lang, "automated / batched", "自動化・バッチ化"), join(st.automated_steps(), lang)))
    if st.tools_retired:
        rows.append((t(lang, "tools retired", "使われなくなったツール"), join(st.tools_retired, lang)))
    if st.tools_introduced:
        rows.append((t(lang, "tools introduced", "新たに使うツール"), join(st.tools_introduced, lang)))
    if st.data_entries_removed:
        rows.append((t(lang, "data entries removed", "減った入力"),
                     join([f"{d.data} ({len(d.before_steps)}→{len(d.after_steps)})" for d in st.data_entries_removed], lang)))
    if st.data_entries_added:
        rows.append((t(lang, "data entries added", "増えた入力"),
                     join([f"{d.data} ({len(d.before_steps)}→{len(d.after_steps)})" for d in st.data_entries_added], lang)))
    if st.handoffs_removed:
        rows.append((t(lang, "handoffs removed", "なくなった引き継ぎ"),
                     join([f"{h.from_owner}→{h.to_owner} ({h.before_per_day:,.0f}/day)" if lang == "en"
                           else f"{h.from_owner}→{h.to_owner}（1日 {h.before_per_day:,.0f} 回）" for h in st.handoffs_removed], lang)))
    if st.handoffs_added:
        rows.append((t(lang, "handoffs added", "増えた引き継ぎ"),
                     join([f"{h.from_owner}→{h.to_owner} ({h.after_per_day:,.0f}/day)" if lang == "en"
                           else f"{h.from_owner}→{h.to_owner}（1日 {h.after_per_day:,.0f} 回）" for h in st.handoffs_added], lang)))
    for label, removed, added, changed in (
            (t(lang, "owners", "担当者"), st.owners_removed, st.owners_added, st.owners_changed),
            (t(lang, "tools", "ツール"), st.tools_removed, st.tools_added, st.tools_changed),
            (t(lang, "lanes", "レーン"), st.lanes_removed, st.lanes_added, st.lanes_changed)):
        parts = []
        if removed:
            parts.append(t(lang, "removed ", "削除 ") + join(removed, lang))
        if added:
            parts.append(t(lang, "added ", "追加 ") + join(added, lang))
        parts += [f"{x.name} ({change_text(x.changes, lang)})" for x in changed]
        if parts:
            rows.append((label, "; ".join(parts)))
    if rows:
        table = Table(box=box.SIMPLE, show_header=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for a, b in rows:
            table.add_row(a, b)
        con.print(table)
    table = Table(title=t(lang, "Workload per owner (expected minutes per day)", "担当者ごとの作業時間（期待値、分/日）"),
                  box=box.SIMPLE, title_justify="left")
    for h, right in ((t(lang, "owner", "担当者"), False), (t(lang, "before", "前"), True), (t(lang, "after", "後"), True),
                     (t(lang, "freed", "空く"), True), (t(lang, "utilization", "稼働率"), False),
                     (t(lang, "data entry", "データ入力"), False), (t(lang, "per month", "月額"), True)):
        table.add_column(h, justify="right" if right else "left")
    for o in c.workload:
        table.add_row(o.owner, _minutes(o.before_minutes), _minutes(o.after_minutes), _minutes(o.freed),
                      f"{pct(o.before_utilization)} → {pct(o.after_utilization)}",
                      f"{_minutes(o.before_data_entry)} → {_minutes(o.after_data_entry)}",
                      money(o.cost_per_month_saved, c.currency, lang))
    table.add_row(t(lang, "total", "合計"), _minutes(sum(o.before_minutes for o in c.workload)),
                  _minutes(sum(o.after_minutes for o in c.workload)), _minutes(c.freed_minutes), "", "",
                  money(c.cost_per_month_saved, c.currency, lang), style="bold")
    con.print(table)
    con.print(t(lang, f"money per month = minutes per day × {MONTH_DAYS:.2f} days × hourly cost ÷ 60",
                f"月額 = 1日の分数 × {MONTH_DAYS:.2f} 日 × 時給 ÷ 60"))

    for status in STATUS:
        group = c.findings_by(status)
        if not group:
            continue
        en, ja = STATUS[status]
        table = Table(title=t(lang, f"Findings {en} ({len(group)})", f"指摘 {ja}（{len(group)} 件）"), box=box.SIMPLE,
                      title_justify="left")
        table.add_column(t(lang, "severity", "重要度"), no_wrap=True)
        table.add_column(t(lang, "kind", "分類"), no_wrap=True)
        table.add_column(t(lang, "finding", "指摘"), overflow="fold")
        table.add_column(t(lang, "min/day", "分/日"), justify="right", no_wrap=True)
        for f in group:
            table.add_row(severity_label(f.severity, lang), analyzer_label(f.analyzer, lang), f.title, _finding_minutes(f))
        con.print(table)

    sim = c.simulation
    if sim is not None:
        con.print(Text(t(lang, f"Simulation: {sim.replications} paired replications × {sim.days:g} days from {sim.start}, "
                               f"seed {sim.seed} (common random numbers)",
                         f"シミュレーション: {sim.start} から {sim.days:g} 日間 × {sim.replications} 回（対応のある比較、"
                         f"乱数シード {sim.seed}、共通乱数）"), style="bold"))
        table = Table(box=box.SIMPLE)
        for h in ("", t(lang, "before", "前"), t(lang, "after", "後"), t(lang, "difference", "差")):
            table.add_column(h, justify="left" if not h else "right")
        table.add_row(t(lang, "lead time mean", "リードタイム平均"), duration_text(sim.lead_mean.before, lang),
                      duration_text(sim.lead_mean.after, lang), signed_duration(sim.lead_mean.difference, lang))
        table.add_row(t(lang, "median", "中央値"), duration_text(sim.lead_p50[0], lang), duration_text(sim.lead_p50[1], lang),
                      signed_duration(sim.lead_p50[1] - sim.lead_p50[0], lang))
        table.add_row("p90", duration_text(sim.lead_p90[0], lang), duration_text(sim.lead_p90[1], lang),
                      signed_duration(sim.lead_p90[1] - sim.lead_p90[0], lang))
        for seg in sim.segments:
            table.add_row(seg.name, duration_text(seg.before["mean"], lang), duration_text(seg.after["mean"], lang),
                          signed_duration(seg.difference, lang))
        con.print(table)
        changed_waits = [s for s in sim.steps if (s.before_wait or 0) >= 1 or (s.after_wait or 0) >= 1]
        changed_waits.sort(key=lambda s: -abs((s.after_wait or 0) - (s.before_wait or 0)))
        if changed_waits:
            table = Table(title=t(lang, "Waits per step (mean)", "工程ごとの平均待ち時間"), box=box.SIMPLE, title_justify="left")
            for h in (t(lang, "step", "工程"), t(lang, "name", "工程名"), t(lang, "before", "前"), t(lang, "after", "後")):
                table.add_column(h, overflow="fold")
            for s in changed_waits[:12]:
                table.add_row(s.step, s.name, "—" if s.before_wait is None else duration_text(s.before_wait, lang),
                              "—" if s.after_wait is None else duration_text(s.after_wait, lang))
            con.print(table)
        con.print(Text(t(lang, "Utilization per owner (simulated)", "担当者の稼働率（シミュレーション）"), style="italic"))
        table = Table(box=box.SIMPLE)
        for h in (t(lang, "owner", "担当者"), t(lang, "before", "前"), t(lang, "after", "後")):
            table.add_column(h)
        for u in sim.owners:
            table.add_row(u.owner, "—" if u.before_utilization is None else pct(u.before_utilization),
                          "—" if u.after_utilization is None else pct(u.after_utilization))
        con.print(table)
    if st.steps_changed:
        table = Table(title=t(lang, "Steps changed", "変更された工程"), box=box.SIMPLE, title_justify="left")
        table.add_column(t(lang, "step", "工程"), no_wrap=True)
        table.add_column(t(lang, "name", "工程名"), overflow="fold", max_width=30)
        table.add_column(t(lang, "changes", "変更点"), overflow="fold")
        for ch in st.steps_changed:
            sid = ch.step if ch.after_step == ch.step else f"{ch.step}→{ch.after_step}"
            table.add_row(sid, ch.name, change_text(ch.changes, lang))
        con.print(table)

    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _finding_minutes(f: FindingDelta) -> str:
    if f.status == "remaining":
        return f"{_minutes(f.minutes_before or 0)} → {_minutes(f.minutes_after or 0)}"
    m = f.minutes_before if f.status == "resolved" else f.minutes_after
    return _minutes(m or 0) if m else ""


# --------------------------------------------------------------- markdown

def _md(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(c: Comparison) -> str:
    lang = c.lang
    out = [f"# {_md(t(lang, 'Comparison', '比較'))}: {_md(c.before.name)} → {_md(c.after.name)}", ""]
    out += [f"- {_md(line.strip())}" for line in summary_lines(c, lang)]
    out.append("")
    out += [f"## {t(lang, 'Workload per owner', '担当者ごとの作業時間')}", "",
            "| " + " | ".join([t(lang, "owner", "担当者"), t(lang, "before min/day", "前 分/日"), t(lang, "after min/day", "後 分/日"),
                              t(lang, "freed min/day", "空く 分/日"), t(lang, "utilization", "稼働率"),
                              t(lang, "per month", "月額")]) + " |",
            "|---|---:|---:|---:|---|---:|"]
    for o in c.workload:
        out.append(f"| {_md(o.owner)} | {_minutes(o.before_minutes)} | {_minutes(o.after_minutes)} | {_minutes(o.freed)} | "
                   f"{pct(o.before_utilization)} → {pct(o.after_utilization)} | {_md(money(o.cost_per_month_saved, c.currency, lang))} |")
    out.append(f"| **{t(lang, 'total', '合計')}** | {_minutes(sum(o.before_minutes for o in c.workload))} | "
               f"{_minutes(sum(o.after_minutes for o in c.workload))} | **{_minutes(c.freed_minutes)}** | | "
               f"**{_md(money(c.cost_per_month_saved, c.currency, lang))}** |")
    st = c.structure
    out += ["", f"## {t(lang, 'What changes', '構造の変化')}", ""]
    bmap, amap = c.before.step_map(), c.after.step_map()
    items = [
        (t(lang, "Steps removed", "削除された工程"), [f"{s} {bmap[s].name}" for s in st.steps_removed]),
        (t(lang, "Steps added", "追加された工程"), [f"{s} {amap[s].name}" for s in st.steps_added]),
        (t(lang, "Automated or batched", "自動化・バッチ化"), st.automated_steps()),
        (t(lang, "Tools retired", "使われなくなったツール"), st.tools_retired),
        (t(lang, "Data entries removed", "減った入力"),
         [f"{d.data} ({len(d.before_steps)}→{len(d.after_steps)})" for d in st.data_entries_removed]),
        (t(lang, "Handoffs removed", "なくなった引き継ぎ"), [f"{h.from_owner}→{h.to_owner}" for h in st.handoffs_removed]),
        (t(lang, "Handoffs added", "増えた引き継ぎ"), [f"{h.from_owner}→{h.to_owner}" for h in st.handoffs_added]),
    ]
    for label, vals in items:
        if vals:
            out.append(f"- **{_md(label)}**: {_md(join(vals, lang))}")
    if st.unchanged:
        out.append(f"- {t(lang, 'no structural change', '構造の変化なし')}")
    if st.steps_changed:
        out += ["", f"| {t(lang, 'step', '工程')} | {t(lang, 'name', '工程名')} | {t(lang, 'changes', '変更点')} |", "|---|---|---|"]
        for ch in st.steps_changed:
            out.append(f"| {_md(ch.step)} | {_md(ch.name)} | {_md(change_text(ch.changes, lang))} |")
    out += ["", f"## {t(lang, 'Findings', '指摘')}", "",
            f"| {t(lang, 'status', '状態')} | {t(lang, 'severity', '重要度')} | {t(lang, 'kind', '分類')} | "
            f"{t(lang, 'finding', '指摘')} | {t(lang, 'min/day', '分/日')} |", "|---|---|---|---|---:|"]
    for f in c.findings:
        out.append(f"| {t(lang, *STATUS[f.status])} | {severity_label(f.severity, lang)} | {_md(analyzer_label(f.analyzer, lang))} | "
                   f"{_md(f.title)} | {_md(_finding_minutes(f))} |")
    sim = c.simulation
    if sim is not None:
        out += ["", f"## {t(lang, 'Simulation', 'シミュレーション')}", "",
                t(lang, f"{sim.replications} paired replications × {sim.days:g} days, seed {sim.seed}, common random numbers.",
                  f"{sim.days:g} 日間 × {sim.replications} 回の対応のある比較（乱数シード {sim.seed}、共通乱数）。"), "",
                f"| | {t(lang, 'before', '前')} | {t(lang, 'after', '後')} | {t(lang, 'difference (95% CI)', '差（95%信頼区間）')} |",
                "|---|---:|---:|---:|"]
        lt = sim.lead_mean
        ci = f" ({signed_duration(lt.ci95[0], lang)} … {signed_duration(lt.ci95[1], lang)})" if lt.ci95 else ""
        out.append(f"| {t(lang, 'lead time mean', 'リードタイム平均')} | {duration_text(lt.before, lang)} | {duration_text(lt.after, lang)} | "
                   f"{signed_duration(lt.difference, lang)}{ci} |")
        out.append(f"| {t(lang, 'median', '中央値')} | {duration_text(sim.lead_p50[0], lang)} | {duration_text(sim.lead_p50[1], lang)} | |")
        out.append(f"| p90 | {duration_text(sim.lead_p90[0], lang)} | {duration_text(sim.lead_p90[1], lang)} | |")
        for s in sim.segments:
            sci = f" ({signed_duration(s.ci95[0], lang)} … {signed_duration(s.ci95[1], lang)})" if s.ci95 else ""
            out.append(f"| {_md(s.name)} | {duration_text(s.before['mean'], lang)} | {duration_text(s.after['mean'], lang)} | "
                       f"{signed_duration(s.difference, lang)}{sci} |")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------- xlsx

def _header(ws: Worksheet, widths: list[int]) -> None:
    style_header(ws, widths)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(c: Comparison, path: str | Path) -> None:
    """A workbook a lead can forward: summary, owners, steps and findings sheets."""
    lang = c.lang
    ja = lang == "ja"
    wb, ws = new_workbook("概要" if ja else "Summary")
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

    wo = wb.create_sheet("担当者" if ja else "Owners")
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

    wst = wb.create_sheet("工程" if ja else "Steps")
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

    wf = wb.create_sheet("指摘" if ja else "Findings")
    append_row(wf, [t(lang, "status", "状態"), t(lang, "severity", "重要度"), t(lang, "kind", "分類"), t(lang, "finding", "指摘"),
                   t(lang, "before min/day", "前 分/日"), t(lang, "after min/day", "後 分/日"), "key"])
    for f in c.findings:
        append_row(wf, [t(lang, *STATUS[f.status]), severity_label(f.severity, lang), analyzer_label(f.analyzer, lang), f.title,
                       _round(f.minutes_before), _round(f.minutes_after), f.key])
    _header(wf, [10, 8, 14, 60, 12, 12, 40])
    save_workbook(wb, path)  # every text cell as text, never a formula


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)

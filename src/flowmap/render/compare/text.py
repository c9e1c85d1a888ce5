"""A comparison as terminal text: the answer on one screen, then the details (what changes, workload,
findings, the paired simulation, the steps changed)."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..._lang import t
from ...compare import MONTH_DAYS, Comparison, SimComparison
from .._common import analyzer_label, join, pct, severity_label
from ..simulation import duration_text
from .words import (
    STATUS,
    change_text,
    finding_minutes,
    minutes_text,
    money,
    owner_line,
    signed_duration,
    summary_lines,
)

__all__ = ["to_text"]


def to_text(c: Comparison, *, width: int = 110, color: bool = False) -> str:
    lang = c.lang
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
                  highlight=False, emoji=False, soft_wrap=False)
    _answer(con, c)
    con.print()
    con.print(Text(t(lang, "What changes", "構造の変化"), style="bold"))
    rows = _change_rows(c)
    if rows:
        table = Table(box=box.SIMPLE, show_header=False)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for a, b in rows:
            table.add_row(a, b)
        con.print(table)
    con.print(_workload_table(c))
    con.print(t(lang, f"money per month = minutes per day × {MONTH_DAYS:.2f} days × hourly cost ÷ 60",
                f"月額 = 1日の分数 × {MONTH_DAYS:.2f} 日 × 時給 ÷ 60"))
    for table in _finding_tables(c):
        con.print(table)
    if c.simulation is not None:
        _simulation(con, c.simulation, lang)
    if c.structure.steps_changed:
        table = Table(title=t(lang, "Steps changed", "変更された工程"), box=box.SIMPLE, title_justify="left")
        table.add_column(t(lang, "step", "工程"), no_wrap=True)
        table.add_column(t(lang, "name", "工程名"), overflow="fold", max_width=30)
        table.add_column(t(lang, "changes", "変更点"), overflow="fold")
        for ch in c.structure.steps_changed:
            sid = ch.step if ch.after_step == ch.step else f"{ch.step}→{ch.after_step}"
            table.add_row(sid, ch.name, change_text(ch.changes, lang))
        con.print(table)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _answer(con: Console, c: Comparison) -> None:
    lang = c.lang
    con.print(Text(t(lang, f"flowmap compare: {c.before.name} → {c.after.name}",
                     f"flowmap 比較: {c.before.name} → {c.after.name}"), style="bold"))
    for line in summary_lines(c, lang):
        con.print(line)
    movers = [o for o in c.workload if abs(o.freed) >= 0.05]
    if movers:
        con.print(t(lang, "per owner:", "担当者ごと:"))
        for o in sorted(movers, key=lambda o: -o.freed):
            con.print("  " + owner_line(o, c, lang))
    if c.structure.unchanged:
        con.print(t(lang, "no structural change", "構造の変化なし"))


def _change_rows(c: Comparison) -> list[tuple[str, str]]:
    lang = c.lang
    st = c.structure
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
    return rows


def _workload_table(c: Comparison) -> Table:
    lang = c.lang
    table = Table(title=t(lang, "Workload per owner (expected minutes per day)", "担当者ごとの作業時間（期待値、分/日）"),
                  box=box.SIMPLE, title_justify="left")
    for h, right in ((t(lang, "owner", "担当者"), False), (t(lang, "before", "前"), True), (t(lang, "after", "後"), True),
                     (t(lang, "freed", "空く"), True), (t(lang, "utilization", "稼働率"), False),
                     (t(lang, "data entry", "データ入力"), False), (t(lang, "per month", "月額"), True)):
        table.add_column(h, justify="right" if right else "left")
    for o in c.workload:
        table.add_row(o.owner, minutes_text(o.before_minutes), minutes_text(o.after_minutes), minutes_text(o.freed),
                      f"{pct(o.before_utilization)} → {pct(o.after_utilization)}",
                      f"{minutes_text(o.before_data_entry)} → {minutes_text(o.after_data_entry)}",
                      money(o.cost_per_month_saved, c.currency, lang))
    table.add_row(t(lang, "total", "合計"), minutes_text(sum(o.before_minutes for o in c.workload)),
                  minutes_text(sum(o.after_minutes for o in c.workload)), minutes_text(c.freed_minutes), "", "",
                  money(c.cost_per_month_saved, c.currency, lang), style="bold")
    return table


def _finding_tables(c: Comparison) -> list[Table]:
    lang = c.lang
    out = []
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
            table.add_row(severity_label(f.severity, lang), analyzer_label(f.analyzer, lang), f.title, finding_minutes(f))
        out.append(table)
    return out


def _simulation(con: Console, sim: SimComparison, lang: str) -> None:
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

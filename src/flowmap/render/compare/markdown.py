"""A comparison as Markdown: the summary, workload per owner, what changes, findings, simulation."""

from __future__ import annotations

from typing import Any

from ..._lang import t
from ...compare import Comparison, SimComparison
from .._common import analyzer_label, join, pct, severity_label
from ..simulation import duration_text
from .words import (
    STATUS,
    change_text,
    finding_minutes,
    minutes_text,
    money,
    signed_duration,
    summary_lines,
)

__all__ = ["to_markdown"]


def _md(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(c: Comparison) -> str:
    lang = c.lang
    out = [f"# {_md(t(lang, 'Comparison', '比較'))}: {_md(c.before.name)} → {_md(c.after.name)}", ""]
    out += [f"- {_md(line.strip())}" for line in summary_lines(c, lang)]
    out.append("")
    out += _workload(c)
    out += _structure(c)
    out += ["", f"## {t(lang, 'Findings', '指摘')}", "",
            f"| {t(lang, 'status', '状態')} | {t(lang, 'severity', '重要度')} | {t(lang, 'kind', '分類')} | "
            f"{t(lang, 'finding', '指摘')} | {t(lang, 'min/day', '分/日')} |", "|---|---|---|---|---:|"]
    for f in c.findings:
        out.append(f"| {t(lang, *STATUS[f.status])} | {severity_label(f.severity, lang)} | {_md(analyzer_label(f.analyzer, lang))} | "
                   f"{_md(f.title)} | {_md(finding_minutes(f))} |")
    if c.simulation is not None:
        out += _simulation(c.simulation, lang)
    return "\n".join(out) + "\n"


def _workload(c: Comparison) -> list[str]:
    lang = c.lang
    out = [f"## {t(lang, 'Workload per owner', '担当者ごとの作業時間')}", "",
           "| " + " | ".join([t(lang, "owner", "担当者"), t(lang, "before min/day", "前 分/日"), t(lang, "after min/day", "後 分/日"),
                             t(lang, "freed min/day", "空く 分/日"), t(lang, "utilization", "稼働率"),
                             t(lang, "per month", "月額")]) + " |",
           "|---|---:|---:|---:|---|---:|"]
    for o in c.workload:
        out.append(f"| {_md(o.owner)} | {minutes_text(o.before_minutes)} | {minutes_text(o.after_minutes)} | "
                   f"{minutes_text(o.freed)} | {pct(o.before_utilization)} → {pct(o.after_utilization)} | "
                   f"{_md(money(o.cost_per_month_saved, c.currency, lang))} |")
    out.append(f"| **{t(lang, 'total', '合計')}** | {minutes_text(sum(o.before_minutes for o in c.workload))} | "
               f"{minutes_text(sum(o.after_minutes for o in c.workload))} | **{minutes_text(c.freed_minutes)}** | | "
               f"**{_md(money(c.cost_per_month_saved, c.currency, lang))}** |")
    return out


def _structure(c: Comparison) -> list[str]:
    lang = c.lang
    st = c.structure
    out = ["", f"## {t(lang, 'What changes', '構造の変化')}", ""]
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
    return out


def _simulation(sim: SimComparison, lang: str) -> list[str]:
    out = ["", f"## {t(lang, 'Simulation', 'シミュレーション')}", "",
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
    return out

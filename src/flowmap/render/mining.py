"""Render a conformance check (``flowmap check``) as text, JSON, markdown or an HTML report section."""

from __future__ import annotations

import html
import json
import unicodedata
from typing import Any

from .._lang import t
from ..mining.check import CheckResult
from .simulation import duration_text

__all__ = ["check_html_section", "to_json", "to_markdown", "to_text"]

# Alike in shape only to io/_schema.py's alias tables: data, not logic.
_KIND = {
    "activity_not_in_flow": ("activity not in the flow", "フローにない工程"),
    "transition_not_in_flow": ("transition not in the flow", "フローにない遷移"),
    "step_skipped": ("step skipped", "飛ばされた工程"),
    "start_not_in_flow": ("case starts where the flow does not", "フローの開始でない工程から開始"),
    "end_not_in_flow": ("case ends where the flow does not", "フローの終了でない工程で終了"),
    "step_not_in_log": ("step never in the log", "ログに現れない工程"),
}


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _fit(s: str, width: int) -> str:
    """``s`` cut and padded to ``width`` terminal columns (CJK characters take two)."""
    out, w = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > width:
            break
        out += c
        w += cw
    return out + " " * (width - w)


def to_json(r: CheckResult) -> str:
    return json.dumps(r.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _dev_text(d: dict[str, Any], lang: str) -> str:
    en, ja = _KIND.get(d["kind"], (d["kind"], d["kind"]))
    kind = t(lang, en, ja)
    if d["kind"] == "transition_not_in_flow":
        what = f"{d['from_name']} → {d['to_name']}"
    elif d["kind"] == "activity_not_in_flow":
        what = d["activity"]
    else:
        what = f"{d['step']} {d['name']}"
    return f"{kind}: {what}"


def _m(x: float | None, lang: str) -> str:
    return "-" if x is None else (f"{x:.1f}" if x < 600 else duration_text(x, lang))


def _rows(r: CheckResult, lang: str) -> dict[str, Any]:
    lt = r.lead_time or {}
    model = lt.get("model")
    log = lt.get("log") or {}
    return {
        "head": [
            t(lang, f"cases: {r.cases} ({r.open_cases} still open when the log ends)",
              f"案件: {r.cases} 件（うちログ終了時に処理中 {r.open_cases} 件）"),
            t(lang, f"fitness: {r.fitness:.3f} ({r.fitting_cases} of {r.cases} cases follow the flow); "
                    f"replay fitness {r.replay_fitness:.3f}",
              f"適合度: {r.fitness:.3f}（{r.cases} 件中 {r.fitting_cases} 件がフローどおり）・再生適合度 {r.replay_fitness:.3f}"),
            t(lang, f"arrivals per day: model {r.arrivals['model']:g}, log {r.arrivals['log']:g}",
              f"1日の到着: モデル {r.arrivals['model']:g}・ログ {r.arrivals['log']:g}"),
        ],
        "lead": [(t(lang, k, ja), model.get(k) if model else None, log.get(k))
                 for k, ja in (("mean", "平均"), ("p50", "中央値"), ("p90", "90%"))],
    }


def to_text(r: CheckResult, lang: str) -> str:
    rows = _rows(r, lang)
    out = [t(lang, f"flowmap check: {r.flow_name} against {r.log_source}", f"flowmap 照合: {r.flow_name} と {r.log_source}")]
    out += rows["head"]
    out.append("")
    out.append(_fit(t(lang, "lead time", "リードタイム"), 14) + _fit(t(lang, "model", "モデル"), 14) + t(lang, "log", "ログ"))
    for k, a, b in rows["lead"]:
        out.append(f"  {_fit(k, 12)}{_fit(_m(a, lang), 14)}{_m(b, lang)}")
    out.append("")
    out.append(t(lang, "deviations (cases)", "逸脱（件数）"))
    if not r.deviations:
        out.append(t(lang, "  none", "  なし"))
    for d in r.deviations[:30]:
        out.append(f"  {d['cases']:>6}  {_dev_text(d, lang)}")
    if len(r.deviations) > 30:
        out.append(t(lang, f"  … {len(r.deviations) - 30} more (--format json lists all)",
                     f"  … ほか {len(r.deviations) - 30} 件（--format json ですべて表示）"))
    out.append("")
    out.append(t(lang, "step durations, minutes (model / log)", "工程の所要時間（分、モデル / ログ）"))
    for s in r.steps:
        flag = ""
        lm = s["log_mean_minutes"]
        if lm is not None and s["model_mean_minutes"] and abs(lm - s["model_mean_minutes"]) > 0.2 * s["model_mean_minutes"]:
            flag = "  *"
        out.append(f"  {s['step']:<6} {_fit(s['name'], 44)} {_m(s['model_mean_minutes'], lang):>12} / {_m(lm, lang)}{flag}")
    if r.branches:
        out.append("")
        out.append(t(lang, "branch shares (model / log)", "分岐の割合（モデル / ログ）"))
        for b in r.branches:
            ls = "-" if b["log_share"] is None else f"{b['log_share']:.3f}"
            out.append(f"  {b['from']} → {b['to']:<8} {b['model_share']:.3f} / {ls}")
    return "\n".join(out) + "\n"


def to_markdown(r: CheckResult, lang: str) -> str:
    rows = _rows(r, lang)
    out = [f"# {t(lang, 'Check', '照合')}: {r.flow_name}", "", *[f"- {x}" for x in rows["head"]], ""]
    out += [f"| {t(lang, 'lead time', 'リードタイム')} | {t(lang, 'model', 'モデル')} | {t(lang, 'log', 'ログ')} |",
            "|---|---:|---:|"]
    out += [f"| {k} | {_m(a, lang)} | {_m(b, lang)} |" for k, a, b in rows["lead"]]
    out += ["", f"## {t(lang, 'Deviations', '逸脱')}", ""]
    if r.deviations:
        out += [f"| {t(lang, 'cases', '件数')} | {t(lang, 'deviation', '内容')} |", "|---:|---|"]
        out += [f"| {d['cases']} | {_dev_text(d, lang).replace('|', '/')} |" for d in r.deviations]
    else:
        out.append(t(lang, "None.", "なし。"))
    out += ["", f"## {t(lang, 'Step durations (minutes)', '工程の所要時間（分）')}", "",
            f"| {t(lang, 'step', '工程')} | {t(lang, 'name', '名前')} | {t(lang, 'model', 'モデル')} | {t(lang, 'log', 'ログ')} |",
            "|---|---|---:|---:|"]
    out += [f"| {s['step']} | {s['name'].replace('|', '/')} | {_m(s['model_mean_minutes'], lang)} | "
            f"{_m(s['log_mean_minutes'], lang)} |" for s in r.steps]
    if r.branches:
        out += ["", f"## {t(lang, 'Branch shares', '分岐の割合')}", "",
                f"| {t(lang, 'from', '元')} | {t(lang, 'to', '先')} | {t(lang, 'model', 'モデル')} | {t(lang, 'log', 'ログ')} |",
                "|---|---|---:|---:|"]
        out += [f"| {b['from']} | {b['to']} | {b['model_share']:.3f} | "
                f"{'-' if b['log_share'] is None else format(b['log_share'], '.3f')} |" for b in r.branches]
    return "\n".join(out) + "\n"


def check_html_section(r: CheckResult, lang: str) -> tuple[str, str, str]:
    """(id, title, content) of the report's section: fitness, lead time side by side, deviations, step timing."""
    e = html.escape
    rows = _rows(r, lang)
    parts = [f"<p>{e(t(lang, 'Log', 'ログ'))}: <code>{e(r.log_source)}</code></p><ul>"]
    parts += [f"<li>{e(x)}</li>" for x in rows["head"]]
    parts.append('</ul><table class="fm-table"><thead><tr>'
                 f"<th>{e(t(lang, 'lead time', 'リードタイム'))}</th><th>{e(t(lang, 'model', 'モデル'))}</th>"
                 f"<th>{e(t(lang, 'log', 'ログ'))}</th></tr></thead><tbody>")
    parts += [f"<tr><td>{k}</td><td class=\"num\">{e(_m(a, lang))}</td><td class=\"num\">{e(_m(b, lang))}</td></tr>"
              for k, a, b in rows["lead"]]
    parts.append("</tbody></table>")
    parts.append(f"<h3>{e(t(lang, 'Deviations', '逸脱'))}</h3>")
    if r.deviations:
        parts.append(f"<table class=\"fm-table\"><thead><tr><th>{e(t(lang, 'cases', '件数'))}</th><th>{e(t(lang, 'deviation', '内容'))}</th>"
                     "</tr></thead><tbody>")
        parts += [f"<tr><td class=\"num\">{d['cases']}</td><td>{e(_dev_text(d, lang))}</td></tr>" for d in r.deviations[:15]]
        parts.append("</tbody></table>")
    else:
        parts.append(f"<p>{e(t(lang, 'None: every case follows the flow.', 'なし: すべての案件がフローどおりです。'))}</p>")
    parts.append(f"<h3>{e(t(lang, 'Step durations (minutes)', '工程の所要時間（分）'))}</h3>"
                 f"<table class=\"fm-table\"><thead><tr><th>{e(t(lang, 'step', '工程'))}</th><th>{e(t(lang, 'model', 'モデル'))}</th>"
                 f"<th>{e(t(lang, 'log', 'ログ'))}</th></tr></thead><tbody>")
    parts += [f"<tr><td>{e(s['step'])} {e(s['name'])}</td><td class=\"num\">{e(_m(s['model_mean_minutes'], lang))}</td>"
              f"<td class=\"num\">{e(_m(s['log_mean_minutes'], lang))}</td></tr>" for s in r.steps]
    parts.append("</tbody></table>")
    return "fm-log-check", t(lang, "Model vs event log", "モデルとイベントログの照合"), "".join(parts)

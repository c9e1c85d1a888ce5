"""Render an analysis as text, JSON, Markdown or an Excel workbook."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .._lang import t
from ..analyze import SEVERITIES, Analysis, Finding, Severity
from ..capacity import capacity_from_load, capacity_line
from ._common import analyzer_label, join, join_capped, pct, severity_label

__all__ = ["to_json", "to_markdown", "to_text", "write_xlsx"]

_STYLE: dict[Severity, str] = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def to_json(a: Analysis) -> str:
    """The analysis as JSON: one line per top-level key and per list entry (a finding, an owner),
    so it reads and diffs well and is written by the C encoder in linear time."""
    lines = ["{"]
    data = a.to_dict()
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < len(data) - 1 else ""
        head = f"  {json.dumps(key, ensure_ascii=False)}: "
        if isinstance(value, list) and value:
            lines.append(head + "[")
            lines.extend(f"    {json.dumps(v, ensure_ascii=False)}" + ("," if j < len(value) - 1 else "")
                         for j, v in enumerate(value))
            lines.append(f"  ]{comma}")
        else:
            lines.append(head + json.dumps(value, ensure_ascii=False) + comma)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _workload_rows(a: Analysis) -> list[list[str]]:
    return [[o.owner, o.lane, f"{o.minutes_per_day:,.0f}", f"{o.capacity_minutes_per_day:,.0f}",
             pct(o.utilization), pct(o.share), pct(o.data_entry_share)] for o in a.workload.owners]


def _workload_headers(lang: str) -> list[str]:
    return ([ "担当者", "レーン", "分/日", "稼働枠 分/日", "稼働率", "全体に占める割合", "データ入力の割合"] if lang == "ja"
            else ["owner", "lane", "min/day", "capacity min/day", "utilization", "share", "data entry share"])


# A terminal shows at most this many findings per severity unless asked for all of them.
TEXT_LIMIT = 10


def to_text(a: Analysis, *, width: int = 110, color: bool = False, limit: int | None = None) -> str:
    """The analysis for a terminal: the first ``limit`` findings of each severity (None: all), then a count."""
    lang = a.lang
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=color, color_system="standard" if color else None,
                  highlight=False, emoji=False, soft_wrap=False)
    s = a.summary()
    con.print(Text(t(lang, f"flowmap analysis: {s.name}", f"flowmap 分析結果: {s.name}"), style="bold"))
    con.print(t(lang, f"{s.steps} steps, {len(s.lanes)} lanes ({join_capped(s.lanes, lang)}), {s.owners} owners, {s.tools} tools",
                f"工程 {s.steps}・レーン {len(s.lanes)}（{join_capped(s.lanes, lang)}）・担当者 {s.owners}・ツール {s.tools}"))
    groups: dict[Severity, list[Finding]] = {sev: [] for sev in SEVERITIES}
    for f in a.findings:
        groups[f.severity].append(f)
    con.print(t(lang, f"findings: {len(groups['high'])} high, {len(groups['medium'])} medium, {len(groups['low'])} low",
                f"指摘: 高 {len(groups['high'])} 件・中 {len(groups['medium'])} 件・低 {len(groups['low'])} 件"))
    for sev in SEVERITIES:
        group = groups[sev]
        if not group:
            continue
        con.print()
        con.print(Text(t(lang, f"== {sev.upper()} ==", f"== 重要度 {severity_label(sev, lang)} =="), style=_STYLE[sev]))
        shown = group if limit is None else group[:limit]
        for f in shown:
            _print_finding(con, f, lang, color)
        if len(shown) < len(group):
            more = len(group) - len(shown)
            con.print(Text(t(lang, f"… and {more} more {sev} findings (--all shows every one, --format json lists them)",
                             f"… ほか {more} 件（--all ですべて表示、--format json で一覧）"), style="dim"))
    for name, why in a.skipped.items():
        con.print()
        con.print(Text(t(lang, f"{analyzer_label(name, lang)} not run: {why}", f"{analyzer_label(name, lang)} は実行できません: {why}"),
                       style="magenta"))
    con.print()
    table = Table(title=t(lang, "Workload per owner (expected, per calendar day)", "担当者ごとの業務量（期待値・暦日あたり）"),
                  box=box.SIMPLE, title_justify="left")
    for i, h in enumerate(_workload_headers(lang)):
        table.add_column(h, justify="left" if i < 2 else "right")
    over = a.thresholds.get("overload", a.flow.settings.overload)
    for row, o in zip(_workload_rows(a), a.workload.owners, strict=True):
        table.add_row(*row, style="red" if o.utilization > over else "")
    con.print(table)
    spread = a.workload.spread()
    con.print(t(lang, f"spread of utilization: Gini {spread.gini:.2f}, CV {spread.cv:.2f}",
                f"稼働率のばらつき: ジニ係数 {spread.gini:.2f}・変動係数 {spread.cv:.2f}"))
    cap = capacity_line(capacity_from_load(a.flow, a.workload), lang)
    if cap:
        con.print(cap)
    text = buf.getvalue()
    return text if color else "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def _print_finding(con: Console, f: Finding, lang: str, color: bool) -> None:
    w = f.words(lang)
    head = Text(f"[{analyzer_label(f.analyzer, lang)}] ", style=_STYLE[f.severity])
    head.append(w.title, style="bold")
    if f.minutes_per_day:
        head.append(t(lang, f"  ({f.minutes_per_day:,.0f} min/day)", f"（{f.minutes_per_day:,.0f} 分/日）"))
    con.print(head)
    con.print(Padding(Text(w.message), (0, 0, 0, 2)))
    if f.steps:
        con.print(Padding(Text(t(lang, "steps: ", "工程: ") + join_capped(f.steps, lang)), (0, 0, 0, 2)))
    con.print(Padding(Text("→ " + w.suggestion, style="green" if color else ""), (0, 0, 0, 2)))


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(a: Analysis) -> str:
    lang = a.lang
    s = a.summary()
    out = [f"# {t(lang, 'flowmap analysis', 'flowmap 分析結果')}: {_md_cell(s.name)}", ""]
    out.append(t(lang, f"{s.steps} steps, lanes: {join(s.lanes, lang)}; {s.owners} owners, {s.tools} tools.",
                 f"工程 {s.steps}、レーン: {join(s.lanes, lang)}、担当者 {s.owners}、ツール {s.tools}。"))
    out.append("")
    out.append(f"## {t(lang, 'Findings', '指摘事項')}")
    out.append("")
    hdr = (["重要度", "分類", "内容", "工程", "担当者", "ツール", "データ", "分/日", "改善案"] if lang == "ja"
           else ["severity", "analyzer", "finding", "steps", "owners", "tools", "data", "min/day", "suggestion"])
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|" + "---|" * len(hdr))
    for f in a.findings:
        w = f.words(lang)
        out.append("| " + " | ".join(_md_cell(x) for x in [
            severity_label(f.severity, lang), analyzer_label(f.analyzer, lang), f"**{w.title}**<br>{w.message}",
            join(f.steps, lang), join(f.owners, lang), join(f.tools, lang), join(f.data, lang),
            f"{f.minutes_per_day:,.0f}", w.suggestion]) + " |")
    if not a.findings:
        out.append(t(lang, "_No findings._", "_指摘はありません。_"))
    for name, why in a.skipped.items():
        out += ["", f"> {analyzer_label(name, lang)}: {_md_cell(why)}"]
    out += ["", f"## {t(lang, 'Workload', '業務量')}", ""]
    hdr = _workload_headers(lang)
    out.append("| " + " | ".join(hdr) + " |")
    out.append("|---|---|" + "---:|" * (len(hdr) - 2))
    for row in _workload_rows(a):
        out.append("| " + " | ".join(_md_cell(x) for x in row) + " |")
    spread = a.workload.spread()
    out += ["", t(lang, f"Spread of utilization: Gini {spread.gini:.2f}, CV {spread.cv:.2f}.",
                  f"稼働率のばらつき: ジニ係数 {spread.gini:.2f}、変動係数 {spread.cv:.2f}。"), ""]
    return "\n".join(out)


_FILL: dict[Severity, str] = {"high": "F8CBAD", "medium": "FFE699", "low": "DDEBF7"}


def write_xlsx(a: Analysis, path: str | Path) -> None:
    # openpyxl is imported only when a workbook is written: it is a fifth of the text output's start-up
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
    from openpyxl.styles import Alignment, PatternFill

    from ..io.safecells import save_workbook
    from ._xlsx import new_workbook

    lang = a.lang
    ja = lang == "ja"
    wb, ws = new_workbook("指摘事項" if ja else "Findings")
    hdr = (["重要度", "分類", "指摘", "詳細", "工程", "担当者", "ツール", "データ", "分/日", "改善案"] if ja
           else ["severity", "analyzer", "title", "message", "steps", "owners", "tools", "data", "minutes/day", "suggestion"])
    ws.append(hdr)
    for f in a.findings:
        words = f.words(lang)
        ws.append([severity_label(f.severity, lang), analyzer_label(f.analyzer, lang), words.title, words.message,
                   join(f.steps, lang), join(f.owners, lang), join(f.tools, lang), join(f.data, lang),
                   round(f.minutes_per_day, 1), words.suggestion])
    for sev in SEVERITIES:
        label = severity_label(sev, lang)
        ws.conditional_formatting.add(f"A2:A{max(2, len(a.findings) + 1)}",
                                      CellIsRule(operator="equal", formula=[f'"{label}"'], fill=PatternFill("solid", fgColor=_FILL[sev])))  # type: ignore[no-untyped-call]  # openpyxl rule factories are untyped
    widths = [8, 14, 40, 70, 14, 20, 24, 20, 10, 60]
    _finish(ws, widths)
    for r, row in enumerate(ws.iter_rows(min_row=2), start=2):
        lines = 1
        for cell, w in zip(row, widths, strict=False):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            lines = max(lines, -(-_display_width(str(cell.value or "")) // max(1, int(w * 1.1))))
        ws.row_dimensions[r].height = 15 * min(lines, 12)  # openpyxl cannot ask Excel to fit wrapped rows
    wl = wb.create_sheet("業務量" if ja else "Workload")
    wl.append(_workload_headers(lang))
    for o in a.workload.owners:
        wl.append([o.owner, o.lane, round(o.minutes_per_day, 1), round(o.capacity_minutes_per_day, 1),
                   round(o.utilization, 3), round(o.share, 3), round(o.data_entry_share, 3)])
    n = len(a.workload.owners) + 1
    for col in "EFG":
        for r in range(2, n + 1):
            wl[f"{col}{r}"].number_format = "0%"
    wl.conditional_formatting.add(f"E2:E{max(2, n)}", ColorScaleRule(start_type="num", start_value=0, start_color="63BE7B",
                                                                     mid_type="num", mid_value=0.7, mid_color="FFEB84",
                                                                     end_type="num", end_value=1, end_color="F8696B"))  # type: ignore[no-untyped-call]  # openpyxl rule factories are untyped
    wl.conditional_formatting.add(f"G2:G{max(2, n)}", ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                                                     end_type="num", end_value=1, end_color="5B9BD5"))  # type: ignore[no-untyped-call]  # openpyxl rule factories are untyped
    _finish(wl, [18, 12, 10, 14, 10, 14, 14])
    if a.reasons:
        _not_run_sheet(wb.create_sheet("実行できなかった分析" if ja else "Not run"), a)
    save_workbook(wb, path)  # text cells never become formulas


def _not_run_sheet(ws: object, a: Analysis) -> None:
    """The analyzers that could not run: label, reason code, why (in the analysis's language)."""
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    lang = a.lang
    ws.append(["分析", "理由コード", "理由"] if lang == "ja" else ["analyzer", "reason code", "reason"])
    for r in a.reasons.values():
        ws.append([analyzer_label(r.analyzer, lang), r.code, r.text(lang)])
    _finish(ws, [18, 30, 90])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _finish(ws: object, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    from ..io.xlsx_out import print_wide
    from ._xlsx import style_header

    assert isinstance(ws, Worksheet)
    style_header(ws, widths)
    print_wide(ws)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(1, ws.max_row)}"

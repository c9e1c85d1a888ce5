"""Write a flow (or a blank template) as a workbook in the contract's layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..cells import decimal_text
from ..model import END, Edge, Flow, Step, days_text
from ._parallel import FORK_SEPARATOR
from ._schema import CATEGORY_JA, COLUMNS, KIND_JA, MODE_JA, NO_OWNER, SETTINGS_KEYS, header
from .safecells import append_row, save_workbook

__all__ = ["write_workbook"]

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
CJK_FONT = "Meiryo"
TEMPLATE_ROWS = 300

_WIDTHS = {"id": 7, "name": 30, "lane": 14, "owner": 16, "tools": 22, "mode": 9, "duration": 11, "next": 18,
           "reads": 22, "writes": 22, "stage": 10, "touchpoint": 14, "emotion": 8, "pain": 30, "batch": 16,
           "volume": 10, "note": 24}

HOWTO = {
    "ja": [
        "flowmap 業務フローブックの書き方",
        "",
        "1. 「工程」シートに 1 行 1 工程で業務を書きます。レーンが「お客様」「顧客」の行はお客様の行動です。",
        "2. 担当者には人・チーム・システムを書きます。複数なら「、」で区切ります。",
        "3. 方式は 手動・自動・バッチ から選びます（空欄なら担当者から判断します）。バッチにはバッチ条件（毎日 9:00 / 50件ごと）が必要です。",
        "4. 所要時間は分の数値、または 5分・1時間30分・3-8分・tri(2,5,10)・exp(5) で書きます。",
        "5. 次工程には番号か工程名を書きます。分岐は「S5:0.97, S6:0.03」のように確率を付けます。終わる工程は「終了」。",
        "   同時に進む並行作業は「S5 & S6」と書き、合流する工程の「合流」列を「すべて」にすると全分岐を待ちます。",
        "6. 入力データ・参照データには、その工程で入力・参照する情報（顧客ID、クレーム内容など）を書きます。重複入力の発見に使います。",
        "7. 「担当者」シートに人数・勤務時間・勤務日を、「ツール」シートに分類（連絡・記録・受注・物流・決済）を書きます。",
        "8. 書けたら  flowmap validate このファイル.xlsx  で確認し、flowmap analyze で無駄を洗い出します。",
    ],
    "en": [
        "How to fill in a flowmap workbook",
        "",
        "1. Steps sheet: one step per row. Rows in a lane named customer / buyer are what the customer does.",
        "2. owner: a person, team or system; several separated by commas.",
        "3. mode: manual, auto or batch (blank: decided from the owner). Batch steps need a schedule (daily 9:00 / every 50).",
        "4. duration: minutes, or 5m, 1.5h, 3-8, tri(2,5,10), exp(5), norm(5,1).",
        "5. next: step ids or names; branches with probabilities like 'S5:0.97, S6:0.03'; END ends the case.",
        "   Parallel work: 'S5 & S6' starts both; 'all' in the join column of the step where they meet waits for every branch.",
        "6. reads / writes: the data items a step looks up or enters (customer ID, complaint...). flowmap finds duplicated entry from them.",
        "7. Owners sheet: headcount, hours, working days. Tools sheet: category (communication, record, commerce, logistics, payment; wait = a handoff wait only).",
        "8. Then run  flowmap validate this.xlsx  and  flowmap analyze this.xlsx.",
    ],
}


def print_wide(ws: Worksheet) -> None:
    """Print landscape, all columns on one page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]  # openpyxl creates it with the sheet; the stubs say Optional
    ws.print_title_rows = "1:1"


def _style_header(ws: Worksheet, ncols: int, lang: str) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=1, column=c)
        cell.fill = HEADER_FILL
        cell.font = Font(bold=True, color="FFFFFF", name=CJK_FONT if lang == "ja" else None)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(ncols, 1))}1"
    print_wide(ws)


def _list_validation(ws: Worksheet, col: int, values: list[str], last_row: int, strict: bool, title: str) -> None:
    formula = ",".join(values)
    if not values or len(formula) > 250 or any(ch in v for v in values for ch in ',"'):
        return
    dv = DataValidation(type="list", formula1=f'"{formula}"', allow_blank=True,
                        errorStyle="stop" if strict else "information", showErrorMessage=True)
    dv.promptTitle = title[:32]
    dv.errorTitle = title[:32]
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(dv)


def _join(items: list[str]) -> str:
    return ", ".join(items)


def _num(v: float) -> Any:
    return int(v) if float(v).is_integer() else v


def _width(lang: str) -> float:
    return 1.3 if lang == "ja" else 1.0


def _next_text(s: Step, edges: list[Edge], ja: bool) -> str:
    """The next cell: a fork (``S5 & S6``) or targets with probabilities in plain decimals the reader reads back."""
    if not edges:
        return "終了" if ja else END
    if s.fork:
        return FORK_SEPARATOR.join(e.target for e in edges)
    text = ", ".join(e.target if e.probability == 1 else f"{e.target}:{decimal_text(e.probability)}" for e in edges)
    return text.replace(END, "終了") if ja else text


def _step_values(flow: Flow, s: Step, edges: list[Edge], lang: str) -> dict[str, Any]:
    ja = lang == "ja"
    dur: Any = _num(s.duration.params[0]) if s.duration.kind == "fixed" else s.duration.text()
    nobody = not s.owners and s.mode == "manual" and s.lane not in flow.customer_lanes()
    return {
        "id": s.id, "name": s.name, "lane": s.lane, "owner": NO_OWNER if nobody else _join(s.owners), "tools": _join(s.tools),
        "mode": MODE_JA[s.mode] if ja else s.mode, "duration": dur, "next": _next_text(s, edges, ja),
        "join": ("すべて" if ja else "all") if s.join == "all" else None,
        "reads": _join(s.reads), "writes": _join(s.writes), "stage": s.stage, "touchpoint": s.touchpoint,
        "emotion": s.emotion, "pain": s.pain or None, "batch": s.batch.text(lang) if s.batch else None,
        "volume": _num(s.volume) if s.volume is not None else None, "note": s.note or None,
    }


def _steps_sheet(wb: Workbook, flow: Flow, lang: str) -> None:
    ja = lang == "ja"
    ws = wb.active
    assert ws is not None
    ws.title = "工程" if ja else "Steps"
    fields = [f for f in COLUMNS["steps"] if f != "automated"]  # read-only alias: mode says it all
    extras = list(dict.fromkeys(k for s in flow.steps for k in s.extra))
    headers = [header("steps", f, lang) for f in fields] + extras
    append_row(ws, headers)
    edges = flow.out_edges()
    for s in flow.steps:
        values = _step_values(flow, s, edges.get(s.id, []), lang)
        append_row(ws, [values[f] if values[f] != "" else None for f in fields] + [s.extra.get(k) for k in extras])
    _style_header(ws, len(headers), lang)
    for i, f in enumerate(fields, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(f, 14) * _width(lang)
        if f in ("name", "pain", "note"):
            for r in range(2, len(flow.steps) + 2):
                ws.cell(row=r, column=i).alignment = Alignment(wrap_text=True, vertical="top")
    _steps_validations(ws, flow, fields, lang)


def _steps_validations(ws: Worksheet, flow: Flow, fields: list[str], lang: str) -> None:
    ja = lang == "ja"
    last = max(TEMPLATE_ROWS, len(flow.steps) + 50)
    modes = list(MODE_JA.values()) if ja else ["manual", "auto", "batch"]
    _list_validation(ws, fields.index("mode") + 1, modes, last, True, "方式" if ja else "mode")
    _list_validation(ws, fields.index("emotion") + 1, ["-2", "-1", "0", "1", "2"], last, True, "感情" if ja else "emotion")
    lanes = [lane.name for lane in flow.lanes] or (["お客様", "受注", "物流", "CS"] if ja else ["customer", "orders", "logistics", "CS"])
    if not any(lane.kind == "customer" for lane in flow.lanes):
        lanes = ["お客様" if ja else "customer", *[x for x in lanes if x not in ("お客様", "customer")]]
    _list_validation(ws, fields.index("lane") + 1, lanes, last, False, "レーン" if ja else "lane")


def _owners_sheet(wb: Workbook, flow: Flow, lang: str) -> None:
    ja = lang == "ja"
    wo = wb.create_sheet("担当者" if ja else "Owners")
    ofields = list(COLUMNS["owners"])
    append_row(wo, [header("owners", f, lang) for f in ofields])
    for o in flow.owners:
        append_row(wo, [
            o.name, o.lane or None, KIND_JA[o.kind] if ja else o.kind, o.headcount,
            o.hours.text() if o.hours else None, days_text(o.days, lang) if o.days is not None else None,
            _num(o.cost) if o.cost else None,
        ])
    _style_header(wo, len(ofields), lang)
    for i, w in enumerate((18, 14, 10, 8, 14, 12, 10), start=1):
        wo.column_dimensions[get_column_letter(i)].width = w * _width(lang)
    kinds = list(KIND_JA.values()) if ja else ["person", "team", "system"]
    _list_validation(wo, 3, kinds, max(TEMPLATE_ROWS, len(flow.owners) + 50), True, "種別" if ja else "kind")


def _tools_sheet(wb: Workbook, flow: Flow, lang: str) -> None:
    ja = lang == "ja"
    wt = wb.create_sheet("ツール" if ja else "Tools")
    append_row(wt, [header("tools", f, lang) for f in COLUMNS["tools"]])
    for t in flow.tools:
        append_row(wt, [t.name, CATEGORY_JA[t.category] if ja else t.category, t.delay.text() if t.delay else None])
    _style_header(wt, 3, lang)
    for i, w in enumerate((22, 14, 12), start=1):
        wt.column_dimensions[get_column_letter(i)].width = w * _width(lang)
    cats = list(CATEGORY_JA.values()) if ja else list(CATEGORY_JA)
    _list_validation(wt, 2, cats, max(TEMPLATE_ROWS, len(flow.tools) + 50), True, "分類" if ja else "category")


def _settings_rows(flow: Flow, blank: bool) -> list[tuple[str, Any]]:
    st = flow.settings
    rows: list[tuple[str, Any]] = [] if blank else [("name", flow.name), ("language", flow.language)]
    rows += [
        ("orders_per_day", _num(st.orders_per_day)), ("days", st.days), ("seed", st.seed),
        ("replications", st.replications), ("currency", st.currency), ("holidays", st.holidays),
    ]
    if st.start is not None:
        rows.append(("start", st.start.isoformat()))
    if st.closed:
        rows.append(("closed", ", ".join(d.isoformat() for d in st.closed)))
    if st.hourly_profile:
        rows.append(("hourly_profile", ", ".join(decimal_text(w) for w in st.hourly_profile)))
    if st.weekday_profile:
        rows.append(("weekday_profile", ", ".join(decimal_text(w) for w in st.weekday_profile)))
    if st.milestones:
        from ..milestones import milestones_text

        rows.append(("milestones", milestones_text(st.milestones)))
    rows += [("overload", _num(st.overload)), ("underload", _num(st.underload)),
             ("scatter_tools", st.scatter_tools), ("automation_minutes", _num(st.automation_minutes))]
    return rows


def _settings_sheet(wb: Workbook, flow: Flow, lang: str, blank: bool) -> None:
    ja = lang == "ja"
    wsn = wb.create_sheet("設定" if ja else "Settings")
    append_row(wsn, ["項目", "値"] if ja else ["key", "value"])
    for k, v in _settings_rows(flow, blank):
        append_row(wsn, [SETTINGS_KEYS[k][1] if ja else k, v])
    _style_header(wsn, 2, lang)
    wsn.column_dimensions["A"].width = 26
    wsn.column_dimensions["B"].width = 30


def _howto_sheet(wb: Workbook, lang: str) -> None:
    wh = wb.create_sheet("使い方" if lang == "ja" else "How to")
    for line in HOWTO["ja" if lang == "ja" else "en"]:
        append_row(wh, [line])
    wh["A1"].font = Font(bold=True, size=14)
    wh.column_dimensions["A"].width = 120


def write_workbook(flow: Flow, path: str | Path, lang: str | None = None, *, blank: bool = False) -> None:
    """Write ``flow`` to ``path`` atomically. ``blank`` writes headers and drop-downs only.

    Every text is written as a string cell (never a formula), every number so that it reads back.
    """
    lang = lang or flow.language
    wb = Workbook()
    _steps_sheet(wb, flow, lang)
    _owners_sheet(wb, flow, lang)
    _tools_sheet(wb, flow, lang)
    _settings_sheet(wb, flow, lang, blank)
    _howto_sheet(wb, lang)
    save_workbook(wb, path)  # text cells never become formulas

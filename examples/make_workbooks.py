"""Build the example workbooks as an operations lead would lay them out by hand.

    python examples/make_workbooks.py

Writes ``examples/ec_order_ja.xlsx`` (title rows, merged lane cells, Japanese
headers in a hand-made order, durations written as 3〜15分) and
``examples/ec_order_en.xlsx`` from the bundled models.  tests/test_examples.py
checks that both import to the same flow as the models they come from.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

import flowmap
from flowmap.milestones import milestones_text
from flowmap.model import END, Flow, days_text

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent / "models"

JA_HEADERS = ["No.", "段階", "主体", "業務名", "担当", "使用ツール", "手動/自動", "作業時間", "次工程",
              "参照データ", "入力項目", "顧客接点", "顧客感情", "課題", "実行タイミング", "メモ", "改善アイデア"]
EN_HEADERS = ["#", "Stage", "Lane", "Task", "Owner", "Tools", "Mode", "Time", "Goes to",
              "Looks up", "Enters", "Touchpoint", "Feeling", "Pain point", "Schedule", "Comment", "Idea"]
IDEAS = {"O3": ("翌日バッチで自動引当にしたい", "nightly batch allocation"),
         "K4": ("電話口で顧客管理システムに直接入力", "enter straight into the CRM on the call")}


def _minutes_ja(text: str) -> str:
    if "-" in text and "(" not in text:
        lo, hi = text.split("-")
        return f"{lo}〜{hi}分"
    try:
        m = float(text)
    except ValueError:
        return text
    if m >= 1440 and m % 1440 == 0:
        return f"{int(m // 1440)}日"
    if m >= 60:
        h, r = divmod(m, 60)
        return f"{int(h)}時間{int(r)}分" if r else f"{int(h)}時間"
    if m < 1:
        return f"{round(m * 60)}秒"
    return f"{m:g}分"


def _step_rows(flow: Flow, ja: bool) -> list[list[object]]:
    edges = flow.out_edges()
    rows: list[list[object]] = []
    mode_ja = {"manual": "手動", "auto": "自動", "batch": "バッチ"}
    for s in flow.steps:
        es = edges.get(s.id, [])
        if not es:
            nxt = "終了" if ja else "END"
        else:
            parts = []
            for e in es:
                t = "終了" if (ja and e.target == END) else e.target
                parts.append(t if e.probability == 1 else (f"{t} ({e.probability * 100:g}%)" if ja else f"{t}:{e.probability:g}"))
            nxt = "、".join(parts) if ja else ", ".join(parts)
        dur = s.duration.text()
        if ja:
            dur = _minutes_ja(dur) if s.duration.kind in ("fixed", "uniform") else dur
        idea = IDEAS.get(s.id, ("", ""))[0 if ja else 1]
        sep = "、" if ja else ", "
        rows.append([
            s.id, s.stage or None, s.lane, s.name, sep.join(s.owners) or None, sep.join(s.tools) or None,
            mode_ja[s.mode] if ja else s.mode, dur, nxt, sep.join(s.reads) or None, sep.join(s.writes) or None,
            s.touchpoint or None, s.emotion, s.pain or None, s.batch.text("ja" if ja else "en") if s.batch else None,
            s.note or None, idea or None,
        ])
    return rows


def build(model: str, out: Path, ja: bool) -> None:
    flow = flowmap.load(MODELS / model)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "業務フロー" if ja else "Flow"
    headers = JA_HEADERS if ja else EN_HEADERS
    ws.append([f"{flow.name}　業務フロー図" if ja else f"{flow.name}: business flow"])
    ws.append(["作成: 業務改善チーム 2026年11月" if ja else "Prepared by operations, Nov 2026"])
    ws.append([])
    ws.append(headers)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 26
    thin = Side(style="thin", color="999999")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for c in range(1, len(headers) + 1):
        cell = ws.cell(row=4, column=c)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    rows = _step_rows(flow, ja)
    for row in rows:
        ws.append(row)
    # merge runs of the same lane (column C) and stage (column B), as leads do by hand
    first = 5
    for col in (2, 3):
        start = first
        for r in range(first + 1, first + len(rows) + 1):
            prev = ws.cell(row=start, column=col).value
            cur = ws.cell(row=r, column=col).value if r < first + len(rows) else object()
            if cur != prev:
                if r - 1 > start and prev is not None:
                    ws.merge_cells(start_row=start, start_column=col, end_row=r - 1, end_column=col)
                    ws.cell(row=start, column=col).alignment = Alignment(vertical="center")
                start = r
    widths = [6, 8, 10, 44, 16, 30, 9, 11, 18, 24, 26, 16, 8, 34, 14, 30, 26]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = w
    ws.freeze_panes = "E5"

    wo = wb.create_sheet("体制" if ja else "Owners")
    wo.append(["担当者一覧" if ja else "Who works on the flow"])
    wo.append(["担当者", "所属", "人数", "勤務時間", "勤務日", "時給", "種別"] if ja else
              ["Owner", "Department", "Staff", "Shift", "Workdays", "Hourly cost", "Kind"])
    kind_ja = {"person": "人", "team": "チーム", "system": "システム"}
    for o in flow.owners:
        wo.append([o.name, o.lane, o.headcount, o.hours.text().replace("-", "〜") if (o.hours and ja) else (o.hours.text() if o.hours else None),
                   days_text(o.days, "ja" if ja else "en") if o.days is not None else None, o.cost or None,
                   kind_ja[o.kind] if ja else o.kind])
    wt = wb.create_sheet("ツール" if ja else "Tools")
    wt.append(["ツール名", "分類", "連絡遅延"] if ja else ["Tool", "Category", "Delay"])
    cat_ja = {"communication": "連絡", "record": "記録", "commerce": "受注", "logistics": "物流", "payment": "決済", "other": "その他"}
    for t in flow.tools:
        wt.append([t.name, cat_ja[t.category] if ja else t.category, t.delay.text() if t.delay else None])
    st = flow.settings
    wsn = wb.create_sheet("設定" if ja else "Settings")
    wsn.append(["シミュレーション条件" if ja else "Simulation settings"])
    wsn.append(["項目", "値"] if ja else ["key", "value"])
    pairs = [("1日の受注件数", "orders_per_day", st.orders_per_day), ("日数", "days", st.days),
             ("乱数シード", "seed", st.seed), ("反復回数", "replications", st.replications),
             ("通貨", "currency", st.currency), ("祝日", "holidays", st.holidays)]
    if st.milestones:
        pairs.append(("区間", "milestones", milestones_text(st.milestones)))
    for kj, ke, v in pairs:
        wsn.append([kj if ja else ke, v])
    wb.save(out)


def main() -> None:
    build("ec_order_asis.yaml", HERE / "ec_order_ja.xlsx", ja=True)
    build("ec_order_asis_en.yaml", HERE / "ec_order_en.xlsx", ja=False)
    build("ec_order_tobe.yaml", HERE / "ec_order_tobe_ja.xlsx", ja=True)
    print(f"wrote {HERE / 'ec_order_ja.xlsx'}, {HERE / 'ec_order_en.xlsx'} and {HERE / 'ec_order_tobe_ja.xlsx'}")


if __name__ == "__main__":
    main()

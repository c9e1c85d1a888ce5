from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

import flowmap
from flowmap.errors import InputError
from flowmap.io import excel as excel_mod
from flowmap.io import load_flow
from flowmap.model import END

from .conftest import STEPS_JA, set_cached_values

Build = Callable[..., Path]


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as e:
        flowmap.load(path)
    return [p.text() for p in e.value.problems]


def test_basic_japanese_workbook(wb: Build) -> None:
    flow = flowmap.load(wb({"工程": STEPS_JA}))
    assert flow.language == "ja"
    assert [s.id for s in flow.steps] == ["C1", "O1", "O2"]
    assert [(la.name, la.kind) for la in flow.lanes] == [("お客様", "customer"), ("受注", "operator"), ("物流", "operator")]
    o1 = flow.step_map()["O1"]
    assert o1.tools == ["受注管理システム", "メール"]
    assert o1.duration.mean == 5
    assert flow.step_map()["O2"].duration.kind == "uniform"
    assert [(e.source, e.target) for e in flow.edges] == [("C1", "O1"), ("O1", "O2")]
    # tools named only in steps are created; well-known names get their category
    assert flow.tool_map()["メール"].category == "communication"


def test_title_rows_merged_cells_aliases_unknown_columns(wb: Build) -> None:
    rows = [
        ["受注業務フロー 2026年版"],
        ["作成日", "2026/11/01"],
        [],
        ["No.", "業務名", "主体", "担当", "使用ツール", "作業時間（分）", "遷移先", "改善メモ"],
        ["1", "商品を選ぶ", "顧客", None, "サイト", "3〜5分", "2", None],
        ["2", "注文を確定", None, None, "カート", "1", "3", "入力が多い"],
        ["3", "受注確認", "受注", "佐藤", "受注管理", "0:05:00", "終了", None],
    ]
    path = wb({"業務フロー": rows, "メモ": [["関係ない"]]}, merges={"業務フロー": ["A1:F1", "C5:C6"]})
    flow = flowmap.load(path)
    assert flow.name == "受注業務フロー 2026年版"
    assert [s.lane for s in flow.steps] == ["顧客", "顧客", "受注"]
    assert flow.lanes[0].kind == "customer"
    assert flow.step_map()["2"].extra == {"改善メモ": "入力が多い"}
    assert flow.step_map()["3"].duration.mean == 5


def test_english_workbook_with_owners_tools_settings(wb: Build) -> None:
    steps = [
        ["ID", "Task", "Lane", "Owner", "Tools", "Mode", "Duration", "Next", "Writes", "Batch"],
        ["S1", "Order", "buyer", "", "cart", "", "2", "S2", "", ""],
        ["S2", "Allocate stock", "Ops", "system", "WMS", "batch", "1", "S3:0.9, S4", "", "daily 9:00, 15:00"],
        ["S3", "Ship", "Ops", "Ann", "", "", "5m", "", "tracking no", ""],
        ["S4", "Back order", "Ops", "Ann", "Mail", "", "exp(10)", "END", "", ""],
    ]
    owners = [["Name", "Department", "Headcount", "Hours", "Days", "Cost"], ["Ann", "Ops", 2, "8:00-17:00", "Mon-Sat", 1500]]
    tools = [["Tool", "Category", "Delay"], ["Mail", "communication", "exp(60)"], ["WMS", "logistics", None]]
    settings = [["Simulation"], ["key", "value"], ["orders_per_day", 250], ["days", 10], ["seed", 7]]
    flow = flowmap.load(wb({"Steps": steps, "Owners": owners, "Tools": tools, "Settings": settings}))
    assert flow.language == "en"
    assert flow.settings.orders_per_day == 250 and flow.settings.days == 10 and flow.settings.seed == 7
    s2 = flow.step_map()["S2"]
    assert s2.mode == "batch" and s2.batch is not None and s2.batch.times == [540, 900]
    assert flow.owner_map()["system"].is_system
    ann = flow.owner_map()["Ann"]
    assert ann.headcount == 2 and ann.work_hours.start == 480 and ann.work_days == [0, 1, 2, 3, 4, 5]
    probs = {(e.source, e.target): e.probability for e in flow.edges}
    assert probs[("S2", "S3")] == pytest.approx(0.9) and probs[("S2", "S4")] == pytest.approx(0.1)
    assert ("S3", END) not in probs  # blank next ends the flow
    assert flow.tool_map()["Mail"].delay is not None


def test_single_sheet_is_the_steps_sheet_and_next_column_absent_chains(wb: Build) -> None:
    rows = [["name", "lane", "owner", "duration"], ["a", "customer", "", 1], ["b", "ops", "Ann", 2], ["c", "ops", "Ann", 3]]
    flow = flowmap.load(wb({"Sheet1": rows}))
    assert [s.id for s in flow.steps] == ["S1", "S2", "S3"]
    assert [(e.source, e.target) for e in flow.edges] == [("S1", "S2"), ("S2", "S3")]


def test_cached_formula_values_are_read(tmp_path: Path) -> None:
    w = Workbook()
    ws = w.active
    assert ws is not None
    ws.title = "Steps"
    ws.append(["id", "name", "lane", "duration", "owner"])
    ws.append(["S1", "a", "ops", "=2+3", "Ann"])
    path = tmp_path / "f.xlsx"
    w.save(path)
    assert any("open the file in Excel" in p for p in problems(path))
    assert any(":Steps!D2" in p for p in problems(path))
    set_cached_values(path, {"D2": "5"})
    assert flowmap.load(path).steps[0].duration.mean == 5


def test_all_problems_of_a_file_at_once_with_cells(wb: Build) -> None:
    rows = [
        ["番号", "工程名", "レーン", "担当者", "所要時間", "次工程", "方式", "バッチ条件"],
        ["S1", "受付", "受注", "佐藤", "5分", "S2:0.5, S3:0.4", "", ""],
        ["S2", "確認", "受注", "佐藤", "たぶん5分", "S9", "", ""],
        ["S2", "重複", "受注", "佐藤", "1", "終了", "", ""],
        ["S3", "引当", "受注", "システム", "1", "終了", "バッチ", ""],
        ["S4", "孤立", "受注", "佐藤", "1", "終了", "", ""],
    ]
    path = wb({"工程": rows}, name="bad.xlsx")
    msgs = problems(path)
    text = "\n".join(msgs)
    assert "bad.xlsx:工程!F2" in text and "sum to 0.9" in text  # probabilities
    assert "bad.xlsx:工程!E3" in text and "たぶん5分" in text  # duration
    assert "bad.xlsx:工程!F3" in text and "S9" in text  # unknown next
    assert "bad.xlsx:工程!A4" in text and "used twice" in text  # duplicated id
    assert "bad.xlsx:工程!H5" in text and "no schedule" in text  # batch without schedule


def test_unreachable_step(wb: Build) -> None:
    rows = [["id", "name", "lane", "next", "owner", "duration"], ["S1", "a", "ops", "S2", "Ann", 1],
            ["S2", "b", "ops", "", "Ann", 1], ["S3", "c", "ops", "S2", "Ann", 1]]
    msgs = problems(wb({"Steps": rows}, name="u.xlsx"))
    assert msgs == [msgs[0]] and "u.xlsx:Steps!A4" in msgs[0] and "cannot be reached" in msgs[0]


def test_unknown_owner_suggests_nearest(wb: Build) -> None:
    steps = [["id", "name", "lane", "owner", "duration"], ["S1", "buy", "customer", "Someone", 1],
             ["S2", "check", "ops", "受注チームA", 2]]
    owners = [["name", "lane"], ["受注チーム", "ops"]]
    msgs = problems(wb({"Steps": steps, "Owners": owners}, name="o.xlsx"))
    assert len(msgs) == 1  # the customer needs no Owners row
    assert "o.xlsx:Steps!D3" in msgs[0] and "受注チーム" in msgs[0] and "did you mean" in msgs[0]


def test_unknown_next_name_suggests(wb: Build) -> None:
    rows = [["id", "name", "lane", "next"], ["S1", "受付", "ops", "確認作業"], ["S2", "確認作業X", "ops", ""]]
    msgs = problems(wb({"Steps": rows}))
    assert any("確認作業X" in m and "did you mean" in m for m in msgs)


def test_unknown_setting_lists_known_keys(wb: Build) -> None:
    path = wb({"Steps": [["id", "name", "lane"], ["S1", "a", "ops"]], "Settings": [["key", "value"], ["speed", 3]]}, name="s.xlsx")
    msgs = problems(path)
    assert "s.xlsx:Settings!A2" in msgs[0] and "orders_per_day" in msgs[0]


def test_no_steps_sheet_lists_sheets(wb: Build) -> None:
    msgs = problems(wb({"Foo": [["a"]], "Bar": [["b"]]}, name="n.xlsx"))
    assert "Foo, Bar" in msgs[0] and "Steps" in msgs[0]


def test_not_an_xlsx(tmp_path: Path) -> None:
    csv = tmp_path / "flow.xlsx"
    csv.write_text("id,name\nS1,a\n", encoding="utf-8")
    assert "CSV" in problems(csv)[0]
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert ".xls" in problems(xls)[0]
    enc = tmp_path / "locked.xlsx"
    enc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600)
    assert "password" in problems(enc)[0]
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04garbage" * 10)
    assert "corrupt" in problems(corrupt)[0]
    missing = tmp_path / "missing.xlsx"
    assert "not found" in problems(missing)[0]


def test_size_caps(wb: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["id", "name", "lane"]] + [[f"S{i}", f"step {i}", "ops"] for i in range(1, 30)]
    path = wb({"Steps": rows})
    monkeypatch.setattr(excel_mod, "MAX_ROWS", 10)
    assert "limit of 10" in problems(path)[0] or "more than 10" in problems(path)[0]
    monkeypatch.setattr(excel_mod, "MAX_ROWS", 100_000)
    monkeypatch.setattr(excel_mod, "MAX_UNCOMPRESSED_BYTES", 1000)
    assert "MiB" in problems(path)[0]


def test_owner_and_tool_sheet_problems(wb: Build) -> None:
    steps = [["id", "name", "lane", "owner", "duration"], ["S1", "a", "ops", "Ann", 1]]
    owners = [["name", "headcount", "hours", "days", "kind"], ["Ann", 0, "18:00-9:00", "someday", "robot"],
              ["Ann", 1, None, None, None], [None, 2, None, None, None]]
    tools = [["tool", "category", "delay"], ["Mail", "pigeon", "soon"]]
    msgs = problems(wb({"Steps": steps, "Owners": owners, "Tools": tools}, name="ow.xlsx"))
    text = "\n".join(msgs)
    assert "ow.xlsx:Owners!B2" in text and "headcount" in text
    assert "ow.xlsx:Owners!C2" in text and "18:00-9:00" in text
    assert "ow.xlsx:Owners!D2" in text and "someday" in text
    assert "ow.xlsx:Owners!E2" in text and "robot" in text
    assert "ow.xlsx:Owners!A3" in text and "used twice" in text and "Owners!A2" in text
    assert "ow.xlsx:Owners!A4" in text and "owner name is empty" in text
    assert "ow.xlsx:Tools!B2" in text and "pigeon" in text
    assert "ow.xlsx:Tools!C2" in text and "soon" in text


def test_marks_and_excel_times(wb: Build) -> None:
    import datetime as dt

    rows = [
        ["番号", "工程名", "レーン", "担当者", "自動化", "バッチ", "所要時間"],
        ["S1", "受付", "受注", "佐藤", "", "", dt.datetime(1899, 12, 30, 0, 5)],
        ["S2", "通知", "受注", "", "○", "×", dt.time(0, 0, 30)],
        ["S3", "引当", "受注", "", "", "✓", 1],
        ["S4", "確認", "受注", "佐藤", "たぶん", "", 1],
    ]
    msgs = problems(wb({"工程": rows}, name="m.xlsx"))
    assert any("m.xlsx:工程!E5" in m and "たぶん" in m for m in msgs)
    assert any("m.xlsx:工程!F4" in m and "no schedule" in m for m in msgs)  # batch marked, schedule missing
    rows[3][5] = "毎日 2:00"
    rows[4][4] = "-"
    flow = flowmap.load(wb({"工程": rows}))
    modes = {s.id: s.mode for s in flow.steps}
    assert modes == {"S1": "manual", "S2": "auto", "S3": "batch", "S4": "manual"}
    assert flow.step_map()["S1"].duration.mean == pytest.approx(5)
    assert flow.step_map()["S2"].duration.mean == pytest.approx(0.5)


# ------------------------------------------------------------------ reading as a new user writes


def test_tool_categories_are_guessed_from_names_and_shown(wb: Build, cli: Callable[..., Any]) -> None:
    rows = [["番号", "工程名", "レーン", "担当者", "ツール", "所要時間", "次工程"],
            ["S1", "受注を転記", "受注", "佐藤", "Excel受注表", "5分", "S2"],
            ["S2", "クレーム記録", "CS", "鈴木", "クレーム管理表、5W1Hシート", "5分", "S3"],
            ["S3", "台帳に記入", "CS", "鈴木", "顧客台帳", "5分", "S4"],
            ["S4", "返信", "CS", "鈴木", "メール", "5分", "終了"]]
    path = wb({"工程": rows}, name="guess.xlsx")
    flow = flowmap.load(path)
    cats = {t.name: t.category for t in flow.tool_map().values()}
    assert cats == {"Excel受注表": "record", "クレーム管理表": "record", "5W1Hシート": "record", "顧客台帳": "record",
                    "メール": "communication"}
    r = cli("validate", path, "--lang", "en")
    assert r.exit_code == 0
    assert "guess.xlsx:工程!E2: tool 'Excel受注表': category guessed from its name: record" in r.output
    assert r.output.count("category guessed") == 5


def test_step_names_with_list_separators_in_next(wb: Build) -> None:
    rows = [["番号", "工程名", "レーン", "担当者", "所要時間", "次工程"],
            ["S1", "受付", "受注", "佐藤", 5, "梱包・発送"],
            ["S2", "梱包・発送", "物流", "田中", 5, "検品・確認:0.9, 終了:0.1"],
            ["S3", "検品・確認", "物流", "田中", 5, "終了"]]
    flow = flowmap.load(wb({"工程": rows}))
    assert {(e.source, e.target, round(e.probability, 3)) for e in flow.edges} == {
        ("S1", "S2", 1.0), ("S2", "S3", 0.9), ("S2", END, 0.1)}


def test_blank_owner_and_duration_are_problems_unless_allowed(wb: Build, cli: Callable[..., Any]) -> None:
    rows = [["番号", "工程名", "レーン", "担当者", "所要時間", "次工程"],
            ["C1", "注文する", "お客様", "", 2, "O1"],
            ["O1", "受注確認", "受注", "", 5, "O2"],
            ["O2", "出荷", "物流", "田中", None, "O3"],
            ["O3", "通知", "物流", "-", 1, "終了"]]  # '-': nobody in particular, on purpose
    path = wb({"工程": rows}, name="blank.xlsx")
    msgs = problems(path)
    assert len(msgs) == 2
    assert "blank.xlsx:工程!D3" in msgs[0] and "no owner" in msgs[0] and "--allow-missing" in msgs[0]
    assert "blank.xlsx:工程!E4" in msgs[1] and "duration is blank" in msgs[1]
    r = cli("validate", path, "--allow-missing", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "assumed the lane's team '受注' does it" in r.output and "assumed 0 minutes" in r.output
    flow = load_flow(path, allow_missing=True)
    assert flow.step_map()["O1"].owners == ["受注"] and flow.step_map()["O3"].owners == []


def test_rows_that_only_hold_formatting_do_not_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.styles import PatternFill

    w = Workbook()
    ws = w.active
    assert ws is not None
    ws.title = "Steps"
    for row in STEPS_EN:
        ws.append(row)
    ws.cell(row=1_048_576, column=3).fill = PatternFill("solid", fgColor="FFFF00")  # a whole column coloured
    path = tmp_path / "coloured.xlsx"
    w.save(path)
    monkeypatch.setattr(excel_mod, "MAX_ROWS", 4)  # the header and three steps hold data
    assert len(flowmap.load(path).steps) == 3
    monkeypatch.setattr(excel_mod, "MAX_ROWS", 3)
    assert "more than 3 rows" in problems(path)[0]


def test_hidden_sheets_are_named(tmp_path: Path, cli: Callable[..., Any]) -> None:
    w = Workbook()
    ws = w.active
    assert ws is not None
    ws.title = "Steps"
    for row in STEPS_EN:
        ws.append(row)
    w.create_sheet("Old steps").sheet_state = "hidden"
    w.create_sheet("Owners").sheet_state = "veryHidden"
    w["Owners"].append(["name", "headcount"])
    w["Owners"].append(["Ann", 2])
    path = tmp_path / "hidden.xlsx"
    w.save(path)
    r = cli("validate", path, "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "hidden.xlsx:Old steps: the sheet 'Old steps' is hidden in Excel and was not read" in r.output
    assert "hidden.xlsx:Owners: the sheet 'Owners' is hidden in Excel; it was read as the owners sheet" in r.output


STEPS_EN = [["id", "name", "lane", "owner", "duration", "next"],
            ["S1", "order", "customer", "", 2, "S2"],
            ["S2", "check", "ops", "Ann", 5, "S3"],
            ["S3", "ship", "ops", "Ann", 3, "END"]]

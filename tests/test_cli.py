from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

from .conftest import EXAMPLES, MODELS

Run = Callable[..., Result]


def test_template_example_validates_with_dropdowns(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    r = cli("template", out, "--lang", "ja", "--example")
    assert r.exit_code == 0, r.output
    r = cli("validate", out)
    assert r.exit_code == 0 and r.output.startswith("ok: 30 steps, 5 lanes")
    wb = load_workbook(out)
    ws = wb["工程"]
    assert ws.freeze_panes == "A2"
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert any("手動" in f and "バッチ" in f for f in lists)
    assert any("-2" in f and "2" in f for f in lists)
    assert any("お客様" in f for f in lists)
    assert "使い方" in wb.sheetnames


def test_blank_template_en(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    assert cli("template", out, "--lang", "en").exit_code == 0
    wb = load_workbook(out)
    assert [c.value for c in wb["Steps"][1]][:3] == ["id", "name", "lane"]
    r = cli("validate", out)
    assert r.exit_code == 2 and "no steps" in r.output


def test_validate_examples_and_models(cli: Run) -> None:
    for path in (EXAMPLES / "ec_order_ja.xlsx", EXAMPLES / "ec_order_en.xlsx",
                 MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml"):
        r = cli("validate", path)
        assert r.exit_code == 0 and r.output.startswith("ok: "), (path, r.output)


def test_convert_round_trip_is_lossless(cli: Run, tmp_path: Path) -> None:
    y1, x, y2 = tmp_path / "a.yaml", tmp_path / "b.xlsx", tmp_path / "c.yaml"
    assert cli("convert", EXAMPLES / "ec_order_ja.xlsx", "-o", y1).exit_code == 0
    assert cli("convert", y1, "-o", x).exit_code == 0
    assert cli("convert", x, "-o", y2).exit_code == 0
    assert y1.read_text(encoding="utf-8") == y2.read_text(encoding="utf-8")


def test_bad_input_exit_2_no_traceback_no_output(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - {id: S1, name: a, lane: ops, duration: later}\n", encoding="utf-8")
    out = tmp_path / "out.xlsx"
    r = cli("convert", bad, "-o", out, "--lang", "ja")
    assert r.exit_code == 2
    assert "Traceback" not in r.output and f"{bad}:2" in r.output and "所要時間" in r.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temporary file left either


def test_bad_options(cli: Run, tmp_path: Path) -> None:
    r = cli("template", tmp_path / "t.txt")
    assert r.exit_code == 2 and ".xlsx" in r.output
    r = cli("convert", MODELS / "ec_order_asis.yaml", "-o", tmp_path / "x.pdf")
    assert r.exit_code == 2 and ".pdf" in r.output
    r = cli("validate", tmp_path / "nope.xlsx")
    assert r.exit_code == 2 and "not found" in r.output


def test_version(cli: Run) -> None:
    r = cli("--version")
    assert r.exit_code == 0 and "flowmap" in r.output


def test_template_example_en(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    assert cli("template", out, "--lang", "en", "--example").exit_code == 0
    r = cli("validate", out)
    assert r.exit_code == 0 and r.output.strip() == "ok: 30 steps, 5 lanes, 9 owners, 14 tools"
    wb = load_workbook(out)
    assert wb.sheetnames == ["Steps", "Owners", "Tools", "Settings", "How to"]


def test_messages_in_japanese(cli: Run, tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text("steps:\n  - {id: S1, name: 受付, lane: 受注, next: S2}\n  - {id: S2, name: 確認, lane: 受注, next: S9}\n",
                 encoding="utf-8")
    r = cli("validate", p, "--lang", "ja")
    assert r.exit_code == 2 and "エラー:" in r.output and "次工程「S9」が存在しません" in r.output



def test_errors_of_a_japanese_workbook_are_in_japanese(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from .conftest import make_workbook

    for var in ("LANG", "LC_ALL", "LC_MESSAGES", "FLOWMAP_LANG"):
        monkeypatch.delenv(var, raising=False)
    book = make_workbook(tmp_path / "f.xlsx", {"工程": [["番号", "工程名", "レーン", "所要時間"], ["S1", "受付", "受注", "いつか"]]})
    r = cli("validate", book)
    assert r.exit_code == 2 and "所要時間「いつか」が読めません" in r.output and "f.xlsx:工程!D2" in r.output
    r = cli("validate", book, "--lang", "en")
    assert "duration 'いつか' cannot be read" in r.output


def test_every_wrote_line_is_on_stderr_and_stdout_keeps_the_output(cli: Run, tmp_path: Path) -> None:
    """Each command that writes a file says so on stderr only, so its stdout can be piped."""
    asis, tobe = MODELS / "ec_order_asis.yaml", MODELS / "ec_order_tobe.yaml"
    log = tmp_path / "events.csv"
    run = ["--days", "1", "--replications", "1"]
    calls: list[list[object]] = [
        ["template", tmp_path / "t.xlsx"],
        ["convert", asis, "-o", tmp_path / "c.json"],
        ["analyze", asis, "-o", tmp_path / "a.md", "--format", "markdown"],
        ["analyze", asis, "-o", tmp_path / "a.xlsx", "--format", "xlsx"],
        ["simulate", asis, *run, "-o", tmp_path / "s.json", "--format", "json", "--events", log],
        ["view", asis, "-o", tmp_path / "v.html"],
        ["report", asis, "--no-simulate", "-o", tmp_path / "r.html"],
        ["compare", asis, tobe, "--no-sim", "-o", tmp_path / "cmp.md", "--format", "markdown"],
        ["sweep", asis, "--vary", "orders_per_day=50,100", *run, "-o", tmp_path / "sw.json", "--format", "json"],
        ["discover", log, "-o", tmp_path / "d.yaml", "--no-tune"],
        ["calibrate", asis, log, "-o", tmp_path / "cal.yaml"],
        ["check", asis, log, "--no-sim", "-o", tmp_path / "chk.md", "--format", "markdown"],
    ]
    for lang, word in (("en", "wrote "), ("ja", "を書き出しました")):
        for args in calls:
            written = [a for a in args if isinstance(a, Path) and a.parent == tmp_path and (a != log or args[0] == "simulate")]
            for p in written:
                p.unlink(missing_ok=True)
            r = cli(*args, "--lang", lang)
            assert r.exit_code == 0, (args, r.output)
            assert word not in r.stdout, (args, r.stdout)
            said = [line for line in r.stderr.splitlines() if word in line]
            # one status line per written file ("wrote FILE" / "FILE を書き出しました", discover and calibrate add counts)
            assert len(said) == len(written) and all(any(str(p) in line for line in said) for p in written), (args, r.stderr)

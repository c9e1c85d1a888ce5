"""Rendering findings: an analyzer registered from outside the package shows up in
every output format in both languages; words are made at render time; a terminal
shows a capped list; the README's tables are the analyzers' declarations."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from openpyxl import load_workbook

import flowmap
from flowmap.analyze import (
    AnalyzerSpec,
    Finding,
    Grade,
    NotApplicable,
    Threshold,
    Words,
    registered,
    run_analysis,
)
from flowmap.analyze._base import Context, Params
from flowmap.analyze._spec import num
from flowmap.analyze.doc import reasons_table, severity_table, thresholds_table
from flowmap.render.analysis import to_text

from .conftest import MODELS, ROOT

Run = Callable[..., Result]

LONG = Threshold("long_step_minutes", 20, "a step longer than this many minutes", "この分数より長い工程")


def _long_steps(ctx: Context) -> list[Finding]:
    limit = ctx.threshold(LONG.key)
    if limit <= 0:
        raise NotApplicable("long_steps.no_limit", {"limit": limit, "steps": len(ctx.flow.steps)})
    out = []
    for s in ctx.flow.steps:
        if s.duration.mean > limit:
            p: Params = {"step": s.id, "step_name": s.name, "minutes": round(s.duration.mean, 1), "limit": limit}
            out.append(Finding(analyzer="long_steps", code="long_steps.long", key=f"long_steps:{s.id}",
                               severity="high" if num(p, "minutes") > 2 * limit else "low", params=p, steps=[s.id]))
    return out


SPEC = AnalyzerSpec(
    name="long_steps", labels={"en": "long steps", "ja": "長い工程"}, run=_long_steps,
    codes={"long_steps.long": (Grade("high", "over twice the limit", "上限の 2 倍超", lambda p: num(p, "minutes") > 2 * num(p, "limit")),
                               Grade("low", "over the limit", "上限超"))},
    messages={"en": {"long_steps.long": Words("PLUGIN-EN {step} takes {minutes:g} min", "{step_name} is long.", "Split it.")},
              "ja": {"long_steps.long": Words("プラグイン-JA {step} は {minutes:g} 分", "{step_name} が長い。", "分割します。")}},
    thresholds=(LONG,),
    reasons={"en": {"long_steps.no_limit": "REASON-EN a limit of {limit:g} min would flag all {steps} steps"},
             "ja": {"long_steps.no_limit": "理由-JA 上限 {limit:g} 分では {steps} 工程すべてが該当します"}},
)


def test_an_analyzer_registered_from_a_test_appears_in_every_format_and_language(cli: Run, tmp_path: Path) -> None:
    asis = MODELS / "ec_order_asis.yaml"
    with registered(SPEC):
        for lang, title, label in (("en", "PLUGIN-EN", "long steps"), ("ja", "プラグイン-JA", "長い工程")):
            text = cli("analyze", asis, "--lang", lang, "--all", "--only", "long_steps").output
            assert title in text and label in text
            data = json.loads(cli("analyze", asis, "--lang", lang, "--format", "json").output)
            mine = [f for f in data["findings"] if f["analyzer"] == "long_steps"]
            assert mine and all(f["code"] == "long_steps.long" and f["title"].startswith(title) for f in mine)
            md = cli("analyze", asis, "--lang", lang, "--format", "markdown").output
            assert title in md and label in md
            book = tmp_path / f"a_{lang}.xlsx"
            assert cli("analyze", asis, "--lang", lang, "--format", "xlsx", "-o", book).exit_code == 0
            cells = {str(c) for row in load_workbook(book).worksheets[0].iter_rows(values_only=True) for c in row}
            assert any(c.startswith(title) for c in cells) and label in cells
            page = tmp_path / f"r_{lang}.html"
            assert cli("report", asis, "--lang", lang, "--no-simulate", "-o", page).exit_code == 0
            table = page.read_text(encoding="utf-8").split('id="fm-findings"', 1)[1].split("</table>", 1)[0]
            assert title in table and label in table
        # its threshold is a --config key like the bundled ones
        cfg = tmp_path / "c.yaml"
        cfg.write_text("long_step_minutes: 1000000\n", encoding="utf-8")
        data = json.loads(cli("analyze", asis, "--format", "json", "--config", cfg).output)
        assert not [f for f in data["findings"] if f["analyzer"] == "long_steps"]
        assert "long_step_minutes" in thresholds_table() and "long_steps.long" in severity_table()
        assert "long_steps.no_limit" in reasons_table() and "理由-JA" in reasons_table("ja")
    assert "long_steps" not in thresholds_table()  # unregistered again


def _outputs(cli: Run, tmp_path: Path, flow: Path, lang: str, *extra: object) -> dict[str, str]:
    """The analysis of ``flow`` in every format, as text (xlsx: every cell of every sheet; HTML: the page)."""
    out = {fmt: cli("analyze", flow, "--lang", lang, "--format", fmt, *extra).output for fmt in ("text", "json", "markdown")}
    book = tmp_path / f"a_{lang}.xlsx"
    assert cli("analyze", flow, "--lang", lang, "--format", "xlsx", "-o", book, *extra).exit_code == 0
    out["xlsx"] = "\n".join(str(c) for ws in load_workbook(book).worksheets for row in ws.iter_rows(values_only=True) for c in row)
    page = tmp_path / f"r_{lang}.html"
    assert cli("report", flow, "--lang", lang, "--no-simulate", "-o", page, *extra).exit_code == 0
    out["html"] = page.read_text(encoding="utf-8")
    return out


def test_why_a_registered_analyzer_could_not_run_is_worded_in_every_format_and_language(cli: Run, tmp_path: Path) -> None:
    asis = MODELS / "ec_order_asis.yaml"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("long_step_minutes: 0\n", encoding="utf-8")
    steps = len(flowmap.load(asis).steps)
    with registered(SPEC):
        for lang, why, label in (("en", f"REASON-EN a limit of 0 min would flag all {steps} steps", "long steps"),
                                 ("ja", f"理由-JA 上限 0 分では {steps} 工程すべてが該当します", "長い工程")):
            out = _outputs(cli, tmp_path, asis, lang, "--config", cfg)
            for fmt, text in out.items():
                assert why in text and (label if fmt != "json" else '"long_steps"') in text, fmt
            data = json.loads(out["json"])
            assert data["skipped"] == [{"analyzer": "long_steps", "reason": why, "code": "long_steps.no_limit",
                                        "params": {"limit": 0.0, "steps": steps}}]
            assert not [f for f in data["findings"] if f["analyzer"] == "long_steps"]


def test_an_undeclared_reason_is_a_bug_of_the_analyzer_not_a_silent_skip() -> None:
    def _refuses(ctx: Context) -> list[Finding]:
        raise NotApplicable("long_steps.made_up")

    spec = AnalyzerSpec(name="long_steps", labels=SPEC.labels, run=_refuses, codes=SPEC.codes, messages=SPEC.messages,
                        reasons=SPEC.reasons)
    with registered(spec):
        try:
            run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml"), only=["long_steps"])
        except ValueError as e:
            assert "long_steps.made_up" in str(e)
        else:
            raise AssertionError("an undeclared reason code was accepted")
    for bad in ({"en": {"long_steps.x": "x"}}, {"en": {"other.x": "x"}, "ja": {"other.x": "x"}},
                {"en": {"long_steps.long": "x"}, "ja": {"long_steps.long": "x"}}):
        try:
            AnalyzerSpec(name="long_steps", labels=SPEC.labels, run=_refuses, codes=SPEC.codes, messages=SPEC.messages,
                         reasons=bad)
        except ValueError:
            continue
        raise AssertionError(f"reasons {bad} were accepted")


def test_switching_language_changes_only_the_words() -> None:
    a = run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml"), lang="ja")
    b = a.in_lang("en")
    ja, en = a.to_dict(), b.to_dict()
    for x, y in zip(ja["findings"], en["findings"], strict=True):
        assert {k: v for k, v in x.items() if k not in ("title", "message", "suggestion")} == \
               {k: v for k, v in y.items() if k not in ("title", "message", "suggestion")}
        assert x["title"] != y["title"]


def test_a_terminal_shows_the_first_findings_of_each_severity_then_a_count() -> None:
    a = run_analysis(flowmap.load(MODELS / "ec_order_asis.yaml"), lang="en")
    medium = [f for f in a.findings if f.severity == "medium"]
    assert len(medium) > 3
    capped = to_text(a, limit=3)
    assert medium[2].title in capped and medium[3].title not in capped
    assert f"and {len(medium) - 3} more medium findings" in capped
    full = to_text(a)
    assert all(f.title in full for f in a.findings) and "more medium" not in full


def test_readme_tables_are_the_analyzers_declarations() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, table in (("severity-table", severity_table()), ("thresholds-table", thresholds_table()),
                        ("reasons-table", reasons_table())):
        m = re.search(f"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", readme, re.S)
        assert m, f"README.md lacks the {name} markers"
        assert m.group(1) == table, f"README.md {name} differs from the code: regenerate it from flowmap.analyze.doc"


def test_the_package_docstring_example_runs(monkeypatch: object) -> None:
    import os

    code = "\n".join(line[4:] for line in flowmap.__doc__.split("::\n", 1)[1].split("\n\n", 1)[0].splitlines())
    code = code.replace("days=20", "days=1").replace("seed=1)", "seed=1, replications=1)")
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(code, "flowmap.__doc__", "exec"), {})
    finally:
        os.chdir(here)
